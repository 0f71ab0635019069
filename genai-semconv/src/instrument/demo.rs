//! A small agent that uses the whole instrumentation API: a workflow around an agent that
//! plans (`#[instrument_plan]` with a model call inside), searches its memory, streams model
//! responses ([`crate::instrument::inference::ActiveInference::chunk`]), calls two tools, and has its answer evaluated. `examples/agent.rs` runs it and
//! prints its telemetry; `semconv demo` runs it through [`run_demo_agent`] and collects the
//! telemetry in memory.
//!
//! Only available with the cargo feature `demo`.

use opentelemetry::logs::{Logger, LoggerProvider};
use opentelemetry::metrics::MeterProvider;
use opentelemetry::trace::TracerProvider;

use crate::content::{ChatMessage, InstructionPart};
use crate::instrument::inference::{InferenceSpan, Usage};
use crate::instrument::operations;
use crate::instrument::telemetry::Telemetry;
use crate::{instrument_agent, instrument_plan, instrument_tool, instrument_workflow};

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

/// What the mock model decides.
enum Step {
    Call {
        tool: &'static str,
        call_id: String,
        arg: String,
    },
    Answer(String),
}

fn chat(t: &Telemetry) -> InferenceSpan {
    InferenceSpan::chat("openai", "gpt-4o-mini")
        .server("api.openai.com", Some(443))
        .temperature(0.0)
        .max_tokens(512)
        .telemetry(t)
}

/// Works out the plan: one (non-streamed) model call.
#[instrument_plan(crate = crate, telemetry = t)]
fn make_plan(t: &Telemetry, question: &str) -> Vec<&'static str> {
    let q = question.to_owned();
    let call = chat(t)
        .system_instructions(|| vec![InstructionPart::text("Make a plan.")])
        .input_messages(move || vec![ChatMessage::user(q)])
        .start();
    call.finish_ok(|r| {
        r.response_id("chatcmpl-plan")
            .response_model("gpt-4o-mini-2024-07-18")
            .finish_reasons(["stop"])
            .usage(Usage {
                input_tokens: Some(30),
                output_tokens: Some(8),
                ..Usage::default()
            })
            .output_messages(|| {
                vec![ChatMessage::assistant("weather, then arithmetic").with_finish_reason("stop")]
            })
    });
    vec!["get_weather", "calculator"]
}

/// The mock model, streamed: a weather lookup, then a calculation, then the answer.
fn mock_model(t: &Telemetry, question: &str, observations: &[String]) -> Step {
    let q = question.to_owned();
    let obs = observations.to_vec();
    let call = chat(t)
        .stream()
        .system_instructions(|| vec![InstructionPart::text("You are a planning agent.")])
        .input_messages(move || {
            let mut m = vec![ChatMessage::user(q)];
            m.extend(
                obs.into_iter()
                    .map(|o| ChatMessage::tool_response(None, serde_json::Value::String(o))),
            );
            m
        })
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
    // The response arrives in three chunks; each one adds its output tokens.
    let mut call = call;
    let mut usage = Usage {
        input_tokens: Some(input_tokens),
        ..Usage::default()
    };
    for _chunk in ["He", "llo", "!"] {
        call.chunk();
        usage.add(&Usage {
            output_tokens: Some(4),
            ..Usage::default()
        });
    }
    let n = observations.len();
    call.finish_ok(|r| {
        r.response_id(format!("chatcmpl-{n}"))
            .response_model("gpt-4o-mini-2024-07-18")
            .finish_reasons([reason])
            .usage(usage)
            .output_messages(move || vec![ChatMessage::assistant(text).with_finish_reason(reason)])
    });
    step
}

/// Returns the weather for a city.
#[instrument_tool(crate = crate, telemetry = t, tool_type = function, call_id = call_id,
                  skip(t, call_id))]
async fn get_weather(t: &Telemetry, call_id: &str, city: String) -> Result<String, ToolError> {
    let _ = t;
    Ok(format!("{city}: 18°C, clear"))
}

/// Evaluates `a * b`.
#[instrument_tool(crate = crate, telemetry = t, tool_type = function, call_id = call_id,
                  arguments(expression = expr))]
fn calculator(t: &Telemetry, call_id: &str, expr: String) -> Result<i64, ToolError> {
    let _ = t;
    let (a, b) = expr
        .split_once('*')
        .ok_or_else(|| ToolError(format!("cannot parse `{expr}`")))?;
    let a: i64 = a.trim().parse().map_err(|_| ToolError("bad lhs".into()))?;
    let b: i64 = b.trim().parse().map_err(|_| ToolError("bad rhs".into()))?;
    Ok(a * b)
}

