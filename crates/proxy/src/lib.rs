//! hearth-proxy: the OAuth 2 device-flow proxy server (RFC 8628) in front of Enedis Data Connect
//! or any OAuth 2 provider that only knows the authorization-code grant.
//!
//! A device with no browser asks `/device/code`, shows the user a code and a link, and polls
//! `/device/token`; the user opens the link on a phone, confirms, consents at the provider, and
//! the provider sends the browser back to `/auth/redirect`. In Enedis mode the proxy then issues
//! its own tokens, bound to the meters Enedis confirmed, and serves their data at
//! `/data/proxy/{path}` in the v5 shape existing clients read.
//!
//! Entry points: [`Config`] (flags and environment), [`build_state`], [`app`] (the router, for
//! `oneshot` tests) and [`launch`] (serve on a given listener until a shutdown future resolves).

pub mod codes;
pub mod config;
mod error;
pub mod flow;
mod json_errors;
mod metrics;
mod net;
mod openapi;
mod pacer;
mod pages;
mod routes;
pub mod seal;
pub mod store;
mod upstream;

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use hearth_secret::Secret;
use tokio::net::TcpListener;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use url::Url;

use crate::config::with_trailing_slash;
pub use crate::config::{Client, Config, Mode};
use crate::metrics::Metrics;
use crate::pacer::Pacer;
use crate::store::Store;
use crate::upstream::enedis::Enedis;
use crate::upstream::generic::Generic;

/// The upstream provider, by mode.
pub enum Upstream {
    Generic(Generic),
    Enedis(Enedis),
}

