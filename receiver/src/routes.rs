//! A hook for the HTTP listener's other paths: anything that is not OTLP, `/health` or `/stop`
//! goes to the [`HttpRoutes`] in [`ReceiverConfig::routes`](crate::ReceiverConfig::routes)
//! (e.g. the live-check web page), else is answered 404.

use std::convert::Infallible;
use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use hyper::body::Incoming;
use hyper::{Request, Response};

/// The body a route answers with (complete or streamed).
pub type RouteBody = http_body_util::combinators::BoxBody<Bytes, Infallible>;

type Handler = dyn Fn(&Request<Incoming>) -> Response<RouteBody> + Send + Sync;

/// Answers requests to the HTTP listener's non-OTLP paths. It sees the request line and
/// headers (the body is not read) and answers at once; a streamed body may go on.
#[derive(Clone)]
pub struct HttpRoutes(Arc<Handler>);

impl HttpRoutes {
    /// Routes answered by `handler`.
    pub fn new(
        handler: impl Fn(&Request<Incoming>) -> Response<RouteBody> + Send + Sync + 'static,
    ) -> Self {
        HttpRoutes(Arc::new(handler))
    }

    pub(crate) fn answer(&self, req: &Request<Incoming>) -> Response<RouteBody> {
        (self.0)(req)
    }
}

impl fmt::Debug for HttpRoutes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HttpRoutes(..)")
    }
}

/// Two hooks are equal when they are the same handler.
impl PartialEq for HttpRoutes {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for HttpRoutes {}
