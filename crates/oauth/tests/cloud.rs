//! hearth-oauth against the Hue cloud simulator (a real HTTP server on 127.0.0.1): linking
//! through each receiver, Basic and Digest, refusals, forged and replayed answers, refresh with
//! rotation, single flight, and a store that refuses writes.
//!
//! The browser is the simulator's scripted one: it answers the consent page and follows the
//! redirect to the loopback server, or stops at a `hearth://` or foreign URL (which the OS would
//! hand to the app, or the user would copy).

// The helpers below are test code too: a failed unwrap there is a failed test, reported with
// its location, which is what an assertion would do.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, SystemTime};

use hearth_oauth::callback::{Callback, CallbackError, CallbackOutcome};
use hearth_oauth::receiver::{
    CallbackReceiver, LoopbackOptions, LoopbackReceiver, ReceiveError, UrlReceiver,
};
use hearth_oauth::{
    AuthorizationRequest, ClientAuth, LinkStatus, OAuthClient, OAuthConfig, OAuthError, Secret,
    TokenError, TokenManager, TokenSet,
};
use hearth_secret::{MemoryStore, SecretStore, StoreError, StoreKind};
use hearth_sim::cloud::browser::{Browser, Decision, Landed};
use hearth_sim::cloud::{CloudSim, CloudSimHandle, Consent};
use oauth2::reqwest;
use url::Url;

const CLIENT_ID: &str = "hearth-test-app";
const CLIENT_SECRET: &str = "Sup3r-S3cret-Client";
const TOKENS: &str = "hue/remote/tokens";

async fn cloud(redirect_uri: &str, consent: Consent) -> CloudSimHandle {
    CloudSim::builder()
        .client(CLIENT_ID, CLIENT_SECRET, Some(redirect_uri))
        .consent(consent)
        .access_token_lifetime(Duration::from_secs(3600))
        .start()
        .await
        .unwrap()
}

fn client(cloud: &CloudSimHandle, auth: ClientAuth, secret: &str) -> OAuthClient {
    let config =
        OAuthConfig::hue(&cloud.base_url(), CLIENT_ID, Secret::from(secret), auth).unwrap();
    OAuthClient::new(config).unwrap()
}

/// Links through a loopback receiver, the browser following the redirect.
async fn link_loopback(
    options: LoopbackOptions,
    auth: ClientAuth,
    consent: Consent,
) -> (Result<TokenSet, OAuthError>, Option<Landed>, CloudSimHandle) {
    let mut receiver = LoopbackReceiver::bind(options).await.unwrap();
    let cloud = cloud(receiver.redirect_uri().as_str(), consent).await;
    let client = client(&cloud, auth, CLIENT_SECRET);
    let browser = match receiver.certificate_der() {
        Some(der) => Browser::trusting(der),
        None => Browser::new(),
    }
    .unwrap();
    let (opened_tx, opened_rx) = tokio::sync::oneshot::channel();
    let tokens = client
        .link(&mut receiver, |url| {
            let url = url.clone();
            tokio::spawn(async move {
                let landed = browser.visit(url.as_str(), Decision::Allow).await.unwrap();
                let _ = opened_tx.send(landed);
            });
        })
        .await;
    let landed = opened_rx.await.ok();
    (tokens, landed, cloud)
}

fn assert_linked(tokens: &TokenSet, cloud: &CloudSimHandle) {
    assert!(cloud.access_token_is_valid(tokens.access_token.expose()));
    let refresh = tokens.refresh_token.as_ref().unwrap();
    assert!(cloud.refresh_token_is_valid(refresh.expose()));
    assert!(tokens.expires_at.unwrap() > SystemTime::now() + Duration::from_secs(3000));
}

#[tokio::test]
async fn links_through_loopback_http_with_basic() {
    let (tokens, landed, cloud) =
        link_loopback(LoopbackOptions::http(0), ClientAuth::Basic, Consent::Allow).await;
    let tokens = tokens.unwrap();
    assert_linked(&tokens, &cloud);
    let Some(Landed::Page { status, body }) = landed else {
        panic!("the browser did not land on the loopback page");
    };
    assert_eq!(status, 200);
    assert!(body.contains("Hearth is linked"));
    let stats = cloud.stats();
    assert_eq!(stats.code_exchanges, 1);
    assert_eq!(stats.digest_challenges, 0);
}

