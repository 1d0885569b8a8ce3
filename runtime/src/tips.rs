//! Tips: a pulsing beacon beside an element and the bubble it opens.
//!
//! Owns the tips of the current page as the engine listed them: finding their
//! elements (they may appear late), drawing a beacon at each one's corner, and
//! showing one bubble at a time on hover, focus or click, as the tip says. A beacon
//! is a real button, so keyboard users reach every tip. Which tips show on a page
//! and how often is the engine's business; this module only reports a tip as seen.
//! It answers the page's hover, focus and clicks that concern a tip, and
//! [`TipsMsg`]: a beacon pressed, a hover tip's close delay run out.

use waymark::engine::{Input, TipView};
use waymark::geometry::{self, PlaceOptions, Rect, Size};
use waymark::guide::TipTrigger;
use web_sys::{Element, HtmlElement, Node};

use crate::context::Ctx;
use crate::i18n::Words;
use crate::msg::{post, Msg, TipsMsg};
use crate::targets::{self, Found, Lookup, Measured};
use crate::{dom, interaction, markup};

struct Item {
    view: TipView,
    found: Option<Found>,
    beacon: Option<HtmlElement>,
    seen: bool,
    at: Option<(i32, i32)>,
}

/// What a pointer or focus event touched.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Touch {
    Target(usize),
    Beacon(usize),
    Bubble,
}

pub struct Tips {
    layer: Element,
    items: Vec<Item>,
    bubble: HtmlElement,
    title: HtmlElement,
    body: HtmlElement,
    open: Option<usize>,
    /// Pending close of a hover tip, so the pointer can travel to the bubble.
    close_timer: i32,
    at: Option<(i32, i32)>,
}

/// What one frame measured of the tips.
pub struct Reads {
    targets: Vec<Option<Measured>>,
    bubble: Size,
}

/// The bubble's elements (see [`dom::build`]), in the order [`Tips::new`] takes them.
const SKELETON: &str = "
div.tip|hidden|id=wm-tip
 div.scroll
  h2.title|id=wm-tip-title|dir=auto
  div.body|dir=auto
";

impl Tips {
    pub fn new(layer: &Element) -> Option<Tips> {
        let [bubble, _, title, body] =
            <[HtmlElement; 4]>::try_from(dom::build(layer, SKELETON)?).ok()?;
        Some(Tips {
            layer: layer.clone(),
            items: Vec::new(),
            bubble,
            title,
            body,
            open: None,
            close_timer: 0,
            at: None,
        })
    }

