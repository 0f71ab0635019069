//! Agent-level metrics and roll-ups, events as log records, the plan macro, the operation span
//! APIs, streaming, the telemetry handle and `Send` futures, with the SDK's in-memory span,
//! metric and log exporters.

use std::sync::Mutex;

use genai_semconv::instrument::capture::CaptureMode;
use genai_semconv::instrument::inference::{InferenceSpan, Response, Usage};
use genai_semconv::instrument::operations;
use genai_semconv::instrument::stream::InferenceStream;
use genai_semconv::instrument::telemetry::Telemetry;
use genai_semconv::{
    ProviderName, instrument_agent, instrument_plan, instrument_tool, instrument_workflow,
};
use opentelemetry::logs::AnyValue;
use opentelemetry::trace::{SpanKind, Status};
use opentelemetry::{KeyValue, Value};
use opentelemetry_sdk::logs::{InMemoryLogExporter, SdkLoggerProvider};
use opentelemetry_sdk::metrics::data::{AggregatedMetrics, MetricData};
use opentelemetry_sdk::metrics::{InMemoryMetricExporter, PeriodicReader, SdkMeterProvider};
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SpanData};

/// Capture mode and the global providers are process-wide: tests take this lock.
static LOCK: Mutex<()> = Mutex::new(());

struct Fixture {
    spans: InMemorySpanExporter,
    metrics: InMemoryMetricExporter,
    logs: InMemoryLogExporter,
    tp: SdkTracerProvider,
    mp: SdkMeterProvider,
    lp: SdkLoggerProvider,
}

impl Fixture {
    fn new() -> Fixture {
        let spans = InMemorySpanExporter::default();
        let tp = SdkTracerProvider::builder()
            .with_simple_exporter(spans.clone())
            .build();
        let metrics = InMemoryMetricExporter::default();
        let mp = SdkMeterProvider::builder()
            .with_reader(PeriodicReader::builder(metrics.clone()).build())
            .build();
        let logs = InMemoryLogExporter::default();
        let lp = SdkLoggerProvider::builder()
            .with_simple_exporter(logs.clone())
            .build();
        Fixture {
            spans,
            metrics,
            logs,
            tp,
            mp,
            lp,
        }
    }

    fn telemetry(&self, mode: CaptureMode, logs: bool) -> Telemetry {
        let b = Telemetry::builder()
            .tracer_provider(&self.tp)
            .meter_provider(&self.mp)
            .capture(mode);
        if logs { b.logger_provider(&self.lp) } else { b }.build()
    }

    fn spans(&self) -> Vec<SpanData> {
        self.spans.get_finished_spans().unwrap()
    }

    /// The points of the histogram `name`.
    fn points_of(&self, name: &str) -> Vec<(String, Vec<KeyValue>, u64, f64)> {
        self.points().into_iter().filter(|p| p.0 == name).collect()
    }

    /// (name, attributes, count, sum) of every histogram point.
    fn points(&self) -> Vec<(String, Vec<KeyValue>, u64, f64)> {
        self.mp.force_flush().unwrap();
        let mut out = Vec::new();
        for rm in self.metrics.get_finished_metrics().unwrap() {
            for sm in rm.scope_metrics() {
                for m in sm.metrics() {
                    let pts: Vec<(Vec<KeyValue>, u64, f64)> = match m.data() {
                        AggregatedMetrics::F64(MetricData::Histogram(h)) => h
                            .data_points()
                            .map(|p| (p.attributes().cloned().collect(), p.count(), p.sum()))
                            .collect(),
                        AggregatedMetrics::U64(MetricData::Histogram(h)) => h
                            .data_points()
                            .map(|p| {
                                let sum = p.sum() as f64;
                                (p.attributes().cloned().collect(), p.count(), sum)
                            })
                            .collect(),
                        _ => Vec::new(),
                    };
                    for (mut attrs, count, sum) in pts {
                        attrs.sort_by(|a: &KeyValue, b: &KeyValue| a.key.cmp(&b.key));
                        out.push((m.name().to_string(), attrs, count, sum));
                    }
                }
            }
        }
        self.metrics.reset();
        out
    }
}

fn attr<'a>(span: &'a SpanData, key: &str) -> Option<&'a Value> {
    span.attributes
        .iter()
        .find(|kv| kv.key.as_str() == key)
        .map(|kv| &kv.value)
}

fn s(v: &str) -> Value {
    Value::from(v.to_owned())
}

fn by_name<'a>(spans: &'a [SpanData], name: &str) -> &'a SpanData {
    spans.iter().find(|s| s.name == name).unwrap_or_else(|| {
        panic!(
            "no span `{name}` in {:?}",
            spans.iter().map(|s| &s.name).collect::<Vec<_>>()
        )
    })
}

