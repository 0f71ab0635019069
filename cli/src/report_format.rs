//! The report arguments of commands that print a conformance report (`validate`,
//! `live-check`, `demo`), and writing the report.

use std::path::PathBuf;

use genai_validator::{Config, Level, Options, Report, TextOptions};

/// Report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// Findings folded by kind (violations first), trace trees, counts and coverage.
    Text,
    /// The JSON report, complete (live-check adds a `live_check` object with the receiver's
    /// counters).
    Json,
    /// JUnit XML (one test case per item), for CI test reporters.
    Junit,
}

/// Levels for `--show`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ShowLevel {
    /// Everything, information included.
    Information,
    /// Improvements and violations (the default).
    Improvement,
    /// Violations only.
    Violation,
}

/// What the report lists, and the finding controls.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ReportArgs {
    /// List information-level findings too in the text report (same as `--show information`).
    #[arg(short = 'v', long)]
    pub verbose: bool,
    /// Lowest level listed in the text report (lower levels are counted only; JSON and JUnit
    /// are always complete).
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub show: Option<ShowLevel>,
    /// Configuration file (YAML): per-finding-id controls (`findings: {ignore: [...],
    /// levels: {id: level}}`), see the README.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

impl ReportArgs {
    /// The text report's options.
    pub fn text_options(&self) -> TextOptions {
        let show = match (self.verbose, self.show) {
            (true, _) | (_, Some(ShowLevel::Information)) => Level::Information,
            (_, Some(ShowLevel::Violation)) => Level::Violation,
            _ => Level::Improvement,
        };
        TextOptions {
            show,
            ..TextOptions::default()
        }
    }

    /// Applies `--config` to validation options.
    pub fn apply_config(&self, options: &mut Options) -> miette::Result<()> {
        if let Some(path) = &self.config {
            let config = Config::load(path).map_err(|e| miette::miette!("{e}"))?;
            options.findings = config.policy();
        }
        Ok(())
    }
}

/// Writes `report` in `format`; `extra` is an additional top-level JSON entry.
pub fn write_report(
    report: &Report,
    format: ReportFormat,
    text: &TextOptions,
    out: &mut dyn std::io::Write,
    extra: Option<(&str, &serde_json::Value)>,
) -> std::io::Result<()> {
    match format {
        ReportFormat::Text => report.write_text(out, text),
        ReportFormat::Json => genai_validator::report::json::write(report, out, extra),
        ReportFormat::Junit => report.write_junit(out),
    }
}
