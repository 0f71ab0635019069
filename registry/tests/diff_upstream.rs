//! `semconv diff` on real spec bumps: v1.37.0 -> v1.41.1 and v1.41.1 -> genai-dev (the GenAI
//! registry's move to its own repository). Reads the snapshots from `SEMCONV_UPSTREAM` (the
//! `semconv-upstream` folder) and skips, saying so, when it is unset.

use std::path::{Path, PathBuf};

use genai_registry::diff::{diff, render_markdown, render_text};
use genai_registry::{RegistryLoader, ResolvedRegistry};

fn upstream() -> Option<PathBuf> {
    match std::env::var_os("SEMCONV_UPSTREAM") {
        Some(dir) => Some(PathBuf::from(dir)),
        None => {
            eprintln!("skipping: SEMCONV_UPSTREAM is unset");
            None
        }
    }
}

fn load(dir: &Path) -> ResolvedRegistry {
    match RegistryLoader::new().load_dir(dir) {
        Ok(l) => l.registry,
        Err(d) => panic!("cannot load {}:\n{}", dir.display(), d.render()),
    }
}

#[test]
fn v1_37_0_to_v1_41_1() {
    let Some(up) = upstream() else { return };
    let d = diff(
        &load(&up.join("v1.37.0/model")),
        &load(&up.join("v1.41.1/model")),
    );
    assert!(!d.is_empty());
    insta::assert_snapshot!("v1_37_0_to_v1_41_1", render_text(&d));
}

#[test]
fn v1_41_1_to_genai_dev() {
    let Some(up) = upstream() else { return };
    let d = diff(
        &load(&up.join("v1.41.1/model")),
        &load(&up.join("genai-dev/model")),
    );
    insta::assert_snapshot!("v1_41_1_to_genai_dev", render_markdown(&d));
}
