//! Instrumentation: the runtime of `#[instrument_agent]`, `#[instrument_tool]` and
//! `#[instrument_workflow]`, content capture, and typed spans for model calls with the GenAI
//! client metrics.
//!
//! # Agents and tools
//!
//! ```
//! use genai_semconv::{instrument_agent, instrument_tool};
//!
//! /// Looks the weather up.
//! #[instrument_tool(tool_type = function, call_id = call_id.to_string())]
//! fn get_weather(call_id: &str, city: String) -> Result<String, std::io::Error> {
//!     Ok(format!("sunny in {city}"))
//! }
//!
//! /// Plans and answers.
//! #[instrument_agent(name = "planner", provider = "openai", model = "gpt-4o",
//!                    conversation_id = conv.clone())]
//! async fn plan(conv: String) -> String {
//!     get_weather("call_1", "Paris".into()).unwrap_or_default()
//! }
//! ```
//!
//! `#[instrument_agent(..)]` emits an `invoke_agent {gen_ai.agent.name}` span (INTERNAL, or
//! CLIENT with `kind = client`); `#[instrument_tool(..)]` emits `execute_tool {gen_ai.tool.name}`
//! (INTERNAL); `#[instrument_workflow(..)]` emits `invoke_workflow {gen_ai.workflow.name}`
//! (INTERNAL). Names default to the function name, descriptions to the first doc-comment line.
//!
//! | argument | macro | attribute |
//! |---|---|---|
//! | `name` | all | `gen_ai.agent.name` / `gen_ai.tool.name` / `gen_ai.workflow.name` |
//! | `id`, `description`, `version` | agent | `gen_ai.agent.id`, `.description`, `.version` |
//! | `provider`, `model` | agent | `gen_ai.provider.name`, `gen_ai.request.model` |
//! | `conversation_id`, `data_source_id` | agent | `gen_ai.conversation.id`, `gen_ai.data_source.id` |
//! | `kind = internal \| client` | agent | span kind |
//! | `description`, `call_id` | tool | `gen_ai.tool.description`, `gen_ai.tool.call.id` |
//! | `tool_type = function \| extension \| datastore` | tool | `gen_ai.tool.type` |
//! | `fields(gen_ai.key = expr, ..)` | all | any attribute; `gen_ai.*` keys, literal types and enum values checked at compile time |
//! | `tracer = expr` | all | a `&impl Tracer` expression (default: the global provider at call time, scope `genai-semconv`) |
//! | `parent = expr` | all | an OTel `Context` to use as parent (default: the current context) |
//! | `links = expr` | all | an `IntoIterator<Item = Link>` |
//! | `crate = path` | all | path to `genai_semconv` when re-exported |
//!
//! String arguments take a literal or an expression over the function's arguments (anything
//! that is `&str`, `String` or `Cow<'static, str>`). The span is built with the generated
//! builder of its definition ([`crate::builder`]: `GenAiInvokeAgentInternal` or, with
//! `kind = client`, `GenAiInvokeAgentClient`, which requires `provider`; `GenAiExecuteToolInternal`;
//! `GenAiInvokeWorkflowInternal`; `GenAiPlanInternal`), so its keys, types, kind and name come
//! from the registry. The attributes given as arguments are set before the span starts and
//! given to the sampler, the sampling-relevant ones (`gen_ai.operation.name`,
//! `gen_ai.provider.name`, agent/tool name, `gen_ai.request.model`, `gen_ai.tool.type`)
//! first; `fields(..)` and captured content are built only when the span records.
//!
//! **Errors**: a function returning `Result<_, E>` that returns `Err` sets the span status to
//! Error with the error's message, sets `error.type` (the type name of `E`, or the value of
//! [`ErrorType::error_type`] when `E` implements [`ErrorType`]) and adds an `exception` event
//! whose message includes the source chain. **Panics** are recorded the same way
//! (`error.type = panic`) and resumed.
//!
//! **Async**: `async fn`, `fn -> impl Future` (with an `async` block tail), `async-trait`
//! methods (`Box::pin(async move {..})`) and async functions in traits are instrumented as
//! futures: the span's context is attached during each poll only, so the future stays `Send`
//! and child spans created across `.await` points have the right parent.
//!
//! **Tool content**: when content capture is on for spans (see [`capture`]), a tool span
//! carries `gen_ai.tool.call.arguments` (a JSON object of the arguments whose types implement
//! `serde::Serialize`; other arguments are skipped, chosen at compile time by autoref
//! specialisation, `self` never included) and `gen_ai.tool.call.result` (the `Ok` value of a
//! `Result`, or the return value, when `Serialize`). Both pass through the redaction hook.
//!
//! **Deprecated keys** in `fields(..)` are compile errors naming the replacement.
//!
//! # Model calls
//!
//! See [`inference`] for [`inference::InferenceSpan`] and [`inference::EmbeddingsSpan`], which
//! also record `gen_ai.client.operation.duration` and `gen_ai.client.token.usage`.

