//! The level-1 ticket a stuck user reviews and sends: what it says, composed from facts.
//!
//! Owns the wording and structure of a [`TicketDraft`]: subject, a description an L1
//! agent can act on (guide, step, what was done and when, the page, browser, OS,
//! viewport, language), the optional attachments (script errors, failed requests, field
//! values the guide allows), category and priority, all passed through a
//! [`Redactor`] before the user even sees them. It reads no page, no clock and no
//! storage: the runtime gathers the facts into a [`TicketFacts`], and the user may still
//! edit every part and switch each attachment off.
//!
//! What happens to the ticket on the device after Send (kept, posted, retried,
//! followed) is [`device`]'s state machine; what the server says became of it is a
//! [`TicketStatus`].

pub mod device;
mod status;

pub use status::TicketStatus;

use serde::{Deserialize, Serialize};

use crate::guide::Priority;
use crate::redact::Redactor;
use crate::text::{push_int, push_int2};
use crate::Millis;

/// Everything known when the user asks for a person.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TicketFacts {
    /// The guide the user was in, if any.
    pub guide: Option<GuideRef>,
    /// The step they were on, if any.
    pub step: Option<StepRef>,
    /// Why help was offered: `dwell`, `target_missing`, `user_asked`, ...
    pub reason: Option<String>,
    /// The guide's ticket category.
    pub category: Option<String>,
    /// The guide's ticket priority.
    pub priority: Priority,
    /// The page's URL; only its path reaches the ticket.
    pub page_url: String,
    /// The page's title.
    pub page_title: String,
    /// The browser's user agent string, for the browser and OS lines.
    pub user_agent: String,
    /// The viewport's width and height in CSS pixels.
    pub viewport: (u32, u32),
    /// The user's language tag, e.g. `en-GB`.
    pub language: String,
    /// When the facts were gathered.
    pub at: Millis,
    /// What the user did in the guide, oldest first.
    pub history: Vec<Action>,
    /// Recent script errors of the page, oldest first.
    pub script_errors: Vec<ScriptError>,
    /// Recent failed requests of the page, oldest first.
    pub failed_requests: Vec<FailedRequest>,
    /// Values of the host app's fields; only filled when the guide allows capture.
    pub fields: Vec<FieldValue>,
}

/// The guide a ticket is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuideRef {
    /// The guide's id.
    pub id: String,
    /// Its title in the user's language.
    pub title: String,
    /// Its version.
    pub version: u32,
}

/// The step a ticket is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepRef {
    /// Its position, 0 first.
    pub index: usize,
    /// The step's id.
    pub id: String,
    /// Its title in the user's language.
    pub title: String,
    /// How many steps the guide has.
    pub total: usize,
}

/// Something the user did in the guide.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Action {
    /// When.
    pub at: Millis,
    /// What, in words an agent reads: `reached step 5, "Cost centre"`.
    pub what: String,
}

/// A script error the page saw.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScriptError {
    /// When.
    pub at: Millis,
    /// The error's message (redacted before it reaches the ticket).
    pub message: String,
}

/// A request of the page that failed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailedRequest {
    /// When.
    pub at: Millis,
    /// The HTTP method.
    pub method: String,
    /// The URL as requested; only its path is kept in the ticket.
    pub url: String,
    /// 0 for a network error.
    pub status: u16,
}

/// A value the user typed into a host app's field, captured only where the guide allows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldValue {
    /// The field's accessible name, `name` or `id`.
    pub label: String,
    /// What was in it (redacted before it reaches the ticket).
    pub value: String,
}

/// The ticket as the user reviews it. Every text is already redacted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketDraft {
    /// One line, at most 120 characters.
    pub subject: String,
    /// What an L1 agent reads first: why, guide, step, page and what was done.
    pub description: String,
    /// The help desk category (from the guide).
    pub category: Option<String>,
    /// The priority (from the guide).
    pub priority: Priority,
    /// The parts the user may switch off, each appended to the body when on.
    pub attachments: Vec<Attachment>,
}

