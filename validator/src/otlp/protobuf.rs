//! OTLP protobuf: prost decoding, then conversion of the generated messages into the model.

use std::sync::Arc;

use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1 as pc;
use opentelemetry_proto::tonic::logs::v1 as pl;
use opentelemetry_proto::tonic::metrics::v1 as pm;
use opentelemetry_proto::tonic::resource::v1 as pr;
use opentelemetry_proto::tonic::trace::v1 as pt;
use prost::Message;

use super::{DecodeError, Signal, locate};
use crate::telemetry::{
    Attributes, DataPoint, Event, ExponentialBuckets, ExponentialHistogramValue, HistogramValue,
    Link, LogRecord, Metric, MetricKind, Origin, PointValue, Quantile, Resource, Scope, Span,
    SpanId, SpanKind, Status, SummaryValue, Telemetry, Temporality, TraceId, Value, non_empty,
};

/// Items refused one by one (instead of failing the whole request), when lenient.
#[derive(Debug, Default)]
pub(super) struct Rejected {
    /// Refuse items one by one; otherwise the first bad item fails the request.
    pub lenient: bool,
    pub count: u64,
    pub first: Option<DecodeError>,
}

impl Rejected {
    fn strict() -> Self {
        Rejected::default()
    }

    /// Keeps `item`, or records why it was refused (an error when not lenient).
    fn keep<T>(
        &mut self,
        item: Result<T, DecodeError>,
        out: &mut Vec<T>,
    ) -> Result<(), DecodeError> {
        match item {
            Ok(item) => out.push(item),
            Err(err) if self.lenient => {
                self.count += 1;
                self.first.get_or_insert(err);
            }
            Err(err) => return Err(err),
        }
        Ok(())
    }
}

/// Decodes `bytes` as the request of `signal` and appends its items to `out`. On error, `out`
/// may hold part of the request: the caller rolls back.
pub(super) fn decode(
    bytes: &[u8],
    signal: Signal,
    origin: &Origin,
    out: &mut Telemetry,
) -> Result<(), DecodeError> {
    decode_with(bytes, signal, origin, out, &mut Rejected::strict())
}

/// [`decode`], refusing bad items one by one into `rejected` when it is lenient.
pub(super) fn decode_with(
    bytes: &[u8],
    signal: Signal,
    origin: &Origin,
    out: &mut Telemetry,
    rejected: &mut Rejected,
) -> Result<(), DecodeError> {
    let fail = |err: prost::DecodeError| protobuf_error(bytes, signal, &err);
    match signal {
        Signal::Traces => {
            let request = ExportTraceServiceRequest::decode(bytes).map_err(fail)?;
            traces(request, origin, &mut out.spans, rejected)
        }
        Signal::Logs => {
            let request = ExportLogsServiceRequest::decode(bytes).map_err(fail)?;
            logs(request, origin, &mut out.logs, rejected)
        }
        Signal::Metrics => {
            let request = ExportMetricsServiceRequest::decode(bytes).map_err(fail)?;
            metrics(request, origin, &mut out.metrics);
            Ok(())
        }
    }
}

/// Whether what was appended since `mark` looks like the signal it was decoded as.
pub(super) fn plausible(out: &Telemetry, mark: [usize; 3]) -> bool {
    let spans = out.spans[mark[0]..]
        .iter()
        .all(|s| s.trace_id != TraceId::INVALID && s.span_id != SpanId::INVALID);
    let metrics = out.metrics[mark[2]..]
        .iter()
        .all(|m| !m.name.is_empty() && m.kind != MetricKind::Empty);
    spans && metrics
}

fn protobuf_error(bytes: &[u8], signal: Signal, err: &prost::DecodeError) -> DecodeError {
    let text = err.to_string();
    let reason = text
        .strip_prefix("failed to decode Protobuf message: ")
        .unwrap_or(&text)
        .to_owned();
    DecodeError::Protobuf {
        offset: locate::error_offset(bytes, signal) as u64,
        reason,
    }
}