#[tokio::test]
async fn links_through_loopback_https_with_digest_after_the_consent_page() {
    let (tokens, landed, cloud) =
        link_loopback(LoopbackOptions::https(0), ClientAuth::Digest, Consent::Ask).await;
    let tokens = tokens.unwrap();
    assert_linked(&tokens, &cloud);
    assert!(matches!(landed, Some(Landed::Page { status: 200, .. })));
    let stats = cloud.stats();
    assert_eq!(stats.consents, 1);
    assert_eq!(stats.code_exchanges, 1);
    // One challenge, answered at the first try.
    assert_eq!(stats.digest_challenges, 1);
    assert_eq!(stats.rejected_token_requests, 1);
}

#[tokio::test]
async fn a_denial_shows_its_page_and_ends_the_link() {
    let (tokens, landed, cloud) =
        link_loopback(LoopbackOptions::http(0), ClientAuth::Basic, Consent::Deny).await;
    let err = tokens.unwrap_err();
    assert!(
        matches!(err, OAuthError::Receive(ReceiveError::Denied { .. })),
        "{err:?}"
    );
    let Some(Landed::Page { body, .. }) = landed else {
        panic!("no page");
    };
    assert!(body.contains("You declined"));
    assert_eq!(cloud.stats().code_exchanges, 0);
}

/// The paste mode: the registered callback is any web page; the user copies the address.
#[tokio::test]
async fn links_by_pasting_the_redirect_url_with_basic_and_digest() {
    for auth in [ClientAuth::Basic, ClientAuth::Digest] {
        let redirect = Url::parse("https://hearth.invalid/linked").unwrap();
        let cloud = cloud(redirect.as_str(), Consent::Allow).await;
        let client = client(&cloud, auth, CLIENT_SECRET);
        let mut receiver = UrlReceiver::paste(redirect);
        let inbox = receiver.inbox();
        let browser = Browser::new().unwrap();
        let tokens = client
            .link(&mut receiver, |url| {
                let url = url.clone();
                tokio::spawn(async move {
                    let Landed::Elsewhere(address) =
                        browser.visit(url.as_str(), Decision::Allow).await.unwrap()
                    else {
                        panic!("the browser should stop at the foreign page");
                    };
                    // A user pasting only the query, then the whole address.
                    let query = Url::parse(&address).unwrap().query().unwrap().to_owned();
                    assert!(inbox.deliver(&query).is_err());
                    inbox.deliver(&format!("  {address}\n")).unwrap();
                });
            })
            .await
            .unwrap();
        assert_linked(&tokens, &cloud);
    }
}

