//! The [`InsightsBuilder`]: traces in, figures and findings out.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write as _;

use foldhash::{HashMap, HashMapExt};

use genai_pricing::{TokenPrices, Usage};

use super::facts::{Facts, Kind, SpanKeys, seconds, service};
use super::finding::{InsightFinding, InsightId};
use super::metrics::MetricState;
use super::tally::{RowValue, Table, Tally};
use super::thresholds::{DEFAULT_MAX_AGENT_DEPTH, DEFAULT_REPEATED_TOOL_CALLS};
use super::{InsightOptions, Insights, ModelKey, ModelKeyRef, Rollup, SpanFigure, TraceInsight};
use crate::finding::Level;
use crate::telemetry::{Metric, Span, SpanId, Telemetry, TraceId};

/// Longest agent, tool, model or service name kept (longer ones are cut, marked `…`).
const MAX_KEY_LEN: usize = 120;
/// Name of the roll-up row that takes keys over [`InsightOptions::max_keys`].
const OTHER: &str = "(other)";
/// Key for an absent name.
const UNKNOWN: &str = "(unknown)";

/// A price looked up in the table: `None` when the table has none for the model.
type FoundPrice = Option<TokenPrices>;

/// Accumulates insights trace by trace; [`InsightsBuilder::finish`] adds the checks that need
/// every trace (tool error rates, metrics against spans).
pub struct InsightsBuilder {
    options: InsightOptions,
    out: Insights,
    /// Price lookups by (provider, model): `None` = no known price.
    /// Prices found (or not) per provider, then model.
    prices: HashMap<Box<str>, HashMap<Box<str>, FoundPrice>>,
    /// Entries in `prices`.
    priced_keys: usize,
    metrics: MetricState,
    /// Per-trace working lists, kept between traces so a trace allocates none of them.
    scratch: Scratch,
    /// The position of the cheapest trace in `out.traces` while it is full, once found.
    cheapest: Option<usize>,
}

/// The per-span lists [`InsightsBuilder::add_trace`] works with, indexed by the span's
/// position in the trace.
#[derive(Default)]
struct Scratch {
    /// (span id, position), sorted by id.
    index: Vec<(u64, usize)>,
    /// The parent's position.
    parent: Vec<Option<usize>>,
    /// The nearest `invoke_agent` above.
    agent_of: Vec<Option<usize>>,
    /// Whether a span below carries usage.
    usage_below: Vec<bool>,
    /// Positions in start order.
    order: Vec<usize>,
    /// Usage counted for the span, and its cost.
    span_usage: Vec<Option<(Usage, Option<f64>)>>,
    /// LLM calls made by an `invoke_agent`'s own invocation.
    agent_llm_calls: Vec<u64>,
    /// The `invoke_agent` spans in start order.
    agents: Vec<usize>,
    /// The durations and times to first chunk the trace adds to its roll-ups.
    row_values: Vec<RowValue>,
    /// The tool calls of one scope, in start order.
    tools: Vec<usize>,
    /// The spans with usage between a loop's first and last call.
    spent: Vec<usize>,
}

fn cut(s: &str) -> String {
    if s.len() <= MAX_KEY_LEN {
        return s.to_string();
    }
    let mut end = MAX_KEY_LEN;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

/// `s` as a key: borrowed, or [`cut`] when too long.
fn short(s: &str) -> Cow<'_, str> {
    if s.len() > MAX_KEY_LEN {
        Cow::Owned(cut(s))
    } else {
        Cow::Borrowed(s)
    }
}

/// The entry (roll-up row, count) of `name` in a map keyed by text: found by reference when
/// present, else added (cut to [`MAX_KEY_LEN`]) while fewer than `max` keys exist, else
/// `(other)`'s.
pub(super) fn entry_of<'m, V: Default>(
    map: &'m mut BTreeMap<String, V>,
    name: &str,
    max: usize,
) -> &'m mut V {
    let name = short(name);
    if map.contains_key(&*name) {
        return map.get_mut(&*name).expect("the key was just seen");
    }
    let key = if map.len() < max {
        name.into_owned()
    } else {
        OTHER.to_string()
    };
    map.entry(key).or_default()
}

