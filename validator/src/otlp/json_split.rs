//! A large OTLP/JSON document read in pieces, never whole: each piece is a request of its own
//! (one resource, one scope and a run of that scope's spans, log records or metrics, copied
//! verbatim from the document), decoded as any request is. Memory is one piece, whatever the
//! size of the document.
//!
//! The document is scanned, not parsed: strings, escapes and brackets are followed to find
//! where each value starts and ends; what the pieces hold is parsed by the request decoder,
//! which reports what is wrong with them at the document's own line and column. A resource or
//! scope entry is scanned twice (the reader seeks back to its start): once for its resource or
//! scope and schema URL, which may follow the items in the document, then for its items.

use std::io::{self, BufRead, BufReader, Read, Seek};

pub(crate) use super::limits::PieceLimits;
use super::limits::rebase_field;
use super::{DecodeError, Signal};

/// One piece: a request of its own.
#[derive(Debug)]
pub(crate) struct Piece {
    /// The request's text.
    pub bytes: Vec<u8>,
    /// The signal of its items.
    pub signal: Signal,
    /// Bytes before the first item in `bytes` (one line: the resource and scope, their line
    /// ends blanked).
    prefix: usize,
    /// Where the entry the resource and scope come from starts.
    entry: (u64, u64),
    /// The file's indices of its resource entry, scope entry and first item.
    index: [u64; 3],
    /// Where each item is: in the document (line, column) and in `bytes` (never empty once
    /// handed over).
    items: Vec<ItemAt>,
}

/// Where one item of a piece is.
#[derive(Clone, Copy, Debug)]
struct ItemAt {
    line: u64,
    column: u64,
    /// Its text in the piece's bytes.
    start: usize,
    end: usize,
}

/// What closes a piece after its items.
const CLOSE: &[u8] = b"]}]}]}";

impl Piece {
    /// `err`, from decoding this piece, located in the document; for a field error (which
    /// has no position of its own), also the line of the item it is about.
    pub fn locate(&self, err: DecodeError) -> (DecodeError, Option<u64>) {
        if let DecodeError::InvalidField { field, reason } = err {
            let (field, item) = rebase_field(&field, self.index);
            let line = item.and_then(|i| self.items.get(i)).map(|at| at.line);
            return (DecodeError::InvalidField { field, reason }, line);
        }
        let located = match err {
            DecodeError::Json {
                line,
                column,
                reason,
            } => {
                let first = self.first();
                let (line, column) = if line > 1 {
                    (first.line + line - 1, column)
                } else if column as usize > self.prefix {
                    (first.line, first.column + column - 1 - self.prefix as u64)
                } else {
                    // In the resource or scope: where their entry starts.
                    self.entry
                };
                DecodeError::Json {
                    line,
                    column,
                    reason,
                }
            }
            other => other,
        };
        (located, None)
    }

    /// Where its first item starts in the document (one-based line).
    pub fn line(&self) -> u64 {
        self.first().line
    }

    fn first(&self) -> ItemAt {
        self.items.first().copied().unwrap_or(ItemAt {
            line: self.entry.0,
            column: self.entry.1,
            start: self.prefix,
            end: self.prefix,
        })
    }

    /// How many items it holds.
    pub fn item_count(&self) -> usize {
        self.items.len()
    }

    /// The bytes [`Piece::one_by_one`] would copy: its items, each with the resource and
    /// scope again.
    pub fn one_by_one_bytes(&self) -> usize {
        let items = self.items.iter().map(|at| at.end - at.start).sum::<usize>();
        items + self.items.len() * (self.prefix + CLOSE.len())
    }

    /// Each of its items as a piece of its own (same resource and scope), so that one bad
    /// item need not cost the others.
    pub fn one_by_one(&self) -> impl Iterator<Item = Piece> + '_ {
        self.items.iter().enumerate().map(|(i, at)| {
            let text = &self.bytes[at.start..at.end];
            let mut bytes = Vec::with_capacity(self.prefix + text.len() + CLOSE.len());
            bytes.extend_from_slice(&self.bytes[..self.prefix]);
            bytes.extend_from_slice(text);
            bytes.extend_from_slice(CLOSE);
            Piece {
                bytes,
                signal: self.signal,
                prefix: self.prefix,
                entry: self.entry,
                index: [self.index[0], self.index[1], self.index[2] + i as u64],
                items: vec![ItemAt {
                    start: self.prefix,
                    end: self.prefix + text.len(),
                    ..*at
                }],
            }
        })
    }
}

/// What a split found besides its pieces.
#[derive(Debug, Default)]
pub(crate) struct Split {
    /// Whether the document has a `resourceSpans`, `resourceLogs` or `resourceMetrics` key.
    pub signal_found: bool,
    /// Values too large to hold, skipped: where each starts, and what it is (an item longer
    /// than [`PieceLimits::item_bytes`]; a resource or scope longer than
    /// [`PieceLimits::bytes`], whose entry is then skipped whole).
    pub skipped: Vec<Skipped>,
}

