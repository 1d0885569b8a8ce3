//! The device side of a ticket's trip: kept on the device until the server has it,
//! posted and posted again, and followed until the help desk has it.
//!
//! Owns the rules of [`Filing`], a sans-IO state machine in the manner of the engine:
//! it is fed the time and what happened ([`Input`]) and answers what the page should
//! do ([`Effect`]). Pressing Send keeps the ticket on the device first, then posts it:
//! an accepted ticket leaves the device, a refused one is shown in the form (or, if
//! it was a saved one, reported on the console) and dropped, and an unreachable
//! server (offline, 5xx, 429) leaves it to be posted again on the next page load,
//! when the browser is back online, or after [`super::resend_delay_ms`]. The key is
//! the server's idempotency key and stays the same on every post, so the server
//! stores the ticket once however often it arrives. While the panel shows a ticket
//! the server has taken but its help desk has not, its status is asked for on the
//! cadence of [`super::status_check_delay_ms`]. Analytics hear "ticket filed" once
//! per ticket, whichever page that happens on.
//!
//! It must not touch storage, the network or a clock: the runtime reads and writes
//! localStorage ([`Effect::Store`], [`Input::Loaded`], [`Input::Synced`]), posts and
//! polls, and arms one timer ([`Effect::WakeAt`]).

use serde::{Deserialize, Serialize};

use super::{resend_delay_ms, status_check_delay_ms, TicketStatus};
use crate::Millis;

/// A ticket kept on this device until the server has it: its key (the idempotency
/// key), the JSON body posted, and whether "ticket filed" has been reported for it
/// (by this page or an earlier one). A list of these is what the device stores, in
/// this serde shape: `[{"key": "...", "body": "...", "reported": false}]`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Waiting {
    /// The idempotency key, the same on every post.
    pub key: String,
    /// The body of `POST /v1/apps/{app}/tickets`, as posted.
    pub body: String,
    /// "Ticket filed" has been reported for it; missing in storage means not yet.
    #[serde(default)]
    pub reported: bool,
}

/// The server's account of a ticket it has taken: its answer to a post or to a
/// status request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketState {
    /// The server's ticket id (the Waymark reference the user is shown).
    pub id: String,
    /// What became of it; `None` for a status this build does not know, which is
    /// shown like a wait and not asked about again.
    pub status: Option<TicketStatus>,
    /// The help desk's reference, once delivered.
    pub reference: Option<String>,
}

impl TicketState {
    /// Whether the status may still change, so the page asks again.
    pub fn is_pending(&self) -> bool {
        self.status.is_some_and(TicketStatus::is_pending)
    }
}

/// How a post of a ticket ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Answer {
    /// A 2xx with the ticket's state: the server has it.
    Accepted(TicketState),
    /// A 4xx other than 429: the server read the ticket and refused it, for this reason.
    Refused(String),
    /// Offline, a 5xx, a 429 or an unreadable answer: try again later.
    Unreachable,
}

/// What happened, for [`Filing::handle`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Input {
    /// The page (or a new configuration) started with these tickets on the device:
    /// they are posted now.
    Loaded {
        /// The device's list, oldest first.
        stored: Vec<Waiting>,
    },
    /// The device's list as read now. Another tab may have changed it since this page
    /// last wrote it; fed before any other input while storage works.
    Synced {
        /// The device's list, oldest first.
        stored: Vec<Waiting>,
    },
    /// What the help panel shows now: the form of the ticket with key `form`, or
    /// the status of the ticket with key `status`; neither when it is closed or
    /// shows something else (an offer, the question at the end of a guide). Fed
    /// whenever that may have changed, or before any other input. Only a ticket in
    /// the form hears its answer there, and only a shown status is asked after.
    Panel {
        /// The key of the ticket whose form is on the panel.
        form: Option<String>,
        /// The key of the ticket whose status is on the panel.
        status: Option<String>,
    },
    /// The user pressed Send on a valid form.
    Submitted {
        /// The form's key.
        key: String,
        /// The JSON body to post.
        body: String,
    },
    /// A post of the ticket with this key ended.
    Answered {
        /// The ticket's key.
        key: String,
        /// How it ended.
        answer: Answer,
    },
    /// The server answered a status request ([`Effect::Poll`]).
    StatusAnswered {
        /// The ticket's key.
        key: String,
        /// Its state now.
        state: TicketState,
    },
    /// The browser is back online: waiting tickets are posted now.
    Online,
    /// The time asked for by [`Effect::WakeAt`] has come (or passed).
    Wake,
}

/// What the panel says became of a ticket.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Shown {
    /// The server could not be reached: the ticket is saved on the device and will be
    /// sent automatically.
    Saved,
    /// The server has it, in this state.
    Taken(TicketState),
}

