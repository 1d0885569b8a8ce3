//! The public endpoints the runtime calls from users' browsers, keyed by app: the
//! guides catalog and event ingest (the ticket endpoints join them later).
//!
//! Every public request passes [`guard`] first: the app must exist, the page's
//! origin must be one the app allows (or the server's own), and the client IP and the
//! app must be within their rate limits. Allowed cross-origin requests get CORS
//! headers, and preflights are answered here; no other endpoint sends CORS headers.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{ConnectInfo, Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use waymark::events::AnalyticsEvent;

use super::body;
use super::error::{ApiError, ApiResult, ErrorBody};
use super::origins::{is_same_origin, PublicApp};
use super::AppState;
use crate::db;

const ALLOW_HEADERS: &str = "content-type, idempotency-key, if-none-match";
const EXPOSE_HEADERS: &str = "etag, retry-after";

/// The app id in `/v1/apps/{app}/…`.
fn app_in_path(path: &str) -> Option<&str> {
    let rest = path.strip_prefix("/v1/apps/")?;
    let id = rest.split('/').next()?;
    (!id.is_empty()).then_some(id)
}

/// The client's IP: the peer, or the last `X-Forwarded-For` hop when configured.
fn client_ip(state: &AppState, request: &Request) -> Option<IpAddr> {
    if state.config.trust_forwarded_for {
        let forwarded = request
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|v| v.trim().parse().ok());
        if forwarded.is_some() {
            return forwarded;
        }
    }
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip())
}

/// Checks app, origin and rate limits; answers preflights; adds CORS headers.
pub async fn guard(
    State(state): State<Arc<AppState>>,
    mut request: Request,
    next: Next,
) -> Response {
    let origin = request
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let seen = Seen {
        app: app_in_path(request.uri().path()).map(str::to_owned),
        host: request
            .headers()
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        ip: client_ip(&state, &request),
        origin: origin.clone(),
    };
    let (mut response, readable) = match admit(&state, &seen).await {
        Err((error, readable)) => (error.into_response(), readable),
        Ok(_) if request.method() == Method::OPTIONS => (preflight(), true),
        Ok(app) => {
            request.extensions_mut().insert(app);
            (next.run(request).await, true)
        }
    };
    let headers = response.headers_mut();
    headers.insert(header::VARY, HeaderValue::from_static("Origin"));
    if let (Some(origin), true) = (origin, readable) {
        if let Ok(value) = HeaderValue::from_str(&origin) {
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
            headers.insert(
                header::ACCESS_CONTROL_EXPOSE_HEADERS,
                HeaderValue::from_static(EXPOSE_HEADERS),
            );
        }
    }
    response
}

/// What the guard reads from a request.
struct Seen {
    app: Option<String>,
    host: Option<String>,
    ip: Option<IpAddr>,
    origin: Option<String>,
}

/// The app, or the error and whether the calling page may read it (its origin was
/// allowed, so a 429 and its Retry-After reach the runtime).
async fn admit(state: &AppState, seen: &Seen) -> Result<Arc<PublicApp>, (ApiError, bool)> {
    let Some(app_id) = seen.app.as_deref() else {
        return Err((
            ApiError::not_found("no app in the path: use /v1/apps/{app}/…"),
            false,
        ));
    };
    let app = match state.apps.get(&state.db, app_id).await {
        Ok(Some(app)) => app,
        Ok(None) => {
            return Err((
                ApiError::not_found(format!(
                    "no app `{app_id}`: check the app id given to the runtime"
                )),
                false,
            ))
        }
        Err(error) => return Err((error.into(), false)),
    };
    if let Some(origin) = seen.origin.as_deref() {
        let ours = state.own_origins.iter().any(|own| own == origin)
            || is_same_origin(origin, seen.host.as_deref());
        if !ours && !app.origins.contains(origin) {
            let error = ApiError::forbidden(format!(
                "origin `{origin}` is not allowed for app `{app_id}`: an admin adds it to the app's origins"
            ));
            return Err((error, false));
        }
    }
    if let Some(ip) = seen.ip {
        if let Err(wait) = state.limits.check_ip(ip) {
            state.metrics.rate_limited.with_label_values(&["ip"]).inc();
            let message = format!("too many requests from this address; retry in {wait} s");
            return Err((ApiError::too_many(wait, message), true));
        }
    }
    if let Err(wait) = state.limits.check_app(&app.id) {
        state.metrics.rate_limited.with_label_values(&["app"]).inc();
        let message = format!("too many requests for app `{}`; retry in {wait} s", app.id);
        return Err((ApiError::too_many(wait, message), true));
    }
    Ok(app)
}

