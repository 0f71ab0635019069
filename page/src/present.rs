//! Views built from the [`Store`] on request: list pages, trace details, metrics, insights.

use std::collections::{BTreeMap, BTreeSet};

use genai_validator::telemetry::{Attributes, Span, Status, TraceId};
use genai_validator::{Finding, FindingId};

use crate::conversation;
use crate::docs::AttributeDocs;
use crate::query::TraceQuery;
use crate::store::{Checked, HeldSpan, Store, Trace, mark, status_name};
use crate::text::{clip, value_text};
use crate::view::{
    AttrView, Distribution, EventView, Facets, FindingView, InsightsView, LogView, LoopView,
    MetricView, ReportData, SpanView, Summary, ToolView, TopTrace, TraceDetail, TracePage,
    TraceRow,
};

/// Distinct values per filter menu, at most.
const MAX_FACETS: usize = 200;

/// Finding ids shown in the insights' loop panel (the insights' own findings).
const LOOP_FINDINGS: [&str; 6] = [
    "loop_suspected",
    "llm_call_budget_exceeded",
    "token_budget_exceeded",
    "cost_budget_exceeded",
    "tool_error_rate_exceeded",
    "agent_nesting_too_deep",
];

/// A finding as shown.
pub(crate) fn finding_view(f: &Finding) -> FindingView {
    FindingView {
        id: f.id.as_str().to_owned(),
        level: f.level.as_str(),
        attribute: f.attribute.as_deref().map(clip),
        message: clip(&f.message),
    }
}

fn ms(ns: u64) -> f64 {
    ns as f64 / 1e6
}

fn row(id: &TraceId, t: &Trace) -> TraceRow {
    let f = &t.figures;
    TraceRow {
        id: id.to_string(),
        seq: t.seq,
        root: f.root.clone().unwrap_or_else(|| f.first_name.clone()),
        service: f.service.clone(),
        agents: f.agents.clone(),
        models: f.models.clone(),
        start_ms: ms(f.start_ns),
        duration_ms: ms(f.end_ns.saturating_sub(f.start_ns)),
        spans: f.spans,
        llm_calls: f.llm_calls,
        tool_calls: f.tool_calls,
        tool_errors: f.tool_errors,
        input_tokens: f.input_tokens,
        output_tokens: f.output_tokens,
        cost_usd: (f.llm_calls > f.unpriced).then_some(f.cost),
        unpriced_calls: f.unpriced,
        mark: mark(f.worst),
        violations: f.violations,
        findings: f.findings,
    }
}

fn matches(id: &TraceId, t: &Trace, q: &TraceQuery) -> bool {
    let f = &t.figures;
    if q.violations && f.violations == 0 {
        return false;
    }
    if q.agent.as_ref().is_some_and(|a| !f.agents.contains(a)) {
        return false;
    }
    if q.model.as_ref().is_some_and(|m| !f.models.contains(m)) {
        return false;
    }
    if q.service.as_ref().is_some_and(|s| &f.service != s) {
        return false;
    }
    let Some(text) = &q.text else {
        return true;
    };
    let has = |s: &str| s.to_lowercase().contains(text.as_str());
    has(&id.to_string())
        || has(&f.service)
        || f.agents.iter().any(|a| has(a))
        || f.models.iter().any(|m| has(m))
        || t.spans.iter().any(|s| has(&s.checked.item.name))
}

/// Flags an attribute by the findings about its key.
fn flag(findings: &[Finding], key: &str) -> Option<&'static str> {
    findings
        .iter()
        .filter(|f| f.attribute.as_deref() == Some(key))
        .find_map(|f| match f.id {
            FindingId::UnknownAttribute => Some("unknown"),
            FindingId::DeprecatedAttribute => Some("deprecated"),
            FindingId::LegacyAttribute => Some("legacy"),
            FindingId::TypeMismatch => Some("type_mismatch"),
            FindingId::OptInAttributePresent => Some("opt_in"),
            FindingId::UndefinedEnumVariant => Some("undefined_enum_value"),
            _ => None,
        })
}

fn attributes(
    attrs: &Attributes,
    definition: Option<&str>,
    findings: &[Finding],
    docs: &AttributeDocs,
) -> Vec<AttrView> {
    attrs
        .iter()
        .map(|(k, v)| AttrView {
            key: clip(k.as_str()),
            value: value_text(v),
            value_type: v.type_name(),
            doc: docs.lookup(definition, k.as_str()),
            flag: flag(findings, k.as_str()),
        })
        .collect()
}

