//! Device flows and the proxy's own tokens, as records in the store.
//!
//! Keys (secrets only ever as SHA-256 hashes):
//! - `flow:{hash(device_code)}`: the [`Flow`], until delivered or a while after it expires (so a
//!   late poll gets `expired_token`, not `invalid_grant`);
//! - `user:{user_code}`: the device-code hash, for the code's lifetime;
//! - `poll:{hash(device_code)}`: the polling gate's state;
//! - `state:{hash(state)}`: the browser-side [`Pending`] authorization, bound to the browser
//!   cookie;
//! - `access:{hash}` / `refresh:{hash}` (Enedis mode): the [`Grant`] a token stands for.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::AppState;
use crate::codes;
use crate::seal;
use crate::store::{StoreError, now_ms};

/// How long a flow is kept after it expired, to answer `expired_token`.
const EXPIRED_GRACE: Duration = Duration::from_secs(600);

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Flow {
    pub client_id: String,
    pub scope: Option<String>,
    pub user_code: String,
    /// When the device asked for the code (0 in flows stored before this field existed).
    #[serde(default)]
    pub started_ms: u64,
    pub expires_ms: u64,
    /// The public key the token response is sealed to (see [`crate::seal`]); `None` in flows
    /// stored before sealing existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_key: Option<String>,
    pub status: Status,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Status {
    Pending,
    Denied,
    /// The token response for the device, sealed to its device code, kept until it polls once.
    Sealed {
        sealed: String,
    },
    /// The token response in clear: only in flows stored before sealing existed (read, never
    /// written, so that a store upgraded mid-flow still delivers).
    Approved {
        response: Map<String, Value>,
    },
}

impl Flow {
    pub fn is_expired(&self) -> bool {
        now_ms() >= self.expires_ms
    }

    fn remaining(&self) -> Duration {
        Duration::from_millis(self.expires_ms.saturating_sub(now_ms()))
    }

    /// When the flow started; for a flow stored before `started_ms` existed, its expiry less the
    /// configured lifetime.
    pub fn started(&self, lifetime: Duration) -> u64 {
        if self.started_ms == 0 {
            self.expires_ms
                .saturating_sub(u64::try_from(lifetime.as_millis()).unwrap_or(u64::MAX))
        } else {
            self.started_ms
        }
    }

    /// How long what belongs to this flow is kept from now: its life, then the grace in which a
    /// late poll hears `expired_token`.
    pub fn kept_for(&self) -> Duration {
        self.remaining() + EXPIRED_GRACE
    }
}

/// How long a redeemed consent id stays bound to its flow: longer than any Enedis consent lasts
/// (at most three years), so that an id can never be presented by a second flow.
const CONSENT_KEPT: Duration = Duration::from_secs(4 * 366 * 86_400);

pub fn flow_key(device_hash: &str) -> String {
    format!("flow:{device_hash}")
}

fn user_key(user_code: &str) -> String {
    format!("user:{user_code}")
}

pub fn poll_key(device_hash: &str) -> String {
    format!("poll:{device_hash}")
}

/// What a new flow hands the device.
pub struct Started {
    pub device_code: String,
    /// Normalised (8 letters, no dash).
    pub user_code: String,
    /// The secret of `verification_uri_complete`: 256 random bits that open the flow's
    /// confirmation without a code check (nobody guesses them), so the link and QR path never
    /// spends the guessing budget.
    pub link: String,
}

fn link_key(link: &str) -> String {
    format!("link:{}", codes::hash(link))
}

/// The counter of flows started in the window of one code lifetime numbered `index`.
fn started_key(index: u64) -> String {
    format!("started:{index}")
}

/// A new flow.
pub async fn start(
    state: &AppState,
    client_id: &str,
    scope: Option<String>,
) -> Result<Started, StoreError> {
    let lifetime = state.config.code_lifetime();
    let device_code = codes::new_device_code();
    let device_hash = codes::hash(&device_code);
    let link = codes::new_token();
    // A collision among live user codes is rare (20^8 codes) but must not link two devices.
    let mut user_code = codes::new_user_code();
    while !state
        .store
        .put_new(&user_key(&user_code), &device_hash, Some(lifetime))
        .await?
    {
        user_code = codes::new_user_code();
    }
    let started_ms = now_ms();
    let flow = Flow {
        client_id: client_id.to_owned(),
        scope,
        user_code: user_code.clone(),
        started_ms,
        expires_ms: started_ms + u64::try_from(lifetime.as_millis()).unwrap_or(u64::MAX),
        device_key: Some(seal::device_public_key(&device_code)),
        status: Status::Pending,
    };
    state
        .store
        .put(
            &flow_key(&device_hash),
            &encode(&flow)?,
            Some(lifetime + EXPIRED_GRACE),
        )
        .await?;
    state
        .store
        .put(&link_key(&link), &device_hash, Some(lifetime))
        .await?;
    let window = lifetime.as_millis().max(1);
    let index = u64::try_from(u128::from(started_ms) / window).unwrap_or(u64::MAX);
    state.store.incr(&started_key(index), lifetime * 2).await?;
    Ok(Started {
        device_code,
        user_code,
        link,
    })
}

/// An upper bound of the codes alive now: every one was started within the last code lifetime,
/// so in the current window of that length or the one before.
pub async fn pending_codes(state: &AppState) -> Result<u64, StoreError> {
    let window = state.config.code_lifetime().as_millis().max(1);
    let index = u64::try_from(u128::from(now_ms()) / window).unwrap_or(u64::MAX);
    let mut count = 0;
    for key in [started_key(index), started_key(index.saturating_sub(1))] {
        count += state
            .store
            .get(&key)
            .await?
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0);
    }
    Ok(count)
}

