//! The words Rust shows itself: the tray's menu and tooltip. One table per language, each a
//! [`TrayTexts`] with every line filled in (the compiler checks none is missing); the window's
//! words are the UI's catalogues, in `ui/src/lib/`.

/// Every line the tray can show.
pub struct TrayTexts {
    pub open: &'static str,
    pub demo: &'static str,
    /// A bridge reached through the Hue cloud, by its name.
    pub away: fn(bridge: &str) -> String,
    pub rooms: &'static str,
    pub zones: &'static str,
    pub all_off: &'static str,
    pub quit: &'static str,
    /// The tooltip before the home is known.
    pub starting: &'static str,
    pub no_bridge: &'static str,
    pub every_light_off: &'static str,
    /// How many lights are on (at least one).
    pub lights_on: fn(count: usize) -> String,
}

fn away_en(bridge: &str) -> String {
    format!("{bridge}: away, through the Hue cloud")
}

fn lights_on_en(count: usize) -> String {
    if count == 1 {
        "Hearth: 1 light on".to_owned()
    } else {
        format!("Hearth: {count} lights on")
    }
}

pub const ENGLISH: TrayTexts = TrayTexts {
    open: "Open Hearth",
    demo: "Demo: a simulated bridge",
    away: away_en,
    rooms: "Rooms",
    zones: "Zones",
    all_off: "All off",
    quit: "Quit",
    starting: "Hearth",
    no_bridge: "Hearth: no bridge yet",
    every_light_off: "Hearth: every light is off",
    lights_on: lights_on_en,
};