/// A part the user can switch off before sending.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// `environment`, `script_errors`, `failed_requests`, `fields`.
    pub key: String,
    /// Its heading in the form and the body.
    pub label: String,
    /// What is sent.
    pub text: String,
    /// Whether it goes with the ticket.
    pub include: bool,
}

/// How long the page waits before posting a saved ticket again, after `attempt`
/// failed posts (1 or more): 5 s, doubling, at most 5 min. The key stays the same, so
/// posting often never makes a second ticket; backing off spares a server that is down.
pub fn resend_delay_ms(attempt: u32) -> Millis {
    const FIRST: Millis = 5_000;
    const LAST: Millis = 300_000;
    FIRST
        .saturating_mul(1 << attempt.saturating_sub(1).min(16))
        .min(LAST)
}

/// How long the page waits before status check number `check` (0 first) of a ticket
/// the server has taken: 1 s, doubling, at most 30 s; `None` after 12 checks, when the
/// user has long had their answer that IT will receive it.
pub fn status_check_delay_ms(check: u32) -> Option<Millis> {
    (check < 12).then(|| (1_000 << check.min(5)).min(30_000))
}

/// Whether a ticket status the server answered may still change, so the page asks
/// again: `queued` (not tried yet) and `waiting` (its help desk is down or slow and
/// it is retried). `delivered` and `failed` are final, and so is a status this build
/// does not know ([`TicketStatus::is_pending`]).
pub fn status_is_pending(status: &str) -> bool {
    TicketStatus::parse(status).is_some_and(TicketStatus::is_pending)
}

/// At most this many of each list make it into a ticket, newest kept.
pub const MAX_LISTED: usize = 10;
const MAX_SUBJECT: usize = 120;

impl TicketDraft {
    /// The text sent to the help desk: the description, then each included attachment.
    pub fn body(&self) -> String {
        let mut out = self.description.trim_end().to_owned();
        for a in self.attachments.iter().filter(|a| a.include) {
            out.push_str("\n\n");
            out.push_str(&a.label);
            out.push_str(":\n");
            out.push_str(&a.text);
        }
        out
    }
}

/// Composes the draft from the facts, redacting every text.
pub fn compose(f: &TicketFacts, redactor: &Redactor) -> TicketDraft {
    let r = |s: &str| redactor.redact(s);
    // Put together with `push_str` and `push_int`, not `format!`: this runs in the
    // page (see `crate::text`).
    let subject = match (&f.guide, &f.step) {
        (Some(g), Some(s)) => {
            let mut out = ["Stuck in \"", &g.title, "\" at step "].concat();
            push_int(&mut out, s.index as u64 + 1);
            out.push_str(" of ");
            push_int(&mut out, s.total as u64);
            out.push_str(": ");
            out.push_str(&s.title);
            out
        }
        (Some(g), None) => ["Help needed with \"", &g.title, "\""].concat(),
        (None, _) if !f.page_title.is_empty() => {
            ["Help needed on \"", &f.page_title, "\""].concat()
        }
        (None, _) => "Help needed".to_owned(),
    };
    let mut d = String::new();
    d.push_str("The user asked for help from Waymark");
    if let Some(reason) = &f.reason {
        d.push_str(" (");
        d.push_str(reason_text(reason));
        d.push(')');
    }
    d.push_str(".\n\n");
    if let Some(g) = &f.guide {
        d.push_str("Guide: ");
        d.push_str(&g.title);
        d.push_str(" (");
        d.push_str(&g.id);
        d.push_str(", version ");
        push_int(&mut d, g.version.into());
        d.push_str(")\n");
    }
    if let Some(s) = &f.step {
        d.push_str("Step: ");
        push_int(&mut d, s.index as u64 + 1);
        d.push_str(" of ");
        push_int(&mut d, s.total as u64);
        d.push_str(", \"");
        d.push_str(&s.title);
        d.push_str("\" (");
        d.push_str(&s.id);
        d.push_str(")\n");
    }
    d.push_str("Page: ");
    d.push_str(&page_line(f));
    d.push('\n');
    if !f.history.is_empty() {
        d.push_str("\nWhat was done:\n");
        for a in tail(&f.history) {
            d.push_str("- ");
            push_clock(&mut d, a.at, f.at);
            d.push(' ');
            d.push_str(&a.what);
            d.push('\n');
        }
    }
    let mut environment = ["Browser: ", &browser(&f.user_agent), "\nOS: "].concat();
    environment.push_str(os(&f.user_agent));
    environment.push_str("\nViewport: ");
    push_int(&mut environment, f.viewport.0.into());
    environment.push_str(" x ");
    push_int(&mut environment, f.viewport.1.into());
    environment.push_str("\nLanguage: ");
    environment.push_str(if f.language.is_empty() {
        "unknown"
    } else {
        &f.language
    });
    let mut attachments = vec![attachment("environment", "Browser and device", environment)];
    if !f.script_errors.is_empty() {
        let mut text = String::new();
        for e in tail(&f.script_errors) {
            push_entry(&mut text, Some((e.at, f.at)));
            text.push_str(&r(&e.message));
        }
        attachments.push(attachment("script_errors", "Recent script errors", text));
    }
    if !f.failed_requests.is_empty() {
        let mut text = String::new();
        for q in tail(&f.failed_requests) {
            push_entry(&mut text, Some((q.at, f.at)));
            text.push_str(&q.method.to_ascii_uppercase());
            text.push(' ');
            text.push_str(&path_of(&q.url));
            text.push_str(" → ");
            if q.status == 0 {
                text.push_str("network error");
            } else {
                push_int(&mut text, q.status.into());
            }
        }
        attachments.push(attachment("failed_requests", "Failed requests", text));
    }
    if !f.fields.is_empty() {
        let mut text = String::new();
        for v in &f.fields {
            push_entry(&mut text, None);
            text.push_str(&v.label);
            text.push_str(": ");
            text.push_str(&r(&v.value));
        }
        attachments.push(attachment("fields", "Values entered in the form", text));
    }
    TicketDraft {
        subject: truncate(&r(&subject), MAX_SUBJECT),
        description: r(&d),
        category: f.category.clone(),
        priority: f.priority,
        attachments,
    }
}

