//! Insights computed from hand-built event streams, duplicates and disorder included.
#![allow(clippy::too_many_arguments)]

use waymark::events::{AnalyticsEvent, EventKind};
use waymark::metrics::{help_sessions, insights, Config, Outcome, UserEvent};

const MIN: u64 = 60_000;
/// 2026-11-23 23:50 UTC, ten minutes before midnight.
const LATE: u64 = 1_795_477_800_000;

struct Stream {
    events: Vec<UserEvent>,
    seq: u32,
}

impl Stream {
    fn new() -> Stream {
        Stream {
            events: vec![],
            seq: 0,
        }
    }

    fn ev(
        &mut self,
        user: &str,
        at: u64,
        kind: EventKind,
        guide: &str,
        run: Option<&str>,
        step: Option<(usize, &str)>,
        detail: Option<&str>,
    ) -> &mut Self {
        self.seq += 1;
        self.events.push(UserEvent {
            user: user.into(),
            event: AnalyticsEvent {
                id: format!("{user}.{}", self.seq),
                at,
                kind,
                guide: guide.into(),
                version: 1,
                run: run.map(Into::into),
                step: step.map(|(_, s)| s.into()),
                step_index: step.map(|(i, _)| i),
                detail: detail.map(Into::into),
            },
        });
        self
    }

    /// A user opens the launcher, starts `guide` and gets through `steps` of its 3 steps.
    fn run(&mut self, user: &str, at: u64, run: &str, steps: usize) -> &mut Self {
        self.ev(user, at, EventKind::LauncherOpened, "", None, None, None);
        self.ev(
            user,
            at + 1000,
            EventKind::RunStarted,
            "req",
            Some(run),
            Some((0, "a")),
            Some("launcher"),
        );
        for (i, id) in ["a", "b", "c"].iter().enumerate().take(steps) {
            self.ev(
                user,
                at + 2000 + i as u64 * MIN,
                EventKind::StepShown,
                "req",
                Some(run),
                Some((i, id)),
                None,
            );
        }
        if steps == 3 {
            self.ev(
                user,
                at + 3 * MIN,
                EventKind::RunCompleted,
                "req",
                Some(run),
                Some((2, "c")),
                None,
            );
        }
        self
    }
}

#[test]
fn outcomes_follow_the_definitions() {
    let mut s = Stream::new();
    s.run("ann", 0, "r1", 3); // completed, no answer: potential
    s.run("bob", 0, "r2", 3).ev(
        "bob",
        3 * MIN + 5,
        EventKind::SolvedAnswered,
        "req",
        Some("r2"),
        None,
        Some("yes"),
    );
    s.run("cat", 0, "r3", 3).ev(
        "cat",
        3 * MIN + 5,
        EventKind::SolvedAnswered,
        "req",
        Some("r3"),
        None,
        Some("no"),
    );
    s.run("dan", 0, "r4", 2).ev(
        "dan",
        4 * MIN,
        EventKind::TicketFiled,
        "req",
        Some("r4"),
        None,
        None,
    );
    s.run("eve", 0, "r5", 1); // gave up
    let sessions = help_sessions(&s.events, &Config::default());
    let outcomes: Vec<(&str, Outcome)> = sessions
        .iter()
        .map(|h| (h.user.as_str(), h.outcome))
        .collect();
    assert_eq!(
        outcomes,
        vec![
            ("ann", Outcome::ResolvedPotential),
            ("bob", Outcome::ResolvedConfirmed),
            ("cat", Outcome::Abandoned),
            ("dan", Outcome::Ticketed),
            ("eve", Outcome::Abandoned),
        ]
    );
    let i = insights(
        &s.events,
        &Config {
            ticket_cost: 20.0,
            ..Config::default()
        },
    );
    assert_eq!(
        (
            i.resolved_confirmed,
            i.resolved_potential,
            i.ticketed,
            i.abandoned
        ),
        (1, 1, 1, 2)
    );
    assert_eq!(i.deflection_rate, Some(2.0 / 3.0));
    assert_eq!(i.confirmed_deflection_rate, Some(0.5));
    assert_eq!((i.tickets_filed, i.tickets_avoided), (1, 2));
    assert_eq!((i.cost_avoided, i.cost_avoided_confirmed), (40.0, 20.0));
    assert_eq!(
        i.self_service_score,
        Some(2.0),
        "two users helped themselves per user who filed a ticket"
    );
    assert_eq!((i.runs_started, i.runs_completed), (5, 3));
    assert_eq!(i.completion_rate, Some(0.6));
    assert_eq!(i.median_time_to_complete_ms, Some(3 * MIN - 1000));
}

