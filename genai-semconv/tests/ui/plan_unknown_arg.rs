use genai_semconv::instrument_plan;

#[instrument_plan(name = "x")]
fn p() {}

fn main() {}
