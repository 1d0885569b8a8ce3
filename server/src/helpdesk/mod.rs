//! Help-desk connectors: one file per help desk, all behind [`Connector`].
//!
//! Owns each help desk's wire format (path, auth header, body, how priority and
//! category map) and the classification of its answers into delivered, retry later
//! (network errors, timeouts, 5xx, 429 with its Retry-After) or failed for good (401,
//! 403, 422 and other refusals). It does not decide when to retry, store anything or
//! know about the outbox: the outbox worker does. Credentials stay here and in the
//! server's configuration; they never appear in an error message.
//!
//! Never twice: an answer can be lost after the help desk made the ticket (a timeout,
//! a reset connection, a server killed mid-delivery). Zendesk and the webhook take an
//! `Idempotency-Key`; every other connector writes a marker (Waymark's ticket id) into
//! the ticket and, when [`OutboundTicket::may_exist`] says an earlier attempt may have
//! reached the help desk, searches for it before it creates anything.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use waymark::guide::Priority;

pub mod bmc;
pub mod freshdesk;
pub mod inbox;
pub mod jira;
pub mod per_app;
pub mod rt;
pub mod servicenow;
pub mod webhook;
pub mod zammad;
pub mod zendesk;

/// Which help desk an app files tickets in, as written in the configuration
/// (`[helpdesk] kind = "rt"` and that help desk's keys).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum HelpdeskConfig {
    /// The built-in inbox, viewable in the editor.
    #[default]
    Inbox,
    Rt(rt::RtConfig),
    Zendesk(zendesk::ZendeskConfig),
    Freshdesk(freshdesk::FreshdeskConfig),
    Servicenow(servicenow::ServiceNowConfig),
    Jira(jira::JiraConfig),
    Bmc(bmc::BmcConfig),
    Zammad(zammad::ZammadConfig),
    Webhook(webhook::WebhookConfig),
}

/// The connector for a configuration, sending through `http` (see [`http_client`]).
pub fn connector(cfg: &HelpdeskConfig, http: reqwest::Client) -> Box<dyn Connector> {
    match cfg.clone() {
        HelpdeskConfig::Inbox => Box::new(inbox::Inbox),
        HelpdeskConfig::Rt(c) => Box::new(rt::Rt::new(c, http)),
        HelpdeskConfig::Zendesk(c) => Box::new(zendesk::Zendesk::new(c, http)),
        HelpdeskConfig::Freshdesk(c) => Box::new(freshdesk::Freshdesk::new(c, http)),
        HelpdeskConfig::Servicenow(c) => Box::new(servicenow::ServiceNow::new(c, http)),
        HelpdeskConfig::Jira(c) => Box::new(jira::Jira::new(c, http)),
        HelpdeskConfig::Bmc(c) => Box::new(bmc::Bmc::new(c, http)),
        HelpdeskConfig::Zammad(c) => Box::new(zammad::Zammad::new(c, http)),
        HelpdeskConfig::Webhook(c) => Box::new(webhook::Webhook::new(c, http)),
    }
}

/// A ticket ready to leave the outbox.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboundTicket {
    /// The server's local id (`wm-…`), also sent where the help desk has an external id.
    pub id: String,
    /// The key the runtime posted with; passed on where the help desk supports it.
    pub idempotency_key: String,
    pub subject: String,
    /// Plain text: the reviewed description with the attachments the user kept.
    pub body: String,
    pub category: Option<String>,
    pub priority: Priority,
    pub requester: Requester,
    pub app: String,
    pub guide: Option<String>,
    /// An earlier attempt may have reached the help desk (it was retried, or a
    /// server stopped during it): look for the ticket by its marker before creating.
    #[serde(default)]
    pub may_exist: bool,
    /// Where the app's routing sends the ticket's category, as the help desk names
    /// it (see [`per_app::target_field`]); None: the connector's configured default.
    #[serde(default)]
    pub route: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Requester {
    pub name: Option<String>,
    pub email: Option<String>,
    /// The host app's user id.
    pub user_id: Option<String>,
}

impl Requester {
    /// A display name, falling back to the email or the user id.
    pub fn display(&self) -> String {
        self.name
            .clone()
            .or_else(|| self.email.clone())
            .or_else(|| self.user_id.clone())
            .unwrap_or_else(|| "Waymark user".to_owned())
    }
}

/// The help desk's reference for a delivered ticket.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivered {
    /// What an agent searches for: `42`, `INC0010001`, `SD-17`.
    pub reference: String,
    pub url: Option<String>,
}

/// Why a delivery did not happen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeliveryError {
    /// Try again later; `after` is the help desk's Retry-After when it gave one.
    Retry {
        after: Option<Duration>,
        reason: String,
    },
    /// Retrying cannot help (bad credentials, refused content): mark it failed.
    Permanent { reason: String },
}

