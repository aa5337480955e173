//! `hearth://` deep links, parsed and validated into a typed value.
//!
//! On Linux and Windows a deep link arrives as a command-line argument of a new process, so anyone
//! who can start the app can hand it any string. Everything here treats the URL as hostile: it
//! must be one of the few shapes Hearth knows, every parameter is checked, and nothing of the query
//! (which may hold an OAuth authorization code) ever reaches a log line or an error message.

use std::fmt;

use hearth_oauth::callback::{Callback, CallbackError};
use url::Url;

use crate::settings::EnergyProxy;

/// The scheme Hearth registers with the OS.
pub const SCHEME: &str = "hearth";

/// Longer than any link Hearth or an OAuth provider produces; refuse before parsing.
const MAX_LEN: usize = hearth_oauth::callback::MAX_URL_LEN;

/// A validated deep link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeepLink {
    /// `hearth://open[/<screen>]`: bring the window to the front, at a screen if given.
    Open { screen: Option<Screen> },
    /// `hearth://oauth/callback?…`: the redirect of an OAuth authorization-code flow, its
    /// parameters checked by the same code as the loopback and pasted redirects.
    OAuthCallback(Callback),
    /// `hearth://energy/setup?proxy=…&client_id=…`: a proxy's page offering "Open in Hearth".
    /// The proxy is checked as the Settings screen checks what the user types; the app shows it
    /// and asks before it becomes the setting.
    EnergySetup(EnergyProxy),
}

/// The screens a link may open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum Screen {
    Lights,
    Remote,
    Energy,
    Settings,
}

impl Screen {
    fn from_segment(segment: &str) -> Option<Self> {
        Some(match segment {
            "lights" => Self::Lights,
            "remote" => Self::Remote,
            "energy" => Self::Energy,
            "settings" => Self::Settings,
            _ => return None,
        })
    }
}

/// Why a deep link was refused. The messages name the problem, never a parameter's value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeepLinkError {
    #[error("the link is longer than {MAX_LEN} bytes")]
    TooLong,
    #[error("the link is not a valid URL")]
    Malformed,
    #[error("the link's scheme is not `{SCHEME}`")]
    WrongScheme,
    #[error("the link must not carry a user, a password or a port")]
    UnexpectedAuthority,
    #[error("Hearth has no page at this link")]
    UnknownTarget,
    #[error(transparent)]
    Callback(#[from] CallbackError),
    /// An energy setup link without exactly a `proxy` and a `client_id`, or with a proxy the
    /// settings refuse.
    #[error("the energy setup link does not name a usable proxy")]
    EnergySetup,
}

impl DeepLink {
    /// Parses and validates a deep link.
    pub fn parse(input: &str) -> Result<Self, DeepLinkError> {
        if input.len() > MAX_LEN {
            return Err(DeepLinkError::TooLong);
        }
        let url = Url::parse(input).map_err(|_| DeepLinkError::Malformed)?;
        if url.scheme() != SCHEME {
            return Err(DeepLinkError::WrongScheme);
        }
        if !url.username().is_empty() || url.password().is_some() || url.port().is_some() {
            return Err(DeepLinkError::UnexpectedAuthority);
        }
        let host = url.host_str().ok_or(DeepLinkError::UnknownTarget)?;
        let path = url.path().trim_end_matches('/');
        match (host, path) {
            ("open", "") => {
                reject_query(&url)?;
                Ok(Self::Open { screen: None })
            }
            ("open", screen) => {
                reject_query(&url)?;
                let screen = screen
                    .strip_prefix('/')
                    .and_then(Screen::from_segment)
                    .ok_or(DeepLinkError::UnknownTarget)?;
                Ok(Self::Open {
                    screen: Some(screen),
                })
            }
            ("oauth", "/callback") => Ok(Self::OAuthCallback(Callback::from_query(
                url.query().unwrap_or_default(),
            )?)),
            ("energy", "/setup") => energy_setup(&url).map(Self::EnergySetup),
            _ => Err(DeepLinkError::UnknownTarget),
        }
    }
}

