//! What `energy cost` prints: the engine's exact figures (1e-8 €, watt-minutes) in euros with
//! cents and kWh with three decimals, as a table for people and as JSON for scripts.
//!
//! Amounts are rounded here only, each from its exact figure: a total is the exact sum rounded,
//! never the sum of rounded days (which can differ by a cent or more over a month).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use hearth_core::energy::costs;
use hearth_core::energy::{ComparisonView, OfferChoice, OfferView, TimeRange, WindowsOrigin};
use hearth_tariff::{CostReport, DayCost, DayStatus, Energy, Money, Offer, Period, TariffOption};
use jiff::civil::Date;
use serde::Serialize;

/// Euros with cents, rounded half away from zero: `12.34`.
pub fn euros(money: Money) -> String {
    money.to_string()
}

/// Every digit the engine counts (1e-8 €), trailing zeros dropped: `233.848032`, `0`.
pub fn exact_euros(money: Money) -> String {
    let per_euro = hearth_tariff::money::MONEY_PER_EURO.unsigned_abs();
    let sign = if money.0 < 0 { "-" } else { "" };
    let value = money.0.unsigned_abs();
    let fraction = format!("{:08}", value % per_euro);
    let fraction = fraction.trim_end_matches('0');
    if fraction.is_empty() {
        format!("{sign}{}", value / per_euro)
    } else {
        format!("{sign}{}.{fraction}", value / per_euro)
    }
}

/// kWh with three decimals (whole Wh, rounded half away from zero): `36.800`.
pub fn kwh(energy: Energy) -> String {
    let wh = energy.wh();
    let sign = if wh < 0 { "-" } else { "" };
    let wh = wh.unsigned_abs();
    format!("{sign}{}.{:03}", wh / 1000, wh % 1000)
}

/// A period's name in the engine's (and the JSON's) spelling.
pub fn period_name(period: Period) -> &'static str {
    match period {
        Period::Base => "base",
        Period::Hp => "hp",
        Period::Hc => "hc",
        Period::BlueHp => "blue_hp",
        Period::BlueHc => "blue_hc",
        Period::WhiteHp => "white_hp",
        Period::WhiteHc => "white_hc",
        Period::RedHp => "red_hp",
        Period::RedHc => "red_hc",
    }
}

pub fn option_name(option: TariffOption) -> &'static str {
    match option {
        TariffOption::Base => "Base",
        TariffOption::HpHc => "HP/HC",
        TariffOption::Tempo => "Tempo",
    }
}

/// The option's spelling on the command line and in JSON.
pub fn option_key(option: TariffOption) -> &'static str {
    match option {
        TariffOption::Base => "base",
        TariffOption::HpHc => "hphc",
        TariffOption::Tempo => "tempo",
    }
}

/// What priced the days, in words.
pub fn offer_text(offer: &Offer) -> String {
    match offer {
        Offer::Regulated { option, taxes } => format!(
            "{} at the regulated prices ({})",
            option_name(*option),
            match taxes {
                hearth_tariff::Taxes::Ttc => "with taxes",
                hearth_tariff::Taxes::Ht => "without taxes",
            }
        ),
        Offer::Own(own) => format!("your own offer ({})", option_name(own.energy.option())),
    }
}

/// A day's status in the JSON's spelling.
fn status_key(status: DayStatus) -> &'static str {
    match status {
        DayStatus::Complete => "complete",
        DayStatus::Estimate => "estimate",
        DayStatus::Incomplete { .. } => "incomplete",
        DayStatus::NoPrice => "no_price",
        DayStatus::UnknownColor { .. } => "unknown_color",
    }
}

/// A day's status in words (the table's last column).
fn status_text(status: DayStatus) -> String {
    match status {
        DayStatus::Complete => String::new(),
        DayStatus::Estimate => "estimate (daily energy at the Base price)".to_owned(),
        DayStatus::Incomplete { missing_minutes } => {
            format!("not priced: {missing_minutes} min missing")
        }
        DayStatus::NoPrice => "not priced: no regulated price that day".to_owned(),
        DayStatus::UnknownColor { tempo_day } => {
            format!("not priced: Tempo colour of {tempo_day} unknown")
        }
    }
}

