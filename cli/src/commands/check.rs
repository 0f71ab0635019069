//! `semconv check`.

use std::process::ExitCode;

use crate::registry_args::{RegistryArgs, report};

/// Arguments of `semconv check`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    registry: RegistryArgs,
    /// Skip the JSON Schema validation of each file (resolution checks still run).
    #[arg(long)]
    no_schema: bool,
}

/// Runs the command.
pub fn run(args: Args) -> miette::Result<ExitCode> {
    match args.registry.load_or_report(!args.no_schema, 1) {
        Ok(loaded) => {
            report(&genai_registry::Diagnostics(loaded.warnings.clone()));
            let r = &loaded.registry;
            crate::output::emit(None, |out| {
                writeln!(
                    out,
                    "{}: ok ({} attributes, {} spans, {} events, {} metrics, {} warnings)",
                    args.registry.describe(),
                    r.attributes.len(),
                    r.spans().count(),
                    r.events().count(),
                    r.metrics().count(),
                    loaded.warnings.len()
                )
            })?;
            Ok(ExitCode::SUCCESS)
        }
        Err(code) => Ok(code),
    }
}
