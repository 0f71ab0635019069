//! Reports: findings per span, log record and metric, counts per finding id, coverage of the
//! registry's attributes; rendered as text ([`text`]), JSON ([`json`]) or JUnit XML ([`junit`]).

mod chunked;
pub mod json;
pub mod junit;
pub mod text;

pub use text::TextOptions;

use std::borrow::Cow;
use std::sync::Arc;

use crate::finding::{Finding, FindingId, Level};
use crate::telemetry::{Origin, SpanId, SpanKind, TraceId};
use crate::text::Text;

/// Which signal an item is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ItemSignal {
    /// A span.
    Span,
    /// A log record or event.
    Log,
    /// A metric.
    Metric,
}

impl ItemSignal {
    /// `span`, `log` or `metric`.
    pub fn as_str(self) -> &'static str {
        match self {
            ItemSignal::Span => "span",
            ItemSignal::Log => "log",
            ItemSignal::Metric => "metric",
        }
    }
}

/// The findings about one span, log record or metric.
#[derive(Clone, Debug, PartialEq)]
pub struct ItemReport {
    /// Which signal.
    pub signal: ItemSignal,
    /// Span name, event name (empty for plain logs) or metric name.
    pub name: Cow<'static, str>,
    /// Span kind (spans only).
    pub kind: Option<SpanKind>,
    /// Trace (spans, and logs emitted in a span).
    pub trace_id: Option<TraceId>,
    /// Span id (spans), or the span a log was emitted in.
    pub span_id: Option<SpanId>,
    /// Parent span (spans only).
    pub parent_span_id: Option<SpanId>,
    /// The definition the item was checked against (`span.gen_ai.inference.client`,
    /// `openai.inference.client`, `metric.gen_ai.client.token.usage`, ...), if one matched.
    pub definition: Option<Text>,
    /// Where it was read from.
    pub origin: Origin,
    /// What is wrong (at most [`ReportLimits::max_findings_per_item`], the most severe).
    pub findings: Vec<Finding>,
    /// Findings of this item counted but not listed (past the per-item limit).
    pub findings_not_listed: usize,
}

impl ItemReport {
    /// The highest level among the findings.
    pub fn worst(&self) -> Option<Level> {
        self.findings.iter().map(|f| f.level).max()
    }

    /// Whether any finding is a violation.
    pub fn has_violations(&self) -> bool {
        self.worst() == Some(Level::Violation)
    }
}

/// The registry a report was made against.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RegistryInfo {
    /// Registry name.
    pub name: Option<String>,
    /// Version.
    pub version: Option<String>,
    /// Schema URL.
    pub schema_url: Option<String>,
}

/// Which registry attributes the telemetry used.
#[derive(Clone, Debug, PartialEq)]
pub struct Coverage {
    /// Keys of the registry attributes seen at least once, sorted.
    pub seen: Vec<Arc<str>>,
    /// Number of attributes in the registry.
    pub total: usize,
}

impl Coverage {
    /// Seen / total, in `[0, 1]`.
    pub fn ratio(&self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            self.seen.len() as f64 / self.total as f64
        }
    }
}

/// Counts per level.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LevelCounts {
    /// Violations.
    pub violation: usize,
    /// Improvements.
    pub improvement: usize,
    /// Information.
    pub information: usize,
}

impl LevelCounts {
    /// Adds one finding at `level`.
    #[inline]
    pub fn add(&mut self, level: Level) {
        match level {
            Level::Violation => self.violation += 1,
            Level::Improvement => self.improvement += 1,
            Level::Information => self.information += 1,
        }
    }

    /// The count at `level`.
    pub fn get(&self, level: Level) -> usize {
        match level {
            Level::Violation => self.violation,
            Level::Improvement => self.improvement,
            Level::Information => self.information,
        }
    }

    /// All levels together.
    pub fn total(&self) -> usize {
        self.violation + self.improvement + self.information
    }

    fn merge(&mut self, other: &LevelCounts) {
        self.violation += other.violation;
        self.improvement += other.improvement;
        self.information += other.information;
    }
}

/// Counts per signal.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ItemCounts {
    /// Spans.
    pub spans: usize,
    /// Log records and events.
    pub logs: usize,
    /// Metrics.
    pub metrics: usize,
}

impl ItemCounts {
    /// All signals together.
    pub fn total(&self) -> usize {
        self.spans + self.logs + self.metrics
    }

    /// Adds one item of `signal`.
    pub fn add(&mut self, signal: ItemSignal) {
        match signal {
            ItemSignal::Span => self.spans += 1,
            ItemSignal::Log => self.logs += 1,
            ItemSignal::Metric => self.metrics += 1,
        }
    }

