//! The registry file format as written: classic `groups:` files, `file_format: definition/2`
//! files and manifests. These types are the single description of the format: the loader
//! deserializes them and [`crate::schema`] derives the JSON Schema from them.

use schemars::JsonSchema;
use serde::Deserialize;

use super::common::{
    AttributeType, Deprecated, Instrument, RequirementLevel, SignalRequirementLevel, SpanKind,
    Stability,
};
use crate::yaml::Located;

/// Free-form values (`examples`, `annotations`, `body`, `entity_associations`).
pub type Any = serde_json::Value;

/// A registry file in either format.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum RegistryFile {
    /// `file_format: definition/2`.
    V2(Box<FileV2>),
    /// Classic `groups:` file.
    V1(FileV1),
}

/// A classic registry file.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FileV1 {
    /// The groups of the file.
    pub groups: Vec<GroupV1>,
    /// Signals imported from dependencies.
    #[serde(default)]
    pub imports: Option<Imports>,
}

/// Kinds of classic groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum GroupType {
    /// A set of attributes (registry or reusable).
    AttributeGroup,
    /// A span definition.
    Span,
    /// An event definition.
    Event,
    /// A metric definition.
    Metric,
    /// A group of metrics (legacy).
    MetricGroup,
    /// An entity (resource) definition.
    #[serde(alias = "resource")]
    Entity,
    /// Instrumentation scope attributes.
    Scope,
    /// Untyped group (legacy).
    Undefined,
}

/// A classic group.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupV1 {
    /// Unique id (`registry.gen_ai`, `span.gen_ai.inference.client`, ...).
    pub id: Located<String>,
    /// Kind of group.
    #[serde(rename = "type")]
    pub kind: Located<GroupType>,
    /// One-line description.
    #[serde(default)]
    pub brief: Option<String>,
    /// Longer description.
    #[serde(default)]
    pub note: Option<String>,
    /// Legacy key prefix (deprecated by Weaver; accepted).
    #[serde(default)]
    pub prefix: Option<String>,
    /// Group whose attributes this one inherits.
    #[serde(default)]
    pub extends: Option<Located<String>>,
    /// Stability of the group.
    #[serde(default)]
    pub stability: Option<Stability>,
    /// Deprecation of the group.
    #[serde(default)]
    pub deprecated: Option<Deprecated>,
    /// Attribute definitions and references.
    #[serde(default)]
    pub attributes: Vec<AttributeV1>,
    /// Groups whose attributes are included (like `ref_group`).
    #[serde(default)]
    pub include: Vec<Located<String>>,
    /// Span kind (span groups).
    #[serde(default)]
    pub span_kind: Option<SpanKind>,
    /// Events a span may carry.
    #[serde(default)]
    pub events: Vec<String>,
    /// Metric name (metric groups).
    #[serde(default)]
    pub metric_name: Option<String>,
    /// Instrument (metric groups).
    #[serde(default)]
    pub instrument: Option<Instrument>,
    /// Unit (metric groups).
    #[serde(default)]
    pub unit: Option<String>,
    /// Event or entity name.
    #[serde(default)]
    pub name: Option<String>,
    /// Display name (registry groups).
    #[serde(default)]
    pub display_name: Option<String>,
    /// Event body definition.
    #[serde(default)]
    pub body: Option<Any>,
    /// Entities associated with a signal.
    #[serde(default)]
    pub entity_associations: Option<Any>,
    /// Free-form annotations.
    #[serde(default)]
    pub annotations: Option<Any>,
}

