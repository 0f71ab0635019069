//! Bounds on what one request may decode into, checked before (protobuf) or while (JSON) the
//! request is decoded, so that a small body cannot become gigabytes of decoded items.
//!
//! The unit is the *element*: every message of a repeated field (resource and scope entries,
//! spans, events, links, log records, metrics, data points, exemplars, quantiles, attributes,
//! array and key-value-list values). An empty span costs two bytes of protobuf and hundreds of
//! bytes decoded; counting elements bounds that amplification whatever the element is.

use std::cell::Cell;

use super::Signal;

/// Limits applied by [`decode_request_into`](super::decode_request_into).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DecodeLimits {
    /// Most elements (see the module documentation) one request may hold.
    pub max_elements: usize,
}

impl DecodeLimits {
    /// No limit (files, whose size the user chose).
    pub const UNLIMITED: DecodeLimits = DecodeLimits {
        max_elements: usize::MAX,
    };
}

impl Default for DecodeLimits {
    /// 1,000,000 elements: a 16 MiB request of real GenAI spans holds about 400,000.
    fn default() -> Self {
        DecodeLimits {
            max_elements: 1_000_000,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Protobuf: one pass over the wire format, schema-aware, no allocation.

/// The OTLP messages that hold repeated messages (everything else is a leaf to this walk).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum M {
    TraceRequest,
    LogsRequest,
    MetricsRequest,
    ResourceSpans,
    ResourceLogs,
    ResourceMetrics,
    Resource,
    Scope,
    ScopeSpans,
    ScopeLogs,
    ScopeMetrics,
    Span,
    Event,
    Link,
    LogRecord,
    Metric,
    /// Gauge and Sum (field 1: NumberDataPoint).
    NumberData,
    /// Histogram, ExponentialHistogram, Summary (field 1: their points).
    HistogramData,
    ExpHistogramData,
    SummaryData,
    NumberPoint,
    HistogramPoint,
    ExpHistogramPoint,
    SummaryPoint,
    Exemplar,
    KeyValue,
    AnyValue,
    /// ArrayValue (field 1: AnyValue) and KeyValueList (field 1: KeyValue).
    ArrayValue,
    KvList,
    /// A message of no interest (counted, not entered).
    Leaf,
}

/// The message type of field `field` of `m`, when it is a message; `None` for scalars,
/// strings, bytes and packed numbers.
fn child(m: M, field: u64) -> Option<M> {
    use M::*;
    Some(match (m, field) {
        (TraceRequest, 1) => ResourceSpans,
        (LogsRequest, 1) => ResourceLogs,
        (MetricsRequest, 1) => ResourceMetrics,
        (ResourceSpans, 1) | (ResourceLogs, 1) | (ResourceMetrics, 1) => Resource,
        (ResourceSpans, 2) => ScopeSpans,
        (ResourceLogs, 2) => ScopeLogs,
        (ResourceMetrics, 2) => ScopeMetrics,
        (Resource, 1) => KeyValue,
        (Resource, 3) => Leaf, // entity refs
        (Scope, 3) => KeyValue,
        (ScopeSpans, 1) | (ScopeLogs, 1) | (ScopeMetrics, 1) => Scope,
        (ScopeSpans, 2) => Span,
        (ScopeLogs, 2) => LogRecord,
        (ScopeMetrics, 2) => Metric,
        (Span, 9) => KeyValue,
        (Span, 11) => Event,
        (Span, 13) => Link,
        (Span, 15) => Leaf, // status
        (Event, 3) | (Link, 5) => KeyValue,
        (LogRecord, 5) => AnyValue,
        (LogRecord, 6) => KeyValue,
        (Metric, 5) | (Metric, 7) => NumberData,
        (Metric, 9) => HistogramData,
        (Metric, 10) => ExpHistogramData,
        (Metric, 11) => SummaryData,
        (Metric, 12) => KeyValue,
        (NumberData, 1) => NumberPoint,
        (HistogramData, 1) => HistogramPoint,
        (ExpHistogramData, 1) => ExpHistogramPoint,
        (SummaryData, 1) => SummaryPoint,
        (NumberPoint, 7) | (HistogramPoint, 9) | (ExpHistogramPoint, 1) => KeyValue,
        (SummaryPoint, 7) => KeyValue,
        (NumberPoint, 5) | (HistogramPoint, 8) | (ExpHistogramPoint, 11) => Exemplar,
        (ExpHistogramPoint, 8) | (ExpHistogramPoint, 9) => Leaf, // buckets
        (SummaryPoint, 6) => Leaf,                               // quantiles
        (Exemplar, 7) => KeyValue,
        (KeyValue, 2) => AnyValue,
        (AnyValue, 5) => ArrayValue,
        (AnyValue, 6) => KvList,
        (ArrayValue, 1) => AnyValue,
        (KvList, 1) => KeyValue,
        _ => return None,
    })
}

/// Nesting deeper than this is not entered (prost refuses such requests anyway).
const MAX_DEPTH: usize = 100;

/// Counts the elements of a protobuf request of `signal`, stopping as soon as the count
/// exceeds `limit`. Returns `Err(limit)` when it does; malformed bytes are not an error here
/// (the decoder reports them with their location).
pub(super) fn check_protobuf(bytes: &[u8], signal: Signal, limit: usize) -> Result<usize, usize> {
    if limit == usize::MAX {
        return Ok(0);
    }
    let root = match signal {
        Signal::Traces => M::TraceRequest,
        Signal::Logs => M::LogsRequest,
        Signal::Metrics => M::MetricsRequest,
    };
    let mut count = 0usize;
    walk(bytes, root, 0, &mut count, limit).map(|()| count)
}

fn walk(bytes: &[u8], m: M, depth: usize, count: &mut usize, limit: usize) -> Result<(), usize> {
    let mut pos = 0;
    while pos < bytes.len() {
        let Some(key) = varint(bytes, &mut pos) else {
            return Ok(());
        };
        let (field, wire) = (key >> 3, key & 7);
        match wire {
            0 => {
                if varint(bytes, &mut pos).is_none() {
                    return Ok(());
                }
            }
            1 => pos = pos.saturating_add(8),
            5 => pos = pos.saturating_add(4),
            2 => {
                let Some(len) = varint(bytes, &mut pos) else {
                    return Ok(());
                };
                let end = usize::try_from(len)
                    .map_or(usize::MAX, |len| pos.saturating_add(len))
                    .min(bytes.len());
                if let Some(inner) = child(m, field) {
                    *count += 1;
                    if *count > limit {
                        return Err(limit);
                    }
                    if inner != M::Leaf && depth < MAX_DEPTH {
                        walk(&bytes[pos..end], inner, depth + 1, count, limit)?;
                    }
                }
                pos = end;
            }
            _ => return Ok(()),
        }
    }
    Ok(())
}

fn varint(bytes: &[u8], pos: &mut usize) -> Option<u64> {
    let mut value = 0u64;
    for shift in 0..10 {
        let byte = *bytes.get(*pos)?;
        *pos += 1;
        value |= u64::from(byte & 0x7f) << (7 * shift);
        if byte & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

// ---------------------------------------------------------------------------------------------
// JSON: a per-thread budget that the deserializers of repeated fields draw from.

thread_local! {
    /// Elements still allowed in the request being decoded on this thread, and the limit.
    static BUDGET: Cell<(usize, usize)> = const { Cell::new((usize::MAX, usize::MAX)) };
    /// Set when the budget ran out (the serde error that follows is then "too many").
    static EXCEEDED: Cell<bool> = const { Cell::new(false) };
}

/// Arms the budget for one JSON decode on this thread; disarmed when dropped.
pub(super) struct JsonBudget(());

impl JsonBudget {
    pub(super) fn arm(limit: usize) -> JsonBudget {
        BUDGET.with(|b| b.set((limit, limit)));
        EXCEEDED.with(|e| e.set(false));
        JsonBudget(())
    }

    /// The limit, when the decode ran out of budget.
    pub(super) fn exceeded(&self) -> Option<usize> {
        EXCEEDED.with(Cell::get).then(|| BUDGET.with(|b| b.get().1))
    }
}

impl Drop for JsonBudget {
    fn drop(&mut self) {
        BUDGET.with(|b| b.set((usize::MAX, usize::MAX)));
    }
}

/// Takes one element from the budget; an error once it is spent.
pub(super) fn take_element<E: serde::de::Error>() -> Result<(), E> {
    BUDGET.with(|b| {
        let (left, limit) = b.get();
        if limit == usize::MAX {
            return Ok(());
        }
        if left == 0 {
            EXCEEDED.with(|e| e.set(true));
            return Err(E::custom(format!(
                "more than {limit} elements in one request"
            )));
        }
        b.set((left - 1, limit));
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `n` empty spans in one scope of one resource.
    fn empty_spans(n: usize) -> Vec<u8> {
        let mut scope = Vec::new();
        for _ in 0..n {
            scope.extend([0x12, 0x00]); // ScopeSpans.spans = {}
        }
        let mut rs = vec![0x12];
        push_len(&mut rs, scope.len());
        rs.extend(scope);
        let mut req = vec![0x0a];
        push_len(&mut req, rs.len());
        req.extend(rs);
        req
    }

    fn push_len(out: &mut Vec<u8>, mut n: usize) {
        while n >= 0x80 {
            out.push((n as u8) | 0x80);
            n >>= 7;
        }
        out.push(n as u8);
    }

    #[test]
    fn protobuf_elements_are_counted_and_bounded() {
        let req = empty_spans(1000);
        // 1 resource entry + 1 scope entry + 1000 spans.
        assert_eq!(check_protobuf(&req, Signal::Traces, 10_000), Ok(1002));
        assert_eq!(check_protobuf(&req, Signal::Traces, 500), Err(500));
        assert_eq!(check_protobuf(&req, Signal::Traces, usize::MAX), Ok(0));
    }

    #[test]
    fn malformed_bytes_are_left_to_the_decoder() {
        assert_eq!(check_protobuf(&[0x0a, 0xff], Signal::Traces, 10), Ok(0));
        assert_eq!(check_protobuf(&[0x0a, 0x05, 0x12], Signal::Logs, 10), Ok(1));
    }

    #[test]
    fn the_json_budget_runs_out_and_disarms() {
        {
            let budget = JsonBudget::arm(2);
            assert!(take_element::<serde_json::Error>().is_ok());
            assert!(take_element::<serde_json::Error>().is_ok());
            assert!(take_element::<serde_json::Error>().is_err());
            assert_eq!(budget.exceeded(), Some(2));
        }
        for _ in 0..10 {
            assert!(take_element::<serde_json::Error>().is_ok());
        }
    }
}

/// How large a piece of a file read in pieces ([`super::json_split`],
/// [`super::protobuf_split`]) grows before it is handed over.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PieceLimits {
    /// Items (spans, log records, metrics) per piece.
    pub items: usize,
    /// Bytes of items per piece (a piece always holds at least one item).
    pub bytes: usize,
    /// The largest item held; a larger one is reported and skipped without being held.
    pub item_bytes: usize,
}

/// A field path of a piece's request (`resource_spans[0].scope_spans[0].spans[k]...`) as the
/// file's: the piece's one resource and scope entry and its first item are the file's entries
/// `at`. Returns the path and `k`, the item's index in the piece.
pub(crate) fn rebase_field(field: &str, at: [u64; 3]) -> (String, Option<usize>) {
    let mut out = String::with_capacity(field.len() + 8);
    let mut item = None;
    for (n, part) in field.split('.').enumerate() {
        if n > 0 {
            out.push('.');
        }
        let indexed = part
            .strip_suffix(']')
            .and_then(|p| p.split_once('['))
            .and_then(|(name, i)| Some((name, i.parse::<u64>().ok()?)));
        match (n, indexed) {
            (0..=2, Some((name, i))) => {
                if n == 2 {
                    item = usize::try_from(i).ok();
                }
                out.push_str(&format!("{name}[{}]", i + at[n]));
            }
            _ => out.push_str(part),
        }
    }
    (out, item)
}
