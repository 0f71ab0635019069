//! AFL++ entry point of [`genai_semconv_fuzz::otlp_json`].
fn main() {
    afl::fuzz!(|data: &[u8]| genai_semconv_fuzz::otlp_json(data));
}
