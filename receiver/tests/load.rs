//! Bounded loopback load test: concurrent OTLP/HTTP and OTLP/gRPC clients send a fixed number of
//! GenAI spans; afterwards the counts must match exactly (sent = accepted = delivered).
//!
//! Run (release build; about 10-20 s):
//! ```text
//! cargo test --release -p genai-otlp-receiver --test load -- --ignored --nocapture
//! ```
//! Knobs (environment): `LOAD_SPANS` (default 1,000,000), `LOAD_CLIENTS` (default 4, half
//! HTTP/1.1 protobuf, half gRPC), `LOAD_BATCH` (spans per request, default 512),
//! `LOAD_VALIDATE` (default 1: the consumer validates every batch against the embedded GenAI
//! registry, as `semconv live-check` does, keeping counts only; 0: it only counts),
//! `LOAD_WORKERS` (validation threads, batches split by trace id; default: the CPUs).
//! Prints throughput, export latency percentiles and memory (VmRSS samples, VmHWM).

mod common;

// As in the `semconv` binary (see cli/src/main.rs).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use common::{TRACES_GRPC, frame};
use genai_otlp_receiver::{CountingSink, Receiver, ReceiverConfig};
use http_body_util::{BodyExt, Full};
use hyper::{Request, StatusCode};
use hyper_util::rt::{TokioExecutor, TokioIo};
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{AnyValue, InstrumentationScope, KeyValue, any_value};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span};
use prost::Message;
use tokio::net::TcpStream;

/// Distinct request bodies each client cycles through.
const BODIES_PER_CLIENT: usize = 64;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(default)
}

fn kv(key: &str, value: any_value::Value) -> KeyValue {
    KeyValue {
        key: key.into(),
        value: Some(AnyValue { value: Some(value) }),
        ..Default::default()
    }
}

fn s(v: &str) -> any_value::Value {
    any_value::Value::StringValue(v.into())
}

/// A request of `n` spans cycling through chat, execute_tool and invoke_agent shapes
/// (8, 4 and 3 attributes, as in Weaver's live-check measurement).
fn request(n: usize, seed: u64) -> Vec<u8> {
    let span = |i: usize| {
        let (name, kind, attributes) = match i % 3 {
            0 => (
                "chat gpt-4o",
                3,
                vec![
                    kv("gen_ai.operation.name", s("chat")),
                    kv("gen_ai.provider.name", s("openai")),
                    kv("gen_ai.request.model", s("gpt-4o")),
                    kv("gen_ai.response.model", s("gpt-4o-2024-08-06")),
                    kv("gen_ai.response.id", s("chatcmpl-123")),
                    kv("gen_ai.usage.input_tokens", any_value::Value::IntValue(97)),
                    kv("gen_ai.usage.output_tokens", any_value::Value::IntValue(52)),
                    kv("server.address", s("api.openai.com")),
                ],
            ),
            1 => (
                "execute_tool get_weather",
                1,
                vec![
                    kv("gen_ai.operation.name", s("execute_tool")),
                    kv("gen_ai.tool.name", s("get_weather")),
                    kv("gen_ai.tool.call.id", s("call_1")),
                    kv("gen_ai.tool.type", s("function")),
                ],
            ),
            _ => (
                "invoke_agent travel_planner",
                1,
                vec![
                    kv("gen_ai.operation.name", s("invoke_agent")),
                    kv("gen_ai.provider.name", s("openai")),
                    kv("gen_ai.agent.name", s("travel_planner")),
                ],
            ),
        };
        let mut trace_id = [0u8; 16];
        trace_id[..8].copy_from_slice(&seed.to_be_bytes());
        trace_id[8..].copy_from_slice(&((i / 3) as u64 + 1).to_be_bytes());
        Span {
            trace_id: trace_id.to_vec(),
            span_id: ((seed << 32) | (i as u64 + 1)).to_be_bytes().to_vec(),
            name: name.into(),
            kind,
            start_time_unix_nano: 1_700_000_000_000_000_000,
            end_time_unix_nano: 1_700_000_000_500_000_000,
            attributes,
            ..Default::default()
        }
    };
    ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            resource: Some(Resource {
                attributes: vec![kv("service.name", s("load-test"))],
                ..Default::default()
            }),
            scope_spans: vec![ScopeSpans {
                scope: Some(InstrumentationScope {
                    name: "load".into(),
                    ..Default::default()
                }),
                spans: (0..n).map(span).collect(),
                ..Default::default()
            }],
            ..Default::default()
        }],
    }
    .encode_to_vec()
}

