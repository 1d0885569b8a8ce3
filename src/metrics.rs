//! Insights from analytics events: help sessions, deflection, funnels, stuck hot spots.
//!
//! Owns the definitions of DESIGN.md "Analytics and deflection" as pure functions over
//! a list of events: the server's SQL aggregates must give the same numbers (a test
//! there compares them), and the demo-data generator is checked against them. It reads
//! no database and no clock.
//!
//! A help session starts when a user opens the launcher, is offered help, starts a
//! guide from the launcher or files a ticket; it ends after [`Config::session_gap_ms`]
//! without events, or at once when a ticket is filed. Its outcome is `ticketed` if a
//! ticket was filed, `resolved` if a guide was completed and the user did not answer
//! "no" to "Did this solve it?" (`confirmed` when they answered "yes", `potential`
//! otherwise), else `abandoned`. Abandoned sessions are never counted as deflected.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::events::{AnalyticsEvent, EventKind};
use crate::Millis;

/// An event as stored: who it was about, and the event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserEvent {
    /// Id of the user the event is about.
    pub user: String,
    /// The event itself.
    pub event: AnalyticsEvent,
}

/// Settings for computing insights.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Config {
    /// Silence that ends a help session.
    pub session_gap_ms: Millis,
    /// What one L1 ticket costs, in the admin's currency.
    pub ticket_cost: f64,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            session_gap_ms: 30 * 60 * 1000,
            ticket_cost: 22.0,
        }
    }
}

/// How a help session ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// A guide was completed and the user answered "yes" to "Did this solve it?".
    ResolvedConfirmed,
    /// A guide was completed and the user answered neither "yes" nor "no".
    ResolvedPotential,
    /// The user filed a ticket.
    Ticketed,
    /// None of the above.
    Abandoned,
}

/// One help session of one user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HelpSession {
    /// Id of the user.
    pub user: String,
    /// Time of the session's first event.
    pub started: Millis,
    /// Time of the session's last event.
    pub ended: Millis,
    /// How the session ended.
    pub outcome: Outcome,
}

/// Every figure of the Insights page.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Insights {
    /// Help sessions in all.
    pub help_sessions: usize,
    /// Sessions resolved with a "yes" to "Did this solve it?".
    pub resolved_confirmed: usize,
    /// Sessions resolved without a "yes" (nor a "no") to "Did this solve it?".
    pub resolved_potential: usize,
    /// Sessions that ended in a ticket.
    pub ticketed: usize,
    /// Sessions that ended without a completed guide or a ticket.
    pub abandoned: usize,
    /// resolved ÷ (resolved + ticketed), confirmed and potential together.
    pub deflection_rate: Option<f64>,
    /// The same with confirmed resolutions only.
    pub confirmed_deflection_rate: Option<f64>,
    /// Zendesk's self-service score: users who helped themselves ÷ users who filed tickets.
    pub self_service_score: Option<f64>,
    /// Tickets filed, in or out of help sessions.
    pub tickets_filed: usize,
    /// Resolved help sessions: tickets that were not needed.
    pub tickets_avoided: usize,
    /// [`Insights::tickets_avoided`] times [`Config::ticket_cost`].
    pub cost_avoided: f64,
    /// Confirmed resolutions times [`Config::ticket_cost`].
    pub cost_avoided_confirmed: f64,
    /// Distinct guide runs started.
    pub runs_started: usize,
    /// Runs started and completed.
    pub runs_completed: usize,
    /// runs completed ÷ runs started.
    pub completion_rate: Option<f64>,
    /// Median (the lower one) time from a run's start to its completion, in milliseconds.
    pub median_time_to_complete_ms: Option<Millis>,
    /// Per guide, how many users reached each step.
    pub funnels: Vec<Funnel>,
    /// Where users got stuck, most frequent first.
    pub stuck: Vec<StuckSpot>,
    /// Per UTC day (days since the epoch) of the sessions' start.
    pub by_day: Vec<DayOutcomes>,
}

/// How far users got through one guide's steps.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Funnel {
    /// Id of the guide.
    pub guide: String,
    /// Every step index up to the furthest one shown, in order.
    pub steps: Vec<FunnelStep>,
}

