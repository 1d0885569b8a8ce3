//! Request Tracker 5, through its REST2 API.
//!
//! `POST /REST/2.0/ticket` with Queue, Subject, Content, Requestor, Priority and the
//! category as a ticket custom field. RT has no idempotency key: Waymark's ticket id
//! is stored in the ticket custom field `id_field` ("Waymark ID" unless configured),
//! and a delivery that an earlier attempt may have reached RT first searches for it
//! (TicketSQL `'CF.{Waymark ID}' = 'wm-…'`), so a ticket RT created before a lost
//! answer is not made twice. [`Connector::prepare`] checks at start that the field is
//! applied to the queue and creates it when it is missing (RT's default root user may);
//! when it cannot, its error names what to set up in RT.

use serde::{Deserialize, Serialize};
use serde_json::json;
use waymark::guide::Priority;

use super::{
    base, first_hit, missing, send, text_field, BoxFuture, Connector, Delivered, DeliveryError,
    DeliveryResult, OutboundTicket,
};

const DESK: &str = "Request Tracker";

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RtConfig {
    /// `https://rt.example.com` (without `/REST/2.0`).
    pub url: String,
    #[serde(default = "general")]
    pub queue: String,
    /// An RT auth token (`Authorization: token …`), or else `username` + `password`.
    pub token: Option<String>,
    pub username: Option<String>,
    pub password: Option<String>,
    /// Ticket custom field that receives the category.
    #[serde(default = "category")]
    pub category_field: String,
    /// Ticket custom field that receives Waymark's ticket id (for retry safety);
    /// created on the queue at start when missing.
    #[serde(default = "waymark_id")]
    pub id_field: String,
}

fn waymark_id() -> String {
    "Waymark ID".into()
}

fn general() -> String {
    "General".into()
}

fn category() -> String {
    "Category".into()
}

/// RT's default priority scale: Low 0, Medium 50, High 100.
pub fn priority(p: Priority) -> u32 {
    match p {
        Priority::Low => 0,
        Priority::Normal => 50,
        Priority::High | Priority::Urgent => 100,
    }
}

pub struct Rt {
    cfg: RtConfig,
    http: reqwest::Client,
    /// Queues whose id custom field was found or made: a routed queue is checked
    /// before its first ticket, as the configured queue is at start.
    ready: std::sync::Mutex<std::collections::HashSet<String>>,
}

impl Rt {
    pub fn new(cfg: RtConfig, http: reqwest::Client) -> Rt {
        Rt {
            cfg,
            http,
            ready: Default::default(),
        }
    }

    fn is_ready(&self, queue: &str) -> bool {
        self.ready
            .lock()
            .map(|r| r.contains(queue))
            .unwrap_or(false)
    }

    fn mark_ready(&self, queue: &str) {
        if let Ok(mut r) = self.ready.lock() {
            r.insert(queue.to_owned());
        }
    }

    fn auth(&self, req: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match (&self.cfg.token, &self.cfg.username) {
            (Some(token), _) => req.header("Authorization", format!("token {token}")),
            (None, Some(user)) => req.basic_auth(user, self.cfg.password.as_deref()),
            (None, None) => req,
        }
    }

    fn delivered(&self, id: String) -> Delivered {
        Delivered {
            url: Some(format!(
                "{}/Ticket/Display.html?id={id}",
                base(&self.cfg.url)
            )),
            reference: id,
        }
    }

    fn api(&self, path: &str) -> String {
        format!("{}/REST/2.0/{path}", base(&self.cfg.url))
    }

    /// The RT ticket already made for this Waymark ticket, if any.
    async fn find(&self, t: &OutboundTicket) -> Result<Option<String>, DeliveryError> {
        let query = format!(
            "'CF.{{{}}}' = '{}'",
            self.cfg.id_field,
            t.id.replace(['\'', '\\'], "")
        );
        let (_, found) = send(
            DESK,
            self.auth(
                self.http
                    .get(self.api("tickets"))
                    .query(&[("query", query.as_str())]),
            ),
        )
        .await?;
        Ok(first_hit(&found["items"], "id"))
    }

