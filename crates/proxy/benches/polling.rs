//! `make bench` for hearth-proxy: `/device/token` polling throughput and latency (p50, p99) with
//! the embedded store and with Redis, and the proxy's memory (RSS) with 100,000 pending flows.
//!
//! Everything runs on 127.0.0.1, bounded in time and count, and stops by itself. The proxy runs
//! in this process (its RSS is this process's), the load generator too, which shares the CPU: on
//! a 2-core machine the figures are a floor, not a ceiling.

use std::net::TcpListener as StdListener;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};
use clap::Parser as _;
use hearth_proxy::Config;

const DEVICES: usize = 256;
const WORKERS: usize = 32;
const POLL_TIME: Duration = Duration::from_secs(8);
const MAX_POLLS: usize = 400_000;
const PENDING_FLOWS: usize = 100_000;

struct Redis(Child, String);

impl Drop for Redis {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> Result<u16> {
    Ok(StdListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn redis() -> Result<Redis> {
    let binary = "/usr/bin/redis-server";
    if !std::path::Path::new(binary).exists() {
        bail!("redis-server is not installed (make deps installs it): the Redis figures need it");
    }
    let port = free_port()?;
    let child = Command::new(binary)
        .args([
            "--port",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ])
        .stdout(Stdio::null())
        .spawn()?;
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if Instant::now() > deadline {
            bail!("redis-server did not start");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok(Redis(child, format!("redis://127.0.0.1:{port}/")))
}

fn rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .unwrap_or(0.0);
    kib / 1024.0
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
        "--interval-ms",
        "1",
        "--requests-per-minute",
        "1000000",
        "--log",
        "warn",
    ])?;
    config.client_secret = Some(hearth_secret::Secret::new("bench"));
    Ok(config)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )] // An index.
    let index = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[index]
}

async fn polling(name: &str, store: &str) -> Result<()> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    let state = hearth_proxy::build_state(config(store, &url)?).await?;
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(hearth_proxy::serve(state, listener, async {
        let _ = stop_rx.await;
    }));
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(WORKERS)
        .build()?;
    let mut codes = Vec::with_capacity(DEVICES);
    for _ in 0..DEVICES {
        let body: serde_json::Value = http
            .post(format!("{url}/device/code"))
            .form(&[("client_id", "bench")])
            .send()
            .await?
            .json()
            .await?;
        codes.push(
            body["device_code"]
                .as_str()
                .context("no device code")?
                .to_owned(),
        );
    }
    let codes = Arc::new(codes);
    let started = Instant::now();
    let mut workers = Vec::new();
    for worker in 0..WORKERS {
        let (http, url, codes) = (http.clone(), url.clone(), Arc::clone(&codes));
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut pending = 0usize;
            let mut i = worker;
            while started.elapsed() < POLL_TIME && latencies.len() < MAX_POLLS / WORKERS {
                let t = Instant::now();
                let response = http
                    .post(format!("{url}/device/token"))
                    .form(&[
                        ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
                        ("client_id", "bench"),
                        ("device_code", &codes[i % codes.len()]),
                    ])
                    .send()
                    .await?;
                let body = response.bytes().await?;
                latencies.push(t.elapsed());
                if body.windows(21).any(|w| w == b"authorization_pending") {
                    pending += 1;
                }
                i += WORKERS;
            }
            anyhow::Ok((latencies, pending))
        }));
    }
    let mut latencies = Vec::new();
    let mut pending = 0;
    for worker in workers {
        let (l, p) = worker.await??;
        latencies.extend(l);
        pending += p;
    }
    let elapsed = started.elapsed();
    latencies.sort_unstable();
    #[allow(clippy::cast_precision_loss)] // A count of requests.
    let rate = latencies.len() as f64 / elapsed.as_secs_f64();
    println!(
        "{name:<8} /device/token polling: {} polls in {:.1} s = {rate:.0} req/s, p50 {:.2} ms, p99 {:.2} ms ({WORKERS} concurrent, {DEVICES} flows, {pending} authorization_pending, the rest slow_down)",
        latencies.len(),
        elapsed.as_secs_f64(),
        percentile(&latencies, 0.50).as_secs_f64() * 1e3,
        percentile(&latencies, 0.99).as_secs_f64() * 1e3,
    );
    let _ = stop_tx.send(());
    server.await??;
    Ok(())
}

async fn pending_flows(name: &str, store: &str) -> Result<()> {
    let state = hearth_proxy::build_state(config(store, "http://127.0.0.1:1")?).await?;
    let before = rss_mib();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for worker in 0..16 {
        let state = state.clone();
        tasks.push(tokio::spawn(async move {
            for _ in (worker..PENDING_FLOWS).step_by(16) {
                hearth_proxy::flow::start(&state, "bench", None).await?;
            }
            anyhow::Ok(())
        }));
    }
    for task in tasks {
        task.await??;
    }
    let after = rss_mib();
    println!(
        "{name:<8} {PENDING_FLOWS} pending flows created in {:.1} s; proxy RSS {before:.1} MiB before, {after:.1} MiB after",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn redis_used_memory(url: &str) -> String {
    let port = url
        .trim_start_matches("redis://127.0.0.1:")
        .trim_end_matches('/');
    let output = Command::new("redis-cli")
        .args(["-p", port, "info", "memory"])
        .output();
    output
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| {
            s.lines().find_map(|l| {
                l.strip_prefix("used_memory_human:")
                    .map(str::trim)
                    .map(str::to_owned)
            })
        })
        .unwrap_or_else(|| "unknown (no redis-cli)".into())
}

fn main() -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let dir = tempfile::tempdir()?;
        let sqlite = dir
            .path()
            .join("bench.sqlite3")
            .to_string_lossy()
            .into_owned();
        polling("sqlite", &sqlite).await?;
        let redis = redis()?;
        polling("redis", &redis.1).await?;
        // Memory: each store in a fresh file / server, the proxy state in this process.
        let sqlite_flows = dir
            .path()
            .join("flows.sqlite3")
            .to_string_lossy()
            .into_owned();
        pending_flows("sqlite", &sqlite_flows).await?;
        let size = std::fs::metadata(&sqlite_flows).map_or(0, |m| m.len())
            + std::fs::metadata(format!("{sqlite_flows}-wal")).map_or(0, |m| m.len());
        #[allow(clippy::cast_precision_loss)] // A file size.
        let mib = size as f64 / 1_048_576.0;
        println!("sqlite   database file with those flows: {mib:.1} MiB (file + WAL)");
        let fresh = self::redis()?;
        pending_flows("redis", &fresh.1).await?;
        println!(
            "redis    used_memory with those flows: {}",
            redis_used_memory(&fresh.1)
        );
        anyhow::Ok(())
    })
}