/// The flow behind the secret of a `verification_uri_complete`, with its device-code hash.
pub async fn by_link(state: &AppState, link: &str) -> Result<Option<(String, Flow)>, StoreError> {
    let Some(device_hash) = state.store.get(&link_key(link)).await? else {
        return Ok(None);
    };
    Ok(get(state, &device_hash)
        .await?
        .map(|(_, flow)| (device_hash, flow)))
}

fn encode<T: Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn decode<T: for<'de> Deserialize<'de>>(value: &str) -> Result<T, StoreError> {
    serde_json::from_str(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// The flow behind a (normalised) user code, with its device-code hash, while it is alive.
pub async fn by_user_code(
    state: &AppState,
    user_code: &str,
) -> Result<Option<(String, Flow)>, StoreError> {
    let Some(device_hash) = state.store.get(&user_key(user_code)).await? else {
        return Ok(None);
    };
    Ok(get(state, &device_hash)
        .await?
        .map(|(_, flow)| (device_hash, flow)))
}

/// The flow and its stored form (for [`transition`]).
pub async fn get(
    state: &AppState,
    device_hash: &str,
) -> Result<Option<(String, Flow)>, StoreError> {
    match state.store.get(&flow_key(device_hash)).await? {
        Some(raw) => Ok(Some((raw.clone(), decode(&raw)?))),
        None => Ok(None),
    }
}

/// Takes the flow out of the store, atomically: of two takers, one gets it.
pub async fn take(state: &AppState, device_hash: &str) -> Result<Option<Flow>, StoreError> {
    state
        .store
        .take(&flow_key(device_hash))
        .await?
        .map(|raw| decode(&raw))
        .transpose()
}

/// Moves a pending flow to `status`, atomically: of an approval and a refusal racing, one wins.
/// `false` when the flow is gone, no longer pending, or expired.
pub async fn transition(
    state: &AppState,
    device_hash: &str,
    status: impl FnOnce(&Flow) -> Result<Status, StoreError>,
) -> Result<bool, StoreError> {
    let Some((raw, flow)) = get(state, device_hash).await? else {
        return Ok(false);
    };
    if flow.status != Status::Pending || flow.is_expired() {
        return Ok(false);
    }
    let status = status(&flow)?;
    let ttl = flow.kept_for();
    let user_code = flow.user_code.clone();
    let next = Flow { status, ..flow };
    let replaced = state
        .store
        .replace_if(&flow_key(device_hash), &raw, &encode(&next)?, Some(ttl))
        .await?;
    if replaced {
        // The user code has served its purpose: it cannot be entered again.
        state.store.delete(&user_key(&user_code)).await?;
    }
    Ok(replaced)
}

/// Binds an upstream consent id (Enedis's `autorisation_id`) to the first flow that presents
/// it, atomically in the store (so across instances too). `true` when the id is this flow's:
/// newly bound, or bound to it by an earlier try of the same callback (a reload after a crash).
/// Any other flow presenting it gets `false`: the id is query input, and a leaked one must not
/// link someone else's meter to another device.
pub async fn bind_consent(
    state: &AppState,
    consent_id: &str,
    device_hash: &str,
) -> Result<bool, StoreError> {
    let key = format!("consent:{}", codes::hash(consent_id));
    if state
        .store
        .put_new(&key, device_hash, Some(CONSENT_KEPT))
        .await?
    {
        return Ok(true);
    }
    Ok(state.store.get(&key).await?.as_deref() == Some(device_hash))
}

/// Approves a pending flow with the token response the device will get.
pub async fn approve(
    state: &AppState,
    device_hash: &str,
    response: Map<String, Value>,
) -> Result<bool, StoreError> {
    transition(state, device_hash, |flow| {
        let Some(key) = flow.device_key.as_deref() else {
            // A flow started before the upgrade has no key: it is delivered as it was stored.
            return Ok(Status::Approved { response });
        };
        let plaintext =
            serde_json::to_vec(&response).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let sealed = seal::seal_for_device(key, &plaintext)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        Ok(Status::Sealed { sealed })
    })
    .await
}

/// Opens the token response of a flow taken from the store, with the device code that polled.
pub fn open_response(
    device_code: &str,
    status: Status,
) -> Result<Option<Map<String, Value>>, StoreError> {
    match status {
        Status::Sealed { sealed } => {
            let plaintext = seal::open_for_device(device_code, &sealed)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            decode(&String::from_utf8_lossy(&plaintext)).map(Some)
        }
        Status::Approved { response } => Ok(Some(response)),
        Status::Pending | Status::Denied => Ok(None),
    }
}

/// The browser side of a flow between the confirmation and the provider's redirect.
#[derive(Debug, Serialize, Deserialize)]
pub struct Pending {
    pub device_hash: String,
    pub browser_hash: String,
    pub code_verifier: String,
}

pub fn state_key(state_param: &str) -> String {
    format!("state:{}", codes::hash(state_param))
}

pub async fn put_pending(
    state: &AppState,
    state_param: &str,
    pending: &Pending,
    flow: &Flow,
) -> Result<(), StoreError> {
    state
        .store
        .put(
            &state_key(state_param),
            &encode(pending)?,
            Some(flow.remaining()),
        )
        .await
}

pub async fn get_pending(
    state: &AppState,
    state_param: &str,
) -> Result<Option<Pending>, StoreError> {
    state
        .store
        .get(&state_key(state_param))
        .await?
        .map(|raw| decode(&raw))
        .transpose()
}

/// What a token issued in Enedis mode stands for.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Grant {
    /// Names the link across refreshes (the pacer's fair-queue user).
    pub grant_id: String,
    pub client_id: String,
    /// The PRMs Enedis confirmed for the consent: the only ones this grant reads.
    pub prms: Vec<String>,
    /// The consent's last day, as Enedis listed it or derived (see `consent_end_derived`);
    /// absent from grants issued before the proxy kept it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent_end: Option<time::Date>,
    /// Enedis listed no end: `consent_end` is the consent's start plus the duration asked.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub consent_end_derived: bool,
}

fn access_key(token: &str) -> String {
    format!("access:{}", codes::hash(token))
}

fn refresh_key(token: &str) -> String {
    format!("refresh:{}", codes::hash(token))
}

/// Issues an access and a refresh token for `grant`; the response is in the seed's shape, with
/// the PRMs under both spellings Enedis clients read.
pub async fn issue(state: &AppState, grant: &Grant) -> Result<Map<String, Value>, StoreError> {
    let access = codes::new_token();
    let refresh = codes::new_token();
    let encoded = encode(grant)?;
    let access_ttl = Duration::from_secs(state.config.access_token_secs);
    let refresh_ttl = Duration::from_secs(state.config.refresh_token_days * 86_400);
    state
        .store
        .put(&access_key(&access), &encoded, Some(access_ttl))
        .await?;
    state
        .store
        .put(&refresh_key(&refresh), &encoded, Some(refresh_ttl))
        .await?;
    // A 2026 consent covers one PRM; should a grant ever hold several, `,` joins them, as
    // Enedis's own token responses did.
    let prms = Value::from(grant.prms.join(","));
    Ok(Map::from_iter([
        ("access_token".to_owned(), Value::from(access)),
        ("refresh_token".to_owned(), Value::from(refresh)),
        ("token_type".to_owned(), Value::from("Bearer")),
        (
            "expires_in".to_owned(),
            Value::from(state.config.access_token_secs),
        ),
        ("usage_point_id".to_owned(), prms.clone()),
        ("usage_points_id".to_owned(), prms),
    ])
    .into_iter()
    .chain(grant.consent_end.into_iter().flat_map(|end| {
        [
            (
                "consent_expires_at".to_owned(),
                Value::from(crate::upstream::enedis::fmt_date(end)),
            ),
            (
                "consent_expires_at_source".to_owned(),
                Value::from(if grant.consent_end_derived {
                    "derived"
                } else {
                    "enedis"
                }),
            ),
        ]
    }))
    .collect())
}

/// Rotates a refresh token: the old one is spent (single use), a new pair is issued.
pub async fn refresh(
    state: &AppState,
    client_id: &str,
    refresh_token: &str,
) -> Result<Option<Map<String, Value>>, StoreError> {
    let Some(raw) = state.store.take(&refresh_key(refresh_token)).await? else {
        return Ok(None);
    };
    let grant: Grant = decode(&raw)?;
    if grant.client_id != client_id {
        return Ok(None);
    }
    issue(state, &grant).await.map(Some)
}

pub async fn grant_for_access_token(
    state: &AppState,
    access_token: &str,
) -> Result<Option<Grant>, StoreError> {
    state
        .store
        .get(&access_key(access_token))
        .await?
        .map(|raw| decode(&raw))
        .transpose()
}
