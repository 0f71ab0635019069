//! OTLP/gRPC: the `Export` methods of `TraceService`, `LogsService` and `MetricsService`,
//! framed by hand over hyper's HTTP/2 (unary calls: one length-prefixed message each way).
//!
//! Successful calls get an `Export*ServiceResponse` and `grpc-status: 0` in the trailers;
//! refusals are trailers-only responses with `grpc-status` (`INVALID_ARGUMENT`,
//! `RESOURCE_EXHAUSTED`, `UNAVAILABLE`, `UNIMPLEMENTED`, `INTERNAL`) and a percent-encoded
//! `grpc-message`. Requests compressed with `grpc-encoding: gzip` are accepted.

use std::sync::Arc;

use bytes::{BufMut, Bytes, BytesMut};
use genai_validator::Signal;
use hyper::body::Incoming;
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::{HeaderMap, Method, Request, Response};
use opentelemetry_proto::tonic::collector::logs::v1::{
    ExportLogsPartialSuccess, ExportLogsServiceResponse,
};
use opentelemetry_proto::tonic::collector::metrics::v1::{
    ExportMetricsPartialSuccess, ExportMetricsServiceResponse,
};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTracePartialSuccess, ExportTraceServiceResponse,
};
use prost::Message;

use crate::access::Denied;
use crate::batch::Transport;
use crate::body::ResponseBody;
use crate::http::{code, grpc_code, serde_json_string};
use crate::ingest::{Accepted, Budget, Listener, Received, Refused, count, ingest, read_body};
use crate::stats::Refusal;

/// Whether a request is a gRPC call (by its content type).
pub(crate) fn is_grpc(req: &Request<Incoming>) -> bool {
    req.headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/grpc"))
}

fn signal_of(path: &str) -> Option<Signal> {
    match path {
        "/opentelemetry.proto.collector.trace.v1.TraceService/Export" => Some(Signal::Traces),
        "/opentelemetry.proto.collector.logs.v1.LogsService/Export" => Some(Signal::Logs),
        "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export" => Some(Signal::Metrics),
        _ => None,
    }
}

/// Handles one gRPC call.
pub(crate) async fn handle(
    listener: Arc<Listener>,
    req: Request<Incoming>,
) -> Response<ResponseBody> {
    let shared = &listener.shared;
    if let Err(denied) = shared.access.check(req.headers(), listener.local, false) {
        shared.stats.record_refused(Refusal::Denied, 0);
        let code = match denied {
            Denied::CrossOrigin => code::PERMISSION_DENIED,
            Denied::NoToken => code::UNAUTHENTICATED,
        };
        return trailers_only(code, denied.reason());
    }
    let Some(signal) = signal_of(req.uri().path()) else {
        let msg = format!("unknown method {}", req.uri().path());
        return trailers_only(code::UNIMPLEMENTED, &msg);
    };
    if req.method() != Method::POST {
        return trailers_only(code::UNIMPLEMENTED, "gRPC calls use POST");
    }
    let stats = &listener.shared.stats;
    let request = stats.begin_request();
    match receive(&listener, req, request, signal).await {
        Ok(accepted) => {
            let mut trailers = HeaderMap::new();
            trailers.insert("grpc-status", HeaderValue::from_static("0"));
            let mut res = Response::new(ResponseBody::with_trailers(
                frame(&export_response(
                    signal,
                    accepted.rejected,
                    &accepted.message,
                )),
                trailers,
            ));
            grpc_headers(res.headers_mut());
            res
        }
        Err(refused) => {
            let refused = count(stats, refused);
            let code = match (refused.refusal, refused.reason.starts_with("compressed")) {
                (Refusal::Malformed, true) => code::INTERNAL,
                (r, _) => grpc_code(r),
            };
            trailers_only(code, &refused.reason)
        }
    }
}

async fn receive(
    listener: &Arc<Listener>,
    req: Request<Incoming>,
    request: u64,
    signal: Signal,
) -> Result<Accepted, Refused> {
    let limit = listener.shared.max_request_bytes;
    let gzip = match req.headers().get("grpc-encoding").map(HeaderValue::to_str) {
        None => false,
        Some(Ok("identity")) => false,
        Some(Ok("gzip")) => true,
        Some(other) => {
            return Err(Refused::new(
                Refusal::Unsupported,
                format!(
                    "unsupported grpc-encoding {:?}: use gzip or identity",
                    other.unwrap_or("<not text>")
                ),
            ));
        }
    };
    let mut budget = Budget::new(&listener.shared);
    let body = read_body(
        &listener.shared,
        req.into_body(),
        limit.saturating_add(5),
        &mut budget,
    )
    .await?;
    let (compressed, message) = unframe(&body, limit)?;
    if compressed && !gzip {
        return Err(Refused::new(
            Refusal::Malformed,
            "compressed message without a grpc-encoding header",
        ));
    }
    let start = body.len() - message.len();
    let received = Received {
        request,
        signal,
        transport: Transport::Grpc,
        body: body.slice(start..),
        gzip: compressed,
        budget,
    };
    ingest(listener, received).await
}

