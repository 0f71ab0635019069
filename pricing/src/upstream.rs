//! Reading price tables: this crate's own shape, and the two upstream shapes (pydantic
//! genai-prices `data.json`, models.dev as one JSON).

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::error::PriceError;
use crate::providers::upstream_provider;
use crate::rule::MatchRule;
use crate::table::{ModelPrice, OWN_FORMAT, Price, PriceTable, ProviderPrices, TokenPrices};

impl PriceTable {
    /// Reads a table in any known shape: this crate's own (an object with
    /// `"format": "genai-semconv-prices/1"`), models.dev (an object with `providers` keyed by
    /// provider id) or genai-prices (a list of providers). Upstream tables keep every provider;
    /// the ones GenAI telemetry names are mapped to `gen_ai.provider.name` values.
    pub fn from_json(text: &str) -> Result<PriceTable, PriceError> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|source| PriceError::Json {
                shape: "JSON",
                source,
            })?;
        match &value {
            serde_json::Value::Object(o)
                if o.get("format").and_then(|f| f.as_str()) == Some(OWN_FORMAT) =>
            {
                serde_json::from_value(value).map_err(|source| PriceError::Json {
                    shape: OWN_FORMAT,
                    source,
                })
            }
            serde_json::Value::Object(o) if o.contains_key("providers") => models_dev(value, false),
            serde_json::Value::Array(_) => genai_prices(value, "genai-prices", None, false),
            _ => Err(PriceError::UnknownShape),
        }
    }

    /// Reads a table file (see [`PriceTable::from_json`]); the table is named after the file
    /// unless it names itself.
    pub fn from_file(path: &Path) -> Result<PriceTable, PriceError> {
        let text = std::fs::read_to_string(path).map_err(|source| PriceError::Io {
            path: path.display().to_string(),
            source,
        })?;
        let mut t = PriceTable::from_json(&text)?;
        if t.name.is_empty() || t.name == "genai-prices" || t.name == "models.dev" {
            t.name = path.display().to_string();
        }
        Ok(t)
    }
}

#[derive(Deserialize)]
struct GpProvider {
    id: String,
    #[serde(default)]
    model_match: Option<MatchRule>,
    #[serde(default)]
    fallback_model_providers: Vec<String>,
    models: Vec<GpModel>,
}

