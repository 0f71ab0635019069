//! `semconv generate`.

use std::path::PathBuf;
use std::process::ExitCode;

use genai_codegen::{Builder, DEFAULT_CRATE_DIR, DEFAULT_MACROS_DIR, Layout};

use crate::registry_args::RegistryArgs;

/// Arguments of `semconv generate`.
///
/// Without `-o`, regenerates the checked-in files of this workspace (run from its root):
/// `genai-semconv/src/generated/` and `genai-macros/src/generated/keys.rs`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    registry: RegistryArgs,
    /// Read the crate templates from DIR instead of the embedded ones.
    #[arg(long = "templates", value_name = "DIR")]
    templates: Option<PathBuf>,
    /// Write the crate files into DIR (default: genai-semconv/src/generated, and the macro key
    /// table into genai-macros/src/generated).
    #[arg(short = 'o', long = "output", value_name = "DIR")]
    output: Option<PathBuf>,
    /// Write the genai-macros key table (keys.rs) into DIR.
    #[arg(long = "macros-out", value_name = "DIR")]
    macros_out: Option<PathBuf>,
    /// Generated code refers to this crate for `key` and `descriptor`.
    #[arg(
        long = "crate-path",
        value_name = "PATH",
        default_value = "::genai_semconv"
    )]
    crate_path: String,
    /// Do not run rustfmt on the written files.
    #[arg(long)]
    no_rustfmt: bool,
}

/// Runs the command.
pub fn run(args: Args) -> miette::Result<ExitCode> {
    let (out, macros) = match (&args.output, &args.macros_out) {
        (None, m) => (
            PathBuf::from(DEFAULT_CRATE_DIR),
            Some(
                m.clone()
                    .unwrap_or_else(|| PathBuf::from(DEFAULT_MACROS_DIR)),
            ),
        ),
        (Some(o), m) => (o.clone(), m.clone()),
    };
    if args.output.is_none() && !PathBuf::from("genai-semconv").is_dir() {
        eprintln!(
            "error: no `-o DIR` given and `genai-semconv/` is not here: run from the workspace root, or pass `-o DIR`"
        );
        return Ok(ExitCode::from(2));
    }
    let mut builder = Builder::new()
        .layout(Layout::Modules)
        .out_dir(out)
        .crate_path(args.crate_path)
        .rustfmt(!args.no_rustfmt);
    if let Some(dir) = &args.registry.registry {
        builder = builder.registry(dir);
    }
    for (k, p) in &args.registry.dependencies {
        builder = builder.dependency(k.clone(), p.clone());
    }
    if let Some(dir) = args.templates {
        builder = builder.templates(dir);
    }
    if let Some(dir) = macros {
        builder = builder.macros_out_dir(dir);
    }
    match builder.generate() {
        Ok(paths) => {
            crate::output::emit(None, |out| {
                paths
                    .iter()
                    .try_for_each(|p| writeln!(out, "wrote {}", p.display()))
            })?;
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("error: {e}");
            Ok(ExitCode::from(1))
        }
    }
}
