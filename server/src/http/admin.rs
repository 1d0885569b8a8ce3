//! Admin endpoints (admin token): apps with their allowed origins, and API tokens.
//!
//! Agents may read apps (the editor lists them); only admins change them or touch
//! tokens. A token's value appears in exactly one response, the one that creates it;
//! lists show ids, names and roles.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{delete, get};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use super::auth::Caller;
use super::body;
use super::error::{ApiError, ApiResult, ErrorBody};
use super::origins;
use super::AppState;
use crate::db::{self, apps::App};
use crate::tokens::{self, Role};

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/v1/apps", get(list_apps).post(create_app))
        .route(
            "/v1/apps/{app}",
            get(read_app).put(update_app).delete(delete_app),
        )
        .route("/v1/tokens", get(list_tokens).post(create_token))
        .route("/v1/tokens/{id}", delete(revoke_token))
}

/// `POST /v1/apps`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewApp {
    /// Lowercase letters, digits, `-` and `_`; 1–64 characters.
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    /// Origins allowed to call the public endpoints, like `https://app.example.com`.
    #[serde(default)]
    pub origins: Vec<String>,
}

/// `PUT /v1/apps/{app}`: the fields given are replaced.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppUpdate {
    #[serde(default)]
    pub name: Option<String>,
    /// The complete new list of origins.
    #[serde(default)]
    pub origins: Option<Vec<String>>,
}

const MAX_NAME: usize = 200;
const MAX_ORIGINS: usize = 100;

fn check_app_id(id: &str) -> ApiResult<()> {
    crate::authoring::check_app_id(id).map_err(|message| ApiError::invalid_at("id", message))
}

fn check_name(name: &str) -> ApiResult<()> {
    if name.trim().is_empty() || name.len() > MAX_NAME {
        return Err(ApiError::invalid_at(
            "name",
            format!("give 1 to {MAX_NAME} characters"),
        ));
    }
    Ok(())
}

/// The origins in normal form, or 422 naming the first bad one.
pub fn check_origins(list: &[String]) -> ApiResult<Vec<String>> {
    if list.len() > MAX_ORIGINS {
        return Err(ApiError::invalid_at(
            "origins",
            format!("at most {MAX_ORIGINS} origins"),
        ));
    }
    let mut out = Vec::with_capacity(list.len());
    for (i, origin) in list.iter().enumerate() {
        let origin = origins::normalize(origin)
            .map_err(|message| ApiError::invalid_at(format!("origins[{i}]"), message))?;
        if !out.contains(&origin) {
            out.push(origin);
        }
    }
    Ok(out)
}

#[utoipa::path(get, path = "/v1/apps", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = Vec<App>), (status = 401, body = ErrorBody)))]
pub async fn list_apps(
    State(state): State<Arc<AppState>>,
    _caller: Caller,
) -> ApiResult<Json<Vec<App>>> {
    let mut conn = state.db.pool().acquire().await?;
    Ok(Json(db::apps::list(&mut conn).await?))
}

async fn app_answer(state: &AppState, id: &str) -> ApiResult<Json<App>> {
    let mut conn = state.db.pool().acquire().await?;
    db::apps::get(&mut conn, id)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::not_found(format!("no app `{id}`")))
}

