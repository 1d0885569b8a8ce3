use serde_json::{json, Value};

use super::*;

/// The reader over serde_json's values, so it can be checked against serde itself.
impl Json for Value {
    fn get(&self, key: &str) -> Option<Self> {
        self.as_object()?.get(key).filter(|v| !v.is_null()).cloned()
    }
    fn as_str(&self) -> Option<String> {
        Value::as_str(self).map(str::to_owned)
    }
    fn as_f64(&self) -> Option<f64> {
        Value::as_f64(self)
    }
    fn as_bool(&self) -> Option<bool> {
        Value::as_bool(self)
    }
    fn items(&self) -> Option<Vec<Self>> {
        self.as_array().cloned()
    }
    fn entries(&self) -> Option<Vec<(String, Self)>> {
        Some(
            self.as_object()?
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        )
    }
}

fn both(v: Value) -> Guide {
    let by_serde: Guide = serde_json::from_value(v.clone()).expect("serde reads it");
    let by_hand = guide(&v).expect("the reader reads it");
    assert_eq!(by_hand, by_serde);
    by_hand
}

fn problem(v: Value) -> String {
    guide(&v).expect_err("a wrong shape").to_string()
}

fn minimal() -> Value {
    json!({"schema": 1, "id": "t", "kind": "tour", "title": "T", "version": 1,
           "match": {"urls": ["/**"]}, "steps": [{"id": "a", "title": "A"}]})
}

#[test]
fn every_demo_guide_reads_as_serde_reads_it() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("guides");
    let mut read = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") && !path.ends_with("schema.json") {
            both(serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap());
            read += 1;
        }
    }
    assert!(read >= 4);
}

#[test]
fn every_field_and_variant_reads_as_serde_reads_it() {
    both(json!({
        "schema": 1, "id": "t", "kind": "tour", "title": "T", "description": "D", "version": 7,
        "match": {"urls": ["/a/**", "/b"], "audience": [
            {"op": "equals", "attr": "role", "value": "buyer"},
            {"op": "one_of", "attr": "dept", "values": ["a", "b"]},
            {"op": "not", "attr": "x", "value": "y"},
            {"op": "not_one_of", "attr": "x", "values": []}]},
        "start": {"on_click": "#help"}, "frequency": "always", "category": "Purchasing",
        "priority": "urgent", "default_locale": "de", "stuck_after_s": 30,
        "error_selector": ".err", "related_help": "https://h.test/", "capture_fields": true,
        "locales": {"fr": {"title": "T fr", "description": "D fr",
            "steps": {"a": {"title": "Un"}, "b": {"title": "Deux", "body": "Corps"}},
            "tip": {"title": "Astuce"}, "items": {"i": "Élément"}}},
        "steps": [
            {"id": "a", "title": "A", "body": "**b**", "page": "/a/*", "placement": "left-end",
             "target": {"css": ["#x", "host >>> #y"], "text": "Go", "wait_ms": 500},
             "advance": {"kind": "input", "pattern": "^\\d+$"}, "on_missing": "skip",
             "stuck_after_s": 9, "allow_interaction": true},
            {"id": "b", "title": "B", "advance": {"kind": "click"}},
            {"id": "c", "title": "C", "advance": {"kind": "url", "pattern": "/done"}},
            {"id": "d", "title": "D", "advance": {"kind": "visible", "selector": ".ok"}},
            {"id": "e", "title": "E", "advance": {"kind": "next"}}],
        "tip": {"target": {"css": ["#t"]}, "title": "Tip", "body": "b", "show_on": "click",
                "beacon": true, "placement": "top-start"},
        "items": [{"id": "i", "label": "L", "guide": "g"}]
    }));
    for start in ["auto", "launcher"] {
        let mut v = minimal();
        v["start"] = json!(start);
        both(v);
    }
}

#[test]
fn absent_fields_take_serde_defaults() {
    let g = both(minimal());
    assert_eq!(g.start, Start::Launcher);
    assert_eq!(g.default_locale, "en");
    assert_eq!(g.steps[0].advance, Advance::Next);
    assert_eq!(g.steps[0].on_missing, OnMissing::Stuck);
    let mut v = minimal();
    v["steps"][0]["target"] = json!({"css": ["#x"]});
    assert_eq!(
        both(v).steps[0].target.as_ref().unwrap().wait_ms,
        DEFAULT_WAIT_MS
    );
}

#[test]
fn a_wrong_shape_is_one_problem_at_its_path() {
    let mut v = minimal();
    v["steps"][0]["target"] = json!({"css": ["#x", 3]});
    assert_eq!(problem(v), "steps[0].target.css[1]: must be a string");

    let mut v = minimal();
    v["steps"] = json!([{"id": "a", "title": "A"}, {"id": "b"}]);
    assert_eq!(problem(v), "steps[1].title: is required");

    let mut v = minimal();
    v["steps"][0]["placement"] = json!("middle");
    assert!(problem(v).starts_with("steps[0].placement: must be one of top, top-start"));

    let mut v = minimal();
    v["steps"][0]["advance"] = json!({"kind": "input"});
    assert_eq!(problem(v), "steps[0].advance.pattern: is required");

    let mut v = minimal();
    v["version"] = json!(1.5);
    assert_eq!(problem(v), "version: must be a whole number, 0 or more");

    let mut v = minimal();
    v["match"] = json!(["/**"]);
    assert_eq!(problem(v), "match: must be an object");

    let mut v = minimal();
    v["kind"] = json!("tutorial");
    assert_eq!(problem(v), "kind: must be one of tour, tip, checklist");

    let mut v = minimal();
    v["locales"] = json!({"fr": {"steps": {"a": {"body": "x"}}}});
    assert_eq!(problem(v), "locales.fr.steps.a.title: is required");

    assert_eq!(problem(json!([1])), "guide: must be an object");
}

#[test]
fn unknown_fields_are_ignored_and_null_is_absent() {
    let mut v = minimal();
    v["stpes"] = json!([]);
    v["description"] = Value::Null;
    let g = guide(&v).unwrap();
    assert_eq!(g.description, None);
    assert_eq!(g.steps.len(), 1);
}

#[test]
fn list_indices_are_written_in_decimal() {
    for (i, text) in [(0, "[0]"), (7, "[7]"), (10, "[10]"), (1234, "[1234]")] {
        let mut s = String::from("[");
        crate::text::push_int(&mut s, i);
        s.push(']');
        assert_eq!(s, text);
    }
}

#[test]
fn placement_names_are_the_placements_in_order() {
    let names = Placement::ALL.map(Placement::as_str);
    assert_eq!(super::PLACEMENT_NAMES, names);
}
