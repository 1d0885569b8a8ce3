//! Help sessions in SQL: the core's session state machine as window functions and
//! aggregates, and reading them from the rollups that keep each user's sessions so
//! a request need not walk every event (see the parent module for when each is
//! used; [`super::refresh`] keeps the rollups).

use std::collections::BTreeMap;

use sqlx::any::{Any, AnyArguments};
use sqlx::query::Query;
use sqlx::{AnyConnection, Row};
use waymark::metrics::{Config, DayOutcomes};

use super::{count, Filter, Scope};
use crate::db::{Db, Error};

/// A session starts on these (DESIGN.md: the launcher, a help offer, a ticket, a
/// guide started from the launcher).
const STARTER: &str = "(kind IN ('launcher_opened', 'help_offered', 'ticket_filed') \
     OR (kind = 'run_started' AND detail = 'launcher'))";

/// The rollup keeps sessions of the whole stream under this name, and those of one
/// segment's events under the segment's (which cannot be `*`).
pub(super) const ALL_SEGMENTS: &str = "*";

/// CTEs `w`, `c` and `sessions` finding the help sessions of the events in CTE
/// `src` (columns `keys` — [`BY_USER`] or [`BY_USER_AND_GUIDE`] — and `at, arrival,
/// event_id, kind, detail`), one row per session: `keys, chunk_first, chunk_last,
/// started, outcome`. The keys name one event stream: sessions never span two.
///
/// Each user's events in order are cut into chunks: a chunk ends before a silence
/// longer than the session gap (placeholder `gap`), and right after a ticket. A
/// chunk holds a session when it holds a starter; the session runs from its first
/// starter to the chunk's end, and its outcome comes from the events in that stretch
/// — the core's state machine, as aggregates.
pub(super) fn session_ctes(gap: &str, keys: &str) -> String {
    format!(
        "w AS (
            SELECT {keys}, at, kind, detail,
                   ROW_NUMBER() OVER win AS rn,
                   CASE WHEN at - LAG(at) OVER win <= {gap}
                             AND LAG(kind) OVER win <> 'ticket_filed' THEN 0 ELSE 1 END AS brk
            FROM src
            WINDOW win AS (PARTITION BY {keys} ORDER BY at, arrival, event_id)
        ), c AS (
            SELECT {keys}, at, kind, detail, rn,
                   SUM(brk) OVER (PARTITION BY {keys} ORDER BY rn ROWS UNBOUNDED PRECEDING) AS chunk
            FROM w
        ), s AS (
            SELECT {keys}, MIN(at) AS chunk_first, MAX(at) AS chunk_last,
                   MIN(CASE WHEN {STARTER} THEN rn END) AS first_rn,
                   MIN(CASE WHEN {STARTER} THEN at END) AS started,
                   MAX(CASE WHEN kind = 'ticket_filed' THEN 1 ELSE 0 END) AS ticket,
                   COALESCE(MAX(CASE WHEN kind = 'run_completed' THEN rn END), 0) AS completed_rn,
                   COALESCE(MAX(CASE WHEN kind = 'solved_answered' AND detail = 'yes' THEN rn END), 0) AS yes_rn,
                   COALESCE(MAX(CASE WHEN kind = 'solved_answered' AND detail = 'no' THEN rn END), 0) AS no_rn
            FROM c GROUP BY {keys}, chunk
        ), sessions AS (
            SELECT {keys}, chunk_first, chunk_last, started,
                   CASE WHEN ticket = 1 THEN 'ticketed'
                        WHEN completed_rn >= first_rn AND no_rn < first_rn THEN
                            CASE WHEN yes_rn >= first_rn THEN 'resolved_confirmed'
                                 ELSE 'resolved_potential' END
                        ELSE 'abandoned' END AS outcome
            FROM s WHERE first_rn IS NOT NULL
        )"
    )
}

/// The stream keys of [`session_ctes`]: a user's events (all, or one segment's).
pub(super) const BY_USER: &str = "stream, u";
/// …or a user's events of one guide (all, or one segment's).
pub(super) const BY_USER_AND_GUIDE: &str = "stream, guide, u";

/// The columns `src` needs, from `events`.
pub(super) const SRC_COLUMNS: &str =
    "COALESCE(user_id, '') AS u, at, arrival, event_id, kind, detail";
/// The same, from a CTE that selected them.
pub(super) const EV_COLUMNS: &str = "u, at, arrival, event_id, kind, detail";

/// Sessions per start day and outcome, and the users with a resolved one, from CTE
/// `o` (`u, started, outcome`).
const OUTCOMES: &str = "
    SELECT started / 86400000 AS day, outcome, COUNT(*) AS n FROM o GROUP BY started / 86400000, outcome
    UNION ALL
    SELECT -1 AS day, 'self_served_users' AS outcome, COUNT(DISTINCT u) AS n FROM o
        WHERE outcome IN ('resolved_confirmed', 'resolved_potential')";

/// Help sessions of the scope's events computed from the events themselves: used
/// with a gap the rollups are not kept for.
async fn sessions_direct(
    conn: &mut AnyConnection,
    filter: &Filter,
    gap: i64,
) -> Result<Vec<sqlx::any::AnyRow>, Error> {
    let sql = format!(
        "WITH src AS (SELECT '{ALL_SEGMENTS}' AS stream, {SRC_COLUMNS} FROM events WHERE {filter}),
         {ctes},
         o AS (SELECT u, started, outcome FROM sessions)
         {OUTCOMES}",
        filter = filter.sql,
        ctes = session_ctes(&filter.next_placeholder(), BY_USER),
    );
    filter.query(&sql).bind(gap).fetch_all(conn).await
}

