//! What Hearth sends: the bodies of `PUT light`, `PUT grouped_light` and `PUT scene`.

use serde::Serialize;

use super::On;
use crate::color::Xy;

/// A change to a light or a group's lights. Fields left `None` are not sent. Two updates to the
/// same target merge, the later one winning field by field (see [`LightUpdate::merge`]).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct LightUpdate {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on: Option<On>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dimming: Option<DimmingUpdate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub color_temperature: Option<MirekUpdate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub color: Option<ColorUpdate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dynamics: Option<DynamicsUpdate>,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct DimmingUpdate {
    pub brightness: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct MirekUpdate {
    pub mirek: u16,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct ColorUpdate {
    pub xy: Xy,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct DynamicsUpdate {
    /// Transition time in milliseconds.
    pub duration: u32,
}

impl LightUpdate {
    pub fn on(on: bool) -> Self {
        Self {
            on: Some(On { on }),
            ..Self::default()
        }
    }

    /// Brightness in percent, clamped to 0–100 (the bridge turns 0 into its lowest level).
    pub fn brightness(percent: f64) -> Self {
        Self {
            dimming: Some(DimmingUpdate {
                brightness: if percent.is_finite() {
                    percent.clamp(0.0, 100.0)
                } else {
                    0.0
                },
            }),
            ..Self::default()
        }
    }

    /// Colour temperature in mirek, clamped to the range the API accepts (153–500).
    pub fn mirek(mirek: u16) -> Self {
        Self {
            color_temperature: Some(MirekUpdate {
                mirek: mirek.clamp(153, 500),
            }),
            ..Self::default()
        }
    }

    pub fn xy(xy: Xy) -> Self {
        Self {
            color: Some(ColorUpdate { xy: xy.clamped() }),
            ..Self::default()
        }
    }

    #[must_use]
    pub fn with_on(mut self, on: bool) -> Self {
        self.on = Some(On { on });
        self
    }

    #[must_use]
    pub fn with_transition_ms(mut self, duration: u32) -> Self {
        self.dynamics = Some(DynamicsUpdate { duration });
        self
    }

    /// Folds a later update into this one. A colour and a colour temperature exclude each other
    /// (the light shows the last one asked), so setting one drops the other.
    pub fn merge(&mut self, later: Self) {
        if later.on.is_some() {
            self.on = later.on;
        }
        if later.dimming.is_some() {
            self.dimming = later.dimming;
        }
        if later.color_temperature.is_some() {
            self.color_temperature = later.color_temperature;
            self.color = None;
        }
        if later.color.is_some() {
            self.color = later.color;
            self.color_temperature = None;
        }
        if later.dynamics.is_some() {
            self.dynamics = later.dynamics;
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// `PUT scene/<id>` with `{"recall": {"action": "active"}}`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SceneRecall {
    pub recall: Recall,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Recall {
    pub action: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration: Option<u32>,
}

impl SceneRecall {
    pub fn active() -> Self {
        Self {
            recall: Recall {
                action: "active",
                duration: None,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::LightUpdate;
    use crate::color::Xy;

    #[test]
    fn merging_keeps_the_last_value_of_each_field() {
        let mut update = LightUpdate::on(true);
        update.merge(LightUpdate::brightness(20.0));
        update.merge(LightUpdate::brightness(140.0));
        update.merge(LightUpdate::mirek(300));
        update.merge(LightUpdate::xy(Xy { x: 0.3, y: 0.3 }));
        expect![[
            r#"{"on":{"on":true},"dimming":{"brightness":100.0},"color":{"xy":{"x":0.3,"y":0.3}}}"#
        ]]
        .assert_eq(&serde_json::to_string(&update).unwrap());
        update.merge(LightUpdate::mirek(90));
        expect![[
            r#"{"on":{"on":true},"dimming":{"brightness":100.0},"color_temperature":{"mirek":153}}"#
        ]]
        .assert_eq(&serde_json::to_string(&update).unwrap());
    }
}
