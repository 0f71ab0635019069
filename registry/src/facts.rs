//! Facts derived from the definitions, read once here so that no other crate reads registry
//! prose: the operation names a span definition claims, the kinds it may have, its name
//! template, the attribute it is recognized by, the provider a refinement is for, and when a
//! conditionally required attribute is required (or a recommended one applies).
//!
//! They are computed by [`ResolvedRegistry::new`] and stored on the model:
//! [`SpanSignal::facts`](crate::SpanSignal::facts), [`Group::provider`],
//! [`Group::specializes`] and [`GroupAttribute::condition`].

use std::collections::HashSet;

use crate::model::common::{RequirementLevel, SpanKind};
use crate::model::resolved::{Group, GroupAttribute, GroupKind, ResolvedRegistry, Signal};

/// The attribute that names a GenAI operation.
pub const OPERATION_NAME: &str = "gen_ai.operation.name";
/// The attribute that names a GenAI provider.
pub const PROVIDER_NAME: &str = "gen_ai.provider.name";

/// Facts derived from a span definition (refinements inherit what they do not override).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SpanFacts {
    /// Values of `gen_ai.operation.name` the definition claims (from its note and the literal
    /// first word of its name template); empty when it claims none in particular.
    pub operations: Vec<String>,
    /// Kinds a span of this definition may have: the declared kind first, then those its
    /// note allows ("MAY be traced with kind `INTERNAL`").
    pub kinds: Vec<SpanKind>,
    /// How the span name is formed, when the definition says so.
    pub name: Option<NameTemplate>,
    /// The attribute a span is recognized by.
    pub discriminator: Option<Discriminator>,
}

/// The attribute a span definition is recognized by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Discriminator {
    /// `gen_ai.operation.name` (required on the definition).
    OperationName,
    /// Another attribute its name template starts with (`mcp.method.name`).
    Attribute(String),
}

/// A span-name template: one or more alternatives (`invoke_agent {gen_ai.agent.name}` or
/// `invoke_agent`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NameTemplate {
    /// The alternatives, in the order the definition gives them.
    pub alternatives: Vec<NamePattern>,
}

impl NameTemplate {
    /// The main form: the first alternative with a placeholder, else the first one.
    pub fn primary(&self) -> Option<&NamePattern> {
        self.alternatives
            .iter()
            .find(|p| p.parts.iter().any(|x| !matches!(x, NamePart::Literal(_))))
            .or(self.alternatives.first())
    }

    /// The alternatives as written, for messages: "`a` or `b`".
    pub fn describe(&self) -> String {
        self.alternatives
            .iter()
            .map(|p| format!("`{}`", p.text))
            .collect::<Vec<_>>()
            .join(" or ")
    }
}

/// One alternative of a span-name template.
#[derive(Debug, Clone, PartialEq)]
pub struct NamePattern {
    /// As written (`{gen_ai.operation.name} {gen_ai.request.model}`).
    pub text: String,
    /// Its parts.
    pub parts: Vec<NamePart>,
}

/// One part of a [`NamePattern`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NamePart {
    /// Literal text.
    Literal(String),
    /// The value of an attribute of the registry.
    Attribute(String),
    /// A placeholder that is not an attribute (`{target}`): some non-empty text.
    Placeholder(String),
}

/// When a conditionally required attribute is required (or a recommended one with a condition
/// applies), as far as telemetry data can tell.
///
/// [`Condition::Streaming`] is decided from the definition itself: a request is streaming when
/// any attribute the definition conditions on streaming is present (a boolean one, true).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    /// When the operation failed (the span status is an error).
    OnError,
    /// When another attribute is present.
    WhenPresent(String),
    /// When another attribute has a given value.
    WhenValue {
        /// The other attribute.
        key: String,
        /// The value it must have.
        value: String,
    },
    /// For streaming requests only.
    Streaming,
    /// A condition data cannot decide; the text is the requirement level's.
    Prose,
}

