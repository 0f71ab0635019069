//! AFL++ entry point of [`genai_semconv_fuzz::otlp_protobuf`].
fn main() {
    afl::fuzz!(|data: &[u8]| genai_semconv_fuzz::otlp_protobuf(data));
}
