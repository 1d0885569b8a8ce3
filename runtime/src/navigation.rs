//! Seeing the page change: single-page-app route changes and full page loads.
//!
//! Owns the one change Waymark makes outside its shadow root: `history.pushState`
//! and `replaceState` are wrapped so a route change made by the host app is noticed
//! (the original runs first and its result, or its exception, goes back to the app
//! untouched), and `popstate` is listened to for Back and Forward. A full page load
//! needs nothing here: `init` reports the first URL and the engine resumes from
//! stored progress. Each change posts `Navigated`; the shell compares URLs.

use js_sys::{Function, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::dom;
use crate::msg::{post, Msg};

/// Marks wrappers we installed, so a second copy of the runtime does not wrap twice.
const MARK: &str = "__waymark";

/// Wraps the History API and listens for `popstate`. Safe to call more than once.
pub fn install() {
    let Some(w) = dom::window() else { return };
    let Ok(history) = w.history() else { return };
    for name in ["pushState", "replaceState"] {
        wrap(&history, name);
    }
    dom::listen(&w, "popstate", false, true, |_| post(Msg::Navigated));
    // Some routers only change the hash; patterns ignore it, but a step may wait
    // for a view that a hash change brings in.
    dom::listen(&w, "hashchange", false, true, |_| post(Msg::Navigated));
}

fn wrap(history: &web_sys::History, name: &str) {
    let Ok(original) = Reflect::get(history, &name.into()) else {
        return;
    };
    let Some(original) = original.dyn_ref::<Function>().cloned() else {
        return;
    };
    if Reflect::has(&original, &MARK.into()).unwrap_or(false) {
        return;
    }
    let target = history.clone();
    let wrapper = Closure::<dyn Fn(JsValue, JsValue, JsValue) -> JsValue>::new(
        move |state: JsValue, unused: JsValue, url: JsValue| {
            // Pass on exactly the arguments given: `url` left out is not `undefined`
            // for every browser's bookkeeping.
            let result = if url.is_undefined() {
                original.call2(&target, &state, &unused)
            } else {
                original.call3(&target, &state, &unused, &url)
            };
            match result {
                Ok(v) => {
                    soon_navigated();
                    v
                }
                // The app's own mistake (a cross-origin URL...): it is theirs to see.
                Err(e) => wasm_bindgen::throw_val(e),
            }
        },
    )
    .into_js_value();
    let _ = Reflect::set(&wrapper, &MARK.into(), &JsValue::TRUE);
    let _ = Reflect::set(history, &name.into(), &wrapper);
}

/// Posts `Navigated` in a microtask: most routers render the new view right after
/// `pushState` returns, and the first lookup for the new page's target should see it.
fn soon_navigated() {
    let done = js_sys::Promise::resolve(&JsValue::UNDEFINED);
    crate::network::settle(&done, |_| post(Msg::Navigated));
}

/// The page's URL now.
pub fn current_url() -> String {
    dom::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default()
}
