//! Conversion of OpenTelemetry SDK data (0.33) into the model, for tests that collect telemetry
//! with the SDK's in-memory exporters.
//!
//! Spans are taken by value, so their keys, string values and names move in without copying.
//! Log records and metrics are only readable through references in the SDK's API, so they are
//! copied. [`SpanData`] does not carry its resource (the in-memory span exporter keeps it
//! private), so the caller passes the resource it configured the provider with.

use std::borrow::Cow;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use opentelemetry::InstrumentationScope;
use opentelemetry::trace::{SpanContext, SpanId as OtelSpanId};
use opentelemetry_sdk::Resource as SdkResource;
use opentelemetry_sdk::logs::SdkLogRecord;
use opentelemetry_sdk::metrics::Temporality as SdkTemporality;
use opentelemetry_sdk::metrics::data::{AggregatedMetrics, MetricData, ResourceMetrics};
use opentelemetry_sdk::trace::SpanData;

use crate::telemetry::{
    Attributes, DataPoint, Event, ExponentialBuckets, ExponentialHistogramValue, HistogramValue,
    Link, LogRecord, Metric, MetricKind, Origin, PointValue, Resource, Scope, Span, SpanKind,
    Status, Telemetry, Temporality, Value,
};

/// OTLP span flag: the `is_remote` bit of the parent is known.
const SPAN_FLAGS_HAS_IS_REMOTE: u32 = 0x100;
/// OTLP span flag: the parent is remote.
const SPAN_FLAGS_IS_REMOTE: u32 = 0x200;

impl Telemetry {
    /// Telemetry holding the given SDK spans, all produced under `resource` (the resource the
    /// tracer provider was built with; `None` for an empty resource).
    pub fn from_sdk_spans(
        spans: impl IntoIterator<Item = SpanData>,
        resource: Option<&SdkResource>,
    ) -> Self {
        Telemetry {
            spans: spans_from_sdk(spans, resource),
            ..Telemetry::default()
        }
    }
}

/// Converts an SDK resource.
pub fn resource_from_sdk(resource: &SdkResource) -> Arc<Resource> {
    Arc::new(Resource {
        attributes: resource
            .iter()
            .map(|(k, v)| (k.clone(), Value::from(v.clone())))
            .collect(),
        schema_url: resource.schema_url().map(str::to_owned),
        dropped_attributes_count: 0,
    })
}

/// Converts an SDK instrumentation scope.
pub fn scope_from_sdk(scope: &InstrumentationScope) -> Arc<Scope> {
    Arc::new(Scope {
        name: scope.name().to_owned(),
        version: scope.version().map(str::to_owned),
        schema_url: scope.schema_url().map(str::to_owned),
        attributes: scope
            .attributes()
            .map(|kv| (kv.key.clone(), Value::from(kv.value.clone())))
            .collect(),
    })
}

/// Converts SDK spans (e.g. from `InMemorySpanExporter::get_finished_spans`), all produced
/// under `resource`.
pub fn spans_from_sdk(
    spans: impl IntoIterator<Item = SpanData>,
    resource: Option<&SdkResource>,
) -> Vec<Span> {
    let resource = resource.map_or_else(Arc::default, resource_from_sdk);
    let origin = Origin::sdk();
    let spans = spans.into_iter();
    let mut out = Vec::with_capacity(spans.size_hint().0);
    // Consecutive spans usually share a scope: convert it once.
    let mut last_scope: Option<(InstrumentationScope, Arc<Scope>)> = None;
    for span in spans {
        let scope = match &last_scope {
            Some((sdk, ours)) if *sdk == span.instrumentation_scope => Arc::clone(ours),
            _ => {
                let ours = scope_from_sdk(&span.instrumentation_scope);
                last_scope = Some((span.instrumentation_scope.clone(), Arc::clone(&ours)));
                ours
            }
        };
        out.push(span_from_sdk(span, &resource, scope, &origin));
    }
    out
}

