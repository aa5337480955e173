//! The tray icon and its menu. Linux emits no click events for tray icons, so everything the tray
//! offers lives in its menu: a check item per room and zone that toggles it and follows its live
//! state, *All off*, and the window.
//!
//! The user's favourites come first, in a section of their own right under *Open Hearth*: the
//! starred rooms and zones (check items, as below) and the starred scenes (one click recalls
//! one). A starred room is not repeated under *Rooms*: one item per room, so that a room has one
//! check mark to read and the menu is no longer than it was. A section rather than starred rooms
//! sorted first among the others because scenes belong with them: what is used every day is
//! together at the top, in the place the pointer reaches first, whatever it is.
//!
//! The menu is computed from the home's snapshot as a plain [`TrayModel`], and a [`TraySink`]
//! shows it. The real sink is the tray; tests use one that records, so that the sync can be
//! tested on the mock runtime, which has no GTK for menus.

use std::collections::HashMap;
use std::sync::Arc;

use hearth_core::energy::{EnergyView, MeterState};
use hearth_core::home::{Home, HomeStatus};
use hearth_core::lights::{GroupView, Snapshot, Target, TargetKind, Via};
use tauri::image::Image;
use tauri::menu::{
    CheckMenuItem, IsMenuItem, Menu, MenuEvent, MenuId, MenuItem, PredefinedMenuItem,
};
use tauri::tray::{TrayIcon, TrayIconBuilder};
use tauri::{AppHandle, Manager, Runtime};
use tokio::sync::{Notify, watch};

use crate::language::Languages;
use crate::texts::{EnergyLine, Language, TempoLine, TrayTexts};

const TRAY_ID: &str = "hearth";

/// The tray menu's items. Menu ids are strings on the wire; this enum is the only place they are
/// spelled, so that a click can never be routed by a typo.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TrayItem {
    Open,
    Quit,
    AllOff,
    /// A room or a zone (the tray works on groups; a light would round-trip too).
    Toggle(Target),
    /// Recalls a scene, by id.
    Scene(String),
    /// A meter's line, or a Tempo colour: opens the energy screen.
    Energy,
}

impl TrayItem {
    fn id(&self) -> String {
        match self {
            Self::Open => "open".to_owned(),
            Self::Quit => "quit".to_owned(),
            Self::AllOff => "all-off".to_owned(),
            Self::Energy => "energy".to_owned(),
            Self::Toggle(target) => format!("{}:{}", kind_word(target.kind), target.id),
            Self::Scene(id) => format!("scene:{id}"),
        }
    }
}

/// Every kind of target, for reading ids back.
const KINDS: [TargetKind; 3] = [TargetKind::Light, TargetKind::Room, TargetKind::Zone];

fn kind_word(kind: TargetKind) -> &'static str {
    match kind {
        TargetKind::Light => "light",
        TargetKind::Room => "room",
        TargetKind::Zone => "zone",
    }
}

impl From<&TrayItem> for MenuId {
    fn from(item: &TrayItem) -> Self {
        MenuId::new(item.id())
    }
}

impl TryFrom<&MenuId> for TrayItem {
    type Error = ();

    fn try_from(id: &MenuId) -> Result<Self, ()> {
        match id.as_ref() {
            "open" => Ok(Self::Open),
            "quit" => Ok(Self::Quit),
            "all-off" => Ok(Self::AllOff),
            "energy" => Ok(Self::Energy),
            other => {
                // Whatever `id()` writes reads back: the word is one of `kind_word`'s.
                let (word, id) = other.split_once(':').ok_or(())?;
                if id.is_empty() {
                    return Err(());
                }
                if word == "scene" {
                    return Ok(Self::Scene(id.to_owned()));
                }
                let kind = KINDS
                    .into_iter()
                    .find(|kind| kind_word(*kind) == word)
                    .ok_or(())?;
                Ok(Self::Toggle(Target {
                    kind,
                    id: id.to_owned(),
                }))
            }
        }
    }
}

