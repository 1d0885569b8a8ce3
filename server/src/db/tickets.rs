//! The ticket outbox: tickets as posted, their delivery state and the help desk's
//! reference.
//!
//! A worker claims due tickets with a lease (`lease_owner`, `leased_until`) in a short
//! transaction — on PostgreSQL with `FOR UPDATE SKIP LOCKED`, so several server
//! processes never claim the same row — then delivers outside any transaction and
//! records the result only while it still holds the lease.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use waymark::wire::TicketStatus;

use super::{Backend, Db, Error};

/// A ticket as the runtime posted it, before it has an id.
pub struct NewTicket<'a> {
    pub id: &'a str,
    pub app: &'a str,
    pub idempotency_key: &'a str,
    pub body_hash: &'a str,
    /// The posted ticket, as JSON.
    pub request: &'a str,
    pub user_id: Option<&'a str>,
    pub now: i64,
}

/// What storing a posted ticket found.
#[derive(Debug, PartialEq, Eq)]
pub enum Stored {
    New,
    /// The same key was used before; the caller compares `body_hash`.
    Existing {
        id: String,
        body_hash: String,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TicketRow {
    pub id: String,
    pub app: String,
    pub request: String,
    pub user_id: Option<String>,
    pub idempotency_key: String,
    /// As stored: `queued`, `delivered` or `failed` (`waiting` is shown, not stored).
    pub status: TicketStatus,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub last_error: Option<String>,
    pub helpdesk: Option<String>,
    pub reference: Option<String>,
    pub reference_url: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub delivered_at: Option<i64>,
    /// How often a worker took it for delivery (this claim included).
    pub claims: i64,
    /// When the log last warned that it is waiting.
    pub warned_at: Option<i64>,
}

impl TicketRow {
    /// The status as the API shows it: a queued ticket whose last attempt failed is
    /// `waiting` (its help desk is out; it is retried until `outbox.give_up_after`).
    pub fn shown_status(&self) -> TicketStatus {
        if self.status == TicketStatus::Queued && self.last_error.is_some() {
            TicketStatus::Waiting
        } else {
            self.status
        }
    }

    /// An earlier attempt may have reached the help desk: it was claimed before, or
    /// an attempt was recorded.
    pub fn may_exist(&self) -> bool {
        self.claims > 1 || self.attempts > 0
    }
}

const COLUMNS: &str = "id, app_id, request, user_id, idempotency_key, status, attempts, next_attempt_at, last_error, helpdesk, reference, reference_url, created_at, updated_at, delivered_at, claims, warned_at";

fn row(r: &AnyRow) -> Result<TicketRow, Error> {
    Ok(TicketRow {
        id: r.try_get("id")?,
        app: r.try_get("app_id")?,
        request: r.try_get("request")?,
        user_id: r.try_get("user_id")?,
        idempotency_key: r.try_get("idempotency_key")?,
        status: stored_status(r)?,
        attempts: r.try_get("attempts")?,
        next_attempt_at: r.try_get("next_attempt_at")?,
        last_error: r.try_get("last_error")?,
        helpdesk: r.try_get("helpdesk")?,
        reference: r.try_get("reference")?,
        reference_url: r.try_get("reference_url")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
        delivered_at: r.try_get("delivered_at")?,
        claims: r.try_get("claims")?,
        warned_at: r.try_get("warned_at")?,
    })
}

/// The `status` column, which holds only statuses this build writes.
fn stored_status(r: &AnyRow) -> Result<TicketStatus, Error> {
    let text: String = r.try_get("status")?;
    TicketStatus::parse(&text).ok_or_else(|| Error::ColumnDecode {
        index: "status".into(),
        source: format!("tickets.status `{text}` is not queued, delivered or failed").into(),
    })
}

/// Stores a new ticket, or finds the one already stored under the same key.
pub async fn insert_or_find(conn: &mut AnyConnection, t: &NewTicket<'_>) -> Result<Stored, Error> {
    let inserted = sqlx::query(
        "INSERT INTO tickets (id, app_id, idempotency_key, body_hash, request, user_id, status, attempts, next_attempt_at, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'queued', 0, $7, $7, $7) ON CONFLICT (app_id, idempotency_key) DO NOTHING",
    )
    .bind(t.id)
    .bind(t.app)
    .bind(t.idempotency_key)
    .bind(t.body_hash)
    .bind(t.request)
    .bind(t.user_id)
    .bind(t.now)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if inserted == 1 {
        return Ok(Stored::New);
    }
    let r =
        sqlx::query("SELECT id, body_hash FROM tickets WHERE app_id = $1 AND idempotency_key = $2")
            .bind(t.app)
            .bind(t.idempotency_key)
            .fetch_one(&mut *conn)
            .await?;
    Ok(Stored::Existing {
        id: r.try_get("id")?,
        body_hash: r.try_get("body_hash")?,
    })
}

pub async fn get(db: &Db, app: &str, id: &str) -> Result<Option<TicketRow>, Error> {
    let sql = format!("SELECT {COLUMNS} FROM tickets WHERE app_id = $1 AND id = $2");
    let found = sqlx::query(&sql)
        .bind(app)
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    found.as_ref().map(row).transpose()
}

/// The app's tickets, newest first; `status` filters when given (`waiting` is a
/// queued ticket with a last error, `queued` one without).
pub async fn list(
    db: &Db,
    app: &str,
    status: Option<TicketStatus>,
    limit: i64,
) -> Result<Vec<TicketRow>, Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM tickets WHERE app_id = $1 AND ($2 = '' \
         OR ($2 = 'waiting' AND status = 'queued' AND last_error IS NOT NULL) \
         OR ($2 = 'queued' AND status = 'queued' AND last_error IS NULL) \
         OR ($2 <> 'waiting' AND $2 <> 'queued' AND status = $2)) ORDER BY created_at DESC, id DESC LIMIT $3"
    );
    let rows = sqlx::query(&sql)
        .bind(app)
        .bind(status.map_or("", TicketStatus::as_str))
        .bind(limit)
        .fetch_all(db.pool())
        .await?;
    rows.iter().map(row).collect()
}

