//! # Waymark runtime
//!
//! The WebAssembly module a host app loads with one script tag. It is a thin shell
//! over the core's engine ([`waymark::engine`]): it turns what happens in the page
//! into the engine's inputs and carries out the effects the engine returns. It holds
//! no tour rules — advancing, branching, stuck detection and ticket drafting all live
//! in the core, where they are tested natively.
//!
//! What it owns: the one `<waymark-root>` host element and its open shadow root, where
//! all Waymark UI lives so host CSS cannot break it and its CSS cannot leak; and the
//! `window.Waymark` object the page talks to.
//!
//! What it must not do: throw into the host page. Every exported function catches its
//! errors, reports them with `console.warn` and returns. Every byte of this crate is
//! downloaded by every user of every host app, so it leans on what the browser already
//! has (through js-sys) rather than compiling its own.
//!
//! ```js
//! import load, { init } from "/sdk/waymark.js";
//! await load();
//! init({ app: "demo" });
//! // later, from anywhere on the page:
//! window.Waymark.init({ app: "demo" }); // idempotent
//! ```

use std::cell::{Cell, RefCell};

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;
use web_sys::{ShadowRoot, ShadowRootInit, ShadowRootMode};

/// The tag of the single element Waymark adds to the page.
pub const HOST_TAG: &str = "waymark-root";

thread_local! {
    /// The options given to the latest `init`, kept for the parts of the runtime that
    /// will read them (app key, user attributes, server URL).
    static OPTIONS: RefCell<JsValue> = const { RefCell::new(JsValue::UNDEFINED) };
    /// Whether `window.Waymark` was set by this instance, so a second `init` (often
    /// made through `window.Waymark.init` itself) does not make new closures.
    static EXPOSED: Cell<bool> = const { Cell::new(false) };
}

/// Runs when the module is instantiated. Deliberately does nothing: the page decides
/// when Waymark starts by calling [`init`].
#[wasm_bindgen(start)]
pub fn start() {}

/// Mounts Waymark in the page: one `<waymark-root>` host with an open shadow root,
/// the given options stored, and `window.Waymark` set. Calling it again reuses the
/// host and replaces the options. Never throws; problems go to `console.warn`.
#[wasm_bindgen]
pub fn init(options: JsValue) {
    if let Err(error) = try_init(options) {
        warn("Waymark: init failed:", &error);
    }
}

/// The runtime's version, as built.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

fn try_init(options: JsValue) -> Result<(), JsValue> {
    mount()?;
    OPTIONS.with(|stored| *stored.borrow_mut() = options);
    if !EXPOSED.get() {
        expose_api()?;
        EXPOSED.set(true);
    }
    Ok(())
}

/// Finds the shadow root Waymark already mounted, or mounts one. The lookup goes
/// through the document rather than a Rust static so that a second copy of the
/// module on the same page reuses the host too.
fn mount() -> Result<ShadowRoot, JsValue> {
    let window = web_sys::window().ok_or("no window")?;
    let document = window.document().ok_or("no document")?;
    if let Some(host) = document.query_selector(HOST_TAG)? {
        if let Some(root) = host.shadow_root() {
            return Ok(root);
        }
        // A host without an open shadow root was not made by us; replace it.
        host.remove();
    }
    let host = document.create_element(HOST_TAG)?;
    let root = host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))?;
    let parent: web_sys::Element = match document.body() {
        Some(body) => body.into(),
        // Loaded from <head> before <body> exists: the root element works as well.
        None => document.document_element().ok_or("no document element")?,
    };
    parent.append_child(&host)?;
    Ok(root)
}

/// Sets `window.Waymark` to the page-facing API.
fn expose_api() -> Result<(), JsValue> {
    let window = web_sys::window().ok_or("no window")?;
    let api = Object::new();
    let init_fn = Closure::<dyn Fn(JsValue)>::new(init).into_js_value();
    let version_fn = Closure::<dyn Fn() -> String>::new(version).into_js_value();
    Reflect::set(&api, &"init".into(), &init_fn)?;
    Reflect::set(&api, &"version".into(), &version_fn)?;
    Reflect::set(&window, &"Waymark".into(), &api)?;
    Ok(())
}

fn warn(what: &'static str, error: &JsValue) {
    web_sys::console::warn_2(&JsValue::from_str(what), error);
}
