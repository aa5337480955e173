//! Linking a meter through a real hearth-proxy in front of the Enedis simulator: approved (the
//! meter the user chose, its tokens in the store and nowhere else), refused, expired and
//! cancelled (each its own outcome, and a new link after it works), and the tokens' renewal
//! through `/device/proxy` with rotation.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failed step panics the test with its reason.

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use common::{App, Browser, CLIENT_ID, Decision, FLAT, HOUSE, range, setup};
use hearth_energy::{DataError, LinkError, LinkProgress, Measure, Source, token_entry};
use hearth_oauth::{LinkStatus, TokenSet};
use hearth_secret::{MemoryStore, Secret, SecretStore};
use tokio_util::sync::CancellationToken;

fn stored(store: &dyn SecretStore, prm: &str) -> TokenSet {
    TokenSet::decode(&store.get(&token_entry(prm)).unwrap().unwrap()).unwrap()
}

#[tokio::test]
async fn an_approved_link_keeps_the_chosen_meter_s_tokens_and_reads_its_data() {
    let setup = setup(|sim| sim, &[]).await;
    let app = App::new(&setup);

    let pending = app.linker.start().await.unwrap();
    // What the app shows: the code, the page with the code in it, a countdown.
    let link = pending.verification_uri_complete().clone();
    assert!(
        link.as_str()
            .starts_with(&format!("{}/device?", setup.proxy_url)),
        "{link}"
    );
    assert!(
        link.query_pairs()
            .any(|(k, v)| k == "code" && v == pending.user_code()),
        "{link}"
    );
    assert_eq!(pending.user_code().len(), 9, "BCDF-GHJK");
    let left = pending
        .expires_at()
        .duration_since(SystemTime::now())
        .unwrap();
    assert!(
        left > Duration::from_secs(590) && left <= Duration::from_secs(600),
        "{left:?}"
    );
    assert!(pending.expires_in() <= Duration::from_secs(600));

    let events = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&events);
    let mut browser = Browser::default();
    let never = CancellationToken::new();
    let (linked, ()) = tokio::join!(
        app.linker.finish(&pending, &never, move |event| {
            seen.lock().unwrap().push(event);
        }),
        async {
            // Let the app ask once before the user answers.
            tokio::time::sleep(Duration::from_millis(1_500)).await;
            browser
                .consent(&setup, link.as_str(), Decision::Accept(FLAT))
                .await;
        },
    );
    // The meter chosen on Enedis's page, not the customer's first.
    let linked = linked.unwrap();
    assert_eq!(linked.prm, FLAT);
    // The consent's end as the proxy told it (the simulator's: its today + 1095 days).
    let sim_today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date();
    assert_eq!(
        linked.consent_end,
        Some(sim_today.checked_add(jiff::ToSpan::days(1_095)).unwrap())
    );
    let events = events.lock().unwrap().clone();
    assert!(
        matches!(events.first(), Some(LinkProgress::Waiting { expires_in }) if *expires_in <= Duration::from_secs(600)),
        "{events:?}"
    );

    // The tokens are in the store under the meter, and nowhere in what the app may show.
    let tokens = stored(app.store.as_ref(), FLAT);
    assert!(app.store.get(&token_entry(HOUSE)).unwrap().is_none());
    assert!(matches!(
        app.tokens.status(FLAT).await.unwrap(),
        LinkStatus::Linked { .. }
    ));
    let reading = app
        .source
        .reading(FLAT, Measure::DailyConsumption, range(-8, -1))
        .await
        .unwrap();
    assert_eq!(reading.usage_point_id, FLAT);
    assert_eq!(reading.interval_reading.len(), 7);
    assert!(
        reading
            .interval_reading
            .iter()
            .all(|r| r.value().unwrap() > 0)
    );
    let shown = format!(
        "{pending:?} {linked:?} {:?} {:?} {:?} {:?} {events:?}",
        app.linker,
        app.source,
        app.tokens,
        app.tokens.manager(FLAT)
    );
    for secret in [
        tokens.access_token.expose(),
        tokens.refresh_token.as_ref().unwrap().expose(),
    ] {
        assert!(!shown.contains(secret), "a token in {shown}");
    }
}

#[tokio::test]
async fn a_refused_link_says_so_and_a_new_one_works() {
    let setup = setup(|sim| sim, &[]).await;
    let app = App::new(&setup);
    let pending = app.linker.start().await.unwrap();
    let mut browser = Browser::default();
    let never = CancellationToken::new();
    let (outcome, ()) = tokio::join!(
        app.linker.finish(&pending, &never, |_| {}),
        browser.consent(
            &setup,
            pending.verification_uri_complete().as_str(),
            Decision::Refuse
        ),
    );
    let err = outcome.unwrap_err();
    assert!(matches!(err, LinkError::Refused), "{err:?}");
    assert!(err.can_retry());
    assert!(app.store.get(&token_entry(HOUSE)).unwrap().is_none());
    assert_eq!(
        app.tokens.status(HOUSE).await.unwrap(),
        LinkStatus::NotLinked
    );

    // Try again: a new code, accepted this time.
    assert_eq!(app.link(&setup, HOUSE).await.prm, HOUSE);
    assert!(app.store.get(&token_entry(HOUSE)).unwrap().is_some());
}

