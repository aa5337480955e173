//! Hearth's desktop shell. It knows Tauri and nothing else does: windows, the tray, deep links and
//! the commands the UI calls are thin adapters over `hearth-core`.

mod commands;
mod error;
mod links;
mod tray;

use std::process::ExitCode;

use hearth_core::home::Home;
use hearth_core::lights::{Lights, LightsConfig, LightsError, SECRET_SERVICE};
use hearth_demo::DemoOptions;
use serde::Serialize;
use tauri::{
    AppHandle, Builder, Context, Emitter, Manager, RunEvent, Runtime, Window, WindowEvent,
};

pub use error::CommandError;
pub use links::ReceivedLink;

/// The label of the one window.
const MAIN_WINDOW: &str = "main";

/// What the app shows when it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Startup {
    /// The user's bridges, from the configuration folder.
    Bridges,
    /// A simulated bridge (`hearth --demo`): nothing is read from or written to the configuration.
    Demo,
}

impl Startup {
    /// From the command line: `--demo` starts the demo.
    pub fn from_args(args: impl IntoIterator<Item = String>) -> Self {
        if args.into_iter().any(|arg| arg == "--demo") {
            Self::Demo
        } else {
            Self::Bridges
        }
    }
}

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
    let startup = Startup::from_args(std::env::args());
    match run_app(builder, tauri::generate_context!(), startup) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("hearth: {err}");
            ExitCode::FAILURE
        }
    }
}

/// Builds the app on `builder` and runs it until *Quit*. Tests pass `tauri::test::mock_builder()`
/// to [`app_builder`] instead, which is everything here but the event loop.
pub fn run_app<R: Runtime>(
    builder: Builder<R>,
    context: Context<R>,
    startup: Startup,
) -> tauri::Result<()> {
    let app = app_builder(builder, startup).build(context)?;
    app.run(on_run_event);
    Ok(())
}

/// The app's state, commands and window behaviour, on any runtime.
pub fn app_builder<R: Runtime>(builder: Builder<R>, startup: Startup) -> Builder<R> {
    let (home, relay) = Home::new();
    builder
        .manage(links::Inbox::default())
        .manage(home)
        .manage(tray::Resync::default())
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::last_deep_link,
            commands::home_status,
            commands::lights_snapshot,
            commands::start_demo,
            commands::discover_bridges,
            commands::pair_bridge,
            commands::cancel_pairing,
            commands::forget_bridge,
            commands::set_on,
            commands::toggle,
            commands::set_brightness,
            commands::recall_scene,
            commands::all_off,
            commands::remote_view,
            commands::remote_register,
            commands::remote_unregister,
            commands::remote_start_link,
            commands::remote_open_again,
            commands::remote_paste,
            commands::remote_cancel_link,
            commands::remote_unlink,
            commands::set_demo_away,
        ])
        .on_window_event(on_window_event)
        .setup(move |app| {
            tauri::async_runtime::spawn(relay);
            forward_to_ui(app.handle());
            links::listen(app.handle());
            let app = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                if let Err(err) = open_home(&app, startup).await {
                    log::error!("could not open the lights: {err}");
                    app.state::<Home>().set_problem(err.to_string());
                }
            });
            Ok(())
        })
}

/// Opens the user's bridges, or starts the demo.
async fn open_home<R: Runtime>(app: &AppHandle<R>, startup: Startup) -> Result<(), CommandError> {
    let home = app.state::<Home>().inner().clone();
    // OAuth redirects can come back as `hearth://` links once the scheme is registered.
    let deep_links = links::registered(app);
    match startup {
        Startup::Demo => {
            let options = DemoOptions {
                deep_links,
                ..DemoOptions::default()
            };
            Ok(hearth_demo::show(&home, options).await?)
        }
        Startup::Bridges => {
            let dir = hearth_core::paths::config_dir();
            let mut config = LightsConfig::from_env(dir.clone())?;
            config.remote.deep_links = deep_links;
            let Some(dir) = dir else {
                return Err(LightsError::Unsupported(
                    "this system has no home folder to keep Hearth's settings in: set \
                     HEARTH_CONFIG_DIR"
                        .to_owned(),
                )
                .into());
            };
            // Opening the keychain may ask the session bus: keep it off the async threads.
            let secrets = tauri::async_runtime::spawn_blocking(move || {
                hearth_secret::open(SECRET_SERVICE, &dir)
            })
            .await
            .map_err(|err| LightsError::Unsupported(format!("the secret store failed: {err}")))?;
            home.set_lights(Lights::open(config, secrets).await?);
            Ok(())
        }
    }
}

