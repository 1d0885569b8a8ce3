//! The HTTP API and static files: the axum router and what every request shares.
//!
//! Owns routing and the layers around it (request metrics and logs). Endpoint groups
//! live one per file: [`public`] (catalog and events, called from users' browsers,
//! CORS and rate limits), [`guides`] (drafts, publishing, versions — agents),
//! [`admin`] (apps and tokens — admins), [`bundle`] (import and export),
//! [`insights`] (the Insights figures as JSON or CSV — agents),
//! [`static_files`] (SDK, demo, editor), and [`openapi`] (the document describing
//! the API). Handlers parse and check input, call [`crate::authoring`] or [`crate::db`],
//! and shape the answer; they hold no SQL.

pub mod admin;
pub mod auth;
pub mod body;
pub mod bundle;
pub mod error;
pub mod guides;
pub mod insights;
pub mod limits;
pub mod openapi;
pub mod origins;
pub mod public;
pub mod static_files;
pub mod tickets;

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::TraceLayer;

use crate::config::Config;
use crate::db::Db;
use crate::ingest::Ingest;
use crate::prometheus::Metrics;

/// What every handler can reach.
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub ingest: Ingest,
    pub outbox: crate::outbox::Outbox,
    pub metrics: Metrics,
    pub limits: limits::RateLimits,
    pub apps: origins::AppCache,
    pub sdk: static_files::SdkCache,
    /// `http://127.0.0.1:PORT`, `http://localhost:PORT` and the public URL's origin.
    pub own_origins: Vec<String>,
}

/// The whole service.
pub fn router(state: Arc<AppState>) -> Router {
    let public = Router::new()
        .route(
            "/v1/apps/{app}/guides",
            get(public::catalog).options(public::options),
        )
        .route(
            "/v1/apps/{app}/events",
            post(public::events).options(public::options),
        )
        .route(
            "/v1/apps/{app}/tickets",
            post(tickets::file).options(public::options),
        )
        .route(
            "/v1/apps/{app}/tickets/{id}",
            get(tickets::status).options(public::options),
        )
        .route_layer(middleware::from_fn_with_state(state.clone(), public::guard));
    Router::new()
        .merge(public)
        .merge(guides::routes())
        .merge(admin::routes())
        .merge(bundle::routes())
        .merge(tickets::routes())
        .merge(insights::routes())
        .route("/v1/openapi.json", get(openapi::document))
        .route("/v1/guide-schema.json", get(guide_schema))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .fallback(static_files::fallback)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(CatchPanicLayer::custom(|_: Box<dyn std::any::Any + Send>| {
            error::ApiError::internal("the request failed", &"a handler panicked").into_response()
        }))
        .layer(middleware::from_fn_with_state(state.clone(), observe))
        .layer(TraceLayer::new_for_http().make_span_with(|request: &Request| {
            // The path only: a query string could carry anything.
            tracing::info_span!("request", method = %request.method(), path = %request.uri().path())
        }))
        .with_state(state)
}

/// A known path with a method it does not have.
async fn method_not_allowed(request: Request) -> error::ApiError {
    error::ApiError::new(
        axum::http::StatusCode::METHOD_NOT_ALLOWED,
        format!(
            "{} is not allowed on {}: see /v1/openapi.json",
            request.method(),
            request.uri().path()
        ),
    )
}

/// Counts and times every request by its route template.
async fn observe(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_owned();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| static_route(request.uri().path()).to_owned());
    let response = next.run(request).await;
    let status = response.status();
    state
        .metrics
        .http_requests
        .with_label_values(&[&method, &route, status.as_str()])
        .inc();
    state
        .metrics
        .http_duration
        .with_label_values(&[&method, &route])
        .observe(started.elapsed().as_secs_f64());
    if status.is_server_error() {
        tracing::warn!(%method, %route, status = status.as_u16(), "request failed");
    } else if status.is_client_error() {
        tracing::debug!(%method, %route, status = status.as_u16(), "request refused");
    }
    response
}

/// A bounded label for paths no route matched.
fn static_route(path: &str) -> &'static str {
    match path.split('/').nth(1) {
        Some("sdk") => "/sdk/*",
        Some("demo") => "/demo/*",
        Some("editor") => "/editor/*",
        Some("v1") => "/v1/*",
        _ => "/*",
    }
}

#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "The server and its database answer", body = String)))]
pub async fn healthz(State(state): State<Arc<AppState>>) -> Response {
    match sqlx::query("SELECT 1").execute(state.db.pool()).await {
        Ok(_) => "ok".into_response(),
        Err(error) => {
            tracing::error!(%error, "health check: the database does not answer");
            error::ApiError::new(
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                "the database does not answer; the server log has the details",
            )
            .into_response()
        }
    }
}

#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "Prometheus text format", body = String)))]
pub async fn metrics(State(state): State<Arc<AppState>>) -> Response {
    let mut response = state.metrics.render().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    response
}

#[utoipa::path(get, path = "/v1/guide-schema.json", tag = "guides",
    responses((status = 200, description = "The JSON Schema of a guide, from the core's types", body = Object)))]
pub async fn guide_schema() -> Response {
    (
        [(header::CONTENT_TYPE, "application/schema+json")],
        waymark::schema::guide_schema_json(),
    )
        .into_response()
}
