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
