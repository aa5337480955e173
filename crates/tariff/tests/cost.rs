//! The cost engine, case by case: each expected figure is worked out here from the raw points
//! with plain arithmetic (watt-minutes = W × 30 per half hour; cost in 1e-8 € = Wmin × price in
//! 1e-5 €/kWh ÷ 60, rounded half away from zero once per period and day).
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failed step panics with its reason.

use std::collections::BTreeMap;

use hearth_metering::paris;
use hearth_tariff::{
    Color, CostEngine, CreCsv, DayStatus, Energy, EnergyPrices, Money, Offer, OffpeakSchedule,
    OwnOffer, Period, Point, PricePerKwh, RegulatedTariffs, TariffOption, TempoCalendar, Windows,
};
use jiff::civil::{Date, date};
use jiff::{SignedDuration, Timestamp};

/// Every half hour of a French day, with the power `watts(index, wall-clock hour and minute)`.
fn day_points(day: Date, watts: impl Fn(i64, (i8, i8)) -> i64) -> Vec<Point> {
    paris::half_hours(day)
        .unwrap()
        .into_iter()
        .enumerate()
        .map(|(i, start)| {
            let local = paris::zone().to_datetime(start);
            Point {
                start,
                end: start + SignedDuration::from_mins(30),
                watts: watts(i64::try_from(i).unwrap(), (local.hour(), local.minute())),
            }
        })
        .collect()
}

/// The same rounding the engine promises: Wmin × price ÷ 60, half away from zero.
fn cost(wmin: i64, price: i64) -> Money {
    let product = i128::from(wmin) * i128::from(price);
    Money(i64::try_from((product + 30) / 60).unwrap())
}

fn share(yearly_or_monthly: i64, days: i64) -> Money {
    Money((yearly_or_monthly * 2 + days) / (days * 2))
}

/// HP/HC prices invented for these tests, replacing the snapshot's HP/HC rows so that the sums
/// by hand stay short and HP/HC has one power only (6 kVA): 0,21 €/kWh peak, 0,16 off-peak,
/// 156,12 € a year.
const TEST_HPHC: &str = "DATE_DEBUT;DATE_FIN;P_SOUSCRITE;PART_FIXE_HT;PART_FIXE_TTC;PART_VARIABLE_HC_HT;PART_VARIABLE_HC_TTC;PART_VARIABLE_HP_HT;PART_VARIABLE_HP_TTC\n\
01/02/2026;;6;120;156,12;0,1;0,16;0,13;0,21\n";

fn tariffs() -> RegulatedTariffs {
    // The snapshot's HP/HC rows removed first: an update keeps the rows a file lacks.
    let snapshot = RegulatedTariffs::snapshot().unwrap();
    let others = snapshot
        .rows()
        .iter()
        .filter(|r| r.option != TariffOption::HpHc);
    let mut t = RegulatedTariffs::from_rows(others.cloned().collect());
    t.update(&CreCsv::new(TariffOption::HpHc), TEST_HPHC.as_bytes())
        .unwrap();
    t
}

fn wmin_sum(points: &[Point], keep: impl Fn(usize) -> bool) -> i64 {
    points
        .iter()
        .enumerate()
        .filter(|(i, _)| keep(*i))
        .map(|(_, p)| p.watts * 30)
        .sum()
}

