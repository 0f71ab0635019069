//! OTLP/JSON: serde mirror types of the OTLP messages, then conversion into the model.
//!
//! Rules followed (OTLP specification, "JSON Protobuf Encoding"): lowerCamelCase field names,
//! trace and span ids as case-insensitive hex strings, 64-bit integers as decimal strings or
//! numbers, enums as numbers, unknown fields ignored. Accepted beyond the rules, as the
//! collector's own reader does: snake_case field names, enum names (`"SPAN_KIND_SERVER"`), any
//! integer as a string, doubles as strings (including `"NaN"`, `"Infinity"`, `"-Infinity"`),
//! and `null` for any field (meaning its default).

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use base64::Engine as _;
use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::limits::{JsonBudget, take_element};
use super::{DecodeError, Signal};
use crate::telemetry::{
    Attributes, DataPoint, Event, ExponentialBuckets, ExponentialHistogramValue, HistogramValue,
    Key, Link, LogRecord, Metric, MetricKind, Origin, PointValue, Quantile, Resource, Scope, Span,
    SpanId, SpanKind, Status, SummaryValue, Telemetry, Temporality, TraceId, Value, non_empty,
};

/// Decodes one request and appends its items to `out` (only once all of it parsed), holding
/// at most `max_elements` elements (see [`super::limits`]).
pub(super) fn decode(
    bytes: &[u8],
    signal: Option<Signal>,
    max_elements: usize,
    origin: &Origin,
    out: &mut Telemetry,
) -> Result<(), DecodeError> {
    let budget = JsonBudget::arm(max_elements);
    let parsed = parse(bytes, signal);
    let request = match parsed {
        Ok(r) => r,
        Err(err) => {
            return Err(match budget.exceeded() {
                Some(limit) => DecodeError::TooManyElements { limit },
                None => err,
            });
        }
    };
    drop(budget);
    for rs in request.resource_spans.unwrap_or_default() {
        let res = resource(rs.resource, rs.schema_url);
        for ss in rs.scope_spans {
            let sc = scope(ss.scope, ss.schema_url);
            let start = out.spans.len();
            let mut base64 = 0u32;
            out.spans.extend(ss.spans.into_iter().map(|s| {
                base64 += u32::from(s.base64_ids());
                span(s, &res, &sc, origin)
            }));
            mark_base64(out.spans[start..].iter_mut().map(|s| &mut s.origin), base64);
        }
    }
    for rl in request.resource_logs.unwrap_or_default() {
        let res = resource(rl.resource, rl.schema_url);
        for sl in rl.scope_logs {
            let sc = scope(sl.scope, sl.schema_url);
            let start = out.logs.len();
            let mut base64 = 0u32;
            out.logs.extend(sl.log_records.into_iter().map(|l| {
                base64 += u32::from(l.trace_id.base64 || l.span_id.base64);
                log(l, &res, &sc, origin)
            }));
            mark_base64(out.logs[start..].iter_mut().map(|l| &mut l.origin), base64);
        }
    }
    for rm in request.resource_metrics.unwrap_or_default() {
        let res = resource(rm.resource, rm.schema_url);
        for sm in rm.scope_metrics {
            let sc = scope(sm.scope, sm.schema_url);
            out.metrics
                .extend(sm.metrics.into_iter().map(|m| metric(m, &res, &sc, origin)));
        }
    }
    Ok(())
}

/// Records on the first item of a scope how many of its items had base64 ids.
fn mark_base64<'a>(mut origins: impl Iterator<Item = &'a mut Origin>, count: u32) {
    if count > 0
        && let Some(first) = origins.next()
    {
        first.base64_ids = count;
    }
}

fn parse(bytes: &[u8], signal: Option<Signal>) -> Result<AnyRequest, DecodeError> {
    // Checked as UTF-8 once, whole (a word at a time), rather than string by string by the
    // parser.
    let text = std::str::from_utf8(bytes).map_err(|e| not_utf8(bytes, e.valid_up_to()))?;
    Ok(match signal {
        None => {
            let request: AnyRequest = serde_json::from_str(text).map_err(json_error)?;
            if request.resource_spans.is_none()
                && request.resource_logs.is_none()
                && request.resource_metrics.is_none()
            {
                return Err(DecodeError::UnknownSignal);
            }
            request
        }
        Some(Signal::Traces) => {
            let r: TracesRequest = serde_json::from_str(text).map_err(json_error)?;
            AnyRequest {
                resource_spans: Some(r.resource_spans),
                ..AnyRequest::default()
            }
        }
        Some(Signal::Logs) => {
            let r: LogsRequest = serde_json::from_str(text).map_err(json_error)?;
            AnyRequest {
                resource_logs: Some(r.resource_logs),
                ..AnyRequest::default()
            }
        }
        Some(Signal::Metrics) => {
            let r: MetricsRequest = serde_json::from_str(text).map_err(json_error)?;
            AnyRequest {
                resource_metrics: Some(r.resource_metrics),
                ..AnyRequest::default()
            }
        }
    })
}

