//! `semconv resolve`.

use std::path::PathBuf;
use std::process::ExitCode;

use miette::WrapErr;

use crate::output::emit;
use crate::registry_args::RegistryArgs;

/// Output formats.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// YAML.
    Yaml,
    /// JSON.
    Json,
}

/// Arguments of `semconv resolve`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    registry: RegistryArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "yaml")]
    format: Format,
    /// Write to FILE instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
}

/// Runs the command.
pub fn run(args: Args) -> miette::Result<ExitCode> {
    let loaded = match args.registry.load_or_report(false, 1) {
        Ok(l) => l,
        Err(code) => return Ok(code),
    };
    // Streamed: the resolved model of a large registry is megabytes of text.
    emit(args.output.as_deref(), |out| {
        match args.format {
            Format::Json => serde_json::to_writer_pretty(&mut *out, &loaded.registry)?,
            Format::Yaml => out.write_all(
                serde_saphyr::to_string(&loaded.registry)
                    .map_err(std::io::Error::other)?
                    .as_bytes(),
            )?,
        }
        out.write_all(b"\n")
    })
    .wrap_err("cannot write the resolved registry")?;
    // The process ends here: freeing the whole model first would only cost time.
    std::mem::forget(loaded);
    Ok(ExitCode::SUCCESS)
}
