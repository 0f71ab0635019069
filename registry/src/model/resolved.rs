//! The resolved registry: every attribute once, every signal with its final attribute list.

use std::collections::HashMap;

use serde::Serialize;

use super::common::{
    AttributeType, Deprecated, Instrument, PrimitiveType, RequirementLevel, SignalRequirementLevel,
    SpanKind, Stability,
};

/// A registry after `ref`, `extends`, `ref_group`, `include`, refinements and dependencies have
/// been applied. This is the one model that code generation, validation and diffing read.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ResolvedRegistry {
    /// Registry name from the manifest.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Schema URL from the manifest.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema_url: Option<String>,
    /// Version: the last path segment of the schema URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Stability declared by the manifest.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stability: Option<Stability>,
    /// Every attribute defined locally or used from a dependency, sorted by key.
    pub attributes: Vec<Attribute>,
    /// Every public group and signal (refinements included), sorted by id.
    pub groups: Vec<Group>,
    #[serde(skip)]
    attribute_index: HashMap<String, usize>,
    #[serde(skip)]
    group_index: HashMap<String, usize>,
}

impl ResolvedRegistry {
    /// Builds a registry and its lookup indexes (attributes and groups are sorted here).
    pub fn new(
        mut attributes: Vec<Attribute>,
        mut groups: Vec<Group>,
        name: Option<String>,
        schema_url: Option<String>,
        stability: Option<Stability>,
    ) -> Self {
        attributes.sort_by(|a, b| a.key.cmp(&b.key));
        groups.sort_by(|a, b| a.id.cmp(&b.id));
        let version = schema_url
            .as_deref()
            .and_then(|u| u.trim_end_matches('/').rsplit('/').next())
            .filter(|v| !v.is_empty())
            .map(str::to_string);
        let attribute_index = attributes
            .iter()
            .enumerate()
            .map(|(i, a)| (a.key.clone(), i))
            .collect();
        let group_index = groups
            .iter()
            .enumerate()
            .map(|(i, g)| (g.id.clone(), i))
            .collect();
        Self {
            name,
            schema_url,
            version,
            stability,
            attributes,
            groups,
            attribute_index,
            group_index,
        }
    }

    /// Looks up an attribute by key.
    pub fn attribute(&self, key: &str) -> Option<&Attribute> {
        self.attribute_index.get(key).map(|&i| &self.attributes[i])
    }

    /// Looks up a group or signal by id (`span.gen_ai.inference.client`, `openai.inference.client`).
    pub fn group(&self, id: &str) -> Option<&Group> {
        self.group_index.get(id).map(|&i| &self.groups[i])
    }

    /// Spans (base definitions and refinements).
    pub fn spans(&self) -> impl Iterator<Item = &Group> {
        self.groups.iter().filter(|g| g.kind == GroupKind::Span)
    }

    /// Events.
    pub fn events(&self) -> impl Iterator<Item = &Group> {
        self.groups.iter().filter(|g| g.kind == GroupKind::Event)
    }

    /// Metrics.
    pub fn metrics(&self) -> impl Iterator<Item = &Group> {
        self.groups.iter().filter(|g| g.kind == GroupKind::Metric)
    }

    /// The attribute that a key belongs to: an exact key, or a `template[...]` attribute whose
    /// key is a prefix of it (`gen_ai.prompt.variable.city` belongs to `gen_ai.prompt.variable`).
    pub fn attribute_for_key(&self, key: &str) -> Option<&Attribute> {
        if let Some(a) = self.attribute(key) {
            return Some(a);
        }
        let mut prefix = key;
        while let Some((head, _)) = prefix.rsplit_once('.') {
            if let Some(a) = self.attribute(head)
                && matches!(a.ty, AttributeType::Template(_))
            {
                return Some(a);
            }
            prefix = head;
        }
        None
    }
}

/// Where a definition comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Provenance {
    /// A file of this registry (path relative to the registry root).
    Path(String),
    /// A dependency registry, by schema URL (or path when it has none).
    Dependency(String),
}

/// A resolved attribute definition.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Attribute {
    /// Attribute key.
    pub key: String,
    /// Value type.
    #[serde(rename = "type")]
    pub ty: AttributeType,
    /// One-line description.
    pub brief: String,
    /// Longer description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Example values.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<serde_json::Value>,
    /// Stability.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stability: Option<Stability>,
    /// Deprecation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deprecated: Option<Deprecated>,
    /// Free-form annotations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub annotations: Option<serde_json::Value>,
    /// Where it was defined.
    pub provenance: Provenance,
}

