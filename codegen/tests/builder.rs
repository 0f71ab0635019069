//! The build-script API: custom templates, strictness, errors, writing files.

use std::path::PathBuf;

use genai_codegen::{Builder, CodegenError, HEADER, Target};

fn acme_registry() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/acme-build/registry")
}

fn fixture_templates() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/templates")
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("genai-codegen-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn custom_templates_render_rust_and_other_files() {
    let files = Builder::new()
        .registry(acme_registry())
        .templates(fixture_templates())
        .render()
        .expect("renders");
    let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["consts.rs", "keys.md"]);
    assert!(files.iter().all(|f| f.target == Target::Crate));
    let rs = &files[0].content;
    assert!(rs.starts_with(HEADER), "{rs}");
    assert!(
        rs.contains("pub const ACME_TENANT_ID: &str = \"acme.tenant.id\";"),
        "{rs}"
    );
    let md = &files[1].content;
    assert!(md.starts_with("# Keys of acme-genai"), "{md}");
    assert!(md.contains("- `acme.label` (template[string])"), "{md}");
}

#[test]
fn undefined_values_are_errors() {
    let dir = temp_dir("strict");
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(
        dir.join("x.rs.j2"),
        "pub const X: &str = {{ registry.nope | rust_str }};",
    )
    .expect("write template");
    let err = Builder::new()
        .registry(acme_registry())
        .templates(&dir)
        .render()
        .expect_err("undefined attribute");
    assert!(matches!(err, CodegenError::Template(_)), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn invalid_rust_is_reported_with_its_line() {
    let dir = temp_dir("invalid");
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(dir.join("x.rs.j2"), "pub const A: u8 = 1;\npub fn (\n")
        .expect("write template");
    let err = Builder::new()
        .registry(acme_registry())
        .templates(&dir)
        .render()
        .expect_err("invalid Rust");
    match err {
        CodegenError::InvalidRust { template, line, .. } => {
            assert_eq!(template, "x.rs.j2");
            assert_eq!(line, 2);
        }
        other => panic!("unexpected error: {other}"),
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn registry_errors_are_reported() {
    let err = Builder::new()
        .registry("/nonexistent/registry")
        .render()
        .expect_err("missing registry");
    assert!(err.to_string().contains("does not exist"), "{err}");
}

#[test]
fn generate_writes_both_outputs_and_skips_unchanged_files() {
    let dir = temp_dir("generate");
    let builder = Builder::new()
        .registry(acme_registry())
        .out_dir(dir.join("crate"))
        .macros_out_dir(dir.join("macros"));
    let written = builder.generate().expect("generates");
    assert!(written.contains(&dir.join("crate/mod.rs")));
    assert!(written.contains(&dir.join("macros/keys.rs")));
    let keys = std::fs::read_to_string(dir.join("macros/keys.rs")).expect("keys.rs");
    assert!(
        keys.starts_with(&format!("{HEADER}\nuse crate::keys::{{KeyInfo, KeyType}};")),
        "{keys}"
    );
    assert!(
        keys.contains("deprecated: Some(\"renamed to acme.tenant.id\")"),
        "{keys}"
    );
    assert!(keys.contains("members: &[\"free\", \"gold\"]"), "{keys}");
    let module = std::fs::read_to_string(dir.join("crate/mod.rs")).expect("mod.rs");
    assert!(
        module.contains("include!(concat!(env!(\"OUT_DIR\"), \"/attribute.rs\"))"),
        "{module}"
    );
    let before = std::fs::metadata(dir.join("crate/span.rs"))
        .and_then(|m| m.modified())
        .expect("mtime");
    builder.generate().expect("generates again");
    let after = std::fs::metadata(dir.join("crate/span.rs"))
        .and_then(|m| m.modified())
        .expect("mtime");
    assert_eq!(before, after, "unchanged files are not rewritten");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn shared_enum_values_parse_to_the_current_member() {
    let files = Builder::new()
        .registry(acme_registry())
        .render()
        .expect("renders");
    let enums = files
        .iter()
        .find(|f| f.name == "enums.rs")
        .expect("enums.rs");
    let text = &enums.content;
    assert!(
        text.contains("#[deprecated(note = \"use `gold` instead\")]"),
        "{text}"
    );
    assert!(text.contains("\"gold\" => Self::Gold,"), "{text}");
    assert!(!text.contains("\"gold\" => Self::Premium"), "{text}");
    assert!(text.contains("Self::Premium => \"gold\","), "{text}");
}
