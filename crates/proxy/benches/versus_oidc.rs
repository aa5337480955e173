//! `make bench` for hearth-proxy against npm `oidc-provider`: the same `wrk` load (`-t2 -c32`,
//! POST of the device-code grant polling one pending code) on oidc-provider's `/token`, then on
//! hearth-proxy's `/device/token` with the embedded store and with Redis. Prints req/s, p99 and
//! each store's ratio to oidc-provider; the goal is ≥ 5 with the embedded store, p99
//! under 10 ms.
//!
//! Everything listens on 127.0.0.1 and stops by itself; each run lasts `SECONDS` seconds. The
//! proxy runs in this process; oidc-provider in node (`make deps` installs it in
//! `tests/peers/oidc`); `wrk` is the Debian package (`make deps` installs it). The load
//! generator shares the machine's cores with the server measured, the same for all three.

use std::fmt::Write as _;
use std::io::Read as _;
use std::net::TcpListener as StdListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};
use base64::Engine as _;
use clap::Parser as _;
use hearth_proxy::Config;

const SECONDS: u64 = 10;
const THREADS: &str = "2";
const CONNECTIONS: &str = "32";
const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// A child process killed on drop.
struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> Result<u16> {
    Ok(StdListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn wait_for_port(port: u16, what: &str) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if Instant::now() > deadline {
            bail!("{what} did not start");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok(())
}

/// oidc-provider as the peer tests run it (`tests/peers/oidc/server.js`), and its issuer URL.
fn oidc_provider(scratch: &Path) -> Result<(Guard, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/peers/oidc");
    if !dir.join("node_modules/oidc-provider").is_dir() {
        bail!("oidc-provider is not installed: run `make deps`");
    }
    let ready = scratch.join("oidc-ready");
    let child = Command::new("node")
        .arg(dir.join("server.js"))
        .current_dir(&dir)
        .env("OIDC_READY_FILE", &ready)
        .env("OIDC_INTERVAL", "1")
        // The server exits when its stdin closes.
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .context("starting node")?;
    let guard = Guard(child);
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(line) = std::fs::read_to_string(&ready) {
            return Ok((guard, line.trim().to_owned()));
        }
        if Instant::now() > deadline {
            bail!("oidc-provider did not start");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn redis() -> Result<(Guard, String)> {
    let binary = "/usr/bin/redis-server";
    if !Path::new(binary).exists() {
        bail!("redis-server is not installed (make deps installs it)");
    }
    let port = free_port()?;
    let child = Command::new(binary)
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
        .args(["--save", "", "--appendonly", "no"])
        .stdout(Stdio::null())
        .spawn()?;
    let guard = Guard(child);
    wait_for_port(port, "redis-server")?;
    Ok((guard, format!("redis://127.0.0.1:{port}/")))
}

/// What one `wrk` run measured.
struct Load {
    rate: f64,
    p99_ms: f64,
    non_2xx: u64,
    requests: u64,
}

fn wrk(
    scratch: &Path,
    name: &str,
    url: &str,
    body: &str,
    headers: &[(&str, &str)],
) -> Result<Load> {
    let script = scratch.join(format!("{name}.lua"));
    let mut lua = format!("wrk.method = \"POST\"\nwrk.body = \"{body}\"\n");
    lua.push_str("wrk.headers[\"Content-Type\"] = \"application/x-www-form-urlencoded\"\n");
    for (k, v) in headers {
        writeln!(lua, "wrk.headers[\"{k}\"] = \"{v}\"")?;
    }
    std::fs::write(&script, lua)?;
    let mut child = Command::new("wrk")
        .args([
            "-t",
            THREADS,
            "-c",
            CONNECTIONS,
            "-d",
            &format!("{SECONDS}s"),
        ])
        .args(["--latency", "-s"])
        .arg(&script)
        .arg(url)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .context("wrk is not installed (make deps installs the Debian package wrk)")?;
    let mut out = String::new();
    child
        .stdout
        .take()
        .context("no wrk output")?
        .read_to_string(&mut out)?;
    child.wait()?;
    let number = |prefix: &str| -> Option<String> {
        out.lines()
            .find_map(|l| l.trim().strip_prefix(prefix).map(|v| v.trim().to_owned()))
    };
    let rate = number("Requests/sec:")
        .and_then(|v| v.parse::<f64>().ok())
        .with_context(|| format!("no Requests/sec in wrk's output:\n{out}"))?;
    let p99 = number("99%")
        .and_then(|v| duration_ms(&v))
        .with_context(|| format!("no 99% latency in wrk's output:\n{out}"))?;
    let requests = out
        .lines()
        .find(|l| l.contains("requests in"))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let non_2xx = number("Non-2xx or 3xx responses:")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    Ok(Load {
        rate,
        p99_ms: p99,
        non_2xx,
        requests,
    })
}

/// wrk's durations: `812.00us`, `2.31ms`, `1.02s`.
fn duration_ms(value: &str) -> Option<f64> {
    let split = value.find(|c: char| c.is_ascii_alphabetic())?;
    let (n, unit) = value.split_at(split);
    let n: f64 = n.parse().ok()?;
    Some(match unit {
        "us" => n / 1e3,
        "ms" => n,
        "s" => n * 1e3,
        "m" => n * 60e3,
        _ => return None,
    })
}

fn print(name: &str, load: &Load, baseline: Option<f64>) {
    let ratio = baseline.map_or_else(String::new, |b| {
        format!(", {:.1}× oidc-provider", load.rate / b)
    });
    println!(
        "{name:<28} {:>8.0} req/s, p99 {:>6.2} ms ({} requests, {} answered 4xx/5xx as expected of a pending code{ratio})",
        load.rate, load.p99_ms, load.requests, load.non_2xx
    );
}

fn config(store: &str, url: &str) -> Result<Config> {
    let mut config = Config::try_parse_from([
        "hearth-proxy",
        "--public-url",
        url,
        "--store",
        store,
        "--client",
        "bench",
        // Never contacted: polling a pending flow does not touch the provider.
        "--authorize-url",
        "http://127.0.0.1:9/authorize",
        "--token-url",
        "http://127.0.0.1:9/token",
        "--log",
        "warn",
    ])?;
    config.client_secret = Some(hearth_secret::Secret::new("bench"));
    Ok(config)
}

/// Serves a proxy on `store` and measures its polling of one pending code.
fn proxy(scratch: &Path, name: &str, store: &str) -> Result<Load> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
    let url = format!("http://{}", listener.local_addr()?);
    let state = runtime.block_on(hearth_proxy::build_state(config(store, &url)?))?;
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = runtime.spawn(hearth_proxy::serve(state, listener, async {
        let _ = stop_rx.await;
    }));
    let device_code = runtime.block_on(async {
        let body: serde_json::Value = reqwest::Client::new()
            .post(format!("{url}/device/code"))
            .form(&[("client_id", "bench")])
            .send()
            .await?
            .json()
            .await?;
        body["device_code"]
            .as_str()
            .map(str::to_owned)
            .context("no device code")
    })?;
    let body = format!("grant_type={DEVICE_GRANT}&client_id=bench&device_code={device_code}");
    let load = wrk(scratch, name, &format!("{url}/device/token"), &body, &[]);
    let _ = stop_tx.send(());
    runtime.block_on(server)??;
    load
}

fn main() -> Result<()> {
    let scratch = tempfile::tempdir()?;
    let (_oidc, issuer) = oidc_provider(scratch.path())?;
    let basic = base64::engine::general_purpose::STANDARD.encode("hearth-peer:peer-client-secret");
    let device_code = {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        runtime.block_on(async {
            let body: serde_json::Value = reqwest::Client::new()
                .post(format!("{issuer}/device/auth"))
                .header("Authorization", format!("Basic {basic}"))
                .form(&[("client_id", "hearth-peer"), ("scope", "openid")])
                .send()
                .await?
                .json()
                .await?;
            body["device_code"]
                .as_str()
                .map(str::to_owned)
                .with_context(|| format!("no device code from oidc-provider: {body}"))
        })?
    };
    println!(
        "POST of the device-code grant polling one pending code, wrk -t{THREADS} -c{CONNECTIONS} -d{SECONDS}s, on 127.0.0.1:"
    );
    let oidc = wrk(
        scratch.path(),
        "oidc",
        &format!("{issuer}/token"),
        &format!("grant_type={DEVICE_GRANT}&device_code={device_code}"),
        &[("Authorization", &format!("Basic {basic}"))],
    )?;
    print("oidc-provider (node)", &oidc, None);
    let sqlite = scratch
        .path()
        .join("bench.sqlite3")
        .to_string_lossy()
        .into_owned();
    let embedded = proxy(scratch.path(), "sqlite", &sqlite)?;
    print("hearth-proxy, SQLite", &embedded, Some(oidc.rate));
    let (_redis, redis_url) = redis()?;
    let shared = proxy(scratch.path(), "redis", &redis_url)?;
    print("hearth-proxy, Redis", &shared, Some(oidc.rate));
    println!(
        "embedded store: {:.1}× oidc-provider (goal ≥ 5), p99 {:.2} ms (goal < 10 ms)",
        embedded.rate / oidc.rate,
        embedded.p99_ms
    );
    Ok(())
}
