//! Apps and their allowed origins.

use serde::Serialize;
use sqlx::{AnyConnection, Row};

use super::Error;

/// An app as stored: the host application whose pages load the runtime.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct App {
    pub id: String,
    pub name: String,
    /// Origins (`https://host[:port]`) whose pages may call the public endpoints.
    pub origins: Vec<String>,
    /// Milliseconds since the Unix epoch.
    pub created_at: i64,
    pub updated_at: i64,
}

pub async fn get(conn: &mut AnyConnection, id: &str) -> Result<Option<App>, Error> {
    let Some(row) = sqlx::query("SELECT id, name, created_at, updated_at FROM apps WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
    else {
        return Ok(None);
    };
    let origins = origins(conn, id).await?;
    Ok(Some(App {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        origins,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    }))
}

pub async fn origins(conn: &mut AnyConnection, id: &str) -> Result<Vec<String>, Error> {
    sqlx::query("SELECT origin FROM app_origins WHERE app_id = $1 ORDER BY origin")
        .bind(id)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|row| row.try_get("origin"))
        .collect()
}

pub async fn list(conn: &mut AnyConnection) -> Result<Vec<App>, Error> {
    let ids: Vec<String> = sqlx::query("SELECT id FROM apps ORDER BY id")
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|row| row.try_get("id"))
        .collect::<Result<_, _>>()?;
    let mut apps = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(app) = get(conn, &id).await? {
            apps.push(app);
        }
    }
    Ok(apps)
}

/// Creates the app unless one with that id exists; says whether it did.
pub async fn create(
    conn: &mut AnyConnection,
    id: &str,
    name: &str,
    now: i64,
) -> Result<bool, Error> {
    let done = sqlx::query(
        "INSERT INTO apps (id, name, created_at, updated_at) VALUES ($1, $2, $3, $3)
         ON CONFLICT (id) DO NOTHING",
    )
    .bind(id)
    .bind(name)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Renames the app; says whether it exists.
pub async fn rename(
    conn: &mut AnyConnection,
    id: &str,
    name: &str,
    now: i64,
) -> Result<bool, Error> {
    let done = sqlx::query("UPDATE apps SET name = $2, updated_at = $3 WHERE id = $1")
        .bind(id)
        .bind(name)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Adds origins the app does not have yet.
pub async fn add_origins(
    conn: &mut AnyConnection,
    id: &str,
    origins: &[String],
) -> Result<(), Error> {
    for origin in origins {
        sqlx::query(
            "INSERT INTO app_origins (app_id, origin) VALUES ($1, $2)
             ON CONFLICT (app_id, origin) DO NOTHING",
        )
        .bind(id)
        .bind(origin)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Replaces the app's origins with `origins`.
pub async fn set_origins(
    conn: &mut AnyConnection,
    id: &str,
    origins: &[String],
) -> Result<(), Error> {
    sqlx::query("DELETE FROM app_origins WHERE app_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    add_origins(conn, id, origins).await
}

/// Deletes the app with its guides, versions, origins and events; says whether it
/// existed.
pub async fn delete(conn: &mut AnyConnection, id: &str) -> Result<bool, Error> {
    for sql in [
        "DELETE FROM events WHERE app_id = $1",
        "DELETE FROM insight_sessions WHERE app_id = $1",
        "DELETE FROM insight_guide_sessions WHERE app_id = $1",
        "DELETE FROM insight_reach WHERE app_id = $1",
        "DELETE FROM insight_dirty WHERE app_id = $1",
    ] {
        sqlx::query(sql).bind(id).execute(&mut *conn).await?;
    }
    let done = sqlx::query("DELETE FROM apps WHERE id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// An app's own help desk and routing, as stored: `config` and `routing` are JSON
/// (`config` with its credentials; never answer it as it is).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HelpdeskRow {
    pub config: Option<String>,
    pub routing: String,
    pub updated_at: i64,
}

pub async fn helpdesk(conn: &mut AnyConnection, id: &str) -> Result<Option<HelpdeskRow>, Error> {
    let Some(row) =
        sqlx::query("SELECT config, routing, updated_at FROM app_helpdesks WHERE app_id = $1")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?
    else {
        return Ok(None);
    };
    Ok(Some(HelpdeskRow {
        config: row.try_get("config")?,
        routing: row.try_get("routing")?,
        updated_at: row.try_get("updated_at")?,
    }))
}

/// Sets the app's help desk and routing. `updated_at` always moves forward, so
/// every server sees that its connector for the app is out of date.
pub async fn set_helpdesk(
    conn: &mut AnyConnection,
    id: &str,
    config: Option<&str>,
    routing: &str,
    now: i64,
) -> Result<(), Error> {
    sqlx::query(
        "INSERT INTO app_helpdesks (app_id, config, routing, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (app_id) DO UPDATE SET config = $2, routing = $3,
             updated_at = CASE WHEN app_helpdesks.updated_at >= $4
                               THEN app_helpdesks.updated_at + 1 ELSE $4 END",
    )
    .bind(id)
    .bind(config)
    .bind(routing)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Clears the app's help desk and routing (the server's `[helpdesk]` applies);
/// says whether it had any.
pub async fn clear_helpdesk(conn: &mut AnyConnection, id: &str) -> Result<bool, Error> {
    let done = sqlx::query("DELETE FROM app_helpdesks WHERE app_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() == 1)
}
