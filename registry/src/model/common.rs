//! Value types shared by the file format and the resolved model.

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

/// Maturity of a definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stability {
    /// Stable: no breaking changes.
    Stable,
    /// In development (`experimental` is accepted as an alias).
    #[serde(alias = "experimental")]
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

impl JsonSchema for Stability {
    fn schema_name() -> Cow<'static, str> {
        "Stability".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "Maturity of a definition (`experimental` is a legacy alias of `development`).",
            "type": "string",
            "enum": ["stable", "development", "experimental", "alpha", "beta", "release_candidate", "deprecated"]
        })
    }
}

impl Stability {
    /// The spelling used in registry files.
    pub fn as_str(self) -> &'static str {
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

/// Why something is deprecated.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Deprecated {
    /// Replaced by another attribute or signal.
    Renamed {
        /// The replacement.
        renamed_to: String,
        /// Extra explanation.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// No longer meaningful; no replacement.
    Obsoleted {
        /// Explanation.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// Deprecated for another reason.
    Uncategorized {
        /// Explanation.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// Legacy string form: no structured reason.
    Unspecified {
        /// Explanation.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
}

impl Deprecated {
    /// The replacement, for renames.
    pub fn renamed_to(&self) -> Option<&str> {
        match self {
            Deprecated::Renamed { renamed_to, .. } => Some(renamed_to),
            _ => None,
        }
    }

    /// The explanation, when given.
    pub fn note(&self) -> Option<&str> {
        match self {
            Deprecated::Renamed { note, .. }
            | Deprecated::Obsoleted { note }
            | Deprecated::Uncategorized { note }
            | Deprecated::Unspecified { note } => note.as_deref(),
        }
    }

    /// The reason as written (`renamed`, `obsoleted`, `uncategorized`, `unspecified`).
    pub fn reason(&self) -> &'static str {
        match self {
            Deprecated::Renamed { .. } => "renamed",
            Deprecated::Obsoleted { .. } => "obsoleted",
            Deprecated::Uncategorized { .. } => "uncategorized",
            Deprecated::Unspecified { .. } => "unspecified",
        }
    }
}

impl JsonSchema for Deprecated {
    fn schema_name() -> Cow<'static, str> {
        "Deprecated".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "Why and how something is deprecated (a plain string is the legacy form).",
            "oneOf": [
                {"type": "string"},
                {"type": "object", "additionalProperties": false, "required": ["reason", "renamed_to"],
                 "properties": {"reason": {"const": "renamed"}, "renamed_to": {"type": "string"}, "note": {"type": "string"}}},
                {"type": "object", "additionalProperties": false, "required": ["reason"],
                 "properties": {"reason": {"enum": ["obsoleted", "uncategorized", "unspecified"]},
                                "renamed_to": {"type": "string"}, "note": {"type": "string"}}}
            ]
        })
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DeprecatedMap {
    reason: DeprecatedReason,
    #[serde(default)]
    renamed_to: Option<String>,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum DeprecatedReason {
    Renamed,
    Obsoleted,
    Uncategorized,
    Unspecified,
}

impl<'de> Deserialize<'de> for Deprecated {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Deprecated;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a deprecation note or a map with `reason`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Deprecated, E> {
                Ok(Deprecated::Unspecified {
                    note: Some(v.to_string()),
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Deprecated, A::Error> {
                let m = DeprecatedMap::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(match m.reason {
                    DeprecatedReason::Renamed => Deprecated::Renamed {
                        renamed_to: m.renamed_to.ok_or_else(|| {
                            de::Error::custom("`reason: renamed` needs `renamed_to`")
                        })?,
                        note: m.note,
                    },
                    DeprecatedReason::Obsoleted => Deprecated::Obsoleted { note: m.note },
                    DeprecatedReason::Uncategorized => Deprecated::Uncategorized { note: m.note },
                    DeprecatedReason::Unspecified => Deprecated::Unspecified { note: m.note },
                })
            }
        }
        d.deserialize_any(V)
    }
}

/// Requirement level of an attribute on a signal, as written.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RequirementLevel {
    /// Must be present.
    Required,
    /// Must be present when the condition holds.
    ConditionallyRequired(String),
    /// Should be present (optionally with a note on when).
    Recommended(Option<String>),
    /// Only when the user opts in (optionally with a note).
    OptIn(Option<String>),
}

impl RequirementLevel {
    /// The level's name (`required`, `conditionally_required`, `recommended`, `opt_in`).
    pub fn name(&self) -> &'static str {
        match self {
            RequirementLevel::Required => "required",
            RequirementLevel::ConditionallyRequired(_) => "conditionally_required",
            RequirementLevel::Recommended(_) => "recommended",
            RequirementLevel::OptIn(_) => "opt_in",
        }
    }

    /// The condition or note text, when any.
    pub fn text(&self) -> Option<&str> {
        match self {
            RequirementLevel::Required => None,
            RequirementLevel::ConditionallyRequired(t) => Some(t),
            RequirementLevel::Recommended(t) | RequirementLevel::OptIn(t) => t.as_deref(),
        }
    }
}

const LEVELS: &[&str] = &[
    "required",
    "conditionally_required",
    "recommended",
    "opt_in",
];

impl<'de> Deserialize<'de> for RequirementLevel {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RequirementLevel;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("`required`, `recommended`, `opt_in` or a map `conditionally_required: <condition>`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                match v {
                    "required" => Ok(RequirementLevel::Required),
                    "recommended" => Ok(RequirementLevel::Recommended(None)),
                    "opt_in" => Ok(RequirementLevel::OptIn(None)),
                    "conditionally_required" => Err(E::custom(
                        "`conditionally_required` needs its condition: write `conditionally_required: <when>`",
                    )),
                    other => Err(E::unknown_variant(other, LEVELS)),
                }
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let Some(key) = map.next_key::<String>()? else {
                    return Err(de::Error::custom("empty requirement level"));
                };
                let text: String = map.next_value()?;
                let level = match key.as_str() {
                    "conditionally_required" => RequirementLevel::ConditionallyRequired(text),
                    "recommended" => RequirementLevel::Recommended(Some(text)),
                    "opt_in" => RequirementLevel::OptIn(Some(text)),
                    "required" => {
                        return Err(de::Error::custom(
                            "`required` takes no condition: write `requirement_level: required`",
                        ));
                    }
                    other => return Err(de::Error::unknown_variant(other, LEVELS)),
                };
                if map.next_key::<String>()?.is_some() {
                    return Err(de::Error::custom(
                        "a requirement level has exactly one entry",
                    ));
                }
                Ok(level)
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for RequirementLevel {
    fn schema_name() -> Cow<'static, str> {
        "RequirementLevel".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "Requirement level of an attribute on a signal.",
            "oneOf": [
                {"type": "string", "enum": ["required", "recommended", "opt_in"]},
                {"type": "object", "additionalProperties": false, "minProperties": 1, "maxProperties": 1,
                 "properties": {
                    "conditionally_required": {"type": "string"},
                    "recommended": {"type": "string"},
                    "opt_in": {"type": "string"}
                 }}
            ]
        })
    }
}

