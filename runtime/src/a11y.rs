//! Accessibility plumbing: where keyboard focus goes and comes back to, what a
//! screen reader may reach, and what it is told.
//!
//! Owns three things. Focus: remembered when a tour or panel opens and returned
//! when it closes. Inertness: during a modal step everything but Waymark's UI and the
//! step's target is made `inert`, so screen-reader and keyboard users stay in the
//! tour; only the attributes we added are removed again. Announcements: a polite
//! live region says what changed when focus is left where the user is working.

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

use crate::dom;

pub struct A11y {
    /// Elements we made inert, to give back exactly those.
    inert: Vec<Element>,
    /// Where focus was before the tour took it.
    saved: Option<Element>,
    live: HtmlElement,
}

impl A11y {
    pub fn new(layer: &Element) -> Option<A11y> {
        let live = dom::child(layer, "div", "sr", "")?;
        dom::attr(&live, "role", "status");
        dom::attr(&live, "aria-live", "polite");
        Some(A11y {
            inert: Vec::new(),
            saved: None,
            live,
        })
    }

    /// Makes everything inert except the subtrees of `keep` (our host, the target
    /// or the iframe holding it): each sibling along the way from `keep` up to
    /// `<body>` gets `inert`.
    pub fn make_inert(&mut self, keep: &[Element]) {
        self.release();
        let Some(body) = dom::document().and_then(|d| d.body()) else {
            return;
        };
        let body: Element = body.into();
        let mut chain: Vec<Element> = Vec::new();
        for k in keep {
            let mut e = Some(k.clone());
            while let Some(cur) = e {
                if cur == body || !body.contains(Some(&cur)) {
                    break;
                }
                chain.push(cur.clone());
                e = cur.parent_element();
            }
        }
        for node in &chain {
            let Some(parent) = node.parent_element() else {
                continue;
            };
            let mut sib = parent.first_element_child();
            while let Some(s) = sib {
                let skip = chain.contains(&s)
                    || s.has_attribute("inert")
                    || matches!(
                        s.tag_name().as_str(),
                        "SCRIPT" | "STYLE" | "LINK" | "TEMPLATE"
                    );
                if !skip {
                    dom::attr(&s, "inert", "");
                    self.inert.push(s.clone());
                }
                sib = s.next_element_sibling();
            }
        }
    }

    /// Gives back what [`A11y::make_inert`] took.
    pub fn release(&mut self) {
        for e in self.inert.drain(..) {
            dom::remove_attr(&e, "inert");
        }
    }

    pub fn is_inert(&self) -> bool {
        !self.inert.is_empty()
    }

    /// Remembers the focused element (unless focus is already ours, `host`: then
    /// `fallback`), unless something is remembered already.
    pub fn save_focus(&mut self, host: &Element, fallback: Option<Element>) {
        if self.saved.as_ref().is_some_and(|e| e.is_connected()) {
            return;
        }
        let active = active_element();
        self.saved = match active {
            Some(a) if a == *host => fallback,
            Some(a) if !is_body(&a) => Some(a),
            _ => fallback,
        };
    }

    /// Returns focus to where it was, if that element is still there and focus is
    /// now in Waymark's UI or nowhere. Never steals focus from the page.
    pub fn restore_focus(&mut self, host: &Element) {
        let Some(saved) = self.saved.take() else {
            return;
        };
        let lost = active_element().is_none_or(|a| a == *host || is_body(&a));
        if lost && saved.is_connected() {
            dom::focus(&saved);
        }
    }

    /// Says `text` to screen-reader users without moving focus.
    pub fn announce(&self, text: &str) {
        // Clearing first makes a repeated text be read again.
        self.live.set_text_content(None);
        self.live.set_text_content(Some(text));
    }
}

/// The focused element of the main document (the shadow host when focus is inside
/// a shadow root).
pub fn active_element() -> Option<Element> {
    dom::document()?.active_element()
}

/// The focused element, looking into open shadow roots.
pub fn deep_active_element() -> Option<Element> {
    let mut a = active_element()?;
    for _ in 0..32 {
        let inner = a.shadow_root().and_then(|r| r.active_element());
        match inner {
            Some(i) => a = i,
            None => break,
        }
    }
    Some(a)
}

fn is_body(e: &Element) -> bool {
    e.dyn_ref::<HtmlElement>()
        .is_some_and(|h| h.tag_name().eq_ignore_ascii_case("body"))
}

/// Whether focus is somewhere the user is working in the page (not in Waymark's
/// UI, not on the body).
pub fn focus_in_page(host: &Element) -> bool {
    active_element().is_some_and(|a| a != *host && !is_body(&a))
}
