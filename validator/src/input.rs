//! Loading telemetry files: OTLP/JSON (one request, or JSON Lines) and OTLP protobuf.
//!
//! Formats, chosen by [`LoadOptions::format`], else by extension, else by content:
//! - `.json`: one OTLP/JSON request (pretty-printed or not), or JSON Lines when the file holds
//!   several lines that each start with a complete object, as the OpenTelemetry Collector's file
//!   exporter writes (its default `format: json` writes one request per line).
//! - `.jsonl`, `.ndjson`: JSON Lines, one request per line; blank lines are skipped.
//! - `.pb`, `.binpb`, `.proto`, `.protobuf`, `.bin`: protobuf, either a single export request
//!   (an OTLP/HTTP body), or the Collector file exporter's `format: proto` stream, where each
//!   request is preceded by its length as a 4-byte big-endian integer. A file is read as that
//!   stream when it starts with a zero byte (no protobuf message can) or when its length
//!   prefixes chain exactly to its end. Varint-delimited streams are not supported.
//! - anything else: JSON when the first non-blank byte is `{`, protobuf otherwise.
//!
//! The signal of each JSON request comes from its top-level field. A protobuf request does not
//! say which signal it is: [`LoadOptions::signal`] fixes it, otherwise a file name containing
//! `trace`/`span`, `log` or `metric` is tried first, then the others
//! (see [`decode_protobuf_detect_into`]).
//!
//! Errors are located (line for JSON, byte offset for protobuf) and cost only the request they
//! are in: the other lines or frames of the file are still loaded.
//!
//! A file larger than 1 MiB is never held whole: JSON Lines are read line by line, protobuf
//! frames frame by frame, and one JSON document or protobuf message in pieces of one resource,
//! one scope and at most 2,048 of its items ([`crate::otlp`]'s `json_split` and
//! `protobuf_split`); an error is located in the file and costs only its item (a piece that
//! cannot be decoded is decoded again item by item), except in a protobuf resource or scope
//! entry small enough to be copied whole, which it costs.

use std::io::{BufRead, Read, Seek};
use std::path::Path;
use std::sync::Arc;

use crate::otlp::json_split::{self, PieceLimits};
use crate::otlp::protobuf_split;
use crate::otlp::{DecodeError, Signal, decode_json_into, decode_protobuf_detect_into};
use crate::telemetry::{Origin, Source, Telemetry};

/// A file layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// One OTLP/JSON request, or JSON Lines if the content says so.
    Json,
    /// One OTLP/JSON request per line.
    JsonLines,
    /// One protobuf request, or a stream of 4-byte big-endian length-prefixed requests.
    Protobuf,
}

/// Overrides for [`load_file_with`] and [`load_bytes`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LoadOptions {
    /// The file layout; detected when `None`.
    pub format: Option<Format>,
    /// The signal of protobuf requests (JSON: only this signal is read); detected when `None`.
    pub signal: Option<Signal>,
}

/// A located problem in an input file.
#[derive(Debug, thiserror::Error)]
#[error("{origin}: {kind}")]
pub struct InputError {
    /// Where: file, request index, and line (JSON) or byte offset (protobuf) of the request.
    pub origin: Origin,
    /// What went wrong.
    pub kind: InputErrorKind,
}

