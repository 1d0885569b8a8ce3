//! The commands besides `serve` and `validate` that work on the database directly:
//! `import`, `export` and `token create`.
//!
//! Each opens the database named by the configuration, migrates it when needed, does
//! one thing, and reports on stdout (data) and stderr (messages). A token is printed
//! once, on stdout, and never logged.

use std::path::Path;
use std::process::ExitCode;

use crate::authoring::AuthoringError;
use crate::bundle;
use crate::config::Config;
use crate::db::{self, Db};
use crate::tokens::{self, Role};

async fn open(config: &Config) -> Result<Db, String> {
    let db = Db::connect(&config.database_url, 2)
        .await
        .map_err(|e| format!("cannot open {}: {e}", config.database_url_for_logs()))?;
    let lock = db.startup_lock().await.map_err(|e| e.to_string())?;
    db.migrate()
        .await
        .map_err(|e| format!("cannot migrate: {e}"))?;
    lock.release().await.map_err(|e| e.to_string())?;
    Ok(db)
}

fn block_on<F: std::future::Future<Output = Result<(), String>>>(what: &str, task: F) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("waymark {what}: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(task) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("waymark {what}: {message}");
            ExitCode::FAILURE
        }
    }
}

pub fn create_token(config: Config, name: &str, role: Role) -> ExitCode {
    block_on("token create", async move {
        let db = open(&config).await?;
        let secret = tokens::generate();
        let row = db::tokens::TokenRow {
            id: tokens::new_id("tok"),
            name: name.to_owned(),
            role: role.as_str().to_owned(),
            created_at: crate::now_ms(),
            revoked_at: None,
        };
        let mut tx = db.begin_write().await.map_err(|e| e.to_string())?;
        db::tokens::insert(tx.conn(), &row, &tokens::hash(&secret))
            .await
            .map_err(|e| e.to_string())?;
        tx.commit().await.map_err(|e| e.to_string())?;
        db.close().await;
        eprintln!(
            "created {} token {} ({name}); it is shown only now:",
            role.as_str(),
            row.id
        );
        println!("{secret}");
        Ok(())
    })
}

pub fn import(config: Config, file: &Path) -> ExitCode {
    block_on("import", async move {
        let text = if file == Path::new("-") {
            std::io::read_to_string(std::io::stdin())
                .map_err(|e| format!("cannot read stdin: {e}"))?
        } else {
            std::fs::read_to_string(file)
                .map_err(|e| format!("cannot read {}: {e}", file.display()))?
        };
        let de = &mut serde_json::Deserializer::from_str(&text);
        let bundle: bundle::Bundle = serde_path_to_error::deserialize(de)
            .map_err(|e| format!("{}: not a bundle: {e}", file.display()))?;
        let db = open(&config).await?;
        let outcome = bundle::import(&db, &bundle).await;
        db.close().await;
        match outcome {
            Ok(report) => {
                println!(
                    "imported {}: {} app(s) created, {} guide(s) created, {} draft(s) saved, {} version(s) imported, {} unchanged",
                    file.display(),
                    report.apps_created,
                    report.guides_created,
                    report.drafts_saved,
                    report.versions_imported,
                    report.versions_unchanged
                );
                Ok(())
            }
            Err(AuthoringError::Invalid { message, problems }) => {
                for problem in problems {
                    eprintln!("{}: {problem}", file.display());
                }
                Err(message)
            }
            Err(error) => Err(error.to_string()),
        }
    })
}

pub fn export(config: Config, app: Option<&str>, output: Option<&Path>) -> ExitCode {
    block_on("export", async move {
        let db = open(&config).await?;
        let outcome = bundle::export(&db, app).await;
        db.close().await;
        let bundle = outcome.map_err(|e| e.to_string())?;
        let mut text = serde_json::to_string_pretty(&bundle).map_err(|e| e.to_string())?;
        text.push('\n');
        match output {
            Some(path) => std::fs::write(path, text)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?,
            None => print!("{text}"),
        }
        Ok(())
    })
}
