//! The shipped snapshot, read by the parser an update goes through, checked against rows of the
//! regulator's files as the sources in data/SOURCES.md give them.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failed step panics with its reason.

use hearth_tariff::grid::{HpHcPrices, Prices};
use hearth_tariff::{EnergyPrices, Money, PricePerKwh, RegulatedTariffs, TariffOption, Taxes};
use jiff::civil::date;

fn p(text: &str) -> PricePerKwh {
    PricePerKwh::parse(text).unwrap()
}

fn pair(hp: &str, hc: &str) -> HpHcPrices {
    HpHcPrices {
        hp: p(hp),
        hc: p(hc),
    }
}

#[test]
fn the_snapshot_parses_with_the_known_rows() {
    let tariffs = RegulatedTariffs::snapshot().unwrap();
    let count = |option| tariffs.rows().iter().filter(|r| r.option == option).count();
    // 17 Tempo periods × 7 powers, less the 12 periods when 6 kVA had no Tempo.
    assert_eq!(count(TariffOption::Tempo), 17 * 7 - 12);
    assert_eq!(count(TariffOption::Base), 4);
    assert_eq!(count(TariffOption::HpHc), 0, "see data/SOURCES.md");

    // Option_Tempo.csv: `01/02/2025;31/07/2025;9;169,92;211,16;0,0736;0,1287;0,0956;0,1552;
    // 0,0869;0,1447;0,1156;0,1792;0,0928;0,1518;0,5151;0,6586`
    let row = tariffs
        .row(TariffOption::Tempo, 9, date(2025, 3, 10))
        .unwrap();
    assert_eq!(
        (row.from, row.until),
        (date(2025, 2, 1), Some(date(2025, 7, 31)))
    );
    assert_eq!(
        row.prices(Taxes::Ttc).unwrap(),
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
        row.prices(Taxes::Ht).unwrap().energy,
        EnergyPrices::Tempo {
            blue: pair("0,0956", "0,0736"),
            white: pair("0,1156", "0,0869"),
            red: pair("0,5151", "0,0928"),
        }
    );
    // `01/08/2025;;6;133,20;186,46;…`: in force with no end, trailing zeros read.
    let row = tariffs
        .row(TariffOption::Tempo, 6, date(2026, 11, 1))
        .unwrap();
    assert_eq!(row.until, None);
    assert_eq!(row.ttc.yearly_fixed, Money(18_646_000_000));
    assert_eq!(row.ht.unwrap().yearly_fixed, Money(13_320_000_000));
    // 6 kVA had no Tempo before 01/02/2023 (empty cells): no row, no zero price.
    assert!(
        tariffs
            .row(TariffOption::Tempo, 6, date(2022, 12, 1))
            .is_none()
    );
    let row = tariffs
        .row(TariffOption::Tempo, 6, date(2023, 2, 1))
        .unwrap();
    assert_eq!(row.ttc.yearly_fixed, Money::parse_euros("147,36").unwrap());
    // June–July 2019's peak blue price has five decimals: `0,14436`.
    let row = tariffs
        .row(TariffOption::Tempo, 12, date(2019, 7, 31))
        .unwrap();
    assert!(
        matches!(row.ttc.energy, EnergyPrices::Tempo { blue, .. } if blue.hp == PricePerKwh(14_436))
    );

    // Option_Base.csv: `01/02/2026;;9;176,16;235,9;0,1297;0,19266` and the 2012 rows.
    let row = tariffs
        .row(TariffOption::Base, 9, date(2026, 2, 1))
        .unwrap();
    assert_eq!(row.ttc.energy, EnergyPrices::Base(PricePerKwh(19_266)));
    assert_eq!(row.ttc.yearly_fixed, Money(23_590_000_000));
    assert_eq!(
        row.ht.unwrap().energy,
        EnergyPrices::Base(PricePerKwh(12_970))
    );
    let row = tariffs
        .row(TariffOption::Base, 3, date(2013, 7, 31))
        .unwrap();
    assert_eq!(row.ttc.energy, EnergyPrices::Base(p("0,1256")));
    assert!(
        tariffs
            .row(TariffOption::Base, 3, date(2013, 8, 1))
            .is_none()
    );
}