/// The error for bytes that are not UTF-8 from `at` on, located as the parser locates its
/// errors (one-based line, one-based byte column).
fn not_utf8(bytes: &[u8], at: usize) -> DecodeError {
    let before = &bytes[..at];
    let line_start = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
    DecodeError::Json {
        line: memchr::memchr_iter(b'\n', before).count() as u64 + 1,
        column: (at - line_start) as u64 + 1,
        reason: "invalid UTF-8".to_owned(),
    }
}

fn json_error(err: serde_json::Error) -> DecodeError {
    let (line, column) = (err.line() as u64, err.column() as u64);
    let text = err.to_string();
    let suffix = format!(" at line {line} column {column}");
    let reason = text.strip_suffix(&suffix).unwrap_or(&text).to_owned();
    DecodeError::Json {
        line,
        column,
        reason,
    }
}

// ---------------------------------------------------------------------------------------------
// Conversion into the model.

fn resource(resource: JResource, schema_url: String) -> Arc<Resource> {
    Arc::new(Resource {
        attributes: resource.attributes.0,
        schema_url: non_empty(schema_url),
        dropped_attributes_count: resource.dropped_attributes_count.0,
    })
}

fn scope(scope: JScope, schema_url: String) -> Arc<Scope> {
    Arc::new(Scope {
        name: scope.name,
        version: non_empty(scope.version),
        schema_url: non_empty(schema_url),
        attributes: scope.attributes.0,
    })
}

impl JSpan {
    /// Whether any id of the span (or of its links) was written in base64.
    fn base64_ids(&self) -> bool {
        self.trace_id.base64
            || self.span_id.base64
            || self.parent_span_id.base64
            || self
                .links
                .0
                .iter()
                .any(|l| l.trace_id.base64 || l.span_id.base64)
    }
}

fn span(s: JSpan, resource: &Arc<Resource>, scope: &Arc<Scope>, origin: &Origin) -> Span {
    Span {
        trace_id: s
            .trace_id
            .get()
            .map_or(TraceId::INVALID, TraceId::from_bytes),
        span_id: s.span_id.get().map_or(SpanId::INVALID, SpanId::from_bytes),
        parent_span_id: s
            .parent_span_id
            .get()
            .map(SpanId::from_bytes)
            .filter(|id| *id != SpanId::INVALID),
        trace_state: s.trace_state,
        flags: s.flags.0,
        name: s.name.into(),
        kind: SpanKind::from_otlp(s.kind.0),
        start_time_unix_nano: s.start_time_unix_nano.0,
        end_time_unix_nano: s.end_time_unix_nano.0,
        status: Status::from_otlp(s.status.code.0, s.status.message),
        attributes: s.attributes.0,
        events: s
            .events
            .into_iter()
            .map(|e| Event {
                name: e.name.into(),
                time_unix_nano: e.time_unix_nano.0,
                attributes: e.attributes.0,
                dropped_attributes_count: e.dropped_attributes_count.0,
            })
            .collect(),
        links: s
            .links
            .into_iter()
            .map(|l| Link {
                trace_id: l
                    .trace_id
                    .get()
                    .map_or(TraceId::INVALID, TraceId::from_bytes),
                span_id: l.span_id.get().map_or(SpanId::INVALID, SpanId::from_bytes),
                trace_state: l.trace_state,
                attributes: l.attributes.0,
                flags: l.flags.0,
                dropped_attributes_count: l.dropped_attributes_count.0,
            })
            .collect(),
        dropped_attributes_count: s.dropped_attributes_count.0,
        dropped_events_count: s.dropped_events_count.0,
        dropped_links_count: s.dropped_links_count.0,
        resource: Arc::clone(resource),
        scope: Arc::clone(scope),
        origin: origin.clone(),
    }
}

fn log(l: JLogRecord, resource: &Arc<Resource>, scope: &Arc<Scope>, origin: &Origin) -> LogRecord {
    LogRecord {
        event_name: non_empty(l.event_name).map(Into::into),
        time_unix_nano: l.time_unix_nano.0,
        observed_time_unix_nano: l.observed_time_unix_nano.0,
        severity_number: l.severity_number.0,
        severity_text: non_empty(l.severity_text).map(Into::into),
        body: l.body.map(|b| b.0),
        attributes: l.attributes.0,
        trace_id: l
            .trace_id
            .get()
            .map(TraceId::from_bytes)
            .filter(|id| *id != TraceId::INVALID),
        span_id: l
            .span_id
            .get()
            .map(SpanId::from_bytes)
            .filter(|id| *id != SpanId::INVALID),
        flags: l.flags.0,
        dropped_attributes_count: l.dropped_attributes_count.0,
        resource: Arc::clone(resource),
        scope: Arc::clone(scope),
        origin: origin.clone(),
    }
}

