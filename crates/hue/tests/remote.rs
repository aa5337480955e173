//! The remote transport through the Hue cloud simulator to the bridge simulator (both real
//! servers on 127.0.0.1): every client operation through `/route`, the bearer token renewed once
//! after a 401, usernames refused, JSON required, a username made through the cloud, and polling
//! that turns changes on the bridge into events.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failed step panics the test with its reason.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{PATIENCE, dead_address, fast_retry, next_matching, pairing_timing};
use hearth_hue::events::stream::StreamItem;
use hearth_hue::model::{Resource, ResourceType};
use hearth_hue::pairing::PairingError;
use hearth_hue::remote::poll::{self, PollConfig};
use hearth_hue::remote::{BearerError, BearerSource, FixedBearer, username};
use hearth_hue::transport::BoxFuture;
use hearth_hue::v1::{V1Client, V1State};
use hearth_hue::{
    Cache, Client, Error, RemoteActivity, RemoteConfig, RemoteTransport, Target, Transport as _,
};
use hearth_secret::Secret;
use hearth_sim::bridge::{BridgeSim, SimConfig};
use hearth_sim::cloud::{BridgeTarget, CloudSim, CloudSimHandle, pinned_client};
use serde_json::json;
use tokio_util::sync::CancellationToken;

const CLIENT_ID: &str = "remote-test-app";

struct Rig {
    bridge: Arc<BridgeSim>,
    cloud: CloudSimHandle,
    key: String,
}

async fn rig() -> Rig {
    let bridge = Arc::new(BridgeSim::start(SimConfig::default()).await.unwrap());
    let target = BridgeTarget::simulated(Arc::clone(&bridge)).unwrap();
    rig_with(bridge, target).await
}

async fn rig_with(bridge: Arc<BridgeSim>, target: BridgeTarget) -> Rig {
    let cloud = CloudSim::builder()
        .client(CLIENT_ID, "secret", None)
        .bridge(target)
        .start()
        .await
        .unwrap();
    let key = bridge.create_app_key();
    Rig { bridge, cloud, key }
}

impl Rig {
    fn token(&self) -> Secret {
        Secret::from(self.cloud.issue_tokens(CLIENT_ID).0)
    }

    fn transport(&self, key: Option<&str>, tokens: Arc<dyn BearerSource>) -> Arc<RemoteTransport> {
        let mut config = RemoteConfig::new(self.cloud.base_url());
        config.app_key = key.map(Secret::from);
        Arc::new(RemoteTransport::new(config, tokens, Arc::new(RemoteActivity::default())).unwrap())
    }

    fn client(&self) -> (Client, Arc<RemoteTransport>) {
        let transport = self.transport(Some(&self.key), Arc::new(FixedBearer(self.token())));
        let client = Client::new(transport.clone()).with_retry(fast_retry());
        (client, transport)
    }

    fn light(&self, name: &str) -> String {
        self.bridge.find("light", name).unwrap()
    }

    fn on(&self, id: &str) -> bool {
        self.bridge.resource(id).unwrap()["on"]["on"] == true
    }
}

#[tokio::test]
async fn every_client_operation_goes_through_the_route() {
    let rig = rig().await;
    let (client, transport) = rig.client();
    assert!(transport.address().contains("the Hue cloud"));

    let all = client.resources().await.unwrap();
    assert_eq!(
        all.iter()
            .filter(|r| r.rtype() == ResourceType::Light)
            .count(),
        6
    );
    assert_eq!(client.lights().await.unwrap().len(), 6);
    assert_eq!(client.rooms().await.unwrap().len(), 3);
    assert_eq!(client.zones().await.unwrap().len(), 1);
    assert_eq!(client.scenes().await.unwrap().len(), 8);
    let ceiling = rig.light("Ceiling");
    let Resource::Light(light) = client.get(&ResourceType::Light, &ceiling).await.unwrap() else {
        panic!("not a light")
    };
    assert_eq!(light.id, ceiling);
    let config = client.config().await.unwrap();
    assert_eq!(config.bridge_id, rig.bridge.bridge_id());

    let target = Target::Light(ceiling.clone());
    client.set_on(&target, false).await.unwrap();
    assert!(!rig.on(&ceiling));
    assert!(client.toggle(&target).await.unwrap());
    assert!(rig.on(&ceiling));
    client.set_brightness(&target, 33.0).await.unwrap();
    assert_eq!(
        rig.bridge.resource(&ceiling).unwrap()["dimming"]["brightness"],
        33.0
    );
    client.set_mirek(&target, 300).await.unwrap();
    let room = rig.bridge.find("room", "Kitchen").unwrap();
    client
        .set_on(&Target::Room(room.clone()), false)
        .await
        .unwrap();
    assert!(rig.bridge.lights_of(&room).iter().all(|l| !rig.on(l)));
    let scene = rig.bridge.find("scene", "Bright").unwrap();
    client.recall_scene(&scene).await.unwrap();

    // CLIP v1 with the username in the path, through /route/api/<username>/….
    let v1 = V1Client::new(transport.clone(), Secret::from(rig.key.as_str()));
    let lights = v1.lights().await.unwrap();
    assert_eq!(lights.len(), 6);
    let (number, _) = lights.iter().find(|(_, l)| l.name == "Ceiling").unwrap();
    v1.set_light_state(
        number,
        &V1State {
            on: Some(false),
            ..V1State::default()
        },
    )
    .await
    .unwrap();
    assert!(!rig.on(&ceiling));
    assert!(!v1.groups().await.unwrap().is_empty());

    let stats = rig.cloud.stats();
    assert!(stats.route_calls >= 16, "{stats:?}");
    assert_eq!(stats.rejected_route_calls, 0);
    assert!(transport.activity().calls_last_day() >= stats.route_calls);
    // Nothing about the transport shows the token or the username.
    let shown = format!("{transport:?}");
    assert!(!shown.contains(&rig.key), "{shown}");
}