#[test]
fn a_tempo_night_is_split_at_six_between_two_colours() {
    // 14 January 2026 white, 15 January red; 9 kVA, the snapshot's row from 01/08/2025:
    // white HC 0,1391; red HP 0,6468; red HC 0,146; 235,12 € a year.
    let tariffs = tariffs();
    let mut tempo = TempoCalendar::new();
    tempo.set(date(2026, 1, 14), Color::White);
    tempo.set(date(2026, 1, 15), Color::Red);
    let offpeak = OffpeakSchedule::default_night();
    let day = date(2026, 1, 15);
    let points = day_points(day, |i, _| 1_000 + 10 * i);
    assert_eq!(points.len(), 48);
    let report = CostEngine::new(&tariffs, &offpeak, &tempo, 9)
        .from_curve(
            &Offer::regulated(TariffOption::Tempo),
            &points,
            day,
            date(2026, 1, 16),
        )
        .unwrap();
    let d = &report.days[0];
    assert_eq!(d.status, DayStatus::Complete);
    // 00:00–06:00 is half hours 0..12: the 14th's Tempo day, white, off-peak.
    let white_hc = wmin_sum(&points, |i| i < 12);
    let red_hp = wmin_sum(&points, |i| (12..44).contains(&i));
    let red_hc = wmin_sum(&points, |i| i >= 44);
    let want_energy = BTreeMap::from([
        (Period::WhiteHc, Energy(white_hc)),
        (Period::RedHp, Energy(red_hp)),
        (Period::RedHc, Energy(red_hc)),
    ]);
    assert_eq!(d.energy, want_energy);
    // By hand: Σ(1000 + 10i) × 30 for i in 0..12 = (12 000 + 660) × 30 = 379 800 Wmin.
    assert_eq!(white_hc, 379_800);
    let want_cost = BTreeMap::from([
        (Period::WhiteHc, cost(white_hc, 13_910)),
        (Period::RedHp, cost(red_hp, 64_680)),
        (Period::RedHc, cost(red_hc, 14_600)),
    ]);
    assert_eq!(d.cost, want_cost);
    // 379 800 Wmin / 60 = 6 330 Wh; × 13 910 = 88 050 300 (0,880503 €).
    assert_eq!(d.cost[&Period::WhiteHc], Money(88_050_300));
    assert_eq!(d.subscription, share(23_512_000_000, 365));
    // Without the 14th's colour the day cannot be priced (its first six hours are the 14th's).
    let mut only_15th = TempoCalendar::new();
    only_15th.set(day, Color::Red);
    let report = CostEngine::new(&tariffs, &offpeak, &only_15th, 9)
        .from_curve(
            &Offer::regulated(TariffOption::Tempo),
            &points,
            day,
            date(2026, 1, 16),
        )
        .unwrap();
    assert_eq!(
        report.days[0].status,
        DayStatus::UnknownColor {
            tempo_day: date(2026, 1, 14)
        }
    );
    assert!(report.days[0].cost.is_empty());
}

#[test]
fn dst_days_have_46_and_50_half_hours_and_are_complete() {
    let tariffs = tariffs();
    let tempo = TempoCalendar::new();
    let offpeak = OffpeakSchedule::default_night();
    let engine = CostEngine::new(&tariffs, &offpeak, &tempo, 6);
    // (day, half hours, off-peak half hours with 22:00–06:00, the Base 6 kVA row in force:
    // €/kWh in 1e-5, € a year in 1e-8)
    for (day, count, offpeak_count, base_price, base_yearly) in [
        // 29 March 2026: 00:00–02:00 then 03:00–06:00 (10) + 22:00–24:00 (4).
        // Row `01/02/2026;31/07/2026;6;141,6;188,2;0,1308;0,19398`.
        (date(2026, 3, 29), 46, 14, 19_398, 18_820_000_000),
        // 25 October 2026: 00:00–06:00 with 02:00–03:00 twice (14) + 4.
        // Row `01/08/2026;;6;143,28;190,81;0,1361;0,2001`.
        (date(2026, 10, 25), 50, 18, 20_010, 19_081_000_000),
    ] {
        let points = day_points(day, |_, _| 500);
        assert_eq!(i64::try_from(points.len()).unwrap(), count, "{day}");
        let next = day.tomorrow().unwrap();
        let base = engine
            .from_curve(&Offer::regulated(TariffOption::Base), &points, day, next)
            .unwrap();
        let d = &base.days[0];
        assert_eq!(d.status, DayStatus::Complete, "{day}");
        let wmin = 500 * 30 * count;
        assert_eq!(d.energy[&Period::Base], Energy(wmin));
        assert_eq!(d.energy[&Period::Base].wh(), 250 * count);
        assert_eq!(d.cost[&Period::Base], cost(wmin, base_price));
        assert_eq!(d.subscription, share(base_yearly, 365));
        let hphc = engine
            .from_curve(&Offer::regulated(TariffOption::HpHc), &points, day, next)
            .unwrap();
        let d = &hphc.days[0];
        assert_eq!(d.energy[&Period::Hc], Energy(15_000 * offpeak_count));
        assert_eq!(d.energy[&Period::Hp], Energy(15_000 * 32));
        assert_eq!(d.cost[&Period::Hc], cost(15_000 * offpeak_count, 16_000));
        assert_eq!(d.cost[&Period::Hp], cost(15_000 * 32, 21_000));
    }
}

