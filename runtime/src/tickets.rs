//! Tickets the user sends: posted with an idempotency key, kept on the device until
//! the server has them, and followed until the help desk has them.
//!
//! Owns the ticket's trip to the server. Pressing Send first writes the ticket to
//! localStorage with its key, then posts it: a 202 takes it off the device, a 4xx is
//! shown in the form (the server read and refused it), anything else (offline, 5xx,
//! 429) leaves it there to be posted again on the next page load, when the browser is
//! back online, or on a timer. The key stays the same on every retry, so the server
//! stores it once however often it arrives. After a 202 the ticket's status is asked
//! for until the help desk has given it a number. Also owns reporting each ticket
//! as filed (analytics) once, and the backing-off retry timer. What the help panel
//! shows of an answer is [`crate::help`]'s, handed over as [`News`].

use js_sys::{Array, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::Response;

use waymark::engine::Input;

use crate::context::Ctx;
use crate::dom;
use crate::msg::{post, Msg, TicketsMsg};
pub use crate::msg::{Answer, TicketState};
use crate::network::settle;

/// What the help panel hears of a ticket's trip.
pub enum News {
    /// The server answered a posted ticket; `current` when it is the one in the form.
    Answer {
        key: String,
        answer: Answer,
        current: bool,
    },
    /// A status answer, with the checks so far.
    Status(String, TicketState, u32),
}

/// A ticket waiting on this device: its key, its JSON body, and whether the
/// analytics event "ticket filed" has been sent for it (by this page or an earlier one).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Waiting {
    pub key: String,
    pub body: String,
    pub reported: bool,
}

pub struct Tickets {
    url: String,
    storage_key: String,
    /// Failed posts since the last success: how long the next retry waits
    /// ([`waymark::ticket::resend_delay_ms`]).
    failures: u32,
    retry_timer: i32,
    /// Tickets this page already reported as filed (analytics), by key.
    filed: Vec<String>,
    /// Keys being posted right now, so a retry does not post them twice at once.
    in_flight: Vec<String>,
    /// The waiting tickets as last written, for when localStorage is missing, full or
    /// forbidden: they are then retried for as long as the page lives.
    memory: Vec<Waiting>,
    /// Whether the last write reached localStorage (else `memory` is the truth).
    durable: bool,
}

impl Tickets {
    pub fn new(server: &str, app: &str) -> Tickets {
        let app_part: String = js_sys::encode_uri_component(app).into();
        Tickets {
            url: [server, "/v1/apps/", &app_part, "/tickets"].concat(),
            storage_key: ["waymark:", app, ":tickets"].concat(),
            failures: 0,
            retry_timer: 0,
            filed: Vec::new(),
            in_flight: Vec::new(),
            memory: Vec::new(),
            durable: true,
        }
    }

    fn storage() -> Option<web_sys::Storage> {
        dom::window()?.local_storage().ok().flatten()
    }

    /// The tickets waiting on this device, oldest first.
    fn waiting(&self) -> Vec<Waiting> {
        let Some(storage) = Tickets::storage().filter(|_| self.durable) else {
            return self.memory.clone();
        };
        let Some(text) = storage.get_item(&self.storage_key).ok().flatten() else {
            return Vec::new();
        };
        let Ok(list) = js_sys::JSON::parse(&text) else {
            return Vec::new();
        };
        if !Array::is_array(&list) {
            return Vec::new();
        }
        Array::from(&list)
            .iter()
            .filter_map(|w| {
                Some(Waiting {
                    key: dom::get_str(&w, "key")?,
                    body: dom::get_str(&w, "body")?,
                    reported: Reflect::get(&w, &"reported".into())
                        .ok()
                        .and_then(|r| r.as_bool())
                        .unwrap_or(false),
                })
            })
            .collect()
    }

