//! Insights as text (aligned tables), JSON and a JUnit test suite.

use std::fmt::Write;

use serde_json::{Value as J, json};

use super::{Distribution, InsightFinding, Insights, Rollup, TraceInsight};
use crate::finding::Level;
use crate::report::junit::esc;
use crate::text::clip;

/// Telemetry text as a table cell or line of the text rendering (see [`clip`]).
fn clean(s: &str) -> String {
    clip(s).into_owned()
}

/// An aligned table: the first column left-aligned, the others right-aligned.
fn table(out: &mut String, title: &str, headers: &[&str], rows: &[Vec<String>]) {
    if rows.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n{title}");
    let mut width: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            if let Some(w) = width.get_mut(i) {
                *w = (*w).max(c.chars().count());
            }
        }
    }
    let line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut l = String::from(" ");
        for (i, c) in cells.enumerate() {
            let w = width.get(i).copied().unwrap_or(0);
            let pad = w.saturating_sub(c.chars().count());
            l.push(' ');
            if i == 0 {
                l.push_str(c);
                l.push_str(&" ".repeat(pad));
            } else {
                l.push_str(&" ".repeat(pad));
                l.push_str(c);
            }
            l.push(' ');
        }
        l.trim_end().to_string()
    };
    let _ = writeln!(out, "{}", line(&mut headers.iter().copied()));
    for r in rows {
        let _ = writeln!(out, "{}", line(&mut r.iter().map(|s| s.as_str())));
    }
}

/// USD with enough digits for small per-call costs.
pub fn usd(v: f64) -> String {
    if v == 0.0 {
        "$0".to_string()
    } else if v.abs() < 0.01 {
        format!("${v:.6}")
    } else {
        format!("${v:.4}")
    }
}

fn opt(v: Option<f64>, f: impl Fn(f64) -> String) -> String {
    v.map_or_else(|| "-".to_string(), f)
}

fn secs(v: Option<f64>) -> String {
    opt(v, |s| format!("{s:.3}s"))
}

fn num(v: Option<f64>) -> String {
    opt(v, |x| format!("{x}"))
}

fn cost_cell(r: &Rollup) -> String {
    if r.unpriced_calls > 0 {
        format!("{} +{} unpriced", usd(r.cost_usd), r.unpriced_calls)
    } else {
        usd(r.cost_usd)
    }
}

fn trace_cost(t: &TraceInsight) -> String {
    if t.unpriced_calls > 0 {
        format!("{} +{} unpriced", usd(t.cost_usd), t.unpriced_calls)
    } else {
        usd(t.cost_usd)
    }
}

fn trace_outcome(t: &TraceInsight) -> &'static str {
    if t.failed { "failed" } else { "ok" }
}

impl TraceInsight {
    /// The trace on one line, as a live view lists traces as they complete: id, root span,
    /// LLM and tool calls, tokens (input and output), cost, duration and outcome. Telemetry
    /// text in it is [`printable`](crate::printable).
    pub fn line(&self) -> String {
        format!(
            "trace {} {} · {} LLM call{} · {} tool call{} · {} tokens ({} in, {} out) · {} · {:.3}s · {}",
            self.trace_id,
            clean(&self.root),
            self.llm_calls,
            if self.llm_calls == 1 { "" } else { "s" },
            self.tool_calls,
            if self.tool_calls == 1 { "" } else { "s" },
            self.usage.total(),
            self.usage.input,
            self.usage.output,
            trace_cost(self),
            self.duration_s,
            trace_outcome(self)
        )
    }
}

fn dist(d: &Distribution, unit: fn(Option<f64>) -> String) -> String {
    format!(
        "max {}, p50 {}, p95 {} (n={})",
        unit(d.max()),
        unit(d.p50()),
        unit(d.p95()),
        d.count()
    )
}

