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
    /// Who the user is, for guides' audience rules.
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
        /// The full URL of the page.
        url: String,
    },
    /// Start a guide: a tour runs, a checklist opens.
    Start {
        /// Id of the guide to start.
        guide: String,
        /// What started it.
        trigger: Trigger,
    },
    /// The element of step `step` of the running tour is on the page and visible.
    TargetFound {
        /// Index of the step in its guide, from 0.
        step: usize,
    },
    /// It did not appear within its `wait_ms`.
    TargetMissing {
        /// Index of the step in its guide, from 0.
        step: usize,
    },
    /// The user clicked; `on_target` when on (or inside) the current step's target.
    Clicked {
        /// The click was on the current step's target or inside it.
        on_target: bool,
    },
    /// The value of the current step's target changed. Never stored.
    InputChanged {
        /// The target's whole current value.
        value: String,
    },
    /// The element a `visible` advance waits for has appeared.
    ElementVisible {
        /// Index of the step in its guide, from 0.
        step: usize,
    },
    /// The user pressed Next (or Done) on the current step.
    Next,
    /// The user pressed Back: go to the previous step if it is on this page.
    Back,
    /// The user closed the running tour before its end.
    Dismiss,
    /// Time has passed; sent at or after a requested [`Effect::WakeAt`].
    Tick,
    /// The user pressed "I'm stuck".
    StuckPressed,
    /// An element matching the step's `error_selector` appeared.
    ErrorShown,
    /// The user picked a way on from a help offer.
    HelpChosen {
        /// The way the user picked.
        choice: HelpChoice,
    },
    /// The server accepted the user's ticket under this reference.
    TicketFiled {
        /// The help desk's reference for the ticket.
        reference: String,
    },
    /// The user answered "Did this solve it?".
    Solved {
        /// What the user answered.
        answer: SolvedAnswer,
    },
    /// The user opened the launcher.
    OpenLauncher,
    /// A tip's popover was shown to the user.
    TipShown {
        /// Id of the tip's guide.
        guide: String,
    },
    /// The host told us who the user is.
    Identify {
        /// Who the user is now.
        user: UserAttributes,
        /// The user's language as a BCP 47 tag; None keeps the current one.
        locale: Option<String>,
    },
}

/// What the host should do.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "effect", rename_all = "snake_case")]
pub enum Effect {
    /// Draw this step, replacing any step shown before.
    ShowStep(StepView),
    /// Remove the tour's popover and overlay.
    Hide,
    /// Look for the target (awaiting it up to `target.wait_ms`); answer with
    /// `TargetFound` or `TargetMissing`.
    WaitFor {
        /// Index of the step in its guide, from 0.
        step: usize,
        /// The element to look for.
        target: Target,
    },
    /// Answer with `ElementVisible` once `selector` matches a visible element.
    WatchVisible {
        /// Index of the step in its guide, from 0.
        step: usize,
        /// CSS selector of the element to wait for.
        selector: String,
    },
    /// Save this record (replacing the one for the same guide and version).
    Persist(Progress),
    /// Send this analytics event to the server.
    Emit(AnalyticsEvent),
    /// Offer help: show again, related help (when there is a page), contact IT.
    OfferHelp {
        /// Id of the guide the user was in, if any.
        guide: Option<String>,
        /// Index of the step the user was on, if any.
        step: Option<usize>,
        /// What showed the user was stuck.
        reason: StuckSignal,
        /// URL of the guide's related help page, if it has one.
        related_help: Option<String>,
    },
    /// Open this page (related help) in a new tab.
    OpenUrl {
        /// URL of the related help page.
        url: String,
    },
    /// Go to this page (a path on the host app) in this tab: a tour the user
    /// started begins on another page. The run waits there; progress is saved.
    GoTo {
        /// The path to go to.
        url: String,
    },
    /// Open the ticket form: complete these facts with what the page knows (title,
    /// browser, viewport, errors), compose the draft with [`crate::ticket::compose`]
    /// and let the user review it.
    ComposeTicket(TicketFacts),
    /// Ask "Did this solve it?" about a guide that just ended; answer with `Solved`.
    AskSolved {
        /// Id of the guide that ended.
        guide: String,
    },
    /// Send `Tick` at or after this time.
    WakeAt {
        /// Time to be woken at, in milliseconds since the Unix epoch.
        at: Millis,
    },
    /// The tips for this page, replacing any shown before.
    ShowTips {
        /// One view per tip offered on this page.
        tips: Vec<TipView>,
    },
    /// Elements whose click starts a guide on this page, replacing earlier ones.
    ArmStarters {
        /// One entry per element that starts a guide.
        starters: Vec<Starter>,
    },
    /// Open the launcher with these guides.
    ShowLauncher {
        /// The guides (not tips) offered on this page, with where the user stands with each.
        entries: Vec<LauncherEntry>,
    },
    /// Show this checklist.
    ShowChecklist(ChecklistView),
    /// Something the host developer should see in the console.
    Warn {
        /// What went wrong, in plain words.
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
    /// It did.
    Yes,
    /// It did not: the engine asks the host to open the ticket form.
    No,
    /// The user closed the question without answering.
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
