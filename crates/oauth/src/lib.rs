//! Native-app OAuth 2 (RFC 8252) for Hearth, built on the `oauth2` crate. No Tauri here: the app
//! and the CLI drive the same code.
//!
//! - [`OAuthClient`]: the authorization-code flow with `state` always checked and PKCE (S256)
//!   always sent, client authentication [`ClientAuth::Basic`] or [`ClientAuth::Digest`] (the Hue
//!   cloud's), code exchange and refresh.
//! - [`receiver`]: the three ways the redirect comes back, behind one trait
//!   ([`receiver::CallbackReceiver`]): a one-shot loopback server on 127.0.0.1 (HTTP, or HTTPS
//!   with a certificate made at run time), deep links (`hearth://oauth/callback?…`) and a pasted
//!   redirect URL.
//! - [`callback`]: how a redirect's query is read and validated, shared by the three receivers
//!   and by the app's deep-link parser.
//! - [`TokenManager`]: a token set kept in a [`hearth_secret::SecretStore`], refreshed ahead of
//!   expiry and after a 401, single-flight, with refresh-token rotation that never loses a token.
//! - [`device`]: the device-authorization grant (RFC 8628) with progress events and cancellation.
//!
//! Nothing in this crate logs or formats an authorization code, a token or a secret: they travel
//! as [`Secret`], and every error message is written for a user.

pub mod callback;
mod client;
pub mod device;
mod digest;
mod error;
mod manager;
mod pages;
pub mod receiver;
mod tokens;
mod transport;

pub use client::{AuthorizationRequest, ClientAuth, OAuthClient, OAuthConfig};
pub use error::OAuthError;
pub use hearth_secret::Secret;
pub use manager::{AccessToken, LinkStatus, TokenError, TokenManager};
pub use tokens::TokenSet;
