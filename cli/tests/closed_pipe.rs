//! Every command that prints ends quietly when its reader has gone (`semconv ... | head -c 10`):
//! the normal exit code, no panic, no error text.

use std::process::{Command, Stdio};

/// Runs `semconv` with stdout connected to a pipe whose reading end is already closed.
fn closed_stdout(args: &[&str]) -> (i32, String) {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let out = Command::new(env!("CARGO_BIN_EXE_semconv"))
        .args(args)
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .expect("semconv runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn otlp_file() -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("semconv-pipe-{}.json", std::process::id()));
    let body = r#"{"resourceSpans":[{"resource":{"attributes":[]},"scopeSpans":[{"scope":{"name":"t"},"spans":[{
      "traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"chat gpt-4o",
      "kind":3,"startTimeUnixNano":"1","endTimeUnixNano":"2","attributes":[
        {"key":"gen_ai.operation.name","value":{"stringValue":"chat"}},
        {"key":"gen_ai.request.model","value":{"stringValue":"gpt-4o"}}]}]}]}]}"#;
    std::fs::write(&path, body).expect("write");
    path
}

fn assert_quiet(what: &str, code: i32, expected: i32, err: &str) {
    assert_eq!(code, expected, "{what}: exit code; stderr: {err}");
    assert!(!err.contains("panicked"), "{what}: {err}");
    assert!(!err.to_lowercase().contains("broken pipe"), "{what}: {err}");
    assert!(!err.contains("failed printing"), "{what}: {err}");
}

#[test]
fn validate_ends_quietly_on_a_closed_pipe_in_every_format() {
    let file = otlp_file();
    let path = file.to_str().expect("utf-8");
    for format in ["text", "json", "junit"] {
        let (code, err) = closed_stdout(&["validate", "--format", format, path]);
        // The span lacks gen_ai.provider.name: the normal exit code is 1.
        assert_quiet(&format!("validate --format {format}"), code, 1, &err);
    }
    let _ = std::fs::remove_file(&file);
}

#[test]
fn schema_resolve_and_demo_end_quietly_on_a_closed_pipe() {
    let (code, err) = closed_stdout(&["schema"]);
    assert_quiet("schema", code, 0, &err);
    let (code, err) = closed_stdout(&["resolve", "--format", "json"]);
    assert_quiet("resolve --format json", code, 0, &err);
    let (code, err) = closed_stdout(&["resolve"]);
    assert_quiet("resolve", code, 0, &err);
    let (code, err) = closed_stdout(&["demo"]);
    assert_quiet("demo", code, 0, &err);
    let (code, err) = closed_stdout(&["demo", "--format", "json"]);
    assert_quiet("demo --format json", code, 0, &err);
}

#[test]
fn check_diff_generate_and_insights_end_quietly_on_a_closed_pipe() {
    let (code, err) = closed_stdout(&["check"]);
    assert_quiet("check", code, 0, &err);
    let model = concat!(env!("CARGO_MANIFEST_DIR"), "/../registry/model");
    for format in ["text", "markdown", "json"] {
        let (code, err) = closed_stdout(&["diff", model, model, "--format", format]);
        assert_quiet(&format!("diff --format {format}"), code, 0, &err);
    }
    let out = std::env::temp_dir().join(format!("semconv-pipe-gen-{}", std::process::id()));
    let out_dir = out.to_str().expect("utf-8");
    let (code, err) = closed_stdout(&["generate", "-o", out_dir, "--no-rustfmt"]);
    assert_quiet("generate", code, 0, &err);
    let _ = std::fs::remove_dir_all(&out);
    let file = otlp_file();
    let path = file.to_str().expect("utf-8");
    for format in ["text", "json"] {
        let (code, err) = closed_stdout(&["insights", "--format", format, path]);
        assert_quiet(&format!("insights --format {format}"), code, 0, &err);
    }
    let _ = std::fs::remove_file(&file);
}