    /// The names of the ticket custom fields applied to the queue `queue_id`.
    async fn queue_fields(&self, queue_id: &str) -> Result<Vec<String>, DeliveryError> {
        let url = self.api(&format!("queue/{queue_id}/customfields"));
        let (_, listed) = send(
            DESK,
            self.auth(
                self.http
                    .get(url)
                    .query(&[("per_page", "100"), ("fields", "Name")]),
            ),
        )
        .await?;
        Ok(listed["items"]
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .filter_map(|i| i["Name"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default())
    }

    /// What an admin must do when Waymark cannot make the id field itself.
    fn setup_needed(&self, queue: &str, why: &str) -> DeliveryError {
        DeliveryError::Permanent {
            reason: format!(
                "Request Tracker: {why}. Waymark keeps its ticket id in the ticket custom field `{field}` so that a retried delivery never makes a ticket twice. \
                 In RT, create a Freeform ticket custom field named `{field}` (Admin > Custom Fields > Create, \"Applies to: Tickets\"), apply it to the queue `{queue}`, \
                 and give Waymark's RT user SeeCustomField and ModifyCustomField on it; or set `helpdesk.id_field` to an existing field",
                field = self.cfg.id_field,
            ),
        }
    }

    /// Finds (or makes) the id custom field on `queue`.
    async fn ensure_id_field(&self, queue: &str) -> Result<(), DeliveryError> {
        if self.is_ready(queue) {
            return Ok(());
        }
        let queue_url = self.api(&format!("queue/{}", urlencoding(queue)));
        let answer = match send(DESK, self.auth(self.http.get(queue_url))).await {
            Ok((_, q)) => q,
            Err(DeliveryError::Permanent { reason }) => {
                return Err(DeliveryError::Permanent {
                    reason: format!(
                        "Request Tracker has no queue `{queue}` that Waymark's user may see ({reason}); set `helpdesk.queue` or the app's routing",
                    ),
                })
            }
            Err(e) => return Err(e),
        };
        let queue_id = text_field(&answer["id"]).ok_or_else(|| {
            self.setup_needed(
                queue,
                &format!("the queue `{queue}` has no id in RT's answer"),
            )
        })?;
        if self
            .queue_fields(&queue_id)
            .await?
            .contains(&self.cfg.id_field)
        {
            self.mark_ready(queue);
            return Ok(());
        }
        let body = json!({
            "Name": self.cfg.id_field,
            "Type": "Freeform",
            "MaxValues": 1,
            "LookupType": "RT::Queue-RT::Ticket",
            "Queue": queue_id,
            "Description": "Waymark's ticket id: a retried delivery looks for it before it makes a ticket",
        });
        match send(DESK, self.auth(self.http.post(self.api("customfield"))).json(&body)).await {
            Ok(_) => {}
            Err(DeliveryError::Permanent { reason }) => {
                return Err(self.setup_needed(queue, &format!(
                    "the custom field `{}` is not applied to the queue `{queue}` and creating it was refused ({reason})",
                    self.cfg.id_field
                )))
            }
            Err(e) => return Err(e),
        }
        if self
            .queue_fields(&queue_id)
            .await?
            .contains(&self.cfg.id_field)
        {
            tracing::info!(field = %self.cfg.id_field, %queue, "created RT's ticket custom field for Waymark's ticket id");
            self.mark_ready(queue);
            Ok(())
        } else {
            Err(self.setup_needed(
                queue,
                &format!(
                    "the custom field `{}` was created but is not applied to the queue `{queue}`",
                    self.cfg.id_field
                ),
            ))
        }
    }
}

/// A path segment, percent-encoded.
fn urlencoding(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

impl Connector for Rt {
    fn kind(&self) -> &'static str {
        "rt"
    }

    fn deliver<'a>(&'a self, t: &'a OutboundTicket) -> BoxFuture<'a, DeliveryResult> {
        Box::pin(async move {
            if t.may_exist {
                if let Some(id) = self.find(t).await? {
                    return Ok(self.delivered(id));
                }
            }
            // The app's routing picks the queue; else the configured one (checked by
            // `prepare`). A routed queue met for the first time gets the id field
            // checked too; its refusal (an admin must set it up) keeps the ticket
            // waiting rather than failing it.
            let queue = t.route.as_deref().unwrap_or(&self.cfg.queue);
            if queue != self.cfg.queue {
                match self.ensure_id_field(queue).await {
                    Ok(()) => {}
                    Err(DeliveryError::Permanent { reason }) => {
                        return Err(DeliveryError::Retry {
                            after: None,
                            reason,
                        })
                    }
                    Err(e) => return Err(e),
                }
            }
            let mut fields = serde_json::Map::new();
            if let Some(c) = &t.category {
                fields.insert(self.cfg.category_field.clone(), json!(c));
            }
            fields.insert(self.cfg.id_field.clone(), json!(t.id));
            let mut body = json!({
                "Queue": queue,
                "Subject": t.subject,
                "Content": t.body,
                "ContentType": "text/plain",
                "Priority": priority(t.priority).to_string(),
                "CustomFields": fields,
            });
            if let Some(email) = &t.requester.email {
                body["Requestor"] = json!(email);
            }
            let (_, answer) = send(
                DESK,
                self.auth(self.http.post(self.api("ticket"))).json(&body),
            )
            .await?;
            let id = text_field(&answer["id"]).ok_or_else(|| missing(DESK, "id"))?;
            Ok(self.delivered(id))
        })
    }

    fn prepare(&self) -> BoxFuture<'_, Result<(), DeliveryError>> {
        Box::pin(self.ensure_id_field(&self.cfg.queue))
    }
}
