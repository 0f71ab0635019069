//! The GenAI message-content model, in the spec's JSON shape: roles, parts (text, tool calls
//! and their responses, reasoning, any other typed part), system instructions and tool
//! definitions.
//!
//! One model for both sides: the instrumentation records these types
//! (`gen_ai.input.messages`, `gen_ai.output.messages`, `gen_ai.system_instructions`) and the
//! validator checks recorded content against the JSON Schema derived from them. The schema
//! derivation (`schemars::JsonSchema`) is behind the cargo feature `schema`, so users of the
//! instrumentation do not compile `schemars`.
//!
//! ```
//! use genai_semconv::content::{ChatMessage, Part};
//!
//! let m = ChatMessage::user("What is the weather in Paris?");
//! let json = serde_json::to_string(&m).unwrap();
//! assert_eq!(json, r#"{"role":"user","parts":[{"type":"text","content":"What is the weather in Paris?"}]}"#);
//! let call = Part::tool_call(Some("call_1"), "get_weather", serde_json::json!({"city": "Paris"}));
//! assert!(matches!(call, Part::ToolCall(_)));
//! ```

use serde::{Deserialize, Serialize};

/// Extra properties, allowed everywhere (as upstream: `additionalProperties: true`).
pub type Extra = serde_json::Map<String, serde_json::Value>;

/// `gen_ai.input.messages`: the chat history sent to the model.
pub type InputMessages = Vec<ChatMessage>;
/// `gen_ai.output.messages`: the messages (choices) the model returned.
pub type OutputMessages = Vec<OutputMessage>;
/// `gen_ai.system_instructions`: instructions sent apart from the chat history.
pub type SystemInstructions = Vec<InstructionPart>;
/// `gen_ai.tool.definitions`: the tools offered to the model.
pub type ToolDefinitions = Vec<ToolDefinition>;

/// A message of the input history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ChatMessage {
    /// `system`, `user`, `assistant`, `tool`, or another role.
    pub role: String,
    /// The content.
    pub parts: Vec<Part>,
    /// Name of the participant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Other properties.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A message (choice) the model returned.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct OutputMessage {
    /// Usually `assistant`.
    pub role: String,
    /// The content.
    pub parts: Vec<Part>,
    /// Name of the participant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Why generation stopped (`stop`, `length`, `content_filter`, `tool_call`, `error`, ...).
    pub finish_reason: String,
    /// Other properties.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A part of a message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum Part {
    /// Text.
    Text(TextPart),
    /// A tool call the model asks for.
    ToolCall(ToolCallRequestPart),
    /// The result of a tool call.
    ToolCallResponse(ToolCallResponsePart),
    /// Reasoning content.
    Reasoning(ReasoningPart),
    /// Any other part (blob, file, uri, server tool calls, compaction, custom types).
    Generic(GenericPart),
}

/// A part of system instructions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum InstructionPart {
    /// Text.
    Text(TextPart),
    /// Any other part.
    Generic(GenericPart),
}

/// `"text"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum TextTag {
    /// The tag value.
    #[serde(rename = "text")]
    Text,
}

/// `"tool_call"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum ToolCallTag {
    /// The tag value.
    #[serde(rename = "tool_call")]
    ToolCall,
}

/// `"tool_call_response"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum ToolCallResponseTag {
    /// The tag value.
    #[serde(rename = "tool_call_response")]
    ToolCallResponse,
}

/// `"reasoning"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum ReasoningTag {
    /// The tag value.
    #[serde(rename = "reasoning")]
    Reasoning,
}