/// One line of the menu.
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    Item {
        item: TrayItem,
        label: String,
        enabled: bool,
    },
    Check {
        item: TrayItem,
        label: String,
        checked: bool,
    },
    /// A line of text that does nothing (a section title, a status).
    Note(String),
    Separator,
}

/// The whole tray: its menu, whether any light is on (the icon), and its tooltip.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TrayModel {
    pub entries: Vec<Entry>,
    pub any_on: bool,
    pub tooltip: String,
}

impl TrayModel {
    /// Everything but the check marks: when only those change, the menu is updated in place.
    fn shape(&self) -> Vec<Entry> {
        self.entries
            .iter()
            .map(|entry| match entry {
                Entry::Check { item, label, .. } => Entry::Check {
                    item: item.clone(),
                    label: label.clone(),
                    checked: false,
                },
                other => other.clone(),
            })
            .collect()
    }

    fn checks(&self) -> impl Iterator<Item = (&TrayItem, bool)> {
        self.entries.iter().filter_map(|entry| match entry {
            Entry::Check { item, checked, .. } => Some((item, *checked)),
            _ => None,
        })
    }
}

/// The tray for a snapshot of the home, in the words of `texts`.
pub fn model(snapshot: &Snapshot, status: &HomeStatus, texts: &TrayTexts) -> TrayModel {
    let mut entries = vec![Entry::Item {
        item: TrayItem::Open,
        label: texts.open.to_owned(),
        enabled: true,
    }];
    if status.demo {
        entries.push(Entry::Note(texts.demo.to_owned()));
    }
    // Which way each bridge is reached, when it is not the usual one.
    entries.extend(
        snapshot
            .bridges
            .iter()
            .filter(|bridge| bridge.via == Via::Remote)
            .map(|bridge| Entry::Note((texts.away)(&bridge.name))),
    );
    let check = |group: &GroupView| Entry::Check {
        item: TrayItem::Toggle(group.target()),
        label: group.name.clone(),
        checked: group.on,
    };
    let favourite_groups = snapshot
        .rooms
        .iter()
        .chain(&snapshot.zones)
        .filter(|group| group.favourite);
    let favourite_scenes = snapshot.scenes.iter().filter(|scene| scene.favourite);
    let mut favourites: Vec<Entry> = favourite_groups.map(check).collect();
    favourites.extend(favourite_scenes.map(|scene| Entry::Item {
        item: TrayItem::Scene(scene.id.clone()),
        label: (texts.scene)(&scene.name, scene.group_name.as_deref()),
        enabled: true,
    }));
    let mut section = |title: &str, items: Vec<Entry>| {
        if !items.is_empty() {
            entries.push(Entry::Separator);
            entries.push(Entry::Note(title.to_owned()));
            entries.extend(items);
        }
    };
    section(texts.favourites, favourites);
    let others = |groups: &[GroupView]| -> Vec<Entry> {
        groups
            .iter()
            .filter(|group| !group.favourite)
            .map(check)
            .collect()
    };
    section(texts.rooms, others(&snapshot.rooms));
    section(texts.zones, others(&snapshot.zones));
    let lights_on = snapshot.lights.iter().filter(|light| light.on).count();
    if !snapshot.bridges.is_empty() {
        entries.push(Entry::Separator);
        entries.push(Entry::Item {
            item: TrayItem::AllOff,
            label: texts.all_off.to_owned(),
            enabled: lights_on > 0,
        });
    }
    entries.push(Entry::Separator);
    entries.push(Entry::Item {
        item: TrayItem::Quit,
        label: texts.quit.to_owned(),
        enabled: true,
    });
    let tooltip = match (snapshot.bridges.is_empty(), lights_on) {
        (true, _) => texts.no_bridge.to_owned(),
        (false, 0) => texts.every_light_off.to_owned(),
        (false, n) => (texts.lights_on)(n),
    };
    TrayModel {
        entries,
        any_on: lights_on > 0,
        tooltip,
    }
}

