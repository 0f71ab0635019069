//! Table-driven tests per rule: each case is a span (or log/metric) and the finding ids it
//! must and must not produce.

mod common;

use common::*;
use genai_validator::telemetry::{SpanKind, Status, Value};
use genai_validator::{FindingId, Level, Options};

fn ids_of(findings: &[genai_validator::Finding]) -> Vec<FindingId> {
    findings.iter().map(|f| f.id).collect()
}

fn with(extra: &[(&'static str, Value)], drop: &[&str]) -> Vec<(&'static str, Value)> {
    let mut a: Vec<_> = chat_attrs()
        .into_iter()
        .filter(|(k, _)| !drop.contains(k))
        .collect();
    for (k, v) in extra {
        a.retain(|(x, _)| x != k);
        a.push((k, v.clone()));
    }
    a
}

#[test]
fn matching_table_is_derived_from_the_registry() {
    let t = validator().span_matching_table();
    let get = |k: &str| {
        t.iter()
            .find(|(op, _)| op == k)
            .map(|(_, d)| d.clone())
            .unwrap_or_default()
    };
    assert_eq!(
        get("invoke_agent"),
        vec![
            "span.gen_ai.invoke_agent.client",
            "span.gen_ai.invoke_agent.internal"
        ]
    );
    assert_eq!(
        get("execute_tool"),
        vec!["span.gen_ai.execute_tool.internal"]
    );
    assert_eq!(get("embeddings"), vec!["span.gen_ai.embeddings.client"]);
    assert_eq!(get("search_memory"), vec!["span.gen_ai.memory.client"]);
    assert_eq!(get("*"), vec!["span.gen_ai.inference.client"]);
    assert_eq!(
        get("mcp.method.name=*"),
        vec!["span.mcp.client", "span.mcp.server"]
    );
    let refinements = get("span.gen_ai.inference.client + provider");
    for p in [
        "openai: openai.inference.client",
        "anthropic: anthropic.inference.client",
        "aws.bedrock: aws.bedrock.inference.client",
        "azure.ai.inference: azure.ai.inference.client",
    ] {
        assert!(
            refinements.iter().any(|r| r == p),
            "{p} missing from {refinements:?}"
        );
    }
}

/// Span name, kind, attributes, expected definition.
type MatchCase = (
    &'static str,
    SpanKind,
    Vec<(&'static str, Value)>,
    Option<&'static str>,
);

#[test]
fn matching_cases() {
    let cases: Vec<MatchCase> = vec![
        (
            "chat m",
            SpanKind::Client,
            vec![("gen_ai.operation.name", s("chat"))],
            Some("span.gen_ai.inference.client"),
        ),
        (
            "chat m",
            SpanKind::Client,
            vec![
                ("gen_ai.operation.name", s("chat")),
                ("gen_ai.provider.name", s("openai")),
            ],
            Some("openai.inference.client"),
        ),
        (
            "chat m",
            SpanKind::Client,
            vec![
                ("gen_ai.operation.name", s("chat")),
                ("gen_ai.provider.name", s("aws.bedrock")),
            ],
            Some("aws.bedrock.inference.client"),
        ),
        (
            "invoke_agent a",
            SpanKind::Client,
            vec![("gen_ai.operation.name", s("invoke_agent"))],
            Some("span.gen_ai.invoke_agent.client"),
        ),
        (
            "invoke_agent a",
            SpanKind::Internal,
            vec![("gen_ai.operation.name", s("invoke_agent"))],
            Some("span.gen_ai.invoke_agent.internal"),
        ),
        (
            "execute_tool t",
            SpanKind::Internal,
            vec![("gen_ai.operation.name", s("execute_tool"))],
            Some("span.gen_ai.execute_tool.internal"),
        ),
        (
            "tools/call t",
            SpanKind::Client,
            vec![
                ("mcp.method.name", s("tools/call")),
                ("gen_ai.operation.name", s("execute_tool")),
            ],
            Some("span.mcp.client"),
        ),
        (
            "tools/call t",
            SpanKind::Server,
            vec![("mcp.method.name", s("tools/call"))],
            Some("span.mcp.server"),
        ),
        (
            "custom",
            SpanKind::Client,
            vec![("gen_ai.operation.name", s("chat_completion"))],
            Some("span.gen_ai.inference.client"),
        ),
        (
            "GET /",
            SpanKind::Client,
            vec![("http.request.method", s("GET"))],
            None,
        ),
    ];
    for (name, kind, attrs, expected) in cases {
        let (def, _) = validator().check_span(&span(name, kind, &attrs));
        assert_eq!(def, expected, "{name} {kind:?} {attrs:?}");
    }
}

struct Case {
    what: &'static str,
    kind: SpanKind,
    name: &'static str,
    attrs: Vec<(&'static str, Value)>,
    error: bool,
    options: Options,
    expect: &'static [(FindingId, Level)],
    absent: &'static [FindingId],
}

fn case(
    what: &'static str,
    attrs: Vec<(&'static str, Value)>,
    expect: &'static [(FindingId, Level)],
    absent: &'static [FindingId],
) -> Case {
    Case {
        what,
        kind: SpanKind::Client,
        name: "chat mistral-large",
        attrs,
        error: false,
        options: Options::default(),
        expect,
        absent,
    }
}

#[test]
fn span_rules() {
    use FindingId::*;
    use Level::*;
    let capture = Options {
        capture_content: true,
        ..Options::default()
    };
    let cases = vec![
        case(
            "conforming chat",
            chat_attrs(),
            &[],
            &[
                RequiredAttributeNotPresent,
                RecommendedAttributeNotPresent,
                TypeMismatch,
                UnknownAttribute,
                SpanNameMismatch,
                SpanKindMismatch,
                OptInAttributePresent,
            ],
        ),
        case(
            "required missing",
            with(&[], &["gen_ai.provider.name"]),
            &[(RequiredAttributeNotPresent, Violation)],
            &[],
        ),
        case(
            "recommended missing",
            with(&[], &["gen_ai.usage.input_tokens"]),
            &[(RecommendedAttributeNotPresent, Improvement)],
            &[RequiredAttributeNotPresent],
        ),
        case(
            "server.port decidable",
            with(&[], &["server.port"]),
            &[(ConditionallyRequiredAttributeNotPresent, Violation)],
            &[],
        ),
        case(
            "server.port not needed",
            with(&[], &["server.port", "server.address"]),
            &[(RecommendedAttributeNotPresent, Improvement)],
            &[],
        ),
        Case {
            error: true,
            ..case(
                "error.type on errored span",
                chat_attrs(),
                &[(ConditionallyRequiredAttributeNotPresent, Violation)],
                &[],
            )
        },
        case(
            "undecidable condition is information",
            chat_attrs(),
            &[(ConditionallyRequiredAttributeNotPresent, Information)],
            &[],
        ),
        case(
            "type mismatch",
            with(&[("gen_ai.usage.input_tokens", s("97"))], &[]),
            &[(TypeMismatch, Violation)],
            &[],
        ),
        case(
            "double for int",
            with(&[("gen_ai.request.max_tokens", Value::F64(1.5))], &[]),
            &[(TypeMismatch, Violation)],
            &[],
        ),
        case(
            "custom enum value",
            with(&[("gen_ai.provider.name", s("acme"))], &[]),
            &[(UndefinedEnumVariant, Information)],
            &[],
        ),
        case(
            "unknown gen_ai key",
            with(&[("gen_ai.request.max_token", Value::I64(3))], &[]),
            &[(UnknownAttribute, Violation)],
            &[],
        ),
        case(
            "foreign key is fine",
            with(&[("http.request.method", s("POST"))], &[]),
            &[],
            &[UnknownAttribute],
        ),
        Case {
            options: Options {
                allowed_namespaces: vec!["gen_ai.acme".into()],
                ..Options::default()
            },
            ..case(
                "allowed namespace",
                with(&[("gen_ai.acme.flag", Value::Bool(true))], &[]),
                &[],
                &[UnknownAttribute],
            )
        },
        case(
            "legacy gen_ai.system",
            with(&[("gen_ai.system", s("openai"))], &[]),
            &[(LegacyAttribute, Improvement)],
            &[UnknownAttribute],
        ),
        case(
            "legacy prompt content leaks",
            with(&[("gen_ai.prompt.0.content", s("hi"))], &[]),
            &[
                (LegacyAttribute, Improvement),
                (OptInAttributePresent, Violation),
            ],
            &[UnknownAttribute],
        ),
        case(
            "llm.* legacy",
            with(&[("llm.model_name", s("m"))], &[]),
            &[(LegacyAttribute, Improvement)],
            &[],
        ),
        case(
            "prompt.name is current",
            with(&[("gen_ai.prompt.name", s("p"))], &[]),
            &[],
            &[LegacyAttribute, UnknownAttribute],
        ),
        case(
            "content without capture",
            with(
                &[(
                    "gen_ai.input.messages",
                    s(r#"[{"role":"user","parts":[{"type":"text","content":"hi"}]}]"#),
                )],
                &[],
            ),
            &[(OptInAttributePresent, Violation)],
            &[],
        ),
        Case {
            options: capture.clone(),
            ..case(
                "content with capture",
                with(
                    &[(
                        "gen_ai.input.messages",
                        s(r#"[{"role":"user","parts":[{"type":"text","content":"hi"}]}]"#),
                    )],
                    &[],
                ),
                &[],
                &[OptInAttributePresent, ContentSchemaMismatch],
            )
        },
        Case {
            options: capture.clone(),
            ..case(
                "bad content with capture",
                with(&[("gen_ai.input.messages", s(r#"[{"parts":[]}]"#))], &[]),
                &[(ContentSchemaMismatch, Violation)],
                &[OptInAttributePresent],
            )
        },
        Case {
            options: capture.clone(),
            ..case(
                "output needs finish_reason",
                with(
                    &[(
                        "gen_ai.output.messages",
                        s(r#"[{"role":"assistant","parts":[{"type":"text","content":"hi"}]}]"#),
                    )],
                    &[],
                ),
                &[(ContentSchemaMismatch, Violation)],
                &[],
            )
        },
        case("span name", with(&[], &[]), &[], &[SpanNameMismatch]),
        Case {
            name: "chat",
            ..case(
                "span name mismatch",
                chat_attrs(),
                &[(SpanNameMismatch, Improvement)],
                &[],
            )
        },
        Case {
            kind: SpanKind::Server,
            ..case(
                "span kind mismatch",
                chat_attrs(),
                &[(SpanKindMismatch, Violation)],
                &[],
            )
        },
        Case {
            kind: SpanKind::Internal,
            ..case(
                "in-process inference may be internal",
                chat_attrs(),
                &[],
                &[SpanKindMismatch],
            )
        },
        case(
            "missing operation name",
            vec![("gen_ai.request.model", s("m"))],
            &[(MissingOperationName, Violation)],
            &[],
        ),
        case(
            "not genai",
            vec![("http.request.method", s("GET"))],
            &[],
            &[MissingOperationName],
        ),
    ];
    for c in cases {
        let mut sp = span(c.name, c.kind, &c.attrs);
        if c.error {
            sp.status = Status::Error {
                message: "boom".into(),
            };
        }
        let v = validator_with(c.options.clone());
        let (_, findings) = v.check_span(&sp);
        for (id, level) in c.expect {
            assert!(
                findings.iter().any(|f| f.id == *id && f.level == *level),
                "{}: expected {id} at {level}, got {findings:#?}",
                c.what
            );
        }
        for id in c.absent {
            assert!(
                !ids_of(&findings).contains(id),
                "{}: unexpected {id}: {findings:#?}",
                c.what
            );
        }
    }
}

#[test]
fn invoke_agent_names() {
    for (name, attrs, ok) in [
        (
            "invoke_agent planner",
            vec![("gen_ai.agent.name", s("planner"))],
            true,
        ),
        ("invoke_agent", vec![], true),
        (
            "invoke_agent other",
            vec![("gen_ai.agent.name", s("planner"))],
            false,
        ),
    ] {
        let mut a = vec![("gen_ai.operation.name", s("invoke_agent"))];
        a.extend(attrs);
        let (_, f) = validator().check_span(&span(name, SpanKind::Internal, &a));
        assert_eq!(
            !ids_of(&f).contains(&FindingId::SpanNameMismatch),
            ok,
            "{name}: {f:#?}"
        );
    }
}
