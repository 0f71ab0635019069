//! Check OpenTelemetry telemetry against a semantic-convention registry.
//!
//! This crate's input layer turns every supported source into one [`Telemetry`] model:
//! - OpenTelemetry SDK data ([`sdk`]): spans, log records and metrics from the in-memory
//!   exporters;
//! - OTLP export requests ([`otlp`]), protobuf or JSON, for traces, logs and metrics, as a live
//!   receiver gets them;
//! - files ([`input`]): OTLP/JSON, JSON Lines (the Collector file exporter's output) and
//!   protobuf, with located errors that cost only the request they are in.
#![deny(missing_docs)]

pub mod input;
pub mod otlp;
pub mod sdk;
pub mod telemetry;

pub use input::{InputError, InputErrorKind, LoadOptions, load_file, load_file_with};
pub use otlp::{
    DecodeError, Signal, decode_json, decode_logs_json, decode_logs_protobuf, decode_metrics_json,
    decode_metrics_protobuf, decode_traces_json, decode_traces_protobuf,
};
pub use telemetry::Telemetry;
