//! The Insights figures, computed by the database with SQL aggregates.
//!
//! Owns the SQL twin of [`waymark::metrics::insights`]: the same definitions
//! (DESIGN.md "Analytics and deflection"), the same numbers on the same events — a
//! test in `server/tests/api/insights.rs` compares the two on both databases. Each
//! figure reads only the event kinds it needs, except help sessions, which end after a
//! silence and so must see every event of a user; they are found with window functions
//! (`LAG`, running `SUM`) over each user's events in time order, ties broken by
//! arrival as the core does. Only aggregated rows (per day, per guide step, per stuck
//! spot) leave the database.
//!
//! Walking every event for every request is too slow for millions of events, so the
//! sessions are also kept in rollups: per user, for all their events and for each
//! segment's (`insight_sessions`, migration 0004), and the same per user and guide
//! (`insight_guide_sessions`, migration 0005: a guide filter leaves only that guide's
//! events, which moves the silences, so its sessions are not a subset of the
//! user's). The event writer marks the users it stored events for (`insight_dirty`);
//! the background refresh ([`crate::insights_refresh`], with [`refresh_some`])
//! recomputes them soon after, and a request first recomputes whoever is still
//! marked ([`refresh`]), so an answer never lags the stored events. A request reads
//! the rollup, except for users whose session stretch is cut by the requested time
//! range: theirs are computed from their events in the range, so the answer is still
//! exactly the core's on the events in scope. Likewise `insight_reach` keeps which
//! users were shown each guide step, so funnel counts without a time range are a
//! count of rows rather than a distinct count over every step shown.
//!
//! The scope is the core's input: the app's events, optionally only those in a time
//! range, of one guide, or of one segment. Events without a user count as one user
//! `""`, as `waymark::metrics::UserEvent` has no "no user".

use std::collections::BTreeMap;

use sqlx::any::{Any, AnyArguments};
use sqlx::query::Query;
use sqlx::Row;
use waymark::metrics::{Config, Counts, Funnel, FunnelStep, Insights, StuckSpot};

use super::{Db, Error};

mod refresh;
mod sessions;

pub use refresh::{refresh, refresh_some, stale_apps};
pub use sessions::rollup_gap;
use sessions::{session_counts, SessionCounts, ALL_SEGMENTS};

/// Which events the figures are computed over.
#[derive(Clone, Debug, Default)]
pub struct Scope {
    pub app: String,
    /// Events at or after this time (ms since the epoch).
    pub from_ms: Option<i64>,
    /// Events before this time.
    pub until_ms: Option<i64>,
    pub guide: Option<String>,
    pub segment: Option<String>,
}

enum Bind {
    Text(String),
    Int(i64),
}

/// A `WHERE` clause with numbered placeholders, and the values they stand for.
struct Filter {
    sql: String,
    binds: Vec<Bind>,
}

impl Filter {
    fn of(scope: &Scope) -> Filter {
        let mut filter = Filter {
            sql: String::new(),
            binds: Vec::new(),
        };
        filter.push("app_id = ", Bind::Text(scope.app.clone()));
        if let Some(from) = scope.from_ms {
            filter.push(" AND at >= ", Bind::Int(from));
        }
        if let Some(until) = scope.until_ms {
            filter.push(" AND at < ", Bind::Int(until));
        }
        if let Some(guide) = &scope.guide {
            filter.push(" AND guide = ", Bind::Text(guide.clone()));
        }
        if let Some(segment) = &scope.segment {
            filter.push(" AND segment = ", Bind::Text(segment.clone()));
        }
        filter
    }

    fn push(&mut self, condition: &str, value: Bind) {
        self.binds.push(value);
        self.sql.push_str(condition);
        self.sql.push_str(&format!("${}", self.binds.len()));
    }

    /// The next free placeholder, for a value the query adds after the filter's.
    fn next_placeholder(&self) -> String {
        format!("${}", self.binds.len() + 1)
    }

    fn query<'q>(&'q self, sql: &'q str) -> Query<'q, Any, AnyArguments<'q>> {
        let mut query = sqlx::query(sql);
        for bind in &self.binds {
            query = match bind {
                Bind::Text(text) => query.bind(text.as_str()),
                Bind::Int(n) => query.bind(*n),
            };
        }
        query
    }
}

