//! Assembling traces from a stream of spans, with bounded memory.

use std::collections::VecDeque;

use foldhash::{HashMap, HashMapExt};

use crate::telemetry::{Span, TraceId};

/// Spans of open traces, handed out as whole traces.
///
/// A trace is complete when its root span (no parent) arrives: SDKs export a parent after its
/// children, so the root is the last span of a trace. Traces still open when the window holds
/// more than `max_open_traces` traces or `max_spans` spans are evicted oldest first, and so are
/// traces whose root never arrives (at [`TraceWindow::drain`]).
pub struct TraceWindow {
    /// Open traces: generation (to skip stale `order` entries) and spans.
    open: HashMap<TraceId, (u64, Vec<Span>)>,
    order: VecDeque<(TraceId, u64)>,
    generation: u64,
    spans: usize,
    max_open_traces: usize,
    max_spans: usize,
}

impl TraceWindow {
    /// A window holding at most `max_open_traces` traces and `max_spans` spans.
    pub fn new(max_open_traces: usize, max_spans: usize) -> Self {
        TraceWindow {
            open: HashMap::new(),
            order: VecDeque::new(),
            generation: 0,
            spans: 0,
            max_open_traces: max_open_traces.max(1),
            max_spans: max_spans.max(1),
        }
    }

    /// Spans held.
    pub fn len(&self) -> usize {
        self.spans
    }

    /// Whether no span is held.
    pub fn is_empty(&self) -> bool {
        self.spans == 0
    }

    /// Adds a span; `done` gets each trace that completes or is evicted.
    pub fn push(&mut self, span: Span, mut done: impl FnMut(Vec<Span>)) {
        let t = span.trace_id;
        let root = span.parent_span_id.is_none();
        let entry = self.open.entry(t).or_insert_with(|| {
            self.generation += 1;
            self.order.push_back((t, self.generation));
            (self.generation, Vec::new())
        });
        entry.1.push(span);
        self.spans += 1;
        if root && let Some((_, list)) = self.open.remove(&t) {
            self.spans -= list.len();
            done(list);
        }
        while self.open.len() > self.max_open_traces || self.spans > self.max_spans {
            if !self.evict_oldest(&mut done) {
                break;
            }
        }
        // Stale entries (closed traces) are dropped from the front as they come.
        while let Some((t, g)) = self.order.front() {
            if self.open.get(t).is_some_and(|(og, _)| og == g) {
                break;
            }
            self.order.pop_front();
        }
        // And from the middle when they pile up behind a long-lived trace.
        if self.order.len() > 4 * self.max_open_traces {
            let open = &self.open;
            self.order
                .retain(|(t, g)| open.get(t).is_some_and(|(og, _)| og == g));
        }
    }

    fn evict_oldest(&mut self, done: &mut impl FnMut(Vec<Span>)) -> bool {
        while let Some((t, g)) = self.order.pop_front() {
            if self.open.get(&t).is_some_and(|(og, _)| *og == g)
                && let Some((_, list)) = self.open.remove(&t)
            {
                self.spans -= list.len();
                done(list);
                return true;
            }
        }
        false
    }

    /// Hands out every open trace, oldest first.
    pub fn drain(&mut self, mut done: impl FnMut(Vec<Span>)) {
        while self.evict_oldest(&mut done) {}
    }
}
