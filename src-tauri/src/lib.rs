//! Hearth's desktop shell. It knows Tauri and nothing else does: windows, the tray, deep links and
//! the commands the UI calls are thin adapters over `hearth-core`.

mod commands;
mod energy;
mod error;
mod hotkeys;
mod ipc;
mod language;
mod links;
mod notifications;
mod preferences;
mod settings;
mod texts;
mod tray;

use std::process::ExitCode;
use std::sync::Arc;

use hearth_core::home::Home;
use hearth_core::lights::{Lights, LightsConfig, LightsError, SECRET_SERVICE, Snapshot};
use hearth_demo::DemoOptions;
use tauri::{AppHandle, Builder, Context, Manager, RunEvent, Runtime, Window, WindowEvent};

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
        .plugin(tauri_plugin_single_instance::init(|app, argv, _cwd| {
            // The login entry run while Hearth already runs asks for nothing to show.
            if !settings::hidden_from_args(argv) {
                show_main_window(app);
            }
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
        .manage(language::Stored)
        .plugin(tauri_plugin_opener::init())
        // The login entry starts Hearth in the tray, its window hidden.
        .plugin(
            tauri_plugin_autostart::Builder::new()
                .arg(settings::HIDDEN_ARG)
                .build(),
        )
        // Size and place only: whether the window shows is the command line's decision
        // (`--hidden`), and the rest is the desktop's.
        .plugin(
            tauri_plugin_window_state::Builder::new()
                .with_state_flags(
                    tauri_plugin_window_state::StateFlags::SIZE
                        | tauri_plugin_window_state::StateFlags::POSITION
                        | tauri_plugin_window_state::StateFlags::MAXIMIZED,
                )
                .build(),
        )
        .plugin(tauri_plugin_notification::init())
        // The energy screen's *Export CSV*: the save dialog (the file is written in Rust).
        .plugin(tauri_plugin_dialog::init())
        .manage(Launch {
            hidden: settings::hidden_from_args(std::env::args()),
        })
        // Menus need GTK, which the mock runtime of the tests does not start.
        .plugin(tray::plugin());
    // Only where the session lets applications have global shortcuts (see `hotkeys`).
    let builder = match hotkeys::plugin(hotkeys::Support::of_env(|name| std::env::var(name).ok())) {
        Some(plugin) => builder.plugin(plugin),
        None => builder,
    };
    let startup = Startup::from_args(std::env::args());
    match run_app(builder, tauri::generate_context!(), startup) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("hearth: {err}");
            ExitCode::FAILURE
        }
    }
}

/// How the real app was started (the tests' mock app has none: its window is the test's).
struct Launch {
    /// `--hidden`: the window is created but not shown.
    hidden: bool,
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
        .manage(energy::EnergyState::default())
        .manage(settings::SharedSettings::for_startup(startup))
        .manage(hotkeys::Hotkeys::new(hotkeys::Support::of_env(|name| {
            std::env::var(name).ok()
        })))
        .manage(language::Languages::new(
            texts::Language::system(),
            texts::LanguageChoice::System,
        ))
        .invoke_handler(ipc::builder::<R>().invoke_handler())
        .on_window_event(on_window_event)
        .setup(move |app| {
            tauri::async_runtime::spawn(relay);
            app.state::<language::Languages>()
                .choose(language::saved(app.handle()));
            app.manage(preferences::Preferences::saved(app.handle()));
            create_main_window(app)?;
            hotkeys::restore(app.handle());
            forward_to_ui(app.handle());
            energy::forward_to_ui(app.handle());
            notifications::follow(app.handle());
            links::listen(app.handle());
            let app = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                if let Err(err) = open_home(&app, startup).await {
                    log::error!("could not open the lights: {err}");
                    app.state::<Home>().set_problem(err.problem());
                }
            });
            Ok(())
        })
}

