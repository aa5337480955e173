//! The authorization-code flow (RFC 6749 §4.1) as RFC 8252 wants it for native apps: consent in
//! the system browser (opened by the caller), `state` always checked, PKCE S256 always sent (a
//! provider that ignores it, as the Hue cloud may, loses nothing), and the client authenticated
//! at the token endpoint with Basic or Digest.

use std::fmt;
use std::time::SystemTime;

use hearth_secret::Secret;
use oauth2::basic::BasicClient;
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointNotSet,
    EndpointSet, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RefreshToken, Scope, TokenUrl,
    reqwest,
};
use url::Url;

use crate::OAuthError;
use crate::receiver::CallbackReceiver;
use crate::tokens::TokenSet;
use crate::transport::Transport;

/// How the app proves who it is to the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClientAuth {
    /// `Authorization: Basic base64(id:secret)` (RFC 6749 §2.3.1). The secret crosses the wire,
    /// inside TLS.
    #[default]
    Basic,
    /// HTTP Digest after the server's 401 challenge, as the Hue cloud offers: the secret never
    /// crosses the wire.
    Digest,
    /// `client_id` and `client_secret` in the form body (`client_secret_post`).
    RequestBody,
    /// A public client: `client_id` in the form body, no secret; PKCE is its only proof.
    None,
}

/// An `oauth2` client, its endpoints still to set, that authenticates as `auth` says. Digest is
/// added by the [`Transport`]; until then, as for a public client, the id goes in the form body.
pub(crate) fn basic_client(
    client_id: &str,
    auth: ClientAuth,
    secret: Option<&Secret>,
) -> BasicClient {
    let client = BasicClient::new(ClientId::new(client_id.to_owned()));
    match (auth, secret) {
        (ClientAuth::Basic, Some(secret)) => client
            .set_client_secret(ClientSecret::new(secret.expose().to_owned()))
            .set_auth_type(AuthType::BasicAuth),
        (ClientAuth::RequestBody, Some(secret)) => client
            .set_client_secret(ClientSecret::new(secret.expose().to_owned()))
            .set_auth_type(AuthType::RequestBody),
        _ => client.set_auth_type(AuthType::RequestBody),
    }
}

/// What the app registered with the provider, and where the provider is.
#[derive(Clone)]
pub struct OAuthConfig {
    pub client_id: String,
    pub client_secret: Option<Secret>,
    pub auth: ClientAuth,
    pub authorize_url: Url,
    pub token_url: Url,
    pub scopes: Vec<String>,
    /// Provider-specific parameters of the authorization request (the Hue cloud's `appid`,
    /// `deviceid`, `devicename`).
    pub extra_authorize_params: Vec<(String, String)>,
}

impl OAuthConfig {
    /// The Hue Remote API's endpoints under `base` (normally `https://api.meethue.com`).
    pub fn hue(
        base: &Url,
        client_id: impl Into<String>,
        client_secret: Secret,
        auth: ClientAuth,
    ) -> Result<Self, OAuthError> {
        let join = |path| {
            base.join(path)
                .map_err(|_| OAuthError::Config("the Hue cloud address is not a base URL"))
        };
        Ok(Self {
            client_id: client_id.into(),
            client_secret: Some(client_secret),
            auth,
            authorize_url: join("/v2/oauth2/authorize")?,
            token_url: join("/v2/oauth2/token")?,
            scopes: Vec::new(),
            extra_authorize_params: Vec::new(),
        })
    }
}

impl fmt::Debug for OAuthConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthConfig")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("auth", &self.auth)
            .field("authorize_url", &self.authorize_url.as_str())
            .field("token_url", &self.token_url.as_str())
            .field("scopes", &self.scopes)
            .finish_non_exhaustive()
    }
}

type CodeClient =
    BasicClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointSet>;

/// A configured OAuth client. Cheap to clone.
#[derive(Clone, Debug)]
pub struct OAuthClient {
    config: OAuthConfig,
    transport: Transport,
}

/// A started authorization: the URL to open in the browser, and what the answer must match.
/// Single use: [`OAuthClient::exchange`] consumes it.
pub struct AuthorizationRequest {
    url: Url,
    state: CsrfToken,
    verifier: PkceCodeVerifier,
    redirect_uri: Url,
}

impl AuthorizationRequest {
    /// The page to open in the system browser.
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The `state` the answer must carry.
    pub fn state(&self) -> &str {
        self.state.secret()
    }

    pub fn redirect_uri(&self) -> &Url {
        &self.redirect_uri
    }
}

