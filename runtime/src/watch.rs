//! Noticing that the page moved or changed, without polling.
//!
//! Owns the observers: one MutationObserver over the document and every shadow
//! root or iframe document a target lives in (elements appearing late, views
//! re-rendered), one ResizeObserver on the shown targets and Waymark's own boxes,
//! and passive scroll and resize listeners, including on roots whose scroll events
//! never reach the main document. None of them does any work itself: they post
//! `Changed` or `Moved` and the next animation frame reads and writes once.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, MutationObserver, Node, ResizeObserver};

use crate::dom;
use crate::msg::{post, LayoutMsg, Msg};

pub struct Watch {
    mutations: Option<MutationObserver>,
    resizes: Option<ResizeObserver>,
    /// Roots the MutationObserver watches.
    observed: Vec<Node>,
    /// Roots with our scroll listener.
    scrolled: Vec<Node>,
    /// Elements the ResizeObserver watches now.
    sized: Vec<Element>,
}

impl Default for Watch {
    fn default() -> Watch {
        Watch::new()
    }
}

impl Watch {
    /// Creates the observers and the window-wide listeners.
    pub fn new() -> Watch {
        let on_mutate =
            Closure::<dyn FnMut(JsValue)>::new(|_: JsValue| post(Msg::Layout(LayoutMsg::Changed)));
        let mutations = MutationObserver::new(on_mutate.as_ref().unchecked_ref()).ok();
        on_mutate.forget();
        let on_resize =
            Closure::<dyn FnMut(JsValue)>::new(|_: JsValue| post(Msg::Layout(LayoutMsg::Moved)));
        let resizes = ResizeObserver::new(on_resize.as_ref().unchecked_ref()).ok();
        on_resize.forget();
        if let Some(w) = dom::window() {
            // Capture on window sees scrolling of the document and of every
            // scrolling element in it (scroll events do not bubble).
            dom::listen(&w, "scroll", true, true, |_| {
                post(Msg::Layout(LayoutMsg::Moved))
            });
            dom::listen(&w, "resize", false, true, |_| {
                post(Msg::Layout(LayoutMsg::Moved))
            });
            // An iframe's document is replaced when it loads. Popovers open, and
            // CSS transitions and animations reveal elements, without any DOM change.
            for kind in ["load", "toggle", "transitionend", "animationend"] {
                dom::listen(&w, kind, true, true, |_| {
                    post(Msg::Layout(LayoutMsg::Changed))
                });
            }
            if let Ok(vv) = js_sys::Reflect::get(&w, &"visualViewport".into()) {
                if let Some(vv) = vv.dyn_ref::<web_sys::EventTarget>() {
                    dom::listen(vv, "resize", false, true, |_| {
                        post(Msg::Layout(LayoutMsg::Moved))
                    });
                }
            }
        }
        let mut watch = Watch {
            mutations,
            resizes,
            observed: Vec::new(),
            scrolled: Vec::new(),
            sized: Vec::new(),
        };
        if let Some(doc) = dom::document() {
            watch.observe(&doc.into());
        }
        watch
    }

    /// Watches `root` (a document or shadow root) for added, removed and changed
    /// elements. Idempotent.
    pub fn observe(&mut self, root: &Node) {
        if self.observed.contains(root) {
            return;
        }
        let Some(mo) = &self.mutations else { return };
        let opts = dom::options(
            r#"{"childList":true,"subtree":true,"attributes":true,"characterData":true}"#,
        );
        if mo.observe_with_options(root, opts.unchecked_ref()).is_ok() {
            self.observed.push(root.clone());
        }
    }

    /// Follows the roots of a found element: mutations and scrolling inside its
    /// shadow roots and iframe documents.
    pub fn follow(&mut self, roots: &[Node]) {
        for root in roots {
            self.observe(root);
            if !self.scrolled.contains(root) {
                dom::listen(root, "scroll", true, true, |_| {
                    post(Msg::Layout(LayoutMsg::Moved))
                });
                self.scrolled.push(root.clone());
            }
        }
    }

    /// Sets the elements whose size changes move things: the shown targets and
    /// Waymark's own popover and bubble. Unchanged sets cost nothing.
    pub fn size_of(&mut self, elements: Vec<Element>) {
        if elements == self.sized {
            return;
        }
        let Some(ro) = &self.resizes else { return };
        ro.disconnect();
        for e in &elements {
            ro.observe(e);
        }
        self.sized = elements;
    }
}
