//! `hearth-cli energy …`: the arguments.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};
use hearth_tariff::{Period, TariffOption};
use jiff::civil::{Date, Time};

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
    /// Fetch what is due from Enedis into the local history (progress on standard error), and
    /// the regulated prices and Tempo colours when due (as the app does in the background;
    /// settings.json's `price_feeds` may name other sources than the regulator's and RTE's).
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
    /// The meter's offer: its kind, today's prices per period, the subscription per month and
    /// the off-peak windows (with where each version comes from). `offer set` and `offer
    /// windows` change it, in the same settings.json and history as the app.
    Offer(OfferArgs),
    /// What the consumption cost, day by day and in total, from the load curve (or, without
    /// one, daily energy at the Base price: an estimate for HP/HC and Tempo).
    ///
    /// Energy cost by period and the subscription apart, in euros with cents, rounded only
    /// when printed (the totals are rounded from the exact sums, not added from rounded days).
    /// A day with missing half hours, an unknown Tempo colour or no price is listed with its
    /// status and left out of the energy totals; the subscription counts every day.
    Cost(CostArgs),
    /// What the last 12 months would have cost on Base, HP/HC and Tempo at today's regulated
    /// prices, cheapest first, and whether the subscribed power could be lowered.
    Compare {
        /// The app's comparison as JSON: amounts in whole cents (`per_year_cents`,
        /// `more_than_cheapest_cents`), options cheapest first, `windows_origin`,
        /// `days_compared`, `power_hint` (`null` when none).
        #[arg(long)]
        json: bool,
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

/// `offer [set …|windows …] [--json]`.
#[derive(Args, Debug)]
pub struct OfferArgs {
    /// The offer as JSON (what the app's window shows), after any change.
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub action: Option<OfferAction>,
}

#[derive(Subcommand, Debug)]
pub enum OfferAction {
    /// Set the offer: a regulated option (`base`, `hphc`, `tempo`: the regulator's prices with
    /// taxes, row by row as in force), or `own`, a market offer's prices from your contract:
    /// `own --option hphc --price hp=0.2081 --price hc=0.1635 --subscription 15.65`.
    ///
    /// Periods: `base` for Base; `hp` and `hc` for HP/HC; `blue_hp`, `blue_hc`, `white_hp`,
    /// `white_hc`, `red_hp`, `red_hc` for Tempo. Every period of the option needs one price
    /// (euros per kWh with taxes, at most 5 decimals) and none other is taken.
    Set(SetOffer),
    /// The off-peak windows HP/HC is priced with, versioned by date.
    #[command(subcommand)]
    Windows(WindowsAction),
}

#[derive(Args, Debug)]
pub struct SetOffer {
    #[arg(value_enum)]
    pub kind: OfferKind,
    /// `own` only: the option the offer's prices follow.
    #[arg(long, value_enum, value_name = "OPTION")]
    pub option: Option<OptionArg>,
    /// `own` only: a price per kWh, `PERIOD=EUROS` (`hp=0.2081`); one per period of the option.
    #[arg(long = "price", value_name = "PERIOD=EUROS", value_parser = parse_price)]
    pub prices: Vec<(Period, String)>,
    /// `own` only: the subscription per month, in euros with taxes (`15.65`).
    #[arg(long, value_name = "EUROS")]
    pub subscription: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum WindowsAction {
    /// Your off-peak windows from a day on (until the next version), replacing a version that
    /// starts the same day: `windows set --from 2026-02-01 01:00-07:00 13:00-15:00`. Without
    /// --from they replace the first version (the windows of every day before a later one).
    /// Window edges are on the hour or the half hour (the meter counts half hours).
    Set {
        /// The first day they apply to (YYYY-MM-DD, `today` or `yesterday`).
        #[arg(long, value_parser = parse_day)]
        from: Option<Day>,
        /// Windows `HH:MM-HH:MM` (one may cross midnight: `23:00-07:00`).
        #[arg(required = true, value_name = "HH:MM-HH:MM", value_parser = parse_window)]
        windows: Vec<Window>,
    },
    /// Remove the version that starts on --from (the one before it applies again).
    Remove {
        #[arg(long, value_parser = parse_day)]
        from: Day,
    },
}

/// An offer's kind as typed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OfferKind {
    Base,
    #[value(name = "hphc")]
    HpHc,
    Tempo,
    Own,
}

/// A regulated option as typed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OptionArg {
    Base,
    #[value(name = "hphc")]
    HpHc,
    Tempo,
}

impl OptionArg {
    pub fn option(self) -> TariffOption {
        match self {
            OptionArg::Base => TariffOption::Base,
            OptionArg::HpHc => TariffOption::HpHc,
            OptionArg::Tempo => TariffOption::Tempo,
        }
    }
}

