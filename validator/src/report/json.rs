//! The JSON report: `{registry, summary, counts, coverage, spans, logs, metrics, input_errors}`.

use serde_json::{Value as J, json};

use super::{ItemReport, Report};

/// The report as a JSON value.
pub fn to_value(report: &Report) -> J {
    let levels = report.level_counts();
    let coverage = report.coverage();
    let counts: serde_json::Map<String, J> = report
        .counts()
        .into_iter()
        .map(|(id, n)| (id.as_str().to_string(), J::from(n)))
        .collect();
    json!({
        "registry": {
            "name": report.registry.name,
            "version": report.registry.version,
            "schema_url": report.registry.schema_url,
        },
        "capture_content": report.capture_content,
        "summary": {
            "spans": report.spans.len(),
            "logs": report.logs.len(),
            "metrics": report.metrics.len(),
            "violation": levels.violation,
            "improvement": levels.improvement,
            "information": levels.information,
            "input_errors": report.input_errors.len(),
        },
        "counts": counts,
        "coverage": {
            "seen": coverage.seen.iter().map(|k| k.to_string()).collect::<Vec<_>>(),
            "seen_count": coverage.seen.len(),
            "total": coverage.total,
            "ratio": (coverage.ratio() * 10000.0).round() / 10000.0,
        },
        "spans": report.spans.iter().map(item).collect::<Vec<_>>(),
        "logs": report.logs.iter().map(item).collect::<Vec<_>>(),
        "metrics": report.metrics.iter().map(item).collect::<Vec<_>>(),
        "input_errors": report.input_errors,
    })
}

fn item(i: &ItemReport) -> J {
    let mut o = serde_json::Map::new();
    o.insert("name".into(), J::from(i.name.as_ref()));
    if let Some(k) = i.kind {
        o.insert("kind".into(), J::from(k.as_str()));
    }
    if let Some(t) = i.trace_id {
        o.insert("trace_id".into(), J::from(t.to_string()));
    }
    if let Some(s) = i.span_id {
        o.insert("span_id".into(), J::from(s.to_string()));
    }
    if let Some(p) = i.parent_span_id {
        o.insert("parent_span_id".into(), J::from(p.to_string()));
    }
    o.insert(
        "definition".into(),
        i.definition.as_deref().map_or(J::Null, J::from),
    );
    o.insert("origin".into(), J::from(i.origin.to_string()));
    o.insert(
        "findings".into(),
        serde_json::to_value(&i.findings).unwrap_or(J::Null),
    );
    J::Object(o)
}

/// The report as pretty-printed JSON.
pub fn render(report: &Report) -> String {
    serde_json::to_string_pretty(&to_value(report))
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}
