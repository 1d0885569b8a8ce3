//! Faults benchmark: tickets filed through a server while the real Request Tracker 5
//! misbehaves, counted in RT afterwards. Prints one `FAULT` row per fault (the fault,
//! the help desk, tickets filed, tickets that arrived, duplicates) for BENCHMARKS.md's
//! "Faults" table, and fails when a row has a lost or a duplicated ticket.
//!
//! - **RT slow start**: a freshly set-up RT instance, not warmed; tickets are filed the
//!   moment its port answers, with the default 15 s client timeout. RT's first tickets
//!   compile much of RT, so their answers can come after the timeout: the retries must
//!   find them by the "Waymark ID" field instead of making them again.
//! - **RT down for `WAYMARK_FAULTS_DOWN_SECS`** (600): RT is stopped, one ticket is filed
//!   every 20 s while it is down, then RT is started again.
//! - **`WAYMARK_FAULTS_TICKETS` (1,000) tickets filed during an outage**: RT is stopped,
//!   the tickets are posted as fast as the API takes them, RT is started again.
//!
//! The outbox runs with its defaults except `cap_ms` (60 s rather than 15 min), so a
//! run ends soon after RT is back; the cap changes when tickets arrive, not how many.
//! Run by `./build.sh bench faults` (`cargo bench -p waymark-server --bench faults`);
//! uses its own RT instance (scripts/rt.sh, installing RT when missing).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use waymark_server::config::{Config, Secret};
use waymark_server::outbox::RetryPolicy;
use waymark_server::serve;

const ADMIN: &str = "wmk_faults_bench_admin_0123456789abcdef01234";

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A private RT instance in its own directory, stopped when dropped.
struct Rt {
    dir: PathBuf,
    port: u16,
    url: String,
}