#[test]
fn offpeak_windows_cross_midnight_and_change_in_the_middle_of_a_month() {
    let tariffs = tariffs();
    let tempo = TempoCalendar::new();
    let mut offpeak =
        OffpeakSchedule::from_meter(Windows::parse_contract("HC (23H00-7H00)").unwrap());
    // The reform's shape from the 16th: five night hours and three in the afternoon.
    offpeak.add_version(
        date(2026, 3, 16),
        Windows::parse_contract("HC (2H00-7H00;13H00-16H00)").unwrap(),
    );
    let engine = CostEngine::new(&tariffs, &offpeak, &tempo, 6);
    let mut points = day_points(date(2026, 3, 15), |i, _| 200 + i);
    points.extend(day_points(date(2026, 3, 16), |i, _| 300 + i));
    let report = engine
        .from_curve(
            &Offer::regulated(TariffOption::HpHc),
            &points,
            date(2026, 3, 15),
            date(2026, 3, 17),
        )
        .unwrap();
    let (day15, day16) = points.split_at(48);
    // 15th: 00:00–07:00 (half hours 0..14) and 23:00–24:00 (46, 47).
    let hc15 = wmin_sum(day15, |i| !(14..46).contains(&i));
    let hp15 = wmin_sum(day15, |i| (14..46).contains(&i));
    // 16th: 02:00–07:00 (4..14) and 13:00–16:00 (26..32); 23:00 is peak now.
    let hc16 = wmin_sum(day16, |i| (4..14).contains(&i) || (26..32).contains(&i));
    let hp16 = wmin_sum(day16, |i| i < 4 || (14..26).contains(&i) || i >= 32);
    // Σ(200+i)×30 over 0..14 and 46, 47 = (2 800 + 91 + 400 + 93) × 30.
    assert_eq!(hc15, (2_800 + 91 + 400 + 93) * 30);
    let d = &report.days;
    assert_eq!(d[0].energy[&Period::Hc], Energy(hc15));
    assert_eq!(d[0].energy[&Period::Hp], Energy(hp15));
    assert_eq!(d[1].energy[&Period::Hc], Energy(hc16));
    assert_eq!(d[1].energy[&Period::Hp], Energy(hp16));
    assert_eq!(
        report.cost[&Period::Hc],
        cost(hc15, 16_000) + cost(hc16, 16_000)
    );
    assert_eq!(
        report.cost[&Period::Hp],
        cost(hp15, 21_000) + cost(hp16, 21_000)
    );
}

#[test]
fn a_price_change_on_1_february_splits_a_billing_month() {
    // Billing month 20 January – 19 February 2025, priced up to the 9th; all days blue, 9 kVA.
    // Snapshot rows: until 31/01/2025 blue HC 0,1296, HP 0,1609, 196,32 €/year; from 01/02/2025
    // blue HC 0,1287, HP 0,1552, 211,16 €/year.
    let tariffs = tariffs();
    let mut tempo = TempoCalendar::new();
    let from = date(2025, 1, 20);
    let to = date(2025, 2, 10);
    let mut day = date(2025, 1, 19);
    let mut points = Vec::new();
    while day < to {
        tempo.set(day, Color::Blue);
        if day >= from {
            points.extend(day_points(day, |_, _| 800));
        }
        day = day.tomorrow().unwrap();
    }
    let offpeak = OffpeakSchedule::default_night();
    let report = CostEngine::new(&tariffs, &offpeak, &tempo, 9)
        .from_curve(&Offer::regulated(TariffOption::Tempo), &points, from, to)
        .unwrap();
    assert_eq!(report.priced_days, 21);
    // Each day: 16 off-peak half hours (00:00–06:00, 22:00–24:00) and 32 peak, 800 W × 30 min.
    let (hc, hp) = (16 * 800 * 30, 32 * 800 * 30);
    let old = cost(hc, 12_960) + cost(hp, 16_090);
    let new = cost(hc, 12_870) + cost(hp, 15_520);
    let jan31 = report
        .days
        .iter()
        .find(|d| d.day == date(2025, 1, 31))
        .unwrap();
    let feb1 = report
        .days
        .iter()
        .find(|d| d.day == date(2025, 2, 1))
        .unwrap();
    assert_eq!(jan31.energy_cost(), old);
    assert_eq!(feb1.energy_cost(), new);
    assert_eq!(feb1.subscription, share(21_116_000_000, 365));
    let twelve_old = Money(old.0 * 12);
    let nine_new = Money(new.0 * 9);
    assert_eq!(report.energy_cost(), twelve_old + nine_new);
    assert_eq!(
        report.subscription,
        Money(share(19_632_000_000, 365).0 * 12 + share(21_116_000_000, 365).0 * 9)
    );
    assert_eq!(report.energy[&Period::BlueHc], Energy(hc * 21));
}

