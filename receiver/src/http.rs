//! OTLP/HTTP: `POST /v1/{traces,logs,metrics}` with protobuf or JSON bodies, plus `GET /health`
//! and `POST /stop` (which needs the access token or a same-origin request).
//!
//! Answers follow the OTLP/HTTP specification: 200 with an `Export*ServiceResponse` in the
//! request's content type (with a partial success when items were refused or there is a
//! warning); failures with a `google.rpc.Status` body in that content type: 400 for malformed
//! requests, 408 for a body that does not arrive in time, 413 for oversized ones, 415 for a
//! missing or unknown media type or encoding, 503 with `Retry-After` when the queue or the
//! in-flight budget is full (the only retryable refusal); 401 / 403 for requests the access
//! policy refuses.

use std::sync::Arc;

use bytes::Bytes;
use genai_validator::Signal;
use hyper::body::Incoming;
use hyper::header::{CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE, HeaderValue, RETRY_AFTER};
use hyper::{Method, Request, Response, StatusCode};

use crate::access::Denied;
use crate::batch::Transport;
use crate::body::ResponseBody;
use crate::ingest::{Accepted, Budget, Listener, Received, Refused, count, ingest, read_body};
use crate::stats::Refusal;

const PROTOBUF: &str = "application/x-protobuf";
const JSON: &str = "application/json";

/// gRPC status codes used in `google.rpc.Status` bodies and gRPC trailers.
pub(crate) mod code {
    pub(crate) const INVALID_ARGUMENT: i32 = 3;
    pub(crate) const DEADLINE_EXCEEDED: i32 = 4;
    pub(crate) const PERMISSION_DENIED: i32 = 7;
    pub(crate) const RESOURCE_EXHAUSTED: i32 = 8;
    pub(crate) const UNIMPLEMENTED: i32 = 12;
    pub(crate) const INTERNAL: i32 = 13;
    pub(crate) const UNAVAILABLE: i32 = 14;
    pub(crate) const UNAUTHENTICATED: i32 = 16;
}

/// The gRPC status code for a refusal.
pub(crate) fn grpc_code(refusal: Refusal) -> i32 {
    match refusal {
        Refusal::Malformed => code::INVALID_ARGUMENT,
        Refusal::TooLarge => code::RESOURCE_EXHAUSTED,
        Refusal::Busy => code::UNAVAILABLE,
        Refusal::Unsupported => code::UNIMPLEMENTED,
        Refusal::Timeout => code::DEADLINE_EXCEEDED,
        Refusal::Denied => code::PERMISSION_DENIED,
    }
}

/// The signal of an OTLP/HTTP path.
fn signal_of(path: &str) -> Option<Signal> {
    match path.trim_end_matches('/') {
        "/v1/traces" => Some(Signal::Traces),
        "/v1/logs" => Some(Signal::Logs),
        "/v1/metrics" => Some(Signal::Metrics),
        _ => None,
    }
}

/// Handles one OTLP/HTTP (non-gRPC) request.
pub(crate) async fn handle(
    listener: Arc<Listener>,
    req: Request<Incoming>,
) -> Response<ResponseBody> {
    let path = req.uri().path();
    let health = path == "/health" || path == "/health/";
    let shared = &listener.shared;
    if let Err(denied) = shared.access.check(req.headers(), listener.local, health) {
        shared.stats.record_refused(Refusal::Denied, 0);
        return denied_response(denied);
    }
    if health {
        return match *req.method() {
            Method::GET | Method::HEAD => text(StatusCode::OK, "ok\n"),
            _ => text(StatusCode::METHOD_NOT_ALLOWED, "use GET\n"),
        };
    }
    if path == "/stop" {
        if req.method() != Method::POST {
            return text(StatusCode::METHOD_NOT_ALLOWED, "use POST\n");
        }
        if !shared
            .access
            .may_change_state(req.headers(), listener.local)
        {
            shared.stats.record_refused(Refusal::Denied, 0);
            return denied_response(Denied::NoToken);
        }
        shared.request_stop();
        return text(StatusCode::OK, "stopping\n");
    }
    let Some(signal) = signal_of(path) else {
        if let Some(routes) = listener.shared.routes.clone() {
            // A page route may take a while (a page over 10,000 traces, or taking in what
            // arrived since the last look): off the runtime's threads, so that OTLP requests
            // and `/health` are never held by it.
            return match tokio::task::spawn_blocking(move || routes.answer(&req)).await {
                Ok(response) => response.map(ResponseBody::routed),
                Err(_) => text(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "the page's handler failed\n",
                ),
            };
        }
        return text(
            StatusCode::NOT_FOUND,
            "not found: OTLP/HTTP endpoints are POST /v1/traces, /v1/logs, /v1/metrics\n",
        );
    };
    if req.method() != Method::POST {
        return text(StatusCode::METHOD_NOT_ALLOWED, "use POST\n");
    }
    let stats = &listener.shared.stats;
    let request = stats.begin_request();
    let transport = match media_type(&req) {
        Some(t) => t,
        None => {
            let refused = count(
                stats,
                Refused::new(
                    Refusal::Unsupported,
                    format!("missing or unsupported Content-Type: use {PROTOBUF} or {JSON}"),
                ),
            );
            return failure(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                Transport::HttpProtobuf,
                &refused,
            );
        }
    };
    match receive(&listener, req, request, signal, transport).await {
        Ok(accepted) => success(transport, signal, &accepted),
        Err(refused) => {
            let refused = count(stats, refused);
            let status = match refused.refusal {
                Refusal::Malformed => StatusCode::BAD_REQUEST,
                Refusal::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
                Refusal::Busy => StatusCode::SERVICE_UNAVAILABLE,
                Refusal::Unsupported => StatusCode::UNSUPPORTED_MEDIA_TYPE,
                Refusal::Timeout => StatusCode::REQUEST_TIMEOUT,
                Refusal::Denied => StatusCode::FORBIDDEN,
            };
            failure(status, transport, &refused)
        }
    }
}