/// A token source that hands out its tokens in order and counts renewals.
#[derive(Debug)]
struct Tokens {
    queue: Mutex<Vec<Secret>>,
    renewals: AtomicUsize,
}

impl Tokens {
    fn new(tokens: Vec<Secret>) -> Arc<Self> {
        Arc::new(Self {
            queue: Mutex::new(tokens),
            renewals: AtomicUsize::new(0),
        })
    }
}

impl BearerSource for Tokens {
    fn bearer(&self) -> BoxFuture<'_, Result<Secret, BearerError>> {
        Box::pin(async { Ok(self.queue.lock().unwrap()[0].clone()) })
    }

    fn rejected<'a>(&'a self, token: &'a Secret) -> BoxFuture<'a, Result<Secret, BearerError>> {
        Box::pin(async move {
            self.renewals.fetch_add(1, Ordering::SeqCst);
            let mut queue = self.queue.lock().unwrap();
            if queue.len() > 1 && queue[0] == *token {
                queue.remove(0);
            }
            Ok(queue[0].clone())
        })
    }
}

/// A source that was never linked.
#[derive(Debug)]
struct Unlinked;
impl BearerSource for Unlinked {
    fn bearer(&self) -> BoxFuture<'_, Result<Secret, BearerError>> {
        Box::pin(async { Err(BearerError::NotLinked) })
    }
    fn rejected<'a>(&'a self, _: &'a Secret) -> BoxFuture<'a, Result<Secret, BearerError>> {
        Box::pin(async { Err(BearerError::NotLinked) })
    }
}

#[tokio::test]
async fn a_refused_token_is_renewed_once_and_the_request_sent_again() {
    let rig = rig().await;
    let first = rig.token();
    rig.cloud.expire_access_tokens();
    let fresh = rig.token();
    let tokens = Tokens::new(vec![first, fresh]);
    let transport = rig.transport(Some(&rig.key), tokens.clone());
    let client = Client::new(transport).with_retry(fast_retry());
    let ceiling = rig.light("Ceiling");
    client
        .set_on(&Target::Light(ceiling.clone()), false)
        .await
        .unwrap();
    assert!(!rig.on(&ceiling));
    assert_eq!(tokens.renewals.load(Ordering::SeqCst), 1);
    assert_eq!(rig.cloud.stats().rejected_route_calls, 1);
    // The fresh token is used from now on: no more renewals.
    client.lights().await.unwrap();
    assert_eq!(tokens.renewals.load(Ordering::SeqCst), 1);

    // A renewal that does not help: one retry, then a clear error.
    rig.cloud.expire_access_tokens();
    let err = client.lights().await.unwrap_err();
    assert!(matches!(err, Error::RemoteRefused), "{err:?}");
    assert_eq!(err.kind(), "remote_relink");
    assert_eq!(tokens.renewals.load(Ordering::SeqCst), 2);
    assert_eq!(rig.cloud.stats().rejected_route_calls, 3);

    // A source with nothing to give: its reason, and no request at all.
    let before = rig.cloud.stats();
    let client = Client::new(rig.transport(Some(&rig.key), Arc::new(Unlinked)));
    let err = client.lights().await.unwrap_err();
    assert_eq!(err.kind(), "remote_not_linked");
    assert_eq!(
        rig.cloud.stats().route_calls + rig.cloud.stats().rejected_route_calls,
        before.route_calls + before.rejected_route_calls
    );
}