#[test]
fn a_missing_half_hour_leaves_the_day_unpriced() {
    let tariffs = tariffs();
    let tempo = TempoCalendar::new();
    let offpeak = OffpeakSchedule::default_night();
    let day = date(2026, 5, 12);
    let mut points = day_points(day, |_, _| 1_000);
    points.extend(day_points(date(2026, 5, 13), |_, _| 1_000));
    points.remove(20); // 10:00–10:30 on the 12th
    let report = CostEngine::new(&tariffs, &offpeak, &tempo, 6)
        .from_curve(
            &Offer::regulated(TariffOption::Base),
            &points,
            day,
            date(2026, 5, 14),
        )
        .unwrap();
    let d = &report.days[0];
    assert_eq!(
        d.status,
        DayStatus::Incomplete {
            missing_minutes: 30
        }
    );
    assert!(
        d.cost.is_empty(),
        "never priced as if the half hour were zero"
    );
    assert_eq!(d.energy[&Period::Base], Energy(47 * 30_000));
    assert_eq!(report.priced_days, 1);
    assert_eq!(report.unpriced_days, 1);
    // Only the complete day is in the energy total; the subscription is owed for both.
    assert_eq!(report.energy_cost(), cost(48 * 30_000, 19_398));
    assert_eq!(report.subscription, Money(share(18_820_000_000, 365).0 * 2));
    // A day with no point at all is incomplete too.
    let empty = CostEngine::new(&tariffs, &offpeak, &tempo, 6)
        .from_curve(
            &Offer::regulated(TariffOption::Base),
            &[],
            day,
            date(2026, 5, 13),
        )
        .unwrap();
    assert_eq!(
        empty.days[0].status,
        DayStatus::Incomplete {
            missing_minutes: 1_440
        }
    );
}

#[test]
fn subscriptions_are_prorated_over_a_29_day_february() {
    let tariffs = tariffs();
    let tempo = TempoCalendar::new();
    let offpeak = OffpeakSchedule::default_night();
    let engine = CostEngine::new(&tariffs, &offpeak, &tempo, 6);
    let (from, to) = (date(2028, 2, 1), date(2028, 3, 1));
    let daily: Vec<(Date, Energy)> = Vec::new();
    // Regulated Base 6 kVA, the row in force since 01/08/2026 (190,81 € a year):
    // 19 081 000 000 / 366 = 52 133 879.78 → 52 133 880 a day.
    let regulated = engine
        .from_daily(&Offer::regulated(TariffOption::Base), &daily, from, to)
        .unwrap();
    assert_eq!(regulated.days.len(), 29);
    assert_eq!(regulated.days[0].subscription, Money(52_133_880));
    assert_eq!(regulated.subscription, Money(52_133_880 * 29));
    // An own offer at 14,50 € a month: 1 450 000 000 / 29 = 50 000 000 a day, the month whole.
    let own = Offer::Own(OwnOffer {
        energy: EnergyPrices::Base(PricePerKwh(20_000)),
        monthly_subscription: Money::parse_euros("14,50").unwrap(),
    });
    let report = engine.from_daily(&own, &daily, from, to).unwrap();
    assert_eq!(report.days[0].subscription, Money(50_000_000));
    assert_eq!(report.subscription, Money(1_450_000_000));
    // A 31-day March at the same price: 1 450 000 000 / 31 = 46 774 193.5 → 46 774 194.
    let march = engine
        .from_daily(&own, &daily, date(2028, 3, 1), date(2028, 3, 2))
        .unwrap();
    assert_eq!(march.subscription, Money(46_774_194));
}