/// What the page should do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Effect {
    /// Write [`Filing::waiting`] to the device's storage (an empty list removes it).
    Store,
    /// Post this ticket with its key as the idempotency key, then feed
    /// [`Input::Answered`].
    Send(Waiting),
    /// Ask the server for the state of ticket `id`, then feed [`Input::StatusAnswered`]
    /// (nothing if the request fails).
    Poll {
        /// The ticket's key.
        key: String,
        /// The server's ticket id.
        id: String,
    },
    /// Report "ticket filed" to analytics, with the server's id, or the key when the
    /// ticket was saved for later. Once per ticket.
    Filed {
        /// The reference the event carries.
        reference: String,
    },
    /// Show what became of a ticket on the panel.
    ShowStatus {
        /// The ticket's key: the panel now shows its status.
        key: String,
        /// What to say.
        shown: Shown,
        /// This answers the user's Send: the Send button is released and focus
        /// moves to the panel. `false` for a later status update.
        answered: bool,
    },
    /// The server refused the ticket the user just sent: release the Send button and
    /// show why in the form, which stays open to be corrected and sent again.
    ShowRefusal {
        /// The server's reason.
        why: String,
    },
    /// A ticket saved on an earlier attempt was refused and is dropped: say so on
    /// the console, since no form is there to show it.
    WarnRefused {
        /// The server's reason.
        why: String,
    },
    /// Feed [`Input::Wake`] at this time. Replaces any earlier `WakeAt`.
    WakeAt(Millis),
}

/// A status request of the ticket the panel shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Poll {
    key: String,
    id: String,
    /// Requests made before this one (0 first).
    check: u32,
    /// When to ask; `None` while the request is out.
    due: Option<Millis>,
}

/// The device's ticket machine. Its state serializes with serde; what must outlive
/// the page is [`Filing::waiting`], which the runtime stores on [`Effect::Store`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filing {
    /// Tickets kept on the device, oldest first.
    waiting: Vec<Waiting>,
    /// Keys being posted right now, so a retry does not post them twice at once.
    in_flight: Vec<String>,
    /// Failed posts since the device last emptied: how long the next retry waits.
    failures: u32,
    /// When waiting tickets are posted again, if a retry is planned.
    retry_at: Option<Millis>,
    /// The key of the ticket whose form is on the panel.
    form: Option<String>,
    /// The key of the ticket whose status is on the panel.
    shown: Option<String>,
    poll: Option<Poll>,
    /// Tickets this page has reported as filed.
    filed: Vec<String>,
    /// The wake-up last asked for.
    armed: Option<Millis>,
}

impl Filing {
    /// A machine with nothing on the device yet; feed [`Input::Loaded`] next.
    pub fn new() -> Filing {
        Filing::default()
    }

    /// The tickets kept on the device, oldest first: what [`Effect::Store`] writes.
    pub fn waiting(&self) -> &[Waiting] {
        &self.waiting
    }

