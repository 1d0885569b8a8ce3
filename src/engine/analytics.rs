//! Analytics with persistence: the event for every transition (its id from the
//! session), the progress record saved as a run moves, and the recent actions a
//! ticket describes.

use super::{Effect, Engine};
use crate::events::{AnalyticsEvent, EventKind};
use crate::progress::{Progress, RunStatus};
use crate::text::push_int;
use crate::ticket::Action;

/// How many past actions a ticket may describe.
const HISTORY: usize = 20;

impl Engine {
    pub(super) fn persist(&mut self, status: RunStatus) {
        let Some(run) = self.run.as_ref() else { return };
        let g = &self.guides[run.guide];
        let now = self.now;
        let mut record = self
            .progress
            .remove(&g.id)
            .unwrap_or_else(|| Progress::new(&g.id, g.version, now));
        record.step = run.step;
        record.status = status;
        record.run = run.id.clone();
        record.updated_at = now;
        self.out.push(Effect::Persist(record.clone()));
        self.progress.insert(g.id.clone(), record);
    }

    /// An event about the running tour (and its current step).
    pub(super) fn emit(&mut self, kind: EventKind, detail: Option<String>) {
        let Some(run) = self.run.as_ref() else {
            self.emit_about(kind, None, detail);
            return;
        };
        let g = &self.guides[run.guide];
        let event = AnalyticsEvent {
            id: String::new(),
            at: self.now,
            kind,
            guide: g.id.clone(),
            version: g.version,
            run: Some(run.id.clone()),
            step: Some(g.steps[run.step].id.clone()),
            step_index: Some(run.step),
            detail,
        };
        self.push_event(event);
    }

    pub(super) fn emit_about(
        &mut self,
        kind: EventKind,
        guide: Option<(&str, u32)>,
        detail: Option<String>,
    ) {
        let (guide, version) = guide.map_or((String::new(), 0), |(g, v)| (g.to_owned(), v));
        let event = AnalyticsEvent {
            id: String::new(),
            at: self.now,
            kind,
            guide,
            version,
            run: None,
            step: None,
            step_index: None,
            detail,
        };
        self.push_event(event);
    }

    pub(super) fn push_event(&mut self, mut event: AnalyticsEvent) {
        if let Some(what) = self.describe(&event) {
            if self.history.len() == HISTORY {
                self.history.remove(0);
            }
            self.history.push(Action { at: event.at, what });
        }
        self.seq += 1;
        event.id = self.seq_id(".");
        self.out.push(Effect::Emit(event));
    }

    /// `{session}{sep}{seq}`: run ids (`.r`) and event ids (`.`).
    pub(super) fn seq_id(&self, sep: &str) -> String {
        let mut id = [self.ctx.session.as_str(), sep].concat();
        push_int(&mut id, self.seq);
        id
    }
}
