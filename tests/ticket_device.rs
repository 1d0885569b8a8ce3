//! The device's ticket machine (`waymark::ticket::device::Filing`) on a fake clock:
//! a fake device (its storage, its network, one timer) carries out the effects the
//! way the runtime does.

use proptest::prelude::*;
use waymark::ticket::device::{Answer, Effect, Filing, Input, Shown, TicketState, Waiting};
use waymark::ticket::TicketStatus;
use waymark::Millis;

/// A page with the machine, its storage, the posts and polls it made, and its timer.
struct Page {
    filing: Filing,
    now: Millis,
    /// What localStorage holds (shared by the pages of one device).
    storage: Vec<Waiting>,
    /// Tickets posted, in order.
    sent: Vec<Waiting>,
    /// Status requests made: (key, id).
    polls: Vec<(String, String)>,
    /// References of "ticket filed" events.
    filed: Vec<String>,
    /// Everything else the machine asked for, in order.
    shown: Vec<Effect>,
    /// The armed timer.
    wake_at: Option<Millis>,
}

impl Page {
    /// A page loading on a device whose storage holds `storage`.
    fn load(now: Millis, storage: Vec<Waiting>) -> Page {
        let mut page = Page {
            filing: Filing::new(),
            now,
            storage: storage.clone(),
            sent: Vec::new(),
            polls: Vec::new(),
            filed: Vec::new(),
            shown: Vec::new(),
            wake_at: None,
        };
        page.feed(Input::Loaded { stored: storage });
        page
    }

    fn feed(&mut self, input: Input) -> Vec<Effect> {
        let effects = self.filing.handle(self.now, input);
        for e in &effects {
            match e {
                Effect::Store => self.storage = self.filing.waiting().to_vec(),
                Effect::Send(t) => self.sent.push(t.clone()),
                Effect::Poll { key, id } => self.polls.push((key.clone(), id.clone())),
                Effect::Filed { reference } => self.filed.push(reference.clone()),
                Effect::WakeAt(at) => self.wake_at = Some(*at),
                other => self.shown.push(other.clone()),
            }
        }
        effects
    }

    /// Lets time pass to `t`, waking the machine when its timer fires on the way.
    fn run_until(&mut self, t: Millis) {
        while let Some(at) = self.wake_at.filter(|&at| at <= t) {
            self.now = self.now.max(at);
            self.wake_at = None;
            self.feed(Input::Wake);
        }
        self.now = t;
    }

    /// The user opens the form for `key` and presses Send.
    fn submit(&mut self, key: &str) {
        self.feed(Input::Panel {
            form: Some(key.into()),
            status: None,
        });
        self.feed(Input::Submitted {
            key: key.into(),
            body: body(key),
        });
    }

    fn answer(&mut self, key: &str, answer: Answer) -> Vec<Effect> {
        self.feed(Input::Answered {
            key: key.into(),
            answer,
        })
    }

    fn status(&mut self, key: &str, state: TicketState) -> Vec<Effect> {
        self.feed(Input::StatusAnswered {
            key: key.into(),
            state,
        })
    }
}

fn body(key: &str) -> String {
    ["{\"subject\":\"Stuck (", key, ")\"}"].concat()
}

fn state(id: &str, status: TicketStatus) -> TicketState {
    TicketState {
        id: id.into(),
        status: Some(status),
        reference: (status == TicketStatus::Delivered).then(|| "RT-42".into()),
    }
}

fn accepted(id: &str, status: TicketStatus) -> Answer {
    Answer::Accepted(state(id, status))
}

fn keys(list: &[Waiting]) -> Vec<&str> {
    list.iter().map(|w| w.key.as_str()).collect()
}

