//! Pick mode and preview: the runtime's side of the editor's app panel.
//!
//! Owns what happens when the Waymark editor drives this page — in its frame (the
//! window is named [`FRAME_NAME`]), a window it opened (`FRAME_NAME-window`), or a
//! page opened with `#waymark-pick`. Then the
//! app's published guides do not start by themselves; the page answers the editor's
//! messages: **pick** outlines the element under the pointer (or keyboard focus;
//! ↑ selects the parent), and a click or Enter reads facts about that element,
//! counts what each of the core's selector candidates ([`waymark::picker`]) matches
//! here, and posts them ranked; **preview** plays a draft given inline, across the
//! page loads of a multi-page tour (kept in session storage for this tab).
//!
//! Trust: messages are accepted only from the Waymark server's origin (where the
//! editor is served) and posted only to it; everything else is ignored. That holds
//! whether the app shares Waymark's origin or not: the editor on Waymark's origin
//! drives an app on another through the window it opened (`window.opener`), which
//! is how it works with apps that refuse to be framed. The editor's `hello` after
//! each load of its frame is answered `here`: no answer tells it the frame was
//! refused. Outside the editor this module does nothing but read `window.name`.
//!
//! Its outline and banner are styled through the CSSOM, never a `style`
//! attribute, so a host's `style-src` without `'unsafe-inline'` does not block them.
//!
//! Compiled only with the feature `pick`: the loader runs that build (`sdk/pick.js`)
//! in the editor's frame and window, so no other page downloads this module.

use std::cell::RefCell;

