//! BMC Helix ITSM (Remedy), through the AR System REST API.
//!
//! Logs in with `POST /api/jwt/login` (form username and password; the answer body is
//! the token), then `POST /api/arsys/v1/entry/HPD:IncidentInterface_Create` with
//! `Authorization: AR-JWT <token>`, asking for the incident number back with
//! `?fields=values(Incident Number)`. The token is kept and fetched again once when
//! BMC answers 401. BMC has no idempotency key: Waymark's ticket id goes into the
//! field `id_field` (`Vendor Ticket Number` unless configured), and when an earlier
//! attempt may have made the incident, `GET /api/arsys/v1/entry/HPD:IncidentInterface`
//! with the qualification `'Vendor Ticket Number' = "wm-…"` is asked first.

use serde::{Deserialize, Serialize};
use serde_json::json;
use tokio::sync::Mutex;
use waymark::guide::Priority;

use super::{
    base, missing, send, text_field, BoxFuture, Connector, Delivered, DeliveryError,
    DeliveryResult, OutboundTicket,
};

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct BmcConfig {
    /// `https://acme-restapi.onbmc.com`
    pub url: String,
    pub username: String,
    pub password: String,
    /// The customer the incident is raised for when the user is not known.
    pub default_first_name: String,
    pub default_last_name: String,
    /// The incident field that carries Waymark's ticket id, searched before a retry.
    #[serde(default = "vendor_ticket_number")]
    pub id_field: String,
}

fn vendor_ticket_number() -> String {
    "Vendor Ticket Number".into()
}

/// (Impact, Urgency) as BMC's selection values.
pub fn impact_urgency(p: Priority) -> (&'static str, &'static str) {
    match p {
        Priority::Low => ("4-Minor/Localized", "4-Low"),
        Priority::Normal => ("3-Moderate/Limited", "3-Medium"),
        Priority::High => ("2-Significant/Large", "2-High"),
        Priority::Urgent => ("1-Extensive/Widespread", "1-Critical"),
    }
}

pub struct Bmc {
    cfg: BmcConfig,
    http: reqwest::Client,
    token: Mutex<Option<String>>,
}

impl Bmc {
    pub fn new(cfg: BmcConfig, http: reqwest::Client) -> Bmc {
        Bmc {
            cfg,
            http,
            token: Mutex::new(None),
        }
    }

    async fn login(&self) -> Result<String, DeliveryError> {
        let url = format!("{}/api/jwt/login", base(&self.cfg.url));
        let req = self.http.post(url).form(&[
            ("username", &self.cfg.username),
            ("password", &self.cfg.password),
        ]);
        let resp = req.send().await.map_err(|e| DeliveryError::Retry {
            after: None,
            reason: format!(
                "BMC Helix login failed: {}",
                if e.is_timeout() {
                    "timed out"
                } else {
                    "unreachable"
                }
            ),
        })?;
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap_or_default();
        match status {
            200..=299 if !text.trim().is_empty() => Ok(text.trim().to_owned()),
            401 | 403 => Err(DeliveryError::Permanent {
                reason: format!(
                    "BMC Helix refused the login ({status}): check the username and password"
                ),
            }),
            429 | 500..=599 => Err(DeliveryError::Retry {
                after: None,
                reason: format!("BMC Helix login answered {status}"),
            }),
            _ => Err(DeliveryError::Permanent {
                reason: format!("BMC Helix login answered {status}"),
            }),
        }
    }

    async fn create(
        &self,
        token: &str,
        t: &OutboundTicket,
    ) -> Result<serde_json::Value, DeliveryError> {
        let (impact, urgency) = impact_urgency(t.priority);
        let (first, last) = names(t, &self.cfg);
        let values = json!({
            "First_Name": first,
            "Last_Name": last,
            "Description": t.subject,
            "Detailed_Decription": t.body,
            "Impact": impact,
            "Urgency": urgency,
            "Status": "Assigned",
            "Reported Source": "Self Service",
            "Service_Type": "User Service Request",
            "z1D_Action": "CREATE",
        });
        let mut values = values;
        values[self.cfg.id_field.as_str()] = json!(t.id);
        // The app's routing: the support group the incident is assigned to.
        if let Some(group) = &t.route {
            values["Assigned Group"] = json!(group);
        }
        let url = format!(
            "{}/api/arsys/v1/entry/HPD:IncidentInterface_Create?fields=values(Incident Number)",
            base(&self.cfg.url)
        );
        let req = self
            .http
            .post(url)
            .header("Authorization", format!("AR-JWT {token}"))
            .json(&json!({ "values": values }));
        send("BMC Helix", req).await.map(|(_, body)| body)
    }

    /// The incident number an earlier attempt made, by the id field.
    async fn find(&self, token: &str, t: &OutboundTicket) -> Result<Option<String>, DeliveryError> {
        let q = format!(
            "'{}' = \"{}\"",
            self.cfg.id_field.replace('\'', ""),
            t.id.replace('"', "")
        );
        let url = format!(
            "{}/api/arsys/v1/entry/HPD:IncidentInterface",
            base(&self.cfg.url)
        );
        let req = self
            .http
            .get(url)
            .query(&[("q", q.as_str()), ("fields", "values(Incident Number)")])
            .header("Authorization", format!("AR-JWT {token}"));
        let (_, found) = send("BMC Helix", req).await?;
        Ok(found["entries"]
            .as_array()
            .and_then(|e| e.first())
            .and_then(|e| text_field(&e["values"]["Incident Number"])))
    }

    /// Looks for an earlier incident (when one may exist), then creates one.
    async fn find_or_create(
        &self,
        token: &str,
        t: &OutboundTicket,
    ) -> Result<serde_json::Value, DeliveryError> {
        if t.may_exist {
            if let Some(number) = self.find(token, t).await? {
                return Ok(json!({"values": {"Incident Number": number}}));
            }
        }
        self.create(token, t).await
    }
}

/// First and last name: from the user's name when known, else the configured customer.
fn names(t: &OutboundTicket, cfg: &BmcConfig) -> (String, String) {
    match t
        .requester
        .name
        .as_deref()
        .map(str::trim)
        .and_then(|n| n.rsplit_once(' '))
    {
        Some((first, last)) => (first.to_owned(), last.to_owned()),
        None => (
            cfg.default_first_name.clone(),
            cfg.default_last_name.clone(),
        ),
    }
}

impl Connector for Bmc {
    fn kind(&self) -> &'static str {
        "bmc"
    }

    fn deliver<'a>(&'a self, t: &'a OutboundTicket) -> BoxFuture<'a, DeliveryResult> {
        Box::pin(async move {
            let mut cached = self.token.lock().await;
            let token = match cached.clone() {
                Some(tok) => tok,
                None => self.login().await?,
            };
            let answer = match self.find_or_create(&token, t).await {
                Err(DeliveryError::Permanent { reason }) if reason.contains("answered 401") => {
                    // The token expired: log in again, once.
                    let fresh = self.login().await?;
                    let answer = self.find_or_create(&fresh, t).await;
                    *cached = Some(fresh);
                    answer?
                }
                other => {
                    *cached = Some(token);
                    other?
                }
            };
            let number = text_field(&answer["values"]["Incident Number"])
                .ok_or_else(|| missing("BMC Helix", "values.Incident Number"))?;
            Ok(Delivered {
                reference: number,
                url: None,
            })
        })
    }
}
