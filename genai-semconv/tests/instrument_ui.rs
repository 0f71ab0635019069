//! Compile-time diagnostics of the instrumentation macros (trybuild; one test, ~13 cases).
//! Regenerate the expected output with `TRYBUILD=overwrite` after a deliberate change.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
