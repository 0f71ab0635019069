//! The derived facts ([`genai_registry::facts`]) on every upstream snapshot: one test per fact
//! kind, each over v1.37.0, v1.41.1, v1.44.0, v1.44.0-full and genai-dev (and the embedded
//! project registry). The snapshots word the same facts differently ("is expected to be" /
//! "SHOULD be", classic provider spans / definition/2 refinements); the facts must not differ.
//! Reads `$SEMCONV_UPSTREAM` and skips, saying so, when it is unset.

use std::path::PathBuf;
use std::sync::OnceLock;

use genai_registry::{
    Condition, Discriminator, Group, NamePart, RegistryLoader, ResolvedRegistry, SpanKind,
};

const SNAPSHOTS: [&str; 5] = ["v1.37.0", "v1.41.1", "v1.44.0", "v1.44.0-full", "genai-dev"];

fn upstream() -> Option<PathBuf> {
    match std::env::var_os("SEMCONV_UPSTREAM") {
        Some(p) => Some(PathBuf::from(p)),
        None => {
            eprintln!("skipping: SEMCONV_UPSTREAM is unset");
            None
        }
    }
}

/// Every snapshot, loaded once per test binary.
fn snapshots() -> Option<&'static [(&'static str, ResolvedRegistry)]> {
    static ALL: OnceLock<Vec<(&'static str, ResolvedRegistry)>> = OnceLock::new();
    let up = upstream()?;
    Some(ALL.get_or_init(|| {
        SNAPSHOTS
            .iter()
            .map(|s| {
                let dir = up.join(s).join("model");
                match RegistryLoader::new().load_dir(&dir) {
                    Ok(l) => (*s, l.registry),
                    Err(d) => panic!("cannot load {}:\n{}", dir.display(), d.render()),
                }
            })
            .collect()
    }))
}

fn group<'a>(snapshot: &str, r: &'a ResolvedRegistry, id: &str) -> &'a Group {
    r.group(id)
        .unwrap_or_else(|| panic!("{snapshot}: `{id}` is not defined"))
}

fn embedded() -> ResolvedRegistry {
    genai_registry::embedded::load()
        .unwrap_or_else(|d| panic!("{}", d.render()))
        .registry
}

#[test]
fn claimed_operations() {
    let Some(all) = snapshots() else { return };
    for (snap, r) in all {
        for (id, ops) in [
            ("span.gen_ai.invoke_agent.client", &["invoke_agent"][..]),
            ("span.gen_ai.execute_tool.internal", &["execute_tool"]),
            ("span.gen_ai.embeddings.client", &["embeddings"]),
            ("span.gen_ai.inference.client", &[]),
        ] {
            let g = group(snap, r, id);
            let facts = &g.as_span().expect("a span").facts;
            assert_eq!(facts.operations, ops, "{snap}: {id}");
        }
        if *snap != "v1.37.0" {
            let g = group(snap, r, "span.gen_ai.invoke_agent.internal");
            assert_eq!(
                g.as_span().expect("a span").facts.operations,
                ["invoke_agent"],
                "{snap}: the in-process agent span (the v1.41.1 matching bug)"
            );
        }
    }
    // The project's wording ("is expected to be one of `a`, `b` ... or `c`").
    let ours = embedded();
    let memory = &ours
        .group("span.gen_ai.memory.client")
        .expect("memory span");
    let ops = &memory.as_span().expect("a span").facts.operations;
    assert!(
        ops.len() >= 2 && ops.iter().any(|o| o == "create_memory_store"),
        "{ops:?}"
    );
}

#[test]
fn refinement_providers() {
    let Some(all) = snapshots() else { return };
    for (snap, r) in all {
        let (openai, bedrock) = if *snap == "genai-dev" {
            ("openai.inference.client", "aws.bedrock.inference.client")
        } else {
            ("span.openai.inference.client", "span.aws.bedrock.client")
        };
        for (id, provider) in [(openai, "openai"), (bedrock, "aws.bedrock")] {
            let g = group(snap, r, id);
            assert_eq!(g.provider.as_deref(), Some(provider), "{snap}: {id}");
            assert_eq!(
                g.specializes.as_deref(),
                Some("span.gen_ai.inference.client"),
                "{snap}: {id}"
            );
        }
        let generic = group(snap, r, "span.gen_ai.inference.client");
        assert_eq!(generic.provider, None, "{snap}");
        assert_eq!(generic.specializes, None, "{snap}");
    }
}

#[test]
fn span_kinds() {
    let Some(all) = snapshots() else { return };
    for (snap, r) in all {
        let kinds = |id: &str| {
            group(snap, r, id)
                .as_span()
                .expect("a span")
                .facts
                .kinds
                .clone()
        };
        assert_eq!(
            kinds("span.gen_ai.inference.client"),
            [SpanKind::Client, SpanKind::Internal],
            "{snap}: \"MAY be set to `INTERNAL`\""
        );
        assert_eq!(
            kinds("span.gen_ai.execute_tool.internal"),
            [SpanKind::Internal],
            "{snap}"
        );
        assert_eq!(
            kinds("span.gen_ai.invoke_agent.client"),
            [SpanKind::Client],
            "{snap}"
        );
    }
}

