//! Encoding rules: `non_hex_id` (trace and span ids in base64 instead of OTLP/JSON's hex).

use crate::finding::{Finding, FindingId, Level};
use crate::telemetry::{Origin, Resource, Scope};
use crate::text::Text;

/// At most 128 characters of a name taken from the telemetry.
fn short(s: &str) -> &str {
    s.char_indices().nth(128).map_or(s, |(i, _)| &s[..i])
}

/// Reports base64 ids once per scope of a request (on its first such item), naming the service
/// and the scope that sent them.
pub(crate) fn ids(
    origin: &Origin,
    resource: &Resource,
    scope: &Scope,
    what: &str,
    out: &mut Vec<Finding>,
) {
    if origin.base64_ids == 0 {
        return;
    }
    let service = resource
        .attributes
        .get("service.name")
        .and_then(|v| v.as_str())
        .unwrap_or("(no service.name)");
    let n = origin.base64_ids;
    let plural = if n == 1 { "" } else { "s" };
    out.push(Finding::new(
        FindingId::NonHexId,
        Level::Violation,
        None,
        Text::from(format!(
            "trace/span ids are base64 (the protobuf JSON mapping), not the hex OTLP/JSON requires \
             ({n} {what}{plural} of service `{}`, scope `{}` in this request); the OpenTelemetry \
             Collector refuses such requests: fix the exporter's JSON encoding",
            short(service),
            short(&scope.name)
        )),
    ));
}
