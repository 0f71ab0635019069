use genai_semconv::instrument_agent;

#[instrument_agent(fields(gen_ai.output.type = "jsn"))]
fn agent() {}

fn main() {}
