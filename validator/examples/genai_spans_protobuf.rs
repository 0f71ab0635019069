//! Writes one OTLP protobuf `ExportTraceServiceRequest` of GenAI agent traces (one resource,
//! one scope holding every span: the worst case for reading a message in pieces), for
//! measuring `semconv validate` on large protobuf files (see `BENCHMARKS.md`).
//!
//! `cargo run --release -p genai-validator --example genai_spans_protobuf -- OUT [SPANS]`
//! (default 131072 spans). Each trace: invoke_agent -> (chat, execute_tool, chat), as
//! `benches/genai_spans_jsonl.py` writes them.

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{AnyValue, InstrumentationScope, KeyValue, any_value};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span};
use prost::Message;

fn kv(key: &str, v: any_value::Value) -> KeyValue {
    KeyValue {
        key: key.into(),
        value: Some(AnyValue { value: Some(v) }),
        ..Default::default()
    }
}

fn s(key: &str, v: &str) -> KeyValue {
    kv(key, any_value::Value::StringValue(v.into()))
}

fn i(key: &str, v: i64) -> KeyValue {
    kv(key, any_value::Value::IntValue(v))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let out = args
        .next()
        .ok_or("usage: genai_spans_protobuf OUT [SPANS]")?;
    let total: usize = args.next().map_or(Ok(131_072), |n| n.parse())?;
    let mut spans = Vec::with_capacity(total);
    let mut n = 0u64;
    while spans.len() < total {
        let trace = (u128::from(n) + 1).to_be_bytes().to_vec();
        let root = 4 * n + 1;
        let t = 1_700_000_000_000_000_000 + n * 1000;
        let span = |id: u64, parent: Option<u64>, name: &str, kind: i32, attributes| Span {
            trace_id: trace.clone(),
            span_id: id.to_be_bytes().to_vec(),
            parent_span_id: parent.map(|p| p.to_be_bytes().to_vec()).unwrap_or_default(),
            name: name.into(),
            kind,
            start_time_unix_nano: t,
            end_time_unix_nano: t + 500,
            attributes,
            ..Default::default()
        };
        let chat = |k: u64| {
            vec![
                s("gen_ai.operation.name", "chat"),
                s("gen_ai.provider.name", "openai"),
                s("gen_ai.request.model", "gpt-4o"),
                s("gen_ai.response.model", "gpt-4o-2024-08-06"),
                s("gen_ai.response.id", &format!("chatcmpl-{k}")),
                i("gen_ai.usage.input_tokens", 900 + (k % 100) as i64),
                i("gen_ai.usage.output_tokens", 40 + (k % 17) as i64),
                s("server.address", "api.openai.com"),
                i("server.port", 443),
            ]
        };
        spans.push(span(
            root,
            None,
            "invoke_agent planner",
            1,
            vec![
                s("gen_ai.operation.name", "invoke_agent"),
                s("gen_ai.provider.name", "openai"),
                s("gen_ai.agent.name", "planner"),
                s("gen_ai.request.model", "gpt-4o"),
            ],
        ));
        spans.push(span(root + 1, Some(root), "chat gpt-4o", 3, chat(2 * n)));
        spans.push(span(
            root + 2,
            Some(root),
            "execute_tool get_weather",
            1,
            vec![
                s("gen_ai.operation.name", "execute_tool"),
                s("gen_ai.tool.name", "get_weather"),
                s("gen_ai.tool.type", "function"),
                s("gen_ai.tool.call.id", &format!("call_{n}")),
            ],
        ));
        spans.push(span(
            root + 3,
            Some(root),
            "chat gpt-4o",
            3,
            chat(2 * n + 1),
        ));
        n += 1;
    }
    spans.truncate(total);
    let request = ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            resource: Some(Resource {
                attributes: vec![s("service.name", "agent")],
                ..Default::default()
            }),
            scope_spans: vec![ScopeSpans {
                scope: Some(InstrumentationScope {
                    name: "genai-semconv".into(),
                    ..Default::default()
                }),
                spans,
                ..Default::default()
            }],
            ..Default::default()
        }],
    };
    std::fs::write(&out, request.encode_to_vec())?;
    Ok(())
}
