//! Insights query benchmark: the figures of the Insights page over 1,000,000 events
//! on a fresh SQLite database, computed by the query function the endpoint calls
//! (`waymark_server::db::insights::insights`, no HTTP around it).
//!
//! The events are demo runs played through the core engine (`demo_data::generate`,
//! spread over four segments), written straight through the database layer before
//! the clock starts. The rollups' refresh that the server's background worker does
//! after such a load is timed on its own, then the first query after it; then the
//! query over the full range, filtered by one guide, and over the last 7 days is each
//! timed `WAYMARK_BENCH_RUNS` times (7) and min, median and max are printed; the
//! bench fails when the median of the full range or of the guide filter is over
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
        db::events::mark_changed(tx.conn(), &[("demo", &batch[0].user)])
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

    // What the server's background refresh does after a load, timed on its own: the
    // rollups of every user the load marked, a hundred users per transaction.
    let started = Instant::now();
    let mut refreshed = 0;
    loop {
        let n = db::insights::refresh_some(&db, "demo", db::insights::rollup_gap(), 100)
            .await
            .map_err(|e| e.to_string())?;
        if n == 0 {
            break;
        }
        refreshed += n;
    }
    println!(
        "background refresh after the load: {refreshed} users in {:.1} s (not in any query below)",
        started.elapsed().as_secs_f64()
    );

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
        "first query after the load and the refresh: {} ({} help sessions, {} runs, {} funnels, {} stuck spots)",
        ms(started.elapsed()),
        first.help_sessions,
        first.runs_started,
        first.funnels.len(),
        first.stuck.len()
    );
    const DAY: i64 = 86_400_000;
    let today = waymark_server::now_ms() / DAY;
    // The full range and one guide are budgeted; the last 7 days (users cut by the
    // range are computed from their events, funnels from the events) is printed.
    let cases = [
        ("full range", scope.clone(), true),
        (
            "one guide",
            Scope {
                guide: Some("raise-requisition".into()),
                ..scope.clone()
            },
            true,
        ),
        (
            "last 7 days",
            Scope {
                from_ms: Some((today - 6) * DAY),
                until_ms: Some((today + 1) * DAY),
                ..scope.clone()
            },
            false,
        ),
    ];
    let mut over = Vec::new();
    for (what, scope, budgeted) in cases {
        let mut times = Vec::with_capacity(runs);
        let mut figures = None;
        for _ in 0..runs {
            let started = Instant::now();
            let got = db::insights::insights(&db, &scope, &cfg)
                .await
                .map_err(|e| e.to_string())?;
            times.push(started.elapsed());
            if figures.as_ref().is_some_and(|f| *f != got) {
                return Err(format!(
                    "{what}: the figures changed between two runs on the same data"
                ));
            }
            if got.help_sessions == 0 {
                return Err(format!(
                    "{what}: no help sessions; the bench measures nothing"
                ));
            }
            figures = Some(got);
        }
        times.sort();
        let median = times[(times.len() - 1) / 2];
        println!(
            "insights over {written} events, {what}, {runs} runs: min {}, median {}, max {} ({})",
            ms(times[0]),
            ms(median),
            ms(times[times.len() - 1]),
            if budgeted {
                format!("budget: median {}", ms(budget))
            } else {
                "not budgeted".to_owned()
            }
        );
        if budgeted && median > budget {
            over.push(format!(
                "{what}: the median {} is over the budget of {}",
                ms(median),
                ms(budget)
            ));
        }
    }
    db.close().await;
    if !over.is_empty() {
        return Err(over.join("; "));
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
