//! Insights: the database's figures are the core's on the same events.
//!
//! Demo runs played through the core engine and hand-built edge cases (duplicate ids,
//! events sent out of order, a session across midnight, ties in time, no user,
//! segments) are posted as the runtime posts them; then every filter's answer is
//! compared with `waymark::metrics::insights` on the stored events (first of each id)
//! in scope.

use reqwest::Method;
use serde_json::{json, Value};
use sqlx::Row;
use waymark::events::{AnalyticsEvent, EventKind};
use waymark::metrics::{insights, Config, Insights, UserEvent};

use crate::harness::{error_of, json, start_with, Backend, TestServer};
use crate::on_both_databases;

on_both_databases!(
    insights_are_the_core_s_figures_on_the_same_events_for_every_filter,
    insights_need_an_agent_token_and_name_the_bad_parameter,
    insights_come_as_csv_with_the_same_figures,
    segments_are_checked_at_ingest_and_listed_sorted,
    figures_are_exact_once_the_background_refresh_has_run,
    figures_are_exact_right_after_ingest_before_the_background_refresh,
);

const DAY: u64 = 86_400_000;
/// 2025-11-08, a Saturday; the demo data covers the ten days before.
const END: u64 = 20_400 * DAY;
const TICKET_COST: f64 = 31.5;
const HOUR_MS: u64 = 3_600_000;

/// An event as posted, with the batch's user and segment.
#[derive(Clone)]
struct Posted {
    user: Option<String>,
    segment: Option<String>,
    event: AnalyticsEvent,
}

fn demo_guides() -> Vec<waymark::guide::Guide> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../guides");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") && !path.ends_with("schema.json") {
            let text = std::fs::read_to_string(&path).unwrap();
            out.push(waymark::validate::parse_guide(&text).unwrap());
        }
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

fn ev(id: &str, at: u64, kind: EventKind, guide: &str) -> AnalyticsEvent {
    AnalyticsEvent {
        id: id.to_owned(),
        at,
        kind,
        guide: guide.to_owned(),
        version: 1,
        run: None,
        step: None,
        step_index: None,
        detail: None,
    }
}

fn with(mut e: AnalyticsEvent, change: impl FnOnce(&mut AnalyticsEvent)) -> AnalyticsEvent {
    change(&mut e);
    e
}

async fn post(
    server: &TestServer,
    user: Option<&str>,
    segment: Option<&str>,
    events: &[AnalyticsEvent],
) {
    for chunk in events.chunks(400) {
        let mut body = json!({"user": user, "events": chunk});
        if let Some(segment) = segment {
            body["segment"] = json!(segment);
        }
        let res = server.post_events("demo", &body).await;
        assert_eq!(res.status(), 202, "{}", res.text().await.unwrap());
    }
}

