//! The Insights rollups' background refresh: recomputes the help sessions and funnel
//! reach of the users the event writer marked, soon after their events are stored,
//! so a request finds the rollups (nearly) up to date instead of doing the work.
//!
//! Owns when the work is done: once the event writer has been quiet for
//! `insights.refresh_delay_ms` after storing something (so a burst of batches is
//! done together, and does not compete with its own ingest), or at the latest 30 s
//! after, under a steady stream; then every marked user in
//! small transactions, yielding in between so event ingest (SQLite's one writer)
//! gets its turn; also every `insights.refresh_poll_ms` in case another server process on
//! the same PostgreSQL stored events. The SQL, and which users are free to do when
//! several processes refresh at once, is [`crate::db::insights`]. Requests still
//! recompute whoever is left marked before they answer, so this only makes them
//! fast, never right.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use crate::config::InsightsConfig;
use crate::db::{insights, Db};
use crate::workers::Workers;

/// Users recomputed per transaction: small, so the writer lock is held briefly.
const USERS_PER_TRANSACTION: usize = 100;
/// The longest a refresh waits for the event writer to be quiet.
const MAX_WAIT: Duration = Duration::from_secs(30);

#[derive(Clone)]
pub struct Refresher {
    db: Db,
    delay: Duration,
    poll: Duration,
    stored: Arc<Notify>,
}

impl Refresher {
    pub fn new(db: Db, config: &InsightsConfig) -> Refresher {
        Refresher {
            db,
            delay: Duration::from_millis(config.refresh_delay_ms),
            poll: Duration::from_millis(config.refresh_poll_ms.max(1)),
            stored: Arc::new(Notify::new()),
        }
    }

    /// What the event writer notifies after storing new events.
    pub fn stored(&self) -> Arc<Notify> {
        self.stored.clone()
    }

    /// Runs the refresh until shutdown; the transaction in hand is finished first.
    pub fn spawn(&self, workers: &Workers) {
        // A first pass soon after start: users may have been left marked (by a
        // migration, another process, or a stop in the middle of a pass).
        self.stored.notify_one();
        let me = self.clone();
        let stop = workers.stopping();
        workers.spawn("insights refresh", async move { me.run(stop).await });
    }

    async fn run(self, stop: CancellationToken) {
        loop {
            tokio::select! {
                _ = stop.cancelled() => return,
                _ = self.stored.notified() => {}
                _ = tokio::time::sleep(self.poll) => {}
            }
            // Wait for the writer to be quiet for a moment, so a burst of batches is
            // recomputed once rather than user by user while it is stored; but not
            // longer than MAX_WAIT under a steady stream.
            let latest = tokio::time::Instant::now() + MAX_WAIT;
            loop {
                let until = (tokio::time::Instant::now() + self.delay).min(latest);
                tokio::select! {
                    _ = stop.cancelled() => return,
                    _ = self.stored.notified(), if until < latest => continue,
                    _ = tokio::time::sleep_until(until) => break,
                }
            }
            if let Err(error) = self.pass(&stop).await {
                tracing::warn!(%error, "cannot refresh the insights rollups; will try again");
            }
        }
    }

    /// Recomputes every marked user that no one else is doing; returns how many.
    pub async fn pass(&self, stop: &CancellationToken) -> Result<usize, crate::db::Error> {
        let gap = insights::rollup_gap();
        let mut done = 0;
        for app in insights::stale_apps(&self.db).await? {
            loop {
                if stop.is_cancelled() {
                    return Ok(done);
                }
                let n = insights::refresh_some(&self.db, &app, gap, USERS_PER_TRANSACTION).await?;
                done += n;
                if n == 0 {
                    break;
                }
                tokio::task::yield_now().await;
            }
        }
        if done > 0 {
            tracing::debug!(users = done, "insights rollups refreshed");
        }
        Ok(done)
    }
}
