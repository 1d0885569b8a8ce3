//! Tickets: posted with an idempotency key, kept in the outbox, delivered by the worker
//! exactly once, retried through an outage, failed visibly and requeued by an admin.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};
use reqwest::Method;
use serde_json::{json, Value};
use waymark_server::config::Config;
use waymark_server::helpdesk::HelpdeskConfig;
use waymark_server::outbox::RetryPolicy;

use crate::harness::{error_of, json, start, start_with, Backend, TestServer};
use crate::on_both_databases;

on_both_databases!(
    a_ticket_is_answered_202_and_delivered_to_the_inbox,
    the_same_key_and_body_find_the_same_ticket_and_another_body_is_refused,
    bad_tickets_are_refused_with_a_reason_and_nothing_is_stored,
    an_app_with_a_secret_refuses_tickets_without_the_users_hmac,
    an_outage_delays_a_ticket_which_then_arrives_exactly_once,
    a_refused_ticket_fails_visibly_and_an_admin_can_requeue_it,
    the_inbox_needs_an_agent_token,
    an_outage_shows_the_ticket_waiting_with_its_last_error_and_counts_it_in_metrics,
    a_help_desk_out_past_give_up_after_fails_the_ticket_saying_so,
    an_intranet_email_from_the_app_keeps_the_ticket,
);

fn ticket(subject: &str) -> Value {
    json!({
        "subject": subject,
        "description": "Guide: Raise a purchase requisition\nStep: 5 of 8",
        "category": "purchasing",
        "priority": "normal",
        "guide": "raise-requisition",
        "step": "cost-centre",
        "page_url": "http://127.0.0.1/demo/requisitions/new",
        "user": {"id": "u-1", "name": "Ann Lee", "email": "ann@acme.example"}
    })
}

async fn post(server: &TestServer, key: Option<&str>, body: &Value) -> (u16, Value) {
    let mut req = server
        .request(Method::POST, "/v1/apps/demo/tickets")
        .header("content-type", "application/json")
        .body(body.to_string());
    if let Some(key) = key {
        req = req.header("idempotency-key", key);
    }
    json(req.send().await.unwrap()).await
}

