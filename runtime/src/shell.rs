//! The shell: the engine, the page's UI parts, and the loop between them.
//!
//! Owns the runtime's one piece of state and the only way to change it: everything
//! that happens (a page event, a button, a timer, an answer from the server) is
//! [`post`]ed as a [`Msg`], handled in order, turned into engine inputs, and the
//! engine's effects are carried out by the module that mirrors them on screen.
//! Messages posted while one is being handled (a `focus()` firing `focusin`, a
//! listener calling the API) wait in the queue, so state is never borrowed twice.
//! The rest of `impl Shell` lives with what it is about: steps in [`crate::tour`],
//! frames in [`crate::layout`], page events in [`crate::interaction`], loading guides
//! in [`crate::catalog`], analytics in [`crate::network`].

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;

use js_sys::Function;
use wasm_bindgen::prelude::*;
use waymark::engine::Starter;
use waymark::engine::{Effect, Engine, Input, StepView};
use waymark::events::Trigger;
use waymark::guide::Target;

use crate::a11y::A11y;
use crate::beacon::Tips;
use crate::config::{Config, User};
use crate::help::{HelpPanel, HelpState};
use crate::i18n::{self, Words};
use crate::launcher::Launcher;
use crate::layer::{self, Layer};
use crate::network::Outbox;
use crate::overlay::Overlay;
use crate::popover::Popover;
use crate::storage::Store;
use crate::targets::Found;
use crate::tickets::Tickets;
use crate::watch::Watch;
use crate::{checklist, dom, interaction, navigation};

/// Something that happened, for the shell to handle.
pub enum Msg {
    Init(Config),
    /// The catalog of generation `.0` arrived (or failed).
    Catalog(u32, Result<JsValue, String>),
    Start(String),
    Stop,
    OpenLauncher,
    Identify(User),
    /// An animation frame: read layout, then write.
    Frame,
    /// The DOM changed: look for awaited elements, then lay out.
    Changed,
    /// Something scrolled or resized: lay out.
    Moved,
    Navigated,
    /// A `WakeAt` deadline passed.
    Wake,
    Flush,
    Requeue(Vec<String>),
    PageHidden,
    Page(interaction::PageEvent, web_sys::Event),
    Ui(Action),
    /// A hover tip's close delay ran out.
    TipTimeout,
    /// The server answered a posted ticket (by key).
    TicketAnswer(String, crate::tickets::Answer),
    /// Time to ask for a ticket's status: key, id, checks so far.
    CheckTicket(String, String, u32),
    TicketStatus(String, crate::tickets::TicketState, u32),
    /// Post the tickets waiting on this device.
    ResendTickets,
}

/// What a Waymark control asks for.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Action {
    Next,
    Back,
    Close,
    ShowMe,
    Launcher,
    PanelClose,
    PanelBack,
    Search,
    Row(usize),
    /// A tip's beacon was pressed.
    Beacon(usize),
    /// A click landed on the dimmed page.
    Blocked,
    /// "I'm stuck", from a step or the launcher.
    Stuck,
    HelpClose,
    HelpContact,
    HelpAgain,
    HelpRelated,
    TicketSend,
    SolvedYes,
    SolvedNo,
}

thread_local! {
    static SHELL: RefCell<Option<Shell>> = const { RefCell::new(None) };
    static QUEUE: RefCell<VecDeque<Msg>> = const { RefCell::new(VecDeque::new()) };
    static BUSY: Cell<bool> = const { Cell::new(false) };
}

/// Hands `msg` to the shell: now, or after the message being handled.
pub fn post(msg: Msg) {
    QUEUE.with(|q| q.borrow_mut().push_back(msg));
    if BUSY.get() {
        return;
    }
    BUSY.set(true);
    while let Some(msg) = QUEUE.with(|q| q.borrow_mut().pop_front()) {
        SHELL.with(|s| {
            if let Ok(mut s) = s.try_borrow_mut() {
                handle(&mut s, msg);
            }
        });
    }
    BUSY.set(false);
}