#[test]
fn send_keeps_the_ticket_on_the_device_before_posting_it() {
    let mut p = Page::load(0, vec![]);
    p.feed(Input::Panel {
        form: Some("k1".into()),
        status: None,
    });
    let effects = p.feed(Input::Submitted {
        key: "k1".into(),
        body: body("k1"),
    });
    let w = Waiting {
        key: "k1".into(),
        body: body("k1"),
        reported: false,
    };
    assert_eq!(effects, [Effect::Store, Effect::Send(w.clone())]);
    assert_eq!(p.storage, [w]);
}

#[test]
fn a_delivered_ticket_leaves_the_device_is_filed_once_and_is_not_asked_about() {
    let mut p = Page::load(0, vec![]);
    p.submit("k1");
    p.now = 300;
    let effects = p.answer("k1", accepted("t-1", TicketStatus::Delivered));
    assert_eq!(
        effects,
        [
            Effect::Filed {
                reference: "t-1".into()
            },
            Effect::Store,
            Effect::ShowStatus {
                key: "k1".into(),
                shown: Shown::Taken(state("t-1", TicketStatus::Delivered)),
                answered: true
            },
        ]
    );
    assert!(p.storage.is_empty());
    assert_eq!(p.wake_at, None, "a final status is not asked for again");
}

#[test]
fn a_queued_ticket_is_asked_about_12_times_from_1_s_doubling_to_30_s() {
    let mut p = Page::load(0, vec![]);
    p.submit("k1");
    p.answer("k1", accepted("t-1", TicketStatus::Queued));
    let mut asked_at = Vec::new();
    for _ in 0..20 {
        let Some(at) = p.wake_at else { break };
        p.run_until(at - 1);
        assert!(p.polls.len() == asked_at.len(), "not before its time");
        p.run_until(at);
        assert_eq!(p.polls.len(), asked_at.len() + 1);
        asked_at.push(p.now);
        p.now += 50;
        let effects = p.status("k1", state("t-1", TicketStatus::Waiting));
        assert_eq!(
            effects[0],
            Effect::ShowStatus {
                key: "k1".into(),
                shown: Shown::Taken(state("t-1", TicketStatus::Waiting)),
                answered: false
            },
            "each answer updates the panel"
        );
    }
    let gaps: Vec<Millis> = std::iter::once(asked_at[0])
        .chain(asked_at.windows(2).map(|w| w[1] - w[0] - 50))
        .collect();
    assert_eq!(
        gaps,
        [
            1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000, 30_000, 30_000, 30_000,
            30_000
        ]
    );
    assert!(p.polls.iter().all(|(k, id)| k == "k1" && id == "t-1"));
}

#[test]
fn asking_stops_once_the_help_desk_has_the_ticket() {
    let mut p = Page::load(0, vec![]);
    p.submit("k1");
    p.answer("k1", accepted("t-1", TicketStatus::Queued));
    p.run_until(1_000);
    p.status("k1", state("t-1", TicketStatus::Waiting));
    p.run_until(3_000);
    let effects = p.status("k1", state("t-1", TicketStatus::Delivered));
    assert_eq!(
        effects,
        [Effect::ShowStatus {
            key: "k1".into(),
            shown: Shown::Taken(state("t-1", TicketStatus::Delivered)),
            answered: false
        }]
    );
    p.run_until(600_000);
    assert_eq!(p.polls.len(), 2);
}

#[test]
fn a_status_the_page_does_not_know_is_shown_and_not_asked_again() {
    let mut p = Page::load(0, vec![]);
    p.submit("k1");
    p.answer("k1", accepted("t-1", TicketStatus::Queued));
    p.run_until(1_000);
    let odd = TicketState {
        id: "t-1".into(),
        status: None,
        reference: None,
    };
    p.status("k1", odd);
    p.run_until(600_000);
    assert_eq!(p.polls.len(), 1);
}

