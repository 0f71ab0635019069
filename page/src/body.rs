//! The body of a page response: a complete byte string, or an event stream.

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};

use crate::events::EventStream;

/// A response body of the page's routes.
pub enum PageBody {
    /// The whole body (taken on the first poll).
    Full(Option<Bytes>),
    /// Server-sent events.
    Events(Box<EventStream>),
}

impl PageBody {
    /// A complete body.
    pub fn full(data: impl Into<Bytes>) -> Self {
        PageBody::Full(Some(data.into()))
    }

    /// The whole body as bytes (`None` for an event stream): for tests and the report.
    pub fn into_bytes(self) -> Option<Bytes> {
        match self {
            PageBody::Full(b) => Some(b.unwrap_or_default()),
            PageBody::Events(_) => None,
        }
    }
}

impl Body for PageBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        match self.get_mut() {
            PageBody::Full(b) => Poll::Ready(b.take().map(|b| Ok(Frame::data(b)))),
            PageBody::Events(s) => Pin::new(s.as_mut()).poll_frame(cx),
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, PageBody::Full(None))
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            PageBody::Full(b) => SizeHint::with_exact(b.as_ref().map_or(0, |b| b.len() as u64)),
            PageBody::Events(_) => SizeHint::default(),
        }
    }
}
