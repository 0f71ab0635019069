//! Insights: what the agent did, what it cost, and where it loops.
//!
//! Built per trace (one user request) and rolled up per agent (`gen_ai.agent.name`), per tool
//! (`gen_ai.tool.name`), per provider and model, and per service (`service.name`):
//!
//! - tokens (input, output, cache read, cache write, reasoning), summed over the spans that
//!   carry usage, counting a span's usage only when no span below it carries usage (so an
//!   `invoke_agent` that repeats its children's totals is not counted twice);
//! - LLM calls (`chat`, `text_completion`, `generate_content`) per request and per
//!   `invoke_agent`, tool calls, error rates and latencies, time to first chunk, rate-limit
//!   hits, errors by `error.type`;
//! - cost in USD from a [`PriceTable`] (unknown models are counted apart, never as free);
//! - the cache hit rate `cache_read / input`: the conventions fix `gen_ai.usage.input_tokens`
//!   as every input token, cached ones included, so this is `cache_read / (cache_read +
//!   uncached input)`;
//! - findings ([`InsightId`]): suspected loops, budgets crossed ([`Thresholds`]), nesting,
//!   metrics that contradict their spans.
//!
//! [`Insights::from_telemetry`] reads a whole [`Telemetry`]; an [`InsightsBuilder`] takes
//! traces one at a time (a stream: memory is bounded by its caps, not by the stream's length).

mod build;
mod distribution;
mod facts;
mod finding;
mod metrics;
pub mod render;
mod tally;
mod thresholds;
mod window;

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

pub use build::InsightsBuilder;
pub use distribution::Distribution;
pub(crate) use facts::SlotOf;
pub use facts::SpanKeys;
pub use finding::{InsightFinding, InsightId};
pub use genai_pricing::{PriceTable, Usage};

/// The token usage a span reports, read as the insights read it (also the older
/// `prompt_tokens` / `completion_tokens` keys), `None` when it reports none; and what that
/// usage cost in USD with `prices`, priced as the insights price it (provider and response or
/// request model through the table's match rules), `None` without a table, when the model has
/// no known price or when the table lacks one for a kind of token the span used.
pub fn span_usage_and_cost(
    span: &crate::telemetry::Span,
    prices: Option<&PriceTable>,
) -> (Option<Usage>, Option<f64>) {
    let f = facts::Facts::of(span);
    let cost = prices
        .zip(f.model())
        .and_then(|(prices, m)| prices.find(f.provider, m))
        .and_then(|found| cost_of(found.prices, &f.usage));
    (f.has_usage.then_some(f.usage), cost)
}

/// What `usage` costs at `prices`; `None` when a kind of token it used has no price.
pub(crate) fn cost_of(prices: &genai_pricing::TokenPrices, usage: &Usage) -> Option<f64> {
    prices
        .prices_all_of(usage)
        .then(|| prices.cost(usage).total)
}
pub use metrics::{MetricCheck, MetricHistogram};
pub use thresholds::{DEFAULT_MAX_AGENT_DEPTH, DEFAULT_REPEATED_TOOL_CALLS, Thresholds};
pub use window::TraceWindow;

use crate::finding::Level;
use crate::telemetry::{SpanId, Telemetry, TraceId};

/// How insights are computed.
#[derive(Clone, Debug)]
pub struct InsightOptions {
    /// Limits whose crossing is a violation.
    pub thresholds: Thresholds,
    /// The price table.
    pub prices: Arc<PriceTable>,
    /// Per-trace summaries kept (the most expensive ones); the rest are counted only.
    pub max_traces_kept: usize,
    /// Distinct agents, tools, models and services kept per roll-up; further ones go to
    /// `(other)`.
    pub max_keys: usize,
    /// Findings kept; further ones are counted only.
    pub max_findings: usize,
    /// Keep per-span figures (duration, tokens, cost) in each trace summary (for the demo).
    pub span_figures: bool,
}

/// The embedded price table, shared.
pub fn embedded_prices() -> Arc<PriceTable> {
    static PRICES: OnceLock<Arc<PriceTable>> = OnceLock::new();
    PRICES
        .get_or_init(|| Arc::new(genai_pricing::embedded().clone()))
        .clone()
}

