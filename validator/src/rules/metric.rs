//! Metric rules: `unknown_metric`, `unexpected_instrument`, `unit_mismatch`,
//! `bucket_boundaries_differ`, and the attribute rules on every data point.

use genai_registry::Instrument;

use super::Checker;
use crate::compiled::DefId;
use crate::finding::{Finding, FindingId, Level};
use crate::telemetry::{Metric, MetricKind, PointValue};
use crate::text::Text;

fn instrument_matches(instrument: Instrument, kind: MetricKind) -> bool {
    matches!(
        (instrument, kind),
        (
            Instrument::Histogram,
            MetricKind::Histogram { .. } | MetricKind::ExponentialHistogram { .. }
        ) | (
            Instrument::Counter,
            MetricKind::Sum {
                monotonic: true,
                ..
            }
        ) | (
            Instrument::UpDownCounter,
            MetricKind::Sum {
                monotonic: false,
                ..
            }
        ) | (Instrument::Gauge, MetricKind::Gauge)
    )
}

impl Checker<'_> {
    /// Checks a metric; returns the definition it was checked against. Findings repeated on
    /// several data points are reported once.
    pub(crate) fn metric(
        &mut self,
        metric: &Metric,
        seen: &mut [bool],
        out: &mut Vec<Finding>,
    ) -> Option<DefId> {
        let base = self.c.metrics.get(&*metric.name).copied();
        let Some(base) = base else {
            if let Some(ns) = self.c.namespace_of(&metric.name) {
                let names = self.c.metrics.keys().map(|k| &**k);
                let hint = genai_registry::suggest::did_you_mean(&metric.name, names)
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                out.push(Finding::new(
                    FindingId::UnknownMetric,
                    Level::Violation,
                    None,
                    format!("metric `{}` is under the registry namespace `{ns}` but the registry does not define it{hint}", metric.name),
                ));
            }
            for p in &metric.points {
                self.resolve(&p.attributes, seen);
                for (i, (k, v)) in p.attributes.iter().enumerate() {
                    self.attribute(k.as_str(), v, self.ids[i], None, out);
                }
                self.clear();
            }
            dedupe(out);
            return None;
        };
        let def = &self.c.defs[base as usize];
        if let Some(instrument) = def.instrument
            && metric.kind != MetricKind::Empty
            && !instrument_matches(instrument, metric.kind)
        {
            out.push(Finding::new(
                FindingId::UnexpectedInstrument,
                Level::Violation,
                None,
                format!(
                    "`{}` is recorded as a {}, but it is defined as a {}",
                    metric.name,
                    metric.kind.as_str(),
                    instrument.as_str()
                ),
            ));
        }
        if let Some(unit) = &def.unit
            && **unit != *metric.unit
        {
            out.push(Finding::new(
                FindingId::UnitMismatch,
                Level::Violation,
                None,
                format!(
                    "`{}` has unit `{}`, but it is defined with unit `{unit}`",
                    metric.name, metric.unit
                ),
            ));
        }
        let mut used = base;
        for p in &metric.points {
            self.resolve(&p.attributes, seen);
            let refined = self
                .c
                .provider
                .filter(|id| self.has(*id))
                .and_then(|id| self.value_of(id, &p.attributes)?.as_str())
                .and_then(|provider| {
                    self.c
                        .metric_refinements
                        .get(&base)?
                        .iter()
                        .find(|(p, _)| &**p == provider)
                        .map(|(_, d)| *d)
                })
                .unwrap_or(base);
            used = refined;
            let def = &self.c.defs[refined as usize];
            for (i, (k, v)) in p.attributes.iter().enumerate() {
                self.attribute(k.as_str(), v, self.ids[i], Some(def), out);
            }
            self.requirements(def, &p.attributes, None, out);
            self.clear();
            if let (Some(advice), PointValue::Histogram(h)) = (&def.buckets, &p.value)
                && h.explicit_bounds != *advice
            {
                out.push(Finding::new(
                    FindingId::BucketBoundariesDiffer,
                    Level::Information,
                    None,
                    format!(
                        "`{}` uses bucket boundaries {:?}; the definition advises {:?}",
                        metric.name, h.explicit_bounds, advice
                    ),
                ));
            }
        }
        dedupe(out);
        Some(used)
    }
}

/// Drops repeated findings (same id, attribute and message), keeping the first.
pub(crate) fn dedupe(out: &mut Vec<Finding>) {
    let mut seen: Vec<(FindingId, Option<Text>, Text)> = Vec::new();
    out.retain(|f| {
        let key = (f.id, f.attribute.clone(), f.message.clone());
        if seen.contains(&key) {
            false
        } else {
            seen.push(key);
            true
        }
    });
}
