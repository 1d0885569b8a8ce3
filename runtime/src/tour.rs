//! The tour on screen: a step shown or hidden, its element found, and what the
//! popover's controls ask for.
//!
//! Owns the step popover and the overlay, the step shown, the element awaited, and
//! the decisions a step's arrival makes for the page: which element it points at,
//! whether the page becomes inert (a step only the popover answers), where keyboard
//! focus goes (into the popover, or left where the user is typing, with the step
//! announced instead), giving focus back when the tour ends, Tab between the
//! popover and the target, and counting the step's error-selector matches. The
//! engine decides which step it is; the frame loop ([`crate::layout`]) asks this part for its reads
//! and writes in each frame.

use wasm_bindgen::JsCast;
use waymark::engine::{AdvanceKind, Input, StepView};
use waymark::geometry::{Placed, Placement, Rect, Size, Spotlight};
use waymark::guide::Target;
use waymark::presentation::ErrorWatch;
use web_sys::Element;

use crate::context::Ctx;
use crate::msg::TourMsg;
use crate::overlay::Overlay;
use crate::popover::Popover;
use crate::targets::{self, Found, Lookup, Measured};
use crate::{a11y, dom, i18n, interaction, layer};

/// The step on screen.
struct Shown {
    view: StepView,
    found: Option<Found>,
    /// Only the popover (and the target) may be used: the page is inert.
    modal: bool,
}

/// What a frame measured of the shown step.
pub struct StepReads {
    /// The target, when it is on the page.
    pub target: Option<Measured>,
    pub size: Size,
    pub placement: Placement,
    /// Whether focus is in the target.
    pub focused: bool,
}

pub struct Tour {
    popover: Popover,
    overlay: Overlay,
    step: Option<Shown>,
    /// The step whose target is awaited, and what it was found as.
    waiting: Option<(usize, Target)>,
    found: Option<(usize, Found)>,
    watching: Option<(usize, String)>,
    focus_pending: bool,
    scroll_pending: bool,
    /// Make the page inert once the popover has been painted (modal steps).
    inert_pending: bool,
    raised_over: Option<Element>,
    /// Matches of the step's error selector already on the page.
    errors: ErrorWatch,
}

impl Tour {
    pub fn new(popover: Popover, overlay: Overlay) -> Tour {
        Tour {
            popover,
            overlay,
            step: None,
            waiting: None,
            found: None,
            watching: None,
            focus_pending: false,
            scroll_pending: false,
            inert_pending: false,
            raised_over: None,
            errors: ErrorWatch::new(),
        }
    }

    /// The overlay's dimmed part (a click there is [`TourMsg::Blocked`]).
    pub fn dim_element(&self) -> &Element {
        self.overlay.dim_element()
    }

    // Out of line: not on the first step's path, so V8 compiles it only when
    // it is first called (it compiles wasm lazily, function by function).
    #[inline(never)]
    pub fn update(&mut self, msg: TourMsg, ctx: &mut Ctx) {
        match msg {
            TourMsg::Next => ctx.later(Input::Next),
            TourMsg::Back => ctx.later(Input::Back),
            TourMsg::Close => ctx.later(Input::Dismiss),
            TourMsg::ShowMe => {
                if let Some(f) = self.step.as_ref().and_then(|s| s.found.clone()) {
                    scroll_into_view(&f);
                    if let Some(e) = f.focusable() {
                        dom::focus(&e);
                    }
                }
            }
            TourMsg::Blocked => self.popover.nudge(),
        }
    }