/// Polls the ticket until its status is `want` (or 10 s pass).
async fn wait_for(server: &TestServer, id: &str, want: &str) -> Value {
    for _ in 0..200 {
        let (_, body) = json(
            server
                .get(&format!("/v1/apps/demo/tickets/{id}"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        if body["status"] == want {
            return body;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("ticket {id} never became {want}");
}

/// A help desk behind a signed webhook: answers with the scripted statuses in turn
/// (then 200), and records every request's idempotency key and status.
#[derive(Clone, Default)]
struct Desk {
    script: Arc<Mutex<VecDeque<u16>>>,
    log: Arc<Mutex<Vec<(String, u16)>>>,
}

impl Desk {
    async fn start(script: &[u16]) -> (Desk, String) {
        let desk = Desk::default();
        desk.script.lock().unwrap().extend(script);
        let state = desk.clone();
        let app = axum::Router::new().route(
            "/hook",
            axum::routing::post(move |headers: HeaderMap, _body: String| {
                let state = state.clone();
                async move {
                    let status = state.script.lock().unwrap().pop_front().unwrap_or(200);
                    let key = headers
                        .get("idempotency-key")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("")
                        .to_owned();
                    state.log.lock().unwrap().push((key, status));
                    (
                        StatusCode::from_u16(status).unwrap(),
                        r#"{"error":"scripted"}"#,
                    )
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        (desk, url)
    }

    fn log(&self) -> Vec<(String, u16)> {
        self.log.lock().unwrap().clone()
    }

    fn successes(&self, key: &str) -> usize {
        self.log()
            .iter()
            .filter(|(k, s)| k == key && *s == 200)
            .count()
    }
}

fn to_webhook(url: String) -> impl FnOnce(&mut Config) {
    move |c: &mut Config| {
        c.helpdesk = serde_json::from_value::<HelpdeskConfig>(
            json!({"kind": "webhook", "url": url, "secret": "s3cret-s3cret"}),
        )
        .unwrap();
        c.outbox = RetryPolicy {
            base_ms: 100,
            cap_ms: 400,
            poll_ms: 50,
            ..RetryPolicy::default()
        };
    }
}

async fn a_ticket_is_answered_202_and_delivered_to_the_inbox(backend: Backend) {
    let server = start(backend).await;
    let (status, body) = post(&server, Some("k-1"), &ticket("Stuck at step 5")).await;
    assert_eq!(status, 202, "{body}");
    let id = body["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("wm-"));
    let done = wait_for(&server, &id, "delivered").await;
    assert_eq!(done["helpdesk"], "inbox");
    assert_eq!(
        done["reference"],
        id.as_str(),
        "the inbox's reference is the local id"
    );
    let (status, inbox) = server
        .admin_json(Method::GET, "/v1/apps/demo/inbox", None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(inbox[0]["id"], id.as_str());
    assert_eq!(inbox[0]["ticket"]["subject"], "Stuck at step 5");
    server.stop().await;
}

async fn the_same_key_and_body_find_the_same_ticket_and_another_body_is_refused(backend: Backend) {
    let server = start(backend).await;
    let (_, first) = post(&server, Some("same-key"), &ticket("A")).await;
    let (status, again) = post(&server, Some("same-key"), &ticket("A")).await;
    assert_eq!((status, &again["id"]), (202, &first["id"]));
    let (status, other) = post(&server, Some("same-key"), &ticket("B")).await;
    assert_eq!(status, 422, "{other}");
    assert!(error_of(&other).contains("Idempotency-Key"), "{other}");
    let (_, inbox) = server
        .admin_json(Method::GET, "/v1/apps/demo/inbox", None)
        .await;
    assert_eq!(inbox.as_array().unwrap().len(), 1);
    server.stop().await;
}

async fn bad_tickets_are_refused_with_a_reason_and_nothing_is_stored(backend: Backend) {
    let server = start(backend).await;
    let (status, body) = post(&server, None, &ticket("A")).await;
    assert_eq!(status, 400);
    assert!(error_of(&body).contains("Idempotency-Key"));
    let mut empty = ticket(" ");
    empty["category"] = json!("");
    let (status, body) = post(&server, Some("k"), &empty).await;
    assert_eq!(status, 422);
    let paths: Vec<&str> = body["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["subject", "category"]);
    let mut typo = ticket("A");
    typo["subjct"] = json!("x");
    let (status, body) = post(&server, Some("k"), &typo).await;
    assert_eq!(status, 422, "{body}");
    assert!(error_of(&body).contains("subjct"), "{body}");
    let res = server
        .request(Method::POST, "/v1/apps/demo/tickets")
        .header("content-type", "application/json")
        .header("idempotency-key", "k")
        .body("{\"subject\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let (status, _) = json(
        server
            .request(Method::POST, "/v1/apps/nope/tickets")
            .header("idempotency-key", "k")
            .json(&ticket("A"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 404);
    let (_, inbox) = server
        .admin_json(Method::GET, "/v1/apps/demo/inbox", None)
        .await;
    assert_eq!(inbox, json!([]), "nothing half-written");
    server.stop().await;
}

async fn an_app_with_a_secret_refuses_tickets_without_the_users_hmac(backend: Backend) {
    let server = start(backend).await;
    let res = server
        .admin(Method::PUT, "/v1/apps/demo/secret")
        .json(&json!({"secret": "a-very-long-app-secret"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let (status, body) = post(&server, Some("k-1"), &ticket("A")).await;
    assert_eq!(status, 403, "{body}");
    let mut signed = ticket("A");
    signed["user"]["hash"] = json!(waymark_server::tickets::user_hash(
        "a-very-long-app-secret",
        "u-1"
    ));
    let (status, _) = post(&server, Some("k-2"), &signed).await;
    assert_eq!(status, 202);
    signed["user"]["id"] = json!("u-2");
    let (status, _) = post(&server, Some("k-3"), &signed).await;
    assert_eq!(status, 403, "a hash made for another user");
    server.stop().await;
}

async fn an_outage_delays_a_ticket_which_then_arrives_exactly_once(backend: Backend) {
    let (desk, url) = Desk::start(&[503, 503]).await;
    let server = start_with(backend, to_webhook(url)).await;
    let (status, body) = post(&server, Some("outage-1"), &ticket("During an outage")).await;
    assert_eq!(status, 202);
    let id = body["id"].as_str().unwrap().to_owned();
    // The runtime retries its post too: still one ticket.
    let (_, again) = post(&server, Some("outage-1"), &ticket("During an outage")).await;
    assert_eq!(again["id"], id.as_str());
    wait_for(&server, &id, "delivered").await;
    let statuses: Vec<u16> = desk.log().iter().map(|(_, s)| *s).collect();
    assert_eq!(statuses, vec![503, 503, 200]);
    assert_eq!(desk.successes("outage-1"), 1);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(desk.log().len(), 3, "nothing more after delivery");
    server.stop().await;
}

async fn a_refused_ticket_fails_visibly_and_an_admin_can_requeue_it(backend: Backend) {
    let (desk, url) = Desk::start(&[422]).await;
    let server = start_with(backend, to_webhook(url)).await;
    let (_, body) = post(&server, Some("refused-1"), &ticket("Refused")).await;
    let id = body["id"].as_str().unwrap().to_owned();
    wait_for(&server, &id, "failed").await;
    let (_, failed) = server
        .admin_json(Method::GET, "/v1/apps/demo/inbox?status=failed", None)
        .await;
    assert_eq!(failed[0]["id"], id.as_str());
    assert!(
        failed[0]["last_error"].as_str().unwrap().contains("422"),
        "{failed}"
    );
    assert_eq!(desk.log().len(), 1, "a refusal is not retried");
    let agent = server.token("agent").await;
    let res = server
        .request(Method::POST, &format!("/v1/apps/demo/inbox/{id}/retry"))
        .bearer_auth(&agent)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403, "requeueing is for admins");
    let res = server
        .admin(Method::POST, &format!("/v1/apps/demo/inbox/{id}/retry"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 202);
    wait_for(&server, &id, "delivered").await;
    assert_eq!(desk.successes("refused-1"), 1);
    let res = server
        .admin(Method::POST, &format!("/v1/apps/demo/inbox/{id}/retry"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 409, "only failed tickets are requeued");
    server.stop().await;
}

async fn the_inbox_needs_an_agent_token(backend: Backend) {
    let server = start(backend).await;
    let res = server.get("/v1/apps/demo/inbox").send().await.unwrap();
    assert_eq!(res.status(), 401);
    let agent = server.token("agent").await;
    let res = server
        .get("/v1/apps/demo/inbox")
        .bearer_auth(agent)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_servers_on_one_postgresql_deliver_each_ticket_once() {
    let (desk, url) = Desk::start(&[]).await;
    let a = start_with(Backend::Postgres, to_webhook(url.clone())).await;
    let db = a.database_url.clone();
    let b = start_with(Backend::Postgres, move |c| {
        to_webhook(url)(c);
        c.database_url = db;
    })
    .await;
    let mut ids = Vec::new();
    for i in 0..30 {
        let server = if i % 2 == 0 { &a } else { &b };
        let (status, body) = post(
            server,
            Some(&format!("multi-{i}")),
            &ticket(&format!("Ticket {i}")),
        )
        .await;
        assert_eq!(status, 202);
        ids.push(body["id"].as_str().unwrap().to_owned());
    }
    for id in &ids {
        wait_for(&a, id, "delivered").await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let log = desk.log();
    assert_eq!(
        log.len(),
        30,
        "every ticket delivered once, by one of the two servers"
    );
    for i in 0..30 {
        assert_eq!(desk.successes(&format!("multi-{i}")), 1);
    }
    a.stop().await;
    b.stop().await;
}

/// The value of an unlabelled metric in `/metrics`.
async fn metric(server: &TestServer, name: &str) -> i64 {
    let text = server
        .get("/metrics")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{name} ")))
        .unwrap_or_else(|| panic!("no {name} in /metrics:\n{text}"))
        .trim()
        .parse()
        .unwrap()
}

/// Polls `/metrics` until `name` reads `want` (or 10 s pass).
async fn wait_metric(server: &TestServer, name: &str, want: i64) {
    for _ in 0..200 {
        if metric(server, name).await == want {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{name} never read {want}");
}

async fn an_outage_shows_the_ticket_waiting_with_its_last_error_and_counts_it_in_metrics(
    backend: Backend,
) {
    let (desk, url) = Desk::start(&[503; 6]).await;
    let server = start_with(backend, to_webhook(url)).await;
    let (_, body) = post(&server, Some("wait-1"), &ticket("While the desk is out")).await;
    let id = body["id"].as_str().unwrap().to_owned();
    let waiting = wait_for(&server, &id, "waiting").await;
    assert!(
        waiting["last_error"].as_str().unwrap().contains("503"),
        "{waiting}"
    );
    let (_, listed) = server
        .admin_json(Method::GET, "/v1/apps/demo/inbox?status=waiting", None)
        .await;
    assert_eq!(listed[0]["id"], id.as_str(), "{listed}");
    wait_metric(&server, "waymark_tickets_waiting", 1).await;
    wait_for(&server, &id, "delivered").await;
    wait_metric(&server, "waymark_tickets_waiting", 0).await;
    assert_eq!(
        metric(&server, "waymark_tickets_oldest_wait_seconds").await,
        0
    );
    assert_eq!(desk.successes("wait-1"), 1);
    server.stop().await;
}

async fn a_help_desk_out_past_give_up_after_fails_the_ticket_saying_so(backend: Backend) {
    let (desk, url) = Desk::start(&[503; 1000]).await;
    let server = start_with(backend, move |c| {
        to_webhook(url)(c);
        c.outbox.give_up_after = Duration::from_millis(600);
    })
    .await;
    let (_, body) = post(&server, Some("give-up-1"), &ticket("Never taken")).await;
    let id = body["id"].as_str().unwrap().to_owned();
    let failed = wait_for(&server, &id, "failed").await;
    let error = failed["last_error"].as_str().unwrap();
    assert!(error.starts_with("gave up after"), "{failed}");
    assert!(error.contains("503"), "{failed}");
    assert!(desk.log().len() >= 2, "retried until give_up_after");
    server.stop().await;
}

async fn an_intranet_email_from_the_app_keeps_the_ticket(backend: Backend) {
    let server = start(backend).await;
    let mut t = ticket("From the intranet");
    t["user"]["email"] = json!("root@localhost");
    let (status, body) = post(&server, Some("intranet-1"), &t).await;
    assert_eq!(status, 202, "{body}");
    let id = body["id"].as_str().unwrap().to_owned();
    wait_for(&server, &id, "delivered").await;
    server.stop().await;
}