/// The deep-link mode, fed with `hearth://oauth/callback?…` URLs as the app receives them, forged
/// ones first: they are refused and the flow goes on.
#[tokio::test]
async fn links_through_deep_links_despite_forged_and_replayed_ones() {
    let cloud = cloud("hearth://oauth/callback", Consent::Allow).await;
    let client = client(&cloud, ClientAuth::Digest, CLIENT_SECRET);
    let mut receiver = UrlReceiver::deep_link().with_timeout(Duration::from_secs(60));
    let inbox = receiver.inbox();
    let browser = Browser::new().unwrap();

    let request = client.authorize(receiver.redirect_uri()).unwrap();
    let Landed::Elsewhere(link) = browser
        .visit(request.url().as_str(), Decision::Allow)
        .await
        .unwrap()
    else {
        panic!("the cloud should redirect to the deep link");
    };
    assert!(link.starts_with("hearth://oauth/callback?"));
    let state = request.state().to_owned();
    let flow = tokio::spawn(async move { receiver.receive(&state).await });
    // Wait until the flow is armed.
    let forged = "hearth://oauth/callback?code=FORGED&state=attacker";
    while inbox.deliver(forged) != Err(CallbackError::WrongState) {
        tokio::task::yield_now().await;
    }
    assert!(inbox.deliver("hearth://oauth/evil?code=x&state=y").is_err());
    inbox.deliver(&link).unwrap();
    // The same link again (a replay) finds no flow.
    assert_eq!(inbox.deliver(&link), Err(CallbackError::NoFlowWaiting));
    let code = flow.await.unwrap().unwrap();
    let tokens = client.exchange(request, code).await.unwrap();
    assert_linked(&tokens, &cloud);

    // A second link: the first one's answer replayed to it is refused, and its own works.
    let mut receiver = UrlReceiver::deep_link().with_timeout(Duration::from_secs(60));
    let inbox = receiver.inbox();
    let second = client.authorize(receiver.redirect_uri()).unwrap();
    let state = second.state().to_owned();
    let flow = tokio::spawn(async move { receiver.receive(&state).await });
    loop {
        match inbox.deliver(&link) {
            Err(CallbackError::NoFlowWaiting) => {
                tokio::task::yield_now().await;
            }
            other => {
                assert_eq!(other, Err(CallbackError::WrongState));
                break;
            }
        }
    }
    let Landed::Elsewhere(own) = browser
        .visit(second.url().as_str(), Decision::Allow)
        .await
        .unwrap()
    else {
        panic!("no deep link");
    };
    inbox.deliver(&own).unwrap();
    let code = flow.await.unwrap().unwrap();
    assert_linked(&client.exchange(second, code).await.unwrap(), &cloud);
    assert_eq!(cloud.stats().code_exchanges, 2);
}

/// A forged request to the loopback server does not end the flow; the real answer still links.
/// (The test runtime has one thread: the browser task runs only once `link` waits, armed.)
#[tokio::test]
async fn loopback_survives_forged_callbacks() {
    let mut receiver = LoopbackReceiver::bind(LoopbackOptions::http(0))
        .await
        .unwrap();
    let cloud = cloud(receiver.redirect_uri().as_str(), Consent::Allow).await;
    let client = client(&cloud, ClientAuth::Basic, CLIENT_SECRET);
    let browser = Browser::new().unwrap();
    let redirect = receiver.redirect_uri().clone();
    let (forged_tx, forged_rx) = tokio::sync::oneshot::channel();
    let tokens = client
        .link(&mut receiver, |url| {
            let url = url.clone();
            tokio::spawn(async move {
                let forged = redirect.join("?code=FORGED&state=attacker").unwrap();
                let _ = forged_tx.send(
                    browser
                        .visit(forged.as_str(), Decision::Allow)
                        .await
                        .unwrap(),
                );
                browser.visit(url.as_str(), Decision::Allow).await.unwrap();
            });
        })
        .await
        .unwrap();
    assert_linked(&tokens, &cloud);
    let Ok(Landed::Page { status, body }) = forged_rx.await else {
        panic!("no page for the forged answer");
    };
    assert_eq!(status, 400);
    assert!(body.contains("Not the sign-in Hearth is waiting for"));
}

#[tokio::test]
async fn codes_are_single_use_and_a_replay_revokes_the_link() {
    let cloud = cloud("hearth://oauth/callback", Consent::Allow).await;
    let client = client(&cloud, ClientAuth::Basic, CLIENT_SECRET);

    let (first, code) = consented(&client).await;
    let tokens = client.exchange(first, code.clone()).await.unwrap();
    assert_linked(&tokens, &cloud);

    let second = client.authorize(&deep_link()).unwrap();
    let err = client.exchange(second, code).await.unwrap_err();
    assert!(matches!(err, OAuthError::InvalidGrant), "{err:?}");
    assert!(!cloud.access_token_is_valid(tokens.access_token.expose()));
    assert!(!cloud.refresh_token_is_valid(tokens.refresh_token.unwrap().expose()));
}

