//! Overhead of an instrumented tool call (an `execute_tool` span with 5 attributes) against
//! the same span written by hand, `tracing::instrument` + `tracing-opentelemetry`, no provider,
//! and an `AlwaysOff` sampler; the generated `execute_tool` builder against the same span by
//! hand; and an instrumented agent invocation (one tool call, with the agent and tool metrics)
//! against the same spans and metric points written by hand.
//!
//! ```sh
//! cargo bench -p genai-semconv --bench instrument -- --warm-up-time 1 --measurement-time 3
//! # (a) and (d) as interleaved A/B ratios, steadier on a busy machine:
//! GENAI_BENCH_INTERLEAVED=1 cargo bench -p genai-semconv --bench instrument
//! # (e) in instructions (callgrind), repeatable where timings are not:
//! benches/builder_instructions.sh 20000
//! ```

use std::hint::black_box;

use criterion::{Criterion, criterion_group};
use genai_semconv::builder::GenAiExecuteToolInternal;
use genai_semconv::instrument::telemetry::Telemetry;
use genai_semconv::{instrument_agent, instrument_tool};
use opentelemetry::global::BoxedTracer;
use opentelemetry::metrics::{Histogram, MeterProvider as _};
use opentelemetry::trace::{SpanKind, TraceContextExt, Tracer, TracerProvider as _};
use opentelemetry::{Context, InstrumentationScope, KeyValue};
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::metrics::{ManualReader, SdkMeterProvider};
use opentelemetry_sdk::trace::{Sampler, SdkTracer, SdkTracerProvider, SpanData, SpanExporter};
use tracing_subscriber::layer::SubscriberExt;

/// An exporter that drops everything.
#[derive(Debug)]
struct Discard;

impl SpanExporter for Discard {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        black_box(batch);
        Ok(())
    }
}

fn provider(sampler: Sampler) -> SdkTracerProvider {
    SdkTracerProvider::builder()
        .with_simple_exporter(Discard)
        .with_sampler(sampler)
        .build()
}

/// Searches the index.
#[instrument_tool(tracer = tracer, name = "search", tool_type = datastore, call_id = "call_1")]
fn tool_macro(tracer: &SdkTracer, x: u64) -> u64 {
    let _ = tracer;
    black_box(x) + 1
}

/// Same with the default (global) tracer.
#[instrument_tool(name = "search", tool_type = datastore, call_id = "call_1")]
fn tool_macro_global(x: u64) -> u64 {
    black_box(x) + 1
}

fn attrs() -> Vec<KeyValue> {
    vec![
        KeyValue::new("gen_ai.operation.name", "execute_tool"),
        KeyValue::new("gen_ai.tool.name", "search"),
        KeyValue::new("gen_ai.tool.type", "datastore"),
        KeyValue::new("gen_ai.tool.call.id", "call_1"),
        KeyValue::new("gen_ai.tool.description", "Searches the index."),
    ]
}

fn hand<T>(tracer: &T, x: u64) -> u64
where
    T: Tracer,
    T::Span: Send + Sync + 'static,
{
    let span = tracer
        .span_builder("execute_tool search")
        .with_kind(SpanKind::Internal)
        .with_attributes(attrs())
        .start(tracer);
    let cx = Context::current_with_span(span);
    let r = {
        let _g = cx.clone().attach();
        black_box(x) + 1
    };
    cx.span().end();
    r
}

fn hand_global(x: u64) -> u64 {
    let tracer =
        opentelemetry::global::tracer_with_scope(InstrumentationScope::builder("bench").build());
    hand(&tracer, x)
}

#[tracing::instrument(
    name = "execute_tool search",
    skip_all,
    fields(
        gen_ai.operation.name = "execute_tool",
        gen_ai.tool.name = "search",
        gen_ai.tool.type = "datastore",
        gen_ai.tool.call.id = "call_1",
        gen_ai.tool.description = "Searches the index.",
    )
)]
fn tool_tracing(x: u64) -> u64 {
    black_box(x) + 1
}

/// The same span through the generated builder.
fn builder_span(t: &Telemetry, x: u64) -> u64 {
    let span = GenAiExecuteToolInternal::new("search")
        .tool_type("datastore")
        .tool_call_id("call_1")
        .tool_description("Searches the index.")
        .telemetry(t)
        .start();
    let r = span.in_scope(|| black_box(x) + 1);
    span.end();
    r
}

/// Searches the index (inside the agent).
#[instrument_tool(telemetry = t, name = "search", tool_type = datastore, call_id = "call_1")]
fn agent_tool(t: &Telemetry, x: u64) -> u64 {
    let _ = t;
    black_box(x) + 1
}

/// An agent invocation with one tool call.
#[instrument_agent(telemetry = t, name = "bench-agent", provider = "openai", model = "gpt-4o")]
fn agent_macro(t: &Telemetry, x: u64) -> u64 {
    agent_tool(t, x)
}

