//! How a shown step behaves on the page: the rules the runtime applies to the
//! engine's [`StepView`]s and [`Effect::OfferHelp`](crate::engine::Effect::OfferHelp)s.
//!
//! Owns three decisions the runtime used to make itself: whether a step is modal
//! (the rest of the page inert, focus in the popover) and offers "Show me", where an
//! offer of help appears (a note in the popover for a target lost on a shown step,
//! else the help panel), and when an error message in the host page is news
//! ([`ErrorWatch`], fed counts of matching elements). It reads no DOM: the runtime
//! counts, asks, and draws what it is told.
//!
//! These are candidates to move into the engine's views (a `modal` and `show_me` on
//! [`StepView`], the note as its own effect, error counts as an input); until then
//! the runtime calls them where it used to decide.

use serde::{Deserialize, Serialize};

use crate::engine::{AdvanceKind, StepView};
use crate::stuck::StuckSignal;

/// Whether the step is modal: only its popover answers (it moves on by Next and
/// does not let the user work in the page), so the rest of the page is made inert,
/// the popover is an `aria-modal` dialog and focus moves into it.
pub fn is_modal(view: &StepView) -> bool {
    view.advance == AdvanceKind::Next && !view.allow_interaction
}

/// Whether the popover offers "Show me" (scroll to and light the target again): the
/// step has a target and waits for something done to it, not for Next.
pub fn offers_show_me(view: &StepView) -> bool {
    view.target.is_some() && view.advance != AdvanceKind::Next
}

/// Where an offer of help appears.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OfferPlace {
    /// A line in the shown step's popover ("this part is not showing"), which
    /// already lets the user go on.
    PopoverNote,
    /// The help panel, with its ways on.
    Panel,
}

/// Where help offered for `reason` appears: a target lost while its step is shown
/// (`step_shown`) is explained in the popover; every other offer opens the panel.
pub fn offer_place(reason: StuckSignal, step_shown: bool) -> OfferPlace {
    if reason == StuckSignal::TargetMissing && step_shown {
        OfferPlace::PopoverNote
    } else {
        OfferPlace::Panel
    }
}

/// Error messages of the host app seen while a step is shown: a new one is a sign
/// the user is stuck (feed [`Input::ErrorShown`](crate::engine::Input::ErrorShown)),
/// one already on the page when the step arrived is not.
///
/// The runtime counts the visible elements that match the step's
/// [`StepView::error_selector`] and passes the count in; `None` means the step has
/// no error selector (or no step is shown).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorWatch {
    /// Matching elements at the last count.
    seen: u32,
}

impl ErrorWatch {
    /// A watch that has seen nothing.
    pub fn new() -> ErrorWatch {
        ErrorWatch::default()
    }

    /// A step arrived: the errors on the page now are not news.
    pub fn reset(&mut self, count: Option<u32>) {
        self.seen = count.unwrap_or(0);
    }

    /// After the page changed: whether an error appeared since the last count (more
    /// matches than before). Errors going away are remembered too, so one that
    /// comes back is news again.
    pub fn observe(&mut self, count: Option<u32>) -> bool {
        let Some(now) = count else {
            self.seen = 0;
            return false;
        };
        let news = now > self.seen;
        self.seen = now;
        news
    }

    /// Matching elements at the last count.
    pub fn seen(&self) -> u32 {
        self.seen
    }
}
