//! [`Session`]: the streaming validation engine, for every input (SDK data, files, the OTLP
//! receiver's batches).
//!
//! A session validates [`Telemetry`] batches as they come, and keeps
//! - a [`Report`] whose counts (per finding id, per level, per signal) are complete while it
//!   lists at most [`ReportLimits::max_items`] items and
//!   [`ReportLimits::max_findings_per_item`] findings per item;
//! - a bounded window of open traces, assembled from spans (and the log records emitted in
//!   them) that arrive in any order and across batches. A trace leaves the window when it has
//!   been idle for [`Limits::trace_idle`], when the window is full (least recently touched
//!   first), or at [`Session::finish`]; it is then handed to the [`TraceSink`], if any (agent
//!   insights plug in there), and kept among the recent traces of the [`Snapshot`];
//! - spans per definition, for live views.
//!
//! Memory is bounded by the limits, never by the input: per open trace at most
//! [`Limits::max_spans_per_trace`] spans are kept (the rest are validated and counted).
//!
//! Sharding: [`shard_of`] assigns a trace to one of `n` sessions (one per worker thread), so a
//! trace's state stays on one worker; [`Report::merge`] and [`Snapshot::merge`] add the
//! shards' results together.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::time::{Duration, Instant};

use crate::finding::{Finding, FindingId, FindingIds, Level};
use crate::insights::SpanKeys;
use crate::report::{ItemCounts, LevelCounts, Report, ReportLimits};
use crate::telemetry::{LogRecord, Metric, Span, SpanId, SpanKind, Telemetry, TraceId};
use crate::text::{Text, clip};
use crate::tree::SpanTree;
use crate::validator::{Observer, Validator};

/// The bounds of a session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// How much of the report is listed (counts are always complete).
    pub report: ReportLimits,
    /// Traces assembled at once; past it, the least recently touched one is completed.
    pub max_open_traces: usize,
    /// Spans kept per trace (for its tree and its sink); later ones are only counted.
    pub max_spans_per_trace: usize,
    /// A trace that received nothing for this long is completed.
    pub trace_idle: Duration,
    /// Completed traces kept for [`Session::snapshot`].
    pub recent_traces: usize,
}

impl Limits {
    /// The limits of one of `shards` sessions whose reports are merged
    /// ([`Report::merge`]): each lists its share of the items and holds its share of the open
    /// traces, so together they stay within `self`.
    ///
    /// ```
    /// use genai_validator::Limits;
    /// let one = Limits::default().shard(4);
    /// assert_eq!(one.report.max_items, 25_000);
    /// assert_eq!(one.max_open_traces, 2_500);
    /// ```
    pub fn shard(&self, shards: usize) -> Limits {
        let n = shards.max(1);
        Limits {
            report: ReportLimits {
                max_items: self.report.max_items.div_ceil(n),
                ..self.report
            },
            max_open_traces: self.max_open_traces.div_ceil(n).max(1),
            ..*self
        }
    }
}

impl Default for Limits {
    /// 100,000 listed items, 100 findings per item, 10,000 open traces of at most 1,000 spans,
    /// 30 s idle, 16 recent traces.
    fn default() -> Self {
        Limits {
            report: ReportLimits::default(),
            max_open_traces: 10_000,
            max_spans_per_trace: 1_000,
            trace_idle: Duration::from_secs(30),
            recent_traces: 16,
        }
    }
}

/// Why a trace left the window.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Completion {
    /// Nothing arrived for [`Limits::trace_idle`].
    Idle,
    /// The window was full ([`Limits::max_open_traces`]).
    Evicted,
    /// The session finished.
    Finished,
}

/// One span of a trace as views show it.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceNode {
    /// Span id.
    pub span_id: SpanId,
    /// Parent span id.
    pub parent_span_id: Option<SpanId>,
    /// Span name (clipped: telemetry text is hostile).
    pub name: Text,
    /// Span kind.
    pub kind: SpanKind,
    /// The definition it matched.
    pub definition: Option<Text>,
    /// Findings per level.
    pub levels: LevelCounts,
    /// The finding ids it raised.
    pub ids: FindingIds,
}

impl TraceNode {
    /// The highest level among its findings.
    pub fn worst(&self) -> Option<Level> {
        [Level::Violation, Level::Improvement, Level::Information]
            .into_iter()
            .find(|l| self.levels.get(*l) > 0)
    }
}