fn span_from_sdk(
    span: SpanData,
    resource: &Arc<Resource>,
    scope: Arc<Scope>,
    origin: &Origin,
) -> Span {
    let context = &span.span_context;
    let mut flags = u32::from(context.trace_flags().to_u8()) | SPAN_FLAGS_HAS_IS_REMOTE;
    if span.parent_span_is_remote {
        flags |= SPAN_FLAGS_IS_REMOTE;
    }
    Span {
        trace_id: context.trace_id(),
        span_id: context.span_id(),
        parent_span_id: (span.parent_span_id != OtelSpanId::INVALID).then_some(span.parent_span_id),
        trace_state: context.trace_state().header(),
        flags,
        name: span.name,
        kind: match span.span_kind {
            opentelemetry::trace::SpanKind::Client => SpanKind::Client,
            opentelemetry::trace::SpanKind::Server => SpanKind::Server,
            opentelemetry::trace::SpanKind::Producer => SpanKind::Producer,
            opentelemetry::trace::SpanKind::Consumer => SpanKind::Consumer,
            opentelemetry::trace::SpanKind::Internal => SpanKind::Internal,
        },
        start_time_unix_nano: unix_nanos(span.start_time),
        end_time_unix_nano: unix_nanos(span.end_time),
        status: match span.status {
            opentelemetry::trace::Status::Unset => Status::Unset,
            opentelemetry::trace::Status::Ok => Status::Ok,
            opentelemetry::trace::Status::Error { description } => Status::Error {
                message: description,
            },
        },
        attributes: key_values(span.attributes),
        events: span
            .events
            .events
            .into_iter()
            .map(|e| Event {
                name: e.name,
                time_unix_nano: unix_nanos(e.timestamp),
                attributes: key_values(e.attributes),
                dropped_attributes_count: e.dropped_attributes_count,
            })
            .collect(),
        links: span
            .links
            .links
            .into_iter()
            .map(|l| Link {
                trace_id: l.span_context.trace_id(),
                span_id: l.span_context.span_id(),
                trace_state: l.span_context.trace_state().header(),
                attributes: key_values(l.attributes),
                flags: link_flags(&l.span_context),
                dropped_attributes_count: l.dropped_attributes_count,
            })
            .collect(),
        dropped_attributes_count: span.dropped_attributes_count,
        dropped_events_count: span.events.dropped_count,
        dropped_links_count: span.links.dropped_count,
        resource: Arc::clone(resource),
        scope,
        origin: origin.clone(),
    }
}

fn link_flags(context: &SpanContext) -> u32 {
    let mut flags = u32::from(context.trace_flags().to_u8()) | SPAN_FLAGS_HAS_IS_REMOTE;
    if context.is_remote() {
        flags |= SPAN_FLAGS_IS_REMOTE;
    }
    flags
}

fn key_values(kvs: Vec<opentelemetry::KeyValue>) -> Attributes {
    kvs.into_iter()
        .map(|kv| (kv.key, Value::from(kv.value)))
        .collect()
}

