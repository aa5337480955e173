//! Prometheus metrics (OpenMetrics text at `/metrics`). Labels are route templates and fixed
//! words, never user input, so their number stays bounded.

use std::sync::Arc;
use std::time::Duration;

use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

type Labels = Vec<(&'static str, String)>;

#[derive(Clone)]
pub struct Metrics {
    registry: Arc<Registry>,
    requests: Family<Labels, Counter>,
    latency: Family<Labels, Histogram>,
    flows: Family<Labels, Counter>,
    guesses: Family<Labels, Counter>,
    upstream: Family<Labels, Counter>,
    cache: Family<Labels, Counter>,
    pacer_wait: Histogram,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("hearth_proxy");
        let requests = Family::<Labels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests by route and status",
            requests.clone(),
        );
        let latency = Family::<Labels, Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.000_5, 2.0, 16))
        });
        registry.register(
            "http_request_duration_seconds",
            "HTTP request duration by route",
            latency.clone(),
        );
        let flows = Family::<Labels, Counter>::default();
        registry.register(
            "device_flows",
            "Device flows by outcome (started, approved, denied, delivered)",
            flows.clone(),
        );
        let guesses = Family::<Labels, Counter>::default();
        registry.register(
            "user_code_checks",
            "User code checks by result (right, wrong, limited)",
            guesses.clone(),
        );
        let upstream = Family::<Labels, Counter>::default();
        registry.register(
            "upstream_calls",
            "Calls to the upstream provider by endpoint and status",
            upstream.clone(),
        );
        let cache = Family::<Labels, Counter>::default();
        registry.register(
            "data_cache",
            "Data proxy cache lookups by result (hit, miss)",
            cache.clone(),
        );
        let pacer_wait = Histogram::new(exponential_buckets(0.001, 2.0, 16));
        registry.register(
            "pacer_wait_seconds",
            "Time data requests waited for the upstream pacer",
            pacer_wait.clone(),
        );
        Self {
            registry: Arc::new(registry),
            requests,
            latency,
            flows,
            guesses,
            upstream,
            cache,
            pacer_wait,
        }
    }

    pub fn request(&self, route: &str, status: u16, elapsed: Duration) {
        self.requests
            .get_or_create(&vec![
                ("route", route.to_owned()),
                ("status", status.to_string()),
            ])
            .inc();
        self.latency
            .get_or_create(&vec![("route", route.to_owned())])
            .observe(elapsed.as_secs_f64());
    }

    pub fn flow(&self, outcome: &'static str) {
        self.flows
            .get_or_create(&vec![("outcome", outcome.to_owned())])
            .inc();
    }

    pub fn guess(&self, result: &'static str) {
        self.guesses
            .get_or_create(&vec![("result", result.to_owned())])
            .inc();
    }

    pub fn upstream(&self, endpoint: &'static str, status: u16) {
        self.upstream
            .get_or_create(&vec![
                ("endpoint", endpoint.to_owned()),
                ("status", status.to_string()),
            ])
            .inc();
    }

    pub fn cache(&self, result: &'static str) {
        self.cache
            .get_or_create(&vec![("result", result.to_owned())])
            .inc();
    }

    pub fn pacer_wait(&self, waited: Duration) {
        self.pacer_wait.observe(waited.as_secs_f64());
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = encode(&mut out, &self.registry);
        out
    }
}