    /// Shows a step; `fallback` is where focus goes back to when the tour ends if
    /// it was nowhere in the page.
    pub fn show_step(&mut self, view: StepView, fallback: Option<Element>, ctx: &mut Ctx) {
        if self.step.is_none() {
            ctx.a11y.save_focus(&ctx.layer.host, fallback);
        }
        let working = a11y::focus_in_page(&ctx.layer.host);
        self.waiting = None;
        let found = match (&view.target, self.found.take()) {
            (None, _) => None,
            (Some(_), Some((step, f))) if step == view.step && f.is_live() => Some(f),
            (Some(t), _) => match targets::find(t) {
                Lookup::Found(f) => Some(f),
                Lookup::Missing(_) => None,
            },
        };
        let modal = waymark::presentation::is_modal(&view);
        ctx.rtl = layer::page_is_rtl();
        ctx.layer.set_direction(ctx.rtl, &ctx.cfg.locale);
        self.popover.render(&view, ctx.words, modal);
        self.overlay.show(!view.allow_interaction);
        if let Some(f) = &found {
            ctx.watch.follow(&f.roots);
            interaction::follow_documents(&f.roots);
            // Scrolled in the next frame: the event that brought this step in (a
            // keystroke) may still make the browser scroll to its own field.
            self.scroll_pending = true;
        }
        // The rest of the page becomes inert in the frame after the popover is
        // painted: on a big page that style change costs more than drawing the step.
        ctx.a11y.release();
        self.inert_pending = modal;
        // Someone typing in the page keeps their focus on action steps; the step
        // is announced instead. Otherwise focus goes into the popover once placed.
        if working && !modal {
            ctx.a11y.announce(
                &[
                    &i18n::count(ctx.words.of, view.step + 1, view.total),
                    ". ",
                    &view.title,
                    ". ",
                    &waymark::markup::to_plain_text(&waymark::markup::parse(&view.body)),
                ]
                .concat(),
            );
        } else {
            self.focus_pending = true;
        }
        self.step = Some(Shown { view, found, modal });
        self.reset_errors();
        ctx.changed = true;
        ctx.request_frame();
    }

    /// Hides the step; true when the tour is over (no step shown or awaited).
    pub fn hide_step(&mut self, ctx: &mut Ctx) -> bool {
        self.waiting = None;
        self.watching = None;
        self.found = None;
        self.focus_pending = false;
        self.scroll_pending = false;
        self.inert_pending = false;
        let was_shown = self.step.take().is_some();
        self.popover.hide();
        self.overlay.hide();
        ctx.a11y.release();
        let ended = !ctx.running();
        if was_shown && ended {
            ctx.a11y.restore_focus(&ctx.layer.host);
            ctx.a11y.announce(ctx.words.tour_ended);
        }
        ended
    }

    /// `WaitFor`: the step shown so far is over; the next shows when its target does.
    pub fn wait_for(&mut self, step: usize, target: Target, ctx: &mut Ctx) {
        self.waiting = Some((step, target));
        self.found = None;
        self.look_for_target(ctx);
    }

    /// `WatchVisible`: the step goes on once an element shows.
    pub fn watch_visible(&mut self, step: usize, selector: String, ctx: &mut Ctx) {
        self.watching = Some((step, selector));
        self.look_for_visible(ctx);
    }

    pub fn is_shown(&self) -> bool {
        self.step.is_some()
    }

    /// A lost target on a shown step is explained in the popover.
    pub fn note_missing(&self, words: &crate::i18n::Words) {
        self.popover.set_note(Some(words.not_found));
    }

    /// Looks for the awaited target; found, it answers the engine.
    fn look_for_target(&mut self, ctx: &mut Ctx) {
        let Some((step, target)) = &self.waiting else {
            return;
        };
        let step = *step;
        match targets::find(target) {
            Lookup::Found(f) => {
                ctx.watch.follow(&f.roots);
                self.found = Some((step, f));
                self.waiting = None;
                ctx.later(Input::TargetFound { step });
            }
            Lookup::Missing(roots) => roots.iter().for_each(|r| ctx.watch.observe(r)),
        }
    }

    fn look_for_visible(&mut self, ctx: &mut Ctx) {
        let Some((step, selector)) = &self.watching else {
            return;
        };
        let step = *step;
        match targets::find_selector(selector) {
            Lookup::Found(_) => {
                self.watching = None;
                ctx.later(Input::ElementVisible { step });
            }
            Lookup::Missing(roots) => roots.iter().for_each(|r| ctx.watch.observe(r)),
        }
    }

    /// After the DOM changed: awaited elements looked for, a lost target found
    /// again, new error matches reported, and ours raised over the page's top layer.
    pub fn after_change(&mut self, ctx: &mut Ctx) {
        self.look_for_target(ctx);
        self.look_for_visible(ctx);
        self.refind_step_target(ctx);
        self.check_errors(ctx);
    }

