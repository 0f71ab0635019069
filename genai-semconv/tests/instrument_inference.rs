//! Inference and embeddings spans and the GenAI client metrics.

use std::sync::Arc;

use genai_semconv::instrument::capture::{CaptureGuard, CaptureMode};
use genai_semconv::instrument::inference::{
    DURATION_BUCKETS, EmbeddingsSpan, GenAiMetrics, InferenceSpan, InstructionPart, Message,
    TOKEN_BUCKETS, Usage,
};
use opentelemetry::global::BoxedTracer;
use opentelemetry::trace::{SpanKind, Status, TracerProvider as _};
use opentelemetry::{KeyValue, Value};
use opentelemetry_sdk::metrics::data::{AggregatedMetrics, MetricData, ResourceMetrics};
use opentelemetry_sdk::metrics::{InMemoryMetricExporter, PeriodicReader, SdkMeterProvider};
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SpanData};

fn attr<'a>(span: &'a SpanData, key: &str) -> Option<&'a Value> {
    span.attributes
        .iter()
        .find(|kv| kv.key.as_str() == key)
        .map(|kv| &kv.value)
}

struct Fixture {
    spans: InMemorySpanExporter,
    metrics: InMemoryMetricExporter,
    meter_provider: SdkMeterProvider,
    tracer: Arc<BoxedTracer>,
    gen_ai: GenAiMetrics,
    _tp: SdkTracerProvider,
}

/// Capture mode is process-wide: tests take this lock.
static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn fixture() -> Fixture {
    let spans = InMemorySpanExporter::default();
    let tp = SdkTracerProvider::builder()
        .with_simple_exporter(spans.clone())
        .build();
    let tracer = Arc::new(BoxedTracer::new(Box::new(tp.tracer("t"))));
    let metrics = InMemoryMetricExporter::default();
    let meter_provider = SdkMeterProvider::builder()
        .with_reader(PeriodicReader::builder(metrics.clone()).build())
        .build();
    let gen_ai = GenAiMetrics::from_provider(&meter_provider);
    Fixture {
        spans,
        metrics,
        meter_provider,
        tracer,
        gen_ai,
        _tp: tp,
    }
}

/// (metric name, attributes, count, sum, bounds) of every histogram point.
/// One histogram point: (metric name, sorted attributes, count, sum, bounds).
type Point = (String, Vec<KeyValue>, u64, f64, Vec<f64>);

fn points(rm: &[ResourceMetrics]) -> Vec<Point> {
    let mut out = Vec::new();
    for r in rm {
        for sm in r.scope_metrics() {
            assert_eq!(sm.scope().name(), "genai-semconv");
            for m in sm.metrics() {
                match m.data() {
                    AggregatedMetrics::F64(MetricData::Histogram(h)) => {
                        for p in h.data_points() {
                            let mut a: Vec<KeyValue> = p.attributes().cloned().collect();
                            a.sort_by(|x, y| x.key.cmp(&y.key));
                            out.push((
                                m.name().to_string(),
                                a,
                                p.count(),
                                p.sum(),
                                p.bounds().collect(),
                            ));
                        }
                    }
                    AggregatedMetrics::U64(MetricData::Histogram(h)) => {
                        for p in h.data_points() {
                            let mut a: Vec<KeyValue> = p.attributes().cloned().collect();
                            a.sort_by(|x, y| x.key.cmp(&y.key));
                            out.push((
                                m.name().to_string(),
                                a,
                                p.count(),
                                p.sum() as f64,
                                p.bounds().collect(),
                            ));
                        }
                    }
                    other => panic!("unexpected metric data {:?}", std::mem::discriminant(other)),
                }
            }
        }
    }
    out.sort_by(|a, b| {
        (a.0.clone(), format!("{:?}", a.1)).cmp(&(b.0.clone(), format!("{:?}", b.1)))
    });
    out
}