/// One line per finding: `[level] id: message (trace T, spans S1 S2)`.
pub fn finding_line(f: &InsightFinding) -> String {
    let mut s = format!("[{}] {}: {}", f.level, f.id, clean(&f.message));
    if let Some(c) = f.cost_usd
        && c > 0.0
    {
        let _ = write!(s, "; cost {}", usd(c));
    }
    if let Some(t) = f.trace_id {
        let _ = write!(s, " (trace {t}");
        if !f.spans.is_empty() {
            let ids: Vec<String> = f.spans.iter().take(8).map(|s| s.to_string()).collect();
            let more = if f.spans.len() > 8 { " …" } else { "" };
            let _ = write!(s, ", spans {}{more}", ids.join(" "));
        }
        s.push(')');
    }
    s
}

/// The cells an agent row and a service row share: name, calls, errors, LLM calls, tokens, cost.
fn calls_row(name: &str, r: &Rollup) -> Vec<String> {
    vec![
        clean(name),
        r.calls.to_string(),
        r.errors.to_string(),
        r.llm_calls.to_string(),
        r.usage.total().to_string(),
        cost_cell(r),
    ]
}

/// The insights as text: summary lines, then tables per request, agent, tool, model and
/// service, errors, metric checks and findings.
pub fn text(i: &Insights) -> String {
    let mut out = String::new();
    let u = &i.usage;
    let _ = writeln!(out, "Insights (prices: {})", clean(&i.prices));
    let _ = writeln!(
        out,
        "  requests {} ({} successful), LLM calls {}, tool calls {}, rate-limit hits {}",
        i.requests, i.successful_requests, i.llm_calls, i.tool_calls, i.rate_limit_hits
    );
    let _ = writeln!(
        out,
        "  tokens: input {}, output {}, cache read {}, cache write {}, reasoning {}; cache hit rate {}",
        u.input,
        u.output,
        u.cache_read,
        u.cache_write,
        u.reasoning,
        opt(i.cache_hit_rate(), |r| format!("{:.1}%", r * 100.0))
    );
    let _ = writeln!(
        out,
        "  cost: {} total, {} per request, {} per successful request",
        usd(i.cost_usd),
        opt(i.cost_per_request_mean(), usd),
        opt(i.cost_per_successful_request_mean(), usd)
    );
    if i.unpriced_calls > 0 {
        let _ = writeln!(
            out,
            "  unpriced: {} call(s), {} tokens (not in the cost above)",
            i.unpriced_calls,
            i.unpriced_usage.total()
        );
    }
    let _ = writeln!(
        out,
        "  LLM calls per request: {}",
        dist(&i.llm_calls_per_request, num)
    );
    if i.llm_calls_per_agent_invocation.count() > 0 {
        let _ = writeln!(
            out,
            "  LLM calls per invoke_agent: {}",
            dist(&i.llm_calls_per_agent_invocation, num)
        );
    }
    if i.time_to_first_chunk.count() > 0 {
        let _ = writeln!(
            out,
            "  time to first chunk (spans): {}",
            dist(&i.time_to_first_chunk, secs)
        );
    }
    if let Some(h) = &i.time_to_first_chunk_metric {
        let _ = writeln!(
            out,
            "  time to first chunk (metric): n={}, mean {}, p50 <= {}, p95 <= {}",
            h.count,
            secs(h.mean()),
            secs(h.quantile_bound(0.5)),
            secs(h.quantile_bound(0.95))
        );
    }
    let traces: Vec<Vec<String>> = i
        .traces
        .iter()
        .map(|t| {
            vec![
                t.trace_id.to_string(),
                clean(&t.root),
                t.spans.to_string(),
                t.llm_calls.to_string(),
                t.tool_calls.to_string(),
                t.usage.total().to_string(),
                trace_cost(t),
                format!("{:.3}s", t.duration_s),
                trace_outcome(t).to_string(),
            ]
        })
        .collect();
    let title = if i.traces_dropped > 0 {
        format!(
            "requests (the {} most expensive; {} more not shown)",
            i.traces.len(),
            i.traces_dropped
        )
    } else {
        "requests".to_string()
    };
    table(
        &mut out,
        &title,
        &[
            "trace", "root", "spans", "llm", "tools", "tokens", "cost", "duration", "status",
        ],
        &traces,
    );
    let agents: Vec<Vec<String>> = i
        .agents
        .iter()
        .map(|(k, r)| {
            let mut row = calls_row(k, r);
            row.extend([secs(r.duration.p50()), secs(r.duration.p95())]);
            row
        })
        .collect();
    table(
        &mut out,
        "agents",
        &[
            "agent",
            "invocations",
            "errors",
            "llm calls",
            "tokens",
            "cost",
            "p50",
            "p95",
        ],
        &agents,
    );
    let tools: Vec<Vec<String>> = i
        .tools
        .iter()
        .map(|(k, r)| {
            vec![
                clean(k),
                r.calls.to_string(),
                r.errors.to_string(),
                opt(r.error_rate(), |x| format!("{:.1}%", x * 100.0)),
                secs(r.duration.p50()),
                secs(r.duration.p95()),
            ]
        })
        .collect();
    table(
        &mut out,
        "tools",
        &["tool", "calls", "errors", "error rate", "p50", "p95"],
        &tools,
    );
    let models: Vec<Vec<String>> = i
        .models
        .iter()
        .map(|(k, r)| {
            vec![
                format!("{} {}", clean(&k.provider), clean(&k.model)),
                r.calls.to_string(),
                r.errors.to_string(),
                r.rate_limited.to_string(),
                r.usage.input.to_string(),
                r.usage.output.to_string(),
                r.usage.cache_read.to_string(),
                r.usage.cache_write.to_string(),
                r.usage.reasoning.to_string(),
                cost_cell(r),
                secs(r.time_to_first_chunk.p50()),
            ]
        })
        .collect();
    table(
        &mut out,
        "models",
        &[
            "provider model",
            "calls",
            "errors",
            "429",
            "input",
            "output",
            "cache read",
            "cache write",
            "reasoning",
            "cost",
            "ttfc p50",
        ],
        &models,
    );
    let services: Vec<Vec<String>> = i.services.iter().map(|(k, r)| calls_row(k, r)).collect();
    table(
        &mut out,
        "services",
        &[
            "service",
            "genai spans",
            "errors",
            "llm calls",
            "tokens",
            "cost",
        ],
        &services,
    );
    let errors: Vec<Vec<String>> = i
        .errors
        .iter()
        .map(|(k, n)| vec![clean(k), n.to_string()])
        .collect();
    table(&mut out, "errors", &["error.type", "spans"], &errors);
    let checks: Vec<Vec<String>> = i
        .metric_checks
        .iter()
        .map(|c| {
            vec![
                format!("{} {}", c.metric, clean(&c.subject)),
                num(Some(c.metric_value)),
                num(Some(c.span_value)),
                if c.agrees() { "✓" } else { "✗" }.to_string(),
            ]
        })
        .collect();
    table(
        &mut out,
        "metrics against spans",
        &["metric", "metric says", "spans say", ""],
        &checks,
    );
    if !i.findings.is_empty() {
        let _ = writeln!(out, "\ninsight findings");
        let mut fs: Vec<&InsightFinding> = i.findings.iter().collect();
        fs.sort_by_key(|f| std::cmp::Reverse(f.level));
        for f in fs {
            let _ = writeln!(out, "  {}", finding_line(f));
        }
        if i.findings_dropped > 0 {
            let _ = writeln!(out, "  ... and {} more", i.findings_dropped);
        }
    }
    out
}

