//! Spans, with their events and links.

use std::borrow::Cow;
use std::sync::Arc;

use super::origin::Origin;
use super::resource::{Resource, Scope};
use super::value::Attributes;

pub use opentelemetry::trace::{SpanId, TraceId};

/// A span kind, as in OTLP.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum SpanKind {
    /// Not specified (OTLP value 0, or an unknown value).
    #[default]
    Unspecified,
    /// An internal operation.
    Internal,
    /// The server side of a synchronous remote call.
    Server,
    /// The client side of a synchronous remote call.
    Client,
    /// The producer of an asynchronous message.
    Producer,
    /// The consumer of an asynchronous message.
    Consumer,
}

impl SpanKind {
    /// Maps the OTLP enum number; unknown numbers map to [`SpanKind::Unspecified`].
    pub fn from_otlp(value: i32) -> Self {
        match value {
            1 => SpanKind::Internal,
            2 => SpanKind::Server,
            3 => SpanKind::Client,
            4 => SpanKind::Producer,
            5 => SpanKind::Consumer,
            _ => SpanKind::Unspecified,
        }
    }

    /// The kind as written in semantic conventions (`client`, `server`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            SpanKind::Unspecified => "unspecified",
            SpanKind::Internal => "internal",
            SpanKind::Server => "server",
            SpanKind::Client => "client",
            SpanKind::Producer => "producer",
            SpanKind::Consumer => "consumer",
        }
    }
}

/// A span status.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Status {
    /// No status set.
    #[default]
    Unset,
    /// Explicitly successful.
    Ok,
    /// Failed, with a description (possibly empty).
    Error {
        /// The status message.
        message: Cow<'static, str>,
    },
}

impl Status {
    /// Maps an OTLP status code and message; unknown codes map to [`Status::Unset`].
    pub fn from_otlp(code: i32, message: String) -> Self {
        match code {
            1 => Status::Ok,
            2 => Status::Error {
                message: message.into(),
            },
            _ => Status::Unset,
        }
    }

    /// Whether this is an error status.
    pub fn is_error(&self) -> bool {
        matches!(self, Status::Error { .. })
    }
}

/// A span event.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// Event name.
    pub name: Cow<'static, str>,
    /// Time of the event, in nanoseconds since the Unix epoch.
    pub time_unix_nano: u64,
    /// Event attributes.
    pub attributes: Attributes,
    /// Attributes dropped by the producer.
    pub dropped_attributes_count: u32,
}

/// A link to another span.
#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    /// Trace of the linked span.
    pub trace_id: TraceId,
    /// The linked span.
    pub span_id: SpanId,
    /// W3C trace state of the link.
    pub trace_state: String,
    /// Link attributes.
    pub attributes: Attributes,
    /// OTLP span flags of the link.
    pub flags: u32,
    /// Attributes dropped by the producer.
    pub dropped_attributes_count: u32,
}

/// A finished span.
#[derive(Clone, Debug, PartialEq)]
pub struct Span {
    /// Trace id ([`TraceId::INVALID`] when the input had none).
    pub trace_id: TraceId,
    /// Span id ([`SpanId::INVALID`] when the input had none).
    pub span_id: SpanId,
    /// Parent span, absent for a root span.
    pub parent_span_id: Option<SpanId>,
    /// W3C trace state.
    pub trace_state: String,
    /// OTLP span flags (W3C trace flags in the low byte).
    pub flags: u32,
    /// Span name.
    pub name: Cow<'static, str>,
    /// Span kind.
    pub kind: SpanKind,
    /// Start, in nanoseconds since the Unix epoch.
    pub start_time_unix_nano: u64,
    /// End, in nanoseconds since the Unix epoch.
    pub end_time_unix_nano: u64,
    /// Status.
    pub status: Status,
    /// Span attributes, in their original order.
    pub attributes: Attributes,
    /// Events.
    pub events: Vec<Event>,
    /// Links.
    pub links: Vec<Link>,
    /// Attributes dropped by the producer.
    pub dropped_attributes_count: u32,
    /// Events dropped by the producer.
    pub dropped_events_count: u32,
    /// Links dropped by the producer.
    pub dropped_links_count: u32,
    /// The resource that produced the span.
    pub resource: Arc<Resource>,
    /// The instrumentation scope that produced the span.
    pub scope: Arc<Scope>,
    /// Where the span was read from.
    pub origin: Origin,
}

impl Span {
    /// A span with these ids, name, kind and attributes, and nothing else: no parent, times
    /// 0, status unset, no events or links, empty resource and scope, from the SDK. Set the
    /// other fields on the result (for tests, benchmarks and adapters).
    ///
    /// ```
    /// use genai_validator::telemetry::{Attributes, Span, SpanId, SpanKind, TraceId};
    /// let mut span = Span::new(TraceId::from(1), SpanId::from(2), "chat", SpanKind::Client, Attributes::new());
    /// span.parent_span_id = Some(SpanId::from(1));
    /// assert_eq!(span.name, "chat");
    /// ```
    pub fn new(
        trace_id: TraceId,
        span_id: SpanId,
        name: impl Into<Cow<'static, str>>,
        kind: SpanKind,
        attributes: Attributes,
    ) -> Span {
        Span {
            trace_id,
            span_id,
            parent_span_id: None,
            trace_state: String::new(),
            flags: 0,
            name: name.into(),
            kind,
            start_time_unix_nano: 0,
            end_time_unix_nano: 0,
            status: Status::Unset,
            attributes,
            events: Vec::new(),
            links: Vec::new(),
            dropped_attributes_count: 0,
            dropped_events_count: 0,
            dropped_links_count: 0,
            resource: Arc::default(),
            scope: Arc::default(),
            origin: Origin::sdk(),
        }
    }
}
