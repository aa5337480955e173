//! One test suite, run on both stores: the embedded SQLite file and a real Redis.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failed step panics the test with its reason.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::Backing;
use hearth_proxy::store::{self, PollGate, Rate, Store, now_ms};

async fn open(backing: &Backing) -> Arc<dyn Store> {
    store::open(&backing.address()).await.unwrap()
}

async fn values_expire(store: &dyn Store) {
    store
        .put("a", "1", Some(Duration::from_millis(150)))
        .await
        .unwrap();
    store.put("forever", "x", None).await.unwrap();
    assert_eq!(store.get("a").await.unwrap().as_deref(), Some("1"));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(store.get("a").await.unwrap(), None);
    assert_eq!(
        store.take("a").await.unwrap(),
        None,
        "an expired value cannot be taken"
    );
    assert_eq!(store.get("forever").await.unwrap().as_deref(), Some("x"));
    store.purge_expired().await.unwrap();
    assert_eq!(store.get("forever").await.unwrap().as_deref(), Some("x"));
}

async fn put_new_only_once(store: &dyn Store) {
    assert!(
        store
            .put_new("n", "first", Some(Duration::from_secs(10)))
            .await
            .unwrap()
    );
    assert!(
        !store
            .put_new("n", "second", Some(Duration::from_secs(10)))
            .await
            .unwrap()
    );
    assert_eq!(store.get("n").await.unwrap().as_deref(), Some("first"));
    store
        .put("old", "v", Some(Duration::from_millis(50)))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(120)).await;
    assert!(
        store.put_new("old", "new", None).await.unwrap(),
        "an expired key is free again"
    );
}

async fn take_is_single_use_under_concurrency(store: Arc<dyn Store>) {
    for round in 0..5 {
        let key = format!("device:{round}");
        store
            .put(&key, "tokens", Some(Duration::from_secs(10)))
            .await
            .unwrap();
        let takers: Vec<_> = (0..16)
            .map(|_| {
                let store = Arc::clone(&store);
                let key = key.clone();
                tokio::spawn(async move { store.take(&key).await.unwrap() })
            })
            .collect();
        let mut winners = 0;
        for taker in takers {
            if taker.await.unwrap().is_some() {
                winners += 1;
            }
        }
        assert_eq!(
            winners, 1,
            "exactly one of 16 concurrent takes gets the value"
        );
    }
}

async fn replace_if_is_compare_and_swap(store: &dyn Store) {
    store
        .put("flow", "pending", Some(Duration::from_secs(10)))
        .await
        .unwrap();
    assert!(
        store
            .replace_if("flow", "pending", "approved", Some(Duration::from_secs(10)))
            .await
            .unwrap()
    );
    assert!(
        !store
            .replace_if("flow", "pending", "denied", Some(Duration::from_secs(10)))
            .await
            .unwrap()
    );
    assert_eq!(
        store.get("flow").await.unwrap().as_deref(),
        Some("approved")
    );
    assert!(!store.replace_if("missing", "x", "y", None).await.unwrap());
    store.delete("flow").await.unwrap();
    assert_eq!(store.get("flow").await.unwrap(), None);
}

async fn counters_count_and_reset_after_their_window(store: Arc<dyn Store>) {
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let store = Arc::clone(&store);
            tokio::spawn(async move {
                store
                    .incr("hits", Duration::from_millis(400))
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut seen = Vec::new();
    for task in tasks {
        seen.push(task.await.unwrap());
    }
    seen.sort_unstable();
    assert_eq!(
        seen,
        (1..=20).collect::<Vec<u64>>(),
        "every increment counted once (no lost update)"
    );
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(
        store
            .incr("hits", Duration::from_millis(400))
            .await
            .unwrap(),
        1,
        "a new window"
    );
}

async fn poll_gate_enforces_spacing(store: &dyn Store) {
    let ttl = Duration::from_secs(60);
    let t0 = now_ms();
    assert_eq!(
        store.poll_gate("p", t0, 5_000, 5_000, ttl).await.unwrap(),
        PollGate::Ok(5_000)
    );
    assert_eq!(
        store
            .poll_gate("p", t0 + 1_000, 5_000, 5_000, ttl)
            .await
            .unwrap(),
        PollGate::SlowDown(10_000)
    );
    assert_eq!(
        store
            .poll_gate("p", t0 + 7_000, 5_000, 5_000, ttl)
            .await
            .unwrap(),
        PollGate::SlowDown(15_000),
        "6 s < 10 s"
    );
    assert_eq!(
        store
            .poll_gate("p", t0 + 22_000, 5_000, 5_000, ttl)
            .await
            .unwrap(),
        PollGate::Ok(15_000)
    );
    assert_eq!(
        store.poll_gate("q", t0, 5_000, 5_000, ttl).await.unwrap(),
        PollGate::Ok(5_000),
        "codes are independent"
    );
}

async fn pace_takes_slots_of_every_rate(store: &dyn Store) {
    let rates = vec![
        Rate {
            key: "pace:s".into(),
            period_ms: 200,
            burst: 1,
        },
        Rate {
            key: "pace:h".into(),
            period_ms: 100,
            burst: 3,
        },
    ];
    let t0 = now_ms();
    assert_eq!(store.pace(t0, &rates, "pace:pause").await.unwrap(), 0);
    let wait = store.pace(t0 + 50, &rates, "pace:pause").await.unwrap();
    assert_eq!(wait, 150, "the per-second rate holds the next call 150 ms");
    assert_eq!(store.pace(t0 + 200, &rates, "pace:pause").await.unwrap(), 0);
    store.pause("pace:pause", t0 + 1_000).await.unwrap();
    store.pause("pace:pause", t0 + 500).await.unwrap();
    assert_eq!(
        store.pace(t0 + 400, &rates, "pace:pause").await.unwrap(),
        600,
        "a shorter pause does not shorten a longer one"
    );
    assert_eq!(
        store.pace(t0 + 1_000, &rates, "pace:pause").await.unwrap(),
        0
    );
}

async fn suite(backing: &Backing) {
    let store = open(backing).await;
    values_expire(&*store).await;
    put_new_only_once(&*store).await;
    take_is_single_use_under_concurrency(Arc::clone(&store)).await;
    replace_if_is_compare_and_swap(&*store).await;
    counters_count_and_reset_after_their_window(Arc::clone(&store)).await;
    poll_gate_enforces_spacing(&*store).await;
    pace_takes_slots_of_every_rate(&*store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_store() {
    suite(&Backing::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn redis_store() {
    suite(&Backing::redis()).await;
}

#[tokio::test]
async fn the_sqlite_store_survives_a_reopen() {
    let backing = Backing::sqlite();
    {
        let store = open(&backing).await;
        store
            .put("kept", "yes", Some(Duration::from_secs(60)))
            .await
            .unwrap();
    }
    let store = open(&backing).await;
    assert_eq!(store.get("kept").await.unwrap().as_deref(), Some("yes"));
}

#[tokio::test]
async fn bad_store_addresses_are_refused_clearly() {
    let err = store::open("postgres://nope")
        .await
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("unsupported store address"), "{err}");
}
