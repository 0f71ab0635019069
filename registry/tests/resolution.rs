//! Resolution semantics on small in-memory registries: precedence of inline `ref` over
//! `ref_group` over inherited attributes, field-wise overrides, refinements, classic `extends`
//! and `include`, and mixing both formats.

use std::path::PathBuf;

use genai_registry::{RegistryLoader, RequirementLevel, ResolvedRegistry, SpanKind};

fn resolve(files: &[(&str, &str)]) -> ResolvedRegistry {
    let files = files
        .iter()
        .map(|(p, t)| (PathBuf::from(p), (*t).to_string()))
        .collect();
    match RegistryLoader::new().schema_check(true).load_files(files) {
        Ok(l) => l.registry,
        Err(d) => panic!("{}", d.render()),
    }
}

const V2: &str = "file_format: definition/2
attributes:
  - key: acme.a
    type: string
    brief: A.
    stability: development
  - key: acme.b
    type: int
    brief: B.
    stability: development
attribute_groups:
  - id: acme.common
    visibility: internal
    attributes:
      - ref: acme.a
        requirement_level: required
        note: From the group.
      - ref: acme.b
        requirement_level: opt_in
spans:
  - type: acme.call
    kind: client
    name:
      note: '{acme.a}'
    brief: A call.
    stability: development
    attributes:
      - ref_group: acme.common
      - ref: acme.b
        requirement_level:
          conditionally_required: When known.
span_refinements:
  - id: acme.call.special
    ref: acme.call
    brief: Special call.
    attributes:
      - ref: acme.a
        brief: Only the brief changes.
";

#[test]
fn inline_ref_beats_ref_group_field_by_field() {
    let r = resolve(&[("a.yaml", V2)]);
    let span = r.group("span.acme.call").expect("span");
    let a = span.attribute("acme.a").expect("a");
    assert_eq!(a.requirement_level, RequirementLevel::Required);
    assert_eq!(a.note.as_deref(), Some("From the group."));
    let b = span.attribute("acme.b").expect("b");
    assert_eq!(
        b.requirement_level,
        RequirementLevel::ConditionallyRequired("When known.".into())
    );
    assert!(
        r.group("acme.common").is_none(),
        "internal groups are not in the output"
    );
}

#[test]
fn refinement_inherits_signal_and_overrides_only_what_it_sets() {
    let r = resolve(&[("a.yaml", V2)]);
    let g = r.group("acme.call.special").expect("refinement");
    assert_eq!(g.refines.as_deref(), Some("span.acme.call"));
    assert_eq!(g.as_span().and_then(|s| s.kind), Some(SpanKind::Client));
    assert_eq!(
        g.as_span().and_then(|s| s.name.as_deref()),
        Some("{acme.a}")
    );
    let a = g.attribute("acme.a").expect("a");
    assert_eq!(
        a.requirement_level,
        RequirementLevel::Required,
        "level inherited"
    );
    assert_eq!(a.brief.as_deref(), Some("Only the brief changes."));
    assert!(g.attribute("acme.b").is_some());
}

#[test]
fn classic_extends_include_and_mixed_formats() {
    let classic = "groups:
  - id: registry.acme.more
    type: attribute_group
    brief: More.
    attributes:
      - id: acme.c
        type:
          members:
            - id: one
              value: 1
              stability: development
            - id: two
              value: 2
              stability: development
        brief: C.
        stability: development
  - id: acme.base
    type: attribute_group
    brief: Base.
    attributes:
      - ref: acme.c
        requirement_level: recommended
      - ref: acme.a
  - id: span.acme.child
    type: span
    span_kind: internal
    brief: Child.
    extends: acme.base
    include: [registry.acme.more]
    attributes:
      - ref: acme.c
        requirement_level: required
        sampling_relevant: true
";
    let r = resolve(&[("a.yaml", V2), ("b.yaml", classic)]);
    let child = r.group("span.acme.child").expect("child");
    let keys: Vec<&str> = child.attributes.iter().map(|a| a.key.as_str()).collect();
    assert_eq!(keys, ["acme.a", "acme.c"]);
    let c = child.attribute("acme.c").expect("c");
    assert_eq!(c.requirement_level, RequirementLevel::Required);
    assert_eq!(c.sampling_relevant, Some(true));
    let def = r.attribute("acme.c").expect("def");
    assert_eq!(def.members().len(), 2);
    assert_eq!(def.value_type(), genai_registry::PrimitiveType::Int);
}

#[test]
fn local_dependency_attributes_are_pulled_in_when_used() {
    let dir = std::env::temp_dir().join(format!("genai-registry-dep-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("core")).expect("mkdir");
    std::fs::create_dir_all(dir.join("app")).expect("mkdir");
    std::fs::write(
        dir.join("core/attrs.yaml"),
        "file_format: definition/2
attributes:
  - key: server.address
    type: string
    brief: Host.
    stability: stable
  - key: server.port
    type: int
    brief: Port.
    stability: stable
",
    )
    .expect("write");
    std::fs::write(
        dir.join("app/manifest.yaml"),
        "name: app\nschema_url: https://example.com/schemas/1.2.3\ndependencies:\n  - schema_url: https://example.com/core/1.0.0\n    registry_path: ../core\n",
    )
    .expect("write");
    std::fs::write(
        dir.join("app/spans.yaml"),
        "file_format: definition/2
spans:
  - type: app.call
    kind: client
    name:
      note: call
    brief: Call.
    stability: development
    attributes:
      - ref: server.address
        requirement_level: required
",
    )
    .expect("write");
    let loaded = RegistryLoader::new()
        .load_dir(dir.join("app"))
        .unwrap_or_else(|d| panic!("{}", d.render()));
    let r = loaded.registry;
    assert_eq!(r.version.as_deref(), Some("1.2.3"));
    let address = r
        .attribute("server.address")
        .expect("pulled from the dependency");
    assert_eq!(
        address.provenance,
        genai_registry::Provenance::Dependency("https://example.com/core/1.0.0".into())
    );
    assert!(
        r.attribute("server.port").is_none(),
        "unused dependency attributes stay out"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