    fn write(&mut self, list: &[Waiting]) {
        self.memory = list.to_vec();
        let Some(storage) = Tickets::storage() else {
            self.durable = false;
            return;
        };
        if list.is_empty() {
            self.durable = storage.remove_item(&self.storage_key).is_ok();
            return;
        }
        let out = Array::new();
        for w in list {
            let o = js_sys::Object::new();
            let _ = Reflect::set(&o, &"key".into(), &JsValue::from_str(&w.key));
            let _ = Reflect::set(&o, &"body".into(), &JsValue::from_str(&w.body));
            let _ = Reflect::set(&o, &"reported".into(), &JsValue::from_bool(w.reported));
            out.push(&o);
        }
        // A full storage throws: the page then keeps the tickets in memory.
        self.durable = js_sys::JSON::stringify(&out)
            .ok()
            .and_then(|s| s.as_string())
            .is_some_and(|text| storage.set_item(&self.storage_key, &text).is_ok());
    }

    /// Keeps a ticket on the device (replacing one with the same key).
    pub fn keep(&mut self, ticket: &Waiting) {
        let mut list = self.waiting();
        list.retain(|w| w.key != ticket.key);
        list.push(ticket.clone());
        self.write(&list);
    }

    /// The server has the ticket, or refused it for good: off the device.
    fn forget(&mut self, key: &str) {
        let mut list = self.waiting();
        list.retain(|w| w.key != key);
        self.write(&list);
    }

    /// Notes that "ticket filed" has been sent for this ticket.
    fn mark_reported(&mut self, key: &str) {
        let mut list = self.waiting();
        for w in list.iter_mut().filter(|w| w.key == key) {
            w.reported = true;
        }
        self.write(&list);
    }

    fn done_sending(&mut self, key: &str) {
        self.in_flight.retain(|k| k != key);
    }

    /// Posts a ticket; the answer comes back as [`TicketsMsg::Answer`].
    pub fn send(&mut self, ticket: &Waiting) {
        if self.in_flight.contains(&ticket.key) {
            return;
        }
        let Some(w) = dom::window() else { return };
        self.in_flight.push(ticket.key.clone());
        let headers = Array::of2(
            &Array::of2(&"content-type".into(), &"application/json".into()),
            &Array::of2(&"idempotency-key".into(), &ticket.key.as_str().into()),
        );
        let init = dom::options(r#"{"method":"POST","credentials":"omit"}"#);
        let _ = Reflect::set(&init, &"body".into(), &ticket.body.as_str().into());
        let _ = Reflect::set(&init, &"headers".into(), &headers);
        let sent = w.fetch_with_str_and_init(&self.url, init.unchecked_ref());
        let key = ticket.key.clone();
        settle(&sent, move |r| {
            let resp = r.ok().and_then(|v| v.dyn_into::<Response>().ok());
            read_answer(resp, move |answer| {
                post(Msg::Tickets(TicketsMsg::Answer(key, answer)))
            });
        });
    }

    /// Posts every waiting ticket not already on its way.
    pub fn send_waiting(&mut self) {
        for t in self.waiting() {
            self.send(&t);
        }
    }

    /// Asks for a ticket's status; `check` counts the checks so far.
    fn check_status(&self, key: String, id: &str, check: u32) {
        let id_part: String = js_sys::encode_uri_component(id).into();
        let url = [&self.url, "/", &id_part].concat();
        crate::network::get_json(&url, move |r| {
            if let Ok(v) = r {
                if let Some(state) = state_of(&v) {
                    post(Msg::Tickets(TicketsMsg::Status(key, state, check)));
                }
            }
        });
    }
}

impl Tickets {
    /// `writing`: the key of the ticket in the form, if any. Returns what the help
    /// panel is to show.
    pub fn update(
        &mut self,
        msg: TicketsMsg,
        writing: Option<String>,
        ctx: &mut Ctx,
    ) -> Option<News> {
        match msg {
            TicketsMsg::Answer(key, answer) => {
                let current = writing.as_deref() == Some(key.as_str());
                self.on_answer(&key, &answer, current, ctx);
                Some(News::Answer {
                    key,
                    answer,
                    current,
                })
            }
            TicketsMsg::Check(key, id, check) => {
                self.check_status(key, &id, check);
                None
            }
            TicketsMsg::Status(key, state, check) => Some(News::Status(key, state, check)),
            TicketsMsg::Resend => {
                self.resend();
                None
            }
        }
    }

