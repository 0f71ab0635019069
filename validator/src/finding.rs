//! Findings: what a rule reports about one span, log record or metric.

use std::fmt;
use std::sync::Arc;

use serde::Serialize;

use crate::text::Text;

/// How serious a finding is (ordered: information < improvement < violation).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Worth knowing; nothing to fix.
    Information,
    /// Should be fixed (a SHOULD of the conventions).
    Improvement,
    /// Must be fixed (a MUST of the conventions, or a privacy leak).
    Violation,
}

impl Level {
    /// `information`, `improvement` or `violation`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Information => "information",
            Level::Improvement => "improvement",
            Level::Violation => "violation",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! finding_ids {
    ($($(#[doc = $doc:literal])* $variant:ident => $name:literal,)*) => {
        /// The stable id of a rule (snake_case, close to Weaver live-check's vocabulary).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum FindingId {
            $($(#[doc = $doc])* $variant,)*
        }

        impl FindingId {
            /// Every id, in declaration order.
            pub const ALL: &'static [FindingId] = &[$(FindingId::$variant,)*];

            /// The id as written in reports.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(FindingId::$variant => $name,)*
                }
            }
        }
    };
}

finding_ids! {
    /// A required attribute of the matched definition is missing (violation).
    RequiredAttributeNotPresent => "required_attribute_not_present",
    /// A conditionally required attribute is missing: violation when the condition can be
    /// decided from the data and holds, information (quoting the condition) otherwise.
    ConditionallyRequiredAttributeNotPresent => "conditionally_required_attribute_not_present",
    /// A recommended attribute is missing (improvement).
    RecommendedAttributeNotPresent => "recommended_attribute_not_present",
    /// An opt-in (content) attribute is present although content capture was not declared
    /// (violation: a privacy leak).
    OptInAttributePresent => "opt_in_attribute_present",
    /// Captured content does not match the JSON Schema of its message format (violation).
    ContentSchemaMismatch => "content_schema_mismatch",
    /// A value has another type than the registry says (violation).
    TypeMismatch => "type_mismatch",
    /// An enum attribute has a value that is not a member (information when custom values are
    /// allowed, violation otherwise).
    UndefinedEnumVariant => "undefined_enum_variant",
    /// A deprecated attribute or enum value is used (improvement, naming the replacement).
    DeprecatedAttribute => "deprecated_attribute",
    /// A key under a registry namespace that the registry does not define (violation).
    UnknownAttribute => "unknown_attribute",
    /// An attribute of a legacy convention (`gen_ai.system`, `gen_ai.prompt.*`, `llm.*`,
    /// `openinference.*`, ...) (improvement, naming the replacement).
    LegacyAttribute => "legacy_attribute",
    /// The span name does not follow the definition's name pattern (improvement).
    SpanNameMismatch => "span_name_mismatch",
    /// The span kind is not the definition's (violation).
    SpanKindMismatch => "span_kind_mismatch",
    /// A span that looks like GenAI telemetry has no `gen_ai.operation.name` (violation).
    MissingOperationName => "missing_operation_name",
    /// A metric under a registry namespace that the registry does not define (violation).
    UnknownMetric => "unknown_metric",
    /// A metric's unit is not the definition's (violation).
    UnitMismatch => "unit_mismatch",
    /// A metric's instrument kind is not the definition's (violation).
    UnexpectedInstrument => "unexpected_instrument",
    /// Histogram bucket boundaries differ from the definition's advice (information).
    BucketBoundariesDiffer => "bucket_boundaries_differ",
    /// An event under a registry namespace that the registry does not define (violation).
    UnknownEvent => "unknown_event",
    /// An event of a legacy convention (`gen_ai.user.message`, `gen_ai.choice`, ...)
    /// (improvement, naming what records the same now).
    LegacyEvent => "legacy_event",
    /// A required field of an event body is missing (violation).
    EventBodyFieldNotPresent => "event_body_field_not_present",
    /// An event carries no trace and span ids, so it cannot be tied to its span (improvement).
    EventWithoutTraceContext => "event_without_trace_context",
    /// A key is set twice on one item with different values (violation: which one a backend
    /// keeps is undefined).
    DuplicateAttribute => "duplicate_attribute",
    /// Trace or span ids written in base64 (the generic protobuf JSON mapping) instead of the
    /// hex OTLP/JSON requires (violation: the OpenTelemetry Collector refuses such requests);
    /// reported once per scope of a request, naming the service and scope that sent them.
    NonHexId => "non_hex_id",
}

impl fmt::Display for FindingId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for FindingId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for FindingId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl std::str::FromStr for FindingId {
    type Err = UnknownFindingId;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        FindingId::ALL
            .iter()
            .copied()
            .find(|id| id.as_str() == s)
            .ok_or_else(|| UnknownFindingId(s.chars().take(100).collect()))
    }
}

/// A set of [`FindingId`]s (one bit each), iterated in id order.
///
/// ```
/// use genai_validator::{FindingId, FindingIds};
/// let mut ids = FindingIds::default();
/// ids.insert(FindingId::SpanNameMismatch);
/// ids.insert(FindingId::SpanNameMismatch);
/// assert_eq!(ids.iter().collect::<Vec<_>>(), [FindingId::SpanNameMismatch]);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct FindingIds(u64);

// Every id has its bit.
const _: () = assert!(FindingId::ALL.len() <= 64);

impl FindingIds {
    /// Adds `id`.
    pub fn insert(&mut self, id: FindingId) {
        self.0 |= 1 << id as u32;
    }