fn log_view(
    l: &Checked<genai_validator::telemetry::LogRecord>,
    start_ns: u64,
    docs: &AttributeDocs,
) -> LogView {
    let log = &l.item;
    let definition = l.definition.as_deref();
    LogView {
        span: log.span_id.map(|s| s.to_string()),
        name: log.event_name.as_deref().map(clip).unwrap_or_default(),
        offset_ms: if start_ns > 0 && log.time_unix_nano >= start_ns {
            ms(log.time_unix_nano - start_ns)
        } else {
            0.0
        },
        severity: match &log.severity_text {
            Some(t) => clip(t),
            None => log.severity_number.to_string(),
        },
        body: log.body.as_ref().map(value_text).unwrap_or_default(),
        definition: definition.map(str::to_owned),
        mark: mark(l.findings.iter().map(|f| f.level).max()),
        findings: l.findings.iter().map(finding_view).collect(),
        attributes: attributes(&log.attributes, definition, &l.findings, docs),
        conversation: conversation::from_attributes(&log.attributes),
    }
}

fn span_view(
    h: &HeldSpan,
    depth: usize,
    note: Option<&'static str>,
    start_ns: u64,
    docs: &AttributeDocs,
) -> SpanView {
    let s: &Span = &h.checked.item;
    let definition = h.checked.definition.as_deref();
    let mut convo = conversation::from_attributes(&s.attributes);
    for e in &s.events {
        convo.extend(conversation::from_attributes(&e.attributes));
    }
    SpanView {
        id: s.span_id.to_string(),
        parent: s.parent_span_id.map(|p| p.to_string()),
        depth,
        tree_note: note,
        name: clip(&s.name),
        kind: s.kind.as_str(),
        definition: definition.map(str::to_owned),
        offset_ms: ms(s.start_time_unix_nano.saturating_sub(start_ns)),
        duration_ms: ms(s.end_time_unix_nano.saturating_sub(s.start_time_unix_nano)),
        status: status_name(&s.status),
        status_message: match &s.status {
            Status::Error { message } if !message.is_empty() => Some(clip(message)),
            _ => None,
        },
        mark: mark(h.checked.findings.iter().map(|f| f.level).max()),
        findings: h.checked.findings.iter().map(finding_view).collect(),
        attributes: attributes(&s.attributes, definition, &h.checked.findings, docs),
        events: s
            .events
            .iter()
            .take(200)
            .map(|e| EventView {
                name: clip(&e.name),
                offset_ms: ms(e.time_unix_nano.saturating_sub(start_ns)),
                attributes: attributes(&e.attributes, None, &[], docs),
            })
            .collect(),
        conversation: convo,
        tokens: h.tokens.map(|t| [t.input, t.output]),
        cost_usd: h.cost,
    }
}

fn distribution(values: impl Iterator<Item = f64>) -> Distribution {
    let mut v: Vec<f64> = values.filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return Distribution::default();
    }
    v.sort_by(f64::total_cmp);
    let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
    Distribution {
        count: v.len() as u64,
        p50: at(0.5),
        p95: at(0.95),
        max: v[v.len() - 1],
    }
}

impl Store {
    /// Rows, newest first.
    fn rows_newest_first(&self) -> impl Iterator<Item = (&TraceId, &Trace)> {
        self.order
            .values()
            .rev()
            .filter_map(|id| self.traces.get_key_value(id))
    }

    /// One page of the trace list.
    pub fn page(&self, q: &TraceQuery) -> TracePage {
        let mut agents = BTreeSet::new();
        let mut models = BTreeSet::new();
        let mut services = BTreeSet::new();
        let mut rows = Vec::with_capacity(q.per_page);
        let mut matching = 0usize;
        let skip = q.page.saturating_mul(q.per_page);
        for (id, t) in self.rows_newest_first() {
            let f = &t.figures;
            for (set, values) in [
                (&mut agents, &f.agents[..]),
                (&mut models, &f.models[..]),
                (&mut services, std::slice::from_ref(&f.service)),
            ] {
                for v in values {
                    if set.len() < MAX_FACETS && !v.is_empty() {
                        set.insert(v.clone());
                    }
                }
            }
            if !matches(id, t, q) {
                continue;
            }
            if matching >= skip && rows.len() < q.per_page {
                rows.push(row(id, t));
            }
            matching += 1;
        }
        TracePage {
            rows,
            page: q.page,
            per_page: q.per_page,
            matching,
            held: self.traces.len(),
            facets: Facets {
                agents: agents.into_iter().collect(),
                models: models.into_iter().collect(),
                services: services.into_iter().collect(),
            },
        }
    }

