//! `/v2/oauth2/authorize` and `/v2/oauth2/token`.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use axum::Json;
use axum::extract::{Form, Query, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use md5::{Digest as _, Md5};
use serde_json::json;
use sha2::Sha256;

use super::{Consent, DIGEST_REALM, Inner, Shared, random_token};
use crate::escape_html;

/// An authorization request that passed the checks, waiting for consent.
#[derive(Debug, Clone)]
pub(super) struct Authorization {
    client_id: String,
    redirect_uri: String,
    /// Whether the request named the redirect URI (then the token request must repeat it).
    redirect_uri_sent: bool,
    state: Option<String>,
    code_challenge: Option<String>,
}

#[derive(Debug)]
pub(super) struct CodeGrant {
    authorization: Authorization,
    expires: Instant,
}

#[derive(Debug)]
pub(super) struct RefreshGrant {
    client_id: String,
    family: u64,
    pub(super) expires: Instant,
    /// The refresh token this one replaced, retired when this one (or its access token) is
    /// first used.
    parent: Option<String>,
    pub(super) retired: bool,
}

#[derive(Debug)]
pub(super) struct AccessGrant {
    family: u64,
    pub(super) expires: Instant,
    /// The refresh token issued with this access token.
    refresh_token: String,
}

fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title} \u{2013} \
         Hue cloud simulator</title><style>body{{font:16px/1.5 system-ui,sans-serif;\
         max-width:34rem;margin:12vh auto;padding:0 1rem}}button{{font-size:1rem;\
         padding:.4rem 1.2rem;margin-right:.6rem}}</style></head><body><h1>{title}</h1>{body}\
         </body></html>",
        title = escape_html(title),
    );
    (status, Html(html)).into_response()
}

/// Never redirect to an unchecked URI: errors before the client and its redirect URI are known
/// good are shown here.
fn refuse(reason: &str) -> Response {
    page(
        StatusCode::BAD_REQUEST,
        "This sign-in request is not valid",
        &format!("<p>{}</p>", escape_html(reason)),
    )
}

pub(super) async fn authorize(
    State(shared): State<Arc<Shared>>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let mut inner = shared.lock();
    inner.stats.authorize_requests += 1;
    let Some(client_id) = params.get("client_id") else {
        return refuse("client_id is missing.");
    };
    let Some(client) = inner.client(client_id).cloned() else {
        return refuse("No app is registered with this client_id.");
    };
    let sent = params.get("redirect_uri");
    let redirect_uri = match (&client.redirect_uri, sent) {
        (Some(registered), Some(sent)) if registered != sent => {
            return refuse("The redirect_uri is not the callback URL registered for this app.");
        }
        (Some(registered), _) => registered.clone(),
        (None, Some(sent)) => sent.clone(),
        (None, None) => return refuse("redirect_uri is missing and no callback is registered."),
    };
    if url::Url::parse(&redirect_uri).is_err() {
        return refuse("The redirect_uri is not a URL.");
    }
    let authorization = Authorization {
        client_id: client.id.clone(),
        redirect_uri,
        redirect_uri_sent: sent.is_some(),
        state: params.get("state").cloned(),
        code_challenge: None,
    };
    if params.get("response_type").map(String::as_str) != Some("code") {
        return redirect_with(&authorization, &[("error", "unsupported_response_type")]);
    }
    let code_challenge = match (
        params.get("code_challenge"),
        params.get("code_challenge_method").map(String::as_str),
    ) {
        (None, _) => None,
        (Some(challenge), Some("S256")) if challenge.len() == 43 => Some(challenge.clone()),
        // Plain PKCE is refused, as good servers do.
        (Some(_), _) => {
            return redirect_with(
                &authorization,
                &[
                    ("error", "invalid_request"),
                    ("error_description", "PKCE must use S256"),
                ],
            );
        }
    };
    let authorization = Authorization {
        code_challenge,
        ..authorization
    };
    match inner.consent {
        Consent::Allow => grant(&mut inner, &shared, authorization),
        Consent::Deny => deny(&mut inner, &authorization),
        Consent::Ask => {
            let id = random_token(16);
            inner.pending.insert(id.clone(), authorization);
            let body = format!(
                "<p>The app <b>{client}</b> asks to control your Hue lights from outside your \
                 home.</p><form method=\"post\" action=\"/v2/oauth2/authorize/decision\">\
                 <input type=\"hidden\" name=\"request\" value=\"{id}\">\
                 <button name=\"decision\" value=\"allow\" id=\"allow\">Allow</button>\
                 <button name=\"decision\" value=\"deny\" id=\"deny\">Deny</button></form>",
                client = escape_html(&client.id),
            );
            page(StatusCode::OK, "Grant permission", &body)
        }
    }
}