/// What went wrong in an input file.
#[derive(Debug, thiserror::Error)]
pub enum InputErrorKind {
    /// The file could not be read.
    #[error("cannot read: {0}")]
    Io(#[from] std::io::Error),
    /// A request could not be decoded (positions are relative to the file).
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// The file holds no telemetry at all (empty, blank, only NUL bytes, or only empty
    /// requests): almost always a wrong path or a failed export.
    #[error("holds no telemetry: {0}")]
    Empty(&'static str),
    /// A length-prefixed protobuf frame runs past the end of the file; nothing after it can be
    /// read.
    #[error("truncated frame: its length prefix announces {declared} bytes, {available} remain")]
    TruncatedFrame {
        /// Length announced by the prefix.
        declared: u64,
        /// Bytes left in the file after the prefix.
        available: u64,
    },
    /// Something of a large JSON document or protobuf file too large to hold: an item (span,
    /// log record, metric) or a protobuf frame longer than [`MAX_LINE_BYTES`], or a resource
    /// or scope longer than a piece (4 MiB), whose entry goes with it. Skipped (not held in
    /// memory); what follows is still read.
    #[error("{what} of more than {limit} bytes: skipped")]
    TooLarge {
        /// `item`, `frame`, `resource` or `scope`.
        what: &'static str,
        /// The limit.
        limit: usize,
    },
    /// A piece of a large JSON document or protobuf message (up to 2,048 items sharing a
    /// resource and scope) that could not be decoded, nor any of its items alone: `items`
    /// items are lost with it (summed over the pieces of one resource or scope that fail the
    /// same way, reported once). `budget` says some of them were not tried one at a time
    /// because that would pass the file's budget for it.
    #[error("{error}; {items} items lost with it{}", if *budget { " (not all tried one at a time: that would pass the budget for it, 64 MiB plus four times the bytes read)" } else { "" })]
    ItemsLost {
        /// Why the piece could not be decoded.
        error: Box<DecodeError>,
        /// Items lost.
        items: u64,
        /// Whether some were not tried one at a time, for the budget.
        budget: bool,
    },
    /// A JSON Lines line longer than [`MAX_LINE_BYTES`]: skipped (not held in memory), the
    /// next lines are still read.
    #[error("line of more than {limit} bytes: skipped")]
    LineTooLong {
        /// The limit.
        limit: usize,
    },
}

/// Longest JSON Lines line (one request) read from a file streamed line by line; longer ones
/// are reported and skipped. As large as the largest request `live-check` accepts by default
/// many times over.
pub const MAX_LINE_BYTES: usize = 256 << 20;

/// Items (spans, log records, metrics) per piece of a large JSON document or protobuf message
/// read in pieces.
const PIECE_ITEMS: usize = 2048;

/// Bytes of items per piece of a large JSON document or protobuf message read in pieces (and
/// the largest resource or scope copied into its pieces).
const PIECE_BYTES: usize = 4 << 20;

/// A piece that cannot be decoded has its items decoded one by one (each with the piece's
/// resource and scope again) within a budget of bytes copied: [`SALVAGE_BYTES`] to start
/// with, plus this many times the bytes of each piece read. Past it, the piece is lost,
/// reported.
const SALVAGE_FACTOR: usize = 4;

/// Why [`Loader::one_by_one`] saved none of a bad piece's items.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum GaveUp {
    /// The piece held at most one item (or an unknown number).
    OneItem,
    /// Decoding them one at a time would pass the file's budget for it.
    Budget,
    /// None decoded alone: what is wrong is common to all, or every item is bad.
    NoneDecoded,
}

/// The budget for decoding bad pieces item by item before any piece is read.
const SALVAGE_BYTES: usize = 64 << 20;

/// Bytes read from the start of a file to choose how to read the rest: a larger JSON Lines file
/// is read line by line (memory: one line, not the file).
const HEAD_BYTES: usize = 1 << 20;

/// Loads a telemetry file, detecting its format and signal.
///
/// Returns what could be read and one error per request that could not; the outer error is for
/// a file that cannot be read at all.
pub fn load_file(path: impl AsRef<Path>) -> Result<(Telemetry, Vec<InputError>), InputError> {
    load_file_with(path, &LoadOptions::default())
}

/// [`load_file`] with overrides.
pub fn load_file_with(
    path: impl AsRef<Path>,
    options: &LoadOptions,
) -> Result<(Telemetry, Vec<InputError>), InputError> {
    let mut all = Telemetry::new();
    let errors = stream_file_with(path, options, &mut |mut t| all.append(&mut t))?;
    Ok((all, errors))
}

/// Reads a telemetry file request by request (one JSON document, JSON Lines line, or protobuf
/// frame at a time), as [`load_file_with`] does, handing each decoded request to `each` in
/// file order as soon as it is decoded: what is in memory is the file's bytes and one request,
/// not every request of the file. Returns the located errors (see [`load_file`]).
///
/// ```no_run
/// use genai_validator::input::{LoadOptions, stream_file_with};
/// let mut spans = 0;
/// let errors = stream_file_with("traces.jsonl", &LoadOptions::default(), &mut |t| {
///     spans += t.spans.len();
/// })?;
/// println!("{spans} spans, {} unreadable requests", errors.len());
/// # Ok::<(), genai_validator::InputError>(())
/// ```
pub fn stream_file_with(
    path: impl AsRef<Path>,
    options: &LoadOptions,
    each: &mut dyn FnMut(Telemetry),
) -> Result<Vec<InputError>, InputError> {
    let path = path.as_ref();
    let source = Source::File(Arc::from(path));
    let io = |e| InputError {
        origin: Origin::new(source.clone()),
        kind: InputErrorKind::Io(e),
    };
    let mut file = std::fs::File::open(path).map_err(io)?;
    let mut options = *options;
    if options.format.is_none() {
        options.format = format_from_extension(path);
    }
    let mut bytes = Vec::new();
    (&mut file)
        .take(HEAD_BYTES as u64)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    let lines = match options.format {
        _ if bytes.len() < HEAD_BYTES || nothing_in(&bytes).is_some() => false,
        Some(Format::JsonLines) => true,
        Some(Format::Json) | None => {
            sniff(&bytes) == Format::Json && looks_like_json_lines(strip_bom(&bytes))
        }
        Some(Format::Protobuf) => false,
    };
    let document = !lines
        && bytes.len() >= HEAD_BYTES
        && options.format != Some(Format::Protobuf)
        && sniff(&bytes) == Format::Json;
    if document {
        // A large single document: read in pieces, never whole.
        file.seek(std::io::SeekFrom::Start(0)).map_err(io)?;
        let mut reader = std::io::BufReader::with_capacity(1 << 16, file);
        // JSON Lines whose lines are longer than the part read first look like a document
        // there; their first lines say otherwise.
        let lines = lines_ahead(&mut reader);
        reader.seek(std::io::SeekFrom::Start(0)).map_err(io)?;
        let mut loader = Loader::new(source, each);
        if lines {
            loader.json_line_stream(reader, options.signal, MAX_LINE_BYTES);
        } else {
            loader.json_document_stream(reader, options.signal, &bytes);
        }
        return Ok(loader.finish());
    }
    let protobuf = !lines
        && bytes.len() >= HEAD_BYTES
        && options.format.unwrap_or_else(|| sniff(&bytes)) == Format::Protobuf;
    if protobuf {
        // A large protobuf file: frame by frame, or one message in pieces; never whole.
        let len = file.metadata().map_err(io)?.len();
        let framed = bytes[0] == 0 || frames_span(&mut file, len).map_err(io)?;
        file.seek(std::io::SeekFrom::Start(0)).map_err(io)?;
        let reader = std::io::BufReader::with_capacity(1 << 16, file);
        let mut loader = Loader::new(source, each);
        let hint = options.signal.or_else(|| signal_from_name(&loader.source));
        let fixed = options.signal.is_some();
        if framed {
            loader.protobuf_frame_stream(reader, len, hint, fixed);
        } else {
            loader.protobuf_message_stream(reader, len, hint, fixed);
        }
        return Ok(loader.finish());
    }
    if !lines {
        // Small: read whole.
        file.read_to_end(&mut bytes).map_err(io)?;
        return Ok(stream_bytes(&bytes, source, &options, each));
    }
    let reader = std::io::BufReader::with_capacity(1 << 16, bytes.as_slice().chain(file));
    let mut loader = Loader::new(source, each);
    loader.json_line_stream(reader, options.signal, MAX_LINE_BYTES);
    Ok(loader.finish())
}

/// Decodes the content of a file (or of standard input) from `source`; see [`load_file`].
pub fn load_bytes(
    bytes: &[u8],
    source: Source,
    options: &LoadOptions,
) -> (Telemetry, Vec<InputError>) {
    let mut all = Telemetry::new();
    let errors = stream_bytes(bytes, source, options, &mut |mut t| all.append(&mut t));
    (all, errors)
}

/// [`load_bytes`], request by request: see [`stream_file_with`].
pub fn stream_bytes(
    bytes: &[u8],
    source: Source,
    options: &LoadOptions,
    each: &mut dyn FnMut(Telemetry),
) -> Vec<InputError> {
    let mut loader = Loader::new(source, each);
    let format = options.format.unwrap_or_else(|| sniff(bytes));
    if let Some(why) = nothing_in(bytes) {
        loader.error(
            Origin::new(loader.source.clone()),
            InputErrorKind::Empty(why),
        );
        return loader.errors;
    }
    match format {
        Format::Json => {
            let text = strip_bom(bytes);
            if looks_like_json_lines(text) {
                loader.json_lines(text, options.signal);
            } else {
                loader.json_document(text, options.signal);
            }
        }
        Format::JsonLines => loader.json_lines(strip_bom(bytes), options.signal),
        Format::Protobuf => {
            let hint = options.signal.or_else(|| signal_from_name(&loader.source));
            let fixed = options.signal.is_some();
            if is_length_prefixed(bytes) {
                loader.protobuf_frames(bytes, hint, fixed);
            } else {
                loader.protobuf_message(bytes, 0, hint, fixed);
            }
        }
    }
    loader.finish()
}

/// Why a file cannot hold anything, when it cannot.
fn nothing_in(bytes: &[u8]) -> Option<&'static str> {
    if bytes.is_empty() {
        Some("the file is empty")
    } else if bytes.iter().all(|b| *b == 0) {
        Some("the file holds only NUL bytes")
    } else if strip_bom(bytes).iter().all(u8::is_ascii_whitespace) {
        Some("the file holds only blank space")
    } else {
        None
    }
}

