//! Ticket endpoints: the runtime files a ticket and follows it; agents read the
//! inbox; admins requeue a failed ticket and set the app's user secret.
//!
//! `POST /v1/apps/{app}/tickets` stores the ticket in the outbox before it answers
//! (202 with the local id), keyed by the `Idempotency-Key` header: the same key with
//! the same body finds the same ticket, with another body it is refused (422). The
//! outbox worker delivers it afterwards.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post, put};
use axum::{Extension, Json, Router};
use serde::Deserialize;
use waymark::wire::{InboxTicket, TicketStatus, TicketView};

use super::auth::Caller;
use super::body;
use super::error::{ApiError, ApiResult, ErrorBody};
use super::origins::PublicApp;
use super::AppState;
use crate::db::tickets::{self as store, NewTicket, Stored, TicketRow};
use crate::tickets::{self, TicketRequest, TicketRules, MAX_KEY};
use crate::tokens::Role;

/// The routes agents and admins use (the public ones sit behind the public guard).
pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/v1/apps/{app}/inbox", get(inbox))
        .route("/v1/apps/{app}/inbox/{id}/retry", post(requeue))
        .route("/v1/apps/{app}/secret", put(set_secret))
}

/// The answer to a posted ticket and to a status request.
fn view(r: &TicketRow) -> TicketView {
    TicketView {
        id: r.id.clone(),
        status: r.shown_status(),
        last_error: r.last_error.clone(),
        reference: r.reference.clone(),
        reference_url: r.reference_url.clone(),
        helpdesk: r.helpdesk.clone(),
        created_at: r.created_at,
        delivered_at: r.delivered_at,
    }
}

#[utoipa::path(post, path = "/v1/apps/{app}/tickets", tag = "public",
    params(("app" = String, Path, description = "App id"),
           ("Idempotency-Key" = String, Header, description = "The same for every retry of one ticket")),
    request_body = TicketRequest,
    responses(
        (status = 202, description = "Stored in the outbox; delivery follows", body = TicketView),
        (status = 400, description = "No Idempotency-Key, or malformed JSON", body = ErrorBody),
        (status = 403, description = "The app has a secret and the user hash does not match", body = ErrorBody),
        (status = 422, description = "Invalid ticket, or the key was used for another ticket", body = ErrorBody),
    ))]
pub async fn file(
    State(state): State<Arc<AppState>>,
    Extension(app): Extension<Arc<PublicApp>>,
    headers: HeaderMap,
    request_body: Body,
) -> ApiResult<(StatusCode, Json<TicketView>)> {
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .ok_or_else(|| {
            ApiError::bad_request(
                "send an Idempotency-Key header, the same for every retry of this ticket",
            )
        })?;
    if key.len() > MAX_KEY {
        return Err(ApiError::bad_request(format!(
            "the Idempotency-Key is longer than {MAX_KEY} characters"
        )));
    }
    let bytes = body::read(&headers, request_body, state.config.body_max_bytes).await?;
    let request: TicketRequest = body::parse(&bytes)?;
    let problems = request.problems();
    if !problems.is_empty() {
        return Err(ApiError::unprocessable("the ticket is not valid", problems));
    }
    if let Some(email) = request.unsendable_email() {
        tracing::info!(app = %app.id, %email, "user.email is not an address help desks take as a requester; the ticket keeps it in its description and is filed without a requester email");
    }
    if let Some(secret) = store::app_secret(&state.db, &app.id).await? {
        if !tickets::user_verified(&secret, request.user.as_ref()) {
            return Err(ApiError::forbidden(
                "this app requires user.id with user.hash = hex(HMAC-SHA256(app secret, user.id)); the hash is missing or does not match",
            ));
        }
    }
    let hash = request.hash();
    let json = serde_json::to_string(&request).expect("a ticket request always serializes");
    let id = tickets::new_id();
    let now = crate::now_ms();
    let mut tx = state.db.begin_write().await?;
    let stored = store::insert_or_find(
        tx.conn(),
        &NewTicket {
            id: &id,
            app: &app.id,
            idempotency_key: key,
            body_hash: &hash,
            request: &json,
            user_id: request.user.as_ref().and_then(|u| u.id.as_deref()),
            now,
        },
    )
    .await?;
    tx.commit().await?;
    let id =
        match stored {
            Stored::New => {
                state.outbox.wake();
                id
            }
            Stored::Existing { id, body_hash } if body_hash == hash => id,
            Stored::Existing { .. } => return Err(ApiError::invalid_at(
                "Idempotency-Key",
                "this key was already used for a different ticket; use a new key for a new ticket",
            )),
        };
    let row = store::get(&state.db, &app.id, &id)
        .await?
        .ok_or_else(|| ApiError::internal("the stored ticket vanished", &id))?;
    Ok((StatusCode::ACCEPTED, Json(view(&row))))
}

