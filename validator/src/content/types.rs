//! The GenAI message formats as Rust types (serde + schemars).

use schemars::JsonSchema;
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
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
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
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
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
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
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
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum InstructionPart {
    /// Text.
    Text(TextPart),
    /// Any other part.
    Generic(GenericPart),
}

/// `"text"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum TextTag {
    /// The tag value.
    #[serde(rename = "text")]
    Text,
}

/// `"tool_call"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum ToolCallTag {
    /// The tag value.
    #[serde(rename = "tool_call")]
    ToolCall,
}

/// `"tool_call_response"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum ToolCallResponseTag {
    /// The tag value.
    #[serde(rename = "tool_call_response")]
    ToolCallResponse,
}

/// `"reasoning"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum ReasoningTag {
    /// The tag value.
    #[serde(rename = "reasoning")]
    Reasoning,
}

/// Text content.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
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
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
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
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
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
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
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
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct GenericPart {
    /// The part type.
    #[serde(rename = "type")]
    pub kind: String,
    /// Other properties.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A tool offered to the model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
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
