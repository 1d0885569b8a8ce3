//! Insights query benchmark: the figures of the Insights page over 1,000,000 events
//! on a fresh SQLite database, computed by the query function the endpoint calls
//! (`waymark_server::db::insights::insights`, no HTTP around it).
//!
//! The events are demo runs played through the core engine (`demo_data::generate`,
//! spread over four segments), written straight through the database layer before
//! the clock starts. The first query after the load is timed and printed on its own
//! (it brings the help-session rollup up to date: see `db::insights`); then the
//! query over the full range is timed `WAYMARK_BENCH_RUNS` times (7) and min, median
//! and max are printed, and the bench fails when the median is over
//! `WAYMARK_BENCH_BUDGET_MS` (250). `WAYMARK_BENCH_EVENTS` changes the event count;
//! `WAYMARK_BENCH_DB=PATH` keeps the database there, and a later run reuses it.
//! Run by `./build.sh bench` (`cargo bench -p waymark-server --bench insights`).

use std::process::ExitCode;
use std::time::{Duration, Instant};

use waymark_server::db::{self, insights::Scope, Db};

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn demo_guides() -> Vec<waymark::guide::Guide> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../guides");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("the guides folder") {
        let path = entry.expect("a guides folder entry").path();
        if path.extension().is_some_and(|e| e == "json") && !path.ends_with("schema.json") {
            let text = std::fs::read_to_string(&path).expect("a guide file");
            if let Ok(guide) = waymark::validate::parse_guide(&text) {
                out.push(guide);
            }
        }
    }
    out
}

async fn fill(db: &Db, target: usize) -> Result<usize, String> {
    const DAY: u64 = 86_400_000;
    let end = (waymark_server::now_ms() as u64 / DAY + 1) * DAY;
    // About 39 events per demo user: generate a little more than needed, keep `target`.
    let users = target / 30 + 1;
    let mut events = waymark_server::demo_data::generate(&demo_guides(), users, 90, end, 42);
    if events.len() < target {
        return Err(format!(
            "the demo generator made {} events, fewer than {target}",
            events.len()
        ));
    }
    events.truncate(target);
    let segments = ["finance", "operations", "sales", "engineering"];
    let mut written = 0;
    let mut tx = db.begin_write().await.map_err(|e| e.to_string())?;
    for (n, batch) in events.chunk_by(|a, b| a.user == b.user).enumerate() {
        let list: Vec<_> = batch.iter().map(|e| e.event.clone()).collect();
        db::events::insert(
            tx.conn(),
            db.backend(),
            "demo",
            db::events::Sender {
                user: Some(&batch[0].user),
                segment: Some(segments[n % segments.len()]),
            },
            &list,
            0,
        )
        .await
        .map_err(|e| e.to_string())?;
        written += list.len();
        if n % 500 == 499 {
            tx.commit().await.map_err(|e| e.to_string())?;
            tx = db.begin_write().await.map_err(|e| e.to_string())?;
        }
    }
    tx.commit().await.map_err(|e| e.to_string())?;
    Ok(written)
}

async fn run() -> Result<(), String> {
    let target = setting("WAYMARK_BENCH_EVENTS", 1_000_000);
    let runs = setting("WAYMARK_BENCH_RUNS", 7).max(1);
    let budget = Duration::from_millis(setting("WAYMARK_BENCH_BUDGET_MS", 250) as u64);
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    // WAYMARK_BENCH_DB keeps the database, and a second run reuses it as it is.
    let path = std::env::var("WAYMARK_BENCH_DB")
        .unwrap_or_else(|_| format!("{}/bench.db", dir.path().display()));
    // As many connections as the server has by default (db_max_connections).
    let db = Db::connect(&format!("sqlite://{path}"), 8)
        .await
        .map_err(|e| e.to_string())?;
    db.migrate().await.map_err(|e| e.to_string())?;

    let mut conn = db.pool().acquire().await.map_err(|e| e.to_string())?;
    let stored = db::events::count(&mut conn, "demo")
        .await
        .map_err(|e| e.to_string())?;
    drop(conn);
    let written = if stored > 0 {
        println!("reusing {path} with {stored} events");
        stored as usize
    } else {
        let started = Instant::now();
        let written = fill(&db, target).await?;
        println!(
            "filled a fresh SQLite database with {written} events in {:.1} s (not timed below)",
            started.elapsed().as_secs_f64()
        );
        written
    };

    let scope = Scope {
        app: "demo".into(),
        ..Scope::default()
    };
    let cfg = waymark::metrics::Config::default();
    let started = Instant::now();
    let first = db::insights::insights(&db, &scope, &cfg)
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "first query after the load: {} ({} help sessions, {} runs, {} funnels, {} stuck spots)",
        ms(started.elapsed()),
        first.help_sessions,
        first.runs_started,
        first.funnels.len(),
        first.stuck.len()
    );
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        let figures = db::insights::insights(&db, &scope, &cfg)
            .await
            .map_err(|e| e.to_string())?;
        times.push(started.elapsed());
        if figures != first {
            return Err("the figures changed between two runs on the same data".into());
        }
    }
    times.sort();
    let median = times[(times.len() - 1) / 2];
    println!(
        "insights over {written} events, full range, {runs} runs: min {}, median {}, max {} (budget: median {})",
        ms(times[0]),
        ms(median),
        ms(times[times.len() - 1]),
        ms(budget)
    );
    // Not budgeted, printed so the cost of the other paths is known: a time range
    // (users cut by it and funnels come from the events) and a guide filter
    // (sessions from that guide's events).
    const DAY: i64 = 86_400_000;
    let today = waymark_server::now_ms() / DAY;
    for (what, scope) in [
        (
            "last 7 days",
            Scope {
                from_ms: Some((today - 6) * DAY),
                until_ms: Some((today + 1) * DAY),
                ..scope.clone()
            },
        ),
        (
            "one guide",
            Scope {
                guide: Some("raise-requisition".into()),
                ..scope.clone()
            },
        ),
    ] {
        let started = Instant::now();
        db::insights::insights(&db, &scope, &cfg)
            .await
            .map_err(|e| e.to_string())?;
        println!(
            "one query, {what}: {} (not budgeted)",
            ms(started.elapsed())
        );
    }
    db.close().await;
    if median > budget {
        return Err(format!(
            "the median {} is over the budget of {}",
            ms(median),
            ms(budget)
        ));
    }
    Ok(())
}

fn main() -> ExitCode {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    match runtime.block_on(run()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("insights benchmark: {message}");
            ExitCode::FAILURE
        }
    }
}
