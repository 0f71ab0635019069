//! A small agent that uses the whole instrumentation API: a mock model, two tools and a
//! plan-then-act loop. `examples/agent.rs` runs it and prints its telemetry; `semconv demo`
//! runs it through [`run_demo_agent`] and collects the telemetry in memory.
//!
//! Only available with the cargo feature `demo`.

use std::sync::Arc;

use opentelemetry::global::BoxedTracer;
use opentelemetry::metrics::MeterProvider;
use opentelemetry::trace::TracerProvider;

use crate::instrument::inference::{GenAiMetrics, InferenceSpan, Message, Part, Usage};
use crate::{instrument_agent, instrument_tool, instrument_workflow};

/// Errors of the demo tools.
#[derive(Debug)]
pub struct ToolError(String);

impl std::fmt::Display for ToolError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ToolError {}

impl crate::instrument::ErrorType for ToolError {
    fn error_type(&self) -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("tool_error")
    }
}

/// The telemetry sinks of one demo run.
#[derive(Clone)]
pub struct DemoTelemetry {
    tracer: Arc<BoxedTracer>,
    metrics: GenAiMetrics,
}

impl DemoTelemetry {
    /// Tracer and metrics from the given providers (scope `genai-semconv`).
    pub fn new<T, M>(tracer_provider: &T, meter_provider: &M) -> DemoTelemetry
    where
        T: TracerProvider,
        T::Tracer: Send + Sync + 'static,
        <T::Tracer as opentelemetry::trace::Tracer>::Span: Send + Sync + 'static,
        M: MeterProvider + ?Sized,
    {
        let tracer = tracer_provider.tracer_with_scope(super::instrumentation_scope());
        DemoTelemetry {
            tracer: Arc::new(BoxedTracer::new(Box::new(tracer))),
            metrics: GenAiMetrics::from_provider(meter_provider),
        }
    }
}

/// What the mock model decides.
enum Step {
    Call {
        tool: &'static str,
        call_id: String,
        arg: String,
    },
    Answer(String),
}

/// The mock model: plans a weather lookup, then a calculation, then answers.
fn mock_model(t: &DemoTelemetry, question: &str, observations: &[String]) -> Step {
    let q = question.to_owned();
    let obs = observations.to_vec();
    let call = InferenceSpan::chat("openai", "gpt-4o-mini")
        .server("api.openai.com", Some(443))
        .temperature(0.0)
        .max_tokens(512)
        .system_instructions(|| {
            vec![Part::Text {
                content: "You are a planning agent.".into(),
            }]
        })
        .input_messages(move || {
            let mut m = vec![Message::user(q)];
            m.extend(obs.into_iter().map(|o| Message::text("tool", o)));
            m
        })
        .tracer(t.tracer.clone())
        .metrics(t.metrics.clone())
        .start();
    let step = match observations.len() {
        0 => Step::Call {
            tool: "get_weather",
            call_id: "call_1".into(),
            arg: "Paris".into(),
        },
        1 => Step::Call {
            tool: "calculator",
            call_id: "call_2".into(),
            arg: "21 * 2".into(),
        },
        _ => Step::Answer(format!("Done: {}", observations.join("; "))),
    };
    let (reason, text) = match &step {
        Step::Call { tool, .. } => ("tool_call", format!("call {tool}")),
        Step::Answer(a) => ("stop", a.clone()),
    };
    let input_tokens = 50 + 20 * observations.len() as u64;
    call.finish_ok(|r| {
        r.response_id(format!("chatcmpl-{}", observations.len()))
            .response_model("gpt-4o-mini-2024-07-18")
            .finish_reasons([reason])
            .usage(Usage {
                input_tokens: Some(input_tokens),
                output_tokens: Some(12),
                ..Usage::default()
            })
            .output_messages(move || vec![Message::assistant(text).with_finish_reason(reason)])
    });
    step
}

/// Returns the weather for a city.
#[instrument_tool(crate = crate, tracer = t.tracer, tool_type = function, call_id = call_id)]
async fn get_weather(t: &DemoTelemetry, call_id: &str, city: String) -> Result<String, ToolError> {
    let _ = t;
    Ok(format!("{city}: 18°C, clear"))
}

