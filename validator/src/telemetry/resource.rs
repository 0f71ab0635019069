//! Resources and instrumentation scopes, shared by the items they describe.

use super::value::Attributes;

/// The entity that produced telemetry (OTLP `Resource`), shared by all its items.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Resource {
    /// Resource attributes (`service.name`, ...).
    pub attributes: Attributes,
    /// The schema URL of the resource, if any.
    pub schema_url: Option<String>,
    /// Attributes dropped by the producer.
    pub dropped_attributes_count: u32,
}

/// The instrumentation scope (library) that produced telemetry, shared by all its items.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scope {
    /// Scope name (may be empty).
    pub name: String,
    /// Scope version, if any.
    pub version: Option<String>,
    /// Schema URL of the scope's telemetry, if any.
    pub schema_url: Option<String>,
    /// Scope attributes.
    pub attributes: Attributes,
}

/// `Some(s)` unless `s` is empty (OTLP encodes "absent" as the empty string).
pub(crate) fn non_empty(s: String) -> Option<String> {
    if s.is_empty() { None } else { Some(s) }
}
