//! JSON text as `serde_json`'s pretty printer writes it (two spaces per level, `"key": value`,
//! `[]` and `{}` when empty, strings escaped alike), for the report's item lists: written
//! straight into a buffer, strings without escapes copied whole, batches of items formatted
//! on two cores.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::super::ItemReport;
use super::super::chunked::{Chunked, escape_into, hex_into};
use crate::finding::Finding;

/// The report's JSON writer: [`Json`] text through a [`Chunked`] buffer.
pub(super) struct Writer<'w> {
    out: Chunked<'w>,
}

impl<'w> Writer<'w> {
    pub(super) fn new(out: &'w mut dyn Write) -> Self {
        Writer {
            out: Chunked::new(out),
        }
    }

    /// Appends `bytes` as they are.
    pub(super) fn raw(&mut self, bytes: &[u8]) {
        self.out.raw(bytes);
    }

    /// `s` as a JSON string.
    pub(super) fn string(&mut self, s: &str) {
        Json::new(&mut self.out.buf).string(s);
    }

    /// Writes what is left and flushes the output.
    pub(super) fn finish(self) -> io::Result<()> {
        self.out.finish()
    }

    /// `value` as the pretty printer writes it at `depth` (its lines indented for it).
    pub(super) fn value(&mut self, value: &serde_json::Value, depth: usize) -> io::Result<()> {
        let text = serde_json::to_vec_pretty(value).map_err(io::Error::from)?;
        // A newline in pretty JSON is never inside a string (those are escaped).
        for piece in text.split_inclusive(|b| *b == b'\n') {
            self.out.raw(piece);
            if piece.ends_with(b"\n") {
                for _ in 0..depth {
                    self.out.raw(b"  ");
                }
            }
            self.out.spill()?;
        }
        Ok(())
    }

    /// A list of items, as the value of a top-level key.
    pub(super) fn items(&mut self, items: &[ItemReport]) -> io::Result<()> {
        if items.is_empty() {
            self.raw(b"[]");
            return Ok(());
        }
        self.raw(b"[");
        self.out.batches(items, |batch, first, buf| {
            let mut json = Json::new(buf);
            for (n, i) in batch.iter().enumerate() {
                if n > 0 || !first {
                    json.buf.push(b',');
                }
                json.line(2);
                json.item(i);
            }
        })?;
        Json::new(&mut self.out.buf).line(1);
        self.raw(b"]");
        Ok(())
    }
}

/// Pretty JSON appended to a buffer.
struct Json<'b> {
    buf: &'b mut Vec<u8>,
    /// For values written through their `Display`.
    scratch: String,
}

impl<'b> Json<'b> {
    fn new(buf: &'b mut Vec<u8>) -> Self {
        Json {
            buf,
            scratch: String::new(),
        }
    }

    fn raw(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// A new line indented for `depth`.
    fn line(&mut self, depth: usize) {
        self.buf.push(b'\n');
        for _ in 0..depth {
            self.raw(b"  ");
        }
    }

    /// `s` as a JSON string.
    fn string(&mut self, s: &str) {
        self.buf.push(b'"');
        escape_into(self.buf, s, escaped, replace);
        self.buf.push(b'"');
    }

    /// `v`'s `Display` text as a JSON string.
    fn shown(&mut self, v: &dyn std::fmt::Display) {
        self.scratch.clear();
        let _ = write!(self.scratch, "{v}");
        self.buf.push(b'"');
        escape_into(self.buf, &self.scratch, escaped, replace);
        self.buf.push(b'"');
    }

    /// An id as a JSON string of lowercase hexadecimal digits.
    fn hex(&mut self, bytes: &[u8]) {
        self.buf.push(b'"');
        hex_into(self.buf, bytes);
        self.buf.push(b'"');
    }

    /// Key `key` of an object whose keys are at `depth`, `first` or not.
    fn key(&mut self, key: &str, first: bool, depth: usize) {
        if !first {
            self.buf.push(b',');
        }
        self.line(depth);
        self.string(key);
        self.raw(b": ");
    }

    /// One item at depth 2 (its keys as `super::Item` serializes them).
    fn item(&mut self, i: &ItemReport) {
        const D: usize = 3;
        self.raw(b"{");
        self.key("definition", true, D);
        match i.definition.as_deref() {
            Some(d) => self.string(d),
            None => self.raw(b"null"),
        }
        self.key("findings", false, D);
        if i.findings.is_empty() {
            self.raw(b"[]");
        } else {
            self.raw(b"[");
            for (n, f) in i.findings.iter().enumerate() {
                if n > 0 {
                    self.raw(b",");
                }
                self.line(D + 1);
                self.finding(f, D + 2);
            }
            self.line(D);
            self.raw(b"]");
        }
        if i.findings_not_listed > 0 {
            self.key("findings_not_listed", false, D);
            let mut n = itoa::Buffer::new();
            self.raw(n.format(i.findings_not_listed).as_bytes());
        }
        if let Some(k) = i.kind {
            self.key("kind", false, D);
            self.string(k.as_str());
        }
        self.key("name", false, D);
        self.string(&i.name);
        self.key("origin", false, D);
        self.shown(&i.origin);
        if let Some(p) = i.parent_span_id {
            self.key("parent_span_id", false, D);
            self.hex(&p.to_bytes());
        }
        if let Some(sp) = i.span_id {
            self.key("span_id", false, D);
            self.hex(&sp.to_bytes());
        }
        if let Some(t) = i.trace_id {
            self.key("trace_id", false, D);
            self.hex(&t.to_bytes());
        }
        self.line(D - 1);
        self.raw(b"}");
    }

    /// One finding, its keys at `depth` (`{attribute?, id, level, message}`, as
    /// `Finding`'s `Serialize` writes them).
    fn finding(&mut self, f: &Finding, depth: usize) {
        self.raw(b"{");
        let mut first = true;
        if let Some(a) = &f.attribute {
            self.key("attribute", true, depth);
            self.string(a);
            first = false;
        }
        self.key("id", first, depth);
        self.string(f.id.as_str());
        self.key("level", false, depth);
        self.string(f.level.as_str());
        self.key("message", false, depth);
        self.string(&f.message);
        self.line(depth - 1);
        self.raw(b"}");
    }
}

/// Whether byte `b` is escaped in a JSON string (as `serde_json` escapes: control characters,
/// `"` and `\`).
fn escaped(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

/// How `serde_json` writes the escaped byte `b`.
fn replace(b: u8, out: &mut Vec<u8>) {
    match b {
        b'"' => out.extend_from_slice(b"\\\""),
        b'\\' => out.extend_from_slice(b"\\\\"),
        b'\n' => out.extend_from_slice(b"\\n"),
        b'\r' => out.extend_from_slice(b"\\r"),
        b'\t' => out.extend_from_slice(b"\\t"),
        0x08 => out.extend_from_slice(b"\\b"),
        0x0c => out.extend_from_slice(b"\\f"),
        _ => {
            out.extend_from_slice(b"\\u00");
            hex_into(out, &[b]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let mut all: String = (0u8..0x80).map(char::from).collect();
        all.push_str("naïve \u{2028} \u{7f} \"quoted\" back\\slash");
        for s in [
            "",
            "plain text long enough to take more than one chunk of sixteen bytes",
            "\u{0}",
            "tab\there",
            &all,
        ] {
            let mut buf = Vec::new();
            Json::new(&mut buf).string(s);
            assert_eq!(
                String::from_utf8(buf).expect("UTF-8"),
                serde_json::to_string(s).expect("a string serializes")
            );
        }
    }
}
