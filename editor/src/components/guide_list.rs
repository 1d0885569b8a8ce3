//! The app's guides: search and filter them, open one, start a new one, duplicate
//! or delete one, and move them all in and out as a bundle.

use waymark::guide::{Guide, Kind};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::{Api, ApiError};
use crate::browser;
use crate::catalog::{entries, Entry, Filter, StatusFilter};
use crate::format::{count, when};
use crate::model::{blank_guide, duplicate, slug, unique_id};

#[derive(Properties, PartialEq)]
pub struct GuideListProps {
    pub api: Api,
    pub app: AttrValue,
    pub on_open: Callback<String>,
    /// A new guide, not saved yet, to open in the editor.
    pub on_new: Callback<Guide>,
    pub on_notice: Callback<String>,
    pub on_error: Callback<ApiError>,
}

type Loaded = Option<Result<Vec<Entry>, ApiError>>;

#[function_component(GuideList)]
pub fn guide_list(p: &GuideListProps) -> Html {
    let list = use_state(|| None as Loaded);
    let reload = use_state(|| 0u32);
    let filter = use_state(Filter::default);
    let confirming = use_state(|| None::<String>);
    let creating = use_state(|| false);
    {
        let (list, api, app) = (list.clone(), p.api.clone(), p.app.clone());
        use_effect_with((p.app.clone(), *reload), move |_| {
            spawn_local(async move {
                let loaded = match api.drafts(&app).await {
                    Ok(summaries) => {
                        let bundle = api.export(&app).await.ok();
                        Ok(entries(&app, summaries, bundle.as_deref()))
                    }
                    Err(e) => Err(e),
                };
                list.set(Some(loaded));
            });
        });
    }
    let taken: Vec<String> = match &*list {
        Some(Ok(entries)) => entries.iter().map(|e| e.summary.id.clone()).collect(),
        _ => vec![],
    };
    let set_filter = |f: fn(&mut Filter, String)| {
        let filter = filter.clone();
        move |value: String| {
            let mut next = (*filter).clone();
            f(&mut next, value);
            filter.set(next)
        }
    };
    let on_query = set_filter(|f, v| f.query = v);
    let on_page = set_filter(|f, v| f.page = v);
    let on_kind = set_filter(|f, v| f.kind = v);
    let on_status = set_filter(|f, v| f.status = StatusFilter::parse(&v));

    let duplicate_guide = |id: String| {
        let (api, app, taken, on_open, on_error, reload) = (
            p.api.clone(),
            p.app.clone(),
            taken.clone(),
            p.on_open.clone(),
            p.on_error.clone(),
            reload.clone(),
        );
        Callback::from(move |_| {
            let (api, app, taken, on_open, on_error, reload, id) = (
                api.clone(),
                app.clone(),
                taken.clone(),
                on_open.clone(),
                on_error.clone(),
                reload.clone(),
                id.clone(),
            );
            spawn_local(async move {
                let copied = match api.draft(&app, &id).await {
                    Ok(doc) => api.create(&app, &duplicate(&doc.guide, &taken)).await,
                    Err(e) => Err(e),
                };
                match copied {
                    Ok(doc) => {
                        reload.set(*reload + 1);
                        on_open.emit(doc.guide.id)
                    }
                    Err(e) => on_error.emit(e),
                }
            });
        })
    };
    let delete_guide = |id: String| {
        let (api, app, on_notice, on_error, reload, confirming) = (
            p.api.clone(),
            p.app.clone(),
            p.on_notice.clone(),
            p.on_error.clone(),
            reload.clone(),
            confirming.clone(),
        );
        Callback::from(move |_| {
            let (api, app, on_notice, on_error, reload, confirming, id) = (
                api.clone(),
                app.clone(),
                on_notice.clone(),
                on_error.clone(),
                reload.clone(),
                confirming.clone(),
                id.clone(),
            );
            spawn_local(async move {
                match api.delete(&app, &id).await {
                    Ok(()) => on_notice.emit(format!("Deleted “{id}”.")),
                    Err(e) => on_error.emit(e),
                }
                confirming.set(None);
                reload.set(*reload + 1);
            });
        })
    };
    let export = {
        let (api, app, on_error) = (p.api.clone(), p.app.clone(), p.on_error.clone());
        Callback::from(move |_| {
            let (api, app, on_error) = (api.clone(), app.clone(), on_error.clone());
            spawn_local(async move {
                match api.export(&app).await {
                    Ok(text) => browser::download(&format!("waymark-{app}.json"), &text),
                    Err(e) => on_error.emit(e),
                }
            });
        })
    };
    let import = {
        let (api, on_notice, on_error, reload) = (
            p.api.clone(),
            p.on_notice.clone(),
            p.on_error.clone(),
            reload.clone(),
        );
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            let (api, on_notice, on_error, reload) = (
                api.clone(),
                on_notice.clone(),
                on_error.clone(),
                reload.clone(),
            );
            spawn_local(async move {
                let Some(text) = browser::read_file(&file).await else {
                    return;
                };
                match api.import(&text).await {
                    Ok(r) => on_notice.emit(format!(
                        "Imported: {}, {}, {}.",
                        count(r.guides_created as usize, "new guide", "new guides"),
                        count(r.drafts_saved as usize, "draft saved", "drafts saved"),
                        count(r.versions_imported as usize, "version", "versions"),
                    )),
                    Err(e) => on_error.emit(e),
                }
                reload.set(*reload + 1);
            });
            input.set_value("");
        })
    };

    let rows = match &*list {
        None => html! { <p class="muted">{ "Loading guides…" }</p> },
        Some(Err(e)) => html! { <p class="error" role="alert">{ e.to_string() }</p> },
        Some(Ok(all)) => {
            let shown: Vec<&Entry> = all.iter().filter(|e| filter.accepts(e)).collect();
            html! {
                <>
                    <p class="count" aria-live="polite">
                        { if filter.is_empty() { count(all.len(), "guide", "guides") }
                          else { format!("{} of {}", shown.len(), count(all.len(), "guide", "guides")) } }
                    </p>
                    if shown.is_empty() {
                        <p class="empty">{ if all.is_empty() { "No guides yet. Start with “New guide”." } else { "No guide matches these filters." } }</p>
                    } else {
                        <table class="grid guides">
                            <thead><tr>
                                <th scope="col">{ "Guide" }</th><th scope="col">{ "Kind" }</th>
                                <th scope="col">{ "Status" }</th><th scope="col">{ "Pages" }</th>
                                <th scope="col">{ "Updated" }</th>
                                <th scope="col"><span class="visually-hidden">{ "Actions" }</span></th>
                            </tr></thead>
                            <tbody>{ for shown.iter().map(|e| row(p, e, &confirming, duplicate_guide(e.summary.id.clone()), delete_guide(e.summary.id.clone()))) }</tbody>
                        </table>
                    }
                </>
            }
        }
    };
    let new_form = if *creating {
        html! { <NewGuideForm taken={taken.clone()} on_create={
            let (on_new, creating) = (p.on_new.clone(), creating.clone());
            Callback::from(move |g: Guide| { creating.set(false); on_new.emit(g) })
        } on_cancel={ let creating = creating.clone(); Callback::from(move |_| creating.set(false)) } /> }
    } else {
        html! {}
    };
    html! {
        <section class="guide-list" aria-labelledby="guides-heading">
            <header class="page-head">
                <h1 id="guides-heading">{ "Guides" }</h1>
                <div class="button-row">
                    <label class="button file-button">
                        { "Import bundle…" }
                        <input type="file" accept="application/json,.json" onchange={import} class="visually-hidden" />
                    </label>
                    <button type="button" onclick={export}>{ "Export bundle" }</button>
                    <button type="button" class="primary" onclick={ let c = creating.clone(); Callback::from(move |_| c.set(true)) }>
                        { "New guide" }
                    </button>
                </div>
            </header>
            { new_form }
            <form class="filters" role="search" aria-label="Filter guides" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
                <div class="field grow">
                    <label for="guide-search">{ "Search" }</label>
                    <input id="guide-search" type="search" placeholder="Title, id or description"
                        value={filter.query.clone()} oninput={Callback::from(move |e: InputEvent| on_query(e.target_unchecked_into::<HtmlInputElement>().value()))} />
                </div>
                <div class="field">
                    <label for="filter-kind">{ "Kind" }</label>
                    <select id="filter-kind" onchange={Callback::from(move |e: Event| on_kind(e.target_unchecked_into::<HtmlSelectElement>().value()))}>
                        { for [("", "All kinds"), ("tour", "Tours"), ("tip", "Tips"), ("checklist", "Checklists")].iter().map(|(v, l)| html! {
                            <option value={*v} selected={filter.kind == *v}>{ *l }</option>
                        }) }
                    </select>
                </div>
                <div class="field">
                    <label for="filter-status">{ "Status" }</label>
                    <select id="filter-status" onchange={Callback::from(move |e: Event| on_status(e.target_unchecked_into::<HtmlSelectElement>().value()))}>
                        { for [("", "Any status", StatusFilter::Any), ("draft", "Not published", StatusFilter::Draft),
                            ("live", "Live", StatusFilter::Live), ("changed", "Unpublished changes", StatusFilter::Changed)]
                            .iter().map(|(v, l, f)| html! {
                                <option value={*v} selected={filter.status == *f}>{ *l }</option>
                            }) }
                    </select>
                </div>
                <div class="field">
                    <label for="filter-page">{ "Page" }</label>
                    <input id="filter-page" type="text" class="code" placeholder="e.g. /demo/approvals" value={filter.page.clone()}
                        oninput={Callback::from(move |e: InputEvent| on_page(e.target_unchecked_into::<HtmlInputElement>().value()))} />
                </div>
            </form>
            { rows }
        </section>
    }
}

