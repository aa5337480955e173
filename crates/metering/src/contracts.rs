//! `customers_upc/v5/usage_points/contracts`: the technical part of a meter's contract.
//!
//! There is deliberately no field for the holder's name, address or contact: what this type
//! cannot hold, the proxy cannot relay.

use jiff::civil::Time;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractsResponse {
    pub customer: Customer,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Customer {
    pub usage_points: Vec<UsagePointContracts>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsagePointContracts {
    pub usage_point: UsagePoint,
    pub contracts: Contract,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsagePoint {
    pub usage_point_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage_point_status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meter_type: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contract {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment: Option<String>,
    /// `"9 kVA"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscribed_power: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_activation_date: Option<String>,
    /// `BTINFCUST`, `BTINFCU4`, `BTINFMU4`…
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distribution_tariff: Option<String>,
    /// `"HC (22H00-6H00)"`, several windows separated by `;`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offpeak_hours: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contract_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contract_status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_distribution_tariff_change_date: Option<String>,
}

impl Contract {
    /// The subscribed power in kVA, from `"9 kVA"`.
    pub fn subscribed_kva(&self) -> Option<u32> {
        self.subscribed_power
            .as_deref()?
            .split_whitespace()
            .next()?
            .parse()
            .ok()
    }

    /// The off-peak windows, from `"HC (22H00-6H00;12H30-14H30)"`.
    pub fn offpeak_windows(&self) -> Option<Vec<(Time, Time)>> {
        parse_offpeak(self.offpeak_hours.as_deref()?)
    }
}

/// Writes off-peak windows the v5 way: `HC (22H00-6H00;12H30-14H30)` (hours without a leading
/// zero, minutes with two digits).
pub fn format_offpeak(windows: &[(Time, Time)]) -> String {
    let one = |t: Time| format!("{}H{:02}", t.hour(), t.minute());
    let inner: Vec<String> = windows
        .iter()
        .map(|(a, b)| format!("{}-{}", one(*a), one(*b)))
        .collect();
    format!("HC ({})", inner.join(";"))
}

/// Reads `HC (22H00-6H00;…)`, with or without the `HC (…)` around it.
pub fn parse_offpeak(value: &str) -> Option<Vec<(Time, Time)>> {
    let inner = value.trim();
    let inner = inner
        .strip_prefix("HC")
        .map_or(inner, str::trim_start)
        .trim_start_matches('(')
        .trim_end_matches(')');
    let time = |s: &str| {
        let (h, m) = s.trim().split_once(['H', 'h', ':'])?;
        let m = if m.is_empty() { "0" } else { m };
        Time::new(h.parse().ok()?, m.parse().ok()?, 0, 0).ok()
    };
    inner
        .split(';')
        .filter(|w| !w.trim().is_empty())
        .map(|w| {
            let (a, b) = w.split_once('-')?;
            Some((time(a)?, time(b)?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use jiff::civil::time;

    use super::*;

    #[test]
    fn offpeak_hours_round_trip_in_the_v5_spelling() {
        let windows = vec![(time(22, 0, 0, 0), time(6, 0, 0, 0))];
        assert_eq!(format_offpeak(&windows), "HC (22H00-6H00)");
        let two = vec![
            (time(23, 0, 0, 0), time(5, 0, 0, 0)),
            (time(12, 30, 0, 0), time(15, 30, 0, 0)),
        ];
        let written = format_offpeak(&two);
        assert_eq!(written, "HC (23H00-5H00;12H30-15H30)");
        assert_eq!(parse_offpeak(&written).unwrap(), two);
        assert_eq!(parse_offpeak("22H30-6H30").unwrap().len(), 1);
        assert!(parse_offpeak("HC (bientôt)").is_none());
    }

    #[test]
    fn the_contract_reads_its_power() {
        let contract = Contract {
            subscribed_power: Some("9 kVA".into()),
            offpeak_hours: Some("HC (22H00-6H00)".into()),
            ..Contract::default()
        };
        assert_eq!(contract.subscribed_kva(), Some(9));
        assert_eq!(contract.offpeak_windows().unwrap().len(), 1);
    }
}