    /// Failed posts since the device last emptied (the backoff's attempt count).
    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// When the machine next wants [`Input::Wake`], if ever.
    pub fn next_wake(&self) -> Option<Millis> {
        let poll = self.poll.as_ref().and_then(|p| p.due);
        match (self.retry_at, poll) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Takes in what happened at `now` and answers what to do, in order.
    pub fn handle(&mut self, now: Millis, input: Input) -> Vec<Effect> {
        let mut out = Vec::new();
        match input {
            Input::Loaded { stored } => {
                self.waiting = stored;
                self.resend(&mut out);
            }
            Input::Synced { stored } => self.waiting = stored,
            Input::Panel { form, status } => {
                self.form = form;
                self.shown = status;
            }
            Input::Submitted { key, body } => {
                let ticket = Waiting {
                    key,
                    body,
                    reported: false,
                };
                self.take(&ticket.key);
                self.waiting.push(ticket.clone());
                out.push(Effect::Store);
                self.send(ticket, &mut out);
            }
            Input::Answered { key, answer } => self.answered(now, key, answer, &mut out),
            Input::StatusAnswered { key, state } => {
                if self.poll.as_ref().is_none_or(|p| p.key != key) {
                    // Not the ticket being followed (any more): nothing to show.
                    return self.wake_effect(out);
                }
                let check = self.poll.take().map_or(0, |p| p.check);
                if self.shown.as_deref() == Some(key.as_str()) {
                    let pending = state.is_pending();
                    let id = state.id.clone();
                    out.push(Effect::ShowStatus {
                        key: key.clone(),
                        shown: Shown::Taken(state),
                        answered: false,
                    });
                    if pending {
                        self.follow(now, key, id, check + 1);
                    }
                }
            }
            Input::Online => self.resend(&mut out),
            Input::Wake => {
                self.armed = None;
                if self.retry_at.is_some_and(|at| at <= now) {
                    self.resend(&mut out);
                }
                if let Some(p) = self
                    .poll
                    .as_mut()
                    .filter(|p| p.due.is_some_and(|d| d <= now))
                {
                    if self.shown.as_deref() == Some(p.key.as_str()) {
                        p.due = None;
                        out.push(Effect::Poll {
                            key: p.key.clone(),
                            id: p.id.clone(),
                        });
                    } else {
                        // The panel no longer shows it: its status would not be shown.
                        self.poll = None;
                    }
                }
            }
        }
        self.wake_effect(out)
    }

    /// Ends `out` with a `WakeAt` when the next deadline is not the one asked for.
    fn wake_effect(&mut self, mut out: Vec<Effect>) -> Vec<Effect> {
        let next = self.next_wake();
        if next != self.armed {
            self.armed = next;
            if let Some(at) = next {
                out.push(Effect::WakeAt(at));
            }
        }
        out
    }

    /// Posts `ticket` unless a post of it is already out.
    fn send(&mut self, ticket: Waiting, out: &mut Vec<Effect>) {
        if self.in_flight.contains(&ticket.key) {
            return;
        }
        self.in_flight.push(ticket.key.clone());
        out.push(Effect::Send(ticket));
    }

    /// Posts every waiting ticket not already on its way; any planned retry is off.
    fn resend(&mut self, out: &mut Vec<Effect>) {
        self.retry_at = None;
        for i in 0..self.waiting.len() {
            let t = self.waiting[i].clone();
            self.send(t, out);
        }
    }

    /// Takes the ticket with `key` off the list (keys are unique on it).
    fn take(&mut self, key: &str) -> bool {
        let found = self.waiting.iter().position(|w| w.key == key);
        found.map(|i| self.waiting.remove(i)).is_some()
    }

    /// Reports "ticket filed" for `key`, once per page.
    fn filed(&mut self, key: &str, reference: &str, out: &mut Vec<Effect>) {
        if self.filed.iter().any(|k| k == key) {
            return;
        }
        self.filed.push(key.to_owned());
        out.push(Effect::Filed {
            reference: reference.to_owned(),
        });
    }

    /// Takes `key` off the device.
    fn forget(&mut self, key: &str, out: &mut Vec<Effect>) {
        if self.take(key) {
            out.push(Effect::Store);
        }
    }

    /// Asks for the status of the shown ticket after the delay of check `check`.
    fn follow(&mut self, now: Millis, key: String, id: String, check: u32) {
        self.poll = status_check_delay_ms(check).map(|ms| Poll {
            key,
            id,
            check,
            due: Some(now.saturating_add(ms)),
        });
    }

    fn answered(&mut self, now: Millis, key: String, answer: Answer, out: &mut Vec<Effect>) {
        if let Some(i) = self.in_flight.iter().position(|k| *k == key) {
            self.in_flight.swap_remove(i);
        }
        let current = self.form.as_deref() == Some(key.as_str());
        // "Ticket filed" goes out once per ticket, when the server has it or it is
        // saved to be sent later, whichever page that happens on; a ticket that is not
        // on the device (storage gone) is reported by the page it was sent from.
        let unreported = match self.waiting.iter().find(|w| w.key == key) {
            Some(w) => !w.reported,
            None => current,
        };
        match answer {
            Answer::Accepted(state) => {
                if unreported {
                    self.filed(&key, &state.id, out);
                }
                self.forget(&key, out);
                if self.waiting.is_empty() {
                    self.failures = 0;
                }
                let (pending, id) = (state.is_pending(), state.id.clone());
                if current {
                    self.form = None;
                    self.shown = Some(key.clone());
                    out.push(Effect::ShowStatus {
                        key: key.clone(),
                        shown: Shown::Taken(state),
                        answered: true,
                    });
                }
                if pending && self.shown.as_deref() == Some(key.as_str()) {
                    self.follow(now, key, id, 0);
                }
            }
            Answer::Refused(why) => {
                self.forget(&key, out);
                out.push(if current {
                    Effect::ShowRefusal { why }
                } else {
                    Effect::WarnRefused { why }
                });
            }
            Answer::Unreachable => {
                if unreported {
                    self.filed(&key, &key, out);
                    if let Some(w) = self.waiting.iter_mut().find(|w| w.key == key) {
                        w.reported = true;
                        out.push(Effect::Store);
                    }
                }
                if current {
                    self.form = None;
                    self.shown = Some(key.clone());
                    out.push(Effect::ShowStatus {
                        key,
                        shown: Shown::Saved,
                        answered: true,
                    });
                }
                if self.retry_at.is_none() {
                    self.failures = self.failures.saturating_add(1);
                    self.retry_at = Some(now.saturating_add(resend_delay_ms(self.failures)));
                }
            }
        }
    }
}