/// One validation worker of the load test's consumer.
/// One validation thread, as in `semconv live-check`: a session (complete counts, bounded
/// listing, traces assembled in its window) over the traces that fall to it.
struct Worker<'a> {
    session: Option<genai_validator::Session<'a>>,
    sink: CountingSink,
}

impl genai_otlp_receiver::Sink for Worker<'_> {
    fn consume(&mut self, batch: genai_otlp_receiver::Batch) {
        if let Some(session) = &mut self.session {
            session.push(&batch.telemetry);
        }
        self.sink.consume(batch);
    }
}

fn proc_status(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

/// One client: `requests` exports on one connection; retries on 503 / UNAVAILABLE.
/// Returns (latencies of successful exports, retries).
async fn client(
    addr: std::net::SocketAddr,
    grpc: bool,
    bodies: Vec<Bytes>,
    requests: usize,
) -> (Vec<Duration>, u64) {
    let stream = TcpStream::connect(addr).await.expect("connect");
    let _ = stream.set_nodelay(true);
    let mut latencies = Vec::with_capacity(requests);
    let mut retries = 0;
    if grpc {
        let (mut send, conn) =
            hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(stream))
                .await
                .expect("h2 handshake");
        tokio::spawn(conn);
        let framed: Vec<Bytes> = bodies
            .iter()
            .map(|b| Bytes::from(frame(false, b)))
            .collect();
        let mut done = 0;
        while done < requests {
            let req = Request::post(format!("http://{addr}{TRACES_GRPC}"))
                .header("content-type", "application/grpc")
                .header("te", "trailers")
                .body(Full::new(framed[done % framed.len()].clone()))
                .expect("request");
            let t = Instant::now();
            let res = send.send_request(req).await.expect("response");
            let headers = res.headers().clone();
            let collected = res.into_body().collect().await.expect("body");
            let status = collected
                .trailers()
                .and_then(|t| t.get("grpc-status").cloned())
                .or_else(|| headers.get("grpc-status").cloned());
            match status.as_ref().and_then(|v| v.to_str().ok()) {
                Some("0") => {
                    latencies.push(t.elapsed());
                    done += 1;
                }
                Some("14") => {
                    retries += 1;
                    tokio::time::sleep(Duration::from_millis(2)).await;
                }
                other => panic!("unexpected grpc-status {other:?}"),
            }
        }
    } else {
        let (mut send, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .expect("handshake");
        tokio::spawn(conn);
        let mut done = 0;
        while done < requests {
            let req = Request::post("/v1/traces")
                .header("host", addr.to_string())
                .header("content-type", "application/x-protobuf")
                .body(Full::new(bodies[done % bodies.len()].clone()))
                .expect("request");
            let t = Instant::now();
            let res = send.send_request(req).await.expect("response");
            let status = res.status();
            let _ = res.into_body().collect().await.expect("body");
            match status {
                StatusCode::OK => {
                    latencies.push(t.elapsed());
                    done += 1;
                }
                StatusCode::SERVICE_UNAVAILABLE => {
                    retries += 1;
                    tokio::time::sleep(Duration::from_millis(2)).await;
                }
                other => panic!("unexpected status {other}"),
            }
        }
    }
    (latencies, retries)
}

/// The runtime both probes run the receiver on: two workers, as on the target machine.
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

#[test]
#[ignore = "load test: run explicitly in release mode (see the module docs)"]
fn loopback_load() {
    let total = env("LOAD_SPANS", 1_000_000);
    let clients = env("LOAD_CLIENTS", 4).max(1);
    let batch = env("LOAD_BATCH", 512).max(1);
    let requests_per_client = total.div_ceil(batch * clients);
    let sent = (requests_per_client * batch * clients) as u64;

    let rt = runtime();
    rt.block_on(async move {
        let (receiver, batches) = Receiver::start(ReceiverConfig::ephemeral()).await.expect("start");
        let validate = env("LOAD_VALIDATE", 1) != 0;
        // Validation on every core: batches split by trace id over `LOAD_WORKERS` threads.
        let workers = env(
            "LOAD_WORKERS",
            std::thread::available_parallelism().map_or(2, |n| n.get()),
        )
        .max(1);
        let consumer = std::thread::spawn(move || {
            let loaded = genai_registry::embedded::load().expect("embedded registry");
            let validator = genai_validator::Validator::new(&loaded.registry);
            let limits = genai_validator::Limits::default().shard(workers);
            let sinks: Vec<Worker> = (0..workers)
                .map(|_| Worker {
                    session: validate
                        .then(|| genai_validator::Session::with_limits(&validator, limits)),
                    sink: CountingSink::default(),
                })
                .collect();
            let done = batches.blocking_drain_sharded(sinks);
            let mut sink = CountingSink::default();
            let (mut validated, mut findings) = (0u64, 0u64);
            for w in done {
                sink.batches += w.sink.batches;
                sink.spans += w.sink.spans;
                if let Some(session) = w.session {
                    let report = session.finish();
                    validated += report.validated().spans as u64;
                    let l = report.level_counts();
                    findings += (l.violation + l.improvement + l.information) as u64;
                }
            }
            (sink, validated, findings)
        });
        let sampling = Arc::new(AtomicBool::new(true));
        let sampler = {
            let sampling = sampling.clone();
            std::thread::spawn(move || {
                let mut samples = Vec::new();
                while sampling.load(Ordering::Relaxed) {
                    samples.push(proc_status("VmRSS:"));
                    std::thread::sleep(Duration::from_millis(250));
                }
                samples
            })
        };
        let rss_before = proc_status("VmRSS:");
        let start = Instant::now();
        let mut tasks = Vec::new();
        for c in 0..clients {
            let grpc = c % 2 == 1;
            let addr = if grpc { receiver.grpc_addr() } else { receiver.http_addr() }.expect("addr");
            // Distinct bodies (their own trace ids), cycled: traces open, complete and are
            // evicted in the session windows as in a real stream.
            let bodies: Vec<Bytes> = (0..BODIES_PER_CLIENT)
                .map(|k| Bytes::from(request(batch, (c * BODIES_PER_CLIENT + k) as u64 + 1)))
                .collect();
            tasks.push(tokio::spawn(client(addr, grpc, bodies, requests_per_client)));
        }
        let mut latencies = Vec::new();
        let mut retries = 0;
        for t in tasks {
            let (l, r) = t.await.expect("client task");
            latencies.extend(l);
            retries += r;
        }
        let exported = start.elapsed();
        let counters = receiver.stats().clone();
        let stats = receiver.shutdown().await;
        let (sink, validated, findings) = tokio::task::spawn_blocking(move || consumer.join().expect("consumer"))
            .await
            .expect("join");
        let elapsed = start.elapsed();
        sampling.store(false, Ordering::Relaxed);
        let samples = sampler.join().expect("sampler");

        latencies.sort();
        let pct = |p: f64| latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)];
        let third = samples.len() / 3;
        let mid = samples.get(third).copied().unwrap_or(0);
        let late = samples.get(samples.len().saturating_sub(2)).copied().unwrap_or(0);
        println!(
            "load: validation {} on {workers} workers, {findings} findings",
            if validate { "on" } else { "off" }
        );
        println!("load: {clients} clients (half HTTP/1.1 protobuf, half gRPC), {batch} spans/request, {sent} spans");
        println!(
            "load: exported in {:.2} s, all delivered in {:.2} s: {:.0} spans/s ({} retries after 503/UNAVAILABLE)",
            exported.as_secs_f64(),
            elapsed.as_secs_f64(),
            sent as f64 / elapsed.as_secs_f64(),
            retries
        );
        println!(
            "load: export latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            pct(0.50).as_secs_f64() * 1e3,
            pct(0.99).as_secs_f64() * 1e3,
            pct(1.0).as_secs_f64() * 1e3
        );
        println!(
            "load: VmRSS before {} KiB, at 1/3 {} KiB, near end {} KiB; VmHWM {} KiB",
            rss_before,
            mid,
            late,
            proc_status("VmHWM:")
        );
        assert_eq!(stats.spans_accepted, sent, "accepted = sent");
        assert_eq!(sink.spans, sent, "delivered = sent");
        if validate {
            assert_eq!(validated, sent, "validated = sent");
        }
        assert!(counters.snapshot().all_delivered());
    });
}