/// The row of a provider's model (`(other)` once `max` models are taken), found without
/// building a key when it is there.
pub(super) fn model_row<'m>(
    map: &'m mut BTreeMap<ModelKey, Rollup>,
    provider: &str,
    model: &str,
    max: usize,
) -> &'m mut Rollup {
    let (provider, model) = (short(provider), short(model));
    let probe: &dyn ModelKeyRef = &(&*provider, &*model);
    if map.contains_key(probe) {
        return map.get_mut(probe).expect("the key was just seen");
    }
    let key = if map.len() < max {
        ModelKey {
            provider: provider.into_owned(),
            model: model.into_owned(),
        }
    } else {
        ModelKey {
            provider: OTHER.to_string(),
            model: OTHER.to_string(),
        }
    };
    map.entry(key).or_default()
}

impl InsightsBuilder {
    /// An empty builder.
    pub fn new(options: InsightOptions) -> Self {
        let out = Insights {
            prices: options.prices.label(),
            requests: 0,
            successful_requests: 0,
            usage: Usage::default(),
            cost_usd: 0.0,
            successful_cost_usd: 0.0,
            unpriced_usage: Usage::default(),
            unpriced_calls: 0,
            llm_calls: 0,
            tool_calls: 0,
            rate_limit_hits: 0,
            llm_calls_per_request: Default::default(),
            llm_calls_per_agent_invocation: Default::default(),
            tokens_per_request: Default::default(),
            cost_per_request: Default::default(),
            cost_per_successful_request: Default::default(),
            time_to_first_chunk: Default::default(),
            time_to_first_chunk_metric: None,
            errors: BTreeMap::new(),
            agents: BTreeMap::new(),
            tools: BTreeMap::new(),
            models: BTreeMap::new(),
            services: BTreeMap::new(),
            metric_checks: Vec::new(),
            traces: Vec::new(),
            traces_dropped: 0,
            findings: Vec::new(),
            findings_dropped: 0,
        };
        InsightsBuilder {
            metrics: MetricState::new(options.max_keys),
            options,
            out,
            prices: HashMap::new(),
            priced_keys: 0,
            scratch: Scratch::default(),
            cheapest: None,
        }
    }

    /// The options.
    pub fn options(&self) -> &InsightOptions {
        &self.options
    }

    /// Adds every trace (spans grouped by trace id, in order of first appearance) and metric.
    pub fn add_telemetry(&mut self, telemetry: &Telemetry) {
        self.add_telemetry_keyed(telemetry, &[]);
    }

    /// [`InsightsBuilder::add_telemetry`], with the keys of each span found while validating
    /// it (`keys[i]` is `telemetry.spans[i]`'s; ignored unless there is one per span).
    pub(crate) fn add_telemetry_keyed(&mut self, telemetry: &Telemetry, keys: &[SpanKeys]) {
        // Each span's trace, numbered in order of first appearance; then one list of every
        // span, trace after trace, each in its original order (a counting sort: no list per
        // trace).
        let mut number: HashMap<TraceId, usize> = HashMap::new();
        let mut sizes: Vec<usize> = Vec::new();
        let of: Vec<usize> = telemetry
            .spans
            .iter()
            .map(|s| {
                let next = number.len();
                let t = *number.entry(s.trace_id).or_insert(next);
                if t == sizes.len() {
                    sizes.push(0);
                }
                sizes[t] += 1;
                t
            })
            .collect();
        let mut starts = Vec::with_capacity(sizes.len() + 1);
        let mut at = 0;
        for n in &sizes {
            starts.push(at);
            at += n;
        }
        starts.push(at);
        let keyed = keys.len() == telemetry.spans.len();
        if let Some(first) = telemetry.spans.first() {
            let mut next = starts.clone();
            let mut grouped: Vec<&Span> = vec![first; telemetry.spans.len()];
            let mut grouped_keys = vec![SpanKeys::default(); if keyed { keys.len() } else { 0 }];
            // Without keys, each trace gets none (`analyse` then reads them by text).
            for (i, (s, t)) in telemetry.spans.iter().zip(of).enumerate() {
                grouped[next[t]] = s;
                if keyed {
                    grouped_keys[next[t]] = keys[i];
                }
                next[t] += 1;
            }
            for w in starts.windows(2) {
                let keys = if keyed {
                    &grouped_keys[w[0]..w[1]]
                } else {
                    &[]
                };
                let t = self.analyse(&grouped[w[0]..w[1]], keys);
                self.keep(t);
            }
        }
        self.add_metrics(&telemetry.metrics);
    }

