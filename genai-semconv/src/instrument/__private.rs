//! The runtime the macros expand to. Not a public API: names and signatures may change in any
//! release.
#![allow(missing_docs)]

use std::any::Any;
use std::error::Error;
use std::fmt::Display;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};
use std::time::Instant;

pub use opentelemetry::context::FutureExt;
pub use opentelemetry::trace::{
    Link, Span, SpanBuilder, SpanKind, SpanRef, TraceContextExt, Tracer,
};
pub use opentelemetry::{Context, KeyValue, Value};
pub use std::borrow::Cow;

pub use super::signal::SpanStart;
pub use super::telemetry::{Telemetry, TracerRef};

use super::ErrorType;
use super::agent::AgentScope;
use crate::attribute as a;
use crate::descriptor::MetricDescriptor;
use crate::metric as m;

/// The handle used when no `telemetry = ..` is given: the global one *at call time*.
#[inline]
pub fn default_telemetry() -> Telemetry {
    Telemetry::current()
}

/// Accepts a `Telemetry` or a reference to one for `telemetry = expr`.
pub trait AsTelemetry {
    fn __genai_telemetry(&self) -> &Telemetry;
}
impl AsTelemetry for Telemetry {
    fn __genai_telemetry(&self) -> &Telemetry {
        self
    }
}
impl<T: AsTelemetry + ?Sized> AsTelemetry for &T {
    fn __genai_telemetry(&self) -> &Telemetry {
        (**self).__genai_telemetry()
    }
}
impl<T: AsTelemetry + ?Sized> AsTelemetry for Arc<T> {
    fn __genai_telemetry(&self) -> &Telemetry {
        (**self).__genai_telemetry()
    }
}

/// The handle of `telemetry = expr`.
pub fn telemetry_of<T: AsTelemetry + ?Sized>(t: &T) -> Telemetry {
    t.__genai_telemetry().clone()
}

/// Accepts a tracer, a reference to one, or a smart pointer to one for `tracer = expr`.
pub trait AsTracer {
    type T: Tracer;
    fn __genai_tracer(&self) -> &Self::T;
}
impl<T: Tracer> AsTracer for T {
    type T = T;
    fn __genai_tracer(&self) -> &T {
        self
    }
}
impl AsTracer for TracerRef<'_> {
    type T = opentelemetry::global::BoxedTracer;
    fn __genai_tracer(&self) -> &Self::T {
        self.get()
    }
}
/// Which operation a macro instruments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `invoke_agent`.
    Agent,
    /// `execute_tool`.
    Tool,
    /// `invoke_workflow`.
    Workflow,
    /// `plan`.
    Plan,
}

impl Op {
    fn duration_metric(self) -> Option<&'static MetricDescriptor> {
        match self {
            Op::Agent => Some(&m::GEN_AI_INVOKE_AGENT_DURATION),
            Op::Tool => Some(&m::GEN_AI_EXECUTE_TOOL_DURATION),
            Op::Workflow => Some(&m::GEN_AI_WORKFLOW_DURATION),
            Op::Plan => None,
        }
    }
}

/// What an instrumented call runs in: the context to make current, whether its span records,
/// and what is needed to record its metrics when it ends.
pub struct Active {
    /// The context made current during the call (`None`: nothing to make current).
    cx: Option<Context>,
    recording: bool,
    op: Op,
    started: Instant,
    telemetry: Telemetry,
    /// Attributes of the duration metric (those of the span's that the metric defines).
    metric_attrs: Vec<KeyValue>,
    /// Agents: their own scope.
    scope: Option<Arc<AgentScope>>,
    /// Whether the agent runs in this process (INTERNAL): only then are the calls made inside
    /// it recorded as `gen_ai.invoke_agent.inference_calls` / `.tool_calls` (the registry
    /// records them with the `invoke_agent.internal` span; a remote agent's calls are not
    /// seen here).
    in_process: bool,
    /// Whether the metrics are recorded (by a finish, or on drop).
    recorded: bool,
}