/// The hand-written agent: the same two spans and the same five metric points.
struct HandAgent {
    tracer: BoxedTracer,
    agent_duration: Histogram<f64>,
    inference_calls: Histogram<u64>,
    tool_calls: Histogram<u64>,
    tool_duration: Histogram<f64>,
}

fn agent_hand(h: &HandAgent, x: u64) -> u64 {
    use std::time::Instant;
    let started = Instant::now();
    let span = h
        .tracer
        .span_builder("invoke_agent bench-agent")
        .with_kind(SpanKind::Internal)
        .with_attributes(vec![
            KeyValue::new("gen_ai.operation.name", "invoke_agent"),
            KeyValue::new("gen_ai.provider.name", "openai"),
            KeyValue::new("gen_ai.agent.name", "bench-agent"),
            KeyValue::new("gen_ai.request.model", "gpt-4o"),
            KeyValue::new(
                "gen_ai.agent.description",
                "An agent invocation with one tool call.",
            ),
        ])
        .start(&h.tracer);
    let cx = Context::current_with_span(span);
    let r = {
        let _g = cx.clone().attach();
        let t0 = Instant::now();
        let mut a = attrs();
        a.push(KeyValue::new("gen_ai.agent.name", "bench-agent"));
        let tool = h
            .tracer
            .span_builder("execute_tool search")
            .with_kind(SpanKind::Internal)
            .with_attributes(a)
            .start(&h.tracer);
        let tcx = Context::current_with_span(tool);
        let r = {
            let _g = tcx.clone().attach();
            black_box(x) + 1
        };
        tcx.span().end();
        h.tool_duration.record(
            t0.elapsed().as_secs_f64(),
            &[
                KeyValue::new("gen_ai.tool.name", "search"),
                KeyValue::new("gen_ai.tool.type", "datastore"),
                KeyValue::new("gen_ai.agent.name", "bench-agent"),
            ],
        );
        r
    };
    cx.span().end();
    let name = [KeyValue::new("gen_ai.agent.name", "bench-agent")];
    h.agent_duration.record(
        started.elapsed().as_secs_f64(),
        &[
            KeyValue::new("gen_ai.agent.name", "bench-agent"),
            KeyValue::new("gen_ai.request.model", "gpt-4o"),
        ],
    );
    h.inference_calls.record(0, &name);
    h.tool_calls.record(1, &name);
    r
}

fn agent_setup(sdk: &SdkTracerProvider) -> (Telemetry, HandAgent, SdkMeterProvider) {
    let mp = SdkMeterProvider::builder()
        .with_reader(ManualReader::builder().build())
        .build();
    let t = Telemetry::builder()
        .tracer_provider(sdk)
        .meter_provider(&mp)
        .build();
    let meter = mp.meter("bench");
    let hand = HandAgent {
        tracer: BoxedTracer::new(Box::new(sdk.tracer("bench"))),
        agent_duration: meter.f64_histogram("gen_ai.invoke_agent.duration").build(),
        inference_calls: meter
            .u64_histogram("gen_ai.invoke_agent.inference_calls")
            .build(),
        tool_calls: meter
            .u64_histogram("gen_ai.invoke_agent.tool_calls")
            .build(),
        tool_duration: meter.f64_histogram("gen_ai.execute_tool.duration").build(),
    };
    (t, hand, mp)
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("execute_tool");
    let sdk = provider(Sampler::AlwaysOn);
    let tracer = sdk.tracer("bench");
    g.bench_function("a_hand_sdk", |b| b.iter(|| hand(&tracer, 1)));
    g.bench_function("macro_sdk", |b| b.iter(|| tool_macro(&tracer, 1)));

    let subscriber = tracing_subscriber::registry()
        .with(tracing_opentelemetry::layer().with_tracer(sdk.tracer("bench-tracing")));
    tracing::subscriber::with_default(subscriber, || {
        g.bench_function("b_tracing_otel", |b| b.iter(|| tool_tracing(1)));
    });

    // No global provider is ever installed in this benchmark.
    g.bench_function("c_hand_no_provider", |b| b.iter(|| hand_global(1)));
    g.bench_function("macro_no_provider", |b| b.iter(|| tool_macro_global(1)));

    let off = provider(Sampler::AlwaysOff);
    let off_tracer = off.tracer("bench");
    g.bench_function("d_hand_always_off", |b| b.iter(|| hand(&off_tracer, 1)));
    g.bench_function("macro_always_off", |b| {
        b.iter(|| tool_macro(&off_tracer, 1))
    });

    // (e) the generated builder against the same span by hand, same (boxed) tracer.
    let t = Telemetry::builder().tracer_provider(&sdk).build();
    let boxed = BoxedTracer::new(Box::new(sdk.tracer("bench")));
    g.bench_function("e_hand_boxed", |b| b.iter(|| hand(&boxed, 1)));
    g.bench_function("builder_boxed", |b| b.iter(|| builder_span(&t, 1)));
    g.finish();

    // (f) an agent invocation with one tool call and its metrics.
    let mut g = c.benchmark_group("invoke_agent");
    let (t, hand_agent, _mp) = agent_setup(&sdk);
    g.bench_function("f_hand_with_metrics", |b| {
        b.iter(|| agent_hand(&hand_agent, 1))
    });
    g.bench_function("macro_with_metrics", |b| b.iter(|| agent_macro(&t, 1)));
    g.finish();
}