/// A value too large to hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Skipped {
    /// Where it starts (one-based).
    pub line: u64,
    /// One-based column.
    pub column: u64,
    /// `item`, `resource` or `scope`.
    pub what: &'static str,
}

/// The keys of one signal: the resource entries, their scope entries, the items.
struct Keys {
    signal: Signal,
    resource: [&'static [u8]; 2],
    scope: [&'static [u8]; 2],
    items: [&'static [u8]; 2],
}

const SIGNALS: [Keys; 3] = [
    Keys {
        signal: Signal::Traces,
        resource: [b"resourceSpans", b"resource_spans"],
        scope: [b"scopeSpans", b"scope_spans"],
        items: [b"spans", b"spans"],
    },
    Keys {
        signal: Signal::Logs,
        resource: [b"resourceLogs", b"resource_logs"],
        scope: [b"scopeLogs", b"scope_logs"],
        items: [b"logRecords", b"log_records"],
    },
    Keys {
        signal: Signal::Metrics,
        resource: [b"resourceMetrics", b"resource_metrics"],
        scope: [b"scopeMetrics", b"scope_metrics"],
        items: [b"metrics", b"metrics"],
    },
];

const SCHEMA_URL: [&[u8]; 2] = [b"schemaUrl", b"schema_url"];

/// Deepest nesting followed in a skipped value (the request decoder refuses far less deep
/// ones in what it parses).
const MAX_DEPTH: usize = 10_000;

/// Splits the document `reader` holds (positioned at its start) into pieces, handing each to
/// `each` in document order. With `signal` set, only that signal's entries are read. A
/// document that cannot be scanned (not JSON, or cut short) ends the split with a located
/// error; the pieces handed over before it stand.
pub(crate) fn split<R: Read + Seek>(
    reader: &mut BufReader<R>,
    signal: Option<Signal>,
    limits: PieceLimits,
    each: &mut dyn FnMut(Piece),
) -> Result<Split, DecodeError> {
    let mut s = Splitter {
        c: Cursor::new(reader)?,
        signal,
        limits,
        found: Split::default(),
    };
    s.document(each)?;
    Ok(s.found)
}

struct Splitter<'r, R> {
    c: Cursor<'r, R>,
    signal: Option<Signal>,
    limits: PieceLimits,
    found: Split,
}

/// An entry's resource (or scope) and schema URL, as one line of text each (empty: absent).
type Head = (Vec<u8>, Vec<u8>);

/// What a scope's pieces start with.
#[derive(Clone)]
struct Context {
    keys: &'static Keys,
    resource: Vec<u8>,
    resource_schema: Vec<u8>,
    entry: (u64, u64),
    /// The file's index of the resource entry, then of the scope entry.
    index: [u64; 2],
}

impl<R: Read + Seek> Splitter<'_, R> {
    fn document(&mut self, each: &mut dyn FnMut(Piece)) -> Result<(), DecodeError> {
        let c = &mut self.c;
        c.skip_bom()?;
        c.ws()?;
        c.expect(b'{')?;
        c.ws()?;
        if c.peek()? == Some(b'}') {
            c.bump();
            return Ok(());
        }
        let mut seen = [false; 3];
        loop {
            let at = self.c.mark();
            let key = self.c.key()?;
            let keys = SIGNALS
                .iter()
                .enumerate()
                .find(|(_, k)| k.resource.contains(&key.as_slice()))
                .filter(|(_, k)| self.signal.is_none_or(|s| s == k.signal));
            match keys {
                Some((i, keys)) => {
                    if std::mem::replace(&mut seen[i], true) {
                        return Err(duplicate(at, keys.resource[0]));
                    }
                    self.found.signal_found = true;
                    let mut index = 0;
                    self.array(|s| {
                        index += 1;
                        s.resource_entry(keys, index - 1, each)
                    })?;
                }
                None => self.c.skip()?,
            }
            if !self.c.next_member(b'}')? {
                break;
            }
        }
        self.c.ws()?;
        match self.c.peek()? {
            None => Ok(()),
            Some(_) => Err(self.c.error("trailing characters after the document")),
        }
    }

    /// An array whose elements `f` reads (each positioned at its first byte); `null` is an
    /// empty array.
    fn array(
        &mut self,
        mut f: impl FnMut(&mut Self) -> Result<(), DecodeError>,
    ) -> Result<(), DecodeError> {
        self.c.ws()?;
        if self.c.null()? {
            return Ok(());
        }
        self.c.expect(b'[')?;
        self.c.ws()?;
        if self.c.peek()? == Some(b']') {
            self.c.bump();
            return Ok(());
        }
        loop {
            self.c.ws()?;
            f(self)?;
            if !self.c.next_member(b']')? {
                return Ok(());
            }
        }
    }

    /// The members of an object: `f` reads the value of each key (or skips it).
    fn object(
        &mut self,
        mut f: impl FnMut(&mut Self, &[u8]) -> Result<(), DecodeError>,
    ) -> Result<(), DecodeError> {
        self.c.ws()?;
        if self.c.null()? {
            return Ok(());
        }
        self.c.expect(b'{')?;
        self.c.ws()?;
        if self.c.peek()? == Some(b'}') {
            self.c.bump();
            return Ok(());
        }
        loop {
            let key = self.c.key()?;
            f(self, &key)?;
            if !self.c.next_member(b'}')? {
                return Ok(());
            }
        }
    }

    /// A value kept as one line of text (for a piece's prefix): false (and nothing kept) when
    /// it is longer than a piece may be. A second value for the same key is an error, as it is
    /// for the request decoder.
    fn kept(
        &mut self,
        out: &mut Option<Vec<u8>>,
        key: &'static str,
        at: Mark,
    ) -> Result<bool, DecodeError> {
        if out.is_some() {
            return Err(duplicate(at, key.as_bytes()));
        }
        let mut value = Vec::new();
        if !self.c.value(Some(&mut value), self.limits.bytes)? {
            *out = Some(Vec::new());
            return Ok(false);
        }
        blank_line_ends(&mut value);
        *out = Some(value);
        Ok(true)
    }

    /// The first pass over the entry at `start`: its `field` (`resource` or `scope`) and its
    /// schema URL, wherever they are in it, the reader left at `start` for the second. `None`
    /// when one is too large to copy into every piece: the entry is then skipped (the reader
    /// past it) and reported. An error found on the way comes back beside them, to be
    /// returned once the items before it are handed over.
    fn head(
        &mut self,
        start: Mark,
        field: &'static str,
    ) -> (Option<Head>, Result<(), DecodeError>) {
        let (mut value, mut schema) = (None, None);
        let mut whole = true;
        let broken = self.object(|s, key| {
            let at = s.c.mark();
            if key == field.as_bytes() {
                whole &= s.kept(&mut value, field, at)?;
            } else if SCHEMA_URL.contains(&key) {
                whole &= s.kept(&mut schema, "schemaUrl", at)?;
            } else {
                s.c.skip()?;
            }
            Ok(())
        });
        if !whole {
            self.found.skipped.push(Skipped {
                line: start.line,
                column: start.column,
                what: field,
            });
            return (None, broken);
        }
        if let Err(e) = self.c.seek(start) {
            return (None, Err(e));
        }
        let head = (value.unwrap_or_default(), schema.unwrap_or_default());
        (Some(head), broken)
    }

    fn resource_entry(
        &mut self,
        keys: &'static Keys,
        index: u64,
        each: &mut dyn FnMut(Piece),
    ) -> Result<(), DecodeError> {
        let start = self.c.mark();
        // First the resource and its schema URL, wherever they are in the entry.
        let (head, broken) = self.head(start, "resource");
        let Some((resource, resource_schema)) = head else {
            return broken;
        };
        let cx = Context {
            keys,
            resource,
            resource_schema,
            entry: (start.line, start.column),
            index: [index, 0],
        };
        let mut seen = false;
        let items = self.object(|s, key| {
            if keys.scope.contains(&key) {
                if std::mem::replace(&mut seen, true) {
                    return Err(duplicate(s.c.mark(), keys.scope[0]));
                }
                let mut scope = 0;
                s.array(|s| {
                    scope += 1;
                    let cx = Context {
                        index: [cx.index[0], scope - 1],
                        ..cx.clone()
                    };
                    s.scope_entry(&cx, each)
                })
            } else {
                s.c.skip()
            }
        });
        items.and(broken)
    }

    fn scope_entry(
        &mut self,
        cx: &Context,
        each: &mut dyn FnMut(Piece),
    ) -> Result<(), DecodeError> {
        let start = self.c.mark();
        let (head, broken) = self.head(start, "scope");
        let Some((scope, schema)) = head else {
            return broken;
        };
        let mut prefix = Vec::with_capacity(64 + cx.resource.len() + scope.len());
        let open = |prefix: &mut Vec<u8>, key: &[u8]| {
            prefix.push(b'"');
            prefix.extend_from_slice(key);
            prefix.extend_from_slice(b"\":[");
        };
        let member = |prefix: &mut Vec<u8>, key: &str, value: &[u8]| {
            if !value.is_empty() {
                prefix.extend_from_slice(format!("\"{key}\":").as_bytes());
                prefix.extend_from_slice(value);
                prefix.push(b',');
            }
        };
        prefix.push(b'{');
        open(&mut prefix, cx.keys.resource[0]);
        prefix.push(b'{');
        member(&mut prefix, "resource", &cx.resource);
        member(&mut prefix, "schemaUrl", &cx.resource_schema);
        open(&mut prefix, cx.keys.scope[0]);
        prefix.push(b'{');
        member(&mut prefix, "scope", &scope);
        member(&mut prefix, "schemaUrl", &schema);
        open(&mut prefix, cx.keys.items[0]);
        let keys = cx.keys;
        let mut seen = false;
        let items = self.object(|s, key| {
            if keys.items.contains(&key) {
                if std::mem::replace(&mut seen, true) {
                    return Err(duplicate(s.c.mark(), keys.items[0]));
                }
                s.items(cx, &prefix, each)
            } else {
                s.c.skip()
            }
        });
        items.and(broken)
    }

    /// The items of one scope, handed over in pieces.
    fn items(
        &mut self,
        cx: &Context,
        prefix: &[u8],
        each: &mut dyn FnMut(Piece),
    ) -> Result<(), DecodeError> {
        let limits = self.limits;
        let mut piece: Option<Piece> = None;
        let mut count = 0usize;
        // Items of the scope read so far, skipped ones included.
        let mut seen = 0u64;
        let flush = |piece: &mut Option<Piece>, count: &mut usize, each: &mut dyn FnMut(Piece)| {
            if let Some(mut p) = piece.take()
                && *count > 0
            {
                p.bytes.extend_from_slice(CLOSE);
                each(p);
            }
            *count = 0;
        };
        self.c.copying = true;
        let run = self.array(|s| {
            let at = s.c.mark();
            if s.c.gap {
                // More blank space before this item than a piece keeps: it starts a new one.
                flush(&mut piece, &mut count, each);
            }
            let p = piece.get_or_insert_with(|| {
                let mut bytes = Vec::with_capacity(prefix.len() + limits.bytes.min(1 << 20));
                bytes.extend_from_slice(prefix);
                Piece {
                    bytes,
                    signal: cx.keys.signal,
                    prefix: prefix.len(),
                    entry: cx.entry,
                    index: [cx.index[0], cx.index[1], seen],
                    items: Vec::new(),
                }
            });
            seen += 1;
            if count > 0 {
                // The text between two items, as it is in the document (a comma and blanks),
                // so that positions inside the piece are the document's.
                p.bytes.extend_from_slice(&s.c.between);
            }
            s.c.between.clear();
            let before = p.bytes.len();
            let whole = match s.c.value(Some(&mut p.bytes), limits.item_bytes) {
                Ok(whole) => whole,
                Err(e) => {
                    // The items before this one are still handed over, without it.
                    p.bytes.truncate(before);
                    trim_separator(&mut p.bytes, prefix.len());
                    return Err(e);
                }
            };
            if !whole {
                // Too large to hold: skipped; the piece ends before it.
                p.bytes.truncate(before);
                s.found.skipped.push(Skipped {
                    line: at.line,
                    column: at.column,
                    what: "item",
                });
                if count > 0 {
                    trim_separator(&mut p.bytes, prefix.len());
                }
                flush(&mut piece, &mut count, each);
                return Ok(());
            }
            count += 1;
            p.items.push(ItemAt {
                line: at.line,
                column: at.column,
                start: before,
                end: p.bytes.len(),
            });
            if count >= limits.items || p.bytes.len() - prefix.len() >= limits.bytes {
                flush(&mut piece, &mut count, each);
            }
            Ok(())
        });
        self.c.copying = false;
        flush(&mut piece, &mut count, each);
        run
    }
}

/// Most blank space kept between two items of a piece.
const MAX_BETWEEN: usize = 64 << 10;

/// Longest number (or `true`, `false`, `null`) scanned.
const MAX_LITERAL: usize = 4096;

/// Whether `text` is a JSON number, `true`, `false` or `null`.
fn valid_literal(text: &[u8]) -> bool {
    if matches!(text, b"true" | b"false" | b"null") {
        return true;
    }
    let digits = |t: &[u8]| t.iter().take_while(|b| b.is_ascii_digit()).count();
    let mut t = text.strip_prefix(b"-").unwrap_or(text);
    let int = digits(t);
    if int == 0 || (int > 1 && t[0] == b'0') {
        return false;
    }
    t = &t[int..];
    if let Some(rest) = t.strip_prefix(b".") {
        let frac = digits(rest);
        if frac == 0 {
            return false;
        }
        t = &rest[frac..];
    }
    if let Some(rest) = t.strip_prefix(b"e").or_else(|| t.strip_prefix(b"E")) {
        let rest = rest
            .strip_prefix(b"+")
            .or_else(|| rest.strip_prefix(b"-"))
            .unwrap_or(rest);
        let exp = digits(rest);
        if exp == 0 {
            return false;
        }
        t = &rest[exp..];
    }
    t.is_empty()
}

/// The error for a second value of `key` in one object (the request decoder refuses it too).
fn duplicate(at: Mark, key: &[u8]) -> DecodeError {
    DecodeError::Json {
        line: at.line,
        column: at.column,
        reason: format!("duplicate field `{}`", String::from_utf8_lossy(key)),
    }
}

/// Removes the separator copied before an item that was then skipped.
fn trim_separator(bytes: &mut Vec<u8>, prefix: usize) {
    while bytes.len() > prefix && matches!(bytes.last(), Some(b' ' | b'\t' | b'\n' | b'\r' | b','))
    {
        bytes.pop();
    }
}

/// Line ends (outside strings they are blanks; inside, invalid JSON either way) replaced by
/// spaces, so that a prefix is one line.
fn blank_line_ends(text: &mut [u8]) {
    for b in text {
        if *b == b'\n' || *b == b'\r' {
            *b = b' ';
        }
    }
}

/// A position in the document.
#[derive(Debug, Clone, Copy)]
struct Mark {
    pos: u64,
    line: u64,
    column: u64,
}

/// A reader that knows its line and column, and can go back to a mark.
struct Cursor<'r, R> {
    r: &'r mut BufReader<R>,
    at: Mark,
    /// Whether a run of items is being copied (the text between two items is kept).
    copying: bool,
    /// The text between the last item and the next one, as read (at most [`MAX_BETWEEN`]).
    between: Vec<u8>,
    /// Whether that text was longer than [`MAX_BETWEEN`], so not kept.
    gap: bool,
    stack: Vec<u8>,
}