impl fmt::Display for DeliveryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeliveryError::Retry {
                after: Some(d),
                reason,
            } => {
                write!(f, "{reason} (retry after {} s)", d.as_secs())
            }
            DeliveryError::Retry {
                after: None,
                reason,
            } => write!(f, "{reason} (will retry)"),
            DeliveryError::Permanent { reason } => f.write_str(reason),
        }
    }
}

pub type DeliveryResult = Result<Delivered, DeliveryError>;
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// One help desk.
pub trait Connector: Send + Sync {
    /// `rt`, `zendesk`, ... as written in the configuration.
    fn kind(&self) -> &'static str;
    fn deliver<'a>(&'a self, ticket: &'a OutboundTicket) -> BoxFuture<'a, DeliveryResult>;
    /// Checks (and where it can, sets up) what the connector needs in the help desk
    /// before its first delivery, such as RT's id custom field. `Permanent` names what
    /// an admin must set up; `Retry` means the help desk could not be asked.
    fn prepare(&self) -> BoxFuture<'_, Result<(), DeliveryError>> {
        Box::pin(async { Ok(()) })
    }
}

/// How long one delivery attempt may take before it counts as a network failure
/// (the default of `outbox.timeout_ms`).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);

/// The HTTP client every connector shares: timeouts set, no redirects followed
/// (a redirect to a login page is a configuration error, not a success).
pub fn http_client(timeout: Duration) -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(5)))
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("waymark/", env!("CARGO_PKG_VERSION")))
        .build()
        .expect("a client with only timeouts and a user agent always builds")
}

/// Sends a request and sorts the answer: a 2xx body comes back as JSON (or Null),
/// everything else becomes the right [`DeliveryError`].
pub async fn send(
    desk: &str,
    req: reqwest::RequestBuilder,
) -> Result<(reqwest::header::HeaderMap, serde_json::Value), DeliveryError> {
    let resp = req.send().await.map_err(|e| DeliveryError::Retry {
        after: None,
        reason: if e.is_timeout() {
            format!("{desk} did not answer in time")
        } else {
            format!("{desk} could not be reached ({})", root_cause(&e))
        },
    })?;
    let status = resp.status();
    let headers = resp.headers().clone();
    // A body cut off is a lost answer like a timeout: retried (and the ticket looked
    // for first), never taken as an empty success.
    let text = resp.text().await.map_err(|e| DeliveryError::Retry {
        after: None,
        reason: if e.is_timeout() {
            format!("{desk} did not answer in time")
        } else {
            format!(
                "{desk}'s answer was cut off ({}); the ticket will be looked for before it is sent again",
                root_cause(&e)
            )
        },
    })?;
    if status.is_success() {
        let json = serde_json::from_str(&text).unwrap_or(serde_json::Value::Null);
        return Ok((headers, json));
    }
    let detail = summary(&text);
    let reason = format!("{desk} answered {}{detail}", status.as_u16());
    Err(match status.as_u16() {
        429 => DeliveryError::Retry {
            after: retry_after(&headers),
            reason,
        },
        408 | 500..=599 => DeliveryError::Retry {
            after: retry_after(&headers),
            reason,
        },
        _ => DeliveryError::Permanent { reason },
    })
}

/// `Retry-After` as seconds or as an HTTP date.
pub fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let value = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(
        when.duration_since(std::time::SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// A short, credential-free excerpt of an error body for the admin.
fn summary(body: &str) -> String {
    let one_line: String = body.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.is_empty() {
        String::new()
    } else {
        let cut: String = one_line.chars().take(200).collect();
        format!(": {cut}")
    }
}

fn root_cause(e: &reqwest::Error) -> String {
    let mut source: &dyn std::error::Error = e;
    while let Some(next) = source.source() {
        source = next;
    }
    source.to_string()
}

/// A JSON field as text, whether the help desk sent it as a string or a number.
pub fn text_field(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) if !s.is_empty() => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A success answer without the field that names the ticket is a broken contract;
/// retrying would create a duplicate, so it fails for an admin to look at.
pub fn missing(desk: &str, field: &str) -> DeliveryError {
    DeliveryError::Permanent {
        reason: format!("{desk} accepted the ticket but its answer has no `{field}`; check it there before retrying"),
    }
}

/// The first search hit's field `key` as text: the ticket an earlier attempt made.
pub fn first_hit(items: &serde_json::Value, key: &str) -> Option<String> {
    items.as_array()?.first().and_then(|i| text_field(&i[key]))
}

/// The base URL without a trailing slash.
pub fn base(url: &str) -> String {
    url.trim_end_matches('/').to_owned()
}
