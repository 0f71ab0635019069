//! The fuzz targets as plain functions (the `src/bin/*` wrappers hand them AFL++'s inputs).
//! Each must return for any input: a panic, abort, hang or runaway allocation is a finding.

use genai_otlp_receiver::fuzzing::grpc_unframe;
use genai_validator::input::{Format, LoadOptions, load_bytes};
use genai_validator::otlp::{DecodeLimits, Encoding, Signal, decode_request_into};
use genai_validator::telemetry::{Origin, Source};
use genai_validator::{Telemetry, Validator};

/// The OTLP protobuf decoders: the receiver's bounded decode for each signal, then the file
/// loader (single message and length-prefixed frames, signal detection).
pub fn otlp_protobuf(data: &[u8]) {
    decode_all(data, Encoding::Protobuf);
    for format in [Format::Protobuf] {
        let options = LoadOptions {
            format: Some(format),
            signal: None,
        };
        let _ = load_bytes(data, Source::Unknown, &options);
    }
}

/// The OTLP/JSON decoders: the receiver's bounded decode, the file loader (document and JSON
/// Lines), and validation of whatever decoded (the rules see hostile values too).
pub fn otlp_json(data: &[u8]) {
    let telemetry = decode_all(data, Encoding::Json);
    for format in [Format::Json, Format::JsonLines] {
        let options = LoadOptions {
            format: Some(format),
            signal: None,
        };
        let _ = load_bytes(data, Source::Unknown, &options);
    }
    let validator = validator();
    let _ = validator.validate(&telemetry);
}

/// gRPC framing (the 5-byte prefix of a unary call), then the message as a traces request.
pub fn grpc_framing(data: &[u8]) {
    if let Ok((_, message)) = grpc_unframe(data, 1 << 20) {
        decode_all(message, Encoding::Protobuf);
    }
}

/// The registry loader and resolver on one YAML file (as `registry.yaml`), with the schema
/// check `semconv check` runs.
pub fn registry(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let files = vec![("registry.yaml".into(), text.to_owned())];
    let _ = genai_registry::RegistryLoader::new()
        .schema_check(true)
        .load_files(files);
}

fn decode_all(data: &[u8], encoding: Encoding) -> Telemetry {
    let mut out = Telemetry::new();
    let limits = DecodeLimits {
        max_elements: 100_000,
    };
    for signal in [Signal::Traces, Signal::Logs, Signal::Metrics] {
        let _ = decode_request_into(data, encoding, signal, &limits, &Origin::default(), &mut out);
    }
    out
}

fn validator() -> &'static Validator {
    static CELL: std::sync::OnceLock<Validator> = std::sync::OnceLock::new();
    CELL.get_or_init(|| Validator::new(genai_validator::embedded_registry()))
}
