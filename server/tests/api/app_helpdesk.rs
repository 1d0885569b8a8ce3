//! Per-app help desks and routing: each app's tickets reach its own help desk (two
//! apps, two local help desks that answer as RT and Zendesk document), a category
//! routes to the documented field, credentials are write-only (never in a GET, a
//! PUT's answer or an export; a PUT without one keeps it), bundles carry the setting
//! without credentials, and bad settings are refused naming the field.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, Method as HttpMethod, StatusCode, Uri};
use axum::response::IntoResponse;
use reqwest::Method;
use serde_json::{json, Value};
use waymark_server::outbox::RetryPolicy;

use crate::harness::{error_of, json, start_with, Backend, TestServer};
use crate::on_both_databases;

on_both_databases!(
    each_apps_tickets_reach_its_own_help_desk_and_others_the_servers,
    a_category_routes_to_the_rt_queue_and_the_zendesk_group_and_others_to_the_default,
    credentials_are_never_answered_and_a_put_without_one_keeps_it,
    a_stored_credential_is_not_kept_for_another_host,
    export_leaves_credentials_out_and_import_keeps_the_stored_ones,
    bad_settings_are_refused_naming_the_field,
    clearing_sends_the_apps_tickets_back_to_the_servers_help_desk,
);

const RT_TOKEN: &str = "1-rt-s3cret-token";
const ZD_TOKEN: &str = "zd-s3cret-api-token";

/// A request as a help desk saw it.
#[derive(Clone, Debug)]
struct Seen {
    method: String,
    path: String,
    authorization: String,
    body: Value,
}

