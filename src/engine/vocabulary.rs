//! The words between the engine and its host: what the host tells it ([`Input`], with
//! who and where in [`Context`]) and what it asks the host to do ([`Effect`]).
//!
//! Plain data and no rules. The host reports a fact once, as it happens; the engine
//! answers with effects in the order they are to be carried out.

use serde::{Deserialize, Serialize};

use super::{ChecklistView, LauncherEntry, Starter, StepView, TipView};
use crate::events::{AnalyticsEvent, Trigger};
use crate::guide::Target;
use crate::progress::Progress;
use crate::stuck::{StuckSignal, Thresholds};
use crate::targeting::UserAttributes;
use crate::ticket::TicketFacts;
use crate::Millis;

/// Who is using the page, and what was saved from earlier pages.
#[derive(Clone, Debug, Default)]
pub struct Context {
    pub user: UserAttributes,
    /// BCP 47 tag of the user's language; empty means each guide's default.
    pub locale: String,
    /// A random id made by the host for this page session; event ids derive from it.
    pub session: String,
    /// Saved progress records; those of other guide versions are ignored.
    pub progress: Vec<Progress>,
    /// Global stuck thresholds; guides and steps may set their own dwell limit.
    pub stuck: Thresholds,
}

/// A fact about the page or the user.
#[derive(Clone, Debug, PartialEq)]
pub enum Input {
    /// The page's URL, at load and after every SPA navigation.
    PageChanged {
        url: String,
    },
    /// Start a guide: a tour runs, a checklist opens.
    Start {
        guide: String,
        trigger: Trigger,
    },
    /// The element of step `step` of the running tour is on the page and visible.
    TargetFound {
        step: usize,
    },
    /// It did not appear within its `wait_ms`.
    TargetMissing {
        step: usize,
    },
    /// The user clicked; `on_target` when on (or inside) the current step's target.
    Clicked {
        on_target: bool,
    },
    /// The value of the current step's target changed. Never stored.
    InputChanged {
        value: String,
    },
    /// The element a `visible` advance waits for has appeared.
    ElementVisible {
        step: usize,
    },
    Next,
    Back,
    Dismiss,
    /// Time has passed; sent at or after a requested [`Effect::WakeAt`].
    Tick,
    /// The user pressed "I'm stuck".
    StuckPressed,
    /// An element matching the step's `error_selector` appeared.
    ErrorShown,
    /// The user picked a way on from a help offer.
    HelpChosen {
        choice: HelpChoice,
    },
    /// The server accepted the user's ticket under this reference.
    TicketFiled {
        reference: String,
    },
    /// The user answered "Did this solve it?".
    Solved {
        answer: SolvedAnswer,
    },
    OpenLauncher,
    /// A tip's popover was shown to the user.
    TipShown {
        guide: String,
    },
    /// The host told us who the user is.
    Identify {
        user: UserAttributes,
        locale: Option<String>,
    },
}

/// What the host should do.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "effect", rename_all = "snake_case")]
pub enum Effect {
    ShowStep(StepView),
    /// Remove the tour's popover and overlay.
    Hide,
    /// Look for the target (awaiting it up to `target.wait_ms`); answer with
    /// `TargetFound` or `TargetMissing`.
    WaitFor {
        step: usize,
        target: Target,
    },
    /// Answer with `ElementVisible` once `selector` matches a visible element.
    WatchVisible {
        step: usize,
        selector: String,
    },
    /// Save this record (replacing the one for the same guide and version).
    Persist(Progress),
    Emit(AnalyticsEvent),
    /// Offer help: show again, related help (when there is a page), contact IT.
    OfferHelp {
        guide: Option<String>,
        step: Option<usize>,
        reason: StuckSignal,
        related_help: Option<String>,
    },
    /// Open this page (related help) in a new tab.
    OpenUrl {
        url: String,
    },
    /// Go to this page (a path on the host app) in this tab: a tour the user
    /// started begins on another page. The run waits there; progress is saved.
    GoTo {
        url: String,
    },
    /// Open the ticket form: complete these facts with what the page knows (title,
    /// browser, viewport, errors), compose the draft with [`crate::ticket::compose`]
    /// and let the user review it.
    ComposeTicket(TicketFacts),
    /// Ask "Did this solve it?" about a guide that just ended; answer with `Solved`.
    AskSolved {
        guide: String,
    },
    /// Send `Tick` at or after this time.
    WakeAt {
        at: Millis,
    },
    /// The tips for this page, replacing any shown before.
    ShowTips {
        tips: Vec<TipView>,
    },
    /// Elements whose click starts a guide on this page, replacing earlier ones.
    ArmStarters {
        starters: Vec<Starter>,
    },
    ShowLauncher {
        entries: Vec<LauncherEntry>,
    },
    ShowChecklist(ChecklistView),
    /// Something the host developer should see in the console.
    Warn {
        message: String,
    },
}

/// A way on from a help offer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HelpChoice {
    /// Show the current step again.
    ShowAgain,
    /// Open the guide's related help page.
    RelatedHelp,
    /// Ask for a person: compose a ticket.
    ContactIt,
}

/// The answer to "Did this solve it?".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SolvedAnswer {
    Yes,
    No,
    Skipped,
}

/// Decides whether a value typed into a field matches an `input` advance's regex.
/// The `full` feature supplies one built on the `regex` crate; the in-page runtime
/// passes one built on the browser's RegExp.
pub type InputMatcher = Box<dyn Fn(&str, &str) -> bool>;

#[cfg(feature = "full")]
pub(super) fn default_matcher() -> InputMatcher {
    Box::new(|pattern, value| regex::Regex::new(pattern).is_ok_and(|re| re.is_match(value)))
}

/// Without the `full` feature there is no regex engine in the core: the host must
/// supply one with [`Engine::with_input_matcher`]; until then nothing matches.
#[cfg(not(feature = "full"))]
pub(super) fn default_matcher() -> InputMatcher {
    Box::new(|_, _| false)
}