fn metric(m: JMetric, resource: &Arc<Resource>, scope: &Arc<Scope>, origin: &Origin) -> Metric {
    let (kind, points) = if let Some(g) = m.gauge {
        (MetricKind::Gauge, number_points(g.data_points))
    } else if let Some(s) = m.sum {
        (
            MetricKind::Sum {
                monotonic: s.is_monotonic,
                temporality: Temporality::from_otlp(s.aggregation_temporality.0),
            },
            number_points(s.data_points),
        )
    } else if let Some(h) = m.histogram {
        (
            MetricKind::Histogram {
                temporality: Temporality::from_otlp(h.aggregation_temporality.0),
            },
            h.data_points
                .into_iter()
                .map(|p| DataPoint {
                    attributes: p.attributes.0,
                    start_time_unix_nano: p.start_time_unix_nano.0,
                    time_unix_nano: p.time_unix_nano.0,
                    flags: p.flags.0,
                    value: PointValue::Histogram(HistogramValue {
                        count: p.count.0,
                        sum: p.sum.map(|x| x.0),
                        min: p.min.map(|x| x.0),
                        max: p.max.map(|x| x.0),
                        bucket_counts: p.bucket_counts.into_iter().map(|x| x.0).collect(),
                        explicit_bounds: p.explicit_bounds.into_iter().map(|x| x.0).collect(),
                    }),
                })
                .collect(),
        )
    } else if let Some(h) = m.exponential_histogram {
        (
            MetricKind::ExponentialHistogram {
                temporality: Temporality::from_otlp(h.aggregation_temporality.0),
            },
            h.data_points
                .into_iter()
                .map(|p| {
                    let buckets = |b: JBuckets| ExponentialBuckets {
                        offset: b.offset.0,
                        bucket_counts: b.bucket_counts.into_iter().map(|x| x.0).collect(),
                    };
                    DataPoint {
                        attributes: p.attributes.0,
                        start_time_unix_nano: p.start_time_unix_nano.0,
                        time_unix_nano: p.time_unix_nano.0,
                        flags: p.flags.0,
                        value: PointValue::ExponentialHistogram(ExponentialHistogramValue {
                            count: p.count.0,
                            sum: p.sum.map(|x| x.0),
                            min: p.min.map(|x| x.0),
                            max: p.max.map(|x| x.0),
                            scale: p.scale.0,
                            zero_count: p.zero_count.0,
                            zero_threshold: p.zero_threshold.0,
                            positive: buckets(p.positive),
                            negative: buckets(p.negative),
                        }),
                    }
                })
                .collect(),
        )
    } else if let Some(s) = m.summary {
        (
            MetricKind::Summary,
            s.data_points
                .into_iter()
                .map(|p| DataPoint {
                    attributes: p.attributes.0,
                    start_time_unix_nano: p.start_time_unix_nano.0,
                    time_unix_nano: p.time_unix_nano.0,
                    flags: p.flags.0,
                    value: PointValue::Summary(SummaryValue {
                        count: p.count.0,
                        sum: p.sum.0,
                        quantiles: p
                            .quantile_values
                            .into_iter()
                            .map(|q| Quantile {
                                quantile: q.quantile.0,
                                value: q.value.0,
                            })
                            .collect(),
                    }),
                })
                .collect(),
        )
    } else {
        (MetricKind::Empty, Vec::new())
    };
    Metric {
        name: m.name.into(),
        description: m.description.into(),
        unit: m.unit.into(),
        kind,
        points,
        metadata: m.metadata.0,
        resource: Arc::clone(resource),
        scope: Arc::clone(scope),
        origin: origin.clone(),
    }
}

