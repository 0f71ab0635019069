//! Counters of everything the receiver got, so that nothing is lost silently.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::{Duration, Instant};

use genai_validator::Telemetry;

/// Live counters, shared by the listeners, the queue and the consumer.
#[derive(Debug)]
pub struct Stats {
    started: Instant,
    /// Milliseconds from `started` to the last request (any outcome).
    last_request_ms: AtomicU64,
    requests: AtomicU64,
    accepted: AtomicU64,
    malformed: AtomicU64,
    too_large: AtomicU64,
    busy: AtomicU64,
    unsupported: AtomicU64,
    timed_out: AtomicU64,
    denied: AtomicU64,
    connections_refused: AtomicU64,
    items_rejected: AtomicU64,
    spans_accepted: AtomicU64,
    logs_accepted: AtomicU64,
    metrics_accepted: AtomicU64,
    items_refused_busy: AtomicU64,
    spans_delivered: AtomicU64,
    logs_delivered: AtomicU64,
    metrics_delivered: AtomicU64,
}

/// A copy of the counters at one moment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StatsSnapshot {
    /// Time since the receiver started.
    pub uptime: Duration,
    /// Time since the last request (or since start, when there was none).
    pub idle: Duration,
    /// Export requests received (any outcome, health checks excluded).
    pub requests: u64,
    /// Requests accepted (answered with success and queued).
    pub accepted: u64,
    /// Requests refused as malformed (400 / `INVALID_ARGUMENT`).
    pub malformed: u64,
    /// Requests refused as too large (413 / `RESOURCE_EXHAUSTED`).
    pub too_large: u64,
    /// Requests refused because the queue was full (503 / `UNAVAILABLE`).
    pub busy: u64,
    /// Requests refused for an unknown path, method, media type or encoding.
    pub unsupported: u64,
    /// Requests whose body did not arrive in time (408 / `DEADLINE_EXCEEDED`).
    pub timed_out: u64,
    /// Requests refused by the access policy (cross-origin, or without the token).
    pub denied: u64,
    /// Connections closed at once because `max_connections` were open.
    pub connections_refused: u64,
    /// Items refused inside accepted requests (partial success: `rejected_spans`, ...).
    pub items_rejected: u64,
    /// Spans in accepted requests.
    pub spans_accepted: u64,
    /// Log records in accepted requests.
    pub logs_accepted: u64,
    /// Metrics in accepted requests.
    pub metrics_accepted: u64,
    /// Spans, log records and metrics in requests refused because the queue was full.
    pub items_refused_busy: u64,
    /// Spans taken from the queue by the consumer.
    pub spans_delivered: u64,
    /// Log records taken from the queue by the consumer.
    pub logs_delivered: u64,
    /// Metrics taken from the queue by the consumer.
    pub metrics_delivered: u64,
}

impl StatsSnapshot {
    /// Whether everything accepted has been delivered to the consumer.
    pub fn all_delivered(&self) -> bool {
        self.spans_accepted == self.spans_delivered
            && self.logs_accepted == self.logs_delivered
            && self.metrics_accepted == self.metrics_delivered
    }
}

/// Which counter a refusal goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    Malformed,
    TooLarge,
    Busy,
    Unsupported,
    Timeout,
    Denied,
}

impl Default for Stats {
    fn default() -> Self {
        Stats::new()
    }
}

impl Stats {
    /// Zeroed counters; the clock starts now.
    pub fn new() -> Self {
        Stats {
            started: Instant::now(),
            last_request_ms: AtomicU64::new(0),
            requests: AtomicU64::new(0),
            accepted: AtomicU64::new(0),
            malformed: AtomicU64::new(0),
            too_large: AtomicU64::new(0),
            busy: AtomicU64::new(0),
            unsupported: AtomicU64::new(0),
            timed_out: AtomicU64::new(0),
            denied: AtomicU64::new(0),
            connections_refused: AtomicU64::new(0),
            items_rejected: AtomicU64::new(0),
            spans_accepted: AtomicU64::new(0),
            logs_accepted: AtomicU64::new(0),
            metrics_accepted: AtomicU64::new(0),
            items_refused_busy: AtomicU64::new(0),
            spans_delivered: AtomicU64::new(0),
            logs_delivered: AtomicU64::new(0),
            metrics_delivered: AtomicU64::new(0),
        }
    }

    /// Counts a request and returns its index.
    pub(crate) fn begin_request(&self) -> u64 {
        let ms = self.started.elapsed().as_millis() as u64;
        self.last_request_ms.fetch_max(ms, Relaxed);
        self.requests.fetch_add(1, Relaxed)
    }

    pub(crate) fn record_accepted(&self, t: &Telemetry) {
        self.accepted.fetch_add(1, Relaxed);
        self.spans_accepted.fetch_add(t.spans.len() as u64, Relaxed);
        self.logs_accepted.fetch_add(t.logs.len() as u64, Relaxed);
        self.metrics_accepted
            .fetch_add(t.metrics.len() as u64, Relaxed);
    }

    pub(crate) fn record_refused(&self, refusal: Refusal, items: usize) {
        let counter = match refusal {
            Refusal::Malformed => &self.malformed,
            Refusal::TooLarge => &self.too_large,
            Refusal::Busy => {
                self.items_refused_busy.fetch_add(items as u64, Relaxed);
                &self.busy
            }
            Refusal::Unsupported => &self.unsupported,
            Refusal::Timeout => &self.timed_out,
            Refusal::Denied => &self.denied,
        };
        counter.fetch_add(1, Relaxed);
    }

    pub(crate) fn record_rejected_items(&self, n: u64) {
        self.items_rejected.fetch_add(n, Relaxed);
    }

    pub(crate) fn record_connection_refused(&self) {
        self.connections_refused.fetch_add(1, Relaxed);
    }

    pub(crate) fn record_delivered(&self, t: &Telemetry) {
        self.spans_delivered
            .fetch_add(t.spans.len() as u64, Relaxed);
        self.logs_delivered.fetch_add(t.logs.len() as u64, Relaxed);
        self.metrics_delivered
            .fetch_add(t.metrics.len() as u64, Relaxed);
    }

    /// Time since the last export request (or since start).
    pub fn idle(&self) -> Duration {
        let now = self.started.elapsed();
        now.saturating_sub(Duration::from_millis(self.last_request_ms.load(Relaxed)))
    }

    /// The counters now.
    pub fn snapshot(&self) -> StatsSnapshot {
        StatsSnapshot {
            uptime: self.started.elapsed(),
            idle: self.idle(),
            requests: self.requests.load(Relaxed),
            accepted: self.accepted.load(Relaxed),
            malformed: self.malformed.load(Relaxed),
            too_large: self.too_large.load(Relaxed),
            busy: self.busy.load(Relaxed),
            unsupported: self.unsupported.load(Relaxed),
            timed_out: self.timed_out.load(Relaxed),
            denied: self.denied.load(Relaxed),
            connections_refused: self.connections_refused.load(Relaxed),
            items_rejected: self.items_rejected.load(Relaxed),
            spans_accepted: self.spans_accepted.load(Relaxed),
            logs_accepted: self.logs_accepted.load(Relaxed),
            metrics_accepted: self.metrics_accepted.load(Relaxed),
            items_refused_busy: self.items_refused_busy.load(Relaxed),
            spans_delivered: self.spans_delivered.load(Relaxed),
            logs_delivered: self.logs_delivered.load(Relaxed),
            metrics_delivered: self.metrics_delivered.load(Relaxed),
        }
    }
}
