//! Signal and attribute descriptors: the registry's facts as `const` data, for instrumentation,
//! documentation and validation alike.
//!
//! ```
//! use genai_semconv::descriptor::{self, RequirementLevel};
//!
//! let chat = descriptor::span("span.gen_ai.inference.client").expect("defined");
//! let op = chat.attribute("gen_ai.operation.name").expect("listed");
//! assert_eq!(op.level, RequirementLevel::Required);
//! assert!(descriptor::attribute("gen_ai.request.model").is_some());
//! ```

use crate::generated;

/// Maturity of a definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stability {
    /// Stable: no breaking changes.
    Stable,
    /// In development.
    Development,
    /// Alpha.
    Alpha,
    /// Beta.
    Beta,
    /// Release candidate.
    ReleaseCandidate,
    /// Legacy marker for deprecated items.
    Deprecated,
}

impl Stability {
    /// The spelling used in registry files.
    pub const fn as_str(self) -> &'static str {
        match self {
            Stability::Stable => "stable",
            Stability::Development => "development",
            Stability::Alpha => "alpha",
            Stability::Beta => "beta",
            Stability::ReleaseCandidate => "release_candidate",
            Stability::Deprecated => "deprecated",
        }
    }
}

/// Requirement level of an attribute on a signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RequirementLevel {
    /// Must be present.
    Required,
    /// Must be present when the condition ([`AttributeRequirement::condition`]) holds.
    ConditionallyRequired,
    /// Should be present.
    Recommended,
    /// Only when the user opts in (e.g. message content).
    OptIn,
}

impl RequirementLevel {
    /// The spelling used in registry files.
    pub const fn as_str(self) -> &'static str {
        match self {
            RequirementLevel::Required => "required",
            RequirementLevel::ConditionallyRequired => "conditionally_required",
            RequirementLevel::Recommended => "recommended",
            RequirementLevel::OptIn => "opt_in",
        }
    }
}

/// An attribute as a signal uses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttributeRequirement {
    /// Attribute key.
    pub key: &'static str,
    /// Requirement level.
    pub level: RequirementLevel,
    /// The condition (conditionally required) or the note on when (recommended, opt-in).
    pub condition: Option<&'static str>,
    /// Whether samplers need it at span start.
    pub sampling_relevant: bool,
}

/// Span kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SpanKind {
    /// Outgoing request.
    Client,
    /// Incoming request.
    Server,
    /// Message producer.
    Producer,
    /// Message consumer.
    Consumer,
    /// In-process operation.
    Internal,
}

impl SpanKind {
    /// The spelling used in registry files.
    pub const fn as_str(self) -> &'static str {
        match self {
            SpanKind::Client => "client",
            SpanKind::Server => "server",
            SpanKind::Producer => "producer",
            SpanKind::Consumer => "consumer",
            SpanKind::Internal => "internal",
        }
    }
}

impl From<SpanKind> for opentelemetry::trace::SpanKind {
    fn from(k: SpanKind) -> Self {
        match k {
            SpanKind::Client => opentelemetry::trace::SpanKind::Client,
            SpanKind::Server => opentelemetry::trace::SpanKind::Server,
            SpanKind::Producer => opentelemetry::trace::SpanKind::Producer,
            SpanKind::Consumer => opentelemetry::trace::SpanKind::Consumer,
            SpanKind::Internal => opentelemetry::trace::SpanKind::Internal,
        }
    }
}

/// A span definition (or a provider refinement of one).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpanDescriptor {
    /// Registry id, e.g. `span.gen_ai.inference.client` or `openai.inference.client`.
    pub id: &'static str,
    /// Span type, e.g. `gen_ai.inference.client` (refinements: the refined span's type).
    pub span_type: Option<&'static str>,
    /// Span kind.
    pub kind: Option<SpanKind>,
    /// Name pattern, e.g. `{gen_ai.operation.name} {gen_ai.request.model}`.
    pub name_pattern: Option<&'static str>,
    /// One-line description.
    pub brief: &'static str,
    /// Stability.
    pub stability: Option<Stability>,
    /// Deprecation note, when deprecated.
    pub deprecated: Option<&'static str>,
    /// Attributes, sorted by key.
    pub attributes: &'static [AttributeRequirement],
    /// The id of the span this one refines.
    pub refines: Option<&'static str>,
}

/// An event definition.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EventDescriptor {
    /// Registry id, e.g. `event.gen_ai.evaluation.result`.
    pub id: &'static str,
    /// Event name.
    pub name: &'static str,
    /// One-line description.
    pub brief: &'static str,
    /// Stability.
    pub stability: Option<Stability>,
    /// Deprecation note, when deprecated.
    pub deprecated: Option<&'static str>,
    /// Attributes, sorted by key.
    pub attributes: &'static [AttributeRequirement],
    /// The id of the event this one refines.
    pub refines: Option<&'static str>,
}

/// Metric instrument.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Instrument {
    /// Monotonic sum.
    Counter,
    /// Non-monotonic sum.
    UpDownCounter,
    /// Last value.
    Gauge,
    /// Distribution.
    Histogram,
}

/// A metric definition.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MetricDescriptor {
    /// Registry id, e.g. `metric.gen_ai.client.token.usage`.
    pub id: &'static str,
    /// Metric name.
    pub name: &'static str,
    /// Instrument.
    pub instrument: Instrument,
    /// Unit (UCUM), e.g. `s` or `{token}`.
    pub unit: &'static str,
    /// Advised explicit histogram bucket boundaries, when the registry gives them.
    pub bucket_boundaries: Option<&'static [f64]>,
    /// One-line description.
    pub brief: &'static str,
    /// Stability.
    pub stability: Option<Stability>,
    /// Deprecation note, when deprecated.
    pub deprecated: Option<&'static str>,
    /// Attributes, sorted by key.
    pub attributes: &'static [AttributeRequirement],
    /// The id of the metric this one refines.
    pub refines: Option<&'static str>,
}

