//! Conversion of OpenTelemetry SDK data collected with the in-memory exporters.

use genai_validator::sdk::{logs_from_sdk, metrics_from_sdk};
use genai_validator::telemetry::{
    MetricKind, PointValue, Source, SpanKind, Status, Telemetry, Temporality, Value,
};
use opentelemetry::logs::{AnyValue, LogRecord as _, Logger as _, LoggerProvider as _, Severity};
use opentelemetry::metrics::MeterProvider as _;
use opentelemetry::trace::{
    Span as _, SpanContext, SpanKind as OtelKind, Status as OtelStatus, TraceContextExt as _,
    TraceFlags, TraceState, Tracer as _, TracerProvider as _,
};
use opentelemetry::{Array, InstrumentationScope, Key, KeyValue};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::logs::{InMemoryLogExporter, SdkLoggerProvider};
use opentelemetry_sdk::metrics::{InMemoryMetricExporter, PeriodicReader, SdkMeterProvider};
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider};

fn resource() -> Resource {
    Resource::builder_empty()
        .with_service_name("travel-agent")
        .with_attribute(KeyValue::new("deployment.environment.name", "test"))
        .build()
}

#[test]
fn spans_from_in_memory_exporter() {
    let exporter = InMemorySpanExporter::default();
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(exporter.clone())
        .with_resource(resource())
        .build();
    let tracer = provider.tracer_with_scope(
        InstrumentationScope::builder("genai-semconv")
            .with_version("0.1.0")
            .with_schema_url("https://opentelemetry.io/schemas/1.37.0")
            .build(),
    );
    let linked = SpanContext::new(
        opentelemetry::trace::TraceId::from_bytes([9; 16]),
        opentelemetry::trace::SpanId::from_bytes([8; 8]),
        TraceFlags::SAMPLED,
        true,
        TraceState::default(),
    );
    tracer.in_span("invoke_agent planner", |cx| {
        let mut chat = tracer
            .span_builder("chat gpt-4o")
            .with_kind(OtelKind::Client)
            .with_attributes([
                KeyValue::new("gen_ai.operation.name", "chat"),
                KeyValue::new("gen_ai.usage.input_tokens", 1200),
                KeyValue::new("gen_ai.request.temperature", 0.5),
                KeyValue::new("gen_ai.request.stream", true),
                KeyValue::new(
                    "gen_ai.response.finish_reasons",
                    opentelemetry::Value::Array(Array::String(vec!["stop".into()])),
                ),
                KeyValue::new(
                    Key::from(String::from("dynamic.key")),
                    String::from("owned"),
                ),
            ])
            .with_links(vec![opentelemetry::trace::Link::with_context(
                linked.clone(),
            )])
            .start_with_context(&tracer, &cx);
        chat.add_event(
            "gen_ai.client.inference.operation.details",
            vec![KeyValue::new("gen_ai.output.type", "text")],
        );
        chat.set_status(OtelStatus::error("rate limited"));
        chat.end();
        cx.span().set_status(OtelStatus::Ok);
    });
    let spans = exporter.get_finished_spans().expect("spans");
    let res = resource();
    let t = Telemetry::from_sdk_spans(spans, Some(&res));
    assert_eq!(t.spans.len(), 2);
    let (chat, agent) = (&t.spans[0], &t.spans[1]);
    assert_eq!(agent.name, "invoke_agent planner");
    assert_eq!(agent.kind, SpanKind::Internal);
    assert_eq!(agent.parent_span_id, None);
    assert_eq!(agent.status, Status::Ok);
    assert_eq!(chat.parent_span_id, Some(agent.span_id));
    assert_eq!(chat.trace_id, agent.trace_id);
    assert_eq!(chat.kind, SpanKind::Client);
    assert_eq!(
        chat.status,
        Status::Error {
            message: "rate limited".into()
        }
    );
    assert!(chat.start_time_unix_nano > 0 && chat.end_time_unix_nano >= chat.start_time_unix_nano);
    assert_eq!(chat.flags & 0xff, 1, "sampled");
    let a = &chat.attributes;
    assert_eq!(a.get("gen_ai.operation.name"), Some(&Value::from("chat")));
    assert_eq!(a.get("gen_ai.usage.input_tokens"), Some(&Value::I64(1200)));
    assert_eq!(a.get("gen_ai.request.temperature"), Some(&Value::F64(0.5)));
    assert_eq!(a.get("gen_ai.request.stream"), Some(&Value::Bool(true)));
    assert_eq!(
        a.get("gen_ai.response.finish_reasons"),
        Some(&Value::StringArray(vec!["stop".into()]))
    );
    assert_eq!(a.get("dynamic.key"), Some(&Value::from("owned")));
    assert_eq!(chat.events.len(), 1);
    assert_eq!(
        chat.events[0].name,
        "gen_ai.client.inference.operation.details"
    );
    assert_eq!(
        chat.events[0].attributes.get("gen_ai.output.type"),
        Some(&Value::from("text"))
    );
    assert_eq!(chat.links.len(), 1);
    assert_eq!(chat.links[0].trace_id, linked.trace_id());
    assert_eq!(chat.links[0].flags & 0x300, 0x300, "remote link");
    assert_eq!(
        chat.resource.attributes.get("service.name"),
        Some(&Value::from("travel-agent"))
    );
    assert_eq!(
        chat.resource.attributes.get("deployment.environment.name"),
        Some(&Value::from("test"))
    );
    assert_eq!(chat.scope.name, "genai-semconv");
    assert_eq!(chat.scope.version.as_deref(), Some("0.1.0"));
    assert_eq!(
        chat.scope.schema_url.as_deref(),
        Some("https://opentelemetry.io/schemas/1.37.0")
    );
    // Consecutive spans of one scope share it.
    assert!(std::sync::Arc::ptr_eq(&chat.scope, &agent.scope));
    assert_eq!(chat.origin.source, Source::Sdk);
}

