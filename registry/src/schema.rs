//! JSON Schema of the registry file format, derived from [`crate::model::spec`], and validation
//! of files against it (what `semconv check` does on top of loading).

use std::sync::{Arc, OnceLock};

use crate::diagnostic::{ErrorKind, RegistryError};
use crate::model::spec::{FileV1, FileV2, Manifest, RegistryFile};
use crate::source::{Location, SourceFile};
use crate::yaml::Node;

/// The JSON Schema of a registry file (either format).
pub fn registry_file_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(RegistryFile)).unwrap_or_default()
}

/// The JSON Schema of `manifest.yaml`.
pub fn manifest_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(Manifest)).unwrap_or_default()
}

fn schema_of<T: schemars::JsonSchema>() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(T)).unwrap_or_default()
}

fn validator(which: Which) -> Option<&'static jsonschema::Validator> {
    static V1: OnceLock<Option<jsonschema::Validator>> = OnceLock::new();
    static V2: OnceLock<Option<jsonschema::Validator>> = OnceLock::new();
    static MANIFEST: OnceLock<Option<jsonschema::Validator>> = OnceLock::new();
    let (cell, schema): (_, fn() -> serde_json::Value) = match which {
        Which::Classic => (&V1, schema_of::<FileV1>),
        Which::Definition2 => (&V2, schema_of::<FileV2>),
        Which::Manifest => (&MANIFEST, manifest_schema),
    };
    cell.get_or_init(|| jsonschema::validator_for(&schema()).ok())
        .as_ref()
}

/// Which schema to validate against.
#[derive(Debug, Clone, Copy)]
pub enum Which {
    /// A classic `groups:` file.
    Classic,
    /// A `file_format: definition/2` file.
    Definition2,
    /// A manifest.
    Manifest,
}

/// Validates one parsed file against the schema; every violation becomes a located error.
pub fn validate(
    node: &Node,
    file: &Arc<SourceFile>,
    which: Which,
    errors: &mut Vec<RegistryError>,
) {
    let Some(v) = validator(which) else {
        errors.push(RegistryError::new(
            ErrorKind::Schema,
            Location::file_start(file.clone()),
            "internal error: the registry JSON Schema does not compile",
        ));
        return;
    };
    let instance = node.to_json();
    for err in v.iter_errors(&instance) {
        let path = err.instance_path().to_string();
        let at = node.pointer(&path);
        let shown = if path.is_empty() {
            "/".to_string()
        } else {
            path
        };
        errors.push(
            RegistryError::new(
                ErrorKind::Schema,
                Location::new(file.clone(), at.start, at.end),
                format!(
                    "does not match the registry schema at `{shown}`: {}",
                    short(&err.to_string())
                ),
            )
            .with_help(
                "`semconv schema` prints the JSON Schema; point your editor's YAML plugin at it",
            ),
        );
    }
}

/// Validation messages start with the offending value, which can be a whole file: keep it short.
fn short(message: &str) -> String {
    const MAX: usize = 160;
    if message.len() <= MAX {
        return message.to_string();
    }
    for sep in [" is not ", " does not ", " has ", " is a "] {
        if let Some(i) = message.find(sep) {
            return format!("the value{}", &message[i..]);
        }
    }
    let cut = message
        .char_indices()
        .nth(MAX)
        .map_or(message.len(), |(i, _)| i);
    format!("{}…", &message[..cut])
}
