//! OTLP protobuf decoding: round trips of requests built with the `opentelemetry-proto` types,
//! and located errors for broken bytes.

use genai_validator::otlp::{
    DecodeError, Signal, decode_logs_protobuf, decode_metrics_protobuf,
    decode_protobuf_detect_into, decode_traces_protobuf,
};
use genai_validator::telemetry::{
    MetricKind, Origin, PointValue, SpanId, SpanKind, Status, Telemetry, Temporality, TraceId,
    Value,
};
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{
    AnyValue, ArrayValue, InstrumentationScope, KeyValue, KeyValueList, any_value,
};
use opentelemetry_proto::tonic::logs::v1::{LogRecord, ResourceLogs, ScopeLogs};
use opentelemetry_proto::tonic::metrics::v1::{
    self as pm, Metric, NumberDataPoint, ResourceMetrics, ScopeMetrics, metric,
};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{
    ResourceSpans, ScopeSpans, Span, Status as PStatus, span,
};
use prost::Message;

const TRACE: [u8; 16] = [
    0x0a, 0xf7, 0x65, 0x19, 0x16, 0xcd, 0x43, 0xdd, 0x84, 0x48, 0xeb, 0x21, 0x1c, 0x80, 0x31, 0x9c,
];
const SPAN: [u8; 8] = [0xb7, 0xad, 0x6b, 0x71, 0x69, 0x20, 0x33, 0x31];
const PARENT: [u8; 8] = [0, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7];

fn kv(key: &str, value: any_value::Value) -> KeyValue {
    KeyValue {
        key: key.to_owned(),
        value: Some(AnyValue { value: Some(value) }),
        ..Default::default()
    }
}

fn string(s: &str) -> any_value::Value {
    any_value::Value::StringValue(s.to_owned())
}

fn resource() -> Option<Resource> {
    Some(Resource {
        attributes: vec![kv("service.name", string("travel-agent"))],
        dropped_attributes_count: 2,
        ..Default::default()
    })
}

fn scope() -> Option<InstrumentationScope> {
    Some(InstrumentationScope {
        name: "genai-semconv".to_owned(),
        version: "0.1.0".to_owned(),
        ..Default::default()
    })
}

fn chat_span(name: &str) -> Span {
    Span {
        trace_id: TRACE.to_vec(),
        span_id: SPAN.to_vec(),
        parent_span_id: PARENT.to_vec(),
        trace_state: "vendor=1".to_owned(),
        flags: 0x301,
        name: name.to_owned(),
        kind: span::SpanKind::Client as i32,
        start_time_unix_nano: 1_700_000_000_000_000_000,
        end_time_unix_nano: 1_700_000_001_000_000_000,
        attributes: vec![
            kv("gen_ai.operation.name", string("chat")),
            kv(
                "gen_ai.usage.input_tokens",
                any_value::Value::IntValue(1200),
            ),
            kv(
                "gen_ai.request.temperature",
                any_value::Value::DoubleValue(0.5),
            ),
            kv("gen_ai.request.stream", any_value::Value::BoolValue(true)),
            kv("blob", any_value::Value::BytesValue(vec![1, 2, 3])),
            kv(
                "gen_ai.response.finish_reasons",
                any_value::Value::ArrayValue(ArrayValue {
                    values: vec![AnyValue {
                        value: Some(string("stop")),
                    }],
                }),
            ),
            kv(
                "ints",
                any_value::Value::ArrayValue(ArrayValue {
                    values: vec![
                        AnyValue {
                            value: Some(any_value::Value::IntValue(1)),
                        },
                        AnyValue {
                            value: Some(any_value::Value::IntValue(2)),
                        },
                    ],
                }),
            ),
            kv(
                "map",
                any_value::Value::KvlistValue(KeyValueList {
                    values: vec![kv("inner", any_value::Value::BoolValue(false))],
                }),
            ),
            KeyValue {
                key: "empty".to_owned(),
                value: None,
                ..Default::default()
            },
        ],
        dropped_attributes_count: 1,
        events: vec![span::Event {
            time_unix_nano: 1_700_000_000_500_000_000,
            name: "gen_ai.client.inference.operation.details".to_owned(),
            attributes: vec![kv("gen_ai.output.type", string("text"))],
            dropped_attributes_count: 0,
        }],
        dropped_events_count: 3,
        links: vec![span::Link {
            trace_id: TRACE.to_vec(),
            span_id: PARENT.to_vec(),
            trace_state: String::new(),
            attributes: vec![kv("link.reason", string("retry"))],
            dropped_attributes_count: 0,
            flags: 1,
        }],
        dropped_links_count: 4,
        status: Some(PStatus {
            message: "rate limited".to_owned(),
            code: 2,
        }),
    }
}

