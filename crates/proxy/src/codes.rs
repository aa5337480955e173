//! The codes of RFC 8628 and the proxy's own random values.
//!
//! User codes: 8 characters from 20 consonants (no vowels, so no words; no look-alikes such as
//! 0/O or 1/I), shown `XXXX-XXXX`, matched ignoring case, spaces and punctuation: 20^8 ≈ 2.6e10
//! possibilities, which the rate limits of `routes::auth` turn into a guessing chance below 1e-6
//! per code. Device codes and tokens: 256 random bits, kept in the store only as SHA-256 hashes.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::Rng as _;
use rand::RngCore as _;
use sha2::{Digest, Sha256};

pub const USER_CODE_ALPHABET: &[u8; 20] = b"BCDFGHJKLMNPQRSTVWXZ";
pub const USER_CODE_LEN: usize = 8;

/// A fresh user code, normalised (8 letters, no dash).
pub fn new_user_code() -> String {
    let mut rng = rand::rng();
    (0..USER_CODE_LEN)
        .map(|_| char::from(USER_CODE_ALPHABET[rng.random_range(0..USER_CODE_ALPHABET.len())]))
        .collect()
}

/// The user code as shown: `BCDF-GHJK`.
pub fn display_user_code(normalised: &str) -> String {
    let (a, b) = normalised.split_at(normalised.len().min(USER_CODE_LEN / 2));
    format!("{a}-{b}")
}

/// What the user typed, normalised; `None` when it cannot be a user code at all (such input is
/// rejected without a store lookup, but still counts as a wrong guess).
pub fn normalise_user_code(typed: &str) -> Option<String> {
    let code: String = typed
        .chars()
        .filter(|c| !(c.is_whitespace() || c.is_ascii_punctuation()))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (code.len() == USER_CODE_LEN && code.bytes().all(|b| USER_CODE_ALPHABET.contains(&b)))
        .then_some(code)
}

/// 256 random bits as 64 hex digits: the device code (the seed's clients expect hex).
pub fn new_device_code() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// 256 random bits, URL-safe base64: tokens, `state`, the browser cookie.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The store key part for a secret value: its SHA-256, so a copy of the store holds no usable
/// device code, token or cookie.
pub fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// The PKCE S256 challenge of a verifier (RFC 7636).
pub fn pkce_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_codes_use_the_alphabet_and_show_with_a_dash() {
        for _ in 0..200 {
            let code = new_user_code();
            assert_eq!(code.len(), 8);
            assert!(
                code.bytes().all(|b| USER_CODE_ALPHABET.contains(&b)),
                "{code}"
            );
            let shown = display_user_code(&code);
            assert_eq!(shown.len(), 9);
            assert_eq!(&shown[4..5], "-");
            assert_eq!(normalise_user_code(&shown).as_deref(), Some(code.as_str()));
        }
    }

    #[test]
    fn matching_is_lenient_about_case_spaces_and_dashes_only() {
        let check = |typed: &str| normalise_user_code(typed);
        assert_eq!(check("bcdf-ghjk").as_deref(), Some("BCDFGHJK"));
        assert_eq!(check(" BCDF ghjk ").as_deref(), Some("BCDFGHJK"));
        assert_eq!(check("bc.df_gh jk").as_deref(), Some("BCDFGHJK"));
        assert_eq!(check("BCDF-GHJA"), None, "A is not in the alphabet");
        assert_eq!(check("BCDF-GHJ"), None);
        assert_eq!(check("BCDF-GHJKL"), None);
        assert_eq!(check("BCDF-GHJ\u{212A}"), None, "the Kelvin sign is not K");
        assert_eq!(check(""), None);
    }

    #[test]
    fn device_codes_and_tokens_carry_256_bits() {
        let a = new_device_code();
        assert_eq!(a.len(), 64);
        assert!(a.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(a, new_device_code());
        assert_eq!(URL_SAFE_NO_PAD.decode(new_token()).unwrap().len(), 32);
        assert_eq!(hash("x").len(), 64);
    }

    #[test]
    fn pkce_matches_rfc_7636_appendix_b() {
        assert_eq!(
            pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }
}