/// An operation that ends without a finish still has its metrics: a panic that unwinds
/// through an `async fn`'s future (its span already marked by [`Instrumented`]) records
/// `error.type` `panic`; a future dropped before completion (cancelled) records the time it ran.
impl Drop for Active {
    fn drop(&mut self) {
        if !self.recorded {
            let error_type = std::thread::panicking().then_some(Cow::Borrowed("panic"));
            self.record_metrics(error_type);
        }
    }
}

impl Active {
    /// The context of the recording span (for attributes set before the call).
    #[inline]
    pub fn recording_context(&self) -> Option<&Context> {
        if self.recording {
            self.cx.as_ref()
        } else {
            None
        }
    }

    /// Makes the call's context current until the guard drops.
    #[inline]
    pub fn attach(&self) -> Option<opentelemetry::ContextGuard> {
        self.cx.clone().map(Context::attach)
    }

    /// The context to attach on every poll of the call's future.
    #[inline]
    pub fn future_context(&self) -> Option<Context> {
        self.cx.clone()
    }

    /// Whether the span records.
    #[inline]
    pub fn is_recording(&self) -> bool {
        self.recording
    }

    /// Whether opt-in content goes on the span.
    #[inline]
    pub fn capture_on_span(&self) -> bool {
        self.recording && self.telemetry.capture_mode().on_span()
    }

    /// Applies the handle's redactor.
    pub fn redact(&self, content: String) -> String {
        self.telemetry.redact(content)
    }

    /// Records the outcome (and the captured tool result), ends the span and records the
    /// operation's metrics.
    pub fn finish(mut self, outcome: Outcome<'_>, result_json: Option<String>) {
        let error_type = match &outcome {
            Outcome::Err { error_type, .. } => Some(error_type.clone()),
            Outcome::Ok => None,
        };
        if let (true, Some(cx)) = (self.recording, &self.cx) {
            let span = cx.span();
            if let Some(r) = result_json {
                span.set_attribute(KeyValue::new(
                    a::GEN_AI_TOOL_CALL_RESULT.key(),
                    self.telemetry.redact(r),
                ));
            }
            if self.op == Op::Agent
                && let Some(scope) = &self.scope
            {
                span.set_attributes(scope.usage().attributes());
            }
            if let Outcome::Err {
                message,
                error_type,
                error,
            } = outcome
            {
                super::record_error_parts(&span, &message, error_type, error);
            }
            span.end();
        }
        self.record_metrics(error_type);
    }

    /// Records a panic as an error on the span, ends it and records the metrics. The caller
    /// resumes the panic.
    pub fn finish_panic(mut self, payload: &(dyn Any + Send)) {
        if let (true, Some(cx)) = (self.recording, &self.cx) {
            finish_panic(cx, payload);
        }
        self.record_metrics(Some(Cow::Borrowed("panic")));
    }

    fn record_metrics(&mut self, error_type: Option<Cow<'static, str>>) {
        self.recorded = true;
        if self.op == Op::Plan {
            return;
        }
        let i = self.telemetry.instruments();
        let elapsed = self.started.elapsed().as_secs_f64();
        if let Some(t) = error_type {
            self.metric_attrs
                .push(KeyValue::new(a::ERROR_TYPE.key(), t));
        }
        match self.op {
            Op::Agent => {
                i.agent_duration.record(elapsed, &self.metric_attrs);
                if let (true, Some(scope)) = (self.in_process, &self.scope) {
                    let name: Vec<KeyValue> = scope
                        .name()
                        .map(|n| KeyValue::new(a::GEN_AI_AGENT_NAME.key(), n.to_owned()))
                        .into_iter()
                        .collect();
                    i.agent_inference_calls
                        .record(scope.inference_calls(), &name);
                    i.agent_tool_calls.record(scope.tool_calls(), &name);
                }
            }
            Op::Tool => i.tool_duration.record(elapsed, &self.metric_attrs),
            Op::Workflow => i.workflow_duration.record(elapsed, &self.metric_attrs),
            Op::Plan => {}
        }
    }
}

