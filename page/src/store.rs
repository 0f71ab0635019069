//! What the page shows: the most recent traces with their spans and findings, metric streams,
//! and running totals, bounded in traces, spans and streams.
//!
//! The consumer that validates telemetry hands each validated batch over with
//! [`Store::ingest`] (moving the decoded items in, so nothing is copied); views are built only
//! when the page asks for them.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;

use genai_validator::insights::{PriceTable, Usage, span_usage_and_cost};
use genai_validator::report::ItemReport;
use genai_validator::telemetry::{LogRecord, Metric, PointValue, Span, Status, TraceId, Value};
use genai_validator::{Finding, Level, Telemetry};

use crate::view::{FindingView, Mark, PointView};

/// Bounds on what the store holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Traces held; the oldest are evicted past it (default 20,000).
    pub max_traces: usize,
    /// Spans held over all traces; the oldest traces are evicted past it (default 200,000).
    pub max_spans: usize,
    /// Spans held per trace; later ones are counted, not held (default 2,000).
    pub max_spans_per_trace: usize,
    /// Log records held per trace, and without a trace (default 1,000).
    pub max_logs_per_trace: usize,
    /// Metric streams (distinct names) held (default 1,000).
    pub max_metric_streams: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_traces: 20_000,
            max_spans: 200_000,
            max_spans_per_trace: 2_000,
            max_logs_per_trace: 1_000,
            max_metric_streams: 1_000,
        }
    }
}

/// Operations that are one LLM call.
pub(crate) const INFERENCE_OPERATIONS: [&str; 3] = ["chat", "text_completion", "generate_content"];

/// An item with what validation said about it.
pub(crate) struct Checked<T> {
    pub item: T,
    pub definition: Option<Arc<str>>,
    pub findings: Vec<Finding>,
}

/// A span with its derived figures.
pub(crate) struct HeldSpan {
    pub checked: Checked<Span>,
    pub tokens: Option<Usage>,
    pub cost: Option<f64>,
}

/// Per-trace figures, updated as spans arrive.
#[derive(Clone, Debug, Default)]
pub(crate) struct TraceFigures {
    pub root: Option<String>,
    pub first_name: String,
    pub service: String,
    pub agents: Vec<String>,
    pub models: Vec<String>,
    pub start_ns: u64,
    pub end_ns: u64,
    pub spans: u64,
    pub llm_calls: u64,
    pub tool_calls: u64,
    pub tool_errors: u64,
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub cost: f64,
    pub unpriced: u64,
    pub worst: Option<Level>,
    pub violations: u64,
    pub findings: u64,
}

/// One trace held.
pub(crate) struct Trace {
    pub seq: u64,
    pub spans: Vec<HeldSpan>,
    pub logs: Vec<Checked<LogRecord>>,
    pub figures: TraceFigures,
    pub spans_not_held: u64,
}

/// One metric stream (by name).
pub(crate) struct MetricStream {
    pub name: String,
    pub definition: Option<Arc<str>>,
    pub unit: String,
    pub kind: &'static str,
    pub batches: u64,
    pub points: u64,
    pub recent: VecDeque<PointView>,
    pub worst: Option<Level>,
    pub findings: Vec<FindingView>,
}

/// Running figures per tool.
#[derive(Clone, Debug, Default)]
pub(crate) struct ToolFigures {
    pub calls: u64,
    pub errors: u64,
    /// The most recent durations in milliseconds (bounded), for percentiles.
    pub durations_ms: VecDeque<f64>,
}

/// Samples kept per distribution.
pub(crate) const SAMPLES: usize = 2_048;
/// Recent points kept per metric stream.
const RECENT_POINTS: usize = 20;
/// Distinct findings kept per metric stream.
const METRIC_FINDINGS: usize = 20;
/// Distinct agents or models listed per trace.
const PER_TRACE_NAMES: usize = 4;

/// Totals over everything received (not only what is held).
#[derive(Clone, Debug, Default)]
pub(crate) struct Totals {
    pub spans: u64,
    pub logs: u64,
    pub metrics: u64,
    pub traces: u64,
    pub traces_evicted: u64,
    pub levels: [u64; 3],
    pub by_id: BTreeMap<&'static str, u64>,
    pub tools: BTreeMap<String, ToolFigures>,
    pub ttft_ms: VecDeque<f64>,
    pub metric_streams_not_held: u64,
}

