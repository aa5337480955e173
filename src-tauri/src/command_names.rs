// The app's commands by name, for `build.rs` (which makes each a permission that a capability
// must grant) and for the test that checks this list, `capabilities/main.json` and the commands
// `ipc::commands` registers are the same set. Included, not a module: build scripts cannot use
// the crate they build.

/// Every command the webview may call.
pub const COMMANDS: &[&str] = &[
    "app_info",
    "last_deep_link",
    "home_status",
    "lights_snapshot",
    "start_demo",
    "discover_bridges",
    "pair_bridge",
    "cancel_pairing",
    "forget_bridge",
    "set_on",
    "toggle",
    "set_brightness",
    "set_color_temperature",
    "set_color",
    "recall_scene",
    "all_off",
    "set_favourite",
    "hotkeys_view",
    "bind_hotkey",
    "unbind_hotkey",
    "remote_view",
    "remote_register",
    "remote_unregister",
    "remote_start_link",
    "remote_open_again",
    "remote_paste",
    "remote_cancel_link",
    "remote_unlink",
    "set_demo_away",
    "set_language",
    "settings_view",
    "set_launch_at_login",
    "set_theme",
    "set_notifications",
    "set_energy_proxy",
    "clear_energy_proxy",
];
