//! The outbox worker: delivers stored tickets to the help desk, retrying until it
//! can, and never making one twice.
//!
//! Owns when a ticket is tried: at once when it is posted, then after a capped
//! exponential backoff with jitter, or after the help desk's Retry-After. Only
//! network errors, timeouts, 5xx and 429 are retried; anything else, or the last
//! attempt, marks the ticket failed for an admin to see and requeue. A ticket is
//! claimed with a lease before its delivery, so several server processes on one
//! PostgreSQL share the work and each ticket is delivered once.

use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use crate::db::tickets::{self, Attempt, TicketRow};
use crate::db::Db;
use crate::helpdesk::{Connector, DeliveryError};
use crate::tickets::TicketRequest;
use crate::workers::Workers;

/// Retry settings, from the configuration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RetryPolicy {
    /// Attempts before a ticket is marked failed.
    pub max_attempts: u32,
    /// The first retry waits about this long; each later one twice as long.
    pub base_ms: u64,
    /// No wait is longer than this (Retry-After included).
    pub cap_ms: u64,
    /// How often the worker looks for due tickets when nothing wakes it.
    pub poll_ms: u64,
}

impl Default for RetryPolicy {
    fn default() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 10,
            base_ms: 2_000,
            cap_ms: 15 * 60_000,
            poll_ms: 1_000,
        }
    }
}

impl RetryPolicy {
    /// The wait before attempt `attempts + 1`: half the capped exponential delay plus
    /// a random share of the other half (`jitter` in 0..1), so many tickets that
    /// failed together do not all come back at once.
    pub fn backoff(&self, attempts: u32, jitter: f64) -> Duration {
        let exp = self.base_ms.saturating_mul(1u64 << attempts.min(32));
        let capped = exp.min(self.cap_ms);
        let half = capped / 2;
        Duration::from_millis(half + (half as f64 * jitter.clamp(0.0, 1.0)) as u64)
    }
}

/// A lease long enough for one delivery (the connector times out sooner).
const LEASE_MS: i64 = 60_000;
/// Tickets delivered per pass, at most.
const BATCH: i64 = 20;

#[derive(Clone)]
pub struct Outbox {
    db: Db,
    connector: Arc<dyn Connector>,
    policy: RetryPolicy,
    wake: Arc<Notify>,
    owner: String,
}

impl Outbox {
    pub fn new(db: Db, connector: Arc<dyn Connector>, policy: RetryPolicy) -> Outbox {
        Outbox {
            db,
            connector,
            policy,
            wake: Arc::new(Notify::new()),
            owner: crate::tickets::new_id().replacen("wm-", "worker-", 1),
        }
    }

    /// The help desk tickets go to (`inbox`, `rt`, ...).
    pub fn helpdesk(&self) -> &'static str {
        self.connector.kind()
    }

    /// A ticket was posted: look now rather than at the next poll.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Runs the worker until shutdown; the delivery in hand is finished first.
    pub fn spawn(&self, workers: &Workers) {
        let me = self.clone();
        let stop = workers.stopping();
        workers.spawn("outbox", async move { me.run(stop).await });
    }

    async fn run(self, stop: CancellationToken) {
        loop {
            match self.pass().await {
                // More may be due: go on without waiting.
                Ok(n) if n as i64 == BATCH => {
                    if stop.is_cancelled() {
                        return;
                    }
                    continue;
                }
                Ok(_) => {}
                Err(error) => {
                    tracing::warn!(%error, "the outbox could not read the database; will try again")
                }
            }
            tokio::select! {
                _ = stop.cancelled() => return,
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(Duration::from_millis(self.policy.poll_ms)) => {}
            }
        }
    }

    /// Claims the due tickets and tries each once; returns how many it tried.
    pub async fn pass(&self) -> Result<usize, crate::db::Error> {
        let now = crate::now_ms();
        let due = tickets::claim_due(&self.db, &self.owner, now, LEASE_MS, BATCH).await?;
        let n = due.len();
        for ticket in due {
            self.deliver(ticket).await?;
        }
        Ok(n)
    }

    async fn deliver(&self, row: TicketRow) -> Result<(), crate::db::Error> {
        let request: TicketRequest = match serde_json::from_str(&row.request) {
            Ok(r) => r,
            Err(error) => {
                let error = format!("the stored ticket cannot be read: {error}");
                tickets::record(
                    &self.db,
                    &row.id,
                    &self.owner,
                    crate::now_ms(),
                    Attempt::Failed { error: &error },
                )
                .await?;
                return Ok(());
            }
        };
        let outbound = request.outbound(&row.id, &row.idempotency_key, &row.app);
        let result = self.connector.deliver(&outbound).await;
        let now = crate::now_ms();
        let attempts = u32::try_from(row.attempts)
            .unwrap_or(u32::MAX)
            .saturating_add(1);
        let kind = self.connector.kind();
        let recorded = match &result {
            Ok(d) => {
                tracing::info!(ticket = %row.id, helpdesk = kind, reference = %d.reference, "ticket delivered");
                let attempt = Attempt::Delivered {
                    helpdesk: kind,
                    reference: &d.reference,
                    url: d.url.as_deref(),
                };
                tickets::record(&self.db, &row.id, &self.owner, now, attempt).await?
            }
            Err(DeliveryError::Retry { after, reason }) if attempts < self.policy.max_attempts => {
                let wait = match after {
                    Some(d) => (*d).min(Duration::from_millis(self.policy.cap_ms)),
                    None => self.policy.backoff(attempts - 1, jitter()),
                };
                let at = now + i64::try_from(wait.as_millis()).unwrap_or(i64::MAX / 2);
                tracing::warn!(ticket = %row.id, helpdesk = kind, attempt = attempts, wait_ms = wait.as_millis() as u64, %reason, "delivery failed; will retry");
                tickets::record(
                    &self.db,
                    &row.id,
                    &self.owner,
                    now,
                    Attempt::Retry { at, error: reason },
                )
                .await?
            }
            Err(e) => {
                let error = match e {
                    DeliveryError::Retry { reason, .. } => {
                        format!("gave up after {attempts} attempts: {reason}")
                    }
                    DeliveryError::Permanent { reason } => reason.clone(),
                };
                tracing::error!(ticket = %row.id, helpdesk = kind, %error, "ticket failed; an admin can requeue it");
                tickets::record(
                    &self.db,
                    &row.id,
                    &self.owner,
                    now,
                    Attempt::Failed { error: &error },
                )
                .await?
            }
        };
        if !recorded {
            tracing::warn!(ticket = %row.id, "the lease expired during delivery; another worker owns this ticket now");
        }
        Ok(())
    }
}

/// A random number in 0..1 for jitter.
fn jitter() -> f64 {
    let mut b = [0u8; 4];
    if getrandom::getrandom(&mut b).is_err() {
        return 0.5;
    }
    f64::from(u32::from_le_bytes(b)) / f64::from(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_is_capped_and_keeps_at_least_half() {
        let p = RetryPolicy {
            base_ms: 1000,
            cap_ms: 60_000,
            ..RetryPolicy::default()
        };
        let ms = |attempts, jitter| p.backoff(attempts, jitter).as_millis();
        assert_eq!((ms(0, 0.0), ms(0, 1.0)), (500, 1000));
        assert_eq!((ms(1, 0.0), ms(2, 0.0), ms(3, 0.0)), (1000, 2000, 4000));
        assert_eq!((ms(10, 0.0), ms(10, 1.0)), (30_000, 60_000), "capped");
        assert_eq!(ms(200, 1.0), 60_000, "no overflow however many attempts");
    }
}
