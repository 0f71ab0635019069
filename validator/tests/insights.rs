//! Insights on hand-built traces: every figure and every finding, with exact values; and on
//! the OTLP files in `tests/data`, against an independent sum of the same attributes.

mod common;

use std::borrow::Cow;
use std::sync::Arc;

use common::{s, span_in};
use genai_validator::insights::{
    InsightId, InsightOptions, Insights, InsightsBuilder, ModelKey, Thresholds, TraceWindow,
};
use genai_validator::telemetry::{
    Attributes, DataPoint, HistogramValue, Metric, MetricKind, Origin, PointValue, Span, SpanId,
    SpanKind, Status, Telemetry, Temporality, Value,
};
use genai_validator::{Conformance, Level};

fn i(v: i64) -> Value {
    Value::I64(v)
}

fn at(mut span: Span, start_ms: u64, end_ms: u64) -> Span {
    span.start_time_unix_nano = start_ms * 1_000_000;
    span.end_time_unix_nano = end_ms * 1_000_000;
    span
}

fn failed(mut span: Span) -> Span {
    span.status = Status::Error {
        message: Cow::Borrowed("failed"),
    };
    span
}

fn chat(trace: u128, id: u64, parent: Option<u64>, model: &str, usage: [i64; 3]) -> Span {
    span_in(
        trace,
        id,
        parent,
        &format!("chat {model}"),
        SpanKind::Client,
        &[
            ("gen_ai.operation.name", s("chat")),
            ("gen_ai.provider.name", s("openai")),
            ("gen_ai.request.model", s("gpt-4o")),
            ("gen_ai.response.model", s(model)),
            ("gen_ai.usage.input_tokens", i(usage[0])),
            ("gen_ai.usage.output_tokens", i(usage[1])),
            ("gen_ai.usage.cache_read.input_tokens", i(usage[2])),
        ],
    )
}

fn tool(trace: u128, id: u64, parent: u64, name: &str, args: Option<&str>) -> Span {
    let mut attrs = vec![
        ("gen_ai.operation.name", s("execute_tool")),
        ("gen_ai.tool.name", s(name)),
    ];
    if let Some(a) = args {
        attrs.push(("gen_ai.tool.call.arguments", s(a)));
    }
    span_in(
        trace,
        id,
        Some(parent),
        &format!("execute_tool {name}"),
        SpanKind::Internal,
        &attrs,
    )
}

fn agent(trace: u128, id: u64, parent: Option<u64>, name: &str, extra: &[(&str, Value)]) -> Span {
    let mut attrs = vec![
        ("gen_ai.operation.name", s("invoke_agent")),
        ("gen_ai.agent.name", s(name)),
        ("gen_ai.provider.name", s("openai")),
    ];
    attrs.extend(extra.iter().cloned());
    span_in(
        trace,
        id,
        parent,
        &format!("invoke_agent {name}"),
        SpanKind::Internal,
        &attrs,
    )
}

