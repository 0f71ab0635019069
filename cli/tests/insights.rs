//! Insights on the command line: the demo's figures and its loop, thresholds failing
//! `insights` and `validate`, the insights section in every report format.

mod common;

use common::semconv;

fn json_after_brace(out: &str) -> serde_json::Value {
    let start = out.find('{').expect("JSON on stdout");
    serde_json::from_str(&out[start..]).expect("valid JSON")
}

#[test]
fn demo_reports_tokens_cost_and_the_loop() {
    let (code, out, err) = semconv(&["demo", "--format", "json"]);
    assert_eq!(code, 0, "{err}\n{out}");
    let i = &json_after_brace(&out)["insights"];
    assert_eq!(i["requests"], 2, "{i}");
    // Request 1: the plan's chat call (30 in, 8 out) and three streamed calls (50, 70, 90 in,
    // 12 out each); request 2: four streamed calls (3 x 50, then 110 in; 12 out each).
    assert_eq!(i["llm_calls"], 8, "{i}");
    assert_eq!(i["tool_calls"], 5, "{i}");
    assert_eq!(i["usage"]["input"], 500, "{i}");
    assert_eq!(i["usage"]["output"], 92, "{i}");
    // gpt-4o-mini-2024-07-18 at 0.15 / 0.60 USD per million tokens.
    let cost = i["cost_usd"].as_f64().unwrap_or(-1.0);
    assert!(
        (cost - (500.0 * 0.15 + 92.0 * 0.6) / 1e6).abs() < 1e-12,
        "{cost}"
    );
    assert!(
        i["prices"].as_str().unwrap_or("").contains("2026-08-21"),
        "{i}"
    );
    let loops: Vec<&serde_json::Value> = i["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["id"] == "loop_suspected")
        .collect();
    assert_eq!(loops.len(), 1, "{i}");
    assert_eq!(loops[0]["level"], "improvement");
    assert!(
        loops[0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("\"get_weather\" 3 times"),
        "{}",
        loops[0]
    );
    let mismatches = i["metric_checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter(|c| c["agrees"] == false)
        .count();
    assert_eq!(mismatches, 0, "{i}");
}

#[test]
fn demo_text_shows_span_figures_then_insights_then_conformance() {
    let (code, out, err) = semconv(&["demo"]);
    assert_eq!(code, 0, "{err}\n{out}");
    let tree = out.find("tokens in/out").expect("span figures");
    let insights = out
        .find("Insights (prices: embedded (2026-08-21))")
        .expect("insights");
    let report = out.find("Conformance report").expect("conformance");
    assert!(tree < insights && insights < report, "{out}");
    assert!(out.contains("loop_suspected"), "{out}");
}

#[test]
fn thresholds_fail_the_demo_and_validate() {
    let (code, out, _) = semconv(&["demo", "--max-llm-calls-per-request", "3"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("llm_call_budget_exceeded"), "{out}");
    let data = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../validator/tests/data/genai-traces.json"
    );
    let (code, out, err) = semconv(&[
        "insights",
        "--format",
        "json",
        "--max-tokens-per-request",
        "1",
        data,
    ]);
    assert_eq!(code, 1, "{err}\n{out}");
    let i = json_after_brace(&out);
    assert!(
        i["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .any(|f| f["id"] == "token_budget_exceeded" && f["level"] == "violation"),
        "{i}"
    );
    let (_, out, _) = semconv(&["validate", "--format", "junit", data]);
    assert!(out.contains("<testsuite name=\"insights\""), "{out}");
    let (_, out, _) = semconv(&["validate", data]);
    assert!(out.contains("Insights (prices:"), "{out}");
}

#[test]
fn prices_files_replace_or_extend_the_table() {
    let path = std::env::temp_dir().join(format!("semconv-prices-{}.json", std::process::id()));
    std::fs::write(
        &path,
        r#"{"format": "genai-semconv-prices/1", "name": "test prices", "date": "2030-01-01",
            "providers": [{"id": "openai", "names": ["openai"], "models": [
              {"id": "mini", "match": {"starts_with": "gpt-4o-mini"}, "input": 1000000, "output": 0}]}]}"#,
    )
    .expect("write");
    let (code, out, err) = semconv(&[
        "demo",
        "--format",
        "json",
        "--replace-prices",
        "--prices",
        path.to_str().expect("utf-8"),
    ]);
    let bad = std::env::temp_dir().join(format!("semconv-prices-bad-{}.json", std::process::id()));
    std::fs::write(&bad, "[{").expect("write");
    let (bad_code, _, bad_err) = semconv(&["demo", "--prices", bad.to_str().expect("utf-8")]);
    let _ = std::fs::remove_file(&path);
    let _ = std::fs::remove_file(&bad);
    assert_eq!(code, 0, "{err}");
    let i = &json_after_brace(&out)["insights"];
    // One USD per input token.
    assert_eq!(i["cost_usd"].as_f64(), Some(500.0), "{i}");
    assert_eq!(i["prices"], "test prices (2030-01-01)");
    assert_eq!(bad_code, 2);
    assert!(bad_err.contains("--prices"), "{bad_err}");
}

/// Telemetry text is hostile: escape sequences in a span name, a key, a model or a service
/// name must not reach the terminal as such (they could recolour, retitle or clear it).
#[test]
fn terminal_escapes_in_telemetry_are_shown_escaped() {
    let path = std::env::temp_dir().join(format!("semconv-escapes-{}.json", std::process::id()));
    std::fs::write(
        &path,
        r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"svc\u001b[2J"}}]},
          "scopeSpans":[{"scope":{"name":"x"},"spans":[{"traceId":"00000000000000000000000000000001",
          "spanId":"0000000000000001","name":"chat \u001b[31mevil\u001b]0;title\u0007\u202e","kind":3,
          "startTimeUnixNano":"1","endTimeUnixNano":"2","attributes":[
          {"key":"gen_ai.operation.name","value":{"stringValue":"chat"}},
          {"key":"gen_ai.\u001b[1mbad\nforged line","value":{"stringValue":"v"}},
          {"key":"gen_ai.request.model","value":{"stringValue":"m\u001b[5m"}}]}]}]}]}"#,
    )
    .expect("write");
    let file = path.to_str().expect("utf-8");
    let outputs = [
        semconv(&["validate", file]),
        semconv(&["validate", "--verbose", file]),
        semconv(&["insights", file]),
    ];
    let _ = std::fs::remove_file(&path);
    for (code, out, err) in outputs {
        assert!(code == 0 || code == 1, "{code}: {err}");
        for text in [&out, &err] {
            assert!(
                !text.contains(['\u{1b}', '\u{7}', '\u{202e}']),
                "raw control text: {text:?}"
            );
            assert!(!text.contains("\nforged line"), "{text}");
        }
        assert!(out.contains(r"\u{1b}"), "{out}");
    }
}
