//! AFL++ entry point of [`genai_semconv_fuzz::registry`].
fn main() {
    afl::fuzz!(|data: &[u8]| genai_semconv_fuzz::registry(data));
}
