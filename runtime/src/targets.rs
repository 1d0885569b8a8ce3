//! Finding the elements guides point at, and measuring where they are.
//!
//! Owns the meaning of a target: its selectors tried in order, the first visible
//! element whose text contains the optional `text`; selectors joined by `>>>` step
//! into an open shadow root or a same-origin iframe's document (see
//! [`waymark::selector`]). A found element remembers the iframes it sits in (their
//! offsets add up), the ancestors that clip it (scrolling containers) and the roots
//! whose scroll events never reach the main document. Lookups only read the page.

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use waymark::geometry::Rect;
use waymark::guide::Target;
use waymark::selector::split_chain;
use web_sys::{Document, Element, Node, ShadowRoot};

use crate::dom;

/// An element a guide points at, with what is needed to measure it each frame.
#[derive(Clone)]
pub struct Found {
    pub el: Element,
    /// Same-origin iframes crossed to reach it, outermost first.
    pub frames: Vec<Element>,
    /// Ancestors that clip it (scrolling or overflow-hidden boxes), innermost first.
    pub clips: Vec<Element>,
    /// Shadow roots and frame documents it lives in, whose scroll events stay there.
    pub roots: Vec<Node>,
}

/// A target's box in the main viewport's coordinates.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Measured {
    pub full: Rect,
    /// The part not clipped by scrolling containers or iframes; `None` when
    /// nothing of it shows.
    pub visible: Option<Rect>,
}

/// The outcome of a lookup: the element, or the roots to watch for it to appear.
pub enum Lookup {
    Found(Found),
    Missing(Vec<Node>),
}

/// Where a selector list is applied: the document or a shadow root.
enum Scope {
    Doc(Document),
    Shadow(ShadowRoot),
}

impl Scope {
    fn query_all(&self, selector: &str) -> Option<web_sys::NodeList> {
        // An invalid selector throws a SyntaxError; it simply finds nothing.
        match self {
            Scope::Doc(d) => d.query_selector_all(selector).ok(),
            Scope::Shadow(s) => s.query_selector_all(selector).ok(),
        }
    }
    fn node(&self) -> Node {
        match self {
            Scope::Doc(d) => d.clone().into(),
            Scope::Shadow(s) => s.clone().into(),
        }
    }
}

/// Looks for a step's or tip's element.
pub fn find(target: &Target) -> Lookup {
    let mut missing = Vec::new();
    for css in &target.css {
        if let Some(found) = find_one(css, target.text.as_deref(), &mut missing) {
            return Lookup::Found(found);
        }
    }
    Lookup::Missing(missing)
}

/// Looks for a visible element matching one selector (chain), with no text filter.
pub fn find_selector(selector: &str) -> Lookup {
    let mut missing = Vec::new();
    match find_one(selector, None, &mut missing) {
        Some(f) => Lookup::Found(f),
        None => Lookup::Missing(missing),
    }
}

fn find_one(selector: &str, text: Option<&str>, missing: &mut Vec<Node>) -> Option<Found> {
    let doc = dom::document()?;
    let parts = split_chain(selector);
    let needle = text.map(dom::lower);
    let mut frames = Vec::new();
    let el = search(
        &Scope::Doc(doc),
        &parts,
        needle.as_deref(),
        &mut frames,
        missing,
    )?;
    let roots = roots_of(&el, &frames);
    let clips = clips_of(&el);
    Some(Found {
        el,
        frames,
        clips,
        roots,
    })
}

fn search(
    scope: &Scope,
    parts: &[&str],
    text: Option<&str>,
    frames: &mut Vec<Element>,
    missing: &mut Vec<Node>,
) -> Option<Element> {
    let (first, rest) = parts.split_first()?;
    let list = scope.query_all(first)?;
    let candidates = (0..list.length()).filter_map(|i| dom::as_element(list.item(i)?.into()));
    if rest.is_empty() {
        for el in candidates {
            if text.is_none_or(|t| has_text(&el, t)) && is_visible(&el) {
                return Some(el);
            }
        }
    } else {
        for el in candidates {
            if let Some(root) = el.shadow_root() {
                if let Some(found) = search(&Scope::Shadow(root), rest, text, frames, missing) {
                    return Some(found);
                }
            } else if let Some(doc) = frame_document(&el) {
                frames.push(el.clone());
                if let Some(found) = search(&Scope::Doc(doc), rest, text, frames, missing) {
                    return Some(found);
                }
                frames.pop();
            }
        }
    }
    missing.push(scope.node());
    None
}

/// The document of a same-origin iframe; `None` for other elements and for
/// cross-origin frames, whose documents we may not read.
fn frame_document(el: &Element) -> Option<Document> {
    if !el.tag_name().eq_ignore_ascii_case("iframe") {
        return None;
    }
    dom::as_document(&Reflect::get(el, &"contentDocument".into()).ok()?)
}

fn has_text(el: &Element, needle: &str) -> bool {
    let own = el.text_content().unwrap_or_default();
    let label = el.get_attribute("aria-label").unwrap_or_default();
    dom::lower(&own).contains(needle) || dom::lower(&label).contains(needle)
}

