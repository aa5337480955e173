//! The energy model against a real hearth-proxy in front of hearth-sim's Enedis (the harness of
//! `crates/energy/tests`): link → sync → the view and the series hold the simulator's numbers;
//! a refused link says so and can be retried; a second model on the same folders (as
//! `hearth-cli` is) sees the meter, and its unlink shows here; a withdrawn consent makes the
//! meter "needs relink".
//!
//! The simulator's "today" is pinned to the day the proxy counts as today and the model's clock
//! to 09:00 French time that day; the meter was activated 12 days before, which keeps a sync to
//! a few calls.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failed step panics the test with its reason.

#[path = "../../energy/tests/common/mod.rs"]
mod enedis;

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use enedis::{Browser, CLIENT_ID, Decision, FLAT, HOUSE, Setup, setup, sim_day};
use hearth_core::energy::{Energy, EnergyOptions, EnergyView, LinkView, MeterState};
use hearth_core::problem::Problem;
use hearth_core::settings::{EnergyProxy, Settings};
use hearth_energy::SourceOptions;
use hearth_metering::paris;
use hearth_secret::{MemoryStore, SecretStore};
use hearth_sim::enedis::data;
use jiff::civil::Date;
use jiff::{Span, Timestamp};

fn today() -> Date {
    Timestamp::now()
        .checked_add(Span::new().hours(1))
        .unwrap()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
}

fn add(day: Date, n: i64) -> Date {
    day.checked_add(Span::new().days(n)).unwrap()
}

fn at(day: Date, hh: i8) -> Timestamp {
    paris::zone()
        .to_ambiguous_timestamp(day.at(hh, 0, 0, 0))
        .compatible()
        .unwrap()
}

async fn start(today: Date, activation: Date) -> Setup {
    setup(
        move |sim| {
            sim.quota(5, 100_000)
                .today(sim_day(today))
                .activated_on(HOUSE, sim_day(activation))
                .activated_on(FLAT, sim_day(activation))
        },
        &["--quota-per-hour", "100000"],
    )
    .await
}

/// A clock the test moves.
fn clock(start: Timestamp) -> (Arc<Mutex<Timestamp>>, EnergyOptions) {
    let now = Arc::new(Mutex::new(start));
    let read = Arc::clone(&now);
    let options = EnergyOptions {
        source: SourceOptions {
            spacing: Duration::from_millis(10),
            ..SourceOptions::default()
        },
        schedule: false,
        tick: Duration::from_millis(200),
        clock: Arc::new(move || *read.lock().unwrap()),
        ..EnergyOptions::default()
    };
    (now, options)
}

/// The model on `config`/`data` with `store`, the proxy of `setup` in its settings.
fn open(
    setup: &Setup,
    config: &Path,
    data: &Path,
    store: &Arc<dyn SecretStore>,
    options: EnergyOptions,
) -> Energy {
    Settings::set_energy_proxy(
        config,
        Some(EnergyProxy::new(&setup.proxy_url, CLIENT_ID).unwrap()),
    )
    .unwrap();
    Energy::open(config, data, Arc::clone(store), options).unwrap()
}

/// Waits (10 s at most) for a view that `done` accepts.
async fn until(energy: &Energy, what: &str, done: impl Fn(&EnergyView) -> bool) -> EnergyView {
    let mut rx = energy.subscribe();
    let found = tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            {
                let view = rx.borrow_and_update();
                if done(&view) {
                    return view.clone();
                }
            }
            rx.changed().await.unwrap();
        }
    })
    .await;
    found.unwrap_or_else(|_| panic!("{what}: never came; last view {:?}", energy.view()))
}

