//! The parts only tips and checklists have: a tip's element and text, and a
//! checklist's items (each the tour whose completion ticks it).

use waymark::guide::{ChecklistItem, Target, Tip, TipTrigger};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::fields::{CheckField, MarkdownPreview, SelectField, TextField};
use super::step_form::{placement, PLACEMENTS};
use super::target_field::TargetField;
use crate::problems::{field_id, Problems};

#[derive(Properties, PartialEq)]
pub struct TipFormProps {
    pub tip: Tip,
    pub problems: Problems,
    pub onchange: Callback<Tip>,
    pub on_pick: Callback<()>,
    pub picking: bool,
}

#[function_component(TipForm)]
pub fn tip_form(p: &TipFormProps) -> Html {
    let edit = |change: fn(&mut Tip, String)| {
        let (tip, onchange) = (p.tip.clone(), p.onchange.clone());
        Callback::from(move |value: String| {
            let mut next = tip.clone();
            change(&mut next, value);
            onchange.emit(next)
        })
    };
    let on_target = {
        let (tip, onchange) = (p.tip.clone(), p.onchange.clone());
        Callback::from(move |target: Option<Target>| {
            if let Some(target) = target {
                onchange.emit(Tip {
                    target,
                    ..tip.clone()
                })
            }
        })
    };
    let on_beacon = {
        let (tip, onchange) = (p.tip.clone(), p.onchange.clone());
        Callback::from(move |beacon: bool| {
            onchange.emit(Tip {
                beacon,
                ..tip.clone()
            })
        })
    };
    let show_on = match p.tip.show_on {
        TipTrigger::Hover => "hover",
        TipTrigger::Focus => "focus",
        TipTrigger::Click => "click",
    };
    html! {
        <section class="tip-form" aria-labelledby="tip-heading">
            <h3 id="tip-heading">{ "The tip" }</h3>
            <TargetField path="tip.target" target={Some(p.tip.target.clone())} onchange={on_target}
                problems={p.problems.clone()} on_pick={p.on_pick.clone()} picking={p.picking} />
            <TextField label="Title" path="tip.title" value={p.tip.title.clone()}
                onchange={edit(|t, v| t.title = v)} problems={p.problems.clone()} />
            <div class="body-editor">
                <TextField label="Body" path="tip.body" value={p.tip.body.clone()} multiline=true
                    onchange={edit(|t, v| t.body = v)} problems={p.problems.clone()}
                    hint="**bold**, *italic*, `code`, - lists, [links](https://…)." />
                <div class="field">
                    <span class="label">{ "Preview" }</span>
                    <MarkdownPreview source={p.tip.body.clone()} />
                </div>
            </div>
            <div class="row">
                <SelectField label="Shows on" path="tip.show_on" value={show_on}
                    options={vec![("hover", "Hover or focus"), ("focus", "Focus only"), ("click", "A click on its beacon")]}
                    onchange={edit(|t, v| t.show_on = match v.as_str() {
                        "focus" => TipTrigger::Focus, "click" => TipTrigger::Click, _ => TipTrigger::Hover,
                    })} problems={p.problems.clone()} />
                <SelectField label="Placement" path="tip.placement" value={p.tip.placement.as_str()}
                    options={PLACEMENTS.to_vec()} onchange={edit(|t, v| t.placement = placement(&v))}
                    problems={p.problems.clone()} />
            </div>
            <CheckField label="Draw a pulsing beacon beside the element" path="tip.beacon"
                checked={p.tip.beacon} onchange={on_beacon} />
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct ItemsProps {
    pub items: Vec<ChecklistItem>,
    pub problems: Problems,
    /// Tours of the app, (id, title), to choose each item's tour from.
    pub tours: Vec<(String, String)>,
    pub on_change: Callback<(usize, ChecklistItem)>,
    pub on_add: Callback<()>,
    pub on_remove: Callback<usize>,
    pub on_move: Callback<(usize, usize)>,
}

#[function_component(ChecklistForm)]
pub fn checklist_form(p: &ItemsProps) -> Html {
    let len = p.items.len();
    let row = |i: usize, item: &ChecklistItem| {
        let path = |f: &str| format!("items[{i}].{f}");
        let errors: Vec<String> = ["id", "label", "guide"]
            .iter()
            .flat_map(|f| p.problems.at(&path(f)))
            .collect();
        let change = |f: fn(&mut ChecklistItem, String)| {
            let (item, on_change) = (item.clone(), p.on_change.clone());
            move |value: String| {
                let mut next = item.clone();
                f(&mut next, value);
                on_change.emit((i, next))
            }
        };
        let on_label = change(|it, v| it.label = v);
        let on_id = change(|it, v| it.id = v);
        let on_guide = change(|it, v| it.guide = v);
        let mv = |to: usize| {
            let on_move = p.on_move.clone();
            Callback::from(move |_| on_move.emit((i, to)))
        };
        let remove = {
            let on_remove = p.on_remove.clone();
            Callback::from(move |_| on_remove.emit(i))
        };
        let known = p.tours.iter().any(|(id, _)| *id == item.guide);
        html! {
            <li class={classes!("item-row", (!errors.is_empty()).then_some("invalid"))}>
                <span class="step-number">{ i + 1 }</span>
                <input id={field_id(&path("label"))} type="text" value={item.label.clone()}
                    aria-label={format!("Label of item {}", i + 1)} placeholder="Raise your first requisition"
                    oninput={Callback::from(move |e: InputEvent| on_label(e.target_unchecked_into::<HtmlInputElement>().value()))} />
                <select id={field_id(&path("guide"))} aria-label={format!("Tour of item {}", i + 1)}
                    onchange={Callback::from(move |e: Event| on_guide(e.target_unchecked_into::<HtmlSelectElement>().value()))}>
                    <option value="" selected={item.guide.is_empty()}>{ "Choose a tour…" }</option>
                    if !known && !item.guide.is_empty() {
                        <option value={item.guide.clone()} selected=true>{ format!("{} (not found)", item.guide) }</option>
                    }
                    { for p.tours.iter().map(|(id, title)| html! {
                        <option value={id.clone()} selected={*id == item.guide}>{ format!("{title} ({id})") }</option>
                    }) }
                </select>
                <input id={field_id(&path("id"))} type="text" class="code narrow" value={item.id.clone()}
                    aria-label={format!("Id of item {}", i + 1)}
                    oninput={Callback::from(move |e: InputEvent| on_id(e.target_unchecked_into::<HtmlInputElement>().value()))} />
                <button type="button" class="icon" disabled={i == 0} onclick={mv(i.saturating_sub(1))}
                    aria-label={format!("Move item {} up", i + 1)}>{ "↑" }</button>
                <button type="button" class="icon" disabled={i + 1 >= len} onclick={mv(i + 1)}
                    aria-label={format!("Move item {} down", i + 1)}>{ "↓" }</button>
                <button type="button" class="icon" onclick={remove}
                    aria-label={format!("Remove item {}", i + 1)}>{ "×" }</button>
                if !errors.is_empty() {
                    <div class="field-error">{ for errors.iter().map(|e| html! { <p>{ e }</p> }) }</div>
                }
            </li>
        }
    };
    let add = {
        let on_add = p.on_add.clone();
        Callback::from(move |_| on_add.emit(()))
    };
    let own = p.problems.exactly("items");
    html! {
        <section class="checklist-form" aria-labelledby="items-heading" id="f-items">
            <h3 id="items-heading">{ format!("Items ({len})") }</h3>
            <p class="hint">{ "Each item is ticked when the user completes its tour." }</p>
            if !own.is_empty() {
                <div class="field-error">{ for own.iter().map(|e| html! { <p>{ e }</p> }) }</div>
            }
            <ol class="items">{ for p.items.iter().enumerate().map(|(i, it)| row(i, it)) }</ol>
            <button type="button" class="small" onclick={add}>{ "+ Add item" }</button>
        </section>
    }
}
