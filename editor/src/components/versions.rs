//! A guide's published versions, newest first: which is live, who published it and
//! why, and the two ways back — roll back (publish an old version again) or load an
//! old version into the draft to edit it.

use waymark::guide::Guide;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::{Api, ApiError, Published, Version};
use crate::format::when;

#[derive(Properties, PartialEq)]
pub struct VersionsProps {
    pub api: Api,
    pub app: AttrValue,
    pub guide_id: AttrValue,
    pub live_version: Option<i64>,
    /// Changes whenever a version was published, so the list is read again.
    pub revision: u32,
    /// A version was published by rolling back.
    pub on_published: Callback<Published>,
    /// The agent wants an old version's content in the draft.
    pub on_load: Callback<Guide>,
    pub on_error: Callback<ApiError>,
}

#[function_component(Versions)]
pub fn versions(p: &VersionsProps) -> Html {
    let list = use_state(|| None::<Result<Vec<Version>, ApiError>>);
    let busy = use_state(|| None::<i64>);
    {
        let (list, api, app, id) = (
            list.clone(),
            p.api.clone(),
            p.app.clone(),
            p.guide_id.clone(),
        );
        use_effect_with((p.guide_id.clone(), p.revision), move |_| {
            spawn_local(async move {
                list.set(Some(api.versions(&app, &id).await));
            });
        });
    }
    let roll_back = |version: i64| {
        let (api, app, id, busy) = (
            p.api.clone(),
            p.app.clone(),
            p.guide_id.clone(),
            busy.clone(),
        );
        let (on_published, on_error) = (p.on_published.clone(), p.on_error.clone());
        Callback::from(move |_| {
            let (api, app, id, busy) = (api.clone(), app.clone(), id.clone(), busy.clone());
            let (on_published, on_error) = (on_published.clone(), on_error.clone());
            busy.set(Some(version));
            spawn_local(async move {
                match api.roll_back(&app, &id, version).await {
                    Ok(v) => on_published.emit(v),
                    Err(e) => on_error.emit(e),
                }
                busy.set(None);
            });
        })
    };
    let load = |version: i64| {
        let (api, app, id, busy) = (
            p.api.clone(),
            p.app.clone(),
            p.guide_id.clone(),
            busy.clone(),
        );
        let (on_load, on_error) = (p.on_load.clone(), p.on_error.clone());
        Callback::from(move |_| {
            let (api, app, id, busy) = (api.clone(), app.clone(), id.clone(), busy.clone());
            let (on_load, on_error) = (on_load.clone(), on_error.clone());
            busy.set(Some(version));
            spawn_local(async move {
                match api.version(&app, &id, version).await {
                    Ok(Published { guide: Some(g), .. }) => on_load.emit(g),
                    Ok(_) => on_error.emit(ApiError::Other("that version has no content".into())),
                    Err(e) => on_error.emit(e),
                }
                busy.set(None);
            });
        })
    };
    let body = match &*list {
        None => html! { <p class="muted">{ "Loading versions…" }</p> },
        Some(Err(e)) => html! { <p class="error" role="alert">{ e.to_string() }</p> },
        Some(Ok(versions)) if versions.is_empty() => html! {
            <p class="muted">{ "Not published yet. Publish the draft to make version 1 live." }</p>
        },
        Some(Ok(versions)) => html! {
            <table class="grid versions">
                <thead><tr>
                    <th scope="col">{ "Version" }</th><th scope="col">{ "Published" }</th>
                    <th scope="col">{ "By" }</th><th scope="col">{ "Note" }</th>
                    <th scope="col"><span class="visually-hidden">{ "Actions" }</span></th>
                </tr></thead>
                <tbody>
                    { for versions.iter().map(|v| {
                        let live = p.live_version == Some(v.version);
                        let working = *busy == Some(v.version);
                        html! {
                            <tr class={classes!(live.then_some("live"))}>
                                <td>
                                    { format!("v{}", v.version) }
                                    if live { <span class="badge ok">{ "live" }</span> }
                                </td>
                                <td>{ when(v.published_at) }</td>
                                <td>{ v.published_by.clone().unwrap_or_default() }</td>
                                <td>{ v.note.clone().unwrap_or_default() }</td>
                                <td class="actions">
                                    <button type="button" class="small" disabled={working} onclick={load(v.version)}
                                        title="Replace the draft with this version's content">
                                        { "Load into draft" }
                                    </button>
                                    if !live {
                                        <button type="button" class="small" disabled={working} onclick={roll_back(v.version)}
                                            title="Publish this version's content again as a new version">
                                            { format!("Roll back to v{}", v.version) }
                                        </button>
                                    }
                                </td>
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
        },
    };
    html! {
        <section class="versions-panel" aria-labelledby="versions-heading">
            <h3 id="versions-heading">{ "Published versions" }</h3>
            <p class="hint">
                { "Versions never change. Rolling back publishes the old content as a new version, so users get it at once; the draft is left as it is." }
            </p>
            { body }
        </section>
    }
}
