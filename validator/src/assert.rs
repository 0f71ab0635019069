//! The test API: [`assert_conforms`] and the [`Conformance`] builder.
//!
//! ```no_run
//! # let telemetry = genai_validator::Telemetry::new();
//! // Default: the embedded GenAI registry, content capture not declared, fail on violations.
//! genai_validator::assert_conforms(&telemetry);
//! // Options:
//! genai_validator::Conformance::new()
//!     .capture_content(true)
//!     .fail_on_improvements(true)
//!     .allow_namespace("gen_ai.acme")
//!     .ignore(genai_validator::FindingId::SpanNameMismatch)
//!     .assert(&telemetry);
//! // Everything an SDK test collected (in-memory span, log and metric exporters):
//! # let spans: Vec<opentelemetry_sdk::trace::SpanData> = vec![];
//! # let logs: Vec<opentelemetry_sdk::logs::in_memory_exporter::LogDataWithResource> = vec![];
//! # let metrics: Vec<opentelemetry_sdk::metrics::data::ResourceMetrics> = vec![];
//! let report = genai_validator::Conformance::new().check_sdk(&spans, &logs, &metrics);
//! println!("{report}");
//! // Budgets: crossing one fails the assertion too (see `insights::Thresholds`).
//! genai_validator::Conformance::new()
//!     .max_llm_calls_per_request(10)
//!     .max_cost_per_request(0.05)
//!     .assert(&telemetry);
//! ```

use std::sync::OnceLock;

use genai_registry::ResolvedRegistry;
use opentelemetry_sdk::trace::SpanData;

use opentelemetry_sdk::logs::in_memory_exporter::LogDataWithResource;
use opentelemetry_sdk::metrics::data::ResourceMetrics;

use crate::config::Config;
use crate::finding::{FindingId, Level};
use crate::insights::{InsightOptions, Insights, PriceTable, Thresholds};
use crate::options::Options;
use crate::report::Report;
use crate::telemetry::{Span, Telemetry};
use crate::validator::Validator;

/// Things that can be checked: [`Telemetry`], model spans, or SDK spans.
pub trait AsTelemetry {
    /// The telemetry to check.
    fn to_telemetry(&self) -> std::borrow::Cow<'_, Telemetry>;
}

impl AsTelemetry for Telemetry {
    fn to_telemetry(&self) -> std::borrow::Cow<'_, Telemetry> {
        std::borrow::Cow::Borrowed(self)
    }
}

impl AsTelemetry for [Span] {
    fn to_telemetry(&self) -> std::borrow::Cow<'_, Telemetry> {
        std::borrow::Cow::Owned(Telemetry {
            spans: self.to_vec(),
            ..Telemetry::default()
        })
    }
}

impl AsTelemetry for Vec<Span> {
    fn to_telemetry(&self) -> std::borrow::Cow<'_, Telemetry> {
        self.as_slice().to_telemetry()
    }
}

impl AsTelemetry for [SpanData] {
    fn to_telemetry(&self) -> std::borrow::Cow<'_, Telemetry> {
        std::borrow::Cow::Owned(Telemetry::from_sdk_spans(self.to_vec(), None))
    }
}

impl AsTelemetry for Vec<SpanData> {
    fn to_telemetry(&self) -> std::borrow::Cow<'_, Telemetry> {
        self.as_slice().to_telemetry()
    }
}

/// The embedded GenAI registry, loaded once.
///
/// # Panics
/// If the embedded registry does not load (a bug in this workspace, caught by its tests).
pub fn embedded_registry() -> &'static ResolvedRegistry {
    static REGISTRY: OnceLock<ResolvedRegistry> = OnceLock::new();
    REGISTRY.get_or_init(|| match genai_registry::embedded::load() {
        Ok(l) => l.registry,
        Err(e) => panic!("the embedded registry does not load: {e}"),
    })
}

/// Conformance assertions with options.
#[derive(Clone, Debug, Default)]
pub struct Conformance<'r> {
    registry: Option<&'r ResolvedRegistry>,
    options: Options,
    fail_on_improvements: bool,
    thresholds: Thresholds,
    prices: Option<std::sync::Arc<PriceTable>>,
}

impl<'r> Conformance<'r> {
    /// Embedded registry, capture not declared, fail on violations only.
    pub fn new() -> Self {
        Self::default()
    }

    /// Checks against another registry.
    pub fn registry(mut self, registry: &'r ResolvedRegistry) -> Self {
        self.registry = Some(registry);
        self
    }