/// Splits the one length-prefixed message of a unary call.
pub(crate) fn unframe(body: &[u8], limit: usize) -> Result<(bool, &[u8]), Refused> {
    let malformed = |reason: String| Refused::new(Refusal::Malformed, reason);
    if body.len() < 5 {
        return Err(malformed(format!(
            "truncated gRPC frame: {} bytes, the prefix alone has 5",
            body.len()
        )));
    }
    let compressed = match body[0] {
        0 => false,
        1 => true,
        flag => return Err(malformed(format!("invalid gRPC compressed flag {flag}"))),
    };
    let len = u32::from_be_bytes([body[1], body[2], body[3], body[4]]) as usize;
    if len > limit {
        return Err(Refused::too_large(limit));
    }
    let rest = &body[5..];
    if rest.len() != len {
        return Err(malformed(format!(
            "gRPC frame announces {len} bytes but {} follow (a unary call has exactly one message)",
            rest.len()
        )));
    }
    Ok((compressed, rest))
}

fn frame(message: &[u8]) -> Bytes {
    let mut out = BytesMut::with_capacity(5 + message.len());
    out.put_u8(0);
    out.put_u32(message.len() as u32);
    out.put_slice(message);
    out.freeze()
}

fn grpc_headers(headers: &mut HeaderMap) {
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/grpc"));
    headers.insert(
        "grpc-accept-encoding",
        HeaderValue::from_static("gzip,identity"),
    );
}

/// A refusal: status in the headers, no body (a "trailers-only" response).
fn trailers_only(code: i32, message: &str) -> Response<ResponseBody> {
    let mut res = Response::new(ResponseBody::empty());
    let headers = res.headers_mut();
    grpc_headers(headers);
    headers.insert("grpc-status", HeaderValue::from(code));
    if let Ok(v) = HeaderValue::from_str(&percent_encode(message)) {
        headers.insert("grpc-message", v);
    }
    res
}

/// `grpc-message` encoding: printable ASCII except `%` as is, every other byte as `%XX`.
fn percent_encode(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    for b in message.bytes() {
        if (0x20..=0x7e).contains(&b) && b != b'%' {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A protobuf `Export*ServiceResponse`; `partial_success` is set only when something was
/// rejected or there is a message (as the OTLP specification asks).
pub(crate) fn export_response(signal: Signal, rejected: i64, message: &str) -> Vec<u8> {
    let partial = rejected != 0 || !message.is_empty();
    let error_message = message.to_owned();
    match signal {
        Signal::Traces => ExportTraceServiceResponse {
            partial_success: partial.then_some(ExportTracePartialSuccess {
                rejected_spans: rejected,
                error_message,
            }),
        }
        .encode_to_vec(),
        Signal::Logs => ExportLogsServiceResponse {
            partial_success: partial.then_some(ExportLogsPartialSuccess {
                rejected_log_records: rejected,
                error_message,
            }),
        }
        .encode_to_vec(),
        Signal::Metrics => ExportMetricsServiceResponse {
            partial_success: partial.then_some(ExportMetricsPartialSuccess {
                rejected_data_points: rejected,
                error_message,
            }),
        }
        .encode_to_vec(),
    }
}

/// The OTLP/JSON form of [`export_response`].
pub(crate) fn export_response_json(signal: Signal, rejected: i64, message: &str) -> Vec<u8> {
    if rejected == 0 && message.is_empty() {
        return b"{}".to_vec();
    }
    let field = match signal {
        Signal::Traces => "rejectedSpans",
        Signal::Logs => "rejectedLogRecords",
        Signal::Metrics => "rejectedDataPoints",
    };
    format!(
        "{{\"partialSuccess\":{{\"{field}\":\"{rejected}\",\"errorMessage\":{}}}}}",
        serde_json_string(message)
    )
    .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip() {
        let framed = frame(b"abc");
        assert_eq!(&framed[..], &[0, 0, 0, 0, 3, b'a', b'b', b'c']);
        let (compressed, msg) = unframe(&framed, 100).expect("valid frame");
        assert!(!compressed);
        assert_eq!(msg, b"abc");
    }

    #[test]
    fn bad_frames_are_refused() {
        assert_eq!(
            unframe(&[0, 0], 10).unwrap_err().refusal,
            Refusal::Malformed
        );
        assert_eq!(
            unframe(&[7, 0, 0, 0, 0], 10).unwrap_err().refusal,
            Refusal::Malformed
        );
        assert_eq!(
            unframe(&[0, 0, 0, 0, 9, 1], 10).unwrap_err().refusal,
            Refusal::Malformed
        );
        assert_eq!(
            unframe(&[0, 0, 0, 1, 0], 10).unwrap_err().refusal,
            Refusal::TooLarge
        );
    }

    #[test]
    fn messages_are_percent_encoded() {
        assert_eq!(percent_encode("50% ok\né"), "50%25 ok%0A%C3%A9");
    }

    #[test]
    fn partial_success_only_when_needed() {
        assert!(export_response(Signal::Traces, 0, "").is_empty());
        let bytes = export_response(Signal::Logs, 2, "bad");
        let decoded = ExportLogsServiceResponse::decode(&bytes[..]).expect("decodes");
        let partial = decoded.partial_success.expect("partial success");
        assert_eq!(partial.rejected_log_records, 2);
        assert_eq!(partial.error_message, "bad");
        assert_eq!(export_response_json(Signal::Metrics, 0, ""), b"{}");
        assert_eq!(
            String::from_utf8(export_response_json(Signal::Traces, 1, "x")).expect("utf8"),
            r#"{"partialSuccess":{"rejectedSpans":"1","errorMessage":"x"}}"#
        );
    }
}
