//! `/events`: server-sent events telling the page that something changed.
//!
//! Coalesced: the stream looks at the page's version at most four times a second and sends
//! one small message when it moved (counts only; the page then fetches what it shows), plus a
//! comment every 15 s to keep the connection open. A few streams at a time.

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body::{Body, Frame};

use crate::LivePage;

/// Time between two looks at the version.
const TICK: Duration = Duration::from_millis(250);
/// Ticks between keep-alive comments.
const KEEPALIVE_TICKS: u32 = 60;

/// A server-sent event stream; ends when the page is closed.
pub struct EventStream {
    page: Arc<LivePage>,
    interval: Option<tokio::time::Interval>,
    last: Option<u64>,
    quiet_ticks: u32,
}

impl EventStream {
    pub(crate) fn new(page: Arc<LivePage>) -> Self {
        EventStream {
            page,
            interval: None,
            last: None,
            quiet_ticks: 0,
        }
    }
}

impl Drop for EventStream {
    fn drop(&mut self) {
        self.page.streams.fetch_sub(1, Ordering::AcqRel);
    }
}

impl Body for EventStream {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let this = self.get_mut();
        loop {
            if this.page.closed.load(Ordering::Acquire) {
                return Poll::Ready(None);
            }
            let version = this.page.version.load(Ordering::Acquire);
            // A busy store (batches going in) is looked at on the next tick instead.
            let pulse = (this.last != Some(version))
                .then(|| this.page.pulse_json(version))
                .flatten();
            if let Some(pulse) = pulse {
                let first = this.last.is_none();
                this.last = Some(version);
                this.quiet_ticks = 0;
                let mut msg = String::new();
                if first {
                    msg.push_str("retry: 2000\n");
                }
                msg.push_str("event: update\ndata: ");
                msg.push_str(&pulse);
                msg.push_str("\n\n");
                return Poll::Ready(Some(Ok(Frame::data(Bytes::from(msg)))));
            }
            if this.quiet_ticks >= KEEPALIVE_TICKS {
                this.quiet_ticks = 0;
                return Poll::Ready(Some(Ok(Frame::data(Bytes::from_static(
                    b": keep-alive\n\n",
                )))));
            }
            let interval = this.interval.get_or_insert_with(|| {
                let mut i = tokio::time::interval(TICK);
                i.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
                i
            });
            match interval.poll_tick(cx) {
                Poll::Ready(_) => this.quiet_ticks += 1,
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}
