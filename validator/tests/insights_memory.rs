//! Memory of insights on a stream: 1M spans (125,000 traces of 8: an agent, chat spans with
//! usage, tool calls) pushed through a [`TraceWindow`] into an [`InsightsBuilder`]; resident
//! memory is sampled from `/proc/self/status` (Linux) at every 100,000 spans.
//!
//! `cargo test --release -p genai-validator --test insights_memory -- --ignored --nocapture`

use std::borrow::Cow;

use genai_validator::insights::{InsightOptions, InsightsBuilder, TraceWindow};
use genai_validator::telemetry::{Attributes, Span, SpanId, SpanKind, TraceId, Value};

fn rss_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn span(i: u64) -> Span {
    let trace = i / 8;
    let first = i % 8 == 7; // the root comes last, as SDKs export it
    let s = |v: String| Value::from(v);
    let attrs: Vec<(&'static str, Value)> = if first {
        vec![
            ("gen_ai.operation.name", s("invoke_agent".into())),
            ("gen_ai.agent.name", s(format!("agent-{}", trace % 50))),
        ]
    } else if i.is_multiple_of(2) {
        vec![
            ("gen_ai.operation.name", s("chat".into())),
            ("gen_ai.provider.name", s("openai".into())),
            ("gen_ai.response.model", s("gpt-4o-2024-08-06".into())),
            ("gen_ai.usage.input_tokens", Value::I64(97)),
            ("gen_ai.usage.output_tokens", Value::I64(12)),
        ]
    } else {
        vec![
            ("gen_ai.operation.name", s("execute_tool".into())),
            ("gen_ai.tool.name", s(format!("tool-{}", trace % 20))),
            (
                "gen_ai.tool.call.arguments",
                s(format!("{{\"q\":{trace}}}")),
            ),
        ]
    };
    let mut span = Span::new(
        TraceId::from(u128::from(trace + 1)),
        SpanId::from(i + 1),
        Cow::Borrowed("span"),
        SpanKind::Internal,
        Attributes(attrs.into_iter().map(|(k, v)| (k.into(), v)).collect()),
    );
    span.parent_span_id = (!first).then(|| SpanId::from(trace * 8 + 8));
    span.flags = 1;
    span.start_time_unix_nano = i;
    span.end_time_unix_nano = i + 5;
    span
}

#[test]
#[ignore = "streams 1M spans; run with --release --nocapture"]
fn one_million_spans_in_bounded_memory() {
    let total: u64 = std::env::var("INSIGHTS_SPANS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let mut builder = InsightsBuilder::new(InsightOptions::default());
    let mut window = TraceWindow::new(10_000, 200_000);
    let start = std::time::Instant::now();
    let before = rss_kib("VmRSS:");
    let mut samples = Vec::new();
    for i in 0..total {
        window.push(span(i), |t| {
            let refs: Vec<&Span> = t.iter().collect();
            builder.add_trace(&refs);
        });
        if (i + 1) % 100_000 == 0 {
            samples.push(rss_kib("VmRSS:"));
        }
    }
    window.drain(|t| {
        let refs: Vec<&Span> = t.iter().collect();
        builder.add_trace(&refs);
    });
    let insights = builder.finish();
    let elapsed = start.elapsed();
    let peak = rss_kib("VmHWM:");
    println!(
        "{total} spans, {} traces in {:.2}s ({:.0} spans/s); RSS before {} KiB, samples {:?} KiB, peak {} KiB; {} traces kept, {} findings",
        insights.requests,
        elapsed.as_secs_f64(),
        total as f64 / elapsed.as_secs_f64(),
        before,
        samples,
        peak,
        insights.traces.len(),
        insights.findings.len()
    );
    assert_eq!(insights.requests, total / 8);
    assert_eq!(insights.llm_calls, total / 2);
    // Flat: the last sample is within 25% of the one at a third of the stream.
    if samples.len() >= 3 {
        let third = samples[samples.len() / 3];
        let last = samples[samples.len() - 1];
        assert!(last <= third + third / 4, "memory grows: {samples:?}");
    }
}
