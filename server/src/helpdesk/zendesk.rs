//! Zendesk Support, through the Tickets API.
//!
//! `POST /api/v2/tickets` with `Authorization: Basic base64(email/token:API_TOKEN)` and
//! the runtime's `Idempotency-Key`, so Zendesk itself refuses to make a ticket twice.

use serde::{Deserialize, Serialize};
use serde_json::json;
use waymark::guide::Priority;

use super::{
    base, missing, send, text_field, BoxFuture, Connector, Delivered, DeliveryResult,
    OutboundTicket,
};

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ZendeskConfig {
    /// `https://acme.zendesk.com`
    pub url: String,
    /// The agent email the API token belongs to.
    pub email: String,
    pub api_token: String,
}

pub fn priority(p: Priority) -> &'static str {
    match p {
        Priority::Low => "low",
        Priority::Normal => "normal",
        Priority::High => "high",
        Priority::Urgent => "urgent",
    }
}

pub struct Zendesk {
    cfg: ZendeskConfig,
    http: reqwest::Client,
}

impl Zendesk {
    pub fn new(cfg: ZendeskConfig, http: reqwest::Client) -> Zendesk {
        Zendesk { cfg, http }
    }
}

impl Connector for Zendesk {
    fn kind(&self) -> &'static str {
        "zendesk"
    }

    fn deliver<'a>(&'a self, t: &'a OutboundTicket) -> BoxFuture<'a, DeliveryResult> {
        Box::pin(async move {
            let mut tags = vec!["waymark".to_owned()];
            tags.extend(
                t.category
                    .iter()
                    .map(|c| c.to_lowercase().replace(' ', "_")),
            );
            let mut ticket = json!({
                "subject": t.subject,
                "comment": {"body": t.body, "public": false},
                "priority": priority(t.priority),
                "tags": tags,
                "external_id": t.id,
            });
            // The app's routing: the group's numeric id (checked when it was set).
            if let Some(group) = t
                .route
                .as_deref()
                .and_then(|g| g.trim().parse::<u64>().ok())
            {
                ticket["group_id"] = json!(group);
            }
            if let Some(email) = &t.requester.email {
                ticket["requester"] = json!({"name": t.requester.display(), "email": email});
            }
            let url = format!("{}/api/v2/tickets", base(&self.cfg.url));
            let req = self
                .http
                .post(url)
                .basic_auth(
                    format!("{}/token", self.cfg.email),
                    Some(&self.cfg.api_token),
                )
                .header("Idempotency-Key", &t.idempotency_key)
                .json(&json!({ "ticket": ticket }));
            let (_, answer) = send("Zendesk", req).await?;
            let id = text_field(&answer["ticket"]["id"])
                .ok_or_else(|| missing("Zendesk", "ticket.id"))?;
            Ok(Delivered {
                url: Some(format!("{}/agent/tickets/{id}", base(&self.cfg.url))),
                reference: id,
            })
        })
    }
}
