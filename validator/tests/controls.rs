//! Reports a person reads (folding, levels hidden by default, `Display`), per-finding-id
//! controls (API and config file), `duplicate_attribute`, span events checked as events, and
//! hostile keys (no "did you mean" on megabytes, clipped messages).

mod common;

use std::borrow::Cow;

use common::*;
use genai_validator::telemetry::{Attributes, Event, SpanKind, Telemetry, Value};
use genai_validator::{Config, Conformance, FindingId, FindingPolicy, Level, Options, TextOptions};

fn agent(id: u64) -> genai_validator::telemetry::Span {
    span_in(
        1,
        id,
        None,
        "invoke_agent planner",
        SpanKind::Internal,
        &[
            ("gen_ai.operation.name", s("invoke_agent")),
            ("gen_ai.agent.name", s("planner")),
        ],
    )
}

fn spans_of(spans: Vec<genai_validator::telemetry::Span>) -> Telemetry {
    Telemetry {
        spans,
        ..Telemetry::default()
    }
}

#[test]
fn repeated_findings_fold_into_one_line_with_a_count() {
    let t = Telemetry {
        spans: (1..=5).map(agent).collect(),
        ..Telemetry::default()
    };
    let report = validator().validate(&t);
    let text = report.to_text();
    // One line per (id, attribute, definition), not one per span.
    let line = "~ recommended_attribute_not_present `gen_ai.request.model` · span.gen_ai.invoke_agent.internal · 5 spans";
    assert_eq!(text.matches(line).count(), 1, "{text}");
    assert!(text.contains("and 2 more"), "{text}");
    // Information is counted, not listed, unless asked for.
    assert!(
        !text.contains("conditionally_required_attribute_not_present `"),
        "{text}"
    );
    assert!(
        text.contains(
            "information: 30 (counted, not listed; --verbose or --show information lists them)"
        ),
        "{text}"
    );
    let verbose = genai_validator::report::text::render(&report, &TextOptions::verbose());
    assert!(verbose.contains("conditionally_required_attribute_not_present `gen_ai.conversation.id` · span.gen_ai.invoke_agent.internal · 5 spans"), "{verbose}");
    // Violations come before improvements.
    let broken = validator().validate(&spans_of(vec![span_in(
        1,
        9,
        None,
        "chat x",
        SpanKind::Client,
        &[("gen_ai.operation.name", s("chat"))],
    )]));
    let text = broken.to_text();
    let v = text.find("\nviolations:").expect("violations section");
    let i = text.find("\nimprovements:").expect("improvements section");
    assert!(v < i, "{text}");
    // JSON stays complete.
    let json: serde_json::Value = serde_json::from_str(&report.to_json()).expect("json");
    let listed: usize = json["spans"]
        .as_array()
        .expect("spans")
        .iter()
        .map(|s| s["findings"].as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!(listed, report.level_counts().total());
}

#[test]
fn display_prints_the_text_report() {
    let report = validator().validate(&spans_of(vec![agent(1)]));
    assert_eq!(format!("{report}"), report.to_text());
    assert!(format!("{report}").starts_with("Conformance report against"));
}

#[test]
fn finding_ids_can_be_ignored_or_relevelled() {
    let spans = vec![agent(1)];
    let base = Conformance::new().check(&spans);
    assert!(
        base.counts()
            .iter()
            .any(|(id, _)| *id == FindingId::RecommendedAttributeNotPresent)
    );
    let quiet = Conformance::new()
        .ignore(FindingId::RecommendedAttributeNotPresent)
        .check(&spans);
    assert!(
        !quiet
            .counts()
            .iter()
            .any(|(id, _)| *id == FindingId::RecommendedAttributeNotPresent)
    );
    assert_eq!(quiet.level_counts().improvement, 0);
    let strict =
        Conformance::new().level(FindingId::RecommendedAttributeNotPresent, Level::Violation);
    assert!(strict.verify(&spans).is_err());
    assert!(Conformance::new().verify(&spans).is_ok());
    // The same through Options, for a Validator.
    let v = validator_with(Options {
        findings: FindingPolicy::default()
            .ignore(FindingId::ConditionallyRequiredAttributeNotPresent),
        ..Options::default()
    });
    assert_eq!(v.validate(&spans_of(spans)).level_counts().information, 0);
}

#[test]
fn the_config_file_sets_controls_and_rejects_typos_with_a_location() {
    let config = Config::from_yaml(
        "findings:\n  ignore: [recommended_attribute_not_present]\n  levels:\n    conditionally_required_attribute_not_present: violation\nthresholds:\n  max_tokens_per_trace: 1000\n",
        "test.yaml",
    )
    .expect("valid config");
    assert!(config.thresholds.is_some());
    let report = Conformance::new().config(&config).check(&vec![agent(1)]);
    assert_eq!(report.level_counts().improvement, 0);
    assert_eq!(report.level_counts().information, 0);
    assert!(report.level_counts().violation > 0);
    let err = Config::from_yaml("findings:\n  ignore: [no_such_id]\n", "bad.yaml")
        .expect_err("unknown id");
    let msg = err.to_string();
    assert!(
        msg.contains("bad.yaml") && msg.contains("no_such_id"),
        "{msg}"
    );
    assert!(msg.contains("line 2"), "{msg}");
    let err = Config::from_yaml("finding: {}\n", "typo.yaml").expect_err("unknown key");
    assert!(err.to_string().contains("finding"), "{err}");
    assert_eq!(
        Config::from_yaml("", "empty.yaml").expect("empty is fine"),
        Config::default()
    );
}

#[test]
fn a_key_set_twice_with_different_values_is_a_violation() {
    let mut attrs = chat_attrs();
    attrs.push(("gen_ai.request.model", s("other-model")));
    attrs.push(("gen_ai.usage.output_tokens", Value::I64(12)));
    attrs.push(("app.custom", s("a")));
    attrs.push(("app.custom", s("b")));
    let (_, findings) =
        validator().check_span(&span("chat mistral-large", SpanKind::Client, &attrs));
    let dups: Vec<_> = findings
        .iter()
        .filter(|f| f.id == FindingId::DuplicateAttribute)
        .map(|f| (f.attribute.as_deref().unwrap_or("").to_string(), f.level))
        .collect();
    // Same value twice is not reported; different values once per key.
    assert_eq!(
        dups,
        vec![
            ("gen_ai.request.model".to_string(), Level::Violation),
            ("app.custom".to_string(), Level::Violation)
        ],
        "{findings:#?}"
    );
    let (_, clean) =
        validator().check_span(&span("chat mistral-large", SpanKind::Client, &chat_attrs()));
    assert!(!clean.iter().any(|f| f.id == FindingId::DuplicateAttribute));
}

fn with_details_event(attrs: Vec<(&str, Value)>) -> genai_validator::telemetry::Span {
    let mut chat = span("chat mistral-large", SpanKind::Client, &chat_attrs());
    chat.events.push(Event {
        name: Cow::Borrowed("gen_ai.client.inference.operation.details"),
        time_unix_nano: 1,
        attributes: Attributes(
            attrs
                .into_iter()
                .map(|(k, v)| (k.to_string().into(), v))
                .collect(),
        ),
        dropped_attributes_count: 0,
    });
    chat
}

#[test]
fn span_events_are_checked_against_their_event_definitions() {
    let messages = r#"[{"role":"user","parts":[{"type":"text","content":"hi"}]}]"#;
    let leaky = with_details_event(vec![
        ("gen_ai.operation.name", s("chat")),
        ("gen_ai.input.messages", s(messages)),
    ]);
    let (_, findings) = validator().check_span(&leaky);
    let leak = findings
        .iter()
        .find(|f| f.id == FindingId::OptInAttributePresent)
        .unwrap_or_else(|| panic!("the content in the span event is a leak: {findings:#?}"));
    assert_eq!(leak.level, Level::Violation);
    assert!(
        leak.message
            .contains("span event `gen_ai.client.inference.operation.details`"),
        "{}",
        leak.message
    );
    // With capture declared the same event is fine.
    let capture = validator_with(Options {
        capture_content: true,
        ..Options::default()
    });
    let (_, findings) = capture.check_span(&leaky);
    assert!(
        !findings.iter().any(|f| f.level == Level::Violation),
        "{findings:#?}"
    );
    // Conformance sees it too.
    assert!(Conformance::new().verify(&vec![leaky]).is_err());
}

#[test]
fn huge_unknown_keys_get_no_suggestion_and_a_clipped_message() {
    let key = format!("gen_ai.{}", "x".repeat(1 << 20));
    let (_, findings) = validator().check_span(&span(
        "chat mistral-large",
        SpanKind::Client,
        &[("gen_ai.operation.name", s("chat")), (key.as_str(), s("v"))],
    ));
    let unknown = findings
        .iter()
        .find(|f| f.id == FindingId::UnknownAttribute)
        .expect("unknown attribute");
    assert!(!unknown.message.contains("did you mean"));
    assert!(unknown.message.len() < 1000, "{}", unknown.message.len());
    assert!(unknown.attribute.as_deref().is_some_and(|a| a.len() < 1000));
}