/// A local help desk answering as RT 5 (REST2: a queue and its custom fields, which
/// include `Waymark ID`; `POST /REST/2.0/ticket`) and as Zendesk
/// (`POST /api/v2/tickets`), recording each request.
#[derive(Clone, Default)]
struct Desk {
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Desk {
    async fn start() -> (Desk, String) {
        let desk = Desk::default();
        let state = desk.clone();
        let app = axum::Router::new().fallback(
            move |method: HttpMethod, uri: Uri, headers: HeaderMap, body: Bytes| {
                let state = state.clone();
                async move {
                    let path = uri.path().to_owned();
                    let mut seen = state.seen.lock().unwrap();
                    seen.push(Seen {
                        method: method.to_string(),
                        path: path.clone(),
                        authorization: headers
                            .get("authorization")
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or("")
                            .to_owned(),
                        body: serde_json::from_slice(&body).unwrap_or(Value::Null),
                    });
                    let made = seen.iter().filter(|s| s.method == "POST").count();
                    let answer = match (method.as_str(), path.as_str()) {
                        ("GET", p) if p.ends_with("/customfields") => {
                            json!({"items": [{"Name": "Waymark ID"}]})
                        }
                        ("GET", p) if p.starts_with("/REST/2.0/queue/") => {
                            json!({"id": 3, "Name": p.trim_start_matches("/REST/2.0/queue/")})
                        }
                        ("POST", "/REST/2.0/ticket") => json!({"id": made, "type": "ticket"}),
                        ("POST", "/api/v2/tickets") => json!({"ticket": {"id": 900 + made}}),
                        _ => return (StatusCode::NOT_FOUND, "no such path").into_response(),
                    };
                    let status = if method == HttpMethod::POST {
                        StatusCode::CREATED
                    } else {
                        StatusCode::OK
                    };
                    (status, answer.to_string()).into_response()
                }
            },
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        (desk, url)
    }

    /// The tickets it was asked to create.
    fn created(&self) -> Vec<Seen> {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .filter(|s| s.method == "POST")
            .cloned()
            .collect()
    }
}

/// A server whose own help desk is the built-in inbox, retrying fast.
async fn server(backend: Backend) -> TestServer {
    start_with(backend, |c| {
        c.outbox = RetryPolicy {
            base_ms: 100,
            cap_ms: 400,
            poll_ms: 50,
            ..RetryPolicy::default()
        };
    })
    .await
}

async fn create_app(server: &TestServer, id: &str) {
    let status = server
        .admin_status(Method::POST, "/v1/apps", Some(&json!({"id": id})))
        .await;
    assert_eq!(status, 201, "app {id}");
}

fn rt(url: &str, queue: &str) -> Value {
    json!({"kind": "rt", "url": url, "queue": queue, "token": RT_TOKEN})
}

fn zendesk(url: &str) -> Value {
    json!({"kind": "zendesk", "url": url, "email": "agent@acme.example", "api_token": ZD_TOKEN})
}

async fn put(server: &TestServer, app: &str, body: &Value) -> (u16, Value) {
    server
        .admin_json(Method::PUT, &format!("/v1/apps/{app}/helpdesk"), Some(body))
        .await
}

async fn get(server: &TestServer, app: &str) -> Value {
    let (status, body) = server
        .admin_json(Method::GET, &format!("/v1/apps/{app}/helpdesk"), None)
        .await;
    assert_eq!(status, 200, "{body}");
    body
}

/// Files a ticket in `app` with `category` and waits until it is delivered.
async fn file(server: &TestServer, app: &str, category: &str) -> Value {
    let body = json!({
        "subject": format!("Stuck in {app} ({category})"),
        "description": "Step 2 of 4",
        "category": category,
        "priority": "normal",
        "user": {"id": "u-1", "name": "Ann Lee", "email": "ann@acme.example"}
    });
    let (status, answer) = json(
        server
            .request(Method::POST, &format!("/v1/apps/{app}/tickets"))
            .header("content-type", "application/json")
            .header(
                "idempotency-key",
                format!("key-{}", waymark_server::tickets::new_id()),
            )
            .body(body.to_string())
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 202, "{answer}");
    let id = answer["id"].as_str().unwrap().to_owned();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let (_, now) = json(
            server
                .get(&format!("/v1/apps/{app}/tickets/{id}"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        if now["status"] == "delivered" {
            return now;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "ticket {id} of {app} not delivered: {now}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn each_apps_tickets_reach_its_own_help_desk_and_others_the_servers(backend: Backend) {
    let server = server(backend).await;
    let (rt_desk, rt_url) = Desk::start().await;
    let (zd_desk, zd_url) = Desk::start().await;
    create_app(&server, "purchasing").await;
    create_app(&server, "hr").await;
    let (status, body) = put(
        &server,
        "purchasing",
        &json!({"helpdesk": rt(&rt_url, "Purchasing")}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = put(&server, "hr", &json!({"helpdesk": zendesk(&zd_url)})).await;
    assert_eq!(status, 200, "{body}");

    let p = file(&server, "purchasing", "purchasing").await;
    let h = file(&server, "hr", "benefits").await;
    let d = file(&server, "demo", "purchasing").await;
    assert_eq!(p["helpdesk"], "rt", "{p}");
    assert_eq!(h["helpdesk"], "zendesk", "{h}");
    assert_eq!(
        d["helpdesk"], "inbox",
        "an app without its own uses the server's: {d}"
    );

    let rt_made = rt_desk.created();
    assert_eq!(rt_made.len(), 1, "{rt_made:?}");
    assert_eq!(rt_made[0].path, "/REST/2.0/ticket");
    assert_eq!(rt_made[0].body["Queue"], "Purchasing");
    assert_eq!(
        rt_made[0].body["Subject"],
        "Stuck in purchasing (purchasing)"
    );
    assert_eq!(rt_made[0].authorization, format!("token {RT_TOKEN}"));
    let zd_made = zd_desk.created();
    assert_eq!(zd_made.len(), 1, "{zd_made:?}");
    assert_eq!(zd_made[0].path, "/api/v2/tickets");
    assert_eq!(
        zd_made[0].body["ticket"]["subject"],
        "Stuck in hr (benefits)"
    );
    assert!(zd_made[0].authorization.starts_with("Basic "));
    server.stop().await;
}

async fn a_category_routes_to_the_rt_queue_and_the_zendesk_group_and_others_to_the_default(
    backend: Backend,
) {
    let server = server(backend).await;
    let (rt_desk, rt_url) = Desk::start().await;
    let (zd_desk, zd_url) = Desk::start().await;
    create_app(&server, "purchasing").await;
    create_app(&server, "hr").await;
    let (status, body) = put(
        &server,
        "purchasing",
        &json!({"helpdesk": rt(&rt_url, "Purchasing"), "routing": {"categories": {"hardware": "Hardware"}}}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["routing_target"], "RT queue");
    let (status, body) = put(
        &server,
        "hr",
        &json!({"helpdesk": zendesk(&zd_url), "routing": {"default": "360002", "categories": {"benefits": "360001"}}}),
    )
    .await;
    assert_eq!(status, 200, "{body}");

    file(&server, "purchasing", "hardware").await;
    file(&server, "purchasing", "travel").await;
    file(&server, "hr", "benefits").await;
    file(&server, "hr", "payroll").await;
    let queues: Vec<Value> = rt_desk
        .created()
        .iter()
        .map(|s| s.body["Queue"].clone())
        .collect();
    assert_eq!(
        queues,
        [json!("Hardware"), json!("Purchasing")],
        "mapped, then the configured queue"
    );
    let groups: Vec<Value> = zd_desk
        .created()
        .iter()
        .map(|s| s.body["ticket"]["group_id"].clone())
        .collect();
    assert_eq!(
        groups,
        [json!(360001), json!(360002)],
        "mapped, then the routing's default"
    );
    server.stop().await;
}

async fn credentials_are_never_answered_and_a_put_without_one_keeps_it(backend: Backend) {
    let server = server(backend).await;
    let (rt_desk, rt_url) = Desk::start().await;
    create_app(&server, "purchasing").await;
    let (status, body) = put(
        &server,
        "purchasing",
        &json!({"helpdesk": rt(&rt_url, "Purchasing")}),
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        !body.to_string().contains(RT_TOKEN),
        "the PUT's answer: {body}"
    );
    let read = get(&server, "purchasing").await;
    assert!(!read.to_string().contains(RT_TOKEN), "the GET: {read}");
    assert_eq!(read["helpdesk"]["token_set"], true, "{read}");
    assert_eq!(read["helpdesk"]["password_set"], false, "{read}");
    assert!(read["helpdesk"].get("token").is_none(), "{read}");
    assert_eq!(read["helpdesk"]["queue"], "Purchasing");

    // The editor sends back what it read, with another queue and no token.
    let mut again = read["helpdesk"].clone();
    again["queue"] = json!("Buying");
    let (status, body) = put(&server, "purchasing", &json!({"helpdesk": again})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["helpdesk"]["token_set"], true, "kept: {body}");
    assert_eq!(body["helpdesk"]["queue"], "Buying");
    file(&server, "purchasing", "purchasing").await;
    let made = rt_desk.created();
    assert_eq!(made.len(), 1);
    assert_eq!(made[0].body["Queue"], "Buying");
    assert_eq!(
        made[0].authorization,
        format!("token {RT_TOKEN}"),
        "the stored token was kept"
    );

    let apps = server
        .admin(Method::GET, "/v1/apps")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!apps.contains(RT_TOKEN), "{apps}");
    server.stop().await;
}

async fn a_stored_credential_is_not_kept_for_another_host(backend: Backend) {
    let server = server(backend).await;
    let (_rt_desk, rt_url) = Desk::start().await;
    create_app(&server, "purchasing").await;
    assert_eq!(
        put(
            &server,
            "purchasing",
            &json!({"helpdesk": rt(&rt_url, "Purchasing")})
        )
        .await
        .0,
        200
    );
    let (status, body) = put(
        &server,
        "purchasing",
        &json!({"helpdesk": {"kind": "rt", "url": "http://127.0.0.2:9", "queue": "Purchasing"}}),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["problems"][0]["path"], "helpdesk.token", "{body}");
    assert!(
        error_of(&body).contains("give the credential again"),
        "{body}"
    );
    assert!(!body.to_string().contains(RT_TOKEN));
    // Nothing changed.
    assert_eq!(get(&server, "purchasing").await["helpdesk"]["url"], rt_url);
    server.stop().await;
}

async fn export_leaves_credentials_out_and_import_keeps_the_stored_ones(backend: Backend) {
    let server = server(backend).await;
    let (rt_desk, rt_url) = Desk::start().await;
    create_app(&server, "purchasing").await;
    let setting = json!({"helpdesk": rt(&rt_url, "Purchasing"), "routing": {"categories": {"hardware": "Hardware"}}});
    assert_eq!(put(&server, "purchasing", &setting).await.0, 200);

    let (status, bundle) = server
        .admin_json(Method::GET, "/v1/bundle?app=purchasing", None)
        .await;
    assert_eq!(status, 200);
    assert!(!bundle.to_string().contains(RT_TOKEN), "{bundle}");
    let hd = &bundle["apps"][0]["helpdesk"];
    assert_eq!(hd["helpdesk"]["kind"], "rt", "{bundle}");
    assert_eq!(hd["helpdesk"]["queue"], "Purchasing");
    assert_eq!(hd["helpdesk"]["token_set"], true);
    assert_eq!(hd["routing"]["categories"]["hardware"], "Hardware");

    // Round trip on this server: the stored token is kept, the routing comes back.
    assert_eq!(
        server
            .admin_status(Method::DELETE, "/v1/apps/purchasing/helpdesk", None)
            .await,
        204
    );
    // With nothing stored, a bundle without the credential is refused by its key.
    let (status, body) = server
        .admin_json(Method::POST, "/v1/bundle", Some(&bundle))
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        body["problems"][0]["path"], "apps[0].helpdesk.helpdesk.token",
        "{body}"
    );
    // Over HTTP, `_env` keys are refused: the API never reads the server's environment.
    let mut with_env = bundle.clone();
    with_env["apps"][0]["helpdesk"]["helpdesk"]["token_env"] = json!("HOME");
    let (status, body) = server
        .admin_json(Method::POST, "/v1/bundle", Some(&with_env))
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        body["problems"][0]["path"], "apps[0].helpdesk.helpdesk.token_env",
        "{body}"
    );

    assert_eq!(
        put(
            &server,
            "purchasing",
            &json!({"helpdesk": rt(&rt_url, "Elsewhere")})
        )
        .await
        .0,
        200
    );
    let (status, body) = server
        .admin_json(Method::POST, "/v1/bundle", Some(&bundle))
        .await;
    assert_eq!(status, 200, "{body}");
    let read = get(&server, "purchasing").await;
    assert_eq!(read["helpdesk"]["queue"], "Purchasing", "{read}");
    assert_eq!(read["helpdesk"]["token_set"], true, "{read}");
    assert_eq!(read["routing"]["categories"]["hardware"], "Hardware");
    file(&server, "purchasing", "hardware").await;
    let made = rt_desk.created();
    assert_eq!(made[0].body["Queue"], "Hardware");
    assert_eq!(made[0].authorization, format!("token {RT_TOKEN}"));
    server.stop().await;
}

async fn bad_settings_are_refused_naming_the_field(backend: Backend) {
    let server = server(backend).await;
    create_app(&server, "purchasing").await;
    let cases = [
        (
            json!({"helpdesk": {"kind": "jitterbug", "url": "https://x.example"}}),
            "helpdesk.kind",
            "unknown variant",
        ),
        (
            json!({"helpdesk": {"kind": "rt", "token": "t"}}),
            "helpdesk.url",
            "missing field",
        ),
        (
            json!({"helpdesk": {"kind": "rt", "url": "rt.example.com", "token": "t"}}),
            "helpdesk.url",
            "not a URL",
        ),
        (
            json!({"helpdesk": {"kind": "rt", "url": "ftp://rt.example.com", "token": "t"}}),
            "helpdesk.url",
            "http",
        ),
        (
            json!({"helpdesk": {"kind": "rt", "url": "https://rt.example.com", "colour": "red"}}),
            "helpdesk.colour",
            "unknown field",
        ),
        (
            json!({"helpdesk": {"url": "https://rt.example.com"}}),
            "helpdesk.kind",
            "missing",
        ),
        (
            json!({"helpdesk": {"kind": "zendesk", "url": "https://z.example", "email": "a@b.example", "api_token": "t"},
                "routing": {"categories": {"hr": "People"}}}),
            "routing.categories.hr",
            "group_id",
        ),
        (
            json!({"routing": {"categories": {"hr": ""}}}),
            "routing.categories.hr",
            "give the",
        ),
        (
            json!({"routing": {"queues": {}}}),
            "routing",
            "unknown field",
        ),
    ];
    for (body, path, says) in cases {
        let (status, answer) = put(&server, "purchasing", &body).await;
        assert_eq!(status, 422, "{body} -> {answer}");
        let problem = &answer["problems"][0];
        assert!(
            problem["path"].as_str().unwrap_or("").starts_with(path),
            "{body} -> {answer}"
        );
        assert!(error_of(&answer).contains(says), "{body} -> {answer}");
    }
    let malformed = server
        .admin(Method::PUT, "/v1/apps/purchasing/helpdesk")
        .header("content-type", "application/json")
        .body("{\"helpdesk\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), 400);
    let (status, _) = put(&server, "nowhere", &json!({})).await;
    assert_eq!(status, 404);
    let agent = server.token("agent").await;
    let refused = server
        .request(Method::PUT, "/v1/apps/purchasing/helpdesk")
        .bearer_auth(&agent)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403, "agents may read, not set");
    let read = server
        .request(Method::GET, "/v1/apps/purchasing/helpdesk")
        .bearer_auth(&agent)
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), 200);
    assert_eq!(
        get(&server, "purchasing").await["helpdesk"],
        Value::Null,
        "nothing was stored"
    );
    server.stop().await;
}

async fn clearing_sends_the_apps_tickets_back_to_the_servers_help_desk(backend: Backend) {
    let server = server(backend).await;
    let (rt_desk, rt_url) = Desk::start().await;
    create_app(&server, "purchasing").await;
    assert_eq!(
        put(
            &server,
            "purchasing",
            &json!({"helpdesk": rt(&rt_url, "Purchasing")})
        )
        .await
        .0,
        200
    );
    assert_eq!(file(&server, "purchasing", "x").await["helpdesk"], "rt");
    assert_eq!(
        server
            .admin_status(Method::DELETE, "/v1/apps/purchasing/helpdesk", None)
            .await,
        204
    );
    let read = get(&server, "purchasing").await;
    assert_eq!(read["helpdesk"], Value::Null);
    assert_eq!(read["server_default"], "inbox");
    assert_eq!(file(&server, "purchasing", "x").await["helpdesk"], "inbox");
    assert_eq!(
        rt_desk.created().len(),
        1,
        "the cached RT connector was dropped"
    );
    server.stop().await;
}
