//! The step popover: a dialog with the step's title, body, "2 of 6", Back / Next /
//! Done, Close and an arrow pointing at the target.
//!
//! Owns the popover's DOM (built once, refilled per step) and writing where the
//! core's geometry put it. It does not decide where that is, nor what a button
//! does: buttons post [`TourMsg`]s, which [`crate::tour`] answers. Its accessible
//! name is the title and the step count, its description the body.

use waymark::engine::StepView;
use waymark::geometry::{Placed, Side, Size};
use web_sys::{Element, HtmlElement};

use crate::i18n::{self, Words};
use crate::msg::{post, Msg, TourMsg};
use crate::{dom, markup};

pub struct Popover {
    pub el: HtmlElement,
    arrow: HtmlElement,
    count: HtmlElement,
    title: HtmlElement,
    body: HtmlElement,
    note: HtmlElement,
    close: HtmlElement,
    back: HtmlElement,
    show_me: HtmlElement,
    next: HtmlElement,
    stuck: HtmlElement,
    /// Last position written, so an unchanged frame writes nothing.
    at: Option<Written>,
}

/// The popover's elements (see [`dom::build`]), in the order [`Popover::new`] takes
/// them. Guide text (count, title, body, note) keeps its own direction inside a
/// mirrored layout (`dir=auto`).
const SKELETON: &str = "
div.pop|role=dialog|tabindex=-1|aria-labelledby=wm-title wm-count|aria-describedby=wm-body|hidden
 div.arrow
 div.scroll
  div.head
   div.head-text
    p.count|id=wm-count|dir=auto
    h2.title|id=wm-title|dir=auto
   button.close|type=button
  div.body|id=wm-body|dir=auto
  p.note|role=status|hidden|dir=auto
  div.foot
   button.stuck|type=button
   button.btn back|type=button
   button.btn show-me|type=button
   button.btn primary next|type=button
";

/// Where the popover and its arrow were put: x, y and the arrow's side and offset.
type Written = (i32, i32, Option<(Side, i32)>);

fn on_click(el: &Element, msg: TourMsg) {
    dom::listen(el, "click", false, false, move |_| post(Msg::Tour(msg)));
}

impl Popover {
    pub fn new(layer: &Element) -> Option<Popover> {
        let [el, arrow, _, _, _, count, title, close, body, note, _, stuck, back, show_me, next] =
            <[HtmlElement; 15]>::try_from(dom::build(layer, SKELETON)?).ok()?;
        on_click(&close, TourMsg::Close);
        on_click(&back, TourMsg::Back);
        on_click(&show_me, TourMsg::ShowMe);
        on_click(&next, TourMsg::Next);
        dom::listen(&stuck, "click", false, false, |_| post(Msg::Stuck));
        Some(Popover {
            el,
            arrow,
            count,
            title,
            body,
            note,
            close,
            back,
            show_me,
            next,
            stuck,
            at: None,
        })
    }

    /// Fills the popover for a step. It stays invisible until [`Popover::place`].
    pub fn render(&mut self, view: &StepView, words: &Words, modal: bool) {
        self.count
            .set_text_content(Some(&i18n::count(words.of, view.step + 1, view.total)));
        self.title.set_text_content(Some(&view.title));
        markup::render(&self.body, &view.body);
        self.set_note(None);
        dom::attr(&self.close, "aria-label", words.close_tour);
        self.back.set_text_content(Some(words.back));
        dom::set_hidden(&self.back, !view.can_back);
        self.show_me.set_text_content(Some(words.show_me));
        dom::set_hidden(&self.show_me, !waymark::presentation::offers_show_me(view));
        let label = if view.is_last { words.done } else { words.next };
        self.next.set_text_content(Some(label));
        dom::set_hidden(&self.next, !view.can_next);
        self.stuck.set_text_content(Some(words.i_am_stuck));
        dom::attr(&self.el, "aria-modal", if modal { "true" } else { "false" });
        dom::attr(&self.el, "data-step", &view.step_id);
        dom::toggle_class(&self.el, "placed", false);
        dom::set_hidden(&self.el, false);
        self.at = None;
    }

