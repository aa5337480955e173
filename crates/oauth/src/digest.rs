//! HTTP Digest client authentication as the Hue cloud's token endpoint does it (RFC 2069 style:
//! no `qop`, no client nonce): `response = MD5(MD5(id:realm:secret):nonce:MD5(METHOD:uri))`.
//!
//! MD5 is the server's choice, not ours; the value it protects (the client secret) never crosses
//! the wire, which is the point of offering Digest next to Basic.

use md5::{Digest as _, Md5};

/// The parameters of a `WWW-Authenticate: Digest …` challenge that the response depends on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    pub realm: String,
    pub nonce: String,
}

impl Challenge {
    /// Reads a `WWW-Authenticate` header value; `None` unless it is a Digest challenge with a
    /// realm and a nonce.
    pub fn parse(header: &str) -> Option<Self> {
        let rest = header.trim_start();
        let (scheme, params) = rest.split_once(char::is_whitespace)?;
        if !scheme.eq_ignore_ascii_case("digest") {
            return None;
        }
        let params = parse_params(params);
        let find = |name: &str| {
            params
                .iter()
                .find(|(key, _)| key.eq_ignore_ascii_case(name))
                .map(|(_, value)| value.clone())
        };
        if let Some(algorithm) = find("algorithm")
            && !algorithm.eq_ignore_ascii_case("md5")
        {
            return None;
        }
        Some(Self {
            realm: find("realm")?,
            nonce: find("nonce")?,
        })
    }

    /// The `Authorization` header value answering this challenge.
    pub fn authorization(&self, username: &str, secret: &str, method: &str, uri: &str) -> String {
        let response = response(username, &self.realm, secret, &self.nonce, method, uri);
        format!(
            "Digest username=\"{}\", realm=\"{}\", nonce=\"{}\", uri=\"{}\", response=\"{response}\"",
            quote(username),
            quote(&self.realm),
            quote(&self.nonce),
            quote(uri),
        )
    }
}

/// `MD5(MD5(username:realm:secret):nonce:MD5(method:uri))`, in lower-case hex.
pub fn response(
    username: &str,
    realm: &str,
    secret: &str,
    nonce: &str,
    method: &str,
    uri: &str,
) -> String {
    let ha1 = md5_hex(&format!("{username}:{realm}:{secret}"));
    let ha2 = md5_hex(&format!("{method}:{uri}"));
    md5_hex(&format!("{ha1}:{nonce}:{ha2}"))
}

fn md5_hex(input: &str) -> String {
    hex::encode(Md5::digest(input.as_bytes()))
}

fn quote(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"")
}

/// Splits `a="x, y", b=z` into pairs, honouring quoted strings and their escapes.
fn parse_params(input: &str) -> Vec<(String, String)> {
    let mut params = Vec::new();
    let mut chars = input.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace() || *c == ',') {
            chars.next();
        }
        let mut key = String::new();
        while let Some(&c) = chars.peek() {
            if c == '=' || c == ',' {
                break;
            }
            key.push(c);
            chars.next();
        }
        if key.is_empty() {
            return params;
        }
        let mut value = String::new();
        if chars.peek() == Some(&'=') {
            chars.next();
            if chars.peek() == Some(&'"') {
                chars.next();
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => value.extend(chars.next()),
                        c => value.push(c),
                    }
                }
            } else {
                while let Some(&c) = chars.peek() {
                    if c == ',' {
                        break;
                    }
                    value.push(c);
                    chars.next();
                }
            }
        }
        params.push((key.trim().to_owned(), value.trim().to_owned()));
    }
}

#[cfg(test)]
mod tests {
    use super::{Challenge, response};

    #[test]
    fn reads_the_hue_challenge() {
        let challenge = Challenge::parse(
            r#"Digest realm="oauth2_client@api.meethue.com", nonce="7b6e45de18ac4ee452ee0a0de91dbb10""#,
        )
        .unwrap();
        assert_eq!(challenge.realm, "oauth2_client@api.meethue.com");
        assert_eq!(challenge.nonce, "7b6e45de18ac4ee452ee0a0de91dbb10");
    }

    #[test]
    fn reads_quoted_commas_escapes_and_unquoted_values() {
        let challenge =
            Challenge::parse(r#"digest  nonce=abc, realm="a, \"b\"", opaque="x", algorithm=MD5"#)
                .unwrap();
        assert_eq!(challenge.realm, r#"a, "b""#);
        assert_eq!(challenge.nonce, "abc");
    }

    #[test]
    fn refuses_other_challenges() {
        assert_eq!(Challenge::parse(r#"Basic realm="x""#), None);
        assert_eq!(Challenge::parse(r#"Digest realm="x""#), None);
        assert_eq!(Challenge::parse(r#"Digest nonce="x""#), None);
        assert_eq!(Challenge::parse("Digest"), None);
        assert_eq!(
            Challenge::parse(r#"Digest realm="x", nonce="y", algorithm=SHA-256"#),
            None
        );
    }

    /// RFC 2069 §2.4's worked example: the same formula with a different realm and URI.
    #[test]
    fn matches_the_rfc_2069_example() {
        assert_eq!(
            response(
                "Mufasa",
                "testrealm@host.com",
                "CircleOfLife",
                "dcd98b7102dd2f0e8b11d0f600bfb0c093",
                "GET",
                "/dir/index.html",
            ),
            "1949323746fe6a43ef61f9606e7febea"
        );
    }

    #[test]
    fn authorization_header_carries_the_response_not_the_secret() {
        let challenge = Challenge {
            realm: "oauth2_client@api.meethue.com".into(),
            nonce: "n1".into(),
        };
        let header = challenge.authorization("client", "s3cret", "POST", "/v2/oauth2/token");
        assert!(!header.contains("s3cret"));
        let expected = response(
            "client",
            "oauth2_client@api.meethue.com",
            "s3cret",
            "n1",
            "POST",
            "/v2/oauth2/token",
        );
        assert_eq!(
            header,
            format!(
                r#"Digest username="client", realm="oauth2_client@api.meethue.com", nonce="n1", uri="/v2/oauth2/token", response="{expected}""#
            )
        );
    }
}
