//! The device-authorization grant (RFC 8628), for the energy account: the app shows a code and a
//! page, the user approves in any browser, the app polls the token endpoint.
//!
//! The start is `oauth2`'s device authorization request. The polling loop is ours rather than
//! `oauth2`'s `request_async`, because the app needs what that loop cannot give: progress events
//! for a countdown, cancellation from the UI, and a slow-down step that tests can shorten. It
//! follows the RFC: wait `interval` before each poll (5 s when the server names none), add
//! 5 s for good on `slow_down`, back off on network errors, stop on `access_denied`,
//! `expired_token` and any other error, and give up on its own once the code's lifetime (plus a
//! grace, so that the server has the last word) has passed.

use std::fmt;
use std::time::{Duration, Instant};

use hearth_secret::Secret;
use oauth2::basic::{BasicClient, BasicTokenResponse};
use oauth2::{
    DeviceAuthorizationUrl, DeviceCodeErrorResponse, DeviceCodeErrorResponseType, EndpointNotSet,
    EndpointSet, HttpRequest, Scope, StandardDeviceAuthorizationResponse, TokenUrl, reqwest,
};
use tokio_util::sync::CancellationToken;
use url::Url;

use crate::client::{ClientAuth, basic_client};
use crate::error::{OAuthError, sanitize_code};
use crate::tokens::TokenSet;
use crate::transport::{Transport, TransportError};

/// RFC 8628 §3.5: the interval when the server names none, and the step added on `slow_down`.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(5);
pub const SLOW_DOWN_STEP: Duration = Duration::from_secs(5);
/// How long past the code's lifetime the client keeps asking before giving up by itself.
const GIVE_UP_GRACE: Duration = Duration::from_secs(5);
/// The longest wait between polls after network errors.
const MAX_BACKOFF: Duration = Duration::from_secs(60);

#[derive(Clone)]
pub struct DeviceConfig {
    pub client_id: String,
    pub client_secret: Option<Secret>,
    pub auth: ClientAuth,
    pub device_authorization_url: Url,
    pub token_url: Url,
    pub scopes: Vec<String>,
    /// Extra form fields of the device authorization request.
    pub extra_params: Vec<(String, String)>,
    /// What `slow_down` adds to the interval: [`SLOW_DOWN_STEP`] except in tests.
    pub slow_down_step: Duration,
}

impl DeviceConfig {
    pub fn new(
        client_id: impl Into<String>,
        device_authorization_url: Url,
        token_url: Url,
    ) -> Self {
        Self {
            client_id: client_id.into(),
            client_secret: None,
            auth: ClientAuth::None,
            device_authorization_url,
            token_url,
            scopes: Vec::new(),
            extra_params: Vec::new(),
            slow_down_step: SLOW_DOWN_STEP,
        }
    }
}

impl fmt::Debug for DeviceConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeviceConfig")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("auth", &self.auth)
            .field(
                "device_authorization_url",
                &self.device_authorization_url.as_str(),
            )
            .field("token_url", &self.token_url.as_str())
            .finish_non_exhaustive()
    }
}

/// What the user must do, and how long they have.
pub struct DeviceAuthorization {
    device_code: Secret,
    pub user_code: String,
    pub verification_uri: Url,
    /// The page with the code filled in, when the server offers one.
    pub verification_uri_complete: Option<Url>,
    pub expires_in: Duration,
    pub interval: Duration,
    started: Instant,
}

impl DeviceAuthorization {
    /// When the code stops working, for a countdown.
    pub fn expires_at(&self) -> Instant {
        self.started + self.expires_in
    }
}

impl fmt::Debug for DeviceAuthorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeviceAuthorization")
            .field("device_code", &self.device_code)
            .field("user_code", &self.user_code)
            .field("verification_uri", &self.verification_uri.as_str())
            .field("expires_in", &self.expires_in)
            .field("interval", &self.interval)
            .finish_non_exhaustive()
    }
}

/// What an approved flow yields: the tokens, and the token response's other string fields
/// (a provider's additions, such as hearth-proxy's `usage_point_id`), which RFC 6749 allows and
/// `TokenSet` has no room for.
#[derive(Clone, PartialEq, Eq)]
pub struct DeviceGrant {
    pub tokens: TokenSet,
    extra: Vec<(String, String)>,
}

/// The token response's own fields, never kept among the extras.
const TOKEN_FIELDS: [&str; 6] = [
    "access_token",
    "refresh_token",
    "id_token",
    "token_type",
    "expires_in",
    "scope",
];

