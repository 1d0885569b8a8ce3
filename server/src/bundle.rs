//! Bundles: apps with their origins, drafts and published versions in one JSON file,
//! to move guides between servers or keep them in version control.
//!
//! Export writes everything but tokens, events and help-desk credentials (see
//! [`BundleHelpdesk`]). Import checks the whole bundle
//! first (every guide through the core, every problem reported with its path in the
//! bundle), then writes it in one transaction, then checks each app's live catalog;
//! any failure rolls everything back. Import adds and updates, never deletes: apps
//! and guides missing from the bundle are left alone; a version already present
//! with the same content is skipped, with different content refused.

use serde::{Deserialize, Serialize};
use waymark::guide::Guide;
use waymark::validate::{parse_guide, validate_catalog, Problem};

use crate::authoring::{self, guide_json, stored_guide, AuthoringError, Save};
use crate::db::{self, guides::VersionRow, Db};
use crate::helpdesk::per_app::{self, EnvLookup, Routing};
use crate::http::origins;

/// The format marker and version of a bundle file.
pub const FORMAT: u32 = 1;

#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Bundle {
    /// Always 1.
    pub waymark_bundle: u32,
    /// Milliseconds since the Unix epoch; informative.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exported_at: Option<i64>,
    pub apps: Vec<BundleApp>,
}

#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BundleApp {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default)]
    pub origins: Vec<String>,
    #[serde(default)]
    pub guides: Vec<BundleGuide>,
    /// The app's own help desk and routing; absent: left as it is on import.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub helpdesk: Option<BundleHelpdesk>,
}

/// An app's help desk and routing in a bundle.
///
/// Credentials are never exported: a bundle is a file meant for version control
/// and for moving guides between servers, and agents may export over HTTP, so a
/// secret in it would be readable by whoever holds the file. An export writes each
/// credential `k` as `k_set: true` instead. On import a credential left out keeps
/// the one stored on the target server for the same kind and URL host; `waymark
/// import` also reads `k_env: "VARIABLE"` from its environment (the HTTP import does
/// not: an API caller must not read the server's environment). When neither gives
/// the credential, the import fails naming the key: a help desk is never set up
/// silently without one.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BundleHelpdesk {
    /// `kind` and that help desk's keys, without credentials; null: the server's.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub helpdesk: Option<serde_json::Value>,
    #[serde(default)]
    pub routing: Routing,
}

/// What an import needs to know about help desks.
#[derive(Clone, Copy)]
pub struct ImportHelpdesks<'a> {
    /// The kind of the server's `[helpdesk]`, for routing of apps without their own.
    pub server_kind: &'a str,
    /// Reads `k_env` credentials (the command line only).
    pub env: Option<EnvLookup<'a>>,
}

#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BundleGuide {
    pub id: String,
    /// The draft; when absent, the latest version becomes the draft.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub draft: Option<serde_json::Value>,
    /// The version users get; when absent, the highest version in the bundle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub live_version: Option<i64>,
    #[serde(default)]
    pub versions: Vec<BundleVersion>,
}

#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BundleVersion {
    pub version: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[schema(value_type = Object)]
    pub guide: serde_json::Value,
}

/// What an import did: a wire type, as the editor reads it.
pub use waymark::wire::ImportReport;

/// Every app (or one) as a bundle.
pub async fn export(db: &Db, only: Option<&str>) -> Result<Bundle, AuthoringError> {
    let mut conn = db.pool().acquire().await?;
    let apps = match only {
        Some(id) => vec![db::apps::get(&mut conn, id)
            .await?
            .ok_or_else(|| AuthoringError::NotFound(format!("no app `{id}`")))?],
        None => db::apps::list(&mut conn).await?,
    };
    let mut out = Vec::with_capacity(apps.len());
    for app in apps {
        let mut guides = Vec::new();
        for row in db::guides::list(&mut conn, &app.id).await? {
            let mut versions = Vec::new();
            for v in db::guides::versions(&mut conn, &app.id, &row.guide_id, true)
                .await?
                .into_iter()
                .rev()
            {
                versions.push(BundleVersion {
                    version: v.version,
                    published_at: Some(v.published_at),
                    published_by: v.published_by,
                    note: v.note,
                    guide: json(v.body.as_deref().unwrap_or_default())?,
                });
            }
            guides.push(BundleGuide {
                id: row.guide_id,
                draft: Some(json(&row.draft)?),
                live_version: row.live_version,
                versions,
            });
        }
        let helpdesk = db::apps::helpdesk(&mut conn, &app.id)
            .await?
            .map(|row| BundleHelpdesk {
                helpdesk: crate::http::admin::stored_config(Some(&row))
                    .as_ref()
                    .map(per_app::redacted),
                routing: serde_json::from_str(&row.routing).unwrap_or_default(),
            });
        out.push(BundleApp {
            id: app.id,
            name: Some(app.name),
            helpdesk,
            origins: app.origins,
            guides,
        });
    }
    Ok(Bundle {
        waymark_bundle: FORMAT,
        exported_at: Some(crate::now_ms()),
        apps: out,
    })
}

