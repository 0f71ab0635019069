//! Validation throughput: in-memory spans of ~15 attributes (target ≥ 1M spans/s/core), and
//! OTLP/JSON parse + validate in MB/s.

use std::borrow::Cow;
use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use genai_validator::telemetry::{Attributes, Span, SpanId, SpanKind, TraceId, Value};
use genai_validator::{Session, Telemetry, Validator, decode_traces_json};

fn chat(i: u64) -> Span {
    let s = |v: &str| Value::from(v);
    let attrs: Vec<(&'static str, Value)> = vec![
        ("gen_ai.operation.name", s("chat")),
        ("gen_ai.provider.name", s("openai")),
        ("gen_ai.request.model", s("gpt-4o")),
        ("gen_ai.response.model", s("gpt-4o-2024-08-06")),
        ("gen_ai.response.id", s("chatcmpl-123")),
        (
            "gen_ai.response.finish_reasons",
            Value::StringArray(vec!["stop".into()]),
        ),
        ("gen_ai.request.max_tokens", Value::I64(200)),
        ("gen_ai.request.temperature", Value::F64(0.2)),
        ("gen_ai.request.top_p", Value::F64(0.9)),
        ("gen_ai.usage.input_tokens", Value::I64(97)),
        ("gen_ai.usage.output_tokens", Value::I64(12)),
        ("gen_ai.conversation.id", s("conv-1")),
        ("server.address", s("api.openai.com")),
        ("server.port", Value::I64(443)),
        ("openai.api.type", s("chat_completions")),
    ];
    let mut span = Span::new(
        TraceId::from(u128::from(i / 8 + 1)),
        SpanId::from(i + 1),
        Cow::Borrowed("chat gpt-4o"),
        SpanKind::Client,
        Attributes(attrs.into_iter().map(|(k, v)| (k.into(), v)).collect()),
    );
    span.flags = 1;
    span.start_time_unix_nano = 1;
    span.end_time_unix_nano = 2;
    span
}

fn otlp_json(n: u64) -> String {
    let spans: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#"{{"traceId":"{:032x}","spanId":"{:016x}","name":"chat gpt-4o","kind":3,"startTimeUnixNano":"1","endTimeUnixNano":"2","attributes":[
{{"key":"gen_ai.operation.name","value":{{"stringValue":"chat"}}}},{{"key":"gen_ai.provider.name","value":{{"stringValue":"openai"}}}},
{{"key":"gen_ai.request.model","value":{{"stringValue":"gpt-4o"}}}},{{"key":"gen_ai.response.model","value":{{"stringValue":"gpt-4o-2024-08-06"}}}},
{{"key":"gen_ai.response.id","value":{{"stringValue":"chatcmpl-123"}}}},{{"key":"gen_ai.response.finish_reasons","value":{{"arrayValue":{{"values":[{{"stringValue":"stop"}}]}}}}}},
{{"key":"gen_ai.request.max_tokens","value":{{"intValue":"200"}}}},{{"key":"gen_ai.request.temperature","value":{{"doubleValue":0.2}}}},
{{"key":"gen_ai.request.top_p","value":{{"doubleValue":0.9}}}},{{"key":"gen_ai.usage.input_tokens","value":{{"intValue":"97"}}}},
{{"key":"gen_ai.usage.output_tokens","value":{{"intValue":"12"}}}},{{"key":"gen_ai.conversation.id","value":{{"stringValue":"conv-1"}}}},
{{"key":"server.address","value":{{"stringValue":"api.openai.com"}}}},{{"key":"server.port","value":{{"intValue":"443"}}}},
{{"key":"openai.api.type","value":{{"stringValue":"chat_completions"}}}}]}}"#,
                i / 8 + 1,
                i + 1
            )
        })
        .collect();
    format!(
        r#"{{"resourceSpans":[{{"resource":{{"attributes":[{{"key":"service.name","value":{{"stringValue":"bench"}}}}]}},"scopeSpans":[{{"scope":{{"name":"bench"}},"spans":[{}]}}]}}]}}"#,
        spans.join(",")
    )
}

fn bench(c: &mut Criterion) {
    let registry = genai_registry::embedded::load()
        .expect("embedded registry")
        .registry;
    let validator = Validator::new(&registry);
    let telemetry = Telemetry {
        spans: (0..1000).map(chat).collect(),
        ..Telemetry::default()
    };
    let mut g = c.benchmark_group("validate");
    g.throughput(Throughput::Elements(telemetry.spans.len() as u64));
    g.bench_function("in_memory_spans_15_attrs", |b| {
        b.iter(|| black_box(validator.validate(black_box(&telemetry))))
    });
    // The streaming engine as `validate` and `live-check` run it: complete counts, bounded
    // listing, traces assembled in the window (fresh trace ids every round, so traces are
    // opened, completed and evicted as in a stream).
    let mut session = Session::new(&validator);
    let mut stream = telemetry.clone();
    let mut round = 0u64;
    g.bench_function("session_spans_15_attrs", |b| {
        b.iter(|| {
            round += 1;
            for (i, span) in stream.spans.iter_mut().enumerate() {
                span.trace_id = TraceId::from(u128::from(round) << 64 | (i as u128 / 8));
            }
            session.push(black_box(&stream));
        })
    });
    drop(session);
    let json = otlp_json(1000);
    g.throughput(Throughput::Bytes(json.len() as u64));
    g.bench_function("otlp_json_parse_and_validate", |b| {
        b.iter(|| {
            let t = decode_traces_json(black_box(json.as_bytes())).expect("valid");
            black_box(validator.validate(&t))
        })
    });
    g.throughput(Throughput::Elements(1));
    g.bench_function("validator_new", |b| {
        b.iter(|| black_box(Validator::new(black_box(&registry))))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