/// `cost [--offer …] --from DATE --to DATE [--json]`.
#[derive(Args, Debug, Clone, Copy)]
pub struct CostArgs {
    /// What to price with: a regulated option at the meter's subscribed power (`base`, `hphc`,
    /// `tempo`: each day with the row in force that day, with taxes), or `mine`, the meter's
    /// offer (`hearth-cli energy offer`: as set, else assumed from its contract), the default.
    #[arg(long, value_enum, default_value_t = CostOffer::Mine)]
    pub offer: CostOffer,
    /// The first day (YYYY-MM-DD, `today` or `yesterday`, French days).
    #[arg(long, value_parser = parse_day)]
    pub from: Day,
    /// The last day, included (as in `daily`).
    #[arg(long, value_parser = parse_day)]
    pub to: Day,
    /// JSON: per day and in total, the energy cost by period (`energy_cost_eur`) and the
    /// subscription apart (`subscription_eur`), amounts as strings of euros with cents
    /// (`"12.34"`, rounded half away from zero; the `*_exact_eur` fields keep every digit the
    /// engine counts, 1e-8 €), kWh by period as strings with three decimals, each day's
    /// `status` (`complete`, `estimate`, `incomplete` with `missing_minutes`, `unknown_color`
    /// with `tempo_day`, `no_price`; an unpriced day's cost is `null`), and the totals over the
    /// priced days with `priced_days` and `unpriced_days`. `first_day` and `last_day` are both
    /// included.
    #[arg(long)]
    pub json: bool,
}

/// `cost --offer`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CostOffer {
    Base,
    #[value(name = "hphc")]
    HpHc,
    Tempo,
    Mine,
}

/// An off-peak window as typed: `[start, end)`, crossing midnight when `end <= start`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub start: Time,
    pub end: Time,
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

/// `hp=0.2081`: a period in the engine's spelling and a price per kWh as typed (the energy
/// model checks the number, as it does the window's).
fn parse_price(text: &str) -> Result<(Period, String), String> {
    let (period, price) = text
        .split_once('=')
        .ok_or_else(|| format!("{text:?}: PERIOD=EUROS, as hp=0.2081"))?;
    let period = period.trim().to_ascii_lowercase();
    let period: Period = serde_json::from_value(serde_json::Value::String(period.clone()))
        .map_err(|_| {
            format!(
                "{period:?} is not a period: base, hp, hc, blue_hp, blue_hc, white_hp, \
                 white_hc, red_hp or red_hc"
            )
        })?;
    Ok((period, price.trim().to_owned()))
}

/// `23:00-07:00` (or `23h00-7h00`, as contracts write them).
fn parse_window(text: &str) -> Result<Window, String> {
    let bad = || format!("{text:?} is not a window HH:MM-HH:MM (as 23:00-07:00)");
    let (start, end) = text.split_once('-').ok_or_else(bad)?;
    let time = |part: &str| -> Option<Time> {
        let (h, m) = part.trim().split_once([':', 'h', 'H'])?;
        let m = if m.is_empty() { "0" } else { m };
        if h.len() > 2 || m.len() > 2 {
            return None;
        }
        Time::new(h.parse().ok()?, m.parse().ok()?, 0, 0).ok()
    };
    let (start, end) = (time(start).ok_or_else(bad)?, time(end).ok_or_else(bad)?);
    if start == end {
        return Err(format!("{text:?}: a window must not start where it ends"));
    }
    Ok(Window { start, end })
}

#[cfg(test)]
mod tests {
    use super::{Day, Period, Window, parse_day, parse_price, parse_window};
    use jiff::civil::{date, time};

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

    #[test]
    fn prices_name_a_period_of_the_engine() {
        assert_eq!(
            parse_price("hp=0.2081"),
            Ok((Period::Hp, "0.2081".to_owned()))
        );
        assert_eq!(
            parse_price("BLUE_HC = 0,1232"),
            Ok((Period::BlueHc, "0,1232".to_owned()))
        );
        assert!(
            parse_price("peak=0.2")
                .unwrap_err()
                .contains("not a period")
        );
        assert!(parse_price("hp").unwrap_err().contains("PERIOD=EUROS"));
    }

    #[test]
    fn windows_are_clock_ranges_that_may_cross_midnight() {
        assert_eq!(
            parse_window("23:00-07:00"),
            Ok(Window {
                start: time(23, 0, 0, 0),
                end: time(7, 0, 0, 0)
            })
        );
        assert_eq!(
            parse_window("1H00-7H30"),
            Ok(Window {
                start: time(1, 0, 0, 0),
                end: time(7, 30, 0, 0)
            })
        );
        assert!(parse_window("25:00-07:00").is_err());
        assert!(parse_window("12:00").is_err());
        assert!(parse_window("12:00-12:00").is_err());
        assert!(parse_window("12:000-13:00").is_err());
    }
}
