//! The one typed client of the Waymark server's API v1 (`/v1/openapi.json`).
//!
//! Owns every URL, header and JSON shape the editor sends or reads, and turns the
//! server's errors (`{"error", "problems"}`) into [`ApiError`]s that say what to do.
//! Components call these functions and never build a request themselves.

use gloo_net::http::{Request, RequestBuilder, Response};
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use waymark::guide::Guide;
use waymark::metrics::Insights;
use waymark::validate::{from_json, Problem};

mod query;
pub use query::{decode_component, encode_component, InsightsQuery};

/// An app whose guides the editor manages.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct App {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub origins: Vec<String>,
}

/// The wire contract, shared with the server (`waymark::wire`): the editor reads
/// and sends exactly the JSON the server declares.
pub use waymark::wire::{
    Draft, DraftSummary, ImportReport, InboxTicket, PublishRequest, RollbackRequest, TicketRequest,
    TicketStatus, Version,
};

/// A guide's draft, its guide read by the core: `GET /v1/apps/{app}/drafts/{id}`
/// and the answer to creating and saving one.
#[derive(Clone, Debug, PartialEq)]
pub struct DraftDoc {
    pub summary: DraftSummary,
    pub guide: Guide,
}

/// A published version with its guide read by the core: the answer to reading one
/// version, publishing and rolling back.
#[derive(Clone, Debug, PartialEq)]
pub struct Published {
    /// The version as the server answered it, its JSON guide taken out.
    pub version: Version,
    /// The guide as published; none if the server sent none.
    pub guide: Option<Guide>,
}

/// A guide in an answer, read by the core's [`from_json`]: one deserializer for every
/// guide the editor reads (the editor's size depends on it), with the same messages
/// as the JSON view.
pub fn read_guide(value: &serde_json::Value) -> Result<Guide, ApiError> {
    from_json(&value.to_string()).map_err(|p| {
        ApiError::Other(format!(
            "a guide from the server cannot be read ({p}); fix it in the JSON tab"
        ))
    })
}

impl TryFrom<Draft> for DraftDoc {
    type Error = ApiError;
    fn try_from(draft: Draft) -> Result<Self, ApiError> {
        Ok(DraftDoc {
            guide: read_guide(&draft.guide)?,
            summary: draft.summary,
        })
    }
}

impl TryFrom<Version> for Published {
    type Error = ApiError;
    fn try_from(mut version: Version) -> Result<Self, ApiError> {
        let guide = version.guide.take().as_ref().map(read_guide).transpose()?;
        Ok(Published { version, guide })
    }
}

#[derive(Deserialize)]
struct ErrorBody {
    error: String,
    #[serde(default)]
    problems: Vec<Problem>,
}

/// Why a call failed, in words for the agent.
#[derive(Clone, Debug, PartialEq)]
pub enum ApiError {
    /// 401: the token is missing, unknown or revoked.
    SignedOut(String),
    /// 403: the token's role may not do this.
    Forbidden(String),
    NotFound(String),
    /// 409: the id is taken, or something depends on the guide.
    Conflict(String),
    /// 422: the guide (or the catalog it would join) has problems.
    Invalid {
        message: String,
        problems: Vec<Problem>,
    },
    /// No answer at all: the server is down or unreachable.
    Network(String),
    Other(String),
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiError::SignedOut(m) => write!(f, "{m}. Sign in again with a valid token."),
            ApiError::Network(m) => write!(
                f,
                "The Waymark server did not answer ({m}). Check that it is running, then try again."
            ),
            ApiError::Forbidden(m)
            | ApiError::NotFound(m)
            | ApiError::Conflict(m)
            | ApiError::Invalid { message: m, .. }
            | ApiError::Other(m) => f.write_str(m),
        }
    }
}

/// A client signed in with one token.
#[derive(Clone, Debug, PartialEq)]
pub struct Api {
    token: String,
}

fn esc(segment: &str) -> String {
    String::from(js_sys::encode_uri_component(segment))
}

impl Api {
    pub fn new(token: &str) -> Self {
        Api {
            token: token.trim().to_owned(),
        }
    }

    /// The token, to keep for this tab's session.
    pub fn token(&self) -> &str {
        &self.token
    }

    fn drafts_url(app: &str) -> String {
        format!("/v1/apps/{}/drafts", esc(app))
    }

    fn draft_url(app: &str, id: &str) -> String {
        format!("{}/{}", Self::drafts_url(app), esc(id))
    }

    fn authorized(&self, request: RequestBuilder) -> RequestBuilder {
        request
            .header("Authorization", &format!("Bearer {}", self.token))
            .header("Accept", "application/json")
    }

