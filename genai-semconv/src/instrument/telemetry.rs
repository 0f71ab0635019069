//! One telemetry handle for the macros, the model-call spans and the generated builders:
//! tracer, meter and logger providers, content capture and the redactor.
//!
//! ```
//! use genai_semconv::instrument::telemetry::Telemetry;
//! use genai_semconv::instrument::capture::CaptureMode;
//!
//! let telemetry = Telemetry::builder()
//!     .capture(CaptureMode::SpanOnly)
//!     .redactor(|text: &str| text.replace("secret", "***").into())
//!     .build();
//! // Per call: `#[instrument_tool(telemetry = telemetry)]`, `InferenceSpan::telemetry(..)`,
//! // `builder::..::start_with(&telemetry)`; or for everything:
//! Telemetry::set_global(telemetry);
//! # Telemetry::reset_global();
//! ```
//!
//! # Which providers are used
//!
//! A handle built without a tracer (meter) provider uses OpenTelemetry's **global** tracer
//! (meter) provider *at call time*: installing another global provider later takes effect at
//! the next call. Metric instruments are created once per meter provider and reused; for the
//! global meter provider the cache is keyed on the provider installed in
//! `opentelemetry::global`, so a call after `global::set_meter_provider` records into the new
//! provider (nothing stays bound to the first one).
//!
//! OpenTelemetry 0.33 has no global logger provider: events go to the logger provider of the
//! handle ([`TelemetryBuilder::logger_provider`]) as log records, or, without one, fall back
//! to span events on the current span (see [`super::events`]).
//!
//! Without [`Telemetry::set_global`], [`Telemetry::current`] is a handle with no providers of
//! its own, the process-wide capture mode of [`super::capture`] and its redactor.

use std::borrow::Cow;
use std::fmt;
use std::sync::{Arc, Mutex, RwLock};

use opentelemetry::InstrumentationScope;
use opentelemetry::global::BoxedTracer;
use opentelemetry::logs::{Logger, LoggerProvider};
use opentelemetry::metrics::{Meter, MeterProvider};
use opentelemetry::trace::TracerProvider;

use super::capture::{self, CaptureMode};
use super::events::{EventSink, LoggerSink};
use super::metrics::Instruments;

/// A redaction hook: receives captured content (JSON text or plain text) and returns what is
/// recorded. May hold configuration (it is a closure).
pub type Redactor = dyn Fn(&str) -> Cow<'_, str> + Send + Sync;

/// The telemetry handle: cheap to clone, `Send + Sync`.
#[derive(Clone)]
pub struct Telemetry {
    inner: Arc<Inner>,
}

struct Inner {
    tracer: Option<Arc<BoxedTracer>>,
    instruments: Option<Arc<Instruments>>,
    events: Option<Arc<dyn EventSink>>,
    capture: Option<CaptureMode>,
    redactor: Option<Arc<Redactor>>,
}

impl fmt::Debug for Telemetry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Telemetry")
            .field("tracer", &self.inner.tracer.is_some())
            .field("meter", &self.inner.instruments.is_some())
            .field("logger", &self.inner.events.is_some())
            .field("capture", &self.inner.capture)
            .field("redactor", &self.inner.redactor.is_some())
            .finish()
    }
}

impl Default for Telemetry {
    fn default() -> Self {
        Telemetry::builder().build()
    }
}

static GLOBAL: RwLock<Option<Telemetry>> = RwLock::new(None);

impl Telemetry {
    /// A builder with nothing set (global providers, process-wide capture settings).
    pub fn builder() -> TelemetryBuilder {
        TelemetryBuilder::default()
    }

    /// Makes `telemetry` the handle used when none is given per call.
    pub fn set_global(telemetry: Telemetry) {
        *GLOBAL.write().unwrap_or_else(|p| p.into_inner()) = Some(telemetry);
    }

    /// Removes the handle set by [`Telemetry::set_global`].
    pub fn reset_global() {
        *GLOBAL.write().unwrap_or_else(|p| p.into_inner()) = None;
    }

    /// The handle set by [`Telemetry::set_global`], or the default handle.
    pub fn current() -> Telemetry {
        if let Some(t) = GLOBAL.read().unwrap_or_else(|p| p.into_inner()).as_ref() {
            return t.clone();
        }
        static DEFAULT: std::sync::LazyLock<Telemetry> =
            std::sync::LazyLock::new(Telemetry::default);
        DEFAULT.clone()
    }

