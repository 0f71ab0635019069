//! End to end on a small agent trace: exact findings of a deliberately broken chat span, and
//! snapshots of the text, JSON and JUnit reports.

mod common;

use std::borrow::Cow;
use std::sync::Arc;

use common::*;
use genai_validator::telemetry::{
    Attributes, DataPoint, HistogramValue, LogRecord, Metric, MetricKind, Origin, PointValue,
    SpanId, SpanKind, Temporality, TraceId, Value,
};
use genai_validator::{Conformance, FindingId, Level, Telemetry};

fn broken_chat() -> genai_validator::telemetry::Span {
    let mut attrs = chat_attrs();
    attrs.retain(|(k, _)| *k != "gen_ai.provider.name");
    for (k, v) in &mut attrs {
        if *k == "gen_ai.usage.input_tokens" {
            *v = s("97");
        }
    }
    attrs.push(("gen_ai.request.max_token", Value::I64(200)));
    attrs.push(("gen_ai.system", s("mistral_ai")));
    span_in(
        7,
        2,
        Some(1),
        "chat mistral-large",
        SpanKind::Client,
        &attrs,
    )
}

fn agent_trace() -> Telemetry {
    let agent = span_in(
        7,
        1,
        None,
        "invoke_agent planner",
        SpanKind::Internal,
        &[
            ("gen_ai.operation.name", s("invoke_agent")),
            ("gen_ai.agent.name", s("planner")),
        ],
    );
    let tool = span_in(
        7,
        3,
        Some(1),
        "execute_tool get_weather",
        SpanKind::Internal,
        &[
            ("gen_ai.operation.name", s("execute_tool")),
            ("gen_ai.tool.name", s("get_weather")),
            ("gen_ai.tool.type", s("function")),
            ("gen_ai.tool.call.id", s("call_1")),
            ("gen_ai.tool.description", s("Weather by city")),
            ("gen_ai.agent.name", s("planner")),
        ],
    );
    let metric = Metric {
        name: Cow::Borrowed("gen_ai.client.operation.duration"),
        description: Cow::Borrowed(""),
        unit: Cow::Borrowed("ms"),
        kind: MetricKind::Histogram {
            temporality: Temporality::Cumulative,
        },
        points: vec![DataPoint {
            attributes: Attributes(vec![
                ("gen_ai.operation.name".into(), s("chat")),
                ("gen_ai.provider.name".into(), s("mistral_ai")),
            ]),
            value: PointValue::Histogram(HistogramValue {
                count: 1,
                ..HistogramValue::default()
            }),
            ..DataPoint::default()
        }],
        metadata: Attributes::new(),
        resource: Arc::default(),
        scope: Arc::default(),
        origin: Origin::sdk(),
    };
    let log = LogRecord {
        event_name: Some(Cow::Borrowed("gen_ai.evaluation.result")),
        time_unix_nano: 0,
        observed_time_unix_nano: 0,
        severity_number: 9,
        severity_text: None,
        body: None,
        attributes: Attributes(vec![("gen_ai.evaluation.name".into(), s("relevance"))]),
        trace_id: Some(TraceId::from(7u128)),
        span_id: Some(SpanId::from(2u64)),
        flags: 0,
        dropped_attributes_count: 0,
        resource: Arc::default(),
        scope: Arc::default(),
        origin: Origin::sdk(),
    };
    Telemetry {
        spans: vec![agent, broken_chat(), tool],
        logs: vec![log],
        metrics: vec![metric],
    }
}

