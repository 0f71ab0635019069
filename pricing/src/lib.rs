//! Model prices for GenAI telemetry.
//!
//! A [`PriceTable`] lists, per provider, models with a [`MatchRule`] (how a response model name
//! such as `gpt-4o-2024-08-06` or `claude-sonnet-4-5@20250929` finds its entry) and
//! [`TokenPrices`] in USD per million tokens for input, output, cache read, cache write and
//! reasoning tokens. Providers are named by `gen_ai.provider.name` values (`openai`,
//! `aws.bedrock`, `gcp.vertex_ai`, ...).
//!
//! [`embedded`] is a dated table derived from two public MIT-licensed price lists,
//! [models.dev](https://github.com/anomalyco/models.dev) and
//! [pydantic/genai-prices](https://github.com/pydantic/genai-prices) (see `data/NOTICE.md`).
//! [`PriceTable::from_json`] reads a table in this crate's own shape or in either upstream
//! shape; [`PriceTable::extend`] lays one table over another.
//!
//! ```
//! let table = genai_pricing::embedded();
//! let found = table.find(Some("openai"), "gpt-4o-2024-08-06").expect("priced");
//! let usage = genai_pricing::Usage { input: 1_000_000, output: 0, ..Default::default() };
//! assert!(found.prices.cost(&usage).total > 0.0);
//! ```
#![deny(missing_docs)]

mod cost;
pub mod derive;
mod error;
mod lookup;
mod providers;
mod rule;
mod table;
pub mod upstream;

use std::sync::OnceLock;

pub use cost::{Cost, Usage};
pub use error::PriceError;
pub use lookup::PriceMatch;
pub use providers::{UpstreamProvider, upstream_provider};
pub use rule::MatchRule;
pub use table::{ModelPrice, OWN_FORMAT, Price, PriceTable, ProviderPrices, Tier, TokenPrices};

/// The embedded table's JSON (this crate's own shape, generated: see `tests/generate.rs`).
pub const EMBEDDED_JSON: &str = include_str!("../data/prices.json");

/// The embedded price table, parsed once.
///
/// # Panics
/// If the embedded JSON does not parse (a bug in this crate, caught by its tests).
pub fn embedded() -> &'static PriceTable {
    static TABLE: OnceLock<PriceTable> = OnceLock::new();
    TABLE.get_or_init(|| match PriceTable::from_json(EMBEDDED_JSON) {
        Ok(t) => t,
        Err(e) => panic!("the embedded price table does not parse: {e}"),
    })
}
