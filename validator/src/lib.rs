//! Check OpenTelemetry telemetry against a semantic-convention registry.
//!
//! This crate's input layer turns every supported source into one [`Telemetry`] model:
//! - OpenTelemetry SDK data ([`sdk`]): spans, log records and metrics from the in-memory
//!   exporters;
//! - OTLP export requests ([`otlp`]), protobuf or JSON, for traces, logs and metrics, as a live
//!   receiver gets them;
//! - files ([`input`]): OTLP/JSON, JSON Lines (the Collector file exporter's output) and
//!   protobuf, with located errors that cost only the request they are in.
//!
//! A [`Validator`] compiled from a `ResolvedRegistry` matches each span to its definition
//! (operation name, kind, provider refinement), applies the rules ([`FindingId`]) and
//! produces a [`Report`] (text, JSON, JUnit XML, written as a stream). A [`Session`] is the
//! streaming engine every input goes through: complete counts with a bounded listing, traces
//! assembled across batches, the one [`tree::SpanTree`], snapshots for live views and a hook
//! for completed traces. Tests use [`assert_conforms`] or [`Conformance`].
#![deny(missing_docs)]

mod assert;
mod compiled;
pub mod config;
pub mod content;
mod finding;
pub mod input;
pub mod insights;
mod options;
pub mod otlp;
pub mod report;
mod rules;
pub mod sdk;
pub mod session;
pub mod telemetry;
mod text;
pub mod tree;
mod validator;

pub use assert::{AsTelemetry, Conformance, assert_conforms, embedded_registry};
pub use config::{Config, ConfigError};
pub use finding::{Finding, FindingId, FindingIds, Level, UnknownFindingId, UnknownLevel};
pub use input::{InputError, InputErrorKind, LoadOptions, load_file, load_file_with};
pub use insights::{InsightOptions, Insights, InsightsBuilder, Thresholds};
pub use options::{FindingPolicy, Options, Override};
pub use otlp::{
    DecodeError, Signal, decode_json, decode_logs_json, decode_logs_protobuf, decode_metrics_json,
    decode_metrics_protobuf, decode_traces_json, decode_traces_protobuf,
};
pub use report::{
    Coverage, ItemCounts, ItemReport, ItemSignal, LevelCounts, RegistryInfo, Report, ReportLimits,
    TextOptions,
};
pub use session::{Limits, Session, Snapshot, TraceSink};
pub use telemetry::Telemetry;
pub use text::{MAX_SHOWN, Text, clip, printable};
pub use validator::Validator;
