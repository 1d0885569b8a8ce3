//! The Insights page's key figures, one tile each: deflection rate, tickets filed
//! and avoided, cost avoided, runs and completion. A figure that cannot be computed
//! yet reads "—" with a line saying why, never 0% or NaN.

use std::rc::Rc;

use waymark::metrics::Insights;
use yew::prelude::*;

use crate::format::{amount, duration, percent, ratio, thousands};

#[derive(Properties, PartialEq)]
pub struct InsightTilesProps {
    pub insights: Rc<Insights>,
}

/// One tile: the figure (or `None` for "—"), a line beside it, and a hint.
fn tile(
    key: &'static str,
    label: &'static str,
    value: Option<String>,
    beside: Html,
    hint: String,
) -> Html {
    let missing = value.is_none();
    html! {
        <li class="tile" data-tile={key}>
            <h3 class="tile-label">{ label }</h3>
            <p class={classes!("tile-value", missing.then_some("none"))}>
                { value.unwrap_or_else(|| "—".to_owned()) }
            </p>
            <p class="tile-beside">{ beside }</p>
            <p class="hint">{ hint }</p>
        </li>
    }
}

fn or_dash(value: Option<String>) -> String {
    value.unwrap_or_else(|| "—".to_owned())
}

#[function_component(InsightTiles)]
pub fn insight_tiles(p: &InsightTilesProps) -> Html {
    let i = &*p.insights;
    let resolved = i.resolved_confirmed + i.resolved_potential;
    let deflection = tile(
        "deflection",
        "Deflection rate",
        percent(i.deflection_rate),
        html! { <>{ "Confirmed only: " }<strong>{ or_dash(percent(i.confirmed_deflection_rate)) }</strong></> },
        match i.deflection_rate {
            Some(_) => format!(
                "{} of {} help sessions ended resolved rather than ticketed. Self-service score: {}.",
                thousands(resolved),
                thousands(resolved + i.ticketed),
                or_dash(ratio(i.self_service_score))
            ),
            None => "No help session has ended resolved or ticketed in this range yet.".to_owned(),
        },
    );
    let filed = tile(
        "tickets-filed",
        "Tickets filed",
        Some(thousands(i.tickets_filed)),
        html! { <>{ "Help sessions ending in a ticket: " }<strong>{ thousands(i.ticketed) }</strong></> },
        format!(
            "Of {} help sessions; {} were abandoned.",
            thousands(i.help_sessions),
            thousands(i.abandoned)
        ),
    );
    let avoided = tile(
        "tickets-avoided",
        "Tickets avoided",
        Some(thousands(i.tickets_avoided)),
        html! { <>{ "Confirmed: " }<strong>{ thousands(i.resolved_confirmed) }</strong>{ format!(" · potential: {}", thousands(i.resolved_potential)) }</> },
        "Resolved help sessions. Confirmed: the user answered “yes” to “Did this solve it?”."
            .to_owned(),
    );
    let cost = tile(
        "cost-avoided",
        "Cost avoided",
        amount(i.cost_avoided),
        html! { <>{ "Confirmed only: " }<strong>{ or_dash(amount(i.cost_avoided_confirmed)) }</strong></> },
        "Tickets avoided × the configured cost of an L1 ticket.".to_owned(),
    );
    let runs = tile(
        "runs",
        "Guide runs",
        Some(thousands(i.runs_started)),
        html! { <>{ "Completed: " }<strong>{ thousands(i.runs_completed) }</strong></> },
        "Runs of any guide started in this range, however they were started.".to_owned(),
    );
    let completion = tile(
        "completion",
        "Completion rate",
        percent(i.completion_rate),
        html! { <>{ "Median time to complete: " }<strong>{ or_dash(i.median_time_to_complete_ms.map(duration)) }</strong></> },
        match i.completion_rate {
            Some(_) => "Completed runs ÷ started runs.".to_owned(),
            None => "No guide run started in this range yet.".to_owned(),
        },
    );
    html! {
        <section aria-labelledby="tiles-heading">
            <h2 id="tiles-heading" class="visually-hidden">{ "Key figures" }</h2>
            <ul class="tiles">
                { deflection }{ filed }{ avoided }{ cost }{ runs }{ completion }
            </ul>
        </section>
    }
}
