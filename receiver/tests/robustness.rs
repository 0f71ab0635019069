//! Malformed, oversized, compressed and unsupported requests, a full queue, health, stop and
//! graceful shutdown: each answered with the expected status, none crashing the receiver.

mod common;

use std::time::Duration;

use common::{Harness, TRACES_GRPC, frame, grpc_raw, gzip, http1};
use genai_otlp_receiver::{Receiver, ReceiverConfig};
use hyper::StatusCode;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value};
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span};
use prost::Message;

const PROTO: (&str, &str) = ("content-type", "application/x-protobuf");
const JSON: (&str, &str) = ("content-type", "application/json");

/// A protobuf export request with `n` chat spans.
fn request(n: usize) -> Vec<u8> {
    let span = |i: usize| Span {
        trace_id: vec![1; 16],
        span_id: (i as u64 + 1).to_be_bytes().to_vec(),
        name: "chat gpt-4o".into(),
        kind: 3,
        start_time_unix_nano: 1,
        end_time_unix_nano: 2,
        attributes: vec![KeyValue {
            key: "gen_ai.operation.name".into(),
            value: Some(AnyValue {
                value: Some(any_value::Value::StringValue("chat".into())),
            }),
            ..Default::default()
        }],
        ..Default::default()
    };
    ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            scope_spans: vec![ScopeSpans {
                spans: (0..n).map(span).collect(),
                ..Default::default()
            }],
            ..Default::default()
        }],
    }
    .encode_to_vec()
}

const JSON_REQUEST: &str = r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{
  "traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708",
  "name":"chat gpt-4o","kind":3,"startTimeUnixNano":"1","endTimeUnixNano":"2",
  "attributes":[{"key":"gen_ai.operation.name","value":{"stringValue":"chat"}}]}]}]}]}"#;

#[tokio::test]
async fn health_and_unknown_paths() {
    let h = Harness::start().await;
    let r = http1(h.http(), "GET", "/health", &[], "").await;
    assert_eq!(r.status, StatusCode::OK);
    let r = http1(h.http(), "GET", "/v1/traces", &[], "").await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    let r = http1(h.http(), "POST", "/v1/nothing", &[PROTO], "").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let (stats, _) = h.finish().await;
    assert_eq!(
        stats.requests, 0,
        "health and unknown paths are not export requests"
    );
}

#[tokio::test]
async fn protobuf_and_json_responses_use_the_request_type() {
    let h = Harness::start().await;
    let r = http1(h.http(), "POST", "/v1/traces", &[PROTO], request(3)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers["content-type"], "application/x-protobuf");
    assert!(
        r.body.is_empty(),
        "full success: empty ExportTraceServiceResponse"
    );
    let r = http1(h.http(), "POST", "/v1/traces", &[JSON], JSON_REQUEST).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers["content-type"], "application/json");
    assert_eq!(r.text(), "{}");
    let (stats, batches) = h.finish().await;
    assert_eq!(stats.spans_accepted, 4);
    assert_eq!(batches.len(), 2);
    assert!(stats.all_delivered());
}

#[tokio::test]
async fn malformed_bodies_are_400_with_a_reason() {
    let h = Harness::start().await;
    let r = http1(
        h.http(),
        "POST",
        "/v1/traces",
        &[PROTO],
        vec![0xff, 0xff, 0xff],
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.text().contains("invalid OTLP protobuf"), "{}", r.text());

    let r = http1(
        h.http(),
        "POST",
        "/v1/traces",
        &[JSON],
        "{\"resourceSpans\": [",
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.headers["content-type"], "application/json");
    let body: serde_json::Value = serde_json::from_slice(&r.body).expect("JSON Status");
    assert_eq!(body["code"], 3);
    assert!(
        body["message"].as_str().unwrap_or("").contains("line"),
        "{body}"
    );

    // A 15-byte trace id: well-formed JSON, invalid OTLP.
    let bad_id = JSON_REQUEST.replace("0102030405060708090a0b0c0d0e0f10", "0102");
    let r = http1(h.http(), "POST", "/v1/traces", &[JSON], bad_id).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);

    let r = http1(
        h.http(),
        "POST",
        "/v1/traces",
        &[PROTO, ("content-encoding", "gzip")],
        "not gzip",
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.text().contains("gzip"), "{}", r.text());

    let r = http1(
        h.http(),
        "POST",
        "/v1/traces",
        &[("content-type", "text/plain")],
        "x",
    )
    .await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let r = http1(
        h.http(),
        "POST",
        "/v1/traces",
        &[PROTO, ("content-encoding", "br")],
        "x",
    )
    .await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);

    // The receiver is still fine.
    let r = http1(h.http(), "POST", "/v1/traces", &[PROTO], request(1)).await;
    assert_eq!(r.status, StatusCode::OK);
    let (stats, _) = h.finish().await;
    assert_eq!(stats.malformed, 4);
    assert_eq!(stats.unsupported, 2);
    assert_eq!(stats.accepted, 1);
    assert_eq!(stats.spans_accepted, 1);
}

