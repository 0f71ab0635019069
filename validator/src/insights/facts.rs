//! What insights read from one span, gathered in one pass over its attributes.

use genai_pricing::Usage;

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

impl<'s> Facts<'s> {
    /// Reads the facts of `span`.
    pub fn of(span: &'s Span) -> Self {
        let mut f = Facts::default();
        for (k, v) in span.attributes.iter() {
            let k = k.as_str();
            let Some(rest) = k.strip_prefix("gen_ai.") else {
                match k {
                    "error.type" => f.error_type = v.as_str(),
                    "http.response.status_code" => {
                        f.http_status = v.as_i64().or_else(|| v.as_str()?.parse().ok())
                    }
                    _ => {}
                }
                continue;
            };
            let mut usage = |slot: fn(&mut Usage) -> &mut u64| {
                if let Some(n) = count(v) {
                    *slot(&mut f.usage) = n;
                    f.has_usage = true;
                }
            };
            match rest {
                "operation.name" => f.op = v.as_str(),
                "provider.name" => f.provider = v.as_str(),
                "system" if f.provider.is_none() => f.provider = v.as_str(),
                "response.model" => f.response_model = v.as_str(),
                "request.model" => f.request_model = v.as_str(),
                "agent.name" => f.agent_name = v.as_str(),
                "tool.name" => f.tool_name = v.as_str(),
                "tool.call.arguments" => f.tool_arguments = Some(v),
                "usage.input_tokens" | "usage.prompt_tokens" => usage(|u| &mut u.input),
                "usage.output_tokens" | "usage.completion_tokens" => usage(|u| &mut u.output),
                "usage.cache_read.input_tokens" => usage(|u| &mut u.cache_read),
                "usage.cache_creation.input_tokens" => usage(|u| &mut u.cache_write),
                "usage.reasoning.output_tokens" => usage(|u| &mut u.reasoning),
                "response.time_to_first_chunk" => f.time_to_first_chunk = v.as_f64(),
                _ => {}
            }
        }
        f.kind = match f.op {
            Some(op) if INFERENCE_OPERATIONS.contains(&op) => Kind::Inference,
            Some("invoke_agent") => Kind::Agent,
            Some("execute_tool") => Kind::Tool,
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