/// Converts an id of `N` bytes: empty means absent, any other length is an error.
fn id<const N: usize>(
    bytes: &[u8],
    field: impl FnOnce() -> String,
) -> Result<Option<[u8; N]>, DecodeError> {
    if bytes.is_empty() {
        return Ok(None);
    }
    <[u8; N]>::try_from(bytes)
        .map(Some)
        .map_err(|_| DecodeError::InvalidField {
            field: field(),
            reason: format!("expected {N} bytes, found {}", bytes.len()),
        })
}

fn trace_id(bytes: &[u8], field: impl FnOnce() -> String) -> Result<TraceId, DecodeError> {
    Ok(id::<16>(bytes, field)?.map_or(TraceId::INVALID, TraceId::from_bytes))
}

fn span_id(bytes: &[u8], field: impl FnOnce() -> String) -> Result<SpanId, DecodeError> {
    Ok(id::<8>(bytes, field)?.map_or(SpanId::INVALID, SpanId::from_bytes))
}

/// Converts OTLP attributes, moving the decoded strings.
fn attributes(kvs: Vec<pc::KeyValue>) -> Attributes {
    Attributes(
        kvs.into_iter()
            .map(|kv| (super::keys::key_from(kv.key), any_value(kv.value)))
            .collect(),
    )
}

fn any_value(value: Option<pc::AnyValue>) -> Value {
    use pc::any_value::Value as V;
    match value.and_then(|v| v.value) {
        None => Value::Empty,
        Some(V::StringValue(s)) => Value::String(s.into()),
        Some(V::BoolValue(b)) => Value::Bool(b),
        Some(V::IntValue(i)) => Value::I64(i),
        Some(V::DoubleValue(d)) => Value::F64(d),
        Some(V::BytesValue(b)) => Value::Bytes(b),
        Some(V::ArrayValue(a)) => {
            Value::from_array(a.values.into_iter().map(|v| any_value(Some(v))).collect())
        }
        Some(V::KvlistValue(list)) => Value::KvList(attributes(list.values)),
        // Only meaningful with a profiles dictionary, which other signals do not have.
        Some(V::StringValueStrindex(_)) => Value::Empty,
    }
}

fn resource(resource: Option<pr::Resource>, schema_url: String) -> Arc<Resource> {
    let resource = resource.unwrap_or_default();
    Arc::new(Resource {
        attributes: attributes(resource.attributes),
        schema_url: non_empty(schema_url),
        dropped_attributes_count: resource.dropped_attributes_count,
    })
}

fn scope(scope: Option<pc::InstrumentationScope>, schema_url: String) -> Arc<Scope> {
    let scope = scope.unwrap_or_default();
    Arc::new(Scope {
        name: scope.name,
        version: non_empty(scope.version),
        schema_url: non_empty(schema_url),
        attributes: attributes(scope.attributes),
    })
}

fn traces(
    request: ExportTraceServiceRequest,
    origin: &Origin,
    out: &mut Vec<Span>,
    rejected: &mut Rejected,
) -> Result<(), DecodeError> {
    for (r, rs) in request.resource_spans.into_iter().enumerate() {
        let res = resource(rs.resource, rs.schema_url);
        for (s, ss) in rs.scope_spans.into_iter().enumerate() {
            let sc = scope(ss.scope, ss.schema_url);
            out.reserve(ss.spans.len());
            for (i, span) in ss.spans.into_iter().enumerate() {
                let path = |field: &str| {
                    format!("resource_spans[{r}].scope_spans[{s}].spans[{i}].{field}")
                };
                rejected.keep(convert_span(span, &path, &res, &sc, origin), out)?;
            }
        }
    }
    Ok(())
}