fn chat(t: &Telemetry, input: u64) {
    let call = InferenceSpan::chat("openai", "gpt-4o").telemetry(t).start();
    call.finish_ok(|r| {
        r.usage(Usage {
            input_tokens: Some(input),
            output_tokens: Some(2),
            ..Usage::default()
        })
    });
}

/// Looks things up.
#[instrument_tool(telemetry = t, tool_type = function, skip(t, call_id),
                  call_id = call_id)]
async fn lookup(t: &Telemetry, call_id: &str, query: String) -> Result<String, std::io::Error> {
    tokio::task::yield_now().await;
    chat(t, 1);
    Ok(format!("found {query}"))
}

/// Renames the captured argument.
#[instrument_tool(telemetry = t, arguments(location = city.to_uppercase()))]
fn weather(t: &Telemetry, city: String) -> String {
    let _ = t;
    format!("sunny in {city}")
}

#[instrument_agent(telemetry = t, name = "inner", id = "inner_1", provider = "openai")]
async fn inner_agent(t: &Telemetry) -> u32 {
    chat(t, 5);
    tokio::task::yield_now().await;
    chat(t, 5);
    let _ = lookup(t, "c2", "x".into()).await;
    2
}

#[instrument_plan(telemetry = t)]
fn plan_step(t: &Telemetry) -> Result<u32, std::io::Error> {
    chat(t, 3);
    Ok(1)
}

#[instrument_plan(telemetry = t, agent = "explicit")]
fn failing_plan(t: &Telemetry) -> Result<u32, std::io::Error> {
    let _ = t;
    Err(std::io::Error::other("no plan"))
}

#[instrument_agent(telemetry = t, name = "outer", provider = "openai", model = "gpt-4o")]
async fn outer_agent(t: &Telemetry) -> u32 {
    let _ = plan_step(t);
    chat(t, 10);
    tokio::task::yield_now().await;
    let _ = lookup(t, "c1", "y".into()).await;
    let _ = weather(t, "Lyon".into());
    let n = inner_agent(t).await;
    chat(t, 10);
    n
}

#[instrument_workflow(telemetry = t, name = "flow")]
async fn flow(t: &Telemetry) -> u32 {
    outer_agent(t).await
}