/// The format implied by a file extension, if any.
pub fn format_from_extension(path: &Path) -> Option<Format> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "json" => Some(Format::Json),
        "jsonl" | "ndjson" => Some(Format::JsonLines),
        "pb" | "binpb" | "proto" | "protobuf" | "bin" => Some(Format::Protobuf),
        _ => None,
    }
}

/// JSON when the first non-blank byte is `{`, protobuf otherwise.
fn sniff(bytes: &[u8]) -> Format {
    match strip_bom(bytes).iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{') => Format::Json,
        Some(_) => Format::Protobuf,
        None => Format::Json,
    }
}

fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes)
}

/// Several non-blank lines, the first of which holds a whole object (`{...}`).
fn looks_like_json_lines(text: &[u8]) -> bool {
    let mut lines = text
        .split(|b| *b == b'\n')
        .map(<[u8]>::trim_ascii)
        .filter(|l| !l.is_empty());
    match (lines.next(), lines.next()) {
        (Some(first), Some(_)) => first.starts_with(b"{") && first.ends_with(b"}"),
        _ => false,
    }
}

/// Several non-blank lines, most of which hold a whole object each (a JSON Lines file, maybe
/// with broken lines; a pretty-printed document has few such lines).
fn mostly_whole_lines(text: &[u8]) -> bool {
    let (mut lines, mut whole) = (0usize, 0usize);
    for line in text.split(|b| *b == b'\n').map(<[u8]>::trim_ascii) {
        if line.is_empty() {
            continue;
        }
        lines += 1;
        whole += usize::from(line.starts_with(b"{") && line.ends_with(b"}"));
    }
    lines >= 2 && whole >= 1 && 2 * whole >= lines
}