/// One step of a funnel.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FunnelStep {
    /// Index of the step in its guide, from 0.
    pub index: usize,
    /// The step's id; empty if no user was shown it.
    pub step: String,
    /// Distinct users shown this step.
    pub users: usize,
    /// Share of this step's users who were never shown the next one.
    pub drop_off: Option<f64>,
}

/// How often one stuck signal was detected on one step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StuckSpot {
    /// Id of the guide.
    pub guide: String,
    /// Id of the step; empty when the user was not in a step.
    pub step: String,
    /// The stuck signal's name; `unknown` when the event did not say.
    pub signal: String,
    /// How many times it was detected.
    pub count: usize,
}

/// Help session outcomes of one day.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayOutcomes {
    /// Days since the Unix epoch, in UTC.
    pub day: i64,
    /// Resolved sessions, confirmed or potential.
    pub resolved: usize,
    /// Sessions that ended in a ticket.
    pub ticketed: usize,
    /// Abandoned sessions.
    pub abandoned: usize,
}

const DAY_MS: Millis = 86_400_000;

/// Drops repeated event ids (keeping the first) and orders by time, then by arrival.
pub fn dedupe_and_order(events: &[UserEvent]) -> Vec<&UserEvent> {
    let mut seen = BTreeSet::new();
    let mut out: Vec<&UserEvent> = events
        .iter()
        .filter(|e| seen.insert(e.event.id.as_str()))
        .collect();
    out.sort_by_key(|e| e.event.at);
    out
}

/// Help sessions and their outcomes, per user, in order of start.
pub fn help_sessions(events: &[UserEvent], cfg: &Config) -> Vec<HelpSession> {
    struct Open {
        started: Millis,
        last: Millis,
        completed: bool,
        yes: bool,
        no: bool,
    }
    let close = |user: &str, s: Open, ticket: bool| HelpSession {
        user: user.to_owned(),
        started: s.started,
        ended: s.last,
        outcome: if ticket {
            Outcome::Ticketed
        } else if s.completed && !s.no {
            if s.yes {
                Outcome::ResolvedConfirmed
            } else {
                Outcome::ResolvedPotential
            }
        } else {
            Outcome::Abandoned
        },
    };
    let mut by_user: BTreeMap<&str, Vec<&AnalyticsEvent>> = BTreeMap::new();
    for e in dedupe_and_order(events) {
        by_user.entry(e.user.as_str()).or_default().push(&e.event);
    }
    let mut out = Vec::new();
    for (user, evs) in by_user {
        let mut open: Option<Open> = None;
        for ev in evs {
            if let Some(s) = open.take_if(|s| ev.at.saturating_sub(s.last) > cfg.session_gap_ms) {
                out.push(close(user, s, false));
            }
            let starts = matches!(
                ev.kind,
                EventKind::LauncherOpened | EventKind::HelpOffered | EventKind::TicketFiled
            ) || (ev.kind == EventKind::RunStarted
                && ev.detail.as_deref() == Some("launcher"));
            if open.is_none() && starts {
                open = Some(Open {
                    started: ev.at,
                    last: ev.at,
                    completed: false,
                    yes: false,
                    no: false,
                });
            }
            let Some(s) = open.as_mut() else { continue };
            s.last = ev.at;
            match (ev.kind, ev.detail.as_deref()) {
                (EventKind::RunCompleted, _) => s.completed = true,
                (EventKind::SolvedAnswered, Some("yes")) => s.yes = true,
                (EventKind::SolvedAnswered, Some("no")) => s.no = true,
                _ => {}
            }
            if ev.kind == EventKind::TicketFiled {
                if let Some(s) = open.take() {
                    out.push(close(user, s, true));
                }
            }
        }
        if let Some(s) = open {
            out.push(close(user, s, false));
        }
    }
    out.sort_by(|a, b| a.started.cmp(&b.started).then_with(|| a.user.cmp(&b.user)));
    out
}

fn ratio(num: usize, den: usize) -> Option<f64> {
    (den > 0).then(|| num as f64 / den as f64)
}

