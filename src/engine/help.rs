//! The engine's help rules: stuck signals become help offers, a choice becomes a
//! ticket draft or a second look, and the end of a guide asks whether it helped.
//!
//! The thresholds and debounce live in [`crate::stuck`], the ticket's wording in
//! [`crate::ticket`]; this part decides when each applies to the running tour.

use super::{Effect, Engine, HelpChoice, Phase, SolvedAnswer, StuckSignal};
use crate::events::{AnalyticsEvent, EventKind};
use crate::text::push_int;
use crate::ticket::{GuideRef, StepRef, TicketFacts};

impl Engine {
    pub(super) fn offer_help(&mut self, at: Option<(usize, usize)>, reason: StuckSignal) {
        if let Some(run) = self.run.as_mut() {
            run.helped = true;
        }
        self.last_offer = Some((at, reason));
        self.emit(EventKind::StuckDetected, Some(reason.as_str().into()));
        self.emit(EventKind::HelpOffered, Some(reason.as_str().into()));
        self.out.push(Effect::OfferHelp {
            guide: at.map(|(g, _)| self.guides[g].id.clone()),
            step: at.map(|(_, s)| s),
            reason,
            related_help: at.and_then(|(g, _)| self.guides[g].related_help.clone()),
        });
    }

    /// "I'm stuck" always gets an answer, even right after another offer.
    pub(super) fn stuck_pressed(&mut self) {
        let at = self.run.as_mut().map(|r| {
            r.detector.asked();
            (r.guide, r.step)
        });
        self.offer_help(at, StuckSignal::UserAsked);
    }

    /// A click that did not move the tour on: maybe the start of rage clicks.
    pub(super) fn idle_click(&mut self) {
        let now = self.now;
        let Some(run) = self.run.as_mut().filter(|r| r.phase == Phase::Showing) else {
            return;
        };
        if let Some(signal) = run.detector.idle_click(now) {
            let at = (run.guide, run.step);
            self.offer_help(Some(at), signal);
        }
    }

    pub(super) fn error_shown(&mut self) {
        let Some(run) = self.run.as_mut().filter(|r| r.phase == Phase::Showing) else {
            return;
        };
        if let Some(signal) = run.detector.error_shown() {
            let at = (run.guide, run.step);
            self.offer_help(Some(at), signal);
        }
    }

    pub(super) fn help_chosen(&mut self, choice: HelpChoice) {
        let detail = match choice {
            HelpChoice::ShowAgain => "show_again",
            HelpChoice::RelatedHelp => "related_help",
            HelpChoice::ContactIt => "contact_it",
        };
        self.emit(EventKind::HelpChoice, Some(detail.into()));
        let (at, reason) = self.last_offer.unwrap_or((None, StuckSignal::UserAsked));
        match choice {
            HelpChoice::ShowAgain => {
                if let Some(step) = self.run.as_ref().map(|r| r.step) {
                    self.enter_step(step);
                }
            }
            HelpChoice::RelatedHelp => {
                if let Some(url) = at.and_then(|(g, _)| self.guides[g].related_help.clone()) {
                    self.out.push(Effect::OpenUrl { url });
                }
            }
            HelpChoice::ContactIt => {
                let facts = self.ticket_facts(at, reason.as_str());
                self.out.push(Effect::ComposeTicket(facts));
            }
        }
    }

    pub(super) fn ticket_filed(&mut self, reference: String) {
        self.emit(EventKind::TicketFiled, Some(reference));
    }

    pub(super) fn solved(&mut self, answer: SolvedAnswer) {
        let Some(gi) = self.finished else { return };
        let g = &self.guides[gi];
        let (id, version) = (g.id.clone(), g.version);
        let detail = match answer {
            SolvedAnswer::Yes => "yes",
            SolvedAnswer::No => "no",
            SolvedAnswer::Skipped => "skipped",
        };
        self.emit_about(
            EventKind::SolvedAnswered,
            Some((&id, version)),
            Some(detail.into()),
        );
        self.finished = None;
        if answer == SolvedAnswer::No {
            let last = self.guides[gi].steps.len().saturating_sub(1);
            let facts = self.ticket_facts(Some((gi, last)), "not_solved");
            self.out.push(Effect::ComposeTicket(facts));
        }
    }

    /// What the engine knows for a ticket; the runtime adds what the page knows.
    fn ticket_facts(&self, at: Option<(usize, usize)>, reason: &str) -> TicketFacts {
        let guide = at.map(|(g, _)| &self.guides[g]);
        TicketFacts {
            guide: guide.map(|g| GuideRef {
                id: g.id.clone(),
                title: g.title_in(&self.ctx.locale).to_owned(),
                version: g.version,
            }),
            step: at.and_then(|(g, s)| {
                let guide = &self.guides[g];
                let (title, _) = guide.step_text(s, &self.ctx.locale)?;
                Some(StepRef {
                    index: s,
                    id: guide.steps[s].id.clone(),
                    title: title.to_owned(),
                    total: guide.steps.len(),
                })
            }),
            reason: Some(reason.to_owned()),
            category: guide.and_then(|g| g.category.clone()),
            priority: guide.map(|g| g.priority).unwrap_or_default(),
            page_url: self.url.clone().unwrap_or_default(),
            language: self.ctx.locale.clone(),
            at: self.now,
            history: self.history.clone(),
            ..TicketFacts::default()
        }
    }

    /// One line of "what was done" for an event, in words an L1 agent reads.
    pub(super) fn describe(&self, e: &AnalyticsEvent) -> Option<String> {
        let guide = || {
            self.guides
                .iter()
                .find(|g| g.id == e.guide)
                .map_or(e.guide.as_str(), |g| g.title_in(&self.ctx.locale))
        };
        let step = || match (e.step_index, self.guides.iter().find(|g| g.id == e.guide)) {
            (Some(i), Some(g)) => {
                let title = g.step_text(i, &self.ctx.locale).map_or("", |(t, _)| t);
                let mut out = String::from("step ");
                push_int(&mut out, i as u64 + 1);
                out.push_str(" of ");
                push_int(&mut out, g.steps.len() as u64);
                out.push_str(", \"");
                out.push_str(title);
                out.push('"');
                out
            }
            _ => "a step".to_owned(),
        };
        let detail = e.detail.as_deref().unwrap_or("");
        Some(match e.kind {
            EventKind::RunStarted => ["started \"", guide(), "\" (", detail, ")"].concat(),
            EventKind::RunResumed => ["came back to \"", guide(), "\""].concat(),
            EventKind::StepShown => ["saw ", &step()].concat(),
            EventKind::StepCompleted => ["completed ", &step()].concat(),
            EventKind::StepSkipped => {
                ["skipped ", &step(), " (its element never appeared)"].concat()
            }
            EventKind::StepBack => ["went back from ", &step()].concat(),
            EventKind::RunCompleted => ["finished \"", guide(), "\""].concat(),
            EventKind::RunDismissed => ["closed \"", guide(), "\" at ", &step()].concat(),
            EventKind::StuckDetected => ["looked stuck (", detail, ") at ", &step()].concat(),
            EventKind::HelpChoice => ["chose ", &detail.replace('_', " ")].concat(),
            EventKind::LauncherOpened => "opened the Help launcher".to_owned(),
            EventKind::HelpOffered
            | EventKind::TicketFiled
            | EventKind::SolvedAnswered
            | EventKind::TipShown
            | EventKind::ChecklistItemDone => return None,
        })
    }
}
