//! The report arguments of commands that print a conformance report (`validate`,
//! `live-check`, `demo`), and writing the report.

use std::path::PathBuf;

use genai_validator::insights::{Insights, Thresholds, render};
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
    /// One self-contained HTML file (trace trees, findings, registry docs, insights; no
    /// network access), for CI artifacts.
    Html,
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

    /// Applies `--config` to validation options; returns the file's insight thresholds
    /// (none when there is no file or no `thresholds:` section).
    pub fn apply_config(&self, options: &mut Options) -> miette::Result<Thresholds> {
        let Some(path) = &self.config else {
            return Ok(Thresholds::default());
        };
        let config = Config::load(path).map_err(|e| miette::miette!("{e}"))?;
        options.findings = config.policy();
        match &config.thresholds {
            None => Ok(Thresholds::default()),
            Some(v) => serde_json::from_value(v.clone())
                .map_err(|e| miette::miette!("{}: `thresholds:` section: {e}", path.display())),
        }
    }
}

/// Writes `report` in `format`, with its insights when given (text: a section after the
/// report; JSON: a top-level `insights` object; JUnit: an `insights` test suite); `extra` is an
/// additional top-level JSON entry.
pub fn write_report(
    report: &Report,
    format: ReportFormat,
    text: &TextOptions,
    out: &mut dyn std::io::Write,
    insights: Option<&Insights>,
    extra: Option<(&str, &serde_json::Value)>,
) -> std::io::Result<()> {
    match format {
        ReportFormat::Text => {
            report.write_text(out, text)?;
            if let Some(i) = insights {
                writeln!(out)?;
                out.write_all(i.to_text().as_bytes())?;
            }
            Ok(())
        }
        ReportFormat::Json => {
            let insights = insights.map(render::json);
            let mut entries: Vec<(&str, &serde_json::Value)> = Vec::new();
            if let Some(v) = &insights {
                entries.push(("insights", v));
            }
            entries.extend(extra);
            genai_validator::report::json::write_entries(report, out, &entries)
        }
        ReportFormat::Html => Err(std::io::Error::other(
            "the HTML report is written by the page renderer (genai-live-page), not here",
        )),
        ReportFormat::Junit => match insights {
            None => report.write_junit(out),
            Some(i) => report.write_junit_with(out, &[&render::junit_suite(i)]),
        },
    }
}
