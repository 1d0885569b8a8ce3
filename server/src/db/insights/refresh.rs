//! Keeping the Insights rollups up to date: recomputes the help sessions (all of a
//! user's events, per segment, per guide) and the funnel reach of the users the event
//! writer marked in `insight_dirty`, a group of users per transaction. A request
//! recomputes every marked user before it reads ([`refresh`]); the background worker
//! ([`crate::insights_refresh`]) does groups of whoever is free ([`refresh_some`]).
//! On PostgreSQL several processes may do this at once: a group's marks are locked
//! until its transaction commits.

use sqlx::any::{Any, AnyArguments};
use sqlx::query::Query;
use sqlx::Row;

use super::sessions::{
    session_ctes, ALL_SEGMENTS, BY_USER, BY_USER_AND_GUIDE, EV_COLUMNS, SRC_COLUMNS,
};
use crate::db::{Backend, Db, Error, WriteTx};

/// Users recomputed per transaction by a request.
const REFRESH_USERS: usize = 400;

/// Brings the app's rollups up to date before a request reads them: recomputes the
/// sessions and funnel reach of every user whose events changed since. Users are
/// done a few hundred per transaction, so event ingest is never held up for long.
/// On PostgreSQL it waits for users another process is recomputing (their marks are
/// locked until it commits), so the answer is exact.
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
        let mut tx = db.begin_write().await?;
        let list = (2..users.len() + 2)
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ");
        // Only those still marked: another process may have done some meanwhile.
        let sql = format!(
            "SELECT user_key FROM insight_dirty WHERE app_id = $1 AND user_key IN ({list}){}",
            lock_in_order(db, "")
        );
        let group = keys_of(with_users(&sql, app, None, users), &mut tx).await?;
        recompute(&mut tx, app, gap, &group).await?;
        tx.commit().await?;
    }
    Ok(())
}

/// The apps with users whose rollups are out of date.
pub async fn stale_apps(db: &Db) -> Result<Vec<String>, Error> {
    let mut conn = db.pool().acquire().await?;
    sqlx::query("SELECT DISTINCT app_id FROM insight_dirty")
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|row| row.try_get("app_id"))
        .collect()
}

/// Recomputes the rollups of up to `limit` of the app's marked users in one
/// transaction, for the background refresh; returns how many. On PostgreSQL users
/// another process is recomputing, or whose events are being stored, are skipped
/// rather than waited for: 0 means no user is left that is free to do now.
pub async fn refresh_some(db: &Db, app: &str, gap: i64, limit: usize) -> Result<usize, Error> {
    let mut tx = db.begin_write().await?;
    let sql = format!(
        "SELECT user_key FROM insight_dirty WHERE app_id = $1{}",
        lock_in_order(db, &format!(" LIMIT {limit}"))
    );
    let group = keys_of(sqlx::query(&sql).bind(app.to_owned()), &mut tx).await?;
    recompute(&mut tx, app, gap, &group).await?;
    tx.commit().await?;
    Ok(group.len())
}

/// ` ORDER BY user_key`, `limit`, and on PostgreSQL the row locks: taken in byte
/// order of the user, the order the event writer marks users in
/// ([`crate::db::events::mark_changed`]), so a refresh and the writer never wait on
/// each other in a cycle. A `limit` (the background refresh) also skips users
/// someone else holds.
fn lock_in_order(db: &Db, limit: &str) -> String {
    match db.backend() {
        Backend::Sqlite => format!(" ORDER BY user_key{limit}"),
        Backend::Postgres if limit.is_empty() => {
            " ORDER BY user_key COLLATE \"C\" FOR UPDATE".to_owned()
        }
        Backend::Postgres => {
            format!(" ORDER BY user_key COLLATE \"C\"{limit} FOR UPDATE SKIP LOCKED")
        }
    }
}

async fn keys_of<'q>(
    query: Query<'q, Any, AnyArguments<'q>>,
    tx: &mut WriteTx,
) -> Result<Vec<String>, Error> {
    query
        .fetch_all(tx.conn())
        .await?
        .iter()
        .map(|row| row.try_get("user_key"))
        .collect()
}

