//! Helpers shared by the integration tests: a receiver on ephemeral ports with a collecting
//! consumer, and raw HTTP/1.1 and HTTP/2 (gRPC) clients.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::thread::JoinHandle;

use bytes::Bytes;
use genai_otlp_receiver::{Batch, Receiver, ReceiverConfig, StatsSnapshot};
use http_body_util::{BodyExt, Full};
use hyper::{HeaderMap, Request, StatusCode};
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::net::TcpStream;

/// A receiver plus a consumer thread that keeps every batch.
pub struct Harness {
    pub receiver: Receiver,
    consumer: JoinHandle<Vec<Batch>>,
}

impl Harness {
    pub async fn start() -> Harness {
        Harness::with(ReceiverConfig::ephemeral()).await
    }

    pub async fn with(config: ReceiverConfig) -> Harness {
        let (receiver, batches) = Receiver::start(config).await.expect("receiver starts");
        let consumer = std::thread::spawn(move || {
            let mut all = Vec::new();
            batches.blocking_drain_into(&mut |b| all.push(b));
            all
        });
        Harness { receiver, consumer }
    }

    pub fn http(&self) -> SocketAddr {
        self.receiver.http_addr().expect("http listener")
    }

    pub fn grpc(&self) -> SocketAddr {
        self.receiver.grpc_addr().expect("grpc listener")
    }

    /// Shuts down and returns the final counters and every batch the consumer got.
    pub async fn finish(self) -> (StatsSnapshot, Vec<Batch>) {
        let counters = self.receiver.stats().clone();
        self.receiver.shutdown().await;
        let consumer = self.consumer;
        let batches = tokio::task::spawn_blocking(move || consumer.join().expect("consumer"))
            .await
            .expect("join");
        // After the consumer has taken everything: delivered counters are final.
        (counters.snapshot(), batches)
    }
}

pub fn span_names(batches: &[Batch]) -> Vec<String> {
    let mut names: Vec<String> = batches
        .iter()
        .flat_map(|b| b.telemetry.spans.iter().map(|s| s.name.to_string()))
        .collect();
    names.sort();
    names
}

/// A response: status, headers, body, trailers.
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
    pub trailers: Option<HeaderMap>,
}

impl Reply {
    pub fn grpc_status(&self) -> Option<String> {
        self.trailers
            .as_ref()
            .and_then(|t| t.get("grpc-status"))
            .or_else(|| self.headers.get("grpc-status"))
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }

    pub fn grpc_message(&self) -> String {
        self.headers
            .get("grpc-message")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One HTTP/1.1 request on a fresh connection.
pub async fn http1(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: impl Into<Bytes>,
) -> Reply {
    let stream = TcpStream::connect(addr).await.expect("connect");
    let (mut send, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .expect("handshake");
    tokio::spawn(conn);
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .header("host", addr.to_string());
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let req = req.body(Full::new(body.into())).expect("request");
    let res = send.send_request(req).await.expect("response");
    collect(res).await
}

/// One gRPC call (HTTP/2, prior knowledge) with a raw body (already framed or not).
pub async fn grpc_raw(
    addr: SocketAddr,
    path: &str,
    headers: &[(&str, &str)],
    body: impl Into<Bytes>,
) -> Reply {
    let stream = TcpStream::connect(addr).await.expect("connect");
    let (mut send, conn) =
        hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(stream))
            .await
            .expect("handshake");
    tokio::spawn(conn);
    let mut req = Request::builder()
        .method("POST")
        .uri(format!("http://{addr}{path}"))
        .header("content-type", "application/grpc")
        .header("te", "trailers");
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let req = req.body(Full::new(body.into())).expect("request");
    let res = send.send_request(req).await.expect("response");
    collect(res).await
}

async fn collect(res: hyper::Response<hyper::body::Incoming>) -> Reply {
    let status = res.status();
    let headers = res.headers().clone();
    let collected = res.into_body().collect().await.expect("body");
    let trailers = collected.trailers().cloned();
    Reply {
        status,
        headers,
        body: collected.to_bytes(),
        trailers,
    }
}

/// A gRPC length-prefixed frame.
pub fn frame(compressed: bool, message: &[u8]) -> Vec<u8> {
    let mut out = vec![u8::from(compressed)];
    out.extend_from_slice(&(message.len() as u32).to_be_bytes());
    out.extend_from_slice(message);
    out
}

pub fn gzip(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(data).expect("gzip");
    enc.finish().expect("gzip")
}

pub const TRACES_GRPC: &str = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";
