//! `semconv live-check`: an OTLP receiver that validates telemetry as it arrives.
//!
//! The receiver (crate `genai-otlp-receiver`) decodes requests off the async threads and
//! queues them; a dispatcher splits each batch by trace id and hands each part to one of
//! `--workers` validation threads, each with its own [`Session`] (complete counts, bounded
//! listing, traces assembled across requests: every span of a trace reaches the same thread),
//! each publishing its [`Snapshot`] for the live view. The main task waits for a stop condition
//! (Ctrl-C / SIGTERM, `POST /stop`, `--duration`, `--idle-timeout`), shuts the receiver down
//! (which lets in-flight requests finish), waits for the threads to validate everything
//! queued, merges their reports and writes the result. This module only orchestrates and
//! draws: validation, counting and the span tree are the validator's.

use std::fmt::Write as _;
use std::io::{IsTerminal, Write as _};
use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use genai_live_page::LivePage;
use genai_otlp_receiver::{Receiver, ReceiverConfig, Stats, StatsSnapshot};
use genai_validator::insights::{InsightOptions, Insights};
use genai_validator::session::{Limits, Snapshot};
use genai_validator::{FindingId, Options, Report, ReportLimits, Session, Validator};
use miette::IntoDiagnostic;

use crate::insight_args::{Collector, InsightArgs};
use crate::output::emit;
use crate::registry_args::RegistryArgs;
use crate::report_format::{ReportArgs, ReportFormat as Format, write_report};

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
    #[arg(long, value_name = "S", value_parser = crate::flags::seconds_f64)]
    duration: Option<f64>,
    /// Stop after this many seconds without an export request.
    #[arg(long, value_name = "S", value_parser = crate::flags::seconds_f64)]
    idle_timeout: Option<f64>,
    /// Format of the final report.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Write the final report to this file (default: stdout).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// Largest request accepted, compressed and decompressed (413 / RESOURCE_EXHAUSTED above);
    /// units KiB, MiB, GiB accepted.
    #[arg(long, value_name = "BYTES", default_value = "16MiB", value_parser = crate::flags::bytes)]
    max_request_bytes: usize,
    /// Most elements (spans, log records, metrics, data points, events, links, attributes,
    /// array values) one request may decode into (413 / RESOURCE_EXHAUSTED above, before
    /// decoding).
    #[arg(long, value_name = "N", default_value = "1000000", value_parser = crate::flags::limit)]
    max_request_elements: usize,
    /// Memory (estimated) that requests being read, decoded or waiting for validation may
    /// hold together (503 / UNAVAILABLE, retryable, above).
    #[arg(long, value_name = "BYTES", default_value = "1GiB", value_parser = crate::flags::bytes)]
    max_bytes_in_flight: usize,
    /// Accepted requests that may wait for validation before 503 / UNAVAILABLE.
    #[arg(long, value_name = "N", default_value = "256", value_parser = crate::flags::queue_capacity)]
    queue_capacity: usize,
    /// Open connections at most; more are closed at once.
    #[arg(long, value_name = "N", default_value = "256", value_parser = crate::flags::limit)]
    max_connections: usize,
    /// Seconds a request body may take to arrive (408 / DEADLINE_EXCEEDED after).
    #[arg(long, value_name = "S", default_value = "30", value_parser = crate::flags::seconds)]
    body_timeout: Duration,
    /// Access token for POST /stop (and, with a non-loopback --bind, every endpoint but
    /// /health); default: a random one, printed at start.
    #[arg(long, value_name = "TOKEN", value_parser = crate::flags::token)]
    token: Option<String>,
    /// Answer each export request with a one-line summary of its violations in the
    /// partial-success message (zero items rejected), so it shows in the exporting program's
    /// own log; the request waits for its validation (at most 2 s).
    #[arg(long)]
    warn_in_response: bool,
    /// Items listed one by one in the report; later items are validated and counted (per
    /// finding id and level) but not listed, so memory stays bounded on long runs.
    #[arg(long, value_name = "N", default_value_t = 100_000)]
    max_report_items: usize,
    /// Validation threads: each validates the traces whose id falls to it (every span and log
    /// record of a trace on the same one), and their reports are merged at the end; default:
    /// one per core.
    #[arg(long, value_name = "N", value_parser = crate::flags::workers)]
    workers: Option<usize>,
    /// No live view (only the start line and the final report).
    #[arg(short, long)]
    quiet: bool,
    #[command(flatten)]
    report: ReportArgs,
    #[command(flatten)]
    insights: InsightArgs,
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
    let mut options = Options {
        capture_content: args.capture_content,
        ..Options::default()
    };
    let thresholds = args.report.apply_config(&mut options)?;
    let insight_options = args.insights.options(thresholds)?;
    let validator = Validator::with_options(&loaded.registry, options);
    let token = match &args.token {
        Some(t) => t.clone(),
        None => genai_otlp_receiver::random_token().into_diagnostic()?,
    };
    let page = crate::page::live_page(
        &loaded.registry,
        args.bind,
        &token,
        insight_options.prices.clone(),
    );
    let serve_page = !args.no_page && !args.no_http;
    let config = ReceiverConfig {
        routes: serve_page.then(|| page.routes()),
        bind: args.bind,
        http_port: (!args.no_http).then_some(args.http_port),
        grpc_port: (!args.no_grpc).then_some(args.grpc_port),
        max_request_bytes: args.max_request_bytes,
        max_request_elements: args.max_request_elements,
        max_bytes_in_flight: args.max_bytes_in_flight,
        queue_capacity: args.queue_capacity,
        max_connections: args.max_connections,
        body_timeout: args.body_timeout,
        token: Some(token.clone()),
        warn_in_response: args.warn_in_response,
        ..ReceiverConfig::default()
    };
    config.validate().map_err(|e| miette::miette!("{e}"))?;
    if !args.bind.is_loopback() {
        eprintln!(
            "semconv live-check: WARNING: listening on {}, reachable from other machines: every \
             endpoint but /health needs the token (exporters: \
             OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20{token})",
            args.bind
        );
    }
    eprintln!(
        "semconv live-check: access token {token} (POST /stop needs `Authorization: Bearer {token}`)"
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .into_diagnostic()?;
    let outcome = runtime.block_on(serve(
        &args,
        config,
        validator,
        insight_options,
        &page,
        serve_page.then_some(token.as_str()),
    ))?;
    let text = args.report.text_options();
    emit(args.output.as_deref(), |out| match args.format {
        Format::Text => {
            write_report(
                &outcome.report,
                Format::Text,
                &text,
                out,
                Some(&outcome.insights),
                None,
            )?;
            write_live_text(out, &outcome)
        }
        Format::Json => {
            let live = live_json(&outcome);
            write_report(
                &outcome.report,
                Format::Json,
                &text,
                out,
                Some(&outcome.insights),
                Some(("live_check", &live)),
            )
        }
        Format::Junit => write_report(
            &outcome.report,
            Format::Junit,
            &text,
            out,
            Some(&outcome.insights),
            None,
        ),
        Format::Html => out.write_all(page.report_html("semconv live-check report").as_bytes()),
    })?;
    eprintln!("{}", summary_line(&outcome));
    Ok(
        if outcome.report.has_violations() || outcome.insights.has_violations() {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        },
    )
}

