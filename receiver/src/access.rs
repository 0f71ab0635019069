//! Who may do what: a per-run access token, and refusal of cross-origin (browser) requests.
//!
//! - Requests a browser marks as coming from another site are refused on every endpoint of
//!   both ports (403): an `Origin` header that is not the receiver's own origin, or
//!   `Sec-Fetch-Site: cross-site` / `same-site`. Any web page the developer has open could
//!   otherwise post to the loopback port.
//! - State-changing endpoints (`POST /stop`, and any the owner adds, see
//!   [`Access::may_change_state`]) need the token (`Authorization: Bearer <token>` or
//!   `X-Semconv-Token: <token>`) or a same-origin request (a page the receiver serves).
//! - On a non-loopback address every endpoint but `/health` needs the token (exporters send
//!   it with `OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20<token>`).

use std::net::{IpAddr, SocketAddr};

use hyper::HeaderMap;
use hyper::header::{AUTHORIZATION, HOST, ORIGIN};

/// Why a request was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Denied {
    /// A browser request from another origin (403).
    CrossOrigin,
    /// No valid token (401).
    NoToken,
}

impl Denied {
    pub(crate) fn reason(self) -> &'static str {
        match self {
            Denied::CrossOrigin => {
                "cross-origin request refused: the receiver only answers its own pages and non-browser clients"
            }
            Denied::NoToken => {
                "this endpoint needs the access token printed at start: send `Authorization: Bearer <token>` or `X-Semconv-Token: <token>`"
            }
        }
    }
}

/// The access policy of one run.
#[derive(Debug)]
pub(crate) struct Access {
    token: String,
    /// Bound to a non-loopback address: the token is needed everywhere but `/health`.
    exposed: bool,
}

impl Access {
    pub(crate) fn new(token: String, bind: IpAddr) -> Self {
        Access {
            token,
            exposed: !bind.is_loopback(),
        }
    }

    /// Checks any request to `local` (the listener's address): cross-origin refusal, and the
    /// token when exposed. `/health` is exempt from the token.
    pub(crate) fn check(
        &self,
        headers: &HeaderMap,
        local: SocketAddr,
        health: bool,
    ) -> Result<(), Denied> {
        if is_cross_origin(headers, local) {
            return Err(Denied::CrossOrigin);
        }
        if self.exposed && !health && !self.has_token(headers) {
            return Err(Denied::NoToken);
        }
        Ok(())
    }

    /// Whether a request may change the receiver's state (stop it, clear it): it carries the
    /// token, or it is a same-origin request from a page the receiver serves.
    pub(crate) fn may_change_state(&self, headers: &HeaderMap, local: SocketAddr) -> bool {
        if self.has_token(headers) {
            return true;
        }
        !self.exposed && is_same_origin(headers, local)
    }

    fn has_token(&self, headers: &HeaderMap) -> bool {
        let bearer = headers
            .get_all(AUTHORIZATION)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| {
                let (scheme, rest) = v.trim().split_once(' ')?;
                scheme.eq_ignore_ascii_case("bearer").then_some(rest.trim())
            });
        let custom = headers
            .get_all("x-semconv-token")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(str::trim);
        bearer
            .chain(custom)
            .any(|t| constant_time_eq(t.as_bytes(), self.token.as_bytes()))
    }
}

/// A browser request from another site: a foreign `Origin`, or `Sec-Fetch-Site` saying so.
fn is_cross_origin(headers: &HeaderMap, local: SocketAddr) -> bool {
    let fetch_site = headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .map(str::trim);
    if matches!(fetch_site, Some(s) if s.eq_ignore_ascii_case("cross-site") || s.eq_ignore_ascii_case("same-site"))
    {
        return true;
    }
    match headers.get(ORIGIN) {
        None => false,
        Some(origin) => !origin
            .to_str()
            .is_ok_and(|o| is_own_origin(o.trim(), headers, local)),
    }
}

/// A request a browser sent from one of the receiver's own pages.
fn is_same_origin(headers: &HeaderMap, local: SocketAddr) -> bool {
    let origin_ok = headers
        .get(ORIGIN)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|o| is_own_origin(o.trim(), headers, local));
    let fetch_same = headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|s| s.trim().eq_ignore_ascii_case("same-origin"));
    origin_ok || (fetch_same && headers.get(ORIGIN).is_none())
}

