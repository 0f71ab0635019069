//! Limits whose crossing is a violation (the alerting part of insights).

use serde::Deserialize;

/// Identical tool calls one agent invocation may make before it is a suspected loop
/// (reported as an improvement when no limit is set: three identical calls are a loop).
pub const DEFAULT_REPEATED_TOOL_CALLS: u64 = 2;
/// Default agent nesting depth beyond which nesting is reported (improvement).
pub const DEFAULT_MAX_AGENT_DEPTH: u64 = 5;

/// Limits per request (trace), per agent invocation and per tool. Each one set makes its
/// crossing (a figure above the limit) a finding at level violation; unset limits report
/// nothing, except the built-in loop (more than 2 identical calls) and nesting (deeper than 5)
/// detection, reported as improvements.
///
/// Also read from the `thresholds:` section of a config file (same field names).
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    /// Most LLM calls (chat, text_completion, generate_content) one request may make.
    #[serde(default)]
    pub max_llm_calls_per_request: Option<u64>,
    /// Most LLM calls one `invoke_agent` may make itself.
    #[serde(default)]
    pub max_llm_calls_per_agent: Option<u64>,
    /// Most tokens (input + output) one request may use.
    #[serde(default)]
    pub max_tokens_per_request: Option<u64>,
    /// Most USD one request may cost.
    #[serde(default)]
    pub max_cost_per_request: Option<f64>,
    /// Highest share of failed calls of a tool, in `[0, 1]`.
    #[serde(default)]
    pub max_tool_error_rate: Option<f64>,
    /// Most identical calls of one tool (same arguments; without captured arguments, the same
    /// tool consecutively) in one agent invocation (a violation when set; more than 2 reported
    /// as an improvement otherwise).
    #[serde(default)]
    pub max_repeated_tool_calls: Option<u64>,
    /// Deepest allowed nesting of agent invocations (a violation when set; 5 reported as an
    /// improvement otherwise).
    #[serde(default)]
    pub max_agent_depth: Option<u64>,
}

impl Thresholds {
    /// Whether no limit is set.
    pub fn is_empty(&self) -> bool {
        *self == Thresholds::default()
    }
}
