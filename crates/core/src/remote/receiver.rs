//! Which way the answer of a link comes back, and how Hearth picks one by itself.
//!
//! The Hue developer portal registers one callback URL per app, and the cloud only redirects
//! there, so the callback decides. [`ReceiverChoice::Auto`] reads it:
//!
//! 1. registered `hearth://oauth/callback`: a **deep link** where the shell receives them (the
//!    app), else the same redirect **pasted** (the CLI: the browser cannot open `hearth://` without
//!    the app, and shows the address to copy);
//! 2. registered `http(s)://localhost:<port>/<path>` or `127.0.0.1`: the **loopback** server, HTTP
//!    or HTTPS as registered, on that port and path;
//! 3. registered anything else (an `https://` page of the user's): **paste** the address the
//!    browser ends on;
//! 4. nothing registered (Hearth does not know what is on the portal, or the provider accepts any
//!    loopback port, like the simulator): a **deep link** where the shell receives them, else the
//!    **loopback** server over HTTP on the default port (8584, the one qhue's users registered).
//!
//! Whatever the mode, a pasted redirect is accepted too ([`super::Remote::deliver`]): paste is
//! the fallback when the browser cannot reach the loopback server or the OS does not hand the deep
//! link over.

use std::time::Duration;

use hearth_oauth::receiver::{DEEP_LINK_REDIRECT, LoopbackOptions, RedirectHost};
use serde::{Deserialize, Serialize};
use url::Url;

use super::RemoteError;

/// How the answer comes back.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "kebab-case")]
pub enum ReceiverKind {
    LoopbackHttp,
    LoopbackHttps,
    DeepLink,
    Paste,
}

impl ReceiverKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::LoopbackHttp => "loopback-http",
            Self::LoopbackHttps => "loopback-https",
            Self::DeepLink => "deep-link",
            Self::Paste => "paste",
        }
    }
}

/// What the caller asks for. Serialized as `{"kind": "auto"}`, `{"kind": "loopback-http",
/// "port": 8584}`, ….
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ReceiverChoice {
    /// See the module documentation.
    #[default]
    Auto,
    /// `port`: the registered callback's, else the default (8584). 0 picks a free one (only for
    /// providers that accept any loopback port).
    LoopbackHttp {
        #[serde(default)]
        port: Option<u16>,
    },
    LoopbackHttps {
        #[serde(default)]
        port: Option<u16>,
    },
    DeepLink,
    Paste,
}

/// The receiver to build for a flow.
#[derive(Clone, Debug)]
pub enum Plan {
    Loopback(LoopbackOptions),
    /// A [`hearth_oauth::receiver::UrlReceiver`] for this redirect URI (deep link or paste).
    Url(Url),
}

/// Where the choices are made from.
#[derive(Clone, Debug)]
pub struct Context<'a> {
    /// The callback URL registered on the portal, if known.
    pub callback: Option<&'a Url>,
    /// Whether the shell receives `hearth://` links.
    pub deep_links: bool,
    pub default_port: u16,
    pub timeout: Duration,
}

fn loopback_host(url: &Url) -> Option<RedirectHost> {
    match url.host_str()? {
        "localhost" => Some(RedirectHost::Localhost),
        "127.0.0.1" => Some(RedirectHost::Ip),
        _ => None,
    }
}

fn deep_link_url() -> Url {
    // A constant that `hearth_oauth` parses in its own tests.
    Url::parse(DEEP_LINK_REDIRECT).unwrap_or_else(|_| unreachable!("a valid URL"))
}

/// Resolves `choice` into a receiver kind and what to build.
pub fn plan(
    choice: ReceiverChoice,
    context: &Context<'_>,
) -> Result<(ReceiverKind, Plan), RemoteError> {
    let callback = context.callback;
    let registered_loopback = callback.and_then(|url| Some((url, loopback_host(url)?)));
    let kind = match choice {
        ReceiverChoice::Auto => match (callback, registered_loopback) {
            (Some(url), _) if url.as_str() == DEEP_LINK_REDIRECT => {
                if context.deep_links {
                    ReceiverKind::DeepLink
                } else {
                    ReceiverKind::Paste
                }
            }
            (Some(url), Some(_)) if url.scheme() == "https" => ReceiverKind::LoopbackHttps,
            (Some(url), Some(_)) if url.scheme() == "http" => ReceiverKind::LoopbackHttp,
            (Some(_), _) => ReceiverKind::Paste,
            (None, _) if context.deep_links => ReceiverKind::DeepLink,
            (None, _) => ReceiverKind::LoopbackHttp,
        },
        ReceiverChoice::LoopbackHttp { .. } => ReceiverKind::LoopbackHttp,
        ReceiverChoice::LoopbackHttps { .. } => ReceiverKind::LoopbackHttps,
        ReceiverChoice::DeepLink => ReceiverKind::DeepLink,
        ReceiverChoice::Paste => ReceiverKind::Paste,
    };
    let plan = match kind {
        ReceiverKind::LoopbackHttp | ReceiverKind::LoopbackHttps => {
            let tls = kind == ReceiverKind::LoopbackHttps;
            let scheme = if tls { "https" } else { "http" };
            // The registered callback gives host, port and path when it is of this kind.
            let registered = registered_loopback.filter(|(url, _)| url.scheme() == scheme);
            let asked = match choice {
                ReceiverChoice::LoopbackHttp { port } | ReceiverChoice::LoopbackHttps { port } => {
                    port
                }
                _ => None,
            };
            let port = asked
                .or_else(|| registered.and_then(|(url, _)| url.port_or_known_default()))
                .unwrap_or(context.default_port);
            let mut options = if tls {
                LoopbackOptions::https(port)
            } else {
                LoopbackOptions::http(port)
            }
            .with_timeout(context.timeout);
            if let Some((url, host)) = registered {
                options = options.with_host(host).with_path(url.path());
            }
            Plan::Loopback(options)
        }
        ReceiverKind::DeepLink => Plan::Url(deep_link_url()),
        ReceiverKind::Paste => match callback {
            Some(url) => Plan::Url(url.clone()),
            None => {
                return Err(RemoteError::InvalidInput(
                    "pasting needs the callback URL registered on the Hue developer portal: \
                     enter it with the client id"
                        .to_owned(),
                ));
            }
        },
    };
    // The cloud redirects only to the registered callback: say so now rather than in the browser.
    if let (Some(registered), Plan::Url(redirect)) = (callback, &plan)
        && registered != redirect
    {
        return Err(RemoteError::InvalidInput(format!(
            "the callback URL registered for the app is {registered}, but this way of linking \
             needs {redirect}: change one of them"
        )));
    }
    if let (Some(registered), Plan::Loopback(options)) = (callback, &plan) {
        let same_kind =
            registered_loopback.is_some_and(|(url, _)| url.scheme() == scheme_of(options));
        if !same_kind {
            return Err(RemoteError::InvalidInput(format!(
                "the callback URL registered for the app is {registered}, but this way of \
                 linking needs {}://localhost:<port>/…: change one of them",
                scheme_of(options)
            )));
        }
        if registered.port_or_known_default() != Some(options.port) {
            return Err(RemoteError::InvalidInput(format!(
                "the callback URL registered for the app is {registered}, but the port asked \
                 for is {}",
                options.port
            )));
        }
    }
    Ok((kind, plan))
}

