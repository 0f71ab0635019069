//! What changed between two resolved registries (a spec bump): attributes added, removed,
//! renamed, retyped, enum members, stability and deprecation; per signal, attributes added or
//! removed and requirement levels changed.
//!
//! [`diff`] computes a [`RegistryDiff`]; [`render_text`] and [`render_markdown`] print it, and
//! it serializes to JSON.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use crate::model::common::RequirementLevel;
use crate::{Attribute, AttributeType, Group, GroupKind, ResolvedRegistry};
use serde::Serialize;

/// The differences between two registries.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RegistryDiff {
    /// Old registry version (or schema URL), when declared.
    pub old_version: Option<String>,
    /// New registry version (or schema URL), when declared.
    pub new_version: Option<String>,
    /// Attributes only in the new registry.
    pub attributes_added: Vec<AttributeSummary>,
    /// Attributes only in the old registry.
    pub attributes_removed: Vec<AttributeSummary>,
    /// Attributes the new registry marks as renamed (`deprecated: {reason: renamed}`), where
    /// the old one did not.
    pub attributes_renamed: Vec<Rename>,
    /// Attributes in both whose definition changed.
    pub attributes_changed: Vec<AttributeChange>,
    /// Signals (spans, events, metrics) only in the new registry.
    pub signals_added: Vec<SignalSummary>,
    /// Signals only in the old registry.
    pub signals_removed: Vec<SignalSummary>,
    /// Signals in both whose definition changed.
    pub signals_changed: Vec<SignalChange>,
}

impl RegistryDiff {
    /// No difference at all.
    pub fn is_empty(&self) -> bool {
        self.attributes_added.is_empty()
            && self.attributes_removed.is_empty()
            && self.attributes_renamed.is_empty()
            && self.attributes_changed.is_empty()
            && self.signals_added.is_empty()
            && self.signals_removed.is_empty()
            && self.signals_changed.is_empty()
    }
}

/// An attribute, briefly.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AttributeSummary {
    /// Key.
    pub key: String,
    /// Type (`string`, `int`, `enum`, `template[string]`, ...).
    #[serde(rename = "type")]
    pub ty: String,
    /// Stability.
    pub stability: Option<String>,
    /// Deprecated (in the registry it is listed in).
    pub deprecated: bool,
}

/// A rename.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rename {
    /// The old key.
    pub from: String,
    /// The new key.
    pub to: String,
    /// Whether the old key is still defined (deprecated) in the new registry.
    pub still_defined: bool,
}

/// One change of an attribute or an enum member.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Change {
    /// The type changed.
    Type {
        /// Old type.
        old: String,
        /// New type.
        new: String,
    },
    /// Enum members added (by id, with value).
    MembersAdded {
        /// `id` or `id = value` when they differ.
        members: Vec<String>,
    },
    /// Enum members removed.
    MembersRemoved {
        /// `id` or `id = value` when they differ.
        members: Vec<String>,
    },
    /// An enum member's value changed.
    MemberValue {
        /// Member id.
        id: String,
        /// Old value.
        old: String,
        /// New value.
        new: String,
    },
    /// An enum member was deprecated or undeprecated.
    MemberDeprecation {
        /// Member id.
        id: String,
        /// Old deprecation (`None`: not deprecated).
        old: Option<String>,
        /// New deprecation.
        new: Option<String>,
    },
    /// Stability changed.
    Stability {
        /// Old stability.
        old: Option<String>,
        /// New stability.
        new: Option<String>,
    },
    /// Deprecation changed.
    Deprecation {
        /// Old deprecation (`None`: not deprecated).
        old: Option<String>,
        /// New deprecation.
        new: Option<String>,
    },
}

/// The changes of one attribute.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AttributeChange {
    /// Key.
    pub key: String,
    /// Changes.
    pub changes: Vec<Change>,
}

/// A signal, briefly.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SignalSummary {
    /// Id.
    pub id: String,
    /// `span`, `event` or `metric`.
    pub kind: String,
    /// Number of attributes.
    pub attributes: usize,
}

