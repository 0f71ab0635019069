//! The template context: the resolved registry, prepared for Rust templates (names chosen,
//! collisions checked, docs and examples ready to print).
//!
//! Templates see one [`Context`] value; its fields are documented here.

use std::collections::BTreeMap;

use genai_registry::{
    Attribute, AttributeType, Deprecated, Group, GroupKind, Instrument, PrimitiveType, Provenance,
    RequirementLevel, ResolvedRegistry, SpanKind, Stability,
};
use serde::Serialize;

use crate::CodegenError;
use crate::filters::{pascal_case, screaming_snake_case};

/// Examples up to this length are printed inline; longer ones in a fenced block.
const INLINE_EXAMPLE_MAX: usize = 80;

/// Everything a template sees.
#[derive(Debug, Clone, Serialize)]
pub struct Context {
    /// Registry name, schema URL and version.
    pub registry: RegistryInfo,
    /// Path of the crate holding `key` and `descriptor` (`::genai_semconv`).
    pub crate_path: String,
    /// `modules` (files declared with `mod x;`) or `include` (modules that `include!` files from
    /// `OUT_DIR`, for build scripts).
    pub layout: String,
    /// Module names (output files without `.rs`) other than `mod`.
    pub modules: Vec<String>,
    /// Attributes, sorted by key.
    pub attributes: Vec<AttributeCtx>,
    /// Enums (string enum attributes), sorted by attribute key.
    pub enums: Vec<EnumCtx>,
    /// Spans, sorted by id.
    pub spans: Vec<SignalCtx>,
    /// Events, sorted by id.
    pub events: Vec<SignalCtx>,
    /// Metrics, sorted by id.
    pub metrics: Vec<SignalCtx>,
    /// Typed builders of every span, metric and event (see [`crate::builders`]).
    pub builders: crate::builders::BuildersCtx,
}

/// Registry identity.
#[derive(Debug, Clone, Serialize)]
pub struct RegistryInfo {
    /// Name from the manifest (empty when none).
    pub name: String,
    /// Schema URL (empty when none).
    pub schema_url: String,
    /// Version (empty when none).
    pub version: String,
}

/// Deprecation, ready to print.
#[derive(Debug, Clone, Serialize)]
pub struct DeprecatedCtx {
    /// `renamed`, `obsoleted`, `uncategorized` or `unspecified`.
    pub reason: String,
    /// Replacement key.
    pub renamed_to: Option<String>,
    /// Replacement constant name.
    pub renamed_to_const: Option<String>,
    /// Explanation.
    pub note: Option<String>,
    /// The `#[deprecated(note = ...)]` text.
    pub message: String,
    /// A short form for tables: `renamed to X`, or the note.
    pub short: String,
}

/// One attribute.
#[derive(Debug, Clone, Serialize)]
pub struct AttributeCtx {
    /// Key.
    pub key: String,
    /// Constant name (`GEN_AI_OPERATION_NAME`).
    pub const_name: String,
    /// `AttributeKey` or `TemplateKey`.
    pub key_kind: String,
    /// The Rust value type parameter (`String`, `i64`, ..., or the enum's name).
    pub rust_type: String,
    /// Variant of `descriptor::ValueType` (`String`, `Int`, ...).
    pub value_type: String,
    /// Variant of the macros' `KeyType` (as `value_type`, `Enum` for string enums).
    pub macro_type: String,
    /// Registry spelling of the type (`string`, `template[string]`, `enum`).
    pub type_name: String,
    /// Template attribute.
    pub template: bool,
    /// Enum type name (string enums only).
    pub enum_name: Option<String>,
    /// Enum member values (string enums only), in definition order, without duplicates.
    pub members: Vec<String>,
    /// Brief.
    pub brief: String,
    /// Note.
    pub note: Option<String>,
    /// Short examples as Markdown inline code.
    pub examples: Vec<String>,
    /// Long examples as pretty JSON (for fenced blocks).
    pub example_blocks: Vec<String>,
    /// Registry spelling of the stability.
    pub stability: Option<String>,
    /// Variant of `descriptor::Stability`.
    pub stability_variant: Option<String>,
    /// Deprecation.
    pub deprecated: Option<DeprecatedCtx>,
    /// Defined in a dependency registry.
    pub from_dependency: bool,
}