fn dist_json(d: &Distribution) -> J {
    json!({
        "count": d.count(),
        "max": d.max(),
        "p50": d.p50(),
        "p95": d.p95(),
        "mean": d.mean(),
    })
}

fn usage_json(u: &genai_pricing::Usage) -> J {
    json!({
        "input": u.input,
        "output": u.output,
        "cache_read": u.cache_read,
        "cache_write": u.cache_write,
        "reasoning": u.reasoning,
    })
}

fn rollup_json(r: &Rollup) -> J {
    json!({
        "calls": r.calls,
        "errors": r.errors,
        "error_rate": r.error_rate(),
        "rate_limited": r.rate_limited,
        "llm_calls": r.llm_calls,
        "usage": usage_json(&r.usage),
        "cost_usd": r.cost_usd,
        "unpriced_calls": r.unpriced_calls,
        "duration_s": dist_json(&r.duration),
        "time_to_first_chunk_s": dist_json(&r.time_to_first_chunk),
    })
}

/// The JSON of one finding.
pub fn finding_json(f: &InsightFinding) -> J {
    json!({
        "id": f.id.as_str(),
        "level": f.level.as_str(),
        "trace_id": f.trace_id.map(|t| t.to_string()),
        "spans": f.spans.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
        "message": f.message,
        "usage": usage_json(&f.usage),
        "cost_usd": f.cost_usd,
    })
}

