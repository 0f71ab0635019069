//! What both protocols share: reading a bounded body within the in-flight budget and a
//! deadline, decompressing, decoding off the async runtime, queueing, answering.

use std::io::Read;
use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use genai_validator::otlp::{DecodeError, DecodeLimits, Decoded, Encoding, decode_request_into};
use genai_validator::telemetry::{Origin, Source};
use genai_validator::{Signal, Telemetry};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc, oneshot};

use crate::access::Access;
use crate::batch::{Batch, Transport};
use crate::stats::{Refusal, Stats};

/// The in-flight budget counts in units of this many bytes (Tokio's semaphores count `u32`
/// permits per acquisition).
const UNIT: usize = 1024;

/// Estimated memory per element while a request is decoded (the decoder's messages and the
/// model's items at once), and once decoded.
const DECODING_COST: usize = 320;
const DECODED_COST: usize = 160;

/// Longest partial-success message sent.
const MAX_MESSAGE: usize = 1000;

/// State shared by every connection of every listener.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) stats: Arc<Stats>,
    pub(crate) tx: mpsc::Sender<Batch>,
    pub(crate) max_request_bytes: usize,
    pub(crate) limits: DecodeLimits,
    /// The in-flight budget, in [`UNIT`]s.
    pub(crate) budget: Arc<Semaphore>,
    pub(crate) max_bytes_in_flight: usize,
    /// Decodes running at once.
    pub(crate) decoders: Arc<Semaphore>,
    pub(crate) body_timeout: Duration,
    pub(crate) access: Access,
    pub(crate) warn_in_response: bool,
    pub(crate) reply_timeout: Duration,
    /// Set by `POST /stop`.
    pub(crate) stop: tokio::sync::watch::Sender<bool>,
    /// Non-OTLP paths of the HTTP listener.
    pub(crate) routes: Option<crate::routes::HttpRoutes>,
}

/// State of one listener: the shared state, its address and its stream names.
#[derive(Debug)]
pub(crate) struct Listener {
    pub(crate) shared: Arc<Shared>,
    pub(crate) local: std::net::SocketAddr,
    /// `Source::Stream` names per transport, e.g. `otlp/grpc 127.0.0.1:4317`.
    names: [Arc<str>; 3],
}

impl Listener {
    pub(crate) fn new(shared: Arc<Shared>, addr: std::net::SocketAddr) -> Self {
        let name = |t: Transport| Arc::from(format!("otlp/{t} {addr}"));
        Listener {
            shared,
            local: addr,
            names: [
                name(Transport::HttpProtobuf),
                name(Transport::HttpJson),
                name(Transport::Grpc),
            ],
        }
    }

    fn name(&self, transport: Transport) -> &Arc<str> {
        match transport {
            Transport::HttpProtobuf => &self.names[0],
            Transport::HttpJson => &self.names[1],
            Transport::Grpc => &self.names[2],
        }
    }
}

/// A refused request: which counter, and the reason sent back.
#[derive(Debug)]
pub(crate) struct Refused {
    pub(crate) refusal: Refusal,
    pub(crate) reason: String,
    /// Items the request held, when it was decoded before being refused.
    pub(crate) items: usize,
}

impl Refused {
    pub(crate) fn new(refusal: Refusal, reason: impl Into<String>) -> Self {
        Refused {
            refusal,
            reason: reason.into(),
            items: 0,
        }
    }

    pub(crate) fn too_large(limit: usize) -> Self {
        Refused::new(
            Refusal::TooLarge,
            format!("request larger than the limit of {limit} bytes"),
        )
    }
}

/// An accepted request: what goes into the partial-success part of the answer.
#[derive(Debug, Default)]
pub(crate) struct Accepted {
    /// Items refused inside the request.
    pub(crate) rejected: i64,
    /// Why (and any warning); empty when there is nothing to say.
    pub(crate) message: String,
}

/// A share of the in-flight budget that grows and shrinks with what a request holds.
pub(crate) struct Budget {
    semaphore: Arc<Semaphore>,
    permit: Option<OwnedSemaphorePermit>,
    total: usize,
}

impl Budget {
    pub(crate) fn new(shared: &Shared) -> Self {
        Budget {
            semaphore: shared.budget.clone(),
            permit: None,
            total: shared.max_bytes_in_flight,
        }
    }

    fn held(&self) -> usize {
        self.permit.as_ref().map_or(0, |p| p.num_permits())
    }