/// One line per linked meter ("Yesterday: 12.4 kWh", "Linky: relink needed"), each opening the
/// energy screen; `yesterday` is the French day before today (`YYYY-MM-DD`).
pub fn energy_entries(view: &EnergyView, yesterday: &str, texts: &TrayTexts) -> Vec<Entry> {
    let several = view.meters.len() > 1;
    view.meters
        .iter()
        .filter_map(|meter| {
            // The end of the PRM tells a household's meters apart without spelling all 14 digits.
            let name = several.then(|| {
                let tail = meter.prm.len().saturating_sub(4);
                format!("…{}", meter.prm.get(tail..).unwrap_or(&meter.prm))
            });
            let line = match (&meter.state, &meter.data_until, meter.last_day_wh) {
                (MeterState::NeedsRelink, _, _) => EnergyLine::Relink { meter: name },
                (_, Some(day), Some(wh)) if day == yesterday => {
                    EnergyLine::Yesterday { meter: name, wh }
                }
                (_, Some(day), Some(wh)) => EnergyLine::Day {
                    meter: name,
                    date: day.clone(),
                    wh,
                },
                // Nothing synced yet: no line rather than a line saying nothing.
                _ => return None,
            };
            Some(Entry::Item {
                item: TrayItem::Energy,
                label: (texts.energy)(&line),
                enabled: true,
            })
        })
        .collect()
}

/// The French day before today, as the energy views write days.
fn french_yesterday() -> String {
    let zone = jiff::tz::TimeZone::get("Europe/Paris").unwrap_or(jiff::tz::TimeZone::UTC);
    let today = jiff::Timestamp::now().to_zoned(zone).date();
    today
        .yesterday()
        .map_or_else(|_| String::new(), |day| day.to_string())
}

/// Today's and tomorrow's Tempo colours, when the energy view shows them (a meter's offer is
/// Tempo, or the user asked for them), each opening the energy screen.
pub fn tempo_entries(view: &EnergyView, texts: &TrayTexts) -> Vec<Entry> {
    let Some(tempo) = &view.tempo else {
        return Vec::new();
    };
    [
        TempoLine::Today(tempo.today.color),
        TempoLine::Tomorrow(tempo.tomorrow.color),
    ]
    .into_iter()
    .map(|line| Entry::Item {
        item: TrayItem::Energy,
        label: (texts.tempo)(line),
        enabled: true,
    })
    .collect()
}

/// `model`'s menu with the meters' lines and the Tempo colours in a section under *Open
/// Hearth*.
fn with_energy(mut tray: TrayModel, view: Option<&EnergyView>, texts: &TrayTexts) -> TrayModel {
    let Some(view) = view else {
        return tray;
    };
    let mut lines = energy_entries(view, &french_yesterday(), texts);
    lines.extend(tempo_entries(view, texts));
    if lines.is_empty() {
        return tray;
    }
    let at = tray
        .entries
        .iter()
        .position(|entry| *entry == Entry::Separator)
        .unwrap_or(tray.entries.len());
    let mut section = vec![Entry::Separator];
    section.extend(lines);
    tray.entries.splice(at..at, section);
    tray
}

/// Where a [`TrayModel`] is shown.
pub trait TraySink: Send + 'static {
    /// Shows `model`. `previous` is what was shown before (`None` the first time and when the
    /// sink must redo everything, after a click whose command failed).
    fn show(&mut self, model: &TrayModel, previous: Option<&TrayModel>);
}

/// Keeps `sink` showing the home in the language of `language`: at once, after every change of
/// either, and whenever `resync` is notified. Runs until the home is gone.
pub async fn follow(
    home: Home,
    mut language: watch::Receiver<Language>,
    mut energy: watch::Receiver<Option<EnergyView>>,
    resync: Arc<Notify>,
    mut sink: impl TraySink,
) {
    let mut snapshots = home.subscribe();
    let mut status = home.subscribe_status();
    drop(home);
    let mut shown: Option<TrayModel> = None;
    let mut redo = true;
    loop {
        let texts = language.borrow_and_update().tray();
        let current = with_energy(
            model(
                &snapshots.borrow_and_update(),
                &status.borrow_and_update(),
                texts,
            ),
            energy.borrow_and_update().as_ref(),
            texts,
        );
        if redo || shown.as_ref() != Some(&current) {
            sink.show(&current, if redo { None } else { shown.as_ref() });
            shown = Some(current);
        }
        redo = tokio::select! {
            changed = snapshots.changed() => if changed.is_err() { return } else { false },
            changed = status.changed() => if changed.is_err() { return } else { false },
            changed = language.changed() => if changed.is_err() { return } else { false },
            changed = energy.changed() => if changed.is_err() { return } else { false },
            () = resync.notified() => true,
        };
    }
}

