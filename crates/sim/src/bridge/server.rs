//! The TLS accept loop. Connections are served by hyper with the axum router of [`super::http`];
//! stopping cancels the loop and every connection (what a bridge restart looks like from outside),
//! and resuming binds the same port again.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;
use tokio_util::sync::CancellationToken;
use tower::ServiceExt as _;

use super::{Shared, SimError};

pub(crate) struct Server {
    addr: SocketAddr,
    shared: Arc<Shared>,
    running: Mutex<Option<Running>>,
}

struct Running {
    stop: CancellationToken,
    accept: JoinHandle<()>,
}

impl Server {
    pub(crate) async fn start(listen: SocketAddr, shared: Arc<Shared>) -> Result<Self, SimError> {
        let bind_error = |source| SimError::Bind {
            addr: listen,
            source,
        };
        let listener = TcpListener::bind(listen).await.map_err(bind_error)?;
        let addr = listener.local_addr().map_err(bind_error)?;
        let server = Self {
            addr,
            shared,
            running: Mutex::new(None),
        };
        server.run(listener);
        Ok(server)
    }

    pub(crate) fn addr(&self) -> SocketAddr {
        self.addr
    }

    fn run(&self, listener: TcpListener) {
        let stop = CancellationToken::new();
        let accept = tokio::spawn(accept_loop(
            listener,
            Arc::clone(&self.shared),
            stop.clone(),
        ));
        *self.running.lock().unwrap_or_else(PoisonError::into_inner) =
            Some(Running { stop, accept });
    }

    /// Stops listening and cuts every open connection.
    pub(crate) async fn stop(&self) {
        let running = self
            .running
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(running) = running {
            running.stop.cancel();
            let _ = running.accept.await;
        }
    }

    pub(crate) fn is_running(&self) -> bool {
        self.running
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_some()
    }

    /// Listens again on the same address (nothing to do if it listens already).
    pub(crate) async fn resume(&self) -> Result<(), SimError> {
        if self.is_running() {
            return Ok(());
        }
        let mut last_error = None;
        // The port was just released; on a busy machine binding it again can take a moment.
        for _ in 0..50 {
            match TcpListener::bind(self.addr).await {
                Ok(listener) => {
                    self.run(listener);
                    return Ok(());
                }
                Err(err) => {
                    last_error = Some(err);
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }
        }
        Err(SimError::Bind {
            addr: self.addr,
            source: last_error.unwrap_or_else(|| std::io::Error::other("bind failed")),
        })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(running) = self
            .running
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
        {
            running.stop.cancel();
            running.accept.abort();
        }
    }
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>, stop: CancellationToken) {
    let router = super::http::router(Arc::clone(&shared));
    loop {
        let accepted = tokio::select! {
            () = stop.cancelled() => return,
            accepted = listener.accept() => accepted,
        };
        let Ok((tcp, _)) = accepted else { continue };
        // Events are small writes: without this, Nagle's algorithm holds one back until the
        // client's delayed ACK (40 ms), which is the simulator's doing, not the client's.
        if let Err(err) = tcp.set_nodelay(true) {
            tracing::debug!("could not set TCP_NODELAY: {err}");
        }
        let config = shared
            .identity
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .config
            .clone();
        let router = router.clone();
        let stop = stop.clone();
        tokio::spawn(async move {
            tokio::select! {
                () = stop.cancelled() => {}
                () = serve(tcp, TlsAcceptor::from(config), router) => {}
            }
        });
    }
}

async fn serve(tcp: TcpStream, acceptor: TlsAcceptor, router: axum::Router) {
    let Ok(Ok(tls)) = tokio::time::timeout(Duration::from_secs(10), acceptor.accept(tcp)).await
    else {
        return;
    };
    let service = hyper::service::service_fn(move |request| router.clone().oneshot(request));
    if let Err(err) = hyper::server::conn::http1::Builder::new()
        .serve_connection(TokioIo::new(tls), service)
        .await
    {
        tracing::debug!("simulated bridge connection ended: {err}");
    }
}
