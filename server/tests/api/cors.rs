//! Who may call the public endpoints: CORS for the app's origins, and rate limits.

use reqwest::Method;
use serde_json::json;

use crate::harness::{error_of, event, json, start, start_with, Backend};
use crate::on_both_databases;

on_both_databases!(
    an_allowed_origin_gets_cors_headers_and_others_get_403,
    a_preflight_is_answered_only_for_allowed_origins,
    rate_limits_answer_429_with_retry_after_per_ip_and_per_app,
);

async fn an_allowed_origin_gets_cors_headers_and_others_get_403(backend: Backend) {
    let server = start(backend).await;
    let res = server
        .admin(Method::PUT, "/v1/apps/demo")
        .json(&json!({"origins": ["https://purchasing.example.com"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    let res = server
        .get("/v1/apps/demo/guides")
        .header("origin", "https://purchasing.example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["access-control-allow-origin"],
        "https://purchasing.example.com"
    );
    assert_eq!(res.headers()["vary"], "Origin");

    let own = server
        .get("/v1/apps/demo/guides")
        .header("origin", server.url.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(
        own.status(),
        200,
        "the server's own origin is always allowed"
    );

    let res = server
        .get("/v1/apps/demo/guides")
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert!(res.headers().get("access-control-allow-origin").is_none());
    let (status, body) = json(res).await;
    assert_eq!(status, 403);
    assert!(error_of(&body).contains("https://evil.example"), "{body}");

    let (status, _) = json(
        server
            .request(Method::POST, "/v1/apps/demo/events")
            .header("origin", "https://evil.example")
            .header("content-type", "text/plain")
            .body(json!({"events": [event("evil.1")]}).to_string())
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 403);

    // Authoring endpoints never answer with CORS headers.
    let res = server
        .admin(Method::GET, "/v1/apps")
        .header("origin", "https://purchasing.example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers().get("access-control-allow-origin").is_none());
    server.stop().await;
}

async fn a_preflight_is_answered_only_for_allowed_origins(backend: Backend) {
    let server = start(backend).await;
    server
        .admin_status(
            Method::PUT,
            "/v1/apps/demo",
            Some(&json!({"origins": ["https://purchasing.example.com"]})),
        )
        .await;
    let preflight = |origin: &'static str| {
        server
            .request(Method::OPTIONS, "/v1/apps/demo/events")
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type")
            .send()
    };
    let res = preflight("https://purchasing.example.com").await.unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(
        res.headers()["access-control-allow-origin"],
        "https://purchasing.example.com"
    );
    assert!(res.headers()["access-control-allow-methods"]
        .to_str()
        .unwrap()
        .contains("POST"));
    assert!(res.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .contains("content-type"));
    let res = preflight("https://evil.example").await.unwrap();
    assert_eq!(res.status(), 403);
    assert!(res.headers().get("access-control-allow-origin").is_none());
    server.stop().await;
}

async fn rate_limits_answer_429_with_retry_after_per_ip_and_per_app(backend: Backend) {
    let server = start_with(backend, |c| {
        c.rate_limit_ip_per_s = 1;
        c.rate_limit_ip_burst = 3;
    })
    .await;
    for _ in 0..3 {
        assert_eq!(
            server
                .get("/v1/apps/demo/guides")
                .send()
                .await
                .unwrap()
                .status(),
            200
        );
    }
    let res = server
        .get("/v1/apps/demo/guides")
        .header("origin", server.url.clone())
        .send()
        .await
        .unwrap();
    let retry: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry >= 1);
    assert!(
        res.headers().get("access-control-allow-origin").is_some(),
        "the runtime can read the 429"
    );
    let (status, body) = json(res).await;
    assert_eq!(status, 429);
    assert!(error_of(&body).contains("retry in"), "{body}");
    // Authoring endpoints are not rate-limited this way.
    assert_eq!(
        server.admin_status(Method::GET, "/v1/apps", None).await,
        200
    );
    server.stop().await;

    let server = start_with(backend, |c| {
        c.rate_limit_app_per_s = 1;
        c.rate_limit_app_burst = 2;
    })
    .await;
    for _ in 0..2 {
        assert_eq!(
            server
                .post_events("demo", &json!({"events": []}))
                .await
                .status(),
            202
        );
    }
    let res = server.post_events("demo", &json!({"events": []})).await;
    assert_eq!(res.status(), 429);
    assert!(res.headers().contains_key("retry-after"));
    let metrics = server
        .get("/metrics")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("waymark_rate_limited_total{scope=\"app\"} 1"),
        "{metrics}"
    );
    server.stop().await;
}
