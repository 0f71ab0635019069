//! `semconv check`, `resolve` and `schema` as a user runs them: exit codes and output.

mod common;

use common::semconv;
fn temp_registry(name: &str, files: &[(&str, &str)]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("semconv-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (p, t) in files {
        let path = dir.join(p);
        std::fs::create_dir_all(path.parent().expect("has parent")).expect("mkdir");
        std::fs::write(path, t).expect("write");
    }
    dir
}

#[test]
fn check_embedded_registry_succeeds() {
    let (code, out, err) = semconv(&["check"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("embedded GenAI registry: ok"), "{out}");
}

#[test]
fn check_reports_located_errors_and_exits_1() {
    let dir = temp_registry(
        "bad",
        &[(
            "model/a.yaml",
            "file_format: definition/2\nattributes:\n  - key: acme.x\n    type: strng\n    brief: X.\n    stability: development\n",
        )],
    );
    let (code, _, err) = semconv(&["check", "-r", dir.join("model").to_str().expect("utf-8")]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("a.yaml:4:11"), "{err}");
    assert!(err.contains("did you mean `string`?"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn resolve_json_to_file() {
    let out_file =
        std::env::temp_dir().join(format!("semconv-resolve-{}.json", std::process::id()));
    let (code, _, err) = semconv(&[
        "resolve",
        "--format",
        "json",
        "-o",
        out_file.to_str().expect("utf-8"),
    ]);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(&out_file).expect("written");
    let v: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    let keys: Vec<&str> = v["attributes"]
        .as_array()
        .expect("attributes")
        .iter()
        .filter_map(|a| a["key"].as_str())
        .collect();
    assert!(keys.contains(&"gen_ai.operation.name"), "{keys:?}");
    let _ = std::fs::remove_file(&out_file);
}

#[test]
fn schema_is_json_and_bad_flags_exit_2() {
    let (code, out, _) = semconv(&["schema"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).expect("schema is JSON");
    assert!(v["$defs"].get("GroupV1").is_some(), "{out}");
    let (code, _, err) = semconv(&["resolve", "--format", "xml"]);
    assert_eq!(code, 2, "{err}");
}
