//! The kind-specific part of a guide: a tour's steps (list and the selected step's
//! form), a tip, or a checklist's items.

use waymark::guide::{Guide, Kind};
use yew::prelude::*;

use super::kind_forms::{ChecklistForm, TipForm};
use super::step_form::StepForm;
use super::step_list::StepList;
use crate::model::{Edit, Slot};
use crate::problems::Problems;

#[derive(Properties, PartialEq)]
pub struct ContentProps {
    pub guide: Guide,
    pub problems: Problems,
    pub selected: usize,
    pub on_select: Callback<usize>,
    pub on_edit: Callback<Edit>,
    /// Asks for the element picker for a target, named for the agent.
    pub on_pick: Callback<(Slot, String)>,
    /// The target the picker is filling in, if any.
    pub picking: Option<Slot>,
    /// The app's tours, (id, title), for checklist items.
    pub tours: Vec<(String, String)>,
}

#[function_component(Content)]
pub fn content(p: &ContentProps) -> Html {
    let g = &p.guide;
    let edit = |make: fn(usize) -> Edit, i: usize| {
        let on_edit = p.on_edit.clone();
        Callback::from(move |_| on_edit.emit(make(i)))
    };
    match g.kind {
        Kind::Tour => {
            let count = g.steps.len();
            let i = p.selected.min(count.saturating_sub(1));
            let own = p.problems.exactly("steps");
            let on_move = {
                let (on_edit, on_select) = (p.on_edit.clone(), p.on_select.clone());
                Callback::from(move |(from, to): (usize, usize)| {
                    on_edit.emit(Edit::StepMoved { from, to });
                    on_select.emit(to);
                })
            };
            let on_add = {
                let (on_edit, on_select) = (p.on_edit.clone(), p.on_select.clone());
                Callback::from(move |_| {
                    on_edit.emit(Edit::StepAdded);
                    on_select.emit(count);
                })
            };
            let form = g.steps.get(i).map(|step| {
                let onchange = {
                    let on_edit = p.on_edit.clone();
                    Callback::from(move |s| on_edit.emit(Edit::StepChanged(i, Box::new(s))))
                };
                let on_remove = {
                    let (on_edit, on_select) = (p.on_edit.clone(), p.on_select.clone());
                    Callback::from(move |_| {
                        on_edit.emit(Edit::StepRemoved(i));
                        on_select.emit(i.saturating_sub(1));
                    })
                };
                let on_duplicate = {
                    let (on_edit, on_select) = (p.on_edit.clone(), p.on_select.clone());
                    Callback::from(move |_| {
                        on_edit.emit(Edit::StepDuplicated(i));
                        on_select.emit(i + 1);
                    })
                };
                let on_pick = {
                    let on_pick = p.on_pick.clone();
                    Callback::from(move |_| {
                        on_pick.emit((Slot::Step(i), format!("step {}", i + 1)))
                    })
                };
                html! {
                    <StepForm index={i} {count} step={step.clone()} problems={p.problems.clone()}
                        {onchange} {on_duplicate} {on_remove} on_move={on_move.clone()} {on_pick}
                        picking={p.picking == Some(Slot::Step(i))} />
                }
            });
            html! {
                <div class="steps-layout">
                    <StepList steps={g.steps.clone()} selected={i} problems={p.problems.clone()}
                        on_select={p.on_select.clone()} {on_move} {on_add} />
                    <div id="f-steps">
                        if !own.is_empty() {
                            <div class="field-error">{ for own.iter().map(|e| html! { <p>{ e }</p> }) }</div>
                        }
                        { form.unwrap_or_default() }
                    </div>
                </div>
            }
        }
        Kind::Tip => match &g.tip {
            Some(tip) => {
                let onchange = {
                    let on_edit = p.on_edit.clone();
                    Callback::from(move |t| on_edit.emit(Edit::TipChanged(Box::new(t))))
                };
                let on_pick = {
                    let on_pick = p.on_pick.clone();
                    Callback::from(move |_| on_pick.emit((Slot::Tip, "the tip".to_owned())))
                };
                html! {
                    <TipForm tip={tip.clone()} problems={p.problems.clone()} {onchange} {on_pick}
                        picking={p.picking == Some(Slot::Tip)} />
                }
            }
            None => {
                html! { <p class="error">{ "This tip has no tip part; change its kind in Settings or edit the JSON." }</p> }
            }
        },
        Kind::Checklist => {
            let on_change = {
                let on_edit = p.on_edit.clone();
                Callback::from(move |(i, item)| on_edit.emit(Edit::ItemChanged(i, item)))
            };
            let on_move = {
                let on_edit = p.on_edit.clone();
                Callback::from(move |(from, to)| on_edit.emit(Edit::ItemMoved { from, to }))
            };
            let on_remove = {
                let on_edit = p.on_edit.clone();
                Callback::from(move |i| on_edit.emit(Edit::ItemRemoved(i)))
            };
            html! {
                <ChecklistForm items={g.items.clone()} problems={p.problems.clone()} tours={p.tours.clone()}
                    {on_change} {on_move} {on_remove} on_add={edit(|_| Edit::ItemAdded, 0)} />
            }
        }
    }
}
