//! The run lifecycle: a tour started, each step entered, its target awaited, shown,
//! completed or skipped, Back and Dismiss, the end of the run, and the deadlines that
//! [`Input::Tick`](super::Input::Tick) brings due.

use super::{AdvanceKind, Effect, Engine, StepView};
use crate::events::{EventKind, Trigger};
use crate::guide::{Advance, Kind, OnMissing};
use crate::progress::{Progress, RunStatus};
use crate::stuck::StuckDetector;
use crate::Millis;

/// Where the current step is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Phase {
    /// The step lives on another page; nothing is shown.
    AwaitingPage,
    AwaitingTarget {
        deadline: Millis,
    },
    Showing,
}

/// The running tour.
#[derive(Clone, Debug)]
pub(super) struct Run {
    pub(super) guide: usize,
    pub(super) step: usize,
    pub(super) id: String,
    pub(super) phase: Phase,
    /// The current step has been shown (its StepShown event is out).
    pub(super) shown: bool,
    /// Shown without its target because it never appeared.
    pub(super) target_lost: bool,
    /// How the run began, if known (a resumed run keeps it in its progress record).
    pub(super) trigger: Option<Trigger>,
    /// Help was offered during the run: ask "Did this solve it?" at its end.
    pub(super) helped: bool,
    pub(super) detector: StuckDetector,
}

impl Run {
    pub(super) fn new(guide: usize, step: usize, id: String, trigger: Option<Trigger>) -> Run {
        Run {
            guide,
            step,
            id,
            phase: Phase::AwaitingPage,
            shown: false,
            target_lost: false,
            trigger,
            helped: false,
            detector: StuckDetector::default(),
        }
    }
}

impl Engine {
    pub(super) fn start_by_id(&mut self, id: &str, trigger: Trigger) {
        let Some(i) = self.guides.iter().position(|g| g.id == id) else {
            self.out.push(Effect::Warn {
                message: ["Waymark: no guide with id `", id, "` is loaded"].concat(),
            });
            return;
        };
        match self.guides[i].kind {
            Kind::Tour => self.start_run(i, trigger),
            Kind::Checklist => self.show_checklist(i),
            Kind::Tip => self.out.push(Effect::Warn {
                message: [
                    "Waymark: `",
                    id,
                    "` is a tip; tips show on their element, they cannot be started",
                ]
                .concat(),
            }),
        }
    }

    pub(super) fn start_run(&mut self, i: usize, trigger: Trigger) {
        if self.run.is_some() {
            self.dismiss();
        }
        self.seq += 1;
        let id = self.seq_id(".r");
        let g = &self.guides[i];
        let mut record = self.progress.get(&g.id).cloned().unwrap_or_else(|| {
            let mut p = Progress::new(&g.id, g.version, self.now);
            p.runs = 0;
            p
        });
        record.runs += 1;
        record.step = 0;
        record.status = RunStatus::Active;
        record.run = id.clone();
        record.started_at = self.now;
        record.trigger = Some(trigger);
        self.progress.insert(g.id.clone(), record);
        self.run = Some(Run::new(i, 0, id, Some(trigger)));
        self.emit(EventKind::RunStarted, Some(trigger.as_str().into()));
        self.enter_step(0);
        // Started from the launcher, a checklist or the API on a page where its first
        // step does not live: take the user there when that page is a plain path.
        let waiting = self
            .run
            .as_ref()
            .is_some_and(|r| r.phase == Phase::AwaitingPage);
        if waiting && trigger != Trigger::Auto {
            let page = self.guides[i].steps.first().and_then(|s| s.page.as_deref());
            if let Some(url) = page.filter(|p| is_plain_path(p)) {
                self.out.push(Effect::GoTo {
                    url: url.to_owned(),
                });
            }
        }
    }

    /// Makes `step` current: saves progress, then looks for its target if it is on
    /// this page.
    pub(super) fn enter_step(&mut self, step: usize) {
        let Some(run) = self.run.as_mut() else { return };
        run.step = step;
        run.shown = false;
        run.target_lost = false;
        let guide = run.guide;
        self.persist(RunStatus::Active);
        let on_page = self
            .url
            .as_deref()
            .is_some_and(|url| self.step_on_page(guide, step, url));
        if !on_page {
            self.set_phase(Phase::AwaitingPage);
            self.out.push(Effect::Hide);
            return;
        }
        match self.guides[guide].steps[step].target.clone() {
            Some(target) => {
                let deadline = self.now + u64::from(target.wait_ms);
                self.set_phase(Phase::AwaitingTarget { deadline });
                self.out.push(Effect::WaitFor { step, target });
                self.out.push(Effect::WakeAt { at: deadline });
            }
            None => self.show(),
        }
    }

    pub(super) fn show(&mut self) {
        self.show_view(true);
    }

