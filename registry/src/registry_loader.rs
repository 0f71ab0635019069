//! [`RegistryLoader`]: reads a registry directory (or in-memory files) and its dependencies,
//! resolves it, and reports every problem and every source file it read.

use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostics, ErrorKind, RegistryError};
use crate::loader::{self, LoadedRegistry};
use crate::model::resolved::ResolvedRegistry;
use crate::resolver;
use crate::source::{Location, SourceFile};

/// Maximum depth of registry dependency chains.
const MAX_DEPENDENCY_DEPTH: usize = 8;

/// The result of a successful load: the resolved registry and any warnings.
#[derive(Debug)]
pub struct Loaded {
    /// The resolved registry.
    pub registry: ResolvedRegistry,
    /// Warnings (legacy names and the like); never errors.
    pub warnings: Vec<RegistryError>,
    /// Every file read from disk, dependencies included, in the order read (empty for a
    /// registry loaded from memory without dependencies). Build scripts rerun when one changes.
    pub sources: Vec<PathBuf>,
}

impl Loaded {
    fn with_sources(mut self, sources: Vec<PathBuf>) -> Self {
        self.sources = sources;
        self
    }
}

/// Parses a `--dependency URL=DIR` argument (the last `=` separates the two).
pub fn parse_dependency(s: &str) -> Result<(String, PathBuf), String> {
    match s.rsplit_once('=') {
        Some((k, v)) if !k.is_empty() && !v.is_empty() => Ok((k.to_string(), PathBuf::from(v))),
        _ => Err(format!("expected URL=DIR, got `{s}`")),
    }
}

/// Loads and resolves registries.
#[derive(Debug, Clone, Default)]
pub struct RegistryLoader {
    overrides: Vec<(String, PathBuf)>,
    schema_check: bool,
}

impl RegistryLoader {
    /// A loader with default settings.
    pub fn new() -> Self {
        Self::default()
    }

    /// Uses `path` for the dependency whose `schema_url` (or `registry_path`) is `key`, instead of
    /// the manifest's `registry_path` (this is how a remote dependency is pointed at a local copy).
    pub fn dependency(mut self, key: impl Into<String>, path: impl Into<PathBuf>) -> Self {
        self.overrides.push((key.into(), path.into()));
        self
    }

    /// [`RegistryLoader::dependency`] for each `(key, path)` pair (`--dependency URL=DIR`
    /// arguments).
    pub fn dependencies<K, P>(self, deps: impl IntoIterator<Item = (K, P)>) -> Self
    where
        K: Into<String>,
        P: Into<PathBuf>,
    {
        deps.into_iter().fold(self, |l, (k, p)| l.dependency(k, p))
    }

    /// Also validates every file against the JSON Schema of the format (what `semconv check` does).
    pub fn schema_check(mut self, on: bool) -> Self {
        self.schema_check = on;
        self
    }

    /// Loads the registry in `dir` (every `*.yaml` below it) and its dependencies.
    pub fn load_dir(&self, dir: impl AsRef<Path>) -> Result<Loaded, Diagnostics> {
        let dir = dir.as_ref();
        let mut errors = Vec::new();
        if !dir.is_dir() {
            errors.push(
                RegistryError::new(
                    ErrorKind::Unreadable,
                    Location::file_start(SourceFile::new(dir, String::new())),
                    format!(
                        "registry directory `{}` does not exist or is not a directory",
                        dir.display()
                    ),
                )
                .with_help(
                    "pass the folder that holds the registry's YAML files (e.g. `-r model`)",
                ),
            );
            return Err(Diagnostics(errors));
        }
        let files = loader::read_dir(dir, &mut errors);
        let mut sources = files.iter().map(|(p, _)| p.clone()).collect();
        self.finish(Some(dir), files, errors, 0, &mut sources)
            .map(|l| l.with_sources(sources))
    }

    /// Loads a registry from in-memory files (paths relative to the registry root), e.g. one
    /// embedded in a binary. Dependencies, if any, are looked up relative to the working directory.
    pub fn load_files(&self, files: Vec<(PathBuf, String)>) -> Result<Loaded, Diagnostics> {
        let mut sources = Vec::new();
        self.finish(None, files, Vec::new(), 0, &mut sources)
            .map(|l| l.with_sources(sources))
    }

    fn finish(
        &self,
        root: Option<&Path>,
        files: Vec<(PathBuf, String)>,
        mut errors: Vec<RegistryError>,
        depth: usize,
        sources: &mut Vec<PathBuf>,
    ) -> Result<Loaded, Diagnostics> {
        let reg = loader::parse_files(root, files, self.schema_check, &mut errors);
        dedupe_schema_errors(&mut errors);
        let deps = self.load_dependencies(&reg, &mut errors, depth, sources);
        let registry = resolver::resolve(&reg, &deps, &mut errors);
        let mut diags = Diagnostics(errors);
        diags.sort();
        if diags.has_errors() {
            return Err(diags);
        }
        Ok(Loaded {
            registry,
            warnings: diags.0,
            sources: Vec::new(),
        })
    }

