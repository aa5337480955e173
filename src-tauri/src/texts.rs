//! The words Rust shows itself: the tray's menu and tooltip, and the desktop notifications. One
//! table per language, each a [`TrayTexts`] and a [`NotificationTexts`] with every line filled in (the compiler checks none is missing); the window's
//! words are the UI's catalogues, in `ui/src/lib/i18n/`. The command line stays English.

use hearth_tariff::Color;
use serde::{Deserialize, Serialize};

/// A language Hearth speaks (its ISO 639-1 code on the wire).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
pub enum Language {
    #[serde(rename = "en")]
    English,
    #[serde(rename = "fr")]
    French,
}

/// What the user chose in the window: a language, or the system's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum LanguageChoice {
    #[default]
    System,
    En,
    Fr,
}

impl Language {
    /// The language of a POSIX locale (`fr_FR.UTF-8`, `fr`, `en_GB`) or a BCP 47 tag (`fr-CA`):
    /// French for any French locale, English for everything else.
    pub fn of_locale(locale: &str) -> Self {
        let language = locale
            .split(['_', '-', '.', '@'])
            .next()
            .unwrap_or_default();
        if language.eq_ignore_ascii_case("fr") {
            Self::French
        } else {
            Self::English
        }
    }

    /// The system's language for messages, from the environment as POSIX orders it: `LC_ALL`,
    /// then `LC_MESSAGES`, then `LANG` (an empty variable counts as unset).
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Self {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .into_iter()
            .filter_map(var)
            .find(|value| !value.is_empty())
            .map_or(Self::English, |locale| Self::of_locale(&locale))
    }

    /// The system's language, from this process's environment.
    pub fn system() -> Self {
        Self::from_env(|name| std::env::var(name).ok())
    }

    /// The language `choice` means on a system that speaks `system`.
    pub fn chosen(choice: LanguageChoice, system: Self) -> Self {
        match choice {
            LanguageChoice::System => system,
            LanguageChoice::En => Self::English,
            LanguageChoice::Fr => Self::French,
        }
    }

    pub fn tray(self) -> &'static TrayTexts {
        match self {
            Self::English => &ENGLISH,
            Self::French => &FRENCH,
        }
    }

    pub fn notifications(self) -> &'static NotificationTexts {
        match self {
            Self::English => &ENGLISH_NOTIFICATIONS,
            Self::French => &FRENCH_NOTIFICATIONS,
        }
    }
}

/// Every desktop notification: a title and a body each.
pub struct NotificationTexts {
    pub relink_title: &'static str,
    pub relink_body: &'static str,
    /// A Linky meter whose consent is gone, by its PRM.
    pub energy_relink_title: fn(meter: &str) -> String,
    pub energy_relink_body: &'static str,
    /// A bridge out of reach for minutes, by its name.
    pub unreachable_title: fn(bridge: &str) -> String,
    pub unreachable_body: &'static str,
    /// The same bridge answering again.
    pub back_title: fn(bridge: &str) -> String,
    pub back_body: &'static str,
    /// The evening before a red Tempo day.
    pub red_day_title: &'static str,
    pub red_day_body: &'static str,
}

fn unreachable_en(bridge: &str) -> String {
    format!("{bridge} is out of reach")
}

fn back_en(bridge: &str) -> String {
    format!("{bridge} is back")
}

fn energy_relink_en(meter: &str) -> String {
    format!("Linky {meter}: link it again")
}

fn energy_relink_fr(meter: &str) -> String {
    format!("Linky {meter}\u{a0}: à relier de nouveau")
}

pub const ENGLISH_NOTIFICATIONS: NotificationTexts = NotificationTexts {
    relink_title: "Remote access stopped",
    relink_body: "The Hue account no longer accepts Hearth. Open Hearth and link it again.",
    energy_relink_title: energy_relink_en,
    energy_relink_body: "Enedis no longer lets Hearth read this meter. Open Hearth's energy screen and link it again.",
    unreachable_title: unreachable_en,
    unreachable_body: "Hearth has not reached this bridge for over 5 minutes. Its lights cannot be controlled until it answers again.",
    back_title: back_en,
    back_body: "Hearth reaches this bridge again.",
    red_day_title: "Tomorrow is a red Tempo day",
    red_day_body: "Electricity costs more from 06:00 until 06:00 the day after.",
};

fn unreachable_fr(bridge: &str) -> String {
    format!("{bridge} est injoignable")
}

fn back_fr(bridge: &str) -> String {
    format!("{bridge} répond de nouveau")
}

