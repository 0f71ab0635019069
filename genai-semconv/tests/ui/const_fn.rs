use genai_semconv::instrument_tool;

#[instrument_tool]
const fn tool() -> u32 {
    1
}

fn main() {}
