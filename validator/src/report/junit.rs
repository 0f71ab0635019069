//! The JUnit XML report: one test suite per signal, one test case per listed item; a case fails
//! when the item has a violation, and lists its other findings as `system-out`. Written to an
//! [`io::Write`] as it is produced.

use std::io::{self, Write};

use super::chunked::{Chunked, escape_into, hex_into};
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
        // Every byte escaped is ASCII, so each slice ends on a character boundary.
        for (i, b) in s.bytes().enumerate() {
            if xml_escaped(b) {
                f.write_str(&s[last..i])?;
                f.write_str(xml_entity(b))?;
                last = i + 1;
            }
        }
        f.write_str(&s[last..])
    }
}

/// Whether XML text changes byte `b`: the markup characters, and the control characters XML
/// cannot carry (dropped).
fn xml_escaped(b: u8) -> bool {
    matches!(b, b'&' | b'<' | b'>' | b'"' | b'\'') || (b < 0x20 && b != b'\n' && b != b'\t')
}

/// What XML text holds instead of the escaped byte `b` (nothing for a control character).
fn xml_entity(b: u8) -> &'static str {
    match b {
        b'&' => "&amp;",
        b'<' => "&lt;",
        b'>' => "&gt;",
        b'"' => "&quot;",
        b'\'' => "&apos;",
        _ => "",
    }
}

/// `s` as XML text.
fn text(out: &mut Vec<u8>, s: &str) {
    escape_into(out, s, xml_escaped, |b, out| {
        out.extend_from_slice(xml_entity(b).as_bytes());
    });
}

fn suite(out: &mut Chunked<'_>, name: &str, items: &[ItemReport]) -> io::Result<()> {
    let failures = items.iter().filter(|i| i.has_violations()).count();
    let mut n = itoa::Buffer::new();
    out.raw(b"  <testsuite name=\"");
    out.raw(name.as_bytes());
    out.raw(b"\" tests=\"");
    out.raw(n.format(items.len()).as_bytes());
    out.raw(b"\" failures=\"");
    out.raw(n.format(failures).as_bytes());
    out.raw(b"\" errors=\"0\">\n");
    out.batches(items, |batch, _, buf| {
        for i in batch {
            case(buf, name, i);
        }
    })?;
    out.raw(b"  </testsuite>\n");
    Ok(())
}

/// The test case of item `i` of suite `name`.
fn case(out: &mut Vec<u8>, name: &str, i: &ItemReport) {
    let raw = |out: &mut Vec<u8>, b: &[u8]| out.extend_from_slice(b);
    raw(out, b"    <testcase classname=\"");
    match (&i.trace_id, &i.definition) {
        (Some(t), _) => {
            raw(out, b"trace.");
            hex_into(out, &t.to_bytes());
        }
        (None, Some(d)) => text(out, d),
        (None, None) => raw(out, name.as_bytes()),
    }
    let shown = if i.name.is_empty() {
        "(unnamed)"
    } else {
        &i.name
    };
    raw(out, b"\" name=\"");
    text(out, shown);
    raw(out, " → ".as_bytes());
    text(out, i.definition.as_deref().unwrap_or("(no definition)"));
    raw(out, b"\"");
    if i.findings.is_empty() {
        raw(out, b"/>\n");
        return;
    }
    raw(out, b">\n");
    let violations = i
        .findings
        .iter()
        .filter(|f| f.level == Level::Violation)
        .count();
    if let Some(first) = i.findings.iter().find(|f| f.level == Level::Violation) {
        raw(out, b"      <failure message=\"");
        raw(out, itoa::Buffer::new().format(violations).as_bytes());
        raw(out, b" violation(s); first: ");
        text(out, &first.message);
        raw(out, b"\" type=\"");
        raw(out, first.id.as_str().as_bytes());
        raw(out, b"\">");
        let mut sep: &[u8] = b"";
        for f in i.findings.iter().filter(|f| f.level == Level::Violation) {
            raw(out, sep);
            raw(out, f.id.as_str().as_bytes());
            raw(out, b": ");
            text(out, &f.message);
            sep = b"\n";
        }
        raw(out, b"</failure>\n");
    }
    if i.findings.iter().any(|f| f.level != Level::Violation) {
        raw(out, b"      <system-out>");
        let mut sep: &[u8] = b"";
        for f in i.findings.iter().filter(|f| f.level != Level::Violation) {
            raw(out, sep);
            raw(out, b"[");
            raw(out, f.level.as_str().as_bytes());
            raw(out, b"] ");
            raw(out, f.id.as_str().as_bytes());
            raw(out, b": ");
            text(out, &f.message);
            sep = b"\n";
        }
        raw(out, b"</system-out>\n");
    }
    raw(out, b"    </testcase>\n");
}

/// Writes the report as JUnit XML.
pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    write_with(report, out, &[])
}

/// [`write()`], with more `<testsuite>` elements (e.g. the insights' suite) written as they are
/// before the closing `</testsuites>`.
pub fn write_with(report: &Report, out: &mut dyn Write, suites: &[&str]) -> io::Result<()> {
    let mut out = Chunked::new(out);
    let total = report.listed();
    let failures = report.items().filter(|i| i.has_violations()).count();
    let _ = write!(
        out.buf,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <testsuites name=\"semconv conformance\" tests=\"{total}\" failures=\"{failures}\" errors=\"{}\">\n",
        report.input_errors.len()
    );
    suite(&mut out, "spans", &report.spans)?;
    suite(&mut out, "logs", &report.logs)?;
    suite(&mut out, "metrics", &report.metrics)?;
    if !report.input_errors.is_empty() {
        let _ = writeln!(
            out.buf,
            "  <testsuite name=\"input\" tests=\"{0}\" failures=\"0\" errors=\"{0}\">",
            report.input_errors.len()
        );
        for (n, e) in report.input_errors.iter().enumerate() {
            let _ = writeln!(
                out.buf,
                "    <testcase classname=\"input\" name=\"input error {n}\"><error message=\"{}\"/></testcase>",
                Esc(e)
            );
            out.spill()?;
        }
        out.raw(b"  </testsuite>\n");
    }
    for suite in suites {
        out.raw(suite.as_bytes());
        out.spill()?;
    }
    out.raw(b"</testsuites>\n");
    out.finish()
}

/// Renders the report as JUnit XML (see [`write()`]).
pub fn render(report: &Report) -> String {
    let mut buf = Vec::new();
    let _ = write(report, &mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}
