//! Match rules: how a model name finds its price entry (the genai-prices rule language).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A rule over a lower-cased model name.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchRule {
    /// The whole name.
    Equals(String),
    /// A prefix.
    StartsWith(String),
    /// A suffix.
    EndsWith(String),
    /// A substring.
    Contains(String),
    /// A regular expression (Rust `regex` syntax, unanchored unless the pattern anchors).
    Regex(Pattern),
    /// Any of the rules.
    Or(Vec<MatchRule>),
    /// All of the rules.
    And(Vec<MatchRule>),
}

impl MatchRule {
    /// Whether `name` (already lower-cased) matches.
    pub fn matches(&self, name: &str) -> bool {
        match self {
            MatchRule::Equals(s) => name == s,
            MatchRule::StartsWith(s) => name.starts_with(s.as_str()),
            MatchRule::EndsWith(s) => name.ends_with(s.as_str()),
            MatchRule::Contains(s) => name.contains(s.as_str()),
            MatchRule::Regex(p) => p.0.is_match(name),
            MatchRule::Or(rules) => rules.iter().any(|r| r.matches(name)),
            MatchRule::And(rules) => rules.iter().all(|r| r.matches(name)),
        }
    }
}

/// A compiled regular expression that serializes as its pattern.
#[derive(Clone)]
pub struct Pattern(regex::Regex);

impl Pattern {
    /// Compiles `pattern`.
    pub fn new(pattern: &str) -> Result<Self, crate::PriceError> {
        regex::Regex::new(pattern)
            .map(Pattern)
            .map_err(|e| crate::PriceError::Regex {
                pattern: pattern.to_string(),
                message: e.to_string(),
            })
    }

    /// The pattern.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl fmt::Debug for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.0.as_str())
    }
}

impl PartialEq for Pattern {
    fn eq(&self, other: &Self) -> bool {
        self.0.as_str() == other.0.as_str()
    }
}

impl Serialize for Pattern {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.as_str())
    }
}

impl<'de> Deserialize<'de> for Pattern {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Pattern::new(&s).map_err(serde::de::Error::custom)
    }
}
