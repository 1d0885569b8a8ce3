//! A server killed mid-delivery makes exactly one ticket. The help desk (a local
//! ServiceNow that keeps its incidents and answers the `correlation_id` search) has
//! received the create and made the incident; the server is SIGKILLed before the
//! answer reaches it, so its outbox never recorded the delivery. After the lease runs
//! out, a server (restarted on SQLite; the other of two processes on PostgreSQL)
//! claims the ticket again, finds the incident and records it: one incident.

#[path = "api/pg.rs"]
mod pg;

use std::path::Path;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{StatusCode, Uri};
use axum::response::IntoResponse;
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::Notify;

/// Incidents by correlation id, with the server (`a`, `b`) whose create made them.
#[derive(Clone, Default)]
struct Desk {
    incidents: Arc<Mutex<Vec<(String, String)>>>,
    /// Set when the first create arrived; its answer is then never sent.
    hold_first: Arc<Mutex<bool>>,
    first_create: Arc<Notify>,
}

impl Desk {
    async fn start() -> (Desk, String) {
        let desk = Desk::default();
        *desk.hold_first.lock().unwrap() = true;
        let state = desk.clone();
        let app = axum::Router::new().fallback(move |uri: Uri, body: Bytes| {
            let state = state.clone();
            async move { state.answer(uri, body).await }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        (desk, url)
    }

    async fn answer(&self, uri: Uri, body: Bytes) -> axum::response::Response {
        // Each server files under its own prefix: /a/api/... or /b/api/...
        let (server, path) = uri.path()[1..].split_once('/').unwrap();
        let path = format!("/{path}");
        if path != "/api/now/table/incident" {
            return (StatusCode::NOT_FOUND, "no route").into_response();
        }
        if body.is_empty() {
            let asked = url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
                .find(|(k, _)| k == "sysparm_query")
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default();
            let Some(id) = asked.strip_prefix("correlation_id=") else {
                return (StatusCode::BAD_REQUEST, "unsupported query").into_response();
            };
            let result: Vec<Value> = self
                .incidents
                .lock()
                .unwrap()
                .iter()
                .enumerate()
                .filter(|(_, (c, _))| c == id)
                .map(|(i, _)| json!({"sys_id": format!("s{}", i + 1), "number": format!("INC{}", i + 1)}))
                .collect();
            return axum::Json(json!({ "result": result })).into_response();
        }
        let b: Value = serde_json::from_slice(&body).unwrap();
        let n = {
            let mut incidents = self.incidents.lock().unwrap();
            incidents.push((
                b["correlation_id"].as_str().unwrap().to_owned(),
                server.to_owned(),
            ));
            incidents.len()
        };
        let hold = std::mem::take(&mut *self.hold_first.lock().unwrap());
        if hold {
            self.first_create.notify_one();
            // The server is killed while it waits: this answer never arrives.
            std::future::pending::<()>().await;
        }
        (
            StatusCode::CREATED,
            axum::Json(json!({"result": {"sys_id": format!("s{n}"), "number": format!("INC{n}")}})),
        )
            .into_response()
    }

    fn incidents(&self) -> Vec<(String, String)> {
        self.incidents.lock().unwrap().clone()
    }
}

struct Server {
    child: Child,
    url: String,
}

const ADMIN: &str = "wmk_kill_test_admin_0123456789abcdef0123456789";

async fn serve(db: &str, desk: &str, name: &str, www: &Path) -> Server {
    let mut command = Command::new(env!("CARGO_BIN_EXE_waymark"));
    command
        .args(["serve", "--addr", "127.0.0.1:0", "--guides"])
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("../guides"))
        .env("WAYMARK_DATABASE_URL", db)
        .env("WAYMARK_WWW_DIR", www)
        .env("WAYMARK_ADMIN_TOKEN", ADMIN)
        .env("WAYMARK_HELPDESK__KIND", "servicenow")
        .env("WAYMARK_HELPDESK__URL", format!("{desk}/{name}"))
        .env("WAYMARK_HELPDESK__USERNAME", "svc")
        .env("WAYMARK_HELPDESK__PASSWORD", "pw")
        .env("WAYMARK_OUTBOX__TIMEOUT_MS", "30000")
        .env("WAYMARK_OUTBOX__LEASE_MS", "120000")
        .env("WAYMARK_OUTBOX__POLL_MS", "100")
        .env("WAYMARK_OUTBOX__BASE_MS", "200")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true);
    let mut child = command.spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = tokio::time::timeout(Duration::from_secs(60), lines.next_line())
        .await
        .expect("a start-up line within 60 s")
        .unwrap()
        .expect("the server printed its start-up line");
    let url = first
        .strip_prefix("Waymark demo: ")
        .and_then(|rest| rest.strip_suffix("/demo/"))
        .unwrap_or_else(|| panic!("first line: {first}"))
        .to_owned();
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    Server { child, url }
}

