//! The page's HTTP routes, with their checks: loopback `Host`, no cross-origin reads, token or
//! same-origin for changes.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use genai_validator::telemetry::TraceId;
use http::header::{self, HeaderMap, HeaderValue};
use http::{Method, Request, Response, StatusCode};
use serde::Serialize;

use crate::LivePage;
use crate::body::PageBody;
use crate::events::EventStream;
use crate::query::TraceQuery;
use crate::report;

/// Event streams open at once, at most.
const MAX_STREAMS: usize = 16;

/// The policy of every page response: only the page's own script, style and API.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; \
                   img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// The header carrying the per-run token (besides `Authorization: Bearer`).
pub const TOKEN_HEADER: &str = "x-semconv-token";

fn respond(status: StatusCode, content_type: &'static str, body: PageBody) -> Response<PageBody> {
    let mut res = Response::new(body);
    *res.status_mut() = status;
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("same-origin"),
    );
    res
}

fn text(status: StatusCode, body: &'static str) -> Response<PageBody> {
    respond(status, "text/plain; charset=utf-8", PageBody::full(body))
}

fn json<T: Serialize>(value: &T) -> Response<PageBody> {
    match serde_json::to_vec(value) {
        Ok(b) => respond(StatusCode::OK, "application/json", PageBody::full(b)),
        Err(_) => text(
            StatusCode::INTERNAL_SERVER_ERROR,
            "cannot encode the view\n",
        ),
    }
}

fn header_str(h: &HeaderMap, name: impl header::AsHeaderName) -> Option<&str> {
    h.get(name).and_then(|v| v.to_str().ok())
}

/// The host name of a `Host` header value (without the port).
fn host_name(host: &str) -> &str {
    if let Some(rest) = host.strip_prefix('[') {
        return rest.split(']').next().unwrap_or("");
    }
    host.rsplit_once(':').map_or(host, |(h, _)| h)
}

/// Equality in time independent of where the strings differ.
fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn query_token(query: &str) -> Option<&str> {
    query.split('&').find_map(|p| p.strip_prefix("token="))
}

impl LivePage {
    fn has_token(&self, headers: &HeaderMap, query: &str) -> bool {
        let want = &self.config.token;
        if want.is_empty() {
            return false;
        }
        let bearer = header_str(headers, header::AUTHORIZATION)
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        let given = [
            bearer,
            header_str(headers, TOKEN_HEADER),
            query_token(query),
        ];
        given.into_iter().flatten().any(|t| same_secret(t, want))
    }

    fn host_allowed(&self, host: &str) -> bool {
        let name = host_name(host);
        matches!(name, "127.0.0.1" | "localhost" | "::1")
            || self.config.extra_host.as_deref().is_some_and(|h| h == name)
    }

