//! Load check (ignored; run by hand, figures in BENCHMARKS.md): 10,000 traces received while
//! the page is open in headless Chromium; how long the page takes to show new traces, to load,
//! and to filter, and how long the API takes to answer at that size.
//!
//! `cargo test -p genai-live-page --release --test load -- --ignored --nocapture`

mod common;

use std::time::{Duration, Instant};

use common::webdriver::{Browser, http};
use common::{Live, agent_requests};

const TRACES: usize = 10_000;
const PER_EXPORT: usize = 100;

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1e3)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "load check: run by hand, see BENCHMARKS.md"]
async fn ten_thousand_traces_with_the_page_open() {
    let live = Live::start().await;
    let Some(b) = Browser::start("ten_thousand_traces_with_the_page_open") else {
        live.stop().await;
        return;
    };
    let port = live.port();
    b.goto(&format!("http://127.0.0.1:{port}/"));
    b.wait_for("#conn", "connected");
    let mut update = Vec::new();
    let started = Instant::now();
    for batch in 0..TRACES / PER_EXPORT {
        let first = 1 + batch * PER_EXPORT;
        let spans = agent_requests(first..first + PER_EXPORT);
        live.export(spans).await;
        if batch % 10 == 9 {
            // Newest first: the last request of the batch tops the list once it is shown.
            let sent = Instant::now();
            b.wait_for(
                "tr.trace-row td.root",
                &format!("#{}", first + PER_EXPORT - 1),
            );
            update.push(sent.elapsed());
        }
    }
    let ingest = started.elapsed();
    update.sort();
    let held = live.page.with_store(genai_live_page::Store::trace_count);
    assert_eq!(held, TRACES);
    b.screenshot("10-load-10k");

    let t = Instant::now();
    b.goto(&format!("http://127.0.0.1:{port}/"));
    b.wait_for("tr.trace-row td.root", &format!("#{TRACES}"));
    let load = t.elapsed();

    let t = Instant::now();
    b.script("document.getElementById('f-q').value = '#4242'; document.getElementById('f-q').dispatchEvent(new Event('input')); return 1");
    b.wait_for("#pageinfo", "1 matching");
    let filter = t.elapsed();

    let mut api = Vec::new();
    for path in [
        "/api/traces?page=0",
        "/api/traces?page=150",
        "/api/traces?q=%234242",
        "/api/traces?violations=1&agent=travel_planner",
        "/api/insights",
    ] {
        let t = Instant::now();
        let (status, _) = http(port, "GET", path, &[], None);
        assert_eq!(status, 200);
        api.push((path, t.elapsed()));
    }
    println!(
        "page load check: {TRACES} traces ({} spans) exported in {} ({PER_EXPORT} traces per request)",
        TRACES * 3,
        ms(ingest)
    );
    println!(
        "  update latency (export answered -> row shown), {} samples: min {}, median {}, max {}",
        update.len(),
        ms(update[0]),
        ms(update[update.len() / 2]),
        ms(update[update.len() - 1])
    );
    println!("  page load with {TRACES} traces held: {}", ms(load));
    println!(
        "  text filter over {TRACES} traces (typed -> rows shown, includes 250 ms debounce): {}",
        ms(filter)
    );
    for (path, d) in api {
        println!("  GET {path}: {:.1} ms", d.as_secs_f64() * 1e3);
    }
    drop(b);
    live.stop().await;
}