fn traces_request(spans: Vec<Span>) -> ExportTraceServiceRequest {
    ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            resource: resource(),
            scope_spans: vec![ScopeSpans {
                scope: scope(),
                spans,
                schema_url: "https://opentelemetry.io/schemas/1.37.0".to_owned(),
            }],
            schema_url: "https://example.com/resource-schema".to_owned(),
        }],
    }
}

#[test]
fn traces_round_trip() {
    let bytes = traces_request(vec![chat_span("chat gpt-4o")]).encode_to_vec();
    let t = decode_traces_protobuf(&bytes).expect("decodes");
    assert_eq!((t.spans.len(), t.logs.len(), t.metrics.len()), (1, 0, 0));
    let s = &t.spans[0];
    assert_eq!(s.trace_id, TraceId::from_bytes(TRACE));
    assert_eq!(s.span_id, SpanId::from_bytes(SPAN));
    assert_eq!(s.parent_span_id, Some(SpanId::from_bytes(PARENT)));
    assert_eq!(s.trace_state, "vendor=1");
    assert_eq!(s.flags, 0x301);
    assert_eq!(s.name, "chat gpt-4o");
    assert_eq!(s.kind, SpanKind::Client);
    assert_eq!(s.start_time_unix_nano, 1_700_000_000_000_000_000);
    assert_eq!(s.end_time_unix_nano, 1_700_000_001_000_000_000);
    assert_eq!(
        s.status,
        Status::Error {
            message: "rate limited".into()
        }
    );
    let a = &s.attributes;
    assert_eq!(a.len(), 9);
    assert_eq!(a.get("gen_ai.operation.name"), Some(&Value::from("chat")));
    assert_eq!(a.get("gen_ai.usage.input_tokens"), Some(&Value::I64(1200)));
    assert_eq!(a.get("gen_ai.request.temperature"), Some(&Value::F64(0.5)));
    assert_eq!(a.get("gen_ai.request.stream"), Some(&Value::Bool(true)));
    assert_eq!(a.get("blob"), Some(&Value::Bytes(vec![1, 2, 3])));
    assert_eq!(
        a.get("gen_ai.response.finish_reasons"),
        Some(&Value::StringArray(vec!["stop".into()]))
    );
    assert_eq!(a.get("ints"), Some(&Value::I64Array(vec![1, 2])));
    assert_eq!(
        a.get("map")
            .and_then(Value::as_kvlist)
            .and_then(|m| m.get("inner")),
        Some(&Value::Bool(false))
    );
    assert_eq!(a.get("empty"), Some(&Value::Empty));
    assert_eq!(s.dropped_attributes_count, 1);
    assert_eq!(s.events.len(), 1);
    assert_eq!(
        s.events[0].name,
        "gen_ai.client.inference.operation.details"
    );
    assert_eq!(
        s.events[0].attributes.get("gen_ai.output.type"),
        Some(&Value::from("text"))
    );
    assert_eq!(s.dropped_events_count, 3);
    assert_eq!(s.links.len(), 1);
    assert_eq!(s.links[0].span_id, SpanId::from_bytes(PARENT));
    assert_eq!(s.links[0].flags, 1);
    assert_eq!(s.dropped_links_count, 4);
    assert_eq!(
        s.resource.attributes.get("service.name"),
        Some(&Value::from("travel-agent"))
    );
    assert_eq!(s.resource.dropped_attributes_count, 2);
    assert_eq!(
        s.resource.schema_url.as_deref(),
        Some("https://example.com/resource-schema")
    );
    assert_eq!(s.scope.name, "genai-semconv");
    assert_eq!(s.scope.version.as_deref(), Some("0.1.0"));
    assert_eq!(
        s.scope.schema_url.as_deref(),
        Some("https://opentelemetry.io/schemas/1.37.0")
    );
}

