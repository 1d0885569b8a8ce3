//! Jira Service Management, through the Service Desk REST API.
//!
//! `POST /rest/servicedeskapi/request` with basic auth (email and API token), the
//! service desk and request type from the configuration, and the user as
//! `raiseOnBehalfOf` when their email is known. Jira has no idempotency key: the
//! description ends with Waymark's ticket id, and when an earlier attempt may have
//! made the request, a JQL search (`description ~ "\"wm-…\""`, through
//! `/rest/api/3/search/jql`, or `/rest/api/2/search` on Data Center) is asked first.

use serde::{Deserialize, Serialize};
use serde_json::json;
use waymark::guide::Priority;

use super::{
    base, first_hit, missing, send, text_field, BoxFuture, Connector, Delivered, DeliveryError,
    DeliveryResult, OutboundTicket,
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

    /// The request an earlier attempt made, by the ticket id in its description.
    async fn find(&self, t: &OutboundTicket) -> Result<Option<Delivered>, DeliveryError> {
        let jql = format!(
            "description ~ \"\\\"{}\\\"\"",
            t.id.replace(['"', '\\'], "")
        );
        let mut found = None;
        for path in ["/rest/api/3/search/jql", "/rest/api/2/search"] {
            let req = self
                .http
                .get(format!("{}{path}", base(&self.cfg.url)))
                .query(&[
                    ("jql", jql.as_str()),
                    ("fields", "key"),
                    ("maxResults", "1"),
                ])
                .basic_auth(&self.cfg.email, Some(&self.cfg.api_token))
                .header("Accept", "application/json");
            match send("Jira Service Management", req).await {
                Ok((_, body)) => {
                    found = Some(body);
                    break;
                }
                // Data Center has no /search/jql; Cloud has removed /search.
                Err(DeliveryError::Permanent { reason })
                    if reason.contains("answered 404") || reason.contains("answered 410") =>
                {
                    continue
                }
                Err(e) => return Err(e),
            }
        }
        let body = found.ok_or_else(|| DeliveryError::Permanent {
            reason: "Jira Service Management has neither /rest/api/3/search/jql nor /rest/api/2/search: Waymark cannot check for a request it may already have made".into(),
        })?;
        Ok(first_hit(&body["issues"], "key").map(|key| Delivered {
            url: Some(format!("{}/browse/{key}", base(&self.cfg.url))),
            reference: key,
        }))
    }
}

impl Connector for Jira {
    fn kind(&self) -> &'static str {
        "jira"
    }

    fn deliver<'a>(&'a self, t: &'a OutboundTicket) -> BoxFuture<'a, DeliveryResult> {
        Box::pin(async move {
            if t.may_exist {
                if let Some(found) = self.find(t).await? {
                    return Ok(found);
                }
            }
            // The id in the description is what a retry searches for.
            let mut description = t.body.clone();
            if !description.contains(&t.id) {
                description.push_str(&format!("\n\nWaymark ticket {}", t.id));
            }
            let mut fields = json!({"summary": t.subject, "description": description});
            if self.cfg.set_priority {
                fields["priority"] = json!({"name": priority(t.priority)});
            }
            let mut body = json!({
                "serviceDeskId": self.cfg.service_desk_id,
                // The app's routing picks the request type; else the configured one.
                "requestTypeId": t.route.as_deref().unwrap_or(&self.cfg.request_type_id),
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
