//! The event writer: stores analytics events in batches, one writer at a time.
//!
//! Request handlers hand their batch to [`Ingest::store`] and wait for the result.
//! One background task takes whatever batches are waiting (up to a limit) and writes
//! them in a single transaction: on SQLite, where only one writer can work at a time,
//! this turns many small commits into one (group commit), which is what lets ingest
//! keep up with thousands of events per second. It owns batching and commit only; the
//! SQL is [`crate::db::events`], the checks of each event are the HTTP layer's.

use std::sync::Arc;

use tokio::sync::{mpsc, oneshot, Notify};
use waymark::events::AnalyticsEvent;

use crate::db::{self, Db};
use crate::prometheus::Metrics;
use crate::workers::Workers;

/// Batches waiting for the writer, at most; then handlers wait (back-pressure).
const QUEUE: usize = 1024;
/// Events written in one transaction, at most.
const GROUP_EVENTS: usize = 10_000;

/// What happened to a stored batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stored {
    pub accepted: u64,
    pub duplicates: u64,
}

#[derive(Clone, Debug, thiserror::Error)]
pub enum IngestError {
    #[error("the server is shutting down")]
    Stopped,
    #[error("the database failed: {0}")]
    Database(Arc<db::Error>),
}

struct Job {
    app: String,
    user: Option<String>,
    segment: Option<String>,
    events: Vec<AnalyticsEvent>,
    reply: oneshot::Sender<Result<Stored, IngestError>>,
}

/// The handle request handlers use; cheap to clone.
#[derive(Clone)]
pub struct Ingest {
    jobs: mpsc::Sender<Job>,
}

impl Ingest {
    /// Starts the writer as a worker: it stops when shutdown begins, after writing
    /// what is queued. `stored` is notified after each commit that stored new events
    /// (the Insights rollups' refresh listens).
    pub fn start(db: Db, metrics: Metrics, stored: Arc<Notify>, workers: &Workers) -> Ingest {
        let (jobs, queue) = mpsc::channel::<Job>(QUEUE);
        let stopping = workers.stopping();
        workers.spawn("event writer", async move {
            let mut queue = queue;
            loop {
                let first = tokio::select! {
                    job = queue.recv() => job,
                    () = stopping.cancelled() => {
                        queue.close();
                        queue.recv().await
                    }
                };
                let Some(first) = first else { break };
                let mut group = vec![first];
                let mut events = group[0].events.len();
                while events < GROUP_EVENTS {
                    match queue.try_recv() {
                        Ok(job) => {
                            events += job.events.len();
                            group.push(job);
                        }
                        Err(_) => break,
                    }
                }
                write_group(&db, &metrics, &stored, group).await;
            }
        });
        Ingest { jobs }
    }

    /// Stores one batch (its user and segment on every event) and says how many
    /// events were new.
    pub async fn store(
        &self,
        app: String,
        user: Option<String>,
        segment: Option<String>,
        events: Vec<AnalyticsEvent>,
    ) -> Result<Stored, IngestError> {
        let (reply, answer) = oneshot::channel();
        let job = Job {
            app,
            user,
            segment,
            events,
            reply,
        };
        self.jobs
            .send(job)
            .await
            .map_err(|_| IngestError::Stopped)?;
        answer.await.map_err(|_| IngestError::Stopped)?
    }
}

/// Writes every job of the group in one transaction and answers each.
async fn write_group(db: &Db, metrics: &Metrics, stored: &Notify, group: Vec<Job>) {
    let received_at = crate::now_ms();
    let result: Result<Vec<u64>, db::Error> = async {
        let mut tx = db.begin_write().await?;
        let mut counts = Vec::with_capacity(group.len());
        for job in &group {
            let inserted = db::events::insert(
                tx.conn(),
                db.backend(),
                &job.app,
                db::events::Sender {
                    user: job.user.as_deref(),
                    segment: job.segment.as_deref(),
                },
                &job.events,
                received_at,
            )
            .await?;
            counts.push(inserted);
        }
        let changed: Vec<(&str, &str)> = group
            .iter()
            .zip(&counts)
            .filter(|(_, &inserted)| inserted > 0)
            .map(|(job, _)| (job.app.as_str(), job.user.as_deref().unwrap_or("")))
            .collect();
        db::events::mark_changed(tx.conn(), &changed).await?;
        tx.commit().await?;
        if !changed.is_empty() {
            stored.notify_one();
        }
        Ok(counts)
    }
    .await;
    match result {
        Ok(counts) => {
            for (job, accepted) in group.into_iter().zip(counts) {
                let duplicates = job.events.len() as u64 - accepted;
                metrics.events_ingested.inc_by(accepted);
                metrics.events_duplicate.inc_by(duplicates);
                let _ = job.reply.send(Ok(Stored {
                    accepted,
                    duplicates,
                }));
            }
        }
        Err(error) => {
            tracing::error!(%error, batches = group.len(), "cannot store events");
            let error = Arc::new(error);
            for job in group {
                let _ = job.reply.send(Err(IngestError::Database(error.clone())));
            }
        }
    }
}
