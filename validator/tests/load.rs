//! File loading: format and signal detection, located errors, nothing else lost.

use std::path::{Path, PathBuf};

use genai_validator::input::{
    Format, InputErrorKind, LoadOptions, load_bytes, load_file, load_file_with,
};
use genai_validator::otlp::{DecodeError, Signal};
use genai_validator::telemetry::{Source, Value};
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::logs::v1::{LogRecord, ResourceLogs, ScopeLogs};
use opentelemetry_proto::tonic::metrics::v1::{
    Gauge, Metric, ResourceMetrics, ScopeMetrics, metric,
};
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span};
use prost::Message;

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// A file in the system's temporary directory, removed on drop.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, content: &[u8]) -> Self {
        let path =
            std::env::temp_dir().join(format!("genai-validator-{}-{name}", std::process::id()));
        std::fs::write(&path, content).expect("temp file written");
        TempFile(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn traces(names: &[&str]) -> Vec<u8> {
    let spans = names
        .iter()
        .enumerate()
        .map(|(i, name)| Span {
            trace_id: vec![7; 16],
            span_id: vec![i as u8 + 1; 8],
            name: (*name).to_owned(),
            kind: 3,
            start_time_unix_nano: 10,
            end_time_unix_nano: 20,
            ..Default::default()
        })
        .collect();
    ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            scope_spans: vec![ScopeSpans {
                spans,
                ..Default::default()
            }],
            ..Default::default()
        }],
    }
    .encode_to_vec()
}

fn logs(event: &str) -> Vec<u8> {
    ExportLogsServiceRequest {
        resource_logs: vec![ResourceLogs {
            scope_logs: vec![ScopeLogs {
                log_records: vec![LogRecord {
                    time_unix_nano: 1,
                    observed_time_unix_nano: 2,
                    severity_number: 9,
                    event_name: event.to_owned(),
                    ..Default::default()
                }],
                ..Default::default()
            }],
            ..Default::default()
        }],
    }
    .encode_to_vec()
}

fn metrics(name: &str) -> Vec<u8> {
    ExportMetricsServiceRequest {
        resource_metrics: vec![ResourceMetrics {
            scope_metrics: vec![ScopeMetrics {
                metrics: vec![Metric {
                    name: name.to_owned(),
                    data: Some(metric::Data::Gauge(Gauge {
                        data_points: vec![Default::default()],
                    })),
                    ..Default::default()
                }],
                ..Default::default()
            }],
            ..Default::default()
        }],
    }
    .encode_to_vec()
}

/// The Collector file exporter's `format: proto` layout.
fn framed(messages: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::new();
    for m in messages {
        out.extend_from_slice(&(m.len() as u32).to_be_bytes());
        out.extend_from_slice(m);
    }
    out
}

fn file_source(name: &str) -> Source {
    Source::File(Path::new(name).into())
}

#[test]
fn collector_json_lines() {
    let (t, errors) = load_file(data("collector-traces.jsonl")).expect("readable");
    assert!(errors.is_empty(), "{errors:?}");
    let where_: Vec<_> = t
        .spans
        .iter()
        .map(|s| (s.origin.line, s.origin.request))
        .collect();
    assert_eq!(
        where_,
        [(Some(1), 0), (Some(2), 1), (Some(2), 1), (Some(4), 2)],
        "line 3 is blank"
    );
    assert!(
        matches!(&t.spans[0].origin.source, Source::File(p) if p.ends_with("collector-traces.jsonl"))
    );
    assert_eq!(
        t.spans[3].origin.to_string(),
        format!("{}:4", data("collector-traces.jsonl").display())
    );
    assert_eq!(
        t.spans[3].resource.attributes.get("service.name"),
        Some(&Value::from("agent-b"))
    );
}

#[test]
fn malformed_middle_line_loses_only_that_line() {
    let path = data("malformed-middle.jsonl");
    let (t, errors) = load_file(&path).expect("readable");
    let bodies: Vec<_> = t.logs.iter().map(|l| l.body.clone()).collect();
    assert_eq!(
        bodies,
        [Some(Value::from("first")), Some(Value::from("third"))]
    );
    assert_eq!(t.logs[1].origin.line, Some(3));
    assert_eq!(errors.len(), 1);
    let error = &errors[0];
    assert_eq!(error.origin.line, Some(2));
    assert_eq!(error.origin.request, 1);
    assert!(matches!(
        error.kind,
        InputErrorKind::Decode(DecodeError::Json { line: 2, .. })
    ));
    let message = error.to_string();
    assert!(
        message.starts_with(&format!(
            "{}:2: invalid OTLP/JSON at line 2",
            path.display()
        )),
        "{message}"
    );
}

