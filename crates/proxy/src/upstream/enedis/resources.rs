//! The metering resources: the v5 paths clients call and where the 2026 API serves them.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    DailyEnergy,
    LoadCurve,
    MaxPower,
}

/// A metering resource: the v5 path existing clients call, and where the 2026 API serves it.
#[derive(Debug)]
pub struct Measure {
    pub v5_path: &'static str,
    pub path: &'static str,
    pub grandeur_metier: &'static str,
    pub grandeur_physique: &'static str,
    pub shape: Shape,
    /// Longest range per call, in days.
    pub max_days: i64,
    /// How far back the data goes, in days.
    pub history_days: i64,
    /// Query parameters the 2026 endpoint requires besides the PRM and the dates.
    pub extra_query: &'static [(&'static str, &'static str)],
}

pub const MEASURES: &[Measure] = &[
    Measure {
        v5_path: "metering_data_dc/v5/daily_consumption",
        path: "mesure_synchrone_auto/v2/consommation_quotidienne",
        grandeur_metier: "CONS",
        grandeur_physique: "EA",
        shape: Shape::DailyEnergy,
        max_days: 365,
        history_days: 3 * 365 + 1,
        extra_query: &[],
    },
    Measure {
        v5_path: "metering_data_clc/v5/consumption_load_curve",
        path: "mesure_synchrone_auto/v2/courbe_de_charge_consommation",
        grandeur_metier: "CONS",
        grandeur_physique: "PA",
        shape: Shape::LoadCurve,
        max_days: 7,
        history_days: 2 * 365 + 1,
        extra_query: &[],
    },
    // Four independent public clients agree on this path and on its two required parameters
    // (Enedis answers 400 without them).
    Measure {
        v5_path: "metering_data_dcmp/v5/daily_consumption_max_power",
        path: "mesure_synchrone_auto/v2/puissance_conso_max_quotidienne",
        grandeur_metier: "CONS",
        grandeur_physique: "PMA",
        shape: Shape::MaxPower,
        max_days: 365,
        history_days: 3 * 365 + 1,
        extra_query: &[("mesuresPas", "P1D"), ("grandeurPhysique", "PMA")],
    },
    Measure {
        v5_path: "metering_data_dp/v5/daily_production",
        path: "mesure_synchrone_auto/v2/production_quotidienne",
        grandeur_metier: "PROD",
        grandeur_physique: "EA",
        shape: Shape::DailyEnergy,
        max_days: 365,
        history_days: 3 * 365 + 1,
        extra_query: &[],
    },
    Measure {
        v5_path: "metering_data_plc/v5/production_load_curve",
        path: "mesure_synchrone_auto/v2/courbe_de_charge_production",
        grandeur_metier: "PROD",
        grandeur_physique: "PA",
        shape: Shape::LoadCurve,
        max_days: 7,
        history_days: 2 * 365 + 1,
        extra_query: &[],
    },
];

/// The v5 contracts path (answered from the two 2026 contract endpoints).
pub const V5_CONTRACTS_PATH: &str = "customers_upc/v5/usage_points/contracts";

/// What `/data/proxy/{path}` may serve.
#[derive(Debug, Clone, Copy)]
pub enum Resource {
    Measure(&'static Measure),
    Contracts,
}

impl Resource {
    pub fn from_v5_path(path: &str) -> Option<Self> {
        let path = path.trim_matches('/');
        if path == V5_CONTRACTS_PATH {
            return Some(Self::Contracts);
        }
        MEASURES
            .iter()
            .find(|m| m.v5_path == path)
            .map(Self::Measure)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_documented_paths_are_resources() {
        for m in MEASURES {
            assert!(Resource::from_v5_path(m.v5_path).is_some());
        }
        assert!(matches!(
            Resource::from_v5_path("customers_upc/v5/usage_points/contracts"),
            Some(Resource::Contracts)
        ));
        for path in [
            "customers/v5/contact_data",
            "customers_i/v5/identity",
            "metering_data_dc/v5/../../admin",
            "",
        ] {
            assert!(Resource::from_v5_path(path).is_none(), "{path}");
        }
    }
}
