//! Drafts, publishing, versions and roll back.

use reqwest::Method;
use serde_json::{json, Value};

use crate::harness::{checklist, error_of, json, start, tour, Backend, TestServer};
use crate::on_both_databases;

on_both_databases!(
    a_draft_is_created_read_replaced_and_deleted,
    publishing_makes_immutable_versions_and_roll_back_publishes_old_content_anew,
    a_checklist_naming_a_missing_guide_cannot_be_published_or_orphaned,
);

async fn drafts(server: &TestServer) -> Vec<Value> {
    let (status, body) = server
        .admin_json(Method::GET, "/v1/apps/demo/drafts", None)
        .await;
    assert_eq!(status, 200);
    body.as_array().unwrap().clone()
}

async fn catalog_ids(server: &TestServer, app: &str) -> Vec<(String, u64)> {
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
        .map(|g| {
            (
                g["id"].as_str().unwrap().to_owned(),
                g["version"].as_u64().unwrap(),
            )
        })
        .collect()
}

async fn a_draft_is_created_read_replaced_and_deleted(backend: Backend) {
    let server = start(backend).await;
    let guide = tour("expenses", "Claim expenses", 1);
    let (status, body) = server
        .admin_json(Method::POST, "/v1/apps/demo/drafts", Some(&guide))
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["id"], "expenses");
    assert_eq!(body["live_version"], Value::Null);
    assert_eq!(body["guide"]["title"], "Claim expenses");
    assert!(
        body["updated_by"].as_str().unwrap().contains("admin"),
        "{body}"
    );

    let (status, body) = server
        .admin_json(Method::POST, "/v1/apps/demo/drafts", Some(&guide))
        .await;
    assert_eq!(status, 409, "creating twice: {body}");

    let changed = tour("expenses", "Claim your expenses", 1);
    let (status, body) = server
        .admin_json(Method::PUT, "/v1/apps/demo/drafts/expenses", Some(&changed))
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["guide"]["title"], "Claim your expenses");
    let (status, _) = server
        .admin_json(
            Method::PUT,
            "/v1/apps/demo/drafts/holidays",
            Some(&tour("holidays", "Holidays", 1)),
        )
        .await;
    assert_eq!(status, 201, "PUT creates a missing guide");

    let (status, body) = server
        .admin_json(Method::GET, "/v1/apps/demo/drafts/expenses", None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["guide"]["title"], "Claim your expenses");
    assert_eq!(
        drafts(&server).await.len(),
        3,
        "welcome from the folder, expenses, holidays"
    );

    assert_eq!(
        server
            .admin_status(Method::DELETE, "/v1/apps/demo/drafts/expenses", None)
            .await,
        204
    );
    let (status, _) = server
        .admin_json(Method::GET, "/v1/apps/demo/drafts/expenses", None)
        .await;
    assert_eq!(status, 404);
    let (status, _) = server
        .admin_json(Method::DELETE, "/v1/apps/demo/drafts/expenses", None)
        .await;
    assert_eq!(status, 404);
    server.stop().await;
}