#[test]
fn pretty_single_documents() {
    for (name, spans, logs, metrics) in [
        ("genai-traces.json", 3, 0, 0),
        ("otlp-examples/trace.json", 1, 0, 0),
        ("otlp-examples/logs.json", 0, 1, 0),
        ("otlp-examples/events.json", 0, 1, 0),
        ("otlp-examples/metrics.json", 0, 0, 4),
        ("snake-case-logs.json", 0, 1, 0),
    ] {
        let (t, errors) = load_file(data(name)).expect("readable");
        assert!(errors.is_empty(), "{name}: {errors:?}");
        assert_eq!(
            (t.spans.len(), t.logs.len(), t.metrics.len()),
            (spans, logs, metrics),
            "{name}"
        );
        let origin = t
            .spans
            .first()
            .map(|s| &s.origin)
            .or(t.logs.first().map(|l| &l.origin));
        if let Some(origin) = origin {
            assert_eq!(origin.line, Some(1), "{name}");
        }
    }
}

#[test]
fn mixed_signals_per_line() {
    let (t, errors) = load_file(data("mixed-signals.jsonl")).expect("readable");
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!((t.spans.len(), t.logs.len(), t.metrics.len()), (1, 1, 1));
    assert_eq!(t.metrics[0].origin.line, Some(3));
}

#[test]
fn json_lines_in_a_json_file() {
    // The collector's file exporter is often pointed at a `.json` path.
    let content = std::fs::read(data("collector-traces.jsonl")).expect("fixture");
    let options = LoadOptions {
        format: Some(Format::Json),
        signal: None,
    };
    let (t, errors) = load_bytes(&content, file_source("out.json"), &options);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(t.spans.len(), 4);
}

#[test]
fn syntax_error_in_pretty_document_has_its_line() {
    let content =
        b"{\n  \"resourceSpans\": [\n    {\n      \"scopeSpans\": [ oops ]\n    }\n  ]\n}\n";
    let (t, errors) = load_bytes(content, file_source("bad.json"), &LoadOptions::default());
    assert!(t.is_empty());
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].origin.line, Some(4));
    assert!(
        errors[0]
            .to_string()
            .starts_with("bad.json:4: invalid OTLP/JSON at line 4, column"),
        "{}",
        errors[0]
    );
}

#[test]
fn not_otlp_json_is_reported() {
    let (_, errors) = load_bytes(
        b"{\"hello\": \"world\"}\n",
        file_source("x.json"),
        &LoadOptions::default(),
    );
    assert_eq!(errors.len(), 1);
    assert!(matches!(
        errors[0].kind,
        InputErrorKind::Decode(DecodeError::UnknownSignal)
    ));
}

#[test]
fn single_protobuf_request_by_extension_and_by_sniffing() {
    let bytes = traces(&["chat a", "chat b"]);
    for name in ["request.binpb", "request.pb", "no-extension"] {
        let file = TempFile::new(name, &bytes);
        let (t, errors) = load_file(&file.0).expect("readable");
        assert!(errors.is_empty(), "{name}: {errors:?}");
        assert_eq!(t.spans.len(), 2, "{name}");
        assert_eq!(t.spans[0].origin.offset, Some(0));
        assert_eq!(t.spans[0].origin.line, None);
    }
}

#[test]
fn collector_proto_stream_with_every_signal() {
    let (a, b, c) = (
        traces(&["chat"]),
        metrics("gen_ai.client.token.usage"),
        logs("gen_ai.evt"),
    );
    let content = framed(&[&a, &b, &c]);
    let (t, errors) = load_bytes(&content, file_source("otel.binpb"), &LoadOptions::default());
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!((t.spans.len(), t.logs.len(), t.metrics.len()), (1, 1, 1));
    assert_eq!(t.spans[0].origin.offset, Some(4));
    assert_eq!(t.metrics[0].origin.offset, Some(4 + a.len() as u64 + 4));
    assert_eq!(t.logs[0].origin.request, 2);
}

