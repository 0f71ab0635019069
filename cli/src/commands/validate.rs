//! `semconv validate`: check OTLP files (JSON, JSON Lines, protobuf) against a registry.

use std::path::PathBuf;
use std::process::ExitCode;

use genai_validator::input::{LoadOptions, stream_file_with};
use genai_validator::session::Limits;
use genai_validator::{InputError, Options, ReportLimits, Session, Validator};

use crate::insight_args::{Collector, InsightArgs};
use crate::output::emit;
use crate::registry_args::RegistryArgs;
use crate::report_format::{ReportArgs, ReportFormat as Format, write_report};

/// Arguments of `semconv validate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    registry: RegistryArgs,
    /// OTLP files: `.json` (one request or JSON Lines), `.jsonl`, `.pb` (protobuf).
    #[arg(value_name = "FILE", required = true)]
    files: Vec<PathBuf>,
    /// Report format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Declare that content capture was enabled: content attributes are expected and checked
    /// against the message formats instead of being reported as privacy leaks.
    #[arg(long)]
    capture_content: bool,
    /// Accept undefined keys under this namespace (repeatable), e.g. `gen_ai.acme`.
    #[arg(long = "allow-namespace", value_name = "NS")]
    allow_namespaces: Vec<String>,
    #[command(flatten)]
    report: ReportArgs,
    /// Items listed one by one in the report; later items are validated and counted (per
    /// finding id and level) but not listed, so memory is bounded by the report, not the input.
    #[arg(long, value_name = "N", default_value_t = ReportLimits::default().max_items)]
    max_report_items: usize,
    /// Findings listed per item (the most severe); the rest are counted.
    #[arg(long, value_name = "N", default_value_t = ReportLimits::default().max_findings_per_item)]
    max_findings_per_item: usize,
    #[command(flatten)]
    insights: InsightArgs,
    /// Write the report to this file (default: stdout).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
}

/// What the decoding thread hands to the validating one.
enum Decoded {
    /// One request of a file.
    Request(genai_validator::Telemetry),
    /// A request (or a whole file) that could not be read.
    Error(InputError),
}

/// Decoded requests waiting for validation, at most.
const DECODED_IN_FLIGHT: usize = 4;

/// Runs the command: exit 0 without violations, 1 with violations, 2 when some input could
/// not be read (what could be read is still validated and reported).
pub fn run(args: Args) -> miette::Result<ExitCode> {
    // Files are decoded on their own thread, request by request, while this one validates:
    // only a few decoded requests are in memory at a time, and both cores work. Decoding
    // starts first, while the registry loads. (Should this command end early, on a bad
    // registry or configuration, the process ends with it; the files will have been opened
    // and read from, which matters only for a FILE that is a pipe.)
    let (sender, requests) = std::sync::mpsc::sync_channel::<Decoded>(DECODED_IN_FLIGHT);
    let files = args.files.clone();
    let decoder = std::thread::Builder::new()
        .name("semconv-decode".into())
        .spawn(move || {
            for path in &files {
                let mut each = |t| {
                    let _ = sender.send(Decoded::Request(t));
                };
                let errors = match stream_file_with(path, &LoadOptions::default(), &mut each) {
                    Ok(errors) => errors,
                    Err(e) => vec![e],
                };
                for e in errors {
                    let _ = sender.send(Decoded::Error(e));
                }
            }
        })
        .map_err(|e| miette::miette!("cannot start the decoding thread: {e}"))?;
    let loaded = match args.registry.load_or_report(false, 2) {
        Ok(l) => l,
        Err(code) => return Ok(code),
    };
    let mut options = Options {
        capture_content: args.capture_content,
        allowed_namespaces: args.allow_namespaces.clone(),
        ..Options::default()
    };
    let thresholds = args.report.apply_config(&mut options)?;
    let insight_options = args.insights.options(thresholds)?;
    let validator = Validator::with_options(&loaded.registry, options);
    let limits = Limits {
        report: ReportLimits {
            max_items: args.max_report_items,
            max_findings_per_item: args.max_findings_per_item,
        },
        ..Limits::default()
    };
    let mut session = Session::with_limits(&validator, limits);
    let prices = insight_options.prices.clone();
    let insights = Collector::attach_new(&mut session, insight_options);
    let mut failed = false;
    // The HTML report shows the telemetry itself, so it keeps what it validated (as the
    // report's own lists are bounded, so is the page's store).
    let mut kept = genai_validator::Telemetry::new();
    for decoded in requests {
        match decoded {
            Decoded::Request(mut t) => {
                if args.format == Format::Html {
                    insights.push(&mut session, &t);
                    kept.append(&mut t);
                } else {
                    insights.push_owned(&mut session, t);
                }
            }
            Decoded::Error(e) => {
                failed = true;
                let message = e.to_string();
                eprintln!("error: {}", genai_validator::printable(&message));
                session.input_error(message);
            }
        }
    }
    if decoder.join().is_err() {
        return Err(miette::miette!(
            "decoding the files failed (the decoding thread panicked)"
        ));
    }
    let report = session.finish();
    let insights = insights.finish();
    let text = args.report.text_options();
    emit(args.output.as_deref(), |out| match args.format {
        Format::Html => {
            let page = crate::page::report_page(&loaded.registry, prices);
            page.ingest(kept, &report.spans, &report.logs, &report.metrics);
            out.write_all(page.report_html("semconv validate report").as_bytes())
        }
        _ => write_report(&report, args.format, &text, out, Some(&insights), None),
    })?;
    let code = if failed {
        ExitCode::from(2)
    } else if report.has_violations() || insights.has_violations() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    };
    // The process ends here: freeing the report and the registry would only cost time.
    std::mem::forget(report);
    std::mem::forget(validator);
    std::mem::forget(loaded);
    Ok(code)
}