fn json(text: &str) -> Result<serde_json::Value, AuthoringError> {
    serde_json::from_str(text)
        .map_err(|e| AuthoringError::Conflict(format!("a stored guide is not JSON: {e}")))
}

/// A bundle guide's parts, checked.
struct Checked {
    draft: Guide,
    versions: Vec<(BundleVersion, Guide)>,
    live: Option<i64>,
}

/// Runs the core on one guide value; problems get `at` in front of their path.
fn check_value(
    value: &serde_json::Value,
    at: &str,
    id: &str,
    problems: &mut Vec<Problem>,
) -> Option<Guide> {
    match parse_guide(&value.to_string()) {
        Ok(guide) if guide.id == id => Some(guide),
        Ok(guide) => {
            problems.push(problem(
                format!("{at}.id"),
                format!("`{}` is not the guide's id `{id}`", guide.id),
            ));
            None
        }
        Err(found) => {
            problems.extend(
                found
                    .into_iter()
                    .map(|p| problem(format!("{at}.{}", p.path), p.message)),
            );
            None
        }
    }
}

fn problem(path: String, message: impl Into<String>) -> Problem {
    Problem {
        path,
        message: message.into(),
    }
}

fn check_bundle(bundle: &Bundle) -> Result<Vec<Vec<Checked>>, AuthoringError> {
    let mut problems = Vec::new();
    if bundle.waymark_bundle != FORMAT {
        problems.push(problem(
            "waymark_bundle".into(),
            format!("this server reads bundle format {FORMAT}"),
        ));
    }
    let mut apps = Vec::new();
    for (a, app) in bundle.apps.iter().enumerate() {
        if let Err(message) = authoring::check_app_id(&app.id) {
            problems.push(problem(format!("apps[{a}].id"), message));
        }
        for (o, origin) in app.origins.iter().enumerate() {
            if let Err(message) = origins::normalize(origin) {
                problems.push(problem(format!("apps[{a}].origins[{o}]"), message));
            }
        }
        let mut guides = Vec::new();
        for (g, guide) in app.guides.iter().enumerate() {
            let at = format!("apps[{a}].guides[{g}]");
            let mut versions = Vec::new();
            for (v, version) in guide.versions.iter().enumerate() {
                let vat = format!("{at}.versions[{v}]");
                if !(1..=i64::from(waymark::validate::MAX_VERSION)).contains(&version.version) {
                    problems.push(problem(
                        format!("{vat}.version"),
                        "must be a positive version number",
                    ));
                    continue;
                }
                if let Some(mut parsed) = check_value(
                    &version.guide,
                    &format!("{vat}.guide"),
                    &guide.id,
                    &mut problems,
                ) {
                    parsed.version = version.version as u32;
                    versions.push((version.clone(), parsed));
                }
            }
            versions.sort_by_key(|(v, _)| v.version);
            let draft = match &guide.draft {
                Some(value) => check_value(value, &format!("{at}.draft"), &guide.id, &mut problems),
                None => versions.last().map(|(_, g)| g.clone()),
            };
            match draft {
                Some(draft) => guides.push(Checked {
                    draft,
                    live: guide
                        .live_version
                        .or(versions.last().map(|(v, _)| v.version)),
                    versions,
                }),
                None if guide.draft.is_none() => {
                    problems.push(problem(at, "give a draft or at least one version"))
                }
                None => {}
            }
        }
        apps.push(guides);
    }
    if problems.is_empty() {
        Ok(apps)
    } else {
        let message = format!(
            "the bundle has {} problem(s); nothing was imported",
            problems.len()
        );
        Err(AuthoringError::Invalid { message, problems })
    }
}

