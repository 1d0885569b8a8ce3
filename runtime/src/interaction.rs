//! What the user does in the page, turned into engine inputs; and the keyboard.
//!
//! Owns the document-level listeners (capture phase, so Waymark sees a click before
//! the app's handler navigates away): clicks on the target and on elements that
//! start guides, typing into an `input` step's field, hover and focus for tips, and
//! every key Waymark answers to. Keys: Esc closes (the tip, the panel, the tour);
//! in the popover the arrow keys go to the next or previous step (mirrored for
//! right-to-left pages) and Enter does the main action; Tab goes from the popover's
//! last control to the target and Shift+Tab from the target back, as if the popover
//! stood just before the target in the page. Nothing is read from a field unless
//! the step waits for input there, and values are never stored.

use std::cell::RefCell;

use js_sys::Reflect;
use wasm_bindgen::JsCast;
use waymark::engine::Input;
use waymark::events::Trigger;
use waymark::guide::TipTrigger;
use web_sys::{Element, Event, EventTarget, KeyboardEvent, Node};

use crate::beacon::Touch;
use crate::dom;
use crate::layer::Layer;
use crate::overlay::Overlay;
use crate::shell::{post, Action, Msg, Shell};

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum PageEvent {
    Click,
    Input,
    Key,
    FocusIn,
    FocusOut,
    PointerOver,
}

thread_local! {
    /// Iframe documents we listen to already.
    static DOCUMENTS: RefCell<Vec<Node>> = const { RefCell::new(Vec::new()) };
}

