//! `semconv live-check`: an OTLP receiver that validates telemetry as it arrives.
//!
//! The receiver (crate `genai-otlp-receiver`) decodes requests on the Tokio runtime and queues
//! them; one consumer thread validates each batch into a running [`Report`] and updates the
//! live view's state; the main task waits for a stop condition (Ctrl-C / SIGTERM, `POST /stop`,
//! `--duration`, `--idle-timeout`), shuts the receiver down (which lets in-flight requests
//! finish), waits for the consumer to validate everything queued, and writes the report.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::fmt::Write as _;
use std::io::{IsTerminal, Write as _};
use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use genai_live_page::LivePage;
use genai_otlp_receiver::{Batch, Receiver, ReceiverConfig, Stats, StatsSnapshot};
use genai_validator::report::ItemReport;
use genai_validator::telemetry::{SpanId, TraceId};
use genai_validator::{Level, Options, Report, Validator};
use miette::IntoDiagnostic;

use crate::registry_args::RegistryArgs;

use crate::report_format::ReportFormat as Format;

/// Arguments of `semconv live-check`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    registry: RegistryArgs,
    /// Port for OTLP/HTTP (`/v1/traces`, `/v1/logs`, `/v1/metrics`); 0 picks a free port.
    #[arg(long, value_name = "N", default_value_t = 4318)]
    http_port: u16,
    /// Port for OTLP/gRPC; 0 picks a free port.
    #[arg(long, value_name = "N", default_value_t = 4317)]
    grpc_port: u16,
    /// Do not listen for OTLP/HTTP.
    #[arg(long, conflicts_with = "no_grpc")]
    no_http: bool,
    /// Do not listen for OTLP/gRPC.
    #[arg(long)]
    no_grpc: bool,
    /// Address to listen on (loopback by default; anything else exposes the receiver).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    bind: IpAddr,
    /// The agent captures message content (opt-in attributes are expected, not a leak).
    #[arg(long)]
    capture_content: bool,
    /// Stop after this many seconds.
    #[arg(long, value_name = "S")]
    duration: Option<f64>,
    /// Stop after this many seconds without an export request.
    #[arg(long, value_name = "S")]
    idle_timeout: Option<f64>,
    /// Format of the final report.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Write the final report to this file (default: stdout).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// Largest request accepted, compressed and decompressed (413 / RESOURCE_EXHAUSTED above).
    #[arg(long, value_name = "BYTES", default_value_t = 16 * 1024 * 1024)]
    max_request_bytes: usize,
    /// Accepted requests that may wait for validation before 503 / UNAVAILABLE.
    #[arg(long, value_name = "N", default_value_t = 64)]
    queue_capacity: usize,
    /// Items listed one by one in the report; later items are validated and counted (per
    /// finding id and level) but not listed, so memory stays bounded on long runs.
    #[arg(long, value_name = "N", default_value_t = 100_000)]
    max_report_items: usize,
    /// No live view (only the start line and the final report).
    #[arg(short, long)]
    quiet: bool,
    /// Do not serve the web page on the HTTP port (`/`, `/api/...`, `/events`).
    #[arg(long)]
    no_page: bool,
}