/// The figures of a day or of the whole range, as JSON.
#[derive(Serialize)]
struct Figures {
    /// kWh by period.
    energy_kwh: BTreeMap<&'static str, String>,
    /// Energy cost by period, euros with cents (empty when the day is not priced).
    energy_cost_eur: BTreeMap<&'static str, String>,
    energy_cost_exact_eur: BTreeMap<&'static str, String>,
    /// `null` for a day not priced: its cost is unknown, not zero.
    energy_cost_total_eur: Option<String>,
    energy_cost_total_exact_eur: Option<String>,
    subscription_eur: String,
    subscription_exact_eur: String,
    /// Energy and subscription.
    total_eur: Option<String>,
    total_exact_eur: Option<String>,
}

impl Figures {
    fn new(
        energy: &BTreeMap<Period, Energy>,
        cost: &BTreeMap<Period, Money>,
        priced: bool,
        subscription: Money,
    ) -> Self {
        let energy_cost: Money = cost.values().copied().sum();
        let total = energy_cost + subscription;
        Self {
            energy_kwh: energy
                .iter()
                .map(|(p, e)| (period_name(*p), kwh(*e)))
                .collect(),
            energy_cost_eur: cost
                .iter()
                .map(|(p, m)| (period_name(*p), euros(*m)))
                .collect(),
            energy_cost_exact_eur: cost
                .iter()
                .map(|(p, m)| (period_name(*p), exact_euros(*m)))
                .collect(),
            energy_cost_total_eur: priced.then(|| euros(energy_cost)),
            energy_cost_total_exact_eur: priced.then(|| exact_euros(energy_cost)),
            subscription_eur: euros(subscription),
            subscription_exact_eur: exact_euros(subscription),
            total_eur: priced.then(|| euros(total)),
            total_exact_eur: priced.then(|| exact_euros(total)),
        }
    }
}

#[derive(Serialize)]
struct DayJson {
    day: String,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    missing_minutes: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tempo_day: Option<String>,
    #[serde(flatten)]
    figures: Figures,
}

#[derive(Serialize)]
struct TotalJson {
    priced_days: u32,
    unpriced_days: u32,
    /// Whether a priced day is an estimate (daily energy only).
    estimate: bool,
    #[serde(flatten)]
    figures: Figures,
}

/// What priced the days: `{"kind": "regulated", "option": "hphc", "taxes": "ttc"}` or
/// `{"kind": "own", "option": "tempo"}` (options spelt as on the command line).
#[derive(Serialize)]
struct OfferJson {
    kind: &'static str,
    option: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    taxes: Option<&'static str>,
}

impl OfferJson {
    fn new(offer: &Offer) -> Self {
        match offer {
            Offer::Regulated { option, taxes } => Self {
                kind: "regulated",
                option: option_key(*option),
                taxes: Some(match taxes {
                    hearth_tariff::Taxes::Ttc => "ttc",
                    hearth_tariff::Taxes::Ht => "ht",
                }),
            },
            Offer::Own(own) => Self {
                kind: "own",
                option: option_key(own.energy.option()),
                taxes: None,
            },
        }
    }
}

#[derive(Serialize)]
struct CostJson<'a> {
    meter: &'a str,
    offer: OfferJson,
    first_day: String,
    /// Included.
    last_day: String,
    days: Vec<DayJson>,
    total: TotalJson,
}

fn day_json(day: &DayCost) -> DayJson {
    let (missing_minutes, tempo_day) = match day.status {
        DayStatus::Incomplete { missing_minutes } => (Some(missing_minutes), None),
        DayStatus::UnknownColor { tempo_day } => (None, Some(tempo_day.to_string())),
        _ => (None, None),
    };
    DayJson {
        day: day.day.to_string(),
        status: status_key(day.status),
        missing_minutes,
        tempo_day,
        figures: Figures::new(
            &day.energy,
            &day.cost,
            day.status.is_priced(),
            day.subscription,
        ),
    }
}