/// Sends the UI the lights' snapshot and the home's status after every change.
fn forward_to_ui<R: Runtime>(app: &AppHandle<R>) {
    let home = app.state::<Home>().inner().clone();
    let mut snapshots = home.subscribe();
    let mut status = home.subscribe_status();
    let mut remote = home.subscribe_remote();
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        loop {
            tokio::select! {
                changed = snapshots.changed() => {
                    if changed.is_err() { return }
                    let snapshot = snapshots.borrow_and_update().clone();
                    emit(&app, commands::events::LIGHTS, &*snapshot);
                }
                changed = status.changed() => {
                    if changed.is_err() { return }
                    let current = status.borrow_and_update().clone();
                    emit(&app, commands::events::HOME, &current);
                }
                changed = remote.changed() => {
                    if changed.is_err() { return }
                    let current = remote.borrow_and_update().clone();
                    emit(&app, commands::events::REMOTE, &current);
                }
            }
        }
    });
}

fn emit<R: Runtime>(app: &AppHandle<R>, event: &str, payload: &impl Serialize) {
    if let Err(err) = app.emit(event, payload) {
        log::warn!("could not send `{event}` to the UI: {err}");
    }
}

/// Opens `url` in the system browser.
pub(crate) fn open_in_browser<R: Runtime>(
    app: &AppHandle<R>,
    url: &str,
) -> Result<(), CommandError> {
    use tauri_plugin_opener::OpenerExt as _;

    if app.try_state::<tauri_plugin_opener::Opener<R>>().is_none() {
        // The tests' mock runtime has no plugins: nothing to open there.
        return Err(CommandError::Browser(
            "no browser in this runtime".to_owned(),
        ));
    }
    app.opener()
        .open_url(url, None::<&str>)
        .map_err(|err| CommandError::Browser(err.to_string()))
}