/// A requirement level change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LevelChange {
    /// Attribute key.
    pub key: String,
    /// Old level (with condition).
    pub old: String,
    /// New level (with condition).
    pub new: String,
}

/// The changes of one signal.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SignalChange {
    /// Id.
    pub id: String,
    /// `span`, `event` or `metric`.
    pub kind: String,
    /// Attributes added, with their level.
    pub attributes_added: Vec<LevelChange>,
    /// Attributes removed, with their old level.
    pub attributes_removed: Vec<LevelChange>,
    /// Requirement level changes.
    pub level_changes: Vec<LevelChange>,
    /// Other changes (`span kind: client -> internal`, `unit: s -> ms`, stability, ...).
    pub other: Vec<String>,
}

fn type_name(ty: &AttributeType) -> String {
    match ty {
        AttributeType::Primitive(p) => p.as_str().to_string(),
        AttributeType::Template(p) => format!("template[{}]", p.as_str()),
        AttributeType::Enum { .. } => "enum".to_string(),
    }
}

fn value_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn deprecation_text(d: Option<&crate::Deprecated>) -> Option<String> {
    d.map(|d| match (d.renamed_to(), d.note()) {
        (Some(to), _) => format!("renamed to {to}"),
        (None, Some(n)) => format!(
            "{}: {}",
            d.reason(),
            n.split_whitespace().collect::<Vec<_>>().join(" ")
        ),
        (None, None) => d.reason().to_string(),
    })
}

fn summary(a: &Attribute) -> AttributeSummary {
    AttributeSummary {
        key: a.key.clone(),
        ty: type_name(&a.ty),
        stability: a.stability.map(|s| s.as_str().to_string()),
        deprecated: a.deprecated.is_some(),
    }
}

fn member_label(id: &str, value: &serde_json::Value) -> String {
    let v = value_text(value);
    if v == id { v } else { format!("{id} = {v}") }
}

fn attribute_changes(old: &Attribute, new: &Attribute) -> Vec<Change> {
    let mut changes = Vec::new();
    let (ot, nt) = (type_name(&old.ty), type_name(&new.ty));
    if ot != nt || (ot != "enum" && old.value_type() != new.value_type()) {
        changes.push(Change::Type { old: ot, new: nt });
    } else if ot == "enum" {
        let om: BTreeMap<&str, _> = old.members().iter().map(|m| (m.id.as_str(), m)).collect();
        let nm: BTreeMap<&str, _> = new.members().iter().map(|m| (m.id.as_str(), m)).collect();
        let added: Vec<String> = new
            .members()
            .iter()
            .filter(|m| !om.contains_key(m.id.as_str()))
            .map(|m| member_label(&m.id, &m.value))
            .collect();
        let removed: Vec<String> = old
            .members()
            .iter()
            .filter(|m| !nm.contains_key(m.id.as_str()))
            .map(|m| member_label(&m.id, &m.value))
            .collect();
        if !added.is_empty() {
            changes.push(Change::MembersAdded { members: added });
        }
        if !removed.is_empty() {
            changes.push(Change::MembersRemoved { members: removed });
        }
        for (id, o) in &om {
            let Some(n) = nm.get(id) else { continue };
            if o.value != n.value {
                changes.push(Change::MemberValue {
                    id: id.to_string(),
                    old: value_text(&o.value),
                    new: value_text(&n.value),
                });
            }
            let (od, nd) = (
                deprecation_text(o.deprecated.as_ref()),
                deprecation_text(n.deprecated.as_ref()),
            );
            if od != nd {
                changes.push(Change::MemberDeprecation {
                    id: id.to_string(),
                    old: od,
                    new: nd,
                });
            }
        }
    }
    if old.stability != new.stability {
        changes.push(Change::Stability {
            old: old.stability.map(|s| s.as_str().to_string()),
            new: new.stability.map(|s| s.as_str().to_string()),
        });
    }
    let (od, nd) = (
        deprecation_text(old.deprecated.as_ref()),
        deprecation_text(new.deprecated.as_ref()),
    );
    if od != nd {
        changes.push(Change::Deprecation { old: od, new: nd });
    }
    changes
}

