//! The metric instruments the runtime records, created from the generated metric descriptors
//! (name, unit, description and advised buckets come from the registry).

use opentelemetry::metrics::{Histogram, Meter};

use crate::descriptor::MetricDescriptor;
use crate::metric as m;

/// A `f64` histogram for `d` (unit, description, advised buckets from the registry).
pub fn f64_histogram(meter: &Meter, d: &'static MetricDescriptor) -> Histogram<f64> {
    let b = meter
        .f64_histogram(d.name)
        .with_unit(d.unit)
        .with_description(d.brief);
    match d.bucket_boundaries {
        Some(bounds) => b.with_boundaries(bounds.to_vec()).build(),
        None => b.build(),
    }
}

/// A `u64` histogram for `d` (unit, description, advised buckets from the registry).
pub fn u64_histogram(meter: &Meter, d: &'static MetricDescriptor) -> Histogram<u64> {
    let b = meter
        .u64_histogram(d.name)
        .with_unit(d.unit)
        .with_description(d.brief);
    match d.bucket_boundaries {
        Some(bounds) => b.with_boundaries(bounds.to_vec()).build(),
        None => b.build(),
    }
}

/// Every instrument the runtime records, created from one meter.
#[derive(Debug, Clone)]
pub(crate) struct Instruments {
    pub(crate) operation_duration: Histogram<f64>,
    pub(crate) token_usage: Histogram<u64>,
    pub(crate) time_to_first_chunk: Histogram<f64>,
    pub(crate) time_per_output_chunk: Histogram<f64>,
    pub(crate) agent_duration: Histogram<f64>,
    pub(crate) agent_inference_calls: Histogram<u64>,
    pub(crate) agent_tool_calls: Histogram<u64>,
    pub(crate) tool_duration: Histogram<f64>,
    pub(crate) workflow_duration: Histogram<f64>,
}

impl Instruments {
    pub(crate) fn new(meter: &Meter) -> Instruments {
        Instruments {
            operation_duration: f64_histogram(meter, &m::GEN_AI_CLIENT_OPERATION_DURATION),
            token_usage: u64_histogram(meter, &m::GEN_AI_CLIENT_TOKEN_USAGE),
            time_to_first_chunk: f64_histogram(
                meter,
                &m::GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK,
            ),
            time_per_output_chunk: f64_histogram(
                meter,
                &m::GEN_AI_CLIENT_OPERATION_TIME_PER_OUTPUT_CHUNK,
            ),
            agent_duration: f64_histogram(meter, &m::GEN_AI_INVOKE_AGENT_DURATION),
            agent_inference_calls: u64_histogram(meter, &m::GEN_AI_INVOKE_AGENT_INFERENCE_CALLS),
            agent_tool_calls: u64_histogram(meter, &m::GEN_AI_INVOKE_AGENT_TOOL_CALLS),
            tool_duration: f64_histogram(meter, &m::GEN_AI_EXECUTE_TOOL_DURATION),
            workflow_duration: f64_histogram(meter, &m::GEN_AI_WORKFLOW_DURATION),
        }
    }
}
