//! Token usage and what it costs.

use crate::table::{Price, TokenPrices};

/// Token counts of one call, in the GenAI semantic-convention sense: `input` counts every input
/// token, cached ones included (`cache_read` and `cache_write` are parts of it), and `output`
/// counts every output token, reasoning included (`reasoning` is part of it).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    /// `gen_ai.usage.input_tokens`.
    pub input: u64,
    /// `gen_ai.usage.output_tokens`.
    pub output: u64,
    /// `gen_ai.usage.cache_read.input_tokens`.
    pub cache_read: u64,
    /// `gen_ai.usage.cache_creation.input_tokens`.
    pub cache_write: u64,
    /// `gen_ai.usage.reasoning.output_tokens`.
    pub reasoning: u64,
}

impl Usage {
    /// Adds `other` (saturating).
    pub fn add(&mut self, other: &Usage) {
        self.input = self.input.saturating_add(other.input);
        self.output = self.output.saturating_add(other.output);
        self.cache_read = self.cache_read.saturating_add(other.cache_read);
        self.cache_write = self.cache_write.saturating_add(other.cache_write);
        self.reasoning = self.reasoning.saturating_add(other.reasoning);
    }

    /// Input plus output tokens.
    pub fn total(&self) -> u64 {
        self.input.saturating_add(self.output)
    }

    /// Whether every count is zero.
    pub fn is_empty(&self) -> bool {
        *self == Usage::default()
    }
}

/// A cost in USD, by kind of token.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Cost {
    /// Uncached input tokens.
    pub input: f64,
    /// Output tokens other than reasoning.
    pub output: f64,
    /// Cache reads.
    pub cache_read: f64,
    /// Cache writes.
    pub cache_write: f64,
    /// Reasoning tokens.
    pub reasoning: f64,
    /// The sum.
    pub total: f64,
}

impl TokenPrices {
    /// What `usage` costs. Cache reads and writes are taken out of the input count and priced
    /// at their own price (the input price when the table has none); reasoning tokens are taken
    /// out of the output count likewise. Tiers are chosen by the call's input tokens. A price
    /// the table lacks for a token kind the usage has is counted as zero: check
    /// [`TokenPrices::missing_for`].
    pub fn cost(&self, usage: &Usage) -> Cost {
        // No tokens of a kind cost nothing (prices are finite), and need no tier looked up.
        let per = |p: Option<&Price>, n: u64| -> f64 {
            match p {
                Some(p) if n > 0 => p.per_mtok(usage.input) * n as f64 / 1e6,
                _ => 0.0,
            }
        };
        let cached = usage.cache_read.saturating_add(usage.cache_write);
        let uncached = usage.input.saturating_sub(cached);
        let input = self.input.as_ref();
        let output = self.output.as_ref();
        let mut c = Cost {
            input: per(input, uncached),
            cache_read: per(self.cache_read.as_ref().or(input), usage.cache_read),
            cache_write: per(self.cache_write.as_ref().or(input), usage.cache_write),
            output: per(output, usage.output.saturating_sub(usage.reasoning)),
            reasoning: per(self.reasoning.as_ref().or(output), usage.reasoning),
            total: 0.0,
        };
        c.total = c.input + c.output + c.cache_read + c.cache_write + c.reasoning;
        c
    }

    /// Whether these prices price every token kind `usage` has ([`TokenPrices::missing_for`]
    /// is empty), without building the list.
    pub fn prices_all_of(&self, usage: &Usage) -> bool {
        self.unpriced(usage).iter().all(|(_, missing)| !missing)
    }

    /// The token kinds `usage` has that these prices cannot price (`input`, `output`).
    pub fn missing_for(&self, usage: &Usage) -> Vec<&'static str> {
        self.unpriced(usage)
            .into_iter()
            .filter_map(|(kind, missing)| missing.then_some(kind))
            .collect()
    }

    /// Each token kind that must have a price, and whether `usage` has it with none here.
    fn unpriced(&self, usage: &Usage) -> [(&'static str, bool); 2] {
        [
            ("input", self.input.is_none() && usage.input > 0),
            ("output", self.output.is_none() && usage.output > 0),
        ]
    }
}
