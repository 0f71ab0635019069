//! Every kind of bad registry input gets a located diagnostic (file:line:column, snippet with a
//! caret, help line), all errors of a run are reported, and nothing panics.

use std::path::PathBuf;

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

fn kinds(d: &Diagnostics) -> Vec<ErrorKind> {
    d.0.iter()
        .filter(|e| e.is_error())
        .map(|e| e.kind)
        .collect()
}

const ATTRS: &str = "file_format: definition/2
attributes:
  - key: gen_ai.agent.name
    type: string
    brief: Agent name.
    stability: development
  - key: gen_ai.operation.name
    type:
      members:
        - id: chat
          value: chat
          stability: development
    brief: Operation.
    stability: development
";

#[test]
fn unknown_ref_with_suggestion() {
    let d = load(&[
        ("attrs.yaml", ATTRS),
        (
            "spans.yaml",
            "file_format: definition/2
spans:
  - type: gen_ai.invoke_agent.internal
    kind: internal
    name:
      note: invoke_agent {gen_ai.agent.name}
    brief: Agent call.
    stability: development
    attributes:
      - ref: gen_ai.agent.nmae
        requirement_level: required
",
        ),
    ]);
    assert_eq!(kinds(&d), [ErrorKind::UnknownRef]);
    insta::assert_snapshot!(d.render());
}

#[test]
fn duplicate_attribute_and_group() {
    let d = load(&[
        ("a.yaml", ATTRS),
        (
            "b.yaml",
            "groups:
  - id: registry.again
    type: attribute_group
    brief: Again.
    attributes:
      - id: gen_ai.agent.name
        type: string
        brief: Same key.
        stability: development
  - id: registry.again
    type: attribute_group
    brief: Same id.
    attributes: []
",
        ),
    ]);
    assert_eq!(
        kinds(&d),
        [ErrorKind::DuplicateAttribute, ErrorKind::DuplicateGroup]
    );
    insta::assert_snapshot!(d.render());
}

#[test]
fn extends_cycle() {
    let d = load(&[(
        "cycle.yaml",
        "groups:
  - id: a
    type: attribute_group
    brief: A.
    extends: b
  - id: b
    type: attribute_group
    brief: B.
    extends: a
",
    )]);
    assert!(kinds(&d).contains(&ErrorKind::Cycle), "{}", d.render());
    insta::assert_snapshot!(d.render());
}

#[test]
fn bad_type_level_field_and_field_type_all_reported() {
    let d = load(&[(
        "bad.yaml",
        "groups:
  - id: registry.bad
    type: attribute_group
    brief: Bad things.
    attributes:
      - id: x.count
        type: integer
        brief: Wrong type name.
        stability: development
      - id: x.level
        type: string
        brief: Bad level.
        requirement_level: mandatory
        stability: development
      - id: x.field
        type: string
        breif: Misspelt field.
        stability: development
      - id: x.flag
        type: boolean
        brief: Wrong field type.
        sampling_relevant: [yes]
        stability: development
",
    )]);
    let text = d.render();
    let lines: Vec<u32> = d.0.iter().map(|e| e.location.start.line).collect();
    assert_eq!(lines, [7, 13, 15, 22], "{text}");
    assert!(text.contains("did you mean `int`?"), "{text}");
    assert!(text.contains("'breif' was unexpected"), "{text}");
    assert!(text.contains("bad.yaml:13:28"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn yaml_syntax_error_is_located() {
    let d = load(&[(
        "broken.yaml",
        "groups:\n  - id: x\n    type: [attribute_group\n",
    )]);
    assert_eq!(kinds(&d), [ErrorKind::Syntax]);
    insta::assert_snapshot!(d.render());
}

#[test]
fn conditionally_required_needs_its_condition() {
    let d = load(&[
        ("attrs.yaml", ATTRS),
        (
            "g.yaml",
            "groups:
  - id: span.x
    type: span
    span_kind: client
    brief: X.
    attributes:
      - ref: gen_ai.agent.name
        requirement_level: conditionally_required
",
        ),
    ]);
    assert_eq!(kinds(&d), [ErrorKind::Format]);
    insta::assert_snapshot!(d.render());
}

#[test]
fn unreadable_file_and_missing_directory() {
    let dir =
        std::env::temp_dir().join(format!("genai-registry-unreadable-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(dir.join("latin1.yaml"), b"groups: []\n# caf\xe9\n").expect("write");
    let d = RegistryLoader::new()
        .load_dir(&dir)
        .expect_err("non-UTF-8 file");
    assert_eq!(kinds(&d), [ErrorKind::Unreadable]);
    assert!(d.render().contains("latin1.yaml"), "{}", d.render());
    std::fs::remove_dir_all(&dir).ok();

    let d = RegistryLoader::new()
        .load_dir("/nonexistent/registry")
        .expect_err("missing dir");
    assert_eq!(kinds(&d), [ErrorKind::Unreadable]);
}

#[test]
fn missing_and_remote_dependencies() {
    let d = load(&[(
        "manifest.yaml",
        "name: acme
schema_url: https://acme.example/schemas/1.0.0
dependencies:
  - schema_url: https://opentelemetry.io/schemas/1.44.0
    registry_path: https://github.com/open-telemetry/semantic-conventions.git@v1.44.0[model]
  - schema_url: https://opentelemetry.io/schemas/1.43.0
    registry_path: ./no/such/dir
",
    )]);
    assert_eq!(kinds(&d), [ErrorKind::Dependency, ErrorKind::Dependency]);
    let text = d.render();
    let help = d.0[0].help.as_deref().unwrap_or_default();
    assert!(
        help.contains("--dependency https://opentelemetry.io/schemas/1.44.0=<local dir>"),
        "{help}"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn errors_from_several_files_are_all_reported() {
    let d = load(&[
        (
            "a.yaml",
            "groups:\n  - id: a\n    type: span\n    brief: A.\n    attributes:\n      - ref: nope.one\n",
        ),
        (
            "b.yaml",
            "file_format: definition/2\nspans:\n  - type: b\n    kind: sideways\n",
        ),
        ("c.yaml", "groups: [\n"),
    ]);
    let k = kinds(&d);
    assert!(k.contains(&ErrorKind::UnknownRef), "{k:?}");
    assert!(k.contains(&ErrorKind::Format), "{k:?}");
    assert!(k.contains(&ErrorKind::Syntax), "{k:?}");
}

/// Registry text is shown, never obeyed: escape sequences in a file (raw, or written as YAML
/// escapes) reach neither the snippet nor the message as such, and the spans stay in place.
#[test]
fn terminal_escapes_in_a_registry_are_shown_escaped() {
    let raw = "groups:\n  - id: registry.x\n    type: attribute_group\n    brief: b\n    \
               attributes:\n      - id: x.\u{1b}[31mred\n        type: strin\u{1b}]0;t\u{7}g\n";
    let escaped = "groups:\n  - id: registry.x\n    type: attribute_group\n    brief: b\n    \
                   attributes:\n      - id: x.y\n        type: \"strin\\e]0;t\\ag\"\n        \
                   brief: hi\n        stability: development\n";
    for text in [raw, escaped] {
        let out = load(&[("evil.yaml", text)]).render();
        assert!(!out.contains(['\u{1b}', '\u{7}']), "{out:?}");
        assert!(out.contains("evil.yaml:"), "{out}");
    }
    let out = load(&[("evil.yaml", escaped)]).render();
    assert!(
        out.contains(r"unknown value `strin\u{1b}]0;t\u{7}g`"),
        "{out}"
    );
}
