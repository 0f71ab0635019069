//! The project's own GenAI registry (`registry/model/`), embedded at build time.

use std::path::PathBuf;

use crate::{Diagnostics, Loaded, RegistryLoader};

/// Every file of the embedded registry: path relative to the registry root, and content
/// (YAML files and the JSON Schemas of structured attributes).
pub const FILES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/embedded_files.rs"));

/// The embedded registry's YAML files, ready for [`RegistryLoader::load_files`].
pub fn yaml_files() -> Vec<(PathBuf, String)> {
    FILES
        .iter()
        .filter(|(p, _)| p.ends_with(".yaml") || p.ends_with(".yml"))
        .map(|(p, t)| (PathBuf::from(p), (*t).to_string()))
        .collect()
}

/// Loads and resolves the embedded registry.
///
/// ```
/// let loaded = genai_registry::embedded::load().expect("the embedded registry is valid");
/// assert!(loaded.registry.attribute("gen_ai.operation.name").is_some());
/// ```
pub fn load() -> Result<Loaded, Diagnostics> {
    RegistryLoader::new().load_files(yaml_files())
}

/// A JSON Schema file shipped with the embedded registry (path relative to the registry root).
pub fn file(path: &str) -> Option<&'static str> {
    FILES.iter().find(|(p, _)| *p == path).map(|(_, t)| *t)
}