#[test]
fn broken_frame_loses_only_that_frame() {
    let good = traces(&["chat"]);
    let mut broken = traces(&["chat", "BROKEN"]);
    let at = broken
        .windows(6)
        .position(|w| w == b"BROKEN")
        .expect("present");
    broken[at] = 0xff; // invalid UTF-8 in a span name
    let content = framed(&[&good, &broken, &good]);
    let (t, errors) = load_bytes(&content, file_source("traces.pb"), &LoadOptions::default());
    assert_eq!(t.spans.len(), 2);
    assert_eq!(errors.len(), 1);
    let frame = 4 + good.len() as u64 + 4;
    assert_eq!(errors[0].origin.offset, Some(frame));
    assert_eq!(errors[0].origin.request, 1);
    let InputErrorKind::Decode(DecodeError::Protobuf { offset, reason }) = &errors[0].kind else {
        panic!("protobuf error expected, got {:?}", errors[0].kind);
    };
    // Absolute offset of the broken span's entry, inside the frame.
    assert!(
        *offset > frame && *offset < frame + broken.len() as u64,
        "{offset}"
    );
    assert!(reason.contains("Span.name"), "{reason}");
    assert_eq!(t.spans[1].origin.request, 2);
}

#[test]
fn truncated_last_frame_keeps_the_others() {
    let good = traces(&["chat"]);
    let mut content = framed(&[&good, &good, &good]);
    content.truncate(content.len() - 5);
    let (t, errors) = load_bytes(&content, file_source("traces.pb"), &LoadOptions::default());
    assert_eq!(t.spans.len(), 2);
    assert_eq!(errors.len(), 1);
    let third = 2 * (4 + good.len() as u64);
    assert_eq!(errors[0].origin.offset, Some(third));
    assert!(matches!(
        errors[0].kind,
        InputErrorKind::TruncatedFrame { declared, available } if declared == good.len() as u64 && available == declared - 5
    ));
    assert!(
        errors[0].to_string().contains(&format!("byte {third}")),
        "{}",
        errors[0]
    );
}

#[test]
fn truncated_single_request_is_located() {
    let bytes = traces(&["a", "b", "c"]);
    let cut = &bytes[..bytes.len() - 3];
    let (t, errors) = load_bytes(cut, file_source("t.binpb"), &LoadOptions::default());
    assert!(t.is_empty());
    assert_eq!(errors.len(), 1);
    let InputErrorKind::Decode(DecodeError::Protobuf { offset, .. }) = errors[0].kind else {
        panic!("protobuf error expected, got {:?}", errors[0].kind);
    };
    assert!(offset > 0 && offset < cut.len() as u64);
}

#[test]
fn signal_option_forces_the_decoder() {
    let bytes = logs("e");
    let options = LoadOptions {
        format: Some(Format::Protobuf),
        signal: Some(Signal::Logs),
    };
    let (t, errors) = load_bytes(&bytes, Source::Unknown, &options);
    assert!(errors.is_empty());
    assert_eq!(t.logs.len(), 1);
    let options = LoadOptions {
        format: None,
        signal: Some(Signal::Traces),
    };
    let (t, errors) = load_bytes(&bytes, Source::Unknown, &options);
    assert!(t.spans.is_empty() && t.logs.is_empty());
    assert_eq!(errors.len(), 1, "logs bytes are not a traces request");
}

#[test]
fn unreadable_and_empty_files() {
    let missing = load_file(data("does-not-exist.json")).expect_err("missing file");
    assert!(matches!(missing.kind, InputErrorKind::Io(_)));
    assert!(
        missing
            .to_string()
            .contains("does-not-exist.json: cannot read"),
        "{missing}"
    );
    // An empty file is read, and said to hold nothing (issue 13, item 15).
    for name in ["empty.json", "empty.jsonl", "empty.binpb"] {
        let file = TempFile::new(name, b"");
        let (t, errors) = load_file_with(&file.0, &LoadOptions::default()).expect("readable");
        assert!(t.is_empty(), "{name}");
        assert_eq!(errors.len(), 1, "{name}");
        assert!(matches!(errors[0].kind, InputErrorKind::Empty(_)), "{name}");
    }
}

