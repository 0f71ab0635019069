//! The template context of the typed signal builders (`builder.rs`): one builder per span
//! definition and refinement, per metric and per event, prepared from the rest of the
//! [`Context`](crate::Context).
//!
//! Required attributes become constructor arguments, the others setters carrying their
//! requirement level and condition; enum attributes take their generated enum; sampling-relevant
//! attributes are marked so the runtime gives them to the sampler.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::CodegenError;
use crate::context::{AttributeCtx, RequirementCtx, SignalCtx};
use crate::filters::pascal_case;

/// The builders of every signal.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BuildersCtx {
    /// One per span definition and refinement, sorted by id.
    pub spans: Vec<SignalBuilderCtx>,
    /// One per metric, sorted by id.
    pub metrics: Vec<SignalBuilderCtx>,
    /// One per event, sorted by id.
    pub events: Vec<SignalBuilderCtx>,
}

/// The builder of one signal.
#[derive(Debug, Clone, Serialize)]
pub struct SignalBuilderCtx {
    /// Registry id.
    pub id: String,
    /// Struct name (`GenAiExecuteToolInternal`).
    pub name: String,
    /// Descriptor constant (`GEN_AI_EXECUTE_TOOL_INTERNAL`, in `span`/`metric`/`event`).
    pub const_name: String,
    /// Brief.
    pub brief: String,
    /// Deprecation message.
    pub deprecated: Option<String>,
    /// Spans: the name template as parts.
    pub name_parts: Vec<NamePartCtx>,
    /// Spans: `gen_ai.operation.name` when the definition claims exactly one value (set by
    /// the constructor).
    pub operation: Option<String>,
    /// Spans: whether `gen_ai.operation.name` is sampling relevant on the definition.
    pub operation_sampling: bool,
    /// Metrics: Rust instrument type (`Histogram<f64>`, `Counter<u64>`, ..).
    pub instrument_type: Option<String>,
    /// Metrics: runtime constructor (`f64_histogram`, `u64_counter`, ..).
    pub instrument_fn: Option<String>,
    /// Metrics: the recorded value type (`f64`, `u64`, `i64`).
    pub value_type: Option<String>,
    /// Metrics: the recording method (`record`, `add`).
    pub record_method: Option<String>,
    /// Constructor arguments (required attributes).
    pub required: Vec<FieldCtx>,
    /// Setters (every other attribute that is not deprecated).
    pub optional: Vec<FieldCtx>,
}

/// A part of a span-name template.
#[derive(Debug, Clone, Serialize)]
pub struct NamePartCtx {
    /// `literal` or `attribute`.
    pub kind: String,
    /// The text or the attribute key.
    pub value: String,
}

/// An attribute as a builder argument or setter.
#[derive(Debug, Clone, Serialize)]
pub struct FieldCtx {
    /// Key.
    pub key: String,
    /// Method or argument name (`request_model`).
    pub method: String,
    /// `AttributeKey` or `TemplateKey`.
    pub key_kind: String,
    /// Value type parameter, as a path usable from the generated module.
    pub rust_type: String,
    /// Registry spelling of the requirement level.
    pub level: String,
    /// Condition or note.
    pub condition: Option<String>,
    /// Needed at span start for sampling.
    pub sampling_relevant: bool,
    /// Brief of the attribute.
    pub brief: String,
}

/// Methods the builders define themselves.
const RESERVED: &[&str] = &[
    "new",
    "start",
    "start_with",
    "attribute",
    "parent",
    "link",
    "kind",
    "telemetry",
    "emit",
    "emit_in",
    "record",
    "add",
    "attributes",
    "as_slice",
    "descriptor",
];

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use",
    "where", "while", "yield", "box", "gen",
];

impl BuildersCtx {
    /// Prepares the builders for the signals and attributes of a context.
    pub fn new(
        spans: &[SignalCtx],
        metrics: &[SignalCtx],
        events: &[SignalCtx],
        attributes: &[AttributeCtx],
        crate_path: &str,
    ) -> Result<BuildersCtx, CodegenError> {
        let by_key: BTreeMap<&str, &AttributeCtx> =
            attributes.iter().map(|a| (a.key.as_str(), a)).collect();
        let mut names = BTreeMap::new();
        let mut build = |list: &[SignalCtx], suffix: &str| -> Result<Vec<_>, CodegenError> {
            list.iter()
                .map(|s| signal_builder(s, suffix, &by_key, crate_path, &mut names))
                .collect()
        };
        Ok(BuildersCtx {
            spans: build(spans, "")?,
            metrics: build(metrics, "Metric")?,
            events: build(events, "Event")?,
        })
    }
}

/// The id without its signal prefix.
fn bare_id(id: &str) -> &str {
    ["span.", "metric.", "event."]
        .iter()
        .find_map(|p| id.strip_prefix(p))
        .unwrap_or(id)
}

fn claim(names: &mut BTreeMap<String, String>, name: &str, from: &str) -> Result<(), CodegenError> {
    if let Some(first) = names.get(name) {
        return Err(CodegenError::NameCollision {
            name: name.to_string(),
            first: first.clone(),
            second: from.to_string(),
        });
    }
    names.insert(name.to_string(), from.to_string());
    Ok(())
}

