//! What went wrong in the page lately: script errors and failed requests, for a ticket.
//!
//! The loader (runtime/js/loader.js) records them in plain JavaScript from the moment
//! the SDK loads, observing only, and hands its log to [`crate::api`]. This module
//! reads that log into the core's ticket facts when the user asks for a person.
//! Waymark's own requests to its server are left out: they are not the app's.

use std::cell::RefCell;

use js_sys::{Array, Reflect};
use wasm_bindgen::prelude::*;
use waymark::ticket::{FailedRequest, ScriptError};

thread_local! {
    static LOG: RefCell<JsValue> = const { RefCell::new(JsValue::UNDEFINED) };
}

/// Keeps the loader's log; later calls without one keep the first.
pub fn set(log: JsValue) {
    if log.is_object() {
        LOG.with(|l| *l.borrow_mut() = log);
    }
}

fn entries(list: &str) -> Vec<JsValue> {
    LOG.with(|l| {
        let log = l.borrow();
        if !log.is_object() {
            return Vec::new();
        }
        Reflect::get(&log, &JsValue::from_str(list))
            .ok()
            .filter(Array::is_array)
            .map(|a| Array::from(&a).iter().collect())
            .unwrap_or_default()
    })
}

fn text(v: &JsValue, key: &str) -> String {
    crate::dom::get_str(v, key).unwrap_or_default()
}

fn number(v: &JsValue, key: &str) -> f64 {
    Reflect::get(v, &JsValue::from_str(key))
        .ok()
        .and_then(|n| n.as_f64())
        .unwrap_or(0.0)
}

/// The page's recent script errors, oldest first.
pub fn script_errors() -> Vec<ScriptError> {
    entries("errors")
        .iter()
        .map(|e| ScriptError {
            at: number(e, "at") as u64,
            message: text(e, "message"),
        })
        .collect()
}

/// The page's recent failed requests, oldest first, without those to `own_server`.
pub fn failed_requests(own_server: &str) -> Vec<FailedRequest> {
    let own = [own_server.trim_end_matches('/'), "/v1/"].concat();
    entries("requests")
        .iter()
        .map(|r| FailedRequest {
            at: number(r, "at") as u64,
            method: text(r, "method"),
            url: text(r, "url"),
            status: number(r, "status") as u16,
        })
        .filter(|r| !r.url.starts_with(&own))
        .collect()
}