fn reason_text(reason: &str) -> &str {
    match reason {
        "dwell" => "they stayed on one step for a long time",
        "target_missing" => "the element the guide points at never appeared",
        "user_asked" => "they pressed \"I'm stuck\"",
        "rage_clicks" => "they clicked repeatedly without getting further",
        "error_shown" => "an error message appeared",
        "back_and_forth" => "they went back and forth between steps",
        "not_solved" => "they finished the guide but it did not solve their problem",
        other => other,
    }
}

fn page_line(f: &TicketFacts) -> String {
    let path = path_of(&f.page_url);
    if f.page_title.is_empty() {
        path
    } else {
        [f.page_title.as_str(), " (", &path, ")"].concat()
    }
}

/// `https://h/a/b?x=1#y` → `https://h/a/b`: queries often carry personal data.
fn path_of(url: &str) -> String {
    url.split(['?', '#']).next().unwrap_or("").to_owned()
}

/// An attachment the user sees switched on.
fn attachment(key: &str, label: &str, text: String) -> Attachment {
    Attachment {
        key: key.into(),
        label: label.into(),
        text,
        include: true,
    }
}

/// Starts a `- ` line of an attachment's list, after the time of the entry relative
/// to when the ticket was drafted (`(at, now)`) when it has one.
fn push_entry(text: &mut String, when: Option<(Millis, Millis)>) {
    if !text.is_empty() {
        text.push('\n');
    }
    text.push_str("- ");
    if let Some((at, now)) = when {
        push_clock(text, at, now);
        text.push(' ');
    }
}

fn tail<T>(items: &[T]) -> &[T] {
    items
        .get(items.len().saturating_sub(MAX_LISTED)..)
        .unwrap_or_default()
}

/// Time of an action relative to when the ticket was drafted: `[-2m05s]`.
fn push_clock(out: &mut String, at: Millis, now: Millis) {
    let s = now.saturating_sub(at) / 1000;
    out.push_str("[-");
    if s >= 3600 {
        push_int(out, s / 3600);
        out.push('h');
        push_int2(out, (s % 3600) / 60);
        out.push_str("m]");
    } else {
        push_int(out, s / 60);
        out.push('m');
        push_int2(out, s % 60);
        out.push_str("s]");
    }
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(max - 1).collect();
    out.push('…');
    out
}