    /// Declares that content capture is enabled (content attributes are then expected, and
    /// checked against the message formats).
    pub fn capture_content(mut self, on: bool) -> Self {
        self.options.capture_content = on;
        self
    }

    /// Fails on improvements too (missing recommended attributes, deprecated or legacy keys,
    /// span names).
    pub fn fail_on_improvements(mut self, on: bool) -> Self {
        self.fail_on_improvements = on;
        self
    }

    /// Accepts undefined keys under `namespace` (e.g. `gen_ai.acme`).
    pub fn allow_namespace(mut self, namespace: impl Into<String>) -> Self {
        self.options.allowed_namespaces.push(namespace.into());
        self
    }

    /// Accepts every undefined key.
    pub fn allow_custom_attributes(mut self, on: bool) -> Self {
        self.options.allow_custom_attributes = on;
        self
    }

    /// Does not report findings of `id` (neither listed nor counted).
    pub fn ignore(mut self, id: FindingId) -> Self {
        self.options.findings = self.options.findings.ignore(id);
        self
    }

    /// Reports findings of `id` at `level` (raise one to fail on it, lower one to tolerate it).
    pub fn level(mut self, id: FindingId, level: Level) -> Self {
        self.options.findings = self.options.findings.set_level(id, level);
        self
    }

    /// Applies the finding controls of a configuration file (see [`Config`]).
    pub fn config(mut self, config: &Config) -> Self {
        self.options.findings = config.policy();
        self
    }

    /// Checks everything an SDK test collected with the in-memory exporters: finished spans,
    /// emitted log records (events) and finished metrics.
    ///
    /// ```
    /// # use opentelemetry_sdk::trace::SpanData;
    /// # use opentelemetry_sdk::logs::in_memory_exporter::LogDataWithResource;
    /// # use opentelemetry_sdk::metrics::data::ResourceMetrics;
    /// # let (spans, logs, metrics): (Vec<SpanData>, Vec<LogDataWithResource>, Vec<ResourceMetrics>) = (vec![], vec![], vec![]);
    /// let report = genai_validator::Conformance::new().check_sdk(&spans, &logs, &metrics);
    /// assert!(!report.has_violations(), "{report}");
    /// ```
    pub fn check_sdk(
        &self,
        spans: &[SpanData],
        logs: &[LogDataWithResource],
        metrics: &[ResourceMetrics],
    ) -> Report {
        self.check(&sdk_telemetry(spans, logs, metrics))
    }

    /// [`Conformance::check_sdk`], then panics with an actionable message when the telemetry
    /// does not conform.
    #[track_caller]
    pub fn assert_sdk(
        &self,
        spans: &[SpanData],
        logs: &[LogDataWithResource],
        metrics: &[ResourceMetrics],
    ) -> Report {
        self.assert(&sdk_telemetry(spans, logs, metrics))
    }

    /// Fails when a request (trace) makes more than `n` LLM calls.
    pub fn max_llm_calls_per_request(mut self, n: u64) -> Self {
        self.thresholds.max_llm_calls_per_request = Some(n);
        self
    }

    /// Fails when one agent invocation makes more than `n` LLM calls.
    pub fn max_llm_calls_per_agent(mut self, n: u64) -> Self {
        self.thresholds.max_llm_calls_per_agent = Some(n);
        self
    }

    /// Fails when a request uses more than `n` tokens (input + output).
    pub fn max_tokens_per_request(mut self, n: u64) -> Self {
        self.thresholds.max_tokens_per_request = Some(n);
        self
    }

    /// Fails when a request costs more than `usd`.
    pub fn max_cost_per_request(mut self, usd: f64) -> Self {
        self.thresholds.max_cost_per_request = Some(usd);
        self
    }

    /// Fails when a tool fails more often than `rate` (0 to 1) of its calls.
    pub fn max_tool_error_rate(mut self, rate: f64) -> Self {
        self.thresholds.max_tool_error_rate = Some(rate);
        self
    }

    /// Fails when an agent invocation calls a tool with the same arguments more than `n` times.
    pub fn max_repeated_tool_calls(mut self, n: u64) -> Self {
        self.thresholds.max_repeated_tool_calls = Some(n);
        self
    }

    /// Fails when agent invocations nest deeper than `n`.
    pub fn max_agent_depth(mut self, n: u64) -> Self {
        self.thresholds.max_agent_depth = Some(n);
        self
    }

    /// Sets every threshold at once.
    pub fn thresholds(mut self, thresholds: Thresholds) -> Self {
        self.thresholds = thresholds;
        self
    }

