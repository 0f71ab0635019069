//! Typed spans for model calls (`chat`, `text_completion`, `generate_content`, ..) and
//! embeddings, with the GenAI client metrics.
//!
//! ```
//! use genai_semconv::instrument::inference::{InferenceSpan, Message, Usage};
//! use genai_semconv::content::ChatMessage;
//!
//! let call = InferenceSpan::chat("openai", "gpt-4o")
//!     .temperature(0.2)
//!     .max_tokens(256)
//!     .input_messages(|| vec![Message::user("What is the weather in Paris?")])
//!     .start();
//! // ... call the model ...
//! call.finish_ok(|r| {
//!     r.response_id("chatcmpl-1")
//!         .response_model("gpt-4o-2024-08-06")
//!         .finish_reasons(["stop"])
//!         .usage(Usage { input_tokens: Some(12), output_tokens: Some(7), ..Usage::default() })
//!         .output_messages(|| vec![ChatMessage::assistant("Sunny.").with_finish_reason("stop")])
//! });
//! ```
//!
//! Request attributes are set at start (the sampling-relevant ones in the span builder);
//! response attributes, token usage and errors at finish, which also records
//! `gen_ai.client.operation.duration` (seconds) and `gen_ai.client.token.usage` (one point per
//! token type, `gen_ai.token.type` = `input` / `output`) with the spec's advised buckets.
//! Messages and system instructions are recorded only under content capture
//! ([`super::capture`]), in the spec's JSON shape (role + parts), and only when the span
//! records: the closures that build them are not called otherwise (and are called once, however
//! many places the content goes to). Where they go follows the capture mode:
//!
//! | mode | span attributes | `gen_ai.client.inference.operation.details` event |
//! |---|---|---|
//! | `NO_CONTENT` | no | no |
//! | `SPAN_ONLY` | yes | no |
//! | `EVENT_ONLY` | no | yes |
//! | `SPAN_AND_EVENT` | yes | yes |
//!
//! The event ([`OPERATION_DETAILS_EVENT`]) is emitted when the call finishes, as a log record
//! in the span's context through the logger provider of the
//! [`Telemetry`] handle, or, without one, as a span event (see
//! [`super::events`]). It carries
//! the operation, provider, request model, server, request parameters, response attributes and
//! token usage, `error.type` on failure, and `gen_ai.system_instructions`,
//! `gen_ai.input.messages` and `gen_ai.output.messages` (redacted). Embeddings calls do not
//! emit it. A failed call with a logger provider also emits
//! `gen_ai.client.operation.exception` (a log record only: the span already has its
//! `exception` event).
//!
//! Inside an agent invocation ([`super::agent`]) the span carries the agent's
//! `gen_ai.agent.name` and `gen_ai.agent.id`, and the call is counted and its usage added to
//! the agent's totals. Streamed calls: [`ActiveInference::chunk`] (or the wrapper in
//! [`super::stream`]) records `gen_ai.client.operation.time_to_first_chunk` and
//! `time_per_output_chunk`.
//!
//! Content types are the shared model of [`crate::content`].

use std::borrow::Cow;
use std::error::Error;
use std::sync::Arc;
use std::time::{Duration, Instant};

use opentelemetry::global::BoxedTracer;
use opentelemetry::logs::Severity;
use opentelemetry::metrics::{Meter, MeterProvider};
use opentelemetry::trace::{Span as _, TraceContextExt, Tracer};
use opentelemetry::{Context, KeyValue, Value};
use serde::Serialize;

use super::agent::AgentScope;
use super::capture::CaptureMode;
use super::events;
use super::metrics::Instruments;
use super::signal::SpanStart;
use super::telemetry::Telemetry;
use crate::attribute as a;
use crate::descriptor::MetricDescriptor;
use crate::{builder, event, metric};

pub use crate::content::{ChatMessage as Message, InstructionPart, OutputMessage, Part};

const fn buckets(d: &MetricDescriptor) -> &'static [f64] {
    match d.bucket_boundaries {
        Some(b) => b,
        None => &[],
    }
}

