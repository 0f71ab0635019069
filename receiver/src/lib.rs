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
//! - a full queue is answered with 503 / `UNAVAILABLE` (retryable), an oversized request with
//!   413 / `RESOURCE_EXHAUSTED`, a malformed one with 400 / `INVALID_ARGUMENT` and the decoder's
//!   reason; every outcome is counted in [`Stats`].
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

pub use batch::{Batch, Batches, CountingSink, Sink, Transport};
pub use config::ReceiverConfig;
pub use error::ReceiverError;
pub use routes::{HttpRoutes, RouteBody};
pub use server::Receiver;
pub use stats::{Stats, StatsSnapshot};

/// Re-exported so consumers name the same types as the batches carry.
pub use genai_validator::{Signal, Telemetry};