    /// Adds metrics (compared with the spans at [`InsightsBuilder::finish`]).
    pub fn add_metrics(&mut self, metrics: &[Metric]) {
        for m in metrics {
            self.metrics.add(m);
        }
    }

    /// Keeps the finding `make` builds while fewer than `max_findings` are kept; past that it
    /// is only counted, and not built (its message is not even formatted).
    fn finding(&mut self, make: impl FnOnce() -> InsightFinding) {
        if self.out.findings.len() < self.options.max_findings {
            self.out.findings.push(make());
        } else {
            self.out.findings_dropped += 1;
        }
    }

    /// The cost of `usage` at the price of `(provider, model)`: `None` without a model, or
    /// when the table has no price for it. Prices already looked up are used by reference (no
    /// key is built, no count is touched).
    fn cost_of(
        &mut self,
        usage: &Usage,
        provider: Option<&str>,
        model: Option<&str>,
    ) -> Option<f64> {
        let model = model?;
        let provider = provider.unwrap_or("");
        if let Some(p) = self.prices.get(provider).and_then(|m| m.get(model)) {
            return super::cost_of(p.as_ref()?, usage);
        }
        let found = self
            .options
            .prices
            .find(Some(provider).filter(|p| !p.is_empty()), model)
            .map(|m| m.prices.clone());
        let cost = found.as_ref().and_then(|p| super::cost_of(p, usage));
        if self.priced_keys < self.options.max_keys.saturating_mul(4) {
            self.priced_keys += 1;
            self.prices
                .entry(provider.into())
                .or_default()
                .insert(model.into(), found);
        }
        cost
    }

    /// Adds one trace (all its spans; the order does not matter) and returns its summary.
    pub fn add_trace(&mut self, spans: &[&Span]) -> TraceInsight {
        self.add_trace_keyed(spans, &[])
    }

    /// [`InsightsBuilder::add_trace`], with the keys of each span found while validating it
    /// (`keys[i]` is `spans[i]`'s, as a [`CompletedTrace`](crate::session::CompletedTrace)
    /// has them), so the attribute keys are not read a second time; ignored unless there is
    /// one per span.
    pub fn add_trace_keyed(&mut self, spans: &[&Span], keys: &[SpanKeys]) -> TraceInsight {
        let t = self.analyse(spans, keys);
        self.keep(t.clone());
        t
    }

    /// The summary of one trace, its figures added to the roll-ups and its findings made,
    /// the summary not yet kept.
    fn analyse(&mut self, spans: &[&Span], keys: &[SpanKeys]) -> TraceInsight {
        let n = spans.len();
        let facts: Vec<Facts<'_>> = if keys.len() == n {
            spans
                .iter()
                .zip(keys)
                .map(|(s, k)| Facts::at(s, k))
                .collect()
        } else {
            spans.iter().map(|s| Facts::of(s)).collect()
        };
        // Span ids sorted, for the parents' positions (cheaper than a map for a trace's few
        // spans, and as good for many).
        let key = |id: SpanId| u64::from_be_bytes(id.to_bytes());
        let mut scratch = std::mem::take(&mut self.scratch);
        let Scratch {
            index,
            parent,
            agent_of,
            usage_below,
            order,
            span_usage,
            agent_llm_calls,
            agents,
            row_values,
            tools,
            spent,
        } = &mut scratch;
        index.clear();
        index.extend(spans.iter().enumerate().map(|(i, s)| (key(s.span_id), i)));
        index.sort_unstable();
        parent.clear();
        parent.extend(spans.iter().enumerate().map(|(i, s)| {
            let p = key(s.parent_span_id?);
            let at = index.binary_search_by(|(id, _)| id.cmp(&p)).ok()?;
            Some(index[at].1).filter(|p| *p != i)
        }));
        let parent = &*parent;
        let ancestors = |i: usize| walk(parent, i);
        agent_of.clear();
        agent_of.extend((0..n).map(|i| ancestors(i).find(|a| facts[*a].kind() == Kind::Agent)));
        let agent_of = &*agent_of;
        // A span's usage counts only when no span below it carries usage.
        usage_below.clear();
        usage_below.resize(n, false);
        for (i, f) in facts.iter().enumerate() {
            if f.has_usage {
                for a in ancestors(i) {
                    if std::mem::replace(&mut usage_below[a], true) {
                        break;
                    }
                }
            }
        }
        order.clear();
        order.extend(0..n);
        order.sort_by_key(|i| (spans[*i].start_time_unix_nano, *i));
        let order = &*order;