/// A stream of 4-byte big-endian length-prefixed messages (see the module documentation).
fn is_length_prefixed(bytes: &[u8]) -> bool {
    if bytes.len() < 4 {
        return false;
    }
    if bytes[0] == 0 {
        return true;
    }
    let mut pos = 0usize;
    while let Some(prefix) = bytes.get(pos..pos.saturating_add(4)) {
        let len = u32::from_be_bytes([prefix[0], prefix[1], prefix[2], prefix[3]]) as usize;
        pos = pos.saturating_add(4).saturating_add(len);
        if pos == bytes.len() {
            return true;
        }
    }
    false
}

/// [`mostly_whole_lines`] for lines too long for the part of the file read first: the first
/// lines from the start of `reader` (at most 8, or 64 MiB), judged by their first and last
/// non-blank bytes without being held.
fn lines_ahead<R: Read + Seek>(reader: &mut std::io::BufReader<R>) -> bool {
    if reader.seek(std::io::SeekFrom::Start(0)).is_err() {
        return false;
    }
    /// Counts the line that ends (`[lines, whole]`) from its first and last non-blank bytes.
    fn end_line(first: &mut Option<u8>, last: &mut Option<u8>, counts: &mut [usize; 2]) {
        if let (Some(f), Some(l)) = (first.take(), last.take()) {
            counts[0] += 1;
            counts[1] += usize::from(f == b'{' && l == b'}');
        }
    }
    let mut counts = [0usize; 2];
    let mut read = 0usize;
    let (mut first, mut last) = (None::<u8>, None::<u8>);
    while counts[0] < 8 && read < 64 << 20 {
        let Ok(buf) = reader.fill_buf() else {
            return false;
        };
        if buf.is_empty() {
            break;
        }
        for &b in buf {
            match b {
                b'\n' => end_line(&mut first, &mut last, &mut counts),
                b' ' | b'\t' | b'\r' => {}
                _ => {
                    first.get_or_insert(b);
                    last = Some(b);
                }
            }
        }
        let n = buf.len();
        read += n;
        reader.consume(n);
    }
    end_line(&mut first, &mut last, &mut counts);
    let [lines, whole] = counts;
    lines >= 2 && whole >= 1 && 2 * whole >= lines
}

/// Whether the file's bytes are length-prefixed frames end to end (as [`is_length_prefixed`]
/// decides for bytes in memory), read by seeking from prefix to prefix.
fn frames_span(file: &mut std::fs::File, len: u64) -> std::io::Result<bool> {
    let mut pos = 0u64;
    let mut prefix = [0u8; 4];
    while pos + 4 <= len {
        file.seek(std::io::SeekFrom::Start(pos))?;
        file.read_exact(&mut prefix)?;
        pos += 4 + u64::from(u32::from_be_bytes(prefix));
        if pos == len {
            return Ok(true);
        }
    }
    Ok(false)
}

fn signal_from_name(source: &Source) -> Option<Signal> {
    let Source::File(path) = source else {
        return None;
    };
    let name = path.file_name()?.to_str()?.to_ascii_lowercase();
    if name.contains("trace") || name.contains("span") {
        Some(Signal::Traces)
    } else if name.contains("metric") {
        Some(Signal::Metrics)
    } else if name.contains("log") {
        Some(Signal::Logs)
    } else {
        None
    }
}

