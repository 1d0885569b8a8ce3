//! The engine's host on a fake clock, as the runtime is in a page.
//!
//! It feeds inputs at the clock's time, keeps every effect, and honours
//! [`Effect::WakeAt`] by itself: when the clock moves on ([`Sim::advance`],
//! [`Sim::at`]) or the test waits for quiet ([`Sim::run_until_idle`]), it jumps to each
//! requested wake-up in turn and sends [`Input::Tick`] there, as quinn's test pair
//! drives its connections to their next timeout. Tests never send `Tick` themselves,
//! so a rule that fires only on time passes only if the engine asked to be woken.

use std::collections::BTreeSet;

use waymark::engine::{Context, Effect, Engine, Input};
use waymark::events::EventKind;
use waymark::guide::Guide;
use waymark::progress::Progress;
use waymark::Millis;

/// Where every simulated page session starts on the clock.
pub const START: Millis = 1_000;

/// More wake-ups than this in one move of the clock: the engine never settles.
const MAX_WAKES: usize = 1_000;

pub struct Sim {
    pub engine: Engine,
    now: Millis,
    /// Every effect so far, in order.
    pub log: Vec<Effect>,
    /// Requested wake-ups not yet delivered, earliest first.
    wakes: BTreeSet<Millis>,
    /// Act as an engine that never emits `WakeAt` (see [`Sim::forgetting_wake_ups`]).
    drop_wakes: bool,
}

impl Sim {
    /// An engine over `guides` with saved `progress`, in session `s1`, at [`START`].
    pub fn new(guides: Vec<Guide>, progress: Vec<Progress>) -> Sim {
        Sim::with_context(
            guides,
            Context {
                session: "s1".into(),
                progress,
                ..Context::default()
            },
        )
    }

    pub fn with_context(guides: Vec<Guide>, ctx: Context) -> Sim {
        Sim {
            engine: Engine::new(guides, ctx),
            now: START,
            log: Vec::new(),
            wakes: BTreeSet::new(),
            drop_wakes: false,
        }
    }

    /// The same simulator around an engine that forgot to emit `WakeAt`: its wake-ups
    /// are lost before the host sees them. Tests use it to show that a timed rule
    /// depends on the engine asking to be woken.
    pub fn forgetting_wake_ups(mut self) -> Sim {
        self.drop_wakes = true;
        self
    }

    pub fn now(&self) -> Millis {
        self.now
    }

    /// The wake-ups requested and not yet delivered.
    pub fn pending_wakes(&self) -> Vec<Millis> {
        self.wakes.iter().copied().collect()
    }

    /// Feeds `input` now. `Tick` is the simulator's own: see [`Sim::advance`].
    pub fn send(&mut self, input: Input) -> Vec<Effect> {
        assert!(
            input != Input::Tick,
            "tests do not send Tick: move the clock (advance, at, run_until_idle) and the \
             simulator ticks at the wake-ups the engine asked for"
        );
        self.feed(input)
    }

    /// Moves the clock on by `ms`, then feeds `input`: the effects of the wake-ups on
    /// the way and of the input, in order.
    pub fn at(&mut self, ms: Millis, input: Input) -> Vec<Effect> {
        let mut out = self.advance(ms);
        out.extend(self.send(input));
        out
    }

    pub fn goto(&mut self, url: &str) -> Vec<Effect> {
        self.send(Input::PageChanged { url: url.into() })
    }

    /// Moves the clock on by `ms`, sending `Tick` at every requested wake-up that falls
    /// due on the way (at its time, earliest first, including those requested by the
    /// ticks themselves), and returns what the engine did.
    pub fn advance(&mut self, ms: Millis) -> Vec<Effect> {
        let until = self.now + ms;
        let out = self.wake_until(until);
        self.now = until;
        out
    }

    /// Delivers every requested wake-up, however far ahead, until the engine asks for
    /// no more; the clock ends at the last one. Panics when the engine never settles.
    pub fn run_until_idle(&mut self) -> Vec<Effect> {
        self.wake_until(Millis::MAX)
    }

    /// A `Tick` the engine did not ask for, stamped `ms` before the clock's time (a
    /// host timer firing early, a host clock set back, a second timer for one
    /// deadline).
    pub fn stray_tick(&mut self, ms: Millis) -> Vec<Effect> {
        let at = self.now.saturating_sub(ms);
        self.feed_at(at, Input::Tick)
    }

    fn wake_until(&mut self, until: Millis) -> Vec<Effect> {
        let mut out = Vec::new();
        for _ in 0..MAX_WAKES {
            let Some(&at) = self.wakes.first().filter(|&&at| at <= until) else {
                return out;
            };
            self.wakes.remove(&at);
            // A wake-up asked for in the past is delivered at once.
            self.now = self.now.max(at);
            out.extend(self.feed(Input::Tick));
        }
        panic!(
            "the engine asked for more than {MAX_WAKES} wake-ups without settling: {:?}",
            self.pending_wakes()
        );
    }

    fn feed(&mut self, input: Input) -> Vec<Effect> {
        self.feed_at(self.now, input)
    }

    fn feed_at(&mut self, now: Millis, input: Input) -> Vec<Effect> {
        let mut out = self.engine.handle(now, input);
        if self.drop_wakes {
            out.retain(|e| !matches!(e, Effect::WakeAt { .. }));
        }
        for effect in &out {
            if let Effect::WakeAt { at } = effect {
                self.wakes.insert(*at);
            }
        }
        self.log.extend(out.iter().cloned());
        out
    }

    /// The kinds of every analytics event so far.
    pub fn events(&self) -> Vec<EventKind> {
        self.log
            .iter()
            .filter_map(|e| match e {
                Effect::Emit(ev) => Some(ev.kind),
                _ => None,
            })
            .collect()
    }

    /// The progress record saved last.
    pub fn last_progress(&self) -> Progress {
        self.log
            .iter()
            .rev()
            .find_map(|e| match e {
                Effect::Persist(p) => Some(p.clone()),
                _ => None,
            })
            .expect("a progress record was persisted")
    }

    /// The running tour's step.
    pub fn step(&self) -> Option<usize> {
        self.engine.current().map(|(_, s)| s)
    }
}
