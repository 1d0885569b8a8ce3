//! First run and every start: the `demo` app, the guides folder, the admin token.
//!
//! Runs under the start-up lock ([`crate::db::Db::startup_lock`]) so two processes on
//! one PostgreSQL never seed twice. Each step is idempotent: the demo app is made
//! once (with the server's own origins), configured origins are added, guide files
//! are published when new or when their `version` was raised, and an admin token is
//! made only when none is live. A token made here is returned once, to be printed;
//! it is never logged.

use waymark::guide::Guide;

use crate::authoring;
use crate::config::{Config, Secret};
use crate::db::{self, tokens::TokenRow, Db};
use crate::guide_files::{check_files, find_guide_files};
use crate::http::origins;
use crate::tokens::{self, Role};

/// The app the demo pages use.
pub const DEMO_APP: &str = "demo";
/// The id of the token given by `admin_token` / `WAYMARK_ADMIN_TOKEN`.
pub const CONFIG_TOKEN_ID: &str = "tok_config_admin";

/// Where the admin token came from, for the start-up message.
#[derive(Debug)]
pub enum AdminToken {
    /// The configured token is an admin token.
    FromConfig,
    /// Made now: the only time it can be shown.
    Created(Secret),
    /// Admin tokens already exist.
    Existing,
}

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("the database failed while seeding: {0}")]
    Database(#[from] db::Error),
    #[error("{0}")]
    Guides(String),
    #[error("configured demo origin: {0}")]
    Origin(String),
}

pub async fn run(
    db: &Db,
    config: &Config,
    own_origins: &[String],
) -> Result<AdminToken, SeedError> {
    demo_app(db, config, own_origins).await?;
    guides_folder(db, config).await?;
    admin_token(db, config).await
}

/// The demo app and the guides folder only (no token): what `waymark demo-data`
/// needs before it plays the demo guides.
pub async fn demo_content(db: &Db, config: &Config) -> Result<(), SeedError> {
    demo_app(db, config, &[]).await?;
    guides_folder(db, config).await
}

async fn demo_app(db: &Db, config: &Config, own_origins: &[String]) -> Result<(), SeedError> {
    let extra = config
        .demo_origins
        .iter()
        .map(|o| origins::normalize(o))
        .collect::<Result<Vec<_>, _>>()
        .map_err(SeedError::Origin)?;
    let mut tx = db.begin_write().await?;
    let now = crate::now_ms();
    if db::apps::create(tx.conn(), DEMO_APP, "Acme Purchasing (demo)", now).await? {
        tracing::info!(app = DEMO_APP, "created the demo app");
        db::apps::add_origins(tx.conn(), DEMO_APP, own_origins).await?;
    }
    db::apps::add_origins(tx.conn(), DEMO_APP, &extra).await?;
    tx.commit().await?;
    Ok(())
}

async fn guides_folder(db: &Db, config: &Config) -> Result<(), SeedError> {
    let folder = &config.guides_dir;
    if !folder.is_dir() {
        tracing::warn!(folder = %folder.display(), "no guides folder; the demo app starts with no guides");
        return Ok(());
    }
    let folder = folder.clone();
    let checked = tokio::task::spawn_blocking(move || {
        find_guide_files(&[folder]).and_then(|f| check_files(&f))
    })
    .await
    .map_err(|e| SeedError::Guides(e.to_string()))?
    .map_err(|e| SeedError::Guides(e.to_string()))?;
    for (file, problem) in &checked.problems {
        tracing::warn!(file = %file.display(), %problem, "skipping an invalid guide file");
    }
    // Checklists name other guides: publish them after the guides they name.
    let (checklists, others): (Vec<&Guide>, Vec<&Guide>) = checked
        .valid
        .iter()
        .map(|(_, guide)| guide)
        .partition(|g| g.kind == waymark::guide::Kind::Checklist);
    for guide in others.into_iter().chain(checklists) {
        match authoring::seed_guide(db, DEMO_APP, guide).await {
            Ok(Some(version)) => {
                tracing::info!(guide = %guide.id, version, "published from the guides folder")
            }
            Ok(None) => {}
            Err(error) => tracing::warn!(guide = %guide.id, %error, "cannot publish a guide file"),
        }
    }
    Ok(())
}

async fn admin_token(db: &Db, config: &Config) -> Result<AdminToken, SeedError> {
    let mut tx = db.begin_write().await?;
    let now = crate::now_ms();
    let outcome = if let Some(secret) = &config.admin_token {
        let row = TokenRow {
            id: CONFIG_TOKEN_ID.to_owned(),
            name: "admin (from configuration)".to_owned(),
            role: Role::Admin.as_str().to_owned(),
            created_at: now,
            revoked_at: None,
        };
        db::tokens::put(tx.conn(), &row, &tokens::hash(secret.expose())).await?;
        AdminToken::FromConfig
    } else if db::tokens::live_admins(tx.conn()).await? == 0 {
        let secret = tokens::generate();
        let row = TokenRow {
            id: tokens::new_id("tok"),
            name: "first admin".to_owned(),
            role: Role::Admin.as_str().to_owned(),
            created_at: now,
            revoked_at: None,
        };
        db::tokens::insert(tx.conn(), &row, &tokens::hash(&secret)).await?;
        tracing::info!(token = %row.id, "created the first admin token");
        AdminToken::Created(Secret::new(secret))
    } else {
        AdminToken::Existing
    };
    tx.commit().await?;
    Ok(outcome)
}
