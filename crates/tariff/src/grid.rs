//! The regulated tariffs (TRV) by date and subscribed power, from the regulator's open-data CSV
//! files: `Option_Base.csv`, `Option_HPHC.csv`, `Option_Tempo.csv`.
//!
//! The format, as public clients read it (see `data/SOURCES.md`): `;`-separated, decimal comma,
//! dates `DD/MM/YYYY`, an empty `DATE_FIN` on the rows in force, `P_SOUSCRITE` in kVA,
//! `PART_FIXE_HT`/`PART_FIXE_TTC` in euros per year, then one `PART_VARIABLE_…_HT`/`_TTC` pair per
//! period in euros per kWh. A power at which an option was not offered has empty cells (Tempo at
//! 6 kVA before 01/02/2023); the file may start with a byte-order mark and end with empty rows.
//! Columns are found by name, so a reordered file still reads; [`GridParser`] keeps a different
//! layout a local change.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::TariffError;
use crate::money::{Money, PricePerKwh};

/// The three regulated options Hearth prices.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TariffOption {
    Base,
    HpHc,
    Tempo,
}

/// With taxes (what the user pays, the default) or without.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Taxes {
    #[default]
    Ttc,
    Ht,
}

/// Peak and off-peak prices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HpHcPrices {
    pub hp: PricePerKwh,
    pub hc: PricePerKwh,
}

/// The energy prices of one option.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EnergyPrices {
    Base(PricePerKwh),
    HpHc(HpHcPrices),
    Tempo {
        blue: HpHcPrices,
        white: HpHcPrices,
        red: HpHcPrices,
    },
}

impl EnergyPrices {
    pub fn option(&self) -> TariffOption {
        match self {
            EnergyPrices::Base(_) => TariffOption::Base,
            EnergyPrices::HpHc(_) => TariffOption::HpHc,
            EnergyPrices::Tempo { .. } => TariffOption::Tempo,
        }
    }
}

/// What one row charges on one tax basis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prices {
    /// The fixed part (subscription), euros per year.
    pub yearly_fixed: Money,
    pub energy: EnergyPrices,
}

/// One row of a regulator's file: the prices of one option at one power over a span of days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TariffRow {
    pub option: TariffOption,
    pub from: Date,
    /// The last day in force (inclusive); `None` while in force.
    pub until: Option<Date>,
    pub kva: u32,
    pub ttc: Prices,
    /// Absent when the file has no HT columns.
    pub ht: Option<Prices>,
}

impl TariffRow {
    pub fn in_force(&self, day: Date) -> bool {
        self.from <= day && self.until.is_none_or(|until| day <= until)
    }

    pub fn prices(&self, taxes: Taxes) -> Option<&Prices> {
        match taxes {
            Taxes::Ttc => Some(&self.ttc),
            Taxes::Ht => self.ht.as_ref(),
        }
    }
}

/// Reads one option's file. One implementation per layout, so that a correction stays local.
pub trait GridParser {
    fn option(&self) -> TariffOption;
    fn parse(&self, bytes: &[u8]) -> Result<Vec<TariffRow>, TariffError>;
}

/// The regulator's CSV layout (see the module's documentation).
#[derive(Debug, Clone, Copy)]
pub struct CreCsv {
    option: TariffOption,
}

impl CreCsv {
    pub fn new(option: TariffOption) -> Self {
        Self { option }
    }

    /// The energy columns of this option, without their `_HT`/`_TTC` suffix, in the order
    /// [`Self::energy`] reads them.
    fn energy_columns(self) -> &'static [&'static str] {
        match self.option {
            TariffOption::Base => &["PART_VARIABLE"],
            TariffOption::HpHc => &["PART_VARIABLE_HP", "PART_VARIABLE_HC"],
            TariffOption::Tempo => &[
                "PART_VARIABLE_HPBleu",
                "PART_VARIABLE_HCBleu",
                "PART_VARIABLE_HPBlanc",
                "PART_VARIABLE_HCBlanc",
                "PART_VARIABLE_HPRouge",
                "PART_VARIABLE_HCRouge",
            ],
        }
    }

    fn energy(self, p: &[PricePerKwh]) -> Option<EnergyPrices> {
        let pair = |i: usize| {
            Some(HpHcPrices {
                hp: *p.get(i)?,
                hc: *p.get(i + 1)?,
            })
        };
        Some(match self.option {
            TariffOption::Base => EnergyPrices::Base(*p.first()?),
            TariffOption::HpHc => EnergyPrices::HpHc(pair(0)?),
            TariffOption::Tempo => EnergyPrices::Tempo {
                blue: pair(0)?,
                white: pair(2)?,
                red: pair(4)?,
            },
        })
    }
}

