//! The page and the report file in a real browser: headless Chromium driven over WebDriver.
//!
//! Telemetry goes from the OpenTelemetry OTLP exporter to a receiver on free ports whose HTTP
//! listener serves the page; the test opens the page, waits for the trace to appear (pushed,
//! no reload), opens it and checks the tree, a mark, a finding's text, an attribute's registry
//! brief and a cost figure; a hostile attribute value shows as text and runs nothing; a
//! request from another origin cannot clear the run. Then the same views from the report
//! file (`file://`). Screenshots of each step go to `target/browser-screenshots/`.
//! Without Chromium and chromedriver the tests say that they skip, and pass.

mod common;

use common::webdriver::{Browser, http};
use common::{HOSTILE, Live, TOKEN, agent_spans};
use genai_live_page::{AttributeDocs, Store};

fn brief_of(key: &str) -> String {
    let loaded = genai_registry::embedded::load().expect("embedded registry loads");
    AttributeDocs::new(&loaded.registry)
        .lookup(Some("span.gen_ai.inference.client"), key)
        .expect("a registry attribute")
        .brief
}

/// Checks the views every surface shows, once the trace list holds the agent's trace.
fn check_trace_views(b: &Browser, shot: &str) {
    let row = b.wait_for("tr.trace-row td.root", "invoke_agent travel_planner");
    let marks = b.script(
        "return Array.from(document.querySelectorAll('tr.trace-row .mark')).map(e => e.className)",
    );
    assert!(
        marks.to_string().contains("mark-violation"),
        "the row is marked as violating: {marks}"
    );
    b.click(&row);
    b.wait_for(".wf-row .wf-name", "execute_tool get_weather");
    let tree = b.script(
        "return Array.from(document.querySelectorAll('.wf-row .wf-name')).map(e => [e.firstChild.textContent, e.style.paddingLeft])",
    );
    assert_eq!(
        tree,
        serde_json::json!([
            ["invoke_agent travel_planner", "0px"],
            ["chat gpt-4o", "16px"],
            ["execute_tool get_weather", "16px"]
        ]),
        "the span tree"
    );
    // The chat span: its finding, an attribute's registry brief, its cost.
    let chat = b.wait_for(".wf-row .wf-name", "chat gpt-4o");
    b.click(&chat);
    b.wait_for(".finding .msg", "gen_ai.bogus_setting");
    let brief = brief_of("gen_ai.request.model");
    b.wait_for("tr.attr[data-key='gen_ai.request.model'] td.brief", &brief);
    b.wait_for("tr.attr.flag-unknown td.key", "gen_ai.bogus_setting");
    // 1000 input tokens at $2.50/M + 200 output at $10/M (the embedded table, gpt-4o).
    b.wait_for("#span-cost", "$0.0045");
    b.wait_for("#d-cost", "$0.0045");
    b.screenshot(&format!("{shot}-span"));
    // The tool span's hostile attribute: text, nothing run, no element made.
    let tool = b.wait_for(".wf-row .wf-name", "execute_tool get_weather");
    b.click(&tool);
    let value = b.wait_for("tr.attr[data-key='app.note'] td.value", "<img");
    assert_eq!(b.text(&value), HOSTILE);
    let effects = b.script(
        "return [typeof window.__pwned, document.querySelectorAll('#span-panel img, #span-panel script').length]",
    );
    assert_eq!(
        effects,
        serde_json::json!(["undefined", 0]),
        "hostile value ran"
    );
    b.screenshot(&format!("{shot}-hostile-as-text"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_page_shows_traces_as_they_arrive() {
    let live = Live::start().await;
    let Some(b) = Browser::start("live_page_shows_traces_as_they_arrive") else {
        live.stop().await;
        return;
    };
    let port = live.port();
    b.goto(&format!("http://127.0.0.1:{port}/"));
    b.wait_for("#traces tbody", "Waiting for telemetry");
    b.wait_for("#conn", "connected");
    b.screenshot("01-live-waiting");
    live.export(agent_spans(0)).await;
    // Appears without a reload: pushed over the event stream.
    b.wait_for("tr.trace-row td.root", "invoke_agent travel_planner");
    b.screenshot("02-live-trace-arrived");
    check_trace_views(&b, "03-live");

    // Insights: the cost figure and the tool.
    let tab = b.wait_for("nav.tabs button", "Insights");
    b.click(&tab);
    b.wait_for("#insights-cost", "$0.0045");
    b.wait_for("#tab-insights td", "get_weather");
    b.screenshot("04-live-insights");

    // Another origin (same server, other host name) cannot clear the run or read it.
    b.goto(&format!("http://localhost:{port}/"));
    let outcome = b.script(&format!(
        "return fetch('http://127.0.0.1:{port}/api/clear', {{method: 'POST', mode: 'no-cors'}}).then(r => r.type, e => 'error')"
    ));
    assert!(outcome == "opaque" || outcome == "error", "{outcome}");
    assert_eq!(
        live.page.with_store(Store::trace_count),
        1,
        "cleared from another origin"
    );
    let origin = format!("http://localhost:{port}");
    let (status, _) = http(port, "POST", "/api/clear", &[("Origin", &origin)], None);
    assert_eq!(status, 403);
    let (status, _) = http(port, "GET", "/api/traces", &[("Origin", &origin)], None);
    assert_eq!(status, 403);
    assert_eq!(live.page.with_store(Store::trace_count), 1);
    // The run's token clears it.
    let bearer = format!("Bearer {TOKEN}");
    let (status, _) = http(
        port,
        "POST",
        "/api/clear",
        &[("Authorization", &bearer)],
        None,
    );
    assert_eq!(status, 200);
    assert_eq!(live.page.with_store(Store::trace_count), 0);
    drop(b);
    live.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn report_file_shows_the_same_views_offline() {
    let Some(b) = Browser::start("report_file_shows_the_same_views_offline") else {
        return;
    };
    let loaded = genai_registry::embedded::load().expect("embedded registry loads");
    let validator = genai_validator::Validator::new(&loaded.registry);
    let telemetry =
        genai_validator::Telemetry::from_sdk_spans(agent_spans(0), Some(&common::resource()));
    let report = validator.validate(&telemetry);
    let page = genai_live_page::LivePage::new(&loaded.registry, Default::default());
    page.set_prices(genai_validator::insights::embedded_prices());
    page.ingest(telemetry, &report.spans, &report.logs, &report.metrics);
    let html = page.report_html("semconv report");
    let dir = common::webdriver::screenshot_dir().join("../browser-report");
    std::fs::create_dir_all(&dir).expect("report dir");
    let path = dir.canonicalize().expect("path").join("report.html");
    std::fs::write(&path, html).expect("write report");
    b.goto(&format!("file://{}", path.display()));
    b.wait_for("#mode", "report");
    b.screenshot("05-report-list");
    check_trace_views(&b, "06-report");
    // No network: the report made no request beyond its own file.
    let requests = b.script("return performance.getEntriesByType('resource').map(e => e.name)");
    assert_eq!(
        requests,
        serde_json::json!([]),
        "the report fetched {requests}"
    );
}