/// Advised bucket boundaries of `gen_ai.client.operation.duration` (seconds), from the
/// registry.
pub const DURATION_BUCKETS: &[f64] = buckets(&metric::GEN_AI_CLIENT_OPERATION_DURATION);

/// Advised bucket boundaries of `gen_ai.client.token.usage` (tokens), from the registry.
pub const TOKEN_BUCKETS: &[f64] = buckets(&metric::GEN_AI_CLIENT_TOKEN_USAGE);

/// The GenAI client instruments, created from one meter.
#[derive(Clone, Debug)]
pub struct GenAiMetrics(pub(crate) Arc<Instruments>);

impl GenAiMetrics {
    /// Creates the instruments on `meter`.
    pub fn new(meter: &Meter) -> GenAiMetrics {
        GenAiMetrics(Arc::new(Instruments::new(meter)))
    }

    /// Creates the instruments from `provider` with this crate's instrumentation scope.
    pub fn from_provider<P: MeterProvider + ?Sized>(provider: &P) -> GenAiMetrics {
        GenAiMetrics::new(&provider.meter_with_scope(super::instrumentation_scope()))
    }
}

/// Token usage reported by the model.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Usage {
    /// `gen_ai.usage.input_tokens` (including cached tokens).
    pub input_tokens: Option<u64>,
    /// `gen_ai.usage.output_tokens`.
    pub output_tokens: Option<u64>,
    /// `gen_ai.usage.cache_read.input_tokens`.
    pub cache_read_input_tokens: Option<u64>,
    /// `gen_ai.usage.cache_creation.input_tokens`.
    pub cache_creation_input_tokens: Option<u64>,
    /// `gen_ai.usage.reasoning.output_tokens`.
    pub reasoning_output_tokens: Option<u64>,
}

impl Usage {
    /// Adds `other` (chunks of a stream, calls of an agent); a count known on either side
    /// is kept.
    pub fn add(&mut self, other: &Usage) {
        fn sum(a: &mut Option<u64>, b: Option<u64>) {
            if let Some(b) = b {
                *a = Some(a.unwrap_or(0).saturating_add(b));
            }
        }
        sum(&mut self.input_tokens, other.input_tokens);
        sum(&mut self.output_tokens, other.output_tokens);
        sum(
            &mut self.cache_read_input_tokens,
            other.cache_read_input_tokens,
        );
        sum(
            &mut self.cache_creation_input_tokens,
            other.cache_creation_input_tokens,
        );
        sum(
            &mut self.reasoning_output_tokens,
            other.reasoning_output_tokens,
        );
    }

    /// The `gen_ai.usage.*` attributes of the counts that are known.
    pub fn attributes(&self) -> Vec<KeyValue> {
        [
            (a::GEN_AI_USAGE_INPUT_TOKENS.key(), self.input_tokens),
            (a::GEN_AI_USAGE_OUTPUT_TOKENS.key(), self.output_tokens),
            (
                a::GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS.key(),
                self.cache_read_input_tokens,
            ),
            (
                a::GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS.key(),
                self.cache_creation_input_tokens,
            ),
            (
                a::GEN_AI_USAGE_REASONING_OUTPUT_TOKENS.key(),
                self.reasoning_output_tokens,
            ),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| KeyValue::new(k, tokens(v))))
        .collect()
    }
}

type Content<T> = Box<dyn FnOnce() -> T + Send>;

/// Builder of a model-call span; [`InferenceSpan::start`] starts it.
#[must_use = "call .start() to start the span"]
pub struct InferenceSpan {
    /// The span as the generated builder of its definition holds it
    /// ([`builder::GenAiInferenceClient`] or [`builder::GenAiEmbeddingsClient`]).
    span: SpanStart,
    input: Option<Content<Vec<Message>>>,
    system: Option<Content<Vec<InstructionPart>>>,
    parent: Option<Context>,
    telemetry: Option<Telemetry>,
    tracer: Option<Arc<BoxedTracer>>,
    metrics: Option<GenAiMetrics>,
    embeddings: bool,
}