/// Evaluates `a * b`.
#[instrument_tool(crate = crate, tracer = t.tracer, tool_type = function, call_id = call_id)]
fn calculator(t: &DemoTelemetry, call_id: &str, expr: String) -> Result<i64, ToolError> {
    let _ = t;
    let (a, b) = expr
        .split_once('*')
        .ok_or_else(|| ToolError(format!("cannot parse `{expr}`")))?;
    let a: i64 = a.trim().parse().map_err(|_| ToolError("bad lhs".into()))?;
    let b: i64 = b.trim().parse().map_err(|_| ToolError("bad rhs".into()))?;
    Ok(a * b)
}

/// Answers questions with tools.
#[instrument_agent(crate = crate, tracer = t.tracer, name = "demo-agent", id = "agent_demo_1",
                   version = "1.0.0", provider = "openai", model = "gpt-4o-mini",
                   conversation_id = conversation_id)]
async fn agent(
    t: &DemoTelemetry,
    conversation_id: &str,
    question: &str,
) -> Result<String, ToolError> {
    let mut observations = Vec::new();
    for _ in 0..4 {
        match mock_model(t, question, &observations) {
            Step::Call {
                tool: "get_weather",
                call_id,
                arg,
            } => {
                observations.push(get_weather(t, &call_id, arg).await?);
            }
            Step::Call { call_id, arg, .. } => {
                observations.push(calculator(t, &call_id, arg)?.to_string());
            }
            Step::Answer(a) => return Ok(a),
        }
    }
    Err(ToolError("no answer after 4 steps".into()))
}

/// The workflow around the agent.
#[instrument_workflow(crate = crate, tracer = t.tracer, name = "demo-workflow")]
async fn workflow(t: &DemoTelemetry, question: &str) -> Result<String, ToolError> {
    agent(t, "conv_demo_1", question).await
}

/// Runs the demo agent once against the given providers and returns its answer.
///
/// Emits one `invoke_workflow demo-workflow` span containing `invoke_agent demo-agent`, three
/// `chat gpt-4o-mini` spans and two tool spans (`execute_tool get_weather`,
/// `execute_tool calculator`), plus `gen_ai.client.operation.duration` and
/// `gen_ai.client.token.usage` points. Content (messages, tool arguments and results) is
/// recorded only when capture is on ([`crate::instrument::capture`]).
///
/// The future is `Send`; it needs no particular runtime (no timers or I/O).
pub async fn run_demo_agent<T, M>(
    tracer_provider: &T,
    meter_provider: &M,
) -> Result<String, ToolError>
where
    T: TracerProvider,
    T::Tracer: Send + Sync + 'static,
    <T::Tracer as opentelemetry::trace::Tracer>::Span: Send + Sync + 'static,
    M: MeterProvider + ?Sized,
{
    let t = DemoTelemetry::new(tracer_provider, meter_provider);
    workflow(&t, "What is the weather in Paris, and what is 21 * 2?").await
}

/// The demo agent of a looping request: it drops each tool result, so the model asks for the
/// same weather lookup (same tool, same arguments) three times before answering; insights
/// report it as `loop_suspected`.
#[instrument_agent(crate = crate, tracer = t.tracer, name = "demo-agent", id = "agent_demo_1",
                   version = "1.0.0", provider = "openai", model = "gpt-4o-mini",
                   conversation_id = conversation_id)]
async fn forgetful_agent(
    t: &DemoTelemetry,
    conversation_id: &str,
    question: &str,
) -> Result<String, ToolError> {
    let mut observations = Vec::new();
    for attempt in 0..3 {
        // The model sees no observation, so it plans the first lookup again.
        if let Step::Call { call_id, arg, .. } = mock_model(t, question, &[]) {
            observations.push(get_weather(t, &format!("{call_id}_{attempt}"), arg).await?);
        }
    }
    match mock_model(t, question, &observations) {
        Step::Answer(a) => Ok(a),
        Step::Call { .. } => Err(ToolError("no answer".into())),
    }
}

/// Runs one request whose agent loops ([`forgetful_agent`]): one `invoke_agent demo-agent`
/// span with four `chat` spans and three `execute_tool get_weather` spans with the same
/// argument. Returns its answer.
pub async fn run_looping_request<T, M>(
    tracer_provider: &T,
    meter_provider: &M,
) -> Result<String, ToolError>
where
    T: TracerProvider,
    T::Tracer: Send + Sync + 'static,
    <T::Tracer as opentelemetry::trace::Tracer>::Span: Send + Sync + 'static,
    M: MeterProvider + ?Sized,
{
    let t = DemoTelemetry::new(tracer_provider, meter_provider);
    forgetful_agent(&t, "conv_demo_2", "What is the weather in Paris?").await
}
