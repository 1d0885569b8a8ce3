//! The `waymark` binary as an operator runs it: `serve` (start-up lines, logs,
//! SIGTERM), `token create`, `export` and `import`.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::{Child, Command};

fn waymark() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_waymark"));
    command
        .env_remove("WAYMARK_ADMIN_TOKEN")
        .env_remove("WAYMARK_DATABASE_URL");
    command
}

fn guides_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../guides")
}

struct Served {
    child: Child,
    url: String,
    stdout: Vec<String>,
}

/// Starts `waymark serve` on a free port and reads its start-up lines.
async fn serve(db: &str, env: &[(&str, &str)]) -> Served {
    let www = tempfile::tempdir().unwrap();
    let mut command = waymark();
    command
        .args(["serve", "--addr", "127.0.0.1:0", "--guides"])
        .arg(guides_dir())
        .env("WAYMARK_DATABASE_URL", db)
        .env("WAYMARK_WWW_DIR", www.path())
        .env("RUST_LOG", "debug")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    for (key, value) in env {
        command.env(key, value);
    }
    let mut child = command.spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut stdout = Vec::new();
    while stdout.len() < 4 {
        let line = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
            .await
            .expect("start-up lines within 30 s")
            .unwrap()
            .expect("the server printed its start-up lines");
        stdout.push(line);
    }
    let url = stdout[0]
        .strip_prefix("Waymark demo: ")
        .and_then(|rest| rest.strip_suffix("/demo/"))
        .unwrap_or_else(|| panic!("first line: {}", stdout[0]))
        .to_owned();
    Served { child, url, stdout }
}

/// SIGTERM, then the exit status and everything logged.
async fn terminate(mut served: Served) -> (i32, String) {
    let pid = served.child.id().unwrap() as i32;
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
    let status = tokio::time::timeout(Duration::from_secs(15), served.child.wait())
        .await
        .expect("stops within 15 s of SIGTERM")
        .unwrap();
    let mut logs = String::new();
    served
        .child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut logs)
        .await
        .unwrap();
    (status.code().unwrap_or(-1), logs)
}

#[tokio::test]
async fn serve_prints_its_urls_and_a_first_admin_token_and_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/w.db", dir.path().display());
    let served = serve(&db, &[]).await;
    assert!(
        served.stdout[1].starts_with("Waymark editor: http://127.0.0.1:"),
        "{:?}",
        served.stdout
    );
    assert!(
        served.stdout[2].contains("/v1/openapi.json"),
        "{:?}",
        served.stdout
    );
    let token = served.stdout[3]
        .strip_prefix("Admin token: ")
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap()
        .to_owned();
    assert!(token.starts_with("wmk_"), "{:?}", served.stdout);

    let client = reqwest::Client::new();
    let res = client
        .get(format!("{}/v1/apps", served.url))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let catalog: Value = client
        .get(format!("{}/v1/apps/demo/guides", served.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        catalog["guides"].as_array().unwrap().len() >= 4,
        "the repository's guides are published"
    );
    let (code, logs) = terminate(served).await;
    assert_eq!(code, 0, "{logs}");
    assert!(logs.contains("stopped"), "{logs}");

    // A second start on the same database makes no new admin token.
    let again = serve(&db, &[]).await;
    assert!(!again.stdout[3].contains("wmk_"), "{:?}", again.stdout);
    terminate(again).await;
}

#[tokio::test]
async fn no_token_ever_appears_in_the_logs() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/w.db", dir.path().display());
    let admin = "wmk_from_env_0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    let served = serve(&db, &[("WAYMARK_ADMIN_TOKEN", admin)]).await;
    assert!(
        !served.stdout.join("\n").contains(admin),
        "the configured token is not printed"
    );
    let client = reqwest::Client::new();
    let url = &served.url;
    let created: Value = client
        .post(format!("{url}/v1/tokens"))
        .bearer_auth(admin)
        .json(&json!({"name": "agent for the log test", "role": "agent"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let agent = created["token"].as_str().unwrap().to_owned();
    let wrong = "wmk_wrong_token_that_must_not_be_logged_000000";
    for token in [admin, agent.as_str(), wrong] {
        client
            .get(format!("{url}/v1/apps/demo/drafts"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        client
            .get(format!("{url}/v1/tokens"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        client
            .get(format!("{url}/v1/apps/demo/guides?token={token}"))
            .send()
            .await
            .unwrap();
        client
            .post(format!("{url}/v1/apps/demo/drafts"))
            .bearer_auth(token)
            .body("{not json")
            .send()
            .await
            .unwrap();
    }
    let (code, logs) = terminate(served).await;
    assert_eq!(code, 0);
    assert!(
        logs.contains("token created"),
        "the log does say what happened:\n{logs}"
    );
    for secret in [admin, agent.as_str(), wrong] {
        assert!(!logs.contains(secret), "a token is in the log:\n{logs}");
        assert!(
            !logs.contains(&secret[4..]),
            "part of a token is in the log:\n{logs}"
        );
    }
}

#[tokio::test]
async fn token_create_export_and_import_work_on_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let first = format!("sqlite://{}/first.db", dir.path().display());
    let second = format!("sqlite://{}/second.db", dir.path().display());

    let out = waymark()
        .args([
            "token",
            "create",
            "--role",
            "admin",
            "--name",
            "ci",
            "--database-url",
            &first,
        ])
        .output()
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    assert!(token.starts_with("wmk_"));

    // Start once so the first database has the demo app and guides, and check the token.
    let served = serve(&first, &[]).await;
    let client = reqwest::Client::new();
    let res = client
        .get(format!("{}/v1/tokens", served.url))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "the token made by the command works");
    terminate(served).await;

    let bundle = dir.path().join("bundle.json");
    let out = waymark()
        .args(["export", "--database-url", &first, "-o"])
        .arg(&bundle)
        .output()
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let exported: Value = serde_json::from_str(&std::fs::read_to_string(&bundle).unwrap()).unwrap();
    assert_eq!(exported["apps"][0]["id"], "demo");

    let out = waymark()
        .args(["import", "--database-url", &second])
        .arg(&bundle)
        .output()
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("1 app(s) created"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = waymark()
        .args(["export", "--database-url", &second])
        .output()
        .await
        .unwrap();
    let mut reexported: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut original = exported.clone();
    reexported["exported_at"] = Value::Null;
    original["exported_at"] = Value::Null;
    assert_eq!(reexported, original, "a bundle survives a round trip");

    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, r#"{"waymark_bundle": 1, "apps": [{"id": "x", "guides": [{"id": "g", "draft": {"schema": 1}}]}]}"#).unwrap();
    let out = waymark()
        .args(["import", "--database-url", &second])
        .arg(&broken)
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("apps[0].guides[0].draft"), "{stderr}");
}
