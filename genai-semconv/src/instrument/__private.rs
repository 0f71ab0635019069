//! The runtime the macros expand to. Not a public API: names and signatures may change in any
//! release.
#![allow(missing_docs)]

use std::any::Any;
use std::error::Error;
use std::fmt::Display;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::pin::Pin;
use std::sync::LazyLock;
use std::task::{Context as TaskContext, Poll};

pub use opentelemetry::context::FutureExt;
pub use opentelemetry::trace::{
    Link, Span, SpanBuilder, SpanKind, SpanRef, TraceContextExt, Tracer,
};
pub use opentelemetry::{Context, KeyValue, Value};
pub use std::borrow::Cow;

use opentelemetry::InstrumentationScope;
use opentelemetry::global::BoxedTracer;

use super::ErrorType;
use super::capture;
use super::keys;

static SCOPE: LazyLock<InstrumentationScope> = LazyLock::new(super::instrumentation_scope);

/// The tracer used when no `tracer = ..` is given: the global provider *at call time*.
#[inline]
pub fn default_tracer() -> BoxedTracer {
    opentelemetry::global::tracer_with_scope(SCOPE.clone())
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
/// `op name` for a dynamic name.
pub fn span_name(op: &'static str, name: &str) -> Cow<'static, str> {
    let mut s = String::with_capacity(op.len() + 1 + name.len());
    s.push_str(op);
    s.push(' ');
    s.push_str(name);
    Cow::Owned(s)
}

/// What an instrumented call runs in.
pub enum Active {
    /// No valid span (no provider installed, or telemetry suppressed): nothing to make current,
    /// nothing to record.
    Off,
    /// A valid span context that does not record (the sampler dropped it). It is made current so
    /// that children follow the sampling decision; nothing is recorded and nothing is ended.
    Unsampled(Context),
    /// A recording span: current during the call, ended after it.
    Recording(Context),
}

impl Active {
    /// Attaches the context of an unsampled span (the `Off` and `Unsampled` arms).
    #[inline]
    pub fn attach(self) -> Option<opentelemetry::ContextGuard> {
        match self {
            Active::Off => None,
            Active::Unsampled(cx) | Active::Recording(cx) => Some(cx.attach()),
        }
    }
}

/// Starts a span and puts it into a context, reading the current context once.
///
/// `attributes` are the sampling-relevant attributes (given to the sampler in the builder; the
/// vector should have room for the `extra` ones too). `extra` adds the attributes the macro knows
/// at compile time but the sampler does not need; it runs only when the span records, on the
/// concrete span before it is boxed into the context.
///
/// A span that does not record is dropped at once and only its span context is kept
/// ([`TraceContextExt::with_remote_span_context`] keeps the `is_remote` flag of the context given
/// to it, which is `false` here): no boxing, no end timestamp, no error recording.
#[inline]
pub fn start<T, F>(
    tracer: &T,
    name: Cow<'static, str>,
    kind: SpanKind,
    attributes: Vec<KeyValue>,
    extra: F,
    parent: Option<&Context>,
    links: Option<Vec<Link>>,
) -> Active
where
    T: Tracer,
    T::Span: Send + Sync + 'static,
    F: FnOnce(&mut T::Span),
{
    match parent {
        Some(p) => start_in(tracer, name, kind, attributes, extra, links, p),
        None => Context::map_current(move |cx| {
            start_in(tracer, name, kind, attributes, extra, links, cx)
        }),
    }
}

#[inline(always)]
fn start_in<T, F>(
    tracer: &T,
    name: Cow<'static, str>,
    kind: SpanKind,
    attributes: Vec<KeyValue>,
    extra: F,
    links: Option<Vec<Link>>,
    cx: &Context,
) -> Active
where
    T: Tracer,
    T::Span: Send + Sync + 'static,
    F: FnOnce(&mut T::Span),
{
    // Built in place (the `with_*` chain moves the builder at every step).
    let mut builder = SpanBuilder::from_name(name);
    builder.span_kind = Some(kind);
    builder.attributes = Some(attributes);
    builder.links = links;
    let mut span = tracer.build_with_context(builder, cx);
    if span.is_recording() {
        extra(&mut span);
        Active::Recording(cx.with_span(span))
    } else if span.span_context().is_valid() {
        Active::Unsampled(cx.with_remote_span_context(span.span_context().clone()))
    } else {
        Active::Off
    }
}

/// Whether opt-in content goes on spans now.
#[inline]
pub fn capture_on_span() -> bool {
    capture::capture_mode().on_span()
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
    pub fn record(self, span: &SpanRef<'_>) {
        let text = serde_json::Value::Object(self.0).to_string();
        span.set_attribute(KeyValue::new(
            keys::GEN_AI_TOOL_CALL_ARGUMENTS,
            capture::redact(text),
        ));
    }
}

// ---- finishing --------------------------------------------------------------------------------

/// Records the outcome (and the captured tool result) and ends the span.
pub fn finish(cx: &Context, outcome: Outcome<'_>, result_json: Option<String>) {
    let span = cx.span();
    if let Some(r) = result_json {
        span.set_attribute(KeyValue::new(
            keys::GEN_AI_TOOL_CALL_RESULT,
            capture::redact(r),
        ));
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

/// Records a panic as an error on the span and ends it. The caller resumes the panic.
pub fn finish_panic(cx: &Context, payload: &(dyn Any + Send)) {
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
    /// A future run with a context attached on every poll; panics are recorded and resumed.
    pub struct Instrumented<F> {
        #[pin]
        inner: F,
        cx: Context,
    }
}

impl<F> Instrumented<F> {
    pub fn new(inner: F, cx: Context) -> Self {
        Instrumented { inner, cx }
    }
}

impl<F: Future> Future for Instrumented<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, task: &mut TaskContext<'_>) -> Poll<F::Output> {
        let this = self.project();
        let _guard = this.cx.clone().attach();
        let inner = this.inner;
        match catch_unwind(AssertUnwindSafe(|| inner.poll(task))) {
            Ok(p) => p,
            Err(payload) => {
                finish_panic(this.cx, &*payload);
                resume_unwind(payload)
            }
        }
    }
}
