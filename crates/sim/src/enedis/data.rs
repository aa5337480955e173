//! Deterministic, realistic synthetic metering data: the same PRM and day always give the same
//! values, and the values look like a household's — low at night, a morning and a larger evening
//! peak, more in winter (much more with electric heating), a solar bell curve for producers that
//! is taller and wider in summer, and day-to-day weather noise.
//!
//! Every figure derives from the half-hourly load curve, so the daily energy is exactly the sum of
//! the curve (in Wh: the average power of each half hour times half an hour), as with a real meter.
//! A day is a French day: 46 half hours on the last Sunday of March, 50 on the last Sunday of
//! October (the repeated hour's half hours are measured twice), 48 otherwise.

use std::f64::consts::PI;

use time::{Date, Duration, PrimitiveDateTime};

/// A wall-clock time of day: (hour, minute).
pub type ClockTime = (u8, u8);

/// A sandbox meter.
#[derive(Debug, Clone, Copy)]
pub struct SandboxPrm {
    pub id: &'static str,
    pub label: &'static str,
    /// Part of the simulated customer's account (shown on the consent page).
    pub customer: bool,
    pub electric_heating: bool,
    /// Peak solar power (W); 0 for no production.
    pub solar_peak_w: u32,
    /// Answers in kW / kWh / kVA with decimals instead of W / Wh / VA.
    pub kilo_units: bool,
    pub subscribed_kva: u32,
    /// Off-peak windows (hour, minute) to (hour, minute), as `comptage_auto` gives them; some
    /// meters have a day window too, as the 2025–2027 reform allows.
    pub offpeak: &'static [(ClockTime, ClockTime)],
    /// The contract's distribution tariff.
    pub tariff: &'static str,
}

pub const SANDBOX: &[SandboxPrm] = &[
    SandboxPrm {
        id: "22516914714270",
        label: "Maison, chauffage électrique",
        customer: true,
        electric_heating: true,
        solar_peak_w: 0,
        kilo_units: false,
        subscribed_kva: 9,
        offpeak: &[((22, 30), (6, 30))],
        tariff: "BTINFCU4",
    },
    SandboxPrm {
        id: "24880057139941",
        label: "Appartement avec panneaux solaires",
        customer: true,
        electric_heating: false,
        solar_peak_w: 3_000,
        kilo_units: false,
        subscribed_kva: 6,
        offpeak: &[((23, 0), (5, 0)), ((12, 30), (15, 30))],
        tariff: "BTINFMU4",
    },
    SandboxPrm {
        id: "11453290002823",
        label: "Maison, chauffage gaz (unités en kW)",
        customer: true,
        electric_heating: false,
        solar_peak_w: 0,
        kilo_units: true,
        subscribed_kva: 12,
        offpeak: &[],
        tariff: "BTINFCUST",
    },
    SandboxPrm {
        id: "30001610071843",
        label: "Compteur d’un autre titulaire",
        customer: false,
        electric_heating: false,
        solar_peak_w: 0,
        kilo_units: false,
        subscribed_kva: 6,
        offpeak: &[((22, 0), (6, 0))],
        tariff: "BTINFCU4",
    },
];

pub fn sandbox(prm: &str) -> Option<&'static SandboxPrm> {
    SANDBOX.iter().find(|p| p.id == prm)
}

/// splitmix64: a tiny, good-enough mixer for deterministic noise.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// Uniform noise in [0, 1) from a PRM, a day and a slot.
fn noise(prm: &SandboxPrm, day: Date, slot: u64) -> f64 {
    let prm_seed = prm.id.bytes().fold(0u64, |acc, b| {
        acc.wrapping_mul(31).wrapping_add(u64::from(b))
    });
    let day_seed = u64::try_from(day.to_julian_day()).unwrap_or_default();
    let bits = mix(prm_seed ^ mix(day_seed ^ mix(slot)));
    // The top 53 bits as a fraction: exact in an f64.
    #[allow(clippy::cast_precision_loss)] // 53 bits fit an f64 exactly.
    let fraction = (bits >> 11) as f64 / (1u64 << 53) as f64;
    fraction
}

fn bell(x: f64, centre: f64, width: f64) -> f64 {
    (-((x - centre) / width).powi(2) / 2.0).exp()
}

/// 1 in mid-January, 0 in mid-July.
fn winter(day: Date) -> f64 {
    (f64::from(day.ordinal()) - 15.0)
        .mul_add(2.0 * PI / 365.25, 0.0)
        .cos()
        .mul_add(0.5, 0.5)
}