#[derive(serde::Deserialize)]
pub(super) struct Decision {
    request: String,
    decision: String,
}

pub(super) async fn decide(
    State(shared): State<Arc<Shared>>,
    Form(decision): Form<Decision>,
) -> Response {
    let mut inner = shared.lock();
    let Some(authorization) = inner.pending.remove(&decision.request) else {
        return refuse("This consent page has expired or was already answered.");
    };
    if decision.decision == "allow" {
        grant(&mut inner, &shared, authorization)
    } else {
        deny(&mut inner, &authorization)
    }
}

fn grant(inner: &mut Inner, shared: &Shared, authorization: Authorization) -> Response {
    inner.stats.consents += 1;
    let code = random_token(24);
    let response = redirect_with(&authorization, &[("code", &code)]);
    inner.codes.insert(
        code,
        CodeGrant {
            authorization,
            expires: Instant::now() + shared.lifetimes.code,
        },
    );
    response
}

fn deny(inner: &mut Inner, authorization: &Authorization) -> Response {
    inner.stats.denials += 1;
    redirect_with(
        authorization,
        &[
            ("error", "access_denied"),
            ("error_description", "The user denied access"),
        ],
    )
}

/// 302 to the redirect URI with `params` and the request's `state` (the real cloud adds
/// `pkce=0`; so does this one, so that clients are seen to ignore unknown parameters).
fn redirect_with(authorization: &Authorization, params: &[(&str, &str)]) -> Response {
    let Ok(mut url) = url::Url::parse(&authorization.redirect_uri) else {
        return refuse("The redirect_uri is not a URL.");
    };
    {
        let mut query = url.query_pairs_mut();
        query.append_pair("pkce", "0");
        for (name, value) in params {
            query.append_pair(name, value);
        }
        if let Some(state) = &authorization.state {
            query.append_pair("state", state);
        }
    }
    Redirect::to(url.as_str()).into_response()
}

fn token_error(status: StatusCode, error: &str, description: &str) -> Response {
    let mut response = (
        status,
        Json(json!({ "error": error, "error_description": description })),
    )
        .into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The 401 that starts Digest authentication (and answers a wrong one).
fn challenge(inner: &mut Inner, description: &str) -> Response {
    inner.stats.digest_challenges += 1;
    let nonce = random_token(16);
    inner.nonces.insert(nonce.clone(), Instant::now());
    let mut response = token_error(StatusCode::UNAUTHORIZED, "invalid_client", description);
    if let Ok(value) = HeaderValue::from_str(&format!(
        "Digest realm=\"{DIGEST_REALM}\", nonce=\"{nonce}\""
    )) {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, value);
    }
    response
}

enum ClientCheck {
    Authenticated(String),
    Refused(Response),
}

fn authenticate(inner: &mut Inner, headers: &HeaderMap, uri: &str) -> ClientCheck {
    let Some(authorization) = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
    else {
        return ClientCheck::Refused(challenge(inner, "client authentication required"));
    };
    let (scheme, credentials) = authorization.split_once(' ').unwrap_or((authorization, ""));
    if scheme.eq_ignore_ascii_case("basic") {
        basic(inner, credentials.trim())
    } else if scheme.eq_ignore_ascii_case("digest") {
        digest(inner, credentials, uri)
    } else {
        ClientCheck::Refused(challenge(inner, "unsupported client authentication"))
    }
}

fn basic(inner: &mut Inner, credentials: &str) -> ClientCheck {
    use base64::Engine as _;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(credentials)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok());
    let pair = decoded.as_deref().and_then(|text| text.split_once(':'));
    // RFC 6749 §2.3.1: both halves are form-urlencoded before Basic encoding.
    let decode = |part: &str| {
        url::form_urlencoded::parse(format!("x={part}").as_bytes())
            .next()
            .map(|(_, value)| value.into_owned())
    };
    let Some((id, secret)) = pair.and_then(|(id, secret)| Some((decode(id)?, decode(secret)?)))
    else {
        return ClientCheck::Refused(token_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "malformed Basic credentials",
        ));
    };
    match inner.client(&id) {
        Some(client) if client.secret == secret => ClientCheck::Authenticated(id),
        _ => ClientCheck::Refused(token_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "unknown client or wrong secret",
        )),
    }
}

