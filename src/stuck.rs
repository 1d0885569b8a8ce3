//! Stuck detection: the signals that a user on a step needs help, and when to say so.
//!
//! Owns the signals of DESIGN.md (dwell past the step's limit, clicks that do not
//! advance, the target never appearing, an error element appearing, going back and
//! forth, the "I'm stuck" button), their thresholds, and the debounce: help is offered
//! at most once per step unless the user asks. It is fed times and facts by the engine
//! and keeps no clock of its own.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use crate::Millis;

/// A sign that the user on a step needs help.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StuckSignal {
    /// Longer on a step than its limit.
    Dwell,
    /// Several clicks in a short time that did not move the tour on.
    RageClicks,
    /// The step's target never appeared.
    TargetMissing,
    /// An element matching the guide's error selector appeared.
    ErrorShown,
    /// Back and Next over the same steps, again and again.
    BackAndForth,
    /// The user pressed "I'm stuck".
    UserAsked,
}

impl StuckSignal {
    /// The wire name (`"rage_clicks"`), as serde writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            StuckSignal::Dwell => "dwell",
            StuckSignal::RageClicks => "rage_clicks",
            StuckSignal::TargetMissing => "target_missing",
            StuckSignal::ErrorShown => "error_shown",
            StuckSignal::BackAndForth => "back_and_forth",
            StuckSignal::UserAsked => "user_asked",
        }
    }
}

/// Thresholds. The global defaults are overridden per guide and then per step by
/// [`Thresholds::with_dwell`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Thresholds {
    /// Seconds on one step; `None` turns dwell detection off.
    pub dwell_s: Option<u32>,
    /// Clicks that do not advance, within `rage_window_ms`.
    pub rage_clicks: u32,
    /// The window `rage_clicks` are counted in, in milliseconds.
    pub rage_window_ms: u32,
    /// Back presses within `back_window_ms`.
    pub back_and_forth: u32,
    /// The window `back_and_forth` presses are counted in, in milliseconds.
    pub back_window_ms: u32,
}

impl Default for Thresholds {
    fn default() -> Thresholds {
        Thresholds {
            dwell_s: None,
            rage_clicks: 4,
            rage_window_ms: 3000,
            back_and_forth: 3,
            back_window_ms: 60_000,
        }
    }
}

impl Thresholds {
    /// These thresholds with a more specific dwell limit applied.
    pub fn with_dwell(mut self, dwell_s: Option<u32>) -> Thresholds {
        if dwell_s.is_some() {
            self.dwell_s = dwell_s;
        }
        self
    }
}

/// Watches one run. Reset at every step with [`StuckDetector::enter_step`].
#[derive(Clone, Debug, Default)]
pub struct StuckDetector {
    limits: Thresholds,
    entered_at: Millis,
    clicks: Burst,
    backs: Burst,
    offered: bool,
}

impl StuckDetector {
    /// A detector with these thresholds; [`StuckDetector::enter_step`] starts each step.
    pub fn new(limits: Thresholds) -> StuckDetector {
        StuckDetector {
            limits,
            ..StuckDetector::default()
        }
    }

    /// A new step is current: dwell restarts and help may be offered again. Back
    /// presses are remembered across steps, since going back and forth spans them.
    pub fn enter_step(&mut self, now: Millis, limits: Thresholds) {
        self.limits = limits;
        self.entered_at = now;
        self.clicks = Burst::default();
        self.offered = false;
    }

    /// When dwell would fire, if it can still fire; the host asks to be woken then.
    pub fn dwell_deadline(&self) -> Option<Millis> {
        let s = self.limits.dwell_s?;
        (!self.offered).then_some(self.entered_at + u64::from(s) * 1000)
    }

    /// Time passes.
    pub fn tick(&mut self, now: Millis) -> Option<StuckSignal> {
        let due = self.dwell_deadline().is_some_and(|at| now >= at);
        self.fire(due, StuckSignal::Dwell)
    }

    /// A click that did not move the tour on.
    pub fn idle_click(&mut self, now: Millis) -> Option<StuckSignal> {
        let limits = self.limits;
        let due = self
            .clicks
            .record(now, limits.rage_clicks, limits.rage_window_ms);
        self.fire(due, StuckSignal::RageClicks)
    }

    /// The user went back a step.
    pub fn went_back(&mut self, now: Millis) -> Option<StuckSignal> {
        let limits = self.limits;
        let due = self
            .backs
            .record(now, limits.back_and_forth, limits.back_window_ms);
        self.fire(due, StuckSignal::BackAndForth)
    }

