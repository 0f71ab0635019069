//! Regression tests of issue 13's decoder and input items: decode amplification (1), bytes in
//! content (4), JSON Lines with a broken first line (10), base64 ids (13), empty files (15).

use genai_validator::input::{Format, InputErrorKind, LoadOptions, load_bytes};
use genai_validator::otlp::{
    DecodeError, DecodeLimits, Encoding, Signal, count_protobuf_elements, decode_json,
    decode_request_into,
};
use genai_validator::telemetry::{Origin, Source, Value};
use genai_validator::{FindingId, Level, Telemetry, Validator, embedded_registry};
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span};
use prost::Message;

fn limits(max_elements: usize) -> DecodeLimits {
    DecodeLimits { max_elements }
}

/// `n` empty spans: 2 bytes each in protobuf.
fn empty_spans_protobuf(n: usize) -> Vec<u8> {
    ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            scope_spans: vec![ScopeSpans {
                spans: vec![Span::default(); n],
                ..Default::default()
            }],
            ..Default::default()
        }],
    }
    .encode_to_vec()
}

fn empty_spans_json(n: usize) -> Vec<u8> {
    let spans = vec!["{}"; n].join(",");
    format!(r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{spans}]}}]}}]}}"#).into_bytes()
}

#[test]
fn protobuf_amplification_is_refused_before_decoding() {
    let body = empty_spans_protobuf(10_000);
    assert!(body.len() < 20_100, "2 bytes per span");
    let mut out = Telemetry::new();
    let err = decode_request_into(
        &body,
        Encoding::Protobuf,
        Signal::Traces,
        &limits(5_000),
        &Origin::default(),
        &mut out,
    )
    .expect_err("too many elements");
    assert_eq!(err, DecodeError::TooManyElements { limit: 5_000 });
    assert!(out.is_empty());
    assert_eq!(
        count_protobuf_elements(&body, Signal::Traces, 100_000),
        Ok(10_002)
    );
    // Within the limit: decoded.
    let decoded = decode_request_into(
        &body,
        Encoding::Protobuf,
        Signal::Traces,
        &limits(20_000),
        &Origin::default(),
        &mut out,
    )
    .expect("decodes");
    assert_eq!(decoded.items, 10_000);
    assert_eq!(out.spans.len(), 10_000);
}

#[test]
fn json_amplification_is_refused_while_decoding() {
    let body = empty_spans_json(10_000);
    let mut out = Telemetry::new();
    let err = decode_request_into(
        &body,
        Encoding::Json,
        Signal::Traces,
        &limits(5_000),
        &Origin::default(),
        &mut out,
    )
    .expect_err("too many elements");
    assert_eq!(err, DecodeError::TooManyElements { limit: 5_000 });
    assert!(out.is_empty());
    // Attributes count too.
    let attrs = vec![r#"{"key":"k"}"#; 100].join(",");
    let body = format!(
        r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{{"attributes":[{attrs}]}}]}}]}}]}}"#
    );
    let err = decode_request_into(
        body.as_bytes(),
        Encoding::Json,
        Signal::Traces,
        &limits(50),
        &Origin::default(),
        &mut out,
    )
    .expect_err("too many attributes");
    assert!(matches!(err, DecodeError::TooManyElements { .. }), "{err}");
    // The budget does not leak into later, unlimited decodes on this thread.
    assert_eq!(
        decode_json(&empty_spans_json(20_000))
            .expect("ok")
            .spans
            .len(),
        20_000
    );
}

#[test]
fn bad_items_are_rejected_one_by_one_in_a_receiver_decode() {
    let good = |i: u8| Span {
        trace_id: vec![1; 16],
        span_id: vec![i; 8],
        name: "ok".into(),
        ..Default::default()
    };
    let bad = Span {
        trace_id: vec![1; 15],
        span_id: vec![9; 8],
        ..Default::default()
    };
    let body = ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            scope_spans: vec![ScopeSpans {
                spans: vec![good(1), bad, good(2)],
                ..Default::default()
            }],
            ..Default::default()
        }],
    }
    .encode_to_vec();
    let mut out = Telemetry::new();
    let decoded = decode_request_into(
        &body,
        Encoding::Protobuf,
        Signal::Traces,
        &DecodeLimits::default(),
        &Origin::default(),
        &mut out,
    )
    .expect("accepted");
    assert_eq!((decoded.items, decoded.rejected), (2, 1));
    let why = decoded.rejection.expect("reason").to_string();
    assert!(
        why.contains("spans[1].trace_id") && why.contains("15"),
        "{why}"
    );
    // Files stay strict: the request is an error, located.
    assert!(genai_validator::decode_traces_protobuf(&body).is_err());
}

const BASE64_SPANS: &str = r#"{"resourceSpans":[{"resource":{"attributes":[
  {"key":"service.name","value":{"stringValue":"py-agent"}}]},
  "scopeSpans":[{"scope":{"name":"opentelemetry.instrumentation.openai"},"spans":[
  {"traceId":"AQIDBAUGBwgJCgsMDQ4PEA==","spanId":"AQIDBAUGBwg=","name":"chat gpt-4o","kind":3,
   "attributes":[{"key":"gen_ai.operation.name","value":{"stringValue":"chat"}}]},
  {"traceId":"AQIDBAUGBwgJCgsMDQ4PEA","spanId":"AQIDBAUGBwk","parentSpanId":"AQIDBAUGBwg=",
   "name":"chat gpt-4o","kind":3}]}]}]}"#;

