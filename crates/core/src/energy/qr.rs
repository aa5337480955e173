//! The link page's address as a QR code, for a phone. Rendered in Rust as SVG path data that the
//! UI puts in its own `<svg>`: no markup crosses the IPC, and nothing in it needs a `style`
//! attribute the app's CSP would block.

use std::fmt::Write as _;

use serde::Serialize;

/// A QR code: a square of `size` × `size` modules (the quiet zone included) and the SVG path
/// that draws its dark modules, in module units (`viewBox="0 0 size size"`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, specta::Type)]
pub struct QrCode {
    pub size: u32,
    pub path: String,
}

/// The data does not fit a QR code (an address far longer than a link page's).
#[derive(Debug, thiserror::Error)]
#[error("the address is too long for a QR code: {0}")]
pub struct QrError(String);

/// The quiet zone the standard asks around the code, in modules.
const QUIET: usize = 4;

impl QrCode {
    /// Encodes `text` (medium error correction, what phones read best on a screen).
    pub fn new(text: &str) -> Result<Self, QrError> {
        let code = qrcode::QrCode::with_error_correction_level(text, qrcode::EcLevel::M)
            .map_err(|err| QrError(err.to_string()))?;
        let width = code.width();
        let colors = code.to_colors();
        let mut path = String::new();
        for (y, row) in colors.chunks(width).enumerate() {
            // One rectangle per run of dark modules: a path a few kilobytes long, not one per
            // module.
            let mut x = 0;
            while x < width {
                if row[x] == qrcode::Color::Dark {
                    let start = x;
                    while x < width && row[x] == qrcode::Color::Dark {
                        x += 1;
                    }
                    let _ = write!(
                        path,
                        "M{} {}h{}v1h-{}z",
                        start + QUIET,
                        y + QUIET,
                        x - start,
                        x - start
                    );
                } else {
                    x += 1;
                }
            }
        }
        let size = u32::try_from(width + 2 * QUIET).map_err(|err| QrError(err.to_string()))?;
        Ok(Self { size, path })
    }

    /// Whether the module at (`x`, `y`) (quiet zone included) is dark, read back from the path:
    /// what a test compares with the encoder's own matrix.
    pub fn is_dark(&self, x: u32, y: u32) -> bool {
        self.path.split('M').skip(1).any(|run| {
            let mut numbers = run
                .split(|c: char| !c.is_ascii_digit())
                .filter(|s| !s.is_empty())
                .map(|s| s.parse::<u32>().unwrap_or(u32::MAX));
            let (Some(left), Some(top), Some(len)) =
                (numbers.next(), numbers.next(), numbers.next())
            else {
                return false;
            };
            top == y && (left..left.saturating_add(len)).contains(&x)
        })
    }
}
