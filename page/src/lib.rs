//! The web page of `semconv live-check` and the self-contained HTML report of
//! `semconv validate --format html` / `live-check --format html`.
//!
//! A [`LivePage`] holds what the page shows (a bounded [`Store`] of the most recent traces,
//! fed by the validating consumer with [`LivePage::ingest`]) and answers the page's HTTP
//! routes ([`LivePage::respond`]): the page itself and its assets (checked-in HTML, CSS and
//! JavaScript embedded in the binary, no build step, no network), a JSON API
//! (`/api/summary`, `/api/traces?page=&violations=&agent=&model=&service=&q=`,
//! `/api/traces/{id}`, `/api/metrics`, `/api/insights`, `/api/logs`), coalesced server-sent
//! events (`/events`) and `POST /api/clear`.
//!
//! Security: telemetry strings are shown as text only (the script never parses data as
//! markup); a Content-Security-Policy allows only the page's own script and style; requests
//! with a non-loopback `Host`, a foreign `Origin` or a cross-site `Sec-Fetch-Site` are refused
//! (a page elsewhere can neither read the run nor change it); `POST /api/clear` needs the
//! per-run token or a same-origin request.
//!
//! [`report::html`] renders the same views into one file: the data as a
//! `<script type="application/json">` block, script and style inline under a CSP of their
//! hashes.
#![deny(missing_docs)]

mod body;
mod conversation;
mod docs;
mod events;
mod present;
mod query;
pub mod report;
mod routes;
mod store;
mod text;
pub mod view;

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use genai_registry::ResolvedRegistry;
use genai_validator::Telemetry;
use genai_validator::report::ItemReport;

pub use body::PageBody;
pub use conversation::{Message, Part};
pub use docs::{AttrDoc, AttributeDocs};
pub use events::EventStream;
pub use query::TraceQuery;
pub use store::{Limits, Store};

/// How the page is served.
#[derive(Clone, Debug, Default)]
pub struct PageConfig {
    /// The per-run token that authorizes state-changing requests (`Authorization: Bearer`,
    /// `X-Semconv-Token`, or a `token` query parameter).
    pub token: String,
    /// Require the token on every route (for a non-loopback bind).
    pub token_everywhere: bool,
    /// A host name accepted in `Host` besides the loopback names (the bind address, when
    /// not loopback).
    pub extra_host: Option<String>,
    /// What the store holds.
    pub limits: Limits,
}

/// The page's state and routes; share it behind an [`Arc`].
pub struct LivePage {
    store: RwLock<Store>,
    docs: AttributeDocs,
    registry: String,
    config: PageConfig,
    version: AtomicU64,
    closed: AtomicBool,
    streams: AtomicUsize,
}

/// A label for a registry: `name version`.
pub fn registry_label(registry: &ResolvedRegistry) -> String {
    match (&registry.name, &registry.version) {
        (Some(n), Some(v)) => format!("{n} {v}"),
        (Some(n), None) => n.clone(),
        (None, Some(v)) => format!("registry {v}"),
        (None, None) => "registry".into(),
    }
}

impl LivePage {
    /// A page for telemetry checked against `registry`.
    pub fn new(registry: &ResolvedRegistry, config: PageConfig) -> Arc<Self> {
        Arc::new(LivePage {
            store: RwLock::new(Store::new(config.limits)),
            docs: AttributeDocs::new(registry),
            registry: registry_label(registry),
            config,
            version: AtomicU64::new(0),
            closed: AtomicBool::new(false),
            streams: AtomicUsize::new(0),
        })
    }

    fn read(&self) -> RwLockReadGuard<'_, Store> {
        self.store.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, Store> {
        self.store.write().unwrap_or_else(|e| e.into_inner())
    }

    /// Takes a validated batch (see [`Store::ingest`]).
    pub fn ingest(
        &self,
        telemetry: Telemetry,
        spans: &[ItemReport],
        logs: &[ItemReport],
        metrics: &[ItemReport],
    ) {
        self.write().ingest(telemetry, spans, logs, metrics);
        self.version.fetch_add(1, Ordering::AcqRel);
    }

    /// Prices inference spans from now on.
    pub fn set_prices(&self, prices: Arc<genai_validator::insights::PriceTable>) {
        self.write().set_prices(prices);
    }

    /// Ends the event streams (before the listener shuts down, so it need not wait for them).
    pub fn close(&self) {
        self.closed.store(true, Ordering::Release);
    }

    /// Forgets what was received.
    pub fn clear(&self) {
        self.write().clear();
        self.version.fetch_add(1, Ordering::AcqRel);
    }

    /// The registry's attribute documentation.
    pub fn docs(&self) -> &AttributeDocs {
        &self.docs
    }

    /// Runs `f` on the store (read-only).
    pub fn with_store<R>(&self, f: impl FnOnce(&Store) -> R) -> R {
        f(&self.read())
    }

    /// The self-contained HTML report of everything held.
    pub fn report_html(&self, title: &str) -> String {
        let data = self.read().report_data(&self.docs, &self.registry);
        report::html(title, &data)
    }

    /// The page's routes, for the receiver's HTTP listener
    /// ([`ReceiverConfig::routes`](genai_otlp_receiver::ReceiverConfig::routes)).
    pub fn routes(self: &Arc<Self>) -> genai_otlp_receiver::HttpRoutes {
        use http_body_util::BodyExt as _;
        let page = self.clone();
        genai_otlp_receiver::HttpRoutes::new(move |req| page.respond(req).map(|b| b.boxed()))
    }

    /// The small JSON an event carries: version and counts.
    fn pulse_json(&self, version: u64) -> String {
        let s = self.read().summary(&self.registry, version);
        serde_json::json!({
            "version": version,
            "spans": s.spans,
            "logs": s.logs,
            "metrics": s.metrics,
            "traces": s.traces,
            "levels": s.levels,
        })
        .to_string()
    }
}
