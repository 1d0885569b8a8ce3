//! The help panel: the offer made to a stuck user, the ticket form, what became of
//! the ticket, and "Did this solve it?" at the end of a guide.
//!
//! Owns the panel's DOM (built the first time it is shown; one view at a time) and
//! reading what the user typed into the form. What is offered and when is the
//! engine's decision (an `OfferHelp`, `ComposeTicket` or `AskSolved` effect); the
//! ticket's wording is the core's [`waymark::ticket::compose`]; sending and queueing
//! is [`crate::tickets`], which hands back what became of a ticket as
//! [`News`]. The panel's buttons post [`HelpMsg`]s, answered here by
//! [`Help::update`].

use js_sys::{Object, Reflect};
use wasm_bindgen::JsValue;
use waymark::engine::{HelpChoice, Input, SolvedAnswer};
use waymark::guide::Priority;
use waymark::redact::Redactor;
use waymark::ticket::{compose, FieldValue, TicketDraft, TicketFacts};
use web_sys::{Element, HtmlElement};

use crate::config::User;
use crate::context::Ctx;
use crate::i18n::Words;
use crate::msg::{post, HelpMsg, Msg};
use crate::tickets::{self, Answer, News, TicketState, Waiting};
use crate::{a11y, dom, pagelog};

/// What the panel shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    Closed,
    Offer,
    Form,
    Status,
    Solved,
}

/// The help panel, built the first time it is shown: most pages never need it, and
/// building it at start would cost the first step its DOM work and V8 its compiling.
struct HelpPanel {
    layer: Element,
    words: &'static Words,
    parts: Option<Parts>,
    view: View,
}

/// The panel's elements, once built.
struct Parts {
    el: HtmlElement,
    title: HtmlElement,
    close: HtmlElement,
    text: HtmlElement,
    offer: HtmlElement,
    again: HtmlElement,
    related: HtmlElement,
    contact: HtmlElement,
    form: HtmlElement,
    subject: HtmlElement,
    description: HtmlElement,
    priority: HtmlElement,
    category: HtmlElement,
    attachments: HtmlElement,
    error: HtmlElement,
    cancel: HtmlElement,
    send: HtmlElement,
    done: HtmlElement,
    solved: HtmlElement,
    yes: HtmlElement,
    no: HtmlElement,
    skip: HtmlElement,
    /// Labels of the form's parts, kept to relabel on a language change.
    labels: Vec<(HtmlElement, Word)>,
}

/// Picks one of the runtime's words.
type Word = fn(&Words) -> &'static str;

fn on_click(el: &Element, msg: HelpMsg) {
    dom::listen(el, "click", false, false, move |_| post(Msg::Help(msg)));
}

/// The panel's elements (see [`dom::build`]), in the order [`HelpPanel::new`] takes
/// them; a field is `<label><span>text</span><input></label>`, and the priority's
/// options are added from [`PRIORITIES`].
const SKELETON: &str = "
section.help|role=dialog|aria-modal=false|aria-labelledby=wm-help-title|aria-describedby=wm-help-text|hidden
 div.panel-head
  h2.panel-title|id=wm-help-title
  button.close|type=button
 div.help-inner
  p.help-text|id=wm-help-text|dir=auto
  div.help-actions
   button.btn primary contact|type=button
   button.btn again|type=button
   button.btn related|type=button
  form.ticket|novalidate
   label.field
    span.field-label
    input.subject|type=text|maxlength=200|required
   label.field
    span.field-label
    textarea.description|rows=8
   div.field-row
    label.field
     span.field-label
     select.priority
    label.field
     span.field-label
     input.category|type=text
   fieldset.attachments
   p.form-error|role=alert|id=wm-form-error|hidden
   div.foot
    button.btn cancel|type=button
    button.btn primary send|type=submit
  button.btn primary done|type=button
  div.help-actions solved
   button.btn primary yes|type=button
   button.btn no|type=button
   button.btn skip|type=button
";

pub const PRIORITIES: [Priority; 4] = [
    Priority::Low,
    Priority::Normal,
    Priority::High,
    Priority::Urgent,
];

impl HelpPanel {
    pub fn new(layer: &Element, words: &'static Words) -> HelpPanel {
        HelpPanel {
            layer: layer.clone(),
            words,
            parts: None,
            view: View::Closed,
        }
    }

