//! Request Tracker 5, through its REST2 API.
//!
//! `POST /REST/2.0/ticket` with Queue, Subject, Content, Requestor, Priority and the
//! category as a ticket custom field. RT has no idempotency key: when `id_field` names
//! a custom field, the local ticket id is stored there and a retried delivery first
//! searches for it, so a ticket RT created before a lost answer is not made twice.

use serde::{Deserialize, Serialize};
use serde_json::json;
use waymark::guide::Priority;

use super::{
    base, missing, send, text_field, BoxFuture, Connector, Delivered, DeliveryResult,
    OutboundTicket,
};

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
    /// Ticket custom field that receives Waymark's ticket id (for retry safety).
    pub id_field: Option<String>,
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
}

impl Rt {
    pub fn new(cfg: RtConfig, http: reqwest::Client) -> Rt {
        Rt { cfg, http }
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

    /// The RT ticket already made for this Waymark ticket, if any.
    async fn find(&self, t: &OutboundTicket) -> Result<Option<String>, super::DeliveryError> {
        let Some(field) = &self.cfg.id_field else {
            return Ok(None);
        };
        let query = format!("CF.{{{field}}} = '{}'", t.id.replace(['\'', '\\'], ""));
        let url = format!("{}/REST/2.0/tickets", base(&self.cfg.url));
        let (_, found) = send(
            "Request Tracker",
            self.auth(self.http.get(url).query(&[("query", query.as_str())])),
        )
        .await?;
        Ok(found["items"].get(0).and_then(|i| text_field(&i["id"])))
    }
}

impl Connector for Rt {
    fn kind(&self) -> &'static str {
        "rt"
    }

    fn deliver<'a>(&'a self, t: &'a OutboundTicket) -> BoxFuture<'a, DeliveryResult> {
        Box::pin(async move {
            if let Some(id) = self.find(t).await? {
                return Ok(self.delivered(id));
            }
            let mut fields = serde_json::Map::new();
            if let Some(c) = &t.category {
                fields.insert(self.cfg.category_field.clone(), json!(c));
            }
            if let Some(f) = &self.cfg.id_field {
                fields.insert(f.clone(), json!(t.id));
            }
            let mut body = json!({
                "Queue": self.cfg.queue,
                "Subject": t.subject,
                "Content": t.body,
                "ContentType": "text/plain",
                "Priority": priority(t.priority).to_string(),
                "CustomFields": fields,
            });
            if let Some(email) = &t.requester.email {
                body["Requestor"] = json!(email);
            }
            let url = format!("{}/REST/2.0/ticket", base(&self.cfg.url));
            let (_, answer) = send(
                "Request Tracker",
                self.auth(self.http.post(url)).json(&body),
            )
            .await?;
            let id = text_field(&answer["id"]).ok_or_else(|| missing("Request Tracker", "id"))?;
            Ok(self.delivered(id))
        })
    }
}