/// Counts, roll-ups and agent names across `.await` and nested agents on a multi-thread
/// runtime; every agent, tool and workflow metric has its point.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agent_metrics_and_rollups() {
    let f = Fixture::new();
    let t = f.telemetry(CaptureMode::SpanOnly, false);
    let t2 = t.clone();
    let n = tokio::spawn(async move { flow(&t2).await }).await.unwrap();
    assert_eq!(n, 2);
    let spans = f.spans();
    let outer = by_name(&spans, "invoke_agent outer");
    let inner = by_name(&spans, "invoke_agent inner");
    // Chat spans directly under each agent (the tool's and the plan's chats included, they
    // run inside the agent invocation).
    let under = |agent: &SpanData| -> usize {
        let mut ids = vec![agent.span_context.span_id()];
        let mut n = 0;
        loop {
            let before = ids.len();
            for s in &spans {
                if ids.contains(&s.parent_span_id) && !ids.contains(&s.span_context.span_id()) {
                    // A nested agent is its own invocation.
                    if s.name.starts_with("invoke_agent") {
                        continue;
                    }
                    ids.push(s.span_context.span_id());
                    if s.name.starts_with("chat") {
                        n += 1;
                    }
                }
            }
            if ids.len() == before {
                return n;
            }
        }
    };
    assert_eq!(under(outer), 4);
    assert_eq!(under(inner), 3);
    // Usage totals on the agent span.
    assert_eq!(
        attr(outer, "gen_ai.usage.input_tokens"),
        Some(&Value::I64(24))
    );
    assert_eq!(
        attr(outer, "gen_ai.usage.output_tokens"),
        Some(&Value::I64(8))
    );
    assert_eq!(
        attr(inner, "gen_ai.usage.input_tokens"),
        Some(&Value::I64(11))
    );
    // The agent's name (and id) on tool, plan and inference spans inside it.
    for sp in spans
        .iter()
        .filter(|s| s.parent_span_id == inner.span_context.span_id())
    {
        assert_eq!(
            attr(sp, "gen_ai.agent.name"),
            Some(&s("inner")),
            "{}",
            sp.name
        );
        assert_eq!(
            attr(sp, "gen_ai.agent.id"),
            Some(&s("inner_1")),
            "{}",
            sp.name
        );
    }
    let plan = by_name(&spans, "plan outer");
    assert_eq!(plan.span_kind, SpanKind::Internal);
    assert_eq!(plan.parent_span_id, outer.span_context.span_id());
    assert_eq!(attr(plan, "gen_ai.operation.name"), Some(&s("plan")));
    assert_eq!(attr(plan, "gen_ai.agent.name"), Some(&s("outer")));
    // skip(..) and arguments(..).
    let tool = spans
        .iter()
        .find(|s| {
            s.name == "execute_tool lookup" && attr(s, "gen_ai.tool.call.id") == Some(&s_("c1"))
        })
        .unwrap();
    assert_eq!(
        attr(tool, "gen_ai.tool.call.arguments"),
        Some(&s(r#"{"query":"y"}"#))
    );
    let w = by_name(&spans, "execute_tool weather");
    assert_eq!(
        attr(w, "gen_ai.tool.call.arguments"),
        Some(&s(r#"{"location":"LYON"}"#))
    );

    let pts = f.points();
    let point = |name: &str, agent: &str| {
        pts.iter()
            .find(|(n, a, _, _)| {
                n == name
                    && a.iter()
                        .any(|kv| kv.key.as_str() == "gen_ai.agent.name" && kv.value == s(agent))
            })
            .unwrap_or_else(|| panic!("no {name} point for {agent} in {pts:?}"))
            .clone()
    };
    assert_eq!(point("gen_ai.invoke_agent.inference_calls", "outer").3, 4.0);
    assert_eq!(point("gen_ai.invoke_agent.inference_calls", "inner").3, 3.0);
    assert_eq!(point("gen_ai.invoke_agent.tool_calls", "outer").3, 2.0);
    assert_eq!(point("gen_ai.invoke_agent.tool_calls", "inner").3, 1.0);
    let d = point("gen_ai.invoke_agent.duration", "outer");
    assert_eq!(d.2, 1);
    assert!(d.1.contains(&KeyValue::new("gen_ai.request.model", "gpt-4o")));
    let tool_points: Vec<_> = pts
        .iter()
        .filter(|p| p.0 == "gen_ai.execute_tool.duration")
        .collect();
    assert!(tool_points.iter().any(|p| {
        p.1.contains(&KeyValue::new("gen_ai.tool.name", "lookup"))
            && p.1.contains(&KeyValue::new("gen_ai.agent.name", "outer"))
            && p.1.contains(&KeyValue::new("gen_ai.tool.type", "function"))
    }));
    assert_eq!(tool_points.iter().map(|p| p.2).sum::<u64>(), 3);
    let wf: Vec<_> = pts
        .iter()
        .filter(|p| p.0 == "gen_ai.workflow.duration")
        .collect();
    assert_eq!(wf.len(), 1);
    assert_eq!(wf[0].1, vec![KeyValue::new("gen_ai.workflow.name", "flow")]);
}

fn s_(v: &str) -> Value {
    s(v)
}

#[test]
fn plan_errors_and_explicit_agent() {
    let f = Fixture::new();
    let t = f.telemetry(CaptureMode::NoContent, false);
    assert!(failing_plan(&t).is_err());
    let spans = f.spans();
    let p = by_name(&spans, "plan explicit");
    assert_eq!(p.status, Status::error("no plan"));
    assert_eq!(attr(p, "gen_ai.agent.name"), Some(&s("explicit")));
    assert!(attr(p, "error.type").is_some());
    assert!(p.events.iter().any(|e| e.name == "exception"));
}

/// Events are log records with the event name and the span's ids when a logger provider is
/// configured; span events otherwise.
#[test]
fn events_as_log_records_per_capture_mode() {
    let _l = LOCK.lock().unwrap_or_else(|p| p.into_inner());
    for (mode, details) in [
        (CaptureMode::NoContent, false),
        (CaptureMode::SpanOnly, false),
        (CaptureMode::EventOnly, true),
        (CaptureMode::SpanAndEvent, true),
    ] {
        let f = Fixture::new();
        let t = f.telemetry(mode, true);
        let call = InferenceSpan::chat("openai", "gpt-4o")
            .telemetry(&t)
            .input_messages(|| vec![genai_semconv::content::ChatMessage::user("hi")])
            .start();
        let cx = call.context().clone();
        call.finish_ok(|r| r.response_id("r1"));
        operations::evaluation_result("relevance")
            .evaluation_score_value(0.5)
            .emit_in(&cx, &t);
        let spans = f.spans();
        let chat = &spans[0];
        // No span events: they went to the logger.
        assert!(chat.events.is_empty(), "{mode:?}: {:?}", chat.events);
        let logs = f.logs.get_emitted_logs().unwrap();
        let names: Vec<_> = logs.iter().filter_map(|l| l.record.event_name()).collect();
        let mut expected = Vec::new();
        if details {
            expected.push("gen_ai.client.inference.operation.details");
        }
        expected.push("gen_ai.evaluation.result");
        assert_eq!(names, expected, "{mode:?}");
        for l in &logs {
            let tc = l.record.trace_context().expect("trace context");
            assert_eq!(tc.trace_id, chat.span_context.trace_id());
            assert_eq!(tc.span_id, chat.span_context.span_id());
        }
        if details {
            let d = &logs[0].record;
            let input = d
                .attributes_iter()
                .find(|(k, _)| k.as_str() == "gen_ai.input.messages")
                .map(|(_, v)| v.clone());
            assert_eq!(
                input,
                Some(AnyValue::String(
                    r#"[{"role":"user","parts":[{"type":"text","content":"hi"}]}]"#.into()
                ))
            );
        }
        let ev = logs.last().unwrap();
        assert!(ev.record.attributes_iter().any(|(k, v)| {
            k.as_str() == "gen_ai.evaluation.score.value" && *v == AnyValue::Double(0.5)
        }));
    }
}

#[test]
fn events_fall_back_to_span_events_without_a_logger() {
    let f = Fixture::new();
    let t = f.telemetry(CaptureMode::EventOnly, false);
    let call = InferenceSpan::chat("openai", "gpt-4o")
        .telemetry(&t)
        .start();
    operations::evaluation_result("relevance").emit_in(call.context(), &t);
    call.finish_ok(|r| r);
    let spans = f.spans();
    let names: Vec<_> = spans[0].events.iter().map(|e| e.name.to_string()).collect();
    assert_eq!(
        names,
        [
            "gen_ai.evaluation.result",
            "gen_ai.client.inference.operation.details"
        ]
    );
}

#[test]
fn failed_call_emits_exception_log_record() {
    let f = Fixture::new();
    let t = f.telemetry(CaptureMode::NoContent, true);
    let call = InferenceSpan::chat("openai", "gpt-4o")
        .telemetry(&t)
        .start();
    call.finish_err(&std::io::Error::other("rate limited"), "429");
    let logs = f.logs.get_emitted_logs().unwrap();
    assert_eq!(logs.len(), 1);
    assert_eq!(
        logs[0].record.event_name(),
        Some("gen_ai.client.operation.exception")
    );
}

/// Each operation API: exact name, kind and attributes; errors recorded.
#[test]
fn operation_spans() {
    let f = Fixture::new();
    let t = f.telemetry(CaptureMode::NoContent, false);
    let r: Result<u32, std::io::Error> = operations::retrieval()
        .data_source_id("docs".to_string())
        .retrieval_top_k(5)
        .telemetry(&t)
        .start()
        .run(|| Ok(3));
    assert_eq!(r.unwrap(), 3);
    operations::create_agent(ProviderName::Openai)
        .agent_name("helper".to_string())
        .request_model("gpt-4o".to_string())
        .telemetry(&t)
        .start()
        .end();
    let failed: Result<(), std::io::Error> = operations::upsert_memory()
        .memory_store_id("s1".to_string())
        .telemetry(&t)
        .start()
        .run(|| Err(std::io::Error::other("store down")));
    assert!(failed.is_err());
    for op in [
        operations::search_memory(),
        operations::create_memory(),
        operations::update_memory(),
        operations::delete_memory(),
        operations::create_memory_store(),
        operations::delete_memory_store(),
    ] {
        op.telemetry(&t).start().end();
    }
    operations::plan().telemetry(&t).start().end();
    let spans = f.spans();
    let names: Vec<_> = spans
        .iter()
        .map(|s| (s.name.to_string(), s.span_kind.clone()))
        .collect();
    assert_eq!(
        names,
        [
            ("retrieval docs".to_string(), SpanKind::Client),
            ("create_agent helper".to_string(), SpanKind::Client),
            ("upsert_memory".to_string(), SpanKind::Client),
            ("search_memory".to_string(), SpanKind::Client),
            ("create_memory".to_string(), SpanKind::Client),
            ("update_memory".to_string(), SpanKind::Client),
            ("delete_memory".to_string(), SpanKind::Client),
            ("create_memory_store".to_string(), SpanKind::Client),
            ("delete_memory_store".to_string(), SpanKind::Client),
            ("plan".to_string(), SpanKind::Internal),
        ]
    );
    let ret = &spans[0];
    assert_eq!(attr(ret, "gen_ai.operation.name"), Some(&s("retrieval")));
    assert_eq!(attr(ret, "gen_ai.data_source.id"), Some(&s("docs")));
    assert_eq!(attr(ret, "gen_ai.retrieval.top_k"), Some(&Value::I64(5)));
    let ca = &spans[1];
    assert_eq!(attr(ca, "gen_ai.operation.name"), Some(&s("create_agent")));
    assert_eq!(attr(ca, "gen_ai.provider.name"), Some(&s("openai")));
    let up = &spans[2];
    assert_eq!(up.status, Status::error("store down"));
    assert_eq!(attr(up, "gen_ai.memory.store.id"), Some(&s("s1")));
}

/// The streaming wrapper: first-chunk and per-chunk metrics, usage summed from chunks.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streaming_records_chunk_metrics_and_usage() {
    struct Ready(std::vec::IntoIter<u64>);
    impl futures_core::Stream for Ready {
        type Item = u64;
        fn poll_next(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<u64>> {
            std::task::Poll::Ready(self.0.next())
        }
    }
    let f = Fixture::new();
    let t = f.telemetry(CaptureMode::NoContent, false);
    let call = InferenceSpan::chat("openai", "gpt-4o")
        .stream()
        .telemetry(&t)
        .start();
    let mut stream =
        InferenceStream::new(call, Ready(vec![2, 3, 4].into_iter()), |n, r: Response| {
            r.add_usage(&Usage {
                output_tokens: Some(*n),
                ..Usage::default()
            })
        });
    let mut seen = 0;
    while std::future::poll_fn(|cx| std::pin::Pin::new(&mut stream).poll_next(cx))
        .await
        .is_some()
    {
        seen += 1;
    }
    assert_eq!(seen, 3);
    let spans = f.spans();
    assert_eq!(
        attr(&spans[0], "gen_ai.usage.output_tokens"),
        Some(&Value::I64(9))
    );
    assert!(attr(&spans[0], "gen_ai.response.time_to_first_chunk").is_some());
    assert_eq!(
        attr(&spans[0], "gen_ai.request.stream"),
        Some(&Value::Bool(true))
    );
    let pts = f.points();
    let count = |name: &str| -> u64 { pts.iter().filter(|p| p.0 == name).map(|p| p.2).sum() };
    assert_eq!(count("gen_ai.client.operation.time_to_first_chunk"), 1);
    assert_eq!(count("gen_ai.client.operation.time_per_output_chunk"), 2);
    assert_eq!(count("gen_ai.client.operation.duration"), 1);
}

use futures_core::Stream as _;

/// Without a handle of its own, the runtime uses the global meter provider installed at call
/// time: replacing it sends the next points to the new provider.
#[test]
fn global_meter_provider_changes_take_effect() {
    let _l = LOCK.lock().unwrap_or_else(|p| p.into_inner());
    let first = Fixture::new();
    opentelemetry::global::set_meter_provider(first.mp.clone());
    let t = Telemetry::builder().tracer_provider(&first.tp).build();
    chat(&t, 1);
    let second = Fixture::new();
    opentelemetry::global::set_meter_provider(second.mp.clone());
    chat(&t, 1);
    chat(&t, 1);
    let count = |f: &Fixture| -> u64 {
        f.points()
            .iter()
            .filter(|p| p.0 == "gen_ai.client.operation.duration")
            .map(|p| p.2)
            .sum()
    };
    assert_eq!(count(&first), 1);
    assert_eq!(count(&second), 2);
    opentelemetry::global::set_meter_provider(
        opentelemetry::metrics::noop::NoopMeterProvider::new(),
    );
}

/// The handle's redactor is a closure holding configuration.
#[test]
fn redactor_closure_on_the_handle() {
    let f = Fixture::new();
    let secret = String::from("HUNTER2");
    let t = Telemetry::builder()
        .tracer_provider(&f.tp)
        .meter_provider(&f.mp)
        .capture(CaptureMode::SpanOnly)
        .redactor(move |text: &str| text.replace(&secret, "***").into())
        .build();
    let _ = weather(&t, "hunter2".into());
    let spans = f.spans();
    assert_eq!(
        attr(&spans[0], "gen_ai.tool.call.arguments"),
        Some(&s(r#"{"location":"***"}"#))
    );
    assert_eq!(
        attr(&spans[0], "gen_ai.tool.call.result"),
        Some(&s("sunny in hunter2"))
    );
}

fn assert_send<T: Send>(_: &T) {}

#[instrument_agent(telemetry = t, name = "holder")]
async fn holds_builders_across_await(t: &Telemetry) -> u32 {
    let pending = InferenceSpan::chat("openai", "gpt-4o").telemetry(t);
    let started = operations::search_memory().telemetry(t).start();
    tokio::task::yield_now().await;
    let call = pending.start();
    tokio::task::yield_now().await;
    call.finish_ok(|r| r);
    started.end();
    1
}

/// Builders and guards are `Send`, so an agent future holding them across `.await` can be
/// spawned.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn futures_holding_builders_are_send() {
    let f = Fixture::new();
    let t = f.telemetry(CaptureMode::NoContent, false);
    let fut = {
        let t = t.clone();
        async move { holds_builders_across_await(&t).await }
    };
    assert_send(&fut);
    assert_eq!(tokio::spawn(fut).await.unwrap(), 1);
    assert_send(&InferenceSpan::chat("openai", "m"));
    assert_send(&operations::plan());
    assert_eq!(f.spans().len(), 3);
}

#[instrument_tool(telemetry = t, name = "explode", tool_type = function)]
async fn exploding_tool(t: &Telemetry) -> u32 {
    tokio::task::yield_now().await;
    if std::hint::black_box(true) {
        panic!("boom");
    }
    1
}

#[instrument_agent(telemetry = t, name = "sleeper")]
async fn sleeping_agent(t: &Telemetry) -> u32 {
    tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
    1
}

/// An `async fn` that panics, or whose future is dropped before it completes (a timeout), still
/// records its duration metric: with `error.type` `panic`, or as the time it ran.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn async_panics_and_cancellations_record_their_metrics() {
    let f = Fixture::new();
    let t = f.telemetry(CaptureMode::NoContent, false);
    let t2 = t.clone();
    let panicked = tokio::spawn(async move { exploding_tool(&t2).await }).await;
    assert!(panicked.is_err_and(|e| e.is_panic()));
    let cancelled =
        tokio::time::timeout(std::time::Duration::from_millis(20), sleeping_agent(&t)).await;
    assert!(cancelled.is_err(), "the agent timed out");

    let spans = f.spans();
    let tool = by_name(&spans, "execute_tool explode");
    assert_eq!(attr(tool, "error.type"), Some(&s("panic")));
    let pts = f.points();
    let tool_points: Vec<_> = pts
        .iter()
        .filter(|p| p.0 == "gen_ai.execute_tool.duration")
        .collect();
    assert_eq!(tool_points.len(), 1, "{pts:?}");
    assert!(
        tool_points[0]
            .1
            .contains(&KeyValue::new("error.type", "panic")),
        "{tool_points:?}"
    );
    let agent_points: Vec<_> = pts
        .iter()
        .filter(|p| p.0 == "gen_ai.invoke_agent.duration")
        .collect();
    assert_eq!(agent_points.len(), 1, "{pts:?}");
    assert_eq!(agent_points[0].2, 1);
    assert!(
        agent_points[0].3 >= 0.015,
        "ran about 20 ms: {agent_points:?}"
    );
    assert!(
        !agent_points[0]
            .1
            .iter()
            .any(|kv| kv.key.as_str() == "error.type"),
        "{agent_points:?}"
    );
}

/// A generated setter called twice, and a key given through `attribute()` before its own
/// setter, leave one attribute per key with the last value (setters add their key by slot
/// without searching; `attribute()` makes the next setters search again).
#[test]
fn builder_keys_set_twice_or_through_attribute_keep_one_value() {
    let _g = LOCK.lock().unwrap_or_else(|p| p.into_inner());
    let f = Fixture::new();
    let t = Telemetry::builder().tracer_provider(&f.tp).build();
    genai_semconv::builder::GenAiExecuteToolInternal::new("search")
        .tool_call_id("call_1")
        .tool_call_id("call_2")
        .attribute(KeyValue::new("gen_ai.tool.type", "extension"), false)
        .tool_type("datastore")
        .attribute(KeyValue::new("gen_ai.tool.description", "first"), false)
        .tool_description("Searches.")
        .telemetry(&t)
        .start()
        .end();
    let spans = f.spans();
    assert_eq!(spans.len(), 1);
    let mut keys: Vec<(String, String)> = spans[0]
        .attributes
        .iter()
        .map(|kv| (kv.key.to_string(), kv.value.to_string()))
        .collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            ("gen_ai.operation.name", "execute_tool"),
            ("gen_ai.tool.call.id", "call_2"),
            ("gen_ai.tool.description", "Searches."),
            ("gen_ai.tool.name", "search"),
            ("gen_ai.tool.type", "datastore"),
        ]
        .map(|(k, v)| (k.to_string(), v.to_string()))
    );
    assert_eq!(spans[0].name, "execute_tool search");
}

/// Looks twice.
#[instrument_tool(telemetry = t, tool_type = function, call_id = call_id, skip(t))]
fn twin_tool(t: &Telemetry, call_id: &str) -> usize {
    call_id.len()
}

/// Compares.
#[instrument_agent(telemetry = t, name = "twin", id = "twin_1", provider = "openai",
                   conversation_id = conv)]
