//! An example agent: a mock model, two tools and a plan-then-act loop, fully instrumented.
//!
//! The agent itself lives in `genai_semconv::instrument::demo` (so that `semconv demo` can run
//! it too); read that module for the instrumentation code. This program runs it with content
//! capture on and prints the spans and metric points it produced.
//!
//! ```sh
//! cargo run -p genai-semconv --features demo --example agent
//! ```

use genai_semconv::instrument::capture::{CaptureMode, set_capture_mode};
use genai_semconv::instrument::demo::run_demo_agent;
use opentelemetry_sdk::metrics::{InMemoryMetricExporter, PeriodicReader, SdkMeterProvider};
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    set_capture_mode(CaptureMode::SpanOnly);
    let spans = InMemorySpanExporter::default();
    let tracer_provider = SdkTracerProvider::builder()
        .with_simple_exporter(spans.clone())
        .build();
    let metrics = InMemoryMetricExporter::default();
    let meter_provider = SdkMeterProvider::builder()
        .with_reader(PeriodicReader::builder(metrics.clone()).build())
        .build();

    let answer = run_demo_agent(&tracer_provider, &meter_provider).await?;
    println!("answer: {answer}\n");

    let finished = spans.get_finished_spans()?;
    for s in &finished {
        let depth = {
            let mut d = 0;
            let mut parent = s.parent_span_id;
            while let Some(p) = finished.iter().find(|x| x.span_context.span_id() == parent) {
                d += 1;
                parent = p.parent_span_id;
            }
            d
        };
        println!(
            "{}{} [{:?}] {:?}",
            "  ".repeat(depth),
            s.name,
            s.span_kind,
            s.status
        );
        for kv in &s.attributes {
            println!("{}    {} = {}", "  ".repeat(depth), kv.key, kv.value);
        }
    }
    meter_provider.force_flush()?;
    for rm in metrics.get_finished_metrics()? {
        for sm in rm.scope_metrics() {
            for m in sm.metrics() {
                println!("metric {} ({})", m.name(), m.unit());
            }
        }
    }
    Ok(())
}