fn row(
    p: &GuideListProps,
    e: &Entry,
    confirming: &UseStateHandle<Option<String>>,
    on_duplicate: Callback<MouseEvent>,
    on_delete: Callback<MouseEvent>,
) -> Html {
    let id = e.summary.id.clone();
    let status = e.status();
    let open = {
        let (on_open, id) = (p.on_open.clone(), id.clone());
        Callback::from(move |ev: MouseEvent| {
            ev.prevent_default();
            on_open.emit(id.clone())
        })
    };
    let asking = confirming.as_deref() == Some(id.as_str());
    let ask = {
        let (confirming, id) = (confirming.clone(), id.clone());
        Callback::from(move |_| confirming.set(Some(id.clone())))
    };
    let cancel = {
        let confirming = confirming.clone();
        Callback::from(move |_| confirming.set(None))
    };
    html! {
        <tr>
            <td>
                <a href={format!("#/guides/{id}")} onclick={open} class="guide-link">{ &e.summary.title }</a>
                <div class="muted code">{ &id }</div>
            </td>
            <td><span class={classes!("kind", e.summary.kind.clone())}>{ &e.summary.kind }</span></td>
            <td><span class={classes!("badge", status.class())}>{ status.label() }</span></td>
            <td class="code small">{ e.urls().join(", ") }</td>
            <td>
                { when(e.summary.updated_at) }
                if let Some(by) = &e.summary.updated_by {
                    <div class="muted small">{ by.split(" (").next().unwrap_or(by).to_owned() }</div>
                }
            </td>
            <td class="actions">
                if asking {
                    <span role="alert" class="confirm">
                        { "Delete it and all its versions? " }
                        <button type="button" class="small danger" onclick={on_delete}>{ "Delete" }</button>
                        <button type="button" class="small" onclick={cancel}>{ "Keep" }</button>
                    </span>
                } else {
                    <button type="button" class="small" onclick={on_duplicate}
                        aria-label={format!("Duplicate {}", e.summary.title)}>{ "Duplicate" }</button>
                    <button type="button" class="small danger-outline" onclick={ask}
                        aria-label={format!("Delete {}", e.summary.title)}>{ "Delete" }</button>
                }
            </td>
        </tr>
    }
}

