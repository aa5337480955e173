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
use std::time::Duration;

use clap::Parser;
use hearth_core::energy::OfferChoice;
use hearth_energy::prices::PriceFeeds;
use hearth_proxy::Config;
use hearth_secret::Secret;
use hearth_sim::enedis::{EnedisSim, EnedisSimHandle, data};
use hearth_sim::regulator::{RegulatorSim, RegulatorSimHandle};
use hearth_sim::tempo::{TempoSim, TempoSimHandle};
use hearth_tariff::TariffOption;
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
        let tempo = TempoSim::builder()
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

    /// Stops the simulated Tempo feed's clock at `time`, French time, today: from 10:40 it has
    /// published tomorrow's colour, before it has not (end-to-end tests make the tray's line
    /// deterministic with it). `None`: the real clock again.
    pub fn freeze_tempo_clock(&self, time: Option<jiff::civil::Time>) {
        let now = time.and_then(|time| {
            let zone = jiff::tz::TimeZone::get("Europe/Paris").ok()?;
            let today = jiff::Timestamp::now().to_zoned(zone.clone()).date();
            today.to_datetime(time).to_zoned(zone).ok()
        });
        self.tempo.set_now(now.map(|zoned| zoned.timestamp()));
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
    use hearth_core::energy::{Energy, EnergyOptions, OfferChoice};
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
        demo.freeze_tempo_clock(Some(jiff::civil::Time::constant(8, 0, 0, 0)));
        let proxy = EnergyProxy::new(demo.proxy_url(), demo.client_id()).unwrap();
        let options = EnergyOptions {
            price_feeds: Some(feeds),
            ..EnergyOptions::default()
        };
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

        demo.freeze_tempo_clock(Some(jiff::civil::Time::constant(12, 0, 0, 0)));
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