#[tokio::test]
async fn an_expired_code_and_a_cancelled_link_are_told_apart() {
    let setup = setup(|sim| sim, &["--code-lifetime-secs", "2"]).await;
    let app = App::new(&setup);

    let pending = app.linker.start().await.unwrap();
    assert!(pending.expires_in() <= Duration::from_secs(2));
    let err = app
        .linker
        .finish(&pending, &CancellationToken::new(), |_| {})
        .await
        .unwrap_err();
    assert!(matches!(err, LinkError::Expired), "{err:?}");
    assert!(err.can_retry());

    // Cancelled from the app (the window closed, *Cancel*), after the first answer.
    let pending = app.linker.start().await.unwrap();
    let cancel = CancellationToken::new();
    let on_progress = cancel.clone();
    let err = app
        .linker
        .finish(&pending, &cancel, move |_| on_progress.cancel())
        .await
        .unwrap_err();
    assert!(matches!(err, LinkError::Cancelled), "{err:?}");
    assert!(err.can_retry());
    assert!(app.store.get(&token_entry(HOUSE)).unwrap().is_none());

    // An unknown client id is a settings problem, not something to retry.
    let wrong = hearth_energy::ProxyConfig::new(&setup.proxy_url, "not-a-client").unwrap();
    let http = hearth_energy::http_client(Duration::from_secs(10)).unwrap();
    let tokens = Arc::new(
        hearth_energy::MeterTokens::new(wrong, Arc::new(MemoryStore::default()), http.clone())
            .unwrap(),
    );
    let err = hearth_energy::Linker::new(tokens, http)
        .unwrap()
        .start()
        .await
        .unwrap_err();
    assert!(matches!(err, LinkError::UnknownClient), "{err:?}");
    assert!(!err.can_retry());
}

/// A refused access token is renewed through `/device/proxy` once, the rotated refresh token is
/// stored and the old one is dead; callers at once share one renewal; a refresh token the proxy
/// no longer knows means relinking.
#[tokio::test]
async fn tokens_are_renewed_through_the_proxy_with_rotation() {
    let setup = setup(|sim| sim, &[]).await;
    let store: Arc<dyn SecretStore> = Arc::new(MemoryStore::default());
    let app = App::with_store(&setup, Arc::clone(&store));
    app.link(&setup, HOUSE).await;
    let first = stored(store.as_ref(), HOUSE);
    let first_refresh = first.refresh_token.clone().unwrap();

    // Another process (a fresh app over the same store) whose access token the proxy refuses.
    let refused = TokenSet {
        access_token: Secret::from("not-a-token-the-proxy-issued"),
        refresh_token: Some(first_refresh.clone()),
        expires_at: None,
    };
    store.put(&token_entry(HOUSE), &refused.encode()).unwrap();
    let other = App::with_store(&setup, Arc::clone(&store));
    // Several calls at once: they queue for the meter, one renewal serves them all (a second
    // renewal with the rotated-out refresh token would be refused, and the call with it).
    let calls = (0..4).map(|i| {
        other
            .source
            .reading(HOUSE, Measure::DailyConsumption, range(-20 + i, -19 + i))
    });
    for result in futures_util::future::join_all(calls).await {
        assert_eq!(result.unwrap().interval_reading.len(), 1);
    }
    let renewed = stored(store.as_ref(), HOUSE);
    let renewed_refresh = renewed.refresh_token.clone().unwrap();
    assert_ne!(renewed_refresh, first_refresh, "rotated");
    assert_ne!(renewed.access_token, refused.access_token);

    // The old refresh token is spent at the proxy.
    let (status, body) = refresh_at_proxy(&setup, first_refresh.expose()).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant")),
        "{body}"
    );

    // A third process holding that spent refresh token and a refused access token: relink.
    store.put(&token_entry(HOUSE), &refused.encode()).unwrap();
    let stale = App::with_store(&setup, Arc::clone(&store));
    let err = stale
        .source
        .reading(HOUSE, Measure::DailyConsumption, range(-10, -9))
        .await
        .unwrap_err();
    assert_eq!(err, DataError::Unauthorized);
    assert_eq!(
        stale.tokens.manager(HOUSE).status(),
        LinkStatus::NeedsRelink
    );

    // Unlinked: the tokens are gone, and a call says to link again.
    store.put(&token_entry(HOUSE), &renewed.encode()).unwrap();
    app.tokens.forget(HOUSE).await.unwrap();
    assert!(store.get(&token_entry(HOUSE)).unwrap().is_none());
    let err = app
        .source
        .reading(HOUSE, Measure::DailyConsumption, range(-10, -9))
        .await
        .unwrap_err();
    assert_eq!(err, DataError::Unauthorized);
}

async fn refresh_at_proxy(setup: &common::Setup, refresh_token: &str) -> (u16, serde_json::Value) {
    let response = reqwest::Client::new()
        .post(format!("{}/device/proxy", setup.proxy_url))
        .form(&[
            ("grant_type", "refresh_token"),
            ("client_id", CLIENT_ID),
            ("refresh_token", refresh_token),
        ])
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}
