//! Property tests: no decoder panics, whatever the bytes; reported offsets stay in bounds.

use genai_validator::input::{Format, LoadOptions, load_bytes};
use genai_validator::otlp::{
    DecodeError, Signal, decode_json, decode_json_into, decode_logs_json, decode_logs_protobuf,
    decode_metrics_json, decode_metrics_protobuf, decode_protobuf_detect_into, decode_traces_json,
    decode_traces_protobuf,
};
use genai_validator::telemetry::{Origin, Source, Telemetry};
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{AnyValue, ArrayValue, KeyValue, any_value};
use opentelemetry_proto::tonic::logs::v1::{LogRecord, ResourceLogs, ScopeLogs};
use opentelemetry_proto::tonic::metrics::v1::{
    Histogram, HistogramDataPoint, Metric, ResourceMetrics, ScopeMetrics, metric,
};
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span, span};
use proptest::prelude::*;
use prost::Message;

fn attrs() -> Vec<KeyValue> {
    let value = |v| Some(AnyValue { value: Some(v) });
    vec![
        KeyValue {
            key: "gen_ai.operation.name".into(),
            value: value(any_value::Value::StringValue("chat".into())),
            ..Default::default()
        },
        KeyValue {
            key: "n".into(),
            value: value(any_value::Value::IntValue(-3)),
            ..Default::default()
        },
        KeyValue {
            key: "list".into(),
            value: value(any_value::Value::ArrayValue(ArrayValue {
                values: vec![AnyValue {
                    value: Some(any_value::Value::DoubleValue(1.5)),
                }],
            })),
            ..Default::default()
        },
    ]
}

fn seeds() -> Vec<Vec<u8>> {
    let traces = ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            scope_spans: vec![ScopeSpans {
                spans: vec![
                    Span {
                        trace_id: vec![1; 16],
                        span_id: vec![2; 8],
                        parent_span_id: vec![3; 8],
                        name: "chat gpt-4o".into(),
                        kind: 3,
                        start_time_unix_nano: 1,
                        end_time_unix_nano: 2,
                        attributes: attrs(),
                        events: vec![span::Event {
                            name: "e".into(),
                            attributes: attrs(),
                            ..Default::default()
                        }],
                        links: vec![span::Link {
                            trace_id: vec![4; 16],
                            span_id: vec![5; 8],
                            ..Default::default()
                        }],
                        ..Default::default()
                    };
                    2
                ],
                ..Default::default()
            }],
            ..Default::default()
        }],
    };
    let logs = ExportLogsServiceRequest {
        resource_logs: vec![ResourceLogs {
            scope_logs: vec![ScopeLogs {
                log_records: vec![LogRecord {
                    time_unix_nano: 1,
                    event_name: "gen_ai.evt".into(),
                    body: Some(AnyValue {
                        value: Some(any_value::Value::StringValue("hi".into())),
                    }),
                    attributes: attrs(),
                    trace_id: vec![1; 16],
                    span_id: vec![2; 8],
                    ..Default::default()
                }],
                ..Default::default()
            }],
            ..Default::default()
        }],
    };
    let metrics = ExportMetricsServiceRequest {
        resource_metrics: vec![ResourceMetrics {
            scope_metrics: vec![ScopeMetrics {
                metrics: vec![Metric {
                    name: "gen_ai.client.token.usage".into(),
                    unit: "{token}".into(),
                    data: Some(metric::Data::Histogram(Histogram {
                        data_points: vec![HistogramDataPoint {
                            attributes: attrs(),
                            count: 2,
                            bucket_counts: vec![1, 1],
                            explicit_bounds: vec![1.0],
                            ..Default::default()
                        }],
                        aggregation_temporality: 2,
                    })),
                    ..Default::default()
                }],
                ..Default::default()
            }],
            ..Default::default()
        }],
    };
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/");
    let mut seeds = vec![
        traces.encode_to_vec(),
        logs.encode_to_vec(),
        metrics.encode_to_vec(),
    ];
    for name in [
        "genai-traces.json",
        "collector-traces.jsonl",
        "snake-case-logs.json",
        "otlp-examples/metrics.json",
    ] {
        seeds.push(std::fs::read(format!("{data}{name}")).expect("fixture"));
    }
    seeds
}

