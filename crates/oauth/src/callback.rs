//! The parameters of an OAuth redirect, read and validated the same way whichever way they come
//! back: a request to the loopback server, a `hearth://oauth/callback?…` deep link, or a URL the
//! user pasted.
//!
//! All three are hostile input: anyone can send a request to a port on 127.0.0.1, start the app
//! with a crafted deep link, or paste anything. The query must have one of two shapes
//! (`code` + `state`, or `error` + `state`), every parameter is checked, and nothing of its
//! values reaches an error message (the code is a credential; the description comes from whoever
//! built the URL).

use hearth_secret::Secret;
use url::Url;

/// Longer than any redirect Hearth or an OAuth provider produces; refused before parsing.
pub const MAX_URL_LEN: usize = 4096;
/// RFC 6749 puts no bound on `state` or `code`; real ones are well under this.
const MAX_PARAM_LEN: usize = 1024;

/// A redirect's parameters. `state` is not secret (the browser showed it in the address bar);
/// the authorization code is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Callback {
    pub state: String,
    pub outcome: CallbackOutcome,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallbackOutcome {
    /// The user consented: exchange this code for tokens.
    Code(Secret),
    /// The provider reported an error (`access_denied` when the user refused).
    Error {
        error: String,
        description: Option<String>,
    },
}

