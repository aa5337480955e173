//! The pages the loopback server shows in the browser tab that carried the answer. Everything
//! interpolated is escaped: an error description comes from whoever built the URL.

use crate::callback::CallbackError;
use crate::receiver::Accepted;

/// A page and its HTTP status.
pub(crate) struct Page {
    pub status: u16,
    pub html: String,
}

pub(crate) fn for_answer(result: &Result<Accepted, CallbackError>) -> Page {
    match result {
        Ok(Accepted::Code) => page(
            200,
            "Hearth is linked",
            "Signed in. You can close this tab and go back to Hearth.",
            true,
        ),
        Ok(Accepted::ProviderError { error }) if error == "access_denied" => page(
            200,
            "Access not granted",
            "You declined the request, so Hearth is not linked. You can close this tab; to try \
             again, start linking from Hearth.",
            false,
        ),
        Ok(Accepted::ProviderError { error }) => page(
            200,
            "Sign-in failed",
            &format!(
                "The sign-in service reported the error \u{201c}{}\u{201d}, so Hearth is not \
                 linked. You can close this tab and try again from Hearth.",
                crate::error::sanitize_code(error)
            ),
            false,
        ),
        Err(CallbackError::WrongState | CallbackError::NoFlowWaiting) => page(
            400,
            "Not the sign-in Hearth is waiting for",
            "This answer does not belong to the sign-in Hearth started (it may be old, used \
             already, or forged), so Hearth ignored it. If you are linking, finish in the tab \
             Hearth opened, or start again from Hearth.",
            false,
        ),
        Err(CallbackError::MissingParameter("code")) => page(
            400,
            "The answer is incomplete",
            "The sign-in service sent no authorization code, so Hearth cannot finish linking. \
             Hearth is still waiting: try again, or start again from Hearth.",
            false,
        ),
        Err(err) => page(
            400,
            "The answer is not valid",
            &format!(
                "Hearth could not use this answer ({err}). Hearth is still waiting: try again, or \
                 start again from Hearth."
            ),
            false,
        ),
    }
}

pub(crate) fn not_found() -> Page {
    page(
        404,
        "Nothing here",
        "This is Hearth's sign-in helper; it only answers the sign-in redirect.",
        false,
    )
}

pub(crate) fn misdirected() -> Page {
    page(
        421,
        "Wrong address",
        "This request was not addressed to Hearth's sign-in helper on this computer.",
        false,
    )
}

fn page(status: u16, title: &str, message: &str, success: bool) -> Page {
    let colour = if success { "#1b7f3b" } else { "#a4262c" };
    let html = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width\">\
         <title>{title} \u{2013} Hearth</title>\
         <style>body{{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:15vh auto;\
         padding:0 1rem;color:#222}}h1{{font-size:1.4rem;color:{colour}}}</style></head>\
         <body><h1>{title}</h1><p>{message}</p></body></html>\n",
        title = escape(title),
        message = escape(message),
    );
    Page { status, html }
}

pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{escape, for_answer};
    use crate::callback::CallbackError;
    use crate::receiver::Accepted;

    #[test]
    fn each_outcome_has_its_page() {
        let cases = [
            (Ok(Accepted::Code), 200, "Hearth is linked"),
            (
                Ok(Accepted::ProviderError {
                    error: "access_denied".into(),
                }),
                200,
                "Access not granted",
            ),
            (
                Ok(Accepted::ProviderError {
                    error: "<script>".into(),
                }),
                200,
                "unrecognised",
            ),
            (Err(CallbackError::WrongState), 400, "Not the sign-in"),
            (
                Err(CallbackError::MissingParameter("code")),
                400,
                "no authorization code",
            ),
            (
                Err(CallbackError::DuplicateParameter("state")),
                400,
                "appears more than once",
            ),
        ];
        for (result, status, text) in cases {
            let page = for_answer(&result);
            assert_eq!(page.status, status, "{result:?}");
            assert!(page.html.contains(text), "{result:?}: {}", page.html);
            assert!(!page.html.contains("<script>"));
        }
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }
}