/// Runs the command: exit 0 when no violation was found, 1 when one was, 2 on errors.
pub fn run(args: Args) -> miette::Result<ExitCode> {
    let loaded = match args.registry.load_or_report(true, 2) {
        Ok(l) => l,
        Err(code) => return Ok(code),
    };
    let options = Options {
        capture_content: args.capture_content,
        ..Options::default()
    };
    let validator = Validator::with_options(&loaded.registry, options);
    let (page, token) = crate::page::live_page(&loaded.registry, args.bind);
    let serve_page = !args.no_page && !args.no_http;
    let config = ReceiverConfig {
        routes: serve_page.then(|| page.routes()),
        bind: args.bind,
        http_port: (!args.no_http).then_some(args.http_port),
        grpc_port: (!args.no_grpc).then_some(args.grpc_port),
        max_request_bytes: args.max_request_bytes,
        queue_capacity: args.queue_capacity,
        ..ReceiverConfig::default()
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .into_diagnostic()?;
    let outcome = runtime.block_on(serve(
        &args,
        config,
        validator,
        &page,
        serve_page.then_some(token.as_str()),
    ))?;
    let rendered = render(&args, &outcome, &page);
    match &args.output {
        Some(path) => std::fs::write(path, rendered)
            .map_err(|e| miette::miette!("cannot write {}: {e}", path.display()))?,
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(rendered.as_bytes()).into_diagnostic()?;
            out.flush().into_diagnostic()?;
        }
    }
    eprintln!("{}", summary_line(&outcome));
    Ok(if outcome.levels.violation > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// What a run produced.
struct Outcome {
    report: Report,
    stats: StatsSnapshot,
    levels: Levels,
    items_validated: Counts,
    items_not_listed: u64,
    stop_reason: &'static str,
}

#[derive(Clone, Copy, Debug, Default)]
struct Levels {
    violation: u64,
    improvement: u64,
    information: u64,
}

#[derive(Clone, Copy, Debug, Default)]
struct Counts {
    spans: u64,
    logs: u64,
    metrics: u64,
}

async fn serve(
    args: &Args,
    config: ReceiverConfig,
    validator: Validator,
    page: &Arc<LivePage>,
    page_token: Option<&str>,
) -> miette::Result<Outcome> {
    let (receiver, mut batches) = Receiver::start(config).await.into_diagnostic()?;
    let mut listening = Vec::new();
    if let Some(a) = receiver.http_addr() {
        listening.push(format!("OTLP/HTTP http://{a}"));
    }
    if let Some(a) = receiver.grpc_addr() {
        listening.push(format!("OTLP/gRPC http://{a}"));
    }
    eprintln!(
        "semconv live-check: listening on {} ({}); GET /health for readiness; Ctrl-C or POST /stop to finish",
        listening.join(", "),
        args.registry.describe()
    );
    if let (Some(a), Some(token)) = (receiver.http_addr(), page_token) {
        eprintln!(
            "semconv live-check: page http://{a}/ (run token for scripts: {token}; --no-page turns it off)"
        );
    }

    let view = Arc::new(Mutex::new(ViewState::default()));
    let max_items = args.max_report_items;
    let consumer = {
        let view = view.clone();
        let page = (page_token.is_some() || args.format == Format::Html).then(|| page.clone());
        std::thread::Builder::new()
            .name("live-check-validate".into())
            .spawn(move || {
                let mut consumer = Consumer::new(validator, max_items, view, page);
                while let Some(batch) = batches.blocking_recv() {
                    consumer.consume(batch);
                }
                consumer
            })
            .into_diagnostic()?
    };

    let live = if args.quiet {
        None
    } else {
        let tty = std::io::stdout().is_terminal() && std::io::stderr().is_terminal();
        Some(tokio::spawn(live_view(
            receiver.stats().clone(),
            view.clone(),
            listening.join(", "),
            tty,
        )))
    };

    let stop_reason = wait_for_stop(&receiver, args.duration, args.idle_timeout).await;
    let stats_handle = receiver.stats().clone();
    // Event streams end first, so the listener need not wait for them.
    page.close();
    receiver.shutdown().await;
    if let Some(live) = live {
        live.abort();
        let _ = live.await;
        clear_live(&view);
    }
    let consumer = tokio::task::spawn_blocking(move || consumer.join())
        .await
        .into_diagnostic()?
        .map_err(|_| miette::miette!("the validation thread panicked"))?;
    let stats = stats_handle.snapshot();
    Ok(Outcome {
        report: consumer.report,
        stats,
        levels: consumer.levels,
        items_validated: consumer.validated,
        items_not_listed: consumer.not_listed,
        stop_reason,
    })
}

async fn wait_for_stop(
    receiver: &Receiver,
    duration: Option<f64>,
    idle_timeout: Option<f64>,
) -> &'static str {
    let seconds = |s: f64| Duration::try_from_secs_f64(s.max(0.0)).unwrap_or(Duration::MAX);
    let deadline = async {
        match duration {
            Some(s) => tokio::time::sleep(seconds(s)).await,
            None => std::future::pending().await,
        }
    };
    let idle = async {
        let Some(limit) = idle_timeout.map(seconds) else {
            return std::future::pending().await;
        };
        loop {
            let idle = receiver.stats().idle();
            if idle >= limit {
                return;
            }
            tokio::time::sleep((limit - idle).min(Duration::from_millis(200))).await;
        }
    };
    tokio::select! {
        () = ctrl_c_or_term() => "interrupted",
        () = receiver.stop_requested() => "POST /stop",
        () = deadline => "--duration elapsed",
        () = idle => "--idle-timeout elapsed",
    }
}

async fn ctrl_c_or_term() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    if tokio::signal::ctrl_c().await.is_err() {
        std::future::pending::<()>().await;
    }
}

