//! `hearth-cli energy …`: the arguments.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};
use jiff::civil::Date;

/// `hearth-cli energy`: the meter options shared by every subcommand, and the subcommand.
#[derive(Args, Debug)]
pub struct EnergyArgs {
    /// The meter (its PRM, 14 digits) when several are linked.
    #[arg(long, global = true, value_name = "PRM")]
    pub meter: Option<String>,
    #[command(subcommand)]
    pub command: EnergyCommand,
}

#[derive(Subcommand, Debug)]
pub enum EnergyCommand {
    /// Link a Linky meter: prints the proxy's page and the code, opens the browser, waits for
    /// the consent at Enedis.
    ///
    /// The energy proxy (a `hearth-proxy`: run your own, or use one a community runs) is given
    /// once with --proxy and --client-id, and saved in settings.json, shared with the app.
    Link {
        /// The proxy's address (https, or http on 127.0.0.1 / localhost only). Saved.
        #[arg(long, value_name = "URL", requires = "client_id")]
        proxy: Option<String>,
        /// The client id the proxy knows Hearth by. Saved.
        #[arg(long, value_name = "ID", requires = "proxy")]
        client_id: Option<String>,
        /// Print the page only; do not open a browser (approve on any device, a phone too).
        #[arg(long)]
        no_browser: bool,
    },
    /// The linked meters: state, data up to, next sync, consent's end.
    Meters {
        #[arg(long)]
        json: bool,
    },
    /// Fetch what is due from Enedis into the local history (progress on standard error).
    Sync,
    /// Daily consumption (kWh), beside the same days a year before.
    Daily(RangeArgs),
    /// The load curve: average power (W) per half hour, in French local time.
    Curve(RangeArgs),
    /// Maximum power per day (VA) and the time of each peak, against the subscribed power.
    MaxPower(RangeArgs),
    /// Daily production (kWh), for a meter that produces.
    Production(RangeArgs),
    /// Write a measure over a range as CSV (standard output, or --output).
    Export {
        /// CSV (the only format).
        #[arg(long, required = true)]
        csv: bool,
        #[arg(value_enum)]
        measure: ExportMeasure,
        /// The first day (YYYY-MM-DD, `today` or `yesterday`).
        #[arg(long, value_parser = parse_day)]
        from: Day,
        /// The last day, included.
        #[arg(long, value_parser = parse_day)]
        to: Day,
        /// `en` (default): `,` between fields and a decimal point, what scripts and most tools
        /// read. `fr`: `;` and a decimal comma, what a French spreadsheet opens as numbers (as
        /// the window exports in French).
        #[arg(long, value_enum, default_value_t = CsvLocale::En)]
        locale: CsvLocale,
        /// Write to this file instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Forget a meter's link (its tokens). The history is kept or deleted as chosen; asked
    /// when neither option is given and standard input is a terminal.
    Unlink {
        /// Keep the local history (the only copy of data older than Enedis keeps).
        #[arg(long, conflicts_with = "delete_history")]
        keep_history: bool,
        /// Delete the meter's local history as well.
        #[arg(long)]
        delete_history: bool,
    },
}

/// `--from DATE --to DATE [--json]`.
#[derive(Args, Debug, Clone, Copy)]
pub struct RangeArgs {
    /// The first day (YYYY-MM-DD, `today` or `yesterday`, French days).
    #[arg(long, value_parser = parse_day)]
    pub from: Day,
    /// The last day, included.
    #[arg(long, value_parser = parse_day)]
    pub to: Day,
    /// The app's own series as JSON (Wh, W, VA; `to` there is the day after, as Enedis counts;
    /// a gap is `null`).
    #[arg(long)]
    pub json: bool,
}

/// What `export` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExportMeasure {
    Daily,
    Curve,
    MaxPower,
    Production,
}

/// The CSV conventions of `export`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CsvLocale {
    En,
    Fr,
}

/// A day as typed: a date, or one counted from today when the command runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Day {
    Date(Date),
    Today,
    Yesterday,
}

impl Day {
    /// The date, `today` being the French day now.
    pub fn resolve(self, today: Date) -> Option<Date> {
        match self {
            Day::Date(date) => Some(date),
            Day::Today => Some(today),
            Day::Yesterday => today.yesterday().ok(),
        }
    }
}

fn parse_day(text: &str) -> Result<Day, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "today" => Ok(Day::Today),
        "yesterday" => Ok(Day::Yesterday),
        other => other
            .parse::<Date>()
            .map(Day::Date)
            .map_err(|_| "a date as YYYY-MM-DD, `today` or `yesterday`".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::{Day, parse_day};
    use jiff::civil::date;

    #[test]
    fn days_parse_as_dates_or_relative_words() {
        assert_eq!(parse_day("2026-03-29"), Ok(Day::Date(date(2026, 3, 29))));
        assert_eq!(parse_day("Yesterday"), Ok(Day::Yesterday));
        assert!(parse_day("2026-02-30").is_err());
        assert!(parse_day("29/03/2026").is_err());
        let today = date(2026, 3, 1);
        assert_eq!(Day::Yesterday.resolve(today), Some(date(2026, 2, 28)));
        assert_eq!(Day::Today.resolve(today), Some(today));
    }
}
