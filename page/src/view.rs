//! The view model: the JSON the page reads (and the report embeds).
//!
//! Every string in it comes from telemetry or the registry and is shown by the page as text
//! only (`textContent`), never as markup.

use serde::Serialize;

use crate::conversation::Message;
use crate::docs::AttrDoc;

/// `ok` (no finding), `info`, `improvement` or `violation`: the worst finding of an item.
pub type Mark = &'static str;

/// One row of the trace list.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TraceRow {
    /// Trace id (32 hex digits).
    pub id: String,
    /// Arrival order (higher is newer).
    pub seq: u64,
    /// Name of the root span (or of the first span received, while the root is missing).
    pub root: String,
    /// `service.name` of the root's resource.
    pub service: String,
    /// `gen_ai.agent.name` values seen in the trace.
    pub agents: Vec<String>,
    /// Models (`gen_ai.response.model`, else `gen_ai.request.model`) seen in the trace.
    pub models: Vec<String>,
    /// Start of the earliest span, in milliseconds since the Unix epoch.
    pub start_ms: f64,
    /// From the earliest start to the latest end, in milliseconds.
    pub duration_ms: f64,
    /// Spans received.
    pub spans: u64,
    /// Inference calls (`chat`, `text_completion`, `generate_content`).
    pub llm_calls: u64,
    /// Tool calls (`execute_tool`).
    pub tool_calls: u64,
    /// Tool calls that failed (status error or `error.type`).
    pub tool_errors: u64,
    /// Input tokens summed over inference spans.
    pub input_tokens: u64,
    /// Output tokens summed over inference spans.
    pub output_tokens: u64,
    /// Cost in USD, when every inference span had a known price.
    pub cost_usd: Option<f64>,
    /// Inference spans whose model has no known price (their cost is not in `cost_usd`).
    pub unpriced_calls: u64,
    /// Worst finding over the trace's spans and logs.
    pub mark: Mark,
    /// Violations in the trace.
    pub violations: u64,
    /// Findings in the trace, every level.
    pub findings: u64,
}

/// One finding, as shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FindingView {
    /// Stable id (`required_attribute_not_present`, ...).
    pub id: String,
    /// `violation`, `improvement` or `information`.
    pub level: &'static str,
    /// The attribute it is about, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attribute: Option<String>,
    /// What is wrong, in one sentence.
    pub message: String,
}

/// One attribute of a span, event or log, with what the registry says about it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AttrView {
    /// The key, as sent.
    pub key: String,
    /// The value as text (cut when long).
    pub value: String,
    /// The value's type as sent (`string`, `int`, `string[]`, ...).
    pub value_type: &'static str,
    /// The registry's documentation for the item's definition; absent for unknown keys.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doc: Option<AttrDoc>,
    /// `unknown`, `deprecated`, `legacy` or `type_mismatch` when a finding concerns the key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flag: Option<&'static str>,
}

/// A span event.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EventView {
    /// Event name.
    pub name: String,
    /// Milliseconds after the trace's start.
    pub offset_ms: f64,
    /// Attributes.
    pub attributes: Vec<AttrView>,
}

/// A span in the trace view: its place in the tree, its timing and its findings.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SpanView {
    /// Span id (16 hex digits).
    pub id: String,
    /// Parent span id, when any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// Depth in the tree (roots 0).
    pub depth: usize,
    /// Why the span is shown as a root although it has a parent (orphan, cycle).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tree_note: Option<&'static str>,
    /// Span name.
    pub name: String,
    /// Span kind (`client`, `internal`, ...).
    pub kind: &'static str,
    /// The definition it matched, when any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub definition: Option<String>,
    /// Milliseconds after the trace's start.
    pub offset_ms: f64,
    /// Duration in milliseconds.
    pub duration_ms: f64,
    /// `unset`, `ok` or `error`.
    pub status: &'static str,
    /// The error status message, when any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_message: Option<String>,
    /// Worst finding.
    pub mark: Mark,
    /// Findings.
    pub findings: Vec<FindingView>,
    /// Attributes, in the order sent.
    pub attributes: Vec<AttrView>,
    /// Span events.
    pub events: Vec<EventView>,
    /// Captured messages, as a conversation.
    pub conversation: Vec<Message>,
    /// Input and output tokens, when the span reports them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tokens: Option<[u64; 2]>,
    /// The span's cost in USD, when priced.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost_usd: Option<f64>,
}

/// A log record (or event) of a trace, or received without one.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LogView {
    /// The span it was emitted in, when any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub span: Option<String>,
    /// Event name (empty for plain logs).
    pub name: String,
    /// Milliseconds after the trace's start (0 without a trace).
    pub offset_ms: f64,
    /// Severity text or number.
    pub severity: String,
    /// Body as text.
    pub body: String,
    /// The definition it matched, when any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub definition: Option<String>,
    /// Worst finding.
    pub mark: Mark,
    /// Findings.
    pub findings: Vec<FindingView>,
    /// Attributes.
    pub attributes: Vec<AttrView>,
    /// Captured messages in the record's attributes, as a conversation.
    pub conversation: Vec<Message>,
}

