//! `semconv schema`.

use std::process::ExitCode;

use miette::IntoDiagnostic;

/// Arguments of `semconv schema`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print the schema of `manifest.yaml` instead of registry files.
    #[arg(long)]
    manifest: bool,
}

/// Runs the command.
pub fn run(args: Args) -> miette::Result<ExitCode> {
    let schema = if args.manifest {
        genai_registry::schema::manifest_schema()
    } else {
        genai_registry::schema::registry_file_schema()
    };
    println!(
        "{}",
        serde_json::to_string_pretty(&schema).into_diagnostic()?
    );
    Ok(ExitCode::SUCCESS)
}
