//! Legacy conventions seen in the wild, with their current replacements.
//!
//! The registry only knows current keys, so this small table is kept by hand. Each entry is a
//! key or a key prefix (ending in `.`); `content` marks keys that carry message content (a
//! privacy concern, like the opt-in attributes that replaced them). The events those
//! conventions defined (`gen_ai.user.message`, `gen_ai.choice`, ...) are listed apart.

use crate::telemetry::Value;

/// A legacy key or prefix.
pub(crate) struct Legacy {
    /// The key, or a prefix ending in `.`.
    pub pattern: &'static str,
    /// What replaces it, if anything.
    pub replacement: Option<&'static str>,
    /// Whether it carries message content.
    pub content: bool,
    /// Which convention it comes from.
    pub origin: &'static str,
}

const fn l(
    pattern: &'static str,
    replacement: Option<&'static str>,
    content: bool,
    origin: &'static str,
) -> Legacy {
    Legacy {
        pattern,
        replacement,
        content,
        origin,
    }
}

const OLD_GENAI: &str = "earlier GenAI semantic conventions";
const OPENINFERENCE: &str = "OpenInference";
const OPENLLMETRY: &str = "OpenLLMetry";

/// The table, most specific first.
pub(crate) const LEGACY: &[Legacy] = &[
    l(
        "gen_ai.system",
        Some("gen_ai.provider.name"),
        false,
        OLD_GENAI,
    ),
    l(
        "gen_ai.prompt",
        Some("gen_ai.input.messages"),
        true,
        OLD_GENAI,
    ),
    l(
        "gen_ai.completion",
        Some("gen_ai.output.messages"),
        true,
        OLD_GENAI,
    ),
    l(
        "gen_ai.completion.",
        Some("gen_ai.output.messages"),
        true,
        OLD_GENAI,
    ),
    l(
        "gen_ai.usage.prompt_tokens",
        Some("gen_ai.usage.input_tokens"),
        false,
        OLD_GENAI,
    ),
    l(
        "gen_ai.usage.completion_tokens",
        Some("gen_ai.usage.output_tokens"),
        false,
        OLD_GENAI,
    ),
    l(
        "gen_ai.openai.request.service_tier",
        Some("openai.request.service_tier"),
        false,
        OLD_GENAI,
    ),
    l(
        "gen_ai.openai.response.service_tier",
        Some("openai.response.service_tier"),
        false,
        OLD_GENAI,
    ),
    l(
        "gen_ai.openai.response.system_fingerprint",
        Some("openai.response.system_fingerprint"),
        false,
        OLD_GENAI,
    ),
    l(
        "gen_ai.openai.request.response_format",
        Some("gen_ai.output.type"),
        false,
        OLD_GENAI,
    ),
    l(
        "gen_ai.openai.request.seed",
        Some("gen_ai.request.seed"),
        false,
        OLD_GENAI,
    ),
    l("gen_ai.agent.type", None, false, OLD_GENAI),
    l(
        "llm.model_name",
        Some("gen_ai.request.model"),
        false,
        OPENINFERENCE,
    ),
    l(
        "llm.provider",
        Some("gen_ai.provider.name"),
        false,
        OPENINFERENCE,
    ),
    l(
        "llm.system",
        Some("gen_ai.provider.name"),
        false,
        OPENINFERENCE,
    ),
    l(
        "llm.token_count.prompt",
        Some("gen_ai.usage.input_tokens"),
        false,
        OPENINFERENCE,
    ),
    l(
        "llm.token_count.completion",
        Some("gen_ai.usage.output_tokens"),
        false,
        OPENINFERENCE,
    ),
    l(
        "llm.input_messages",
        Some("gen_ai.input.messages"),
        true,
        OPENINFERENCE,
    ),
    l(
        "llm.input_messages.",
        Some("gen_ai.input.messages"),
        true,
        OPENINFERENCE,
    ),
    l(
        "llm.output_messages",
        Some("gen_ai.output.messages"),
        true,
        OPENINFERENCE,
    ),
    l(
        "llm.output_messages.",
        Some("gen_ai.output.messages"),
        true,
        OPENINFERENCE,
    ),
    l(
        "llm.prompts",
        Some("gen_ai.input.messages"),
        true,
        OPENLLMETRY,
    ),
    l(
        "llm.tools.",
        Some("gen_ai.tool.definitions"),
        true,
        OPENINFERENCE,
    ),
    l(
        "llm.request.type",
        Some("gen_ai.operation.name"),
        false,
        OPENLLMETRY,
    ),
    l(
        "llm.request.max_tokens",
        Some("gen_ai.request.max_tokens"),
        false,
        OPENLLMETRY,
    ),
    l("llm.usage.total_tokens", None, false, OPENLLMETRY),
    l(
        "llm.invocation_parameters",
        Some("gen_ai.request.*"),
        false,
        OPENINFERENCE,
    ),
    l("llm.", None, false, "OpenInference/OpenLLMetry"),
    l(
        "input.value",
        Some("gen_ai.input.messages"),
        true,
        OPENINFERENCE,
    ),
    l(
        "output.value",
        Some("gen_ai.output.messages"),
        true,
        OPENINFERENCE,
    ),
    l("tool.name", Some("gen_ai.tool.name"), false, OPENINFERENCE),
    l(
        "tool.parameters",
        Some("gen_ai.tool.call.arguments"),
        true,
        OPENINFERENCE,
    ),
    l(
        "openinference.span.kind",
        Some("gen_ai.operation.name"),
        false,
        OPENINFERENCE,
    ),
    l("openinference.", None, false, OPENINFERENCE),
    l("traceloop.", None, false, OPENLLMETRY),
];