impl InferenceSpan {
    /// A model call with operation `operation` (e.g. `chat`, `text_completion`,
    /// `generate_content`), provider (e.g. `openai`) and request model.
    pub fn new(
        operation: impl Into<Cow<'static, str>>,
        provider: impl Into<Cow<'static, str>>,
        model: impl Into<Cow<'static, str>>,
    ) -> InferenceSpan {
        let operation = crate::OperationName::from_value(&operation.into());
        let provider = crate::ProviderName::from_value(&provider.into());
        let span = builder::GenAiInferenceClient::new(operation, provider)
            .request_model(model.into())
            .into_span_start();
        InferenceSpan::of(span, false)
    }

    fn of(span: SpanStart, embeddings: bool) -> InferenceSpan {
        InferenceSpan {
            span,
            input: None,
            system: None,
            parent: None,
            telemetry: None,
            tracer: None,
            metrics: None,
            embeddings,
        }
    }

    /// A `chat` call.
    pub fn chat(
        provider: impl Into<Cow<'static, str>>,
        model: impl Into<Cow<'static, str>>,
    ) -> InferenceSpan {
        InferenceSpan::new("chat", provider, model)
    }

    fn param(mut self, key: &'static str, value: impl Into<Value>) -> Self {
        self.span.set_listed(KeyValue::new(key, value));
        self
    }

    /// `server.address` and `server.port`.
    pub fn server(self, address: impl Into<Cow<'static, str>>, port: Option<u16>) -> Self {
        let s = self.param(a::SERVER_ADDRESS.key(), address.into());
        match port {
            Some(p) => s.param(a::SERVER_PORT.key(), i64::from(p)),
            None => s,
        }
    }
    /// `gen_ai.request.temperature`.
    pub fn temperature(self, v: f64) -> Self {
        self.param(a::GEN_AI_REQUEST_TEMPERATURE.key(), v)
    }
    /// `gen_ai.request.top_p`.
    pub fn top_p(self, v: f64) -> Self {
        self.param(a::GEN_AI_REQUEST_TOP_P.key(), v)
    }
    /// `gen_ai.request.top_k`.
    pub fn top_k(self, v: f64) -> Self {
        self.param(a::GEN_AI_REQUEST_TOP_K.key(), v)
    }
    /// `gen_ai.request.max_tokens`.
    pub fn max_tokens(self, v: u32) -> Self {
        self.param(a::GEN_AI_REQUEST_MAX_TOKENS.key(), i64::from(v))
    }
    /// `gen_ai.request.frequency_penalty`.
    pub fn frequency_penalty(self, v: f64) -> Self {
        self.param(a::GEN_AI_REQUEST_FREQUENCY_PENALTY.key(), v)
    }
    /// `gen_ai.request.presence_penalty`.
    pub fn presence_penalty(self, v: f64) -> Self {
        self.param(a::GEN_AI_REQUEST_PRESENCE_PENALTY.key(), v)
    }
    /// `gen_ai.request.seed`.
    pub fn seed(self, v: i64) -> Self {
        self.param(a::GEN_AI_REQUEST_SEED.key(), v)
    }
    /// `gen_ai.request.choice.count` (set it only when not 1).
    pub fn choice_count(self, v: u32) -> Self {
        self.param(a::GEN_AI_REQUEST_CHOICE_COUNT.key(), i64::from(v))
    }
    /// `gen_ai.request.stream = true`.
    pub fn stream(self) -> Self {
        self.param(a::GEN_AI_REQUEST_STREAM.key(), true)
    }
    /// `gen_ai.output.type` (e.g. `text`, `json`).
    pub fn output_type(self, v: impl Into<Cow<'static, str>>) -> Self {
        self.param(a::GEN_AI_OUTPUT_TYPE.key(), v.into())
    }
    /// `gen_ai.conversation.id`.
    pub fn conversation_id(self, v: impl Into<Cow<'static, str>>) -> Self {
        self.param(a::GEN_AI_CONVERSATION_ID.key(), v.into())
    }
    /// `gen_ai.request.stop_sequences`.
    pub fn stop_sequences<I: IntoIterator<Item = S>, S: Into<String>>(self, v: I) -> Self {
        let arr: Vec<opentelemetry::StringValue> = v.into_iter().map(|s| s.into().into()).collect();
        self.param(
            a::GEN_AI_REQUEST_STOP_SEQUENCES.key(),
            Value::Array(arr.into()),
        )
    }
    /// Any other request attribute.
    pub fn attribute(mut self, kv: KeyValue) -> Self {
        self.span.set_listed(kv);
        self
    }
    /// `gen_ai.input.messages`, built only when captured.
    pub fn input_messages(mut self, f: impl FnOnce() -> Vec<Message> + Send + 'static) -> Self {
        self.input = Some(Box::new(f));
        self
    }
    /// `gen_ai.system_instructions`, built only when captured.
    pub fn system_instructions(
        mut self,
        f: impl FnOnce() -> Vec<InstructionPart> + Send + 'static,
    ) -> Self {
        self.system = Some(Box::new(f));
        self
    }
    /// The parent context (default: the current context).
    pub fn parent(mut self, cx: Context) -> Self {
        self.parent = Some(cx);
        self
    }
    /// The telemetry handle (default: [`Telemetry::current`] at start).
    pub fn telemetry(mut self, telemetry: &Telemetry) -> Self {
        self.telemetry = Some(telemetry.clone());
        self
    }
    /// The tracer (default: the telemetry handle's).
    pub fn tracer(mut self, tracer: Arc<BoxedTracer>) -> Self {
        self.tracer = Some(tracer);
        self
    }
    /// The metric instruments (default: the telemetry handle's).
    pub fn metrics(mut self, metrics: GenAiMetrics) -> Self {
        self.metrics = Some(metrics);
        self
    }