#[test]
fn logs_round_trip() {
    let request = ExportLogsServiceRequest {
        resource_logs: vec![ResourceLogs {
            resource: resource(),
            scope_logs: vec![ScopeLogs {
                scope: scope(),
                log_records: vec![
                    LogRecord {
                        time_unix_nano: 5,
                        observed_time_unix_nano: 6,
                        severity_number: 9,
                        severity_text: "INFO".to_owned(),
                        body: Some(AnyValue {
                            value: Some(any_value::Value::KvlistValue(KeyValueList {
                                values: vec![kv("role", string("user"))],
                            })),
                        }),
                        attributes: vec![kv("gen_ai.provider.name", string("openai"))],
                        dropped_attributes_count: 1,
                        flags: 1,
                        trace_id: TRACE.to_vec(),
                        span_id: SPAN.to_vec(),
                        event_name: "gen_ai.client.inference.operation.details".to_owned(),
                    },
                    LogRecord {
                        body: None,
                        ..Default::default()
                    },
                ],
                schema_url: String::new(),
            }],
            schema_url: String::new(),
        }],
    };
    let t = decode_logs_protobuf(&request.encode_to_vec()).expect("decodes");
    assert_eq!(t.logs.len(), 2);
    let l = &t.logs[0];
    assert_eq!(
        l.event_name.as_deref(),
        Some("gen_ai.client.inference.operation.details")
    );
    assert_eq!((l.time_unix_nano, l.observed_time_unix_nano), (5, 6));
    assert_eq!(l.severity_number, 9);
    assert_eq!(l.severity_text.as_deref(), Some("INFO"));
    let body = l
        .body
        .as_ref()
        .and_then(Value::as_kvlist)
        .expect("map body");
    assert_eq!(body.get("role"), Some(&Value::from("user")));
    assert_eq!(l.trace_id, Some(TraceId::from_bytes(TRACE)));
    assert_eq!(l.span_id, Some(SpanId::from_bytes(SPAN)));
    assert_eq!((l.flags, l.dropped_attributes_count), (1, 1));
    let empty = &t.logs[1];
    assert_eq!(
        (empty.event_name.as_ref(), empty.body.as_ref()),
        (None, None)
    );
    assert_eq!((empty.trace_id, empty.span_id), (None, None));
    assert_eq!(empty.scope.schema_url, None);
}

fn number_point(value: pm::number_data_point::Value) -> NumberDataPoint {
    NumberDataPoint {
        attributes: vec![kv("gen_ai.token.type", string("input"))],
        start_time_unix_nano: 1,
        time_unix_nano: 2,
        value: Some(value),
        ..Default::default()
    }
}