#[test]
fn daily_energy_alone_is_priced_at_base_and_marked_an_estimate() {
    let tariffs = tariffs();
    let mut tempo = TempoCalendar::new();
    tempo.set(date(2026, 2, 10), Color::Red);
    let offpeak = OffpeakSchedule::default_night();
    let engine = CostEngine::new(&tariffs, &offpeak, &tempo, 9);
    let daily = [(date(2026, 2, 10), Energy::from_wh(12_345))];
    let range = (date(2026, 2, 10), date(2026, 2, 11));
    let base = engine
        .from_daily(
            &Offer::regulated(TariffOption::Base),
            &daily,
            range.0,
            range.1,
        )
        .unwrap();
    assert_eq!(base.days[0].status, DayStatus::Complete);
    // 12 345 Wh × 0,19266 €/kWh (Base 9 kVA) = 740 700 Wmin × 19 266 / 60.
    assert_eq!(base.energy_cost(), cost(740_700, 19_266));
    // Without taxes when asked: `PART_VARIABLE_HT` 0,1297 and `PART_FIXE_HT` 176,16.
    let ht = Offer::Regulated {
        option: TariffOption::Base,
        taxes: hearth_tariff::Taxes::Ht,
    };
    let ht = engine.from_daily(&ht, &daily, range.0, range.1).unwrap();
    assert_eq!(ht.energy_cost(), cost(740_700, 12_970));
    assert_eq!(ht.subscription, share(17_616_000_000, 365));
    // What crosses to the app and the CLI: dates as YYYY-MM-DD, periods and statuses by name.
    let json = serde_json::to_value(&base).unwrap();
    assert_eq!(json["days"][0]["day"], "2026-02-10");
    assert_eq!(json["days"][0]["status"], "complete");
    assert_eq!(json["days"][0]["cost"]["base"], cost(740_700, 19_266).0);
    assert_eq!(json["energy"]["base"], 740_700);
    let tempo_estimate = engine
        .from_daily(
            &Offer::regulated(TariffOption::Tempo),
            &daily,
            range.0,
            range.1,
        )
        .unwrap();
    assert_eq!(tempo_estimate.days[0].status, DayStatus::Estimate);
    assert!(tempo_estimate.estimate);
    assert_eq!(tempo_estimate.energy_cost(), cost(740_700, 19_266));
    // …with Tempo's own subscription (9 kVA from 01/02/2026, 233,44 € a year).
    assert_eq!(tempo_estimate.subscription, share(23_344_000_000, 365));
}

#[test]
fn an_own_offer_prices_its_own_periods() {
    let tariffs = tariffs();
    let tempo = TempoCalendar::new();
    let offpeak = OffpeakSchedule::default_night();
    let offer = Offer::Own(OwnOffer {
        energy: EnergyPrices::HpHc(hearth_tariff::HpHcPrices {
            hp: PricePerKwh::parse("0,2").unwrap(),
            hc: PricePerKwh::parse("0,1").unwrap(),
        }),
        monthly_subscription: Money::parse_euros("15").unwrap(),
    });
    let day = date(2026, 6, 3);
    let points = day_points(day, |_, (h, _)| if h < 6 { 2_000 } else { 400 });
    let report = CostEngine::new(&tariffs, &offpeak, &tempo, 6)
        .from_curve(&offer, &points, day, day.tomorrow().unwrap())
        .unwrap();
    // 12 half hours at 2 000 W + 4 at 400 W off-peak; 32 at 400 W peak.
    let hc = 12 * 2_000 * 30 + 4 * 400 * 30;
    let hp = 32 * 400 * 30;
    assert_eq!(report.cost[&Period::Hc], cost(hc, 10_000));
    assert_eq!(report.cost[&Period::Hp], cost(hp, 20_000));
    assert_eq!(report.subscription, Money(50_000_000)); // 15 € / 30 days of June
}

#[test]
fn compare_ranks_the_options_on_the_same_days_at_todays_prices() {
    let tariffs = tariffs();
    let today = date(2026, 6, 1);
    // Two measured days, both blue: a night-heavy household.
    let days = [date(2026, 5, 20), date(2026, 5, 21)];
    let mut tempo = TempoCalendar::new();
    tempo.set(date(2026, 5, 19), Color::Blue);
    let mut points = Vec::new();
    for d in days {
        tempo.set(d, Color::Blue);
        points.extend(day_points(d, |_, (h, _)| {
            if (6..22).contains(&h) { 500 } else { 3_000 }
        }));
    }
    let offpeak = OffpeakSchedule::default_night();
    let comparison = hearth_tariff::compare(&tariffs, &offpeak, &tempo, 9, &points, today).unwrap();
    assert_eq!(
        comparison.windows,
        hearth_tariff::compare::WindowsUsed::Default
    );
    assert_eq!(comparison.days_compared, 2);
    assert_eq!(comparison.days_in_range, 365);
    // The test HP/HC file has 6 kVA only: at 9 kVA HP/HC cannot be priced, and says so.
    assert_eq!(comparison.unavailable, vec![TariffOption::HpHc]);
    // By hand, per day: 16 off-peak half hours at 3 000 W, 32 peak at 500 W.
    let (hc, hp) = (16 * 3_000 * 30, 32 * 500 * 30);
    // Base 9 kVA on 01/06/2026: 0,19266 €/kWh and 235,9 €/year.
    let base_day = cost(hc + hp, 19_266) + share(23_590_000_000, 365);
    // Tempo 9 kVA (row from 01/02/2026): blue HC 0,1325, HP 0,1612, 233,44 €/year.
    let tempo_day = cost(hc, 13_250) + cost(hp, 16_120) + share(23_344_000_000, 365);
    let per_year = |day: Money| Money(day.0 * 2).prorate(365, 2);
    let got: Vec<(TariffOption, Money)> = comparison
        .options
        .iter()
        .map(|o| (o.option, o.per_year))
        .collect();
    assert_eq!(
        got,
        vec![
            (TariffOption::Tempo, per_year(tempo_day)),
            (TariffOption::Base, per_year(base_day)),
        ]
    );
    assert_eq!(
        comparison.options[1].more_than_cheapest,
        per_year(base_day) - per_year(tempo_day)
    );
    // With the meter's windows known, the screen says so.
    let meter = OffpeakSchedule::from_meter(Windows::default_night());
    let comparison = hearth_tariff::compare(&tariffs, &meter, &tempo, 6, &points, today).unwrap();
    assert_eq!(
        comparison.windows,
        hearth_tariff::compare::WindowsUsed::Meter
    );
    assert!(comparison.unavailable.is_empty(), "6 kVA has all three");
    assert_eq!(comparison.options.len(), 3);
}

