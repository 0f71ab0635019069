//! The `--format` of commands that print a conformance report.

/// Report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// Trace trees with their findings, then counts and coverage (human-readable).
    Text,
    /// The JSON report (live-check adds a `live_check` object with the receiver's counters).
    Json,
    /// JUnit XML (one test case per item), for CI test reporters.
    Junit,
    /// One self-contained HTML file (trace trees, findings, registry docs, insights; no
    /// network access), for CI artifacts.
    Html,
}