impl Rt {
    fn script() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/rt.sh")
    }

    fn ctl(&self, action: &str) -> String {
        let mut cmd = Command::new(Self::script());
        cmd.arg(action).arg(&self.dir);
        if action == "start" {
            cmd.arg(self.port.to_string());
        }
        let out = cmd.output().expect("scripts/rt.sh runs");
        assert!(
            out.status.success(),
            "rt.sh {action} {}: {}",
            self.dir.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    /// Sets up and starts a new instance; returns once its port answers, not warmed.
    fn fresh(root: &Path) -> Rt {
        let port = 30_000 + (std::process::id() % 20_000) as u16;
        let mut rt = Rt {
            dir: root.join("rt"),
            port,
            url: String::new(),
        };
        rt.url = rt.ctl("start");
        rt
    }

    async fn get(&self, path: &str) -> Value {
        reqwest::Client::new()
            .get(format!("{}/REST/2.0/{path}", self.url))
            .basic_auth("root", Some("password"))
            .timeout(Duration::from_secs(120))
            .send()
            .await
            .expect("RT answers a search")
            .json()
            .await
            .expect("RT's search is JSON")
    }

    /// How many RT tickets hold each subject that contains `tag`.
    async fn subjects(&self, tag: &str) -> HashMap<String, usize> {
        let query = format!("Subject LIKE '{tag}'");
        let mut counts = HashMap::new();
        for page in 1.. {
            let found = self
                .get(&format!(
                    "tickets?query={}&fields=Subject&per_page=100&page={page}",
                    urlencode(&query)
                ))
                .await;
            let items = found["items"].as_array().cloned().unwrap_or_default();
            for t in &items {
                let subject = t["Subject"].as_str().unwrap_or_default().to_owned();
                *counts.entry(subject).or_insert(0) += 1;
            }
            if items.len() < 100 {
                break;
            }
        }
        counts
    }
}

impl Drop for Rt {
    fn drop(&mut self) {
        let _ = Command::new(Self::script())
            .arg("stop")
            .arg(&self.dir)
            .output();
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn start_server(dir: &Path, rt: &Rt) -> serve::Running {
    let www = dir.join("www");
    std::fs::create_dir_all(www.join("sdk")).unwrap();
    std::fs::create_dir_all(dir.join("guides")).unwrap();
    let config = Config {
        addr: "127.0.0.1:0".parse().unwrap(),
        database_url: format!("sqlite://{}/waymark.db", dir.display()),
        www_dir: www,
        guides_dir: dir.join("guides"),
        admin_token: Some(Secret::new(ADMIN)),
        rate_limit_ip_per_s: 0,
        rate_limit_app_per_s: 0,
        shutdown_timeout_s: 5,
        helpdesk: serde_json::from_value(
            json!({"kind": "rt", "url": rt.url, "username": "root", "password": "password"}),
        )
        .unwrap(),
        outbox: RetryPolicy {
            cap_ms: 60_000,
            ..RetryPolicy::default()
        },
        ..Config::default()
    };
    serve::start(config).await.expect("the server starts")
}

/// Files a ticket with `subject`; returns its Waymark id.
async fn file(http: &reqwest::Client, server: &serve::Running, subject: &str) -> String {
    let res = http
        .post(format!("{}/v1/apps/demo/tickets", server.url()))
        .header("idempotency-key", subject)
        .json(&json!({
            "subject": subject,
            "description": "Filed by the faults benchmark.",
            "category": "purchasing",
            "priority": "normal",
            "user": {"id": "u-7", "name": "Dana Ortiz", "email": "dana@acme.example"}
        }))
        .send()
        .await
        .expect("the server takes the ticket");
    assert_eq!(res.status(), 202, "ticket {subject} accepted");
    let body: Value = res.json().await.unwrap();
    body["id"].as_str().unwrap().to_owned()
}

/// Waits until every ticket in `ids` is delivered (or `within` passes); returns how
/// many were and the time it took. A delivered ticket stays delivered, so each round
/// asks only about the rest.
async fn wait_delivered(
    http: &reqwest::Client,
    server: &serve::Running,
    ids: &[String],
    within: Duration,
) -> (usize, Duration) {
    let start = Instant::now();
    let mut left: Vec<&String> = ids.iter().collect();
    loop {
        let mut still = Vec::new();
        for id in left {
            let status: Value = http
                .get(format!("{}/v1/apps/demo/tickets/{id}", server.url()))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            if status["status"] != "delivered" {
                still.push(id);
            }
        }
        left = still;
        if left.is_empty() || start.elapsed() >= within {
            return (ids.len() - left.len(), start.elapsed());
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// One table row; `false` when a ticket was lost or doubled.
struct Row {
    fault: String,
    filed: usize,
    arrived: usize,
    duplicates: usize,
    note: String,
}

impl Row {
    fn from_counts(fault: String, subjects: &[String], counts: &HashMap<String, usize>) -> Row {
        let arrived = subjects.iter().filter(|s| counts.contains_key(*s)).count();
        let duplicates = subjects
            .iter()
            .map(|s| counts.get(s).copied().unwrap_or(0).saturating_sub(1))
            .sum();
        Row {
            fault,
            filed: subjects.len(),
            arrived,
            duplicates,
            note: String::new(),
        }
    }

    fn print(&self) -> bool {
        println!(
            "FAULT {} | Request Tracker 5 | filed {} | arrived {} | duplicates {} | {}",
            self.fault, self.filed, self.arrived, self.duplicates, self.note
        );
        self.arrived == self.filed && self.duplicates == 0
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> ExitCode {
    if std::env::args().any(|a| a == "--list") {
        return ExitCode::SUCCESS;
    }
    let root = tempfile::tempdir().unwrap();
    let run = std::process::id();
    let http = reqwest::Client::new();
    let mut ok = true;

    // 1. RT slow start: file at once into an instance nobody warmed.
    let rt = Rt::fresh(root.path());
    let server = start_server(&root.path().join("s1"), &rt).await;
    let tag = format!("slow start {run}");
    let subjects: Vec<String> = (1..=5).map(|i| format!("{tag} #{i}")).collect();
    let mut ids = Vec::new();
    for s in &subjects {
        ids.push(file(&http, &server, s).await);
    }
    let (_, took) = wait_delivered(&http, &server, &ids, Duration::from_secs(900)).await;
    server.stop().await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let mut row = Row::from_counts(
        "RT slow start (fresh instance, not warmed; 15 s timeout)".into(),
        &subjects,
        &rt.subjects(&tag).await,
    );
    row.note = format!("all delivered {:.0} s after filing", took.as_secs_f64());
    ok &= row.print();

    // 2. RT down for ten minutes, a ticket filed every 20 s meanwhile.
    let down = Duration::from_secs(setting("WAYMARK_FAULTS_DOWN_SECS", 600));
    let server = start_server(&root.path().join("s2"), &rt).await;
    let tag = format!("down {run}");
    rt.ctl("stop");
    let stopped = Instant::now();
    let mut subjects = Vec::new();
    let mut ids = Vec::new();
    while stopped.elapsed() < down {
        let s = format!("{tag} #{}", subjects.len() + 1);
        ids.push(file(&http, &server, &s).await);
        subjects.push(s);
        tokio::time::sleep(Duration::from_secs(20).min(down.saturating_sub(stopped.elapsed())))
            .await;
    }
    rt.ctl("start");
    let (_, took) = wait_delivered(&http, &server, &ids, Duration::from_secs(900)).await;
    server.stop().await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let mut row = Row::from_counts(
        format!("RT down {} min", down.as_secs() / 60),
        &subjects,
        &rt.subjects(&tag).await,
    );
    row.note = format!(
        "all delivered {:.0} s after RT was back",
        took.as_secs_f64()
    );
    ok &= row.print();

    // 3. Many tickets filed during an outage, delivered after it.
    let count = setting("WAYMARK_FAULTS_TICKETS", 1000) as usize;
    let server = start_server(&root.path().join("s3"), &rt).await;
    let tag = format!("burst {run}");
    rt.ctl("stop");
    let subjects: Vec<String> = (1..=count).map(|i| format!("{tag} #{i}")).collect();
    let filing = Instant::now();
    let mut ids = Vec::new();
    for s in &subjects {
        ids.push(file(&http, &server, s).await);
    }
    let filed_in = filing.elapsed();
    tokio::time::sleep(Duration::from_secs(60)).await;
    rt.ctl("start");
    let (_, took) = wait_delivered(&http, &server, &ids, Duration::from_secs(3600)).await;
    server.stop().await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let mut row = Row::from_counts(
        format!("{count} tickets filed during an outage"),
        &subjects,
        &rt.subjects(&tag).await,
    );
    row.note = format!(
        "filed in {:.1} s; all delivered {:.0} s after RT was back",
        filed_in.as_secs_f64(),
        took.as_secs_f64()
    );
    ok &= row.print();

    drop(rt);
    if ok {
        ExitCode::SUCCESS
    } else {
        eprintln!("faults: a ticket was lost or duplicated (see the FAULT rows)");
        ExitCode::FAILURE
    }
}