    /// Starts the span (CLIENT, `{operation} {model}`).
    pub fn start(mut self) -> ActiveInference {
        let started = Instant::now();
        let stream_declared = self.span.value_of(a::GEN_AI_REQUEST_STREAM.key()).is_some();
        let telemetry = self.telemetry.clone().unwrap_or_else(Telemetry::current);
        let parent = self.parent.take().unwrap_or_else(Context::current);
        let mode = telemetry.capture_mode();
        // The `gen_ai.client.inference.operation.details` event: the request now, the response
        // and the output at finish.
        let mut event = (mode.on_event() && !self.embeddings).then(|| {
            let mut e = Vec::with_capacity(8 + self.span.attributes().len());
            e.extend(self.span.attributes().iter().cloned());
            e
        });
        let duration = &metric::GEN_AI_CLIENT_OPERATION_DURATION;
        let metric_attrs: Vec<KeyValue> = self
            .span
            .attributes()
            .iter()
            .filter(|kv| duration.attributes.iter().any(|r| r.key == kv.key.as_str()))
            .cloned()
            .collect();
        let agent = AgentScope::of(&parent);
        if let Some(s) = &agent {
            self.span.join_as_model_call(s, !self.embeddings);
        }
        let builder = self.span.into_builder();
        let mut span = match &self.tracer {
            Some(t) => t.build_with_context(builder, &parent),
            None => telemetry
                .tracer()
                .get()
                .build_with_context(builder, &parent),
        };
        let recording = span.is_recording();
        if !recording {
            event = None;
        }
        if recording && (mode.on_span() || mode.on_event()) {
            // Built and serialised once, recorded where the mode says.
            let content = [
                (
                    a::GEN_AI_SYSTEM_INSTRUCTIONS.key(),
                    self.system.and_then(|f| json_text(&f())),
                ),
                (
                    a::GEN_AI_INPUT_MESSAGES.key(),
                    self.input.and_then(|f| json_text(&f())),
                ),
            ];
            for (key, text) in content {
                if let Some(text) = text {
                    record_content(&telemetry, &mut span, event.as_mut(), mode, key, text);
                }
            }
        }
        let metrics = match self.metrics {
            Some(m) => m.0,
            None => telemetry.instruments(),
        };
        ActiveInference {
            cx: parent.with_span(span),
            started,
            first_chunk: None,
            last_chunk: None,
            stream_declared,
            metrics,
            metric_attrs,
            recording,
            embeddings: self.embeddings,
            mode,
            event,
            agent,
            telemetry,
        }
    }
}