    fn load_dependencies(
        &self,
        reg: &LoadedRegistry,
        errors: &mut Vec<RegistryError>,
        depth: usize,
        sources: &mut Vec<PathBuf>,
    ) -> Vec<resolver::Dependency> {
        let Some((manifest, src)) = &reg.manifest else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for dep in &manifest.dependencies {
            let raw = dep.registry_path.value.as_str();
            let loc = dep.registry_path.loc.clone();
            let label = dep.schema_url.clone().unwrap_or_else(|| raw.to_string());
            if depth >= MAX_DEPENDENCY_DEPTH {
                errors.push(
                    RegistryError::new(
                        ErrorKind::Dependency,
                        loc,
                        "dependency chain is too deep (a cycle?)",
                    )
                    .with_help(format!(
                        "at most {MAX_DEPENDENCY_DEPTH} levels of dependencies are followed"
                    )),
                );
                continue;
            }
            let overridden = self
                .overrides
                .iter()
                .find(|(k, _)| {
                    Some(k.as_str()) == dep.schema_url.as_deref()
                        || k == raw
                        || dep.name.as_deref() == Some(k)
                })
                .map(|(_, p)| p.clone());
            let path = match overridden {
                Some(p) => p,
                None => {
                    if raw.contains("://")
                        || raw.starts_with("git@")
                        || raw.ends_with(".zip")
                        || raw.ends_with(".tar.gz")
                    {
                        errors.push(
                            RegistryError::new(
                                ErrorKind::Dependency,
                                loc,
                                format!("remote dependency `{raw}` is not fetched: this tool works offline"),
                            )
                            .with_label("remote registry")
                            .with_help(format!(
                                "check out that registry locally and pass `--dependency {}=<local dir>` (or set `registry_path:` to the local directory)",
                                dep.schema_url.as_deref().unwrap_or(raw)
                            )),
                        );
                        continue;
                    }
                    let rel = Path::new(raw);
                    let mut candidates = vec![rel.to_path_buf()];
                    if let Some(root) = &reg.root {
                        candidates.push(root.join(rel));
                        if let Some(parent) = root.parent() {
                            candidates.push(parent.join(rel));
                        }
                    }
                    match candidates.iter().find(|c| c.is_dir()) {
                        Some(p) => p.clone(),
                        None => {
                            errors.push(
                                RegistryError::new(
                                    ErrorKind::Dependency,
                                    loc,
                                    format!("dependency registry `{raw}` not found"),
                                )
                                .with_label("missing directory")
                                .with_help(format!(
                                    "looked in: {}; pass `--dependency {}=<dir>` to point at a local copy",
                                    candidates.iter().map(|c| c.display().to_string()).collect::<Vec<_>>().join(", "),
                                    dep.schema_url.as_deref().unwrap_or(raw)
                                )),
                            );
                            continue;
                        }
                    }
                }
            };
            let mut dep_errors = Vec::new();
            let files = loader::read_dir(&path, &mut dep_errors);
            sources.extend(files.iter().map(|(p, _)| p.clone()));
            match self.finish(Some(&path), files, dep_errors, depth + 1, sources) {
                Ok(loaded) => out.push(resolver::Dependency {
                    registry: loaded.registry,
                    label,
                }),
                Err(d) => {
                    let n = d.error_count();
                    errors.extend(d.0);
                    errors.push(
                        RegistryError::new(
                            ErrorKind::Dependency,
                            loc,
                            format!("dependency `{raw}` has {n} error(s)"),
                        )
                        .with_related(
                            Location::file_start(src.clone()),
                            "declared in this manifest",
                        ),
                    );
                }
            }
        }
        out
    }
}

/// A node that fails to deserialize usually fails the JSON Schema too: keep the deserializer's
/// message (it has the "did you mean") and drop the schema's report of the same line.
fn dedupe_schema_errors(errors: &mut Vec<RegistryError>) {
    let seen: std::collections::HashSet<(PathBuf, u32)> = errors
        .iter()
        .filter(|e| e.kind != ErrorKind::Schema)
        .filter_map(|e| {
            Some((
                e.location.file.as_ref()?.path.clone(),
                e.location.start.line,
            ))
        })
        .collect();
    errors.retain(|e| {
        e.kind != ErrorKind::Schema
            || e.location
                .file
                .as_ref()
                .is_none_or(|f| !seen.contains(&(f.path.clone(), e.location.start.line)))
    });
}