    async fn send(&self, request: Result<Request, gloo_net::Error>) -> Result<Response, ApiError> {
        let request = request.map_err(|e| ApiError::Other(e.to_string()))?;
        let response = request
            .send()
            .await
            .map_err(|e| ApiError::Network(e.to_string()))?;
        if response.ok() {
            return Ok(response);
        }
        let status = response.status();
        let body: Option<ErrorBody> = response.json().await.ok();
        let (message, problems) = match body {
            Some(b) => (b.error, b.problems),
            None => (format!("the server answered {status}"), Vec::new()),
        };
        Err(match status {
            401 => ApiError::SignedOut(message),
            403 => ApiError::Forbidden(message),
            404 => ApiError::NotFound(message),
            409 => ApiError::Conflict(message),
            422 => ApiError::Invalid { message, problems },
            _ => ApiError::Other(message),
        })
    }

    async fn json<T: DeserializeOwned>(
        &self,
        request: Result<Request, gloo_net::Error>,
    ) -> Result<T, ApiError> {
        let response = self.send(request).await?;
        response
            .json()
            .await
            .map_err(|e| ApiError::Other(format!("the server's answer was not understood: {e}")))
    }

    fn get(&self, url: &str) -> Result<Request, gloo_net::Error> {
        self.authorized(Request::get(url)).build()
    }

    fn with_json<B: Serialize>(
        &self,
        request: RequestBuilder,
        body: &B,
    ) -> Result<Request, gloo_net::Error> {
        self.authorized(request).json(body)
    }

    /// The apps this token can see; also how signing in checks a token.
    pub async fn apps(&self) -> Result<Vec<App>, ApiError> {
        self.json(self.get("/v1/apps")).await
    }

    pub async fn drafts(&self, app: &str) -> Result<Vec<DraftSummary>, ApiError> {
        self.json(self.get(&Self::drafts_url(app))).await
    }

    pub async fn draft(&self, app: &str, id: &str) -> Result<DraftDoc, ApiError> {
        let wire: Draft = self.json(self.get(&Self::draft_url(app, id))).await?;
        wire.try_into()
    }

    /// Creates a guide; 409 when the id is taken.
    pub async fn create(&self, app: &str, guide: &Guide) -> Result<DraftDoc, ApiError> {
        let request = self.with_json(Request::post(&Self::drafts_url(app)), guide);
        self.json::<Draft>(request).await?.try_into()
    }

    /// Saves the draft of an existing guide.
    pub async fn save(&self, app: &str, guide: &Guide) -> Result<DraftDoc, ApiError> {
        let request = self.with_json(Request::put(&Self::draft_url(app, &guide.id)), guide);
        self.json::<Draft>(request).await?.try_into()
    }

    pub async fn delete(&self, app: &str, id: &str) -> Result<(), ApiError> {
        let request = self
            .authorized(Request::delete(&Self::draft_url(app, id)))
            .build();
        self.send(request).await.map(|_| ())
    }

    pub async fn publish(&self, app: &str, id: &str, note: &str) -> Result<Published, ApiError> {
        let note = Some(note.trim())
            .filter(|n| !n.is_empty())
            .map(str::to_owned);
        let url = format!("{}/publish", Self::draft_url(app, id));
        self.json::<Version>(self.with_json(Request::post(&url), &PublishRequest { note }))
            .await?
            .try_into()
    }

    /// Newest first, without guides.
    pub async fn versions(&self, app: &str, id: &str) -> Result<Vec<Version>, ApiError> {
        let url = format!("{}/versions", Self::draft_url(app, id));
        self.json(self.get(&url)).await
    }

    pub async fn version(&self, app: &str, id: &str, version: i64) -> Result<Published, ApiError> {
        let url = format!("{}/versions/{version}", Self::draft_url(app, id));
        self.json::<Version>(self.get(&url)).await?.try_into()
    }

    /// Publishes an earlier version's content as a new version.
    pub async fn roll_back(
        &self,
        app: &str,
        id: &str,
        version: i64,
    ) -> Result<Published, ApiError> {
        let url = format!("{}/rollback", Self::draft_url(app, id));
        self.json::<Version>(self.with_json(Request::post(&url), &RollbackRequest { version }))
            .await?
            .try_into()
    }