/// One enum member.
#[derive(Debug, Clone, Serialize)]
pub struct VariantCtx {
    /// Member id.
    pub id: String,
    /// Variant name.
    pub name: String,
    /// Value on the wire.
    pub value: String,
    /// Brief.
    pub brief: Option<String>,
    /// Note.
    pub note: Option<String>,
    /// Registry spelling of the stability.
    pub stability: Option<String>,
    /// Deprecation message.
    pub deprecated: Option<String>,
}

/// One `FromStr` arm: a value and the variant it parses to.
#[derive(Debug, Clone, Serialize)]
pub struct ParseArm {
    /// Value.
    pub value: String,
    /// Variant name.
    pub variant: String,
    /// The variant is deprecated.
    pub deprecated: bool,
}

/// One enum attribute.
#[derive(Debug, Clone, Serialize)]
pub struct EnumCtx {
    /// Type name (`OperationName`).
    pub name: String,
    /// Attribute key.
    pub key: String,
    /// Attribute constant name.
    pub const_name: String,
    /// Attribute brief.
    pub brief: String,
    /// Name of the variant for values the registry does not list (`Custom`).
    pub custom_variant: String,
    /// Members, in definition order.
    pub variants: Vec<VariantCtx>,
    /// `FromStr` arms, one per distinct value (non-deprecated members win).
    pub parse_arms: Vec<ParseArm>,
    /// Some member is deprecated.
    pub has_deprecated: bool,
}

/// An attribute as a signal uses it.
#[derive(Debug, Clone, Serialize)]
pub struct RequirementCtx {
    /// Key.
    pub key: String,
    /// Variant of `descriptor::RequirementLevel`.
    pub level_variant: String,
    /// Registry spelling of the level.
    pub level: String,
    /// Condition or note.
    pub condition: Option<String>,
    /// Needed at span start for sampling.
    pub sampling_relevant: bool,
}

/// One span, event or metric.
#[derive(Debug, Clone, Serialize)]
pub struct SignalCtx {
    /// Registry id.
    pub id: String,
    /// Constant name (id without the `span.`/`event.`/`metric.` prefix, screaming case).
    pub const_name: String,
    /// Brief.
    pub brief: String,
    /// Note.
    pub note: Option<String>,
    /// Registry spelling of the stability.
    pub stability: Option<String>,
    /// Variant of `descriptor::Stability`.
    pub stability_variant: Option<String>,
    /// Deprecation message.
    pub deprecated: Option<String>,
    /// Refined signal id.
    pub refines: Option<String>,
    /// Span type (spans).
    pub span_type: Option<String>,
    /// Variant of `descriptor::SpanKind` (spans).
    pub span_kind: Option<String>,
    /// Name pattern: the registry's primary span-name template alternative (spans).
    pub name_pattern: Option<String>,
    /// The parts of the name pattern (spans), from the registry's parsed name template.
    pub name_parts: Vec<crate::builders::NamePartCtx>,
    /// Values of `gen_ai.operation.name` the definition claims (spans), from the registry.
    pub operations: Vec<String>,
    /// Naming note (spans).
    pub span_name: Option<String>,
    /// Event name (events).
    pub event_name: Option<String>,
    /// Metric name (metrics).
    pub metric_name: Option<String>,
    /// Variant of `descriptor::Instrument` (metrics).
    pub instrument: Option<String>,
    /// Unit (metrics).
    pub unit: Option<String>,
    /// Bucket boundaries as Rust `f64` literals (metrics).
    pub bucket_boundaries: Option<Vec<String>>,
    /// Attributes, sorted by key.
    pub attributes: Vec<RequirementCtx>,
}

/// Options for building the context.
#[derive(Debug, Clone)]
pub struct ContextOptions {
    /// See [`Context::crate_path`].
    pub crate_path: String,
    /// See [`Context::layout`].
    pub layout: String,
    /// Leave out attributes and signals defined in dependency registries.
    pub exclude_dependencies: bool,
}