/// `Chrome 156`, `Firefox 140`, `Safari 18`, `Edge 150` from a user agent string.
pub fn browser(ua: &str) -> String {
    let version = |key: &str| {
        ua.split(key)
            .nth(1)
            .map(|rest| {
                rest.split(|c: char| !c.is_ascii_digit())
                    .next()
                    .unwrap_or("")
            })
            .filter(|v| !v.is_empty())
    };
    let named = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
    ];
    for (key, name) in named {
        if let Some(v) = version(key) {
            return [name, " ", v].concat();
        }
    }
    if ua.contains("Safari/") {
        if let Some(v) = version("Version/") {
            return ["Safari ", v].concat();
        }
    }
    if ua.is_empty() {
        "unknown".into()
    } else {
        ua.chars().take(80).collect()
    }
}

/// `Windows`, `macOS`, `Linux`, `Android`, `iOS`, `ChromeOS` from a user agent string.
pub fn os(ua: &str) -> &'static str {
    if ua.contains("Android") {
        "Android"
    } else if ua.contains("iPhone") || ua.contains("iPad") {
        "iOS"
    } else if ua.contains("Windows") {
        "Windows"
    } else if ua.contains("CrOS") {
        "ChromeOS"
    } else if ua.contains("Mac OS X") || ua.contains("Macintosh") {
        "macOS"
    } else if ua.contains("Linux") {
        "Linux"
    } else {
        "unknown"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_keeps_asking_while_a_ticket_is_queued_or_waiting_for_its_help_desk() {
        assert!(status_is_pending("queued"));
        assert!(
            status_is_pending("waiting"),
            "a help desk outage is not an answer"
        );
        assert!(!status_is_pending("delivered"));
        assert!(!status_is_pending("failed"));
    }

    #[test]
    fn saved_tickets_are_posted_again_after_5_s_doubling_to_5_min() {
        let waits: Vec<Millis> = (1..=10).map(resend_delay_ms).collect();
        assert_eq!(
            waits,
            [5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000, 300_000]
        );
        assert_eq!(resend_delay_ms(u32::MAX), 300_000, "no overflow");
    }

    #[test]
    fn status_is_asked_12_times_from_1_s_doubling_to_30_s() {
        let waits: Vec<Millis> = (0..20).map_while(status_check_delay_ms).collect();
        assert_eq!(
            waits,
            [
                1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000, 30_000, 30_000, 30_000,
                30_000
            ]
        );
    }

    const CHROME: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.8078.73 Safari/537.36";

    fn facts() -> TicketFacts {
        TicketFacts {
            guide: Some(GuideRef {
                id: "raise-requisition".into(),
                title: "Raise a purchase requisition".into(),
                version: 3,
            }),
            step: Some(StepRef {
                index: 4,
                id: "cost-centre".into(),
                title: "Charge it to your cost centre".into(),
                total: 8,
            }),
            reason: Some("dwell".into()),
            category: Some("purchasing".into()),
            priority: Priority::Normal,
            page_url: "https://buy.test/demo/requisitions/new?email=bob@corp.example&token=abc"
                .into(),
            page_title: "New requisition".into(),
            user_agent: CHROME.into(),
            viewport: (1280, 800),
            language: "en-GB".into(),
            at: 200_000,
            history: vec![
                Action {
                    at: 80_000,
                    what: "started the guide from the launcher".into(),
                },
                Action {
                    at: 125_000,
                    what: "reached step 5, \"Charge it to your cost centre\"".into(),
                },
            ],
            script_errors: vec![ScriptError {
                at: 190_000,
                message: "TypeError: x is undefined (mail bob@corp.example)".into(),
            }],
            failed_requests: vec![FailedRequest {
                at: 195_000,
                method: "post".into(),
                url: "https://buy.test/api/costcentres/4410?key=zzz".into(),
                status: 503,
            }],
            fields: vec![],
        }
    }

    #[test]
    fn the_subject_names_the_guide_and_the_step() {
        let d = compose(&facts(), &Redactor::default());
        assert_eq!(d.subject, "Stuck in \"Raise a purchase requisition\" at step 5 of 8: Charge it to your cost centre");
        assert_eq!(
            (d.category.as_deref(), d.priority),
            (Some("purchasing"), Priority::Normal)
        );
    }

    #[test]
    fn the_description_says_guide_step_page_and_what_was_done_with_times() {
        let d = compose(&facts(), &Redactor::default());
        let expected =
            "The user asked for help from Waymark (they stayed on one step for a long time).\n\n\
Guide: Raise a purchase requisition (raise-requisition, version 3)\n\
Step: 5 of 8, \"Charge it to your cost centre\" (cost-centre)\n\
Page: New requisition (https://buy.test/demo/requisitions/new)\n\n\
What was done:\n\
- [-2m00s] started the guide from the launcher\n\
- [-1m15s] reached step 5, \"Charge it to your cost centre\"\n";
        assert_eq!(d.description, expected);
    }

    #[test]
    fn attachments_list_environment_errors_and_failed_requests_redacted() {
        let d = compose(&facts(), &Redactor::default());
        let keys: Vec<&str> = d.attachments.iter().map(|a| a.key.as_str()).collect();
        assert_eq!(keys, ["environment", "script_errors", "failed_requests"]);
        assert_eq!(
            d.attachments[0].text,
            "Browser: Chrome 156\nOS: Linux\nViewport: 1280 x 800\nLanguage: en-GB"
        );
        assert_eq!(
            d.attachments[1].text,
            "- [-0m10s] TypeError: x is undefined (mail [email])"
        );
        assert_eq!(
            d.attachments[2].text,
            "- [-0m05s] POST https://buy.test/api/costcentres/4410 → 503"
        );
    }

    #[test]
    fn switched_off_attachments_stay_out_of_the_body() {
        let mut d = compose(&facts(), &Redactor::default());
        d.attachments[1].include = false;
        let body = d.body();
        assert!(body.contains("Browser and device:\nBrowser: Chrome 156"));
        assert!(!body.contains("TypeError"));
        assert!(body.contains("Failed requests:"));
        assert!(
            !body.contains("bob@corp.example") && !body.contains("zzz") && !body.contains("abc")
        );
    }

    #[test]
    fn field_values_appear_only_when_given_and_are_redacted() {
        let mut f = facts();
        f.fields = vec![FieldValue {
            label: "Supplier contact".into(),
            value: "ann@acme.example, +44 20 7946 0958".into(),
        }];
        let d = compose(&f, &Redactor::default());
        assert_eq!(
            d.attachments.last().unwrap().text,
            "- Supplier contact: [email], [phone]"
        );
    }

    #[test]
    fn without_a_guide_the_page_titles_the_ticket() {
        let f = TicketFacts {
            page_title: "Approvals".into(),
            ..TicketFacts::default()
        };
        assert_eq!(
            compose(&f, &Redactor::default()).subject,
            "Help needed on \"Approvals\""
        );
        assert_eq!(
            compose(&TicketFacts::default(), &Redactor::default()).subject,
            "Help needed"
        );
    }

    #[test]
    fn long_subjects_are_cut_with_an_ellipsis() {
        let mut f = facts();
        f.step.as_mut().unwrap().title = "x".repeat(300);
        let s = compose(&f, &Redactor::default()).subject;
        assert_eq!(s.chars().count(), MAX_SUBJECT);
        assert!(s.ends_with('…'));
    }

    #[test]
    fn browsers_and_systems_are_named_from_the_user_agent() {
        let edge = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/150.0 Safari/537.36 Edg/150.0.1";
        let safari = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1";
        let firefox =
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:140.0) Gecko/20100101 Firefox/140.0";
        assert_eq!(
            (browser(edge), os(edge)),
            ("Edge 150".to_string(), "Windows")
        );
        assert_eq!(
            (browser(safari), os(safari)),
            ("Safari 18".to_string(), "iOS")
        );
        assert_eq!(
            (browser(firefox), os(firefox)),
            ("Firefox 140".to_string(), "macOS")
        );
        assert_eq!(browser(""), "unknown");
    }
}