fn metrics_request() -> ExportMetricsServiceRequest {
    use pm::number_data_point::Value as N;
    let metric = |name: &str, data| Metric {
        name: name.to_owned(),
        description: format!("{name} description"),
        unit: "{token}".to_owned(),
        metadata: vec![],
        data: Some(data),
    };
    ExportMetricsServiceRequest {
        resource_metrics: vec![ResourceMetrics {
            resource: resource(),
            scope_metrics: vec![ScopeMetrics {
                scope: scope(),
                metrics: vec![
                    metric(
                        "sum",
                        metric::Data::Sum(pm::Sum {
                            data_points: vec![number_point(N::AsInt(7))],
                            aggregation_temporality: 2,
                            is_monotonic: true,
                        }),
                    ),
                    metric(
                        "gauge",
                        metric::Data::Gauge(pm::Gauge {
                            data_points: vec![number_point(N::AsDouble(0.25))],
                        }),
                    ),
                    metric(
                        "gen_ai.client.token.usage",
                        metric::Data::Histogram(pm::Histogram {
                            data_points: vec![pm::HistogramDataPoint {
                                attributes: vec![kv("gen_ai.token.type", string("output"))],
                                count: 3,
                                sum: Some(300.0),
                                bucket_counts: vec![0, 1, 2],
                                explicit_bounds: vec![1.0, 4.0],
                                min: Some(10.0),
                                max: Some(200.0),
                                ..Default::default()
                            }],
                            aggregation_temporality: 1,
                        }),
                    ),
                    metric(
                        "exp",
                        metric::Data::ExponentialHistogram(pm::ExponentialHistogram {
                            data_points: vec![pm::ExponentialHistogramDataPoint {
                                count: 4,
                                scale: -2,
                                zero_count: 1,
                                positive: Some(pm::exponential_histogram_data_point::Buckets {
                                    offset: -3,
                                    bucket_counts: vec![1, 2],
                                }),
                                zero_threshold: 0.001,
                                ..Default::default()
                            }],
                            aggregation_temporality: 2,
                        }),
                    ),
                    metric(
                        "summary",
                        metric::Data::Summary(pm::Summary {
                            data_points: vec![pm::SummaryDataPoint {
                                count: 2,
                                sum: 3.5,
                                quantile_values: vec![pm::summary_data_point::ValueAtQuantile {
                                    quantile: 0.5,
                                    value: 1.0,
                                }],
                                ..Default::default()
                            }],
                        }),
                    ),
                    Metric {
                        name: "no-data".to_owned(),
                        ..Default::default()
                    },
                ],
                schema_url: String::new(),
            }],
            schema_url: String::new(),
        }],
    }
}

#[test]
fn metrics_round_trip() {
    let t = decode_metrics_protobuf(&metrics_request().encode_to_vec()).expect("decodes");
    let kinds: Vec<_> = t.metrics.iter().map(|m| m.kind).collect();
    assert_eq!(
        kinds,
        [
            MetricKind::Sum {
                monotonic: true,
                temporality: Temporality::Cumulative
            },
            MetricKind::Gauge,
            MetricKind::Histogram {
                temporality: Temporality::Delta
            },
            MetricKind::ExponentialHistogram {
                temporality: Temporality::Cumulative
            },
            MetricKind::Summary,
            MetricKind::Empty,
        ]
    );
    assert_eq!(t.metrics[0].unit, "{token}");
    assert_eq!(t.metrics[0].description, "sum description");
    assert_eq!(t.metrics[0].points[0].value, PointValue::I64(7));
    assert_eq!(
        t.metrics[0].points[0].attributes.get("gen_ai.token.type"),
        Some(&Value::from("input"))
    );
    assert_eq!(
        (
            t.metrics[0].points[0].start_time_unix_nano,
            t.metrics[0].points[0].time_unix_nano
        ),
        (1, 2)
    );
    assert_eq!(t.metrics[1].points[0].value, PointValue::F64(0.25));
    let PointValue::Histogram(h) = &t.metrics[2].points[0].value else {
        panic!("histogram")
    };
    assert_eq!(h.explicit_bounds, [1.0, 4.0]);
    assert_eq!(h.bucket_counts, [0, 1, 2]);
    assert_eq!(
        (h.count, h.sum, h.min, h.max),
        (3, Some(300.0), Some(10.0), Some(200.0))
    );
    let PointValue::ExponentialHistogram(e) = &t.metrics[3].points[0].value else {
        panic!("exp")
    };
    assert_eq!(
        (e.count, e.scale, e.zero_count, e.zero_threshold),
        (4, -2, 1, 0.001)
    );
    assert_eq!(
        (e.positive.offset, e.positive.bucket_counts.as_slice()),
        (-3, &[1u64, 2][..])
    );
    let PointValue::Summary(s) = &t.metrics[4].points[0].value else {
        panic!("summary")
    };
    assert_eq!((s.count, s.sum, s.quantiles.len()), (2, 3.5, 1));
    assert!(t.metrics[5].points.is_empty());
}

