//! `semconv`: check, resolve and inspect semantic-convention registries; validate GenAI telemetry.

mod commands;
mod flags;
mod insight_args;
mod output;
mod page;
mod registry_args;
mod report_format;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

// Decoding and validating on several threads allocates and frees small strings at a high rate,
// often on different threads: glibc's allocator spent about half of `live-check`'s time under
// load in its own locks and consolidation (BENCHMARKS.md, "Live check on every core").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Tools for OpenTelemetry GenAI semantic conventions.
#[derive(Debug, Parser)]
#[command(name = "semconv", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Load and resolve a registry; report every problem with file:line:column (exit 1 on errors).
    Check(commands::check::Args),
    /// Print the resolved registry (YAML or JSON).
    Resolve(commands::resolve::Args),
    /// Print the JSON Schema of registry files (or of `manifest.yaml`).
    Schema(commands::schema::Args),
    /// Generate typed Rust code from a registry (default: regenerate the checked-in files).
    Generate(commands::generate::Args),
    /// Show what changed between two registries (a spec bump).
    Diff(commands::diff::Args),
    /// Receive OTLP (HTTP 4318, gRPC 4317) and validate it live; exit 1 on violations.
    LiveCheck(commands::live_check::Args),
    /// Validate OTLP files (JSON, JSON Lines, protobuf); exit 1 on violations, 2 on unreadable input.
    Validate(commands::validate::Args),
    /// Agent insights from OTLP files: tokens, cost, LLM and tool calls, loops; exit 1 when a
    /// threshold is crossed.
    Insights(commands::insights::Args),
    /// Run the instrumented example agent and print its trace tree and conformance report.
    Demo(commands::demo::Args),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.command {
        Command::Check(a) => commands::check::run(a),
        Command::Resolve(a) => commands::resolve::run(a),
        Command::Schema(a) => commands::schema::run(a),
        Command::Generate(a) => commands::generate::run(a),
        Command::Diff(a) => commands::diff::run(a),
        Command::LiveCheck(a) => commands::live_check::run(a),
        Command::Validate(a) => commands::validate::run(a),
        Command::Insights(a) => commands::insights::run(a),
        Command::Demo(a) => commands::demo::run(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{e:?}");
            ExitCode::from(2)
        }
    }
}
