//! A stand-in for the Hue cloud's discovery endpoint (`GET /` →
//! `[{"id", "internalipaddress", "port"}]`), over plain HTTP on 127.0.0.1, so that tests exercise
//! the real discovery code without reaching the real endpoint.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::routing::get;
use serde_json::{Value, json};

use super::SimError;
use crate::background::Background;

/// A running discovery endpoint. Dropping it stops it.
#[derive(Debug)]
pub struct DiscoveryEndpoint {
    server: Background,
    requests: Arc<AtomicUsize>,
}

impl DiscoveryEndpoint {
    /// Answers every `GET /` with `entries`.
    pub async fn start(entries: Vec<Value>) -> Result<Self, SimError> {
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
        let server = Background::start(app)
            .await
            .map_err(|source| SimError::Bind {
                addr: SocketAddr::from(([127, 0, 0, 1], 0)),
                source,
            })?;
        Ok(Self { server, requests })
    }

    /// The entry a bridge at `addr` with id `bridge_id` would have.
    pub fn entry(bridge_id: &str, addr: SocketAddr) -> Value {
        json!({"id": bridge_id, "internalipaddress": addr.ip().to_string(), "port": addr.port()})
    }

    pub fn url(&self) -> String {
        format!("http://{}/", self.server.addr())
    }

    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}