/// The insights as a JSON value.
pub fn json(i: &Insights) -> J {
    let map = |m: &std::collections::BTreeMap<String, Rollup>| -> J {
        J::Object(m.iter().map(|(k, r)| (k.clone(), rollup_json(r))).collect())
    };
    json!({
        "prices": i.prices,
        "requests": i.requests,
        "successful_requests": i.successful_requests,
        "usage": usage_json(&i.usage),
        "cost_usd": i.cost_usd,
        "cost_per_request_usd": i.cost_per_request_mean(),
        "cost_per_successful_request_usd": i.cost_per_successful_request_mean(),
        "unpriced": {"calls": i.unpriced_calls, "usage": usage_json(&i.unpriced_usage)},
        "cache_hit_rate": i.cache_hit_rate(),
        "llm_calls": i.llm_calls,
        "tool_calls": i.tool_calls,
        "rate_limit_hits": i.rate_limit_hits,
        "llm_calls_per_request": dist_json(&i.llm_calls_per_request),
        "llm_calls_per_agent_invocation": dist_json(&i.llm_calls_per_agent_invocation),
        "tokens_per_request": dist_json(&i.tokens_per_request),
        "cost_per_request": dist_json(&i.cost_per_request),
        "time_to_first_chunk_s": dist_json(&i.time_to_first_chunk),
        "time_to_first_chunk_metric_s": i.time_to_first_chunk_metric.as_ref().map(|h| json!({
            "count": h.count, "sum": h.sum, "mean": h.mean(), "min": h.min, "max": h.max,
            "p50_at_most": h.quantile_bound(0.5), "p95_at_most": h.quantile_bound(0.95),
        })),
        "errors": i.errors,
        "agents": map(&i.agents),
        "tools": map(&i.tools),
        "models": i.models.iter().map(|(k, r)| {
            let mut o = rollup_json(r);
            if let J::Object(m) = &mut o {
                m.insert("provider".into(), J::from(k.provider.as_str()));
                m.insert("model".into(), J::from(k.model.as_str()));
            }
            o
        }).collect::<Vec<_>>(),
        "services": map(&i.services),
        "metric_checks": i.metric_checks.iter().map(|c| json!({
            "metric": c.metric, "subject": c.subject, "metric_value": c.metric_value,
            "span_value": c.span_value, "agrees": c.agrees(),
        })).collect::<Vec<_>>(),
        "traces": i.traces.iter().map(|t| json!({
            "trace_id": t.trace_id.to_string(),
            "root": t.root,
            "service": t.service,
            "failed": t.failed,
            "spans": t.spans,
            "llm_calls": t.llm_calls,
            "tool_calls": t.tool_calls,
            "agent_invocations": t.agent_invocations,
            "usage": usage_json(&t.usage),
            "cost_usd": t.cost_usd,
            "unpriced_calls": t.unpriced_calls,
            "duration_s": t.duration_s,
        })).collect::<Vec<_>>(),
        "traces_dropped": i.traces_dropped,
        "findings": i.findings.iter().map(finding_json).collect::<Vec<_>>(),
        "findings_dropped": i.findings_dropped,
    })
}