/// Starts a link, answers the consent as `decision` says in the recorded browser, and returns
/// the view once the link has ended.
async fn link(energy: &Energy, setup: &Setup, decision: Decision<'_>) -> EnergyView {
    let view = energy.start_link().await.unwrap();
    let Some(LinkView::Waiting {
        user_code,
        verification_uri_complete,
        qr,
        expires_in_secs,
        ..
    }) = view.link
    else {
        panic!("not waiting: {view:?}")
    };
    assert_eq!(user_code.len(), 9, "{user_code}");
    assert!(qr.size > 20 && !qr.path.is_empty());
    assert!(expires_in_secs > 60);
    assert_eq!(
        energy.link_page().as_deref(),
        Some(verification_uri_complete.as_str())
    );
    Browser::default()
        .consent(setup, &verification_uri_complete, decision)
        .await;
    until(energy, "the link's end", |v| {
        !matches!(v.link, Some(LinkView::Waiting { .. } | LinkView::Starting))
    })
    .await
}

#[tokio::test]
async fn link_sync_series_unlink_and_relink() {
    let today = today();
    let activation = add(today, -12);
    let setup = start(today, activation).await;
    let (config, data_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let store: Arc<dyn SecretStore> = Arc::new(MemoryStore::default());
    let (now, options) = clock(at(today, 9));
    let energy = open(
        &setup,
        config.path(),
        data_dir.path(),
        &store,
        options.clone(),
    );
    assert_eq!(
        energy.history_path(),
        data_dir.path().join("energy.sqlite3")
    );
    energy.refresh().await;
    let view = energy.view();
    assert_eq!(view.proxy.as_ref().unwrap().client_id, CLIENT_ID);
    assert!(view.meters.is_empty() && !view.demo);

    // Refused: the view says so; trying again works.
    let refused = link(&energy, &setup, Decision::Refuse).await;
    assert_eq!(refused.link, Some(LinkView::Refused));
    assert!(refused.meters.is_empty());

    // Accepted: the meter is linked and synced at once (no schedule needed).
    let approved = link(&energy, &setup, Decision::Accept(HOUSE)).await;
    assert_eq!(
        approved.link,
        Some(LinkView::Approved {
            prm: HOUSE.to_owned()
        })
    );
    let yesterday = add(today, -1);
    let synced = until(&energy, "the first sync's end", |v| {
        v.meters.first().is_some_and(|m| {
            m.state == MeterState::Linked && m.data_until.is_some() && m.problem.is_none()
        })
    })
    .await;
    let meter = &synced.meters[0];
    assert_eq!(meter.prm, HOUSE);
    assert_eq!(
        meter.data_until.as_deref(),
        Some(yesterday.to_string().as_str())
    );
    assert!(!meter.load_curve_off && !meter.produces);
    assert!(meter.subscribed_kva.is_some());
    // The consent's end as the proxy told it (the simulator's consent lasts 1095 days): far off.
    assert_eq!(
        meter.consent_end.as_deref(),
        Some(add(today, 1_095).to_string().as_str())
    );
    assert!(!meter.consent_ending_soon);
    // Synced at 09:00: the next run is tomorrow after 08:00.
    let next = meter.next_sync.as_deref().unwrap();
    assert!(next.starts_with(&add(today, 1).to_string()), "{next}");

    // The series are the simulator's numbers, gaps where nothing is kept.
    let sandbox = data::sandbox(HOUSE).unwrap();
    let day = add(today, -3);
    let daily = energy.daily(HOUSE, day, add(day, 1)).unwrap();
    let expected = u32::try_from(data::daily_wh(sandbox, sim_day(day), false)).unwrap();
    assert_eq!(daily.days[0].wh, Some(expected));
    assert_eq!(
        daily.days[0].previous_wh, None,
        "before the activation: a gap"
    );
    let before = energy
        .daily(HOUSE, add(activation, -2), add(activation, 1))
        .unwrap();
    assert_eq!(
        before
            .days
            .iter()
            .map(|d| d.wh.is_some())
            .collect::<Vec<_>>(),
        [false, false, true]
    );
    let peaks = energy.max_power(HOUSE, day, add(day, 1)).unwrap();
    assert_eq!(
        peaks.days[0].va,
        Some(data::max_power(sandbox, sim_day(day)).0)
    );
    assert_eq!(
        peaks.subscribed_va,
        meter.subscribed_kva.map(|kva| kva * 1000)
    );
    let curve = energy.load_curve(HOUSE, day, add(day, 1)).unwrap();
    let half_hours = data::paris::half_hours(sim_day(day));
    assert_eq!(curve.points.len(), half_hours.len());
    assert_eq!(
        curve.points[0].w,
        Some(data::load_w(sandbox, sim_day(day), half_hours[0].slot))
    );
    assert_eq!(
        curve.days[0].wh, expected,
        "the curve's energy is the day's"
    );
    // What the tray shows: the last day's consumption.
    assert_eq!(
        meter.last_day_wh,
        Some(u32::try_from(data::daily_wh(sandbox, sim_day(yesterday), false)).unwrap())
    );
    let totals = energy.totals(HOUSE).unwrap();
    assert_eq!(totals.through, yesterday.to_string());
    let month: u32 = (0..31)
        .map(|n| add(yesterday.first_of_month(), n))
        .take_while(|d| *d <= yesterday)
        .filter(|d| *d >= activation)
        .map(|d| u32::try_from(data::daily_wh(sandbox, sim_day(d), false)).unwrap())
        .sum();
    assert_eq!(totals.this_month_wh, month);

    // hearth-cli beside it: same folders, same store. It lists the meter, has the data, and
    // its unlink (history kept) shows in the app at its next look at the files.
    let cli = Energy::open(config.path(), data_dir.path(), Arc::clone(&store), options).unwrap();
    assert_eq!(cli.linked_meters().await.unwrap(), [HOUSE]);
    assert_eq!(
        cli.daily(HOUSE, day, add(day, 1)).unwrap().days[0].wh,
        Some(expected)
    );
    assert_eq!(cli.unlink(HOUSE, true).await.unwrap(), 0);
    assert!(energy.reload_if_changed().await.unwrap());
    assert!(energy.view().meters.is_empty());
    assert_eq!(
        energy.daily(HOUSE, day, add(day, 1)).unwrap().days[0].wh,
        Some(expected),
        "the history is kept"
    );

    // Linked again; then Enedis says the consent is gone: the meter needs a new link.
    link(&energy, &setup, Decision::Accept(HOUSE)).await;
    until(&energy, "the relinked meter", |v| {
        v.meters
            .first()
            .is_some_and(|m| m.state == MeterState::Linked && m.problem.is_none())
    })
    .await;
    // Later that day, a day Enedis has not published yet is due again: its call is refused.
    setup.sim.withhold(sim_day(today));
    *now.lock().unwrap() = at(add(today, 1), 10);
    setup.sim.fail_next_with(10, 403, "ADAM-DC-0008");
    assert_eq!(
        energy.sync_meter(HOUSE).await.unwrap_err(),
        Problem::EnergyNoConsent
    );
    let view = energy.view();
    assert_eq!(view.meters[0].state, MeterState::NeedsRelink);
    assert_eq!(view.meters[0].problem, Some(Problem::EnergyNoConsent));
    assert_eq!(view.meters[0].next_sync, None);

    // Unlinked, history deleted: nothing of it is left.
    assert!(energy.unlink(HOUSE, false).await.unwrap() > 0);
    assert!(energy.view().meters.is_empty());
    assert_eq!(
        energy.daily(HOUSE, day, add(day, 1)).unwrap().days[0].wh,
        None
    );
}

#[tokio::test]
async fn a_meter_whose_load_curve_is_not_collected_says_so_and_another_does_not() {
    let today = today();
    let activation = add(today, -12);
    let setup = setup(
        move |sim| {
            sim.quota(5, 100_000)
                .today(sim_day(today))
                .activated_on(HOUSE, sim_day(activation))
                .activated_on(FLAT, sim_day(activation))
                .load_curve_off(HOUSE)
        },
        &["--quota-per-hour", "100000"],
    )
    .await;
    let (config, data_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let store: Arc<dyn SecretStore> = Arc::new(MemoryStore::default());
    let (_now, options) = clock(at(today, 9));
    let energy = open(&setup, config.path(), data_dir.path(), &store, options);
    let synced = |prm: &'static str| {
        move |v: &EnergyView| {
            v.meters.iter().any(|m| {
                m.prm == prm
                    && m.state == MeterState::Linked
                    && m.data_until.is_some()
                    && m.next_sync.is_some()
            })
        }
    };
    link(&energy, &setup, Decision::Accept(HOUSE)).await;
    until(&energy, "the first meter's sync", synced(HOUSE)).await;
    link(&energy, &setup, Decision::Accept(FLAT)).await;
    let view = until(&energy, "the second meter's sync", |v| {
        synced(HOUSE)(v) && synced(FLAT)(v)
    })
    .await;
    let meter = |prm: &str| view.meters.iter().find(|m| m.prm == prm).unwrap();
    assert!(
        meter(HOUSE).load_curve_off,
        "daily data and no curve at all: {:?}",
        meter(HOUSE)
    );
    assert!(meter(HOUSE).problem.is_none(), "{:?}", meter(HOUSE));
    assert!(!meter(FLAT).load_curve_off, "{:?}", meter(FLAT));
    let day = add(today, -3);
    assert!(
        energy
            .load_curve(HOUSE, day, add(day, 1))
            .unwrap()
            .points
            .iter()
            .all(|p| p.w.is_none()),
        "no curve is invented"
    );
}

#[tokio::test]
async fn without_a_proxy_the_view_says_so_and_nothing_links() {
    let (config, data_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let energy = Energy::open(
        config.path(),
        data_dir.path(),
        Arc::new(MemoryStore::default()),
        EnergyOptions::default(),
    )
    .unwrap();
    energy.refresh().await;
    assert_eq!(energy.view().proxy, None);
    assert_eq!(
        energy.start_link().await.unwrap_err(),
        Problem::EnergyNoProxy
    );
    // The Settings screen (or hearth-cli) sets one: the model follows the file.
    Settings::set_energy_proxy(
        config.path(),
        Some(EnergyProxy::new("http://127.0.0.1:9", "hearth").unwrap()),
    )
    .unwrap();
    assert!(energy.reload_if_changed().await.unwrap());
    assert_eq!(energy.view().proxy.unwrap().url, "http://127.0.0.1:9/");
    // Nobody listens there: the link fails, and says why.
    let view = energy.start_link().await.unwrap();
    assert!(
        matches!(
            view.link,
            Some(LinkView::Failed {
                problem: Problem::EnergyProxyUnreachable { .. }
            })
        ),
        "{view:?}"
    );
}

/// The demo's model: the proxy given, in memory; nothing written to the settings.
#[tokio::test]
async fn the_demo_model_writes_no_settings() {
    let today = today();
    let setup = start(today, add(today, -5)).await;
    let dir = tempfile::tempdir().unwrap();
    let (_, options) = clock(at(today, 9));
    let energy = Energy::demo(
        EnergyProxy::new(&setup.proxy_url, CLIENT_ID).unwrap(),
        &dir.path().join("energy.sqlite3"),
        options,
    )
    .unwrap();
    energy.refresh().await;
    assert!(energy.view().demo);
    let approved = link(&energy, &setup, Decision::Accept(FLAT)).await;
    assert_eq!(
        approved.link,
        Some(LinkView::Approved {
            prm: FLAT.to_owned()
        })
    );
    let view = until(&energy, "the demo meter synced", |v| {
        v.meters
            .first()
            .is_some_and(|m| m.state == MeterState::Linked && m.data_until.is_some())
    })
    .await;
    // The flat has solar panels: it produces.
    assert!(view.meters[0].produces);
    let day = add(today, -2);
    let production = energy.production(FLAT, day, add(day, 1)).unwrap();
    assert_eq!(
        production.days[0].wh,
        Some(
            u32::try_from(data::daily_wh(
                data::sandbox(FLAT).unwrap(),
                sim_day(day),
                true
            ))
            .unwrap()
        )
    );
    // A household links each of its meters: the house too, beside the flat.
    link(&energy, &setup, Decision::Accept(HOUSE)).await;
    let both = until(&energy, "both meters synced", |v| {
        v.meters.len() == 2
            && v.meters
                .iter()
                .all(|m| m.state == MeterState::Linked && m.data_until.is_some())
    })
    .await;
    let prms: Vec<&str> = both.meters.iter().map(|m| m.prm.as_str()).collect();
    assert_eq!(prms, [HOUSE, FLAT]);
    let house = energy.daily(HOUSE, day, add(day, 1)).unwrap();
    assert_eq!(
        house.days[0].wh,
        Some(
            u32::try_from(data::daily_wh(
                data::sandbox(HOUSE).unwrap(),
                sim_day(day),
                false
            ))
            .unwrap()
        )
    );
    let entries: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(
        entries
            .iter()
            .all(|name| name.to_string_lossy().starts_with("energy.sqlite3")),
        "{entries:?}"
    );
}

/// The cost of `wmin` watt-minutes at `price` (1e-5 €/kWh) in cents, rounded half away from zero once.
fn cents(wmin: i64, price: i64) -> i32 {
    // Wmin × 1e-5 €/kWh = wmin / 60 000 kWh × price / 1e5 € = wmin × price / 6e7 cents.
    i32::try_from((wmin * price + 30_000_000) / 60_000_000).unwrap()
}

fn price(text: &str) -> i64 {
    let (units, decimals) = text.split_once('.').unwrap();
    units.parse::<i64>().unwrap() * 100_000 + decimals.parse::<i64>().unwrap()
}

#[tokio::test]
async fn costs_offers_tempo_colours_and_the_comparison() {
    use hearth_core::energy::{CostStatus, OfferChoice, PeriodPrice, TimeRange, WindowsOrigin};
    use hearth_tariff::{Color, Period, TariffOption};

    let today = today();
    let activation = add(today, -40);
    let setup = start(today, activation).await;
    let tempo_sim = hearth_sim::tempo::TempoSim::builder()
        .now(at(today, 11))
        .start()
        .await
        .unwrap();
    let regulator = hearth_sim::regulator::RegulatorSim::start().await.unwrap();
    let (config, data_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let store: Arc<dyn SecretStore> = Arc::new(MemoryStore::default());
    let (_now, mut options) = clock(at(today, 11));
    options.price_feeds = Some(hearth_energy::prices::PriceFeeds {
        regulator: regulator.base_url().parse().unwrap(),
        tempo: format!("{}/", tempo_sim.base_url()).parse().unwrap(),
    });
    let energy = open(
        &setup,
        config.path(),
        data_dir.path(),
        &store,
        options.clone(),
    );
    link(&energy, &setup, Decision::Accept(HOUSE)).await;
    until(&energy, "the first sync's end", |v| {
        v.meters
            .first()
            .is_some_and(|m| m.state == MeterState::Linked && m.data_until.is_some())
    })
    .await;

    // Prices and colours fetched from the simulators; nothing more is due right after.
    assert!(energy.update_prices(at(today, 11), true).await);
    assert!(tempo_sim.calls() > 0);
    assert!(!energy.update_prices(at(today, 11), false).await);

    // Until the user chooses, a meter with off-peak windows is priced as HP/HC, with its
    // contract's windows (the simulated house: 22:30–06:30, 9 kVA).
    let offer = energy.offer(HOUSE).unwrap();
    assert!(!offer.chosen);
    assert_eq!(
        offer.choice,
        OfferChoice::Regulated {
            option: TariffOption::HpHc
        }
    );
    assert_eq!(offer.subscribed_kva, Some(9));
    assert_eq!(offer.windows_origin, WindowsOrigin::Meter);
    assert_eq!(
        offer.windows[0].windows,
        [TimeRange {
            start: "22:30".into(),
            end: "06:30".into()
        }]
    );
    let price_of = |period| {
        price(
            &offer
                .prices
                .iter()
                .find(|p| p.period == period)
                .unwrap()
                .euros_per_kwh,
        )
    };
    let (hp, hc) = (price_of(Period::Hp), price_of(Period::Hc));
    assert!(hc < hp && hc > 0, "{offer:?}");

    // A day's HP/HC split and cost from the simulator's half hours, by hand.
    let sandbox = data::sandbox(HOUSE).unwrap();
    let day = add(today, -3);
    // Watt-minutes (W × 30 per half hour), rounded to Wh once for the day.
    let (mut hp_wmin, mut hc_wmin) = (0_i64, 0_i64);
    for half_hour in data::paris::half_hours(sim_day(day)) {
        let (h, m) = (half_hour.local_start.hour(), half_hour.local_start.minute());
        let minutes = u32::from(h) * 60 + u32::from(m);
        let offpeak = !(6 * 60 + 30..22 * 60 + 30).contains(&minutes);
        let wmin = i64::from(data::load_w(sandbox, sim_day(day), half_hour.slot)) * 30;
        if offpeak {
            hc_wmin += wmin;
        } else {
            hp_wmin += wmin;
        }
    }
    let (hp_wh, hc_wh) = ((hp_wmin + 30) / 60, (hc_wmin + 30) / 60);
    let costs = energy.costs(HOUSE, day, add(day, 1)).unwrap();
    assert_eq!(costs.option, TariffOption::HpHc);
    assert_eq!(costs.periods, [Period::Hc, Period::Hp]);
    assert_eq!(costs.windows_origin, WindowsOrigin::Meter);
    let d = &costs.days[0];
    assert_eq!(d.status, CostStatus::Complete);
    let value = |list: &[hearth_core::energy::PeriodValue], period| {
        list.iter().find(|v| v.period == period).unwrap().value
    };
    assert_eq!(i64::from(value(&d.energy_wh, Period::Hp)), hp_wh);
    assert_eq!(i64::from(value(&d.energy_wh, Period::Hc)), hc_wh);
    assert_eq!(value(&d.cost_cents, Period::Hp), cents(hp_wmin, hp));
    assert_eq!(value(&d.cost_cents, Period::Hc), cents(hc_wmin, hc));
    // A year earlier the meter was not active: nothing priced, the subscription still owed.
    assert_eq!(costs.previous[0].status, CostStatus::Incomplete);
    assert_eq!(costs.previous_total.priced_days, 0);
    // Today is not over: incomplete, never priced as if the rest were zero.
    let today_cost = energy.costs(HOUSE, today, add(today, 1)).unwrap();
    assert_eq!(today_cost.days[0].status, CostStatus::Incomplete);
    assert_eq!(today_cost.days[0].total_cents, None);

    // A bad own offer is refused and changes nothing.
    let bad = OfferChoice::Own {
        option: TariffOption::Base,
        prices: vec![PeriodPrice {
            period: Period::Base,
            euros_per_kwh: "zero".into(),
        }],
        monthly_subscription: "12".into(),
    };
    assert!(matches!(
        energy.set_offer(HOUSE, &bad).await,
        Err(Problem::EnergyOffer { .. })
    ));
    assert!(!energy.offer(HOUSE).unwrap().chosen);

    // Tempo: each day takes the grid operator's colour; the view shows today's and tomorrow's
    // (published at 10:40: it is 11:00).
    let tempo = OfferChoice::Regulated {
        option: TariffOption::Tempo,
    };
    energy.set_offer(HOUSE, &tempo).await.unwrap();
    let color = |day: Date| hearth_sim::tempo::color(day).and_then(|c| Color::from_rte(c.rte()));
    let view = energy.view();
    let shown = view.tempo.expect("Tempo colours shown for a Tempo offer");
    assert_eq!(shown.today.color, color(today));
    assert_eq!(shown.tomorrow.day, add(today, 1).to_string());
    assert_eq!(shown.tomorrow.color, color(add(today, 1)));
    assert!(shown.tomorrow.color.is_some());
    assert_eq!(view.meters[0].option, Some(TariffOption::Tempo));
    let month = energy.costs(HOUSE, add(today, -10), today).unwrap();
    assert_eq!(month.periods.len(), 6);
    for d in &month.days {
        let day: Date = d.day.parse().unwrap();
        assert_eq!(d.color, color(day), "{}", d.day);
        assert_eq!(d.status, CostStatus::Complete, "{}", d.day);
    }

    // hearth-cli beside it sees the offer; the user's windows replace the meter's.
    let cli = Energy::open(config.path(), data_dir.path(), Arc::clone(&store), options).unwrap();
    let seen = cli.offer(HOUSE).unwrap();
    assert!(seen.chosen);
    assert_eq!(seen.choice, tempo);
    let edited = cli
        .set_windows(
            HOUSE,
            None,
            &[TimeRange {
                start: "23:00".into(),
                end: "07:00".into(),
            }],
        )
        .unwrap();
    assert_eq!(edited.windows_origin, WindowsOrigin::User);
    assert_eq!(edited.windows.len(), 1);

    // The comparison: every option on the same complete days at today's prices, cheapest
    // first; HP/HC with the user's windows; too few days for a power hint.
    let comparison = energy.compare(HOUSE).unwrap();
    assert_eq!(comparison.options.len(), 3);
    assert!(
        comparison
            .options
            .windows(2)
            .all(|w| w[0].per_year_cents <= w[1].per_year_cents)
    );
    assert_eq!(comparison.options[0].more_than_cheapest_cents, 0);
    assert!(comparison.days_compared >= 30 && comparison.days_compared <= 40);
    assert_eq!(comparison.windows_origin, WindowsOrigin::User);
    assert!(
        comparison
            .options
            .iter()
            .any(|o| o.current && o.option == TariffOption::Tempo)
    );
    assert_eq!(comparison.power_hint, None);
}

/// The Tempo colours name today and tomorrow: once the French day changes, the view (and so the
/// tray, and the red-day warning, which ignores a view naming another "tomorrow") moves on to the
/// new day's by itself, with no file changed (the background makes the view again every tick).
#[tokio::test]
async fn the_tempo_colours_move_on_at_six_when_the_tempo_day_changes() {
    use hearth_core::energy::{TempoDay, TempoView};
    use hearth_tariff::Color;

    let colour = |day: Date| hearth_sim::tempo::color(day).and_then(|c| Color::from_rte(c.rte()));
    let day = Date::new(2026, 1, 14).unwrap();
    let next = add(day, 1);
    let tempo_sim = hearth_sim::tempo::TempoSim::builder()
        .now(at(day, 23))
        .start()
        .await
        .unwrap();
    let regulator = hearth_sim::regulator::RegulatorSim::start().await.unwrap();
    let (now, mut options) = clock(at(day, 23));
    options.price_feeds = Some(hearth_energy::prices::PriceFeeds {
        regulator: regulator.base_url().parse().unwrap(),
        tempo: format!("{}/", tempo_sim.base_url()).parse().unwrap(),
    });
    let folder = tempfile::tempdir().unwrap();
    // Nothing listens on the proxy's port: no meter, only the colours the user asked for.
    let proxy = EnergyProxy::new("http://127.0.0.1:9", CLIENT_ID).unwrap();
    let energy = Energy::demo(proxy, &folder.path().join("energy.sqlite3"), options).unwrap();
    energy.set_show_tempo(true).await.unwrap();
    assert!(energy.update_prices(at(day, 23), true).await);
    energy.refresh().await;
    let entry = |day: Date, color| TempoDay {
        day: day.to_string(),
        color,
    };
    assert_eq!(
        energy.view().tempo,
        Some(TempoView {
            today: entry(day, colour(day)),
            tomorrow: entry(next, colour(next)),
        })
    );

    tokio::spawn(energy.background());
    // At 00:30 the Tempo day of the 14th is still in force (its prices apply until 06:00).
    *now.lock().unwrap() = at(next, 0) + jiff::SignedDuration::from_mins(30);
    energy.refresh().await;
    assert_eq!(energy.view().tempo.unwrap().today, entry(day, colour(day)));
    *now.lock().unwrap() = at(next, 6);
    let view = until(&energy, "the new day's colours", |view| {
        view.tempo
            .as_ref()
            .is_some_and(|tempo| tempo.today.day == next.to_string())
    })
    .await;
    // Today's is known; tomorrow's is not published before 10:40.
    assert_eq!(
        view.tempo,
        Some(TempoView {
            today: entry(next, colour(next)),
            tomorrow: entry(add(next, 1), None),
        })
    );
}