    fn merge(&mut self, other: &ItemCounts) {
        self.spans += other.spans;
        self.logs += other.logs;
        self.metrics += other.metrics;
    }
}

/// Bounds of a report's memory: items listed one by one, findings listed per item.
///
/// Past either bound, items and findings are still validated and counted (per finding id, per
/// level, per signal): only the listing stops, so the counts stay complete.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReportLimits {
    /// Items (spans, log records, metrics together) listed one by one.
    pub max_items: usize,
    /// Findings listed per item (the most severe are kept).
    pub max_findings_per_item: usize,
}

impl ReportLimits {
    /// No bound (the in-memory API's default: every item and finding is listed).
    pub const UNBOUNDED: ReportLimits = ReportLimits {
        max_items: usize::MAX,
        max_findings_per_item: usize::MAX,
    };
}

impl Default for ReportLimits {
    /// 100,000 items, 100 findings per item.
    fn default() -> Self {
        ReportLimits {
            max_items: 100_000,
            max_findings_per_item: 100,
        }
    }
}

/// A conformance report.
#[derive(Clone, Debug)]
pub struct Report {
    /// The registry checked against.
    pub registry: RegistryInfo,
    /// Whether content capture was declared.
    pub capture_content: bool,
    /// Spans, in input order.
    pub spans: Vec<ItemReport>,
    /// Log records, in input order.
    pub logs: Vec<ItemReport>,
    /// Metrics, in input order.
    pub metrics: Vec<ItemReport>,
    /// Input that could not be read (located messages); validation went on with the rest.
    pub input_errors: Vec<String>,
    pub(crate) counts: Vec<usize>,
    pub(crate) levels: LevelCounts,
    pub(crate) validated: ItemCounts,
    pub(crate) not_listed: ItemCounts,
    pub(crate) findings_not_listed: usize,
    pub(crate) seen: Vec<bool>,
    pub(crate) keys: Arc<[Arc<str>]>,
}

impl Report {
    /// An empty report (see [`Validator::report`](crate::Validator::report)).
    pub(crate) fn empty(
        registry: RegistryInfo,
        capture_content: bool,
        keys: Arc<[Arc<str>]>,
    ) -> Self {
        Report {
            registry,
            capture_content,
            spans: Vec::new(),
            logs: Vec::new(),
            metrics: Vec::new(),
            input_errors: Vec::new(),
            counts: vec![0; FindingId::ALL.len()],
            levels: LevelCounts::default(),
            validated: ItemCounts::default(),
            not_listed: ItemCounts::default(),
            findings_not_listed: 0,
            seen: vec![false; keys.len()],
            keys,
        }
    }

    pub(crate) fn count(&mut self, findings: &[Finding]) {
        for f in findings {
            // `ALL` lists the ids in declaration order, so the discriminant is the index.
            self.counts[f.id as usize] += 1;
            self.levels.add(f.level);
        }
    }

    /// Counts an item and its findings (always), and lists it within `limits`.
    pub(crate) fn record(&mut self, mut item: ItemReport, limits: &ReportLimits) {
        if self.listed() >= limits.max_items {
            self.record_unlisted(item.signal, &item.findings);
            return;
        }
        self.count(&item.findings);
        self.validated.add(item.signal);
        if item.findings.len() > limits.max_findings_per_item {
            // Keep the most severe, in their original order otherwise.
            item.findings.sort_by_key(|f| std::cmp::Reverse(f.level));
            let cut = item.findings.len() - limits.max_findings_per_item;
            item.findings.truncate(limits.max_findings_per_item);
            item.findings_not_listed = cut;
            self.findings_not_listed += cut;
        }
        match item.signal {
            ItemSignal::Span => self.spans.push(item),
            ItemSignal::Log => self.logs.push(item),
            ItemSignal::Metric => self.metrics.push(item),
        }
    }

    /// Counts an item that is past the listing limit.
    pub(crate) fn record_unlisted(&mut self, signal: ItemSignal, findings: &[Finding]) {
        self.count(findings);
        self.validated.add(signal);
        self.not_listed.add(signal);
        self.findings_not_listed += findings.len();
    }

    /// Items listed one by one.
    pub fn listed(&self) -> usize {
        self.spans.len() + self.logs.len() + self.metrics.len()
    }

    /// Items validated, per signal (listed or not).
    pub fn validated(&self) -> ItemCounts {
        self.validated
    }