#[test]
fn an_auto_started_tour_without_help_is_not_a_help_session() {
    let mut s = Stream::new();
    s.ev(
        "ann",
        0,
        EventKind::RunStarted,
        "req",
        Some("r1"),
        Some((0, "a")),
        Some("auto"),
    )
    .ev(
        "ann",
        MIN,
        EventKind::RunCompleted,
        "req",
        Some("r1"),
        None,
        None,
    );
    let i = insights(&s.events, &Config::default());
    assert_eq!(i.help_sessions, 0);
    assert_eq!(
        i.deflection_rate, None,
        "no sessions, no rate: not 0%, not 100%"
    );
    assert_eq!(i.completion_rate, Some(1.0));
}

#[test]
fn duplicate_events_count_once_and_order_of_arrival_does_not_matter() {
    let mut s = Stream::new();
    s.run("ann", 0, "r1", 3)
        .ev(
            "bob",
            0,
            EventKind::HelpOffered,
            "req",
            None,
            None,
            Some("dwell"),
        )
        .ev("bob", MIN, EventKind::TicketFiled, "req", None, None, None);
    let clean = insights(&s.events, &Config::default());
    let mut messy = s.events.clone();
    messy.extend(s.events.iter().cloned()); // every event delivered twice
    messy.reverse(); // and backwards
    assert_eq!(insights(&messy, &Config::default()), clean);
    assert_eq!(clean.tickets_filed, 1);
}

#[test]
fn a_session_crossing_midnight_is_one_session_counted_on_the_day_it_started() {
    let mut s = Stream::new();
    s.run("ann", LATE, "r1", 3); // 23:50 + 3 min... completes at 23:53
    s.ev(
        "ann",
        LATE + 25 * MIN,
        EventKind::LauncherOpened,
        "",
        None,
        None,
        None,
    ); // 00:15, same session
    s.ev(
        "ann",
        LATE + 26 * MIN,
        EventKind::TicketFiled,
        "req",
        None,
        None,
        None,
    );
    let sessions = help_sessions(&s.events, &Config::default());
    assert_eq!(sessions.len(), 1);
    assert_eq!(
        sessions[0].outcome,
        Outcome::Ticketed,
        "a ticket after a completed guide means it did not help"
    );
    let i = insights(&s.events, &Config::default());
    assert_eq!(i.by_day.len(), 1);
    assert_eq!(i.by_day[0].day, (LATE / 86_400_000) as i64);
    assert_eq!(i.by_day[0].ticketed, 1);
}

#[test]
fn silence_longer_than_the_gap_starts_a_new_session() {
    let mut s = Stream::new();
    s.run("ann", 0, "r1", 3);
    s.ev(
        "ann",
        3 * MIN + 31 * MIN,
        EventKind::LauncherOpened,
        "",
        None,
        None,
        None,
    );
    let sessions = help_sessions(&s.events, &Config::default());
    let outcomes: Vec<Outcome> = sessions.iter().map(|h| h.outcome).collect();
    assert_eq!(
        outcomes,
        vec![Outcome::ResolvedPotential, Outcome::Abandoned]
    );
}

#[test]
fn funnels_count_distinct_users_per_step_and_the_drop_off() {
    let mut s = Stream::new();
    s.run("ann", 0, "r1", 3)
        .run("bob", 0, "r2", 2)
        .run("cat", 0, "r3", 1)
        .run("dan", 0, "r4", 3);
    s.run("ann", 10 * MIN, "r5", 3); // ann again: still one user
    let i = insights(&s.events, &Config::default());
    let f = &i.funnels[0];
    assert_eq!(f.guide, "req");
    let users: Vec<usize> = f.steps.iter().map(|st| st.users).collect();
    assert_eq!(users, vec![4, 3, 2]);
    let drops: Vec<Option<f64>> = f.steps.iter().map(|st| st.drop_off).collect();
    assert_eq!(drops, vec![Some(0.25), Some(1.0 / 3.0), None]);
    assert_eq!(f.steps[1].step, "b");
}

#[test]
fn stuck_hot_spots_are_counted_per_step_and_signal() {
    let mut s = Stream::new();
    for (u, sig) in [("a", "dwell"), ("b", "dwell"), ("c", "rage_clicks")] {
        s.ev(
            u,
            0,
            EventKind::StuckDetected,
            "req",
            Some("r"),
            Some((1, "b")),
            Some(sig),
        );
    }
    s.ev(
        "d",
        0,
        EventKind::StuckDetected,
        "req",
        Some("r"),
        Some((2, "c")),
        Some("target_missing"),
    );
    let i = insights(&s.events, &Config::default());
    let spots: Vec<(String, String, usize)> = i
        .stuck
        .iter()
        .map(|x| (x.step.clone(), x.signal.clone(), x.count))
        .collect();
    assert_eq!(spots[0], ("b".into(), "dwell".into(), 2));
    assert_eq!(spots.len(), 3);
}
