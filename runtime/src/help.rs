//! The help panel: the offer made to a stuck user, the ticket form, what became of
//! the ticket, and "Did this solve it?" at the end of a guide.
//!
//! Owns the panel's DOM (built the first time it is shown; one view at a time) and
//! reading what the user typed into the form. What is offered and when is the
//! engine's decision (an `OfferHelp`, `ComposeTicket` or `AskSolved` effect); the
//! ticket's wording is the core's [`waymark::ticket::compose`]; sending and queueing
//! is [`crate::tickets`].
//! Buttons post actions to the shell like every other Waymark control.

use js_sys::{Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use waymark::engine::{Input, SolvedAnswer};
use waymark::guide::Priority;
use waymark::redact::Redactor;
use waymark::ticket::{compose, FieldValue, TicketDraft, TicketFacts};
use web_sys::{Element, HtmlElement};

use crate::config::User;
use crate::i18n::Words;
use crate::shell::{post, Action, Msg, Shell};
use crate::tickets::{Answer, TicketState, Waiting};
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
pub struct HelpPanel {
    layer: Element,
    words: &'static Words,
    parts: Option<Parts>,
    pub view: View,
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

fn on_click(el: &Element, action: Action) {
    dom::listen(el, "click", false, false, move |_| post(Msg::Ui(action)));
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

        on_click(&close, Action::HelpClose);
        on_click(&contact, Action::HelpContact);
        on_click(&again, Action::HelpAgain);
        on_click(&related, Action::HelpRelated);
        on_click(&cancel, Action::HelpClose);
        on_click(&done, Action::HelpClose);
        on_click(&yes, Action::SolvedYes);
        on_click(&no, Action::SolvedNo);
        on_click(&skip, Action::HelpClose);
        dom::listen(&form, "submit", false, false, |e| {
            e.prevent_default();
            post(Msg::Ui(Action::TicketSend));
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

/// The help flow's state in the shell.
#[derive(Default)]
pub struct HelpState {
    pub writing: Option<Writing>,
    /// The ticket whose status the panel shows, by key.
    pub shown: Option<String>,
    /// Tickets this page already reported as filed (analytics), by key.
    pub filed: Vec<String>,
    /// Where focus was before the panel took it.
    pub return_focus: Option<Element>,
    /// Matches of the step's error selector already on the page.
    pub errors_seen: u32,
}

impl Shell {
    /// `OfferHelp`: the offer, with "Show me again" while a tour runs and "Related
    /// help" when the guide names a page. Focus moves in only when the user asked or
    /// was already in Waymark's UI; otherwise the offer is announced.
    // Out of line: not on the first step's path, so V8 compiles it only when
    // it is first called (it compiles wasm lazily, function by function).
    #[inline(never)]
    pub fn offer_help(&mut self, reason: &str, related: bool) {
        let again = self.engine.as_ref().is_some_and(|e| e.current().is_some());
        let take_focus = reason == "user_asked" || self.focus_in_waymark();
        self.launcher.close_panel();
        self.help.show_offer(self.words, reason, again, related);
        self.open_help(take_focus);
    }

    /// `ComposeTicket`: the engine's facts, completed with what the page knows, composed
    /// and redacted by the core, in the form.
    // Out of line: not on the first step's path, so V8 compiles it only when
    // it is first called (it compiles wasm lazily, function by function).
    #[inline(never)]
    pub fn compose_ticket(&mut self, mut facts: TicketFacts) {
        if let Some(w) = dom::window() {
            facts.page_title = w.document().map(|d| d.title()).unwrap_or_default();
            facts.user_agent = w.navigator().user_agent().unwrap_or_default();
            let size = |v: Result<JsValue, JsValue>| {
                v.ok().and_then(|v| v.as_f64()).unwrap_or(0.0).max(0.0) as u32
            };
            facts.viewport = (size(w.inner_width()), size(w.inner_height()));
        }
        facts.script_errors = pagelog::script_errors();
        facts.failed_requests = pagelog::failed_requests(&self.cfg.server);
        facts.fields = self.captured_fields(&facts);
        let draft = compose(&facts, &Redactor::default());
        let random = (js_sys::Math::random() * f64::from(u32::MAX)) as u32;
        let key = ["wm-", &self.session, "-", &dom::hex(random.into(), 8)].concat();
        self.launcher.close_panel();
        self.help.show_form(self.words, &draft);
        self.help_state.writing = Some(Writing {
            key,
            draft,
            guide: facts.guide.map(|g| g.id),
            step: facts.step.map(|s| s.id),
            page_url: facts.page_url,
        });
        self.open_help(true);
    }

    /// What the user typed into the step's field, only when the guide allows it.
    fn captured_fields(&self, facts: &TicketFacts) -> Vec<FieldValue> {
        let allowed = facts.guide.as_ref().is_some_and(|g| {
            self.engine
                .as_ref()
                .is_some_and(|e| e.guides().iter().any(|x| x.id == g.id && x.capture_fields))
        });
        let shown = self
            .step
            .as_ref()
            .filter(|s| facts.step.as_ref().is_some_and(|f| f.id == s.view.step_id));
        let Some(el) = shown.and_then(|s| s.found.as_ref()).map(|f| f.el.clone()) else {
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

    /// `AskSolved`: one skippable question at the end of a guide.
    // Out of line: not on the first step's path, so V8 compiles it only when
    // it is first called (it compiles wasm lazily, function by function).
    #[inline(never)]
    pub fn ask_solved(&mut self) {
        self.launcher.close_panel();
        self.help.show_solved(self.words);
        self.open_help(true);
    }

    fn focus_in_waymark(&self) -> bool {
        a11y::deep_active_element().is_some_and(|a| {
            let host: &Element = &self.layer.host;
            a == *host || dom::contains_composed(host, &a)
        })
    }

    fn open_help(&mut self, take_focus: bool) {
        if take_focus {
            if self.help_state.return_focus.is_none() {
                self.help_state.return_focus = a11y::deep_active_element();
            }
            dom::focus_quiet(&self.help.focus_target());
        } else {
            self.a11y
                .announce(&[self.words.need_a_hand, " ", &self.help.text_now()].concat());
        }
    }

    /// Closes the panel. Closing the question counts as skipping it.
    // Out of line: not on the first step's path, so V8 compiles it only when
    // it is first called (it compiles wasm lazily, function by function).
    #[inline(never)]
    pub fn close_help(&mut self) {
        if self.help.view == View::Solved {
            self.feed(Input::Solved {
                answer: SolvedAnswer::Skipped,
            });
        }
        self.help.hide();
        self.help_state.writing = None;
        self.help_state.shown = None;
        let back = self.help_state.return_focus.take();
        if self.popover.is_shown() {
            dom::focus_quiet(&self.popover.focus_target());
        } else if let Some(e) = back.filter(|e| e.is_connected()) {
            dom::focus_quiet(&e);
        }
    }

    /// Send: the user's edits posted with the ticket's key, after being kept on the
    /// device so that nothing is lost if the page goes away meanwhile.
    // Out of line: not on the first step's path, so V8 compiles it only when
    // it is first called (it compiles wasm lazily, function by function).
    #[inline(never)]
    pub fn send_ticket(&mut self) {
        let Some(w) = &self.help_state.writing else {
            return;
        };
        let edited = self.help.read_form(&w.draft);
        if edited.subject.is_empty() {
            self.help.set_error(Some(self.words.subject_missing));
            dom::focus_quiet(&self.help.focus_target());
            return;
        }
        let ticket = Waiting {
            key: w.key.clone(),
            body: ticket_body(&edited, w, &self.cfg.user),
            reported: false,
        };
        self.help.set_error(None);
        self.help.set_sending(true);
        self.a11y.announce(self.words.sending);
        self.tickets.keep(&ticket);
        self.tickets.send(&ticket);
    }

    /// The server's answer to a posted ticket.
    // Out of line: not on the first step's path, so V8 compiles it only when
    // it is first called (it compiles wasm lazily, function by function).
    #[inline(never)]
    pub fn on_ticket_answer(&mut self, key: String, answer: Answer) {
        self.tickets.done_sending(&key);
        let current = self
            .help_state
            .writing
            .as_ref()
            .is_some_and(|w| w.key == key)
            && self.help.view == View::Form;
        // "Ticket filed" goes out once per ticket, when the server has it or it is
        // saved to be sent later, whichever page that happens on; without storage,
        // from the page the user sent it from.
        let unreported = match self.tickets.waiting().iter().find(|w| w.key == key) {
            Some(w) => !w.reported,
            None => current,
        };
        match answer {
            Answer::Accepted(state) => {
                if unreported {
                    self.filed(&key, &state.id);
                }
                self.tickets.forget(&key);
                if self.tickets.waiting().is_empty() {
                    self.tickets.failures = 0;
                }
                if current {
                    self.help.set_sending(false);
                    self.help_state.writing = None;
                    self.help_state.shown = Some(key.clone());
                    self.show_ticket_state(&state);
                    dom::focus_quiet(&self.help.focus_target());
                }
                if waymark::ticket::status_is_pending(&state.status) && self.shows_ticket(&key) {
                    self.schedule_status(key, state.id, 0);
                }
            }
            Answer::Refused(why) => {
                self.tickets.forget(&key);
                if current {
                    self.help.set_sending(false);
                    self.help
                        .set_error(Some(&self.words.ticket_refused.replace("{why}", &why)));
                } else {
                    dom::warn(&["Waymark: a saved ticket was refused: ", &why].concat());
                }
            }
            Answer::Unreachable => {
                if unreported {
                    self.filed(&key, &key);
                    self.tickets.mark_reported(&key);
                }
                if current {
                    self.help.set_sending(false);
                    self.help_state.writing = None;
                    self.help_state.shown = Some(key.clone());
                    self.help
                        .show_status(self.words.ticket_queued_title, self.words.ticket_queued);
                    dom::focus_quiet(&self.help.focus_target());
                }
                self.schedule_ticket_retry();
            }
        }
    }

    /// Analytics: a ticket was filed (once per ticket, queued or not).
    fn filed(&mut self, key: &str, reference: &str) {
        if self.help_state.filed.iter().any(|k| k == key) {
            return;
        }
        self.help_state.filed.push(key.to_owned());
        self.feed(Input::TicketFiled {
            reference: reference.to_owned(),
        });
    }

    fn shows_ticket(&self, key: &str) -> bool {
        self.help.view == View::Status && self.help_state.shown.as_deref() == Some(key)
    }

    fn show_ticket_state(&mut self, state: &TicketState) {
        let w = self.words;
        let text = match state.status.as_str() {
            "delivered" => w
                .ticket_received
                .replace("{ref}", state.reference.as_deref().unwrap_or(&state.id)),
            "failed" => w.ticket_failed.replace("{id}", &state.id),
            _ => w.ticket_waiting.replace("{id}", &state.id),
        };
        self.help.show_status(w.ticket_sent, &text);
    }

    fn schedule_status(&mut self, key: String, id: String, check: u32) {
        if let Some(ms) = waymark::ticket::status_check_delay_ms(check) {
            dom::after(ms as f64, move || post(Msg::CheckTicket(key, id, check)));
        }
    }

    /// A status answer: shown if the panel still shows that ticket; asked again
    /// while the help desk has not taken it.
    // Out of line: not on the first step's path, so V8 compiles it only when
    // it is first called (it compiles wasm lazily, function by function).
    #[inline(never)]
    pub fn on_ticket_status(&mut self, key: String, state: TicketState, check: u32) {
        if !self.shows_ticket(&key) {
            return;
        }
        self.show_ticket_state(&state);
        if waymark::ticket::status_is_pending(&state.status) {
            self.schedule_status(key, state.id, check + 1);
        }
    }

    /// Waiting tickets are posted again later, backing off.
    pub fn schedule_ticket_retry(&mut self) {
        if self.tickets.retry_timer != 0 {
            return;
        }
        self.tickets.failures += 1;
        let ms = waymark::ticket::resend_delay_ms(self.tickets.failures) as f64;
        self.tickets.retry_timer = dom::after(ms, || post(Msg::ResendTickets));
    }

    /// Posts the tickets waiting on this device (page load, back online, timer).
    // Out of line: not on the first step's path, so V8 compiles it only when
    // it is first called (it compiles wasm lazily, function by function).
    #[inline(never)]
    pub fn resend_tickets(&mut self) {
        dom::cancel(std::mem::take(&mut self.tickets.retry_timer));
        self.tickets.send_waiting();
    }

    /// After the DOM changed: a new match of the step's error selector is a sign
    /// the user is stuck.
    pub fn check_errors(&mut self) {
        let selector = self
            .step
            .as_ref()
            .and_then(|s| s.view.error_selector.clone());
        let Some(selector) = selector else {
            self.help_state.errors_seen = 0;
            return;
        };
        let now = count_visible(&selector);
        if now > self.help_state.errors_seen {
            self.later(Input::ErrorShown);
        }
        self.help_state.errors_seen = now;
    }

    /// A step arrived: errors already on the page are not news.
    pub fn reset_errors(&mut self) {
        self.help_state.errors_seen = self
            .step
            .as_ref()
            .and_then(|s| s.view.error_selector.as_deref())
            .map_or(0, count_visible);
    }
}

/// Elements matching `selector` that take up space on the page.
fn count_visible(selector: &str) -> u32 {
    let Some(list) = dom::document().and_then(|d| d.query_selector_all(selector).ok()) else {
        return 0;
    };
    let mut n = 0;
    for i in 0..list.length() {
        if let Some(e) = list.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
            if e.get_client_rects().length() > 0 {
                n += 1;
            }
        }
    }
    n
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
