//! CLIP v1, for what v2 lacks on older bridges (firmware before API 1.46): lights, groups,
//! scenes and state changes. v1 reports errors with HTTP 200 and a body of
//! `[{"error": {"type": N, "address": "…", "description": "…"}}]`: they become [`V1Error`].
//!
//! The app key is the v1 *username* and sits in the URL path; the transport strips URLs from its
//! errors so that it never reaches a message or a log.

use std::collections::BTreeMap;
use std::sync::Arc;

use hearth_secret::Secret;
use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::transport::{HttpRequest, Transport};
use crate::{Client, Error};

/// The v1 error types Hearth tells apart; the others keep their number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum V1ErrorCode {
    UnauthorizedUser,
    InvalidJson,
    ResourceNotAvailable,
    MethodNotAvailable,
    MissingParameters,
    ParameterNotAvailable,
    InvalidValue,
    ParameterNotModifiable,
    LinkButtonNotPressed,
    DeviceIsOff,
    InternalError,
    Other(u32),
}

impl V1ErrorCode {
    pub fn from_number(code: u32) -> Self {
        match code {
            1 => Self::UnauthorizedUser,
            2 => Self::InvalidJson,
            3 => Self::ResourceNotAvailable,
            4 => Self::MethodNotAvailable,
            5 => Self::MissingParameters,
            6 => Self::ParameterNotAvailable,
            7 => Self::InvalidValue,
            8 => Self::ParameterNotModifiable,
            101 => Self::LinkButtonNotPressed,
            201 => Self::DeviceIsOff,
            901 => Self::InternalError,
            other => Self::Other(other),
        }
    }

    pub fn number(self) -> u32 {
        match self {
            Self::UnauthorizedUser => 1,
            Self::InvalidJson => 2,
            Self::ResourceNotAvailable => 3,
            Self::MethodNotAvailable => 4,
            Self::MissingParameters => 5,
            Self::ParameterNotAvailable => 6,
            Self::InvalidValue => 7,
            Self::ParameterNotModifiable => 8,
            Self::LinkButtonNotPressed => 101,
            Self::DeviceIsOff => 201,
            Self::InternalError => 901,
            Self::Other(n) => n,
        }
    }
}

/// One v1 error, as the bridge described it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the bridge refused {address}: {description} (v1 error {})", code.number())]
pub struct V1Error {
    pub code: V1ErrorCode,
    pub address: String,
    pub description: String,
}

#[derive(Deserialize)]
struct RawError {
    #[serde(rename = "type")]
    code: u32,
    #[serde(default)]
    address: String,
    #[serde(default)]
    description: String,
}

/// Reads a v1 reply: the first `error` entry of an array becomes an error; anything else is
/// returned as it is.
pub(crate) fn check_reply(body: &[u8]) -> Result<Value, Error> {
    let value: Value =
        serde_json::from_slice(body).map_err(|err| Error::malformed("CLIP v1 reply", err))?;
    if let Some(items) = value.as_array() {
        for item in items {
            if let Some(raw) = item.get("error") {
                let raw: RawError = serde_json::from_value(raw.clone())
                    .map_err(|err| Error::malformed("CLIP v1 error", err))?;
                let error = V1Error {
                    code: V1ErrorCode::from_number(raw.code),
                    address: raw.address,
                    description: raw.description,
                };
                return Err(match error.code {
                    V1ErrorCode::UnauthorizedUser => Error::Unauthorized,
                    V1ErrorCode::LinkButtonNotPressed => Error::LinkButtonNotPressed,
                    _ => Error::V1(error),
                });
            }
        }
    }
    Ok(value)
}

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
pub struct V1Light {
    #[serde(default)]
    pub name: String,
    pub state: V1LightState,
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(rename = "modelid", default)]
    pub model_id: String,
    #[serde(rename = "uniqueid", default)]
    pub unique_id: String,
}

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
pub struct V1LightState {
    pub on: bool,
    /// 1–254.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bri: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ct: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub xy: Option<[f64; 2]>,
    #[serde(default = "yes")]
    pub reachable: bool,
}

fn yes() -> bool {
    true
}

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
pub struct V1Group {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub lights: Vec<String>,
    /// `Room`, `Zone`, `LightGroup`, `Entertainment`, ….
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<V1GroupState>,
}

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
pub struct V1GroupState {
    pub all_on: bool,
    pub any_on: bool,
}

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
pub struct V1Scene {
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    #[serde(default)]
    pub lights: Vec<String>,
}

/// A state change for `PUT lights/<id>/state` or `PUT groups/<id>/action`. Brightness is the v1
/// scale (1–254); `scene` only applies to groups.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct V1State {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bri: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ct: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub xy: Option<[f64; 2]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scene: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transitiontime: Option<u16>,
}

impl V1State {
    /// A brightness in percent (0–100) on the v1 scale (1–254).
    pub fn percent_to_bri(percent: f64) -> u8 {
        let scaled = (percent.clamp(0.0, 100.0) / 100.0 * 253.0).round() + 1.0;
        // In range by construction: 1.0..=254.0.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let bri = scaled as u8;
        bri
    }

