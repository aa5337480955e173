//! The tray icon and its menu. Linux emits no click events for tray icons, so everything the tray
//! offers lives in its menu.

use tauri::image::Image;
use tauri::menu::{Menu, MenuEvent, MenuId, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Runtime};

const TRAY_ID: &str = "hearth";

/// The tray menu's items. Menu ids are strings on the wire; this enum is the only place they are
/// spelled, so that a click can never be routed by a typo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrayItem {
    Open,
    Quit,
}

impl TrayItem {
    const ALL: [Self; 2] = [Self::Open, Self::Quit];

    fn id(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Quit => "quit",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::Open => "Open Hearth",
            Self::Quit => "Quit",
        }
    }
}

impl From<TrayItem> for MenuId {
    fn from(item: TrayItem) -> Self {
        MenuId::new(item.id())
    }
}

impl TryFrom<&MenuId> for TrayItem {
    type Error = ();

    fn try_from(id: &MenuId) -> Result<Self, ()> {
        Self::ALL
            .into_iter()
            .find(|item| item.id() == id.as_ref())
            .ok_or(())
    }
}

/// The icon shown while every light is off (the only state until bridges are known).
fn icon_off() -> tauri::Result<Image<'static>> {
    Image::from_bytes(include_bytes!("../../icons/tray-off.png"))
}

/// The tray as a plugin, so that `run()` adds it and the tests' mock runtime (which has no GTK
/// for menus) can leave it out.
pub fn plugin<R: Runtime>() -> tauri::plugin::TauriPlugin<R> {
    tauri::plugin::Builder::new("hearth-tray")
        .setup(|app, _api| {
            create(app)?;
            Ok(())
        })
        .build()
}

fn create<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    let open = MenuItem::with_id(
        app,
        TrayItem::Open,
        TrayItem::Open.label(),
        true,
        None::<&str>,
    )?;
    let quit = MenuItem::with_id(
        app,
        TrayItem::Quit,
        TrayItem::Quit.label(),
        true,
        None::<&str>,
    )?;
    let separator = PredefinedMenuItem::separator(app)?;
    let menu = Menu::with_items(app, &[&open, &separator, &quit])?;
    TrayIconBuilder::with_id(TRAY_ID)
        .icon(icon_off()?)
        .tooltip("Hearth")
        .menu(&menu)
        .show_menu_on_left_click(true)
        .on_menu_event(on_menu_event)
        .build(app)?;
    Ok(())
}

fn on_menu_event<R: Runtime>(app: &AppHandle<R>, event: MenuEvent) {
    match TrayItem::try_from(event.id()) {
        Ok(TrayItem::Open) => crate::show_main_window(app),
        Ok(TrayItem::Quit) => app.exit(0),
        Err(()) => log::warn!("unknown tray menu item {:?}", event.id().as_ref()),
    }
}

/// The tray exists and has a menu: the app stays reachable with its window hidden.
pub fn is_present<R: Runtime>(app: &AppHandle<R>) -> bool {
    app.tray_by_id(TRAY_ID).is_some()
}

#[cfg(test)]
mod tests {
    use tauri::menu::MenuId;

    use super::TrayItem;

    #[test]
    fn menu_ids_round_trip() {
        for item in TrayItem::ALL {
            assert_eq!(TrayItem::try_from(&MenuId::from(item)), Ok(item));
        }
        assert_eq!(TrayItem::try_from(&MenuId::new("quit ")), Err(()));
        assert_eq!(TrayItem::try_from(&MenuId::new("")), Err(()));
    }

    #[test]
    fn ids_are_unique() {
        let mut ids: Vec<_> = TrayItem::ALL.iter().map(|item| item.id()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), TrayItem::ALL.len());
    }
}