/// Everything a request handler needs. Cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub config: Config,
    pub public_url: Url,
    pub clients: Vec<Client>,
    pub store: Arc<dyn Store>,
    /// `None` while the configuration misses something (see [`Config::missing`]).
    pub upstream: Option<Upstream>,
    pub metrics: Metrics,
    /// The key of the CSRF tokens: shared by every instance through the store.
    pub form_key: Secret,
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    pub fn client(&self, client_id: &str) -> Option<&Client> {
        self.clients.iter().find(|c| c.id == client_id)
    }

    pub fn redirect_uri(&self) -> String {
        self.public_url
            .join("auth/redirect")
            .map(String::from)
            .unwrap_or_default()
    }

    /// The origin of the upstream consent page (for the pages' `form-action` policy).
    pub fn upstream_origin(&self) -> Option<String> {
        let url = match self.upstream.as_ref()? {
            Upstream::Generic(g) => &g.authorize_url,
            Upstream::Enedis(e) => &e.authorize_url,
        };
        Some(url.origin().ascii_serialization())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot open the store: {0}")]
    Store(#[from] store::StoreError),
    #[error("bad public URL: {0}")]
    PublicUrl(#[from] url::ParseError),
    #[error("cannot build the HTTP client: {0}")]
    Http(#[from] reqwest::Error),
    #[error("cannot serve: {0}")]
    Io(#[from] std::io::Error),
}

/// Opens the store and assembles the state. Logs what the configuration still misses.
pub async fn build_state(config: Config) -> Result<AppState, StartError> {
    let store = store::open(&config.store).await?;
    build_state_with_store(config, store).await
}

pub async fn build_state_with_store(
    config: Config,
    store: Arc<dyn Store>,
) -> Result<AppState, StartError> {
    let public_url = config.public_url()?;
    let metrics = Metrics::new();
    let form_key = {
        let candidate = codes::new_token();
        // The first instance to start sets the key; the others (and restarts) read it.
        store.put_new("meta:form-key", &candidate, None).await?;
        Secret::new(store.get("meta:form-key").await?.unwrap_or(candidate))
    };
    // Upgrade in place: an earlier version kept the Enedis application token in clear.
    upstream::enedis::forget_clear_app_token(store.as_ref()).await?;
    let missing = config.missing();
    for item in &missing {
        tracing::warn!("hearth-proxy still needs {item}");
    }
    let http = upstream::http_client()?;
    let upstream = if missing.is_empty() {
        build_upstream(&config, &store, &metrics, http)
    } else {
        None
    };
    Ok(AppState(Arc::new(Inner {
        clients: config.clients(),
        public_url,
        store,
        upstream,
        metrics,
        form_key,
        config,
    })))
}

fn build_upstream(
    config: &Config,
    store: &Arc<dyn Store>,
    metrics: &Metrics,
    http: reqwest::Client,
) -> Option<Upstream> {
    let client_id = config.upstream_client_id()?;
    Some(match config.mode {
        Mode::Generic => Upstream::Generic(Generic {
            authorize_url: config.authorize_url.clone()?,
            token_url: config.token_url.clone()?,
            client_id,
            client_secret: config.client_secret.clone(),
            scope: config.scope.clone(),
            http,
        }),
        Mode::Enedis => {
            let pacer = Pacer::new(
                Arc::clone(store),
                pacer::rates(config.quota_per_second, config.quota_per_hour),
                Duration::from_secs(config.queue_timeout_secs),
                metrics.clone(),
            );
            Upstream::Enedis(Enedis {
                authorize_url: config.enedis_authorize_url.clone(),
                api_url: with_trailing_slash(config.enedis_api_url.clone()),
                client_id,
                client_secret: config.client_secret.clone()?,
                duration: config.enedis_duration.clone(),
                curve_timestamps: config.enedis_curve_timestamps,
                subscription_tries: config.enedis_subscription_tries,
                subscription_delay: Duration::from_millis(config.enedis_subscription_delay_ms),
                http,
                store: Arc::clone(store),
                pacer,
                metrics: metrics.clone(),
                app_token: upstream::enedis::AppTokenCache::default(),
            })
        }
    })
}

/// The whole HTTP surface.
pub fn app(state: AppState) -> Router {
    let max_body = state.config.max_body_bytes;
    Router::new()
        .merge(routes::device::router())
        .merge(routes::token::router())
        .merge(routes::auth::router())
        .merge(routes::data::router())
        .merge(routes::ops::router())
        .layer(middleware::from_fn_with_state(state.clone(), observe))
        .layer(RequestBodyLimitLayer::new(max_body))
        .layer(TimeoutLayer::with_status_code(
            http::StatusCode::SERVICE_UNAVAILABLE,
            Duration::from_secs(60),
        ))
        .layer(middleware::from_fn(json_errors::layer))
        .with_state(state)
}

/// Metrics and one log line per request. The line names the route template, never the query
/// string (which can carry codes).
async fn observe(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = request.method().clone();
    let started = Instant::now();
    let response = next.run(request).await;
    let elapsed = started.elapsed();
    state
        .metrics
        .request(&route, response.status().as_u16(), elapsed);
    tracing::info!(%method, route, status = response.status().as_u16(), elapsed_ms = elapsed.as_secs_f64() * 1e3, "request");
    response
}

/// Serves `app` on `listener` until `shutdown` resolves, then finishes the requests in flight.
pub async fn launch(
    config: Config,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), StartError> {
    let state = build_state(config).await?;
    serve(state, listener, shutdown).await
}

pub async fn serve(
    state: AppState,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), StartError> {
    let purge_store = Arc::clone(&state.store);
    let purge = tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(300));
        loop {
            tick.tick().await;
            if let Err(e) = purge_store.purge_expired().await {
                tracing::warn!(error = %e, "purging expired entries failed");
            }
        }
    });
    tracing::info!(address = %listener.local_addr()?, public_url = %state.public_url, mode = ?state.config.mode, "hearth-proxy listening");
    let result = axum::serve(
        json_errors::JsonListener(listener),
        app(state).into_make_service_with_connect_info::<json_errors::Peer>(),
    )
    .with_graceful_shutdown(shutdown)
    .await;
    purge.abort();
    Ok(result?)
}
