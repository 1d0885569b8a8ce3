//! The outbox worker: delivers stored tickets to the help desk, retrying until it
//! can, and never making one twice.
//!
//! Owns when a ticket is tried: at once when it is posted, then after a capped
//! exponential backoff with jitter, or after the help desk's Retry-After. Network
//! errors, timeouts, 5xx and 429 are retried for `give_up_after` (7 days unless
//! configured) after the ticket was filed; meanwhile the ticket shows `waiting` with
//! its last error, the log warns once per ticket and then hourly, and `/metrics`
//! counts the waiting tickets and the oldest one's wait. A refusal (the connector's
//! `Permanent`) fails the ticket at once with the help desk's words, for an admin to
//! see and requeue. A ticket is claimed with a lease before its delivery, so several
//! server processes on one PostgreSQL share the work; a ticket claimed before (a
//! retry, or a server that died mid-delivery) is looked for in the help desk before
//! it is created again.
//!
//! Each ticket goes through its app's help desk: the app's own configuration
//! (`app_helpdesks`) when it has one, else the server's `[helpdesk]`. A connector is
//! built per app and kept until the app's stored configuration changes (read at each
//! delivery, so a change made through another server process is seen too); each keeps
//! its own setup check and its markers. The app's routing turns the ticket's category
//! into the connector's queue, group or assignment ([`crate::helpdesk::per_app`]).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use crate::db::tickets::{self, Attempt, TicketRow};
use crate::db::Db;
use crate::helpdesk::per_app::Routing;
use crate::helpdesk::{Connector, DeliveryError, HelpdeskConfig};
use crate::prometheus::Metrics;
use crate::tickets::{TicketRequest, TicketRules};
use crate::workers::Workers;

/// Retry settings, from the configuration (`[outbox]`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RetryPolicy {
    /// The first retry waits about this long; each later one twice as long.
    pub base_ms: u64,
    /// No wait is longer than this (Retry-After included).
    pub cap_ms: u64,
    /// How often the worker looks for due tickets when nothing wakes it.
    pub poll_ms: u64,
    /// How long after it was filed a ticket the help desk cannot take is still
    /// retried before it is marked failed: `7d`, `36h`, `90m`, `45s` or seconds.
    #[serde(with = "duration_text")]
    pub give_up_after: Duration,
    /// One request to the help desk may take this long before it counts as lost.
    pub timeout_ms: u64,
    /// A claimed ticket's lease: another worker takes it over only after this.
    /// At least four timeouts (a delivery may log in, search and create).
    pub lease_ms: u64,
    /// No longer used: a ticket is retried until `give_up_after`, however many
    /// attempts that takes. Still accepted, so an older `waymark.toml` starts; the
    /// server warns about it at start ([`RetryPolicy::deprecations`]).
    #[serde(skip_serializing)]
    pub max_attempts: Option<u32>,
}