pub const FRENCH_NOTIFICATIONS: NotificationTexts = NotificationTexts {
    relink_title: "L’accès à distance s’est arrêté",
    relink_body: "Le compte Hue n’accepte plus Hearth. Ouvrez Hearth et reliez-le de nouveau.",
    energy_relink_title: energy_relink_fr,
    energy_relink_body: "Enedis ne laisse plus Hearth lire ce compteur. Ouvrez l’écran Énergie de Hearth et reliez-le de nouveau.",
    unreachable_title: unreachable_fr,
    unreachable_body: "Hearth n’a pas pu joindre ce pont depuis plus de 5\u{a0}minutes. Ses lumières ne répondront pas tant qu’il sera injoignable.",
    back_title: back_fr,
    back_body: "Hearth joint de nouveau ce pont.",
    red_day_title: "Demain est un jour Tempo rouge",
    red_day_body: "L’électricité coûte plus cher de 6\u{a0}h demain jusqu’à 6\u{a0}h le jour suivant.",
};

/// Every line the tray can show.
pub struct TrayTexts {
    pub open: &'static str,
    pub demo: &'static str,
    /// A bridge reached through the Hue cloud, by its name.
    pub away: fn(bridge: &str) -> String,
    /// The title of the section of starred rooms, zones and scenes.
    pub favourites: &'static str,
    /// A starred scene, by its name and its room's or zone's (scenes of different rooms share
    /// names: "Relax", "Bright").
    pub scene: fn(scene: &str, group: Option<&str>) -> String,
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
    /// A linked meter's line (clicking it opens the energy screen).
    pub energy: fn(line: &EnergyLine) -> String,
    /// Today's or tomorrow's Tempo colour (clicking it opens the energy screen).
    pub tempo: fn(line: TempoLine) -> String,
}

/// A Tempo line of the tray: the colour of today's or tomorrow's Tempo day, `None` when it is
/// not known (tomorrow's is published around 10:40).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TempoLine {
    Today(Option<Color>),
    Tomorrow(Option<Color>),
}

fn tempo_en(line: TempoLine) -> String {
    let word = |color| match color {
        Color::Blue => "Blue",
        Color::White => "White",
        Color::Red => "Red",
    };
    match line {
        TempoLine::Today(Some(color)) => format!("Tempo today: {}", word(color)),
        TempoLine::Today(None) => "Tempo today: unknown".to_owned(),
        TempoLine::Tomorrow(Some(color)) => {
            format!("Tempo tomorrow: {}", word(color))
        }
        TempoLine::Tomorrow(None) => "Tempo tomorrow: not published yet".to_owned(),
    }
}

fn tempo_fr(line: TempoLine) -> String {
    let word = |color| match color {
        Color::Blue => "Bleu",
        Color::White => "Blanc",
        Color::Red => "Rouge",
    };
    match line {
        TempoLine::Today(Some(color)) => {
            format!("Tempo aujourd’hui\u{a0}: {}", word(color))
        }
        TempoLine::Today(None) => "Tempo aujourd’hui\u{a0}: inconnu".to_owned(),
        TempoLine::Tomorrow(Some(color)) => {
            format!("Tempo demain\u{a0}: {}", word(color))
        }
        TempoLine::Tomorrow(None) => "Tempo demain\u{a0}: pas encore publié".to_owned(),
    }
}

/// What the tray says of a linked meter. `meter` names it when there are several (the end of
/// its PRM), `None` when it is the only one.
#[derive(Debug, Clone, PartialEq)]
pub enum EnergyLine {
    /// The last complete day is yesterday: its consumption.
    Yesterday { meter: Option<String>, wh: u32 },
    /// An older day (Enedis publishes late): its date (`YYYY-MM-DD`) and consumption.
    Day {
        meter: Option<String>,
        date: String,
        wh: u32,
    },
    /// The consent is gone: only a new link brings data again.
    Relink { meter: Option<String> },
}

/// Wh as kWh with one decimal, with the language's decimal separator.
fn kwh(wh: u32, comma: bool) -> String {
    let text = format!("{:.1}", f64::from(wh) / 1000.0);
    if comma { text.replace('.', ",") } else { text }
}

fn energy_en(line: &EnergyLine) -> String {
    let who = |meter: &Option<String>| {
        meter
            .as_ref()
            .map_or_else(String::new, |m| format!("Linky {m}, "))
    };
    match line {
        EnergyLine::Yesterday { meter, wh } => {
            let who = who(meter);
            if who.is_empty() {
                format!("Yesterday: {} kWh", kwh(*wh, false))
            } else {
                format!("{who}yesterday: {} kWh", kwh(*wh, false))
            }
        }
        EnergyLine::Day { meter, date, wh } => {
            format!("{}{date}: {} kWh", who(meter), kwh(*wh, false))
        }
        EnergyLine::Relink { meter } => match meter {
            Some(meter) => format!("Linky {meter}: relink needed"),
            None => "Linky: relink needed".to_owned(),
        },
    }
}

