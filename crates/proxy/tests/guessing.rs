//! The arithmetic behind the user-code limits: guessing at full speed for a code's whole
//! lifetime succeeds with probability below 1e-6, with the default configuration, however many
//! codes are pending.
//!
//! Every code check (right or wrong) counts against a global budget of `G` checks per window `W`
//! before the lookup, atomically in the store, so at most `G` lookups happen per window, whatever
//! the number of addresses or concurrent requests. A code lives `L` seconds; an interval of
//! length `L` overlaps at most `ceil(L / W) + 1` consecutive windows. Each lookup of a code the
//! attacker has not tried yet hits a given live code with probability `1 / 20^8`, so the chance
//! to find that code is at most `G × (ceil(L / W) + 1) / 20^8`. `G` is computed from the code
//! space and the number of pending codes (`codes::global_budget`); opening the link of
//! `verification_uri_complete` is no code check (its secret has 256 bits) and spends nothing.
//! (`tests/browser.rs` checks that the budget is enforced.)
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failed step panics the test with its reason.

use clap::Parser as _;
use hearth_proxy::Config;
use hearth_proxy::codes::{USER_CODE_ALPHABET, USER_CODE_LEN, global_budget};

/// The budget in force with `pending` codes alive.
fn budget(config: &Config, pending: u64) -> u64 {
    config.guesses_global.unwrap_or_else(|| {
        global_budget(
            config.code_lifetime_secs,
            config.guess_window_secs,
            pending,
            config.guesses_global_min,
        )
    })
}

#[allow(clippy::cast_precision_loss)] // Counts far below 2^52.
fn chance_to_guess(config: &Config, pending: u64) -> f64 {
    let space = (USER_CODE_ALPHABET.len() as f64).powi(i32::try_from(USER_CODE_LEN).unwrap());
    let windows = config.code_lifetime_secs.div_ceil(config.guess_window_secs) + 1;
    let lookups = budget(config, pending) * windows;
    lookups as f64 / space
}

#[test]
fn guessing_a_code_over_its_lifetime_is_below_one_in_a_million() {
    let config = Config::try_parse_from(["hearth-proxy"]).unwrap();
    assert_eq!(USER_CODE_ALPHABET.len(), 20);
    assert_eq!(USER_CODE_LEN, 8);
    assert_eq!(
        (
            config.guesses_global,
            config.guess_window_secs,
            config.code_lifetime_secs
        ),
        (None, 600, 600)
    );
    // 20^8 = 25,600,000,000 codes; a code lives 600 s, which overlaps at most 2 windows of
    // 600 s. With one code pending the budget is 12,799 checks per window: 25,598 lookups over
    // its life, 25,598 / 2.56e10 ≈ 9.999e-7.
    assert_eq!(budget(&config, 1), 12_799);
    let p = chance_to_guess(&config, 1);
    assert!((p - 9.999_218_75e-7).abs() < 1e-13, "{p}");
    for pending in [0, 1, 2, 10, 13, 1_000, 1_000_000] {
        assert!(
            chance_to_guess(&config, pending) < 1e-6,
            "{pending} pending"
        );
    }
    // With few codes pending, the chance that *any* of them is guessed stays below 1e-6 too.
    #[allow(clippy::cast_precision_loss)]
    for pending in [1_u64, 2, 5, 10, 12] {
        assert!(
            chance_to_guess(&config, pending) * pending as f64 <= 1e-6,
            "{pending}"
        );
    }
    // Many pending codes do not bring the lockout below the floor of 1,000 checks per window.
    assert_eq!(budget(&config, 1_000_000), 1_000);
}

#[test]
fn the_bound_still_holds_for_a_longer_lifetime_or_a_shorter_window() {
    let long = Config::try_parse_from(["hearth-proxy", "--code-lifetime-secs", "1800"]).unwrap();
    assert!(
        chance_to_guess(&long, 1) < 1e-6,
        "{}",
        chance_to_guess(&long, 1)
    );
    let short = Config::try_parse_from(["hearth-proxy", "--guess-window-secs", "60"]).unwrap();
    assert!(
        chance_to_guess(&short, 1) < 1e-6,
        "{}",
        chance_to_guess(&short, 1)
    );
    let long_window =
        Config::try_parse_from(["hearth-proxy", "--guess-window-secs", "3600"]).unwrap();
    assert!(chance_to_guess(&long_window, 1) < 1e-6);
    // And the arithmetic does notice a reckless fixed budget.
    let reckless = Config::try_parse_from([
        "hearth-proxy",
        "--guesses-global",
        "100000",
        "--guess-window-secs",
        "60",
    ])
    .unwrap();
    assert!(chance_to_guess(&reckless, 1) > 1e-6);
}
