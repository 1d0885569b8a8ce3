//! Admin endpoints (admin token): apps with their allowed origins, their own help
//! desks and category routing, and API tokens.
//!
//! Agents may read apps and their help desks without credentials (the editor lists
//! them, and exports hold the same); only admins change them or touch tokens. A token's value appears in exactly one response, the
//! one that creates it; lists show ids, names and roles. A help desk's credentials
//! are write-only: no response or log line holds them (a GET says `token_set: true`),
//! and a PUT that leaves one out keeps the stored one (for the same kind and URL
//! host only).

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
use crate::helpdesk::per_app::{self, Routing};
use crate::helpdesk::HelpdeskConfig;
use crate::tokens::{self, Role};

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/v1/apps", get(list_apps).post(create_app))
        .route(
            "/v1/apps/{app}",
            get(read_app).put(update_app).delete(delete_app),
        )
        .route(
            "/v1/apps/{app}/helpdesk",
            get(read_helpdesk).put(set_helpdesk).delete(clear_helpdesk),
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

/// An app's help desk and routing, without credentials.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AppHelpdesk {
    pub app: String,
    /// The app's own help desk: `kind` and that help desk's keys, each credential
    /// `k` replaced by `k_set` (true when one is stored). Null: the app's tickets go
    /// to the server's `[helpdesk]`.
    #[schema(value_type = Option<Object>)]
    pub helpdesk: Option<serde_json::Value>,
    /// The kind of the server's help desk, used when `helpdesk` is null.
    pub server_default: String,
    pub routing: Routing,
    /// What a routing target sets in the help desk the app's tickets go to, e.g.
    /// `RT queue` or `Zendesk group_id`.
    pub routing_target: String,
    /// Milliseconds since the Unix epoch; null when never set.
    pub updated_at: Option<i64>,
}

/// `PUT /v1/apps/{app}/helpdesk`: the app's help desk and routing, replaced.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppHelpdeskUpdate {
    /// `kind` (inbox, rt, zendesk, freshdesk, servicenow, jira, bmc, zammad, webhook)
    /// and that help desk's keys, as in `[helpdesk]`. A credential left out (or
    /// empty) keeps the stored one when the kind and the URL's host are unchanged.
    /// Null or absent: the server's help desk.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub helpdesk: Option<serde_json::Value>,
    /// Category → target; empty: every ticket to the help desk's default.
    #[serde(default)]
    pub routing: Routing,
}

/// The stored configuration of an app, read for merging credentials (never answered).
pub fn stored_config(row: Option<&db::apps::HelpdeskRow>) -> Option<HelpdeskConfig> {
    row.and_then(|r| r.config.as_deref())
        .and_then(|c| serde_json::from_str(c).ok())
}

fn helpdesk_answer(state: &AppState, app: &str, row: Option<db::apps::HelpdeskRow>) -> AppHelpdesk {
    let own = stored_config(row.as_ref());
    let server_default = per_app::kind_of(&state.config.helpdesk);
    let kind = own.as_ref().map(per_app::kind_of).unwrap_or(server_default);
    AppHelpdesk {
        app: app.to_owned(),
        helpdesk: own.as_ref().map(per_app::redacted),
        server_default: server_default.to_owned(),
        routing: row
            .as_ref()
            .and_then(|r| serde_json::from_str(&r.routing).ok())
            .unwrap_or_default(),
        routing_target: per_app::target_field(kind).to_owned(),
        updated_at: row.map(|r| r.updated_at),
    }
}

async fn require_app(conn: &mut sqlx::AnyConnection, id: &str) -> ApiResult<()> {
    match db::apps::get(conn, id).await? {
        Some(_) => Ok(()),
        None => Err(ApiError::not_found(format!("no app `{id}`"))),
    }
}

#[utoipa::path(get, path = "/v1/apps/{app}/helpdesk", tag = "admin", security(("bearer" = [])),
    description = "The app's own help desk (credentials shown only as `…_set`) and its category routing.",
    params(("app" = String, Path)),
    responses((status = 200, body = AppHelpdesk), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn read_helpdesk(
    State(state): State<Arc<AppState>>,
    _caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<AppHelpdesk>> {
    let mut conn = state.db.pool().acquire().await?;
    require_app(&mut conn, &id).await?;
    let row = db::apps::helpdesk(&mut conn, &id).await?;
    Ok(Json(helpdesk_answer(&state, &id, row)))
}

#[utoipa::path(put, path = "/v1/apps/{app}/helpdesk", tag = "admin", security(("bearer" = [])),
    description = "Sets the app's help desk and routing. Credentials are write-only: leave one out to keep the stored one \
        (same kind and URL host). The configuration is checked (kind, required keys, URL); the help desk is not called.",
    params(("app" = String, Path)), request_body = AppHelpdeskUpdate,
    responses((status = 200, body = AppHelpdesk), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_helpdesk(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    request: Body,
) -> ApiResult<Json<AppHelpdesk>> {
    caller.require(Role::Admin)?;
    let bytes = body::read(&headers, request, state.config.body_max_bytes).await?;
    let update: AppHelpdeskUpdate = body::parse(&bytes)?;
    let mut tx = state.db.begin_write().await?;
    require_app(tx.conn(), &id).await?;
    let row = db::apps::helpdesk(tx.conn(), &id).await?;
    let cfg = per_app::check_setting(
        update.helpdesk.as_ref(),
        &update.routing,
        stored_config(row.as_ref()).as_ref(),
        per_app::kind_of(&state.config.helpdesk),
        None,
    )
    .map_err(|(path, message)| ApiError::invalid_at(path, message))?;
    let config = cfg
        .as_ref()
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| ApiError::internal("the help desk configuration cannot be written", &e))?;
    let routing = serde_json::to_string(&update.routing)
        .map_err(|e| ApiError::internal("the routing cannot be written", &e))?;
    db::apps::set_helpdesk(tx.conn(), &id, config.as_deref(), &routing, crate::now_ms()).await?;
    let row = db::apps::helpdesk(tx.conn(), &id).await?;
    tx.commit().await?;
    let kind = cfg
        .as_ref()
        .map(per_app::kind_of)
        .unwrap_or("server default");
    tracing::info!(app = %id, helpdesk = kind, categories = update.routing.categories.len(), by = %caller.token_id, "app help desk set");
    Ok(Json(helpdesk_answer(&state, &id, row)))
}

#[utoipa::path(delete, path = "/v1/apps/{app}/helpdesk", tag = "admin", security(("bearer" = [])),
    description = "Clears the app's help desk (its credentials included) and routing: its tickets go to the server's help desk.",
    params(("app" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn clear_helpdesk(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    caller.require(Role::Admin)?;
    let mut tx = state.db.begin_write().await?;
    require_app(tx.conn(), &id).await?;
    db::apps::clear_helpdesk(tx.conn(), &id).await?;
    tx.commit().await?;
    tracing::info!(app = %id, by = %caller.token_id, "app help desk cleared");
    Ok(StatusCode::NO_CONTENT)
}