struct Columns {
    from: usize,
    until: usize,
    kva: usize,
    fixed_ttc: usize,
    fixed_ht: Option<usize>,
    energy_ttc: Vec<usize>,
    energy_ht: Option<Vec<usize>>,
}

impl GridParser for CreCsv {
    fn option(&self) -> TariffOption {
        self.option
    }

    fn parse(&self, bytes: &[u8]) -> Result<Vec<TariffRow>, TariffError> {
        let text = std::str::from_utf8(bytes).map_err(|_| TariffError::NotUtf8)?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut lines = text.lines().map(|l| l.trim_end_matches('\r'));
        let header: Vec<&str> = lines
            .next()
            .ok_or(TariffError::MissingColumn("DATE_DEBUT".into()))?
            .split(';')
            .map(str::trim)
            .collect();
        let find = |name: &str| header.iter().position(|h| h.eq_ignore_ascii_case(name));
        let need = |name: &str| find(name).ok_or_else(|| TariffError::MissingColumn(name.into()));
        let names = self.energy_columns();
        let energy_ht: Option<Vec<usize>> =
            names.iter().map(|n| find(&format!("{n}_HT"))).collect();
        let columns = Columns {
            from: need("DATE_DEBUT")?,
            until: need("DATE_FIN")?,
            // Some clients' fixtures say PUISSANCE; the regulator's files say P_SOUSCRITE.
            kva: need("P_SOUSCRITE").or_else(|_| need("PUISSANCE"))?,
            fixed_ttc: need("PART_FIXE_TTC")?,
            fixed_ht: find("PART_FIXE_HT"),
            energy_ttc: names
                .iter()
                .map(|n| need(&format!("{n}_TTC")))
                .collect::<Result<_, _>>()?,
            energy_ht,
        };
        let mut rows = Vec::new();
        for (index, line) in lines.enumerate() {
            let cells: Vec<&str> = line.split(';').map(str::trim).collect();
            let line_no = index + 2;
            if let Some(row) = self.row(&columns, &cells).map_err(|e| TariffError::Row {
                line: line_no,
                reason: e.to_string(),
            })? {
                rows.push(row);
            }
        }
        Ok(rows)
    }
}

impl CreCsv {
    /// One data row; `None` for an empty row or a power the option was not offered at.
    fn row(self, c: &Columns, cells: &[&str]) -> Result<Option<TariffRow>, TariffError> {
        let cell = |i: usize| cells.get(i).copied().unwrap_or("");
        if cells.iter().all(|c| c.is_empty()) {
            return Ok(None);
        }
        let prices_empty = std::iter::once(c.fixed_ttc)
            .chain(c.energy_ttc.iter().copied())
            .all(|i| cell(i).is_empty());
        if prices_empty {
            return Ok(None);
        }
        let from = parse_date(cell(c.from))?;
        let until = match cell(c.until) {
            "" => None,
            text => Some(parse_date(text)?),
        };
        let kva = cell(c.kva)
            .parse()
            .map_err(|_| TariffError::BadNumber(cell(c.kva).into()))?;
        let read = |fixed: usize, energy: &[usize]| -> Result<Prices, TariffError> {
            let p: Vec<PricePerKwh> = energy
                .iter()
                .map(|&i| PricePerKwh::parse(cell(i)))
                .collect::<Result<_, _>>()?;
            Ok(Prices {
                yearly_fixed: Money::parse_euros(cell(fixed))?,
                energy: self
                    .energy(&p)
                    .ok_or_else(|| TariffError::MissingColumn("PART_VARIABLE".into()))?,
            })
        };
        let ttc = read(c.fixed_ttc, &c.energy_ttc)?;
        let ht = match (c.fixed_ht, &c.energy_ht) {
            (Some(fixed), Some(energy)) if !cell(fixed).is_empty() => Some(read(fixed, energy)?),
            _ => None,
        };
        Ok(Some(TariffRow {
            option: self.option,
            from,
            until,
            kva,
            ttc,
            ht,
        }))
    }
}