    /// The tracer: the handle's, or the global provider's now (scope `genai-semconv`).
    pub fn tracer(&self) -> TracerRef<'_> {
        match &self.inner.tracer {
            Some(t) => TracerRef::Own(t),
            None => TracerRef::Global(opentelemetry::global::tracer_with_scope(
                super::instrumentation_scope(),
            )),
        }
    }

    /// The metric instruments: the handle's, or those of the global meter provider now.
    pub(crate) fn instruments(&self) -> Arc<Instruments> {
        match &self.inner.instruments {
            Some(i) => i.clone(),
            None => global_instruments(),
        }
    }

    /// Where events go, when a logger provider is configured.
    pub(crate) fn events(&self) -> Option<&dyn EventSink> {
        self.inner.events.as_deref()
    }

    /// The capture mode: the handle's, or the process-wide one.
    pub fn capture_mode(&self) -> CaptureMode {
        self.inner.capture.unwrap_or_else(capture::capture_mode)
    }

    /// Applies the handle's redactor (or the process-wide one) to captured content.
    pub fn redact(&self, content: String) -> String {
        match &self.inner.redactor {
            Some(f) => apply(f.as_ref(), content),
            None => capture::redact(content),
        }
    }
}

pub(crate) fn apply(f: &Redactor, content: String) -> String {
    match f(&content) {
        Cow::Borrowed(b) if b.len() == content.len() && b == content => content,
        other => other.into_owned(),
    }
}

/// A tracer borrowed from a handle, or the global one.
pub enum TracerRef<'a> {
    /// The handle's tracer.
    Own(&'a BoxedTracer),
    /// The global provider's tracer.
    Global(BoxedTracer),
}

impl TracerRef<'_> {
    /// The tracer.
    pub fn get(&self) -> &BoxedTracer {
        match self {
            TracerRef::Own(t) => t,
            TracerRef::Global(t) => t,
        }
    }
}

/// Instruments of the global meter provider, rebuilt when another provider is installed.
///
/// The cache holds the provider it was built from, so its address cannot be reused by a new
/// provider while the comparison depends on it.
fn global_instruments() -> Arc<Instruments> {
    type Cache = Option<(Arc<dyn MeterProvider + Send + Sync>, Arc<Instruments>)>;
    static CACHE: Mutex<Cache> = Mutex::new(None);
    let provider = opentelemetry::global::meter_provider();
    let mut cache = CACHE.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((cached, i)) = cache.as_ref()
        && std::ptr::addr_eq(Arc::as_ptr(cached), Arc::as_ptr(&provider))
    {
        return i.clone();
    }
    let i = Arc::new(Instruments::new(
        &provider.meter_with_scope(super::instrumentation_scope()),
    ));
    *cache = Some((provider, i.clone()));
    i
}

/// Builds a [`Telemetry`].
#[derive(Default)]
pub struct TelemetryBuilder {
    tracer: Option<Arc<BoxedTracer>>,
    instruments: Option<Arc<Instruments>>,
    events: Option<Arc<dyn EventSink>>,
    capture: Option<CaptureMode>,
    redactor: Option<Arc<Redactor>>,
}

impl TelemetryBuilder {
    /// Spans go to `provider` (scope `genai-semconv`).
    pub fn tracer_provider<P>(mut self, provider: &P) -> Self
    where
        P: TracerProvider,
        P::Tracer: Send + Sync + 'static,
        <P::Tracer as opentelemetry::trace::Tracer>::Span: Send + Sync + 'static,
    {
        let t = provider.tracer_with_scope(super::instrumentation_scope());
        self.tracer = Some(Arc::new(BoxedTracer::new(Box::new(t))));
        self
    }

    /// Spans go to `tracer`.
    pub fn tracer(mut self, tracer: Arc<BoxedTracer>) -> Self {
        self.tracer = Some(tracer);
        self
    }

    /// Metrics go to `provider` (scope `genai-semconv`); the instruments are created now.
    pub fn meter_provider<P: MeterProvider + ?Sized>(self, provider: &P) -> Self {
        self.meter(&provider.meter_with_scope(super::instrumentation_scope()))
    }

    /// Metrics go to `meter`; the instruments are created now.
    pub fn meter(mut self, meter: &Meter) -> Self {
        self.instruments = Some(Arc::new(Instruments::new(meter)));
        self
    }

    /// Events go to `provider` as log records (scope `genai-semconv`).
    pub fn logger_provider<P>(mut self, provider: &P) -> Self
    where
        P: LoggerProvider,
        P::Logger: Send + Sync + 'static,
        <P::Logger as Logger>::LogRecord: Send,
    {
        let logger = provider.logger_with_scope(scope());
        self.events = Some(Arc::new(LoggerSink(logger)));
        self
    }

    /// The capture mode (default: the process-wide mode of [`super::capture`]).
    pub fn capture(mut self, mode: CaptureMode) -> Self {
        self.capture = Some(mode);
        self
    }

    /// The redactor applied to all captured content (default: the process-wide one).
    pub fn redactor<F>(mut self, f: F) -> Self
    where
        F: Fn(&str) -> Cow<'_, str> + Send + Sync + 'static,
    {
        self.redactor = Some(Arc::new(f));
        self
    }

    /// The handle.
    pub fn build(self) -> Telemetry {
        Telemetry {
            inner: Arc::new(Inner {
                tracer: self.tracer,
                instruments: self.instruments,
                events: self.events,
                capture: self.capture,
                redactor: self.redactor,
            }),
        }
    }
}

fn scope() -> InstrumentationScope {
    super::instrumentation_scope()
}