fn number_points(points: Items<JNumberDataPoint>) -> Vec<DataPoint> {
    points
        .into_iter()
        .map(|p| DataPoint {
            attributes: p.attributes.0,
            start_time_unix_nano: p.start_time_unix_nano.0,
            time_unix_nano: p.time_unix_nano.0,
            flags: p.flags.0,
            value: match (p.as_int, p.as_double) {
                (Some(i), _) => PointValue::I64(i.0),
                (None, Some(d)) => PointValue::F64(d.0),
                (None, None) => PointValue::Empty,
            },
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Mirror types. Every field defaults when absent or null; unknown fields are ignored.

/// `null` as the default value.
fn nullable<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct AnyRequest {
    #[serde(default, alias = "resource_spans")]
    resource_spans: Option<Items<JResourceSpans>>,
    #[serde(default, alias = "resource_logs")]
    resource_logs: Option<Items<JResourceLogs>>,
    #[serde(default, alias = "resource_metrics")]
    resource_metrics: Option<Items<JResourceMetrics>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TracesRequest {
    #[serde(default, alias = "resource_spans", deserialize_with = "nullable")]
    resource_spans: Items<JResourceSpans>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LogsRequest {
    #[serde(default, alias = "resource_logs", deserialize_with = "nullable")]
    resource_logs: Items<JResourceLogs>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MetricsRequest {
    #[serde(default, alias = "resource_metrics", deserialize_with = "nullable")]
    resource_metrics: Items<JResourceMetrics>,
}

#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct JResource {
    attributes: JAttributes,
    #[serde(alias = "dropped_attributes_count")]
    dropped_attributes_count: U32,
}

#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct JScope {
    #[serde(deserialize_with = "nullable")]
    name: String,
    #[serde(deserialize_with = "nullable")]
    version: String,
    attributes: JAttributes,
}

#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct JResourceSpans {
    #[serde(deserialize_with = "nullable")]
    resource: JResource,
    #[serde(alias = "scope_spans", deserialize_with = "nullable")]
    scope_spans: Items<JScopeSpans>,
    #[serde(alias = "schema_url", deserialize_with = "nullable")]
    schema_url: String,
}

#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct JScopeSpans {
    #[serde(deserialize_with = "nullable")]
    scope: JScope,
    #[serde(deserialize_with = "nullable")]
    spans: Items<JSpan>,
    #[serde(alias = "schema_url", deserialize_with = "nullable")]
    schema_url: String,
}

#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct JSpan {
    #[serde(alias = "trace_id")]
    trace_id: HexId<16>,
    #[serde(alias = "span_id")]
    span_id: HexId<8>,
    #[serde(alias = "trace_state", deserialize_with = "nullable")]
    trace_state: String,
    #[serde(alias = "parent_span_id")]
    parent_span_id: HexId<8>,
    flags: U32,
    #[serde(deserialize_with = "nullable")]
    name: String,
    kind: SpanKindJ,
    #[serde(alias = "start_time_unix_nano")]
    start_time_unix_nano: U64,
    #[serde(alias = "end_time_unix_nano")]
    end_time_unix_nano: U64,
    attributes: JAttributes,
    #[serde(alias = "dropped_attributes_count")]
    dropped_attributes_count: U32,
    #[serde(deserialize_with = "nullable")]
    events: Items<JEvent>,
    #[serde(alias = "dropped_events_count")]
    dropped_events_count: U32,
    #[serde(deserialize_with = "nullable")]
    links: Items<JLink>,
    #[serde(alias = "dropped_links_count")]
    dropped_links_count: U32,
    #[serde(deserialize_with = "nullable")]
    status: JStatus,
}

#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct JEvent {
    #[serde(alias = "time_unix_nano")]
    time_unix_nano: U64,
    #[serde(deserialize_with = "nullable")]
    name: String,
    attributes: JAttributes,
    #[serde(alias = "dropped_attributes_count")]
    dropped_attributes_count: U32,
}

#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct JLink {
    #[serde(alias = "trace_id")]
    trace_id: HexId<16>,
    #[serde(alias = "span_id")]
    span_id: HexId<8>,
    #[serde(alias = "trace_state", deserialize_with = "nullable")]
    trace_state: String,
    attributes: JAttributes,
    #[serde(alias = "dropped_attributes_count")]
    dropped_attributes_count: U32,
    flags: U32,
}

#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct JStatus {
    #[serde(deserialize_with = "nullable")]
    message: String,
    code: StatusCodeJ,
}

#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct JResourceLogs {
    #[serde(deserialize_with = "nullable")]
    resource: JResource,
    #[serde(alias = "scope_logs", deserialize_with = "nullable")]
    scope_logs: Items<JScopeLogs>,
    #[serde(alias = "schema_url", deserialize_with = "nullable")]
    schema_url: String,
}

#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct JScopeLogs {
    #[serde(deserialize_with = "nullable")]
    scope: JScope,
    #[serde(alias = "log_records", deserialize_with = "nullable")]
    log_records: Items<JLogRecord>,
    #[serde(alias = "schema_url", deserialize_with = "nullable")]
    schema_url: String,
}

#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct JLogRecord {
    #[serde(alias = "time_unix_nano")]
    time_unix_nano: U64,
    #[serde(alias = "observed_time_unix_nano")]
    observed_time_unix_nano: U64,
    #[serde(alias = "severity_number")]
    severity_number: SeverityJ,
    #[serde(alias = "severity_text", deserialize_with = "nullable")]
    severity_text: String,
    body: Option<JAnyValue>,
    attributes: JAttributes,
    #[serde(alias = "dropped_attributes_count")]
    dropped_attributes_count: U32,
    flags: U32,
    #[serde(alias = "trace_id")]
    trace_id: HexId<16>,
    #[serde(alias = "span_id")]
    span_id: HexId<8>,
    #[serde(alias = "event_name", deserialize_with = "nullable")]
    event_name: String,
}

#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct JResourceMetrics {
    #[serde(deserialize_with = "nullable")]
    resource: JResource,
    #[serde(alias = "scope_metrics", deserialize_with = "nullable")]
    scope_metrics: Items<JScopeMetrics>,
    #[serde(alias = "schema_url", deserialize_with = "nullable")]
    schema_url: String,
}

