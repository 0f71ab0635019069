//! Receiver configuration.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use crate::routes::HttpRoutes;

/// Where and how the receiver listens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReceiverConfig {
    /// Address to bind (default `127.0.0.1`).
    pub bind: IpAddr,
    /// OTLP/HTTP port (default 4318; `Some(0)` picks a free port; `None` disables the listener).
    pub http_port: Option<u16>,
    /// OTLP/gRPC port (default 4317; `Some(0)` picks a free port; `None` disables the listener).
    pub grpc_port: Option<u16>,
    /// Largest request body accepted, compressed and after decompression (default 16 MiB).
    pub max_request_bytes: usize,
    /// Accepted batches that may wait for the consumer before requests are refused with
    /// 503 / `UNAVAILABLE` (default 64; memory is bounded by this times the decoded size of
    /// a request).
    pub queue_capacity: usize,
    /// How long [`Receiver::shutdown`](crate::Receiver::shutdown) waits for in-flight requests
    /// before closing their connections (default 5 s).
    pub shutdown_grace: Duration,
    /// Answers the HTTP listener's non-OTLP paths (default none: 404).
    pub routes: Option<HttpRoutes>,
}

impl Default for ReceiverConfig {
    fn default() -> Self {
        ReceiverConfig {
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            http_port: Some(4318),
            grpc_port: Some(4317),
            max_request_bytes: 16 * 1024 * 1024,
            queue_capacity: 64,
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
}