impl Default for RetryPolicy {
    fn default() -> RetryPolicy {
        RetryPolicy {
            base_ms: 2_000,
            cap_ms: 15 * 60_000,
            poll_ms: 1_000,
            give_up_after: Duration::from_secs(7 * 24 * 3600),
            timeout_ms: crate::helpdesk::REQUEST_TIMEOUT.as_millis() as u64,
            lease_ms: 90_000,
            max_attempts: None,
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

    /// The settings that cannot work together, named by their keys.
    pub fn check(&self) -> Result<(), String> {
        if self.timeout_ms == 0 || self.poll_ms == 0 {
            return Err("outbox.timeout_ms and outbox.poll_ms must be above 0".into());
        }
        if self.lease_ms < self.timeout_ms.saturating_mul(4) {
            return Err(format!(
                "outbox.lease_ms ({}) must be at least four times outbox.timeout_ms ({}): a delivery may take that long, and a shorter lease lets a second worker send the ticket again",
                self.lease_ms, self.timeout_ms
            ));
        }
        Ok(())
    }

    /// What the configuration still sets that no longer does anything, with what to
    /// set instead: one warning each, logged at start.
    pub fn deprecations(&self) -> Vec<String> {
        self.max_attempts
            .map(|n| {
                format!(
                    "outbox.max_attempts ({n}) is no longer used and is ignored: a ticket the help desk cannot take is retried until outbox.give_up_after ({}s); remove the key, and set give_up_after to bound the retries",
                    self.give_up_after.as_secs()
                )
            })
            .into_iter()
            .collect()
    }

    pub fn timeout(&self) -> Duration {
        Duration::from_millis(self.timeout_ms)
    }
}

/// `give_up_after` as text (`7d`, `36h`, `90m`, `45s`, `500ms`) or a number of seconds.
pub mod duration_text {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn parse(text: &str) -> Result<Duration, String> {
        let t = text.trim();
        let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
        let (digits, unit) = t.split_at(split);
        let n: u64 = digits
            .parse()
            .map_err(|_| format!("`{text}` is not a duration: write 7d, 36h, 90m, 45s or 500ms"))?;
        let ms = match unit.trim() {
            "ms" => 1,
            "" | "s" => 1_000,
            "m" => 60_000,
            "h" => 3_600_000,
            "d" => 86_400_000,
            other => {
                return Err(format!(
                    "`{text}`: unknown unit `{other}`; use ms, s, m, h or d"
                ))
            }
        };
        Ok(Duration::from_millis(n.saturating_mul(ms)))
    }

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        let ms = d.as_millis() as u64;
        let text = if ms % 86_400_000 == 0 {
            format!("{}d", ms / 86_400_000)
        } else if ms % 3_600_000 == 0 {
            format!("{}h", ms / 3_600_000)
        } else if ms % 60_000 == 0 {
            format!("{}m", ms / 60_000)
        } else if ms % 1_000 == 0 {
            format!("{}s", ms / 1_000)
        } else {
            format!("{ms}ms")
        };
        s.serialize_str(&text)
    }

    /// A wait in milliseconds as the largest whole unit: `7d`, `3h`, `12m`, `40s`.
    pub fn parse_back(ms: i64) -> String {
        let ms = ms.max(0);
        match ms {
            m if m >= 86_400_000 => format!("{}d", m / 86_400_000),
            m if m >= 3_600_000 => format!("{}h", m / 3_600_000),
            m if m >= 60_000 => format!("{}m", m / 60_000),
            m => format!("{}s", m / 1000),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Given {
            Seconds(u64),
            Text(String),
        }
        match Given::deserialize(d)? {
            Given::Seconds(n) => Ok(Duration::from_secs(n)),
            Given::Text(t) => parse(&t).map_err(serde::de::Error::custom),
        }
    }
}

/// Tickets delivered per pass, at most.
const BATCH: i64 = 20;
/// The log warns again about a ticket still waiting after this long.
const WARN_EVERY_MS: i64 = 3_600_000;

/// A connector and whether its setup check has passed.
#[derive(Clone)]
struct Desk {
    connector: Arc<dyn Connector>,
    prepared: Arc<AtomicBool>,
}

/// An app's own connector, built from the stored configuration `config` (the JSON
/// text, compared to see a change).
struct AppDesk {
    config: String,
    desk: Desk,
}

#[derive(Clone)]
pub struct Outbox {
    db: Db,
    connector: Arc<dyn Connector>,
    /// The app connectors built so far, by app id.
    apps: Arc<Mutex<HashMap<String, AppDesk>>>,
    http: reqwest::Client,
    policy: RetryPolicy,
    wake: Arc<Notify>,
    owner: String,
    prepared: Arc<AtomicBool>,
    metrics: Option<Metrics>,
}

impl Outbox {
    pub fn new(db: Db, connector: Arc<dyn Connector>, policy: RetryPolicy) -> Outbox {
        Outbox {
            db,
            connector,
            apps: Default::default(),
            http: crate::helpdesk::http_client(policy.timeout()),
            policy,
            wake: Arc::new(Notify::new()),
            owner: crate::tickets::new_id().replacen("wm-", "worker-", 1),
            prepared: Arc::new(AtomicBool::new(false)),
            metrics: None,
        }
    }

    /// Keeps the waiting-ticket gauges of `metrics` up to date.
    pub fn with_metrics(mut self, metrics: Metrics) -> Outbox {
        self.metrics = Some(metrics);
        self
    }

    /// The help desk tickets go to (`inbox`, `rt`, ...).
    pub fn helpdesk(&self) -> &'static str {
        self.connector.kind()
    }

    /// A ticket was posted: look now rather than at the next poll.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Checks the help desk's setup (RT's id custom field, ...) at start. A refusal
    /// is an error naming what to set up; a help desk that cannot be reached is only
    /// logged: the check is made again before the first delivery.
    pub async fn prepare_at_start(&self) -> Result<(), String> {
        let limit = self.policy.timeout().saturating_mul(4);
        match tokio::time::timeout(limit, self.connector.prepare()).await {
            Ok(Ok(())) => {
                self.prepared.store(true, Ordering::SeqCst);
                Ok(())
            }
            Ok(Err(DeliveryError::Permanent { reason })) => Err(reason),
            Ok(Err(DeliveryError::Retry { reason, .. })) => {
                tracing::warn!(helpdesk = self.helpdesk(), %reason, "the help desk could not be checked at start; tickets wait until it can be");
                Ok(())
            }
            Err(_) => {
                tracing::warn!(
                    helpdesk = self.helpdesk(),
                    "the help desk did not answer its check at start; tickets wait until it does"
                );
                Ok(())
            }
        }
    }

    /// Runs the worker until shutdown; the delivery in hand is finished first.
    pub fn spawn(&self, workers: &Workers) {
        let me = self.clone();
        let stop = workers.stopping();
        workers.spawn("outbox", async move { me.run(stop).await });
    }

    async fn run(self, stop: CancellationToken) {
        loop {
            let result = self.pass().await;
            if let Err(error) = self.refresh_gauges().await {
                tracing::debug!(%error, "the waiting-ticket gauges could not be read");
            }
            match result {
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

    /// Sets `tickets_waiting` and `tickets_oldest_wait_seconds`.
    pub async fn refresh_gauges(&self) -> Result<(), crate::db::Error> {
        let Some(metrics) = &self.metrics else {
            return Ok(());
        };
        let (n, oldest) = tickets::waiting(&self.db).await?;
        metrics.tickets_waiting.set(n);
        let wait_ms = oldest.map_or(0, |t| (crate::now_ms() - t).max(0));
        metrics.tickets_oldest_wait.set(wait_ms / 1000);
        Ok(())
    }

    /// Claims the due tickets and tries each once; returns how many it tried.
    pub async fn pass(&self) -> Result<usize, crate::db::Error> {
        let now = crate::now_ms();
        let lease = i64::try_from(self.policy.lease_ms).unwrap_or(i64::MAX / 4);
        let due = tickets::claim_due(&self.db, &self.owner, now, lease, BATCH).await?;
        let n = due.len();
        for ticket in due {
            self.deliver(ticket).await?;
        }
        Ok(n)
    }

    /// The connector's setup check, until it has passed once. Its refusal names what
    /// an admin must set up; the ticket waits for that rather than failing.
    async fn ready(&self, desk: &Desk) -> Result<(), DeliveryError> {
        if desk.prepared.load(Ordering::SeqCst) {
            return Ok(());
        }
        match desk.connector.prepare().await {
            Ok(()) => {
                desk.prepared.store(true, Ordering::SeqCst);
                Ok(())
            }
            Err(DeliveryError::Permanent { reason }) => Err(DeliveryError::Retry {
                after: None,
                reason,
            }),
            Err(e) => Err(e),
        }
    }

    /// The help desk an app's tickets go to, with the app's routing. An app's own
    /// configuration that cannot be read (written by a newer server, say) leaves its
    /// tickets waiting with the reason, never sent to another help desk.
    async fn desk_for(
        &self,
        app: &str,
    ) -> Result<(Result<Desk, DeliveryError>, Routing), crate::db::Error> {
        let stored = {
            let mut conn = self.db.pool().acquire().await?;
            crate::db::apps::helpdesk(&mut conn, app).await?
        };
        let default = || Desk {
            connector: self.connector.clone(),
            prepared: self.prepared.clone(),
        };
        let Some(stored) = stored else {
            self.forget(app);
            return Ok((Ok(default()), Routing::default()));
        };
        let routing = serde_json::from_str(&stored.routing).unwrap_or_else(|error| {
            tracing::warn!(%app, %error, "the app's routing cannot be read; its tickets go to the help desk's default");
            Routing::default()
        });
        let Some(config) = stored.config else {
            self.forget(app);
            return Ok((Ok(default()), routing));
        };
        let mut apps = self.apps.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(cached) = apps.get(app).filter(|c| c.config == config) {
            return Ok((Ok(cached.desk.clone()), routing));
        }
        let parsed: HelpdeskConfig = match serde_json::from_str(&config) {
            Ok(c) => c,
            Err(error) => {
                apps.remove(app);
                // serde's message names keys and types, never a stored value.
                let reason = format!(
                    "the help desk configured for app `{app}` cannot be read ({error}); set it again"
                );
                return Ok((
                    Err(DeliveryError::Retry {
                        after: None,
                        reason,
                    }),
                    routing,
                ));
            }
        };
        let desk = Desk {
            connector: Arc::from(crate::helpdesk::connector(&parsed, self.http.clone())),
            prepared: Arc::new(AtomicBool::new(false)),
        };
        tracing::info!(%app, helpdesk = desk.connector.kind(), "the app's help desk connector is (re)built");
        apps.insert(
            app.to_owned(),
            AppDesk {
                config,
                desk: desk.clone(),
            },
        );
        Ok((Ok(desk), routing))
    }

    fn forget(&self, app: &str) {
        if let Ok(mut apps) = self.apps.lock() {
            apps.remove(app);
        }
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
        let mut outbound = request.outbound(&row.id, &row.idempotency_key, &row.app);
        outbound.may_exist = row.may_exist();
        let (desk, routing) = self.desk_for(&row.app).await?;
        outbound.route = routing.route(outbound.category.as_deref());
        let result = match &desk {
            Ok(desk) => match self.ready(desk).await {
                Ok(()) => desk.connector.deliver(&outbound).await,
                Err(e) => Err(e),
            },
            Err(e) => Err(e.clone()),
        };
        let now = crate::now_ms();
        let attempts = u32::try_from(row.attempts)
            .unwrap_or(u32::MAX)
            .saturating_add(1);
        let kind = match &desk {
            Ok(desk) => desk.connector.kind(),
            Err(_) => "unknown",
        };
        let give_up_ms = i64::try_from(self.policy.give_up_after.as_millis()).unwrap_or(i64::MAX);
        let waited_ms = (now - row.created_at).max(0);
        let recorded = match &result {
            Ok(d) => {
                tracing::info!(ticket = %row.id, helpdesk = kind, reference = %d.reference, attempt = attempts, found_earlier = outbound.may_exist, "ticket delivered");
                let attempt = Attempt::Delivered {
                    helpdesk: kind,
                    reference: &d.reference,
                    url: d.url.as_deref(),
                };
                tickets::record(&self.db, &row.id, &self.owner, now, attempt).await?
            }
            Err(DeliveryError::Retry { after, reason }) if waited_ms < give_up_ms => {
                let wait = match after {
                    Some(d) => (*d).min(Duration::from_millis(self.policy.cap_ms)),
                    None => self.policy.backoff(attempts - 1, jitter()),
                };
                let at = now + i64::try_from(wait.as_millis()).unwrap_or(i64::MAX / 2);
                let warned = row.warned_at.is_none_or(|w| now - w >= WARN_EVERY_MS);
                if warned {
                    tracing::warn!(ticket = %row.id, helpdesk = kind, attempt = attempts, waiting_s = waited_ms / 1000, retry_in_ms = wait.as_millis() as u64, %reason, "ticket waiting for its help desk; it is retried until outbox.give_up_after");
                } else {
                    tracing::debug!(ticket = %row.id, helpdesk = kind, attempt = attempts, %reason, "delivery failed; will retry");
                }
                tickets::record(
                    &self.db,
                    &row.id,
                    &self.owner,
                    now,
                    Attempt::Retry {
                        at,
                        error: reason,
                        warned,
                    },
                )
                .await?
            }
            Err(e) => {
                let error = match e {
                    DeliveryError::Retry { reason, .. } => format!(
                        "gave up after {attempts} attempts over {}: {reason}",
                        duration_text::parse_back(waited_ms)
                    ),
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

#[cfg(test)]
mod duration_tests {
    use super::duration_text::parse;
    use super::*;

    #[test]
    fn give_up_after_reads_units_and_refuses_nonsense() {
        assert_eq!(parse("7d").unwrap(), Duration::from_secs(7 * 86_400));
        assert_eq!(parse("36h").unwrap(), Duration::from_secs(36 * 3600));
        assert_eq!(parse("90m").unwrap(), Duration::from_secs(5400));
        assert_eq!(parse("45").unwrap(), Duration::from_secs(45));
        assert_eq!(parse("500ms").unwrap(), Duration::from_millis(500));
        assert!(parse("7 weeks").unwrap_err().contains("unknown unit"));
        assert!(parse("soon").unwrap_err().contains("not a duration"));
        let p: RetryPolicy =
            serde_json::from_value(serde_json::json!({"give_up_after": "2h"})).unwrap();
        assert_eq!(p.give_up_after, Duration::from_secs(7200));
        assert_eq!(
            serde_json::to_value(RetryPolicy::default()).unwrap()["give_up_after"],
            "7d"
        );
    }

    #[test]
    fn a_lease_shorter_than_a_delivery_is_refused() {
        let p = RetryPolicy {
            timeout_ms: 15_000,
            lease_ms: 20_000,
            ..RetryPolicy::default()
        };
        assert!(p.check().unwrap_err().contains("outbox.lease_ms"));
        assert!(RetryPolicy::default().check().is_ok());
    }
}

#[cfg(test)]
mod deprecation_tests {
    use super::*;

    #[test]
    fn an_old_max_attempts_still_loads_and_is_named_in_a_warning() {
        let p: RetryPolicy =
            serde_json::from_value(serde_json::json!({"max_attempts": 10, "give_up_after": "2h"}))
                .expect("an older waymark.toml with outbox.max_attempts still starts");
        let warnings = p.deprecations();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].contains("outbox.max_attempts (10)"),
            "{warnings:?}"
        );
        assert!(
            warnings[0].contains("give_up_after (7200s)"),
            "{warnings:?}"
        );
        assert!(RetryPolicy::default().deprecations().is_empty());
        assert!(
            serde_json::to_value(p)
                .unwrap()
                .get("max_attempts")
                .is_none(),
            "never written back"
        );
        let typo = serde_json::from_value::<RetryPolicy>(serde_json::json!({"max_atempts": 3}));
        assert!(typo.unwrap_err().to_string().contains("max_atempts"));
    }
}