/// Every figure of the Insights page.
pub fn insights(events: &[UserEvent], cfg: &Config) -> Insights {
    let sessions = help_sessions(events, cfg);
    let count = |o: Outcome| sessions.iter().filter(|s| s.outcome == o).count();
    let (confirmed, potential) = (
        count(Outcome::ResolvedConfirmed),
        count(Outcome::ResolvedPotential),
    );
    let (ticketed, abandoned) = (count(Outcome::Ticketed), count(Outcome::Abandoned));

    let ordered = dedupe_and_order(events);
    let users_of = |pred: &dyn Fn(&HelpSession) -> bool| {
        sessions
            .iter()
            .filter(|s| pred(s))
            .map(|s| s.user.as_str())
            .collect::<BTreeSet<_>>()
            .len()
    };
    let self_served = users_of(&|s| {
        matches!(
            s.outcome,
            Outcome::ResolvedConfirmed | Outcome::ResolvedPotential
        )
    });
    let ticket_users: BTreeSet<&str> = ordered
        .iter()
        .filter(|e| e.event.kind == EventKind::TicketFiled)
        .map(|e| e.user.as_str())
        .collect();
    let tickets_filed = ordered
        .iter()
        .filter(|e| e.event.kind == EventKind::TicketFiled)
        .count();

    // Runs: keyed by run id; a tour's run has one start and at most one completion.
    let mut started: BTreeMap<&str, Millis> = BTreeMap::new();
    let mut completed: BTreeMap<&str, Millis> = BTreeMap::new();
    for e in &ordered {
        let Some(run) = e.event.run.as_deref() else {
            continue;
        };
        match e.event.kind {
            EventKind::RunStarted => {
                started.entry(run).or_insert(e.event.at);
            }
            EventKind::RunCompleted => {
                completed.entry(run).or_insert(e.event.at);
            }
            _ => {}
        }
    }
    let mut durations: Vec<Millis> = completed
        .iter()
        .filter_map(|(run, end)| started.get(run).map(|s| end.saturating_sub(*s)))
        .collect();
    durations.sort_unstable();
    let runs_completed = completed
        .keys()
        .filter(|r| started.contains_key(*r))
        .count();

    let mut by_day: BTreeMap<i64, DayOutcomes> = BTreeMap::new();
    for s in &sessions {
        let day = (s.started / DAY_MS) as i64;
        let d = by_day.entry(day).or_insert_with(|| DayOutcomes {
            day,
            ..DayOutcomes::default()
        });
        match s.outcome {
            Outcome::ResolvedConfirmed | Outcome::ResolvedPotential => d.resolved += 1,
            Outcome::Ticketed => d.ticketed += 1,
            Outcome::Abandoned => d.abandoned += 1,
        }
    }

    Insights::from_counts(
        Counts {
            resolved_confirmed: confirmed,
            resolved_potential: potential,
            ticketed,
            abandoned,
            self_served_users: self_served,
            ticket_users: ticket_users.len(),
            tickets_filed,
            runs_started: started.len(),
            runs_completed,
            median_time_to_complete_ms: median(&durations),
        },
        funnels(&ordered),
        stuck_spots(&ordered),
        by_day.into_values().collect(),
        cfg,
    )
}

/// What the figures of [`Insights`] are derived from: counted here from events, or by
/// the server's SQL from its tables.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Resolved help sessions with a "yes" answer.
    pub resolved_confirmed: usize,
    /// Resolved help sessions without a "yes" (nor a "no").
    pub resolved_potential: usize,
    /// Help sessions that ended in a ticket.
    pub ticketed: usize,
    /// Abandoned help sessions.
    pub abandoned: usize,
    /// Distinct users with a resolved help session.
    pub self_served_users: usize,
    /// Distinct users who filed a ticket.
    pub ticket_users: usize,
    /// Tickets filed, in or out of help sessions.
    pub tickets_filed: usize,
    /// Distinct guide runs started.
    pub runs_started: usize,
    /// Runs started and completed.
    pub runs_completed: usize,
    /// Median (the lower one) time from a run's start to its completion, in milliseconds.
    pub median_time_to_complete_ms: Option<Millis>,
}

