//! The browser side: code entry (`/device`), confirmation (`/auth/verify_code`) and the
//! provider's callback (`/auth/redirect`).
//!
//! - Every code check counts against a per-address and a global budget *before* the lookup, so
//!   the number of lookups per window is bounded exactly, even under concurrency (see
//!   `tests/guessing.rs` for the arithmetic).
//! - RFC 8628 §5.4: even with a pre-filled code, the user confirms on a page naming the client.
//! - The confirmation form carries a CSRF token bound to the browser cookie and the code; the
//!   `state` sent upstream is bound to the same cookie, so a callback only completes in the
//!   browser that started it.

use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::flow::{self, Grant, Pending, Status};
use crate::net::{BROWSER_COOKIE, ClientAddr, browser_cookie, cookie};
use crate::pages::{self, ConfirmPage, EntryPage, Texts};
use crate::upstream::UpstreamError;
use crate::{AppState, Upstream, codes};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/device", get(device_page))
        .route("/auth/verify_code", get(verify_code).post(confirm))
        .route("/auth/redirect", get(redirect))
}

#[derive(Deserialize, Default)]
struct CodeQuery {
    code: Option<String>,
    /// The secret of `verification_uri_complete` (see [`flow::Started::link`]).
    link: Option<String>,
}

fn query<T: for<'de> Deserialize<'de> + Default>(raw: Option<&str>) -> T {
    // A malformed query is treated as an empty one: the page then asks for what is missing.
    raw.and_then(|q| serde_urlencoded::from_str(q).ok())
        .unwrap_or_default()
}

/// The browser's id from its cookie, or a new one with the `Set-Cookie` to send.
fn browser(state: &AppState, headers: &HeaderMap) -> (String, Option<String>) {
    if let Some(id) = cookie(headers, BROWSER_COOKIE) {
        (id, None)
    } else {
        let id = codes::new_token();
        let set = browser_cookie(state, &id);
        (id, Some(set))
    }
}

fn with_cookie(mut response: Response, set_cookie: Option<String>) -> Response {
    if let Some(value) = set_cookie.and_then(|v| HeaderValue::from_str(&v).ok()) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// The CSRF token of the confirmation form: binds the form to this browser and this code.
fn csrf(state: &AppState, browser: &str, user_code: &str) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(state.form_key.expose().as_bytes()) else {
        return String::new();
    };
    mac.update(b"confirm\0");
    mac.update(browser.as_bytes());
    mac.update(b"\0");
    mac.update(user_code.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

fn entry(
    state: &AppState,
    t: &Texts,
    status: StatusCode,
    code: &str,
    error: Option<&str>,
) -> Response {
    pages::html(
        state,
        status,
        &EntryPage {
            t,
            base: state.public_url.path(),
            code,
            error,
        },
    )
}

fn internal(state: &AppState, t: &Texts, error: &dyn std::fmt::Display) -> Response {
    tracing::error!(%error, "a page failed");
    pages::error(state, t, StatusCode::SERVICE_UNAVAILABLE, t.internal)
}

fn provider_name<'a>(state: &AppState, t: &'a Texts) -> &'a str {
    match state.upstream {
        Some(Upstream::Enedis(_)) => "Enedis",
        _ => t.provider_generic,
    }
}

/// `GET /device[?code=…]`: the code entry page; with a code, straight to its confirmation.
async fn device_page(
    State(state): State<AppState>,
    addr: ClientAddr,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    code_page(&state, &addr, &headers, raw.as_deref(), false).await
}

/// `GET /auth/verify_code?code=…`: checks the code and shows the confirmation.
async fn verify_code(
    State(state): State<AppState>,
    addr: ClientAddr,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    code_page(&state, &addr, &headers, raw.as_deref(), true).await
}