#[derive(Deserialize)]
struct GpModel {
    id: String,
    #[serde(rename = "match")]
    rule: MatchRule,
    prices: GpPrices,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum GpPrices {
    One(GpPriceSet),
    Dated(Vec<GpConstrained>),
}

#[derive(Deserialize)]
struct GpConstrained {
    #[serde(default)]
    constraint: Option<GpConstraint>,
    prices: GpPriceSet,
}

#[derive(Deserialize)]
struct GpConstraint {
    #[serde(default)]
    start_date: Option<String>,
}

#[derive(Deserialize)]
struct GpPriceSet {
    #[serde(default)]
    input_mtok: Option<Price>,
    #[serde(default)]
    output_mtok: Option<Price>,
    #[serde(default)]
    cache_read_mtok: Option<Price>,
    #[serde(default)]
    cache_write_mtok: Option<Price>,
}

impl From<GpPriceSet> for TokenPrices {
    fn from(p: GpPriceSet) -> Self {
        TokenPrices {
            input: p.input_mtok,
            output: p.output_mtok,
            cache_read: p.cache_read_mtok,
            cache_write: p.cache_write_mtok,
            reasoning: None,
        }
    }
}

/// The id and `gen_ai.provider.name` values for an upstream provider id.
fn mapped(upstream: &str) -> (String, Vec<String>) {
    match upstream_provider(upstream) {
        Some(p) => (
            p.id.to_string(),
            p.names.iter().map(|n| n.to_string()).collect(),
        ),
        None => (upstream.to_string(), vec![upstream.to_string()]),
    }
}

/// Adds `models` under provider `upstream`, merging providers that map to the same id.
fn add_provider(
    out: &mut Vec<ProviderPrices>,
    upstream: &str,
    model_match: Option<MatchRule>,
    fallback: Vec<String>,
    models: Vec<ModelPrice>,
) {
    let (id, names) = mapped(upstream);
    match out.iter_mut().find(|p| p.id == id) {
        Some(p) => {
            p.models.extend(models);
            if p.model_match.is_none() {
                p.model_match = model_match;
            }
        }
        None => out.push(ProviderPrices {
            id,
            names,
            model_match,
            fallback,
            models,
        }),
    }
}

/// Reads genai-prices `data.json` (a list of providers). Dated prices take the entry with the
/// latest `start_date` (the prices in effect last). With `only_known`, providers the GenAI
/// conventions do not name are dropped.
pub fn genai_prices(
    value: serde_json::Value,
    name: &str,
    date: Option<String>,
    only_known: bool,
) -> Result<PriceTable, PriceError> {
    let providers: Vec<GpProvider> =
        serde_json::from_value(value).map_err(|source| PriceError::Json {
            shape: "genai-prices",
            source,
        })?;
    let mut table = PriceTable::new(name, date);
    table
        .sources
        .push("pydantic/genai-prices (MIT)".to_string());
    for p in providers {
        if only_known && upstream_provider(&p.id).is_none() {
            continue;
        }
        let models = p
            .models
            .into_iter()
            .filter_map(|m| {
                let prices = match m.prices {
                    GpPrices::One(s) => s,
                    GpPrices::Dated(list) => {
                        list.into_iter()
                            .max_by(|a, b| start(a).cmp(start(b)))?
                            .prices
                    }
                };
                Some(ModelPrice {
                    id: m.id,
                    rule: m.rule,
                    prices: prices.into(),
                })
            })
            .collect();
        let fallback = p
            .fallback_model_providers
            .iter()
            .map(|f| mapped(f).0)
            .collect();
        add_provider(&mut table.providers, &p.id, p.model_match, fallback, models);
    }
    Ok(table)
}

fn start(c: &GpConstrained) -> &str {
    c.constraint
        .as_ref()
        .and_then(|c| c.start_date.as_deref())
        .unwrap_or("")
}

#[derive(Deserialize)]
struct MdTable {
    #[serde(default)]
    commit: Option<String>,
    #[serde(default)]
    committed: Option<String>,
    providers: BTreeMap<String, MdProvider>,
}

#[derive(Deserialize)]
struct MdProvider {
    #[serde(default)]
    models: BTreeMap<String, MdModel>,
}

#[derive(Deserialize)]
struct MdModel {
    #[serde(default)]
    cost: Option<MdCost>,
}

#[derive(Deserialize)]
struct MdCost {
    #[serde(default)]
    input: Option<f64>,
    #[serde(default)]
    output: Option<f64>,
    #[serde(default)]
    cache_read: Option<f64>,
    #[serde(default)]
    cache_write: Option<f64>,
    #[serde(default)]
    reasoning: Option<f64>,
}

/// Reads models.dev as one JSON (`providers.<id>.models.<id>.cost`). Models without a cost are
/// left out (unpriced, not free); each model matches its own id. With `only_known`, providers
/// the GenAI conventions do not name are dropped.
pub fn models_dev(value: serde_json::Value, only_known: bool) -> Result<PriceTable, PriceError> {
    let md: MdTable = serde_json::from_value(value).map_err(|source| PriceError::Json {
        shape: "models.dev",
        source,
    })?;
    let mut table = PriceTable::new("models.dev", md.committed);
    table.sources.push(match md.commit {
        Some(c) => format!("models.dev {c} (MIT)"),
        None => "models.dev (MIT)".to_string(),
    });
    for (pid, p) in md.providers {
        if only_known && upstream_provider(&pid).is_none() {
            continue;
        }
        let models = p
            .models
            .into_iter()
            .filter_map(|(mid, m)| {
                let c = m.cost?;
                if c.input.is_none() && c.output.is_none() {
                    return None;
                }
                Some(ModelPrice {
                    rule: MatchRule::Equals(mid.to_lowercase()),
                    id: mid,
                    prices: TokenPrices {
                        input: c.input.map(Price::Flat),
                        output: c.output.map(Price::Flat),
                        cache_read: c.cache_read.map(Price::Flat),
                        cache_write: c.cache_write.map(Price::Flat),
                        reasoning: c.reasoning.map(Price::Flat),
                    },
                })
            })
            .collect();
        add_provider(&mut table.providers, &pid, None, Vec::new(), models);
    }
    Ok(table)
}
