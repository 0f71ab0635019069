//! A large OTLP protobuf message (`Export*ServiceRequest` or `*Data`) read in pieces, never
//! whole, as [`super::json_split`] reads a JSON document: each piece is a request of its own
//! (one resource, one scope and a run of that scope's items, their bytes copied verbatim),
//! decoded as any request is, its errors located at the file's own byte offsets.
//!
//! The three signals share their shape (field 1: the resource entries; in each, field 1 the
//! resource, field 2 the scope entries, field 3 the schema URL; in each scope entry, field 1
//! the scope, field 2 the items, field 3 the schema URL), so one splitter serves all three.
//! Entries of at most 64 KiB are copied whole; a larger one is read twice (the reader seeks back):
//! first its resource (or scope) and schema URL, then its items.

use std::io::{self, BufReader, Read, Seek};
use std::ops::Range;

use super::DecodeError;
use super::limits::{PieceLimits, rebase_field};

/// Resource and scope entries up to this size (or [`PieceLimits::bytes`], when smaller) are
/// copied whole (into one piece: a few hundred items at most); larger ones are cut by
/// [`PieceLimits`].
const WHOLE_ENTRY_BYTES: u64 = 64 << 10;

/// One piece: a request of its own.
#[derive(Debug)]
pub(crate) struct Piece {
    /// The request's bytes.
    pub bytes: Vec<u8>,
    /// Where the bytes copied from the file are: `(offset in the piece, offset in the file,
    /// length)`, in piece order.
    copied: Vec<(u64, u64, u64)>,
    /// Where the resource entry the piece comes from starts in the file.
    pub entry: u64,
    /// The file's indices of its resource entry, scope entry and first item (for a whole
    /// entry or scope entry copied as it is: the index of what comes first in it).
    index: [u64; 3],
    /// For items copied one by one (`copied` is then one per item): where its resource, its
    /// scope and each item (with its offset in the file) are in `bytes`, to decode them again
    /// one by one. `None` for a whole entry or scope entry copied as it is.
    parts: Option<Box<Parts>>,
}

/// Where the parts of a piece of items copied one by one are in its bytes.
#[derive(Debug)]
struct Parts {
    resource: Range<usize>,
    scope: Range<usize>,
    items: Vec<(u64, Range<usize>)>,
}

/// A piece of one scope's items (`(offset in the file, bytes)` each), with the resource and
/// scope fields before them.
fn assemble<'a>(
    resource: &[u8],
    scope: &[u8],
    items: impl ExactSizeIterator<Item = (u64, &'a [u8])>,
) -> (Vec<u8>, Vec<(u64, u64, u64)>, Parts) {
    let mut scope_msg = scope.to_vec();
    let mut copied = Vec::with_capacity(items.len());
    let mut ranges = Vec::with_capacity(items.len());
    for (file_at, bytes) in items {
        // The item with its key and length, which the decoder's offsets point at (the
        // file's are as long: encoders write minimal varints).
        let key = scope_msg.len() as u64;
        let start = header(&mut scope_msg, 2, bytes.len() as u64);
        let head = start - key;
        copied.push((key, file_at.saturating_sub(head), head + bytes.len() as u64));
        ranges.push((file_at, start as usize..start as usize + bytes.len()));
        scope_msg.extend_from_slice(bytes);
    }
    let mut entry_msg = resource.to_vec();
    let scope_start = header(&mut entry_msg, 2, scope_msg.len() as u64);
    entry_msg.extend_from_slice(&scope_msg);
    let mut piece = Vec::with_capacity(entry_msg.len() + 12);
    let entry_start = header(&mut piece, 1, entry_msg.len() as u64);
    piece.extend_from_slice(&entry_msg);
    let shift = (entry_start + scope_start) as usize;
    for c in &mut copied {
        c.0 += shift as u64;
    }
    for (_, r) in &mut ranges {
        *r = r.start + shift..r.end + shift;
    }
    let entry_start = entry_start as usize;
    let parts = Parts {
        resource: entry_start..entry_start + resource.len(),
        scope: shift..shift + scope.len(),
        items: ranges,
    };
    (piece, copied, parts)
}

