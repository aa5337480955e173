fn main() {
    // Declaring the app's commands makes each one a permission that a capability must grant:
    // a window can call only what its capability file lists.
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(
        tauri_build::AppManifest::new().commands(&[
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
            "recall_scene",
            "all_off",
            "remote_view",
            "remote_register",
            "remote_unregister",
            "remote_start_link",
            "remote_open_again",
            "remote_paste",
            "remote_cancel_link",
            "remote_unlink",
            "set_demo_away",
        ]),
    ))
    .unwrap_or_else(|err| panic!("tauri build script: {err:#}"));
}
