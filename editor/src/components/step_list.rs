//! The tour's steps in order: select one to edit it, reorder them by dragging or
//! with Alt+↑ / Alt+↓, add one. Each step shows how many problems it has.

use wasm_bindgen::JsCast;
use waymark::guide::Step;
use web_sys::DragEvent;
use yew::prelude::*;

use crate::problems::Problems;

#[derive(Properties, PartialEq)]
pub struct StepListProps {
    pub steps: Vec<Step>,
    pub selected: usize,
    pub problems: Problems,
    pub on_select: Callback<usize>,
    pub on_move: Callback<(usize, usize)>,
    pub on_add: Callback<()>,
}

/// Where a key press moves the step at `index` of `len`, if anywhere.
pub fn key_move(key: &str, alt: bool, index: usize, len: usize) -> Option<usize> {
    if !alt {
        return None;
    }
    match key {
        "ArrowUp" if index > 0 => Some(index - 1),
        "ArrowDown" if index + 1 < len => Some(index + 1),
        "Home" if index > 0 => Some(0),
        "End" if index + 1 < len => Some(len - 1),
        _ => None,
    }
}

#[function_component(StepList)]
pub fn step_list(p: &StepListProps) -> Html {
    let dragging = use_state(|| None::<usize>);
    let drop_at = use_state(|| None::<usize>);
    let announcement = use_state(String::new);
    // After a keyboard move, focus follows the moved step to its new place.
    let focus_to = use_state(|| None::<usize>);
    {
        let focus_to = focus_to.clone();
        use_effect_with(*focus_to, move |target| {
            if let Some(i) = *target {
                let selector = format!(".step-list li:nth-child({}) .step-button", i + 1);
                if let Ok(Some(el)) = gloo::utils::document().query_selector(&selector) {
                    if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                        let _ = el.focus();
                    }
                }
                focus_to.set(None);
            }
        });
    }
    let len = p.steps.len();

    let item = |i: usize, step: &Step| {
        let count = p.problems.count_under(&format!("steps[{i}]"));
        let selected = i == p.selected;
        let onclick = {
            let on_select = p.on_select.clone();
            Callback::from(move |_| on_select.emit(i))
        };
        let onkeydown = {
            let (on_move, on_select, announcement, focus_to) = (
                p.on_move.clone(),
                p.on_select.clone(),
                announcement.clone(),
                focus_to.clone(),
            );
            Callback::from(move |e: KeyboardEvent| {
                if let Some(to) = key_move(&e.key(), e.alt_key(), i, len) {
                    e.prevent_default();
                    on_move.emit((i, to));
                    announcement.set(format!("Step moved to position {} of {len}", to + 1));
                    focus_to.set(Some(to));
                } else if !e.alt_key() && (e.key() == "ArrowDown" || e.key() == "ArrowUp") {
                    // Plain arrows move the selection, as in a listbox.
                    let next = match e.key().as_str() {
                        "ArrowDown" if i + 1 < len => i + 1,
                        "ArrowUp" if i > 0 => i - 1,
                        _ => return,
                    };
                    e.prevent_default();
                    on_select.emit(next);
                    focus_to.set(Some(next));
                }
            })
        };
        let ondragstart = {
            let dragging = dragging.clone();
            Callback::from(move |e: DragEvent| {
                if let Some(data) = e.data_transfer() {
                    let _ = data.set_data("text/plain", &i.to_string());
                    data.set_effect_allowed("move");
                }
                dragging.set(Some(i));
            })
        };
        let ondragover = {
            let drop_at = drop_at.clone();
            Callback::from(move |e: DragEvent| {
                e.prevent_default();
                if *drop_at != Some(i) {
                    drop_at.set(Some(i));
                }
            })
        };
        let ondrop = {
            let (dragging, drop_at, on_move, announcement) = (
                dragging.clone(),
                drop_at.clone(),
                p.on_move.clone(),
                announcement.clone(),
            );
            Callback::from(move |e: DragEvent| {
                e.prevent_default();
                let from = (*dragging).or_else(|| {
                    e.data_transfer()
                        .and_then(|d| d.get_data("text/plain").ok())
                        .and_then(|s| s.parse().ok())
                });
                if let Some(from) = from {
                    on_move.emit((from, i));
                    announcement.set(format!("Step moved to position {} of {len}", i + 1));
                }
                dragging.set(None);
                drop_at.set(None);
            })
        };
        let ondragend = {
            let (dragging, drop_at) = (dragging.clone(), drop_at.clone());
            Callback::from(move |_| {
                dragging.set(None);
                drop_at.set(None);
            })
        };
        let class = classes!(
            "step-item",
            selected.then_some("selected"),
            (*dragging == Some(i)).then_some("dragging"),
            (*drop_at == Some(i) && *dragging != Some(i)).then_some("drop-target"),
        );
        html! {
            <li {class} draggable="true" {ondragstart} {ondragover} {ondrop} {ondragend}
                data-step={step.id.clone()}>
                <span class="grip" aria-hidden="true">{ "⋮⋮" }</span>
                <button type="button" class="step-button" {onclick} {onkeydown}
                    aria-current={selected.then_some("step")}
                    aria-describedby="step-list-help">
                    <span class="step-number">{ i + 1 }</span>
                    <span class="step-title">
                        { if step.title.trim().is_empty() { "(untitled)" } else { step.title.as_str() } }
                    </span>
                    if count > 0 {
                        <span class="badge bad" title={format!("{count} problems")}>
                            { count }<span class="visually-hidden">{ " problems" }</span>
                        </span>
                    }
                    if step.target.is_none() {
                        <span class="badge muted" title="Centred step, no target">{ "centred" }</span>
                    }
                </button>
            </li>
        }
    };

    let add = {
        let on_add = p.on_add.clone();
        Callback::from(move |_| on_add.emit(()))
    };
    html! {
        <nav class="step-list" aria-label="Steps">
            <h3>{ format!("Steps ({len})") }</h3>
            <p id="step-list-help" class="hint">
                { "Drag to reorder, or focus a step and press Alt+↑ / Alt+↓." }
            </p>
            <ol>{ for p.steps.iter().enumerate().map(|(i, s)| item(i, s)) }</ol>
            <button type="button" class="small" onclick={add}>{ "+ Add step" }</button>
            <p class="visually-hidden" aria-live="polite">{ (*announcement).clone() }</p>
        </nav>
    }
}

#[cfg(test)]
mod tests {
    use super::key_move;

    #[test]
    fn alt_arrows_move_a_step_within_the_list_only() {
        assert_eq!(key_move("ArrowUp", true, 2, 3), Some(1));
        assert_eq!(key_move("ArrowDown", true, 0, 3), Some(1));
        assert_eq!(key_move("ArrowDown", true, 2, 3), None);
        assert_eq!(key_move("ArrowUp", true, 0, 3), None);
        assert_eq!(key_move("Home", true, 2, 3), Some(0));
        assert_eq!(key_move("End", true, 0, 3), Some(2));
        assert_eq!(
            key_move("ArrowUp", false, 2, 3),
            None,
            "plain arrows only select"
        );
    }
}
