//! What stops the guide from being saved or published, each problem with a way to
//! its field.

use yew::prelude::*;

use crate::format::count;
use crate::problems::{locate, Problems, Section};

#[derive(Properties, PartialEq)]
pub struct SummaryProps {
    pub problems: Problems,
    /// Go to the field of the problem at this path.
    pub on_go: Callback<String>,
}

/// Where a problem is, in words: "Step 2", "Settings", "Translation fr".
pub fn place(section: &Section) -> String {
    match section {
        Section::Settings => "Settings".to_owned(),
        Section::Step(i) => format!("Step {}", i + 1),
        Section::Steps => "Steps".to_owned(),
        Section::Tip => "Tip".to_owned(),
        Section::Item(i) => format!("Item {}", i + 1),
        Section::Items => "Items".to_owned(),
        Section::Locale(tag) => format!("Translation {tag}"),
        Section::Json => "JSON".to_owned(),
    }
}

#[function_component(ProblemSummary)]
pub fn problem_summary(p: &SummaryProps) -> Html {
    let open = use_state(|| true);
    if p.problems.is_empty() {
        return html! {
            <p class="summary ok" role="status" id="problem-summary-heading">{ "No problems: ready to save and publish." }</p>
        };
    }
    let toggle = {
        let open = open.clone();
        Callback::from(move |_| open.set(!*open))
    };
    html! {
        <section class="summary bad" aria-labelledby="problem-summary-heading">
            <h2 id="problem-summary-heading">
                <button type="button" class="link" onclick={toggle} aria-expanded={open.to_string()}>
                    { format!("{} to fix before saving or publishing", count(p.problems.len(), "problem", "problems")) }
                </button>
            </h2>
            if *open {
                <ul>
                    { for p.problems.iter().map(|problem| {
                        let location = locate(&problem.path);
                        let on_go = p.on_go.clone();
                        let path = problem.path.clone();
                        html! {
                            <li>
                                <button type="button" class="link" onclick={Callback::from(move |_| on_go.emit(path.clone()))}>
                                    { place(&location.section) }
                                </button>
                                { ": " }<span class="message">{ &problem.message }</span>
                                <code class="path muted">{ format!(" ({})", problem.path) }</code>
                            </li>
                        }
                    }) }
                </ul>
            }
        </section>
    }
}
