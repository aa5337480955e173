//! `hearth-cli remote …` and `--remote` as a person or a script uses them: the real binary against
//! the Hue cloud simulator and the bridge simulator (what `hearth-sim cloud` runs), with its own
//! configuration directory and a file secret store. The browser is the simulator's scripted one,
//! which answers the consent page and follows the redirect as a person would; the CLI never opens
//! a real one here (`--no-browser`).

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failed step panics the test with its reason.

mod common;

use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;

use common::{PATIENCE, Run, cli, config_dir, run};
use hearth_sim::bridge::{BridgeSim, SimConfig};
use hearth_sim::cloud::browser::{Browser, Decision, Landed};
use hearth_sim::cloud::{BridgeTarget, CloudSim, CloudSimHandle, Consent};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader};

const CLIENT_ID: &str = "cli-remote-test";
const CLIENT_SECRET: &str = "Cli-Client-S3cret";

struct World {
    bridge: Arc<BridgeSim>,
    cloud: CloudSimHandle,
    dir: tempfile::TempDir,
}

async fn world() -> World {
    let bridge = Arc::new(BridgeSim::start(SimConfig::default()).await.unwrap());
    // Consent asks, as the real cloud does: the browser below clicks Allow.
    let cloud = CloudSim::builder()
        .client(CLIENT_ID, CLIENT_SECRET, None)
        .consent(Consent::Ask)
        .bridge(BridgeTarget::simulated(Arc::clone(&bridge)).unwrap())
        .start()
        .await
        .unwrap();
    let dir = config_dir(&bridge);
    World { bridge, cloud, dir }
}

