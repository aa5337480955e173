//! Remote access end to end against the simulated Hue cloud and bridge (real servers on
//! 127.0.0.1): linking through each receiver, forged and replayed answers, the switch from the LAN
//! to the cloud and back, a bridge known only through the cloud, forced remote, renewal on a 401,
//! and no secret in any view, error or log-bound text.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failed step panics the test with its reason.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hearth_core::lights::{
    ConnectionState, Lights, LightsConfig, Snapshot, Target, TargetKind, Via, app_key_name,
};
use hearth_core::remote::{
    AccountState, FlowView, ReceiverChoice, ReceiverKind, Registration, Remote, RemoteError,
    client_secret_name, tokens_name, username_name,
};
use hearth_hue::discovery::DiscoveryConfig;
use hearth_hue::events::stream::StreamConfig;
use hearth_hue::pairing::PairingTiming;
use hearth_hue::remote::poll::PollConfig;
use hearth_secret::{MemoryStore, Secret, SecretStore};
use hearth_sim::bridge::{BridgeSim, SimConfig};
use hearth_sim::cloud::browser::{Browser, Decision, Landed};
use hearth_sim::cloud::{BridgeTarget, CloudSim, CloudSimHandle, Consent};
use serde_json::json;
use url::Url;

use common::{PATIENCE, wait_for};

const CLIENT_ID: &str = "core-remote-test";
const CLIENT_SECRET: &str = "Core-Client-S3cret";

struct World {
    bridge: Arc<BridgeSim>,
    cloud: CloudSimHandle,
    dir: tempfile::TempDir,
    secrets: Arc<MemoryStore>,
}

async fn world(consent: Consent, registered_callback: Option<&str>) -> World {
    world_with(consent, registered_callback, |cloud| cloud).await
}

async fn world_with(
    consent: Consent,
    registered_callback: Option<&str>,
    tweak: impl FnOnce(hearth_sim::cloud::CloudSimBuilder) -> hearth_sim::cloud::CloudSimBuilder,
) -> World {
    let bridge = Arc::new(BridgeSim::start(SimConfig::default()).await.unwrap());
    let cloud = tweak(CloudSim::builder())
        .client(CLIENT_ID, CLIENT_SECRET, registered_callback)
        .consent(consent)
        .bridge(BridgeTarget::simulated(Arc::clone(&bridge)).unwrap())
        .start()
        .await
        .unwrap();
    World {
        bridge,
        cloud,
        dir: tempfile::tempdir().unwrap(),
        secrets: Arc::new(MemoryStore::default()),
    }
}

impl World {
    fn config(&self) -> LightsConfig {
        let mut config = LightsConfig::new(Some(self.dir.path().to_path_buf()));
        config.discovery = DiscoveryConfig::off();
        config.roots = config.roots.with_pem(&self.bridge.ca_pem()).unwrap();
        config.pairing_poll = Duration::from_millis(50);
        config.stream = StreamConfig {
            read_timeout: Duration::from_secs(5),
            initial_backoff: Duration::from_millis(20),
            max_backoff: Duration::from_millis(200),
        };
        let remote = &mut config.remote;
        remote.cloud_url = Some(self.cloud.base_url());
        remote.loopback_port = 0;
        remote.link_timeout = PATIENCE;
        remote.poll = PollConfig {
            interval: Duration::from_millis(100),
            after_write: Duration::from_millis(20),
            initial_backoff: Duration::from_millis(20),
            max_backoff: Duration::from_millis(200),
            daily_budget: 1_000_000_000,
            ..PollConfig::default()
        };
        remote.lan_probe_interval = Duration::from_millis(100);
        remote.username_timing = PairingTiming {
            timeout: PATIENCE,
            poll_interval: Duration::from_millis(50),
        };
        config
    }

    async fn open(&self, config: LightsConfig) -> Lights {
        let secrets: Arc<dyn SecretStore> = self.secrets.clone();
        Lights::open(config, secrets).await.unwrap()
    }

    async fn pair(&self, lights: &Lights) {
        common::pair(lights, &self.bridge).await;
    }