/// What a run produced.
struct Outcome {
    report: Report,
    insights: Insights,
    stats: StatsSnapshot,
    stop_reason: &'static str,
}

/// How often the consumer publishes a snapshot for the view.
const PUBLISH_EVERY: Duration = Duration::from_millis(200);

async fn serve(
    args: &Args,
    config: ReceiverConfig,
    validator: Validator,
    insight_options: InsightOptions,
    page: &Arc<LivePage>,
    page_token: Option<&str>,
) -> miette::Result<Outcome> {
    let (receiver, batches) = Receiver::start(config).await.into_diagnostic()?;
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

    let insights = Collector::new(insight_options);
    let view = Arc::new(Mutex::new(ViewState {
        insights: Some(insights.clone()),
        ..ViewState::default()
    }));
    let limits = Limits {
        report: ReportLimits {
            max_items: args.max_report_items,
            ..ReportLimits::default()
        },
        recent_traces: LAST_TRACES,
        ..Limits::default()
    };
    let workers = args.workers.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    });
    let consumer = {
        let view = view.clone();
        let page = (page_token.is_some() || args.format == Format::Html).then(|| page.clone());
        std::thread::Builder::new()
            .name("live-check-validate".into())
            .spawn(move || {
                // Each shard lists its share, so the merged report stays within the limits.
                let shard_limits = limits.shard(workers);
                let shards: Vec<Shard<'_>> = (0..workers)
                    .map(|index| {
                        let mut session = Session::with_limits(&validator, shard_limits);
                        insights.attach(&mut session);
                        Shard {
                            index,
                            session,
                            insights: insights.clone(),
                            page: page.clone(),
                            view: view.clone(),
                            published: None,
                        }
                    })
                    .collect();
                if let Ok(mut v) = view.lock() {
                    v.shards = vec![Snapshot::default(); workers];
                }
                let mut parts = batches
                    .blocking_drain_sharded(shards)
                    .into_iter()
                    .map(|shard| shard.session.finish());
                let mut report = parts
                    .next()
                    .unwrap_or_else(|| Session::new(&validator).finish());
                for part in parts {
                    report.merge(part, &limits.report);
                }
                (report, insights.finish())
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
    let (report, insights) = tokio::task::spawn_blocking(move || consumer.join())
        .await
        .into_diagnostic()?
        .map_err(|_| miette::miette!("the validation thread panicked"))?;
    let stats = stats_handle.snapshot();
    Ok(Outcome {
        report,
        insights,
        stats,
        stop_reason,
    })
}

/// One validation thread: its session (the traces that fall to it), and what it feeds.
struct Shard<'v> {
    index: usize,
    session: Session<'v>,
    insights: Collector,
    page: Option<Arc<LivePage>>,
    view: Arc<Mutex<ViewState>>,
    published: Option<Instant>,
}

impl genai_otlp_receiver::Sink for Shard<'_> {
    fn consume(&mut self, mut batch: genai_otlp_receiver::Batch) {
        let session = &mut self.session;
        let listed = {
            let r = session.report();
            [r.spans.len(), r.logs.len(), r.metrics.len()]
        };
        let before = batch.wants_answer().then(|| {
            (
                session.report().counts(),
                session.report().level_counts().violation,
            )
        });
        if self.page.is_some() {
            self.insights.push(session, &batch.telemetry);
        } else {
            self.insights
                .push_owned(session, std::mem::take(&mut batch.telemetry));
        }
        if let Some((counts, violations)) = before {
            batch.answer(violation_summary(&counts, violations, session.report()));
        }
        if let Some(page) = &self.page {
            let r = session.report();
            page.ingest(
                std::mem::take(&mut batch.telemetry),
                r.spans.get(listed[0]..).unwrap_or(&[]),
                r.logs.get(listed[1]..).unwrap_or(&[]),
                r.metrics.get(listed[2]..).unwrap_or(&[]),
            );
        }
        drop(batch);
        if self.published.is_none_or(|p| p.elapsed() >= PUBLISH_EVERY) {
            let snapshot = session.snapshot();
            if let Ok(mut v) = self.view.lock()
                && let Some(slot) = v.shards.get_mut(self.index)
            {
                *slot = snapshot;
            }
            self.published = Some(Instant::now());
        }
    }
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

/// One line for the exporter's log (`--warn-in-response`): the violations one request added to
/// the session's complete counts, and its findings by id (most frequent first); empty when it
/// added no violation.
fn violation_summary(
    before: &[(FindingId, usize)],
    violations_before: usize,
    report: &Report,
) -> String {
    let violations = report
        .level_counts()
        .violation
        .saturating_sub(violations_before);
    if violations == 0 {
        return String::new();
    }
    let mut ids: Vec<(&str, usize)> = report
        .counts()
        .into_iter()
        .filter_map(|(id, n)| {
            let was = before.iter().find(|(b, _)| *b == id).map_or(0, |(_, n)| *n);
            (n > was).then(|| (id.as_str(), n - was))
        })
        .collect();
    ids.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let list: Vec<String> = ids.iter().map(|(id, n)| format!("{n} {id}")).collect();
    format!(
        "semconv live-check: {violations} violation{} in this request; findings: {}",
        if violations == 1 { "" } else { "s" },
        list.join(", ")
    )
}

/// What the live view shows: the latest snapshot of each validation thread.
#[derive(Default)]
struct ViewState {
    shards: Vec<Snapshot>,
    /// Where the completed traces' figures (tokens, cost, LLM calls) come from.
    insights: Option<Collector>,
    /// Lines printed by the last in-place refresh (to move the cursor back).
    drawn: usize,
}

const LAST_TRACES: usize = 3;
const SPANS_PER_TRACE: usize = 12;

impl ViewState {
    /// The shards' snapshots as one.
    fn snapshot(&self) -> Snapshot {
        let mut all = Snapshot::default();
        for s in &self.shards {
            all.merge(s.clone(), LAST_TRACES);
        }
        all
    }

    fn render(&self, stats: &StatsSnapshot, listening: &str) -> String {
        let snap = &self.snapshot();
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
            snap.levels.violation, snap.levels.improvement, snap.levels.information
        );
        if !snap.per_definition.is_empty() {
            let _ = writeln!(out, "items by definition:");
            let mut defs: Vec<_> = snap.per_definition.iter().collect();
            defs.sort_by_key(|d| std::cmp::Reverse(d.1));
            for (def, n) in defs.into_iter().take(12) {
                let _ = writeln!(
                    out,
                    "  {n:>9}  {}",
                    def.as_deref().unwrap_or("(no definition)")
                );
            }
        }
        if !snap.counts.is_empty() {
            let _ = writeln!(out, "findings by id:");
            for (id, n) in &snap.counts {
                let _ = writeln!(out, "  {n:>9}  {id}");
            }
        }
        let completed = self.insights.as_ref().map(Collector::recent);
        if let Some(completed) = completed.filter(|c| !c.is_empty()) {
            let _ = writeln!(out, "completed traces:");
            for t in completed {
                let _ = writeln!(out, "  {}", t.line());
            }
        }
        if !snap.recent.is_empty() {
            let _ = writeln!(out, "last traces:");
            for trace in snap.recent.iter().take(LAST_TRACES) {
                let _ = writeln!(out, "  trace {}", trace.trace_id);
                for node in trace.tree.nodes.iter().take(SPANS_PER_TRACE) {
                    let span = &trace.nodes[node.index];
                    let mark = match span.worst() {
                        Some(genai_validator::Level::Violation) => "✗",
                        Some(genai_validator::Level::Improvement) => "~",
                        _ => "✓",
                    };
                    let pad = "  ".repeat(node.depth + 1);
                    let _ = write!(out, "  {pad}{mark} {}", genai_validator::clip(&span.name));
                    if !span.ids.is_empty() {
                        let ids: Vec<&str> = span.ids.iter().map(|i| i.as_str()).collect();
                        let _ = write!(out, "  [{}]", ids.join(", "));
                    }
                    if let Some(note) = node.link.note() {
                        let _ = write!(out, "  ({note})");
                    }
                    let _ = writeln!(out);
                }
                let more =
                    trace.nodes.len().saturating_sub(SPANS_PER_TRACE) as u64 + trace.spans_not_kept;
                if more > 0 {
                    let _ = writeln!(out, "    ... and {more} more spans");
                }
            }
        }
        out
    }

    fn plain_line(&self, stats: &StatsSnapshot) -> String {
        let snap = &self.snapshot();
        let mut line = format!(
            "live-check: {} spans, {} logs, {} metrics received ({} refused); {} violation, {} improvement, {} information",
            stats.spans_accepted,
            stats.logs_accepted,
            stats.metrics_accepted,
            stats.malformed + stats.too_large + stats.busy + stats.unsupported,
            snap.levels.violation,
            snap.levels.improvement,
            snap.levels.information
        );
        if !snap.counts.is_empty() {
            let ids: Vec<String> = snap
                .counts
                .iter()
                .map(|(id, n)| format!("{id} {n}"))
                .collect();
            let _ = write!(line, " [{}]", ids.join(", "));
        }
        if let Some(t) = self
            .insights
            .as_ref()
            .and_then(|c| c.recent().into_iter().next())
        {
            let _ = write!(line, "; last completed {}", t.line());
        }
        line
    }
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
    let v = o.report.validated();
    let levels = o.report.level_counts();
    format!(
        "semconv live-check: stopped ({}); received {} spans, {} logs, {} metrics; validated {} spans, {} logs, {} metrics; refused {} requests ({} malformed, {} too large, {} busy, {} unsupported); {} violation, {} improvement, {} information",
        o.stop_reason,
        s.spans_accepted,
        s.logs_accepted,
        s.metrics_accepted,
        v.spans,
        v.logs,
        v.metrics,
        s.malformed + s.too_large + s.busy + s.unsupported,
        s.malformed,
        s.too_large,
        s.busy,
        s.unsupported,
        levels.violation,
        levels.improvement,
        levels.information
    )
}