fn convert_span(
    span: pt::Span,
    path: &dyn Fn(&str) -> String,
    resource: &Arc<Resource>,
    scope: &Arc<Scope>,
    origin: &Origin,
) -> Result<Span, DecodeError> {
    let trace = trace_id(&span.trace_id, || path("trace_id"))?;
    let id = span_id(&span.span_id, || path("span_id"))?;
    let parent = span_id(&span.parent_span_id, || path("parent_span_id"))?;
    let events = span
        .events
        .into_iter()
        .map(|e| Event {
            name: e.name.into(),
            time_unix_nano: e.time_unix_nano,
            attributes: attributes(e.attributes),
            dropped_attributes_count: e.dropped_attributes_count,
        })
        .collect();
    let links = span
        .links
        .into_iter()
        .enumerate()
        .map(|(n, l)| {
            Ok(Link {
                trace_id: trace_id(&l.trace_id, || path(&format!("links[{n}].trace_id")))?,
                span_id: span_id(&l.span_id, || path(&format!("links[{n}].span_id")))?,
                trace_state: l.trace_state,
                attributes: attributes(l.attributes),
                flags: l.flags,
                dropped_attributes_count: l.dropped_attributes_count,
            })
        })
        .collect::<Result<_, DecodeError>>()?;
    Ok(Span {
        trace_id: trace,
        span_id: id,
        parent_span_id: (parent != SpanId::INVALID).then_some(parent),
        trace_state: span.trace_state,
        flags: span.flags,
        name: span.name.into(),
        kind: SpanKind::from_otlp(span.kind),
        start_time_unix_nano: span.start_time_unix_nano,
        end_time_unix_nano: span.end_time_unix_nano,
        status: span
            .status
            .map(|s| Status::from_otlp(s.code, s.message))
            .unwrap_or_default(),
        attributes: attributes(span.attributes),
        events,
        links,
        dropped_attributes_count: span.dropped_attributes_count,
        dropped_events_count: span.dropped_events_count,
        dropped_links_count: span.dropped_links_count,
        resource: Arc::clone(resource),
        scope: Arc::clone(scope),
        origin: origin.clone(),
    })
}

fn logs(
    request: ExportLogsServiceRequest,
    origin: &Origin,
    out: &mut Vec<LogRecord>,
    rejected: &mut Rejected,
) -> Result<(), DecodeError> {
    for (r, rl) in request.resource_logs.into_iter().enumerate() {
        let res = resource(rl.resource, rl.schema_url);
        for (s, sl) in rl.scope_logs.into_iter().enumerate() {
            let sc = scope(sl.scope, sl.schema_url);
            out.reserve(sl.log_records.len());
            for (i, record) in sl.log_records.into_iter().enumerate() {
                let path = |field: &str| {
                    format!("resource_logs[{r}].scope_logs[{s}].log_records[{i}].{field}")
                };
                rejected.keep(convert_log(record, &path, &res, &sc, origin), out)?;
            }
        }
    }
    Ok(())
}

fn convert_log(
    record: pl::LogRecord,
    path: &dyn Fn(&str) -> String,
    resource: &Arc<Resource>,
    scope: &Arc<Scope>,
    origin: &Origin,
) -> Result<LogRecord, DecodeError> {
    let trace = trace_id(&record.trace_id, || path("trace_id"))?;
    let span = span_id(&record.span_id, || path("span_id"))?;
    Ok(LogRecord {
        event_name: non_empty(record.event_name).map(Into::into),
        time_unix_nano: record.time_unix_nano,
        observed_time_unix_nano: record.observed_time_unix_nano,
        severity_number: record.severity_number,
        severity_text: non_empty(record.severity_text).map(Into::into),
        body: record.body.map(|b| any_value(Some(b))),
        attributes: attributes(record.attributes),
        trace_id: (trace != TraceId::INVALID).then_some(trace),
        span_id: (span != SpanId::INVALID).then_some(span),
        flags: record.flags,
        dropped_attributes_count: record.dropped_attributes_count,
        resource: Arc::clone(resource),
        scope: Arc::clone(scope),
        origin: origin.clone(),
    })
}

fn metrics(request: ExportMetricsServiceRequest, origin: &Origin, out: &mut Vec<Metric>) {
    for rm in request.resource_metrics {
        let res = resource(rm.resource, rm.schema_url);
        for sm in rm.scope_metrics {
            let sc = scope(sm.scope, sm.schema_url);
            out.reserve(sm.metrics.len());
            for metric in sm.metrics {
                out.push(convert_metric(metric, &res, &sc, origin));
            }
        }
    }
}

