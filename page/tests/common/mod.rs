//! What the page's browser tests share: a live receiver feeding a page, GenAI spans exported
//! by the OpenTelemetry OTLP exporter, and a WebDriver client.

#![allow(dead_code)]

pub mod webdriver;

use std::sync::Arc;
use std::thread::JoinHandle;

use genai_live_page::{LivePage, PageConfig};
use genai_otlp_receiver::{Receiver, ReceiverConfig};
use genai_validator::Validator;
use opentelemetry::KeyValue;
use opentelemetry::trace::{SpanKind, Status, TraceContextExt, Tracer, TracerProvider as _};
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SpanData};

/// The token of test runs.
pub const TOKEN: &str = "test-run-token";

/// A hostile attribute value: must show as text and run nothing.
pub const HOSTILE: &str =
    "<img src=x onerror=\"window.__pwned=1\"><script>window.__pwned=2</script>";

/// One agent request: `invoke_agent` > (`chat`, `execute_tool`), with a violation on the chat
/// span (an unknown `gen_ai.` key) and a hostile value on the tool span.
pub fn agent_spans(request: usize) -> Vec<SpanData> {
    agent_requests(request..request + 1)
}

/// Several agent requests (one trace each), numbered.
pub fn agent_requests(requests: std::ops::Range<usize>) -> Vec<SpanData> {
    let memory = InMemorySpanExporter::default();
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(memory.clone())
        .build();
    let tracer = provider.tracer("page-test");
    for request in requests {
        one_request(&tracer, request);
    }
    provider.force_flush().expect("flush");
    memory.get_finished_spans().expect("spans")
}

fn one_request(tracer: &opentelemetry_sdk::trace::SdkTracer, request: usize) {
    use std::time::{Duration, SystemTime};
    let t0 = SystemTime::now();
    let at = |ms: u64| t0 + Duration::from_millis(ms);
    let root = tracer
        .span_builder(format!("invoke_agent travel_planner{}", suffix(request)))
        .with_kind(SpanKind::Internal)
        .with_attributes([
            KeyValue::new("gen_ai.operation.name", "invoke_agent"),
            KeyValue::new("gen_ai.provider.name", "openai"),
            KeyValue::new("gen_ai.agent.name", "travel_planner"),
        ])
        .with_start_time(at(0))
        .start(tracer);
    let cx = opentelemetry::Context::current_with_span(root);
    {
        let mut chat = tracer
            .span_builder("chat gpt-4o")
            .with_kind(SpanKind::Client)
            .with_attributes([
                KeyValue::new("gen_ai.operation.name", "chat"),
                KeyValue::new("gen_ai.provider.name", "openai"),
                KeyValue::new("gen_ai.request.model", "gpt-4o"),
                KeyValue::new("gen_ai.response.model", "gpt-4o-2024-08-06"),
                KeyValue::new("gen_ai.usage.input_tokens", 1000_i64),
                KeyValue::new("gen_ai.usage.output_tokens", 200_i64),
                KeyValue::new("gen_ai.bogus_setting", "on"),
            ])
            .with_start_time(at(12))
            .start_with_context(tracer, &cx);
        opentelemetry::trace::Span::end_with_timestamp(&mut chat, at(840));
        let mut tool = tracer
            .span_builder("execute_tool get_weather")
            .with_kind(SpanKind::Internal)
            .with_attributes([
                KeyValue::new("gen_ai.operation.name", "execute_tool"),
                KeyValue::new("gen_ai.tool.name", "get_weather"),
                KeyValue::new("app.note", HOSTILE),
            ])
            .with_start_time(at(860))
            .start_with_context(tracer, &cx);
        opentelemetry::trace::Span::set_status(&mut tool, Status::Ok);
        opentelemetry::trace::Span::end_with_timestamp(&mut tool, at(1130));
    }
    cx.span().end_with_timestamp(at(1175));
}

fn suffix(request: usize) -> String {
    if request == 0 {
        String::new()
    } else {
        format!(" #{request}")
    }
}

/// The resource the spans are exported with.
pub fn resource() -> opentelemetry_sdk::Resource {
    opentelemetry_sdk::Resource::builder()
        .with_service_name("page-test-service")
        .build()
}

/// A receiver on free ports whose HTTP listener serves a page fed by a validating consumer.
pub struct Live {
    pub receiver: Receiver,
    pub page: Arc<LivePage>,
    pub consumer: JoinHandle<()>,
}

impl Live {
    pub async fn start() -> Live {
        let loaded = genai_registry::embedded::load().expect("embedded registry loads");
        let page = LivePage::new(
            &loaded.registry,
            PageConfig {
                token: TOKEN.into(),
                ..PageConfig::default()
            },
        );
        // The embedded price table, as `semconv` uses it (gpt-4o: $2.50 / $10 per million).
        page.set_prices(genai_validator::insights::embedded_prices());
        let config = ReceiverConfig {
            routes: Some(page.routes()),
            ..ReceiverConfig::ephemeral()
        };
        let (receiver, mut batches) = Receiver::start(config).await.expect("receiver starts");
        let validator = Validator::new(&loaded.registry);
        let fed = page.clone();
        let consumer = std::thread::spawn(move || {
            while let Some(batch) = batches.blocking_recv() {
                let report = validator.validate(&batch.telemetry);
                fed.ingest(
                    batch.telemetry,
                    &report.spans,
                    &report.logs,
                    &report.metrics,
                );
            }
        });
        Live {
            receiver,
            page,
            consumer,
        }
    }

    pub fn port(&self) -> u16 {
        self.receiver.http_addr().expect("http listener").port()
    }

    /// Exports spans with the OTLP/HTTP protobuf exporter.
    pub async fn export(&self, spans: Vec<SpanData>) {
        use opentelemetry_otlp::{Protocol, SpanExporter, WithExportConfig};
        use opentelemetry_sdk::trace::SpanExporter as _;
        let mut exporter = SpanExporter::builder()
            .with_http()
            .with_protocol(Protocol::HttpBinary)
            .with_endpoint(format!("http://127.0.0.1:{}/v1/traces", self.port()))
            .build()
            .expect("exporter");
        exporter.set_resource(&resource());
        exporter.export(spans).await.expect("export accepted");
    }

    pub async fn stop(self) {
        self.page.close();
        self.receiver.shutdown().await;
        self.consumer.join().expect("consumer");
    }
}