    async fn register(&self, remote: &Remote, callback: Option<&str>) {
        remote
            .register(Registration {
                client_id: CLIENT_ID.into(),
                client_secret: Secret::from(CLIENT_SECRET),
                callback: callback.map(str::to_owned),
                cloud_url: None,
            })
            .await
            .unwrap();
    }

    fn secret(&self, name: &str) -> Option<String> {
        self.secrets
            .get(name)
            .unwrap()
            .map(|s| s.expose().to_owned())
    }
}

/// Consents with `decision` and returns the `hearth://` address the browser stopped at.
async fn deep_link(authorize_url: &str, decision: Decision) -> String {
    match Browser::new()
        .unwrap()
        .visit(authorize_url, decision)
        .await
        .unwrap()
    {
        Landed::Elsewhere(address) => address,
        Landed::Page { status, body } => {
            panic!("a deep link was expected, not a {status} page: {body}")
        }
    }
}

fn query_param(url: &str, name: &str) -> String {
    Url::parse(url)
        .unwrap()
        .query_pairs()
        .find(|(key, _)| key == name)
        .unwrap()
        .1
        .into_owned()
}

fn via(snapshot: &Snapshot, id: &str) -> Option<(Via, bool)> {
    snapshot
        .bridge(id)
        .map(|b| (b.via, b.connection == ConnectionState::Live))
}