/// Asks the tray to redo its menu from the current state.
#[derive(Default)]
pub struct Resync(pub Arc<Notify>);

/// The tray as a plugin, so that `run()` adds it and the tests' mock runtime (which has no GTK
/// for menus) can leave it out.
pub fn plugin<R: Runtime>() -> tauri::plugin::TauriPlugin<R> {
    tauri::plugin::Builder::new("hearth-tray")
        .setup(|app, _api| {
            let tray = TrayIconBuilder::with_id(TRAY_ID)
                .icon(icon(false)?)
                .tooltip(
                    app.state::<Languages>()
                        .subscribe()
                        .borrow()
                        .tray()
                        .starting,
                )
                .show_menu_on_left_click(true)
                .on_menu_event(on_menu_event)
                .build(app)?;
            let home = app.state::<Home>().inner().clone();
            let resync = Arc::clone(&app.state::<Resync>().0);
            let language = app.state::<Languages>().subscribe();
            let energy = app.state::<crate::energy::EnergyState>().subscribe_view();
            let sink = MenuSink {
                app: app.clone(),
                tray,
                checks: HashMap::new(),
            };
            tauri::async_runtime::spawn(follow(home, language, energy, resync, sink));
            Ok(())
        })
        .build()
}

fn icon(on: bool) -> tauri::Result<Image<'static>> {
    if on {
        Image::from_bytes(include_bytes!("../../icons/tray-on.png"))
    } else {
        Image::from_bytes(include_bytes!("../../icons/tray-off.png"))
    }
}

/// The real tray.
struct MenuSink<R: Runtime> {
    app: AppHandle<R>,
    tray: TrayIcon<R>,
    checks: HashMap<TrayItem, CheckMenuItem<R>>,
}

impl<R: Runtime> MenuSink<R> {
    fn rebuild(&mut self, model: &TrayModel) -> tauri::Result<()> {
        let app = &self.app;
        let mut items: Vec<Box<dyn IsMenuItem<R>>> = Vec::new();
        self.checks.clear();
        for entry in &model.entries {
            match entry {
                Entry::Item {
                    item,
                    label,
                    enabled,
                } => items.push(Box::new(MenuItem::with_id(
                    app,
                    item,
                    label,
                    *enabled,
                    None::<&str>,
                )?)),
                Entry::Check {
                    item,
                    label,
                    checked,
                } => {
                    let check =
                        CheckMenuItem::with_id(app, item, label, true, *checked, None::<&str>)?;
                    self.checks.insert(item.clone(), check.clone());
                    items.push(Box::new(check));
                }
                Entry::Note(text) => {
                    items.push(Box::new(MenuItem::new(app, text, false, None::<&str>)?));
                }
                Entry::Separator => items.push(Box::new(PredefinedMenuItem::separator(app)?)),
            }
        }
        let refs: Vec<&dyn IsMenuItem<R>> = items.iter().map(AsRef::as_ref).collect();
        self.tray.set_menu(Some(Menu::with_items(app, &refs)?))
    }

    fn update(&mut self, model: &TrayModel, previous: Option<&TrayModel>) -> tauri::Result<()> {
        match previous {
            Some(previous) if previous.shape() == model.shape() => {
                for (item, checked) in model.checks() {
                    if let Some(check) = self.checks.get(item) {
                        check.set_checked(checked)?;
                    }
                }
            }
            _ => self.rebuild(model)?,
        }
        if previous.is_none_or(|previous| previous.any_on != model.any_on) {
            self.tray.set_icon(Some(icon(model.any_on)?))?;
        }
        self.tray.set_tooltip(Some(&model.tooltip))
    }
}