#[test]
fn a_repeated_point_counts_once_and_a_backwards_one_is_refused() {
    let tariffs = tariffs();
    let tempo = TempoCalendar::new();
    let offpeak = OffpeakSchedule::default_night();
    let engine = CostEngine::new(&tariffs, &offpeak, &tempo, 6);
    let day = date(2026, 5, 12);
    let mut points = day_points(day, |_, _| 1_000);
    points.push(points[3]);
    let report = engine
        .from_curve(
            &Offer::regulated(TariffOption::Base),
            &points,
            day,
            date(2026, 5, 13),
        )
        .unwrap();
    assert_eq!(report.days[0].energy[&Period::Base], Energy(48 * 30_000));
    let start: Timestamp = "2026-05-12T08:00:00Z".parse().unwrap();
    let backwards = Point {
        start,
        end: start,
        watts: 1,
    };
    assert!(
        engine
            .from_curve(
                &Offer::regulated(TariffOption::Base),
                &[backwards],
                day,
                date(2026, 5, 13)
            )
            .is_err()
    );
}

#[test]
fn the_load_curve_prices_a_day_and_daily_energy_fills_a_day_without_one() {
    // 10 February: a whole load curve (HP/HC at 6 kVA, the test prices); 11 February: daily
    // energy only; 12 February: half a day of points (incomplete, however much is known daily).
    let tariffs = tariffs();
    let tempo = TempoCalendar::new();
    let offpeak = OffpeakSchedule::default_night();
    let engine = CostEngine::new(&tariffs, &offpeak, &tempo, 6);
    let mut points = day_points(date(2026, 2, 10), |_, _| 500);
    points.extend(
        day_points(date(2026, 2, 12), |_, _| 500)
            .into_iter()
            .take(24),
    );
    let daily = [
        (date(2026, 2, 10), Energy::from_wh(99_999)),
        (date(2026, 2, 11), Energy::from_wh(10_000)),
        (date(2026, 2, 12), Energy::from_wh(10_000)),
    ];
    let offer = Offer::regulated(TariffOption::HpHc);
    let report = engine
        .from_curve_or_daily(
            &offer,
            &points,
            &daily,
            date(2026, 2, 10),
            date(2026, 2, 13),
        )
        .unwrap();
    let statuses: Vec<DayStatus> = report.days.iter().map(|d| d.status).collect();
    assert_eq!(
        statuses,
        [
            DayStatus::Complete,
            DayStatus::Estimate,
            DayStatus::Incomplete {
                missing_minutes: 720
            }
        ]
    );
    // The 10th from its points, not its daily value: 16 peak hours and 8 off-peak at 500 W.
    assert_eq!(
        report.days[0].cost[&Period::Hp],
        cost(500 * 60 * 16, 21_000)
    );
    assert_eq!(report.days[0].cost[&Period::Hc], cost(500 * 60 * 8, 16_000));
    // The 11th at the regulated Base price at 6 kVA from 01/02/2026 (0,19398 €/kWh).
    assert_eq!(report.days[1].cost[&Period::Base], cost(600_000, 19_398));
    assert!(report.estimate);
    assert_eq!(report.priced_days, 2);
    assert_eq!(report.unpriced_days, 1);
}
