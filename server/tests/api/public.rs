//! The public endpoints the runtime calls: catalog, events, CORS, rate limits.

use reqwest::Method;
use serde_json::{json, Value};

use crate::harness::{error_of, event, json, start, start_with, Backend};
use crate::on_both_databases;

on_both_databases!(
    catalog_serves_the_published_guides_with_an_etag_and_304_when_unchanged,
    catalog_of_an_unknown_app_is_a_404_that_names_it,
    events_are_stored_once_and_duplicates_are_counted,
    events_sent_as_text_plain_by_send_beacon_are_accepted,
    events_with_bad_input_get_the_right_4xx_and_a_json_reason,
);

async fn catalog_serves_the_published_guides_with_an_etag_and_304_when_unchanged(backend: Backend) {
    let server = start(backend).await;
    let res = server.get("/v1/apps/demo/guides").send().await.unwrap();
    let etag = res.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(res.headers()["cache-control"], "no-cache");
    let (status, body) = json(res).await;
    assert_eq!(status, 200);
    assert_eq!(body["app"], "demo");
    let ids: Vec<&str> = body["guides"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        ["welcome"],
        "the guides folder is published on first run"
    );

    let again = server
        .get("/v1/apps/demo/guides")
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    assert!(again.text().await.unwrap().is_empty());

    // Publishing changes the ETag.
    let guide = crate::harness::tour("second", "Second", 1);
    let res = server
        .admin(Method::POST, "/v1/apps/demo/drafts")
        .json(&guide)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let res = server
        .admin(Method::POST, "/v1/apps/demo/drafts/second/publish")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let changed = server
        .get("/v1/apps/demo/guides")
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 200);
    assert_ne!(changed.headers()["etag"].to_str().unwrap(), etag);
    server.stop().await;
}

async fn catalog_of_an_unknown_app_is_a_404_that_names_it(backend: Backend) {
    let server = start(backend).await;
    let (status, body) = json(server.get("/v1/apps/nope/guides").send().await.unwrap()).await;
    assert_eq!(status, 404);
    assert!(error_of(&body).contains("`nope`"), "{body}");
    let (status, _) = json(
        server
            .post_events("nope", &json!({"events": [event("a.1")]}))
            .await,
    )
    .await;
    assert_eq!(status, 404);
    server.stop().await;
}

async fn events_are_stored_once_and_duplicates_are_counted(backend: Backend) {
    let server = start(backend).await;
    let batch = json!({"user": "u-42", "events": [event("s1.1"), event("s1.2"), event("s1.2")]});
    let (status, body) = json(server.post_events("demo", &batch).await).await;
    assert_eq!(status, 202);
    assert_eq!(
        body,
        json!({"accepted": 2, "duplicates": 1}),
        "a repeat inside the batch is a duplicate"
    );

    let (status, body) = json(server.post_events("demo", &batch).await).await;
    assert_eq!(status, 202);
    assert_eq!(
        body,
        json!({"accepted": 0, "duplicates": 3}),
        "a retried batch stores nothing new"
    );

    let (status, body) = json(
        server
            .post_events("demo", &json!({"user": null, "events": []}))
            .await,
    )
    .await;
    assert_eq!(
        (status, body),
        (202, json!({"accepted": 0, "duplicates": 0}))
    );

    let metrics = server
        .get("/metrics")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("waymark_events_ingested_total 2"),
        "{metrics}"
    );
    assert!(
        metrics.contains("waymark_events_duplicate_total 4"),
        "{metrics}"
    );
    server.stop().await;
}

async fn events_sent_as_text_plain_by_send_beacon_are_accepted(backend: Backend) {
    let server = start(backend).await;
    let res = server
        .request(Method::POST, "/v1/apps/demo/events")
        .header("content-type", "text/plain;charset=UTF-8")
        .header("origin", server.url.clone())
        .body(json!({"user": "u", "events": [event("beacon.1")]}).to_string())
        .send()
        .await
        .unwrap();
    let (status, body) = json(res).await;
    assert_eq!(
        (status, body),
        (202, json!({"accepted": 1, "duplicates": 0}))
    );
    server.stop().await;
}

async fn events_with_bad_input_get_the_right_4xx_and_a_json_reason(backend: Backend) {
    let server = start_with(backend, |c| c.events_max_bytes = 4096).await;
    let post = |body: String, content_type: &'static str| {
        server
            .request(Method::POST, "/v1/apps/demo/events")
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let (status, body) = json(
        post("{\"events\": [".into(), "application/json")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 400);
    assert!(error_of(&body).starts_with("malformed JSON"), "{body}");

    let wrong = json!({"events": [event("ok.1"), {"id": "x.2", "at": "yesterday", "kind": "step_shown", "guide": "g", "version": 1}]});
    let (status, body) = json(post(wrong.to_string(), "application/json").await.unwrap()).await;
    assert_eq!(status, 422);
    assert_eq!(body["problems"][0]["path"], "events[1].at", "{body}");

    let unknown_kind =
        json!({"events": [{"id": "x.3", "at": 1, "kind": "exploded", "guide": "g", "version": 1}]});
    let (status, body) = json(
        post(unknown_kind.to_string(), "application/json")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(body["problems"][0]["path"], "events[0].kind", "{body}");

    let (status, body) = json(
        post(json!({"user": "u"}).to_string(), "application/json")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 422);
    assert!(error_of(&body).contains("events"), "{body}");

    let empty_id =
        json!({"events": [{"id": " ", "at": 1, "kind": "step_shown", "guide": "g", "version": 1}]});
    let (status, body) = json(
        post(empty_id.to_string(), "application/json")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(body["problems"][0]["path"], "events[0].id", "{body}");

    let big: Vec<Value> = (0..200).map(|i| event(&format!("big.{i}"))).collect();
    let (status, body) = json(
        post(json!({"events": big}).to_string(), "application/json")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 413);
    assert!(error_of(&body).contains("4096 bytes"), "{body}");

    let (status, body) = json(
        post("events=1".into(), "application/x-www-form-urlencoded")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 415);
    assert!(error_of(&body).contains("JSON"), "{body}");

    // Nothing of the refused batches was stored.
    let (_, body) = json(
        post(
            json!({"events": [event("ok.1")]}).to_string(),
            "application/json",
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(
        body["accepted"], 1,
        "the event of the 422 batch was not stored: {body}"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn more_than_500_events_in_a_batch_is_413_naming_the_limit() {
    let server = start(Backend::Sqlite).await;
    let events: Vec<Value> = (0..501).map(|i| event(&format!("n.{i}"))).collect();
    let (status, body) = json(server.post_events("demo", &json!({"events": events})).await).await;
    assert_eq!(status, 413);
    assert!(error_of(&body).contains("at most 500 events"), "{body}");
    server.stop().await;
}
