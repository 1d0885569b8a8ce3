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

use serde::{Deserialize, Serialize};

use crate::events::{AnalyticsEvent, EventKind, Trigger};
use crate::guide::{Advance, Guide, Kind, OnMissing, Start, Target};
use crate::map::SortedMap;
use crate::progress::{Progress, RunStatus};
pub use crate::stuck::StuckSignal;
use crate::stuck::{StuckDetector, Thresholds};
use crate::targeting::{audience_matches, frequency_allows, UrlPattern, UserAttributes};
use crate::text::push_int;
use crate::ticket::{Action, TicketFacts};
use crate::Millis;

mod help;
mod views;
pub use views::*;

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

/// URL patterns of one guide, parsed once.
struct Patterns {
    urls: Vec<UrlPattern>,
    pages: Vec<Option<UrlPattern>>,
    advance_urls: Vec<Option<UrlPattern>>,
}

impl Patterns {
    fn of(guide: &Guide) -> Patterns {
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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// The step lives on another page; nothing is shown.
    AwaitingPage,
    AwaitingTarget {
        deadline: Millis,
    },
    Showing,
}

#[derive(Clone, Debug)]
struct Run {
    guide: usize,
    step: usize,
    id: String,
    phase: Phase,
    /// The current step has been shown (its StepShown event is out).
    shown: bool,
    /// Shown without its target because it never appeared.
    target_lost: bool,
    /// How the run began, if known (a resumed run keeps it in its progress record).
    trigger: Option<Trigger>,
    /// Help was offered during the run: ask "Did this solve it?" at its end.
    helped: bool,
    detector: StuckDetector,
}

impl Run {
    fn new(guide: usize, step: usize, id: String, trigger: Option<Trigger>) -> Run {
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

/// How many past actions a ticket may describe.
const HISTORY: usize = 20;

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

    pub fn guides(&self) -> &[Guide] {
        &self.guides
    }

    /// The running tour's guide id and step index.
    pub fn current(&self) -> Option<(&str, usize)> {
        self.run
            .as_ref()
            .map(|r| (self.guides[r.guide].id.as_str(), r.step))
    }

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

    // ----- page -----

    fn page_changed(&mut self, url: String) {
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

    /// Tips and click-starters for the current page and user.
    fn page_extras(&mut self) {
        let Some(url) = self.url.clone() else { return };
        let locale = self.ctx.locale.clone();
        let mut tips = Vec::new();
        let mut starters = Vec::new();
        for (i, g) in self.guides.iter().enumerate() {
            if !self.offered_here(i, &url) {
                continue;
            }
            if let (Kind::Tip, Some(tip)) = (g.kind, &g.tip) {
                if frequency_allows(g.frequency, self.progress.get(&g.id)) {
                    let text = g.locales.get(&locale).and_then(|l| l.tip.as_ref());
                    tips.push(TipView {
                        guide: g.id.clone(),
                        title: text.map_or(&tip.title, |t| &t.title).clone(),
                        body: text.map_or(&tip.body, |t| &t.body).clone(),
                        target: tip.target.clone(),
                        show_on: tip.show_on,
                        beacon: tip.beacon,
                        placement: tip.placement,
                    });
                }
            }
            if let Start::OnClick(selector) = &g.start {
                starters.push(Starter {
                    guide: g.id.clone(),
                    selector: selector.clone(),
                });
            }
        }
        self.out.push(Effect::ShowTips { tips });
        self.out.push(Effect::ArmStarters { starters });
    }

    fn resume_or_autostart(&mut self) {
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
    fn offered_here(&self, i: usize, url: &str) -> bool {
        self.patterns[i].urls.iter().any(|p| p.matches(url))
            && audience_matches(&self.guides[i].matching.audience, &self.ctx.user)
    }

    /// Whether step `step` of guide `guide` lives on `url`.
    fn step_on_page(&self, guide: usize, step: usize, url: &str) -> bool {
        match (
            &self.guides[guide].steps[step].page,
            &self.patterns[guide].pages[step],
        ) {
            (None, _) => self.patterns[guide].urls.iter().any(|p| p.matches(url)),
            (Some(_), Some(p)) => p.matches(url),
            (Some(_), None) => false,
        }
    }

    // ----- runs -----

    fn start_by_id(&mut self, id: &str, trigger: Trigger) {
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

    fn start_run(&mut self, i: usize, trigger: Trigger) {
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
    fn enter_step(&mut self, step: usize) {
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

    fn show(&mut self) {
        self.show_view(true);
    }

    /// Shows the current step; without its target when it never came.
    fn show_view(&mut self, with_target: bool) {
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

    fn target_missing(&mut self) {
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

    fn complete_step(&mut self) {
        self.emit(EventKind::StepCompleted, None);
        self.next_or_finish();
    }

    fn next_or_finish(&mut self) {
        let Some(run) = self.run.as_ref() else { return };
        if run.step + 1 < self.guides[run.guide].steps.len() {
            self.enter_step(run.step + 1);
        } else {
            self.finish();
        }
    }

    fn finish(&mut self) {
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

    fn back(&mut self) {
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

    fn run_guide(&self) -> usize {
        self.run.as_ref().map_or(0, |r| r.guide)
    }

    fn dismiss(&mut self) {
        if self.run.is_none() {
            return;
        }
        self.emit(EventKind::RunDismissed, None);
        self.persist(RunStatus::Dismissed);
        self.run = None;
        self.out.push(Effect::Hide);
    }

    fn tick(&mut self) {
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

    // ----- launcher, tips, checklists -----

    fn open_launcher(&mut self) {
        self.emit_about(EventKind::LauncherOpened, None, None);
        let url = self.url.as_deref().unwrap_or_default();
        let locale = self.ctx.locale.clone();
        let entries = (0..self.guides.len())
            .filter(|&i| self.guides[i].kind != Kind::Tip && self.offered_here(i, url))
            .map(|i| {
                let g = &self.guides[i];
                let status = match self.progress.get(&g.id) {
                    None => LauncherStatus::New,
                    Some(p) => match p.status {
                        RunStatus::Active => LauncherStatus::InProgress,
                        RunStatus::Completed => LauncherStatus::Completed,
                        RunStatus::Dismissed if p.completions > 0 => LauncherStatus::Completed,
                        RunStatus::Dismissed => LauncherStatus::Dismissed,
                    },
                };
                LauncherEntry {
                    guide: g.id.clone(),
                    kind: g.kind,
                    title: g.title_in(&locale).to_owned(),
                    description: g.description.clone(),
                    status,
                    done: (g.kind == Kind::Checklist).then(|| self.checklist_done(i)),
                }
            })
            .collect();
        self.out.push(Effect::ShowLauncher { entries });
    }

    fn guide_done(&self, id: &str) -> bool {
        self.progress
            .get(id)
            .is_some_and(|p| p.completions > 0 || p.status == RunStatus::Completed)
    }

    fn checklist_done(&self, i: usize) -> (usize, usize) {
        let items = &self.guides[i].items;
        let done = items.iter().filter(|it| self.guide_done(&it.guide)).count();
        (done, items.len())
    }

    fn show_checklist(&mut self, i: usize) {
        let g = &self.guides[i];
        let view = ChecklistView {
            guide: g.id.clone(),
            title: g.title_in(&self.ctx.locale).to_owned(),
            items: g
                .items
                .iter()
                .map(|it| ChecklistEntry {
                    id: it.id.clone(),
                    label: g.item_label(it, &self.ctx.locale).to_owned(),
                    guide: it.guide.clone(),
                    done: self.guide_done(&it.guide),
                })
                .collect(),
        };
        self.out.push(Effect::ShowChecklist(view));
    }

    /// After guide `done` completes: tick the checklist items naming it.
    fn tick_checklists(&mut self, done: usize) {
        let id = self.guides[done].id.clone();
        for ci in 0..self.guides.len() {
            let c = &self.guides[ci];
            if c.kind != Kind::Checklist {
                continue;
            }
            let Some(item) = c.items.iter().find(|it| it.guide == id) else {
                continue;
            };
            let (cid, version, item_id) = (c.id.clone(), c.version, item.id.clone());
            self.emit_about(
                EventKind::ChecklistItemDone,
                Some((&cid, version)),
                Some(item_id),
            );
            let (n, total) = self.checklist_done(ci);
            if n == total && !self.guide_done(&cid) {
                let mut p = self
                    .progress
                    .get(&cid)
                    .cloned()
                    .unwrap_or_else(|| Progress::new(&cid, version, self.now));
                p.status = RunStatus::Completed;
                p.completions += 1;
                p.step = total;
                p.updated_at = self.now;
                self.progress.insert(cid.clone(), p.clone());
                self.out.push(Effect::Persist(p));
                self.emit_about(EventKind::RunCompleted, Some((&cid, version)), None);
            }
        }
    }

    fn tip_shown(&mut self, id: &str) {
        let Some(g) = self
            .guides
            .iter()
            .find(|g| g.id == id && g.kind == Kind::Tip)
        else {
            return;
        };
        let (id, version) = (g.id.clone(), g.version);
        self.emit_about(EventKind::TipShown, Some((&id, version)), None);
        let mut p = self
            .progress
            .get(&id)
            .cloned()
            .unwrap_or_else(|| Progress::new(&id, version, self.now));
        p.status = RunStatus::Completed;
        p.completions += 1;
        p.updated_at = self.now;
        self.progress.insert(id, p.clone());
        self.out.push(Effect::Persist(p));
    }

    // ----- helpers -----

    fn awaiting_target(&self, step: usize) -> bool {
        self.run
            .as_ref()
            .is_some_and(|r| r.step == step && matches!(r.phase, Phase::AwaitingTarget { .. }))
    }

    fn showing_advance(&self) -> Option<&Advance> {
        let run = self.run.as_ref().filter(|r| r.phase == Phase::Showing)?;
        Some(&self.guides[run.guide].steps[run.step].advance)
    }

    fn showing_with(&self, f: impl Fn(&Advance) -> bool) -> bool {
        self.showing_advance().is_some_and(f)
    }

    /// Next is allowed on `next` steps, and on any step whose target never came.
    fn can_next(&self) -> bool {
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

    fn set_phase(&mut self, phase: Phase) {
        if let Some(run) = self.run.as_mut() {
            run.phase = phase;
        }
    }

    fn persist(&mut self, status: RunStatus) {
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
    fn emit(&mut self, kind: EventKind, detail: Option<String>) {
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

    fn emit_about(&mut self, kind: EventKind, guide: Option<(&str, u32)>, detail: Option<String>) {
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

    fn push_event(&mut self, mut event: AnalyticsEvent) {
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
    fn seq_id(&self, sep: &str) -> String {
        let mut id = [self.ctx.session.as_str(), sep].concat();
        push_int(&mut id, self.seq);
        id
    }
}

/// A URL pattern that names one page of this site: a path with no wildcard or
/// parameter (and not `//host/...`, which would leave the site).
fn is_plain_path(pattern: &str) -> bool {
    pattern.starts_with('/') && !pattern.starts_with("//") && !pattern.contains(['*', ':'])
}

#[cfg(feature = "full")]
fn default_matcher() -> InputMatcher {
    Box::new(|pattern, value| regex::Regex::new(pattern).is_ok_and(|re| re.is_match(value)))
}

/// Without the `full` feature there is no regex engine in the core: the host must
/// supply one with [`Engine::with_input_matcher`]; until then nothing matches.
#[cfg(not(feature = "full"))]
fn default_matcher() -> InputMatcher {
    Box::new(|_, _| false)
}