#[derive(Properties, PartialEq)]
struct NewGuideProps {
    taken: Vec<String>,
    on_create: Callback<Guide>,
    on_cancel: Callback<()>,
}

/// Asks for what a new guide cannot do without: its kind and title.
#[function_component(NewGuideForm)]
fn new_guide_form(p: &NewGuideProps) -> Html {
    let title = use_state(String::new);
    let kind = use_state(|| Kind::Tour);
    let submit = {
        let (title, kind, taken, on_create) = (
            title.clone(),
            kind.clone(),
            p.taken.clone(),
            p.on_create.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let text = title.trim();
            let text = if text.is_empty() { "New guide" } else { text };
            let base = slug(text);
            let id = unique_id(
                if base.is_empty() { "guide" } else { &base },
                taken.iter().map(String::as_str),
            );
            on_create.emit(blank_guide(*kind, &id, text));
        })
    };
    let kinds = [
        (Kind::Tour, "Tour", "Steps that walk users through a task"),
        (Kind::Tip, "Tip", "A hint attached to one field or button"),
        (
            Kind::Checklist,
            "Checklist",
            "Tours to complete, ticked as users go",
        ),
    ];
    html! {
        <form class="card new-guide" onsubmit={submit} aria-labelledby="new-guide-heading">
            <h2 id="new-guide-heading">{ "New guide" }</h2>
            <fieldset class="kinds">
                <legend>{ "Kind" }</legend>
                { for kinds.iter().map(|(k, label, help)| {
                    let (kind, k) = (kind.clone(), *k);
                    html! {
                        <label class={classes!("kind-choice", (*kind == k).then_some("chosen"))}>
                            <input type="radio" name="new-kind" checked={*kind == k}
                                onchange={Callback::from(move |_| kind.set(k))} />
                            <strong>{ *label }</strong><span class="muted">{ *help }</span>
                        </label>
                    }
                }) }
            </fieldset>
            <div class="field">
                <label for="new-title">{ "Title" }</label>
                <input id="new-title" type="text" value={(*title).clone()} placeholder="Raise a purchase requisition"
                    oninput={ let t = title.clone(); Callback::from(move |e: InputEvent| t.set(e.target_unchecked_into::<HtmlInputElement>().value())) } />
            </div>
            <div class="button-row">
                <button type="submit" class="primary">{ "Create and edit" }</button>
                <button type="button" onclick={ let c = p.on_cancel.clone(); Callback::from(move |_| c.emit(())) }>{ "Cancel" }</button>
            </div>
        </form>
    }
}
