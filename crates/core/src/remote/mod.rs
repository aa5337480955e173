//! Remote access: the Hue cloud account Hearth is linked to, and how the link is made, shown and
//! undone. The switching itself (a bridge unreachable on the LAN goes through the cloud, and back)
//! is done by the lights model with what this provides; see [`crate::lights`].
//!
//! # Using it
//!
//! The lights model owns one [`Remote`] ([`crate::lights::Lights::remote`], or
//! [`crate::home::Home::remote`] in the app). Everything here is safe to call from the shell's
//! commands: no method returns or logs a token, a client secret, an authorization code or a bridge
//! username, and [`RemoteView`] (what the UI shows) holds none.
//!
//! ```no_run
//! # async fn demo(lights: hearth_core::lights::Lights) -> Result<(), hearth_core::remote::RemoteError> {
//! use hearth_core::remote::{ReceiverChoice, Registration};
//! use hearth_secret::Secret;
//!
//! let remote = lights.remote().clone();
//! // Once: the app registered on the Hue developer portal (the secret goes to the keychain).
//! remote
//!     .register(Registration {
//!         client_id: "…".into(),
//!         client_secret: Secret::from("…"),
//!         callback: None,
//!         cloud_url: None,
//!     })
//!     .await?;
//! // Link: open `started.authorize_url` in the system browser (the shell does).
//! let started = remote.start_link(ReceiverChoice::Auto).await?;
//! // Deep link or pasted address received by the shell: hand it over.
//! # let url = String::new();
//! remote.deliver(&url)?;
//! // Follow `remote.subscribe()` (a `RemoteView` after every change), or wait for the end:
//! remote.wait_link().await?;
//! # Ok(()) }
//! ```
//!
//! - **Registration** ([`Remote::register`]): the client id (and the callback URL registered on
//!   the portal, if known) in `remote.json` in the configuration directory; the client secret in
//!   the secret store. Changing the client id or the cloud drops the link made with the old one.
//! - **Linking** ([`Remote::start_link`]): a flow with the chosen receiver (see [`receiver`] for
//!   how [`ReceiverChoice::Auto`] picks deep link, loopback or paste). The method returns at once
//!   with the authorization URL for the shell to open in the system browser (never an embedded
//!   webview, RFC 8252), and the flow goes on in the background: it waits for the answer (a
//!   loopback request, or a URL handed to [`Remote::deliver`]: a `hearth://oauth/callback?…` deep
//!   link or a pasted address), exchanges the code, saves the tokens, then finds which bridge the
//!   link reaches: a paired bridge's app key is a username the cloud accepts; for a bridge never
//!   paired on the LAN, a username is made through the cloud (the remote link button) and kept in
//!   the secret store, and the bridge is shown as reached only through the cloud. Forged, replayed
//!   or misaddressed answers are refused with a reason and the flow keeps waiting. Starting a new
//!   flow cancels the previous one; so does [`Remote::cancel_link`].
//! - **Status** ([`Remote::view`], [`Remote::subscribe`]): [`RemoteView`], serializable, with the
//!   account state (not linked, linked until…, expiring soon, needs relink, save failed) and the
//!   flow in progress or its result.
//! - **Unlink** ([`Remote::unlink`]): forgets the tokens and the usernames made through the cloud;
//!   the registration stays.
//!
//! Tokens are renewed by `hearth_oauth::TokenManager` (ahead of expiry, once after a 401, single
//! flight, rotation saved before use); the lights model's remote transports get them through a
//! [`hearth_hue::BearerSource`] that this module adapts it to.

mod bridges;
mod error;
mod link;
pub mod receiver;
mod settings;
mod tokens;

use std::path::PathBuf;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hearth_files::Stamp;
use hearth_hue::RemoteActivity;
use hearth_hue::pairing::PairingTiming;
use hearth_hue::remote::poll::PollConfig;
use hearth_oauth::{LinkStatus, OAuthClient, OAuthConfig, TokenManager};
use hearth_secret::{Secret, SecretStore};
use serde::Serialize;
use tokio::sync::watch;
use url::Url;

pub use error::RemoteError;
pub use receiver::{ReceiverChoice, ReceiverKind};
pub use settings::{
    ClientAuthSetting, RemoteBridge, client_secret_name, tokens_name, username_name,
};

use crate::lock;
use crate::problem::Problem;
use crate::storage::blocking;
use link::FlowSlot;