impl Context {
    /// Prepares `registry` for templates.
    pub fn new(registry: &ResolvedRegistry, opts: &ContextOptions) -> Result<Self, CodegenError> {
        let local = |p: &Provenance| !opts.exclude_dependencies || matches!(p, Provenance::Path(_));
        let mut names = Names::default();
        let mut enum_names = Names::default();
        let mut attributes = Vec::new();
        let mut enums = Vec::new();
        for a in registry.attributes.iter().filter(|a| local(&a.provenance)) {
            let const_name = screaming_snake_case(&a.key);
            names.claim(&const_name, &a.key)?;
            let enum_ctx = enum_of(a, &const_name)?;
            if let Some(e) = &enum_ctx {
                enum_names.claim(&e.name, &a.key)?;
            }
            attributes.push(attribute_ctx(a, const_name, enum_ctx.as_ref()));
            enums.extend(enum_ctx);
        }
        let mut spans = Vec::new();
        let mut events = Vec::new();
        let mut metrics = Vec::new();
        let mut signal_names: BTreeMap<&str, Names> = BTreeMap::new();
        for g in registry.groups.iter().filter(|g| local(&g.provenance)) {
            let (list, module, prefix) = match g.kind() {
                GroupKind::Span => (&mut spans, "span", "span."),
                GroupKind::Event => (&mut events, "event", "event."),
                GroupKind::Metric => (&mut metrics, "metric", "metric."),
                _ => continue,
            };
            let const_name = screaming_snake_case(g.id.strip_prefix(prefix).unwrap_or(&g.id));
            signal_names
                .entry(module)
                .or_default()
                .claim(&const_name, &g.id)?;
            list.push(signal_ctx(g, const_name));
        }
        let builders = crate::builders::BuildersCtx::new(
            &spans,
            &metrics,
            &events,
            &attributes,
            &opts.crate_path,
        )?;
        Ok(Self {
            builders,
            registry: RegistryInfo {
                name: registry.name.clone().unwrap_or_default(),
                schema_url: registry.schema_url.clone().unwrap_or_default(),
                version: registry.version.clone().unwrap_or_default(),
            },
            crate_path: opts.crate_path.clone(),
            layout: opts.layout.clone(),
            modules: Vec::new(),
            attributes,
            enums,
            spans,
            events,
            metrics,
        })
    }
}

/// Generated names in one namespace, with the registry name each came from.
#[derive(Debug, Default)]
struct Names(BTreeMap<String, String>);

impl Names {
    fn claim(&mut self, name: &str, from: &str) -> Result<(), CodegenError> {
        match self.0.get(name) {
            Some(first) => Err(CodegenError::NameCollision {
                name: name.to_string(),
                first: first.clone(),
                second: from.to_string(),
            }),
            None => {
                self.0.insert(name.to_string(), from.to_string());
                Ok(())
            }
        }
    }
}

fn stability_variant(s: Stability) -> String {
    pascal_case(s.as_str())
}

fn primitive_names(p: PrimitiveType) -> (&'static str, &'static str) {
    match p {
        PrimitiveType::String => ("String", "String"),
        PrimitiveType::Int => ("i64", "Int"),
        PrimitiveType::Double => ("f64", "Double"),
        PrimitiveType::Boolean => ("bool", "Boolean"),
        PrimitiveType::Any => ("AnyValue", "Any"),
        PrimitiveType::StringArray => ("Vec<String>", "StringArray"),
        PrimitiveType::IntArray => ("Vec<i64>", "IntArray"),
        PrimitiveType::DoubleArray => ("Vec<f64>", "DoubleArray"),
        PrimitiveType::BooleanArray => ("Vec<bool>", "BooleanArray"),
    }
}

fn deprecated_ctx(d: &Deprecated) -> DeprecatedCtx {
    let renamed_to = d.renamed_to().map(str::to_string);
    let renamed_to_const = renamed_to.as_deref().map(screaming_snake_case);
    let note = d
        .note()
        .map(|n| n.split_whitespace().collect::<Vec<_>>().join(" "));
    let message = match (&renamed_to, &note) {
        (Some(to), Some(n)) => format!("use `{to}` instead: {n}"),
        (Some(to), None) => format!("use `{to}` instead"),
        (None, Some(n)) => n.clone(),
        (None, None) => format!("deprecated ({})", d.reason()),
    };
    let short = match (&renamed_to, &note) {
        (Some(to), _) => format!("renamed to {to}"),
        (None, Some(n)) => n.clone(),
        (None, None) => d.reason().to_string(),
    };
    DeprecatedCtx {
        reason: d.reason().to_string(),
        renamed_to,
        renamed_to_const,
        note,
        message,
        short,
    }
}

