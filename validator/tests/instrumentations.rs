//! Real output of a published instrumentation: `opentelemetry-instrumentation-openai-v2`
//! (Python), in its legacy (GenAI semconv v1.30) and latest modes, with content capture off and
//! on, as the OTLP exporters sent it (`tests/data/instrumentations/openai-v2/`, see its
//! README). The insights must equal what the generating script summed from the SDK's own spans
//! (`expected.json`), for the protobuf, the JSON Lines and the base64-id JSON renderings alike;
//! the conformance findings must be the ones those conventions call for.

use std::collections::BTreeMap;

use genai_validator::insights::{InsightOptions, Insights};
use genai_validator::telemetry::Telemetry;
use genai_validator::{FindingId, Level, Options, Report, Validator, embedded_registry, load_file};

const DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/instrumentations/openai-v2"
);

fn expected() -> serde_json::Value {
    let text = std::fs::read_to_string(format!("{DIR}/expected.json")).expect("expected.json");
    serde_json::from_str(&text).expect("valid JSON")
}

fn load(name: &str) -> Telemetry {
    let (t, errors) = load_file(format!("{DIR}/{name}")).expect("readable");
    assert!(errors.is_empty(), "{name}: {errors:?}");
    t
}

fn validate(telemetry: &Telemetry, capture_content: bool) -> Report {
    let options = Options {
        capture_content,
        ..Options::default()
    };
    Validator::with_options(embedded_registry(), options).validate(telemetry)
}

/// Violations per finding id.
fn violations(report: &Report) -> BTreeMap<FindingId, usize> {
    let mut out = BTreeMap::new();
    for item in report.items() {
        for f in item.findings.iter().filter(|f| f.level == Level::Violation) {
            *out.entry(f.id).or_default() += 1;
        }
    }
    out
}

fn has(report: &Report, id: FindingId) -> usize {
    report
        .counts()
        .into_iter()
        .find(|(i, _)| *i == id)
        .map_or(0, |(_, n)| n)
}

fn n(v: &serde_json::Value) -> u64 {
    v.as_u64().unwrap_or_else(|| panic!("a count, found {v}"))
}

/// The traces files of a mode, in every rendering the data directory has.
fn traces_files(mode: &str) -> Vec<String> {
    let mut files = vec![format!("traces-{mode}.pb"), format!("traces-{mode}.json")];
    if mode == "no-content" {
        files.push("traces-base64-ids.json".into());
    }
    files
}

#[test]
fn insights_equal_the_sdk_sums_in_every_mode_and_rendering() {
    let expected = expected();
    let modes = expected["modes"].as_object().expect("modes");
    assert_eq!(modes.len(), 4, "{:?}", modes.keys());
    for (mode, want) in modes {
        for file in traces_files(mode) {
            let t = load(&file);
            let i = Insights::from_telemetry(&t, &InsightOptions::default());
            let totals = &want["totals"];
            let what = format!("{mode} {file}");
            assert_eq!(i.requests, n(&totals["traces"]), "{what}");
            assert_eq!(t.spans.len() as u64, n(&totals["spans"]), "{what}");
            assert_eq!(i.llm_calls, n(&totals["llm_calls"]), "{what}");
            assert_eq!(i.tool_calls, n(&totals["tool_calls"]), "{what}");
            assert_eq!(i.usage.input, n(&totals["input_tokens"]), "{what}");
            assert_eq!(i.usage.output, n(&totals["output_tokens"]), "{what}");
            assert_eq!(
                i.usage.cache_read,
                n(&totals["cache_read_input_tokens"]),
                "{what}"
            );
            let tool = &i.tools["get_weather"];
            assert_eq!(
                (tool.calls, tool.errors),
                (n(&totals["tool_calls"]), n(&totals["failed_tool_calls"])),
                "{what}"
            );
            // gpt-4o-mini-2024-07-18 is in the embedded table: nothing is left unpriced.
            assert_eq!(i.unpriced_calls, 0, "{what}");
            assert!(i.cost_usd > 0.0, "{what}");
            let per_trace = want["per_trace"].as_object().expect("per_trace");
            assert_eq!(i.traces.len(), per_trace.len(), "{what}");
            for trace in &i.traces {
                let id = trace.trace_id.to_string();
                let w = &per_trace[&id];
                assert_eq!(
                    trace.root,
                    w["root_span"].as_str().unwrap_or(""),
                    "{what} {id}"
                );
                assert_eq!(trace.spans as u64, n(&w["spans"]), "{what} {id}");
                assert_eq!(trace.llm_calls, n(&w["llm_calls"]), "{what} {id}");
                assert_eq!(trace.tool_calls, n(&w["tool_calls"]), "{what} {id}");
                assert_eq!(trace.usage.input, n(&w["input_tokens"]), "{what} {id}");
                assert_eq!(trace.usage.output, n(&w["output_tokens"]), "{what} {id}");
                // Turn 2's tool failed, and its root did not.
                assert!(!trace.failed, "{what} {id}");
            }
        }
    }
}

#[test]
fn the_latest_convention_conforms() {
    for (mode, capture) in [("latest-no-content", false), ("latest-content", true)] {
        for file in traces_files(mode)
            .into_iter()
            .chain([format!("metrics-{mode}.pb")])
            .chain((mode == "latest-content").then(|| format!("logs-{mode}.pb")))
        {
            let report = validate(&load(&file), capture);
            assert_eq!(violations(&report), BTreeMap::new(), "{file}\n{report}");
        }
    }
    // With content on spans, not declaring capture is a privacy leak on each chat span.
    let report = validate(&load("traces-latest-content.pb"), false);
    assert_eq!(
        violations(&report),
        BTreeMap::from([(FindingId::OptInAttributePresent, 10)]),
        "{report}"
    );
}

#[test]
fn the_legacy_convention_is_named_as_such() {
    for mode in ["no-content", "content"] {
        let traces = validate(&load(&format!("traces-{mode}.pb")), false);
        // v1.30 spans say `gen_ai.system`, not `gen_ai.provider.name`: required now.
        assert_eq!(
            violations(&traces),
            BTreeMap::from([(FindingId::RequiredAttributeNotPresent, 5)]),
            "{traces}"
        );
        // `gen_ai.system` and `gen_ai.openai.response.service_tier`, on each of the 5 calls.
        assert_eq!(has(&traces, FindingId::LegacyAttribute), 10, "{traces}");

        // The v1.30 message events are legacy, not unknown.
        let logs = load(&format!("logs-{mode}.pb"));
        let report = validate(&logs, false);
        assert_eq!(has(&report, FindingId::UnknownEvent), 0, "{report}");
        assert_eq!(
            has(&report, FindingId::LegacyEvent),
            logs.logs.len(),
            "{report}"
        );
        // Their bodies carry the messages only when capture was on in the instrumentation:
        // then not declaring it is a leak, and declaring it is not.
        let leaks = violations(&report)
            .get(&FindingId::OptInAttributePresent)
            .copied()
            .unwrap_or(0);
        if mode == "content" {
            assert!(leaks > 0, "{report}");
            let declared = validate(&logs, true);
            assert_eq!(violations(&declared), BTreeMap::new(), "{declared}");
        } else {
            assert_eq!(violations(&report), BTreeMap::new(), "{report}");
        }
    }
    // Base64 ids, as `json_format.MessageToJson` writes them: read, then reported per scope.
    let report = validate(&load("traces-base64-ids.json"), false);
    assert!(has(&report, FindingId::NonHexId) > 0, "{report}");
    assert_eq!(has(&report, FindingId::RequiredAttributeNotPresent), 5);
}