#[tokio::test]
async fn wrong_or_missing_usernames_are_refused_by_the_bridge() {
    let rig = rig().await;
    let token: Arc<dyn BearerSource> = Arc::new(FixedBearer(rig.token()));
    for key in [Some("not-a-username"), None] {
        let client = Client::new(rig.transport(key, Arc::clone(&token)));
        let err = client.lights().await.unwrap_err();
        assert!(matches!(err, Error::Unauthorized), "{key:?}: {err:?}");
    }
    let transport = rig.transport(None, token);
    let v1 = V1Client::new(transport, Secret::from("not-a-username"));
    let err = v1.lights().await.unwrap_err();
    assert!(matches!(err, Error::Unauthorized), "{err:?}");
    // The username sits in the v1 path: it must not reach the message.
    assert!(!err.to_string().contains("not-a-username"));
}

#[tokio::test]
async fn writes_carry_json_and_the_cloud_refuses_them_without() {
    let rig = rig().await;
    let (client, _) = rig.client();
    let ceiling = rig.light("Ceiling");
    // Through the transport: accepted (it sets Content-Type on every PUT).
    client
        .put(
            &ResourceType::Light,
            &ceiling,
            &json!({"on": {"on": false}}),
        )
        .await
        .unwrap();
    // The same PUT without the header, as qhue's users first sent it: 415 from the cloud.
    let url = rig
        .cloud
        .base_url()
        .join(&format!("/route/clip/v2/resource/light/{ceiling}"))
        .unwrap();
    let response = reqwest::Client::new()
        .put(url)
        .bearer_auth(rig.token().expose())
        .header("hue-application-key", &rig.key)
        .body(r#"{"on":{"on":true}}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 415);
    assert!(!rig.on(&ceiling));
}

#[tokio::test]
async fn the_cloud_busy_or_down_is_retried_then_reported() {
    let rig = rig().await;
    let (client, _) = rig.client();
    rig.cloud.fail_next_route(429, 2);
    assert_eq!(client.lights().await.unwrap().len(), 6);
    rig.cloud.fail_next_route(503, 10);
    let err = client.lights().await.unwrap_err();
    assert!(err.is_transient(), "{err:?}");
    assert_eq!(err.kind(), "busy");
    // Nothing is lost: the first call used 6 of the 10 failures, the next retries through the
    // other 4 and works.
    assert_eq!(client.lights().await.unwrap().len(), 6);
    let dead = dead_address();
    let mut config = RemoteConfig::new(format!("http://{dead}").parse().unwrap());
    config.app_key = Some(Secret::from(rig.key.as_str()));
    let transport = RemoteTransport::new(
        config,
        Arc::new(FixedBearer(rig.token())),
        Arc::new(RemoteActivity::default()),
    )
    .unwrap();
    let v1 = V1Client::new(Arc::new(transport), Secret::from(rig.key.as_str()));
    let err = v1.lights().await.unwrap_err();
    assert_eq!(err.kind(), "unreachable");
    assert!(!err.to_string().contains(&rig.key), "{err}");
}

#[tokio::test]
async fn a_username_is_created_through_the_cloud() {
    let rig = rig().await;
    let transport = rig.transport(None, Arc::new(FixedBearer(rig.token())));
    let client = Client::new(transport).with_retry(fast_retry());
    let granted = username::create(
        &client,
        "hearth#remote-test",
        &pairing_timing(PATIENCE),
        &CancellationToken::new(),
        |_| {},
    )
    .await
    .unwrap();
    assert_eq!(rig.cloud.stats().link_button_presses, 1);
    // The new username works for CLIP v2 through the cloud.
    let transport = rig.transport(
        Some(granted.app_key.expose()),
        Arc::new(FixedBearer(rig.token())),
    );
    assert_eq!(Client::new(transport).lights().await.unwrap().len(), 6);
}

#[tokio::test]
async fn the_remote_link_button_is_waited_for_and_may_time_out() {
    // A bridge that takes its time: the cloud's press is recorded but not applied, and the test
    // presses when the bridge has answered "link button not pressed" (error 101) once.
    let bridge = Arc::new(BridgeSim::start(SimConfig::default()).await.unwrap());
    let pressed = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&pressed);
    let target = BridgeTarget {
        base_url: format!("https://{}", bridge.tunnel_addr()).parse().unwrap(),
        http: pinned_client(Some(bridge.certificate_der())).unwrap(),
        press_link_button: Arc::new(move || {
            counter.fetch_add(1, Ordering::SeqCst);
            Box::pin(async {})
        }),
    };
    let rig = rig_with(Arc::clone(&bridge), target).await;
    let client = Client::new(rig.transport(None, Arc::new(FixedBearer(rig.token()))))
        .with_retry(fast_retry());
    let mut waits = 0;
    let granted = username::create(
        &client,
        "hearth#slow",
        &pairing_timing(PATIENCE),
        &CancellationToken::new(),
        |_| {
            waits += 1;
            bridge.press_link_button();
        },
    )
    .await
    .unwrap();
    assert!(waits >= 1);
    assert!(!granted.app_key.is_empty());
    assert_eq!(pressed.load(Ordering::SeqCst), 1);

    // Nobody presses: 101 until the deadline, then a clear error.
    let other = Arc::new(BridgeSim::start(SimConfig::default()).await.unwrap());
    let target = BridgeTarget {
        press_link_button: Arc::new(|| Box::pin(async {})),
        ..BridgeTarget::simulated(Arc::clone(&other)).unwrap()
    };
    let rig = rig_with(other, target).await;
    let client = Client::new(rig.transport(None, Arc::new(FixedBearer(rig.token()))))
        .with_retry(fast_retry());
    let err = username::create(
        &client,
        "hearth#nobody",
        &pairing_timing(Duration::from_millis(300)),
        &CancellationToken::new(),
        |_| {},
    )
    .await
    .unwrap_err();
    assert!(matches!(err, PairingError::TimedOut { .. }), "{err:?}");
}

