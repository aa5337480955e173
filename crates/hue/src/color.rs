//! Colours: CIE xy points, a light's gamut, and RGB to xy within that gamut.

use serde::{Deserialize, Serialize};

/// A point in the CIE 1931 chromaticity diagram.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Xy {
    pub x: f64,
    pub y: f64,
}

impl Xy {
    /// D65, the white point of sRGB: what black maps to (a colour without light has no hue).
    pub const WHITE: Self = Self {
        x: 0.3127,
        y: 0.3290,
    };

    /// Clamped to the 0–1 square the API accepts (NaN becomes 0).
    #[must_use]
    pub fn clamped(self) -> Self {
        let clamp = |v: f64| if v.is_nan() { 0.0 } else { v.clamp(0.0, 1.0) };
        Self {
            x: clamp(self.x),
            y: clamp(self.y),
        }
    }

    /// Rounded to 4 decimals, the bridge's own precision.
    #[must_use]
    pub fn rounded(self) -> Self {
        let round = |v: f64| (v * 10_000.0).round() / 10_000.0;
        Self {
            x: round(self.x),
            y: round(self.y),
        }
    }
}

/// The triangle of colours a light can show.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Gamut {
    pub red: Xy,
    pub green: Xy,
    pub blue: Xy,
}

impl Gamut {
    /// Early colour-only lights (LivingColors, Bloom).
    pub const A: Self = Self::new((0.704, 0.296), (0.2151, 0.7106), (0.138, 0.08));
    /// First Hue bulbs.
    pub const B: Self = Self::new((0.675, 0.322), (0.409, 0.518), (0.167, 0.04));
    /// Current Hue colour lights.
    pub const C: Self = Self::new((0.6915, 0.3083), (0.17, 0.7), (0.1532, 0.0475));

    const fn new(red: (f64, f64), green: (f64, f64), blue: (f64, f64)) -> Self {
        Self {
            red: Xy { x: red.0, y: red.1 },
            green: Xy {
                x: green.0,
                y: green.1,
            },
            blue: Xy {
                x: blue.0,
                y: blue.1,
            },
        }
    }

    pub fn contains(&self, p: Xy) -> bool {
        let d1 = cross(self.red, self.green, p);
        let d2 = cross(self.green, self.blue, p);
        let d3 = cross(self.blue, self.red, p);
        let negative = d1 < 0.0 || d2 < 0.0 || d3 < 0.0;
        let positive = d1 > 0.0 || d2 > 0.0 || d3 > 0.0;
        !(negative && positive)
    }

    /// The point itself if the light can show it, else the nearest point it can.
    pub fn clamp(&self, p: Xy) -> Xy {
        if self.contains(p) {
            return p;
        }
        [
            closest_on_segment(self.red, self.green, p),
            closest_on_segment(self.green, self.blue, p),
            closest_on_segment(self.blue, self.red, p),
        ]
        .into_iter()
        .min_by(|a, b| distance2(*a, p).total_cmp(&distance2(*b, p)))
        .unwrap_or(p)
    }
}

/// An sRGB colour (0–255 per channel) as the xy point `gamut` can show closest to it. Brightness
/// is not part of xy: set it separately.
pub fn rgb_to_xy(red: u8, green: u8, blue: u8, gamut: &Gamut) -> Xy {
    let linear = |c: u8| {
        let v = f64::from(c) / 255.0;
        if v > 0.04045 {
            ((v + 0.055) / 1.055).powf(2.4)
        } else {
            v / 12.92
        }
    };
    let (lr, lg, lb) = (linear(red), linear(green), linear(blue));
    // sRGB (D65) to CIE XYZ.
    let cie_x = 0.4124 * lr + 0.3576 * lg + 0.1805 * lb;
    let cie_y = 0.2126 * lr + 0.7152 * lg + 0.0722 * lb;
    let cie_z = 0.0193 * lr + 0.1192 * lg + 0.9505 * lb;
    let sum = cie_x + cie_y + cie_z;
    if sum <= f64::EPSILON {
        return gamut.clamp(Xy::WHITE).rounded();
    }
    gamut
        .clamp(Xy {
            x: cie_x / sum,
            y: cie_y / sum,
        })
        .rounded()
}

