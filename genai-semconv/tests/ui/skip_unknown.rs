use genai_semconv::instrument_tool;

#[instrument_tool(skip(a, a))]
fn t(a: u32) -> u32 { a }

fn main() {}
