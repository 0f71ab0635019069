//! Receiver configuration.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use crate::error::ReceiverError;
use crate::routes::HttpRoutes;

/// Where and how the receiver listens, and the bounds on what it holds.
///
/// Every resource a client can make the receiver hold is bounded: connections
/// ([`max_connections`](Self::max_connections)), the time a body may take to arrive
/// ([`body_timeout`](Self::body_timeout)), the bytes of one request
/// ([`max_request_bytes`](Self::max_request_bytes)), the elements it may decode into
/// ([`max_request_elements`](Self::max_request_elements)), and the memory of every request
/// being read, decompressed, decoded or waiting in the queue together
/// ([`max_bytes_in_flight`](Self::max_bytes_in_flight)).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReceiverConfig {
    /// Address to bind (default `127.0.0.1`). Any non-loopback address requires the access
    /// token on every endpoint but `/health`.
    pub bind: IpAddr,
    /// OTLP/HTTP port (default 4318; `Some(0)` picks a free port; `None` disables the listener).
    pub http_port: Option<u16>,
    /// OTLP/gRPC port (default 4317; `Some(0)` picks a free port; `None` disables the listener).
    pub grpc_port: Option<u16>,
    /// Largest request body accepted, compressed and after decompression (default 16 MiB).
    pub max_request_bytes: usize,
    /// Most elements (spans, log records, metrics, data points, events, links, attributes,
    /// array values) one request may decode into (default 1,000,000); more is refused with
    /// 413 / `RESOURCE_EXHAUSTED` before decoding.
    pub max_request_elements: usize,
    /// Memory budget, in estimated bytes, of all requests being read, decompressed, decoded or
    /// queued (default 1 GiB); a request that does not fit is refused with 503 / `UNAVAILABLE`
    /// (retryable) before it is decoded.
    pub max_bytes_in_flight: usize,
    /// Accepted batches that may wait for the consumer before requests are refused with
    /// 503 / `UNAVAILABLE` (default 256; their memory counts in `max_bytes_in_flight`).
    pub queue_capacity: usize,
    /// Open connections at most (default 256); further connections are closed at once.
    pub max_connections: usize,
    /// Time a request body may take to arrive in full (default 30 s; then 408 /
    /// `DEADLINE_EXCEEDED`).
    pub body_timeout: Duration,
    /// Requests decoded at the same time, off the async runtime's threads (default: the
    /// number of CPUs).
    pub decode_threads: usize,
    /// The access token for state-changing endpoints (and every endpoint but `/health` on a
    /// non-loopback address); `None` generates a random one per run.
    pub token: Option<String>,
    /// Wait for the consumer's one-line summary of each request's findings and send it as the
    /// partial-success message (default off); see [`Batch::answer`](crate::Batch::answer).
    pub warn_in_response: bool,
    /// How long a request waits for that summary before it is answered without one
    /// (default 2 s).
    pub reply_timeout: Duration,
    /// How long [`Receiver::shutdown`](crate::Receiver::shutdown) waits for in-flight requests
    /// before closing their connections (default 5 s).
    pub shutdown_grace: Duration,
    /// Answers the HTTP listener's non-OTLP paths (default none: 404).
    pub routes: Option<HttpRoutes>,
}

/// Largest value accepted for [`ReceiverConfig::queue_capacity`].
pub const MAX_QUEUE_CAPACITY: usize = 1 << 20;

/// Largest value accepted for byte limits (1 TiB; also below Tokio's semaphore limit).
pub const MAX_BYTES: usize = 1 << 40;

impl Default for ReceiverConfig {
    fn default() -> Self {
        ReceiverConfig {
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            http_port: Some(4318),
            grpc_port: Some(4317),
            max_request_bytes: 16 * 1024 * 1024,
            max_request_elements: 1_000_000,
            max_bytes_in_flight: 1024 * 1024 * 1024,
            queue_capacity: 256,
            max_connections: 256,
            body_timeout: Duration::from_secs(30),
            decode_threads: std::thread::available_parallelism().map_or(2, |n| n.get()),
            token: None,
            warn_in_response: false,
            reply_timeout: Duration::from_secs(2),
            shutdown_grace: Duration::from_secs(5),
            routes: None,
        }
    }
}

impl ReceiverConfig {
    /// Both listeners on free ports of 127.0.0.1 (for tests).
    pub fn ephemeral() -> Self {
        ReceiverConfig {
            http_port: Some(0),
            grpc_port: Some(0),
            ..ReceiverConfig::default()
        }
    }

    /// Checks the bounds (each at least 1, none beyond what the receiver can represent).
    pub fn validate(&self) -> Result<(), ReceiverError> {
        if self.http_port.is_none() && self.grpc_port.is_none() {
            return Err(ReceiverError::NoListener);
        }
        let bad = |name: &'static str, reason: String| Err(ReceiverError::Config { name, reason });
        let range = |name: &'static str, value: usize, max: usize| {
            if value == 0 || value > max {
                bad(name, format!("{value} is not between 1 and {max}"))
            } else {
                Ok(())
            }
        };
        if self.queue_capacity == 0 {
            return Err(ReceiverError::ZeroQueue);
        }
        range("queue capacity", self.queue_capacity, MAX_QUEUE_CAPACITY)?;
        range("max request bytes", self.max_request_bytes, MAX_BYTES)?;
        range("max bytes in flight", self.max_bytes_in_flight, MAX_BYTES)?;
        range("max request elements", self.max_request_elements, MAX_BYTES)?;
        range("max connections", self.max_connections, 1 << 20)?;
        range("decode threads", self.decode_threads, 1024)?;
        if self.max_request_bytes > self.max_bytes_in_flight {
            return bad(
                "max request bytes",
                format!(
                    "{} is larger than the in-flight budget of {} bytes, so no request of that size could ever be accepted",
                    self.max_request_bytes, self.max_bytes_in_flight
                ),
            );
        }
        if self.body_timeout.is_zero() {
            return bad("body timeout", "must be more than 0 s".into());
        }
        if let Some(token) = &self.token
            && (token.len() < 16 || !token.bytes().all(|b| b.is_ascii_graphic()))
        {
            return bad(
                "token",
                "must be at least 16 printable ASCII characters, without spaces".into(),
            );
        }
        Ok(())
    }
}
