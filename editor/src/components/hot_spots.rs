//! Where users get stuck: (guide, step, signal) counted, most frequent first, each
//! step a link to its form in the guide editor so the agent can fix it there.

use std::collections::BTreeMap;

use waymark::metrics::StuckSpot;
use yew::prelude::*;

use crate::format::thousands;
use crate::insights::{hot_spots, signal_label, step_href};

/// Rows shown before "Show all".
const FIRST_ROWS: usize = 12;

#[derive(Properties, PartialEq)]
pub struct HotSpotsProps {
    pub stuck: Vec<StuckSpot>,
    pub titles: BTreeMap<String, String>,
    /// 1-based step positions by (guide, step id), from the funnels.
    pub numbers: BTreeMap<(String, String), usize>,
}

#[function_component(HotSpots)]
pub fn hot_spots_table(p: &HotSpotsProps) -> Html {
    let all = use_state(|| false);
    let spots = hot_spots(&p.stuck);
    if spots.is_empty() {
        return html! { <p class="empty small">{ "No stuck signals in this range: nobody lingered, rage-clicked, missed a target or asked for help on a step." }</p> };
    }
    let most = spots.first().map_or(1, |s| s.count.max(1));
    let shown = if *all {
        spots.len()
    } else {
        FIRST_ROWS.min(spots.len())
    };
    html! {
        <>
            <table class="grid hot-spots">
                <thead><tr>
                    <th scope="col">{ "Guide" }</th>
                    <th scope="col">{ "Step" }</th>
                    <th scope="col">{ "Signal" }</th>
                    <th scope="col" class="num">{ "Count" }</th>
                </tr></thead>
                <tbody>
                    { for spots.iter().take(shown).map(|s| {
                        let title = p.titles.get(&s.guide).cloned().unwrap_or_else(|| s.guide.clone());
                        let step = match p.numbers.get(&(s.guide.clone(), s.step.clone())) {
                            Some(n) => format!("Step {n} · {}", s.step),
                            None if s.step.is_empty() => "The whole guide".to_owned(),
                            None => s.step.clone(),
                        };
                        let share = s.count as f64 / most as f64 * 100.0;
                        html! {
                            <tr>
                                <td>{ title.clone() }</td>
                                <td><a class="step-link" href={step_href(&s.guide, &s.step)}
                                    aria-label={format!("{step} of {title}: open in the editor")}>{ step.clone() }</a></td>
                                <td>{ signal_label(&s.signal) }</td>
                                <td class="num">
                                    <span class="count-cell">
                                        <span class="count-track" aria-hidden="true">
                                            <span class="count-bar" style={format!("width: {share:.0}%")}></span>
                                        </span>
                                        <span class="count-number">{ thousands(s.count) }</span>
                                    </span>
                                </td>
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
            if spots.len() > FIRST_ROWS {
                <button type="button" class="link small show-all" onclick={ let all = all.clone(); Callback::from(move |_| all.set(!*all)) }>
                    { if *all { "Show fewer".to_owned() } else { format!("Show all {} hot spots", spots.len()) } }
                </button>
            }
        </>
    }
}
