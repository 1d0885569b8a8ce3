//! The rules of changing guides: saving drafts, publishing, rolling back, deleting.
//!
//! Shared by the HTTP API, the importer and start-up seeding, so every path into the
//! database keeps the same promises: a draft is valid when saved, a published version
//! is immutable and its number only grows, the live catalog of an app passes the
//! core's catalog checks (no checklist naming a missing guide), and every change is
//! one transaction, so a failure leaves nothing half-written. Whether a guide is valid
//! is the core's call ([`waymark::validate`]); this module only asks. It must not know
//! HTTP.

use waymark::guide::Guide;
use waymark::validate::{parse_guide, validate_catalog, Problem};

use crate::db::{self, guides::DraftFields, guides::VersionRow, Db};

#[derive(Debug, thiserror::Error)]
pub enum AuthoringError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    /// The guide (or the catalog it would join) has problems.
    #[error("{message}")]
    Invalid {
        message: String,
        problems: Vec<Problem>,
    },
    #[error(transparent)]
    Database(#[from] db::Error),
}

impl AuthoringError {
    pub fn invalid(problems: Vec<Problem>) -> Self {
        let message = match problems.len() {
            1 => "the guide has a problem".to_owned(),
            n => format!("the guide has {n} problems"),
        };
        AuthoringError::Invalid { message, problems }
    }
}

/// The JSON stored for a guide: the core's own serialisation, defaults spelled out.
pub fn guide_json(guide: &Guide) -> String {
    serde_json::to_string(guide).expect("a guide always serialises")
}

/// Parses and validates guide JSON text with the core.
pub fn check(text: &str) -> Result<Guide, AuthoringError> {
    parse_guide(text).map_err(AuthoringError::invalid)
}

pub(crate) fn stored_guide(text: &str) -> Result<Guide, AuthoringError> {
    serde_json::from_str(text).map_err(|error| {
        AuthoringError::Conflict(format!("a stored guide cannot be read any more: {error}"))
    })
}

/// Whether `id` can name an app: 1 to 64 lowercase letters, digits, `-` or `_`.
pub fn check_app_id(id: &str) -> Result<(), String> {
    let ok = (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err("use 1 to 64 lowercase letters, digits, `-` or `_`".to_owned())
    }
}

/// Whether a save may create, replace, or both.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Save {
    CreateOnly,
    CreateOrReplace,
}

/// Saves a valid guide as the draft of `guide.id`; true when it created the guide.
pub async fn save_draft(
    db: &Db,
    app: &str,
    guide: &Guide,
    mode: Save,
    by: Option<&str>,
) -> Result<bool, AuthoringError> {
    let mut tx = db.begin_write().await?;
    require_app(tx.conn(), app).await?;
    let created = write_draft(tx.conn(), app, guide, mode, by).await?;
    tx.commit().await?;
    Ok(created)
}

async fn require_app(conn: &mut sqlx::AnyConnection, app: &str) -> Result<(), AuthoringError> {
    match db::apps::get(conn, app).await? {
        Some(_) => Ok(()),
        None => Err(AuthoringError::NotFound(format!("no app `{app}`"))),
    }
}

pub(crate) async fn write_draft(
    conn: &mut sqlx::AnyConnection,
    app: &str,
    guide: &Guide,
    mode: Save,
    by: Option<&str>,
) -> Result<bool, AuthoringError> {
    let draft = guide_json(guide);
    let fields = DraftFields {
        draft: &draft,
        kind: guide.kind.as_str(),
        title: &guide.title,
        by,
        now: crate::now_ms(),
    };
    if db::guides::create(conn, app, &guide.id, &fields).await? {
        return Ok(true);
    }
    if mode == Save::CreateOnly {
        return Err(AuthoringError::Conflict(format!(
            "the app already has a guide `{}`: change it with PUT",
            guide.id
        )));
    }
    db::guides::update_draft(conn, app, &guide.id, &fields).await?;
    Ok(false)
}

/// A version just published.
#[derive(Clone, Debug)]
pub struct Published {
    pub version: i64,
    pub published_at: i64,
    pub guide: Guide,
}

/// Checks that the app's live catalog, with `candidate` live in place of any
/// version of it, passes the core's catalog checks.
async fn check_catalog(
    conn: &mut sqlx::AnyConnection,
    app: &str,
    candidate: &Guide,
) -> Result<(), AuthoringError> {
    let mut catalog = Vec::new();
    for (id, body) in db::guides::live(conn, app).await? {
        if id != candidate.id {
            catalog.push(stored_guide(&body)?);
        }
    }
    catalog.push(candidate.clone());
    let index = catalog.len() - 1;
    let problems: Vec<Problem> = validate_catalog(&catalog)
        .into_iter()
        .filter_map(|(i, problem)| (i == index).then_some(problem))
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(AuthoringError::invalid(problems))
    }
}