struct Loader<'e> {
    /// The request being decoded.
    out: Telemetry,
    /// Where each decoded request goes.
    each: &'e mut dyn FnMut(Telemetry),
    /// Whether any request held anything.
    anything: bool,
    errors: Vec<InputError>,
    source: Source,
    request: u64,
    /// Bytes that decoding bad pieces item by item may still copy.
    salvage: usize,
}

impl<'e> Loader<'e> {
    fn new(source: Source, each: &'e mut dyn FnMut(Telemetry)) -> Self {
        Loader {
            out: Telemetry::new(),
            each,
            anything: false,
            errors: Vec::new(),
            source,
            request: 0,
            salvage: SALVAGE_BYTES,
        }
    }

    /// The errors, with one for a file whose requests held nothing at all.
    fn finish(mut self) -> Vec<InputError> {
        if !self.anything && self.errors.is_empty() {
            let origin = Origin::new(self.source.clone());
            self.error(
                origin,
                InputErrorKind::Empty("its requests hold no spans, log records or metrics"),
            );
        }
        self.errors
    }

    /// Hands the request decoded so far (if it holds anything) to `each`.
    fn hand_over(&mut self) {
        if !self.out.is_empty() {
            self.anything = true;
            (self.each)(std::mem::take(&mut self.out));
        }
    }

    fn origin(&self, line: Option<u64>, offset: Option<u64>) -> Origin {
        Origin {
            source: self.source.clone(),
            request: self.request,
            line,
            offset,
            base64_ids: 0,
        }
    }

    fn error(&mut self, origin: Origin, kind: InputErrorKind) {
        self.errors.push(InputError { origin, kind });
    }

    /// A decoding error, at the place it names (a JSON error's line, a protobuf error's
    /// offset).
    fn located_error(&mut self, err: DecodeError) {
        let origin = match &err {
            DecodeError::Json { line, .. } => self.origin(Some(*line), None),
            DecodeError::Protobuf { offset, .. } => self.origin(None, Some(*offset)),
            _ => self.origin(None, None),
        };
        self.error(origin, err.into());
    }

    /// `what` at `origin` was too large to hold, and skipped.
    fn too_large(&mut self, origin: Origin, what: &'static str) {
        let limit = match what {
            "resource" | "scope" => PIECE_BYTES,
            _ => MAX_LINE_BYTES,
        };
        self.error(origin, InputErrorKind::TooLarge { what, limit });
    }

    /// [`Loader::error`], unless it repeats the last error (a bad resource or scope is copied
    /// into every piece of its entry, so each piece reports it).
    fn report_once(&mut self, origin: Origin, kind: InputErrorKind) {
        let repeat = self.errors.last().is_some_and(|last| {
            last.origin.line == origin.line
                && last.origin.offset == origin.offset
                && last.kind.to_string() == kind.to_string()
        });
        if !repeat {
            self.error(origin, kind);
        }
    }

    /// Reports a piece that could not be decoded, with the `items` lost with it when there
    /// were several (`gave_up` says why they were not decoded alone). The same error at the
    /// same place as the last one (every piece of a bad resource or scope) adds its items to
    /// that one instead.
    fn report_piece(&mut self, origin: Origin, error: DecodeError, items: usize, gave_up: GaveUp) {
        if items < 2 {
            return self.report_once(origin, InputErrorKind::Decode(error));
        }
        let budget = gave_up == GaveUp::Budget;
        if let Some(InputError {
            origin: at,
            kind:
                InputErrorKind::ItemsLost {
                    error: last,
                    items: total,
                    budget: last_budget,
                },
        }) = self.errors.last_mut()
            && at.line == origin.line
            && at.offset == origin.offset
            && last.to_string() == error.to_string()
        {
            // One bad resource over many pieces: some may have been tried item by item before
            // the budget ran out, the rest not.
            *total += items as u64;
            *last_budget |= budget;
            return;
        }
        let kind = InputErrorKind::ItemsLost {
            error: Box::new(error),
            items: items as u64,
            budget,
        };
        self.error(origin, kind);
    }

    fn json_document(&mut self, text: &[u8], signal: Option<Signal>) {
        let first_line = text
            .split(|b| *b == b'\n')
            .position(|l| !l.trim_ascii().is_empty());
        let Some(index) = first_line else {
            return; // An empty file holds no request.
        };
        let origin = self.origin(Some(index as u64 + 1), None);
        if let Err(err) = decode_json_into(text, signal, &origin, &mut self.out) {
            // A JSON Lines file whose first line is broken is not one document: keep the
            // other lines rather than losing the whole file.
            if mostly_whole_lines(text) {
                self.json_lines(text, signal);
                return;
            }
            // serde reports the document's own line, which is the file's line.
            let origin = match &err {
                DecodeError::Json { line, .. } => Origin {
                    line: Some(*line),
                    ..origin
                },
                _ => origin,
            };
            self.error(origin, err.into());
        }
        self.hand_over();
        self.request += 1;
    }