/// Hand-built cases the demo data does not reach, each in its own batches.
fn edge_cases() -> Vec<(
    Option<&'static str>,
    Option<&'static str>,
    Vec<AnalyticsEvent>,
)> {
    use EventKind::*;
    let night = END - 2 * DAY - 10 * 60_000; // 23:50 two days before END
    let run = |e: AnalyticsEvent, r: &str| with(e, |e| e.run = Some(r.into()));
    let launcher = |e: AnalyticsEvent| with(e, |e| e.detail = Some("launcher".into()));
    let shown = |e: AnalyticsEvent, i: usize, step: &str| {
        with(e, |e| {
            e.step_index = Some(i);
            e.step = Some(step.into());
        })
    };
    vec![
        // Across midnight: opened at 23:50, completed at 00:10, answered yes.
        (
            Some("edge-midnight"),
            Some("finance"),
            vec![
                ev("m.1", night, LauncherOpened, ""),
                launcher(run(
                    ev("m.2", night + 60_000, RunStarted, "raise-requisition"),
                    "m-run",
                )),
                shown(
                    run(
                        ev("m.3", night + 60_000, StepShown, "raise-requisition"),
                        "m-run",
                    ),
                    0,
                    "intro",
                ),
                run(
                    ev(
                        "m.4",
                        night + 20 * 60_000,
                        RunCompleted,
                        "raise-requisition",
                    ),
                    "m-run",
                ),
                with(
                    ev(
                        "m.5",
                        night + 21 * 60_000,
                        SolvedAnswered,
                        "raise-requisition",
                    ),
                    |e| e.detail = Some("yes".into()),
                ),
            ],
        ),
        // Sent newest first, and again with the same ids but other contents: the
        // first of each id counts, and order comes from `at`.
        (
            Some("edge-order"),
            Some("sales"),
            vec![
                run(
                    ev(
                        "o.4",
                        night - DAY + 9 * 60_000,
                        RunCompleted,
                        "review-approvals",
                    ),
                    "o-run",
                ),
                shown(
                    run(
                        ev(
                            "o.3",
                            night - DAY + 5 * 60_000,
                            StepShown,
                            "review-approvals",
                        ),
                        "o-run",
                    ),
                    2,
                    "approve",
                ),
                launcher(run(
                    ev("o.2", night - DAY + 60_000, RunStarted, "review-approvals"),
                    "o-run",
                )),
                ev("o.1", night - DAY, HelpOffered, "review-approvals"),
            ],
        ),
        (
            Some("edge-order"),
            Some("finance"),
            vec![
                ev("o.1", night - DAY, TicketFiled, "review-approvals"),
                ev(
                    "o.4",
                    night - DAY + 9 * 60_000,
                    TicketFiled,
                    "review-approvals",
                ),
            ],
        ),
        // A ticket and a launcher opening at the same millisecond, in that order:
        // the ticket ends its session and the opening starts the next. Then a
        // silence longer than the session gap, a stuck signal without step or
        // detail, and a ticket of its own.
        (
            Some("edge-ties"),
            None,
            vec![
                ev("t.1", night - 3 * DAY, HelpOffered, "raise-requisition"),
                ev(
                    "t.2",
                    night - 3 * DAY + 1_000,
                    TicketFiled,
                    "raise-requisition",
                ),
                ev("t.3", night - 3 * DAY + 1_000, LauncherOpened, ""),
                run(
                    ev(
                        "t.4",
                        night - 3 * DAY + 2_000,
                        RunCompleted,
                        "raise-requisition",
                    ),
                    "t-run",
                ),
                ev(
                    "t.5",
                    night - 3 * DAY + 3 * 3_600_000,
                    StuckDetected,
                    "raise-requisition",
                ),
                ev(
                    "t.6",
                    night - 3 * DAY + 3 * 3_600_000 + 5,
                    TicketFiled,
                    "raise-requisition",
                ),
            ],
        ),
        // No user, and a step id that changed between versions, past a step no one saw.
        (
            None,
            Some("finance"),
            vec![
                shown(
                    ev("n.1", night - 4 * DAY, StepShown, "raise-requisition"),
                    9,
                    "old-name",
                ),
                shown(
                    ev("n.2", night - 4 * DAY + 10, StepShown, "raise-requisition"),
                    9,
                    "new-name",
                ),
                ev("n.3", night - 4 * DAY + 20, LauncherOpened, ""),
                with(
                    ev(
                        "n.4",
                        night - 4 * DAY + 30,
                        SolvedAnswered,
                        "raise-requisition",
                    ),
                    |e| e.detail = Some("no".into()),
                ),
                run(
                    ev(
                        "n.5",
                        night - 4 * DAY + 40,
                        RunCompleted,
                        "raise-requisition",
                    ),
                    "n-run",
                ),
            ],
        ),
    ]
}

type Batch = (Option<String>, Option<String>, Vec<AnalyticsEvent>);

/// The demo runs (segments by user) and the edge cases, as batches in posting order.
fn batches() -> Vec<Batch> {
    let generated = waymark_server::demo_data::generate(&demo_guides(), 40, 10, END, 11);
    let mut batches: Vec<Batch> = Vec::new();
    for (n, user_events) in generated.chunk_by(|a, b| a.user == b.user).enumerate() {
        let segment = ["finance", "sales", "ops team"]
            .get(n % 4)
            .map(|s| s.to_string());
        let events = user_events.iter().map(|e| e.event.clone()).collect();
        batches.push((Some(user_events[0].user.clone()), segment, events));
    }
    for (user, segment, events) in edge_cases() {
        batches.push((user.map(str::to_owned), segment.map(str::to_owned), events));
    }
    batches
}

/// Posts the demo runs and the edge cases; returns what was posted, in order.
async fn fill(server: &TestServer) -> Vec<Posted> {
    let mut posted = Vec::new();
    for (user, segment, events) in batches() {
        post(server, user.as_deref(), segment.as_deref(), &events).await;
        posted.extend(events.into_iter().map(|event| Posted {
            user: user.clone(),
            segment: segment.clone(),
            event,
        }));
    }
    posted
}