        let th = self.options.thresholds.clone();
        let max_keys = self.options.max_keys;
        let trace_id = spans.first().map_or(TraceId::INVALID, |s| s.trace_id);
        let mut t = TraceInsight {
            trace_id,
            root: String::new(),
            service: None,
            failed: false,
            spans: n,
            llm_calls: 0,
            tool_calls: 0,
            agent_invocations: 0,
            usage: Usage::default(),
            cost_usd: 0.0,
            unpriced_calls: 0,
            duration_s: 0.0,
            span_figures: Vec::new(),
        };
        span_usage.clear();
        span_usage.resize(n, None);
        agent_llm_calls.clear();
        agent_llm_calls.resize(n, 0);
        let mut tally = Tally::new(row_values);
        for &i in order {
            let span = spans[i];
            let f = &facts[i];
            let kind = f.kind();
            let failed = f.failed(span);
            let duration = seconds(span);
            let provider = f
                .provider
                .or_else(|| agent_of[i].and_then(|a| facts[a].provider));
            let agent_name = agent_of[i].map(|a| facts[a].agent_name.unwrap_or(UNKNOWN));
            let service_name = service(span).unwrap_or(UNKNOWN);
            if let Some(e) = f.error_type {
                *entry_of(&mut self.out.errors, e, max_keys) += 1;
            } else if span.status.is_error() {
                *entry_of(&mut self.out.errors, "(status error)", usize::MAX) += 1;
            }
            let counted = f.has_usage && !usage_below[i];
            let cost = if counted {
                let c = self.cost_of(&f.usage, provider, f.model());
                span_usage[i] = Some((f.usage, c));
                t.usage.add(&f.usage);
                self.out.usage.add(&f.usage);
                match c {
                    Some(c) => {
                        t.cost_usd += c;
                        self.out.cost_usd += c;
                    }
                    None => {
                        t.unpriced_calls += 1;
                        self.out.unpriced_calls += 1;
                        self.out.unpriced_usage.add(&f.usage);
                    }
                }
                c
            } else {
                None
            };
            if counted || kind == Kind::Inference {
                let r = tally.row(
                    Table::Model,
                    provider.unwrap_or(UNKNOWN),
                    f.model().unwrap_or(UNKNOWN),
                );
                tally.call(r, failed, duration);
                if kind == Kind::Inference {
                    let d = tally.delta(r);
                    d.llm_calls += 1;
                    if failed && f.rate_limited() {
                        d.rate_limited += 1;
                    }
                    if let Some(ttft) = f.time_to_first_chunk {
                        tally.time_to_first_chunk(r, ttft);
                    }
                }
                if counted {
                    tally.bill(r, &f.usage, cost);
                }
            }
            if f.op.is_some() || counted {
                let r = tally.row(Table::Service, "", service_name);
                tally.call(r, failed, duration);
                tally.delta(r).llm_calls += u64::from(kind == Kind::Inference);
                if counted {
                    tally.bill(r, &f.usage, cost);
                }
            }
            if let Some(name) = agent_name
                && (counted || kind == Kind::Inference)
            {
                let r = tally.row(Table::Agent, "", name);
                tally.delta(r).llm_calls += u64::from(kind == Kind::Inference);
                if counted {
                    tally.bill(r, &f.usage, cost);
                }
            }
            match kind {
                Kind::Inference => {
                    t.llm_calls += 1;
                    self.out.llm_calls += 1;
                    if let Some(a) = agent_of[i] {
                        agent_llm_calls[a] += 1;
                    }
                    if failed && f.rate_limited() {
                        self.out.rate_limit_hits += 1;
                    }
                    if let Some(ttft) = f.time_to_first_chunk {
                        self.out.time_to_first_chunk.add(ttft);
                    }
                }
                Kind::Tool => {
                    t.tool_calls += 1;
                    self.out.tool_calls += 1;
                    let name = f.tool_name.unwrap_or(&span.name);
                    let r = tally.row(Table::Tool, "", name);
                    tally.call(r, failed, duration);
                }
                Kind::Agent => {
                    t.agent_invocations += 1;
                    let name = f.agent_name.unwrap_or(UNKNOWN);
                    let r = tally.row(Table::Agent, "", name);
                    tally.call(r, failed, duration);
                }
                Kind::Other => {}
            }
        }
        tally.apply(&mut self.out, max_keys);

