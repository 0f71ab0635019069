//! Regression tests of issue 13's receiver items: decode amplification and the in-flight
//! budget (1), body deadlines and connection limits (3), access control (8), partial success
//! and `warn_in_response`, base64 ids over OTLP/HTTP (13).

mod common;

use std::time::Duration;

use common::{Harness, TRACES_GRPC, frame, grpc_raw, http1};
use genai_otlp_receiver::{Receiver, ReceiverConfig};
use hyper::StatusCode;
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span};
use prost::Message;
use std::io::{Read, Write};
use std::net::TcpStream;

const PROTO: (&str, &str) = ("content-type", "application/x-protobuf");
const JSON: (&str, &str) = ("content-type", "application/json");

fn spans_request(spans: Vec<Span>) -> Vec<u8> {
    ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            scope_spans: vec![ScopeSpans {
                spans,
                ..Default::default()
            }],
            ..Default::default()
        }],
    }
    .encode_to_vec()
}

fn span(i: u8) -> Span {
    Span {
        trace_id: vec![1; 16],
        span_id: vec![i; 8],
        name: "chat gpt-4o".into(),
        kind: 3,
        ..Default::default()
    }
}

#[tokio::test]
async fn a_missing_content_type_is_415() {
    let h = Harness::start().await;
    let r = http1(
        h.http(),
        "POST",
        "/v1/traces",
        &[],
        spans_request(vec![span(1)]),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(r.text().contains("Content-Type"), "{}", r.text());
    let (stats, batches) = h.finish().await;
    assert_eq!(stats.unsupported, 1);
    assert!(batches.is_empty());
}

#[tokio::test]
async fn cross_origin_requests_are_refused_on_both_ports() {
    let h = Harness::start().await;
    let body = spans_request(vec![span(1)]);
    let evil = ("origin", "https://evil.example");
    for addr in [h.http(), h.grpc()] {
        let r = http1(addr, "POST", "/v1/traces", &[PROTO, evil], body.clone()).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{addr}");
        let r = http1(addr, "POST", "/stop", &[evil], "").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{addr}");
        let site = ("sec-fetch-site", "cross-site");
        let r = http1(addr, "POST", "/v1/traces", &[PROTO, site], body.clone()).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{addr}");
    }
    // gRPC carrying a browser origin: PERMISSION_DENIED (7).
    let r = grpc_raw(h.grpc(), TRACES_GRPC, &[evil], frame(false, &body)).await;
    assert_eq!(r.grpc_status().as_deref(), Some("7"));
    // The receiver's own page may stop it without the token.
    let own = format!("http://{}", h.http());
    let r = http1(h.http(), "POST", "/stop", &[("origin", own.as_str())], "").await;
    assert_eq!(r.status, StatusCode::OK);
    let (stats, batches) = h.finish().await;
    assert!(batches.is_empty());
    assert_eq!(stats.denied, 7);
}

#[tokio::test]
async fn the_token_may_be_given_and_is_checked() {
    let config = ReceiverConfig {
        token: Some("a-fixed-token-for-tests".into()),
        ..ReceiverConfig::ephemeral()
    };
    let h = Harness::with(config).await;
    assert_eq!(h.receiver.token(), "a-fixed-token-for-tests");
    let r = http1(
        h.http(),
        "POST",
        "/stop",
        &[("x-semconv-token", "wrong-token-wrong-token")],
        "",
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = http1(
        h.http(),
        "POST",
        "/stop",
        &[("x-semconv-token", "a-fixed-token-for-tests")],
        "",
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    h.finish().await;
    let short = ReceiverConfig {
        token: Some("short".into()),
        ..ReceiverConfig::ephemeral()
    };
    let err = Receiver::start(short).await.expect_err("short token");
    assert!(err.to_string().contains("token"), "{err}");
}

#[tokio::test]
async fn config_bounds_are_checked() {
    for config in [
        ReceiverConfig {
            queue_capacity: usize::MAX / 4,
            ..ReceiverConfig::ephemeral()
        },
        ReceiverConfig {
            max_connections: 0,
            ..ReceiverConfig::ephemeral()
        },
        ReceiverConfig {
            max_request_bytes: 2 << 30,
            max_bytes_in_flight: 1 << 30,
            ..ReceiverConfig::ephemeral()
        },
        ReceiverConfig {
            body_timeout: Duration::ZERO,
            ..ReceiverConfig::ephemeral()
        },
    ] {
        assert!(Receiver::start(config).await.is_err());
    }
}

#[tokio::test]
async fn amplifying_requests_are_413_before_decoding() {
    let config = ReceiverConfig {
        max_request_elements: 1_000,
        ..ReceiverConfig::ephemeral()
    };
    let h = Harness::with(config).await;
    let empty = spans_request(vec![Span::default(); 5_000]);
    let r = http1(h.http(), "POST", "/v1/traces", &[PROTO], empty.clone()).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(r.text().contains("1000 elements"), "{}", r.text());
    let r = grpc_raw(h.grpc(), TRACES_GRPC, &[], frame(false, &empty)).await;
    assert_eq!(r.grpc_status().as_deref(), Some("8"));
    let spans = vec!["{}"; 5_000].join(",");
    let json = format!(r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{spans}]}}]}}]}}"#);
    let r = http1(h.http(), "POST", "/v1/traces", &[JSON], json).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    let (stats, batches) = h.finish().await;
    assert_eq!(stats.too_large, 3);
    assert!(batches.is_empty());
}