    /// Everything about one trace, `None` when it is not held.
    pub fn detail(&self, id: &TraceId, docs: &AttributeDocs) -> Option<TraceDetail> {
        let t = self.traces.get(id)?;
        let start = t.figures.start_ns;
        let links: Vec<_> = t
            .spans
            .iter()
            .map(|s| (Some(s.checked.item.span_id), s.checked.item.parent_span_id))
            .collect();
        let spans = genai_validator::tree::SpanTree::build(&links)
            .nodes
            .into_iter()
            .map(|n| span_view(&t.spans[n.index], n.depth, n.link.note(), start, docs))
            .collect();
        let mut logs: Vec<LogView> = t.logs.iter().map(|l| log_view(l, start, docs)).collect();
        logs.sort_by(|a, b| a.offset_ms.total_cmp(&b.offset_ms));
        let root = t
            .spans
            .iter()
            .find(|s| s.checked.item.parent_span_id.is_none())
            .or(t.spans.first());
        let resource = root
            .map(|r| attributes(&r.checked.item.resource.attributes, None, &[], docs))
            .unwrap_or_default();
        Some(TraceDetail {
            row: row(id, t),
            spans,
            logs,
            resource,
            spans_not_shown: t.spans_not_held,
        })
    }

    /// The metric streams received.
    pub fn metrics_view(&self, docs: &AttributeDocs) -> Vec<MetricView> {
        self.metrics
            .iter()
            .map(|m| MetricView {
                name: m.name.clone(),
                definition: m.definition.as_deref().map(str::to_owned),
                brief: m
                    .definition
                    .as_deref()
                    .and_then(|d| docs.definition_brief(d))
                    .map(str::to_owned),
                unit: m.unit.clone(),
                kind: m.kind,
                batches: m.batches,
                points: m.points,
                recent: m.recent.iter().cloned().collect(),
                mark: mark(m.worst),
                findings: m.findings.clone(),
            })
            .collect()
    }

    /// Tokens, cost, LLM calls, tools, time to first token and loop findings.
    pub fn insights(&self) -> InsightsView {
        let mut view = InsightsView {
            prices: self.prices_label(),
            traces: self.traces.len() as u64,
            ..InsightsView::default()
        };
        let mut histogram: BTreeMap<u64, u64> = BTreeMap::new();
        let mut top: Vec<(f64, u64, &TraceId, &Trace)> = Vec::new();
        for (id, t) in self.rows_newest_first() {
            let f = &t.figures;
            view.tokens[0] += f.input_tokens;
            view.tokens[1] += f.output_tokens;
            view.cost_usd += f.cost;
            view.unpriced_calls += f.unpriced;
            *histogram.entry(f.llm_calls).or_default() += 1;
            top.push((f.cost, f.input_tokens + f.output_tokens, id, t));
            for s in &t.spans {
                for finding in &s.checked.findings {
                    if view.loops.len() < 200 && LOOP_FINDINGS.contains(&finding.id.as_str()) {
                        view.loops.push(LoopView {
                            trace: id.to_string(),
                            span: s.checked.item.span_id.to_string(),
                            span_name: clip(&s.checked.item.name),
                            finding: finding_view(finding),
                        });
                    }
                }
            }
        }
        view.llm_calls = distribution(
            histogram
                .iter()
                .flat_map(|(calls, n)| std::iter::repeat_n(*calls as f64, *n as usize)),
        );
        view.llm_calls_histogram = histogram.into_iter().collect();
        top.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.cmp(&a.1)));
        view.top_traces = top
            .into_iter()
            .take(10)
            .filter(|(_, tokens, _, _)| *tokens > 0)
            .map(|(_, tokens, id, t)| {
                let r = row(id, t);
                TopTrace {
                    id: r.id,
                    root: r.root,
                    tokens,
                    cost_usd: r.cost_usd,
                }
            })
            .collect();
        view.tools = self
            .totals
            .tools
            .iter()
            .map(|(name, t)| ToolView {
                name: name.clone(),
                calls: t.calls,
                errors: t.errors,
                error_rate: if t.calls == 0 {
                    0.0
                } else {
                    t.errors as f64 / t.calls as f64
                },
                latency_ms: distribution(t.durations_ms.iter().copied()),
            })
            .collect();
        view.time_to_first_token_ms = distribution(self.totals.ttft_ms.iter().copied());
        view
    }

    /// Counts over everything received.
    pub fn summary(&self, registry: &str, version: u64) -> Summary {
        let mut by_id: Vec<(String, u64)> = self
            .totals
            .by_id
            .iter()
            .map(|(id, n)| ((*id).to_owned(), *n))
            .collect();
        by_id.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        Summary {
            registry: registry.to_owned(),
            spans: self.totals.spans,
            logs: self.totals.logs,
            metrics: self.totals.metrics,
            traces: self.totals.traces,
            traces_evicted: self.totals.traces_evicted,
            levels: self.totals.levels,
            by_id,
            version,
            prices: self.prices_label(),
        }
    }

    /// Log records received without a trace.
    pub fn loose_logs(&self, docs: &AttributeDocs) -> Vec<LogView> {
        self.loose_logs
            .iter()
            .map(|l| log_view(l, 0, docs))
            .collect()
    }

    /// Everything held, for a report file.
    pub fn report_data(&self, docs: &AttributeDocs, registry: &str) -> ReportData {
        let rows: Vec<TraceRow> = self.rows_newest_first().map(|(id, t)| row(id, t)).collect();
        let details = self
            .rows_newest_first()
            .filter_map(|(id, _)| self.detail(id, docs).map(|d| (id.to_string(), d)))
            .collect();
        ReportData {
            summary: self.summary(registry, 0),
            rows,
            details,
            metrics: self.metrics_view(docs),
            insights: self.insights(),
            logs: self.loose_logs(docs),
        }
    }
}