/// Links with `choice`, the browser delivering the answer itself (loopback) or the test handing
/// over the URL the browser stopped at (deep link, paste).
async fn link(remote: &Remote, choice: ReceiverChoice) -> String {
    let started = remote.start_link(choice).await.unwrap();
    let landed = Browser::new()
        .unwrap()
        .visit(&started.authorize_url, Decision::Allow)
        .await
        .unwrap();
    match landed {
        Landed::Page { status, body } => {
            assert_eq!(status, 200, "{body}");
            assert!(body.contains("Hearth is linked"), "{body}");
        }
        Landed::Elsewhere(url) => remote.deliver(&url).unwrap(),
    }
    tokio::time::timeout(PATIENCE, remote.wait_link())
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn links_through_each_receiver_and_uses_the_paired_bridge_key() {
    let world = world(Consent::Allow, None).await;
    let lights = world.open(world.config()).await;
    world.pair(&lights).await;
    let remote = lights.remote().clone();
    assert!(matches!(
        remote.start_link(ReceiverChoice::Auto).await,
        Err(RemoteError::NotRegistered)
    ));
    world.register(&remote, None).await;
    let view = remote.view();
    assert!(view.registered);
    assert_eq!(view.account, AccountState::NotLinked);
    // The CLI does not receive deep links: with nothing registered, the loopback server.
    assert_eq!(view.auto_receiver, ReceiverKind::LoopbackHttp);

    for choice in [
        ReceiverChoice::LoopbackHttp { port: None },
        ReceiverChoice::LoopbackHttps { port: None },
        ReceiverChoice::DeepLink,
    ] {
        let bridge_id = link(&remote, choice).await;
        assert_eq!(bridge_id, world.bridge.bridge_id(), "{choice:?}");
        let view = remote.view();
        assert!(
            matches!(
                view.account,
                AccountState::Linked {
                    expires_at: Some(_),
                    expiring_soon: false
                }
            ),
            "{view:?}"
        );
        assert!(matches!(view.flow, Some(FlowView::Done { .. })), "{view:?}");
        assert_eq!(
            view.bridge_id.as_deref(),
            Some(world.bridge.bridge_id().as_str())
        );
    }
    // The paired bridge's app key served as the username: none was made through the cloud.
    assert_eq!(world.cloud.stats().link_button_presses, 0);
    assert!(
        world
            .secret(&username_name(&world.bridge.bridge_id()))
            .is_none()
    );
    assert_eq!(world.cloud.stats().code_exchanges, 3);

    // Paste: the page registered on the portal, whose address the user copies.
    world
        .register(&remote, Some("https://example.org/hue-callback"))
        .await;
    assert_eq!(remote.view().auto_receiver, ReceiverKind::Paste);
    assert_eq!(
        link(&remote, ReceiverChoice::Auto).await,
        world.bridge.bridge_id()
    );

    // The registration is in remote.json, the secret and the tokens only in the store.
    let saved = std::fs::read_to_string(world.dir.path().join("remote.json")).unwrap();
    assert!(
        saved.contains(CLIENT_ID) && !saved.contains(CLIENT_SECRET),
        "{saved}"
    );
    assert_eq!(
        world.secret(client_secret_name()).as_deref(),
        Some(CLIENT_SECRET)
    );
    assert!(world.secret(tokens_name()).is_some());

    // Unlink: the tokens go, the registration stays.
    let view = remote.unlink().await.unwrap();
    assert_eq!(view.account, AccountState::NotLinked);
    assert!(view.registered);
    assert!(world.secret(tokens_name()).is_none());
    let snapshot = wait_for(&lights, |s| {
        s.bridges.first().is_some_and(|b| !b.remote_available)
    })
    .await;
    assert_eq!(snapshot.bridges[0].via, Via::Local);
}

#[tokio::test]
async fn forged_replayed_and_denied_answers_leave_the_flow_usable() {
    let world = world(Consent::Ask, None).await;
    let lights = world.open(world.config()).await;
    world.pair(&lights).await;
    let remote = lights.remote().clone();
    world.register(&remote, None).await;
    assert!(matches!(
        remote.deliver("hearth://oauth/callback?code=x&state=y"),
        Err(RemoteError::NoLinkInProgress)
    ));

    // Denied in the browser: the flow ends with a clear reason, and nothing is linked.
    let started = remote.start_link(ReceiverChoice::DeepLink).await.unwrap();
    let denied = deep_link(&started.authorize_url, Decision::Deny).await;
    remote.deliver(&denied).unwrap();
    let err = remote.wait_link().await.unwrap_err();
    assert_eq!(err.kind(), "denied");
    assert_eq!(remote.view().account, AccountState::NotLinked);

    let started = remote.start_link(ReceiverChoice::DeepLink).await.unwrap();
    assert_eq!(started.redirect_uri, "hearth://oauth/callback");
    let good = deep_link(&started.authorize_url, Decision::Allow).await;
    // Forgeries first: another state, another address, a mangled query, garbage. Each refused
    // with its reason; the flow keeps waiting.
    let state = query_param(&good, "state");
    for (forged, kind) in [
        (
            "hearth://oauth/callback?code=FORGED&state=not-the-state".to_owned(),
            "bad_callback",
        ),
        (
            format!("hearth://evil/callback?code=FORGED&state={state}"),
            "bad_callback",
        ),
        (
            format!("hearth://oauth/callback?code=a&code=b&state={state}"),
            "bad_callback",
        ),
        ("not a url at all".to_owned(), "bad_callback"),
    ] {
        let err = remote.deliver(&forged).unwrap_err();
        assert_eq!(err.kind(), kind, "{forged}");
        assert!(!err.to_string().contains("FORGED"), "{err}");
    }
    assert!(matches!(remote.view().flow, Some(FlowView::Waiting { .. })));
    remote.deliver(&good).unwrap();
    assert_eq!(remote.wait_link().await.unwrap(), world.bridge.bridge_id());
    // Replayed: no flow waits any more, and the code was single-use anyway.
    assert!(matches!(
        remote.deliver(&good),
        Err(RemoteError::NoLinkInProgress)
    ));

    // A new flow cancels the one before; a late answer to the old one is refused.
    let first = remote.start_link(ReceiverChoice::DeepLink).await.unwrap();
    let late = deep_link(&first.authorize_url, Decision::Allow).await;
    let second = remote.start_link(ReceiverChoice::DeepLink).await.unwrap();
    assert_ne!(first.id, second.id);
    assert_eq!(remote.deliver(&late).unwrap_err().kind(), "bad_callback");
    remote.cancel_link();
    let err = remote.wait_link().await.unwrap_err();
    assert_eq!(err.kind(), "cancelled");
    // Still linked from before: cancelling a new flow loses nothing.
    assert!(matches!(remote.view().account, AccountState::Linked { .. }));
}

#[tokio::test]
async fn goes_through_the_cloud_when_the_lan_is_gone_and_back_when_it_returns() {
    let world = world(Consent::Allow, None).await;
    let lights = world.open(world.config()).await;
    world.pair(&lights).await;
    let id = world.bridge.bridge_id();
    let snapshot = wait_for(&lights, |s| via(s, &id) == Some((Via::Local, true))).await;
    assert!(!snapshot.bridges[0].remote_available);

    // Away before remote access is linked: the LAN is retried, nothing else to do.
    world.bridge.set_lan_reachable(false).await.unwrap();
    wait_for(&lights, |s| {
        s.bridge(&id)
            .is_some_and(|b| b.via == Via::Local && b.connection != ConnectionState::Live)
    })
    .await;
    // Linking switches at once.
    let remote = lights.remote().clone();
    world.register(&remote, None).await;
    link(&remote, ReceiverChoice::DeepLink).await;
    let snapshot = wait_for(&lights, |s| via(s, &id) == Some((Via::Remote, true))).await;
    assert!(snapshot.bridges[0].remote_available);
    assert!(!snapshot.lights.is_empty());

    // Commands go through the cloud; the state follows by polling.
    let room = snapshot.rooms.iter().find(|r| r.name == "Kitchen").unwrap();
    let target = Target {
        kind: TargetKind::Room,
        id: room.id.clone(),
    };
    let before = world.cloud.stats().route_calls;
    let on = lights.toggle(&target).await.unwrap();
    assert!(world.cloud.stats().route_calls > before);
    let grouped = world.bridge.grouped_light_of(&room.id).unwrap();
    assert_eq!(world.bridge.resource(&grouped).unwrap()["on"]["on"], on);
    wait_for(&lights, |s| s.is_on(&target) == Some(on)).await;
    // A change made on the bridge shows too.
    let ceiling = world.bridge.find("light", "Ceiling").unwrap();
    world
        .bridge
        .change_light(&ceiling, &json!({"dimming": {"brightness": 7.0}}))
        .unwrap();
    wait_for(&lights, |s| {
        s.light(&ceiling).and_then(|l| l.brightness) == Some(7.0)
    })
    .await;

    // Home again: back on the LAN, and live.
    world.bridge.set_lan_reachable(true).await.unwrap();
    wait_for(&lights, |s| via(s, &id) == Some((Via::Local, true))).await;
    let off = lights.toggle(&target).await.unwrap();
    assert_eq!(off, !on);
    wait_for(&lights, |s| s.is_on(&target) == Some(off)).await;

    // Gone again after being live on the LAN: two failures in a row (the default) and through
    // the cloud again.
    world.bridge.set_lan_reachable(false).await.unwrap();
    wait_for(&lights, |s| via(s, &id) == Some((Via::Remote, true))).await;
}

#[tokio::test]
async fn a_bridge_never_paired_on_the_lan_gets_a_username_through_the_cloud() {
    let world = world(Consent::Allow, None).await;
    let lights = world.open(world.config()).await;
    assert!(lights.snapshot().bridges.is_empty());
    let remote = lights.remote().clone();
    world.register(&remote, None).await;
    let bridge_id = link(&remote, ReceiverChoice::LoopbackHttp { port: None }).await;
    assert_eq!(bridge_id, world.bridge.bridge_id());
    assert_eq!(world.cloud.stats().link_button_presses, 1);
    let username = world.secret(&username_name(&bridge_id)).unwrap();
    assert!(!username.is_empty());
    assert!(world.secret(&app_key_name(&bridge_id)).is_none());

    let snapshot = wait_for(&lights, |s| via(s, &bridge_id) == Some((Via::Remote, true))).await;
    let bridge = snapshot.bridge(&bridge_id).unwrap();
    assert!(bridge.certificate.is_none());
    assert!(bridge.address.is_empty());
    assert_eq!(snapshot.lights.len(), 6);
    let ceiling = world.bridge.find("light", "Ceiling").unwrap();
    lights
        .set_on(
            &Target {
                kind: TargetKind::Light,
                id: ceiling.clone(),
            },
            false,
        )
        .await
        .unwrap();
    assert_eq!(world.bridge.resource(&ceiling).unwrap()["on"]["on"], false);

    // The app and the CLI share it: a second model on the same files finds it.
    let again = world.open(world.config()).await;
    wait_for(&again, |s| via(s, &bridge_id) == Some((Via::Remote, true))).await;
    drop(again);

    // Unlinking forgets it.
    remote.unlink().await.unwrap();
    wait_for(&lights, |s| s.bridges.is_empty()).await;
    assert!(world.secret(&username_name(&bridge_id)).is_none());
}

/// The CLI registers and links beside the running app (two models on one folder and one secret
/// store): when the app looks at the files, it is registered and linked too and reaches the
/// bridge through the cloud; when the CLI unlinks, the app follows.
#[tokio::test]
async fn the_app_follows_a_registration_and_a_link_made_by_the_cli() {
    let world = world(Consent::Allow, None).await;
    let quiet = || {
        let mut config = world.config();
        config.files_check = None;
        config
    };
    let app = world.open(quiet()).await;
    let cli = world.open(quiet()).await;
    world.register(cli.remote(), None).await;
    let bridge_id = link(cli.remote(), ReceiverChoice::LoopbackHttp { port: None }).await;
    assert!(!app.remote().view().registered, "the app has not looked");

    assert!(app.reload_if_changed().await.unwrap());
    let view = app.remote().view();
    assert!(view.registered, "{view:?}");
    assert!(
        matches!(view.account, AccountState::Linked { .. }),
        "{view:?}"
    );
    assert_eq!(view.bridge_id.as_deref(), Some(bridge_id.as_str()));
    wait_for(&app, |s| via(s, &bridge_id) == Some((Via::Remote, true))).await;
    assert!(!app.reload_if_changed().await.unwrap());

    cli.remote().unlink().await.unwrap();
    assert!(app.reload_if_changed().await.unwrap());
    assert_eq!(app.remote().view().account, AccountState::NotLinked);
    wait_for(&app, |s| s.bridges.is_empty()).await;
}

#[tokio::test]
async fn forced_remote_and_renewal_after_a_refused_token() {
    let world = world(Consent::Allow, None).await;
    {
        let lights = world.open(world.config()).await;
        world.pair(&lights).await;
        // Forced remote without a link: a clear, lasting error at once.
        let mut forced = world.config();
        forced.remote.force = true;
        let unlinked = world.open(forced.clone()).await;
        let err = unlinked.wait_until_live(PATIENCE).await.unwrap_err();
        assert_eq!(err.kind(), "remote_not_linked", "{err}");
        world.register(lights.remote(), None).await;
        link(lights.remote(), ReceiverChoice::DeepLink).await;
    }
    let mut forced = world.config();
    forced.remote.force = true;
    let lights = world.open(forced).await;
    let snapshot = lights.wait_until_live(PATIENCE).await.unwrap();
    assert_eq!(snapshot.bridges[0].via, Via::Remote);

    // Every access token dies: the next commands, sent together, cause one refresh (single
    // flight) and go through with the new token; the rotated tokens are saved.
    let stored = world.secret(tokens_name()).unwrap();
    world.cloud.expire_access_tokens();
    let refreshes = world.cloud.stats().refreshes;
    let targets: Vec<Target> = snapshot
        .lights
        .iter()
        .map(|l| Target {
            kind: TargetKind::Light,
            id: l.id.clone(),
        })
        .collect();
    let results =
        futures_util::future::join_all(targets.iter().map(|t| lights.set_on(t, true))).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(world.cloud.stats().refreshes, refreshes + 1);
    assert_ne!(world.secret(tokens_name()).unwrap(), stored);
    for light in world.bridge.ids_of("light") {
        assert_eq!(world.bridge.resource(&light).unwrap()["on"]["on"], true);
    }
}

/// Collects everything logged on this thread (the test runs on a current-thread runtime, so its
/// tasks log here too).
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl Write for Logs {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn the_view_says_expiring_soon_then_needs_relink() {
    // An access token of an hour, and a refresh token that dies at once.
    let world = world_with(Consent::Allow, None, |cloud| {
        cloud
            .access_token_lifetime(Duration::from_secs(3600))
            .refresh_token_lifetime(Duration::ZERO)
    })
    .await;
    let mut forced = world.config();
    forced.remote.force = true;
    let lights = world.open(world.config()).await;
    world.pair(&lights).await;
    let remote = lights.remote().clone();
    world.register(&remote, None).await;
    link(&remote, ReceiverChoice::DeepLink).await;
    assert!(matches!(
        remote.view().account,
        AccountState::Linked {
            expiring_soon: true,
            ..
        }
    ));
    drop(lights);
    let lights = world.open(forced).await;
    lights.wait_until_live(PATIENCE).await.unwrap();
    let mut views = lights.remote().subscribe();
    // The access token dies; renewing fails for good: the view says so, and commands say why.
    world.cloud.expire_access_tokens();
    let snapshot = lights.snapshot();
    let target = Target {
        kind: TargetKind::Light,
        id: snapshot.lights[0].id.clone(),
    };
    let err = lights.set_on(&target, false).await.unwrap_err();
    assert_eq!(err.kind(), "remote_relink", "{err}");
    tokio::time::timeout(
        PATIENCE,
        views.wait_for(|v| v.account == AccountState::NeedsRelink),
    )
    .await
    .unwrap()
    .unwrap();
    wait_for(&lights, |s| {
        s.bridges[0].connection
            == ConnectionState::Offline {
                problem: hearth_core::problem::Problem::RemoteRelink,
                reason: "remote access has expired or was revoked: link it again".into(),
            }
    })
    .await;
}

#[tokio::test]
async fn no_secret_reaches_a_view_an_error_a_debug_string_or_a_log() {
    let logs = Logs::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(
            "debug,hearth_core=trace,hearth_hue=trace,hearth_oauth=trace",
        ))
        .with_writer(move || writer.clone())
        .finish();
    let _logging = tracing::subscriber::set_default(subscriber);
    let world = world(Consent::Allow, None).await;
    let lights = world.open(world.config()).await;
    let remote = lights.remote().clone();
    world.register(&remote, None).await;
    let started = remote.start_link(ReceiverChoice::DeepLink).await.unwrap();
    let answer = deep_link(&started.authorize_url, Decision::Allow).await;
    let code = query_param(&answer, "code");
    let mut texts = Vec::new();
    // A forged answer carrying the real code with a wrong state: the error must not repeat it.
    let forged = format!("hearth://oauth/callback?code={code}&state=forged");
    texts.push(remote.deliver(&forged).unwrap_err().to_string());
    texts.push(serde_json::to_string(&remote.view()).unwrap());
    remote.deliver(&answer).unwrap();
    let bridge_id = remote.wait_link().await.unwrap();
    wait_for(&lights, |s| via(s, &bridge_id) == Some((Via::Remote, true))).await;

    let tokens: serde_json::Value =
        serde_json::from_str(&world.secret(tokens_name()).unwrap()).unwrap();
    let username = world.secret(&username_name(&bridge_id)).unwrap();
    let secrets = [
        CLIENT_SECRET.to_owned(),
        code,
        tokens["access_token"].as_str().unwrap().to_owned(),
        tokens["refresh_token"].as_str().unwrap().to_owned(),
        username,
    ];
    texts.push(serde_json::to_string(&remote.view()).unwrap());
    texts.push(format!("{:?}", remote.view()));
    texts.push(format!("{remote:?}"));
    texts.push(serde_json::to_string(&*lights.snapshot()).unwrap());
    texts.push(format!("{lights:?}"));
    // Errors on the remote path: a refused token renewed, a cloud failing, bad input.
    world.cloud.expire_access_tokens();
    world.cloud.fail_next_route(502, 100);
    let ceiling = world.bridge.find("light", "Ceiling").unwrap();
    let target = Target {
        kind: TargetKind::Light,
        id: ceiling,
    };
    let err = lights.set_on(&target, false).await.unwrap_err();
    texts.push(err.to_string());
    texts.push(format!("{err:?}"));
    let err = remote
        .register(Registration {
            client_id: "bad id with spaces".into(),
            client_secret: Secret::from(CLIENT_SECRET),
            callback: None,
            cloud_url: None,
        })
        .await
        .unwrap_err();
    texts.push(err.to_string());
    texts.push(format!("{err:?}"));
    texts.push(String::from_utf8_lossy(&logs.0.lock().unwrap()).into_owned());
    assert!(texts.last().unwrap().contains("remote access: linked"));
    for text in &texts {
        for secret in &secrets {
            assert!(!text.contains(secret.as_str()), "a secret in: {text}");
        }
    }
}
