//! The shipped snapshot, read by the parser an update goes through, checked against rows of the
//! regulator's files as the sources in data/SOURCES.md give them (each quoted row below is
//! copied from the source named in its comment, not from the snapshot).
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failed step panics with its reason.

use hearth_tariff::grid::{HpHcPrices, Prices};
use hearth_tariff::{EnergyPrices, Money, PricePerKwh, RegulatedTariffs, TariffOption, Taxes};
use std::collections::BTreeMap;

use hearth_tariff::grid::TariffRow;
use jiff::civil::{Date, date};

fn p(text: &str) -> PricePerKwh {
    PricePerKwh::parse(text).unwrap()
}

fn pair(hp: &str, hc: &str) -> HpHcPrices {
    HpHcPrices {
        hp: p(hp),
        hc: p(hc),
    }
}

fn base(fixed_ttc: &str, ttc: &str) -> Prices {
    Prices {
        yearly_fixed: Money::parse_euros(fixed_ttc).unwrap(),
        energy: EnergyPrices::Base(p(ttc)),
    }
}

fn hphc(fixed_ttc: &str, hp: &str, hc: &str) -> Prices {
    Prices {
        yearly_fixed: Money::parse_euros(fixed_ttc).unwrap(),
        energy: EnergyPrices::HpHc(pair(hp, hc)),
    }
}

/// The first and last day of each row of one option at one power.
type Spans = BTreeMap<(TariffOption, u32), Vec<(Date, Option<Date>)>>;

/// The row in force on `day`.
fn row(tariffs: &RegulatedTariffs, option: TariffOption, kva: u32, day: Date) -> &TariffRow {
    tariffs
        .row(option, kva, day)
        .unwrap_or_else(|| panic!("no {option:?} row at {kva} kVA on {day}"))
}

#[test]
fn the_snapshot_parses_with_the_known_rows() {
    let tariffs = RegulatedTariffs::snapshot().unwrap();
    let count = |option| tariffs.rows().iter().filter(|r| r.option == option).count();
    // Base: 23 periods (23/07/2012 → 01/08/2026) × 5 powers (3 to 15 kVA).
    assert_eq!(count(TariffOption::Base), 23 * 5);
    // HP/HC: 23 periods × 8 powers (6 to 36 kVA), and 3 kVA from 01/08/2026.
    assert_eq!(count(TariffOption::HpHc), 23 * 8 + 1);
    // Tempo: 19 periods (01/08/2016 → 01/08/2026) × 6 powers, 6 kVA from 01/02/2023 (7
    // periods), 24 kVA from 01/08/2026.
    assert_eq!(count(TariffOption::Tempo), 19 * 6 + 7 + 1);
}

#[test]
fn every_power_has_one_row_a_day_from_its_first_to_today() {
    let tariffs = RegulatedTariffs::snapshot().unwrap();
    let mut spans = Spans::new();
    for r in tariffs.rows() {
        spans
            .entry((r.option, r.kva))
            .or_default()
            .push((r.from, r.until));
    }
    for ((option, kva), mut rows) in spans {
        rows.sort();
        for pair in rows.windows(2) {
            let ((_, until), (next, _)) = (pair[0], pair[1]);
            let until =
                until.unwrap_or_else(|| panic!("{option:?} {kva} kVA: open row before {next}"));
            assert_eq!(
                until.tomorrow().unwrap(),
                next,
                "{option:?} {kva} kVA: gap or overlap"
            );
        }
        let last = rows.last().unwrap();
        assert_eq!(
            last.1, None,
            "{option:?} {kva} kVA: the last row is in force"
        );
        assert_eq!(last.0, date(2026, 8, 1), "{option:?} {kva} kVA");
    }
}

