//! Events (`gen_ai.client.inference.operation.details`, `gen_ai.evaluation.result`,
//! `gen_ai.client.operation.exception`) as OpenTelemetry log records.
//!
//! With a logger provider on the [`Telemetry`] handle, an event
//! is a log record with the event name, severity `INFO` (`WARN` for exceptions), the
//! attributes of the event, and the trace and span ids of the span it belongs to (the span of
//! the operation, or the current span). **Fallback**: without a logger provider, the event is
//! added to that span as a span event with the same name and attributes, so that nothing is
//! lost; a span that does not record drops it.

use std::time::SystemTime;

use opentelemetry::logs::{AnyValue, LogRecord, Logger, Severity};
use opentelemetry::trace::{SpanContext, TraceContextExt};
use opentelemetry::{Array, Context, KeyValue, Value};

use super::telemetry::Telemetry;

/// Where log-record events go (a logger behind a trait object).
pub(crate) trait EventSink: Send + Sync {
    fn emit(
        &self,
        name: &'static str,
        severity: Severity,
        attrs: Vec<KeyValue>,
        span: &SpanContext,
    );
}

pub(crate) struct LoggerSink<L>(pub(crate) L);

impl<L> EventSink for LoggerSink<L>
where
    L: Logger + Send + Sync,
{
    fn emit(
        &self,
        name: &'static str,
        severity: Severity,
        attrs: Vec<KeyValue>,
        span: &SpanContext,
    ) {
        let mut r = self.0.create_log_record();
        r.set_event_name(name);
        r.set_severity_number(severity);
        r.set_severity_text(severity.name());
        r.set_timestamp(SystemTime::now());
        if span.is_valid() {
            r.set_trace_context(span.trace_id(), span.span_id(), Some(span.trace_flags()));
        }
        for kv in attrs {
            r.add_attribute(kv.key, any_value(kv.value));
        }
        self.0.emit(r);
    }
}

/// An attribute value as a log-record value.
pub fn any_value(v: Value) -> AnyValue {
    match v {
        Value::Bool(b) => AnyValue::Boolean(b),
        Value::I64(i) => AnyValue::Int(i),
        Value::F64(f) => AnyValue::Double(f),
        Value::String(s) => AnyValue::String(s),
        Value::Array(a) => AnyValue::ListAny(Box::new(match a {
            Array::Bool(v) => v.into_iter().map(AnyValue::Boolean).collect(),
            Array::I64(v) => v.into_iter().map(AnyValue::Int).collect(),
            Array::F64(v) => v.into_iter().map(AnyValue::Double).collect(),
            Array::String(v) => v.into_iter().map(AnyValue::String).collect(),
            _ => Vec::new(),
        })),
        other => AnyValue::String(other.to_string().into()),
    }
}

/// Emits an event in the context of the span of `cx`: a log record when `telemetry` has a
/// logger provider, else a span event on that span.
pub fn emit(
    telemetry: &Telemetry,
    cx: &Context,
    name: &'static str,
    severity: Severity,
    attrs: Vec<KeyValue>,
) {
    let span = cx.span();
    match telemetry.events() {
        Some(sink) => sink.emit(name, severity, attrs, span.span_context()),
        None => span.add_event(name, attrs),
    }
}

/// Whether events of `telemetry` are log records (a logger provider is configured).
pub fn as_log_records(telemetry: &Telemetry) -> bool {
    telemetry.events().is_some()
}