    /// Answers one request to a page route; anything else is 404.
    ///
    /// Only the request line and headers are read (no route takes a body).
    pub fn respond<B>(self: &Arc<Self>, req: &Request<B>) -> Response<PageBody> {
        let headers = req.headers();
        let path = req.uri().path();
        let query = req.uri().query().unwrap_or("");
        let Some(host) =
            header_str(headers, header::HOST).or_else(|| req.uri().authority().map(|a| a.as_str()))
        else {
            return text(StatusCode::BAD_REQUEST, "missing Host\n");
        };
        // A page elsewhere whose name resolves to 127.0.0.1 (DNS rebinding) sends its own name.
        if !self.host_allowed(host) {
            return text(StatusCode::MISDIRECTED_REQUEST, "unexpected Host\n");
        }
        let own_origin = format!("http://{host}");
        let origin = header_str(headers, header::ORIGIN);
        let same_origin = origin == Some(own_origin.as_str());
        let foreign_origin = origin.is_some_and(|o| o != own_origin);
        let site = header_str(headers, "sec-fetch-site");
        let navigation = header_str(headers, "sec-fetch-mode") == Some("navigate");
        let cross_site = site.is_some_and(|s| s != "same-origin" && s != "none");
        let token = self.has_token(headers, query);
        let is_document = matches!(path, "/" | "/index.html");
        // The page's shell may be opened from a link (it holds no data); nothing else may be
        // read or changed by another site.
        if !token && (foreign_origin || (cross_site && !(is_document && navigation))) {
            return text(StatusCode::FORBIDDEN, "cross-origin request refused\n");
        }
        // The shell and its assets hold no data; with a token everywhere, the script sends it.
        let is_shell = is_document || matches!(path, "/app.js" | "/app.css");
        if self.config.token_everywhere && !token && !is_shell {
            return text(
                StatusCode::UNAUTHORIZED,
                "this route needs the run's token\n",
            );
        }
        let method = req.method();
        if path == "/api/clear" {
            if method != Method::POST {
                return text(StatusCode::METHOD_NOT_ALLOWED, "use POST\n");
            }
            if !(token || same_origin) {
                return text(
                    StatusCode::FORBIDDEN,
                    "clearing needs the run's token or a same-origin request\n",
                );
            }
            self.clear();
            return text(StatusCode::OK, "cleared\n");
        }
        if method != Method::GET && method != Method::HEAD {
            return text(StatusCode::METHOD_NOT_ALLOWED, "use GET\n");
        }
        match path {
            "/" | "/index.html" => respond(
                StatusCode::OK,
                "text/html; charset=utf-8",
                PageBody::full(report::live_html()),
            ),
            "/app.js" => respond(
                StatusCode::OK,
                "text/javascript; charset=utf-8",
                PageBody::full(report::APP_JS),
            ),
            "/app.css" => respond(
                StatusCode::OK,
                "text/css; charset=utf-8",
                PageBody::full(report::APP_CSS),
            ),
            "/api/summary" => {
                let version = self.version.load(Ordering::Acquire);
                json(&self.read().summary(&self.registry, version))
            }
            "/api/traces" => json(&self.read().page(&TraceQuery::parse(query))),
            "/api/metrics" => json(&self.read().metrics_view(&self.docs)),
            "/api/insights" => json(&self.read().insights()),
            "/api/logs" => json(&self.read().loose_logs(&self.docs)),
            "/events" => {
                if self.streams.fetch_add(1, Ordering::AcqRel) >= MAX_STREAMS {
                    self.streams.fetch_sub(1, Ordering::AcqRel);
                    return text(StatusCode::SERVICE_UNAVAILABLE, "too many event streams\n");
                }
                let mut res = respond(
                    StatusCode::OK,
                    "text/event-stream",
                    PageBody::Events(Box::new(EventStream::new(self.clone()))),
                );
                res.headers_mut()
                    .insert("x-accel-buffering", HeaderValue::from_static("no"));
                res
            }
            p => match p.strip_prefix("/api/traces/") {
                Some(id) => match TraceId::from_hex(id) {
                    Ok(id_) if id.len() == 32 => {
                        let id = id_;
                        match self.read().detail(&id, &self.docs) {
                            Some(d) => json(&d),
                            None => text(StatusCode::NOT_FOUND, "trace not held\n"),
                        }
                    }
                    _ => text(StatusCode::BAD_REQUEST, "a trace id is 32 hex digits\n"),
                },
                None => text(StatusCode::NOT_FOUND, "not found\n"),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page() -> Arc<LivePage> {
        let loaded = genai_registry::embedded::load().expect("embedded registry loads");
        LivePage::new(
            &loaded.registry,
            crate::PageConfig {
                token: "secret-token".into(),
                ..crate::PageConfig::default()
            },
        )
    }

    fn req(method: &str, path: &str, headers: &[(&str, &str)]) -> Request<()> {
        let mut b = Request::builder().method(method).uri(path);
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        b.body(()).expect("request")
    }

    const HOST: (&str, &str) = ("host", "127.0.0.1:4318");

    #[test]
    fn same_origin_reads_and_foreign_reads_are_refused() {
        let p = page();
        let ok = p.respond(&req(
            "GET",
            "/api/summary",
            &[HOST, ("sec-fetch-site", "same-origin")],
        ));
        assert_eq!(ok.status(), StatusCode::OK);
        assert!(
            ok.headers()[header::CONTENT_SECURITY_POLICY]
                .to_str()
                .expect("ascii")
                .contains("script-src 'self'")
        );
        let foreign = p.respond(&req(
            "GET",
            "/api/traces",
            &[
                HOST,
                ("origin", "http://evil.example"),
                ("sec-fetch-site", "cross-site"),
            ],
        ));
        assert_eq!(foreign.status(), StatusCode::FORBIDDEN);
        let events = p.respond(&req(
            "GET",
            "/events",
            &[HOST, ("sec-fetch-site", "cross-site")],
        ));
        assert_eq!(events.status(), StatusCode::FORBIDDEN);
        let rebinding = p.respond(&req(
            "GET",
            "/api/summary",
            &[("host", "evil.example:4318")],
        ));
        assert_eq!(rebinding.status(), StatusCode::MISDIRECTED_REQUEST);
        // A link from elsewhere may open the (data-free) page itself.
        let nav = p.respond(&req(
            "GET",
            "/",
            &[
                HOST,
                ("sec-fetch-site", "cross-site"),
                ("sec-fetch-mode", "navigate"),
            ],
        ));
        assert_eq!(nav.status(), StatusCode::OK);
    }

    #[test]
    fn clearing_needs_the_token_or_the_same_origin() {
        let p = page();
        let cases: [(&[(&str, &str)], StatusCode); 5] = [
            (&[HOST], StatusCode::FORBIDDEN),
            (
                &[HOST, ("origin", "http://evil.example")],
                StatusCode::FORBIDDEN,
            ),
            (&[HOST, ("x-semconv-token", "wrong")], StatusCode::FORBIDDEN),
            (&[HOST, ("origin", "http://127.0.0.1:4318")], StatusCode::OK),
            (
                &[HOST, ("authorization", "Bearer secret-token")],
                StatusCode::OK,
            ),
        ];
        for (headers, status) in cases {
            assert_eq!(
                p.respond(&req("POST", "/api/clear", headers)).status(),
                status,
                "{headers:?}"
            );
        }
        assert_eq!(
            p.respond(&req("GET", "/api/clear", &[HOST])).status(),
            StatusCode::METHOD_NOT_ALLOWED
        );
    }

    #[test]
    fn bad_trace_ids_and_unknown_paths_are_answered() {
        let p = page();
        let get = |path: &str| p.respond(&req("GET", path, &[HOST])).status();
        assert_eq!(get("/api/traces/xyz"), StatusCode::BAD_REQUEST);
        assert_eq!(
            get(&format!("/api/traces/{}", "ab".repeat(16))),
            StatusCode::NOT_FOUND
        );
        assert_eq!(get("/nope"), StatusCode::NOT_FOUND);
        assert_eq!(get("/app.js"), StatusCode::OK);
    }
}