fn twin_agent(t: &Telemetry, conv: &str) -> usize {
    let n = twin_tool(t, "c1");
    genai_semconv::builder::GenAiExecuteToolInternal::new("twin_tool")
        .tool_type("function")
        .tool_description("Looks twice.")
        .tool_call_id("c1")
        .telemetry(t)
        .start()
        .end();
    n
}

fn sorted_attributes(span: &SpanData) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = span
        .attributes
        .iter()
        .map(|kv| (kv.key.to_string(), kv.value.to_string()))
        .collect();
    v.sort();
    v
}

/// The macros start their spans through the generated builders: a tool span of
/// `#[instrument_tool]` and the same tool started with `builder::GenAiExecuteToolInternal`
/// inside the same agent have the same name, kind and attributes (the agent's name and id
/// included) and count for the agent alike, and the agent span is the builder's `invoke_agent`
/// span.
#[test]
fn macro_spans_are_the_generated_builders_spans() {
    let _g = LOCK.lock().unwrap_or_else(|p| p.into_inner());
    let f = Fixture::new();
    let t = f.telemetry(CaptureMode::NoContent, false);
    assert_eq!(twin_agent(&t, "conv_9"), 2);
    genai_semconv::builder::GenAiInvokeAgentInternal::new()
        .agent_name("twin")
        .agent_description("Compares.")
        .conversation_id("conv_9")
        .attribute(KeyValue::new("gen_ai.provider.name", "openai"), true)
        .attribute(KeyValue::new("gen_ai.agent.id", "twin_1"), false)
        .telemetry(&t)
        .start()
        .end();
    let spans = f.spans();
    let named = |n: &str| -> Vec<&SpanData> { spans.iter().filter(|s| s.name == n).collect() };
    let tools = named("execute_tool twin_tool");
    assert_eq!(tools.len(), 2);
    assert_eq!(tools[0].span_kind, tools[1].span_kind);
    assert_eq!(sorted_attributes(tools[0]), sorted_attributes(tools[1]));
    assert_eq!(
        sorted_attributes(tools[0]),
        [
            ("gen_ai.agent.id", "twin_1"),
            ("gen_ai.agent.name", "twin"),
            ("gen_ai.operation.name", "execute_tool"),
            ("gen_ai.tool.call.id", "c1"),
            ("gen_ai.tool.description", "Looks twice."),
            ("gen_ai.tool.name", "twin_tool"),
            ("gen_ai.tool.type", "function"),
        ]
        .map(|(k, v)| (k.to_string(), v.to_string()))
    );
    let agents = named("invoke_agent twin");
    assert_eq!(agents.len(), 2);
    assert_eq!(agents[0].span_kind, SpanKind::Internal);
    assert_eq!(agents[0].span_kind, agents[1].span_kind);
    assert_eq!(sorted_attributes(agents[0]), sorted_attributes(agents[1]));
    // Both tool calls count for the agent, the builder's as the macro's.
    let tool_calls: Vec<_> = f.points_of("gen_ai.invoke_agent.tool_calls");
    assert_eq!(tool_calls.len(), 1, "{tool_calls:?}");
    assert_eq!(tool_calls[0].3, 2.0);
}