    /// The panel's elements, built now if they are not yet.
    fn parts(&mut self) -> Option<&Parts> {
        if self.parts.is_none() {
            self.parts = Parts::new(&self.layer, self.words);
        }
        self.parts.as_ref()
    }

    /// The panel's root element, once built.
    pub fn el(&self) -> Option<&HtmlElement> {
        self.parts.as_ref().map(|p| &p.el)
    }

    /// Sets the texts that depend on the user's language.
    pub fn relabel(&mut self, words: &'static Words) {
        self.words = words;
        if let Some(p) = &self.parts {
            p.relabel(words);
        }
    }

    pub fn is_open(&self) -> bool {
        self.view != View::Closed
    }

    /// The explanation line now shown.
    pub fn text_now(&self) -> String {
        self.parts.as_ref().map(Parts::text_now).unwrap_or_default()
    }

    /// Shows `view` on the panel (built first if need be), filled by `fill`.
    fn open(&mut self, view: View, fill: impl FnOnce(&Parts)) {
        if let Some(p) = self.parts() {
            fill(p);
            self.view = view;
        }
    }

    /// The offer: why we think the user is stuck, and the ways on that apply.
    pub fn show_offer(&mut self, words: &Words, reason: &str, again: bool, related: bool) {
        self.open(View::Offer, |p| p.show_offer(words, reason, again, related));
    }

    /// The ticket form, filled from the draft; every part can be changed.
    pub fn show_form(&mut self, words: &Words, draft: &TicketDraft) {
        self.open(View::Form, |p| p.show_form(words, draft));
    }

    /// What became of the ticket.
    pub fn show_status(&mut self, title: &str, text: &str) {
        self.open(View::Status, |p| p.show_status(title, text));
    }

    pub fn show_solved(&mut self, words: &Words) {
        self.open(View::Solved, |p| p.show_solved(words));
    }

    /// The user's edits over the draft (the draft itself before the form was built).
    pub fn read_form(&self, draft: &TicketDraft) -> TicketDraft {
        match &self.parts {
            Some(p) => p.read_form(draft),
            None => draft.clone(),
        }
    }

    /// A problem with the form, shown under it and announced; `None` clears it.
    pub fn set_error(&self, text: Option<&str>) {
        if let Some(p) = &self.parts {
            p.set_error(text);
        }
    }

    pub fn set_sending(&self, sending: bool) {
        if let Some(p) = &self.parts {
            p.set_sending(sending);
        }
    }

    pub fn hide(&mut self) {
        self.view = View::Closed;
        if let Some(p) = &self.parts {
            p.hide();
        }
    }

    /// Where focus goes when the panel opens on its current view.
    pub fn focus_target(&self) -> Element {
        match &self.parts {
            Some(p) => p.focus_target(self.view),
            None => self.layer.clone(),
        }
    }
}

impl Parts {
    fn new(layer: &Element, words: &Words) -> Option<Parts> {
        let [el, _, title, close, _, text, offer, contact, again, related, form, _, l_subject, subject, _, l_description, description, _, _, l_priority, priority, _, l_category, category, attachments, error, _, cancel, send, done, solved, yes, no, skip] =
            <[HtmlElement; 34]>::try_from(dom::build(layer, SKELETON)?).ok()?;
        for p in PRIORITIES {
            let o = dom::child(&priority, "option", "", "")?;
            dom::attr(&o, "value", priority_str(p));
        }
        let labels: Vec<(HtmlElement, Word)> = vec![
            (l_subject, |w| w.subject),
            (l_description, |w| w.description),
            (l_priority, |w| w.priority),
            (l_category, |w| w.category),
        ];

        on_click(&close, HelpMsg::Close);
        on_click(&contact, HelpMsg::Contact);
        on_click(&again, HelpMsg::Again);
        on_click(&related, HelpMsg::Related);
        on_click(&cancel, HelpMsg::Close);
        on_click(&done, HelpMsg::Close);
        on_click(&yes, HelpMsg::SolvedYes);
        on_click(&no, HelpMsg::SolvedNo);
        on_click(&skip, HelpMsg::Close);
        dom::listen(&form, "submit", false, false, |e| {
            e.prevent_default();
            post(Msg::Help(HelpMsg::Send));
        });
        let panel = Parts {
            el,
            title,
            close,
            text,
            offer,
            again,
            related,
            contact,
            form,
            subject,
            description,
            priority,
            category,
            attachments,
            error,
            cancel,
            send,
            done,
            solved,
            yes,
            no,
            skip,
            labels,
        };
        panel.relabel(words);
        Some(panel)
    }