async fn post(server: &Server, key: &str) -> String {
    let res = reqwest::Client::new()
        .post(format!("{}/v1/apps/demo/tickets", server.url))
        .header("idempotency-key", key)
        .json(&json!({"subject": format!("Killed mid-delivery {key}"), "description": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 202);
    res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Polls until the ticket is delivered (generous: the lease must run out first).
async fn delivered(server: &Server, id: &str) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(240);
    loop {
        let s: Value = reqwest::get(format!("{}/v1/apps/demo/tickets/{id}", server.url))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if s["status"] == "delivered" {
            return s;
        }
        assert!(tokio::time::Instant::now() < deadline, "not delivered: {s}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn sigkill(child: &Child) {
    let pid = child.id().expect("running") as i32;
    assert_eq!(unsafe { libc::kill(pid, libc::SIGKILL) }, 0);
}

/// Makes the outbox's lease run out now, as if `lease_ms` had passed, so the test
/// need not wait two minutes (the lease stays long so no live worker loses it).
async fn expire_leases(db: &str) {
    use sqlx::{Connection, Executor};
    let sql = "UPDATE tickets SET leased_until = 0 WHERE leased_until IS NOT NULL";
    if db.starts_with("postgres") {
        let mut c = sqlx::PgConnection::connect(db).await.unwrap();
        c.execute(sql).await.unwrap();
    } else {
        let mut c = sqlx::SqliteConnection::connect(db).await.unwrap();
        c.execute(sql).await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_mid_delivery_makes_one_ticket_after_its_restart_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/waymark.db", dir.path().display());
    let (desk, desk_url) = Desk::start().await;
    let a = serve(&db, &desk_url, "a", dir.path()).await;
    let id = post(&a, "kill-1").await;
    tokio::time::timeout(Duration::from_secs(60), desk.first_create.notified())
        .await
        .expect("the help desk received the create");
    sigkill(&a.child);
    let mut a = a;
    a.child.wait().await.unwrap();
    expire_leases(&db).await;
    let again = serve(&db, &desk_url, "a", dir.path()).await;
    let status = delivered(&again, &id).await;
    let incidents = desk.incidents();
    assert_eq!(incidents.len(), 1, "exactly one incident: {incidents:?}");
    assert_eq!(status["reference"], "INC1");
    println!(
        "FAULT server SIGKILL mid-delivery (SQLite, restart) | ServiceNow | filed 1 | arrived {} | duplicates {}",
        incidents.len(),
        incidents.len() - 1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_mid_delivery_makes_one_ticket_through_the_other_server_on_postgresql() {
    let dir = tempfile::tempdir().unwrap();
    let db = pg::fresh_database().await;
    let (desk, desk_url) = Desk::start().await;
    let a = serve(&db, &desk_url, "a", dir.path()).await;
    let b = serve(&db, &desk_url, "b", dir.path()).await;
    let id = post(&a, "kill-pg-1").await;
    tokio::time::timeout(Duration::from_secs(60), desk.first_create.notified())
        .await
        .expect("the help desk received the create");
    // Kill the server whose create the desk holds.
    let holder = desk.incidents()[0].1.clone();
    let (mut dead, alive) = if holder == "a" { (a, b) } else { (b, a) };
    sigkill(&dead.child);
    dead.child.wait().await.unwrap();
    expire_leases(&db).await;
    let status = delivered(&alive, &id).await;
    let incidents = desk.incidents();
    assert_eq!(incidents.len(), 1, "exactly one incident: {incidents:?}");
    assert_eq!(status["reference"], "INC1");
    println!(
        "FAULT server SIGKILL mid-delivery (two servers, PostgreSQL) | ServiceNow | filed 1 | arrived {} | duplicates {}",
        incidents.len(),
        incidents.len() - 1
    );
}
