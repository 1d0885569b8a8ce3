//! Bad authoring input: each gets the right 4xx, a JSON reason, and writes nothing.

use reqwest::Method;
use serde_json::json;

use crate::harness::{error_of, json, start, tour, Backend, TestServer};
use crate::on_both_databases;

on_both_databases!(
    an_invalid_guide_is_refused_with_every_problem_by_path_and_nothing_is_saved,
    bad_authoring_requests_get_the_right_4xx,
);

async fn draft_ids(server: &TestServer) -> Vec<String> {
    let (_, body) = server
        .admin_json(Method::GET, "/v1/apps/demo/drafts", None)
        .await;
    body.as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn an_invalid_guide_is_refused_with_every_problem_by_path_and_nothing_is_saved(
    backend: Backend,
) {
    let server = start(backend).await;
    let mut guide = tour("broken", "Broken", 1);
    guide["steps"][0]["target"]["css"][0] = json!("");
    guide["stuck_after_s"] = json!(1);
    let (status, body) = server
        .admin_json(Method::POST, "/v1/apps/demo/drafts", Some(&guide))
        .await;
    assert_eq!(status, 422, "{body}");
    let paths: Vec<&str> = body["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["path"].as_str().unwrap())
        .collect();
    assert!(paths.contains(&"steps[0].target.css[0]"), "{body}");
    assert!(paths.contains(&"stuck_after_s"), "{body}");
    assert!(body["problems"][0]["message"]
        .as_str()
        .is_some_and(|m| !m.is_empty()));

    let mut typed_wrong = tour("broken", "Broken", 1);
    typed_wrong["steps"] = json!("not a list");
    let (status, body) = server
        .admin_json(Method::POST, "/v1/apps/demo/drafts", Some(&typed_wrong))
        .await;
    assert_eq!(status, 422);
    assert_eq!(body["problems"][0]["path"], "steps", "{body}");

    assert_eq!(
        draft_ids(&server).await,
        ["welcome"],
        "nothing of the refused guides was saved"
    );

    let (status, body) = server
        .admin_json(Method::POST, "/v1/validate", Some(&guide))
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["valid"], false);
    assert!(body["problems"].as_array().unwrap().len() >= 2);
    server.stop().await;
}

async fn bad_authoring_requests_get_the_right_4xx(backend: Backend) {
    let server = start_small(backend).await;
    let post = |body: String| {
        server
            .admin(Method::POST, "/v1/apps/demo/drafts")
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let (status, body) = json(post("{\"schema\": 1,".into()).await.unwrap()).await;
    assert_eq!(status, 400);
    assert!(error_of(&body).starts_with("malformed JSON"), "{body}");
    let (status, _) = json(post(String::new()).await.unwrap()).await;
    assert_eq!(status, 400);
    let mut huge = tour("huge", "Huge", 1);
    huge["description"] = json!("x".repeat(5000));
    let (status, body) = json(post(huge.to_string()).await.unwrap()).await;
    assert_eq!(status, 413, "{body}");

    let (status, body) = server
        .admin_json(
            Method::PUT,
            "/v1/apps/demo/drafts/other-id",
            Some(&tour("welcome", "W", 1)),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(body["problems"][0]["path"], "id", "{body}");

    let (status, body) = server
        .admin_json(
            Method::POST,
            "/v1/apps/nope/drafts",
            Some(&tour("x", "X", 1)),
        )
        .await;
    assert_eq!(status, 404);
    assert!(error_of(&body).contains("`nope`"));

    let (status, body) = server
        .admin_json(
            Method::POST,
            "/v1/apps/demo/drafts/welcome/rollback",
            Some(&json!({"version": "one"})),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(body["problems"][0]["path"], "version", "{body}");
    let (status, _) = server
        .admin_json(
            Method::POST,
            "/v1/apps/demo/drafts/welcome/rollback",
            Some(&json!({"version": 99})),
        )
        .await;
    assert_eq!(status, 404);
    let (status, _) = server
        .admin_json(
            Method::GET,
            "/v1/apps/demo/drafts/welcome/versions/first",
            None,
        )
        .await;
    assert_eq!(status, 400);
    let (status, _) = server
        .admin_json(Method::POST, "/v1/apps/demo/drafts/ghost/publish", None)
        .await;
    assert_eq!(status, 404);
    server.stop().await;
}

async fn start_small(backend: Backend) -> TestServer {
    crate::harness::start_with(backend, |c| c.body_max_bytes = 2048).await
}
