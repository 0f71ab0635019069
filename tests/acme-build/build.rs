//! Generates typed constants for `registry/` (acme.* attributes on top of the project's GenAI
//! registry) into `OUT_DIR`, the way a company crate would.

fn main() {
    if let Err(e) = genai_codegen::Builder::new()
        .registry("registry")
        .generate()
    {
        eprintln!("{e}");
        std::process::exit(1);
    }
}
