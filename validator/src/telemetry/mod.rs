//! A neutral in-memory telemetry model, built for validation.
//!
//! Every decoder and SDK conversion of this crate produces a [`Telemetry`]: flat lists of spans,
//! log records and metrics, each carrying its resource and scope (shared behind an [`Arc`]) and
//! its [`Origin`]. Keys and string values reuse the OpenTelemetry API types, so SDK data is moved
//! in without copying strings.
//!
//! [`Arc`]: std::sync::Arc

mod log;
mod metric;
mod origin;
mod resource;
mod span;
mod value;

pub use log::LogRecord;
pub use metric::{
    DataPoint, ExponentialBuckets, ExponentialHistogramValue, HistogramValue, Metric, MetricKind,
    PointValue, Quantile, SummaryValue, Temporality,
};
pub use origin::{Origin, Source};
pub(crate) use resource::non_empty;
pub use resource::{Resource, Scope};
pub use span::{Event, Link, Span, SpanId, SpanKind, Status, TraceId};
pub use value::{Attributes, Key, StringValue, Value};

/// Spans, log records and metrics, as decoded or converted.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Telemetry {
    /// Spans, in input order.
    pub spans: Vec<Span>,
    /// Log records (including events), in input order.
    pub logs: Vec<LogRecord>,
    /// Metrics, in input order.
    pub metrics: Vec<Metric>,
}

impl Telemetry {
    /// Empty telemetry.
    pub const fn new() -> Self {
        Telemetry {
            spans: Vec::new(),
            logs: Vec::new(),
            metrics: Vec::new(),
        }
    }

    /// Whether there are no spans, logs or metrics.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty() && self.logs.is_empty() && self.metrics.is_empty()
    }

    /// Number of spans, log records and metrics together.
    pub fn len(&self) -> usize {
        self.spans.len() + self.logs.len() + self.metrics.len()
    }

    /// Moves all items of `other` to the end of `self`.
    pub fn append(&mut self, other: &mut Telemetry) {
        self.spans.append(&mut other.spans);
        self.logs.append(&mut other.logs);
        self.metrics.append(&mut other.metrics);
    }

    /// Current lengths, to undo a partial decode with [`Telemetry::rollback`].
    pub(crate) fn mark(&self) -> [usize; 3] {
        [self.spans.len(), self.logs.len(), self.metrics.len()]
    }

    /// Drops everything added since `mark`.
    pub(crate) fn rollback(&mut self, mark: [usize; 3]) {
        self.spans.truncate(mark[0]);
        self.logs.truncate(mark[1]);
        self.metrics.truncate(mark[2]);
    }
}
