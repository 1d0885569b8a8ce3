#![cfg(feature = "full")]
//! `guides/schema.json` is the JSON Schema generated from the guide types.
//! Regenerate it with `WAYMARK_BLESS=1 cargo test --test schema`.

use std::path::Path;

#[test]
fn the_checked_in_schema_matches_the_guide_types() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("guides/schema.json");
    let fresh = waymark::schema::guide_schema_json();
    if std::env::var_os("WAYMARK_BLESS").is_some() {
        std::fs::write(&path, &fresh).unwrap();
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == fresh,
        "guides/schema.json is stale; regenerate it with `WAYMARK_BLESS=1 cargo test --test schema`"
    );
}

#[test]
fn the_schema_refuses_unknown_fields_and_names_every_kind() {
    let schema: serde_json::Value =
        serde_json::from_str(&waymark::schema::guide_schema_json()).unwrap();
    assert_eq!(schema["additionalProperties"], serde_json::json!(false));
    let kinds = &schema["$defs"]["Kind"];
    let text = kinds.to_string();
    for k in ["tour", "tip", "checklist"] {
        assert!(text.contains(k), "{text}");
    }
}
