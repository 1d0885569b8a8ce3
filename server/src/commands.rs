//! The commands besides `serve` and `validate` that work on the database directly:
//! `import`, `export`, `token create` and `demo-data`.
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
use crate::{demo_data, seed};

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
        // Help-desk credentials are never in a bundle: `token_env: "NAME"` (and so on
        // for each credential key) reads one from this command's environment.
        let env = |name: &str| std::env::var(name).ok();
        let helpdesks = bundle::ImportHelpdesks {
            server_kind: crate::helpdesk::per_app::kind_of(&config.helpdesk),
            env: Some(&env),
        };
        let outcome = bundle::import(&db, &bundle, helpdesks).await;
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

/// What `waymark demo-data` makes.
#[derive(Clone, Debug)]
pub struct DemoDataArgs {
    pub app: String,
    pub users: usize,
    pub days: u32,
    pub seed: u64,
}

/// The segments demo users are spread over.
const DEMO_SEGMENTS: [&str; 4] = ["finance", "operations", "sales", "engineering"];

/// A demo user's segment: fixed per user name (FNV-1a), so reruns agree.
fn demo_segment(user: &str) -> &'static str {
    let hash = user.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    DEMO_SEGMENTS[(hash % DEMO_SEGMENTS.len() as u64) as usize]
}

/// Fills the database with runs of the app's published tours played through the
/// core engine ([`demo_data::generate`]) by `users` people over the `days` days up to
/// today (UTC), spread over a few segments. Event and run ids carry the seed, so a
/// second run with the same seed stores nothing new and another seed adds to it.
pub fn demo_data(config: Config, args: DemoDataArgs) -> ExitCode {
    block_on("demo-data", async move {
        if args.users == 0 || args.days == 0 {
            return Err("give at least one user (--users) and one day (--days)".into());
        }
        let db = open(&config).await?;
        let outcome = fill_demo_data(&db, &config, &args).await;
        db.close().await;
        outcome
    })
}

async fn fill_demo_data(db: &Db, config: &Config, args: &DemoDataArgs) -> Result<(), String> {
    if args.app == seed::DEMO_APP {
        let lock = db.startup_lock().await.map_err(|e| e.to_string())?;
        seed::demo_content(db, config)
            .await
            .map_err(|e| e.to_string())?;
        lock.release().await.map_err(|e| e.to_string())?;
    }
    let mut conn = db.pool().acquire().await.map_err(|e| e.to_string())?;
    if db::apps::get(&mut conn, &args.app)
        .await
        .map_err(|e| e.to_string())?
        .is_none()
    {
        return Err(format!(
            "no app `{}`: create it in the editor (or use --app demo)",
            args.app
        ));
    }
    let mut guides = Vec::new();
    for (id, body) in db::guides::live(&mut conn, &args.app)
        .await
        .map_err(|e| e.to_string())?
    {
        let guide = waymark::validate::parse_guide(&body)
            .map_err(|_| format!("the live version of guide `{id}` does not parse"))?;
        guides.push(guide);
    }
    drop(conn);
    let tours = guides
        .iter()
        .filter(|g| g.kind == waymark::guide::Kind::Tour && !g.steps.is_empty())
        .count();
    if tours == 0 {
        return Err(format!(
            "app `{}` has no published tour to play: publish one in the editor{}",
            args.app,
            if args.app == seed::DEMO_APP {
                format!(
                    " or put guide files in {} (guides_dir)",
                    config.guides_dir.display()
                )
            } else {
                String::new()
            }
        ));
    }

    const DAY: i64 = 86_400_000;
    let tomorrow = (crate::now_ms() / DAY + 1) * DAY;
    let mut events =
        demo_data::generate(&guides, args.users, args.days, tomorrow as u64, args.seed);
    let prefix = format!("demo{}-", args.seed);
    for e in &mut events {
        e.event.id.insert_str(0, &prefix);
        if let Some(run) = &mut e.event.run {
            run.insert_str(0, &prefix);
        }
    }
    let figures = waymark::metrics::insights(&events, &config.insights.metrics());

    let (mut stored, mut users) = (0, 0);
    let received_at = crate::now_ms();
    for batch in events.chunk_by(|a, b| a.user == b.user) {
        users += 1;
        let user = batch[0].user.as_str();
        let list: Vec<_> = batch.iter().map(|e| e.event.clone()).collect();
        let mut tx = db.begin_write().await.map_err(|e| e.to_string())?;
        let new = db::events::insert(
            tx.conn(),
            db.backend(),
            &args.app,
            db::events::Sender {
                user: Some(user),
                segment: Some(demo_segment(user)),
            },
            &list,
            received_at,
        )
        .await
        .map_err(|e| format!("cannot store the events: {e}"))?;
        stored += new;
        if new > 0 {
            db::events::mark_changed(tx.conn(), &[(args.app.as_str(), user)])
                .await
                .map_err(|e| e.to_string())?;
        }
        tx.commit().await.map_err(|e| e.to_string())?;
    }
    // The Insights rollups now, so the first dashboard view need not build them.
    let refreshing = std::time::Instant::now();
    db::insights::refresh(db, &args.app, db::insights::rollup_gap())
        .await
        .map_err(|e| format!("cannot bring the insights rollups up to date: {e}"))?;
    let refreshed = refreshing.elapsed();
    let first_day = waymark::wire::Day(tomorrow / DAY - i64::from(args.days));
    let last_day = waymark::wire::Day(tomorrow / DAY - 1);
    println!(
        "demo data for app `{}` (seed {}): {} events of {users} users over {} days, {first_day} to {last_day}, in segments {}",
        args.app,
        args.seed,
        events.len(),
        args.days,
        DEMO_SEGMENTS.join(", ")
    );
    println!(
        "stored {stored} new events ({} were already there)",
        events.len() as u64 - stored
    );
    println!(
        "help sessions {}: {} resolved ({} confirmed), {} ticketed, {} abandoned; runs {} started, {} completed",
        figures.help_sessions,
        figures.resolved_confirmed + figures.resolved_potential,
        figures.resolved_confirmed,
        figures.ticketed,
        figures.abandoned,
        figures.runs_started,
        figures.runs_completed
    );
    println!(
        "insights rollups up to date ({:.1} s)",
        refreshed.as_secs_f64()
    );
    Ok(())
}
