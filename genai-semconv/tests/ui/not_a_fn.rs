use genai_semconv::instrument_agent;

#[instrument_agent]
struct Agent;

fn main() {}