/// Runs started, runs completed (of those started), and the lower median time from
/// a run's first start to its first completion.
fn runs_sql(filter: &Filter) -> String {
    format!(
        "WITH r AS (
            SELECT run_id,
                   MIN(CASE WHEN kind = 'run_started' THEN at END) AS s,
                   MIN(CASE WHEN kind = 'run_completed' THEN at END) AS c
            FROM events
            WHERE {filter} AND kind IN ('run_started', 'run_completed') AND run_id IS NOT NULL
            GROUP BY run_id
        ), d AS (
            SELECT CASE WHEN c > s THEN c - s ELSE 0 END AS d
            FROM r WHERE s IS NOT NULL AND c IS NOT NULL
        ), k AS (
            SELECT d, ROW_NUMBER() OVER (ORDER BY d) AS k, COUNT(*) OVER () AS n FROM d
        )
        SELECT (SELECT COUNT(*) FROM r WHERE s IS NOT NULL) AS started,
               (SELECT COUNT(*) FROM d) AS completed,
               (SELECT d FROM k WHERE k = (n - 1) / 2 + 1) AS median",
        filter = filter.sql,
    )
}

/// Tickets filed, and by how many users.
async fn ticket_counts(db: &Db, filter: &Filter) -> Result<(usize, usize), Error> {
    let mut conn = db.pool().acquire().await?;
    let sql = format!(
        "SELECT COUNT(*) AS n, COUNT(DISTINCT COALESCE(user_id, '')) AS users
         FROM events WHERE {} AND kind = 'ticket_filed'",
        filter.sql
    );
    let row = filter.query(&sql).fetch_one(&mut *conn).await?;
    Ok((count(&row, "n")?, count(&row, "users")?))
}

/// Runs started, runs completed, and the median time to complete.
async fn run_counts(db: &Db, filter: &Filter) -> Result<(usize, usize, Option<i64>), Error> {
    let mut conn = db.pool().acquire().await?;
    let sql = runs_sql(filter);
    let row = filter.query(&sql).fetch_one(&mut *conn).await?;
    Ok((
        count(&row, "started")?,
        count(&row, "completed")?,
        row.try_get("median")?,
    ))
}

/// Every figure of the Insights page over the scope's events. The figures are
/// independent queries, run at once on connections of their own.
pub async fn insights(db: &Db, scope: &Scope, cfg: &Config) -> Result<Insights, Error> {
    let filter = Filter::of(scope);
    let gap = i64::try_from(cfg.session_gap_ms).unwrap_or(i64::MAX);
    // Sessions come from the rollups (kept for the default gap only); funnels
    // unless a time range cuts the users' reach.
    let rollup = gap == rollup_gap();
    let reach_rollup = scope.from_ms.is_none() && scope.until_ms.is_none();
    if rollup || reach_rollup {
        refresh(db, &scope.app, rollup_gap()).await?;
    }
    let (
        sessions,
        (tickets_filed, ticket_users),
        (runs_started, runs_completed, median),
        funnels,
        stuck,
    ) = tokio::try_join!(
        session_counts(db, scope, &filter, gap, rollup),
        ticket_counts(db, &filter),
        run_counts(db, &filter),
        funnels(db, scope, &filter, reach_rollup),
        stuck_spots(db, &filter),
    )?;
    let SessionCounts {
        confirmed,
        potential,
        ticketed,
        abandoned,
        self_served_users,
        by_day,
    } = sessions;
    Ok(Insights::from_counts(
        Counts {
            resolved_confirmed: confirmed,
            resolved_potential: potential,
            ticketed,
            abandoned,
            self_served_users,
            ticket_users,
            tickets_filed,
            runs_started,
            runs_completed,
            median_time_to_complete_ms: median.map(|m| m.max(0) as u64),
        },
        funnels,
        stuck,
        by_day,
        cfg,
    ))
}