/// Claims up to `limit` queued tickets that are due and not leased by anyone else.
pub async fn claim_due(
    db: &Db,
    owner: &str,
    now: i64,
    lease_ms: i64,
    limit: i64,
) -> Result<Vec<TicketRow>, Error> {
    let mut tx = db.begin_write().await?;
    let lock = match db.backend() {
        Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    let sql = format!(
        "SELECT id FROM tickets WHERE status = 'queued' AND next_attempt_at <= $1 \
         AND (leased_until IS NULL OR leased_until < $1) ORDER BY next_attempt_at, id LIMIT $2{lock}"
    );
    let ids: Vec<String> = sqlx::query(&sql)
        .bind(now)
        .bind(limit)
        .fetch_all(tx.conn())
        .await?
        .iter()
        .map(|r| r.try_get("id"))
        .collect::<Result<_, _>>()?;
    let mut claimed = Vec::with_capacity(ids.len());
    for id in ids {
        sqlx::query(
            "UPDATE tickets SET lease_owner = $1, leased_until = $2, claims = claims + 1 WHERE id = $3",
        )
            .bind(owner)
            .bind(now + lease_ms)
            .bind(&id)
            .execute(tx.conn())
            .await?;
        let sql = format!("SELECT {COLUMNS} FROM tickets WHERE id = $1");
        let r = sqlx::query(&sql).bind(&id).fetch_one(tx.conn()).await?;
        claimed.push(row(&r)?);
    }
    tx.commit().await?;
    Ok(claimed)
}

/// How one delivery attempt ended.
pub enum Attempt<'a> {
    Delivered {
        helpdesk: &'a str,
        reference: &'a str,
        url: Option<&'a str>,
    },
    Retry {
        at: i64,
        error: &'a str,
        /// The log warned about it now: remember when.
        warned: bool,
    },
    Failed {
        error: &'a str,
    },
}

