//! Each command, over `hearth_core::lights` (the app's own code).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use hearth_core::lights::{
    Lights, LightsConfig, LightsError, PairingOptions, PairingProgress, SECRET_SERVICE, Target,
    Trust, resolve, resolve_scene,
};
use hearth_hue::Xy;
use hearth_secret::SecretStore;

use crate::output;
use crate::{Cli, Command};

fn config_dir(cli: &Cli) -> Result<PathBuf, LightsError> {
    cli.config_dir
        .clone()
        .filter(|dir| !dir.as_os_str().is_empty())
        .or_else(hearth_core::paths::config_dir)
        .ok_or_else(|| LightsError::Config {
            path: PathBuf::from("~"),
            reason: "there is no home directory: give --config-dir".to_owned(),
        })
}

pub(crate) async fn open(cli: &Cli, only_bridge: bool) -> Result<Lights, LightsError> {
    let dir = config_dir(cli)?;
    let secrets: Arc<dyn SecretStore> = hearth_secret::open(SECRET_SERVICE, &dir);
    let mut config = LightsConfig::from_env(Some(dir))?;
    if only_bridge {
        config.only_bridge.clone_from(&cli.bridge);
    }
    config.remote.force = cli.remote;
    // A command that ends within seconds has no use for other processes' changes as they happen
    // (its own changes read the files again under their lock); `watch` runs until stopped.
    if !matches!(cli.command, Command::Watch { .. }) {
        config.files_check = None;
    }
    Lights::open(config, secrets).await
}

/// Opens the lights and waits for the bridges' state, `--timeout` at most.
async fn live(cli: &Cli) -> Result<Lights, LightsError> {
    let lights = open(cli, true).await?;
    lights.wait_until_live(timeout(cli)).await?;
    Ok(lights)
}

fn timeout(cli: &Cli) -> Duration {
    Duration::from_secs(cli.timeout)
}

pub async fn run(cli: Cli) -> Result<(), crate::Failure> {
    let lights = match &cli.command {
        Command::Discover { addresses, json } => discover(&cli, addresses, *json).await,
        Command::Pair { address, wait } => pair(&cli, address, *wait).await,
        Command::Bridges { json } => {
            let lights = open(&cli, true).await?;
            // Give connections a moment to settle; the state is shown either way.
            let settle = timeout(&cli).min(Duration::from_secs(5));
            let _ = lights.wait_until_live(settle).await;
            output::bridges(&lights.snapshot(), *json);
            Ok(())
        }
        Command::Forget { bridge_id } => {
            let lights = open(&cli, false).await?;
            lights.forget(bridge_id).await?;
            println!("Forgot bridge {bridge_id}.");
            Ok(())
        }
        Command::Lights { json } => {
            output::lights(&live(&cli).await?.snapshot(), *json);
            Ok(())
        }
        Command::Rooms { json } => {
            output::groups(&live(&cli).await?.snapshot().rooms, *json);
            Ok(())
        }
        Command::Zones { json } => {
            output::groups(&live(&cli).await?.snapshot().zones, *json);
            Ok(())
        }
        Command::Scenes { json } => {
            output::scenes(&live(&cli).await?.snapshot(), *json);
            Ok(())
        }
        Command::On { target } => switch(&cli, target, Some(true)).await,
        Command::Off { target } => switch(&cli, target, Some(false)).await,
        Command::Toggle { target } => switch(&cli, target, None).await,
        Command::Bri { target, percent } => {
            let lights = live(&cli).await?;
            let (target, name) = find(&lights, target)?;
            lights.set_brightness(&target, *percent).await?;
            println!("{name}: brightness {percent}%");
            Ok(())
        }
        Command::Ct { target, mirek } => {
            let lights = live(&cli).await?;
            let (target, name) = find(&lights, target)?;
            lights.set_color_temperature(&target, *mirek).await?;
            println!("{name}: {mirek} mirek");
            Ok(())
        }
        Command::Color { target, x, y } => {
            let lights = live(&cli).await?;
            let (target, name) = find(&lights, target)?;
            lights.set_color_xy(&target, Xy { x: *x, y: *y }).await?;
            println!("{name}: colour x={x} y={y}");
            Ok(())
        }
        Command::Scene { scene } => {
            let lights = live(&cli).await?;
            let id = resolve_scene(&lights.snapshot(), scene)?;
            lights.recall_scene(&id).await?;
            let snapshot = lights.snapshot();
            let view = snapshot.scenes.iter().find(|s| s.id == id);
            println!("Recalled {}", view.map_or(id.clone(), output::scene_name));
            Ok(())
        }
        Command::AllOff => {
            live(&cli).await?.all_off().await?;
            println!("All lights off.");
            Ok(())
        }
        Command::Watch { json } => watch(&cli, *json).await,
        Command::Remote(command) => crate::remote::run(&cli, command).await,
        Command::Energy(command) => return Ok(crate::energy::run(&cli, command).await?),
    };
    Ok(lights?)
}