#[test]
fn base_rows_match_their_sources() {
    let tariffs = RegulatedTariffs::snapshot().unwrap();
    let b = TariffOption::Base;
    // GladysAssistant/energy-contracts `contracts/edf/base/Option_Base.csv` (7be4e9b):
    // `01/02/2025;31/07/2025;6;134,16;165,17;0,1343;0,2016` (EDF's grid in JC144/EDF_Simulateur_Prix: 20,16 c€).
    let r = row(&tariffs, b, 6, date(2025, 7, 31));
    assert_eq!(
        (r.from, r.until),
        (date(2025, 2, 1), Some(date(2025, 7, 31)))
    );
    assert_eq!(r.ttc, base("165,17", "0,2016"));
    assert_eq!(r.ht.unwrap(), base("134,16", "0,1343"));
    // Same file, `01/08/2025;;9;165,48;233,70;0,1327;0,1952`, closed on 31/01/2026 as in
    // Le-Syl21/tarif_electricite_fr `tests/fixtures/Option_Base.csv`.
    let r = row(&tariffs, b, 9, date(2025, 8, 1));
    assert_eq!(r.until, Some(date(2026, 1, 31)));
    assert_eq!(r.ttc, base("233,70", "0,1952"));
    // `01/02/2026;;9;176,16;235,9;0,1297;0,19266` (the statistics project's verbatim quote, the
    // 5-decimal price also in botts7/open-energy-tariffs), closed on 31/07/2026.
    let r = row(&tariffs, b, 9, date(2026, 2, 1));
    assert_eq!(
        (r.from, r.until),
        (date(2026, 2, 1), Some(date(2026, 7, 31)))
    );
    assert_eq!(r.ttc.energy, EnergyPrices::Base(PricePerKwh(19_266)));
    assert_eq!(r.ttc.yearly_fixed, Money(23_590_000_000));
    assert_eq!(r.ht.unwrap(), base("176,16", "0,1297"));
    // Le-Syl21 `01/02/2026;31/07/2026;12;209,16;281,5;0,1297;0,1927`, its 4-decimal price read
    // as botts7's `0.19266` (281,5 / 365 = 0,77123, botts7's daily part).
    let r = row(&tariffs, b, 12, date(2026, 7, 31));
    assert_eq!(r.ttc, base("281,5", "0,19266"));
    // Le-Syl21 `01/08/2026;;3;110,64;145,76;0,1361;0,2001` (botts7: 0.2001, 0.39934 a day).
    let r = row(&tariffs, b, 3, date(2026, 11, 30));
    assert_eq!((r.from, r.until), (date(2026, 8, 1), None));
    assert_eq!(r.ttc, base("145,76", "0,2001"));
    assert_eq!(r.ht.unwrap(), base("110,64", "0,1361"));
    // The oldest rows: `23/07/2012;31/07/2013;3;55,56;69,37;0,0822;0,1256`.
    let r = row(&tariffs, b, 3, date(2013, 7, 31));
    assert_eq!(r.ttc, base("69,37", "0,1256"));
    assert!(tariffs.row(b, 3, date(2012, 7, 22)).is_none());
    // The regulator's Base file stops at 15 kVA.
    assert!(tariffs.row(b, 18, date(2026, 11, 30)).is_none());
}

#[test]
fn hphc_rows_match_their_sources() {
    let tariffs = RegulatedTariffs::snapshot().unwrap();
    let h = TariffOption::HpHc;
    // GladysAssistant/energy-contracts `contracts/edf/peak-off-peak/Option_HPHC.csv`:
    // `23/07/2012;31/07/2013;6;79,2;99,54;0,0578;0,0964;0,0935;0,1391` (HC before HP).
    let r = row(&tariffs, h, 6, date(2012, 7, 23));
    assert_eq!(r.ttc, hphc("99,54", "0,1391", "0,0964"));
    assert_eq!(r.ht.unwrap(), hphc("79,2", "0,0935", "0,0578"));
    // `01/02/2025;31/07/2025;6;137,76;169,81;0,1076;0,1696;0,1451;0,2146` (EDF's grid: 21,46
    // and 16,96 c€).
    let r = row(&tariffs, h, 6, date(2025, 3, 1));
    assert_eq!(
        (r.from, r.until),
        (date(2025, 2, 1), Some(date(2025, 7, 31)))
    );
    assert_eq!(r.ttc, hphc("169,81", "0,2146", "0,1696"));
    // `01/08/2025;;36;457,8;661,41;0,1063;0,1635;0,1434;0,2081`, closed on 31/01/2026.
    let r = row(&tariffs, h, 36, date(2026, 1, 31));
    assert_eq!(
        (r.from, r.until),
        (date(2025, 8, 1), Some(date(2026, 1, 31)))
    );
    assert_eq!(r.ttc, hphc("661,41", "0,2081", "0,1635"));
    // Le-Syl21 `01/02/2026;31/07/2026;6;141,6;188,24;0,1007;0,1578;0,1412;0,2065` (botts7:
    // 0.2065, 0.1578, 0.51573 a day).
    let r = row(&tariffs, h, 6, date(2026, 2, 1));
    assert_eq!(r.ttc, hphc("188,24", "0,2065", "0,1578"));
    assert_eq!(r.ht.unwrap(), hphc("141,6", "0,1412", "0,1007"));
    // Le-Syl21 `01/08/2026;;3;110,64;145,7629941;0,1018;0,1589;0,1479;0,2142`: the first HP/HC
    // row at 3 kVA, a fixed part with 7 decimals read exactly (botts7: 0.39935 a day).
    let r = row(&tariffs, h, 3, date(2026, 11, 30));
    assert_eq!((r.from, r.until), (date(2026, 8, 1), None));
    assert_eq!(r.ttc.yearly_fixed, Money(14_576_299_410));
    assert_eq!(r.ttc.energy, EnergyPrices::HpHc(pair("0,2142", "0,1589")));
    assert!(tariffs.row(h, 3, date(2026, 7, 31)).is_none());
}

