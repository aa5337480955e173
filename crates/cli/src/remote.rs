//! `hearth-cli remote …`: linking remote access, its status, unlinking; over
//! `hearth_core::remote`, the app's own code.
//!
//! The CLI cannot own the `hearth://` scheme (the app registers it with the OS). So in
//! `--callback deep-link` mode the redirect still goes to `hearth://oauth/callback?…`, and the
//! user pastes that address here: the browser shows it (in its address bar or its "open with"
//! prompt), or the app, if installed and opened by it, refuses it as belonging to no sign-in of
//! its own. In every mode, whatever is typed on standard input is offered to the flow as a pasted
//! redirect, so paste is the fallback when the browser cannot reach the loopback server.

use std::io::BufRead as _;

use hearth_core::lights::LightsError;
use hearth_core::remote::{
    ReceiverChoice, ReceiverKind, Registration, Remote, RemoteError, parse_cloud_url,
};
use hearth_secret::Secret;
use tokio::sync::oneshot;

use crate::commands::open;
use crate::{CallbackMode, Cli, RemoteCommand};

pub async fn run(cli: &Cli, command: &RemoteCommand) -> Result<(), LightsError> {
    match command {
        RemoteCommand::Link {
            client_id,
            client_secret,
            callback,
            port,
            redirect_uri,
            no_browser,
            cloud_url,
        } => {
            let lights = open(cli, false).await?;
            let remote = lights.remote().clone();
            let registration = Given {
                client_id: client_id.as_deref(),
                client_secret: client_secret.as_deref(),
                redirect_uri: redirect_uri.as_deref(),
                cloud_url: cloud_url.as_deref(),
            };
            register(&remote, &registration).await?;
            let choice = match callback {
                None => ReceiverChoice::Auto,
                Some(CallbackMode::LoopbackHttp) => ReceiverChoice::LoopbackHttp { port: *port },
                Some(CallbackMode::LoopbackHttps) => ReceiverChoice::LoopbackHttps { port: *port },
                Some(CallbackMode::DeepLink) => ReceiverChoice::DeepLink,
                Some(CallbackMode::Paste) => ReceiverChoice::Paste,
            };
            link(&remote, choice, *no_browser).await
        }
        RemoteCommand::Status { json } => {
            let lights = open(cli, false).await?;
            crate::output::remote(&lights.remote().view(), *json);
            Ok(())
        }
        RemoteCommand::Unlink => {
            let lights = open(cli, false).await?;
            lights.remote().unlink().await?;
            println!(
                "Remote access unlinked. The app registration is kept: `hearth-cli remote link` \
                 links again."
            );
            Ok(())
        }
    }
}

struct Given<'a> {
    client_id: Option<&'a str>,
    client_secret: Option<&'a str>,
    redirect_uri: Option<&'a str>,
    cloud_url: Option<&'a str>,
}

/// Saves the registration given on the command line, if any.
async fn register(remote: &Remote, given: &Given<'_>) -> Result<(), RemoteError> {
    let Some(client_id) = given.client_id else {
        if given.client_secret.is_some()
            || given.redirect_uri.is_some()
            || given.cloud_url.is_some()
        {
            return Err(RemoteError::InvalidInput(
                "--client-secret, --redirect-uri and --cloud-url go with --client-id".into(),
            ));
        }
        if !remote.view().registered {
            return Err(RemoteError::NotRegistered);
        }
        return Ok(());
    };
    let Some(secret) = given.client_secret else {
        return Err(RemoteError::InvalidInput(
            "--client-id needs --client-secret (or HEARTH_CLIENT_SECRET)".into(),
        ));
    };
    let cloud_url = given.cloud_url.map(parse_cloud_url).transpose()?;
    remote
        .register(Registration {
            client_id: client_id.to_owned(),
            client_secret: Secret::from(secret),
            callback: given.redirect_uri.map(str::to_owned),
            cloud_url,
        })
        .await?;
    Ok(())
}

async fn link(
    remote: &Remote,
    choice: ReceiverChoice,
    no_browser: bool,
) -> Result<(), LightsError> {
    let started = remote.start_link(choice).await?;
    let redirect = &started.redirect_uri;
    match started.receiver {
        ReceiverKind::LoopbackHttp | ReceiverKind::LoopbackHttps => {
            eprintln!(
                "Waiting for the browser at {redirect} (the callback URL registered for the app \
                 must be exactly this)."
            );
            if started.receiver == ReceiverKind::LoopbackHttps {
                eprintln!(
                    "Your browser will warn about the certificate Hearth made for localhost just \
                     now: accept it to go on."
                );
            }
            eprintln!("If the browser cannot reach it, paste here the address it ended on.");
        }
        ReceiverKind::DeepLink => eprintln!(
            "After you allow access, the browser tries to open {redirect}?…, which only the Hearth \
             app receives. Copy that whole address from the browser and paste it here."
        ),
        ReceiverKind::Paste => eprintln!(
            "After you allow access, the browser lands on {redirect}?code=…: copy the whole \
             address from its address bar and paste it here."
        ),
    }
    if no_browser {
        eprintln!("Open this page in your browser:");
        println!("{}", started.authorize_url);
    } else {
        match crate::browser::open(&started.authorize_url) {
            Ok(()) => eprintln!(
                "Opening your browser at the Hue sign-in page. If it does not open, visit:\n  {}",
                started.authorize_url
            ),
            Err(err) => {
                eprintln!("The browser did not open ({err}). Open this page yourself:");
                println!("{}", started.authorize_url);
            }
        }
    }
    let input_ended = read_pasted(remote.clone());
    // With a loopback server the browser may still answer after input ends (a script with no
    // standard input); otherwise nothing else can, so waiting on would be waiting forever.
    let only_paste_answers = matches!(
        started.receiver,
        ReceiverKind::DeepLink | ReceiverKind::Paste
    );
    let input_ended = async {
        if input_ended.await.is_err() || !only_paste_answers {
            std::future::pending::<()>().await;
        }
    };
    let bridge_id = tokio::select! {
        linked = remote.wait_link() => linked?,
        _ = tokio::signal::ctrl_c() => {
            remote.cancel_link();
            return Err(RemoteError::Cancelled.into());
        }
        () = input_ended => {
            remote.cancel_link();
            return Err(RemoteError::InvalidInput(
                "standard input ended before the address the browser ended on was pasted".into(),
            )
            .into());
        }
    };
    println!("Linked: remote access reaches bridge {bridge_id}.");
    println!(
        "Away from home, Hearth now goes through the Hue cloud by itself; `--remote` forces it."
    );
    Ok(())
}

/// Offers every line typed on standard input to the flow, on a thread of its own (a blocking
/// read has no place on the runtime), until one is taken or input ends. The receiver hears when
/// input ended with nothing taken; it is dropped silently otherwise.
fn read_pasted(remote: Remote) -> oneshot::Receiver<()> {
    let (ended, input_ended) = oneshot::channel();
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines() {
            let Ok(line) = line else { break };
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            match remote.deliver(line) {
                // Taken, or the flow is over (answered by the loopback server).
                Ok(()) | Err(RemoteError::NoLinkInProgress) => return,
                Err(err) => eprintln!("Not taken: {err}. Paste again:"),
            }
        }
        // The flow may be over already: then nobody listens, which is fine.
        let _ = ended.send(());
    });
    input_ended
}
