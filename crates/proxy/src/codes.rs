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

/// The highest chance allowed for one code to be guessed over its whole life.
pub const GUESS_TARGET: f64 = 1e-6;

/// The number of user codes: 20^8.
#[allow(clippy::cast_precision_loss)] // 2.56e10 is exact in an f64.
pub fn code_space() -> f64 {
    (USER_CODE_ALPHABET.len() as f64).powi(8)
}

/// How many windows of `window_secs` a code living `lifetime_secs` overlaps, at most.
pub fn windows_per_life(lifetime_secs: u64, window_secs: u64) -> u64 {
    lifetime_secs.div_ceil(window_secs.max(1)) + 1
}

/// The global budget of code checks per window.
///
/// Every check counts before its lookup, and a lookup finds one given code with chance 1/20^8,
/// so with `G` checks per window a code is found over its life with chance at most
/// `G × windows_per_life / 20^8`. The largest `G` keeping that below [`GUESS_TARGET`] is the
/// ceiling (12,799 per window with the default 10-minute codes and windows). With `pending`
/// codes alive, a check finds *some* code with chance `pending / 20^8`: the budget is divided by
/// that number, so that the chance that any code is guessed stays below the target too, but it
/// never goes below `floor` (a flood of new flows must not make a lockout cheaper than that),
/// nor above the ceiling (the bound for each code always holds).
pub fn global_budget(lifetime_secs: u64, window_secs: u64, pending: u64, floor: u64) -> u64 {
    let windows = windows_per_life(lifetime_secs, window_secs);
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )] // A positive count far below 2^52.
    let ceiling = ((GUESS_TARGET * code_space() / windows as f64).ceil() as u64).saturating_sub(1);
    (ceiling / pending.max(1)).max(floor).min(ceiling)
}

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
    fn the_global_budget_follows_the_pending_codes_between_its_floor_and_its_ceiling() {
        assert_eq!(windows_per_life(600, 600), 2);
        assert_eq!(global_budget(600, 600, 0, 1_000), 12_799);
        assert_eq!(global_budget(600, 600, 1, 1_000), 12_799);
        assert_eq!(global_budget(600, 600, 4, 1_000), 3_199);
        assert_eq!(global_budget(600, 600, 100_000, 1_000), 1_000);
        assert_eq!(
            global_budget(600, 600, 1, 1_000_000),
            12_799,
            "a floor above the ceiling does not break the bound"
        );
    }

    #[test]
    fn pkce_matches_rfc_7636_appendix_b() {
        assert_eq!(
            pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }
}
