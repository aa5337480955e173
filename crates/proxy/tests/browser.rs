//! The browser side under attack: forged callbacks, XSS payloads in every reflected parameter,
//! CSRF, code guessing; and the pages' languages and security headers.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failed step panics the test with its reason.

mod common;

use common::{Backing, Browser, Device, EnedisSetup, enedis_setup, hidden, query_param};

async fn setup(extra: &[&str]) -> EnedisSetup {
    enedis_setup(Backing::sqlite(), |sim| sim, extra).await
}

#[tokio::test]
async fn forged_callbacks_complete_nothing() {
    let s = setup(&[]).await;
    let device = Device::new(&s.proxy.url);
    let code = device.code().await;
    let mut victim = Browser::new();
    let to_enedis = victim
        .confirm(code["verification_uri_complete"].as_str().unwrap())
        .await;
    let callback = victim.get(&to_enedis).await.location.unwrap();
    let autorisation = query_param(&callback, "autorisation_id");
    let redirect = format!("{}/auth/redirect", s.proxy.url);

    let mut attacker = Browser::new();
    for (what, url, expected) in [
        (
            "no state",
            format!("{redirect}?autorisation_id={autorisation}"),
            400,
        ),
        (
            "unknown state",
            format!("{redirect}?autorisation_id={autorisation}&state=forged"),
            400,
        ),
        (
            "a state longer than Enedis allows",
            format!(
                "{redirect}?autorisation_id={autorisation}&state={}",
                "a".repeat(101)
            ),
            400,
        ),
    ] {
        let page = attacker.get(&url).await;
        assert_eq!(page.status, expected, "{what}: {}", page.body);
    }
    // The right state from a browser without the cookie (a victim lured to an attacker's flow,
    // or an attacker replaying a victim's callback).
    let page = attacker.get(&callback).await;
    assert_eq!(page.status, 403, "{}", page.body);
    assert!(page.body.contains("another browser"), "{}", page.body);
    let mut stranger = Browser::new();
    stranger
        .cookies
        .push(("hearth_proxy_browser".into(), "guessed-cookie".into()));
    assert_eq!(stranger.get(&callback).await.status, 403);
    let (_, pending) = device.poll(code["device_code"].as_str().unwrap()).await;
    assert_eq!(
        pending["error"], "authorization_pending",
        "the forgeries changed nothing"
    );

    // The real browser completes; replaying the same callback then fails.
    assert_eq!(victim.get(&callback).await.status, 200);
    let replay = victim.get(&callback).await;
    assert_eq!(replay.status, 400, "a state is single use: {}", replay.body);

    // error=access_denied with a forged state does not deny someone else's flow.
    let code = device.code().await;
    let to_enedis = victim
        .confirm(code["verification_uri_complete"].as_str().unwrap())
        .await;
    let state = query_param(&to_enedis, "state");
    let page = attacker
        .get(&format!("{redirect}?error=access_denied&state={state}"))
        .await;
    assert_eq!(page.status, 403);
    tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    let (_, pending) = device.poll(code["device_code"].as_str().unwrap()).await;
    assert_eq!(pending["error"], "authorization_pending");
    // From the right browser it does.
    let page = victim
        .get(&format!(
            "{redirect}?error=access_denied&error_description=%3Cb%3Eno%3C%2Fb%3E&state={state}"
        ))
        .await;
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("<b>no</b>"));
    tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    let (_, denied) = device.poll(code["device_code"].as_str().unwrap()).await;
    assert_eq!(denied["error"], "access_denied");
    assert!(s.sim.calls("subscribed_services") >= 1);
}

const PAYLOADS: [&str; 5] = [
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "' onmouseover='alert(1)",
    "javascript:alert(1)",
    "</title><svg/onload=alert(1)>",
];

fn assert_inert(body: &str, payload: &str, context: &str) {
    assert!(
        !body.contains(payload),
        "{context}: payload reflected raw: {body}"
    );
    for raw in [
        "<script>",
        "<img",
        "<svg",
        "onerror=",
        "onload=",
        "' onmouseover",
    ] {
        assert!(!body.contains(raw), "{context}: {raw} in {body}");
    }
}