/// A trace with its tree, as [`Snapshot::recent`] lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceView {
    /// Trace id.
    pub trace_id: TraceId,
    /// Its spans, in arrival order.
    pub nodes: Vec<TraceNode>,
    /// The tree over [`TraceView::nodes`].
    pub tree: SpanTree,
    /// Spans of the trace validated but not kept (past [`Limits::max_spans_per_trace`]).
    pub spans_not_kept: u64,
    /// `None` while the trace is still open.
    pub completion: Option<Completion>,
}

/// A completed trace, as a [`TraceSink`] gets it.
#[derive(Debug)]
pub struct CompletedTrace<'a> {
    /// Trace id.
    pub trace_id: TraceId,
    /// Its spans, in arrival order (`spans[i]` is `nodes[i]`).
    pub spans: &'a [Span],
    /// Where in each span the attributes insights read are (`keys[i]` is `spans[i]`'s),
    /// found while validating; for [`InsightsBuilder::add_trace_keyed`](crate::InsightsBuilder::add_trace_keyed).
    pub keys: &'a [SpanKeys],
    /// The log records emitted in it.
    pub logs: &'a [LogRecord],
    /// What the validation said about each span.
    pub nodes: &'a [TraceNode],
    /// The span tree.
    pub tree: &'a SpanTree,
    /// Spans validated but not kept (past [`Limits::max_spans_per_trace`]).
    pub spans_not_kept: u64,
    /// Why it completed.
    pub completion: Completion,
}

/// Gets each trace when it leaves the session's window (see [`Session::set_sink`]).
pub trait TraceSink: Send {
    /// A trace completed.
    fn trace(&mut self, trace: &CompletedTrace<'_>);
}

impl<F: FnMut(&CompletedTrace<'_>) + Send> TraceSink for F {
    fn trace(&mut self, trace: &CompletedTrace<'_>) {
        self(trace)
    }
}

/// What a live view or a web page shows: complete counts and the recent traces.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Snapshot {
    /// Items validated per signal.
    pub validated: ItemCounts,
    /// Items validated but not listed in the report.
    pub not_listed: ItemCounts,
    /// Findings per level.
    pub levels: LevelCounts,
    /// Findings per id (ids that occurred, in id order).
    pub counts: Vec<(FindingId, usize)>,
    /// Items per matched definition (`None`: no definition matched), in definition order.
    pub per_definition: Vec<(Option<Text>, u64)>,
    /// Traces open now.
    pub open_traces: usize,
    /// The most recently touched traces, open or completed, most recent first.
    pub recent: Vec<TraceView>,
}

impl Snapshot {
    /// Adds the snapshot of another shard (recent traces are interleaved, up to `max_recent`).
    pub fn merge(&mut self, other: Snapshot, max_recent: usize) {
        add(&mut self.validated, &other.validated);
        add(&mut self.not_listed, &other.not_listed);
        self.levels.violation += other.levels.violation;
        self.levels.improvement += other.levels.improvement;
        self.levels.information += other.levels.information;
        let mut counts: BTreeMap<FindingId, usize> = self.counts.drain(..).collect();
        for (id, n) in other.counts {
            *counts.entry(id).or_default() += n;
        }
        self.counts = counts.into_iter().collect();
        let mut defs: BTreeMap<Option<Text>, u64> = self.per_definition.drain(..).collect();
        for (d, n) in other.per_definition {
            *defs.entry(d).or_default() += n;
        }
        self.per_definition = defs.into_iter().collect();
        self.open_traces += other.open_traces;
        let mine = std::mem::take(&mut self.recent);
        let mut a = mine.into_iter();
        let mut b = other.recent.into_iter();
        while self.recent.len() < max_recent {
            match (a.next(), b.next()) {
                (None, None) => break,
                (x, y) => self.recent.extend(x.into_iter().chain(y)),
            }
        }
        self.recent.truncate(max_recent);
    }
}

fn add(a: &mut ItemCounts, b: &ItemCounts) {
    a.spans += b.spans;
    a.logs += b.logs;
    a.metrics += b.metrics;
}

