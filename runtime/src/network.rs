//! Talking to the Waymark server: the guide catalog in, analytics events out.
//!
//! Owns the only HTTP client of the runtime. Events are batched: sent with `fetch`
//! (`keepalive`, so a navigation does not cancel them) a moment after the first one
//! is queued or when the batch is full, and with `navigator.sendBeacon` when the
//! page is hidden or unloaded. Each event carries the engine's client-made id, so a
//! batch sent twice is counted once. A network failure is never shown to the user
//! and never reaches the host page: events wait for the next try, the catalog
//! simply stays empty.

use js_sys::{Array, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, Response};

use crate::dom;

#[wasm_bindgen]
extern "C" {
    /// A promise seen as anything with `then(ok, err)`, so the callbacks can be
    /// plain one-shot functions.
    type Thenable;
    #[wasm_bindgen(method, js_name = then)]
    fn then2(this: &Thenable, ok: &JsValue, err: &JsValue) -> JsValue;
}

/// Calls `done` once, with the value or the error of `promise`.
pub fn settle(promise: &Promise, done: impl FnOnce(Result<JsValue, JsValue>) + 'static) {
    settle_boxed(promise, Box::new(done));
}

/// [`settle`] for a boxed callback: wasm-bindgen's one-shot closure code is generic
/// over the closure, so boxing first keeps one copy of it (~500 bytes per caller).
#[inline(never)]
fn settle_boxed(promise: &Promise, done: Box<dyn FnOnce(Result<JsValue, JsValue>)>) {
    let cell = std::rc::Rc::new(std::cell::Cell::new(Some(done)));
    let (a, b) = (cell.clone(), cell);
    let ok = Closure::once_into_js(move |v: JsValue| {
        if let Some(f) = a.take() {
            f(Ok(v));
        }
    });
    let err = Closure::once_into_js(move |e: JsValue| {
        if let Some(f) = b.take() {
            f(Err(e));
        }
    });
    let _ = promise.unchecked_ref::<Thenable>().then2(&ok, &err);
}

