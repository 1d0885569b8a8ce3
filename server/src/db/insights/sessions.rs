//! Help sessions in SQL: the core's session state machine as window functions and
//! aggregates, and the rollup that keeps each user's sessions so a request need not
//! walk every event (see the parent module for when each is used).

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
/// `src` (columns `stream, u, at, arrival, event_id, kind, detail`), one row per
/// session: `stream, u, chunk_first, chunk_last, started, outcome`.
///
/// Each user's events in order are cut into chunks: a chunk ends before a silence
/// longer than the session gap (placeholder `gap`), and right after a ticket. A
/// chunk holds a session when it holds a starter; the session runs from its first
/// starter to the chunk's end, and its outcome comes from the events in that stretch
/// — the core's state machine, as aggregates.
fn session_ctes(gap: &str) -> String {
    format!(
        "w AS (
            SELECT stream, u, at, kind, detail,
                   ROW_NUMBER() OVER win AS rn,
                   CASE WHEN at - LAG(at) OVER win <= {gap}
                             AND LAG(kind) OVER win <> 'ticket_filed' THEN 0 ELSE 1 END AS brk
            FROM src
            WINDOW win AS (PARTITION BY stream, u ORDER BY at, arrival, event_id)
        ), c AS (
            SELECT stream, u, at, kind, detail, rn,
                   SUM(brk) OVER (PARTITION BY stream, u ORDER BY rn ROWS UNBOUNDED PRECEDING) AS chunk
            FROM w
        ), s AS (
            SELECT stream, u, MIN(at) AS chunk_first, MAX(at) AS chunk_last,
                   MIN(CASE WHEN {STARTER} THEN rn END) AS first_rn,
                   MIN(CASE WHEN {STARTER} THEN at END) AS started,
                   MAX(CASE WHEN kind = 'ticket_filed' THEN 1 ELSE 0 END) AS ticket,
                   COALESCE(MAX(CASE WHEN kind = 'run_completed' THEN rn END), 0) AS completed_rn,
                   COALESCE(MAX(CASE WHEN kind = 'solved_answered' AND detail = 'yes' THEN rn END), 0) AS yes_rn,
                   COALESCE(MAX(CASE WHEN kind = 'solved_answered' AND detail = 'no' THEN rn END), 0) AS no_rn
            FROM c GROUP BY stream, u, chunk
        ), sessions AS (
            SELECT stream, u, chunk_first, chunk_last, started,
                   CASE WHEN ticket = 1 THEN 'ticketed'
                        WHEN completed_rn >= first_rn AND no_rn < first_rn THEN
                            CASE WHEN yes_rn >= first_rn THEN 'resolved_confirmed'
                                 ELSE 'resolved_potential' END
                        ELSE 'abandoned' END AS outcome
            FROM s WHERE first_rn IS NOT NULL
        )"
    )
}

/// The columns `src` needs, from `events`.
const SRC_COLUMNS: &str = "COALESCE(user_id, '') AS u, at, arrival, event_id, kind, detail";

/// Sessions per start day and outcome, and the users with a resolved one, from CTE
/// `o` (`u, started, outcome`).
const OUTCOMES: &str = "
    SELECT started / 86400000 AS day, outcome, COUNT(*) AS n FROM o GROUP BY started / 86400000, outcome
    UNION ALL
    SELECT -1 AS day, 'self_served_users' AS outcome, COUNT(DISTINCT u) AS n FROM o
        WHERE outcome IN ('resolved_confirmed', 'resolved_potential')";

/// Help sessions of the scope's events computed from the events themselves: used
/// with a guide filter (which changes where the silences are), or another gap.
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
        ctes = session_ctes(&filter.next_placeholder()),
    );
    filter.query(&sql).bind(gap).fetch_all(conn).await
}

/// Help sessions of the scope's events from the rollup: the stored sessions whose
/// stretch lies inside the time range, and, for the few users with a stretch cut by
/// either end of the range, sessions computed from their events in the range.
async fn sessions_rolled_up(
    conn: &mut AnyConnection,
    scope: &Scope,
    filter: &Filter,
    gap: i64,
) -> Result<Vec<sqlx::any::AnyRow>, Error> {
    let n = filter.binds.len();
    let stream = format!("${}", n + 1);
    if scope.from_ms.is_none() && scope.until_ms.is_none() {
        // No range, nothing cut: the rollup alone.
        let sql = format!(
            "WITH o AS (
                SELECT user_key AS u, started, outcome FROM insight_sessions
                WHERE app_id = $1 AND stream = {stream}
             )
             {OUTCOMES}"
        );
        return filter
            .query(&sql)
            .bind(scope.segment.as_deref().unwrap_or(ALL_SEGMENTS))
            .fetch_all(conn)
            .await;
    }
    let (from, until, gap_p) = (
        format!("${}", n + 2),
        format!("${}", n + 3),
        format!("${}", n + 4),
    );
    let sql = format!(
        "WITH rolled AS (
            SELECT user_key, chunk_first, chunk_last, started, outcome FROM insight_sessions
            WHERE app_id = $1 AND stream = {stream}
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
        ctes = session_ctes(&gap_p),
    );
    filter
        .query(&sql)
        .bind(scope.segment.as_deref().unwrap_or(ALL_SEGMENTS))
        .bind(scope.from_ms.unwrap_or(i64::MIN))
        .bind(scope.until_ms.unwrap_or(i64::MAX))
        .bind(gap)
        .fetch_all(conn)
        .await
}