use std::borrow::Cow;
use std::error::Error;

use opentelemetry::trace::{Status, TraceContextExt};
use opentelemetry::{InstrumentationScope, KeyValue};

pub mod agent;
pub mod capture;
pub mod events;
pub mod inference;
pub mod metrics;
mod names;
pub mod operations;
pub mod signal;
pub mod stream;
pub mod telemetry;

#[cfg(feature = "demo")]
pub mod demo;

#[doc(hidden)]
pub mod __private;

/// The value of `error.type` for an error type.
///
/// Implement it to choose a low-cardinality error type for your error (e.g. one per enum
/// variant); the default is the type's name from [`std::any::type_name`]. Errors that do not
/// implement it get the default.
///
/// ```
/// use std::borrow::Cow;
/// #[derive(Debug, thiserror::Error)]
/// enum ToolError { #[error("timed out")] Timeout, #[error("bad input")] BadInput }
/// impl genai_semconv::instrument::ErrorType for ToolError {
///     fn error_type(&self) -> Cow<'static, str> {
///         Cow::Borrowed(match self { ToolError::Timeout => "timeout", ToolError::BadInput => "bad_input" })
///     }
/// }
/// ```
pub trait ErrorType {
    /// The `error.type` of this error.
    fn error_type(&self) -> Cow<'static, str> {
        Cow::Borrowed(std::any::type_name::<Self>())
    }
}

/// The instrumentation scope of spans and metrics this crate emits: `genai-semconv`, its
/// version and the registry's schema URL.
pub fn instrumentation_scope() -> InstrumentationScope {
    InstrumentationScope::builder("genai-semconv")
        .with_version(env!("CARGO_PKG_VERSION"))
        .with_schema_url(crate::SCHEMA_URL)
        .build()
}

/// Records `error` on the span of `cx` as the instrumentation macros do: status Error with the
/// message, `error.type`, and an `exception` event with the source chain.
pub fn record_error(
    cx: &opentelemetry::Context,
    error: &(dyn Error + 'static),
    error_type: Option<&str>,
) {
    let ty = error_type.map_or_else(|| Cow::Borrowed("_OTHER"), |t| Cow::Owned(t.to_owned()));
    record_error_parts(&cx.span(), &error.to_string(), ty, Some(error));
}

pub(crate) fn record_error_parts(
    span: &opentelemetry::trace::SpanRef<'_>,
    message: &str,
    error_type: Cow<'static, str>,
    error: Option<&(dyn Error + 'static)>,
) {
    if !span.is_recording() {
        return;
    }
    let mut full = message.to_owned();
    let mut source = error.and_then(Error::source);
    while let Some(s) = source {
        full.push_str(": ");
        full.push_str(&s.to_string());
        source = s.source();
    }
    span.add_event(
        "exception",
        vec![
            KeyValue::new("exception.type", error_type.clone()),
            KeyValue::new("exception.message", full),
        ],
    );
    span.set_attribute(KeyValue::new(
        crate::attribute::ERROR_TYPE.key(),
        error_type,
    ));
    span.set_status(Status::error(message.to_owned()));
}
