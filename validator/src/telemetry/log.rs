//! Log records, including events (log records with an event name).

use std::borrow::Cow;
use std::sync::Arc;

use super::origin::Origin;
use super::resource::{Resource, Scope};
use super::span::{SpanId, TraceId};
use super::value::{Attributes, Value};

/// A log record (an event when [`LogRecord::event_name`] is set).
#[derive(Clone, Debug, PartialEq)]
pub struct LogRecord {
    /// Event name, for events.
    pub event_name: Option<Cow<'static, str>>,
    /// Time of the event, in nanoseconds since the Unix epoch (0 when unknown).
    pub time_unix_nano: u64,
    /// Time the record was observed, in nanoseconds since the Unix epoch (0 when unknown).
    pub observed_time_unix_nano: u64,
    /// OTLP severity number (0 unspecified, 1-4 trace, 5-8 debug, 9-12 info, 13-16 warn,
    /// 17-20 error, 21-24 fatal).
    pub severity_number: i32,
    /// Severity text, if any.
    pub severity_text: Option<Cow<'static, str>>,
    /// Body.
    pub body: Option<Value>,
    /// Attributes, in their original order.
    pub attributes: Attributes,
    /// Trace of the span the record was emitted in.
    pub trace_id: Option<TraceId>,
    /// Span the record was emitted in.
    pub span_id: Option<SpanId>,
    /// OTLP log record flags (W3C trace flags in the low byte).
    pub flags: u32,
    /// Attributes dropped by the producer.
    pub dropped_attributes_count: u32,
    /// The resource that produced the record.
    pub resource: Arc<Resource>,
    /// The instrumentation scope that produced the record.
    pub scope: Arc<Scope>,
    /// Where the record was read from.
    pub origin: Origin,
}