impl DeviceGrant {
    fn from_body(body: &[u8], tokens: TokenSet) -> Self {
        let extra = serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(body)
            .unwrap_or_default()
            .into_iter()
            .filter(|(name, _)| !TOKEN_FIELDS.contains(&name.as_str()))
            .filter_map(|(name, value)| match value {
                serde_json::Value::String(value) => Some((name, value)),
                _ => None,
            })
            .collect();
        Self { tokens, extra }
    }

    /// A string field of the token response beside the tokens (`None` for the tokens
    /// themselves).
    pub fn field(&self, name: &str) -> Option<&str> {
        self.extra
            .iter()
            .find(|(field, _)| field == name)
            .map(|(_, value)| value.as_str())
    }
}

impl fmt::Debug for DeviceGrant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Only the names: a provider's extra field could be a credential too.
        f.debug_struct("DeviceGrant")
            .field("tokens", &self.tokens)
            .field(
                "extra",
                &self.extra.iter().map(|(name, _)| name).collect::<Vec<_>>(),
            )
            .finish()
    }
}

/// Progress while waiting for the user, after each poll.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviceProgress {
    /// The user has not finished yet; the next poll is in `next_poll_in`.
    Pending {
        polls: u32,
        next_poll_in: Duration,
        expires_in: Duration,
    },
    /// The server asked to poll less often: the interval is now `interval`.
    SlowedDown {
        polls: u32,
        interval: Duration,
        expires_in: Duration,
    },
    /// The server could not be reached; trying again in `next_poll_in`.
    Retrying {
        polls: u32,
        next_poll_in: Duration,
        expires_in: Duration,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum DeviceError {
    #[error("the request was declined")]
    Denied,
    #[error("the code expired before it was approved; start again")]
    Expired,
    #[error("cancelled")]
    Cancelled,
    #[error("the sign-in service answered with the error `{0}`")]
    Server(String),
    #[error("the sign-in service's answer could not be understood")]
    BadReply,
    #[error(transparent)]
    Start(#[from] OAuthError),
}

type DeviceClient =
    BasicClient<EndpointNotSet, EndpointSet, EndpointNotSet, EndpointNotSet, EndpointSet>;

#[derive(Clone, Debug)]
pub struct DeviceFlow {
    config: DeviceConfig,
    transport: Transport,
}

enum Poll {
    Done(DeviceGrant),
    Pending,
    SlowDown,
    Unreachable,
}

impl DeviceFlow {
    pub fn new(config: DeviceConfig) -> Result<Self, OAuthError> {
        Ok(Self::with_http(config, Transport::default_http()?))
    }

    pub fn with_http(config: DeviceConfig, http: reqwest::Client) -> Self {
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

    fn oauth(&self) -> DeviceClient {
        let config = &self.config;
        basic_client(
            &config.client_id,
            config.auth,
            config.client_secret.as_ref(),
        )
        .set_device_authorization_url(DeviceAuthorizationUrl::from_url(
            config.device_authorization_url.clone(),
        ))
        .set_token_uri(TokenUrl::from_url(config.token_url.clone()))
    }

    /// Asks for a device code and a user code.
    pub async fn start(&self) -> Result<DeviceAuthorization, DeviceError> {
        let oauth = self.oauth();
        let mut request = oauth
            .exchange_device_code()
            .add_scopes(self.config.scopes.iter().cloned().map(Scope::new));
        for (name, value) in &self.config.extra_params {
            request = request.add_extra_param(name.clone(), value.clone());
        }
        let response: StandardDeviceAuthorizationResponse = request
            .request_async(&self.transport)
            .await
            .map_err(OAuthError::from)?;
        Ok(DeviceAuthorization {
            device_code: Secret::from(response.device_code().secret().as_str()),
            user_code: response.user_code().secret().clone(),
            verification_uri: response.verification_uri().url().clone(),
            verification_uri_complete: response
                .verification_uri_complete()
                .and_then(|uri| Url::parse(uri.secret()).ok()),
            expires_in: response.expires_in(),
            interval: match response.interval() {
                // A server that says 0 would have us poll in a loop.
                interval if interval.is_zero() => Duration::from_secs(1),
                interval => interval,
            },
            started: Instant::now(),
        })
    }

    /// Polls until the user approves (tokens), declines, the code expires, or `cancel` fires.
    /// Dropping the future also stops it.
    pub async fn wait(
        &self,
        authorization: &DeviceAuthorization,
        cancel: &CancellationToken,
        progress: impl FnMut(DeviceProgress) + Send,
    ) -> Result<TokenSet, DeviceError> {
        self.wait_for_grant(authorization, cancel, progress)
            .await
            .map(|grant| grant.tokens)
    }

    /// [`Self::wait`], with the token response's other fields (what the provider says the grant
    /// covers, for one).
    pub async fn wait_for_grant(
        &self,
        authorization: &DeviceAuthorization,
        cancel: &CancellationToken,
        mut progress: impl FnMut(DeviceProgress) + Send,
    ) -> Result<DeviceGrant, DeviceError> {
        let mut interval = authorization.interval;
        let mut wait = interval;
        let mut polls = 0_u32;
        // The server has the last word on expiry (`expired_token`); this only stops a client
        // whose server never says it.
        let give_up_at = authorization.expires_at() + interval.max(GIVE_UP_GRACE);
        loop {
            tokio::select! {
                () = cancel.cancelled() => return Err(DeviceError::Cancelled),
                () = tokio::time::sleep(wait) => {}
            }
            if Instant::now() >= give_up_at {
                return Err(DeviceError::Expired);
            }
            polls += 1;
            let outcome = tokio::select! {
                () = cancel.cancelled() => return Err(DeviceError::Cancelled),
                outcome = self.poll(authorization) => outcome?,
            };
            let expires_in = authorization
                .expires_at()
                .saturating_duration_since(Instant::now());
            match outcome {
                Poll::Done(tokens) => return Ok(tokens),
                Poll::Pending => {
                    wait = interval;
                    progress(DeviceProgress::Pending {
                        polls,
                        next_poll_in: wait,
                        expires_in,
                    });
                }
                Poll::SlowDown => {
                    interval += self.config.slow_down_step;
                    wait = interval;
                    progress(DeviceProgress::SlowedDown {
                        polls,
                        interval,
                        expires_in,
                    });
                }
                Poll::Unreachable => {
                    wait = (wait * 2).min(MAX_BACKOFF).max(interval);
                    progress(DeviceProgress::Retrying {
                        polls,
                        next_poll_in: wait,
                        expires_in,
                    });
                }
            }
        }
    }

    async fn poll(&self, authorization: &DeviceAuthorization) -> Result<Poll, DeviceError> {
        let request = self.poll_request(authorization)?;
        let response = match self.transport.send(request).await {
            Ok(response) => response,
            Err(TransportError::Unreachable(reason)) => {
                tracing::info!("polling for the device token failed ({reason}); will retry");
                return Ok(Poll::Unreachable);
            }
            Err(err) => return Err(DeviceError::Start(OAuthError::Transport(err))),
        };
        if response.status().is_success() {
            let tokens: BasicTokenResponse =
                serde_json::from_slice(response.body()).map_err(|_| DeviceError::BadReply)?;
            let tokens = TokenSet::from_response(&tokens, std::time::SystemTime::now());
            return Ok(Poll::Done(DeviceGrant::from_body(response.body(), tokens)));
        }
        if response.status().is_server_error() || response.status() == 429 {
            return Ok(Poll::Unreachable);
        }
        let error: DeviceCodeErrorResponse =
            serde_json::from_slice(response.body()).map_err(|_| DeviceError::BadReply)?;
        match error.error() {
            DeviceCodeErrorResponseType::AuthorizationPending => Ok(Poll::Pending),
            DeviceCodeErrorResponseType::SlowDown => Ok(Poll::SlowDown),
            DeviceCodeErrorResponseType::AccessDenied => Err(DeviceError::Denied),
            DeviceCodeErrorResponseType::ExpiredToken => Err(DeviceError::Expired),
            other @ DeviceCodeErrorResponseType::Basic(_) => {
                Err(DeviceError::Server(sanitize_code(other.as_ref())))
            }
        }
    }

    fn poll_request(
        &self,
        authorization: &DeviceAuthorization,
    ) -> Result<HttpRequest, DeviceError> {
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        form.append_pair("grant_type", "urn:ietf:params:oauth:grant-type:device_code")
            .append_pair("device_code", authorization.device_code.expose());
        let mut request = http::Request::builder()
            .method(http::Method::POST)
            .uri(self.config.token_url.as_str())
            .header(http::header::ACCEPT, "application/json")
            .header(
                http::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            );
        match (self.config.auth, &self.config.client_secret) {
            (ClientAuth::Basic, Some(secret)) => {
                use base64::Engine as _;
                let encode = |value: &str| {
                    url::form_urlencoded::byte_serialize(value.as_bytes()).collect::<String>()
                };
                let credentials = base64::engine::general_purpose::STANDARD.encode(format!(
                    "{}:{}",
                    encode(&self.config.client_id),
                    encode(secret.expose())
                ));
                let mut value = http::HeaderValue::from_str(&format!("Basic {credentials}"))
                    .map_err(|_| DeviceError::BadReply)?;
                value.set_sensitive(true);
                request = request.header(http::header::AUTHORIZATION, value);
            }
            (ClientAuth::RequestBody, Some(secret)) => {
                form.append_pair("client_id", &self.config.client_id)
                    .append_pair("client_secret", secret.expose());
            }
            _ => {
                form.append_pair("client_id", &self.config.client_id);
            }
        }
        request
            .body(form.finish().into_bytes())
            .map_err(|_| DeviceError::Start(OAuthError::Config("the token URL is not valid")))
    }
}

#[cfg(test)]
mod tests {
    //! Against a small RFC 8628 server of our own that scripts its answers and, like a strict
    //! server, answers `slow_down` to any poll that comes sooner than the current interval.
    //! (The peer tests in `tests/` run the flow against oidc-provider, which never slows down.)

    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};

    use axum::extract::{Form, State};
    use axum::http::StatusCode;
    use axum::response::{IntoResponse, Response};
    use axum::routing::post;
    use axum::{Json, Router};
    use serde_json::json;
    use tokio_util::sync::CancellationToken;
    use url::Url;

    use super::{DeviceAuthorization, DeviceConfig, DeviceError, DeviceFlow, DeviceProgress};

    /// The interval the server below enforces, and the step it adds on `slow_down`. It announces
    /// 1 s (RFC 8628 counts in whole seconds) and the tests give the client this instead, so that
    /// each takes a fraction of a second.
    const INTERVAL: Duration = Duration::from_millis(100);

    #[derive(Default)]
    struct Server {
        script: Vec<&'static str>,
        polls: Vec<Instant>,
        interval: Duration,
        early_polls: usize,
        device_codes: Vec<String>,
    }

    type Shared = Arc<Mutex<Server>>;

    async fn device_code() -> Json<serde_json::Value> {
        Json(json!({
            "device_code": "DEVICE-SECRET",
            "user_code": "BCDF-GHJK",
            "verification_uri": "http://127.0.0.1/device",
            "verification_uri_complete": "http://127.0.0.1/device?code=BCDF-GHJK",
            "expires_in": 600,
            "interval": 1,
        }))
    }

    async fn token(
        State(server): State<Shared>,
        Form(form): Form<Vec<(String, String)>>,
    ) -> Response {
        let mut server = server.lock().unwrap();
        let now = Instant::now();
        if let Some(last) = server.polls.last()
            && now.duration_since(*last) < server.interval
        {
            server.early_polls += 1;
        }
        server.polls.push(now);
        let code = form
            .iter()
            .find(|(name, _)| name == "device_code")
            .map(|(_, value)| value.clone())
            .unwrap_or_default();
        server.device_codes.push(code);
        let step = server.polls.len() - 1;
        let answer = server
            .script
            .get(step)
            .copied()
            .unwrap_or("authorization_pending");
        match answer {
            "tokens" => Json(json!({
                "access_token": "AT", "refresh_token": "RT", "token_type": "Bearer",
                "expires_in": 3600, "usage_point_id": "22516914714270", "count": 1,
            }))
            .into_response(),
            "unavailable" => StatusCode::SERVICE_UNAVAILABLE.into_response(),
            error => {
                if error == "slow_down" {
                    server.interval += INTERVAL;
                }
                (StatusCode::BAD_REQUEST, Json(json!({ "error": error }))).into_response()
            }
        }
    }

    async fn start(script: Vec<&'static str>) -> (DeviceFlow, Shared) {
        let server = Arc::new(Mutex::new(Server {
            script,
            interval: INTERVAL,
            ..Server::default()
        }));
        let app = Router::new()
            .route("/device/code", post(device_code))
            .route("/token", post(token))
            .with_state(Arc::clone(&server));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        let mut config = DeviceConfig::new(
            "hearth",
            Url::parse(&format!("{base}/device/code")).unwrap(),
            Url::parse(&format!("{base}/token")).unwrap(),
        );
        // The RFC's 5 s step, shortened like the interval.
        config.slow_down_step = INTERVAL;
        (DeviceFlow::new(config).unwrap(), server)
    }

    /// Starts a flow, the interval the server announced replaced by [`INTERVAL`].
    async fn authorize(flow: &DeviceFlow) -> DeviceAuthorization {
        let mut authorization = flow.start().await.unwrap();
        assert_eq!(authorization.interval, Duration::from_secs(1));
        authorization.interval = INTERVAL;
        authorization
    }

    #[tokio::test]
    async fn honours_interval_and_slow_down() {
        let (flow, server) = start(vec!["authorization_pending", "slow_down", "tokens"]).await;
        let authorization = authorize(&flow).await;
        assert_eq!(authorization.user_code, "BCDF-GHJK");
        assert!(!format!("{authorization:?}").contains("DEVICE-SECRET"));
        let mut events = Vec::new();
        let tokens = flow
            .wait(&authorization, &CancellationToken::new(), |event| {
                events.push(event);
            })
            .await
            .unwrap();
        assert_eq!(tokens.access_token.expose(), "AT");

        let server = server.lock().unwrap();
        assert_eq!(server.polls.len(), 3);
        // Only the scripted slow_down: never a poll sooner than the interval in force.
        assert_eq!(server.early_polls, 0);
        assert!(
            server
                .device_codes
                .iter()
                .all(|code| code == "DEVICE-SECRET")
        );
        assert!(
            matches!(
                events.as_slice(),
                [
                    DeviceProgress::Pending { polls: 1, next_poll_in, .. },
                    DeviceProgress::SlowedDown { polls: 2, interval, .. },
                ] if *next_poll_in == INTERVAL && *interval == 2 * INTERVAL
            ),
            "{events:?}"
        );
    }

    #[tokio::test]
    async fn hands_over_the_token_response_s_other_fields() {
        let (flow, _server) = start(vec!["tokens"]).await;
        let authorization = authorize(&flow).await;
        let grant = flow
            .wait_for_grant(&authorization, &CancellationToken::new(), |_| {})
            .await
            .unwrap();
        assert_eq!(grant.tokens.access_token.expose(), "AT");
        assert_eq!(grant.field("usage_point_id"), Some("22516914714270"));
        // The tokens are not extras, and a field that is not a string is left out.
        assert_eq!(grant.field("access_token"), None);
        assert_eq!(grant.field("refresh_token"), None);
        assert_eq!(grant.field("count"), None);
        let debug = format!("{grant:?}");
        assert!(debug.contains("usage_point_id"), "{debug}");
        assert!(
            !debug.contains("22516914714270") && !debug.contains("\"AT\""),
            "{debug}"
        );
    }

    #[tokio::test]
    async fn stops_on_denial_and_expiry() {
        for (answer, expected) in [("access_denied", "declined"), ("expired_token", "expired")] {
            let (flow, _server) = start(vec![answer]).await;
            let authorization = authorize(&flow).await;
            let err = flow
                .wait(&authorization, &CancellationToken::new(), |_| {})
                .await
                .unwrap_err();
            assert!(err.to_string().contains(expected), "{err}");
        }
        let (flow, _server) = start(vec!["invalid_grant"]).await;
        let authorization = authorize(&flow).await;
        let err = flow
            .wait(&authorization, &CancellationToken::new(), |_| {})
            .await
            .unwrap_err();
        assert!(matches!(err, DeviceError::Server(ref code) if code == "invalid_grant"));
    }

    #[tokio::test]
    async fn backs_off_when_the_server_is_unavailable() {
        let (flow, server) = start(vec!["unavailable", "tokens"]).await;
        let authorization = authorize(&flow).await;
        let mut events = Vec::new();
        flow.wait(&authorization, &CancellationToken::new(), |event| {
            events.push(event);
        })
        .await
        .unwrap();
        assert!(
            matches!(
                events.as_slice(),
                [DeviceProgress::Retrying { next_poll_in, .. }] if *next_poll_in == 2 * INTERVAL
            ),
            "{events:?}"
        );
        assert_eq!(server.lock().unwrap().early_polls, 0);
    }

    #[tokio::test]
    async fn can_be_cancelled_while_waiting() {
        let (flow, server) = start(Vec::new()).await;
        let authorization = authorize(&flow).await;
        let cancel = CancellationToken::new();
        let on_progress = cancel.clone();
        let err = flow
            .wait(&authorization, &cancel, move |_| on_progress.cancel())
            .await
            .unwrap_err();
        assert!(matches!(err, DeviceError::Cancelled));
        assert_eq!(server.lock().unwrap().polls.len(), 1);
    }
}