/// What the core says for the stored events (the first of each id) in scope.
fn expected(
    posted: &[Posted],
    from: Option<u64>,
    to: Option<u64>,
    guide: Option<&str>,
    segment: Option<&str>,
) -> Insights {
    let mut seen = std::collections::HashSet::new();
    let events: Vec<UserEvent> = posted
        .iter()
        .filter(|p| seen.insert(p.event.id.clone()))
        .filter(|p| from.is_none_or(|d| p.event.at >= d * DAY))
        .filter(|p| to.is_none_or(|d| p.event.at < (d + 1) * DAY))
        .filter(|p| guide.is_none_or(|g| p.event.guide == g))
        .filter(|p| segment.is_none_or(|s| p.segment.as_deref() == Some(s)))
        .map(|p| UserEvent {
            user: p.user.clone().unwrap_or_default(),
            event: p.event.clone(),
        })
        .collect();
    insights(
        &events,
        &Config {
            ticket_cost: TICKET_COST,
            ..Config::default()
        },
    )
}

fn date(day: u64) -> String {
    waymark::wire::Day(day as i64).to_string()
}

async fn start(backend: Backend) -> TestServer {
    start_with(backend, |c| c.insights.ticket_cost = TICKET_COST).await
}

async fn insights_are_the_core_s_figures_on_the_same_events_for_every_filter(backend: Backend) {
    // The background refresh is left out, so each request brings the rollups up to
    // date itself (the tests below cover it having run).
    let server = start_with(backend, |c| {
        c.insights.ticket_cost = TICKET_COST;
        c.insights.refresh_delay_ms = HOUR_MS;
        c.insights.refresh_poll_ms = HOUR_MS;
    })
    .await;
    let mut posted = fill(&server).await;
    assert!(marked_users(&server).await > 0, "nothing refreshed yet");
    let end_day = END / DAY;
    let cases = filters();
    compare(&server, &posted, &cases).await;
    let before = expected(&posted, None, None, None, None);

    // Later events fill the silence between two of a user's sessions: the two become
    // one, which ends in a ticket. The stored figures must follow.
    let bridge_from = END - 2 * DAY - 10 * 60_000 - 3 * DAY + 2_000;
    let mut bridge: Vec<AnalyticsEvent> = (1..=8)
        .map(|k| {
            ev(
                &format!("b.{k}"),
                bridge_from + k * 20 * 60_000,
                EventKind::TipShown,
                "tip-cost-centre",
            )
        })
        .collect();
    // …and one of them shows the user a step, so the funnels change too.
    bridge[3] = with(bridge[3].clone(), |e| {
        e.kind = EventKind::StepShown;
        e.guide = "raise-requisition".into();
        e.step_index = Some(0);
        e.step = Some("welcome".into());
    });
    post(&server, Some("edge-ties"), None, &bridge).await;
    posted.extend(bridge.into_iter().map(|event| Posted {
        user: Some("edge-ties".into()),
        segment: None,
        event,
    }));
    let after = expected(&posted, None, None, None, None);
    assert_eq!(
        (
            after.ticketed,
            after.resolved_potential + after.resolved_confirmed
        ),
        (
            before.ticketed,
            before.resolved_potential + before.resolved_confirmed - 1
        ),
        "the bridged session now ends in the ticket"
    );
    let users_at_first_step = |i: &Insights| {
        i.funnels
            .iter()
            .find(|f| f.guide == "raise-requisition")
            .unwrap()
            .steps[0]
            .users
    };
    assert_eq!(
        users_at_first_step(&after),
        users_at_first_step(&before) + 1
    );
    compare(&server, &posted, &cases).await;

    // The comparison is not vacuous: the data has every outcome and each edge case.
    let all = expected(&posted, None, None, None, None);
    assert!(
        all.resolved_confirmed > 0 && all.resolved_potential > 0,
        "{all:?}"
    );
    assert!(
        all.ticketed > 0 && all.abandoned > 0 && !all.stuck.is_empty(),
        "{all:?}"
    );
    let requisition = all
        .funnels
        .iter()
        .find(|f| f.guide == "raise-requisition")
        .unwrap();
    assert_eq!(requisition.steps[9].step, "new-name");
    assert_eq!(
        (requisition.steps[8].users, requisition.steps[8].drop_off),
        (0, None)
    );
    assert!(all
        .stuck
        .iter()
        .any(|s| s.signal == "unknown" && s.step.is_empty()));
    let midnight = expected(&posted, Some(end_day - 2), Some(end_day - 2), None, None);
    let cut = expected(&posted, Some(end_day - 3), Some(end_day - 2), None, None);
    assert_ne!(
        midnight, cut,
        "the midnight session is cut by a one-day range"
    );
    server.stop().await;
}

