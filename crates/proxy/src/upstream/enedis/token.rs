//! The application token (client credentials) and the one paced call every endpoint goes through.

use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use hearth_secret::Secret;
use serde::Deserialize;
use serde_json::Value;

use super::{Enedis, UpstreamError, api};
use crate::seal;
use crate::store::{Store, StoreError};
use crate::upstream::retry_after;

/// Where instances sharing a Redis keep the application token, sealed with a key derived from
/// the client secret (which never enters the store).
const APP_TOKEN_KEY: &str = "enedis:app-token";
const APP_TOKEN_PURPOSE: &str = "enedis application token";
/// How long a token read from the shared store is used before the store is asked again (another
/// instance may have renewed it).
const SHARED_REREAD: Duration = Duration::from_secs(60);

/// The application token in this process's memory, with the moment to stop using it. With the
/// embedded store it lives only here: a restart asks Enedis for a new one.
#[derive(Default)]
pub struct AppTokenCache(Box<Mutex<Option<(Secret, Instant)>>>);

impl AppTokenCache {
    fn get(&self) -> Option<Secret> {
        let cached = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        cached
            .as_ref()
            .filter(|(_, until)| Instant::now() < *until)
            .map(|(token, _)| token.clone())
    }

    fn set(&self, token: &Secret, lifetime: Duration) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) =
            Some((token.clone(), Instant::now() + lifetime));
    }
}

/// Drops an application token stored in clear by an earlier version (an upgrade in place).
pub async fn forget_clear_app_token(store: &dyn Store) -> Result<(), StoreError> {
    if let Some(value) = store.get(APP_TOKEN_KEY).await?
        && !seal::is_sealed(&value)
    {
        store.delete(APP_TOKEN_KEY).await?;
    }
    Ok(())
}
/// The pacer's queue for the proxy's own calls (application token, consent checks).
pub(super) const APP_USER: &str = "\u{0}application";

#[derive(Deserialize)]
struct AppToken {
    access_token: Secret,
    expires_in: Option<u64>,
}
impl Enedis {
    /// The application token (client credentials), renewed five minutes before it expires: in
    /// memory, and with a shared store (Redis) also there, sealed, for the other instances.
    async fn app_token(&self, renew: bool) -> Result<Secret, UpstreamError> {
        const ENDPOINT: &str = "oauth2/v3/token";
        if !renew {
            if let Some(token) = self.app_token.get() {
                return Ok(token);
            }
            if self.store.shared()
                && let Some(sealed) = self.store.get(APP_TOKEN_KEY).await?
                && let Ok(token) =
                    seal::open_with_secret(self.client_secret.expose(), APP_TOKEN_PURPOSE, &sealed)
            {
                let token = Secret::new(String::from_utf8_lossy(&token).into_owned());
                self.app_token.set(&token, SHARED_REREAD);
                return Ok(token);
            }
        }
        self.pacer.acquire(APP_USER).await?;
        let response = self
            .http
            .post(self.url(api::TOKEN_PATH)?)
            .header(reqwest::header::ACCEPT, "application/json")
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_id", self.client_id.as_str()),
                ("client_secret", self.client_secret.expose()),
            ])
            .send()
            .await
            .map_err(UpstreamError::Unreachable)?;
        let status = response.status().as_u16();
        self.metrics.upstream(ENDPOINT, status);
        let retry = retry_after(&response);
        let bytes = response.bytes().await.map_err(UpstreamError::Unreachable)?;
        if status != 200 {
            // Only an error body is read as JSON (for its quota fields): a token stays in bytes.
            let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
            self.check_status(ENDPOINT, status, retry, &body).await?;
            return Err(UpstreamError::BadResponse {
                endpoint: ENDPOINT,
                reason: format!("status {status}"),
            });
        }
        let token: AppToken =
            serde_json::from_slice(&bytes).map_err(|_| UpstreamError::BadResponse {
                endpoint: ENDPOINT,
                reason: "not a token response".into(),
            })?;
        let lifetime = token
            .expires_in
            .unwrap_or(12_600)
            .saturating_sub(300)
            .max(30);
        let lifetime = Duration::from_secs(lifetime);
        self.app_token.set(&token.access_token, lifetime);
        if self.store.shared() {
            let sealed = seal::seal_with_secret(
                self.client_secret.expose(),
                APP_TOKEN_PURPOSE,
                token.access_token.expose().as_bytes(),
            )
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            self.store
                .put(APP_TOKEN_KEY, &sealed, Some(lifetime))
                .await?;
        }
        Ok(token.access_token)
    }

    /// One paced call with the application token, renewed and retried once on 401.
    pub(super) async fn call(
        &self,
        endpoint: &'static str,
        user: &str,
        request: impl Fn(&Secret) -> Result<reqwest::RequestBuilder, UpstreamError>,
    ) -> Result<(u16, Value), UpstreamError> {
        let mut renew = false;
        loop {
            let token = self.app_token(renew).await?;
            self.pacer.acquire(user).await?;
            let response = request(&token)?
                .header(reqwest::header::ACCEPT, "application/json")
                .send()
                .await
                .map_err(UpstreamError::Unreachable)?;
            let status = response.status().as_u16();
            self.metrics.upstream(endpoint, status);
            let retry = retry_after(&response);
            // Error bodies are read only for their code; an unparsable one is just empty.
            let body = response.json::<Value>().await.unwrap_or(Value::Null);
            self.check_status(endpoint, status, retry, &body).await?;
            if status == 401 && !renew {
                renew = true;
                continue;
            }
            return Ok((status, body));
        }
    }
}
