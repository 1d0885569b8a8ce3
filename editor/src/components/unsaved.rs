//! Unsaved edits are not lost: they are kept in this browser until saved, leaving
//! the page asks first, and a later visit offers them back; Ctrl+S saves from
//! anywhere, and "go to field" lands the focus on the field.

use gloo::events::{EventListener, EventListenerOptions};
use wasm_bindgen::JsCast;
use waymark::guide::Guide;
use yew::prelude::*;

use crate::browser;
use crate::format::when;

/// Keeps `guide` in this browser while it is `dirty` (only when `active`: a stored
/// guide, loaded), and asks before the page is left with unsaved edits.
#[hook]
pub fn use_kept_edits(app: AttrValue, guide: Guide, dirty: bool, active: bool) {
    use_effect_with((guide, dirty, active), move |(guide, dirty, active)| {
        if *active {
            let json = dirty.then(|| serde_json::to_string(guide).unwrap_or_default());
            browser::keep_unsaved(&app, &guide.id, json.as_deref());
        }
    });
    let dirty_now = use_mut_ref(|| false);
    *dirty_now.borrow_mut() = dirty;
    use_effect_with((), move |_| {
        let listener = EventListener::new_with_options(
            &gloo::utils::window(),
            "beforeunload",
            EventListenerOptions::enable_prevent_default(),
            move |e| {
                if *dirty_now.borrow() {
                    e.prevent_default();
                }
            },
        );
        move || drop(listener)
    });
}

#[derive(Properties, PartialEq)]
pub struct RestoreProps {
    pub kept: Guide,
    /// When the kept edits were made (ms since the epoch).
    pub at: i64,
    pub on_restore: Callback<Guide>,
    pub on_discard: Callback<()>,
}

/// Offers edits kept from an earlier visit.
#[function_component(RestoreBanner)]
pub fn restore_banner(p: &RestoreProps) -> Html {
    let restore = {
        let (kept, on_restore) = (p.kept.clone(), p.on_restore.clone());
        Callback::from(move |_| on_restore.emit(kept.clone()))
    };
    let discard = {
        let on_discard = p.on_discard.clone();
        Callback::from(move |_| on_discard.emit(()))
    };
    html! {
        <div class="restore" role="status">
            { format!("This browser kept changes to this guide from {} that were never saved.", when(p.at)) }
            <button type="button" class="small" onclick={restore}>{ "Restore them" }</button>
            <button type="button" class="small" onclick={discard}>{ "Discard" }</button>
        </div>
    }
}

/// Calls `save` on Ctrl+S (⌘S), instead of the browser saving the page.
#[hook]
pub fn use_save_shortcut(save: Callback<()>) {
    use_effect_with((), move |_| {
        let listener = EventListener::new_with_options(
            &gloo::utils::window(),
            "keydown",
            EventListenerOptions::enable_prevent_default(),
            move |e| {
                let Some(e) = e.dyn_ref::<web_sys::KeyboardEvent>() else {
                    return;
                };
                if (e.ctrl_key() || e.meta_key()) && e.key().eq_ignore_ascii_case("s") {
                    e.prevent_default();
                    save.emit(());
                }
            },
        );
        move || drop(listener)
    });
}

/// Focuses (and scrolls to) the element whose id is requested, once rendered.
#[hook]
pub fn use_focus_request(request: UseStateHandle<Option<String>>) {
    let target = (*request).clone();
    use_effect_with(target, move |target| {
        if let Some(id) = target {
            if let Some(el) = gloo::utils::document().get_element_by_id(id) {
                if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                    el.scroll_into_view();
                    let _ = el.focus();
                }
            }
            request.set(None);
        }
    });
}
