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

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock, RwLockReadGuard, RwLockWriteGuard};

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
    /// Batches taken by [`LivePage::ingest`] and not yet in the store: the validating threads
    /// only ever wait for this queue (held for a push or a swap), never for the store, which
    /// takes them in when the page next reads it.
    pending: Mutex<Pending>,
    /// Held while pending batches go into the store, so that they go in in order.
    applying: Mutex<()>,
    docs: AttributeDocs,
    registry: String,
    config: PageConfig,
    version: AtomicU64,
    closed: AtomicBool,
    streams: AtomicUsize,
}

/// Validated batches waiting for the store.
#[derive(Default)]
struct Pending {
    batches: VecDeque<PendingBatch>,
    /// Spans, log records and metrics in `batches`.
    items: usize,
}

/// One batch as [`LivePage::ingest`] took it.
struct PendingBatch {
    telemetry: Telemetry,
    spans: Vec<ItemReport>,
    logs: Vec<ItemReport>,
    metrics: Vec<ItemReport>,
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
            pending: Mutex::new(Pending::default()),
            applying: Mutex::new(()),
            docs: AttributeDocs::new(registry),
            registry: registry_label(registry),
            config,
            version: AtomicU64::new(0),
            closed: AtomicBool::new(false),
            streams: AtomicUsize::new(0),
        })
    }

    /// The store, with what arrived since the last look taken in.
    fn read(&self) -> RwLockReadGuard<'_, Store> {
        self.apply_pending();
        self.store.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, Store> {
        self.apply_pending();
        self.store.write().unwrap_or_else(|e| e.into_inner())
    }

    /// Moves the pending batches into the store, oldest first.
    fn apply_pending(&self) {
        let _order = self.applying.lock().unwrap_or_else(|e| e.into_inner());
        let batches = {
            let mut p = self.pending.lock().unwrap_or_else(|e| e.into_inner());
            p.items = 0;
            std::mem::take(&mut p.batches)
        };
        if batches.is_empty() {
            return;
        }
        let mut store = self.store.write().unwrap_or_else(|e| e.into_inner());
        for b in batches {
            store.ingest(b.telemetry, &b.spans, &b.logs, &b.metrics);
        }
    }

    /// Takes a validated batch (see [`Store::ingest`]) with its items' reports. It only queues
    /// it: the store takes it in when the page is next read, on the page's thread, so the
    /// caller (a validating thread) does not wait for a page being rendered. When nobody has
    /// read the page for as long as the store could hold (its span limit), the caller moves
    /// the queue into the store itself: memory stays bounded and nothing is lost.
    pub fn ingest(
        &self,
        telemetry: Telemetry,
        spans: &[ItemReport],
        logs: &[ItemReport],
        metrics: &[ItemReport],
    ) {
        let items = telemetry.len();
        let batch = PendingBatch {
            telemetry,
            spans: spans.to_vec(),
            logs: logs.to_vec(),
            metrics: metrics.to_vec(),
        };
        let full = {
            let mut p = self.pending.lock().unwrap_or_else(|e| e.into_inner());
            p.items += items;
            p.batches.push_back(batch);
            p.items > self.config.limits.max_spans
        };
        if full {
            self.apply_pending();
        }
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
    /// The event stream's message, `None` while batches are going into the store. It is built
    /// on the runtime's thread, so it neither waits for the store nor takes in the pending
    /// batches (the routes do, off that thread): their items are added to the counts instead.
    fn pulse_json(&self, version: u64) -> Option<String> {
        let queued = {
            let p = self.pending.lock().unwrap_or_else(|e| e.into_inner());
            p.batches.iter().fold([0u64; 3], |[s, l, m], b| {
                [
                    s + b.telemetry.spans.len() as u64,
                    l + b.telemetry.logs.len() as u64,
                    m + b.telemetry.metrics.len() as u64,
                ]
            })
        };
        let s = match self.store.try_read() {
            Ok(store) => store.summary(&self.registry, version),
            Err(std::sync::TryLockError::Poisoned(e)) => {
                e.into_inner().summary(&self.registry, version)
            }
            Err(std::sync::TryLockError::WouldBlock) => return None,
        };
        serde_json::json!({
            "version": version,
            "spans": s.spans + queued[0],
            "logs": s.logs + queued[1],
            "metrics": s.metrics + queued[2],
            "traces": s.traces,
            "levels": s.levels,
        })
        .to_string()
        .into()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;
    use std::time::Duration;

    use genai_validator::telemetry::{Attributes, Span, SpanId, SpanKind, TraceId};

    use super::*;

    fn batch(trace: u128, spans: u64) -> Telemetry {
        Telemetry {
            spans: (1..=spans)
                .map(|id| {
                    let mut attributes = Attributes::default();
                    attributes.push("gen_ai.operation.name", "chat");
                    Span::new(
                        TraceId::from(trace),
                        SpanId::from(id),
                        "chat m".to_owned(),
                        SpanKind::Client,
                        attributes,
                    )
                })
                .collect(),
            ..Telemetry::default()
        }
    }

    fn page(max_spans: usize) -> Arc<LivePage> {
        let config = PageConfig {
            limits: Limits {
                max_spans,
                ..Limits::default()
            },
            ..PageConfig::default()
        };
        LivePage::new(genai_validator::embedded_registry(), config)
    }

    /// A validating thread hands a batch over while a reader holds the store: it must not
    /// wait for the reader (before, `ingest` took the store's write lock).
    #[test]
    fn ingest_does_not_wait_for_a_reader() {
        let page = page(1_000);
        let (reading, read_started) = mpsc::channel();
        let (ingested, ingest_done) = mpsc::channel::<()>();
        let reader = {
            let page = page.clone();
            std::thread::spawn(move || {
                page.with_store(|_| {
                    let _ = reading.send(());
                    // Holds the store until the batch is in (or, if ingest waited, for ever:
                    // the timeout below then fails the test instead of hanging it).
                    ingest_done.recv_timeout(Duration::from_secs(60)).is_ok()
                })
            })
        };
        read_started.recv().expect("the reader started");
        page.ingest(batch(1, 3), &[], &[], &[]);
        let _ = ingested.send(());
        assert!(
            reader.join().expect("the reader ends"),
            "ingest waited for the reader"
        );
        // The next look takes the batch in.
        assert_eq!(page.with_store(Store::trace_count), 1);
        let pulse = page.pulse_json(1).expect("the store is free");
        assert!(pulse.contains("\"spans\":3"), "{pulse}");
    }

    /// Unread, the queue holds at most what the store could; past that the ingesting thread
    /// moves it into the store, and nothing is lost from the totals.
    #[test]
    fn an_unread_queue_stays_bounded_and_loses_nothing() {
        let page = page(10);
        for t in 1..=8u128 {
            page.ingest(batch(t, 4), &[], &[], &[]);
            let queued = page.pending.lock().map(|p| p.items).unwrap_or(usize::MAX);
            assert!(queued <= 10, "{queued} items queued");
        }
        let summary = page.with_store(|s| s.summary("r", 0));
        assert_eq!(summary.spans, 32);
        assert_eq!(summary.traces, 8);
    }
}