fn energy_fr(line: &EnergyLine) -> String {
    let who = |meter: &Option<String>| {
        meter
            .as_ref()
            .map_or_else(String::new, |m| format!("Linky {m}, "))
    };
    match line {
        EnergyLine::Yesterday { meter, wh } => {
            let who = who(meter);
            if who.is_empty() {
                format!("Hier\u{a0}: {}\u{a0}kWh", kwh(*wh, true))
            } else {
                format!("{who}hier\u{a0}: {}\u{a0}kWh", kwh(*wh, true))
            }
        }
        EnergyLine::Day { meter, date, wh } => {
            format!("{}{date}\u{a0}: {}\u{a0}kWh", who(meter), kwh(*wh, true))
        }
        EnergyLine::Relink { meter } => match meter {
            Some(meter) => format!("Linky {meter}\u{a0}: à relier de nouveau"),
            None => "Linky\u{a0}: à relier de nouveau".to_owned(),
        },
    }
}

fn away_en(bridge: &str) -> String {
    format!("{bridge}: away, through the Hue cloud")
}

fn scene_en(scene: &str, group: Option<&str>) -> String {
    match group {
        Some(group) => format!("{scene} ({group})"),
        None => format!("{scene} (scene)"),
    }
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
    favourites: "Favourites",
    scene: scene_en,
    rooms: "Rooms",
    zones: "Zones",
    all_off: "All off",
    quit: "Quit",
    starting: "Hearth",
    no_bridge: "Hearth: no bridge yet",
    every_light_off: "Hearth: every light is off",
    lights_on: lights_on_en,
    energy: energy_en,
    tempo: tempo_en,
};

// French typography, as in the window: a no-break space (U+00A0) before `:` (and a narrow one,
// U+202F, before `;` `?` `!`, which the tray does not use).
fn away_fr(bridge: &str) -> String {
    format!("{bridge}\u{a0}: à distance, par le cloud Hue")
}

fn scene_fr(scene: &str, group: Option<&str>) -> String {
    match group {
        Some(group) => format!("{scene} ({group})"),
        None => format!("{scene} (scène)"),
    }
}

fn lights_on_fr(count: usize) -> String {
    // French puts 0 and 1 in the singular; the tooltip is only asked for one or more.
    if count <= 1 {
        format!("Hearth\u{a0}: {count} lumière allumée")
    } else {
        format!("Hearth\u{a0}: {count} lumières allumées")
    }
}

pub const FRENCH: TrayTexts = TrayTexts {
    open: "Ouvrir Hearth",
    demo: "Démo\u{a0}: un pont simulé",
    away: away_fr,
    favourites: "Favoris",
    scene: scene_fr,
    rooms: "Pièces",
    zones: "Zones",
    all_off: "Éteindre tout",
    quit: "Quitter",
    starting: "Hearth",
    no_bridge: "Hearth\u{a0}: aucun pont pour l’instant",
    every_light_off: "Hearth\u{a0}: toutes les lumières sont éteintes",
    lights_on: lights_on_fr,
    energy: energy_fr,
    tempo: tempo_fr,
};

#[cfg(test)]
pub(crate) mod tests {
    use super::{Language, LanguageChoice};

