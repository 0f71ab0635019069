//! Typed spans for model calls (`chat`, `text_completion`, `generate_content`, ..) and
//! embeddings, with the GenAI client metrics.
//!
//! ```
//! use genai_semconv::instrument::inference::{InferenceSpan, Message, Usage};
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
//! The event ([`OPERATION_DETAILS_EVENT`]) is added to the inference span when the call
//! finishes (a span event: OpenTelemetry Rust 0.33 has no global logger provider). It carries
//! the operation, provider, request model, server, request parameters, response attributes and
//! token usage, `error.type` on failure, and `gen_ai.system_instructions`,
//! `gen_ai.input.messages` and `gen_ai.output.messages` (redacted). Embeddings calls do not
//! emit it.

use std::borrow::Cow;
use std::error::Error;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{Duration, Instant};

use opentelemetry::global::BoxedTracer;
use opentelemetry::metrics::{Histogram, Meter, MeterProvider};
use opentelemetry::trace::{Span as _, SpanKind, TraceContextExt, Tracer};
use opentelemetry::{Context, KeyValue, Value};
use serde::Serialize;

use super::capture;
use super::keys as k;

/// Advised bucket boundaries of `gen_ai.client.operation.duration` (seconds).
pub const DURATION_BUCKETS: [f64; 14] = [
    0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];

/// Advised bucket boundaries of `gen_ai.client.token.usage` (tokens).
pub const TOKEN_BUCKETS: [f64; 14] = [
    1.0, 4.0, 16.0, 64.0, 256.0, 1024.0, 4096.0, 16384.0, 65536.0, 262144.0, 1048576.0, 4194304.0,
    16777216.0, 67108864.0,
];

/// The two GenAI client histograms, created from one meter.
#[derive(Clone, Debug)]
pub struct GenAiMetrics {
    duration: Histogram<f64>,
    tokens: Histogram<u64>,
}

impl GenAiMetrics {
    /// Creates the instruments on `meter`.
    pub fn new(meter: &Meter) -> GenAiMetrics {
        GenAiMetrics {
            duration: meter
                .f64_histogram(k::METRIC_OPERATION_DURATION)
                .with_unit("s")
                .with_description("GenAI operation duration.")
                .with_boundaries(DURATION_BUCKETS.to_vec())
                .build(),
            tokens: meter
                .u64_histogram(k::METRIC_TOKEN_USAGE)
                .with_unit("{token}")
                .with_description("Number of input and output tokens used.")
                .with_boundaries(TOKEN_BUCKETS.to_vec())
                .build(),
        }
    }

    /// Creates the instruments from `provider` with this crate's instrumentation scope.
    pub fn from_provider<P: MeterProvider + ?Sized>(provider: &P) -> GenAiMetrics {
        GenAiMetrics::new(&provider.meter_with_scope(super::instrumentation_scope()))
    }
}

/// Global metrics, created from the global meter provider on first use.
///
/// Because instruments bind to the provider that is global when they are created, install your
/// meter provider before the first model call, or pass metrics explicitly with
/// [`InferenceSpan::metrics`].
fn global_metrics() -> GenAiMetrics {
    static GLOBAL: LazyLock<Mutex<Option<GenAiMetrics>>> = LazyLock::new(|| Mutex::new(None));
    let mut g = GLOBAL.lock().unwrap_or_else(|p| p.into_inner());
    g.get_or_insert_with(|| {
        GenAiMetrics::new(&opentelemetry::global::meter_with_scope(
            super::instrumentation_scope(),
        ))
    })
    .clone()
}

/// A part of a message, in the spec's JSON shape (`{"type": "text", "content": ..}`, ..).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Part {
    /// Text content.
    Text {
        /// The text.
        content: String,
    },
    /// A tool call requested by the model.
    ToolCall {
        /// The call id.
        #[serde(skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        /// The tool name.
        name: String,
        /// The arguments.
        #[serde(skip_serializing_if = "Option::is_none")]
        arguments: Option<serde_json::Value>,
    },
    /// The response of a tool call.
    ToolCallResponse {
        /// The call id.
        #[serde(skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        /// The result.
        response: serde_json::Value,
    },
    /// Reasoning content.
    Reasoning {
        /// The reasoning text.
        content: String,
    },
}

/// A chat message: role, parts and (output messages) finish reason.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Message {
    /// `system`, `user`, `assistant` or `tool`.
    pub role: Cow<'static, str>,
    /// The parts of the message.
    pub parts: Vec<Part>,
    /// The finish reason (output messages only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finish_reason: Option<Cow<'static, str>>,
}

impl Message {
    /// A message with one text part.
    pub fn text(role: impl Into<Cow<'static, str>>, content: impl Into<String>) -> Message {
        Message {
            role: role.into(),
            parts: vec![Part::Text {
                content: content.into(),
            }],
            finish_reason: None,
        }
    }