    /// Items validated and counted but not listed (past [`ReportLimits::max_items`]).
    pub fn not_listed(&self) -> ItemCounts {
        self.not_listed
    }

    /// Findings counted but not listed (on items not listed, or past
    /// [`ReportLimits::max_findings_per_item`]).
    pub fn findings_not_listed(&self) -> usize {
        self.findings_not_listed
    }

    /// Adds another report on the same registry (e.g. of another shard of a stream), listing
    /// its items within `limits`; counts and coverage add up.
    pub fn merge(&mut self, other: Report, limits: &ReportLimits) {
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
        for (a, b) in self.seen.iter_mut().zip(&other.seen) {
            *a |= b;
        }
        self.levels.merge(&other.levels);
        self.validated.merge(&other.validated);
        self.not_listed.merge(&other.not_listed);
        self.findings_not_listed += other.findings_not_listed;
        self.input_errors.extend(other.input_errors);
        for item in other
            .spans
            .into_iter()
            .chain(other.logs)
            .chain(other.metrics)
        {
            if self.listed() >= limits.max_items {
                self.not_listed.add(item.signal);
                self.findings_not_listed += item.findings.len();
            } else {
                match item.signal {
                    ItemSignal::Span => self.spans.push(item),
                    ItemSignal::Log => self.logs.push(item),
                    ItemSignal::Metric => self.metrics.push(item),
                }
            }
        }
    }

    /// Every item, spans first.
    pub fn items(&self) -> impl Iterator<Item = &ItemReport> {
        self.spans.iter().chain(&self.logs).chain(&self.metrics)
    }

    /// Every finding.
    pub fn findings(&self) -> impl Iterator<Item = &Finding> {
        self.items().flat_map(|i| &i.findings)
    }

    /// Number of findings per id, for the ids that occur, in id order.
    pub fn counts(&self) -> Vec<(FindingId, usize)> {
        FindingId::ALL
            .iter()
            .zip(&self.counts)
            .filter(|(_, n)| **n > 0)
            .map(|(id, n)| (*id, *n))
            .collect()
    }

    /// Number of findings per level: complete, listed or not.
    pub fn level_counts(&self) -> LevelCounts {
        self.levels
    }

    /// Whether any finding is a violation (listed or not).
    pub fn has_violations(&self) -> bool {
        self.levels.violation > 0
    }

    /// Whether any finding is at `level` or above (listed or not).
    pub fn has_at_least(&self, level: Level) -> bool {
        [Level::Violation, Level::Improvement, Level::Information]
            .into_iter()
            .any(|l| l >= level && self.levels.get(l) > 0)
    }

    /// Which registry attributes were seen.
    pub fn coverage(&self) -> Coverage {
        let mut seen: Vec<Arc<str>> = self
            .keys
            .iter()
            .zip(&self.seen)
            .filter(|(_, s)| **s)
            .map(|(k, _)| k.clone())
            .collect();
        seen.sort();
        Coverage {
            seen,
            total: self.keys.len(),
        }
    }

    /// The report as text with the default [`TextOptions`] (see [`text`]).
    pub fn to_text(&self) -> String {
        text::render(self, &TextOptions::default())
    }

    /// The report as pretty JSON (see [`json`]).
    pub fn to_json(&self) -> String {
        json::render(self)
    }

    /// The report as JUnit XML (see [`junit`]).
    pub fn to_junit(&self) -> String {
        junit::render(self)
    }

    /// Writes the text report to `out` as it is produced (see [`text`]).
    pub fn write_text(
        &self,
        out: &mut dyn std::io::Write,
        options: &TextOptions,
    ) -> std::io::Result<()> {
        text::write(self, out, options)
    }

    /// Writes the pretty JSON report to `out` as it is produced (see [`json`]).
    pub fn write_json(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        json::write(self, out, None)
    }

    /// Writes the JUnit XML report to `out` as it is produced (see [`junit`]).
    pub fn write_junit(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        junit::write(self, out)
    }

    /// [`Report::write_junit`] with more test suites (see [`junit::write_with`]).
    pub fn write_junit_with(
        &self,
        out: &mut dyn std::io::Write,
        suites: &[&str],
    ) -> std::io::Result<()> {
        junit::write_with(self, out, suites)
    }
}

/// `{report}` prints the text report with the default [`TextOptions`].
impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut buf = Vec::new();
        text::write(self, &mut buf, &TextOptions::default()).map_err(|_| std::fmt::Error)?;
        f.write_str(&String::from_utf8_lossy(&buf))
    }
}