impl<R: Runtime> TraySink for MenuSink<R> {
    fn show(&mut self, model: &TrayModel, previous: Option<&TrayModel>) {
        if let Err(err) = self.update(model, previous) {
            log::warn!("could not update the tray: {err}");
        }
    }
}

fn on_menu_event<R: Runtime>(app: &AppHandle<R>, event: MenuEvent) {
    let Ok(item) = TrayItem::try_from(event.id()) else {
        log::warn!("unknown tray menu item {:?}", event.id().as_ref());
        return;
    };
    match item {
        TrayItem::Open => crate::show_main_window(app),
        TrayItem::Energy => crate::energy::show_screen(app),
        TrayItem::Quit => app.exit(0),
        TrayItem::AllOff | TrayItem::Toggle(_) | TrayItem::Scene(_) => {
            let app = app.clone();
            tauri::async_runtime::spawn(async move {
                let home = app.state::<Home>().inner().clone();
                let result = match home.lights() {
                    Ok(lights) => match &item {
                        TrayItem::Toggle(target) => lights.toggle(target).await.map(drop),
                        TrayItem::Scene(id) => lights.recall_scene(id).await,
                        _ => lights.all_off().await,
                    },
                    Err(err) => Err(err),
                };
                if let Err(err) = result {
                    log::warn!("the tray's {} failed: {err}", item.id());
                    crate::notify(&app, &crate::CommandError::from(err));
                }
                // A check item ticks itself when clicked; show the bridge's word instead.
                app.state::<Resync>().0.notify_one();
            });
        }
    }
}

/// The tray exists and the desktop shows it: the app stays reachable with its window hidden.
pub fn is_present<R: Runtime>(app: &AppHandle<R>) -> bool {
    app.tray_by_id(TRAY_ID).is_some() && host::shows_trays()
}

#[cfg(target_os = "linux")]
mod host {
    /// libayatana-appindicator exports the tray on the session bus whether or not anything shows
    /// it (GNOME without its AppIndicator extension shows nothing): what shows it is a
    /// StatusNotifierWatcher with a host registered. Desktops that draw only XEmbed trays count as
    /// having none, which costs them hiding to the tray, never the way back to the window.
    pub fn shows_trays() -> bool {
        let ask = || -> zbus::Result<bool> {
            let connection = zbus::blocking::Connection::session()?;
            let properties = zbus::blocking::fdo::PropertiesProxy::builder(&connection)
                .destination("org.kde.StatusNotifierWatcher")?
                .path("/StatusNotifierWatcher")?
                .build()?;
            let registered = properties.get(
                zbus::names::InterfaceName::from_static_str_unchecked(
                    "org.kde.StatusNotifierWatcher",
                ),
                "IsStatusNotifierHostRegistered",
            )?;
            Ok(bool::try_from(registered)?)
        };
        ask().unwrap_or_else(|err| {
            log::info!("no tray host on the session bus: {err}");
            false
        })
    }
}

#[cfg(not(target_os = "linux"))]
mod host {
    /// Windows' notification area and macOS's menu bar are always there.
    pub fn shows_trays() -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use hearth_core::home::HomeStatus;
    use hearth_core::lights::{
        BridgeView, ConnectionState, GroupView, Snapshot, Target, TargetKind, Via,
    };
    use tauri::menu::MenuId;

    use super::{Entry, KINDS, TrayItem, model};
    use crate::texts::ENGLISH;

