//! A guide's funnel: users who reached each step as horizontal bars, with the share
//! who dropped off before the next step. Plain HTML: the numbers are text a screen
//! reader reads in order, the bars are decoration beside them.

use std::collections::BTreeMap;

use waymark::metrics::Funnel;
use yew::prelude::*;

use crate::charts::{conversion, funnel_bars};
use crate::format::{percent, thousands};
use crate::insights::step_href;

#[derive(Properties, PartialEq)]
pub struct FunnelChartProps {
    pub funnel: Funnel,
    /// The guides' titles by id, when the editor could load them.
    pub titles: BTreeMap<String, String>,
}

#[function_component(FunnelChart)]
pub fn funnel_chart(p: &FunnelChartProps) -> Html {
    let f = &p.funnel;
    let title = p
        .titles
        .get(&f.guide)
        .cloned()
        .unwrap_or_else(|| f.guide.clone());
    let heading_id = format!("funnel-{}", f.guide);
    let reached = conversion(&f.steps).and_then(|c| percent(Some(c)));
    html! {
        <section class="funnel" aria-labelledby={heading_id.clone()} data-guide={f.guide.clone()}>
            <h3 id={heading_id}>
                <a href={step_href(&f.guide, "")}>{ title }</a>
                <span class="muted code small">{ format!(" {}", f.guide) }</span>
            </h3>
            if let Some(reached) = reached {
                <p class="hint">{ format!("{reached} of the users who saw the first step reached the last.") }</p>
            }
            <ol class="funnel-steps">
                { for funnel_bars(&f.steps).into_iter().map(|b| {
                    let name = if b.step.is_empty() { "(unknown step)".to_owned() } else { b.step.clone() };
                    html! {
                        <li class="funnel-step">
                            <div class="funnel-row">
                                <a class="funnel-name" href={step_href(&f.guide, &b.step)} title={name.clone()}>
                                    <span class="step-number">{ b.index + 1 }</span>{ name }
                                </a>
                                <span class="funnel-track" aria-hidden="true">
                                    <span class="funnel-bar" style={format!("width: {:.1}%", b.width_pct)}></span>
                                </span>
                                <span class="funnel-users">{ format!("{} {}", thousands(b.users), if b.users == 1 { "user" } else { "users" }) }</span>
                            </div>
                            if let Some(drop) = percent(b.drop_off) {
                                <p class={classes!("drop-off", b.drop_off.is_some_and(|d| d >= 0.3).then_some("high"))}>
                                    { format!("↓ {drop} dropped off before the next step") }
                                </p>
                            }
                        </li>
                    }
                }) }
            </ol>
        </section>
    }
}
