//! The element a step or tip points at: ordered fallback selectors, the text to
//! match, how long to wait, and the button that picks it in the app.

use waymark::guide::{Target, DEFAULT_WAIT_MS};
use yew::prelude::*;

use super::fields::{ListField, NumberField, TextField};
use crate::problems::Problems;

#[derive(Properties, PartialEq)]
pub struct TargetProps {
    /// `steps[2].target` or `tip.target`.
    pub path: AttrValue,
    pub target: Option<Target>,
    pub onchange: Callback<Option<Target>>,
    pub problems: Problems,
    /// A step may have no target (a centred step); a tip may not.
    #[prop_or_default]
    pub optional: bool,
    /// Asks for the element picker, in the app panel.
    pub on_pick: Callback<()>,
    /// The picker is waiting for a click in the app for this target.
    #[prop_or_default]
    pub picking: bool,
}

#[function_component(TargetField)]
pub fn target_field(p: &TargetProps) -> Html {
    let pick_button = {
        let on_pick = p.on_pick.clone();
        html! {
            <button type="button" class={classes!("primary-outline", p.picking.then_some("active"))}
                onclick={Callback::from(move |_| on_pick.emit(()))} aria-pressed={p.picking.to_string()}>
                { if p.picking { "Click an element in the app…" } else { "Pick element in app" } }
            </button>
        }
    };
    let Some(target) = p.target.clone() else {
        let onchange = p.onchange.clone();
        let add = Callback::from(move |_| {
            onchange.emit(Some(Target {
                css: vec![String::new()],
                text: None,
                wait_ms: DEFAULT_WAIT_MS,
            }))
        });
        return html! {
            <fieldset class="target">
                <legend>{ "Target element" }</legend>
                <p class="hint">{ "No target: the step shows in the middle of the page." }</p>
                <div class="button-row">
                    { pick_button }
                    <button type="button" class="small" onclick={add}>{ "Type a selector" }</button>
                </div>
            </fieldset>
        };
    };
    let path = p.path.to_string();
    let set = {
        let onchange = p.onchange.clone();
        let target = target.clone();
        move |change: &dyn Fn(&mut Target)| {
            let mut next = target.clone();
            change(&mut next);
            onchange.emit(Some(next));
        }
    };
    let on_css = {
        let set = set.clone();
        Callback::from(move |css: Vec<String>| set(&|t| t.css = css.clone()))
    };
    let on_text = {
        let set = set.clone();
        Callback::from(move |text: String| {
            set(&|t| t.text = Some(text.clone()).filter(|s| !s.is_empty()))
        })
    };
    let on_wait =
        Callback::from(move |ms: Option<u32>| set(&|t| t.wait_ms = ms.unwrap_or(DEFAULT_WAIT_MS)));
    let remove = {
        let onchange = p.onchange.clone();
        Callback::from(move |_| onchange.emit(None))
    };
    html! {
        <fieldset class="target">
            <legend>{ "Target element" }</legend>
            <div class="button-row">
                { pick_button }
                if p.optional {
                    <button type="button" class="small" onclick={remove}>{ "No target (centred step)" }</button>
                }
            </div>
            <ListField label="Selector" path={format!("{path}.css")} values={target.css.clone()}
                onchange={on_css} problems={p.problems.clone()} add_label="Add a fallback selector"
                placeholder="[data-testid=save]"
                hint="Tried in order; the first that finds an element wins. Pick in the app to get ranked choices." />
            <div class="row">
                <TextField label="Only if its text contains" path={format!("{path}.text")}
                    value={target.text.clone().unwrap_or_default()} onchange={on_text}
                    problems={p.problems.clone()} hint="Optional. Case does not matter." />
                <NumberField label="Wait for it (ms)" path={format!("{path}.wait_ms")}
                    value={Some(target.wait_ms)} onchange={on_wait} problems={p.problems.clone()}
                    hint="Up to 60000." />
            </div>
        </fieldset>
    }
}