    /// Holds enough for `bytes`, taking or giving back the difference; refuses (retryably)
    /// when the budget cannot cover it now.
    pub(crate) fn resize(&mut self, bytes: usize) -> Result<(), Refused> {
        if bytes > self.total {
            return Err(Refused::new(
                Refusal::TooLarge,
                format!(
                    "request would need about {bytes} bytes to decode, more than the {} bytes the receiver may hold for all requests",
                    self.total
                ),
            ));
        }
        let want = bytes.div_ceil(UNIT);
        let held = self.held();
        if want > held {
            let more = u32::try_from(want - held).map_err(|_| self.busy())?;
            let extra = self
                .semaphore
                .clone()
                .try_acquire_many_owned(more)
                .map_err(|_| self.busy())?;
            match &mut self.permit {
                Some(p) => p.merge(extra),
                None => self.permit = Some(extra),
            }
        } else if want < held
            && let Some(p) = &mut self.permit
        {
            drop(p.split(held - want));
        }
        Ok(())
    }

    fn busy(&self) -> Refused {
        Refused::new(
            Refusal::Busy,
            format!(
                "receiver busy: the {} bytes it may hold for requests in flight are in use; retry later",
                self.total
            ),
        )
    }

    fn into_permit(self) -> Option<OwnedSemaphorePermit> {
        self.permit
    }
}

/// Reads a whole body within `limit` bytes, the budget and the body deadline.
pub(crate) async fn read_body(
    shared: &Shared,
    mut body: Incoming,
    limit: usize,
    budget: &mut Budget,
) -> Result<Bytes, Refused> {
    let read = async {
        let mut buf = BytesMut::new();
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|err| {
                Refused::new(
                    Refusal::Malformed,
                    format!("cannot read request body: {err}"),
                )
            })?;
            let Ok(data) = frame.into_data() else {
                continue; // trailers
            };
            if buf.len() + data.len() > limit {
                return Err(Refused::too_large(limit));
            }
            budget.resize(buf.len() + data.len())?;
            buf.extend_from_slice(&data);
        }
        Ok(buf.freeze())
    };
    match tokio::time::timeout(shared.body_timeout, read).await {
        Ok(result) => result,
        Err(_) => Err(Refused::new(
            Refusal::Timeout,
            format!(
                "request body not received within {} s",
                shared.body_timeout.as_secs_f64()
            ),
        )),
    }
}

/// Decompresses a gzip body, refusing output larger than `limit` bytes (decompression bombs).
pub(crate) fn gunzip(data: &[u8], limit: usize) -> Result<Vec<u8>, Refused> {
    let mut out = Vec::with_capacity(data.len().saturating_mul(4).min(limit));
    let decoder = flate2::read::MultiGzDecoder::new(data);
    match decoder.take(limit as u64 + 1).read_to_end(&mut out) {
        Ok(_) if out.len() > limit => Err(Refused::new(
            Refusal::TooLarge,
            format!("decompressed request larger than the limit of {limit} bytes"),
        )),
        Ok(_) => Ok(out),
        Err(err) => Err(Refused::new(
            Refusal::Malformed,
            format!("invalid gzip body: {err}"),
        )),
    }
}

/// One received body on its way to the queue.
pub(crate) struct Received {
    pub(crate) request: u64,
    pub(crate) signal: Signal,
    pub(crate) transport: Transport,
    pub(crate) body: Bytes,
    pub(crate) gzip: bool,
    pub(crate) budget: Budget,
}

/// Decompresses and decodes a body (off the async runtime, at most `decode_threads` at once),
/// queues the batch, and waits for the consumer's summary when asked to.
pub(crate) async fn ingest(
    listener: &Arc<Listener>,
    received: Received,
) -> Result<Accepted, Refused> {
    let shared = &listener.shared;
    let slot = shared
        .decoders
        .clone()
        .acquire_owned()
        .await
        .map_err(|_| Refused::new(Refusal::Busy, "receiver is shutting down"))?;
    let l = listener.clone();
    let decoded = tokio::task::spawn_blocking(move || {
        let _slot = slot;
        decode(&l, received)
    })
    .await
    .map_err(|err| Refused::new(Refusal::Malformed, format!("decoder failed: {err}")))??;
    let (mut batch, decoded) = decoded;
    let items = decoded.items;
    let (reply_tx, reply_rx) = if shared.warn_in_response {
        let (tx, rx) = oneshot::channel();
        (Some(tx), Some(rx))
    } else {
        (None, None)
    };
    batch = batch.with_reply(reply_tx);
    match shared.tx.try_reserve() {
        Ok(permit) => {
            shared.stats.record_accepted(&batch.telemetry);
            permit.send(batch);
        }
        Err(mpsc::error::TrySendError::Full(())) => {
            return Err(Refused {
                refusal: Refusal::Busy,
                reason: format!("queue full ({items} items not accepted); retry later"),
                items,
            });
        }
        Err(mpsc::error::TrySendError::Closed(())) => {
            return Err(Refused::new(Refusal::Busy, "receiver is shutting down"));
        }
    }
    shared.stats.record_rejected_items(decoded.rejected);
    let mut message = describe(&decoded);
    if let Some(rx) = reply_rx
        && let Ok(Ok(summary)) = tokio::time::timeout(shared.reply_timeout, rx).await
    {
        let summary = summary.trim();
        if !summary.is_empty() {
            if !message.is_empty() {
                message.push_str("; ");
            }
            message.push_str(summary);
        }
    }
    truncate(&mut message, MAX_MESSAGE);
    Ok(Accepted {
        rejected: i64::try_from(decoded.rejected).unwrap_or(i64::MAX),
        message,
    })
}