/// Which of `shards` sessions a trace belongs to (stable within a process run).
pub fn shard_of(trace_id: TraceId, shards: usize) -> usize {
    if shards <= 1 {
        return 0;
    }
    // Trace ids are random already: fold the halves and mix, no keyed hash needed (a sender
    // choosing ids can only unbalance the shards, and every shard is bounded on its own).
    let v = u128::from_be_bytes(trace_id.to_bytes());
    let mixed = ((v as u64) ^ ((v >> 64) as u64)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    ((mixed >> 32) % shards as u64) as usize
}

struct OpenTrace {
    nodes: Vec<TraceNode>,
    spans: Vec<Span>,
    /// `keys[i]` is `spans[i]`'s (pushed as a span is kept, before a moved span is placed).
    keys: Vec<SpanKeys>,
    logs: Vec<LogRecord>,
    spans_not_kept: u64,
    touched: Instant,
    seq: u64,
    /// Which opening of the trace this is (a trace evicted and seen again is a new one).
    opening: u64,
}

/// The window of open traces, with their least-recently-touched order.
struct Window {
    open: HashMap<TraceId, OpenTrace, foldhash::fast::RandomState>,
    /// The trace touched last: touching it again needs no new `order` entry.
    last: Option<TraceId>,
    /// `(seq, trace)` in touch order; entries whose seq is not the trace's current one are stale.
    order: VecDeque<(u64, TraceId)>,
    seq: u64,
    recent: VecDeque<TraceView>,
    per_definition: BTreeMap<Option<&'static str>, u64>,
    keep_data: bool,
    limits: Limits,
    now: Instant,
    /// Traces completed during the current batch, handed to the sink after it.
    done: Vec<(TraceId, OpenTrace, Completion)>,
    /// Openings so far.
    openings: u64,
    /// While a batch given by value is validated: per span, the trace opening that keeps it
    /// (`None`: not kept), so it is moved there afterwards instead of copied now.
    moving: Option<Vec<Option<(TraceId, u64)>>>,
}

impl Window {
    fn touch(&mut self, trace: TraceId) -> &mut OpenTrace {
        let now = self.now;
        // Touched last and still open: its `order` entry is already the last one.
        let again = self.last == Some(trace) && self.open.contains_key(&trace);
        if !again {
            self.last = Some(trace);
            self.seq += 1;
            self.order.push_back((self.seq, trace));
            if !self.open.contains_key(&trace) && self.open.len() >= self.limits.max_open_traces {
                self.evict_oldest(Completion::Evicted);
            }
        }
        let seq = self.seq;
        let openings = &mut self.openings;
        let t = self.open.entry(trace).or_insert_with(|| {
            *openings += 1;
            OpenTrace {
                nodes: Vec::new(),
                spans: Vec::new(),
                keys: Vec::new(),
                logs: Vec::new(),
                spans_not_kept: 0,
                touched: now,
                seq,
                opening: *openings,
            }
        });
        t.touched = now;
        t.seq = seq;
        t
    }

    /// The least recently touched open trace, skipping stale order entries.
    fn oldest(&mut self) -> Option<TraceId> {
        while let Some(&(seq, id)) = self.order.front() {
            match self.open.get(&id) {
                Some(t) if t.seq == seq => return Some(id),
                _ => {
                    self.order.pop_front();
                }
            }
        }
        None
    }

    fn evict_oldest(&mut self, why: Completion) {
        if let Some(id) = self.oldest() {
            self.complete(id, why);
        }
    }

    fn complete(&mut self, id: TraceId, why: Completion) {
        if let Some(t) = self.open.remove(&id) {
            self.done.push((id, t, why));
        }
    }

    /// Moves `span` into the opening of its trace that kept it: still open, or completed
    /// during this batch.
    fn place(&mut self, (trace, opening): (TraceId, u64), span: Span) {
        if let Some(t) = self.open.get_mut(&trace)
            && t.opening == opening
        {
            t.spans.push(span);
        } else if let Some((_, t, _)) = self
            .done
            .iter_mut()
            .rev()
            .find(|(id, t, _)| *id == trace && t.opening == opening)
        {
            t.spans.push(span);
        }
    }

    fn compact(&mut self) {
        if self.order.len() > 2 * self.open.len() + 64 {
            let open = &self.open;
            self.order
                .retain(|(seq, id)| open.get(id).is_some_and(|t| t.seq == *seq));
        }
    }

    fn evict_idle(&mut self, now: Instant) {
        while let Some(id) = self.oldest() {
            let idle = self.open.get(&id).is_some_and(|t| {
                now.saturating_duration_since(t.touched) >= self.limits.trace_idle
            });
            if !idle {
                break;
            }
            self.complete(id, Completion::Idle);
        }
        self.compact();
    }

    fn remember(&mut self, view: TraceView) {
        if self.limits.recent_traces == 0 {
            return;
        }
        if self.recent.len() >= self.limits.recent_traces {
            self.recent.pop_front();
        }
        self.recent.push_back(view);
    }
}

fn node(span: &Span, def: Option<&'static str>, findings: &[Finding]) -> TraceNode {
    let mut levels = LevelCounts::default();
    let mut ids = FindingIds::default();
    for f in findings {
        levels.add(f.level);
        ids.insert(f.id);
    }
    TraceNode {
        span_id: span.span_id,
        parent_span_id: span.parent_span_id,
        name: match clip(&span.name) {
            std::borrow::Cow::Borrowed(s) => Text::shared(s),
            std::borrow::Cow::Owned(s) => Text::from(s),
        },
        kind: span.kind,
        definition: def.map(Text::from_static),
        levels,
        ids,
    }
}

fn tree_of(nodes: &[TraceNode]) -> SpanTree {
    let links: Vec<(Option<SpanId>, Option<SpanId>)> = nodes
        .iter()
        .map(|n| (Some(n.span_id), n.parent_span_id))
        .collect();
    SpanTree::build(&links)
}

impl Observer for Window {
    fn wants_keys(&self) -> bool {
        self.keep_data
    }

    fn span(
        &mut self,
        span: &Span,
        def: Option<&'static str>,
        findings: &[Finding],
        keys: Option<&SpanKeys>,
    ) {
        *self.per_definition.entry(def).or_default() += 1;
        let max = self.limits.max_spans_per_trace;
        let keep = self.keep_data;
        let moving = self.moving.is_some();
        let t = self.touch(span.trace_id);
        let mut moved = None;
        if t.nodes.len() >= max {
            t.spans_not_kept += 1;
        } else {
            t.nodes.push(node(span, def, findings));
            if keep {
                t.keys
                    .push(keys.copied().unwrap_or_else(|| SpanKeys::of(span)));
            }
            if keep && moving {
                moved = Some((span.trace_id, t.opening));
            } else if keep {
                t.spans.push(span.clone());
            }
        }
        if let Some(marks) = &mut self.moving {
            marks.push(moved);
        }
    }

    fn log(&mut self, log: &LogRecord, def: Option<&'static str>, _findings: &[Finding]) {
        *self.per_definition.entry(def).or_default() += 1;
        let Some(trace) = log.trace_id else { return };
        if !self.keep_data {
            return;
        }
        let max = self.limits.max_spans_per_trace;
        let t = self.touch(trace);
        if t.logs.len() < max {
            t.logs.push(log.clone());
        }
    }

    fn metric(&mut self, _metric: &Metric, def: Option<&'static str>, _findings: &[Finding]) {
        *self.per_definition.entry(def).or_default() += 1;
    }
}

/// The streaming validation engine: see the [module documentation](self).
///
/// ```
/// use genai_validator::{Session, Telemetry, Validator};
/// let validator = Validator::new(genai_validator::embedded_registry());
/// let mut session = Session::new(&validator);
/// session.push(&Telemetry::new());
/// let report = session.finish();
/// assert!(!report.has_violations());
/// ```
pub struct Session<'v> {
    validator: &'v Validator,
    report: Report,
    window: Window,
    sink: Option<Box<dyn TraceSink + 'v>>,
}