#[tokio::test]
async fn xss_payloads_in_every_reflected_parameter_are_inert() {
    let s = setup(&["--guesses-per-address", "1000"]).await;
    let base = &s.proxy.url;
    let mut browser = Browser::new();
    for payload in PAYLOADS {
        let encoded: String = url::form_urlencoded::byte_serialize(payload.as_bytes()).collect();
        for url in [
            format!("{base}/device?code={encoded}"),
            format!("{base}/auth/verify_code?code={encoded}"),
            format!("{base}/auth/redirect?state={encoded}&autorisation_id={encoded}"),
            format!(
                "{base}/auth/redirect?state={encoded}&error={encoded}&error_description={encoded}"
            ),
            format!("{base}/auth/redirect?code={encoded}&state={encoded}&usage_point_id={encoded}"),
            format!("{base}/{encoded}"),
        ] {
            let page = browser.get(&url).await;
            assert_inert(&page.body, payload, &url);
        }
        let page = browser
            .post(
                &format!("{base}/auth/verify_code"),
                &[("code", payload), ("csrf", payload), ("action", payload)],
            )
            .await;
        assert_inert(&page.body, payload, "POST /auth/verify_code");
        let page = Device::new(base)
            .post(
                "/device/code",
                &[("client_id", payload), ("scope", payload)],
            )
            .await;
        assert_inert(&page.1.to_string(), payload, "POST /device/code");
    }
    let page = Browser::new().get(&format!("{base}/device")).await;
    let csp = page.headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("default-src 'none'") && !csp.contains("script-src"),
        "no script may run at all: {csp}"
    );
    assert_eq!(page.headers["x-frame-options"], "DENY");
    assert!(
        page.headers["set-cookie"]
            .to_str()
            .unwrap()
            .contains("HttpOnly; SameSite=Lax")
    );
}

#[tokio::test]
async fn the_confirmation_needs_its_csrf_token_and_cookie() {
    let s = setup(&[]).await;
    let device = Device::new(&s.proxy.url);
    let code = device.code().await;
    let mut browser = Browser::new();
    let page = browser
        .get(code["verification_uri_complete"].as_str().unwrap())
        .await;
    let (user_code, csrf) = (hidden(&page.body, "code"), hidden(&page.body, "csrf"));
    let verify = format!("{}/auth/verify_code", s.proxy.url);

    let page = browser
        .post(&verify, &[("code", &user_code), ("action", "approve")])
        .await;
    assert_eq!(page.status, 403, "no token");
    let page = browser
        .post(
            &verify,
            &[
                ("code", &user_code),
                ("csrf", &"0".repeat(64)),
                ("action", "approve"),
            ],
        )
        .await;
    assert_eq!(page.status, 403, "wrong token");
    let mut other = Browser::new();
    other.get(&format!("{}/device", s.proxy.url)).await;
    let page = other
        .post(
            &verify,
            &[("code", &user_code), ("csrf", &csrf), ("action", "approve")],
        )
        .await;
    assert_eq!(page.status, 403, "another browser's token");
    let mut cookieless = Browser::new();
    let page = cookieless
        .post(
            &verify,
            &[("code", &user_code), ("csrf", &csrf), ("action", "deny")],
        )
        .await;
    assert_eq!(
        page.status, 403,
        "no cookie: a cross-site post cannot cancel someone's flow"
    );
    let (_, pending) = device.poll(code["device_code"].as_str().unwrap()).await;
    assert_eq!(pending["error"], "authorization_pending");

    let page = browser
        .post(
            &verify,
            &[("code", &user_code), ("csrf", &csrf), ("action", "approve")],
        )
        .await;
    assert_eq!(page.status, 303);
    assert!(page.location.unwrap().starts_with(&s.sim.authorize_url()));
}

#[tokio::test]
async fn codes_are_matched_leniently_and_the_page_names_the_client() {
    let s = setup(&[]).await;
    let device = Device::new(&s.proxy.url);
    let code = device.code().await;
    let shown = code["user_code"].as_str().unwrap();
    assert!(regex_like_user_code(shown), "{shown}");
    let typed = format!(" {} ", shown.to_lowercase().replace('-', " "));
    let mut browser = Browser::new();
    browser.language = "fr-FR,fr;q=0.9,en;q=0.5";
    let encoded: String = url::form_urlencoded::byte_serialize(typed.as_bytes()).collect();
    let page = browser
        .get(&format!("{}/auth/verify_code?code={encoded}", s.proxy.url))
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("Domoticz Linky"),
        "which client asks: {}",
        page.body
    );
    assert!(
        page.body.contains(shown),
        "the code to compare with the device"
    );
    assert!(
        page.body.contains("Confirmer l’association") && page.body.contains("lang=\"fr\""),
        "{}",
        page.body
    );
    browser.language = "en";
    let page = browser.get(&format!("{}/device", s.proxy.url)).await;
    assert!(page.body.contains("Enter the code your device shows"));
}

