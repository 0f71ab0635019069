//! `semconv diff`.

use std::path::PathBuf;
use std::process::ExitCode;

use genai_registry::diff;
use genai_registry::{Diagnostics, RegistryLoader, ResolvedRegistry};
use miette::IntoDiagnostic;

use crate::registry_args::report;

/// Output formats.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// Plain text.
    Text,
    /// JSON.
    Json,
    /// Markdown.
    Markdown,
}

/// Arguments of `semconv diff`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The old registry directory.
    old: PathBuf,
    /// The new registry directory.
    new: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Use a local directory for a dependency (both registries): `URL=DIR`.
    #[arg(long = "dependency", value_name = "URL=DIR", value_parser = genai_registry::parse_dependency)]
    dependencies: Vec<(String, PathBuf)>,
}

fn load(args: &Args, dir: &PathBuf) -> Result<ResolvedRegistry, Diagnostics> {
    RegistryLoader::new()
        .dependencies(args.dependencies.iter().cloned())
        .load_dir(dir)
        .map(|l| l.registry)
}

/// Runs the command.
pub fn run(args: Args) -> miette::Result<ExitCode> {
    let mut regs = Vec::new();
    for dir in [&args.old, &args.new] {
        match load(&args, dir) {
            Ok(r) => regs.push(r),
            Err(diags) => {
                report(&diags);
                eprintln!("{}: {} error(s)", dir.display(), diags.error_count());
                return Ok(ExitCode::from(1));
            }
        }
    }
    let d = diff::diff(&regs[0], &regs[1]);
    let text = match args.format {
        Format::Text => diff::render_text(&d),
        Format::Markdown => diff::render_markdown(&d),
        Format::Json => serde_json::to_string_pretty(&d).into_diagnostic()? + "\n",
    };
    crate::output::emit(None, |out| out.write_all(text.as_bytes()))?;
    Ok(ExitCode::SUCCESS)
}
