use genai_semconv::instrument_tool;

#[instrument_tool(kind = client)]
fn tool() {}

fn main() {}
