//! The streaming session: traces assembled across batches and out of order, the one span tree
//! (orphans, cycles, self-parents kept), complete counts past the listing limit, bounded
//! trace window, the completed-trace hook, sharding and merging.

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;
use genai_validator::session::{CompletedTrace, Completion, Limits, shard_of};
use genai_validator::telemetry::{SpanId, SpanKind, Telemetry, TraceId};
use genai_validator::tree::Link;
use genai_validator::{FindingId, Level, ReportLimits, Session};

fn chat(trace: u128, id: u64, parent: Option<u64>) -> genai_validator::telemetry::Span {
    span_in(
        trace,
        id,
        parent,
        "chat mistral-large",
        SpanKind::Client,
        &chat_attrs(),
    )
}

fn agent(trace: u128, id: u64) -> genai_validator::telemetry::Span {
    span_in(
        trace,
        id,
        None,
        "invoke_agent planner",
        SpanKind::Internal,
        &[
            ("gen_ai.operation.name", s("invoke_agent")),
            ("gen_ai.agent.name", s("planner")),
        ],
    )
}

fn batch(spans: Vec<genai_validator::telemetry::Span>) -> Telemetry {
    Telemetry {
        spans,
        ..Telemetry::default()
    }
}

type Seen = Arc<Mutex<Vec<(TraceId, Vec<(u64, usize, Link)>, usize, Completion)>>>;

/// A sink recording each completed trace as `(span id, depth, link)` in tree order.
fn recording(session: &mut Session<'_>) -> Seen {
    let seen: Seen = Arc::default();
    let out = seen.clone();
    session.set_sink(move |t: &CompletedTrace<'_>| {
        let shape = t
            .tree
            .nodes
            .iter()
            .map(|n| {
                let id = u64::from_be_bytes(t.nodes[n.index].span_id.to_bytes());
                (id, n.depth, n.link)
            })
            .collect();
        assert_eq!(t.spans.len(), t.nodes.len());
        if let Ok(mut v) = out.lock() {
            v.push((t.trace_id, shape, t.logs.len(), t.completion));
        }
    });
    seen
}

#[test]
fn a_trace_split_across_batches_and_out_of_order_is_one_tree() {
    let mut session = Session::new(validator());
    let seen = recording(&mut session);
    // The children arrive first, in two requests; the root last.
    session.push(&batch(vec![chat(9, 3, Some(2))]));
    session.push(&batch(vec![chat(9, 2, Some(1)), chat(8, 1, None)]));
    session.push(&batch(vec![agent(9, 1)]));
    let snap = session.snapshot();
    assert_eq!(snap.open_traces, 2);
    let open = snap
        .recent
        .iter()
        .find(|t| t.trace_id == TraceId::from(9u128))
        .expect("trace 9 is open");
    assert_eq!(open.completion, None);
    assert_eq!(open.tree.nodes[0].link, Link::Root);
    let report = session.finish();
    let seen = seen.lock().expect("lock");
    let (_, shape, _, why) = seen
        .iter()
        .find(|(t, ..)| *t == TraceId::from(9u128))
        .expect("trace 9 completed");
    assert_eq!(*why, Completion::Finished);
    assert_eq!(
        shape,
        &vec![(1, 0, Link::Root), (2, 1, Link::Child), (3, 2, Link::Child)]
    );
    assert_eq!(report.validated().spans, 4);
    // The text report draws the same tree.
    let text = report.to_text();
    let agent_at = text
        .find("  ~ invoke_agent planner")
        .expect("root at depth 0");
    let child = text
        .find("\n    ✓ chat mistral-large")
        .expect("child at depth 1");
    let grandchild = text
        .find("\n      ✓ chat mistral-large")
        .expect("grandchild at depth 2");
    assert!(agent_at < child && child < grandchild, "{text}");
}

#[test]
fn cycles_self_parents_and_orphans_are_shown_not_dropped() {
    let mut session = Session::new(validator());
    let seen = recording(&mut session);
    session.push(&batch(vec![
        chat(5, 1, Some(2)),
        chat(5, 2, Some(1)),
        chat(5, 3, Some(3)),
        chat(5, 4, Some(77)),
    ]));
    let report = session.finish();
    let seen = seen.lock().expect("lock");
    let shape = &seen[0].1;
    assert_eq!(shape.len(), 4, "{shape:?}");
    assert!(shape.contains(&(3, 0, Link::SelfParent)));
    assert!(shape.contains(&(4, 0, Link::Orphan)));
    assert!(shape.contains(&(1, 0, Link::Cycle)));
    assert!(shape.contains(&(2, 1, Link::Child)));
    let text = report.to_text();
    assert_eq!(text.matches("chat mistral-large").count(), 4, "{text}");
    assert!(text.contains("(parent chain is a cycle)"), "{text}");
    assert!(text.contains("(span is its own parent)"), "{text}");
    assert!(text.contains("(parent not in trace)"), "{text}");
}