/// `InferenceSpan` and `EmbeddingsSpan` are started from the generated builders of their
/// definitions: the same request through `builder::GenAiInferenceClient` (or
/// `GenAiEmbeddingsClient`) gives the same name, kind and attributes. Inside an agent both take
/// the agent's name; only the chat call counts as an inference call.
#[test]
fn inference_spans_are_the_generated_builders_spans() {
    use genai_semconv::builder::{GenAiEmbeddingsClient, GenAiInferenceClient};
    use genai_semconv::instrument::inference::EmbeddingsSpan;
    use genai_semconv::{OperationName, ProviderName};
    let _g = LOCK.lock().unwrap_or_else(|p| p.into_inner());
    let f = Fixture::new();
    let t = f.telemetry(CaptureMode::NoContent, false);
    #[instrument_agent(telemetry = t, name = "caller")]
    fn caller(t: &Telemetry) {
        drop(
            InferenceSpan::chat("openai", "gpt-4o")
                .temperature(0.5)
                .max_tokens(200)
                .server("api.openai.com", Some(443))
                .telemetry(t)
                .start(),
        );
        GenAiInferenceClient::new(OperationName::Chat, ProviderName::Openai)
            .request_model("gpt-4o")
            .request_temperature(0.5)
            .request_max_tokens(200)
            .server_address("api.openai.com")
            .server_port(443)
            .telemetry(t)
            .start()
            .end();
        drop(
            EmbeddingsSpan::new("openai", "text-embedding-3-small")
                .telemetry(t)
                .start(),
        );
        GenAiEmbeddingsClient::new(ProviderName::Openai)
            .request_model("text-embedding-3-small")
            .telemetry(t)
            .start()
            .end();
    }
    caller(&t);
    let spans = f.spans();
    for name in ["chat gpt-4o", "embeddings text-embedding-3-small"] {
        let same: Vec<&SpanData> = spans.iter().filter(|s| s.name == name).collect();
        assert_eq!(same.len(), 2, "{name}");
        assert_eq!(same[0].span_kind, SpanKind::Client);
        assert_eq!(same[1].span_kind, SpanKind::Client);
        assert_eq!(
            sorted_attributes(same[0]),
            sorted_attributes(same[1]),
            "{name}"
        );
        assert_eq!(
            attr(same[0], "gen_ai.agent.name"),
            Some(&s("caller")),
            "{name}"
        );
    }
    let chat = spans.iter().find(|s| s.name == "chat gpt-4o").unwrap();
    assert_eq!(
        attr(chat, "gen_ai.request.max_tokens"),
        Some(&Value::I64(200))
    );
    assert_eq!(attr(chat, "server.port"), Some(&Value::I64(443)));
    let calls: Vec<_> = f.points_of("gen_ai.invoke_agent.inference_calls");
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(calls[0].3, 2.0, "the two chat calls, not the embeddings");
}

