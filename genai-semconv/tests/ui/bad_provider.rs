use genai_semconv::instrument_agent;

#[instrument_agent(provider = "opnai")]
fn agent() {}

fn main() {}
