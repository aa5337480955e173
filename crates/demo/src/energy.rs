//! The energy half of the demo: the Enedis simulator and a `hearth-proxy` in Enedis mode in
//! front of it, both in this process on 127.0.0.1, so that *Link my Linky meter* runs the whole
//! device flow — the proxy's code page, the simulator's consent page with its meter choice,
//! Accept and Refuse — without an Enedis account.
//!
//! The proxy keeps its store in a temporary folder removed when the demo stops: the demo writes
//! nothing that outlives it.
//!
//! Prices come as in the real app, fetched, from simulators in this process too: the grid
//! operator's Tempo feed (`hearth_sim::tempo`) and the regulator's tariff files
//! (`hearth_sim::regulator`), which [`EnergyDemo::price_feeds`] names for the demo's model. The
//! simulated household (the electrically heated house) is on Tempo, which [`household_offers`]
//! gives for the model to set: its costs, the comparison and tomorrow's colour in the tray are
//! then all there once its meter is linked.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use hearth_core::energy::{EnergyOptions, OfferChoice};
use hearth_energy::prices::PriceFeeds;
use hearth_proxy::Config;
use hearth_secret::Secret;
use hearth_sim::enedis::{EnedisSim, EnedisSimHandle, data};
use hearth_sim::regulator::{RegulatorSim, RegulatorSimHandle};
use hearth_sim::tempo::{TempoSim, TempoSimHandle};
use hearth_tariff::TariffOption;
use jiff::{SignedDuration, Timestamp};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::DemoError;

/// The demo proxy's device client: what Hearth's energy settings name in demo mode.
pub const ENERGY_CLIENT_ID: &str = "hearth-demo";
/// The name the proxy's pages show for it.
const ENERGY_CLIENT_NAME: &str = "Hearth (demo)";
/// The proxy's application at the simulated Enedis: sandbox values, not secrets.
const UPSTREAM_CLIENT_ID: &str = "hearth-demo-proxy";
const UPSTREAM_SECRET: &str = "hearth-demo-proxy-sandbox-secret";

/// A running energy demo. Dropping it stops the proxy and the simulator and removes the
/// proxy's store.
pub struct EnergyDemo {
    proxy_url: String,
    sim: EnedisSimHandle,
    tempo: TempoSimHandle,
    regulator: RegulatorSimHandle,
    /// How far the demo's clock is from the real one ([`Self::start_at`]).
    offset: SignedDuration,
    stop: Option<oneshot::Sender<()>>,
    /// Removed when the demo is dropped.
    store: tempfile::TempDir,
}

impl std::fmt::Debug for EnergyDemo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EnergyDemo")
            .field("proxy_url", &self.proxy_url)
            .field("enedis_url", &self.sim.base_url())
            .field("tempo_url", &self.tempo.base_url())
            .field("regulator_url", &self.regulator.base_url())
            .field("store", &self.store.path())
            .finish_non_exhaustive()
    }
}

impl EnergyDemo {
    /// Starts the simulator (its consent page asks: the user picks a meter and accepts or
    /// refuses) and the proxy in front of it. The quota is the 2026 swagger's per second and
    /// generous per hour, so that a demo backfill does not wait for the hour to turn.
    pub async fn start() -> Result<Self, DemoError> {
        Self::start_at(None).await
    }

