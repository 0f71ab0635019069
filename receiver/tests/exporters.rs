//! Real exports from the Rust `opentelemetry-otlp` exporter (HTTP protobuf, HTTP JSON, gRPC,
//! with and without gzip) into the receiver, checking that every span arrives decoded.

mod common;

use common::{Harness, span_names};
use genai_otlp_receiver::{Signal, Transport};
use opentelemetry::KeyValue;
use opentelemetry::trace::{SpanKind, Tracer, TracerProvider as _};
use opentelemetry_otlp::{
    Compression, LogExporter, MetricExporter, Protocol, SpanExporter, WithExportConfig,
    WithHttpConfig, WithTonicConfig,
};
use opentelemetry_sdk::trace::{
    InMemorySpanExporter, SdkTracerProvider, SpanData, SpanExporter as _,
};

/// Three GenAI spans (a chat inside an agent invocation, and a tool call), as the SDK made them.
fn genai_spans() -> Vec<SpanData> {
    let memory = InMemorySpanExporter::default();
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(memory.clone())
        .build();
    let tracer = provider.tracer("receiver-test");
    tracer.in_span("invoke_agent travel_planner", |_cx| {
        tracer
            .span_builder("chat gpt-4o")
            .with_kind(SpanKind::Client)
            .with_attributes([
                KeyValue::new("gen_ai.operation.name", "chat"),
                KeyValue::new("gen_ai.provider.name", "openai"),
                KeyValue::new("gen_ai.request.model", "gpt-4o"),
                KeyValue::new("gen_ai.usage.input_tokens", 97_i64),
            ])
            .start(&tracer);
        tracer
            .span_builder("execute_tool get_weather")
            .with_attributes([
                KeyValue::new("gen_ai.operation.name", "execute_tool"),
                KeyValue::new("gen_ai.tool.name", "get_weather"),
            ])
            .start(&tracer);
    });
    provider.force_flush().expect("flush");
    memory.get_finished_spans().expect("spans")
}

fn resource() -> opentelemetry_sdk::Resource {
    opentelemetry_sdk::Resource::builder()
        .with_service_name("receiver-test")
        .build()
}

const EXPECTED: [&str; 3] = [
    "chat gpt-4o",
    "execute_tool get_weather",
    "invoke_agent travel_planner",
];

async fn export_http(protocol: Protocol, compression: Option<Compression>) -> Harness {
    let h = Harness::start().await;
    let mut builder = SpanExporter::builder()
        .with_http()
        .with_protocol(protocol)
        .with_endpoint(format!("http://{}/v1/traces", h.http()));
    if let Some(c) = compression {
        builder = builder.with_compression(c);
    }
    let mut exporter = builder.build().expect("exporter");
    exporter.set_resource(&resource());
    exporter
        .export(genai_spans())
        .await
        .expect("export accepted");
    exporter
        .export(genai_spans())
        .await
        .expect("export accepted");
    h
}

