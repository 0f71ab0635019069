//! Requirement conditions the registry decides from data (`genai_registry::Condition`) and the
//! rules apply: streaming, "when X is V", on error, when present.

mod common;

use common::{chat_attrs, span, validator};
use genai_validator::telemetry::{SpanKind, Status, Value};
use genai_validator::{FindingId, Level, Telemetry, Validator, decode_metrics_json};

/// The `(id, level)` findings on `key` of one span.
fn on(attrs: &[(&str, Value)], key: &str) -> Vec<(FindingId, Level)> {
    let telemetry = Telemetry {
        spans: vec![span("chat mistral-large", SpanKind::Client, attrs)],
        ..Telemetry::default()
    };
    let report = validator().validate(&telemetry);
    report.spans[0]
        .findings
        .iter()
        .filter(|f| f.attribute.as_deref() == Some(key))
        .map(|f| (f.id, f.level))
        .collect()
}

fn without(drop: &[&str]) -> Vec<(&'static str, Value)> {
    chat_attrs()
        .into_iter()
        .filter(|(k, _)| !drop.contains(k))
        .collect()
}

#[test]
fn streaming_is_decided_from_the_attributes_conditioned_on_it() {
    const STREAM: &str = "gen_ai.request.stream";
    const TTFC: &str = "gen_ai.response.time_to_first_chunk";
    // A time to first chunk says the call streamed: the stream flag is then required.
    let attrs = without(&[STREAM]);
    assert_eq!(
        on(&attrs, STREAM),
        [(
            FindingId::ConditionallyRequiredAttributeNotPresent,
            Level::Violation
        )]
    );
    // Neither: a call without the flag is non-streaming, so neither is asked for.
    let attrs = without(&[STREAM, TTFC]);
    assert_eq!(on(&attrs, STREAM), []);
    assert_eq!(on(&attrs, TTFC), []);
    // The flag alone: the time to first chunk is recommended.
    let mut attrs = without(&[TTFC]);
    assert_eq!(
        on(&attrs, TTFC),
        [(
            FindingId::RecommendedAttributeNotPresent,
            Level::Improvement
        )]
    );
    // The flag set to false: not a streaming call.
    for (k, v) in &mut attrs {
        if *k == STREAM {
            *v = Value::Bool(false);
        }
    }
    assert_eq!(on(&attrs, TTFC), []);
    // Both: nothing to say about either.
    assert_eq!(on(&chat_attrs(), STREAM), []);
    assert_eq!(on(&chat_attrs(), TTFC), []);
}

#[test]
fn error_type_is_required_on_failed_spans_only() {
    let attrs = without(&["error.type"]);
    assert_eq!(on(&attrs, "error.type"), []);
    let mut failed = span("chat mistral-large", SpanKind::Client, &attrs);
    failed.status = Status::Error {
        message: "boom".into(),
    };
    let report = validator().validate(&Telemetry {
        spans: vec![failed],
        ..Telemetry::default()
    });
    let found: Vec<_> = report.spans[0]
        .findings
        .iter()
        .filter(|f| f.attribute.as_deref() == Some("error.type"))
        .map(|f| (f.id, f.level))
        .collect();
    assert_eq!(
        found,
        [(
            FindingId::ConditionallyRequiredAttributeNotPresent,
            Level::Violation
        )]
    );
}

/// A registry whose metric conditions one attribute on another's value.
fn acme() -> genai_registry::ResolvedRegistry {
    let yaml = r#"
groups:
  - id: registry.acme
    type: attribute_group
    brief: Acme attributes.
    attributes:
      - id: acme.mode
        type: string
        brief: Mode.
        stability: development
      - id: acme.detail
        type: string
        brief: Detail.
        stability: development
  - id: metric.acme.jobs
    type: metric
    metric_name: acme.jobs
    instrument: counter
    unit: "{job}"
    brief: Jobs.
    stability: development
    attributes:
      - ref: acme.mode
        requirement_level: required
      - ref: acme.detail
        requirement_level:
          conditionally_required: When `acme.mode` is `full`.
"#;
    common::registry_from_yaml("acme.yaml", yaml)
}

fn jobs(mode: Option<&str>) -> Vec<u8> {
    let attrs = mode.map_or(String::new(), |m| {
        format!(r#"{{"key":"acme.mode","value":{{"stringValue":"{m}"}}}}"#)
    });
    format!(
        r#"{{"resourceMetrics":[{{"scopeMetrics":[{{"metrics":[{{"name":"acme.jobs","unit":"{{job}}",
        "sum":{{"aggregationTemporality":2,"isMonotonic":true,"dataPoints":[{{"asInt":"1",
        "timeUnixNano":"1","attributes":[{attrs}]}}]}}}}]}}]}}]}}"#
    )
    .into_bytes()
}

#[test]
fn a_value_condition_is_decided_by_the_value() {
    let registry = acme();
    let condition = registry
        .group("metric.acme.jobs")
        .and_then(|g| g.attribute("acme.detail"))
        .and_then(|a| a.condition.clone());
    assert_eq!(
        condition,
        Some(genai_registry::Condition::WhenValue {
            key: "acme.mode".into(),
            value: "full".into()
        })
    );
    let v = Validator::new(&registry);
    let detail = |mode: Option<&str>| -> Vec<(FindingId, Level)> {
        let t = decode_metrics_json(&jobs(mode)).expect("valid OTLP/JSON");
        let report = v.validate(&t);
        report
            .metrics
            .iter()
            .flat_map(|m| &m.findings)
            .filter(|f| f.attribute.as_deref() == Some("acme.detail"))
            .map(|f| (f.id, f.level))
            .collect()
    };
    assert_eq!(
        detail(Some("full")),
        [(
            FindingId::ConditionallyRequiredAttributeNotPresent,
            Level::Violation
        )]
    );
    assert_eq!(detail(Some("brief")), []);
    assert_eq!(detail(None), []);
}