impl<'v> Session<'v> {
    /// A session with the default [`Limits`].
    pub fn new(validator: &'v Validator) -> Self {
        Self::with_limits(validator, Limits::default())
    }

    /// A session with the given limits.
    pub fn with_limits(validator: &'v Validator, limits: Limits) -> Self {
        Session {
            validator,
            report: validator.report(),
            window: Window {
                open: HashMap::default(),
                last: None,
                order: VecDeque::new(),
                seq: 0,
                recent: VecDeque::new(),
                per_definition: BTreeMap::new(),
                keep_data: false,
                limits,
                now: Instant::now(),
                done: Vec::new(),
                openings: 0,
                moving: None,
            },
            sink: None,
        }
    }

    /// Hands every completed trace, with its spans and logs, to `sink` (the spans and logs of
    /// open traces are then kept in the window, within the limits).
    pub fn set_sink(&mut self, sink: impl TraceSink + 'v) {
        self.sink = Some(Box::new(sink));
        self.window.keep_data = true;
    }

    /// The limits.
    pub fn limits(&self) -> &Limits {
        &self.window.limits
    }

    /// Validates a batch (one request, one file, one SDK flush).
    pub fn push(&mut self, telemetry: &Telemetry) {
        self.push_at(telemetry, Instant::now());
    }

    /// [`Session::push`] at a given time (idle traces are completed relative to `now`).
    pub fn push_at(&mut self, telemetry: &Telemetry, now: Instant) {
        self.window.now = now;
        let limits = self.window.limits.report;
        self.validator
            .run(telemetry, &mut self.report, &limits, &mut self.window);
        self.evict_idle(now);
    }