/// The arguments of [`start`] that are not parts of the span.
pub struct StartArgs<'a> {
    /// The operation.
    pub op: Op,
    /// The handle (metrics, capture, redaction, events).
    pub telemetry: Telemetry,
    /// The parent (default: the current context).
    pub parent: Option<&'a Context>,
    /// Links.
    pub links: Option<Vec<Link>>,
}

/// Starts the span a generated builder (`genai_semconv::builder`) holds, reading the current
/// context once, and puts it into a context.
///
/// Every attribute of the builder is given to the sampler, the sampling-relevant ones first.
/// A span run inside an agent invocation joins it ([`SpanStart`]'s agent rules: tools are
/// counted, tool and plan spans take the agent's name and id); an agent starts its own scope.
///
/// A span that does not record is dropped at once and only its span context is kept
/// ([`TraceContextExt::with_remote_span_context`] keeps the `is_remote` flag of the context given
/// to it, which is `false` here): no boxing, no end timestamp, no error recording. Metrics are
/// recorded whether the span records or not.
#[inline]
pub fn start<T>(tracer: &T, span: SpanStart, args: StartArgs<'_>) -> Active
where
    T: Tracer,
    T::Span: Send + Sync + 'static,
{
    match args.parent {
        Some(p) => start_in(tracer, span, args, p),
        None => Context::map_current(move |cx| start_in(tracer, span, args, cx)),
    }
}

#[inline(always)]
fn start_in<T>(tracer: &T, mut span: SpanStart, args: StartArgs<'_>, cx: &Context) -> Active
where
    T: Tracer,
    T::Span: Send + Sync + 'static,
{
    let started = Instant::now();
    let op = args.op;
    let enclosing = AgentScope::of(cx);
    let scope = match op {
        Op::Agent => {
            let text = |key: &str| {
                span.value_of(key)
                    .map(|v| Cow::Owned(v.as_str().into_owned()))
            };
            Some(AgentScope::new(
                text(a::GEN_AI_AGENT_NAME.key()),
                text(a::GEN_AI_AGENT_ID.key()),
            ))
        }
        _ => {
            if let Some(s) = &enclosing {
                span.join(s);
            }
            None
        }
    };
    let metric_attrs: Vec<KeyValue> = match op.duration_metric() {
        Some(metric) => span
            .attributes()
            .iter()
            .filter(|kv| metric.attributes.iter().any(|r| r.key == kv.key.as_str()))
            .cloned()
            .collect(),
        None => Vec::new(),
    };
    let in_process = *span.span_kind() == SpanKind::Internal;
    let mut builder = span.into_builder();
    if let Some(links) = args.links {
        builder.links.get_or_insert_with(Vec::new).extend(links);
    }
    let span = tracer.build_with_context(builder, cx);
    let recording = span.is_recording();
    let base = if recording {
        Some(cx.with_span(span))
    } else if span.span_context().is_valid() {
        Some(cx.with_remote_span_context(span.span_context().clone()))
    } else {
        None
    };
    // An agent's scope must reach the calls inside it even when nothing is traced.
    let cx = match (op, &scope) {
        (Op::Agent, Some(s)) => Some(s.enter(base.as_ref().unwrap_or(cx))),
        _ => base,
    };
    Active {
        cx,
        recording,
        op,
        started,
        telemetry: args.telemetry,
        metric_attrs,
        scope,
        in_process,
        recorded: false,
    }
}

// ---- attribute values -------------------------------------------------------------------------

/// Marker: string attributes.
pub struct StrM;
/// Marker: int attributes.
pub struct IntM;
/// Marker: boolean attributes.
pub struct BoolM;
/// Marker: double attributes.
pub struct DoubleM;
/// Marker: an OpenTelemetry `Value` given as is.
pub struct ValueM;

/// Converts a field value into an attribute value; `None` leaves the attribute out.
pub trait IntoAttr<M> {
    fn into_attr(self) -> Option<Value>;
}

/// Converts `v` with the conversion selected by the marker `M` (the registry type of the key).
#[inline]
pub fn attr<M, V: IntoAttr<M>>(v: V) -> Option<Value> {
    v.into_attr()
}

/// A double attribute: floats, and integers converted to `f64`.
#[inline]
pub fn double_attr<V: IntoAttr<DoubleM>>(v: V) -> Option<Value> {
    v.into_attr()
}

impl IntoAttr<StrM> for &str {
    fn into_attr(self) -> Option<Value> {
        Some(Value::from(self.to_owned()))
    }
}
impl IntoAttr<StrM> for String {
    fn into_attr(self) -> Option<Value> {
        Some(Value::from(self))
    }
}
impl IntoAttr<StrM> for &String {
    fn into_attr(self) -> Option<Value> {
        Some(Value::from(self.clone()))
    }
}
impl IntoAttr<StrM> for Cow<'static, str> {
    fn into_attr(self) -> Option<Value> {
        Some(Value::from(self))
    }
}
impl IntoAttr<ValueM> for Value {
    fn into_attr(self) -> Option<Value> {
        Some(self)
    }
}
impl IntoAttr<BoolM> for bool {
    fn into_attr(self) -> Option<Value> {
        Some(Value::Bool(self))
    }
}
macro_rules! ints {
    ($($t:ty),*) => {$(
        impl IntoAttr<IntM> for $t {
            #[allow(clippy::cast_possible_wrap, clippy::unnecessary_cast)]
            fn into_attr(self) -> Option<Value> {
                Some(Value::I64(i64::try_from(self).unwrap_or(i64::MAX)))
            }
        }
        impl IntoAttr<DoubleM> for $t {
            #[allow(clippy::cast_precision_loss)]
            fn into_attr(self) -> Option<Value> {
                Some(Value::F64(self as f64))
            }
        }
    )*};
}
ints!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);
impl IntoAttr<DoubleM> for f64 {
    fn into_attr(self) -> Option<Value> {
        Some(Value::F64(self))
    }
}
impl IntoAttr<DoubleM> for f32 {
    fn into_attr(self) -> Option<Value> {
        Some(Value::F64(f64::from(self)))
    }
}
impl<M, T: IntoAttr<M>> IntoAttr<M> for Option<T> {
    fn into_attr(self) -> Option<Value> {
        self.and_then(IntoAttr::into_attr)
    }
}
impl<M, T: IntoAttr<M> + Clone> IntoAttr<M> for &Option<T> {
    fn into_attr(self) -> Option<Value> {
        self.clone().and_then(IntoAttr::into_attr)
    }
}