/// Trace 1: agent `planner` (its span repeats its children's usage) calls `search` three
/// times with the same arguments, the third failing; chat spans in between.
/// Trace 2: a failed, rate-limited chat with an unpriced model.
/// Trace 3: agents nested three deep; the innermost makes one chat call.
fn telemetry() -> Telemetry {
    let mut ttft = chat(1, 2, Some(1), "gpt-4o-2024-08-06", [100, 20, 40]);
    ttft.attributes
        .push("gen_ai.response.time_to_first_chunk", Value::F64(0.5));
    let mut last_search = failed(tool(1, 7, 1, "search", Some(r#"{"q":"x"}"#)));
    last_search.attributes.push("error.type", "timeout");
    let mut limited = failed(span_in(
        2,
        20,
        None,
        "chat mystery-1",
        SpanKind::Client,
        &[
            ("gen_ai.operation.name", s("chat")),
            ("gen_ai.provider.name", s("acme")),
            ("gen_ai.request.model", s("mystery-1")),
            ("gen_ai.usage.input_tokens", i(10)),
            ("gen_ai.usage.output_tokens", i(5)),
            ("error.type", s("rate_limit_exceeded")),
        ],
    ));
    limited.start_time_unix_nano = 0;
    limited.end_time_unix_nano = 2_000_000_000;
    let spans = vec![
        at(ttft, 10, 110),
        at(tool(1, 3, 1, "search", Some(r#"{"q":"x"}"#)), 120, 140),
        at(
            chat(1, 4, Some(1), "gpt-4o-2024-08-06", [100, 20, 0]),
            150,
            250,
        ),
        at(tool(1, 5, 1, "search", Some(r#"{"q":"x"}"#)), 260, 300),
        at(
            chat(1, 6, Some(1), "gpt-4o-2024-08-06", [100, 20, 0]),
            310,
            410,
        ),
        at(last_search, 420, 480),
        at(
            agent(
                1,
                1,
                None,
                "planner",
                &[
                    ("gen_ai.usage.input_tokens", i(300)),
                    ("gen_ai.usage.output_tokens", i(60)),
                ],
            ),
            0,
            500,
        ),
        limited,
        at(agent(3, 30, None, "outer", &[]), 0, 1000),
        at(agent(3, 31, Some(30), "middle", &[]), 10, 900),
        at(agent(3, 32, Some(31), "inner", &[]), 20, 800),
        at(
            chat(3, 33, Some(32), "gpt-4o-mini-2024-07-18", [1000, 100, 0]),
            30,
            700,
        ),
    ];
    Telemetry {
        spans,
        ..Telemetry::default()
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

fn ids(n: &[u64]) -> Vec<SpanId> {
    n.iter().map(|x| SpanId::from(*x)).collect()
}

#[test]
fn figures_are_exact() {
    let x = Insights::from_telemetry(&telemetry(), &InsightOptions::default());
    assert!(x.prices.contains("2026-08-21"), "{}", x.prices);
    assert_eq!((x.requests, x.successful_requests), (3, 2));
    // The planner's own usage repeats its children's: counted once.
    assert_eq!(
        (x.usage.input, x.usage.output, x.usage.cache_read),
        (1310, 165, 40)
    );
    // gpt-4o: 60*2.5 + 40*1.25 + 20*10, then twice 100*2.5 + 20*10; gpt-4o-mini: 1000*0.15 + 100*0.6.
    let expected = (400.0 + 450.0 + 450.0 + 210.0) / 1e6;
    assert!(close(x.cost_usd, expected), "{}", x.cost_usd);
    assert!(close(x.successful_cost_usd, expected));
    assert!(close(
        x.cost_per_successful_request_mean().unwrap_or(0.0),
        expected / 2.0
    ));
    assert_eq!(x.unpriced_calls, 1);
    assert_eq!((x.unpriced_usage.input, x.unpriced_usage.output), (10, 5));
    assert_eq!(x.llm_calls, 5);
    assert_eq!(x.tool_calls, 3);
    let d = &x.llm_calls_per_request;
    assert_eq!(
        (d.max(), d.p50(), d.p95()),
        (Some(3.0), Some(1.0), Some(3.0))
    );
    let d = &x.llm_calls_per_agent_invocation;
    assert_eq!(d.count(), 4);
    assert_eq!(
        (d.max(), d.p50(), d.p95()),
        (Some(3.0), Some(0.0), Some(3.0))
    );
    assert_eq!(x.cache_hit_rate(), Some(40.0 / 1310.0));
    assert_eq!(x.time_to_first_chunk.p50(), Some(0.5));
    assert_eq!(x.rate_limit_hits, 1);
    assert_eq!(
        x.errors
            .iter()
            .map(|(k, v)| (k.as_str(), *v))
            .collect::<Vec<_>>(),
        [("rate_limit_exceeded", 1), ("timeout", 1)]
    );
    let search = &x.tools["search"];
    assert_eq!((search.calls, search.errors), (3, 1));
    assert_eq!(search.error_rate(), Some(1.0 / 3.0));
    assert_eq!(search.duration.p50(), Some(0.04));
    assert_eq!(search.duration.p95(), Some(0.06));
    let planner = &x.agents["planner"];
    assert_eq!((planner.calls, planner.llm_calls), (1, 3));
    assert_eq!((planner.usage.input, planner.usage.output), (300, 60));
    assert!(close(planner.cost_usd, 0.0013));
    assert_eq!(planner.duration.max(), Some(0.5));
    assert_eq!(x.agents["inner"].llm_calls, 1);
    assert_eq!(x.agents["outer"].llm_calls, 0);
    let acme = &x.models[&ModelKey {
        provider: "acme".into(),
        model: "mystery-1".into(),
    }];
    assert_eq!(
        (
            acme.calls,
            acme.errors,
            acme.rate_limited,
            acme.unpriced_calls
        ),
        (1, 1, 1, 1)
    );
    let gpt4o = &x.models[&ModelKey {
        provider: "openai".into(),
        model: "gpt-4o-2024-08-06".into(),
    }];
    assert_eq!(
        (gpt4o.calls, gpt4o.llm_calls, gpt4o.usage.input),
        (3, 3, 300)
    );
    assert_eq!(gpt4o.time_to_first_chunk.p50(), Some(0.5));
    assert_eq!(x.traces.len(), 3);
    let t1 = &x.traces[0];
    assert_eq!(
        (t1.root.as_str(), t1.llm_calls, t1.tool_calls, t1.failed),
        ("invoke_agent planner", 3, 3, false)
    );
    assert!(close(t1.cost_usd, 0.0013));
    assert_eq!(t1.duration_s, 0.5);
    assert!(x.traces[1].failed);
    assert_eq!(x.traces[1].unpriced_calls, 1);
}

#[test]
fn built_in_detection_reports_loops_and_unpriced_models_without_failing() {
    let x = Insights::from_telemetry(&telemetry(), &InsightOptions::default());
    let counts: Vec<(&str, usize)> = x.counts().iter().map(|(id, n)| (id.as_str(), *n)).collect();
    assert_eq!(counts, [("loop_suspected", 1), ("unpriced_model", 1)]);
    assert!(!x.has_violations());
    let l = x
        .findings_with(InsightId::LoopSuspected)
        .next()
        .expect("loop");
    assert_eq!(l.level, Level::Improvement);
    // The three calls, then the LLM calls between the first and the last.
    assert_eq!(l.spans, ids(&[3, 5, 7, 4, 6]));
    assert_eq!((l.usage.input, l.usage.output), (200, 40));
    assert!(close(l.cost_usd.unwrap_or(-1.0), 0.0009));
    assert!(
        l.message
            .contains("\"search\" 3 times with the same arguments"),
        "{}",
        l.message
    );
}

#[test]
fn every_threshold_crossing_is_a_violation() {
    let th = Thresholds {
        max_llm_calls_per_request: Some(2),
        max_llm_calls_per_agent: Some(2),
        max_tokens_per_request: Some(300),
        max_cost_per_request: Some(0.001),
        max_tool_error_rate: Some(0.2),
        max_repeated_tool_calls: Some(2),
        max_agent_depth: Some(2),
    };
    let x = Insights::from_telemetry(
        &telemetry(),
        &InsightOptions {
            thresholds: th,
            ..InsightOptions::default()
        },
    );
    let mut got: Vec<(&str, Option<String>)> = x
        .findings
        .iter()
        .filter(|f| f.level == Level::Violation)
        .map(|f| {
            (
                f.id.as_str(),
                f.trace_id.map(|t| t.to_string()[30..].to_string()),
            )
        })
        .collect();
    got.sort();
    let t = |n: u8| Some(format!("0{n}"));
    assert_eq!(
        got,
        [
            ("agent_llm_call_budget_exceeded", t(1)),
            ("agent_nesting_too_deep", t(3)),
            ("cost_budget_exceeded", t(1)),
            ("llm_call_budget_exceeded", t(1)),
            ("loop_suspected", t(1)),
            ("token_budget_exceeded", t(1)),
            ("token_budget_exceeded", t(3)),
            ("tool_error_rate_exceeded", None),
        ]
    );
    let nest = x
        .findings_with(InsightId::AgentNestingTooDeep)
        .next()
        .expect("nesting");
    assert_eq!(nest.spans, ids(&[32, 31, 30]));
    let budget = x
        .findings_with(InsightId::CostBudgetExceeded)
        .next()
        .expect("cost");
    assert!(close(budget.cost_usd.unwrap_or(0.0), 0.0013));
    let agent = x
        .findings_with(InsightId::AgentLlmCallBudgetExceeded)
        .next()
        .expect("agent budget");
    assert_eq!(agent.spans, ids(&[1, 2, 4, 6]));
    assert_eq!(agent.usage.input, 300);
}

#[test]
fn the_test_api_fails_on_thresholds() {
    let t = telemetry();
    let err = Conformance::new()
        .allow_custom_attributes(true)
        .max_llm_calls_per_request(2)
        .verify(&t)
        .expect_err("three LLM calls in one request");
    assert!(err.contains("llm_call_budget_exceeded"), "{err}");
    assert!(err.contains("2026-08-21"), "{err}");
    let x = Conformance::new()
        .max_llm_calls_per_request(10)
        .insights(&t);
    assert!(!x.has_violations());
}

#[test]
fn consecutive_calls_without_arguments_are_a_loop() {
    let spans = vec![
        at(agent(9, 1, None, "a", &[]), 0, 100),
        at(tool(9, 2, 1, "fetch", None), 1, 2),
        at(tool(9, 3, 1, "fetch", None), 3, 4),
        at(tool(9, 4, 1, "other", None), 5, 6),
        at(tool(9, 5, 1, "fetch", None), 7, 8),
        at(tool(9, 6, 1, "fetch", None), 9, 10),
        at(tool(9, 7, 1, "fetch", None), 11, 12),
    ];
    let x = Insights::from_telemetry(
        &Telemetry {
            spans,
            ..Telemetry::default()
        },
        &InsightOptions::default(),
    );
    let loops: Vec<_> = x.findings_with(InsightId::LoopSuspected).collect();
    assert_eq!(loops.len(), 1, "{loops:?}");
    assert_eq!(loops[0].spans, ids(&[5, 6, 7]));
    assert!(
        loops[0].message.contains("in a row"),
        "{}",
        loops[0].message
    );
}

fn histogram(name: &str, attrs: &[(&str, Value)], count: u64, sum: f64) -> Metric {
    Metric {
        name: name.to_string().into(),
        description: Cow::Borrowed(""),
        unit: Cow::Borrowed("1"),
        kind: MetricKind::Histogram {
            temporality: Temporality::Cumulative,
        },
        points: vec![DataPoint {
            attributes: Attributes(
                attrs
                    .iter()
                    .map(|(k, v)| ((*k).to_string().into(), v.clone()))
                    .collect(),
            ),
            time_unix_nano: 5,
            value: PointValue::Histogram(HistogramValue {
                count,
                sum: Some(sum),
                min: None,
                max: None,
                bucket_counts: vec![0, count],
                explicit_bounds: vec![1.0],
            }),
            ..DataPoint::default()
        }],
        metadata: Attributes::new(),
        resource: Arc::default(),
        scope: Arc::default(),
        origin: Origin::sdk(),
    }
}

#[test]
fn metrics_that_contradict_spans_are_violations() {
    let mut t = telemetry();
    t.metrics = vec![
        histogram(
            "gen_ai.invoke_agent.inference_calls",
            &[("gen_ai.agent.name", s("planner"))],
            1,
            3.0,
        ),
        histogram(
            "gen_ai.invoke_agent.inference_calls",
            &[("gen_ai.agent.name", s("inner"))],
            1,
            4.0,
        ),
        histogram(
            "gen_ai.client.token.usage",
            &[("gen_ai.token.type", s("input"))],
            5,
            1310.0,
        ),
        histogram(
            "gen_ai.client.token.usage",
            &[("gen_ai.token.type", s("output"))],
            5,
            999.0,
        ),
        histogram("gen_ai.client.operation.time_to_first_chunk", &[], 2, 1.5),
    ];
    let x = Insights::from_telemetry(&t, &InsightOptions::default());
    let wrong: Vec<&str> = x
        .metric_checks
        .iter()
        .filter(|c| !c.agrees())
        .map(|c| c.subject.as_str())
        .collect();
    assert_eq!(wrong, ["LLM calls of agent \"inner\"", "output tokens"]);
    assert_eq!(x.metric_checks.len(), 6);
    let mismatches: Vec<_> = x.findings_with(InsightId::MetricSpanMismatch).collect();
    assert_eq!(mismatches.len(), 2);
    assert!(mismatches.iter().all(|f| f.level == Level::Violation));
    let h = x.time_to_first_chunk_metric.as_ref().expect("ttfc metric");
    assert_eq!((h.count, h.mean()), (2, Some(0.75)));
}

#[test]
fn streams_stay_bounded() {
    let options = InsightOptions {
        max_traces_kept: 2,
        max_keys: 3,
        max_findings: 1,
        thresholds: Thresholds {
            max_llm_calls_per_request: Some(0),
            ..Thresholds::default()
        },
        ..InsightOptions::default()
    };
    let mut b = InsightsBuilder::new(options);
    let mut window = TraceWindow::new(4, 100);
    for n in 0..50u64 {
        let trace = u128::from(n) + 1;
        let child = at(
            chat(
                trace,
                2 * n + 2,
                Some(2 * n + 1),
                &format!("m-{n}"),
                [n as i64, 1, 0],
            ),
            1,
            2,
        );
        let root = at(tool(trace, 2 * n + 1, 0, &format!("t-{n}"), None), 0, 3);
        let mut root = root;
        root.parent_span_id = None;
        window.push(child, |spans| {
            let refs: Vec<&Span> = spans.iter().collect();
            b.add_trace(&refs);
        });
        window.push(root, |spans| {
            let refs: Vec<&Span> = spans.iter().collect();
            b.add_trace(&refs);
        });
    }
    assert!(window.is_empty());
    let x = b.finish();
    assert_eq!(x.requests, 50);
    assert_eq!(x.traces.len(), 2);
    assert_eq!(x.traces_dropped, 48);
    // The most expensive two are kept (the largest input counts).
    assert_eq!(
        x.traces.iter().map(|t| t.usage.input).collect::<Vec<_>>(),
        [48, 49]
    );
    assert_eq!(x.tools.len(), 4, "3 tools and (other)");
    assert_eq!(x.tools["(other)"].calls, 47);
    // One finding per trace (50), plus one `unpriced_model` per model roll-up at the end (three
    // models and "(other)"): one kept, the rest counted.
    assert_eq!((x.findings.len(), x.findings_dropped), (1, 53));
}

#[test]
fn the_most_expensive_traces_are_kept_in_the_order_they_came() {
    let mut b = InsightsBuilder::new(InsightOptions {
        max_traces_kept: 3,
        ..InsightOptions::default()
    });
    let inputs = [5, 1, 9, 3, 7, 2, 8, 7, 4, 10, 6];
    for (n, input) in inputs.iter().enumerate() {
        let span = chat(n as u128 + 1, 1, None, "gpt-4o", [*input, 1, 0]);
        b.add_trace(&[&span]);
    }
    let x = b.finish();
    // 9 and 8 stay; 10 replaces the first 7 (the cheapest kept when it came); the later 7
    // weighs no more than the cheapest kept then (7) and is dropped.
    assert_eq!(
        x.traces.iter().map(|t| t.usage.input).collect::<Vec<_>>(),
        [9, 8, 10]
    );
    assert_eq!(x.traces_dropped, 8);
}

#[test]
fn window_evicts_traces_whose_root_never_comes() {
    let mut window = TraceWindow::new(2, 1000);
    let mut done = Vec::new();
    for n in 0..5u128 {
        window.push(tool(n + 1, 1, 99, "x", None), |t| done.push(t[0].trace_id));
    }
    assert_eq!(done.len(), 3);
    assert_eq!(window.len(), 2);
    window.drain(|t| done.push(t[0].trace_id));
    assert_eq!(done.len(), 5);
}

/// Usage summed straight from the OTLP/JSON, independently of the decoder: every span with a
/// usage attribute whose span id is no other usage span's parent.
fn independent_sums(path: &str) -> (u64, u64, u64) {
    let text = std::fs::read_to_string(path).expect("test data");
    let mut spans: Vec<serde_json::Value> = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let Ok(doc) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        collect(&doc, &mut spans);
    }
    if spans.is_empty()
        && let Ok(doc) = serde_json::from_str::<serde_json::Value>(&text)
    {
        collect(&doc, &mut spans);
    }
    let attr = |s: &serde_json::Value, k: &str| -> Option<u64> {
        s["attributes"]
            .as_array()?
            .iter()
            .find(|a| a["key"] == k)
            .and_then(|a| {
                let v = &a["value"]["intValue"];
                v.as_u64().or_else(|| v.as_str()?.parse().ok())
            })
    };
    let with_usage: Vec<&serde_json::Value> = spans
        .iter()
        .filter(|s| {
            attr(s, "gen_ai.usage.input_tokens").is_some()
                || attr(s, "gen_ai.usage.output_tokens").is_some()
        })
        .collect();
    let parents: Vec<&str> = with_usage
        .iter()
        .filter_map(|s| s["parentSpanId"].as_str())
        .collect();
    let mut sums = (0, 0, 0);
    for s in with_usage {
        if parents.contains(&s["spanId"].as_str().unwrap_or("")) {
            continue;
        }
        sums.0 += attr(s, "gen_ai.usage.input_tokens").unwrap_or(0);
        sums.1 += attr(s, "gen_ai.usage.output_tokens").unwrap_or(0);
        sums.2 += 1;
    }
    sums
}

fn collect(doc: &serde_json::Value, out: &mut Vec<serde_json::Value>) {
    for rs in doc["resourceSpans"].as_array().into_iter().flatten() {
        for ss in rs["scopeSpans"].as_array().into_iter().flatten() {
            out.extend(ss["spans"].as_array().into_iter().flatten().cloned());
        }
    }
}

#[test]
fn otlp_files_match_an_independent_sum() {
    for name in [
        "genai-traces.json",
        "collector-traces.jsonl",
        "mixed-signals.jsonl",
    ] {
        let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
        let (t, errors) = genai_validator::load_file(&path).expect("readable");
        assert!(errors.is_empty(), "{errors:?}");
        let x = Insights::from_telemetry(&t, &InsightOptions::default());
        let (input, output, calls) = independent_sums(&path);
        // mixed-signals.jsonl carries usage only in a metric: its span sums are zero.
        assert!(
            calls > 0 || name == "mixed-signals.jsonl",
            "{name} has usage"
        );
        assert_eq!((x.usage.input, x.usage.output), (input, output), "{name}");
    }
}

/// A registry defining none of the keys insights read but `gen_ai.usage` as a template, so
/// the keys it covers resolve to the template and those it does not resolve to nothing.
fn registry_without_genai_keys() -> genai_registry::ResolvedRegistry {
    let yaml = r#"
groups:
  - id: registry.acme
    type: attribute_group
    brief: Acme attributes.
    attributes:
      - id: gen_ai.usage
        type: template[int]
        brief: Usage counts.
        stability: development
"#;
    common::registry_from_yaml("acme.yaml", yaml)
}

/// The insights read the keys the validation resolved (`validate_with_insights`, a session's
/// traces) exactly as they read them by their text (`Insights::from_telemetry`), with the
/// embedded registry and with one that defines none of them (read by text) or covers some by
/// a template; also with a key set twice, the older usage keys and `gen_ai.system`.
#[test]
fn keys_resolved_while_validating_give_the_same_insights_as_keys_read_by_text() {
    let mut t = telemetry();
    let mut twice = chat(4, 40, None, "gpt-4o", [5, 1, 0]);
    twice.attributes.push("gen_ai.usage.input_tokens", i(7));
    twice.attributes.push("gen_ai.system", s("openai"));
    let legacy = failed(span_in(
        4,
        41,
        Some(40),
        "chat gpt-4o",
        SpanKind::Client,
        &[
            ("gen_ai.operation.name", s("chat")),
            ("gen_ai.system", s("openai")),
            ("gen_ai.request.model", s("gpt-4o")),
            ("gen_ai.usage.prompt_tokens", i(11)),
            ("gen_ai.usage.completion_tokens", i(3)),
            ("http.response.status_code", i(429)),
        ],
    ));
    t.spans.push(twice);
    t.spans.push(legacy);
    let options = InsightOptions::default();
    let by_text = Insights::from_telemetry(&t, &options);
    assert_eq!(by_text.requests, 4);
    assert_eq!(by_text.rate_limit_hits, 2);
    let embedded = genai_validator::embedded_registry();
    let other = registry_without_genai_keys();
    for registry in [embedded, &other] {
        let validator = genai_validator::Validator::new(registry);
        let (report, keyed) = validator.validate_with_insights(&t, &options);
        assert_eq!(keyed, by_text);
        assert_eq!(report.spans.len(), validator.validate(&t).spans.len());

        let collected = Arc::new(std::sync::Mutex::new(InsightsBuilder::new(options.clone())));
        let mut session = genai_validator::Session::new(&validator);
        let sink = collected.clone();
        session.set_sink(
            move |trace: &genai_validator::session::CompletedTrace<'_>| {
                assert_eq!(trace.keys.len(), trace.spans.len());
                let spans: Vec<&Span> = trace.spans.iter().collect();
                if let Ok(mut b) = sink.lock() {
                    b.add_trace_keyed(&spans, trace.keys);
                }
            },
        );
        session.push_owned(t.clone());
        drop(session.finish());
        let from_session = Arc::try_unwrap(collected)
            .ok()
            .and_then(|m| m.into_inner().ok())
            .expect("the session is finished")
            .finish();
        // A session hands traces over as they complete, so compare what does not depend on
        // the order: the totals and roll-ups.
        assert_eq!(from_session.usage, by_text.usage);
        assert_eq!(from_session.cost_usd, by_text.cost_usd);
        assert_eq!(from_session.llm_calls, by_text.llm_calls);
        assert_eq!(from_session.rate_limit_hits, by_text.rate_limit_hits);
        assert_eq!(from_session.models, by_text.models);
        assert_eq!(from_session.agents, by_text.agents);
        assert_eq!(from_session.tools, by_text.tools);
        assert_eq!(from_session.errors, by_text.errors);
    }
}

/// Found by review: a token count set again to something that is not a count (an older key
/// of the same figure, a repeated key) does not hide the count, by key text or resolved keys.
#[test]
fn a_later_value_that_is_not_a_count_does_not_hide_a_count() {
    let mut span = chat(9, 90, None, "gpt-4o", [100, 20, 0]);
    span.attributes.push("gen_ai.usage.prompt_tokens", s("n/a"));
    span.attributes
        .push("gen_ai.usage.output_tokens", Value::Bool(true));
    let t = Telemetry {
        spans: vec![span],
        ..Telemetry::default()
    };
    let options = InsightOptions::default();
    let by_text = Insights::from_telemetry(&t, &options);
    assert_eq!((by_text.usage.input, by_text.usage.output), (100, 20));
    let validator = genai_validator::Validator::new(genai_validator::embedded_registry());
    assert_eq!(validator.validate_with_insights(&t, &options).1, by_text);
}