/// GETs `url` and parses it as JSON. The browser's HTTP cache revalidates with the
/// server's ETag, so a page load after the first costs a 304.
pub fn get_json(url: &str, done: impl FnOnce(Result<JsValue, String>) + 'static) {
    let Some(w) = dom::window() else {
        return done(Err("no window".into()));
    };
    let init = dom::options(r#"{"method":"GET","credentials":"omit"}"#);
    let fetched = w.fetch_with_str_and_init(url, init.unchecked_ref());
    let url = url.to_owned();
    settle(&fetched, move |r| match r {
        Ok(resp) => {
            let Ok(resp) = resp.dyn_into::<Response>() else {
                return done(Err([&url, ": not a response"].concat()));
            };
            if !resp.ok() {
                let status = dom::int(resp.status().into());
                return done(Err([&url, ": HTTP ", &status].concat()));
            }
            match resp.json() {
                Ok(p) => settle(&p, move |r| {
                    done(r.map_err(|_| [&url, ": the answer is not JSON"].concat()))
                }),
                Err(_) => done(Err([&url, ": the answer is not JSON"].concat())),
            }
        }
        Err(e) => {
            let why = js_sys::Error::from(e).message().as_string();
            done(Err([&url, ": ", &why.unwrap_or_default()].concat()))
        }
    });
}

/// Largest batch per request; a keepalive body must stay under 64 KB.
const BATCH: usize = 25;
/// Events kept while the server cannot be reached; older ones are dropped first.
const KEEP: usize = 500;
/// How long the first event of a batch waits for company.
pub const FLUSH_DELAY_MS: f64 = 2000.0;

/// Analytics events waiting to be sent, as JSON texts.
pub struct EventBatch {
    url: String,
    /// The start of every body: the user id as a JSON value (`"u-42"` or `null`)
    /// and the user's segment, when the host gave one, for the admin's filters.
    head: String,
    queue: Vec<String>,
    /// Whether a delayed flush is already scheduled.
    scheduled: bool,
}

impl EventBatch {
    pub fn new(url: String, user: &crate::config::User) -> EventBatch {
        let json = |v: Option<&str>| {
            js_sys::JSON::stringify(&v.map_or(JsValue::NULL, JsValue::from_str))
                .ok()
                .and_then(|s| s.as_string())
                .unwrap_or_else(|| "null".into())
        };
        let mut head = ["\"user\":", &json(user.id.as_deref())].concat();
        if let Some(segment) = user.attributes.get("segment") {
            head.push_str(",\"segment\":");
            head.push_str(&json(Some(segment)));
        }
        EventBatch {
            url,
            head,
            queue: Vec::new(),
            scheduled: false,
        }
    }

    /// Queues one event; true when the batch is full and should go now.
    pub fn push(&mut self, event_json: String) -> bool {
        self.queue.push(event_json);
        if self.queue.len() > KEEP {
            let extra = self.queue.len() - KEEP;
            self.queue.drain(..extra);
        }
        self.queue.len() >= BATCH
    }

    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    /// Marks a delayed flush as scheduled; true when none was (a timer is to be set).
    pub fn schedule(&mut self) -> bool {
        !std::mem::replace(&mut self.scheduled, true)
    }

    /// A flush ran (or was not needed).
    pub fn flushed(&mut self) {
        self.scheduled = false;
    }

    fn body(&self, events: &[String]) -> String {
        ["{", &self.head, ",\"events\":[", &events.join(","), "]}"].concat()
    }

    /// Sends what is queued with `fetch`. Returns the events of batches that failed
    /// to reach the server through `requeue`, to be tried again later.
    pub fn flush(&mut self, requeue: impl Fn(Vec<String>) + Clone + 'static) {
        self.scheduled = false;
        let Some(w) = dom::window() else { return };
        while !self.queue.is_empty() {
            let n = self.queue.len().min(BATCH);
            let events: Vec<String> = self.queue.drain(..n).collect();
            let headers = Array::of2(&"content-type".into(), &"application/json".into());
            let init = dom::options(r#"{"method":"POST","keepalive":true,"credentials":"omit"}"#);
            let _ = Reflect::set(&init, &"body".into(), &self.body(&events).into());
            let _ = Reflect::set(&init, &"headers".into(), &Array::of1(&headers));
            let sent = w.fetch_with_str_and_init(&self.url, init.unchecked_ref());
            let again = requeue.clone();
            settle(&sent, move |r| {
                // A 4xx means the server read and refused the batch: do not resend.
                let failed = match r {
                    Ok(resp) => resp
                        .dyn_into::<Response>()
                        .map_or(true, |r| r.status() >= 500),
                    Err(_) => true,
                };
                if failed {
                    again(events);
                }
            });
        }
    }

    /// Puts events that could not be sent back in front of the queue.
    pub fn requeue(&mut self, mut events: Vec<String>) {
        events.append(&mut self.queue);
        self.queue = events;
        if self.queue.len() > KEEP {
            let extra = self.queue.len() - KEEP;
            self.queue.drain(..extra);
        }
    }

    /// Sends everything with `sendBeacon`, for a page being hidden or unloaded. The
    /// body is `text/plain` so no CORS preflight is needed.
    pub fn beacon(&mut self) {
        let Some(w) = dom::window() else { return };
        let nav = w.navigator();
        while !self.queue.is_empty() {
            let n = self.queue.len().min(BATCH);
            let body = self.body(&self.queue[..n]);
            let parts = Array::of1(&JsValue::from_str(&body));
            let bag = dom::options(r#"{"type":"text/plain"}"#);
            let queued = Blob::new_with_str_sequence_and_options(&parts, bag.unchecked_ref())
                .ok()
                .and_then(|blob| nav.send_beacon_with_opt_blob(&self.url, Some(&blob)).ok())
                .unwrap_or(false);
            if !queued {
                // The browser refused (too much queued): keep them for later.
                return;
            }
            self.queue.drain(..n);
        }
    }
}