/// The sRGB colour of `xy` at full brightness, as `#rrggbb`: how a screen shows what a light
/// shows (brightness is left out, so a dim light keeps its hue on screen).
pub fn xy_to_hex(xy: Xy) -> String {
    let xy = xy.clamped();
    // y = 0 has no luminance to scale by: show the white point instead of dividing by zero.
    let xy = if xy.y <= f64::EPSILON { Xy::WHITE } else { xy };
    let (cie_x, cie_y, cie_z) = (xy.x / xy.y, 1.0, (1.0 - xy.x - xy.y) / xy.y);
    // CIE XYZ to linear sRGB (D65), the inverse of the matrix in `rgb_to_xy`.
    let linear = [
        3.2406 * cie_x - 1.5372 * cie_y - 0.4986 * cie_z,
        -0.9689 * cie_x + 1.8758 * cie_y + 0.0415 * cie_z,
        0.0557 * cie_x - 0.2040 * cie_y + 1.0570 * cie_z,
    ]
    .map(|c| c.max(0.0));
    // Scaled so that the strongest channel is full: xy says nothing about brightness.
    let peak = linear.iter().copied().fold(0.0_f64, f64::max);
    let scale = if peak <= f64::EPSILON { 1.0 } else { peak };
    let [r, g, b] = linear.map(|c| {
        let v = c / scale;
        let encoded = if v <= 0.003_130_8 {
            12.92 * v
        } else {
            1.055 * v.powf(1.0 / 2.4) - 0.055
        };
        // In 0–255 by the clamp, so the cast loses nothing.
        #[expect(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let byte = (encoded.clamp(0.0, 1.0) * 255.0).round() as u8;
        byte
    });
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// The xy point of white at `mirek` (a colour temperature), on the Planckian locus (Kim et
/// al.'s cubic approximation, valid from 1667 K to 25000 K; Hue's 153–500 mirek is inside).
pub fn mirek_to_xy(mirek: u16) -> Xy {
    let kelvin = (1_000_000.0 / f64::from(mirek.max(40))).clamp(1667.0, 25_000.0);
    let (t, t2, t3) = (kelvin, kelvin * kelvin, kelvin * kelvin * kelvin);
    let x = if kelvin <= 4000.0 {
        -0.266_123_9e9 / t3 - 0.234_358_9e6 / t2 + 0.877_695_6e3 / t + 0.179_910
    } else {
        -3.025_846_9e9 / t3 + 2.107_037_9e6 / t2 + 0.222_634_7e3 / t + 0.240_390
    };
    let (x2, x3) = (x * x, x * x * x);
    let y = if kelvin <= 2222.0 {
        -1.106_381_4 * x3 - 1.348_110_20 * x2 + 2.185_558_32 * x - 0.202_196_83
    } else if kelvin <= 4000.0 {
        -0.954_947_6 * x3 - 1.374_185_93 * x2 + 2.091_370_15 * x - 0.167_488_67
    } else {
        3.081_758_0 * x3 - 5.873_386_70 * x2 + 3.751_129_97 * x - 0.370_014_83
    };
    Xy { x, y }.rounded()
}

fn cross(a: Xy, b: Xy, p: Xy) -> f64 {
    (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x)
}

fn distance2(a: Xy, b: Xy) -> f64 {
    (a.x - b.x).powi(2) + (a.y - b.y).powi(2)
}

fn closest_on_segment(a: Xy, b: Xy, p: Xy) -> Xy {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let length2 = dx * dx + dy * dy;
    let t = if length2 <= f64::EPSILON {
        0.0
    } else {
        (((p.x - a.x) * dx + (p.y - a.y) * dy) / length2).clamp(0.0, 1.0)
    };
    Xy {
        x: a.x + t * dx,
        y: a.y + t * dy,
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::{Gamut, Xy, mirek_to_xy, rgb_to_xy, xy_to_hex};

    #[test]
    fn xy_shown_as_srgb() {
        // The sRGB primaries and white come back as themselves.
        assert_eq!(xy_to_hex(Xy { x: 0.64, y: 0.33 }), "#ff0000");
        assert_eq!(xy_to_hex(Xy { x: 0.30, y: 0.60 }), "#00ff00");
        assert_eq!(xy_to_hex(Xy { x: 0.15, y: 0.06 }), "#0000ff");
        assert_eq!(xy_to_hex(Xy::WHITE), "#ffffff");
        // Out of range or degenerate points still give a colour.
        assert_eq!(xy_to_hex(Xy { x: 0.5, y: 0.0 }), "#ffffff");
        assert_eq!(
            xy_to_hex(Xy {
                x: f64::NAN,
                y: 2.0
            }),
            "#00ff00"
        );
        // What rgb_to_xy makes of a colour, xy_to_hex shows as that colour again.
        let orange = rgb_to_xy(255, 128, 0, &Gamut::C);
        assert_eq!(xy_to_hex(orange), "#ff8000");
    }

    #[test]
    fn mirek_on_the_white_locus() {
        let warm = mirek_to_xy(500);
        let cold = mirek_to_xy(153);
        // 2000 K is orange-ish, 6500 K is near D65.
        assert!(
            (warm.x - 0.5267).abs() < 0.002 && (warm.y - 0.4133).abs() < 0.002,
            "{warm:?}"
        );
        assert!(
            (cold.x - 0.3135).abs() < 0.002 && (cold.y - 0.3237).abs() < 0.004,
            "{cold:?}"
        );
        let hex = xy_to_hex(warm);
        assert!(hex.starts_with("#ff"), "warm white is red-heavy: {hex}");
        assert_eq!(mirek_to_xy(0), mirek_to_xy(40));
    }

    #[test]
    fn primaries_and_white_in_each_gamut() {
        let mut lines = Vec::new();
        for (name, gamut) in [("A", Gamut::A), ("B", Gamut::B), ("C", Gamut::C)] {
            for (colour, rgb) in [
                ("red", (255, 0, 0)),
                ("green", (0, 255, 0)),
                ("blue", (0, 0, 255)),
                ("white", (255, 255, 255)),
                ("black", (0, 0, 0)),
            ] {
                let xy = rgb_to_xy(rgb.0, rgb.1, rgb.2, &gamut);
                lines.push(format!("{name} {colour:5} {:.4} {:.4}", xy.x, xy.y));
            }
        }
        expect![["
            A red   0.6401 0.3300
            A green 0.3000 0.6000
            A blue  0.1418 0.0815
            A white 0.3127 0.3290
            A black 0.3127 0.3290
            B red   0.6401 0.3300
            B green 0.4090 0.5180
            B blue  0.1716 0.0491
            B white 0.3132 0.3288
            B black 0.3132 0.3288
            C red   0.6401 0.3300
            C green 0.3000 0.6000
            C blue  0.1535 0.0599
            C white 0.3127 0.3290
            C black 0.3127 0.3290
        "]]
        .assert_eq(&(lines.join("\n") + "\n"));
    }

    #[test]
    fn clamping_leaves_inner_points_alone() {
        let inside = Xy { x: 0.4, y: 0.4 };
        assert_eq!(Gamut::C.clamp(inside), inside);
        // Below blue: the nearest point the light can show is the blue corner.
        let outside = Xy { x: 0.1, y: 0.0 };
        assert!(!Gamut::C.contains(outside));
        let clamped = Gamut::C.clamp(outside);
        assert!(
            (clamped.x - Gamut::C.blue.x).abs() < 1e-9
                && (clamped.y - Gamut::C.blue.y).abs() < 1e-9
        );
        // Beyond the red-green edge: the clamped point lies on that edge.
        let clamped = Gamut::C.clamp(Xy { x: 0.6, y: 0.6 });
        assert!((super::cross(Gamut::C.red, Gamut::C.green, clamped)).abs() < 1e-9);
        assert_eq!(
            Xy {
                x: f64::NAN,
                y: 3.0
            }
            .clamped(),
            Xy { x: 0.0, y: 1.0 }
        );
    }
}