/// A read error, located where reading stopped.
fn io_error(at: Mark, e: io::Error) -> DecodeError {
    DecodeError::Json {
        line: at.line,
        column: at.column,
        reason: format!("cannot read: {e}"),
    }
}

impl<'r, R: Read + Seek> Cursor<'r, R> {
    fn new(r: &'r mut BufReader<R>) -> Result<Self, DecodeError> {
        let start = Mark {
            pos: 0,
            line: 1,
            column: 1,
        };
        let pos = r.stream_position().map_err(|e| io_error(start, e))?;
        Ok(Cursor {
            r,
            at: Mark {
                pos,
                line: 1,
                column: 1,
            },
            copying: false,
            between: Vec::new(),
            gap: false,
            stack: Vec::new(),
        })
    }

    fn mark(&self) -> Mark {
        self.at
    }

    /// Goes back (or on) to `m`, keeping the read buffer when `m` is inside it.
    fn seek(&mut self, m: Mark) -> Result<(), DecodeError> {
        let delta = i64::try_from(m.pos as i128 - self.at.pos as i128)
            .map_err(|_| self.error("an offset out of range"))?;
        self.r
            .seek_relative(delta)
            .map_err(|e| io_error(self.at, e))?;
        self.at = m;
        Ok(())
    }

    fn error_at(&self, at: Mark, reason: &str) -> DecodeError {
        DecodeError::Json {
            line: at.line,
            column: at.column,
            reason: reason.to_string(),
        }
    }

