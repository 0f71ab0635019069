//! The text report, for a person: what to fix first, then where.
//!
//! 1. Findings by level, violations first, each repeated finding folded into one line (same
//!    id, attribute and definition across items: a count, the message, and the first items it
//!    concerns). Levels below [`TextOptions::show`] (information, by default) are counted, not
//!    listed.
//! 2. Spans per trace as a tree ([`SpanTree`]: orphans, self-parents and cycles shown, never
//!    dropped), each node marked `✗` (violation), `~` (improvement) or `✓`, with its
//!    definition and its counts; then log records and metrics.
//! 3. Counts per level and per id (complete, even when the listing was bounded) and coverage.
//!
//! The report is written to an [`io::Write`] as it is produced; the memory it needs is bounded
//! by the listed items (see [`ReportLimits`](super::ReportLimits)).

use foldhash::{HashMap, HashMapExt};
use std::collections::hash_map::Entry;
use std::io::{self, Write};

use super::{ItemReport, ItemSignal, Report};
use crate::finding::{FindingId, Level};
use crate::telemetry::TraceId;
use crate::text::{clip, printable};
use crate::tree::SpanTree;

/// What the text report lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TextOptions {
    /// The lowest level listed; findings below it are counted only. Default:
    /// [`Level::Improvement`] (`--verbose` / `--show information` lists information too).
    pub show: Level,
    /// Items named under a folded finding (the rest are counted).
    pub samples: usize,
    /// Folded findings listed per level (the rest are counted).
    pub max_folds: usize,
}

impl Default for TextOptions {
    fn default() -> Self {
        TextOptions {
            show: Level::Improvement,
            samples: 3,
            max_folds: 200,
        }
    }
}

impl TextOptions {
    /// Options that list every level.
    pub fn verbose() -> Self {
        TextOptions {
            show: Level::Information,
            ..TextOptions::default()
        }
    }
}

const LEVELS: [Level; 3] = [Level::Violation, Level::Improvement, Level::Information];

fn mark(worst: Option<Level>) -> &'static str {
    match worst {
        Some(Level::Violation) => "✗",
        Some(Level::Improvement) => "~",
        _ => "✓",
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

fn level_word(level: Level, n: usize) -> String {
    match level {
        Level::Violation => plural(n, "violation", "violations"),
        Level::Improvement => plural(n, "improvement", "improvements"),
        Level::Information => format!("{n} information"),
    }
}

fn signal_word(signal: ItemSignal, n: usize) -> String {
    match signal {
        ItemSignal::Span => plural(n, "span", "spans"),
        ItemSignal::Log => plural(n, "log record", "log records"),
        ItemSignal::Metric => plural(n, "metric", "metrics"),
    }
}

fn name_of(item: &ItemReport) -> std::borrow::Cow<'_, str> {
    if item.name.is_empty() {
        "(unnamed)".into()
    } else {
        clip(&item.name)
    }
}

/// An attribute key as a fold key: interned text by address, telemetry text by content.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum AttrKey<'a> {
    None,
    Static(usize, usize),
    Shared(&'a str),
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct FoldKey<'a> {
    level: Level,
    id: FindingId,
    signal: ItemSignal,
    attr: AttrKey<'a>,
    def: Option<&'a str>,
}

struct Fold<'a> {
    key: FoldKey<'a>,
    attribute: Option<&'a str>,
    count: usize,
    message: &'a str,
    samples: Vec<&'a ItemReport>,
}

