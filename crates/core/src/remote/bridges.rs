//! Which bridges the link reaches, and the transports through the cloud to them. After a link,
//! [`Remote::find_bridge`] tries the usernames Hearth already has (a paired bridge's app key is
//! one the cloud accepts) before making one with the remote link button.

use std::sync::Arc;

use hearth_hue::model::{Resource, ResourceType};
use hearth_hue::{Client, RemoteConfig, RemoteTransport};
use hearth_secret::Secret;
use tokio_util::sync::CancellationToken;

use super::{AccountState, Remote, RemoteBridge, RemoteError, tokens, username_name};
use crate::lock;
use crate::storage::blocking;

impl Remote {
    /// Whether the cloud can be used for `bridge_id` now: linked, and the link reaches that
    /// bridge (or which bridge it reaches is not known yet).
    pub fn reaches(&self, bridge_id: &str) -> bool {
        let linked = matches!(
            self.account_state(),
            AccountState::Linked { .. } | AccountState::SaveFailed
        );
        let settings = lock(&self.inner.settings);
        linked
            && (settings
                .bridge_id
                .as_deref()
                .is_none_or(|id| id == bridge_id)
                || settings.remote_bridges.iter().any(|b| b.id == bridge_id))
    }

    /// Bridges reached only through the cloud.
    pub fn remote_bridges(&self) -> Vec<RemoteBridge> {
        lock(&self.inner.settings).remote_bridges.clone()
    }

    /// Stops reaching a bridge known only through the cloud (the lights model's `forget`).
    pub(crate) async fn forget_bridge(&self, bridge_id: &str) -> Result<bool, RemoteError> {
        // As the file lists them now: another process may have added or forgotten it.
        let settings = self.current_settings()?;
        if !settings.remote_bridges.iter().any(|b| b.id == bridge_id) {
            return Ok(false);
        }
        let store = Arc::clone(&self.inner.secrets);
        let name = username_name(bridge_id);
        blocking(move || store.delete(&name)).await?;
        self.update_settings(|settings| settings.remote_bridges.retain(|b| b.id != bridge_id))?;
        self.publish();
        Ok(true)
    }

    /// A transport through the cloud to `bridge_id`: with the username made through the cloud
    /// for it if there is one, else `local_key` (an app key made on the LAN is a username the
    /// cloud accepts too).
    pub(crate) async fn transport(
        &self,
        bridge_id: &str,
        local_key: Option<Secret>,
    ) -> Result<Arc<RemoteTransport>, RemoteError> {
        let store = Arc::clone(&self.inner.secrets);
        let name = username_name(bridge_id);
        let made_remotely = blocking(move || store.get(&name)).await?;
        Ok(self.cloud_transport(made_remotely.or(local_key))?)
    }

    /// A transport through the cloud to whichever bridge the link reaches, with `app_key` as
    /// its username (`None`: for the remote link button, which needs none).
    fn cloud_transport(
        &self,
        app_key: Option<Secret>,
    ) -> Result<Arc<RemoteTransport>, hearth_hue::Error> {
        let mut config = RemoteConfig::new(self.cloud_url());
        config.app_key = app_key;
        config.request_timeout = self.inner.options.request_timeout;
        let bearer = Arc::new(tokens::AccountTokens::new(self.clone()));
        let transport = RemoteTransport::new(config, bearer, Arc::clone(&self.inner.activity))?;
        Ok(Arc::new(transport))
    }

    /// After a new link: which bridge it reaches, and a username for it. A paired bridge's app
    /// key is tried first (no new whitelist entry); else one is made through the cloud.
    pub(super) async fn find_bridge(
        &self,
        cancel: &CancellationToken,
    ) -> Result<String, RemoteError> {
        let known = self
            .inner
            .known_bridges
            .get()
            .map(|known| known())
            .unwrap_or_default();
        let made: Vec<String> = self.remote_bridges().into_iter().map(|b| b.id).collect();
        for id in known.iter().chain(&made) {
            let store = Arc::clone(&self.inner.secrets);
            let names = [username_name(id), crate::lights::app_key_name(id)];
            let key = blocking(move || {
                for name in &names {
                    if let Some(key) = store.get(name)? {
                        return Ok(Some(key));
                    }
                }
                Ok(None)
            })
            .await?;
            let Some(key) = key else { continue };
            match self.bridge_behind(Some(key)).await {
                Ok((found, _)) if found == *id => {
                    self.remember_bridge(id, None)?;
                    return Ok(found);
                }
                Ok(_) | Err(hearth_hue::Error::Unauthorized) => {}
                Err(err) => return Err(err.into()),
            }
        }
        // No username Hearth has works there: make one with the remote link button.
        let client = Client::new(self.cloud_transport(None)?);
        let granted = hearth_hue::remote::username::create(
            &client,
            &self.inner.options.devicetype,
            &self.inner.options.username_timing,
            cancel,
            |_| {},
        )
        .await?;
        let (found, name) = self.bridge_behind(Some(granted.app_key.clone())).await?;
        let store = Arc::clone(&self.inner.secrets);
        let entry = username_name(&found);
        let key = granted.app_key;
        blocking(move || store.put(&entry, &key)).await?;
        let remote_only = !known.contains(&found);
        self.remember_bridge(
            &found,
            remote_only.then(|| RemoteBridge {
                id: found.clone(),
                name,
            }),
        )?;
        Ok(found)
    }

    /// The id and name of the bridge the cloud reaches with `key`.
    async fn bridge_behind(
        &self,
        key: Option<Secret>,
    ) -> Result<(String, String), hearth_hue::Error> {
        let client = Client::new(self.cloud_transport(key)?);
        let bridge = client
            .list(&ResourceType::Bridge)
            .await?
            .into_iter()
            .find_map(|r| match r {
                Resource::Bridge(bridge) => Some(bridge),
                _ => None,
            })
            .ok_or_else(|| hearth_hue::Error::NotFound {
                rtype: "bridge".into(),
                id: "behind the Hue cloud".into(),
            })?;
        let name = match &bridge.owner {
            Some(owner) => match client.get(&ResourceType::Device, &owner.rid).await {
                Ok(Resource::Device(device)) => device.metadata.name,
                _ => String::new(),
            },
            None => String::new(),
        };
        let name = if name.is_empty() {
            "Hue Bridge".to_owned()
        } else {
            name
        };
        Ok((bridge.bridge_id.to_ascii_lowercase(), name))
    }

    fn remember_bridge(
        &self,
        id: &str,
        remote_only: Option<RemoteBridge>,
    ) -> Result<(), RemoteError> {
        self.update_settings(|settings| {
            settings.bridge_id = Some(id.to_owned());
            if let Some(bridge) = remote_only {
                settings.remote_bridges.retain(|b| b.id != bridge.id);
                settings.remote_bridges.push(bridge);
            }
        })?;
        self.publish();
        Ok(())
    }
}
