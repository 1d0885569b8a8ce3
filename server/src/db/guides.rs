//! Guides of an app: the draft of each, and its published versions.
//!
//! Bodies are stored as the guide's JSON text, written by the core's serde types, so
//! the catalog is served without parsing. Versions are insert-only: nothing here
//! updates or deletes one, except deleting the whole guide.

use sqlx::{AnyConnection, Row};

use super::Error;

/// A guide's row: its draft and which version is live.
#[derive(Clone, Debug)]
pub struct GuideRow {
    pub guide_id: String,
    pub draft: String,
    pub kind: String,
    pub title: String,
    pub live_version: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub updated_by: Option<String>,
}

/// One published version, without or with its body.
#[derive(Clone, Debug)]
pub struct VersionRow {
    pub version: i64,
    pub published_at: i64,
    pub published_by: Option<String>,
    pub note: Option<String>,
    pub body: Option<String>,
}

/// What a draft save writes besides the JSON: the columns lists are sorted by.
pub struct DraftFields<'a> {
    pub draft: &'a str,
    pub kind: &'a str,
    pub title: &'a str,
    pub by: Option<&'a str>,
    pub now: i64,
}

const GUIDE_COLUMNS: &str =
    "guide_id, draft, kind, title, live_version, created_at, updated_at, updated_by";

fn guide_row(row: &sqlx::any::AnyRow) -> Result<GuideRow, Error> {
    Ok(GuideRow {
        guide_id: row.try_get("guide_id")?,
        draft: row.try_get("draft")?,
        kind: row.try_get("kind")?,
        title: row.try_get("title")?,
        live_version: row.try_get("live_version")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        updated_by: row.try_get("updated_by")?,
    })
}

/// The guide, locking its row until the transaction ends when `lock` is
/// [`super::Db::for_update`].
pub async fn get(
    conn: &mut AnyConnection,
    app: &str,
    id: &str,
    lock: &str,
) -> Result<Option<GuideRow>, Error> {
    let sql =
        format!("SELECT {GUIDE_COLUMNS} FROM guides WHERE app_id = $1 AND guide_id = $2{lock}");
    sqlx::query(&sql)
        .bind(app)
        .bind(id)
        .fetch_optional(conn)
        .await?
        .as_ref()
        .map(guide_row)
        .transpose()
}

pub async fn list(conn: &mut AnyConnection, app: &str) -> Result<Vec<GuideRow>, Error> {
    let sql = format!("SELECT {GUIDE_COLUMNS} FROM guides WHERE app_id = $1 ORDER BY guide_id");
    sqlx::query(&sql)
        .bind(app)
        .fetch_all(conn)
        .await?
        .iter()
        .map(guide_row)
        .collect()
}

