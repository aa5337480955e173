//! The real app's tray menu, read and clicked over D-Bus. libayatana-appindicator exports the menu
//! with the dbusmenu protocol on the session bus (even with no tray host to show it), so a test
//! sees exactly what a user's tray would show, and clicks what a user would click. Uses `gdbus`.

use std::process::Output;
use std::time::{Duration, Instant};

use crate::desktop::Desktop;
use crate::{HarnessError, Result};

/// Where Tauri's tray (id `hearth`) exports its menu.
const MENU_PATH: &str = "/org/ayatana/NotificationItem/tray_icon_tray_app_hearth/Menu";

/// One item of the tray menu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrayEntry {
    pub id: i32,
    pub label: String,
    /// `Some` for check items.
    pub checked: Option<bool>,
    pub enabled: bool,
}

/// The tray menu of the one app on a [`Desktop`]'s bus.
pub struct TrayMenu<'a> {
    desktop: &'a Desktop,
    owner: String,
}

impl<'a> TrayMenu<'a> {
    /// Waits for the app's tray menu to appear on the bus.
    pub fn find(desktop: &'a Desktop, timeout: Duration) -> Result<Self> {
        let start = Instant::now();
        loop {
            let mut last = String::from("no names on the bus");
            for name in bus_names(desktop)? {
                let menu = Self {
                    desktop,
                    owner: name,
                };
                match menu.layout() {
                    Ok(_) => return Ok(menu),
                    Err(err) => last = err.to_string(),
                }
            }
            if start.elapsed() > timeout {
                return Err(HarnessError::Timeout {
                    what: format!("the tray menu on the session bus (last answer: {last})"),
                    secs: timeout.as_secs(),
                });
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    fn layout(&self) -> Result<String> {
        // Some services on a desktop bus take the full 25 s D-Bus timeout to refuse a call they
        // do not know: ask briefly.
        gdbus(
            self.desktop,
            &[
                "call",
                "--session",
                "--timeout",
                "3",
                "--dest",
                &self.owner,
                "--object-path",
                MENU_PATH,
                "--method",
                "com.canonical.dbusmenu.GetLayout",
                "--",
                "0",
                "-1",
                "@as []",
            ],
        )
    }

    /// The menu's items, in order.
    pub fn entries(&self) -> Result<Vec<TrayEntry>> {
        Ok(parse_layout(&self.layout()?))
    }

    /// The check mark of the item labelled `label`.
    pub fn checked(&self, label: &str) -> Result<Option<bool>> {
        Ok(self
            .entries()?
            .into_iter()
            .find(|entry| entry.label == label)
            .and_then(|entry| entry.checked))
    }

    /// Clicks the item labelled `label`, as a tray host does when the user picks it.
    pub fn click(&self, label: &str) -> Result<()> {
        let entry = self
            .entries()?
            .into_iter()
            .find(|entry| entry.label == label)
            .ok_or_else(|| HarnessError::Setup(format!("no tray item labelled {label:?}")))?;
        gdbus(
            self.desktop,
            &[
                "call",
                "--session",
                "--dest",
                &self.owner,
                "--object-path",
                MENU_PATH,
                "--method",
                "com.canonical.dbusmenu.Event",
                "--",
                &entry.id.to_string(),
                "clicked",
                "<0>",
                "0",
            ],
        )
        .map(drop)
    }
}

fn bus_names(desktop: &Desktop) -> Result<Vec<String>> {
    let reply = gdbus(
        desktop,
        &[
            "call",
            "--session",
            "--dest",
            "org.freedesktop.DBus",
            "--object-path",
            "/org/freedesktop/DBus",
            "--method",
            "org.freedesktop.DBus.ListNames",
        ],
    )?;
    Ok(reply
        .split('\'')
        .filter(|part| part.starts_with(':'))
        .map(str::to_owned)
        .collect())
}

fn gdbus(desktop: &Desktop, args: &[&str]) -> Result<String> {
    let Output {
        status,
        stdout,
        stderr,
    } = desktop.command("gdbus").args(args).output()?;
    if status.success() {
        Ok(String::from_utf8_lossy(&stdout).into_owned())
    } else {
        Err(HarnessError::Setup(format!(
            "gdbus {}: {}",
            args.get(6).unwrap_or(&""),
            String::from_utf8_lossy(&stderr).trim()
        )))
    }
}

/// Reads the items out of `GetLayout`'s answer in GVariant text form, e.g.
/// `(uint32 3, (0, {…}, [<(6, {'label': <'Open Hearth'>}, @av [])>, …]))`.
fn parse_layout(text: &str) -> Vec<TrayEntry> {
    text.split("<(")
        .skip(1)
        .filter_map(|item| {
            let (id, rest) = item.split_once(", {")?;
            let props = &rest[..rest.find("}, ")?];
            Some(TrayEntry {
                id: id.trim().parse().ok()?,
                label: string_prop(props, "label").unwrap_or_default(),
                checked: number_prop(props, "toggle-state").map(|state| state == 1),
                enabled: !props.contains("'enabled': <false>"),
            })
        })
        .collect()
}

fn string_prop(props: &str, name: &str) -> Option<String> {
    let start = props.find(&format!("'{name}': <'"))? + name.len() + 6;
    let end = start + props[start..].find("'>")?;
    Some(props[start..end].replace("\\'", "'"))
}

fn number_prop(props: &str, name: &str) -> Option<i32> {
    let start = props.find(&format!("'{name}': <"))? + name.len() + 5;
    let end = start + props[start..].find('>')?;
    props[start..end].parse().ok()
}

#[cfg(test)]
mod tests {
    use super::{TrayEntry, parse_layout};

    #[test]
    fn reads_a_real_layout() {
        let text = "(uint32 3, (0, {'children-display': <'submenu'>}, [<(6, {'label': <'Open Hearth'>}, @av [])>, <(7, {'enabled': <false>, 'label': <'Rooms'>}, @av [])>, <(10, {'toggle-state': <1>, 'toggle-type': <'checkmark'>, 'label': <'Bed room'>}, @av [])>, <(11, {'toggle-state': <0>, 'toggle-type': <'checkmark'>, 'label': <'Kid\\'s room'>}, @av [])>, <(8, {'enabled': <true>, 'type': <'separator'>}, @av [])>]))";
        let entry = |id, label: &str, checked, enabled| TrayEntry {
            id,
            label: label.to_owned(),
            checked,
            enabled,
        };
        assert_eq!(
            parse_layout(text),
            [
                entry(6, "Open Hearth", None, true),
                entry(7, "Rooms", None, false),
                entry(10, "Bed room", Some(true), true),
                entry(11, "Kid's room", Some(false), true),
                entry(8, "", None, true),
            ]
        );
    }
}