    /// Tickets users filed from the app, newest first; a `status` narrows them.
    pub async fn inbox(
        &self,
        app: &str,
        status: Option<TicketStatus>,
    ) -> Result<Vec<InboxTicket>, ApiError> {
        let mut url = format!("/v1/apps/{}/inbox?limit=200", esc(app));
        if let Some(status) = status {
            url.push_str(&format!("&status={}", status.as_str()));
        }
        self.json(self.get(&url)).await
    }

    /// Queues a failed ticket for delivery again (admins only).
    pub async fn retry_ticket(&self, app: &str, id: &str) -> Result<(), ApiError> {
        let url = format!("/v1/apps/{}/inbox/{}/retry", esc(app), esc(id));
        let request = self.authorized(Request::post(&url)).build();
        self.send(request).await.map(|_| ())
    }

    /// Deflection, funnels and stuck hot spots over the query's days and filters.
    pub async fn insights(&self, app: &str, query: &InsightsQuery) -> Result<Insights, ApiError> {
        let url = format!("/v1/apps/{}/insights{}", esc(app), query.query_string());
        self.json(self.get(&url)).await
    }

    /// The same figures as CSV text, a header row first.
    pub async fn insights_csv(&self, app: &str, query: &InsightsQuery) -> Result<String, ApiError> {
        let q = query.query_string();
        let sep = if q.is_empty() { "?" } else { "&" };
        let url = format!("/v1/apps/{}/insights{q}{sep}format=csv", esc(app));
        let request = self
            .authorized(Request::get(&url))
            .header("Accept", "text/csv")
            .build();
        let response = self.send(request).await?;
        response
            .text()
            .await
            .map_err(|e| ApiError::Network(e.to_string()))
    }

    /// The segments the app's users fall in, to filter insights by.
    pub async fn segments(&self, app: &str) -> Result<Vec<String>, ApiError> {
        let url = format!("/v1/apps/{}/segments", esc(app));
        self.json(self.get(&url)).await
    }

    /// The app's guides, drafts and versions as a bundle's JSON text.
    pub async fn export(&self, app: &str) -> Result<String, ApiError> {
        let url = format!("/v1/bundle?app={}", esc(app));
        let response = self.send(self.get(&url)).await?;
        response
            .text()
            .await
            .map_err(|e| ApiError::Network(e.to_string()))
    }

    /// Imports a bundle (admins only): all of it, or nothing.
    pub async fn import(&self, bundle_json: &str) -> Result<ImportReport, ApiError> {
        let request = self
            .authorized(Request::post("/v1/bundle"))
            .header("Content-Type", "application/json")
            .body(bundle_json.to_owned());
        self.json(request).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use waymark::guide::Kind;

    fn version(guide: Option<serde_json::Value>) -> Version {
        Version {
            version: 2,
            published_at: 5,
            published_by: Some("agent".into()),
            note: None,
            guide,
        }
    }

    #[test]
    fn the_requests_the_editor_sends_keep_their_json() {
        let body = |note: Option<&str>| {
            serde_json::to_string(&PublishRequest {
                note: note.map(str::to_owned),
            })
            .unwrap()
        };
        assert_eq!(body(None), "{}");
        assert_eq!(body(Some("fix typo")), r#"{"note":"fix typo"}"#);
        assert_eq!(
            serde_json::to_string(&RollbackRequest { version: 3 }).unwrap(),
            r#"{"version":3}"#
        );
    }

    #[test]
    fn a_published_version_has_its_guide_read_by_the_core() {
        let guide = crate::model::blank_guide(Kind::Tour, "hello", "Hello");
        let published =
            Published::try_from(version(Some(serde_json::to_value(&guide).unwrap()))).unwrap();
        assert_eq!(published.guide, Some(guide));
        assert_eq!(
            published.version,
            version(None),
            "the JSON guide is taken out"
        );
        assert_eq!(
            Published::try_from(version(None)).unwrap().guide,
            None,
            "a version listed without its guide"
        );
        let Err(ApiError::Other(why)) = Published::try_from(version(Some(json!({"id": 1})))) else {
            panic!("a guide the core cannot read is an error");
        };
        assert!(why.contains("cannot be read"), "{why}");
    }

    #[test]
    fn an_inbox_ticket_reads_its_status_and_a_request_the_server_cannot_read() {
        let t: InboxTicket = serde_json::from_value(json!({
            "id": "wm-1", "status": "waiting", "last_error": "RT is down",
            "reference": null, "reference_url": null, "helpdesk": null,
            "created_at": 7, "delivered_at": null,
            "attempts": 2, "user_id": null, "ticket": null,
        }))
        .unwrap();
        assert_eq!(t.view.status, TicketStatus::Waiting);
        assert_eq!(t.ticket, None);
    }
}
