//! `semconv validate --format html -o FILE`: one self-contained file (no network, no inline
//! script built from data), with hostile telemetry text kept inert.

mod common;

use common::semconv;

#[test]
fn validate_writes_a_self_contained_html_report_with_inert_telemetry_text() {
    let dir = std::env::temp_dir().join(format!("semconv-html-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let input = dir.join("spans.json");
    let hostile = r#"<script>alert(1)</script><img src=x onerror=alert(2)>"#;
    let body = format!(
        r#"{{"resourceSpans":[{{"resource":{{"attributes":[{{"key":"service.name","value":{{"stringValue":"svc"}}}}]}},"scopeSpans":[{{"scope":{{"name":"t"}},"spans":[{{
      "traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":{name},
      "kind":3,"startTimeUnixNano":"1","endTimeUnixNano":"2","attributes":[
        {{"key":"gen_ai.operation.name","value":{{"stringValue":"chat"}}}},
        {{"key":"gen_ai.request.model","value":{{"stringValue":{name}}}}}]}}]}}]}}]}}"#,
        name = serde_json::Value::from(hostile)
    );
    std::fs::write(&input, body).expect("write input");
    let out = dir.join("report.html");
    let (code, stdout, stderr) = semconv(&[
        "validate",
        "--format",
        "html",
        "-o",
        out.to_str().expect("utf-8"),
        input.to_str().expect("utf-8"),
    ]);
    // The span lacks gen_ai.provider.name: a violation, exit 1.
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    let html = std::fs::read_to_string(&out).expect("report written");
    assert!(html.starts_with("<!doctype html") || html.starts_with("<!DOCTYPE html"));
    assert!(
        html.contains("Content-Security-Policy"),
        "the file carries its CSP"
    );
    // Self-contained: nothing is fetched from anywhere.
    for needle in [
        "src=\"http",
        "href=\"http",
        "src='http",
        "@import",
        "url(http",
    ] {
        assert!(!html.contains(needle), "external reference {needle:?}");
    }
    // The hostile name is in the file, but never as markup.
    assert!(
        !html.contains(hostile),
        "raw telemetry markup in the report"
    );
    assert!(
        !html.contains("<img src=x"),
        "raw telemetry markup in the report"
    );
    assert!(
        html.contains("alert(1)"),
        "the span name is in the report's data (escaped)"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