fn check(batches: &[genai_otlp_receiver::Batch], transport: Transport) {
    assert_eq!(batches.len(), 2);
    for b in batches {
        assert_eq!(b.transport, transport);
        assert_eq!(b.signal, Signal::Traces);
    }
    let mut expected: Vec<String> = EXPECTED
        .iter()
        .chain(EXPECTED.iter())
        .map(|s| s.to_string())
        .collect();
    expected.sort();
    assert_eq!(span_names(batches), expected);
    let chat = batches[0]
        .telemetry
        .spans
        .iter()
        .find(|s| s.name == "chat gpt-4o")
        .expect("chat span");
    assert_eq!(
        chat.attributes
            .get("gen_ai.usage.input_tokens")
            .and_then(|v| v.as_i64()),
        Some(97)
    );
    assert_eq!(chat.kind, genai_validator::telemetry::SpanKind::Client);
    assert!(chat.parent_span_id.is_some());
    assert!(
        chat.resource.attributes.get("service.name").is_some(),
        "resource attributes arrive"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_protobuf_exporter() {
    let h = export_http(Protocol::HttpBinary, None).await;
    let (stats, batches) = h.finish().await;
    assert_eq!(stats.spans_accepted, 6);
    assert!(stats.all_delivered());
    check(&batches, Transport::HttpProtobuf);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_json_exporter() {
    let h = export_http(Protocol::HttpJson, None).await;
    let (stats, batches) = h.finish().await;
    assert_eq!(stats.spans_accepted, 6);
    check(&batches, Transport::HttpJson);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_protobuf_gzip_exporter() {
    let h = export_http(Protocol::HttpBinary, Some(Compression::Gzip)).await;
    let (stats, batches) = h.finish().await;
    assert_eq!(stats.spans_accepted, 6);
    check(&batches, Transport::HttpProtobuf);
}

async fn export_grpc(compression: Option<Compression>) -> Harness {
    let h = Harness::start().await;
    let mut builder = SpanExporter::builder()
        .with_tonic()
        .with_endpoint(format!("http://{}", h.grpc()));
    if let Some(c) = compression {
        builder = builder.with_compression(c);
    }
    let mut exporter = builder.build().expect("exporter");
    exporter.set_resource(&resource());
    exporter
        .export(genai_spans())
        .await
        .expect("export accepted");
    exporter
        .export(genai_spans())
        .await
        .expect("export accepted");
    h
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grpc_exporter() {
    let h = export_grpc(None).await;
    let (stats, batches) = h.finish().await;
    assert_eq!(stats.spans_accepted, 6);
    assert_eq!(stats.requests, 2);
    check(&batches, Transport::Grpc);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grpc_gzip_exporter() {
    let h = export_grpc(Some(Compression::Gzip)).await;
    let (stats, batches) = h.finish().await;
    assert_eq!(stats.spans_accepted, 6);
    check(&batches, Transport::Grpc);
}

/// gRPC on the HTTP port and OTLP/HTTP on the gRPC port work too (both serve both).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn either_protocol_on_either_port() {
    let h = Harness::start().await;
    let grpc = SpanExporter::builder()
        .with_tonic()
        .with_endpoint(format!("http://{}", h.http()))
        .build()
        .expect("exporter");
    grpc.export(genai_spans()).await.expect("grpc on http port");
    let http = SpanExporter::builder()
        .with_http()
        .with_endpoint(format!("http://{}/v1/traces", h.grpc()))
        .build()
        .expect("exporter");
    http.export(genai_spans()).await.expect("http on grpc port");
    let (stats, _) = h.finish().await;
    assert_eq!(stats.spans_accepted, 6);
}

/// Logs and metrics through the SDK providers and the gRPC exporters.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grpc_logs_and_metrics() {
    use opentelemetry::logs::{LogRecord as _, Logger as _, LoggerProvider as _};
    use opentelemetry::metrics::MeterProvider as _;
    let h = Harness::start().await;
    let endpoint = format!("http://{}", h.grpc());
    let logs = LogExporter::builder()
        .with_tonic()
        .with_endpoint(&endpoint)
        .build()
        .expect("log exporter");
    let metrics = MetricExporter::builder()
        .with_tonic()
        .with_endpoint(&endpoint)
        .build()
        .expect("metric exporter");
    tokio::task::spawn_blocking(move || {
        let provider = opentelemetry_sdk::logs::SdkLoggerProvider::builder()
            .with_simple_exporter(logs)
            .build();
        let logger = provider.logger("receiver-test");
        let mut record = logger.create_log_record();
        record.set_event_name("gen_ai.client.inference.operation.details");
        record.add_attribute("gen_ai.operation.name", "chat");
        logger.emit(record);
        provider.shutdown().expect("log shutdown");

        let reader = opentelemetry_sdk::metrics::PeriodicReader::builder(metrics).build();
        let provider = opentelemetry_sdk::metrics::SdkMeterProvider::builder()
            .with_reader(reader)
            .build();
        let meter = provider.meter("receiver-test");
        let h = meter
            .f64_histogram("gen_ai.client.operation.duration")
            .with_unit("s")
            .build();
        h.record(1.5, &[KeyValue::new("gen_ai.operation.name", "chat")]);
        provider.shutdown().expect("metric shutdown");
    })
    .await
    .expect("sdk thread");
    let (stats, batches) = h.finish().await;
    assert_eq!(stats.logs_accepted, 1);
    assert!(stats.metrics_accepted >= 1);
    assert!(stats.all_delivered());
    let metric = batches
        .iter()
        .flat_map(|b| &b.telemetry.metrics)
        .find(|m| m.name == "gen_ai.client.operation.duration")
        .expect("metric arrives");
    assert_eq!(metric.unit, "s");
    let log = batches
        .iter()
        .flat_map(|b| &b.telemetry.logs)
        .next()
        .expect("log arrives");
    assert!(log.attributes.get("gen_ai.operation.name").is_some());
}

/// What a real exporter sent, validated as `semconv live-check` does: findings arrive.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exported_spans_are_validated() {
    let h = Harness::start().await;
    let mut exporter = SpanExporter::builder()
        .with_tonic()
        .with_endpoint(format!("http://{}", h.grpc()))
        .build()
        .expect("exporter");
    exporter.set_resource(&resource());
    let memory = InMemorySpanExporter::default();
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(memory.clone())
        .build();
    let tracer = provider.tracer("receiver-test");
    tracer
        .span_builder("chat gpt-4o")
        .with_kind(SpanKind::Client)
        .with_attributes([
            KeyValue::new("gen_ai.operation.name", "chat"),
            KeyValue::new("gen_ai.request.model", "gpt-4o"),
            KeyValue::new("gen_ai.custom.flag", true),
        ])
        .start(&tracer);
    drop(tracer);
    provider.force_flush().expect("flush");
    exporter
        .export(memory.get_finished_spans().expect("spans"))
        .await
        .expect("export accepted");
    let (stats, batches) = h.finish().await;
    let loaded = genai_registry::embedded::load().expect("embedded registry");
    let validator = genai_validator::Validator::new(&loaded.registry);
    let mut report = validator.report();
    for b in &batches {
        validator.validate_into(&b.telemetry, &mut report);
    }
    assert_eq!(report.spans.len() as u64, stats.spans_accepted);
    let ids: Vec<&str> = report.findings().map(|f| f.id.as_str()).collect();
    assert!(ids.contains(&"unknown_attribute"), "{ids:?}");
    assert!(ids.contains(&"required_attribute_not_present"), "{ids:?}");
    assert!(report.has_violations());
}