#[tokio::test]
async fn gzip_bodies_are_accepted() {
    let h = Harness::start().await;
    let r = http1(
        h.http(),
        "POST",
        "/v1/traces",
        &[PROTO, ("content-encoding", "gzip")],
        gzip(&request(5)),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let r = http1(
        h.http(),
        "POST",
        "/v1/traces",
        &[JSON, ("content-encoding", "gzip")],
        gzip(JSON_REQUEST.as_bytes()),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let (stats, _) = h.finish().await;
    assert_eq!(stats.spans_accepted, 6);
}

fn small_limit() -> ReceiverConfig {
    ReceiverConfig {
        max_request_bytes: 4096,
        ..ReceiverConfig::ephemeral()
    }
}

#[tokio::test]
async fn oversized_requests_are_413() {
    let h = Harness::with(small_limit()).await;
    let big = request(200);
    assert!(big.len() > 4096);
    let r = http1(h.http(), "POST", "/v1/traces", &[PROTO], big.clone()).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    // Small when compressed, too large once decompressed (a decompression bomb).
    let bomb = gzip(&vec![0u8; 512 << 10]);
    assert!(bomb.len() < 4096);
    let r = http1(
        h.http(),
        "POST",
        "/v1/traces",
        &[PROTO, ("content-encoding", "gzip")],
        bomb,
    )
    .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    // Over gRPC: RESOURCE_EXHAUSTED (8).
    let r = grpc_raw(h.grpc(), TRACES_GRPC, &[], frame(false, &big)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.grpc_status().as_deref(), Some("8"));
    let (stats, _) = h.finish().await;
    assert_eq!(stats.too_large, 3);
    assert_eq!(stats.accepted, 0);
}

#[tokio::test]
async fn grpc_errors_have_status_codes() {
    let h = Harness::start().await;
    // Accepted, gzip-compressed message.
    let r = grpc_raw(
        h.grpc(),
        TRACES_GRPC,
        &[("grpc-encoding", "gzip")],
        frame(true, &gzip(&request(2))),
    )
    .await;
    assert_eq!(
        r.grpc_status().as_deref(),
        Some("0"),
        "{}",
        r.grpc_message()
    );
    assert_eq!(&r.body[..], &[0, 0, 0, 0, 0], "one empty response message");
    // Malformed protobuf: INVALID_ARGUMENT (3) with a reason.
    let r = grpc_raw(h.grpc(), TRACES_GRPC, &[], frame(false, &[0xff, 0xff])).await;
    assert_eq!(r.grpc_status().as_deref(), Some("3"));
    assert!(
        r.grpc_message().contains("invalid OTLP protobuf"),
        "{}",
        r.grpc_message()
    );
    // Truncated frame.
    let r = grpc_raw(h.grpc(), TRACES_GRPC, &[], vec![0, 0, 0]).await;
    assert_eq!(r.grpc_status().as_deref(), Some("3"));
    // Compressed flag without an encoding: INTERNAL (13).
    let r = grpc_raw(h.grpc(), TRACES_GRPC, &[], frame(true, &request(1))).await;
    assert_eq!(r.grpc_status().as_deref(), Some("13"));
    // Unknown method and unknown encoding: UNIMPLEMENTED (12).
    let r = grpc_raw(h.grpc(), "/foo.Bar/Export", &[], frame(false, &[])).await;
    assert_eq!(r.grpc_status().as_deref(), Some("12"));
    let r = grpc_raw(
        h.grpc(),
        TRACES_GRPC,
        &[("grpc-encoding", "snappy")],
        frame(false, &[]),
    )
    .await;
    assert_eq!(r.grpc_status().as_deref(), Some("12"));
    let (stats, _) = h.finish().await;
    assert_eq!(stats.spans_accepted, 2);
    assert_eq!(stats.malformed, 3);
}

/// A consumer that does not read: the queue fills, and further requests get 503 / UNAVAILABLE.
#[tokio::test]
async fn full_queue_is_503_and_counted() {
    let config = ReceiverConfig {
        queue_capacity: 2,
        ..ReceiverConfig::ephemeral()
    };
    let (receiver, mut batches) = Receiver::start(config).await.expect("start");
    let http = receiver.http_addr().expect("http");
    let grpc = receiver.grpc_addr().expect("grpc");
    for _ in 0..2 {
        let r = http1(http, "POST", "/v1/traces", &[PROTO], request(10)).await;
        assert_eq!(r.status, StatusCode::OK);
    }
    let r = http1(http, "POST", "/v1/traces", &[PROTO], request(10)).await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(r.headers["retry-after"], "1");
    let r = grpc_raw(grpc, TRACES_GRPC, &[], frame(false, &request(10))).await;
    assert_eq!(r.grpc_status().as_deref(), Some("14"));
    let stats = receiver.stats().snapshot();
    assert_eq!(stats.busy, 2);
    assert_eq!(stats.items_refused_busy, 20);
    // Once the consumer reads, requests are accepted again.
    assert!(batches.try_recv().is_some());
    let r = http1(http, "POST", "/v1/traces", &[PROTO], request(10)).await;
    assert_eq!(r.status, StatusCode::OK);
    let stats = receiver.shutdown().await;
    let mut delivered = 1;
    while batches.recv().await.is_some() {
        delivered += 1;
    }
    assert_eq!(delivered, 3);
    assert_eq!(stats.spans_accepted, 30);
    assert_eq!(batches.stats().snapshot().spans_delivered, 30);
}

/// Everything accepted before shutdown reaches the consumer, including batches still queued
/// and requests in flight when shutdown began.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_delivers_everything_accepted() {
    let (receiver, batches) = Receiver::start(ReceiverConfig::ephemeral())
        .await
        .expect("start");
    let http = receiver.http_addr().expect("http");
    let mut clients = Vec::new();
    for _ in 0..8 {
        clients.push(tokio::spawn(async move {
            let mut ok = 0u64;
            for _ in 0..20 {
                let r = http1(http, "POST", "/v1/traces", &[PROTO], request(50)).await;
                if r.status == StatusCode::OK {
                    ok += 50;
                }
            }
            ok
        }));
    }
    // The consumer starts late: batches pile up in the queue meanwhile.
    tokio::time::sleep(Duration::from_millis(50)).await;
    let consumer = std::thread::spawn(move || {
        let mut sink = genai_otlp_receiver::CountingSink::default();
        batches.blocking_drain_into(&mut sink);
        sink
    });
    let mut acknowledged = 0;
    for c in clients {
        acknowledged += c.await.expect("client");
    }
    let stats = receiver.shutdown().await;
    let sink = tokio::task::spawn_blocking(move || consumer.join().expect("consumer"))
        .await
        .expect("join");
    assert_eq!(stats.spans_accepted, acknowledged);
    assert_eq!(sink.spans, acknowledged);
    assert_eq!(stats.spans_accepted + stats.items_refused_busy, 8 * 20 * 50);
}

#[tokio::test]
async fn post_stop_asks_the_owner_to_stop() {
    let h = Harness::start().await;
    // Without the token (and not from the receiver's own page): refused, nothing stops.
    let r = http1(h.http(), "POST", "/stop", &[], "").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let evil = [("origin", "http://evil.example")];
    let r = http1(h.http(), "POST", "/stop", &evil, "").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(
        tokio::time::timeout(Duration::from_millis(100), h.receiver.stop_requested())
            .await
            .is_err(),
        "refused requests do not stop the receiver"
    );
    let bearer = format!("Bearer {}", h.receiver.token());
    let r = http1(
        h.http(),
        "POST",
        "/stop",
        &[("authorization", bearer.as_str())],
        "",
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    tokio::time::timeout(Duration::from_secs(2), h.receiver.stop_requested())
        .await
        .expect("stop requested");
    h.finish().await;
}

#[tokio::test]
async fn ports_in_use_are_reported() {
    let h = Harness::start().await;
    let config = ReceiverConfig {
        http_port: Some(h.http().port()),
        grpc_port: None,
        ..ReceiverConfig::default()
    };
    let err = Receiver::start(config).await.expect_err("port in use");
    assert!(
        err.to_string().contains("cannot listen for OTLP/http"),
        "{err}"
    );
    h.finish().await;
}