/// Publishes `guide` as a new immutable version and makes it live. Its number is
/// one more than the latest, or the guide's own `version` when that is higher.
async fn publish_guide(
    conn: &mut sqlx::AnyConnection,
    app: &str,
    mut guide: Guide,
    by: Option<&str>,
    note: Option<&str>,
) -> Result<Published, AuthoringError> {
    let latest = db::guides::latest_version(conn, app, &guide.id)
        .await?
        .unwrap_or(0);
    let version = (latest + 1).max(i64::from(guide.version));
    guide.version = u32::try_from(version).map_err(|_| {
        AuthoringError::Conflict(format!(
            "guide `{}` has run out of version numbers",
            guide.id
        ))
    })?;
    check_catalog(conn, app, &guide).await?;
    let published_at = crate::now_ms();
    let row = VersionRow {
        version,
        published_at,
        published_by: by.map(str::to_owned),
        note: note.map(str::to_owned),
        body: Some(guide_json(&guide)),
    };
    db::guides::publish_version(conn, app, &guide.id, &row).await?;
    Ok(Published {
        version,
        published_at,
        guide,
    })
}

/// Publishes the current draft of guide `id`.
pub async fn publish(
    db: &Db,
    app: &str,
    id: &str,
    by: Option<&str>,
    note: Option<&str>,
) -> Result<Published, AuthoringError> {
    let mut tx = db.begin_write().await?;
    let row = db::guides::get(tx.conn(), app, id, db.for_update())
        .await?
        .ok_or_else(|| not_found(app, id))?;
    let guide = stored_guide(&row.draft)?;
    let published = publish_guide(tx.conn(), app, guide, by, note).await?;
    tx.commit().await?;
    Ok(published)
}

/// Publishes the content of an earlier version as a new version (numbers only grow,
/// so runtimes treat it as new, and the history keeps the bad version). The draft is
/// left as it is.
pub async fn roll_back(
    db: &Db,
    app: &str,
    id: &str,
    to: i64,
    by: Option<&str>,
) -> Result<Published, AuthoringError> {
    let mut tx = db.begin_write().await?;
    db::guides::get(tx.conn(), app, id, db.for_update())
        .await?
        .ok_or_else(|| not_found(app, id))?;
    let old = db::guides::version(tx.conn(), app, id, to)
        .await?
        .ok_or_else(|| {
            AuthoringError::NotFound(format!(
                "guide `{id}` has no version {to}: list them at .../versions"
            ))
        })?;
    let guide = stored_guide(old.body.as_deref().unwrap_or_default())?;
    let note = format!("roll back to version {to}");
    let published = publish_guide(tx.conn(), app, guide, by, Some(&note)).await?;
    tx.commit().await?;
    Ok(published)
}

/// Deletes a guide, its draft and its versions. Refused while a live checklist of
/// the app names it.
pub async fn delete(db: &Db, app: &str, id: &str) -> Result<(), AuthoringError> {
    let mut tx = db.begin_write().await?;
    db::guides::get(tx.conn(), app, id, db.for_update())
        .await?
        .ok_or_else(|| not_found(app, id))?;
    let mut rest = Vec::new();
    for (other, body) in db::guides::live(tx.conn(), app).await? {
        if other != id {
            rest.push(stored_guide(&body)?);
        }
    }
    if let Some((index, problem)) = validate_catalog(&rest).into_iter().next() {
        return Err(AuthoringError::Conflict(format!(
            "guide `{}` would break without `{id}` ({problem}): change it first",
            rest[index].id
        )));
    }
    db::guides::delete(tx.conn(), app, id).await?;
    tx.commit().await?;
    Ok(())
}

fn not_found(app: &str, id: &str) -> AuthoringError {
    AuthoringError::NotFound(format!("app `{app}` has no guide `{id}`"))
}

/// Start-up seeding of a guide file: creates and publishes the guide when it is new,
/// and publishes the file again when its `version` is above the latest published
/// one (the author bumped it). Otherwise the database, where agents edit, wins.
/// The files were checked together beforehand, so no catalog check here.
pub async fn seed_guide(db: &Db, app: &str, guide: &Guide) -> Result<Option<i64>, AuthoringError> {
    let mut tx = db.begin_write().await?;
    let latest = db::guides::latest_version(tx.conn(), app, &guide.id).await?;
    if latest.is_some_and(|latest| latest >= i64::from(guide.version)) {
        return Ok(None);
    }
    write_draft(
        tx.conn(),
        app,
        guide,
        Save::CreateOrReplace,
        Some("guides folder"),
    )
    .await?;
    let version = i64::from(guide.version);
    let row = VersionRow {
        version,
        published_at: crate::now_ms(),
        published_by: Some("guides folder".to_owned()),
        note: Some("loaded from the guides folder".to_owned()),
        body: Some(guide_json(guide)),
    };
    db::guides::publish_version(tx.conn(), app, &guide.id, &row).await?;
    tx.commit().await?;
    Ok(Some(version))
}
