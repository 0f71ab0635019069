//! What insights read from one span, gathered in one pass over its attributes.

use genai_pricing::Usage;

use crate::compiled::AttrId;
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

/// The attributes insights read, one slot each (the older usage keys share the slots of
/// the current ones).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Slot {
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
    ErrorType,
    HttpStatus,
}

/// What a registry attribute is to insights, for [`SpanKeys::note`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SlotOf {
    /// Nothing they read.
    Nothing,
    /// The attribute of this slot.
    Slot(Slot),
    /// A template: the keys it covers are read by their text.
    Text,
}

impl SlotOf {
    /// What the registry attribute `key` (a template or not) is to insights.
    pub(crate) fn attribute(key: &str, template: bool) -> Self {
        match (template, Slot::of_key(key)) {
            (true, _) => SlotOf::Text,
            (false, Some(slot)) => SlotOf::Slot(slot),
            (false, None) => SlotOf::Nothing,
        }
    }
}

/// Number of [`Slot`]s.
const SLOTS: usize = Slot::HttpStatus as usize + 1;

impl Slot {
    /// The slot of an attribute key, when insights read it.
    pub(crate) fn of_key(k: &str) -> Option<Slot> {
        match k.get(..7).filter(|p| same_str(p, "gen_ai.")) {
            Some(_) => Slot::of_gen_ai(&k[7..]),
            None if same_str(k, "error.type") => Some(Slot::ErrorType),
            None if same_str(k, "http.response.status_code") => Some(Slot::HttpStatus),
            None => None,
        }
    }

    /// The slot of `rest` (a key without its `gen_ai.` prefix). The length, the first byte and
    /// the seventh pick at most one candidate, so a key is compared with at most one name,
    /// and most keys insights do not read with none.
    fn of_gen_ai(rest: &str) -> Option<Slot> {
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

/// Where, in a span's attributes, the ones insights read are: found by their keys' text, or
/// from the keys the validator resolved while checking the span (so a session that validates
/// and analyses reads each key once). A key set twice counts where it is set last; a token
/// count where it is last set to a count (a later value that is not one does not hide it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SpanKeys {
    at: [u32; SLOTS],
}

impl Default for SpanKeys {
    /// No key insights read.
    fn default() -> Self {
        Self::EMPTY
    }
}

impl SpanKeys {
    const NONE: u32 = u32::MAX;
    const EMPTY: SpanKeys = SpanKeys {
        at: [Self::NONE; SLOTS],
    };

    /// The keys of `span`, by their text.
    pub(crate) fn of(span: &Span) -> Self {
        let mut keys = Self::EMPTY;
        for (i, (k, v)) in span.attributes.iter().enumerate() {
            if let Some(slot) = Slot::of_key(k.as_str()) {
                keys.set(slot, i, v);
            }
        }
        keys
    }

    /// Notes attribute `i`, `(key, value)`, resolved to the registry attribute `id`, given the
    /// slot of each registry attribute (`slots`): a key the registry does not define, or
    /// defines by a template, is read by its text.
    #[inline]
    pub(crate) fn note(
        &mut self,
        i: usize,
        (key, value): (&str, &Value),
        id: Option<AttrId>,
        slots: &[SlotOf],
    ) {
        let slot = match id.and_then(|id| slots.get(id as usize)) {
            Some(SlotOf::Nothing) => return,
            Some(SlotOf::Slot(slot)) => *slot,
            Some(SlotOf::Text) | None => match Slot::of_key(key) {
                Some(slot) => slot,
                None => return,
            },
        };
        self.set(slot, i, value);
    }

    /// Attribute `i`, of value `v`, is `slot`'s (a token count only when `v` is a count).
    #[inline]
    fn set(&mut self, slot: Slot, i: usize, v: &Value) {
        let usage = matches!(
            slot,
            Slot::Input | Slot::Output | Slot::CacheRead | Slot::CacheWrite | Slot::Reasoning
        );
        if usage && count(v).is_none() {
            return;
        }
        if let Ok(i) = u32::try_from(i) {
            self.at[slot as usize] = i;
        }
    }

    /// The value of `slot` in `span` (whose keys these are).
    #[inline]
    fn value<'s>(&self, span: &'s Span, slot: Slot) -> Option<&'s Value> {
        match self.at[slot as usize] {
            Self::NONE => None,
            i => span.attributes.0.get(i as usize).map(|(_, v)| v),
        }
    }
}

impl<'s> Facts<'s> {
    /// Reads the facts of `span`.
    pub fn of(span: &'s Span) -> Self {
        Self::at(span, &SpanKeys::of(span))
    }

    /// Reads the facts of `span`, whose keys insights read are `keys`.
    pub fn at(span: &'s Span, keys: &SpanKeys) -> Self {
        let get = |slot| keys.value(span, slot);
        let text = |slot| get(slot).and_then(Value::as_str);
        let mut f = Facts {
            op: text(Slot::Operation),
            kind: Kind::Other,
            provider: text(Slot::Provider).or_else(|| text(Slot::System)),
            response_model: text(Slot::ResponseModel),
            request_model: text(Slot::RequestModel),
            agent_name: text(Slot::AgentName),
            tool_name: text(Slot::ToolName),
            tool_arguments: get(Slot::ToolArguments),
            usage: Usage::default(),
            has_usage: false,
            error_type: text(Slot::ErrorType),
            http_status: get(Slot::HttpStatus)
                .and_then(|v| v.as_i64().or_else(|| v.as_str()?.parse().ok())),
            time_to_first_chunk: get(Slot::TimeToFirstChunk).and_then(Value::as_f64),
        };
        for (slot, n) in [
            (Slot::Input, &mut f.usage.input),
            (Slot::Output, &mut f.usage.output),
            (Slot::CacheRead, &mut f.usage.cache_read),
            (Slot::CacheWrite, &mut f.usage.cache_write),
            (Slot::Reasoning, &mut f.usage.reasoning),
        ] {
            if let Some(c) = get(slot).and_then(count) {
                *n = c;
                f.has_usage = true;
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
