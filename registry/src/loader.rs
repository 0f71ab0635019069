//! Reading registry files (both formats) and manifests into the written model, collecting every
//! problem with its location.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::de::DeserializeOwned;

use crate::diagnostic::{ErrorKind, RegistryError};
use crate::model::spec::{
    AttributeGroupV2, AttributeV2, EntityV2, EventV2, FileV1, FileV2, GroupV1, Imports, Manifest,
    MetricV2, RefinementV2, SpanV2,
};
use crate::schema;
use crate::source::{Location, SourceFile};
use crate::suggest::did_you_mean;
use crate::yaml::{self, Located, Node, NodeKind};

/// Names accepted for the manifest, newest first.
pub const MANIFEST_NAMES: [&str; 2] = ["manifest.yaml", "registry_manifest.yaml"];

/// A parsed registry file.
#[derive(Debug)]
pub struct LoadedFile {
    /// The file's text and path.
    pub source: Arc<SourceFile>,
    /// The content, in the format it was written in.
    pub content: FileContent,
}

/// Content of a registry file.
#[derive(Debug)]
pub enum FileContent {
    /// Classic `groups:` file.
    V1(FileV1),
    /// `file_format: definition/2` file.
    V2(Box<FileV2>),
}

/// All files of one registry, read but not resolved.
#[derive(Debug, Default)]
pub struct LoadedRegistry {
    /// Registry root directory (for dependency paths), when it came from disk.
    pub root: Option<PathBuf>,
    /// The manifest, if any.
    pub manifest: Option<(Manifest, Arc<SourceFile>)>,
    /// The registry files, in path order.
    pub files: Vec<LoadedFile>,
}

/// Reads every `*.yaml`/`*.yml` file under `dir` (sorted, hidden directories skipped).
pub fn read_dir(dir: &Path, errors: &mut Vec<RegistryError>) -> Vec<(PathBuf, String)> {
    let mut paths = Vec::new();
    let mut visited = HashSet::new();
    collect_paths(dir, &mut paths, errors, &mut visited);
    paths.sort();
    let mut out = Vec::with_capacity(paths.len());
    for p in paths {
        match std::fs::read(&p) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => out.push((p, text)),
                Err(e) => errors.push(file_error(
                    &p,
                    format!(
                        "file is not valid UTF-8 (byte {})",
                        e.utf8_error().valid_up_to()
                    ),
                )),
            },
            Err(e) => errors.push(file_error(&p, format!("cannot read file: {e}"))),
        }
    }
    out
}

fn file_error(path: &Path, message: String) -> RegistryError {
    RegistryError::new(
        ErrorKind::Unreadable,
        Location::file_start(SourceFile::new(path, String::new())),
        message,
    )
    .with_help("check that the file exists, is readable and is UTF-8 text")
}

/// Collects the YAML files below `dir`. A directory is entered once, by its canonical path, so
/// symlinks back up the tree (`a -> .`) are not followed around in circles.
fn collect_paths(
    dir: &Path,
    out: &mut Vec<PathBuf>,
    errors: &mut Vec<RegistryError>,
    visited: &mut HashSet<PathBuf>,
) {
    match std::fs::canonicalize(dir) {
        Ok(canonical) => {
            if !visited.insert(canonical) {
                return;
            }
        }
        Err(e) => {
            errors.push(file_error(dir, format!("cannot read directory: {e}")));
            return;
        }
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            errors.push(file_error(dir, format!("cannot read directory: {e}")));
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') {
            continue;
        }
        if path.is_dir() {
            collect_paths(&path, out, errors, visited);
        } else if name.ends_with(".yaml") || name.ends_with(".yml") {
            out.push(path);
        }
    }
}

