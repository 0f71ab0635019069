//! `semconv resolve`.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use miette::{IntoDiagnostic, WrapErr};

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
    let sink: Box<dyn std::io::Write> = match &args.output {
        Some(path) => Box::new(
            std::fs::File::create(path)
                .into_diagnostic()
                .wrap_err_with(|| format!("cannot write {}", path.display()))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    };
    // Stream the output: the resolved model of a large registry is megabytes of text.
    let mut out = std::io::BufWriter::with_capacity(1 << 16, sink);
    match args.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &loaded.registry).into_diagnostic()?
        }
        Format::Yaml => out
            .write_all(
                serde_saphyr::to_string(&loaded.registry)
                    .into_diagnostic()?
                    .as_bytes(),
            )
            .into_diagnostic()?,
    }
    out.write_all(b"\n").into_diagnostic()?;
    out.flush()
        .into_diagnostic()
        .wrap_err("cannot write the resolved registry")?;
    // The process ends here: freeing the whole model first would only cost time.
    std::mem::forget(loaded);
    Ok(ExitCode::SUCCESS)
}