/// A classic attribute: a definition (`id` + `type`) or a reference (`ref`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AttributeV1 {
    /// Key of a new attribute.
    #[serde(default)]
    pub id: Option<Located<String>>,
    /// Key of an attribute defined elsewhere.
    #[serde(default, rename = "ref")]
    pub reference: Option<Located<String>>,
    /// Value type (definitions only).
    #[serde(default, rename = "type")]
    pub ty: Option<Located<AttributeType>>,
    /// One-line description.
    #[serde(default)]
    pub brief: Option<String>,
    /// Longer description.
    #[serde(default)]
    pub note: Option<String>,
    /// Example values.
    #[serde(default)]
    pub examples: Option<Any>,
    /// Requirement level on this group.
    #[serde(default)]
    pub requirement_level: Option<Located<RequirementLevel>>,
    /// Whether samplers need it at span start.
    #[serde(default)]
    pub sampling_relevant: Option<bool>,
    /// Stability.
    #[serde(default)]
    pub stability: Option<Stability>,
    /// Deprecation.
    #[serde(default)]
    pub deprecated: Option<Deprecated>,
    /// Legacy tag.
    #[serde(default)]
    pub tag: Option<String>,
    /// Entity role (`identifying` or `descriptive`).
    #[serde(default)]
    pub role: Option<String>,
    /// Free-form annotations.
    #[serde(default)]
    pub annotations: Option<Any>,
}

/// Wildcard lists of dependency signals to import.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Imports {
    /// Attribute groups.
    #[serde(default)]
    pub attribute_groups: Vec<String>,
    /// Metrics.
    #[serde(default)]
    pub metrics: Vec<String>,
    /// Events.
    #[serde(default)]
    pub events: Vec<String>,
    /// Entities.
    #[serde(default)]
    pub entities: Vec<String>,
    /// Spans.
    #[serde(default)]
    pub spans: Vec<String>,
}

/// A `file_format: definition/2` file.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FileV2 {
    /// Always `definition/2`.
    pub file_format: Located<String>,
    /// Attribute definitions.
    #[serde(default)]
    pub attributes: Vec<AttributeV2>,
    /// Reusable attribute groups.
    #[serde(default)]
    pub attribute_groups: Vec<AttributeGroupV2>,
    /// Spans.
    #[serde(default)]
    pub spans: Vec<SpanV2>,
    /// Span refinements (e.g. provider-specific variants).
    #[serde(default)]
    pub span_refinements: Vec<RefinementV2>,
    /// Events.
    #[serde(default)]
    pub events: Vec<EventV2>,
    /// Event refinements.
    #[serde(default)]
    pub event_refinements: Vec<RefinementV2>,
    /// Metrics.
    #[serde(default)]
    pub metrics: Vec<MetricV2>,
    /// Metric refinements.
    #[serde(default)]
    pub metric_refinements: Vec<RefinementV2>,
    /// Entities.
    #[serde(default)]
    pub entities: Vec<EntityV2>,
    /// Entity refinements.
    #[serde(default)]
    pub entity_refinements: Vec<RefinementV2>,
    /// Signals imported from dependencies.
    #[serde(default)]
    pub imports: Option<Imports>,
}

/// A definition/2 attribute definition.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AttributeV2 {
    /// Attribute key.
    pub key: Located<String>,
    /// Value type.
    #[serde(rename = "type")]
    pub ty: Located<AttributeType>,
    /// One-line description.
    pub brief: String,
    /// Longer description.
    #[serde(default)]
    pub note: Option<String>,
    /// Example values.
    #[serde(default)]
    pub examples: Option<Any>,
    /// Stability.
    pub stability: Stability,
    /// Deprecation.
    #[serde(default)]
    pub deprecated: Option<Deprecated>,
    /// Free-form annotations.
    #[serde(default)]
    pub annotations: Option<Any>,
}

/// An item of a definition/2 attribute list: `ref` (with overrides) or `ref_group`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AttributeRefV2 {
    /// Key of the referenced attribute.
    #[serde(default, rename = "ref")]
    pub reference: Option<Located<String>>,
    /// Id of an attribute group whose attributes are included.
    #[serde(default)]
    pub ref_group: Option<Located<String>>,
    /// Requirement level.
    #[serde(default)]
    pub requirement_level: Option<Located<RequirementLevel>>,
    /// Overridden brief.
    #[serde(default)]
    pub brief: Option<String>,
    /// Overridden note.
    #[serde(default)]
    pub note: Option<String>,
    /// Overridden examples.
    #[serde(default)]
    pub examples: Option<Any>,
    /// Overridden annotations.
    #[serde(default)]
    pub annotations: Option<Any>,
    /// Overridden stability.
    #[serde(default)]
    pub stability: Option<Stability>,
    /// Overridden deprecation.
    #[serde(default)]
    pub deprecated: Option<Deprecated>,
    /// Whether samplers need it at span start.
    #[serde(default)]
    pub sampling_relevant: Option<bool>,
}