    /// The server's answer to a posted ticket, on the device's side: off the device
    /// or kept for a retry, and "ticket filed" once per ticket, when the server has
    /// it or it is saved to be sent later, whichever page that happens on; without
    /// storage, from the page the user sent it from.
    // Out of line: not on the first step's path, so V8 compiles it only when
    // it is first called (it compiles wasm lazily, function by function).
    #[inline(never)]
    fn on_answer(&mut self, key: &str, answer: &Answer, current: bool, ctx: &mut Ctx) {
        self.done_sending(key);
        let unreported = match self.waiting().iter().find(|w| w.key == key) {
            Some(w) => !w.reported,
            None => current,
        };
        match answer {
            Answer::Accepted(state) => {
                if unreported {
                    self.filed(key, &state.id, ctx);
                }
                self.forget(key);
                if self.waiting().is_empty() {
                    self.failures = 0;
                }
            }
            Answer::Refused(_) => self.forget(key),
            Answer::Unreachable => {
                if unreported {
                    self.filed(key, key, ctx);
                    self.mark_reported(key);
                }
                self.schedule_retry();
            }
        }
    }

    /// Analytics: a ticket was filed (once per ticket, queued or not).
    fn filed(&mut self, key: &str, reference: &str, ctx: &mut Ctx) {
        if self.filed.iter().any(|k| k == key) {
            return;
        }
        self.filed.push(key.to_owned());
        ctx.later(Input::TicketFiled {
            reference: reference.to_owned(),
        });
    }

    /// Waiting tickets are posted again later, backing off.
    fn schedule_retry(&mut self) {
        if self.retry_timer != 0 {
            return;
        }
        self.failures += 1;
        let ms = waymark::ticket::resend_delay_ms(self.failures) as f64;
        self.retry_timer = dom::after(ms, || post(Msg::Tickets(TicketsMsg::Resend)));
    }

    /// Posts the tickets waiting on this device (page load, back online, timer).
    // Out of line: not on the first step's path, so V8 compiles it only when
    // it is first called (it compiles wasm lazily, function by function).
    #[inline(never)]
    fn resend(&mut self) {
        dom::cancel(std::mem::take(&mut self.retry_timer));
        self.send_waiting();
    }
}

/// Asks for the ticket's status after the delay for check `check`, if any.
pub fn schedule_status(key: String, id: String, check: u32) {
    if let Some(ms) = waymark::ticket::status_check_delay_ms(check) {
        dom::after(ms as f64, move || {
            post(Msg::Tickets(TicketsMsg::Check(key, id, check)))
        });
    }
}

fn state_of(v: &JsValue) -> Option<TicketState> {
    Some(TicketState {
        id: dom::get_str(v, "id")?,
        status: dom::get_str(v, "status")?,
        reference: dom::get_str(v, "reference").filter(|r| !r.is_empty()),
    })
}

/// Turns the server's response into an [`Answer`].
fn read_answer(resp: Option<Response>, done: impl FnOnce(Answer) + 'static) {
    let Some(resp) = resp else {
        return done(Answer::Unreachable);
    };
    let status = resp.status();
    if status >= 500 || status == 429 || status == 0 {
        return done(Answer::Unreachable);
    }
    let Ok(json) = resp.json() else {
        return done(Answer::Unreachable);
    };
    settle(&json, move |r| {
        let v = r.unwrap_or(JsValue::UNDEFINED);
        if (200..300).contains(&status) {
            return done(state_of(&v).map_or(Answer::Unreachable, Answer::Accepted));
        }
        let mut why = dom::get_str(&v, "error")
            .unwrap_or_else(|| ["HTTP ", &crate::dom::int(status.into())].concat());
        if let Ok(problems) = Reflect::get(&v, &"problems".into()) {
            if Array::is_array(&problems) {
                for p in Array::from(&problems).iter() {
                    let (Some(path), Some(message)) =
                        (dom::get_str(&p, "path"), dom::get_str(&p, "message"))
                    else {
                        continue;
                    };
                    why.push_str(&["; ", &path, ": ", &message].concat());
                }
            }
        }
        done(Answer::Refused(why))
    });
}