#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct JScopeMetrics {
    #[serde(deserialize_with = "nullable")]
    scope: JScope,
    #[serde(deserialize_with = "nullable")]
    metrics: Items<JMetric>,
    #[serde(alias = "schema_url", deserialize_with = "nullable")]
    schema_url: String,
}

#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct JMetric {
    #[serde(deserialize_with = "nullable")]
    name: String,
    #[serde(deserialize_with = "nullable")]
    description: String,
    #[serde(deserialize_with = "nullable")]
    unit: String,
    metadata: JAttributes,
    gauge: Option<JGauge>,
    sum: Option<JSum>,
    histogram: Option<JHistogram>,
    #[serde(alias = "exponential_histogram")]
    exponential_histogram: Option<JExponentialHistogram>,
    summary: Option<JSummary>,
}

#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct JGauge {
    #[serde(alias = "data_points", deserialize_with = "nullable")]
    data_points: Items<JNumberDataPoint>,
}

#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct JSum {
    #[serde(alias = "data_points", deserialize_with = "nullable")]
    data_points: Items<JNumberDataPoint>,
    #[serde(alias = "aggregation_temporality")]
    aggregation_temporality: TemporalityJ,
    #[serde(alias = "is_monotonic", deserialize_with = "nullable")]
    is_monotonic: bool,
}

#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct JHistogram {
    #[serde(alias = "data_points", deserialize_with = "nullable")]
    data_points: Items<JHistogramDataPoint>,
    #[serde(alias = "aggregation_temporality")]
    aggregation_temporality: TemporalityJ,
}

#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct JExponentialHistogram {
    #[serde(alias = "data_points", deserialize_with = "nullable")]
    data_points: Items<JExponentialHistogramDataPoint>,
    #[serde(alias = "aggregation_temporality")]
    aggregation_temporality: TemporalityJ,
}

#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct JSummary {
    #[serde(alias = "data_points", deserialize_with = "nullable")]
    data_points: Items<JSummaryDataPoint>,
}

#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct JNumberDataPoint {
    attributes: JAttributes,
    #[serde(alias = "start_time_unix_nano")]
    start_time_unix_nano: U64,
    #[serde(alias = "time_unix_nano")]
    time_unix_nano: U64,
    #[serde(alias = "as_double")]
    as_double: Option<F64>,
    #[serde(alias = "as_int")]
    as_int: Option<I64>,
    flags: U32,
}

#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct JHistogramDataPoint {
    attributes: JAttributes,
    #[serde(alias = "start_time_unix_nano")]
    start_time_unix_nano: U64,
    #[serde(alias = "time_unix_nano")]
    time_unix_nano: U64,
    count: U64,
    sum: Option<F64>,
    #[serde(alias = "bucket_counts", deserialize_with = "nullable")]
    bucket_counts: Vec<U64>,
    #[serde(alias = "explicit_bounds", deserialize_with = "nullable")]
    explicit_bounds: Vec<F64>,
    flags: U32,
    min: Option<F64>,
    max: Option<F64>,
}

#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct JBuckets {
    offset: I32,
    #[serde(alias = "bucket_counts", deserialize_with = "nullable")]
    bucket_counts: Vec<U64>,
}

#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct JExponentialHistogramDataPoint {
    attributes: JAttributes,
    #[serde(alias = "start_time_unix_nano")]
    start_time_unix_nano: U64,
    #[serde(alias = "time_unix_nano")]
    time_unix_nano: U64,
    count: U64,
    sum: Option<F64>,
    scale: I32,
    #[serde(alias = "zero_count")]
    zero_count: U64,
    #[serde(deserialize_with = "nullable")]
    positive: JBuckets,
    #[serde(deserialize_with = "nullable")]
    negative: JBuckets,
    flags: U32,
    min: Option<F64>,
    max: Option<F64>,
    #[serde(alias = "zero_threshold")]
    zero_threshold: F64,
}

#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct JSummaryDataPoint {
    attributes: JAttributes,
    #[serde(alias = "start_time_unix_nano")]
    start_time_unix_nano: U64,
    #[serde(alias = "time_unix_nano")]
    time_unix_nano: U64,
    count: U64,
    sum: F64,
    #[serde(alias = "quantile_values", deserialize_with = "nullable")]
    quantile_values: Items<JQuantile>,
    flags: U32,
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct JQuantile {
    quantile: F64,
    value: F64,
}

// ---------------------------------------------------------------------------------------------
// Scalars.

/// An integer written as a JSON number or a decimal string (proto3 JSON); `null` is 0.
#[derive(Clone, Copy, Default)]
struct Int<T>(T);

type U64 = Int<u64>;
type I64 = Int<i64>;
type U32 = Int<u32>;
type I32 = Int<i32>;

