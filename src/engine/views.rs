//! What the engine asks the runtime to draw: steps, tips, the launcher, checklists.
//!
//! Plain data, already resolved to the user's language. The runtime renders these and
//! nothing else; it never reads a guide definition to decide what to show.

use serde::{Deserialize, Serialize};

use crate::guide::{Advance, Kind, Placement, Target, TipTrigger};

/// Everything the runtime needs to draw one step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StepView {
    /// Id of the guide this step belongs to.
    pub guide: String,
    /// The guide's title in the user's language.
    pub guide_title: String,
    /// Index of the step in the guide, from 0.
    pub step: usize,
    /// The step's id from the guide definition.
    pub step_id: String,
    /// Number of steps, for "2 of 6".
    pub total: usize,
    /// The step's title in the user's language.
    pub title: String,
    /// Safe markdown; render it with [`crate::markup`].
    pub body: String,
    /// None: draw the popover centred with no spotlight.
    pub target: Option<Target>,
    /// Where the popover sits relative to the target.
    pub placement: Placement,
    /// What moves the tour on from this step.
    pub advance: AdvanceKind,
    /// Show a Back button: there is an earlier step and it belongs on this page.
    pub can_back: bool,
    /// Show a Next (or Done, on the last step) button.
    pub can_next: bool,
    /// This is the guide's last step.
    pub is_last: bool,
    /// Let the user click the page around the spotlight, not only the target.
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

/// One tip to attach to an element on the current page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TipView {
    /// Id of the tip's guide.
    pub guide: String,
    /// The tip's title in the user's language.
    pub title: String,
    /// Safe markdown in the user's language; render it with [`crate::markup`].
    pub body: String,
    /// The element the tip belongs to.
    pub target: Target,
    /// What opens the tip.
    pub show_on: TipTrigger,
    /// Draw a pulsing beacon beside the element so users notice the tip.
    pub beacon: bool,
    /// Where the tip's popover sits relative to the element.
    pub placement: Placement,
}

/// An element on the current page that starts a guide when clicked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Starter {
    /// Id of the guide to start.
    pub guide: String,
    /// CSS selector of the elements that start it.
    pub selector: String,
}

/// One guide the launcher lists.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LauncherEntry {
    /// Id of the guide.
    pub guide: String,
    /// What kind of guide it is.
    pub kind: Kind,
    /// The guide's title in the user's language.
    pub title: String,
    /// The guide's one-line summary, in its default locale, if it has one.
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

/// A checklist to draw, with each item ticked or not.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChecklistView {
    /// Id of the checklist's guide.
    pub guide: String,
    /// The checklist's title in the user's language.
    pub title: String,
    /// The items, in the checklist's order.
    pub items: Vec<ChecklistEntry>,
}

/// One item of a checklist.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChecklistEntry {
    /// The item's id from the checklist definition.
    pub id: String,
    /// The item's label in the user's language.
    pub label: String,
    /// Id of the guide that completing ticks this item.
    pub guide: String,
    /// The user has completed the item's guide.
    pub done: bool,
}