/// Parses a registry's files (and, with `schema_check`, validates each against the JSON Schema
/// of its format). `root` is the directory manifest names are checked against.
pub fn parse_files(
    root: Option<&Path>,
    files: Vec<(PathBuf, String)>,
    schema_check: bool,
    errors: &mut Vec<RegistryError>,
) -> LoadedRegistry {
    let mut reg = LoadedRegistry {
        root: root.map(Path::to_path_buf),
        ..LoadedRegistry::default()
    };
    let (manifests, others): (Vec<_>, Vec<_>) = files.into_iter().partition(|(p, _)| {
        let is_top = match root {
            Some(r) => p.parent() == Some(r),
            None => p.components().count() == 1,
        };
        is_top
            && p.file_name()
                .is_some_and(|n| MANIFEST_NAMES.iter().any(|m| n == *m))
    });
    for (path, text) in manifests {
        let legacy = path.file_name().is_some_and(|n| n == MANIFEST_NAMES[1]);
        let source = SourceFile::new(path, text);
        match yaml::parse(&source.text) {
            Err(e) => errors.push(syntax_error(&source, e)),
            Ok(None) => {}
            Ok(Some(node)) => match yaml::from_node::<Manifest>(&node, &source) {
                Ok(m) => {
                    if schema_check {
                        schema::validate(&node, &source, schema::Which::Manifest, errors);
                    }
                    if legacy {
                        errors.push(
                            RegistryError::new(
                                ErrorKind::Legacy,
                                Location::file_start(source.clone()),
                                "`registry_manifest.yaml` is the legacy manifest name",
                            )
                            .with_help("rename it to `manifest.yaml`")
                            .warning(),
                        );
                    }
                    if reg.manifest.is_none() {
                        reg.manifest = Some((m, source));
                    }
                }
                Err(e) => {
                    if schema_check {
                        schema::validate(&node, &source, schema::Which::Manifest, errors);
                    }
                    errors.push(de_error(&source, e));
                }
            },
        }
    }

    // Parsing is independent per file: spread it over the available cores.
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(others.len().div_ceil(32).max(1));
    let chunk = others.len().div_ceil(threads).max(1);
    let mut parts: Vec<Vec<(PathBuf, String)>> = Vec::with_capacity(threads);
    let mut others = others.into_iter();
    loop {
        let part: Vec<_> = others.by_ref().take(chunk).collect();
        if part.is_empty() {
            break;
        }
        parts.push(part);
    }
    let parse_part = move |part: Vec<(PathBuf, String)>| {
        let mut files = Vec::new();
        let mut errs = Vec::new();
        for (path, text) in part {
            if let Some(f) = parse_file(SourceFile::new(path, text), schema_check, &mut errs) {
                files.push(f);
            }
        }
        (files, errs)
    };
    let results: Vec<(Vec<LoadedFile>, Vec<RegistryError>)> = std::thread::scope(|s| {
        let mut parts = parts.into_iter();
        let first = parts.next();
        let handles: Vec<_> = parts
            .map(|part| s.spawn(move || parse_part(part)))
            .collect();
        let mut results: Vec<_> = first.into_iter().map(parse_part).collect();
        results.extend(handles.into_iter().map(|h| h.join().unwrap_or_default()));
        results
    });
    for (files, errs) in results {
        reg.files.extend(files);
        errors.extend(errs);
    }
    reg
}

fn syntax_error(source: &Arc<SourceFile>, e: yaml::SyntaxError) -> RegistryError {
    RegistryError::new(
        ErrorKind::Syntax,
        Location::new(source.clone(), e.pos, e.pos),
        format!("YAML syntax error: {}", e.message),
    )
    .with_help("fix the YAML syntax (indentation, quoting, `:` after keys)")
}

fn de_error(source: &Arc<SourceFile>, e: yaml::DeError) -> RegistryError {
    let loc = match e.at {
        Some((s, end)) => Location::new(source.clone(), s, end),
        None => Location::file_start(source.clone()),
    };
    let mut err = RegistryError::new(ErrorKind::Format, loc, e.message);
    err.help = e.help;
    err
}

const V1_KEYS: &[&str] = &["groups", "imports"];
const V2_KEYS: &[&str] = &[
    "file_format",
    "attributes",
    "attribute_groups",
    "spans",
    "span_refinements",
    "events",
    "event_refinements",
    "metrics",
    "metric_refinements",
    "entities",
    "entity_refinements",
    "imports",
];

