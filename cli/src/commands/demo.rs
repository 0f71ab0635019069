//! `semconv demo`: run the example agent (mock model, tools, a plan, a memory search, streamed
//! model calls, an evaluation) and one request that loops, instrumented with the macros; collect
//! spans, metrics and log records in memory; print the trace trees with per-span duration,
//! tokens and cost, the insights, and the conformance report against the embedded registry.

use std::process::ExitCode;

use genai_semconv::instrument::capture::{CaptureGuard, CaptureMode};
use genai_semconv::instrument::demo::{run_demo_agent_with, run_looping_request_with};
use genai_validator::insights::render;
use genai_validator::{Options, Session, Telemetry, Validator, embedded_registry};
use miette::IntoDiagnostic;
use opentelemetry_sdk::logs::{InMemoryLogExporter, SdkLoggerProvider};
use opentelemetry_sdk::metrics::{InMemoryMetricExporter, PeriodicReader, SdkMeterProvider};
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider};

use crate::insight_args::{Collector, InsightArgs};
use crate::output::emit;
use crate::report_format::{ReportArgs, ReportFormat, write_report};

/// Output formats.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// Trace trees with figures, insights and findings.
    Text,
    /// The JSON report (with its `insights` object).
    Json,
}

/// Arguments of `semconv demo`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Run with content capture on (span attributes), and validate with capture declared.
    #[arg(long)]
    capture_content: bool,
    /// Report format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    #[command(flatten)]
    report: ReportArgs,
    #[command(flatten)]
    insights: InsightArgs,
}

/// Runs the demo; exit 1 if its telemetry has violations (conformance, or a threshold given).
pub fn run(args: Args) -> miette::Result<ExitCode> {
    let spans = InMemorySpanExporter::default();
    let tracer_provider = SdkTracerProvider::builder()
        .with_simple_exporter(spans.clone())
        .build();
    let metrics = InMemoryMetricExporter::default();
    let meter_provider = SdkMeterProvider::builder()
        .with_reader(PeriodicReader::builder(metrics.clone()).build())
        .build();
    let logs = InMemoryLogExporter::default();
    let logger_provider = SdkLoggerProvider::builder()
        .with_simple_exporter(logs.clone())
        .build();
    let mode = if args.capture_content {
        CaptureMode::SpanOnly
    } else {
        CaptureMode::NoContent
    };
    let (answer, looping) = {
        let _capture = CaptureGuard::new(mode);
        let t = genai_semconv::instrument::telemetry::Telemetry::builder()
            .tracer_provider(&tracer_provider)
            .meter_provider(&meter_provider)
            .logger_provider(&logger_provider)
            .build();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .into_diagnostic()?;
        runtime.block_on(async {
            let demo = run_demo_agent_with(&t).await;
            let looping = run_looping_request_with(&t).await;
            (demo, looping)
        })
    };
    tracer_provider.force_flush().into_diagnostic()?;
    meter_provider.force_flush().into_diagnostic()?;
    logger_provider.force_flush().into_diagnostic()?;
    let mut telemetry =
        Telemetry::from_sdk_spans(spans.get_finished_spans().into_diagnostic()?, None);
    let batches = metrics.get_finished_metrics().into_diagnostic()?;
    telemetry.metrics = genai_validator::sdk::metrics_from_sdk(&batches);
    let emitted = logs.get_emitted_logs().into_diagnostic()?;
    telemetry.logs = genai_validator::sdk::logs_from_sdk(
        emitted
            .iter()
            .map(|l| (&l.record, &l.instrumentation, l.resource.as_ref())),
    );

    let mut options = Options {
        capture_content: args.capture_content,
        ..Options::default()
    };
    let thresholds = args.report.apply_config(&mut options)?;
    let mut insight_options = args.insights.options(thresholds)?;
    insight_options.span_figures = true;
    let validator = Validator::with_options(embedded_registry(), options);
    let mut session = Session::new(&validator);
    let collector = Collector::attach_new(&mut session, insight_options);
    collector.push(&mut session, &telemetry);
    let report = session.finish();
    let insights = collector.finish();
    let text = args.report.text_options();
    emit(None, |out| match args.format {
        Format::Text => {
            for (what, a) in [("demo agent", &answer), ("looping request", &looping)] {
                match a {
                    Ok(a) => writeln!(out, "{what} answered: {a}")?,
                    Err(e) => writeln!(out, "{what} failed: {e}")?,
                }
            }
            writeln!(
                out,
                "(the looping request's agent drops each tool result and asks for the same lookup again: see loop_suspected below)\n"
            )?;
            out.write_all(render::span_trees(&telemetry.spans, &insights).as_bytes())?;
            writeln!(out)?;
            out.write_all(insights.to_text().as_bytes())?;
            writeln!(out)?;
            write_report(&report, ReportFormat::Text, &text, out, None, None)
        }
        Format::Json => write_report(
            &report,
            ReportFormat::Json,
            &text,
            out,
            Some(&insights),
            None,
        ),
    })?;
    Ok(if report.has_violations() || insights.has_violations() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