/// The report as JSON (see `energy cost --help`); `last_day` is included.
pub fn cost_json(
    prm: &str,
    offer: &Offer,
    report: &CostReport,
    first_day: Date,
    last_day: Date,
) -> String {
    super::output::json(&CostJson {
        meter: prm,
        offer: OfferJson::new(offer),
        first_day: first_day.to_string(),
        last_day: last_day.to_string(),
        days: report.days.iter().map(day_json).collect(),
        total: TotalJson {
            priced_days: report.priced_days,
            unpriced_days: report.unpriced_days,
            estimate: report.estimate,
            // The totals are priced whenever one day is (and a range of unpriced days only
            // still owes its subscription).
            figures: Figures::new(
                &report.energy,
                &report.cost,
                report.priced_days > 0,
                report.subscription,
            ),
        },
    })
}

/// The report as a table: a row per day (kWh by period, energy cost, subscription, status),
/// then the totals by period.
pub fn cost_text(prm: &str, offer: &Offer, report: &CostReport) -> String {
    let mut out = String::new();
    // The window's order (off-peak first, as the bars stack), and Base after them when an
    // estimate day was priced at the Base price.
    let mut periods = costs::periods(offer.option());
    for period in report.energy.keys() {
        if !periods.contains(period) {
            periods.push(*period);
        }
    }
    let _ = writeln!(out, "Meter {prm}: {}", offer_text(offer));
    // As wide as the widest header (`white_hc kWh`), at least 10.
    let width = periods
        .iter()
        .map(|p| period_name(*p).len() + 4)
        .max()
        .unwrap_or(0)
        .max(10);
    let _ = write!(out, "date      ");
    for period in &periods {
        let _ = write!(out, " {:>width$}", format!("{} kWh", period_name(*period)));
    }
    let _ = writeln!(out, "  energy €  subscr. €");
    for day in &report.days {
        let _ = write!(out, "{}", day.day);
        for period in &periods {
            let text = day.energy.get(period).map_or("-".to_owned(), |e| kwh(*e));
            let _ = write!(out, " {text:>width$}");
        }
        let cost = if day.status.is_priced() {
            euros(day.energy_cost())
        } else {
            "-".to_owned()
        };
        let note = status_text(day.status);
        let _ = writeln!(
            out,
            "  {cost:>8}  {:>9}{}{note}",
            euros(day.subscription),
            if note.is_empty() { "" } else { "  " },
        );
    }
    let _ = writeln!(out);
    let days = report.priced_days + report.unpriced_days;
    let _ = writeln!(
        out,
        "Totals over {} priced day{}{}:",
        report.priced_days,
        if report.priced_days == 1 { "" } else { "s" },
        if report.unpriced_days > 0 {
            format!(
                " ({} day{} not priced, left out of the energy)",
                report.unpriced_days,
                if report.unpriced_days == 1 { "" } else { "s" }
            )
        } else {
            String::new()
        }
    );
    let _ = writeln!(out, "  {:<12} {:>12} {:>11}", "period", "kWh", "€");
    for period in &periods {
        let energy = report.energy.get(period).copied().unwrap_or(Energy::ZERO);
        let cost = report.cost.get(period).copied().unwrap_or(Money::ZERO);
        let _ = writeln!(
            out,
            "  {:<12} {:>12} {:>11}",
            period_name(*period),
            kwh(energy),
            euros(cost)
        );
    }
    let all: Energy = report.energy.values().copied().sum();
    let _ = writeln!(
        out,
        "  {:<12} {:>12} {:>11}",
        "energy",
        kwh(all),
        euros(report.energy_cost())
    );
    let _ = writeln!(
        out,
        "  {:<25} {:>11}",
        format!("subscription ({days} d)"),
        euros(report.subscription)
    );
    let _ = writeln!(out, "  {:<25} {:>11}", "total", euros(report.total()));
    if report.estimate {
        let _ = writeln!(
            out,
            "Some days are estimates: without their load curve, their daily energy is priced at \
             the Base price."
        );
    }
    out
}

/// Cents as euros: `1234` → `12.34`.
pub fn cents_text(cents: i32) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.unsigned_abs();
    format!("{sign}{}.{:02}", cents / 100, cents % 100)
}

fn windows_text(windows: &[TimeRange]) -> String {
    windows
        .iter()
        .map(|w| format!("{}-{}", w.start, w.end))
        .collect::<Vec<_>>()
        .join(" ")
}