/// Recomputes the rollups of `group`, users whose marks the transaction holds (or,
/// on SQLite, whose one writer it is), and takes their marks off. A batch stored
/// meanwhile waits for the marks and so marks its user again after the commit.
async fn recompute(tx: &mut WriteTx, app: &str, gap: i64, group: &[String]) -> Result<(), Error> {
    if group.is_empty() {
        return Ok(());
    }
    let keys = |first: usize| {
        (first..first + group.len())
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let bind_users = |sql, gap| with_users(sql, app, gap, group);
    for table in [
        "insight_sessions",
        "insight_guide_sessions",
        "insight_reach",
    ] {
        let delete = format!(
            "DELETE FROM {table} WHERE app_id = $1 AND user_key IN ({})",
            keys(2)
        );
        with_users(&delete, app, None, group)
            .execute(tx.conn())
            .await?;
    }
    // The group's events; '' stands for events without a user.
    let users_in = |first: usize| {
        if group.iter().any(String::is_empty) {
            format!("(user_id IN ({}) OR user_id IS NULL)", keys(first))
        } else {
            format!("user_id IN ({})", keys(first))
        }
    };
    // $1 the app, $2 the gap, then the users. All of a user's events, and each
    // segment's; then the same per guide. The group's events are read once, through
    // the user index (MATERIALIZED: else SQLite may read a segment's or a kind's
    // events through their own index and filter the users out of a million rows).
    let users = users_in(3);
    let src = format!(
        "ev AS MATERIALIZED (
            SELECT guide, segment, {SRC_COLUMNS} FROM events WHERE app_id = $1 AND {users}
         ), src AS (
            SELECT '{ALL_SEGMENTS}' AS stream, guide, {EV_COLUMNS} FROM ev
            UNION ALL
            SELECT segment AS stream, guide, {EV_COLUMNS} FROM ev WHERE segment IS NOT NULL
         )"
    );
    let insert = format!(
        "WITH {src},
         {ctes}
         INSERT INTO insight_sessions
             (app_id, stream, user_key, chunk_first, chunk_last, started, outcome)
         SELECT $1, stream, u, chunk_first, chunk_last, started, outcome FROM sessions",
        ctes = session_ctes("$2", BY_USER),
    );
    bind_users(&insert, Some(gap)).execute(tx.conn()).await?;
    let insert = format!(
        "WITH {src},
         {ctes}
         INSERT INTO insight_guide_sessions
             (app_id, guide, stream, user_key, chunk_first, chunk_last, started, outcome)
         SELECT $1, guide, stream, u, chunk_first, chunk_last, started, outcome FROM sessions",
        ctes = session_ctes("$2", BY_USER_AND_GUIDE),
    );
    bind_users(&insert, Some(gap)).execute(tx.conn()).await?;
    let users = users_in(2);
    let reach = format!(
        "WITH shown AS MATERIALIZED (
            SELECT COALESCE(user_id, '') AS u, guide, step_index, step, at, segment, kind
            FROM events WHERE app_id = $1 AND {users}
         )
         INSERT INTO insight_reach (app_id, stream, guide, step_index, user_key, last_named)
         SELECT $1, stream, guide, step_index, u, MAX(CASE WHEN step IS NOT NULL THEN at END)
         FROM (
            SELECT '{ALL_SEGMENTS}' AS stream, u, guide, step_index, step, at FROM shown
            WHERE kind = 'step_shown' AND step_index IS NOT NULL
            UNION ALL
            SELECT segment AS stream, u, guide, step_index, step, at FROM shown
            WHERE kind = 'step_shown' AND step_index IS NOT NULL AND segment IS NOT NULL
         ) reached
         GROUP BY stream, guide, step_index, u"
    );
    bind_users(&reach, None).execute(tx.conn()).await?;
    let unmark = format!(
        "DELETE FROM insight_dirty WHERE app_id = $1 AND user_key IN ({})",
        keys(2)
    );
    bind_users(&unmark, None).execute(tx.conn()).await?;
    Ok(())
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
