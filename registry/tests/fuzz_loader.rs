//! Property test: arbitrary and mutated registry files never make the loader panic.

use std::path::PathBuf;

use genai_registry::RegistryLoader;
use proptest::prelude::*;

fn seeds() -> Vec<String> {
    genai_registry::embedded::FILES
        .iter()
        .filter(|(p, _)| p.ends_with(".yaml"))
        .map(|(_, t)| t.chars().take(1500).collect())
        .collect()
}

fn run(files: Vec<(String, String)>) {
    let files = files
        .into_iter()
        .map(|(p, t)| (PathBuf::from(p), t))
        .collect();
    let _ = RegistryLoader::new().schema_check(true).load_files(files);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,400}") {
        run(vec![("x.yaml".into(), text.clone()), ("manifest.yaml".into(), text)]);
    }

    #[test]
    fn yamlish_text_never_panics(text in "([a-z_:\\-\\[\\]{}&*!|>'\" \\n]|  |- ){0,300}") {
        run(vec![("x.yaml".into(), text)]);
    }

    #[test]
    fn mutated_registry_files_never_panic(
        seed in 0usize..64,
        cuts in proptest::collection::vec((0usize..1500, 0usize..40, "\\PC{0,8}"), 1..6),
    ) {
        let seeds = seeds();
        let mut text = seeds[seed % seeds.len()].clone();
        for (at, len, insert) in cuts {
            let chars: Vec<char> = text.chars().collect();
            let at = at.min(chars.len());
            let end = (at + len).min(chars.len());
            text = chars[..at].iter().chain(insert.chars().collect::<Vec<_>>().iter()).chain(chars[end..].iter()).collect();
        }
        run(vec![("m.yaml".into(), text)]);
    }
}
