//! What the user does in the page, as messages; and which keys Waymark answers.
//!
//! Owns the document-level listeners (capture phase, so Waymark sees a click before
//! the app's handler navigates away), in the page and in the iframes targets live
//! in: clicks, typing, keys, focus and hover, posted as [`Msg::Page`] for the shell
//! to hand to the parts they concern (the tour, tips, the launcher, the help
//! panel), and the clicks on the dimmed page and on beacons. Keys: Esc closes (the tip, the panel, the tour);
//! in the popover the arrow keys go to the next or previous step (mirrored for
//! right-to-left pages) and Enter does the main action; Tab goes from the popover's
//! last control to the target and Shift+Tab from the target back, as if the popover
//! stood just before the target in the page. Nothing is read from a field unless
//! the step waits for input there, and values are never stored.

use std::cell::RefCell;

use js_sys::Reflect;
use web_sys::{Element, EventTarget, Node};

use crate::dom;
use crate::layer::Layer;
use crate::msg::{post, Msg, PageEvent, TipsMsg, TourMsg};

thread_local! {
    /// Iframe documents we listen to already.
    static DOCUMENTS: RefCell<Vec<Node>> = const { RefCell::new(Vec::new()) };
}

/// Sets up the listeners that live as long as the page.
pub fn install(layer: &Layer, dim: &Element) {
    if let Some(doc) = dom::document() {
        listen_document(&doc);
        dom::listen(&doc, "visibilitychange", false, true, |_| {
            if dom::document().is_some_and(|d| d.hidden()) {
                post(Msg::PageHidden);
            }
        });
    }
    if let Some(w) = dom::window() {
        dom::listen(&w, "pagehide", false, true, |_| post(Msg::PageHidden));
    }
    dom::listen(dim, "click", false, false, |e| {
        e.prevent_default();
        post(Msg::Tour(TourMsg::Blocked));
    });
    dom::listen(&layer.el, "click", false, false, |e| {
        let beacon = dom::path(&e)
            .iter()
            .find_map(|el| el.get_attribute("data-tip")?.parse::<usize>().ok());
        if let Some(i) = beacon {
            post(Msg::Tips(TipsMsg::Beacon(i)));
        }
    });
}

fn listen_document(target: &EventTarget) {
    let kinds = [
        ("click", PageEvent::Click, false),
        ("input", PageEvent::Input, true),
        ("keydown", PageEvent::Key, false),
        ("focusin", PageEvent::FocusIn, true),
        ("focusout", PageEvent::FocusOut, true),
        ("pointerover", PageEvent::PointerOver, true),
    ];
    for (name, kind, passive) in kinds {
        dom::listen(target, name, true, passive, move |e| {
            post(Msg::Page(kind, e))
        });
    }
}

/// Listens in the iframe documents among `roots` too (a target inside a frame).
pub fn follow_documents(roots: &[Node]) {
    for root in roots {
        if let Some(doc) = dom::as_document(root) {
            let new = DOCUMENTS.with(|d| {
                let mut d = d.borrow_mut();
                let new = !d.contains(root);
                if new {
                    d.push(root.clone());
                }
                new
            });
            if new {
                listen_document(&doc);
            }
        }
    }
}

/// Whether keys typed there edit text (arrow keys must stay the field's).
pub fn is_typing(e: Option<&Element>) -> bool {
    e.is_some_and(|e| {
        matches!(e.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
            || e.get_attribute("contenteditable")
                .is_some_and(|v| v != "false")
    })
}

/// What the user typed where an event's path starts: a form field's value, or the
/// text of a rich-text editor (a contenteditable element, or the editable body of an
/// iframe). Read for an input step's pattern only, never kept. By property, not
/// instanceof: an iframe's nodes are of another realm.
pub fn typed_value(path: &[Element]) -> Option<String> {
    path.first().and_then(|e| {
        let editable = Reflect::get(e, &"isContentEditable".into())
            .ok()
            .and_then(|v| v.as_bool())
            == Some(true);
        if editable {
            e.text_content()
        } else {
            Reflect::get(e, &"value".into()).ok()?.as_string()
        }
    })
}