macro_rules! attribute_lookup {
    ($($t:ty),+) => {$(
        impl $t {
            /// The requirement for `key`, if this signal lists it.
            pub fn attribute(&self, key: &str) -> Option<&'static AttributeRequirement> {
                let attributes: &'static [AttributeRequirement] = self.attributes;
                attributes
                    .binary_search_by(|a| a.key.cmp(key))
                    .ok()
                    .map(|i| &attributes[i])
            }

            /// The attributes with requirement level [`RequirementLevel::Required`].
            pub fn required(&self) -> impl Iterator<Item = &'static AttributeRequirement> {
                let attributes: &'static [AttributeRequirement] = self.attributes;
                attributes.iter().filter(|a| a.level == RequirementLevel::Required)
            }
        }
    )+};
}

attribute_lookup!(SpanDescriptor, EventDescriptor, MetricDescriptor);

/// The value type of an attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValueType {
    /// `string` (also string enums).
    String,
    /// `int`.
    Int,
    /// `double`.
    Double,
    /// `boolean`.
    Boolean,
    /// `string[]`.
    StringArray,
    /// `int[]`.
    IntArray,
    /// `double[]`.
    DoubleArray,
    /// `boolean[]`.
    BooleanArray,
    /// `any` (structured).
    Any,
}

/// Deprecation of an attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deprecation {
    /// The replacement attribute, when renamed.
    pub renamed_to: Option<&'static str>,
    /// Explanation.
    pub note: Option<&'static str>,
}

/// One attribute of the registry.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AttributeInfo {
    /// Key (for templates: the prefix).
    pub key: &'static str,
    /// Value type.
    pub ty: ValueType,
    /// A template attribute: keys are `<key>.<name>`.
    pub template: bool,
    /// Enum member values (empty unless an enum); custom values are allowed by the spec.
    pub members: &'static [&'static str],
    /// One-line description.
    pub brief: &'static str,
    /// Stability.
    pub stability: Option<Stability>,
    /// Deprecation, when deprecated.
    pub deprecated: Option<Deprecation>,
}

/// Every attribute, sorted by key.
pub const ATTRIBUTES: &[AttributeInfo] = generated::attribute::ATTRIBUTES;
/// Every span (refinements included), sorted by id.
pub const ALL_SPANS: &[&SpanDescriptor] = generated::span::ALL_SPANS;
/// Every event, sorted by id.
pub const ALL_EVENTS: &[&EventDescriptor] = generated::event::ALL_EVENTS;
/// Every metric (refinements included), sorted by id.
pub const ALL_METRICS: &[&MetricDescriptor] = generated::metric::ALL_METRICS;

/// The attribute `key` belongs to: an exact key, or a template attribute whose key is a prefix
/// of it (`gen_ai.prompt.variable.city` belongs to `gen_ai.prompt.variable`).
pub fn attribute(key: &str) -> Option<&'static AttributeInfo> {
    if let Ok(i) = ATTRIBUTES.binary_search_by(|a| a.key.cmp(key)) {
        return Some(&ATTRIBUTES[i]);
    }
    let mut prefix = key;
    while let Some((head, _)) = prefix.rsplit_once('.') {
        if let Ok(i) = ATTRIBUTES.binary_search_by(|a| a.key.cmp(head))
            && ATTRIBUTES[i].template
        {
            return Some(&ATTRIBUTES[i]);
        }
        prefix = head;
    }
    None
}

/// The span with registry id `id`.
pub fn span(id: &str) -> Option<&'static SpanDescriptor> {
    ALL_SPANS
        .binary_search_by(|s| s.id.cmp(id))
        .ok()
        .map(|i| ALL_SPANS[i])
}

/// The event with registry id `id`.
pub fn event(id: &str) -> Option<&'static EventDescriptor> {
    ALL_EVENTS
        .binary_search_by(|s| s.id.cmp(id))
        .ok()
        .map(|i| ALL_EVENTS[i])
}

/// The metric with registry id `id`.
pub fn metric(id: &str) -> Option<&'static MetricDescriptor> {
    ALL_METRICS
        .binary_search_by(|s| s.id.cmp(id))
        .ok()
        .map(|i| ALL_METRICS[i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_sorted() {
        assert!(ATTRIBUTES.windows(2).all(|w| w[0].key < w[1].key));
        assert!(ALL_SPANS.windows(2).all(|w| w[0].id < w[1].id));
        assert!(ALL_EVENTS.windows(2).all(|w| w[0].id < w[1].id));
        assert!(ALL_METRICS.windows(2).all(|w| w[0].id < w[1].id));
        for s in ALL_SPANS {
            assert!(
                s.attributes.windows(2).all(|w| w[0].key < w[1].key),
                "{}",
                s.id
            );
        }
    }

    #[test]
    fn lookups() {
        assert!(attribute("gen_ai.operation.name").is_some());
        assert!(attribute("gen_ai.nope").is_none());
        let chat = span("span.gen_ai.inference.client").expect("span");
        assert_eq!(chat.kind, Some(SpanKind::Client));
        assert!(chat.required().any(|a| a.key == "gen_ai.operation.name"));
    }
}
