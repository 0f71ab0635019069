//! Telemetry values as display text: bounded in length, never markup.

use genai_validator::telemetry::Value;

/// Longest text shown for one value (longer values are cut, saying how long they were).
pub const MAX_TEXT: usize = 4096;

/// `s`, cut to [`MAX_TEXT`] bytes (at a character boundary) with a note of its length.
pub fn clip(s: &str) -> String {
    if s.len() <= MAX_TEXT {
        return s.to_owned();
    }
    let mut end = MAX_TEXT;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes in all)", &s[..end], s.len())
}

/// A value as display text: strings as themselves, anything else in its JSON-like form.
pub fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => clip(s.as_str()),
        other => clip(&other.to_string()),
    }
}

/// A value as JSON (maps as objects, bytes as their length), for structured content.
pub fn value_to_json(v: &Value) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        Value::Empty => J::Null,
        Value::String(s) => J::String(s.as_str().to_owned()),
        Value::Bool(b) => J::Bool(*b),
        Value::I64(i) => J::from(*i),
        Value::F64(f) => J::from(*f),
        Value::Bytes(b) => J::String(format!("<{} bytes>", b.len())),
        Value::StringArray(a) => a.iter().map(|s| J::String(s.as_str().to_owned())).collect(),
        Value::BoolArray(a) => a.iter().map(|b| J::Bool(*b)).collect(),
        Value::I64Array(a) => a.iter().map(|i| J::from(*i)).collect(),
        Value::F64Array(a) => a.iter().map(|f| J::from(*f)).collect(),
        Value::Array(a) => a.iter().map(value_to_json).collect(),
        Value::KvList(m) => J::Object(
            m.iter()
                .map(|(k, v)| (k.as_str().to_owned(), value_to_json(v)))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_cut_at_a_char_boundary() {
        let s = "é".repeat(MAX_TEXT);
        let c = clip(&s);
        assert!(c.len() < s.len());
        assert!(c.ends_with(&format!("({} bytes in all)", s.len())));
        assert_eq!(clip("short"), "short");
    }
}
