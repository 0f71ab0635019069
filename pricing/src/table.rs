//! The price table: providers, models, prices (this crate's own JSON shape).

use serde::{Deserialize, Serialize};

use crate::rule::MatchRule;

/// The `format` value of this crate's own table shape.
pub const OWN_FORMAT: &str = "genai-semconv-prices/1";

/// A price in USD per million tokens, optionally tiered by the request's input tokens.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Price {
    /// One price.
    Flat(f64),
    /// A base price and higher tiers.
    Tiered {
        /// Price below the first tier.
        base: f64,
        /// Tiers, by ascending `start`.
        tiers: Vec<Tier>,
    },
}

/// A tier of a [`Price`]: applies when the request has at least `start` input tokens.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Tier {
    /// Input tokens from which the tier applies.
    pub start: u64,
    /// USD per million tokens.
    pub price: f64,
}

impl Price {
    /// USD per million tokens for a request with `input_tokens` input tokens.
    pub fn per_mtok(&self, input_tokens: u64) -> f64 {
        match self {
            Price::Flat(p) => *p,
            Price::Tiered { base, tiers } => tiers
                .iter()
                .rev()
                .find(|t| input_tokens >= t.start)
                .map_or(*base, |t| t.price),
        }
    }
}

/// Prices of one model, in USD per million tokens; `None` where the source has no price.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TokenPrices {
    /// Input tokens not read from or written to a cache.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<Price>,
    /// Output tokens (reasoning tokens too, unless `reasoning` is set).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<Price>,
    /// Input tokens read from the provider's cache (the input price when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_read: Option<Price>,
    /// Input tokens written to the provider's cache (the input price when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_write: Option<Price>,
    /// Reasoning output tokens (the output price when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasoning: Option<Price>,
}

/// One model's entry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelPrice {
    /// The entry's id (the source's model id).
    pub id: String,
    /// Which model names it prices.
    #[serde(rename = "match")]
    pub rule: MatchRule,
    /// The prices.
    #[serde(flatten)]
    pub prices: TokenPrices,
}

/// One provider's models.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProviderPrices {
    /// The provider's id in the table.
    pub id: String,
    /// The `gen_ai.provider.name` values it prices (`gcp.gemini`, `gcp.vertex_ai`, ...).
    pub names: Vec<String>,
    /// Model names this provider serves, to find it when the telemetry names no known provider.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_match: Option<MatchRule>,
    /// Ids of providers whose models it also serves (Azure serves OpenAI models).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fallback: Vec<String>,
    /// Models, first match wins.
    pub models: Vec<ModelPrice>,
}

/// A dated price table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PriceTable {
    /// Set on machine-generated tables: what generated it, and not to edit it.
    #[serde(
        rename = "@generated",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub generated: Option<String>,
    /// Always [`OWN_FORMAT`].
    pub format: String,
    /// What produced the table, e.g. `embedded` or a file name.
    pub name: String,
    /// The date of the prices (`YYYY-MM-DD`), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Where the figures come from, with licences.
    #[serde(default)]
    pub sources: Vec<String>,
    /// Providers, in lookup order.
    pub providers: Vec<ProviderPrices>,
}

impl PriceTable {
    /// An empty table named `name`.
    pub fn new(name: impl Into<String>, date: Option<String>) -> Self {
        PriceTable {
            generated: None,
            format: OWN_FORMAT.to_string(),
            name: name.into(),
            date,
            sources: Vec::new(),
            providers: Vec::new(),
        }
    }

    /// `name (date)`, or `name (undated)`, for reports.
    pub fn label(&self) -> String {
        match &self.date {
            Some(d) => format!("{} ({d})", self.name),
            None => format!("{} (undated)", self.name),
        }
    }

    /// Number of model entries.
    pub fn model_count(&self) -> usize {
        self.providers.iter().map(|p| p.models.len()).sum()
    }

    /// Lays `over` on top of this table: its entries are tried first (a provider with the same
    /// id gets `over`'s models before its own), new providers are added; the name and date
    /// become `this + over`.
    pub fn extend(&mut self, over: PriceTable) {
        let mut added = Vec::new();
        for p in over.providers {
            match self.providers.iter_mut().find(|q| q.id == p.id) {
                Some(q) => {
                    let mut models = p.models;
                    models.append(&mut q.models);
                    q.models = models;
                    for n in p.names {
                        if !q.names.contains(&n) {
                            q.names.push(n);
                        }
                    }
                    if p.model_match.is_some() {
                        q.model_match = p.model_match;
                    }
                }
                None => added.push(p),
            }
        }
        added.append(&mut self.providers);
        self.providers = added;
        self.name = format!("{} + {}", self.name, over.name);
        self.date = match (self.date.take(), over.date) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        self.sources.extend(over.sources);
    }

    /// The table as pretty JSON in this crate's own shape.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }
}
