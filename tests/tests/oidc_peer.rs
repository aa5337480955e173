//! hearth-oauth against a server nobody here wrote: npm `oidc-provider` on 127.0.0.1 (see
//! `peers/oidc/server.js`). The authorization-code flow with PKCE through the loopback receiver,
//! refresh with rotation, and the device flow, including `access_denied` and `expired_token`.
//! (oidc-provider never sends `slow_down`: hearth-oauth's own tests cover it against a strict
//! server of ours.)

// The helpers below are test code too: a failed unwrap there is a failed test, reported with
// its location, which is what an assertion would do.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use hearth_oauth::device::{DeviceConfig, DeviceError, DeviceFlow, DeviceProgress};
use hearth_oauth::receiver::{
    CallbackReceiver, LoopbackOptions, LoopbackReceiver, ReceiveError, RedirectHost,
};
use hearth_oauth::{
    ClientAuth, OAuthClient, OAuthConfig, OAuthError, Secret, TokenManager, TokenSet,
};
use hearth_secret::{MemoryStore, SecretStore};
use hearth_tests::oidc::{CLIENT_ID, CLIENT_SECRET, OidcPeer, PeerBrowser, PeerOptions, Visit};
use tokio_util::sync::CancellationToken;

fn code_client(peer: &OidcPeer, secret: &str, decision: &str) -> OAuthClient {
    let config = OAuthConfig {
        client_id: CLIENT_ID.to_owned(),
        client_secret: Some(Secret::from(secret)),
        auth: ClientAuth::Basic,
        authorize_url: peer.authorization_endpoint().unwrap(),
        token_url: peer.token_endpoint().unwrap(),
        scopes: vec!["openid".to_owned()],
        extra_authorize_params: vec![("hearth_decision".to_owned(), decision.to_owned())],
    };
    OAuthClient::new(config).unwrap()
}

/// Links through a loopback receiver on 127.0.0.1 (oidc-provider accepts any loopback port for
/// native clients, RFC 8252 §7.3), the browser doing the rest.
async fn link(
    peer: &OidcPeer,
    secret: &str,
    decision: &str,
) -> (Result<TokenSet, OAuthError>, Visit) {
    let options = LoopbackOptions::http(0).with_host(RedirectHost::Ip);
    let mut receiver = LoopbackReceiver::bind(options).await.unwrap();
    assert_eq!(
        receiver.redirect_uri().as_str(),
        format!("http://127.0.0.1:{}/callback", receiver.local_addr().port())
    );
    let client = code_client(peer, secret, decision);
    let (landed_tx, landed_rx) = tokio::sync::oneshot::channel();
    let result = client
        .link(&mut receiver, |url| {
            let url = url.clone();
            tokio::spawn(async move {
                let browser = PeerBrowser::new().unwrap();
                let _ = landed_tx.send(browser.visit(&url).await.unwrap());
            });
        })
        .await;
    (result, landed_rx.await.unwrap())
}

fn on_loopback_page(visit: &Visit, text: &str) {
    let Visit::Page { url, body, .. } = visit else {
        panic!("the browser did not land on a page: {visit:?}");
    };
    assert_eq!(url.path(), "/callback");
    assert!(body.contains(text), "{body}");
}

#[tokio::test]
async fn authorization_code_with_pkce_through_the_loopback_then_refresh_with_rotation() {
    let peer = OidcPeer::start(&PeerOptions::default()).unwrap();
    let (tokens, landed) = link(&peer, CLIENT_SECRET, "allow").await;
    let tokens = tokens.unwrap();
    on_loopback_page(&landed, "Hearth is linked");
    assert!(!tokens.access_token.is_empty());
    let first_refresh = tokens.refresh_token.clone().unwrap();
    assert!(tokens.expires_at.unwrap() > SystemTime::now());

    // Refresh through the token manager: oidc-provider rotates, and the rotated token is stored.
    let store = Arc::new(MemoryStore::default());
    let client = code_client(&peer, CLIENT_SECRET, "allow");
    let manager = TokenManager::new(client.clone(), store.clone(), "peer/tokens");
    let mut stale = tokens.clone();
    stale.expires_at = Some(SystemTime::now() - Duration::from_secs(1));
    manager.save_new_link(stale).await.unwrap();
    let fresh = manager.access_token().await.unwrap();
    assert_ne!(fresh.expose(), tokens.access_token.expose());
    let stored = TokenSet::decode(&store.get("peer/tokens").unwrap().unwrap()).unwrap();
    assert_eq!(stored.access_token.expose(), fresh.expose());
    let second_refresh = stored.refresh_token.unwrap();
    assert_ne!(second_refresh, first_refresh);
    // A rotated-out refresh token is refused by a server we did not write.
    let err = client.refresh(&first_refresh).await.unwrap_err();
    assert!(matches!(err, OAuthError::InvalidGrant), "{err:?}");
}