/// Replaces the Hue cloud's address (default `https://api.meethue.com`): the simulator's in tests
/// and by hand. Wins over the address saved when linking.
pub const CLOUD_URL_ENV: &str = "HEARTH_CLOUD_URL";

/// The access token counts as "expiring soon" this long before it expires. (It is renewed on its
/// own as long as the refresh token is valid; the view says so for the curious.)
pub const EXPIRING_SOON: Duration = Duration::from_secs(24 * 3600);

/// How remote access behaves. Part of [`crate::lights::LightsConfig`].
#[derive(Clone, Debug)]
pub struct RemoteOptions {
    /// The cloud to use, overriding the one saved with the registration ([`CLOUD_URL_ENV`]).
    pub cloud_url: Option<Url>,
    /// Go through the cloud even when the bridge answers on the LAN (`hearth-cli --remote`).
    pub force: bool,
    /// Whether the shell receives `hearth://` links (the app: yes; the CLI: no). Decides what
    /// [`ReceiverChoice::Auto`] picks.
    pub deep_links: bool,
    /// The loopback port when nothing else says (8584).
    pub loopback_port: u16,
    /// How long a link waits for the browser's answer.
    pub link_timeout: Duration,
    /// Polling through the cloud.
    pub poll: PollConfig,
    /// While going through the cloud, how often to check whether the bridge answers on the LAN
    /// again (one unauthenticated `GET /api/config` to its address).
    pub lan_probe_interval: Duration,
    /// Failed LAN connections in a row, after the bridge was live on the LAN, before going
    /// through the cloud (one suffices when it never was: away from home at start).
    pub switch_after: u32,
    /// `app#instance`, for a username made through the cloud.
    pub devicetype: String,
    /// How long to wait for the bridge to grant that username after the remote button press.
    pub username_timing: PairingTiming,
    /// For the token endpoint and the remote API.
    pub request_timeout: Duration,
}

impl RemoteOptions {
    pub fn new(devicetype: String) -> Self {
        Self {
            cloud_url: None,
            force: false,
            deep_links: false,
            loopback_port: hearth_oauth::receiver::DEFAULT_PORT,
            link_timeout: hearth_oauth::receiver::DEFAULT_TIMEOUT,
            poll: PollConfig::default(),
            lan_probe_interval: Duration::from_secs(30),
            switch_after: 2,
            devicetype,
            username_timing: PairingTiming::default(),
            request_timeout: Duration::from_secs(20),
        }
    }

    /// Reads [`CLOUD_URL_ENV`].
    pub fn apply_env(&mut self) -> Result<(), RemoteError> {
        if let Ok(url) = std::env::var(CLOUD_URL_ENV)
            && !url.is_empty()
        {
            self.cloud_url = Some(parse_cloud_url(&url)?);
        }
        Ok(())
    }
}

/// A cloud base URL as users type it.
pub fn parse_cloud_url(text: &str) -> Result<Url, RemoteError> {
    let url = Url::parse(text.trim()).map_err(|_| {
        RemoteError::InvalidInput(format!("{text:?} is not a web address (https://…)"))
    })?;
    if !matches!(url.scheme(), "https" | "http") || url.host_str().is_none() {
        return Err(RemoteError::InvalidInput(format!(
            "{text:?} is not a web address (https://…)"
        )));
    }
    Ok(url)
}

/// An app registered on the Hue developer portal.
#[derive(Clone, Debug)]
pub struct Registration {
    pub client_id: String,
    pub client_secret: Secret,
    /// The callback URL registered there, if known (it decides how [`ReceiverChoice::Auto`]
    /// links).
    pub callback: Option<String>,
    /// Another cloud than the default (a simulator), saved with the registration. `None` keeps
    /// the one saved before (the default cloud if none was).
    pub cloud_url: Option<Url>,
}

/// What the UI shows about remote access. No secret is in it.
#[derive(Clone, Debug, PartialEq, Serialize, specta::Type)]
pub struct RemoteView {
    /// An app registration (client id and secret) is configured.
    pub registered: bool,
    /// Not a secret: it is in every authorization URL.
    pub client_id: Option<String>,
    /// The callback URL registered on the portal, if given.
    pub callback: Option<String>,
    /// The cloud's base URL.
    pub cloud: String,
    pub account: AccountState,
    /// The bridge the link reaches, once known.
    pub bridge_id: Option<String>,
    /// What [`ReceiverChoice::Auto`] would pick now.
    pub auto_receiver: ReceiverKind,
    /// The link in progress, or how the last one ended.
    pub flow: Option<FlowView>,
    /// Why the saved settings or tokens could not be read, if so.
    pub problem: Option<Problem>,
    /// The same in English, for the CLI and the logs.
    #[serde(skip)]
    pub problem_message: Option<String>,
}