    /// A shown step whose element was re-rendered (or never came) is looked up again.
    fn refind_step_target(&mut self, ctx: &mut Ctx) {
        let Some(s) = &mut self.step else { return };
        let Some(target) = &s.view.target else { return };
        if s.found.as_ref().is_some_and(Found::is_live) {
            return;
        }
        match targets::find(target) {
            Lookup::Found(f) => {
                ctx.watch.follow(&f.roots);
                interaction::follow_documents(&f.roots);
                s.found = Some(f);
            }
            Lookup::Missing(roots) => {
                s.found = None;
                roots.iter().for_each(|r| ctx.watch.observe(r));
            }
        }
    }

    /// A target inside a dialog or popover of the page's own, shown in the top
    /// layer after ours, needs ours raised above it again.
    pub fn raise_over_target(&mut self, ctx: &Ctx) {
        let holder = self
            .target()
            .map(light_anchor)
            .and_then(|a| a.closest("dialog[open], :popover-open").ok().flatten());
        if holder.is_some() && holder != self.raised_over {
            ctx.layer.raise();
        }
        self.raised_over = holder;
    }

    /// The elements whose size changes call for a frame: the popover and the target.
    pub fn sized(&self) -> Vec<Element> {
        let mut sized: Vec<Element> = vec![self.popover.el.clone().into()];
        if let Some(f) = self.target() {
            sized.push(f.el.clone());
        }
        sized
    }

    /// The shown step's element, when found.
    fn target(&self) -> Option<&Found> {
        self.step.as_ref().and_then(|s| s.found.as_ref())
    }

    /// The modal page goes inert at the end of this frame, once the popover was
    /// placed (and painted) in an earlier one.
    pub fn inert_due(&self) -> bool {
        self.inert_pending && self.popover.is_placed()
    }

    /// Scrolls the target into view if the step just arrived.
    pub fn scroll_if_pending(&mut self) {
        if std::mem::take(&mut self.scroll_pending) {
            if let Some(f) = self.target() {
                scroll_into_view(f);
            }
        }
    }

    /// Read pass: the target's box, the popover's size, where it goes.
    pub fn read(&self) -> Option<StepReads> {
        self.step.as_ref().map(|s| {
            let live = s.found.as_ref().filter(|f| f.is_live());
            let focused = live.is_some_and(|f| {
                a11y::deep_active_element().is_some_and(|a| dom::contains_composed(&f.el, &a))
            });
            StepReads {
                target: live.map(Found::measure),
                size: self.popover.size(),
                placement: s.view.placement,
                focused,
            }
        })
    }

    /// Write pass: the overlay's spotlight, the popover where the geometry put it,
    /// and focus into the popover once it is placed.
    pub fn write(
        &mut self,
        vp: Rect,
        spot: Option<Spotlight>,
        placed: &Placed,
        focused: bool,
        ctx: &mut Ctx,
    ) {
        self.overlay.draw(vp, spot, focused);
        self.popover.place(placed);
        if self.inert_pending {
            ctx.request_frame();
        }
        if std::mem::take(&mut self.focus_pending) {
            dom::focus_quiet(&self.popover.focus_target());
        }
    }

    /// Makes the page inert but for Waymark and the target.
    pub fn make_inert(&mut self, ctx: &mut Ctx) {
        self.inert_pending = false;
        let mut keep = vec![ctx.layer.host.clone()];
        keep.extend(self.target().map(light_anchor));
        ctx.a11y.make_inert(&keep);
    }

    /// A click outside Waymark while a step shows.
    pub fn clicked(&self, path: &[Element]) -> Option<Input> {
        let s = self.step.as_ref()?;
        let on_target = s.found.as_ref().is_some_and(|f| f.in_path(path));
        Some(Input::Clicked { on_target })
    }

    /// Typing in the page: the value, when an input step waits for it there.
    pub fn typed(&self, path: &[Element], ctx: &mut Ctx) {
        let Some(s) = &self.step else { return };
        if s.view.advance != AdvanceKind::Input
            || !s.found.as_ref().is_some_and(|f| f.in_path(path))
        {
            return;
        }
        if let Some(value) = interaction::typed_value(path) {
            ctx.later(Input::InputChanged { value });
        }
    }

    /// Whether the event's path is in the shown popover.
    pub fn in_popover(&self, path: &[Element]) -> bool {
        let pop: Element = self.popover.el.clone().into();
        self.popover.is_shown() && path.contains(&pop)
    }