use js_sys::{Array, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use waymark::picker::{
    candidates, Candidate, EditorMessage, ElementFacts, PickResult, Picked, FRAME_NAME,
    MAX_ANCESTORS, PICK_FRAGMENT, READ_ATTRIBUTES, STABLE_ATTRIBUTES,
};
use web_sys::{Element, Event, HtmlElement, KeyboardEvent, MessageEvent, Node, ShadowRoot, Window};

use crate::dom;

/// Where the guide being previewed is kept for this tab, across page loads.
const PREVIEW_KEY: &str = "waymark:editor-preview";
/// Most characters of an element's text sent to the editor.
const MAX_TEXT: usize = 300;

#[derive(Default)]
struct Bridge {
    /// The Waymark server's origin: the only one messages come from and go to.
    origin: String,
    /// The options the page gave `init`, to re-init with a preview.
    options: JsValue,
    picking: bool,
    highlighted: Option<Element>,
    outline: Option<HtmlElement>,
}

thread_local! {
    static BRIDGE: RefCell<Option<Bridge>> = const { RefCell::new(None) };
}

/// Called by `init` with its options. Outside the editor: the options unchanged.
/// Inside: the options with `guides` set to the guide being previewed, or to none
/// (so the app's published guides do not start while the agent picks).
pub fn attach(options: JsValue, sdk_origin: &str) -> JsValue {
    let Some(window) = dom::window() else {
        return options;
    };
    let hash = window.location().hash().unwrap_or_default();
    // The frame is named FRAME_NAME; a window the editor opens, FRAME_NAME-window.
    let in_editor =
        window.name().is_ok_and(|n| n.starts_with(FRAME_NAME)) || hash.contains(PICK_FRAGMENT);
    if !in_editor {
        return options;
    }
    let installed = BRIDGE.with(|b| b.borrow().is_some());
    if !installed {
        let server = dom::get_str(&options, "server").filter(|s| !s.is_empty());
        let origin = origin_of(server.as_deref().unwrap_or(sdk_origin))
            .or_else(|| window.location().origin().ok())
            .unwrap_or_default();
        BRIDGE.with(|b| {
            *b.borrow_mut() = Some(Bridge {
                origin,
                options: options.clone(),
                ..Default::default()
            })
        });
        install(&window);
        if hash.contains(PICK_FRAGMENT) {
            set_picking(true);
        }
    } else {
        // The page may init again (another user, say): previews use its latest options.
        BRIDGE.with(|b| {
            if let Some(b) = b.borrow_mut().as_mut() {
                b.options = options.clone();
            }
        });
    }
    let url = window.location().href().unwrap_or_default();
    let previewing = session().is_some_and(|s| s.get_item(PREVIEW_KEY).ok().flatten().is_some());
    send(&message(
        "ready",
        &[("url", url.into()), ("previewing", previewing.into())],
    ));
    with_preview(&options)
}

fn origin_of(url: &str) -> Option<String> {
    web_sys::Url::new(url)
        .ok()
        .map(|u| u.origin())
        .filter(|o| o != "null")
}

/// A copy of `options` whose `guides` is the previewed guide, or empty.
fn with_preview(options: &JsValue) -> JsValue {
    let copy = js_sys::Object::assign(&js_sys::Object::new(), &options.clone().unchecked_into());
    let guides = Array::new();
    if let Some(text) = session().and_then(|s| s.get_item(PREVIEW_KEY).ok().flatten()) {
        if let Ok(guide) = js_sys::JSON::parse(&text) {
            guides.push(&guide);
        }
    }
    let _ = Reflect::set(&copy, &"guides".into(), &guides);
    copy.into()
}

fn session() -> Option<web_sys::Storage> {
    dom::window()?.session_storage().ok().flatten()
}

/// The editor's window: the one framing this page, or the one that opened it.
fn editor_window(window: &Window) -> Option<Window> {
    let parent = window.parent().ok().flatten();
    if let Some(parent) = parent.filter(|p| p != window) {
        return Some(parent);
    }
    // Another window's object: `instanceof Window` fails across windows, so no dyn_into.
    let opener = window.opener().ok().filter(|o| o.is_object())?;
    Some(opener.unchecked_into::<Window>())
}

/// Posts a message (a JSON object built here, so no serializer is compiled into
/// every user's runtime for it) to the editor's window.
fn send(message: &js_sys::Object) {
    let origin = BRIDGE.with(|b| b.borrow().as_ref().map(|b| b.origin.clone()));
    let (Some(origin), Some(window)) = (origin, dom::window()) else {
        return;
    };
    let Some(editor) = editor_window(&window) else {
        return;
    };
    let Ok(text) = js_sys::JSON::stringify(message) else {
        return;
    };
    // Delivered only if the editor's window is on the Waymark server's origin.
    let _ = editor.post_message(&text, &origin);
}

/// `{waymark: kind, ...fields}`, the shape of [`waymark::picker::PageMessage`].
fn message(kind: &str, fields: &[(&str, JsValue)]) -> js_sys::Object {
    let obj = js_sys::Object::new();
    let _ = Reflect::set(&obj, &"waymark".into(), &kind.into());
    for (key, value) in fields {
        if !value.is_undefined() {
            let _ = Reflect::set(&obj, &(*key).into(), value);
        }
    }
    obj
}

fn optional(text: Option<&str>) -> JsValue {
    text.map_or(JsValue::UNDEFINED, JsValue::from_str)
}

/// [`waymark::picker::PageMessage::Picked`] with its [`PickResult`].
fn picked_message(result: &PickResult) -> js_sys::Object {
    let candidates = Array::new();
    for c in &result.candidates {
        candidates.push(&message(
            "",
            &[
                ("strategy", c.strategy.as_str().into()),
                ("css", c.css.as_str().into()),
                ("text", optional(c.text.as_deref())),
                ("matches", c.matches.into()),
            ],
        ));
    }
    let result = message(
        "",
        &[
            ("url", result.url.as_str().into()),
            ("description", result.description.as_str().into()),
            ("text", optional(result.text.as_deref())),
            ("candidates", candidates.into()),
        ],
    );
    message("picked", &[("result", result.into())])
}

/// The editor's request in `text`, read without a deserializer.
fn request(text: &str) -> Option<EditorMessage> {
    let value = js_sys::JSON::parse(text).ok()?;
    Some(match dom::get_str(&value, "waymark")?.as_str() {
        "hello" => EditorMessage::Hello,
        "pick" => EditorMessage::Pick,
        "pick-stop" => EditorMessage::PickStop,
        "preview" => EditorMessage::Preview {
            guide: dom::get_str(&value, "guide")?,
        },
        "preview-stop" => EditorMessage::PreviewStop,
        _ => return None,
    })
}

fn install(window: &Window) {
    dom::listen(window, "message", false, true, |event| {
        let Some(event) = event.dyn_ref::<MessageEvent>() else {
            return;
        };
        let trusted = BRIDGE.with(|b| {
            b.borrow()
                .as_ref()
                .is_some_and(|b| b.origin == event.origin())
        });
        let Some(text) = event.data().as_string().filter(|_| trusted) else {
            return;
        };
        match request(&text) {
            // The editor's handshake after its frame loaded: this page listens.
            Some(EditorMessage::Hello) => {
                let url = dom::window()
                    .and_then(|w| w.location().href().ok())
                    .unwrap_or_default();
                send(&message("here", &[("url", url.into())]));
            }
            Some(EditorMessage::Pick) => set_picking(true),
            Some(EditorMessage::PickStop) => set_picking(false),
            Some(EditorMessage::Preview { guide }) => preview(Some(&guide)),
            Some(EditorMessage::PreviewStop) => preview(None),
            None => {}
        }
    });
    let Some(doc) = dom::document() else { return };
    dom::listen(&doc, "mouseover", true, true, |e| {
        if picking() {
            highlight(event_element(&e).map(|el| promote(&el)));
        }
    });
    dom::listen(&doc, "focusin", true, true, |e| {
        if picking() {
            highlight(event_element(&e));
        }
    });
    for kind in [
        "pointerdown",
        "mousedown",
        "pointerup",
        "mouseup",
        "click",
        "dblclick",
        "submit",
    ] {
        dom::listen(&doc, kind, true, false, move |e| {
            if !picking() || event_element(&e).is_none() {
                return;
            }
            e.prevent_default();
            e.stop_immediate_propagation();
            if kind == "click" {
                let el = current().or_else(|| event_element(&e).map(|el| promote(&el)));
                if let Some(el) = el {
                    pick(&el);
                }
            }
        });
    }
    dom::listen(&doc, "keydown", true, false, |e| {
        let Some(key) = e.dyn_ref::<KeyboardEvent>().map(KeyboardEvent::key) else {
            return;
        };
        if !picking() {
            return;
        }
        let handled = match key.as_str() {
            "Escape" => {
                set_picking(false);
                send(&message("pick-cancelled", &[]));
                true
            }
            "ArrowUp" => {
                let parent = current()
                    .and_then(|el| el.parent_element())
                    .filter(|p| !is_top(p));
                if parent.is_some() {
                    highlight(parent);
                }
                true
            }
            "ArrowDown" => {
                if let Some(child) = current().and_then(|el| el.first_element_child()) {
                    highlight(Some(child));
                }
                true
            }
            "Enter" | " " => {
                let focused = dom::document().and_then(|d| d.active_element());
                if let Some(el) = current().or(focused) {
                    pick(&el);
                }
                true
            }
            _ => false,
        };
        if handled {
            e.prevent_default();
            e.stop_immediate_propagation();
        }
    });
    dom::listen(window, "scroll", true, true, |_| {
        if picking() {
            highlight(current());
        }
    });
}

fn picking() -> bool {
    BRIDGE.with(|b| b.borrow().as_ref().is_some_and(|b| b.picking))
}

fn current() -> Option<Element> {
    BRIDGE.with(|b| b.borrow().as_ref().and_then(|b| b.highlighted.clone()))
}

/// The innermost element of the event, across open shadow roots; none for
/// Waymark's own UI.
fn event_element(e: &Event) -> Option<Element> {
    let path = dom::path(e);
    if path
        .iter()
        .any(|el| el.tag_name().eq_ignore_ascii_case(crate::HOST_TAG))
    {
        return None;
    }
    path.into_iter().next().filter(|el| !is_top(el))
}

fn is_top(el: &Element) -> bool {
    matches!(el.local_name().as_str(), "html" | "body")
}

/// A click on a button's icon or label means the button: the nearest control a few
/// levels up, else the element itself. Containers are never chosen this way (↑ does
/// that), so a click on a heading inside a focusable region stays on the heading.
fn promote(el: &Element) -> Element {
    const CONTROLS: &str = "a[href],button,input,select,textarea,summary,label,[role=button],\
        [role=link],[role=tab],[role=menuitem],[role=option],[role=checkbox],[role=switch]";
    let mut node = Some(el.clone());
    for _ in 0..4 {
        let Some(n) = node else { break };
        if n.matches(CONTROLS).unwrap_or(false) {
            return n;
        }
        node = n.parent_element().filter(|p| !is_top(p));
    }
    el.clone()
}

fn set_picking(on: bool) {
    BRIDGE.with(|b| {
        if let Some(b) = b.borrow_mut().as_mut() {
            b.picking = on;
        }
    });
    // Marks the page as picking, for the agent (a banner) and for tests.
    if let Some(host) =
        dom::document().and_then(|d| d.query_selector(crate::HOST_TAG).ok().flatten())
    {
        if on {
            dom::attr(&host, "data-waymark-picking", "");
        } else {
            dom::remove_attr(&host, "data-waymark-picking");
        }
    }
    if let Some(banner) = banner() {
        dom::set_hidden(&banner, !on);
    }
    if on {
        crate::stop();
        if let Some(doc) = dom::document() {
            if let Some(el) = doc.active_element().filter(|e| !is_top(e)) {
                highlight(Some(el));
                return;
            }
        }
    }
    highlight(None);
}

/// Draws the outline around `el` (none: hides it), in Waymark's shadow root.
fn highlight(el: Option<Element>) {
    let outline = BRIDGE.with(|b| {
        let mut b = b.borrow_mut();
        let b = b.as_mut()?;
        b.highlighted = el.clone();
        if b.outline.is_none() {
            b.outline = make_outline();
        }
        b.outline.clone()
    });
    let Some(outline) = outline else { return };
    let Some(el) = el else {
        dom::set_hidden(&outline, true);
        return;
    };
    let r = el.get_bounding_client_rect();
    dom::set_hidden(&outline, false);
    for (property, value) in [
        ("left", r.left()),
        ("top", r.top()),
        ("width", r.width()),
        ("height", r.height()),
    ] {
        dom::style(&outline, property, &format!("{value}px"));
    }
    let facts = facts_of(&el);
    let label = outline.first_element_child();
    if let Some(label) = label {
        label.set_text_content(Some(&facts.describe()));
    }
}

/// The note at the bottom of the page while picking.
fn banner() -> Option<HtmlElement> {
    let doc = dom::document()?;
    let root = doc.query_selector(crate::HOST_TAG).ok()??.shadow_root()?;
    if let Some(found) = root.query_selector(".wm-pick-banner").ok()? {
        return found.dyn_into().ok();
    }
    let parent: Element = match root.query_selector(".layer").ok()? {
        Some(layer) => layer,
        None => root.clone().unchecked_into(),
    };
    let text = "Waymark pick mode · click an element, or focus one and press Enter · ↑ selects its parent · Esc cancels";
    let banner = dom::child(&parent, "div", "wm-pick-banner", text)?;
    styled(
        &banner,
        "position:fixed;left:50%;bottom:12px;transform:translateX(-50%);z-index:2147483647;\
        pointer-events:none;padding:6px 12px;border-radius:6px;background:#1f1a3a;color:#fff;\
        font:13px/1.4 system-ui,sans-serif;box-shadow:0 4px 16px rgba(0,0,0,.25)",
    );
    Some(banner)
}

/// Writes `css` (`property:value;…`) property by property through the CSSOM: a host
/// page's `style-src` without `'unsafe-inline'` blocks a `style` attribute set with
/// `setAttribute`, but not this.
fn styled(el: &HtmlElement, css: &str) {
    for declaration in css.split(';') {
        if let Some((property, value)) = declaration.split_once(':') {
            dom::style(el, property.trim(), value.trim());
        }
    }
}

fn make_outline() -> Option<HtmlElement> {
    let doc = dom::document()?;
    let host = doc.query_selector(crate::HOST_TAG).ok()??;
    let root: ShadowRoot = host.shadow_root()?;
    let parent: Element = match root.query_selector(".layer").ok()? {
        Some(layer) => layer,
        None => root.clone().unchecked_into(),
    };
    let outline = dom::el(&doc, "div", "wm-pick-outline")?;
    outline.set_attribute("aria-hidden", "true").ok()?;
    styled(
        &outline,
        "position:fixed;box-sizing:border-box;pointer-events:none;z-index:2147483647;\
        border:2px solid #6d28d9;background:rgba(109,40,217,.12);border-radius:3px;\
        transition:all 60ms linear",
    );
    let label = dom::child(&outline, "span", "wm-pick-label", "")?;
    styled(
        &label,
        "position:absolute;left:-2px;bottom:100%;margin-bottom:2px;padding:2px 6px;\
        font:12px/1.4 system-ui,sans-serif;color:#fff;background:#6d28d9;border-radius:3px;\
        white-space:nowrap;max-width:60vw;overflow:hidden;text-overflow:ellipsis",
    );
    parent.append_child(&outline).ok()?;
    Some(outline)
}

/// Reads the element, counts every candidate here, and sends them ranked.
fn pick(el: &Element) {
    set_picking(false);
    let url = dom::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default();
    let picked = picked_of(el);
    let counted = counted_candidates(el, &picked);
    send(&picked_message(&PickResult::new(&url, &picked, counted)));
}

/// The candidates for `el`, counted in its own root; inside an open shadow root each
/// is prefixed with the best unique selector of the host and `>>>`.
fn counted_candidates(el: &Element, picked: &Picked) -> Vec<Candidate> {
    let root = el.get_root_node();
    let mut list = candidates(picked);
    for c in &mut list {
        c.matches = count(&root, &c.css, c.text.as_deref());
    }
    let Some(shadow) = root.dyn_ref::<ShadowRoot>() else {
        return list;
    };
    let host = shadow.host();
    let host_best = counted_candidates(&host, &picked_of(&host))
        .into_iter()
        .filter(|c| c.matches == 1 && c.text.is_none())
        .min_by_key(|c| c.strategy);
    match host_best {
        Some(h) => list
            .into_iter()
            .map(|c| Candidate {
                css: format!("{} >>> {}", h.css, c.css),
                ..c
            })
            .collect(),
        None => Vec::new(),
    }
}

/// How many elements of `root` match `css` and contain `text` (as the runtime's
/// target lookup reads text: content or aria-label, case-insensitive).
fn count(root: &Node, css: &str, text: Option<&str>) -> u32 {
    let list = match (
        root.dyn_ref::<web_sys::Document>(),
        root.dyn_ref::<ShadowRoot>(),
    ) {
        (Some(d), _) => d.query_selector_all(css),
        (_, Some(s)) => s.query_selector_all(css),
        _ => return 0,
    };
    let Ok(list) = list else { return 0 };
    // Lowercased by the browser: Rust's Unicode case tables would add to the runtime.
    let lower = |s: &str| js_sys::JsString::from(s).to_lower_case();
    let needle = text.map(|t| String::from(lower(t)));
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<Element>().ok())
        .filter(|el| {
            needle.as_ref().is_none_or(|t| {
                let own = lower(&el.text_content().unwrap_or_default());
                let label = lower(&el.get_attribute("aria-label").unwrap_or_default());
                own.includes(t, 0) || label.includes(t, 0)
            })
        })
        .count() as u32
}

