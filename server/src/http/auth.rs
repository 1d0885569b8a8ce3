//! Bearer tokens on the authoring and admin endpoints.
//!
//! Owns reading `Authorization: Bearer …`, finding the token by its hash and checking
//! its role. The token itself is never logged, stored or echoed; a caller is known by
//! the token's id and name only.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;

use super::error::ApiError;
use super::AppState;
use crate::db;
use crate::tokens::{self, Role};

/// Who is calling: the token's id, name and role.
#[derive(Clone, Debug)]
pub struct Caller {
    pub token_id: String,
    pub name: String,
    pub role: Role,
}

impl Caller {
    /// 403 unless the caller's role is at least `role`.
    pub fn require(&self, role: Role) -> Result<(), ApiError> {
        if self.role >= role {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!(
                "this needs the {} role; token `{}` has the {} role",
                role.as_str(),
                self.name,
                self.role.as_str()
            )))
        }
    }

    /// How the caller is recorded as an author (`updated_by`, `published_by`).
    pub fn author(&self) -> String {
        format!("{} ({})", self.name, self.token_id)
    }
}

/// The bearer token of the request, if it has one.
fn bearer(parts: &Parts) -> Result<&str, ApiError> {
    let missing = || {
        ApiError::unauthorized(
            "missing bearer token: send `Authorization: Bearer <token>` with an agent or admin token",
        )
    };
    let value = parts
        .headers
        .get(header::AUTHORIZATION)
        .ok_or_else(missing)?;
    let value = value
        .to_str()
        .map_err(|_| ApiError::unauthorized("the Authorization header is not readable text"))?;
    let (scheme, token) = value.trim().split_once(' ').ok_or_else(missing)?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(ApiError::unauthorized(
            "the Authorization header must use the Bearer scheme: `Authorization: Bearer <token>`",
        ));
    }
    let token = token.trim();
    if token.is_empty() {
        return Err(missing());
    }
    Ok(token)
}

impl FromRequestParts<Arc<AppState>> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, ApiError> {
        let hash = tokens::hash(bearer(parts)?);
        let mut conn = state.db.pool().acquire().await?;
        let row = db::tokens::find_live(&mut conn, &hash)
            .await?
            .ok_or_else(|| {
                ApiError::unauthorized(
                    "the bearer token is not valid: it is unknown or was revoked",
                )
            })?;
        let role = Role::parse(&row.role)
            .ok_or_else(|| ApiError::internal("a stored token has an unknown role", &row.role))?;
        Ok(Caller {
            token_id: row.id,
            name: row.name,
            role,
        })
    }
}