/// Nanoseconds since the Unix epoch; 0 before it, saturating far after it.
fn unix_nanos(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

/// The `target` of an SDK log record.
type LogTarget = Cow<'static, str>;

/// Converts SDK log records with their scope and resource, e.g. from
/// `InMemoryLogExporter::get_emitted_logs`:
/// `logs.iter().map(|l| (&l.record, &l.instrumentation, l.resource.as_ref()))`.
///
/// As the SDK's OTLP exporter does, a record's `target` (set by log bridges) becomes its scope
/// name.
pub fn logs_from_sdk<'a>(
    records: impl IntoIterator<Item = (&'a SdkLogRecord, &'a InstrumentationScope, &'a SdkResource)>,
) -> Vec<LogRecord> {
    let origin = Origin::sdk();
    let mut out = Vec::new();
    let mut last_resource: Option<(&SdkResource, Arc<Resource>)> = None;
    let mut last_scope: Option<(&InstrumentationScope, Option<&LogTarget>, Arc<Scope>)> = None;
    for (record, scope, resource) in records {
        let resource = match &last_resource {
            Some((sdk, ours)) if *sdk == resource => Arc::clone(ours),
            _ => {
                let ours = resource_from_sdk(resource);
                last_resource = Some((resource, Arc::clone(&ours)));
                ours
            }
        };
        let target = record.target();
        let scope = match &last_scope {
            Some((sdk, t, ours)) if *sdk == scope && *t == target => Arc::clone(ours),
            _ => {
                let mut ours = scope_from_sdk(scope);
                if let Some(target) = target {
                    Arc::make_mut(&mut ours).name = target.to_string();
                }
                last_scope = Some((scope, target, Arc::clone(&ours)));
                ours
            }
        };
        out.push(log_from_sdk(record, resource, scope, &origin));
    }
    out
}

fn log_from_sdk(
    record: &SdkLogRecord,
    resource: Arc<Resource>,
    scope: Arc<Scope>,
    origin: &Origin,
) -> LogRecord {
    let context = record.trace_context();
    LogRecord {
        event_name: record.event_name().map(Cow::Borrowed),
        time_unix_nano: record.timestamp().map_or(0, unix_nanos),
        observed_time_unix_nano: record.observed_timestamp().map_or(0, unix_nanos),
        severity_number: record.severity_number().map_or(0, |s| s as i32),
        severity_text: record.severity_text().map(Cow::Borrowed),
        body: record.body().map(Value::from),
        attributes: record
            .attributes_iter()
            .map(|(k, v)| (k.clone(), Value::from(v)))
            .collect(),
        trace_id: context.map(|c| c.trace_id),
        span_id: context.map(|c| c.span_id),
        flags: context
            .and_then(|c| c.trace_flags)
            .map_or(0, |f| u32::from(f.to_u8())),
        dropped_attributes_count: 0,
        resource,
        scope,
        origin: origin.clone(),
    }
}

/// Converts SDK metrics, e.g. from `InMemoryMetricExporter::get_finished_metrics`.
pub fn metrics_from_sdk<'a>(batches: impl IntoIterator<Item = &'a ResourceMetrics>) -> Vec<Metric> {
    let origin = Origin::sdk();
    let mut out = Vec::new();
    for batch in batches {
        let resource = resource_from_sdk(batch.resource());
        for scope_metrics in batch.scope_metrics() {
            let scope = scope_from_sdk(scope_metrics.scope());
            for metric in scope_metrics.metrics() {
                let (kind, points) = match metric.data() {
                    AggregatedMetrics::F64(data) => metric_data(data),
                    AggregatedMetrics::U64(data) => metric_data(data),
                    AggregatedMetrics::I64(data) => metric_data(data),
                };
                out.push(Metric {
                    name: Cow::Owned(metric.name().to_owned()),
                    description: Cow::Owned(metric.description().to_owned()),
                    unit: Cow::Owned(metric.unit().to_owned()),
                    kind,
                    points,
                    metadata: Attributes::new(),
                    resource: Arc::clone(&resource),
                    scope: Arc::clone(&scope),
                    origin: origin.clone(),
                });
            }
        }
    }
    out
}

/// The numeric types SDK instruments record.
trait Number: Copy {
    fn point(self) -> PointValue;
    fn to_f64(self) -> f64;
}

impl Number for f64 {
    fn point(self) -> PointValue {
        PointValue::F64(self)
    }
    fn to_f64(self) -> f64 {
        self
    }
}

impl Number for i64 {
    fn point(self) -> PointValue {
        PointValue::I64(self)
    }
    fn to_f64(self) -> f64 {
        self as f64
    }
}