fn signal_kind(kind: GroupKind) -> Option<&'static str> {
    match kind {
        GroupKind::Span => Some("span"),
        GroupKind::Event => Some("event"),
        GroupKind::Metric => Some("metric"),
        _ => None,
    }
}

fn level_text(l: &RequirementLevel) -> String {
    match l.text() {
        Some(t) => format!(
            "{} ({})",
            l.name(),
            t.split_whitespace().collect::<Vec<_>>().join(" ")
        ),
        None => l.name().to_string(),
    }
}

fn signal_changes(kind: &str, old: &Group, new: &Group) -> Option<SignalChange> {
    let om: BTreeMap<&str, _> = old.attributes.iter().map(|a| (a.key.as_str(), a)).collect();
    let nm: BTreeMap<&str, _> = new.attributes.iter().map(|a| (a.key.as_str(), a)).collect();
    let mut change = SignalChange {
        id: new.id.clone(),
        kind: kind.to_string(),
        attributes_added: Vec::new(),
        attributes_removed: Vec::new(),
        level_changes: Vec::new(),
        other: Vec::new(),
    };
    for (key, n) in &nm {
        match om.get(key) {
            None => change.attributes_added.push(LevelChange {
                key: key.to_string(),
                old: String::new(),
                new: level_text(&n.requirement_level),
            }),
            Some(o) if o.requirement_level != n.requirement_level => {
                change.level_changes.push(LevelChange {
                    key: key.to_string(),
                    old: level_text(&o.requirement_level),
                    new: level_text(&n.requirement_level),
                })
            }
            Some(_) => {}
        }
    }
    for (key, o) in &om {
        if !nm.contains_key(key) {
            change.attributes_removed.push(LevelChange {
                key: key.to_string(),
                old: level_text(&o.requirement_level),
                new: String::new(),
            });
        }
    }
    let mut other = |what: &str, o: Option<String>, n: Option<String>| {
        if o != n {
            let show = |v: Option<String>| v.unwrap_or_else(|| "(none)".into());
            change
                .other
                .push(format!("{what}: {} -> {}", show(o), show(n)));
        }
    };
    let (os, ns) = (old.as_span(), new.as_span());
    let (oe, ne) = (old.as_event(), new.as_event());
    let (om, nm) = (old.as_metric(), new.as_metric());
    other(
        "span kind",
        os.and_then(|s| s.kind).map(|k| k.as_str().into()),
        ns.and_then(|s| s.kind).map(|k| k.as_str().into()),
    );
    other(
        "span type",
        os.and_then(|s| s.span_type.clone()),
        ns.and_then(|s| s.span_type.clone()),
    );
    other(
        "event name",
        oe.and_then(|e| e.name.clone()),
        ne.and_then(|e| e.name.clone()),
    );
    other(
        "metric name",
        om.and_then(|m| m.name.clone()),
        nm.and_then(|m| m.name.clone()),
    );
    other(
        "instrument",
        om.and_then(|m| m.instrument).map(|i| i.as_str().into()),
        nm.and_then(|m| m.instrument).map(|i| i.as_str().into()),
    );
    other(
        "unit",
        om.and_then(|m| m.unit.clone()),
        nm.and_then(|m| m.unit.clone()),
    );
    other(
        "stability",
        old.stability.map(|s| s.as_str().into()),
        new.stability.map(|s| s.as_str().into()),
    );
    other(
        "deprecated",
        deprecation_text(old.deprecated.as_ref()),
        deprecation_text(new.deprecated.as_ref()),
    );
    let empty = change.attributes_added.is_empty()
        && change.attributes_removed.is_empty()
        && change.level_changes.is_empty()
        && change.other.is_empty();
    (!empty).then_some(change)
}

