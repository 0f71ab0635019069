//! The byte buffer the JSON and JUnit reports are written through: pieces appended to one
//! buffer, handed to the output a chunk at a time, text copied whole when nothing in it needs
//! escaping, and long lists of items formatted in batches on two cores.

use std::io::{self, Write};

/// Bytes gathered before they are handed to the output.
const CHUNK: usize = 1 << 16;

/// Items formatted as one batch by [`Chunked::batches`].
const BATCH: usize = 1024;

/// A buffer in front of an output.
pub(crate) struct Chunked<'w> {
    /// What is not yet handed to the output.
    pub(crate) buf: Vec<u8>,
    out: &'w mut dyn Write,
}

impl<'w> Chunked<'w> {
    /// A buffer in front of `out`.
    pub(crate) fn new(out: &'w mut dyn Write) -> Self {
        Chunked {
            buf: Vec::with_capacity(CHUNK + 4096),
            out,
        }
    }

    /// Appends `bytes` as they are.
    #[inline]
    pub(crate) fn raw(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// Hands the buffer to the output once it holds a chunk.
    pub(crate) fn spill(&mut self) -> io::Result<()> {
        if self.buf.len() >= CHUNK {
            self.out.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }

    /// Writes what is left and flushes the output.
    pub(crate) fn finish(mut self) -> io::Result<()> {
        self.out.write_all(&self.buf)?;
        self.buf.clear();
        self.out.flush()
    }

    /// Appends `items` as `format` writes them (given a batch of at most 1,024 items, whether it
    /// is the first batch, and the buffer to append to), in order. With a second core, every
    /// other batch is formatted on a helper thread while this one formats the batch before it,
    /// so at most two batches are held at a time.
    pub(crate) fn batches<T: Sync>(
        &mut self,
        items: &[T],
        format: impl Fn(&[T], bool, &mut Vec<u8>) + Sync,
    ) -> io::Result<()> {
        if items.len() <= BATCH || !two_cores() {
            for (n, batch) in items.chunks(BATCH).enumerate() {
                format(batch, n == 0, &mut self.buf);
                self.spill()?;
            }
            return Ok(());
        }
        let format = &format;
        std::thread::scope(|scope| {
            let mut theirs: Vec<u8> = Vec::new();
            for (n, pair) in items.chunks(2 * BATCH).enumerate() {
                let (mine, other) = pair.split_at(pair.len().min(BATCH));
                let mut buf = std::mem::take(&mut theirs);
                let helper = (!other.is_empty())
                    .then(|| {
                        std::thread::Builder::new()
                            .name("semconv-report".into())
                            .spawn_scoped(scope, move || {
                                buf.clear();
                                format(other, false, &mut buf);
                                buf
                            })
                            // No thread: the batch is formatted here below.
                            .ok()
                    })
                    .flatten();
                format(mine, n == 0, &mut self.buf);
                self.out.write_all(&self.buf)?;
                self.buf.clear();
                match helper {
                    Some(h) => {
                        theirs = h
                            .join()
                            .map_err(|_| io::Error::other("formatting the report failed"))?;
                        self.out.write_all(&theirs)?;
                    }
                    None if !other.is_empty() => {
                        format(other, false, &mut self.buf);
                        self.spill()?;
                    }
                    None => {}
                }
            }
            Ok(())
        })
    }
}

/// Lowercase hexadecimal digits.
const HEX: &[u8; 16] = b"0123456789abcdef";

/// Whether the machine has a second core (asked once: the answer reads the system's files).
fn two_cores() -> bool {
    static TWO: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *TWO.get_or_init(|| std::thread::available_parallelism().is_ok_and(|n| n.get() > 1))
}

/// Appends `bytes` as lowercase hexadecimal digits (as the trace and span ids' `Display`
/// writes them).
pub(crate) fn hex_into(buf: &mut Vec<u8>, bytes: &[u8]) {
    for b in bytes {
        buf.push(HEX[usize::from(b >> 4)]);
        buf.push(HEX[usize::from(b & 15)]);
    }
}

/// Appends `s`, each byte for which `escaped` holds written by `replace` instead. Text with
/// nothing to escape (nearly all of a report) is checked 16 bytes at a time and copied whole.
#[inline]
pub(crate) fn escape_into(
    buf: &mut Vec<u8>,
    s: &str,
    escaped: impl Fn(u8) -> bool,
    replace: impl Fn(u8, &mut Vec<u8>),
) {
    let bytes = s.as_bytes();
    // Sixteen bytes at a time, without an early exit inside a block (so the compiler checks
    // each block with vector instructions).
    let blocks = bytes.chunks_exact(16);
    let rest = blocks.remainder();
    let clean = blocks
        .map(|c| {
            <&[u8; 16]>::try_from(c)
                .map_or(true, |c| c.iter().fold(false, |any, b| any | escaped(*b)))
        })
        .all(|dirty| !dirty)
        && !rest.iter().any(|b| escaped(*b));
    if clean {
        buf.extend_from_slice(bytes);
        return;
    }
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if escaped(b) {
            buf.extend_from_slice(&bytes[start..i]);
            replace(b, buf);
            start = i + 1;
        }
    }
    buf.extend_from_slice(&bytes[start..]);
}