impl Attribute {
    /// Enum members, when the attribute is an enum.
    pub fn members(&self) -> &[super::common::EnumMember] {
        match &self.ty {
            AttributeType::Enum { members, .. } => members,
            _ => &[],
        }
    }

    /// The scalar type values of this attribute have on the wire (enums: the type of their values).
    pub fn value_type(&self) -> PrimitiveType {
        match &self.ty {
            AttributeType::Primitive(p) | AttributeType::Template(p) => *p,
            AttributeType::Enum { members, .. } => {
                if members.iter().all(|m| m.value.is_i64()) && !members.is_empty() {
                    PrimitiveType::Int
                } else if members.iter().all(|m| m.value.is_number()) && !members.is_empty() {
                    PrimitiveType::Double
                } else {
                    PrimitiveType::String
                }
            }
        }
    }
}

/// Kinds of resolved groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupKind {
    /// A public attribute group.
    AttributeGroup,
    /// A span (or span refinement).
    Span,
    /// An event (or event refinement).
    Event,
    /// A metric (or metric refinement).
    Metric,
    /// A legacy metric group.
    MetricGroup,
    /// An entity.
    Entity,
    /// Instrumentation scope attributes.
    Scope,
    /// Untyped.
    Undefined,
}

/// A resolved group: a public attribute group or a signal, with its final attribute list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    /// Id (`span.<type>`, `event.<name>`, `metric.<name>`, `entity.<type>`, refinement id, or
    /// the classic group id).
    pub id: String,
    /// Kind.
    #[serde(rename = "type")]
    pub kind: GroupKind,
    /// The group this one refines (refinements only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refines: Option<String>,
    /// One-line description.
    pub brief: String,
    /// Longer description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Stability.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stability: Option<Stability>,
    /// Deprecation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deprecated: Option<Deprecated>,
    /// Whether the signal is emitted by default or only on opt-in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requirement_level: Option<SignalRequirementLevel>,
    /// Span type (definition/2 `type`), e.g. `gen_ai.inference.client`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub span_type: Option<String>,
    /// Span kind.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub span_kind: Option<SpanKind>,
    /// How the span name is formed (prose).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub span_name: Option<String>,
    /// Event name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_name: Option<String>,
    /// Event body definition.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<serde_json::Value>,
    /// Metric name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metric_name: Option<String>,
    /// Metric instrument.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instrument: Option<Instrument>,
    /// Metric unit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Explicit histogram bucket boundaries advised for the metric (from the
    /// `advice: {explicit_bucket_boundaries: [...]}` annotation).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bucket_boundaries: Option<Vec<f64>>,
    /// Entity type (entities).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entity_type: Option<String>,
    /// Free-form annotations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub annotations: Option<serde_json::Value>,
    /// The group's attributes with their requirement levels, in key order.
    pub attributes: Vec<GroupAttribute>,
    /// Where it was defined.
    pub provenance: Provenance,
}

impl Group {
    /// The attribute entry for `key`, if this group has it.
    pub fn attribute(&self, key: &str) -> Option<&GroupAttribute> {
        self.attributes
            .binary_search_by(|a| a.key.as_str().cmp(key))
            .ok()
            .map(|i| &self.attributes[i])
    }
}

/// An attribute as used by one group: requirement level and the fields the group overrides.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupAttribute {
    /// Attribute key (look it up with [`ResolvedRegistry::attribute`]).
    pub key: String,
    /// Requirement level on this group.
    pub requirement_level: RequirementLevel,
    /// Whether samplers need it at span start.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sampling_relevant: Option<bool>,
    /// Brief specific to this group.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub brief: Option<String>,
    /// Note specific to this group.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Examples specific to this group.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub examples: Option<serde_json::Value>,
    /// Stability specific to this group.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stability: Option<Stability>,
    /// Deprecation specific to this group.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deprecated: Option<Deprecated>,
    /// Annotations specific to this group.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub annotations: Option<serde_json::Value>,
    /// Entity role (`identifying` / `descriptive`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
}
