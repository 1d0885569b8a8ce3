//! # Waymark server
//!
//! The service the runtime, the editor and the help-desk relay talk to, and the
//! `waymark` command line around it. It owns I/O at the edges: sockets, the database,
//! files, signals, logs. It must not decide whether a guide is valid or how a tour
//! behaves — that is the core's ([`waymark::validate`], [`waymark::engine`]), so the
//! server, the editor and the runtime always agree.
//!
//! Layers, each in its own module:
//! - [`config`]: `waymark.toml`, overridden by `WAYMARK_*` environment variables;
//! - [`db`]: the one module that speaks SQL, on SQLite or PostgreSQL;
//! - [`authoring`]: drafts, publishing, versions, roll back — the rules of changing
//!   guides, shared by the HTTP API, the importer and seeding; [`bundle`]: import
//!   and export;
//! - [`tokens`]: the API token format and roles; [`seed`]: the demo app, the guides
//!   folder and the first admin token at start-up;
//! - [`prometheus`](crate::prometheus): the Prometheus counters; [`commands`]: `import`, `export`,
//!   `token create`, `demo-data` (played by [`demo_data`]); [`validate`] and
//!   [`guide_files`]: `waymark validate`;
//! - [`ingest`]: the background writer that stores analytics events in batches;
//!   [`insights_refresh`]: the worker that keeps the Insights rollups up to date;
//! - [`tickets`], [`outbox`] and [`helpdesk`]: tickets posted by stuck users, kept in a
//!   durable outbox and delivered by a worker to the configured help desk;
//! - [`http`]: the axum router, one file per group of endpoints;
//! - [`serve`]: start-up (migrations, first-run seeding), the listener and graceful
//!   shutdown, with [`workers`] for background tasks that must stop cleanly.

pub mod authoring;
pub mod bundle;
pub mod commands;
pub mod config;
pub mod db;
pub mod demo_data;
pub mod guide_files;
pub mod helpdesk;
pub mod http;
pub mod ingest;
pub mod insights_refresh;
pub mod outbox;
pub mod prometheus;
pub mod seed;
pub mod serve;
pub mod tickets;
pub mod tokens;
pub mod validate;
pub mod workers;

/// Milliseconds since the Unix epoch, from the system clock.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
