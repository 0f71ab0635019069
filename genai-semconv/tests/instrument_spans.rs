//! Behaviour of `#[instrument_agent]`, `#[instrument_tool]` and `#[instrument_workflow]` with the
//! SDK's in-memory exporter.

use std::borrow::Cow;
use std::sync::Mutex;

use genai_semconv::instrument::ErrorType;
use genai_semconv::instrument::capture::{CaptureGuard, CaptureMode};
use genai_semconv::{instrument_agent, instrument_tool, instrument_workflow};
use opentelemetry::trace::{SpanKind, Status, TraceContextExt, Tracer, TracerProvider as _};
use opentelemetry::{Context, KeyValue, Value};
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracer, SdkTracerProvider, SpanData};

/// Capture mode is process-wide: tests that depend on it take this lock.
static CAPTURE_LOCK: Mutex<()> = Mutex::new(());

fn setup() -> (SdkTracerProvider, SdkTracer, InMemorySpanExporter) {
    let exporter = InMemorySpanExporter::default();
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(exporter.clone())
        .build();
    let tracer = provider.tracer("test");
    (provider, tracer, exporter)
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

/// Searches the web.
///
/// More text.
#[instrument_tool(tracer = tracer, tool_type = datastore, call_id = call_id)]
fn web_search(tracer: &SdkTracer, call_id: &str, query: String) -> Vec<String> {
    let _ = tracer;
    vec![format!("result for {query}")]
}

#[test]
fn sync_tool_span() {
    let (_p, tracer, exporter) = setup();
    let r = web_search(&tracer, "call_1", "rust".into());
    assert_eq!(r.len(), 1);
    let spans = exporter.get_finished_spans().unwrap();
    assert_eq!(spans.len(), 1);
    let sp = &spans[0];
    assert_eq!(sp.name, "execute_tool web_search");
    assert_eq!(sp.span_kind, SpanKind::Internal);
    assert_eq!(sp.status, Status::Unset);
    assert_eq!(attr(sp, "gen_ai.operation.name"), Some(&s("execute_tool")));
    assert_eq!(attr(sp, "gen_ai.tool.name"), Some(&s("web_search")));
    assert_eq!(attr(sp, "gen_ai.tool.type"), Some(&s("datastore")));
    assert_eq!(
        attr(sp, "gen_ai.tool.description"),
        Some(&s("Searches the web."))
    );
    assert_eq!(attr(sp, "gen_ai.tool.call.id"), Some(&s("call_1")));
    // Capture is off by default: no arguments, no result.
    assert_eq!(attr(sp, "gen_ai.tool.call.arguments"), None);
    assert_eq!(attr(sp, "gen_ai.tool.call.result"), None);
    assert_eq!(sp.attributes.len(), 5);
}

#[derive(Debug, thiserror::Error)]
#[error("lookup failed")]
struct LookupError {
    #[source]
    source: std::io::Error,
}

#[derive(Debug, thiserror::Error)]
enum CustomError {
    #[error("rate limited")]
    RateLimited,
}

impl ErrorType for CustomError {
    fn error_type(&self) -> Cow<'static, str> {
        Cow::Borrowed("rate_limited")
    }
}

#[instrument_tool(tracer = tracer, name = "lookup")]
fn failing_tool(tracer: &SdkTracer) -> Result<u32, LookupError> {
    let _ = tracer;
    Err(LookupError {
        source: std::io::Error::other("disk on fire"),
    })
}

#[instrument_tool(tracer = tracer)]
fn custom_error_tool(tracer: &SdkTracer) -> Result<u32, CustomError> {
    let _ = tracer;
    Err(CustomError::RateLimited)
}

