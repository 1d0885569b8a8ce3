//! Tickets delivered to a real Request Tracker 5 (Debian's packages, a private
//! instance on 127.0.0.1 started by `scripts/rt.sh`), read back through RT's REST2 API:
//! the fields arrive, an outage delays a ticket without losing or doubling it, and a
//! ticket posted twice with one key is one RT ticket, and a ticket whose answer a
//! delaying proxy holds past the client's timeout is one RT ticket too (found by the
//! "Waymark ID" custom field the server creates at start, RT's default setup).
//!
//! `./build.sh test` starts RT and passes WAYMARK_RT_URL and WAYMARK_RT_DIR; run
//! alone, this test starts its own instance (installing RT when missing).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

#[path = "support/lossy.rs"]
mod lossy;

use serde_json::{json, Value};
use waymark_server::config::{Config, Secret};
use waymark_server::outbox::RetryPolicy;
use waymark_server::serve;

const ADMIN: &str = "wmk_rt_test_admin_0123456789abcdef0123456789";

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/rt.sh")
}

/// The RT instance: (base URL, directory), shared by the tests of this file.
fn rt() -> &'static (String, PathBuf) {
    static RT: OnceLock<(String, PathBuf)> = OnceLock::new();
    RT.get_or_init(|| {
        if let (Ok(url), Ok(dir)) = (
            std::env::var("WAYMARK_RT_URL"),
            std::env::var("WAYMARK_RT_DIR"),
        ) {
            return (url, PathBuf::from(dir));
        }
        let dir = std::env::temp_dir().join(format!("waymark-rt-test-{}", std::process::id()));
        let port = 20000 + (std::process::id() % 20000);
        let out = Command::new(script())
            .args(["start", dir.to_str().unwrap(), &port.to_string()])
            .output()
            .expect("scripts/rt.sh runs");
        assert!(
            out.status.success(),
            "RT did not start: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        (
            String::from_utf8(out.stdout).unwrap().trim().to_owned(),
            dir,
        )
    })
}

