//! Captured message content (`gen_ai.input.messages`, `gen_ai.output.messages`,
//! `gen_ai.system_instructions`) as a readable conversation: roles, text, tool calls and results.
//!
//! The values are hostile input: they are parsed as JSON (or taken as the structured OTLP value
//! they are), bounded in count and length, and only ever shown as text.

use genai_validator::telemetry::{Attributes, Value};
use serde::Serialize;

use crate::text::{clip, value_to_json};

/// Messages shown per span, at most.
const MAX_MESSAGES: usize = 200;
/// Parts shown per message, at most.
const MAX_PARTS: usize = 50;

/// One message of a conversation.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Message {
    /// `system` (instructions), `input` or `output`: which attribute it came from.
    pub source: &'static str,
    /// The role (`user`, `assistant`, `tool`, `system`, ...), as sent.
    pub role: String,
    /// The parts, in order.
    pub parts: Vec<Part>,
    /// Why generation stopped (output messages), when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finish_reason: Option<String>,
}

/// One part of a message.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Part {
    /// `text`, `tool_call`, `tool_call_response`, `reasoning`, or the type as sent.
    pub kind: String,
    /// The text, the call's arguments or the tool's response (as JSON text when structured).
    pub text: String,
    /// The tool called (tool calls), when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The call id (tool calls and their responses), when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub call_id: Option<String>,
}

const SOURCES: [(&str, &str); 3] = [
    ("gen_ai.system_instructions", "system"),
    ("gen_ai.input.messages", "input"),
    ("gen_ai.output.messages", "output"),
];

/// The conversation captured in a span's (or event's) attributes; empty when none was.
pub fn from_attributes(attributes: &Attributes) -> Vec<Message> {
    let mut out = Vec::new();
    for (key, source) in SOURCES {
        let Some(value) = attributes.get(key) else {
            continue;
        };
        let json = match value {
            Value::String(s) => match serde_json::from_str::<serde_json::Value>(s.as_str()) {
                Ok(v) => v,
                Err(_) => serde_json::Value::String(s.as_str().to_owned()),
            },
            other => value_to_json(other),
        };
        messages(source, &json, &mut out);
        if out.len() >= MAX_MESSAGES {
            out.truncate(MAX_MESSAGES);
            break;
        }
    }
    out
}

fn messages(source: &'static str, json: &serde_json::Value, out: &mut Vec<Message>) {
    use serde_json::Value as J;
    match json {
        // System instructions are a list of parts, not of messages.
        J::Array(items) if source == "system" => out.push(Message {
            source,
            role: "system".into(),
            parts: items.iter().take(MAX_PARTS).map(part).collect(),
            finish_reason: None,
        }),
        J::Array(items) => {
            for m in items.iter().take(MAX_MESSAGES) {
                out.push(message(source, m));
            }
        }
        // Not the documented shape: shown as one text part rather than lost.
        other => out.push(Message {
            source,
            role: source.into(),
            parts: vec![Part {
                kind: "text".into(),
                text: clip(&json_text(other)),
                name: None,
                call_id: None,
            }],
            finish_reason: None,
        }),
    }
}

fn message(source: &'static str, m: &serde_json::Value) -> Message {
    let role = m
        .get("role")
        .and_then(|r| r.as_str())
        .unwrap_or("(no role)");
    let parts = match m.get("parts") {
        Some(serde_json::Value::Array(parts)) => parts.iter().take(MAX_PARTS).map(part).collect(),
        // Older shapes carry `content` directly.
        _ => match m.get("content") {
            Some(c) => vec![Part {
                kind: "text".into(),
                text: clip(&json_text(c)),
                name: None,
                call_id: None,
            }],
            None => Vec::new(),
        },
    };
    Message {
        source,
        role: clip(role),
        parts,
        finish_reason: m.get("finish_reason").and_then(|r| r.as_str()).map(clip),
    }
}

fn part(p: &serde_json::Value) -> Part {
    let kind = p.get("type").and_then(|t| t.as_str()).unwrap_or("text");
    let body = match kind {
        "tool_call" => p.get("arguments"),
        "tool_call_response" => p.get("response").or_else(|| p.get("result")),
        _ => p.get("content").or_else(|| p.get("text")),
    };
    Part {
        kind: clip(kind),
        text: clip(&body.map(json_text).unwrap_or_default()),
        name: p.get("name").and_then(|n| n.as_str()).map(clip),
        call_id: p.get("id").and_then(|n| n.as_str()).map(clip),
    }
}

/// A string as itself, anything else as compact JSON.
fn json_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_parts_and_tool_calls_are_read() {
        let mut attrs = Attributes::default();
        attrs.push(
            "gen_ai.input.messages",
            r#"[{"role":"user","parts":[{"type":"text","content":"Weather in Paris?"}]},
               {"role":"assistant","parts":[{"type":"tool_call","id":"c1","name":"get_weather","arguments":{"city":"Paris"}}]},
               {"role":"tool","parts":[{"type":"tool_call_response","id":"c1","response":"rainy"}]}]"#,
        );
        attrs.push(
            "gen_ai.output.messages",
            r#"[{"role":"assistant","parts":[{"type":"text","content":"Rainy."}],"finish_reason":"stop"}]"#,
        );
        attrs.push(
            "gen_ai.system_instructions",
            r#"[{"type":"text","content":"Be brief."}]"#,
        );
        let c = from_attributes(&attrs);
        assert_eq!(c.len(), 5);
        assert_eq!(c[0].role, "system");
        assert_eq!(c[0].parts[0].text, "Be brief.");
        assert_eq!(c[1].parts[0].text, "Weather in Paris?");
        assert_eq!(c[2].parts[0].kind, "tool_call");
        assert_eq!(c[2].parts[0].name.as_deref(), Some("get_weather"));
        assert_eq!(c[2].parts[0].text, r#"{"city":"Paris"}"#);
        assert_eq!(c[3].parts[0].text, "rainy");
        assert_eq!(c[4].finish_reason.as_deref(), Some("stop"));
    }

    #[test]
    fn malformed_content_is_kept_as_text() {
        let mut attrs = Attributes::default();
        attrs.push("gen_ai.input.messages", "<img src=x onerror=alert(1)>");
        let c = from_attributes(&attrs);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].parts[0].text, "<img src=x onerror=alert(1)>");
    }
}