/// The name of the event carrying the content of a model call.
pub const OPERATION_DETAILS_EVENT: &str = "gen_ai.client.inference.operation.details";

fn json_text<T: Serialize + ?Sized>(v: &T) -> Option<String> {
    serde_json::to_string(v).ok()
}

/// Records redacted content on the span and/or into the event, as the capture mode says.
fn record_content<S: opentelemetry::trace::Span>(
    telemetry: &Telemetry,
    span: &mut S,
    event: Option<&mut Vec<KeyValue>>,
    mode: CaptureMode,
    key: &'static str,
    text: String,
) {
    let text = telemetry.redact(text);
    match (mode.on_span(), event) {
        (true, Some(e)) => {
            e.push(KeyValue::new(key, text.clone()));
            span.set_attribute(KeyValue::new(key, text));
        }
        (true, None) => span.set_attribute(KeyValue::new(key, text)),
        (false, Some(e)) => e.push(KeyValue::new(key, text)),
        (false, None) => {}
    }
}

/// Builder of an embeddings span (`embeddings {model}`, CLIENT).
#[must_use = "call .start() to start the span"]
pub struct EmbeddingsSpan(InferenceSpan);

impl EmbeddingsSpan {
    /// An embeddings call for `provider` and `model`.
    pub fn new(
        provider: impl Into<Cow<'static, str>>,
        model: impl Into<Cow<'static, str>>,
    ) -> EmbeddingsSpan {
        let provider = crate::ProviderName::from_value(&provider.into());
        let span = builder::GenAiEmbeddingsClient::new(provider)
            .request_model(model.into())
            .into_span_start();
        EmbeddingsSpan(InferenceSpan::of(span, true))
    }
    /// `gen_ai.request.encoding_formats`.
    pub fn encoding_formats<I: IntoIterator<Item = S>, S: Into<String>>(self, v: I) -> Self {
        let arr: Vec<opentelemetry::StringValue> = v.into_iter().map(|s| s.into().into()).collect();
        EmbeddingsSpan(self.0.param(
            a::GEN_AI_REQUEST_ENCODING_FORMATS.key(),
            Value::Array(arr.into()),
        ))
    }
    /// `server.address` and `server.port`.
    pub fn server(self, address: impl Into<Cow<'static, str>>, port: Option<u16>) -> Self {
        EmbeddingsSpan(self.0.server(address, port))
    }
    /// The parent context.
    pub fn parent(self, cx: Context) -> Self {
        EmbeddingsSpan(self.0.parent(cx))
    }
    /// The tracer.
    pub fn tracer(self, tracer: Arc<BoxedTracer>) -> Self {
        EmbeddingsSpan(self.0.tracer(tracer))
    }
    /// The telemetry handle.
    pub fn telemetry(self, telemetry: &Telemetry) -> Self {
        EmbeddingsSpan(self.0.telemetry(telemetry))
    }
    /// The metric instruments.
    pub fn metrics(self, metrics: GenAiMetrics) -> Self {
        EmbeddingsSpan(self.0.metrics(metrics))
    }
    /// Starts the span.
    pub fn start(self) -> ActiveInference {
        self.0.start()
    }
}

/// A started model call. Finish it with [`ActiveInference::finish_ok`] or
/// [`ActiveInference::finish_err`]; dropping it without finishing ends the span without
/// recording metrics.
#[must_use = "finish the call to record its response and metrics"]
pub struct ActiveInference {
    cx: Context,
    started: Instant,
    first_chunk: Option<Duration>,
    last_chunk: Option<Instant>,
    /// Whether the request set `gen_ai.request.stream` itself; if not, a call that saw a chunk
    /// sets it at finish (the conventions require it on every streaming call).
    stream_declared: bool,
    metrics: Arc<Instruments>,
    metric_attrs: Vec<KeyValue>,
    recording: bool,
    embeddings: bool,
    /// The capture mode read at start.
    mode: CaptureMode,
    /// The operation-details event being built (capture mode with events, span recording).
    event: Option<Vec<KeyValue>>,
    /// The agent invocation the call runs in.
    agent: Option<Arc<AgentScope>>,
    telemetry: Telemetry,
}