/// Computes what changed from `old` to `new`. Everything is sorted by key or id.
pub fn diff(old: &ResolvedRegistry, new: &ResolvedRegistry) -> RegistryDiff {
    let version = |r: &ResolvedRegistry| r.version.clone().or_else(|| r.schema_url.clone());
    let mut d = RegistryDiff {
        old_version: version(old),
        new_version: version(new),
        ..RegistryDiff::default()
    };
    for n in &new.attributes {
        match old.attribute(&n.key) {
            None => d.attributes_added.push(summary(n)),
            Some(o) => {
                let changes = attribute_changes(o, n);
                if !changes.is_empty() {
                    d.attributes_changed.push(AttributeChange {
                        key: n.key.clone(),
                        changes,
                    });
                }
                if let Some(to) = n.deprecated.as_ref().and_then(|x| x.renamed_to())
                    && o.deprecated.as_ref().and_then(|x| x.renamed_to()) != Some(to)
                {
                    d.attributes_renamed.push(Rename {
                        from: n.key.clone(),
                        to: to.to_string(),
                        still_defined: true,
                    });
                }
            }
        }
    }
    for o in &old.attributes {
        if new.attribute(&o.key).is_none() {
            d.attributes_removed.push(summary(o));
        }
    }
    // An attribute that only the new registry defines, already deprecated as renamed, or one
    // removed whose replacement the new registry added: both are renames too.
    let added: BTreeSet<&str> = d.attributes_added.iter().map(|a| a.key.as_str()).collect();
    for n in new
        .attributes
        .iter()
        .filter(|n| added.contains(n.key.as_str()))
    {
        if let Some(to) = n.deprecated.as_ref().and_then(|x| x.renamed_to()) {
            d.attributes_renamed.push(Rename {
                from: n.key.clone(),
                to: to.to_string(),
                still_defined: true,
            });
        }
    }
    for o in old
        .attributes
        .iter()
        .filter(|o| new.attribute(&o.key).is_none())
    {
        if let Some(to) = o.deprecated.as_ref().and_then(|x| x.renamed_to()) {
            d.attributes_renamed.push(Rename {
                from: o.key.clone(),
                to: to.to_string(),
                still_defined: false,
            });
        }
    }
    d.attributes_renamed.sort_by(|a, b| a.from.cmp(&b.from));
    for n in &new.groups {
        let Some(kind) = signal_kind(n.kind()) else {
            continue;
        };
        match old.group(&n.id).filter(|o| o.kind() == n.kind()) {
            None => d.signals_added.push(SignalSummary {
                id: n.id.clone(),
                kind: kind.into(),
                attributes: n.attributes.len(),
            }),
            Some(o) => d.signals_changed.extend(signal_changes(kind, o, n)),
        }
    }
    for o in &old.groups {
        let Some(kind) = signal_kind(o.kind()) else {
            continue;
        };
        if new.group(&o.id).filter(|n| n.kind() == o.kind()).is_none() {
            d.signals_removed.push(SignalSummary {
                id: o.id.clone(),
                kind: kind.into(),
                attributes: o.attributes.len(),
            });
        }
    }
    d
}

fn change_text(c: &Change) -> String {
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "(none)".into());
    match c {
        Change::Type { old, new } => format!("type: {old} -> {new}"),
        Change::MembersAdded { members } => format!("members added: {}", members.join(", ")),
        Change::MembersRemoved { members } => format!("members removed: {}", members.join(", ")),
        Change::MemberValue { id, old, new } => format!("member {id}: value {old} -> {new}"),
        Change::MemberDeprecation { id, old, new } => {
            format!("member {id}: deprecated {} -> {}", opt(old), opt(new))
        }
        Change::Stability { old, new } => format!("stability: {} -> {}", opt(old), opt(new)),
        Change::Deprecation { old, new } => format!("deprecated: {} -> {}", opt(old), opt(new)),
    }
}