    /// A large single JSON document, read piece by piece (see [`json_split`]): memory is one
    /// piece. `head` is the document's start, for telling a JSON Lines file whose first line
    /// is broken from a document.
    fn json_document_stream<R: Read + Seek>(
        &mut self,
        mut reader: std::io::BufReader<R>,
        signal: Option<Signal>,
        head: &[u8],
    ) {
        let limits = PieceLimits {
            items: PIECE_ITEMS,
            bytes: PIECE_BYTES,
            item_bytes: MAX_LINE_BYTES,
        };
        let mut pieces = 0u64;
        let split = json_split::split(&mut reader, signal, limits, &mut |piece| {
            self.earn_salvage(piece.bytes.len());
            self.json_piece(&piece);
            self.hand_over();
            pieces += 1;
        });
        match split {
            Ok(found) => {
                for skipped in found.skipped {
                    self.too_large(self.origin(Some(skipped.line), None), skipped.what);
                }
                if !found.signal_found && signal.is_none() {
                    let origin = self.origin(Some(1), None);
                    self.error(origin, DecodeError::UnknownSignal.into());
                }
            }
            // A JSON Lines file whose first line is broken is not one document: keep the
            // other lines rather than losing the whole file.
            Err(_)
                if pieces == 0
                    && (mostly_whole_lines(strip_bom(head)) || lines_ahead(&mut reader)) =>
            {
                match reader.seek(std::io::SeekFrom::Start(0)) {
                    Ok(_) => self.json_line_stream(reader, signal, MAX_LINE_BYTES),
                    Err(e) => {
                        let origin = self.origin(None, None);
                        self.error(origin, InputErrorKind::Io(e));
                    }
                }
                return;
            }
            Err(err) => self.located_error(err),
        }
        self.request += 1;
    }

    /// Decodes one piece of a large JSON document (true when it could be). When it cannot
    /// be, its items are decoded one by one ([`Loader::one_by_one`]), so that only those
    /// that cannot are lost; what cannot be decoded is reported.
    fn json_piece(&mut self, piece: &json_split::Piece) -> bool {
        let origin = self.origin(Some(piece.line()), None);
        let Err(err) = decode_json_into(&piece.bytes, Some(piece.signal), &origin, &mut self.out)
        else {
            return true;
        };
        let (items, copied) = (piece.item_count(), piece.one_by_one_bytes());
        let pieces = piece.one_by_one();
        let gave_up = match self.one_by_one(items, copied, pieces, |l, one| l.json_piece(one)) {
            Ok(()) => return false,
            Err(why) => why,
        };
        let (err, line) = piece.locate(err);
        let origin = match line {
            Some(line) => self.origin(Some(line), None),
            None => origin,
        };
        self.report_piece(origin, err, items, gave_up);
        false
    }

    /// Decodes one piece of a large protobuf message (true when it could be), the signal
    /// detected from the first (`hint`, `fixed`). When it cannot be, its items are decoded
    /// one by one when they were copied one by one ([`Loader::one_by_one`]), so that only
    /// those that cannot are lost; what cannot be decoded is reported.
    fn protobuf_piece(
        &mut self,
        piece: &protobuf_split::Piece,
        hint: &mut Option<Signal>,
        fixed: &mut bool,
    ) -> bool {
        let origin = self.origin(None, Some(piece.entry));
        let result = if *fixed {
            let signal = hint.unwrap_or(Signal::Traces);
            crate::otlp::decode_protobuf_into(&piece.bytes, signal, &origin, &mut self.out)
        } else {
            decode_protobuf_detect_into(&piece.bytes, *hint, &origin, &mut self.out).map(|s| {
                *hint = Some(s);
                *fixed = true;
            })
        };
        let Err(err) = result else {
            return true;
        };
        let (items, copied) = (piece.item_count().unwrap_or(0), piece.one_by_one_bytes());
        let pieces = piece.one_by_one();
        let gave_up = match self.one_by_one(items, copied, pieces, |l, one| {
            l.protobuf_piece(one, hint, fixed)
        }) {
            Ok(()) => return false,
            Err(why) => why,
        };
        let (err, offset) = piece.locate(err);
        let origin = match offset {
            Some(offset) => self.origin(None, Some(offset)),
            None => origin,
        };
        self.report_piece(origin, err, items, gave_up);
        false
    }