async fn publishing_makes_immutable_versions_and_roll_back_publishes_old_content_anew(
    backend: Backend,
) {
    let server = start(backend).await;
    let publish = |id: &'static str| {
        server
            .admin(Method::POST, &format!("/v1/apps/demo/drafts/{id}/publish"))
            .send()
    };
    server
        .admin_status(
            Method::POST,
            "/v1/apps/demo/drafts",
            Some(&tour("orders", "Orders v1", 1)),
        )
        .await;
    let (status, body) = json(publish("orders").await.unwrap()).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["version"], 1);
    assert_eq!(body["guide"]["version"], 1);

    server
        .admin_status(
            Method::PUT,
            "/v1/apps/demo/drafts/orders",
            Some(&tour("orders", "Orders v2", 1)),
        )
        .await;
    assert!(
        catalog_ids(&server, "demo")
            .await
            .contains(&("orders".into(), 1)),
        "drafts are not live"
    );
    let (_, body) = server
        .admin_json(
            Method::POST,
            "/v1/apps/demo/drafts/orders/publish",
            Some(&json!({"note": "clearer title"})),
        )
        .await;
    assert_eq!(
        body["version"], 2,
        "the draft said 1, but numbers only grow"
    );
    assert_eq!(body["note"], "clearer title");
    assert!(catalog_ids(&server, "demo")
        .await
        .contains(&("orders".into(), 2)));

    let (status, body) = server
        .admin_json(
            Method::POST,
            "/v1/apps/demo/drafts/orders/rollback",
            Some(&json!({"version": 1})),
        )
        .await;
    assert_eq!(status, 201);
    assert_eq!(body["version"], 3);
    assert_eq!(body["guide"]["title"], "Orders v1");
    let (_, catalog) = json(server.get("/v1/apps/demo/guides").send().await.unwrap()).await;
    let live = catalog["guides"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["id"] == "orders")
        .unwrap();
    assert_eq!(
        (live["title"].as_str(), live["version"].as_u64()),
        (Some("Orders v1"), Some(3))
    );

    let (_, versions) = server
        .admin_json(Method::GET, "/v1/apps/demo/drafts/orders/versions", None)
        .await;
    let numbers: Vec<u64> = versions
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, [3, 2, 1]);
    assert!(versions[0].get("guide").is_none(), "lists carry no bodies");
    let (_, v2) = server
        .admin_json(Method::GET, "/v1/apps/demo/drafts/orders/versions/2", None)
        .await;
    assert_eq!(
        v2["guide"]["title"], "Orders v2",
        "version 2 is unchanged by the roll back"
    );
    let (_, draft) = server
        .admin_json(Method::GET, "/v1/apps/demo/drafts/orders", None)
        .await;
    assert_eq!(
        (
            draft["guide"]["title"].as_str(),
            draft["live_version"].as_u64()
        ),
        (Some("Orders v2"), Some(3))
    );
    server.stop().await;
}

async fn a_checklist_naming_a_missing_guide_cannot_be_published_or_orphaned(backend: Backend) {
    let server = start(backend).await;
    let save = |g: Value| {
        server
            .admin(Method::POST, "/v1/apps/demo/drafts")
            .json(&g)
            .send()
    };
    save(checklist("start-here", &["welcome", "unpublished"]))
        .await
        .unwrap();
    save(tour("unpublished", "Not yet", 1)).await.unwrap();
    let before = catalog_ids(&server, "demo").await;
    let (status, body) = server
        .admin_json(
            Method::POST,
            "/v1/apps/demo/drafts/start-here/publish",
            None,
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body["problems"][0]["path"]
            .as_str()
            .unwrap()
            .starts_with("items[1]"),
        "{body}"
    );
    assert_eq!(
        catalog_ids(&server, "demo").await,
        before,
        "nothing was published"
    );
    let (_, versions) = server
        .admin_json(
            Method::GET,
            "/v1/apps/demo/drafts/start-here/versions",
            None,
        )
        .await;
    assert_eq!(versions, json!([]), "no version was written");

    server
        .admin_status(
            Method::POST,
            "/v1/apps/demo/drafts/unpublished/publish",
            None,
        )
        .await;
    let (status, _) = server
        .admin_json(
            Method::POST,
            "/v1/apps/demo/drafts/start-here/publish",
            None,
        )
        .await;
    assert_eq!(status, 201);
    let (status, body) = server
        .admin_json(Method::DELETE, "/v1/apps/demo/drafts/welcome", None)
        .await;
    assert_eq!(status, 409, "{body}");
    assert!(error_of(&body).contains("start-here"), "{body}");
    assert!(catalog_ids(&server, "demo")
        .await
        .iter()
        .any(|(id, _)| id == "welcome"));
    server.stop().await;
}