    pub fn bri_to_percent(bri: u8) -> f64 {
        (f64::from(bri.max(1)) - 1.0) / 253.0 * 100.0
    }
}

/// The CLIP v1 client. Its requests go through a [`Client`], which retries a busy bridge.
#[derive(Clone, Debug)]
pub struct V1Client {
    client: Client,
    username: Secret,
}

impl V1Client {
    pub fn new(transport: Arc<dyn Transport>, username: Secret) -> Self {
        Self {
            client: Client::new(transport),
            username,
        }
    }

    fn path(&self, rest: &str) -> String {
        format!("/api/{}/{rest}", self.username.expose())
    }

    /// The username is in the path: no `hue-application-key`.
    async fn call(&self, request: HttpRequest) -> Result<Value, Error> {
        let response = self.client.send(request.anonymous()).await?;
        if response.status != 200 {
            return Err(Error::Http {
                status: response.status,
                message: "CLIP v1 request failed".to_owned(),
            });
        }
        check_reply(&response.body)
    }

    async fn get_map<T: serde::de::DeserializeOwned>(
        &self,
        what: &str,
    ) -> Result<BTreeMap<String, T>, Error> {
        let value = self.call(HttpRequest::get(self.path(what))).await?;
        let Value::Object(map) = value else {
            return Err(Error::malformed(format!("CLIP v1 {what}"), "not an object"));
        };
        // Like v2 lists, one odd entry is skipped rather than failing the rest.
        Ok(map
            .into_iter()
            .filter_map(|(id, value)| match serde_json::from_value(value) {
                Ok(item) => Some((id, item)),
                Err(err) => {
                    tracing::debug!("skipped v1 {what} {id}: {err}");
                    None
                }
            })
            .collect())
    }

    pub async fn lights(&self) -> Result<BTreeMap<String, V1Light>, Error> {
        self.get_map("lights").await
    }

    pub async fn groups(&self) -> Result<BTreeMap<String, V1Group>, Error> {
        self.get_map("groups").await
    }

    pub async fn scenes(&self) -> Result<BTreeMap<String, V1Scene>, Error> {
        self.get_map("scenes").await
    }

    pub async fn set_light_state(&self, id: &str, state: &V1State) -> Result<(), Error> {
        let path = self.path(&format!("lights/{id}/state"));
        self.call(HttpRequest::with_json(Method::PUT, path, state))
            .await
            .map(drop)
    }

    pub async fn set_group_action(&self, id: &str, state: &V1State) -> Result<(), Error> {
        let path = self.path(&format!("groups/{id}/action"));
        self.call(HttpRequest::with_json(Method::PUT, path, state))
            .await
            .map(drop)
    }

    pub async fn recall_scene(&self, group: &str, scene: &str) -> Result<(), Error> {
        let state = V1State {
            scene: Some(scene.to_owned()),
            ..V1State::default()
        };
        self.set_group_action(group, &state).await
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::{V1State, check_reply};

    #[test]
    fn errors_in_a_200_reply_are_typed() {
        let mut out = String::new();
        for body in [
            r#"[{"success":{"/lights/1/state/on":true}}]"#,
            r#"[{"error":{"type":1,"address":"/lights","description":"unauthorized user"}}]"#,
            r#"[{"error":{"type":101,"address":"","description":"link button not pressed"}}]"#,
            r#"[{"error":{"type":3,"address":"/lights/9","description":"resource, /lights/9, not available"}}]"#,
            r#"[{"error":{"type":201,"address":"/lights/1/state/bri","description":"parameter, bri, is not modifiable. Device is set to off."}}]"#,
            r#"[{"error":{"type":"x"}}]"#,
            "not json",
        ] {
            let line = match check_reply(body.as_bytes()) {
                Ok(value) => format!("ok {value}\n"),
                Err(err) => format!("{}: {err}\n", err.kind()),
            };
            out.push_str(&line);
        }
        expect![[r#"
            ok [{"success":{"/lights/1/state/on":true}}]
            unauthorized: the bridge does not accept Hearth's app key: pair with it again
            link_button: the link button on the bridge has not been pressed
            v1: the bridge refused /lights/9: resource, /lights/9, not available (v1 error 3)
            v1: the bridge refused /lights/1/state/bri: parameter, bri, is not modifiable. Device is set to off. (v1 error 201)
            malformed: the bridge sent something Hearth cannot read (CLIP v1 error): invalid type: string "x", expected u32
            malformed: the bridge sent something Hearth cannot read (CLIP v1 reply): expected ident at line 1 column 2
        "#]]
        .assert_eq(&out);
    }

    #[test]
    fn brightness_scales_both_ways() {
        assert_eq!(V1State::percent_to_bri(0.0), 1);
        assert_eq!(V1State::percent_to_bri(100.0), 254);
        assert_eq!(V1State::percent_to_bri(250.0), 254);
        assert_eq!(V1State::percent_to_bri(50.0), 128);
        assert!((V1State::bri_to_percent(254) - 100.0).abs() < 1e-9);
        assert!(V1State::bri_to_percent(1).abs() < 1e-9);
    }
}