/// The page's state; see the module docs.
#[derive(Default)]
pub struct Store {
    pub(crate) limits: Limits,
    pub(crate) prices: Option<Arc<PriceTable>>,
    pub(crate) traces: HashMap<TraceId, Trace>,
    /// Traces by arrival (first span), oldest first.
    pub(crate) order: BTreeMap<u64, TraceId>,
    next_seq: u64,
    spans_held: usize,
    /// Log records without a trace, most recent last.
    pub(crate) loose_logs: VecDeque<Checked<LogRecord>>,
    pub(crate) metrics: Vec<MetricStream>,
    metric_index: HashMap<String, usize>,
    pub(crate) totals: Totals,
}

fn push_bounded<T>(q: &mut VecDeque<T>, item: T, cap: usize) {
    if q.len() == cap {
        q.pop_front();
    }
    q.push_back(item);
}

fn level_index(level: Level) -> usize {
    match level {
        Level::Violation => 0,
        Level::Improvement => 1,
        Level::Information => 2,
    }
}

/// The page's mark for a worst level.
pub(crate) fn mark(worst: Option<Level>) -> Mark {
    match worst {
        None => "ok",
        Some(Level::Information) => "info",
        Some(Level::Improvement) => "improvement",
        Some(Level::Violation) => "violation",
    }
}

fn string<'a>(attrs: &'a genai_validator::telemetry::Attributes, key: &str) -> Option<&'a str> {
    attrs
        .get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

fn add_distinct(list: &mut Vec<String>, value: Option<&str>) {
    if let Some(v) = value
        && list.len() < PER_TRACE_NAMES
        && !list.iter().any(|x| x == v)
    {
        list.push(crate::text::clip(v));
    }
}

/// The span's model: the response's, else the request's.
pub(crate) fn model_of(span: &Span) -> Option<&str> {
    string(&span.attributes, "gen_ai.response.model")
        .or_else(|| string(&span.attributes, "gen_ai.request.model"))
}

fn is_tool_error(span: &Span) -> bool {
    span.status.is_error() || span.attributes.contains_key("error.type")
}

impl Store {
    /// An empty store with these limits.
    pub fn new(limits: Limits) -> Self {
        Store {
            limits,
            ..Store::default()
        }
    }

    /// Prices inference spans from now on, as the insights do
    /// ([`genai_validator::insights::span_usage_and_cost`]).
    pub fn set_prices(&mut self, prices: Arc<PriceTable>) {
        self.prices = Some(prices);
    }

    /// Which price table the cost figures come from.
    pub fn prices_label(&self) -> String {
        match &self.prices {
            Some(p) => p.label(),
            None => "no price table".into(),
        }
    }

    /// Number of traces held.
    pub fn trace_count(&self) -> usize {
        self.traces.len()
    }

    /// Takes a validated batch: `telemetry` as decoded, and the report items validation made
    /// for it, in the same order (`spans[i]` is the report of `telemetry.spans[i]`, and so
    /// on). Items without a report are held without findings.
    pub fn ingest(
        &mut self,
        telemetry: Telemetry,
        spans: &[ItemReport],
        logs: &[ItemReport],
        metrics: &[ItemReport],
    ) {
        let Telemetry {
            spans: new_spans,
            logs: new_logs,
            metrics: new_metrics,
        } = telemetry;
        for (i, span) in new_spans.into_iter().enumerate() {
            let checked = self.checked(span, spans.get(i));
            self.add_span(checked);
        }
        for (i, log) in new_logs.into_iter().enumerate() {
            let checked = self.checked(log, logs.get(i));
            self.add_log(checked);
        }
        for (i, metric) in new_metrics.into_iter().enumerate() {
            let checked = self.checked(metric, metrics.get(i));
            self.add_metric(checked);
        }
        self.evict();
    }