#[test]
fn the_status_is_asked_for_only_while_the_panel_shows_the_ticket() {
    let mut p = Page::load(0, vec![]);
    p.submit("k1");
    p.answer("k1", accepted("t-1", TicketStatus::Queued));
    p.feed(Input::Panel {
        form: None,
        status: None,
    });
    p.run_until(600_000);
    assert!(p.polls.is_empty());

    // An answer to a request made before the panel closed is not shown.
    let mut p = Page::load(0, vec![]);
    p.submit("k1");
    p.answer("k1", accepted("t-1", TicketStatus::Queued));
    p.run_until(1_000);
    p.feed(Input::Panel {
        form: None,
        status: None,
    });
    assert!(p
        .status("k1", state("t-1", TicketStatus::Delivered))
        .is_empty());
}

#[test]
fn offline_the_ticket_is_saved_filed_with_its_key_and_sent_when_back_online() {
    let mut p = Page::load(0, vec![]);
    p.submit("k1");
    p.now = 100;
    let effects = p.answer("k1", Answer::Unreachable);
    assert_eq!(
        effects,
        [
            Effect::Filed {
                reference: "k1".into()
            },
            Effect::Store,
            Effect::ShowStatus {
                key: "k1".into(),
                shown: Shown::Saved,
                answered: true
            },
            Effect::WakeAt(5_100),
        ]
    );
    assert!(
        p.storage[0].reported,
        "a later page will not report it again"
    );
    p.now = 2_000;
    p.feed(Input::Online);
    assert_eq!(keys(&p.sent), ["k1", "k1"]);
    assert_eq!(
        (&p.sent[0].key, &p.sent[0].body),
        (&p.sent[1].key, &p.sent[1].body),
        "the same key and body every time"
    );
    p.answer("k1", accepted("t-1", TicketStatus::Delivered));
    assert_eq!(p.filed, ["k1"], "filed once, when it was saved");
    assert!(p.storage.is_empty());
    assert_eq!(p.filing.failures(), 0, "the backoff starts over");
}

#[test]
fn saved_tickets_are_posted_again_after_5_s_doubling_to_5_min() {
    let mut p = Page::load(0, vec![]);
    p.submit("k1");
    let mut posted_at = vec![0];
    for _ in 0..9 {
        p.answer("k1", Answer::Unreachable);
        let before = p.sent.len();
        let at = p.wake_at.expect("a retry is planned");
        p.run_until(at);
        assert_eq!(p.sent.len(), before + 1);
        posted_at.push(p.now);
    }
    let gaps: Vec<Millis> = posted_at.windows(2).map(|w| w[1] - w[0]).collect();
    assert_eq!(
        gaps,
        [5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000]
    );
    assert_eq!(p.filed.len(), 1);
}

#[test]
fn coming_back_online_does_not_double_a_post_already_on_its_way() {
    let mut p = Page::load(0, vec![]);
    p.submit("k1");
    p.feed(Input::Online);
    p.feed(Input::Online);
    assert_eq!(p.sent.len(), 1);
    p.answer("k1", Answer::Unreachable);
    p.feed(Input::Online);
    assert_eq!(
        p.sent.len(),
        2,
        "posted again once the first post has ended"
    );
}

#[test]
fn a_ticket_saved_by_an_earlier_page_is_posted_on_load_and_not_filed_twice() {
    let saved = Waiting {
        key: "k1".into(),
        body: body("k1"),
        reported: true,
    };
    let mut p = Page::load(50_000, vec![saved.clone()]);
    assert_eq!(p.sent, [saved]);
    p.answer("k1", accepted("t-9", TicketStatus::Queued));
    assert!(p.filed.is_empty(), "the earlier page reported it");
    assert!(p.storage.is_empty());
    assert!(
        p.shown.is_empty(),
        "no form or status of it on this page: nothing shown, nothing asked"
    );
    assert_eq!(p.wake_at, None);
}

