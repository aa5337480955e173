//! Just enough of the W3C WebDriver protocol to drive the real app through `tauri-driver` (which
//! hands the session to WebKitWebDriver): start a session, find elements, read text, click, run a
//! script.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::desktop::Desktop;
use crate::process::{ChildGuard, free_port, is_listening, wait_for};
use crate::{HarnessError, Result};

/// The element reference key of the W3C protocol.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A `tauri-driver` process inside a [`Desktop`].
pub struct TauriDriver {
    _process: ChildGuard,
    url: String,
    http: reqwest::Client,
}

impl TauriDriver {
    pub fn start(desktop: &Desktop) -> Result<Self> {
        let port = free_port()?;
        let native_port = free_port()?;
        let program = tauri_driver_path();
        let process = ChildGuard::spawn(
            "tauri-driver",
            desktop
                .command(&program)
                .args([
                    "--port",
                    &port.to_string(),
                    "--native-port",
                    &native_port.to_string(),
                ])
                .stdout(Stdio::inherit())
                .stderr(Stdio::inherit()),
        )?;
        // tauri-driver listens at once but forwards to WebKitWebDriver, which starts after it.
        wait_for(
            "tauri-driver and WebKitWebDriver to listen",
            Duration::from_secs(20),
            || (is_listening(port) && is_listening(native_port)).then_some(()),
        )?;
        Ok(Self {
            _process: process,
            url: format!("http://127.0.0.1:{port}"),
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(60))
                .build()?,
        })
    }

    /// Starts the app at `application` with `args` and opens a session on its window.
    pub async fn launch(&self, application: &Path, args: &[&str]) -> Result<Session> {
        let capabilities = json!({
            "capabilities": {
                "alwaysMatch": {
                    "tauri:options": { "application": application, "args": args }
                }
            }
        });
        let reply = post(&self.http, &format!("{}/session", self.url), &capabilities).await?;
        let id = reply["sessionId"]
            .as_str()
            .ok_or_else(|| HarnessError::WebDriver(format!("no session id in {reply}")))?;
        Ok(Session {
            http: self.http.clone(),
            url: format!("{}/session/{id}", self.url),
        })
    }
}

fn tauri_driver_path() -> std::path::PathBuf {
    let cargo_bin = std::env::var_os("CARGO_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cargo")))
        .map(|home| home.join("bin/tauri-driver"));
    match cargo_bin {
        Some(path) if path.is_file() => path,
        _ => "tauri-driver".into(),
    }
}

async fn post(http: &reqwest::Client, url: &str, body: &Value) -> Result<Value> {
    let reply: Value = http.post(url).json(body).send().await?.json().await?;
    unwrap_value(reply)
}

async fn get(http: &reqwest::Client, url: &str) -> Result<Value> {
    let reply: Value = http.get(url).send().await?.json().await?;
    unwrap_value(reply)
}

fn unwrap_value(mut reply: Value) -> Result<Value> {
    let value = reply["value"].take();
    match value.get("error").and_then(Value::as_str) {
        Some(error) => Err(HarnessError::WebDriver(format!(
            "{error}: {}",
            value["message"].as_str().unwrap_or_default()
        ))),
        None => Ok(value),
    }
}

/// A WebDriver session on the app's window.
pub struct Session {
    http: reqwest::Client,
    url: String,
}

/// An element of the page.
pub struct Element {
    id: String,
}

impl Session {
    pub async fn find(&self, css: &str) -> Result<Element> {
        let value = post(
            &self.http,
            &format!("{}/element", self.url),
            &json!({ "using": "css selector", "value": css }),
        )
        .await?;
        let id = value[ELEMENT_KEY]
            .as_str()
            .ok_or_else(|| HarnessError::WebDriver(format!("no element reference in {value}")))?;
        Ok(Element { id: id.to_owned() })
    }

    pub async fn text(&self, element: &Element) -> Result<String> {
        let value = get(
            &self.http,
            &format!("{}/element/{}/text", self.url, element.id),
        )
        .await?;
        Ok(value.as_str().unwrap_or_default().to_owned())
    }

    /// An attribute of the element (`None` when it has none).
    pub async fn attribute(&self, element: &Element, name: &str) -> Result<Option<String>> {
        let value = get(
            &self.http,
            &format!("{}/element/{}/attribute/{name}", self.url, element.id),
        )
        .await?;
        Ok(value.as_str().map(str::to_owned))
    }

    pub async fn click(&self, element: &Element) -> Result<()> {
        post(
            &self.http,
            &format!("{}/element/{}/click", self.url, element.id),
            &json!({}),
        )
        .await
        .map(drop)
    }

    /// Runs `script` (a function body; `arguments` holds `args`) in the page and returns its value.
    pub async fn execute(&self, script: &str, args: &[Value]) -> Result<Value> {
        post(
            &self.http,
            &format!("{}/execute/sync", self.url),
            &json!({ "script": script, "args": args }),
        )
        .await
    }

    /// Waits until the element matching `css` shows text for which `check` holds, and returns it.
    /// The element may appear, disappear and change meanwhile (the UI is live).
    pub async fn wait_for_text(
        &self,
        css: &str,
        timeout: Duration,
        check: impl Fn(&str) -> bool,
    ) -> Result<String> {
        let start = Instant::now();
        loop {
            let last = match self.find(css).await {
                Ok(element) => match self.text(&element).await {
                    Ok(text) if check(&text) => return Ok(text),
                    Ok(text) => format!("{text:?}"),
                    Err(err) => err.to_string(),
                },
                Err(err) => err.to_string(),
            };
            if start.elapsed() > timeout {
                return Err(HarnessError::Timeout {
                    what: format!("{css} to show the expected text (last seen: {last})"),
                    secs: timeout.as_secs(),
                });
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Ends the session, which closes the app.
    pub async fn close(self) -> Result<()> {
        self.http.delete(&self.url).send().await?;
        Ok(())
    }
}