/// The blocking part: decompress, bound, decode.
fn decode(listener: &Listener, received: Received) -> Result<(Batch, Decoded), Refused> {
    let shared = &listener.shared;
    let Received {
        request,
        signal,
        transport,
        body,
        gzip,
        mut budget,
    } = received;
    let limit = shared.max_request_bytes;
    let plain: Bytes = if gzip {
        let plain = gunzip(&body, limit)?;
        budget.resize(body.len() + plain.len())?;
        drop(body);
        Bytes::from(plain)
    } else {
        body
    };
    let encoding = match transport {
        Transport::HttpJson => Encoding::Json,
        Transport::HttpProtobuf | Transport::Grpc => Encoding::Protobuf,
    };
    // Bound the decoded size before decoding.
    let elements = match encoding {
        Encoding::Protobuf => genai_validator::otlp::count_protobuf_elements(
            &plain,
            signal,
            shared.limits.max_elements,
        )
        .map_err(refuse_decode)?,
        Encoding::Json => json_objects(&plain),
    };
    budget.resize(plain.len() + elements.saturating_mul(DECODING_COST))?;
    let origin = Origin {
        request,
        ..Origin::new(Source::Stream(listener.name(transport).clone()))
    };
    let mut telemetry = Telemetry::new();
    let decoded = decode_request_into(
        &plain,
        encoding,
        signal,
        &shared.limits,
        &origin,
        &mut telemetry,
    )
    .map_err(refuse_decode)?;
    drop(plain);
    budget.resize(elements.saturating_mul(DECODED_COST))?;
    let mut batch = Batch::new(telemetry, signal, transport, request);
    if let Some(permit) = budget.into_permit() {
        batch = batch.with_budget(permit);
    }
    Ok((batch, decoded))
}

fn refuse_decode(err: DecodeError) -> Refused {
    let refusal = match err {
        DecodeError::TooManyElements { .. } => Refusal::TooLarge,
        _ => Refusal::Malformed,
    };
    Refused::new(refusal, err.to_string())
}

/// Objects (`{`) outside strings: an upper bound on the elements of an OTLP/JSON request.
fn json_objects(bytes: &[u8]) -> usize {
    let (mut count, mut in_string, mut escaped) = (0usize, false, false);
    for &b in bytes {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
        } else if b == b'"' {
            in_string = true;
        } else if b == b'{' {
            count += 1;
        }
    }
    count
}

/// The partial-success message for what the decoder refused or noticed.
fn describe(decoded: &Decoded) -> String {
    let mut parts = Vec::new();
    if decoded.rejected > 0 {
        let why = decoded
            .rejection
            .as_ref()
            .map_or_else(String::new, |e| format!(" (first: {e})"));
        parts.push(format!("{} items rejected{why}", decoded.rejected));
    }
    for (service, scope, n) in decoded.base64_ids.iter().take(4) {
        parts.push(format!(
            "{n} items with base64 trace/span ids (OTLP/JSON requires hex) from service {service:?}, scope {scope:?}"
        ));
    }
    parts.join("; ")
}

/// Cuts `s` to at most `max` bytes, at a character boundary.
fn truncate(s: &mut String, max: usize) {
    if s.len() > max {
        let mut end = max;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
    }
}

/// Counts a refusal (with the items it held, when known) and passes it on.
pub(crate) fn count(stats: &Stats, refused: Refused) -> Refused {
    stats.record_refused(refused.refusal, refused.items);
    refused
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_objects_are_counted_outside_strings() {
        assert_eq!(json_objects(br#"{"a":[{},{"s":"{{\"{"}]}"#), 3);
    }

    #[test]
    fn messages_are_cut_at_a_character_boundary() {
        let mut s = "ééé".to_string();
        truncate(&mut s, 3);
        assert_eq!(s, "é");
    }
}