/// `/health` while the receiver decodes large requests: decoding runs off the async threads,
/// so the answer must not wait for it. Eight rounds of four concurrent ~4 MiB protobuf
/// requests; `/health` is asked every 20 ms meanwhile. Prints the latencies and the peak
/// memory; fails when one answer took a second or more.
/// ```text
/// cargo test --release -p genai-otlp-receiver --test load -- --ignored --nocapture health
/// ```
#[test]
#[ignore = "probe: run explicitly in release mode (see its docs)"]
fn health_stays_responsive_while_decoding() {
    let rt = runtime();
    rt.block_on(async move {
        let (receiver, batches) = Receiver::start(ReceiverConfig::ephemeral()).await.expect("start");
        let consumer = std::thread::spawn(move || {
            let mut sink = CountingSink::default();
            batches.blocking_drain_into(&mut sink);
            sink
        });
        let addr = receiver.http_addr().expect("http");
        let body = Bytes::from(request(20_000, 7));
        println!("health: request body {} bytes", body.len());
        let done = Arc::new(AtomicBool::new(false));
        let probe = {
            let done = done.clone();
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                while !done.load(Ordering::Relaxed) {
                    let t = Instant::now();
                    let r = common::http1(addr, "GET", "/health", &[], "").await;
                    assert_eq!(r.status, StatusCode::OK);
                    latencies.push(t.elapsed());
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                latencies
            })
        };
        let mut statuses = Vec::new();
        for _ in 0..8 {
            let sends: Vec<_> = (0..4)
                .map(|_| {
                    let body = body.clone();
                    tokio::spawn(async move {
                        common::http1(
                            addr,
                            "POST",
                            "/v1/traces",
                            &[("content-type", "application/x-protobuf")],
                            body,
                        )
                        .await
                        .status
                    })
                })
                .collect();
            for s in sends {
                statuses.push(s.await.expect("send"));
            }
        }
        done.store(true, Ordering::Relaxed);
        let mut latencies = probe.await.expect("probe");
        receiver.shutdown().await;
        let sink = tokio::task::spawn_blocking(move || consumer.join().expect("consumer"))
            .await
            .expect("join");
        latencies.sort();
        let pct = |p: f64| latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)];
        let ok = statuses.iter().filter(|s| **s == StatusCode::OK).count();
        println!(
            "health: {} probes during {} requests ({ok} accepted, {} spans delivered): p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms; VmHWM {} KiB",
            latencies.len(),
            statuses.len(),
            sink.spans,
            pct(0.5).as_secs_f64() * 1e3,
            pct(0.99).as_secs_f64() * 1e3,
            pct(1.0).as_secs_f64() * 1e3,
            proc_status("VmHWM:")
        );
        assert!(pct(1.0) < Duration::from_secs(1), "a /health answer took {:?}", pct(1.0));
    });
}