type Case<'a> = (Option<u64>, Option<u64>, Option<&'a str>, Option<&'a str>);

/// The midnight session's two days, one of them, the whole range, guides (with
/// ranges that cut sessions too), segments.
fn filters() -> Vec<Case<'static>> {
    let end_day = END / DAY;
    vec![
        (None, None, None, None),
        (Some(end_day - 3), Some(end_day - 2), None, None),
        (Some(end_day - 2), Some(end_day - 2), None, None),
        (Some(end_day - 3), Some(end_day - 3), None, None),
        (None, Some(end_day - 5), None, None),
        (Some(end_day - 12), Some(end_day + 1), None, None),
        (None, None, Some("raise-requisition"), None),
        (None, None, Some("review-approvals"), Some("sales")),
        (None, None, None, Some("finance")),
        (None, None, None, Some("ops team")),
        (
            Some(end_day - 6),
            None,
            Some("raise-requisition"),
            Some("finance"),
        ),
        (None, None, Some("no-such-guide"), None),
        (
            Some(end_day - 3),
            Some(end_day - 2),
            Some("raise-requisition"),
            None,
        ),
        (
            Some(end_day - 2),
            Some(end_day - 2),
            Some("raise-requisition"),
            Some("finance"),
        ),
        (None, None, Some("tip-cost-centre"), None),
    ]
}

/// Asks for each case's figures and compares them with the core's.
async fn compare(server: &TestServer, posted: &[Posted], cases: &[Case<'_>]) {
    for &(from, to, guide, segment) in cases {
        let mut query = vec![];
        if let Some(d) = from {
            query.push(("from", date(d)));
        }
        if let Some(d) = to {
            query.push(("to", date(d)));
        }
        if let Some(g) = guide {
            query.push(("guide", g.to_owned()));
        }
        if let Some(s) = segment {
            query.push(("segment", s.to_owned()));
        }
        let res = server
            .admin(Method::GET, "/v1/apps/demo/insights")
            .query(&query)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{query:?}");
        let text = res.text().await.unwrap();
        let want = expected(posted, from, to, guide, segment);
        // Text against text: parsing JSON floats back may move them by one ulp.
        if text != serde_json::to_string(&want).unwrap() {
            let got: Insights = serde_json::from_str(&text).expect("the core's shape");
            assert_eq!(got, want, "{query:?}");
            panic!("{query:?}: the same figures but other JSON:\n{text}");
        }
    }
}

async fn insights_need_an_agent_token_and_name_the_bad_parameter(backend: Backend) {
    let server = start(backend).await;
    let res = server.get("/v1/apps/demo/insights").send().await.unwrap();
    assert_eq!(res.status(), 401);
    let res = server
        .get("/v1/apps/demo/segments")
        .bearer_auth("wmk_not_a_token")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let agent = server.token("agent").await;
    let res = server
        .get("/v1/apps/demo/insights")
        .bearer_auth(&agent)
        .send()
        .await
        .unwrap();
    let (status, body) = json(res).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["help_sessions"], 0);
    assert_eq!(body["deflection_rate"], Value::Null);

    let refused = [
        (
            "from=2025-13-01",
            "from: `2025-13-01`: there is no month 13",
        ),
        (
            "to=2025-02-29",
            "to: `2025-02-29`: that month has no day 29",
        ),
        (
            "from=yesterday",
            "from: `yesterday` is not a date: use YYYY-MM-DD",
        ),
        (
            "from=2025-11-02&to=2025-11-01",
            "from (2025-11-02) is after to (2025-11-01)",
        ),
        ("segment=a%2Fb", "segment: `/` is not allowed in a segment"),
        ("guide=", "guide: give a guide id"),
        ("format=xml", "format `xml`: use json or csv"),
        ("form=2025-11-01", "unknown query parameter `form`"),
        (
            "to=2025-11-01&to=2025-11-02",
            "query parameter `to` is given twice",
        ),
    ];
    for (query, message) in refused {
        let res = server
            .get(&format!("/v1/apps/demo/insights?{query}"))
            .bearer_auth(&agent)
            .send()
            .await
            .unwrap();
        let (status, body) = json(res).await;
        assert_eq!(status, 400, "{query}: {body}");
        assert!(error_of(&body).contains(message), "{query}: {body}");
    }
    let res = server
        .admin(Method::GET, "/v1/apps/nope/insights")
        .send()
        .await
        .unwrap();
    let (status, body) = json(res).await;
    assert_eq!(status, 404, "{body}");
    assert!(error_of(&body).contains("no app `nope`"));
    server.stop().await;
}

