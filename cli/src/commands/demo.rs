//! `semconv demo`: run the example agent (mock model, two tools, plan-then-act) instrumented
//! with the macros, collect its spans and metrics in memory, and print the trace tree with the
//! conformance report against the embedded registry.

use std::process::ExitCode;

use genai_semconv::instrument::capture::{CaptureGuard, CaptureMode};
use genai_validator::{Options, Session, Telemetry, Validator, embedded_registry};
use miette::IntoDiagnostic;
use opentelemetry_sdk::metrics::{InMemoryMetricExporter, PeriodicReader, SdkMeterProvider};
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider};

use crate::output::emit;
use crate::report_format::{ReportArgs, ReportFormat, write_report};

/// Output formats.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// Trace tree and findings.
    Text,
    /// The JSON report.
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
}

/// Runs the demo; exit 1 if its telemetry has violations.
pub fn run(args: Args) -> miette::Result<ExitCode> {
    let spans = InMemorySpanExporter::default();
    let tracer_provider = SdkTracerProvider::builder()
        .with_simple_exporter(spans.clone())
        .build();
    let metrics = InMemoryMetricExporter::default();
    let meter_provider = SdkMeterProvider::builder()
        .with_reader(PeriodicReader::builder(metrics.clone()).build())
        .build();
    let mode = if args.capture_content {
        CaptureMode::SpanOnly
    } else {
        CaptureMode::NoContent
    };
    let answer = {
        let _capture = CaptureGuard::new(mode);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .into_diagnostic()?;
        runtime.block_on(genai_semconv::instrument::demo::run_demo_agent(
            &tracer_provider,
            &meter_provider,
        ))
    };
    tracer_provider.force_flush().into_diagnostic()?;
    meter_provider.force_flush().into_diagnostic()?;
    let mut telemetry =
        Telemetry::from_sdk_spans(spans.get_finished_spans().into_diagnostic()?, None);
    let batches = metrics.get_finished_metrics().into_diagnostic()?;
    telemetry.metrics = genai_validator::sdk::metrics_from_sdk(&batches);
    let mut options = Options {
        capture_content: args.capture_content,
        ..Options::default()
    };
    args.report.apply_config(&mut options)?;
    let validator = Validator::with_options(embedded_registry(), options);
    let mut session = Session::new(&validator);
    session.push(&telemetry);
    let report = session.finish();
    let text = args.report.text_options();
    emit(None, |out| match args.format {
        Format::Text => {
            match &answer {
                Ok(a) => writeln!(out, "demo agent answered: {a}")?,
                Err(e) => writeln!(out, "demo agent failed: {e}")?,
            }
            write_report(&report, ReportFormat::Text, &text, out, None)
        }
        Format::Json => write_report(&report, ReportFormat::Json, &text, out, None),
    })?;
    Ok(if report.has_violations() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
