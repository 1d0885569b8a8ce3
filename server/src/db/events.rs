//! Analytics events: insert-only, duplicates (same app and event id) dropped by the
//! primary key.

use std::fmt::Write;

use sqlx::{AnyConnection, Row};
use waymark::events::AnalyticsEvent;

use super::{Backend, Error};

const COLUMNS: usize = 12;
/// Rows per INSERT statement: 1,200 parameters, well under both databases' limits.
const ROWS_PER_STATEMENT: usize = 100;

/// The INSERT for `rows` rows: `($1, …, $12), ($13, …)` on PostgreSQL, `(?, …)` on
/// SQLite; only placeholders, never values, go into the text. SQLite gets anonymous
/// placeholders because looking up a numbered one by name scans every parameter of
/// the statement, which made binding 1,200 of them cost more than the insert.
fn insert_sql(backend: Backend, rows: usize) -> String {
    let mut sql = String::from(
        "INSERT INTO events (app_id, event_id, user_id, at, kind, guide, version, run_id, step, step_index, detail, received_at) VALUES ",
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

/// The event kind as stored: its serde name (`run_started`).
fn kind_name(event: &AnalyticsEvent) -> String {
    serde_json::to_value(event.kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// Stores the events; returns how many were new (the rest were duplicates).
pub async fn insert(
    conn: &mut AnyConnection,
    backend: Backend,
    app: &str,
    user: Option<&str>,
    events: &[AnalyticsEvent],
    received_at: i64,
) -> Result<u64, Error> {
    let mut inserted = 0;
    for chunk in events.chunks(ROWS_PER_STATEMENT) {
        let sql = insert_sql(backend, chunk.len());
        let mut query = sqlx::query(&sql);
        for event in chunk {
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
                .bind(received_at);
        }
        inserted += query.execute(&mut *conn).await?.rows_affected();
    }
    Ok(inserted)
}

/// How many events the app has stored.
pub async fn count(conn: &mut AnyConnection, app: &str) -> Result<i64, Error> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM events WHERE app_id = $1")
        .bind(app)
        .fetch_one(conn)
        .await?;
    row.try_get("n")
}

#[cfg(test)]
mod tests {
    use super::{insert_sql, Backend};

    #[test]
    fn the_insert_numbers_placeholders_across_rows_on_postgresql() {
        let sql = insert_sql(Backend::Postgres, 2);
        assert!(sql.contains("VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12), ($13, "));
        assert!(sql.ends_with("$24) ON CONFLICT (app_id, event_id) DO NOTHING"));
    }

    #[test]
    fn the_insert_uses_anonymous_placeholders_on_sqlite() {
        let sql = insert_sql(Backend::Sqlite, 2);
        assert_eq!(sql.matches('?').count(), 24);
        assert!(!sql.contains('$'));
    }
}