impl<'de, T> Deserialize<'de> for Int<T>
where
    T: TryFrom<u64> + TryFrom<i64> + std::str::FromStr + Default,
{
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<T> V<T>
        where
            T: TryFrom<u64> + TryFrom<i64>,
        {
            fn range<E: de::Error>(value: impl fmt::Display) -> E {
                E::custom(format!(
                    "integer {value} out of range for {}",
                    std::any::type_name::<T>()
                ))
            }
        }
        impl<T> Visitor<'_> for V<T>
        where
            T: TryFrom<u64> + TryFrom<i64> + std::str::FromStr + Default,
        {
            type Value = Int<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an integer (number or decimal string)")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                T::try_from(v).map(Int).map_err(|_| Self::range(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                T::try_from(v).map(Int).map_err(|_| Self::range(v))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                // proto3 JSON allows exponent notation for integral values, e.g. `1e3`.
                if v.fract() != 0.0 || !v.is_finite() {
                    return Err(E::custom(format!("expected an integer, found {v}")));
                }
                if v < 0.0 && v >= i64::MIN as f64 {
                    self.visit_i64(v as i64)
                } else if (0.0..u64::MAX as f64).contains(&v) {
                    self.visit_u64(v as u64)
                } else {
                    Err(Self::range(v))
                }
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                v.trim()
                    .parse::<T>()
                    .map(Int)
                    .map_err(|_| E::custom(format!("expected a decimal integer, found {v:?}")))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Int(T::default()))
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

/// A double written as a JSON number or a string (including `NaN`, `Infinity`, `-Infinity`).
#[derive(Clone, Copy, Default)]
struct F64(f64);

impl<'de> Deserialize<'de> for F64 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = F64;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<F64, E> {
                Ok(F64(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<F64, E> {
                Ok(F64(v as f64))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<F64, E> {
                Ok(F64(v as f64))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<F64, E> {
                match v {
                    "NaN" => Ok(F64(f64::NAN)),
                    "Infinity" => Ok(F64(f64::INFINITY)),
                    "-Infinity" => Ok(F64(f64::NEG_INFINITY)),
                    _ => v
                        .trim()
                        .parse::<f64>()
                        .map(F64)
                        .map_err(|_| E::custom(format!("expected a number, found {v:?}"))),
                }
            }
            fn visit_unit<E: de::Error>(self) -> Result<F64, E> {
                Ok(F64(0.0))
            }
        }
        d.deserialize_any(V)
    }
}

/// An OTLP enum: its number, or (beyond the OTLP rules) its name.
macro_rules! json_enum {
    ($name:ident, $what:literal, [$($variant:literal),* $(,)?]) => {
        #[derive(Clone, Copy, Default)]
        struct $name(i32);

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                const NAMES: &[&str] = &[$($variant),*];
                struct V;
                impl Visitor<'_> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str(concat!("a ", $what, " (enum number)"))
                    }
                    fn visit_u64<E: de::Error>(self, v: u64) -> Result<$name, E> {
                        i32::try_from(v).map($name).map_err(|_| {
                            E::custom(format!(concat!($what, " {} out of range"), v))
                        })
                    }
                    fn visit_i64<E: de::Error>(self, v: i64) -> Result<$name, E> {
                        i32::try_from(v).map($name).map_err(|_| {
                            E::custom(format!(concat!($what, " {} out of range"), v))
                        })
                    }
                    fn visit_str<E: de::Error>(self, v: &str) -> Result<$name, E> {
                        if let Some(i) = NAMES.iter().position(|n| *n == v) {
                            return Ok($name(i as i32));
                        }
                        v.parse::<i32>().map($name).map_err(|_| {
                            E::custom(format!(concat!("unknown ", $what, " {:?}"), v))
                        })
                    }
                    fn visit_unit<E: de::Error>(self) -> Result<$name, E> {
                        Ok($name(0))
                    }
                }
                d.deserialize_any(V)
            }
        }
    };
}

