//! What the receiver delivers: one [`Batch`] per accepted export request, through [`Batches`].

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use genai_validator::{Signal, Telemetry};
use tokio::sync::{OwnedSemaphorePermit, mpsc, oneshot};

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
///
/// Its memory counts in the receiver's in-flight budget until the batch is dropped.
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
    /// Where the exporter waits for a summary of the findings (`--warn-in-response`).
    reply: Option<Reply>,
    /// This batch's share of the in-flight budget, released when the batch is dropped.
    _budget: Option<OwnedSemaphorePermit>,
}

impl Batch {
    /// A batch outside any receiver (for tests of consumers).
    pub fn new(telemetry: Telemetry, signal: Signal, transport: Transport, request: u64) -> Self {
        Batch {
            telemetry,
            signal,
            transport,
            request,
            received_at: Instant::now(),
            reply: None,
            _budget: None,
        }
    }

    pub(crate) fn with_budget(mut self, budget: OwnedSemaphorePermit) -> Self {
        self._budget = Some(budget);
        self
    }

    pub(crate) fn with_reply(mut self, reply: Option<oneshot::Sender<String>>) -> Self {
        self.reply = reply.map(Reply::One);
        self
    }

    /// The shard (of `n`) that validates the trace `trace`: every span and log record of one
    /// trace goes to the same shard, so per-trace state stays on one worker
    /// ([`genai_validator::session::shard_of`], as the validator's sessions shard).
    pub fn shard_of(trace: &genai_validator::telemetry::TraceId, n: usize) -> usize {
        genai_validator::session::shard_of(*trace, n)
    }

    /// Splits the batch into `n` batches by trace id (see [`Batch::shard_of`]); log records
    /// without a trace and metrics are spread evenly. The budget is shared out, and when the
    /// exporter waits for an answer, it gets the parts' answers joined once every part has
    /// answered (or been dropped). Parts may be empty.
    pub fn split_by_trace(mut self, n: usize) -> Vec<Batch> {
        let n = n.max(1);
        if n == 1 {
            return vec![self];
        }
        let mut parts: Vec<Telemetry> = (0..n).map(|_| Telemetry::new()).collect();
        let telemetry = std::mem::take(&mut self.telemetry);
        for span in telemetry.spans {
            parts[Batch::shard_of(&span.trace_id, n)].spans.push(span);
        }
        for (i, log) in telemetry.logs.into_iter().enumerate() {
            let shard = log.trace_id.map_or(i % n, |t| Batch::shard_of(&t, n));
            parts[shard].logs.push(log);
        }
        for (i, metric) in telemetry.metrics.into_iter().enumerate() {
            parts[i % n].metrics.push(metric);
        }
        let total = parts.iter().map(Telemetry::len).sum::<usize>().max(1);
        let mut budget = self._budget.take();
        let fan_in = self.reply.take().map(|r| FanIn::new(r, n));
        let mut out = Vec::with_capacity(n);
        for (i, telemetry) in parts.into_iter().enumerate() {
            // The last part keeps what is left of the budget.
            let share = if i + 1 == n {
                budget.take()
            } else {
                budget.as_mut().and_then(|b| {
                    let units = b.num_permits() * telemetry.len() / total;
                    b.split(units)
                })
            };
            out.push(Batch {
                telemetry,
                signal: self.signal,
                transport: self.transport,
                request: self.request,
                received_at: self.received_at,
                reply: fan_in.clone().map(|f| Reply::Part(PartReply(Some(f)))),
                _budget: share,
            });
        }
        out
    }

    /// Whether the exporter's request waits for [`Batch::answer`] (the receiver runs with
    /// `warn_in_response`): the consumer validates the batch, then answers with a one-line
    /// summary of its findings, or an empty string when there is nothing to say.
    pub fn wants_answer(&self) -> bool {
        self.reply.is_some()
    }