#[test]
fn broken_chat_span_yields_exactly_the_expected_findings() {
    let (def, findings) = validator().check_span(&broken_chat());
    assert_eq!(def, Some("span.gen_ai.inference.client"));
    let mut got: Vec<(FindingId, Level, String)> = findings
        .iter()
        .filter(|f| f.level > Level::Information)
        .map(|f| {
            (
                f.id,
                f.level,
                f.attribute.as_deref().unwrap_or("").to_string(),
            )
        })
        .collect();
    got.sort();
    let mut expected = vec![
        (
            FindingId::RequiredAttributeNotPresent,
            Level::Violation,
            "gen_ai.provider.name".to_string(),
        ),
        (
            FindingId::TypeMismatch,
            Level::Violation,
            "gen_ai.usage.input_tokens".to_string(),
        ),
        (
            FindingId::UnknownAttribute,
            Level::Violation,
            "gen_ai.request.max_token".to_string(),
        ),
        (
            FindingId::LegacyAttribute,
            Level::Improvement,
            "gen_ai.system".to_string(),
        ),
    ];
    expected.sort();
    assert_eq!(got, expected, "{findings:#?}");
    let unknown = findings
        .iter()
        .find(|f| f.id == FindingId::UnknownAttribute)
        .map(|f| f.message.to_string());
    assert!(unknown.is_some_and(|m| m.contains("did you mean `gen_ai.request.max_tokens`")));
}

#[test]
fn assert_conforms_message_is_actionable() {
    let t = agent_trace();
    let err = Conformance::new()
        .verify(&t)
        .expect_err("the trace has violations");
    assert!(
        err.contains("span `chat mistral-large` (checked against span.gen_ai.inference.client)"),
        "{err}"
    );
    assert!(
        err.contains("required attribute `gen_ai.provider.name` is not present"),
        "{err}"
    );
    assert!(
        Conformance::new()
            .verify(&vec![span(
                "chat mistral-large",
                SpanKind::Client,
                &chat_attrs()
            )])
            .is_ok()
    );
}

#[test]
fn snapshot_text() {
    insta::assert_snapshot!(validator().validate(&agent_trace()).to_text());
}

#[test]
fn snapshot_json() {
    insta::assert_snapshot!(validator().validate(&agent_trace()).to_json());
}

#[test]
fn snapshot_junit() {
    insta::assert_snapshot!(validator().validate(&agent_trace()).to_junit());
}

/// A report of more items than one batch of the JSON and JUnit writers (which format every
/// other batch on a second thread), with names that need escaping in both.
fn many_items() -> genai_validator::Report {
    let names = [
        "chat \"quoted\" \\ back",
        "tab\tnew\nline\r\u{1}\u{1f}",
        "<b>&amp;</b> 'x'",
        "naïve \u{2028} ✓",
    ];
    let spans = (0..2600u64)
        .map(|i| {
            span_in(
                u128::from(i / 4 + 1),
                i + 1,
                None,
                names[(i % 4) as usize],
                SpanKind::Client,
                &chat_attrs(),
            )
        })
        .collect();
    validator().validate(&Telemetry {
        spans,
        ..Telemetry::default()
    })
}

#[test]
fn a_large_json_report_is_what_serde_json_writes_for_it() {
    let report = many_items();
    assert_eq!(report.spans.len(), 2600);
    let by_serde = serde_json::to_string_pretty(&genai_validator::report::json::to_value(&report))
        .expect("a JSON value prints");
    assert_eq!(report.to_json(), format!("{by_serde}\n"));
}

#[test]
fn a_large_junit_report_lists_every_item_once_in_order() {
    let report = many_items();
    let xml = report.to_junit();
    let cases: Vec<&str> = xml
        .lines()
        .filter(|l| l.trim_start().starts_with("<testcase "))
        .collect();
    assert_eq!(cases.len(), 2600);
    for (n, case) in cases.iter().enumerate() {
        let trace = format!("trace.{:032x}", n / 4 + 1);
        assert!(case.contains(&trace), "case {n} is not of {trace}: {case}");
    }
    let expected = [
        "chat &quot;quoted&quot; \\ back",
        "tab\tnew\nline",
        "&lt;b&gt;&amp;amp;&lt;/b&gt; &apos;x&apos;",
        "naïve \u{2028} ✓",
    ];
    for (n, name) in expected.iter().enumerate() {
        assert!(xml.contains(name), "{name:?} is not in the report");
        // Item n has name n (a name with a line break goes on past its case's first line).
        let first_line = name.split('\n').next().unwrap_or(name);
        assert!(cases[n].contains(first_line), "case {n}: {}", cases[n]);
    }
    assert!(!xml.contains('\u{1}') && !xml.contains('\r'));
}