#[tokio::test]
async fn a_refusal_comes_back_as_access_denied() {
    let peer = OidcPeer::start(&PeerOptions::default()).unwrap();
    let (result, landed) = link(&peer, CLIENT_SECRET, "deny").await;
    let err = result.unwrap_err();
    assert!(
        matches!(err, OAuthError::Receive(ReceiveError::Denied { .. })),
        "{err:?}"
    );
    on_loopback_page(&landed, "You declined");
}

#[tokio::test]
async fn a_wrong_client_secret_is_refused() {
    let peer = OidcPeer::start(&PeerOptions::default()).unwrap();
    let (result, landed) = link(&peer, "not-the-secret", "allow").await;
    let err = result.unwrap_err();
    assert!(matches!(err, OAuthError::InvalidClient), "{err:?}");
    // The browser saw the code arrive; only the exchange failed.
    on_loopback_page(&landed, "Hearth is linked");
}

fn device_flow(peer: &OidcPeer, decision: &str) -> DeviceFlow {
    let mut config = DeviceConfig::new(
        CLIENT_ID,
        peer.device_authorization_endpoint().unwrap(),
        peer.token_endpoint().unwrap(),
    );
    config.client_secret = Some(Secret::from(CLIENT_SECRET));
    config.auth = ClientAuth::Basic;
    config.scopes = vec!["openid".to_owned()];
    config.extra_params = vec![("hearth_decision".to_owned(), decision.to_owned())];
    DeviceFlow::new(config).unwrap()
}

/// The user opens the verification page (with the code filled in) and goes through it.
async fn user_visits(authorization: &hearth_oauth::device::DeviceAuthorization) -> Visit {
    let page = authorization
        .verification_uri_complete
        .clone()
        .expect("oidc-provider sends verification_uri_complete");
    PeerBrowser::new().unwrap().visit(&page).await.unwrap()
}

#[tokio::test]
async fn device_flow_is_approved() {
    let peer = OidcPeer::start(&PeerOptions::default()).unwrap();
    let flow = device_flow(&peer, "allow");
    let authorization = flow.start().await.unwrap();
    assert_eq!(authorization.interval, Duration::from_secs(1));
    assert!(authorization.expires_in > Duration::from_secs(60));
    assert_eq!(
        authorization.user_code.len(),
        9,
        "{}",
        authorization.user_code
    );

    let mut events = Vec::new();
    let cancel = CancellationToken::new();
    let (tokens, visit) = tokio::join!(
        flow.wait(&authorization, &cancel, |event| events.push(event)),
        user_visits(&authorization),
    );
    let tokens = tokens.unwrap();
    assert!(!tokens.access_token.is_empty());
    let Visit::Page { body, .. } = visit else {
        panic!("no success page: {visit:?}");
    };
    assert!(body.contains("Sign-in Success"), "{body}");
    assert!(
        events
            .iter()
            .all(|event| matches!(event, DeviceProgress::Pending { .. })),
        "{events:?}"
    );
}

#[tokio::test]
async fn device_flow_is_denied() {
    let peer = OidcPeer::start(&PeerOptions::default()).unwrap();
    let flow = device_flow(&peer, "deny");
    let authorization = flow.start().await.unwrap();
    let cancel = CancellationToken::new();
    let (result, _visit) = tokio::join!(
        flow.wait(&authorization, &cancel, |_| {}),
        user_visits(&authorization),
    );
    assert!(matches!(result, Err(DeviceError::Denied)), "{result:?}");
}

#[tokio::test]
async fn device_flow_expires_when_nobody_approves() {
    let options = PeerOptions {
        device_code_ttl: Duration::from_secs(2),
        ..PeerOptions::default()
    };
    let peer = OidcPeer::start(&options).unwrap();
    let flow = device_flow(&peer, "allow");
    let authorization = flow.start().await.unwrap();
    assert_eq!(authorization.expires_in, Duration::from_secs(2));
    let mut polls = 0;
    let result = flow
        .wait(&authorization, &CancellationToken::new(), |event| {
            if let DeviceProgress::Pending { polls: n, .. } = event {
                polls = n;
            }
        })
        .await;
    assert!(matches!(result, Err(DeviceError::Expired)), "{result:?}");
    // The server was asked until it said `expired_token` (the client gives up on its own only
    // 5 s after the code's lifetime).
    assert!(polls >= 1, "{polls}");
}
