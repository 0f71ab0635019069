//! `semconv diff`.

use std::path::PathBuf;
use std::process::ExitCode;

use genai_codegen::diff;
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
    #[arg(long = "dependency", value_name = "URL=DIR", value_parser = parse_dependency)]
    dependencies: Vec<(String, PathBuf)>,
}

fn parse_dependency(s: &str) -> Result<(String, PathBuf), String> {
    match s.rsplit_once('=') {
        Some((k, v)) if !k.is_empty() && !v.is_empty() => Ok((k.to_string(), PathBuf::from(v))),
        _ => Err(format!("expected URL=DIR, got `{s}`")),
    }
}

fn load(args: &Args, dir: &PathBuf) -> Result<ResolvedRegistry, Diagnostics> {
    args.dependencies
        .iter()
        .fold(RegistryLoader::new(), |l, (k, p)| {
            l.dependency(k.clone(), p.clone())
        })
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
    print!("{text}");
    Ok(ExitCode::SUCCESS)
}
