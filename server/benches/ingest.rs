//! Event ingest benchmark: a load generator on loopback against a release
//! `waymark serve` on a fresh SQLite database.
//!
//! Sends `WAYMARK_BENCH_EVENTS` events (default 200,000) in batches of
//! `WAYMARK_BENCH_BATCH` (100) over `WAYMARK_BENCH_CONNECTIONS` (8) keep-alive
//! connections, stopping early after `WAYMARK_BENCH_MAX_SECS` (60). Prints throughput
//! and per-request latency (p50, p99, max) and fails when throughput is under
//! `WAYMARK_BENCH_BUDGET` events/s (20,000) or any request fails. Request bodies are
//! built before the clock starts; the client runs on one thread so the server gets
//! the rest of the machine. Run by `./build.sh bench`
//! (`cargo bench -p waymark-server --bench ingest`).

use std::path::PathBuf;
use std::process::{ExitCode, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn server_binary() -> PathBuf {
    std::env::var_os("WAYMARK_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/release/waymark")
        })
}

/// One request body: `batch` events with ids unique across the run.
fn body(index: usize, batch: usize) -> String {
    let events: Vec<serde_json::Value> = (0..batch)
        .map(|i| {
            serde_json::json!({
                "id": format!("bench-{index}.{i}"), "at": 1_700_000_000_000u64 + (index * batch + i) as u64,
                "kind": "step_shown", "guide": "raise-requisition", "version": 1,
                "run": format!("run-{index}"), "step": "cost-centre", "step_index": 1
            })
        })
        .collect();
    serde_json::json!({"user": format!("user-{}", index % 997), "events": events}).to_string()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn main() -> ExitCode {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(run())
}

async fn run() -> ExitCode {
    let total = setting("WAYMARK_BENCH_EVENTS", 200_000);
    let batch = setting("WAYMARK_BENCH_BATCH", 100).clamp(1, 500);
    let connections = setting("WAYMARK_BENCH_CONNECTIONS", 8).max(1);
    let max_secs = setting("WAYMARK_BENCH_MAX_SECS", 60) as u64;
    let budget = setting("WAYMARK_BENCH_BUDGET", 20_000) as f64;
    let binary = server_binary();
    if !binary.is_file() {
        eprintln!(
            "no server at {}: run `cargo build --release -p waymark-server` first",
            binary.display()
        );
        return ExitCode::FAILURE;
    }

    let dir = tempfile::tempdir().expect("a temporary folder");
    let mut server = Command::new(&binary)
        .args(["serve", "--addr", "127.0.0.1:0"])
        .env(
            "WAYMARK_DATABASE_URL",
            format!("sqlite://{}/bench.db", dir.path().display()),
        )
        .env("WAYMARK_GUIDES_DIR", dir.path())
        .env("WAYMARK_WWW_DIR", dir.path())
        .env("WAYMARK_RATE_LIMIT_IP_PER_S", "0")
        .env("WAYMARK_RATE_LIMIT_APP_PER_S", "0")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start the server");
    let mut lines = BufReader::new(server.stdout.take().unwrap()).lines();
    let first = lines.next_line().await.ok().flatten().unwrap_or_default();
    let Some(base) = first
        .strip_prefix("Waymark demo: ")
        .and_then(|l| l.strip_suffix("/demo/"))
    else {
        eprintln!("the server did not start: {first}");
        return ExitCode::FAILURE;
    };
    let url = format!("{base}/v1/apps/demo/events");
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });

    let requests = total.div_ceil(batch);
    let bodies: Arc<Vec<String>> = Arc::new((0..requests).map(|i| body(i, batch)).collect());
    let warm: Vec<String> = (0..20).map(|i| body(requests + i, batch)).collect();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(connections)
        .build()
        .unwrap();
    for body in warm {
        let res = client
            .post(&url)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await;
        if !res.is_ok_and(|r| r.status() == 202) {
            eprintln!("warm-up request failed");
            return ExitCode::FAILURE;
        }
    }

    println!(
        "ingest: {total} events in batches of {batch} over {connections} connections (limit {max_secs} s), server {}",
        binary.display()
    );
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let deadline = started + Duration::from_secs(max_secs);
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let (client, url, bodies, next) =
            (client.clone(), url.clone(), bodies.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let (mut accepted, mut failures) = (0u64, 0u64);
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= bodies.len() || Instant::now() > deadline {
                    break;
                }
                let sent = Instant::now();
                let res = client
                    .post(&url)
                    .header("content-type", "application/json")
                    .body(bodies[i].clone())
                    .send()
                    .await;
                match res {
                    Ok(r) if r.status() == 202 => {
                        let answer: serde_json::Value = r.json().await.unwrap_or_default();
                        latencies.push(sent.elapsed());
                        accepted += answer["accepted"].as_u64().unwrap_or(0);
                    }
                    Ok(r) => {
                        failures += 1;
                        eprintln!("request {i}: HTTP {}", r.status());
                    }
                    Err(error) => {
                        failures += 1;
                        eprintln!("request {i}: {error}");
                    }
                }
            }
            (latencies, accepted, failures)
        }));
    }
    let (mut latencies, mut accepted, mut failures) = (Vec::new(), 0u64, 0u64);
    for task in tasks {
        let (l, a, f) = task.await.expect("a load task");
        latencies.extend(l);
        accepted += a;
        failures += f;
    }
    let elapsed = started.elapsed();
    latencies.sort();
    let rate = accepted as f64 / elapsed.as_secs_f64();

    println!("requests:   {} ok, {failures} failed", latencies.len());
    println!(
        "events:     {accepted} stored in {:.2} s",
        elapsed.as_secs_f64()
    );
    println!("throughput: {rate:.0} events/s (budget {budget:.0} events/s)");
    println!(
        "latency:    p50 {}, p99 {}, max {} per request of {batch} events",
        ms(percentile(&latencies, 50.0)),
        ms(percentile(&latencies, 99.0)),
        ms(latencies.last().copied().unwrap_or_default())
    );

    let pid = server.id().map(|p| p as i32);
    if let Some(pid) = pid {
        unsafe { libc::kill(pid, libc::SIGTERM) };
    }
    let _ = tokio::time::timeout(Duration::from_secs(10), server.wait()).await;

    let complete = accepted as usize == requests * batch;
    if failures > 0 || !complete {
        eprintln!(
            "FAILED: {failures} failed requests; {accepted} of {} events stored",
            requests * batch
        );
        return ExitCode::FAILURE;
    }
    if rate < budget {
        eprintln!("FAILED: {rate:.0} events/s is under the budget of {budget:.0}");
        return ExitCode::FAILURE;
    }
    println!("ingest benchmark: within budget");
    ExitCode::SUCCESS
}