    /// Every item the tray can build reads back as itself: the three fixed ones, and a toggle of
    /// every kind of target (lights too: `GroupView::target` can carry any kind) with ids of every
    /// shape the bridge may send.
    #[test]
    fn every_menu_id_the_tray_builds_round_trips() {
        // A new kind of target does not compile here until it is in `KINDS`.
        let listed = |kind: TargetKind| match kind {
            TargetKind::Light | TargetKind::Room | TargetKind::Zone => KINDS.contains(&kind),
        };
        assert!(KINDS.into_iter().all(listed));
        let ids = [
            "7c1e",
            "a:b",
            "::",
            " ",
            "3f1c8b2a-6d5e-4f7a-9b1c-2d3e4f5a6b7c",
            "pièce",
        ];
        let mut items = vec![
            TrayItem::Open,
            TrayItem::Quit,
            TrayItem::AllOff,
            TrayItem::Energy,
        ];
        for kind in [TargetKind::Light, TargetKind::Room, TargetKind::Zone] {
            for id in ids {
                items.push(TrayItem::Toggle(Target {
                    kind,
                    id: id.to_owned(),
                }));
            }
        }
        items.extend(ids.map(|id| TrayItem::Scene(id.to_owned())));
        for item in items {
            assert_eq!(
                TrayItem::try_from(&MenuId::from(&item)),
                Ok(item.clone()),
                "{:?}",
                MenuId::from(&item)
            );
        }
        for bad in [
            "quit ", "", "room:", "light:", "scene:", "scene", "zone", "Room:1",
        ] {
            assert_eq!(TrayItem::try_from(&MenuId::new(bad)), Err(()), "{bad:?}");
        }
    }

    /// And so does every item of a real menu, lights included where a group says it is one.
    #[test]
    fn every_item_of_a_menu_round_trips() {
        let group = |kind, id: &str, name: &str| GroupView {
            id: id.to_owned(),
            bridge_id: "b".to_owned(),
            kind,
            name: name.to_owned(),
            archetype: None,
            on: true,
            brightness: None,
            lights: Vec::new(),
            capabilities: hearth_core::lights::Capabilities::default(),
            favourite: false,
        };
        let snapshot = Snapshot {
            bridges: vec![BridgeView {
                id: "b".to_owned(),
                name: "Bridge".to_owned(),
                address: String::new(),
                connection: ConnectionState::Live,
                via: Via::Remote,
                remote_available: true,
                certificate: None,
            }],
            rooms: vec![
                group(TargetKind::Room, "r:1", "Kitchen"),
                group(TargetKind::Room, "r2", "Living room"),
            ],
            zones: vec![group(TargetKind::Zone, "z1", "Downstairs")],
            ..Snapshot::default()
        };
        let mut odd = snapshot.clone();
        for group in &mut odd.rooms {
            group.kind = TargetKind::Light;
        }
        for snapshot in [snapshot, odd] {
            let tray = model(&snapshot, &HomeStatus::default(), &ENGLISH);
            let items: Vec<&TrayItem> = tray
                .entries
                .iter()
                .filter_map(|entry| match entry {
                    Entry::Item { item, .. } | Entry::Check { item, .. } => Some(item),
                    _ => None,
                })
                .collect();
            assert!(items.len() > 3, "{items:?}");
            for item in items {
                assert_eq!(TrayItem::try_from(&MenuId::from(item)).as_ref(), Ok(item));
            }
        }
    }

