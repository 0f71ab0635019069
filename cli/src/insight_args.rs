//! The insight arguments shared by `validate`, `live-check`, `insights` and `demo`: price
//! table and thresholds.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use genai_pricing::PriceTable;
use genai_validator::insights::{
    InsightOptions, Insights, InsightsBuilder, Thresholds, TraceInsight, embedded_prices,
};
use genai_validator::session::CompletedTrace;
use genai_validator::telemetry::Span;
use genai_validator::{Session, Telemetry};
use miette::miette;

/// Prices and limits of the insights.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct InsightArgs {
    /// A price table to lay over the embedded one (repeatable; later files win): this
    /// project's own shape, genai-prices `data.json` or models.dev JSON.
    #[arg(long = "prices", value_name = "FILE")]
    pub prices: Vec<PathBuf>,
    /// Use only the `--prices` files, not the embedded table.
    #[arg(long = "replace-prices", requires = "prices")]
    pub replace_prices: bool,
    /// Violation when a request (trace) makes more LLM calls than this.
    #[arg(long, value_name = "N")]
    pub max_llm_calls_per_request: Option<u64>,
    /// Violation when one agent invocation makes more LLM calls than this.
    #[arg(long, value_name = "N")]
    pub max_llm_calls_per_agent: Option<u64>,
    /// Violation when a request uses more tokens (input + output) than this.
    #[arg(long, value_name = "N")]
    pub max_tokens_per_request: Option<u64>,
    /// Violation when a request costs more than this many USD.
    #[arg(long, value_name = "USD")]
    pub max_cost_per_request: Option<f64>,
    /// Violation when a tool fails more often than this share of its calls (0 to 1).
    #[arg(long, value_name = "R")]
    pub max_tool_error_rate: Option<f64>,
    /// Violation when an agent invocation repeats a tool call (same arguments) more than N
    /// times (default: more than 2 repeats are reported as an improvement).
    #[arg(long, value_name = "N")]
    pub max_repeated_tool_calls: Option<u64>,
    /// Violation when agent invocations nest deeper than N (default: deeper than 5 is
    /// reported as an improvement).
    #[arg(long, value_name = "N")]
    pub max_agent_depth: Option<u64>,
}

impl InsightArgs {
    /// The thresholds given on the command line, over `base` (a config file's).
    pub fn thresholds(&self, base: Thresholds) -> Thresholds {
        Thresholds {
            max_llm_calls_per_request: self
                .max_llm_calls_per_request
                .or(base.max_llm_calls_per_request),
            max_llm_calls_per_agent: self
                .max_llm_calls_per_agent
                .or(base.max_llm_calls_per_agent),
            max_tokens_per_request: self.max_tokens_per_request.or(base.max_tokens_per_request),
            max_cost_per_request: self.max_cost_per_request.or(base.max_cost_per_request),
            max_tool_error_rate: self.max_tool_error_rate.or(base.max_tool_error_rate),
            max_repeated_tool_calls: self
                .max_repeated_tool_calls
                .or(base.max_repeated_tool_calls),
            max_agent_depth: self.max_agent_depth.or(base.max_agent_depth),
        }
    }

    /// The price table: the embedded one with the `--prices` files laid over it.
    pub fn price_table(&self) -> miette::Result<Arc<PriceTable>> {
        if self.prices.is_empty() {
            return Ok(embedded_prices());
        }
        let mut table = if self.replace_prices {
            None
        } else {
            Some(genai_pricing::embedded().clone())
        };
        for path in &self.prices {
            let t = PriceTable::from_file(path).map_err(|e| miette!("--prices: {e}"))?;
            match &mut table {
                Some(base) => base.extend(t),
                None => table = Some(t),
            }
        }
        Ok(Arc::new(
            table.unwrap_or_else(|| PriceTable::new("empty", None)),
        ))
    }

    /// Insight options from the arguments (and a config file's thresholds).
    pub fn options(&self, base: Thresholds) -> miette::Result<InsightOptions> {
        if let Some(r) = self.max_tool_error_rate
            && !(0.0..=1.0).contains(&r)
        {
            return Err(miette!(
                "--max-tool-error-rate must be between 0 and 1, got {r}"
            ));
        }
        Ok(InsightOptions {
            thresholds: self.thresholds(base),
            prices: self.price_table()?,
            ..InsightOptions::default()
        })
    }
}

/// Insights built from a [`Session`]'s completed traces (the session's trace sink) plus the
/// metrics of each batch: the same engine that produces the report. It also keeps the last
/// completed traces' figures, for a live view.
#[derive(Clone)]
pub struct Collector(Arc<Mutex<Collected>>);

struct Collected {
    builder: InsightsBuilder,
    /// The last [`RECENT_TRACES`] completed traces, newest last.
    recent: VecDeque<TraceInsight>,
}

/// Completed traces a [`Collector`] keeps for [`Collector::recent`].
pub const RECENT_TRACES: usize = 5;

impl Collector {
    /// A collector with `options`, attached to no session yet.
    pub fn new(options: InsightOptions) -> Self {
        Collector(Arc::new(Mutex::new(Collected {
            builder: InsightsBuilder::new(options),
            recent: VecDeque::with_capacity(RECENT_TRACES),
        })))
    }

    /// A collector with `options`, attached to `session` as its trace sink.
    pub fn attach_new(session: &mut Session<'_>, options: InsightOptions) -> Self {
        let collector = Collector::new(options);
        collector.attach(session);
        collector
    }

    fn lock(&self) -> MutexGuard<'_, Collected> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Makes this collector `session`'s trace sink (several sessions may share one, e.g. the
    /// shards of `live-check`).
    pub fn attach(&self, session: &mut Session<'_>) {
        let sink = self.clone();
        session.set_sink(move |trace: &CompletedTrace<'_>| {
            let spans: Vec<&Span> = trace.spans.iter().collect();
            let mut c = sink.lock();
            let mut insight = c.builder.add_trace_keyed(&spans, trace.keys);
            // The live view shows figures, not the per-span breakdown.
            insight.span_figures = Vec::new();
            if c.recent.len() == RECENT_TRACES {
                c.recent.pop_front();
            }
            c.recent.push_back(insight);
        });
    }

    /// Validates `telemetry` in `session` and adds its metrics to the insights.
    pub fn push(&self, session: &mut Session<'_>, telemetry: &Telemetry) {
        self.lock().builder.add_metrics(&telemetry.metrics);
        session.push(telemetry);
    }

    /// [`Collector::push`] of a batch the caller no longer needs (its spans are moved to the
    /// insights, not copied).
    pub fn push_owned(&self, session: &mut Session<'_>, telemetry: Telemetry) {
        self.lock().builder.add_metrics(&telemetry.metrics);
        session.push_owned(telemetry);
    }

    /// The last completed traces' figures, newest first.
    pub fn recent(&self) -> Vec<TraceInsight> {
        self.lock().recent.iter().rev().cloned().collect()
    }

    /// The insights, once the session has finished (its last traces delivered).
    pub fn finish(self) -> Insights {
        match Arc::try_unwrap(self.0) {
            Ok(m) => m
                .into_inner()
                .unwrap_or_else(PoisonError::into_inner)
                .builder
                .finish(),
            Err(shared) => shared
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .builder
                .snapshot()
                .clone(),
        }
    }
}