/// `DD/MM/YYYY` (the regulator's files), or `YYYY-MM-DD`.
fn parse_date(text: &str) -> Result<Date, TariffError> {
    Date::strptime("%d/%m/%Y", text)
        .or_else(|_| Date::strptime("%Y-%m-%d", text))
        .map_err(|_| TariffError::BadDate(text.into()))
}

/// The files shipped with the app (see `data/SOURCES.md` for their date and source).
pub const SNAPSHOT_BASE: &[u8] = include_bytes!("../data/Option_Base.csv");
pub const SNAPSHOT_HPHC: &[u8] = include_bytes!("../data/Option_HPHC.csv");
pub const SNAPSHOT_TEMPO: &[u8] = include_bytes!("../data/Option_Tempo.csv");

/// Every known row of the three options.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegulatedTariffs {
    rows: Vec<TariffRow>,
}

impl RegulatedTariffs {
    /// The snapshot shipped with the app, read by the same parser as an update.
    pub fn snapshot() -> Result<Self, TariffError> {
        let mut tariffs = Self::default();
        for (option, bytes) in [
            (TariffOption::Base, SNAPSHOT_BASE),
            (TariffOption::HpHc, SNAPSHOT_HPHC),
            (TariffOption::Tempo, SNAPSHOT_TEMPO),
        ] {
            tariffs.update(&CreCsv::new(option), bytes)?;
        }
        Ok(tariffs)
    }

    pub fn from_rows(rows: Vec<TariffRow>) -> Self {
        Self { rows }
    }

    /// Merges a file's rows for one option (fetched by the app): the regulator republishes the
    /// whole history each time, so from each power's first row in the file on, the file's rows
    /// replace what was known (correcting the snapshot); older rows, and powers the file lacks,
    /// are kept, so that a file cut short never loses the past. Returns how many rows it read.
    /// On error nothing changes.
    pub fn update(&mut self, parser: &dyn GridParser, bytes: &[u8]) -> Result<usize, TariffError> {
        let fresh = parser.parse(bytes)?;
        let option = parser.option();
        let mut first: std::collections::HashMap<u32, Date> = std::collections::HashMap::new();
        for row in &fresh {
            first
                .entry(row.kva)
                .and_modify(|d| *d = (*d).min(row.from))
                .or_insert(row.from);
        }
        let count = fresh.len();
        self.rows.retain(|row| {
            row.option != option || first.get(&row.kva).is_none_or(|start| row.from < *start)
        });
        self.rows.extend(fresh);
        Ok(count)
    }

    pub fn rows(&self) -> &[TariffRow] {
        &self.rows
    }