/// Requirement level of a whole signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum SignalRequirementLevel {
    /// Emitted by default.
    #[default]
    Recommended,
    /// Emitted only when the user opts in.
    OptIn,
}

/// Span kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
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
    pub fn as_str(self) -> &'static str {
        match self {
            SpanKind::Client => "client",
            SpanKind::Server => "server",
            SpanKind::Producer => "producer",
            SpanKind::Consumer => "consumer",
            SpanKind::Internal => "internal",
        }
    }
}

/// Metric instrument.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Instrument {
    /// Monotonic sum.
    Counter,
    /// Non-monotonic sum.
    #[serde(rename = "updowncounter")]
    UpDownCounter,
    /// Last value.
    Gauge,
    /// Distribution.
    Histogram,
}

impl Instrument {
    /// The spelling used in registry files.
    pub fn as_str(self) -> &'static str {
        match self {
            Instrument::Counter => "counter",
            Instrument::UpDownCounter => "updowncounter",
            Instrument::Gauge => "gauge",
            Instrument::Histogram => "histogram",
        }
    }
}

/// A scalar attribute type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PrimitiveType {
    /// UTF-8 string.
    String,
    /// 64-bit signed integer.
    Int,
    /// 64-bit float.
    Double,
    /// Boolean.
    Boolean,
    /// Any value (structured, e.g. JSON-like content).
    Any,
    /// Array of strings.
    #[serde(rename = "string[]")]
    StringArray,
    /// Array of integers.
    #[serde(rename = "int[]")]
    IntArray,
    /// Array of doubles.
    #[serde(rename = "double[]")]
    DoubleArray,
    /// Array of booleans.
    #[serde(rename = "boolean[]")]
    BooleanArray,
}