/// 401 (no token) or 403 (cross-origin), as plain text: the client is not an exporter.
pub(crate) fn denied_response(denied: Denied) -> Response<ResponseBody> {
    let status = match denied {
        Denied::CrossOrigin => StatusCode::FORBIDDEN,
        Denied::NoToken => StatusCode::UNAUTHORIZED,
    };
    let mut res = Response::new(ResponseBody::full(format!("{}\n", denied.reason())));
    *res.status_mut() = status;
    res.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    if denied == Denied::NoToken {
        res.headers_mut().insert(
            hyper::header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer"),
        );
    }
    res
}

async fn receive(
    listener: &Arc<Listener>,
    req: Request<Incoming>,
    request: u64,
    signal: Signal,
    transport: Transport,
) -> Result<Accepted, Refused> {
    let limit = listener.shared.max_request_bytes;
    let gzip = match req.headers().get(CONTENT_ENCODING).map(HeaderValue::to_str) {
        None => false,
        Some(Ok(v)) if v.trim().eq_ignore_ascii_case("identity") || v.trim().is_empty() => false,
        Some(Ok(v)) if v.trim().eq_ignore_ascii_case("gzip") => true,
        Some(other) => {
            return Err(Refused::new(
                Refusal::Unsupported,
                format!(
                    "unsupported Content-Encoding {:?}: use gzip or none",
                    other.unwrap_or("<not text>")
                ),
            ));
        }
    };
    let declared = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(Refused::too_large(limit));
    }
    let mut budget = Budget::new(&listener.shared);
    // Reserve what the client announced before reading it.
    if let Some(n) = declared {
        budget.resize(n as usize)?;
    }
    let body = read_body(&listener.shared, req.into_body(), limit, &mut budget).await?;
    let received = Received {
        request,
        signal,
        transport,
        body,
        gzip,
        budget,
    };
    ingest(listener, received).await
}

/// Protobuf or JSON from `Content-Type` (parameters ignored); a missing type is refused (a
/// body of unknown type is not guessed at).
fn media_type(req: &Request<Incoming>) -> Option<Transport> {
    let value = req.headers().get(CONTENT_TYPE)?;
    let value = value.to_str().ok()?;
    let essence = value.split(';').next().unwrap_or("").trim();
    if essence.eq_ignore_ascii_case(PROTOBUF)
        || essence.eq_ignore_ascii_case("application/protobuf")
    {
        Some(Transport::HttpProtobuf)
    } else if essence.eq_ignore_ascii_case(JSON) {
        Some(Transport::HttpJson)
    } else {
        None
    }
}

fn content_type(transport: Transport) -> &'static str {
    match transport {
        Transport::HttpJson => JSON,
        _ => PROTOBUF,
    }
}

fn text(status: StatusCode, body: &'static str) -> Response<ResponseBody> {
    let mut res = Response::new(ResponseBody::full(Bytes::from_static(body.as_bytes())));
    *res.status_mut() = status;
    res.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    res
}

fn with_type(status: StatusCode, transport: Transport, body: Vec<u8>) -> Response<ResponseBody> {
    let mut res = Response::new(ResponseBody::full(body));
    *res.status_mut() = status;
    res.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static(content_type(transport)),
    );
    res
}

fn success(transport: Transport, signal: Signal, accepted: &Accepted) -> Response<ResponseBody> {
    let (rejected, message) = (accepted.rejected, accepted.message.as_str());
    let body = match transport {
        Transport::HttpJson => crate::grpc::export_response_json(signal, rejected, message),
        _ => crate::grpc::export_response(signal, rejected, message),
    };
    with_type(StatusCode::OK, transport, body)
}

fn failure(status: StatusCode, transport: Transport, refused: &Refused) -> Response<ResponseBody> {
    let code = grpc_code(refused.refusal);
    let body = match transport {
        Transport::HttpJson => {
            let json = serde_json_string(&refused.reason);
            format!("{{\"code\":{code},\"message\":{json}}}").into_bytes()
        }
        _ => rpc_status(code, &refused.reason),
    };
    let mut res = with_type(status, transport, body);
    if refused.refusal == Refusal::Busy {
        res.headers_mut()
            .insert(RETRY_AFTER, HeaderValue::from_static("1"));
    }
    res
}

/// A protobuf `google.rpc.Status { code, message }`.
fn rpc_status(code: i32, message: &str) -> Vec<u8> {
    let mut buf = Vec::with_capacity(message.len() + 8);
    prost::encoding::int32::encode(1, &code, &mut buf);
    prost::encoding::string::encode(2, &message.to_owned(), &mut buf);
    buf
}

/// A JSON string literal.
pub(crate) fn serde_json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_strings_are_escaped() {
        assert_eq!(serde_json_string("a\"b\\c\n\u{1}"), r#""a\"b\\c\n\u0001""#);
    }

    #[test]
    fn paths_map_to_signals() {
        assert_eq!(signal_of("/v1/traces"), Some(Signal::Traces));
        assert_eq!(signal_of("/v1/logs/"), Some(Signal::Logs));
        assert_eq!(signal_of("/v1/metrics"), Some(Signal::Metrics));
        assert_eq!(signal_of("/v1/other"), None);
    }

    #[test]
    fn rpc_status_encodes_code_and_message() {
        assert_eq!(rpc_status(3, "x"), vec![0x08, 3, 0x12, 1, b'x']);
    }
}