fn regex_like_user_code(code: &str) -> bool {
    let bytes = code.as_bytes();
    code.len() == 9
        && bytes[4] == b'-'
        && code
            .chars()
            .filter(|c| *c != '-')
            .all(|c| "BCDFGHJKLMNPQRSTVWXZ".contains(c))
}

#[tokio::test]
async fn wrong_codes_are_limited_per_address_and_globally() {
    let s = setup(&[
        "--guesses-per-address",
        "3",
        "--guesses-global",
        "5",
        "--trust-forwarded-for",
    ])
    .await;
    let device = Device::new(&s.proxy.url);
    let code = device.code().await;
    let right = code["user_code"].as_str().unwrap();
    let http = common::http();
    let check = |from: &'static str, code: String| {
        let http = http.clone();
        let url = format!("{}/auth/verify_code?code={code}", s.proxy.url);
        async move {
            http.get(url)
                .header("X-Forwarded-For", from)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(check("192.0.2.1", "BBBB-BBBB".into()).await);
    }
    assert_eq!(statuses, [400, 400, 400, 429], "three checks per address");
    assert_eq!(
        check("192.0.2.1", right.into()).await,
        429,
        "even the right code, once over the limit"
    );
    assert_eq!(check("192.0.2.2", "CCCC-CCCC".into()).await, 400);
    assert_eq!(check("192.0.2.2", "DDDD-DDDD".into()).await, 400);
    assert_eq!(
        check("192.0.2.3", right.into()).await,
        429,
        "the global budget (5 checks: an address over its own limit spends none of it) is spent: no address can go on guessing"
    );
    let (_, pending) = device.poll(code["device_code"].as_str().unwrap()).await;
    assert_eq!(pending["error"], "authorization_pending");
}

/// The security review's attack: a victim links (consent id N); an attacker starts its own flow,
/// confirms it in its own browser, never goes to Enedis, and presents the victim's N with its
/// own state and cookie. The attacker's device must get no token, and the victim's link stands.
#[tokio::test]
async fn a_leaked_autorisation_id_opens_no_one_elses_meter() {
    let s = setup(&[]).await;
    // The victim links, and its callback URL (with N) leaks.
    let victim_device = Device::new(&s.proxy.url);
    let code = victim_device.code().await;
    let mut victim = Browser::new();
    let to_enedis = victim
        .confirm(code["verification_uri_complete"].as_str().unwrap())
        .await;
    let callback = victim.get(&to_enedis).await.location.unwrap();
    let leaked = query_param(&callback, "autorisation_id");
    assert_eq!(victim.get(&callback).await.status, 200);
    let (status, victim_tokens) = victim_device
        .poll_until_done(
            code["device_code"].as_str().unwrap(),
            std::time::Duration::from_millis(250),
        )
        .await;
    assert_eq!(status, 200, "{victim_tokens}");

    // The attacker's own flow, confirmed in its own browser, then the victim's id.
    let attacker_device = Device::new(&s.proxy.url);
    let code = attacker_device.code().await;
    let mut attacker = Browser::new();
    let to_enedis = attacker
        .confirm(code["verification_uri_complete"].as_str().unwrap())
        .await;
    let own_state = query_param(&to_enedis, "state");
    let forged = format!(
        "{}/auth/redirect?state={own_state}&autorisation_id={leaked}",
        s.proxy.url
    );
    let page = attacker.get(&forged).await;
    assert_eq!(page.status, 403, "{}", page.body);
    assert!(!page.body.contains("Done"), "{}", page.body);
    let replay = attacker.get(&forged).await;
    assert_ne!(replay.status, 200, "{}", replay.body);
    tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    let (status, answer) = attacker_device
        .poll(code["device_code"].as_str().unwrap())
        .await;
    assert_ne!(status, 200, "{answer}");
    assert!(answer.get("access_token").is_none(), "{answer}");

    // The victim's tokens still read the victim's meter.
    let prm = victim_tokens["usage_point_id"]
        .as_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let (status, _) = victim_device
        .data(
            victim_tokens["access_token"].as_str().unwrap(),
            "customers_upc/v5/usage_points/contracts",
            &format!("usage_point_id={prm}"),
        )
        .await;
    assert_eq!(status, 200);
}