/// Validates batches into the running report; keeps the live view's state.
struct Consumer {
    validator: Validator,
    report: Report,
    levels: Levels,
    validated: Counts,
    max_items: usize,
    not_listed: u64,
    view: Arc<Mutex<ViewState>>,
    /// Fed when the page is served or the report is HTML.
    page: Option<Arc<LivePage>>,
}

impl Consumer {
    fn new(
        validator: Validator,
        max_items: usize,
        view: Arc<Mutex<ViewState>>,
        page: Option<Arc<LivePage>>,
    ) -> Self {
        let report = validator.report();
        Consumer {
            validator,
            report,
            levels: Levels::default(),
            validated: Counts::default(),
            max_items,
            not_listed: 0,
            view,
            page,
        }
    }

    fn consume(&mut self, batch: Batch) {
        let t = &batch.telemetry;
        let start = [
            self.report.spans.len(),
            self.report.logs.len(),
            self.report.metrics.len(),
        ];
        self.validator.validate_into(t, &mut self.report);
        self.validated.spans += t.spans.len() as u64;
        self.validated.logs += t.logs.len() as u64;
        self.validated.metrics += t.metrics.len() as u64;
        let new_spans = &self.report.spans[start[0]..];
        let new_items = new_spans
            .iter()
            .chain(&self.report.logs[start[1]..])
            .chain(&self.report.metrics[start[2]..]);
        for f in new_items.flat_map(|i| &i.findings) {
            match f.level {
                Level::Violation => self.levels.violation += 1,
                Level::Improvement => self.levels.improvement += 1,
                Level::Information => self.levels.information += 1,
            }
        }
        if let Ok(mut view) = self.view.lock() {
            view.update(&self.report, start, self.levels);
        }
        if let Some(page) = &self.page {
            page.ingest(
                batch.telemetry,
                &self.report.spans[start[0]..],
                &self.report.logs[start[1]..],
                &self.report.metrics[start[2]..],
            );
        }
        self.bound_memory(start);
    }

    /// Past `max_items` listed items, drops the new items from the list (their findings stay
    /// in the counts per id and per level), so memory stays bounded on long runs.
    fn bound_memory(&mut self, start: [usize; 3]) {
        let listed = self.report.spans.len() + self.report.logs.len() + self.report.metrics.len();
        if listed <= self.max_items {
            return;
        }
        let mut dropped = 0u64;
        let lists = [
            (&mut self.report.spans, start[0]),
            (&mut self.report.logs, start[1]),
            (&mut self.report.metrics, start[2]),
        ];
        for (list, from) in lists {
            dropped += (list.len() - from) as u64;
            list.truncate(from);
        }
        self.not_listed += dropped;
    }
}

/// What the live view shows; updated by the consumer after each batch.
#[derive(Default)]
struct ViewState {
    /// Spans per matched definition (or span name when none matched).
    spans_by_type: BTreeMap<String, u64>,
    /// Findings per id.
    findings: BTreeMap<&'static str, u64>,
    levels: Levels,
    logs: u64,
    metrics: u64,
    /// The most recent traces (oldest first), with their spans (bounded).
    traces: VecDeque<(TraceId, Vec<ViewSpan>)>,
    /// Lines printed by the last in-place refresh (to move the cursor back).
    drawn: usize,
}

