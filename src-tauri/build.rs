include!("src/command_names.rs");

fn main() {
    // Declaring the app's commands makes each one a permission that a capability must grant:
    // a window can call only what its capability file lists.
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .unwrap_or_else(|err| panic!("tauri build script: {err:#}"));
}
