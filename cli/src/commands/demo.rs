//! `semconv demo`: run the example agent (mock model, two tools, plan-then-act) instrumented
//! with the macros, collect its spans and metrics in memory, and print, per span of the trace
//! tree, duration, tokens and cost, then the insights, then the conformance report against
//! the embedded registry. A second request's agent drops each tool result and asks for the
//! same lookup again: the insights report it as a suspected loop.

use std::process::ExitCode;

use genai_semconv::instrument::capture::{CaptureGuard, CaptureMode};
use genai_validator::insights::{Insights, render};
use genai_validator::{Options, Telemetry, Validator, embedded_registry};
use miette::IntoDiagnostic;
use opentelemetry_sdk::metrics::{InMemoryMetricExporter, PeriodicReader, SdkMeterProvider};
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider};

use crate::insight_args::InsightArgs;

/// Output formats.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// Trace tree with figures, insights, findings.
    Text,
    /// The JSON report, with an `insights` object.
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
    insights: InsightArgs,
}

/// Runs the demo; exit 1 if its telemetry has violations (conformance, or a threshold given).
pub fn run(args: Args) -> miette::Result<ExitCode> {
    let mut options = args.insights.options(Default::default())?;
    options.span_figures = true;
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
    let (answer, looping) = {
        let _capture = CaptureGuard::new(mode);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .into_diagnostic()?;
        runtime.block_on(async {
            let demo =
                genai_semconv::instrument::demo::run_demo_agent(&tracer_provider, &meter_provider)
                    .await;
            let looping = genai_semconv::instrument::demo::run_looping_request(
                &tracer_provider,
                &meter_provider,
            )
            .await;
            (demo, looping)
        })
    };
    tracer_provider.force_flush().into_diagnostic()?;
    meter_provider.force_flush().into_diagnostic()?;
    let mut telemetry =
        Telemetry::from_sdk_spans(spans.get_finished_spans().into_diagnostic()?, None);
    let batches = metrics.get_finished_metrics().into_diagnostic()?;
    telemetry.metrics = genai_validator::sdk::metrics_from_sdk(&batches);
    let validator = Validator::with_options(
        embedded_registry(),
        Options {
            capture_content: args.capture_content,
            ..Options::default()
        },
    );
    let report = validator.validate(&telemetry);
    let insights = Insights::from_telemetry(&telemetry, &options);
    match args.format {
        Format::Text => {
            for (what, a) in [("demo agent", &answer), ("looping request", &looping)] {
                match a {
                    Ok(a) => println!("{what} answered: {a}"),
                    Err(e) => println!("{what} failed: {e}"),
                }
            }
            println!(
                "(the looping request's agent drops each tool result and asks for the same lookup again: see loop_suspected below)\n"
            );
            print!("{}", render::span_trees(&telemetry.spans, &insights));
            println!();
            print!("{}", insights.to_text());
            println!();
            print!("{}", report.to_text());
        }
        Format::Json => print!(
            "{}",
            crate::insight_args::render(
                crate::report_format::ReportFormat::Json,
                &report,
                &insights
            )
        ),
    }
    Ok(if report.has_violations() || insights.has_violations() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
