//! The database layer: the one place in the server that speaks SQL.
//!
//! Owns connecting (SQLite or PostgreSQL, chosen by the URL), the migrations in
//! `server/migrations/` (one set, portable SQL, for both), the start-up lock that keeps
//! two processes from seeding at once, and the write transaction. Each submodule holds
//! the queries of one table group. Every query is parameterised (`$1`, `$2`, … on both
//! databases); no value is ever formatted into SQL text. It must not know HTTP or
//! decide what is allowed: callers pass checked values.
//!
//! Portability rules the schema follows: TEXT and BIGINT columns only, ids made by
//! the caller (no autoincrement), `INSERT … ON CONFLICT … DO NOTHING`, times as
//! milliseconds since the Unix epoch.

pub mod apps;
pub mod events;
pub mod guides;
pub mod insights;
pub mod tickets;
pub mod tokens;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyConnection, AnyPool, Connection, Executor};
use tokio::sync::{Mutex, OwnedMutexGuard};

pub use sqlx::Error;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Key of the PostgreSQL advisory lock held while a process migrates and seeds.
const STARTUP_LOCK: i64 = 0x5741_594d_4152_4b01;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A pool of connections and what kind of database is behind it.
#[derive(Clone)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
    /// SQLite allows one writer at a time; taking this lock before a write
    /// transaction queues writers in the process instead of failing with SQLITE_BUSY.
    write_lock: Arc<Mutex<()>>,
}

/// A transaction that writes. On SQLite it holds the process's write lock.
pub struct WriteTx {
    tx: sqlx::Transaction<'static, sqlx::Any>,
    _turn: Option<OwnedMutexGuard<()>>,
}

impl WriteTx {
    pub fn conn(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }

    pub async fn commit(self) -> Result<(), Error> {
        self.tx.commit().await
    }
}

/// The start-up lock: held while migrating and seeding; released on drop of the
/// connection (PostgreSQL frees session locks when the session ends).
pub struct StartupLock {
    conn: Option<AnyConnection>,
}

impl StartupLock {
    pub async fn release(mut self) -> Result<(), Error> {
        if let Some(mut conn) = self.conn.take() {
            sqlx::query("SELECT pg_advisory_unlock($1)")
                .bind(STARTUP_LOCK)
                .execute(&mut conn)
                .await?;
            conn.close().await?;
        }
        Ok(())
    }
}

impl Db {
    /// Connects, creating a SQLite file when it is missing. SQLite runs in WAL mode
    /// with `synchronous=NORMAL` (durable at each checkpoint, fast commits) and
    /// foreign keys on.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Db, Error> {
        sqlx::any::install_default_drivers();
        let (backend, url) = if let Some(rest) = url.strip_prefix("sqlite:") {
            create_parent_folder(rest);
            let mut url = format!("sqlite:{rest}");
            if !url.contains("mode=") {
                url.push(if url.contains('?') { '&' } else { '?' });
                url.push_str("mode=rwc");
            }
            (Backend::Sqlite, url)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            (Backend::Postgres, url.to_owned())
        } else {
            return Err(Error::Configuration(
                "the database URL must start with sqlite:// or postgres://".into(),
            ));
        };
        let options = AnyConnectOptions::from_str(&url)?;
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections.max(1))
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA synchronous = NORMAL").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        conn.execute("PRAGMA busy_timeout = 10000").await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        Ok(Db {
            pool,
            backend,
            write_lock: Arc::new(Mutex::new(())),
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Takes the start-up lock: on PostgreSQL an advisory lock, so a second process
    /// waits until the first has migrated and seeded; on SQLite nothing (one process).
    pub async fn startup_lock(&self) -> Result<StartupLock, Error> {
        if self.backend != Backend::Postgres {
            return Ok(StartupLock { conn: None });
        }
        let mut conn = self.pool.acquire().await?.detach();
        sqlx::query("SELECT pg_advisory_lock($1)")
            .bind(STARTUP_LOCK)
            .execute(&mut conn)
            .await?;
        Ok(StartupLock { conn: Some(conn) })
    }

    /// Applies the migrations not yet applied.
    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        MIGRATOR.run(&self.pool).await
    }

    /// Begins a transaction that will write.
    pub async fn begin_write(&self) -> Result<WriteTx, Error> {
        let turn = match self.backend {
            Backend::Sqlite => Some(self.write_lock.clone().lock_owned().await),
            Backend::Postgres => None,
        };
        let tx = self.pool.begin().await?;
        Ok(WriteTx { tx, _turn: turn })
    }

    /// ` FOR UPDATE` on PostgreSQL, where two processes may change the same row;
    /// nothing on SQLite, whose write lock already serialises writers.
    pub fn for_update(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite => "",
            Backend::Postgres => " FOR UPDATE",
        }
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Makes the folder a SQLite file will live in, so `sqlite:///tmp/new/waymark.db`
/// works on a fresh machine. Failures are left for SQLite to report.
fn create_parent_folder(rest: &str) {
    let path = rest.trim_start_matches("//");
    let path = path.split('?').next().unwrap_or("");
    if path.is_empty() || path.starts_with(':') {
        return;
    }
    if let Some(parent) = std::path::Path::new(path).parent() {
        if !parent.as_os_str().is_empty() && !parent.exists() {
            let _ = std::fs::create_dir_all(parent);
        }
    }
}

/// Whether the error is a unique-key violation (someone else made the row first).
pub fn is_unique_violation(error: &Error) -> bool {
    error
        .as_database_error()
        .is_some_and(|e| e.is_unique_violation())
}
