//! Authoring endpoints (agent or admin token): drafts, publishing, versions, roll
//! back, and validation without saving.
//!
//! A guide's authoring view lives under `/v1/apps/{app}/drafts/{guide}`: its draft
//! (saved only when valid), its published versions, and the actions on them. What
//! the rules are is [`crate::authoring`]'s; this file reads requests and shapes
//! answers.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;
use waymark::validate::Problem;
use waymark::wire::{Draft, DraftSummary, PublishRequest, RollbackRequest, Version};

use super::auth::Caller;
use super::body;
use super::error::{ApiError, ApiResult, ErrorBody, ProblemBody};
use super::AppState;
use crate::authoring::{self, AuthoringError, Save};
use crate::db;
use crate::tokens::Role;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/v1/apps/{app}/drafts", get(list).post(create))
        .route(
            "/v1/apps/{app}/drafts/{guide}",
            get(read).put(replace).delete(remove),
        )
        .route("/v1/apps/{app}/drafts/{guide}/publish", post(publish))
        .route("/v1/apps/{app}/drafts/{guide}/versions", get(versions))
        .route(
            "/v1/apps/{app}/drafts/{guide}/versions/{version}",
            get(version),
        )
        .route("/v1/apps/{app}/drafts/{guide}/rollback", post(roll_back))
        .route("/v1/validate", post(validate))
}

/// What validation found; empty when the guide is valid.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ValidationReport {
    pub valid: bool,
    #[schema(value_type = Vec<ProblemBody>)]
    pub problems: Vec<Problem>,
}

fn summary(row: &db::guides::GuideRow) -> DraftSummary {
    DraftSummary {
        id: row.guide_id.clone(),
        kind: row.kind.clone(),
        title: row.title.clone(),
        live_version: row.live_version,
        created_at: row.created_at,
        updated_at: row.updated_at,
        updated_by: row.updated_by.clone(),
    }
}

fn json_value(text: &str) -> ApiResult<serde_json::Value> {
    serde_json::from_str(text).map_err(|e| ApiError::internal("a stored guide is not JSON", &e))
}

fn version_body(row: db::guides::VersionRow) -> ApiResult<Version> {
    Ok(Version {
        version: row.version,
        published_at: row.published_at,
        published_by: row.published_by,
        note: row.note,
        guide: row.body.as_deref().map(json_value).transpose()?,
    })
}

async fn require_app(state: &AppState, app: &str) -> ApiResult<()> {
    let mut conn = state.db.pool().acquire().await?;
    match db::apps::get(&mut conn, app).await? {
        Some(_) => Ok(()),
        None => Err(ApiError::not_found(format!("no app `{app}`"))),
    }
}

#[utoipa::path(get, path = "/v1/apps/{app}/drafts", tag = "guides", security(("bearer" = [])),
    params(("app" = String, Path)),
    responses((status = 200, body = Vec<DraftSummary>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list(
    State(state): State<Arc<AppState>>,
    _caller: Caller,
    Path(app): Path<String>,
) -> ApiResult<Json<Vec<DraftSummary>>> {
    require_app(&state, &app).await?;
    let mut conn = state.db.pool().acquire().await?;
    let rows = db::guides::list(&mut conn, &app).await?;
    Ok(Json(rows.iter().map(summary).collect()))
}

/// Reads a guide body and checks it with the core.
async fn guide_from(
    state: &AppState,
    headers: &HeaderMap,
    request: Body,
) -> ApiResult<waymark::guide::Guide> {
    let bytes = body::read(headers, request, state.config.body_max_bytes).await?;
    let text = body::require_json_syntax(&bytes)?;
    Ok(authoring::check(text)?)
}

async fn draft_answer(state: &AppState, app: &str, id: &str) -> ApiResult<Json<Draft>> {
    let mut conn = state.db.pool().acquire().await?;
    let row = db::guides::get(&mut conn, app, id, "")
        .await?
        .ok_or_else(|| ApiError::not_found(format!("app `{app}` has no guide `{id}`")))?;
    Ok(Json(Draft {
        summary: summary(&row),
        guide: json_value(&row.draft)?,
    }))
}

#[utoipa::path(post, path = "/v1/apps/{app}/drafts", tag = "guides", security(("bearer" = [])),
    params(("app" = String, Path)),
    request_body(content = Object, description = "A guide (`/v1/guide-schema.json`)"),
    responses((status = 201, body = Draft), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, description = "The id is taken", body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 422, description = "Invalid guide; `problems` by path", body = ErrorBody)))]
