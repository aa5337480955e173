//! `hearth-cli energy …`: Enedis Linky meters from a terminal, over hearth-core's energy model
//! and the same configuration folder as the app (the same settings, linked meters, tokens and
//! local history: a meter linked here is linked there, and a sync here is one the app does not
//! repeat).

mod args;
mod output;

use std::io::{BufRead, IsTerminal as _, Write as _};
use std::path::PathBuf;

use hearth_core::settings::{EnergyProxy, Settings, SettingsError};

pub use args::EnergyArgs;
use args::EnergyCommand;

/// The energy commands' failures, each with its exit code (see `crate::EXIT_CODES`).
#[derive(Debug, thiserror::Error)]
pub enum EnergyError {
    #[error("there is no home directory: give --config-dir")]
    NoConfigDir,
    /// Wrong usage that clap cannot see (a proxy refused, a range backwards, unlink's choice).
    #[error("{0}")]
    Usage(String),
    #[error(
        "no energy proxy is set: hearth-cli energy link --proxy URL --client-id ID (run \
         `hearth-proxy`, or ask a community that runs one)"
    )]
    NoProxy,
    #[error("no meter is linked: hearth-cli energy link")]
    NoMeter,
    #[error("no linked meter has the PRM {0} (hearth-cli energy meters lists them)")]
    UnknownMeter(String),
    #[error("several meters are linked ({}): choose one with --meter PRM", .0.join(", "))]
    SeveralMeters(Vec<String>),
    #[error(
        "the link was refused (at the proxy's page or Enedis's): run the command again to retry"
    )]
    Refused,
    #[error("the code expired before the link was approved: run the command again for a new one")]
    Expired,
    #[error("the energy proxy could not be reached: {0}")]
    Unreachable(String),
    #[error("{what}; run `hearth-cli energy sync` again after {retry_at}")]
    Paused { what: String, retry_at: String },
    #[error("{0}: hearth-cli energy link")]
    Relink(String),
    #[error("{0}")]
    Other(String),
}

impl EnergyError {
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::NoConfigDir | Self::Other(_) => 1,
            Self::Usage(_) => 2,
            Self::UnknownMeter(_) => 3,
            Self::SeveralMeters(_) => 4,
            Self::NoProxy => 11,
            Self::NoMeter => 12,
            Self::Refused => 13,
            Self::Expired => 14,
            Self::Unreachable(_) => 15,
            Self::Paused { .. } => 16,
            Self::Relink(_) => 17,
        }
    }
}

impl From<SettingsError> for EnergyError {
    fn from(err: SettingsError) -> Self {
        match err {
            SettingsError::File(err) => Self::Other(err.to_string()),
            refused => Self::Usage(refused.to_string()),
        }
    }
}

pub async fn run(cli: &crate::Cli, args: &EnergyArgs) -> Result<(), EnergyError> {
    let dir = config_dir(cli)?;
    match &args.command {
        EnergyCommand::Link {
            proxy, client_id, ..
        } => {
            save_proxy(&dir, proxy.as_deref(), client_id.as_deref())?;
            Err(EnergyError::Other(
                "not wired to the energy model yet".to_owned(),
            ))
        }
        _ => Err(EnergyError::Other(
            "not wired to the energy model yet".to_owned(),
        )),
    }
}

fn config_dir(cli: &crate::Cli) -> Result<PathBuf, EnergyError> {
    cli.config_dir
        .clone()
        .filter(|dir| !dir.as_os_str().is_empty())
        .or_else(hearth_core::paths::config_dir)
        .ok_or(EnergyError::NoConfigDir)
}

/// Saves `--proxy URL --client-id ID` when given (validated as the Settings screen does).
fn save_proxy(
    dir: &std::path::Path,
    proxy: Option<&str>,
    client_id: Option<&str>,
) -> Result<(), EnergyError> {
    if let (Some(url), Some(client_id)) = (proxy, client_id) {
        let proxy = EnergyProxy::new(url, client_id)?;
        Settings::set_energy_proxy(dir, Some(proxy))?;
        eprintln!("Energy proxy saved (shared with the app).");
    }
    Ok(())
}

/// What `unlink` does with the meter's local history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryChoice {
    Keep,
    Delete,
}

/// The history choice from the flags, else asked on a terminal; never guessed: a script that
/// gives neither flag is told to choose.
fn history_choice(
    keep: bool,
    delete: bool,
    terminal: bool,
    mut ask: impl FnMut() -> std::io::Result<String>,
) -> Result<HistoryChoice, EnergyError> {
    match (keep, delete) {
        (true, _) => return Ok(HistoryChoice::Keep),
        (_, true) => return Ok(HistoryChoice::Delete),
        _ => {}
    }
    if !terminal {
        return Err(EnergyError::Usage(
            "unlink: keep or delete the meter's local history? Give --keep-history or \
             --delete-history (it is the only copy of what Enedis no longer keeps)"
                .to_owned(),
        ));
    }
    loop {
        let answer = ask().map_err(|err| EnergyError::Other(err.to_string()))?;
        match answer.trim().to_ascii_lowercase().as_str() {
            "k" | "keep" => return Ok(HistoryChoice::Keep),
            "d" | "delete" => return Ok(HistoryChoice::Delete),
            // End of input: nothing was chosen, so nothing is deleted and nothing unlinked.
            "" if answer.is_empty() => {
                return Err(EnergyError::Usage(
                    "unlink: no answer; nothing was changed".to_owned(),
                ));
            }
            _ => {}
        }
    }
}

/// Asks on the terminal whether to keep the history.
fn ask_on_terminal() -> std::io::Result<String> {
    eprint!(
        "Keep this meter's local history (the only copy of data older than Enedis keeps)? \
         [k]eep / [d]elete: "
    );
    std::io::stderr().flush()?;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line)
}

fn stdin_is_terminal() -> bool {
    std::io::stdin().is_terminal()
}

#[cfg(test)]
mod tests {
    use super::{EnergyError, HistoryChoice, history_choice};

    #[test]
    fn unlink_takes_the_flag_asks_a_terminal_and_refuses_to_guess_otherwise() {
        let never = || -> std::io::Result<String> { panic!("asked although a flag was given") };
        assert_eq!(
            history_choice(true, false, false, never).unwrap(),
            HistoryChoice::Keep
        );
        assert_eq!(
            history_choice(false, true, true, never).unwrap(),
            HistoryChoice::Delete
        );
        let refused = history_choice(false, false, false, never).unwrap_err();
        assert!(matches!(refused, EnergyError::Usage(_)), "{refused}");
        assert_eq!(refused.exit_code(), 2);

        let mut answers = vec!["D\n", "what?\n"].into_iter().map(str::to_owned);
        let asked = history_choice(false, false, true, || Ok(answers.next_back().unwrap()));
        assert_eq!(asked.unwrap(), HistoryChoice::Delete);
        let closed = history_choice(false, false, true, || Ok(String::new()));
        assert!(matches!(closed, Err(EnergyError::Usage(_))));
    }
}
