//! An OTLP receiver for live validation: OTLP/HTTP (protobuf and JSON, optionally gzip) and
//! OTLP/gRPC (the three export services), with bounded requests and a bounded queue.
//!
//! The receiver only decodes; what happens to the telemetry is up to its consumer. [`Receiver::start`]
//! binds the listeners and returns a [`Batches`] queue of decoded [`Batch`]es (one per accepted
//! export request); a consumer (e.g. `semconv live-check`, which feeds them to the validator)
//! takes them from there, or hands them to a [`Sink`] with [`Batches::drain_into`].
//!
//! Guarantees:
//! - a request is answered with success only once its batch is in the queue, so every item an
//!   exporter was told was accepted is delivered to the consumer, including after
//!   [`Receiver::shutdown`] (the queue closes only after the last in-flight request is done);
//! - a full queue or in-flight budget is answered with 503 / `UNAVAILABLE` (retryable), an
//!   oversized request (bytes or decoded elements) with 413 / `RESOURCE_EXHAUSTED`, a malformed
//!   one with 400 / `INVALID_ARGUMENT` and the decoder's reason; items refused inside an
//!   accepted request are reported as a partial success; every outcome is counted in [`Stats`];
//! - every resource a client can make it hold is bounded (see [`ReceiverConfig`]), and
//!   decoding runs off the async runtime's threads, so `/health` stays responsive;
//! - cross-origin (browser) requests are refused, and state-changing endpoints need the
//!   per-run [`Receiver::token`] (see the `access` rules in [`ReceiverConfig::bind`]).
//!
//! ```no_run
//! # async fn demo() -> Result<(), genai_otlp_receiver::ReceiverError> {
//! use genai_otlp_receiver::{CountingSink, Receiver, ReceiverConfig};
//! let (receiver, batches) = Receiver::start(ReceiverConfig::default()).await?;
//! let consumer = std::thread::spawn(move || {
//!     let mut sink = CountingSink::default();
//!     batches.blocking_drain_into(&mut sink);
//!     sink
//! });
//! // ... exporters send to receiver.http_addr() / receiver.grpc_addr() ...
//! let stats = receiver.shutdown().await;
//! let counted = consumer.join().expect("consumer thread");
//! assert_eq!(counted.spans, stats.spans_accepted);
//! # Ok(()) }
//! ```
#![deny(missing_docs)]

mod access;
mod batch;
mod body;
mod config;
mod error;
mod grpc;
mod http;
mod ingest;
mod routes;
mod server;
mod stats;

pub use access::random_token;
pub use batch::{Batch, Batches, CountingSink, Sink, Transport};
pub use config::{MAX_BYTES, MAX_QUEUE_CAPACITY, ReceiverConfig};
pub use error::ReceiverError;
pub use routes::{HttpRoutes, RouteBody};
pub use server::Receiver;
pub use stats::{Stats, StatsSnapshot};

/// Entry points for the fuzz targets (`fuzz/` in the repository); not a stable interface.
#[doc(hidden)]
pub mod fuzzing {
    /// Splits the one length-prefixed message of a unary gRPC call; the error is the reason
    /// sent back.
    pub fn grpc_unframe(body: &[u8], limit: usize) -> Result<(bool, &[u8]), String> {
        crate::grpc::unframe(body, limit).map_err(|r| r.reason)
    }
}

/// Re-exported so consumers name the same types as the batches carry.
pub use genai_validator::{Signal, Telemetry};
