//! # Waymark editor
//!
//! The yew app support agents author guides in, served at `/editor/`. For now it is
//! one screen: paste a guide's JSON and see its validation problems, addressed by
//! JSON path, update as you type.
//!
//! What it owns: the agent-facing UI. What it must not do: judge guides itself —
//! validation is the core's ([`waymark::validate`]), so the editor, the server and the
//! runtime always agree on what a valid guide is.

use std::rc::Rc;

use wasm_bindgen::prelude::*;
use waymark::guide::Guide;
use waymark::validate::{parse_guide, Problem};
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

/// Mounts the editor on `#app`, or on `<body>` when the page has no such element.
#[wasm_bindgen(start)]
pub fn start() {
    match gloo::utils::document().get_element_by_id("app") {
        Some(root) => {
            yew::Renderer::<App>::with_root(root).render();
        }
        None => {
            gloo::console::warn!("Waymark editor: no #app element, mounting on <body>");
            yew::Renderer::<App>::new().render();
        }
    }
}

/// What the agent's text currently is, as far as validation goes.
enum Verdict {
    Empty,
    Valid(Box<Guide>),
    Invalid(Vec<Problem>),
}

impl Verdict {
    fn of(text: &str) -> Self {
        if text.trim().is_empty() {
            return Verdict::Empty;
        }
        match parse_guide(text) {
            Ok(guide) => Verdict::Valid(Box::new(guide)),
            Err(problems) => Verdict::Invalid(problems),
        }
    }
}

/// The editor's first screen: the guide's JSON on the left, its problems beside it.
#[function_component(App)]
pub fn app() -> Html {
    let text = use_state(String::new);
    let verdict: Rc<Verdict> = use_memo((*text).clone(), |text| Verdict::of(text));

    let on_text_changed = {
        let text = text.clone();
        Callback::from(move |event: InputEvent| {
            let area: HtmlTextAreaElement = event.target_unchecked_into();
            text.set(area.value());
        })
    };

    html! {
        <main class="editor">
            <h1>{ "Waymark editor" }</h1>
            <label for="guide-json">{ "Guide JSON" }</label>
            <textarea
                id="guide-json"
                spellcheck="false"
                rows="24"
                placeholder={r#"{"schema": 1, "id": "my-tour", "kind": "tour", ...}"#}
                value={(*text).clone()}
                oninput={on_text_changed}
            />
            <section class="problems" aria-live="polite" aria-labelledby="problems-heading">
                <h2 id="problems-heading">{ "Validation" }</h2>
                { view_verdict(&verdict) }
            </section>
        </main>
    }
}

fn view_verdict(verdict: &Verdict) -> Html {
    match verdict {
        Verdict::Empty => html! {
            <p class="hint">{ "Paste a guide's JSON to check it." }</p>
        },
        Verdict::Valid(guide) => html! {
            <p class="ok">
                { format!("No problems: {} “{}” ({}), version {}.",
                    guide.kind.as_str(), guide.title, guide.id, guide.version) }
            </p>
        },
        Verdict::Invalid(problems) => html! {
            <>
                <p class="count">{ problem_count(problems.len()) }</p>
                <ol class="problem-list">
                    { for problems.iter().map(|problem| html! {
                        <li class="problem">
                            <code class="path">{ &problem.path }</code>
                            { ": " }
                            <span class="message">{ &problem.message }</span>
                        </li>
                    }) }
                </ol>
            </>
        },
    }
}

fn problem_count(n: usize) -> String {
    if n == 1 {
        "1 problem".to_owned()
    } else {
        format!("{n} problems")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_text_asks_for_a_guide_rather_than_reporting_a_syntax_error() {
        assert!(matches!(Verdict::of("  \n"), Verdict::Empty));
    }

    #[test]
    fn a_broken_guide_is_reported_by_json_path() {
        let text = r#"{"schema":1,"id":"x","kind":"tour","title":"X","version":1,"match":{"urls":["/**"]},"steps":[{"id":"a","title":"A","body":"","target":{"css":[""]}}]}"#;
        let Verdict::Invalid(problems) = Verdict::of(text) else {
            panic!("expected problems");
        };
        assert!(problems.iter().any(|p| p.path == "steps[0].target.css[0]"));
    }
}