async fn insights_come_as_csv_with_the_same_figures(backend: Backend) {
    let server = start(backend).await;
    fill(&server).await;
    let (_, want) = server
        .admin_json(Method::GET, "/v1/apps/demo/insights?segment=finance", None)
        .await;
    for request in [
        server.admin(
            Method::GET,
            "/v1/apps/demo/insights?segment=finance&format=csv",
        ),
        server
            .admin(Method::GET, "/v1/apps/demo/insights?segment=finance")
            .header("accept", "text/csv"),
    ] {
        let res = request.send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
        assert_eq!(
            res.headers()["content-disposition"],
            "attachment; filename=\"waymark-insights-demo-start-to-end.csv\""
        );
        let text = res.text().await.unwrap();
        let rows: Vec<Vec<&str>> = text.lines().map(|l| l.split(',').collect()).collect();
        assert_eq!(
            rows[0],
            [
                "section",
                "guide",
                "step_index",
                "step",
                "signal",
                "day",
                "metric",
                "value"
            ]
        );
        assert!(rows.iter().all(|r| r.len() == 8), "{text}");
        // Every single figure of the JSON is a summary row with the same value.
        for (key, value) in want.as_object().unwrap() {
            if value.is_array() {
                continue;
            }
            let row = rows
                .iter()
                .find(|r| r[0] == "summary" && r[6] == key)
                .unwrap_or_else(|| panic!("no summary row for {key}:\n{text}"));
            let cell = match value {
                Value::Null => String::new(),
                Value::Number(n) => n.as_f64().unwrap().to_string(),
                other => panic!("{key}: {other}"),
            };
            let got = if row[7].is_empty() {
                String::new()
            } else {
                row[7].parse::<f64>().unwrap().to_string()
            };
            assert_eq!(got, cell, "{key}");
        }
        let steps: usize = want["funnels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["steps"].as_array().unwrap().len())
            .sum();
        assert_eq!(rows.iter().filter(|r| r[0] == "funnel").count(), 2 * steps);
        assert!(steps > 0);
        let stuck = want["stuck"].as_array().unwrap();
        let first = &stuck[0];
        assert!(rows.iter().any(|r| r[0] == "stuck"
            && r[1] == first["guide"]
            && r[3] == first["step"]
            && r[4] == first["signal"]
            && r[7].parse::<u64>().ok() == first["count"].as_u64()));
        let days = want["by_day"].as_array().unwrap();
        let day = date(days[0]["day"].as_u64().unwrap());
        let resolved = rows
            .iter()
            .find(|r| r[0] == "by_day" && r[5] == day && r[6] == "resolved")
            .unwrap();
        assert_eq!(resolved[7], days[0]["resolved"].to_string());
    }
    let res = server
        .admin(
            Method::GET,
            "/v1/apps/demo/insights?format=csv&from=2025-11-01&to=2025-11-07",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.headers()["content-disposition"],
        "attachment; filename=\"waymark-insights-demo-2025-11-01-to-2025-11-07.csv\""
    );
    server.stop().await;
}

async fn segments_are_checked_at_ingest_and_listed_sorted(backend: Backend) {
    let server = start(backend).await;
    let event = |id: &str| ev(id, END, EventKind::LauncherOpened, "");
    for (segment, id) in [
        ("sales", "s.1"),
        ("finance", "s.2"),
        ("sales", "s.3"),
        ("ops team", "s.4"),
    ] {
        post(&server, Some("u-1"), Some(segment), &[event(id)]).await;
    }
    post(&server, Some("u-1"), None, &[event("s.5")]).await;
    let (status, body) = server
        .admin_json(Method::GET, "/v1/apps/demo/segments", None)
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, json!(["finance", "ops team", "sales"]));

    for (segment, message) in [
        (json!("a/b"), "`/` is not allowed in a segment"),
        (
            json!(""),
            "a segment has 1 to 64 characters; this one has 0",
        ),
        (
            json!("x".repeat(65)),
            "a segment has 1 to 64 characters; this one has 65",
        ),
        (json!("café"), "`\\u{e9}` is not allowed"),
    ] {
        let body = json!({"user": "u-1", "segment": segment, "events": [event("bad.1")]});
        let (status, answer) = json(server.post_events("demo", &body).await).await;
        assert_eq!(status, 422, "{segment}: {answer}");
        assert_eq!(answer["problems"][0]["path"], "segment", "{answer}");
        assert!(error_of(&answer).contains(message), "{segment}: {answer}");
    }
    let body = json!({"user": "u-1", "segment": 7, "events": []});
    let (status, answer) = json(server.post_events("demo", &body).await).await;
    assert!(status == 400 || status == 422, "{answer}");
    assert!(error_of(&answer).contains("segment"), "{answer}");
    server.stop().await;
}

