use genai_semconv::instrument_agent;

#[instrument_agent(name = "a", temperature = 0.5)]
fn agent() {}

fn main() {}