struct ViewSpan {
    id: Option<SpanId>,
    parent: Option<SpanId>,
    label: String,
}

const LAST_TRACES: usize = 3;
const SPANS_PER_TRACE: usize = 12;

impl ViewState {
    fn update(&mut self, report: &Report, start: [usize; 3], levels: Levels) {
        self.levels = levels;
        for item in &report.spans[start[0]..] {
            let ty = match &item.definition {
                Some(d) => d.to_string(),
                None => format!("(no definition) {}", item.name),
            };
            *self.spans_by_type.entry(ty).or_default() += 1;
            self.record_trace(item);
        }
        self.logs += (report.logs.len() - start[1]) as u64;
        self.metrics += (report.metrics.len() - start[2]) as u64;
        let all_new = report.spans[start[0]..]
            .iter()
            .chain(&report.logs[start[1]..])
            .chain(&report.metrics[start[2]..]);
        for f in all_new.flat_map(|i| &i.findings) {
            *self.findings.entry(f.id.as_str()).or_default() += 1;
        }
        // Bounded: at most a few hundred span types are plausible; cap anyway.
        if self.spans_by_type.len() > 1000 {
            self.spans_by_type.pop_last();
        }
    }

    fn record_trace(&mut self, item: &ItemReport) {
        let trace = item.trace_id.unwrap_or(TraceId::INVALID);
        let mark = match item.worst() {
            Some(Level::Violation) => "✗",
            Some(_) => "~",
            None => "✓",
        };
        let mut label = format!("{mark} {}", item.name);
        let mut ids: Vec<&str> = item.findings.iter().map(|f| f.id.as_str()).collect();
        ids.dedup();
        if !ids.is_empty() {
            let _ = write!(label, "  [{}]", ids.join(", "));
        }
        let span = ViewSpan {
            id: item.span_id,
            parent: item.parent_span_id,
            label,
        };
        if let Some(pos) = self.traces.iter().position(|(t, _)| *t == trace) {
            let (_, spans) = &mut self.traces[pos];
            if spans.len() < SPANS_PER_TRACE {
                spans.push(span);
            }
            // Most recent trace last.
            if let Some(entry) = self.traces.remove(pos) {
                self.traces.push_back(entry);
            }
        } else {
            if self.traces.len() == LAST_TRACES {
                self.traces.pop_front();
            }
            self.traces.push_back((trace, vec![span]));
        }
    }

    fn render(&self, stats: &StatsSnapshot, listening: &str) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "semconv live-check · {listening} · {:.0} s",
            stats.uptime.as_secs_f64()
        );
        let _ = writeln!(
            out,
            "received {} spans, {} logs, {} metrics in {} requests · refused: {} malformed, {} too large, {} busy, {} unsupported",
            stats.spans_accepted,
            stats.logs_accepted,
            stats.metrics_accepted,
            stats.accepted,
            stats.malformed,
            stats.too_large,
            stats.busy,
            stats.unsupported
        );
        let _ = writeln!(
            out,
            "findings: {} violation, {} improvement, {} information",
            self.levels.violation, self.levels.improvement, self.levels.information
        );
        if !self.spans_by_type.is_empty() {
            let _ = writeln!(out, "spans by type:");
            for (ty, n) in self.spans_by_type.iter().take(12) {
                let _ = writeln!(out, "  {n:>9}  {ty}");
            }
        }
        if !self.findings.is_empty() {
            let _ = writeln!(out, "findings by id:");
            for (id, n) in &self.findings {
                let _ = writeln!(out, "  {n:>9}  {id}");
            }
        }
        if !self.traces.is_empty() {
            let _ = writeln!(out, "last traces:");
            for (trace, spans) in self.traces.iter().rev() {
                let _ = writeln!(out, "  trace {trace}");
                for (span, depth) in tree(spans) {
                    let _ = writeln!(out, "  {}{}", "  ".repeat(depth + 1), span.label);
                }
            }
        }
        out
    }

    fn plain_line(&self, stats: &StatsSnapshot) -> String {
        let mut line = format!(
            "live-check: {} spans, {} logs, {} metrics received ({} refused); {} violation, {} improvement, {} information",
            stats.spans_accepted,
            stats.logs_accepted,
            stats.metrics_accepted,
            stats.malformed + stats.too_large + stats.busy + stats.unsupported,
            self.levels.violation,
            self.levels.improvement,
            self.levels.information
        );
        if !self.findings.is_empty() {
            let ids: Vec<String> = self
                .findings
                .iter()
                .map(|(id, n)| format!("{id} {n}"))
                .collect();
            let _ = write!(line, " [{}]", ids.join(", "));
        }
        line
    }
}

