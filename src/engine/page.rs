//! Where the user is: each guide's URL patterns, parsed once, and what a new page means
//! for the run: a step shown, hidden or done, a saved run resumed, a tour started by
//! itself.

use super::{Effect, Engine, Phase, Run};
use crate::events::{EventKind, Trigger};
use crate::guide::{Advance, Guide, Kind, Start};
use crate::progress::RunStatus;
use crate::targeting::{audience_matches, frequency_allows, UrlPattern};

/// URL patterns of one guide, parsed once.
pub(super) struct Patterns {
    urls: Vec<UrlPattern>,
    pages: Vec<Option<UrlPattern>>,
    advance_urls: Vec<Option<UrlPattern>>,
}

impl Patterns {
    pub(super) fn of(guide: &Guide) -> Patterns {
        let parse = |p: &str| UrlPattern::parse(p).ok();
        Patterns {
            urls: guide
                .matching
                .urls
                .iter()
                .filter_map(|u| parse(u))
                .collect(),
            pages: guide
                .steps
                .iter()
                .map(|s| s.page.as_deref().and_then(parse))
                .collect(),
            advance_urls: guide
                .steps
                .iter()
                .map(|s| match &s.advance {
                    Advance::Url { pattern } => parse(pattern),
                    _ => None,
                })
                .collect(),
        }
    }
}

impl Engine {
    pub(super) fn page_changed(&mut self, url: String) {
        self.url = Some(url.clone());
        self.page_extras();
        // Only where the run is, not a clone of it (its stuck detector's queues).
        let Some((guide, step, phase)) = self.run.as_ref().map(|r| (r.guide, r.step, r.phase))
        else {
            self.resume_or_autostart();
            return;
        };
        let here = |e: &Engine, i: usize| e.step_on_page(guide, i, &url);
        let advance_url = self.patterns[guide].advance_urls[step].as_ref();
        let steps = self.guides[guide].steps.len();
        if phase == Phase::Showing && advance_url.is_some_and(|p| p.matches(&url)) {
            self.complete_step();
        } else if here(self, step) {
            if phase == Phase::AwaitingPage {
                self.enter_step(step);
            }
        } else if step + 1 < steps && here(self, step + 1) {
            // The user went ahead on their own (a link, a form post): follow them.
            self.complete_step();
        } else if phase != Phase::AwaitingPage {
            self.set_phase(Phase::AwaitingPage);
            self.out.push(Effect::Hide);
        }
    }

    pub(super) fn resume_or_autostart(&mut self) {
        let Some(url) = self.url.clone() else { return };
        let resumable = self.guides.iter().enumerate().find_map(|(i, g)| {
            let p = self.progress.get(&g.id)?;
            let active = g.kind == Kind::Tour
                && p.status == RunStatus::Active
                && p.step < g.steps.len()
                && audience_matches(&g.matching.audience, &self.ctx.user);
            if !active {
                return None;
            }
            let moved_on = || {
                self.patterns[i].advance_urls[p.step]
                    .as_ref()
                    .is_some_and(|a| a.matches(&url))
                    || (p.step + 1 < g.steps.len() && self.step_on_page(i, p.step + 1, &url))
            };
            // The step's own page first; then a page its action led to with a full
            // page load (a form posted, a link followed): the step is done there.
            let done = if self.step_on_page(i, p.step, &url) {
                false
            } else if moved_on() {
                true
            } else {
                return None;
            };
            Some((i, p.step, p.run.clone(), p.trigger, done))
        });
        if let Some((guide, step, id, trigger, done)) = resumable {
            self.run = Some(Run::new(guide, step, id, trigger));
            self.emit(EventKind::RunResumed, None);
            if done {
                self.complete_step();
            } else {
                self.enter_step(step);
            }
            return;
        }
        let auto = (0..self.guides.len()).find(|&i| {
            let g = &self.guides[i];
            g.kind == Kind::Tour
                && g.start == Start::Auto
                && self.offered_here(i, &url)
                && frequency_allows(g.frequency, self.progress.get(&g.id))
                && self.step_on_page(i, 0, &url)
        });
        if let Some(i) = auto {
            self.start_run(i, Trigger::Auto);
        }
    }

    /// Whether guide `i` is meant for this URL and this user.
    pub(super) fn offered_here(&self, i: usize, url: &str) -> bool {
        self.patterns[i].urls.iter().any(|p| p.matches(url))
            && audience_matches(&self.guides[i].matching.audience, &self.ctx.user)
    }

    /// Whether step `step` of guide `guide` lives on `url`.
    pub(super) fn step_on_page(&self, guide: usize, step: usize, url: &str) -> bool {
        match (
            &self.guides[guide].steps[step].page,
            &self.patterns[guide].pages[step],
        ) {
            (None, _) => self.patterns[guide].urls.iter().any(|p| p.matches(url)),
            (Some(_), Some(p)) => p.matches(url),
            (Some(_), None) => false,
        }
    }
}
