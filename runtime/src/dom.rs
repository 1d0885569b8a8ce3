//! Small, failure-tolerant helpers over web-sys: making elements, setting text and
//! attributes, listening to events, reading the clock.
//!
//! Owns nothing but the habit every other module relies on: a DOM call that fails
//! (a detached node, a hostile page, a sandboxed frame) is ignored or turned into
//! `None`, never a panic and never an exception thrown into the host page. It knows
//! nothing of tours.

use js_sys::{Function, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, Event, EventTarget, HtmlElement, Window};

pub const SVG_NS: &str = "http://www.w3.org/2000/svg";

pub fn window() -> Option<Window> {
    web_sys::window()
}

pub fn document() -> Option<Document> {
    window()?.document()
}

/// Milliseconds since the Unix epoch: the engine's clock.
pub fn now() -> u64 {
    let ms = js_sys::Date::now();
    if ms.is_finite() && ms > 0.0 {
        ms as u64
    } else {
        0
    }
}

/// A high-resolution timestamp for measuring our own work.
pub fn perf_now() -> f64 {
    window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

pub fn warn(message: &str) {
    web_sys::console::warn_1(&JsValue::from_str(message));
}

/// A new HTML element with a class, or `None` when the document refuses.
pub fn el(doc: &Document, tag: &str, class: &str) -> Option<HtmlElement> {
    let e = doc.create_element(tag).ok()?;
    if !class.is_empty() {
        e.set_class_name(class);
    }
    e.dyn_into::<HtmlElement>().ok()
}

/// An HTML element with a class and text, appended to `parent`.
pub fn child(parent: &Element, tag: &str, class: &str, text: &str) -> Option<HtmlElement> {
    let doc = parent.owner_document()?;
    let e = el(&doc, tag, class)?;
    if !text.is_empty() {
        e.set_text_content(Some(text));
    }
    parent.append_child(&e).ok()?;
    Some(e)
}

/// Builds a static piece of UI under `root` from a compact description and returns
/// its elements in the order they are described, or `None` if the document refused
/// one. Each line is one element, indented one space per level below its parent:
/// `tag.class names|name=value|name|=text` (an attribute without `=` is empty, a
/// field `=text` is the text). The panels' skeletons described as text cost a few
/// kilobytes less of wasm than a few calls per element in every constructor; the
/// elements, attributes and order are the same.
#[inline(never)]
pub fn build(root: &Element, spec: &str) -> Option<Vec<HtmlElement>> {
    let mut out = Vec::new();
    // The last element seen at each depth: the parents of the next line.
    let mut open: Vec<HtmlElement> = Vec::new();
    for line in spec.split('\n') {
        let body = line.trim_start_matches(' ');
        let depth = line.len() - body.len();
        let mut fields = body.split('|');
        let head = fields.next().unwrap_or_default();
        if head.is_empty() {
            continue;
        }
        open.truncate(depth);
        let parent: &Element = open.last().map_or(root, |p| p);
        let (tag, class) = head.split_once('.').unwrap_or((head, ""));
        let e = child(parent, tag, class, "")?;
        for field in fields {
            match field.split_once('=') {
                Some(("", text)) => e.set_text_content(Some(text)),
                Some((name, value)) => attr(&e, name, value),
                None => attr(&e, field, ""),
            }
        }
        open.push(e.clone());
        out.push(e);
    }
    Some(out)
}

/// A `<button type="button">` with text, appended to `parent`.
pub fn button(parent: &Element, class: &str, text: &str) -> Option<HtmlElement> {
    let b = child(parent, "button", class, text)?;
    attr(&b, "type", "button");
    Some(b)
}

pub fn attr(e: &Element, name: &str, value: &str) {
    let _ = e.set_attribute(name, value);
}

pub fn remove_attr(e: &Element, name: &str) {
    let _ = e.remove_attribute(name);
}

pub fn set_hidden(e: &Element, hidden: bool) {
    if hidden {
        attr(e, "hidden", "");
    } else {
        remove_attr(e, "hidden");
    }
}

pub fn toggle_class(e: &Element, class: &str, on: bool) {
    let _ = e.class_list().toggle_with_force(class, on);
}

/// Writes one inline style property through the CSSOM, which a page's
/// Content-Security-Policy does not block.
pub fn style(e: &HtmlElement, property: &str, value: &str) {
    let _ = e.style().set_property(property, value);
}

pub fn clear(e: &Element) {
    e.set_text_content(None);
}

pub fn focus(e: &Element) {
    if let Some(h) = e.dyn_ref::<HtmlElement>() {
        let _ = h.focus();
    } else if let Ok(f) = Reflect::get(e, &"focus".into()) {
        // SVG elements can be focusable too.
        if let Some(f) = f.dyn_ref::<Function>() {
            let _ = f.call0(e);
        }
    }
}

/// Focuses an element of Waymark's own UI: it is always in view, so the browser
/// need not work out a scroll (`preventScroll`).
pub fn focus_quiet(e: &Element) {
    if let Ok(f) = Reflect::get(e, &"focus".into()) {
        if let Some(f) = f.dyn_ref::<Function>() {
            let opts = js_sys::Object::new();
            let _ = Reflect::set(&opts, &"preventScroll".into(), &JsValue::TRUE);
            let _ = f.call1(e, &opts);
        }
    }
}

/// Listens for `kind` on `target` for the page's lifetime. `capture` listeners see
/// events before the host app's own handlers; `passive` ones promise never to
/// cancel (scroll, pointer moves), which keeps scrolling smooth.
pub fn listen(
    target: &EventTarget,
    kind: &str,
    capture: bool,
    passive: bool,
    f: impl FnMut(Event) + 'static,
) {
    let mut f = f;
    listen_boxed(
        target,
        kind,
        capture,
        passive,
        Box::new(move |e: JsValue| f(e.unchecked_into())),
    );
}

/// [`listen`] for a boxed listener: wasm-bindgen's closure code is generic over the
/// closure, so boxing first keeps one copy of it (~150 bytes per caller).
#[inline(never)]
fn listen_boxed(
    target: &EventTarget,
    kind: &str,
    capture: bool,
    passive: bool,
    f: Box<dyn FnMut(JsValue)>,
) {
    // `FnMut(JsValue)`, not `FnMut(Event)`: each closure signature costs an invoke
    // shim in the wasm and a wrapper in the glue, and this one serves them all.
    let closure = Closure::wrap(f);
    let opts = options(match (capture, passive) {
        (false, false) => r#"{"capture":false,"passive":false}"#,
        (false, true) => r#"{"capture":false,"passive":true}"#,
        (true, false) => r#"{"capture":true,"passive":false}"#,
        (true, true) => r#"{"capture":true,"passive":true}"#,
    });
    let _ = target.add_event_listener_with_callback_and_add_event_listener_options(
        kind,
        closure.as_ref().unchecked_ref(),
        opts.unchecked_ref(),
    );
    // Our listeners live as long as the page; the closure must too.
    closure.forget();
}

/// An options dictionary (fetch, listeners, observers, scrolling) from constant
/// JSON text. One `JSON.parse` import serves them all, where web-sys has an import
/// and a JS shim for every dictionary setter, and building them property by
/// property costs more wasm at each call site.
#[inline(never)]
pub fn options(json: &str) -> js_sys::Object {
    // Constant text of an object: it parses to an object (never a panic either way).
    js_sys::JSON::parse(json)
        .map(JsCast::unchecked_into)
        .unwrap_or_default()
}

/// Calls `f` once after `ms` milliseconds. Returns the timer id, for `cancel`.
pub fn after(ms: f64, f: impl FnOnce() + 'static) -> i32 {
    after_boxed(ms, Box::new(f))
}

/// [`after`] for a boxed callback: wasm-bindgen's one-shot closure code is generic
/// over the closure, so boxing first keeps one copy of it (~250 bytes per caller).
#[inline(never)]
fn after_boxed(ms: f64, f: Box<dyn FnOnce()>) -> i32 {
    let Some(w) = window() else { return 0 };
    // Takes (and ignores) an argument: the same closure signature as the rest.
    let cb = Closure::once_into_js(move |_: JsValue| f());
    let ms = if ms.is_finite() {
        ms.clamp(0.0, 2e9)
    } else {
        0.0
    };
    w.set_timeout_with_callback_and_timeout_and_arguments_0(cb.unchecked_ref(), ms as i32)
        .unwrap_or(0)
}

pub fn cancel(id: i32) {
    if id != 0 {
        if let Some(w) = window() {
            w.clear_timeout_with_handle(id);
        }
    }
}

/// `nodeType` of a DOM node, from any document.
fn node_type(v: &JsValue) -> Option<f64> {
    Reflect::get(v, &"nodeType".into()).ok()?.as_f64()
}

/// `v` as an element. Nodes of an iframe's document come from another realm, where
/// `instanceof Element` is false; their `nodeType` still says what they are.
pub fn as_element(v: JsValue) -> Option<Element> {
    (node_type(&v) == Some(1.0)).then(|| v.unchecked_into())
}

/// `v` as a document, from this realm or an iframe's.
pub fn as_document(v: &JsValue) -> Option<web_sys::Document> {
    (node_type(v) == Some(9.0)).then(|| v.clone().unchecked_into())
}

/// `v` as a shadow root (a document fragment with a host), from any realm.
pub fn as_shadow_root(v: &JsValue) -> Option<web_sys::ShadowRoot> {
    let is = node_type(v) == Some(11.0) && Reflect::has(v, &"host".into()).unwrap_or(false);
    is.then(|| v.clone().unchecked_into())
}

/// The events's path through shadow roots, innermost first.
pub fn path(event: &Event) -> Vec<Element> {
    event
        .composed_path()
        .iter()
        .filter_map(as_element)
        .collect()
}

/// Whether `outer` is `inner` or contains it, also across shadow roots (`inner`'s
/// hosts count as its ancestors).
pub fn contains_composed(outer: &Element, inner: &Element) -> bool {
    let mut node: Option<web_sys::Node> = Some(inner.clone().into());
    while let Some(n) = node {
        if outer.contains(Some(&n)) {
            return true;
        }
        node = as_shadow_root(&n.get_root_node()).map(|s| s.host().into());
    }
    false
}

/// Whether the user asked the system for less motion.
pub fn reduced_motion() -> bool {
    window()
        .and_then(|w| {
            w.match_media("(prefers-reduced-motion: reduce)")
                .ok()
                .flatten()
        })
        .is_some_and(|m| m.matches())
}

/// `v` rounded to whole CSS pixels, as the integer styles are written with
/// (integer formatting is much smaller than float formatting in wasm).
pub fn px(v: f64) -> i32 {
    // `as` saturates and maps NaN to 0: never a panic.
    v.round() as i32
}

/// `translate(Xpx,Ypx)` for a transform.
pub fn translate(x: i32, y: i32) -> String {
    ["translate(", &int(x.into()), "px,", &int(y.into()), "px)"].concat()
}

/// `n` in decimal. The runtime writes its numbers with this and [`hex`] rather than
/// `format!`, so that none of its code asks for `core::fmt`'s integer formatting.
#[inline(never)]
pub fn int(n: i64) -> String {
    let mut s = String::new();
    push_signed(&mut s, n);
    s
}

/// Appends `n` in decimal to `out` (see [`int`]).
pub fn push_signed(out: &mut String, n: i64) {
    if n < 0 {
        out.push('-');
    }
    waymark::text::push_int(out, n.unsigned_abs());
}

/// `n` in lower-case hexadecimal, padded with zeros to `width` digits.
#[inline(never)]
pub fn hex(n: u64, width: u32) -> String {
    let mut s = String::new();
    waymark::text::push_digits(&mut s, n, 16, width);
    s
}

/// Lower case, by the browser (no Unicode tables in the wasm).
pub fn lower(s: &str) -> String {
    js_sys::JsString::from(s).to_lower_case().into()
}

/// A string property of a JS object, if it is one.
pub fn get_str(obj: &JsValue, key: &str) -> Option<String> {
    Reflect::get(obj, &JsValue::from_str(key)).ok()?.as_string()
}

/// Calls `f` with the next animation frame's timestamp.
pub fn next_frame(f: &Function) {
    if let Some(w) = window() {
        let _ = w.request_animation_frame(f);
    }
}

/// The viewport in CSS pixels, without scrollbars.
pub fn viewport() -> waymark::geometry::Rect {
    let size = document()
        .and_then(|d| d.document_element())
        .map(|e| (f64::from(e.client_width()), f64::from(e.client_height())));
    match size {
        Some((w, h)) if w > 0.0 && h > 0.0 => waymark::geometry::Rect::new(0.0, 0.0, w, h),
        _ => {
            let w = window();
            let get = |f: fn(
                &web_sys::Window,
            )
                -> Result<wasm_bindgen::JsValue, wasm_bindgen::JsValue>| {
                w.as_ref().and_then(|w| f(w).ok()?.as_f64()).unwrap_or(0.0)
            };
            waymark::geometry::Rect::new(
                0.0,
                0.0,
                get(web_sys::Window::inner_width),
                get(web_sys::Window::inner_height),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_as_format_would() {
        for n in [0, 7, -7, 10, 99, 100, -4500, i64::MAX, i64::MIN] {
            assert_eq!(int(n), n.to_string());
        }
        assert_eq!(hex(0, 1), "0");
        assert_eq!(hex(0x1a2b, 1), "1a2b");
        assert_eq!(hex(0xbeef, 8), "0000beef");
        assert_eq!(hex(u64::MAX, 8), format!("{:x}", u64::MAX));
    }
}