/// Imports the bundle in one transaction.
pub async fn import(
    db: &Db,
    bundle: &Bundle,
    helpdesks: ImportHelpdesks<'_>,
) -> Result<ImportReport, AuthoringError> {
    let checked = check_bundle(bundle)?;
    let mut report = ImportReport::default();
    let mut tx = db.begin_write().await?;
    let now = crate::now_ms();
    for (a, (app, guides)) in bundle.apps.iter().zip(checked).enumerate() {
        let name = app.name.clone().unwrap_or_else(|| app.id.clone());
        if db::apps::create(tx.conn(), &app.id, &name, now).await? {
            report.apps_created += 1;
        }
        let origins: Vec<String> = app
            .origins
            .iter()
            .filter_map(|o| origins::normalize(o).ok())
            .collect();
        db::apps::add_origins(tx.conn(), &app.id, &origins).await?;
        if let Some(hd) = &app.helpdesk {
            let stored = db::apps::helpdesk(tx.conn(), &app.id).await?;
            let cfg = per_app::check_setting(
                hd.helpdesk.as_ref(),
                &hd.routing,
                crate::http::admin::stored_config(stored.as_ref()).as_ref(),
                helpdesks.server_kind,
                helpdesks.env,
            )
            .map_err(|(path, message)| {
                let p = problem(format!("apps[{a}].helpdesk.{path}"), message);
                AuthoringError::Invalid {
                    message: format!("the bundle has a problem: {p}; nothing was imported"),
                    problems: vec![p],
                }
            })?;
            let config = cfg
                .as_ref()
                .map(serde_json::to_string)
                .transpose()
                .map_err(|e| {
                    AuthoringError::Conflict(format!("the help desk cannot be written: {e}"))
                })?;
            let routing = serde_json::to_string(&hd.routing).map_err(|e| {
                AuthoringError::Conflict(format!("the routing cannot be written: {e}"))
            })?;
            db::apps::set_helpdesk(tx.conn(), &app.id, config.as_deref(), &routing, now).await?;
        }
        for guide in guides {
            let id = guide.draft.id.clone();
            if authoring::write_draft(
                tx.conn(),
                &app.id,
                &guide.draft,
                Save::CreateOrReplace,
                Some("import"),
            )
            .await?
            {
                report.guides_created += 1;
            }
            report.drafts_saved += 1;
            for (meta, parsed) in &guide.versions {
                let body = guide_json(parsed);
                match db::guides::version(tx.conn(), &app.id, &id, meta.version).await? {
                    Some(existing) if existing.body.as_deref() == Some(body.as_str()) => report.versions_unchanged += 1,
                    Some(_) => {
                        return Err(AuthoringError::Conflict(format!(
                            "app `{}` already has version {} of guide `{id}` with other content; versions never change",
                            app.id, meta.version
                        )))
                    }
                    None => {
                        let row = VersionRow {
                            version: meta.version,
                            published_at: meta.published_at.unwrap_or(now),
                            published_by: meta.published_by.clone(),
                            note: meta.note.clone(),
                            body: Some(body),
                        };
                        db::guides::insert_version(tx.conn(), &app.id, &id, &row).await?;
                        report.versions_imported += 1;
                    }
                }
            }
            let current = db::guides::get(tx.conn(), &app.id, &id, "")
                .await?
                .and_then(|g| g.live_version);
            if let Some(live) = guide.live.max(current) {
                if db::guides::version(tx.conn(), &app.id, &id, live)
                    .await?
                    .is_none()
                {
                    return Err(AuthoringError::Conflict(format!(
                        "guide `{id}`: live version {live} is not in the bundle"
                    )));
                }
                db::guides::set_live(tx.conn(), &app.id, &id, live).await?;
            }
        }
        check_live_catalog(tx.conn(), &app.id).await?;
    }
    tx.commit().await?;
    Ok(report)
}

async fn check_live_catalog(
    conn: &mut sqlx::AnyConnection,
    app: &str,
) -> Result<(), AuthoringError> {
    let mut catalog = Vec::new();
    for (_, body) in db::guides::live(conn, app).await? {
        catalog.push(stored_guide(&body)?);
    }
    let problems: Vec<Problem> = validate_catalog(&catalog)
        .into_iter()
        .map(|(i, p)| problem(format!("{} (guide `{}`)", p.path, catalog[i].id), p.message))
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(AuthoringError::Invalid {
            message: format!("after the import, the live guides of app `{app}` would not fit together; nothing was imported"),
            problems,
        })
    }
}