    /// Sets the texts that depend on the user's language.
    fn relabel(&self, words: &Words) {
        dom::attr(&self.close, "aria-label", words.close);
        for (b, t) in [
            (&self.contact, words.contact_it),
            (&self.again, words.show_again),
            (&self.related, words.related_help),
            (&self.cancel, words.cancel),
            (&self.send, words.send),
            (&self.done, words.close),
            (&self.yes, words.yes),
            (&self.no, words.no_contact),
            (&self.skip, words.skip),
        ] {
            b.set_text_content(Some(t));
        }
        for (label, text) in &self.labels {
            label.set_text_content(Some(text(words)));
        }
        if let Ok(options) = self.priority.query_selector_all("option") {
            for (i, p) in PRIORITIES.iter().enumerate() {
                if let Some(o) = options.item(i as u32) {
                    o.set_text_content(Some(priority_word(words, *p)));
                }
            }
        }
    }

    /// The explanation line now shown.
    fn text_now(&self) -> String {
        self.text.text_content().unwrap_or_default()
    }

    fn show(&self, view: View, title: &str, text: &str) {
        self.title.set_text_content(Some(title));
        self.text.set_text_content(Some(text));
        dom::set_hidden(&self.text, text.is_empty());
        dom::set_hidden(&self.offer, view != View::Offer);
        dom::set_hidden(&self.form, view != View::Form);
        dom::set_hidden(&self.done, view != View::Status);
        dom::set_hidden(&self.solved, view != View::Solved);
        dom::toggle_class(&self.el, "wide", view == View::Form);
        dom::set_hidden(&self.el, false);
    }

    /// The offer: why we think the user is stuck, and the ways on that apply.
    fn show_offer(&self, words: &Words, reason: &str, again: bool, related: bool) {
        self.show(View::Offer, words.need_a_hand, offer_text(words, reason));
        dom::set_hidden(&self.again, !again);
        dom::set_hidden(&self.related, !related);
    }

    /// The ticket form, filled from the draft; every part can be changed.
    fn show_form(&self, words: &Words, draft: &TicketDraft) {
        self.show(View::Form, words.contact_it, words.form_intro);
        set_value(&self.subject, &draft.subject);
        set_value(&self.description, &draft.description);
        set_value(&self.priority, priority_str(draft.priority));
        set_value(&self.category, draft.category.as_deref().unwrap_or(""));
        dom::clear(&self.attachments);
        let doc = self.attachments.owner_document();
        if let Some(legend) = doc.as_ref().and_then(|d| dom::el(d, "legend", "")) {
            legend.set_text_content(Some(words.attached));
            let _ = self.attachments.append_child(&legend);
        }
        dom::set_hidden(&self.attachments, draft.attachments.is_empty());
        for (i, a) in draft.attachments.iter().enumerate() {
            let Some(item) = dom::child(&self.attachments, "div", "attachment", "") else {
                continue;
            };
            let Some(label) = dom::child(&item, "label", "switch", "") else {
                continue;
            };
            if let Some(check) = dom::child(&label, "input", "include", "") {
                dom::attr(&check, "type", "checkbox");
                dom::attr(&check, "data-key", &a.key);
                dom::attr(&check, "data-index", &dom::int(i as i64));
                let _ = Reflect::set(&check, &"checked".into(), &JsValue::from_bool(a.include));
            }
            dom::child(&label, "span", "", &a.label);
            if let Some(details) = dom::child(&item, "details", "", "") {
                dom::child(&details, "summary", "", words.what_is_sent);
                dom::child(&details, "pre", "attachment-text", &a.text);
            }
        }
        self.set_error(None);
    }