#[utoipa::path(get, path = "/v1/apps/{app}/tickets/{id}", tag = "public",
    params(("app" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = TicketView), (status = 404, body = ErrorBody)))]
pub async fn status(
    State(state): State<Arc<AppState>>,
    Extension(app): Extension<Arc<PublicApp>>,
    Path((_app, id)): Path<(String, String)>,
) -> ApiResult<Json<TicketView>> {
    let row = store::get(&state.db, &app.id, &id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no ticket `{id}` in app `{}`", app.id)))?;
    Ok(Json(view(&row)))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct InboxQuery {
    /// `queued`, `waiting`, `delivered` or `failed`.
    pub status: Option<String>,
    /// At most this many, newest first (default 100, at most 500).
    pub limit: Option<i64>,
}

#[utoipa::path(get, path = "/v1/apps/{app}/inbox", tag = "tickets",
    params(("app" = String, Path), InboxQuery),
    responses((status = 200, body = Vec<InboxTicket>), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn inbox(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(app): Path<String>,
    Query(q): Query<InboxQuery>,
) -> ApiResult<Json<Vec<InboxTicket>>> {
    caller.require(Role::Agent)?;
    let status = match q.status.as_deref() {
        None => None,
        Some(s) => Some(TicketStatus::parse(s).ok_or_else(|| {
            ApiError::bad_request(format!(
                "status `{s}`: use queued, waiting, delivered or failed"
            ))
        })?),
    };
    let limit = q.limit.unwrap_or(100).clamp(1, 500);
    let rows = store::list(&state.db, &app, status, limit).await?;
    Ok(Json(
        rows.iter()
            .map(|r| InboxTicket {
                view: view(r),
                attempts: r.attempts,
                user_id: r.user_id.clone(),
                ticket: serde_json::from_str(&r.request).ok(),
            })
            .collect(),
    ))
}

#[utoipa::path(post, path = "/v1/apps/{app}/inbox/{id}/retry", tag = "tickets",
    params(("app" = String, Path), ("id" = String, Path)),
    responses((status = 202, body = TicketView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn requeue(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path((app, id)): Path<(String, String)>,
) -> ApiResult<(StatusCode, Json<TicketView>)> {
    caller.require(Role::Admin)?;
    let row = store::get(&state.db, &app, &id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no ticket `{id}` in app `{app}`")))?;
    if row.status != TicketStatus::Failed {
        return Err(ApiError::conflict(format!(
            "ticket `{id}` is {}; only failed tickets are retried",
            row.status.as_str()
        )));
    }
    store::requeue(&state.db, &app, &id, crate::now_ms()).await?;
    state.outbox.wake();
    let row = store::get(&state.db, &app, &id).await?.unwrap_or(row);
    Ok((StatusCode::ACCEPTED, Json(view(&row))))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SecretUpdate {
    /// At least 16 characters; `null` removes the requirement.
    pub secret: Option<String>,
}

#[utoipa::path(put, path = "/v1/apps/{app}/secret", tag = "admin",
    params(("app" = String, Path)), request_body = SecretUpdate,
    responses((status = 204), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn set_secret(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(app): Path<String>,
    headers: HeaderMap,
    request_body: Body,
) -> ApiResult<StatusCode> {
    caller.require(Role::Admin)?;
    let bytes = body::read(&headers, request_body, state.config.body_max_bytes).await?;
    let update: SecretUpdate = body::parse(&bytes)?;
    if update.secret.as_deref().is_some_and(|s| s.len() < 16) {
        return Err(ApiError::invalid_at("secret", "use at least 16 characters"));
    }
    if !store::set_app_secret(&state.db, &app, update.secret.as_deref(), crate::now_ms()).await? {
        return Err(ApiError::not_found(format!("no app `{app}`")));
    }
    Ok(StatusCode::NO_CONTENT)
}