#[test]
fn counts_stay_complete_past_the_listing_limit() {
    let limits = Limits {
        report: ReportLimits {
            max_items: 3,
            max_findings_per_item: 2,
        },
        ..Limits::default()
    };
    let unbounded = validator().validate(&batch((1..=10).map(|i| agent(1, i)).collect()));
    let mut session = Session::with_limits(validator(), limits);
    for i in 1..=10 {
        session.push(&batch(vec![agent(1, i)]));
    }
    let report = session.finish();
    assert_eq!(report.spans.len(), 3);
    assert!(report.spans.iter().all(|s| s.findings.len() <= 2));
    assert_eq!(report.validated().spans, 10);
    assert_eq!(report.not_listed().spans, 7);
    assert_eq!(report.level_counts(), unbounded.level_counts());
    assert_eq!(report.counts(), unbounded.counts());
    assert!(report.level_counts().improvement >= 10);
    let total = unbounded.level_counts().total();
    let listed: usize = report.spans.iter().map(|s| s.findings.len()).sum();
    assert_eq!(listed + report.findings_not_listed(), total);
    let json: serde_json::Value = serde_json::from_str(&report.to_json()).expect("json");
    assert_eq!(json["summary"]["spans"], 10);
    assert_eq!(json["summary"]["items_not_listed"], 7);
    assert_eq!(
        json["summary"]["improvement"],
        unbounded.level_counts().improvement
    );
    assert!(report.to_text().contains("7 items and"));
}

#[test]
fn the_window_is_bounded_and_idle_traces_complete() {
    let limits = Limits {
        max_open_traces: 4,
        max_spans_per_trace: 2,
        trace_idle: Duration::from_secs(10),
        recent_traces: 2,
        ..Limits::default()
    };
    let mut session = Session::with_limits(validator(), limits);
    let seen = recording(&mut session);
    let t0 = Instant::now();
    for t in 1..=10u128 {
        session.push_at(
            &batch(vec![
                chat(t, 1, None),
                chat(t, 2, Some(1)),
                chat(t, 3, Some(1)),
            ]),
            t0,
        );
    }
    let snap = session.snapshot();
    assert_eq!(snap.open_traces, 4);
    assert_eq!(snap.recent.len(), 2);
    {
        let seen = seen.lock().expect("lock");
        assert_eq!(seen.len(), 6);
        // Least recently touched first; each kept at most 2 spans.
        assert_eq!(seen[0].0, TraceId::from(1u128));
        assert!(
            seen.iter()
                .all(|(_, s, _, why)| s.len() == 2 && *why == Completion::Evicted)
        );
    }
    session.evict_idle(t0 + Duration::from_secs(11));
    assert_eq!(session.snapshot().open_traces, 0);
    assert_eq!(seen.lock().expect("lock").len(), 10);
    assert!(
        seen.lock().expect("lock")[6..]
            .iter()
            .all(|x| x.3 == Completion::Idle)
    );
    assert_eq!(session.finish().validated().spans, 30);
}

#[test]
fn logs_in_a_trace_reach_the_sink_with_it() {
    let mut session = Session::new(validator());
    let seen = recording(&mut session);
    let mut t = batch(vec![agent(3, 1)]);
    let mut log = genai_validator::telemetry::LogRecord {
        event_name: Some("gen_ai.evaluation.result".into()),
        time_unix_nano: 0,
        observed_time_unix_nano: 0,
        severity_number: 9,
        severity_text: None,
        body: None,
        attributes: genai_validator::telemetry::Attributes(vec![(
            "gen_ai.evaluation.name".into(),
            s("relevance"),
        )]),
        trace_id: Some(TraceId::from(3u128)),
        span_id: Some(SpanId::from(1u64)),
        flags: 0,
        dropped_attributes_count: 0,
        resource: Arc::default(),
        scope: Arc::default(),
        origin: genai_validator::telemetry::Origin::sdk(),
    };
    t.logs.push(log.clone());
    log.trace_id = None;
    t.logs.push(log);
    session.push(&t);
    let report = session.finish();
    assert_eq!(report.validated().logs, 2);
    let seen = seen.lock().expect("lock");
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].2, 1);
}