/// Reads shell state for the API (`bench()`); `None` before `init`.
pub fn peek<T>(f: impl FnOnce(&Shell) -> T) -> Option<T> {
    SHELL.with(|s| s.try_borrow().ok().and_then(|s| s.as_ref().map(f)))
}

fn handle(slot: &mut Option<Shell>, msg: Msg) {
    if let Msg::Init(cfg) = msg {
        match slot {
            Some(shell) => shell.reconfigure(cfg),
            None => match Shell::new(cfg) {
                Ok(shell) => *slot = Some(shell),
                Err(e) => web_sys::console::warn_2(&"Waymark: could not start:".into(), &e),
            },
        }
        if let Some(shell) = slot {
            shell.load_guides();
        }
        return;
    }
    if let Some(shell) = slot {
        shell.handle(msg);
    }
}

/// The step on screen.
pub struct Shown {
    pub view: StepView,
    pub found: Option<Found>,
    /// Only the popover (and the target) may be used: the page is inert.
    pub modal: bool,
}

pub struct Shell {
    pub cfg: Config,
    pub words: &'static Words,
    pub generation: u32,
    pub engine: Option<Engine>,
    pub pending: VecDeque<Input>,
    pub layer: Layer,
    pub overlay: Overlay,
    pub popover: Popover,
    pub tips: Tips,
    pub launcher: Launcher,
    pub help: HelpPanel,
    pub help_state: HelpState,
    pub tickets: Tickets,
    pub a11y: A11y,
    pub watch: Watch,
    pub store: Store,
    pub outbox: Outbox,
    pub session: String,
    pub url: String,
    pub step: Option<Shown>,
    /// The step whose target is awaited, and what it was found as.
    pub waiting: Option<(usize, Target)>,
    pub found: Option<(usize, Found)>,
    pub watching: Option<(usize, String)>,
    pub starters: Vec<Starter>,
    pub wakes: Vec<u64>,
    pub timer: i32,
    pub frame_requested: bool,
    pub frame_cb: Function,
    pub changed: bool,
    pub focus_pending: bool,
    pub scroll_pending: bool,
    /// Make the page inert once the popover has been painted (modal steps).
    pub inert_pending: bool,
    pub rtl: bool,
    pub raised_over: Option<web_sys::Element>,
    pub return_to: Option<String>,
    pub bench: Option<Vec<f64>>,
}

impl Shell {
    fn new(cfg: Config) -> Result<Shell, JsValue> {
        let words = i18n::words(&cfg.locale);
        let layer = Layer::mount()?;
        let parts = (
            Overlay::new(&layer.el),
            Popover::new(&layer.el),
            Tips::new(&layer.el),
            Launcher::new(&layer.el, words),
            A11y::new(&layer.el),
        );
        let (Some(overlay), Some(popover), Some(tips), Some(launcher), Some(a11y)) = parts else {
            return Err("could not build the UI".into());
        };
        let help = HelpPanel::new(&layer.el, words);
        launcher.set_visible(false);
        layer.set_label(words.help);
        layer.set_direction(layer::page_is_rtl(), &cfg.locale);
        // `FnMut(JsValue)` like every listener (one closure signature, see `dom::listen`).
        let frame_cb =
            Closure::<dyn FnMut(JsValue)>::new(|_: JsValue| post(Msg::Frame)).into_js_value();
        navigation::install();
        interaction::install(&layer, &overlay);
        let random = (js_sys::Math::random() * f64::from(u32::MAX)) as u32;
        let session = [dom::hex(dom::now(), 1), dom::hex(random.into(), 8)].concat();
        let bench = cfg.bench.then(Vec::new);
        if let Some(w) = dom::window() {
            dom::listen(&w, "online", false, true, |_| post(Msg::ResendTickets));
        }
        let mut tickets = Tickets::new(&cfg.server, &cfg.app);
        tickets.send_waiting();
        Ok(Shell {
            store: Store::new(&cfg.app, cfg.user.storage_name()),
            outbox: Outbox::new(cfg.events_url(), &cfg.user),
            words,
            generation: 0,
            engine: None,
            pending: VecDeque::new(),
            layer,
            overlay,
            popover,
            tips,
            launcher,
            help,
            help_state: HelpState::default(),
            tickets,
            a11y,
            watch: Watch::new(),
            session,
            url: navigation::current_url(),
            step: None,
            waiting: None,
            found: None,
            watching: None,
            starters: Vec::new(),
            wakes: Vec::new(),
            timer: 0,
            frame_requested: false,
            frame_cb: frame_cb.into(),
            changed: true,
            focus_pending: false,
            scroll_pending: false,
            inert_pending: false,
            rtl: layer::page_is_rtl(),
            raised_over: None,
            return_to: None,
            bench,
            cfg,
        })
    }

