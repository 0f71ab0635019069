//! The embedded table (`data/prices.json`) is derived from the upstream snapshots in
//! `../shared/pricing` (or `$SEMCONV_PRICING`): `drift` fails when it is stale, `regenerate`
//! (ignored) rewrites it.

use std::path::PathBuf;

use genai_pricing::derive::{Snapshot, embedded_table, render};

/// genai-prices snapshot (see `../shared/pricing/README.md`).
const GENAI_PRICES_COMMIT: &str = "47df840a5ab10bbcffb8e5ac01b9899032245d1b";
const GENAI_PRICES_DATE: &str = "2026-08-21";

fn upstream_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("SEMCONV_PRICING") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/pricing"),
    };
    dir.join("genai-prices/data.json").is_file().then_some(dir)
}

fn generated() -> Option<String> {
    let Some(dir) = upstream_dir() else {
        eprintln!(
            "SKIPPED: no price snapshot (set SEMCONV_PRICING or put it at ../shared/pricing beside the repository)"
        );
        return None;
    };
    let read =
        |p: &str| std::fs::read_to_string(dir.join(p)).unwrap_or_else(|e| panic!("{p}: {e}"));
    let gp = read("genai-prices/data.json");
    let md = read("models-dev.json");
    let table = embedded_table(&Snapshot {
        genai_prices: &gp,
        genai_prices_commit: GENAI_PRICES_COMMIT,
        genai_prices_date: GENAI_PRICES_DATE,
        models_dev: &md,
    })
    .unwrap_or_else(|e| panic!("deriving the table: {e}"));
    Some(render(&table))
}

fn target() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/prices.json")
}

#[test]
fn drift() {
    let Some(fresh) = generated() else { return };
    let current = std::fs::read_to_string(target()).unwrap_or_default();
    assert!(
        current == fresh,
        "data/prices.json is stale: run `cargo test -p genai-pricing --test generate -- --ignored regenerate`"
    );
}

#[test]
#[ignore = "rewrites data/prices.json"]
fn regenerate() {
    let Some(fresh) = generated() else {
        panic!("no price snapshot to generate from")
    };
    std::fs::write(target(), fresh).unwrap_or_else(|e| panic!("writing: {e}"));
}
