//! The guide as JSON: read it, type it, import a file, download it. Every edit
//! made here goes through the same validation as the forms.

use waymark::guide::Guide;
use waymark::validate::{from_json, Problem};
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::browser;
use crate::format::count;
use crate::problems::Problems;

#[derive(Properties, PartialEq)]
pub struct JsonProps {
    pub guide: Guide,
    pub problems: Problems,
    /// Text that reads as a guide replaces the draft.
    pub on_replace: Callback<Guide>,
}

/// The draft as the server stores it: the core's own serialisation, in its field
/// order, indented (by [`indent`], so the guide has one serializer in the editor).
pub fn pretty(guide: &Guide) -> String {
    indent(&serde_json::to_string(guide).unwrap_or_default())
}

/// Indents compact JSON by two spaces a level; empty `{}` and `[]` stay on one line.
pub fn indent(compact: &str) -> String {
    let mut out = String::with_capacity(compact.len() * 2);
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    let mut chars = compact.chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.extend(std::iter::repeat_n("  ", depth));
    };
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                if matches!(chars.peek(), Some('}' | ']')) {
                    out.extend(chars.next());
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::indent;

    #[test]
    fn compact_json_is_indented_without_touching_strings() {
        let text = r#"{"a":[1,{"b":"x, {y}: \"z\""}],"c":{},"d":[]}"#;
        let expected = "{\n  \"a\": [\n    1,\n    {\n      \"b\": \"x, {y}: \\\"z\\\"\"\n    }\n  ],\n  \"c\": {},\n  \"d\": []\n}";
        assert_eq!(indent(text), expected);
        // The same as serde_json's own pretty printer, on a real guide.
        let mut g = crate::model::blank_guide(waymark::guide::Kind::Tour, "t", "Say \"hi\", {now}");
        g.steps[0].body = "a: [b]\nc".into();
        let compact = serde_json::to_string(&g).unwrap();
        assert_eq!(indent(&compact), serde_json::to_string_pretty(&g).unwrap());
    }
}

#[function_component(JsonView)]
pub fn json_view(p: &JsonProps) -> Html {
    let text = use_state(|| pretty(&p.guide));
    // What does not even read as a guide (syntax, unknown fields, wrong types).
    let unreadable = use_state(|| None::<Problem>);
    {
        // The form changed the guide: show it, unless this text already says it.
        let (text, unreadable) = (text.clone(), unreadable.clone());
        use_effect_with(p.guide.clone(), move |guide| {
            let same = from_json(&text).map(|g| &g == guide).unwrap_or(false);
            if !same && unreadable.is_none() {
                text.set(pretty(guide));
            }
        });
    }
    let oninput = {
        let (text, unreadable, on_replace) =
            (text.clone(), unreadable.clone(), p.on_replace.clone());
        Callback::from(move |e: InputEvent| {
            let value = e.target_unchecked_into::<HtmlTextAreaElement>().value();
            match from_json(&value) {
                Ok(guide) => {
                    unreadable.set(None);
                    on_replace.emit(guide);
                }
                Err(problem) => unreadable.set(Some(problem)),
            }
            text.set(value);
        })
    };
    let download = {
        let guide = p.guide.clone();
        Callback::from(move |_| {
            browser::download(&format!("{}.json", guide.id), &pretty(&guide));
        })
    };
    let import = {
        let (text, unreadable, on_replace) =
            (text.clone(), unreadable.clone(), p.on_replace.clone());
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            let (text, unreadable, on_replace) =
                (text.clone(), unreadable.clone(), on_replace.clone());
            spawn_local(async move {
                let Some(value) = browser::read_file(&file).await else {
                    unreadable.set(Some(Problem {
                        path: "file".into(),
                        message: "the file could not be read".into(),
                    }));
                    return;
                };
                match from_json(&value) {
                    Ok(guide) => {
                        unreadable.set(None);
                        on_replace.emit(guide);
                    }
                    Err(problem) => unreadable.set(Some(problem)),
                }
                text.set(value);
            });
            input.set_value("");
        })
    };
    let shown: Vec<Problem> = match &*unreadable {
        Some(problem) => vec![problem.clone()],
        None => p.problems.iter().cloned().collect(),
    };
    html! {
        <section class="json-view" aria-labelledby="json-heading">
            <header class="form-head">
                <h3 id="json-heading">{ "JSON" }</h3>
                <div class="button-row">
                    <label class="button small file-button">
                        { "Import JSON file…" }
                        <input type="file" accept="application/json,.json" onchange={import} class="visually-hidden" />
                    </label>
                    <button type="button" class="small" onclick={download}>{ "Download JSON" }</button>
                </div>
            </header>
            <div class="json-grid">
                <div class="field">
                    <label for="guide-json">{ "Guide JSON" }</label>
                    <textarea id="guide-json" class="code" spellcheck="false" rows="28"
                        value={(*text).clone()} {oninput} />
                </div>
                <div class="problems" aria-live="polite">
                    <h4>{ "Validation" }</h4>
                    if shown.is_empty() {
                        <p class="ok">{ "No problems." }</p>
                    } else {
                        <p class="count">{ count(shown.len(), "problem", "problems") }</p>
                        <ol class="problem-list">
                            { for shown.iter().map(|problem| html! {
                                <li class="problem">
                                    <code class="path">{ &problem.path }</code>{ ": " }
                                    <span class="message">{ &problem.message }</span>
                                </li>
                            }) }
                        </ol>
                    }
                </div>
            </div>
        </section>
    }
}