/// Spans of one trace in tree order with their depth (spans whose parent is absent are roots).
fn tree(spans: &[ViewSpan]) -> Vec<(&ViewSpan, usize)> {
    let index: HashMap<SpanId, usize> = spans
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.id.map(|id| (id, i)))
        .collect();
    let mut children: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut roots = Vec::new();
    for (i, s) in spans.iter().enumerate() {
        match s.parent.and_then(|p| index.get(&p)) {
            Some(&p) if p != i => children.entry(p).or_default().push(i),
            _ => roots.push(i),
        }
    }
    let mut out = Vec::with_capacity(spans.len());
    let mut visited = vec![false; spans.len()];
    let mut stack: Vec<(usize, usize)> = roots.into_iter().rev().map(|i| (i, 0)).collect();
    while let Some((i, depth)) = stack.pop() {
        if std::mem::replace(&mut visited[i], true) {
            continue;
        }
        out.push((&spans[i], depth));
        if let Some(c) = children.get(&i) {
            stack.extend(c.iter().rev().map(|&c| (c, depth + 1)));
        }
    }
    // Spans in a parent cycle: listed flat rather than lost.
    for (i, v) in visited.iter().enumerate() {
        if !v {
            out.push((&spans[i], 0));
        }
    }
    out
}

/// Refreshes the view: in place on a terminal (4 times a second), else a plain line to stderr
/// every 5 seconds when something changed.
async fn live_view(stats: Arc<Stats>, view: Arc<Mutex<ViewState>>, listening: String, tty: bool) {
    let period = if tty {
        Duration::from_millis(250)
    } else {
        Duration::from_secs(5)
    };
    let mut tick = tokio::time::interval(period);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut last_line = String::new();
    loop {
        tick.tick().await;
        let snapshot = stats.snapshot();
        let Ok(mut state) = view.lock() else { return };
        let mut err = std::io::stderr().lock();
        if tty {
            let text = state.render(&snapshot, &listening);
            let lines = text.lines().count();
            // Back to the first line of the previous frame, clear below, draw.
            if state.drawn > 0 {
                let _ = write!(err, "\x1b[{}F", state.drawn);
            }
            let _ = write!(err, "\x1b[J{text}");
            let _ = err.flush();
            state.drawn = lines;
        } else {
            let line = state.plain_line(&snapshot);
            if line != last_line {
                let _ = writeln!(err, "{line}");
                last_line = line;
            }
        }
    }
}

