//! The top of the guide editor: which guide, its state, and the actions on it
//! (preview, save, publish with a note).

use waymark::guide::Kind;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct EditorHeadProps {
    pub title: AttrValue,
    pub kind: Kind,
    pub id: AttrValue,
    /// "Saved · live version v2", "Unsaved changes"...
    pub status: AttrValue,
    pub previewing: bool,
    pub can_preview: bool,
    pub is_new: bool,
    pub can_save: bool,
    pub can_publish: bool,
    pub has_problems: bool,
    pub on_back: Callback<()>,
    pub on_preview: Callback<MouseEvent>,
    pub on_save: Callback<MouseEvent>,
    /// Publish, with the note typed for the version.
    pub on_publish: Callback<String>,
}

#[function_component(EditorHead)]
pub fn editor_head(p: &EditorHeadProps) -> Html {
    let note = use_state(String::new);
    let publish = {
        let (note, on_publish) = (note.clone(), p.on_publish.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            on_publish.emit((*note).clone());
            note.set(String::new());
        })
    };
    let publish_title = if p.can_publish {
        "Save and make this the version users get"
    } else if p.has_problems {
        "Fix the problems to publish"
    } else {
        "Users already get this version"
    };
    html! {
        <header class="editor-head">
            <button type="button" class="link back"
                onclick={ let b = p.on_back.clone(); Callback::from(move |_| b.emit(())) }>{ "← Guides" }</button>
            <div class="title-block">
                <h1>{ if p.title.trim().is_empty() { "(untitled)" } else { p.title.as_str() } }</h1>
                <p class="muted">
                    <span class={classes!("kind", p.kind.as_str())}>{ p.kind.as_str() }</span>
                    { " · " }<code>{ p.id.clone() }</code>{ " · " }{ p.status.clone() }
                </p>
            </div>
            <div class="button-row actions">
                <button type="button" onclick={p.on_preview.clone()} disabled={!p.can_preview}
                    title={if p.can_preview { "Play the draft in the app, without publishing" } else { "Fix the problems to preview" }}>
                    { if p.previewing { "Restart preview" } else { "Preview in app" } }
                </button>
                <button type="button" onclick={p.on_save.clone()} disabled={!p.can_save} title="Ctrl+S">
                    { if p.is_new { "Create draft" } else { "Save draft" } }
                </button>
                <form class="publish" onsubmit={publish}>
                    <label for="publish-note" class="visually-hidden">{ "Publish note" }</label>
                    <input id="publish-note" type="text" placeholder="Note (optional)" value={(*note).clone()}
                        oninput={ let n = note.clone(); Callback::from(move |e: InputEvent| n.set(e.target_unchecked_into::<HtmlInputElement>().value())) } />
                    <button type="submit" class="primary" disabled={!p.can_publish} title={publish_title}
                        aria-describedby={p.has_problems.then_some("problem-summary-heading")}>{ "Publish" }</button>
                </form>
            </div>
        </header>
    }
}
