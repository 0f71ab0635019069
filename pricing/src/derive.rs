//! Deriving the embedded table from the upstream snapshots (used by `tests/generate.rs`).
//!
//! The embedded table keeps the providers GenAI telemetry names (`gen_ai.provider.name`
//! members): genai-prices' entries with their match rules first, then models.dev models those
//! rules do not match (each matching its own id); models.dev reasoning prices fill entries that
//! lack one.

use crate::error::PriceError;
use crate::rule::MatchRule;
use crate::table::{PriceTable, ProviderPrices};
use crate::upstream::{genai_prices, models_dev};

/// The upstream snapshot the embedded table is derived from.
#[derive(Clone, Copy, Debug)]
pub struct Snapshot<'a> {
    /// genai-prices `data.json`.
    pub genai_prices: &'a str,
    /// genai-prices commit.
    pub genai_prices_commit: &'a str,
    /// genai-prices snapshot date (`YYYY-MM-DD`).
    pub genai_prices_date: &'a str,
    /// models.dev as one JSON (carries its own commit and date).
    pub models_dev: &'a str,
}

fn json(text: &str, shape: &'static str) -> Result<serde_json::Value, PriceError> {
    serde_json::from_str(text).map_err(|source| PriceError::Json { shape, source })
}

/// Builds the embedded table from a snapshot.
pub fn embedded_table(s: &Snapshot<'_>) -> Result<PriceTable, PriceError> {
    let gp = genai_prices(
        json(s.genai_prices, "genai-prices")?,
        "embedded",
        Some(s.genai_prices_date.to_string()),
        true,
    )?;
    let md = models_dev(json(s.models_dev, "models.dev")?, true)?;
    let mut table = gp;
    table.sources = vec![
        format!(
            "pydantic/genai-prices {} ({}), MIT: https://github.com/pydantic/genai-prices",
            s.genai_prices_commit, s.genai_prices_date
        ),
        format!(
            "{}, {}: https://github.com/anomalyco/models.dev",
            md.sources.first().map_or("models.dev", |s| s.as_str()),
            md.date.as_deref().unwrap_or("undated")
        ),
    ];
    table.date = match (table.date.take(), md.date.clone()) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    };
    for mp in md.providers {
        let target = match table.providers.iter_mut().position(|p| p.id == mp.id) {
            Some(i) => &mut table.providers[i],
            None => {
                table.providers.push(ProviderPrices {
                    models: Vec::new(),
                    ..mp.clone()
                });
                let last = table.providers.len() - 1;
                &mut table.providers[last]
            }
        };
        let own = target.models.len();
        for m in mp.models {
            let MatchRule::Equals(name) = &m.rule else {
                continue;
            };
            match target.models[..own]
                .iter_mut()
                .find(|e| e.rule.matches(name))
            {
                Some(e) => {
                    if e.prices.reasoning.is_none() {
                        e.prices.reasoning = m.prices.reasoning;
                    }
                }
                None => target.models.push(m),
            }
        }
    }
    table.generated = Some(
        "by `cargo test -p genai-pricing --test generate -- --ignored` from ../shared/pricing; do not edit"
            .to_string(),
    );
    Ok(table)
}

/// The table as JSON with one model per line (small diffs when prices change).
pub fn render(table: &PriceTable) -> String {
    let mut out = String::from("{\n");
    if let Some(g) = &table.generated {
        out.push_str(&format!("  \"@generated\": {},\n", j(g)));
    }
    out.push_str(&format!("  \"format\": {},\n", j(&table.format)));
    out.push_str(&format!("  \"name\": {},\n", j(&table.name)));
    if let Some(d) = &table.date {
        out.push_str(&format!("  \"date\": {},\n", j(d)));
    }
    out.push_str(&format!("  \"sources\": {},\n", j(&table.sources)));
    out.push_str("  \"providers\": [\n");
    for (i, p) in table.providers.iter().enumerate() {
        out.push_str(&format!(
            "    {{\"id\": {}, \"names\": {}",
            j(&p.id),
            j(&p.names)
        ));
        if let Some(r) = &p.model_match {
            out.push_str(&format!(", \"model_match\": {}", j(r)));
        }
        if !p.fallback.is_empty() {
            out.push_str(&format!(", \"fallback\": {}", j(&p.fallback)));
        }
        out.push_str(", \"models\": [\n");
        for (k, m) in p.models.iter().enumerate() {
            let comma = if k + 1 < p.models.len() { "," } else { "" };
            out.push_str(&format!("      {}{comma}\n", j(m)));
        }
        let comma = if i + 1 < table.providers.len() {
            ","
        } else {
            ""
        };
        out.push_str(&format!("    ]}}{comma}\n"));
    }
    out.push_str("  ]\n}\n");
    out
}

/// Compact JSON of a value.
fn j<T: serde::Serialize + ?Sized>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".to_string())
}
