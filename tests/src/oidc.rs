//! A third-party OAuth server for the peer tests: npm `oidc-provider`, run by
//! `peers/oidc/server.js` on 127.0.0.1 with a free port, and a cookie-keeping HTTP client that
//! plays the user's browser on its pages (the login and consent interactions complete on their
//! own; the device flow's code pages are real forms, submitted as a browser would).
//!
//! `make deps` installs the server's packages (`npm ci` in `tests/peers/oidc`).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::Duration;

use url::Url;

use crate::process::{ChildGuard, wait_for};
use crate::{HarnessError, Result};

/// The client `server.js` registers: confidential, native, Basic authentication.
pub const CLIENT_ID: &str = "hearth-peer";
pub const CLIENT_SECRET: &str = "peer-client-secret";

/// How to configure the server.
#[derive(Debug, Clone)]
pub struct PeerOptions {
    /// How long a device code lives.
    pub device_code_ttl: Duration,
    /// The polling interval the server announces to device clients.
    pub interval: Duration,
}

impl Default for PeerOptions {
    fn default() -> Self {
        Self {
            device_code_ttl: Duration::from_secs(600),
            interval: Duration::from_secs(1),
        }
    }
}

/// A running oidc-provider, stopped when dropped.
#[derive(Debug)]
pub struct OidcPeer {
    issuer: Url,
    _child: ChildGuard,
    _dir: tempfile::TempDir,
}

fn peer_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("peers/oidc")
}

impl OidcPeer {
    pub fn start(options: &PeerOptions) -> Result<Self> {
        let dir = peer_dir();
        if !dir.join("node_modules/oidc-provider").is_dir() {
            return Err(HarnessError::Setup(format!(
                "oidc-provider is not installed: run `make deps` (or `npm ci` in {})",
                dir.display()
            )));
        }
        let scratch = tempfile::tempdir()?;
        let ready = scratch.path().join("ready");
        let log = std::fs::File::create(scratch.path().join("server.log"))?;
        let mut command = Command::new("node");
        command
            .arg(dir.join("server.js"))
            .current_dir(&dir)
            .env(
                "OIDC_DEVICE_TTL",
                options.device_code_ttl.as_secs().to_string(),
            )
            .env("OIDC_INTERVAL", options.interval.as_secs().to_string())
            .env("OIDC_READY_FILE", &ready)
            // The server exits when its stdin closes: if this test process dies, so does it.
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(log);
        let mut child = ChildGuard::spawn("oidc-provider (node)", &mut command)?;
        let issuer = wait_for("oidc-provider to listen", Duration::from_secs(60), || {
            if child.check_running().is_err() {
                return Some(None);
            }
            let line = std::fs::read_to_string(&ready).ok()?;
            Url::parse(line.trim()).ok().map(Some)
        })?;
        let Some(issuer) = issuer else {
            let log =
                std::fs::read_to_string(scratch.path().join("server.log")).unwrap_or_default();
            return Err(HarnessError::Setup(format!(
                "oidc-provider exited at start:\n{log}"
            )));
        };
        Ok(Self {
            issuer,
            _child: child,
            _dir: scratch,
        })
    }

    pub fn issuer(&self) -> &Url {
        &self.issuer
    }

    fn endpoint(&self, path: &str) -> Result<Url> {
        self.issuer
            .join(path)
            .map_err(|err| HarnessError::Setup(format!("bad endpoint {path}: {err}")))
    }

    pub fn authorization_endpoint(&self) -> Result<Url> {
        self.endpoint("/auth")
    }

    pub fn token_endpoint(&self) -> Result<Url> {
        self.endpoint("/token")
    }

    pub fn device_authorization_endpoint(&self) -> Result<Url> {
        self.endpoint("/device/auth")
    }
}

/// What a visit ended on.
#[derive(Debug)]
pub enum Visit {
    /// A page that is neither a redirect nor a form to submit.
    Page { url: Url, status: u16, body: String },
    /// A redirect that leaves the web (a custom scheme).
    LeftTheWeb(Url),
}

/// Plays the browser: keeps cookies (names only: every request is to one loopback server or a
/// loopback receiver), follows redirects, and submits the forms browsers submit by themselves
/// or that the user would confirm (forms whose inputs are all hidden).
#[derive(Debug)]
pub struct PeerBrowser {
    http: reqwest::Client,
    cookies: Mutex<BTreeMap<String, String>>,
}