#[test]
fn chat_span_and_metrics() {
    let _lock = LOCK.lock().unwrap_or_else(|p| p.into_inner());
    let f = fixture();
    let _g = CaptureGuard::new(CaptureMode::NoContent);
    let mut call = InferenceSpan::chat("openai", "gpt-4o")
        .server("api.openai.com", Some(443))
        .temperature(0.2)
        .max_tokens(256)
        .stream()
        .input_messages(|| vec![Message::user("hi")])
        .tracer(f.tracer.clone())
        .metrics(f.gen_ai.clone())
        .start();
    call.first_chunk();
    call.finish_ok(|r| {
        r.response_id("chatcmpl-1")
            .response_model("gpt-4o-2024-08-06")
            .finish_reasons(["stop"])
            .usage(Usage {
                input_tokens: Some(100),
                output_tokens: Some(20),
                cache_read_input_tokens: Some(40),
                cache_creation_input_tokens: Some(0),
                reasoning_output_tokens: None,
            })
    });
    let spans = f.spans.get_finished_spans().unwrap();
    assert_eq!(spans.len(), 1);
    let sp = &spans[0];
    assert_eq!(sp.name, "chat gpt-4o");
    assert_eq!(sp.span_kind, SpanKind::Client);
    assert_eq!(sp.status, Status::Unset);
    let s = |v: &str| Value::from(v.to_owned());
    assert_eq!(attr(sp, "gen_ai.operation.name"), Some(&s("chat")));
    assert_eq!(attr(sp, "gen_ai.provider.name"), Some(&s("openai")));
    assert_eq!(attr(sp, "gen_ai.request.model"), Some(&s("gpt-4o")));
    assert_eq!(attr(sp, "server.address"), Some(&s("api.openai.com")));
    assert_eq!(attr(sp, "server.port"), Some(&Value::I64(443)));
    assert_eq!(
        attr(sp, "gen_ai.request.temperature"),
        Some(&Value::F64(0.2))
    );
    assert_eq!(
        attr(sp, "gen_ai.request.max_tokens"),
        Some(&Value::I64(256))
    );
    assert_eq!(attr(sp, "gen_ai.request.stream"), Some(&Value::Bool(true)));
    assert_eq!(attr(sp, "gen_ai.response.id"), Some(&s("chatcmpl-1")));
    assert_eq!(
        attr(sp, "gen_ai.response.model"),
        Some(&s("gpt-4o-2024-08-06"))
    );
    assert_eq!(
        attr(sp, "gen_ai.usage.input_tokens"),
        Some(&Value::I64(100))
    );
    assert_eq!(
        attr(sp, "gen_ai.usage.output_tokens"),
        Some(&Value::I64(20))
    );
    assert_eq!(
        attr(sp, "gen_ai.usage.cache_read.input_tokens"),
        Some(&Value::I64(40))
    );
    assert_eq!(
        attr(sp, "gen_ai.usage.cache_creation.input_tokens"),
        Some(&Value::I64(0))
    );
    assert!(matches!(
        attr(sp, "gen_ai.response.time_to_first_chunk"),
        Some(Value::F64(_))
    ));
    assert!(attr(sp, "gen_ai.response.finish_reasons").is_some());
    assert_eq!(
        attr(sp, "gen_ai.input.messages"),
        None,
        "content is off by default"
    );

    f.meter_provider.force_flush().unwrap();
    let mut pts = points(&f.metrics.get_finished_metrics().unwrap());
    assert_eq!(pts.len(), 4, "{pts:?}");
    // `first_chunk()` recorded the streaming metric (no advised buckets: SDK defaults).
    let ttfc = pts.remove(1);
    assert_eq!(ttfc.0, "gen_ai.client.operation.time_to_first_chunk");
    assert_eq!(ttfc.2, 1);
    let base = |extra: &[KeyValue]| {
        let mut v = vec![
            KeyValue::new("gen_ai.operation.name", "chat"),
            KeyValue::new("gen_ai.provider.name", "openai"),
            KeyValue::new("gen_ai.request.model", "gpt-4o"),
            KeyValue::new("gen_ai.response.model", "gpt-4o-2024-08-06"),
            KeyValue::new("server.address", "api.openai.com"),
            KeyValue::new("server.port", 443),
        ];
        v.extend_from_slice(extra);
        v.sort_by(|x, y| x.key.cmp(&y.key));
        v
    };
    assert_eq!(pts[0].0, "gen_ai.client.operation.duration");
    assert_eq!(pts[0].1, base(&[]));
    assert_eq!(pts[0].2, 1);
    assert_eq!(pts[0].4, DURATION_BUCKETS.to_vec());
    assert_eq!(pts[1].0, "gen_ai.client.token.usage");
    assert_eq!(
        pts[1].1,
        base(&[KeyValue::new("gen_ai.token.type", "input")])
    );
    assert_eq!((pts[1].2, pts[1].3), (1, 100.0));
    assert_eq!(pts[1].4, TOKEN_BUCKETS.to_vec());
    assert_eq!(
        pts[2].1,
        base(&[KeyValue::new("gen_ai.token.type", "output")])
    );
    assert_eq!((pts[2].2, pts[2].3), (1, 20.0));
}

