//! `semconv insights`: what the agents in OTLP files did, what it cost, and where they loop.

use std::path::PathBuf;
use std::process::ExitCode;

use genai_validator::insights::Insights;
use genai_validator::{Telemetry, load_file};

use crate::insight_args::InsightArgs;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Summary and aligned tables.
    Text,
    /// The insights as JSON.
    Json,
}

/// Arguments of `semconv insights`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// OTLP files: `.json` (one request or JSON Lines), `.jsonl`, `.pb` (protobuf).
    #[arg(value_name = "FILE", required = true)]
    files: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    #[command(flatten)]
    insights: InsightArgs,
}

/// Runs the command: exit 0 without insight violations, 1 with (a threshold crossed), 2 when
/// some input could not be read.
pub fn run(args: Args) -> miette::Result<ExitCode> {
    let options = args.insights.options(Default::default())?;
    let mut telemetry = Telemetry::new();
    let mut errors = 0;
    for path in &args.files {
        match load_file(path) {
            Ok((mut t, errs)) => {
                telemetry.append(&mut t);
                for e in errs {
                    errors += 1;
                    eprintln!("error: {}", genai_validator::printable(&e.to_string()));
                }
            }
            Err(e) => {
                errors += 1;
                eprintln!("error: {}", genai_validator::printable(&e.to_string()));
            }
        }
    }
    let insights = Insights::from_telemetry(&telemetry, &options);
    crate::output::emit(None, |out| match args.format {
        Format::Text => out.write_all(insights.to_text().as_bytes()),
        Format::Json => writeln!(out, "{}", insights.to_json()),
    })?;
    Ok(if errors > 0 {
        ExitCode::from(2)
    } else if insights.has_violations() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
