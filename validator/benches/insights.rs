//! What insights add to validation: the same 1000 spans (traces of 8: an agent, chat spans
//! with usage, tool calls) validated alone (`validate_only`), and validated and analysed
//! (`validate_and_insights`: `Validator::validate_with_insights`, the insights reading the keys
//! the validation resolved, as `Conformance` and a session with insights do);
//! `insights_only` is `Insights::from_telemetry`, which reads the keys by their text. Target:
//! insights add at most 20% to the validation time per span.

use std::borrow::Cow;
use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group};
use genai_validator::insights::{InsightOptions, Insights};
use genai_validator::telemetry::{Attributes, Span, SpanId, SpanKind, TraceId, Value};
use genai_validator::{Telemetry, Validator};

// The allocator the `semconv` binary uses, so the figures are the shipped program's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Span `i` of trace `i / 8`: the first of each trace an `invoke_agent`, then alternately a
/// chat span (15 attributes, with usage) and a tool call.
fn span(i: u64) -> Span {
    let s = |v: &str| Value::from(v);
    let first = i.is_multiple_of(8);
    let attrs: Vec<(&'static str, Value)> = if first {
        vec![
            ("gen_ai.operation.name", s("invoke_agent")),
            ("gen_ai.agent.name", s("planner")),
            ("gen_ai.provider.name", s("openai")),
            ("gen_ai.request.model", s("gpt-4o")),
        ]
    } else if i % 2 == 1 {
        vec![
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
        ]
    } else {
        vec![
            ("gen_ai.operation.name", s("execute_tool")),
            ("gen_ai.tool.name", s("search")),
            ("gen_ai.tool.type", s("function")),
            ("gen_ai.tool.call.id", s("call_1")),
        ]
    };
    let trace = i / 8;
    // Named as the definitions' templates name them (a misnamed span would add a
    // `span_name_mismatch` finding, and its message, to every span's validation).
    let name = if first {
        "invoke_agent planner"
    } else if i % 2 == 1 {
        "chat gpt-4o"
    } else {
        "execute_tool search"
    };
    let mut span = Span::new(
        TraceId::from(u128::from(trace + 1)),
        SpanId::from(i + 1),
        Cow::Borrowed(name),
        if first {
            SpanKind::Internal
        } else {
            SpanKind::Client
        },
        Attributes(attrs.into_iter().map(|(k, v)| (k.into(), v)).collect()),
    );
    span.parent_span_id = (!first).then(|| SpanId::from(trace * 8 + 1));
    span.flags = 1;
    span.start_time_unix_nano = i;
    span.end_time_unix_nano = i + 10;
    span
}

fn setup() -> (Validator, Telemetry) {
    let registry = genai_registry::embedded::load()
        .expect("embedded registry")
        .registry;
    let validator = Validator::new(&registry);
    let telemetry = Telemetry {
        spans: (0..1000).map(span).collect(),
        ..Telemetry::default()
    };
    (validator, telemetry)
}

fn bench(c: &mut Criterion) {
    let (validator, telemetry) = setup();
    let options = InsightOptions::default();
    let mut g = c.benchmark_group("insights");
    g.throughput(Throughput::Elements(telemetry.spans.len() as u64));
    g.bench_function("validate_only", |b| {
        b.iter(|| black_box(validator.validate(black_box(&telemetry))))
    });
    g.bench_function("validate_and_insights", |b| {
        b.iter(|| black_box(validator.validate_with_insights(black_box(&telemetry), &options)))
    });
    g.bench_function("insights_only", |b| {
        b.iter(|| black_box(Insights::from_telemetry(black_box(&telemetry), &options)))
    });
    g.finish();
}

criterion_group!(benches, bench);

/// Criterion's run, or, with `INSIGHTS_COST=validate|insights|both|none` and
/// `INSIGHTS_COST_ITERS=N` set, N runs of one side only and nothing else: for counting
/// instructions with `valgrind --tool=callgrind` (`benches/insights_instructions.sh`), which is
/// repeatable where timings on a shared machine are not.
fn main() {
    if std::env::var_os("GENAI_BENCH_INTERLEAVED").is_some() {
        interleaved();
        return;
    }
    if let Ok(what) = std::env::var("INSIGHTS_COST") {
        let iters: usize = std::env::var("INSIGHTS_COST_ITERS")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(20);
        let (validator, telemetry) = setup();
        let options = InsightOptions::default();
        for _ in 0..iters {
            match what.as_str() {
                "validate" => drop(black_box(validator.validate(black_box(&telemetry)))),
                "insights" => drop(black_box(Insights::from_telemetry(
                    black_box(&telemetry),
                    &options,
                ))),
                "both" => drop(black_box(
                    validator.validate_with_insights(black_box(&telemetry), &options),
                )),
                _ => {}
            }
        }
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}

/// `GENAI_BENCH_INTERLEAVED=1`: `validate_only` and `validate_and_insights` alternate in blocks
/// of 20 runs (100 rounds), and the medians and the median of the per-round ratios are printed.
/// On a shared machine, whose speed drifts within minutes, this is steadier than two criterion
/// runs taken seconds apart.
fn interleaved() {
    use std::time::Instant;
    fn median(v: &mut [f64]) -> f64 {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    }
    let (validator, telemetry) = setup();
    let options = InsightOptions::default();
    let per_run = |f: &dyn Fn()| {
        let start = Instant::now();
        for _ in 0..20 {
            f();
        }
        start.elapsed().as_secs_f64() * 1e6 / 20.0
    };
    let validate = || drop(black_box(validator.validate(black_box(&telemetry))));
    let insights = || {
        drop(black_box(Insights::from_telemetry(
            black_box(&telemetry),
            &options,
        )))
    };
    let both = || {
        drop(black_box(
            validator.validate_with_insights(black_box(&telemetry), &options),
        ))
    };
    let (mut v, mut b, mut i, mut ratios) = (vec![], vec![], vec![], vec![]);
    for _ in 0..100 {
        let tv = per_run(&validate);
        let tb = per_run(&both);
        i.push(per_run(&insights));
        v.push(tv);
        b.push(tb);
        ratios.push(tb / tv);
    }
    println!(
        "per {} spans: validate_only {:.1} µs, validate_and_insights {:.1} µs, insights_only {:.1} µs; median ratio validate_and_insights / validate_only {:.3}",
        telemetry.spans.len(),
        median(&mut v),
        median(&mut b),
        median(&mut i),
        median(&mut ratios)
    );
}