    /// [`Session::push`] of a batch the caller no longer needs: the spans a trace sink will
    /// see are moved into their traces instead of copied.
    pub fn push_owned(&mut self, telemetry: Telemetry) {
        if !self.window.keep_data {
            return self.push(&telemetry);
        }
        let now = Instant::now();
        self.window.now = now;
        self.window.moving = Some(Vec::with_capacity(telemetry.spans.len()));
        let limits = self.window.limits.report;
        self.validator
            .run(&telemetry, &mut self.report, &limits, &mut self.window);
        let marks = self.window.moving.take().unwrap_or_default();
        for (span, mark) in telemetry.spans.into_iter().zip(marks) {
            if let Some(mark) = mark {
                self.window.place(mark, span);
            }
        }
        self.evict_idle(now);
    }

    /// Records input that could not be read (listed in the report, bounded like items).
    pub fn input_error(&mut self, message: impl Into<String>) {
        if self.report.input_errors.len() < self.window.limits.report.max_items {
            self.report.input_errors.push(message.into());
        }
    }

    /// Completes the traces idle at `now` (call it when no batch arrives for a while).
    pub fn evict_idle(&mut self, now: Instant) {
        self.window.evict_idle(now);
        self.hand_over();
    }

    /// The report so far.
    pub fn report(&self) -> &Report {
        &self.report
    }

    /// Counts and recent traces (open ones first, then completed ones), for a view.
    pub fn snapshot(&self) -> Snapshot {
        let w = &self.window;
        let max = w.limits.recent_traces;
        let mut recent = Vec::new();
        for &(seq, id) in w.order.iter().rev() {
            if recent.len() >= max {
                break;
            }
            if let Some(t) = w.open.get(&id)
                && t.seq == seq
            {
                recent.push(TraceView {
                    trace_id: id,
                    nodes: t.nodes.clone(),
                    tree: tree_of(&t.nodes),
                    spans_not_kept: t.spans_not_kept,
                    completion: None,
                });
            }
        }
        for v in w.recent.iter().rev() {
            if recent.len() >= max {
                break;
            }
            recent.push(v.clone());
        }
        Snapshot {
            validated: self.report.validated(),
            not_listed: self.report.not_listed(),
            levels: self.report.level_counts(),
            counts: self.report.counts(),
            per_definition: w
                .per_definition
                .iter()
                .map(|(d, n)| (d.map(Text::from_static), *n))
                .collect(),
            open_traces: w.open.len(),
            recent,
        }
    }

    /// Completes every open trace and returns the report.
    pub fn finish(mut self) -> Report {
        let mut open: Vec<(u64, TraceId)> = self
            .window
            .open
            .iter()
            .map(|(id, t)| (t.seq, *id))
            .collect();
        open.sort_by_key(|(seq, _)| *seq);
        for (_, id) in open {
            self.window.complete(id, Completion::Finished);
        }
        let mut spent = Vec::new();
        self.hand_over_keeping(Some(&mut spent));
        drop_aside(spent);
        self.report
    }

    fn hand_over(&mut self) {
        self.hand_over_keeping(None);
    }

    /// Hands the completed traces to the sink; their spans and logs are dropped, or moved to
    /// `spent` when given.
    fn hand_over_keeping(&mut self, mut spent: Option<&mut Vec<(Vec<Span>, Vec<LogRecord>)>>) {
        for (trace_id, t, completion) in std::mem::take(&mut self.window.done) {
            let tree = tree_of(&t.nodes);
            if let Some(sink) = &mut self.sink {
                sink.trace(&CompletedTrace {
                    trace_id,
                    spans: &t.spans,
                    keys: &t.keys,
                    logs: &t.logs,
                    nodes: &t.nodes,
                    tree: &tree,
                    spans_not_kept: t.spans_not_kept,
                    completion,
                });
            }
            self.window.remember(TraceView {
                trace_id,
                nodes: t.nodes,
                tree,
                spans_not_kept: t.spans_not_kept,
                completion: Some(completion),
            });
            if let Some(spent) = spent.as_deref_mut() {
                spent.push((t.spans, t.logs));
            }
        }
    }
}

/// Spans (with logs) past which [`drop_aside`] frees them on a thread of their own.
const DROP_ASIDE: usize = 4096;

/// Frees what a finished session held: on a thread of its own when it is a lot (freeing a
/// file's every span took a tenth of `semconv validate`'s time, after which the caller only
/// writes its report), else here.
fn drop_aside(spent: Vec<(Vec<Span>, Vec<LogRecord>)>) {
    let items: usize = spent.iter().map(|(s, l)| s.len() + l.len()).sum();
    if items < DROP_ASIDE {
        return;
    }
    // When no thread can be started, the closure (and what it holds) is dropped here.
    let _ = std::thread::Builder::new()
        .name("semconv-drop".into())
        .spawn(move || drop(spent));
}
