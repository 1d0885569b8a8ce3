//! Apps and their allowed origins.

use reqwest::Method;
use serde_json::json;

use crate::harness::{json, start, Backend, TestServer};
use crate::on_both_databases;

on_both_databases!(apps_are_created_with_checked_origins_updated_and_deleted);

async fn catalog_ids(server: &TestServer, app: &str) -> Vec<String> {
    let (_, body) = json(
        server
            .get(&format!("/v1/apps/{app}/guides"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    body["guides"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn apps_are_created_with_checked_origins_updated_and_deleted(backend: Backend) {
    let server = start(backend).await;
    let (status, body) = server.admin_json(Method::POST, "/v1/apps", Some(&json!({"id": "hr", "name": "HR portal", "origins": ["https://HR.example.com", "https://hr.example.com:443/"]}))).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(
        body["origins"],
        json!(["https://hr.example.com"]),
        "normalised and deduplicated"
    );

    let (status, body) = json(
        server
            .admin(Method::POST, "/v1/apps")
            .json(
                &json!({"id": "bad", "origins": ["https://ok.example", "https://x.example/path"]}),
            )
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(body["problems"][0]["path"], "origins[1]", "{body}");
    for (app, why) in [
        (json!({"id": "Bad Id"}), "id"),
        (json!({"id": "hr"}), "taken"),
        (json!({"id": "x", "colour": 1}), "unknown field"),
    ] {
        let (status, body) = server
            .admin_json(Method::POST, "/v1/apps", Some(&app))
            .await;
        assert!(status == 409 || status == 422, "{why}: {status} {body}");
    }
    let (_, apps) = server.admin_json(Method::GET, "/v1/apps", None).await;
    let ids: Vec<&str> = apps
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["demo", "hr"], "the refused apps were not created");

    assert!(catalog_ids(&server, "hr").await.is_empty());
    let (status, body) = server
        .admin_json(
            Method::PUT,
            "/v1/apps/hr",
            Some(&json!({"origins": ["http://localhost:3000"]})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        (body["name"].as_str(), &body["origins"]),
        (Some("HR portal"), &json!(["http://localhost:3000"]))
    );
    let res = server
        .get("/v1/apps/hr/guides")
        .header("origin", "http://localhost:3000")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "a changed origin list applies at once");

    assert_eq!(
        server
            .admin_status(Method::DELETE, "/v1/apps/hr", None)
            .await,
        204
    );
    assert_eq!(
        server
            .get("/v1/apps/hr/guides")
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    let (status, _) = server.admin_json(Method::GET, "/v1/apps/hr", None).await;
    assert_eq!(status, 404);
    server.stop().await;
}