/// Visibility of a definition/2 attribute group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// Only for composing other definitions; not part of the resolved output.
    Internal,
    /// Part of the resolved output.
    Public,
}

/// A definition/2 attribute group.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AttributeGroupV2 {
    /// Group id.
    pub id: Located<String>,
    /// Internal or public.
    pub visibility: Visibility,
    /// One-line description (public groups).
    #[serde(default)]
    pub brief: Option<String>,
    /// Longer description.
    #[serde(default)]
    pub note: Option<String>,
    /// Stability (public groups).
    #[serde(default)]
    pub stability: Option<Stability>,
    /// Deprecation.
    #[serde(default)]
    pub deprecated: Option<Deprecated>,
    /// Attributes.
    #[serde(default)]
    pub attributes: Vec<AttributeRefV2>,
    /// Free-form annotations.
    #[serde(default)]
    pub annotations: Option<Any>,
}

/// The `name` of a definition/2 span.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SpanNameV2 {
    /// How the span name is formed (prose, with `{attribute}` placeholders).
    pub note: String,
}

/// A definition/2 span.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SpanV2 {
    /// Span type (e.g. `gen_ai.inference.client`).
    #[serde(rename = "type")]
    pub ty: Located<String>,
    /// Span kind.
    pub kind: SpanKind,
    /// Span name description.
    pub name: SpanNameV2,
    /// One-line description.
    pub brief: String,
    /// Longer description.
    #[serde(default)]
    pub note: Option<String>,
    /// Stability.
    pub stability: Stability,
    /// Deprecation.
    #[serde(default)]
    pub deprecated: Option<Deprecated>,
    /// Whether the signal itself is recommended or opt-in.
    #[serde(default)]
    pub requirement_level: Option<SignalRequirementLevel>,
    /// Attributes.
    #[serde(default)]
    pub attributes: Vec<AttributeRefV2>,
    /// Entities associated with the span.
    #[serde(default)]
    pub entity_associations: Option<Any>,
    /// Free-form annotations.
    #[serde(default)]
    pub annotations: Option<Any>,
}

/// A definition/2 event.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EventV2 {
    /// Event name.
    pub name: Located<String>,
    /// One-line description.
    pub brief: String,
    /// Longer description.
    #[serde(default)]
    pub note: Option<String>,
    /// Stability.
    pub stability: Stability,
    /// Deprecation.
    #[serde(default)]
    pub deprecated: Option<Deprecated>,
    /// Whether the signal itself is recommended or opt-in.
    #[serde(default)]
    pub requirement_level: Option<SignalRequirementLevel>,
    /// Attributes.
    #[serde(default)]
    pub attributes: Vec<AttributeRefV2>,
    /// Event body definition.
    #[serde(default)]
    pub body: Option<Any>,
    /// Entities associated with the event.
    #[serde(default)]
    pub entity_associations: Option<Any>,
    /// Free-form annotations.
    #[serde(default)]
    pub annotations: Option<Any>,
}

/// A definition/2 metric.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MetricV2 {
    /// Metric name.
    pub name: Located<String>,
    /// Instrument.
    pub instrument: Instrument,
    /// Unit (UCUM).
    pub unit: String,
    /// One-line description.
    pub brief: String,
    /// Longer description.
    #[serde(default)]
    pub note: Option<String>,
    /// Stability.
    pub stability: Stability,
    /// Deprecation.
    #[serde(default)]
    pub deprecated: Option<Deprecated>,
    /// Whether the signal itself is recommended or opt-in.
    #[serde(default)]
    pub requirement_level: Option<SignalRequirementLevel>,
    /// Attributes.
    #[serde(default)]
    pub attributes: Vec<AttributeRefV2>,
    /// Entities associated with the metric.
    #[serde(default)]
    pub entity_associations: Option<Any>,
    /// Free-form annotations (`code_generation`, bucket advice, ...).
    #[serde(default)]
    pub annotations: Option<Any>,
}

