//! Acme's own semantic conventions, generated at build time from `registry/` by
//! `genai_codegen::Builder` (see `build.rs`).
//!
//! The registry depends on the project's GenAI registry (`manifest.yaml`), so its spans can
//! reference `gen_ai.*` attributes; only what Acme defines itself is generated here.
#![deny(missing_docs)]

/// Generated from `registry/`.
pub mod semconv {
    include!(concat!(env!("OUT_DIR"), "/mod.rs"));
}