#[test]
fn base64_ids_are_accepted_and_reported_once_per_scope() {
    let t = decode_json(BASE64_SPANS.as_bytes()).expect("base64 ids accepted");
    assert_eq!(t.spans.len(), 2);
    assert_eq!(
        t.spans[0].trace_id.to_string(),
        "0102030405060708090a0b0c0d0e0f10"
    );
    assert_eq!(t.spans[1].span_id.to_string(), "0102030405060709");
    assert_eq!(t.spans[0].origin.base64_ids, 2);
    assert_eq!(t.spans[1].origin.base64_ids, 0);

    let registry = embedded_registry();
    let report = Validator::new(registry).validate(&t);
    let found: Vec<_> = report
        .spans
        .iter()
        .flat_map(|s| &s.findings)
        .filter(|f| f.id == FindingId::NonHexId)
        .collect();
    assert_eq!(found.len(), 1, "one finding per scope of a request");
    assert_eq!(found[0].level, Level::Violation);
    assert!(
        found[0].message.contains("py-agent")
            && found[0]
                .message
                .contains("opentelemetry.instrumentation.openai")
            && found[0].message.contains("2 spans"),
        "{}",
        found[0].message
    );

    // The receiver's decode says so too (for the partial-success warning).
    let mut out = Telemetry::new();
    let decoded = decode_request_into(
        BASE64_SPANS.as_bytes(),
        Encoding::Json,
        Signal::Traces,
        &DecodeLimits::default(),
        &Origin::default(),
        &mut out,
    )
    .expect("decodes");
    assert_eq!(
        decoded.base64_ids,
        vec![(
            "py-agent".to_owned(),
            "opentelemetry.instrumentation.openai".to_owned(),
            2
        )]
    );
    // Hex ids raise nothing.
    let hex = BASE64_SPANS
        .replace(
            "AQIDBAUGBwgJCgsMDQ4PEA==",
            "0102030405060708090a0b0c0d0e0f10",
        )
        .replace("AQIDBAUGBwgJCgsMDQ4PEA", "0102030405060708090a0b0c0d0e0f10")
        .replace("AQIDBAUGBwg=", "0102030405060708")
        .replace("AQIDBAUGBwk", "0102030405060709");
    let t = decode_json(hex.as_bytes()).expect("hex");
    assert!(t.spans.iter().all(|s| s.origin.base64_ids == 0));
}

#[test]
fn captured_bytes_are_not_expanded() {
    use genai_validator::content::{ContentKind, to_json};
    let big = Value::Bytes(vec![7u8; 4 << 20]);
    let err = ContentKind::InputMessages
        .check(&big)
        .expect_err("bytes are not messages");
    assert!(err.contains("bytes"), "{err}");
    // Nested bytes become one base64 string, not an array of numbers.
    let nested = Value::from_array(vec![Value::Bytes(vec![0, 1, 2])]);
    assert_eq!(to_json(&nested).expect("json"), serde_json::json!(["AAEC"]));
}

fn jsonl_line(name: &str) -> String {
    format!(
        r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708","name":"{name}"}}]}}]}}]}}"#
    )
}

#[test]
fn a_json_file_with_a_broken_first_line_keeps_its_other_lines() {
    let mut text = String::from("{\"resourceSpans\": [ broken\n");
    for i in 0..999 {
        text.push_str(&jsonl_line(&format!("s{i}")));
        text.push('\n');
    }
    let options = LoadOptions {
        format: Some(Format::Json),
        signal: None,
    };
    let (t, errors) = load_bytes(text.as_bytes(), Source::Unknown, &options);
    assert_eq!(t.spans.len(), 999);
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].origin.line, Some(1));
    // A pretty-printed document with an error stays one document error.
    let pretty = "{\n  \"resourceSpans\": [\n    {\"scopeSpans\": []},\n    oops\n  ]\n}\n";
    let (t, errors) = load_bytes(pretty.as_bytes(), Source::Unknown, &options);
    assert!(t.is_empty());
    assert_eq!(errors.len(), 1);
}

#[test]
fn empty_and_nul_files_say_they_hold_nothing() {
    for (bytes, why) in [
        (&b""[..], "empty"),
        (&[0u8; 4096][..], "NUL"),
        (&b" \n\t\n"[..], "blank"),
        (&br#"{"resourceSpans":[]}"#[..], "no spans"),
    ] {
        for format in [None, Some(Format::Json), Some(Format::Protobuf)] {
            let options = LoadOptions {
                format,
                signal: None,
            };
            let (t, errors) = load_bytes(bytes, Source::Unknown, &options);
            if format == Some(Format::Protobuf) && why == "no spans" {
                continue; // JSON text read as protobuf is an error of its own.
            }
            assert!(t.is_empty());
            assert_eq!(errors.len(), 1, "{why} {format:?}: {errors:?}");
            assert!(
                matches!(errors[0].kind, InputErrorKind::Empty(_)),
                "{why}: {:?}",
                errors[0].kind
            );
            assert!(errors[0].to_string().contains("holds no telemetry"));
        }
    }
}
