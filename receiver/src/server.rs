//! The listeners: accept loops, routing, graceful shutdown.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, mpsc, watch};
use tokio::task::{JoinHandle, JoinSet};

use crate::access::{Access, random_token};
use crate::batch::Batches;
use crate::body::ResponseBody;
use crate::config::ReceiverConfig;
use crate::error::ReceiverError;
use crate::ingest::{Listener, Shared};
use crate::stats::{Stats, StatsSnapshot};
use crate::{grpc, http};

impl Shared {
    /// Asks the owner of the [`Receiver`] to stop (`POST /stop`).
    pub(crate) fn request_stop(&self) {
        self.stop.send_replace(true);
    }
}

/// A running receiver. Dropping it stops the listeners without waiting; prefer
/// [`Receiver::shutdown`], which waits for in-flight requests.
#[derive(Debug)]
pub struct Receiver {
    http_addr: Option<SocketAddr>,
    grpc_addr: Option<SocketAddr>,
    stats: Arc<Stats>,
    shutdown: watch::Sender<bool>,
    stop: watch::Receiver<bool>,
    tasks: Vec<JoinHandle<()>>,
    token: String,
}

impl Receiver {
    /// Binds the enabled listeners and starts serving (on the current Tokio runtime).
    ///
    /// Returns once both listeners accept connections, with the queue the consumer reads.
    pub async fn start(config: ReceiverConfig) -> Result<(Receiver, Batches), ReceiverError> {
        config.validate()?;
        let token = match &config.token {
            Some(t) => t.clone(),
            None => random_token().map_err(|e| ReceiverError::Config {
                name: "token",
                reason: format!("cannot generate one: {e}"),
            })?,
        };
        let mut bound = Vec::new();
        for (protocol, port) in [("http", config.http_port), ("grpc", config.grpc_port)] {
            let Some(port) = port else {
                bound.push(None);
                continue;
            };
            let addr = SocketAddr::new(config.bind, port);
            let tcp = TcpListener::bind(addr)
                .await
                .map_err(|source| ReceiverError::Bind {
                    protocol,
                    addr,
                    source,
                })?;
            let local = tcp.local_addr().map_err(|source| ReceiverError::Bind {
                protocol,
                addr,
                source,
            })?;
            bound.push(Some((tcp, local)));
        }
        let stats = Arc::new(Stats::new());
        let (tx, rx) = mpsc::channel(config.queue_capacity);
        let (stop_tx, stop_rx) = watch::channel(false);
        let shared = Arc::new(Shared {
            stats: stats.clone(),
            tx,
            max_request_bytes: config.max_request_bytes,
            limits: genai_validator::otlp::DecodeLimits {
                max_elements: config.max_request_elements,
            },
            budget: Arc::new(Semaphore::new(config.max_bytes_in_flight.div_ceil(1024))),
            max_bytes_in_flight: config.max_bytes_in_flight,
            decoders: Arc::new(Semaphore::new(config.decode_threads)),
            body_timeout: config.body_timeout,
            access: Access::new(token.clone(), config.bind),
            warn_in_response: config.warn_in_response,
            reply_timeout: config.reply_timeout,
            stop: stop_tx,
            routes: config.routes.clone(),
        });
        let connections = Arc::new(Semaphore::new(config.max_connections));
        let (shutdown_tx, _) = watch::channel(false);
        let mut addrs = [None, None];
        let mut tasks = Vec::new();
        for (i, entry) in bound.into_iter().enumerate() {
            if let Some((tcp, local)) = entry {
                addrs[i] = Some(local);
                let listener = Arc::new(Listener::new(shared.clone(), local));
                tasks.push(tokio::spawn(serve(
                    tcp,
                    listener,
                    connections.clone(),
                    shutdown_tx.subscribe(),
                    config.shutdown_grace,
                )));
            }
        }
        drop(shared);
        let receiver = Receiver {
            http_addr: addrs[0],
            grpc_addr: addrs[1],
            stats: stats.clone(),
            shutdown: shutdown_tx,
            stop: stop_rx,
            tasks,
            token,
        };
        Ok((receiver, Batches::new(rx, stats)))
    }

