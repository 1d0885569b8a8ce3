//! In-browser tests of the runtime's hand-written JS shapes (`wire`): what the host
//! page's listeners and the server receive, and what localStorage keeps, are the
//! shapes serde gave them before.
#![cfg(target_arch = "wasm32")]

use js_sys::{Reflect, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;
use waymark::events::{AnalyticsEvent, EventKind, Trigger};
use waymark::progress::{Progress, RunStatus};
use waymark_runtime::wire;

wasm_bindgen_test_configure!(run_in_browser);

fn json(v: &JsValue) -> String {
    JSON::stringify(v).unwrap().as_string().unwrap()
}

#[wasm_bindgen_test]
fn an_event_is_a_plain_object_without_its_absent_fields() {
    let mut e = AnalyticsEvent {
        id: "s1.4".into(),
        at: 1_700_000_000_123,
        kind: EventKind::StepShown,
        guide: "g".into(),
        version: 3,
        run: Some("s1.r1".into()),
        step: Some("a".into()),
        step_index: Some(0),
        detail: None,
    };
    assert_eq!(
        json(&wire::event(&e).into()),
        r#"{"id":"s1.4","at":1700000000123,"kind":"step_shown","guide":"g","version":3,"run":"s1.r1","step":"a","step_index":0}"#
    );
    e.kind = EventKind::LauncherOpened;
    e.run = None;
    e.step = None;
    e.step_index = None;
    e.detail = Some("x".into());
    let obj: JsValue = wire::event(&e).into();
    assert_eq!(
        json(&obj),
        r#"{"id":"s1.4","at":1700000000123,"kind":"launcher_opened","guide":"g","version":3,"detail":"x"}"#
    );
    assert!(!Reflect::has(&obj, &"run".into()).unwrap());
}

#[wasm_bindgen_test]
fn progress_survives_storage_and_bad_records_are_ignored() {
    let mut p = Progress::new("g", 2, 1_700_000_000_000);
    p.step = 4;
    p.status = RunStatus::Completed;
    p.run = "s.r1".into();
    p.completions = 1;
    p.trigger = Some(Trigger::Launcher);
    let text = wire::progress_json(&p).unwrap();
    assert_eq!(wire::progress(&text), Some(p.clone()));
    p.trigger = None;
    assert_eq!(wire::progress(&wire::progress_json(&p).unwrap()), Some(p));
    // Written by an earlier version (or by hand, as the e2e suite does).
    let old = r#"{"guide":"g","version":1,"step":7,"status":"completed","run":"r","started_at":1,"updated_at":2,"runs":1,"completions":1}"#;
    assert_eq!(wire::progress(old).map(|p| p.step), Some(7));
    for bad in [
        "",
        "null",
        "[]",
        r#"{"guide":"g"}"#,
        &old.replace("completed", "finished"),
        &old.replace("\"step\":7", "\"step\":-1"),
        &old.replace("\"version\":1", "\"version\":1.5"),
    ] {
        assert_eq!(wire::progress(bad), None, "{bad}");
    }
}

#[wasm_bindgen_test]
fn a_guide_with_a_wrong_shape_names_the_path() {
    let v = JSON::parse(
        r##"{"schema":1,"id":"t","kind":"tour","title":"T","version":1,"match":{"urls":["/**"]},
            "steps":[{"id":"a","title":"A","target":{"css":"#x"}}]}"##,
    )
    .unwrap();
    let problem = wire::guide(v).unwrap_err();
    assert_eq!(problem.to_string(), "steps[0].target.css: must be a list");
    let v = JSON::parse(
        r#"{"schema":1,"id":"t","kind":"tour","title":"T","version":1,"match":{"urls":["/**"]},
            "locales":{"fr":{"steps":{"a":{"title":"Un"}}}},"steps":[{"id":"a","title":"A"}]}"#,
    )
    .unwrap();
    let g = wire::guide(v).unwrap();
    assert_eq!(g.step_text(0, "fr"), Some(("Un", "")));
}