/// Why a redirect was refused. The messages name the problem, never a parameter's value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallbackError {
    #[error("the address is longer than {MAX_URL_LEN} bytes")]
    TooLong,
    #[error("this is not a whole web address (paste everything from the address bar)")]
    Malformed,
    #[error("this address is not the sign-in redirect Hearth is waiting for")]
    WrongRedirect,
    #[error("the parameter `{0}` is missing")]
    MissingParameter(&'static str),
    #[error("the parameter `{0}` appears more than once")]
    DuplicateParameter(&'static str),
    #[error("the parameter `{0}` is not valid")]
    InvalidParameter(&'static str),
    #[error("the answer carries both a code and an error")]
    CodeAndError,
    #[error("this answer belongs to another sign-in (old, or forged): Hearth ignored it")]
    WrongState,
    #[error("no sign-in is waiting for an answer")]
    NoFlowWaiting,
}

impl Callback {
    /// Reads a redirect's query string (without the `?`).
    pub fn from_query(query: &str) -> Result<Self, CallbackError> {
        if query.len() > MAX_URL_LEN {
            return Err(CallbackError::TooLong);
        }
        let mut state = None;
        let mut code = None;
        let mut error = None;
        let mut description = None;
        for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
            let (slot, name) = match name.as_ref() {
                "state" => (&mut state, "state"),
                "code" => (&mut code, "code"),
                "error" => (&mut error, "error"),
                "error_description" => (&mut description, "error_description"),
                // Providers add their own parameters (the Hue cloud sends `pkce=0`, RFC 9207
                // servers `iss`): ignore them.
                _ => continue,
            };
            if slot.is_some() {
                return Err(CallbackError::DuplicateParameter(name));
            }
            if value.len() > MAX_PARAM_LEN {
                return Err(CallbackError::InvalidParameter(name));
            }
            *slot = Some(value.into_owned());
        }

        let state = state.ok_or(CallbackError::MissingParameter("state"))?;
        if state.is_empty() || !state.bytes().all(is_visible_ascii) {
            return Err(CallbackError::InvalidParameter("state"));
        }
        let outcome = match (code, error) {
            (Some(_), Some(_)) => return Err(CallbackError::CodeAndError),
            (None, None) => return Err(CallbackError::MissingParameter("code")),
            (Some(code), None) => {
                if code.is_empty() || !code.bytes().all(is_visible_ascii) {
                    return Err(CallbackError::InvalidParameter("code"));
                }
                CallbackOutcome::Code(Secret::from(code))
            }
            (None, Some(error)) => {
                // RFC 6749 §4.1.2.1: error codes are printable ASCII without `"` and `\`.
                if error.is_empty() || !error.bytes().all(|b| is_visible_ascii(b) && b != b'"') {
                    return Err(CallbackError::InvalidParameter("error"));
                }
                let description = description.filter(|d| !d.trim().is_empty());
                if description
                    .as_deref()
                    .is_some_and(|d| d.chars().any(char::is_control))
                {
                    return Err(CallbackError::InvalidParameter("error_description"));
                }
                CallbackOutcome::Error { error, description }
            }
        };
        Ok(Self { state, outcome })
    }

    /// Reads a whole redirect URL (a deep link or a pasted address), after checking that it is
    /// addressed to `redirect_uri`: same scheme, host, port and path (a trailing `/` aside).
    pub fn from_redirect_url(input: &str, redirect_uri: &Url) -> Result<Self, CallbackError> {
        let input = input.trim();
        if input.len() > MAX_URL_LEN {
            return Err(CallbackError::TooLong);
        }
        let url = Url::parse(input).map_err(|_| CallbackError::Malformed)?;
        if !same_endpoint(&url, redirect_uri) {
            return Err(CallbackError::WrongRedirect);
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(CallbackError::WrongRedirect);
        }
        Self::from_query(url.query().unwrap_or(""))
    }

    /// Whether this callback answers the flow that sent `expected` as its `state`, compared in
    /// constant time (`state` is the flow's CSRF defence).
    pub fn matches_state(&self, expected: &str) -> bool {
        Secret::from(self.state.as_str()) == Secret::from(expected)
    }
}

fn same_endpoint(url: &Url, redirect_uri: &Url) -> bool {
    url.scheme().eq_ignore_ascii_case(redirect_uri.scheme())
        && url.host_str().map(str::to_ascii_lowercase)
            == redirect_uri.host_str().map(str::to_ascii_lowercase)
        && url.port_or_known_default() == redirect_uri.port_or_known_default()
        && url.path().trim_end_matches('/') == redirect_uri.path().trim_end_matches('/')
}

fn is_visible_ascii(byte: u8) -> bool {
    (0x21..=0x7e).contains(&byte) && byte != b'\\'
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};
    use url::Url;

    use super::Callback;

    fn check_query(query: &str, expect: Expect) {
        let actual = match Callback::from_query(query) {
            Ok(callback) => format!("{callback:?}"),
            Err(err) => format!("error: {err}"),
        };
        expect.assert_eq(&actual);
    }

    fn check_url(input: &str, redirect: &str, expect: Expect) {
        let redirect = Url::parse(redirect).unwrap();
        let actual = match Callback::from_redirect_url(input, &redirect) {
            Ok(callback) => format!("{callback:?}"),
            Err(err) => format!("error: {err}"),
        };
        expect.assert_eq(&actual);
    }

    #[test]
    fn reads_codes_and_errors() {
        check_query(
            "code=abc123&state=xyz",
            expect![[r#"Callback { state: "xyz", outcome: Code(<redacted>) }"#]],
        );
        check_query(
            "pkce=0&code=mod6jErp&state=NzLj5g6P",
            expect![[r#"Callback { state: "NzLj5g6P", outcome: Code(<redacted>) }"#]],
        );
        check_query(
            "error=access_denied&error_description=The+user+said+no&state=s",
            expect![[
                r#"Callback { state: "s", outcome: Error { error: "access_denied", description: Some("The user said no") } }"#
            ]],
        );
        check_query(
            "error=access_denied&error_description=+&state=s",
            expect![[
                r#"Callback { state: "s", outcome: Error { error: "access_denied", description: None } }"#
            ]],
        );
    }

    #[test]
    fn refuses_malformed_queries() {
        check_query("code=a", expect!["error: the parameter `state` is missing"]);
        check_query("state=s", expect!["error: the parameter `code` is missing"]);
        check_query("", expect!["error: the parameter `state` is missing"]);
        check_query(
            "code=a&code=b&state=s",
            expect!["error: the parameter `code` appears more than once"],
        );
        check_query(
            "code=a&state=s&state=t",
            expect!["error: the parameter `state` appears more than once"],
        );
        check_query(
            "code=a&error=x&state=s",
            expect!["error: the answer carries both a code and an error"],
        );
        check_query(
            "code=a%20b&state=s",
            expect!["error: the parameter `code` is not valid"],
        );
        check_query(
            "code=&state=s",
            expect!["error: the parameter `code` is not valid"],
        );
        check_query(
            "code=a&state=%0A",
            expect!["error: the parameter `state` is not valid"],
        );
        check_query(
            "error=%22x&state=s",
            expect!["error: the parameter `error` is not valid"],
        );
        check_query(
            "error=x&error_description=a%0Ab&state=s",
            expect!["error: the parameter `error_description` is not valid"],
        );
        let long = format!("state=s&code={}", "a".repeat(2000));
        check_query(&long, expect!["error: the parameter `code` is not valid"]);
        let longer = format!("state=s&code={}", "a".repeat(5000));
        check_query(
            &longer,
            expect!["error: the address is longer than 4096 bytes"],
        );
    }

    #[test]
    fn whole_urls_must_be_addressed_to_the_redirect() {
        let deep = "hearth://oauth/callback";
        check_url(
            "hearth://oauth/callback?code=c&state=s",
            deep,
            expect![[r#"Callback { state: "s", outcome: Code(<redacted>) }"#]],
        );
        check_url(
            "  hearth://oauth/callback/?code=c&state=s\n",
            deep,
            expect![[r#"Callback { state: "s", outcome: Code(<redacted>) }"#]],
        );
        check_url(
            "hearth://evil/callback?code=c&state=s",
            deep,
            expect!["error: this address is not the sign-in redirect Hearth is waiting for"],
        );
        check_url(
            "https://oauth/callback?code=c&state=s",
            deep,
            expect!["error: this address is not the sign-in redirect Hearth is waiting for"],
        );
        check_url(
            "hearth://user:pw@oauth/callback?code=c&state=s",
            deep,
            expect!["error: this address is not the sign-in redirect Hearth is waiting for"],
        );
        check_url(
            "code=c&state=s",
            deep,
            expect![
                "error: this is not a whole web address (paste everything from the address bar)"
            ],
        );
        let pasted = "https://example.com/";
        check_url(
            "https://example.com/?pkce=0&code=mod6jErp&state=NzLj",
            pasted,
            expect![[r#"Callback { state: "NzLj", outcome: Code(<redacted>) }"#]],
        );
        check_url(
            "https://EXAMPLE.com:443?code=c&state=s",
            pasted,
            expect![[r#"Callback { state: "s", outcome: Code(<redacted>) }"#]],
        );
        check_url(
            "https://example.com:8443/?code=c&state=s",
            pasted,
            expect!["error: this address is not the sign-in redirect Hearth is waiting for"],
        );
    }

    #[test]
    fn errors_never_show_values() {
        for query in [
            "code=SECRETCODE&code=SECRETCODE&state=s",
            "code=SECRETCODE&error=SECRETCODE&state=s",
            "code=SECRET%20CODE&state=SECRETCODE",
        ] {
            let err = Callback::from_query(query).unwrap_err();
            assert!(!format!("{err} {err:?}").contains("SECRET"), "{err:?}");
        }
    }

    #[test]
    fn state_comparison() {
        let callback = Callback::from_query("code=c&state=abc").unwrap();
        assert!(callback.matches_state("abc"));
        assert!(!callback.matches_state("abd"));
        assert!(!callback.matches_state("ab"));
        assert!(!callback.matches_state(""));
    }
}
