//! Each linked meter's tokens: kept in the secret store (one entry per meter, see
//! [`token_entry`]), handed out by a `hearth_oauth::TokenManager` per meter, which refreshes
//! through the proxy's `/device/proxy` ahead of expiry and after a 401, single-flight, and
//! stores each rotated refresh token before using its access token.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use hearth_oauth::{
    ClientAuth, LinkStatus, OAuthClient, OAuthConfig, TokenError, TokenManager, TokenSet,
};
use hearth_secret::SecretStore;

use crate::proxy::{ConfigError, ProxyConfig, token_entry};

/// The token managers of the meters linked through one proxy.
pub struct MeterTokens {
    config: ProxyConfig,
    client: OAuthClient,
    store: Arc<dyn SecretStore>,
    managers: Mutex<HashMap<String, Arc<TokenManager>>>,
}

impl fmt::Debug for MeterTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MeterTokens")
            .field("proxy", &self.config.url().as_str())
            .field("store", &self.store.kind())
            .finish_non_exhaustive()
    }
}

impl MeterTokens {
    /// Tokens kept in `store`, renewed at `config`'s proxy over `http` (build it with
    /// [`crate::http_client`]: no redirects).
    pub fn new(
        config: ProxyConfig,
        store: Arc<dyn SecretStore>,
        http: reqwest::Client,
    ) -> Result<Self, ConfigError> {
        // The proxy is a public client's server: the client id in the form, no secret (the
        // proxy adds Enedis's). Only refreshes go through this client, to `/device/proxy`,
        // the route that takes nothing but `refresh_token`.
        let oauth = OAuthConfig {
            client_id: config.client_id().to_owned(),
            client_secret: None,
            auth: ClientAuth::None,
            authorize_url: config.route("device")?,
            token_url: config.route("device/proxy")?,
            scopes: Vec::new(),
            extra_authorize_params: Vec::new(),
        };
        Ok(Self {
            client: OAuthClient::with_http(oauth, http),
            config,
            store,
            managers: Mutex::default(),
        })
    }

    pub fn config(&self) -> &ProxyConfig {
        &self.config
    }

    /// The manager of meter `prm`'s tokens (one per meter for the life of `self`, so that its
    /// refreshes are single-flight).
    pub fn manager(&self, prm: &str) -> Arc<TokenManager> {
        let mut managers = self.managers.lock().unwrap_or_else(PoisonError::into_inner);
        Arc::clone(managers.entry(prm.to_owned()).or_insert_with(|| {
            Arc::new(TokenManager::new(
                self.client.clone(),
                Arc::clone(&self.store),
                token_entry(prm),
            ))
        }))
    }

    /// Keeps the tokens of a new link of meter `prm`, replacing any earlier link of it.
    pub async fn save(&self, prm: &str, tokens: TokenSet) -> Result<(), TokenError> {
        self.manager(prm).save_new_link(tokens).await
    }

    /// Forgets meter `prm`'s tokens (unlinking). The history is not this crate's to forget.
    pub async fn forget(&self, prm: &str) -> Result<(), TokenError> {
        self.manager(prm).unlink().await
    }

    /// Meter `prm`'s link as the store holds it: linked, needs relinking, not linked.
    pub async fn status(&self, prm: &str) -> Result<LinkStatus, TokenError> {
        self.manager(prm).load().await
    }
}