impl Default for InsightOptions {
    fn default() -> Self {
        InsightOptions {
            thresholds: Thresholds::default(),
            prices: embedded_prices(),
            max_traces_kept: 1000,
            max_keys: 1000,
            max_findings: 1000,
            span_figures: false,
        }
    }
}

/// Figures of one agent, tool, model or service.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Rollup {
    /// Spans counted: `invoke_agent` spans for an agent, `execute_tool` spans for a tool,
    /// spans calling or billing the model for a model, GenAI spans for a service.
    pub calls: u64,
    /// Of those, failed ones (status Error or `error.type`).
    pub errors: u64,
    /// Of those, rate-limited ones (HTTP 429 or a rate-limit `error.type`).
    pub rate_limited: u64,
    /// LLM calls (for an agent: the ones its invocations made themselves).
    pub llm_calls: u64,
    /// Tokens.
    pub usage: Usage,
    /// USD, for the priced part.
    pub cost_usd: f64,
    /// Spans with usage but no known price.
    pub unpriced_calls: u64,
    /// Durations of the counted spans, in seconds.
    pub duration: Distribution,
    /// Time to first chunk of streaming calls, in seconds (models only).
    pub time_to_first_chunk: Distribution,
}

impl Rollup {
    /// `errors / calls` (`None` without calls).
    pub fn error_rate(&self) -> Option<f64> {
        (self.calls > 0).then(|| self.errors as f64 / self.calls as f64)
    }
}

/// A provider and model, as the telemetry names them (`(unknown)` when absent).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ModelKey {
    /// `gen_ai.provider.name`.
    pub provider: String,
    /// `gen_ai.response.model`, else `gen_ai.request.model`.
    pub model: String,
}

/// A provider and a model, borrowed: how a [`ModelKey`] row is looked up without building a
/// key.
pub(crate) trait ModelKeyRef {
    /// Provider, then model.
    fn parts(&self) -> (&str, &str);
}

impl ModelKeyRef for ModelKey {
    fn parts(&self) -> (&str, &str) {
        (&self.provider, &self.model)
    }
}

impl ModelKeyRef for (&str, &str) {
    fn parts(&self) -> (&str, &str) {
        *self
    }
}

/// Ordered as [`ModelKey`]'s derived order: provider, then model.
impl<'a> std::borrow::Borrow<dyn ModelKeyRef + 'a> for ModelKey {
    fn borrow(&self) -> &(dyn ModelKeyRef + 'a) {
        self
    }
}

impl PartialEq for dyn ModelKeyRef + '_ {
    fn eq(&self, other: &Self) -> bool {
        self.parts() == other.parts()
    }
}

impl Eq for dyn ModelKeyRef + '_ {}

impl PartialOrd for dyn ModelKeyRef + '_ {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for dyn ModelKeyRef + '_ {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.parts().cmp(&other.parts())
    }
}

/// Figures of one span, for the demo's tree.
#[derive(Clone, Debug, PartialEq)]
pub struct SpanFigure {
    /// The span.
    pub span_id: SpanId,
    /// Duration in seconds.
    pub duration_s: f64,
    /// Tokens counted for this span (absent when it carries none, or its children's count).
    pub usage: Option<Usage>,
    /// Their cost in USD (absent when unpriced or without usage).
    pub cost_usd: Option<f64>,
}

/// Figures of one trace (one user request).
#[derive(Clone, Debug, PartialEq)]
pub struct TraceInsight {
    /// The trace.
    pub trace_id: TraceId,
    /// Name of the root span (the earliest span without a parent in the trace).
    pub root: String,
    /// `service.name` of the root span.
    pub service: Option<String>,
    /// Whether the root failed.
    pub failed: bool,
    /// Spans in the trace.
    pub spans: usize,
    /// LLM calls.
    pub llm_calls: u64,
    /// Tool calls.
    pub tool_calls: u64,
    /// Agent invocations.
    pub agent_invocations: u64,
    /// Tokens.
    pub usage: Usage,
    /// USD, for the priced part.
    pub cost_usd: f64,
    /// Spans with usage but no known price.
    pub unpriced_calls: u64,
    /// From the first span's start to the last span's end, in seconds.
    pub duration_s: f64,
    /// Per-span figures, when [`InsightOptions::span_figures`] is on.
    pub span_figures: Vec<SpanFigure>,
}