/// Response data recorded at finish.
#[derive(Default)]
pub struct Response {
    attrs: Vec<KeyValue>,
    usage: Usage,
    response_model: Option<Cow<'static, str>>,
    output: Option<Content<Vec<OutputMessage>>>,
}

impl Response {
    /// `gen_ai.response.id`.
    pub fn response_id(mut self, id: impl Into<Cow<'static, str>>) -> Self {
        self.attrs
            .push(KeyValue::new(a::GEN_AI_RESPONSE_ID.key(), id.into()));
        self
    }
    /// Adds token usage (e.g. of one chunk of a stream) to the usage recorded so far.
    pub fn add_usage(mut self, usage: &Usage) -> Self {
        self.usage.add(usage);
        self
    }
    /// `gen_ai.response.model` (also a metric attribute).
    pub fn response_model(mut self, model: impl Into<Cow<'static, str>>) -> Self {
        self.response_model = Some(model.into());
        self
    }
    /// `gen_ai.response.finish_reasons`.
    pub fn finish_reasons<I: IntoIterator<Item = S>, S: Into<String>>(mut self, v: I) -> Self {
        let arr: Vec<opentelemetry::StringValue> = v.into_iter().map(|s| s.into().into()).collect();
        self.attrs.push(KeyValue::new(
            a::GEN_AI_RESPONSE_FINISH_REASONS.key(),
            Value::Array(arr.into()),
        ));
        self
    }
    /// Token usage.
    pub fn usage(mut self, usage: Usage) -> Self {
        self.usage = usage;
        self
    }
    /// `gen_ai.embeddings.dimension.count`.
    pub fn dimension_count(mut self, n: u32) -> Self {
        self.attrs.push(KeyValue::new(
            a::GEN_AI_EMBEDDINGS_DIMENSION_COUNT.key(),
            i64::from(n),
        ));
        self
    }
    /// Any other response attribute.
    pub fn attribute(mut self, kv: KeyValue) -> Self {
        self.attrs.push(kv);
        self
    }
    /// `gen_ai.output.messages`, built only when captured.
    pub fn output_messages(
        mut self,
        f: impl FnOnce() -> Vec<OutputMessage> + Send + 'static,
    ) -> Self {
        self.output = Some(Box::new(f));
        self
    }
}

