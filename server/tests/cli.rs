//! `waymark validate` as a user runs it: the built binary on a folder of guide files.

use std::process::{Command, Output};

const GOOD: &str = r##"{"schema":1,"id":"welcome","kind":"tour","title":"Welcome","version":1,
  "match":{"urls":["/**"]},
  "steps":[{"id":"a","title":"Hello","body":"Welcome to the app.","target":{"css":["#main"]}}]}"##;

/// A tour whose only step targets an empty CSS selector.
const BROKEN: &str = r#"{"schema":1,"id":"x","kind":"tour","title":"X","version":1,"match":{"urls":["/**"]},"steps":[{"id":"a","title":"A","body":"","target":{"css":[""]}}]}"#;

fn waymark(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_waymark"))
        .args(args)
        .output()
        .expect("run the waymark binary")
}

#[test]
fn validate_names_the_broken_file_and_the_json_path() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("welcome.json"), GOOD).unwrap();
    std::fs::write(dir.path().join("broken.json"), BROKEN).unwrap();
    // Not a guide: the exported schema is skipped when a folder is searched.
    std::fs::write(dir.path().join("schema.json"), "{}").unwrap();

    let out = waymark(&["validate".as_ref(), dir.path().as_os_str()]);
    let stderr = String::from_utf8_lossy(&out.stderr);

    assert_eq!(out.status.code(), Some(1), "stderr:\n{stderr}");
    let line = stderr
        .lines()
        .find(|line| line.contains("steps[0].target.css[0]"))
        .unwrap_or_else(|| panic!("no problem at steps[0].target.css[0] in:\n{stderr}"));
    assert!(
        line.contains("broken.json: steps[0].target.css[0]"),
        "{line}"
    );
    assert!(
        !stderr.contains("welcome.json"),
        "the good guide has no problem:\n{stderr}"
    );
    assert!(
        !stderr.contains("schema.json"),
        "schema.json is not a guide:\n{stderr}"
    );
    assert!(
        stderr.contains("2 guides checked") && stderr.contains("in 1 file"),
        "summary:\n{stderr}"
    );
}

#[test]
fn validate_passes_good_guides() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("welcome.json");
    std::fs::write(&file, GOOD).unwrap();

    let out = waymark(&["validate".as_ref(), file.as_os_str()]);

    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "1 guide OK");
}

#[test]
fn validate_reports_a_missing_path_as_an_io_error() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nowhere");

    let out = waymark(&["validate".as_ref(), missing.as_os_str()]);
    let stderr = String::from_utf8_lossy(&out.stderr);

    assert_eq!(out.status.code(), Some(2), "stderr:\n{stderr}");
    assert!(stderr.contains("nowhere"), "names the path:\n{stderr}");
}

#[test]
fn validate_reports_json_syntax_errors_with_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("typo.json");
    std::fs::write(&file, "{\n  \"schema\": 1,\n  oops\n}").unwrap();

    let out = waymark(&["validate".as_ref(), file.as_os_str()]);
    let stderr = String::from_utf8_lossy(&out.stderr);

    assert_eq!(out.status.code(), Some(1), "stderr:\n{stderr}");
    assert!(stderr.contains("typo.json: "), "names the file:\n{stderr}");
    assert!(
        stderr.to_lowercase().contains("line 3"),
        "says the line:\n{stderr}"
    );
}

/// `waymark demo-data` on a fresh SQLite file, with the repository's guides.
fn demo_data(db: &std::path::Path, seed: &str) -> Output {
    let guides = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../guides");
    Command::new(env!("CARGO_BIN_EXE_waymark"))
        .args(["demo-data", "--users", "30", "--days", "7", "--seed", seed])
        .arg("--database-url")
        .arg(format!("sqlite://{}", db.display()))
        .env("WAYMARK_GUIDES_DIR", guides)
        .env_remove("WAYMARK_DATABASE_URL")
        .env_remove("WAYMARK_CONFIG")
        .output()
        .expect("run the waymark binary")
}