/// Insights over a set of traces and metrics.
#[derive(Clone, Debug, PartialEq)]
pub struct Insights {
    /// The price table that produced the costs, with its date.
    pub prices: String,
    /// Requests (traces) analysed.
    pub requests: u64,
    /// Requests whose root did not fail.
    pub successful_requests: u64,
    /// Tokens, over every request.
    pub usage: Usage,
    /// USD, for the priced part.
    pub cost_usd: f64,
    /// USD of the successful requests.
    pub successful_cost_usd: f64,
    /// Tokens without a known price (part of `usage`).
    pub unpriced_usage: Usage,
    /// Spans with usage but no known price.
    pub unpriced_calls: u64,
    /// LLM calls.
    pub llm_calls: u64,
    /// Tool calls.
    pub tool_calls: u64,
    /// Rate-limited inference calls.
    pub rate_limit_hits: u64,
    /// LLM calls per request.
    pub llm_calls_per_request: Distribution,
    /// LLM calls per `invoke_agent` (made by that invocation itself).
    pub llm_calls_per_agent_invocation: Distribution,
    /// Tokens (input + output) per request.
    pub tokens_per_request: Distribution,
    /// USD per request (priced part).
    pub cost_per_request: Distribution,
    /// USD per successful request (priced part).
    pub cost_per_successful_request: Distribution,
    /// `gen_ai.response.time_to_first_chunk` of spans, in seconds.
    pub time_to_first_chunk: Distribution,
    /// The `gen_ai.client.operation.time_to_first_chunk` metric, when present.
    pub time_to_first_chunk_metric: Option<MetricHistogram>,
    /// Failed spans by `error.type` (`(status error)` when only the status says so).
    pub errors: BTreeMap<String, u64>,
    /// Per `gen_ai.agent.name`.
    pub agents: BTreeMap<String, Rollup>,
    /// Per `gen_ai.tool.name`.
    pub tools: BTreeMap<String, Rollup>,
    /// Per provider and model.
    pub models: BTreeMap<ModelKey, Rollup>,
    /// Per `service.name`.
    pub services: BTreeMap<String, Rollup>,
    /// Metrics compared with spans.
    pub metric_checks: Vec<MetricCheck>,
    /// Per-trace summaries (the most expensive, up to [`InsightOptions::max_traces_kept`]), in
    /// the order the traces were analysed.
    pub traces: Vec<TraceInsight>,
    /// Traces analysed but not kept in `traces`.
    pub traces_dropped: u64,
    /// Findings.
    pub findings: Vec<InsightFinding>,
    /// Findings over [`InsightOptions::max_findings`], counted only.
    pub findings_dropped: u64,
}

impl Insights {
    /// Insights over every trace and metric of `telemetry`.
    pub fn from_telemetry(telemetry: &Telemetry, options: &InsightOptions) -> Insights {
        let mut b = InsightsBuilder::new(options.clone());
        b.add_telemetry(telemetry);
        b.finish()
    }

    /// `cache_read / input` over every request (`None` without input tokens).
    pub fn cache_hit_rate(&self) -> Option<f64> {
        (self.usage.input > 0).then(|| self.usage.cache_read as f64 / self.usage.input as f64)
    }

    /// Mean USD per request (`None` without requests).
    pub fn cost_per_request_mean(&self) -> Option<f64> {
        self.cost_per_request.mean()
    }

    /// USD of successful requests divided by their number (`None` without any).
    pub fn cost_per_successful_request_mean(&self) -> Option<f64> {
        (self.successful_requests > 0)
            .then(|| self.successful_cost_usd / self.successful_requests as f64)
    }

    /// Findings with `id`.
    pub fn findings_with(&self, id: InsightId) -> impl Iterator<Item = &InsightFinding> {
        self.findings.iter().filter(move |f| f.id == id)
    }

    /// Whether any finding is a violation.
    pub fn has_violations(&self) -> bool {
        self.findings.iter().any(|f| f.level == Level::Violation)
    }

    /// Number of findings per id, for the ids that occur.
    pub fn counts(&self) -> Vec<(InsightId, usize)> {
        InsightId::ALL
            .iter()
            .map(|id| (*id, self.findings_with(*id).count()))
            .filter(|(_, n)| *n > 0)
            .collect()
    }

    /// The insights as aligned text tables.
    pub fn to_text(&self) -> String {
        render::text(self)
    }

    /// The insights as pretty JSON.
    pub fn to_json(&self) -> String {
        render::json_string(self)
    }
}