/// A consumer that does not read: the in-flight budget (not the request count) fills first.
#[tokio::test]
async fn a_full_budget_is_503_and_retryable() {
    let config = ReceiverConfig {
        max_bytes_in_flight: 256 << 10,
        max_request_bytes: 128 << 10,
        queue_capacity: 1000,
        ..ReceiverConfig::ephemeral()
    };
    let (receiver, mut batches) = Receiver::start(config).await.expect("start");
    let http = receiver.http_addr().expect("http");
    let body = spans_request((0..200).map(|i| span(i as u8)).collect());
    let mut ok = 0;
    let mut busy = None;
    for _ in 0..100 {
        let r = http1(http, "POST", "/v1/traces", &[PROTO], body.clone()).await;
        if r.status == StatusCode::OK {
            ok += 1;
        } else {
            busy = Some(r);
            break;
        }
    }
    let busy = busy.expect("the budget runs out before 100 requests");
    assert_eq!(busy.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(busy.headers["retry-after"], "1");
    assert!(busy.text().contains("busy"), "{}", busy.text());
    assert!(ok >= 1);
    // Taking (and dropping) batches frees the budget.
    while batches.try_recv().is_some() {}
    let r = http1(http, "POST", "/v1/traces", &[PROTO], body).await;
    assert_eq!(r.status, StatusCode::OK);
    receiver.shutdown().await;
    while batches.recv().await.is_some() {}
}

#[tokio::test]
async fn a_body_that_does_not_arrive_times_out() {
    let config = ReceiverConfig {
        body_timeout: Duration::from_millis(300),
        ..ReceiverConfig::ephemeral()
    };
    let h = Harness::with(config).await;
    let addr = h.http();
    let answer = tokio::task::spawn_blocking(move || {
        let mut stream = TcpStream::connect(addr).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        let head = format!(
            "POST /v1/traces HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/x-protobuf\r\ncontent-length: 100\r\n\r\nx"
        );
        stream.write_all(head.as_bytes()).expect("write");
        let mut answer = Vec::new();
        let mut buf = [0u8; 1024];
        loop {
            match stream.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    answer.extend_from_slice(&buf[..n]);
                    if answer.windows(4).any(|w| w == b"\r\n\r\n") {
                        break;
                    }
                }
            }
        }
        answer
    })
    .await
    .expect("client");
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    let (stats, _) = h.finish().await;
    assert_eq!(stats.timed_out, 1);
}

#[tokio::test]
async fn connections_beyond_the_limit_are_closed() {
    let config = ReceiverConfig {
        max_connections: 2,
        ..ReceiverConfig::ephemeral()
    };
    let h = Harness::with(config).await;
    let addr = h.http();
    let (a, b, refused) = tokio::task::spawn_blocking(move || {
        let a = TcpStream::connect(addr).expect("connect");
        let b = TcpStream::connect(addr).expect("connect");
        // Once both are accepted, a third connection is closed by the receiver without a word.
        let mut refused = false;
        for _ in 0..25 {
            let mut c = TcpStream::connect(addr).expect("connect");
            c.set_read_timeout(Some(Duration::from_millis(200)))
                .expect("timeout");
            let mut buf = [0u8; 1];
            match c.read(&mut buf) {
                Ok(0) => {
                    refused = true;
                    break;
                }
                Err(e)
                    if e.kind() != std::io::ErrorKind::WouldBlock
                        && e.kind() != std::io::ErrorKind::TimedOut =>
                {
                    refused = true;
                    break;
                }
                _ => {}
            }
        }
        (a, b, refused)
    })
    .await
    .expect("client");
    assert!(refused, "a third connection is closed");
    drop((a, b));
    // Slots free again once the receiver has seen the two connections close.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let r = http1(h.http(), "GET", "/health", &[], "").await;
    assert_eq!(r.status, StatusCode::OK);
    let (stats, _) = h.finish().await;
    assert!(stats.connections_refused >= 1);
}

