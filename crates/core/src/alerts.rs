//! When to tell the user something the window would have shown them, had they been looking:
//! remote access needs linking again, or a bridge has been out of reach for a while (and, for an
//! outage they were told of, that it is back). A pure state machine fed with what the app sees
//! (the snapshot, the remote view, whether the window is being looked at) and the time; the shell
//! turns its [`Alert`]s into desktop notifications.
//!
//! Each event is told once. What the window showed while it was being looked at counts as told:
//! no notification repeats it later. An outage shorter than [`BRIDGE_OUTAGE`] is not worth a
//! notification (a bridge restarting, a Wi-Fi hiccup). A bridge that comes back after an outage
//! the user was notified of is announced, so that the notification about it does not sit in
//! the notification centre as if it were still true; one whose outage was never notified comes
//! back silently.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::lights::{ConnectionState, Snapshot};
use crate::remote::{AccountState, RemoteView};

/// How long a bridge must be out of reach before the user is told.
pub const BRIDGE_OUTAGE: Duration = Duration::from_secs(5 * 60);

/// Something to tell the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Alert {
    /// Remote access stopped working: only a new link fixes it.
    RemoteNeedsRelink,
    /// A bridge has been out of reach for [`Alerts::new`]'s delay.
    BridgeUnreachable { bridge_id: String, name: String },
    /// A bridge the user was told was out of reach answers again.
    BridgeBack { bridge_id: String, name: String },
}

/// What the app sees at one moment.
#[derive(Clone, Copy, Debug)]
pub struct Seen<'a> {
    pub snapshot: &'a Snapshot,
    /// `None` until the lights are open.
    pub remote: Option<&'a RemoteView>,
    /// The window is on screen and focused: what it shows is seen.
    pub attended: bool,
}

/// See the module documentation.
#[derive(Debug)]
pub struct Alerts {
    outage_after: Duration,
    /// The bridges out of reach now, by id.
    outages: HashMap<String, Outage>,
    /// Remote access needs a new link, and the user knows (told, or it was on screen).
    relink_known: bool,
}

#[derive(Debug)]
struct Outage {
    since: Instant,
    told: Told,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Told {
    /// Not yet long enough to tell.
    Not,
    /// Notified: its end is announced too.
    Notified,
    /// It lasted long enough while the window showed it.
    Seen,
}

impl Alerts {
    /// Tells of an outage once it has lasted `outage_after` ([`BRIDGE_OUTAGE`] in the app).
    pub fn new(outage_after: Duration) -> Self {
        Self {
            outage_after,
            outages: HashMap::new(),
            relink_known: false,
        }
    }

    /// What to tell the user now, given what is seen at `now` (times must not go backwards).
    pub fn observe(&mut self, now: Instant, seen: Seen<'_>) -> Vec<Alert> {
        let mut alerts = Vec::new();
        let needs_relink =
            seen.remote.map(|view| &view.account) == Some(&AccountState::NeedsRelink);
        if needs_relink && !self.relink_known {
            self.relink_known = true;
            if !seen.attended {
                alerts.push(Alert::RemoteNeedsRelink);
            }
        } else if !needs_relink {
            self.relink_known = false;
        }

        // A bridge no longer in the snapshot was forgotten (or the home changed): nothing to say.
        self.outages
            .retain(|id, _| seen.snapshot.bridge(id).is_some());
        for bridge in &seen.snapshot.bridges {
            let reachable = bridge.connection == ConnectionState::Live;
            if reachable {
                if let Some(outage) = self.outages.remove(&bridge.id)
                    && outage.told == Told::Notified
                    && !seen.attended
                {
                    alerts.push(Alert::BridgeBack {
                        bridge_id: bridge.id.clone(),
                        name: bridge.name.clone(),
                    });
                }
                continue;
            }
            let outage = self.outages.entry(bridge.id.clone()).or_insert(Outage {
                since: now,
                told: Told::Not,
            });
            if outage.told == Told::Not
                && now.saturating_duration_since(outage.since) >= self.outage_after
            {
                if seen.attended {
                    outage.told = Told::Seen;
                } else {
                    outage.told = Told::Notified;
                    alerts.push(Alert::BridgeUnreachable {
                        bridge_id: bridge.id.clone(),
                        name: bridge.name.clone(),
                    });
                }
            }
        }
        alerts
    }