/// The legacy entry for `key`, if it is one. `gen_ai.prompt.<n>...` (indexed prompts) is
/// legacy; `gen_ai.prompt.name`, `.version`, `.variable.*` are current and are not.
pub(crate) fn lookup(key: &str) -> Option<&'static Legacy> {
    if let Some(rest) = key.strip_prefix("gen_ai.prompt.")
        && rest.starts_with(|c: char| c.is_ascii_digit())
    {
        return LEGACY.iter().find(|l| l.pattern == "gen_ai.prompt");
    }
    LEGACY.iter().find(|l| {
        if l.pattern.ends_with('.') {
            key.starts_with(l.pattern)
        } else {
            key == l.pattern
        }
    })
}

/// Where the messages of a legacy event go now, besides its span attribute.
const DETAILS_EVENT: &str = "the `gen_ai.client.inference.operation.details` event";

/// Events of the earlier GenAI semantic conventions (deprecated since v1.37.0), with the span
/// attribute that records the same thing now (the details event records it too).
const LEGACY_EVENTS: &[(&str, &str)] = &[
    ("gen_ai.system.message", "gen_ai.system_instructions"),
    ("gen_ai.user.message", "gen_ai.input.messages"),
    ("gen_ai.assistant.message", "gen_ai.input.messages"),
    ("gen_ai.tool.message", "gen_ai.input.messages"),
    ("gen_ai.choice", "gen_ai.output.messages"),
];

/// What replaced `name`, when it is the name of a legacy event.
pub(crate) fn event_replacement(name: &str) -> Option<String> {
    LEGACY_EVENTS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, attribute)| format!("`{attribute}` on the inference span, or {DETAILS_EVENT}"))
}

/// Whether a legacy event's body carries message content: a non-empty `content` or tool-call
/// `arguments` field anywhere in it (the messages of those events put their text there).
pub(crate) fn body_carries_content(body: &Value) -> bool {
    fn walk(v: &Value, depth: usize) -> bool {
        if depth > 8 {
            return false;
        }
        match v {
            Value::KvList(fields) => fields.iter().any(|(k, v)| {
                let content = matches!(k.as_str(), "content" | "arguments")
                    && !matches!(v, Value::Empty)
                    && v.as_str().is_none_or(|s| !s.is_empty());
                content || walk(v, depth + 1)
            }),
            Value::Array(items) => items.iter().any(|i| walk(i, depth + 1)),
            _ => false,
        }
    }
    walk(body, 0)
}

/// Whether a key hints at GenAI telemetry (for `missing_operation_name`).
pub(crate) fn looks_genai(key: &str) -> bool {
    key.starts_with("gen_ai.") || key.starts_with("llm.") || key.starts_with("openinference.")
}