/// Everything about one trace.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TraceDetail {
    /// The list row.
    pub row: TraceRow,
    /// Spans in tree order.
    pub spans: Vec<SpanView>,
    /// Log records of the trace, in time order.
    pub logs: Vec<LogView>,
    /// Resource attributes of the root span.
    pub resource: Vec<AttrView>,
    /// Spans received beyond the per-trace limit (counted, not shown).
    pub spans_not_shown: u64,
}

/// A page of the trace list.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TracePage {
    /// Rows, newest first.
    pub rows: Vec<TraceRow>,
    /// Zero-based page number.
    pub page: usize,
    /// Rows per page.
    pub per_page: usize,
    /// Traces matching the filter.
    pub matching: usize,
    /// Traces held (the most recent ones).
    pub held: usize,
    /// Facets for the filter menus: distinct agents, models and services (bounded).
    pub facets: Facets,
}

/// Distinct values offered by the filter menus.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Facets {
    /// Agent names.
    pub agents: Vec<String>,
    /// Models.
    pub models: Vec<String>,
    /// Services.
    pub services: Vec<String>,
}

/// One metric stream received.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MetricView {
    /// Metric name.
    pub name: String,
    /// The definition it matched, when any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub definition: Option<String>,
    /// The registry definition's brief, when any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub brief: Option<String>,
    /// Unit as sent.
    pub unit: String,
    /// Instrument data kind (`histogram`, `sum`, ...).
    pub kind: &'static str,
    /// Export batches received for it.
    pub batches: u64,
    /// Data points received.
    pub points: u64,
    /// The most recent points (bounded).
    pub recent: Vec<PointView>,
    /// Worst finding over its batches.
    pub mark: Mark,
    /// Distinct findings (by id and message; bounded).
    pub findings: Vec<FindingView>,
}

/// A data point, as shown.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PointView {
    /// Point attributes as `key=value` text.
    pub attributes: String,
    /// The value as text (histograms: count, sum, min, max).
    pub value: String,
}

/// Counts over everything received.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Summary {
    /// Registry name and version the telemetry was checked against.
    pub registry: String,
    /// Spans, log records and metrics received.
    pub spans: u64,
    /// Log records received.
    pub logs: u64,
    /// Metrics received.
    pub metrics: u64,
    /// Traces seen.
    pub traces: u64,
    /// Traces no longer held (the oldest, past the limit).
    pub traces_evicted: u64,
    /// Findings per level: violation, improvement, information.
    pub levels: [u64; 3],
    /// Findings per id, most frequent first.
    pub by_id: Vec<(String, u64)>,
    /// Changes so far (the page refreshes when it grows).
    pub version: u64,
    /// Which price table produced the cost figures.
    pub prices: String,
}

/// Figures about what the agents did and cost.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct InsightsView {
    /// Which price table produced the cost figures.
    pub prices: String,
    /// Traces held (the figures per trace are over these).
    pub traces: u64,
    /// Input and output tokens over the traces held.
    pub tokens: [u64; 2],
    /// Cost in USD over the traces held (priced calls only).
    pub cost_usd: f64,
    /// Inference calls without a known price (not in `cost_usd`).
    pub unpriced_calls: u64,
    /// The traces that cost the most (or used the most tokens), at most 10.
    pub top_traces: Vec<TopTrace>,
    /// LLM calls per trace: `(calls, traces)` pairs, ascending.
    pub llm_calls_histogram: Vec<(u64, u64)>,
    /// Max, p50 and p95 of LLM calls per trace.
    pub llm_calls: Distribution,
    /// Per tool: calls, error rate and latency.
    pub tools: Vec<ToolView>,
    /// Time to first token in milliseconds (`gen_ai.response.time_to_first_chunk`).
    pub time_to_first_token_ms: Distribution,
    /// Findings about loops and budgets, with the spans they concern.
    pub loops: Vec<LoopView>,
}

/// A trace in the "top traces" panel.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TopTrace {
    /// Trace id.
    pub id: String,
    /// Root span name.
    pub root: String,
    /// Input plus output tokens.
    pub tokens: u64,
    /// Cost in USD, when priced.
    pub cost_usd: Option<f64>,
}

/// Count, max and percentiles of a sample.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Distribution {
    /// Values in the sample.
    pub count: u64,
    /// Median.
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
    /// Largest value.
    pub max: f64,
}

/// One tool's figures.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ToolView {
    /// `gen_ai.tool.name`.
    pub name: String,
    /// Calls.
    pub calls: u64,
    /// Failed calls (status error or `error.type`).
    pub errors: u64,
    /// errors / calls.
    pub error_rate: f64,
    /// Latency in milliseconds (over the most recent calls).
    pub latency_ms: Distribution,
}

/// A loop or budget finding, linked to its span.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LoopView {
    /// Trace id.
    pub trace: String,
    /// Span id.
    pub span: String,
    /// Span name.
    pub span_name: String,
    /// The finding.
    pub finding: FindingView,
}

/// Everything a report file holds: the same views the live page reads.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReportData {
    /// Counts.
    pub summary: Summary,
    /// Every trace row held, newest first.
    pub rows: Vec<TraceRow>,
    /// Trace details by trace id.
    pub details: std::collections::BTreeMap<String, TraceDetail>,
    /// Metric streams.
    pub metrics: Vec<MetricView>,
    /// Insights.
    pub insights: InsightsView,
    /// Log records received without a trace.
    pub logs: Vec<LogView>,
}