fn attr_line(a: &AttributeSummary) -> String {
    let mut s = format!("{} ({}", a.key, a.ty);
    if let Some(st) = &a.stability {
        let _ = write!(s, ", {st}");
    }
    if a.deprecated {
        s.push_str(", deprecated");
    }
    s.push(')');
    s
}

fn rename_line(r: &Rename) -> String {
    let state = if r.still_defined {
        "deprecated"
    } else {
        "removed"
    };
    format!("{} -> {} (old key {state})", r.from, r.to)
}

fn level_line(l: &LevelChange) -> String {
    match (l.old.is_empty(), l.new.is_empty()) {
        (true, _) => format!("{}: {}", l.key, l.new),
        (_, true) => format!("{}: was {}", l.key, l.old),
        _ => format!("{}: {} -> {}", l.key, l.old, l.new),
    }
}

/// Plain text, one section per kind of change.
pub fn render_text(d: &RegistryDiff) -> String {
    let mut out = String::new();
    let v = |x: &Option<String>| x.clone().unwrap_or_else(|| "?".into());
    let _ = writeln!(
        out,
        "registry diff: {} -> {}",
        v(&d.old_version),
        v(&d.new_version)
    );
    if d.is_empty() {
        out.push_str("no changes\n");
        return out;
    }
    let mut section = |title: &str, lines: Vec<String>| {
        if !lines.is_empty() {
            let _ = writeln!(out, "\n{title} ({}):", lines.len());
            for l in lines {
                let _ = writeln!(out, "  {l}");
            }
        }
    };
    section(
        "attributes added",
        d.attributes_added.iter().map(attr_line).collect(),
    );
    section(
        "attributes removed",
        d.attributes_removed.iter().map(attr_line).collect(),
    );
    section(
        "attributes renamed",
        d.attributes_renamed.iter().map(rename_line).collect(),
    );
    section(
        "attributes changed",
        d.attributes_changed
            .iter()
            .flat_map(|a| {
                a.changes
                    .iter()
                    .map(|c| format!("{}: {}", a.key, change_text(c)))
            })
            .collect(),
    );
    let sig = |s: &SignalSummary| format!("{} {} ({} attributes)", s.kind, s.id, s.attributes);
    section("signals added", d.signals_added.iter().map(sig).collect());
    section(
        "signals removed",
        d.signals_removed.iter().map(sig).collect(),
    );
    let mut lines = Vec::new();
    for s in &d.signals_changed {
        lines.push(format!("{} {}:", s.kind, s.id));
        lines.extend(
            s.attributes_added
                .iter()
                .map(|l| format!("  + {}", level_line(l))),
        );
        lines.extend(
            s.attributes_removed
                .iter()
                .map(|l| format!("  - {}", level_line(l))),
        );
        lines.extend(
            s.level_changes
                .iter()
                .map(|l| format!("  ~ {}", level_line(l))),
        );
        lines.extend(s.other.iter().map(|o| format!("  ~ {o}")));
    }
    section("signals changed", lines);
    out
}