fn origin_text(origin: WindowsOrigin) -> &'static str {
    match origin {
        WindowsOrigin::Meter => "the meter's contract",
        WindowsOrigin::User => "yours",
        WindowsOrigin::Default => "none known: 22:00-06:00, the national default",
    }
}

/// `energy offer`: what the meter is priced with, today's prices and the windows' versions.
pub fn offer_view_text(view: &OfferView) -> String {
    let mut out = String::new();
    let (option, what) = match &view.choice {
        OfferChoice::Regulated { option } => (*option, "regulated prices, with taxes"),
        OfferChoice::Own { option, .. } => (*option, "your own offer"),
    };
    let chosen = if view.chosen {
        ""
    } else {
        " (assumed from the contract until chosen: hearth-cli energy offer set)"
    };
    let _ = writeln!(
        out,
        "Meter {}: {} ({what}){chosen}",
        view.prm,
        option_name(option)
    );
    match view.subscribed_kva {
        Some(kva) => {
            let _ = writeln!(out, "Subscribed power: {kva} kVA");
        }
        None => {
            let _ = writeln!(
                out,
                "Subscribed power: not known yet (the meter's contract gives it: hearth-cli \
                 energy sync)"
            );
        }
    }
    if view.prices.is_empty() {
        let _ = writeln!(
            out,
            "Prices today: none (no regulated row at this power today, or the power is unknown)"
        );
    } else {
        let _ = writeln!(out, "Prices today (euros per kWh):");
        for price in &view.prices {
            let _ = writeln!(
                out,
                "  {:<9} {}",
                period_name(price.period),
                price.euros_per_kwh
            );
        }
    }
    if let Some(month) = &view.monthly_subscription {
        let _ = writeln!(out, "Subscription: {month} euros a month");
    }
    let _ = writeln!(
        out,
        "Off-peak windows (HP/HC; today's: {}):",
        origin_text(view.windows_origin)
    );
    for version in &view.windows {
        let from = version
            .from
            .as_deref()
            .map_or_else(|| "from the start".to_owned(), |day| format!("from {day}"));
        let _ = writeln!(
            out,
            "  {from:<16} {}  ({})",
            windows_text(&version.windows),
            match version.origin {
                WindowsOrigin::Meter => "meter",
                WindowsOrigin::User => "yours",
                WindowsOrigin::Default => "default",
            }
        );
    }
    if option == TariffOption::Tempo {
        let _ = writeln!(
            out,
            "Tempo's off-peak hours are 22:00-06:00 whatever the windows."
        );
    }
    match &view.prices_updated_at {
        Some(at) => {
            let _ = writeln!(out, "Regulated prices: updated from the regulator at {at}");
        }
        None => {
            let _ = writeln!(
                out,
                "Regulated prices: as shipped with Hearth (up to the change of {})",
                view.snapshot_date
            );
        }
    }
    out
}

