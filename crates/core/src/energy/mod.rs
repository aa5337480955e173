//! What the energy screen shows, with no token in it: the screen's state ([`EnergyView`]: the
//! proxy, the link in progress with its QR code, each linked meter) and the series its charts
//! draw ([`DailySeries`], [`LoadCurve`], [`MaxPowerSeries`], [`Totals`]), built from the local
//! history by the functions of [`series`].
//!
//! Dates cross the IPC as `YYYY-MM-DD` (a French day, as Enedis counts them) and instants as
//! RFC 3339 with the offset of French legal time (`2026-10-25T02:30:00+01:00`), so the UI reads
//! both without a time-zone database and shows them in [`EnergyView::time_zone`]. A value that is
//! missing is `null`, never 0: a gap is drawn as a gap.

pub mod costs;
mod model;
pub mod qr;
pub mod series;

use serde::Serialize;

use crate::problem::Problem;

pub use costs::{
    ComparisonView, CostDay, CostSeries, CostStatus, CostTotal, OfferChoice, OfferReason,
    OfferView, OptionCostView, OptionPeriods, PeriodPrice, PeriodValue, PowerHintView, TempoDay,
    TempoView, TimeRange, WindowsOrigin, WindowsVersion, offer_options,
};
pub use model::{
    CONSENT_WARNING_DAYS, Energy, EnergyError, EnergyOptions, data_problem, parse_day,
};
pub use qr::QrCode;
pub use series::{
    CurveDay, CurvePoint, DailySeries, DayPoint, Flow, LoadCurve, MaxPowerSeries, PeakDay,
    SeriesError, Totals,
};

/// The time zone every date and instant of the views is meant in: a Linky meter keeps French
/// legal time.
pub const TIME_ZONE: &str = "Europe/Paris";

/// The energy screen's state.
#[derive(Clone, Debug, PartialEq, Serialize, specta::Type)]
pub struct EnergyView {
    /// The `hearth-proxy` in use; `None` until the user sets one (there is no default host):
    /// the screen then says how to get one, and offers the demo.
    pub proxy: Option<ProxyView>,
    /// The demo (simulated Enedis and an in-process proxy) is what is shown.
    pub demo: bool,
    /// The link in progress, or how the last one ended (until dismissed).
    pub link: Option<LinkView>,
    /// One per consent: each meter is linked on its own.
    pub meters: Vec<MeterView>,
    /// What dates and instants are meant in ([`TIME_ZONE`]).
    pub time_zone: String,
    /// Today's and tomorrow's Tempo colours, when a meter's offer is Tempo or the user asked
    /// for them (the tray shows them).
    pub tempo: Option<TempoView>,
}

/// The energy proxy's settings as the screen may show them (none is a secret).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, specta::Type)]
pub struct ProxyView {
    pub url: String,
    pub client_id: String,
}

/// Linking a meter (RFC 8628's device flow through `hearth-proxy`), as the screen follows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, specta::Type)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum LinkView {
    /// Asking the proxy for a code.
    Starting,
    /// The browser is (or can be sent) at the proxy's page; the user approves there or on a
    /// phone through the QR code.
    Waiting {
        user_code: String,
        verification_uri: String,
        /// The page with the code filled in: what the browser opens and the QR code holds.
        verification_uri_complete: String,
        qr: QrCode,
        /// Seconds left when this view was made (the UI counts down from its arrival).
        expires_in_secs: u32,
        /// When the code expires.
        expires_at: String,
    },
    /// The user accepted at Enedis: the meter is linked.
    Approved { prm: String },
    /// The user (or Enedis) refused the consent.
    Refused,
    /// Nobody approved before the code expired.
    Expired,
    /// Anything else (the proxy unreachable…): the problem says what.
    Failed { problem: Problem },
}

/// One linked meter.
#[derive(Clone, Debug, PartialEq, Serialize, specta::Type)]
pub struct MeterView {
    /// The meter's PRM (14 digits).
    pub prm: String,
    /// The name the user gave it, if any.
    pub name: Option<String>,
    pub state: MeterState,
    /// The last day whose data is complete (`YYYY-MM-DD`).
    pub data_until: Option<String>,
    /// That day's consumption (Wh): what the tray shows ("Yesterday: 12.4 kWh").
    pub last_day_wh: Option<u32>,
    /// When the next sync is planned (an instant).
    pub next_sync: Option<String>,
    /// The consent's end (`YYYY-MM-DD`); it lasts up to 3 years.
    pub consent_end: Option<String>,
    /// The consent ends within a month: link again before it does.
    pub consent_ending_soon: bool,
    /// The contract's subscribed power (kVA), the line the maximum power is drawn against.
    pub subscribed_kva: Option<u32>,
    /// The option the meter's costs are computed with.
    pub option: Option<hearth_tariff::TariffOption>,
    /// The meter produces (the production charts are shown).
    pub produces: bool,
    /// The load curve came back empty although daily data exists: its collection is most likely
    /// off in the customer's Enedis account.
    pub load_curve_off: bool,
    /// Why the last sync stopped (an outage with its retry time, the quota…), if it did.
    pub problem: Option<Problem>,
}

/// Where a meter's link stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, specta::Type)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum MeterState {
    /// Linked, up to date as far as Enedis publishes.
    Linked,
    /// Fetching: `done` of `total` calls (the first sync backfills years of data).
    Syncing { done: u32, total: u32 },
    /// The consent is gone or was refused: only a new link brings data again.
    NeedsRelink,
}

#[cfg(test)]
mod tests;