/// The confirmation of the code in `raw_query`; without one, the entry page (with an error when
/// a code was `required`, as the entry form always sends one).
async fn code_page(
    state: &AppState,
    addr: &ClientAddr,
    headers: &HeaderMap,
    raw_query: Option<&str>,
    required: bool,
) -> Response {
    let t = pages::texts(headers);
    let (browser, set_cookie) = browser(state, headers);
    let CodeQuery { code, link } = query(raw_query);
    let response = match code.filter(|c| !c.trim().is_empty()) {
        Some(code) => match linked(state, link.as_deref(), &code).await {
            Ok(Some(flow)) => confirmation(state, t, &browser, &flow),
            Ok(None) => check_code(state, t, &addr.0, &code, &browser).await,
            Err(e) => internal(state, t, &e),
        },
        None if required => entry(state, t, StatusCode::BAD_REQUEST, "", Some(t.wrong_code)),
        None => entry(state, t, StatusCode::OK, "", None),
    };
    with_cookie(response, set_cookie)
}

async fn check_code(
    state: &AppState,
    t: &Texts,
    addr: &str,
    typed: &str,
    browser: &str,
) -> Response {
    // Shown back in the form for correction: only what a code can contain, never much longer.
    let shown: String = typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == ' ')
        .take(16)
        .collect();
    let window = Duration::from_secs(state.config.guess_window_secs);
    let counts = async {
        let per_addr = state
            .store
            .incr(&format!("guess:addr:{addr}"), window)
            .await?;
        // An address over its own limit spends nothing of everyone's budget.
        if per_addr > state.config.guesses_per_address {
            return Ok::<_, crate::store::StoreError>((per_addr, 0, 0));
        }
        let budget = match state.config.guesses_global {
            Some(fixed) => fixed,
            None => codes::global_budget(
                state.config.code_lifetime_secs,
                state.config.guess_window_secs,
                flow::pending_codes(state).await?,
                state.config.guesses_global_min,
            ),
        };
        let global = state.store.incr("guess:all", window).await?;
        Ok((per_addr, global, budget))
    };
    let (per_addr, global, budget) = match counts.await {
        Ok(counts) => counts,
        Err(e) => return internal(state, t, &e),
    };
    if per_addr > state.config.guesses_per_address || global > budget {
        state.metrics.guess("limited");
        tracing::warn!(per_addr, global, budget, "user code checks over the limit");
        let mut response = entry(
            state,
            t,
            StatusCode::TOO_MANY_REQUESTS,
            &shown,
            Some(t.too_many),
        );
        response.headers_mut().insert(
            header::RETRY_AFTER,
            HeaderValue::from(state.config.guess_window_secs),
        );
        return response;
    }
    let found = match codes::normalise_user_code(typed) {
        Some(code) => match flow::by_user_code(state, &code).await {
            Ok(found) => found.map(|(_, flow)| (code, flow)),
            Err(e) => return internal(state, t, &e),
        },
        None => None,
    };
    let Some((code, flow)) = found.filter(|(_, flow)| !flow.is_expired()) else {
        state.metrics.guess("wrong");
        return entry(
            state,
            t,
            StatusCode::BAD_REQUEST,
            &shown,
            Some(t.wrong_code),
        );
    };
    state.metrics.guess("right");
    confirmation(state, t, browser, &(code, flow))
}

/// The flow opened by the secret of a `verification_uri_complete`, when it is the flow of the
/// code shown beside it and still alive: no code check, so nothing of the guessing budget.
async fn linked(
    state: &AppState,
    link: Option<&str>,
    typed: &str,
) -> Result<Option<(String, flow::Flow)>, crate::store::StoreError> {
    let (Some(link), Some(code)) = (
        link.filter(|l| !l.is_empty() && l.len() <= 128),
        codes::normalise_user_code(typed),
    ) else {
        return Ok(None);
    };
    Ok(flow::by_link(state, link)
        .await?
        .filter(|(_, flow)| flow.user_code == code && !flow.is_expired())
        .map(|(_, flow)| (code, flow)))
}