json_enum!(
    SpanKindJ,
    "span kind",
    [
        "SPAN_KIND_UNSPECIFIED",
        "SPAN_KIND_INTERNAL",
        "SPAN_KIND_SERVER",
        "SPAN_KIND_CLIENT",
        "SPAN_KIND_PRODUCER",
        "SPAN_KIND_CONSUMER",
    ]
);
json_enum!(
    StatusCodeJ,
    "status code",
    ["STATUS_CODE_UNSET", "STATUS_CODE_OK", "STATUS_CODE_ERROR"]
);
json_enum!(
    TemporalityJ,
    "aggregation temporality",
    [
        "AGGREGATION_TEMPORALITY_UNSPECIFIED",
        "AGGREGATION_TEMPORALITY_DELTA",
        "AGGREGATION_TEMPORALITY_CUMULATIVE",
    ]
);
json_enum!(
    SeverityJ,
    "severity number",
    [
        "SEVERITY_NUMBER_UNSPECIFIED",
        "SEVERITY_NUMBER_TRACE",
        "SEVERITY_NUMBER_TRACE2",
        "SEVERITY_NUMBER_TRACE3",
        "SEVERITY_NUMBER_TRACE4",
        "SEVERITY_NUMBER_DEBUG",
        "SEVERITY_NUMBER_DEBUG2",
        "SEVERITY_NUMBER_DEBUG3",
        "SEVERITY_NUMBER_DEBUG4",
        "SEVERITY_NUMBER_INFO",
        "SEVERITY_NUMBER_INFO2",
        "SEVERITY_NUMBER_INFO3",
        "SEVERITY_NUMBER_INFO4",
        "SEVERITY_NUMBER_WARN",
        "SEVERITY_NUMBER_WARN2",
        "SEVERITY_NUMBER_WARN3",
        "SEVERITY_NUMBER_WARN4",
        "SEVERITY_NUMBER_ERROR",
        "SEVERITY_NUMBER_ERROR2",
        "SEVERITY_NUMBER_ERROR3",
        "SEVERITY_NUMBER_ERROR4",
        "SEVERITY_NUMBER_FATAL",
        "SEVERITY_NUMBER_FATAL2",
        "SEVERITY_NUMBER_FATAL3",
        "SEVERITY_NUMBER_FATAL4",
    ]
);

/// A trace id (`N` = 16) or span id (`N` = 8): hex, case-insensitive, as OTLP/JSON requires;
/// base64 (the protobuf JSON mapping, which some writers use) is accepted too and recorded, so
/// that the validator can report it. `""` or `null` is absent.
#[derive(Clone, Copy, Default)]
struct HexId<const N: usize> {
    bytes: Option<[u8; N]>,
    base64: bool,
}

impl<const N: usize> HexId<N> {
    fn get(self) -> Option<[u8; N]> {
        self.bytes
    }
}

impl<'de, const N: usize> Deserialize<'de> for HexId<N> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<const N: usize>;
        impl<const N: usize> Visitor<'_> for V<N> {
            type Value = HexId<N>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "a {}-digit hex string", 2 * N)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<HexId<N>, E> {
                if v.is_empty() {
                    return Ok(HexId::default());
                }
                if let Some(bytes) = decode_hex::<N>(v) {
                    return Ok(HexId {
                        bytes: Some(bytes),
                        base64: false,
                    });
                }
                if let Some(bytes) = decode_base64_id::<N>(v) {
                    return Ok(HexId {
                        bytes: Some(bytes),
                        base64: true,
                    });
                }
                let what = if N == 16 { "trace id" } else { "span id" };
                let shown: String = v.chars().take(64).collect();
                let more = if shown.len() < v.len() { "..." } else { "" };
                Err(E::custom(format!(
                    "invalid {what} {shown:?}{more}: expected {} hex digits (or {} base64 characters)",
                    2 * N,
                    4 * N.div_ceil(3)
                )))
            }
            fn visit_unit<E: de::Error>(self) -> Result<HexId<N>, E> {
                Ok(HexId::default())
            }
        }
        d.deserialize_any(V::<N>)
    }
}

/// An id of `N` bytes in base64 (standard or URL-safe alphabet, padded or not).
fn decode_base64_id<const N: usize>(s: &str) -> Option<[u8; N]> {
    let padded = 4 * N.div_ceil(3);
    let unpadded = (4 * N).div_ceil(3);
    if s.len() != padded && s.len() != unpadded {
        return None;
    }
    let bytes = base64_engines()
        .iter()
        .find_map(|e| e.decode(s.as_bytes()).ok())?;
    <[u8; N]>::try_from(bytes.as_slice()).ok()
}

/// Standard then URL-safe base64, padding optional.
fn base64_engines() -> [base64::engine::GeneralPurpose; 2] {
    use base64::engine::DecodePaddingMode;
    use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
    const CONFIG: GeneralPurposeConfig =
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
    [
        GeneralPurpose::new(&base64::alphabet::STANDARD, CONFIG),
        GeneralPurpose::new(&base64::alphabet::URL_SAFE, CONFIG),
    ]
}

fn decode_hex<const N: usize>(s: &str) -> Option<[u8; N]> {
    let s = s.as_bytes();
    if s.len() != 2 * N {
        return None;
    }
    let digit = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    };
    let mut out = [0u8; N];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = (digit(s[2 * i])? << 4) | digit(s[2 * i + 1])?;
    }
    Some(out)
}

// ---------------------------------------------------------------------------------------------
// Attributes and AnyValue, decoded straight into the model.

/// A list of `{"key": ..., "value": {...}}` objects; `null` is empty.
#[derive(Default)]
struct JAttributes(Attributes);

impl<'de> Deserialize<'de> for JAttributes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = JAttributes;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of OTLP KeyValue objects")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<JAttributes, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
                while let Some(JKeyValue(key, value)) = seq.next_element()? {
                    take_element()?;
                    out.push((key, value));
                }
                Ok(JAttributes(Attributes(out)))
            }
            fn visit_unit<E: de::Error>(self) -> Result<JAttributes, E> {
                Ok(JAttributes::default())
            }
        }
        d.deserialize_any(V)
    }
}