#[utoipa::path(get, path = "/v1/apps/{app}", tag = "admin", security(("bearer" = [])),
    params(("app" = String, Path)),
    responses((status = 200, body = App), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn read_app(
    State(state): State<Arc<AppState>>,
    _caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<App>> {
    app_answer(&state, &id).await
}

#[utoipa::path(post, path = "/v1/apps", tag = "admin", security(("bearer" = [])),
    request_body = NewApp,
    responses((status = 201, body = App), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_app(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    headers: HeaderMap,
    request: Body,
) -> ApiResult<(StatusCode, Json<App>)> {
    caller.require(Role::Admin)?;
    let bytes = body::read(&headers, request, state.config.body_max_bytes).await?;
    let new: NewApp = body::parse(&bytes)?;
    check_app_id(&new.id)?;
    let name = new.name.unwrap_or_else(|| new.id.clone());
    check_name(&name)?;
    let origins = check_origins(&new.origins)?;
    let mut tx = state.db.begin_write().await?;
    if !db::apps::create(tx.conn(), &new.id, &name, crate::now_ms()).await? {
        return Err(ApiError::conflict(format!(
            "an app `{}` exists already",
            new.id
        )));
    }
    db::apps::add_origins(tx.conn(), &new.id, &origins).await?;
    tx.commit().await?;
    state.apps.forget(&new.id);
    tracing::info!(app = %new.id, by = %caller.token_id, "app created");
    Ok((StatusCode::CREATED, app_answer(&state, &new.id).await?))
}

#[utoipa::path(put, path = "/v1/apps/{app}", tag = "admin", security(("bearer" = [])),
    params(("app" = String, Path)), request_body = AppUpdate,
    responses((status = 200, body = App), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_app(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    request: Body,
) -> ApiResult<Json<App>> {
    caller.require(Role::Admin)?;
    let bytes = body::read(&headers, request, state.config.body_max_bytes).await?;
    let update: AppUpdate = body::parse(&bytes)?;
    if let Some(name) = &update.name {
        check_name(name)?;
    }
    let origins = update.origins.as_deref().map(check_origins).transpose()?;
    let mut tx = state.db.begin_write().await?;
    let Some(app) = db::apps::get(tx.conn(), &id).await? else {
        return Err(ApiError::not_found(format!("no app `{id}`")));
    };
    let name = update.name.unwrap_or(app.name);
    db::apps::rename(tx.conn(), &id, &name, crate::now_ms()).await?;
    if let Some(origins) = origins {
        db::apps::set_origins(tx.conn(), &id, &origins).await?;
    }
    tx.commit().await?;
    state.apps.forget(&id);
    tracing::info!(app = %id, by = %caller.token_id, "app updated");
    app_answer(&state, &id).await
}

#[utoipa::path(delete, path = "/v1/apps/{app}", tag = "admin", security(("bearer" = [])),
    description = "Deletes the app with its guides, versions and events.",
    params(("app" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete_app(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    caller.require(Role::Admin)?;
    let mut tx = state.db.begin_write().await?;
    if !db::apps::delete(tx.conn(), &id).await? {
        return Err(ApiError::not_found(format!("no app `{id}`")));
    }
    tx.commit().await?;
    state.apps.forget(&id);
    tracing::info!(app = %id, by = %caller.token_id, "app deleted");
    Ok(StatusCode::NO_CONTENT)
}

/// A token as listed: never its value.
#[derive(Serialize, utoipa::ToSchema)]
pub struct TokenInfo {
    pub id: String,
    pub name: String,
    pub role: Role,
    /// Milliseconds since the Unix epoch.
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

/// `POST /v1/tokens`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    /// Who or what uses it, e.g. `editor: Dana`.
    pub name: String,
    pub role: Role,
}

/// A new token: `token` is shown only in this response.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CreatedToken {
    #[serde(flatten)]
    pub info: TokenInfo,
    pub token: String,
}

fn token_info(row: db::tokens::TokenRow) -> TokenInfo {
    TokenInfo {
        role: Role::parse(&row.role).unwrap_or(Role::Agent),
        id: row.id,
        name: row.name,
        created_at: row.created_at,
        revoked_at: row.revoked_at,
    }
}

#[utoipa::path(get, path = "/v1/tokens", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = Vec<TokenInfo>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_tokens(
    State(state): State<Arc<AppState>>,
    caller: Caller,
) -> ApiResult<Json<Vec<TokenInfo>>> {
    caller.require(Role::Admin)?;
    let mut conn = state.db.pool().acquire().await?;
    let rows = db::tokens::list(&mut conn).await?;
    Ok(Json(rows.into_iter().map(token_info).collect()))
}

#[utoipa::path(post, path = "/v1/tokens", tag = "admin", security(("bearer" = [])),
    request_body = NewToken,
    responses((status = 201, body = CreatedToken), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_token(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    headers: HeaderMap,
    request: Body,
) -> ApiResult<(StatusCode, Json<CreatedToken>)> {
    caller.require(Role::Admin)?;
    let bytes = body::read(&headers, request, state.config.body_max_bytes).await?;
    let new: NewToken = body::parse(&bytes)?;
    check_name(&new.name)?;
    let secret = tokens::generate();
    let row = db::tokens::TokenRow {
        id: tokens::new_id("tok"),
        name: new.name.trim().to_owned(),
        role: new.role.as_str().to_owned(),
        created_at: crate::now_ms(),
        revoked_at: None,
    };
    let mut tx = state.db.begin_write().await?;
    db::tokens::insert(tx.conn(), &row, &tokens::hash(&secret)).await?;
    tx.commit().await?;
    tracing::info!(token = %row.id, role = %row.role, by = %caller.token_id, "token created");
    Ok((
        StatusCode::CREATED,
        Json(CreatedToken {
            info: token_info(row),
            token: secret,
        }),
    ))
}

#[utoipa::path(delete, path = "/v1/tokens/{id}", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "The last live admin token cannot be revoked", body = ErrorBody)))]
pub async fn revoke_token(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    caller.require(Role::Admin)?;
    let mut tx = state.db.begin_write().await?;
    let target = db::tokens::list(tx.conn())
        .await?
        .into_iter()
        .find(|t| t.id == id && t.revoked_at.is_none())
        .ok_or_else(|| ApiError::not_found(format!("no live token `{id}`")))?;
    if target.role == Role::Admin.as_str() && db::tokens::live_admins(tx.conn()).await? <= 1 {
        return Err(ApiError::conflict(
            "this is the last live admin token: create another admin token first",
        ));
    }
    db::tokens::revoke(tx.conn(), &id, crate::now_ms()).await?;
    tx.commit().await?;
    tracing::info!(token = %id, by = %caller.token_id, "token revoked");
    Ok(StatusCode::NO_CONTENT)
}
