//! The Insights page for admins: do the guides deflect tickets, where do users drop
//! off, where do they get stuck. Filters (days, guide, segment) refetch the
//! server's figures (`GET /v1/apps/{app}/insights`); the same figures download as
//! CSV. The figures are the core's [`waymark::metrics::Insights`]; this page only
//! lays them out in tiles, a chart, funnels and a table.

use std::collections::BTreeMap;
use std::rc::Rc;

use waymark::metrics::Insights;
use waymark::wire::Day;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::platform::spawn_local;
use yew::prelude::*;

use super::deflection_chart::DeflectionChart;
use super::funnel_chart::FunnelChart;
use super::hot_spots::HotSpots;
use super::insight_tiles::InsightTiles;
use crate::api::{Api, ApiError, DraftSummary, InsightsQuery};
use crate::charts::buckets;
use crate::days;
use crate::insights::{csv_file_name, has_events, range_of, step_numbers, with_defaults};
use crate::route::{split_query, Route};

/// Most bars the chart draws; longer ranges are drawn by week.
const MAX_BARS: usize = 62;

#[derive(Properties, PartialEq)]
pub struct InsightsPageProps {
    pub api: Api,
    pub app: AttrValue,
    pub on_error: Callback<ApiError>,
}

#[derive(Clone, Copy, PartialEq)]
enum Field {
    From,
    To,
    Guide,
    Segment,
}