        // Per invocation: LLM calls, loops; nesting.
        agents.clear();
        agents.extend(
            order
                .iter()
                .copied()
                .filter(|i| facts[*i].kind() == Kind::Agent),
        );
        let agents = &*agents;
        let span_usage = &*span_usage;
        for &a in agents {
            let calls = agent_llm_calls[a];
            self.out.llm_calls_per_agent_invocation.add(calls as f64);
            if let Some(max) = th.max_llm_calls_per_agent
                && calls > max
            {
                let members: Vec<usize> = order
                    .iter()
                    .copied()
                    .filter(|i| agent_of[*i] == Some(a) && facts[*i].kind() == Kind::Inference)
                    .collect();
                let (usage, cost) = sum_usage(span_usage, &members);
                self.finding(|| InsightFinding {
                    id: InsightId::AgentLlmCallBudgetExceeded,
                    level: Level::Violation,
                    trace_id: Some(trace_id),
                    spans: std::iter::once(spans[a].span_id)
                        .chain(members.iter().map(|i| spans[*i].span_id))
                        .collect(),
                    message: format!(
                        "agent {:?} made {calls} LLM calls in one invocation (limit {max})",
                        facts[a].agent_name.unwrap_or(UNKNOWN)
                    ),
                    usage,
                    cost_usd: cost,
                });
            }
        }
        // Loops: per invocation (or at top level), tool calls in start order.
        let (repeat_limit, repeat_level) = match th.max_repeated_tool_calls {
            Some(n) => (n, Level::Violation),
            None => (DEFAULT_REPEATED_TOOL_CALLS, Level::Improvement),
        };
        let scopes = agents.iter().map(|a| Some(*a)).chain([None]);
        for scope in scopes {
            let in_scope = |i: &usize| agent_of[*i] == scope && facts[*i].kind() == Kind::Tool;
            // No repeat can pass the limit with this few calls: nothing to gather.
            if order.iter().filter(|i| in_scope(i)).count() as u64 <= repeat_limit {
                continue;
            }
            tools.clear();
            tools.extend(order.iter().copied().filter(in_scope));
            for group in repeated_calls(spans, &facts, tools, repeat_limit) {
                let first = spans[group.spans[0]].start_time_unix_nano;
                let last = group
                    .spans
                    .iter()
                    .map(|i| spans[*i].start_time_unix_nano)
                    .max()
                    .unwrap_or(first);
                spent.clear();
                spent.extend(order.iter().copied().filter(|i| {
                    agent_of[*i] == scope
                        && span_usage[*i].is_some()
                        && spans[*i].start_time_unix_nano >= first
                        && spans[*i].start_time_unix_nano <= last
                }));
                let spent = &*spent;
                let (usage, cost) = sum_usage(span_usage, spent);
                let how = if group.with_arguments {
                    "with the same arguments"
                } else {
                    "in a row (arguments not captured)"
                };
                self.finding(|| InsightFinding {
                    id: InsightId::LoopSuspected,
                    level: repeat_level,
                    trace_id: Some(trace_id),
                    spans: group
                        .spans
                        .iter()
                        .chain(spent.iter())
                        .map(|i| spans[*i].span_id)
                        .collect(),
                    message: {
                        // One string, written piece by piece (names quoted without `{:?}`,
                        // numbers by `itoa`): the finding is made per loop, and `format!`
                        // with `{:?}` cost more than the rest of the trace.
                        let mut m = String::with_capacity(160);
                        match scope {
                            Some(a) => {
                                m.push_str("agent ");
                                push_quoted(&mut m, facts[a].agent_name.unwrap_or(UNKNOWN));
                            }
                            None => m.push_str("the request"),
                        }
                        m.push_str(" called tool ");
                        push_quoted(&mut m, group.tool);
                        m.push(' ');
                        let mut number = itoa::Buffer::new();
                        m.push_str(number.format(group.spans.len()));
                        m.push_str(" times ");
                        m.push_str(how);
                        m.push_str(" (limit ");
                        m.push_str(number.format(repeat_limit));
                        m.push_str("); the LLM calls in between used ");
                        m.push_str(number.format(usage.total()));
                        m.push_str(" tokens");
                        m
                    },
                    usage,
                    cost_usd: cost,
                });
            }
        }
        let (depth_limit, depth_level) = match th.max_agent_depth {
            Some(n) => (n, Level::Violation),
            None => (DEFAULT_MAX_AGENT_DEPTH, Level::Improvement),
        };
        if let Some((deepest, depth)) = agents
            .iter()
            .map(|a| {
                let d = 1 + ancestors(*a)
                    .filter(|p| facts[*p].kind() == Kind::Agent)
                    .count() as u64;
                (*a, d)
            })
            .max_by_key(|(_, d)| *d)
            && depth > depth_limit
        {
            let chain: Vec<SpanId> = std::iter::once(deepest)
                .chain(ancestors(deepest).filter(|p| facts[*p].kind() == Kind::Agent))
                .map(|i| spans[i].span_id)
                .collect();
            self.finding(|| InsightFinding {
                id: InsightId::AgentNestingTooDeep,
                level: depth_level,
                trace_id: Some(trace_id),
                spans: chain,
                message: format!(
                    "agent invocations nested {depth} deep (limit {depth_limit}), down to agent {:?}",
                    facts[deepest].agent_name.unwrap_or(UNKNOWN)
                ),
                usage: Usage::default(),
                cost_usd: None,
            });
        }

