//! The `-r DIR` / `--dependency` arguments shared by every command that reads a registry.

use std::path::PathBuf;

use std::process::ExitCode;

use genai_registry::{Diagnostics, Loaded, RegistryLoader};

/// Which registry to read.
#[derive(Debug, Clone, clap::Args)]
pub struct RegistryArgs {
    /// Registry directory (default: the GenAI registry embedded in this binary).
    #[arg(short = 'r', long = "registry", value_name = "DIR")]
    pub registry: Option<PathBuf>,
    /// Use a local directory for a dependency, by its schema URL or registry_path:
    /// `--dependency https://opentelemetry.io/schemas/1.43.0=../core/model`.
    #[arg(long = "dependency", value_name = "URL=DIR", value_parser = genai_registry::parse_dependency)]
    pub dependencies: Vec<(String, PathBuf)>,
}

impl RegistryArgs {
    /// A loader configured from the arguments.
    pub fn loader(&self) -> RegistryLoader {
        RegistryLoader::new().dependencies(self.dependencies.iter().cloned())
    }

    /// Loads the chosen registry (with or without the JSON Schema check).
    pub fn load(&self, schema_check: bool) -> Result<Loaded, Diagnostics> {
        let loader = self.loader().schema_check(schema_check);
        match &self.registry {
            Some(dir) => loader.load_dir(dir),
            None => loader.load_files(genai_registry::embedded::yaml_files()),
        }
    }

    /// Loads the registry, or prints its diagnostics and a summary line to stderr and gives the
    /// exit code the command ends with (`failure_code`).
    pub fn load_or_report(&self, schema_check: bool, failure_code: u8) -> Result<Loaded, ExitCode> {
        self.load(schema_check).map_err(|diags| {
            report(&diags);
            eprintln!("{}: {} error(s)", self.describe(), diags.error_count());
            ExitCode::from(failure_code)
        })
    }

    /// A short name for messages.
    pub fn describe(&self) -> String {
        match &self.registry {
            Some(d) => d.display().to_string(),
            None => "embedded GenAI registry".into(),
        }
    }
}

/// Prints diagnostics (errors and warnings) to stderr.
pub fn report(diags: &Diagnostics) {
    eprint!("{}", diags.render());
}
