//! What insights read from one span, gathered in one pass over its attributes.

use genai_pricing::Usage;

use crate::compiled::same_str;
use crate::telemetry::{Span, Value};

/// Operations that call a model (counted as LLM calls).
pub(crate) const INFERENCE_OPERATIONS: &[&str] = &["chat", "text_completion", "generate_content"];

/// What kind of GenAI span this is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `chat`, `text_completion`, `generate_content`.
    Inference,
    /// `invoke_agent`.
    Agent,
    /// `execute_tool`.
    Tool,
    /// Any other operation, or none.
    #[default]
    Other,
}

/// The attributes of one span that insights use.
#[derive(Debug, Default)]
pub(crate) struct Facts<'s> {
    pub op: Option<&'s str>,
    /// The kind `op` makes the span (read once).
    kind: Kind,
    pub provider: Option<&'s str>,
    pub response_model: Option<&'s str>,
    pub request_model: Option<&'s str>,
    pub agent_name: Option<&'s str>,
    pub tool_name: Option<&'s str>,
    pub tool_arguments: Option<&'s Value>,
    pub usage: Usage,
    pub has_usage: bool,
    pub error_type: Option<&'s str>,
    pub http_status: Option<i64>,
    pub time_to_first_chunk: Option<f64>,
}

fn count(v: &Value) -> Option<u64> {
    match v {
        Value::I64(i) => u64::try_from(*i).ok(),
        Value::F64(f) if *f >= 0.0 && f.is_finite() => Some(*f as u64),
        Value::String(s) => s.as_str().parse().ok(),
        _ => None,
    }
}

/// The `gen_ai.*` attributes insights read, by the key's rest after `gen_ai.`.
#[derive(Clone, Copy)]
enum Slot {
    Operation,
    Provider,
    System,
    ResponseModel,
    RequestModel,
    AgentName,
    ToolName,
    ToolArguments,
    Input,
    Output,
    CacheRead,
    CacheWrite,
    Reasoning,
    TimeToFirstChunk,
}

impl Slot {
    /// The slot of `rest` (a key without its `gen_ai.` prefix). The length, the first byte and
    /// the seventh pick at most one candidate, so a key is compared with at most one name,
    /// and most keys insights do not read with none.
    fn of(rest: &str) -> Option<Slot> {
        let b = rest.as_bytes();
        let (name, slot) = match (b.len(), b.first()?, b.get(6).copied().unwrap_or(0)) {
            (6, b's', _) => ("system", Slot::System),
            (9, b't', _) => ("tool.name", Slot::ToolName),
            (10, b'a', _) => ("agent.name", Slot::AgentName),
            (13, b'p', _) => ("provider.name", Slot::Provider),
            (13, b'r', _) => ("request.model", Slot::RequestModel),
            (14, b'o', _) => ("operation.name", Slot::Operation),
            (14, b'r', _) => ("response.model", Slot::ResponseModel),
            (18, b'u', _) => ("usage.input_tokens", Slot::Input),
            (19, b'u', b'o') => ("usage.output_tokens", Slot::Output),
            (19, b'u', b'p') => ("usage.prompt_tokens", Slot::Input),
            (19, b't', _) => ("tool.call.arguments", Slot::ToolArguments),
            (23, b'u', _) => ("usage.completion_tokens", Slot::Output),
            (28, b'r', _) => ("response.time_to_first_chunk", Slot::TimeToFirstChunk),
            (29, b'u', b'c') => ("usage.cache_read.input_tokens", Slot::CacheRead),
            (29, b'u', b'r') => ("usage.reasoning.output_tokens", Slot::Reasoning),
            (33, b'u', _) => ("usage.cache_creation.input_tokens", Slot::CacheWrite),
            _ => return None,
        };
        same_str(rest, name).then_some(slot)
    }
}

impl<'s> Facts<'s> {
    /// Reads the facts of `span`.
    pub fn of(span: &'s Span) -> Self {
        let mut f = Facts::default();
        for (k, v) in span.attributes.iter() {
            let k = k.as_str();
            let Some(rest) = k
                .get(..7)
                .filter(|p| same_str(p, "gen_ai."))
                .map(|_| &k[7..])
            else {
                if same_str(k, "error.type") {
                    f.error_type = v.as_str();
                } else if same_str(k, "http.response.status_code") {
                    f.http_status = v.as_i64().or_else(|| v.as_str()?.parse().ok());
                }
                continue;
            };
            let Some(slot) = Slot::of(rest) else {
                continue;
            };
            let mut usage = |slot: fn(&mut Usage) -> &mut u64| {
                if let Some(n) = count(v) {
                    *slot(&mut f.usage) = n;
                    f.has_usage = true;
                }
            };
            match slot {
                Slot::Operation => f.op = v.as_str(),
                Slot::Provider => f.provider = v.as_str(),
                Slot::System => {
                    if f.provider.is_none() {
                        f.provider = v.as_str()
                    }
                }
                Slot::ResponseModel => f.response_model = v.as_str(),
                Slot::RequestModel => f.request_model = v.as_str(),
                Slot::AgentName => f.agent_name = v.as_str(),
                Slot::ToolName => f.tool_name = v.as_str(),
                Slot::ToolArguments => f.tool_arguments = Some(v),
                Slot::Input => usage(|u| &mut u.input),
                Slot::Output => usage(|u| &mut u.output),
                Slot::CacheRead => usage(|u| &mut u.cache_read),
                Slot::CacheWrite => usage(|u| &mut u.cache_write),
                Slot::Reasoning => usage(|u| &mut u.reasoning),
                Slot::TimeToFirstChunk => f.time_to_first_chunk = v.as_f64(),
            }
        }
        f.kind = match f.op {
            Some(op) if INFERENCE_OPERATIONS.iter().any(|o| same_str(o, op)) => Kind::Inference,
            Some(op) if same_str(op, "invoke_agent") => Kind::Agent,
            Some(op) if same_str(op, "execute_tool") => Kind::Tool,
            _ => Kind::Other,
        };
        f
    }

    /// The kind of span.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The model as the response names it, else as requested.
    pub fn model(&self) -> Option<&'s str> {
        self.response_model.or(self.request_model)
    }

    /// Whether the span failed: status Error or `error.type` set.
    pub fn failed(&self, span: &Span) -> bool {
        span.status.is_error() || self.error_type.is_some()
    }

    /// Whether the failure is a rate limit: HTTP 429, or an `error.type` naming a rate limit.
    pub fn rate_limited(&self) -> bool {
        if self.http_status == Some(429) {
            return true;
        }
        self.error_type.is_some_and(|t| {
            let t = t.to_ascii_lowercase();
            t == "429"
                || t.contains("ratelimit")
                || t.contains("rate_limit")
                || t.contains("rate limit")
                || t.contains("too_many_requests")
                || t.contains("toomanyrequests")
                || t.contains("throttl")
                || t.contains("resource_exhausted")
        })
    }
}

/// The span's duration in seconds (0 when the times are inverted or missing).
pub(crate) fn seconds(span: &Span) -> f64 {
    span.end_time_unix_nano
        .saturating_sub(span.start_time_unix_nano) as f64
        / 1e9
}

/// `service.name` of the span's resource.
pub(crate) fn service(span: &Span) -> Option<&str> {
    span.resource.attributes.get("service.name")?.as_str()
}
