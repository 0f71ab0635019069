//! Insight findings: loops, waste, budgets crossed, metrics contradicting spans.

use std::fmt;

use genai_pricing::Usage;
use serde::Serialize;

use crate::finding::Level;
use crate::telemetry::{SpanId, TraceId};

macro_rules! insight_ids {
    ($($(#[doc = $doc:literal])* $variant:ident => $name:literal,)*) => {
        /// The stable id of an insight finding.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum InsightId {
            $($(#[doc = $doc])* $variant,)*
        }

        impl InsightId {
            /// Every id, in declaration order.
            pub const ALL: &'static [InsightId] = &[$(InsightId::$variant,)*];

            /// The id as written in reports.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(InsightId::$variant => $name,)*
                }
            }
        }
    };
}

insight_ids! {
    /// The same tool called with the same arguments (or, without captured arguments, the same
    /// tool consecutively) at least the repeat limit's times in one agent invocation.
    LoopSuspected => "loop_suspected",
    /// A request (trace) made more LLM calls than `--max-llm-calls-per-request`.
    LlmCallBudgetExceeded => "llm_call_budget_exceeded",
    /// One `invoke_agent` made more LLM calls than `--max-llm-calls-per-agent`.
    AgentLlmCallBudgetExceeded => "agent_llm_call_budget_exceeded",
    /// A request used more tokens (input + output) than `--max-tokens-per-request`.
    TokenBudgetExceeded => "token_budget_exceeded",
    /// A request cost more than `--max-cost-per-request` (USD).
    CostBudgetExceeded => "cost_budget_exceeded",
    /// A tool failed more often than `--max-tool-error-rate`.
    ToolErrorRateExceeded => "tool_error_rate_exceeded",
    /// Agent invocations nested deeper than `--max-agent-depth`.
    AgentNestingTooDeep => "agent_nesting_too_deep",
    /// A metric contradicts the spans it describes.
    MetricSpanMismatch => "metric_span_mismatch",
    /// A model has no price in the table: its tokens are counted apart, not as free.
    UnpricedModel => "unpriced_model",
}

impl fmt::Display for InsightId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for InsightId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One insight finding.
#[derive(Clone, Debug, PartialEq)]
pub struct InsightFinding {
    /// The rule.
    pub id: InsightId,
    /// Violation when a configured threshold was crossed; improvement for the built-in loop
    /// and nesting detection; information for unpriced models.
    pub level: Level,
    /// The trace (request) it is about, if about one.
    pub trace_id: Option<TraceId>,
    /// The spans involved.
    pub spans: Vec<SpanId>,
    /// What happened, in one sentence (telemetry text in it is quoted).
    pub message: String,
    /// Tokens the spans involved used (for loops: the LLM calls between the first and the last
    /// repeated call).
    pub usage: Usage,
    /// What those tokens cost, in USD, when priced.
    pub cost_usd: Option<f64>,
}

impl fmt::Display for InsightFinding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] {}: {}", self.level, self.id, self.message)
    }
}