/// Repeated findings of the listed items, folded, per level (most frequent first).
fn folds<'a>(report: &'a Report, options: &TextOptions) -> [Vec<Fold<'a>>; 3] {
    let mut index: HashMap<FoldKey<'a>, usize> = HashMap::new();
    let mut all: Vec<Fold<'a>> = Vec::new();
    for item in report.items() {
        for f in &item.findings {
            if f.level < options.show {
                continue;
            }
            let attr = match &f.attribute {
                None => AttrKey::None,
                Some(a) => match a.static_addr() {
                    Some((p, l)) => AttrKey::Static(p, l),
                    None => AttrKey::Shared(a.as_str()),
                },
            };
            let key = FoldKey {
                level: f.level,
                id: f.id,
                signal: item.signal,
                attr,
                def: item.definition.as_deref(),
            };
            match index.entry(key) {
                Entry::Occupied(e) => {
                    let g = &mut all[*e.get()];
                    g.count += 1;
                    if g.samples.len() < options.samples
                        && !g.samples.last().is_some_and(|s| std::ptr::eq(*s, item))
                    {
                        g.samples.push(item);
                    }
                }
                Entry::Vacant(e) => {
                    e.insert(all.len());
                    all.push(Fold {
                        key,
                        attribute: f.attribute.as_deref(),
                        count: 1,
                        message: &f.message,
                        samples: if options.samples > 0 {
                            vec![item]
                        } else {
                            Vec::new()
                        },
                    });
                }
            }
        }
    }
    let mut out: [Vec<Fold<'a>>; 3] = [Vec::new(), Vec::new(), Vec::new()];
    for g in all {
        let slot = LEVELS.iter().position(|l| *l == g.key.level).unwrap_or(2);
        out[slot].push(g);
    }
    for list in &mut out {
        list.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then(a.key.id.cmp(&b.key.id))
                .then(a.key.def.cmp(&b.key.def))
                .then(a.attribute.cmp(&b.attribute))
        });
    }
    out
}

fn sample_label(item: &ItemReport) -> String {
    match (item.signal, item.span_id) {
        (ItemSignal::Span, Some(s)) => format!("{} (span {s})", name_of(item)),
        _ => name_of(item).into_owned(),
    }
}

fn write_folds(out: &mut dyn Write, report: &Report, options: &TextOptions) -> io::Result<()> {
    let levels = report.level_counts();
    let groups = folds(report, options);
    let partial = report.not_listed().total() > 0 || report.findings_not_listed() > 0;
    for (slot, level) in LEVELS.iter().enumerate() {
        let n = levels.get(*level);
        if n == 0 {
            continue;
        }
        if *level < options.show {
            writeln!(
                out,
                "\n{}: {n} (counted, not listed; --verbose or --show {} lists them)",
                level.as_str(),
                level.as_str()
            )?;
            continue;
        }
        let list = &groups[slot];
        let heading = match level {
            Level::Violation => "violations",
            Level::Improvement => "improvements",
            Level::Information => "information",
        };
        write!(
            out,
            "\n{heading}: {n} ({})",
            plural(list.len(), "kind", "kinds")
        )?;
        if partial {
            write!(out, ", folded from the listed items")?;
        }
        writeln!(out)?;
        for g in list.iter().take(options.max_folds) {
            write!(out, "  {} {}", mark(Some(*level)), g.key.id)?;
            if let Some(a) = g.attribute {
                write!(out, " `{}`", clip(a))?;
            }
            writeln!(
                out,
                " · {} · {}",
                g.key.def.unwrap_or("(no definition)"),
                signal_word(g.key.signal, g.count)
            )?;
            writeln!(out, "      {}", printable(g.message))?;
            if !g.samples.is_empty() {
                let names: Vec<String> = g.samples.iter().map(|i| sample_label(i)).collect();
                let shown: usize = g.samples.len();
                write!(out, "      in {}", names.join(", "))?;
                if g.count > shown {
                    write!(out, " and {} more", g.count - shown)?;
                }
                writeln!(out)?;
            }
        }
        if list.len() > options.max_folds {
            writeln!(
                out,
                "  ... and {} more kinds",
                list.len() - options.max_folds
            )?;
        }
    }
    Ok(())
}