    pub fn is_popover(&self, e: Option<&Element>) -> bool {
        e.is_some_and(|e| *e == Element::from(self.popover.el.clone()))
    }

    pub fn on_target(&self, path: &[Element]) -> bool {
        self.target().is_some_and(|f| f.in_path(path))
    }

    pub fn is_modal(&self) -> bool {
        self.step.as_ref().is_some_and(|s| s.modal)
    }

    /// Where focus goes back to from a closed panel: the popover, while shown.
    pub fn focus_back(&self) -> Option<Element> {
        self.popover.is_shown().then(|| self.popover.focus_target())
    }

    /// An arrow key in the popover: the next or previous step, if offered.
    pub fn arrow(&mut self, forward: bool, ctx: &mut Ctx) -> bool {
        let msg = if forward {
            TourMsg::Next
        } else {
            TourMsg::Back
        };
        self.popover.can(msg) && {
            self.update(msg, ctx);
            true
        }
    }

    /// Enter on the popover itself: its main button.
    pub fn enter(&mut self, ctx: &mut Ctx) -> bool {
        match self.popover.primary() {
            Some(msg) => {
                self.update(msg, ctx);
                true
            }
            None => false,
        }
    }

    /// Tab and Shift+Tab as if the popover stood just before the target.
    pub fn tab(&self, back: bool, in_pop: bool, on_target: bool, origin: Option<&Element>) -> bool {
        let controls = self.popover.controls();
        let target = self.target().and_then(|f| f.focusable());
        let modal = self.is_modal();
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

    /// The field of the shown step `step_id`, for a ticket's captured fields.
    pub fn field_of(&self, step_id: &str) -> Option<Element> {
        let s = self.step.as_ref().filter(|s| s.view.step_id == step_id)?;
        s.found.as_ref().map(|f| f.el.clone())
    }

    /// After the DOM changed: a new match of the step's error selector is a sign
    /// the user is stuck.
    fn check_errors(&mut self, ctx: &mut Ctx) {
        if self.errors.observe(self.count_errors()) {
            ctx.later(Input::ErrorShown);
        }
    }

    /// Visible matches of the shown step's error selector; `None` without one.
    fn count_errors(&self) -> Option<u32> {
        let s = self.step.as_ref()?;
        s.view.error_selector.as_deref().map(count_visible)
    }

    /// A step arrived: errors already on the page are not news.
    fn reset_errors(&mut self) {
        self.errors.reset(self.count_errors());
    }
}

/// Scrolls the target into view (its scrolling containers too) unless all of it
/// shows already. Smooth, unless the user prefers reduced motion.
pub fn scroll_into_view(f: &Found) {
    let m = f.measure();
    let vp = dom::viewport();
    let whole = m
        .visible
        .is_some_and(|v| v.width >= m.full.width - 1.0 && v.height >= m.full.height - 1.0);
    if whole && vp.contains(&m.full) {
        return;
    }
    let tall = m.full.height > vp.height * 0.7;
    let opts = dom::options(match (tall, dom::reduced_motion()) {
        (true, true) => r#"{"block":"start","inline":"nearest","behavior":"instant"}"#,
        (true, false) => r#"{"block":"start","inline":"nearest","behavior":"smooth"}"#,
        (false, true) => r#"{"block":"center","inline":"nearest","behavior":"instant"}"#,
        (false, false) => r#"{"block":"center","inline":"nearest","behavior":"smooth"}"#,
    });
    f.el.scroll_into_view_with_scroll_into_view_options(opts.unchecked_ref());
}

/// The element of the main document's light tree that holds the target: the
/// target itself, its outermost iframe, or its outermost shadow host.
pub fn light_anchor(f: &Found) -> Element {
    let mut e = f.frames.first().cloned().unwrap_or_else(|| f.el.clone());
    for _ in 0..32 {
        match dom::as_shadow_root(&e.get_root_node()) {
            Some(s) => e = s.host(),
            None => break,
        }
    }
    e
}

/// Elements matching `selector` that take up space on the page.
fn count_visible(selector: &str) -> u32 {
    let Some(list) = dom::document().and_then(|d| d.query_selector_all(selector).ok()) else {
        return 0;
    };
    let mut n = 0;
    for i in 0..list.length() {
        if let Some(e) = list.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
            if e.get_client_rects().length() > 0 {
                n += 1;
            }
        }
    }
    n
}