pub async fn create(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(app): Path<String>,
    headers: HeaderMap,
    request: Body,
) -> ApiResult<(StatusCode, Json<Draft>)> {
    let guide = guide_from(&state, &headers, request).await?;
    authoring::save_draft(
        &state.db,
        &app,
        &guide,
        Save::CreateOnly,
        Some(&caller.author()),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        draft_answer(&state, &app, &guide.id).await?,
    ))
}

#[utoipa::path(get, path = "/v1/apps/{app}/drafts/{guide}", tag = "guides", security(("bearer" = [])),
    params(("app" = String, Path), ("guide" = String, Path)),
    responses((status = 200, body = Draft), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn read(
    State(state): State<Arc<AppState>>,
    _caller: Caller,
    Path((app, id)): Path<(String, String)>,
) -> ApiResult<Json<Draft>> {
    draft_answer(&state, &app, &id).await
}

#[utoipa::path(put, path = "/v1/apps/{app}/drafts/{guide}", tag = "guides", security(("bearer" = [])),
    params(("app" = String, Path), ("guide" = String, Path)),
    request_body(content = Object, description = "The whole guide; its `id` must match the path"),
    responses((status = 200, description = "Replaced", body = Draft), (status = 201, description = "Created", body = Draft),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn replace(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path((app, id)): Path<(String, String)>,
    headers: HeaderMap,
    request: Body,
) -> ApiResult<(StatusCode, Json<Draft>)> {
    let guide = guide_from(&state, &headers, request).await?;
    if guide.id != id {
        return Err(ApiError::invalid_at(
            "id",
            format!("the guide's id `{}` is not the `{id}` of the URL", guide.id),
        ));
    }
    let created = authoring::save_draft(
        &state.db,
        &app,
        &guide,
        Save::CreateOrReplace,
        Some(&caller.author()),
    )
    .await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, draft_answer(&state, &app, &id).await?))
}

#[utoipa::path(delete, path = "/v1/apps/{app}/drafts/{guide}", tag = "guides", security(("bearer" = [])),
    description = "Deletes the guide: its draft and every version, so users stop getting it.",
    params(("app" = String, Path), ("guide" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "A live checklist names this guide", body = ErrorBody)))]
