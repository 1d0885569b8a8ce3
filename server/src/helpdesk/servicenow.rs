//! ServiceNow, through the Table API on `incident`.
//!
//! `POST /api/now/table/incident` with basic auth. ServiceNow derives priority from
//! urgency × impact, so Waymark's priority sets both. The local ticket id goes into
//! `correlation_id`; when an earlier attempt may have made the incident, the Table
//! API is asked for it (`sysparm_query=correlation_id=wm-…`) before another is made.

use serde::{Deserialize, Serialize};
use serde_json::json;
use waymark::guide::Priority;

use super::{
    base, first_hit, missing, send, text_field, BoxFuture, Connector, Delivered, DeliveryResult,
    OutboundTicket,
};

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ServiceNowConfig {
    /// `https://acme.service-now.com`
    pub url: String,
    pub username: String,
    pub password: String,
    /// Caller when the user's email is not known (a user name or sys_id).
    pub default_caller: Option<String>,
}

/// (urgency, impact), each 1 high – 3 low.
pub fn urgency_impact(p: Priority) -> (&'static str, &'static str) {
    match p {
        Priority::Low => ("3", "3"),
        Priority::Normal => ("2", "2"),
        Priority::High => ("1", "2"),
        Priority::Urgent => ("1", "1"),
    }
}

pub struct ServiceNow {
    cfg: ServiceNowConfig,
    http: reqwest::Client,
}

impl ServiceNow {
    pub fn new(cfg: ServiceNowConfig, http: reqwest::Client) -> ServiceNow {
        ServiceNow { cfg, http }
    }

    fn delivered(&self, number: String, sys_id: Option<String>) -> Delivered {
        let url = sys_id.map(|id| {
            format!(
                "{}/nav_to.do?uri=incident.do?sys_id={id}",
                base(&self.cfg.url)
            )
        });
        Delivered {
            reference: number,
            url,
        }
    }

    /// The incident an earlier attempt made for this ticket, by its `correlation_id`.
    async fn find(&self, t: &OutboundTicket) -> Result<Option<Delivered>, super::DeliveryError> {
        let url = format!("{}/api/now/table/incident", base(&self.cfg.url));
        let query = format!("correlation_id={}", t.id);
        let req = self
            .http
            .get(url)
            .query(&[
                ("sysparm_query", query.as_str()),
                ("sysparm_fields", "sys_id,number"),
                ("sysparm_limit", "1"),
            ])
            .basic_auth(&self.cfg.username, Some(&self.cfg.password))
            .header("Accept", "application/json");
        let (_, found) = send("ServiceNow", req).await?;
        Ok(first_hit(&found["result"], "number")
            .map(|number| self.delivered(number, first_hit(&found["result"], "sys_id"))))
    }
}

impl Connector for ServiceNow {
    fn kind(&self) -> &'static str {
        "servicenow"
    }

    fn deliver<'a>(&'a self, t: &'a OutboundTicket) -> BoxFuture<'a, DeliveryResult> {
        Box::pin(async move {
            if t.may_exist {
                if let Some(found) = self.find(t).await? {
                    return Ok(found);
                }
            }
            let (urgency, impact) = urgency_impact(t.priority);
            let mut body = json!({
                "short_description": t.subject,
                "description": t.body,
                "urgency": urgency,
                "impact": impact,
                "correlation_id": t.id,
                "contact_type": "self-service",
            });
            if let Some(c) = &t.category {
                body["category"] = json!(c);
            }
            // The app's routing: a group's sys_id or name (a reference field).
            if let Some(group) = &t.route {
                body["assignment_group"] = json!(group);
            }
            if let Some(caller) = t
                .requester
                .email
                .as_ref()
                .or(self.cfg.default_caller.as_ref())
            {
                body["caller_id"] = json!(caller);
            }
            let url = format!("{}/api/now/table/incident", base(&self.cfg.url));
            let req = self
                .http
                .post(url)
                .basic_auth(&self.cfg.username, Some(&self.cfg.password))
                .header("Accept", "application/json")
                .json(&body);
            let (_, answer) = send("ServiceNow", req).await?;
            let number = text_field(&answer["result"]["number"])
                .ok_or_else(|| missing("ServiceNow", "result.number"))?;
            Ok(self.delivered(number, text_field(&answer["result"]["sys_id"])))
        })
    }
}