/// Creates the window `tauri.conf.json` describes (with `"create": false`, so that it is made
/// here): in the theme chosen before its first paint, and hidden when started with `--hidden`.
fn create_main_window<R: Runtime>(app: &tauri::App<R>) -> tauri::Result<()> {
    let Some(launch) = app.try_state::<Launch>() else {
        return Ok(());
    };
    let Some(config) = app
        .config()
        .app
        .windows
        .iter()
        .find(|window| window.label == MAIN_WINDOW && !window.create)
        .cloned()
    else {
        return Ok(());
    };
    let theme = app.state::<preferences::Preferences>().theme();
    tauri::WebviewWindowBuilder::from_config(app.handle(), &config)?
        .initialization_script(theme.initialization_script())
        .visible(!launch.hidden)
        .build()?;
    Ok(())
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
            hearth_demo::show(&home, options).await?;
            energy::start_demo(app).await
        }
        Startup::Bridges => {
            let dir = hearth_core::paths::config_dir();
            let mut config = LightsConfig::from_env(dir.clone())?;
            config.remote.deep_links = deep_links;
            let Some(dir) = dir else {
                return Err(LightsError::NoHomeFolder.into());
            };
            // Opening the keychain may ask the session bus: keep it off the async threads.
            let secrets = tauri::async_runtime::spawn_blocking(move || {
                hearth_secret::open(SECRET_SERVICE, &dir)
            })
            .await
            .map_err(|err| LightsError::SecretStoreFailed(err.to_string()))?;
            energy::open_user(app, Arc::clone(&secrets)).await;
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
                    let snapshot = Snapshot::clone(&snapshots.borrow_and_update());
                    ipc::emit(&app, &ipc::LightsChanged(snapshot));
                }
                changed = status.changed() => {
                    if changed.is_err() { return }
                    let current = status.borrow_and_update().clone();
                    ipc::emit(&app, &ipc::HomeChanged(current));
                }
                changed = remote.changed() => {
                    if changed.is_err() { return }
                    let current = remote.borrow_and_update().clone();
                    ipc::emit(&app, &ipc::RemoteChanged(current));
                }
            }
        }
    });
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
    ipc::emit(app, &ipc::Notice(error.problem()));
}

