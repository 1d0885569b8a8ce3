//! A generic webhook: the ticket as JSON to any URL, signed.
//!
//! The receiver checks `X-Waymark-Signature: sha256=HEX(HMAC-SHA256(secret,
//! TIMESTAMP + "." + BODY))` with `X-Waymark-Timestamp` (Unix seconds), and can drop
//! repeats by `Idempotency-Key`. A 2xx answer may name the receiver's reference in
//! `id` or `reference`; otherwise Waymark's own id stands.

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::Sha256;

use super::{send, text_field, BoxFuture, Connector, Delivered, DeliveryResult, OutboundTicket};

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct WebhookConfig {
    pub url: String,
    pub secret: String,
}

/// The signature header's value for a body sent at `timestamp`.
pub fn signature(secret: &str, timestamp: u64, body: &[u8]) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

pub struct Webhook {
    cfg: WebhookConfig,
    http: reqwest::Client,
}

impl Webhook {
    pub fn new(cfg: WebhookConfig, http: reqwest::Client) -> Webhook {
        Webhook { cfg, http }
    }
}

impl Connector for Webhook {
    fn kind(&self) -> &'static str {
        "webhook"
    }

    fn deliver<'a>(&'a self, t: &'a OutboundTicket) -> BoxFuture<'a, DeliveryResult> {
        Box::pin(async move {
            let body = serde_json::to_vec(&json!({
                "id": t.id,
                "app": t.app,
                "guide": t.guide,
                "subject": t.subject,
                "body": t.body,
                "category": t.category,
                "route": t.route,
                "priority": t.priority,
                "requester": t.requester,
            }))
            .expect("a ticket always serializes");
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            let req = self
                .http
                .post(&self.cfg.url)
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", &t.idempotency_key)
                .header("X-Waymark-Timestamp", now.to_string())
                .header(
                    "X-Waymark-Signature",
                    signature(&self.cfg.secret, now, &body),
                )
                .body(body);
            let (_, answer) = send("the webhook", req).await?;
            let reference = text_field(&answer["id"])
                .or_else(|| text_field(&answer["reference"]))
                .unwrap_or_else(|| t.id.clone());
            Ok(Delivered {
                reference,
                url: None,
            })
        })
    }
}