    /// The starred rooms, zones and scenes in a section of their own at the top, in French as in
    /// English; a starred room is not repeated among the others, and every scene item recalls
    /// its scene.
    #[test]
    fn favourites_come_first_in_a_section_of_their_own() {
        use hearth_core::lights::{Capabilities, SceneView};

        let group = |kind, id: &str, name: &str, favourite| GroupView {
            id: id.to_owned(),
            bridge_id: "b".to_owned(),
            kind,
            name: name.to_owned(),
            archetype: None,
            on: id == "r2",
            brightness: None,
            lights: Vec::new(),
            capabilities: Capabilities::default(),
            favourite,
        };
        let scene = |id: &str, name: &str, room: Option<&str>, favourite| SceneView {
            id: id.to_owned(),
            bridge_id: "b".to_owned(),
            name: name.to_owned(),
            group: room.map(|_| Target::room("r1")),
            group_name: room.map(str::to_owned),
            active: false,
            favourite,
        };
        let snapshot = Snapshot {
            bridges: vec![BridgeView {
                id: "b".to_owned(),
                name: "Bridge".to_owned(),
                address: "127.0.0.1:1".to_owned(),
                connection: ConnectionState::Live,
                via: Via::Local,
                remote_available: false,
                certificate: None,
            }],
            rooms: vec![
                group(TargetKind::Room, "r1", "Kitchen", false),
                group(TargetKind::Room, "r2", "Living room", true),
            ],
            zones: vec![group(TargetKind::Zone, "z1", "Downstairs", true)],
            scenes: vec![
                scene("s1", "Bright", Some("Kitchen"), false),
                scene("s2", "Relax", Some("Kitchen"), true),
                scene("s3", "Night", None, true),
            ],
            ..Snapshot::default()
        };
        let lines = |texts| -> Vec<String> {
            model(&snapshot, &HomeStatus::default(), texts)
                .entries
                .iter()
                .map(|entry| match entry {
                    Entry::Item { item, label, .. } => format!("{label} <{}>", item.id()),
                    Entry::Check { label, checked, .. } => {
                        format!("[{}] {label}", u8::from(*checked))
                    }
                    Entry::Note(text) => format!("# {text}"),
                    Entry::Separator => "--".to_owned(),
                })
                .collect()
        };
        expect_test::expect![[r##"
            [
                "Open Hearth <open>",
                "--",
                "# Favourites",
                "[1] Living room",
                "[0] Downstairs",
                "Relax (Kitchen) <scene:s2>",
                "Night (scene) <scene:s3>",
                "--",
                "# Rooms",
                "[0] Kitchen",
                "--",
                "All off <all-off>",
                "--",
                "Quit <quit>",
            ]
        "##]]
        .assert_debug_eq(&lines(&ENGLISH));
        let french = lines(&crate::texts::FRENCH);
        assert_eq!(french[2], "# Favoris");
        assert_eq!(french[6], "Night (scène) <scene:s3>");

        // Nothing starred: no section, every room in its place.
        let mut plain = snapshot.clone();
        plain.rooms.iter_mut().for_each(|g| g.favourite = false);
        plain.zones.iter_mut().for_each(|g| g.favourite = false);
        plain.scenes.iter_mut().for_each(|s| s.favourite = false);
        let tray = model(&plain, &HomeStatus::default(), &ENGLISH);
        assert!(!tray.entries.contains(&Entry::Note("Favourites".to_owned())));
        let checks = tray
            .entries
            .iter()
            .filter(|e| matches!(e, Entry::Check { .. }))
            .count();
        assert_eq!(checks, 3);
    }

    /// One line per meter: yesterday's kWh, an older day's with its date, "relink needed"; none
    /// for a meter with no data yet; the meters told apart when there are several.
    #[test]
    fn each_meter_has_its_line() {
        use hearth_core::energy::{EnergyView, MeterState, MeterView};

        use super::{energy_entries, with_energy};

        let meter = |prm: &str, state, day: Option<&str>, wh| MeterView {
            prm: prm.to_owned(),
            name: None,
            state,
            data_until: day.map(str::to_owned),
            last_day_wh: wh,
            next_sync: None,
            consent_end: None,
            consent_ending_soon: false,
            subscribed_kva: None,
            option: None,
            produces: false,
            load_curve_off: false,
            problem: None,
        };
        let view = |meters| EnergyView {
            proxy: None,
            demo: false,
            link: None,
            meters,
            time_zone: "Europe/Paris".to_owned(),
            tempo: None,
        };
        let labels = |entries: Vec<Entry>| -> Vec<String> {
            entries
                .into_iter()
                .map(|entry| match entry {
                    Entry::Item { item, label, .. } => {
                        assert_eq!(item, TrayItem::Energy);
                        label
                    }
                    other => panic!("{other:?}"),
                })
                .collect()
        };
        let one = view(vec![meter(
            "22516914714270",
            MeterState::Linked,
            Some("2026-11-29"),
            Some(12_449),
        )]);
        assert_eq!(
            labels(energy_entries(&one, "2026-11-29", &ENGLISH)),
            ["Yesterday: 12.4 kWh"]
        );
        let several = view(vec![
            meter(
                "22516914714270",
                MeterState::Linked,
                Some("2026-11-27"),
                Some(8_000),
            ),
            meter("24880057139941", MeterState::NeedsRelink, None, None),
            meter(
                "30000000000001",
                MeterState::Syncing { done: 0, total: 9 },
                None,
                None,
            ),
        ]);
        assert_eq!(
            labels(energy_entries(&several, "2026-11-29", &ENGLISH)),
            [
                "Linky …4270, 2026-11-27: 8.0 kWh",
                "Linky …9941: relink needed"
            ]
        );
        // In the menu: a section right under *Open Hearth*.
        let tray = with_energy(
            model(&Snapshot::default(), &HomeStatus::default(), &ENGLISH),
            Some(&several),
            &ENGLISH,
        );
        assert_eq!(tray.entries[1], Entry::Separator);
        assert!(matches!(
            &tray.entries[2],
            Entry::Item {
                item: TrayItem::Energy,
                ..
            }
        ));
    }

    /// When the view shows Tempo colours: today's and tomorrow's lines (tomorrow "not published
    /// yet" until it is), in French too, each opening the energy screen, after the meters' lines
    /// and there even with no meter line; none when the view shows no colours.
    #[test]
    fn tempo_colours_have_their_lines() {
        use hearth_core::energy::{EnergyView, TempoDay, TempoView};
        use hearth_tariff::Color;

        use super::{tempo_entries, with_energy};

        let view = |tomorrow| EnergyView {
            proxy: None,
            demo: true,
            link: None,
            meters: Vec::new(),
            time_zone: "Europe/Paris".to_owned(),
            tempo: Some(TempoView {
                today: TempoDay {
                    day: "2026-01-14".to_owned(),
                    color: Some(Color::Blue),
                },
                tomorrow: TempoDay {
                    day: "2026-01-15".to_owned(),
                    color: tomorrow,
                },
            }),
        };
        let labels = |entries: Vec<Entry>| -> Vec<String> {
            entries
                .into_iter()
                .filter_map(|entry| match entry {
                    Entry::Item {
                        item: TrayItem::Energy,
                        label,
                        ..
                    } => Some(label),
                    _ => None,
                })
                .collect()
        };
        let published = view(Some(Color::Red));
        assert_eq!(
            labels(tempo_entries(&published, &ENGLISH)),
            ["Tempo today: Blue", "Tempo tomorrow: Red"]
        );
        assert_eq!(
            labels(tempo_entries(&view(None), &crate::texts::FRENCH)),
            [
                "Tempo aujourd\u{2019}hui\u{a0}: Bleu",
                "Tempo demain\u{a0}: pas encore publi\u{e9}"
            ]
        );
        // In the menu, under *Open Hearth*, with no meter line to go with.
        let tray = with_energy(
            model(&Snapshot::default(), &HomeStatus::default(), &ENGLISH),
            Some(&published),
            &ENGLISH,
        );
        assert_eq!(tray.entries[1], Entry::Separator);
        assert_eq!(
            labels(tray.entries.clone()),
            ["Tempo today: Blue", "Tempo tomorrow: Red"]
        );
        // Colours not shown (no Tempo offer, not asked for): no line.
        let hidden = EnergyView {
            tempo: None,
            ..published
        };
        assert!(tempo_entries(&hidden, &ENGLISH).is_empty());
        let tray = with_energy(
            model(&Snapshot::default(), &HomeStatus::default(), &ENGLISH),
            Some(&hidden),
            &ENGLISH,
        );
        assert!(labels(tray.entries).is_empty());
    }

    #[test]
    fn an_empty_home_offers_the_window_and_quit() {
        let tray = model(&Snapshot::default(), &HomeStatus::default(), &ENGLISH);
        let labels: Vec<_> = tray
            .entries
            .iter()
            .filter_map(|entry| match entry {
                Entry::Item { label, .. } => Some(label.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(labels, ["Open Hearth", "Quit"]);
        assert!(!tray.any_on);
        assert_eq!(tray.tooltip, "Hearth: no bridge yet");
    }
}