fn write_live_text(out: &mut dyn std::io::Write, o: &Outcome) -> std::io::Result<()> {
    let s = &o.stats;
    let v = o.report.validated();
    let levels = o.report.level_counts();
    writeln!(out, "\nLive check")?;
    writeln!(out, "  stopped: {}", o.stop_reason)?;
    writeln!(
        out,
        "  received:  {} spans, {} logs, {} metrics in {} requests",
        s.spans_accepted, s.logs_accepted, s.metrics_accepted, s.accepted
    )?;
    writeln!(
        out,
        "  validated: {} spans, {} logs, {} metrics",
        v.spans, v.logs, v.metrics
    )?;
    writeln!(
        out,
        "  refused:   {} malformed, {} too large, {} busy ({} items), {} unsupported",
        s.malformed, s.too_large, s.busy, s.items_refused_busy, s.unsupported
    )?;
    writeln!(
        out,
        "  findings:  {} violation, {} improvement, {} information",
        levels.violation, levels.improvement, levels.information
    )?;
    let not_listed = o.report.not_listed().total();
    if not_listed > 0 {
        writeln!(
            out,
            "  {not_listed} items validated but not listed (--max-report-items); counts above are complete"
        )?;
    }
    Ok(())
}

fn live_json(o: &Outcome) -> serde_json::Value {
    let s = &o.stats;
    let v = o.report.validated();
    let levels = o.report.level_counts();
    serde_json::json!({
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
        "validated": {"spans": v.spans, "logs": v.logs, "metrics": v.metrics},
        "refused_items_busy": s.items_refused_busy,
        "findings": {
            "violation": levels.violation,
            "improvement": levels.improvement,
            "information": levels.information,
        },
        "items_not_listed": o.report.not_listed().total(),
    })
}

