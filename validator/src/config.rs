//! The configuration file (`semconv validate --config FILE`, also for `live-check` and
//! [`Conformance::config`](crate::Conformance::config)): per-finding-id controls, YAML.
//!
//! ```yaml
//! findings:
//!   # Not reported at all (neither listed nor counted).
//!   ignore: [recommended_attribute_not_present]
//!   # Reported at another level: information, improvement or violation.
//!   levels:
//!     span_name_mismatch: violation
//!     unknown_attribute: improvement
//! # thresholds: read by the insights (tokens, cost, loops); kept as written here.
//! ```
//!
//! Unknown keys, finding ids and levels are errors with their line and column.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::finding::{FindingId, Level};
use crate::options::FindingPolicy;

/// A parsed configuration file.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Per-finding-id controls.
    #[serde(default)]
    pub findings: FindingsConfig,
    /// The `thresholds:` section, as written (its meaning belongs to the insights).
    #[serde(default)]
    pub thresholds: Option<serde_json::Value>,
}

/// The `findings:` section.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FindingsConfig {
    /// Ids not reported.
    #[serde(default)]
    pub ignore: Vec<FindingId>,
    /// Ids reported at another level.
    #[serde(default)]
    pub levels: BTreeMap<FindingId, Level>,
}

/// A configuration file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file cannot be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not a valid configuration (the message is located).
    #[error("{path}: {message}")]
    Invalid {
        /// The file (or `<config>` for text).
        path: String,
        /// What is wrong, with line and column.
        message: String,
    },
}

impl Config {
    /// Parses configuration text; `origin` names it in errors.
    pub fn from_yaml(text: &str, origin: &str) -> Result<Config, ConfigError> {
        if text.trim().is_empty() {
            return Ok(Config::default());
        }
        serde_saphyr::from_str(text).map_err(|e| ConfigError::Invalid {
            path: origin.to_string(),
            message: e.to_string(),
        })
    }

    /// Reads and parses a configuration file.
    pub fn load(path: impl AsRef<Path>) -> Result<Config, ConfigError> {
        let path = path.as_ref();
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: shown.clone(),
            source,
        })?;
        Config::from_yaml(&text, &shown)
    }

    /// The finding policy the file describes (levels first, then ignores, which win).
    pub fn policy(&self) -> FindingPolicy {
        let mut p = FindingPolicy::default();
        for (id, level) in &self.findings.levels {
            p = p.set_level(*id, *level);
        }
        for id in &self.findings.ignore {
            p = p.ignore(*id);
        }
        p
    }
}
