//! A table of broken guides and the exact problems a guide author is shown.

use serde_json::{json, Value};
use waymark::guide::Guide;
use waymark::validate::{parse_guide, validate_catalog, Problem};

fn base_tour() -> Value {
    json!({
        "schema": 1, "id": "req", "kind": "tour", "title": "Raise a requisition", "version": 1,
        "match": {"urls": ["/demo/**"]},
        "steps": [
            {"id": "a", "title": "A", "target": {"css": ["#a"]}},
            {"id": "b", "title": "B", "target": {"css": ["#b"]}, "advance": {"kind": "click"}}
        ]
    })
}

/// Applies `edit` to a valid tour and returns the problems as "path: message" lines.
fn problems_after(edit: impl FnOnce(&mut Value)) -> Vec<String> {
    let mut v = base_tour();
    edit(&mut v);
    match parse_guide(&v.to_string()) {
        Ok(_) => vec![],
        Err(ps) => ps.iter().map(Problem::to_string).collect(),
    }
}

#[test]
fn the_base_tour_is_valid() {
    assert_eq!(problems_after(|_| {}), Vec::<String>::new());
}

#[test]
fn each_fault_is_reported_at_its_path() {
    #[allow(clippy::type_complexity)]
    let table: Vec<(&str, Box<dyn FnOnce(&mut Value)>, &str)> = vec![
        ("duplicate step ids", Box::new(|v| v["steps"][1]["id"] = json!("a")), "steps[1].id: duplicate step id `a` (also steps[0])"),
        ("empty selector", Box::new(|v| v["steps"][0]["target"]["css"] = json!([""])), "steps[0].target.css[0]: empty selector"),
        ("unparsable selector", Box::new(|v| v["steps"][0]["target"]["css"] = json!(["#a", "div >"])), "steps[0].target.css[1]: nothing after the combinator `>` (at character 5)"),
        ("no selectors", Box::new(|v| v["steps"][0]["target"]["css"] = json!([])), "steps[0].target.css: list at least one CSS selector"),
        ("invalid URL pattern", Box::new(|v| v["match"]["urls"] = json!(["demo/**"])), "match.urls[0]: URL pattern must start with `/` or `https://`, found \"demo/**\""),
        ("no URL pattern", Box::new(|v| v["match"]["urls"] = json!([])), "match.urls: list at least one URL pattern, e.g. \"/**\" for every page"),
        ("invalid step page", Box::new(|v| v["steps"][1]["page"] = json!("/a/**x")), "steps[1].page: `**` must be a whole segment (`/a/**/b`), found `**x`"),
        ("invalid regex", Box::new(|v| v["steps"][0]["advance"] = json!({"kind": "input", "pattern": "([0-9]+"})), "steps[0].advance.pattern: invalid regular expression: unclosed group"),
        ("empty regex", Box::new(|v| v["steps"][0]["advance"] = json!({"kind": "input", "pattern": ""})), "steps[0].advance.pattern: empty pattern matches anything; give a regular expression such as \"^\\\\d{4}$\""),
        ("click without target", Box::new(|v| { v["steps"][1].as_object_mut().unwrap().remove("target"); }), "steps[1].advance: `click` advances when the user acts on the step's target, but this step has no target"),
        ("invalid url advance", Box::new(|v| v["steps"][1]["advance"] = json!({"kind": "url", "pattern": "/x?y"})), "steps[1].advance.pattern: URL patterns match the path only; remove the `?` or `#` part"),
        ("invalid visible selector", Box::new(|v| v["steps"][1]["advance"] = json!({"kind": "visible", "selector": ".a["})), "steps[1].advance.selector: `[` is never closed (at character 3)"),
        ("wait too long", Box::new(|v| v["steps"][0]["target"]["wait_ms"] = json!(90000)), "steps[0].target.wait_ms: 90000 is out of range (0 to 60000 ms)"),
        ("stuck too soon", Box::new(|v| v["stuck_after_s"] = json!(2)), "stuck_after_s: 2 is out of range (5 to 3600 seconds)"),
        ("step stuck too late", Box::new(|v| v["steps"][0]["stuck_after_s"] = json!(7200)), "steps[0].stuck_after_s: 7200 is out of range (5 to 3600 seconds)"),
        ("version zero", Box::new(|v| v["version"] = json!(0)), "version: 0 is out of range (1 to 1000000)"),
        ("future schema", Box::new(|v| v["schema"] = json!(2)), "schema: unsupported schema version 2; this Waymark reads version 1"),
        ("bad id", Box::new(|v| v["id"] = json!("Raise Req")), "id: guide id `Raise Req` must be 1 to 64 lowercase letters, digits, `-` or `_`, starting with a letter or digit"),
        ("empty title", Box::new(|v| v["steps"][1]["title"] = json!("  ")), "steps[1].title: must not be empty"),
        ("empty target text", Box::new(|v| v["steps"][0]["target"]["text"] = json!("")), "steps[0].target.text: empty text matches everything; remove it or give the text to look for"),
        ("empty one_of", Box::new(|v| v["match"]["audience"] = json!([{"op": "one_of", "attr": "role", "values": []}])), "match.audience[0].values: list at least one value"),
        ("bad on_click", Box::new(|v| v["start"] = json!({"on_click": "#"})), "start.on_click: `#` must be followed by an id (at character 1)"),
        ("no steps", Box::new(|v| v["steps"] = json!([])), "steps: a tour needs at least one step"),
        ("tour with items", Box::new(|v| v["items"] = json!([{"id": "x", "label": "X", "guide": "y"}])), "items: a tour has no `items`; remove it or change `kind`"),
        ("default locale repeated", Box::new(|v| v["locales"] = json!({"en": {"title": "T"}})), "locales.en: this is the default locale; its strings are written inline in the guide"),
        ("bad locale tag", Box::new(|v| v["default_locale"] = json!("english")), "default_locale: `english` is not a language tag like \"en\" or \"pt-BR\""),
        ("translation for unknown step", Box::new(|v| v["locales"] = json!({"fr": {"title": "T", "steps": {"a": {"title": "A"}, "b": {"title": "B"}, "z": {"title": "Z"}}}})), "locales.fr.steps.z: no step has this id"),
        ("bad error selector", Box::new(|v| v["error_selector"] = json!(".alert[")), "error_selector: `[` is never closed (at character 7)"),
        ("script related help", Box::new(|v| v["related_help"] = json!("javascript:alert(1)")), "related_help: `javascript:alert(1)` is not an http or https address"),
        ("shadow chain with empty side", Box::new(|v| v["steps"][0]["target"]["css"] = json!(["my-app >>> "])), "steps[0].target.css[0]: nothing on one side of `>>>` (at character 11)"),
    ];
    for (what, edit, expected) in table {
        let got = problems_after(edit);
        assert_eq!(got, vec![expected.to_string()], "{what}");
    }
}