#[test]
fn tempo_rows_match_their_sources() {
    let tariffs = RegulatedTariffs::snapshot().unwrap();
    let t = TariffOption::Tempo;
    // GladysAssistant/Gladys `server/test/services/energy-monitoring/data/tempo_pricing.csv`
    // and GladysAssistant/energy-contracts `contracts/edf/tempo/Option_Tempo.csv`:
    // `01/02/2025;31/07/2025;9;169,92;211,16;0,0736;0,1287;0,0956;0,1552;
    // 0,0869;0,1447;0,1156;0,1792;0,0928;0,1518;0,5151;0,6586`
    let r = row(&tariffs, t, 9, date(2025, 3, 10));
    assert_eq!(
        (r.from, r.until),
        (date(2025, 2, 1), Some(date(2025, 7, 31)))
    );
    assert_eq!(
        r.prices(Taxes::Ttc).unwrap(),
        &Prices {
            yearly_fixed: Money::parse_euros("211,16").unwrap(),
            energy: EnergyPrices::Tempo {
                blue: pair("0,1552", "0,1287"),
                white: pair("0,1792", "0,1447"),
                red: pair("0,6586", "0,1518"),
            },
        }
    );
    assert_eq!(
        r.prices(Taxes::Ht).unwrap().energy,
        EnergyPrices::Tempo {
            blue: pair("0,0956", "0,0736"),
            white: pair("0,1156", "0,0869"),
            red: pair("0,5151", "0,0928"),
        }
    );
    // `01/08/2025;;6;133,20;186,46;…`: trailing zeros read, closed on 31/01/2026 (Le-Syl21).
    let r = row(&tariffs, t, 6, date(2025, 12, 1));
    assert_eq!(r.until, Some(date(2026, 1, 31)));
    assert_eq!(r.ttc.yearly_fixed, Money(18_646_000_000));
    assert_eq!(r.ht.unwrap().yearly_fixed, Money(13_320_000_000));
    // 6 kVA had no Tempo before 01/02/2023 (empty cells): no row, no zero price.
    assert!(tariffs.row(t, 6, date(2022, 12, 1)).is_none());
    let r = row(&tariffs, t, 6, date(2023, 2, 1));
    assert_eq!(r.ttc.yearly_fixed, Money::parse_euros("147,36").unwrap());
    // June–July 2019's peak blue price has five decimals: `0,14436`.
    let r = row(&tariffs, t, 12, date(2019, 7, 31));
    assert!(
        matches!(r.ttc.energy, EnergyPrices::Tempo { blue, .. } if blue.hp == PricePerKwh(14_436))
    );
    // Le-Syl21 `01/02/2026;31/07/2026;9;174,36;233,44;0,0796;0,1325;0,1035;0,1612;0,0941;
    // 0,1499;0,1251;0,1871;0,1004;0,1575;0,5575;0,7060` (EDF's grid in JC144/EDF_Simulateur_Prix:
    // 13,25 16,12 14,99 18,71 15,75 70,60 c€).
    let r = row(&tariffs, t, 9, date(2026, 2, 1));
    assert_eq!(
        (r.from, r.until),
        (date(2026, 2, 1), Some(date(2026, 7, 31)))
    );
    assert_eq!(
        r.ttc,
        Prices {
            yearly_fixed: Money::parse_euros("233,44").unwrap(),
            energy: EnergyPrices::Tempo {
                blue: pair("0,1612", "0,1325"),
                white: pair("0,1871", "0,1499"),
                red: pair("0,7060", "0,1575"),
            },
        }
    );
    assert_eq!(
        r.ht.unwrap().yearly_fixed,
        Money::parse_euros("174,36").unwrap()
    );
    // Le-Syl21 `01/08/2026;;24;338,64;460,4093086;…;0,5773;0,7295`: 24 kVA appears.
    let r = row(&tariffs, t, 24, date(2026, 11, 30));
    assert_eq!((r.from, r.until), (date(2026, 8, 1), None));
    assert_eq!(r.ttc.yearly_fixed, Money(46_040_930_860));
    assert!(
        matches!(r.ttc.energy, EnergyPrices::Tempo { red, .. } if red.hp == PricePerKwh(72_950))
    );
    assert!(tariffs.row(t, 24, date(2026, 7, 31)).is_none());
}
