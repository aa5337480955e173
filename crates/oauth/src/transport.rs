//! The HTTP client every token-endpoint request goes through: reqwest without redirects, plus
//! Digest client authentication, which the `oauth2` crate does not know, done as a retry after
//! the server's 401 challenge.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use hearth_secret::Secret;
use oauth2::{AsyncHttpClient, HttpRequest, HttpResponse, reqwest};

use crate::client::ClientAuth;
use crate::digest::Challenge;

/// Why a request did not get an HTTP answer. Carries no URL query, header or body.
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    #[error("the server could not be reached ({0})")]
    Unreachable(String),
    #[error("the server asked for Digest authentication in a form Hearth does not understand")]
    BadChallenge,
    #[error("the request could not be built")]
    Build,
}

#[derive(Clone)]
pub(crate) struct Transport {
    http: reqwest::Client,
    digest: Option<(String, Secret)>,
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transport")
            .field("digest", &self.digest.as_ref().map(|(id, _)| id))
            .finish_non_exhaustive()
    }
}

impl Transport {
    /// The transport of a client that authenticates as `auth` says: with Digest, it answers the
    /// server's challenge with `client_id` and `secret`.
    pub(crate) fn new(
        http: reqwest::Client,
        client_id: &str,
        auth: ClientAuth,
        secret: Option<&Secret>,
    ) -> Self {
        let digest = match (auth, secret) {
            (ClientAuth::Digest, Some(secret)) => Some((client_id.to_owned(), secret.clone())),
            _ => None,
        };
        Self { http, digest }
    }

    /// The client this crate builds when the caller gives none: no redirects (a token endpoint
    /// that redirects is misconfigured or hostile, and following it would resend the form),
    /// bounded in time.
    pub(crate) fn default_http() -> Result<reqwest::Client, TransportError> {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(15))
            .timeout(Duration::from_secs(60))
            .build()
            .map_err(|_| TransportError::Build)
    }

    pub(crate) async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let Some((username, secret)) = &self.digest else {
            return self.once(request).await;
        };
        let mut retry = clone_request(&request);
        let response = self.once(request).await?;
        if response.status() != http::StatusCode::UNAUTHORIZED {
            return Ok(response);
        }
        let challenge = response
            .headers()
            .get_all(http::header::WWW_AUTHENTICATE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .find_map(Challenge::parse);
        let Some(challenge) = challenge else {
            // A 401 without a Digest challenge is the server's answer (a wrong client id).
            return Ok(response);
        };
        let uri = retry
            .uri()
            .path_and_query()
            .map_or("/", http::uri::PathAndQuery::as_str)
            .to_owned();
        let header =
            challenge.authorization(username, secret.expose(), retry.method().as_str(), &uri);
        let value =
            http::HeaderValue::from_str(&header).map_err(|_| TransportError::BadChallenge)?;
        retry
            .headers_mut()
            .insert(http::header::AUTHORIZATION, value);
        self.once(retry).await
    }

    async fn once(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let request = reqwest::Request::try_from(request).map_err(|_| TransportError::Build)?;
        let response = self
            .http
            .execute(request)
            .await
            .map_err(|err| TransportError::Unreachable(describe(&err)))?;
        let mut builder = http::Response::builder().status(response.status());
        for (name, value) in response.headers() {
            builder = builder.header(name, value);
        }
        let body = response
            .bytes()
            .await
            .map_err(|err| TransportError::Unreachable(describe(&err)))?;
        builder
            .body(body.to_vec())
            .map_err(|_| TransportError::Build)
    }
}

/// reqwest's messages include the URL, whose query may carry a code: describe the kind only.
fn describe(err: &reqwest::Error) -> String {
    let kind = if err.is_timeout() {
        "timed out"
    } else if err.is_connect() {
        "connection failed"
    } else if err.is_body() || err.is_decode() {
        "the reply was cut short"
    } else {
        "request failed"
    };
    kind.to_owned()
}

fn clone_request(request: &HttpRequest) -> HttpRequest {
    let mut copy = http::Request::new(request.body().clone());
    *copy.method_mut() = request.method().clone();
    *copy.uri_mut() = request.uri().clone();
    *copy.version_mut() = request.version();
    *copy.headers_mut() = request.headers().clone();
    copy
}

impl<'c> AsyncHttpClient<'c> for Transport {
    type Error = TransportError;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, Self::Error>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(self.send(request))
    }
}
