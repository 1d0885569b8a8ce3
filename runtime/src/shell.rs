//! The shell: the engine, the parts of the state, and the loop between them.
//!
//! Owns the runtime's one piece of state, [`Shell`], and handling each [`Msg`] of
//! the queue ([`crate::msg`]): a part's message goes to that part's `update`, the
//! rest (the API, navigation, timers, page events, the engine's effects) is routed
//! here to the parts it concerns. The parts ([`crate::tour`], [`crate::tips`],
//! [`crate::launcher`], [`crate::help`], [`crate::tickets`], [`crate::layout`])
//! own their fields; they share only [`Ctx`] and reach the engine by queueing
//! inputs there, which the shell feeds after each message, carrying out the effects
//! the engine answers. The shell also owns what belongs to no part: the session,
//! the user's saved progress, the analytics batch, the URL, the guides' starters
//! and the engine's wake-ups.

use std::cell::RefCell;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use waymark::engine::{Context, Effect, Engine, Input, Starter};
use waymark::events::{AnalyticsEvent, Trigger};
use waymark::guide::Guide;
use waymark::presentation::{offer_place, OfferPlace};
use web_sys::{Element, Event, KeyboardEvent};

use crate::a11y::A11y;
use crate::config::{Config, User};
use crate::context::Ctx;
use crate::guide_fetch::{self, regexp_matches};
use crate::help::Help;
use crate::i18n;
use crate::launcher::Launcher;
use crate::layer::{self, Layer};
use crate::layout::Layout;
use crate::msg::{self, post, HelpMsg, LauncherMsg, Msg, PageEvent, TicketsMsg};
use crate::network::{EventBatch, FLUSH_DELAY_MS};
use crate::overlay::Overlay;
use crate::popover::Popover;
use crate::storage::Store;
use crate::tickets::Tickets;
use crate::tips::Tips;
use crate::tour::Tour;
use crate::{dom, hooks, interaction, navigation};

thread_local! {
    static SHELL: RefCell<Option<Shell>> = const { RefCell::new(None) };
}

/// Makes the shell the queue's handler (before anything is posted).
pub fn install() {
    msg::set_handler(handle);
}

/// The bench samples for the API (`bench()`); `None` before `init`.
pub fn bench() -> Option<Vec<f64>> {
    SHELL
        .with(|s| {
            s.try_borrow()
                .ok()
                .and_then(|s| s.as_ref().map(|s| s.layout.bench()))
        })
        .flatten()
}

fn handle(msg: Msg) {
    SHELL.with(|s| {
        if let Ok(mut s) = s.try_borrow_mut() {
            handle_in(&mut s, msg);
        }
    });
}

fn handle_in(slot: &mut Option<Shell>, msg: Msg) {
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
            shell.settle();
        }
        return;
    }
    if let Some(shell) = slot {
        shell.handle(msg);
        shell.settle();
    }
}