    /// Shows the current step; without its target when it never came.
    pub(super) fn show_view(&mut self, with_target: bool) {
        let Some(run) = self.run.as_mut() else { return };
        run.phase = Phase::Showing;
        run.target_lost = !with_target;
        let first_show = !run.shown;
        run.shown = true;
        let (gi, si) = (run.guide, run.step);
        let g = &self.guides[gi];
        if first_show {
            // Dwell counts from when the user can see the step, not from the wait.
            let step = &g.steps[si];
            let limits = self
                .ctx
                .stuck
                .with_dwell(g.stuck_after_s)
                .with_dwell(step.stuck_after_s);
            run.detector.enter_step(self.now, limits);
        }
        let dwell = run.detector.dwell_deadline();
        let step = &g.steps[si];
        let (title, body) = g.step_text(si, &self.ctx.locale).unwrap_or_default();
        let url = self.url.as_deref().unwrap_or_default();
        let view = StepView {
            guide: g.id.clone(),
            guide_title: g.title_in(&self.ctx.locale).to_owned(),
            step: si,
            step_id: step.id.clone(),
            total: g.steps.len(),
            title: title.to_owned(),
            body: body.to_owned(),
            target: if with_target {
                step.target.clone()
            } else {
                None
            },
            placement: step.placement,
            advance: AdvanceKind::from(&step.advance),
            can_back: si > 0 && self.step_on_page(gi, si - 1, url),
            can_next: matches!(step.advance, Advance::Next) || !with_target,
            is_last: si + 1 == g.steps.len(),
            allow_interaction: step.allow_interaction,
            error_selector: g.error_selector.clone(),
        };
        let visible = match &step.advance {
            Advance::Visible { selector } => Some(selector.clone()),
            _ => None,
        };
        self.out.push(Effect::ShowStep(view));
        if first_show {
            self.emit(EventKind::StepShown, None);
            if let Some(at) = dwell {
                self.out.push(Effect::WakeAt { at });
            }
        }
        if let Some(selector) = visible {
            self.out.push(Effect::WatchVisible { step: si, selector });
        }
    }

    pub(super) fn target_missing(&mut self) {
        let Some(run) = self.run.as_ref() else { return };
        let (gi, si) = (run.guide, run.step);
        match self.guides[gi].steps[si].on_missing {
            OnMissing::Skip => {
                self.emit(EventKind::StepSkipped, Some("target_missing".into()));
                self.next_or_finish();
            }
            OnMissing::Stuck => {
                self.show_view(false);
                let signal = self.run.as_mut().and_then(|r| r.detector.target_missing());
                if let Some(signal) = signal {
                    self.offer_help(Some((gi, si)), signal);
                }
            }
        }
    }

    pub(super) fn complete_step(&mut self) {
        self.emit(EventKind::StepCompleted, None);
        self.next_or_finish();
    }

    pub(super) fn next_or_finish(&mut self) {
        let Some(run) = self.run.as_ref() else { return };
        if run.step + 1 < self.guides[run.guide].steps.len() {
            self.enter_step(run.step + 1);
        } else {
            self.finish();
        }
    }

    pub(super) fn finish(&mut self) {
        let Some(run) = self.run.as_ref() else { return };
        let gi = run.guide;
        self.emit(EventKind::RunCompleted, None);
        if let Some(p) = self.progress.get_mut(&self.guides[gi].id) {
            p.completions += 1;
        }
        self.persist(RunStatus::Completed);
        let ask = self
            .run
            .take()
            .is_some_and(|r| r.helped || r.trigger == Some(Trigger::Launcher));
        self.out.push(Effect::Hide);
        self.finished = Some(gi);
        if ask {
            self.out.push(Effect::AskSolved {
                guide: self.guides[gi].id.clone(),
            });
        }
        self.tick_checklists(gi);
    }

    pub(super) fn back(&mut self) {
        let Some(run) = self.run.as_ref() else { return };
        let url = self.url.as_deref().unwrap_or_default();
        if run.phase == Phase::Showing
            && run.step > 0
            && self.step_on_page(run.guide, run.step - 1, url)
        {
            let to = run.step - 1;
            self.emit(EventKind::StepBack, None);
            let now = self.now;
            let signal = self.run.as_mut().and_then(|r| r.detector.went_back(now));
            self.enter_step(to);
            if let Some(signal) = signal {
                self.offer_help(Some((self.run_guide(), to)), signal);
            }
        }
    }

    pub(super) fn run_guide(&self) -> usize {
        self.run.as_ref().map_or(0, |r| r.guide)
    }

    pub(super) fn dismiss(&mut self) {
        if self.run.is_none() {
            return;
        }
        self.emit(EventKind::RunDismissed, None);
        self.persist(RunStatus::Dismissed);
        self.run = None;
        self.out.push(Effect::Hide);
    }

    pub(super) fn tick(&mut self) {
        let now = self.now;
        let Some(run) = self.run.as_mut() else { return };
        match run.phase {
            Phase::AwaitingTarget { deadline } if now >= deadline => self.target_missing(),
            Phase::Showing => {
                if let Some(signal) = run.detector.tick(now) {
                    let at = (run.guide, run.step);
                    self.offer_help(Some(at), signal);
                }
            }
            _ => {}
        }
    }

    pub(super) fn awaiting_target(&self, step: usize) -> bool {
        self.run
            .as_ref()
            .is_some_and(|r| r.step == step && matches!(r.phase, Phase::AwaitingTarget { .. }))
    }

    pub(super) fn showing_advance(&self) -> Option<&Advance> {
        let run = self.run.as_ref().filter(|r| r.phase == Phase::Showing)?;
        Some(&self.guides[run.guide].steps[run.step].advance)
    }

    pub(super) fn showing_with(&self, f: impl Fn(&Advance) -> bool) -> bool {
        self.showing_advance().is_some_and(f)
    }

    /// Next is allowed on `next` steps, and on any step whose target never came.
    pub(super) fn can_next(&self) -> bool {
        self.run
            .as_ref()
            .filter(|r| r.phase == Phase::Showing)
            .is_some_and(|run| {
                run.target_lost
                    || matches!(
                        self.guides[run.guide].steps[run.step].advance,
                        Advance::Next
                    )
            })
    }

    pub(super) fn set_phase(&mut self, phase: Phase) {
        if let Some(run) = self.run.as_mut() {
            run.phase = phase;
        }
    }
}

/// A URL pattern that names one page of this site: a path with no wildcard or
/// parameter (and not `//host/...`, which would leave the site).
fn is_plain_path(pattern: &str) -> bool {
    pattern.starts_with('/') && !pattern.starts_with("//") && !pattern.contains(['*', ':'])
}
