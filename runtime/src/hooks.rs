//! The host page's listeners, registered with `Waymark.on(event, callback)`.
//!
//! Owns calling them: with each analytics event as a plain object under its kind
//! (`step_shown`, `run_completed`, ... as the core's `EventKind` names them), `"*"`
//! for every event, and `ready` once the guides are loaded. A listener that throws
//! is reported with `console.warn` and the others still run. The registry lives
//! apart from the shell so a listener may call `on` or `off` while being called.

use std::cell::RefCell;

use js_sys::Function;
use wasm_bindgen::prelude::*;

thread_local! {
    static LISTENERS: RefCell<Registry> = RefCell::new(Registry::default());
}

#[derive(Default)]
struct Registry {
    listeners: Vec<(u32, String, Function)>,
    next_id: u32,
}

/// Adds a listener and returns its id, for [`remove`].
pub fn add(event: String, callback: Function) -> u32 {
    LISTENERS.with(|r| {
        let Ok(mut r) = r.try_borrow_mut() else {
            return 0;
        };
        r.next_id += 1;
        let id = r.next_id;
        r.listeners.push((id, event, callback));
        id
    })
}

pub fn remove(id: u32) {
    LISTENERS.with(|r| {
        if let Ok(mut r) = r.try_borrow_mut() {
            r.listeners.retain(|(i, _, _)| *i != id);
        }
    });
}

fn targets(event: &str) -> Vec<Function> {
    LISTENERS.with(|r| {
        r.try_borrow()
            .map(|r| {
                r.listeners
                    .iter()
                    .filter(|(_, e, _)| e == event || e == "*")
                    .map(|(_, _, f)| f.clone())
                    .collect()
            })
            .unwrap_or_default()
    })
}

/// Calls the listeners of `event`; `payload` is only built when someone listens.
pub fn call(event: &str, payload: impl FnOnce() -> JsValue) {
    let targets = targets(event);
    if targets.is_empty() {
        return;
    }
    let payload = payload();
    for f in targets {
        if let Err(error) = f.call1(&JsValue::NULL, &payload) {
            web_sys::console::warn_2(
                &JsValue::from_str(&["Waymark: an on(\"", event, "\") listener threw:"].concat()),
                &error,
            );
        }
    }
}