#[test]
fn signal_detection() {
    let cases = [
        (
            traces_request(vec![chat_span("chat")]).encode_to_vec(),
            Signal::Traces,
        ),
        (metrics_request().encode_to_vec(), Signal::Metrics),
    ];
    for (bytes, expected) in cases {
        for preferred in [
            None,
            Some(Signal::Logs),
            Some(Signal::Metrics),
            Some(Signal::Traces),
        ] {
            let mut t = Telemetry::new();
            let found = decode_protobuf_detect_into(&bytes, preferred, &Origin::default(), &mut t);
            assert_eq!(found, Ok(expected), "preferred {preferred:?}");
            assert!(!t.is_empty());
        }
    }
    let logs = ExportLogsServiceRequest {
        resource_logs: vec![ResourceLogs {
            scope_logs: vec![ScopeLogs {
                log_records: vec![LogRecord {
                    time_unix_nano: 1,
                    observed_time_unix_nano: 2,
                    severity_number: 9,
                    event_name: "e".to_owned(),
                    ..Default::default()
                }],
                ..Default::default()
            }],
            ..Default::default()
        }],
    };
    let mut t = Telemetry::new();
    let found =
        decode_protobuf_detect_into(&logs.encode_to_vec(), None, &Origin::default(), &mut t);
    assert_eq!(found, Ok(Signal::Logs));
    assert_eq!(t.logs.len(), 1);
}

#[test]
fn invalid_id_length_is_an_error_naming_the_field() {
    let mut bad = chat_span("chat");
    bad.trace_id = vec![1; 15];
    let bytes = traces_request(vec![chat_span("ok"), bad]).encode_to_vec();
    assert_eq!(
        decode_traces_protobuf(&bytes),
        Err(DecodeError::InvalidField {
            field: "resource_spans[0].scope_spans[0].spans[1].trace_id".to_owned(),
            reason: "expected 16 bytes, found 15".to_owned(),
        })
    );
}

/// Where `needle` starts in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .position(|w| w == needle)
        .expect("needle present")
}

#[test]
fn broken_span_is_located() {
    let spans = vec![chat_span("first"), chat_span("BROKEN"), chat_span("third")];
    let broken = chat_span("BROKEN").encode_to_vec();
    let mut bytes = traces_request(spans).encode_to_vec();
    let span_start = find(&bytes, &broken);
    // Make the name invalid UTF-8 without changing any length.
    let name = span_start + find(&broken, b"BROKEN");
    bytes[name] = 0xff;
    let Err(DecodeError::Protobuf { offset, reason }) = decode_traces_protobuf(&bytes) else {
        panic!("expected a protobuf error");
    };
    // The offset is the span entry's tag: one byte of tag, then the length varint.
    let entry = span_start - 1 - prost::encoding::encoded_len_varint(broken.len() as u64);
    assert_eq!(offset, entry as u64, "{reason}");
    assert!(reason.contains("Span.name"), "{reason}");
}

#[test]
fn truncation_is_an_error_at_every_length() {
    let bytes = traces_request(vec![chat_span("a"), chat_span("b")]).encode_to_vec();
    for len in 0..bytes.len() {
        match decode_traces_protobuf(&bytes[..len]) {
            Ok(_) => {} // Cut at a field boundary: a shorter, valid request.
            Err(DecodeError::Protobuf { offset, .. }) => assert!(offset < len as u64),
            Err(DecodeError::InvalidField { .. }) => {} // e.g. a trace id cut short
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
    // Cut inside the last span: located inside that span, not at the enclosing entries.
    let last_span = find(&bytes, &chat_span("b").encode_to_vec());
    let cut = &bytes[..bytes.len() - 40];
    let Err(DecodeError::Protobuf { offset, .. }) = decode_traces_protobuf(cut) else {
        panic!("expected a protobuf error");
    };
    assert!(offset >= last_span as u64, "{offset} < {last_span}");
}

#[test]
fn garbage_is_an_error_not_a_panic() {
    for garbage in [
        &b"\x00"[..],
        b"\xff\xff\xff",
        b"\x0a\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01",
        b"hello world",
    ] {
        for signal in [Signal::Traces, Signal::Logs, Signal::Metrics] {
            let result = genai_validator::otlp::decode_protobuf(garbage, signal);
            assert!(
                matches!(result, Err(DecodeError::Protobuf { .. })),
                "{garbage:?} {signal}: {result:?}"
            );
        }
    }
}