    /// Shows or clears the line under the body (e.g. "this part is not showing").
    pub fn set_note(&self, text: Option<&str>) {
        self.note.set_text_content(text);
        dom::set_hidden(&self.note, text.is_none());
    }

    pub fn hide(&mut self) {
        dom::set_hidden(&self.el, true);
        dom::toggle_class(&self.el, "placed", false);
        self.at = None;
    }

    /// Whether the popover has been positioned (and so painted) for this step.
    pub fn is_placed(&self) -> bool {
        self.at.is_some()
    }

    pub fn is_shown(&self) -> bool {
        !self.el.has_attribute("hidden")
    }

    /// The popover's size (read pass).
    pub fn size(&self) -> Size {
        Size::new(
            f64::from(self.el.offset_width()),
            f64::from(self.el.offset_height()),
        )
    }

    /// Moves the popover and its arrow where the geometry says (write pass).
    pub fn place(&mut self, placed: &Placed) {
        let arrow = placed
            .arrow
            .map(|a| (a.side, dom::px(a.offset - ARROW_HALF)));
        let at = (dom::px(placed.x), dom::px(placed.y), arrow);
        if self.at == Some(at) {
            return;
        }
        self.at = Some(at);
        dom::style(&self.el, "transform", &dom::translate(at.0, at.1));
        write_arrow(&self.arrow, arrow);
        dom::toggle_class(&self.el, "placed", true);
    }

    /// Controls a keyboard user can reach, in tab order.
    pub fn controls(&self) -> Vec<Element> {
        let mut out: Vec<Element> = vec![self.close.clone().into()];
        if let Ok(links) = self.body.query_selector_all("a[href]") {
            for i in 0..links.length() {
                if let Some(e) = links
                    .item(i)
                    .and_then(|n| wasm_bindgen::JsCast::dyn_into(n).ok())
                {
                    out.push(e);
                }
            }
        }
        for b in [&self.stuck, &self.back, &self.show_me, &self.next] {
            if !b.has_attribute("hidden") {
                out.push(b.clone().into());
            }
        }
        out
    }

    /// Whether the button for `msg` is offered on this step.
    pub fn can(&self, msg: TourMsg) -> bool {
        let b = match msg {
            TourMsg::Next => &self.next,
            TourMsg::Back => &self.back,
            TourMsg::ShowMe => &self.show_me,
            _ => return false,
        };
        !b.has_attribute("hidden")
    }

    /// The button Enter stands for: Next (or Done), else Show me.
    pub fn primary(&self) -> Option<TourMsg> {
        if !self.next.has_attribute("hidden") {
            Some(TourMsg::Next)
        } else if !self.show_me.has_attribute("hidden") {
            Some(TourMsg::ShowMe)
        } else {
            None
        }
    }

    /// Where focus goes when the popover opens: the primary button, else the dialog.
    pub fn focus_target(&self) -> Element {
        if !self.next.has_attribute("hidden") {
            self.next.clone().into()
        } else {
            self.el.clone().into()
        }
    }

    /// A little shake: the user clicked the dimmed page.
    pub fn nudge(&self) {
        dom::toggle_class(&self.el, "nudge", false);
        // Reading layout restarts the animation.
        let _ = self.el.offset_width();
        dom::toggle_class(&self.el, "nudge", true);
    }
}

/// Half the arrow square's side: it straddles the popover's edge.
const ARROW_HALF: f64 = 4.5;

/// Puts the arrow on `side` of the popover, `along` px from its start edge.
fn write_arrow(arrow: &HtmlElement, a: Option<(Side, i32)>) {
    let Some((side, along)) = a else {
        dom::set_hidden(arrow, true);
        return;
    };
    dom::set_hidden(arrow, false);
    let along = [&dom::int(along.into()), "px"].concat();
    let edge = "-4.5px".to_owned();
    let far = "calc(100% - 4.5px)".to_owned();
    let (left, top) = match side {
        Side::Top => (along, edge),
        Side::Bottom => (along, far),
        Side::Left => (edge, along),
        Side::Right => (far, along),
    };
    dom::style(arrow, "left", &left);
    dom::style(arrow, "top", &top);
}
