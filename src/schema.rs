//! JSON Schema of the guide format, generated from the types in [`crate::guide`].
//!
//! Owns only the export. The checked-in copy at `guides/schema.json` lets editors
//! outside Waymark (VS Code, CI linters) check guides; a test fails when it is stale.
//! The schema describes shape only: rules that span fields (a `click` advance needs a
//! target, translations complete) are [`crate::validate`]'s.

use crate::guide::Guide;

/// The schema as pretty-printed JSON with a trailing newline.
pub fn guide_schema_json() -> String {
    let schema = schemars::schema_for!(Guide);
    let mut text = serde_json::to_string_pretty(&schema).expect("a JSON Schema always serializes");
    text.push('\n');
    text
}