    /// Whether `id` is in the set.
    pub fn contains(&self, id: FindingId) -> bool {
        self.0 & (1 << id as u32) != 0
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.0 == 0
    }

    /// How many ids the set holds.
    pub fn len(&self) -> usize {
        self.0.count_ones() as usize
    }

    /// The ids, in id order.
    pub fn iter(&self) -> impl Iterator<Item = FindingId> + '_ {
        FindingId::ALL
            .iter()
            .copied()
            .filter(|id| self.contains(*id))
    }
}

impl FromIterator<FindingId> for FindingIds {
    fn from_iter<I: IntoIterator<Item = FindingId>>(iter: I) -> Self {
        let mut set = FindingIds::default();
        for id in iter {
            set.insert(id);
        }
        set
    }
}

/// A string that names no [`FindingId`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown finding id `{0}`")]
pub struct UnknownFindingId(pub String);

impl std::str::FromStr for Level {
    type Err = UnknownLevel;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "information" => Ok(Level::Information),
            "improvement" => Ok(Level::Improvement),
            "violation" => Ok(Level::Violation),
            other => Err(UnknownLevel(other.chars().take(100).collect())),
        }
    }
}

/// A string that names no [`Level`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown level `{0}` (expected information, improvement or violation)")]
pub struct UnknownLevel(pub String);

/// One finding about a span, log record or metric.
///
/// Serialized as `{attribute?, id, level, message}` (keys in this order).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The rule.
    pub id: FindingId,
    /// How serious it is.
    pub level: Level,
    /// The attribute (or metric/event field) it is about, if any.
    pub attribute: Option<Text>,
    /// What is wrong and what to do, in one sentence.
    pub message: Text,
}

impl Finding {
    /// A finding with a message built on the spot.
    pub fn new(
        id: FindingId,
        level: Level,
        attribute: Option<Arc<str>>,
        message: impl Into<Text>,
    ) -> Self {
        Finding {
            id,
            level,
            attribute: attribute.map(Text::from),
            message: message.into(),
        }
    }
}

impl Serialize for Finding {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(3 + usize::from(self.attribute.is_some())))?;
        if let Some(a) = &self.attribute {
            m.serialize_entry("attribute", a)?;
        }
        m.serialize_entry("id", &self.id)?;
        m.serialize_entry("level", &self.level)?;
        m.serialize_entry("message", &self.message)?;
        m.end()
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] {}: {}", self.level, self.id, self.message)
    }
}