#[cfg(test)]
mod tests {

    use genai_validator::telemetry::{Attributes, Span, SpanId, SpanKind, TraceId};
    use genai_validator::{Telemetry, Validator};

    use crate::query::TraceQuery;
    use crate::store::{Limits, Store};

    fn span(trace: u128, id: u64, parent: Option<u64>, name: &str, attrs: &[(&str, &str)]) -> Span {
        let mut attributes = Attributes::default();
        for (k, v) in attrs {
            attributes.push(k.to_string(), v.to_string());
        }
        let mut span = Span::new(
            TraceId::from(trace),
            SpanId::from(id),
            name.to_owned(),
            SpanKind::Internal,
            attributes,
        );
        span.parent_span_id = parent.map(SpanId::from);
        span.start_time_unix_nano = 1_000_000_000 + id * 1_000_000;
        span.end_time_unix_nano = 1_000_000_000 + id * 2_000_000;
        span
    }

    fn feed(store: &mut Store, spans: Vec<Span>) {
        let loaded = genai_registry::embedded::load().expect("embedded registry loads");
        let validator = Validator::new(&loaded.registry);
        let telemetry = Telemetry {
            spans,
            ..Telemetry::default()
        };
        let report = validator.validate(&telemetry);
        store.ingest(telemetry, &report.spans, &report.logs, &report.metrics);
    }

    #[test]
    fn lists_newest_first_filter_and_evict_the_oldest() {
        let mut store = Store::new(Limits {
            max_traces: 3,
            ..Limits::default()
        });
        for t in 1..=4u128 {
            let agent = if t % 2 == 0 { "even" } else { "odd" };
            let mut spans = vec![span(
                t,
                1,
                None,
                &format!("invoke_agent {agent}"),
                &[
                    ("gen_ai.operation.name", "invoke_agent"),
                    ("gen_ai.agent.name", agent),
                ],
            )];
            if t == 4 {
                spans.push(span(
                    t,
                    2,
                    Some(1),
                    "chat",
                    &[("gen_ai.operation.name", "chat"), ("gen_ai.bogus", "x")],
                ));
            }
            feed(&mut store, spans);
        }
        assert_eq!(store.trace_count(), 3, "the oldest trace is evicted");
        assert_eq!(store.totals.traces_evicted, 1);
        let all = store.page(&TraceQuery::parse(""));
        let roots: Vec<&str> = all.rows.iter().map(|r| r.root.as_str()).collect();
        assert_eq!(
            roots,
            ["invoke_agent even", "invoke_agent odd", "invoke_agent even"]
        );
        assert_eq!(all.rows[0].llm_calls, 1);
        assert_eq!(all.facets.agents, ["even", "odd"]);
        assert_eq!(all.rows[0].mark, "violation", "the unknown gen_ai key");
        let bad = store.page(&TraceQuery::parse("violations=1"));
        let violating = all.rows.iter().filter(|r| r.violations > 0).count();
        assert_eq!(bad.matching, violating);
        assert!(
            bad.rows
                .iter()
                .all(|r| r.violations > 0 && r.mark == "violation")
        );
        let odd = store.page(&TraceQuery::parse("agent=odd"));
        assert_eq!(odd.matching, 1);
        let text = store.page(&TraceQuery::parse("q=CHAT"));
        assert_eq!(text.matching, 1);
        let paged = store.page(&TraceQuery::parse("per_page=2&page=1"));
        assert_eq!((paged.rows.len(), paged.matching), (1, 3));
    }
}