impl fmt::Debug for AuthorizationRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthorizationRequest")
            .field(
                "endpoint",
                &format!(
                    "{}{}",
                    self.url.origin().ascii_serialization(),
                    self.url.path()
                ),
            )
            .field("redirect_uri", &self.redirect_uri.as_str())
            .finish_non_exhaustive()
    }
}

impl OAuthClient {
    /// A client with its own HTTP client (no redirects, bounded in time, the platform's roots).
    pub fn new(config: OAuthConfig) -> Result<Self, OAuthError> {
        Ok(Self::with_http(config, Transport::default_http()?))
    }

    /// A client over the given HTTP client (for one that trusts a test CA). Build it with
    /// redirects disabled.
    pub fn with_http(config: OAuthConfig, http: reqwest::Client) -> Self {
        Self {
            transport: Transport::new(
                http,
                &config.client_id,
                config.auth,
                config.client_secret.as_ref(),
            ),
            config,
        }
    }

    pub fn config(&self) -> &OAuthConfig {
        &self.config
    }

    fn oauth(&self) -> CodeClient {
        let config = &self.config;
        basic_client(
            &config.client_id,
            config.auth,
            config.client_secret.as_ref(),
        )
        .set_auth_uri(AuthUrl::from_url(config.authorize_url.clone()))
        .set_token_uri(TokenUrl::from_url(config.token_url.clone()))
    }

    fn check_secret(&self) -> Result<(), OAuthError> {
        match (self.config.auth, &self.config.client_secret) {
            (ClientAuth::None, _) => Ok(()),
            (_, Some(secret)) if !secret.is_empty() => Ok(()),
            _ => Err(OAuthError::Config(
                "this client authentication needs a client secret",
            )),
        }
    }

    /// Starts an authorization whose answer comes back to `redirect_uri`: a fresh `state` and
    /// PKCE verifier, and the URL for the browser.
    pub fn authorize(&self, redirect_uri: &Url) -> Result<AuthorizationRequest, OAuthError> {
        self.check_secret()?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let redirect = RedirectUrl::from_url(redirect_uri.clone());
        let oauth = self.oauth();
        let mut request = oauth
            .authorize_url(CsrfToken::new_random)
            .set_redirect_uri(std::borrow::Cow::Owned(redirect))
            .set_pkce_challenge(challenge)
            .add_scopes(self.config.scopes.iter().cloned().map(Scope::new));
        for (name, value) in &self.config.extra_authorize_params {
            request = request.add_extra_param(name.clone(), value.clone());
        }
        let (url, state) = request.url();
        Ok(AuthorizationRequest {
            url,
            state,
            verifier,
            redirect_uri: redirect_uri.clone(),
        })
    }

    /// Exchanges the code the redirect brought for tokens.
    pub async fn exchange(
        &self,
        request: AuthorizationRequest,
        code: Secret,
    ) -> Result<TokenSet, OAuthError> {
        self.check_secret()?;
        let response = self
            .oauth()
            .exchange_code(AuthorizationCode::new(code.into_inner()))
            .set_pkce_verifier(request.verifier)
            .set_redirect_uri(std::borrow::Cow::Owned(RedirectUrl::from_url(
                request.redirect_uri,
            )))
            .request_async(&self.transport)
            .await?;
        Ok(TokenSet::from_response(&response, SystemTime::now()))
    }

    /// Trades a refresh token for a new token set. A server that does not rotate refresh tokens
    /// sends none back: the old one is kept.
    pub async fn refresh(&self, refresh_token: &Secret) -> Result<TokenSet, OAuthError> {
        self.check_secret()?;
        let token = RefreshToken::new(refresh_token.expose().to_owned());
        let response = self
            .oauth()
            .exchange_refresh_token(&token)
            .request_async(&self.transport)
            .await?;
        let mut tokens = TokenSet::from_response(&response, SystemTime::now());
        if tokens.refresh_token.is_none() {
            tokens.refresh_token = Some(refresh_token.clone());
        }
        Ok(tokens)
    }

    /// The whole link: starts an authorization for `receiver`'s redirect URI, lets the caller
    /// open the URL (in the system browser, or by printing it), waits for the answer and
    /// exchanges the code.
    pub async fn link<R: CallbackReceiver>(
        &self,
        receiver: &mut R,
        open: impl FnOnce(&Url),
    ) -> Result<TokenSet, OAuthError> {
        let request = self.authorize(receiver.redirect_uri())?;
        receiver.expect(request.state());
        open(request.url());
        let code = receiver.receive(request.state()).await?;
        self.exchange(request, code).await
    }
}