#[test]
fn shards_merge_into_the_same_report() {
    let spans: Vec<_> = (1..=40u128)
        .flat_map(|t| [agent(t, 1), chat(t, 2, Some(1))])
        .collect();
    let whole = validator().validate(&batch(spans.clone()));
    let mut shards: Vec<Session<'_>> = (0..3).map(|_| Session::new(validator())).collect();
    for s in &spans {
        shards[shard_of(s.trace_id, 3)].push(&batch(vec![s.clone()]));
    }
    let mut snaps = shards.iter().map(|s| s.snapshot());
    let mut snap = snaps.next().expect("one");
    for s in snaps {
        snap.merge(s, 8);
    }
    assert_eq!(snap.validated.spans, 80);
    assert_eq!(snap.open_traces, 40);
    assert_eq!(snap.recent.len(), 8);
    let mut reports = shards.into_iter().map(Session::finish);
    let mut merged = reports.next().expect("one");
    for r in reports {
        merged.merge(r, &ReportLimits::UNBOUNDED);
    }
    assert_eq!(merged.counts(), whole.counts());
    assert_eq!(merged.level_counts(), whole.level_counts());
    assert_eq!(merged.spans.len(), 80);
    assert_eq!(merged.coverage(), whole.coverage());
    let per_def: u64 = snap.per_definition.iter().map(|(_, n)| n).sum();
    assert_eq!(per_def, 80);
    assert!(
        snap.counts
            .iter()
            .any(|(id, _)| *id == FindingId::RecommendedAttributeNotPresent)
    );
    assert!(snap.levels.get(Level::Information) > 0);
}

/// What a sink sees of each completed trace: its id, its spans' ids in order, how it ended.
type Delivered = Arc<Mutex<Vec<(TraceId, Vec<SpanId>, Completion)>>>;

fn delivering(session: &mut Session<'_>) -> Delivered {
    let seen: Delivered = Arc::default();
    let out = seen.clone();
    session.set_sink(move |t: &CompletedTrace<'_>| {
        let ids = t.spans.iter().map(|s| s.span_id).collect();
        if let Ok(mut v) = out.lock() {
            v.push((t.trace_id, ids, t.completion));
        }
    });
    seen
}

#[test]
fn batches_given_by_value_reach_the_sink_as_batches_given_by_reference() {
    let limits = Limits {
        max_open_traces: 2,
        max_spans_per_trace: 2,
        ..Limits::default()
    };
    // One batch: trace 1 is evicted inside it (traces 2 and 3 open after it) and then seen
    // again (a second opening of the same trace), which evicts trace 2 (its two spans kept)
    // before trace 2 opens a second time (three spans, two kept).
    let spans = vec![
        chat(1, 1, None),
        chat(2, 1, None),
        chat(2, 2, Some(1)),
        chat(3, 1, None),
        chat(1, 2, Some(1)),
        chat(2, 3, Some(1)),
        chat(2, 4, Some(1)),
        chat(2, 5, Some(1)),
    ];
    let run = |owned: bool| {
        let mut session = Session::with_limits(validator(), limits);
        let seen = delivering(&mut session);
        if owned {
            session.push_owned(batch(spans.clone()));
        } else {
            session.push(&batch(spans.clone()));
        }
        let report = session.finish();
        let seen = seen.lock().map(|v| v.clone()).unwrap_or_default();
        (seen, report.validated().spans, report.counts())
    };
    let (by_ref, by_value) = (run(false), run(true));
    assert_eq!(by_value, by_ref);
    let traces: Vec<(TraceId, usize)> = by_value.0.iter().map(|(t, s, _)| (*t, s.len())).collect();
    assert_eq!(
        traces,
        vec![
            (TraceId::from(1u128), 1),
            (TraceId::from(2u128), 2),
            (TraceId::from(3u128), 1),
            (TraceId::from(1u128), 1),
            (TraceId::from(2u128), 2),
        ],
        "{:?}",
        by_value.0
    );
    assert_eq!(by_value.1, 8);
}