    /// An environment of `pairs`, for functions that read variables through a lookup.
    pub(crate) fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            pairs
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        }
    }

    #[test]
    fn the_system_language_follows_posix_precedence() {
        use Language::{English, French};
        assert_eq!(Language::from_env(env(&[("LANG", "fr_FR.UTF-8")])), French);
        assert_eq!(Language::from_env(env(&[("LANG", "en_US.UTF-8")])), English);
        assert_eq!(Language::from_env(env(&[])), English);
        assert_eq!(Language::from_env(env(&[("LANG", "C")])), English);
        assert_eq!(
            Language::from_env(env(&[("LANG", "en_GB.UTF-8"), ("LC_MESSAGES", "fr_CA")])),
            French
        );
        assert_eq!(
            Language::from_env(env(&[("LC_MESSAGES", "fr_FR"), ("LC_ALL", "en_US")])),
            English
        );
        // An empty variable is no choice: the next one decides.
        assert_eq!(
            Language::from_env(env(&[("LC_ALL", ""), ("LANG", "fr_BE.UTF-8")])),
            French
        );
        assert_eq!(Language::of_locale("fr-CA"), French);
        assert_eq!(Language::of_locale("FR"), French);
        assert_eq!(Language::of_locale("fy_NL"), English);
    }

    #[test]
    fn a_choice_overrides_the_system() {
        use Language::{English, French};
        assert_eq!(Language::chosen(LanguageChoice::System, French), French);
        assert_eq!(Language::chosen(LanguageChoice::System, English), English);
        assert_eq!(Language::chosen(LanguageChoice::En, French), English);
        assert_eq!(Language::chosen(LanguageChoice::Fr, English), French);
    }

    /// Every table fills every line (the struct makes that a compile error), and no line was
    /// left in another language by copy and paste.
    #[test]
    fn each_language_has_its_own_words() {
        let (en, fr) = (Language::English.tray(), Language::French.tray());
        for (english, french) in [
            (en.open, fr.open),
            (en.demo, fr.demo),
            (en.favourites, fr.favourites),
            (en.rooms, fr.rooms),
            (en.all_off, fr.all_off),
            (en.quit, fr.quit),
            (en.no_bridge, fr.no_bridge),
            (en.every_light_off, fr.every_light_off),
        ] {
            assert!(!french.is_empty());
            assert_ne!(english, french);
        }
        assert_eq!((fr.lights_on)(1), "Hearth\u{a0}: 1 lumière allumée");
        assert_eq!((fr.lights_on)(3), "Hearth\u{a0}: 3 lumières allumées");
        assert_eq!((en.lights_on)(3), "Hearth: 3 lights on");
        assert_eq!((en.scene)("Relax", Some("Kitchen")), "Relax (Kitchen)");
        assert_ne!((en.scene)("Relax", None), (fr.scene)("Relax", None));
        assert_eq!(
            (fr.away)("Salon"),
            "Salon\u{a0}: à distance, par le cloud Hue"
        );

        let (en, fr) = (
            Language::English.notifications(),
            Language::French.notifications(),
        );
        for (english, french) in [
            (en.relink_title, fr.relink_title),
            (en.relink_body, fr.relink_body),
            (en.unreachable_body, fr.unreachable_body),
            (en.back_body, fr.back_body),
        ] {
            assert!(!french.is_empty());
            assert_ne!(english, french);
        }
        assert_eq!((en.unreachable_title)("Hall"), "Hall is out of reach");
        assert_eq!((fr.unreachable_title)("Salon"), "Salon est injoignable");
        assert_eq!((fr.back_title)("Salon"), "Salon répond de nouveau");
        assert_ne!(en.energy_relink_body, fr.energy_relink_body);
        assert_ne!(en.red_day_title, fr.red_day_title);
        assert_ne!(en.red_day_body, fr.red_day_body);
        assert!(en.red_day_body.contains("06:00"), "{}", en.red_day_body);
        assert_eq!(
            (fr.energy_relink_title)("22516914714270"),
            "Linky 22516914714270\u{a0}: à relier de nouveau"
        );
    }

    #[test]
    fn energy_lines_in_both_languages() {
        use super::EnergyLine;

        let (en, fr) = (Language::English.tray(), Language::French.tray());
        let yesterday = EnergyLine::Yesterday {
            meter: None,
            wh: 12_449,
        };
        assert_eq!((en.energy)(&yesterday), "Yesterday: 12.4 kWh");
        assert_eq!((fr.energy)(&yesterday), "Hier\u{a0}: 12,4\u{a0}kWh");
        let two = EnergyLine::Yesterday {
            meter: Some("…4270".to_owned()),
            wh: 9_000,
        };
        assert_eq!((en.energy)(&two), "Linky …4270, yesterday: 9.0 kWh");
        let older = EnergyLine::Day {
            meter: None,
            date: "2026-11-26".to_owned(),
            wh: 500,
        };
        assert_eq!((en.energy)(&older), "2026-11-26: 0.5 kWh");
        let relink = EnergyLine::Relink { meter: None };
        assert_eq!((en.energy)(&relink), "Linky: relink needed");
        assert_eq!((fr.energy)(&relink), "Linky\u{a0}: à relier de nouveau");
    }

    #[test]
    fn tempo_lines_in_both_languages() {
        use super::TempoLine;
        use hearth_tariff::Color;

        let (en, fr) = (Language::English.tray(), Language::French.tray());
        assert_eq!(
            (en.tempo)(TempoLine::Today(Some(Color::Blue))),
            "Tempo today: Blue"
        );
        assert_eq!(
            (en.tempo)(TempoLine::Tomorrow(Some(Color::Red))),
            "Tempo tomorrow: Red"
        );
        assert_eq!(
            (en.tempo)(TempoLine::Tomorrow(None)),
            "Tempo tomorrow: not published yet"
        );
        assert_eq!(
            (fr.tempo)(TempoLine::Tomorrow(Some(Color::White))),
            "Tempo demain\u{a0}: Blanc"
        );
        assert_eq!(
            (fr.tempo)(TempoLine::Tomorrow(None)),
            "Tempo demain\u{a0}: pas encore publié"
        );
        assert_eq!(
            (fr.tempo)(TempoLine::Today(Some(Color::Red))),
            "Tempo aujourd’hui\u{a0}: Rouge"
        );
        assert_ne!(
            (en.tempo)(TempoLine::Today(None)),
            (fr.tempo)(TempoLine::Today(None))
        );
    }
}