    /// The step's target never appeared: the signal, unless help was already offered on this step.
    pub fn target_missing(&mut self) -> Option<StuckSignal> {
        self.fire(true, StuckSignal::TargetMissing)
    }

    /// An error element appeared: the signal, unless help was already offered on this step.
    pub fn error_shown(&mut self) -> Option<StuckSignal> {
        self.fire(true, StuckSignal::ErrorShown)
    }

    /// Asking always gets an answer, even when help was already offered on this step.
    pub fn asked(&mut self) -> StuckSignal {
        self.offered = true;
        StuckSignal::UserAsked
    }

    /// Whether help was offered on the current step.
    pub fn offered(&self) -> bool {
        self.offered
    }

    fn fire(&mut self, due: bool, signal: StuckSignal) -> Option<StuckSignal> {
        if !due || self.offered {
            return None;
        }
        self.offered = true;
        Some(signal)
    }
}

/// Times of one kind of event inside a sliding window: rage clicks and back presses.
#[derive(Clone, Debug, Default)]
struct Burst {
    times: VecDeque<Millis>,
}

impl Burst {
    /// Records one at `now`. True when `count` of them (0: never) fall within
    /// `window_ms` of it; the count then starts again.
    fn record(&mut self, now: Millis, count: u32, window_ms: u32) -> bool {
        let window = u64::from(window_ms);
        self.times.push_back(now);
        while self
            .times
            .front()
            .is_some_and(|&t| now.saturating_sub(t) > window)
        {
            self.times.pop_front();
        }
        let due = count > 0 && self.times.len() >= count as usize;
        if due {
            self.times.clear();
        }
        due
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detector(dwell: Option<u32>) -> StuckDetector {
        let limits = Thresholds::default().with_dwell(dwell);
        let mut d = StuckDetector::new(limits);
        d.enter_step(1_000, limits);
        d
    }

    #[test]
    fn dwell_fires_once_at_the_limit() {
        let mut d = detector(Some(30));
        assert_eq!(d.dwell_deadline(), Some(31_000));
        assert_eq!(d.tick(30_999), None);
        assert_eq!(d.tick(31_000), Some(StuckSignal::Dwell));
        assert_eq!(d.tick(99_000), None);
        assert_eq!(d.dwell_deadline(), None, "no wake-up needed once offered");
    }

    #[test]
    fn no_dwell_limit_means_no_dwell_signal() {
        let mut d = detector(None);
        assert_eq!(d.tick(u64::MAX), None);
    }

    #[test]
    fn a_step_limit_overrides_the_guide_limit_only_when_set() {
        let guide = Thresholds::default().with_dwell(Some(90));
        assert_eq!(guide.with_dwell(Some(20)).dwell_s, Some(20));
        assert_eq!(guide.with_dwell(None).dwell_s, Some(90));
    }

    #[test]
    fn rage_clicks_need_enough_clicks_inside_the_window() {
        let mut d = detector(None);
        for t in [0, 1000, 2000] {
            assert_eq!(d.idle_click(10_000 + t), None);
        }
        assert_eq!(
            d.idle_click(20_000),
            None,
            "the old clicks fell out of the window"
        );
        let mut d = detector(None);
        let fired: Vec<_> = (0..4).map(|i| d.idle_click(10_000 + i * 500)).collect();
        assert_eq!(fired, [None, None, None, Some(StuckSignal::RageClicks)]);
    }

    #[test]
    fn going_back_and_forth_fires_across_steps() {
        let mut d = detector(None);
        let limits = Thresholds::default();
        assert_eq!(d.went_back(1_000), None);
        d.enter_step(2_000, limits);
        assert_eq!(d.went_back(5_000), None);
        d.enter_step(6_000, limits);
        assert_eq!(d.went_back(9_000), Some(StuckSignal::BackAndForth));
    }

    #[test]
    fn help_is_offered_once_per_step_unless_asked() {
        let mut d = detector(Some(10));
        assert_eq!(d.error_shown(), Some(StuckSignal::ErrorShown));
        assert_eq!(d.target_missing(), None);
        assert_eq!(d.tick(60_000), None);
        assert_eq!(d.asked(), StuckSignal::UserAsked);
        d.enter_step(70_000, Thresholds::default());
        assert_eq!(
            d.target_missing(),
            Some(StuckSignal::TargetMissing),
            "a new step may be offered help again"
        );
    }
}
