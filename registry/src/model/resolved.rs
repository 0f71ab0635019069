//! The resolved registry: every attribute once, every signal with its final attribute list.

use std::collections::HashMap;

use serde::Serialize;

use crate::facts::{Condition, SpanFacts};

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
        let mut reg = Self {
            name,
            schema_url,
            version,
            stability,
            attributes,
            groups,
            attribute_index,
            group_index,
        };
        crate::facts::derive(&mut reg);
        reg
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
        self.groups.iter().filter(|g| g.kind() == GroupKind::Span)
    }

    /// Events.
    pub fn events(&self) -> impl Iterator<Item = &Group> {
        self.groups.iter().filter(|g| g.kind() == GroupKind::Event)
    }

    /// Metrics.
    pub fn metrics(&self) -> impl Iterator<Item = &Group> {
        self.groups.iter().filter(|g| g.kind() == GroupKind::Metric)
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
/// The fields every kind has are here; the kind-specific ones are in [`Group::signal`].
///
/// It serializes flat (`type`, `span_kind`, `metric_name`, ... next to `id`), as Weaver's
/// resolved form does; derived facts ([`SpanFacts`], [`Group::provider`]) are not serialized.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// Id (`span.<type>`, `event.<name>`, `metric.<name>`, `entity.<type>`, refinement id, or
    /// the classic group id).
    pub id: String,
    /// The group this one refines (refinements only).
    pub refines: Option<String>,
    /// One-line description.
    pub brief: String,
    /// Longer description.
    pub note: Option<String>,
    /// Stability.
    pub stability: Option<Stability>,
    /// Deprecation.
    pub deprecated: Option<Deprecated>,
    /// Free-form annotations.
    pub annotations: Option<serde_json::Value>,
    /// The group's attributes with their requirement levels, in key order.
    pub attributes: Vec<GroupAttribute>,
    /// Where it was defined.
    pub provenance: Provenance,
    /// The kind, with the fields only that kind has.
    pub signal: Signal,
    /// Derived: the provider (`gen_ai.provider.name` value) this definition is specific to, for
    /// provider refinements (and classic provider-specific spans); see [`crate::facts`].
    pub provider: Option<String>,
    /// Derived: the id of the definition this one specializes (the group `refines` names, or
    /// for a classic provider-specific span the generic span it stands in for); see
    /// [`crate::facts`].
    pub specializes: Option<String>,
}

/// What kind of group this is, with the fields only that kind has.
#[derive(Debug, Clone, PartialEq)]
pub enum Signal {
    /// A public attribute group.
    AttributeGroup,
    /// A span (or span refinement).
    Span(SpanSignal),
    /// An event (or event refinement).
    Event(EventSignal),
    /// A metric (or metric refinement).
    Metric(MetricSignal),
    /// A legacy metric group.
    MetricGroup,
    /// An entity (or entity refinement).
    Entity(EntitySignal),
    /// Instrumentation scope attributes.
    Scope,
    /// Untyped.
    Undefined,
}

impl Signal {
    /// The kind, without its fields.
    pub fn kind(&self) -> GroupKind {
        match self {
            Signal::AttributeGroup => GroupKind::AttributeGroup,
            Signal::Span(_) => GroupKind::Span,
            Signal::Event(_) => GroupKind::Event,
            Signal::Metric(_) => GroupKind::Metric,
            Signal::MetricGroup => GroupKind::MetricGroup,
            Signal::Entity(_) => GroupKind::Entity,
            Signal::Scope => GroupKind::Scope,
            Signal::Undefined => GroupKind::Undefined,
        }
    }

    /// An empty signal of `kind`.
    pub fn empty(kind: GroupKind) -> Self {
        match kind {
            GroupKind::AttributeGroup => Signal::AttributeGroup,
            GroupKind::Span => Signal::Span(SpanSignal::default()),
            GroupKind::Event => Signal::Event(EventSignal::default()),
            GroupKind::Metric => Signal::Metric(MetricSignal::default()),
            GroupKind::MetricGroup => Signal::MetricGroup,
            GroupKind::Entity => Signal::Entity(EntitySignal::default()),
            GroupKind::Scope => Signal::Scope,
            GroupKind::Undefined => Signal::Undefined,
        }
    }

    /// Whether the signal is emitted by default or only on opt-in (spans, events, metrics,
    /// entities).
    pub fn requirement_level(&self) -> Option<SignalRequirementLevel> {
        match self {
            Signal::Span(s) => s.requirement_level,
            Signal::Event(e) => e.requirement_level,
            Signal::Metric(m) => m.requirement_level,
            Signal::Entity(e) => e.requirement_level,
            _ => None,
        }
    }
}

/// The fields of a span definition.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SpanSignal {
    /// Whether the span is emitted by default or only on opt-in.
    pub requirement_level: Option<SignalRequirementLevel>,
    /// Span type (definition/2 `type`, the id without `span.` for classic spans).
    pub span_type: Option<String>,
    /// Declared span kind.
    pub kind: Option<SpanKind>,
    /// How the span name is formed (definition/2 `name.note`, prose).
    pub name: Option<String>,
    /// Facts derived from the definition (and the registry); see [`crate::facts`].
    pub facts: SpanFacts,
}

/// The fields of an event definition.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventSignal {
    /// Whether the event is emitted by default or only on opt-in.
    pub requirement_level: Option<SignalRequirementLevel>,
    /// Event name.
    pub name: Option<String>,
    /// Event body definition.
    pub body: Option<serde_json::Value>,
}