/// `http://` plus this listener's address, `localhost` on its port, or the `Host` header
/// when that is an IP address (a domain name could be rebound to the loopback address).
fn is_own_origin(origin: &str, headers: &HeaderMap, local: SocketAddr) -> bool {
    let Some(authority) = origin.strip_prefix("http://") else {
        return false;
    };
    let port = local.port();
    if authority == local.to_string() || authority == format!("localhost:{port}") {
        return true;
    }
    if local.ip().is_loopback() || local.ip().is_unspecified() {
        let loopback = [
            format!("127.0.0.1:{port}"),
            format!("[::1]:{port}"),
            format!("localhost:{port}"),
        ];
        if loopback.iter().any(|l| l == authority) {
            return true;
        }
    }
    let host = headers.get(HOST).and_then(|v| v.to_str().ok());
    host.is_some_and(|h| {
        h == authority
            && h.parse::<SocketAddr>().is_ok_and(|a| {
                a.port() == port && (a.ip() == local.ip() || local.ip().is_unspecified())
            })
    })
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A random access token: 32 hex digits from the operating system's generator.
pub fn random_token() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use hyper::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_static(v));
        }
        h
    }

    const LOCAL: &str = "127.0.0.1:4318";
    const TOKEN: &str = "0123456789abcdef0123456789abcdef";

    fn local() -> SocketAddr {
        LOCAL.parse().expect("addr")
    }

    #[test]
    fn cross_origin_requests_are_refused() {
        let a = Access::new(TOKEN.into(), local().ip());
        let evil = headers(&[("origin", "http://evil.example")]);
        assert_eq!(a.check(&evil, local(), false), Err(Denied::CrossOrigin));
        let rebound = headers(&[
            ("origin", "http://evil.example:4318"),
            ("host", "evil.example:4318"),
        ]);
        assert_eq!(a.check(&rebound, local(), true), Err(Denied::CrossOrigin));
        let site = headers(&[("sec-fetch-site", "cross-site")]);
        assert_eq!(a.check(&site, local(), false), Err(Denied::CrossOrigin));
        let null = headers(&[("origin", "null")]);
        assert_eq!(a.check(&null, local(), false), Err(Denied::CrossOrigin));
        // Non-browser clients send no Origin.
        assert_eq!(a.check(&HeaderMap::new(), local(), false), Ok(()));
        let own = headers(&[("origin", "http://localhost:4318")]);
        assert_eq!(a.check(&own, local(), false), Ok(()));
    }

    #[test]
    fn state_changes_need_the_token_or_the_same_origin() {
        let a = Access::new(TOKEN.into(), local().ip());
        assert!(!a.may_change_state(&HeaderMap::new(), local()));
        let bearer = headers(&[("authorization", "Bearer 0123456789abcdef0123456789abcdef")]);
        assert!(a.may_change_state(&bearer, local()));
        let custom = headers(&[("x-semconv-token", "0123456789abcdef0123456789abcdef")]);
        assert!(a.may_change_state(&custom, local()));
        let wrong = headers(&[("authorization", "Bearer 0123456789abcdef0123456789abcdeX")]);
        assert!(!a.may_change_state(&wrong, local()));
        let page = headers(&[("origin", "http://127.0.0.1:4318")]);
        assert!(a.may_change_state(&page, local()));
        let other_port = headers(&[("origin", "http://127.0.0.1:9999")]);
        assert!(!a.may_change_state(&other_port, local()));
    }

    #[test]
    fn an_exposed_receiver_needs_the_token_everywhere_but_health() {
        let any: SocketAddr = "0.0.0.0:4318".parse().expect("addr");
        let a = Access::new(TOKEN.into(), any.ip());
        assert_eq!(a.check(&HeaderMap::new(), any, false), Err(Denied::NoToken));
        assert_eq!(a.check(&HeaderMap::new(), any, true), Ok(()));
        let bearer = headers(&[("authorization", "bearer 0123456789abcdef0123456789abcdef")]);
        assert_eq!(a.check(&bearer, any, false), Ok(()));
        // Same-origin is not enough when exposed.
        let page = headers(&[("origin", "http://127.0.0.1:4318")]);
        assert!(!a.may_change_state(&page, any));
    }

    #[test]
    fn tokens_are_random_hex() {
        let a = random_token().expect("random");
        let b = random_token().expect("random");
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }
}
