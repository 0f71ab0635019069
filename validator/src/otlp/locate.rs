//! Finds where a protobuf request that prost rejected goes wrong.
//!
//! prost reports what is wrong but not where. All three OTLP requests share one shape:
//! `request.1 -> Resource*.2 -> Scope*.2 -> item` (span, log record or metric). This walks that
//! path on the wire, decodes each entry on its own, and descends into the first entry that fails
//! (or that the bytes end in), so the offset names the innermost broken span, log record or
//! metric, or the exact field where the wire encoding itself breaks (a length running past the
//! end, a bad tag).

use opentelemetry_proto::tonic::{logs::v1 as pl, metrics::v1 as pm, trace::v1 as pt};
use prost::Message;

use super::Signal;

type Check = fn(&[u8]) -> bool;

fn ok<M: Message + Default>(bytes: &[u8]) -> bool {
    M::decode(bytes).is_ok()
}

/// Offset, from the start of `bytes`, of the innermost element that does not decode.
pub(super) fn error_offset(bytes: &[u8], signal: Signal) -> usize {
    let levels: [Check; 3] = match signal {
        Signal::Traces => [
            ok::<pt::ResourceSpans>,
            ok::<pt::ScopeSpans>,
            ok::<pt::Span>,
        ],
        Signal::Logs => [
            ok::<pl::ResourceLogs>,
            ok::<pl::ScopeLogs>,
            ok::<pl::LogRecord>,
        ],
        Signal::Metrics => [
            ok::<pm::ResourceMetrics>,
            ok::<pm::ScopeMetrics>,
            ok::<pm::Metric>,
        ],
    };
    walk(bytes, 0, &levels).unwrap_or(0)
}

/// Walks the fields of one message at `base`; `levels[0]` checks the entries on the path.
fn walk(bytes: &[u8], base: usize, levels: &[Check]) -> Option<usize> {
    // The request's entries are field 1; resource and scope entries hold theirs in field 2.
    let path_field = if levels.len() == 3 { 1 } else { 2 };
    let mut pos = 0;
    while pos < bytes.len() {
        let start = pos;
        let Some(key) = varint(bytes, &mut pos) else {
            return Some(base + start);
        };
        let (field, wire) = (key >> 3, key & 7);
        if field == 0 || (field == path_field && wire != 2 && !levels.is_empty()) {
            return Some(base + start);
        }
        match wire {
            0 => {
                if varint(bytes, &mut pos).is_none() {
                    return Some(base + start);
                }
            }
            1 | 5 => {
                let width = if wire == 1 { 8 } else { 4 };
                if bytes.len() - pos < width {
                    return Some(base + start);
                }
                pos += width;
            }
            2 => {
                let Some(len) = varint(bytes, &mut pos) else {
                    return Some(base + start);
                };
                let end = usize::try_from(len).map_or(usize::MAX, |len| pos.saturating_add(len));
                if end > bytes.len() {
                    // Truncated: every enclosing length overruns too, so point at the
                    // innermost element that the bytes end in.
                    if field == path_field
                        && let Some((_, deeper)) = levels.split_first()
                    {
                        let inner = walk(&bytes[pos..], base + pos, deeper);
                        return Some(inner.unwrap_or(base + start));
                    }
                    return Some(base + start);
                }
                if field == path_field
                    && let Some((check, deeper)) = levels.split_first()
                    && !check(&bytes[pos..end])
                {
                    return Some(
                        walk(&bytes[pos..end], base + pos, deeper).unwrap_or(base + start),
                    );
                }
                pos = end;
            }
            // Groups (3, 4) are not used by OTLP; other wire types do not exist.
            _ => return Some(base + start),
        }
    }
    None
}

/// Reads a varint at `*pos`, advancing past it; `None` when truncated or longer than 10 bytes.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varint_reads_and_rejects_truncation() {
        let mut pos = 0;
        assert_eq!(varint(&[0x96, 0x01], &mut pos), Some(150));
        assert_eq!(pos, 2);
        let mut pos = 0;
        assert_eq!(varint(&[0x96], &mut pos), None);
        let mut pos = 0;
        assert_eq!(varint(&[0xff; 11], &mut pos), None);
    }

    #[test]
    fn truncated_length_is_located_at_its_field() {
        // Field 1, length 5, nothing follows: the entry itself.
        assert_eq!(error_offset(&[0x0a, 0x05], Signal::Traces), 0);
        // Field 1, length 5, then a scope entry of length 9 cut short: that scope entry.
        assert_eq!(error_offset(&[0x0a, 0x05, 0x12, 0x09], Signal::Traces), 2);
        // ... and with a bad tag (field 0) where its content starts: that byte.
        assert_eq!(
            error_offset(&[0x0a, 0x05, 0x12, 0x09, 0x00], Signal::Traces),
            4
        );
        // A valid empty entry, then a bad tag (field 0) at byte 2.
        assert_eq!(error_offset(&[0x0a, 0x00, 0x00], Signal::Logs), 2);
    }
}
