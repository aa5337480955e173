//! Hearth's desktop shell. It knows Tauri and nothing else does: windows, the tray, deep links and
//! the commands the UI calls are thin adapters over `hearth-core`.

mod commands;
mod error;
mod links;
mod tray;

use std::process::ExitCode;

use tauri::{AppHandle, Builder, Context, Manager, RunEvent, Runtime, Window, WindowEvent};

pub use error::CommandError;
pub use links::ReceivedLink;

/// The label of the one window.
const MAIN_WINDOW: &str = "main";

/// Starts the desktop app: the plugins that need a real desktop, then [`run_app`].
pub fn run() -> ExitCode {
    let builder = Builder::default()
        // First, so that a second instance hands its arguments (a deep link) to this one and exits
        // before anything else starts.
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            show_main_window(app);
        }))
        .plugin(tauri_plugin_deep_link::init())
        .plugin(
            tauri_plugin_log::Builder::new()
                .level(log::LevelFilter::Info)
                .targets([
                    tauri_plugin_log::Target::new(tauri_plugin_log::TargetKind::Stdout),
                    tauri_plugin_log::Target::new(tauri_plugin_log::TargetKind::LogDir {
                        file_name: None,
                    }),
                ])
                .build(),
        )
        .plugin(tauri_plugin_store::Builder::new().build())
        .plugin(tauri_plugin_opener::init())
        // Menus need GTK, which the mock runtime of the tests does not start.
        .plugin(tray::plugin());
    match run_app(builder, tauri::generate_context!()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("hearth: {err}");
            ExitCode::FAILURE
        }
    }
}

/// Builds the app on `builder` and runs it until *Quit*. Tests pass `tauri::test::mock_builder()`
/// to [`app_builder`] instead, which is everything here but the event loop.
pub fn run_app<R: Runtime>(builder: Builder<R>, context: Context<R>) -> tauri::Result<()> {
    let app = app_builder(builder).build(context)?;
    app.run(on_run_event);
    Ok(())
}

/// The app's state, commands, tray and window behaviour, on any runtime.
pub fn app_builder<R: Runtime>(builder: Builder<R>) -> Builder<R> {
    builder
        .manage(links::Inbox::default())
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::last_deep_link
        ])
        .on_window_event(on_window_event)
        .setup(|app| {
            links::listen(app.handle());
            Ok(())
        })
}

fn on_window_event<R: Runtime>(window: &Window<R>, event: &WindowEvent) {
    // Closing the window hides it: Hearth lives in the tray until *Quit*.
    if let WindowEvent::CloseRequested { api, .. } = event
        && window.label() == MAIN_WINDOW
        && tray::is_present(window.app_handle())
    {
        api.prevent_close();
        if let Err(err) = window.hide() {
            log::warn!("could not hide the window: {err}");
        }
    }
}

fn on_run_event<R: Runtime>(_app: &AppHandle<R>, event: RunEvent) {
    // `code: None` means the last window went away, not that the user chose *Quit* (which exits
    // with a code): stay alive in the tray.
    if let RunEvent::ExitRequested {
        code: None, api, ..
    } = event
    {
        api.prevent_exit();
    }
}

/// Brings the main window to the front (from the tray, a second instance, or a deep link).
pub(crate) fn show_main_window<R: Runtime>(app: &AppHandle<R>) {
    let Some(window) = app.get_webview_window(MAIN_WINDOW) else {
        log::warn!("the main window is gone");
        return;
    };
    for result in [window.unminimize(), window.show(), window.set_focus()] {
        if let Err(err) = result {
            log::warn!("could not show the window: {err}");
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use tauri::test::{
        INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder, mock_context, noop_assets,
    };
    use tauri::webview::InvokeRequest;
    use tauri::{App, WebviewWindow, WebviewWindowBuilder};

    use super::{MAIN_WINDOW, app_builder, links};

    fn app() -> (App<MockRuntime>, WebviewWindow<MockRuntime>) {
        let mut app = app_builder(mock_builder())
            .build(mock_context(noop_assets()))
            .unwrap();
        // Setup runs with the first turn of the event loop.
        #[allow(
            deprecated,
            reason = "one turn, not a loop: what setup needs in a test"
        )]
        app.run_iteration(|_, _| {});
        let window = WebviewWindowBuilder::new(&app, MAIN_WINDOW, tauri::WebviewUrl::default())
            .build()
            .unwrap();
        (app, window)
    }

    fn invoke(window: &WebviewWindow<MockRuntime>, cmd: &str) -> serde_json::Value {
        get_ipc_response(
            window,
            InvokeRequest {
                cmd: cmd.into(),
                callback: tauri::ipc::CallbackFn(0),
                error: tauri::ipc::CallbackFn(1),
                url: "tauri://localhost".parse().unwrap(),
                body: tauri::ipc::InvokeBody::default(),
                headers: tauri::http::HeaderMap::default(),
                invoke_key: INVOKE_KEY.to_string(),
            },
        )
        .unwrap()
        .deserialize()
        .unwrap()
    }

    #[test]
    fn app_info_comes_from_the_package() {
        let (_app, window) = app();
        let info = invoke(&window, "app_info");
        assert_eq!(info["version"], env!("CARGO_PKG_VERSION"));
        assert!(info["name"].is_string());
    }

    #[test]
    fn accepted_links_reach_the_ui_and_rejected_ones_do_not() {
        let (app, window) = app();
        assert_eq!(invoke(&window, "last_deep_link"), json!(null));

        assert!(links::receive(app.handle(), "hearth://open/energy").is_some());
        assert_eq!(
            invoke(&window, "last_deep_link"),
            json!({"kind": "open", "screen": "energy"})
        );

        // A forged link changes nothing.
        assert!(links::receive(app.handle(), "hearth://evil/x?code=c&state=s").is_none());
        assert!(links::receive(app.handle(), "hearth://oauth/callback?code=c").is_none());
        assert_eq!(
            invoke(&window, "last_deep_link"),
            json!({"kind": "open", "screen": "energy"})
        );

        // The UI learns that a callback came, never its code.
        assert!(
            links::receive(
                app.handle(),
                "hearth://oauth/callback?code=TOPSECRET&state=s"
            )
            .is_some()
        );
        let last = invoke(&window, "last_deep_link");
        assert_eq!(
            last,
            json!({"kind": "oauth_callback", "outcome": {"result": "code"}})
        );
        assert!(!last.to_string().contains("TOPSECRET"));
    }
}
