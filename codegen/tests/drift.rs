//! The checked-in generated files (`genai-semconv/src/generated/`, the `genai-macros` key
//! table) must be what the generator makes from the registry today.

use std::path::Path;

use genai_codegen::{DEFAULT_CRATE_DIR, DEFAULT_MACROS_DIR, HEADER, render_default, same_code};

/// The first line where two texts differ, for the failure message.
fn first_difference(old: &str, new: &str) -> String {
    let (old, new) = match (syn::parse_file(old), syn::parse_file(new)) {
        (Ok(a), Ok(b)) => (prettyplease::unparse(&a), prettyplease::unparse(&b)),
        _ => (old.to_string(), new.to_string()),
    };
    let mut o = old.lines();
    let mut n = new.lines();
    for line in 1.. {
        match (o.next(), n.next()) {
            (None, None) => break,
            (a, b) if a == b => continue,
            (a, b) => {
                return format!(
                    "first difference at (normalized) line {line}:\n    checked in: {}\n    generated:  {}",
                    a.unwrap_or("<end of file>"),
                    b.unwrap_or("<end of file>")
                );
            }
        }
    }
    "only formatting or comments differ".into()
}

#[test]
fn generated_files_are_up_to_date() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("codegen/ has a parent");
    let files = render_default().expect("rendering the embedded registry");
    let mut problems = Vec::new();
    for (rel, content) in &files {
        let path = root.join(rel);
        match std::fs::read_to_string(&path) {
            Err(e) => problems.push(format!("{}: cannot read ({e})", rel.display())),
            Ok(existing) if !existing.starts_with(HEADER) => problems.push(format!(
                "{}: the `{HEADER}` header is missing",
                rel.display()
            )),
            Ok(existing) if !same_code(&existing, content) => problems.push(format!(
                "{}: out of date\n  {}",
                rel.display(),
                first_difference(&existing, content)
            )),
            Ok(_) => {}
        }
    }
    // Files left over from an earlier registry or template set.
    for dir in [DEFAULT_CRATE_DIR, DEFAULT_MACROS_DIR] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for entry in entries.flatten() {
            let rel = Path::new(dir).join(entry.file_name());
            if !files.iter().any(|(p, _)| *p == rel) {
                problems.push(format!(
                    "{}: not generated any more; delete it",
                    rel.display()
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "generated files differ from what the registry gives:\n{}\n\nregenerate from the workspace root with:\n    cargo run -p semconv-cli -- generate\n",
        problems.join("\n")
    );
}