impl ResolvedRegistry {
    /// The group a refinement refines (by id, `span.`/`metric.`/`event.`/`entity.` + id, or
    /// span type).
    pub fn base_of(&self, g: &Group) -> Option<&Group> {
        let refines = g.refines.as_deref()?;
        self.group(refines)
            .or_else(|| {
                ["span.", "metric.", "event.", "entity."]
                    .iter()
                    .find_map(|p| self.group(&format!("{p}{refines}")))
            })
            .or_else(|| {
                self.groups.iter().find(|b| {
                    b.as_span()
                        .is_some_and(|s| s.span_type.as_deref() == Some(refines))
                })
            })
    }
}

/// Computes every derived fact of `reg` (called once, by [`ResolvedRegistry::new`]).
pub(crate) fn derive(reg: &mut ResolvedRegistry) {
    let ctx = Ctx::new(reg);
    let mut spans = Vec::with_capacity(reg.groups.len());
    let mut providers = Vec::with_capacity(reg.groups.len());
    let mut conditions = Vec::with_capacity(reg.groups.len());
    for g in &reg.groups {
        spans.push(g.as_span().map(|_| ctx.span_facts(reg, g)));
        providers.push(ctx.provider(reg, g));
        conditions.push(
            g.attributes
                .iter()
                .map(|a| ctx.condition(a))
                .collect::<Vec<_>>(),
        );
    }
    let specializes = specializes(reg, &spans, &providers);
    for (i, g) in reg.groups.iter_mut().enumerate() {
        if let (Signal::Span(s), Some(f)) = (&mut g.signal, spans[i].take()) {
            s.facts = f;
        }
        g.provider = providers[i].take();
        g.specializes = specializes[i].clone();
        for (a, c) in g.attributes.iter_mut().zip(conditions[i].drain(..)) {
            a.condition = c;
        }
    }
}

/// What the derivation needs from the registry as a whole.
struct Ctx {
    operations: Vec<String>,
    providers: Vec<String>,
    keys: HashSet<String>,
}