    /// The row in force on `day` for this option and power (the latest start if rows overlap).
    pub fn row(&self, option: TariffOption, kva: u32, day: Date) -> Option<&TariffRow> {
        self.rows
            .iter()
            .filter(|r| r.option == option && r.kva == kva && r.in_force(day))
            .max_by_key(|r| r.from)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use jiff::civil::date;

    use super::*;

    #[test]
    fn an_update_corrects_what_it_covers_and_keeps_what_it_lacks() {
        let mut tariffs = RegulatedTariffs::snapshot().unwrap();
        let before = tariffs
            .row(TariffOption::Base, 6, date(2020, 3, 1))
            .cloned();
        assert!(before.is_some());
        // A file cut short: 6 kVA from 01/08/2026 only, at a corrected price.
        let short = "DATE_DEBUT;DATE_FIN;P_SOUSCRITE;PART_FIXE_HT;PART_FIXE_TTC;PART_VARIABLE_HT;PART_VARIABLE_TTC\n\
01/08/2026;;6;100;150;0,1;0,2\n";
        assert_eq!(
            tariffs
                .update(&CreCsv::new(TariffOption::Base), short.as_bytes())
                .unwrap(),
            1
        );
        let now = tariffs
            .row(TariffOption::Base, 6, date(2026, 9, 1))
            .unwrap();
        assert_eq!(
            now.prices(Taxes::Ttc).unwrap().energy,
            EnergyPrices::Base(PricePerKwh(20_000))
        );
        // The past, and the powers the file does not list, are still priced.
        assert_eq!(
            tariffs
                .row(TariffOption::Base, 6, date(2020, 3, 1))
                .cloned(),
            before
        );
        assert!(
            tariffs
                .row(TariffOption::Base, 9, date(2026, 9, 1))
                .is_some()
        );
        assert_eq!(
            tariffs
                .rows()
                .iter()
                .filter(|r| r.option == TariffOption::Base
                    && r.kva == 6
                    && r.from >= date(2026, 8, 1))
                .count(),
            1,
            "the snapshot's row of that date was replaced, not doubled"
        );
    }

    #[test]
    fn a_bom_crlf_and_reordered_columns_still_read() {
        let csv = "\u{feff}P_SOUSCRITE;DATE_DEBUT;DATE_FIN;PART_FIXE_TTC;PART_VARIABLE_HP_TTC;PART_VARIABLE_HC_TTC\r\n\
                   6;01/08/2025;;150,00;0,2;0,15\r\n;;;;;\r\n";
        let rows = CreCsv::new(TariffOption::HpHc)
            .parse(csv.as_bytes())
            .unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].from, date(2025, 8, 1));
        assert_eq!(rows[0].until, None);
        assert_eq!(rows[0].ht, None);
        assert_eq!(
            rows[0].ttc.energy,
            EnergyPrices::HpHc(HpHcPrices {
                hp: PricePerKwh(20_000),
                hc: PricePerKwh(15_000)
            })
        );
    }

    #[test]
    fn a_missing_column_or_a_bad_cell_is_an_error_with_its_line() {
        let missing = "DATE_DEBUT;DATE_FIN;P_SOUSCRITE;PART_FIXE_TTC\n";
        assert!(matches!(
            CreCsv::new(TariffOption::Base).parse(missing.as_bytes()),
            Err(TariffError::MissingColumn(c)) if c == "PART_VARIABLE_TTC"
        ));
        let bad = "DATE_DEBUT;DATE_FIN;P_SOUSCRITE;PART_FIXE_TTC;PART_VARIABLE_TTC\n\
                   01/02/2026;;6;188,2;0,19398\n31/02/2026;;6;188,2;0,19398\n";
        assert!(matches!(
            CreCsv::new(TariffOption::Base).parse(bad.as_bytes()),
            Err(TariffError::Row { line: 3, .. })
        ));
    }

    #[test]
    fn the_row_in_force_follows_the_dates() {
        let csv = "DATE_DEBUT;DATE_FIN;P_SOUSCRITE;PART_FIXE_TTC;PART_VARIABLE_TTC\n\
                   01/08/2025;31/01/2026;6;100;0,2\n01/02/2026;;6;120;0,3\n01/02/2026;;9;140;0,3\n";
        let mut tariffs = RegulatedTariffs::default();
        assert_eq!(
            tariffs
                .update(&CreCsv::new(TariffOption::Base), csv.as_bytes())
                .unwrap(),
            3
        );
        let price = |day| match tariffs.row(TariffOption::Base, 6, day).unwrap().ttc.energy {
            EnergyPrices::Base(p) => p,
            _ => unreachable!(),
        };
        assert_eq!(price(date(2026, 1, 31)), PricePerKwh(20_000));
        assert_eq!(price(date(2026, 2, 1)), PricePerKwh(30_000));
        assert!(
            tariffs
                .row(TariffOption::Base, 6, date(2025, 7, 31))
                .is_none()
        );
        assert!(
            tariffs
                .row(TariffOption::Base, 12, date(2026, 3, 1))
                .is_none()
        );
    }
}
