//! What every Enedis endpoint's 429 and 5xx mean for the pacer and the caller.

use super::{Enedis, UpstreamError};
use crate::upstream::retry_after;

impl Enedis {
    /// Statuses every Enedis endpoint shares: 429 (slows the pacer down) and 5xx.
    pub(super) async fn check_status(
        &self,
        endpoint: &'static str,
        response: &reqwest::Response,
    ) -> Result<(), UpstreamError> {
        let status = response.status().as_u16();
        if status == 429 {
            let retry = retry_after(response);
            self.pacer.slow_down(retry).await;
            return Err(UpstreamError::RateLimited {
                endpoint,
                retry_after: retry,
            });
        }
        if status >= 500 {
            return Err(UpstreamError::Unavailable { endpoint, status });
        }
        Ok(())
    }
}
