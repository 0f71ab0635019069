use genai_semconv::instrument_agent;

#[instrument_agent(fields(gen_ai.request.max_tokens = "ten"))]
fn agent() {}

fn main() {}