    /// The user's edits over the draft: subject, description, priority, category
    /// and which attachments stay.
    fn read_form(&self, draft: &TicketDraft) -> TicketDraft {
        let mut out = draft.clone();
        out.subject = value(&self.subject).trim().to_owned();
        out.description = value(&self.description);
        out.priority = PRIORITIES
            .into_iter()
            .find(|p| priority_str(*p) == value(&self.priority))
            .unwrap_or(draft.priority);
        let category = value(&self.category).trim().to_owned();
        out.category = (!category.is_empty()).then_some(category);
        if let Ok(checks) = self.attachments.query_selector_all("input.include") {
            for i in 0..checks.length() {
                let Some(check) = checks.item(i) else {
                    continue;
                };
                let index = Reflect::get(&check, &"dataset".into())
                    .ok()
                    .and_then(|d| dom::get_str(&d, "index"))
                    .and_then(|s| s.parse::<usize>().ok());
                let on = Reflect::get(&check, &"checked".into())
                    .ok()
                    .and_then(|v| v.as_bool())
                    .unwrap_or(false);
                if let Some(a) = index.and_then(|i| out.attachments.get_mut(i)) {
                    a.include = on;
                }
            }
        }
        out
    }

    /// A problem with the form, shown under it and announced; `None` clears it.
    fn set_error(&self, text: Option<&str>) {
        self.error.set_text_content(text);
        dom::set_hidden(&self.error, text.is_none());
        if text.is_some() {
            dom::attr(&self.subject, "aria-describedby", "wm-form-error");
        } else {
            dom::remove_attr(&self.subject, "aria-describedby");
        }
    }

    fn set_sending(&self, sending: bool) {
        if sending {
            dom::attr(&self.send, "disabled", "");
            dom::attr(&self.send, "aria-busy", "true");
        } else {
            dom::remove_attr(&self.send, "disabled");
            dom::remove_attr(&self.send, "aria-busy");
        }
    }

    /// What became of the ticket.
    fn show_status(&self, title: &str, text: &str) {
        self.show(View::Status, title, text);
        dom::attr(&self.text, "role", "status");
    }

    fn show_solved(&self, words: &Words) {
        self.show(View::Solved, words.did_it_solve, "");
    }

    fn hide(&self) {
        dom::remove_attr(&self.text, "role");
        dom::set_hidden(&self.el, true);
    }

    /// Where focus goes when the panel opens on its current view.
    fn focus_target(&self, view: View) -> Element {
        let e: &HtmlElement = match view {
            View::Offer => &self.contact,
            View::Form => &self.subject,
            View::Status => &self.done,
            View::Solved => &self.yes,
            View::Closed => &self.el,
        };
        e.clone().into()
    }
}

fn value(e: &Element) -> String {
    Reflect::get(e, &"value".into())
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

fn set_value(e: &Element, v: &str) {
    let _ = Reflect::set(e, &"value".into(), &JsValue::from_str(v));
}

/// The priority as the server reads it.
pub fn priority_str(p: Priority) -> &'static str {
    match p {
        Priority::Low => "low",
        Priority::Normal => "normal",
        Priority::High => "high",
        Priority::Urgent => "urgent",
    }
}

pub fn priority_word(words: &Words, p: Priority) -> &'static str {
    match p {
        Priority::Low => words.low,
        Priority::Normal => words.normal,
        Priority::High => words.high,
        Priority::Urgent => words.urgent,
    }
}

/// Why help is offered, in the user's words.
pub fn offer_text<'w>(words: &'w Words, reason: &str) -> &'w str {
    match reason {
        "dwell" => words.stuck_dwell,
        "rage_clicks" => words.stuck_clicks,
        "target_missing" => words.stuck_missing,
        "error_shown" => words.stuck_error,
        "back_and_forth" => words.stuck_back_forth,
        _ => words.stuck_asked,
    }
}

/// The ticket being written: its key (kept for every retry), the draft, and where
/// the user was.
pub struct Writing {
    pub key: String,
    pub draft: TicketDraft,
    pub guide: Option<String>,
    pub step: Option<String>,
    pub page_url: String,
}

/// The help part: the panel, the ticket being written, the ticket whose status
/// is shown, and where focus goes back to.
pub struct Help {
    panel: HelpPanel,
    writing: Option<Writing>,
    /// The ticket whose status the panel shows, by key.
    shown: Option<String>,
    /// Where focus was before the panel took it.
    return_focus: Option<Element>,
}

