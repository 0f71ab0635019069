//! `semconv validate`: check OTLP files (JSON, JSON Lines, protobuf) against a registry.

use std::path::PathBuf;
use std::process::ExitCode;

use genai_validator::{Options, Telemetry, Validator, load_file};

use crate::registry_args::RegistryArgs;

use crate::report_format::ReportFormat as Format;

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
    /// Write the report to this file (default: stdout).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
}

/// Runs the command: exit 0 without violations, 1 with violations, 2 when some input could
/// not be read (what could be read is still validated and reported).
pub fn run(args: Args) -> miette::Result<ExitCode> {
    let loaded = match args.registry.load_or_report(false, 2) {
        Ok(l) => l,
        Err(code) => return Ok(code),
    };
    let options = Options {
        capture_content: args.capture_content,
        allowed_namespaces: args.allow_namespaces,
        allow_custom_attributes: false,
    };
    let validator = Validator::with_options(&loaded.registry, options);
    let mut telemetry = Telemetry::new();
    let mut errors = Vec::new();
    for path in &args.files {
        match load_file(path) {
            Ok((mut t, errs)) => {
                telemetry.append(&mut t);
                errors.extend(errs.into_iter().map(|e| e.to_string()));
            }
            Err(e) => errors.push(e.to_string()),
        }
    }
    let mut result = validator.validate(&telemetry);
    result.input_errors = errors;
    for e in &result.input_errors {
        eprintln!("error: {e}");
    }
    let out = match args.format {
        Format::Text => result.to_text(),
        Format::Json => result.to_json(),
        Format::Junit => result.to_junit(),
        Format::Html => {
            let page = crate::page::report_page(&loaded.registry);
            page.ingest(telemetry, &result.spans, &result.logs, &result.metrics);
            page.report_html("semconv validate report")
        }
    };
    match &args.output {
        Some(path) => std::fs::write(path, out)
            .map_err(|e| miette::miette!("cannot write {}: {e}", path.display()))?,
        None => print!("{out}"),
    }
    Ok(if !result.input_errors.is_empty() {
        ExitCode::from(2)
    } else if result.has_violations() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