async fn post_all(server: &TestServer, batches: &[Batch]) {
    for (user, segment, events) in batches {
        post(server, user.as_deref(), segment.as_deref(), events).await;
    }
}

/// Users whose rollups are still to be recomputed, read from the server's database.
async fn marked_users(server: &TestServer) -> i64 {
    let db = waymark_server::db::Db::connect(&server.database_url, 1)
        .await
        .unwrap();
    let mut conn = db.pool().acquire().await.unwrap();
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM insight_dirty")
        .fetch_one(&mut *conn)
        .await
        .unwrap()
        .try_get("n")
        .unwrap();
    drop(conn);
    db.close().await;
    n
}

/// Waits until the background refresh has recomputed every marked user.
async fn refreshed(server: &TestServer) {
    for _ in 0..300 {
        if marked_users(server).await == 0 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the background refresh left users marked for 30 s");
}

async fn figures_are_exact_once_the_background_refresh_has_run(backend: Backend) {
    let server = start_with(backend, |c| {
        c.insights.ticket_cost = TICKET_COST;
        c.insights.refresh_delay_ms = 20;
    })
    .await;
    let posted = fill(&server).await;
    // No request has asked yet: only the worker can have done it.
    refreshed(&server).await;
    compare(&server, &posted, &filters()).await;
    server.stop().await;
}

async fn figures_are_exact_right_after_ingest_before_the_background_refresh(backend: Backend) {
    let server = start_with(backend, |c| {
        c.insights.ticket_cost = TICKET_COST;
        c.insights.refresh_delay_ms = HOUR_MS;
        c.insights.refresh_poll_ms = HOUR_MS;
    })
    .await;
    let posted = fill(&server).await;
    assert!(marked_users(&server).await > 0);
    compare(&server, &posted, &filters()[..1]).await;
    assert_eq!(marked_users(&server).await, 0, "the request did it");
    compare(&server, &posted, &filters()).await;
    server.stop().await;
}

/// Two servers on one PostgreSQL: each stores half of the users' batches, both
/// refresh in the background at once, and either answers with the core's figures on
/// all the events, at any moment of the refresh.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_servers_on_one_postgresql_keep_the_figures_exact() {
    let setup = |c: &mut waymark_server::config::Config| {
        c.insights.ticket_cost = TICKET_COST;
        c.insights.refresh_delay_ms = 0;
    };
    let a = start_with(Backend::Postgres, setup).await;
    let db = a.database_url.clone();
    let b = start_with(Backend::Postgres, move |c| {
        setup(c);
        c.database_url = db;
    })
    .await;
    // A user's batches all go to one server, in order, so which of two same-id
    // events is first is what was posted first.
    let mut shares: [Vec<Batch>; 2] = [Vec::new(), Vec::new()];
    let mut users = 0;
    let mut last_user: Option<Option<String>> = None;
    let mut posted = Vec::new();
    for batch in batches() {
        if last_user.as_ref() != Some(&batch.0) {
            users += 1;
            last_user = Some(batch.0.clone());
        }
        posted.extend(batch.2.iter().map(|event| Posted {
            user: batch.0.clone(),
            segment: batch.1.clone(),
            event: event.clone(),
        }));
        shares[users % 2].push(batch);
    }
    let [to_a, to_b] = shares;
    tokio::join!(post_all(&a, &to_a), post_all(&b, &to_b), async {
        // Asked while both servers store and refresh: each answer must come (what
        // it says depends on how far the posting got; the figures are checked after).
        for _ in 0..5 {
            let res = a
                .admin(
                    Method::GET,
                    "/v1/apps/demo/insights?guide=raise-requisition",
                )
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
        }
    });
    compare(&a, &posted, &filters()).await;
    compare(&b, &posted, &filters()).await;
    refreshed(&a).await;
    compare(&b, &posted, &filters()).await;
    a.stop().await;
    b.stop().await;
}