impl World {
    fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Runs `remote link` with `args`: reads the authorization URL it prints, lets the browser
    /// consent, and pastes `forged` then what the browser stopped at when it did not reach the
    /// loopback server.
    async fn link(&self, args: &[&str], forged: Option<&str>) -> Run {
        let mut child = cli(self.dir())
            .args(["remote", "link", "--no-browser"])
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines();
        let url = tokio::time::timeout(PATIENCE, stdout.next_line())
            .await
            .unwrap()
            .unwrap()
            .expect("the authorization URL on standard output");
        assert!(
            url.starts_with(self.cloud.base_url().as_str()),
            "{url} is not the simulator's"
        );
        if let Landed::Elsewhere(answer) = Browser::new()
            .unwrap()
            .visit(&url, Decision::Allow)
            .await
            .unwrap()
        {
            if let Some(forged) = forged {
                stdin
                    .write_all(format!("{forged}\n").as_bytes())
                    .await
                    .unwrap();
            }
            stdin
                .write_all(format!("{answer}\n").as_bytes())
                .await
                .unwrap();
        }
        let mut rest = String::new();
        while let Some(line) = tokio::time::timeout(PATIENCE, stdout.next_line())
            .await
            .unwrap()
            .unwrap()
        {
            rest.push_str(&line);
            rest.push('\n');
        }
        let output = tokio::time::timeout(PATIENCE, child.wait_with_output())
            .await
            .unwrap()
            .unwrap();
        Run {
            code: output.status.code().unwrap(),
            stdout: rest,
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    fn stored_secrets(&self) -> Vec<String> {
        let file = std::fs::read_to_string(self.dir().join("secrets.json")).unwrap();
        let secrets: serde_json::Map<String, Value> = serde_json::from_str(&file).unwrap();
        let mut values = Vec::new();
        for value in secrets.values() {
            let text = value.as_str().unwrap().to_owned();
            // The tokens are stored as one JSON object: its parts are secrets too.
            if let Ok(Value::Object(tokens)) = serde_json::from_str::<Value>(&text) {
                for part in ["access_token", "refresh_token"] {
                    if let Some(part) = tokens.get(part).and_then(Value::as_str) {
                        values.push(part.to_owned());
                    }
                }
            }
            values.push(text);
        }
        values
    }
}

#[tokio::test]
async fn links_with_each_callback_mode_then_drives_the_lights_through_the_cloud() {
    let world = world().await;
    let dir = world.dir();
    let cloud_url = world.cloud.base_url().to_string();

    // Nothing registered yet.
    let none = run(dir, &["remote", "link", "--no-browser"]).await;
    assert_eq!(none.code, 9, "{}", none.stderr);
    assert!(
        none.stderr.contains("Hue developer portal"),
        "{}",
        none.stderr
    );
    let half = run(dir, &["remote", "link", "--client-id", CLIENT_ID]).await;
    assert_eq!(half.code, 1, "{}", half.stderr);
    assert!(half.stderr.contains("--client-secret"), "{}", half.stderr);

    common::pair(dir, &world.bridge).await;

    let http = world
        .link(
            &[
                "--client-id",
                CLIENT_ID,
                "--client-secret",
                CLIENT_SECRET,
                "--cloud-url",
                &cloud_url,
                "--callback",
                "loopback-http",
                "--port",
                "0",
            ],
            None,
        )
        .await;
    assert_eq!(http.code, 0, "{}", http.stderr);
    let linked = format!(
        "Linked: remote access reaches bridge {}.",
        world.bridge.bridge_id()
    );
    assert!(http.stdout.contains(&linked), "{}", http.stdout);
    assert!(
        http.stderr
            .contains("Waiting for the browser at http://localhost:")
    );

    // The registration and the cloud are remembered: no need to repeat them.
    let https = world
        .link(&["--callback", "loopback-https", "--port", "0"], None)
        .await;
    assert_eq!(https.code, 0, "{}", https.stderr);
    assert!(https.stderr.contains("accept it"), "{}", https.stderr);

    let paste = world
        .link(
            &[
                "--client-id",
                CLIENT_ID,
                "--client-secret",
                CLIENT_SECRET,
                "--redirect-uri",
                "https://example.org/hue-callback",
                "--callback",
                "paste",
            ],
            Some("https://example.org/hue-callback?code=FORGED&state=not-ours"),
        )
        .await;
    assert_eq!(paste.code, 0, "{}", paste.stderr);
    assert!(
        paste
            .stderr
            .contains("Not taken: this answer belongs to another sign-in"),
        "{}",
        paste.stderr
    );
    assert!(!paste.stderr.contains("FORGED"), "{}", paste.stderr);

    let deep = world
        .link(
            &[
                "--client-id",
                CLIENT_ID,
                "--client-secret",
                CLIENT_SECRET,
                "--redirect-uri",
                "hearth://oauth/callback",
                "--callback",
                "deep-link",
            ],
            Some("hearth://evil/callback?code=x&state=y"),
        )
        .await;
    assert_eq!(deep.code, 0, "{}", deep.stderr);
    assert!(
        deep.stderr.contains("not the sign-in redirect"),
        "{}",
        deep.stderr
    );
    // The paired bridge's app key served: no username was made through the cloud.
    assert_eq!(world.cloud.stats().link_button_presses, 0);
    assert_eq!(world.cloud.stats().code_exchanges, 4);

    let status = run(dir, &["remote", "status", "--json"]).await;
    assert_eq!(status.code, 0, "{}", status.stderr);
    let view: Value = serde_json::from_str(&status.stdout).unwrap();
    assert_eq!(view["account"]["state"], "linked");
    assert_eq!(view["client_id"], CLIENT_ID);
    assert_eq!(view["bridge_id"], world.bridge.bridge_id().as_str());
    let text = run(dir, &["remote", "status"]).await;
    assert!(
        text.stdout.contains("Remote access: linked"),
        "{}",
        text.stdout
    );

    // --remote: every light command through the cloud, the LAN answering or not.
    let before = world.cloud.stats().route_calls;
    let lights = run(dir, &["--remote", "lights", "--json"]).await;
    assert_eq!(lights.code, 0, "{}", lights.stderr);
    assert_eq!(
        serde_json::from_str::<Value>(&lights.stdout)
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        6
    );
    let off = run(dir, &["--remote", "off", "kitchen"]).await;
    assert_eq!(
        (off.code, off.stdout.as_str()),
        (0, "Kitchen: off\n"),
        "{}",
        off.stderr
    );
    let kitchen = world.bridge.find("room", "Kitchen").unwrap();
    assert!(
        world
            .bridge
            .lights_of(&kitchen)
            .iter()
            .all(|l| world.bridge.resource(l).unwrap()["on"]["on"] == false)
    );
    assert_eq!(
        run(dir, &["--remote", "bri", "ceiling", "30"]).await.code,
        0
    );
    assert_eq!(
        run(dir, &["--remote", "scene", "kitchen/bright"])
            .await
            .code,
        0
    );
    assert!(world.cloud.stats().route_calls > before + 3);
    let bridges = run(dir, &["--remote", "bridges", "--json"]).await;
    let bridges: Value = serde_json::from_str(&bridges.stdout).unwrap();
    assert_eq!(bridges[0]["via"], "remote");

    // Away from home without --remote: the LAN does not answer, the cloud does.
    world.bridge.set_lan_reachable(false).await.unwrap();
    let away = run(dir, &["on", "kitchen"]).await;
    assert_eq!(away.code, 0, "{}", away.stderr);
    let bridges = run(dir, &["bridges"]).await;
    assert!(
        bridges.stdout.contains("via Hue cloud"),
        "{}",
        bridges.stdout
    );
    world.bridge.set_lan_reachable(true).await.unwrap();
    let home = run(dir, &["bridges"]).await;
    assert!(home.stdout.contains("live via LAN"), "{}", home.stdout);

    // No secret in anything printed.
    let secrets = world.stored_secrets();
    assert!(secrets.iter().any(|s| s == CLIENT_SECRET));
    for printed in [&http, &https, &paste, &deep, &status, &text, &lights, &off] {
        for secret in &secrets {
            assert!(!printed.stdout.contains(secret.as_str()));
            assert!(!printed.stderr.contains(secret.as_str()));
        }
    }

    let unlink = run(dir, &["remote", "unlink"]).await;
    assert_eq!(unlink.code, 0, "{}", unlink.stderr);
    let status = run(dir, &["remote", "status", "--json"]).await;
    let view: Value = serde_json::from_str(&status.stdout).unwrap();
    assert_eq!(view["account"]["state"], "not_linked");
    assert_eq!(view["registered"], true);
    let refused = run(dir, &["--remote", "lights"]).await;
    assert_eq!(refused.code, 9, "{}", refused.stderr);
    assert!(refused.stderr.contains("not linked"), "{}", refused.stderr);
}

#[tokio::test]
async fn linking_problems_have_their_exit_codes() {
    let world = world().await;
    let dir = world.dir();
    let cloud_url = world.cloud.base_url().to_string();
    let register = [
        "--client-id",
        CLIENT_ID,
        "--client-secret",
        CLIENT_SECRET,
        "--cloud-url",
        cloud_url.as_str(),
    ];
    // Paste needs the page registered on the portal.
    let mut args = register.to_vec();
    args.extend(["--callback", "paste", "--no-browser"]);
    let paste = run(dir, &[&["remote", "link"], args.as_slice()].concat()).await;
    assert_eq!(paste.code, 1, "{}", paste.stderr);
    assert!(
        paste.stderr.contains("pasting needs the callback URL"),
        "{}",
        paste.stderr
    );
    // Nothing to paste from: standard input is at its end, so waiting would be forever.
    let mut args = register.to_vec();
    args.extend([
        "--redirect-uri",
        "https://example.org/hue-callback",
        "--callback",
        "paste",
        "--no-browser",
    ]);
    let no_input = run(dir, &[&["remote", "link"], args.as_slice()].concat()).await;
    assert_eq!(no_input.code, 1, "{}", no_input.stderr);
    assert!(
        no_input.stderr.contains("standard input ended"),
        "{}",
        no_input.stderr
    );
    // A busy port.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let mut args = register.to_vec();
    args.extend([
        "--callback",
        "loopback-http",
        "--port",
        &port,
        "--no-browser",
    ]);
    let busy = run(dir, &[&["remote", "link"], args.as_slice()].concat()).await;
    assert_eq!(busy.code, 10, "{}", busy.stderr);
    assert!(
        busy.stderr.contains(&format!("127.0.0.1:{port}")),
        "{}",
        busy.stderr
    );
    // Declined in the browser.
    world.cloud.set_consent(Consent::Deny);
    let denied = world
        .link(&["--callback", "loopback-http", "--port", "0"], None)
        .await;
    assert_eq!(denied.code, 10, "{}", denied.stderr);
    assert!(denied.stderr.contains("declined"), "{}", denied.stderr);
    // A cloud URL that is not one.
    let bad = run(
        dir,
        &[
            "remote",
            "link",
            "--client-id",
            "x",
            "--client-secret",
            "y",
            "--cloud-url",
            "ftp://x",
        ],
    )
    .await;
    assert_eq!(bad.code, 1, "{}", bad.stderr);
}