    /// When an outage in progress becomes worth telling: the caller looks again then, even if
    /// nothing else changes.
    pub fn next_due(&self) -> Option<Instant> {
        self.outages
            .values()
            .filter(|outage| outage.told == Told::Not)
            .map(|outage| outage.since + self.outage_after)
            .min()
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::{Alert, Alerts, Seen};
    use crate::lights::{BridgeView, ConnectionState, Snapshot, Via};
    use crate::problem::Problem;
    use crate::remote::{AccountState, ReceiverKind, RemoteView};

    const DELAY: Duration = Duration::from_secs(300);

    fn bridge(id: &str, connection: ConnectionState) -> BridgeView {
        BridgeView {
            id: id.to_owned(),
            name: format!("Bridge {id}"),
            address: "192.0.2.1".to_owned(),
            connection,
            via: Via::Local,
            remote_available: false,
            certificate: None,
        }
    }

    fn down() -> ConnectionState {
        ConnectionState::Reconnecting {
            attempt: 3,
            retry_in_ms: 1000,
            problem: Problem::Closed,
            reason: "closed".to_owned(),
        }
    }

    fn home(bridges: &[(&str, ConnectionState)]) -> Snapshot {
        Snapshot {
            bridges: bridges
                .iter()
                .map(|(id, state)| bridge(id, state.clone()))
                .collect(),
            ..Snapshot::default()
        }
    }

    fn remote(account: AccountState) -> RemoteView {
        RemoteView {
            registered: true,
            client_id: Some("id".to_owned()),
            callback: None,
            cloud: "https://api.meethue.com/".to_owned(),
            account,
            bridge_id: None,
            auto_receiver: ReceiverKind::LoopbackHttp,
            flow: None,
            problem: None,
            problem_message: None,
        }
    }

    fn away(snapshot: &Snapshot) -> Seen<'_> {
        Seen {
            snapshot,
            remote: None,
            attended: false,
        }
    }

    fn unreachable(id: &str) -> Alert {
        Alert::BridgeUnreachable {
            bridge_id: id.to_owned(),
            name: format!("Bridge {id}"),
        }
    }

    fn back(id: &str) -> Alert {
        Alert::BridgeBack {
            bridge_id: id.to_owned(),
            name: format!("Bridge {id}"),
        }
    }

    #[test]
    fn an_outage_is_told_once_after_the_delay_and_its_end_after_that() {
        let start = Instant::now();
        let mut alerts = Alerts::new(DELAY);
        let live = home(&[("a", ConnectionState::Live)]);
        let lost = home(&[("a", down())]);
        assert_eq!(alerts.observe(start, away(&live)), []);
        assert_eq!(alerts.next_due(), None);

        let t = |secs| start + Duration::from_secs(secs);
        assert_eq!(alerts.observe(t(10), away(&lost)), []);
        assert_eq!(alerts.next_due(), Some(t(310)));
        assert_eq!(alerts.observe(t(309), away(&lost)), []);
        assert_eq!(alerts.observe(t(310), away(&lost)), [unreachable("a")]);
        assert_eq!(alerts.next_due(), None);
        // Not repeated, however long it lasts or however often the snapshot changes.
        assert_eq!(alerts.observe(t(311), away(&lost)), []);
        assert_eq!(alerts.observe(t(5000), away(&lost)), []);

        assert_eq!(alerts.observe(t(5001), away(&live)), [back("a")]);
        assert_eq!(alerts.observe(t(5002), away(&live)), []);

        // A new outage is a new event.
        assert_eq!(alerts.observe(t(6000), away(&lost)), []);
        assert_eq!(alerts.observe(t(6300), away(&lost)), [unreachable("a")]);
    }

