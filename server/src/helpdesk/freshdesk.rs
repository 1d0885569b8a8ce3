//! Freshdesk, through the v2 Tickets API.
//!
//! `POST /api/v2/tickets` with `Authorization: Basic base64(API_KEY:X)`. Freshdesk needs
//! a requester email and an HTML description; the plain text is escaped and its line
//! breaks kept. Freshdesk has no idempotency key: the ticket carries Waymark's id as a
//! tag, and when an earlier attempt may have made it, the filter API
//! (`GET /api/v2/search/tickets?query="tag:'wm-…'"`) is asked first.

use serde::{Deserialize, Serialize};
use serde_json::json;
use waymark::guide::Priority;

use super::{
    base, first_hit, missing, send, text_field, BoxFuture, Connector, Delivered, DeliveryResult,
    OutboundTicket,
};

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct FreshdeskConfig {
    /// `https://acme.freshdesk.com`
    pub url: String,
    pub api_key: String,
    /// Used when the user's email is not known.
    pub default_requester: String,
}

/// Freshdesk priorities: 1 low, 2 medium, 3 high, 4 urgent.
pub fn priority(p: Priority) -> u8 {
    match p {
        Priority::Low => 1,
        Priority::Normal => 2,
        Priority::High => 3,
        Priority::Urgent => 4,
    }
}

/// Plain text as the HTML Freshdesk's description expects.
pub fn html(text: &str) -> String {
    let escaped = text
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;");
    escaped.replace('\n', "<br>")
}

pub struct Freshdesk {
    cfg: FreshdeskConfig,
    http: reqwest::Client,
}

impl Freshdesk {
    pub fn new(cfg: FreshdeskConfig, http: reqwest::Client) -> Freshdesk {
        Freshdesk { cfg, http }
    }

    fn delivered(&self, id: String) -> Delivered {
        Delivered {
            url: Some(format!("{}/a/tickets/{id}", base(&self.cfg.url))),
            reference: id,
        }
    }

    /// The ticket an earlier attempt made, by the tag that carries Waymark's id.
    async fn find(&self, t: &OutboundTicket) -> Result<Option<Delivered>, super::DeliveryError> {
        let url = format!("{}/api/v2/search/tickets", base(&self.cfg.url));
        let query = format!("\"tag:'{}'\"", t.id.replace(['\'', '"'], ""));
        let req = self
            .http
            .get(url)
            .query(&[("query", query.as_str())])
            .basic_auth(&self.cfg.api_key, Some("X"));
        let (_, found) = send("Freshdesk", req).await?;
        Ok(first_hit(&found["results"], "id").map(|id| self.delivered(id)))
    }
}

impl Connector for Freshdesk {
    fn kind(&self) -> &'static str {
        "freshdesk"
    }

    fn deliver<'a>(&'a self, t: &'a OutboundTicket) -> BoxFuture<'a, DeliveryResult> {
        Box::pin(async move {
            if t.may_exist {
                if let Some(found) = self.find(t).await? {
                    return Ok(found);
                }
            }
            let mut tags = vec!["waymark".to_owned(), t.id.clone()];
            tags.extend(t.category.iter().cloned());
            let mut body = json!({
                "email": t.requester.email.as_deref().unwrap_or(&self.cfg.default_requester),
                "name": t.requester.display(),
                "subject": t.subject,
                "description": html(&t.body),
                "status": 2,
                "priority": priority(t.priority),
                "source": 2,
                "tags": tags,
            });
            // The app's routing: the group's numeric id (checked when it was set).
            if let Some(group) = t
                .route
                .as_deref()
                .and_then(|g| g.trim().parse::<u64>().ok())
            {
                body["group_id"] = json!(group);
            }
            let url = format!("{}/api/v2/tickets", base(&self.cfg.url));
            let req = self
                .http
                .post(url)
                .basic_auth(&self.cfg.api_key, Some("X"))
                .json(&body);
            let (_, answer) = send("Freshdesk", req).await?;
            let id = text_field(&answer["id"]).ok_or_else(|| missing("Freshdesk", "id"))?;
            Ok(self.delivered(id))
        })
    }
}
