//! One tour step's form: what it says (with a live preview of the safe markdown),
//! what it points at, where it lives, and what moves the tour on.

use waymark::guide::{Advance, OnMissing, Placement, Step, Target};
use yew::prelude::*;

use super::fields::{CheckField, MarkdownPreview, NumberField, SelectField, TextField};
use super::target_field::TargetField;
use crate::problems::Problems;

/// The placements the core knows, as the format spells them.
pub const PLACEMENTS: [(&str, &str); 12] = [
    ("bottom", "Below"),
    ("bottom-start", "Below, start"),
    ("bottom-end", "Below, end"),
    ("top", "Above"),
    ("top-start", "Above, start"),
    ("top-end", "Above, end"),
    ("right", "Right"),
    ("right-start", "Right, start"),
    ("right-end", "Right, end"),
    ("left", "Left"),
    ("left-start", "Left, start"),
    ("left-end", "Left, end"),
];

/// A placement from its name, through the core's serde spelling.
pub fn placement(name: &str) -> Placement {
    serde_json::from_value(serde_json::Value::String(name.to_owned())).unwrap_or_default()
}

/// How a step advances, keeping the pattern when switching between kinds that have one.
pub fn advance_of_kind(kind: &str, old: &Advance) -> Advance {
    let text = match old {
        Advance::Input { pattern } | Advance::Url { pattern } => pattern.clone(),
        Advance::Visible { selector } => selector.clone(),
        Advance::Next | Advance::Click => String::new(),
    };
    match kind {
        "click" => Advance::Click,
        "input" => Advance::Input { pattern: text },
        "url" => Advance::Url { pattern: text },
        "visible" => Advance::Visible { selector: text },
        _ => Advance::Next,
    }
}

#[derive(Properties, PartialEq)]
pub struct StepFormProps {
    pub index: usize,
    pub count: usize,
    pub step: Step,
    pub problems: Problems,
    pub onchange: Callback<Step>,
    pub on_duplicate: Callback<()>,
    pub on_remove: Callback<()>,
    pub on_move: Callback<(usize, usize)>,
    pub on_pick: Callback<()>,
    pub picking: bool,
}

