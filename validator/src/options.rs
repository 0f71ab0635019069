//! What the validation may assume about the telemetry it checks.

/// Options of a [`Validator`](crate::Validator).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Content capture was enabled (in code or with
    /// `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`): opt-in content attributes are
    /// expected, and their values are checked against the message-format JSON Schemas. When
    /// `false`, any content attribute is a privacy leak (`opt_in_attribute_present`).
    pub capture_content: bool,
    /// Namespaces (e.g. `gen_ai.acme`) whose undefined keys are accepted rather than reported
    /// as `unknown_attribute`.
    pub allowed_namespaces: Vec<String>,
    /// Accept every undefined key (no `unknown_attribute` findings at all).
    pub allow_custom_attributes: bool,
}

impl Options {
    /// Whether `key` may be used although the registry does not define it.
    pub(crate) fn allows(&self, key: &str) -> bool {
        self.allow_custom_attributes
            || self.allowed_namespaces.iter().any(|ns| {
                key.strip_prefix(ns.as_str())
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
            })
    }
}
