//! The commands the UI, the tray and `hearth-cli` send: each goes through the pacer of the bridge
//! that has its target, and resolves when the bridge has answered. None changes the snapshot:
//! the bridge's event does.

use futures_util::future::join_all;
use hearth_hue::Xy;
use hearth_hue::model::{LightUpdate, Resource, ResourceType};
use hearth_hue::pacer::{Command, PaceKey};

use super::{Lights, LightsError, Target, TargetKind};
use crate::lock;

impl Lights {
    /// Where a command for `target` goes, and whether `target` is on now.
    fn route(&self, target: &Target) -> Result<(hearth_hue::Pacer, PaceKey, bool), LightsError> {
        let connections = lock(&self.inner.connections);
        if connections.is_empty() {
            return Err(LightsError::NoBridge);
        }
        for connection in connections.values() {
            let cache = lock(&connection.cache);
            let found = match (target.kind, cache.get(&target.id)) {
                (TargetKind::Light, Some(Resource::Light(light))) => {
                    Some((PaceKey::new(ResourceType::Light, &light.id), light.on.on))
                }
                (TargetKind::Room, Some(Resource::Room(group)))
                | (TargetKind::Zone, Some(Resource::Zone(group))) => {
                    group.grouped_light().map(|grouped| {
                        let on = cache
                            .grouped_light(grouped)
                            .and_then(|g| g.on)
                            .is_some_and(|on| on.on);
                        (PaceKey::new(ResourceType::GroupedLight, grouped), on)
                    })
                }
                _ => None,
            };
            if let Some((key, on)) = found {
                return Ok((connection.pacer.clone(), key, on));
            }
        }
        Err(LightsError::NotFound(target.id.clone()))
    }

    async fn update(&self, target: &Target, update: LightUpdate) -> Result<(), LightsError> {
        let (pacer, key, _) = self.route(target)?;
        Ok(pacer.send(key, Command::Update(update)).await?)
    }

    pub async fn set_on(&self, target: &Target, on: bool) -> Result<(), LightsError> {
        self.update(target, LightUpdate::on(on)).await
    }

    /// Switches to the opposite of the current state; returns the new state.
    pub async fn toggle(&self, target: &Target) -> Result<bool, LightsError> {
        let (pacer, key, on) = self.route(target)?;
        pacer
            .send(key, Command::Update(LightUpdate::on(!on)))
            .await?;
        Ok(!on)
    }

    /// Brightness in percent (0–100). Above 0 it also switches the target on, as a slider
    /// should.
    pub async fn set_brightness(&self, target: &Target, percent: f64) -> Result<(), LightsError> {
        let mut update = LightUpdate::brightness(percent);
        if percent > 0.0 {
            update = update.with_on(true);
        }
        self.update(target, update).await
    }

    /// Colour temperature in mirek (153 cold – 500 warm).
    pub async fn set_color_temperature(
        &self,
        target: &Target,
        mirek: u16,
    ) -> Result<(), LightsError> {
        self.update(target, LightUpdate::mirek(mirek).with_on(true))
            .await
    }

    pub async fn set_color_xy(&self, target: &Target, xy: Xy) -> Result<(), LightsError> {
        self.update(target, LightUpdate::xy(xy).with_on(true)).await
    }

    /// An sRGB colour, within the light's gamut (gamut C for rooms and zones).
    pub async fn set_color_rgb(
        &self,
        target: &Target,
        rgb: (u8, u8, u8),
    ) -> Result<Xy, LightsError> {
        let gamut = match target.kind {
            TargetKind::Light => lock(&self.inner.connections).values().find_map(|c| {
                lock(&c.cache)
                    .light(&target.id)
                    .and_then(hearth_hue::model::Light::gamut)
            }),
            _ => None,
        }
        .unwrap_or(hearth_hue::Gamut::C);
        let xy = hearth_hue::color::rgb_to_xy(rgb.0, rgb.1, rgb.2, &gamut);
        self.set_color_xy(target, xy).await?;
        Ok(xy)
    }

    pub async fn recall_scene(&self, scene_id: &str) -> Result<(), LightsError> {
        let pacer = {
            let connections = lock(&self.inner.connections);
            if connections.is_empty() {
                return Err(LightsError::NoBridge);
            }
            connections
                .values()
                .find(|c| matches!(lock(&c.cache).get(scene_id), Some(Resource::Scene(_))))
                .map(|c| c.pacer.clone())
                .ok_or_else(|| LightsError::NotFound(scene_id.to_owned()))?
        };
        let key = PaceKey::new(ResourceType::Scene, scene_id);
        Ok(pacer.send(key, Command::RecallScene).await?)
    }

    /// Switches every light of every bridge off (through each bridge's home group, else room by
    /// room).
    pub async fn all_off(&self) -> Result<(), LightsError> {
        let sends: Vec<_> = {
            let connections = lock(&self.inner.connections);
            if connections.is_empty() {
                return Err(LightsError::NoBridge);
            }
            connections
                .values()
                .flat_map(|c| {
                    let cache = lock(&c.cache);
                    let groups: Vec<String> =
                        match cache.bridge_home().and_then(|h| h.grouped_light()) {
                            Some(home) => vec![home.to_owned()],
                            None => cache
                                .rooms()
                                .filter_map(|r| r.grouped_light().map(str::to_owned))
                                .collect(),
                        };
                    groups
                        .into_iter()
                        .map(|g| (c.pacer.clone(), PaceKey::new(ResourceType::GroupedLight, g)))
                        .collect::<Vec<_>>()
                })
                .collect()
        };
        let results = join_all(sends.into_iter().map(|(pacer, key)| async move {
            pacer
                .send(key, Command::Update(LightUpdate::on(false)))
                .await
        }))
        .await;
        results.into_iter().collect::<Result<Vec<()>, _>>()?;
        Ok(())
    }
}