/// A definition/2 entity.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EntityV2 {
    /// Entity type.
    #[serde(rename = "type")]
    pub ty: Located<String>,
    /// Identifying attributes.
    #[serde(default)]
    pub identity: Vec<AttributeRefV2>,
    /// Descriptive attributes.
    #[serde(default)]
    pub description: Vec<AttributeRefV2>,
    /// One-line description.
    pub brief: String,
    /// Longer description.
    #[serde(default)]
    pub note: Option<String>,
    /// Stability.
    pub stability: Stability,
    /// Deprecation.
    #[serde(default)]
    pub deprecated: Option<Deprecated>,
    /// Whether the signal itself is recommended or opt-in.
    #[serde(default)]
    pub requirement_level: Option<SignalRequirementLevel>,
    /// Free-form annotations.
    #[serde(default)]
    pub annotations: Option<Any>,
}

/// A refinement of a span, event, metric or entity: the base signal plus its own attributes.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RefinementV2 {
    /// Refinement id (e.g. `openai.inference.client`).
    pub id: Located<String>,
    /// The refined signal (span type, event name, metric name or entity type).
    #[serde(rename = "ref")]
    pub reference: Located<String>,
    /// Replacement span name description (spans).
    #[serde(default)]
    pub name: Option<SpanNameV2>,
    /// Span kind override (spans).
    #[serde(default)]
    pub kind: Option<SpanKind>,
    /// One-line description.
    #[serde(default)]
    pub brief: Option<String>,
    /// Longer description.
    #[serde(default)]
    pub note: Option<String>,
    /// Stability.
    #[serde(default)]
    pub stability: Option<Stability>,
    /// Deprecation.
    #[serde(default)]
    pub deprecated: Option<Deprecated>,
    /// Whether the signal itself is recommended or opt-in.
    #[serde(default)]
    pub requirement_level: Option<SignalRequirementLevel>,
    /// Additional or overriding attributes.
    #[serde(default)]
    pub attributes: Vec<AttributeRefV2>,
    /// Identifying attributes (entities).
    #[serde(default)]
    pub identity: Vec<AttributeRefV2>,
    /// Descriptive attributes (entities).
    #[serde(default)]
    pub description: Vec<AttributeRefV2>,
    /// Entities associated with the signal.
    #[serde(default)]
    pub entity_associations: Option<Any>,
    /// Free-form annotations.
    #[serde(default)]
    pub annotations: Option<Any>,
}

/// `manifest.yaml` (or the legacy `registry_manifest.yaml`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Registry name.
    #[serde(default)]
    pub name: Option<String>,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Schema URL; its last path segment is the version.
    #[serde(default)]
    pub schema_url: Option<String>,
    /// Legacy: version of the conventions.
    #[serde(default)]
    pub semconv_version: Option<String>,
    /// Legacy: base of the schema URL.
    #[serde(default)]
    pub schema_base_url: Option<String>,
    /// Stability of the registry.
    #[serde(default)]
    pub stability: Option<Stability>,
    /// Registries this one depends on.
    #[serde(default)]
    pub dependencies: Vec<Dependency>,
}

/// A registry dependency.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Dependency {
    /// Name (legacy manifests).
    #[serde(default)]
    pub name: Option<String>,
    /// Schema URL of the dependency.
    #[serde(default)]
    pub schema_url: Option<String>,
    /// Local path (relative to the registry's parent or the working directory), git URL or archive.
    pub registry_path: Located<String>,
}

/// Named JSON-Schema roots for editors: one per file kind.
#[derive(Debug, JsonSchema)]
pub struct FileKinds {
    /// A registry file.
    pub registry_file: RegistryFile,
    /// A manifest.
    pub manifest: Manifest,
}