impl Piece {
    /// `err`, from decoding this piece, located in the file: an offset mapped to the file's,
    /// a field path to the file's indices (with the offset of the item it is about).
    pub fn locate(&self, err: DecodeError) -> (DecodeError, Option<u64>) {
        match err {
            DecodeError::Protobuf { offset, reason } => {
                let at = self
                    .copied
                    .iter()
                    .find(|(p, _, n)| (*p..*p + *n).contains(&offset))
                    .map_or(self.entry, |(p, f, _)| f + (offset - p));
                (DecodeError::Protobuf { offset: at, reason }, Some(at))
            }
            DecodeError::InvalidField { field, reason } => {
                let (field, item) = rebase_field(&field, self.index);
                let at = item
                    .filter(|_| self.parts.is_some())
                    .and_then(|i| self.copied.get(i))
                    .map(|(_, f, _)| *f);
                (DecodeError::InvalidField { field, reason }, at)
            }
            other => (other, None),
        }
    }

    /// How many items it holds, when they were copied one by one (else `None`).
    pub fn item_count(&self) -> Option<usize> {
        self.parts.as_ref().map(|p| p.items.len())
    }

    /// The bytes [`Piece::one_by_one`] would copy: its items, each with the resource and
    /// scope again (and their keys and lengths, at most 30 bytes).
    pub fn one_by_one_bytes(&self) -> usize {
        self.parts.as_ref().map_or(0, |p| {
            let items = p.items.iter().map(|(_, r)| r.len()).sum::<usize>();
            items + p.items.len() * (p.resource.len() + p.scope.len() + 30)
        })
    }

    /// Each of its items as a piece of its own (same resource and scope), when they were
    /// copied one by one (else none), so that one bad item need not cost the others.
    pub fn one_by_one(&self) -> impl Iterator<Item = Piece> + '_ {
        self.parts.iter().flat_map(move |parts| {
            parts
                .items
                .iter()
                .enumerate()
                .map(move |(i, (file_at, range))| {
                    let (bytes, copied, one) = assemble(
                        &self.bytes[parts.resource.clone()],
                        &self.bytes[parts.scope.clone()],
                        std::iter::once((*file_at, &self.bytes[range.clone()])),
                    );
                    Piece {
                        bytes,
                        copied,
                        entry: self.entry,
                        index: [self.index[0], self.index[1], self.index[2] + i as u64],
                        parts: Some(Box::new(one)),
                    }
                })
        })
    }
}

/// What a split found besides its pieces.
#[derive(Debug, Default)]
pub(crate) struct Split {
    /// Values too large to hold, skipped: where each starts, and what it is (`item`: longer
    /// than [`PieceLimits::item_bytes`]; `resource` or `scope`: longer than
    /// [`PieceLimits::bytes`], the entry skipped with it).
    pub skipped: Vec<(u64, &'static str)>,
}

/// Splits the message `reader` holds (`len` bytes from its current position) into pieces,
/// handing each to `each` in file order. Bytes that are not a message end the split with an
/// error at their offset; the pieces handed over before it stand.
pub(crate) fn split<R: Read + Seek>(
    reader: &mut BufReader<R>,
    len: u64,
    limits: PieceLimits,
    each: &mut dyn FnMut(Piece),
) -> Result<Split, DecodeError> {
    let mut r = Reader { r: reader, pos: 0 };
    let mut found = Split::default();
    let mut s = Splitter {
        r: &mut r,
        limits,
        found: &mut found,
    };
    let mut resource = 0u64;
    s.fields(len, &mut |s, field, at, n| {
        if field != 1 {
            return s.r.skip(n);
        }
        resource += 1;
        let index = resource - 1;
        if n <= WHOLE_ENTRY_BYTES.min(s.limits.bytes as u64) {
            let bytes = s.r.take(n)?;
            let mut piece = Vec::with_capacity(bytes.len() + 12);
            let start = header(&mut piece, 1, n);
            piece.extend_from_slice(&bytes);
            each(Piece {
                bytes: piece,
                copied: vec![(start, at, n)],
                entry: at,
                index: [index, 0, 0],
                parts: None,
            });
            return Ok(());
        }
        s.resource_entry(index, at, n, each)
    })?;
    Ok(found)
}

/// Writes the key and length of a length-delimited field; returns where its payload starts.
fn header(out: &mut Vec<u8>, field: u32, len: u64) -> u64 {
    varint(out, u64::from(field << 3 | 2));
    varint(out, len);
    out.len() as u64
}

fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// A length-delimited field copied whole into a message being built.
fn copy_field(out: &mut Vec<u8>, field: u32, bytes: &[u8]) {
    header(out, field, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

struct Reader<'r, R> {
    r: &'r mut BufReader<R>,
    /// Offset from where the split began.
    pos: u64,
}

impl<R: Read + Seek> Reader<'_, R> {
    fn error(&self, reason: &str) -> DecodeError {
        DecodeError::Protobuf {
            offset: self.pos,
            reason: reason.to_string(),
        }
    }

    fn io(&self, e: io::Error) -> DecodeError {
        if e.kind() == io::ErrorKind::UnexpectedEof {
            self.error("the message ends inside a field")
        } else {
            self.error(&format!("cannot read: {e}"))
        }
    }

    fn byte(&mut self) -> Result<u8, DecodeError> {
        let mut b = [0u8];
        self.r.read_exact(&mut b).map_err(|e| self.io(e))?;
        self.pos += 1;
        Ok(b[0])
    }

    fn varint(&mut self) -> Result<u64, DecodeError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Ok(v);
            }
        }
        Err(self.error("a varint of more than ten bytes"))
    }

    fn take(&mut self, n: u64) -> Result<Vec<u8>, DecodeError> {
        let mut out = Vec::new();
        (&mut self.r)
            .take(n)
            .read_to_end(&mut out)
            .map_err(|e| self.io(e))?;
        if (out.len() as u64) < n {
            return Err(self.error("the message ends inside a field"));
        }
        self.pos += n;
        Ok(out)
    }

    fn skip(&mut self, n: u64) -> Result<(), DecodeError> {
        let to = i64::try_from(n).map_err(|_| self.error("a field longer than the file"))?;
        self.r.seek_relative(to).map_err(|e| self.io(e))?;
        self.pos += n;
        Ok(())
    }

    fn seek(&mut self, to: u64) -> Result<(), DecodeError> {
        let back = i64::try_from(to).map_err(|_| self.error("an offset out of range"))?
            - i64::try_from(self.pos).map_err(|_| self.error("an offset out of range"))?;
        self.r.seek_relative(back).map_err(|e| self.io(e))?;
        self.pos = to;
        Ok(())
    }
}