#[tokio::test]
async fn wrong_client_secrets_are_refused_with_basic_and_digest() {
    for auth in [ClientAuth::Basic, ClientAuth::Digest] {
        let cloud = cloud("hearth://oauth/callback", Consent::Allow).await;
        let good = client(&cloud, auth, CLIENT_SECRET);
        let bad = client(&cloud, auth, "not-the-secret");
        let (request, code) = consented(&good).await;
        let err = bad.exchange(request, code).await.unwrap_err();
        assert!(
            matches!(err, OAuthError::InvalidClient),
            "{auth:?}: {err:?}"
        );
        assert_eq!(cloud.stats().code_exchanges, 0);
    }
}

fn deep_link() -> Url {
    Url::parse("hearth://oauth/callback").unwrap()
}

/// Starts an authorization answered by deep link, and consents to it in the browser: the request
/// and the code the answer brought, not yet exchanged.
async fn consented(client: &OAuthClient) -> (AuthorizationRequest, Secret) {
    let request = client.authorize(&deep_link()).unwrap();
    let Landed::Elsewhere(link) = Browser::new()
        .unwrap()
        .visit(request.url().as_str(), Decision::Allow)
        .await
        .unwrap()
    else {
        panic!("no deep link");
    };
    let callback = Callback::from_redirect_url(&link, &deep_link()).unwrap();
    assert!(callback.matches_state(request.state()));
    let CallbackOutcome::Code(code) = callback.outcome else {
        panic!("no code");
    };
    (request, code)
}

/// Links through the deep-link mode and returns the tokens, for the refresh tests.
async fn linked(cloud: &CloudSimHandle, client: &OAuthClient) -> TokenSet {
    let (request, code) = consented(client).await;
    let tokens = client.exchange(request, code).await.unwrap();
    assert_linked(&tokens, cloud);
    tokens
}

fn expired(mut tokens: TokenSet) -> TokenSet {
    tokens.expires_at = Some(SystemTime::now() - Duration::from_secs(1));
    tokens
}