/// Erases the in-place view before the final output.
fn clear_live(view: &Mutex<ViewState>) {
    if let Ok(mut state) = view.lock()
        && state.drawn > 0
    {
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\x1b[{}F\x1b[J", state.drawn);
        let _ = err.flush();
        state.drawn = 0;
    }
}

fn summary_line(o: &Outcome) -> String {
    let s = &o.stats;
    format!(
        "semconv live-check: stopped ({}); received {} spans, {} logs, {} metrics; validated {} spans, {} logs, {} metrics; refused {} requests ({} malformed, {} too large, {} busy, {} unsupported); {} violation, {} improvement, {} information",
        o.stop_reason,
        s.spans_accepted,
        s.logs_accepted,
        s.metrics_accepted,
        o.items_validated.spans,
        o.items_validated.logs,
        o.items_validated.metrics,
        s.malformed + s.too_large + s.busy + s.unsupported,
        s.malformed,
        s.too_large,
        s.busy,
        s.unsupported,
        o.levels.violation,
        o.levels.improvement,
        o.levels.information
    )
}

fn render(args: &Args, o: &Outcome, page: &LivePage) -> String {
    match args.format {
        Format::Html => page.report_html("semconv live-check report"),
        Format::Text => {
            let mut out = o.report.to_text();
            if !out.ends_with('\n') {
                out.push('\n');
            }
            let _ = writeln!(out, "\nLive check");
            let s = &o.stats;
            let _ = writeln!(out, "  stopped: {}", o.stop_reason);
            let _ = writeln!(
                out,
                "  received:  {} spans, {} logs, {} metrics in {} requests",
                s.spans_accepted, s.logs_accepted, s.metrics_accepted, s.accepted
            );
            let _ = writeln!(
                out,
                "  validated: {} spans, {} logs, {} metrics",
                o.items_validated.spans, o.items_validated.logs, o.items_validated.metrics
            );
            let _ = writeln!(
                out,
                "  refused:   {} malformed, {} too large, {} busy ({} items), {} unsupported",
                s.malformed, s.too_large, s.busy, s.items_refused_busy, s.unsupported
            );
            let _ = writeln!(
                out,
                "  findings:  {} violation, {} improvement, {} information",
                o.levels.violation, o.levels.improvement, o.levels.information
            );
            if o.items_not_listed > 0 {
                let _ = writeln!(
                    out,
                    "  {} items validated but not listed (--max-report-items); counts above are complete",
                    o.items_not_listed
                );
            }
            out
        }
        Format::Json => {
            let mut value = genai_validator::report::json::to_value(&o.report);
            let s = &o.stats;
            let live = serde_json::json!({
                "stop_reason": o.stop_reason,
                "requests": {
                    "total": s.requests,
                    "accepted": s.accepted,
                    "malformed": s.malformed,
                    "too_large": s.too_large,
                    "busy": s.busy,
                    "unsupported": s.unsupported,
                },
                "received": {"spans": s.spans_accepted, "logs": s.logs_accepted, "metrics": s.metrics_accepted},
                "validated": {
                    "spans": o.items_validated.spans,
                    "logs": o.items_validated.logs,
                    "metrics": o.items_validated.metrics,
                },
                "refused_items_busy": s.items_refused_busy,
                "findings": {
                    "violation": o.levels.violation,
                    "improvement": o.levels.improvement,
                    "information": o.levels.information,
                },
                "items_not_listed": o.items_not_listed,
            });
            if let Some(obj) = value.as_object_mut() {
                obj.insert("live_check".into(), live);
            }
            let mut out = serde_json::to_string_pretty(&value).unwrap_or_else(|_| "{}".into());
            out.push('\n');
            out
        }
        Format::Junit => o.report.to_junit(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(id: u64, parent: Option<u64>, label: &str) -> ViewSpan {
        ViewSpan {
            id: Some(SpanId::from(id)),
            parent: parent.map(SpanId::from),
            label: label.into(),
        }
    }

    #[test]
    fn trees_nest_children_under_parents() {
        let spans = vec![
            span(2, Some(1), "chat"),
            span(1, None, "invoke_agent"),
            span(3, Some(1), "execute_tool"),
            span(4, Some(99), "orphan"),
        ];
        let order: Vec<(&str, usize)> = tree(&spans)
            .into_iter()
            .map(|(s, d)| (s.label.as_str(), d))
            .collect();
        assert_eq!(
            order,
            vec![
                ("invoke_agent", 0),
                ("chat", 1),
                ("execute_tool", 1),
                ("orphan", 0)
            ]
        );
    }

    #[test]
    fn parent_cycles_do_not_lose_spans() {
        let spans = vec![span(1, Some(2), "a"), span(2, Some(1), "b")];
        assert_eq!(tree(&spans).len(), 2);
    }
}
