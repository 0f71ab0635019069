//! Reports: findings per span, log record and metric, counts per finding id, coverage of the
//! registry's attributes; rendered as text ([`text`]), JSON ([`json`]) or JUnit XML ([`junit`]).

pub mod json;
pub mod junit;
pub mod text;

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
    /// What is wrong.
    pub findings: Vec<Finding>,
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
            seen: vec![false; keys.len()],
            keys,
        }
    }

    pub(crate) fn count(&mut self, findings: &[Finding]) {
        for f in findings {
            // `ALL` lists the ids in declaration order, so the discriminant is the index.
            self.counts[f.id as usize] += 1;
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

    /// Number of findings per level.
    pub fn level_counts(&self) -> LevelCounts {
        let mut c = LevelCounts::default();
        for f in self.findings() {
            match f.level {
                Level::Violation => c.violation += 1,
                Level::Improvement => c.improvement += 1,
                Level::Information => c.information += 1,
            }
        }
        c
    }

    /// Whether any finding is a violation.
    pub fn has_violations(&self) -> bool {
        self.findings().any(|f| f.level == Level::Violation)
    }

    /// Whether any finding is at `level` or above.
    pub fn has_at_least(&self, level: Level) -> bool {
        self.findings().any(|f| f.level >= level)
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

    /// The report as text (see [`text`]).
    pub fn to_text(&self) -> String {
        text::render(self)
    }

    /// The report as pretty JSON (see [`json`]).
    pub fn to_json(&self) -> String {
        json::render(self)
    }

    /// The report as JUnit XML (see [`junit`]).
    pub fn to_junit(&self) -> String {
        junit::render(self)
    }
}
