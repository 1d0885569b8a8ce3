//! Bearer tokens and roles on the authoring and admin endpoints.

use reqwest::Method;
use serde_json::json;

use crate::harness::{error_of, json, start, Backend, ADMIN_TOKEN};
use crate::on_both_databases;

on_both_databases!(
    a_missing_or_wrong_token_is_401_with_a_bearer_challenge,
    an_agent_may_author_guides_but_not_manage_apps_or_tokens,
    a_revoked_token_stops_working_and_the_last_admin_cannot_be_revoked,
    token_lists_never_show_a_token_or_its_hash,
);

async fn a_missing_or_wrong_token_is_401_with_a_bearer_challenge(backend: Backend) {
    let server = start(backend).await;
    let res = server.get("/v1/apps/demo/drafts").send().await.unwrap();
    assert_eq!(res.headers()["www-authenticate"], "Bearer");
    let (status, body) = json(res).await;
    assert_eq!(status, 401);
    assert!(error_of(&body).contains("Authorization: Bearer"), "{body}");

    let res = server
        .get("/v1/apps/demo/drafts")
        .bearer_auth("wmk_not_a_real_token")
        .send()
        .await
        .unwrap();
    let (status, body) = json(res).await;
    assert_eq!(status, 401);
    assert!(error_of(&body).contains("not valid"), "{body}");
    assert!(
        !body.to_string().contains("wmk_not_a_real_token"),
        "the token is not echoed"
    );

    let res = server
        .get("/v1/apps/demo/drafts")
        .header("authorization", format!("Basic {ADMIN_TOKEN}"))
        .send()
        .await
        .unwrap();
    let (status, body) = json(res).await;
    assert_eq!(status, 401);
    assert!(error_of(&body).contains("Bearer scheme"), "{body}");
    server.stop().await;
}

async fn an_agent_may_author_guides_but_not_manage_apps_or_tokens(backend: Backend) {
    let server = start(backend).await;
    let agent = server.token("agent").await;
    let as_agent = |method: Method, path: &str| server.request(method, path).bearer_auth(&agent);

    assert_eq!(
        as_agent(Method::GET, "/v1/apps/demo/drafts")
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        as_agent(Method::GET, "/v1/apps")
            .send()
            .await
            .unwrap()
            .status(),
        200,
        "agents may read apps"
    );
    let res = as_agent(Method::POST, "/v1/apps/demo/drafts")
        .json(&crate::harness::tour("agent-made", "By an agent", 1))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);

    for (method, path, body) in [
        (Method::GET, "/v1/tokens", None),
        (
            Method::POST,
            "/v1/tokens",
            Some(json!({"name": "x", "role": "admin"})),
        ),
        (Method::POST, "/v1/apps", Some(json!({"id": "other"}))),
        (Method::PUT, "/v1/apps/demo", Some(json!({"origins": []}))),
        (Method::DELETE, "/v1/apps/demo", None),
        (
            Method::POST,
            "/v1/bundle",
            Some(json!({"waymark_bundle": 1, "apps": []})),
        ),
    ] {
        let mut request = as_agent(method.clone(), path);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let (status, body) = json(request.send().await.unwrap()).await;
        assert_eq!(status, 403, "{method} {path}: {body}");
        assert!(error_of(&body).contains("admin role"), "{body}");
    }
    server.stop().await;
}

async fn a_revoked_token_stops_working_and_the_last_admin_cannot_be_revoked(backend: Backend) {
    let server = start(backend).await;
    let agent = server.token("agent").await;
    let (_, tokens) = server.admin_json(Method::GET, "/v1/tokens", None).await;
    let agent_id = tokens
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["role"] == "agent")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = server
        .admin(Method::DELETE, &format!("/v1/tokens/{agent_id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let res = server
        .get("/v1/apps/demo/drafts")
        .bearer_auth(&agent)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);

    let admin_id = tokens
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["role"] == "admin")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, body) = server
        .admin_json(Method::DELETE, &format!("/v1/tokens/{admin_id}"), None)
        .await;
    assert_eq!(status, 409);
    assert!(error_of(&body).contains("last live admin"), "{body}");
    let (status, _) = server
        .admin_json(Method::DELETE, "/v1/tokens/tok_nope", None)
        .await;
    assert_eq!(status, 404);
    server.stop().await;
}

async fn token_lists_never_show_a_token_or_its_hash(backend: Backend) {
    let server = start(backend).await;
    let agent = server.token("agent").await;
    let text = server
        .admin(Method::GET, "/v1/tokens")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !text.contains(&agent) && !text.contains(ADMIN_TOKEN),
        "{text}"
    );
    assert!(
        !text.contains(&waymark_server::tokens::hash(&agent)),
        "{text}"
    );
    let (status, body) = server
        .admin_json(
            Method::POST,
            "/v1/tokens",
            Some(&json!({"name": "x", "role": "root"})),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(body["problems"][0]["path"], "role", "{body}");
    server.stop().await;
}
