//! Errors of the receiver itself (not of requests, which are answered, counted and survived).

use std::net::SocketAddr;

/// Why the receiver could not start.
#[derive(Debug, thiserror::Error)]
pub enum ReceiverError {
    /// A listener could not be bound (port in use, address not local, permission).
    #[error("cannot listen for OTLP/{protocol} on {addr}: {source}")]
    Bind {
        /// `http` or `grpc`.
        protocol: &'static str,
        /// The address asked for.
        addr: SocketAddr,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// Neither listener is enabled.
    #[error("no listener enabled: set an HTTP port, a gRPC port, or both")]
    NoListener,
    /// A queue capacity of zero.
    #[error("queue capacity must be at least 1")]
    ZeroQueue,
    /// A configuration value out of range.
    #[error("invalid {name}: {reason}")]
    Config {
        /// Which setting.
        name: &'static str,
        /// What is wrong with it.
        reason: String,
    },
}
