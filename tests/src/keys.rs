//! The keyboard of a [`Desktop`]'s X display, as another application sees it: a client of its
//! own that can hold a key combination (an `XGrabKey` on the root window, what any application
//! with global shortcuts does) and press keys as a user would (the XTEST extension, which Xvfb
//! has), wherever the focus is.

use x11rb::connection::Connection as _;
use x11rb::protocol::xproto::{ConnectionExt as _, GrabMode, ModMask, Window};
use x11rb::protocol::xtest::ConnectionExt as _;
use x11rb::rust_connection::RustConnection;

use crate::desktop::Desktop;
use crate::{HarnessError, Result};

/// Keysyms the tests use (X11's keysymdef.h).
pub mod keysym {
    pub const CONTROL_L: u32 = 0xffe3;
    pub const ALT_L: u32 = 0xffe9;
}

/// The keysym of a lower-case ASCII letter.
pub fn letter(c: char) -> u32 {
    u32::from(c.to_ascii_lowercase())
}

pub struct Keyboard {
    conn: RustConnection,
    root: Window,
}

fn x11(err: impl std::fmt::Display) -> HarnessError {
    HarnessError::Setup(format!("X11: {err}"))
}

impl Keyboard {
    /// A new client of `desktop`'s display.
    pub fn connect(desktop: &Desktop) -> Result<Self> {
        let (conn, screen) = RustConnection::connect(Some(desktop.display())).map_err(x11)?;
        let root = conn.setup().roots[screen].root;
        Ok(Self { conn, root })
    }

    /// The keycode that types `keysym` in the display's keymap.
    pub fn keycode(&self, keysym: u32) -> Result<u8> {
        let setup = self.conn.setup();
        let (min, max) = (setup.min_keycode, setup.max_keycode);
        let map = self
            .conn
            .get_keyboard_mapping(min, max - min + 1)
            .map_err(x11)?
            .reply()
            .map_err(x11)?;
        let per = usize::from(map.keysyms_per_keycode).max(1);
        map.keysyms
            .chunks(per)
            .position(|syms| syms.contains(&keysym))
            .and_then(|index| u8::try_from(index).ok())
            .map(|index| min + index)
            .ok_or_else(|| HarnessError::Setup(format!("no keycode types keysym {keysym:#x}")))
    }

    /// Holds Ctrl+Alt+`key` for this client, with any other modifier state too, as another
    /// application's global shortcut does. Held until this client disconnects (is dropped).
    pub fn hold_control_alt(&self, key: u32) -> Result<()> {
        let keycode = self.keycode(key)?;
        self.conn
            .grab_key(
                false,
                self.root,
                ModMask::CONTROL | ModMask::M1,
                keycode,
                GrabMode::ASYNC,
                GrabMode::ASYNC,
            )
            .map_err(x11)?
            .check()
            .map_err(x11)
    }

    /// Presses `keys` in order, then releases them in reverse order, as XTEST input.
    pub fn press(&self, keys: &[u32]) -> Result<()> {
        const KEY_PRESS: u8 = 2;
        const KEY_RELEASE: u8 = 3;
        let codes = keys
            .iter()
            .map(|key| self.keycode(*key))
            .collect::<Result<Vec<u8>>>()?;
        let events = codes
            .iter()
            .map(|code| (KEY_PRESS, *code))
            .chain(codes.iter().rev().map(|code| (KEY_RELEASE, *code)));
        for (kind, code) in events {
            self.conn
                .xtest_fake_input(kind, code, 0, self.root, 0, 0, 0)
                .map_err(x11)?
                .check()
                .map_err(x11)?;
        }
        self.conn.flush().map_err(x11)
    }
}
