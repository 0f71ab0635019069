//! A typical agent trace matched against every upstream registry snapshot: each span must be
//! checked against the definition meant for it, whichever wording the registry's notes use
//! ("is expected to be", "SHOULD be"), whether provider spans are classic groups
//! (`span.openai.inference.client`) or definition/2 refinements (`openai.inference.client`).
//! Reads `$SEMCONV_UPSTREAM` and skips, saying so, when it is unset.

mod common;

use std::path::PathBuf;

use common::{s, span};
use genai_registry::{RegistryLoader, ResolvedRegistry};
use genai_validator::FindingId;
use genai_validator::Validator;
use genai_validator::telemetry::{SpanKind, Value};

fn upstream() -> Option<PathBuf> {
    match std::env::var_os("SEMCONV_UPSTREAM") {
        Some(p) => Some(PathBuf::from(p)),
        None => {
            eprintln!("skipping: SEMCONV_UPSTREAM is unset");
            None
        }
    }
}

fn load(snapshot: &str) -> Option<ResolvedRegistry> {
    let dir = upstream()?.join(snapshot).join("model");
    match RegistryLoader::new().load_dir(&dir) {
        Ok(l) => Some(l.registry),
        Err(d) => panic!("cannot load {}:\n{}", dir.display(), d.render()),
    }
}

/// One span of the trace: name, kind, attributes, and the definition it must match (`None`:
/// the snapshot does not define that operation).
struct Case {
    what: &'static str,
    name: &'static str,
    kind: SpanKind,
    attrs: Vec<(&'static str, Value)>,
}

fn trace() -> Vec<Case> {
    let op = |v: &'static str| ("gen_ai.operation.name", s(v));
    let provider = |v: &'static str| ("gen_ai.provider.name", s(v));
    vec![
        Case {
            what: "remote agent",
            name: "invoke_agent travel",
            kind: SpanKind::Client,
            attrs: vec![
                op("invoke_agent"),
                provider("openai"),
                ("gen_ai.agent.name", s("travel")),
            ],
        },
        Case {
            what: "in-process agent",
            name: "invoke_agent planner",
            kind: SpanKind::Internal,
            attrs: vec![
                op("invoke_agent"),
                provider("openai"),
                ("gen_ai.agent.name", s("planner")),
            ],
        },
        Case {
            what: "chat with openai",
            name: "chat gpt-4o",
            kind: SpanKind::Client,
            attrs: vec![
                op("chat"),
                provider("openai"),
                ("gen_ai.request.model", s("gpt-4o")),
            ],
        },
        Case {
            what: "chat with another provider",
            name: "chat mistral-large",
            kind: SpanKind::Client,
            attrs: vec![
                op("chat"),
                provider("mistral_ai"),
                ("gen_ai.request.model", s("mistral-large")),
            ],
        },
        Case {
            what: "tool",
            name: "execute_tool get_weather",
            kind: SpanKind::Internal,
            attrs: vec![
                op("execute_tool"),
                provider("openai"),
                ("gen_ai.tool.name", s("get_weather")),
            ],
        },
        Case {
            what: "embeddings",
            name: "embeddings text-embedding-3-small",
            kind: SpanKind::Client,
            attrs: vec![
                op("embeddings"),
                provider("openai"),
                ("gen_ai.request.model", s("text-embedding-3-small")),
            ],
        },
        Case {
            what: "workflow",
            name: "invoke_workflow trip",
            kind: SpanKind::Internal,
            attrs: vec![
                op("invoke_workflow"),
                provider("openai"),
                ("gen_ai.workflow.name", s("trip")),
            ],
        },
    ]
}

/// Checks the trace against `snapshot`: `expected` lists, per case, the definition id.
fn check(snapshot: &str, expected: &[Option<&str>]) {
    let Some(registry) = load(snapshot) else {
        return;
    };
    let validator = Validator::new(&registry);
    let cases = trace();
    assert_eq!(cases.len(), expected.len());
    let mut wrong = Vec::new();
    for (case, want) in cases.iter().zip(expected) {
        let Some(want) = want else { continue };
        let sp = span(case.name, case.kind, &case.attrs);
        let (def, findings) = validator.check_span(&sp);
        if def != Some(*want) {
            wrong.push(format!(
                "{snapshot}: {} matched {def:?}, expected `{want}`",
                case.what
            ));
        }
        // The reported bug: an agent span checked against the tool definition.
        for f in &findings {
            if f.id == FindingId::RequiredAttributeNotPresent
                && f.attribute.as_deref() == Some("gen_ai.tool.name")
                && case.what != "tool"
            {
                wrong.push(format!(
                    "{snapshot}: {} asked for gen_ai.tool.name",
                    case.what
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn v1_37_0() {
    check(
        "v1.37.0",
        &[
            Some("span.gen_ai.invoke_agent.client"),
            // v1.37.0 has no in-process agent span: the client one is the only candidate.
            Some("span.gen_ai.invoke_agent.client"),
            Some("span.openai.inference.client"),
            Some("span.gen_ai.inference.client"),
            Some("span.gen_ai.execute_tool.internal"),
            Some("span.gen_ai.embeddings.client"),
            None,
        ],
    );
}

#[test]
fn v1_41_1() {
    check(
        "v1.41.1",
        &[
            Some("span.gen_ai.invoke_agent.client"),
            Some("span.gen_ai.invoke_agent.internal"),
            Some("span.openai.inference.client"),
            Some("span.gen_ai.inference.client"),
            Some("span.gen_ai.execute_tool.internal"),
            Some("span.gen_ai.embeddings.client"),
            Some("span.gen_ai.invoke_workflow.internal"),
        ],
    );
}

#[test]
fn v1_44_0() {
    check(
        "v1.44.0",
        &[
            Some("span.gen_ai.invoke_agent.client"),
            Some("span.gen_ai.invoke_agent.internal"),
            Some("span.openai.inference.client"),
            Some("span.gen_ai.inference.client"),
            Some("span.gen_ai.execute_tool.internal"),
            Some("span.gen_ai.embeddings.client"),
            Some("span.gen_ai.invoke_workflow.internal"),
        ],
    );
}

#[test]
fn genai_dev() {
    check(
        "genai-dev",
        &[
            Some("span.gen_ai.invoke_agent.client"),
            Some("span.gen_ai.invoke_agent.internal"),
            Some("openai.inference.client"),
            Some("span.gen_ai.inference.client"),
            Some("span.gen_ai.execute_tool.internal"),
            Some("span.gen_ai.embeddings.client"),
            Some("span.gen_ai.invoke_workflow.internal"),
        ],
    );
}

#[test]
fn embedded_registry() {
    let validator = common::validator();
    let expected = [
        "span.gen_ai.invoke_agent.client",
        "span.gen_ai.invoke_agent.internal",
        "openai.inference.client",
        "span.gen_ai.inference.client",
        "span.gen_ai.execute_tool.internal",
        "span.gen_ai.embeddings.client",
        "span.gen_ai.invoke_workflow.internal",
    ];
    for (case, want) in trace().iter().zip(expected) {
        let (def, _) = validator.check_span(&span(case.name, case.kind, &case.attrs));
        assert_eq!(def, Some(want), "{}", case.what);
    }
}
