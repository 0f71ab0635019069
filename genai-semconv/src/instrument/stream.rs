//! A wrapper for streamed model responses: records the time to the first chunk and between
//! chunks (`gen_ai.client.operation.time_to_first_chunk`, `time_per_output_chunk`,
//! `gen_ai.response.time_to_first_chunk`), lets each chunk add to the response (usage, finish
//! reasons, ids), and finishes the call when the stream ends.
//!
//! ```
//! use genai_semconv::instrument::inference::{InferenceSpan, Usage};
//! use genai_semconv::instrument::stream::InferenceStream;
//!
//! # async fn demo(chunks: impl futures_core::Stream<Item = (String, u64)>) {
//! let call = InferenceSpan::chat("openai", "gpt-4o").stream().start();
//! let stream = InferenceStream::new(call, chunks, |(_, tokens), response| {
//!     response.add_usage(&Usage { output_tokens: Some(*tokens), ..Usage::default() })
//! });
//! // ... consume `stream`; the span ends when it returns `None`.
//! # let _ = stream;
//! # }
//! ```
//!
//! A stream dropped before its end ends the span without metrics (as a dropped
//! [`ActiveInference`]).

use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};

use futures_core::Stream;

use super::inference::{ActiveInference, Response};

pin_project_lite::pin_project! {
    /// A stream of response chunks instrumented as one model call.
    pub struct InferenceStream<S, F> {
        #[pin]
        inner: S,
        call: Option<ActiveInference>,
        response: Option<Response>,
        inspect: F,
    }
}

impl<S, F> InferenceStream<S, F>
where
    S: Stream,
    F: FnMut(&S::Item, Response) -> Response,
{
    /// Wraps `inner`; `inspect` adds what each chunk tells about the response.
    pub fn new(call: ActiveInference, inner: S, inspect: F) -> Self {
        InferenceStream {
            inner,
            call: Some(call),
            response: Some(Response::default()),
            inspect,
        }
    }
}

impl<S, F> Stream for InferenceStream<S, F>
where
    S: Stream,
    F: FnMut(&S::Item, Response) -> Response,
{
    type Item = S::Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Option<S::Item>> {
        let this = self.project();
        let polled = match this.call.as_ref() {
            Some(call) => {
                let _g = call.context().clone().attach();
                this.inner.poll_next(cx)
            }
            None => this.inner.poll_next(cx),
        };
        match polled {
            Poll::Ready(Some(item)) => {
                if let Some(call) = this.call.as_mut() {
                    call.chunk();
                }
                if let Some(r) = this.response.take() {
                    *this.response = Some((this.inspect)(&item, r));
                }
                Poll::Ready(Some(item))
            }
            Poll::Ready(None) => {
                if let (Some(call), Some(r)) = (this.call.take(), this.response.take()) {
                    call.finish_ok(|_| r);
                }
                Poll::Ready(None)
            }
            Poll::Pending => Poll::Pending,
        }
    }
}