/// Whether the element takes up room and is not hidden by CSS.
pub fn is_visible(el: &Element) -> bool {
    if !el.is_connected() {
        return false;
    }
    let r = el.get_bounding_client_rect();
    if r.width() <= 0.0 || r.height() <= 0.0 {
        return false;
    }
    // checkVisibility also sees `visibility: hidden` and `content-visibility`.
    match Reflect::get(el, &"checkVisibility".into()) {
        Ok(f) if f.is_function() => {
            let opts = Object::new();
            let _ = Reflect::set(&opts, &"visibilityProperty".into(), &JsValue::TRUE);
            f.unchecked_ref::<js_sys::Function>()
                .call1(el, &opts)
                .map_or(true, |v| v.as_bool() != Some(false))
        }
        _ => true,
    }
}

/// Shadow roots and iframe documents between the element and the main document.
fn roots_of(el: &Element, frames: &[Element]) -> Vec<Node> {
    let main = dom::document();
    let mut roots = Vec::new();
    let mut node: Node = el.clone().into();
    let mut frames = frames.iter().rev();
    for _ in 0..64 {
        let root = node.get_root_node();
        if let Some(shadow) = dom::as_shadow_root(&root) {
            roots.push(root.clone());
            node = shadow.host().into();
        } else if main.as_ref().is_some_and(|m| Node::from(m.clone()) != root) {
            roots.push(root);
            match frames.next() {
                Some(f) => node = f.clone().into(),
                None => break,
            }
        } else {
            break;
        }
    }
    roots
}

/// Ancestors (in the same document) whose overflow is not visible: they may clip
/// the element or scroll it out of sight.
fn clips_of(el: &Element) -> Vec<Element> {
    let Some(win) = el.owner_document().and_then(|d| d.default_view()) else {
        return Vec::new();
    };
    let mut clips = Vec::new();
    let mut node = parent_composed(el);
    while let Some(e) = node {
        let tag = e.tag_name();
        if tag.eq_ignore_ascii_case("body") || tag.eq_ignore_ascii_case("html") {
            break;
        }
        if let Ok(Some(cs)) = win.get_computed_style(&e) {
            let x = cs.get_property_value("overflow-x").unwrap_or_default();
            let y = cs.get_property_value("overflow-y").unwrap_or_default();
            if x != "visible" || y != "visible" {
                clips.push(e.clone());
            }
        }
        node = parent_composed(&e);
    }
    clips
}

/// The parent element, stepping from a shadow root to its host.
fn parent_composed(el: &Element) -> Option<Element> {
    if let Some(p) = el.parent_element() {
        return Some(p);
    }
    let parent = el.parent_node()?;
    dom::as_shadow_root(&parent).map(|s| s.host())
}

fn rect_of(e: &Element) -> Rect {
    let r = e.get_bounding_client_rect();
    Rect::new(r.left(), r.top(), r.width(), r.height())
}

fn intersect(a: Option<Rect>, b: &Rect) -> Option<Rect> {
    a?.intersection(b)
        .filter(|r| r.width > 0.0 && r.height > 0.0)
}

impl Found {
    /// Measures the element in the main viewport: its own box moved by the
    /// iframes' offsets, and what of it the clipping ancestors and frames let show.
    /// Reads layout only.
    pub fn measure(&self) -> Measured {
        let mut full = rect_of(&self.el);
        let mut visible = Some(full);
        for clip in &self.clips {
            visible = intersect(visible, &rect_of(clip));
        }
        for frame in self.frames.iter().rev() {
            let fr = rect_of(frame);
            let dx = fr.x + f64::from(frame.client_left());
            let dy = fr.y + f64::from(frame.client_top());
            full.x += dx;
            full.y += dy;
            visible = visible.map(|v| Rect::new(v.x + dx, v.y + dy, v.width, v.height));
            let content = Rect::new(
                dx,
                dy,
                f64::from(frame.client_width()),
                f64::from(frame.client_height()),
            );
            visible = intersect(visible, &content);
        }
        Measured { full, visible }
    }

    /// Whether it is still in the page and shown.
    pub fn is_live(&self) -> bool {
        self.el.is_connected() && self.frames.iter().all(|f| f.is_connected())
    }

    /// Whether an event's path (innermost first) passes through this element.
    pub fn in_path(&self, path: &[Element]) -> bool {
        path.contains(&self.el)
    }

    /// The element keyboard focus should go to: the target itself if it can take
    /// focus, else its first focusable descendant.
    pub fn focusable(&self) -> Option<Element> {
        const FOCUSABLE: &str = "a[href],button:not([disabled]),input:not([disabled]),\
            select:not([disabled]),textarea:not([disabled]),[tabindex]:not([tabindex='-1']),\
            [contenteditable='true']";
        if self.el.matches(FOCUSABLE).unwrap_or(false) {
            return Some(self.el.clone());
        }
        self.el.query_selector(FOCUSABLE).ok().flatten()
    }
}