/// Average consumed power (W) during half-hour `slot` (0..48) of `day`.
pub fn load_w(prm: &SandboxPrm, day: Date, slot: u32) -> u32 {
    let hour = f64::from(slot) / 2.0 + 0.25;
    let weekend = matches!(
        day.weekday(),
        time::Weekday::Saturday | time::Weekday::Sunday
    );
    let cold = winter(day);
    let base = 180.0 + 120.0 * noise(prm, day, 1_000);
    let morning = 900.0 * bell(hour, if weekend { 9.0 } else { 7.25 }, 0.9);
    let midday = if weekend { 700.0 } else { 250.0 } * bell(hour, 12.75, 0.8);
    let evening = 1_600.0 * bell(hour, 19.75, 1.4);
    let heating = if prm.electric_heating {
        // Heaters run at night on off-peak hours and in the evening.
        let night = if (6.0..22.0).contains(&hour) {
            0.55
        } else {
            1.0
        };
        3_200.0 * cold * night
    } else {
        250.0 * cold
    };
    let mood = 0.85 + 0.3 * noise(prm, day, 2_000);
    let jitter = 0.8 + 0.4 * noise(prm, day, u64::from(slot));
    let watts = (base + morning + midday + evening + heating) * mood * jitter;
    // Rounded to the watt and far below u32::MAX by construction.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let watts = watts.round().max(0.0) as u32;
    watts
}

/// Average produced power (W) during half-hour `slot` of `day` (0 for consumers).
pub fn production_w(prm: &SandboxPrm, day: Date, slot: u32) -> u32 {
    if prm.solar_peak_w == 0 {
        return 0;
    }
    let hour = f64::from(slot) / 2.0 + 0.25;
    let summer = 1.0 - winter(day);
    let day_length = 8.0 + 8.0 * summer;
    let sunrise = 13.5 - day_length / 2.0;
    if hour <= sunrise || hour >= sunrise + day_length {
        return 0;
    }
    let sun = (PI * (hour - sunrise) / day_length).sin();
    let clear = 0.25 + 0.75 * noise(prm, day, 3_000);
    let watts = f64::from(prm.solar_peak_w) * sun * clear * (0.45 + 0.55 * summer);
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let watts = watts.round().max(0.0) as u32;
    watts
}

/// Energy (Wh) of a day: the sum of its half hours (46, 48 or 50 of them).
pub fn daily_wh(prm: &SandboxPrm, day: Date, produced: bool) -> u64 {
    paris::half_hours(day)
        .iter()
        .map(|h| {
            u64::from(if produced {
                production_w(prm, day, h.slot)
            } else {
                load_w(prm, day, h.slot)
            })
        })
        .sum::<u64>()
        / 2
}

/// The day's maximum apparent power (VA) and the wall-clock time it happened (within its half
/// hour).
pub fn max_power(prm: &SandboxPrm, day: Date) -> (u32, PrimitiveDateTime) {
    let (start, watts) = paris::half_hours(day)
        .into_iter()
        .map(|h| (h.local_start, load_w(prm, day, h.slot)))
        .max_by_key(|(_, w)| *w)
        .unwrap_or((day.midnight(), 0));
    // A peak inside a half hour lies above its average; the meter sees VA (power factor ~0.9).
    let va = u64::from(watts) * 135 / 100;
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let minute = (noise(prm, day, 4_000) * 29.0) as i64;
    let at = start + Duration::minutes(minute) + Duration::seconds(17);
    (u32::try_from(va).unwrap_or(u32::MAX), at)
}

/// French legal time, as a meter keeps it. The simulator has its own (it knows no Hearth
/// crate); jiff's bundled database gives the same rules on every machine.
pub mod paris {
    use jiff::tz::TimeZone;
    use jiff::{SignedDuration, Timestamp};
    use time::{Date, PrimitiveDateTime};

    /// One half hour of a French day.
    #[derive(Debug, Clone, Copy)]
    pub struct HalfHour {
        /// The wall-clock time it starts at (twice the same in the repeated October hour).
        pub local_start: PrimitiveDateTime,
        /// The wall-clock time it ends at.
        pub local_end: PrimitiveDateTime,
        /// Its place in a 48-slot day by the wall clock (what the household's habits follow).
        pub slot: u32,
    }

    fn zone() -> TimeZone {
        TimeZone::get("Europe/Paris").unwrap_or_else(|_| TimeZone::fixed(jiff::tz::offset(1)))
    }

    fn civil(date: Date) -> Option<jiff::civil::Date> {
        jiff::civil::Date::new(
            i16::try_from(date.year()).ok()?,
            i8::try_from(u8::from(date.month())).ok()?,
            i8::try_from(date.day()).ok()?,
        )
        .ok()
    }

