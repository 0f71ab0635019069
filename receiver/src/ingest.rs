//! What both protocols share: reading a bounded body, decompressing, decoding, queueing.

use std::io::Read;
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use genai_validator::otlp::{decode_json_into, decode_protobuf_into};
use genai_validator::telemetry::{Origin, Source};
use genai_validator::{Signal, Telemetry};
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use tokio::sync::mpsc;

use crate::batch::{Batch, Transport};
use crate::stats::{Refusal, Stats};

/// State shared by every connection of every listener.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) stats: Arc<Stats>,
    pub(crate) tx: mpsc::Sender<Batch>,
    pub(crate) max_request_bytes: usize,
    /// Set by `POST /stop`.
    pub(crate) stop: tokio::sync::watch::Sender<bool>,
    /// Non-OTLP paths of the HTTP listener.
    pub(crate) routes: Option<crate::routes::HttpRoutes>,
}

/// State of one listener: the shared state and its stream names.
#[derive(Debug)]
pub(crate) struct Listener {
    pub(crate) shared: Arc<Shared>,
    /// `Source::Stream` names per transport, e.g. `otlp/grpc 127.0.0.1:4317`.
    names: [Arc<str>; 3],
}

impl Listener {
    pub(crate) fn new(shared: Arc<Shared>, addr: std::net::SocketAddr) -> Self {
        let name = |t: Transport| Arc::from(format!("otlp/{t} {addr}"));
        Listener {
            shared,
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

/// Reads a whole body, refusing it as soon as it exceeds `limit` bytes.
pub(crate) async fn read_body(body: Incoming, limit: usize) -> Result<Bytes, Refused> {
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(err) if err.is::<http_body_util::LengthLimitError>() => Err(Refused::too_large(limit)),
        Err(err) => Err(Refused::new(
            Refusal::Malformed,
            format!("cannot read request body: {err}"),
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

/// Decodes a request body and queues it. Returns the number of items accepted.
pub(crate) fn ingest(
    listener: &Listener,
    request: u64,
    signal: Signal,
    transport: Transport,
    body: &[u8],
) -> Result<usize, Refused> {
    let origin = Origin {
        request,
        ..Origin::new(Source::Stream(listener.name(transport).clone()))
    };
    let mut telemetry = Telemetry::new();
    let decoded = match transport {
        Transport::HttpJson => decode_json_into(body, Some(signal), &origin, &mut telemetry),
        Transport::HttpProtobuf | Transport::Grpc => {
            decode_protobuf_into(body, signal, &origin, &mut telemetry)
        }
    };
    if let Err(err) = decoded {
        return Err(Refused::new(Refusal::Malformed, err.to_string()));
    }
    let items = telemetry.len();
    let batch = Batch {
        telemetry,
        signal,
        transport,
        request,
        received_at: Instant::now(),
    };
    let shared = &listener.shared;
    match shared.tx.try_reserve() {
        Ok(permit) => {
            shared.stats.record_accepted(&batch.telemetry);
            permit.send(batch);
            Ok(items)
        }
        Err(mpsc::error::TrySendError::Full(())) => Err(Refused {
            refusal: Refusal::Busy,
            reason: format!("queue full ({items} items not accepted); retry later"),
            items,
        }),
        Err(mpsc::error::TrySendError::Closed(())) => {
            Err(Refused::new(Refusal::Busy, "receiver is shutting down"))
        }
    }
}

/// Counts a refusal (with the items it held, when known) and passes it on.
pub(crate) fn count(stats: &Stats, refused: Refused) -> Refused {
    stats.record_refused(refused.refusal, refused.items);
    refused
}