struct JKeyValue(Key, Value);

/// An attribute key, read in place when it has no escapes and made by [`super::keys`].
struct KeyText(Key);

impl<'de> Deserialize<'de> for KeyText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = KeyText;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an attribute key (a string)")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<KeyText, E> {
                Ok(KeyText(super::keys::key(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<KeyText, E> {
                Ok(KeyText(super::keys::key(v)))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<KeyText, E> {
                Ok(KeyText(super::keys::key_from(v)))
            }
        }
        d.deserialize_str(V)
    }
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "camelCase")]
enum KeyValueField {
    Key,
    Value,
    #[serde(other)]
    Other,
}

impl<'de> Deserialize<'de> for JKeyValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = JKeyValue;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an OTLP KeyValue object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<JKeyValue, A::Error> {
                let mut key = None;
                let mut value = Value::Empty;
                while let Some(field) = map.next_key()? {
                    match field {
                        KeyValueField::Key => {
                            key = map.next_value::<Option<KeyText>>()?.map(|k| k.0);
                        }
                        KeyValueField::Value => {
                            value = map.next_value::<Option<JAnyValue>>()?.unwrap_or_default().0;
                        }
                        KeyValueField::Other => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(JKeyValue(
                    key.unwrap_or_else(|| Key::from_static_str("")),
                    value,
                ))
            }
        }
        d.deserialize_map(V)
    }
}

/// An `AnyValue` object (`{"stringValue": ...}`, `{"intValue": ...}`, ..., or `{}`).
#[derive(Default)]
struct JAnyValue(Value);

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "camelCase")]
enum AnyValueField {
    #[serde(alias = "string_value")]
    StringValue,
    #[serde(alias = "bool_value")]
    BoolValue,
    #[serde(alias = "int_value")]
    IntValue,
    #[serde(alias = "double_value")]
    DoubleValue,
    #[serde(alias = "bytes_value")]
    BytesValue,
    #[serde(alias = "array_value")]
    ArrayValue,
    #[serde(alias = "kvlist_value")]
    KvlistValue,
    #[serde(other)]
    Other,
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct JArrayValue {
    #[serde(deserialize_with = "nullable")]
    values: Items<JAnyValue>,
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct JKvList {
    values: JAttributes,
}

/// Base64 bytes (standard alphabet; URL-safe and unpadded forms are accepted too).
struct Base64(Vec<u8>);

impl<'de> Deserialize<'de> for Base64 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        let [standard, url_safe] = base64_engines();
        standard
            .decode(&text)
            .or_else(|_| url_safe.decode(&text))
            .map(Base64)
            .map_err(|e| de::Error::custom(format!("invalid base64 in bytesValue: {e}")))
    }
}

/// The elements of a repeated message field, each drawn from the request's element budget.
struct Items<T>(Vec<T>);

impl<T> Default for Items<T> {
    fn default() -> Self {
        Items(Vec::new())
    }
}

impl<T> IntoIterator for Items<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Items<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Items<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Items<T>, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
                while let Some(item) = seq.next_element()? {
                    take_element()?;
                    out.push(item);
                }
                Ok(Items(out))
            }
        }
        d.deserialize_seq(V(PhantomData))
    }
}

impl<'de> Deserialize<'de> for JAnyValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = JAnyValue;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an OTLP AnyValue object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<JAnyValue, A::Error> {
                let mut value = Value::Empty;
                while let Some(field) = map.next_key()? {
                    let next = match field {
                        AnyValueField::StringValue => map
                            .next_value::<Option<String>>()?
                            .map(|s| Value::String(s.into())),
                        AnyValueField::BoolValue => {
                            map.next_value::<Option<bool>>()?.map(Value::Bool)
                        }
                        AnyValueField::IntValue => {
                            map.next_value::<Option<I64>>()?.map(|i| Value::I64(i.0))
                        }
                        AnyValueField::DoubleValue => {
                            map.next_value::<Option<F64>>()?.map(|x| Value::F64(x.0))
                        }
                        AnyValueField::BytesValue => map
                            .next_value::<Option<Base64>>()?
                            .map(|b| Value::Bytes(b.0)),
                        AnyValueField::ArrayValue => {
                            map.next_value::<Option<JArrayValue>>()?.map(|a| {
                                Value::from_array(a.values.into_iter().map(|v| v.0).collect())
                            })
                        }
                        AnyValueField::KvlistValue => map
                            .next_value::<Option<JKvList>>()?
                            .map(|l| Value::KvList(l.values.0)),
                        AnyValueField::Other => {
                            map.next_value::<IgnoredAny>()?;
                            None
                        }
                    };
                    if let Some(next) = next {
                        value = next;
                    }
                }
                Ok(JAnyValue(value))
            }
        }
        d.deserialize_map(V)
    }
}
