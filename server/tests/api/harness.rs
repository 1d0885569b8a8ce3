//! Test servers: a real `waymark serve` started in-process on 127.0.0.1:0 with a fresh
//! database (SQLite in a temporary folder, or a new PostgreSQL database), reached over
//! real HTTP with reqwest.

use std::path::PathBuf;

use reqwest::{Client, Method, RequestBuilder, Response};
use serde_json::Value;
use waymark_server::config::{Config, Secret};
use waymark_server::serve::{self, Running};

pub const ADMIN_TOKEN: &str = "wmk_test_admin_0123456789abcdef0123456789abcdef";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Generates `NAME::sqlite` and `NAME::postgres` tests that run `NAME(backend)`.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::harness::Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name($crate::harness::Backend::Postgres).await
            }
        }
    )*};
}

pub struct TestServer {
    pub url: String,
    pub database_url: String,
    pub client: Client,
    pub running: Option<Running>,
    pub dir: tempfile::TempDir,
}

/// A folder of guide files and static pages the tests can rely on.
pub fn fixtures(dir: &std::path::Path) -> (PathBuf, PathBuf) {
    let guides = dir.join("guides");
    let www = dir.join("www");
    for sub in ["demo", "editor", "sdk"] {
        std::fs::create_dir_all(www.join(sub)).unwrap();
    }
    std::fs::create_dir_all(&guides).unwrap();
    std::fs::write(
        guides.join("welcome.json"),
        tour("welcome", "Welcome", 1).to_string(),
    )
    .unwrap();
    std::fs::write(www.join("index.html"), "<h1>Waymark</h1>").unwrap();
    std::fs::write(www.join("demo/index.html"), "<h1>demo app</h1>").unwrap();
    std::fs::write(www.join("demo/app.js"), "console.log('demo')").unwrap();
    std::fs::write(www.join("editor/index.html"), "<h1>editor</h1>").unwrap();
    std::fs::write(
        www.join("sdk/waymark.js"),
        "export default async function load(m) { m = new URL('waymark_bg.wasm', import.meta.url); }",
    )
    .unwrap();
    std::fs::write(www.join("sdk/waymark_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    (guides, www)
}

pub async fn database_url(backend: Backend, dir: &std::path::Path) -> String {
    match backend {
        Backend::Sqlite => format!("sqlite://{}/waymark.db", dir.display()),
        Backend::Postgres => crate::pg::fresh_database().await,
    }
}

/// The configuration tests start from: generous limits, a known admin token.
pub fn test_config(database_url: String, dir: &std::path::Path) -> Config {
    let (guides, www) = fixtures(dir);
    Config {
        addr: "127.0.0.1:0".parse().unwrap(),
        database_url,
        www_dir: www,
        guides_dir: guides,
        admin_token: Some(Secret::new(ADMIN_TOKEN)),
        rate_limit_ip_per_s: 0,
        rate_limit_app_per_s: 0,
        shutdown_timeout_s: 5,
        ..Config::default()
    }
}

pub async fn start(backend: Backend) -> TestServer {
    start_with(backend, |_| {}).await
}

pub async fn start_with(backend: Backend, change: impl FnOnce(&mut Config)) -> TestServer {
    let dir = tempfile::tempdir().unwrap();
    let database_url = database_url(backend, dir.path()).await;
    let mut config = test_config(database_url.clone(), dir.path());
    change(&mut config);
    let running = serve::start(config).await.expect("the server starts");
    TestServer {
        url: running.url(),
        database_url,
        client: Client::new(),
        running: Some(running),
        dir,
    }
}

impl TestServer {
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.client.request(method, format!("{}{path}", self.url))
    }

    pub fn get(&self, path: &str) -> RequestBuilder {
        self.request(Method::GET, path)
    }

    pub fn admin(&self, method: Method, path: &str) -> RequestBuilder {
        self.request(method, path).bearer_auth(ADMIN_TOKEN)
    }

    /// An admin request with an optional JSON body, sent: the answer's status.
    pub async fn admin_status(&self, method: Method, path: &str, body: Option<&Value>) -> u16 {
        self.admin_send(method, path, body).await.status().as_u16()
    }

    /// An admin request with an optional JSON body, sent: the answer's status and
    /// JSON body (which it must have).
    pub async fn admin_json(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> (u16, Value) {
        json(self.admin_send(method, path, body).await).await
    }

    async fn admin_send(&self, method: Method, path: &str, body: Option<&Value>) -> Response {
        let mut req = self.admin(method, path);
        if let Some(body) = body {
            req = req.json(body);
        }
        req.send().await.unwrap()
    }

    /// Posts an events batch as the runtime does.
    pub async fn post_events(&self, app: &str, body: &Value) -> Response {
        self.request(Method::POST, &format!("/v1/apps/{app}/events"))
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap()
    }

    /// Makes a token with the role and returns its value.
    pub async fn token(&self, role: &str) -> String {
        let res = self
            .admin(Method::POST, "/v1/tokens")
            .json(&serde_json::json!({"name": format!("test {role}"), "role": role}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
        let body: Value = res.json().await.unwrap();
        body["token"].as_str().unwrap().to_owned()
    }

    pub async fn stop(mut self) {
        if let Some(running) = self.running.take() {
            running.stop().await;
        }
    }
}

/// A valid one-step tour.
pub fn tour(id: &str, title: &str, version: u32) -> Value {
    serde_json::json!({
        "schema": 1, "id": id, "kind": "tour", "title": title, "version": version,
        "match": {"urls": ["/demo/**"]},
        "steps": [{"id": "one", "title": "Hello", "body": "Hi.", "target": {"css": ["#main"]}}]
    })
}

/// A checklist naming `guides`.
pub fn checklist(id: &str, guides: &[&str]) -> Value {
    let items: Vec<Value> = guides
        .iter()
        .map(|g| serde_json::json!({"id": format!("do-{g}"), "label": format!("Do {g}"), "guide": g}))
        .collect();
    serde_json::json!({
        "schema": 1, "id": id, "kind": "checklist", "title": "Start here", "version": 1,
        "match": {"urls": ["/demo/**"]}, "items": items
    })
}

/// An analytics event as the runtime sends it.
pub fn event(id: &str) -> Value {
    serde_json::json!({"id": id, "at": 1_700_000_000_000u64, "kind": "step_shown",
        "guide": "welcome", "version": 1, "run": "r1", "step": "one", "step_index": 0})
}

/// Status and JSON body.
pub async fn json(res: Response) -> (u16, Value) {
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    let body =
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text}"));
    (status, body)
}

/// The `error` message of an error body, asserting the shape.
pub fn error_of(body: &Value) -> &str {
    body["error"]
        .as_str()
        .unwrap_or_else(|| panic!("no `error` in {body}"))
}