/// A JSON Lines file larger than the part read first is read line by line; what it yields
/// (spans, errors and their lines) is what reading it whole yields, for `.jsonl` and for a
/// `.json` that holds lines.
#[test]
fn large_json_lines_files_stream_with_the_same_result() {
    let collector = std::fs::read_to_string(data("collector-traces.jsonl")).expect("test data");
    let mut content = String::from("\u{feff}");
    let mut line = 0;
    while content.len() < 3 << 20 {
        for l in collector.lines() {
            line += 1;
            if line == 7 {
                content.push_str("{\"resourceSpans\": [{\n");
            } else {
                content.push_str(l);
                content.push('\n');
            }
        }
    }
    for name in ["big.jsonl", "big.json"] {
        let file = TempFile::new(name, content.as_bytes());
        let (streamed, streamed_errors) = load_file(&file.0).expect("readable");
        let (whole, whole_errors) = load_bytes(
            content.as_bytes(),
            Source::File(file.0.as_path().into()),
            &LoadOptions::default(),
        );
        assert!(streamed.spans.len() > 1000, "{name}");
        assert_eq!(streamed.spans.len(), whole.spans.len(), "{name}");
        assert_eq!(streamed.spans, whole.spans, "{name}");
        let lines = |e: &[genai_validator::InputError]| -> Vec<Option<u64>> {
            e.iter().map(|e| e.origin.line).collect()
        };
        assert_eq!(lines(&streamed_errors), vec![Some(7)], "{name}");
        assert_eq!(lines(&streamed_errors), lines(&whole_errors), "{name}");
    }
}

/// One pretty-printed OTLP/JSON document of more than 3 MiB: every request of the collector's
/// traces file (many times over) and of the mixed-signals file, in one object.
fn large_document() -> String {
    let mut spans = Vec::new();
    let (mut logs, mut metrics) = (Vec::new(), Vec::new());
    let lines = |name: &str| -> Vec<serde_json::Value> {
        std::fs::read_to_string(data(name))
            .expect("test data")
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).expect("a request"))
            .collect()
    };
    for r in lines("mixed-signals.jsonl") {
        for (key, out) in [
            ("resourceLogs", &mut logs),
            ("resourceMetrics", &mut metrics),
        ] {
            if let Some(serde_json::Value::Array(a)) = r.get(key) {
                out.extend(a.iter().cloned());
            }
        }
    }
    let once: Vec<serde_json::Value> = lines("collector-traces.jsonl")
        .iter()
        .filter_map(|r| r.get("resourceSpans")?.as_array().cloned())
        .flatten()
        .collect();
    let size = serde_json::to_string_pretty(&once)
        .expect("serialisable")
        .len();
    for _ in 0..=(3 << 20) / size {
        spans.extend(once.iter().cloned());
    }
    serde_json::to_string_pretty(&serde_json::json!({
        "resourceSpans": spans,
        "resourceLogs": logs,
        "resourceMetrics": metrics,
    }))
    .expect("serialisable")
}

/// `Origin::line` differs by design (a piece's items carry the line they start on); the
/// rest must be equal.
fn without_lines(mut t: genai_validator::Telemetry) -> genai_validator::Telemetry {
    for s in &mut t.spans {
        s.origin.line = None;
    }
    for l in &mut t.logs {
        l.origin.line = None;
    }
    for m in &mut t.metrics {
        m.origin.line = None;
    }
    t
}

/// A single JSON document larger than the part read first is read in pieces, never whole:
/// the spans, log records and metrics are those reading it whole gives.
#[test]
fn large_json_documents_stream_with_the_same_result() {
    let doc = large_document();
    let file = TempFile::new("big-document.json", doc.as_bytes());
    let (streamed, streamed_errors) = load_file(&file.0).expect("readable");
    let (whole, whole_errors) = load_bytes(
        doc.as_bytes(),
        Source::File(file.0.as_path().into()),
        &LoadOptions::default(),
    );
    assert!(streamed_errors.is_empty(), "{streamed_errors:?}");
    assert!(whole_errors.is_empty(), "{whole_errors:?}");
    assert!(streamed.spans.len() > 3000, "{}", streamed.spans.len());
    assert!(doc.len() > 3 << 20);
    assert!(!streamed.logs.is_empty() && !streamed.metrics.is_empty());
    let (streamed, whole) = (without_lines(streamed), without_lines(whole));
    assert_eq!(streamed.spans.len(), whole.spans.len());
    assert_eq!(streamed.spans, whole.spans);
    assert_eq!(streamed.logs, whole.logs);
    assert_eq!(streamed.metrics, whole.metrics);
}