fn preflight() -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, POST, OPTIONS"),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static(ALLOW_HEADERS),
    );
    headers.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("600"),
    );
    response
}

/// A preflight reaches here only when [`guard`] let it through.
pub async fn options() -> StatusCode {
    StatusCode::NO_CONTENT
}

/// The published guides of an app.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Catalog {
    pub app: String,
    /// The live version of each published guide, in the core's guide format
    /// (see `/v1/guide-schema.json`), ordered by id.
    #[schema(value_type = Vec<Object>)]
    pub guides: Vec<serde_json::Value>,
}

/// The catalog JSON built from stored bodies, without parsing them again.
pub async fn catalog_json(state: &AppState, app: &str) -> Result<String, ApiError> {
    let mut conn = state.db.pool().acquire().await?;
    let live = db::guides::live(&mut conn, app).await?;
    let mut json = format!("{{\"app\":{},\"guides\":[", serde_json::Value::from(app));
    for (i, (_, body)) in live.iter().enumerate() {
        if i > 0 {
            json.push(',');
        }
        json.push_str(body);
    }
    json.push_str("]}");
    Ok(json)
}

/// A strong ETag: a hash of the bytes sent.
pub fn etag_of(bytes: &[u8]) -> String {
    format!("\"{}\"", &hex::encode(Sha256::digest(bytes))[..32])
}

/// Whether `If-None-Match` names `etag` (or `*`).
pub fn not_modified(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|tag| tag.trim().trim_start_matches("W/"))
        .any(|tag| tag == etag || tag == "*")
}

/// A JSON body with an ETag, or 304 when the client has it.
pub fn with_etag(headers: &HeaderMap, json: String) -> Response {
    let etag = etag_of(json.as_bytes());
    let status = if not_modified(headers, &etag) {
        StatusCode::NOT_MODIFIED
    } else {
        StatusCode::OK
    };
    let mut response = if status == StatusCode::OK {
        ([(header::CONTENT_TYPE, "application/json")], json).into_response()
    } else {
        status.into_response()
    };
    let h = response.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if let Ok(value) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, value);
    }
    response
}

#[utoipa::path(
    get, path = "/v1/apps/{app}/guides", tag = "public",
    params(("app" = String, Path, description = "App id")),
    responses(
        (status = 200, description = "The published guides; has an ETag", body = Catalog),
        (status = 304, description = "Not modified (If-None-Match matched)"),
        (status = 403, description = "Origin not allowed for this app", body = ErrorBody),
        (status = 404, description = "No such app", body = ErrorBody),
        (status = 429, description = "Rate limited; see Retry-After", body = ErrorBody),
    )
)]
pub async fn catalog(
    State(state): State<Arc<AppState>>,
    Extension(app): Extension<Arc<PublicApp>>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let json = catalog_json(&state, &app.id).await?;
    Ok(with_etag(&headers, json))
}

/// A batch of analytics events from the runtime.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct EventBatch {
    /// A pseudonymous user id chosen by the host app, or null.
    #[serde(default)]
    pub user: Option<String>,
    /// The group of users this batch comes from (`finance`), stored on every event
    /// of the batch and offered as a filter on the Insights page: 1 to 64 ASCII
    /// letters, digits, spaces, `-`, `_` or `.`; absent or null for none.
    #[serde(default)]
    #[schema(example = "finance")]
    pub segment: Option<String>,
    /// At most `events_max_batch` (500) events, each as `waymark::events::AnalyticsEvent`:
    /// `{"id","at","kind","guide","version","run"?,"step"?,"step_index"?,"detail"?}`.
    #[schema(value_type = Vec<Object>)]
    pub events: Vec<AnalyticsEvent>,
}

/// What happened to a batch.
#[derive(Serialize, utoipa::ToSchema)]
pub struct EventsAccepted {
    /// Events stored now.
    pub accepted: u64,
    /// Events whose id was already stored, ignored.
    pub duplicates: u64,
}