    /// [`Self::start`] with the demo's clock starting at `at` (then running on) instead of now:
    /// the Tempo feed's clock stopped there, and [`Self::energy_options`] give the model that
    /// clock. End-to-end tests use it to be at a known time (the evening before a red day, before
    /// or after 10:40) whenever they run. The simulated Enedis and the proxy keep the real clock
    /// (the proxy refuses a consent dated before the link began): the model asks them for days up
    /// to its own yesterday, which they have; a clock far in the past loses the oldest days of
    /// the backfill (the proxy refuses ranges older than it keeps), which the demo does not miss.
    pub async fn start_at(at: Option<Timestamp>) -> Result<Self, DemoError> {
        let offset = at.map_or(SignedDuration::ZERO, |at| {
            at.duration_since(Timestamp::now())
        });
        let store = tempfile::tempdir().map_err(|err| DemoError::Energy(err.to_string()))?;
        let listener = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
            .await
            .map_err(|err| DemoError::Energy(err.to_string()))?;
        let address = listener
            .local_addr()
            .map_err(|err| DemoError::Energy(err.to_string()))?;
        let proxy_url = format!("http://{address}");
        let sim = EnedisSim::builder()
            .client(
                UPSTREAM_CLIENT_ID,
                UPSTREAM_SECRET,
                &format!("{proxy_url}/auth/redirect"),
            )
            .quota(5, 100_000)
            .start()
            .await
            .map_err(|err| DemoError::Energy(err.to_string()))?;
        let mut tempo = TempoSim::builder();
        if let Some(at) = at {
            tempo = tempo.now(at);
        }
        let tempo = tempo
            .start()
            .await
            .map_err(|err| DemoError::Energy(err.to_string()))?;
        let regulator = RegulatorSim::start()
            .await
            .map_err(|err| DemoError::Energy(err.to_string()))?;
        let mut config = proxy_config(&proxy_url, &sim, &store)?;
        config.client_secret = Some(Secret::new(UPSTREAM_SECRET));
        let state = hearth_proxy::build_state(config)
            .await
            .map_err(|err| DemoError::Energy(err.to_string()))?;
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let shutdown = async {
                // A dropped sender stops the proxy as a sent one does.
                let _ = stopped.await;
            };
            if let Err(err) = hearth_proxy::serve(state, listener, shutdown).await {
                tracing::warn!(error = %err, "the demo energy proxy stopped");
            }
        });
        Ok(Self {
            proxy_url,
            sim,
            tempo,
            regulator,
            offset,
            stop: Some(stop),
            store,
        })
    }

    /// `http://127.0.0.1:<port>`: the proxy the energy settings point at in demo mode.
    pub fn proxy_url(&self) -> &str {
        &self.proxy_url
    }

    /// The device client id those settings name.
    pub fn client_id(&self) -> &'static str {
        ENERGY_CLIENT_ID
    }

    /// Where the demo's energy history goes: its temporary folder, removed with it, so that the
    /// demo's meters never mix with the user's history.
    pub fn history_file(&self) -> std::path::PathBuf {
        self.store.path().join("energy.sqlite3")
    }

    /// The simulated Enedis (its `/__sim/…` switches and call counters, for tests).
    pub fn enedis(&self) -> &EnedisSimHandle {
        &self.sim
    }

    /// Where the demo's model fetches prices and Tempo colours: the simulators beside the proxy.
    pub fn price_feeds(&self) -> Result<PriceFeeds, DemoError> {
        let url =
            |text: String| url::Url::parse(&text).map_err(|err| DemoError::Energy(err.to_string()));
        Ok(PriceFeeds {
            regulator: url(self.regulator.base_url())?,
            tempo: url(format!("{}/", self.tempo.base_url()))?,
        })
    }

    /// The demo's time: the real clock, or the one [`Self::start_at`] set, running on.
    pub fn now(&self) -> Timestamp {
        Timestamp::now()
            .checked_add(self.offset)
            .unwrap_or_else(|_| Timestamp::now())
    }

    /// The demo's model's options: prices and colours fetched from [`Self::price_feeds`], and the
    /// demo's clock.
    pub fn energy_options(&self) -> Result<EnergyOptions, DemoError> {
        let offset = self.offset;
        let clock = move || {
            Timestamp::now()
                .checked_add(offset)
                .unwrap_or_else(|_| Timestamp::now())
        };
        Ok(EnergyOptions {
            price_feeds: Some(self.price_feeds()?),
            clock: Arc::new(clock),
            ..EnergyOptions::default()
        })
    }

    /// The simulated Tempo feed (its clock and call counter, for tests).
    pub fn tempo(&self) -> &TempoSimHandle {
        &self.tempo
    }
}

