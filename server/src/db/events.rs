//! Analytics events: insert-only, duplicates (same app and event id) dropped by the
//! primary key. Each row gets an `arrival` number so events sharing a timestamp keep
//! the order they arrived in (the insights queries break ties with it).

use std::fmt::Write;
use std::sync::atomic::{AtomicI64, Ordering};

use sqlx::{AnyConnection, Row};
use waymark::events::AnalyticsEvent;

use super::{Backend, Error};

const COLUMNS: usize = 14;
/// Rows per INSERT statement: 1,400 parameters, well under both databases' limits.
const ROWS_PER_STATEMENT: usize = 100;

/// The INSERT for `rows` rows: `($1, …, $12), ($13, …)` on PostgreSQL, `(?, …)` on
/// SQLite; only placeholders, never values, go into the text. SQLite gets anonymous
/// placeholders because looking up a numbered one by name scans every parameter of
/// the statement, which made binding 1,200 of them cost more than the insert.
fn insert_sql(backend: Backend, rows: usize) -> String {
    let mut sql = String::from(
        "INSERT INTO events (app_id, event_id, user_id, at, kind, guide, version, run_id, step, step_index, detail, received_at, segment, arrival) VALUES ",
    );
    for row in 0..rows {
        sql.push_str(if row == 0 { "(" } else { ", (" });
        for col in 0..COLUMNS {
            let sep = if col == 0 { "" } else { ", " };
            match backend {
                Backend::Postgres => {
                    let _ = write!(sql, "{sep}${}", row * COLUMNS + col + 1);
                }
                Backend::Sqlite => {
                    let _ = write!(sql, "{sep}?");
                }
            }
        }
        sql.push(')');
    }
    sql.push_str(" ON CONFLICT (app_id, event_id) DO NOTHING");
    sql
}

/// The last arrival number handed out in this process.
static LAST_ARRIVAL: AtomicI64 = AtomicI64::new(0);

/// `n` consecutive arrival numbers, the first returned: microseconds since the epoch,
/// moved on by one per event so they never repeat and never go back in a process.
fn reserve_arrivals(n: usize) -> i64 {
    let now = crate::now_ms().saturating_mul(1000);
    let n = n as i64;
    let previous = LAST_ARRIVAL
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |last| {
            Some(now.max(last + 1) + n - 1)
        })
        .unwrap_or(0);
    now.max(previous + 1)
}

/// The event kind as stored: its serde name (`run_started`).
fn kind_name(event: &AnalyticsEvent) -> String {
    serde_json::to_value(event.kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// Who sent a batch of events, and for which segment of users.
#[derive(Clone, Copy, Debug, Default)]
pub struct Sender<'a> {
    pub user: Option<&'a str>,
    pub segment: Option<&'a str>,
}

/// Stores the events; returns how many were new (the rest were duplicates). When
/// some were, the caller marks the user with [`mark_changed`] before it commits.
pub async fn insert(
    conn: &mut AnyConnection,
    backend: Backend,
    app: &str,
    sender: Sender<'_>,
    events: &[AnalyticsEvent],
    received_at: i64,
) -> Result<u64, Error> {
    let Sender { user, segment } = sender;
    let mut inserted = 0;
    for chunk in events.chunks(ROWS_PER_STATEMENT) {
        let sql = insert_sql(backend, chunk.len());
        let mut query = sqlx::query(&sql);
        let first_arrival = reserve_arrivals(chunk.len());
        for (i, event) in chunk.iter().enumerate() {
            query = query
                .bind(app)
                .bind(&event.id)
                .bind(user)
                .bind(i64::try_from(event.at).unwrap_or(i64::MAX))
                .bind(kind_name(event))
                .bind(&event.guide)
                .bind(i64::from(event.version))
                .bind(event.run.as_deref())
                .bind(event.step.as_deref())
                .bind(event.step_index.map(|i| i as i64))
                .bind(event.detail.as_deref())
                .bind(received_at)
                .bind(segment)
                .bind(first_arrival + i as i64);
        }
        inserted += query.execute(&mut *conn).await?.rows_affected();
    }
    Ok(inserted)
}

/// Marks users whose help sessions and funnel reach must be recomputed
/// ([`crate::db::insights`]): every user [`insert`] stored new events for, in the
/// same transaction, after the inserts. An update rather than DO NOTHING: on
/// PostgreSQL it waits for a recomputation holding the mark, and so marks the user
/// again after it. Marks are taken in byte order of (app, user), the order a
/// recomputation locks them in, so the two never wait on each other in a cycle.
pub async fn mark_changed(conn: &mut AnyConnection, users: &[(&str, &str)]) -> Result<(), Error> {
    let mut users = users.to_vec();
    users.sort_unstable();
    users.dedup();
    for (app, user) in users {
        sqlx::query(
            "INSERT INTO insight_dirty (app_id, user_key) VALUES ($1, $2)
             ON CONFLICT (app_id, user_key) DO UPDATE SET user_key = excluded.user_key",
        )
        .bind(app)
        .bind(user)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// How many events the app has stored.
pub async fn count(conn: &mut AnyConnection, app: &str) -> Result<i64, Error> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM events WHERE app_id = $1")
        .bind(app)
        .fetch_one(conn)
        .await?;
    row.try_get("n")
}

/// The distinct segments the app's events were sent for, sorted.
pub async fn segments(conn: &mut AnyConnection, app: &str) -> Result<Vec<String>, Error> {
    let rows = sqlx::query(
        "SELECT DISTINCT segment FROM events WHERE app_id = $1 AND segment IS NOT NULL",
    )
    .bind(app)
    .fetch_all(conn)
    .await?;
    let mut out = rows
        .iter()
        .map(|row| row.try_get::<String, _>("segment"))
        .collect::<Result<Vec<_>, _>>()?;
    // Sorted here, not in SQL: PostgreSQL's collation would differ from SQLite's.
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::{insert_sql, reserve_arrivals, Backend};

    #[test]
    fn arrival_numbers_never_repeat_or_go_back() {
        let a = reserve_arrivals(3);
        let b = reserve_arrivals(1);
        let c = reserve_arrivals(2);
        assert!(b >= a + 3 && c > b, "{a} {b} {c}");
    }

    #[test]
    fn the_insert_numbers_placeholders_across_rows_on_postgresql() {
        let sql = insert_sql(Backend::Postgres, 2);
        assert!(sql.contains(
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14), ($15, "
        ));
        assert!(sql.ends_with("$28) ON CONFLICT (app_id, event_id) DO NOTHING"));
    }

    #[test]
    fn the_insert_uses_anonymous_placeholders_on_sqlite() {
        let sql = insert_sql(Backend::Sqlite, 2);
        assert_eq!(sql.matches('?').count(), 28);
        assert!(!sql.contains('$'));
    }
}
