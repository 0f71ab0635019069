//! Captured message content: the message formats as Rust types, their JSON Schemas (derived
//! with schemars), and the check of captured values against them.
//!
//! The types mirror the GenAI message formats (`gen-ai-input-messages.json`,
//! `gen-ai-output-messages.json`, `gen-ai-system-instructions.json`,
//! `gen-ai-tool-definitions.json`). Like the upstream schemas, they accept any part with a
//! `type` (the generic part), extra properties, and any role string; the tests compare their
//! verdicts with the upstream schemas' on valid and invalid samples.

pub mod types;

use std::sync::OnceLock;

use base64::Engine as _;

use crate::telemetry::Value;

/// Which message format an attribute carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ContentKind {
    /// `gen_ai.input.messages`.
    InputMessages,
    /// `gen_ai.output.messages`.
    OutputMessages,
    /// `gen_ai.system_instructions`.
    SystemInstructions,
    /// `gen_ai.tool.definitions`.
    ToolDefinitions,
    /// Any other structured content (tool call arguments and results, documents, records):
    /// any JSON value.
    Any,
}

impl ContentKind {
    /// The kind named by a `json_schema` annotation (`gen-ai/gen-ai-input-messages.json`).
    pub fn from_schema_path(path: &str) -> Self {
        let file = path.rsplit('/').next().unwrap_or(path);
        match file {
            "gen-ai-input-messages.json" => ContentKind::InputMessages,
            "gen-ai-output-messages.json" => ContentKind::OutputMessages,
            "gen-ai-system-instructions.json" => ContentKind::SystemInstructions,
            "gen-ai-tool-definitions.json" => ContentKind::ToolDefinitions,
            _ => ContentKind::Any,
        }
    }

    /// The JSON Schema of the format, derived from [`types`].
    pub fn schema(self) -> serde_json::Value {
        let schema = match self {
            ContentKind::InputMessages => schemars::schema_for!(types::InputMessages),
            ContentKind::OutputMessages => schemars::schema_for!(types::OutputMessages),
            ContentKind::SystemInstructions => schemars::schema_for!(types::SystemInstructions),
            ContentKind::ToolDefinitions => schemars::schema_for!(types::ToolDefinitions),
            ContentKind::Any => return serde_json::Value::Bool(true),
        };
        schema.to_value()
    }

    fn index(self) -> usize {
        match self {
            ContentKind::InputMessages => 0,
            ContentKind::OutputMessages => 1,
            ContentKind::SystemInstructions => 2,
            ContentKind::ToolDefinitions => 3,
            ContentKind::Any => 4,
        }
    }

    /// Checks a captured value; `Err` says what does not match.
    pub fn check(self, value: &Value) -> Result<(), String> {
        if self == ContentKind::Any {
            return Ok(());
        }
        let json = to_json(value)?;
        let validator = validators()[self.index()]
            .as_ref()
            .ok_or_else(|| "the message-format schema did not compile".to_string())?;
        match validator.iter_errors(&json).next() {
            None => Ok(()),
            Some(err) => Err(format!("{err} (at `{}`)", err.instance_path())),
        }
    }
}

fn validators() -> &'static [Option<jsonschema::Validator>; 5] {
    static CELL: OnceLock<[Option<jsonschema::Validator>; 5]> = OnceLock::new();
    CELL.get_or_init(|| {
        [
            ContentKind::InputMessages,
            ContentKind::OutputMessages,
            ContentKind::SystemInstructions,
            ContentKind::ToolDefinitions,
            ContentKind::Any,
        ]
        .map(|k| jsonschema::validator_for(&k.schema()).ok())
    })
}

/// The JSON a captured value stands for: strings are parsed as JSON (instrumentations usually
/// record content as a JSON string), structured values are converted.
pub fn to_json(value: &Value) -> Result<serde_json::Value, String> {
    match value {
        Value::String(s) => serde_json::from_str(s.as_str())
            .map_err(|e| format!("the value is a string but not JSON: {e}")),
        // Not converted: a message list is never bytes, and bytes would cost ~400 times their
        // size as a JSON array of numbers.
        Value::Bytes(b) => Err(format!(
            "the value is {} bytes, not structured content or a JSON string",
            b.len()
        )),
        other => Ok(structured(other)),
    }
}

fn structured(value: &Value) -> serde_json::Value {
    use serde_json::Value as J;
    match value {
        Value::Empty => J::Null,
        Value::String(s) => J::String(s.as_str().to_owned()),
        Value::Bool(b) => J::Bool(*b),
        Value::I64(i) => J::from(*i),
        Value::F64(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
        // As the protobuf JSON mapping writes bytes: base64, a third larger than the bytes.
        Value::Bytes(b) => J::String(base64::engine::general_purpose::STANDARD.encode(b)),
        Value::StringArray(a) => J::Array(a.iter().map(|s| J::String(s.to_string())).collect()),
        Value::BoolArray(a) => J::Array(a.iter().map(|b| J::Bool(*b)).collect()),
        Value::I64Array(a) => J::Array(a.iter().map(|i| J::from(*i)).collect()),
        Value::F64Array(a) => J::Array(
            a.iter()
                .map(|f| serde_json::Number::from_f64(*f).map_or(J::Null, J::Number))
                .collect(),
        ),
        Value::Array(a) => J::Array(a.iter().map(structured).collect()),
        Value::KvList(m) => J::Object(
            m.iter()
                .map(|(k, v)| (k.as_str().to_owned(), structured(v)))
                .collect(),
        ),
    }
}