#[cfg(test)]
mod tests {
    use genai_validator::telemetry::{
        Attributes, Span, SpanId, SpanKind, Telemetry, TraceId, Value,
    };

    use super::*;

    fn span(id: u64, parent: Option<u64>, name: &str, attrs: &[(&'static str, Value)]) -> Span {
        let attributes: Attributes = attrs
            .iter()
            .map(|(k, v)| ((*k).into(), v.clone()))
            .collect();
        let kind = if parent.is_some() {
            SpanKind::Client
        } else {
            SpanKind::Internal
        };
        let mut s = Span::new(
            TraceId::from(7),
            SpanId::from(id),
            name.to_owned(),
            kind,
            attributes,
        );
        s.parent_span_id = parent.map(SpanId::from);
        s.end_time_unix_nano = 2_000_000_000;
        s
    }

    #[test]
    fn the_live_view_lists_completed_traces_with_tokens_cost_and_calls() {
        let validator = Validator::new(genai_validator::embedded_registry());
        let insights = Collector::new(InsightOptions::default());
        let mut session = Session::new(&validator);
        insights.attach(&mut session);
        let s = |v: &str| Value::from(v);
        let telemetry = Telemetry {
            spans: vec![
                span(
                    1,
                    None,
                    "invoke_agent planner\u{1b}[2J",
                    &[("gen_ai.operation.name", s("invoke_agent"))],
                ),
                span(
                    2,
                    Some(1),
                    "chat gpt-4o",
                    &[
                        ("gen_ai.operation.name", s("chat")),
                        ("gen_ai.provider.name", s("openai")),
                        ("gen_ai.request.model", s("gpt-4o")),
                        ("gen_ai.response.model", s("gpt-4o-2024-08-06")),
                        ("gen_ai.usage.input_tokens", Value::from(1000_i64)),
                        ("gen_ai.usage.output_tokens", Value::from(200_i64)),
                    ],
                ),
            ],
            ..Telemetry::default()
        };
        insights.push(&mut session, &telemetry);
        let _ = session.finish();
        let view = ViewState {
            insights: Some(insights),
            ..ViewState::default()
        };
        let text = view.render(&StatsSnapshot::default(), "127.0.0.1:4318");
        let line = text
            .lines()
            .skip_while(|l| *l != "completed traces:")
            .nth(1)
            .unwrap_or_default();
        assert!(
            line.starts_with("  trace 00000000000000000000000000000007 invoke_agent planner\\u{1b}[2J · 1 LLM call · 0 tool calls · 1200 tokens (1000 in, 200 out) · $"),
            "{text}"
        );
        assert!(
            !line.contains("$0 ·") && !line.contains("unpriced"),
            "{line}"
        );
        assert!(line.ends_with("· 2.000s · ok"), "{line}");
        let plain = view.plain_line(&StatsSnapshot::default());
        assert!(plain.contains("; last completed trace 0000"), "{plain}");
    }
}