fn find(lights: &Lights, query: &str) -> Result<(Target, String), LightsError> {
    let snapshot = lights.snapshot();
    let target = resolve(&snapshot, query)?;
    let name = snapshot
        .light(&target.id)
        .map(|l| l.name.clone())
        .or_else(|| snapshot.group(&target.id).map(|g| g.name.clone()))
        .unwrap_or_else(|| target.id.clone());
    Ok((target, name))
}

async fn switch(cli: &Cli, query: &str, on: Option<bool>) -> Result<(), LightsError> {
    let lights = live(cli).await?;
    let (target, name) = find(&lights, query)?;
    let now = match on {
        Some(on) => {
            lights.set_on(&target, on).await?;
            on
        }
        None => lights.toggle(&target).await?,
    };
    println!("{name}: {}", if now { "on" } else { "off" });
    Ok(())
}

async fn discover(cli: &Cli, addresses: &[String], json: bool) -> Result<(), LightsError> {
    let lights = open(cli, false).await?;
    if !lights.config().discovery_enabled() && addresses.is_empty() {
        eprintln!(
            "Network discovery is off ({}=off): give the bridge's address with --address.",
            hearth_core::lights::DISCOVERY_ENV
        );
    }
    let report = lights.discover(addresses).await?;
    for problem in &report.problems {
        eprintln!("note: {problem}");
    }
    let known: Vec<String> = lights.known_bridges().into_iter().map(|b| b.id).collect();
    output::discovered(&report, &known, json);
    Ok(())
}

async fn pair(cli: &Cli, address: &str, wait: u64) -> Result<(), LightsError> {
    let lights = open(cli, false).await?;
    let options = PairingOptions {
        timeout: Some(Duration::from_secs(wait)),
        ..PairingOptions::default()
    };
    let mut asked = false;
    let bridge = lights
        .pair(address, options, move |step| match step {
            PairingProgress::Contacting { address } => eprintln!("Contacting {address}…"),
            PairingProgress::Found {
                bridge_id,
                name,
                certificate,
            } => {
                let how = match certificate.trust {
                    Trust::SignifyCa => "signed by the Hue bridge authority",
                    Trust::Pinned => "not signed by the Hue bridge authority: Hearth will pin it",
                };
                eprintln!("Found bridge {bridge_id} ({name}). Its certificate is {how}.");
                eprintln!("  SHA-256 {}", certificate.fingerprint);
            }
            PairingProgress::PressButton { remaining_secs } => {
                if !asked {
                    eprintln!("Press the link button on the bridge (waiting {remaining_secs} s)…");
                    asked = true;
                } else if remaining_secs % 5 == 0 {
                    eprintln!("  {remaining_secs} s left");
                }
            }
            PairingProgress::Paired { .. } => {}
        })
        .await?;
    println!(
        "Paired with bridge {} ({}) at {}.",
        bridge.id, bridge.name, bridge.address
    );
    // A bridge paired on the LAN always has its certificate.
    if let Some(certificate) = &bridge.certificate {
        let trust = match certificate.trust {
            Trust::SignifyCa => {
                "verified by the Hue bridge authority (CN = bridge id); fingerprint"
            }
            Trust::Pinned => "pinned",
        };
        println!("Certificate {trust}: SHA-256 {}", certificate.fingerprint);
    }
    Ok(())
}

async fn watch(cli: &Cli, json: bool) -> Result<(), LightsError> {
    let lights = open(cli, true).await?;
    let mut events = lights.events();
    let snapshot = lights.wait_until_live(timeout(cli)).await?;
    let names: Vec<String> = snapshot.bridges.iter().map(|b| b.id.clone()).collect();
    eprintln!("Watching bridge {} (Ctrl-C to stop).", names.join(", "));
    loop {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => return Ok(()),
            event = events.recv() => match event {
                Ok(event) => output::event(&event, json),
                Err(tokio::sync::broadcast::error::RecvError::Lagged(missed)) => {
                    eprintln!("note: {missed} events went by too fast to print");
                }
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return Ok(()),
            },
        }
    }
}
