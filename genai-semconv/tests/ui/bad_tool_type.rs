use genai_semconv::instrument_tool;

#[instrument_tool(tool_type = plugin)]
fn tool() {}

fn main() {}