fn picked_of(el: &Element) -> Picked {
    let mut ancestors = Vec::new();
    let mut node = el.parent_element();
    while let Some(n) = node.filter(|n| !is_top(n)) {
        if ancestors.len() >= MAX_ANCESTORS {
            break;
        }
        ancestors.push(facts_of(&n));
        node = n.parent_element();
    }
    Picked {
        element: facts_of(el),
        ancestors,
    }
}

fn facts_of(el: &Element) -> ElementFacts {
    let tag = el.local_name().to_ascii_lowercase();
    let mut facts = ElementFacts::new(&tag);
    let id = el.id();
    facts.id = (!id.is_empty()).then_some(id);
    for name in STABLE_ATTRIBUTES.iter().chain(READ_ATTRIBUTES.iter()) {
        if let Some(value) = el.get_attribute(name) {
            facts.attributes.push(((*name).to_owned(), value));
        }
    }
    facts.classes = el
        .get_attribute("class")
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    facts.text = el
        .text_content()
        .unwrap_or_default()
        .chars()
        .take(MAX_TEXT)
        .collect();
    facts.label = label_of(el);
    let (mut nth, mut of_type) = (0, 0);
    let mut sibling = el.parent_element().and_then(|p| p.first_element_child());
    while let Some(s) = sibling {
        if s.local_name() == el.local_name() {
            of_type += 1;
            if &s == el {
                nth = of_type;
            }
        }
        sibling = s.next_element_sibling();
    }
    facts.nth_of_type = nth.max(1);
    facts.of_type = of_type.max(1);
    facts
}

