//! The CLIP v2 and v1 clients against the simulated bridge, over real HTTPS.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failed step panics the test with its reason.

mod common;

use common::{is_on, light, rig};
use hearth_hue::model::{Resource, ResourceType};
use hearth_hue::v1::{V1Client, V1ErrorCode, V1State};
use hearth_hue::{BridgeIdentity, Client, Error, Target, Xy};
use hearth_secret::Secret;
use hearth_sim::bridge::SimConfig;
use serde_json::json;

#[tokio::test]
async fn lists_and_gets_every_resource_type_hearth_uses() {
    let rig = rig(SimConfig::default()).await;
    let all = rig.client.resources().await.unwrap();
    let count = |rtype: ResourceType| all.iter().filter(|r| r.rtype() == rtype).count();
    assert_eq!(count(ResourceType::Light), 6);
    assert_eq!(count(ResourceType::Room), 3);
    assert_eq!(count(ResourceType::Zone), 1);
    assert_eq!(count(ResourceType::GroupedLight), 5);
    assert_eq!(count(ResourceType::Scene), 8);
    assert_eq!(count(ResourceType::BridgeHome), 1);
    assert_eq!(count(ResourceType::Bridge), 1);
    assert!(count(ResourceType::Device) >= 7);
    // Nothing the simulator serves should fail to parse into its typed form.
    assert!(
        all.iter().all(|r| !matches!(r, Resource::Other(_))),
        "{:?}",
        all.iter()
            .filter(|r| matches!(r, Resource::Other(_)))
            .collect::<Vec<_>>()
    );

    let lights = rig.client.lights().await.unwrap();
    let desk = lights.iter().find(|l| l.name() == "Desk lamp").unwrap();
    let got = rig
        .client
        .get(&ResourceType::Light, &desk.id)
        .await
        .unwrap();
    assert_eq!(got, Resource::Light(desk.clone()));
    assert_eq!(rig.client.rooms().await.unwrap().len(), 3);
    assert_eq!(rig.client.zones().await.unwrap()[0].name(), "Downstairs");
    assert_eq!(rig.client.scenes().await.unwrap().len(), 8);
    let config = rig.client.config().await.unwrap();
    assert_eq!(config.bridge_id, rig.sim.bridge_id());
    assert!(config.supports_v2());
}

#[tokio::test]
async fn switches_lights_rooms_and_zones() {
    let rig = rig(SimConfig::default()).await;
    let ceiling = light(&rig.sim, "Ceiling");
    let target = Target::Light(ceiling.clone());

    rig.client.set_on(&target, false).await.unwrap();
    assert!(!is_on(&rig.sim, &ceiling));
    assert!(rig.client.toggle(&target).await.unwrap());
    assert!(is_on(&rig.sim, &ceiling));
    rig.client.set_brightness(&target, 42.5).await.unwrap();
    assert_eq!(
        rig.sim.resource(&ceiling).unwrap()["dimming"]["brightness"],
        42.5
    );
    rig.client.set_mirek(&target, 250).await.unwrap();
    assert_eq!(
        rig.sim.resource(&ceiling).unwrap()["color_temperature"]["mirek"],
        250
    );
    rig.client
        .set_xy(&target, Xy { x: 0.5, y: 0.4 })
        .await
        .unwrap();
    let state = rig.sim.resource(&ceiling).unwrap();
    assert_eq!(state["color"]["xy"], json!({"x": 0.5, "y": 0.4}));
    assert_eq!(state["color_temperature"]["mirek_valid"], false);
    // Pure blue is outside gamut C: the light gets the nearest colour it can show.
    let xy = rig.client.set_rgb(&target, (0, 0, 255)).await.unwrap();
    assert!(
        (xy.x - 0.1535).abs() < 1e-3 && (xy.y - 0.0599).abs() < 1e-3,
        "{xy:?}"
    );

    let room = rig.sim.find("room", "Living room").unwrap();
    let members = rig.sim.lights_of(&room);
    rig.client
        .set_on(&Target::Room(room.clone()), true)
        .await
        .unwrap();
    assert!(members.iter().all(|l| is_on(&rig.sim, l)));
    assert!(
        !rig.client
            .toggle(&Target::Room(room.clone()))
            .await
            .unwrap()
    );
    assert!(members.iter().all(|l| !is_on(&rig.sim, l)));

    let zone = rig.sim.find("zone", "Downstairs").unwrap();
    rig.client
        .set_brightness(&Target::Zone(zone.clone()), 10.0)
        .await
        .unwrap();
    for member in rig.sim.lights_of(&zone) {
        assert_eq!(
            rig.sim.resource(&member).unwrap()["dimming"]["brightness"],
            10.0
        );
    }
}

#[tokio::test]
async fn recalls_a_scene() {
    let rig = rig(SimConfig::default()).await;
    let room = rig.sim.find("room", "Kitchen").unwrap();
    rig.client
        .set_on(&Target::Room(room.clone()), false)
        .await
        .unwrap();
    let scene = rig
        .client
        .scenes()
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.group.rid == room && s.metadata.name == "Relax")
        .unwrap();
    rig.client.recall_scene(&scene.id).await.unwrap();
    for member in rig.sim.lights_of(&room) {
        let state = rig.sim.resource(&member).unwrap();
        assert_eq!(state["on"]["on"], true);
        assert_eq!(state["dimming"]["brightness"], 56.0);
    }
    assert_eq!(
        rig.sim.resource(&scene.id).unwrap()["status"]["active"],
        "static"
    );
}