/// The state of the link to the cloud account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, specta::Type)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum AccountState {
    NotLinked,
    /// `expires_at`: when the current access token expires (Unix seconds; renewed on its own).
    Linked {
        // Unix seconds fit a JavaScript number (and 32 bits until 2106).
        #[specta(type = Option<u32>)]
        expires_at: Option<u64>,
        expiring_soon: bool,
    },
    /// Renewing failed in a way only a new link fixes.
    NeedsRelink,
    /// Renewed, but the new tokens could not be saved yet (the old ones still work).
    SaveFailed,
}

/// A link flow, as the UI follows it. (Flow ids count from 1 in one run: JavaScript's numbers
/// hold them.)
#[derive(Clone, Debug, PartialEq, Eq, Serialize, specta::Type)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum FlowView {
    /// The browser should be at the cloud's consent page; the answer is awaited.
    Waiting {
        #[specta(type = u32)]
        id: u64,
        receiver: ReceiverKind,
        redirect_uri: String,
        /// The page to open (again) in the system browser.
        authorize_url: String,
    },
    /// The answer came: trading the code for tokens.
    Exchanging {
        #[specta(type = u32)]
        id: u64,
    },
    /// Linked; finding the bridge, or making a username for it through the cloud.
    FindingBridge {
        #[specta(type = u32)]
        id: u64,
    },
    Done {
        #[specta(type = u32)]
        id: u64,
        bridge_id: String,
    },
    Failed {
        #[specta(type = u32)]
        id: u64,
        problem: Problem,
        /// The error's kind and words, for [`Remote::wait_link`]'s caller (the CLI, the logs):
        /// the UI has its own words for `problem`.
        #[serde(skip)]
        kind: &'static str,
        #[serde(skip)]
        message: String,
    },
    Cancelled {
        #[specta(type = u32)]
        id: u64,
    },
}

impl FlowView {
    pub fn id(&self) -> u64 {
        match self {
            Self::Waiting { id, .. }
            | Self::Exchanging { id }
            | Self::FindingBridge { id }
            | Self::Done { id, .. }
            | Self::Failed { id, .. }
            | Self::Cancelled { id } => *id,
        }
    }

    fn is_over(&self) -> bool {
        matches!(
            self,
            Self::Done { .. } | Self::Failed { .. } | Self::Cancelled { .. }
        )
    }
}

/// What [`Remote::start_link`] returns: the page for the system browser.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, specta::Type)]
pub struct LinkStarted {
    /// A flow id, as in [`FlowView`].
    #[specta(type = u32)]
    pub id: u64,
    pub receiver: ReceiverKind,
    /// Where the answer is expected (register exactly this callback URL on the portal).
    pub redirect_uri: String,
    pub authorize_url: String,
}

/// The remote-access account. Cheap to clone: clones share everything.
#[derive(Clone)]
pub struct Remote {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Remote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Remote")
            .field("view", &*self.inner.view.borrow())
            .finish_non_exhaustive()
    }
}

/// Who lists the bridges paired on the LAN (the lights model).
type KnownBridges = Box<dyn Fn() -> Vec<String> + Send + Sync>;

struct Inner {
    options: RemoteOptions,
    config_dir: Option<PathBuf>,
    secrets: Arc<dyn SecretStore>,
    settings: Mutex<settings::Settings>,
    /// The stamp of `remote.json` when `settings` was read or written.
    settings_stamp: Mutex<Stamp>,
    problem: Mutex<Option<(Problem, String)>>,
    /// Present once registered.
    account: Mutex<Option<Account>>,
    activity: Arc<RemoteActivity>,
    view: watch::Sender<RemoteView>,
    flow: Mutex<Option<FlowSlot>>,
    flow_view: Mutex<Option<FlowView>>,
    flows: AtomicU64,
    known_bridges: OnceLock<KnownBridges>,
}

#[derive(Clone)]
struct Account {
    client: OAuthClient,
    tokens: Arc<TokenManager>,
}