fn string_members(reg: &ResolvedRegistry, key: &str) -> Vec<String> {
    reg.attribute(key)
        .map(|a| {
            a.members()
                .iter()
                .filter_map(|m| m.value.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

impl Ctx {
    fn new(reg: &ResolvedRegistry) -> Self {
        Ctx {
            operations: string_members(reg, OPERATION_NAME),
            providers: string_members(reg, PROVIDER_NAME),
            keys: reg.attributes.iter().map(|a| a.key.clone()).collect(),
        }
    }

    fn is_operation(&self, s: &str) -> bool {
        self.operations.iter().any(|o| o == s)
    }

    fn span_facts(&self, reg: &ResolvedRegistry, g: &Group) -> SpanFacts {
        let base = reg.base_of(g);
        // Classic groups sometimes say it in the brief (v1.37.0 embeddings): read both.
        let prose = |g: &Group| match (g.note.as_deref(), g.brief.as_str()) {
            (Some(n), "") => Some(n.to_string()),
            (Some(n), b) => Some(format!("{b}\n\n{n}")),
            (None, "") => None,
            (None, b) => Some(b.to_string()),
        };
        let note = g
            .note
            .as_ref()
            .map(|_| g)
            .or(base.filter(|b| b.note.is_some()));
        let note = note.and_then(prose).or_else(|| prose(g));
        let note = note.as_deref();
        let declared = g.as_span().and_then(|s| s.kind);
        let name_note = g
            .as_span()
            .and_then(|s| s.name.as_deref())
            .or(base.and_then(|b| b.as_span()?.name.as_deref()))
            .map(str::to_string)
            .or_else(|| note.and_then(naming_paragraph).map(str::to_string));
        let operations = self.claimed_operations(note, name_note.as_deref());
        let name = name_note
            .as_deref()
            .map(|n| self.name_template(n, &operations))
            .filter(|t| !t.alternatives.is_empty());
        let discriminator = if g
            .attribute(OPERATION_NAME)
            .is_some_and(|a| a.requirement_level == RequirementLevel::Required)
        {
            Some(Discriminator::OperationName)
        } else {
            name.as_ref()
                .and_then(|t| t.alternatives.first())
                .and_then(|p| match p.parts.first() {
                    Some(NamePart::Attribute(k)) => Some(Discriminator::Attribute(k.clone())),
                    _ => None,
                })
        };
        SpanFacts {
            operations,
            kinds: kinds(declared, note),
            name,
            discriminator,
        }
    }

    /// Operation names claimed: "`gen_ai.operation.name` is expected to be `x`" (or SHOULD /
    /// MUST be, or "one of `a`, `b` ... or `c`") in the note, and the literal first word of a
    /// code span of the naming prose.
    fn claimed_operations(&self, note: Option<&str>, name_note: Option<&str>) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut add = |tok: &str| {
            if self.is_operation(tok) && !out.iter().any(|o| o == tok) {
                out.push(tok.to_string());
            }
        };
        if let Some(note) = note {
            let needle = format!("`{OPERATION_NAME}`");
            let mut from = 0;
            while let Some(pos) = note[from..].find(&needle) {
                let after = &note[from + pos + needle.len()..];
                from += pos + needle.len();
                let rest = after.trim_start();
                let verb = ["is expected to be", "SHOULD be", "MUST be"]
                    .iter()
                    .find(|v| rest.starts_with(**v));
                let Some(verb) = verb else {
                    continue;
                };
                let sentence = sentence(&rest[verb.len()..]);
                for tok in code_spans(sentence) {
                    add(tok);
                }
            }
        }
        if let Some(name) = name_note {
            for tok in code_spans(name) {
                add(tok.split(' ').next().unwrap_or(""));
            }
        }
        out
    }

    /// The code spans of the naming prose's first paragraph that start with a claimed
    /// operation, or with a placeholder naming an attribute (every later placeholder-led one
    /// must start with the same attribute).
    fn name_template(&self, note: &str, operations: &[String]) -> NameTemplate {
        let first_para = note.split("\n\n").next().unwrap_or(note);
        let mut discriminator: Option<&str> = None;
        let mut alternatives = Vec::new();
        for tok in code_spans(first_para) {
            if tok.is_empty() {
                continue;
            }
            let starts_with_op = operations.iter().any(|op| {
                tok == op
                    || tok
                        .strip_prefix(op.as_str())
                        .is_some_and(|r| r.starts_with(' '))
            });
            let head = tok
                .strip_prefix('{')
                .and_then(|r| r.split_once('}'))
                .map(|(k, _)| k);
            // A literal prefix followed by attribute placeholders (`acme.gateway {gen_ai.operation.name}`).
            let literal_led = head.is_none()
                && tok.split('{').skip(1).any(|r| {
                    r.split_once('}')
                        .is_some_and(|(k, _)| self.keys.contains(k))
                });
            let ok = match (head, discriminator) {
                _ if starts_with_op || literal_led => true,
                (Some(h), None) if self.keys.contains(h) => {
                    discriminator = Some(h);
                    true
                }
                (Some(h), Some(d)) => h == d,
                _ => false,
            };
            if ok && !alternatives.iter().any(|p: &NamePattern| p.text == tok) {
                alternatives.push(NamePattern {
                    text: tok.to_string(),
                    parts: self.parts(tok),
                });
            }
        }
        NameTemplate { alternatives }
    }

    fn parts(&self, pattern: &str) -> Vec<NamePart> {
        let mut out = Vec::new();
        let mut rest = pattern;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                out.push(NamePart::Literal(rest[..open].to_string()));
            }
            let Some(close) = rest[open..].find('}') else {
                out.push(NamePart::Literal(rest[open..].to_string()));
                return out;
            };
            let key = &rest[open + 1..open + close];
            out.push(if self.keys.contains(key) {
                NamePart::Attribute(key.to_string())
            } else {
                NamePart::Placeholder(key.to_string())
            });
            rest = &rest[open + close + 1..];
        }
        if !rest.is_empty() {
            out.push(NamePart::Literal(rest.to_string()));
        }
        out
    }

    /// The provider a refinement (or a classic provider-specific span) is for: the note's
    /// "`gen_ai.provider.name` MUST be (set to) `"openai"`", else the refinement's id minus the
    /// refined type's tail (`aws.bedrock.inference.client` refining `gen_ai.inference.client`),
    /// else a provider value its id starts with.
    fn provider(&self, reg: &ResolvedRegistry, g: &Group) -> Option<String> {
        if !matches!(g.kind(), GroupKind::Span | GroupKind::Metric) {
            return None;
        }
        if let Some(note) = g.note.as_deref() {
            let needle = format!("`{PROVIDER_NAME}` MUST be");
            if let Some(pos) = note.find(&needle) {
                let rest = note[pos + needle.len()..].trim_start();
                let rest = rest.strip_prefix("set to").unwrap_or(rest).trim_start();
                if let Some(value) = rest
                    .strip_prefix('`')
                    .and_then(|r| r.split_once('`'))
                    .map(|(v, _)| v.trim_matches('"'))
                    .filter(|v| !v.is_empty())
                {
                    return Some(value.to_string());
                }
            }
        }
        let local = g.id.split_once('.').map_or(g.id.as_str(), |(_, r)| r);
        if let Some(refines) = g.refines.as_deref() {
            let base = reg.base_of(g);
            let ty = base
                .and_then(|b| {
                    b.as_span()
                        .and_then(|s| s.span_type.as_deref())
                        .or(b.as_metric().and_then(|m| m.name.as_deref()))
                })
                .unwrap_or(refines);
            let tail = ty.split_once('.').map_or(ty, |(_, t)| t);
            if let Some(p) =
                g.id.strip_suffix(tail)
                    .and_then(|p| p.strip_suffix('.'))
                    .filter(|p| !p.is_empty())
            {
                return Some(p.to_string());
            }
        }
        // A provider value the id starts with (`span.aws.bedrock.client`); longest first.
        if g.refines.is_none() && g.attribute(PROVIDER_NAME).is_none() {
            return None;
        }
        let id = if g.refines.is_some() {
            g.id.as_str()
        } else {
            local
        };
        self.providers
            .iter()
            .filter(|p| {
                id.strip_prefix(p.as_str())
                    .is_some_and(|r| r.starts_with('.'))
            })
            .max_by_key(|p| p.len())
            .cloned()
    }

    /// Decides the condition texts data can answer.
    fn condition(&self, a: &GroupAttribute) -> Option<Condition> {
        match &a.requirement_level {
            RequirementLevel::ConditionallyRequired(text) => Some(self.condition_of(&a.key, text)),
            RequirementLevel::Recommended(Some(text)) if !text.trim().is_empty() => {
                Some(self.condition_of(&a.key, text))
            }
            _ => None,
        }
    }

    fn condition_of(&self, key: &str, text: &str) -> Condition {
        let t = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let t = t.trim_end_matches('.');
        let lower = t.to_ascii_lowercase();
        if key == "error.type" && (lower.contains("fail") || lower.contains("error")) {
            return Condition::OnError;
        }
        if [
            "operation fails",
            "operation failed",
            "ended in an error",
            "error has occurred",
            "an error occurred",
        ]
        .iter()
        .any(|p| lower.contains(p))
        {
            return Condition::OnError;
        }
        let rest = t
            .strip_prefix("When `")
            .or_else(|| t.strip_prefix("when `"))
            .or_else(|| t.strip_prefix("If `"))
            .or_else(|| t.strip_prefix("if `"));
        if let Some(rest) = rest
            && let Some((other, tail)) = rest.split_once('`')
            && self.keys.contains(other)
        {
            if matches!(tail, " is recorded" | " is set" | " is present") {
                return Condition::WhenPresent(other.to_string());
            }
            for verb in [" is `", " equals `", " is set to `"] {
                if let Some((value, end)) = tail.strip_prefix(verb).and_then(|v| v.split_once('`'))
                    && end.is_empty()
                {
                    return Condition::WhenValue {
                        key: other.to_string(),
                        value: value.to_string(),
                    };
                }
            }
        }
        if lower.contains("streaming") {
            return Condition::Streaming;
        }
        Condition::Prose
    }
}

/// The definition each refinement or provider-specific span specializes: its `refines`, or
/// for a classic provider span (no `refines`), the one generic span with the same kind and
/// claimed operations.
fn specializes(
    reg: &ResolvedRegistry,
    spans: &[Option<SpanFacts>],
    providers: &[Option<String>],
) -> Vec<Option<String>> {
    let generic = |i: usize| providers[i].is_none() && reg.groups[i].refines.is_none();
    reg.groups
        .iter()
        .enumerate()
        .map(|(i, g)| {
            if let Some(r) = g.refines.as_deref() {
                return Some(reg.base_of(g).map_or(r, |b| b.id.as_str()).to_string());
            }
            providers[i].as_ref()?;
            let facts = spans[i].as_ref()?;
            let kind = g.as_span()?.kind;
            let mut candidates = (0..reg.groups.len()).filter(|&j| {
                j != i
                    && generic(j)
                    && reg.groups[j].as_span().is_some_and(|s| s.kind == kind)
                    && spans[j].as_ref().is_some_and(|f| {
                        f.operations == facts.operations
                            && f.discriminator == Some(Discriminator::OperationName)
                    })
            });
            let first = candidates.next()?;
            candidates
                .next()
                .is_none()
                .then(|| reg.groups[first].id.clone())
        })
        .collect()
}

/// The kinds a span may have: `declared` first, then each kind its note allows in a sentence
/// with "MAY" ("MAY be traced with kind `INTERNAL`", "span kind ... MAY be set to `INTERNAL`").
fn kinds(declared: Option<SpanKind>, note: Option<&str>) -> Vec<SpanKind> {
    let Some(k) = declared else {
        return Vec::new();
    };
    let mut out = vec![k];
    let Some(note) = note else {
        return out;
    };
    let note = note.split_whitespace().collect::<Vec<_>>().join(" ");
    for (extra, kind) in [
        ("INTERNAL", SpanKind::Internal),
        ("CLIENT", SpanKind::Client),
        ("SERVER", SpanKind::Server),
    ] {
        let code = format!("`{extra}`");
        let with_kind = format!("kind {code}");
        let allowed = note.split_inclusive(['.', ';']).any(|s| {
            let Some(may) = s.find("MAY") else {
                return false;
            };
            s.contains(&with_kind)
                || (s.to_ascii_lowercase().contains("span kind") && s[may..].contains(&code))
        });
        if allowed && !out.contains(&kind) {
            out.push(kind);
        }
    }
    out
}

/// The naming prose of a classic note: from "span name" to the end of its paragraph.
fn naming_paragraph(note: &str) -> Option<&str> {
    note.split("\n\n").find_map(|p| {
        let at = p.to_ascii_lowercase().find("span name")?;
        p.get(at..)
    })
}

/// The backticked code spans of `text`.
fn code_spans(text: &str) -> impl Iterator<Item = &str> {
    text.split('`').skip(1).step_by(2)
}

/// `text` up to the end of its first sentence (a `.` outside code followed by a space or the
/// end), or of its paragraph.
fn sentence(text: &str) -> &str {
    let mut in_code = false;
    let b = text.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'`' => in_code = !in_code,
            b'.' if !in_code && b.get(i + 1).is_none_or(|n| n.is_ascii_whitespace()) => {
                return &text[..i];
            }
            b'\n' if b.get(i + 1) == Some(&b'\n') => return &text[..i],
            _ => {}
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_end_outside_code() {
        assert_eq!(sentence(" `a.b` and `c`. Next"), " `a.b` and `c`");
        assert_eq!(
            sentence(" one of `a`,\n`b` or `c`"),
            " one of `a`,\n`b` or `c`"
        );
        assert_eq!(sentence(" `x`\n\nnext para."), " `x`");
    }

    #[test]
    fn kinds_read_may_sentences_only() {
        let note = "Span kind SHOULD be `CLIENT` and MAY be set to `INTERNAL` on local models.";
        assert_eq!(
            kinds(Some(SpanKind::Client), Some(note)),
            vec![SpanKind::Client, SpanKind::Internal]
        );
        let note = "A local store MAY be traced with kind\n`INTERNAL`.";
        assert_eq!(
            kinds(Some(SpanKind::Client), Some(note)),
            vec![SpanKind::Client, SpanKind::Internal]
        );
        let note = "It is never `INTERNAL`. It MAY be retried.";
        assert_eq!(
            kinds(Some(SpanKind::Client), Some(note)),
            vec![SpanKind::Client]
        );
        assert!(kinds(None, Some(note)).is_empty());
    }
}
