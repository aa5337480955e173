//! Pairing: asking the bridge for an app key, which it grants for 30 s after its link button is
//! pressed. Until then it answers v1 error 101, which is not a failure but the state "press the
//! button": Hearth asks again every second until a deadline, telling the caller how long is left
//! (the UI's countdown).

use std::time::Duration;

use hearth_secret::Secret;
use reqwest::Method;
use serde::{Deserialize, Serialize};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::transport::HttpRequest;
use crate::{Client, Error};

/// What the bridge grants: the app key (v1 username, v2 `hue-application-key`) and the client
/// key (for the entertainment API, kept for later).
#[derive(Clone, Debug)]
pub struct Credentials {
    pub app_key: Secret,
    pub client_key: Option<Secret>,
}

#[derive(Serialize)]
struct CreateUser<'a> {
    devicetype: &'a str,
    generateclientkey: bool,
}

#[derive(Deserialize)]
struct Granted {
    username: Secret,
    #[serde(default)]
    clientkey: Option<Secret>,
}

/// `<app>#<instance>` as the bridge wants it: at most 40 characters, the app name at most 20 and
/// the instance at most 19, with nothing the bridge would refuse.
pub fn devicetype(app: &str, instance: &str) -> String {
    let clean = |text: &str, max: usize| -> String {
        let cleaned: String = text
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ' '))
            .take(max)
            .collect();
        if cleaned.is_empty() {
            "x".to_owned()
        } else {
            cleaned
        }
    };
    format!("{}#{}", clean(app, 20), clean(instance, 19))
}

/// One attempt at `POST /api`. [`Error::LinkButtonNotPressed`] until the button is pressed.
pub async fn create_app_key(client: &Client, devicetype: &str) -> Result<Credentials, Error> {
    let body = CreateUser {
        devicetype,
        generateclientkey: true,
    };
    let response = client
        .send(HttpRequest::with_json(Method::POST, "/api", &body).anonymous())
        .await?;
    if response.status != 200 {
        return Err(Error::Http {
            status: response.status,
            message: "the bridge refused to pair".to_owned(),
        });
    }
    let reply = crate::v1::check_reply(&response.body)?;
    let granted = reply
        .as_array()
        .and_then(|items| items.iter().find_map(|item| item.get("success")))
        .ok_or_else(|| Error::malformed("pairing reply", "no success entry"))?;
    let granted: Granted = serde_json::from_value(granted.clone())
        .map_err(|err| Error::malformed("pairing reply", err))?;
    if granted.username.is_empty() {
        return Err(Error::malformed("pairing reply", "empty app key"));
    }
    Ok(Credentials {
        app_key: granted.username,
        client_key: granted.clientkey,
    })
}

/// Why pairing did not end with an app key.
#[derive(Clone, Debug, thiserror::Error)]
pub enum PairingError {
    #[error("the link button was not pressed within {} s", .waited.as_secs())]
    TimedOut { waited: Duration },
    #[error("pairing was cancelled")]
    Cancelled,
    #[error(transparent)]
    Bridge(#[from] Error),
}

/// How long to wait for the button, and how often to ask.
#[derive(Clone, Debug)]
pub struct PairingTiming {
    pub timeout: Duration,
    pub poll_interval: Duration,
}

impl Default for PairingTiming {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(30),
            poll_interval: Duration::from_secs(1),
        }
    }
}

/// Asks for an app key until the button is pressed, `timing.timeout` passes or `cancel` fires.
/// `waiting` is called with the time left after every "press the button" answer.
pub async fn pair(
    client: &Client,
    devicetype: &str,
    timing: &PairingTiming,
    cancel: &CancellationToken,
    mut waiting: impl FnMut(Duration) + Send,
) -> Result<Credentials, PairingError> {
    let deadline = Instant::now() + timing.timeout;
    loop {
        let attempt = tokio::select! {
            () = cancel.cancelled() => return Err(PairingError::Cancelled),
            attempt = create_app_key(client, devicetype) => attempt,
        };
        match attempt {
            Ok(credentials) => return Ok(credentials),
            Err(Error::LinkButtonNotPressed) => {}
            Err(err) => return Err(err.into()),
        }
        let now = Instant::now();
        if now >= deadline {
            return Err(PairingError::TimedOut {
                waited: timing.timeout,
            });
        }
        waiting(deadline - now);
        let next = (now + timing.poll_interval).min(deadline);
        tokio::select! {
            () = cancel.cancelled() => return Err(PairingError::Cancelled),
            () = tokio::time::sleep_until(next) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::devicetype;

    #[test]
    fn devicetype_fits_the_bridge_limits() {
        assert_eq!(devicetype("hearth", "my-laptop"), "hearth#my-laptop");
        let long = devicetype("hearth", "a-very-long-host-name-for-a-computer.example.org");
        assert!(long.len() <= 40, "{long}");
        assert_eq!(devicetype("hearth", "ünïcödé/§"), "hearth#ncd");
        assert_eq!(devicetype("", "%%"), "x#x");
    }
}