/// Looks up what the agent remembers about the user.
fn recall(t: &Telemetry) -> Result<Vec<String>, ToolError> {
    operations::search_memory()
        .memory_store_id("store-demo".to_string())
        .provider_name(crate::ProviderName::Openai)
        .telemetry(t)
        .start()
        .run(|| Ok(vec!["prefers Celsius".to_string()]))
}

/// Answers questions with tools.
#[instrument_agent(crate = crate, telemetry = t, name = "demo-agent", id = "agent_demo_1",
                   version = "1.0.0", provider = "openai", model = "gpt-4o-mini",
                   conversation_id = conversation_id)]
async fn agent(t: &Telemetry, conversation_id: &str, question: &str) -> Result<String, ToolError> {
    let _plan = make_plan(t, question);
    let _memories = recall(t)?;
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
            Step::Answer(a) => {
                // The answer is evaluated; the result belongs to the agent's span.
                operations::evaluation_result("relevance")
                    .evaluation_score_value(0.9)
                    .evaluation_score_label("relevant".to_string())
                    .evaluation_explanation("answers both questions".to_string())
                    .emit_in(&opentelemetry::Context::current(), t);
                return Ok(a);
            }
        }
    }
    Err(ToolError("no answer after 4 steps".into()))
}

/// The workflow around the agent.
#[instrument_workflow(crate = crate, telemetry = t, name = "demo-workflow")]
async fn workflow(t: &Telemetry, question: &str) -> Result<String, ToolError> {
    agent(t, "conv_demo_1", question).await
}

/// Runs the demo agent once against the given providers and returns its answer.
///
/// Emits one `invoke_workflow demo-workflow` span containing `invoke_agent demo-agent`, which
/// contains `plan demo-agent` (with one `chat gpt-4o-mini` inside), `search_memory`, three
/// streamed `chat gpt-4o-mini` spans and two tool spans (`execute_tool get_weather`,
/// `execute_tool calculator`); the GenAI client, streaming, agent, tool and workflow metrics;
/// and a `gen_ai.evaluation.result` event (a span event here: no logger provider, see
/// [`run_demo_agent_with`]). Content is recorded only when capture is on
/// ([`crate::instrument::capture`]).
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
    let t = Telemetry::builder()
        .tracer_provider(tracer_provider)
        .meter_provider(meter_provider)
        .build();
    run_demo_agent_with(&t).await
}

/// Runs the demo agent with a telemetry handle (with a logger provider, events are log
/// records).
pub async fn run_demo_agent_with(t: &Telemetry) -> Result<String, ToolError> {
    workflow(t, "What is the weather in Paris, and what is 21 * 2?").await
}

/// Runs the demo agent against tracer, meter and logger providers.
pub async fn run_demo_agent_logs<T, M, L>(
    tracer_provider: &T,
    meter_provider: &M,
    logger_provider: &L,
) -> Result<String, ToolError>
where
    T: TracerProvider,
    T::Tracer: Send + Sync + 'static,
    <T::Tracer as opentelemetry::trace::Tracer>::Span: Send + Sync + 'static,
    M: MeterProvider + ?Sized,
    L: LoggerProvider,
    L::Logger: Send + Sync + 'static,
    <L::Logger as Logger>::LogRecord: Send,
{
    let t = Telemetry::builder()
        .tracer_provider(tracer_provider)
        .meter_provider(meter_provider)
        .logger_provider(logger_provider)
        .build();
    run_demo_agent_with(&t).await
}

/// The demo agent of a looping request: it drops each tool result, so the model asks for the
/// same weather lookup (same tool, same arguments) three times before answering; insights
/// report it as `loop_suspected`.
#[instrument_agent(crate = crate, telemetry = t, name = "demo-agent", id = "agent_demo_1",
                   version = "1.0.0", provider = "openai", model = "gpt-4o-mini",
                   conversation_id = conversation_id)]
async fn forgetful_agent(
    t: &Telemetry,
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
    let t = Telemetry::builder()
        .tracer_provider(tracer_provider)
        .meter_provider(meter_provider)
        .build();
    run_looping_request_with(&t).await
}

/// Runs the looping request ([`run_looping_request`]) with a telemetry handle.
pub async fn run_looping_request_with(t: &Telemetry) -> Result<String, ToolError> {
    forgetful_agent(t, "conv_demo_2", "What is the weather in Paris?").await
}