/// Users recomputed per statement when the rollup is brought up to date.
const REFRESH_USERS: usize = 400;

/// Brings the app's session rollup up to date: recomputes the sessions of every
/// user whose events changed since, for all their events and for each segment's.
/// Users are done a few hundred per transaction, so event ingest is never held up
/// for long; on PostgreSQL their marks are locked, so two servers never do one user
/// at once.
pub async fn refresh(db: &Db, app: &str, gap: i64) -> Result<(), Error> {
    let mut conn = db.pool().acquire().await?;
    let dirty: Vec<String> = sqlx::query("SELECT user_key FROM insight_dirty WHERE app_id = $1")
        .bind(app)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|row| row.try_get("user_key"))
        .collect::<Result<_, Error>>()?;
    drop(conn);
    for users in dirty.chunks(REFRESH_USERS) {
        refresh_users(db, app, gap, users).await?;
    }
    Ok(())
}

async fn refresh_users(db: &Db, app: &str, gap: i64, users: &[String]) -> Result<(), Error> {
    let mut tx = db.begin_write().await?;
    let list = (2..users.len() + 2)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT user_key FROM insight_dirty WHERE app_id = $1 AND user_key IN ({list}){}",
        db.for_update()
    );
    let mut q = sqlx::query(&sql).bind(app);
    for user in users {
        q = q.bind(user.as_str());
    }
    // Only those still marked: another server may have done some meanwhile. The
    // marks stay locked (or SQLite's one writer is us) until the commit, so a batch
    // stored meanwhile marks its user again after it.
    let group: Vec<String> = q
        .fetch_all(tx.conn())
        .await?
        .iter()
        .map(|row| row.try_get("user_key"))
        .collect::<Result<_, Error>>()?;
    if group.is_empty() {
        return tx.commit().await;
    }
    let keys = |first: usize| {
        (first..first + group.len())
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let bind_users = |sql, gap| with_users(sql, app, gap, &group);
    let delete = format!(
        "DELETE FROM insight_sessions WHERE app_id = $1 AND user_key IN ({})",
        keys(2)
    );
    bind_users(&delete, None).execute(tx.conn()).await?;
    // The group's events; '' stands for events without a user.
    let users_in = |first: usize| {
        if group.iter().any(String::is_empty) {
            format!("(user_id IN ({}) OR user_id IS NULL)", keys(first))
        } else {
            format!("user_id IN ({})", keys(first))
        }
    };
    // $1 the app, $2 the gap, then the users.
    let users = users_in(3);
    let insert = format!(
        "WITH src AS (
            SELECT '{ALL_SEGMENTS}' AS stream, {SRC_COLUMNS} FROM events
            WHERE app_id = $1 AND {users}
            UNION ALL
            SELECT segment AS stream, {SRC_COLUMNS} FROM events
            WHERE app_id = $1 AND {users} AND segment IS NOT NULL
         ),
         {ctes}
         INSERT INTO insight_sessions
             (app_id, stream, user_key, chunk_first, chunk_last, started, outcome)
         SELECT $1, stream, u, chunk_first, chunk_last, started, outcome FROM sessions",
        ctes = session_ctes("$2"),
    );
    bind_users(&insert, Some(gap)).execute(tx.conn()).await?;
    let delete = format!(
        "DELETE FROM insight_reach WHERE app_id = $1 AND user_key IN ({})",
        keys(2)
    );
    bind_users(&delete, None).execute(tx.conn()).await?;
    let users = users_in(2);
    let reach = format!(
        "INSERT INTO insight_reach (app_id, stream, guide, step_index, user_key, last_named)
         SELECT $1, stream, guide, step_index, u, MAX(CASE WHEN step IS NOT NULL THEN at END)
         FROM (
            SELECT '{ALL_SEGMENTS}' AS stream, COALESCE(user_id, '') AS u, guide, step_index, step, at
            FROM events
            WHERE app_id = $1 AND {users} AND kind = 'step_shown' AND step_index IS NOT NULL
            UNION ALL
            SELECT segment AS stream, COALESCE(user_id, '') AS u, guide, step_index, step, at
            FROM events
            WHERE app_id = $1 AND {users} AND kind = 'step_shown' AND step_index IS NOT NULL
              AND segment IS NOT NULL
         ) shown
         GROUP BY stream, guide, step_index, u"
    );
    bind_users(&reach, None).execute(tx.conn()).await?;
    let unmark = format!(
        "DELETE FROM insight_dirty WHERE app_id = $1 AND user_key IN ({})",
        keys(2)
    );
    bind_users(&unmark, None).execute(tx.conn()).await?;
    tx.commit().await
}

/// `sql` with the app, the gap when given, and the users bound in that order.
fn with_users<'q>(
    sql: &'q str,
    app: &str,
    gap: Option<i64>,
    users: &[String],
) -> Query<'q, Any, AnyArguments<'q>> {
    let mut q = sqlx::query(sql).bind(app.to_owned());
    if let Some(gap) = gap {
        q = q.bind(gap);
    }
    for user in users {
        q = q.bind(user.clone());
    }
    q
}

/// The session gap the rollup is kept for: the core's default (the server does not
/// configure another).
pub(super) fn rollup_gap() -> i64 {
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
