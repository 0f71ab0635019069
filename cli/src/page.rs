//! The web page of `live-check` and the HTML report of `validate` / `live-check`: building the
//! [`LivePage`] (crate `genai-live-page`) with this run's token.

use std::net::IpAddr;
use std::sync::Arc;

use genai_live_page::{LivePage, PageConfig};
use genai_registry::ResolvedRegistry;
use genai_validator::insights::PriceTable;

/// A page that only renders a report file (no routes served), pricing with `prices`.
pub fn report_page(registry: &ResolvedRegistry, prices: Arc<PriceTable>) -> Arc<LivePage> {
    let page = LivePage::new(registry, PageConfig::default());
    page.set_prices(prices);
    page
}

/// The page served on live-check's HTTP port, guarded by the run's access token (the same one
/// the receiver's `POST /stop` takes).
pub fn live_page(
    registry: &ResolvedRegistry,
    bind: IpAddr,
    token: &str,
    prices: Arc<PriceTable>,
) -> Arc<LivePage> {
    let token = token.to_string();
    let exposed = !bind.is_loopback();
    let config = PageConfig {
        token: token.clone(),
        token_everywhere: exposed,
        extra_host: exposed.then(|| bind.to_string()),
        ..PageConfig::default()
    };
    let page = LivePage::new(registry, config);
    page.set_prices(prices);
    page
}