#[test]
fn a_page_that_closed_before_the_answer_leaves_the_report_to_the_next_page() {
    let mut first = Page::load(0, vec![]);
    first.submit("k1");
    // The page goes away with the post out; the ticket is on the device, unreported.
    let mut next = Page::load(10_000, first.storage.clone());
    next.answer("k1", accepted("t-1", TicketStatus::Delivered));
    assert_eq!(next.filed, ["t-1"]);
}

#[test]
fn the_machine_state_survives_serde_between_any_two_inputs() {
    let mut p = Page::load(0, vec![]);
    p.submit("k1");
    p.answer("k1", Answer::Unreachable);
    let json = serde_json::to_string(&p.filing).unwrap();
    p.filing = serde_json::from_str(&json).unwrap();
    p.run_until(5_000);
    assert_eq!(p.sent.len(), 2, "the planned retry is still planned");
    p.answer("k1", accepted("t-1", TicketStatus::Delivered));
    assert_eq!(p.filed, ["k1"]);
}

#[test]
fn the_stored_list_has_the_runtime_s_json_shape() {
    let list = vec![Waiting {
        key: "wm-1".into(),
        body: "{}".into(),
        reported: true,
    }];
    assert_eq!(
        serde_json::to_string(&list).unwrap(),
        r#"[{"key":"wm-1","body":"{}","reported":true}]"#
    );
    let old: Vec<Waiting> = serde_json::from_str(r#"[{"key":"wm-2","body":"{}"}]"#).unwrap();
    assert!(!old[0].reported, "a list without the flag is unreported");
}

#[test]
fn a_refused_ticket_is_shown_in_the_form_dropped_and_never_retried() {
    let mut p = Page::load(0, vec![]);
    p.submit("k1");
    let effects = p.answer("k1", Answer::Refused("subject: empty".into()));
    assert_eq!(
        effects,
        [
            Effect::Store,
            Effect::ShowRefusal {
                why: "subject: empty".into()
            }
        ]
    );
    assert!(p.storage.is_empty() && p.filed.is_empty());
    p.run_until(3_600_000);
    p.feed(Input::Online);
    assert_eq!(p.sent.len(), 1);
    // The form is still open: corrected and sent again with its key, it goes through.
    p.feed(Input::Submitted {
        key: "k1".into(),
        body: body("k1"),
    });
    p.answer("k1", accepted("t-1", TicketStatus::Delivered));
    assert_eq!(p.filed, ["t-1"]);
}

#[test]
fn a_saved_ticket_refused_on_a_later_page_is_warned_about_and_dropped() {
    let saved = Waiting {
        key: "k1".into(),
        body: body("k1"),
        reported: true,
    };
    let mut p = Page::load(0, vec![saved]);
    let effects = p.answer("k1", Answer::Refused("app `x` is unknown".into()));
    assert_eq!(
        effects,
        [
            Effect::Store,
            Effect::WarnRefused {
                why: "app `x` is unknown".into()
            }
        ]
    );
    assert!(p.storage.is_empty());
}

#[test]
fn an_answer_after_the_user_closed_the_form_is_not_shown_but_still_filed() {
    let mut p = Page::load(0, vec![]);
    p.submit("k1");
    p.feed(Input::Panel {
        form: None,
        status: None,
    });
    p.answer("k1", accepted("t-1", TicketStatus::Queued));
    assert_eq!(p.filed, ["t-1"]);
    assert!(p.shown.is_empty());
    assert_eq!(p.wake_at, None);
}

#[test]
fn a_newer_form_does_not_take_the_answer_of_an_older_ticket() {
    let mut p = Page::load(0, vec![]);
    p.submit("k1");
    p.feed(Input::Panel {
        form: Some("k2".into()),
        status: None,
    });
    p.answer("k1", Answer::Refused("nope".into()));
    assert_eq!(p.shown, [Effect::WarnRefused { why: "nope".into() }]);
}

#[test]
fn a_ticket_another_tab_delivered_is_not_resurrected_by_this_one() {
    let mut p = Page::load(0, vec![]);
    p.submit("k1");
    p.answer("k1", Answer::Unreachable);
    p.submit("k2");
    // Another tab posted k1 meanwhile and took it off the device.
    let now_stored: Vec<Waiting> = p
        .storage
        .iter()
        .filter(|w| w.key != "k1")
        .cloned()
        .collect();
    p.feed(Input::Synced { stored: now_stored });
    p.answer("k2", accepted("t-2", TicketStatus::Delivered));
    assert!(p.storage.is_empty());
}

#[test]
fn an_early_wake_asks_for_the_wake_again() {
    let mut p = Page::load(0, vec![]);
    p.submit("k1");
    p.answer("k1", Answer::Unreachable);
    p.now = 4_000;
    let effects = p.feed(Input::Wake);
    assert_eq!(effects, [Effect::WakeAt(5_000)]);
}

/// How one post of the ticket ends, or the page reloading with it out.
#[derive(Clone, Debug)]
enum Step {
    Ends(u8),
    Online,
    Reload,
    Wait(Millis),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (0u8..4).prop_map(Step::Ends),
        1 => Just(Step::Online),
        1 => Just(Step::Reload),
        2 => (0u64..400_000).prop_map(Step::Wait),
    ]
}