impl Insights {
    /// The figures from their counts: the one place rates and costs are defined.
    pub fn from_counts(
        c: Counts,
        funnels: Vec<Funnel>,
        stuck: Vec<StuckSpot>,
        by_day: Vec<DayOutcomes>,
        cfg: &Config,
    ) -> Insights {
        let resolved = c.resolved_confirmed + c.resolved_potential;
        Insights {
            help_sessions: resolved + c.ticketed + c.abandoned,
            resolved_confirmed: c.resolved_confirmed,
            resolved_potential: c.resolved_potential,
            ticketed: c.ticketed,
            abandoned: c.abandoned,
            deflection_rate: ratio(resolved, resolved + c.ticketed),
            confirmed_deflection_rate: ratio(
                c.resolved_confirmed,
                c.resolved_confirmed + c.ticketed,
            ),
            self_service_score: ratio(c.self_served_users, c.ticket_users),
            tickets_filed: c.tickets_filed,
            tickets_avoided: resolved,
            cost_avoided: resolved as f64 * cfg.ticket_cost,
            cost_avoided_confirmed: c.resolved_confirmed as f64 * cfg.ticket_cost,
            runs_started: c.runs_started,
            runs_completed: c.runs_completed,
            completion_rate: ratio(c.runs_completed, c.runs_started),
            median_time_to_complete_ms: c.median_time_to_complete_ms,
            funnels,
            stuck,
            by_day,
        }
    }
}

/// The lower median, so it is always a duration that happened.
fn median(sorted: &[Millis]) -> Option<Millis> {
    (!sorted.is_empty()).then(|| sorted[(sorted.len() - 1) / 2])
}

/// Per guide: distinct users shown each step, and the drop-off to the next.
pub fn funnels(events: &[&UserEvent]) -> Vec<Funnel> {
    let mut reach: BTreeMap<&str, BTreeMap<usize, (String, BTreeSet<&str>)>> = BTreeMap::new();
    for e in events
        .iter()
        .filter(|e| e.event.kind == EventKind::StepShown)
    {
        let Some(index) = e.event.step_index else {
            continue;
        };
        let entry = reach
            .entry(e.event.guide.as_str())
            .or_default()
            .entry(index)
            .or_insert_with(|| (String::new(), BTreeSet::new()));
        if let Some(step) = &e.event.step {
            entry.0.clone_from(step);
        }
        entry.1.insert(e.user.as_str());
    }
    reach
        .into_iter()
        .map(|(guide, steps)| {
            let last = steps.keys().max().copied().unwrap_or(0);
            let users: Vec<(usize, String, usize)> = (0..=last)
                .map(|i| {
                    steps
                        .get(&i)
                        .map_or((i, String::new(), 0), |(id, u)| (i, id.clone(), u.len()))
                })
                .collect();
            let steps = users
                .iter()
                .enumerate()
                .map(|(k, (index, step, n))| FunnelStep {
                    index: *index,
                    step: step.clone(),
                    users: *n,
                    drop_off: users
                        .get(k + 1)
                        .and_then(|next| ratio(n.saturating_sub(next.2), *n)),
                })
                .collect();
            Funnel {
                guide: guide.to_owned(),
                steps,
            }
        })
        .collect()
}

/// Stuck signals counted per guide, step and signal, most frequent first.
pub fn stuck_spots(events: &[&UserEvent]) -> Vec<StuckSpot> {
    let mut counts: BTreeMap<(&str, &str, &str), usize> = BTreeMap::new();
    for e in events
        .iter()
        .filter(|e| e.event.kind == EventKind::StuckDetected)
    {
        let key = (
            e.event.guide.as_str(),
            e.event.step.as_deref().unwrap_or(""),
            e.event.detail.as_deref().unwrap_or("unknown"),
        );
        *counts.entry(key).or_default() += 1;
    }
    let mut out: Vec<StuckSpot> = counts
        .into_iter()
        .map(|((guide, step, signal), count)| StuckSpot {
            guide: guide.to_owned(),
            step: step.to_owned(),
            signal: signal.to_owned(),
            count,
        })
        .collect();
    out.sort_by_key(|s| std::cmp::Reverse(s.count));
    out
}