    fn error(&self, reason: &str) -> DecodeError {
        DecodeError::Json {
            line: self.at.line,
            column: self.at.column,
            reason: reason.to_string(),
        }
    }

    fn peek(&mut self) -> Result<Option<u8>, DecodeError> {
        Ok(self
            .r
            .fill_buf()
            .map_err(|e| io_error(self.at, e))?
            .first()
            .copied())
    }

    /// Consumes the byte `peek` returned.
    fn bump(&mut self) {
        self.advance_bytes(1);
    }

    /// Moves past `n` bytes of the current buffer (counting the line ends among them).
    fn advance_bytes(&mut self, n: usize) {
        let mut line = self.at.line;
        let mut column = self.at.column;
        if let Ok(buf) = self.r.fill_buf() {
            let part = &buf[..n.min(buf.len())];
            match memchr::memrchr(b'\n', part) {
                Some(last) => {
                    line += memchr::memchr_iter(b'\n', part).count() as u64;
                    column = (part.len() - last) as u64;
                }
                None => column += part.len() as u64,
            }
        }
        self.r.consume(n);
        self.at = Mark {
            pos: self.at.pos + n as u64,
            line,
            column,
        };
    }

    fn skip_bom(&mut self) -> Result<(), DecodeError> {
        let buf = self.r.fill_buf().map_err(|e| io_error(self.at, e))?;
        if buf.starts_with(b"\xef\xbb\xbf") {
            self.r.consume(3);
            self.at.pos += 3;
        }
        Ok(())
    }