struct Splitter<'a, 'r, R> {
    r: &'a mut Reader<'r, R>,
    limits: PieceLimits,
    found: &'a mut Split,
}

/// A field callback: `(field number, payload offset, payload length)` of a length-delimited
/// field, positioned at its payload; it must read or skip exactly the payload.
type OnField<'f, S> = dyn FnMut(&mut S, u32, u64, u64) -> Result<(), DecodeError> + 'f;

impl<R: Read + Seek> Splitter<'_, '_, R> {
    /// The fields of the `len` bytes from the current position: length-delimited ones go to
    /// `f`, the others are skipped.
    fn fields(&mut self, len: u64, f: &mut OnField<'_, Self>) -> Result<(), DecodeError> {
        let end = self.r.pos + len;
        while self.r.pos < end {
            let key = self.r.varint()?;
            let (field, wire) = (key >> 3, key & 7);
            if field == 0 || field > u64::from(u32::MAX >> 3) {
                return Err(self.r.error("an invalid field number"));
            }
            match wire {
                0 => {
                    self.r.varint()?;
                }
                1 => self.r.skip(8)?,
                5 => self.r.skip(4)?,
                2 => {
                    let n = self.r.varint()?;
                    let at = self.r.pos;
                    if n > end.saturating_sub(at) {
                        return Err(self.r.error("a field longer than the message holding it"));
                    }
                    f(self, field as u32, at, n)?;
                    if self.r.pos != at + n {
                        self.r.seek(at + n)?;
                    }
                }
                _ => return Err(self.r.error("an unsupported wire type")),
            }
            if self.r.pos > end {
                return Err(self.r.error("a field longer than the message holding it"));
            }
        }
        Ok(())
    }

