//! AFL++ entry point of [`genai_semconv_fuzz::grpc_framing`].
fn main() {
    afl::fuzz!(|data: &[u8]| genai_semconv_fuzz::grpc_framing(data));
}