/// Per guide: distinct users shown each step (steps never shown count 0), the step's
/// id as last seen, and the share who never saw the next step.
async fn funnels(
    db: &Db,
    scope: &Scope,
    filter: &Filter,
    rolled_up: bool,
) -> Result<Vec<Funnel>, Error> {
    let mut conn = db.pool().acquire().await?;
    // Distinct users per step and when the step was last named: from the reach
    // rollup, or with a time range from the events in it.
    let counts = if rolled_up {
        let n = filter.binds.len();
        let guide = if scope.guide.is_some() {
            format!(" AND guide = ${}", n + 2)
        } else {
            String::new()
        };
        format!(
            "SELECT guide, step_index, COUNT(*) AS users, MAX(last_named) AS last_at
             FROM insight_reach WHERE app_id = $1 AND stream = ${}{guide}
             GROUP BY guide, step_index",
            n + 1
        )
    } else {
        format!(
            "SELECT guide, step_index, COUNT(DISTINCT COALESCE(user_id, '')) AS users,
                    MAX(CASE WHEN step IS NOT NULL THEN at END) AS last_at
             FROM events WHERE {} AND kind = 'step_shown' AND step_index IS NOT NULL
             GROUP BY guide, step_index",
            filter.sql
        )
    };
    // The step's id is the one of the last event (by time, then arrival) that has
    // one: one index lookup per step at that time finds it.
    let sql = format!(
        "WITH g AS ({counts})
         SELECT g.guide, g.step_index, g.users,
                (SELECT step FROM events
                 WHERE {filter} AND kind = 'step_shown' AND guide = g.guide
                   AND step_index = g.step_index AND at = g.last_at AND step IS NOT NULL
                 ORDER BY arrival DESC, event_id DESC LIMIT 1) AS step
         FROM g",
        filter = filter.sql
    );
    let mut query = filter.query(&sql);
    if rolled_up {
        query = query.bind(scope.segment.as_deref().unwrap_or(ALL_SEGMENTS));
        if let Some(guide) = &scope.guide {
            query = query.bind(guide.as_str());
        }
    }
    let rows = query.fetch_all(&mut *conn).await?;
    let mut reach: BTreeMap<String, BTreeMap<usize, (String, usize)>> = BTreeMap::new();
    for row in rows {
        let index = count(&row, "step_index")?;
        let step: Option<String> = row.try_get("step")?;
        reach
            .entry(row.try_get("guide")?)
            .or_default()
            .insert(index, (step.unwrap_or_default(), count(&row, "users")?));
    }
    Ok(reach
        .into_iter()
        .map(|(guide, steps)| {
            let last = steps.keys().max().copied().unwrap_or(0);
            let users: Vec<(String, usize)> = (0..=last)
                .map(|i| steps.get(&i).cloned().unwrap_or_default())
                .collect();
            let steps = users
                .iter()
                .enumerate()
                .map(|(index, (step, n))| FunnelStep {
                    index,
                    step: step.clone(),
                    users: *n,
                    drop_off: users
                        .get(index + 1)
                        .and_then(|next| ratio(n.saturating_sub(next.1), *n)),
                })
                .collect();
            Funnel { guide, steps }
        })
        .collect())
}

/// Stuck signals per guide, step and signal, most frequent first (ties by guide,
/// step, signal).
async fn stuck_spots(db: &Db, filter: &Filter) -> Result<Vec<StuckSpot>, Error> {
    let mut conn = db.pool().acquire().await?;
    let sql = format!(
        "SELECT guide, COALESCE(step, '') AS step, COALESCE(detail, 'unknown') AS signal,
                COUNT(*) AS n
         FROM events WHERE {} AND kind = 'stuck_detected'
         GROUP BY guide, COALESCE(step, ''), COALESCE(detail, 'unknown')",
        filter.sql
    );
    let mut out = filter
        .query(&sql)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|row| {
            Ok(StuckSpot {
                guide: row.try_get("guide")?,
                step: row.try_get("step")?,
                signal: row.try_get("signal")?,
                count: count(row, "n")?,
            })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    // Sorted here, in byte order as the core does, not by the database's collation.
    out.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| (&a.guide, &a.step, &a.signal).cmp(&(&b.guide, &b.step, &b.signal)))
    });
    Ok(out)
}

fn count(row: &sqlx::any::AnyRow, column: &str) -> Result<usize, Error> {
    let n: i64 = row.try_get(column)?;
    Ok(usize::try_from(n).unwrap_or(0))
}

fn ratio(num: usize, den: usize) -> Option<f64> {
    (den > 0).then(|| num as f64 / den as f64)
}