fn digest(inner: &mut Inner, credentials: &str, uri: &str) -> ClientCheck {
    let params = parse_digest(credentials);
    let field = |name: &str| params.get(name).map(String::as_str).unwrap_or_default();
    let (username, nonce) = (field("username"), field("nonce"));
    // Each nonce answers one request.
    let nonce_known = inner.nonces.remove(nonce).is_some();
    let Some(client) = inner.client(username).cloned() else {
        return ClientCheck::Refused(challenge(inner, "unknown client"));
    };
    if !nonce_known || field("realm") != DIGEST_REALM || field("uri") != uri {
        return ClientCheck::Refused(challenge(inner, "stale or malformed Digest credentials"));
    }
    let md5 = |text: String| hex::encode(Md5::digest(text.as_bytes()));
    let ha1 = md5(format!("{}:{DIGEST_REALM}:{}", client.id, client.secret));
    let ha2 = md5(format!("POST:{uri}"));
    let expected = md5(format!("{ha1}:{nonce}:{ha2}"));
    if expected == field("response") {
        ClientCheck::Authenticated(client.id)
    } else {
        ClientCheck::Refused(challenge(inner, "wrong Digest response"))
    }
}

fn parse_digest(input: &str) -> HashMap<String, String> {
    let mut params = HashMap::new();
    let mut rest = input.trim();
    while !rest.is_empty() {
        let Some((key, after)) = rest.split_once('=') else {
            break;
        };
        let key = key
            .trim()
            .trim_start_matches(',')
            .trim()
            .to_ascii_lowercase();
        let after = after.trim_start();
        let (value, remaining) = if let Some(quoted) = after.strip_prefix('"') {
            let mut value = String::new();
            let mut chars = quoted.char_indices();
            let mut end = quoted.len();
            while let Some((index, c)) = chars.next() {
                match c {
                    '"' => {
                        end = index + 1;
                        break;
                    }
                    '\\' => {
                        if let Some((_, escaped)) = chars.next() {
                            value.push(escaped);
                        }
                    }
                    c => value.push(c),
                }
            }
            (value, &quoted[end.min(quoted.len())..])
        } else {
            let end = after.find(',').unwrap_or(after.len());
            (after[..end].trim().to_owned(), &after[end..])
        };
        params.insert(key, value);
        rest = remaining.trim_start().trim_start_matches(',').trim_start();
    }
    params
}

pub(super) async fn token(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: String,
) -> Response {
    let mut inner = shared.lock();
    let uri = match &query {
        Some(query) => format!("/v2/oauth2/token?{query}"),
        None => "/v2/oauth2/token".to_owned(),
    };
    // Hue's documentation puts the grant in the query string; OAuth clients send a form. Both.
    let mut params: HashMap<String, String> = HashMap::new();
    for source in [query.as_deref().unwrap_or(""), body.as_str()] {
        for (name, value) in url::form_urlencoded::parse(source.as_bytes()) {
            params.insert(name.into_owned(), value.into_owned());
        }
    }
    let client_id = match authenticate(&mut inner, &headers, &uri) {
        ClientCheck::Authenticated(id) => id,
        ClientCheck::Refused(response) => {
            inner.stats.rejected_token_requests += 1;
            return response;
        }
    };
    let response = match params.get("grant_type").map(String::as_str) {
        Some("authorization_code") => exchange_code(&mut inner, &shared, &client_id, &params),
        Some("refresh_token") => refresh(&mut inner, &shared, &client_id, &params),
        _ => {
            inner.stats.rejected_token_requests += 1;
            return token_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "grant_type must be authorization_code or refresh_token",
            );
        }
    };
    response.unwrap_or_else(|refused| {
        inner.stats.rejected_token_requests += 1;
        invalid_grant(refused)
    })
}

fn invalid_grant(description: &str) -> Response {
    token_error(StatusCode::BAD_REQUEST, "invalid_grant", description)
}

