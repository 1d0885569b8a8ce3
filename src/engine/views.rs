//! What the engine asks the runtime to draw: steps, tips, the launcher, checklists.
//!
//! Plain data, already resolved to the user's language. The runtime renders these and
//! nothing else; it never reads a guide definition to decide what to show.

use serde::{Deserialize, Serialize};

use crate::guide::{Advance, Kind, Placement, Target, TipTrigger};

/// Everything the runtime needs to draw one step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StepView {
    pub guide: String,
    pub guide_title: String,
    pub step: usize,
    pub step_id: String,
    /// Number of steps, for "2 of 6".
    pub total: usize,
    pub title: String,
    /// Safe markdown; render it with [`crate::markup`].
    pub body: String,
    /// None: draw the popover centred with no spotlight.
    pub target: Option<Target>,
    pub placement: Placement,
    /// What moves the tour on from this step.
    pub advance: AdvanceKind,
    pub can_back: bool,
    /// Show a Next (or Done, on the last step) button.
    pub can_next: bool,
    pub is_last: bool,
    pub allow_interaction: bool,
    /// Elements matching this are the host app's error messages: report
    /// `Input::ErrorShown` when one appears while the step is shown.
    pub error_selector: Option<String>,
}

/// What moves the tour on from a step: the kind of its [`Advance`], without the
/// pattern or selector the engine checks itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AdvanceKind {
    /// The user presses Next.
    Next,
    /// The user clicks the step's target.
    Click,
    /// The user types into the target until its value matches.
    Input,
    /// The page URL comes to match.
    Url,
    /// An element becomes visible.
    Visible,
}

impl From<&Advance> for AdvanceKind {
    fn from(advance: &Advance) -> AdvanceKind {
        match advance {
            Advance::Next => AdvanceKind::Next,
            Advance::Click => AdvanceKind::Click,
            Advance::Input { .. } => AdvanceKind::Input,
            Advance::Url { .. } => AdvanceKind::Url,
            Advance::Visible { .. } => AdvanceKind::Visible,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TipView {
    pub guide: String,
    pub title: String,
    pub body: String,
    pub target: Target,
    pub show_on: TipTrigger,
    pub beacon: bool,
    pub placement: Placement,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Starter {
    pub guide: String,
    pub selector: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LauncherEntry {
    pub guide: String,
    pub kind: Kind,
    pub title: String,
    pub description: Option<String>,
    /// Where the user stands with this guide.
    pub status: LauncherStatus,
    /// Checklists: items done and in all.
    pub done: Option<(usize, usize)>,
}

/// Where the user stands with a guide the launcher lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LauncherStatus {
    /// Never started.
    New,
    /// Started and not finished.
    InProgress,
    /// Finished at least once.
    Completed,
    /// Closed before the end, never finished.
    Dismissed,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChecklistView {
    pub guide: String,
    pub title: String,
    pub items: Vec<ChecklistEntry>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChecklistEntry {
    pub id: String,
    pub label: String,
    pub guide: String,
    pub done: bool,
}