/// Sets up the listeners that live as long as the page.
pub fn install(layer: &Layer, overlay: &Overlay) {
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
    dom::listen(overlay.dim_element(), "click", false, false, |e| {
        e.prevent_default();
        post(Msg::Ui(Action::Blocked));
    });
    dom::listen(&layer.el, "click", false, false, |e| {
        let beacon = dom::path(&e)
            .iter()
            .find_map(|el| el.get_attribute("data-tip")?.parse::<usize>().ok());
        if let Some(i) = beacon {
            post(Msg::Ui(Action::Beacon(i)));
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
fn is_typing(e: Option<&Element>) -> bool {
    e.is_some_and(|e| {
        matches!(e.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
            || e.get_attribute("contenteditable")
                .is_some_and(|v| v != "false")
    })
}

impl Shell {
    // Out of line: not on the first step's path, so V8 compiles it only when
    // it is first called (it compiles wasm lazily, function by function).
    #[inline(never)]
    pub fn on_page_event(&mut self, kind: PageEvent, event: &Event) {
        let path = dom::path(event);
        match kind {
            PageEvent::Click => self.on_click(&path),
            PageEvent::Input => self.on_input(&path),
            PageEvent::Key => {
                if let Some(k) = event.dyn_ref::<KeyboardEvent>() {
                    if self.on_key(k, &path) {
                        k.prevent_default();
                        k.stop_propagation();
                    }
                }
            }
            PageEvent::FocusIn => match self.tips.touch(&path) {
                Some(Touch::Target(i)) if self.tips.trigger(i) != Some(TipTrigger::Click) => {
                    self.open_tip(i)
                }
                _ => {}
            },
            PageEvent::FocusOut => {
                if let (Some(Touch::Target(i)), Some(open)) =
                    (self.tips.touch(&path), self.tips.open)
                {
                    if i == open && self.tips.trigger(i) != Some(TipTrigger::Click) {
                        self.tips.close();
                    }
                }
            }
            PageEvent::PointerOver => self.on_pointer(&path),
        }
    }

    fn in_ui(&self, path: &[Element]) -> bool {
        path.contains(&self.layer.host)
    }

    fn on_click(&mut self, path: &[Element]) {
        if self.in_ui(path) {
            return;
        }
        if let Some(s) = &self.step {
            let on_target = s.found.as_ref().is_some_and(|f| f.in_path(path));
            self.feed(Input::Clicked { on_target });
        }
        let started = self
            .starters
            .iter()
            .find(|s| path.iter().any(|e| e.matches(&s.selector).unwrap_or(false)));
        if let Some(s) = started {
            let guide = s.guide.clone();
            self.feed(Input::Start {
                guide,
                trigger: Trigger::Click,
            });
        }
        if self.tips.open.is_some() && self.tips.touch(path).is_none() {
            self.tips.close();
        }
        self.launcher.close_panel();
    }

    fn on_input(&mut self, path: &[Element]) {
        let Some(s) = &self.step else { return };
        if s.view.advance != waymark::engine::AdvanceKind::Input
            || !s.found.as_ref().is_some_and(|f| f.in_path(path))
        {
            return;
        }
        // A form field's value, or the text of a rich-text editor (a contenteditable
        // element, or the editable body of an iframe). Read for the step's pattern
        // only, never kept. By property, not instanceof: an iframe's nodes are of
        // another realm.
        let value = path.first().and_then(|e| {
            let editable = Reflect::get(e, &"isContentEditable".into())
                .ok()
                .and_then(|v| v.as_bool())
                == Some(true);
            if editable {
                e.text_content()
            } else {
                Reflect::get(e, &"value".into()).ok()?.as_string()
            }
        });
        if let Some(value) = value {
            self.feed(Input::InputChanged { value });
        }
    }

    fn on_pointer(&mut self, path: &[Element]) {
        if self.tips.is_empty() {
            return;
        }
        match self.tips.touch(path) {
            Some(Touch::Target(i) | Touch::Beacon(i))
                if self.tips.trigger(i) == Some(TipTrigger::Hover) =>
            {
                self.open_tip(i)
            }
            Some(_) => dom::cancel(std::mem::take(&mut self.tips.close_timer)),
            None => {
                let hover =
                    self.tips.open.and_then(|i| self.tips.trigger(i)) == Some(TipTrigger::Hover);
                if hover && self.tips.close_timer == 0 {
                    self.tips.close_timer = dom::after(300.0, || post(Msg::TipTimeout));
                }
            }
        }
    }

    pub fn open_tip(&mut self, i: usize) {
        if let Some(guide) = self.tips.open(i) {
            self.feed(Input::TipShown { guide });
        }
        self.request_frame();
    }

    /// Answers a key; true when Waymark used it.
    fn on_key(&mut self, k: &KeyboardEvent, path: &[Element]) -> bool {
        if k.default_prevented() || k.is_composing() || k.alt_key() || k.ctrl_key() || k.meta_key()
        {
            return false;
        }
        let origin = path.first();
        let pop: Element = self.popover.el.clone().into();
        let in_pop = self.popover.is_shown() && path.contains(&pop);
        let panel: Element = self.launcher.panel.clone().into();
        let in_panel = self.launcher.is_open() && path.contains(&panel);
        let found = self.step.as_ref().and_then(|s| s.found.clone());
        let on_target = found.as_ref().is_some_and(|f| f.in_path(path));
        match k.key().as_str() {
            "Escape" => self.escape(in_pop, in_panel, path),
            "Tab" => self.tab(k.shift_key(), in_pop, on_target, origin),
            "ArrowRight" | "ArrowLeft" if in_pop && !is_typing(origin) => {
                let forward = (k.key() == "ArrowRight") != self.rtl;
                let action = if forward { Action::Next } else { Action::Back };
                self.popover.can(action) && {
                    self.on_action(action);
                    true
                }
            }
            "Enter" if in_pop && origin == Some(&pop) => match self.popover.primary() {
                Some(a) => {
                    self.on_action(a);
                    true
                }
                None => false,
            },
            "ArrowDown" | "ArrowUp" if in_panel => {
                let mut items: Vec<Element> = vec![self.launcher.search.clone().into()];
                items.retain(|e| !e.has_attribute("hidden"));
                items.extend(self.launcher.row_buttons());
                let at = origin.and_then(|o| items.iter().position(|e| e == o));
                let next = match (k.key().as_str(), at) {
                    ("ArrowDown", Some(i)) => (i + 1).min(items.len().saturating_sub(1)),
                    ("ArrowUp", Some(i)) => i.saturating_sub(1),
                    _ => 0,
                };
                if let Some(e) = items.get(next) {
                    dom::focus_quiet(e);
                }
                true
            }
            _ => false,
        }
    }

    fn escape(&mut self, in_pop: bool, in_panel: bool, path: &[Element]) -> bool {
        let in_help = self.help.el().is_some_and(|h| {
            let h: &Element = h;
            path.contains(h)
        });
        if self.help.is_open() && in_help {
            self.on_action(Action::HelpClose);
            return true;
        }
        if self.tips.open.is_some() {
            self.tips.close();
            return true;
        }
        let on_button = path
            .iter()
            .any(|e| *e == Element::from(self.launcher.button.clone()));
        if self.launcher.is_open() && (in_panel || on_button) {
            self.on_action(Action::PanelClose);
            return true;
        }
        let modal = self.step.as_ref().is_some_and(|s| s.modal);
        if self.step.is_some() && (in_pop || modal) {
            self.feed(Input::Dismiss);
            return true;
        }
        false
    }

    fn tab(&mut self, back: bool, in_pop: bool, on_target: bool, origin: Option<&Element>) -> bool {
        let controls = self.popover.controls();
        let target = self
            .step
            .as_ref()
            .and_then(|s| s.found.as_ref())
            .and_then(|f| f.focusable());
        let modal = self.step.as_ref().is_some_and(|s| s.modal);
        if in_pop {
            let at = origin.and_then(|o| controls.iter().position(|c| c == o));
            let last = controls.len().saturating_sub(1);
            let (to, wrap) = if back {
                (at.is_none() || at == Some(0), controls.last())
            } else {
                (at == Some(last), controls.first())
            };
            if !to {
                return false;
            }
            match (&target, back) {
                (Some(t), false) => dom::focus(t),
                _ if modal => {
                    if let Some(w) = wrap {
                        dom::focus(w);
                    }
                }
                _ => return false,
            }
            return true;
        }
        if on_target && back && self.step.is_some() && target.as_ref() == origin {
            if let Some(last) = controls.last() {
                dom::focus(last);
                return true;
            }
        }
        false
    }
}