#[test]
fn log_records_from_in_memory_exporter() {
    let exporter = InMemoryLogExporter::default();
    let provider = SdkLoggerProvider::builder()
        .with_simple_exporter(exporter.clone())
        .with_resource(resource())
        .build();
    let logger = provider.logger("genai-semconv");
    let mut record = logger.create_log_record();
    record.set_event_name("gen_ai.client.inference.operation.details");
    record.set_severity_number(Severity::Info);
    record.set_severity_text("INFO");
    record.set_body(AnyValue::Map(Box::new(
        [
            (Key::from("role"), AnyValue::from("assistant")),
            (
                Key::from("parts"),
                AnyValue::ListAny(Box::new(vec![AnyValue::from(1_i64), AnyValue::from(2_i64)])),
            ),
        ]
        .into_iter()
        .collect(),
    )));
    record.add_attribute("gen_ai.provider.name", "openai");
    record.set_trace_context(
        opentelemetry::trace::TraceId::from_bytes([1; 16]),
        opentelemetry::trace::SpanId::from_bytes([2; 8]),
        Some(TraceFlags::SAMPLED),
    );
    logger.emit(record);
    let emitted = exporter.get_emitted_logs().expect("logs");
    let logs = logs_from_sdk(
        emitted
            .iter()
            .map(|l| (&l.record, &l.instrumentation, l.resource.as_ref())),
    );
    assert_eq!(logs.len(), 1);
    let l = &logs[0];
    assert_eq!(
        l.event_name.as_deref(),
        Some("gen_ai.client.inference.operation.details")
    );
    assert_eq!(l.severity_number, 9);
    assert_eq!(l.severity_text.as_deref(), Some("INFO"));
    let body = l
        .body
        .as_ref()
        .and_then(Value::as_kvlist)
        .expect("map body");
    // The SDK's map is unordered: the conversion sorts keys.
    let keys: Vec<_> = body.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, ["parts", "role"]);
    assert_eq!(body.get("parts"), Some(&Value::I64Array(vec![1, 2])));
    assert_eq!(
        l.attributes.get("gen_ai.provider.name"),
        Some(&Value::from("openai"))
    );
    assert_eq!(
        l.trace_id,
        Some(opentelemetry::trace::TraceId::from_bytes([1; 16]))
    );
    assert_eq!(
        l.span_id,
        Some(opentelemetry::trace::SpanId::from_bytes([2; 8]))
    );
    assert_eq!(l.flags, 1);
    assert!(l.observed_time_unix_nano > 0);
    assert_eq!(l.scope.name, "genai-semconv");
    assert_eq!(
        l.resource.attributes.get("service.name"),
        Some(&Value::from("travel-agent"))
    );
}

#[test]
fn metrics_from_in_memory_exporter() {
    let exporter = InMemoryMetricExporter::default();
    let provider = SdkMeterProvider::builder()
        .with_reader(PeriodicReader::builder(exporter.clone()).build())
        .with_resource(resource())
        .build();
    let meter = provider.meter("genai-semconv");
    let duration = meter
        .f64_histogram("gen_ai.client.operation.duration")
        .with_unit("s")
        .with_description("GenAI operation duration")
        .with_boundaries(vec![0.01, 0.1, 1.0])
        .build();
    duration.record(0.5, &[KeyValue::new("gen_ai.operation.name", "chat")]);
    duration.record(2.0, &[KeyValue::new("gen_ai.operation.name", "chat")]);
    meter.u64_counter("calls").build().add(3, &[]);
    meter.i64_gauge("queue").build().record(-2, &[]);
    provider.force_flush().expect("flush");
    let batches = exporter.get_finished_metrics().expect("metrics");
    let metrics = metrics_from_sdk(&batches);
    let by_name = |name: &str| {
        metrics
            .iter()
            .find(|m| m.name == name)
            .unwrap_or_else(|| panic!("{name}"))
    };

    let d = by_name("gen_ai.client.operation.duration");
    assert_eq!(
        d.kind,
        MetricKind::Histogram {
            temporality: Temporality::Cumulative
        }
    );
    assert_eq!(
        (d.unit.as_ref(), d.description.as_ref()),
        ("s", "GenAI operation duration")
    );
    assert_eq!(d.points.len(), 1);
    assert_eq!(
        d.points[0].attributes.get("gen_ai.operation.name"),
        Some(&Value::from("chat"))
    );
    let PointValue::Histogram(h) = &d.points[0].value else {
        panic!("histogram")
    };
    assert_eq!(h.explicit_bounds, [0.01, 0.1, 1.0]);
    assert_eq!(h.bucket_counts, [0, 0, 1, 1]);
    assert_eq!(
        (h.count, h.sum, h.min, h.max),
        (2, Some(2.5), Some(0.5), Some(2.0))
    );
    assert!(d.points[0].time_unix_nano >= d.points[0].start_time_unix_nano);

    let c = by_name("calls");
    assert_eq!(
        c.kind,
        MetricKind::Sum {
            monotonic: true,
            temporality: Temporality::Cumulative
        }
    );
    assert_eq!(c.points[0].value, PointValue::I64(3));
    let g = by_name("queue");
    assert_eq!(g.kind, MetricKind::Gauge);
    assert_eq!(g.points[0].value, PointValue::I64(-2));
    assert_eq!(g.scope.name, "genai-semconv");
    assert_eq!(
        g.resource.attributes.get("service.name"),
        Some(&Value::from("travel-agent"))
    );
    provider.shutdown().expect("shutdown");
}