impl Help {
    pub fn new(layer: &Element, words: &'static Words) -> Help {
        Help {
            panel: HelpPanel::new(layer, words),
            writing: None,
            shown: None,
            return_focus: None,
        }
    }

    /// Sets the texts that depend on the user's language.
    pub fn relabel(&mut self, words: &'static Words) {
        self.panel.relabel(words);
    }

    /// The run is over (another user, another `init`): the panel closes and the
    /// ticket being written is dropped.
    pub fn reset(&mut self) {
        self.panel.hide();
        self.writing = None;
    }

    /// Whether the event's path is in the open panel.
    pub fn owns(&self, path: &[Element]) -> bool {
        let in_help = self.panel.el().is_some_and(|h| {
            let h: &Element = h;
            path.contains(h)
        });
        self.panel.is_open() && in_help
    }

    /// The key of the ticket in the form, while the form shows.
    pub fn form_key(&self) -> Option<String> {
        let w = self.writing.as_ref()?;
        (self.panel.view == View::Form).then(|| w.key.clone())
    }

    /// The panel's buttons; `back` is where focus goes when the panel closes
    /// (the popover, while a step shows). Returns a ticket to keep and send.
    // Out of line: not on the first step's path, so V8 compiles it only when
    // it is first called (it compiles wasm lazily, function by function).
    #[inline(never)]
    pub fn update(
        &mut self,
        msg: HelpMsg,
        back: Option<Element>,
        ctx: &mut Ctx,
    ) -> Option<Waiting> {
        match msg {
            HelpMsg::Close => self.close(back, ctx),
            HelpMsg::Contact => ctx.later(Input::HelpChosen {
                choice: HelpChoice::ContactIt,
            }),
            HelpMsg::Again => {
                self.panel.hide();
                self.return_focus = None;
                ctx.later(Input::HelpChosen {
                    choice: HelpChoice::ShowAgain,
                });
            }
            HelpMsg::Related => {
                ctx.later(Input::HelpChosen {
                    choice: HelpChoice::RelatedHelp,
                });
                self.close(back, ctx);
            }
            HelpMsg::Send => return self.send(ctx),
            HelpMsg::SolvedYes => {
                ctx.later(Input::Solved {
                    answer: SolvedAnswer::Yes,
                });
                self.panel.hide();
                ctx.a11y.announce(ctx.words.thanks);
                if let Some(e) = self.return_focus.take() {
                    dom::focus_quiet(&e);
                }
            }
            // The engine answers with a ticket draft: the form replaces the question.
            HelpMsg::SolvedNo => ctx.later(Input::Solved {
                answer: SolvedAnswer::No,
            }),
        }
        None
    }

    /// `OfferHelp`: the offer, with "Show me again" while a tour runs and "Related
    /// help" when the guide names a page. Focus moves in only when the user asked or
    /// was already in Waymark's UI; otherwise the offer is announced.
    // Out of line: not on the first step's path, so V8 compiles it only when
    // it is first called (it compiles wasm lazily, function by function).
    #[inline(never)]
    pub fn offer(&mut self, reason: &str, related: bool, ctx: &mut Ctx) {
        let again = ctx.running();
        let take_focus = reason == "user_asked" || ctx.focus_in_waymark();
        self.panel.show_offer(ctx.words, reason, again, related);
        self.open_help(take_focus, ctx);
    }

    /// `ComposeTicket`: the engine's facts, completed with what the page knows
    /// (`field`: the shown step's element), composed and redacted by the core, in
    /// the form. `session` makes the ticket's key.
    // Out of line: not on the first step's path, so V8 compiles it only when
    // it is first called (it compiles wasm lazily, function by function).
    #[inline(never)]
    pub fn compose(
        &mut self,
        mut facts: TicketFacts,
        field: Option<Element>,
        session: &str,
        ctx: &mut Ctx,
    ) {
        if let Some(w) = dom::window() {
            facts.page_title = w.document().map(|d| d.title()).unwrap_or_default();
            facts.user_agent = w.navigator().user_agent().unwrap_or_default();
            let size = |v: Result<JsValue, JsValue>| {
                v.ok().and_then(|v| v.as_f64()).unwrap_or(0.0).max(0.0) as u32
            };
            facts.viewport = (size(w.inner_width()), size(w.inner_height()));
        }
        facts.script_errors = pagelog::script_errors();
        facts.failed_requests = pagelog::failed_requests(&ctx.cfg.server);
        facts.fields = captured_fields(&facts, field, ctx);
        let draft = compose(&facts, &Redactor::default());
        let random = (js_sys::Math::random() * f64::from(u32::MAX)) as u32;
        let key = ["wm-", session, "-", &dom::hex(random.into(), 8)].concat();
        self.panel.show_form(ctx.words, &draft);
        self.writing = Some(Writing {
            key,
            draft,
            guide: facts.guide.map(|g| g.id),
            step: facts.step.map(|s| s.id),
            page_url: facts.page_url,
        });
        self.open_help(true, ctx);
    }