    /// Field 1 (the resource or scope) and field 3 (the schema URL) of the `n` bytes at `at`,
    /// encoded again as the start of the entry's pieces, the reader left at `at`. `None` when
    /// one is longer than a piece may be: the entry is then skipped and reported as `what`. A
    /// wire error on the way comes back beside them, to be returned once the items before it
    /// are handed over.
    fn head(
        &mut self,
        at: u64,
        n: u64,
        what: &'static str,
    ) -> (Option<Vec<u8>>, Result<(), DecodeError>) {
        let (mut one, mut three) = (None, None);
        let mut whole = true;
        let max = self.limits.bytes as u64;
        let found = self.fields(n, &mut |s, field, _, len| match field {
            1 | 3 if len <= max => {
                let b = s.r.take(len)?;
                if field == 1 {
                    one = Some(b)
                } else {
                    three = Some(b)
                }
                Ok(())
            }
            1 | 3 => {
                whole = false;
                s.r.skip(len)
            }
            _ => s.r.skip(len),
        });
        if let Err(e) = self.r.seek(at) {
            return (None, Err(e));
        }
        if !whole {
            self.found.skipped.push((at, what));
            return (None, found);
        }
        let mut prefix = Vec::new();
        for (field, bytes) in [(1, &one), (3, &three)] {
            if let Some(b) = bytes {
                copy_field(&mut prefix, field, b);
            }
        }
        (Some(prefix), found)
    }

    fn resource_entry(
        &mut self,
        index: u64,
        at: u64,
        n: u64,
        each: &mut dyn FnMut(Piece),
    ) -> Result<(), DecodeError> {
        let (head, broken) = self.head(at, n, "resource");
        let Some(prefix) = head else {
            return broken;
        };
        let mut scope = 0u64;
        let items = self.fields(n, &mut |s, field, scope_at, len| {
            if field != 2 {
                return s.r.skip(len);
            }
            scope += 1;
            let indices = [index, scope - 1];
            if len <= WHOLE_ENTRY_BYTES.min(s.limits.bytes as u64) {
                let scope = s.r.take(len)?;
                let mut entry = prefix.clone();
                let inner = header(&mut entry, 2, len);
                entry.extend_from_slice(&scope);
                let mut piece = Vec::with_capacity(entry.len() + 12);
                let start = header(&mut piece, 1, entry.len() as u64);
                piece.extend_from_slice(&entry);
                each(Piece {
                    bytes: piece,
                    copied: vec![(start + inner, scope_at, len)],
                    entry: at,
                    index: [indices[0], indices[1], 0],
                    parts: None,
                });
                return Ok(());
            }
            s.scope_entry(at, indices, &prefix, scope_at, len, each)
        });
        items.and(broken)
    }

