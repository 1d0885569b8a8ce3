//! API tokens: only their SHA-256 is stored, so a leaked database leaks no token.

use sqlx::{AnyConnection, Row};

use super::Error;

#[derive(Clone, Debug)]
pub struct TokenRow {
    pub id: String,
    pub name: String,
    pub role: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

fn token_row(row: &sqlx::any::AnyRow) -> Result<TokenRow, Error> {
    Ok(TokenRow {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        role: row.try_get("role")?,
        created_at: row.try_get("created_at")?,
        revoked_at: row.try_get("revoked_at")?,
    })
}

pub async fn insert(conn: &mut AnyConnection, token: &TokenRow, hash: &str) -> Result<(), Error> {
    sqlx::query(
        "INSERT INTO tokens (id, name, role, hash, created_at, revoked_at) VALUES ($1, $2, $3, $4, $5, NULL)",
    )
    .bind(&token.id)
    .bind(&token.name)
    .bind(&token.role)
    .bind(hash)
    .bind(token.created_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Makes the token with this id carry `hash` (creating it, or re-keying and
/// un-revoking it): how a token given in the configuration is kept current.
pub async fn put(conn: &mut AnyConnection, token: &TokenRow, hash: &str) -> Result<(), Error> {
    sqlx::query("DELETE FROM tokens WHERE hash = $1 AND id <> $2")
        .bind(hash)
        .bind(&token.id)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO tokens (id, name, role, hash, created_at, revoked_at) VALUES ($1, $2, $3, $4, $5, NULL)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, role = excluded.role,
             hash = excluded.hash, revoked_at = NULL",
    )
    .bind(&token.id)
    .bind(&token.name)
    .bind(&token.role)
    .bind(hash)
    .bind(token.created_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// The live (not revoked) token with this hash.
pub async fn find_live(conn: &mut AnyConnection, hash: &str) -> Result<Option<TokenRow>, Error> {
    sqlx::query(
        "SELECT id, name, role, created_at, revoked_at FROM tokens WHERE hash = $1 AND revoked_at IS NULL",
    )
    .bind(hash)
    .fetch_optional(conn)
    .await?
    .as_ref()
    .map(token_row)
    .transpose()
}

pub async fn list(conn: &mut AnyConnection) -> Result<Vec<TokenRow>, Error> {
    sqlx::query("SELECT id, name, role, created_at, revoked_at FROM tokens ORDER BY created_at, id")
        .fetch_all(conn)
        .await?
        .iter()
        .map(token_row)
        .collect()
}

/// Revokes the token; false when there is no live token with that id.
pub async fn revoke(conn: &mut AnyConnection, id: &str, now: i64) -> Result<bool, Error> {
    let done =
        sqlx::query("UPDATE tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL")
            .bind(id)
            .bind(now)
            .execute(conn)
            .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn live_admins(conn: &mut AnyConnection) -> Result<i64, Error> {
    let row =
        sqlx::query("SELECT COUNT(*) AS n FROM tokens WHERE role = 'admin' AND revoked_at IS NULL")
            .fetch_one(conn)
            .await?;
    row.try_get("n")
}