    /// `AskSolved`: one skippable question at the end of a guide.
    // Out of line: not on the first step's path, so V8 compiles it only when
    // it is first called (it compiles wasm lazily, function by function).
    #[inline(never)]
    pub fn ask_solved(&mut self, ctx: &mut Ctx) {
        self.panel.show_solved(ctx.words);
        self.open_help(true, ctx);
    }

    fn open_help(&mut self, take_focus: bool, ctx: &mut Ctx) {
        if take_focus {
            if self.return_focus.is_none() {
                self.return_focus = a11y::deep_active_element();
            }
            dom::focus_quiet(&self.panel.focus_target());
        } else {
            ctx.a11y
                .announce(&[ctx.words.need_a_hand, " ", &self.panel.text_now()].concat());
        }
    }

    /// Closes the panel. Closing the question counts as skipping it.
    // Out of line: not on the first step's path, so V8 compiles it only when
    // it is first called (it compiles wasm lazily, function by function).
    #[inline(never)]
    fn close(&mut self, popover: Option<Element>, ctx: &mut Ctx) {
        if self.panel.view == View::Solved {
            ctx.later(Input::Solved {
                answer: SolvedAnswer::Skipped,
            });
        }
        self.panel.hide();
        self.writing = None;
        self.shown = None;
        let back = self.return_focus.take();
        if let Some(p) = popover {
            dom::focus_quiet(&p);
        } else if let Some(e) = back.filter(|e| e.is_connected()) {
            dom::focus_quiet(&e);
        }
    }

    /// Send: the user's edits, as the ticket to keep on the device (so that nothing
    /// is lost if the page goes away meanwhile) and post with the ticket's key.
    // Out of line: not on the first step's path, so V8 compiles it only when
    // it is first called (it compiles wasm lazily, function by function).
    #[inline(never)]
    fn send(&mut self, ctx: &mut Ctx) -> Option<Waiting> {
        let w = self.writing.as_ref()?;
        let edited = self.panel.read_form(&w.draft);
        if edited.subject.is_empty() {
            self.panel.set_error(Some(ctx.words.subject_missing));
            dom::focus_quiet(&self.panel.focus_target());
            return None;
        }
        let ticket = Waiting {
            key: w.key.clone(),
            body: ticket_body(&edited, w, &ctx.cfg.user),
            reported: false,
        };
        self.panel.set_error(None);
        self.panel.set_sending(true);
        ctx.a11y.announce(ctx.words.sending);
        Some(ticket)
    }

    /// What became of a ticket, from [`crate::tickets`].
    // Out of line: not on the first step's path, so V8 compiles it only when
    // it is first called (it compiles wasm lazily, function by function).
    #[inline(never)]
    pub fn news(&mut self, news: News, ctx: &mut Ctx) {
        match news {
            News::Answer {
                key,
                answer,
                current,
            } => self.on_ticket_answer(key, answer, current, ctx),
            News::Status(key, state, check) => self.on_ticket_status(key, state, check, ctx),
        }
    }