    #[allow(clippy::too_many_arguments)]
    fn scope_entry(
        &mut self,
        entry: u64,
        indices: [u64; 2],
        resource: &[u8],
        at: u64,
        n: u64,
        each: &mut dyn FnMut(Piece),
    ) -> Result<(), DecodeError> {
        let (head, broken) = self.head(at, n, "scope");
        let Some(prefix) = head else {
            return broken;
        };
        let limits = self.limits;
        // The items of the piece being gathered: `(offset in the file, bytes)`.
        let mut items: Vec<(u64, Vec<u8>)> = Vec::new();
        let mut size = 0usize;
        // Items of the scope read so far (skipped ones included): the next piece's first
        // item is `seen - items.len()`.
        let mut seen = 0u64;
        let flush = |items: &mut Vec<(u64, Vec<u8>)>,
                     size: &mut usize,
                     seen: u64,
                     each: &mut dyn FnMut(Piece)| {
            if items.is_empty() {
                return;
            }
            let first = seen - items.len() as u64;
            let (bytes, copied, parts) = assemble(
                resource,
                &prefix,
                items.iter().map(|(at, b)| (*at, b.as_slice())),
            );
            items.clear();
            *size = 0;
            each(Piece {
                bytes,
                copied,
                entry,
                index: [indices[0], indices[1], first],
                parts: Some(Box::new(parts)),
            });
        };
        let run = self.fields(n, &mut |s, field, item_at, len| {
            if field != 2 {
                return s.r.skip(len);
            }
            if len > limits.item_bytes as u64 {
                // The piece ends before it, so its items' indices stay the file's.
                flush(&mut items, &mut size, seen, each);
                seen += 1;
                s.found.skipped.push((item_at, "item"));
                return s.r.skip(len);
            }
            let bytes = s.r.take(len)?;
            size += bytes.len();
            items.push((item_at, bytes));
            seen += 1;
            if items.len() >= limits.items || size >= limits.bytes {
                flush(&mut items, &mut size, seen, each);
            }
            Ok(())
        });
        // What was gathered before an error is still handed over.
        flush(&mut items, &mut size, seen, each);
        run?;
        broken
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A length-delimited field.
    fn f(field: u32, payload: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        copy_field(&mut out, field, payload);
        out
    }

    fn pieces(msg: &[u8], limits: PieceLimits) -> Vec<Piece> {
        let mut out = Vec::new();
        split(
            &mut BufReader::new(io::Cursor::new(msg)),
            msg.len() as u64,
            limits,
            &mut |p| out.push(p),
        )
        .unwrap();
        out
    }

    #[test]
    fn a_large_entry_is_cut_into_requests_with_its_resource_and_scope() {
        let scope = [
            f(1, b"S"),
            f(2, b"item-a"),
            f(2, b"item-b"),
            f(2, b"item-c"),
            f(3, b"su"),
        ]
        .concat();
        // The schema URL after the scope entries, as encoders write it.
        let entry = [f(1, b"R"), f(2, &scope), f(3, b"ru")].concat();
        let msg = [f(1, &entry), f(1, &f(1, b"small"))].concat();
        let limits = PieceLimits {
            items: 2,
            bytes: 20,
            item_bytes: 100,
        };
        let p = pieces(&msg, limits);
        let body = |items: &[&[u8]]| {
            let mut scope_msg = [f(1, b"S"), f(3, b"su")].concat();
            for i in items {
                scope_msg.extend(f(2, i));
            }
            f(1, &[f(1, b"R"), f(3, b"ru"), f(2, &scope_msg)].concat())
        };
        assert_eq!(p.len(), 3);
        assert_eq!(p[0].bytes, body(&[b"item-a", b"item-b"]));
        assert_eq!(p[1].bytes, body(&[b"item-c"]));
        assert_eq!(p[2].bytes, f(1, &f(1, b"small")));
        // An offset inside a copied item is the item's offset in the file.
        // (The item's key and length come first: two bytes.)
        let in_piece = p[1].copied[0].0 + 2 + 2;
        let file_at = msg.windows(6).position(|w| w == b"item-c").unwrap() as u64;
        assert!(matches!(
            p[1].locate(DecodeError::Protobuf { offset: in_piece, reason: String::new() }).0,
            DecodeError::Protobuf { offset, .. } if offset == file_at + 2
        ));
    }

    #[test]
    fn a_truncated_message_is_an_error_at_its_offset() {
        let msg = [f(1, &f(2, &f(2, b"abc")))].concat();
        let cut = &msg[..msg.len() - 1];
        let err = split(
            &mut BufReader::new(io::Cursor::new(cut)),
            cut.len() as u64,
            PieceLimits {
                items: 1,
                bytes: 1,
                item_bytes: 10,
            },
            &mut |_| {},
        )
        .unwrap_err();
        assert!(matches!(err, DecodeError::Protobuf { .. }), "{err:?}");
    }

    /// Found by probing: a field error in a piece named the item by its index in the piece.
    #[test]
    fn field_errors_name_the_files_indices_and_offset() {
        let scope = [f(2, b"a"), f(2, b"b"), f(2, b"c")].concat();
        let entry = [f(1, b"R"), f(2, &scope)].concat();
        let msg = [f(1, &f(2, b"")), f(1, &entry)].concat();
        let limits = PieceLimits {
            items: 2,
            bytes: 4,
            item_bytes: 100,
        };
        let p = pieces(&msg, limits);
        let last = p.last().expect("pieces");
        let (err, at) = last.locate(DecodeError::InvalidField {
            field: "resource_spans[0].scope_spans[0].spans[0].trace_id".into(),
            reason: String::new(),
        });
        assert_eq!(
            err.to_string(),
            "invalid resource_spans[1].scope_spans[0].spans[2].trace_id: "
        );
        let c_at = msg.iter().rposition(|b| *b == b'c').unwrap() as u64;
        assert_eq!(at, Some(c_at - 2), "the item's key");
    }

    proptest::proptest! {
        /// Whatever the bytes, splitting ends without a panic, and located offsets stay
        /// inside the message.
        #[test]
        fn hostile_messages_neither_panic_nor_point_outside(
            bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..300),
        ) {
            let limits = PieceLimits { items: 1, bytes: 4, item_bytes: 16 };
            let len = bytes.len() as u64;
            let _ = split(&mut BufReader::new(io::Cursor::new(&bytes)), len, limits, &mut |p| {
                for (_, at, n) in &p.copied {
                    assert!(at + n <= len);
                }
            });
        }
    }
}