#[function_component(InsightsPage)]
pub fn insights_page(p: &InsightsPageProps) -> Html {
    // The filters live in the address too, so a reload, a shared link or "Back"
    // from a step opened here shows the same figures.
    let query = use_state(|| {
        let today = days::day_of_ms(js_sys::Date::now());
        let hash = crate::browser::hash();
        with_defaults(InsightsQuery::parse(split_query(&hash).1), today)
    });
    {
        use_effect_with((*query).clone(), |query| {
            crate::browser::replace_hash(&format!(
                "{}{}",
                Route::Insights.to_hash(),
                query.query_string()
            ));
        });
    }
    let figures = use_state(|| None::<Result<Rc<Insights>, ApiError>>);
    let loading = use_state(|| false);
    let reload = use_state(|| 0u32);
    // Answers to earlier queries that arrive late must not replace newer ones.
    let serial = use_mut_ref(|| 0u32);
    let guides = use_state(Vec::<DraftSummary>::new);
    let segments = use_state(Vec::<String>::new);
    let downloading = use_state(|| false);

    // The guides (titles, and the guide filter) and the segments, once per app.
    {
        let (api, app, guides, segments) = (
            p.api.clone(),
            p.app.clone(),
            guides.clone(),
            segments.clone(),
        );
        use_effect_with(p.app.clone(), move |_| {
            spawn_local(async move {
                if let Ok(list) = api.drafts(&app).await {
                    guides.set(list);
                }
                // A server without segments offers no segment filter.
                if let Ok(list) = api.segments(&app).await {
                    segments.set(list);
                }
            });
        });
    }
    // The figures, whenever the app, the filters or "Try again" change.
    {
        let (api, app, figures, loading, serial, on_error) = (
            p.api.clone(),
            p.app.clone(),
            figures.clone(),
            loading.clone(),
            serial.clone(),
            p.on_error.clone(),
        );
        use_effect_with(
            (p.app.clone(), (*query).clone(), *reload),
            move |(_, query, _)| {
                if range_of(query).is_ok() {
                    let mine = *serial.borrow() + 1;
                    *serial.borrow_mut() = mine;
                    loading.set(true);
                    let query = query.clone();
                    spawn_local(async move {
                        let answer = api.insights(&app, &query).await;
                        if *serial.borrow() != mine {
                            return;
                        }
                        if let Err(e @ ApiError::SignedOut(_)) = &answer {
                            on_error.emit(e.clone());
                        }
                        figures.set(Some(answer.map(Rc::new)));
                        loading.set(false);
                    });
                }
            },
        );
    }

    let set = |field: Field| {
        let query = query.clone();
        Callback::from(move |e: Event| {
            let value = match field {
                Field::From | Field::To => e.target_unchecked_into::<HtmlInputElement>().value(),
                Field::Guide | Field::Segment => {
                    e.target_unchecked_into::<HtmlSelectElement>().value()
                }
            };
            let mut next = (*query).clone();
            match field {
                Field::From => next.from = value,
                Field::To => next.to = value,
                Field::Guide => next.guide = value,
                Field::Segment => next.segment = value,
            }
            query.set(next);
        })
    };
    let preset = |n: i64| {
        let query = query.clone();
        Callback::from(move |_| {
            let today = days::day_of_ms(js_sys::Date::now());
            let (from, to) = days::last_days(today, n);
            query.set(InsightsQuery {
                from: Day(from).to_string(),
                to: Day(to).to_string(),
                ..(*query).clone()
            });
        })
    };
    let download = {
        let (api, app, query, downloading, on_error) = (
            p.api.clone(),
            p.app.clone(),
            query.clone(),
            downloading.clone(),
            p.on_error.clone(),
        );
        Callback::from(move |_| {
            let (api, app, query, downloading, on_error) = (
                api.clone(),
                app.clone(),
                (*query).clone(),
                downloading.clone(),
                on_error.clone(),
            );
            downloading.set(true);
            spawn_local(async move {
                match api.insights_csv(&app, &query).await {
                    Ok(text) => crate::browser::download_as(
                        &csv_file_name(&app, &query.from, &query.to),
                        &text,
                        "text/csv",
                    ),
                    Err(e) => on_error.emit(e),
                }
                downloading.set(false);
            });
        })
    };

    let range = range_of(&query);
    let titles: BTreeMap<String, String> = guides
        .iter()
        .map(|g| (g.id.clone(), g.title.clone()))
        .collect();
    let mut guide_choices: Vec<(String, String)> = guides
        .iter()
        .map(|g| (g.id.clone(), g.title.clone()))
        .collect();
    if !query.guide.is_empty() && !guide_choices.iter().any(|(id, _)| *id == query.guide) {
        guide_choices.push((query.guide.clone(), query.guide.clone()));
    }
    let range_presets = [7, 30, 90].map(|n| {
        let active = range.as_ref().is_ok_and(|(from, to)| {
            *to == days::day_of_ms(js_sys::Date::now()) && to - from + 1 == n
        });
        html! {
            <button type="button" class={classes!("small", active.then_some("active"))} aria-pressed={active.to_string()}
                onclick={preset(n)}>{ format!("{n} days") }</button>
        }
    });

    let filters = html! {
        <form class="filters insights-filters" aria-label="Filters" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
            <div class="field date">
                <label for="insights-from">{ "From" }</label>
                <input id="insights-from" type="date" value={query.from.clone()} max={query.to.clone()}
                    onchange={set(Field::From)} aria-invalid={range.is_err().then_some("true")}
                    aria-describedby="insights-range-error" />
            </div>
            <div class="field date">
                <label for="insights-to">{ "To" }</label>
                <input id="insights-to" type="date" value={query.to.clone()} min={query.from.clone()}
                    onchange={set(Field::To)} aria-invalid={range.is_err().then_some("true")}
                    aria-describedby="insights-range-error" />
            </div>
            <div class="field presets" role="group" aria-label="Quick ranges">
                <span class="label" aria-hidden="true">{ "Last" }</span>
                <div class="button-row">{ for range_presets }</div>
            </div>
            <div class="field">
                <label for="insights-guide">{ "Guide" }</label>
                <select id="insights-guide" onchange={set(Field::Guide)}>
                    <option value="" selected={query.guide.is_empty()}>{ "All guides" }</option>
                    { for guide_choices.iter().map(|(id, title)| html! {
                        <option value={id.clone()} selected={query.guide == *id}>{ title }</option>
                    }) }
                </select>
            </div>
            <div class="field">
                <label for="insights-segment">{ "Segment" }</label>
                <select id="insights-segment" onchange={set(Field::Segment)} disabled={segments.is_empty()}
                    title={segments.is_empty().then_some("No segments recorded for this app")}>
                    <option value="" selected={query.segment.is_empty()}>{ "All users" }</option>
                    { for segments.iter().map(|s| html! {
                        <option value={s.clone()} selected={query.segment == *s}>{ s }</option>
                    }) }
                </select>
            </div>
            <div class="field download">
                <button type="button" onclick={download} disabled={*downloading || range.is_err()}>
                    { if *downloading { "Preparing CSV…" } else { "Download CSV" } }
                </button>
            </div>
            <p id="insights-range-error" class="field-error range-error" role="alert">
                { range.as_ref().err().cloned().unwrap_or_default() }
            </p>
        </form>
    };

    let body = match (&*figures, &range) {
        (_, Err(_)) => html! {},
        (None, _) => html! { <p class="muted" role="status">{ "Loading insights…" }</p> },
        (Some(Err(ApiError::NotFound(_))), _) => html! {
            <p class="empty">{ "This Waymark server does not offer insights yet (its /v1/apps/…/insights endpoint is missing). Update the server, then reload." }</p>
        },
        (Some(Err(e)), _) => html! {
            <div class="load-error" role="alert">
                <p class="error">{ format!("The insights could not be loaded: {e}") }</p>
                <button type="button" onclick={ let r = reload.clone(); Callback::from(move |_| r.set(*r + 1)) }>{ "Try again" }</button>
            </div>
        },
        (Some(Ok(i)), _) if !has_events(i) => html! {
            <div class="empty insights-empty">
                <h2>{ "No events in this range" }</h2>
                <p>{ "Waymark counts what users do in guides: runs, steps, stuck signals, help sessions and tickets. Nothing was recorded for these days and filters." }</p>
                <p>{ "Widen the range or choose “All guides”. To see the dashboard before real users arrive, fill the server's database with simulated users:" }</p>
                <pre class="command"><code>{ format!("waymark demo-data --users 200 --days 30 --app {}", p.app) }</code></pre>
            </div>
        },
        (Some(Ok(i)), Ok((from, to))) => {
            let bars = buckets(&i.by_day, *from, *to, MAX_BARS);
            let numbers = step_numbers(&i.funnels);
            html! {
                <>
                    <InsightTiles insights={i.clone()} />
                    <section class="card insights-card" aria-labelledby="over-time-heading">
                        <h2 id="over-time-heading">{ "Deflection over time" }</h2>
                        <p class="hint">{ "Help sessions by the UTC day they started and how they ended. Resolved sessions are tickets avoided." }</p>
                        <DeflectionChart buckets={bars} />
                    </section>
                    <div class="insights-pair">
                        <section class="card insights-card" aria-labelledby="funnels-heading">
                            <h2 id="funnels-heading">{ "Funnels" }</h2>
                            <p class="hint">{ "Users who reached each step of a tour, and the share who went no further." }</p>
                            if i.funnels.is_empty() {
                                <p class="empty small">{ "No tour steps were shown in this range." }</p>
                            }
                            { for i.funnels.iter().map(|f| html! { <FunnelChart funnel={f.clone()} titles={titles.clone()} /> }) }
                        </section>
                        <section class="card insights-card" aria-labelledby="hot-spots-heading">
                            <h2 id="hot-spots-heading">{ "Stuck hot spots" }</h2>
                            <p class="hint">{ "Where users got stuck, most often first. Open a step to fix its target, text or timing." }</p>
                            <HotSpots stuck={i.stuck.clone()} titles={titles.clone()} {numbers} />
                        </section>
                    </div>
                </>
            }
        }
    };
    html! {
        <section class="insights" aria-labelledby="insights-heading" aria-busy={(*loading).to_string()}>
            <header class="page-head">
                <h1 id="insights-heading">{ "Insights" }</h1>
                <p class="range-status small" role="status">
                    { if *loading && figures.is_some() { "Updating…".to_owned() }
                      else if let Ok((from, to)) = &range { format!("{} – {} (UTC)", days::long_label(*from), days::long_label(*to)) }
                      else { String::new() } }
                </p>
            </header>
            { filters }
            <div class={classes!("insights-body", (*loading && figures.is_some()).then_some("updating"))}>{ body }</div>
        </section>
    }
}