/// The offers of the simulated household's meters, for the demo's model to set (it keeps them
/// in memory): Tempo for the electrically heated house, the offer such a household picks, so
/// that *Try the demo* shows Tempo costs, the comparison and tomorrow's colour. The other meters
/// keep the model's default (HP/HC where the contract has off-peak windows, else Base), so that
/// the demo shows those too.
pub fn household_offers() -> Vec<(&'static str, OfferChoice)> {
    data::SANDBOX
        .iter()
        .filter(|meter| meter.customer && meter.electric_heating)
        .map(|meter| {
            (
                meter.id,
                OfferChoice::Regulated {
                    option: TariffOption::Tempo,
                },
            )
        })
        .collect()
}

impl Drop for EnergyDemo {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// The proxy's configuration: Enedis mode in front of `sim`, its store in `store`, the demo's
/// one device client. Parsed from flags as the `hearth-proxy` program is, so that every default
/// is the program's.
fn proxy_config(
    proxy_url: &str,
    sim: &EnedisSimHandle,
    store: &tempfile::TempDir,
) -> Result<Config, DemoError> {
    let store_path = store.path().join("proxy.sqlite3");
    let interval = Duration::from_secs(1);
    let args = [
        "hearth-proxy".to_owned(),
        "--public-url".to_owned(),
        proxy_url.to_owned(),
        "--store".to_owned(),
        store_path.display().to_string(),
        "--mode".to_owned(),
        "enedis".to_owned(),
        "--client".to_owned(),
        format!("{ENERGY_CLIENT_ID}={ENERGY_CLIENT_NAME}"),
        "--upstream-client-id".to_owned(),
        UPSTREAM_CLIENT_ID.to_owned(),
        "--enedis-authorize-url".to_owned(),
        sim.authorize_url(),
        "--enedis-api-url".to_owned(),
        sim.base_url(),
        "--interval-ms".to_owned(),
        interval.as_millis().to_string(),
        "--quota-per-hour".to_owned(),
        "100000".to_owned(),
    ];
    Config::try_parse_from(args).map_err(|err| DemoError::Energy(err.to_string()))
}

#[cfg(test)]
mod tests {
    use hearth_core::energy::{Energy, OfferChoice};
    use hearth_core::settings::EnergyProxy;
    use hearth_tariff::TariffOption;

    use super::{EnergyDemo, household_offers};

    /// The demo's model, pointed at the demo's feeds, fetches the regulator's files and the
    /// Tempo colours from the simulators on 127.0.0.1; with the feed's clock stopped before
    /// 10:40, tomorrow's colour is not published, after it, it is the simulated calendar's.
    #[tokio::test]
    async fn the_demo_model_fetches_prices_and_colours_from_the_demo_s_simulators() {
        let demo = EnergyDemo::start().await.unwrap();
        let feeds = demo.price_feeds().unwrap();
        for url in [&feeds.regulator, &feeds.tempo] {
            assert_eq!(url.host_str(), Some("127.0.0.1"), "{url}");
        }
        let at = |hour| {
            jiff::Timestamp::now()
                .to_zoned(jiff::tz::TimeZone::get("Europe/Paris").unwrap())
                .with()
                .hour(hour)
                .minute(0)
                .build()
                .unwrap()
                .timestamp()
        };
        demo.tempo().set_now(Some(at(8)));
        let proxy = EnergyProxy::new(demo.proxy_url(), demo.client_id()).unwrap();
        let options = demo.energy_options().unwrap();
        assert_eq!(options.price_feeds, Some(feeds));
        let energy = Energy::demo(proxy, &demo.history_file(), options).unwrap();
        energy.set_show_tempo(true).await.unwrap();
        let now = jiff::Timestamp::now();
        assert!(energy.update_prices(now, true).await);
        assert!(demo.tempo().calls() > 0);
        assert!(demo.regulator.calls() > 0);
        energy.refresh().await;
        let tempo = energy.view().tempo.unwrap();
        assert_eq!(tempo.tomorrow.color, None, "not published at 08:00");
        let today: jiff::civil::Date = tempo.today.day.parse().unwrap();
        assert!(tempo.today.color.is_some());

        demo.tempo().set_now(Some(at(12)));
        assert!(energy.update_prices(now, true).await);
        energy.refresh().await;
        let tempo = energy.view().tempo.unwrap();
        let tomorrow = today.tomorrow().unwrap();
        assert_eq!(tempo.tomorrow.day, tomorrow.to_string());
        let expected = hearth_sim::tempo::color(tomorrow)
            .unwrap()
            .rte()
            .to_lowercase();
        assert_eq!(
            serde_json::to_value(tempo.tomorrow.color).unwrap(),
            serde_json::json!(expected)
        );
    }