fn enum_name(key: &str) -> String {
    let name = pascal_case(key.strip_prefix("gen_ai.").unwrap_or(key));
    rust_type_name(name)
}

/// Makes a PascalCase name a valid type or variant name.
fn rust_type_name(name: String) -> String {
    match name.as_str() {
        "" => "Empty".into(),
        "Self" => "Self_".into(),
        _ if name.starts_with(|c: char| c.is_ascii_digit()) => format!("V{name}"),
        _ => name,
    }
}

fn enum_of(a: &Attribute, const_name: &str) -> Result<Option<EnumCtx>, CodegenError> {
    let AttributeType::Enum { members, .. } = &a.ty else {
        return Ok(None);
    };
    if a.value_type() != PrimitiveType::String || members.is_empty() {
        return Ok(None);
    }
    let mut names = Names::default();
    let mut variants = Vec::new();
    for m in members {
        let name = rust_type_name(pascal_case(&m.id));
        names.claim(&name, &format!("{}: member {}", a.key, m.id))?;
        variants.push(VariantCtx {
            id: m.id.clone(),
            name,
            value: m.value.as_str().unwrap_or_default().to_string(),
            brief: m.brief.clone(),
            note: m.note.clone(),
            stability: m.stability.map(|s| s.as_str().to_string()),
            deprecated: m.deprecated.as_ref().map(|d| deprecated_ctx(d).message),
        });
    }
    let custom_variant = ["Custom", "CustomValue", "Other_"]
        .into_iter()
        .find(|c| !names.0.contains_key(*c))
        .unwrap_or("Custom_")
        .to_string();
    // One arm per value; a non-deprecated member wins over deprecated ones with the same value.
    let mut parse_arms: Vec<ParseArm> = Vec::new();
    for v in &variants {
        let deprecated = v.deprecated.is_some();
        match parse_arms.iter_mut().find(|p| p.value == v.value) {
            Some(p) if p.deprecated && !deprecated => {
                p.variant = v.name.clone();
                p.deprecated = false;
            }
            Some(_) => {}
            None => parse_arms.push(ParseArm {
                value: v.value.clone(),
                variant: v.name.clone(),
                deprecated,
            }),
        }
    }
    Ok(Some(EnumCtx {
        name: enum_name(&a.key),
        key: a.key.clone(),
        const_name: const_name.to_string(),
        brief: a.brief.clone(),
        custom_variant,
        has_deprecated: variants.iter().any(|v| v.deprecated.is_some()),
        variants,
        parse_arms,
    }))
}

fn example_text(v: &serde_json::Value) -> (Option<String>, Option<String>) {
    let inline = match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if inline.len() > INLINE_EXAMPLE_MAX || inline.contains('\n') {
        let pretty = serde_json::to_string_pretty(v).unwrap_or(inline);
        return (None, Some(pretty));
    }
    let code = if inline.contains('`') {
        format!("`` {inline} ``")
    } else {
        format!("`{inline}`")
    };
    (Some(code), None)
}

fn attribute_ctx(a: &Attribute, const_name: String, e: Option<&EnumCtx>) -> AttributeCtx {
    let (prim, template) = match &a.ty {
        AttributeType::Template(p) => (*p, true),
        _ => (a.value_type(), false),
    };
    let (rust, value_type) = primitive_names(prim);
    let type_name = match &a.ty {
        AttributeType::Primitive(p) => p.as_str().to_string(),
        AttributeType::Template(p) => format!("template[{}]", p.as_str()),
        AttributeType::Enum { .. } => "enum".to_string(),
    };
    let mut examples = Vec::new();
    let mut example_blocks = Vec::new();
    for ex in &a.examples {
        let (inline, block) = example_text(ex);
        examples.extend(inline);
        example_blocks.extend(block);
    }
    AttributeCtx {
        key: a.key.clone(),
        const_name,
        key_kind: if template {
            "TemplateKey"
        } else {
            "AttributeKey"
        }
        .into(),
        rust_type: e
            .map(|e| e.name.clone())
            .unwrap_or_else(|| rust.to_string()),
        value_type: value_type.into(),
        macro_type: if e.is_some() { "Enum" } else { value_type }.into(),
        type_name,
        template,
        enum_name: e.map(|e| e.name.clone()),
        members: e
            .map(|e| e.parse_arms.iter().map(|p| p.value.clone()).collect())
            .unwrap_or_default(),
        brief: a.brief.clone(),
        note: a.note.clone(),
        examples,
        example_blocks,
        stability: a.stability.map(|s| s.as_str().to_string()),
        stability_variant: a.stability.map(stability_variant),
        deprecated: a.deprecated.as_ref().map(deprecated_ctx),
        from_dependency: matches!(a.provenance, Provenance::Dependency(_)),
    }
}

