//! Zammad, through its REST API.
//!
//! `POST /api/v1/tickets` with `Authorization: Token token=…`; the description is the
//! ticket's first article, visible to the customer. Zammad has no idempotency key:
//! the ticket is tagged with Waymark's id, and when an earlier attempt may have made
//! it, `GET /api/v1/tickets/search?query=tags:"wm-…"&expand=true` is asked first.

use serde::{Deserialize, Serialize};
use serde_json::json;
use waymark::guide::Priority;

use super::{
    base, first_hit, missing, send, text_field, BoxFuture, Connector, Delivered, DeliveryResult,
    OutboundTicket,
};

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ZammadConfig {
    /// `https://support.acme.com`
    pub url: String,
    pub token: String,
    #[serde(default = "users")]
    pub group: String,
    /// Customer when the user's email is not known.
    pub default_customer: String,
}

fn users() -> String {
    "Users".into()
}

/// Zammad's default priorities: `1 low`, `2 normal`, `3 high`.
pub fn priority(p: Priority) -> &'static str {
    match p {
        Priority::Low => "1 low",
        Priority::Normal => "2 normal",
        Priority::High | Priority::Urgent => "3 high",
    }
}

pub struct Zammad {
    cfg: ZammadConfig,
    http: reqwest::Client,
}

impl Zammad {
    pub fn new(cfg: ZammadConfig, http: reqwest::Client) -> Zammad {
        Zammad { cfg, http }
    }

    fn delivered(&self, number: String, id: Option<String>) -> Delivered {
        Delivered {
            url: id.map(|id| format!("{}/#ticket/zoom/{id}", base(&self.cfg.url))),
            reference: number,
        }
    }

    /// The ticket an earlier attempt made, by the tag that carries Waymark's id.
    async fn find(&self, t: &OutboundTicket) -> Result<Option<Delivered>, super::DeliveryError> {
        let url = format!("{}/api/v1/tickets/search", base(&self.cfg.url));
        let query = format!("tags:\"{}\"", t.id.replace('"', ""));
        let req = self
            .http
            .get(url)
            .query(&[
                ("query", query.as_str()),
                ("expand", "true"),
                ("limit", "1"),
            ])
            .header("Authorization", format!("Token token={}", self.cfg.token));
        let (_, found) = send("Zammad", req).await?;
        Ok(first_hit(&found, "number").map(|n| self.delivered(n, first_hit(&found, "id"))))
    }
}

impl Connector for Zammad {
    fn kind(&self) -> &'static str {
        "zammad"
    }

    fn deliver<'a>(&'a self, t: &'a OutboundTicket) -> BoxFuture<'a, DeliveryResult> {
        Box::pin(async move {
            if t.may_exist {
                if let Some(found) = self.find(t).await? {
                    return Ok(found);
                }
            }
            let customer = match &t.requester.email {
                Some(email) => format!("guess:{email}"),
                None => self.cfg.default_customer.clone(),
            };
            let body = json!({
                "title": t.subject,
                // The app's routing names the group; else the configured one.
                "group": t.route.as_deref().unwrap_or(&self.cfg.group),
                "customer": customer,
                "priority": priority(t.priority),
                "tags": format!("waymark,{}", t.id),
                "article": {
                    "subject": t.subject,
                    "body": t.body,
                    "type": "note",
                    "internal": false,
                    "content_type": "text/plain",
                },
            });
            let url = format!("{}/api/v1/tickets", base(&self.cfg.url));
            let req = self
                .http
                .post(url)
                .header("Authorization", format!("Token token={}", self.cfg.token))
                .json(&body);
            let (_, answer) = send("Zammad", req).await?;
            let number =
                text_field(&answer["number"]).ok_or_else(|| missing("Zammad", "number"))?;
            Ok(self.delivered(number, text_field(&answer["id"])))
        })
    }
}