/// A `string[]` attribute.
pub fn string_array_attr<I, S>(v: I) -> Option<Value>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    Some(Value::Array(opentelemetry::Array::String(
        v.into_iter()
            .map(|s| s.as_ref().to_owned().into())
            .collect(),
    )))
}

/// An `int[]` attribute.
pub fn int_array_attr<I, N>(v: I) -> Option<Value>
where
    I: IntoIterator<Item = N>,
    N: Into<i64>,
{
    Some(Value::Array(opentelemetry::Array::I64(
        v.into_iter().map(Into::into).collect(),
    )))
}

/// A `double[]` attribute.
pub fn double_array_attr<I, N>(v: I) -> Option<Value>
where
    I: IntoIterator<Item = N>,
    N: Into<f64>,
{
    Some(Value::Array(opentelemetry::Array::F64(
        v.into_iter().map(Into::into).collect(),
    )))
}

/// A `boolean[]` attribute.
pub fn bool_array_attr<I: IntoIterator<Item = bool>>(v: I) -> Option<Value> {
    Some(Value::Array(opentelemetry::Array::Bool(
        v.into_iter().collect(),
    )))
}

/// An `any` attribute: recorded as JSON text (a JSON string is recorded without quotes).
pub fn json_attr<T: serde::Serialize + ?Sized>(v: &T) -> Option<Value> {
    match serde_json::to_value(v).ok()? {
        serde_json::Value::String(s) => Some(Value::from(s)),
        serde_json::Value::Null => None,
        other => Some(Value::from(other.to_string())),
    }
}