impl PrimitiveType {
    /// All spellings, for suggestions.
    pub const NAMES: &'static [&'static str] = &[
        "string",
        "int",
        "double",
        "boolean",
        "any",
        "string[]",
        "int[]",
        "double[]",
        "boolean[]",
    ];

    /// The spelling used in registry files.
    pub fn as_str(self) -> &'static str {
        match self {
            PrimitiveType::String => "string",
            PrimitiveType::Int => "int",
            PrimitiveType::Double => "double",
            PrimitiveType::Boolean => "boolean",
            PrimitiveType::Any => "any",
            PrimitiveType::StringArray => "string[]",
            PrimitiveType::IntArray => "int[]",
            PrimitiveType::DoubleArray => "double[]",
            PrimitiveType::BooleanArray => "boolean[]",
        }
    }

    /// Parses a spelling.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "string" => PrimitiveType::String,
            "int" => PrimitiveType::Int,
            "double" => PrimitiveType::Double,
            "boolean" => PrimitiveType::Boolean,
            "any" => PrimitiveType::Any,
            "string[]" => PrimitiveType::StringArray,
            "int[]" => PrimitiveType::IntArray,
            "double[]" => PrimitiveType::DoubleArray,
            "boolean[]" => PrimitiveType::BooleanArray,
            _ => return None,
        })
    }
}

/// An enum member as written.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnumMember {
    /// Member id (unique within the enum; values may repeat).
    pub id: String,
    /// Value on the wire (string, int or double; a list or mapping is refused).
    #[serde(deserialize_with = "member_value")]
    pub value: serde_json::Value,
    /// One-line description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brief: Option<String>,
    /// Longer description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Stability.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stability: Option<Stability>,
    /// Deprecation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deprecated: Option<Deprecated>,
    /// Free-form annotations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<serde_json::Value>,
}

/// An enum member's value: a scalar (string, number or boolean), never a list or a mapping.
fn member_value<'de, D: serde::Deserializer<'de>>(d: D) -> Result<serde_json::Value, D::Error> {
    let v = <serde_json::Value as Deserialize>::deserialize(d)?;
    match v {
        serde_json::Value::String(_)
        | serde_json::Value::Number(_)
        | serde_json::Value::Bool(_) => Ok(v),
        other => Err(serde::de::Error::custom(format!(
            "an enum member's `value` must be a string, int or double, not {}",
            match other {
                serde_json::Value::Array(_) => "a list",
                serde_json::Value::Object(_) => "a mapping",
                _ => "null",
            }
        ))),
    }
}

/// An attribute type as written: a primitive, `template[<primitive>]`, or an enum.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum AttributeType {
    /// `string`, `int`, ... and arrays.
    Primitive(PrimitiveType),
    /// `template[<primitive>]`: a family of keys under a prefix.
    Template(PrimitiveType),
    /// `{members: [...]}`.
    Enum {
        /// Members.
        members: Vec<EnumMember>,
        /// Legacy flag; custom values are always allowed by the spec.
        #[serde(skip_serializing_if = "Option::is_none")]
        allow_custom_values: Option<bool>,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EnumSpec {
    members: Vec<EnumMember>,
    #[serde(default)]
    allow_custom_values: Option<bool>,
}

impl<'de> Deserialize<'de> for AttributeType {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = AttributeType;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "a type name (`string`, `int`, `template[string]`, ...) or `{members: [...]}`",
                )
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                if let Some(p) = PrimitiveType::parse(v) {
                    return Ok(AttributeType::Primitive(p));
                }
                if let Some(inner) = v
                    .strip_prefix("template[")
                    .and_then(|r| r.strip_suffix(']'))
                {
                    return PrimitiveType::parse(inner)
                        .filter(|p| *p != PrimitiveType::Any)
                        .map(AttributeType::Template)
                        .ok_or_else(|| E::custom(format!("bad template type `{v}`")));
                }
                Err(E::unknown_variant(v, PrimitiveType::NAMES))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                let e = EnumSpec::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(AttributeType::Enum {
                    members: e.members,
                    allow_custom_values: e.allow_custom_values,
                })
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for AttributeType {
    fn schema_name() -> Cow<'static, str> {
        "AttributeType".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let member = generator.subschema_for::<EnumMember>();
        json_schema!({
            "description": "A primitive type, `template[<type>]`, or an enum with members.",
            "oneOf": [
                {"type": "string", "enum": PrimitiveType::NAMES},
                {"type": "string", "pattern": "^template\\[(string|int|double|boolean|string\\[\\]|int\\[\\]|double\\[\\]|boolean\\[\\])\\]$"},
                {"type": "object", "additionalProperties": false, "required": ["members"],
                 "properties": {"members": {"type": "array", "items": member},
                                "allow_custom_values": {"type": "boolean"}}}
            ]
        })
    }
}
