//! What the receiver delivers: one [`Batch`] per accepted export request, through [`Batches`].

use std::fmt;
use std::sync::Arc;
use std::time::Instant;

use genai_validator::{Signal, Telemetry};
use tokio::sync::mpsc;

use crate::stats::Stats;

/// The protocol a request arrived with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Transport {
    /// OTLP/HTTP with a protobuf body.
    HttpProtobuf,
    /// OTLP/HTTP with an OTLP/JSON body.
    HttpJson,
    /// OTLP/gRPC.
    Grpc,
}

impl Transport {
    /// `http/protobuf`, `http/json` or `grpc` (the values of `OTEL_EXPORTER_OTLP_PROTOCOL`).
    pub fn as_str(self) -> &'static str {
        match self {
            Transport::HttpProtobuf => "http/protobuf",
            Transport::HttpJson => "http/json",
            Transport::Grpc => "grpc",
        }
    }
}

impl fmt::Display for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The decoded content of one accepted export request.
#[derive(Debug)]
pub struct Batch {
    /// Spans, log records or metrics (only those of [`Batch::signal`]), each with its origin
    /// (`Source::Stream("otlp/<transport> <listen address>")` and the request index).
    pub telemetry: Telemetry,
    /// The signal of the endpoint or service the request was sent to.
    pub signal: Signal,
    /// How the request arrived.
    pub transport: Transport,
    /// Zero-based index of the request among all requests the receiver got (accepted or not).
    pub request: u64,
    /// When the request was accepted.
    pub received_at: Instant,
}

/// A consumer of batches, e.g. a validator or a counter.
pub trait Sink {
    /// Takes one batch.
    fn consume(&mut self, batch: Batch);
}

impl<F: FnMut(Batch)> Sink for F {
    fn consume(&mut self, batch: Batch) {
        self(batch)
    }
}

/// A [`Sink`] that counts what it gets and drops it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CountingSink {
    /// Batches received.
    pub batches: u64,
    /// Spans received.
    pub spans: u64,
    /// Log records received.
    pub logs: u64,
    /// Metrics received.
    pub metrics: u64,
}

impl Sink for CountingSink {
    fn consume(&mut self, batch: Batch) {
        self.batches += 1;
        self.spans += batch.telemetry.spans.len() as u64;
        self.logs += batch.telemetry.logs.len() as u64;
        self.metrics += batch.telemetry.metrics.len() as u64;
    }
}

/// The receiving end of the receiver's bounded queue.
///
/// Ends (`recv` returns `None`) once the receiver has shut down and every accepted batch has
/// been taken. Batches taken are counted in [`Stats`] as delivered.
#[derive(Debug)]
pub struct Batches {
    rx: mpsc::Receiver<Batch>,
    stats: Arc<Stats>,
}

impl Batches {
    pub(crate) fn new(rx: mpsc::Receiver<Batch>, stats: Arc<Stats>) -> Self {
        Batches { rx, stats }
    }

    fn delivered(&self, batch: Option<Batch>) -> Option<Batch> {
        if let Some(b) = &batch {
            self.stats.record_delivered(&b.telemetry);
        }
        batch
    }

    /// The next batch; `None` once the receiver has shut down and the queue is empty.
    pub async fn recv(&mut self) -> Option<Batch> {
        let batch = self.rx.recv().await;
        self.delivered(batch)
    }

    /// The next batch, blocking the current thread (not for use inside an async runtime).
    pub fn blocking_recv(&mut self) -> Option<Batch> {
        let batch = self.rx.blocking_recv();
        self.delivered(batch)
    }

    /// A batch if one is waiting, without blocking.
    pub fn try_recv(&mut self) -> Option<Batch> {
        let batch = self.rx.try_recv().ok();
        self.delivered(batch)
    }

    /// Feeds every batch to `sink` until the receiver has shut down and the queue is empty.
    pub async fn drain_into(mut self, sink: &mut impl Sink) {
        while let Some(batch) = self.recv().await {
            sink.consume(batch);
        }
    }

    /// [`Batches::drain_into`] for a consumer thread.
    pub fn blocking_drain_into(mut self, sink: &mut impl Sink) {
        while let Some(batch) = self.blocking_recv() {
            sink.consume(batch);
        }
    }

    /// Batches waiting in the queue.
    pub fn len(&self) -> usize {
        self.rx.len()
    }

    /// Whether no batch is waiting.
    pub fn is_empty(&self) -> bool {
        self.rx.is_empty()
    }

    /// The receiver's counters.
    pub fn stats(&self) -> &Arc<Stats> {
        &self.stats
    }
}