/// Span and attribute values given as string literal or expression.
pub trait IntoStr {
    fn into_cow(self) -> Cow<'static, str>;
}
impl IntoStr for &str {
    fn into_cow(self) -> Cow<'static, str> {
        Cow::Owned(self.to_owned())
    }
}
impl IntoStr for String {
    fn into_cow(self) -> Cow<'static, str> {
        Cow::Owned(self)
    }
}
impl IntoStr for &String {
    fn into_cow(self) -> Cow<'static, str> {
        Cow::Owned(self.clone())
    }
}
impl IntoStr for Cow<'static, str> {
    fn into_cow(self) -> Cow<'static, str> {
        self
    }
}

/// Converts a string argument (`name = expr`, `conversation_id = expr`, ..).
#[inline]
pub fn str_value<S: IntoStr>(s: S) -> Cow<'static, str> {
    s.into_cow()
}

// ---- autoref specialisation probes ----------------------------------------------------------

/// Wraps a reference for autoref-specialised dispatch on its type.
pub struct Probe<'a, T: ?Sized>(pub &'a T);

/// How a function call ended.
pub enum Outcome<'a> {
    /// Not an error (or not a `Result`).
    Ok,
    /// An `Err(e)`.
    Err {
        /// The error's `Display`.
        message: String,
        /// The value of `error.type`.
        error_type: Cow<'static, str>,
        /// The error, for its source chain.
        error: Option<&'a (dyn Error + 'static)>,
    },
}

/// `Result<T, E>` with `E: Error + ErrorType` (user-chosen `error.type`).
pub trait OutcomeFull<'a> {
    fn __genai_outcome(&self) -> Outcome<'a>;
}
impl<'a, T, E: Error + ErrorType + 'static> OutcomeFull<'a> for &&&Probe<'a, Result<T, E>> {
    fn __genai_outcome(&self) -> Outcome<'a> {
        let r: &'a _ = self.0;
        match r {
            Ok(_) => Outcome::Ok,
            Err(e) => Outcome::Err {
                message: e.to_string(),
                error_type: e.error_type(),
                error: Some(e),
            },
        }
    }
}
/// `Result<T, E>` with `E: Error` (`error.type` is the type name).
pub trait OutcomeStd<'a> {
    fn __genai_outcome(&self) -> Outcome<'a>;
}
impl<'a, T, E: Error + 'static> OutcomeStd<'a> for &&Probe<'a, Result<T, E>> {
    fn __genai_outcome(&self) -> Outcome<'a> {
        let r: &'a _ = self.0;
        match r {
            Ok(_) => Outcome::Ok,
            Err(e) => Outcome::Err {
                message: e.to_string(),
                error_type: Cow::Borrowed(std::any::type_name::<E>()),
                error: Some(e),
            },
        }
    }
}
/// `Result<T, E>` with `E: Display` only (e.g. `anyhow::Error`).
pub trait OutcomeDisplay<'a> {
    fn __genai_outcome(&self) -> Outcome<'a>;
}
impl<'a, T, E: Display> OutcomeDisplay<'a> for &Probe<'a, Result<T, E>> {
    fn __genai_outcome(&self) -> Outcome<'a> {
        let r: &'a _ = self.0;
        match r {
            Ok(_) => Outcome::Ok,
            Err(e) => Outcome::Err {
                message: format!("{e:#}"),
                error_type: Cow::Borrowed(std::any::type_name::<E>()),
                error: None,
            },
        }
    }
}
/// Anything else: never an error.
pub trait OutcomeNone<'a> {
    fn __genai_outcome(&self) -> Outcome<'a>;
}
impl<'a, T: ?Sized> OutcomeNone<'a> for Probe<'a, T> {
    fn __genai_outcome(&self) -> Outcome<'a> {
        Outcome::Ok
    }
}

