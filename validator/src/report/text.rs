//! The text report: spans grouped per trace as a tree (`invoke_agent -> chat -> execute_tool`),
//! each node marked `✓` (no violation) or `✗` and naming its definition, then log records,
//! metrics, counts and coverage.

use std::collections::HashMap;
use std::fmt::Write;

use super::{ItemReport, Report};
use crate::finding::Level;
use crate::telemetry::{SpanId, TraceId};

fn mark(item: &ItemReport) -> &'static str {
    match item.worst() {
        Some(Level::Violation) => "✗",
        _ => "✓",
    }
}

fn head(out: &mut String, item: &ItemReport, indent: usize) {
    let pad = "  ".repeat(indent);
    let kind = item
        .kind
        .map(|k| format!(" [{}]", k.as_str()))
        .unwrap_or_default();
    let def = match &item.definition {
        Some(d) => format!(" → {d}"),
        None => " → (no definition)".to_string(),
    };
    let name = if item.name.is_empty() {
        "(unnamed)"
    } else {
        &item.name
    };
    let _ = writeln!(out, "{pad}{} {name}{kind}{def}", mark(item));
    let mut findings: Vec<_> = item.findings.iter().collect();
    findings.sort_by_key(|f| std::cmp::Reverse(f.level));
    for f in findings {
        let _ = writeln!(
            out,
            "{pad}    {:<11} {}: {}",
            f.level.as_str(),
            f.id,
            f.message
        );
    }
}

/// Renders the report as text.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let reg = &report.registry;
    let _ = writeln!(
        out,
        "Conformance report against {} {} (content capture {})",
        reg.name.as_deref().unwrap_or("registry"),
        reg.version.as_deref().unwrap_or(""),
        if report.capture_content {
            "declared"
        } else {
            "not declared"
        }
    );
    for e in &report.input_errors {
        let _ = writeln!(out, "input error: {e}");
    }
    // Spans: per trace, in order of first appearance; roots are spans whose parent is absent.
    let mut traces: Vec<TraceId> = Vec::new();
    let mut by_trace: HashMap<TraceId, Vec<usize>> = HashMap::new();
    for (i, s) in report.spans.iter().enumerate() {
        let t = s.trace_id.unwrap_or(TraceId::INVALID);
        by_trace.entry(t).or_insert_with(|| {
            traces.push(t);
            Vec::new()
        });
        if let Some(v) = by_trace.get_mut(&t) {
            v.push(i);
        }
    }
    for t in traces {
        let members = &by_trace[&t];
        let _ = writeln!(out, "\ntrace {t}");
        let ids: HashMap<SpanId, usize> = members
            .iter()
            .filter_map(|i| report.spans[*i].span_id.map(|s| (s, *i)))
            .collect();
        let mut children: HashMap<SpanId, Vec<usize>> = HashMap::new();
        let mut roots = Vec::new();
        for i in members {
            match report.spans[*i].parent_span_id {
                Some(p) if ids.contains_key(&p) => children.entry(p).or_default().push(*i),
                _ => roots.push(*i),
            }
        }
        // Oldest first would need times; input order is kept instead.
        let mut stack: Vec<(usize, usize)> = roots.into_iter().rev().map(|i| (i, 1)).collect();
        let mut visited = vec![false; report.spans.len()];
        while let Some((i, depth)) = stack.pop() {
            if std::mem::replace(&mut visited[i], true) {
                continue;
            }
            head(&mut out, &report.spans[i], depth);
            if let Some(kids) = report.spans[i].span_id.and_then(|s| children.get(&s)) {
                stack.extend(kids.iter().rev().map(|k| (*k, depth + 1)));
            }
        }
    }
    if !report.logs.is_empty() {
        let _ = writeln!(out, "\nlogs and events");
        for l in &report.logs {
            head(&mut out, l, 1);
        }
    }
    if !report.metrics.is_empty() {
        let _ = writeln!(out, "\nmetrics");
        for m in &report.metrics {
            head(&mut out, m, 1);
        }
    }
    let levels = report.level_counts();
    let _ = writeln!(
        out,
        "\n{} spans, {} log records, {} metrics: {} violations, {} improvements, {} information",
        report.spans.len(),
        report.logs.len(),
        report.metrics.len(),
        levels.violation,
        levels.improvement,
        levels.information
    );
    for (id, n) in report.counts() {
        let _ = writeln!(out, "  {id}: {n}");
    }
    let cov = report.coverage();
    let _ = writeln!(
        out,
        "coverage: {}/{} registry attributes seen ({:.1}%)",
        cov.seen.len(),
        cov.total,
        cov.ratio() * 100.0
    );
    out
}