/// Runs every decoder on `bytes`, checking that reported offsets are within the input.
fn decode_everything(bytes: &[u8]) {
    let len = bytes.len() as u64;
    let in_bounds = |result: &Result<Telemetry, DecodeError>| {
        if let Err(DecodeError::Protobuf { offset, .. }) = result {
            assert!(*offset <= len, "offset {offset} past {len}");
        }
    };
    in_bounds(&decode_traces_protobuf(bytes));
    in_bounds(&decode_logs_protobuf(bytes));
    in_bounds(&decode_metrics_protobuf(bytes));
    let _ = decode_traces_json(bytes);
    let _ = decode_logs_json(bytes);
    let _ = decode_metrics_json(bytes);
    let _ = decode_json(bytes);
    let mut out = Telemetry::new();
    let _ = decode_protobuf_detect_into(bytes, None, &Origin::default(), &mut out);
    let _ = decode_json_into(bytes, Some(Signal::Logs), &Origin::default(), &mut out);
    for format in [
        None,
        Some(Format::Json),
        Some(Format::JsonLines),
        Some(Format::Protobuf),
    ] {
        let options = LoadOptions {
            format,
            signal: None,
        };
        let (_, errors) = load_bytes(bytes, Source::Unknown, &options);
        for e in errors {
            assert!(e.origin.offset.is_none_or(|o| o <= len));
            let _ = e.to_string();
        }
    }
}

#[derive(Clone, Debug)]
enum Mutation {
    Set(usize, u8),
    Delete(usize),
    Insert(usize, u8),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Set(i, b)),
        any::<usize>().prop_map(Mutation::Delete),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Insert(i, b)),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn mutate(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        let n = bytes.len().max(1);
        match *m {
            Mutation::Set(i, b) if !bytes.is_empty() => bytes[i % n] = b,
            Mutation::Delete(i) if !bytes.is_empty() => {
                bytes.remove(i % n);
            }
            Mutation::Insert(i, b) => bytes.insert(i % (bytes.len() + 1), b),
            Mutation::Truncate(i) => bytes.truncate(i % n),
            _ => {}
        }
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..1024)) {
        decode_everything(&bytes);
    }

    #[test]
    fn json_with_arbitrary_values(value in "[ -~]{0,40}") {
        // Valid JSON structure, arbitrary text where numbers, ids and enums go.
        let quoted = serde_json::to_string(&value).expect("string");
        for template in [
            r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":V,"kind":V,"startTimeUnixNano":V}]}]}]}"#,
            r#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"severityNumber":V,"body":{"intValue":V}}]}]}]}"#,
            r#"{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"sum":{"aggregationTemporality":V,"dataPoints":[{"asDouble":V}]}}]}]}]}"#,
        ] {
            decode_everything(template.replace('V', &quoted).as_bytes());
            decode_everything(template.replace('V', &value).as_bytes());
        }
    }
}

proptest! {
    // Mutations of valid requests reach far deeper than random bytes: run more of them.
    #![proptest_config(ProptestConfig { cases: 1024, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_valid_inputs(seed in 0..7usize, mutations in prop::collection::vec(mutation(), 1..8)) {
        let seeds = seeds();
        decode_everything(&mutate(seeds[seed % seeds.len()].clone(), &mutations));
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let depth = 100_000;
    let json = format!(
        r#"{{"resourceLogs":[{{"scopeLogs":[{{"logRecords":[{{"body":{}{}}}]}}]}}]}}"#,
        r#"{"arrayValue":{"values":["#.repeat(depth),
        "]}}".repeat(depth)
    );
    assert!(decode_json(json.as_bytes()).is_err());

    let mut value = AnyValue {
        value: Some(any_value::Value::IntValue(1)),
    };
    for _ in 0..200 {
        value = AnyValue {
            value: Some(any_value::Value::ArrayValue(ArrayValue {
                values: vec![value],
            })),
        };
    }
    let request = ExportLogsServiceRequest {
        resource_logs: vec![ResourceLogs {
            scope_logs: vec![ScopeLogs {
                log_records: vec![LogRecord {
                    body: Some(value),
                    ..Default::default()
                }],
                ..Default::default()
            }],
            ..Default::default()
        }],
    };
    assert!(matches!(
        decode_logs_protobuf(&request.encode_to_vec()),
        Err(DecodeError::Protobuf { .. })
    ));
}
