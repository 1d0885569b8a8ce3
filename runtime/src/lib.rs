//! # Waymark runtime
//!
//! The WebAssembly module a host app loads with one script tag. It is a thin shell
//! over the core's engine ([`waymark::engine`]): it turns what happens in the page
//! into the engine's inputs and carries out the effects the engine returns. It holds
//! no tour rules — advancing, resuming, stuck detection and analytics live in the
//! core, where they are tested natively.
//!
//! ## Module map
//!
//! The loop:
//! - [`msg`]: the one message queue ([`msg::post`]) and [`msg::Msg`], one nested
//!   enum per part.
//! - [`shell`]: the state ([`shell::Shell`]): handles each message, routes it to the
//!   parts, feeds the engine and carries out its effects; owns the session, saved
//!   progress, the analytics batch, the URL, starters and wake-ups.
//! - [`context`]: [`context::Ctx`], what the parts share: the engine and its pending
//!   inputs, options, words, and the page-wide DOM handles.
//!
//! The parts of the state (each owns its fields and has its own `update`):
//! - [`tour`]: the step on screen, its target, the popover and overlay, focus and
//!   inertness, Tab between popover and target, error-selector matches.
//! - [`tips`]: tips' beacons and bubble, hover, focus and clicks on them.
//! - [`launcher`]: the Help button and panel, the guide list and its search, the
//!   checklist view, the checklist to come back to.
//! - [`help`]: the help panel (offer, ticket form, status, "Did this solve it?")
//!   and the ticket being written.
//! - [`tickets`]: tickets' trips to the server, kept on the device until it has
//!   them, retries, status checks, "ticket filed" once.
//! - [`layout`]: the animation-frame loop: read, place (the core's geometry), write.
//!
//! Drawing and the page:
//! - [`popover`]: the step popover's DOM and placement writes.
//! - [`overlay`]: the dimmed page and the spotlight's path.
//! - [`layer`]: Waymark's `<waymark-root>` host, its shadow root and stylesheet.
//! - [`a11y`]: saving and restoring focus, the page made inert, the live region.
//! - [`markup`]: guide text (the core's markup) rendered as DOM.
//! - [`targets`]: finding a step's element (through iframes and shadow roots).
//! - [`watch`]: DOM, size and scroll observers, which post layout messages.
//! - [`interaction`]: the document-level listeners (clicks, typing, keys, focus,
//!   hover), posted as page events.
//! - [`navigation`]: the History API wrappers; URL changes.
//! - [`dom`]: small DOM helpers (listeners, timers, building elements).
//!
//! Data in and out:
//! - [`guide_fetch`]: fetching the guide catalog and checking each definition.
//! - [`network`]: `fetch` helpers and [`network::EventBatch`], the analytics batch.
//! - [`storage`]: the user's saved progress in localStorage.
//! - [`config`]: `init`'s options and the user.
//! - [`wire`]: the core's types to and from JS values (guides in, events out).
//! - [`hooks`]: the host page's `on(event, callback)` listeners.
//! - [`pagelog`]: the page's script errors and failed requests, for tickets.
//! - [`i18n`]: the runtime's words in the user's language.
//! - `pick` (feature `pick`): pick mode and preview in the editor's frame.
//!
//! What it must not do: throw into the host page, panic, or touch anything but its
//! own `<waymark-root>` element, `window.Waymark` and the History API wrappers
//! ([`navigation`]). Every byte of this crate is downloaded by every user of every
//! host app, so it leans on the browser (JSON, RegExp, fetch) through js-sys.
//!
//! A host page loads it with one tag, or imports it as an ES module:
//!
//! ```js
//! // <script type="module" src="https://HOST/sdk/waymark.js" data-app="APP"></script>
//! import { init, start, on } from "https://HOST/sdk/waymark.js";
//! init({ app: "purchasing", user: { id: "u-42", role: "buyer" } });
//! on("run_completed", (event) => console.log(event.guide));
//! start("raise-requisition");
//! ```
//!
//! The ES-module functions wait for the wasm to load (see `runtime/js/loader.js`,
//! appended to the wasm-bindgen glue by build.sh); `window.Waymark` offers the same
//! functions once loaded.

pub mod a11y;
pub mod config;
pub mod context;
pub mod dom;
pub mod guide_fetch;
pub mod help;
pub mod hooks;
pub mod i18n;
pub mod interaction;
pub mod launcher;
pub mod layer;
pub mod layout;
pub mod markup;
pub mod msg;
pub mod navigation;
pub mod network;
pub mod overlay;
pub mod pagelog;
#[cfg(feature = "pick")]
mod pick;
pub mod popover;
pub mod shell;
pub mod storage;
pub mod targets;
pub mod tickets;
pub mod tips;
pub mod tour;
pub mod watch;
pub mod wire;

use std::cell::RefCell;

use js_sys::{Function, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use config::{Config, User};
pub use layer::HOST_TAG;
use msg::{post, Msg};

/// A free-list allocator that merges freed neighbours: ~3 KB gzipped smaller than the
/// standard dlmalloc, and it still gives memory back (the page lives for hours).
// SAFETY: the runtime is single-threaded wasm (no atomics, no workers share it).
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };

thread_local! {
    /// Where the SDK was loaded from: the server when `init` names none.
    static SDK_ORIGIN: RefCell<String> = const { RefCell::new(String::new()) };
    static API: RefCell<Option<JsValue>> = const { RefCell::new(None) };
}

/// The page-facing API object, also set as `window.Waymark`. Called by the loader
/// with the origin the SDK came from.
#[wasm_bindgen]
pub fn api(sdk_origin: Option<String>, page_log: JsValue) -> JsValue {
    shell::install();
    pagelog::set(page_log);
    if let Some(origin) = sdk_origin {
        SDK_ORIGIN.with(|o| *o.borrow_mut() = origin);
    }
    if let Some(api) = API.with(|a| a.borrow().clone()) {
        return api;
    }
    let obj = Object::new();
    let set = |name: &str, f: JsValue| {
        let _ = Reflect::set(&obj, &name.into(), &f);
    };
    set(
        "init",
        Closure::<dyn Fn(JsValue)>::new(init).into_js_value(),
    );
    set(
        "start",
        Closure::<dyn Fn(JsValue)>::new(start).into_js_value(),
    );
    // Every function takes the same closure signature, `Fn(JsValue)` or
    // `Fn(JsValue, JsValue) -> JsValue`, extra arguments ignored: each signature
    // costs an invoke shim in the wasm and a wrapper in the glue.
    set(
        "stop",
        Closure::<dyn Fn(JsValue)>::new(|_: JsValue| stop()).into_js_value(),
    );
    set(
        "openLauncher",
        Closure::<dyn Fn(JsValue)>::new(|_: JsValue| open_launcher()).into_js_value(),
    );
    set(
        "identify",
        Closure::<dyn Fn(JsValue)>::new(identify).into_js_value(),
    );
    set(
        "on",
        Closure::<dyn Fn(JsValue, JsValue) -> JsValue>::new(on).into_js_value(),
    );
    set(
        "bench",
        Closure::<dyn Fn(JsValue, JsValue) -> JsValue>::new(|_: JsValue, _: JsValue| bench())
            .into_js_value(),
    );
    set("version", JsValue::from_str(env!("CARGO_PKG_VERSION")));
    let api: JsValue = obj.into();
    if let Some(w) = web_sys::window() {
        let _ = Reflect::set(&w, &"Waymark".into(), &api);
    }
    API.with(|a| *a.borrow_mut() = Some(api.clone()));
    api
}

/// `init({server, app, user, locale, guides, launcher})`: mounts Waymark and loads
/// the guides (from `server`, or `guides` given inline). Calling it again replaces
/// the options. Never throws; problems go to `console.warn`.
pub fn init(options: JsValue) {
    api(None, JsValue::UNDEFINED);
    let origin = SDK_ORIGIN.with(|o| o.borrow().clone());
    // In the editor's frame: pick mode and preview (see `pick`). Only the build for
    // it (`sdk/pick.js`, feature `pick`) has them; the loader runs that build there.
    #[cfg(feature = "pick")]
    let options = pick::attach(options, &origin);
    match Config::from_js(&options, &origin) {
        Ok(cfg) => post(Msg::Init(cfg)),
        Err(e) => dom::warn(&["Waymark: ", &e].concat()),
    }
}

/// `start(id)`: starts a tour or opens a checklist.
pub fn start(id: JsValue) {
    match id.as_string() {
        Some(id) => post(Msg::Start(id)),
        None => dom::warn("Waymark: start needs a guide id (a string)"),
    }
}

/// `stop()`: ends the running tour and closes Waymark's panels.
pub fn stop() {
    post(Msg::Stop);
}

/// `openLauncher()`: opens the Help panel.
pub fn open_launcher() {
    post(Msg::OpenLauncher);
}

/// `identify(user)`: who is using the page, as an id or `{id, role, ...}`.
pub fn identify(user: JsValue) {
    post(Msg::Identify(User::from_js(&user)));
}

/// `on(event, callback)`: calls `callback` with each analytics event of that kind
/// (`"*"`: all; `"ready"`: guides loaded). Returns a function that unsubscribes.
pub fn on(event: JsValue, callback: JsValue) -> JsValue {
    let (Some(event), Some(callback)) = (event.as_string(), callback.dyn_ref::<Function>()) else {
        dom::warn("Waymark: on needs an event name and a function");
        return JsValue::UNDEFINED;
    };
    let id = hooks::add(event, callback.clone());
    Closure::<dyn Fn(JsValue)>::new(move |_: JsValue| hooks::remove(id)).into_js_value()
}

/// `bench()`: in bench mode, the time each repositioning frame took (ms).
pub fn bench() -> JsValue {
    let samples = shell::bench().unwrap_or_default();
    let out = js_sys::Array::new();
    for v in samples {
        out.push(&JsValue::from_f64(v));
    }
    out.into()
}