    /// A second `init`: new options; the guides are loaded again.
    // Out of line: not on the first step's path, so V8 compiles it only when
    // it is first called (it compiles wasm lazily, function by function).
    #[inline(never)]
    fn reconfigure(&mut self, cfg: Config) {
        self.reset_run();
        self.flush();
        self.words = i18n::words(&cfg.locale);
        self.launcher.relabel(self.words);
        self.help.relabel(self.words);
        self.layer.set_label(self.words.help);
        self.tickets = Tickets::new(&cfg.server, &cfg.app);
        self.tickets.send_waiting();
        self.store = Store::new(&cfg.app, cfg.user.storage_name());
        self.outbox = Outbox::new(cfg.events_url(), &cfg.user);
        if cfg.bench && self.bench.is_none() {
            self.bench = Some(Vec::new());
        }
        self.cfg = cfg;
    }

    /// Hides everything a previous engine showed and forgets it.
    pub fn reset_run(&mut self) {
        self.hide_step();
        self.tips.set(Vec::new(), self.words);
        self.launcher.close_panel();
        self.help.hide();
        self.help_state.writing = None;
        self.engine = None;
        self.pending.clear();
    }

    fn handle(&mut self, msg: Msg) {
        match msg {
            Msg::Init(_) => {}
            Msg::Catalog(g, result) if g == self.generation => match result {
                Ok(value) => self.start_engine(&crate::catalog::definitions(&value)),
                Err(e) => dom::warn(&["Waymark: could not load the guides: ", &e].concat()),
            },
            Msg::Catalog(..) => {}
            Msg::Start(id) => self.feed(Input::Start {
                guide: id,
                trigger: Trigger::Api,
            }),
            Msg::Stop => {
                self.feed(Input::Dismiss);
                self.launcher.close_panel();
                self.tips.close();
            }
            Msg::OpenLauncher => self.feed(Input::OpenLauncher),
            Msg::Identify(user) => self.identify(user),
            Msg::Frame => self.frame(),
            Msg::Changed => {
                self.changed = true;
                self.request_frame();
            }
            Msg::Moved => self.request_frame(),
            Msg::Navigated => {
                let url = navigation::current_url();
                if url != self.url {
                    self.url = url.clone();
                    self.launcher.close_panel();
                    self.feed(Input::PageChanged { url });
                }
            }
            Msg::Wake => {
                let now = dom::now();
                self.wakes.retain(|&at| at > now);
                self.feed(Input::Tick);
                self.arm_timer();
            }
            Msg::Flush => self.flush(),
            Msg::Requeue(events) => {
                self.outbox.requeue(events);
                self.schedule_flush(15_000.0);
            }
            Msg::PageHidden => self.outbox.beacon(),
            Msg::Page(kind, event) => self.on_page_event(kind, &event),
            Msg::Ui(action) => self.on_action(action),
            Msg::TipTimeout => self.tips.close(),
            Msg::TicketAnswer(key, answer) => self.on_ticket_answer(key, answer),
            Msg::CheckTicket(key, id, check) => self.tickets.check_status(key, &id, check),
            Msg::TicketStatus(key, state, check) => self.on_ticket_status(key, state, check),
            Msg::ResendTickets => self.resend_tickets(),
        }
    }

