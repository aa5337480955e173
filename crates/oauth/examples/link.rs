//! Links by hand against the Hue cloud (or `hearth-sim cloud`), with each way of receiving the
//! answer: what `hearth-cli remote link` does, without the CLI around it.
//!
//! ```text
//! cargo run -p hearth-oauth --example link -- --base http://127.0.0.1:8095 \
//!     --client-id hearth-sim-client --client-secret hearth-sim-secret \
//!     --callback loopback-https --port 8584 --auth digest
//! ```
//!
//! `--callback` is `loopback-http`, `loopback-https`, `deep-link` (paste the `hearth://…` URL the
//! browser tried to open, as the app would receive it) or `paste` (with `--redirect-uri`, the
//! page registered on the portal). The authorization URL is printed, never opened: open it in a
//! browser. Prints the expiry of the tokens obtained, never the tokens.

use std::io::BufRead as _;
use std::time::SystemTime;

use hearth_oauth::receiver::{CallbackReceiver, LoopbackOptions, LoopbackReceiver, UrlReceiver};
use hearth_oauth::{ClientAuth, OAuthClient, OAuthConfig, OAuthError, Secret, TokenSet};
use url::Url;

struct Args {
    base: Url,
    client_id: String,
    client_secret: String,
    callback: String,
    port: u16,
    auth: ClientAuth,
    redirect_uri: Option<Url>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = std::env::args().skip(1);
    let mut base = None;
    let mut client_id = None;
    let mut client_secret = None;
    let mut callback = "loopback-http".to_owned();
    let mut port = 8584;
    let mut auth = ClientAuth::Basic;
    let mut redirect_uri = None;
    while let Some(flag) = args.next() {
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--base" => base = Some(Url::parse(&value).map_err(|e| e.to_string())?),
            "--client-id" => client_id = Some(value),
            "--client-secret" => client_secret = Some(value),
            "--callback" => callback = value,
            "--port" => port = value.parse().map_err(|_| "--port needs a number")?,
            "--auth" => {
                auth = match value.as_str() {
                    "basic" => ClientAuth::Basic,
                    "digest" => ClientAuth::Digest,
                    _ => return Err("--auth is basic or digest".into()),
                }
            }
            "--redirect-uri" => {
                redirect_uri = Some(Url::parse(&value).map_err(|e| e.to_string())?);
            }
            other => return Err(format!("unknown flag {other}")),
        }
    }
    Ok(Args {
        base: base.ok_or("--base is required (https://api.meethue.com, or the simulator's)")?,
        client_id: client_id.ok_or("--client-id is required")?,
        client_secret: client_secret.ok_or("--client-secret is required")?,
        callback,
        port,
        auth,
        redirect_uri,
    })
}

fn show(url: &Url) {
    println!("Open this page in your browser:\n\n  {url}\n");
}

/// Reads lines from standard input and hands each to the inbox until one is taken.
fn read_pasted(inbox: hearth_oauth::receiver::UrlInbox) {
    std::thread::spawn(move || {
        println!("Paste the whole address the browser ended on, then Enter:");
        for line in std::io::stdin().lock().lines() {
            let Ok(line) = line else { return };
            match inbox.deliver(&line) {
                Ok(_) => return,
                Err(err) => println!("Not that one: {err}. Paste again:"),
            }
        }
    });
}

async fn run(args: Args) -> Result<TokenSet, OAuthError> {
    let config = OAuthConfig::hue(
        &args.base,
        args.client_id,
        Secret::from(args.client_secret),
        args.auth,
    )?;
    let client = OAuthClient::new(config)?;
    match args.callback.as_str() {
        "loopback-http" | "loopback-https" => {
            let options = if args.callback == "loopback-https" {
                LoopbackOptions::https(args.port)
            } else {
                LoopbackOptions::http(args.port)
            };
            let mut receiver = LoopbackReceiver::bind(options).await?;
            println!(
                "Waiting on {} (register exactly this callback URL)",
                receiver.redirect_uri()
            );
            client.link(&mut receiver, show).await
        }
        "deep-link" | "paste" => {
            let mut receiver = if args.callback == "deep-link" {
                UrlReceiver::deep_link()
            } else {
                let redirect = args
                    .redirect_uri
                    .ok_or(OAuthError::Config("paste needs --redirect-uri"))?;
                UrlReceiver::paste(redirect)
            };
            println!("Callback URL to register: {}", receiver.redirect_uri());
            read_pasted(receiver.inbox());
            client.link(&mut receiver, show).await
        }
        _ => Err(OAuthError::Config(
            "--callback is loopback-http, loopback-https, deep-link or paste",
        )),
    }
}

#[tokio::main]
async fn main() {
    let args = match parse_args() {
        Ok(args) => args,
        Err(err) => {
            eprintln!("link: {err}");
            std::process::exit(2);
        }
    };
    match run(args).await {
        Ok(tokens) => {
            let left = tokens
                .expires_at
                .and_then(|at| at.duration_since(SystemTime::now()).ok())
                .map_or("unknown".to_owned(), |left| format!("{} s", left.as_secs()));
            println!(
                "Linked. Access token valid for {left}; refresh token {}.",
                if tokens.refresh_token.is_some() {
                    "received"
                } else {
                    "absent"
                }
            );
        }
        Err(err) => {
            eprintln!("link failed: {err}");
            std::process::exit(1);
        }
    }
}
