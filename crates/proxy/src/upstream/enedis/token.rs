//! The application token (client credentials) and the one paced call every endpoint goes through.

use std::time::Duration;

use hearth_secret::Secret;
use serde::Deserialize;
use serde_json::Value;

use super::{Enedis, UpstreamError, api};

const APP_TOKEN_KEY: &str = "enedis:app-token";
/// The pacer's queue for the proxy's own calls (application token, consent checks).
pub(super) const APP_USER: &str = "\u{0}application";

#[derive(Deserialize)]
struct AppToken {
    access_token: Secret,
    expires_in: Option<u64>,
}
impl Enedis {
    /// The application token (client credentials), shared by every instance through the store
    /// and renewed five minutes before it expires.
    async fn app_token(&self, renew: bool) -> Result<Secret, UpstreamError> {
        const ENDPOINT: &str = "oauth2/v3/token";
        if !renew && let Some(token) = self.store.get(APP_TOKEN_KEY).await? {
            return Ok(Secret::new(token));
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
        self.check_status(ENDPOINT, &response).await?;
        if status != 200 {
            return Err(UpstreamError::BadResponse {
                endpoint: ENDPOINT,
                reason: format!("status {status}"),
            });
        }
        let token: AppToken = response
            .json()
            .await
            .map_err(|_| UpstreamError::BadResponse {
                endpoint: ENDPOINT,
                reason: "not a token response".into(),
            })?;
        let lifetime = token
            .expires_in
            .unwrap_or(12_600)
            .saturating_sub(300)
            .max(30);
        self.store
            .put(
                APP_TOKEN_KEY,
                token.access_token.expose(),
                Some(Duration::from_secs(lifetime)),
            )
            .await?;
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
            self.check_status(endpoint, &response).await?;
            if status == 401 && !renew {
                renew = true;
                continue;
            }
            // Error bodies are read only for their code; an unparsable one is just empty.
            let body = response.json::<Value>().await.unwrap_or(Value::Null);
            return Ok((status, body));
        }
    }
}