/// The confirmation page of a (normalised) code and its flow.
fn confirmation(
    state: &AppState,
    t: &Texts,
    browser: &str,
    (code, flow): &(String, flow::Flow),
) -> Response {
    if flow.status != Status::Pending {
        return pages::error(state, t, StatusCode::CONFLICT, t.used_code);
    }
    let client = state
        .client(&flow.client_id)
        .map_or(flow.client_id.as_str(), |c| c.name.as_str());
    let csrf = csrf(state, browser, code);
    let shown = codes::display_user_code(code);
    pages::html(
        state,
        StatusCode::OK,
        &ConfirmPage {
            t,
            base: state.public_url.path(),
            client,
            provider: provider_name(state, t),
            code: &shown,
            csrf: &csrf,
        },
    )
}

#[derive(Deserialize)]
struct ConfirmForm {
    code: Option<String>,
    csrf: Option<String>,
    action: Option<String>,
}

/// `POST /auth/verify_code`: the user approved (off to the provider) or cancelled.
async fn confirm(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let t = pages::texts(&headers);
    // Whatever is wrong with the form, the user's way out is to enter the code again.
    let expired = |status| entry(&state, t, status, "", Some(t.session_expired));
    let Ok(form) = serde_urlencoded::from_bytes::<ConfirmForm>(&body) else {
        return expired(StatusCode::BAD_REQUEST);
    };
    let code = form.code.as_deref().and_then(codes::normalise_user_code);
    let browser = cookie(&headers, BROWSER_COOKIE);
    let (Some(code), Some(browser), Some(sent)) = (code, browser, form.csrf) else {
        return expired(StatusCode::FORBIDDEN);
    };
    if !bool::from(
        csrf(&state, &browser, &code)
            .as_bytes()
            .ct_eq(sent.as_bytes()),
    ) {
        return expired(StatusCode::FORBIDDEN);
    }
    let (device_hash, flow) = match flow::by_user_code(&state, &code).await {
        Ok(Some(found)) if !found.1.is_expired() => found,
        Ok(_) => return pages::error(&state, t, StatusCode::BAD_REQUEST, t.wrong_code),
        Err(e) => return internal(&state, t, &e),
    };
    if flow.status != Status::Pending {
        return pages::error(&state, t, StatusCode::CONFLICT, t.used_code);
    }
    match form.action.as_deref() {
        Some("approve") => {}
        Some("deny") => {
            return deny(
                &state,
                t,
                &device_hash,
                StatusCode::OK,
                t.cancelled_title,
                t.cancelled,
            )
            .await;
        }
        _ => return expired(StatusCode::BAD_REQUEST),
    }
    let Some(upstream) = state.upstream.as_ref() else {
        return pages::error(&state, t, StatusCode::SERVICE_UNAVAILABLE, t.not_configured);
    };
    let state_param = codes::new_token();
    let pending = Pending {
        device_hash,
        browser_hash: codes::hash(&browser),
        code_verifier: codes::new_token(),
    };
    if let Err(e) = flow::put_pending(&state, &state_param, &pending, &flow).await {
        return internal(&state, t, &e);
    }
    let location = match upstream {
        Upstream::Generic(generic) => generic.authorize_redirect(
            &state_param,
            &codes::pkce_challenge(&pending.code_verifier),
            &state.redirect_uri(),
            flow.scope.as_deref(),
        ),
        Upstream::Enedis(enedis) => enedis.authorize_redirect(&state_param),
    };
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(location.as_str()) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    pages::security_headers(&state, response.headers_mut());
    response
}

/// What the provider may put in the callback's query. Anything else (a pre-2026
/// `usage_point_id`, say) is ignored: identity comes from the provider's API, not the URL.
#[derive(Deserialize, Default)]
struct Callback {
    state: Option<String>,
    code: Option<String>,
    error: Option<String>,
    autorisation_id: Option<String>,
}

