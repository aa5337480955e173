//! Philips Hue client: CLIP v2 (and v1 for older bridges) on the local network or through the Hue
//! cloud, discovery, pairing, the event stream, a live state cache and a command pacer. No UI, no
//! Tauri: `hearth-core` builds the app's model on it and `hearth-cli` uses that.
//!
//! The layers, bottom up:
//! - [`transport`]: how a request reaches a bridge ([`LocalTransport`]: HTTPS with the certificate
//!   rules of [`tls`]; [`RemoteTransport`]: through the Hue cloud, see [`remote`]);
//! - [`Client`] (CLIP v2) and [`v1::V1Client`]; [`model`] types what they read and send, [`color`]
//!   turns colours into what a light can show;
//! - [`pairing`], [`discovery`] (which reads the [`BridgeAddress`]es users type);
//! - [`events`] (SSE parsing, the reconnecting stream) and [`remote::poll`] (the same items from
//!   polling the cloud), [`Cache`] (state with events applied), [`Pacer`] (rate limits and
//!   coalescing).

pub mod address;
pub mod cache;
pub mod client;
pub mod color;
pub mod discovery;
mod error;
pub mod events;
pub mod model;
pub mod pacer;
pub mod pairing;
pub mod remote;
pub mod tls;
pub mod transport;
pub mod v1;

pub use address::BridgeAddress;
pub use cache::Cache;
pub use client::{Client, RetryPolicy, Target};
pub use color::{Gamut, Xy};
pub use error::Error;
pub use events::Event;
pub use pacer::{Pacer, PacerConfig};
pub use remote::{BearerError, BearerSource, RemoteActivity, RemoteConfig, RemoteTransport};
pub use tls::{BridgeIdentity, CertificateProblem, Fingerprint, PeerCertificate, TrustRoots};
pub use transport::{LocalConfig, LocalTransport, Transport};