#[test]
fn error_status_type_and_chain() {
    let (_p, tracer, exporter) = setup();
    assert!(failing_tool(&tracer).is_err());
    assert!(custom_error_tool(&tracer).is_err());
    let spans = exporter.get_finished_spans().unwrap();
    let sp = by_name(&spans, "execute_tool lookup");
    assert_eq!(sp.status, Status::error("lookup failed"));
    let ty = attr(sp, "error.type").unwrap().as_str();
    assert!(ty.ends_with("LookupError"), "{ty}");
    let ev = sp
        .events
        .iter()
        .find(|e| e.name == "exception")
        .expect("exception event");
    let msg = ev
        .attributes
        .iter()
        .find(|kv| kv.key.as_str() == "exception.message")
        .unwrap();
    assert_eq!(msg.value.as_str(), "lookup failed: disk on fire");

    let sp = by_name(&spans, "execute_tool custom_error_tool");
    assert_eq!(attr(sp, "error.type"), Some(&s("rate_limited")));
    assert_eq!(sp.status, Status::error("rate limited"));
}

#[instrument_tool(tracer = tracer)]
fn panicking_tool(tracer: &SdkTracer) -> u32 {
    let _ = tracer;
    panic!("boom")
}

#[test]
fn panic_is_recorded_and_resumed() {
    let (_p, tracer, exporter) = setup();
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| panicking_tool(&tracer)));
    assert!(r.is_err());
    let spans = exporter.get_finished_spans().unwrap();
    assert_eq!(spans.len(), 1);
    assert_eq!(spans[0].status, Status::error("boom"));
    assert_eq!(attr(&spans[0], "error.type"), Some(&s("panic")));
}

struct Planner {
    model: String,
    calls: u32,
}

impl Planner {
    /// Plans the next steps.
    #[instrument_agent(tracer = tracer, name = "planner", provider = "openai", model = self.model.clone(),
                       id = "agent_1", version = "1.0", conversation_id = conv, data_source_id = "kb",
                       fields(gen_ai.request.temperature = 0.5, gen_ai.request.max_tokens = 100, app.custom = "x"))]
    async fn plan(&mut self, tracer: &SdkTracer, conv: &str) -> Result<u32, std::io::Error> {
        self.calls += 1;
        tokio::task::yield_now().await;
        let n = step(tracer, self.calls).await;
        tokio::task::yield_now().await;
        let m = sync_step(tracer);
        Ok(n + m)
    }
}

#[instrument_tool(tracer = tracer, tool_type = function)]
async fn step(tracer: &SdkTracer, n: u32) -> u32 {
    tokio::task::yield_now().await;
    // A hand-made child span must get the tool span as parent.
    let _child = tracer.start("inner");
    n
}

#[instrument_tool(tracer = tracer)]
fn sync_step(tracer: &SdkTracer) -> u32 {
    let _ = tracer;
    1
}