fn exchange_code(
    inner: &mut Inner,
    shared: &Shared,
    client_id: &str,
    params: &HashMap<String, String>,
) -> Result<Response, &'static str> {
    let code = params.get("code").map(String::as_str).unwrap_or_default();
    if let Some(family) = inner.used_codes.get(code).copied() {
        // RFC 6749 §4.1.2: a code used twice revokes what it gave.
        revoke_family(inner, family);
        return Err("authorization code already used");
    }
    let Some(grant) = inner.codes.remove(code) else {
        return Err("unknown authorization code");
    };
    let authorization = grant.authorization;
    if grant.expires <= Instant::now() {
        return Err("authorization code expired");
    }
    if authorization.client_id != client_id {
        return Err("authorization code issued to another client");
    }
    if authorization.redirect_uri_sent
        && params.get("redirect_uri") != Some(&authorization.redirect_uri)
    {
        return Err("redirect_uri does not match the authorization");
    }
    if let Some(challenge) = &authorization.code_challenge {
        use base64::Engine as _;
        let verifier = params
            .get("code_verifier")
            .map(String::as_str)
            .unwrap_or_default();
        let computed = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(Sha256::digest(verifier.as_bytes()));
        if verifier.len() < 43 || computed != *challenge {
            return Err("PKCE verification failed");
        }
    }
    inner.stats.code_exchanges += 1;
    let family = inner.next_family;
    inner.next_family += 1;
    inner.used_codes.insert(code.to_owned(), family);
    Ok(issue(inner, shared, client_id, family, None))
}

fn refresh(
    inner: &mut Inner,
    shared: &Shared,
    client_id: &str,
    params: &HashMap<String, String>,
) -> Result<Response, &'static str> {
    let presented = params
        .get("refresh_token")
        .map(String::as_str)
        .unwrap_or_default();
    let (family, parent) = match inner.refresh_tokens.get(presented) {
        Some(grant)
            if grant.client_id == client_id && !grant.retired && grant.expires > Instant::now() =>
        {
            (grant.family, grant.parent.clone())
        }
        _ => return Err("refresh token unknown, expired, retired or revoked"),
    };
    // The presented token is in use: the one it replaced is retired.
    if let Some(parent) = parent {
        retire(inner, &parent);
    }
    inner.stats.refreshes += 1;
    Ok(issue(
        inner,
        shared,
        client_id,
        family,
        Some(presented.to_owned()),
    ))
}

pub(super) fn retire(inner: &mut Inner, refresh_token: &str) {
    if let Some(grant) = inner.refresh_tokens.get_mut(refresh_token) {
        grant.retired = true;
    }
}

/// Called when an access token is used: its refresh token's predecessor is retired.
pub(super) fn access_token_used(inner: &mut Inner, access_token: &str) {
    let parent = inner
        .access_tokens
        .get(access_token)
        .and_then(|grant| inner.refresh_tokens.get(&grant.refresh_token))
        .and_then(|grant| grant.parent.clone());
    if let Some(parent) = parent {
        retire(inner, &parent);
    }
}

fn revoke_family(inner: &mut Inner, family: u64) {
    inner
        .refresh_tokens
        .retain(|_, grant| grant.family != family);
    inner
        .access_tokens
        .retain(|_, grant| grant.family != family);
}

/// Mints an access token and a refresh token of `family` for `client_id`.
pub(super) fn mint(
    inner: &mut Inner,
    shared: &Shared,
    client_id: &str,
    family: u64,
    parent: Option<String>,
) -> (String, String) {
    let now = Instant::now();
    let access_token = random_token(24);
    let refresh_token = random_token(24);
    inner.refresh_tokens.insert(
        refresh_token.clone(),
        RefreshGrant {
            client_id: client_id.to_owned(),
            family,
            expires: now + shared.lifetimes.refresh,
            parent,
            retired: false,
        },
    );
    inner.access_tokens.insert(
        access_token.clone(),
        AccessGrant {
            family,
            expires: now + shared.lifetimes.access,
            refresh_token: refresh_token.clone(),
        },
    );
    (access_token, refresh_token)
}

fn issue(
    inner: &mut Inner,
    shared: &Shared,
    client_id: &str,
    family: u64,
    parent: Option<String>,
) -> Response {
    let (access_token, refresh_token) = mint(inner, shared, client_id, family, parent);
    let mut response = Json(json!({
        "access_token": access_token,
        "expires_in": shared.lifetimes.access.as_secs(),
        "refresh_token": refresh_token,
        "token_type": "bearer",
    }))
    .into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::parse_digest;

    #[test]
    fn reads_digest_credentials() {
        let params = parse_digest(
            r#"username="client", realm="oauth2_client@api.meethue.com", nonce="n, 1", uri="/v2/oauth2/token", response="abc", qop=auth"#,
        );
        assert_eq!(params["username"], "client");
        assert_eq!(params["realm"], "oauth2_client@api.meethue.com");
        assert_eq!(params["nonce"], "n, 1");
        assert_eq!(params["uri"], "/v2/oauth2/token");
        assert_eq!(params["response"], "abc");
        assert_eq!(params["qop"], "auth");
    }
}