    fn local(zone: &TimeZone, at: Timestamp) -> Option<PrimitiveDateTime> {
        let dt = zone.to_datetime(at);
        let date = Date::from_calendar_date(
            i32::from(dt.year()),
            time::Month::try_from(u8::try_from(dt.month()).ok()?).ok()?,
            u8::try_from(dt.day()).ok()?,
        )
        .ok()?;
        let time = time::Time::from_hms(
            u8::try_from(dt.hour()).ok()?,
            u8::try_from(dt.minute()).ok()?,
            u8::try_from(dt.second()).ok()?,
        )
        .ok()?;
        Some(PrimitiveDateTime::new(date, time))
    }

    /// The half hours of `day` from its local midnight to the next: 46, 48 or 50.
    pub fn half_hours(day: Date) -> Vec<HalfHour> {
        let zone = zone();
        let midnight = |d: jiff::civil::Date| {
            zone.to_ambiguous_timestamp(d.to_datetime(jiff::civil::Time::midnight()))
                .compatible()
                .ok()
        };
        let Some(start_day) = civil(day) else {
            return Vec::new();
        };
        let (Some(mut at), Some(end)) = (
            midnight(start_day),
            start_day.tomorrow().ok().and_then(midnight),
        ) else {
            return Vec::new();
        };
        let mut out = Vec::with_capacity(50);
        while at < end {
            let Ok(next) = at.checked_add(SignedDuration::from_mins(30)) else {
                break;
            };
            if let (Some(local_start), Some(local_end)) = (local(&zone, at), local(&zone, next)) {
                let slot = u32::from(local_start.hour()) * 2 + u32::from(local_start.minute() / 30);
                out.push(HalfHour {
                    local_start,
                    local_end,
                    slot,
                });
            }
            at = next;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn data_is_deterministic_and_shaped_like_a_household() {
        let house = sandbox("22516914714270").unwrap();
        let day = date!(2026 - 01 - 14);
        assert_eq!(load_w(house, day, 39), load_w(house, day, 39));
        let avg = |day: Date, slots: std::ops::Range<u32>| {
            let n = u32::try_from(slots.len()).unwrap();
            slots.map(|s| load_w(house, day, s)).sum::<u32>() / n
        };
        let evening = avg(day, 38..42);
        let afternoon = avg(day, 28..32);
        assert!(
            evening > afternoon,
            "evening {evening} W > afternoon {afternoon} W"
        );
        let january: u64 = (1..=28)
            .map(|d| daily_wh(house, date!(2026 - 01 - 01).replace_day(d).unwrap(), false))
            .sum();
        let july: u64 = (1..=28)
            .map(|d| daily_wh(house, date!(2026 - 07 - 01).replace_day(d).unwrap(), false))
            .sum();
        assert!(
            january > 2 * july,
            "electric heating: January {january} Wh vs July {july} Wh"
        );
        let daily = daily_wh(house, day, false);
        assert!(
            (10_000..120_000).contains(&daily),
            "a plausible day: {daily} Wh"
        );
    }

    #[test]
    fn solar_production_follows_the_sun_and_the_seasons() {
        let flat = sandbox("24880057139941").unwrap();
        let house = sandbox("22516914714270").unwrap();
        let june = date!(2026 - 06 - 21);
        assert_eq!(production_w(flat, june, 2), 0, "nothing at 01:00");
        assert!(production_w(flat, june, 27) > 0, "something at 13:30");
        assert_eq!(daily_wh(house, june, true), 0, "no panels, no production");
        let summer: u64 = (1..=28)
            .map(|d| daily_wh(flat, date!(2026 - 06 - 01).replace_day(d).unwrap(), true))
            .sum();
        let winter: u64 = (1..=28)
            .map(|d| daily_wh(flat, date!(2026 - 12 - 01).replace_day(d).unwrap(), true))
            .sum();
        assert!(
            summer > 2 * winter,
            "June {summer} Wh vs December {winter} Wh"
        );
    }

    #[test]
    fn change_of_time_days_have_46_and_50_half_hours_and_energy_follows() {
        let house = sandbox("22516914714270").unwrap();
        let march = paris::half_hours(date!(2026 - 03 - 29));
        let october = paris::half_hours(date!(2026 - 10 - 25));
        assert_eq!(march.len(), 46);
        assert_eq!(october.len(), 50);
        assert_eq!(paris::half_hours(date!(2026 - 06 - 01)).len(), 48);
        assert!(
            march.iter().all(|h| h.local_start.hour() != 2),
            "02:xx is skipped"
        );
        let repeated = october.iter().filter(|h| h.local_start.hour() == 2).count();
        assert_eq!(repeated, 4, "02:00 and 02:30 twice");
        let sum = |day: Date, hours: &[paris::HalfHour]| {
            hours
                .iter()
                .map(|h| u64::from(load_w(house, day, h.slot)))
                .sum::<u64>()
                / 2
        };
        assert_eq!(
            daily_wh(house, date!(2026 - 10 - 25), false),
            sum(date!(2026 - 10 - 25), &october)
        );
    }
}
