use genai_semconv::instrument_tool;

#[instrument_tool(name = "a", name = "b")]
fn tool() {}

fn main() {}
