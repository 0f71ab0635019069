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

use std::io::{self, BufRead, Seek, SeekFrom};

pub(crate) use super::limits::PieceLimits;
use super::{DecodeError, Signal};

/// One piece: a request of its own.
#[derive(Debug)]
pub(crate) struct Piece {
    /// The request's text.
    pub bytes: Vec<u8>,
    /// The signal of its items.
    pub signal: Signal,
    /// Where its first item starts in the document (one-based line and column).
    pub line: u64,
    column: u64,
    /// Bytes before the first item in `bytes` (one line: the resource and scope, their line
    /// ends blanked).
    prefix: usize,
    /// Where the entry the resource and scope come from starts.
    entry: (u64, u64),
}

impl Piece {
    /// `err`, from decoding this piece, located in the document.
    pub fn locate(&self, err: DecodeError) -> DecodeError {
        match err {
            DecodeError::Json {
                line,
                column,
                reason,
            } => {
                let (line, column) = if line > 1 {
                    (self.line + line - 1, column)
                } else if column as usize > self.prefix {
                    (self.line, self.column + column - 1 - self.prefix as u64)
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
        }
    }
}

/// What a split found besides its pieces.
#[derive(Debug, Default)]
pub(crate) struct Split {
    /// Whether the document has a `resourceSpans`, `resourceLogs` or `resourceMetrics` key.
    pub signal_found: bool,
    /// Items longer than [`PieceLimits::item_bytes`], skipped: where each starts.
    pub skipped: Vec<(u64, u64)>,
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
pub(crate) fn split<R: BufRead + Seek>(
    reader: R,
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

struct Splitter<R> {
    c: Cursor<R>,
    signal: Option<Signal>,
    limits: PieceLimits,
    found: Split,
}

/// What a scope's pieces start with.
struct Context {
    keys: &'static Keys,
    resource: Vec<u8>,
    resource_schema: Vec<u8>,
    entry: (u64, u64),
}

impl<R: BufRead + Seek> Splitter<R> {
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
        loop {
            let key = self.c.key()?;
            let keys = SIGNALS
                .iter()
                .find(|k| k.resource.contains(&key.as_slice()))
                .filter(|k| self.signal.is_none_or(|s| s == k.signal));
            match keys {
                Some(keys) => {
                    self.found.signal_found = true;
                    self.array(|s| s.resource_entry(keys, each))?;
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

    /// A value kept as one line of text (for a piece's prefix).
    fn kept(&mut self, out: &mut Vec<u8>) -> Result<(), DecodeError> {
        out.clear();
        self.c.value(Some(out), usize::MAX)?;
        blank_line_ends(out);
        Ok(())
    }

    fn resource_entry(
        &mut self,
        keys: &'static Keys,
        each: &mut dyn FnMut(Piece),
    ) -> Result<(), DecodeError> {
        let start = self.c.mark();
        let mut cx = Context {
            keys,
            resource: Vec::new(),
            resource_schema: Vec::new(),
            entry: (start.line, start.column),
        };
        // First the resource and its schema URL, wherever they are in the entry.
        self.object(|s, key| {
            if key == b"resource" {
                s.kept(&mut cx.resource)
            } else if SCHEMA_URL.contains(&key) {
                s.kept(&mut cx.resource_schema)
            } else {
                s.c.skip()
            }
        })?;
        let end = self.c.mark();
        self.c.seek(start)?;
        self.object(|s, key| {
            if keys.scope.contains(&key) {
                s.array(|s| s.scope_entry(&cx, each))
            } else {
                s.c.skip()
            }
        })?;
        debug_assert_eq!(self.c.mark().pos, end.pos);
        Ok(())
    }

    fn scope_entry(
        &mut self,
        cx: &Context,
        each: &mut dyn FnMut(Piece),
    ) -> Result<(), DecodeError> {
        let start = self.c.mark();
        let (mut scope, mut schema) = (Vec::new(), Vec::new());
        self.object(|s, key| {
            if key == b"scope" {
                s.kept(&mut scope)
            } else if SCHEMA_URL.contains(&key) {
                s.kept(&mut schema)
            } else {
                s.c.skip()
            }
        })?;
        self.c.seek(start)?;
        let mut prefix = Vec::with_capacity(64 + cx.resource.len() + scope.len());
        prefix.extend_from_slice(b"{\"");
        prefix.extend_from_slice(cx.keys.resource[0]);
        prefix.extend_from_slice(b"\":[{");
        if !cx.resource.is_empty() {
            prefix.extend_from_slice(b"\"resource\":");
            prefix.extend_from_slice(&cx.resource);
            prefix.push(b',');
        }
        if !cx.resource_schema.is_empty() {
            prefix.extend_from_slice(b"\"schemaUrl\":");
            prefix.extend_from_slice(&cx.resource_schema);
            prefix.push(b',');
        }
        prefix.extend_from_slice(b"\"");
        prefix.extend_from_slice(cx.keys.scope[0]);
        prefix.extend_from_slice(b"\":[{");
        if !scope.is_empty() {
            prefix.extend_from_slice(b"\"scope\":");
            prefix.extend_from_slice(&scope);
            prefix.push(b',');
        }
        if !schema.is_empty() {
            prefix.extend_from_slice(b"\"schemaUrl\":");
            prefix.extend_from_slice(&schema);
            prefix.push(b',');
        }
        prefix.extend_from_slice(b"\"");
        prefix.extend_from_slice(cx.keys.items[0]);
        prefix.extend_from_slice(b"\":[");
        let keys = cx.keys;
        self.object(|s, key| {
            if keys.items.contains(&key) {
                s.items(cx, &prefix, each)
            } else {
                s.c.skip()
            }
        })
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
        let flush = |piece: &mut Option<Piece>, count: &mut usize, each: &mut dyn FnMut(Piece)| {
            if let Some(mut p) = piece.take() {
                p.bytes.extend_from_slice(b"]}]}]}");
                each(p);
            }
            *count = 0;
        };
        self.c.copying = true;
        let run = self.array(|s| {
            let at = s.c.mark();
            let p = piece.get_or_insert_with(|| {
                let mut bytes = Vec::with_capacity(prefix.len() + limits.bytes.min(1 << 20));
                bytes.extend_from_slice(prefix);
                Piece {
                    bytes,
                    signal: cx.keys.signal,
                    line: at.line,
                    column: at.column,
                    prefix: prefix.len(),
                    entry: cx.entry,
                }
            });
            if count > 0 {
                // The text between two items, as it is in the document (a comma and blanks),
                // so that positions inside the piece are the document's.
                p.bytes.extend_from_slice(&s.c.between);
            }
            s.c.between.clear();
            let before = p.bytes.len();
            let whole = s.c.value(Some(&mut p.bytes), limits.item_bytes)?;
            if !whole {
                // Too large to hold: skipped; the piece ends before it.
                p.bytes.truncate(before);
                s.found.skipped.push((at.line, at.column));
                if count > 0 {
                    trim_separator(&mut p.bytes, prefix.len());
                }
                flush(&mut piece, &mut count, each);
                return Ok(());
            }
            count += 1;
            if count >= limits.items || p.bytes.len() - prefix.len() >= limits.bytes {
                flush(&mut piece, &mut count, each);
            }
            Ok(())
        });
        self.c.copying = false;
        run?;
        flush(&mut piece, &mut count, each);
        Ok(())
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
struct Cursor<R> {
    r: R,
    at: Mark,
    /// Whether a run of items is being copied (the text between two items is kept).
    copying: bool,
    /// The text between the last item and the next one, as read.
    between: Vec<u8>,
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

impl<R: BufRead + Seek> Cursor<R> {
    fn new(mut r: R) -> Result<Self, DecodeError> {
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
            stack: Vec::new(),
        })
    }

    fn mark(&self) -> Mark {
        self.at
    }

    fn seek(&mut self, m: Mark) -> Result<(), DecodeError> {
        self.r
            .seek(SeekFrom::Start(m.pos))
            .map_err(|e| io_error(self.at, e))?;
        self.at = m;
        Ok(())
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
            return Err(self.error("a key of more than 64 KiB"));
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
                self.between.extend_from_slice(&buf[..n]);
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
        loop {
            let (n, done) = {
                let buf = self.r.fill_buf().map_err(|e| io_error(self.at, e))?;
                if buf.is_empty() {
                    if scalar && kept > 0 || scalar && out.is_none() && self.at.pos > start.pos {
                        return Ok(whole);
                    }
                    return Err(DecodeError::Json {
                        line: start.line,
                        column: start.column,
                        reason: "the document ends inside this value".into(),
                    });
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
        let found = split(io::Cursor::new(doc.as_bytes()), None, limits, &mut |p| {
            out.push(String::from_utf8(p.bytes).unwrap())
        })
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
        split(io::Cursor::new(doc.as_bytes()), None, SMALL, &mut |p| {
            let err = serde_json::from_slice::<serde_json::Value>(&p.bytes).unwrap_err();
            located.push(p.locate(DecodeError::Json {
                line: err.line() as u64,
                column: err.column() as u64,
                reason: err.to_string(),
            }));
        })
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
        let err = split(io::Cursor::new(doc.as_bytes()), None, SMALL, &mut |_| {}).unwrap_err();
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
            let _ = split(io::Cursor::new(&doc), None, limits, &mut |p| {
                if let Err(e) = serde_json::from_slice::<serde_json::Value>(&p.bytes) {
                    let located = p.locate(DecodeError::Json {
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

    #[test]
    fn oversized_items_are_skipped_and_reported() {
        let limits = PieceLimits {
            items: 10,
            bytes: 1 << 20,
            item_bytes: 10,
        };
        let doc = r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"a":1},{"big":"0123456789"},{"c":3}]}]}]}"#;
        let (p, found) = pieces(doc, limits);
        assert_eq!(found.skipped, [(1, 52)]);
        assert_eq!(
            p,
            [
                r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"a":1}]}]}]}"#,
                r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"c":3}]}]}]}"#,
            ]
        );
    }
}