fn assert_send<T: Send>(t: T) -> T {
    t
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn async_agent_parents_across_await() {
    let (_p, tracer, exporter) = setup();
    let mut planner = Planner {
        model: "gpt-4o".into(),
        calls: 0,
    };
    let tracer2 = tracer.clone();
    let handle = tokio::spawn(async move {
        let fut = assert_send(planner.plan(&tracer2, "conv_1"));
        fut.await
    });
    assert_eq!(handle.await.unwrap().unwrap(), 2);
    let spans = exporter.get_finished_spans().unwrap();
    assert_eq!(spans.len(), 4);
    let agent = by_name(&spans, "invoke_agent planner");
    let step = by_name(&spans, "execute_tool step");
    let sync_step = by_name(&spans, "execute_tool sync_step");
    let inner = by_name(&spans, "inner");
    assert_eq!(agent.span_kind, SpanKind::Internal);
    assert_eq!(agent.parent_span_id, opentelemetry::trace::SpanId::INVALID);
    assert_eq!(step.parent_span_id, agent.span_context.span_id());
    assert_eq!(sync_step.parent_span_id, agent.span_context.span_id());
    assert_eq!(inner.parent_span_id, step.span_context.span_id());
    assert_eq!(step.span_context.trace_id(), agent.span_context.trace_id());
    for (k, v) in [
        ("gen_ai.operation.name", s("invoke_agent")),
        ("gen_ai.provider.name", s("openai")),
        ("gen_ai.agent.name", s("planner")),
        ("gen_ai.request.model", s("gpt-4o")),
        ("gen_ai.agent.id", s("agent_1")),
        ("gen_ai.agent.description", s("Plans the next steps.")),
        ("gen_ai.agent.version", s("1.0")),
        ("gen_ai.conversation.id", s("conv_1")),
        ("gen_ai.data_source.id", s("kb")),
        ("gen_ai.request.temperature", Value::F64(0.5)),
        ("gen_ai.request.max_tokens", Value::I64(100)),
        ("app.custom", s("x")),
    ] {
        assert_eq!(attr(agent, k), Some(&v), "{k}");
    }
    assert_eq!(agent.attributes.len(), 12);
    assert_eq!(agent.status, Status::Unset);
}

#[instrument_agent(tracer = tracer, kind = client, provider = "aws.bedrock")]
fn remote_agent(tracer: &SdkTracer) {
    let _ = tracer;
}

#[instrument_workflow(tracer = tracer, name = "triage")]
fn workflow(tracer: &SdkTracer) {
    remote_agent(tracer);
}

#[test]
fn client_agent_and_workflow() {
    let (_p, tracer, exporter) = setup();
    workflow(&tracer);
    let spans = exporter.get_finished_spans().unwrap();
    let agent = by_name(&spans, "invoke_agent remote_agent");
    let wf = by_name(&spans, "invoke_workflow triage");
    assert_eq!(agent.span_kind, SpanKind::Client);
    assert_eq!(attr(agent, "gen_ai.provider.name"), Some(&s("aws.bedrock")));
    assert_eq!(agent.parent_span_id, wf.span_context.span_id());
    assert_eq!(
        attr(wf, "gen_ai.operation.name"),
        Some(&s("invoke_workflow"))
    );
    assert_eq!(attr(wf, "gen_ai.workflow.name"), Some(&s("triage")));
}

#[derive(serde::Serialize)]
struct Query {
    text: String,
    limit: u32,
}

struct NotSerialize;

#[instrument_tool(tracer = tracer)]
fn capture_tool(
    tracer: &SdkTracer,
    q: Query,
    opaque: NotSerialize,
    n: u8,
) -> Result<Vec<u32>, std::io::Error> {
    let _ = (tracer, opaque);
    Ok(vec![u32::from(n), q.limit])
}

#[test]
fn capture_on_and_off() {
    let _lock = CAPTURE_LOCK.lock().unwrap_or_else(|p| p.into_inner());
    let (_p, tracer, exporter) = setup();
    let q = || Query {
        text: "hi".into(),
        limit: 3,
    };
    {
        let _g = CaptureGuard::new(CaptureMode::NoContent);
        capture_tool(&tracer, q(), NotSerialize, 7).unwrap();
    }
    {
        let _g = CaptureGuard::new(CaptureMode::SpanOnly);
        capture_tool(&tracer, q(), NotSerialize, 7).unwrap();
        genai_semconv::instrument::capture::set_redactor(Some(|s| {
            Cow::Owned(s.replace("hi", "[redacted]"))
        }));
        capture_tool(&tracer, q(), NotSerialize, 7).unwrap();
        genai_semconv::instrument::capture::set_redactor(None);
    }
    let spans = exporter.get_finished_spans().unwrap();
    assert_eq!(spans.len(), 3);
    assert_eq!(attr(&spans[0], "gen_ai.tool.call.arguments"), None);
    assert_eq!(attr(&spans[0], "gen_ai.tool.call.result"), None);
    assert_eq!(
        attr(&spans[1], "gen_ai.tool.call.arguments"),
        Some(&s(r#"{"n":7,"q":{"limit":3,"text":"hi"}}"#))
    );
    assert_eq!(
        attr(&spans[1], "gen_ai.tool.call.result"),
        Some(&s("[7,3]"))
    );
    assert_eq!(
        attr(&spans[2], "gen_ai.tool.call.arguments"),
        Some(&s(r#"{"n":7,"q":{"limit":3,"text":"[redacted]"}}"#))
    );
}

#[instrument_tool(tracer = tracer, parent = parent, links = links.clone())]
fn with_parent(tracer: &SdkTracer, parent: Context, links: Vec<opentelemetry::trace::Link>) {
    let _ = tracer;
}

#[test]
fn explicit_parent_and_links() {
    let (_p, tracer, exporter) = setup();
    let root = tracer.start("root");
    let root_cx = Context::current_with_span(root);
    let link_cx = root_cx.span().span_context().clone();
    with_parent(
        &tracer,
        root_cx.clone(),
        vec![opentelemetry::trace::Link::with_context(link_cx)],
    );
    root_cx.span().end();
    let spans = exporter.get_finished_spans().unwrap();
    let root = by_name(&spans, "root");
    let tool = by_name(&spans, "execute_tool with_parent");
    assert_eq!(tool.parent_span_id, root.span_context.span_id());
    assert_eq!(tool.links.links.len(), 1);
}

// --- the shapes the macros must accept ---------------------------------------------------

trait Toolbox {
    async fn afit(&self, tracer: &SdkTracer) -> u32;
}

struct Tb;

impl Toolbox for Tb {
    #[instrument_tool(tracer = tracer)]
    async fn afit(&self, tracer: &SdkTracer) -> u32 {
        let _ = tracer;
        1
    }
}

#[async_trait::async_trait]
trait AsyncTraitToolbox {
    async fn at(&self, tracer: &SdkTracer, x: u32) -> Result<u32, std::io::Error>;
}

#[async_trait::async_trait]
impl AsyncTraitToolbox for Tb {
    #[instrument_tool(tracer = tracer)]
    async fn at(&self, tracer: &SdkTracer, x: u32) -> Result<u32, std::io::Error> {
        let _ = tracer;
        tokio::task::yield_now().await;
        Err(std::io::Error::other(format!("bad {x}")))
    }
}

#[allow(clippy::manual_async_fn)] // the shape under test
#[instrument_tool(tracer = tracer)]
fn returns_future<'a>(
    tracer: &'a SdkTracer,
    x: u32,
) -> impl std::future::Future<Output = u32> + Send + 'a {
    async move {
        let _ = tracer;
        x + 1
    }
}

#[instrument_tool(tracer = tracer)]
fn generic<T: Into<u64> + Copy, U>(tracer: &SdkTracer, t: T, _u: U) -> u64
where
    U: Send,
{
    let _ = tracer;
    t.into()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn async_shapes() {
    let (_p, tracer, exporter) = setup();
    assert_eq!(Tb.afit(&tracer).await, 1);
    assert!(assert_send(Tb.at(&tracer, 3)).await.is_err());
    assert_eq!(assert_send(returns_future(&tracer, 1)).await, 2);
    assert_eq!(generic(&tracer, 5u32, "x"), 5);
    let spans = exporter.get_finished_spans().unwrap();
    let names: Vec<_> = spans.iter().map(|s| s.name.to_string()).collect();
    assert_eq!(
        names,
        [
            "execute_tool afit",
            "execute_tool at",
            "execute_tool returns_future",
            "execute_tool generic"
        ]
    );
    assert_eq!(spans[1].status, Status::error("bad 3"));
}

#[test]
fn no_provider_no_span_and_global_default() {
    // No global provider installed: the default tracer is a no-op; the function still runs.
    #[instrument_tool]
    fn global_tool(x: u32) -> u32 {
        x * 2
    }
    assert_eq!(global_tool(2), 4);
    let _ = KeyValue::new("k", 1);
}

/// Drops `invoke_agent` roots and samples everything else; children follow their parent.
#[derive(Debug, Clone)]
struct DropAgents;

impl opentelemetry_sdk::trace::ShouldSample for DropAgents {
    fn should_sample(
        &self,
        _parent: Option<&Context>,
        _trace_id: opentelemetry::trace::TraceId,
        _name: &str,
        _kind: &SpanKind,
        attributes: &[KeyValue],
        _links: &[opentelemetry::trace::Link],
    ) -> opentelemetry_sdk::trace::SamplingResult {
        use opentelemetry::trace::TraceState;
        use opentelemetry_sdk::trace::{SamplingDecision, SamplingResult};
        let agent = attributes.iter().any(|kv| {
            kv.key.as_str() == "gen_ai.operation.name" && kv.value.as_str() == "invoke_agent"
        });
        SamplingResult {
            decision: if agent {
                SamplingDecision::Drop
            } else {
                SamplingDecision::RecordAndSample
            },
            attributes: Vec::new(),
            trace_state: TraceState::default(),
        }
    }
}

fn drop_agents_setup() -> (SdkTracerProvider, SdkTracer, InMemorySpanExporter) {
    let exporter = InMemorySpanExporter::default();
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(exporter.clone())
        .with_sampler(opentelemetry_sdk::trace::Sampler::ParentBased(Box::new(
            DropAgents,
        )))
        .build();
    let tracer = provider.tracer("test");
    (provider, tracer, exporter)
}

/// The current span context inside the call.
#[instrument_agent(tracer = tracer, provider = "openai")]
fn unsampled_agent(tracer: &SdkTracer) -> opentelemetry::trace::SpanContext {
    sync_step(tracer);
    Context::map_current(|cx| cx.span().span_context().clone())
}

#[instrument_agent(tracer = tracer, provider = "openai")]
async fn unsampled_async_agent(tracer: &SdkTracer) -> opentelemetry::trace::SpanContext {
    tokio::task::yield_now().await;
    step(tracer, 1).await;
    Context::map_current(|cx| cx.span().span_context().clone())
}

#[test]
fn unsampled_span_is_current_so_children_follow_the_decision() {
    let (_p, tracer, exporter) = drop_agents_setup();
    // Sanity: a tool on its own is sampled.
    sync_step(&tracer);
    assert_eq!(exporter.get_finished_spans().unwrap().len(), 1);
    exporter.reset();

    let sc = unsampled_agent(&tracer);
    assert!(sc.is_valid(), "the unsampled agent span context is current");
    assert!(!sc.is_sampled());
    assert!(!sc.is_remote());
    // The tool inside follows its (unsampled) parent instead of being sampled as a new root.
    assert!(exporter.get_finished_spans().unwrap().is_empty());
    // Outside the call the context is restored.
    assert!(!Context::map_current(|cx| cx.has_active_span()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unsampled_async_span_is_current_across_await() {
    let (_p, tracer, exporter) = drop_agents_setup();
    let tracer2 = tracer.clone();
    let sc = tokio::spawn(async move { assert_send(unsampled_async_agent(&tracer2)).await })
        .await
        .unwrap();
    assert!(sc.is_valid());
    assert!(!sc.is_sampled());
    assert!(exporter.get_finished_spans().unwrap().is_empty());
}

#[instrument_agent(tracer = tracer, provider = "openai")]
fn unsampled_panicking_agent(tracer: &SdkTracer) {
    let _ = tracer;
    panic!("boom");
}

#[test]
fn unsampled_panic_still_resumes_and_restores_context() {
    let (_p, tracer, exporter) = drop_agents_setup();
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        unsampled_panicking_agent(&tracer)
    }));
    assert!(r.is_err());
    assert!(!Context::map_current(|cx| cx.has_active_span()));
    assert!(exporter.get_finished_spans().unwrap().is_empty());
}
