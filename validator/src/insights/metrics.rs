//! Metrics compared with the spans they describe.

use std::collections::{BTreeMap, HashMap};

use super::Insights;
use crate::telemetry::{HistogramValue, Metric, MetricKind, PointValue, Temporality};

const INFERENCE_CALLS: &str = "gen_ai.invoke_agent.inference_calls";
const TOKEN_USAGE: &str = "gen_ai.client.token.usage";
const TIME_TO_FIRST_CHUNK: &str = "gen_ai.client.operation.time_to_first_chunk";

/// A figure a metric gives and the same figure from the spans.
#[derive(Clone, Debug, PartialEq)]
pub struct MetricCheck {
    /// The metric.
    pub metric: String,
    /// What is compared, e.g. `LLM calls of agent "planner"` or `input tokens`.
    pub subject: String,
    /// The metric's figure.
    pub metric_value: f64,
    /// The spans' figure.
    pub span_value: f64,
}

impl MetricCheck {
    /// Whether both figures are equal (to half a unit: these are counts).
    pub fn agrees(&self) -> bool {
        (self.metric_value - self.span_value).abs() < 0.5
    }
}

/// A histogram metric merged over its streams.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MetricHistogram {
    /// Measurements.
    pub count: u64,
    /// Their sum.
    pub sum: f64,
    /// Smallest, when recorded.
    pub min: Option<f64>,
    /// Largest, when recorded.
    pub max: Option<f64>,
    /// Bucket bounds (when every stream has the same).
    pub bounds: Vec<f64>,
    /// Counts per bucket.
    pub buckets: Vec<u64>,
}

impl MetricHistogram {
    /// Mean (`None` when empty).
    pub fn mean(&self) -> Option<f64> {
        (self.count > 0).then(|| self.sum / self.count as f64)
    }

    /// Upper bound of the bucket holding quantile `q` (`None` without buckets, or in the
    /// open last bucket: then the max, when recorded).
    pub fn quantile_bound(&self, q: f64) -> Option<f64> {
        if self.count == 0 || self.buckets.is_empty() {
            return None;
        }
        let rank = ((q.clamp(0.0, 1.0) * self.count as f64).ceil() as u64).max(1);
        let mut seen = 0;
        for (i, n) in self.buckets.iter().enumerate() {
            seen += n;
            if seen >= rank {
                return self.bounds.get(i).copied().or(self.max);
            }
        }
        self.max
    }

    fn add(&mut self, h: &HistogramValue) {
        let first = self.count == 0 && self.buckets.is_empty();
        self.count += h.count;
        self.sum += h.sum.unwrap_or(0.0);
        self.min = match (self.min, h.min) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.max = match (self.max, h.max) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        if first {
            self.bounds = h.explicit_bounds.clone();
            self.buckets = h.bucket_counts.clone();
        } else if self.bounds == h.explicit_bounds && self.buckets.len() == h.bucket_counts.len() {
            for (a, b) in self.buckets.iter_mut().zip(&h.bucket_counts) {
                *a += b;
            }
        } else {
            self.bounds.clear();
            self.buckets.clear();
        }
    }
}

/// One metric stream: its current value (last point when cumulative, sum when delta).
struct Stream {
    name: &'static str,
    /// `gen_ai.agent.name` or `gen_ai.token.type` of the stream.
    label: String,
    cumulative: bool,
    time: u64,
    value: MetricHistogram,
}

/// The metric streams insights compare, with a bounded number of streams.
pub(crate) struct MetricState {
    streams: HashMap<String, Stream>,
    max: usize,
}

impl MetricState {
    pub fn new(max_keys: usize) -> Self {
        MetricState {
            streams: HashMap::new(),
            max: max_keys.saturating_mul(4),
        }
    }

