//! Generic OAuth 2 mode: the browser goes to the upstream authorization endpoint with PKCE; the
//! proxy exchanges the code server-side with the configured `client_secret` and hands the
//! upstream token response to the device once; refreshes are relayed with the secret added.

use hearth_secret::Secret;
use serde_json::{Map, Value};
use url::Url;

use super::{UpstreamError, oauth_error_code, retry_after, token_object};

pub struct Generic {
    pub authorize_url: Url,
    pub token_url: Url,
    pub client_id: String,
    pub client_secret: Option<Secret>,
    pub scope: Option<String>,
    pub http: reqwest::Client,
}

impl Generic {
    pub fn authorize_redirect(
        &self,
        state: &str,
        code_challenge: &str,
        redirect_uri: &str,
        scope: Option<&str>,
    ) -> Url {
        let mut url = self.authorize_url.clone();
        {
            let mut query = url.query_pairs_mut();
            query
                .append_pair("response_type", "code")
                .append_pair("client_id", &self.client_id)
                .append_pair("redirect_uri", redirect_uri)
                .append_pair("state", state)
                .append_pair("code_challenge", code_challenge)
                .append_pair("code_challenge_method", "S256");
            if let Some(scope) = scope.or(self.scope.as_deref()).filter(|s| !s.is_empty()) {
                query.append_pair("scope", scope);
            }
        }
        url
    }

    pub async fn exchange(
        &self,
        code: &str,
        verifier: &str,
        redirect_uri: &str,
    ) -> Result<Map<String, Value>, UpstreamError> {
        self.token_request(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect_uri),
            ("code_verifier", verifier),
        ])
        .await
    }

    pub async fn refresh(
        &self,
        refresh_token: &Secret,
        scope: Option<&str>,
    ) -> Result<Map<String, Value>, UpstreamError> {
        let mut form = vec![
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token.expose()),
        ];
        if let Some(scope) = scope {
            form.push(("scope", scope));
        }
        self.token_request(&form).await
    }

    async fn token_request(
        &self,
        form: &[(&str, &str)],
    ) -> Result<Map<String, Value>, UpstreamError> {
        const ENDPOINT: &str = "token";
        let mut form = form.to_vec();
        form.push(("client_id", &self.client_id));
        if let Some(secret) = &self.client_secret {
            form.push(("client_secret", secret.expose()));
        }
        let response = self
            .http
            .post(self.token_url.clone())
            .header(reqwest::header::ACCEPT, "application/json")
            .form(&form)
            .send()
            .await
            .map_err(UpstreamError::Unreachable)?;
        let status = response.status();
        if status.as_u16() == 429 {
            return Err(UpstreamError::RateLimited {
                endpoint: ENDPOINT,
                retry_after: retry_after(&response),
            });
        }
        if status.is_server_error() {
            return Err(UpstreamError::Unavailable {
                endpoint: ENDPOINT,
                status: status.as_u16(),
            });
        }
        let body: Value = response
            .json()
            .await
            .map_err(|_| UpstreamError::BadResponse {
                endpoint: ENDPOINT,
                reason: format!("status {status}, not JSON"),
            })?;
        if !status.is_success() {
            return Err(UpstreamError::OAuth(oauth_error_code(&body)));
        }
        token_object(ENDPOINT, body)
    }
}