fn write_item(
    out: &mut dyn Write,
    item: &ItemReport,
    depth: usize,
    note: Option<&str>,
    options: &TextOptions,
) -> io::Result<()> {
    let pad = "  ".repeat(depth + 1);
    let kind = item
        .kind
        .map(|k| format!(" [{}]", k.as_str()))
        .unwrap_or_default();
    let def = item.definition.as_deref().unwrap_or("(no definition)");
    write!(
        out,
        "{pad}{} {}{kind} → {def}",
        mark(item.worst()),
        name_of(item)
    )?;
    let mut counts = [0usize; 3];
    for f in &item.findings {
        if let Some(slot) = LEVELS.iter().position(|l| *l == f.level) {
            counts[slot] += 1;
        }
    }
    let parts: Vec<String> = LEVELS
        .iter()
        .zip(counts)
        .filter(|(l, n)| **l >= options.show && *n > 0)
        .map(|(l, n)| level_word(*l, n))
        .collect();
    if !parts.is_empty() {
        write!(out, " · {}", parts.join(", "))?;
    }
    if item.findings_not_listed > 0 {
        write!(out, " (+{} not listed)", item.findings_not_listed)?;
    }
    if let Some(n) = note {
        write!(out, " ({n})")?;
    }
    writeln!(out)
}

/// Writes the report as text.
pub fn write(report: &Report, out: &mut dyn Write, options: &TextOptions) -> io::Result<()> {
    let reg = &report.registry;
    writeln!(
        out,
        "Conformance report against {} {} (content capture {})",
        reg.name.as_deref().unwrap_or("registry"),
        reg.version.as_deref().unwrap_or(""),
        if report.capture_content {
            "declared"
        } else {
            "not declared"
        }
    )?;
    for e in &report.input_errors {
        writeln!(out, "input error: {}", printable(e))?;
    }
    write_folds(out, report, options)?;
    // Spans: per trace, in order of first appearance.
    let mut traces: Vec<(TraceId, Vec<usize>)> = Vec::new();
    let mut by_trace: HashMap<TraceId, usize> = HashMap::new();
    for (i, s) in report.spans.iter().enumerate() {
        let t = s.trace_id.unwrap_or(TraceId::INVALID);
        let slot = *by_trace.entry(t).or_insert_with(|| {
            traces.push((t, Vec::new()));
            traces.len() - 1
        });
        traces[slot].1.push(i);
    }
    for (t, members) in &traces {
        writeln!(out, "\ntrace {t}")?;
        let links: Vec<_> = members
            .iter()
            .map(|i| (report.spans[*i].span_id, report.spans[*i].parent_span_id))
            .collect();
        for node in SpanTree::build(&links).nodes {
            let item = &report.spans[members[node.index]];
            write_item(out, item, node.depth, node.link.note(), options)?;
        }
    }
    if !report.logs.is_empty() {
        writeln!(out, "\nlogs and events")?;
        for l in &report.logs {
            write_item(out, l, 0, None, options)?;
        }
    }
    if !report.metrics.is_empty() {
        writeln!(out, "\nmetrics")?;
        for m in &report.metrics {
            write_item(out, m, 0, None, options)?;
        }
    }
    let levels = report.level_counts();
    let v = report.validated();
    writeln!(
        out,
        "\n{}, {}, {}: {}, {}, {}",
        signal_word(ItemSignal::Span, v.spans),
        signal_word(ItemSignal::Log, v.logs),
        signal_word(ItemSignal::Metric, v.metrics),
        level_word(Level::Violation, levels.violation),
        level_word(Level::Improvement, levels.improvement),
        level_word(Level::Information, levels.information)
    )?;
    for (id, n) in report.counts() {
        writeln!(out, "  {id}: {n}")?;
    }
    let cov = report.coverage();
    writeln!(
        out,
        "coverage: {}/{} registry attributes seen ({:.1}%)",
        cov.seen.len(),
        cov.total,
        cov.ratio() * 100.0
    )?;
    let nl = report.not_listed();
    if nl.total() > 0 || report.findings_not_listed() > 0 {
        writeln!(
            out,
            "{} items and {} findings validated but not listed (report limits); the counts above are complete",
            nl.total(),
            report.findings_not_listed()
        )?;
    }
    Ok(())
}

/// Renders the report as text (see [`write()`]).
pub fn render(report: &Report, options: &TextOptions) -> String {
    let mut buf = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = write(report, &mut buf, options);
    String::from_utf8_lossy(&buf).into_owned()
}