/// Tool result capture for `Result<T, E>` with `T: Serialize`: the `Ok` value.
pub trait ResultJsonOk {
    fn __genai_result_json(&self) -> Option<String>;
}
impl<T: serde::Serialize, E> ResultJsonOk for &&Probe<'_, Result<T, E>> {
    fn __genai_result_json(&self) -> Option<String> {
        let r = self.0;
        match r {
            Ok(v) => to_json_text(v),
            Err(_) => None,
        }
    }
}
/// Tool result capture for any `T: Serialize`.
pub trait ResultJsonSer {
    fn __genai_result_json(&self) -> Option<String>;
}
impl<T: serde::Serialize + ?Sized> ResultJsonSer for &Probe<'_, T> {
    fn __genai_result_json(&self) -> Option<String> {
        to_json_text(self.0)
    }
}
/// Tool result capture for anything else: nothing.
pub trait ResultJsonNone {
    fn __genai_result_json(&self) -> Option<String>;
}
impl<T: ?Sized> ResultJsonNone for Probe<'_, T> {
    fn __genai_result_json(&self) -> Option<String> {
        None
    }
}

fn to_json_text<T: serde::Serialize + ?Sized>(v: &T) -> Option<String> {
    match serde_json::to_value(v).ok()? {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s),
        other => Some(other.to_string()),
    }
}

/// Tool argument capture for `T: Serialize`.
pub trait ArgJsonSer {
    fn __genai_arg_json(&self) -> Option<serde_json::Value>;
}
impl<T: serde::Serialize + ?Sized> ArgJsonSer for &Probe<'_, T> {
    fn __genai_arg_json(&self) -> Option<serde_json::Value> {
        serde_json::to_value(self.0).ok()
    }
}
/// Tool argument capture for anything else: skipped.
pub trait ArgJsonNone {
    fn __genai_arg_json(&self) -> Option<serde_json::Value>;
}
impl<T: ?Sized> ArgJsonNone for Probe<'_, T> {
    fn __genai_arg_json(&self) -> Option<serde_json::Value> {
        None
    }
}

/// Collects the serialisable arguments of a tool call into a JSON object.
#[derive(Default)]
pub struct ArgsJson(serde_json::Map<String, serde_json::Value>);

impl ArgsJson {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, name: &str, value: Option<serde_json::Value>) {
        if let Some(v) = value {
            self.0.insert(name.to_owned(), v);
        }
    }

    /// Sets `gen_ai.tool.call.arguments` (redacted).
    pub fn record(self, span: &SpanRef<'_>, active: &Active) {
        let text = serde_json::Value::Object(self.0).to_string();
        span.set_attribute(KeyValue::new(
            a::GEN_AI_TOOL_CALL_ARGUMENTS.key(),
            active.redact(text),
        ));
    }
}

// ---- finishing --------------------------------------------------------------------------------

/// Records a panic as an error on the span and ends it. The caller resumes the panic.
fn finish_panic(cx: &Context, payload: &(dyn Any + Send)) {
    let message = if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic".to_owned()
    };
    let span = cx.span();
    super::record_error_parts(&span, &message, Cow::Borrowed("panic"), None);
    span.end();
}

pin_project_lite::pin_project! {
    /// A future run with a context attached on every poll; panics are recorded on the
    /// recording span and resumed.
    pub struct Instrumented<F> {
        #[pin]
        inner: F,
        cx: Option<Context>,
        recording: bool,
    }
}

impl<F> Instrumented<F> {
    pub fn new(inner: F, active: &Active) -> Self {
        Instrumented {
            inner,
            cx: active.future_context(),
            recording: active.is_recording(),
        }
    }
}

impl<F: Future> Future for Instrumented<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, task: &mut TaskContext<'_>) -> Poll<F::Output> {
        let this = self.project();
        let _guard = this.cx.clone().map(Context::attach);
        let inner = this.inner;
        match catch_unwind(AssertUnwindSafe(|| inner.poll(task))) {
            Ok(p) => p,
            Err(payload) => {
                if let (true, Some(cx)) = (*this.recording, this.cx.as_ref()) {
                    finish_panic(cx, &*payload);
                }
                resume_unwind(payload)
            }
        }
    }
}
