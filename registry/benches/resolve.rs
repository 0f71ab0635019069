//! Library-call cost of loading and resolving registries.
//!
//! `SEMCONV_UPSTREAM=$PWD/../shared/semconv-upstream cargo bench -p genai-registry --bench resolve`

use criterion::{Criterion, criterion_group, criterion_main};
use genai_registry::RegistryLoader;

fn bench(c: &mut Criterion) {
    c.bench_function("resolve embedded GenAI registry", |b| {
        b.iter(|| genai_registry::embedded::load().expect("valid"));
    });
    let Some(root) = std::env::var_os("SEMCONV_UPSTREAM") else {
        eprintln!("skipping upstream benchmarks: SEMCONV_UPSTREAM is unset");
        return;
    };
    let root = std::path::PathBuf::from(root);
    for snapshot in ["v1.44.0-full", "genai-dev"] {
        let dir = root.join(snapshot).join("model");
        c.bench_function(&format!("resolve {snapshot}"), |b| {
            b.iter(|| RegistryLoader::new().load_dir(&dir).expect("valid"));
        });
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_main!(benches);
