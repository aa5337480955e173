//! `light`: one controllable light source.

use serde::{Deserialize, Serialize};

use super::ResourceRef;
use crate::color::{Gamut, Xy};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Light {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_v1: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<ResourceRef>,
    #[serde(default)]
    pub metadata: LightMetadata,
    pub on: On,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dimming: Option<Dimming>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color_temperature: Option<ColorTemperature>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<LightColor>,
}

impl Light {
    pub fn name(&self) -> &str {
        &self.metadata.name
    }

    pub fn brightness(&self) -> Option<f64> {
        self.dimming.as_ref().map(|d| d.brightness)
    }

    /// The gamut to clamp colours into: the light's own, else the one of its gamut type, else C
    /// (the widest Hue gamut, right for most colour lights).
    pub fn gamut(&self) -> Option<Gamut> {
        let color = self.color.as_ref()?;
        let by_type = match color.gamut_type.as_deref() {
            Some("A") => Gamut::A,
            Some("B") => Gamut::B,
            _ => Gamut::C,
        };
        Some(color.gamut.unwrap_or(by_type))
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LightMetadata {
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archetype: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct On {
    pub on: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dimming {
    pub brightness: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_dim_level: Option<f64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColorTemperature {
    /// `None` while the light shows a colour outside the white range.
    #[serde(default)]
    pub mirek: Option<u16>,
    #[serde(default)]
    pub mirek_valid: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mirek_schema: Option<MirekSchema>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MirekSchema {
    pub mirek_minimum: u16,
    pub mirek_maximum: u16,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LightColor {
    pub xy: Xy,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gamut: Option<Gamut>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gamut_type: Option<String>,
}
