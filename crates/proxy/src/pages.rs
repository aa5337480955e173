//! The browser pages: askama templates (HTML-escaped by default) in French and English, chosen
//! by `Accept-Language`. Every page is sent with a strict content security policy: no script at
//! all, styles from the proxy only, forms only to the proxy and (by redirect) the provider.

use askama::Template;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::AppState;

/// Every sentence the pages show, in one language.
pub struct Texts {
    pub lang: &'static str,
    pub brand: &'static str,
    pub entry_title: &'static str,
    pub entry_intro: &'static str,
    pub entry_label: &'static str,
    pub entry_button: &'static str,
    pub confirm_title: &'static str,
    pub confirm_before: &'static str,
    pub confirm_middle: &'static str,
    pub confirm_after: &'static str,
    pub confirm_check: &'static str,
    pub confirm_warning: &'static str,
    pub confirm_approve: &'static str,
    pub confirm_deny: &'static str,
    pub again: &'static str,
    pub provider_generic: &'static str,
    pub done_title: &'static str,
    pub done: &'static str,
    pub cancelled_title: &'static str,
    pub cancelled: &'static str,
    pub refused_title: &'static str,
    pub refused: &'static str,
    pub error_title: &'static str,
    pub wrong_code: &'static str,
    pub used_code: &'static str,
    pub too_many: &'static str,
    pub bad_link: &'static str,
    pub other_browser: &'static str,
    pub session_expired: &'static str,
    pub provider_error: &'static str,
    pub provider_unavailable: &'static str,
    pub not_confirmed: &'static str,
    pub no_consent: &'static str,
    pub consent_used: &'static str,
    pub expired_flow: &'static str,
    pub not_configured: &'static str,
    pub internal: &'static str,
    pub not_found: &'static str,
}

pub static EN: Texts = Texts {
    lang: "en",
    brand: "Hearth",
    entry_title: "Link a device",
    entry_intro: "Enter the code your device shows.",
    entry_label: "Code",
    entry_button: "Next",
    confirm_title: "Confirm the link",
    confirm_before: "The application",
    confirm_middle: "asks to access your account at",
    confirm_after: ".",
    confirm_check: "Check that your device shows exactly this code:",
    confirm_warning: "If you did not start this yourself on your own device, cancel: someone may be trying to reach your account.",
    confirm_approve: "Continue to",
    confirm_deny: "Cancel",
    again: "Enter a code",
    provider_generic: "the provider",
    done_title: "Done",
    done: "Your device is linked. You can close this page and go back to your device.",
    cancelled_title: "Cancelled",
    cancelled: "Nothing was linked. Your device will be told.",
    refused_title: "Access refused",
    refused: "You refused access at the provider. Nothing was linked; your device will be told.",
    error_title: "Something went wrong",
    wrong_code: "This code is not valid or has expired. Check it on your device.",
    used_code: "This code has already been used. Start again on your device to get a new one.",
    too_many: "Too many attempts. Wait a while before trying again.",
    bad_link: "This link is not valid, has expired or was already used. Start again on your device.",
    other_browser: "This sign-in was started in another browser. Finish it in the browser where you entered the code, or start again.",
    session_expired: "This page has expired. Please enter the code again.",
    provider_error: "The provider could not complete the authorization. Start again on your device.",
    provider_unavailable: "The provider is unavailable right now. Please retry in a few minutes.",
    not_confirmed: "The provider has not confirmed your consent yet. Please retry in a minute.",
    no_consent: "The provider reports no consent for your meter. Nothing was linked.",
    consent_used: "This consent was already used to link a device, or was given before this link began. Nothing was linked: start again on your device and give your consent at the provider.",
    expired_flow: "The code expired before the authorization finished. Start again on your device.",
    not_configured: "This server is not fully configured yet.",
    internal: "An internal error occurred. Please retry in a few minutes.",
    not_found: "There is nothing at this address.",
};

pub static FR: Texts = Texts {
    lang: "fr",
    brand: "Hearth",
    entry_title: "Associer un appareil",
    entry_intro: "Saisissez le code affiché par votre appareil.",
    entry_label: "Code",
    entry_button: "Suivant",
    confirm_title: "Confirmer l’association",
    confirm_before: "L’application",
    confirm_middle: "demande l’accès à votre compte",
    confirm_after: ".",
    confirm_check: "Vérifiez que votre appareil affiche exactement ce code :",
    confirm_warning: "Si vous n’avez pas lancé cette demande vous-même depuis votre appareil, annulez : quelqu’un tente peut-être d’accéder à votre compte.",
    confirm_approve: "Continuer vers",
    confirm_deny: "Annuler",
    again: "Saisir un code",
    provider_generic: "le fournisseur",
    done_title: "C’est fait",
    done: "Votre appareil est associé. Vous pouvez fermer cette page et revenir à votre appareil.",
    cancelled_title: "Annulé",
    cancelled: "Rien n’a été associé. Votre appareil en sera informé.",
    refused_title: "Accès refusé",
    refused: "Vous avez refusé l’accès chez le fournisseur. Rien n’a été associé ; votre appareil en sera informé.",
    error_title: "Un problème est survenu",
    wrong_code: "Ce code n’est pas valide ou a expiré. Vérifiez-le sur votre appareil.",
    used_code: "Ce code a déjà été utilisé. Recommencez depuis votre appareil pour en obtenir un nouveau.",
    too_many: "Trop de tentatives. Patientez avant de réessayer.",
    bad_link: "Ce lien n’est pas valide, a expiré ou a déjà servi. Recommencez depuis votre appareil.",
    other_browser: "Cette connexion a été commencée dans un autre navigateur. Terminez-la dans le navigateur où vous avez saisi le code, ou recommencez.",
    session_expired: "Cette page a expiré. Saisissez le code à nouveau.",
    provider_error: "Le fournisseur n’a pas pu terminer l’autorisation. Recommencez depuis votre appareil.",
    provider_unavailable: "Le fournisseur est indisponible pour le moment. Réessayez dans quelques minutes.",
    not_confirmed: "Le fournisseur n’a pas encore confirmé votre consentement. Réessayez dans une minute.",
    no_consent: "Le fournisseur n’indique aucun consentement pour votre compteur. Rien n’a été associé.",
    consent_used: "Ce consentement a déjà servi à associer un appareil, ou a été donné avant le début de cette association. Rien n’a été associé : recommencez depuis votre appareil et donnez votre consentement chez le fournisseur.",
    expired_flow: "Le code a expiré avant la fin de l’autorisation. Recommencez depuis votre appareil.",
    not_configured: "Ce serveur n’est pas encore entièrement configuré.",
    internal: "Une erreur interne est survenue. Réessayez dans quelques minutes.",
    not_found: "Il n’y a rien à cette adresse.",
};