    fn ws(&mut self) -> Result<(), DecodeError> {
        loop {
            let buf = self.r.fill_buf().map_err(|e| io_error(self.at, e))?;
            if buf.is_empty() {
                return Ok(());
            }
            let n = buf
                .iter()
                .position(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
                .unwrap_or(buf.len());
            let all = n == buf.len();
            self.advance_bytes(n);
            if !all {
                return Ok(());
            }
        }
    }

    fn expect(&mut self, want: u8) -> Result<(), DecodeError> {
        match self.peek()? {
            Some(b) if b == want => {
                self.bump();
                Ok(())
            }
            Some(_) => Err(self.error(&format!("expected `{}`", want as char))),
            None => Err(self.error("the document ends early")),
        }
    }

    /// Scans past one value.
    fn skip(&mut self) -> Result<(), DecodeError> {
        self.value(None, usize::MAX).map(|_| ())
    }

    /// `null`, consumed, if that is what comes next.
    fn null(&mut self) -> Result<bool, DecodeError> {
        if self.peek()? != Some(b'n') {
            return Ok(false);
        }
        let mut word = Vec::with_capacity(4);
        self.value(Some(&mut word), 16)?;
        if word == b"null" {
            Ok(true)
        } else {
            Err(self.error("expected a value"))
        }
    }

    /// A member's key (unescaped when it has escapes) and its `:`.
    fn key(&mut self) -> Result<Vec<u8>, DecodeError> {
        self.ws()?;
        if self.peek()? != Some(b'"') {
            return Err(self.error("expected a key"));
        }
        let mut raw = Vec::with_capacity(24);
        if !self.value(Some(&mut raw), 1 << 16)? {
            // Longer than any key this reads: an unknown key, its value skipped.
            self.ws()?;
            self.expect(b':')?;
            self.ws()?;
            return Ok(Vec::new());
        }
        let key = if raw.contains(&b'\\') {
            match serde_json::from_slice::<String>(&raw) {
                Ok(s) => s.into_bytes(),
                Err(_) => return Err(self.error("a key that is not a valid string")),
            }
        } else {
            raw[1..raw.len() - 1].to_vec()
        };
        self.ws()?;
        self.expect(b':')?;
        self.ws()?;
        Ok(key)
    }

    /// After a member: `,` (true: another follows) or `close` (false). While a run of items
    /// is copied, the separator and the blanks around it are kept in `between`.
    fn next_member(&mut self, close: u8) -> Result<bool, DecodeError> {
        self.between.clear();
        self.gap = false;
        self.ws_kept()?;
        match self.peek()? {
            Some(b',') => {
                if self.copying {
                    self.between.push(b',');
                }
                self.bump();
                self.ws_kept()?;
                Ok(true)
            }
            Some(b) if b == close => {
                self.bump();
                Ok(false)
            }
            Some(_) => Err(self.error(&format!("expected `,` or `{}`", close as char))),
            None => Err(self.error("the document ends early")),
        }
    }

    /// Blanks after a separator, kept in `between` while a run of items is being copied.
    fn ws_kept(&mut self) -> Result<(), DecodeError> {
        loop {
            let buf = self.r.fill_buf().map_err(|e| io_error(self.at, e))?;
            if buf.is_empty() {
                return Ok(());
            }
            let n = buf
                .iter()
                .position(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
                .unwrap_or(buf.len());
            if self.copying {
                if self.between.len() + n <= MAX_BETWEEN {
                    self.between.extend_from_slice(&buf[..n]);
                } else {
                    // Not kept: the next item starts a piece of its own.
                    self.gap = true;
                }
            }
            let all = n == buf.len();
            self.advance_bytes(n);
            if !all {
                return Ok(());
            }
        }
    }

    /// Scans one value, appending its text to `out` when given. Returns false when the value
    /// is longer than `max` bytes: it is then read to its end but not kept (`out` holds a
    /// part of it, for the caller to drop).
    fn value(&mut self, mut out: Option<&mut Vec<u8>>, max: usize) -> Result<bool, DecodeError> {
        self.ws()?;
        let start = self.mark();
        let Some(first) = self.peek()? else {
            return Err(self.error("expected a value"));
        };
        let scalar = !matches!(first, b'{' | b'[' | b'"');
        self.stack.clear();
        let (mut in_string, mut escape) = (false, false);
        let (mut kept, mut whole) = (0usize, true);
        // A literal's text, checked at its end (a number, `true`, `false` or `null`).
        let mut literal: Vec<u8> = Vec::new();
        loop {
            let (n, done) = {
                let buf = self.r.fill_buf().map_err(|e| io_error(self.at, e))?;
                if buf.is_empty() {
                    if scalar {
                        // A literal may end the input; whether the document may is for the
                        // caller to say.
                        return if valid_literal(&literal) {
                            Ok(whole)
                        } else {
                            Err(self.error_at(start, "expected a value"))
                        };
                    }
                    return Err(self.error(&format!(
                        "the document ends inside the value that starts at line {}, column {}",
                        start.line, start.column
                    )));
                }
                let mut done = None;
                for (i, &b) in buf.iter().enumerate() {
                    if scalar {
                        if matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                            done = Some((i, Ok(())));
                            break;
                        }
                        if !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'+' | b'.')) {
                            done = Some((i, Err("unexpected character")));
                            break;
                        }
                    } else if in_string {
                        if escape {
                            escape = false;
                        } else if b == b'\\' {
                            escape = true;
                        } else if b == b'"' {
                            in_string = false;
                            if self.stack.is_empty() {
                                done = Some((i + 1, Ok(())));
                                break;
                            }
                        }
                    } else {
                        match b {
                            b'"' => in_string = true,
                            b'{' | b'[' if self.stack.len() >= MAX_DEPTH => {
                                done = Some((i, Err("nested too deep")));
                                break;
                            }
                            b'{' => self.stack.push(b'}'),
                            b'[' => self.stack.push(b']'),
                            b'}' | b']' => {
                                if self.stack.pop() != Some(b) {
                                    done = Some((i, Err("unexpected character")));
                                    break;
                                }
                                if self.stack.is_empty() {
                                    done = Some((i + 1, Ok(())));
                                    break;
                                }
                            }
                            _ => {}
                        }
                    }
                }
                let n = done.as_ref().map_or(buf.len(), |(i, _)| *i);
                if scalar {
                    if literal.len() + n > MAX_LITERAL {
                        return Err(self.error_at(start, "a number or literal too long"));
                    }
                    literal.extend_from_slice(&buf[..n]);
                    if matches!(done, Some((_, Ok(())))) && !valid_literal(&literal) {
                        return Err(self.error_at(start, "expected a value"));
                    }
                }
                if let Some(o) = out.as_deref_mut()
                    && whole
                {
                    if kept + n > max {
                        whole = false;
                    } else {
                        o.extend_from_slice(&buf[..n]);
                    }
                }
                kept += n;
                (n, done.map(|(_, r)| r))
            };
            self.advance_bytes(n);
            match done {
                Some(Ok(())) => return Ok(whole),
                Some(Err(reason)) => return Err(self.error(reason)),
                None => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(doc: &str, limits: PieceLimits) -> (Vec<String>, Split) {
        let mut out = Vec::new();
        let found = split(
            &mut BufReader::new(io::Cursor::new(doc.as_bytes())),
            None,
            limits,
            &mut |p| out.push(String::from_utf8(p.bytes).unwrap()),
        )
        .unwrap();
        (out, found)
    }

    const SMALL: PieceLimits = PieceLimits {
        items: 2,
        bytes: 1 << 20,
        item_bytes: 1 << 20,
    };

    #[test]
    fn items_are_cut_into_requests_with_their_resource_and_scope() {
        let doc = r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"a":1}, {"b":"x,]}"},
 {"c":[2]}],"scope":{"name":"s"}}],"resource":{"attributes":[]},"schemaUrl":"u"}]}"#;
        let (p, found) = pieces(doc, SMALL);
        assert!(found.signal_found);
        assert_eq!(
            p,
            [
                r#"{"resourceSpans":[{"resource":{"attributes":[]},"schemaUrl":"u","scopeSpans":[{"scope":{"name":"s"},"spans":[{"a":1}, {"b":"x,]}"}]}]}]}"#,
                r#"{"resourceSpans":[{"resource":{"attributes":[]},"schemaUrl":"u","scopeSpans":[{"scope":{"name":"s"},"spans":[{"c":[2]}]}]}]}"#,
            ]
        );
    }

    #[test]
    fn errors_in_a_piece_are_located_in_the_document() {
        let doc = "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[\n  {\"x\":1},\n  {\"y\":}\n]}]}]}";
        let mut located = Vec::new();
        split(
            &mut BufReader::new(io::Cursor::new(doc.as_bytes())),
            None,
            SMALL,
            &mut |p| {
                let err = serde_json::from_slice::<serde_json::Value>(&p.bytes).unwrap_err();
                located.push(
                    p.locate(DecodeError::Json {
                        line: err.line() as u64,
                        column: err.column() as u64,
                        reason: err.to_string(),
                    })
                    .0,
                );
            },
        )
        .unwrap();
        assert!(
            matches!(
                located[..],
                [DecodeError::Json {
                    line: 3,
                    column: 8,
                    ..
                }]
            ),
            "{located:?}"
        );
    }

    #[test]
    fn a_document_that_is_not_json_ends_the_split_where_it_breaks() {
        let doc = "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"a\":1}]}]}]\n  x";
        let err = split(
            &mut BufReader::new(io::Cursor::new(doc.as_bytes())),
            None,
            SMALL,
            &mut |_| {},
        )
        .unwrap_err();
        assert!(
            matches!(
                err,
                DecodeError::Json {
                    line: 2,
                    column: 3,
                    ..
                }
            ),
            "{err:?}"
        );
    }

    proptest::proptest! {
        /// Whatever the bytes (a valid document cut, flipped or spliced, or noise), splitting
        /// ends without a panic, and every piece's errors are located on a line of the
        /// document.
        #[test]
        fn hostile_documents_neither_panic_nor_lose_their_place(
            cut in 0usize..400,
            flips in proptest::collection::vec((0usize..400, proptest::num::u8::ANY), 0..6),
            noise in proptest::collection::vec(proptest::num::u8::ANY, 0..64),
        ) {
            let seed = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[]},\"scopeSpans\":\n[{\"scope\":{\"name\":\"s\\\"\"},\"spans\":[{\"name\":\"a\"},\n {\"name\":[1,{\"x\":\"]\"}]},{}]}],\"schemaUrl\":null}],\"resourceLogs\":null}";
            let mut doc = seed.as_bytes().to_vec();
            for (at, b) in flips {
                if let Some(x) = doc.get_mut(at) {
                    *x = b;
                }
            }
            doc.truncate(cut.max(1).min(doc.len()));
            doc.extend_from_slice(&noise);
            let lines = 1 + doc.iter().filter(|b| **b == b'\n').count() as u64;
            let limits = PieceLimits { items: 1, bytes: 8, item_bytes: 16 };
            let _ = split(&mut BufReader::new(io::Cursor::new(&doc)), None, limits, &mut |p| {
                if let Err(e) = serde_json::from_slice::<serde_json::Value>(&p.bytes) {
                    let (located, _) = p.locate(DecodeError::Json {
                        line: e.line() as u64,
                        column: e.column() as u64,
                        reason: String::new(),
                    });
                    if let DecodeError::Json { line, .. } = located {
                        assert!((1..=lines).contains(&line), "line {line} of {lines}");
                    }
                }
            });
        }
    }

    fn split_all(doc: &str, limits: PieceLimits) -> (usize, Result<Split, DecodeError>) {
        let mut items = 0;
        let r = split(
            &mut BufReader::new(io::Cursor::new(doc.as_bytes())),
            None,
            limits,
            &mut |p| items += p.item_count(),
        );
        (items, r)
    }

    /// Found by probing: an entry broken near its end kept none of its items (its resource
    /// was looked for first, and the error came before any piece); the document's end inside a
    /// value was located at the value's start; a skipped scalar was not checked.
    #[test]
    fn a_broken_entry_keeps_the_items_before_the_break() {
        let doc = r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"a":1},{"b":2},{"c":3},{"d":[[["#;
        let (items, r) = split_all(doc, SMALL);
        assert_eq!(items, 3, "every item before the break");
        let err = r.unwrap_err();
        assert!(
            matches!(&err, DecodeError::Json { line: 1, column: 76, reason } if reason.contains("starts at line 1, column 68")),
            "{err:?}"
        );
    }

    #[test]
    fn values_the_request_decoder_refuses_are_refused() {
        let cases = [
            (
                r#"{"resourceSpans":[{"resource":{},"resource":{},"scopeSpans":[]}]}"#,
                "duplicate field `resource`",
            ),
            (
                r#"{"resourceSpans":[],"resourceSpans":[]}"#,
                "duplicate field `resourceSpans`",
            ),
            (
                r#"{"resourceSpans":[{"resource":,"scopeSpans":[]}]}"#,
                "expected a value",
            ),
            (r#"{"x":nul1x,"resourceSpans":[]}"#, "expected a value"),
            (r#"{"x":01,"resourceSpans":[]}"#, "expected a value"),
        ];
        for (doc, want) in cases {
            let (_, r) = split_all(doc, SMALL);
            let err = r.expect_err(doc);
            assert!(err.to_string().contains(want), "{doc}: {err}");
        }
        for ok in [
            r#"{"x":-1.5e+3,"y":true,"z":null,"resourceSpans":[]}"#,
            r#"{"x":0,"y":[0.25,false],"resourceSpans":null}"#,
        ] {
            assert!(split_all(ok, SMALL).1.is_ok(), "{ok}");
        }
        // A key longer than any known one is an unknown key, not an error.
        let long = format!(
            r#"{{"{}":1,"resourceSpans":[{{"scopeSpans":[{{"spans":[{{}}]}}]}}]}}"#,
            "k".repeat(70_000)
        );
        assert_eq!(split_all(&long, SMALL).0, 1);
    }

    #[test]
    fn a_resource_too_large_for_a_piece_skips_its_entry() {
        let limits = PieceLimits {
            items: 10,
            bytes: 32,
            item_bytes: 100,
        };
        let doc = format!(
            r#"{{"resourceSpans":[{{"resource":{{"attributes":"{}"}},"scopeSpans":[{{"spans":[{{}}]}}]}},{{"scopeSpans":[{{"spans":[{{}},{{}}]}}]}}]}}"#,
            "x".repeat(64)
        );
        let (items, r) = split_all(&doc, limits);
        let found = r.unwrap();
        assert_eq!(items, 2, "the second entry's items");
        assert_eq!(found.skipped[0].what, "resource");
    }

    #[test]
    fn oversized_items_are_skipped_and_reported() {
        let limits = PieceLimits {
            items: 10,
            bytes: 1 << 20,
            item_bytes: 10,
        };
        let doc = r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"a":1},{"big":"0123456789"},{"c":3}]}]}]}"#;
        let (p, found) = pieces(doc, limits);
        assert_eq!(
            found.skipped,
            [Skipped {
                line: 1,
                column: 52,
                what: "item"
            }]
        );
        assert_eq!(
            p,
            [
                r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"a":1}]}]}]}"#,
                r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"c":3}]}]}]}"#,
            ]
        );
    }
}