fn scheme_of(options: &LoopbackOptions) -> &'static str {
    if options.tls { "https" } else { "http" }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use expect_test::{Expect, expect};
    use url::Url;

    use super::{Context, Plan, ReceiverChoice, plan};

    fn check(choice: ReceiverChoice, callback: Option<&str>, deep_links: bool, expect: Expect) {
        let callback = callback.map(|c| Url::parse(c).unwrap());
        let context = Context {
            callback: callback.as_ref(),
            deep_links,
            default_port: 8584,
            timeout: Duration::from_secs(60),
        };
        let shown = match plan(choice, &context) {
            Ok((kind, Plan::Loopback(o))) => format!(
                "{} port={} tls={} host={:?} path={}",
                kind.as_str(),
                o.port,
                o.tls,
                o.host,
                o.path
            ),
            Ok((kind, Plan::Url(url))) => format!("{} {url}", kind.as_str()),
            Err(err) => format!("error: {err}"),
        };
        expect.assert_eq(&shown);
    }

    #[test]
    fn auto_follows_the_registered_callback() {
        use ReceiverChoice::Auto;
        let deep = Some("hearth://oauth/callback");
        check(
            Auto,
            deep,
            true,
            expect!["deep-link hearth://oauth/callback"],
        );
        check(Auto, deep, false, expect!["paste hearth://oauth/callback"]);
        check(
            Auto,
            Some("https://localhost:8584/"),
            true,
            expect!["loopback-https port=8584 tls=true host=Localhost path=/"],
        );
        check(
            Auto,
            Some("http://127.0.0.1:9000/cb"),
            false,
            expect!["loopback-http port=9000 tls=false host=Ip path=/cb"],
        );
        check(
            Auto,
            Some("https://example.org/hue"),
            true,
            expect!["paste https://example.org/hue"],
        );
        check(
            Auto,
            None,
            true,
            expect!["deep-link hearth://oauth/callback"],
        );
        check(
            Auto,
            None,
            false,
            expect!["loopback-http port=8584 tls=false host=Localhost path=/callback"],
        );
    }

    #[test]
    fn explicit_choices_and_their_conflicts() {
        check(
            ReceiverChoice::LoopbackHttps { port: Some(0) },
            None,
            false,
            expect!["loopback-https port=0 tls=true host=Localhost path=/callback"],
        );
        check(
            ReceiverChoice::LoopbackHttp { port: None },
            Some("http://localhost:8600/back"),
            false,
            expect!["loopback-http port=8600 tls=false host=Localhost path=/back"],
        );
        check(
            ReceiverChoice::LoopbackHttp { port: Some(9999) },
            Some("http://localhost:8600/back"),
            false,
            expect![
                "error: the callback URL registered for the app is http://localhost:8600/back, but the port asked for is 9999"
            ],
        );
        check(
            ReceiverChoice::LoopbackHttps { port: None },
            Some("hearth://oauth/callback"),
            false,
            expect![
                "error: the callback URL registered for the app is hearth://oauth/callback, but this way of linking needs https://localhost:<port>/…: change one of them"
            ],
        );
        check(
            ReceiverChoice::DeepLink,
            None,
            false,
            expect!["deep-link hearth://oauth/callback"],
        );
        check(
            ReceiverChoice::DeepLink,
            Some("https://example.org/hue"),
            true,
            expect![
                "error: the callback URL registered for the app is https://example.org/hue, but this way of linking needs hearth://oauth/callback: change one of them"
            ],
        );
        check(
            ReceiverChoice::Paste,
            None,
            true,
            expect![
                "error: pasting needs the callback URL registered on the Hue developer portal: enter it with the client id"
            ],
        );
        check(
            ReceiverChoice::Paste,
            Some("http://localhost:8584/callback"),
            true,
            expect!["paste http://localhost:8584/callback"],
        );
    }
}
