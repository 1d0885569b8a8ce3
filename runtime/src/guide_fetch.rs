//! The guides this page may play: read from the server's catalog or given inline.
//!
//! Owns checking each definition before the engine sees it. The core's
//! [`parse_guide`] checks the shape and the rules; regular expressions, which the
//! core only checks with its `full` feature, are compiled here with the browser's
//! RegExp, the same engine that will run them. A guide with any problem is skipped
//! with one console warning naming the guide and the path of the fault; the others
//! play on. Fetching the catalog answers with [`Msg::Catalog`]; the shell then
//! builds the engine with the user's saved progress.
//!
//! The shape is read by the core's serde-free reader ([`crate::wire::guide`]) from
//! the browser's own JSON parse: no deserializer is compiled into the download, but
//! a field the format does not know is ignored here rather than refused. The server
//! refuses such a guide when it is published; inline guides get the rules' checks
//! only.

use js_sys::{Array, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use waymark::guide::{Advance, Guide};
use waymark::validate::{validate_guide, Problem};

use crate::msg::{post, Msg};
use crate::{dom, network, wire};

#[wasm_bindgen]
extern "C" {
    /// `RegExp(pattern, flags)`, which throws a SyntaxError on a bad pattern.
    #[wasm_bindgen(catch, js_name = RegExp)]
    fn new_regexp(pattern: &str, flags: &str) -> Result<js_sys::RegExp, JsValue>;
}

/// Compiles `pattern` as the browser will run it (Unicode mode).
pub fn regexp(pattern: &str) -> Option<js_sys::RegExp> {
    new_regexp(pattern, "u").ok()
}

/// The input matcher handed to the engine: the browser's RegExp.
pub fn regexp_matches(pattern: &str, value: &str) -> bool {
    regexp(pattern).is_some_and(|re| re.test(value))
}

/// The guide list in a server answer (`{"app", "guides": [...]}`) or an inline array.
pub fn definitions(value: &JsValue) -> Array {
    if Array::is_array(value) {
        return value.clone().unchecked_into();
    }
    Reflect::get(value, &"guides".into())
        .ok()
        .filter(Array::is_array)
        .map(JsCast::unchecked_into)
        .unwrap_or_default()
}

/// Every valid guide of `list`; each invalid one costs one console warning.
pub fn read(list: &Array) -> Vec<Guide> {
    let mut guides = Vec::new();
    for (i, value) in list.iter().enumerate() {
        let name =
            dom::get_str(&value, "id").unwrap_or_else(|| ["#", &dom::int(i as i64)].concat());
        let checked = wire::guide(value).map_err(|p| vec![p]).and_then(|g| {
            let mut problems = validate_guide(&g);
            problems.extend(regex_problem(&g));
            if problems.is_empty() {
                Ok(g)
            } else {
                Err(problems)
            }
        });
        match checked {
            Ok(g) if guides.iter().any(|o: &Guide| o.id == g.id) => {
                dom::warn(
                    &[
                        "Waymark: skipped guide `",
                        &name,
                        "`: id: another guide already has this id",
                    ]
                    .concat(),
                );
            }
            Ok(g) => guides.push(g),
            Err(problems) => dom::warn(&describe(&name, &problems)),
        }
    }
    guides
}

fn describe(name: &str, problems: &[Problem]) -> String {
    let mut text = ["Waymark: skipped guide `", name, "`: "].concat();
    match problems.first() {
        // As `Problem`'s Display writes it, without going through `fmt`.
        Some(p) => {
            text.push_str(&p.path);
            text.push_str(": ");
            text.push_str(&p.message);
        }
        None => text.push_str("it is not valid"),
    }
    if problems.len() > 1 {
        text.push_str(" (and ");
        text.push_str(&dom::int(problems.len() as i64 - 1));
        text.push_str(" more problems)");
    }
    text
}

/// The first input pattern the browser cannot compile.
fn regex_problem(g: &Guide) -> Option<Problem> {
    g.steps
        .iter()
        .enumerate()
        .find_map(|(i, step)| match &step.advance {
            Advance::Input { pattern } if regexp(pattern).is_none() => Some(Problem {
                path: ["steps[", &dom::int(i as i64), "].advance.pattern"].concat(),
                message: ["`", pattern, "` is not a valid regular expression"].concat(),
            }),
            _ => None,
        })
}

/// Loads generation `generation` of the guides from the server's catalog; the
/// answer comes back as [`Msg::Catalog`].
pub fn fetch(url: &str, generation: u32) {
    network::get_json(url, move |r| post(Msg::Catalog(generation, r)));
}
