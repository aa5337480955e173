//! A scripted browser for the simulator's consent page, so that tests of a client can play the
//! user: it opens the authorization URL, answers the consent page, follows redirects that stay on
//! loopback (to the app's loopback receiver), and stops at any other redirect: a `hearth://` link
//! the OS would hand to the app, or a page whose address the user would copy.

use std::time::Duration;

use url::Url;

/// What the user clicks on the consent page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    Deny,
}

/// Where a visit ended.
#[derive(Debug)]
pub enum Landed {
    /// A page on loopback that is not the consent page (the loopback receiver's answer).
    Page { status: u16, body: String },
    /// A redirect off the loopback web: the whole address, as the OS or the user gets it.
    Elsewhere(String),
}

#[derive(Debug, thiserror::Error)]
pub enum BrowserError {
    #[error("{0} is not on this machine: the scripted browser never leaves loopback")]
    NotLoopback(String),
    #[error("not a URL: {0}")]
    BadUrl(String),
    #[error(transparent)]
    Http(#[from] reqwest::Error),
}

pub struct Browser {
    http: reqwest::Client,
}

impl Browser {
    /// Accepts any certificate on loopback, as the user clicks through the browser's warning
    /// about the one the loopback receiver made at run time.
    pub fn new() -> Result<Self, BrowserError> {
        Self::build(reqwest::Client::builder().danger_accept_invalid_certs(true))
    }

    /// Trusts only `der` for HTTPS: the receiver's certificate must be right for `localhost`.
    pub fn trusting(der: &[u8]) -> Result<Self, BrowserError> {
        let certificate = reqwest::Certificate::from_der(der)?;
        Self::build(reqwest::Client::builder().add_root_certificate(certificate))
    }

    fn build(builder: reqwest::ClientBuilder) -> Result<Self, BrowserError> {
        let http = builder
            .redirect(reqwest::redirect::Policy::none())
            .resolve("localhost", ([127, 0, 0, 1], 0).into())
            .no_proxy()
            .timeout(Duration::from_secs(30))
            .build()?;
        Ok(Self { http })
    }

    /// Opens `url` and answers the consent page, if one shows, with `decision`.
    pub async fn visit(&self, url: &str, decision: Decision) -> Result<Landed, BrowserError> {
        let start = Url::parse(url).map_err(|_| BrowserError::BadUrl(url.to_owned()))?;
        if !on_loopback(&start) {
            return Err(BrowserError::NotLoopback(url.to_owned()));
        }
        let mut response = self.http.get(start.clone()).send().await?;
        loop {
            let status = response.status();
            if status.is_redirection() {
                let location = response
                    .headers()
                    .get(reqwest::header::LOCATION)
                    .and_then(|value| value.to_str().ok())
                    .unwrap_or_default()
                    .to_owned();
                let next =
                    Url::parse(&location).map_err(|_| BrowserError::BadUrl(location.clone()))?;
                if !on_loopback(&next) {
                    return Ok(Landed::Elsewhere(location));
                }
                response = self.http.get(next).send().await?;
                continue;
            }
            let body = response.text().await?;
            if let Some(request) = consent_request_id(&body) {
                let decision = match decision {
                    Decision::Allow => "allow",
                    Decision::Deny => "deny",
                };
                let decide = start
                    .join("/v2/oauth2/authorize/decision")
                    .map_err(|_| BrowserError::BadUrl(start.to_string()))?;
                response = self
                    .http
                    .post(decide)
                    .form(&[("request", request), ("decision", decision)])
                    .send()
                    .await?;
                continue;
            }
            return Ok(Landed::Page {
                status: status.as_u16(),
                body,
            });
        }
    }
}

fn on_loopback(url: &Url) -> bool {
    matches!(url.host_str(), Some("localhost" | "127.0.0.1"))
        && matches!(url.scheme(), "http" | "https")
}

/// The pending authorization's id in the consent form that `oauth::authorize` shows.
fn consent_request_id(body: &str) -> Option<&str> {
    let marker = "name=\"request\" value=\"";
    let start = body.find(marker)? + marker.len();
    let end = body[start..].find('"')? + start;
    Some(&body[start..end])
}