impl Number for u64 {
    fn point(self) -> PointValue {
        // OTLP has only signed integers; the SDK's exporter casts the same way, saturating here.
        PointValue::I64(i64::try_from(self).unwrap_or(i64::MAX))
    }
    fn to_f64(self) -> f64 {
        self as f64
    }
}

fn temporality(t: SdkTemporality) -> Temporality {
    match t {
        SdkTemporality::Delta => Temporality::Delta,
        SdkTemporality::Cumulative => Temporality::Cumulative,
        _ => Temporality::Unspecified,
    }
}

fn metric_data<T: Number>(data: &MetricData<T>) -> (MetricKind, Vec<DataPoint>) {
    fn attrs<'a>(kvs: impl Iterator<Item = &'a opentelemetry::KeyValue>) -> Attributes {
        kvs.map(|kv| (kv.key.clone(), Value::from(kv.value.clone())))
            .collect()
    }
    match data {
        MetricData::Gauge(g) => {
            let start = g.start_time().map_or(0, unix_nanos);
            let time = unix_nanos(g.time());
            let points = g
                .data_points()
                .map(|p| DataPoint {
                    attributes: attrs(p.attributes()),
                    start_time_unix_nano: start,
                    time_unix_nano: time,
                    flags: 0,
                    value: p.value().point(),
                })
                .collect();
            (MetricKind::Gauge, points)
        }
        MetricData::Sum(s) => {
            let (start, time) = (unix_nanos(s.start_time()), unix_nanos(s.time()));
            let points = s
                .data_points()
                .map(|p| DataPoint {
                    attributes: attrs(p.attributes()),
                    start_time_unix_nano: start,
                    time_unix_nano: time,
                    flags: 0,
                    value: p.value().point(),
                })
                .collect();
            let kind = MetricKind::Sum {
                monotonic: s.is_monotonic(),
                temporality: temporality(s.temporality()),
            };
            (kind, points)
        }
        MetricData::Histogram(h) => {
            let (start, time) = (unix_nanos(h.start_time()), unix_nanos(h.time()));
            let points = h
                .data_points()
                .map(|p| DataPoint {
                    attributes: attrs(p.attributes()),
                    start_time_unix_nano: start,
                    time_unix_nano: time,
                    flags: 0,
                    value: PointValue::Histogram(HistogramValue {
                        count: p.count(),
                        sum: Some(p.sum().to_f64()),
                        min: p.min().map(Number::to_f64),
                        max: p.max().map(Number::to_f64),
                        bucket_counts: p.bucket_counts().collect(),
                        explicit_bounds: p.bounds().collect(),
                    }),
                })
                .collect();
            let kind = MetricKind::Histogram {
                temporality: temporality(h.temporality()),
            };
            (kind, points)
        }
        MetricData::ExponentialHistogram(h) => {
            let (start, time) = (unix_nanos(h.start_time()), unix_nanos(h.time()));
            let points = h
                .data_points()
                .map(|p| DataPoint {
                    attributes: attrs(p.attributes()),
                    start_time_unix_nano: start,
                    time_unix_nano: time,
                    flags: 0,
                    value: PointValue::ExponentialHistogram(ExponentialHistogramValue {
                        count: p.count() as u64,
                        sum: Some(p.sum().to_f64()),
                        min: p.min().map(Number::to_f64),
                        max: p.max().map(Number::to_f64),
                        scale: i32::from(p.scale()),
                        zero_count: p.zero_count(),
                        zero_threshold: p.zero_threshold(),
                        positive: ExponentialBuckets {
                            offset: p.positive_bucket().offset(),
                            bucket_counts: p.positive_bucket().counts().collect(),
                        },
                        negative: ExponentialBuckets {
                            offset: p.negative_bucket().offset(),
                            bucket_counts: p.negative_bucket().counts().collect(),
                        },
                    }),
                })
                .collect();
            let kind = MetricKind::ExponentialHistogram {
                temporality: temporality(h.temporality()),
            };
            (kind, points)
        }
    }
}