/// The language the browser prefers among ours (by `q`, first wins ties); English by default.
pub fn texts(headers: &HeaderMap) -> &'static Texts {
    let Some(accept) = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
    else {
        return &EN;
    };
    let mut best: Option<(f32, &'static Texts)> = None;
    for item in accept.split(',') {
        let mut parts = item.trim().split(';');
        let tag = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        let q = parts
            .find_map(|p| p.trim().strip_prefix("q="))
            .and_then(|q| q.parse::<f32>().ok())
            .unwrap_or(1.0);
        let texts = match tag.split('-').next() {
            Some("fr") => &FR,
            Some("en") => &EN,
            _ => continue,
        };
        if q > 0.0 && best.is_none_or(|(b, _)| q > b) {
            best = Some((q, texts));
        }
    }
    best.map_or(&EN, |(_, t)| t)
}

#[derive(Template)]
#[template(path = "entry.html")]
pub struct EntryPage<'a> {
    pub t: &'a Texts,
    pub base: &'a str,
    pub code: &'a str,
    pub error: Option<&'a str>,
}

#[derive(Template)]
#[template(path = "confirm.html")]
pub struct ConfirmPage<'a> {
    pub t: &'a Texts,
    pub base: &'a str,
    pub client: &'a str,
    pub provider: &'a str,
    pub code: &'a str,
    pub csrf: &'a str,
}

#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage<'a> {
    pub t: &'a Texts,
    pub base: &'a str,
    pub title: &'a str,
    pub message: &'a str,
    /// `ok` or `error`: the heading's colour.
    pub kind: &'a str,
    /// Offer a link back to the code entry.
    pub again: bool,
}

/// An HTML response with the pages' security headers.
pub fn html(state: &AppState, status: StatusCode, page: &impl Template) -> Response {
    let body = match page.render() {
        Ok(body) => body,
        Err(e) => {
            tracing::error!(error = %e, "a page failed to render");
            return (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response();
        }
    };
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    security_headers(state, headers);
    response
}

pub fn security_headers(state: &AppState, headers: &mut HeaderMap) {
    // Chrome applies `form-action` to the redirect after a form post: allow the provider's
    // consent page, and nothing else.
    let upstream = state.upstream_origin().unwrap_or_default();
    let csp = format!(
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self' {upstream}; frame-ancestors 'none'; base-uri 'none'"
    );
    if let Ok(value) = HeaderValue::from_str(csp.trim()) {
        headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
}

/// A page with a title and one message.
pub fn message(
    state: &AppState,
    t: &Texts,
    status: StatusCode,
    title: &str,
    message: &str,
    again: bool,
) -> Response {
    let kind = if status.is_success() { "ok" } else { "error" };
    html(
        state,
        status,
        &MessagePage {
            t,
            base: state.public_url.path(),
            title,
            message,
            kind,
            again,
        },
    )
}

/// An error page: the title is the generic one, the message says what to do.
pub fn error(state: &AppState, t: &Texts, status: StatusCode, message: &str) -> Response {
    self::message(state, t, status, t.error_title, message, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pick(accept: &str) -> &'static str {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_str(accept).unwrap(),
        );
        texts(&headers).lang
    }

    #[test]
    fn the_language_follows_accept_language() {
        assert_eq!(pick("fr-FR,fr;q=0.9,en-US;q=0.8,en;q=0.7"), "fr");
        assert_eq!(pick("en-GB,en;q=0.9,fr;q=0.8"), "en");
        assert_eq!(pick("de-DE,de;q=0.9,fr;q=0.5,en;q=0.4"), "fr");
        assert_eq!(pick("de"), "en");
        assert_eq!(pick("fr;q=0, en;q=0.1"), "en");
        assert_eq!(pick("*"), "en");
        assert_eq!(texts(&HeaderMap::new()).lang, "en");
    }

    #[test]
    fn templates_escape_what_they_show() {
        let page = EntryPage {
            t: &FR,
            base: "/",
            code: "\"><script>alert(1)</script>",
            error: Some("<b>x</b>"),
        };
        let html = page.render().unwrap();
        assert!(!html.contains("<script>"), "{html}");
        assert!(!html.contains("<b>x"), "{html}");
        assert!(
            html.contains("&#34;&#62;&#60;script&#62;")
                || html.contains("&quot;&gt;&lt;script&gt;"),
            "{html}"
        );
        assert!(html.contains("lang=\"fr\""));
    }
}
