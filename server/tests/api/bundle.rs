//! Import and export of bundles over the API.

use reqwest::Method;
use serde_json::{json, Value};

use crate::harness::{start, tour, Backend};
use crate::on_both_databases;

on_both_databases!(
    an_exported_bundle_imports_into_another_server_with_the_same_guides,
    an_import_with_any_problem_writes_nothing,
);

async fn an_exported_bundle_imports_into_another_server_with_the_same_guides(backend: Backend) {
    let source = start(backend).await;
    // An app with a guide published twice, then changed again in a draft.
    let steps = [
        (
            Method::POST,
            "/v1/apps",
            Some(json!({"id": "hr", "origins": ["https://hr.example.com"]})),
        ),
        (
            Method::POST,
            "/v1/apps/hr/drafts",
            Some(tour("leave", "Request leave", 1)),
        ),
        (Method::POST, "/v1/apps/hr/drafts/leave/publish", None),
        (
            Method::PUT,
            "/v1/apps/hr/drafts/leave",
            Some(tour("leave", "Request leave (new)", 1)),
        ),
        (Method::POST, "/v1/apps/hr/drafts/leave/publish", None),
        (
            Method::PUT,
            "/v1/apps/hr/drafts/leave",
            Some(tour("leave", "Draft in progress", 1)),
        ),
    ];
    for (method, path, body) in steps {
        let status = source
            .admin_status(method.clone(), path, body.as_ref())
            .await;
        assert!((200..300).contains(&status), "{method} {path}: {status}");
    }

    let (status, bundle) = source.admin_json(Method::GET, "/v1/bundle", None).await;
    assert_eq!(status, 200);
    assert_eq!(bundle["waymark_bundle"], 1);
    let (_, only_hr) = source
        .admin_json(Method::GET, "/v1/bundle?app=hr", None)
        .await;
    assert_eq!(only_hr["apps"].as_array().unwrap().len(), 1);
    let source_catalog = source
        .get("/v1/apps/hr/guides")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    source.stop().await;

    let target = start(backend).await;
    let (status, report) = target
        .admin_json(Method::POST, "/v1/bundle", Some(&bundle))
        .await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(
        report["apps_created"], 1,
        "demo exists; hr is new: {report}"
    );
    assert_eq!(report["versions_imported"], 2, "{report}");
    assert_eq!(
        report["versions_unchanged"], 1,
        "welcome v1 is the same on both: {report}"
    );
    let target_catalog = target
        .get("/v1/apps/hr/guides")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(target_catalog, source_catalog);
    let (_, draft) = target
        .admin_json(Method::GET, "/v1/apps/hr/drafts/leave", None)
        .await;
    assert_eq!(draft["guide"]["title"], "Draft in progress");
    let (_, app) = target.admin_json(Method::GET, "/v1/apps/hr", None).await;
    assert_eq!(app["origins"], json!(["https://hr.example.com"]));

    let (status, again) = target
        .admin_json(Method::POST, "/v1/bundle", Some(&bundle))
        .await;
    assert_eq!(status, 200, "importing twice is harmless");
    assert_eq!(again["versions_imported"], 0);
    target.stop().await;
}

async fn an_import_with_any_problem_writes_nothing(backend: Backend) {
    let server = start(backend).await;
    let mut broken = tour("two", "Two", 1);
    broken["steps"][0]["title"] = json!("");
    let bundle = json!({"waymark_bundle": 1, "apps": [
        {"id": "new-app", "guides": [{"id": "one", "draft": tour("one", "One", 1)}]},
        {"id": "demo", "guides": [{"id": "two", "versions": [{"version": 1, "guide": broken}]}]}
    ]});
    let (status, body) = server
        .admin_json(Method::POST, "/v1/bundle", Some(&bundle))
        .await;
    assert_eq!(status, 422, "{body}");
    let path = body["problems"][0]["path"].as_str().unwrap();
    assert!(
        path.starts_with("apps[1].guides[0].versions[0].guide.steps[0]"),
        "{body}"
    );
    let (status, _) = server
        .admin_json(Method::GET, "/v1/apps/new-app", None)
        .await;
    assert_eq!(status, 404, "the valid first app was not created either");

    // welcome version 1 exists with other content: versions never change.
    let conflicting = json!({"waymark_bundle": 1, "apps": [
        {"id": "fresh", "guides": [{"id": "x", "draft": tour("x", "X", 1)}]},
        {"id": "demo", "guides": [{"id": "welcome", "versions": [{"version": 1, "guide": tour("welcome", "Changed", 1)}]}]}
    ]});
    let (status, body) = server
        .admin_json(Method::POST, "/v1/bundle", Some(&conflicting))
        .await;
    assert_eq!(status, 409, "{body}");
    let (status, _) = server.admin_json(Method::GET, "/v1/apps/fresh", None).await;
    assert_eq!(status, 404, "rolled back");

    let (status, body) = server
        .admin_json(Method::POST, "/v1/bundle", Some(&json!({"apps": []})))
        .await;
    assert_eq!(status, 422);
    assert!(
        body["error"].as_str().unwrap().contains("waymark_bundle"),
        "{body}"
    );
    let unchanged: Value = server
        .get("/v1/apps/demo/guides")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(unchanged["guides"][0]["title"], "Welcome");
    server.stop().await;
}
