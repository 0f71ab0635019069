//! The [`Validator`]: a registry compiled for checks, applied to [`Telemetry`].

use std::sync::Arc;

use genai_registry::ResolvedRegistry;

use crate::compiled::Compiled;
use crate::finding::Finding;
use crate::insights::{InsightOptions, Insights, InsightsBuilder, SpanKeys};
use crate::options::Options;
use crate::report::{ItemReport, ItemSignal, RegistryInfo, Report, ReportLimits};
use crate::rules::Checker;
use crate::telemetry::{LogRecord, Metric, Span, Telemetry};
use crate::text::Text;

/// Told about every item as it is checked (the session's trace assembly and tallies).
pub(crate) trait Observer {
    /// Whether [`Observer::span`] wants the keys insights read (found from the keys the
    /// validation resolves).
    fn wants_keys(&self) -> bool {
        false
    }
    /// A span, the definition it matched, its findings (after the finding policy), and the
    /// keys insights read when [`Observer::wants_keys`].
    fn span(
        &mut self,
        _span: &Span,
        _def: Option<&'static str>,
        _findings: &[Finding],
        _keys: Option<&SpanKeys>,
    ) {
    }
    /// A log record.
    fn log(&mut self, _log: &LogRecord, _def: Option<&'static str>, _findings: &[Finding]) {}
    /// A metric.
    fn metric(&mut self, _metric: &Metric, _def: Option<&'static str>, _findings: &[Finding]) {}
}

impl Observer for () {}

/// Checks telemetry against one registry.
///
/// Building one precomputes every lookup (attribute keys, definitions, the span matching
/// table, name patterns, messages), so validation does no registry scan per item. Build it
/// once and reuse it.
///
/// ```
/// let loaded = genai_registry::embedded::load().expect("valid");
/// let validator = genai_validator::Validator::new(&loaded.registry);
/// let report = validator.validate(&genai_validator::Telemetry::new());
/// assert!(!report.has_violations());
/// ```
pub struct Validator {
    compiled: Compiled,
    options: Options,
    info: RegistryInfo,
    keys: Arc<[Arc<str>]>,
}

impl Validator {
    /// A validator with default [`Options`] (content capture not declared).
    pub fn new(registry: &ResolvedRegistry) -> Self {
        Self::with_options(registry, Options::default())
    }

    /// A validator with the given options.
    pub fn with_options(registry: &ResolvedRegistry, options: Options) -> Self {
        let compiled = Compiled::new(registry);
        let keys: Arc<[Arc<str>]> = compiled.attrs.iter().map(|a| Arc::from(a.key)).collect();
        Validator {
            compiled,
            options,
            info: RegistryInfo {
                name: registry.name.clone(),
                version: registry.version.clone(),
                schema_url: registry.schema_url.clone(),
            },
            keys,
        }
    }

    /// The options.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// An empty report for this registry, to fill with [`Validator::validate_into`].
    pub fn report(&self) -> Report {
        Report::empty(
            self.info.clone(),
            self.options.capture_content,
            self.keys.clone(),
        )
    }

    /// Checks telemetry.
    pub fn validate(&self, telemetry: &Telemetry) -> Report {
        let mut report = self.report();
        self.validate_into(telemetry, &mut report);
        report
    }

    /// Checks telemetry and analyses it ([`Insights::from_telemetry`]) in one pass over each
    /// span's keys: the insights read the keys the validation resolved.
    ///
    /// ```
    /// let validator = genai_validator::Validator::new(genai_validator::embedded_registry());
    /// let options = genai_validator::InsightOptions::default();
    /// let (report, insights) =
    ///     validator.validate_with_insights(&genai_validator::Telemetry::new(), &options);
    /// assert!(!report.has_violations());
    /// assert_eq!(insights.requests, 0);
    /// ```
    pub fn validate_with_insights(
        &self,
        telemetry: &Telemetry,
        options: &InsightOptions,
    ) -> (Report, Insights) {
        /// Keeps each span's keys, in span order.
        struct Keys(Vec<SpanKeys>);
        impl Observer for Keys {
            fn wants_keys(&self) -> bool {
                true
            }
            fn span(
                &mut self,
                span: &Span,
                _: Option<&'static str>,
                _: &[Finding],
                keys: Option<&SpanKeys>,
            ) {
                self.0
                    .push(keys.copied().unwrap_or_else(|| SpanKeys::of(span)));
            }
        }
        let mut report = self.report();
        let mut keys = Keys(Vec::with_capacity(telemetry.spans.len()));
        self.run(telemetry, &mut report, &ReportLimits::UNBOUNDED, &mut keys);
        let mut builder = InsightsBuilder::new(options.clone());
        builder.add_telemetry_keyed(telemetry, &keys.0);
        (report, builder.finish())
    }

    /// Checks telemetry, adding to `report` (for streams: call it per request). Every item
    /// is listed; a [`Session`](crate::Session) bounds the listing and assembles traces.
    pub fn validate_into(&self, telemetry: &Telemetry, report: &mut Report) {
        self.run(telemetry, report, &ReportLimits::UNBOUNDED, &mut ());
    }

    /// The engine: checks every item, applies the finding policy, tells `observer`, counts
    /// and lists within `limits`.
    pub(crate) fn run(
        &self,
        telemetry: &Telemetry,
        report: &mut Report,
        limits: &ReportLimits,
        observer: &mut dyn Observer,
    ) {
        let mut checker = Checker::new(&self.compiled, &self.options);
        checker.want_keys = observer.wants_keys();
        let policy = &self.options.findings;
        // Findings are collected in one reused buffer, then copied out at their exact size.
        let mut scratch = Vec::with_capacity(64);
        // Room for what will be listed, so the lists do not grow (and copy) item by item.
        let room = limits.max_items.saturating_sub(report.listed());
        report.spans.reserve(telemetry.spans.len().min(room));
        report.logs.reserve(telemetry.logs.len().min(room));
        report.metrics.reserve(telemetry.metrics.len().min(room));
        for span in &telemetry.spans {
            scratch.clear();
            let def = checker.span(span, &mut report.seen, &mut scratch);
            policy.apply(&mut scratch);
            let def = def.map(|d| self.compiled.defs[d as usize].id);
            let keys = checker.want_keys.then_some(&checker.keys);
            observer.span(span, def, &scratch, keys);
            if report.listed() >= limits.max_items {
                report.record_unlisted(ItemSignal::Span, &scratch);
                continue;
            }
            // Not `mem::take`: the buffer keeps its capacity, the copy gets the exact size.
            #[allow(clippy::drain_collect)]
            let findings: Vec<Finding> = scratch.drain(..).collect();
            report.record(
                ItemReport {
                    signal: ItemSignal::Span,
                    name: span.name.clone(),
                    kind: Some(span.kind),
                    trace_id: Some(span.trace_id),
                    span_id: Some(span.span_id),
                    parent_span_id: span.parent_span_id,
                    definition: def.map(Text::from_static),
                    origin: span.origin.clone(),
                    findings,
                    findings_not_listed: 0,
                },
                limits,
            );
        }
        for log in &telemetry.logs {
            scratch.clear();
            let def = checker.log(log, &mut report.seen, &mut scratch);
            policy.apply(&mut scratch);
            let def = def.map(|d| self.compiled.defs[d as usize].id);
            observer.log(log, def, &scratch);
            if report.listed() >= limits.max_items {
                report.record_unlisted(ItemSignal::Log, &scratch);
                continue;
            }
            #[allow(clippy::drain_collect)]
            let findings: Vec<Finding> = scratch.drain(..).collect();
            report.record(
                ItemReport {
                    signal: ItemSignal::Log,
                    name: log.event_name.clone().unwrap_or_default(),
                    kind: None,
                    trace_id: log.trace_id,
                    span_id: log.span_id,
                    parent_span_id: None,
                    definition: def.map(Text::from_static),
                    origin: log.origin.clone(),
                    findings,
                    findings_not_listed: 0,
                },
                limits,
            );
        }
        for metric in &telemetry.metrics {
            scratch.clear();
            let def = checker.metric(metric, &mut report.seen, &mut scratch);
            policy.apply(&mut scratch);
            let def = def.map(|d| self.compiled.defs[d as usize].id);
            observer.metric(metric, def, &scratch);
            if report.listed() >= limits.max_items {
                report.record_unlisted(ItemSignal::Metric, &scratch);
                continue;
            }
            #[allow(clippy::drain_collect)]
            let findings: Vec<Finding> = scratch.drain(..).collect();
            report.record(
                ItemReport {
                    signal: ItemSignal::Metric,
                    name: metric.name.clone(),
                    kind: None,
                    trace_id: None,
                    span_id: None,
                    parent_span_id: None,
                    definition: def.map(Text::from_static),
                    origin: metric.origin.clone(),
                    findings,
                    findings_not_listed: 0,
                },
                limits,
            );
        }
    }

    /// Checks one span: the definition it matched and the findings.
    pub fn check_span(&self, span: &Span) -> (Option<&str>, Vec<Finding>) {
        let mut checker = Checker::new(&self.compiled, &self.options);
        let mut seen = vec![false; self.keys.len()];
        let mut findings = Vec::new();
        let def = checker.span(span, &mut seen, &mut findings);
        self.options.findings.apply(&mut findings);
        (def.map(|d| self.compiled.defs[d as usize].id), findings)
    }

    /// Span definitions by operation name, as derived from the registry (for documentation and
    /// debugging): `(operation, definition ids)`, plus `("*", ...)` for the catch-all.
    pub fn span_matching_table(&self) -> Vec<(String, Vec<String>)> {
        let name = |d: &u32| self.compiled.defs[*d as usize].id.to_string();
        let mut out: Vec<(String, Vec<String>)> = self
            .compiled
            .spans
            .by_operation
            .iter()
            .map(|(op, defs)| (op.to_string(), defs.iter().map(name).collect()))
            .collect();
        out.sort();
        out.push((
            "*".into(),
            self.compiled.spans.catch_all.iter().map(name).collect(),
        ));
        for (attr, defs) in &self.compiled.spans.by_attribute {
            let key = &self.compiled.attrs[*attr as usize].key;
            out.push((format!("{key}=*"), defs.iter().map(name).collect()));
        }
        let mut refinements: Vec<(String, Vec<String>)> = self
            .compiled
            .spans
            .refinements
            .iter()
            .map(|(base, list)| {
                (
                    format!("{} + provider", name(base)),
                    list.iter()
                        .map(|(p, d)| format!("{p}: {}", name(d)))
                        .collect(),
                )
            })
            .collect();
        refinements.sort();
        out.extend(refinements);
        out
    }
}