/// [`large_document`], the number of spans it holds, and where each `"kind": 1` is in it.
fn large_document_with_kinds() -> (String, usize, Vec<usize>) {
    let doc = large_document();
    let total = load_bytes(doc.as_bytes(), Source::Unknown, &LoadOptions::default())
        .0
        .spans
        .len();
    let kinds = doc.match_indices("\"kind\": 1").map(|(i, _)| i).collect();
    (doc, total, kinds)
}

/// A bad span in a large document costs only itself (its piece is decoded again item by
/// item), located at its own line; the document read whole loses everything.
#[test]
fn a_bad_item_in_a_large_json_document_costs_only_itself() {
    let (doc, total, kinds) = large_document_with_kinds();
    // The middle span's kind becomes an object.
    let at = kinds[kinds.len() / 2];
    let broken = format!(
        "{}\"kind\": {{}}{}",
        &doc[..at],
        &doc[at + "\"kind\": 1".len()..]
    );
    let line = 1 + broken[..at].matches('\n').count() as u64;
    let file = TempFile::new("big-broken.json", broken.as_bytes());
    let (streamed, errors) = load_file(&file.0).expect("readable");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        matches!(
            &errors[0].kind,
            InputErrorKind::Decode(DecodeError::Json { line: l, .. }) if *l == line
        ),
        "{:?} (the bad kind is on line {line})",
        errors[0]
    );
    assert_eq!(streamed.spans.len(), total - 1);
    let (whole, _) = load_bytes(broken.as_bytes(), Source::Unknown, &LoadOptions::default());
    assert_eq!(whole.spans.len(), 0);
}

/// Two bad spans of one piece: both reported, each at its own line, and only they are lost.
#[test]
fn two_bad_items_in_one_piece_are_reported_apart() {
    let (doc, total, kinds) = large_document_with_kinds();
    let (a, b) = (kinds[10], kinds[12]);
    let broken = format!(
        "{}\"kind\": {{}}{}\"kind\": \"x\"{}",
        &doc[..a],
        &doc[a + "\"kind\": 1".len()..b],
        &doc[b + "\"kind\": 1".len()..]
    );
    let line_a = 1 + doc[..a].matches('\n').count() as u64;
    let line_b = 1 + doc[..b].matches('\n').count() as u64;
    let file = TempFile::new("big-broken-twice.json", broken.as_bytes());
    let (streamed, errors) = load_file(&file.0).expect("readable");
    let lines: Vec<Option<u64>> = errors
        .iter()
        .map(|e| match &e.kind {
            InputErrorKind::Decode(DecodeError::Json { line, .. }) => Some(*line),
            _ => None,
        })
        .collect();
    assert_eq!(lines, [Some(line_a), Some(line_b)], "{errors:?}");
    assert_eq!(streamed.spans.len(), total - 2);
}

/// A large document of `n` small spans (span `bad` with a kind that is an object) under one
/// resource with the attribute `big` = `value` (OTLP/JSON `AnyValue` text).
fn document_of(n: usize, bad: Option<usize>, value: &str) -> String {
    let spans: Vec<String> = (0..n)
        .map(|i| {
            let kind = if Some(i) == bad { "{}" } else { "1" };
            format!(
                "{{\"traceId\":\"{:032x}\",\"spanId\":\"{:016x}\",\"name\":\"s\",\"kind\":{kind}}}",
                i + 1,
                i + 1
            )
        })
        .collect();
    format!(
        "{{\"resourceSpans\":[{{\"resource\":{{\"attributes\":[{{\"key\":\"big\",\
         \"value\":{value}}}]}},\"scopeSpans\":[{{\"spans\":[{}]}}]}}]}}",
        spans.join(",")
    )
}