/// The insights as pretty JSON.
pub fn json_string(i: &Insights) -> String {
    serde_json::to_string_pretty(&json(i)).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

/// A JUnit `<testsuite name="insights">`: one test case per finding id that occurs (failing
/// when any of its findings is a violation), the figures as `system-out`.
pub fn junit_suite(i: &Insights) -> String {
    let mut out = String::new();
    let ids = i.counts();
    let failing = |id| i.findings_with(id).any(|f| f.level == Level::Violation);
    let failures = ids.iter().filter(|(id, _)| failing(*id)).count();
    let _ = writeln!(
        out,
        "  <testsuite name=\"insights\" tests=\"{}\" failures=\"{failures}\" errors=\"0\">",
        ids.len().max(1)
    );
    let _ = writeln!(out, "    <system-out>{}</system-out>", esc(&text(i)));
    if ids.is_empty() {
        let _ = writeln!(
            out,
            "    <testcase classname=\"insights\" name=\"no findings\"/>"
        );
    }
    for (id, n) in ids {
        let lines: Vec<String> = i.findings_with(id).map(finding_line).collect();
        let _ = writeln!(
            out,
            "    <testcase classname=\"insights\" name=\"{}\">",
            id.as_str()
        );
        if failing(id) {
            let _ = writeln!(
                out,
                "      <failure message=\"{n} finding(s)\" type=\"{}\">{}</failure>",
                id.as_str(),
                esc(&lines.join("\n"))
            );
        } else {
            let _ = writeln!(
                out,
                "      <system-out>{}</system-out>",
                esc(&lines.join("\n"))
            );
        }
        let _ = writeln!(out, "    </testcase>");
    }
    let _ = writeln!(out, "  </testsuite>");
    out
}

/// Each trace of `spans` as a tree (children under parents, in start order), every span with
/// its duration, and the tokens and cost counted for it; needs insights built with
/// [`InsightOptions::span_figures`](super::InsightOptions::span_figures).
pub fn span_trees(spans: &[crate::telemetry::Span], i: &Insights) -> String {
    use foldhash::{HashMap, HashMapExt};

    use crate::telemetry::SpanId;

    let by_id: HashMap<SpanId, &crate::telemetry::Span> =
        spans.iter().map(|s| (s.span_id, s)).collect();
    let mut out = String::new();
    for t in &i.traces {
        let _ = writeln!(
            out,
            "trace {} ({} tokens, {})",
            t.trace_id,
            t.usage.total(),
            usd(t.cost_usd)
        );
        let in_trace: HashMap<SpanId, usize> = t
            .span_figures
            .iter()
            .enumerate()
            .map(|(k, f)| (f.span_id, k))
            .collect();
        let mut children: HashMap<usize, Vec<usize>> = HashMap::new();
        let mut roots = Vec::new();
        for (k, f) in t.span_figures.iter().enumerate() {
            let parent = by_id
                .get(&f.span_id)
                .and_then(|s| s.parent_span_id)
                .and_then(|p| in_trace.get(&p).copied())
                .filter(|p| *p != k);
            match parent {
                Some(p) => children.entry(p).or_default().push(k),
                None => roots.push(k),
            }
        }
        let mut rows: Vec<Vec<String>> = Vec::new();
        let mut visited = vec![false; t.span_figures.len()];
        let mut stack: Vec<(usize, usize)> = roots.into_iter().rev().map(|k| (k, 0)).collect();
        while let Some((k, depth)) = stack.pop() {
            if std::mem::replace(&mut visited[k], true) {
                continue;
            }
            let f = &t.span_figures[k];
            let name = by_id.get(&f.span_id).map_or("?", |s| s.name.as_ref());
            rows.push(vec![
                format!("{}{}", "  ".repeat(depth), clean(name)),
                format!("{:.3}s", f.duration_s),
                f.usage
                    .map_or_else(String::new, |u| format!("{}/{}", u.input, u.output)),
                match (f.usage, f.cost_usd) {
                    (Some(_), Some(c)) => usd(c),
                    (Some(_), None) => "unpriced".to_string(),
                    _ => String::new(),
                },
            ]);
            if let Some(kids) = children.get(&k) {
                stack.extend(kids.iter().rev().map(|c| (*c, depth + 1)));
            }
        }
        let mut tree = String::new();
        table(
            &mut tree,
            "",
            &["span", "duration", "tokens in/out", "cost"],
            &rows,
        );
        out.push_str(tree.trim_start_matches('\n'));
        out.push('\n');
    }
    out
}
