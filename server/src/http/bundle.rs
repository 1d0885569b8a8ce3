//! Import and export of bundles over HTTP: `GET /v1/bundle` (agent) and
//! `POST /v1/bundle` (admin). The rules are [`crate::bundle`]'s.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;

use super::auth::Caller;
use super::body;
use super::error::{ApiResult, ErrorBody};
use super::AppState;
use crate::bundle::{self, Bundle, ImportReport};
use crate::tokens::Role;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new().route("/v1/bundle", get(export).post(import))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct ExportQuery {
    /// Only this app.
    pub app: Option<String>,
}

#[utoipa::path(get, path = "/v1/bundle", tag = "bundle", security(("bearer" = [])),
    params(ExportQuery),
    responses((status = 200, body = Bundle), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn export(
    State(state): State<Arc<AppState>>,
    _caller: Caller,
    Query(query): Query<ExportQuery>,
) -> ApiResult<Json<Bundle>> {
    Ok(Json(bundle::export(&state.db, query.app.as_deref()).await?))
}

#[utoipa::path(post, path = "/v1/bundle", tag = "bundle", security(("bearer" = [])),
    description = "Imports a bundle in one transaction: all of it or, on any problem, none of it. \
        An app's help-desk credentials are not in bundles: one left out keeps the credential stored here \
        (same kind and URL host); `…_env` keys are read only by `waymark import`.",
    request_body = Bundle,
    responses((status = 200, body = ImportReport), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 422, description = "Problems, with their paths in the bundle", body = ErrorBody)))]
pub async fn import(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    headers: HeaderMap,
    request: Body,
) -> ApiResult<Json<ImportReport>> {
    caller.require(Role::Admin)?;
    let bytes = body::read(&headers, request, state.config.bundle_max_bytes).await?;
    let bundle: Bundle = body::parse(&bytes)?;
    let helpdesks = bundle::ImportHelpdesks {
        server_kind: crate::helpdesk::per_app::kind_of(&state.config.helpdesk),
        env: None,
    };
    let report = bundle::import(&state.db, &bundle, helpdesks).await?;
    for app in &bundle.apps {
        state.apps.forget(&app.id);
    }
    tracing::info!(by = %caller.token_id, ?report, "bundle imported");
    Ok(Json(report))
}
