//! Span rules: matching to a definition, `span_name_mismatch`, `span_kind_mismatch`,
//! `missing_operation_name`, then the attribute and requirement rules.

use std::sync::Arc;

use super::Checker;
use super::legacy;
use crate::compiled::{DefId, Segment};
use crate::finding::{Finding, FindingId, Level};
use crate::telemetry::{Attributes, Span, Value};
use crate::text::clip;

/// The outcome of matching a span.
pub(crate) struct Match {
    pub def: DefId,
    pub kind_ok: bool,
}

impl Checker<'_> {
    /// Checks a span; returns the definition it was checked against.
    pub(crate) fn span(
        &mut self,
        span: &Span,
        seen: &mut [bool],
        out: &mut Vec<Finding>,
    ) -> Option<DefId> {
        self.resolve_keyed(&span.attributes, seen, self.want_keys);
        super::encoding::ids(&span.origin, &span.resource, &span.scope, "span", out);
        let m = self.match_span(span);
        let def = m.as_ref().map(|m| &self.c.defs[m.def as usize]);
        for (i, (k, v)) in span.attributes.iter().enumerate() {
            self.attribute(k.as_str(), v, self.ids[i], def, out);
        }
        self.duplicates(&span.attributes, out);
        match (&m, def) {
            (Some(m), Some(def)) => {
                self.requirements(def, &span.attributes, Some(span.status.is_error()), out);
                if !m.kind_ok {
                    let expected: Vec<&str> = def.kinds.iter().map(|k| k.as_str()).collect();
                    out.push(Finding::new(
                        FindingId::SpanKindMismatch,
                        Level::Violation,
                        None,
                        format!(
                            "span kind is `{}`, but `{}` spans are `{}`",
                            span.kind.as_str(),
                            def.id,
                            expected.join("` or `")
                        ),
                    ));
                }
                if !def.names.is_empty()
                    && !self.name_matches(&span.name, &def.names, &span.attributes)
                {
                    let expected = self.expected_name(&def.names, &span.attributes);
                    out.push(Finding::new(
                        FindingId::SpanNameMismatch,
                        Level::Improvement,
                        None,
                        format!(
                            "span name `{}` does not follow {} of `{}`; expected `{}`",
                            clip(&span.name),
                            def.names_text,
                            def.id,
                            clip(&expected)
                        ),
                    ));
                }
            }
            _ => {
                let genai = span
                    .attributes
                    .iter()
                    .any(|(k, _)| legacy::looks_genai(k.as_str()));
                let has_op = self.c.operation.is_some_and(|op| self.has(op));
                if genai && !has_op {
                    out.push(Finding::new(
                        FindingId::MissingOperationName,
                        Level::Violation,
                        Some(Arc::from("gen_ai.operation.name")),
                        format!(
                            "span `{}` carries GenAI attributes but no `gen_ai.operation.name`, so \
                             it matches no span definition; set it (e.g. `chat`, `invoke_agent`, \
                             `execute_tool`)",
                            clip(&span.name)
                        ),
                    ));
                }
            }
        }
        self.clear();
        if !span.events.is_empty() {
            self.span_events(&span.events, seen, out);
        }
        m.map(|m| m.def)
    }

    /// Finds the definition: a non-operation discriminator (`mcp.method.name`) first, then the
    /// operation name (unclaimed values go to the catch-all), then the kind among candidates,
    /// then the provider refinement.
    pub(crate) fn match_span(&self, span: &Span) -> Option<Match> {
        let t = &self.c.spans;
        let candidates: &[DefId] =
            if let Some((_, defs)) = t.by_attribute.iter().find(|(a, _)| self.has(*a)) {
                defs
            } else {
                let op = self.c.operation.filter(|op| self.has(*op))?;
                let value = self.value_of(op, &span.attributes)?.as_str()?;
                match t.by_operation.get(value) {
                    Some(defs) => defs,
                    None => &t.catch_all,
                }
            };
        let first = *candidates.first()?;
        let (base, kind_ok) = candidates
            .iter()
            .find(|d| self.c.defs[**d as usize].kinds.contains(&span.kind))
            .map_or_else(
                || (first, self.c.defs[first as usize].kinds.is_empty()),
                |d| (*d, true),
            );
        let def = self
            .c
            .provider
            .filter(|p| self.has(*p))
            .and_then(|p| self.value_of(p, &span.attributes)?.as_str())
            .and_then(|provider| {
                t.refinements
                    .get(&base)?
                    .iter()
                    .find(|(p, _)| &**p == provider)
                    .map(|(_, id)| *id)
            })
            .unwrap_or(base);
        Some(Match { def, kind_ok })
    }

    pub(crate) fn value_of<'v>(
        &self,
        id: crate::compiled::AttrId,
        attrs: &'v Attributes,
    ) -> Option<&'v Value> {
        let i = self.ids.iter().position(|x| *x == Some(id))?;
        attrs.0.get(i).map(|(_, v)| v)
    }

    /// The value under the exact key of attribute `id`, as [`Attributes::get`] finds it, but
    /// comparing resolved ids first (valid between [`Checker::resolve`] and the next item).
    fn exact_value<'v>(
        &self,
        id: crate::compiled::AttrId,
        attrs: &'v Attributes,
    ) -> Option<&'v Value> {
        let key = self.c.attrs[id as usize].key;
        self.ids
            .iter()
            .zip(&attrs.0)
            .find(|(x, (k, _))| **x == Some(id) && k.as_str() == key)
            .map(|(_, (_, v))| v)
    }

    fn name_matches(&self, name: &str, patterns: &[Vec<Segment>], attrs: &Attributes) -> bool {
        let mut any_applicable = false;
        for p in patterns {
            match self.match_pattern(name, p, attrs) {
                Some(true) => return true,
                Some(false) => any_applicable = true,
                None => {}
            }
        }
        // No pattern could be filled (a placeholder's attribute is missing): accept the
        // pattern with the missing parts left out.
        !any_applicable && patterns.iter().any(|p| self.fill(p, attrs) == name)
    }

    /// `None` when a placeholder's attribute is missing.
    fn match_pattern(&self, name: &str, pattern: &[Segment], attrs: &Attributes) -> Option<bool> {
        let mut rest = name;
        let mut ok = true;
        for (i, seg) in pattern.iter().enumerate() {
            match seg {
                Segment::Literal(l) => match rest.strip_prefix(&**l) {
                    Some(r) => rest = r,
                    None => ok = false,
                },
                Segment::Attr(id) => {
                    let v = self.exact_value(*id, attrs)?;
                    let matched = match v {
                        Value::String(s) => rest.strip_prefix(s.as_str()),
                        other => rest.strip_prefix(other.to_string().as_str()),
                    };
                    match matched {
                        Some(r) => rest = r,
                        None => ok = false,
                    }
                }
                Segment::Any => {
                    // Only as the last segment: any non-empty rest.
                    if i + 1 == pattern.len() {
                        ok &= !rest.is_empty();
                        rest = "";
                    }
                }
            }
            if !ok {
                // Keep scanning for missing attributes so an inapplicable pattern says so.
                if pattern[i + 1..].iter().any(
                    |s| matches!(s, Segment::Attr(id) if self.exact_value(*id, attrs).is_none()),
                ) {
                    return None;
                }
                return Some(false);
            }
        }
        Some(rest.is_empty())
    }

    fn fill(&self, pattern: &[Segment], attrs: &Attributes) -> String {
        let mut s = String::new();
        for seg in pattern {
            match seg {
                Segment::Literal(l) => s.push_str(l),
                Segment::Attr(id) => match self.exact_value(*id, attrs) {
                    Some(Value::String(v)) => s.push_str(v.as_str()),
                    Some(other) => s.push_str(&other.to_string()),
                    None => {}
                },
                Segment::Any => s.push_str("<target>"),
            }
        }
        s.trim().to_string()
    }

    fn expected_name(&self, patterns: &[Vec<Segment>], attrs: &Attributes) -> String {
        let applicable = patterns.iter().find(|p| {
            p.iter().all(|s| match s {
                Segment::Attr(id) => self.exact_value(*id, attrs).is_some(),
                _ => true,
            })
        });
        self.fill(applicable.unwrap_or(&patterns[0]), attrs)
    }
}