/// Markdown (for pull requests and changelogs).
pub fn render_markdown(d: &RegistryDiff) -> String {
    let mut out = String::new();
    let v = |x: &Option<String>| x.clone().unwrap_or_else(|| "?".into());
    let _ = writeln!(
        out,
        "# Registry diff: `{}` -> `{}`",
        v(&d.old_version),
        v(&d.new_version)
    );
    if d.is_empty() {
        out.push_str("\nNo changes.\n");
        return out;
    }
    let code = |s: &str| format!("`{s}`");
    let mut section = |title: &str, lines: Vec<String>| {
        if !lines.is_empty() {
            let _ = writeln!(out, "\n## {title} ({})\n", lines.len());
            for l in lines {
                let _ = writeln!(out, "- {l}");
            }
        }
    };
    let attr = |a: &AttributeSummary| {
        let mut s = format!("{} ({}", code(&a.key), a.ty);
        if let Some(st) = &a.stability {
            let _ = write!(s, ", {st}");
        }
        if a.deprecated {
            s.push_str(", deprecated");
        }
        s + ")"
    };
    section(
        "Attributes added",
        d.attributes_added.iter().map(attr).collect(),
    );
    section(
        "Attributes removed",
        d.attributes_removed.iter().map(attr).collect(),
    );
    section(
        "Attributes renamed",
        d.attributes_renamed
            .iter()
            .map(|r| {
                let state = if r.still_defined {
                    "deprecated"
                } else {
                    "removed"
                };
                format!("{} -> {} (old key {state})", code(&r.from), code(&r.to))
            })
            .collect(),
    );
    section(
        "Attributes changed",
        d.attributes_changed
            .iter()
            .flat_map(|a| {
                a.changes
                    .iter()
                    .map(|c| format!("{}: {}", code(&a.key), change_text(c)))
            })
            .collect(),
    );
    let sig =
        |s: &SignalSummary| format!("{} {} ({} attributes)", s.kind, code(&s.id), s.attributes);
    section("Signals added", d.signals_added.iter().map(sig).collect());
    section(
        "Signals removed",
        d.signals_removed.iter().map(sig).collect(),
    );
    if !d.signals_changed.is_empty() {
        let _ = writeln!(out, "\n## Signals changed ({})", d.signals_changed.len());
        for s in &d.signals_changed {
            let _ = writeln!(out, "\n### {} {}\n", s.kind, code(&s.id));
            for l in &s.attributes_added {
                let _ = writeln!(out, "- added {}", level_line_md(l));
            }
            for l in &s.attributes_removed {
                let _ = writeln!(out, "- removed {}", level_line_md(l));
            }
            for l in &s.level_changes {
                let _ = writeln!(out, "- level {}", level_line_md(l));
            }
            for o in &s.other {
                let _ = writeln!(out, "- {o}");
            }
        }
    }
    out
}

fn level_line_md(l: &LevelChange) -> String {
    let key = format!("`{}`", l.key);
    match (l.old.is_empty(), l.new.is_empty()) {
        (true, _) => format!("{key}: {}", l.new),
        (_, true) => format!("{key}: was {}", l.old),
        _ => format!("{key}: {} -> {}", l.old, l.new),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(yaml: &str) -> ResolvedRegistry {
        crate::RegistryLoader::new()
            .load_files(vec![("r.yaml".into(), yaml.to_string())])
            .expect("test registry")
            .registry
    }

    #[test]
    fn detects_changes() {
        let old = load(
            "file_format: definition/2\nattributes:\n  - key: a.x\n    type: string\n    brief: x\n    stability: development\n  - key: a.e\n    type:\n      members:\n        - {id: one, value: one, stability: development}\n    brief: e\n    stability: development\n  - key: a.gone\n    type: int\n    brief: g\n    stability: development\n",
        );
        let new = load(
            "file_format: definition/2\nattributes:\n  - key: a.x\n    type: int\n    brief: x\n    stability: stable\n    deprecated: {reason: renamed, renamed_to: a.y}\n  - key: a.y\n    type: int\n    brief: y\n    stability: stable\n  - key: a.e\n    type:\n      members:\n        - {id: two, value: two, stability: development}\n    brief: e\n    stability: development\n",
        );
        let d = diff(&old, &new);
        assert_eq!(d.attributes_added.len(), 1);
        assert_eq!(d.attributes_removed[0].key, "a.gone");
        assert_eq!(d.attributes_renamed[0].to, "a.y");
        let text = render_text(&d);
        assert!(text.contains("a.x: type: string -> int"), "{text}");
        assert!(text.contains("a.e: members added: two"), "{text}");
        assert!(text.contains("a.e: members removed: one"), "{text}");
        assert!(render_markdown(&d).contains("## Attributes renamed (1)"));
        assert!(diff(&new, &new).is_empty());
    }
}