    #[test]
    fn a_short_outage_says_nothing_at_all() {
        let start = Instant::now();
        let mut alerts = Alerts::new(DELAY);
        let live = home(&[("a", ConnectionState::Live)]);
        let t = |secs| start + Duration::from_secs(secs);
        assert_eq!(alerts.observe(t(0), away(&home(&[("a", down())]))), []);
        assert_eq!(alerts.observe(t(299), away(&live)), []);
        // The clock starts again with the next outage.
        assert_eq!(alerts.observe(t(400), away(&home(&[("a", down())]))), []);
        assert_eq!(alerts.observe(t(650), away(&home(&[("a", down())]))), []);
        let offline = ConnectionState::Offline {
            problem: Problem::Unauthorized,
            reason: "unauthorized".to_owned(),
        };
        // Every state but live counts as out of reach: the user cannot use the bridge.
        assert_eq!(
            alerts.observe(t(700), away(&home(&[("a", offline)]))),
            [unreachable("a")]
        );
    }

    #[test]
    fn what_the_window_showed_is_not_notified_again() {
        let start = Instant::now();
        let mut alerts = Alerts::new(DELAY);
        let t = |secs| start + Duration::from_secs(secs);
        let lost = home(&[("a", down()), ("b", down())]);
        let live = home(&[("a", ConnectionState::Live), ("b", ConnectionState::Live)]);
        assert_eq!(alerts.observe(t(0), away(&lost)), []);
        let attended = Seen {
            snapshot: &lost,
            remote: None,
            attended: true,
        };
        // Both reach the delay while the user looks at the window: it shows them.
        assert_eq!(alerts.observe(t(300), attended), []);
        assert_eq!(alerts.next_due(), None);
        // Hiding the window afterwards brings no late notification, nor one when they return.
        assert_eq!(alerts.observe(t(400), away(&lost)), []);
        assert_eq!(alerts.observe(t(500), away(&live)), []);
    }

    #[test]
    fn bridges_are_followed_each_on_its_own_and_forgotten_ones_dropped() {
        let start = Instant::now();
        let mut alerts = Alerts::new(DELAY);
        let t = |secs| start + Duration::from_secs(secs);
        assert_eq!(alerts.observe(t(0), away(&home(&[("a", down())]))), []);
        assert_eq!(
            alerts.observe(t(100), away(&home(&[("a", down()), ("b", down())]))),
            []
        );
        assert_eq!(
            alerts.observe(t(300), away(&home(&[("a", down()), ("b", down())]))),
            [unreachable("a")]
        );
        assert_eq!(alerts.next_due(), Some(t(400)));
        // `b` is forgotten before its time: nothing about it, ever.
        assert_eq!(alerts.observe(t(350), away(&home(&[("a", down())]))), []);
        assert_eq!(alerts.next_due(), None);
        assert_eq!(alerts.observe(t(1000), away(&home(&[("a", down())]))), []);
        // A notified bridge that is forgotten is not announced as back either.
        assert_eq!(alerts.observe(t(1001), away(&home(&[]))), []);
        assert_eq!(
            alerts.observe(t(1002), away(&home(&[("a", ConnectionState::Live)]))),
            []
        );
    }

    #[test]
    fn relinking_is_told_once_per_time_it_is_needed() {
        let start = Instant::now();
        let mut alerts = Alerts::new(DELAY);
        let snapshot = Snapshot::default();
        let linked = remote(AccountState::Linked {
            expires_at: None,
            expiring_soon: false,
        });
        let relink = remote(AccountState::NeedsRelink);
        let seen = |view, attended| Seen {
            snapshot: &snapshot,
            remote: Some(view),
            attended,
        };
        assert_eq!(alerts.observe(start, seen(&linked, false)), []);
        assert_eq!(
            alerts.observe(start, seen(&relink, false)),
            [Alert::RemoteNeedsRelink]
        );
        assert_eq!(alerts.observe(start, seen(&relink, false)), []);
        assert_eq!(alerts.observe(start, seen(&linked, false)), []);
        // Seen in the window this time: no notification, not even after hiding it.
        assert_eq!(alerts.observe(start, seen(&relink, true)), []);
        assert_eq!(alerts.observe(start, seen(&relink, false)), []);
        // Unlinked (not linked at all) is the user's doing: nothing to say.
        let unlinked = remote(AccountState::NotLinked);
        assert_eq!(alerts.observe(start, seen(&unlinked, false)), []);
        assert_eq!(
            alerts.observe(start, seen(&relink, false)),
            [Alert::RemoteNeedsRelink]
        );
    }
}