    /// Adds what a piece of `bytes` bytes read from the file earns to the budget for
    /// decoding bad pieces item by item ([`SALVAGE_FACTOR`] times its size).
    fn earn_salvage(&mut self, bytes: usize) {
        self.salvage = self
            .salvage
            .saturating_add(SALVAGE_FACTOR.saturating_mul(bytes));
    }

    /// Decodes, with `decode`, the `items` items of a piece that could not be decoded, each
    /// as a piece of its own (`pieces`, copying `copied` bytes), when there are several and
    /// the budget allows (it is spent then; it starts at [`SALVAGE_BYTES`] and grows with the
    /// pieces read, so a hostile file costs at most a few times its size). Ok when any
    /// could be decoded; otherwise (what is wrong is common to all, the resource or scope, or
    /// every item is bad) their errors are dropped, for one error for the piece.
    fn one_by_one<P>(
        &mut self,
        items: usize,
        copied: usize,
        pieces: impl Iterator<Item = P>,
        mut decode: impl FnMut(&mut Self, &P) -> bool,
    ) -> Result<(), GaveUp> {
        if items < 2 {
            return Err(GaveUp::OneItem);
        }
        if copied > self.salvage {
            return Err(GaveUp::Budget);
        }
        self.salvage -= copied;
        let mark = self.errors.len();
        let mut any = false;
        for one in pieces {
            any |= decode(self, &one);
        }
        if !any {
            self.errors.truncate(mark);
            return Err(GaveUp::NoneDecoded);
        }
        Ok(())
    }

    fn json_lines(&mut self, text: &[u8], signal: Option<Signal>) {
        for (index, line) in text.split(|b| *b == b'\n').enumerate() {
            self.json_line(index as u64 + 1, line, signal);
        }
    }

    /// One JSON Lines line (1-based `number`): a request, unless blank.
    fn json_line(&mut self, number: u64, line: &[u8], signal: Option<Signal>) {
        if line.trim_ascii().is_empty() {
            return;
        }
        let origin = self.origin(Some(number), None);
        if let Err(err) = decode_json_into(line, signal, &origin, &mut self.out) {
            self.error(origin, err.shifted(number - 1, 0).into());
        }
        self.hand_over();
        self.request += 1;
    }

    /// JSON Lines read from `reader` line by line; a line longer than `max` bytes is reported
    /// and skipped without being held.
    fn json_line_stream(&mut self, mut reader: impl BufRead, signal: Option<Signal>, max: usize) {
        let mut line = Vec::new();
        for number in 1u64.. {
            let (ended, whole) = match read_line(&mut reader, &mut line, max) {
                Ok(r) => r,
                Err(e) => {
                    let origin = self.origin(Some(number), None);
                    self.error(origin, InputErrorKind::Io(e));
                    return;
                }
            };
            if whole {
                let text = if number == 1 {
                    strip_bom(&line)
                } else {
                    &line[..]
                };
                self.json_line(number, text, signal);
            } else {
                let origin = self.origin(Some(number), None);
                self.error(origin, InputErrorKind::LineTooLong { limit: max });
                self.request += 1;
            }
            if ended {
                return;
            }
        }
    }

    fn protobuf_frames(&mut self, bytes: &[u8], hint: Option<Signal>, fixed: bool) {
        let mut pos = 0usize;
        while pos < bytes.len() {
            let Some(prefix) = bytes.get(pos..pos + 4) else {
                let origin = self.origin(None, Some(pos as u64));
                let available = (bytes.len() - pos) as u64;
                self.error(
                    origin,
                    InputErrorKind::TruncatedFrame {
                        declared: 4,
                        available,
                    },
                );
                return;
            };
            let len = u32::from_be_bytes([prefix[0], prefix[1], prefix[2], prefix[3]]) as usize;
            let start = pos + 4;
            let available = bytes.len() - start;
            if len > available {
                let origin = self.origin(None, Some(pos as u64));
                self.error(
                    origin,
                    InputErrorKind::TruncatedFrame {
                        declared: len as u64,
                        available: available as u64,
                    },
                );
                return;
            }
            self.protobuf_message(&bytes[start..start + len], start, hint, fixed);
            pos = start + len;
        }
    }

