//! What a desktop session offers an app besides a display, played on a [`Desktop`]'s bus and
//! display for a test: a notification server that records what it is asked to show
//! (`org.freedesktop.Notifications`), a tray host (a StatusNotifierWatcher with a host
//! registered, which is how an app learns that its tray icon will be shown), and a window
//! manager's request that a window close (`WM_DELETE_WINDOW`).

// zbus's interface macro: a D-Bus method is a method even when it needs nothing of its object,
// and keeps every argument of the specification's signature, used or not.
#![allow(
    clippy::unused_self,
    clippy::used_underscore_binding,
    reason = "the D-Bus interfaces below"
)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use x11rb::connection::Connection as _;
use x11rb::protocol::xproto::{
    AtomEnum, ClientMessageEvent, ConfigureWindowAux, ConnectionExt as _, EventMask, MapState,
    Window,
};
use zbus::zvariant::OwnedValue;

use crate::desktop::Desktop;
use crate::process::wait_for;
use crate::{HarnessError, Result};

fn bus_error(err: zbus::Error) -> HarnessError {
    HarnessError::Setup(format!("session bus: {err}"))
}

fn x_error(err: impl std::fmt::Display) -> HarnessError {
    HarnessError::Setup(format!("X display: {err}"))
}

/// One `Notify` call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub app_name: String,
    pub summary: String,
    pub body: String,
}

type Received = Arc<Mutex<Vec<Notification>>>;

struct Notifications {
    received: Received,
}

#[zbus::interface(name = "org.freedesktop.Notifications")]
impl Notifications {
    #[allow(
        clippy::too_many_arguments,
        reason = "the method's signature in the spec"
    )]
    fn notify(
        &self,
        app_name: String,
        _replaces_id: u32,
        _app_icon: String,
        summary: String,
        body: String,
        _actions: Vec<String>,
        _hints: HashMap<String, OwnedValue>,
        _expire_timeout: i32,
    ) -> u32 {
        let mut received = self.received.lock().unwrap_or_else(PoisonError::into_inner);
        received.push(Notification {
            app_name,
            summary,
            body,
        });
        u32::try_from(received.len()).unwrap_or(u32::MAX)
    }

    fn close_notification(&self, _id: u32) {}

    fn get_capabilities(&self) -> Vec<String> {
        vec!["body".to_owned()]
    }

    fn get_server_information(&self) -> (String, String, String, String) {
        (
            "hearth-tests".to_owned(),
            "hearth".to_owned(),
            "1".to_owned(),
            "1.2".to_owned(),
        )
    }
}

/// A notification server on a desktop's session bus, for as long as it lives.
pub struct NotificationServer {
    _connection: zbus::blocking::Connection,
    received: Received,
}

impl NotificationServer {
    pub fn start(desktop: &Desktop) -> Result<Self> {
        let received = Received::default();
        let connection = zbus::blocking::connection::Builder::address(desktop.bus_address())
            .map_err(bus_error)?
            .name("org.freedesktop.Notifications")
            .map_err(bus_error)?
            .serve_at(
                "/org/freedesktop/Notifications",
                Notifications {
                    received: Arc::clone(&received),
                },
            )
            .map_err(bus_error)?
            .build()
            .map_err(bus_error)?;
        Ok(Self {
            _connection: connection,
            received,
        })
    }

    /// Every notification shown so far, in order.
    pub fn received(&self) -> Vec<Notification> {
        self.received
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Waits for a notification whose summary satisfies `check`.
    pub fn wait_for(
        &self,
        what: &str,
        timeout: Duration,
        check: impl Fn(&Notification) -> bool,
    ) -> Result<Notification> {
        wait_for(what, timeout, || self.received().into_iter().find(&check))
    }
}

struct Watcher;

/// What libayatana-appindicator (and Hearth, to know whether a tray shows) asks a panel.
#[zbus::interface(name = "org.kde.StatusNotifierWatcher")]
impl Watcher {
    fn register_status_notifier_item(&self, _service: String) {}

    fn register_status_notifier_host(&self, _service: String) {}

    #[zbus(property)]
    fn is_status_notifier_host_registered(&self) -> bool {
        true
    }

    #[zbus(property)]
    fn registered_status_notifier_items(&self) -> Vec<String> {
        Vec::new()
    }

