//! The tokens a link yields, and how they are kept in a secret store.
//!
//! `Secret` is deliberately not `Serialize`, so the JSON stored in the keychain entry is written
//! here, inside the store boundary, from borrowed strings, and read back straight into `Secret`s.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hearth_secret::Secret;
use oauth2::TokenResponse as _;
use oauth2::basic::BasicTokenResponse;
use serde::{Deserialize, Serialize};

/// An access token, the refresh token that renews it (if the server gave one), and when the
/// access token expires (if the server said).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenSet {
    pub access_token: Secret,
    pub refresh_token: Option<Secret>,
    pub expires_at: Option<SystemTime>,
}

/// The stored form's version: bump it, and keep reading the old one, if the shape changes.
const FORMAT: u32 = 1;

#[derive(Serialize)]
struct Stored<'a> {
    format: u32,
    access_token: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_token: Option<&'a str>,
    /// Unix seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    expires_at: Option<u64>,
}

#[derive(Deserialize)]
struct Loaded {
    format: u32,
    access_token: Secret,
    refresh_token: Option<Secret>,
    expires_at: Option<u64>,
}

/// A stored token set that cannot be read (written by a newer Hearth, or damaged).
#[derive(Debug, thiserror::Error)]
#[error("the saved sign-in could not be read; link again")]
pub struct DecodeError;

impl TokenSet {
    pub(crate) fn from_response(response: &BasicTokenResponse, now: SystemTime) -> Self {
        Self {
            access_token: Secret::from(response.access_token().secret().as_str()),
            refresh_token: response
                .refresh_token()
                .map(|token| Secret::from(token.secret().as_str())),
            expires_at: response.expires_in().and_then(|ttl| now.checked_add(ttl)),
        }
    }

    /// Whether the access token expires within `margin` of `now` (never, if no expiry is known:
    /// the server's 401 will say).
    pub fn expires_within(&self, margin: Duration, now: SystemTime) -> bool {
        self.expires_at
            .is_some_and(|at| at.duration_since(now).map_or(true, |left| left <= margin))
    }

    /// The JSON kept in the store, as a `Secret` so that it is handled like one.
    pub fn encode(&self) -> Secret {
        let stored = Stored {
            format: FORMAT,
            access_token: self.access_token.expose(),
            refresh_token: self.refresh_token.as_ref().map(Secret::expose),
            expires_at: self
                .expires_at
                .and_then(|at| at.duration_since(UNIX_EPOCH).ok())
                .map(|since| since.as_secs()),
        };
        // Serializing borrowed strings and integers to a String cannot fail.
        Secret::from(serde_json::to_string(&stored).unwrap_or_default())
    }

    pub fn decode(stored: &Secret) -> Result<Self, DecodeError> {
        let loaded: Loaded = serde_json::from_str(stored.expose()).map_err(|_| DecodeError)?;
        if loaded.format != FORMAT || loaded.access_token.is_empty() {
            return Err(DecodeError);
        }
        Ok(Self {
            access_token: loaded.access_token,
            refresh_token: loaded.refresh_token.filter(|token| !token.is_empty()),
            expires_at: loaded
                .expires_at
                .map(|secs| UNIX_EPOCH + Duration::from_secs(secs)),
        })
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use hearth_secret::Secret;

    use super::TokenSet;

    #[test]
    fn round_trips_through_the_stored_form() {
        let tokens = TokenSet {
            access_token: Secret::from("AT-1"),
            refresh_token: Some(Secret::from("RT-1")),
            expires_at: Some(UNIX_EPOCH + Duration::from_secs(1_700_000_000)),
        };
        let stored = tokens.encode();
        assert_eq!(
            stored.expose(),
            r#"{"format":1,"access_token":"AT-1","refresh_token":"RT-1","expires_at":1700000000}"#
        );
        assert_eq!(TokenSet::decode(&stored).unwrap(), tokens);

        let bare = TokenSet {
            access_token: Secret::from("AT"),
            refresh_token: None,
            expires_at: None,
        };
        assert_eq!(TokenSet::decode(&bare.encode()).unwrap(), bare);
    }

    #[test]
    fn refuses_unknown_or_damaged_forms() {
        for stored in [
            "not json",
            r#"{"format":2,"access_token":"AT"}"#,
            r#"{"format":1,"access_token":""}"#,
            r#"{"format":1}"#,
        ] {
            let err = TokenSet::decode(&Secret::from(stored)).unwrap_err();
            assert_eq!(
                err.to_string(),
                "the saved sign-in could not be read; link again"
            );
        }
    }

    #[test]
    fn expiry_margin() {
        let now = UNIX_EPOCH + Duration::from_secs(1000);
        let tokens = |expires: Option<u64>| TokenSet {
            access_token: Secret::from("AT"),
            refresh_token: None,
            expires_at: expires.map(|secs| UNIX_EPOCH + Duration::from_secs(secs)),
        };
        let margin = Duration::from_secs(300);
        assert!(!tokens(None).expires_within(margin, now));
        assert!(!tokens(Some(1301)).expires_within(margin, now));
        assert!(tokens(Some(1300)).expires_within(margin, now));
        assert!(tokens(Some(999)).expires_within(margin, now));
    }

    #[test]
    fn debug_hides_tokens() {
        let tokens = TokenSet {
            access_token: Secret::from("AT-SECRET"),
            refresh_token: Some(Secret::from("RT-SECRET")),
            expires_at: None,
        };
        assert!(!format!("{tokens:?}").contains("SECRET"));
    }
}