/// Creates the guide with its first draft; false when the id is taken.
pub async fn create(
    conn: &mut AnyConnection,
    app: &str,
    id: &str,
    fields: &DraftFields<'_>,
) -> Result<bool, Error> {
    let done = sqlx::query(
        "INSERT INTO guides (app_id, guide_id, draft, kind, title, live_version, created_at, updated_at, updated_by)
         VALUES ($1, $2, $3, $4, $5, NULL, $6, $6, $7)
         ON CONFLICT (app_id, guide_id) DO NOTHING",
    )
    .bind(app)
    .bind(id)
    .bind(fields.draft)
    .bind(fields.kind)
    .bind(fields.title)
    .bind(fields.now)
    .bind(fields.by)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Replaces the draft of an existing guide; false when there is no such guide.
pub async fn update_draft(
    conn: &mut AnyConnection,
    app: &str,
    id: &str,
    fields: &DraftFields<'_>,
) -> Result<bool, Error> {
    let done = sqlx::query(
        "UPDATE guides SET draft = $3, kind = $4, title = $5, updated_at = $6, updated_by = $7
         WHERE app_id = $1 AND guide_id = $2",
    )
    .bind(app)
    .bind(id)
    .bind(fields.draft)
    .bind(fields.kind)
    .bind(fields.title)
    .bind(fields.now)
    .bind(fields.by)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Deletes the guide with every version; false when there was none.
pub async fn delete(conn: &mut AnyConnection, app: &str, id: &str) -> Result<bool, Error> {
    sqlx::query("DELETE FROM guide_versions WHERE app_id = $1 AND guide_id = $2")
        .bind(app)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    let done = sqlx::query("DELETE FROM guides WHERE app_id = $1 AND guide_id = $2")
        .bind(app)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The highest version number published so far.
pub async fn latest_version(
    conn: &mut AnyConnection,
    app: &str,
    id: &str,
) -> Result<Option<i64>, Error> {
    let row = sqlx::query(
        "SELECT MAX(version) AS latest FROM guide_versions WHERE app_id = $1 AND guide_id = $2",
    )
    .bind(app)
    .bind(id)
    .fetch_one(conn)
    .await?;
    row.try_get("latest")
}

/// Writes a new immutable version and makes it the live one.
pub async fn publish_version(
    conn: &mut AnyConnection,
    app: &str,
    id: &str,
    version: &VersionRow,
) -> Result<(), Error> {
    insert_version(conn, app, id, version).await?;
    set_live(conn, app, id, version.version).await
}

/// Writes a new immutable version without changing which one is live.
pub async fn insert_version(
    conn: &mut AnyConnection,
    app: &str,
    id: &str,
    version: &VersionRow,
) -> Result<(), Error> {
    sqlx::query(
        "INSERT INTO guide_versions (app_id, guide_id, version, body, published_at, published_by, note)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(app)
    .bind(id)
    .bind(version.version)
    .bind(version.body.as_deref().unwrap_or_default())
    .bind(version.published_at)
    .bind(version.published_by.as_deref())
    .bind(version.note.as_deref())
    .execute(conn)
    .await?;
    Ok(())
}

/// Makes `version` the one users get.
pub async fn set_live(
    conn: &mut AnyConnection,
    app: &str,
    id: &str,
    version: i64,
) -> Result<(), Error> {
    sqlx::query("UPDATE guides SET live_version = $3 WHERE app_id = $1 AND guide_id = $2")
        .bind(app)
        .bind(id)
        .bind(version)
        .execute(conn)
        .await?;
    Ok(())
}

fn version_row(row: &sqlx::any::AnyRow, with_body: bool) -> Result<VersionRow, Error> {
    Ok(VersionRow {
        version: row.try_get("version")?,
        published_at: row.try_get("published_at")?,
        published_by: row.try_get("published_by")?,
        note: row.try_get("note")?,
        body: if with_body {
            Some(row.try_get("body")?)
        } else {
            None
        },
    })
}

/// Every version of the guide, newest first, without bodies unless asked.
pub async fn versions(
    conn: &mut AnyConnection,
    app: &str,
    id: &str,
    with_bodies: bool,
) -> Result<Vec<VersionRow>, Error> {
    let sql = if with_bodies {
        "SELECT version, published_at, published_by, note, body FROM guide_versions
         WHERE app_id = $1 AND guide_id = $2 ORDER BY version DESC"
    } else {
        "SELECT version, published_at, published_by, note FROM guide_versions
         WHERE app_id = $1 AND guide_id = $2 ORDER BY version DESC"
    };
    sqlx::query(sql)
        .bind(app)
        .bind(id)
        .fetch_all(conn)
        .await?
        .iter()
        .map(|row| version_row(row, with_bodies))
        .collect()
}

pub async fn version(
    conn: &mut AnyConnection,
    app: &str,
    id: &str,
    version: i64,
) -> Result<Option<VersionRow>, Error> {
    sqlx::query(
        "SELECT version, published_at, published_by, note, body FROM guide_versions
         WHERE app_id = $1 AND guide_id = $2 AND version = $3",
    )
    .bind(app)
    .bind(id)
    .bind(version)
    .fetch_optional(conn)
    .await?
    .as_ref()
    .map(|row| version_row(row, true))
    .transpose()
}

/// The live version of every published guide of the app: (guide id, JSON body),
/// ordered by id.
pub async fn live(conn: &mut AnyConnection, app: &str) -> Result<Vec<(String, String)>, Error> {
    sqlx::query(
        "SELECT g.guide_id, v.body FROM guides g
         JOIN guide_versions v
           ON v.app_id = g.app_id AND v.guide_id = g.guide_id AND v.version = g.live_version
         WHERE g.app_id = $1 ORDER BY g.guide_id",
    )
    .bind(app)
    .fetch_all(conn)
    .await?
    .iter()
    .map(|row| Ok((row.try_get("guide_id")?, row.try_get("body")?)))
    .collect()
}