/// Parses one registry file; every item is read on its own so that all errors are reported.
pub fn parse_file(
    source: Arc<SourceFile>,
    schema_check: bool,
    errors: &mut Vec<RegistryError>,
) -> Option<LoadedFile> {
    let node = match yaml::parse(&source.text) {
        Ok(Some(n)) => n,
        Ok(None) => {
            errors.push(
                RegistryError::new(
                    ErrorKind::Format,
                    Location::file_start(source.clone()),
                    "empty registry file",
                )
                .with_help(
                    "add `groups:` or `file_format: definition/2` content, or delete the file",
                )
                .warning(),
            );
            return None;
        }
        Err(e) => {
            errors.push(syntax_error(&source, e));
            return None;
        }
    };
    let NodeKind::Map(entries) = &node.kind else {
        errors.push(
            RegistryError::new(
                ErrorKind::Format,
                Location::new(source.clone(), node.start, node.end),
                "a registry file must be a mapping",
            )
            .with_help("start the file with `groups:` or `file_format: definition/2`"),
        );
        return None;
    };
    let is_v2 = node.get("file_format").is_some();
    if !is_v2 && node.get("groups").is_none() {
        errors.push(
            RegistryError::new(
                ErrorKind::Format,
                Location::new(source.clone(), node.start, node.start),
                "not a registry file: it has neither `groups:` nor `file_format: definition/2`",
            )
            .with_help("classic files list `groups:`; definition/2 files start with `file_format: definition/2`"),
        );
        return None;
    }
    if schema_check {
        let which = if is_v2 {
            schema::Which::Definition2
        } else {
            schema::Which::Classic
        };
        schema::validate(&node, &source, which, errors);
    }
    let allowed = if is_v2 { V2_KEYS } else { V1_KEYS };
    for (k, _) in entries {
        let key = k.key_text();
        if !allowed.contains(&key.as_ref()) {
            let help = match did_you_mean(&key, allowed.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("allowed top-level fields: {}", allowed.join(", ")),
            };
            errors.push(
                RegistryError::new(
                    ErrorKind::Format,
                    Location::new(source.clone(), k.start, k.end),
                    format!("unknown field `{key}`"),
                )
                .with_help(help),
            );
        }
    }
    let content = if is_v2 {
        let file_format: Option<Located<String>> = one(&node, "file_format", &source, errors);
        if let Some(ff) = &file_format
            && ff.value != "definition/2"
        {
            errors.push(
                RegistryError::new(
                    ErrorKind::Format,
                    ff.loc.clone(),
                    format!("unsupported file format `{}`", ff.value),
                )
                .with_help("the supported value is `file_format: definition/2`"),
            );
        }
        let f = FileV2 {
            file_format: file_format.unwrap_or_default(),
            attributes: list::<AttributeV2>(&node, "attributes", &source, errors),
            attribute_groups: list::<AttributeGroupV2>(&node, "attribute_groups", &source, errors),
            spans: list::<SpanV2>(&node, "spans", &source, errors),
            span_refinements: list::<RefinementV2>(&node, "span_refinements", &source, errors),
            events: list::<EventV2>(&node, "events", &source, errors),
            event_refinements: list::<RefinementV2>(&node, "event_refinements", &source, errors),
            metrics: list::<MetricV2>(&node, "metrics", &source, errors),
            metric_refinements: list::<RefinementV2>(&node, "metric_refinements", &source, errors),
            entities: list::<EntityV2>(&node, "entities", &source, errors),
            entity_refinements: list::<RefinementV2>(&node, "entity_refinements", &source, errors),
            imports: one::<Imports>(&node, "imports", &source, errors),
        };
        FileContent::V2(Box::new(f))
    } else {
        FileContent::V1(FileV1 {
            groups: list::<GroupV1>(&node, "groups", &source, errors),
            imports: one::<Imports>(&node, "imports", &source, errors),
        })
    };
    // Items that parsed are kept even when others did not, so one typo does not cascade
    // into "unknown ref" errors everywhere.
    Some(LoadedFile { source, content })
}

fn one<T: DeserializeOwned>(
    node: &Node,
    key: &str,
    source: &Arc<SourceFile>,
    errors: &mut Vec<RegistryError>,
) -> Option<T> {
    let n = node.get(key)?;
    match yaml::from_node::<Option<T>>(n, source) {
        Ok(v) => v,
        Err(e) => {
            errors.push(de_error(source, e));
            None
        }
    }
}

fn list<T: DeserializeOwned>(
    node: &Node,
    key: &str,
    source: &Arc<SourceFile>,
    errors: &mut Vec<RegistryError>,
) -> Vec<T> {
    let Some(n) = node.get(key) else {
        return Vec::new();
    };
    match &n.kind {
        NodeKind::Seq(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                match yaml::from_node::<T>(item, source) {
                    Ok(v) => out.push(v),
                    Err(e) => {
                        errors.push(de_error(source, e));
                    }
                }
            }
            out
        }
        NodeKind::Scalar { text, plain: true } if yaml::plain_scalar(text).is_null() => Vec::new(),
        _ => {
            errors.push(
                RegistryError::new(
                    ErrorKind::Format,
                    Location::new(source.clone(), n.start, n.end),
                    format!("`{key}` must be a list"),
                )
                .with_help(format!("write `{key}:` followed by `- ...` items")),
            );
            Vec::new()
        }
    }
}
