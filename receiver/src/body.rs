//! The response body: at most one data frame, then optional trailers (gRPC needs them).

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use hyper::HeaderMap;
use hyper::body::{Body, Frame, SizeHint};

use crate::routes::RouteBody;

/// A complete response body with optional trailers.
#[derive(Default)]
pub(crate) struct ResponseBody {
    data: Option<Bytes>,
    trailers: Option<HeaderMap>,
    /// A route's own body (see [`crate::HttpRoutes`]), polled instead of the above.
    routed: Option<RouteBody>,
}

impl ResponseBody {
    pub(crate) fn empty() -> Self {
        ResponseBody::default()
    }

    pub(crate) fn full(data: impl Into<Bytes>) -> Self {
        let data = data.into();
        ResponseBody {
            data: (!data.is_empty()).then_some(data),
            trailers: None,
            routed: None,
        }
    }

    pub(crate) fn routed(body: RouteBody) -> Self {
        ResponseBody {
            routed: Some(body),
            ..ResponseBody::default()
        }
    }

    pub(crate) fn with_trailers(data: Bytes, trailers: HeaderMap) -> Self {
        ResponseBody {
            data: (!data.is_empty()).then_some(data),
            trailers: Some(trailers),
            routed: None,
        }
    }
}

impl Body for ResponseBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let this = self.get_mut();
        if let Some(routed) = &mut this.routed {
            return Pin::new(routed).poll_frame(cx);
        }
        if let Some(data) = this.data.take() {
            return Poll::Ready(Some(Ok(Frame::data(data))));
        }
        Poll::Ready(this.trailers.take().map(|t| Ok(Frame::trailers(t))))
    }

    fn is_end_stream(&self) -> bool {
        if let Some(routed) = &self.routed {
            return routed.is_end_stream();
        }
        self.data.is_none() && self.trailers.is_none()
    }

    fn size_hint(&self) -> SizeHint {
        if let Some(routed) = &self.routed {
            return routed.size_hint();
        }
        SizeHint::with_exact(self.data.as_ref().map_or(0, |d| d.len() as u64))
    }
}