#[test]
fn capture_and_errors_and_embeddings() {
    let _lock = LOCK.lock().unwrap_or_else(|p| p.into_inner());
    let f = fixture();
    {
        let _g = CaptureGuard::new(CaptureMode::SpanAndEvent);
        let call = InferenceSpan::chat("anthropic", "claude")
            .system_instructions(|| vec![InstructionPart::text("be brief")])
            .input_messages(|| vec![Message::user("hi")])
            .tracer(f.tracer.clone())
            .metrics(f.gen_ai.clone())
            .start();
        call.finish_ok(|r| {
            r.output_messages(|| vec![Message::assistant("hello").with_finish_reason("stop")])
        });
    }
    let call = InferenceSpan::chat("openai", "gpt-4o")
        .tracer(f.tracer.clone())
        .metrics(f.gen_ai.clone())
        .start();
    call.finish_err(&std::io::Error::other("503 from upstream"), "503");
    EmbeddingsSpan::new("openai", "text-embedding-3-small")
        .tracer(f.tracer.clone())
        .metrics(f.gen_ai.clone())
        .start()
        .finish_ok(|r| {
            r.dimension_count(1536).usage(Usage {
                input_tokens: Some(8),
                ..Usage::default()
            })
        });

    let spans = f.spans.get_finished_spans().unwrap();
    assert_eq!(spans.len(), 3);
    assert_eq!(
        attr(&spans[0], "gen_ai.input.messages")
            .map(Value::as_str)
            .as_deref(),
        Some(r#"[{"role":"user","parts":[{"type":"text","content":"hi"}]}]"#)
    );
    assert_eq!(
        attr(&spans[0], "gen_ai.system_instructions")
            .map(Value::as_str)
            .as_deref(),
        Some(r#"[{"type":"text","content":"be brief"}]"#)
    );
    assert_eq!(
        attr(&spans[0], "gen_ai.output.messages")
            .map(Value::as_str)
            .as_deref(),
        Some(
            r#"[{"role":"assistant","parts":[{"type":"text","content":"hello"}],"finish_reason":"stop"}]"#
        )
    );
    assert_eq!(spans[1].status, Status::error("503 from upstream"));
    assert_eq!(
        attr(&spans[1], "error.type").map(Value::as_str).as_deref(),
        Some("503")
    );
    assert_eq!(spans[2].name, "embeddings text-embedding-3-small");
    assert_eq!(
        attr(&spans[2], "gen_ai.embeddings.dimension.count"),
        Some(&Value::I64(1536))
    );

    f.meter_provider.force_flush().unwrap();
    let pts = points(&f.metrics.get_finished_metrics().unwrap());
    // 3 durations; token points: none for the first two calls (no usage), one `input` for embeddings.
    let dur: Vec<_> = pts
        .iter()
        .filter(|p| p.0 == "gen_ai.client.operation.duration")
        .collect();
    assert_eq!(dur.len(), 3);
    assert!(
        dur.iter()
            .any(|p| p.1.contains(&KeyValue::new("error.type", "503")))
    );
    let tok: Vec<_> = pts
        .iter()
        .filter(|p| p.0 == "gen_ai.client.token.usage")
        .collect();
    assert_eq!(tok.len(), 1);
    assert!(
        tok[0]
            .1
            .contains(&KeyValue::new("gen_ai.token.type", "input"))
    );
    assert!(
        tok[0]
            .1
            .contains(&KeyValue::new("gen_ai.operation.name", "embeddings"))
    );
}

static CONTENT_BUILDS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

fn content_call(f: &Fixture, fail: bool) {
    let call = InferenceSpan::chat("openai", "gpt-4o")
        .temperature(0.5)
        .system_instructions(|| {
            CONTENT_BUILDS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            vec![InstructionPart::text("be brief")]
        })
        .input_messages(|| {
            CONTENT_BUILDS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            vec![Message::user("hi")]
        })
        .tracer(f.tracer.clone())
        .metrics(f.gen_ai.clone())
        .start();
    if fail {
        call.finish_err(&std::io::Error::other("rate limited"), "429");
    } else {
        call.finish_ok(|r| {
            r.response_id("resp_1")
                .usage(Usage {
                    input_tokens: Some(3),
                    output_tokens: Some(1),
                    ..Usage::default()
                })
                .output_messages(|| {
                    CONTENT_BUILDS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    vec![Message::assistant("hello").with_finish_reason("stop")]
                })
        });
    }
}

fn event_attr<'a>(ev: &'a opentelemetry::trace::Event, key: &str) -> Option<&'a Value> {
    ev.attributes
        .iter()
        .find(|kv| kv.key.as_str() == key)
        .map(|kv| &kv.value)
}