    /// The OTLP/HTTP listener's address, when enabled.
    pub fn http_addr(&self) -> Option<SocketAddr> {
        self.http_addr
    }

    /// The OTLP/gRPC listener's address, when enabled.
    pub fn grpc_addr(&self) -> Option<SocketAddr> {
        self.grpc_addr
    }

    /// The access token of this run: state-changing endpoints (`POST /stop`) need it (as
    /// `Authorization: Bearer <token>` or `X-Semconv-Token: <token>`) unless the request comes
    /// from a page of the receiver's own origin; on a non-loopback address every endpoint but
    /// `/health` needs it.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// The live counters.
    pub fn stats(&self) -> &Arc<Stats> {
        &self.stats
    }

    /// Completes when a client asked the receiver to stop (`POST /stop` on the HTTP port).
    pub async fn stop_requested(&self) {
        let mut stop = self.stop.clone();
        // An error means the listeners are gone: nothing can ask any more.
        let failed = stop.wait_for(|v| *v).await.is_err();
        if failed {
            std::future::pending::<()>().await;
        }
    }

    /// Stops accepting connections, lets in-flight requests finish (up to the configured
    /// grace period, then closes their connections), and closes the queue so that the
    /// consumer ends after taking every accepted batch. Returns the counters at that point.
    pub async fn shutdown(mut self) -> StatsSnapshot {
        self.shutdown.send_replace(true);
        for task in std::mem::take(&mut self.tasks) {
            let _ = task.await;
        }
        self.stats.snapshot()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.shutdown.send_replace(true);
    }
}

async fn route(listener: Arc<Listener>, req: Request<Incoming>) -> Response<ResponseBody> {
    if grpc::is_grpc(&req) {
        grpc::handle(listener, req).await
    } else {
        http::handle(listener, req).await
    }
}

/// One listener's accept loop; serves HTTP/1.1 and HTTP/2 (cleartext, prior knowledge) on
/// every connection, so either protocol works on either port.
async fn serve(
    tcp: TcpListener,
    listener: Arc<Listener>,
    connections: Arc<Semaphore>,
    mut shutdown: watch::Receiver<bool>,
    grace: Duration,
) {
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(Duration::from_secs(30));
    builder
        .http2()
        .timer(TokioTimer::new())
        .initial_stream_window_size(1 << 20)
        .initial_connection_window_size(4 << 20)
        .max_concurrent_streams(256)
        .keep_alive_interval(Duration::from_secs(30))
        .keep_alive_timeout(Duration::from_secs(20));
    let graceful = GracefulShutdown::new();
    let mut conns = JoinSet::new();
    loop {
        tokio::select! {
            accepted = tcp.accept() => match accepted {
                Ok((stream, _peer)) => {
                    // At the connection limit: close at once (the client sees a reset).
                    let Ok(slot) = connections.clone().try_acquire_owned() else {
                        listener.shared.stats.record_connection_refused();
                        drop(stream);
                        continue;
                    };
                    let _ = stream.set_nodelay(true);
                    let l = listener.clone();
                    let svc = service_fn(move |req| {
                        let l = l.clone();
                        async move { Ok::<_, Infallible>(route(l, req).await) }
                    });
                    let conn = builder.serve_connection(TokioIo::new(stream), svc).into_owned();
                    let conn = graceful.watch(conn);
                    conns.spawn(async move {
                        // Connection errors (resets, protocol errors) end that connection only.
                        let _ = conn.await;
                        drop(slot);
                    });
                }
                // E.g. out of file descriptors: back off instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            },
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
            () = async { let _ = shutdown.wait_for(|v| *v).await; } => break,
        }
    }
    drop(tcp);
    drop(listener);
    let _ = tokio::time::timeout(grace, graceful.shutdown()).await;
    conns.abort_all();
    while conns.join_next().await.is_some() {}
}