#[tokio::test]
async fn refusals_are_typed_errors() {
    let rig = rig(SimConfig::default()).await;
    let missing = rig
        .client
        .get(&ResourceType::Light, "00000000-0000-4000-8000-000000000000")
        .await;
    assert!(
        matches!(missing, Err(Error::NotFound { .. })),
        "{missing:?}"
    );

    // Light 5 is white only: a colour temperature is refused by the bridge, with its reason.
    let white = rig
        .sim
        .resources()
        .into_iter()
        .find(|r| r["id_v1"] == "/lights/5" && r["type"] == "light")
        .unwrap();
    let white = Target::Light(white["id"].as_str().unwrap().to_owned());
    let refused = rig.client.set_mirek(&white, 300).await.unwrap_err();
    assert_eq!(refused.kind(), "rejected");
    assert!(
        refused.to_string().contains("color_temperature"),
        "{refused}"
    );

    let wrong_key = common::transport(
        &rig.sim,
        BridgeIdentity::known(rig.sim.bridge_id(), None),
        Some("nope"),
    );
    let unauthorized = Client::new(wrong_key).lights().await.unwrap_err();
    assert!(matches!(unauthorized, Error::Unauthorized));
    assert!(!unauthorized.to_string().contains("nope"));
}

#[tokio::test]
async fn a_dead_bridge_is_a_clear_error() {
    let rig = rig(SimConfig::default()).await;
    let address = rig.sim.address();
    rig.sim.shutdown().await;
    let err = rig.client.lights().await.unwrap_err();
    assert_eq!(err.kind(), "unreachable", "{err}");
    assert!(err.to_string().contains(&address), "{err}");
    assert!(err.is_transient());
}

#[tokio::test]
async fn busy_answers_are_retried_then_reported() {
    let rig = rig(SimConfig::default()).await;
    rig.sim.fail_next(503, 2);
    rig.sim.clear_exchanges();
    assert_eq!(rig.client.lights().await.unwrap().len(), 6);
    let statuses: Vec<u16> = rig.sim.exchanges().iter().map(|e| e.status).collect();
    assert_eq!(statuses, [503, 503, 200]);

    rig.sim.fail_next(429, 100);
    let err = rig.client.lights().await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Busy {
                status: 429,
                attempts: 6
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn clip_v1_lights_groups_scenes_and_its_errors() {
    let rig = rig(SimConfig::default()).await;
    let v1 = V1Client::new(rig.transport.clone(), Secret::from(rig.key.as_str()));
    let lights = v1.lights().await.unwrap();
    assert_eq!(lights.len(), 6);
    assert_eq!(lights["3"].name, "Desk lamp");
    let groups = v1.groups().await.unwrap();
    let kinds: Vec<&str> = groups.values().map(|g| g.kind.as_str()).collect();
    assert_eq!(kinds, ["Room", "Room", "Room", "Zone"]);
    assert_eq!(v1.scenes().await.unwrap().len(), 8);

    let desk = light(&rig.sim, "Desk lamp");
    let on = V1State {
        on: Some(true),
        bri: Some(V1State::percent_to_bri(50.0)),
        ..V1State::default()
    };
    v1.set_light_state("3", &on).await.unwrap();
    let state = rig.sim.resource(&desk).unwrap();
    assert_eq!(state["on"]["on"], true);
    assert!((state["dimming"]["brightness"].as_f64().unwrap() - 50.2).abs() < 0.5);

    // Brightness of a light that is off: the bridge says why, with HTTP 200.
    v1.set_light_state(
        "3",
        &V1State {
            on: Some(false),
            ..V1State::default()
        },
    )
    .await
    .unwrap();
    let refused = v1
        .set_light_state(
            "3",
            &V1State {
                bri: Some(10),
                ..V1State::default()
            },
        )
        .await
        .unwrap_err();
    let Error::V1(error) = refused else {
        panic!("{refused:?}")
    };
    assert_eq!(error.code, V1ErrorCode::DeviceIsOff);
    assert_eq!(error.address, "/lights/3/state/bri");

    let missing = v1.set_light_state("99", &on).await.unwrap_err();
    assert!(
        matches!(missing, Error::V1(ref e) if e.code == V1ErrorCode::ResourceNotAvailable),
        "{missing:?}"
    );

    let (group, _) = groups.iter().find(|(_, g)| g.name == "Kitchen").unwrap();
    v1.set_group_action(
        group,
        &V1State {
            on: Some(false),
            ..V1State::default()
        },
    )
    .await
    .unwrap();
    let kitchen = rig.sim.find("room", "Kitchen").unwrap();
    assert!(
        rig.sim
            .lights_of(&kitchen)
            .iter()
            .all(|l| !is_on(&rig.sim, l))
    );
    let (scene, _) = v1
        .scenes()
        .await
        .unwrap()
        .into_iter()
        .find(|(_, s)| s.group.as_deref() == Some(group.as_str()) && s.name == "Bright")
        .unwrap();
    v1.recall_scene(group, &scene).await.unwrap();
    assert!(
        rig.sim
            .lights_of(&kitchen)
            .iter()
            .all(|l| is_on(&rig.sim, l))
    );

    let stranger = V1Client::new(rig.transport.clone(), Secret::from("not-a-user"));
    assert!(matches!(stranger.lights().await, Err(Error::Unauthorized)));
}