/// Where Enedis says when a consent began, a consent older than the flow is refused: it is an
/// earlier link's, not this user's answer to this flow.
#[tokio::test]
async fn a_consent_older_than_the_flow_links_nothing() {
    let yesterday = time::OffsetDateTime::now_utc().date() - time::Duration::days(2);
    let s = enedis_setup(Backing::sqlite(), |sim| sim.today(yesterday), &[]).await;
    let device = Device::new(&s.proxy.url);
    let code = device.code().await;
    let mut browser = Browser::new();
    let to_enedis = browser
        .confirm(code["verification_uri_complete"].as_str().unwrap())
        .await;
    let page = browser.consent_and_return(&to_enedis).await;
    assert_eq!(page.status, 403, "{}", page.body);
    let (status, answer) = device.poll(code["device_code"].as_str().unwrap()).await;
    assert_ne!(status, 200, "{answer}");
    assert!(answer.get("access_token").is_none(), "{answer}");
}

/// The review's lockout: wrong codes from many addresses spend the global budget. The link and
/// QR path (`verification_uri_complete`, what Hearth's app opens) carries its own secret and
/// never spends it, so the user still links; a link with a wrong secret is an ordinary check.
#[tokio::test]
async fn a_spent_global_budget_does_not_lock_out_the_link() {
    let s = setup(&[
        "--guesses-per-address",
        "3",
        "--guesses-global",
        "6",
        "--trust-forwarded-for",
    ])
    .await;
    let device = Device::new(&s.proxy.url);
    let code = device.code().await;
    let complete = code["verification_uri_complete"].as_str().unwrap();
    assert!(complete.contains("link="), "{complete}");
    let http = common::http();
    let check = |from: String, url: String| {
        let http = http.clone();
        async move {
            http.get(url)
                .header("X-Forwarded-For", from)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    for attacker in 1..=3 {
        for _ in 0..3 {
            check(
                format!("198.51.100.{attacker}"),
                format!("{}/auth/verify_code?code=BBBB-BBBB", s.proxy.url),
            )
            .await;
        }
    }
    let typed = format!(
        "{}/auth/verify_code?code={}",
        s.proxy.url,
        code["user_code"].as_str().unwrap()
    );
    assert_eq!(
        check("203.0.113.9".into(), typed).await,
        429,
        "typing the code is locked out"
    );
    let (base, _) = complete.split_once("link=").unwrap();
    assert_eq!(
        check("203.0.113.9".into(), format!("{base}link=wrong-secret")).await,
        429,
        "a wrong link secret is an ordinary, counted check"
    );
    // The real link, from a fresh address: the confirmation, and the whole link goes through.
    let mut browser = Browser::new();
    let to_enedis = browser.confirm(complete).await;
    let done = browser.consent_and_return(&to_enedis).await;
    assert_eq!(done.status, 200, "{}", done.body);
    let (status, tokens) = device
        .poll_until_done(
            code["device_code"].as_str().unwrap(),
            std::time::Duration::from_millis(250),
        )
        .await;
    assert_eq!(status, 200, "{tokens}");
}

/// An IPv6 client cannot multiply its guesses by changing addresses within its /64.
#[tokio::test]
async fn ipv6_clients_are_limited_per_64() {
    let s = setup(&["--guesses-per-address", "3", "--trust-forwarded-for"]).await;
    let http = common::http();
    let check = |from: &'static str| {
        let http = http.clone();
        let url = format!("{}/auth/verify_code?code=BBBB-BBBB", s.proxy.url);
        async move {
            http.get(url)
                .header("X-Forwarded-For", from)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    let mut statuses = Vec::new();
    for from in [
        "2001:db8:5:6::1",
        "2001:db8:5:6::2",
        "2001:db8:5:6:ffff::3",
        "2001:db8:5:6:1234::4",
    ] {
        statuses.push(check(from).await);
    }
    assert_eq!(statuses, [400, 400, 400, 429]);
    assert_eq!(check("2001:db8:5:7::1").await, 400, "another /64");
}
