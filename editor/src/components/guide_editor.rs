//! One guide, being edited: its content (steps, tip or items), settings,
//! translations, versions and JSON in tabs, the problems that stop it from being
//! saved or published, and the app panel for picking elements and previewing.

use std::rc::Rc;

use waymark::guide::{Guide, Kind};
use yew::platform::spawn_local;
use yew::prelude::*;

use super::app_panel::{AppPanel, PanelMode};
use super::content::Content;
use super::editor_head::EditorHead;
use super::json_view::JsonView;
use super::locales_form::LocalesForm;
use super::problem_summary::ProblemSummary;
use super::settings_form::SettingsForm;
use super::tabs::{Tab, TabBar};
use super::unsaved::{use_focus_request, use_kept_edits, use_save_shortcut, RestoreBanner};
use super::versions::Versions;
use crate::api::{Api, ApiError};
use crate::model::{with_server_problems, Draft, Edit, Slot};
use crate::problems::{locate, Section};

#[derive(Properties, PartialEq)]
pub struct GuideEditorProps {
    pub api: Api,
    pub app: AttrValue,
    /// Where the app's pages are, for picking and preview.
    pub app_url: AttrValue,
    /// A guide not on the server yet, or the id of one that is.
    pub initial: Result<Guide, String>,
    /// A step to open on, by id (a link from the Insights page's hot spots).
    #[prop_or_default]
    pub step: Option<AttrValue>,
    pub on_back: Callback<()>,
    /// A new guide was created on the server under this id.
    pub on_created: Callback<String>,
    pub on_notice: Callback<String>,
    pub on_error: Callback<ApiError>,
}

