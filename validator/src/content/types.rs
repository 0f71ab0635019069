//! The GenAI message formats as Rust types: the one content model of
//! [`genai_semconv::content`], shared with the instrumentation (its JSON Schema derivation is
//! enabled here through the `schema` feature).

pub use genai_semconv::content::*;