    /// Feeds an input to the engine and carries out what it answers, then any
    /// inputs those effects produced. Inputs wait while the guides load.
    pub fn feed(&mut self, input: Input) {
        self.pending.push_back(input);
        self.drain();
    }

    /// Queues an input to feed after the current effects.
    pub fn later(&mut self, input: Input) {
        self.pending.push_back(input);
    }

    pub fn drain(&mut self) {
        while self.engine.is_some() {
            let Some(input) = self.pending.pop_front() else {
                break;
            };
            let Some(engine) = self.engine.as_mut() else {
                break;
            };
            let effects = engine.handle(dom::now(), input);
            for effect in effects {
                self.apply(effect);
            }
        }
    }

    fn apply(&mut self, effect: Effect) {
        match effect {
            Effect::ShowStep(view) => self.show_step(view),
            Effect::Hide => self.hide_step(),
            Effect::WaitFor { step, target } => {
                // The step shown so far is over; the next shows when its target does.
                if self.step.is_some() {
                    self.hide_step();
                }
                self.waiting = Some((step, target));
                self.found = None;
                self.look_for_target();
            }
            Effect::WatchVisible { step, selector } => {
                self.watching = Some((step, selector));
                self.look_for_visible();
            }
            Effect::Persist(p) => self.store.save(&p),
            Effect::Emit(event) => self.emit(&event),
            // A lost target on a shown step is explained in the popover, which
            // already lets the user go on; every other offer opens the help panel.
            Effect::OfferHelp { reason, .. }
                if reason.as_str() == "target_missing" && self.step.is_some() =>
            {
                self.popover.set_note(Some(self.words.not_found));
            }
            Effect::OfferHelp {
                reason,
                related_help,
                ..
            } => self.offer_help(reason.as_str(), related_help.is_some()),
            Effect::OpenUrl { url } => {
                if let Some(w) = dom::window() {
                    let _ = w.open_with_url_and_target_and_features(&url, "_blank", "noopener");
                }
            }
            Effect::ComposeTicket(facts) => self.compose_ticket(facts),
            Effect::AskSolved { .. } => self.ask_solved(),
            Effect::WakeAt { at } => {
                self.wakes.push(at);
                self.arm_timer();
            }
            Effect::ShowTips { tips } => {
                self.tips.set(tips, self.words);
                self.changed = true;
                self.request_frame();
            }
            Effect::ArmStarters { starters } => self.starters = starters,
            Effect::ShowLauncher { entries } => {
                self.launcher.show_entries(entries, self.words);
                dom::focus_quiet(&self.launcher.search);
            }
            Effect::ShowChecklist(view) => {
                let refocus = self.launcher.is_open();
                checklist::show(&mut self.launcher, &view, self.words);
                if !refocus {
                    if let Some(first) = self.launcher.row_buttons().first() {
                        dom::focus_quiet(first);
                    }
                }
            }
            Effect::Warn { message } => dom::warn(&message),
            // A tour the user started begins on another page of the app.
            Effect::GoTo { url } => {
                if let Some(w) = dom::window() {
                    let _ = w.location().assign(&url);
                }
            }
        }
    }

    pub fn arm_timer(&mut self) {
        dom::cancel(self.timer);
        self.timer = 0;
        if let Some(&next) = self.wakes.iter().min() {
            let ms = next.saturating_sub(dom::now()) as f64;
            self.timer = dom::after(ms + 1.0, || post(Msg::Wake));
        }
    }
}
