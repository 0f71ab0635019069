//! Running the built `semconv` binary from integration tests.

use std::process::Command;

/// Runs `semconv` with `args`; returns exit code, stdout and stderr.
pub fn semconv(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_semconv"))
        .args(args)
        .output()
        .expect("semconv runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