pub struct Shell {
    ctx: Ctx,
    tour: Tour,
    tips: Tips,
    launcher: Launcher,
    help: Help,
    tickets: Tickets,
    layout: Layout,
    generation: u32,
    store: Store,
    events: EventBatch,
    session: String,
    url: String,
    starters: Vec<Starter>,
    wakes: Vec<u64>,
    timer: i32,
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
        let help = Help::new(&layer.el, words);
        launcher.set_visible(false);
        layer.set_label(words.help);
        layer.set_direction(layer::page_is_rtl(), &cfg.locale);
        let layout = Layout::new(cfg.bench);
        navigation::install();
        let tour = Tour::new(popover, overlay);
        interaction::install(&layer, tour.dim_element());
        let random = (js_sys::Math::random() * f64::from(u32::MAX)) as u32;
        let session = [dom::hex(dom::now(), 1), dom::hex(random.into(), 8)].concat();
        if let Some(w) = dom::window() {
            dom::listen(&w, "online", false, true, |_| {
                post(Msg::Tickets(TicketsMsg::Resend))
            });
        }
        let mut tickets = Tickets::new(&cfg.server, &cfg.app);
        tickets.send_waiting();
        Ok(Shell {
            store: Store::new(&cfg.app, cfg.user.storage_name()),
            events: EventBatch::new(cfg.events_url(), &cfg.user),
            generation: 0,
            tour,
            tips,
            launcher,
            help,
            tickets,
            layout,
            session,
            url: navigation::current_url(),
            starters: Vec::new(),
            wakes: Vec::new(),
            timer: 0,
            ctx: Ctx::new(cfg, words, layer, a11y, layer::page_is_rtl()),
        })
    }

    /// After each message: the inputs the parts queued are fed, and a frame is
    /// asked for if a part wants one.
    fn settle(&mut self) {
        self.drain();
        if std::mem::take(&mut self.ctx.redraw) {
            self.layout.request_frame();
        }
    }

    /// A second `init`: new options; the guides are loaded again.
    // Out of line: not on the first step's path, so V8 compiles it only when
    // it is first called (it compiles wasm lazily, function by function).
    #[inline(never)]
    fn reconfigure(&mut self, cfg: Config) {
        self.reset_run();
        self.flush();
        let words = i18n::words(&cfg.locale);
        self.ctx.words = words;
        self.launcher.relabel(words);
        self.help.relabel(words);
        self.ctx.layer.set_label(words.help);
        self.tickets = Tickets::new(&cfg.server, &cfg.app);
        self.tickets.send_waiting();
        self.store = Store::new(&cfg.app, cfg.user.storage_name());
        self.events = EventBatch::new(cfg.events_url(), &cfg.user);
        if cfg.bench {
            self.layout.bench_on();
        }
        self.ctx.cfg = cfg;
    }

    /// Hides everything a previous engine showed and forgets it.
    fn reset_run(&mut self) {
        self.hide_step();
        self.tips.set(Vec::new(), self.ctx.words);
        self.launcher.close_panel();
        self.help.reset();
        self.ctx.engine = None;
        self.ctx.pending.clear();
    }

    fn handle(&mut self, msg: Msg) {
        let ctx = &mut self.ctx;
        match msg {
            Msg::Init(_) => {}
            Msg::Catalog(g, result) if g == self.generation => match result {
                Ok(value) => self.start_engine(&guide_fetch::definitions(&value)),
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
                self.events.requeue(events);
                self.schedule_flush(15_000.0);
            }
            Msg::PageHidden => self.events.beacon(),
            Msg::Page(kind, event) => self.on_page_event(kind, &event),
            Msg::Stuck => {
                self.launcher.close_panel();
                self.feed(Input::StuckPressed);
            }
            Msg::Layout(m) => self.layout.update(m, &mut self.tour, &mut self.tips, ctx),
            Msg::Tour(m) => self.tour.update(m, ctx),
            Msg::Tips(m) => self.tips.update(m, ctx),
            Msg::Launcher(m) => self.launcher.update(m, ctx),
            Msg::Help(m) => self.on_help(m),
            Msg::Tickets(m) => {
                if let Some(news) = self.tickets.update(m, self.help.form_key(), ctx) {
                    self.help.news(news, ctx);
                }
            }
        }
    }

    fn on_help(&mut self, m: HelpMsg) {
        let back = self.tour.focus_back();
        if let Some(ticket) = self.help.update(m, back, &mut self.ctx) {
            self.tickets.keep(&ticket);
            self.tickets.send(&ticket);
        }
    }

    /// Feeds an input to the engine and carries out what it answers, then any
    /// inputs those effects produced. Inputs wait while the guides load.
    fn feed(&mut self, input: Input) {
        self.ctx.later(input);
        self.drain();
    }

    fn drain(&mut self) {
        while self.ctx.engine.is_some() {
            let Some(input) = self.ctx.pending.pop_front() else {
                break;
            };
            let Some(engine) = self.ctx.engine.as_mut() else {
                break;
            };
            let effects = engine.handle(dom::now(), input);
            for effect in effects {
                self.apply(effect);
            }
        }
    }

    fn apply(&mut self, effect: Effect) {
        let ctx = &mut self.ctx;
        match effect {
            Effect::ShowStep(view) => {
                let fallback = self.launcher.focus_fallback();
                self.tour.show_step(view, fallback, ctx);
                self.launcher.hide_for_step();
                self.tips.close();
            }
            Effect::Hide => self.hide_step(),
            Effect::WaitFor { step, target } => {
                // The step shown so far is over; the next shows when its target does.
                if self.tour.is_shown() {
                    self.hide_step();
                }
                self.tour.wait_for(step, target, &mut self.ctx);
            }
            Effect::WatchVisible { step, selector } => self.tour.watch_visible(step, selector, ctx),
            Effect::Persist(p) => self.store.save(&p),
            Effect::Emit(event) => self.emit(&event),
            // A lost target on a shown step is explained in the popover, which
            // already lets the user go on; every other offer opens the help panel.
            Effect::OfferHelp { reason, .. }
                if offer_place(reason, self.tour.is_shown()) == OfferPlace::PopoverNote =>
            {
                self.tour.note_missing(ctx.words);
            }
            Effect::OfferHelp {
                reason,
                related_help,
                ..
            } => {
                self.launcher.close_panel();
                self.help
                    .offer(reason.as_str(), related_help.is_some(), ctx);
            }
            Effect::OpenUrl { url } => {
                if let Some(w) = dom::window() {
                    let _ = w.open_with_url_and_target_and_features(&url, "_blank", "noopener");
                }
            }
            Effect::ComposeTicket(facts) => {
                let field = facts.step.as_ref().and_then(|s| self.tour.field_of(&s.id));
                self.launcher.close_panel();
                self.help.compose(facts, field, &self.session, ctx);
            }
            Effect::AskSolved { .. } => {
                self.launcher.close_panel();
                self.help.ask_solved(ctx);
            }
            Effect::WakeAt { at } => {
                self.wakes.push(at);
                self.arm_timer();
            }
            Effect::ShowTips { tips } => {
                self.tips.set(tips, ctx.words);
                ctx.changed = true;
                ctx.request_frame();
            }
            Effect::ArmStarters { starters } => self.starters = starters,
            Effect::ShowLauncher { entries } => self.launcher.show(entries, ctx.words),
            Effect::ShowChecklist(view) => self.launcher.show_checklist(&view, ctx.words),
            Effect::Warn { message } => dom::warn(&message),
            // A tour the user started begins on another page of the app.
            Effect::GoTo { url } => {
                if let Some(w) = dom::window() {
                    let _ = w.location().assign(&url);
                }
            }
        }
    }

    /// The step goes; when the tour is over, the launcher comes back.
    fn hide_step(&mut self) {
        let ended = self.tour.hide_step(&mut self.ctx);
        self.launcher.after_step(ended, &mut self.ctx);
    }

    fn arm_timer(&mut self) {
        dom::cancel(self.timer);
        self.timer = 0;
        if let Some(&next) = self.wakes.iter().min() {
            let ms = next.saturating_sub(dom::now()) as f64;
            self.timer = dom::after(ms + 1.0, || post(Msg::Wake));
        }
    }

    // --- guides and users -----------------------------------------------------------

    fn load_guides(&mut self) {
        self.generation += 1;
        if let Some(inline) = self.ctx.cfg.guides.clone() {
            self.start_engine(&guide_fetch::definitions(&inline));
            return;
        }
        guide_fetch::fetch(&self.ctx.cfg.catalog_url(), self.generation);
    }

    fn start_engine(&mut self, list: &js_sys::Array) {
        let guides = guide_fetch::read(list);
        self.build_engine(guides);
    }

    fn build_engine(&mut self, guides: Vec<Guide>) {
        let count = guides.len();
        let ctx = Context {
            user: self.ctx.cfg.user.attributes.clone(),
            locale: self.ctx.cfg.locale.clone(),
            session: self.session.clone(),
            progress: self.store.load(&guides),
            ..Context::default()
        };
        let engine = Engine::new(guides, ctx).with_input_matcher(Box::new(regexp_matches));
        self.ctx.engine = Some(engine);
        self.launcher
            .set_visible(self.ctx.cfg.launcher && count > 0);
        self.url = navigation::current_url();
        self.ctx.pending.push_front(Input::PageChanged {
            url: self.url.clone(),
        });
        self.drain();
        hooks::call("ready", || {
            let o = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&o, &"guides".into(), &JsValue::from(count as u32));
            o.into()
        });
    }

    // Out of line: not on the first step's path, so V8 compiles it only when
    // it is first called (it compiles wasm lazily, function by function).
    #[inline(never)]
    fn identify(&mut self, user: User) {
        if user.id == self.ctx.cfg.user.id {
            let locale = user.attributes.get("locale").cloned();
            self.ctx.cfg.user.attributes = user.attributes.clone();
            self.feed(Input::Identify {
                user: user.attributes,
                locale,
            });
            return;
        }
        // Another person: their own progress, their own events.
        self.flush();
        let guides = self.ctx.engine.as_ref().map(|e| e.guides().to_vec());
        self.reset_run();
        self.ctx.cfg.user = user;
        let cfg = &self.ctx.cfg;
        self.store = Store::new(&cfg.app, cfg.user.storage_name());
        self.events = EventBatch::new(cfg.events_url(), &cfg.user);
        if let Some(guides) = guides {
            self.build_engine(guides);
        }
    }

    // --- analytics ------------------------------------------------------------------

    /// An analytics event from the engine: to the host page's listeners, to the
    /// open checklist (an item may be done), and into the batch for the server.
    fn emit(&mut self, event: &AnalyticsEvent) {
        let value: JsValue = crate::wire::event(event).into();
        let Some(json) = js_sys::JSON::stringify(&value)
            .ok()
            .and_then(|s| s.as_string())
        else {
            return;
        };
        let kind = dom::get_str(&value, "kind").unwrap_or_default();
        if kind == "checklist_item_done" {
            if let Some(id) = self.launcher.checklist_shown() {
                self.ctx.later(Input::Start {
                    guide: id,
                    trigger: Trigger::Api,
                });
            }
        }
        hooks::call(&kind, || value);
        if self.events.push(json) {
            self.flush();
        } else {
            self.schedule_flush(FLUSH_DELAY_MS);
        }
    }

    fn schedule_flush(&mut self, ms: f64) {
        if self.events.schedule() {
            dom::after(ms, || post(Msg::Flush));
        }
    }

    fn flush(&mut self) {
        if !self.events.is_empty() {
            self.events.flush(|events| post(Msg::Requeue(events)));
        }
        self.events.flushed();
    }

    // --- page events ----------------------------------------------------------------

    // Out of line: not on the first step's path, so V8 compiles it only when
    // it is first called (it compiles wasm lazily, function by function).
    #[inline(never)]
    fn on_page_event(&mut self, kind: PageEvent, event: &Event) {
        let path = dom::path(event);
        match kind {
            PageEvent::Click => self.on_click(&path),
            PageEvent::Input => self.tour.typed(&path, &mut self.ctx),
            PageEvent::Key => {
                if let Some(k) = event.dyn_ref::<KeyboardEvent>() {
                    if self.on_key(k, &path) {
                        k.prevent_default();
                        k.stop_propagation();
                    }
                }
            }
            PageEvent::FocusIn => self.tips.focus_in(&path, &mut self.ctx),
            PageEvent::FocusOut => self.tips.focus_out(&path),
            PageEvent::PointerOver => self.tips.pointer(&path, &mut self.ctx),
        }
    }

    fn on_click(&mut self, path: &[Element]) {
        if path.contains(&self.ctx.layer.host) {
            return;
        }
        if let Some(input) = self.tour.clicked(path) {
            self.feed(input);
        }
        let started = self
            .starters
            .iter()
            .find(|s| path.iter().any(|e| e.matches(&s.selector).unwrap_or(false)));
        if let Some(s) = started {
            let guide = s.guide.clone();
            self.feed(Input::Start {
                guide,
                trigger: Trigger::Click,
            });
        }
        self.tips.clicked(path);
        self.launcher.close_panel();
    }

    /// Answers a key; true when Waymark used it.
    fn on_key(&mut self, k: &KeyboardEvent, path: &[Element]) -> bool {
        if k.default_prevented() || k.is_composing() || k.alt_key() || k.ctrl_key() || k.meta_key()
        {
            return false;
        }
        let origin = path.first();
        let in_pop = self.tour.in_popover(path);
        let (in_panel, on_button) = self.launcher.touched(path);
        let on_target = self.tour.on_target(path);
        let ctx = &mut self.ctx;
        match k.key().as_str() {
            "Escape" => self.escape(in_pop, in_panel, on_button, path),
            "Tab" => self.tour.tab(k.shift_key(), in_pop, on_target, origin),
            "ArrowRight" | "ArrowLeft" if in_pop && !interaction::is_typing(origin) => {
                let forward = (k.key() == "ArrowRight") != ctx.rtl;
                self.tour.arrow(forward, ctx)
            }
            "Enter" if in_pop && self.tour.is_popover(origin) => self.tour.enter(ctx),
            "ArrowDown" | "ArrowUp" if in_panel => {
                self.launcher.arrow(k.key() == "ArrowDown", origin);
                true
            }
            _ => false,
        }
    }

    fn escape(&mut self, in_pop: bool, in_panel: bool, on_button: bool, path: &[Element]) -> bool {
        if self.help.owns(path) {
            self.on_help(HelpMsg::Close);
            return true;
        }
        if self.tips.escape() {
            return true;
        }
        if self.launcher.is_open() && (in_panel || on_button) {
            self.launcher.update(LauncherMsg::Close, &mut self.ctx);
            return true;
        }
        if self.tour.is_shown() && (in_pop || self.tour.is_modal()) {
            self.feed(Input::Dismiss);
            return true;
        }
        false
    }
}
