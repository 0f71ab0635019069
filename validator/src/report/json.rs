//! The JSON report: `{capture_content, counts, coverage, input_errors, logs, metrics, registry,
//! spans, summary}` (keys in this order), written to an [`io::Write`] as it is serialized,
//! never built whole in memory. `summary` counts every item and finding, listed or not.

use std::io::{self, Write};

use serde::Serialize;
use serde::ser::{SerializeMap, SerializeSeq, Serializer};

use super::{ItemReport, Report};

mod pretty;

struct Items<'a>(&'a [ItemReport]);

impl Serialize for Items<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for i in self.0 {
            seq.serialize_element(&Item(i))?;
        }
        seq.end()
    }
}

struct Item<'a>(&'a ItemReport);

impl Serialize for Item<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let i = self.0;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("definition", &i.definition.as_deref())?;
        m.serialize_entry("findings", &i.findings)?;
        if i.findings_not_listed > 0 {
            m.serialize_entry("findings_not_listed", &i.findings_not_listed)?;
        }
        if let Some(k) = i.kind {
            m.serialize_entry("kind", k.as_str())?;
        }
        m.serialize_entry("name", &*i.name)?;
        m.serialize_entry("origin", &Shown(&i.origin))?;
        if let Some(p) = i.parent_span_id {
            m.serialize_entry("parent_span_id", &Shown(&p))?;
        }
        if let Some(sp) = i.span_id {
            m.serialize_entry("span_id", &Shown(&sp))?;
        }
        if let Some(t) = i.trace_id {
            m.serialize_entry("trace_id", &Shown(&t))?;
        }
        m.end()
    }
}

/// Serializes a value through its `Display`.
struct Shown<'a, T: std::fmt::Display>(&'a T);

impl<T: std::fmt::Display> Serialize for Shown<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self.0)
    }
}

struct Body<'a> {
    report: &'a Report,
    extra: &'a [(&'a str, &'a serde_json::Value)],
    /// Whether the item lists are serialized (else they are left empty, for
    /// [`write_entries`] to write).
    items: bool,
}

impl<'a> Serialize for Body<'a> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.report;
        let levels = r.level_counts();
        let coverage = r.coverage();
        let validated = r.validated();
        let items = |list: &'a [ItemReport]| Items(if self.items { list } else { &[] });
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("capture_content", &r.capture_content)?;
        let counts: serde_json::Map<String, serde_json::Value> = r
            .counts()
            .into_iter()
            .map(|(id, n)| (id.as_str().to_string(), n.into()))
            .collect();
        m.serialize_entry("counts", &counts)?;
        m.serialize_entry(
            "coverage",
            &serde_json::json!({
                "ratio": (coverage.ratio() * 10000.0).round() / 10000.0,
                "seen": coverage.seen.iter().map(|k| &**k).collect::<Vec<&str>>(),
                "seen_count": coverage.seen.len(),
                "total": coverage.total,
            }),
        )?;
        m.serialize_entry("input_errors", &r.input_errors)?;
        for (key, value) in self.extra {
            m.serialize_entry(key, value)?;
        }
        m.serialize_entry("logs", &items(&r.logs))?;
        m.serialize_entry("metrics", &items(&r.metrics))?;
        m.serialize_entry(
            "registry",
            &serde_json::json!({
                "name": r.registry.name,
                "schema_url": r.registry.schema_url,
                "version": r.registry.version,
            }),
        )?;
        m.serialize_entry("spans", &items(&r.spans))?;
        m.serialize_entry(
            "summary",
            &serde_json::json!({
                "findings_not_listed": r.findings_not_listed(),
                "improvement": levels.improvement,
                "information": levels.information,
                "input_errors": r.input_errors.len(),
                "items_not_listed": r.not_listed().total(),
                "logs": validated.logs,
                "metrics": validated.metrics,
                "spans": validated.spans,
                "violation": levels.violation,
            }),
        )?;
        m.end()
    }
}

/// Writes the report as pretty JSON (with a final newline). `extra` adds one top-level entry
/// (`semconv live-check` adds its receiver counters as `live_check`).
pub fn write(
    report: &Report,
    out: &mut dyn Write,
    extra: Option<(&str, &serde_json::Value)>,
) -> io::Result<()> {
    match extra {
        Some(e) => write_entries(report, out, &[e]),
        None => write_entries(report, out, &[]),
    }
}

/// Writes the report as pretty JSON with additional top-level entries (placed after
/// `input_errors`, in the order given), as it is produced.
///
/// The text is what `serde_json`'s pretty printer writes for [`to_value`], byte for byte; the
/// item lists (nearly all of a report's bytes) are written by [`pretty`] rather than through
/// `serde`, which spent most of a large report's time escaping and copying small pieces.
pub fn write_entries(
    report: &Report,
    out: &mut dyn Write,
    extra: &[(&str, &serde_json::Value)],
) -> io::Result<()> {
    let mut w = pretty::Writer::new(out);
    let body = serde_json::to_value(Body {
        report,
        extra: &[],
        items: false,
    })
    .map_err(io::Error::from)?;
    let serde_json::Value::Object(entries) = body else {
        return Err(io::Error::other("the report is not a JSON object"));
    };
    w.raw(b"{");
    let mut first = true;
    let mut entry = |w: &mut pretty::Writer<'_>, key: &str| {
        w.raw(if std::mem::take(&mut first) {
            b"\n  "
        } else {
            b",\n  "
        });
        w.string(key);
        w.raw(b": ");
    };
    // The keys come in `Body`'s order (which is also the sorted order `serde_json`'s map
    // keeps without `preserve_order`; `body_keys_are_in_the_order_written` checks it); the
    // extra entries go right after `input_errors`, written once even if a later key moved.
    let mut extras = Some(extra);
    for (key, value) in &entries {
        if key.as_str() > "input_errors"
            && let Some(extra) = extras.take()
        {
            for (key, value) in extra {
                entry(&mut w, key);
                w.value(value, 1)?;
            }
        }
        entry(&mut w, key);
        match key.as_str() {
            "logs" => w.items(&report.logs)?,
            "metrics" => w.items(&report.metrics)?,
            "spans" => w.items(&report.spans)?,
            _ => w.value(value, 1)?,
        }
    }
    for (key, value) in extras.unwrap_or_default() {
        entry(&mut w, key);
        w.value(value, 1)?;
    }
    w.raw(b"\n}\n");
    w.finish()
}

/// The report as a JSON value (built whole: for small reports; prefer [`write()`]).
pub fn to_value(report: &Report) -> serde_json::Value {
    serde_json::to_value(Body {
        report,
        extra: &[],
        items: true,
    })
    .unwrap_or(serde_json::Value::Null)
}

/// The report as pretty-printed JSON.
pub fn render(report: &Report) -> String {
    let mut buf = Vec::new();
    let _ = write(report, &mut buf, None);
    String::from_utf8_lossy(&buf).into_owned()
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    /// `write_entries` takes the order of its keys from `Body` through a JSON map: the order
    /// `Body` writes them must be the one the map keeps.
    #[test]
    fn body_keys_are_in_the_order_written() {
        let report = Report::empty(super::super::RegistryInfo::default(), false, Arc::from([]));
        let value = serde_json::to_value(Body {
            report: &report,
            extra: &[],
            items: false,
        })
        .expect("the body serializes");
        let keys: Vec<&str> = value
            .as_object()
            .expect("an object")
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "capture_content",
                "counts",
                "coverage",
                "input_errors",
                "logs",
                "metrics",
                "registry",
                "spans",
                "summary"
            ]
        );
    }
}