/// Help sessions of the scope's events from the rollup (the guide's with a guide
/// filter): the stored sessions whose stretch lies inside the time range, and, for
/// the few users with a stretch cut by either end of the range, sessions computed
/// from their events in the range.
async fn sessions_rolled_up(
    conn: &mut AnyConnection,
    scope: &Scope,
    filter: &Filter,
    gap: i64,
) -> Result<Vec<sqlx::any::AnyRow>, Error> {
    let n = filter.binds.len();
    let stream = format!("${}", n + 1);
    // Placeholders after the filter's: the stream, the guide when filtered by one,
    // then the range and the gap.
    let (table, guide, next) = match &scope.guide {
        Some(_) => (
            "insight_guide_sessions",
            format!(" AND guide = ${}", n + 2),
            n + 3,
        ),
        None => ("insight_sessions", String::new(), n + 2),
    };
    if scope.from_ms.is_none() && scope.until_ms.is_none() {
        // No range, nothing cut: the rollup alone.
        let sql = format!(
            "WITH o AS (
                SELECT user_key AS u, started, outcome FROM {table}
                WHERE app_id = $1 AND stream = {stream}{guide}
             )
             {OUTCOMES}"
        );
        return rolled_up(filter, &sql, scope).fetch_all(conn).await;
    }
    let (from, until, gap_p) = (
        format!("${next}"),
        format!("${}", next + 1),
        format!("${}", next + 2),
    );
    let sql = format!(
        "WITH rolled AS (
            SELECT user_key, chunk_first, chunk_last, started, outcome FROM {table}
            WHERE app_id = $1 AND stream = {stream}{guide}
         ), cut AS (
            SELECT DISTINCT user_key FROM rolled
            WHERE (chunk_first < {from} AND chunk_last >= {from})
               OR (chunk_first < {until} AND chunk_last >= {until})
         ), src AS (
            SELECT {stream} AS stream, {SRC_COLUMNS} FROM events
            WHERE {filter} AND user_id IN (SELECT user_key FROM cut)
            UNION ALL
            SELECT {stream} AS stream, {SRC_COLUMNS} FROM events
            WHERE {filter} AND user_id IS NULL AND EXISTS (SELECT 1 FROM cut WHERE user_key = '')
         ),
         {ctes},
         o AS (
            SELECT u, started, outcome FROM sessions
            UNION ALL
            SELECT user_key AS u, started, outcome FROM rolled
            WHERE chunk_first >= {from} AND chunk_last < {until}
              AND user_key NOT IN (SELECT user_key FROM cut)
         )
         {OUTCOMES}",
        filter = filter.sql,
        ctes = session_ctes(&gap_p, BY_USER),
    );
    rolled_up(filter, &sql, scope)
        .bind(scope.from_ms.unwrap_or(i64::MIN))
        .bind(scope.until_ms.unwrap_or(i64::MAX))
        .bind(gap)
        .fetch_all(conn)
        .await
}

/// `sql` with the filter's values, then the stream and the guide when filtered by one.
fn rolled_up<'q>(
    filter: &'q Filter,
    sql: &'q str,
    scope: &Scope,
) -> Query<'q, Any, AnyArguments<'q>> {
    let stream = scope.segment.as_deref().unwrap_or(ALL_SEGMENTS);
    let mut query = filter.query(sql).bind(stream.to_owned());
    if let Some(guide) = &scope.guide {
        query = query.bind(guide.clone());
    }
    query
}

/// The session gap the rollup is kept for: the core's default (the server does not
/// configure another).
pub fn rollup_gap() -> i64 {
    i64::try_from(Config::default().session_gap_ms).unwrap_or(i64::MAX)
}

/// Help sessions by outcome and day, and the users with a resolved one.
#[derive(Default)]
pub(super) struct SessionCounts {
    pub(super) confirmed: usize,
    pub(super) potential: usize,
    pub(super) ticketed: usize,
    pub(super) abandoned: usize,
    pub(super) self_served_users: usize,
    pub(super) by_day: Vec<DayOutcomes>,
}

pub(super) async fn session_counts(
    db: &Db,
    scope: &Scope,
    filter: &Filter,
    gap: i64,
    rollup: bool,
) -> Result<SessionCounts, Error> {
    let mut conn = db.pool().acquire().await?;
    let rows = if rollup {
        sessions_rolled_up(&mut conn, scope, filter, gap).await?
    } else {
        sessions_direct(&mut conn, filter, gap).await?
    };
    let mut out = SessionCounts::default();
    let mut by_day: BTreeMap<i64, DayOutcomes> = BTreeMap::new();
    for row in &rows {
        let day: i64 = row.try_get("day")?;
        let outcome: String = row.try_get("outcome")?;
        let n = count(row, "n")?;
        if outcome == "self_served_users" {
            out.self_served_users = n;
            continue;
        }
        let d = by_day.entry(day).or_insert_with(|| DayOutcomes {
            day,
            ..DayOutcomes::default()
        });
        match outcome.as_str() {
            "resolved_confirmed" => {
                out.confirmed += n;
                d.resolved += n;
            }
            "resolved_potential" => {
                out.potential += n;
                d.resolved += n;
            }
            "ticketed" => {
                out.ticketed += n;
                d.ticketed += n;
            }
            _ => {
                out.abandoned += n;
                d.abandoned += n;
            }
        }
    }
    out.by_day = by_day.into_values().collect();
    Ok(out)
}
