//! Source files and locations inside them.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// A registry file's text, shared by every location that points into it.
#[derive(Debug)]
pub struct SourceFile {
    /// Path as given to the loader (relative paths stay relative).
    pub path: PathBuf,
    /// Full text of the file.
    pub text: String,
    line_starts: Vec<usize>,
    /// `text` as diagnostics quote it, made when first needed (see [`SourceFile::shown`]).
    shown: OnceLock<Option<String>>,
}

/// Whether showing `c` as is could move a terminal's cursor, recolour or retitle it, or reorder
/// the text around it: control characters (C0, DEL, C1, newlines and tabs included) and the
/// bidirectional formatting characters. Telemetry and registry text shown on a terminal is
/// checked with it (the validator's `printable` too).
pub fn unsafe_to_show(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// [`unsafe_to_show`], but newlines and tabs, which lay a message or a snippet out, are kept.
fn unsafe_in_layout(c: char) -> bool {
    !matches!(c, '\n' | '\t' | '\r') && unsafe_to_show(c)
}

/// Registry text in a message, shown on a terminal: control and bidirectional-formatting
/// characters are written as escapes (`\u{1b}`); newlines and tabs are kept.
pub(crate) struct Shown<'a>(pub &'a str);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        while let Some((i, c)) = rest.char_indices().find(|(_, c)| unsafe_in_layout(*c)) {
            f.write_str(&rest[..i])?;
            write!(f, "\\u{{{:x}}}", c as u32)?;
            rest = &rest[i + c.len_utf8()..];
        }
        f.write_str(rest)
    }
}

impl SourceFile {
    /// Wraps a file's text and indexes its line starts.
    pub fn new(path: impl Into<PathBuf>, text: String) -> Arc<Self> {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Arc::new(Self {
            path: path.into(),
            text,
            line_starts,
            shown: OnceLock::new(),
        })
    }

    /// The text as a diagnostic's snippet shows it on a terminal: each control or
    /// bidirectional-formatting character becomes as many `?` as it has bytes, so every byte
    /// offset (and so every span) stays valid. The text itself when it has none (no copy).
    pub fn shown(&self) -> &str {
        self.shown
            .get_or_init(|| {
                self.text.chars().any(unsafe_in_layout).then(|| {
                    self.text
                        .chars()
                        .map(|c| {
                            if unsafe_in_layout(c) {
                                "?".repeat(c.len_utf8())
                            } else {
                                c.to_string()
                            }
                        })
                        .collect()
                })
            })
            .as_deref()
            .unwrap_or(&self.text)
    }

    /// Path of the file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Byte offset of a 1-based line and 1-based column counted in characters.
    pub fn byte_offset(&self, line: u32, col: u32) -> usize {
        let Some(&start) = self.line_starts.get(line.saturating_sub(1) as usize) else {
            return self.text.len();
        };
        let rest = &self.text[start..];
        let skip = col.saturating_sub(1) as usize;
        rest.char_indices()
            .nth(skip)
            .map_or(self.text.len(), |(i, _)| start + i)
    }
}

/// A position in a source file: 1-based line and column (columns count characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Pos {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub col: u32,
}

/// A located range: where a YAML node starts and ends in its file.
#[derive(Clone, Default)]
pub struct Location {
    /// The file, when known.
    pub file: Option<Arc<SourceFile>>,
    /// Start of the node.
    pub start: Pos,
    /// End of the node (exclusive).
    pub end: Pos,
}

impl Location {
    /// A location at a position of a file.
    pub fn new(file: Arc<SourceFile>, start: Pos, end: Pos) -> Self {
        Self {
            file: Some(file),
            start,
            end,
        }
    }

    /// The start of a file (for errors about the file as a whole).
    pub fn file_start(file: Arc<SourceFile>) -> Self {
        let p = Pos { line: 1, col: 1 };
        Self::new(file, p, p)
    }

    /// Byte range of this location in its file (at least one byte when the file is not empty).
    pub fn byte_range(&self) -> (usize, usize) {
        match &self.file {
            None => (0, 0),
            Some(f) => {
                let s = f.byte_offset(self.start.line, self.start.col);
                let mut e = f.byte_offset(self.end.line, self.end.col).max(s);
                // Keep labels on one line: multi-line nodes point at their first line.
                if let Some(nl) = f.text[s..e].find('\n') {
                    e = s + nl;
                }
                if e == s && s < f.text.len() {
                    e = s + f.text[s..].chars().next().map_or(0, char::len_utf8);
                }
                (s, e)
            }
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.file {
            Some(file) => write!(
                f,
                "{}:{}:{}",
                file.path.display(),
                self.start.line,
                self.start.col
            ),
            None => f.write_str("<unknown>"),
        }
    }
}

impl fmt::Debug for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl PartialEq for Location {
    fn eq(&self, _other: &Self) -> bool {
        // Locations never take part in model equality.
        true
    }
}
