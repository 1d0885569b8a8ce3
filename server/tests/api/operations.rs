//! Operations: the OpenAPI document, health, metrics, restarts, two processes on one
//! PostgreSQL, and graceful shutdown.

use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use waymark_server::seed::AdminToken;
use waymark_server::serve;

use crate::harness::{event, json, start, test_config, Backend};
use crate::on_both_databases;

on_both_databases!(
    health_and_metrics_answer_with_route_templates_as_labels,
    a_restart_keeps_everything_and_does_not_seed_twice,
    a_request_in_flight_at_shutdown_is_finished,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openapi_document_describes_every_api_route() {
    let server = start(Backend::Sqlite).await;
    let (status, doc) = json(server.get("/v1/openapi.json").send().await.unwrap()).await;
    assert_eq!(status, 200);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let routes = [
        ("get", "/v1/apps/{app}/guides"),
        ("post", "/v1/apps/{app}/events"),
        ("post", "/v1/apps/{app}/tickets"),
        ("get", "/v1/apps/{app}/tickets/{id}"),
        ("get", "/v1/apps/{app}/inbox"),
        ("post", "/v1/apps/{app}/inbox/{id}/retry"),
        ("put", "/v1/apps/{app}/secret"),
        ("get", "/v1/apps/{app}/insights"),
        ("get", "/v1/apps/{app}/segments"),
        ("get", "/v1/apps/{app}/drafts"),
        ("post", "/v1/apps/{app}/drafts"),
        ("get", "/v1/apps/{app}/drafts/{guide}"),
        ("put", "/v1/apps/{app}/drafts/{guide}"),
        ("delete", "/v1/apps/{app}/drafts/{guide}"),
        ("post", "/v1/apps/{app}/drafts/{guide}/publish"),
        ("get", "/v1/apps/{app}/drafts/{guide}/versions"),
        ("get", "/v1/apps/{app}/drafts/{guide}/versions/{version}"),
        ("post", "/v1/apps/{app}/drafts/{guide}/rollback"),
        ("post", "/v1/validate"),
        ("get", "/v1/apps"),
        ("post", "/v1/apps"),
        ("get", "/v1/apps/{app}"),
        ("put", "/v1/apps/{app}"),
        ("delete", "/v1/apps/{app}"),
        ("get", "/v1/apps/{app}/helpdesk"),
        ("put", "/v1/apps/{app}/helpdesk"),
        ("delete", "/v1/apps/{app}/helpdesk"),
        ("get", "/v1/tokens"),
        ("post", "/v1/tokens"),
        ("delete", "/v1/tokens/{id}"),
        ("get", "/v1/bundle"),
        ("post", "/v1/bundle"),
        ("get", "/v1/guide-schema.json"),
        ("get", "/healthz"),
        ("get", "/metrics"),
    ];
    for (method, path) in routes {
        assert!(
            doc["paths"][path][method].is_object(),
            "{method} {path} is not described"
        );
    }
    let described: usize = doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .map(|p| p.as_object().unwrap().len())
        .sum();
    assert_eq!(
        described,
        routes.len(),
        "every described route is tested above"
    );
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    assert!(doc["components"]["schemas"]["ErrorBody"].is_object());
    let schema: Value = server
        .get("/v1/guide-schema.json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(schema["properties"]["steps"].is_object(), "{schema}");
    server.stop().await;
}

async fn health_and_metrics_answer_with_route_templates_as_labels(backend: Backend) {
    let server = start(backend).await;
    let res = server.get("/healthz").send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.text().await.unwrap(), "ok");
    server
        .post_events("demo", &json!({"events": [event("m.1")]}))
        .await;
    server.get("/v1/apps/demo/guides").send().await.unwrap();
    server
        .get("/v1/apps/zzz-unknown/guides")
        .send()
        .await
        .unwrap();
    let res = server.get("/metrics").send().await.unwrap();
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    let text = res.text().await.unwrap();
    assert!(
        text.contains(r#"waymark_http_requests_total{method="POST",route="/v1/apps/{app}/events",status="202"} 1"#),
        "{text}"
    );
    assert!(
        text.contains(r#"route="/v1/apps/{app}/guides",status="404"} 1"#),
        "{text}"
    );
    assert!(!text.contains("zzz-unknown"), "no user input in labels");
    assert!(text.contains("waymark_http_request_duration_seconds_bucket"));
    server.stop().await;
}

async fn a_restart_keeps_everything_and_does_not_seed_twice(backend: Backend) {
    let server = start(backend).await;
    server
        .post_events("demo", &json!({"events": [event("keep.1")]}))
        .await;
    server
        .admin_status(
            Method::PUT,
            "/v1/apps/demo/drafts/welcome",
            Some(&crate::harness::tour("welcome", "Edited", 1)),
        )
        .await;
    let mut server = server;
    let database_url = server.database_url.clone();
    let dir = tempfile::tempdir().unwrap();
    // Stop the server but keep its folder (the SQLite file is in it).
    server.running.take().unwrap().stop().await;

    let again = serve::start(test_config(database_url, dir.path()))
        .await
        .unwrap();
    let url = again.url();
    let client = reqwest::Client::new();
    let body: Value = client
        .post(format!("{url}/v1/apps/demo/events"))
        .body(json!({"events": [event("keep.1")]}).to_string())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["duplicates"], 1, "events survive a restart");
    let draft: Value = client
        .get(format!("{url}/v1/apps/demo/drafts/welcome"))
        .bearer_auth(crate::harness::ADMIN_TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        draft["guide"]["title"], "Edited",
        "the guides folder does not overwrite agents' work"
    );
    assert_eq!(draft["live_version"], 1);
    again.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_servers_starting_together_on_one_postgresql_seed_once() {
    let url = crate::pg::fresh_database().await;
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let configs: Vec<_> = dirs
        .iter()
        .map(|d| waymark_server::config::Config {
            admin_token: None,
            ..test_config(url.clone(), d.path())
        })
        .collect();
    let mut configs = configs.into_iter();
    let (a, b) = tokio::join!(
        serve::start(configs.next().unwrap()),
        serve::start(configs.next().unwrap())
    );
    let (a, b) = (a.expect("first starts"), b.expect("second starts"));
    let created = [&a, &b]
        .iter()
        .filter(|r| matches!(r.admin_token, AdminToken::Created(_)))
        .count();
    assert_eq!(created, 1, "exactly one first admin token");
    let token = [&a, &b]
        .iter()
        .find_map(|r| match &r.admin_token {
            AdminToken::Created(secret) => Some(secret.expose().to_owned()),
            _ => None,
        })
        .unwrap();
    let client = reqwest::Client::new();
    for running in [&a, &b] {
        let versions: Value = client
            .get(format!(
                "{}/v1/apps/demo/drafts/welcome/versions",
                running.url()
            ))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            versions.as_array().unwrap().len(),
            1,
            "the guides folder was published once"
        );
    }
    // Both write events into the same table; each id is stored once.
    let post = |running: &serve::Running| {
        client
            .post(format!("{}/v1/apps/demo/events", running.url()))
            .body(json!({"events": [event("both.1"), event("both.2")]}).to_string())
            .send()
    };
    let (ra, rb) = tokio::join!(post(&a), post(&b));
    let (ra, rb): (Value, Value) = (
        ra.unwrap().json().await.unwrap(),
        rb.unwrap().json().await.unwrap(),
    );
    assert_eq!(
        ra["accepted"].as_u64().unwrap() + rb["accepted"].as_u64().unwrap(),
        2,
        "{ra} {rb}"
    );
    a.stop().await;
    b.stop().await;
}

async fn a_request_in_flight_at_shutdown_is_finished(backend: Backend) {
    let server = start(backend).await;
    let addr = server.running.as_ref().unwrap().addr;
    let body = json!({"events": [event("late.1")]}).to_string();
    let (head, tail) = body.split_at(10);
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "POST /v1/apps/demo/events HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{head}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;

    let stopper = server.running.as_ref().unwrap().stopper();
    stopper.cancel();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "no new connections once stopping"
    );

    stream.write_all(tail.as_bytes()).await.unwrap();
    let mut answer = String::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_string(&mut answer))
        .await
        .unwrap()
        .unwrap();
    assert!(answer.starts_with("HTTP/1.1 202"), "{answer}");
    assert!(
        answer.contains(r#"{"accepted":1,"duplicates":0}"#),
        "{answer}"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_runs_in_wal_mode_and_stores_tokens_only_as_hashes() {
    use sqlx::{Connection, Row};
    let server = start(Backend::Sqlite).await;
    let agent = server.token("agent").await;
    let mut conn = sqlx::SqliteConnection::connect(&server.database_url)
        .await
        .unwrap();
    let mode: String = sqlx::query("PRAGMA journal_mode")
        .fetch_one(&mut conn)
        .await
        .unwrap()
        .get(0);
    assert_eq!(mode, "wal");
    let rows = sqlx::query("SELECT id, name, role, hash FROM tokens")
        .fetch_all(&mut conn)
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
    for row in rows {
        let stored: Vec<String> = (0..4).map(|i| row.get::<String, _>(i)).collect();
        for secret in [agent.as_str(), crate::harness::ADMIN_TOKEN] {
            assert!(stored.iter().all(|v| !v.contains(secret)), "{stored:?}");
        }
    }
    conn.close().await.unwrap();
    server.stop().await;
}