/// Decoding bad pieces item by item has a budget (64 MiB, plus four times what was read):
/// a resource of 2 KB repeated for each of a piece's 2,048 items fits, and the bad span costs
/// only itself; one of 200 KB (400 MB to copy) does not, and the bad span costs its piece,
/// reported once, the other pieces standing.
#[test]
fn decoding_bad_pieces_item_by_item_has_a_budget() {
    for (pad, kept) in [(2_000, 11_999), (200_000, 12_000 - 2048)] {
        let value = format!("{{\"stringValue\":\"{}\"}}", "x".repeat(pad));
        let doc = document_of(12_000, Some(10), &value);
        assert!(doc.len() > 1 << 20);
        let file = TempFile::new("big-resource-broken.json", doc.as_bytes());
        let (streamed, errors) = load_file(&file.0).expect("readable");
        assert_eq!(errors.len(), 1, "{pad}: {errors:?}");
        assert_eq!(streamed.spans.len(), kept, "{pad}");
        if kept < 11_999 {
            // The piece is lost, and the error says how much went with it, and why.
            assert!(
                matches!(
                    errors[0].kind,
                    InputErrorKind::ItemsLost {
                        items: 2048,
                        budget: true,
                        ..
                    }
                ),
                "{errors:?}"
            );
            assert!(
                errors[0].to_string().contains(
                    "2048 items lost with it (not all tried one at a time: that would pass the budget"
                ),
                "{}",
                errors[0]
            );
        }
    }
}

/// Found by probing: a bad resource attribute made every item of every piece fail on its
/// own, and was reported once per span; it is reported once, where the resource is.
#[test]
fn a_bad_resource_in_a_large_document_is_reported_once() {
    let doc = document_of(12_000, None, "{\"intValue\":\"not a number\"}");
    let file = TempFile::new("big-bad-resource.json", doc.as_bytes());
    let (streamed, errors) = load_file(&file.0).expect("readable");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(streamed.spans.len(), 0);
    // Every piece failed the same way: their items are summed in the one error.
    assert!(
        matches!(
            errors[0].kind,
            InputErrorKind::ItemsLost {
                items: 12_000,
                budget: false,
                ..
            }
        ),
        "{errors:?}"
    );
    assert!(
        errors[0].to_string().contains("; 12000 items lost with it"),
        "{}",
        errors[0]
    );
}

/// Found by review: a bad resource over many pieces, the first tried item by item until the
/// budget ran out and the rest not, was reported twice (once per reason); it is reported once,
/// with every item lost.
#[test]
fn a_bad_resource_past_the_budget_is_reported_once() {
    let value = format!("{{\"intValue\":\"{}\"}}", "x".repeat(10_000));
    let doc = document_of(12_000, None, &value);
    let file = TempFile::new("big-bad-resource-budget.json", doc.as_bytes());
    let (streamed, errors) = load_file(&file.0).expect("readable");
    assert_eq!(streamed.spans.len(), 0);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        matches!(
            errors[0].kind,
            InputErrorKind::ItemsLost {
                items: 12_000,
                budget: true,
                ..
            }
        ),
        "{errors:?}"
    );
}

/// `Origin::offset` differs by design (a piece's items carry the offset of their resource
/// entry); the rest must be equal.
fn without_offsets(mut t: genai_validator::Telemetry) -> genai_validator::Telemetry {
    for s in &mut t.spans {
        s.origin.offset = None;
    }
    for l in &mut t.logs {
        l.origin.offset = None;
    }
    t
}

/// A protobuf request of more than 1 MiB: one resource (with a schema URL) and one scope
/// (with its own) holding every span, plus a second, small resource entry.
fn large_traces_message() -> Vec<u8> {
    let names: Vec<String> = (0..30_000).map(|i| format!("chat model-{i}")).collect();
    let spans: Vec<Span> = names
        .iter()
        .enumerate()
        .map(|(i, n)| Span {
            trace_id: vec![1 + (i % 200) as u8; 16],
            span_id: (i as u64 + 1).to_be_bytes().to_vec(),
            name: n.clone(),
            kind: 3,
            start_time_unix_nano: 1,
            end_time_unix_nano: 2 + i as u64,
            ..Default::default()
        })
        .collect();
    ExportTraceServiceRequest {
        resource_spans: vec![
            ResourceSpans {
                scope_spans: vec![ScopeSpans {
                    spans,
                    schema_url: "https://opentelemetry.io/schemas/1.37.0".into(),
                    ..Default::default()
                }],
                schema_url: "https://opentelemetry.io/schemas/1.36.0".into(),
                ..Default::default()
            },
            ResourceSpans {
                scope_spans: vec![ScopeSpans {
                    spans: vec![Span {
                        trace_id: vec![9; 16],
                        span_id: vec![9; 8],
                        name: "last".into(),
                        ..Default::default()
                    }],
                    ..Default::default()
                }],
                ..Default::default()
            },
        ],
    }
    .encode_to_vec()
}