    /// A large file of length-prefixed protobuf frames, frame by frame: memory is one frame
    /// (a frame over [`MAX_LINE_BYTES`] is reported and skipped).
    fn protobuf_frame_stream(
        &mut self,
        mut reader: impl BufRead + Seek,
        len: u64,
        hint: Option<Signal>,
        fixed: bool,
    ) {
        let mut pos = 0u64;
        let mut frame = Vec::new();
        while pos < len {
            let mut prefix = [0u8; 4];
            let declared = match reader.read_exact(&mut prefix) {
                Ok(()) => u64::from(u32::from_be_bytes(prefix)),
                Err(_) => {
                    let origin = self.origin(None, Some(pos));
                    let available = len - pos;
                    self.error(
                        origin,
                        InputErrorKind::TruncatedFrame {
                            declared: 4,
                            available,
                        },
                    );
                    return;
                }
            };
            let start = pos + 4;
            let available = len - start;
            if declared > available {
                let origin = self.origin(None, Some(pos));
                self.error(
                    origin,
                    InputErrorKind::TruncatedFrame {
                        declared,
                        available,
                    },
                );
                return;
            }
            if declared > MAX_LINE_BYTES as u64 {
                self.too_large(self.origin(None, Some(start)), "frame");
                self.request += 1;
                if let Err(e) = reader.seek(std::io::SeekFrom::Start(start + declared)) {
                    let origin = self.origin(None, Some(start));
                    self.error(origin, InputErrorKind::Io(e));
                    return;
                }
            } else {
                frame.clear();
                if let Err(e) = (&mut reader).take(declared).read_to_end(&mut frame) {
                    let origin = self.origin(None, Some(start));
                    self.error(origin, InputErrorKind::Io(e));
                    return;
                }
                self.protobuf_message(&frame, start as usize, hint, fixed);
            }
            pos = start + declared;
        }
    }

    /// A large single protobuf message, read piece by piece (see [`protobuf_split`]): memory
    /// is one piece. The first piece's signal (when not given) is kept for the others.
    fn protobuf_message_stream<R: Read + Seek>(
        &mut self,
        mut reader: std::io::BufReader<R>,
        len: u64,
        mut hint: Option<Signal>,
        mut fixed: bool,
    ) {
        let limits = PieceLimits {
            items: PIECE_ITEMS,
            bytes: PIECE_BYTES,
            item_bytes: MAX_LINE_BYTES,
        };
        let split = protobuf_split::split(&mut reader, len, limits, &mut |piece| {
            self.earn_salvage(piece.bytes.len());
            self.protobuf_piece(&piece, &mut hint, &mut fixed);
            self.hand_over();
        });
        match split {
            Ok(found) => {
                for (offset, what) in found.skipped {
                    self.too_large(self.origin(None, Some(offset)), what);
                }
            }
            Err(err) => self.located_error(err),
        }
        self.request += 1;
    }

    fn protobuf_message(&mut self, bytes: &[u8], offset: usize, hint: Option<Signal>, fixed: bool) {
        let origin = self.origin(None, Some(offset as u64));
        let result = if fixed {
            let signal = hint.unwrap_or(Signal::Traces);
            crate::otlp::decode_protobuf_into(bytes, signal, &origin, &mut self.out)
        } else {
            decode_protobuf_detect_into(bytes, hint, &origin, &mut self.out).map(|_| ())
        };
        if let Err(err) = result {
            self.error(origin, err.shifted(0, offset as u64).into());
        }
        self.hand_over();
        self.request += 1;
    }
}

/// Reads the next line of `reader` (without its newline) into `line`, keeping at most `max`
/// bytes: returns whether the input ended, and whether the line was kept whole (a longer one is
/// read past, not held).
fn read_line(
    reader: &mut impl BufRead,
    line: &mut Vec<u8>,
    max: usize,
) -> std::io::Result<(bool, bool)> {
    line.clear();
    let mut whole = true;
    loop {
        let chunk = match reader.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            return Ok((true, whole));
        }
        let newline = memchr::memchr(b'\n', chunk);
        let part = &chunk[..newline.unwrap_or(chunk.len())];
        if whole && line.len() + part.len() > max {
            whole = false;
            *line = Vec::new();
        }
        if whole {
            line.extend_from_slice(part);
        }
        let used = part.len() + usize::from(newline.is_some());
        reader.consume(used);
        if newline.is_some() {
            return Ok((false, whole));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines read from a stream: a line over the limit is reported and skipped, the others are
    /// read, numbered as in the file.
    #[test]
    fn streamed_lines_skip_overlong_ones() {
        let good = r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"00000000000000000000000000000001","spanId":"0000000000000001","name":"chat m"}]}]}]}"#;
        let long = format!("{{\"resourceSpans\":[{}]}}", "{},".repeat(100));
        let text = format!("\u{feff}{good}\n\n{long}\n{good}\r\n{good}");
        let mut spans = 0;
        let mut each = |t: Telemetry| spans += t.spans.len();
        let mut loader = Loader::new(Source::Unknown, &mut each);
        loader.json_line_stream(std::io::Cursor::new(text.as_bytes()), None, 200);
        let errors = loader.finish();
        assert_eq!(spans, 3);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].origin.line, Some(3));
        assert!(matches!(
            errors[0].kind,
            InputErrorKind::LineTooLong { limit: 200 }
        ));
    }
}