/// Tells the UI about an error no command of its own returned.
pub(crate) fn notify<R: Runtime>(app: &AppHandle<R>, error: &CommandError) {
    emit(app, commands::events::NOTICE, error);
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
    use std::sync::Arc;
    use std::time::Duration;

    use hearth_core::home::Home;
    use hearth_core::lights::Snapshot;
    use serde_json::{Value, json};
    use tauri::ipc::{CallbackFn, InvokeBody};
    use tauri::test::{
        INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder, mock_context, noop_assets,
    };
    use tauri::webview::InvokeRequest;
    use tauri::{App, Manager, WebviewWindow, WebviewWindowBuilder};
    use tokio::sync::mpsc;

    use super::{MAIN_WINDOW, Startup, app_builder, links, tray};

    fn app(startup: Startup) -> (App<MockRuntime>, WebviewWindow<MockRuntime>) {
        let mut app = app_builder(mock_builder(), startup)
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

    fn invoke(window: &WebviewWindow<MockRuntime>, cmd: &str, args: Value) -> Result<Value, Value> {
        get_ipc_response(
            window,
            InvokeRequest {
                cmd: cmd.into(),
                callback: CallbackFn(0),
                error: CallbackFn(1),
                url: "tauri://localhost".parse().unwrap(),
                body: InvokeBody::Json(args),
                headers: tauri::http::HeaderMap::default(),
                invoke_key: INVOKE_KEY.to_string(),
            },
        )
        .map(|body| body.deserialize().unwrap())
    }

    #[test]
    fn app_info_comes_from_the_package() {
        let (_app, window) = app(Startup::Bridges);
        let info = invoke(&window, "app_info", json!({})).unwrap();
        assert_eq!(info["version"], env!("CARGO_PKG_VERSION"));
        assert!(info["name"].is_string());
    }

    #[test]
    fn startup_reads_demo_from_the_command_line() {
        let args = |list: &[&str]| list.iter().map(|arg| (*arg).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            Startup::from_args(args(&["hearth", "--demo"])),
            Startup::Demo
        );
        assert_eq!(Startup::from_args(args(&["hearth"])), Startup::Bridges);
        assert_eq!(
            Startup::from_args(args(&["hearth", "hearth://open"])),
            Startup::Bridges
        );
    }

    #[test]
    fn accepted_links_reach_the_ui_and_rejected_ones_do_not() {
        let (app, window) = app(Startup::Bridges);
        let last = || invoke(&window, "last_deep_link", json!({})).unwrap();
        assert_eq!(last(), json!(null));

        assert!(links::receive(app.handle(), "hearth://open/energy").is_some());
        assert_eq!(last(), json!({"kind": "open", "screen": "energy"}));

        // A forged link changes nothing.
        assert!(links::receive(app.handle(), "hearth://evil/x?code=c&state=s").is_none());
        assert!(links::receive(app.handle(), "hearth://oauth/callback?code=c").is_none());
        assert_eq!(last(), json!({"kind": "open", "screen": "energy"}));

        // The UI learns that a callback came, never its code.
        let link = "hearth://oauth/callback?code=TOPSECRET&state=s";
        assert!(links::receive(app.handle(), link).is_some());
        assert_eq!(
            last(),
            json!({"kind": "oauth_callback", "outcome": {"result": "code"}})
        );
        assert!(!last().to_string().contains("TOPSECRET"));
    }

    /// A sink that hands every model it is shown to the test.
    struct Recorder(mpsc::UnboundedSender<tray::TrayModel>);

    impl tray::TraySink for Recorder {
        fn show(&mut self, model: &tray::TrayModel, _previous: Option<&tray::TrayModel>) {
            let _ = self.0.send(model.clone());
        }
    }

    /// The check mark the tray shows for the group named `name`.
    fn checked(model: &tray::TrayModel, name: &str) -> Option<bool> {
        model.entries.iter().find_map(|entry| match entry {
            tray::Entry::Check { label, checked, .. } if label == name => Some(*checked),
            _ => None,
        })
    }

    async fn next_where(
        models: &mut mpsc::UnboundedReceiver<tray::TrayModel>,
        what: &str,
        done: impl Fn(&tray::TrayModel) -> bool,
    ) -> tray::TrayModel {
        tokio::time::timeout(Duration::from_secs(20), async {
            loop {
                let model = models.recv().await.expect("the tray sync stopped");
                if done(&model) {
                    return model;
                }
            }
        })
        .await
        .unwrap_or_else(|_| panic!("the tray never showed {what}"))
    }

    /// The tray follows the home: a toggle from the UI, and a change made on the bridge by
    /// someone else, both show in its check marks.
    #[test]
    fn the_tray_follows_the_lights() {
        let (app, window) = app(Startup::Demo);
        let home = app.state::<Home>().inner().clone();
        tauri::async_runtime::block_on(async move {
            let snapshot: Arc<Snapshot> = home
                .wait_for(Duration::from_secs(30), |s| !s.rooms.is_empty())
                .await
                .expect("the demo's rooms");
            let (sender, mut models) = mpsc::unbounded_channel();
            let resync = Arc::new(tokio::sync::Notify::new());
            tokio::spawn(tray::follow(
                home.clone(),
                Arc::clone(&resync),
                Recorder(sender),
            ));

            let room = snapshot.rooms[0].clone();
            let first = next_where(&mut models, "the demo's rooms", |m| {
                checked(m, &room.name).is_some()
            })
            .await;
            assert_eq!(checked(&first, &room.name), Some(room.on));
            assert!(
                first
                    .entries
                    .contains(&tray::Entry::Note("Demo: a simulated bridge".to_owned()))
            );

            // From the UI, through the command.
            let now_on = invoke(
                &window,
                "toggle",
                json!({"target": {"kind": "room", "id": room.id}}),
            )
            .unwrap();
            assert_eq!(now_on, json!(!room.on));
            next_where(&mut models, "the toggle", |m| {
                checked(m, &room.name) == Some(!room.on)
            })
            .await;

            // Elsewhere: another app puts the room back as it was (one light on is enough to
            // make it on; off takes all of them). The bridge's event stream brings the change,
            // and the room's mark follows its lights.
            let changed = if room.on {
                &room.lights[..1]
            } else {
                &room.lights[..]
            };
            home.with_demo(|demo: &hearth_demo::Demo| {
                for light in changed {
                    demo.simulator()
                        .change_light(light, &json!({"on": {"on": room.on}}))
                        .unwrap();
                }
            })
            .unwrap();
            next_where(&mut models, "the change made elsewhere", |m| {
                checked(m, &room.name) == Some(room.on)
            })
            .await;

            // After a click whose command failed, the tray shows the bridge's state again even
            // though nothing changed.
            resync.notify_one();
            let again = next_where(&mut models, "a resync", |_| true).await;
            assert_eq!(checked(&again, &room.name), Some(room.on));
        });
    }

    /// The UI's tests render `ui/tests/fixtures/snapshot.json`: it is what `lights_snapshot`
    /// answers for the demo, so that the UI is tested against the shape Rust really sends.
    /// (`UPDATE_EXPECT=1 cargo test -p hearth-app` rewrites it after a deliberate change.)
    #[test]
    fn the_ui_fixture_is_what_the_demo_sends() {
        let (app, window) = app(Startup::Demo);
        let home = app.state::<Home>().inner().clone();
        let ready = tauri::async_runtime::block_on(home.wait_for(Duration::from_secs(30), |s| {
            !s.rooms.is_empty()
                && s.bridges
                    .iter()
                    .all(|b| b.connection == hearth_core::lights::ConnectionState::Live)
        }));
        assert!(ready.is_some(), "the demo never went live");
        let mut snapshot = invoke(&window, "lights_snapshot", json!({})).unwrap();
        // What changes from run to run: the simulator's port and its certificate.
        for bridge in snapshot["bridges"].as_array_mut().unwrap() {
            bridge["address"] = json!("127.0.0.1:0");
            bridge["certificate"]["fingerprint"] = json!("<fingerprint of this run>");
        }
        let pretty = serde_json::to_string_pretty(&snapshot).unwrap() + "\n";
        expect_test::expect_file!["../../ui/tests/fixtures/snapshot.json"].assert_eq(&pretty);
    }
}
