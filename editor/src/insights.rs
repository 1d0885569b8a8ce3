//! What the Insights page says about the server's figures
//! ([`waymark::metrics::Insights`]): names for stuck signals, hot spots in order,
//! the link from a hot spot to its step, whether there is anything to show, and
//! the words that describe the deflection chart to a screen reader. The figures
//! themselves are the core's; this only presents them.

use std::collections::BTreeMap;

use waymark::metrics::{Funnel, Insights, StuckSpot};
use waymark::stuck::StuckSignal;
use waymark::wire::Day;

use crate::api::InsightsQuery;
use crate::charts::Bucket;
use crate::days;
use crate::format::{percent, thousands};
use crate::route::Route;

/// How many days the page shows at first, up to today.
pub const DEFAULT_DAYS: i64 = 30;

/// The page's first query: the last [`DEFAULT_DAYS`] days, every guide, every user.
pub fn default_query(today: i64) -> InsightsQuery {
    let (from, to) = days::last_days(today, DEFAULT_DAYS);
    InsightsQuery {
        from: Day(from).to_string(),
        to: Day(to).to_string(),
        ..InsightsQuery::default()
    }
}

/// A query from the address with the default days where it names none.
pub fn with_defaults(query: InsightsQuery, today: i64) -> InsightsQuery {
    let default = default_query(today);
    InsightsQuery {
        from: Some(query.from)
            .filter(|f| !f.is_empty())
            .unwrap_or(default.from),
        to: Some(query.to)
            .filter(|t| !t.is_empty())
            .unwrap_or(default.to),
        ..query
    }
}

/// The query's days, or what is wrong with them, in words for the date fields.
pub fn range_of(query: &InsightsQuery) -> Result<(i64, i64), String> {
    let day = |text: &str| Day::parse(text.trim()).ok().map(|d| d.0);
    let from = day(&query.from).ok_or("Choose the first day.")?;
    let to = day(&query.to).ok_or("Choose the last day.")?;
    if from > to {
        return Err("The first day is after the last day.".to_owned());
    }
    Ok((from, to))
}

/// A stuck signal as an admin reads it; an unknown one as the server named it.
pub fn signal_label(signal: &str) -> String {
    let known: Option<StuckSignal> =
        serde_json::from_value(serde_json::Value::String(signal.to_owned())).ok();
    match known {
        Some(StuckSignal::Dwell) => "Stayed on the step too long",
        Some(StuckSignal::RageClicks) => "Repeated clicks (rage clicks)",
        Some(StuckSignal::TargetMissing) => "Target never appeared",
        Some(StuckSignal::ErrorShown) => "Error shown in the app",
        Some(StuckSignal::BackAndForth) => "Went back and forth",
        Some(StuckSignal::UserAsked) => "Pressed “I'm stuck”",
        None => return signal.replace('_', " "),
    }
    .to_owned()
}

/// Hot spots, most frequent first; ties by guide, step and signal so the order
/// does not jump between loads.
pub fn hot_spots(stuck: &[StuckSpot]) -> Vec<StuckSpot> {
    let mut out = stuck.to_vec();
    out.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| a.guide.cmp(&b.guide))
            .then_with(|| a.step.cmp(&b.step))
            .then_with(|| a.signal.cmp(&b.signal))
    });
    out
}

/// Where a hot spot's link goes: the step in the guide editor, or the guide when
/// the step is not known.
pub fn step_href(guide: &str, step: &str) -> String {
    let route = if step.is_empty() {
        Route::Guide(guide.to_owned())
    } else {
        Route::Step(guide.to_owned(), step.to_owned())
    };
    format!("#{}", route.to_hash())
}

/// The 1-based position of each step the funnels saw, by (guide, step id).
pub fn step_numbers(funnels: &[Funnel]) -> BTreeMap<(String, String), usize> {
    funnels
        .iter()
        .flat_map(|f| {
            f.steps
                .iter()
                .filter(|s| !s.step.is_empty())
                .map(|s| ((f.guide.clone(), s.step.clone()), s.index + 1))
        })
        .collect()
}