#[tokio::test]
async fn bad_items_are_a_partial_success() {
    let h = Harness::start().await;
    let bad = Span {
        trace_id: vec![1; 15],
        ..span(2)
    };
    let body = spans_request(vec![span(1), bad, span(3)]);
    let r = http1(h.http(), "POST", "/v1/traces", &[PROTO], body.clone()).await;
    assert_eq!(r.status, StatusCode::OK);
    let answer = ExportTraceServiceResponse::decode(&r.body[..]).expect("response");
    let partial = answer.partial_success.expect("partial success");
    assert_eq!(partial.rejected_spans, 1);
    assert!(
        partial.error_message.contains("trace_id"),
        "{}",
        partial.error_message
    );
    // The same over gRPC.
    let r = grpc_raw(h.grpc(), TRACES_GRPC, &[], frame(false, &body)).await;
    assert_eq!(r.grpc_status().as_deref(), Some("0"));
    let answer = ExportTraceServiceResponse::decode(&r.body[5..]).expect("response");
    assert_eq!(answer.partial_success.expect("partial").rejected_spans, 1);
    let (stats, batches) = h.finish().await;
    assert_eq!(stats.items_rejected, 2);
    assert_eq!(stats.spans_accepted, 4);
    assert_eq!(
        batches
            .iter()
            .map(|b| b.telemetry.spans.len())
            .sum::<usize>(),
        4
    );
}

#[tokio::test]
async fn base64_ids_are_accepted_with_a_warning() {
    let h = Harness::start().await;
    let json = r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"py-agent"}}]},
      "scopeSpans":[{"scope":{"name":"my.scope"},"spans":[{"traceId":"AQIDBAUGBwgJCgsMDQ4PEA==","spanId":"AQIDBAUGBwg=","name":"x"}]}]}]}"#;
    let r = http1(h.http(), "POST", "/v1/traces", &[JSON], json).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let body: serde_json::Value = serde_json::from_slice(&r.body).expect("json");
    assert_eq!(body["partialSuccess"]["rejectedSpans"], "0");
    let message = body["partialSuccess"]["errorMessage"]
        .as_str()
        .unwrap_or("");
    assert!(
        message.contains("base64") && message.contains("py-agent") && message.contains("my.scope"),
        "{message}"
    );
    let (_, batches) = h.finish().await;
    assert_eq!(batches[0].telemetry.spans[0].origin.base64_ids, 1);
}

#[tokio::test]
async fn warn_in_response_sends_the_consumers_summary() {
    let config = ReceiverConfig {
        warn_in_response: true,
        reply_timeout: Duration::from_millis(500),
        ..ReceiverConfig::ephemeral()
    };
    let (receiver, mut batches) = Receiver::start(config).await.expect("start");
    let http = receiver.http_addr().expect("http");
    let consumer = std::thread::spawn(move || {
        let mut held = Vec::new();
        let mut n = 0;
        while let Some(mut batch) = batches.blocking_recv() {
            assert!(batch.wants_answer());
            n += 1;
            if n == 1 {
                batch.answer("2 violations: 2 required_attribute_not_present");
            } else {
                held.push(batch); // never answered: the request must not wait for ever
            }
        }
        n
    });
    let body = spans_request(vec![span(1)]);
    let r = http1(http, "POST", "/v1/traces", &[PROTO], body.clone()).await;
    let answer = ExportTraceServiceResponse::decode(&r.body[..]).expect("response");
    let partial = answer.partial_success.expect("warning");
    assert_eq!(partial.rejected_spans, 0);
    assert_eq!(
        partial.error_message,
        "2 violations: 2 required_attribute_not_present"
    );
    let r = tokio::time::timeout(
        Duration::from_secs(10),
        http1(http, "POST", "/v1/traces", &[PROTO], body),
    )
    .await
    .expect("answered after the reply timeout");
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.is_empty(), "no summary: plain success");
    receiver.shutdown().await;
    let n = tokio::task::spawn_blocking(move || consumer.join().expect("consumer"))
        .await
        .expect("join");
    assert_eq!(n, 2);
}
