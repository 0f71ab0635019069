//! The trace list's filter and paging, parsed from `/api/traces?...`.

use percent_encoding::percent_decode_str;

/// Rows per page when the query does not say.
pub const DEFAULT_PER_PAGE: usize = 50;
/// Most rows per page.
pub const MAX_PER_PAGE: usize = 500;
/// Longest filter value kept.
const MAX_VALUE: usize = 256;

/// Which traces to list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TraceQuery {
    /// Zero-based page.
    pub page: usize,
    /// Rows per page (1 to [`MAX_PER_PAGE`]).
    pub per_page: usize,
    /// Only traces with a violation.
    pub violations: bool,
    /// Only traces of this agent.
    pub agent: Option<String>,
    /// Only traces using this model.
    pub model: Option<String>,
    /// Only traces of this service.
    pub service: Option<String>,
    /// Only traces where a span name, the trace id, the service, an agent or a model contains
    /// this text (case-insensitive).
    pub text: Option<String>,
}

impl TraceQuery {
    /// Parses a query string (`page=2&violations=1&agent=planner&q=weather`); unknown
    /// parameters and unreadable values are ignored, numbers are clamped.
    pub fn parse(query: &str) -> Self {
        let mut q = TraceQuery {
            per_page: DEFAULT_PER_PAGE,
            ..TraceQuery::default()
        };
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let v = v.replace('+', " ");
            let Ok(v) = percent_decode_str(&v).decode_utf8() else {
                continue;
            };
            let v: String = v.chars().take(MAX_VALUE).collect();
            let some = |v: String| (!v.is_empty()).then_some(v);
            match k {
                "page" => q.page = v.parse().unwrap_or(0).min(1_000_000),
                "per_page" => {
                    q.per_page = v.parse().unwrap_or(DEFAULT_PER_PAGE).clamp(1, MAX_PER_PAGE)
                }
                "violations" => q.violations = matches!(v.as_str(), "1" | "true" | "on"),
                "agent" => q.agent = some(v),
                "model" => q.model = some(v),
                "service" => q.service = some(v),
                "q" => q.text = some(v.to_lowercase()),
                _ => {}
            }
        }
        q
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_decoded_and_clamped() {
        let q = TraceQuery::parse(
            "page=3&per_page=100000&violations=1&agent=my%20agent&q=Get+Weather&x=1",
        );
        assert_eq!(q.page, 3);
        assert_eq!(q.per_page, MAX_PER_PAGE);
        assert!(q.violations);
        assert_eq!(q.agent.as_deref(), Some("my agent"));
        assert_eq!(q.text.as_deref(), Some("get weather"));
        let d = TraceQuery::parse("page=-1&per_page=x&model=");
        assert_eq!((d.page, d.per_page, d.model), (0, DEFAULT_PER_PAGE, None));
    }
}
