//! Background workers and how they stop.
//!
//! Owns the shutdown protocol: every long-running task is spawned here, watches one
//! cancellation token, and is awaited on shutdown (within a time limit) after the HTTP
//! listener has finished its in-flight requests. Today that is the event writer
//! ([`crate::ingest`]); the ticket outbox worker joins it the same way. It must not
//! know what the workers do.

use std::future::Future;
use std::time::Duration;

use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

#[derive(Clone, Default)]
pub struct Workers {
    cancel: CancellationToken,
    tracker: TaskTracker,
}

impl Workers {
    pub fn new() -> Self {
        Self::default()
    }

    /// The token a worker watches; cancelled when shutdown begins. A worker should
    /// then finish the unit of work in hand (a batch, a delivery) and return.
    pub fn stopping(&self) -> CancellationToken {
        self.cancel.clone()
    }

    /// Runs `task` until it returns; shutdown waits for it.
    pub fn spawn<F>(&self, name: &'static str, task: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        self.tracker.spawn(async move {
            task.await;
            tracing::debug!(worker = name, "worker stopped");
        });
    }

    /// Asks every worker to stop and waits up to `limit`; false when some did not.
    pub async fn shutdown(&self, limit: Duration) -> bool {
        self.cancel.cancel();
        self.tracker.close();
        tokio::time::timeout(limit, self.tracker.wait())
            .await
            .is_ok()
    }
}