fn convert_metric(
    metric: pm::Metric,
    resource: &Arc<Resource>,
    scope: &Arc<Scope>,
    origin: &Origin,
) -> Metric {
    use pm::metric::Data;
    let (kind, points) = match metric.data {
        None => (MetricKind::Empty, Vec::new()),
        Some(Data::Gauge(g)) => (MetricKind::Gauge, number_points(g.data_points)),
        Some(Data::Sum(s)) => (
            MetricKind::Sum {
                monotonic: s.is_monotonic,
                temporality: Temporality::from_otlp(s.aggregation_temporality),
            },
            number_points(s.data_points),
        ),
        Some(Data::Histogram(h)) => (
            MetricKind::Histogram {
                temporality: Temporality::from_otlp(h.aggregation_temporality),
            },
            h.data_points
                .into_iter()
                .map(|p| DataPoint {
                    attributes: attributes(p.attributes),
                    start_time_unix_nano: p.start_time_unix_nano,
                    time_unix_nano: p.time_unix_nano,
                    flags: p.flags,
                    value: PointValue::Histogram(HistogramValue {
                        count: p.count,
                        sum: p.sum,
                        min: p.min,
                        max: p.max,
                        bucket_counts: p.bucket_counts,
                        explicit_bounds: p.explicit_bounds,
                    }),
                })
                .collect(),
        ),
        Some(Data::ExponentialHistogram(h)) => (
            MetricKind::ExponentialHistogram {
                temporality: Temporality::from_otlp(h.aggregation_temporality),
            },
            h.data_points
                .into_iter()
                .map(|p| {
                    let buckets = |b: Option<pm::exponential_histogram_data_point::Buckets>| {
                        let b = b.unwrap_or_default();
                        ExponentialBuckets {
                            offset: b.offset,
                            bucket_counts: b.bucket_counts,
                        }
                    };
                    DataPoint {
                        attributes: attributes(p.attributes),
                        start_time_unix_nano: p.start_time_unix_nano,
                        time_unix_nano: p.time_unix_nano,
                        flags: p.flags,
                        value: PointValue::ExponentialHistogram(ExponentialHistogramValue {
                            count: p.count,
                            sum: p.sum,
                            min: p.min,
                            max: p.max,
                            scale: p.scale,
                            zero_count: p.zero_count,
                            zero_threshold: p.zero_threshold,
                            positive: buckets(p.positive),
                            negative: buckets(p.negative),
                        }),
                    }
                })
                .collect(),
        ),
        Some(Data::Summary(s)) => (
            MetricKind::Summary,
            s.data_points
                .into_iter()
                .map(|p| DataPoint {
                    attributes: attributes(p.attributes),
                    start_time_unix_nano: p.start_time_unix_nano,
                    time_unix_nano: p.time_unix_nano,
                    flags: p.flags,
                    value: PointValue::Summary(SummaryValue {
                        count: p.count,
                        sum: p.sum,
                        quantiles: p
                            .quantile_values
                            .into_iter()
                            .map(|q| Quantile {
                                quantile: q.quantile,
                                value: q.value,
                            })
                            .collect(),
                    }),
                })
                .collect(),
        ),
    };
    Metric {
        name: metric.name.into(),
        description: metric.description.into(),
        unit: metric.unit.into(),
        kind,
        points,
        metadata: attributes(metric.metadata),
        resource: Arc::clone(resource),
        scope: Arc::clone(scope),
        origin: origin.clone(),
    }
}

fn number_points(points: Vec<pm::NumberDataPoint>) -> Vec<DataPoint> {
    use pm::number_data_point::Value as V;
    points
        .into_iter()
        .map(|p| DataPoint {
            attributes: attributes(p.attributes),
            start_time_unix_nano: p.start_time_unix_nano,
            time_unix_nano: p.time_unix_nano,
            flags: p.flags,
            value: match p.value {
                Some(V::AsInt(i)) => PointValue::I64(i),
                Some(V::AsDouble(d)) => PointValue::F64(d),
                None => PointValue::Empty,
            },
        })
        .collect()
}
