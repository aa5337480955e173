//! A stand-in for the Hue cloud's discovery endpoint (`GET /` →
//! `[{"id", "internalipaddress", "port"}]`), over plain HTTP on 127.0.0.1, so that tests exercise
//! the real discovery code without reaching the real endpoint.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::routing::get;
use serde_json::{Value, json};
use tokio::net::TcpListener;

use super::SimError;

/// A running discovery endpoint. Dropping it stops it.
#[derive(Debug)]
pub struct DiscoveryEndpoint {
    addr: SocketAddr,
    requests: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl DiscoveryEndpoint {
    /// Answers every `GET /` with `entries`.
    pub async fn start(entries: Vec<Value>) -> Result<Self, SimError> {
        let listen = SocketAddr::from(([127, 0, 0, 1], 0));
        let listener = TcpListener::bind(listen)
            .await
            .map_err(|source| SimError::Bind {
                addr: listen,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| SimError::Bind {
            addr: listen,
            source,
        })?;
        let requests = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&requests);
        let body = Arc::new(Value::Array(entries));
        let app = Router::new().route(
            "/",
            get(move || {
                counter.fetch_add(1, Ordering::SeqCst);
                let body = Arc::clone(&body);
                async move { axum::Json((*body).clone()) }
            }),
        );
        let task = tokio::spawn(async move {
            if let Err(err) = axum::serve(listener, app).await {
                tracing::warn!("discovery endpoint stopped: {err}");
            }
        });
        Ok(Self {
            addr,
            requests,
            task,
        })
    }

    /// The entry a bridge at `addr` with id `bridge_id` would have.
    pub fn entry(bridge_id: &str, addr: SocketAddr) -> Value {
        json!({"id": bridge_id, "internalipaddress": addr.ip().to_string(), "port": addr.port()})
    }

    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

impl Drop for DiscoveryEndpoint {
    fn drop(&mut self) {
        self.task.abort();
    }
}
