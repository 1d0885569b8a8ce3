//! Analytics events: what the engine reports about every transition.
//!
//! Owns the event vocabulary and its wire shape. The engine creates events as
//! `Effect::Emit`; the runtime batches and sends them; the server stores them and
//! `metrics` (a later module) turns them into deflection figures. Each event carries a
//! client-made id (`session.sequence`) so the server can drop duplicates.

use serde::{Deserialize, Serialize};

use crate::Millis;

/// What happened, in an [`AnalyticsEvent`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// A run began; the detail is the name of its [`Trigger`].
    RunStarted,
    /// A run picked up again on a later page or visit.
    RunResumed,
    /// A step was drawn for the user.
    StepShown,
    /// The user did what the step asked and the tour moved on.
    StepCompleted,
    /// The step's target never appeared and the step says `on_missing: skip`.
    StepSkipped,
    /// The user went back to the previous step.
    StepBack,
    /// A guide was finished: a tour's last step done, or every item of a checklist.
    RunCompleted,
    /// The user closed a tour before its end.
    RunDismissed,
    /// A sign the user is stuck; the detail is the signal.
    StuckDetected,
    /// Help was offered to the user; the detail is why.
    HelpOffered,
    /// Which way on the user took from a help offer: `show_again`, `related_help`,
    /// `contact_it`.
    HelpChoice,
    /// The server accepted the user's ticket; the detail is its reference.
    TicketFiled,
    /// The answer to "Did this solve it?" at the end of a guide: `yes`, `no`, `skipped`.
    SolvedAnswered,
    /// A tip's popover was shown.
    TipShown,
    /// A checklist item was ticked; the detail is the item's id.
    ChecklistItemDone,
    /// The user opened the launcher.
    LauncherOpened,
}

impl EventKind {
    /// Every kind, in declaration order.
    pub const ALL: [EventKind; 16] = [
        EventKind::RunStarted,
        EventKind::RunResumed,
        EventKind::StepShown,
        EventKind::StepCompleted,
        EventKind::StepSkipped,
        EventKind::StepBack,
        EventKind::RunCompleted,
        EventKind::RunDismissed,
        EventKind::StuckDetected,
        EventKind::HelpOffered,
        EventKind::HelpChoice,
        EventKind::TicketFiled,
        EventKind::SolvedAnswered,
        EventKind::TipShown,
        EventKind::ChecklistItemDone,
        EventKind::LauncherOpened,
    ];

    /// The wire name (`"step_shown"`), as serde writes it: for writers without serde.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::RunStarted => "run_started",
            EventKind::RunResumed => "run_resumed",
            EventKind::StepShown => "step_shown",
            EventKind::StepCompleted => "step_completed",
            EventKind::StepSkipped => "step_skipped",
            EventKind::StepBack => "step_back",
            EventKind::RunCompleted => "run_completed",
            EventKind::RunDismissed => "run_dismissed",
            EventKind::StuckDetected => "stuck_detected",
            EventKind::HelpOffered => "help_offered",
            EventKind::HelpChoice => "help_choice",
            EventKind::TicketFiled => "ticket_filed",
            EventKind::SolvedAnswered => "solved_answered",
            EventKind::TipShown => "tip_shown",
            EventKind::ChecklistItemDone => "checklist_item_done",
            EventKind::LauncherOpened => "launcher_opened",
        }
    }
}

/// How a run began; help-session metrics depend on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    /// The guide started by itself on a matching page.
    Auto,
    /// The user picked it in the launcher.
    Launcher,
    /// The user clicked the guide's `on_click` element.
    Click,
    /// The host app called `start(id)`.
    Api,
}

impl Trigger {
    /// Every trigger, in declaration order.
    pub const ALL: [Trigger; 4] = [
        Trigger::Auto,
        Trigger::Launcher,
        Trigger::Click,
        Trigger::Api,
    ];

    /// The trigger named `name` (its wire name, [`Trigger::as_str`]).
    pub fn from_name(name: &str) -> Option<Trigger> {
        Trigger::ALL.into_iter().find(|t| t.as_str() == name)
    }

    /// The wire name (`"launcher"`), as serde writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Trigger::Auto => "auto",
            Trigger::Launcher => "launcher",
            Trigger::Click => "click",
            Trigger::Api => "api",
        }
    }
}

/// One analytics event, as sent to the server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnalyticsEvent {
    /// Unique per event: the engine's session id and a sequence number.
    pub id: String,
    /// When it happened, in milliseconds since the Unix epoch.
    pub at: Millis,
    /// What happened.
    pub kind: EventKind,
    /// Guide id; empty for events not about one guide (launcher opened).
    pub guide: String,
    /// Version of the guide; 0 when there is no guide.
    pub version: u32,
    /// The run the event belongs to, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run: Option<String>,
    /// Id of the current step, for events about a step of a running tour.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
    /// Index of that step in its guide, from 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step_index: Option<usize>,
    /// Kind-specific detail: the trigger of a run, the stuck reason, the help choice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_are_the_serde_names() {
        for kind in EventKind::ALL {
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str());
        }
        for trigger in Trigger::ALL {
            assert_eq!(serde_json::to_value(trigger).unwrap(), trigger.as_str());
            assert_eq!(Trigger::from_name(trigger.as_str()), Some(trigger));
        }
        assert_eq!(Trigger::from_name("later"), None);
    }
}