fn signal_builder(
    s: &SignalCtx,
    suffix: &str,
    by_key: &BTreeMap<&str, &AttributeCtx>,
    crate_path: &str,
    names: &mut BTreeMap<String, String>,
) -> Result<SignalBuilderCtx, CodegenError> {
    let name = format!("{}{suffix}", pascal_case(bare_id(&s.id)));
    claim(names, &name, &s.id)?;
    let name_parts = s.name_parts.clone();
    let operation = claimed_operation(s);
    let mut methods = BTreeMap::new();
    let mut required = Vec::new();
    let mut optional = Vec::new();
    for r in &s.attributes {
        if operation.is_some() && r.key == "gen_ai.operation.name" {
            continue;
        }
        let attr = by_key.get(r.key.as_str()).copied();
        if attr.is_some_and(|a| a.deprecated.is_some()) {
            continue;
        }
        let f = field(r, attr, crate_path);
        claim(&mut methods, &f.method, &format!("{}: {}", s.id, r.key))?;
        if r.level_variant == "Required" {
            required.push(f);
        } else {
            optional.push(f);
        }
    }
    let (instrument_type, instrument_fn, value_type, record_method) = match &s.instrument {
        Some(i) => {
            let seconds = s.unit.as_deref() == Some("s");
            let (ty, f, v, m) = match (i.as_str(), seconds) {
                ("Histogram", true) => ("Histogram<f64>", "f64_histogram", "f64", "record"),
                ("Histogram", false) => ("Histogram<u64>", "u64_histogram", "u64", "record"),
                ("Counter", _) => ("Counter<u64>", "u64_counter", "u64", "add"),
                ("UpDownCounter", _) => ("UpDownCounter<i64>", "i64_up_down_counter", "i64", "add"),
                _ => ("Gauge<f64>", "f64_gauge", "f64", "record"),
            };
            (
                Some(ty.to_string()),
                Some(f.to_string()),
                Some(v.to_string()),
                Some(m.to_string()),
            )
        }
        None => (None, None, None, None),
    };
    Ok(SignalBuilderCtx {
        id: s.id.clone(),
        name,
        const_name: s.const_name.clone(),
        brief: s.brief.clone(),
        deprecated: s.deprecated.clone(),
        name_parts,
        operation_sampling: s
            .attributes
            .iter()
            .any(|a| a.key == "gen_ai.operation.name" && a.sampling_relevant),
        operation,
        instrument_type,
        instrument_fn,
        value_type,
        record_method,
        required,
        optional,
    })
}

/// The parts of a span-name pattern of the registry, for templates.
pub fn name_parts(parts: &[genai_registry::NamePart]) -> Vec<NamePartCtx> {
    parts
        .iter()
        .map(|p| match p {
            genai_registry::NamePart::Literal(l) => NamePartCtx {
                kind: "literal".into(),
                value: l.clone(),
            },
            genai_registry::NamePart::Attribute(k) | genai_registry::NamePart::Placeholder(k) => {
                NamePartCtx {
                    kind: "attribute".into(),
                    value: k.clone(),
                }
            }
        })
        .collect()
}

/// The one `gen_ai.operation.name` value a span claims (set by the constructor); several or
/// none leave it a typed constructor argument.
fn claimed_operation(s: &SignalCtx) -> Option<String> {
    if !s
        .attributes
        .iter()
        .any(|a| a.key == "gen_ai.operation.name")
    {
        return None;
    }
    match s.operations.as_slice() {
        [one] => Some(one.clone()),
        _ => None,
    }
}

fn method_name(key: &str) -> String {
    let bare = key.strip_prefix("gen_ai.").unwrap_or(key);
    let mut m: String = bare
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if m.starts_with(|c: char| c.is_ascii_digit()) {
        m.insert(0, '_');
    }
    if KEYWORDS.contains(&m.as_str()) || RESERVED.contains(&m.as_str()) {
        m.push_str("_attr");
    }
    m
}

fn field(r: &RequirementCtx, attr: Option<&AttributeCtx>, crate_path: &str) -> FieldCtx {
    let (key_kind, rust_type, brief) = match attr {
        Some(a) => {
            let ty = match (&a.enum_name, a.rust_type.as_str()) {
                (Some(e), _) => format!("super::enums::{e}"),
                (None, "AnyValue") => format!("{crate_path}::key::AnyValue"),
                (None, t) => t.to_string(),
            };
            (a.key_kind.clone(), ty, a.brief.clone())
        }
        // Defined in a dependency whose code is not generated here: any value.
        None => (
            "AttributeKey".to_string(),
            format!("{crate_path}::key::AnyValue"),
            String::new(),
        ),
    };
    FieldCtx {
        key: r.key.clone(),
        method: method_name(&r.key),
        key_kind,
        rust_type,
        level: r.level.clone(),
        condition: r.condition.clone(),
        sampling_relevant: r.sampling_relevant,
        brief,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn method_names() {
        assert_eq!(method_name("gen_ai.request.model"), "request_model");
        assert_eq!(method_name("server.port"), "server_port");
        assert_eq!(method_name("gen_ai.type"), "type_attr");
    }
}