/// A form field's label: `aria-labelledby`, `<label for>`, or a wrapping `<label>`.
fn label_of(el: &Element) -> Option<String> {
    if !el.matches("input,select,textarea,[role]").unwrap_or(false) {
        return None;
    }
    let doc = dom::document()?;
    let text = |e: Element| {
        e.text_content()
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
    };
    if let Some(ids) = el.get_attribute("aria-labelledby") {
        let joined: Vec<String> = ids
            .split_whitespace()
            .filter_map(|id| doc.get_element_by_id(id).and_then(text))
            .collect();
        if !joined.is_empty() {
            return Some(joined.join(" "));
        }
    }
    if !el.id().is_empty() {
        let labels = doc.query_selector_all("label[for]").ok()?;
        let found = (0..labels.length())
            .filter_map(|i| labels.item(i)?.dyn_into::<Element>().ok())
            .find(|l| l.get_attribute("for").as_deref() == Some(el.id().as_str()));
        if let Some(label) = found.and_then(text) {
            return Some(label);
        }
    }
    el.closest("label").ok().flatten().and_then(text)
}

/// Starts (`Some`) or stops (`None`) playing a draft: re-inits the runtime with it
/// inline and starts it from its first step.
fn preview(guide: Option<&str>) {
    set_picking(false);
    let Some(storage) = session() else { return };
    let options = BRIDGE.with(|b| b.borrow().as_ref().map(|b| b.options.clone()));
    let Some(options) = options else { return };
    crate::stop();
    match guide {
        Some(text) => {
            let id = js_sys::JSON::parse(text)
                .ok()
                .and_then(|g| dom::get_str(&g, "id"));
            let _ = storage.set_item(PREVIEW_KEY, text);
            crate::init(options);
            if let Some(id) = id {
                crate::start(JsValue::from_str(&id));
            }
        }
        // Only when a preview is on: nothing else to undo, and a re-init would
        // announce the page to the editor once more.
        None => {
            if storage.get_item(PREVIEW_KEY).ok().flatten().is_some() {
                let _ = storage.remove_item(PREVIEW_KEY);
                crate::init(options);
            }
        }
    }
}
