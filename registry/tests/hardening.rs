//! Hostile or careless registry input (issue 13, items 6, 9 and 15): each case ends in a
//! located error or a bounded result, never a hang, an abort or silently dropped content.

use std::path::{Path, PathBuf};

use genai_registry::{Diagnostics, ErrorKind, RegistryLoader};

fn load(files: &[(&str, &str)]) -> Diagnostics {
    let files = files
        .iter()
        .map(|(p, t)| (PathBuf::from(p), (*t).to_string()))
        .collect();
    match RegistryLoader::new().schema_check(true).load_files(files) {
        Ok(_) => panic!("expected errors"),
        Err(d) => d,
    }
}

/// The one error of `d`, with its kind, `file:line` and message.
fn only_error(d: &Diagnostics) -> (ErrorKind, String, u32, String) {
    let errors: Vec<_> = d.0.iter().filter(|e| e.is_error()).collect();
    assert_eq!(errors.len(), 1, "{}", d.render());
    let e = errors[0];
    let file = e
        .location
        .file
        .as_ref()
        .map(|f| f.path.display().to_string())
        .unwrap_or_default();
    (e.kind, file, e.location.start.line, e.message.clone())
}

/// 660 bytes of nested aliases that would expand to 10^9 nodes.
fn billion_laughs() -> String {
    let mut s = String::from(
        "a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for i in 1..9 {
        let p = i - 1;
        s.push_str(&format!(
            "a{i}: &a{i} [*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p}]\n"
        ));
    }
    s
}

#[test]
fn alias_expansion_is_bounded_and_located() {
    let text = billion_laughs();
    assert!(text.len() < 1000, "{} bytes", text.len());
    let d = load(&[("bomb.yaml", &text)]);
    let (kind, file, line, message) = only_error(&d);
    assert_eq!(kind, ErrorKind::Syntax);
    assert_eq!(file, "bomb.yaml");
    assert!(line >= 6, "at an alias of a deep level, line {line}");
    assert!(message.contains("aliases expand to more than"), "{message}");
}

#[test]
fn moderate_aliases_still_work() {
    // An anchor reused a few times is ordinary YAML and must keep working.
    let text = "file_format: definition/2
attributes:
  - key: acme.a
    type: string
    brief: A.
    stability: &s development
  - key: acme.b
    type: string
    brief: B.
    stability: *s
";
    let files = vec![(PathBuf::from("a.yaml"), text.to_string())];
    let loaded = RegistryLoader::new()
        .load_files(files)
        .unwrap_or_else(|d| panic!("{}", d.render()));
    assert!(loaded.registry.attribute("acme.b").is_some());
}

#[test]
fn enum_member_with_a_list_value_is_a_located_error() {
    let text = "file_format: definition/2
attributes:
  - key: acme.level
    type:
      members:
        - id: one
          value: [1, 2]
          stability: development
    brief: Level.
    stability: development
";
    let d = load(&[("attrs.yaml", text)]);
    let (kind, file, line, message) = only_error(&d);
    assert_eq!(kind, ErrorKind::Format);
    assert_eq!(file, "attrs.yaml");
    assert_eq!(line, 7, "{message}");
    assert!(
        message.contains("must be a string, int or double"),
        "{message}"
    );
}

#[test]
fn enum_member_with_a_list_value_fails_classic_files_too() {
    let text = "groups:
  - id: registry.acme
    type: attribute_group
    brief: Acme.
    attributes:
      - id: acme.level
        type:
          members:
            - id: one
              value: {a: 1}
        brief: Level.
        stability: development
";
    let d = load(&[("attrs.yaml", text)]);
    let (_, _, line, message) = only_error(&d);
    assert_eq!(line, 10, "{message}");
    assert!(message.contains("not a mapping"), "{message}");
}

#[test]
fn a_second_yaml_document_is_an_error() {
    let text = "file_format: definition/2
attributes:
  - key: acme.a
    type: string
    brief: A.
    stability: development
---
attributes:
  - key: acme.b
    type: string
    brief: B.
    stability: development
";
    let d = load(&[("two.yaml", text)]);
    let (kind, file, line, message) = only_error(&d);
    assert_eq!(kind, ErrorKind::Syntax);
    assert_eq!(file, "two.yaml");
    assert_eq!(line, 7);
    assert!(message.contains("second YAML document"), "{message}");
}

/// A fresh directory under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let p = std::env::temp_dir().join(format!("genai-registry-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).expect("temp dir");
        TempDir(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) {
    std::os::unix::fs::symlink(target, link).expect("symlink");
}

#[cfg(unix)]
#[test]
fn directory_symlink_cycles_are_read_once() {
    let dir = TempDir::new("symlinks");
    std::fs::write(
        dir.0.join("attrs.yaml"),
        "file_format: definition/2
attributes:
  - key: acme.a
    type: string
    brief: A.
    stability: development
",
    )
    .expect("write");
    // Two links back to the registry root: followed naively, the walk is exponential.
    symlink(Path::new("."), &dir.0.join("loop1"));
    symlink(Path::new("."), &dir.0.join("loop2"));
    std::fs::create_dir(dir.0.join("sub")).expect("mkdir");
    symlink(Path::new(".."), &dir.0.join("sub").join("up"));
    let loaded = RegistryLoader::new()
        .load_dir(&dir.0)
        .unwrap_or_else(|d| panic!("{}", d.render()));
    assert!(loaded.registry.attribute("acme.a").is_some());
    assert_eq!(loaded.sources.len(), 1, "{:?}", loaded.sources);
}
