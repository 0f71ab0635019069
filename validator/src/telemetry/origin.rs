//! Where a telemetry item came from, so that findings and errors can be located.

use std::fmt;
use std::path::Path;
use std::sync::Arc;

/// The source an item was read from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub enum Source {
    /// Nothing recorded (e.g. bytes decoded by a direct call to a decoder).
    #[default]
    Unknown,
    /// Converted from OpenTelemetry SDK data in memory.
    Sdk,
    /// Read from a file.
    File(Arc<Path>),
    /// Received on a named stream, e.g. `otlp/http 127.0.0.1:4318`.
    Stream(Arc<str>),
}

/// The location of an item (or of an input error): source, request, and position in the file.
///
/// Cheap to clone (at most one reference count), so every item carries its own.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Origin {
    /// Where the item was read from.
    pub source: Source,
    /// Zero-based index of the export request within the source.
    pub request: u64,
    /// One-based line of the request, for JSON files.
    pub line: Option<u64>,
    /// Byte offset of the request, for protobuf files.
    pub offset: Option<u64>,
    /// On the first item of a scope whose trace or span ids were written in base64 (the
    /// protobuf JSON mapping) instead of OTLP/JSON's hex: how many items of that scope, in this
    /// request, were. 0 on every other item.
    pub base64_ids: u32,
}

impl Origin {
    /// An origin with just a source.
    pub fn new(source: Source) -> Self {
        Origin {
            source,
            ..Origin::default()
        }
    }

    /// The origin of SDK data.
    pub fn sdk() -> Self {
        Origin::new(Source::Sdk)
    }

    /// The origin of the start of a file.
    pub fn file(path: impl AsRef<Path>) -> Self {
        Origin::new(Source::File(Arc::from(path.as_ref())))
    }
}

/// `path:line` for line-based input, `path (request N, byte O)` for binary input.
impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.source {
            Source::Unknown => write!(f, "request {}", self.request)?,
            Source::Sdk => f.write_str("sdk")?,
            Source::File(path) => write!(f, "{}", path.display())?,
            Source::Stream(name) => write!(f, "{name}, request {}", self.request)?,
        }
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        } else if let Some(offset) = self.offset {
            write!(f, " (request {}, byte {offset})", self.request)?;
        }
        Ok(())
    }
}