    #[zbus(property)]
    fn protocol_version(&self) -> i32 {
        0
    }
}

/// A panel that shows trays, as far as the bus tells: the desktop then has a tray.
pub struct TrayHost {
    _connection: zbus::blocking::Connection,
}

impl TrayHost {
    pub fn start(desktop: &Desktop) -> Result<Self> {
        let connection = zbus::blocking::connection::Builder::address(desktop.bus_address())
            .map_err(bus_error)?
            .name("org.kde.StatusNotifierWatcher")
            .map_err(bus_error)?
            .serve_at("/StatusNotifierWatcher", Watcher)
            .map_err(bus_error)?
            .build()
            .map_err(bus_error)?;
        Ok(Self {
            _connection: connection,
        })
    }
}

/// Where a top-level window stands on the display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowState {
    Shown,
    /// Still there, not on screen.
    Hidden,
    /// Destroyed (its app closed it, or quit).
    Gone,
}

/// The app's top-level windows on a desktop's display, found by title.
pub struct Windows {
    connection: x11rb::rust_connection::RustConnection,
    root: Window,
}

impl Windows {
    pub fn connect(desktop: &Desktop) -> Result<Self> {
        let (connection, screen) = x11rb::connect(Some(desktop.display())).map_err(x_error)?;
        let root = connection.setup().roots[screen].root;
        Ok(Self { connection, root })
    }

    /// The window titled `title` (WM_NAME) that is on screen, waiting for it to show.
    pub fn find(&self, title: &str, timeout: Duration) -> Result<Window> {
        wait_for(&format!("a window titled {title}"), timeout, || {
            self.titled(title)
                .ok()?
                .into_iter()
                .find(|window| self.state(*window).ok() == Some(WindowState::Shown))
        })
    }

    /// Whether any window titled `title` is on screen.
    pub fn any_shown(&self, title: &str) -> Result<bool> {
        Ok(self
            .titled(title)?
            .into_iter()
            .any(|window| self.state(window).ok() == Some(WindowState::Shown)))
    }

    fn titled(&self, title: &str) -> Result<Vec<Window>> {
        let mut found = Vec::new();
        let mut stack = vec![self.root];
        while let Some(window) = stack.pop() {
            let name = self
                .connection
                .get_property(false, window, AtomEnum::WM_NAME, AtomEnum::ANY, 0, 1024)
                .map_err(x_error)?
                .reply();
            if let Ok(name) = name
                && name.value == title.as_bytes()
            {
                found.push(window);
            }
            if let Ok(tree) = self.connection.query_tree(window).map_err(x_error)?.reply() {
                stack.extend(tree.children);
            }
        }
        Ok(found)
    }

    pub fn state(&self, window: Window) -> Result<WindowState> {
        let attributes = self
            .connection
            .get_window_attributes(window)
            .map_err(x_error)?
            .reply();
        Ok(match attributes {
            Err(_) => WindowState::Gone,
            Ok(attributes) if attributes.map_state == MapState::VIEWABLE => WindowState::Shown,
            Ok(_) => WindowState::Hidden,
        })
    }

    /// Waits until `window` is in `state`.
    pub fn wait_for(&self, window: Window, state: WindowState, timeout: Duration) -> Result<()> {
        wait_for(&format!("the window {state:?}"), timeout, || {
            (self.state(window).ok()? == state).then_some(())
        })
    }

    /// Asks `window` to close, as a window manager's close button does (ICCCM's
    /// `WM_DELETE_WINDOW`): the app decides what closing means.
    pub fn close(&self, window: Window) -> Result<()> {
        let atom = |name: &str| -> Result<u32> {
            Ok(self
                .connection
                .intern_atom(false, name.as_bytes())
                .map_err(x_error)?
                .reply()
                .map_err(x_error)?
                .atom)
        };
        let protocols = atom("WM_PROTOCOLS")?;
        let delete = atom("WM_DELETE_WINDOW")?;
        let event = ClientMessageEvent::new(32, window, protocols, [delete, 0, 0, 0, 0]);
        self.connection
            .send_event(false, window, EventMask::NO_EVENT, event)
            .map_err(x_error)?;
        self.connection.flush().map_err(x_error)?;
        Ok(())
    }

    /// Width and height, in pixels.
    pub fn size(&self, window: Window) -> Result<(u16, u16)> {
        let geometry = self
            .connection
            .get_geometry(window)
            .map_err(x_error)?
            .reply()
            .map_err(x_error)?;
        Ok((geometry.width, geometry.height))
    }

    /// Resizes `window` as a user dragging its border would (with no window manager, X applies
    /// the request as it is).
    pub fn resize(&self, window: Window, width: u16, height: u16) -> Result<()> {
        self.connection
            .configure_window(
                window,
                &ConfigureWindowAux::new()
                    .width(u32::from(width))
                    .height(u32::from(height)),
            )
            .map_err(x_error)?;
        self.connection.flush().map_err(x_error)?;
        Ok(())
    }
}
