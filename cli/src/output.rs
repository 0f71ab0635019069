//! Command output: buffered, to stdout or a file, and quiet when the reader goes away
//! (`semconv validate x.json | head` ends with the command's normal exit code, no panic and no
//! error text).

use std::io::{self, BufWriter, Write};
use std::path::Path;

/// Whether an error only says that the reader closed the pipe.
pub fn is_closed_pipe(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::BrokenPipe
}

/// Runs `write` on a buffered stdout (or a new file at `path`) and flushes; a closed pipe on
/// stdout counts as success.
pub fn emit(
    path: Option<&Path>,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> miette::Result<()> {
    match path {
        Some(p) => {
            let file = std::fs::File::create(p)
                .map_err(|e| miette::miette!("cannot write {}: {e}", p.display()))?;
            let mut w = BufWriter::with_capacity(1 << 16, file);
            write(&mut w)
                .and_then(|()| w.flush())
                .map_err(|e| miette::miette!("cannot write {}: {e}", p.display()))
        }
        None => {
            let mut w = BufWriter::with_capacity(1 << 16, io::stdout().lock());
            match write(&mut w).and_then(|()| w.flush()) {
                Ok(()) => Ok(()),
                Err(e) if is_closed_pipe(&e) => {
                    // Drop the rest unwritten (dropping the writer would retry the flush).
                    let _ = w.into_parts();
                    Ok(())
                }
                Err(e) => Err(miette::miette!("cannot write to standard output: {e}")),
            }
        }
    }
}
