//! Enedis Data Connect (2026 API) mode.
//!
//! Every Enedis URL path, query parameter and field name lives in [`api`] or in the [`MEASURES`]
//! table below (but for the callback's `autorisation_id`, a field of `routes::auth`'s `Callback`):
//! the public knowledge of the 2026 API comes from clients, not from Enedis's own documentation,
//! so a correction must be a one-line change.
//!
//! Identity: a PRM is bound to a device only when `/subscribed_services` (asked server-side with
//! the application token) lists it for the `autorisation_id` of the consent. Nothing in the
//! redirect's query string is trusted for identity.

//!
//! The module is split by job: [`resources`] (the metering table), [`token`] (the application
//! token and the paced call), [`quota`] (what every endpoint's 429 and 5xx mean), [`consent`]
//! (the PRMs a consent covers), [`data`] (metering answers into the v5 shape) and [`contract`].

mod consent;
mod contract;
mod data;
mod quota;
mod resources;
mod token;

use std::time::Duration;

use hearth_secret::Secret;
use url::Url;

use super::UpstreamError;
use crate::config::IntervalMark;
use crate::metrics::Metrics;
use crate::pacer::Pacer;
use crate::store::Store;

pub use data::{fmt_date, parse_date};
pub use resources::{Measure, Resource};
pub use token::{AppTokenCache, forget_clear_app_token};

/// The names of the 2026 API.
pub mod api {
    pub const AUTHORIZE_DURATION: &str = "duration";
    pub const TOKEN_PATH: &str = "oauth2/v3/token";
    pub const SUBSCRIBED_SERVICES_PATH: &str = "subscribed_services/v1";
    pub const POINT_ID_FIELD: &str = "pointId";
    /// The start of a service listed by `/subscribed_services` (the simulator sends it; no public
    /// client was seen reading it: when absent, the consent's age is not checked).
    pub const SERVICE_START_FIELD: &str = "dateDebut";
    /// The end of a service listed by `/subscribed_services` (the simulator sends it; when
    /// absent, the consent's end is derived from its start and the duration asked).
    pub const SERVICE_END_FIELD: &str = "dateFin";
    pub const QUERY_POINT: &str = "pointId";
    pub const QUERY_START: &str = "dateDebut";
    pub const QUERY_END: &str = "dateFin";
    pub const CONTRACT_SITUATION_PATH: &str = "situation_contrat_auto/v1/";
    pub const METERING_POINT_PATH: &str = "comptage_auto/v1/";
    /// The ADAM error code (in the `error` or `code` field of an error body) that tells one 403
    /// apart: the customer is not the holder. The statuses say the rest.
    pub const NOT_HOLDER: &str = "ADAM-DC-0007";
    /// The 400 of a range Enedis refuses as such (end before start); other 400s
    /// (`ADAM-ERR0123`) are a range before the meter's activation or bad parameters.
    pub const BAD_RANGE: &str = "ADAM-ERR0002";
    /// The 403 of an application not subscribed to the API it calls.
    pub const NOT_SUBSCRIBED: &str = "900908";
    /// Where the gateway's 429 (code `900804`) says when calls may resume.
    pub const NEXT_ACCESS_TIME: &str = "nextAccessTime";
}

/// A PRM: 14 digits.
pub fn is_prm(value: &str) -> bool {
    value.len() == 14 && value.bytes().all(|b| b.is_ascii_digit())
}

pub struct Enedis {
    pub authorize_url: Url,
    pub api_url: Url,
    pub client_id: String,
    pub client_secret: Secret,
    pub duration: String,
    pub curve_timestamps: IntervalMark,
    pub subscription_tries: u32,
    pub subscription_delay: Duration,
    pub http: reqwest::Client,
    pub store: std::sync::Arc<dyn Store>,
    pub pacer: Pacer,
    pub metrics: Metrics,
    pub app_token: AppTokenCache,
}

impl Enedis {
    pub fn authorize_redirect(&self, state: &str) -> Url {
        let mut url = self.authorize_url.clone();
        url.query_pairs_mut()
            .append_pair("client_id", &self.client_id)
            .append_pair("response_type", "code")
            .append_pair("state", state)
            .append_pair(api::AUTHORIZE_DURATION, &self.duration);
        url
    }

    pub(super) fn url(&self, path: &str) -> Result<Url, UpstreamError> {
        self.api_url
            .join(path)
            .map_err(|e| UpstreamError::BadResponse {
                endpoint: "config",
                reason: format!("bad API URL: {e}"),
            })
    }
}