/// The proxy of an energy setup link: `proxy` and `client_id` once each, nothing else.
fn energy_setup(url: &Url) -> Result<EnergyProxy, DeepLinkError> {
    let (mut proxy, mut client_id) = (None, None);
    for (key, value) in url.query_pairs() {
        let slot = match key.as_ref() {
            "proxy" => &mut proxy,
            "client_id" => &mut client_id,
            _ => return Err(DeepLinkError::EnergySetup),
        };
        if slot.replace(value.into_owned()).is_some() {
            return Err(DeepLinkError::EnergySetup);
        }
    }
    let (Some(proxy), Some(client_id)) = (proxy, client_id) else {
        return Err(DeepLinkError::EnergySetup);
    };
    EnergyProxy::new(&proxy, &client_id).map_err(|_| DeepLinkError::EnergySetup)
}

fn reject_query(url: &Url) -> Result<(), DeepLinkError> {
    match url.query() {
        None | Some("") => Ok(()),
        Some(_) => Err(DeepLinkError::UnknownTarget),
    }
}

/// A deep link as it may be logged: scheme, host and path, never the query or the fragment.
/// Input that does not parse as a URL is reduced to its length.
pub struct Redacted<'a>(pub &'a str);

impl fmt::Display for Redacted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match Url::parse(self.0) {
            Ok(url) => {
                write!(
                    f,
                    "{}://{}{}",
                    url.scheme(),
                    url.host_str().unwrap_or(""),
                    url.path()
                )?;
                if url.query().is_some() || url.fragment().is_some() {
                    f.write_str("?<redacted>")?;
                }
                Ok(())
            }
            Err(_) => write!(f, "<unparsable link of {} bytes>", self.0.len()),
        }
    }
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::{DeepLink, Redacted};

    fn check(input: &str, expect: Expect) {
        let actual = match DeepLink::parse(input) {
            Ok(link) => format!("{link:?}"),
            Err(err) => format!("error: {err}"),
        };
        expect.assert_eq(&actual);
    }

    #[test]
    fn accepts_the_known_shapes() {
        check("hearth://open", expect!["Open { screen: None }"]);
        check("hearth://open/", expect!["Open { screen: None }"]);
        check(
            "hearth://open/remote",
            expect!["Open { screen: Some(Remote) }"],
        );
        check(
            "hearth://oauth/callback?code=abc123&state=xyz",
            expect![[r#"OAuthCallback(Callback { state: "xyz", outcome: Code(<redacted>) })"#]],
        );
        check(
            "hearth://oauth/callback?pkce=0&code=mod6jErp&state=NzLj5g6P",
            expect![[
                r#"OAuthCallback(Callback { state: "NzLj5g6P", outcome: Code(<redacted>) })"#
            ]],
        );
        check(
            "hearth://oauth/callback?error=access_denied&error_description=The+user+said+no&state=s",
            expect![[
                r#"OAuthCallback(Callback { state: "s", outcome: Error { error: "access_denied", description: Some("The user said no") } })"#
            ]],
        );
    }

    #[test]
    fn energy_setup_links() {
        check(
            "hearth://energy/setup?proxy=https%3A%2F%2Fenergy.example.org&client_id=hearth",
            expect![[
                r#"EnergySetup(EnergyProxy { url: "https://energy.example.org/", client_id: "hearth" })"#
            ]],
        );
        check(
            "hearth://energy/setup?client_id=hearth&proxy=http://127.0.0.1:8080/",
            expect![[
                r#"EnergySetup(EnergyProxy { url: "http://127.0.0.1:8080/", client_id: "hearth" })"#
            ]],
        );
        for link in [
            // Plain http to another computer, a password, another scheme.
            "hearth://energy/setup?proxy=http://energy.example.org&client_id=hearth",
            "hearth://energy/setup?proxy=https://me:pw@energy.example.org&client_id=hearth",
            "hearth://energy/setup?proxy=javascript:alert(1)&client_id=hearth",
            // Missing, repeated or unknown parameters.
            "hearth://energy/setup?proxy=https://energy.example.org",
            "hearth://energy/setup?proxy=https://energy.example.org&client_id=",
            "hearth://energy/setup?proxy=https://a.example.org&proxy=https://b.example.org&client_id=h",
            "hearth://energy/setup?proxy=https://energy.example.org&client_id=h&secret=x",
        ] {
            assert_eq!(
                DeepLink::parse(link).unwrap_err().to_string(),
                "the energy setup link does not name a usable proxy",
                "{link}"
            );
        }
        check(
            "hearth://energy/other?proxy=https://energy.example.org&client_id=h",
            expect!["error: Hearth has no page at this link"],
        );
        assert_eq!(
            Redacted("hearth://energy/setup?proxy=https://e.example.org&client_id=h").to_string(),
            "hearth://energy/setup?<redacted>"
        );
    }

    #[test]
    fn rejects_everything_else() {
        check("not a url", expect!["error: the link is not a valid URL"]);
        check(
            "https://oauth/callback?code=a&state=b",
            expect!["error: the link's scheme is not `hearth`"],
        );
        check(
            "hearth:oauth/callback",
            expect!["error: Hearth has no page at this link"],
        );
        check(
            "hearth://evil/callback?code=a&state=b",
            expect!["error: Hearth has no page at this link"],
        );
        check(
            "hearth://oauth/other?code=a&state=b",
            expect!["error: Hearth has no page at this link"],
        );
        check(
            "hearth://open/nowhere",
            expect!["error: Hearth has no page at this link"],
        );
        check(
            "hearth://open?x=1",
            expect!["error: Hearth has no page at this link"],
        );
        check(
            "hearth://user:pw@oauth/callback?code=a&state=b",
            expect!["error: the link must not carry a user, a password or a port"],
        );
        check(
            "hearth://oauth:99/callback?code=a&state=b",
            expect!["error: the link must not carry a user, a password or a port"],
        );
        check(
            "hearth://oauth/callback?code=a",
            expect!["error: the parameter `state` is missing"],
        );
        check(
            "hearth://oauth/callback?state=s",
            expect!["error: the parameter `code` is missing"],
        );
        check(
            "hearth://oauth/callback?code=a&code=b&state=s",
            expect!["error: the parameter `code` appears more than once"],
        );
        check(
            "hearth://oauth/callback?code=a&state=s&state=t",
            expect!["error: the parameter `state` appears more than once"],
        );
        check(
            "hearth://oauth/callback?code=a&error=x&state=s",
            expect!["error: the answer carries both a code and an error"],
        );
        check(
            "hearth://oauth/callback?code=a%20b&state=s",
            expect!["error: the parameter `code` is not valid"],
        );
        check(
            "hearth://oauth/callback?code=&state=s",
            expect!["error: the parameter `code` is not valid"],
        );
        check(
            "hearth://oauth/callback?code=a&state=%0A",
            expect!["error: the parameter `state` is not valid"],
        );
        check(
            "hearth://oauth/callback?error=%22x&state=s",
            expect!["error: the parameter `error` is not valid"],
        );
        check(
            "hearth://oauth/callback?error=x&error_description=a%0Ab&state=s",
            expect!["error: the parameter `error_description` is not valid"],
        );
    }

    #[test]
    fn rejects_oversized_input_before_parsing() {
        let long = format!("hearth://oauth/callback?state=s&code={}", "a".repeat(5000));
        check(&long, expect!["error: the link is longer than 4096 bytes"]);
        let long_param = format!("hearth://oauth/callback?state=s&code={}", "a".repeat(2000));
        check(
            &long_param,
            expect!["error: the parameter `code` is not valid"],
        );
    }

    #[test]
    fn errors_and_redacted_form_never_show_the_query() {
        let link = "hearth://oauth/callback?code=SECRETCODE&state=s&state=t";
        let err = DeepLink::parse(link).unwrap_err();
        assert!(!err.to_string().contains("SECRETCODE"));
        assert_eq!(
            Redacted(link).to_string(),
            "hearth://oauth/callback?<redacted>"
        );
        assert_eq!(Redacted("hearth://open").to_string(), "hearth://open");
        assert_eq!(
            Redacted("garbage SECRETCODE").to_string(),
            "<unparsable link of 18 bytes>"
        );
    }
}