/// `GET /auth/redirect`: the provider sends the browser back.
///
/// `state` stays in the store until the flow is approved or refused: a crash (or an upstream
/// outage) between the callback and the approval leaves it there, so reloading the page finishes
/// the link. What must happen once is made once by the store itself: the consent id is bound to
/// one flow ([`flow::bind_consent`]), and the flow moves from pending once ([`flow::transition`]).
async fn redirect(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let t = pages::texts(&headers);
    let callback: Callback = query(raw.as_deref());
    let Some(state_param) = callback.state.filter(|s| !s.is_empty() && s.len() <= 100) else {
        return pages::error(&state, t, StatusCode::BAD_REQUEST, t.bad_link);
    };
    let pending = match flow::get_pending(&state, &state_param).await {
        Ok(Some(pending)) => pending,
        Ok(None) => return pages::error(&state, t, StatusCode::BAD_REQUEST, t.bad_link),
        Err(e) => return internal(&state, t, &e),
    };
    let same_browser = cookie(&headers, BROWSER_COOKIE).is_some_and(|browser| {
        bool::from(
            codes::hash(&browser)
                .as_bytes()
                .ct_eq(pending.browser_hash.as_bytes()),
        )
    });
    if !same_browser {
        tracing::warn!(
            "a callback arrived from another browser than the one that started the flow"
        );
        return pages::error(&state, t, StatusCode::FORBIDDEN, t.other_browser);
    }
    let flow = match flow::get(&state, &pending.device_hash).await {
        Ok(Some((_, flow))) if !flow.is_expired() && flow.status == Status::Pending => flow,
        Ok(Some((_, flow)))
            if matches!(flow.status, Status::Sealed { .. } | Status::Approved { .. }) =>
        {
            // Approved by an earlier try whose answer never reached the browser.
            forget_state(&state, &state_param).await;
            return pages::message(&state, t, StatusCode::OK, t.done_title, t.done, false);
        }
        Ok(_) => {
            forget_state(&state, &state_param).await;
            return pages::error(&state, t, StatusCode::BAD_REQUEST, t.expired_flow);
        }
        Err(e) => return internal(&state, t, &e),
    };
    if let Some(error) = callback.error {
        if error == "access_denied" {
            forget_state(&state, &state_param).await;
            return deny(
                &state,
                t,
                &pending.device_hash,
                StatusCode::OK,
                t.refused_title,
                t.refused,
            )
            .await;
        }
        tracing::warn!(
            error = error.chars().take(64).collect::<String>(),
            "the provider reported an error"
        );
        forget_state(&state, &state_param).await;
        return pages::error(&state, t, StatusCode::BAD_GATEWAY, t.provider_error);
    }
    let Some(upstream) = state.upstream.as_ref() else {
        return pages::error(&state, t, StatusCode::SERVICE_UNAVAILABLE, t.not_configured);
    };
    let outcome = match upstream {
        Upstream::Generic(generic) => {
            let Some(code) = callback.code.filter(|c| !c.is_empty() && c.len() <= 2048) else {
                return pages::error(&state, t, StatusCode::BAD_REQUEST, t.provider_error);
            };
            generic
                .exchange(&code, &pending.code_verifier, &state.redirect_uri())
                .await
        }
        Upstream::Enedis(enedis) => {
            let Some(id) = callback.autorisation_id.filter(|id| {
                !id.is_empty()
                    && id.len() <= 64
                    && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            }) else {
                return pages::error(&state, t, StatusCode::BAD_REQUEST, t.provider_error);
            };
            match enedis_grant(&state, enedis, &id, &pending.device_hash, &flow).await {
                Ok(Some(grant)) => flow::issue(&state, &grant)
                    .await
                    .map_err(UpstreamError::from),
                // Not confirmed yet: the state is kept, so a reload retries.
                Ok(None) => {
                    return pages::error(
                        &state,
                        t,
                        StatusCode::SERVICE_UNAVAILABLE,
                        t.not_confirmed,
                    );
                }
                Err(Refusal::Upstream(e)) => Err(e),
                Err(Refusal::ConsentUsed) => {
                    forget_state(&state, &state_param).await;
                    return pages::error(&state, t, StatusCode::FORBIDDEN, t.consent_used);
                }
            }
        }
    };
    match outcome {
        Ok(response) => match flow::approve(&state, &pending.device_hash, response).await {
            Ok(true) => {
                forget_state(&state, &state_param).await;
                state.metrics.flow("approved");
                pages::message(&state, t, StatusCode::OK, t.done_title, t.done, false)
            }
            Ok(false) => pages::error(&state, t, StatusCode::BAD_REQUEST, t.expired_flow),
            Err(e) => internal(&state, t, &e),
        },
        Err(UpstreamError::NoConsent) => {
            forget_state(&state, &state_param).await;
            deny(
                &state,
                t,
                &pending.device_hash,
                StatusCode::FORBIDDEN,
                t.error_title,
                t.no_consent,
            )
            .await
        }
        Err(UpstreamError::OAuth(code)) => {
            tracing::warn!(code, "the provider refused the code exchange");
            forget_state(&state, &state_param).await;
            pages::error(&state, t, StatusCode::BAD_GATEWAY, t.provider_error)
        }
        Err(e) => {
            // The state is kept: a reload once the provider is back finishes the link.
            tracing::error!(error = %e, "the provider failed during the callback");
            pages::error(&state, t, StatusCode::BAD_GATEWAY, t.provider_unavailable)
        }
    }
}