    /// Sends the one-line summary of this request's findings back to the exporter, as the
    /// partial-success message (at most 1,000 characters are sent; zero items rejected).
    /// Does nothing when nobody waits (any more).
    pub fn answer(&mut self, summary: impl Into<String>) {
        match self.reply.take() {
            Some(Reply::One(reply)) => {
                let _ = reply.send(summary.into());
            }
            Some(Reply::Part(part)) => part.answer(summary.into()),
            None => {}
        }
    }
}

/// Where an answer goes: the exporter's request, or one part of a split batch.
#[derive(Debug)]
enum Reply {
    One(oneshot::Sender<String>),
    Part(PartReply),
}

/// The answers of the parts of one split batch, sent joined once all parts answered.
#[derive(Debug)]
struct FanIn {
    state: Mutex<FanInState>,
}

#[derive(Debug)]
struct FanInState {
    waiting: usize,
    answers: Vec<String>,
    reply: Option<Reply>,
}

impl FanIn {
    fn new(reply: Reply, parts: usize) -> Arc<FanIn> {
        Arc::new(FanIn {
            state: Mutex::new(FanInState {
                waiting: parts,
                answers: Vec::new(),
                reply: Some(reply),
            }),
        })
    }

    fn done(&self, answer: Option<String>) {
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        if let Some(a) = answer.filter(|a| !a.trim().is_empty()) {
            state.answers.push(a);
        }
        state.waiting = state.waiting.saturating_sub(1);
        if state.waiting == 0
            && let Some(reply) = state.reply.take()
        {
            let joined = state.answers.join("; ");
            match reply {
                Reply::One(tx) => {
                    let _ = tx.send(joined);
                }
                Reply::Part(part) => part.answer(joined),
            }
        }
    }
}

/// One part's share of a [`FanIn`]; dropping it unanswered counts as an empty answer.
#[derive(Debug)]
struct PartReply(Option<Arc<FanIn>>);

impl PartReply {
    fn answer(mut self, summary: String) {
        if let Some(f) = self.0.take() {
            f.done(Some(summary));
        }
    }
}

impl Drop for PartReply {
    fn drop(&mut self) {
        if let Some(f) = self.0.take() {
            f.done(None);
        }
    }
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

    /// Validation on every core: splits each batch by trace id ([`Batch::split_by_trace`])
    /// and feeds part `i` to `sinks[i]`, each sink on its own thread, until the receiver has
    /// shut down and every batch was consumed; returns the sinks. Every span and log record of
    /// one trace reaches the same sink, so per-trace state stays on one thread. Call it on a
    /// thread of its own (it blocks); each sink's queue holds at most 4 parts.
    pub fn blocking_drain_sharded<S: Sink + Send>(mut self, mut sinks: Vec<S>) -> Vec<S> {
        let n = sinks.len();
        if n <= 1 {
            if let Some(sink) = sinks.first_mut() {
                while let Some(batch) = self.blocking_recv() {
                    sink.consume(batch);
                }
            }
            return sinks;
        }
        std::thread::scope(|scope| {
            let mut senders = Vec::with_capacity(n);
            let mut workers = Vec::with_capacity(n);
            for mut sink in sinks.drain(..) {
                let (tx, rx) = std::sync::mpsc::sync_channel::<Batch>(4);
                senders.push(tx);
                workers.push(scope.spawn(move || {
                    while let Ok(batch) = rx.recv() {
                        sink.consume(batch);
                    }
                    sink
                }));
            }
            while let Some(batch) = self.blocking_recv() {
                for (i, part) in batch.split_by_trace(n).into_iter().enumerate() {
                    if part.telemetry.is_empty() {
                        continue; // dropped: an empty answer, when one is awaited
                    }
                    // A worker that panicked has dropped its receiver: its parts are dropped
                    // (the panic is re-raised when the worker is joined).
                    let _ = senders[i].send(part);
                }
            }
            drop(senders);
            workers
                .into_iter()
                .map(|w| match w.join() {
                    Ok(sink) => sink,
                    Err(panic) => std::panic::resume_unwind(panic),
                })
                .collect()
        })
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