    /// Prices costs with `table` instead of the embedded one.
    pub fn prices(mut self, table: PriceTable) -> Self {
        self.prices = Some(std::sync::Arc::new(table));
        self
    }

    /// The insights of `telemetry` under these thresholds and prices.
    pub fn insights<T: AsTelemetry + ?Sized>(&self, telemetry: &T) -> Insights {
        Insights::from_telemetry(&telemetry.to_telemetry(), &self.insight_options())
    }

    fn insight_options(&self) -> InsightOptions {
        let mut options = InsightOptions {
            thresholds: self.thresholds.clone(),
            ..InsightOptions::default()
        };
        if let Some(p) = &self.prices {
            options.prices = p.clone();
        }
        options
    }

    fn validator(&self) -> Validator {
        let registry: &ResolvedRegistry = match self.registry {
            Some(r) => r,
            None => embedded_registry(),
        };
        Validator::with_options(registry, self.options.clone())
    }

    /// Validates and returns the report, whatever it says.
    pub fn check<T: AsTelemetry + ?Sized>(&self, telemetry: &T) -> Report {
        self.validator().validate(&telemetry.to_telemetry())
    }

    /// Validates; `Err` holds the failure message when the telemetry does not conform.
    pub fn verify<T: AsTelemetry + ?Sized>(&self, telemetry: &T) -> Result<Report, String> {
        let telemetry = telemetry.to_telemetry();
        // With thresholds, validated and analysed in one pass over each span's keys.
        let (report, insights) = if self.thresholds.is_empty() {
            (self.validator().validate(&telemetry), None)
        } else {
            let (report, insights) = self
                .validator()
                .validate_with_insights(&telemetry, &self.insight_options());
            (report, Some(insights))
        };
        let threshold = if self.fail_on_improvements {
            Level::Improvement
        } else {
            Level::Violation
        };
        let mut message = String::new();
        if report.has_at_least(threshold) {
            message = failure_message(&report, threshold);
        }
        if let Some(insights) = insights {
            let over: Vec<String> = insights
                .findings
                .iter()
                .filter(|f| f.level == Level::Violation)
                .map(|f| format!("  - {}", crate::insights::render::finding_line(f)))
                .collect();
            if !over.is_empty() {
                message.push_str(&format!(
                    "telemetry crosses {} threshold(s) (prices: {}):\n{}\n",
                    over.len(),
                    insights.prices,
                    over.join("\n")
                ));
            }
        }
        if message.is_empty() {
            Ok(report)
        } else {
            Err(message)
        }
    }

    /// Panics with an actionable message when the telemetry does not conform.
    #[track_caller]
    pub fn assert<T: AsTelemetry + ?Sized>(&self, telemetry: &T) -> Report {
        match self.verify(telemetry) {
            Ok(r) => r,
            Err(msg) => panic!("{msg}"),
        }
    }
}

fn sdk_telemetry(
    spans: &[SpanData],
    logs: &[LogDataWithResource],
    metrics: &[ResourceMetrics],
) -> Telemetry {
    Telemetry {
        spans: crate::sdk::spans_from_sdk(spans.to_vec(), None),
        logs: crate::sdk::logs_from_sdk(
            logs.iter()
                .map(|l| (&l.record, &l.instrumentation, l.resource.as_ref())),
        ),
        metrics: crate::sdk::metrics_from_sdk(metrics),
    }
}

/// Asserts that telemetry conforms to the embedded GenAI registry (no violation, content
/// capture not declared). See [`Conformance`] for options.
#[track_caller]
pub fn assert_conforms<T: AsTelemetry + ?Sized>(telemetry: &T) -> Report {
    Conformance::new().assert(telemetry)
}

/// One line per failing finding, grouped by item, with the definition it was checked against.
fn failure_message(report: &Report, threshold: Level) -> String {
    let mut lines = Vec::new();
    let mut n = 0;
    for item in report.items() {
        let failing: Vec<_> = item
            .findings
            .iter()
            .filter(|f| f.level >= threshold)
            .collect();
        if failing.is_empty() {
            continue;
        }
        lines.push(format!(
            "{} `{}` (checked against {}):",
            item.signal.as_str(),
            item.name,
            item.definition.as_deref().unwrap_or("no definition")
        ));
        for f in failing {
            n += 1;
            lines.push(format!("  - [{}] {}: {}", f.level, f.id, f.message));
        }
    }
    format!(
        "telemetry does not conform to the {} registry ({n} finding(s) at level {} or above):\n{}\n",
        report
            .registry
            .name
            .as_deref()
            .unwrap_or("semantic-convention"),
        threshold,
        lines.join("\n")
    )
}