/// Why an Enedis callback issues nothing.
enum Refusal {
    /// The consent id is bound to another flow, or the consent began before this flow did.
    ConsentUsed,
    Upstream(UpstreamError),
}

impl From<crate::store::StoreError> for Refusal {
    fn from(e: crate::store::StoreError) -> Self {
        Self::Upstream(e.into())
    }
}

/// What an Enedis consent id grants this flow: the PRMs Enedis confirms for it, once the id is
/// bound to this flow and the consent is seen to be no older than the flow. `None` while
/// Enedis has not confirmed it yet.
async fn enedis_grant(
    state: &AppState,
    enedis: &crate::upstream::enedis::Enedis,
    id: &str,
    device_hash: &str,
    flow: &flow::Flow,
) -> Result<Option<Grant>, Refusal> {
    let consent = enedis.confirmed_prms(id).await.map_err(Refusal::Upstream)?;
    if consent.prms.is_empty() {
        return Ok(None);
    }
    // A consent given before this flow began is someone's earlier link, not this user's answer.
    // Enedis gives a day: the flow's day is taken at UTC+1, never later than the day in Paris,
    // so a consent given on the flow's own day is never refused.
    let flow_day = time::OffsetDateTime::from_unix_timestamp(
        i64::try_from(flow.started(state.config.code_lifetime()) / 1000).unwrap_or(i64::MAX),
    )
    .map(|t| (t + time::Duration::hours(1)).date());
    if let (Some(started), Ok(flow_day)) = (consent.started, flow_day)
        && started < flow_day
    {
        tracing::warn!("a consent given before the flow began was presented");
        return Err(Refusal::ConsentUsed);
    }
    // Bound only once Enedis confirmed the id, so nobody can claim the ids of consents not
    // given yet; of two flows racing with a confirmed id, the store lets one through.
    if !flow::bind_consent(state, id, device_hash).await? {
        tracing::warn!("a consent id already redeemed by another flow was presented again");
        return Err(Refusal::ConsentUsed);
    }
    let (consent_end, consent_end_derived) = consent.end(flow_day.ok(), &enedis.duration);
    Ok(Some(Grant {
        grant_id: codes::new_token(),
        client_id: flow.client_id.clone(),
        prms: consent.prms,
        consent_end,
        consent_end_derived,
    }))
}

/// Drops a `state` that has served: a later callback with it is refused.
async fn forget_state(state: &AppState, state_param: &str) {
    if let Err(e) = state.store.delete(&flow::state_key(state_param)).await {
        tracing::warn!(error = %e, "could not drop a used state");
    }
}

/// Ends a flow refused by the user (or for want of consent): the device hears `access_denied`.
async fn deny(
    state: &AppState,
    t: &Texts,
    device_hash: &str,
    status: StatusCode,
    title: &str,
    message: &str,
) -> Response {
    match flow::transition(state, device_hash, |_| Ok(Status::Denied)).await {
        Ok(_) => {
            state.metrics.flow("denied");
            pages::message(state, t, status, title, message, false)
        }
        Err(e) => internal(state, t, &e),
    }
}