        // The request.
        let root = order
            .iter()
            .copied()
            .find(|i| parent[*i].is_none())
            .or_else(|| order.first().copied());
        if let Some(r) = root {
            t.root = cut(&spans[r].name);
            t.service = service(spans[r]).map(cut);
            t.failed = facts[r].failed(spans[r]);
        }
        let start = spans
            .iter()
            .map(|s| s.start_time_unix_nano)
            .min()
            .unwrap_or(0);
        let end = spans
            .iter()
            .map(|s| s.end_time_unix_nano)
            .max()
            .unwrap_or(0);
        t.duration_s = end.saturating_sub(start) as f64 / 1e9;
        self.out.requests += 1;
        self.out.llm_calls_per_request.add(t.llm_calls as f64);
        self.out.tokens_per_request.add(t.usage.total() as f64);
        self.out.cost_per_request.add(t.cost_usd);
        if !t.failed {
            self.out.successful_requests += 1;
            self.out.successful_cost_usd += t.cost_usd;
            self.out.cost_per_successful_request.add(t.cost_usd);
        }
        let all = || -> Vec<SpanId> { root.map(|r| spans[r].span_id).into_iter().collect() };
        if let Some(max) = th.max_llm_calls_per_request
            && t.llm_calls > max
        {
            self.finding(|| InsightFinding {
                id: InsightId::LlmCallBudgetExceeded,
                level: Level::Violation,
                trace_id: Some(trace_id),
                spans: all(),
                message: format!(
                    "request {:?} made {} LLM calls (limit {max})",
                    t.root, t.llm_calls
                ),
                usage: t.usage,
                cost_usd: Some(t.cost_usd),
            });
        }
        if let Some(max) = th.max_tokens_per_request
            && t.usage.total() > max
        {
            self.finding(|| InsightFinding {
                id: InsightId::TokenBudgetExceeded,
                level: Level::Violation,
                trace_id: Some(trace_id),
                spans: all(),
                message: format!(
                    "request {:?} used {} tokens ({} input, {} output; limit {max})",
                    t.root,
                    t.usage.total(),
                    t.usage.input,
                    t.usage.output
                ),
                usage: t.usage,
                cost_usd: Some(t.cost_usd),
            });
        }
        if let Some(max) = th.max_cost_per_request
            && t.cost_usd > max
        {
            let partial = if t.unpriced_calls > 0 {
                format!(" at least ({} calls unpriced)", t.unpriced_calls)
            } else {
                String::new()
            };
            self.finding(|| InsightFinding {
                id: InsightId::CostBudgetExceeded,
                level: Level::Violation,
                trace_id: Some(trace_id),
                spans: all(),
                message: format!(
                    "request {:?} cost{partial} ${:.6} (limit ${max})",
                    t.root, t.cost_usd
                ),
                usage: t.usage,
                cost_usd: Some(t.cost_usd),
            });
        }
        if self.options.span_figures {
            t.span_figures = order
                .iter()
                .map(|i| SpanFigure {
                    span_id: spans[*i].span_id,
                    duration_s: seconds(spans[*i]),
                    usage: span_usage[*i].map(|(u, _)| u),
                    cost_usd: span_usage[*i].and_then(|(_, c)| c),
                })
                .collect();
        }
        self.scratch = scratch;
        t
    }

    /// Keeps `t`, or when full, drops the cheapest kept trace if `t` costs more (cost first,
    /// then tokens, so unpriced traces still rank by what they used).
    fn keep(&mut self, t: TraceInsight) {
        let weight = |t: &TraceInsight| (t.cost_usd, t.usage.input + t.usage.output);
        let lighter = |a: &TraceInsight, b: &TraceInsight| {
            let (ca, ta) = weight(a);
            let (cb, tb) = weight(b);
            ca.total_cmp(&cb).then(ta.cmp(&tb))
        };
        let traces = &mut self.out.traces;
        if traces.len() < self.options.max_traces_kept {
            traces.push(t);
            self.cheapest = None;
            return;
        }
        self.out.traces_dropped += 1;
        // The cheapest kept trace is found again only when one is replaced: a trace that is
        // not kept costs one comparison, not one per kept trace.
        let cheapest = match self.cheapest {
            Some(i) => i,
            None => match traces.iter().enumerate().min_by(|a, b| lighter(a.1, b.1)) {
                Some((i, _)) => i,
                None => return,
            },
        };
        self.cheapest = Some(cheapest);
        if lighter(&traces[cheapest], &t).is_lt() {
            traces.remove(cheapest);
            traces.push(t);
            self.cheapest = None;
        }
    }

    /// The figures so far (without the end-of-stream checks).
    pub fn snapshot(&self) -> &Insights {
        &self.out
    }

    /// Finishes: tool error rates, unpriced models, metrics against spans.
    pub fn finish(mut self) -> Insights {
        if let Some(max) = self.options.thresholds.max_tool_error_rate {
            let over: Vec<(String, u64, u64, f64)> = self
                .out
                .tools
                .iter()
                .filter_map(|(name, r)| {
                    let rate = r.error_rate()?;
                    (rate > max).then(|| (name.clone(), r.errors, r.calls, rate))
                })
                .collect();
            for (name, errors, calls, rate) in over {
                self.finding(|| InsightFinding {
                    id: InsightId::ToolErrorRateExceeded,
                    level: Level::Violation,
                    trace_id: None,
                    spans: Vec::new(),
                    message: format!(
                        "tool {name:?} failed {errors} of {calls} calls ({:.1}%, limit {:.1}%)",
                        rate * 100.0,
                        max * 100.0
                    ),
                    usage: Usage::default(),
                    cost_usd: None,
                });
            }
        }
        let unpriced: Vec<(ModelKey, u64, Usage)> = self
            .out
            .models
            .iter()
            .filter(|(_, r)| r.unpriced_calls > 0)
            .map(|(k, r)| (k.clone(), r.unpriced_calls, r.usage))
            .collect();
        for (k, calls, usage) in unpriced {
            let label = self.out.prices.clone();
            self.finding(|| InsightFinding {
                id: InsightId::UnpricedModel,
                level: Level::Information,
                trace_id: None,
                spans: Vec::new(),
                message: format!(
                    "model {:?} of provider {:?} has no price in {label}: {calls} calls, {} tokens counted apart (pass --prices FILE)",
                    k.model,
                    k.provider,
                    usage.total()
                ),
                usage,
                cost_usd: None,
            });
        }
        let (checks, ttft) = self.metrics.compare(&self.out);
        self.out.time_to_first_chunk_metric = ttft;
        for c in &checks {
            if !c.agrees() {
                let f = InsightFinding {
                    id: InsightId::MetricSpanMismatch,
                    level: Level::Violation,
                    trace_id: None,
                    spans: Vec::new(),
                    message: format!(
                        "metric {} says {} for {}, the spans say {}",
                        c.metric, c.metric_value, c.subject, c.span_value
                    ),
                    usage: Usage::default(),
                    cost_usd: None,
                };
                self.finding(|| f);
            }
        }
        self.out.metric_checks = checks;
        self.out
    }
}