    /// A user message with one text part.
    pub fn user(content: impl Into<String>) -> Message {
        Message::text("user", content)
    }

    /// An assistant message with one text part.
    pub fn assistant(content: impl Into<String>) -> Message {
        Message::text("assistant", content)
    }

    /// Sets the finish reason (output messages).
    #[must_use]
    pub fn with_finish_reason(mut self, reason: impl Into<Cow<'static, str>>) -> Message {
        self.finish_reason = Some(reason.into());
        self
    }
}

/// Token usage reported by the model.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
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

/// Which tracer to use.
enum TracerChoice {
    Global,
    Boxed(Arc<BoxedTracer>),
}

/// Builder of a model-call span; [`InferenceSpan::start`] starts it.
#[must_use = "call .start() to start the span"]
pub struct InferenceSpan {
    operation: Cow<'static, str>,
    provider: Cow<'static, str>,
    model: Option<Cow<'static, str>>,
    server: Option<(Cow<'static, str>, Option<u16>)>,
    request: Vec<KeyValue>,
    input: Option<Box<dyn FnOnce() -> Vec<Message>>>,
    system: Option<Box<dyn FnOnce() -> Vec<Part>>>,
    parent: Option<Context>,
    tracer: TracerChoice,
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
        InferenceSpan {
            operation: operation.into(),
            provider: provider.into(),
            model: Some(model.into()),
            server: None,
            request: Vec::new(),
            input: None,
            system: None,
            parent: None,
            tracer: TracerChoice::Global,
            metrics: None,
            embeddings: false,
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
        self.request.push(KeyValue::new(key, value));
        self
    }

    /// `server.address` and `server.port`.
    pub fn server(mut self, address: impl Into<Cow<'static, str>>, port: Option<u16>) -> Self {
        self.server = Some((address.into(), port));
        self
    }
    /// `gen_ai.request.temperature`.
    pub fn temperature(self, v: f64) -> Self {
        self.param(k::GEN_AI_REQUEST_TEMPERATURE, v)
    }
    /// `gen_ai.request.top_p`.
    pub fn top_p(self, v: f64) -> Self {
        self.param(k::GEN_AI_REQUEST_TOP_P, v)
    }
    /// `gen_ai.request.top_k`.
    pub fn top_k(self, v: f64) -> Self {
        self.param(k::GEN_AI_REQUEST_TOP_K, v)
    }
    /// `gen_ai.request.max_tokens`.
    pub fn max_tokens(self, v: u32) -> Self {
        self.param(k::GEN_AI_REQUEST_MAX_TOKENS, i64::from(v))
    }
    /// `gen_ai.request.frequency_penalty`.
    pub fn frequency_penalty(self, v: f64) -> Self {
        self.param(k::GEN_AI_REQUEST_FREQUENCY_PENALTY, v)
    }
    /// `gen_ai.request.presence_penalty`.
    pub fn presence_penalty(self, v: f64) -> Self {
        self.param(k::GEN_AI_REQUEST_PRESENCE_PENALTY, v)
    }
    /// `gen_ai.request.seed`.
    pub fn seed(self, v: i64) -> Self {
        self.param(k::GEN_AI_REQUEST_SEED, v)
    }
    /// `gen_ai.request.choice.count` (set it only when not 1).
    pub fn choice_count(self, v: u32) -> Self {
        self.param(k::GEN_AI_REQUEST_CHOICE_COUNT, i64::from(v))
    }
    /// `gen_ai.request.stream = true`.
    pub fn stream(self) -> Self {
        self.param(k::GEN_AI_REQUEST_STREAM, true)
    }
    /// `gen_ai.output.type` (e.g. `text`, `json`).
    pub fn output_type(self, v: impl Into<Cow<'static, str>>) -> Self {
        self.param(k::GEN_AI_OUTPUT_TYPE, v.into())
    }
    /// `gen_ai.conversation.id`.
    pub fn conversation_id(self, v: impl Into<Cow<'static, str>>) -> Self {
        self.param(k::GEN_AI_CONVERSATION_ID, v.into())
    }
    /// `gen_ai.request.stop_sequences`.
    pub fn stop_sequences<I: IntoIterator<Item = S>, S: Into<String>>(self, v: I) -> Self {
        let arr: Vec<opentelemetry::StringValue> = v.into_iter().map(|s| s.into().into()).collect();
        self.param(k::GEN_AI_REQUEST_STOP_SEQUENCES, Value::Array(arr.into()))
    }
    /// Any other request attribute.
    pub fn attribute(mut self, kv: KeyValue) -> Self {
        self.request.push(kv);
        self
    }
    /// `gen_ai.input.messages`, built only when captured.
    pub fn input_messages(mut self, f: impl FnOnce() -> Vec<Message> + 'static) -> Self {
        self.input = Some(Box::new(f));
        self
    }
    /// `gen_ai.system_instructions`, built only when captured.
    pub fn system_instructions(mut self, f: impl FnOnce() -> Vec<Part> + 'static) -> Self {
        self.system = Some(Box::new(f));
        self
    }
    /// The parent context (default: the current context).
    pub fn parent(mut self, cx: Context) -> Self {
        self.parent = Some(cx);
        self
    }
    /// The tracer (default: the global provider at start, scope `genai-semconv`).
    pub fn tracer(mut self, tracer: Arc<BoxedTracer>) -> Self {
        self.tracer = TracerChoice::Boxed(tracer);
        self
    }
    /// The metric instruments (default: created once from the global meter provider).
    pub fn metrics(mut self, metrics: GenAiMetrics) -> Self {
        self.metrics = Some(metrics);
        self
    }

    /// Starts the span (CLIENT, `{operation} {model}`).
    pub fn start(self) -> ActiveInference {
        let started = Instant::now();
        let name: Cow<'static, str> = match &self.model {
            Some(m) => Cow::Owned(format!("{} {}", self.operation, m)),
            None => self.operation.clone(),
        };
        let mut sampling = vec![
            KeyValue::new(k::GEN_AI_OPERATION_NAME, self.operation.clone()),
            KeyValue::new(k::GEN_AI_PROVIDER_NAME, self.provider.clone()),
        ];
        if let Some(m) = &self.model {
            sampling.push(KeyValue::new(k::GEN_AI_REQUEST_MODEL, m.clone()));
        }
        if let Some((addr, port)) = &self.server {
            sampling.push(KeyValue::new(k::SERVER_ADDRESS, addr.clone()));
            if let Some(p) = port {
                sampling.push(KeyValue::new(k::SERVER_PORT, i64::from(*p)));
            }
        }
        let parent = self.parent.unwrap_or_else(Context::current);
        let span = match &self.tracer {
            TracerChoice::Global => {
                let t = super::__private::default_tracer();
                t.span_builder(name)
                    .with_kind(SpanKind::Client)
                    .with_attributes(sampling)
                    .start_with_context(&t, &parent)
            }
            TracerChoice::Boxed(t) => t
                .span_builder(name)
                .with_kind(SpanKind::Client)
                .with_attributes(sampling)
                .start_with_context(t.as_ref(), &parent),
        };
        let mut span = span;
        let recording = span.is_recording();
        let mode = capture::capture_mode();
        let mut event: Option<Vec<KeyValue>> = None;
        if recording {
            if mode.on_event() && !self.embeddings {
                // The `gen_ai.client.inference.operation.details` event: the request now, the
                // response and the output at finish.
                let mut e = Vec::with_capacity(8 + self.request.len());
                e.push(KeyValue::new(
                    k::GEN_AI_OPERATION_NAME,
                    self.operation.clone(),
                ));
                e.push(KeyValue::new(
                    k::GEN_AI_PROVIDER_NAME,
                    self.provider.clone(),
                ));
                if let Some(m) = &self.model {
                    e.push(KeyValue::new(k::GEN_AI_REQUEST_MODEL, m.clone()));
                }
                if let Some((addr, port)) = &self.server {
                    e.push(KeyValue::new(k::SERVER_ADDRESS, addr.clone()));
                    if let Some(p) = port {
                        e.push(KeyValue::new(k::SERVER_PORT, i64::from(*p)));
                    }
                }
                e.extend(self.request.iter().cloned());
                event = Some(e);
            }
            span.set_attributes(self.request);
            if mode.on_span() || mode.on_event() {
                // Built and serialised once, recorded where the mode says.
                let content = [
                    (
                        k::GEN_AI_SYSTEM_INSTRUCTIONS,
                        self.system.and_then(|f| json_text(&f())),
                    ),
                    (
                        k::GEN_AI_INPUT_MESSAGES,
                        self.input.and_then(|f| json_text(&f())),
                    ),
                ];
                for (key, text) in content {
                    if let Some(text) = text {
                        record_content(&mut span, event.as_mut(), mode, key, text);
                    }
                }
            }
        }
        let mut metric_attrs = vec![
            KeyValue::new(k::GEN_AI_OPERATION_NAME, self.operation),
            KeyValue::new(k::GEN_AI_PROVIDER_NAME, self.provider),
        ];
        if let Some(m) = self.model {
            metric_attrs.push(KeyValue::new(k::GEN_AI_REQUEST_MODEL, m));
        }
        if let Some((addr, port)) = self.server {
            metric_attrs.push(KeyValue::new(k::SERVER_ADDRESS, addr));
            if let Some(p) = port {
                metric_attrs.push(KeyValue::new(k::SERVER_PORT, i64::from(p)));
            }
        }
        ActiveInference {
            cx: parent.with_span(span),
            started,
            first_chunk: None,
            metrics: self.metrics.unwrap_or_else(global_metrics),
            metric_attrs,
            recording,
            embeddings: self.embeddings,
            mode,
            event,
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
    span: &mut S,
    event: Option<&mut Vec<KeyValue>>,
    mode: capture::CaptureMode,
    key: &'static str,
    text: String,
) {
    let text = capture::redact(text);
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
        let mut s = InferenceSpan::new("embeddings", provider, model);
        s.embeddings = true;
        EmbeddingsSpan(s)
    }
    /// `gen_ai.request.encoding_formats`.
    pub fn encoding_formats<I: IntoIterator<Item = S>, S: Into<String>>(self, v: I) -> Self {
        let arr: Vec<opentelemetry::StringValue> = v.into_iter().map(|s| s.into().into()).collect();
        EmbeddingsSpan(
            self.0
                .param(k::GEN_AI_REQUEST_ENCODING_FORMATS, Value::Array(arr.into())),
        )
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
    metrics: GenAiMetrics,
    metric_attrs: Vec<KeyValue>,
    recording: bool,
    embeddings: bool,
    /// The capture mode read at start.
    mode: capture::CaptureMode,
    /// The operation-details event being built (capture mode with events, span recording).
    event: Option<Vec<KeyValue>>,
}

/// Response data recorded at finish.
#[derive(Default)]
pub struct Response {
    attrs: Vec<KeyValue>,
    usage: Usage,
    response_model: Option<Cow<'static, str>>,
    output: Option<Box<dyn FnOnce() -> Vec<Message>>>,
}

impl Response {
    /// `gen_ai.response.id`.
    pub fn response_id(mut self, id: impl Into<Cow<'static, str>>) -> Self {
        self.attrs
            .push(KeyValue::new(k::GEN_AI_RESPONSE_ID, id.into()));
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
            k::GEN_AI_RESPONSE_FINISH_REASONS,
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
            k::GEN_AI_EMBEDDINGS_DIMENSION_COUNT,
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
    pub fn output_messages(mut self, f: impl FnOnce() -> Vec<Message> + 'static) -> Self {
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
            self.first_chunk = Some(self.started.elapsed());
        }
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
        if self.recording {
            let mut attrs = r.attrs;
            if let Some(m) = &r.response_model {
                attrs.push(KeyValue::new(k::GEN_AI_RESPONSE_MODEL, m.clone()));
            }
            let u = r.usage;
            for (key, v) in [
                (k::GEN_AI_USAGE_INPUT_TOKENS, u.input_tokens),
                (k::GEN_AI_USAGE_OUTPUT_TOKENS, u.output_tokens),
                (
                    k::GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
                    u.cache_read_input_tokens,
                ),
                (
                    k::GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
                    u.cache_creation_input_tokens,
                ),
                (
                    k::GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
                    u.reasoning_output_tokens,
                ),
            ] {
                if let Some(v) = v {
                    attrs.push(KeyValue::new(key, tokens(v)));
                }
            }
            if let Some(t) = self.first_chunk {
                attrs.push(KeyValue::new(
                    k::GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK,
                    t.as_secs_f64(),
                ));
            }
            if let Some(e) = self.event.as_mut() {
                e.extend(attrs.iter().cloned());
                if let Some((_, ty)) = &err {
                    e.push(KeyValue::new(k::ERROR_TYPE, ty.clone()));
                }
            }
            span.set_attributes(attrs);
            if (self.mode.on_span() || self.event.is_some())
                && let Some(f) = r.output
                && let Some(text) = json_text(&f())
            {
                let text = capture::redact(text);
                if let Some(e) = self.event.as_mut() {
                    e.push(KeyValue::new(k::GEN_AI_OUTPUT_MESSAGES, text.clone()));
                }
                if self.mode.on_span() {
                    span.set_attribute(KeyValue::new(k::GEN_AI_OUTPUT_MESSAGES, text));
                }
            }
            if let Some(e) = self.event.take() {
                span.add_event(OPERATION_DETAILS_EVENT, e);
            }
        }
        if let Some(m) = r.response_model {
            self.metric_attrs
                .push(KeyValue::new(k::GEN_AI_RESPONSE_MODEL, m));
        }
        if let Some((e, ty)) = err {
            super::record_error_parts(&span, &e.to_string(), ty.clone(), Some(e));
            self.metric_attrs.push(KeyValue::new(k::ERROR_TYPE, ty));
        }
        self.metrics
            .duration
            .record(elapsed.as_secs_f64(), &self.metric_attrs);
        let mut with_type = |ty: &'static str, n: Option<u64>| {
            if let Some(n) = n {
                self.metric_attrs
                    .push(KeyValue::new(k::GEN_AI_TOKEN_TYPE, ty));
                self.metrics.tokens.record(n, &self.metric_attrs);
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
