//! OTLP/JSON decoding: the specification's examples and hand-written fixtures.

use std::path::PathBuf;

use genai_validator::otlp::{DecodeError, decode_json, decode_logs_json, decode_traces_json};
use genai_validator::telemetry::{
    MetricKind, PointValue, SpanId, SpanKind, Status, Temporality, TraceId, Value,
};

fn data(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn trace_id(hex: &str) -> TraceId {
    TraceId::from_hex(hex).expect("valid test id")
}

fn span_id(hex: &str) -> SpanId {
    SpanId::from_hex(hex).expect("valid test id")
}

#[test]
fn spec_trace_example() {
    let t = decode_traces_json(&data("otlp-examples/trace.json")).expect("decodes");
    assert_eq!(t.spans.len(), 1);
    let s = &t.spans[0];
    // Uppercase hex is accepted (ids are case-insensitive).
    assert_eq!(s.trace_id, trace_id("5b8efff798038103d269b633813fc60c"));
    assert_eq!(s.span_id, span_id("eee19b7ec3c1b174"));
    assert_eq!(s.parent_span_id, Some(span_id("eee19b7ec3c1b173")));
    assert_eq!(s.name, "I'm a server span");
    assert_eq!(s.kind, SpanKind::Server);
    assert_eq!(s.start_time_unix_nano, 1_544_712_660_000_000_000);
    assert_eq!(s.end_time_unix_nano, 1_544_712_661_000_000_000);
    assert_eq!(
        s.attributes.get("my.span.attr"),
        Some(&Value::from("some value"))
    );
    assert_eq!(
        s.resource.attributes.get("service.name"),
        Some(&Value::from("my.service"))
    );
    assert_eq!(s.scope.name, "my.library");
    assert_eq!(s.scope.version.as_deref(), Some("1.0.0"));
    assert_eq!(
        s.scope.attributes.get("my.scope.attribute"),
        Some(&Value::from("some scope attribute"))
    );
    assert_eq!(s.status, Status::Unset);
}

#[test]
fn spec_logs_example() {
    let t = decode_logs_json(&data("otlp-examples/logs.json")).expect("decodes");
    assert_eq!(t.logs.len(), 1);
    let l = &t.logs[0];
    assert_eq!(l.severity_number, 10);
    assert_eq!(l.severity_text.as_deref(), Some("Information"));
    assert_eq!(
        l.trace_id,
        Some(trace_id("5b8efff798038103d269b633813fc60c"))
    );
    assert_eq!(l.span_id, Some(span_id("eee19b7ec3c1b174")));
    assert_eq!(l.body, Some(Value::from("Example log record")));
    let a = &l.attributes;
    assert_eq!(a.get("boolean.attribute"), Some(&Value::Bool(true)));
    assert_eq!(a.get("int.attribute"), Some(&Value::I64(10)));
    assert_eq!(a.get("double.attribute"), Some(&Value::F64(637.704)));
    assert_eq!(
        a.get("array.attribute"),
        Some(&Value::StringArray(vec!["many".into(), "values".into()]))
    );
    let map = a
        .get("map.attribute")
        .and_then(Value::as_kvlist)
        .expect("a map");
    assert_eq!(map.get("some.map.key"), Some(&Value::from("some value")));
}

#[test]
fn spec_events_example() {
    let t = decode_json(&data("otlp-examples/events.json")).expect("decodes");
    assert_eq!(t.logs.len(), 1);
    let l = &t.logs[0];
    assert_eq!(l.event_name.as_deref(), Some("browser.page_view"));
    let body = l
        .body
        .as_ref()
        .and_then(Value::as_kvlist)
        .expect("a map body");
    assert_eq!(body.get("type"), Some(&Value::I64(0)));
    assert!(body.get("url").and_then(Value::as_str).is_some());
}

#[test]
fn spec_metrics_example() {
    let t = decode_json(&data("otlp-examples/metrics.json")).expect("decodes");
    let kinds: Vec<_> = t
        .metrics
        .iter()
        .map(|m| (m.name.as_ref(), m.kind))
        .collect();
    assert_eq!(
        kinds,
        [
            (
                "my.counter",
                MetricKind::Sum {
                    monotonic: true,
                    temporality: Temporality::Delta
                }
            ),
            ("my.gauge", MetricKind::Gauge),
            (
                "my.histogram",
                MetricKind::Histogram {
                    temporality: Temporality::Delta
                }
            ),
            (
                "my.exponential.histogram",
                MetricKind::ExponentialHistogram {
                    temporality: Temporality::Delta
                }
            ),
        ]
    );
    assert_eq!(t.metrics[0].points[0].value, PointValue::F64(5.0));
    assert_eq!(t.metrics[0].unit, "1");
    assert_eq!(t.metrics[0].description, "I am a Counter");
    let PointValue::Histogram(h) = &t.metrics[2].points[0].value else {
        panic!("histogram point expected");
    };
    assert_eq!(
        (h.count, h.sum, h.min, h.max),
        (2, Some(2.0), Some(0.0), Some(2.0))
    );
    assert_eq!(h.bucket_counts, [1, 1]);
    assert_eq!(h.explicit_bounds, [1.0]);
    assert_eq!(
        t.metrics[2].points[0].attributes.get("my.histogram.attr"),
        Some(&Value::from("some value"))
    );
    let PointValue::ExponentialHistogram(e) = &t.metrics[3].points[0].value else {
        panic!("exponential histogram point expected");
    };
    assert_eq!((e.count, e.zero_count, e.scale), (3, 1, 0));
    assert_eq!(e.positive.offset, 1);
    assert_eq!(e.positive.bucket_counts, [0, 2]);
    assert!(e.negative.bucket_counts.is_empty());
}

#[test]
fn genai_fixture_every_value_type() {
    let t = decode_traces_json(&data("genai-traces.json")).expect("decodes");
    assert_eq!(t.spans.len(), 3);
    let [agent, chat, tool] = &t.spans[..] else {
        unreachable!()
    };
    assert_eq!(agent.parent_span_id, None);
    assert_eq!(agent.flags, 257);
    assert_eq!(agent.status, Status::Ok);
    assert_eq!(agent.kind, SpanKind::Internal);
    assert_eq!(agent.resource.dropped_attributes_count, 1);
    assert_eq!(
        agent.resource.attributes.get("service.instance.id"),
        Some(&Value::I64(7))
    );
    assert_eq!(
        agent.resource.schema_url.as_deref(),
        Some("https://opentelemetry.io/schemas/1.37.0")
    );
    assert_eq!(
        agent.scope.schema_url.as_deref(),
        Some("https://opentelemetry.io/schemas/1.37.0")
    );

    assert_eq!(chat.parent_span_id, Some(agent.span_id));
    assert_eq!(chat.trace_state, "vendor=1");
    assert_eq!(chat.kind, SpanKind::Client);
    // A 64-bit integer written as a JSON number.
    assert_eq!(chat.end_time_unix_nano, 1_700_000_001_100_000_000);
    assert_eq!(
        chat.status,
        Status::Error {
            message: "rate limited".into()
        }
    );
    let a = &chat.attributes;
    assert_eq!(a.len(), 13);
    assert_eq!(a.get("gen_ai.request.temperature"), Some(&Value::F64(0.2)));
    assert_eq!(a.get("gen_ai.usage.input_tokens"), Some(&Value::I64(1200)));
    assert_eq!(a.get("server.port"), Some(&Value::I64(443)));
    assert_eq!(a.get("gen_ai.request.stream"), Some(&Value::Bool(false)));
    assert_eq!(
        a.get("gen_ai.response.finish_reasons")
            .map(Value::type_name),
        Some("string[]")
    );
    assert_eq!(
        a.get("gen_ai.request.stop_sequences"),
        Some(&Value::Array(vec![]))
    );
    assert_eq!(a.get("raw.payload"), Some(&Value::Bytes(b"hello".to_vec())));
    assert_eq!(
        a.get("mixed"),
        Some(&Value::Array(vec![Value::I64(1), Value::from("two")]))
    );
    let map = a.get("map").and_then(Value::as_kvlist).expect("map");
    assert_eq!(map.get("inner"), Some(&Value::F64(f64::INFINITY)));
    assert_eq!(a.get("empty"), Some(&Value::Empty));
    assert_eq!(chat.events.len(), 1);
    assert_eq!(
        chat.events[0].name,
        "gen_ai.client.inference.operation.details"
    );
    assert_eq!(chat.events[0].time_unix_nano, 1_700_000_000_500_000_000);
    assert_eq!(chat.links.len(), 1);
    assert_eq!(
        chat.links[0].trace_id,
        trace_id("4bf92f3577b34da6a3ce929d0e0e4736")
    );
    assert_eq!(chat.links[0].flags, 1);
    assert_eq!(
        chat.links[0].attributes.get("link.reason"),
        Some(&Value::from("retry"))
    );

    // Unknown fields are ignored.
    assert_eq!(tool.dropped_events_count, 2);
    assert_eq!(tool.name, "execute_tool get_weather");
}

#[test]
fn snake_case_enum_names_and_nulls() {
    let t = decode_json(&data("snake-case-logs.json")).expect("decodes");
    assert_eq!(t.logs.len(), 1);
    let l = &t.logs[0];
    assert_eq!(l.time_unix_nano, 1_544_712_660_300_000_000);
    assert_eq!(l.observed_time_unix_nano, 1_544_712_660_300_000_001);
    assert_eq!(l.severity_number, 13);
    assert_eq!(
        l.event_name.as_deref(),
        Some("gen_ai.client.inference.operation.details")
    );
    assert_eq!(
        l.trace_id,
        Some(trace_id("5b8efff798038103d269b633813fc60c"))
    );
    assert_eq!(l.dropped_attributes_count, 3);
    assert_eq!(l.flags, 1);
    assert_eq!(l.scope.version, None);
    assert_eq!(
        l.resource.attributes.get("service.name"),
        Some(&Value::from("legacy-writer"))
    );
    let body = l
        .body
        .as_ref()
        .and_then(Value::as_kvlist)
        .expect("map body");
    assert_eq!(body.get("n"), Some(&Value::I64(-5)));
    assert_eq!(
        l.attributes.get("flags"),
        Some(&Value::BoolArray(vec![true, false]))
    );
    let Some(Value::F64Array(ratios)) = l.attributes.get("ratios") else {
        panic!("double array expected");
    };
    assert_eq!(ratios[0], 0.5);
    assert!(ratios[1].is_nan());
}

#[test]
fn signal_specific_decoders_ignore_other_signals() {
    let logs = data("otlp-examples/logs.json");
    let t = decode_traces_json(&logs).expect("a traces request with only unknown fields");
    assert!(t.is_empty());
    assert_eq!(decode_traces_json(b"{}"), Ok(Default::default()));
}

#[test]
fn unknown_signal_is_an_error() {
    assert_eq!(
        decode_json(br#"{"foo": 1}"#),
        Err(DecodeError::UnknownSignal)
    );
}

fn json_error(bytes: &[u8]) -> (u64, u64, String) {
    match decode_json(bytes) {
        Err(DecodeError::Json {
            line,
            column,
            reason,
        }) => (line, column, reason),
        other => panic!("expected a JSON error, got {other:?}"),
    }
}

#[test]
fn invalid_ids_are_located_errors() {
    let (line, _, reason) = json_error(
        b"{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[\n{\"traceId\":\"abc\"}]}]}]}",
    );
    assert_eq!(line, 2);
    assert!(reason.contains("invalid trace id \"abc\""), "{reason}");

    // Neither hex nor base64 of the right length: say what is expected.
    let (_, _, reason) = json_error(
        br#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"spanId":"7q2rcWkgMzE=xx"}]}]}]}"#,
    );
    assert!(reason.contains("base64 characters"), "{reason}");
}

#[test]
fn wrong_types_are_errors() {
    let (_, _, reason) = json_error(
        br#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"startTimeUnixNano":"soon"}]}]}]}"#,
    );
    assert!(reason.contains("decimal integer"), "{reason}");
    let (_, _, reason) = json_error(
        br#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"kind":"SPAN_KIND_NOPE"}]}]}]}"#,
    );
    assert!(reason.contains("unknown span kind"), "{reason}");
    let (_, _, reason) = json_error(br#"{"resourceSpans":{}}"#);
    assert!(reason.contains("invalid type"), "{reason}");
}

#[test]
fn enum_names_and_numbers_as_strings() {
    let t = decode_json(
        br#"{"resourceSpans":[{"scopeSpans":[{"spans":[
            {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174",
             "kind":"SPAN_KIND_CONSUMER","status":{"code":"STATUS_CODE_ERROR"},"flags":"1"}]}]}]}"#,
    )
    .expect("decodes");
    assert_eq!(t.spans[0].kind, SpanKind::Consumer);
    assert!(t.spans[0].status.is_error());
    assert_eq!(t.spans[0].flags, 1);
}

#[test]
fn bytes_that_are_not_utf8_are_a_located_error() {
    // Inside a string value, on the second line, seventh byte.
    let (line, column, reason) =
        json_error(b"{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[\n{\"n\":\"\xff\"}]}]}]}");
    assert_eq!((line, column), (2, 7));
    assert_eq!(reason, "invalid UTF-8");
    // A truncated multi-byte character at the very end.
    let (line, column, _) = json_error(b"{\"resourceSpans\":[]}\xe2\x82");
    assert_eq!((line, column), (1, 21));
}
