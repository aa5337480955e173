//! Deep links: every `hearth://` URL the app receives, at start or forwarded by a second instance,
//! goes through [`receive`], which validates it with [`hearth_core::deeplink`] before anything
//! acts on it.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use hearth_core::deeplink::{DeepLink, Redacted, Screen};
use hearth_core::home::Home;
use hearth_core::settings::EnergyProxy;
use hearth_oauth::callback::CallbackOutcome;
use serde::Serialize;
use tauri::{AppHandle, Manager, Runtime};

/// What the UI may know of a received link: its kind, never an authorization code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ReceivedLink {
    Open {
        screen: Option<Screen>,
    },
    #[serde(rename = "oauth_callback")]
    OAuthCallback {
        outcome: CallbackView,
    },
    /// `hearth://energy/setup?…`: a proxy's page offers its settings. The UI shows them and
    /// asks; only the user's confirmation sets them (`set_energy_proxy`).
    EnergySetup {
        proxy: EnergyProxy,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum CallbackView {
    /// A code arrived; whether a sign-in was waiting for it is the OAuth flow's business.
    Code,
    Error {
        error: String,
    },
}

impl From<&DeepLink> for ReceivedLink {
    fn from(link: &DeepLink) -> Self {
        match link {
            DeepLink::Open { screen } => Self::Open { screen: *screen },
            DeepLink::OAuthCallback(callback) => Self::OAuthCallback {
                outcome: match &callback.outcome {
                    CallbackOutcome::Code(_) => CallbackView::Code,
                    CallbackOutcome::Error { error, .. } => CallbackView::Error {
                        error: error.clone(),
                    },
                },
            },
            DeepLink::EnergySetup(proxy) => Self::EnergySetup {
                proxy: proxy.clone(),
            },
        }
    }
}

/// The last link accepted, for a UI that loads after it arrived, and whether the OS sends
/// `hearth://` links to this app at all.
#[derive(Default)]
pub struct Inbox {
    last: Mutex<Option<ReceivedLink>>,
    scheme_registered: AtomicBool,
}

impl Inbox {
    pub fn last(&self) -> Option<ReceivedLink> {
        self.last
            .lock()
            .map(|last| last.clone())
            .unwrap_or_default()
    }

    fn put(&self, link: ReceivedLink) {
        if let Ok(mut last) = self.last.lock() {
            *last = Some(link);
        }
    }
}

/// Whether `hearth://` links reach this app (the scheme is registered with the OS): then an OAuth
/// redirect can come back as one.
pub fn registered<R: Runtime>(app: &AppHandle<R>) -> bool {
    app.state::<Inbox>()
        .scheme_registered
        .load(Ordering::Relaxed)
}

/// Validates a link and acts on it. Rejected links are logged without their query string.
pub fn receive<R: Runtime>(app: &AppHandle<R>, url: &str) -> Option<DeepLink> {
    let link = match DeepLink::parse(url) {
        Ok(link) => link,
        Err(err) => {
            log::warn!("rejected deep link {}: {err}", Redacted(url));
            return None;
        }
    };
    log::info!("received deep link {}", Redacted(url));
    let view = ReceivedLink::from(&link);
    app.state::<Inbox>().put(view.clone());
    crate::ipc::emit(app, &crate::ipc::DeepLinkReceived(view));
    match &link {
        // The window shows the setup for the user to confirm.
        DeepLink::Open { .. } | DeepLink::EnergySetup(_) => crate::show_main_window(app),
        // The sign-in waiting for it checks it again (its `state`, where it is addressed).
        DeepLink::OAuthCallback(_) => {
            let delivered = app
                .state::<Home>()
                .remote()
                .map_err(crate::CommandError::from)
                .and_then(|remote| remote.deliver(url).map_err(crate::CommandError::from));
            if let Err(err) = delivered {
                log::warn!("the sign-in did not take the link {}: {err}", Redacted(url));
                crate::notify(app, &err);
            }
        }
    }
    Some(link)
}

/// Hooks [`receive`] to the deep-link plugin, when it is there (the mock runtime of the tests has
/// no plugins), and registers the scheme with the OS where that is done at run time.
pub fn listen<R: Runtime>(app: &AppHandle<R>) {
    use tauri_plugin_deep_link::DeepLinkExt;

    if app
        .try_state::<tauri_plugin_deep_link::DeepLink<R>>()
        .is_none()
    {
        return;
    }
    let deep_link = app.deep_link();
    // Linux reads scheme handlers from .desktop files, which exist only once installed; Windows
    // debug builds have no installer. Registering at start makes links work in both.
    #[cfg(any(target_os = "linux", all(debug_assertions, windows)))]
    let registered = match deep_link.register_all() {
        Ok(()) => true,
        Err(err) => {
            log::warn!("could not register the hearth:// scheme: {err}");
            false
        }
    };
    // Elsewhere the installer registers it.
    #[cfg(not(any(target_os = "linux", all(debug_assertions, windows))))]
    let registered = true;
    app.state::<Inbox>()
        .scheme_registered
        .store(registered, Ordering::Relaxed);
    match deep_link.get_current() {
        Ok(urls) => {
            for url in urls.into_iter().flatten() {
                receive(app, url.as_str());
            }
        }
        Err(err) => log::warn!("could not read the link Hearth was started with: {err}"),
    }
    let handle = app.clone();
    deep_link.on_open_url(move |event| {
        for url in event.urls() {
            receive(&handle, url.as_str());
        }
    });
}