#[instrument_agent(telemetry = t, name = "remote", kind = client, provider = "aws.bedrock")]
fn remote_agent(t: &Telemetry) -> u32 {
    3
}

/// A remote agent (`kind = client`) records its duration but no call counts: the registry
/// records those with the in-process `invoke_agent` span, and a remote agent's calls are made
/// where it runs. An in-process agent records both, zero calls included.
#[test]
fn only_in_process_agents_record_call_counts() {
    let _g = LOCK.lock().unwrap_or_else(|p| p.into_inner());
    let f = Fixture::new();
    let t = f.telemetry(CaptureMode::NoContent, false);
    assert_eq!(remote_agent(&t), 3);
    assert_eq!(twin_agent(&t, "conv_1"), 2);
    let pts = f.points();
    let names = |agent: &str| -> Vec<String> {
        let mut v: Vec<String> = pts
            .iter()
            .filter(|p| {
                p.1.iter()
                    .any(|kv| kv.key.as_str() == "gen_ai.agent.name" && kv.value == s(agent))
            })
            .map(|p| p.0.clone())
            .filter(|n| n.starts_with("gen_ai.invoke_agent."))
            .collect();
        v.sort();
        v
    };
    assert_eq!(names("remote"), ["gen_ai.invoke_agent.duration"]);
    assert_eq!(
        names("twin"),
        [
            "gen_ai.invoke_agent.duration",
            "gen_ai.invoke_agent.inference_calls",
            "gen_ai.invoke_agent.tool_calls"
        ]
    );
}

