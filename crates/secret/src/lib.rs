//! Secrets: [`Secret`], a string that never shows itself by accident, and [`SecretStore`], where
//! secrets are kept between runs (the OS keychain, a 0600 file where there is none, or memory).
//!
//! Tokens, app keys and client secrets pass through logs, error messages and IPC payloads all over
//! the app. Wrapping them in this type makes the safe thing the default: `Debug` and `Display`
//! print `<redacted>`, there is no `Serialize` impl (so a secret cannot end up in a JSON reply to
//! the webview or in a settings file), and reading the value takes an explicit, greppable
//! [`Secret::expose`].
//!
//! It does implement `Deserialize`, so that secrets can be *read* from an upstream response or a
//! keychain entry without an intermediate `String` that someone might log.

mod store;

use std::fmt;

use serde::{Deserialize, Deserializer};
use subtle::ConstantTimeEq;

pub use store::{FileStore, KeychainStore, MemoryStore, SecretStore, StoreError, StoreKind, open};

/// A secret string. See the crate documentation.
#[derive(Clone, Default)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret value. Every call is a place where the secret leaves its box: keep them few.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Constant-time comparison: secrets are compared when checking tokens, and a short-circuiting
/// `==` would leak how many leading bytes matched.
impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        self.0.as_bytes().ct_eq(other.0.as_bytes()).into()
    }
}

impl Eq for Secret {}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self)
    }
}

/// `Secret` must never implement `Serialize`: this fails to compile if it does. (The trait below
/// is implemented for every type with `()` and, for serializable types, also with `Serializable`;
/// naming the impl with `_` is then ambiguous for a serializable `Secret`.)
const _: () = {
    trait AmbiguousIfSerialize<A> {
        fn check() {}
    }
    impl<T: ?Sized> AmbiguousIfSerialize<()> for T {}
    struct Serializable;
    impl<T: ?Sized + serde::Serialize> AmbiguousIfSerialize<Serializable> for T {}
    let _ = <Secret as AmbiguousIfSerialize<_>>::check;
};

#[cfg(test)]
mod tests {
    use super::Secret;

    #[test]
    fn never_prints_its_value() {
        let secret = Secret::new("hunter2");
        assert_eq!(format!("{secret:?}"), "<redacted>");
        assert_eq!(format!("{secret}"), "<redacted>");
        assert_eq!(format!("{:?}", Some(&secret)), "Some(<redacted>)");
        assert_eq!(secret.expose(), "hunter2");
    }

    #[test]
    fn reads_from_json_and_compares_by_value() {
        let secret: Secret = serde_json::from_str("\"abc\"").unwrap();
        assert_eq!(secret, Secret::from("abc"));
        assert_ne!(secret, Secret::from("abd"));
        assert_ne!(secret, Secret::from("ab"));
    }
}