/// Whether any event at all falls in the figures: without one the page explains
/// how to get some instead of drawing empty charts.
pub fn has_events(i: &Insights) -> bool {
    i.help_sessions > 0
        || i.runs_started > 0
        || i.tickets_filed > 0
        || !i.funnels.is_empty()
        || !i.stuck.is_empty()
}

/// `waymark-insights-demo-2026-10-25-2026-11-23.csv`.
pub fn csv_file_name(app: &str, from: &str, to: &str) -> String {
    let safe = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    };
    let mut name = format!("waymark-insights-{}", safe(app));
    for part in [from, to].iter().filter(|p| !p.is_empty()) {
        name.push('-');
        name.push_str(&safe(part));
    }
    name + ".csv"
}

/// The words of one bar, for its tooltip and for screen readers.
pub fn bucket_label(b: &Bucket) -> String {
    let when = if b.first == b.last {
        days::long_label(b.first)
    } else {
        format!(
            "{} – {}",
            days::short_label(b.first),
            days::long_label(b.last)
        )
    };
    let rate = percent(
        (b.resolved + b.ticketed > 0).then(|| b.resolved as f64 / (b.resolved + b.ticketed) as f64),
    );
    let mut text = format!(
        "{when}: {} resolved, {} ticketed, {} abandoned",
        thousands(b.resolved),
        thousands(b.ticketed),
        thousands(b.abandoned)
    );
    if let Some(rate) = rate {
        text.push_str(&format!(" (deflection {rate})"));
    }
    text
}