proptest! {
    /// Whatever the network does and however often the page reloads, the ticket is
    /// reported filed at most once, never posted twice at the same time, and off the
    /// device once the server has it.
    #[test]
    fn a_ticket_is_filed_once_and_posted_one_at_a_time(steps in proptest::collection::vec(step(), 1..40)) {
        let mut p = Page::load(0, vec![]);
        p.submit("k1");
        let mut filed = 0;
        let mut out = 1usize;
        let mut accepted_once = false;
        for s in steps {
            match s {
                Step::Ends(n) if out > 0 => {
                    out -= 1;
                    let answer = match n {
                        0 => accepted("t-1", TicketStatus::Queued),
                        _ => Answer::Unreachable,
                    };
                    accepted_once |= matches!(answer, Answer::Accepted(_));
                    let before = p.sent.len();
                    p.answer("k1", answer);
                    out += p.sent.len() - before;
                }
                Step::Ends(_) => {}
                Step::Online => {
                    let before = p.sent.len();
                    p.feed(Input::Online);
                    out += p.sent.len() - before;
                }
                Step::Reload => {
                    filed += p.filed.len();
                    p = Page::load(p.now, p.storage.clone());
                    out = p.sent.len();
                }
                Step::Wait(ms) => {
                    let before = p.sent.len();
                    let t = p.now + ms;
                    p.run_until(t);
                    out += p.sent.len() - before;
                }
            }
            prop_assert!(out <= 1, "one post at a time per page");
            if accepted_once {
                prop_assert!(p.storage.is_empty());
            }
        }
        filed += p.filed.len();
        prop_assert!(filed <= 1, "filed {} times", filed);
    }
}

#[test]
fn a_saved_ticket_still_on_the_panel_is_followed_once_a_retry_reaches_the_server() {
    let mut p = Page::load(0, vec![]);
    p.submit("k1");
    p.answer("k1", Answer::Unreachable);
    // The panel says "saved" for k1 (the runtime feeds what it shows).
    p.feed(Input::Panel {
        form: None,
        status: Some("k1".into()),
    });
    p.run_until(5_000);
    let effects = p.answer("k1", accepted("t-1", TicketStatus::Queued));
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::ShowStatus { .. })),
        "not the form's answer: the panel is updated by the status check"
    );
    p.run_until(6_000);
    assert_eq!(p.polls, [("k1".to_string(), "t-1".to_string())]);
    let effects = p.status("k1", state("t-1", TicketStatus::Delivered));
    assert_eq!(
        effects,
        [Effect::ShowStatus {
            key: "k1".into(),
            shown: Shown::Taken(state("t-1", TicketStatus::Delivered)),
            answered: false
        }]
    );
}
