//! Sealing what the store must hold but must not be able to read.
//!
//! - A token response waiting for its device is sealed to the device code: at the start of a
//!   flow the proxy derives an X25519 key pair from the device code and keeps only the public
//!   half in the flow; the callback seals the response to it (a fresh ephemeral key, then
//!   ChaCha20-Poly1305); only a poll that presents the device code can derive the private half
//!   and open it. The store holds the device code only as a SHA-256 hash, so neither a copy of
//!   the database (or its WAL) nor the process handling the callback can read the tokens later.
//! - Values kept for the proxy itself in a shared store (the Enedis application token on Redis)
//!   are sealed with a key derived from the upstream client secret, which never enters the store.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use rand::RngCore as _;
use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use sha2::Sha256;
use x25519_dalek::{PublicKey, StaticSecret};

/// The format tag of sealed values: a change of scheme gets a new tag, and old values stay
/// recognisable.
const DEVICE_TAG: &str = "d1";
const SECRET_TAG: &str = "s1";

#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error("a sealed value is malformed")]
    Malformed,
    #[error("a sealed value does not open with this key")]
    WrongKey,
}

fn mac(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    // HMAC accepts keys of any length: this cannot fail.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else {
        return [0; 32];
    };
    for part in parts {
        mac.update(part);
        mac.update(b"\0");
    }
    mac.finalize().into_bytes().into()
}

fn device_secret(device_code: &str) -> StaticSecret {
    StaticSecret::from(mac(device_code.as_bytes(), &[b"hearth-proxy device key"]))
}

/// The public key a flow keeps, derived from its device code.
pub fn device_public_key(device_code: &str) -> String {
    URL_SAFE_NO_PAD.encode(PublicKey::from(&device_secret(device_code)).as_bytes())
}

fn aead_key(bytes: &[u8; 32]) -> Result<LessSafeKey, SealError> {
    UnboundKey::new(&CHACHA20_POLY1305, bytes)
        .map(LessSafeKey::new)
        .map_err(|_| SealError::Malformed)
}

fn decode32(text: &str) -> Result<[u8; 32], SealError> {
    URL_SAFE_NO_PAD
        .decode(text)
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .ok_or(SealError::Malformed)
}

/// Seals `plaintext` to the holder of the device code whose public key is `public_key`.
pub fn seal_for_device(public_key: &str, plaintext: &[u8]) -> Result<String, SealError> {
    let recipient = PublicKey::from(decode32(public_key)?);
    let mut seed = [0u8; 32];
    rand::rng().fill_bytes(&mut seed);
    let ephemeral = StaticSecret::from(seed);
    let ephemeral_public = PublicKey::from(&ephemeral);
    let shared = ephemeral.diffie_hellman(&recipient);
    if !shared.was_contributory() {
        return Err(SealError::Malformed);
    }
    let key = mac(
        shared.as_bytes(),
        &[
            b"hearth-proxy sealed response",
            ephemeral_public.as_bytes(),
            recipient.as_bytes(),
        ],
    );
    let mut buffer = plaintext.to_vec();
    // Each key seals one value (the ephemeral key is fresh): a fixed nonce is safe.
    aead_key(&key)?
        .seal_in_place_append_tag(
            Nonce::assume_unique_for_key([0; NONCE_LEN]),
            Aad::from(DEVICE_TAG),
            &mut buffer,
        )
        .map_err(|_| SealError::Malformed)?;
    Ok(format!(
        "{DEVICE_TAG}.{}.{}",
        URL_SAFE_NO_PAD.encode(ephemeral_public.as_bytes()),
        URL_SAFE_NO_PAD.encode(buffer)
    ))
}

/// Opens what [`seal_for_device`] sealed, with the device code.
pub fn open_for_device(device_code: &str, sealed: &str) -> Result<Vec<u8>, SealError> {
    let mut parts = sealed.split('.');
    let (Some(DEVICE_TAG), Some(ephemeral), Some(body), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(SealError::Malformed);
    };
    let ephemeral_public = PublicKey::from(decode32(ephemeral)?);
    let secret = device_secret(device_code);
    let shared = secret.diffie_hellman(&ephemeral_public);
    if !shared.was_contributory() {
        return Err(SealError::Malformed);
    }
    let key = mac(
        shared.as_bytes(),
        &[
            b"hearth-proxy sealed response",
            ephemeral_public.as_bytes(),
            PublicKey::from(&secret).as_bytes(),
        ],
    );
    let mut buffer = URL_SAFE_NO_PAD
        .decode(body)
        .map_err(|_| SealError::Malformed)?;
    let opened = aead_key(&key)?
        .open_in_place(
            Nonce::assume_unique_for_key([0; NONCE_LEN]),
            Aad::from(DEVICE_TAG),
            &mut buffer,
        )
        .map_err(|_| SealError::WrongKey)?;
    Ok(opened.to_vec())
}