fn tokens(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

impl ActiveInference {
    /// The context holding this call's span (parent for nested spans).
    pub fn context(&self) -> &Context {
        &self.cx
    }

    /// Whether the span records (i.e. is worth building content for).
    pub fn is_recording(&self) -> bool {
        self.recording
    }

    /// Marks the arrival of the first chunk of a streamed response
    /// (`gen_ai.response.time_to_first_chunk`); only the first call counts.
    pub fn first_chunk(&mut self) {
        if self.first_chunk.is_none() {
            self.chunk();
        }
    }

    /// Marks the end of an output chunk of a streamed response: the first one sets
    /// `gen_ai.response.time_to_first_chunk` and records
    /// `gen_ai.client.operation.time_to_first_chunk`; every later one records
    /// `gen_ai.client.operation.time_per_output_chunk` (the time since the previous chunk).
    pub fn chunk(&mut self) {
        let now = Instant::now();
        match self.last_chunk {
            None => {
                let t = now.duration_since(self.started);
                self.first_chunk = Some(t);
                self.metrics
                    .time_to_first_chunk
                    .record(t.as_secs_f64(), &self.metric_attrs);
            }
            Some(prev) => self
                .metrics
                .time_per_output_chunk
                .record(now.duration_since(prev).as_secs_f64(), &self.metric_attrs),
        }
        self.last_chunk = Some(now);
    }

    /// The telemetry handle the call records with.
    pub fn telemetry(&self) -> &Telemetry {
        &self.telemetry
    }

    /// Finishes a successful call: `f` fills in the response.
    pub fn finish_ok(self, f: impl FnOnce(Response) -> Response) {
        let r = f(Response::default());
        self.finish(r, None);
    }

    /// Finishes a failed call with `error` and `error_type` (`error.type`, e.g. an HTTP status
    /// code or the error's type name).
    pub fn finish_err(
        self,
        error: &(dyn Error + 'static),
        error_type: impl Into<Cow<'static, str>>,
    ) {
        self.finish(Response::default(), Some((error, error_type.into())));
    }

    fn finish(mut self, r: Response, err: Option<(&(dyn Error + 'static), Cow<'static, str>)>) {
        let elapsed = self.started.elapsed();
        let span = self.cx.span();
        if let Some(agent) = &self.agent {
            agent.add_usage(&r.usage);
        }
        if self.recording {
            let mut attrs = r.attrs;
            if let Some(m) = &r.response_model {
                attrs.push(KeyValue::new(a::GEN_AI_RESPONSE_MODEL.key(), m.clone()));
            }
            attrs.extend(r.usage.attributes());
            if let Some(t) = self.first_chunk {
                attrs.push(KeyValue::new(
                    a::GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK.key(),
                    t.as_secs_f64(),
                ));
                if !self.stream_declared {
                    attrs.push(KeyValue::new(a::GEN_AI_REQUEST_STREAM.key(), true));
                }
            }
            if let Some(e) = self.event.as_mut() {
                e.extend(attrs.iter().cloned());
                if let Some((_, ty)) = &err {
                    e.push(KeyValue::new(a::ERROR_TYPE.key(), ty.clone()));
                }
            }
            span.set_attributes(attrs);
            if (self.mode.on_span() || self.event.is_some())
                && let Some(f) = r.output
                && let Some(text) = json_text(&f())
            {
                let text = self.telemetry.redact(text);
                if let Some(e) = self.event.as_mut() {
                    e.push(KeyValue::new(a::GEN_AI_OUTPUT_MESSAGES.key(), text.clone()));
                }
                if self.mode.on_span() {
                    span.set_attribute(KeyValue::new(a::GEN_AI_OUTPUT_MESSAGES.key(), text));
                }
            }
            if let Some(e) = self.event.take() {
                events::emit(
                    &self.telemetry,
                    &self.cx,
                    event::GEN_AI_CLIENT_INFERENCE_OPERATION_DETAILS.name,
                    Severity::Info,
                    e,
                );
            }
        }
        if let Some(m) = r.response_model {
            self.metric_attrs
                .push(KeyValue::new(a::GEN_AI_RESPONSE_MODEL.key(), m));
        }
        if let Some((e, ty)) = err {
            super::record_error_parts(&span, &e.to_string(), ty.clone(), Some(e));
            if events::as_log_records(&self.telemetry) {
                events::emit(
                    &self.telemetry,
                    &self.cx,
                    event::GEN_AI_CLIENT_OPERATION_EXCEPTION.name,
                    Severity::Warn,
                    vec![
                        KeyValue::new("exception.type", ty.clone()),
                        KeyValue::new("exception.message", e.to_string()),
                    ],
                );
            }
            self.metric_attrs
                .push(KeyValue::new(a::ERROR_TYPE.key(), ty));
        }
        self.metrics
            .operation_duration
            .record(elapsed.as_secs_f64(), &self.metric_attrs);
        let mut with_type = |ty: &'static str, n: Option<u64>| {
            if let Some(n) = n {
                self.metric_attrs
                    .push(KeyValue::new(a::GEN_AI_TOKEN_TYPE.key(), ty));
                self.metrics.token_usage.record(n, &self.metric_attrs);
                self.metric_attrs.pop();
            }
        };
        with_type("input", r.usage.input_tokens);
        if !self.embeddings {
            with_type("output", r.usage.output_tokens);
        }
        span.end();
    }
}