async fn route_status(cloud: &CloudSimHandle, token: &hearth_oauth::AccessToken) -> u16 {
    let url = cloud.base_url().join("/route/api/someone/lights").unwrap();
    reqwest::Client::new()
        .get(url)
        .header("authorization", token.authorization_header().unwrap())
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn a_hundred_callers_with_an_expired_token_cause_one_refresh() {
    let cloud = cloud("hearth://oauth/callback", Consent::Allow).await;
    let client = client(&cloud, ClientAuth::Digest, CLIENT_SECRET);
    let first = linked(&cloud, &client).await;
    let store = Arc::new(MemoryStore::default());
    let manager = Arc::new(TokenManager::new(client, store.clone(), TOKENS));
    manager.save_new_link(expired(first.clone())).await.unwrap();

    let callers: Vec<_> = (0..100)
        .map(|_| {
            let manager = Arc::clone(&manager);
            tokio::spawn(async move { manager.access_token().await })
        })
        .collect();
    let mut tokens = Vec::new();
    for caller in callers {
        tokens.push(caller.await.unwrap().unwrap());
    }
    assert_eq!(cloud.stats().refreshes, 1);
    assert!(tokens.iter().all(|token| *token == tokens[0]));
    assert_ne!(tokens[0].expose(), first.access_token.expose());

    // The new set was stored, rotated refresh token included.
    let stored = TokenSet::decode(&store.get(TOKENS).unwrap().unwrap()).unwrap();
    assert_eq!(stored.access_token.expose(), tokens[0].expose());
    let old_refresh = first.refresh_token.unwrap();
    let new_refresh = stored.refresh_token.clone().unwrap();
    assert_ne!(new_refresh, old_refresh);
    // Rotation: the old refresh token works until the new tokens are used, then it is retired.
    assert!(cloud.refresh_token_is_valid(old_refresh.expose()));
    assert_eq!(route_status(&cloud, &tokens[0]).await, 503);
    assert!(!cloud.refresh_token_is_valid(old_refresh.expose()));
    assert!(cloud.refresh_token_is_valid(new_refresh.expose()));
    assert!(matches!(manager.status(), LinkStatus::Linked { .. }));
}

#[tokio::test]
async fn a_401_refreshes_once_for_all_who_saw_it() {
    let cloud = cloud("hearth://oauth/callback", Consent::Allow).await;
    let client = client(&cloud, ClientAuth::Basic, CLIENT_SECRET);
    let tokens = linked(&cloud, &client).await;
    let manager = Arc::new(TokenManager::new(
        client,
        Arc::new(MemoryStore::default()),
        TOKENS,
    ));
    manager.save_new_link(tokens).await.unwrap();

    let token = manager.access_token().await.unwrap();
    assert_eq!(route_status(&cloud, &token).await, 503);
    assert_eq!(cloud.stats().refreshes, 0);
    cloud.expire_access_tokens();
    assert_eq!(route_status(&cloud, &token).await, 401);

    let callers: Vec<_> = (0..20)
        .map(|_| {
            let manager = Arc::clone(&manager);
            let rejected = token.clone();
            tokio::spawn(async move { manager.after_unauthorized(&rejected).await })
        })
        .collect();
    let mut fresh = Vec::new();
    for caller in callers {
        fresh.push(caller.await.unwrap().unwrap());
    }
    assert_eq!(cloud.stats().refreshes, 1);
    assert!(fresh.iter().all(|t| *t == fresh[0] && *t != token));
    assert_eq!(route_status(&cloud, &fresh[0]).await, 503);
}

/// Two processes on one store (the app and the CLI): the second uses what the first renewed,
/// instead of renewing with a refresh token the cloud has retired.
#[tokio::test]
async fn a_set_renewed_by_another_process_is_used() {
    let cloud = cloud("hearth://oauth/callback", Consent::Allow).await;
    let client = client(&cloud, ClientAuth::Basic, CLIENT_SECRET);
    let first = linked(&cloud, &client).await;
    let store = Arc::new(MemoryStore::default());
    let app = TokenManager::new(client.clone(), store.clone(), TOKENS);
    let cli = TokenManager::new(client, store.clone(), TOKENS);
    app.save_new_link(expired(first)).await.unwrap();
    assert!(matches!(
        cli.load().await.unwrap(),
        LinkStatus::Linked { .. }
    ));

    let renewed = app.access_token().await.unwrap();
    // Using the new token retires the refresh token the CLI holds.
    assert_eq!(route_status(&cloud, &renewed).await, 503);
    assert_eq!(cli.access_token().await.unwrap(), renewed);
    assert_eq!(cloud.stats().refreshes, 1);

    // An unlink in one is seen by the other when it next needs the store.
    cli.unlink().await.unwrap();
    assert!(matches!(
        app.after_unauthorized(&renewed).await,
        Err(TokenError::NotLinked)
    ));
}

#[tokio::test]
async fn a_failed_write_loses_nothing() {
    let cloud = cloud("hearth://oauth/callback", Consent::Allow).await;
    let client = client(&cloud, ClientAuth::Digest, CLIENT_SECRET);
    let first = linked(&cloud, &client).await;
    let store = Arc::new(MemoryStore::default());
    let manager = TokenManager::new(client.clone(), store.clone(), TOKENS);
    manager.save_new_link(expired(first.clone())).await.unwrap();

    store.refuse_writes(true);
    let err = manager.access_token().await.unwrap_err();
    assert!(matches!(err, TokenError::Persist(_)), "{err:?}");
    assert_eq!(manager.status(), LinkStatus::SaveFailed);
    assert_eq!(cloud.stats().refreshes, 1);
    // The store still holds the old set, and its refresh token still works.
    let stored = TokenSet::decode(&store.get(TOKENS).unwrap().unwrap()).unwrap();
    let old_refresh = first.refresh_token.clone().unwrap();
    assert_eq!(stored.refresh_token.as_ref(), Some(&old_refresh));
    assert!(cloud.refresh_token_is_valid(old_refresh.expose()));

    // A restart while writes still fail: a new manager on the same store renews with the old
    // refresh token.
    let restarted = TokenManager::new(client.clone(), store.clone(), TOKENS);
    assert!(matches!(
        restarted.access_token().await,
        Err(TokenError::Persist(_))
    ));
    assert_eq!(cloud.stats().refreshes, 2);

    // The store recovers: the first manager saves what it renewed, without another refresh, and
    // only then hands the new token out.
    store.refuse_writes(false);
    let token = manager.access_token().await.unwrap();
    assert_eq!(cloud.stats().refreshes, 2);
    let stored = TokenSet::decode(&store.get(TOKENS).unwrap().unwrap()).unwrap();
    assert_eq!(stored.access_token.expose(), token.expose());
    assert_ne!(stored.refresh_token.as_ref(), Some(&old_refresh));
    assert_eq!(route_status(&cloud, &token).await, 503);
    assert!(matches!(manager.status(), LinkStatus::Linked { .. }));
}

/// A store whose writes wait while it is held: a refresh can be caught between the server's
/// answer and the write.
#[derive(Debug, Default)]
struct HeldStore {
    inner: MemoryStore,
    held: Mutex<bool>,
    released: Condvar,
    writes_waiting: AtomicUsize,
}

impl HeldStore {
    fn hold(&self, held: bool) {
        *self.held.lock().unwrap() = held;
        self.released.notify_all();
    }
}

impl SecretStore for HeldStore {
    fn get(&self, name: &str) -> Result<Option<Secret>, StoreError> {
        self.inner.get(name)
    }

    fn put(&self, name: &str, value: &Secret) -> Result<(), StoreError> {
        self.writes_waiting.fetch_add(1, Ordering::SeqCst);
        let held = self.held.lock().unwrap();
        drop(self.released.wait_while(held, |held| *held).unwrap());
        self.inner.put(name, value)
    }

    fn delete(&self, name: &str) -> Result<(), StoreError> {
        self.inner.delete(name)
    }

    fn kind(&self) -> StoreKind {
        self.inner.kind()
    }
}

#[tokio::test]
async fn a_caller_that_gives_up_mid_refresh_loses_nothing() {
    let cloud = cloud("hearth://oauth/callback", Consent::Allow).await;
    let client = client(&cloud, ClientAuth::Basic, CLIENT_SECRET);
    let first = linked(&cloud, &client).await;
    let store = Arc::new(HeldStore::default());
    let manager = Arc::new(TokenManager::new(client, store.clone(), TOKENS));
    manager.save_new_link(expired(first)).await.unwrap();

    store.hold(true);
    let caller = tokio::spawn({
        let manager = Arc::clone(&manager);
        async move { manager.access_token().await }
    });
    // The cloud has answered once the new set waits to be written: the caller gives up then.
    tokio::time::timeout(Duration::from_secs(30), async {
        while store.writes_waiting.load(Ordering::SeqCst) < 2 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await
    .unwrap();
    caller.abort();
    assert!(caller.await.unwrap_err().is_cancelled());
    store.hold(false);

    // What the cloud issued was kept: no second refresh, and the store holds the new set.
    let token = manager.access_token().await.unwrap();
    assert_eq!(cloud.stats().refreshes, 1);
    let stored = TokenSet::decode(&store.get(TOKENS).unwrap().unwrap()).unwrap();
    assert_eq!(stored.access_token.expose(), token.expose());
    assert_eq!(route_status(&cloud, &token).await, 503);
}

#[tokio::test]
async fn a_failed_early_refresh_keeps_using_the_valid_token() {
    let cloud = cloud("hearth://oauth/callback", Consent::Allow).await;
    let client = client(&cloud, ClientAuth::Basic, CLIENT_SECRET);
    let mut tokens = linked(&cloud, &client).await;
    // Within the refresh margin, not yet expired.
    tokens.expires_at = Some(SystemTime::now() + Duration::from_secs(120));
    let store = Arc::new(MemoryStore::default());
    let manager = TokenManager::new(client, store.clone(), TOKENS);
    manager.save_new_link(tokens.clone()).await.unwrap();
    store.refuse_writes(true);
    let token = manager.access_token().await.unwrap();
    assert_eq!(token.expose(), tokens.access_token.expose());
    assert_eq!(cloud.stats().refreshes, 1);
}

#[tokio::test]
async fn a_revoked_link_asks_for_a_new_one_and_unlink_forgets() {
    let cloud = cloud("hearth://oauth/callback", Consent::Allow).await;
    let client = client(&cloud, ClientAuth::Basic, CLIENT_SECRET);
    let tokens = linked(&cloud, &client).await;
    let store = Arc::new(MemoryStore::default());
    let manager = TokenManager::new(client.clone(), store.clone(), TOKENS);
    let mut bogus = expired(tokens);
    bogus.refresh_token = Some(Secret::from("not-a-refresh-token"));
    manager.save_new_link(bogus).await.unwrap();
    let err = manager.access_token().await.unwrap_err();
    assert!(matches!(err, TokenError::RelinkNeeded), "{err:?}");
    assert_eq!(manager.status(), LinkStatus::NeedsRelink);
    manager.unlink().await.unwrap();
    assert_eq!(store.get(TOKENS).unwrap(), None);
    assert!(matches!(
        manager.access_token().await,
        Err(TokenError::NotLinked)
    ));
    let fresh = TokenManager::new(client, store, TOKENS);
    assert_eq!(fresh.load().await.unwrap(), LinkStatus::NotLinked);
}

/// Every type and error a user or a log could see, formatted, never shows a secret.
#[tokio::test]
async fn nothing_prints_a_secret() {
    let cloud = cloud("hearth://oauth/callback", Consent::Allow).await;
    let client = client(&cloud, ClientAuth::Digest, CLIENT_SECRET);
    let tokens = linked(&cloud, &client).await;
    let store = Arc::new(MemoryStore::default());
    let manager = TokenManager::new(client.clone(), store.clone(), TOKENS);
    manager.save_new_link(tokens.clone()).await.unwrap();
    let request = client.authorize(&deep_link()).unwrap();
    let receiver = UrlReceiver::deep_link();
    let loopback = LoopbackReceiver::bind(LoopbackOptions::https(0))
        .await
        .unwrap();
    let bad = self::client(&cloud, ClientAuth::Basic, "wrong");
    let refused = bad
        .refresh(tokens.refresh_token.as_ref().unwrap())
        .await
        .unwrap_err();
    let bad_code = Callback::from_query("code=abc&code=abc&state=s").unwrap_err();

    let shown = [
        format!("{client:?}"),
        format!("{:?}", client.config()),
        format!("{tokens:?}"),
        format!("{manager:?}"),
        format!("{request:?}"),
        format!("{receiver:?} {:?}", receiver.inbox()),
        format!("{loopback:?}"),
        format!("{refused} {refused:?}"),
        format!("{bad_code} {bad_code:?}"),
        format!("{:?}", store.get(TOKENS).unwrap()),
    ];
    let secrets = [
        CLIENT_SECRET,
        tokens.access_token.expose(),
        tokens.refresh_token.as_ref().unwrap().expose(),
        request.state(),
    ];
    for text in &shown {
        for secret in secrets {
            assert!(!text.contains(secret), "{text}");
        }
    }
}

/// The whole remote journey through `/route/…` to a real bridge simulator: the link button
/// pressed through the cloud, a username created remotely, then CLIP v1 and v2 calls, with the
/// token, the content type and the username checked.
#[tokio::test]
async fn routes_to_the_bridge_and_creates_a_username_remotely() {
    use hearth_sim::bridge::{BridgeSim, SimConfig};
    use hearth_sim::cloud::BridgeTarget;
    use serde_json::{Value, json};

    let bridge = Arc::new(BridgeSim::start(SimConfig::default()).await.unwrap());
    let cloud = CloudSim::builder()
        .client(CLIENT_ID, CLIENT_SECRET, Some("hearth://oauth/callback"))
        .consent(Consent::Allow)
        .bridge(BridgeTarget::simulated(Arc::clone(&bridge)).unwrap())
        .start()
        .await
        .unwrap();
    let client = client(&cloud, ClientAuth::Digest, CLIENT_SECRET);
    let tokens = linked(&cloud, &client).await;
    let bearer = format!("Bearer {}", tokens.access_token.expose());
    let http = reqwest::Client::new();
    let route = |path: &str| cloud.base_url().join(path).unwrap();
    let call = |method: reqwest::Method, path: &str, body: Option<Value>| {
        let mut request = http
            .request(method, route(path))
            .header("authorization", &bearer);
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body.to_string());
        }
        request.send()
    };

    // Before the button: the bridge refuses to pair (error 101, HTTP 200 as CLIP v1 does).
    let refused: Value = call(
        reqwest::Method::POST,
        "/route/api",
        Some(json!({"devicetype": "hearth#test"})),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(refused[0]["error"]["type"], 101, "{refused}");

    let pressed: Value = call(
        reqwest::Method::PUT,
        "/route/api/0/config",
        Some(json!({"linkbutton": true})),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(pressed[0]["success"]["/config/linkbutton"], true);
    let paired: Value = call(
        reqwest::Method::POST,
        "/route/api",
        Some(json!({"devicetype": "hearth#test", "generateclientkey": true})),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let username = paired[0]["success"]["username"]
        .as_str()
        .unwrap()
        .to_owned();

    // CLIP v1 through the cloud.
    let lights: Value = call(
        reqwest::Method::GET,
        &format!("/route/api/{username}/lights"),
        None,
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert!(
        lights.as_object().is_some_and(|lights| !lights.is_empty()),
        "{lights}"
    );
    let stranger: Value = call(reqwest::Method::GET, "/route/api/not-a-user/lights", None)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(stranger[0]["error"]["type"], 1, "{stranger}");

    // CLIP v2 through the cloud, with the application key.
    let v2 = http
        .get(route("/route/clip/v2/resource/light"))
        .header("authorization", &bearer)
        .header("hue-application-key", &username)
        .send()
        .await
        .unwrap();
    assert_eq!(v2.status().as_u16(), 200);
    let v2: Value = v2.json().await.unwrap();
    let light = v2["data"][0]["id"].as_str().unwrap().to_owned();
    let switched = http
        .put(route(&format!("/route/clip/v2/resource/light/{light}")))
        .header("authorization", &bearer)
        .header("hue-application-key", &username)
        .header("content-type", "application/json")
        .body(json!({"on": {"on": false}}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(switched.status().as_u16(), 200);
    assert_eq!(bridge.resource(&light).unwrap()["on"]["on"], false);
    let no_key = http
        .get(route("/route/clip/v2/resource/light"))
        .header("authorization", &bearer)
        .send()
        .await
        .unwrap();
    assert_eq!(no_key.status().as_u16(), 403);

    // Writes without JSON are refused by the cloud itself, as the real one does.
    let not_json = http
        .put(route(&format!("/route/clip/v2/resource/light/{light}")))
        .header("authorization", &bearer)
        .header("hue-application-key", &username)
        .body(json!({"on": {"on": true}}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(not_json.status().as_u16(), 415);
    // No token, a wrong one: 401 before anything reaches the bridge.
    let before = bridge.exchanges().len();
    assert!(before > 0);
    for header in [None, Some("Bearer forged")] {
        let mut request = http.get(route(&format!("/route/api/{username}/lights")));
        if let Some(header) = header {
            request = request.header("authorization", header);
        }
        assert_eq!(request.send().await.unwrap().status().as_u16(), 401);
    }
    assert_eq!(bridge.exchanges().len(), before);
    let stats = cloud.stats();
    assert_eq!(stats.link_button_presses, 1);
    assert_eq!(stats.rejected_route_calls, 2);
}

#[tokio::test]
async fn expired_codes_are_refused() {
    let cloud = CloudSim::builder()
        .client(CLIENT_ID, CLIENT_SECRET, Some("hearth://oauth/callback"))
        .consent(Consent::Allow)
        .code_lifetime(Duration::ZERO)
        .start()
        .await
        .unwrap();
    let client = client(&cloud, ClientAuth::Basic, CLIENT_SECRET);
    let (request, code) = consented(&client).await;
    let err = client.exchange(request, code).await.unwrap_err();
    assert!(matches!(err, OAuthError::InvalidGrant), "{err:?}");
}