/// Plans.
#[instrument_plan(telemetry = t, agent = "planner")]
fn named_plan(t: &Telemetry) -> u32 {
    1
}

/// Reads twice.
#[instrument_tool(telemetry = t, name = "web  search")]
fn spaced_tool(t: &Telemetry) -> u32 {
    1
}

/// Reads twice, named at run time.
#[instrument_tool(telemetry = t, name = n)]
fn spaced_tool_named(t: &Telemetry, n: &str) -> u32 {
    n.len() as u32
}

#[instrument_agent(telemetry = t, name = "outer", id = "o-1")]
fn review_agent(t: &Telemetry) -> u32 {
    drop(
        InferenceSpan::new("my_op", "openai", "m")
            .telemetry(t)
            .start(),
    );
    named_plan(t) + spaced_tool(t) + spaced_tool_named(t, "web  search")
}

/// Found in review: a plan naming its own agent took the enclosing agent's id; a literal
/// name and the same name given at run time named spans differently; a model call with an
/// operation of its own was neither counted nor named after its agent.
#[test]
fn spans_inside_an_agent_as_reviewed() {
    let _g = LOCK.lock().unwrap_or_else(|p| p.into_inner());
    let f = Fixture::new();
    let t = f.telemetry(CaptureMode::NoContent, false);
    review_agent(&t);
    let spans = f.spans();
    let plan = by_name(&spans, "plan planner");
    assert_eq!(attr(plan, "gen_ai.agent.name"), Some(&s("planner")));
    assert_eq!(
        attr(plan, "gen_ai.agent.id"),
        None,
        "not the outer agent's id"
    );
    let tools: Vec<&SpanData> = spans
        .iter()
        .filter(|s| s.name.starts_with("execute_tool"))
        .collect();
    assert_eq!(tools.len(), 2);
    assert_eq!(
        tools[0].name, tools[1].name,
        "literal and run-time names agree"
    );
    let call = by_name(&spans, "my_op m");
    assert_eq!(attr(call, "gen_ai.agent.name"), Some(&s("outer")));
    let calls: Vec<_> = f.points_of("gen_ai.invoke_agent.inference_calls");
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(calls[0].3, 1.0);
}

thread_local! {
    static LATE: std::cell::RefCell<Option<LateSpan>> = const { std::cell::RefCell::new(None) };
}

/// Starts a span while its thread's storage is torn down.
struct LateSpan(Telemetry);

impl Drop for LateSpan {
    fn drop(&mut self) {
        genai_semconv::builder::GenAiExecuteToolInternal::new("late")
            .telemetry(&self.0)
            .start()
            .end();
    }
}

/// Found in review: a span with a joined name started from a thread-local's destructor, after
/// the name list's storage was gone, aborted the process. (No SDK provider here: the SDK's
/// simple processor itself cannot run in a thread-local's destructor.)
#[test]
fn a_span_started_while_a_thread_ends_does_not_abort() {
    let t = Telemetry::builder().build();
    std::thread::spawn(move || {
        let _ = opentelemetry::Context::current();
        LATE.with(|s| *s.borrow_mut() = Some(LateSpan(t.clone())));
        genai_semconv::builder::GenAiExecuteToolInternal::new("early")
            .telemetry(&t)
            .start()
            .end();
    })
    .join()
    .expect("the thread ends, its late span with it");
}