/// Seals `plaintext` with a key derived from `secret` for `purpose`.
pub fn seal_with_secret(
    secret: &str,
    purpose: &str,
    plaintext: &[u8],
) -> Result<String, SealError> {
    let key = mac(
        secret.as_bytes(),
        &[b"hearth-proxy sealed value", purpose.as_bytes()],
    );
    let mut nonce = [0u8; NONCE_LEN];
    rand::rng().fill_bytes(&mut nonce);
    let mut buffer = plaintext.to_vec();
    aead_key(&key)?
        .seal_in_place_append_tag(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(purpose),
            &mut buffer,
        )
        .map_err(|_| SealError::Malformed)?;
    Ok(format!(
        "{SECRET_TAG}.{}.{}",
        URL_SAFE_NO_PAD.encode(nonce),
        URL_SAFE_NO_PAD.encode(buffer)
    ))
}

/// Whether a stored value is sealed (by either scheme), as opposed to a value an earlier version
/// stored in clear.
pub fn is_sealed(value: &str) -> bool {
    value.starts_with(&format!("{DEVICE_TAG}.")) || value.starts_with(&format!("{SECRET_TAG}."))
}

/// Opens what [`seal_with_secret`] sealed.
pub fn open_with_secret(secret: &str, purpose: &str, sealed: &str) -> Result<Vec<u8>, SealError> {
    let mut parts = sealed.split('.');
    let (Some(SECRET_TAG), Some(nonce), Some(body), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(SealError::Malformed);
    };
    let nonce = URL_SAFE_NO_PAD
        .decode(nonce)
        .ok()
        .and_then(|n| <[u8; NONCE_LEN]>::try_from(n).ok())
        .ok_or(SealError::Malformed)?;
    let key = mac(
        secret.as_bytes(),
        &[b"hearth-proxy sealed value", purpose.as_bytes()],
    );
    let mut buffer = URL_SAFE_NO_PAD
        .decode(body)
        .map_err(|_| SealError::Malformed)?;
    let opened = aead_key(&key)?
        .open_in_place(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(purpose),
            &mut buffer,
        )
        .map_err(|_| SealError::WrongKey)?;
    Ok(opened.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_device_code_opens_what_was_sealed_to_it() {
        let code = "a".repeat(64);
        let public = device_public_key(&code);
        let sealed = seal_for_device(&public, b"{\"access_token\":\"tok\"}").unwrap();
        assert!(!sealed.contains("tok"));
        assert_eq!(
            open_for_device(&code, &sealed).unwrap(),
            b"{\"access_token\":\"tok\"}"
        );
        assert!(matches!(
            open_for_device(&"b".repeat(64), &sealed),
            Err(SealError::WrongKey)
        ));
        assert_ne!(
            sealed,
            seal_for_device(&public, b"{\"access_token\":\"tok\"}").unwrap(),
            "a fresh ephemeral key each time"
        );
        let mut tampered = sealed.clone();
        tampered.pop();
        tampered.push(if sealed.ends_with('A') { 'B' } else { 'A' });
        assert!(open_for_device(&code, &tampered).is_err());
        assert!(matches!(
            open_for_device(&code, "x.y"),
            Err(SealError::Malformed)
        ));
    }

    #[test]
    fn values_sealed_with_a_secret_open_with_it_only() {
        let sealed = seal_with_secret("secret", "app-token", b"bearer-value").unwrap();
        assert!(!sealed.contains("bearer-value"));
        assert_eq!(
            open_with_secret("secret", "app-token", &sealed).unwrap(),
            b"bearer-value"
        );
        assert!(open_with_secret("other", "app-token", &sealed).is_err());
        assert!(open_with_secret("secret", "other-purpose", &sealed).is_err());
    }
}
