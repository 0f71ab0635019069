//! Metrics and their data points.

use std::borrow::Cow;
use std::sync::Arc;

use super::origin::Origin;
use super::resource::{Resource, Scope};
use super::value::Attributes;

/// Aggregation temporality of a sum or histogram.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Temporality {
    /// Not specified (invalid in OTLP, kept so it can be reported).
    #[default]
    Unspecified,
    /// Each point covers the interval since the previous one.
    Delta,
    /// Each point covers the interval since a fixed start.
    Cumulative,
}

impl Temporality {
    /// Maps the OTLP enum number; unknown numbers map to [`Temporality::Unspecified`].
    pub fn from_otlp(value: i32) -> Self {
        match value {
            1 => Temporality::Delta,
            2 => Temporality::Cumulative,
            _ => Temporality::Unspecified,
        }
    }
}

/// The kind of data a metric carries.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum MetricKind {
    /// No data set (invalid in OTLP, kept so it can be reported).
    #[default]
    Empty,
    /// Last-value gauge.
    Gauge,
    /// Sum (counter or up-down counter).
    Sum {
        /// Whether the sum only increases (a counter).
        monotonic: bool,
        /// Aggregation temporality.
        temporality: Temporality,
    },
    /// Histogram with explicit bucket boundaries.
    Histogram {
        /// Aggregation temporality.
        temporality: Temporality,
    },
    /// Base-2 exponential histogram.
    ExponentialHistogram {
        /// Aggregation temporality.
        temporality: Temporality,
    },
    /// Summary (quantiles).
    Summary,
}

impl MetricKind {
    /// The kind's name: `gauge`, `sum`, `histogram`, `exponential_histogram`, `summary`, `empty`.
    pub fn as_str(self) -> &'static str {
        match self {
            MetricKind::Empty => "empty",
            MetricKind::Gauge => "gauge",
            MetricKind::Sum { .. } => "sum",
            MetricKind::Histogram { .. } => "histogram",
            MetricKind::ExponentialHistogram { .. } => "exponential_histogram",
            MetricKind::Summary => "summary",
        }
    }
}

/// Value of a histogram data point with explicit buckets.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HistogramValue {
    /// Number of measurements.
    pub count: u64,
    /// Sum of measurements, if recorded.
    pub sum: Option<f64>,
    /// Smallest measurement, if recorded.
    pub min: Option<f64>,
    /// Largest measurement, if recorded.
    pub max: Option<f64>,
    /// Count per bucket (one more than there are bounds).
    pub bucket_counts: Vec<u64>,
    /// Upper bounds of the buckets, ascending.
    pub explicit_bounds: Vec<f64>,
}

/// One side (positive or negative) of an exponential histogram.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExponentialBuckets {
    /// Index of the first bucket.
    pub offset: i32,
    /// Count per bucket.
    pub bucket_counts: Vec<u64>,
}

/// Value of an exponential histogram data point.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExponentialHistogramValue {
    /// Number of measurements.
    pub count: u64,
    /// Sum of measurements, if recorded.
    pub sum: Option<f64>,
    /// Smallest measurement, if recorded.
    pub min: Option<f64>,
    /// Largest measurement, if recorded.
    pub max: Option<f64>,
    /// Resolution: bucket boundaries are powers of `2^(2^-scale)`.
    pub scale: i32,
    /// Count of measurements equal to zero (within the threshold).
    pub zero_count: u64,
    /// Width of the zero bucket.
    pub zero_threshold: f64,
    /// Buckets of positive measurements.
    pub positive: ExponentialBuckets,
    /// Buckets of negative measurements.
    pub negative: ExponentialBuckets,
}

/// A quantile of a summary.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Quantile {
    /// The quantile, in `[0, 1]`.
    pub quantile: f64,
    /// Its value.
    pub value: f64,
}

/// Value of a summary data point.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SummaryValue {
    /// Number of measurements.
    pub count: u64,
    /// Sum of measurements.
    pub sum: f64,
    /// Quantiles.
    pub quantiles: Vec<Quantile>,
}

/// The value of a data point.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum PointValue {
    /// No value set (invalid in OTLP, kept so it can be reported).
    #[default]
    Empty,
    /// Integer gauge or sum value.
    I64(i64),
    /// Double gauge or sum value.
    F64(f64),
    /// Histogram value.
    Histogram(HistogramValue),
    /// Exponential histogram value.
    ExponentialHistogram(ExponentialHistogramValue),
    /// Summary value.
    Summary(SummaryValue),
}

/// A data point of a metric.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DataPoint {
    /// Point attributes (the metric's dimensions).
    pub attributes: Attributes,
    /// Start of the aggregation interval, in nanoseconds since the Unix epoch (0 when unknown).
    pub start_time_unix_nano: u64,
    /// End of the interval (time of the point), in nanoseconds since the Unix epoch.
    pub time_unix_nano: u64,
    /// OTLP data point flags.
    pub flags: u32,
    /// The value.
    pub value: PointValue,
}

/// A metric stream with its data points.
#[derive(Clone, Debug, PartialEq)]
pub struct Metric {
    /// Metric name.
    pub name: Cow<'static, str>,
    /// Description.
    pub description: Cow<'static, str>,
    /// Unit (UCUM), e.g. `s` or `{token}`.
    pub unit: Cow<'static, str>,
    /// Kind of data.
    pub kind: MetricKind,
    /// Data points.
    pub points: Vec<DataPoint>,
    /// OTLP metric metadata.
    pub metadata: Attributes,
    /// The resource that produced the metric.
    pub resource: Arc<Resource>,
    /// The instrumentation scope that produced the metric.
    pub scope: Arc<Scope>,
    /// Where the metric was read from.
    pub origin: Origin,
}