pub async fn remove(
    State(state): State<Arc<AppState>>,
    _caller: Caller,
    Path((app, id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    authoring::delete(&state.db, &app, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An optional JSON body: empty means the default.
async fn optional_json<T: Default + serde::de::DeserializeOwned>(
    state: &AppState,
    headers: &HeaderMap,
    request: Body,
) -> ApiResult<T> {
    let bytes = body::read(headers, request, state.config.body_max_bytes).await?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    body::parse(&bytes)
}

fn published_answer(
    app_id: &str,
    published: authoring::Published,
    by: String,
    note: Option<String>,
) -> (StatusCode, Json<Version>) {
    tracing::info!(app = app_id, guide = %published.guide.id, version = published.version, "published");
    let guide = serde_json::to_value(&published.guide).ok();
    (
        StatusCode::CREATED,
        Json(Version {
            version: published.version,
            published_at: published.published_at,
            published_by: Some(by),
            note,
            guide,
        }),
    )
}

#[utoipa::path(post, path = "/v1/apps/{app}/drafts/{guide}/publish", tag = "guides", security(("bearer" = [])),
    description = "Publishes the draft as a new immutable version (one above the latest, or the draft's own `version` when higher) and makes it live.",
    params(("app" = String, Path), ("guide" = String, Path)),
    request_body(content = Option<PublishRequest>),
    responses((status = 201, body = Version), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, description = "The catalog would break (a checklist names a missing guide)", body = ErrorBody)))]
pub async fn publish(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path((app, id)): Path<(String, String)>,
    headers: HeaderMap,
    request: Body,
) -> ApiResult<(StatusCode, Json<Version>)> {
    let ask: PublishRequest = optional_json(&state, &headers, request).await?;
    let by = caller.author();
    let published =
        authoring::publish(&state.db, &app, &id, Some(&by), ask.note.as_deref()).await?;
    state.metrics.guides_published.inc();
    Ok(published_answer(&app, published, by, ask.note))
}

#[utoipa::path(get, path = "/v1/apps/{app}/drafts/{guide}/versions", tag = "guides", security(("bearer" = [])),
    params(("app" = String, Path), ("guide" = String, Path)),
    responses((status = 200, description = "Newest first", body = Vec<Version>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn versions(
    State(state): State<Arc<AppState>>,
    _caller: Caller,
    Path((app, id)): Path<(String, String)>,
) -> ApiResult<Json<Vec<Version>>> {
    let mut conn = state.db.pool().acquire().await?;
    if db::guides::get(&mut conn, &app, &id, "").await?.is_none() {
        return Err(AuthoringError::NotFound(format!("app `{app}` has no guide `{id}`")).into());
    }
    let rows = db::guides::versions(&mut conn, &app, &id, false).await?;
    Ok(Json(
        rows.into_iter()
            .map(version_body)
            .collect::<ApiResult<_>>()?,
    ))
}

#[utoipa::path(get, path = "/v1/apps/{app}/drafts/{guide}/versions/{version}", tag = "guides", security(("bearer" = [])),
    params(("app" = String, Path), ("guide" = String, Path), ("version" = i64, Path)),
    responses((status = 200, body = Version), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn version(
    State(state): State<Arc<AppState>>,
    _caller: Caller,
    Path((app, id, version)): Path<(String, String, String)>,
) -> ApiResult<Json<Version>> {
    let number: i64 = version
        .parse()
        .map_err(|_| ApiError::bad_request(format!("`{version}` is not a version number")))?;
    let mut conn = state.db.pool().acquire().await?;
    let row = db::guides::version(&mut conn, &app, &id, number)
        .await?
        .ok_or_else(|| {
            ApiError::not_found(format!(
                "guide `{id}` of app `{app}` has no version {number}"
            ))
        })?;
    Ok(Json(version_body(row)?))
}

#[utoipa::path(post, path = "/v1/apps/{app}/drafts/{guide}/rollback", tag = "guides", security(("bearer" = [])),
    description = "Publishes the content of an earlier version as a new version. The draft is not changed.",
    params(("app" = String, Path), ("guide" = String, Path)),
    request_body = RollbackRequest,
    responses((status = 201, body = Version), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn roll_back(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path((app, id)): Path<(String, String)>,
    headers: HeaderMap,
    request: Body,
) -> ApiResult<(StatusCode, Json<Version>)> {
    let bytes = body::read(&headers, request, state.config.body_max_bytes).await?;
    let ask: RollbackRequest = body::parse(&bytes)?;
    let by = caller.author();
    let published = authoring::roll_back(&state.db, &app, &id, ask.version, Some(&by)).await?;
    state.metrics.guides_published.inc();
    let note = Some(format!("roll back to version {}", ask.version));
    Ok(published_answer(&app, published, by, note))
}

#[utoipa::path(post, path = "/v1/validate", tag = "guides", security(("bearer" = [])),
    description = "Checks a guide with the core without saving it.",
    request_body(content = Object, description = "A guide"),
    responses((status = 200, body = ValidationReport), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn validate(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    headers: HeaderMap,
    request: Body,
) -> ApiResult<Json<ValidationReport>> {
    caller.require(Role::Agent)?;
    let bytes = body::read(&headers, request, state.config.body_max_bytes).await?;
    let text = body::require_json_syntax(&bytes)?;
    let problems = match waymark::validate::parse_guide(text) {
        Ok(_) => Vec::new(),
        Err(problems) => problems,
    };
    Ok(Json(ValidationReport {
        valid: problems.is_empty(),
        problems,
    }))
}
