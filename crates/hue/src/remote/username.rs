//! A bridge username created through the cloud, for a bridge Hearth never paired with on the
//! local network (a username made locally is a whitelist entry too, and works remotely as is).
//!
//! The cloud's own user `0` may set one thing on the bridge: `PUT /route/api/0/config
//! {"linkbutton":true}` presses the link button remotely. Within the 30 s that follow,
//! `POST /route/api {"devicetype":…}` is answered with a username, exactly as local pairing is;
//! before the press takes effect the bridge answers v1 error 101, which is waited out like the
//! local countdown (see [`crate::pairing`]).

use reqwest::Method;
use serde_json::json;
use tokio_util::sync::CancellationToken;

use crate::pairing::{Credentials, PairingError, PairingTiming};
use crate::transport::HttpRequest;
use crate::{Client, Error};

/// Presses the bridge's link button through the cloud. `client` must be over a
/// [`RemoteTransport`](super::RemoteTransport) (locally, user `0` means nothing).
pub async fn press_link_button(client: &Client) -> Result<(), Error> {
    let request =
        HttpRequest::with_json(Method::PUT, "/api/0/config", &json!({"linkbutton": true}))
            .anonymous();
    let response = client.send(request).await?;
    if response.status != 200 {
        return Err(Error::Http {
            status: response.status,
            message: "the Hue cloud did not press the bridge's link button".to_owned(),
        });
    }
    crate::v1::check_reply(&response.body)?;
    Ok(())
}

/// Presses the link button remotely, then asks for a username until the bridge grants one, the
/// timing's deadline passes or `cancel` fires. `waiting` hears the time left after each 101.
pub async fn create(
    client: &Client,
    devicetype: &str,
    timing: &PairingTiming,
    cancel: &CancellationToken,
    waiting: impl FnMut(std::time::Duration) + Send,
) -> Result<Credentials, PairingError> {
    tokio::select! {
        () = cancel.cancelled() => return Err(PairingError::Cancelled),
        pressed = press_link_button(client) => pressed?,
    }
    crate::pairing::pair(client, devicetype, timing, cancel, waiting).await
}