#[test]
fn a_locale_missing_strings_names_each_one() {
    let got = problems_after(|v| v["locales"] = json!({"fr": {"steps": {"a": {"title": "Un"}}}}));
    assert_eq!(
        got,
        vec![
            "locales.fr.title: missing translation of the title \"Raise a requisition\"",
            "locales.fr.steps: missing translation of step `b`",
        ]
    );
}

#[test]
fn every_problem_is_returned_at_once() {
    let got = problems_after(|v| {
        v["title"] = json!("");
        v["steps"][0]["target"]["css"] = json!([""]);
        v["steps"][1]["id"] = json!("a");
        v["match"]["urls"] = json!(["nope"]);
    });
    assert_eq!(got.len(), 4, "{got:#?}");
}

#[test]
fn type_errors_and_unknown_fields_name_the_path() {
    let mut v = base_tour();
    v["steps"][1]["placement"] = json!("middle");
    let e = parse_guide(&v.to_string()).unwrap_err();
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].path, "steps[1].placement");
    assert!(
        e[0].message
            .starts_with("unknown variant `middle`, expected one of `top`"),
        "{}",
        e[0].message
    );

    let mut v = base_tour();
    v["steps"][0]["colour"] = json!("red");
    let e = parse_guide(&v.to_string()).unwrap_err();
    assert_eq!(e[0].path, "steps[0].colour");
    assert!(
        e[0].message.starts_with("unknown field `colour`"),
        "{}",
        e[0].message
    );

    let mut v = base_tour();
    v["version"] = json!("one");
    let e = parse_guide(&v.to_string()).unwrap_err();
    assert_eq!(
        e[0].to_string(),
        "version: invalid type: string \"one\", expected u32"
    );
}

#[test]
fn a_json_syntax_error_gives_line_and_column() {
    let e = parse_guide("{\n  \"schema\": 1,\n  \"id\": \"x\",,\n}").unwrap_err();
    assert_eq!(e[0].path, "line 3, column 13");
}

#[test]
fn a_tip_and_a_checklist_need_their_own_parts() {
    let tip = json!({"schema": 1, "id": "t", "kind": "tip", "title": "T", "version": 1, "match": {"urls": ["/**"]}, "start": "auto"});
    let got: Vec<String> = parse_guide(&tip.to_string())
        .unwrap_err()
        .iter()
        .map(Problem::to_string)
        .collect();
    assert_eq!(
        got,
        vec![
            "start: a tip cannot start automatically; use \"launcher\" or on_click",
            "tip: a tip needs a `tip` object with its target, title and body",
        ]
    );
    let list = json!({"schema": 1, "id": "c", "kind": "checklist", "title": "C", "version": 1, "match": {"urls": ["/**"]},
        "items": [{"id": "x", "label": "X", "guide": "c"}, {"id": "x", "label": "", "guide": "a"}]});
    let got: Vec<String> = parse_guide(&list.to_string())
        .unwrap_err()
        .iter()
        .map(Problem::to_string)
        .collect();
    assert_eq!(
        got,
        vec![
            "items[0].guide: a checklist cannot list itself",
            "items[1].id: duplicate item id `x` (also items[0])",
            "items[1].label: must not be empty",
        ]
    );
}

#[test]
fn the_catalog_refuses_duplicate_ids_and_checklists_naming_missing_or_wrong_guides() {
    let tour: Guide = serde_json::from_value(base_tour()).unwrap();
    let tip: Guide = serde_json::from_value(
        json!({"schema": 1, "id": "tip", "kind": "tip", "title": "T", "version": 1,
        "match": {"urls": ["/**"]}, "tip": {"target": {"css": ["#x"]}, "title": "T"}}),
    )
    .unwrap();
    let list: Guide = serde_json::from_value(
        json!({"schema": 1, "id": "c", "kind": "checklist", "title": "C", "version": 1,
        "match": {"urls": ["/**"]}, "items": [
            {"id": "a", "label": "A", "guide": "req"},
            {"id": "b", "label": "B", "guide": "gone"},
            {"id": "c", "label": "C", "guide": "tip"}]}),
    )
    .unwrap();
    let got: Vec<(usize, String)> = validate_catalog(&[tour.clone(), tip, list, tour])
        .into_iter()
        .map(|(i, p)| (i, p.to_string()))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                3,
                "id: another guide already has the id `req` (guide #1)".to_string()
            ),
            (2, "items[1].guide: no guide has the id `gone`".to_string()),
            (
                2,
                "items[2].guide: `tip` is a tip; checklist items must be tours".to_string()
            ),
        ]
    );
}