const MAX_ID: usize = 128;
const MAX_TEXT: usize = 1000;

/// Longest segment name.
pub const MAX_SEGMENT: usize = 64;

/// Why `segment` is not a segment name, if it is not one.
pub fn check_segment(segment: &str) -> Result<(), String> {
    if let Some(bad) = segment
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ' ')))
    {
        return Err(format!(
            "`{}` is not allowed in a segment: use ASCII letters, digits, spaces, `-`, `_` and `.`",
            bad.escape_default()
        ));
    }
    if segment.is_empty() || segment.len() > MAX_SEGMENT {
        return Err(format!(
            "a segment has 1 to {MAX_SEGMENT} characters; this one has {}",
            segment.len()
        ));
    }
    Ok(())
}

fn check_batch(batch: &EventBatch, max: usize) -> Result<(), ApiError> {
    if batch.events.len() > max {
        return Err(ApiError::too_large(format!(
            "a batch holds at most {max} events and this one has {}: send them in smaller batches",
            batch.events.len()
        )));
    }
    if batch.user.as_ref().is_some_and(|u| u.len() > MAX_ID) {
        return Err(ApiError::invalid_at(
            "user",
            format!("at most {MAX_ID} characters"),
        ));
    }
    if let Some(segment) = &batch.segment {
        check_segment(segment).map_err(|why| ApiError::invalid_at("segment", why))?;
    }
    for (i, event) in batch.events.iter().enumerate() {
        let long = |text: &str, max: usize| text.len() > max;
        if event.id.trim().is_empty() {
            return Err(ApiError::invalid_at(
                format!("events[{i}].id"),
                "must not be empty",
            ));
        }
        let checks = [
            ("id", long(&event.id, MAX_ID)),
            ("guide", long(&event.guide, MAX_ID)),
            ("run", event.run.as_deref().is_some_and(|r| long(r, MAX_ID))),
            (
                "step",
                event.step.as_deref().is_some_and(|s| long(s, MAX_ID)),
            ),
            (
                "detail",
                event.detail.as_deref().is_some_and(|d| long(d, MAX_TEXT)),
            ),
        ];
        if let Some((field, _)) = checks.iter().find(|(_, bad)| *bad) {
            let max = if *field == "detail" { MAX_TEXT } else { MAX_ID };
            return Err(ApiError::invalid_at(
                format!("events[{i}].{field}"),
                format!("at most {max} characters"),
            ));
        }
    }
    Ok(())
}

#[utoipa::path(
    post, path = "/v1/apps/{app}/events", tag = "public",
    params(("app" = String, Path, description = "App id")),
    request_body(content = EventBatch, description = "JSON, sent as application/json or text/plain (sendBeacon); at most 256 KiB"),
    responses(
        (status = 202, description = "Stored; duplicates by event id ignored", body = EventsAccepted),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 403, description = "Origin not allowed for this app", body = ErrorBody),
        (status = 404, description = "No such app", body = ErrorBody),
        (status = 413, description = "Body over 256 KiB or more than 500 events", body = ErrorBody),
        (status = 415, description = "Not JSON or text", body = ErrorBody),
        (status = 422, description = "A field has the wrong type or value (e.g. a `segment` with other characters or over 64 of them); `problems` has its path", body = ErrorBody),
        (status = 429, description = "Rate limited; see Retry-After", body = ErrorBody),
    )
)]
pub async fn events(
    State(state): State<Arc<AppState>>,
    Extension(app): Extension<Arc<PublicApp>>,
    Path(_app): Path<String>,
    headers: HeaderMap,
    request_body: Body,
) -> ApiResult<(StatusCode, Json<EventsAccepted>)> {
    let bytes = body::read(&headers, request_body, state.config.events_max_bytes).await?;
    let batch: EventBatch = body::parse(&bytes)?;
    check_batch(&batch, state.config.events_max_batch)?;
    if batch.events.is_empty() {
        return Ok((
            StatusCode::ACCEPTED,
            Json(EventsAccepted {
                accepted: 0,
                duplicates: 0,
            }),
        ));
    }
    let stored = state
        .ingest
        .store(app.id.clone(), batch.user, batch.segment, batch.events)
        .await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(EventsAccepted {
            accepted: stored.accepted,
            duplicates: stored.duplicates,
        }),
    ))
}