criterion_group!(benches, bench);
fn main() {
    if std::env::var_os("GENAI_BENCH_INTERLEAVED").is_some() {
        interleaved();
        return;
    }
    if let Ok(what) = std::env::var("GENAI_BENCH_COST") {
        cost(&what);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}

/// `GENAI_BENCH_INTERLEAVED=1`: hand-written and macro calls alternate in blocks of 20,000
/// (150 rounds each), and the median of the per-round ratios is printed. On a loaded machine
/// this is steadier than comparing two criterion runs taken seconds apart.
fn interleaved() {
    use std::time::Instant;
    fn med(v: &mut [f64]) -> f64 {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    }
    fn per_call(n: u32, f: &dyn Fn() -> u64) -> f64 {
        let s = Instant::now();
        for _ in 0..n {
            black_box(f());
        }
        s.elapsed().as_secs_f64() * 1e9 / f64::from(n)
    }
    let sdk = provider(Sampler::AlwaysOn);
    let tracer = sdk.tracer("bench");
    let off = provider(Sampler::AlwaysOff);
    let off_tracer = off.tracer("bench");
    let t = Telemetry::builder().tracer_provider(&sdk).build();
    let boxed = BoxedTracer::new(Box::new(sdk.tracer("bench")));
    let (ta, hand_agent, _mp) = agent_setup(&sdk);
    type Call<'a> = &'a dyn Fn() -> u64;
    let cases: [(&str, Call<'_>, Call<'_>); 5] = [
        ("(a) sdk", &|| hand(&tracer, 1), &|| tool_macro(&tracer, 1)),
        ("(c) no provider", &|| hand_global(1), &|| {
            tool_macro_global(1)
        }),
        ("(d) always off", &|| hand(&off_tracer, 1), &|| {
            tool_macro(&off_tracer, 1)
        }),
        ("(e) generated builder", &|| hand(&boxed, 1), &|| {
            builder_span(&t, 1)
        }),
        (
            "(f) agent with metrics",
            &|| agent_hand(&hand_agent, 1),
            &|| agent_macro(&ta, 1),
        ),
    ];
    let n = 20_000;
    for (label, h, m) in cases {
        let (mut hs, mut ms, mut rs) = (vec![], vec![], vec![]);
        for _ in 0..150 {
            let hn = per_call(n, h);
            let mn = per_call(n, m);
            hs.push(hn);
            ms.push(mn);
            rs.push(mn / hn);
        }
        println!(
            "{label}: hand {:.1} ns, macro {:.1} ns, median ratio macro/hand {:.3}",
            med(&mut hs),
            med(&mut ms),
            med(&mut rs)
        );
    }
}

/// `GENAI_BENCH_COST=hand|builder|tool_hand|tool_macro|agent_hand|agent_macro|none` (and
/// `GENAI_BENCH_COST_ITERS=N`, default 20,000): one side of case (e) (`hand`, `builder`), (a)
/// (`tool_*`) or (f) (`agent_*`), N times, for counting instructions with
/// `valgrind --tool=callgrind` (repeatable where timings on a shared machine are not); `none`
/// is the set-up alone, to subtract.
fn cost(what: &str) {
    let iters: u64 = std::env::var("GENAI_BENCH_COST_ITERS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(20_000);
    let sdk = provider(Sampler::AlwaysOn);
    let tracer = sdk.tracer("bench");
    let t = Telemetry::builder().tracer_provider(&sdk).build();
    let boxed = BoxedTracer::new(Box::new(sdk.tracer("bench")));
    let (ta, hand_agent, _mp) = agent_setup(&sdk);
    for i in 0..iters {
        match what {
            "hand" => drop(black_box(hand(&boxed, i))),
            "builder" => drop(black_box(builder_span(&t, i))),
            "tool_hand" => drop(black_box(hand(&tracer, i))),
            "tool_macro" => drop(black_box(tool_macro(&tracer, i))),
            "agent_hand" => drop(black_box(agent_hand(&hand_agent, i))),
            "agent_macro" => drop(black_box(agent_macro(&ta, i))),
            _ => {}
        }
    }
}
