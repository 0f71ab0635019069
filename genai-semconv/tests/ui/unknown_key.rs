use genai_semconv::instrument_agent;

#[instrument_agent(fields(gen_ai.agent.nmae = "x"))]
fn agent() {}

fn main() {}