    /// Started at a given time (the evening before a red day of the simulated calendar), the
    /// demo's model goes by that clock: its Tempo view names that day's tomorrow, red, as the
    /// feed (stopped at that time) published it.
    #[tokio::test]
    async fn a_demo_started_at_a_time_goes_by_that_clock() {
        let zone = jiff::tz::TimeZone::get("Europe/Paris").unwrap();
        let red = jiff::civil::date(2026, 1, 1)
            .series(jiff::Span::new().days(1))
            .find(|day| hearth_sim::tempo::color(*day) == Some(hearth_sim::tempo::Color::Red))
            .unwrap();
        let evening = red
            .yesterday()
            .unwrap()
            .at(19, 0, 0, 0)
            .to_zoned(zone)
            .unwrap()
            .timestamp();
        let demo = EnergyDemo::start_at(Some(evening)).await.unwrap();
        let drift = demo.now().duration_since(evening);
        assert!(drift.as_secs() >= 0 && drift.as_secs() < 60, "{drift:?}");
        let proxy = EnergyProxy::new(demo.proxy_url(), demo.client_id()).unwrap();
        let energy =
            Energy::demo(proxy, &demo.history_file(), demo.energy_options().unwrap()).unwrap();
        energy.set_show_tempo(true).await.unwrap();
        assert!(energy.update_prices(energy.now(), true).await);
        energy.refresh().await;
        let tempo = energy.view().tempo.unwrap();
        assert_eq!(tempo.tomorrow.day, red.to_string());
        assert_eq!(
            serde_json::to_value(tempo.tomorrow.color).unwrap(),
            serde_json::json!("red")
        );
    }

    /// The household's heated house is on Tempo; no other meter has an offer set.
    #[test]
    fn the_demo_household_is_on_tempo() {
        assert_eq!(
            household_offers(),
            [(
                "22516914714270",
                OfferChoice::Regulated {
                    option: TariffOption::Tempo
                }
            )]
        );
    }

    /// The demo's proxy answers a device-code request for the demo client, and its
    /// verification page is on 127.0.0.1.
    #[tokio::test]
    async fn the_demo_proxy_starts_a_device_flow() {
        let demo = EnergyDemo::start().await.unwrap();
        assert!(demo.proxy_url().starts_with("http://127.0.0.1:"));
        let answer: serde_json::Value = reqwest::Client::new()
            .post(format!("{}/device/code", demo.proxy_url()))
            .form(&[("client_id", demo.client_id())])
            .send()
            .await
            .unwrap()
            .error_for_status()
            .unwrap()
            .json()
            .await
            .unwrap();
        let page = answer["verification_uri_complete"].as_str().unwrap();
        assert!(page.starts_with(demo.proxy_url()), "{page}");
        assert_eq!(answer["interval"], 1);
        let store = demo.store.path().to_owned();
        drop(demo);
        assert!(
            !store.exists(),
            "the proxy's store is removed with the demo"
        );
    }
}