#[function_component(GuideEditor)]
pub fn guide_editor(p: &GuideEditorProps) -> Html {
    let draft = use_reducer(|| match &p.initial {
        Ok(guide) => Draft::new_guide(guide.clone()),
        Err(_) => Draft::new_guide(crate::model::blank_guide(Kind::Tour, "", "")),
    });
    let loading = use_state(|| p.initial.is_err());
    let load_error = use_state(|| None::<ApiError>);
    let live_version = use_state(|| None::<i64>);
    // What users get now, to tell whether publishing would change anything.
    let live = use_state(|| None::<Guide>);
    let tab = use_state(|| Tab::Content);
    let selected = use_state(|| 0usize);
    let panel = use_state(|| None::<PanelMode>);
    let pick_slot = use_state(|| None::<Slot>);
    let server_problems = use_state(Vec::new);
    let busy = use_state(|| false);
    let revision = use_state(|| 0u32);
    let preview_run = use_state(|| 0u32);
    let focus = use_state(|| None::<String>);
    let tours = use_state(Vec::<(String, String)>::new);
    // Edits this browser kept from an earlier visit that was never saved.
    let restorable = use_state(|| None::<(Guide, i64)>);

    // Load the guide from the server.
    {
        let (api, app, draft, loading, load_error, live_version, live) = (
            p.api.clone(),
            p.app.clone(),
            draft.clone(),
            loading.clone(),
            load_error.clone(),
            live_version.clone(),
            live.clone(),
        );
        let restorable = restorable.clone();
        use_effect_with(p.initial.clone(), move |initial| {
            if let Err(id) = initial.clone() {
                spawn_local(async move {
                    match api.draft(&app, &id).await {
                        Ok(doc) => {
                            live_version.set(doc.summary.live_version);
                            let kept = crate::browser::unsaved(&app, &id).and_then(|(json, at)| {
                                let guide = waymark::validate::from_json(&json).ok()?;
                                (guide != doc.guide).then_some((guide, at))
                            });
                            restorable.set(kept);
                            draft.dispatch(Edit::Saved(Box::new(doc.guide)));
                            if let Some(v) = doc.summary.live_version {
                                live.set(
                                    api.version(&app, &id, v).await.ok().and_then(|v| v.guide),
                                );
                            }
                        }
                        Err(e) => load_error.set(Some(e)),
                    }
                    loading.set(false);
                });
            }
        });
    }
    // The app's tours, for checklist items.
    {
        let (api, app, tours) = (p.api.clone(), p.app.clone(), tours.clone());
        use_effect_with((draft.guide.kind, p.app.clone()), move |(kind, _)| {
            if *kind == Kind::Checklist {
                spawn_local(async move {
                    if let Ok(list) = api.drafts(&app).await {
                        tours.set(
                            list.into_iter()
                                .filter(|s| s.kind == "tour")
                                .map(|s| (s.id, s.title))
                                .collect(),
                        );
                    }
                });
            }
        });
    }
    // Opened on a step (`#/guides/ID/steps/STEP`): select it once the guide is here,
    // and bring its form into view.
    {
        let (guide, tab, selected, focus, on_notice) = (
            draft.guide.clone(),
            tab.clone(),
            selected.clone(),
            focus.clone(),
            p.on_notice.clone(),
        );
        use_effect_with((p.step.clone(), *loading), move |(step, loading)| {
            if let (Some(step), false) = (step, loading) {
                match guide.steps.iter().position(|s| s.id == step.as_str()) {
                    Some(i) => {
                        selected.set(i);
                        tab.set(Tab::Content);
                        focus.set(Some(crate::problems::field_id(&format!(
                            "steps[{i}].title"
                        ))));
                    }
                    None => on_notice.emit(format!(
                        "“{}” has no step “{step}” any more: it was renamed or removed.",
                        guide.title
                    )),
                }
            }
        });
    }
    // After "Go to field", focus it once it is on screen.
    use_focus_request(focus.clone());

    // Saves the draft (when changed) and, given a note, publishes it after.
    let save = {
        let (api, app, draft, busy, server_problems) = (
            p.api.clone(),
            p.app.clone(),
            draft.clone(),
            busy.clone(),
            server_problems.clone(),
        );
        let (live_version, revision, live) = (live_version.clone(), revision.clone(), live.clone());
        let (on_created, on_notice, on_error) = (
            p.on_created.clone(),
            p.on_notice.clone(),
            p.on_error.clone(),
        );
        Rc::new(move |then_publish: Option<String>| {
            if *busy || !draft.problems.is_empty() || (then_publish.is_none() && !draft.is_dirty())
            {
                return;
            }
            let (api, app, draft, busy, server_problems) = (
                api.clone(),
                app.clone(),
                draft.clone(),
                busy.clone(),
                server_problems.clone(),
            );
            let (live_version, revision, live) =
                (live_version.clone(), revision.clone(), live.clone());
            let (on_created, on_notice, on_error) =
                (on_created.clone(), on_notice.clone(), on_error.clone());
            busy.set(true);
            spawn_local(async move {
                let guide = draft.guide.clone();
                let saved = if !draft.is_dirty() {
                    Ok(None)
                } else if draft.is_new() {
                    api.create(&app, &guide).await.map(Some)
                } else {
                    api.save(&app, &guide).await.map(Some)
                };
                let outcome = match saved {
                    Ok(doc) => {
                        server_problems.set(Vec::new());
                        if let Some(doc) = doc {
                            // The handle reads the current state: ask before it changes.
                            let was_new = draft.is_new();
                            live_version.set(doc.summary.live_version);
                            draft.dispatch(Edit::Saved(Box::new(doc.guide)));
                            if was_new {
                                on_created.emit(guide.id.clone());
                            }
                        }
                        match then_publish {
                            Some(note) => api.publish(&app, &guide.id, &note).await.map(|p| {
                                live_version.set(Some(p.version.version));
                                live.set(p.guide.clone());
                                revision.set(*revision + 1);
                                format!(
                                    "Published version {} of “{}”. Users get it now.",
                                    p.version.version, guide.title
                                )
                            }),
                            None => Ok(format!("Saved the draft of “{}”.", guide.title)),
                        }
                    }
                    Err(e) => Err(e),
                };
                match outcome {
                    Ok(message) => on_notice.emit(message),
                    Err(ApiError::Invalid { message, problems }) => {
                        server_problems.set(problems.clone());
                        on_error.emit(ApiError::Invalid { message, problems });
                    }
                    Err(e) => on_error.emit(e),
                }
                busy.set(false);
            });
        })
    };
    // A roll back refreshes the live version and the versions list.
    let after_publish = {
        let (live_version, revision, live) = (live_version.clone(), revision.clone(), live.clone());
        move |published: crate::api::Published| {
            live_version.set(Some(published.version.version));
            live.set(published.guide);
            revision.set(*revision + 1);
        }
    };
    let on_save = {
        let save = save.clone();
        Callback::from(move |_| save(None))
    };
    let on_publish = {
        let save = save.clone();
        Callback::from(move |note: String| save(Some(note)))
    };
    // Ctrl+S / ⌘S saves.
    {
        let save = save.clone();
        use_save_shortcut(Callback::from(move |_| save(None)));
    }

    use_kept_edits(
        p.app.clone(),
        draft.guide.clone(),
        draft.is_dirty() && !*loading,
        !*loading && !draft.is_new(),
    );

    if *loading {
        return html! { <p class="muted page-pad">{ "Loading the guide…" }</p> };
    }
    if let Some(e) = &*load_error {
        return html! {
            <div class="page-pad">
                <p class="error" role="alert">{ e.to_string() }</p>
                <button type="button" onclick={ let b = p.on_back.clone(); Callback::from(move |_| b.emit(())) }>{ "Back to guides" }</button>
            </div>
        };
    }

    let g = &draft.guide;
    let problems = with_server_problems(&draft, (*server_problems).clone());
    let dispatch = {
        let draft = draft.clone();
        Callback::from(move |edit: Edit| draft.dispatch(edit))
    };
    let go_to = {
        let (tab, selected, focus) = (tab.clone(), selected.clone(), focus.clone());
        Callback::from(move |path: String| {
            let location = locate(&path);
            if let Section::Step(i) = location.section {
                selected.set(i);
            }
            tab.set(Tab::of(&location.section));
            focus.set(Some(location.field_id));
        })
    };
    let on_pick = {
        let (panel, pick_slot) = (panel.clone(), pick_slot.clone());
        Callback::from(move |(slot, what): (Slot, String)| {
            pick_slot.set(Some(slot));
            panel.set(Some(PanelMode::Pick { what }));
        })
    };
    let on_picked = {
        let (dispatch, pick_slot) = (dispatch.clone(), pick_slot.clone());
        Callback::from(move |(target, url): (waymark::guide::Target, String)| {
            if let Some(slot) = *pick_slot {
                dispatch.emit(Edit::TargetPicked { slot, target, url });
            }
            pick_slot.set(None);
        })
    };
    let preview = {
        let (panel, preview_run, guide, app_url) = (
            panel.clone(),
            preview_run.clone(),
            g.clone(),
            p.app_url.clone(),
        );
        Callback::from(move |_| {
            preview_run.set(*preview_run + 1);
            let url = crate::model::preview_url(&guide, &app_url);
            let guide = serde_json::to_string(&guide).unwrap_or_default();
            panel.set(Some(PanelMode::Preview {
                guide,
                run: *preview_run + 1,
                url,
            }));
        })
    };
    let picking = match (&*panel, *pick_slot) {
        (Some(PanelMode::Pick { .. }), Some(slot)) => Some(slot),
        _ => None,
    };
    let news = live.as_ref().is_none_or(|l| crate::catalog::differs(g, l));
    let can_publish =
        problems.is_empty() && !*busy && !g.id.is_empty() && (draft.is_dirty() || news);
    let status = if draft.is_new() {
        "New, not saved".to_owned()
    } else if draft.is_dirty() {
        "Unsaved changes".to_owned()
    } else {
        match *live_version {
            Some(v) if news && live.is_some() => {
                format!("Saved · live version v{v} · changes not published")
            }
            Some(v) => format!("Saved · live version v{v}"),
            None => "Saved · not published".to_owned(),
        }
    };
    let body = match *tab {
        Tab::Content => html! {
            <Content guide={g.clone()} problems={problems.clone()} selected={*selected}
                on_select={ let s = selected.clone(); Callback::from(move |i| s.set(i)) }
                on_edit={dispatch.clone()} on_pick={on_pick} picking={picking} tours={(*tours).clone()} />
        },
        Tab::Settings => html! {
            <SettingsForm guide={g.clone()} problems={problems.clone()} is_new={draft.is_new()}
                onchange={ let d = dispatch.clone(); Callback::from(move |g: Guide| d.emit(Edit::SettingsChanged(Box::new(g)))) }
                on_kind={ let d = dispatch.clone(); Callback::from(move |k| d.emit(Edit::KindChanged(k))) } />
        },
        Tab::Translations => html! {
            <LocalesForm guide={g.clone()} problems={problems.clone()}
                on_add={ let d = dispatch.clone(); Callback::from(move |t| d.emit(Edit::LocaleAdded(t))) }
                on_change={ let d = dispatch.clone(); Callback::from(move |(t, s)| d.emit(Edit::LocaleChanged(t, s))) }
                on_remove={ let d = dispatch.clone(); Callback::from(move |t| d.emit(Edit::LocaleRemoved(t))) } />
        },
        Tab::Versions => {
            if draft.is_new() {
                html! { <p class="muted">{ "Save the guide first; then publish it to make version 1." }</p> }
            } else {
                html! {
                    <Versions api={p.api.clone()} app={p.app.clone()} guide_id={g.id.clone()} live_version={*live_version}
                        revision={*revision} on_error={p.on_error.clone()}
                        on_published={ let (after, notice) = (after_publish.clone(), p.on_notice.clone()); Callback::from(move |v: crate::api::Published| {
                            notice.emit(format!("Rolled back: version {} is live, with the content of an earlier version.", v.version.version));
                            after(v)
                        }) }
                        on_load={ let (d, notice, tab) = (dispatch.clone(), p.on_notice.clone(), tab.clone()); Callback::from(move |g: Guide| {
                            d.emit(Edit::Replaced(Box::new(g)));
                            notice.emit("Loaded into the draft. Save and publish to make it live.".into());
                            tab.set(Tab::Content);
                        }) } />
                }
            }
        }
        Tab::Json => html! {
            <JsonView guide={g.clone()} problems={problems.clone()}
                on_replace={ let d = dispatch.clone(); Callback::from(move |g: Guide| d.emit(Edit::Replaced(Box::new(g)))) } />
        },
    };
    html! {
        <div class={classes!("guide-editor", panel.is_some().then_some("with-panel"))}>
            <div class="editor-main">
                <EditorHead title={g.title.clone()} kind={g.kind} id={g.id.clone()} {status}
                    previewing={matches!(*panel, Some(PanelMode::Preview { .. }))} can_preview={problems.is_empty()}
                    is_new={draft.is_new()} can_save={draft.can_save() && !*busy} {can_publish}
                    has_problems={!problems.is_empty()} on_back={p.on_back.clone()} on_preview={preview}
                    {on_save} {on_publish} />
                if let Some((kept, at)) = &*restorable {
                    <RestoreBanner kept={kept.clone()} at={*at}
                        on_restore={ let (d, r) = (dispatch.clone(), restorable.clone());
                            Callback::from(move |g: Guide| { d.emit(Edit::Replaced(Box::new(g))); r.set(None) }) }
                        on_discard={ let r = restorable.clone(); Callback::from(move |_| r.set(None)) } />
                }
                <ProblemSummary problems={problems.clone()} on_go={go_to} />
                <TabBar current={*tab} kind={g.kind} problems={problems.clone()}
                    on_select={ let tab = tab.clone(); Callback::from(move |t| tab.set(t)) } />
                <div class="tab-body" role="tabpanel" id="tab-panel" aria-labelledby={tab.id()}>{ body }</div>
            </div>
            if let Some(mode) = &*panel {
                <AppPanel app_url={p.app_url.clone()} mode={mode.clone()} on_picked={on_picked}
                    on_mode={ let panel = panel.clone(); Callback::from(move |m| panel.set(Some(m))) }
                    on_close={ let panel = panel.clone(); Callback::from(move |_| panel.set(None)) } />
            }
        </div>
    }
}
