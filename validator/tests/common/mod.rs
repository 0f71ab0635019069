//! Helpers shared by the validator's tests.
#![allow(dead_code)]

use std::sync::OnceLock;

use genai_validator::telemetry::{Attributes, Span, SpanId, SpanKind, TraceId, Value};
use genai_validator::{Options, Validator};

pub fn registry() -> &'static genai_registry::ResolvedRegistry {
    genai_validator::embedded_registry()
}

/// A registry from one YAML file's text (`name` is the file name its diagnostics give).
pub fn registry_from_yaml(name: &str, yaml: &str) -> genai_registry::ResolvedRegistry {
    genai_registry::RegistryLoader::new()
        .load_files(vec![(std::path::PathBuf::from(name), yaml.to_string())])
        .unwrap_or_else(|d| panic!("{}", d.render()))
        .registry
}

pub fn validator() -> &'static Validator {
    static V: OnceLock<Validator> = OnceLock::new();
    V.get_or_init(|| Validator::new(registry()))
}

pub fn validator_with(options: Options) -> Validator {
    Validator::with_options(registry(), options)
}

pub fn span(name: &str, kind: SpanKind, attrs: &[(&str, Value)]) -> Span {
    span_in(1, 1, None, name, kind, attrs)
}

pub fn span_in(
    trace: u128,
    id: u64,
    parent: Option<u64>,
    name: &str,
    kind: SpanKind,
    attrs: &[(&str, Value)],
) -> Span {
    let attributes = Attributes(
        attrs
            .iter()
            .map(|(k, v)| ((*k).to_string().into(), v.clone()))
            .collect(),
    );
    let mut span = Span::new(
        TraceId::from(trace),
        SpanId::from(id),
        name.to_string(),
        kind,
        attributes,
    );
    span.parent_span_id = parent.map(SpanId::from);
    span.flags = 1;
    span.start_time_unix_nano = 1;
    span.end_time_unix_nano = 2;
    span
}

pub fn s(v: &str) -> Value {
    Value::from(v)
}

/// A conforming chat span (no findings at violation or improvement level).
pub fn chat_attrs() -> Vec<(&'static str, Value)> {
    vec![
        ("gen_ai.operation.name", s("chat")),
        ("gen_ai.provider.name", s("mistral_ai")),
        ("gen_ai.request.model", s("mistral-large")),
        ("gen_ai.response.model", s("mistral-large-2407")),
        ("gen_ai.response.id", s("resp-1")),
        (
            "gen_ai.response.finish_reasons",
            Value::StringArray(vec!["stop".into()]),
        ),
        ("gen_ai.request.max_tokens", Value::I64(200)),
        ("gen_ai.request.temperature", Value::F64(0.2)),
        ("gen_ai.request.top_p", Value::F64(0.9)),
        (
            "gen_ai.request.stop_sequences",
            Value::StringArray(vec!["\n\n".into()]),
        ),
        ("gen_ai.request.frequency_penalty", Value::F64(0.0)),
        ("gen_ai.request.presence_penalty", Value::F64(0.0)),
        ("gen_ai.usage.input_tokens", Value::I64(97)),
        ("gen_ai.usage.output_tokens", Value::I64(12)),
        ("gen_ai.usage.cache_read.input_tokens", Value::I64(0)),
        ("gen_ai.usage.cache_creation.input_tokens", Value::I64(0)),
        ("gen_ai.usage.reasoning.output_tokens", Value::I64(0)),
        ("gen_ai.request.reasoning.level", s("low")),
        ("gen_ai.conversation.compacted", Value::Bool(false)),
        ("gen_ai.response.time_to_first_chunk", Value::F64(0.1)),
        ("gen_ai.request.stream", Value::Bool(true)),
        ("gen_ai.request.previous_response.id", s("resp-0")),
        ("server.address", s("api.mistral.ai")),
        ("server.port", Value::I64(443)),
    ]
}