/// Users marked for an Insights rollup refresh, and help sessions in the rollup of
/// all events.
fn rollups(db: &std::path::Path) -> (i64, i64) {
    use sqlx::Row;
    let url = format!("sqlite://{}", db.display());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let db = waymark_server::db::Db::connect(&url, 1).await.unwrap();
        let mut conn = db.pool().acquire().await.unwrap();
        let count = |sql: &'static str| sqlx::query(sql);
        let marked: i64 = count("SELECT COUNT(*) AS n FROM insight_dirty")
            .fetch_one(&mut *conn)
            .await
            .unwrap()
            .get("n");
        let sessions: i64 = count("SELECT COUNT(*) AS n FROM insight_sessions WHERE stream = '*'")
            .fetch_one(&mut *conn)
            .await
            .unwrap()
            .get("n");
        drop(conn);
        db.close().await;
        (marked, sessions)
    })
}

/// A number in the output after `before`.
fn number_after(text: &str, before: &str) -> u64 {
    let rest = &text[text
        .find(before)
        .unwrap_or_else(|| panic!("no `{before}` in:\n{text}"))
        + before.len()..];
    rest.split(|c: char| !c.is_ascii_digit())
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

/// The number in the output just before `after`.
fn number_before(text: &str, after: &str) -> u64 {
    let head = &text[..text
        .find(after)
        .unwrap_or_else(|| panic!("no `{after}` in:\n{text}"))];
    let digits: String = head
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.chars().rev().collect::<String>().parse().unwrap()
}

#[test]
fn demo_data_fills_the_demo_app_up_to_today_and_a_rerun_adds_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("waymark.db");

    let out = demo_data(&db, "5");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "stderr:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let events = number_after(&stdout, "(seed 5): ");
    assert!(events > 300, "{stdout}");
    assert_eq!(number_after(&stdout, "stored "), events, "{stdout}");
    assert!(stdout.contains("of 30 users over 7 days"), "{stdout}");
    assert!(stdout.contains("finance"), "names the segments:\n{stdout}");
    let today = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
        / 86_400_000;
    let today = waymark::wire::Day(today).to_string();
    assert!(
        stdout.contains(&format!("to {today}")),
        "ends today ({today}):\n{stdout}"
    );
    for outcome in [" resolved (", " ticketed,", " abandoned;"] {
        assert!(
            number_before(&stdout, outcome) > 0,
            "some sessions are{outcome}\n{stdout}"
        );
    }

    // The Insights rollups are up to date: the first dashboard view need not build them.
    let (marked, sessions) = rollups(&db);
    assert_eq!(marked, 0, "no user is left to recompute");
    assert_eq!(
        sessions,
        number_after(&stdout, "help sessions ") as i64,
        "{stdout}"
    );

    // The same seed again: the same ids, all already stored.
    let again = demo_data(&db, "5");
    let stdout = String::from_utf8_lossy(&again.stdout);
    assert!(
        again.status.success(),
        "stderr:\n{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert_eq!(number_after(&stdout, "stored "), 0, "{stdout}");
    assert_eq!(number_after(&stdout, "new events ("), events, "{stdout}");

    // Another seed adds its own events: ids do not collide.
    let other = demo_data(&db, "6");
    let stdout = String::from_utf8_lossy(&other.stdout);
    assert!(
        other.status.success(),
        "stderr:\n{}",
        String::from_utf8_lossy(&other.stderr)
    );
    assert_eq!(
        number_after(&stdout, "stored "),
        number_after(&stdout, "(seed 6): "),
        "{stdout}"
    );
}

#[test]
fn demo_data_refuses_an_unknown_app_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_waymark"))
        .args(["demo-data", "--app", "crm", "--users", "3", "--days", "2"])
        .arg("--database-url")
        .arg(format!("sqlite://{}", dir.path().join("w.db").display()))
        .env_remove("WAYMARK_CONFIG")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("no app `crm`"), "{stderr}");
}