    pub fn add(&mut self, m: &Metric) {
        let (name, label_key) = match m.name.as_ref() {
            INFERENCE_CALLS => (INFERENCE_CALLS, "gen_ai.agent.name"),
            TOKEN_USAGE => (TOKEN_USAGE, "gen_ai.token.type"),
            TIME_TO_FIRST_CHUNK => (TIME_TO_FIRST_CHUNK, ""),
            _ => return,
        };
        let cumulative = matches!(
            m.kind,
            MetricKind::Histogram {
                temporality: Temporality::Cumulative
            }
        );
        let resource = |k: &str| {
            m.resource
                .attributes
                .get(k)
                .map(|v| v.to_string())
                .unwrap_or_default()
        };
        let who = format!(
            "{}|{}|{}",
            resource("service.name"),
            resource("service.instance.id"),
            m.scope.name
        );
        for p in &m.points {
            let PointValue::Histogram(h) = &p.value else {
                continue;
            };
            let mut attrs: Vec<String> = p
                .attributes
                .iter()
                .map(|(k, v)| format!("{}={v}", k.as_str()))
                .collect();
            attrs.sort();
            let key = format!("{name}|{who}|{}", attrs.join(","));
            let label = p
                .attributes
                .get(label_key)
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
                .unwrap_or_else(|| "(unknown)".to_string());
            if !self.streams.contains_key(&key) && self.streams.len() >= self.max {
                continue;
            }
            let s = self.streams.entry(key).or_insert_with(|| Stream {
                name,
                label,
                cumulative,
                time: 0,
                value: MetricHistogram::default(),
            });
            if s.cumulative {
                if p.time_unix_nano >= s.time {
                    s.time = p.time_unix_nano;
                    s.value = MetricHistogram::default();
                    s.value.add(h);
                }
            } else {
                s.value.add(h);
            }
        }
    }

    /// The checks against `spans`, and the merged time-to-first-chunk histogram.
    pub fn compare(&self, spans: &Insights) -> (Vec<MetricCheck>, Option<MetricHistogram>) {
        let mut calls: BTreeMap<&str, MetricHistogram> = BTreeMap::new();
        let mut tokens: BTreeMap<&str, f64> = BTreeMap::new();
        let mut ttft: Option<MetricHistogram> = None;
        let mut streams: Vec<&Stream> = self.streams.values().collect();
        streams.sort_by(|a, b| (a.name, &a.label).cmp(&(b.name, &b.label)));
        for s in streams {
            match s.name {
                INFERENCE_CALLS => calls.entry(&s.label).or_default().merge(&s.value),
                TOKEN_USAGE => *tokens.entry(&s.label).or_default() += s.value.sum,
                _ => ttft.get_or_insert_with(Default::default).merge(&s.value),
            }
        }
        let mut checks = Vec::new();
        for (agent, h) in calls {
            let Some(r) = spans.agents.get(agent) else {
                continue;
            };
            checks.push(MetricCheck {
                metric: INFERENCE_CALLS.to_string(),
                subject: format!("LLM calls of agent {agent:?}"),
                metric_value: h.sum,
                span_value: r.llm_calls as f64,
            });
            checks.push(MetricCheck {
                metric: INFERENCE_CALLS.to_string(),
                subject: format!("invocations of agent {agent:?}"),
                metric_value: h.count as f64,
                span_value: r.calls as f64,
            });
        }
        if !spans.usage.is_empty() {
            for (kind, sum) in tokens {
                let span_value = match kind {
                    "input" => spans.usage.input,
                    "output" => spans.usage.output,
                    _ => continue,
                };
                checks.push(MetricCheck {
                    metric: TOKEN_USAGE.to_string(),
                    subject: format!("{kind} tokens"),
                    metric_value: sum,
                    span_value: span_value as f64,
                });
            }
        }
        (checks, ttft)
    }
}

impl MetricHistogram {
    fn merge(&mut self, other: &MetricHistogram) {
        let h = HistogramValue {
            count: other.count,
            sum: Some(other.sum),
            min: other.min,
            max: other.max,
            bucket_counts: other.buckets.clone(),
            explicit_bounds: other.bounds.clone(),
        };
        self.add(&h);
    }
}