#[test]
fn capture_modes_route_content_to_span_and_event() {
    use genai_semconv::instrument::inference::OPERATION_DETAILS_EVENT;
    use std::sync::atomic::Ordering;
    let _lock = LOCK.lock().unwrap_or_else(|p| p.into_inner());
    let input = r#"[{"role":"user","parts":[{"type":"text","content":"hi"}]}]"#;
    let output = r#"[{"role":"assistant","parts":[{"type":"text","content":"hello"}],"finish_reason":"stop"}]"#;
    let system = r#"[{"type":"text","content":"be brief"}]"#;
    for (mode, on_span, on_event) in [
        (CaptureMode::NoContent, false, false),
        (CaptureMode::SpanOnly, true, false),
        (CaptureMode::EventOnly, false, true),
        (CaptureMode::SpanAndEvent, true, true),
    ] {
        let f = fixture();
        CONTENT_BUILDS.store(0, Ordering::SeqCst);
        {
            let _g = CaptureGuard::new(mode);
            content_call(&f, false);
        }
        // Each closure runs at most once, and not at all without capture.
        let expected_builds = if on_span || on_event { 3 } else { 0 };
        assert_eq!(
            CONTENT_BUILDS.load(Ordering::SeqCst),
            expected_builds,
            "{mode:?}"
        );

        let spans = f.spans.get_finished_spans().unwrap();
        assert_eq!(spans.len(), 1);
        let span = &spans[0];
        for (key, v) in [
            ("gen_ai.input.messages", input),
            ("gen_ai.output.messages", output),
            ("gen_ai.system_instructions", system),
        ] {
            assert_eq!(
                attr(span, key).map(Value::as_str).as_deref(),
                on_span.then_some(v),
                "{mode:?} span {key}"
            );
        }
        let events: Vec<_> = span
            .events
            .iter()
            .filter(|e| e.name == OPERATION_DETAILS_EVENT)
            .collect();
        assert_eq!(events.len(), usize::from(on_event), "{mode:?}");
        if let Some(ev) = events.first() {
            for (key, v) in [
                ("gen_ai.input.messages", s(input)),
                ("gen_ai.output.messages", s(output)),
                ("gen_ai.system_instructions", s(system)),
                ("gen_ai.operation.name", s("chat")),
                ("gen_ai.provider.name", s("openai")),
                ("gen_ai.request.model", s("gpt-4o")),
                ("gen_ai.request.temperature", Value::F64(0.5)),
                ("gen_ai.response.id", s("resp_1")),
                ("gen_ai.usage.input_tokens", Value::I64(3)),
                ("gen_ai.usage.output_tokens", Value::I64(1)),
            ] {
                assert_eq!(event_attr(ev, key), Some(&v), "{mode:?} event {key}");
            }
            assert_eq!(event_attr(ev, "error.type"), None);
        }
    }
}

#[test]
fn event_only_failure_carries_error_type() {
    use genai_semconv::instrument::inference::OPERATION_DETAILS_EVENT;
    let _lock = LOCK.lock().unwrap_or_else(|p| p.into_inner());
    let f = fixture();
    {
        let _g = CaptureGuard::new(CaptureMode::EventOnly);
        content_call(&f, true);
    }
    let spans = f.spans.get_finished_spans().unwrap();
    let ev = spans[0]
        .events
        .iter()
        .find(|e| e.name == OPERATION_DETAILS_EVENT)
        .expect("operation details event");
    assert_eq!(event_attr(ev, "error.type"), Some(&s("429")));
    assert_eq!(attr(&spans[0], "gen_ai.input.messages"), None);
    assert!(event_attr(ev, "gen_ai.input.messages").is_some());
    assert_eq!(event_attr(ev, "gen_ai.output.messages"), None);
}

fn s(v: &str) -> Value {
    Value::from(v.to_owned())
}