#[test]
fn name_templates() {
    let Some(all) = snapshots() else { return };
    for (snap, r) in all {
        let tool = group(snap, r, "span.gen_ai.execute_tool.internal");
        let t = tool.as_span().and_then(|s| s.facts.name.as_ref());
        let t = t.unwrap_or_else(|| panic!("{snap}: no name template"));
        assert_eq!(t.alternatives.len(), 1, "{snap}: {t:?}");
        assert_eq!(
            t.alternatives[0].parts,
            [
                NamePart::Literal("execute_tool ".into()),
                NamePart::Attribute("gen_ai.tool.name".into())
            ],
            "{snap}"
        );
        let agent = group(snap, r, "span.gen_ai.invoke_agent.client");
        let t = agent
            .as_span()
            .and_then(|s| s.facts.name.as_ref())
            .expect("template");
        assert_eq!(
            t.primary().map(|p| p.text.as_str()),
            Some("invoke_agent {gen_ai.agent.name}"),
            "{snap}"
        );
        assert!(
            t.alternatives.iter().any(|p| p.text == "invoke_agent"),
            "{snap}: the form without an agent name: {t:?}"
        );
        if let Some(mcp) = r.group("span.mcp.client") {
            let t = mcp
                .as_span()
                .and_then(|s| s.facts.name.as_ref())
                .expect("template");
            assert_eq!(
                t.alternatives[0].parts,
                [
                    NamePart::Attribute("mcp.method.name".into()),
                    NamePart::Literal(" ".into()),
                    NamePart::Placeholder("target".into())
                ],
                "{snap}"
            );
        } else {
            assert_eq!(*snap, "v1.37.0", "MCP spans exist from v1.41.1 on");
        }
    }
}

#[test]
fn discriminators() {
    let Some(all) = snapshots() else { return };
    for (snap, r) in all {
        let d = |id: &str| {
            group(snap, r, id)
                .as_span()
                .expect("a span")
                .facts
                .discriminator
                .clone()
        };
        assert_eq!(
            d("span.gen_ai.invoke_agent.client"),
            Some(Discriminator::OperationName),
            "{snap}"
        );
        if r.group("span.mcp.client").is_some() {
            assert_eq!(
                d("span.mcp.client"),
                Some(Discriminator::Attribute("mcp.method.name".into())),
                "{snap}"
            );
        }
    }
}

#[test]
fn bucket_advice() {
    // Upstream models carry no bucket advice (only their docs do): none is invented.
    let Some(all) = snapshots() else { return };
    for (snap, r) in all {
        for m in r.metrics() {
            let advice = m.as_metric().and_then(|x| x.bucket_boundaries.as_ref());
            assert_eq!(advice, None, "{snap}: {}", m.id);
        }
        assert!(r.metrics().count() >= 5, "{snap}: metrics were compared");
    }
    // The project registry states it as an `advice` annotation.
    let ours = embedded();
    let buckets = |id: &str| {
        ours.group(id)
            .and_then(|g| g.as_metric()?.bucket_boundaries.clone())
            .unwrap_or_default()
    };
    let tokens = buckets("metric.gen_ai.client.token.usage");
    assert_eq!(tokens.first(), Some(&1.0), "{tokens:?}");
    assert_eq!(tokens.len(), 14);
    let duration = buckets("metric.gen_ai.client.operation.duration");
    assert_eq!(duration.first(), Some(&0.01), "{duration:?}");
    assert!(duration.windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn requirement_conditions() {
    let Some(all) = snapshots() else { return };
    for (snap, r) in all {
        let g = group(snap, r, "span.gen_ai.inference.client");
        let cond = |key: &str| {
            g.attribute(key)
                .unwrap_or_else(|| panic!("{snap}: no {key}"))
                .condition
                .clone()
        };
        assert_eq!(cond("error.type"), Some(Condition::OnError), "{snap}");
        assert_eq!(
            cond("server.port"),
            Some(Condition::WhenPresent("server.address".into())),
            "{snap}"
        );
        assert_eq!(
            cond("gen_ai.request.model"),
            Some(Condition::Prose),
            "{snap}"
        );
        assert_eq!(
            cond("gen_ai.operation.name"),
            None,
            "{snap}: required, no condition"
        );
    }
    let ours = embedded();
    let chat = ours.group("span.gen_ai.inference.client").expect("chat");
    let cond = |key: &str| chat.attribute(key).and_then(|a| a.condition.clone());
    assert_eq!(cond("error.type"), Some(Condition::OnError));
    assert_eq!(
        cond("server.port"),
        Some(Condition::WhenPresent("server.address".into()))
    );
    assert_eq!(cond("gen_ai.request.stream"), Some(Condition::Streaming));
    // A recommended attribute's condition is derived too; a bare `recommended` has none.
    assert_eq!(
        cond("gen_ai.response.time_to_first_chunk"),
        Some(Condition::Streaming)
    );
    assert_eq!(
        cond("gen_ai.request.reasoning.level"),
        Some(Condition::Prose)
    );
    assert_eq!(cond("gen_ai.request.frequency_penalty"), None);
    // Upstream genai-dev words both differently and means the same.
    if let Some(all) = snapshots()
        && let Some((_, dev)) = all.iter().find(|(s, _)| *s == "genai-dev")
    {
        let chat = dev.group("span.gen_ai.inference.client").expect("chat");
        let cond = |key: &str| chat.attribute(key).and_then(|a| a.condition.clone());
        assert_eq!(cond("gen_ai.request.stream"), Some(Condition::Streaming));
        assert_eq!(
            cond("gen_ai.response.time_to_first_chunk"),
            Some(Condition::Streaming)
        );
    }
}
