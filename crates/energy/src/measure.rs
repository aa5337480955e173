//! The measures a Linky meter answers, and their limits (`../shared/reference/enedis.md`).

use serde::{Deserialize, Serialize};

/// One kind of metering data, as hearth-proxy serves it under `/data/proxy/{path}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// Wh per day.
    DailyConsumption,
    /// W averaged over each interval (30 minutes unless the meter says otherwise).
    ConsumptionLoadCurve,
    /// VA, the day's peak with the time it happened.
    MaxPower,
    /// Wh per day, for a meter that produces.
    DailyProduction,
    /// W averaged over each interval, for a meter that produces.
    ProductionLoadCurve,
}

impl Measure {
    pub const ALL: [Measure; 5] = [
        Measure::DailyConsumption,
        Measure::ConsumptionLoadCurve,
        Measure::MaxPower,
        Measure::DailyProduction,
        Measure::ProductionLoadCurve,
    ];

    /// The v5 path under `/data/proxy/`.
    pub fn path(self) -> &'static str {
        match self {
            Measure::DailyConsumption => "metering_data_dc/v5/daily_consumption",
            Measure::ConsumptionLoadCurve => "metering_data_clc/v5/consumption_load_curve",
            Measure::MaxPower => "metering_data_dcmp/v5/daily_consumption_max_power",
            Measure::DailyProduction => "metering_data_dp/v5/daily_production",
            Measure::ProductionLoadCurve => "metering_data_plc/v5/production_load_curve",
        }
    }

    /// The most days one call may cover (Enedis refuses longer ranges).
    pub fn max_days_per_call(self) -> i32 {
        if self.is_curve() { 7 } else { 365 }
    }

    /// How many months back Enedis keeps this measure.
    pub fn history_months(self) -> i32 {
        if self.is_curve() { 24 } else { 36 }
    }

    /// Half-hourly (or finer) points rather than one per day.
    pub fn is_curve(self) -> bool {
        matches!(
            self,
            Measure::ConsumptionLoadCurve | Measure::ProductionLoadCurve
        )
    }

    /// Only a meter that produces has it.
    pub fn is_production(self) -> bool {
        matches!(
            self,
            Measure::DailyProduction | Measure::ProductionLoadCurve
        )
    }
}