    /// Replaces the tips with the engine's list for this page. An unchanged list
    /// keeps its beacons (the engine repeats it on every navigation).
    pub fn set(&mut self, views: Vec<TipView>, words: &Words) {
        if views.len() == self.items.len()
            && views.iter().zip(&self.items).all(|(v, i)| *v == i.view)
        {
            return;
        }
        self.close();
        for item in self.items.drain(..) {
            if let Some(b) = item.beacon {
                b.remove();
            }
        }
        for (i, view) in views.into_iter().enumerate() {
            let beacon = if view.beacon {
                dom::button(&self.layer, "beacon", "").inspect(|b| {
                    dom::attr(b, "data-tip", &dom::int(i as i64));
                    dom::attr(b, "aria-label", &[words.tip, ": ", &view.title].concat());
                    dom::attr(b, "aria-expanded", "false");
                    dom::attr(b, "aria-controls", "wm-tip");
                    dom::set_hidden(b, true);
                })
            } else {
                None
            };
            self.items.push(Item {
                view,
                found: None,
                beacon,
                seen: false,
                at: None,
            });
        }
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Whether some tip still waits for its element.
    fn unresolved(&self) -> bool {
        self.items
            .iter()
            .any(|i| !i.found.as_ref().is_some_and(Found::is_live))
    }

    /// After the DOM changed: the tips' elements not found yet (or gone) looked
    /// for, the found ones followed and the missing ones' roots watched.
    pub fn after_change(&mut self, ctx: &mut Ctx) {
        if self.is_empty() || !self.unresolved() {
            return;
        }
        let (found, missing) = self.resolve();
        for f in &found {
            ctx.watch.follow(&f.roots);
            interaction::follow_documents(&f.roots);
        }
        missing.iter().for_each(|r| ctx.watch.observe(r));
    }

    pub fn update(&mut self, msg: TipsMsg, ctx: &mut Ctx) {
        match msg {
            TipsMsg::Beacon(i) => {
                if self.open == Some(i) {
                    self.close();
                } else {
                    self.open_tip(i, ctx);
                }
            }
            TipsMsg::Timeout => self.close(),
        }
    }

    /// Opens tip `i`; the engine hears of it the first time.
    fn open_tip(&mut self, i: usize, ctx: &mut Ctx) {
        if let Some(guide) = self.open(i) {
            ctx.later(Input::TipShown { guide });
        }
        ctx.request_frame();
    }

    /// Focus came to a tip's element: a hover or focus tip opens.
    pub fn focus_in(&mut self, path: &[Element], ctx: &mut Ctx) {
        if let Some(Touch::Target(i)) = self.touch(path) {
            if self.trigger(i) != Some(TipTrigger::Click) {
                self.open_tip(i, ctx)
            }
        }
    }

    /// Focus left the open tip's element: it closes, unless it opens on click.
    pub fn focus_out(&mut self, path: &[Element]) {
        if let (Some(Touch::Target(i)), Some(open)) = (self.touch(path), self.open) {
            if i == open && self.trigger(i) != Some(TipTrigger::Click) {
                self.close();
            }
        }
    }

    /// The pointer moved over something: a hover tip opens, or closes a moment
    /// after the pointer left it and its bubble.
    pub fn pointer(&mut self, path: &[Element], ctx: &mut Ctx) {
        if self.is_empty() {
            return;
        }
        match self.touch(path) {
            Some(Touch::Target(i) | Touch::Beacon(i))
                if self.trigger(i) == Some(TipTrigger::Hover) =>
            {
                self.open_tip(i, ctx)
            }
            Some(_) => dom::cancel(std::mem::take(&mut self.close_timer)),
            None => {
                let hover = self.open.and_then(|i| self.trigger(i)) == Some(TipTrigger::Hover);
                if hover && self.close_timer == 0 {
                    self.close_timer = dom::after(300.0, || post(Msg::Tips(TipsMsg::Timeout)));
                }
            }
        }
    }

    /// A click in the page away from the open tip closes it.
    pub fn clicked(&mut self, path: &[Element]) {
        if self.open.is_some() && self.touch(path).is_none() {
            self.close();
        }
    }

    /// Esc: closes the open tip; true when one was open.
    pub fn escape(&mut self) -> bool {
        if self.open.is_some() {
            self.close();
            return true;
        }
        false
    }

    /// Looks for the elements not found yet (or gone). Returns the found ones'
    /// new roots and the roots to watch for the missing ones.
    fn resolve(&mut self) -> (Vec<Found>, Vec<Node>) {
        let (mut found, mut missing) = (Vec::new(), Vec::new());
        for item in &mut self.items {
            if item.found.as_ref().is_some_and(Found::is_live) {
                continue;
            }
            match targets::find(&item.view.target) {
                Lookup::Found(f) => {
                    found.push(f.clone());
                    item.found = Some(f);
                }
                Lookup::Missing(roots) => {
                    item.found = None;
                    missing.extend(roots);
                }
            }
        }
        (found, missing)
    }

    pub fn elements(&self) -> Vec<Element> {
        self.items
            .iter()
            .filter_map(|i| i.found.as_ref().map(|f| f.el.clone()))
            .collect()
    }

    /// Which tip an event's path (innermost first) touches.
    fn touch(&self, path: &[Element]) -> Option<Touch> {
        let bubble: &Element = &self.bubble;
        for e in path {
            if e == bubble {
                return Some(Touch::Bubble);
            }
            for (i, item) in self.items.iter().enumerate() {
                if item
                    .beacon
                    .as_ref()
                    .is_some_and(|b| e == &Element::from(b.clone()))
                {
                    return Some(Touch::Beacon(i));
                }
                if item.found.as_ref().is_some_and(|f| f.el == *e) {
                    return Some(Touch::Target(i));
                }
            }
        }
        None
    }

    fn trigger(&self, i: usize) -> Option<TipTrigger> {
        self.items.get(i).map(|t| t.view.show_on)
    }

    /// Opens tip `i`. Returns its guide id the first time it is seen on this page.
    fn open(&mut self, i: usize) -> Option<String> {
        dom::cancel(self.close_timer);
        if self.open == Some(i) {
            return None;
        }
        self.close();
        let item = self.items.get_mut(i)?;
        self.title.set_text_content(Some(&item.view.title));
        markup::render(&self.body, &item.view.body);
        let role = if item.view.show_on == TipTrigger::Click {
            "dialog"
        } else {
            "tooltip"
        };
        dom::attr(&self.bubble, "role", role);
        dom::attr(&self.bubble, "aria-labelledby", "wm-tip-title");
        dom::set_hidden(&self.bubble, false);
        if let Some(b) = &item.beacon {
            dom::attr(b, "aria-expanded", "true");
        }
        self.open = Some(i);
        self.at = None;
        let first = !item.seen;
        item.seen = true;
        first.then(|| item.view.guide.clone())
    }

    pub fn close(&mut self) {
        dom::cancel(self.close_timer);
        self.close_timer = 0;
        if let Some(b) = self.open.and_then(|i| self.items.get(i)?.beacon.clone()) {
            dom::attr(&b, "aria-expanded", "false");
        }
        self.open = None;
        dom::set_hidden(&self.bubble, true);
        dom::toggle_class(&self.bubble, "placed", false);
    }

    /// Read pass: where each tip's element is and how big the open bubble is.
    pub fn read(&self) -> Reads {
        Reads {
            targets: self
                .items
                .iter()
                .map(|i| i.found.as_ref().filter(|f| f.is_live()).map(Found::measure))
                .collect(),
            bubble: match self.open {
                Some(_) => Size::new(
                    f64::from(self.bubble.offset_width()),
                    f64::from(self.bubble.offset_height()),
                ),
                None => Size::new(0.0, 0.0),
            },
        }
    }

    /// Write pass: beacons at their elements' top corners, the bubble beside its
    /// element. A tip whose element is hidden loses its beacon and bubble.
    pub fn write(&mut self, reads: &Reads, viewport: Rect, rtl: bool) {
        let mut close = false;
        for (i, item) in self.items.iter_mut().enumerate() {
            let visible = reads
                .targets
                .get(i)
                .copied()
                .flatten()
                .and_then(|m| m.visible);
            if let Some(b) = &item.beacon {
                match visible {
                    Some(r) => {
                        let x = if rtl { r.x } else { r.right() } - 12.0;
                        let at = (dom::px(x), dom::px(r.y - 12.0));
                        if item.at != Some(at) {
                            dom::style(b, "transform", &dom::translate(at.0, at.1));
                            item.at = Some(at);
                        }
                        dom::set_hidden(b, false);
                    }
                    None => {
                        dom::set_hidden(b, true);
                        item.at = None;
                    }
                }
            }
            if self.open == Some(i) {
                match visible {
                    Some(r) => {
                        let placed = geometry::place(
                            r,
                            reads.bubble,
                            viewport,
                            item.view.placement,
                            &tip_options(rtl),
                        );
                        let at = (dom::px(placed.x), dom::px(placed.y));
                        if self.at != Some(at) {
                            dom::style(&self.bubble, "transform", &dom::translate(at.0, at.1));
                            self.at = Some(at);
                        }
                        dom::toggle_class(&self.bubble, "placed", true);
                    }
                    None => close = true,
                }
            }
        }
        if close {
            self.close();
        }
    }
}

/// A tip bubble's placement; `rtl`: the page reads right to left.
fn tip_options(rtl: bool) -> PlaceOptions {
    PlaceOptions {
        gap: 10.0,
        arrow_size: 0.0,
        rtl,
        ..PlaceOptions::default()
    }
}
