use genai_semconv::instrument_agent;

#[instrument_agent(name = "remote", kind = client)]
fn agent() {}

fn main() {}