impl PeerBrowser {
    pub fn new() -> Result<Self> {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .build()?;
        Ok(Self {
            http,
            cookies: Mutex::default(),
        })
    }

    fn cookie_header(&self) -> String {
        let cookies = self
            .cookies
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        cookies
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep_cookies(&self, response: &reqwest::Response) {
        let mut cookies = self
            .cookies
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for value in response.headers().get_all(reqwest::header::SET_COOKIE) {
            let Ok(value) = value.to_str() else { continue };
            let pair = value.split(';').next().unwrap_or_default();
            if let Some((name, value)) = pair.split_once('=') {
                if value.is_empty() {
                    cookies.remove(name.trim());
                } else {
                    cookies.insert(name.trim().to_owned(), value.trim().to_owned());
                }
            }
        }
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> Result<reqwest::Response> {
        let response = request
            .header(reqwest::header::COOKIE, self.cookie_header())
            .send()
            .await?;
        self.keep_cookies(&response);
        Ok(response)
    }

    /// Opens `url` and goes wherever the pages lead, at most 20 steps.
    pub async fn visit(&self, url: &Url) -> Result<Visit> {
        let mut current = url.clone();
        let mut response = self.send(self.http.get(current.clone())).await?;
        for _ in 0..20 {
            let status = response.status();
            if status.is_redirection() {
                let location = response
                    .headers()
                    .get(reqwest::header::LOCATION)
                    .and_then(|value| value.to_str().ok())
                    .ok_or_else(|| HarnessError::Setup("a redirect without Location".into()))?;
                let next = current
                    .join(location)
                    .map_err(|err| HarnessError::Setup(format!("bad redirect: {err}")))?;
                if !matches!(next.scheme(), "http" | "https") {
                    return Ok(Visit::LeftTheWeb(next));
                }
                current = next;
                response = self.send(self.http.get(current.clone())).await?;
                continue;
            }
            let body = response.text().await?;
            if let Some((action, fields)) = hidden_form(&body) {
                let action = current
                    .join(&action)
                    .map_err(|err| HarnessError::Setup(format!("bad form action: {err}")))?;
                current = action;
                response = self
                    .send(self.http.post(current.clone()).form(&fields))
                    .await?;
                continue;
            }
            return Ok(Visit::Page {
                url: current,
                status: status.as_u16(),
                body,
            });
        }
        Err(HarnessError::Setup(format!("too many steps from {url}")))
    }
}

/// The first POST form of `html` whose inputs are all hidden: its action and fields.
fn hidden_form(html: &str) -> Option<(String, Vec<(String, String)>)> {
    let start = html.find("<form")?;
    let end = html[start..].find("</form>")? + start;
    let form = &html[start..end];
    if !form.to_ascii_lowercase().contains("method=\"post\"") {
        return None;
    }
    let action = attribute(&form[..form.find('>')?], "action")?;
    let mut fields = Vec::new();
    let mut rest = form;
    while let Some(at) = rest.find("<input") {
        let tag_end = rest[at..].find('>')? + at;
        let tag = &rest[at..tag_end];
        if attribute(tag, "type").as_deref() != Some("hidden") {
            return None;
        }
        fields.push((
            attribute(tag, "name")?,
            attribute(tag, "value").unwrap_or_default(),
        ));
        rest = &rest[tag_end..];
    }
    Some((unescape(&action), fields))
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let marker = format!("{name}=\"");
    let start = tag.find(&marker)? + marker.len();
    let end = tag[start..].find('"')? + start;
    Some(unescape(&tag[start..end]))
}

fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::hidden_form;

    #[test]
    fn finds_hidden_forms_only() {
        let form_post = r#"<form method="post" action="http://127.0.0.1:1/device">
    <input type="hidden" name="xsrf" value="a&amp;b"/>
<input type="hidden" name="user_code" value="ABCD-EFGH"/>
    <noscript><button autofocus type="submit">Continue</button></noscript></form>"#;
        let (action, fields) = hidden_form(form_post).unwrap();
        assert_eq!(action, "http://127.0.0.1:1/device");
        assert_eq!(
            fields,
            [
                ("xsrf".to_owned(), "a&b".to_owned()),
                ("user_code".to_owned(), "ABCD-EFGH".to_owned())
            ]
        );
        let input = r#"<form id="x" method="post" action="/device"><input type="hidden" name="xsrf" value="s"/><input type="text" name="user_code"></form>"#;
        assert_eq!(hidden_form(input), None);
        assert_eq!(hidden_form("<p>done</p>"), None);
    }
}