fn unix(at: SystemTime) -> Option<u64> {
    at.duration_since(UNIX_EPOCH).ok().map(|d| d.as_secs())
}

impl Remote {
    /// Reads the registration and the link. Never fails: what cannot be read is reported in
    /// [`RemoteView::problem`] and remote access starts unregistered or unlinked.
    pub async fn open(
        options: RemoteOptions,
        config_dir: Option<PathBuf>,
        secrets: Arc<dyn SecretStore>,
    ) -> Self {
        let (settings, stamp, problem) = match settings::load(config_dir.as_deref()) {
            Ok((settings, stamp)) => (settings, stamp, None),
            Err(err) => (
                settings::Settings::default(),
                Stamp::default(),
                Some((Problem::from(&err), err.to_string())),
            ),
        };
        let remote = Self {
            inner: Arc::new(Inner {
                view: watch::channel(RemoteView {
                    registered: false,
                    client_id: None,
                    callback: None,
                    cloud: String::new(),
                    account: AccountState::NotLinked,
                    bridge_id: None,
                    auto_receiver: ReceiverKind::LoopbackHttp,
                    flow: None,
                    problem: None,
                    problem_message: None,
                })
                .0,
                options,
                config_dir,
                secrets,
                settings: Mutex::new(settings),
                settings_stamp: Mutex::new(stamp),
                problem: Mutex::new(problem),
                account: Mutex::new(None),
                activity: Arc::new(RemoteActivity::default()),
                flow: Mutex::new(None),
                flow_view: Mutex::new(None),
                flows: AtomicU64::new(1),
                known_bridges: OnceLock::new(),
            }),
        };
        if let Err(err) = remote.load_account().await {
            tracing::warn!("remote access: {err}");
            *lock(&remote.inner.problem) = Some((Problem::from(&err), err.to_string()));
        }
        remote.publish();
        remote
    }

    /// Builds the account from the registration and loads its tokens.
    async fn load_account(&self) -> Result<(), RemoteError> {
        let (client_id, auth) = {
            let settings = lock(&self.inner.settings);
            (settings.client_id.clone(), settings.auth)
        };
        let Some(client_id) = client_id else {
            *lock(&self.inner.account) = None;
            return Ok(());
        };
        let store = Arc::clone(&self.inner.secrets);
        let secret = blocking(move || store.get(client_secret_name())).await?;
        let Some(secret) = secret else {
            *lock(&self.inner.account) = None;
            return Err(RemoteError::NotRegistered);
        };
        let config = OAuthConfig::hue(&self.cloud_url(), client_id, secret, auth.into())?;
        let client = OAuthClient::with_http(config, self.http()?);
        let tokens = Arc::new(TokenManager::new(
            client.clone(),
            Arc::clone(&self.inner.secrets),
            tokens_name(),
        ));
        *lock(&self.inner.account) = Some(Account {
            client,
            tokens: Arc::clone(&tokens),
        });
        tokens.load().await?;
        Ok(())
    }