fn f64_literal(v: f64) -> String {
    let s = format!("{v:?}");
    if s.contains(['.', 'e', 'E']) || !v.is_finite() {
        s
    } else {
        format!("{s}.0")
    }
}

fn signal_ctx(g: &Group, const_name: String) -> SignalCtx {
    let attributes = g
        .attributes
        .iter()
        .map(|ga| {
            let (variant, condition) = match &ga.requirement_level {
                RequirementLevel::Required => ("Required", None),
                RequirementLevel::ConditionallyRequired(t) => {
                    ("ConditionallyRequired", Some(t.clone()))
                }
                RequirementLevel::Recommended(t) => ("Recommended", t.clone()),
                RequirementLevel::OptIn(t) => ("OptIn", t.clone()),
            };
            RequirementCtx {
                key: ga.key.clone(),
                level_variant: variant.into(),
                level: ga.requirement_level.name().into(),
                condition: condition.map(|c| c.split_whitespace().collect::<Vec<_>>().join(" ")),
                sampling_relevant: ga.sampling_relevant.unwrap_or(false),
            }
        })
        .collect();
    let span = g.as_span();
    let metric = g.as_metric();
    SignalCtx {
        id: g.id.clone(),
        const_name,
        brief: g.brief.clone(),
        note: g.note.clone(),
        stability: g.stability.map(|s| s.as_str().to_string()),
        stability_variant: g.stability.map(stability_variant),
        deprecated: g.deprecated.as_ref().map(|d| deprecated_ctx(d).message),
        refines: g.refines.clone(),
        span_type: span.and_then(|s| s.span_type.clone()),
        span_kind: span
            .and_then(|s| s.kind)
            .map(|k: SpanKind| pascal_case(k.as_str())),
        name_pattern: span
            .and_then(|s| s.facts.name.as_ref()?.primary())
            .map(|p| p.text.clone()),
        name_parts: span
            .and_then(|s| s.facts.name.as_ref()?.primary())
            .map(|p| crate::builders::name_parts(&p.parts))
            .unwrap_or_default(),
        operations: span.map(|s| s.facts.operations.clone()).unwrap_or_default(),
        span_name: span.and_then(|s| s.name.clone()),
        event_name: g.as_event().and_then(|e| e.name.clone()),
        metric_name: metric.and_then(|m| m.name.clone()),
        instrument: metric.and_then(|m| m.instrument).map(|i| {
            match i {
                Instrument::Counter => "Counter",
                Instrument::UpDownCounter => "UpDownCounter",
                Instrument::Gauge => "Gauge",
                Instrument::Histogram => "Histogram",
            }
            .to_string()
        }),
        unit: metric.and_then(|m| m.unit.clone()),
        bucket_boundaries: metric
            .and_then(|m| m.bucket_boundaries.as_ref())
            .map(|b| b.iter().copied().map(f64_literal).collect()),
        attributes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers() {
        assert_eq!(enum_name("gen_ai.operation.name"), "OperationName");
        assert_eq!(enum_name("mcp.method.name"), "McpMethodName");
        assert_eq!(rust_type_name("1x".into()), "V1x");
        assert_eq!(f64_literal(1.0), "1.0");
        assert_eq!(f64_literal(0.01), "0.01");
        assert_eq!(f64_literal(1e-7), "1e-7");
    }
}