    /// The server's answer to a posted ticket; `current` when it is the one in the form.
    fn on_ticket_answer(&mut self, key: String, answer: Answer, current: bool, ctx: &mut Ctx) {
        match answer {
            Answer::Accepted(state) => {
                if current {
                    self.panel.set_sending(false);
                    self.writing = None;
                    self.shown = Some(key.clone());
                    self.show_ticket_state(&state, ctx.words);
                    dom::focus_quiet(&self.panel.focus_target());
                }
                if waymark::ticket::status_is_pending(&state.status) && self.shows_ticket(&key) {
                    tickets::schedule_status(key, state.id, 0);
                }
            }
            Answer::Refused(why) => {
                if current {
                    self.panel.set_sending(false);
                    self.panel
                        .set_error(Some(&ctx.words.ticket_refused.replace("{why}", &why)));
                } else {
                    dom::warn(&["Waymark: a saved ticket was refused: ", &why].concat());
                }
            }
            Answer::Unreachable => {
                if current {
                    self.panel.set_sending(false);
                    self.writing = None;
                    self.shown = Some(key.clone());
                    self.panel
                        .show_status(ctx.words.ticket_queued_title, ctx.words.ticket_queued);
                    dom::focus_quiet(&self.panel.focus_target());
                }
            }
        }
    }

    fn shows_ticket(&self, key: &str) -> bool {
        self.panel.view == View::Status && self.shown.as_deref() == Some(key)
    }

    fn show_ticket_state(&mut self, state: &TicketState, w: &Words) {
        let text = match state.status.as_str() {
            "delivered" => w
                .ticket_received
                .replace("{ref}", state.reference.as_deref().unwrap_or(&state.id)),
            "failed" => w.ticket_failed.replace("{id}", &state.id),
            _ => w.ticket_waiting.replace("{id}", &state.id),
        };
        self.panel.show_status(w.ticket_sent, &text);
    }

    /// A status answer: shown if the panel still shows that ticket; asked again
    /// while the help desk has not taken it.
    fn on_ticket_status(&mut self, key: String, state: TicketState, check: u32, ctx: &mut Ctx) {
        if !self.shows_ticket(&key) {
            return;
        }
        self.show_ticket_state(&state, ctx.words);
        if waymark::ticket::status_is_pending(&state.status) {
            tickets::schedule_status(key, state.id, check + 1);
        }
    }
}

/// What the user typed into the step's field (`field`), only when the guide allows it.
fn captured_fields(facts: &TicketFacts, field: Option<Element>, ctx: &Ctx) -> Vec<FieldValue> {
    let allowed = facts.guide.as_ref().is_some_and(|g| {
        ctx.engine
            .as_ref()
            .is_some_and(|e| e.guides().iter().any(|x| x.id == g.id && x.capture_fields))
    });
    let Some(el) = field else {
        return Vec::new();
    };
    if !allowed || !matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT") {
        return Vec::new();
    }
    let kind = el.get_attribute("type").unwrap_or_default();
    if kind.eq_ignore_ascii_case("password") || kind.eq_ignore_ascii_case("hidden") {
        return Vec::new();
    }
    let value = Reflect::get(&el, &"value".into())
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default();
    let label = ["aria-label", "name", "id"]
        .iter()
        .find_map(|a| el.get_attribute(a).filter(|v| !v.is_empty()))
        .unwrap_or_else(|| "Field".into());
    vec![FieldValue { label, value }]
}

/// The JSON the server's `POST /v1/apps/{app}/tickets` reads.
fn ticket_body(d: &TicketDraft, w: &Writing, user: &User) -> String {
    let o = Object::new();
    let set = |o: &Object, k: &str, v: JsValue| {
        let _ = Reflect::set(o, &JsValue::from_str(k), &v);
    };
    let text = |s: &str| JsValue::from_str(s);
    let opt = |s: &Option<String>| s.as_deref().map_or(JsValue::NULL, JsValue::from_str);
    set(&o, "subject", text(&d.subject));
    set(&o, "description", text(&d.body()));
    set(&o, "category", opt(&d.category));
    set(&o, "priority", text(priority_str(d.priority)));
    set(&o, "guide", opt(&w.guide));
    set(&o, "step", opt(&w.step));
    set(&o, "page_url", text(&w.page_url));
    let attr = |k: &str| user.attributes.get(k).cloned();
    let (name, email, hash) = (attr("name"), attr("email"), attr("hash"));
    if user.id.is_some() || name.is_some() || email.is_some() {
        let u = Object::new();
        set(&u, "id", opt(&user.id));
        set(&u, "name", opt(&name));
        set(&u, "email", opt(&email));
        set(&u, "hash", opt(&hash));
        set(&o, "user", u.into());
    }
    js_sys::JSON::stringify(&o)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_default()
}
