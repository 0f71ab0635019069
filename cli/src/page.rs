//! The web page of `live-check` and the HTML report of `validate` / `live-check`: building the
//! [`LivePage`] (crate `genai-live-page`) with this run's token.

use std::hash::{BuildHasher, Hasher};
use std::net::IpAddr;
use std::sync::Arc;

use genai_live_page::{LivePage, PageConfig};
use genai_registry::ResolvedRegistry;

/// A page that only renders a report file (no routes served).
pub fn report_page(registry: &ResolvedRegistry) -> Arc<LivePage> {
    LivePage::new(registry, PageConfig::default())
}

/// The page served on live-check's HTTP port, with a fresh per-run token.
pub fn live_page(registry: &ResolvedRegistry, bind: IpAddr) -> (Arc<LivePage>, String) {
    let token = run_token();
    let exposed = !bind.is_loopback();
    let config = PageConfig {
        token: token.clone(),
        token_everywhere: exposed,
        extra_host: exposed.then(|| bind.to_string()),
        ..PageConfig::default()
    };
    (LivePage::new(registry, config), token)
}

/// 128 unpredictable bits as hex: the standard library's per-process random hash keys (seeded
/// from the operating system's random source), mixed with the time and process id.
fn run_token() -> String {
    let mut out = String::with_capacity(32);
    for round in 0..2u64 {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(round);
        h.write_u32(std::process::id());
        if let Ok(t) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
            h.write_u128(t.as_nanos());
        }
        out.push_str(&format!("{:016x}", h.finish()));
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn tokens_differ_between_runs() {
        let a = super::run_token();
        assert_eq!(a.len(), 32);
        assert_ne!(a, super::run_token());
    }
}