impl EventSignal {
    /// The ids of the body fields the definition requires.
    pub fn required_body_fields(&self) -> Vec<&str> {
        let Some(fields) = self
            .body
            .as_ref()
            .and_then(|b| b.get("fields"))
            .and_then(|f| f.as_array())
        else {
            return Vec::new();
        };
        fields
            .iter()
            .filter(|f| f.get("requirement_level").and_then(|r| r.as_str()) == Some("required"))
            .filter_map(|f| f.get("id").and_then(|i| i.as_str()))
            .collect()
    }
}

/// The fields of a metric definition.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MetricSignal {
    /// Whether the metric is emitted by default or only on opt-in.
    pub requirement_level: Option<SignalRequirementLevel>,
    /// Metric name.
    pub name: Option<String>,
    /// Instrument.
    pub instrument: Option<Instrument>,
    /// Unit.
    pub unit: Option<String>,
    /// Explicit histogram bucket boundaries advised for the metric (from the
    /// `advice: {explicit_bucket_boundaries: [...]}` annotation).
    pub bucket_boundaries: Option<Vec<f64>>,
}

/// The fields of an entity definition.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EntitySignal {
    /// Whether the entity is emitted by default or only on opt-in.
    pub requirement_level: Option<SignalRequirementLevel>,
    /// Entity type.
    pub entity_type: Option<String>,
}

impl Group {
    /// A group of `kind` with nothing but an id and a provenance.
    pub fn new(id: impl Into<String>, kind: GroupKind, provenance: Provenance) -> Self {
        Group {
            id: id.into(),
            refines: None,
            brief: String::new(),
            note: None,
            stability: None,
            deprecated: None,
            annotations: None,
            attributes: Vec::new(),
            provenance,
            signal: Signal::empty(kind),
            provider: None,
            specializes: None,
        }
    }

    /// The kind.
    pub fn kind(&self) -> GroupKind {
        self.signal.kind()
    }

    /// The span fields, when this is a span.
    pub fn as_span(&self) -> Option<&SpanSignal> {
        match &self.signal {
            Signal::Span(s) => Some(s),
            _ => None,
        }
    }

    /// The event fields, when this is an event.
    pub fn as_event(&self) -> Option<&EventSignal> {
        match &self.signal {
            Signal::Event(e) => Some(e),
            _ => None,
        }
    }

    /// The metric fields, when this is a metric.
    pub fn as_metric(&self) -> Option<&MetricSignal> {
        match &self.signal {
            Signal::Metric(m) => Some(m),
            _ => None,
        }
    }

    /// The entity fields, when this is an entity.
    pub fn as_entity(&self) -> Option<&EntitySignal> {
        match &self.signal {
            Signal::Entity(e) => Some(e),
            _ => None,
        }
    }

    /// The attribute entry for `key`, if this group has it.
    pub fn attribute(&self, key: &str) -> Option<&GroupAttribute> {
        self.attributes
            .binary_search_by(|a| a.key.as_str().cmp(key))
            .ok()
            .map(|i| &self.attributes[i])
    }
}

/// The flat serialized form of a [`Group`] (the field order of `semconv resolve`).
#[derive(Serialize)]
struct FlatGroup<'a> {
    id: &'a str,
    #[serde(rename = "type")]
    kind: GroupKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    refines: Option<&'a str>,
    brief: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stability: Option<Stability>,
    #[serde(skip_serializing_if = "Option::is_none")]
    deprecated: Option<&'a Deprecated>,
    #[serde(skip_serializing_if = "Option::is_none")]
    requirement_level: Option<SignalRequirementLevel>,
    #[serde(skip_serializing_if = "Option::is_none")]
    span_type: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    span_kind: Option<SpanKind>,
    #[serde(skip_serializing_if = "Option::is_none")]
    span_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    event_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    body: Option<&'a serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    metric_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    instrument: Option<Instrument>,
    #[serde(skip_serializing_if = "Option::is_none")]
    unit: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bucket_boundaries: Option<&'a [f64]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    entity_type: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    annotations: Option<&'a serde_json::Value>,
    attributes: &'a [GroupAttribute],
    provenance: &'a Provenance,
}

impl Serialize for Group {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let span = self.as_span();
        let event = self.as_event();
        let metric = self.as_metric();
        FlatGroup {
            id: &self.id,
            kind: self.kind(),
            refines: self.refines.as_deref(),
            brief: &self.brief,
            note: self.note.as_deref(),
            stability: self.stability,
            deprecated: self.deprecated.as_ref(),
            requirement_level: self.signal.requirement_level(),
            span_type: span.and_then(|s| s.span_type.as_deref()),
            span_kind: span.and_then(|s| s.kind),
            span_name: span.and_then(|s| s.name.as_deref()),
            event_name: event.and_then(|e| e.name.as_deref()),
            body: event.and_then(|e| e.body.as_ref()),
            metric_name: metric.and_then(|m| m.name.as_deref()),
            instrument: metric.and_then(|m| m.instrument),
            unit: metric.and_then(|m| m.unit.as_deref()),
            bucket_boundaries: metric.and_then(|m| m.bucket_boundaries.as_deref()),
            entity_type: self.as_entity().and_then(|e| e.entity_type.as_deref()),
            annotations: self.annotations.as_ref(),
            attributes: &self.attributes,
            provenance: &self.provenance,
        }
        .serialize(serializer)
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
    /// Derived: when a conditionally required attribute is required, or a recommended one with
    /// a condition applies, as far as data can tell (`None` for other levels and for a bare
    /// `recommended`); see [`crate::facts`].
    #[serde(skip)]
    pub condition: Option<Condition>,
}
