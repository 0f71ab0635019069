//! `semconv schema`.

use std::process::ExitCode;

use crate::output::emit;

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
    emit(None, |out| {
        serde_json::to_writer_pretty(&mut *out, &schema)?;
        out.write_all(b"\n")
    })?;
    Ok(ExitCode::SUCCESS)
}
