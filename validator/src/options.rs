//! What the validation may assume about the telemetry it checks, and what it reports.

use crate::finding::{Finding, FindingId, Level};

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
    /// Per-finding-id controls: ignore an id, or raise or lower its level.
    pub findings: FindingPolicy,
}

/// What to do with the findings of one id.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Override {
    /// Report as the rule says.
    #[default]
    Keep,
    /// Do not report (not listed, not counted).
    Ignore,
    /// Report at this level instead.
    Level(Level),
}

/// Per-finding-id controls, in the spirit of Weaver's finding filters and level overrides.
///
/// ```
/// use genai_validator::{FindingId, FindingPolicy, Level};
/// let policy = FindingPolicy::default()
///     .ignore(FindingId::RecommendedAttributeNotPresent)
///     .set_level(FindingId::SpanNameMismatch, Level::Violation);
/// assert!(!policy.is_empty());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FindingPolicy {
    /// Indexed by `FindingId as usize`.
    by_id: Vec<Override>,
    any: bool,
}

impl Default for FindingPolicy {
    fn default() -> Self {
        FindingPolicy {
            by_id: vec![Override::Keep; FindingId::ALL.len()],
            any: false,
        }
    }
}

impl FindingPolicy {
    /// Sets what to do with `id`.
    pub fn set(mut self, id: FindingId, what: Override) -> Self {
        self.by_id[id as usize] = what;
        self.any = self.by_id.iter().any(|o| *o != Override::Keep);
        self
    }

    /// Drops the findings of `id`.
    pub fn ignore(self, id: FindingId) -> Self {
        self.set(id, Override::Ignore)
    }

    /// Reports the findings of `id` at `level`.
    pub fn set_level(self, id: FindingId, level: Level) -> Self {
        self.set(id, Override::Level(level))
    }

    /// What is done with `id`.
    pub fn get(&self, id: FindingId) -> Override {
        self.by_id[id as usize]
    }

    /// Whether every id is kept as is.
    pub fn is_empty(&self) -> bool {
        !self.any
    }

    /// Applies the policy to a list of findings.
    pub(crate) fn apply(&self, findings: &mut Vec<Finding>) {
        if !self.any {
            return;
        }
        findings.retain_mut(|f| match self.by_id[f.id as usize] {
            Override::Keep => true,
            Override::Ignore => false,
            Override::Level(l) => {
                f.level = l;
                true
            }
        });
    }
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