    fn checked<T>(&mut self, item: T, report: Option<&ItemReport>) -> Checked<T> {
        let (definition, findings) = match report {
            Some(r) => (r.definition.as_deref().map(Arc::from), r.findings.clone()),
            None => (None, Vec::new()),
        };
        for f in &findings {
            self.totals.levels[level_index(f.level)] += 1;
            *self.totals.by_id.entry(f.id.as_str()).or_default() += 1;
        }
        Checked {
            item,
            definition,
            findings,
        }
    }

    fn new_trace(&mut self, id: TraceId) -> &mut Trace {
        let seq = self.next_seq;
        self.traces.entry(id).or_insert_with(|| {
            self.next_seq += 1;
            self.order.insert(seq, id);
            self.totals.traces += 1;
            Trace {
                seq,
                spans: Vec::new(),
                logs: Vec::new(),
                figures: TraceFigures::default(),
                spans_not_held: 0,
            }
        })
    }

    fn add_span(&mut self, checked: Checked<Span>) {
        self.totals.spans += 1;
        let span = &checked.item;
        let op = string(&span.attributes, "gen_ai.operation.name");
        let inference = op.is_some_and(|o| INFERENCE_OPERATIONS.contains(&o));
        let duration_ms = span
            .end_time_unix_nano
            .saturating_sub(span.start_time_unix_nano) as f64
            / 1e6;
        if op == Some("execute_tool") {
            let name = string(&span.attributes, "gen_ai.tool.name").unwrap_or("(unnamed)");
            if self.totals.tools.len() < 1_000 || self.totals.tools.contains_key(name) {
                let t = self
                    .totals
                    .tools
                    .entry(crate::text::clip(name))
                    .or_default();
                t.calls += 1;
                t.errors += u64::from(is_tool_error(span));
                push_bounded(&mut t.durations_ms, duration_ms, SAMPLES);
            }
        }
        if let Some(ttft) = span
            .attributes
            .get("gen_ai.response.time_to_first_chunk")
            .and_then(Value::as_f64)
        {
            push_bounded(&mut self.totals.ttft_ms, ttft * 1000.0, SAMPLES);
        }
        let (tokens, cost) = if inference {
            let (usage, cost) = span_usage_and_cost(span, self.prices.as_deref());
            (Some(usage.unwrap_or_default()), cost)
        } else {
            (None, None)
        };
        let limit = self.limits.max_spans_per_trace;
        let trace = self.new_trace(span.trace_id);
        let f = &mut trace.figures;
        f.spans += 1;
        if span.parent_span_id.is_none() {
            f.root = Some(crate::text::clip(&span.name));
            f.service = string(&span.resource.attributes, "service.name")
                .map(crate::text::clip)
                .unwrap_or_default();
        } else if f.first_name.is_empty() {
            f.first_name = crate::text::clip(&span.name);
            if f.service.is_empty() {
                f.service = string(&span.resource.attributes, "service.name")
                    .map(crate::text::clip)
                    .unwrap_or_default();
            }
        }
        add_distinct(&mut f.agents, string(&span.attributes, "gen_ai.agent.name"));
        add_distinct(&mut f.models, model_of(span));
        if f.start_ns == 0
            || (span.start_time_unix_nano > 0 && span.start_time_unix_nano < f.start_ns)
        {
            f.start_ns = span.start_time_unix_nano;
        }
        f.end_ns = f.end_ns.max(span.end_time_unix_nano);
        if let Some(t) = &tokens {
            f.llm_calls += 1;
            f.input_tokens += t.input;
            f.output_tokens += t.output;
            match cost {
                Some(c) => f.cost += c,
                None => f.unpriced += 1,
            }
        }
        if op == Some("execute_tool") {
            f.tool_calls += 1;
            f.tool_errors += u64::from(is_tool_error(span));
        }
        for finding in &checked.findings {
            f.findings += 1;
            f.violations += u64::from(finding.level == Level::Violation);
            f.worst = f.worst.max(Some(finding.level));
        }
        if trace.spans.len() < limit {
            trace.spans.push(HeldSpan {
                checked,
                tokens,
                cost,
            });
            self.spans_held += 1;
        } else {
            trace.spans_not_held += 1;
        }
    }