/// `energy compare`: each option's year, cheapest first, and the power hint.
pub fn comparison_text(view: &ComparisonView) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Meter {}: {} to {} at the regulated prices of {} (with taxes), {} kVA",
        view.prm,
        view.from,
        // `to` is excluded: say the last day.
        view.to
            .parse::<Date>()
            .ok()
            .and_then(|d| d.yesterday().ok())
            .map_or_else(|| view.to.clone(), |d| d.to_string()),
        view.prices_of,
        view.subscribed_kva
    );
    for option in &view.options {
        let difference = if option.more_than_cheapest_cents == 0 {
            "cheapest".to_owned()
        } else {
            format!("+{} a year", cents_text(option.more_than_cheapest_cents))
        };
        let _ = writeln!(
            out,
            "  {:<6} {:>10} euros a year  {difference}{}",
            option_name(option.option),
            cents_text(option.per_year_cents),
            if option.current { "  (yours)" } else { "" }
        );
    }
    for option in &view.unavailable {
        let _ = writeln!(
            out,
            "  {:<6} not offered at {} kVA",
            option_name(*option),
            view.subscribed_kva
        );
    }
    let _ = writeln!(
        out,
        "HP/HC priced with the off-peak windows: {}",
        origin_text(view.windows_origin)
    );
    let _ = writeln!(
        out,
        "Days compared: {} of {} (days without a complete load curve or a known Tempo colour \
         are left out, the year scaled up from the others)",
        view.days_compared, view.days_in_range
    );
    if let Some(hint) = &view.power_hint {
        let saving = hint.saving_per_year_cents.map_or_else(String::new, |c| {
            format!(", {} euros a year less subscription", cents_text(c))
        });
        let _ = writeln!(
            out,
            "Subscribed power: the highest draw over {} days was {} VA: {} kVA instead of {} \
             would do{saving}",
            hint.days, hint.max_va, hint.suggested_kva, hint.subscribed_kva
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use hearth_tariff::{
        CostReport, DayCost, DayStatus, Energy, Money, Offer, Period, TariffOption,
    };
    use jiff::civil::date;

    use super::{cost_json, cost_text, euros, exact_euros, kwh};

    #[test]
    fn amounts_round_only_when_printed() {
        assert_eq!(euros(Money(79_500_000)), "0.80");
        assert_eq!(euros(Money(31_500_000)), "0.32");
        assert_eq!(euros(Money(-31_500_000)), "-0.32");
        assert_eq!(exact_euros(Money(23_384_803_200)), "233.848032");
        assert_eq!(exact_euros(Money(64_027_397)), "0.64027397");
        assert_eq!(exact_euros(Money(0)), "0");
        assert_eq!(exact_euros(Money(-150_000_000)), "-1.5");
        assert_eq!(kwh(Energy::from_wh(36_800)), "36.800");
        assert_eq!(kwh(Energy(29)), "0.000");
        assert_eq!(kwh(Energy(30)), "0.001");
    }

    /// Two days of HP/HC: one priced, one with a missing half hour. The total is rounded from
    /// the exact sum: 0.795 + 0.315 = 1.11, where the rounded days add up to 0.80 + 0.32 = 1.12.
    fn two_days() -> CostReport {
        let priced = DayCost {
            day: date(2026, 2, 2),
            status: DayStatus::Complete,
            energy: BTreeMap::from([
                (Period::Hp, Energy::from_wh(6_000)),
                (Period::Hc, Energy::from_wh(2_000)),
            ]),
            cost: BTreeMap::from([
                (Period::Hp, Money(79_500_000)),
                (Period::Hc, Money(31_500_000)),
            ]),
            subscription: Money(64_635_616),
        };
        let incomplete = DayCost {
            day: date(2026, 2, 5),
            status: DayStatus::Incomplete {
                missing_minutes: 30,
            },
            energy: BTreeMap::from([(Period::Hp, Energy::from_wh(900))]),
            cost: BTreeMap::new(),
            subscription: Money(64_635_616),
        };
        CostReport {
            cost: priced.cost.clone(),
            energy: priced.energy.clone(),
            subscription: Money(2 * 64_635_616),
            priced_days: 1,
            unpriced_days: 1,
            estimate: false,
            days: vec![priced, incomplete],
        }
    }

    #[test]
    fn json_rounds_each_figure_from_its_exact_value_and_leaves_unpriced_days_null() {
        let offer = Offer::regulated(TariffOption::HpHc);
        let json: serde_json::Value = serde_json::from_str(&cost_json(
            "22516914714270",
            &offer,
            &two_days(),
            date(2026, 2, 2),
            date(2026, 2, 5),
        ))
        .unwrap();
        assert_eq!(json["offer"]["option"], "hphc");
        assert_eq!(json["offer"]["kind"], "regulated");
        assert_eq!(json["offer"]["taxes"], "ttc");
        assert_eq!(json["last_day"], "2026-02-05");
        let day = &json["days"][0];
        assert_eq!(day["status"], "complete");
        assert_eq!(day["energy_kwh"]["hp"], "6.000");
        assert_eq!(day["energy_cost_eur"]["hp"], "0.80");
        assert_eq!(day["energy_cost_eur"]["hc"], "0.32");
        assert_eq!(day["energy_cost_total_eur"], "1.11");
        assert_eq!(day["energy_cost_total_exact_eur"], "1.11");
        assert_eq!(day["subscription_eur"], "0.65");
        assert_eq!(day["total_eur"], "1.76");
        let missing = &json["days"][1];
        assert_eq!(missing["status"], "incomplete");
        assert_eq!(missing["missing_minutes"], 30);
        assert_eq!(missing["energy_kwh"]["hp"], "0.900");
        assert_eq!(missing["energy_cost_total_eur"], serde_json::Value::Null);
        assert_eq!(missing["energy_cost_eur"], serde_json::json!({}));
        assert_eq!(missing["subscription_eur"], "0.65");
        let total = &json["total"];
        assert_eq!(total["priced_days"], 1);
        assert_eq!(total["unpriced_days"], 1);
        assert_eq!(total["energy_cost_total_eur"], "1.11");
        assert_eq!(total["subscription_exact_eur"], "1.29271232");
        assert_eq!(total["subscription_eur"], "1.29");
        assert_eq!(total["total_eur"], "2.40");
    }

    #[test]
    fn the_table_shows_each_day_its_status_and_the_totals() {
        let text = cost_text(
            "22516914714270",
            &Offer::regulated(TariffOption::HpHc),
            &two_days(),
        );
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "Meter 22516914714270: HP/HC at the regulated prices (with taxes)"
        );
        assert_eq!(
            lines[1],
            "date           hc kWh     hp kWh  energy €  subscr. €"
        );
        assert_eq!(
            lines[2],
            "2026-02-02      2.000      6.000      1.11       0.65"
        );
        assert_eq!(
            lines[3],
            "2026-02-05          -      0.900         -       0.65  not priced: 30 min missing"
        );
        assert!(
            text.contains("Totals over 1 priced day (1 day not priced, left out of the energy):"),
            "{text}"
        );
        assert!(
            text.contains("\n  hp                  6.000        0.80\n"),
            "{text}"
        );
        assert!(
            text.contains("\n  energy              8.000        1.11\n"),
            "{text}"
        );
        assert!(
            text.contains("\n  subscription (2 d)               1.29\n"),
            "{text}"
        );
        assert!(
            text.ends_with("\n  total                            2.40\n"),
            "{text}"
        );
    }

    #[test]
    fn the_comparison_says_the_cheapest_the_difference_and_the_power_hint() {
        use hearth_core::energy::{ComparisonView, OptionCostView, PowerHintView, WindowsOrigin};

        let view = ComparisonView {
            prm: "22516914714270".to_owned(),
            options: vec![
                OptionCostView {
                    option: TariffOption::Tempo,
                    per_year_cents: 123_456,
                    more_than_cheapest_cents: 0,
                    current: false,
                },
                OptionCostView {
                    option: TariffOption::HpHc,
                    per_year_cents: 130_005,
                    more_than_cheapest_cents: 6_549,
                    current: true,
                },
            ],
            unavailable: vec![TariffOption::Base],
            windows_origin: WindowsOrigin::Default,
            from: "2025-11-30".to_owned(),
            to: "2026-11-30".to_owned(),
            prices_of: "2026-11-30".to_owned(),
            days_compared: 300,
            days_in_range: 365,
            subscribed_kva: 9,
            power_hint: Some(PowerHintView {
                subscribed_kva: 9,
                suggested_kva: 6,
                max_va: 4_870,
                days: 340,
                saving_per_year_cents: Some(4_806),
            }),
        };
        let text = super::comparison_text(&view);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "Meter 22516914714270: 2025-11-30 to 2026-11-29 at the regulated prices of 2026-11-30 \
             (with taxes), 9 kVA"
        );
        assert_eq!(lines[1], "  Tempo     1234.56 euros a year  cheapest");
        assert_eq!(
            lines[2],
            "  HP/HC     1300.05 euros a year  +65.49 a year  (yours)"
        );
        assert_eq!(lines[3], "  Base   not offered at 9 kVA");
        assert_eq!(
            lines[4],
            "HP/HC priced with the off-peak windows: none known: 22:00-06:00, the national default"
        );
        assert!(lines[5].starts_with("Days compared: 300 of 365 "), "{text}");
        assert_eq!(
            lines[6],
            "Subscribed power: the highest draw over 340 days was 4870 VA: 6 kVA instead of 9 \
             would do, 48.06 euros a year less subscription"
        );
        assert_eq!(super::cents_text(-5), "-0.05");
    }
}