/// Records an attempt, if `owner` still holds the lease; false when it does not.
pub async fn record(
    db: &Db,
    id: &str,
    owner: &str,
    now: i64,
    attempt: Attempt<'_>,
) -> Result<bool, Error> {
    let mut tx = db.begin_write().await?;
    let query = match attempt {
        Attempt::Delivered { helpdesk, reference, url } => sqlx::query(
            "UPDATE tickets SET status = 'delivered', attempts = attempts + 1, helpdesk = $1, reference = $2, reference_url = $3, \
             last_error = NULL, delivered_at = $4, updated_at = $4, lease_owner = NULL, leased_until = NULL \
             WHERE id = $5 AND lease_owner = $6",
        )
        .bind(helpdesk)
        .bind(reference)
        .bind(url)
        .bind(now),
        Attempt::Retry { at, error, warned } => sqlx::query(
            "UPDATE tickets SET attempts = attempts + 1, next_attempt_at = $1, last_error = $2, updated_at = $3, \
             warned_at = CASE WHEN $4 = 1 THEN $3 ELSE warned_at END, \
             lease_owner = NULL, leased_until = NULL WHERE id = $5 AND lease_owner = $6",
        )
        .bind(at)
        .bind(error)
        .bind(now)
        .bind(i64::from(warned)),
        Attempt::Failed { error } => sqlx::query(
            "UPDATE tickets SET status = 'failed', attempts = attempts + 1, last_error = $1, updated_at = $2, \
             lease_owner = NULL, leased_until = NULL WHERE id = $3 AND lease_owner = $4",
        )
        .bind(error)
        .bind(now),
    };
    let changed = query
        .bind(id)
        .bind(owner)
        .execute(tx.conn())
        .await?
        .rows_affected();
    tx.commit().await?;
    Ok(changed == 1)
}

/// Puts a failed ticket back in the queue, due now, with a fresh count of attempts.
pub async fn requeue(db: &Db, app: &str, id: &str, now: i64) -> Result<bool, Error> {
    let mut tx = db.begin_write().await?;
    let changed = sqlx::query(
        "UPDATE tickets SET status = 'queued', attempts = 0, next_attempt_at = $1, updated_at = $1, last_error = NULL, warned_at = NULL \
         WHERE app_id = $2 AND id = $3 AND status = 'failed'",
    )
    .bind(now)
    .bind(app)
    .bind(id)
    .execute(tx.conn())
    .await?
    .rows_affected();
    tx.commit().await?;
    Ok(changed == 1)
}

/// Counts per status, for `/metrics`.
pub async fn counts(db: &Db) -> Result<Vec<(String, i64)>, Error> {
    let rows = sqlx::query("SELECT status, COUNT(*) AS n FROM tickets GROUP BY status")
        .fetch_all(db.pool())
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("status")?, r.try_get("n")?)))
        .collect()
}

/// Tickets waiting for their help desk (queued after a failed attempt), and when
/// the oldest of them was filed.
pub async fn waiting(db: &Db) -> Result<(i64, Option<i64>), Error> {
    let r = sqlx::query(
        "SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM tickets WHERE status = 'queued' AND last_error IS NOT NULL",
    )
    .fetch_one(db.pool())
    .await?;
    Ok((r.try_get("n")?, r.try_get("oldest")?))
}

/// The app's secret for user hashes, when it has one.
pub async fn app_secret(db: &Db, app: &str) -> Result<Option<String>, Error> {
    let found = sqlx::query("SELECT secret FROM apps WHERE id = $1")
        .bind(app)
        .fetch_optional(db.pool())
        .await?;
    Ok(match found {
        Some(r) => r.try_get::<Option<String>, _>("secret")?,
        None => None,
    })
}

/// Sets (or with `None` removes) the app's secret; false when there is no such app.
pub async fn set_app_secret(
    db: &Db,
    app: &str,
    secret: Option<&str>,
    now: i64,
) -> Result<bool, Error> {
    let mut tx = db.begin_write().await?;
    let changed = sqlx::query("UPDATE apps SET secret = $1, updated_at = $2 WHERE id = $3")
        .bind(secret)
        .bind(now)
        .bind(app)
        .execute(tx.conn())
        .await?
        .rows_affected();
    tx.commit().await?;
    Ok(changed == 1)
}