    fn add_log(&mut self, checked: Checked<LogRecord>) {
        self.totals.logs += 1;
        let limit = self.limits.max_logs_per_trace;
        match checked.item.trace_id.filter(|t| *t != TraceId::INVALID) {
            Some(id) => {
                let trace = self.new_trace(id);
                for finding in &checked.findings {
                    trace.figures.findings += 1;
                    trace.figures.violations += u64::from(finding.level == Level::Violation);
                    trace.figures.worst = trace.figures.worst.max(Some(finding.level));
                }
                if trace.logs.len() < limit {
                    trace.logs.push(checked);
                }
            }
            None => push_bounded(&mut self.loose_logs, checked, limit),
        }
    }

    fn add_metric(&mut self, checked: Checked<Metric>) {
        self.totals.metrics += 1;
        let m = &checked.item;
        let index = match self.metric_index.get(m.name.as_ref()) {
            Some(&i) => i,
            None if self.metrics.len() < self.limits.max_metric_streams => {
                self.metrics.push(MetricStream {
                    name: crate::text::clip(&m.name),
                    definition: checked.definition.clone(),
                    unit: crate::text::clip(&m.unit),
                    kind: m.kind.as_str(),
                    batches: 0,
                    points: 0,
                    recent: VecDeque::new(),
                    worst: None,
                    findings: Vec::new(),
                });
                self.metric_index
                    .insert(m.name.to_string(), self.metrics.len() - 1);
                self.metrics.len() - 1
            }
            None => {
                self.totals.metric_streams_not_held += 1;
                return;
            }
        };
        let stream = &mut self.metrics[index];
        stream.batches += 1;
        stream.points += m.points.len() as u64;
        for p in m.points.iter().rev().take(RECENT_POINTS).rev() {
            push_bounded(&mut stream.recent, point_view(p), RECENT_POINTS);
        }
        for f in &checked.findings {
            stream.worst = stream.worst.max(Some(f.level));
            let view = crate::present::finding_view(f);
            if stream.findings.len() < METRIC_FINDINGS && !stream.findings.contains(&view) {
                stream.findings.push(view);
            }
        }
    }

    fn evict(&mut self) {
        while self.traces.len() > self.limits.max_traces
            || (self.spans_held > self.limits.max_spans && self.traces.len() > 1)
        {
            let Some((_, id)) = self.order.pop_first() else {
                break;
            };
            if let Some(t) = self.traces.remove(&id) {
                self.spans_held -= t.spans.len();
                self.totals.traces_evicted += 1;
            }
        }
    }

    /// Forgets everything held and every total (the page's "clear").
    pub fn clear(&mut self) {
        let limits = self.limits;
        let prices = self.prices.take();
        *self = Store::new(limits);
        self.prices = prices;
    }
}

fn point_view(p: &genai_validator::telemetry::DataPoint) -> PointView {
    let attributes: Vec<String> = p
        .attributes
        .iter()
        .take(16)
        .map(|(k, v)| format!("{}={}", k.as_str(), crate::text::value_text(v)))
        .collect();
    let opt = |v: Option<f64>| v.map_or("-".to_owned(), |x| format!("{x}"));
    let value = match &p.value {
        PointValue::Empty => "(empty)".into(),
        PointValue::I64(i) => i.to_string(),
        PointValue::F64(f) => f.to_string(),
        PointValue::Histogram(h) => format!(
            "count {} sum {} min {} max {}",
            h.count,
            opt(h.sum),
            opt(h.min),
            opt(h.max)
        ),
        PointValue::ExponentialHistogram(h) => format!(
            "count {} sum {} min {} max {}",
            h.count,
            opt(h.sum),
            opt(h.min),
            opt(h.max)
        ),
        PointValue::Summary(s) => format!("count {} sum {}", s.count, s.sum),
    };
    PointView {
        attributes: crate::text::clip(&attributes.join(", ")),
        value,
    }
}

/// `unset`, `ok` or `error`.
pub(crate) fn status_name(s: &Status) -> &'static str {
    match s {
        Status::Unset => "unset",
        Status::Ok => "ok",
        Status::Error { .. } => "error",
    }
}
