//! The arithmetic behind the user-code limits: guessing at full speed for a code's whole
//! lifetime succeeds with probability below 1e-6, with the default configuration.
//!
//! Every code check (right or wrong) counts against a global budget of `G` checks per window `W`
//! before the lookup, atomically in the store, so at most `G` lookups happen per window, whatever
//! the number of addresses or concurrent requests. A code lives `L` seconds; an interval of
//! length `L` overlaps at most `ceil(L / W) + 1` consecutive windows. Each lookup of a code the
//! attacker has not tried yet hits a given live code with probability `1 / 20^8`, so the chance
//! to find that code is at most `G × (ceil(L / W) + 1) / 20^8`.
//! (`tests/browser.rs` checks that the budget is enforced.)
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failed step panics the test with its reason.

use clap::Parser as _;
use hearth_proxy::Config;
use hearth_proxy::codes::{USER_CODE_ALPHABET, USER_CODE_LEN};

#[allow(clippy::cast_precision_loss)] // Counts far below 2^52.
fn chance_to_guess(config: &Config) -> f64 {
    let space = (USER_CODE_ALPHABET.len() as f64).powi(i32::try_from(USER_CODE_LEN).unwrap());
    let windows = config.code_lifetime_secs.div_ceil(config.guess_window_secs) + 1;
    let lookups = config.guesses_global * windows;
    lookups as f64 / space
}

#[test]
fn guessing_a_code_over_its_lifetime_is_below_one_in_a_million() {
    let config = Config::try_parse_from(["hearth-proxy"]).unwrap();
    assert_eq!(USER_CODE_ALPHABET.len(), 20);
    assert_eq!(USER_CODE_LEN, 8);
    // 20^8 = 25,600,000,000 codes; 1,000 checks per hour; a code lives 600 s, which overlaps at
    // most 2 windows: 2,000 lookups, 2,000 / 2.56e10 ≈ 7.8e-8.
    assert_eq!(
        (
            config.guesses_global,
            config.guess_window_secs,
            config.code_lifetime_secs
        ),
        (1_000, 3_600, 600)
    );
    let p = chance_to_guess(&config);
    assert!((p - 7.8125e-8).abs() < 1e-12, "{p}");
    assert!(p < 1e-6);
}

#[test]
fn the_bound_still_holds_for_a_longer_lifetime_or_a_shorter_window() {
    let long = Config::try_parse_from(["hearth-proxy", "--code-lifetime-secs", "1800"]).unwrap();
    assert!(chance_to_guess(&long) < 1e-6, "{}", chance_to_guess(&long));
    let short = Config::try_parse_from(["hearth-proxy", "--guess-window-secs", "600"]).unwrap();
    assert!(
        chance_to_guess(&short) < 1e-6,
        "{}",
        chance_to_guess(&short)
    );
    // And the arithmetic does notice a reckless configuration.
    let reckless = Config::try_parse_from([
        "hearth-proxy",
        "--guesses-global",
        "100000",
        "--guess-window-secs",
        "60",
    ])
    .unwrap();
    assert!(chance_to_guess(&reckless) > 1e-6);
}
