//! End to end: the macro-instrumented example agent's spans and metrics, collected in memory by
//! `semconv demo`, conform to the embedded registry (zero violations), with and without content
//! capture; and a deliberately broken OTLP file yields exactly the expected findings.

mod common;

use common::semconv;
fn demo_summary(extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["demo", "--format", "json"];
    args.extend_from_slice(extra);
    let (code, out, err) = semconv(&args);
    assert_eq!(code, 0, "demo failed: {err}\n{out}");
    let start = out.find('{').expect("JSON report on stdout");
    let report: serde_json::Value = serde_json::from_str(&out[start..]).expect("valid JSON report");
    report["summary"].clone()
}

#[test]
fn demo_agent_telemetry_has_no_violations() {
    let s = demo_summary(&[]);
    assert_eq!(s["violation"], 0, "{s}");
    assert!(s["spans"].as_u64().unwrap_or(0) >= 5, "{s}");
    assert!(s["metrics"].as_u64().unwrap_or(0) >= 2, "{s}");
}

#[test]
fn demo_agent_with_capture_has_no_violations() {
    let s = demo_summary(&["--capture-content"]);
    assert_eq!(s["violation"], 0, "{s}");
}

#[test]
fn broken_chat_span_yields_exactly_the_expected_findings() {
    let path = std::env::temp_dir().join(format!("semconv-broken-{}.json", std::process::id()));
    // A chat span without gen_ai.provider.name, with a string token count, a misspelt key,
    // captured input messages without declared capture, and the legacy gen_ai.system.
    let body = r#"{"resourceSpans":[{"resource":{"attributes":[]},"scopeSpans":[{"scope":{"name":"t"},"spans":[{
      "traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"chat gpt-4o",
      "kind":3,"startTimeUnixNano":"1","endTimeUnixNano":"2","attributes":[
        {"key":"gen_ai.operation.name","value":{"stringValue":"chat"}},
        {"key":"gen_ai.request.model","value":{"stringValue":"gpt-4o"}},
        {"key":"gen_ai.usage.input_tokens","value":{"stringValue":"12"}},
        {"key":"gen_ai.request.max_token","value":{"intValue":"100"}},
        {"key":"gen_ai.input.messages","value":{"stringValue":"[]"}},
        {"key":"gen_ai.system","value":{"stringValue":"openai"}}]}]}]}]}"#;
    std::fs::write(&path, body).expect("write");
    let (code, out, err) = semconv(&[
        "validate",
        "--format",
        "json",
        path.to_str().expect("utf-8"),
    ]);
    let _ = std::fs::remove_file(&path);
    assert_eq!(code, 1, "violations must exit 1: {err}\n{out}");
    let report: serde_json::Value = serde_json::from_str(&out).expect("JSON report");
    let mut violations: Vec<(String, String)> = report["spans"][0]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["level"] == "violation")
        .map(|f| {
            (
                f["id"].as_str().unwrap_or_default().to_string(),
                f["attribute"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    violations.sort();
    assert_eq!(
        violations,
        [
            (
                "opt_in_attribute_present".to_string(),
                "gen_ai.input.messages".to_string()
            ),
            (
                "required_attribute_not_present".to_string(),
                "gen_ai.provider.name".to_string()
            ),
            (
                "type_mismatch".to_string(),
                "gen_ai.usage.input_tokens".to_string()
            ),
            (
                "unknown_attribute".to_string(),
                "gen_ai.request.max_token".to_string()
            ),
        ],
        "{out}"
    );
}
