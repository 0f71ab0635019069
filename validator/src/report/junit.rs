//! The JUnit XML report: one test suite per signal, one test case per item; a case fails when
//! the item has a violation, and lists its other findings as `system-out`.

use std::fmt::Write;

use super::{ItemReport, Report};
use crate::finding::Level;

/// Escapes text for XML attributes and content.
pub(crate) fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => {}
            c => o.push(c),
        }
    }
    o
}

fn suite(out: &mut String, name: &str, items: &[ItemReport]) {
    let failures = items.iter().filter(|i| i.has_violations()).count();
    let _ = writeln!(
        out,
        "  <testsuite name=\"{name}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\">",
        items.len()
    );
    for i in items {
        let class = match (&i.trace_id, &i.definition) {
            (Some(t), _) => format!("trace.{t}"),
            (None, Some(d)) => d.to_string(),
            (None, None) => name.to_string(),
        };
        let label = format!(
            "{} → {}",
            if i.name.is_empty() {
                "(unnamed)"
            } else {
                &i.name
            },
            i.definition.as_deref().unwrap_or("(no definition)")
        );
        let _ = write!(
            out,
            "    <testcase classname=\"{}\" name=\"{}\"",
            esc(&class),
            esc(&label)
        );
        if i.findings.is_empty() {
            let _ = writeln!(out, "/>");
            continue;
        }
        let _ = writeln!(out, ">");
        let violations: Vec<_> = i
            .findings
            .iter()
            .filter(|f| f.level == Level::Violation)
            .collect();
        if let Some(first) = violations.first() {
            let body: Vec<String> = violations
                .iter()
                .map(|f| format!("{}: {}", f.id, f.message))
                .collect();
            let _ = writeln!(
                out,
                "      <failure message=\"{}\" type=\"{}\">{}</failure>",
                esc(&format!(
                    "{} violation(s); first: {}",
                    violations.len(),
                    first.message
                )),
                first.id,
                esc(&body.join("\n"))
            );
        }
        let others: Vec<String> = i
            .findings
            .iter()
            .filter(|f| f.level != Level::Violation)
            .map(|f| format!("[{}] {}: {}", f.level, f.id, f.message))
            .collect();
        if !others.is_empty() {
            let _ = writeln!(
                out,
                "      <system-out>{}</system-out>",
                esc(&others.join("\n"))
            );
        }
        let _ = writeln!(out, "    </testcase>");
    }
    let _ = writeln!(out, "  </testsuite>");
}

/// Renders the report as JUnit XML.
pub fn render(report: &Report) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let total = report.spans.len() + report.logs.len() + report.metrics.len();
    let failures = report.items().filter(|i| i.has_violations()).count();
    let _ = writeln!(
        out,
        "<testsuites name=\"semconv conformance\" tests=\"{total}\" failures=\"{failures}\" errors=\"{}\">",
        report.input_errors.len()
    );
    suite(&mut out, "spans", &report.spans);
    suite(&mut out, "logs", &report.logs);
    suite(&mut out, "metrics", &report.metrics);
    if !report.input_errors.is_empty() {
        let _ = writeln!(
            out,
            "  <testsuite name=\"input\" tests=\"{0}\" failures=\"0\" errors=\"{0}\">",
            report.input_errors.len()
        );
        for (n, e) in report.input_errors.iter().enumerate() {
            let _ = writeln!(
                out,
                "    <testcase classname=\"input\" name=\"input error {n}\"><error message=\"{}\"/></testcase>",
                esc(e)
            );
        }
        let _ = writeln!(out, "  </testsuite>");
    }
    out.push_str("</testsuites>\n");
    out
}