/// Text content.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TextPart {
    /// Always `text`.
    #[serde(rename = "type")]
    pub kind: TextTag,
    /// The text.
    pub content: String,
    /// Other properties.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A tool call requested by the model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ToolCallRequestPart {
    /// Always `tool_call`.
    #[serde(rename = "type")]
    pub kind: ToolCallTag,
    /// Call id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Tool name.
    pub name: String,
    /// Arguments (any JSON).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arguments: Option<serde_json::Value>,
    /// Other properties.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The result of a tool call, sent back to the model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ToolCallResponsePart {
    /// Always `tool_call_response`.
    #[serde(rename = "type")]
    pub kind: ToolCallResponseTag,
    /// Call id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The result (any JSON).
    pub response: serde_json::Value,
    /// Other properties.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Reasoning content.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ReasoningPart {
    /// Always `reasoning`.
    #[serde(rename = "type")]
    pub kind: ReasoningTag,
    /// The reasoning text.
    pub content: String,
    /// Other properties.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Any part with a type.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct GenericPart {
    /// The part type.
    #[serde(rename = "type")]
    pub kind: String,
    /// Other properties.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A tool offered to the model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ToolDefinition {
    /// `function` or another tool type.
    #[serde(rename = "type")]
    pub kind: String,
    /// Tool name.
    pub name: String,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// JSON Schema of the parameters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameters: Option<serde_json::Value>,
    /// Other properties.
    #[serde(flatten)]
    pub extra: Extra,
}

// ---- constructors ---------------------------------------------------------------------------

impl ChatMessage {
    /// A message with `role` and the given parts.
    pub fn new(role: impl Into<String>, parts: Vec<Part>) -> ChatMessage {
        ChatMessage {
            role: role.into(),
            parts,
            name: None,
            extra: Extra::new(),
        }
    }

    /// A message with `role` and one text part.
    pub fn text(role: impl Into<String>, content: impl Into<String>) -> ChatMessage {
        ChatMessage::new(role, vec![Part::text(content)])
    }

    /// A `user` message with one text part.
    pub fn user(content: impl Into<String>) -> ChatMessage {
        ChatMessage::text("user", content)
    }

    /// An `assistant` message with one text part.
    pub fn assistant(content: impl Into<String>) -> ChatMessage {
        ChatMessage::text("assistant", content)
    }

    /// A `system` message with one text part.
    pub fn system(content: impl Into<String>) -> ChatMessage {
        ChatMessage::text("system", content)
    }

    /// A `tool` message carrying the response of the call `id`.
    pub fn tool_response(id: Option<&str>, response: serde_json::Value) -> ChatMessage {
        ChatMessage::new("tool", vec![Part::tool_call_response(id, response)])
    }

    /// This message as an output message with `finish_reason`.
    pub fn with_finish_reason(self, finish_reason: impl Into<String>) -> OutputMessage {
        OutputMessage {
            role: self.role,
            parts: self.parts,
            name: self.name,
            finish_reason: finish_reason.into(),
            extra: self.extra,
        }
    }
}

impl Part {
    /// A text part.
    pub fn text(content: impl Into<String>) -> Part {
        Part::Text(TextPart {
            kind: TextTag::Text,
            content: content.into(),
            extra: Extra::new(),
        })
    }

    /// A tool call requested by the model.
    pub fn tool_call(
        id: Option<&str>,
        name: impl Into<String>,
        arguments: serde_json::Value,
    ) -> Part {
        Part::ToolCall(ToolCallRequestPart {
            kind: ToolCallTag::ToolCall,
            id: id.map(str::to_owned),
            name: name.into(),
            arguments: Some(arguments),
            extra: Extra::new(),
        })
    }

    /// The response of the tool call `id`.
    pub fn tool_call_response(id: Option<&str>, response: serde_json::Value) -> Part {
        Part::ToolCallResponse(ToolCallResponsePart {
            kind: ToolCallResponseTag::ToolCallResponse,
            id: id.map(str::to_owned),
            response,
            extra: Extra::new(),
        })
    }

    /// Reasoning content.
    pub fn reasoning(content: impl Into<String>) -> Part {
        Part::Reasoning(ReasoningPart {
            kind: ReasoningTag::Reasoning,
            content: content.into(),
            extra: Extra::new(),
        })
    }
}

impl InstructionPart {
    /// A text part of system instructions.
    pub fn text(content: impl Into<String>) -> InstructionPart {
        InstructionPart::Text(TextPart {
            kind: TextTag::Text,
            content: content.into(),
            extra: Extra::new(),
        })
    }
}