fn rt_ctl(action: &str) {
    let (url, dir) = rt();
    let port = url.rsplit(':').next().unwrap().to_owned();
    let mut cmd = Command::new(script());
    cmd.arg(action).arg(dir);
    if action == "start" {
        cmd.arg(port);
    }
    let out = cmd.output().expect("scripts/rt.sh runs");
    assert!(
        out.status.success(),
        "rt.sh {action}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

async fn rt_get(path: &str) -> Value {
    let (url, _) = rt();
    reqwest::Client::new()
        .get(format!("{url}/REST/2.0/{path}"))
        .basic_auth("root", Some("password"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn start_server(dir: &Path) -> serve::Running {
    let (url, _) = rt();
    start_server_at(dir, url, RetryPolicy::default().timeout_ms).await
}

/// A server filing in the RT at `url` (RT itself, or a proxy before it), whose
/// requests to RT time out after `timeout_ms`.
async fn start_server_at(dir: &Path, url: &str, timeout_ms: u64) -> serve::Running {
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
            json!({"kind": "rt", "url": url, "username": "root", "password": "password"}),
        )
        .unwrap(),
        outbox: RetryPolicy {
            base_ms: 200,
            cap_ms: 1000,
            poll_ms: 100,
            timeout_ms,
            lease_ms: timeout_ms * 4,
            ..RetryPolicy::default()
        },
        ..Config::default()
    };
    serve::start(config).await.expect("the server starts")
}

fn ticket(subject: &str) -> Value {
    json!({
        "subject": subject,
        "description": "The user asked for help from Waymark.\n\nGuide: Raise a purchase requisition (raise-requisition, version 1)\nStep: 5 of 8, \"Charge it to your cost centre\" (cost-centre)\nPage: New requisition (http://127.0.0.1/demo/requisitions/new)",
        "category": "purchasing",
        "priority": "normal",
        "guide": "raise-requisition",
        "step": "cost-centre",
        "user": {"id": "u-7", "name": "Dana Ortiz", "email": "dana@acme.example"}
    })
}

async fn post(server: &serve::Running, key: &str, body: &Value) -> Value {
    let res = reqwest::Client::new()
        .post(format!("{}/v1/apps/demo/tickets", server.url()))
        .header("idempotency-key", key)
        .json(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 202);
    res.json().await.unwrap()
}

/// Waits for `id` to be delivered. The deadlines are generous: RT's first ticket
/// after it starts compiles much of RT, which took over 20 s on a loaded machine.
async fn delivered(server: &serve::Running, id: &str, within: Duration) -> Value {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let status: Value = reqwest::get(format!("{}/v1/apps/demo/tickets/{id}", server.url()))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if status["status"] == "delivered" {
            return status;
        }
        if tokio::time::Instant::now() >= deadline {
            let inbox: Value = reqwest::Client::new()
                .get(format!("{}/v1/apps/demo/inbox", server.url()))
                .bearer_auth(ADMIN)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            let entry = inbox
                .as_array()
                .and_then(|all| all.iter().find(|t| t["id"] == id))
                .cloned()
                .unwrap_or(Value::Null);
            panic!(
                "ticket {id} not delivered within {within:?}: status {}, {} attempts, last error: {}",
                status["status"], entry["attempts"], entry["last_error"]
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn rt_ids_with_subject(subject: &str) -> Vec<String> {
    let query = format!("Subject = '{subject}'");
    let found = rt_get(&format!("tickets?query={}", urlencode(&query))).await;
    found["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_owned())
        .collect()
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// One test drives all three scenarios in order: they share the RT instance, and the
/// outage must not overlap another test's delivery.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tickets_reach_request_tracker_once_through_outages_and_retries() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_server(dir.path()).await;
    let run = std::process::id();

    // 1. Fields arrive as RT keeps them.
    let subject = format!("Stuck at the cost centre ({run})");
    let posted = post(&server, &format!("rt-{run}-1"), &ticket(&subject)).await;
    let status = delivered(
        &server,
        posted["id"].as_str().unwrap(),
        Duration::from_secs(90),
    )
    .await;
    assert_eq!(status["helpdesk"], "rt");
    let reference = status["reference"].as_str().unwrap().to_owned();
    let t = rt_get(&format!("ticket/{reference}")).await;
    assert_eq!(t["Subject"], subject.as_str());
    assert_eq!(t["Priority"], "50");
    assert_eq!(t["Queue"]["id"], "1", "the General queue");
    assert_eq!(t["Requestor"][0]["id"], "dana@acme.example");
    let category = t["CustomFields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "Category")
        .cloned();
    assert_eq!(
        category.map(|c| c["values"].clone()),
        Some(json!(["purchasing"]))
    );
    let atts = rt_get(&format!(
        "ticket/{reference}/attachments?fields=ContentType,Content"
    ))
    .await;
    let content = atts["items"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|a| a["Content"].as_str())
        .unwrap_or("")
        .to_owned();
    for expected in [
        "raise-requisition",
        "cost-centre",
        "/demo/requisitions/new",
        "Filed through Waymark",
    ] {
        assert!(
            content.contains(expected),
            "the description names {expected}: {content}"
        );
    }

    // 2. RT is down when the ticket is filed: it waits, then arrives exactly once.
    rt_ctl("stop");
    let subject = format!("Filed while RT was down ({run})");
    let posted = post(&server, &format!("rt-{run}-2"), &ticket(&subject)).await;
    let id = posted["id"].as_str().unwrap().to_owned();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    let waiting = loop {
        let s: Value = reqwest::get(format!("{}/v1/apps/demo/tickets/{id}", server.url()))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if s["status"] == "waiting" || tokio::time::Instant::now() >= deadline {
            break s;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(
        waiting["status"], "waiting",
        "kept while RT is down: {waiting}"
    );
    assert!(
        waiting["last_error"]
            .as_str()
            .is_some_and(|e| e.contains("Request Tracker")),
        "with RT's error: {waiting}"
    );
    rt_ctl("start");
    delivered(&server, &id, Duration::from_secs(60)).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        rt_ids_with_subject(&subject).await.len(),
        1,
        "exactly one RT ticket"
    );

    // 3. The same ticket posted twice with one key is one RT ticket.
    let subject = format!("Posted twice ({run})");
    let first = post(&server, &format!("rt-{run}-3"), &ticket(&subject)).await;
    let second = post(&server, &format!("rt-{run}-3"), &ticket(&subject)).await;
    assert_eq!(first["id"], second["id"]);
    delivered(
        &server,
        first["id"].as_str().unwrap(),
        Duration::from_secs(60),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(rt_ids_with_subject(&subject).await.len(), 1);

    server.stop().await;

    // 4. RT's answer is lost: a proxy holds it past the client's timeout. The retry
    //    finds the ticket by its "Waymark ID" and makes no second one.
    let fields = rt_get("queue/1/customfields?fields=Name").await;
    assert!(
        fields["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["Name"] == "Waymark ID"),
        "the server set up its id field at start: {fields}"
    );
    let (rt_url, _) = rt();
    let timeout_ms = 4_000;
    let proxy = lossy::LossyProxy::start(
        rt_url.trim_start_matches("http://").to_owned(),
        "POST /REST/2.0/ticket ",
        lossy::Loss::Hold(Duration::from_millis(timeout_ms + 3_000)),
    )
    .await;
    proxy.lose_next(1);
    let dir2 = tempfile::tempdir().unwrap();
    let server = start_server_at(dir2.path(), &proxy.url, timeout_ms).await;
    let subject = format!("Answer lost on the way back ({run})");
    let posted = post(&server, &format!("rt-{run}-4"), &ticket(&subject)).await;
    let id = posted["id"].as_str().unwrap().to_owned();
    let status = delivered(&server, &id, Duration::from_secs(120)).await;
    assert_eq!(proxy.lost(), 1, "RT's answer to the first create was lost");
    let found = rt_ids_with_subject(&subject).await;
    assert_eq!(
        found,
        vec![status["reference"].as_str().unwrap().to_owned()],
        "exactly one RT ticket, the one reported"
    );
    println!(
        "FAULT lost answer (held past the timeout) | Request Tracker 5 | filed 1 | arrived {} | duplicates {}",
        found.len(),
        found.len() - 1
    );
    server.stop().await;
    if std::env::var("WAYMARK_RT_DIR").is_err() {
        rt_ctl("stop");
    }
}
