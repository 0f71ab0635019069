//! The message-format schemas derived from this crate's Rust types agree with the upstream
//! schemas (`$SEMCONV_UPSTREAM/v1.41.1/docs/gen-ai/*.json` and
//! `$SEMCONV_UPSTREAM/genai-dev/model/gen-ai/*.json`) on valid and invalid samples.

use std::path::PathBuf;

use genai_validator::content::ContentKind;
use serde_json::{Value, json};

fn samples(kind: ContentKind) -> (Vec<Value>, Vec<Value>) {
    let text = json!({"type": "text", "content": "hi"});
    let call = json!({"type": "tool_call", "id": "c1", "name": "get_weather", "arguments": {"city": "Paris"}});
    let resp = json!({"type": "tool_call_response", "id": "c1", "response": "sunny"});
    let custom = json!({"type": "custom_part", "x": 1});
    match kind {
        ContentKind::InputMessages => (
            vec![
                json!([{"role": "user", "parts": [text]}]),
                json!([{"role": "assistant", "parts": [call]}, {"role": "tool", "parts": [resp]}]),
                json!([{"role": "narrator", "parts": [custom], "name": "n", "extra": true}]),
                json!([]),
            ],
            vec![
                json!({"role": "user", "parts": []}),
                json!([{"parts": [text]}]),
                json!([{"role": "user"}]),
                json!([{"role": "user", "parts": [{"content": "no type"}]}]),
                json!([{"role": "user", "parts": "hi"}]),
                json!("hello"),
            ],
        ),
        ContentKind::OutputMessages => (
            vec![
                json!([{"role": "assistant", "parts": [text], "finish_reason": "stop"}]),
                json!([{"role": "assistant", "parts": [call], "finish_reason": "tool_call"}]),
            ],
            vec![
                json!([{"role": "assistant", "parts": [text]}]),
                json!([{"parts": [text], "finish_reason": "stop"}]),
                json!({"role": "assistant"}),
            ],
        ),
        ContentKind::SystemInstructions => (
            vec![json!([text]), json!([custom]), json!([])],
            vec![
                json!("be nice"),
                json!([{"content": "x"}]),
                json!({"type": "text", "content": "x"}),
            ],
        ),
        ContentKind::ToolDefinitions => (
            vec![
                json!([{"type": "function", "name": "get_weather", "description": "d", "parameters": {"type": "object"}}]),
                json!([{"type": "web_search", "name": "search"}]),
            ],
            vec![
                json!([{"type": "function"}]),
                json!([{"name": "x"}]),
                json!({"type": "function", "name": "x"}),
            ],
        ),
        ContentKind::Any => (vec![json!(1)], vec![]),
    }
}

fn upstream_files(name: &str) -> Vec<PathBuf> {
    let Ok(root) = std::env::var("SEMCONV_UPSTREAM") else {
        return Vec::new();
    };
    let root = PathBuf::from(root);
    [
        root.join("v1.41.1/docs/gen-ai").join(name),
        root.join("genai-dev/model/gen-ai").join(name),
    ]
    .into_iter()
    .filter(|p| p.exists())
    .collect()
}

#[test]
fn derived_schemas_accept_valid_and_reject_invalid_samples() {
    for kind in [
        ContentKind::InputMessages,
        ContentKind::OutputMessages,
        ContentKind::SystemInstructions,
        ContentKind::ToolDefinitions,
    ] {
        let v = jsonschema::validator_for(&kind.schema()).expect("derived schema compiles");
        let (good, bad) = samples(kind);
        for g in &good {
            assert!(v.is_valid(g), "{kind:?} should accept {g}");
        }
        for b in &bad {
            assert!(!v.is_valid(b), "{kind:?} should reject {b}");
        }
    }
}

#[test]
fn derived_schemas_agree_with_upstream() {
    if std::env::var("SEMCONV_UPSTREAM").is_err() {
        eprintln!(
            "SKIPPED: SEMCONV_UPSTREAM is not set; the derived message schemas were not compared with upstream"
        );
        return;
    }
    let files = [
        (ContentKind::InputMessages, "gen-ai-input-messages.json"),
        (ContentKind::OutputMessages, "gen-ai-output-messages.json"),
        (
            ContentKind::SystemInstructions,
            "gen-ai-system-instructions.json",
        ),
        (ContentKind::ToolDefinitions, "gen-ai-tool-definitions.json"),
    ];
    let mut compared = 0;
    for (kind, name) in files {
        let ours = jsonschema::validator_for(&kind.schema()).expect("derived schema compiles");
        for path in upstream_files(name) {
            let text = std::fs::read_to_string(&path).expect("readable upstream schema");
            let mut schema: Value = serde_json::from_str(&text).expect("upstream schema is JSON");
            // Tool definitions refer to the draft-07 meta-schema for `parameters`; resolve it
            // locally as "any object".
            strip_remote_refs(&mut schema);
            let theirs = jsonschema::validator_for(&schema).expect("upstream schema compiles");
            let (good, bad) = samples(kind);
            for s in good.iter().chain(&bad) {
                // v1.41.1 system instructions allowed more part types; both must agree on ours.
                assert_eq!(
                    ours.is_valid(s),
                    theirs.is_valid(s),
                    "{kind:?} vs {}: disagree on {s}",
                    path.display()
                );
            }
            compared += 1;
        }
    }
    assert!(
        compared >= 4,
        "expected the upstream schemas under $SEMCONV_UPSTREAM, compared {compared}"
    );
}

fn strip_remote_refs(v: &mut Value) {
    match v {
        Value::Object(m) => {
            if m.get("$ref")
                .and_then(Value::as_str)
                .is_some_and(|r| r.starts_with("http"))
            {
                m.remove("$ref");
            }
            m.values_mut().for_each(strip_remote_refs);
        }
        Value::Array(a) => a.iter_mut().for_each(strip_remote_refs),
        _ => {}
    }
}