/// The ancestors of `i`, nearest first, at most `parent.len()` of them (a cycle in hostile
/// input ends the walk).
fn walk(parent: &[Option<usize>], i: usize) -> impl Iterator<Item = usize> + '_ {
    let mut cur = parent.get(i).copied().flatten();
    let mut steps = 0;
    std::iter::from_fn(move || {
        let p = cur?;
        steps += 1;
        if steps > parent.len() {
            return None;
        }
        cur = parent[p];
        Some(p)
    })
}

fn sum_usage(
    span_usage: &[Option<(Usage, Option<f64>)>],
    members: &[usize],
) -> (Usage, Option<f64>) {
    let mut usage = Usage::default();
    let mut cost = Some(0.0);
    for i in members {
        if let Some((u, c)) = span_usage[*i] {
            usage.add(&u);
            cost = match (cost, c) {
                (Some(a), Some(b)) => Some(a + b),
                _ => None,
            };
        }
    }
    (usage, cost)
}

/// Repeated tool calls in one scope.
struct Repeat<'s> {
    tool: &'s str,
    with_arguments: bool,
    spans: Vec<usize>,
}

/// Groups of more than `limit` calls of one tool with equal captured arguments; for tools whose
/// arguments were not captured, runs of more than `limit` consecutive calls of the same tool.
fn repeated_calls<'s>(
    spans: &[&'s Span],
    facts: &[Facts<'s>],
    tools: &[usize],
    limit: u64,
) -> Vec<Repeat<'s>> {
    let mut out = Vec::new();
    let name = |i: usize| -> &'s str { facts[i].tool_name.unwrap_or(&spans[i].name) };
    let mut by_args: Vec<(&str, String, Vec<usize>)> = Vec::new();
    for &i in tools {
        if let Some(args) = facts[i].tool_arguments {
            let (n, a) = (name(i), args.to_string());
            match by_args.iter_mut().find(|(tn, ta, _)| *tn == n && *ta == a) {
                Some(g) => g.2.push(i),
                None => by_args.push((n, a, vec![i])),
            }
        }
    }
    for (tool, _, group) in by_args {
        if group.len() as u64 > limit {
            out.push(Repeat {
                tool,
                with_arguments: true,
                spans: group,
            });
        }
    }
    let mut run: Vec<usize> = Vec::with_capacity(tools.len());
    let flush = |run: &mut Vec<usize>, out: &mut Vec<Repeat<'s>>| {
        if run.len() as u64 > limit {
            out.push(Repeat {
                tool: name(run[0]),
                with_arguments: false,
                spans: std::mem::take(run),
            });
        }
        run.clear();
    };
    for &i in tools {
        if facts[i].tool_arguments.is_some() {
            continue;
        }
        if run.last().is_some_and(|l| name(*l) != name(i)) {
            flush(&mut run, &mut out);
        }
        run.push(i);
    }
    flush(&mut run, &mut out);
    out
}

/// Appends `s` as `{:?}` writes it, without the formatter for the usual printable ASCII text.
fn push_quoted(out: &mut String, s: &str) {
    if s.bytes()
        .all(|b| (b' '..=b'~').contains(&b) && b != b'"' && b != b'\\')
    {
        out.push('"');
        out.push_str(s);
        out.push('"');
    } else {
        let _ = write!(out, "{s:?}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_text_reads_as_format_writes_it() {
        for s in [
            "search",
            "",
            "a \"b\"",
            "back\\slash",
            "tab\there",
            "naïve",
            "\u{7f}x",
        ] {
            let mut out = String::new();
            push_quoted(&mut out, s);
            assert_eq!(out, format!("{s:?}"));
        }
    }
}