/// A protobuf file larger than the part read first is read in pieces (one message) or frame
/// by frame (length-prefixed frames), never whole: what it yields is what reading it whole
/// yields, the signal detected from the first piece.
#[test]
fn large_protobuf_files_stream_with_the_same_result() {
    let message = large_traces_message();
    assert!(message.len() > 1 << 20);
    let log = logs("gen_ai.evaluation.result");
    let frames = framed(&[&message, &log, &message]);
    for (name, content) in [("big.pb", &message), ("big-frames.pb", &frames)] {
        let file = TempFile::new(name, content);
        let (streamed, streamed_errors) = load_file(&file.0).expect("readable");
        let (whole, whole_errors) = load_bytes(
            content,
            Source::File(file.0.as_path().into()),
            &LoadOptions::default(),
        );
        assert!(streamed_errors.is_empty(), "{name}: {streamed_errors:?}");
        assert!(whole_errors.is_empty(), "{name}: {whole_errors:?}");
        assert!(streamed.spans.len() > 30_000, "{name}");
        let (streamed, whole) = (without_offsets(streamed), without_offsets(whole));
        assert_eq!(streamed.spans.len(), whole.spans.len(), "{name}");
        assert_eq!(streamed.spans, whole.spans, "{name}");
        assert_eq!(streamed.logs, whole.logs, "{name}");
    }
}

/// A bad span in a large protobuf message costs only itself (its piece is decoded again item
/// by item), located at its byte offset in the file.
#[test]
fn a_bad_item_in_a_large_protobuf_message_costs_only_itself() {
    let mut message = large_traces_message();
    // The name of span 15,000 gets bytes that are not UTF-8.
    let at = message
        .windows(b"chat model-15000".len())
        .position(|w| w == b"chat model-15000")
        .expect("the span");
    message[at] = 0xff;
    let file = TempFile::new("big-broken.pb", &message);
    let (streamed, errors) = load_file(&file.0).expect("readable");
    assert_eq!(errors.len(), 1, "{errors:?}");
    match &errors[0].kind {
        InputErrorKind::Decode(DecodeError::Protobuf { offset, .. }) => {
            let span_start = *offset as usize;
            assert!(
                span_start <= at && at - span_start < 200,
                "{offset} vs {at}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(streamed.spans.len(), 30_000);
}

/// Two bad spans of one protobuf piece: both reported, each near its own offset, and only
/// they are lost.
#[test]
fn two_bad_items_in_one_protobuf_piece_are_reported_apart() {
    let mut message = large_traces_message();
    let mut broken = Vec::new();
    for name in [&b"chat model-15000"[..], b"chat model-15002"] {
        let at = message
            .windows(name.len())
            .position(|w| w == name)
            .expect("the span");
        message[at] = 0xff;
        broken.push(at);
    }
    let file = TempFile::new("big-broken-twice.pb", &message);
    let (streamed, errors) = load_file(&file.0).expect("readable");
    assert_eq!(errors.len(), 2, "{errors:?}");
    for (e, at) in errors.iter().zip(broken) {
        match &e.kind {
            InputErrorKind::Decode(DecodeError::Protobuf { offset, .. }) => {
                let start = *offset as usize;
                assert!(start <= at && at - start < 200, "{offset} vs {at}");
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(streamed.spans.len(), 29_999);
}

/// Found by probing: JSON Lines whose lines are longer than the part of the file read first,
/// with the first line cut short, were taken for one broken document and every line was lost.
#[test]
fn json_lines_longer_than_the_first_part_read_keep_their_lines() {
    let doc = large_document();
    let request: serde_json::Value = serde_json::from_str(&doc).expect("the document");
    let line = serde_json::to_string(&request).expect("one line");
    assert!(line.len() > 1 << 20, "{} bytes", line.len());
    let content = format!("{}\n{line}\n{line}\n", &line[..line.len() / 2]);
    let file = TempFile::new("long-lines.json", content.as_bytes());
    let (streamed, errors) = load_file(&file.0).expect("readable");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].origin.line, Some(1));
    let (one, _) = load_bytes(line.as_bytes(), Source::Unknown, &LoadOptions::default());
    assert_eq!(streamed.spans.len(), 2 * one.spans.len());
}