/// The chart's description: the range, the totals, and the busiest bar.
pub fn chart_description(buckets: &[Bucket]) -> String {
    let (Some(first), Some(last)) = (buckets.first(), buckets.last()) else {
        return "No days in the range.".to_owned();
    };
    let sum = |f: fn(&Bucket) -> usize| buckets.iter().map(f).sum::<usize>();
    let (resolved, ticketed, abandoned) = (
        sum(|b| b.resolved),
        sum(|b| b.ticketed),
        sum(|b| b.abandoned),
    );
    let per = if first.first == first.last {
        "day"
    } else {
        "week"
    };
    let mut text = format!(
        "Help sessions per {per} from {} to {}: {} resolved, {} ticketed, {} abandoned.",
        days::long_label(first.first),
        days::long_label(last.last),
        thousands(resolved),
        thousands(ticketed),
        thousands(abandoned)
    );
    if let Some(busiest) = buckets
        .iter()
        .filter(|b| b.total() > 0)
        .max_by_key(|b| (b.total(), std::cmp::Reverse(b.first)))
    {
        text.push_str(&format!(" Busiest: {}.", bucket_label(busiest)));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use waymark::metrics::FunnelStep;

    fn spot(guide: &str, step: &str, signal: &str, count: usize) -> StuckSpot {
        StuckSpot {
            guide: guide.into(),
            step: step.into(),
            signal: signal.into(),
            count,
        }
    }

    #[test]
    fn the_page_opens_on_the_last_thirty_days_and_checks_the_range() {
        let today = Day::parse("2026-11-23").unwrap().0;
        let q = default_query(today);
        assert_eq!(
            (q.from.as_str(), q.to.as_str()),
            ("2026-10-25", "2026-11-23")
        );
        assert_eq!(range_of(&q), Ok((today - 29, today)));
        let backwards = InsightsQuery {
            from: q.to.clone(),
            to: q.from.clone(),
            ..q.clone()
        };
        assert_eq!(
            range_of(&backwards),
            Err("The first day is after the last day.".into())
        );
        let cleared = InsightsQuery {
            from: String::new(),
            ..q
        };
        assert_eq!(range_of(&cleared), Err("Choose the first day.".into()));
        let from_link = with_defaults(InsightsQuery::parse("to=2026-11-01&guide=g"), today);
        assert_eq!(
            (
                from_link.from.as_str(),
                from_link.to.as_str(),
                from_link.guide.as_str()
            ),
            ("2026-10-25", "2026-11-01", "g"),
            "the address's filters, the default for the rest"
        );
    }

    #[test]
    fn signals_read_as_what_the_user_did() {
        assert_eq!(signal_label("rage_clicks"), "Repeated clicks (rage clicks)");
        assert_eq!(signal_label("user_asked"), "Pressed “I'm stuck”");
        assert_eq!(signal_label("dwell"), "Stayed on the step too long");
        assert_eq!(
            signal_label("something_new"),
            "something new",
            "unknown: as sent"
        );
    }

    #[test]
    fn hot_spots_come_most_frequent_first_in_a_stable_order() {
        let spots = [
            spot("b", "s1", "dwell", 3),
            spot("a", "s2", "dwell", 9),
            spot("a", "s1", "rage_clicks", 3),
        ];
        let sorted = hot_spots(&spots);
        let order: Vec<(&str, usize)> =
            sorted.iter().map(|s| (s.guide.as_str(), s.count)).collect();
        assert_eq!(order, vec![("a", 9), ("a", 3), ("b", 3)]);
    }

    #[test]
    fn hot_spots_link_to_their_step_in_the_guide_editor() {
        let href = step_href("raise-requisition", "cost-centre");
        assert_eq!(href, "#/guides/raise-requisition/steps/cost-centre");
        assert_eq!(
            Route::parse(&href),
            Route::Step("raise-requisition".into(), "cost-centre".into())
        );
        assert_eq!(step_href("tip-x", ""), "#/guides/tip-x");
        let funnels = [Funnel {
            guide: "g".into(),
            steps: vec![
                FunnelStep {
                    index: 0,
                    step: "welcome".into(),
                    users: 5,
                    drop_off: Some(0.2),
                },
                FunnelStep {
                    index: 1,
                    step: "open-form".into(),
                    users: 4,
                    drop_off: None,
                },
            ],
        }];
        let numbers = step_numbers(&funnels);
        assert_eq!(numbers.get(&("g".into(), "open-form".into())), Some(&2));
    }

    #[test]
    fn no_events_means_nothing_to_chart() {
        assert!(!has_events(&Insights::default()));
        let one_run = Insights {
            runs_started: 1,
            ..Insights::default()
        };
        assert!(has_events(&one_run));
    }

    #[test]
    fn csv_files_are_named_after_the_app_and_the_days() {
        assert_eq!(
            csv_file_name("demo", "2026-10-25", "2026-11-23"),
            "waymark-insights-demo-2026-10-25-2026-11-23.csv"
        );
        assert_eq!(csv_file_name("a/b", "", ""), "waymark-insights-a_b.csv");
    }

    #[test]
    fn the_chart_is_described_in_words() {
        let day = Day::parse("2026-11-03").unwrap().0;
        let b = |first, last, resolved, ticketed| Bucket {
            first,
            last,
            resolved,
            ticketed,
            abandoned: 1,
        };
        assert_eq!(
            bucket_label(&b(day, day, 3, 1)),
            "3 Nov 2026: 3 resolved, 1 ticketed, 1 abandoned (deflection 75%)"
        );
        assert_eq!(
            bucket_label(&b(day, day, 0, 0)),
            "3 Nov 2026: 0 resolved, 0 ticketed, 1 abandoned",
            "no rate without resolved or ticketed sessions"
        );
        let text = chart_description(&[b(day, day, 3, 1), b(day + 1, day + 1, 5, 0)]);
        assert_eq!(
            text,
            "Help sessions per day from 3 Nov 2026 to 4 Nov 2026: 8 resolved, 1 ticketed, 2 abandoned. \
             Busiest: 4 Nov 2026: 5 resolved, 0 ticketed, 1 abandoned (deflection 100%)."
        );
        assert!(bucket_label(&b(day, day + 6, 1, 1)).starts_with("3 Nov – 9 Nov 2026:"));
        assert_eq!(chart_description(&[]), "No days in the range.");
    }
}