fn fast_polling() -> PollConfig {
    PollConfig {
        interval: Duration::from_millis(50),
        after_write: Duration::from_millis(10),
        initial_backoff: Duration::from_millis(20),
        max_backoff: Duration::from_millis(200),
        // A budget that allows polling this fast (the real one would space polls 3.5 s apart).
        daily_budget: 1_000_000_000,
        ..PollConfig::default()
    }
}

#[tokio::test]
async fn polling_turns_changes_on_the_bridge_into_events_the_cache_follows() {
    let rig = rig().await;
    let (client, transport) = rig.client();
    let mut stream = poll::spawn(client.clone(), fast_polling(), Some(transport.pacing()));
    let resources = next_matching(&mut stream, |item| match item {
        StreamItem::Resynced(resources) => Some(resources),
        _ => None,
    })
    .await;
    let mut cache = Cache::new(resources);
    let ceiling = rig.light("Ceiling");
    assert!(cache.light(&ceiling).is_some());

    // Changed on the bridge, as another app would: the next poll reports it.
    rig.bridge
        .change_light(&ceiling, &json!({"dimming": {"brightness": 12.0}}))
        .unwrap();
    let events = next_matching(&mut stream, |item| match item {
        StreamItem::Events(events) if events.iter().any(|e| e.id == ceiling) => Some(events),
        _ => None,
    })
    .await;
    let event = events.iter().find(|e| e.id == ceiling).unwrap();
    assert_eq!(event.change.brightness, Some(12.0));
    cache.apply(&events);
    assert_eq!(cache.light(&ceiling).unwrap().brightness(), Some(12.0));

    // A command through the same transport shows too, and the room follows its lights.
    let room = rig.bridge.find("room", "Living room").unwrap();
    client
        .set_on(&Target::Room(room.clone()), false)
        .await
        .unwrap();
    let grouped = rig.bridge.grouped_light_of(&room).unwrap();
    loop {
        let events = next_matching(&mut stream, |item| match item {
            StreamItem::Events(events) => Some(events),
            _ => None,
        })
        .await;
        cache.apply(&events);
        if cache
            .grouped_light(&grouped)
            .and_then(|g| g.on)
            .is_some_and(|o| !o.on)
        {
            break;
        }
    }
    for light in rig.bridge.lights_of(&room) {
        assert!(!cache.light(&light).unwrap().on.on);
    }

    // The cloud fails for two polls (each retried 6 times): lost, the light changed meanwhile,
    // then a full resync when the cloud answers again.
    rig.cloud.fail_next_route(503, 12);
    next_matching(&mut stream, |item| match item {
        StreamItem::Lost { error, .. } => Some(error),
        _ => None,
    })
    .await;
    rig.bridge
        .change_light(&ceiling, &json!({"on": {"on": true}}))
        .unwrap();
    let resynced = next_matching(&mut stream, |item| match item {
        StreamItem::Resynced(resources) => Some(resources),
        _ => None,
    })
    .await;
    cache.replace_all(resynced);
    assert!(cache.light(&ceiling).unwrap().on.on);
}
