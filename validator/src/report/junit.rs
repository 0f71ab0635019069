//! The JUnit XML report: one test suite per signal, one test case per listed item; a case fails
//! when the item has a violation, and lists its other findings as `system-out`. Written to an
//! [`io::Write`] as it is produced.

use std::io::{self, Write};

use super::{ItemReport, Report};
use crate::finding::Level;

/// XML text: escapes markup characters and drops control characters XML cannot carry.
pub(crate) struct Esc<'a>(pub(crate) &'a str);

/// [`Esc`] as an owned string.
pub(crate) fn esc(s: &str) -> String {
    Esc(s).to_string()
}

impl std::fmt::Display for Esc<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = self.0;
        let mut last = 0;
        for (i, c) in s.char_indices() {
            let rep = match c {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&apos;",
                c if (c as u32) < 0x20 && c != '\n' && c != '\t' => "",
                _ => continue,
            };
            f.write_str(&s[last..i])?;
            f.write_str(rep)?;
            last = i + c.len_utf8();
        }
        f.write_str(&s[last..])
    }
}

fn suite(out: &mut dyn Write, name: &str, items: &[ItemReport]) -> io::Result<()> {
    let failures = items.iter().filter(|i| i.has_violations()).count();
    writeln!(
        out,
        "  <testsuite name=\"{name}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\">",
        items.len()
    )?;
    for i in items {
        write!(out, "    <testcase classname=\"")?;
        match (&i.trace_id, &i.definition) {
            (Some(t), _) => write!(out, "trace.{t}")?,
            (None, Some(d)) => write!(out, "{}", Esc(d))?,
            (None, None) => write!(out, "{name}")?,
        }
        let shown = if i.name.is_empty() {
            "(unnamed)"
        } else {
            &i.name
        };
        write!(
            out,
            "\" name=\"{} → {}\"",
            Esc(shown),
            Esc(i.definition.as_deref().unwrap_or("(no definition)"))
        )?;
        if i.findings.is_empty() {
            writeln!(out, "/>")?;
            continue;
        }
        writeln!(out, ">")?;
        let violations = i
            .findings
            .iter()
            .filter(|f| f.level == Level::Violation)
            .count();
        if let Some(first) = i.findings.iter().find(|f| f.level == Level::Violation) {
            write!(
                out,
                "      <failure message=\"{violations} violation(s); first: {}\" type=\"{}\">",
                Esc(&first.message),
                first.id
            )?;
            let mut sep = "";
            for f in i.findings.iter().filter(|f| f.level == Level::Violation) {
                write!(out, "{sep}{}: {}", f.id, Esc(&f.message))?;
                sep = "\n";
            }
            writeln!(out, "</failure>")?;
        }
        if i.findings.iter().any(|f| f.level != Level::Violation) {
            write!(out, "      <system-out>")?;
            let mut sep = "";
            for f in i.findings.iter().filter(|f| f.level != Level::Violation) {
                write!(out, "{sep}[{}] {}: {}", f.level, f.id, Esc(&f.message))?;
                sep = "\n";
            }
            writeln!(out, "</system-out>")?;
        }
        writeln!(out, "    </testcase>")?;
    }
    writeln!(out, "  </testsuite>")
}

/// Writes the report as JUnit XML.
pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    write_with(report, out, &[])
}

/// [`write()`], with more `<testsuite>` elements (e.g. the insights' suite) written as they are
/// before the closing `</testsuites>`.
pub fn write_with(report: &Report, out: &mut dyn Write, suites: &[&str]) -> io::Result<()> {
    let mut out = io::BufWriter::with_capacity(1 << 16, out);
    writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
    let total = report.listed();
    let failures = report.items().filter(|i| i.has_violations()).count();
    writeln!(
        out,
        "<testsuites name=\"semconv conformance\" tests=\"{total}\" failures=\"{failures}\" errors=\"{}\">",
        report.input_errors.len()
    )?;
    suite(&mut out, "spans", &report.spans)?;
    suite(&mut out, "logs", &report.logs)?;
    suite(&mut out, "metrics", &report.metrics)?;
    if !report.input_errors.is_empty() {
        writeln!(
            out,
            "  <testsuite name=\"input\" tests=\"{0}\" failures=\"0\" errors=\"{0}\">",
            report.input_errors.len()
        )?;
        for (n, e) in report.input_errors.iter().enumerate() {
            writeln!(
                out,
                "    <testcase classname=\"input\" name=\"input error {n}\"><error message=\"{}\"/></testcase>",
                Esc(e)
            )?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    for suite in suites {
        out.write_all(suite.as_bytes())?;
    }
    writeln!(out, "</testsuites>")?;
    out.flush()
}

/// Renders the report as JUnit XML (see [`write()`]).
pub fn render(report: &Report) -> String {
    let mut buf = Vec::new();
    let _ = write(report, &mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}