#[function_component(StepForm)]
pub fn step_form(p: &StepFormProps) -> Html {
    let i = p.index;
    let path = |field: &str| AttrValue::from(format!("steps[{i}].{field}"));
    let edit = |change: fn(&mut Step, String)| {
        let (step, onchange) = (p.step.clone(), p.onchange.clone());
        Callback::from(move |value: String| {
            let mut next = step.clone();
            change(&mut next, value);
            onchange.emit(next)
        })
    };
    let on_target = {
        let (step, onchange) = (p.step.clone(), p.onchange.clone());
        Callback::from(move |target: Option<Target>| {
            let mut next = step.clone();
            if target.is_none() && matches!(next.advance, Advance::Click | Advance::Input { .. }) {
                next.advance = Advance::Next;
            }
            next.target = target;
            onchange.emit(next)
        })
    };
    let on_stuck = {
        let (step, onchange) = (p.step.clone(), p.onchange.clone());
        Callback::from(move |n: Option<u32>| {
            onchange.emit(Step {
                stuck_after_s: n,
                ..step.clone()
            })
        })
    };
    let on_interaction = {
        let (step, onchange) = (p.step.clone(), p.onchange.clone());
        Callback::from(move |on: bool| {
            onchange.emit(Step {
                allow_interaction: on,
                ..step.clone()
            })
        })
    };
    let advance_value = match &p.step.advance {
        Advance::Input { pattern } | Advance::Url { pattern } => Some(pattern.clone()),
        Advance::Visible { selector } => Some(selector.clone()),
        _ => None,
    };
    let (advance_label, advance_field, advance_hint) = match &p.step.advance {
        Advance::Input { .. } => (
            "Pattern the typed value must match",
            "pattern",
            "A regular expression, e.g. ^[0-9]{4}$ for four digits.",
        ),
        Advance::Url { .. } => (
            "URL pattern to reach",
            "pattern",
            "e.g. /orders/:id or /approvals/**",
        ),
        _ => (
            "Selector that must become visible",
            "selector",
            "e.g. .toast or [data-testid=saved]",
        ),
    };
    let button = |label: &'static str, enabled: bool, cb: Callback<()>| {
        html! {
            <button type="button" class="small" disabled={!enabled}
                onclick={Callback::from(move |_| cb.emit(()))}>{ label }</button>
        }
    };
    let moved = |to: usize| {
        let on_move = p.on_move.clone();
        Callback::from(move |_| on_move.emit((i, to)))
    };
    html! {
        <section class="step-form" aria-labelledby="step-form-heading">
            <header class="form-head">
                <h3 id="step-form-heading">{ format!("Step {} of {}", i + 1, p.count) }</h3>
                <div class="button-row">
                    { button("Move up", i > 0, moved(i.saturating_sub(1))) }
                    { button("Move down", i + 1 < p.count, moved(i + 1)) }
                    { button("Duplicate", true, p.on_duplicate.clone()) }
                    <button type="button" class="small danger" disabled={p.count <= 1}
                        onclick={let cb = p.on_remove.clone(); Callback::from(move |_| cb.emit(()))}>
                        { "Delete step" }
                    </button>
                </div>
            </header>
            <div class="row">
                <TextField label="Title" path={path("title")} value={p.step.title.clone()}
                    onchange={edit(|s, v| s.title = v)} problems={p.problems.clone()} />
                <TextField label="Step id" path={path("id")} value={p.step.id.clone()} code=true
                    onchange={edit(|s, v| s.id = v)} problems={p.problems.clone()}
                    hint="Lowercase letters, digits, - or _. Translations and analytics use it." />
            </div>
            <div class="body-editor">
                <TextField label="Body" path={path("body")} value={p.step.body.clone()} multiline=true
                    rows={6} onchange={edit(|s, v| s.body = v)} problems={p.problems.clone()}
                    hint="**bold**, *italic*, `code`, - lists, [links](https://…). HTML is shown as text." />
                <div class="field">
                    <span class="label">{ "Preview" }</span>
                    <MarkdownPreview source={p.step.body.clone()} />
                </div>
            </div>
            <TargetField path={path("target")} target={p.step.target.clone()} onchange={on_target}
                problems={p.problems.clone()} optional=true on_pick={p.on_pick.clone()}
                picking={p.picking} />
            <div class="row">
                <TextField label="Page" path={path("page")} code=true
                    value={p.step.page.clone().unwrap_or_default()}
                    onchange={edit(|s, v| s.page = Some(v).filter(|v| !v.trim().is_empty()))}
                    problems={p.problems.clone()} placeholder="/orders/:id"
                    hint="The URL pattern of the page this step is on. Empty: any page the guide matches." />
                <SelectField label="Popover placement" path={path("placement")}
                    value={p.step.placement.as_str()} options={PLACEMENTS.to_vec()}
                    onchange={edit(|s, v| s.placement = placement(&v))} problems={p.problems.clone()} />
            </div>
            <div class="row">
                <SelectField label="Moves on when" path={path("advance")}
                    value={p.step.advance.name()}
                    options={vec![("next", "The user presses Next"), ("click", "The user clicks the target"),
                        ("input", "The user types a matching value"), ("url", "The page URL changes to…"),
                        ("visible", "An element appears…")]}
                    onchange={edit(|s, v| s.advance = advance_of_kind(&v, &s.advance))}
                    problems={p.problems.clone()} />
                if let Some(value) = advance_value {
                    <TextField label={advance_label} path={path(&format!("advance.{advance_field}"))}
                        value={value} code=true problems={p.problems.clone()} hint={advance_hint}
                        onchange={edit(|s, v| s.advance = match &s.advance {
                            Advance::Input { .. } => Advance::Input { pattern: v },
                            Advance::Url { .. } => Advance::Url { pattern: v },
                            _ => Advance::Visible { selector: v },
                        })} />
                }
            </div>
            <div class="row">
                <SelectField label="If the target never appears" path={path("on_missing")}
                    value={if p.step.on_missing == OnMissing::Skip { "skip" } else { "stuck" }}
                    options={vec![("stuck", "Offer help (the user is stuck)"), ("skip", "Skip the step")]}
                    onchange={edit(|s, v| s.on_missing = if v == "skip" { OnMissing::Skip } else { OnMissing::Stuck })}
                    problems={p.problems.clone()} />
                <NumberField label="Offer help after (s)" path={path("stuck_after_s")}
                    value={p.step.stuck_after_s} onchange={on_stuck} problems={p.problems.clone()}
                    placeholder="guide default" hint="5 to 3600. Empty: the guide's setting." />
            </div>
            <CheckField label="Let the user use the page around the highlighted element"
                path={path("allow_interaction")} checked={p.step.allow_interaction}
                onchange={on_interaction} />
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn switching_the_advance_kind_keeps_what_was_typed() {
        let input = Advance::Input {
            pattern: "^\\d+$".into(),
        };
        assert_eq!(
            advance_of_kind("url", &input),
            Advance::Url {
                pattern: "^\\d+$".into()
            }
        );
        assert_eq!(advance_of_kind("click", &input), Advance::Click);
        assert_eq!(
            advance_of_kind("visible", &Advance::Next),
            Advance::Visible {
                selector: String::new()
            }
        );
    }

    #[test]
    fn every_placement_name_round_trips_through_the_core() {
        for (name, _) in PLACEMENTS {
            assert_eq!(placement(name).as_str(), name);
        }
    }
}