fn on_window_event<R: Runtime>(window: &Window<R>, event: &WindowEvent) {
    let WindowEvent::CloseRequested { api, .. } = event else {
        return;
    };
    if window.label() != MAIN_WINDOW {
        return;
    }
    api.prevent_close();
    if tray::is_present(window.app_handle()) {
        // Closing the window hides it: Hearth lives in the tray until *Quit*.
        if let Err(err) = window.hide() {
            log::warn!("could not hide the window: {err}");
        }
    } else {
        // Nothing would show the tray: a hidden window could not be brought back, so closing it
        // quits, as *Quit* does (and with an exit code, which `on_run_event` lets through).
        log::info!("no tray on this desktop: closing the window quits");
        window.app_handle().exit(0);
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

    use super::{MAIN_WINDOW, Startup, app_builder, hotkeys, ipc, language, links, texts, tray};

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
        let (app, window) = app(Startup::Bridges);
        let info = invoke(&window, "app_info", json!({})).unwrap();
        assert_eq!(info["version"], env!("CARGO_PKG_VERSION"));
        // The folders the About panel shows: Hearth's own, and those Tauri resolves for the app.
        let shown = |path: Option<std::path::PathBuf>| match path {
            Some(path) => json!(path.display().to_string()),
            None => Value::Null,
        };
        assert_eq!(info["config_dir"], shown(hearth_core::paths::config_dir()));
        assert_eq!(info["data_dir"], shown(app.path().app_data_dir().ok()));
        assert_eq!(info["log_dir"], shown(app.path().app_log_dir().ok()));
        let identifier = &app.config().identifier;
        for key in ["data_dir", "log_dir"] {
            let dir = info[key].as_str().unwrap();
            assert!(dir.contains(identifier.as_str()), "{key}: {dir}");
        }
        assert_ne!(info["data_dir"], info["log_dir"]);
        assert!(info["name"].is_string());
        assert_eq!(info["language"], "system");
        let system = match texts::Language::system() {
            texts::Language::English => "en",
            texts::Language::French => "fr",
        };
        assert_eq!(info["system_language"], system);
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

        // What the UI's tests emit as `deep-link` events.
        let mut received = Vec::new();
        for link in [
            "hearth://open/remote",
            "hearth://oauth/callback?error=access_denied&state=s",
            "hearth://oauth/callback?code=c&state=s",
        ] {
            assert!(links::receive(app.handle(), link).is_some());
            received.push(last());
        }
        expect_test::expect_file!["../../ui/tests/fixtures/deep-links.json"]
            .assert_eq(&pretty(Value::Array(received)));
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
            let language = app.state::<language::Languages>().subscribe();
            let energy = app.state::<crate::energy::EnergyState>().subscribe_view();
            tokio::spawn(tray::follow(
                home.clone(),
                language,
                energy,
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

            // The language chosen in the window: the tray speaks it at once, and the window
            // reads the choice back.
            let all_off = |m: &tray::TrayModel, label: &str| {
                m.entries.iter().any(|entry| {
                    matches!(entry, tray::Entry::Item { item: tray::TrayItem::AllOff, label: l, .. } if l == label)
                })
            };
            invoke(&window, "set_language", json!({"choice": "fr"})).unwrap();
            let french = next_where(&mut models, "the French tray", |m| {
                all_off(m, "Éteindre tout")
            })
            .await;
            assert_eq!(checked(&french, &room.name), Some(room.on));
            assert!(
                french
                    .entries
                    .contains(&tray::Entry::Note("Pièces".to_owned()))
            );
            assert_eq!(
                invoke(&window, "app_info", json!({})).unwrap()["language"],
                "fr"
            );
            invoke(&window, "set_language", json!({"choice": "en"})).unwrap();
            next_where(&mut models, "the English tray", |m| all_off(m, "All off")).await;
            assert!(invoke(&window, "set_language", json!({"choice": "de"})).is_err());
        });
    }

    /// The colour commands reach the demo's simulated bridge: a light's temperature and colour,
    /// and a room's colour on each of its colour lights.
    #[test]
    fn colour_commands_reach_the_bridge() {
        let (app, window) = app(Startup::Demo);
        demo_live(&app);
        let home = app.state::<Home>().inner().clone();
        let snapshot = home.snapshot();
        let light = snapshot
            .lights
            .iter()
            .find(|l| l.capabilities.color && l.capabilities.color_temperature.is_some())
            .expect("a colour light in the demo")
            .clone();
        let (cold, warm) = light.capabilities.color_temperature.unwrap();
        let on_bridge = |id: &str| {
            home.with_demo(|demo: &hearth_demo::Demo| demo.simulator().resource(id))
                .unwrap()
                .unwrap()
        };
        let target = json!({"kind": "light", "id": light.id});

        let mirek = cold + (warm - cold) / 3;
        assert_ne!(light.mirek, Some(mirek));
        invoke(
            &window,
            "set_color_temperature",
            json!({"target": target, "mirek": mirek}),
        )
        .unwrap();
        let state = on_bridge(&light.id);
        assert_eq!(state["color_temperature"]["mirek"], json!(mirek));
        assert_eq!(state["on"]["on"], json!(true));

        invoke(
            &window,
            "set_color",
            json!({"target": target, "xy": {"x": 0.2, "y": 0.5}}),
        )
        .unwrap();
        let state = on_bridge(&light.id);
        assert_eq!(state["color"]["xy"], json!({"x": 0.2, "y": 0.5}));

        let room = snapshot
            .rooms
            .iter()
            .find(|r| r.capabilities.color)
            .expect("a room with a colour light");
        invoke(
            &window,
            "set_color",
            json!({"target": {"kind": "room", "id": room.id}, "xy": {"x": 0.6, "y": 0.35}}),
        )
        .unwrap();
        let coloured: Vec<Value> = room
            .lights
            .iter()
            .map(|id| on_bridge(id))
            .filter(|l| l.get("color").is_some())
            .collect();
        assert!(!coloured.is_empty());
        for light in coloured {
            let xy = &light["color"]["xy"];
            assert_eq!(xy, &json!({"x": 0.6, "y": 0.35}), "{light}");
        }
    }

    /// Replaces what changes from run to run in an answer (simulator ports, certificates, the
    /// random parts of an authorization URL) with fixed words, so that fixtures compare.
    fn mask(value: &mut Value) {
        match value {
            Value::String(text) => {
                if is_fingerprint(text) {
                    *text = "<fingerprint of this run>".to_owned();
                    return;
                }
                let mut masked = false;
                for host in ["127.0.0.1:", "localhost:"] {
                    let mut from = 0;
                    while let Some(at) = text[from..].find(host) {
                        let port = from + at + host.len();
                        let digits = text[port..].bytes().take_while(u8::is_ascii_digit).count();
                        text.replace_range(port..port + digits, "0");
                        from = port;
                        masked = true;
                    }
                }
                if masked && let Some(query) = text.find('?') {
                    text.replace_range(query.., "?<query of this run>");
                }
            }
            Value::Array(items) => items.iter_mut().for_each(mask),
            Value::Object(fields) => fields.values_mut().for_each(mask),
            _ => {}
        }
    }

    fn is_fingerprint(text: &str) -> bool {
        text.len() == 95
            && text
                .split(':')
                .all(|byte| byte.len() == 2 && byte.bytes().all(|b| b.is_ascii_hexdigit()))
    }

    fn pretty(mut value: Value) -> String {
        mask(&mut value);
        serde_json::to_string_pretty(&value).unwrap() + "\n"
    }

    /// Asks `cmd` until its answer satisfies `done` (what it answers follows the home's relay).
    fn invoke_until(
        window: &WebviewWindow<MockRuntime>,
        cmd: &str,
        done: impl Fn(&Value) -> bool,
    ) -> Value {
        for _ in 0..400 {
            let answer = invoke(window, cmd, json!({})).unwrap();
            if done(&answer) {
                return answer;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("`{cmd}` never answered what the test waits for");
    }

    fn demo_live(app: &App<MockRuntime>) {
        let home = app.state::<Home>().inner().clone();
        let ready = tauri::async_runtime::block_on(home.wait_for(Duration::from_secs(30), |s| {
            !s.rooms.is_empty()
                && s.bridges
                    .iter()
                    .all(|b| b.connection == hearth_core::lights::ConnectionState::Live)
        }));
        assert!(ready.is_some(), "the demo never went live");
    }

    /// The UI's tests render `ui/tests/fixtures/*.json`: each is what a command answers for the
    /// demo, so that the UI is tested against the shapes Rust really sends.
    /// (`UPDATE_EXPECT=1 cargo test -p hearth-app fixture` rewrites them after a deliberate
    /// change.)
    #[test]
    fn the_ui_fixtures_are_what_the_demo_sends() {
        let (app, window) = app(Startup::Demo);
        demo_live(&app);
        let snapshot = invoke(&window, "lights_snapshot", json!({})).unwrap();
        expect_test::expect_file!["../../ui/tests/fixtures/snapshot.json"]
            .assert_eq(&pretty(snapshot.clone()));
        let status = invoke(&window, "home_status", json!({})).unwrap();
        assert_eq!(status["demo"], json!(true));
        expect_test::expect_file!["../../ui/tests/fixtures/home-demo.json"]
            .assert_eq(&pretty(status));

        // Favourites: a room and one of its scenes starred, marked in the snapshot (then unstarred,
        // so that the fixtures after this one show none).
        let room = snapshot["rooms"][0].clone();
        let scene = snapshot["scenes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["group"]["id"] == room["id"])
            .unwrap()
            .clone();
        let star = |kind: &str, item: &Value, on: bool| {
            let favourite = json!({"bridge_id": item["bridge_id"], "kind": kind, "id": item["id"]});
            invoke(
                &window,
                "set_favourite",
                json!({"favourite": favourite, "on": on}),
            )
            .unwrap();
        };
        star("room", &room, true);
        star("scene", &scene, true);
        let starred = invoke_until(&window, "lights_snapshot", |s| {
            s["rooms"][0]["favourite"] == json!(true)
                && s["scenes"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|s| s["favourite"] == json!(true))
        });
        let marked = |list: &Value| -> Vec<Value> {
            list.as_array()
                .unwrap()
                .iter()
                .filter(|item| item["favourite"] == json!(true))
                .map(|item| item["id"].clone())
                .collect()
        };
        assert_eq!(marked(&starred["rooms"]), [room["id"].clone()]);
        assert_eq!(marked(&starred["scenes"]), [scene["id"].clone()]);
        assert!(marked(&starred["zones"]).is_empty());
        expect_test::expect_file!["../../ui/tests/fixtures/snapshot-favourites.json"]
            .assert_eq(&pretty(starred.clone()));
        star("room", &room, false);
        star("scene", &scene, false);
        invoke_until(&window, "lights_snapshot", |s| *s == snapshot);

        // The shortcuts Settings lists, bound to the demo's room, scene and all off; and what a
        // session without global shortcuts shows. (The mock runtime has no plugin to register
        // with: the views are built from the same types the commands answer.)
        let target: hearth_core::lights::Target =
            serde_json::from_value(json!({"kind": room["kind"], "id": room["id"]})).unwrap();
        let binding = |shortcut: &str, action, active| hotkeys::BindingView {
            binding: hotkeys::Binding {
                shortcut: hotkeys::parse(shortcut).unwrap().into_string(),
                action,
            },
            active,
        };
        let bound = hotkeys::HotkeysView {
            support: hotkeys::Support::Available,
            bindings: vec![
                binding(
                    "Control+Alt+KeyL",
                    hotkeys::HotkeyAction::Toggle { target },
                    true,
                ),
                binding("Super+Digit0", hotkeys::HotkeyAction::AllOff, true),
                binding(
                    "Control+Alt+KeyR",
                    hotkeys::HotkeyAction::Scene {
                        scene_id: scene["id"].as_str().unwrap().to_owned(),
                    },
                    false,
                ),
            ],
        };
        expect_test::expect_file!["../../ui/tests/fixtures/hotkeys.json"]
            .assert_eq(&pretty(serde_json::to_value(&bound).unwrap()));
        let wayland = hotkeys::HotkeysView {
            support: hotkeys::Support::Wayland,
            bindings: Vec::new(),
        };
        expect_test::expect_file!["../../ui/tests/fixtures/hotkeys-wayland.json"]
            .assert_eq(&pretty(serde_json::to_value(&wayland).unwrap()));
        // Binding where no plugin runs (here, as in a Wayland session) is refused, saving nothing.
        let refused = invoke(
            &window,
            "bind_hotkey",
            json!({"shortcut": "Control+Alt+KeyL", "action": {"action": "all_off"}}),
        )
        .unwrap_err();
        assert_eq!(refused, json!({"kind": "hotkeys_unavailable"}));
        assert_eq!(
            invoke(&window, "hotkeys_view", json!({})).unwrap()["bindings"],
            json!([])
        );
        // What the window hears when another application holds the combination.
        let shortcut = hotkeys::parse("Control+Alt+KeyL").unwrap();
        let taken = hotkeys::problem_of(
            &tauri_plugin_global_shortcut::Error::from(global_hotkey::Error::AlreadyRegistered(
                shortcut,
            )),
            shortcut,
            "Control+Alt+KeyL",
        );
        expect_test::expect_file!["../../ui/tests/fixtures/error-hotkey-taken.json"].assert_eq(
            &pretty(serde_json::to_value(super::CommandError::from(taken)).unwrap()),
        );

        // The demo's app registration is entered, not linked.
        let registered = invoke_until(&window, "remote_view", |v| v["registered"] == json!(true));
        assert_eq!(registered["account"]["state"], json!("not_linked"));
        expect_test::expect_file!["../../ui/tests/fixtures/remote-registered.json"]
            .assert_eq(&pretty(registered));

        // Linking: the mock runtime has no browser to open, which is an error of its own; the
        // flow waits all the same.
        let no_browser = invoke(
            &window,
            "remote_start_link",
            json!({"choice": {"kind": "auto"}}),
        )
        .unwrap_err();
        assert_eq!(no_browser["kind"], json!("browser"));
        let waiting = invoke_until(&window, "remote_view", |v| {
            v["flow"]["step"] == json!("waiting")
        });
        expect_test::expect_file!["../../ui/tests/fixtures/remote-waiting.json"]
            .assert_eq(&pretty(waiting));
        let refused = invoke(
            &window,
            "remote_paste",
            json!({"url": "https://example.org/done?code=c&state=forged"}),
        )
        .unwrap_err();
        expect_test::expect_file!["../../ui/tests/fixtures/error-paste.json"]
            .assert_eq(&pretty(refused));

        // The demo cloud's consent page, answered by a scripted browser; the address it ends on
        // pasted.
        let consent = |decision| {
            let authorize_url =
                invoke(&window, "remote_view", json!({})).unwrap()["flow"]["authorize_url"]
                    .as_str()
                    .unwrap()
                    .to_owned();
            let landed = tauri::async_runtime::block_on(async {
                hearth_sim::cloud::browser::Browser::new()
                    .unwrap()
                    .visit(&authorize_url, decision)
                    .await
                    .unwrap()
            });
            // The demo's answer comes back to a loopback page; elsewhere, it is pasted.
            if let hearth_sim::cloud::browser::Landed::Elsewhere(address) = landed {
                invoke(&window, "remote_paste", json!({"url": address})).unwrap();
            }
        };
        consent(hearth_sim::cloud::browser::Decision::Deny);
        let failed = invoke_until(&window, "remote_view", |v| {
            v["flow"]["step"] == json!("failed")
        });
        expect_test::expect_file!["../../ui/tests/fixtures/remote-failed.json"]
            .assert_eq(&pretty(failed));

        // What `remote_start_link` answers where a browser opens: the core call it makes.
        let home = app.state::<Home>().inner().clone();
        let started = tauri::async_runtime::block_on(async {
            home.remote()
                .unwrap()
                .start_link(hearth_core::remote::ReceiverChoice::Auto)
                .await
                .unwrap()
        });
        expect_test::expect_file!["../../ui/tests/fixtures/link-started.json"]
            .assert_eq(&pretty(serde_json::to_value(started).unwrap()));
        invoke_until(&window, "remote_view", |v| {
            v["flow"]["step"] == json!("waiting")
        });
        consent(hearth_sim::cloud::browser::Decision::Allow);
        let mut linked = invoke_until(&window, "remote_view", |v| {
            v["flow"]["step"] == json!("done")
        });
        assert_eq!(linked["account"]["state"], json!("linked"));
        // The token's expiry moves with the clock: a fixed one, far ahead.
        assert!(linked["account"]["expires_at"].is_u64());
        linked["account"]["expires_at"] = json!(4_102_444_800_u64);
        expect_test::expect_file!["../../ui/tests/fixtures/remote-linked.json"]
            .assert_eq(&pretty(linked));

        // Away from home: the bridge is reached through the (simulated) cloud.
        invoke(&window, "set_demo_away", json!({"away": true})).unwrap();
        let away = invoke_until(&window, "lights_snapshot", |s| {
            s["bridges"][0]["via"] == json!("remote")
                && s["bridges"][0]["connection"]["state"] == json!("live")
        });
        expect_test::expect_file!["../../ui/tests/fixtures/snapshot-away.json"]
            .assert_eq(&pretty(away));
        let status = invoke(&window, "home_status", json!({})).unwrap();
        assert_eq!(status["demo_away"], json!(true));
    }

    /// What `home_status` answers when the lights could not be opened (a damaged `bridges.json`):
    /// the same `Home::set_problem` that `open_home` calls, for the UI's fixture.
    #[test]
    fn the_ui_fixture_of_a_home_that_could_not_open_is_what_rust_sends() {
        use hearth_core::lights::{Lights, LightsConfig};

        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("bridges.json"), "{").unwrap();
        let err = tauri::async_runtime::block_on(Lights::open(
            LightsConfig::new(Some(dir.path().to_path_buf())),
            Arc::new(hearth_secret::MemoryStore::default()),
        ))
        .unwrap_err();
        let (home, _relay) = Home::new();
        home.set_problem(hearth_core::problem::Problem::from(&err));
        let status = serde_json::to_string(&home.status())
            .unwrap()
            .replace(&dir.path().display().to_string(), "/home/u/.config/hearth");
        let status: Value = serde_json::from_str(&status).unwrap();
        assert_eq!(status["problem"]["kind"], json!("config"));
        expect_test::expect_file!["../../ui/tests/fixtures/home-problem.json"]
            .assert_eq(&pretty(status));
    }

    /// Setting up, for the UI's fixtures: an empty home, discovery of a simulated bridge by its
    /// address, and the steps of pairing with it.
    #[test]
    fn the_ui_fixtures_of_setting_up_are_what_rust_sends() {
        use hearth_core::lights::{Lights, LightsConfig};
        use hearth_hue::discovery::DiscoveryConfig;
        use hearth_sim::bridge::{BridgeSim, CertMode, SimConfig};
        use tauri::Listener;

        // The demo first, so that nothing of the user's is opened; then an empty lights model
        // of the test's own instead of it.
        let (app, window) = app(Startup::Demo);
        let home = app.state::<Home>().inner().clone();
        let dir = tempfile::tempdir().unwrap();
        let sim = tauri::async_runtime::block_on(async {
            let mut status = home.subscribe_status();
            status.wait_for(|s| s.demo).await.unwrap();
            let sim = BridgeSim::start(SimConfig {
                cert: CertMode::SelfSigned,
                seed: 7,
                ..SimConfig::default()
            })
            .await
            .unwrap();
            let mut config = LightsConfig::new(Some(dir.path().to_path_buf()));
            config.discovery = DiscoveryConfig::off();
            config.pairing_poll = Duration::from_millis(50);
            let secrets = Arc::new(hearth_secret::MemoryStore::default());
            home.set_lights(Lights::open(config, secrets).await.unwrap());
            Arc::new(sim)
        });
        let status = invoke(&window, "home_status", json!({})).unwrap();
        assert_eq!(
            (&status["ready"], &status["demo"]),
            (&json!(true), &json!(false))
        );
        expect_test::expect_file!["../../ui/tests/fixtures/home-empty.json"]
            .assert_eq(&pretty(status));
        let empty = invoke_until(&window, "lights_snapshot", |s| s["rooms"] == json!([]));
        expect_test::expect_file!["../../ui/tests/fixtures/snapshot-empty.json"]
            .assert_eq(&pretty(empty));
        let unregistered =
            invoke_until(&window, "remote_view", |v| v["registered"] == json!(false));
        expect_test::expect_file!["../../ui/tests/fixtures/remote-unregistered.json"]
            .assert_eq(&pretty(unregistered));

        let found = invoke(
            &window,
            "discover_bridges",
            json!({"manual": [sim.address()]}),
        )
        .unwrap();
        assert_eq!(found["bridges"][0]["sources"], json!(["manual"]));
        expect_test::expect_file!["../../ui/tests/fixtures/discovery.json"]
            .assert_eq(&pretty(found));

        // Pairing: every step the UI hears, the link button pressed once it is asked for.
        let steps = Arc::new(std::sync::Mutex::new(Vec::<Value>::new()));
        let heard = Arc::clone(&steps);
        let button = Arc::clone(&sim);
        app.listen_any("pairing", move |event| {
            let step: Value = serde_json::from_str(event.payload()).unwrap();
            let mut steps = heard.lock().unwrap();
            let first_press = step["step"] == json!("press_button")
                && !steps.iter().any(|s| s["step"] == json!("press_button"));
            if first_press {
                button.press_link_button();
            }
            // The countdown repeats until the press is seen: the first one is what the UI needs.
            if step["step"] != json!("press_button") || first_press {
                steps.push(step);
            }
        });
        let paired = invoke(&window, "pair_bridge", json!({"address": sim.address()})).unwrap();
        let mut steps = steps.lock().unwrap().clone();
        let kinds: Vec<&Value> = steps.iter().map(|s| &s["step"]).collect();
        assert_eq!(
            kinds,
            [
                &json!("contacting"),
                &json!("found"),
                &json!("press_button"),
                &json!("paired")
            ]
        );
        assert_eq!(steps[3]["bridge"], paired);
        // Whether the new connection is up when pairing ends depends on timing.
        let connection = &mut steps[3]["bridge"]["connection"];
        assert!(
            [json!({"state": "connecting"}), json!({"state": "live"})].contains(connection),
            "{connection}"
        );
        *connection = json!({"state": "connecting"});
        expect_test::expect_file!["../../ui/tests/fixtures/pairing.json"]
            .assert_eq(&pretty(Value::Array(steps)));

        // A failed command, as the window shows it: nothing answers on port 1.
        let unreachable =
            invoke(&window, "pair_bridge", json!({"address": "127.0.0.1:1"})).unwrap_err();
        assert_eq!(unreachable["kind"], json!("unreachable"));
        expect_test::expect_file!["../../ui/tests/fixtures/error-unreachable.json"]
            .assert_eq(&pretty(unreachable));
    }

    /// The Settings screen's answers, for the UI's fixtures: the demo keeps the shared settings
    /// in memory (it writes no file), the energy proxy is checked, and the window's preferences
    /// read back as set.
    #[test]
    fn the_ui_fixtures_of_settings_are_what_rust_sends() {
        let (_app, window) = app(Startup::Demo);
        let view = invoke(&window, "settings_view", json!({})).unwrap();
        assert_eq!(view["energy_proxy"], Value::Null);
        assert_eq!(view["memory_only"], json!(true));
        // The mock runtime has no login items to read.
        assert_eq!(view["launch_at_login"], Value::Null);
        expect_test::expect_file!["../../ui/tests/fixtures/settings.json"].assert_eq(&pretty(view));

        let refused = invoke(
            &window,
            "set_energy_proxy",
            json!({"url": "http://energy.example.org", "clientId": "hearth"}),
        )
        .unwrap_err();
        assert_eq!(refused["reason"], json!("not_https"));
        expect_test::expect_file!["../../ui/tests/fixtures/error-proxy.json"]
            .assert_eq(&pretty(refused));
        let no_id = invoke(
            &window,
            "set_energy_proxy",
            json!({"url": "https://energy.example.org", "clientId": " "}),
        )
        .unwrap_err();
        assert_eq!(no_id["reason"], json!("no_client_id"));

        let kept = invoke(
            &window,
            "set_energy_proxy",
            json!({"url": "https://energy.example.org", "clientId": "hearth"}),
        )
        .unwrap();
        assert_eq!(kept["url"], json!("https://energy.example.org/"));
        invoke(&window, "set_theme", json!({"theme": "dark"})).unwrap();
        invoke(&window, "set_notifications", json!({"on": false})).unwrap();
        let changed = invoke(&window, "settings_view", json!({})).unwrap();
        assert_eq!(changed["energy_proxy"], kept);
        assert_eq!(changed["theme"], json!("dark"));
        assert_eq!(changed["notifications"], json!(false));
        expect_test::expect_file!["../../ui/tests/fixtures/settings-changed.json"]
            .assert_eq(&pretty(changed));
        assert!(invoke(&window, "set_theme", json!({"theme": "blue"})).is_err());
        // Where the login items cannot be reached, the switch says so instead of pretending.
        let unavailable = invoke(&window, "set_launch_at_login", json!({"on": true})).unwrap_err();
        assert_eq!(unavailable["kind"], json!("launch_at_login"));

        invoke(&window, "clear_energy_proxy", json!({})).unwrap();
        let cleared = invoke(&window, "settings_view", json!({})).unwrap();
        assert_eq!(cleared["energy_proxy"], Value::Null);
    }

    /// `ui/src/lib/bindings.ts` is what Rust generates: a renamed field, command or event fails
    /// here until the file is written again (`UPDATE_EXPECT=1 cargo test -p hearth-app bindings`)
    /// and the UI follows (its type check fails where it no longer fits).
    #[test]
    fn the_committed_bindings_are_what_rust_generates() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bindings.ts");
        ipc::typescript::<MockRuntime>(&path).unwrap();
        let generated = std::fs::read_to_string(&path).unwrap();
        expect_test::expect_file!["../../ui/src/lib/bindings.ts"].assert_eq(&generated);
    }

    /// One list of commands: what `ipc::commands` registers is what `build.rs` declares (from
    /// `command_names.rs`) and what the window's capability grants.
    #[test]
    fn registered_declared_and_granted_commands_are_the_same() {
        use std::collections::BTreeSet;

        let registered: BTreeSet<String> =
            (ipc::commands::<MockRuntime>().1)(&mut specta::Types::default())
                .functions
                .iter()
                .map(|function| function.name().to_string())
                .collect();
        let declared: BTreeSet<String> = ipc::names::COMMANDS
            .iter()
            .map(|name| (*name).to_owned())
            .collect();
        let capability: Value =
            serde_json::from_str(include_str!("../capabilities/main.json")).unwrap();
        let granted: BTreeSet<String> = capability["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|permission| permission.as_str()?.strip_prefix("allow-"))
            .map(|name| name.replace('-', "_"))
            .collect();
        assert_eq!(declared.len(), ipc::names::COMMANDS.len(), "a name twice");
        assert_eq!(registered, declared, "registered vs build.rs");
        assert_eq!(granted, declared, "capabilities/main.json vs build.rs");
    }
}
