use genai_semconv::instrument_agent;

#[instrument_agent(kind = server)]
fn agent() {}

fn main() {}
