use genai_semconv::instrument_tool;

#[instrument_tool(name = 42)]
fn tool() {}

fn main() {}