    /// An HTTP client for the token endpoint: no redirects, bounded in time, and no proxy for a
    /// simulator on this machine.
    fn http(&self) -> Result<reqwest::Client, RemoteError> {
        let cloud = self.cloud_url();
        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(15))
            .timeout(
                self.inner
                    .options
                    .request_timeout
                    .max(Duration::from_secs(5)),
            );
        if matches!(cloud.host_str(), Some("127.0.0.1" | "localhost" | "[::1]")) {
            builder = builder.no_proxy();
        }
        builder
            .build()
            .map_err(|_| RemoteError::InvalidInput("the HTTP client could not be built".into()))
    }

    /// The cloud in use: the configured one, else the one saved with the registration, else
    /// the Hue cloud.
    pub fn cloud_url(&self) -> Url {
        if let Some(url) = &self.inner.options.cloud_url {
            return url.clone();
        }
        let saved = lock(&self.inner.settings).cloud_url.clone();
        saved
            .and_then(|url| Url::parse(&url).ok())
            .or_else(|| Url::parse(hearth_hue::remote::DEFAULT_BASE_URL).ok())
            .unwrap_or_else(|| unreachable!("the default cloud URL is valid"))
    }

    pub fn options(&self) -> &RemoteOptions {
        &self.inner.options
    }

    /// Tells the remote model which bridges are paired on the LAN (set once by the lights model).
    pub(crate) fn set_known_bridges(&self, known: KnownBridges) {
        let _ = self.inner.known_bridges.set(known);
    }

    fn account(&self) -> Option<Account> {
        lock(&self.inner.account).clone()
    }

    fn callback(&self) -> Option<Url> {
        lock(&self.inner.settings)
            .callback
            .as_deref()
            .and_then(|c| Url::parse(c).ok())
    }

    fn receiver_context<'a>(&self, callback: Option<&'a Url>) -> receiver::Context<'a> {
        receiver::Context {
            callback,
            deep_links: self.inner.options.deep_links,
            default_port: self.inner.options.loopback_port,
            timeout: self.inner.options.link_timeout,
        }
    }

    fn account_state(&self) -> AccountState {
        let Some(account) = self.account() else {
            return AccountState::NotLinked;
        };
        match account.tokens.status() {
            LinkStatus::NotLinked => AccountState::NotLinked,
            LinkStatus::Linked { expires_at } => AccountState::Linked {
                expires_at: expires_at.and_then(unix),
                expiring_soon: expires_at.is_some_and(|at| {
                    at.duration_since(SystemTime::now())
                        .map_or(true, |left| left < EXPIRING_SOON)
                }),
            },
            LinkStatus::NeedsRelink => AccountState::NeedsRelink,
            LinkStatus::SaveFailed => AccountState::SaveFailed,
        }
    }

    /// Recomputes the view and tells subscribers if it changed. The view is computed under the
    /// channel's lock: two callers at once (a link ending while a renewal publishes) cannot send
    /// their pictures in the wrong order, leaving an older one shown.
    fn publish(&self) {
        self.inner.view.send_if_modified(|shown| {
            let view = self.current_view();
            let changed = *shown != view;
            if changed {
                *shown = view;
            }
            changed
        });
    }

    fn current_view(&self) -> RemoteView {
        let settings = lock(&self.inner.settings).clone();
        let problem = lock(&self.inner.problem).clone();
        let callback = settings
            .callback
            .as_deref()
            .and_then(|c| Url::parse(c).ok());
        let auto_receiver = receiver::plan(
            ReceiverChoice::Auto,
            &self.receiver_context(callback.as_ref()),
        )
        .map_or(ReceiverKind::Paste, |(kind, _)| kind);
        RemoteView {
            registered: self.account().is_some(),
            client_id: settings.client_id,
            callback: settings.callback,
            cloud: self.cloud_url().to_string(),
            account: self.account_state(),
            bridge_id: settings.bridge_id,
            auto_receiver,
            flow: lock(&self.inner.flow_view).clone(),
            problem: problem.as_ref().map(|(problem, _)| problem.clone()),
            problem_message: problem.map(|(_, message)| message),
        }
    }

    /// The view now (recomputed: the token's expiry moves on its own).
    pub fn view(&self) -> RemoteView {
        self.publish();
        self.inner.view.borrow().clone()
    }

    /// The view now and after every change.
    pub fn subscribe(&self) -> watch::Receiver<RemoteView> {
        self.inner.view.subscribe()
    }

    /// Calls made through the cloud in the last 24 hours (about 50,000 a day are allowed).
    pub fn calls_last_day(&self) -> u64 {
        self.inner.activity.calls_last_day()
    }

    /// The settings as the file holds them now (without a configuration directory: as held
    /// here). What is held here is left for [`Remote::reload_if_changed`] to update.
    fn current_settings(&self) -> Result<settings::Settings, RemoteError> {
        match self.inner.config_dir.as_deref() {
            Some(dir) => Ok(settings::load(Some(dir))?.0),
            None => Ok(lock(&self.inner.settings).clone()),
        }
    }

    /// Changes the settings as the file holds them now (another process may have changed them
    /// since they were read here), and keeps the result.
    fn update_settings<R>(
        &self,
        change: impl FnOnce(&mut settings::Settings) -> R,
    ) -> Result<R, RemoteError> {
        let mut settings = lock(&self.inner.settings);
        let (result, fresh, stamp) =
            settings::update(self.inner.config_dir.as_deref(), &settings, change)?;
        *settings = fresh;
        *lock(&self.inner.settings_stamp) = stamp;
        Ok(result)
    }

    /// Picks up what another process (`hearth-cli` beside the app) changed in `remote.json`
    /// since it was read or written here: a registration made or dropped there reloads the
    /// account, and the tokens are read again (a link made there stored new ones). Returns
    /// whether the file had changed. Cheap when it has not: a `stat`.
    pub async fn reload_if_changed(&self) -> Result<bool, RemoteError> {
        let dir = self.inner.config_dir.as_deref();
        if settings::stamp(dir)? == *lock(&self.inner.settings_stamp) {
            return Ok(false);
        }
        let (fresh, stamp) = settings::load(dir)?;
        let account_changed = {
            let mut settings = lock(&self.inner.settings);
            let changed = (&settings.client_id, settings.auth, &settings.cloud_url)
                != (&fresh.client_id, fresh.auth, &fresh.cloud_url);
            *settings = fresh;
            *lock(&self.inner.settings_stamp) = stamp;
            changed
        };
        let loaded = match self.account() {
            Some(account) if !account_changed => account
                .tokens
                .load()
                .await
                .map(|_| ())
                .map_err(RemoteError::from),
            _ => self.load_account().await,
        };
        *lock(&self.inner.problem) = loaded
            .err()
            .map(|err| (Problem::from(&err), err.to_string()));
        self.publish();
        Ok(true)
    }

    /// Saves an app registration. A different client id or cloud drops the current link.
    pub async fn register(&self, registration: Registration) -> Result<RemoteView, RemoteError> {
        let client_id = registration.client_id.trim().to_owned();
        if client_id.is_empty()
            || client_id.len() > 256
            || !client_id.bytes().all(|b| b.is_ascii_graphic())
        {
            return Err(RemoteError::InvalidInput(
                "the client id is empty or has characters a client id cannot have".into(),
            ));
        }
        if registration.client_secret.is_empty() {
            return Err(RemoteError::InvalidInput(
                "the client secret is empty".into(),
            ));
        }
        let callback = match registration.callback.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => {
                let url = Url::parse(text).map_err(|_| {
                    RemoteError::InvalidInput(
                        "the callback URL is not a whole address (scheme included)".into(),
                    )
                })?;
                Some(url.to_string())
            }
        };
        let settings = lock(&self.inner.settings).clone();
        let cloud_url = match &registration.cloud_url {
            Some(url) => Some(url.to_string()),
            None => settings.cloud_url.clone(),
        };
        let changed_account = settings.client_id.as_deref() != Some(client_id.as_str())
            || settings.cloud_url != cloud_url;
        if changed_account && self.account().is_some() {
            self.unlink().await?;
        }
        let store = Arc::clone(&self.inner.secrets);
        let secret = registration.client_secret.clone();
        blocking(move || store.put(client_secret_name(), &secret)).await?;
        self.update_settings(|settings| {
            settings.client_id = Some(client_id);
            settings.callback = callback;
            settings.cloud_url = cloud_url;
        })?;
        *lock(&self.inner.problem) = None;
        self.load_account().await?;
        Ok(self.view())
    }

    /// Forgets the registration (and the link).
    pub async fn unregister(&self) -> Result<RemoteView, RemoteError> {
        self.unlink().await?;
        let store = Arc::clone(&self.inner.secrets);
        blocking(move || store.delete(client_secret_name())).await?;
        self.update_settings(|settings| {
            settings.client_id = None;
            settings.callback = None;
            settings.cloud_url = None;
        })?;
        *lock(&self.inner.account) = None;
        Ok(self.view())
    }

    /// Forgets the link: its tokens and the usernames made through the cloud. The registration
    /// stays, so linking again is one click.
    pub async fn unlink(&self) -> Result<RemoteView, RemoteError> {
        self.cancel_link();
        if let Some(account) = self.account() {
            account.tokens.unlink().await?;
        } else {
            let store = Arc::clone(&self.inner.secrets);
            blocking(move || store.delete(tokens_name())).await?;
        }
        // The bridges as the file lists them now: another process may have added one.
        let settings = self.current_settings()?;
        let names: Vec<String> = settings
            .remote_bridges
            .iter()
            .map(|b| username_name(&b.id))
            .chain(settings.bridge_id.iter().map(|id| username_name(id)))
            .collect();
        let store = Arc::clone(&self.inner.secrets);
        blocking(move || names.iter().try_for_each(|name| store.delete(name))).await?;
        self.update_settings(|settings| {
            settings.bridge_id = None;
            settings.remote_bridges.clear();
        })?;
        *lock(&self.inner.flow_view) = None;
        tracing::info!("remote access: unlinked");
        Ok(self.view())
    }
}
