//! Jira Service Management, through the Service Desk REST API.
//!
//! `POST /rest/servicedeskapi/request` with basic auth (email and API token), the
//! service desk and request type from the configuration, and the user as
//! `raiseOnBehalfOf` when their email is known.

use serde::{Deserialize, Serialize};
use serde_json::json;
use waymark::guide::Priority;

use super::{
    base, missing, send, text_field, BoxFuture, Connector, Delivered, DeliveryResult,
    OutboundTicket,
};

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct JiraConfig {
    /// `https://acme.atlassian.net`
    pub url: String,
    pub email: String,
    pub api_token: String,
    pub service_desk_id: String,
    pub request_type_id: String,
    /// Send the priority field (only when the request type has it on its form).
    #[serde(default)]
    pub set_priority: bool,
}

/// Jira's default priority names.
pub fn priority(p: Priority) -> &'static str {
    match p {
        Priority::Low => "Low",
        Priority::Normal => "Medium",
        Priority::High => "High",
        Priority::Urgent => "Highest",
    }
}

pub struct Jira {
    cfg: JiraConfig,
    http: reqwest::Client,
}

impl Jira {
    pub fn new(cfg: JiraConfig, http: reqwest::Client) -> Jira {
        Jira { cfg, http }
    }
}

impl Connector for Jira {
    fn kind(&self) -> &'static str {
        "jira"
    }

    fn deliver<'a>(&'a self, t: &'a OutboundTicket) -> BoxFuture<'a, DeliveryResult> {
        Box::pin(async move {
            let mut fields = json!({"summary": t.subject, "description": t.body});
            if self.cfg.set_priority {
                fields["priority"] = json!({"name": priority(t.priority)});
            }
            let mut body = json!({
                "serviceDeskId": self.cfg.service_desk_id,
                "requestTypeId": self.cfg.request_type_id,
                "requestFieldValues": fields,
            });
            if let Some(email) = &t.requester.email {
                body["raiseOnBehalfOf"] = json!(email);
            }
            let url = format!("{}/rest/servicedeskapi/request", base(&self.cfg.url));
            let req = self
                .http
                .post(url)
                .basic_auth(&self.cfg.email, Some(&self.cfg.api_token))
                .header("Accept", "application/json")
                .json(&body);
            let (_, answer) = send("Jira Service Management", req).await?;
            let key = text_field(&answer["issueKey"])
                .ok_or_else(|| missing("Jira Service Management", "issueKey"))?;
            let url = text_field(&answer["_links"]["web"])
                .or_else(|| Some(format!("{}/browse/{key}", base(&self.cfg.url))));
            Ok(Delivered {
                reference: key,
                url,
            })
        })
    }
}
