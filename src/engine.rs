//! The tour state machine: facts and the time in, effects out.
//!
//! Owns every rule of playing guides: which guide starts where, how a step advances,
//! waiting for targets, skipping or offering help when they never come, Back and
//! Dismiss, resuming a multi-page tour from its progress record, tips and starters for
//! the page, the launcher's list, checklist completion, and the analytics event for
//! every transition. It must not touch the DOM, storage, the network or a clock: the
//! host calls [`Engine::handle`] with `now` and an [`Input`] and carries out the
//! returned [`Effect`]s. A deadline is reported as [`Effect::WakeAt`]; the host answers
//! with [`Input::Tick`] at or after that time.
//!
//! This file holds the [`Engine`] itself and [`Engine::handle`], which routes each
//! input to the part that owns its rule. The parts, each an `impl Engine` over the same
//! state:
//!
//! - `vocabulary`: the words with the host: [`Input`], [`Effect`], [`Context`], the
//!   help and "Did this solve it?" answers, the [`InputMatcher`]. Data, no rules.
//! - `views`: what the runtime draws: [`StepView`], [`TipView`], [`LauncherEntry`],
//!   [`ChecklistView`], resolved to the user's language.
//! - `page`: where the user is: each guide's URL patterns, what a new page means for
//!   the run, resuming a saved run and starting a tour by itself.
//! - `run`: the run lifecycle: start, each step entered, awaited, shown, completed or
//!   skipped, Back, Dismiss, the end, and the deadlines a `Tick` brings due.
//! - `extras`: beside the tour: the page's tips and click-starters, the launcher's
//!   list, checklists ticking off.
//! - `help`: stuck signals become help offers; a choice becomes a ticket or a second
//!   look; "Did this solve it?".
//! - `analytics`: the event for every transition, the progress record saved as a run
//!   moves, and the recent actions a ticket describes.

use crate::guide::{Advance, Guide};
use crate::map::SortedMap;
use crate::progress::Progress;
pub use crate::stuck::StuckSignal;
use crate::ticket::Action;
use crate::Millis;

mod analytics;
mod extras;
mod help;
mod page;
mod run;
mod views;
mod vocabulary;

use page::Patterns;
use run::{Phase, Run};
pub use views::*;
use vocabulary::default_matcher;
pub use vocabulary::*;

/// The state machine. One per page session.
pub struct Engine {
    guides: Vec<Guide>,
    patterns: Vec<Patterns>,
    ctx: Context,
    progress: SortedMap<Progress>,
    url: Option<String>,
    run: Option<Run>,
    seq: u64,
    matcher: InputMatcher,
    now: Millis,
    out: Vec<Effect>,
    /// Recent actions, oldest first, for the ticket's "what was done".
    history: Vec<Action>,
    /// The last guide completed on this page, for "Did this solve it?".
    finished: Option<usize>,
    /// The last help offer, for the ticket composed from it.
    last_offer: Option<(Option<(usize, usize)>, StuckSignal)>,
}

impl Engine {
    /// An engine over already validated guides (see [`crate::validate`]).
    pub fn new(guides: Vec<Guide>, ctx: Context) -> Engine {
        let patterns = guides.iter().map(Patterns::of).collect();
        let mut progress = SortedMap::new();
        for p in &ctx.progress {
            if guides
                .iter()
                .any(|g| g.id == p.guide && g.version == p.version)
            {
                progress.insert(p.guide.clone(), p.clone());
            }
        }
        Engine {
            guides,
            patterns,
            ctx,
            progress,
            url: None,
            run: None,
            seq: 0,
            matcher: default_matcher(),
            now: 0,
            out: Vec::new(),
            history: Vec::new(),
            finished: None,
            last_offer: None,
        }
    }

    /// Replaces how `input` advances test typed values.
    pub fn with_input_matcher(mut self, matcher: InputMatcher) -> Engine {
        self.matcher = matcher;
        self
    }

    /// The guides the engine was given.
    pub fn guides(&self) -> &[Guide] {
        &self.guides
    }

    /// The running tour's guide id and step index.
    pub fn current(&self) -> Option<(&str, usize)> {
        self.run
            .as_ref()
            .map(|r| (self.guides[r.guide].id.as_str(), r.step))
    }

    /// The progress record of `guide` for its loaded version, if there is one.
    pub fn progress(&self, guide: &str) -> Option<&Progress> {
        self.progress.get(guide)
    }

    /// Feeds one input at time `now` and returns what to do, in order.
    pub fn handle(&mut self, now: Millis, input: Input) -> Vec<Effect> {
        // Time never goes backwards for the engine, whatever the host's clock does.
        self.now = self.now.max(now);
        match input {
            Input::PageChanged { url } => self.page_changed(url),
            Input::Start { guide, trigger } => self.start_by_id(&guide, trigger),
            Input::TargetFound { step } => {
                if self.awaiting_target(step) {
                    self.show();
                }
            }
            Input::TargetMissing { step } => {
                if self.awaiting_target(step) {
                    self.target_missing();
                }
            }
            Input::Clicked { on_target } => {
                if on_target && self.showing_with(|a| matches!(a, Advance::Click)) {
                    self.complete_step();
                } else {
                    self.idle_click();
                }
            }
            Input::InputChanged { value } => {
                let matched = match self.showing_advance() {
                    Some(Advance::Input { pattern }) => (self.matcher)(pattern, &value),
                    _ => false,
                };
                if matched {
                    self.complete_step();
                }
            }
            Input::ElementVisible { step } => {
                let current = self.run.as_ref().is_some_and(|r| r.step == step);
                if current && self.showing_with(|a| matches!(a, Advance::Visible { .. })) {
                    self.complete_step();
                }
            }
            Input::Next => {
                if self.can_next() {
                    self.complete_step();
                }
            }
            Input::Back => self.back(),
            Input::Dismiss => self.dismiss(),
            Input::Tick => self.tick(),
            Input::StuckPressed => self.stuck_pressed(),
            Input::ErrorShown => self.error_shown(),
            Input::HelpChosen { choice } => self.help_chosen(choice),
            Input::TicketFiled { reference } => self.ticket_filed(reference),
            Input::Solved { answer } => self.solved(answer),
            Input::OpenLauncher => self.open_launcher(),
            Input::TipShown { guide } => self.tip_shown(&guide),
            Input::Identify { user, locale } => {
                self.ctx.user = user;
                if let Some(l) = locale {
                    self.ctx.locale = l;
                }
                self.page_extras();
            }
        }
        std::mem::take(&mut self.out)
    }
}
