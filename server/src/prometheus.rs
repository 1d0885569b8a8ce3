//! Prometheus metrics: what the server counts, and their text rendering for
//! `GET /metrics`.
//!
//! Owns the metric names and labels. Each server has its own registry (tests run many
//! servers in one process). Labels are bounded: routes are the matched route
//! template (`/v1/apps/{app}/events`), never the raw path, so no app id or user
//! input becomes a label.

use ::prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, Opts, Registry,
    TextEncoder,
};

#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    pub http_requests: IntCounterVec,
    pub http_duration: HistogramVec,
    pub events_ingested: IntCounter,
    pub events_duplicate: IntCounter,
    pub rate_limited: IntCounterVec,
    pub guides_published: IntCounter,
    /// Tickets queued after a failed attempt: their help desk is out.
    pub tickets_waiting: IntGauge,
    /// How long ago the oldest waiting ticket was filed, in seconds (0 when none).
    pub tickets_oldest_wait: IntGauge,
}

impl Metrics {
    pub fn new() -> Metrics {
        let registry =
            Registry::new_custom(Some("waymark".to_owned()), None).expect("a valid metrics prefix");
        let http_requests = IntCounterVec::new(
            Opts::new(
                "http_requests_total",
                "HTTP requests answered, by route and status",
            ),
            &["method", "route", "status"],
        )
        .expect("valid metric");
        let http_duration = HistogramVec::new(
            HistogramOpts::new(
                "http_request_duration_seconds",
                "Time from request to response head, by route",
            )
            .buckets(vec![
                0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
            ]),
            &["method", "route"],
        )
        .expect("valid metric");
        let events_ingested = IntCounter::new("events_ingested_total", "Analytics events stored")
            .expect("valid metric");
        let events_duplicate = IntCounter::new(
            "events_duplicate_total",
            "Analytics events dropped because their id was already stored",
        )
        .expect("valid metric");
        let rate_limited = IntCounterVec::new(
            Opts::new("rate_limited_total", "Requests refused with 429, by limit"),
            &["scope"],
        )
        .expect("valid metric");
        let guides_published =
            IntCounter::new("guides_published_total", "Guide versions published")
                .expect("valid metric");
        let tickets_waiting = IntGauge::new(
            "tickets_waiting",
            "Tickets kept in the outbox because their help desk could not take them yet",
        )
        .expect("valid metric");
        let tickets_oldest_wait = IntGauge::new(
            "tickets_oldest_wait_seconds",
            "Seconds since the oldest waiting ticket was filed (0 when none waits)",
        )
        .expect("valid metric");
        for collector in [
            Box::new(http_requests.clone()) as Box<dyn ::prometheus::core::Collector>,
            Box::new(http_duration.clone()),
            Box::new(events_ingested.clone()),
            Box::new(events_duplicate.clone()),
            Box::new(rate_limited.clone()),
            Box::new(guides_published.clone()),
            Box::new(tickets_waiting.clone()),
            Box::new(tickets_oldest_wait.clone()),
        ] {
            registry
                .register(collector)
                .expect("metric registered once");
        }
        Metrics {
            registry,
            http_requests,
            http_duration,
            events_ingested,
            events_duplicate,
            rate_limited,
            guides_published,
            tickets_waiting,
            tickets_oldest_wait,
        }
    }

    /// The text exposition format.
    pub fn render(&self) -> String {
        let mut out = Vec::new();
        let _ = TextEncoder::new().encode(&self.registry.gather(), &mut out);
        String::from_utf8(out).unwrap_or_default()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}
