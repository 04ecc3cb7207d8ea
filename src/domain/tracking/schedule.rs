//! When to ask a carrier about a shipment again: from its status and how long that status has
//! been unchanged; never more than [`MAX_FETCHES_PER_DAY`] fetches of one shipment in a UTC day
//! (DHL's rule, applied to every carrier), and never again once the status is final.
//!
//! The intervals are tuned with `cargo bench --bench carriers` against hourly polling: most
//! events happen while a shipment moves, so moving shipments are polled every 2½ h and quiet
//! ones (a return envelope not yet posted, a label not yet picked up) every 12–24 h.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::{Direction, LegStatus};

/// DHL Shipment Tracking allows 10 fetches per shipment per day.
pub const MAX_FETCHES_PER_DAY: u32 = 10;

/// What the schedule looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PollContext {
    pub direction: Direction,
    pub status: LegStatus,
    /// Since the stored status last changed (or since tracking began, while unknown).
    pub unchanged_for: Duration,
    /// For a return leg: the PEP reached the elector, who may post the envelope any day now.
    pub partner_delivered: bool,
}

/// The shortest gap between two scheduled polls: a day divided by the daily cap.
pub fn min_interval() -> Duration {
    Duration::seconds(86_400 / i64::from(MAX_FETCHES_PER_DAY))
}

/// The gap before the next poll, or `None` when the leg is final.
pub fn interval(ctx: &PollContext) -> Option<Duration> {
    let h = Duration::hours;
    let quiet = |limit: Duration, busy: Duration, calm: Duration| {
        if ctx.unchanged_for < limit {
            busy
        } else {
            calm
        }
    };
    let gap = match (ctx.status, ctx.direction) {
        (LegStatus::Delivered | LegStatus::ReturnToSender, _) => return None,
        // The PEP was handed over: its first scan comes within hours or a day or two.
        (LegStatus::Unknown, Direction::Outbound) => quiet(h(48), h(3), h(12)),
        // The elector cannot post what they have not received.
        (LegStatus::Unknown | LegStatus::PreTransit, Direction::Return) => {
            if ctx.partner_delivered {
                h(12)
            } else {
                h(24)
            }
        }
        (LegStatus::PreTransit, Direction::Outbound) => quiet(h(72), h(6), h(12)),
        (LegStatus::InTransit, _) => quiet(h(72), Duration::minutes(150), h(6)),
        (LegStatus::OutForDelivery, _) => quiet(h(24), Duration::minutes(150), h(6)),
        (LegStatus::Exception, _) => quiet(h(48), h(3), h(8)),
    };
    Some(gap.max(min_interval()))
}

/// The safety net's gap for a leg whose events the carrier pushes: the next poll comes only
/// after this long without a push (every push and every poll moves it on), so a lost push is
/// caught up; `None` once final. Moving shipments are watched closer than quiet ones.
pub fn pushed_interval(ctx: &PollContext) -> Option<Duration> {
    let h = Duration::hours;
    let gap = match (ctx.status, ctx.direction) {
        (LegStatus::Delivered | LegStatus::ReturnToSender, _) => return None,
        (LegStatus::OutForDelivery, _) => h(10),
        (LegStatus::InTransit | LegStatus::Exception, _) if ctx.unchanged_for < h(72) => h(20),
        (LegStatus::InTransit | LegStatus::Exception, _) => h(48),
        (LegStatus::Unknown | LegStatus::PreTransit, Direction::Outbound) => h(48),
        (LegStatus::Unknown | LegStatus::PreTransit, Direction::Return)
            if ctx.partner_delivered =>
        {
            h(96)
        }
        (LegStatus::Unknown | LegStatus::PreTransit, Direction::Return) => h(240),
    };
    Some(gap.max(min_interval()))
}

/// When to poll a pushed leg next (after a poll or a push at `now`): [`pushed_interval`] on,
/// spread like [`next_poll`], within the daily cap.
pub fn next_poll_pushed(
    ctx: &PollContext,
    now: DateTime<Utc>,
    fetched_today: u32,
    spread: f64,
) -> Option<DateTime<Utc>> {
    let gap = pushed_interval(ctx)?;
    let extra = gap.num_seconds() as f64 * 0.1 * spread.clamp(0.0, 1.0);
    let at = now + gap + Duration::seconds(extra as i64);
    Some(within_cap(at, now, fetched_today))
}

/// The sweep before the receipt cutoff: every return envelope not yet final and pushed is
/// polled once this long before the cutoff, whatever its pushes said.
pub fn sweep_before_cutoff() -> Duration {
    Duration::hours(12)
}

/// A fixed fraction in [0, 1) per leg, for [`next_poll`]'s `spread`.
pub fn spread(leg_id: i64) -> f64 {
    ((leg_id as u64).wrapping_mul(2_654_435_761) % 1000) as f64 / 1000.0
}

/// The start of the UTC day after `now`'s.
fn next_day(now: DateTime<Utc>) -> DateTime<Utc> {
    (now.date_naive() + Duration::days(1))
        .and_hms_opt(0, 0, 0)
        .expect("midnight exists")
        .and_utc()
}

/// Fetches of this shipment already made today, given the stored day and count.
pub fn fetches_today(day: Option<NaiveDate>, count: u32, now: DateTime<Utc>) -> u32 {
    if day == Some(now.date_naive()) {
        count
    } else {
        0
    }
}

/// Moves `at` to the next UTC day when today's fetches are used up.
fn within_cap(at: DateTime<Utc>, now: DateTime<Utc>, fetched_today: u32) -> DateTime<Utc> {
    if fetched_today >= MAX_FETCHES_PER_DAY {
        at.max(next_day(now))
    } else {
        at
    }
}

/// When to poll next after a successful poll at `now`; `spread` in [0, 1) (a fixed per-leg
/// fraction) adds up to 10 % so that legs imported together drift apart. `None`: never.
pub fn next_poll(
    ctx: &PollContext,
    now: DateTime<Utc>,
    fetched_today: u32,
    spread: f64,
) -> Option<DateTime<Utc>> {
    let gap = interval(ctx)?;
    let extra = gap.num_seconds() as f64 * 0.1 * spread.clamp(0.0, 1.0);
    let at = now + gap + Duration::seconds(extra as i64);
    Some(within_cap(at, now, fetched_today))
}

/// When to try again after `failures` failed polls in a row (10 min, doubling, at most 6 h),
/// still within the daily cap.
pub fn after_failure(failures: u32, now: DateTime<Utc>, fetched_today: u32) -> DateTime<Utc> {
    let minutes = 10i64 << failures.saturating_sub(1).min(6);
    let at = now + Duration::minutes(minutes.min(360));
    within_cap(at, now, fetched_today)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn ctx(direction: Direction, status: LegStatus, hours: i64) -> PollContext {
        PollContext {
            direction,
            status,
            unchanged_for: Duration::hours(hours),
            partner_delivered: false,
        }
    }

    #[test]
    fn a_final_leg_is_never_polled_again() {
        for s in [LegStatus::Delivered, LegStatus::ReturnToSender] {
            let c = ctx(Direction::Outbound, s, 1);
            assert_eq!(next_poll(&c, at("2022-05-01T10:00:00Z"), 0, 0.5), None);
        }
    }

    #[test]
    fn a_moving_shipment_is_polled_more_often_than_a_quiet_one() {
        let moving = interval(&ctx(Direction::Outbound, LegStatus::InTransit, 5)).unwrap();
        let stale = interval(&ctx(Direction::Outbound, LegStatus::InTransit, 100)).unwrap();
        let unposted = interval(&ctx(Direction::Return, LegStatus::Unknown, 5)).unwrap();
        assert!(moving < stale && stale < unposted);
    }

    #[test]
    fn a_return_envelope_is_watched_closer_once_the_elector_has_the_pep() {
        let mut c = ctx(Direction::Return, LegStatus::Unknown, 200);
        let before = interval(&c).unwrap();
        c.partner_delivered = true;
        assert!(interval(&c).unwrap() < before);
    }

    #[test]
    fn no_schedule_polls_more_than_ten_times_a_day() {
        for status in LegStatus::ALL {
            for dir in [Direction::Outbound, Direction::Return] {
                for hours in [0, 30, 60, 100, 500] {
                    if let Some(gap) = interval(&ctx(dir, status, hours)) {
                        assert!(gap >= min_interval(), "{status} {hours}h: {gap}");
                    }
                }
            }
        }
        assert_eq!(min_interval(), Duration::minutes(144));
    }

    #[test]
    fn the_tenth_fetch_of_the_day_pushes_the_next_poll_to_tomorrow() {
        let c = ctx(Direction::Outbound, LegStatus::InTransit, 1);
        let now = at("2022-05-01T10:00:00Z");
        assert_eq!(next_poll(&c, now, 9, 0.0), Some(at("2022-05-01T12:30:00Z")));
        assert_eq!(
            next_poll(&c, now, 10, 0.0),
            Some(at("2022-05-02T00:00:00Z"))
        );
        assert_eq!(after_failure(1, now, 10), at("2022-05-02T00:00:00Z"));
    }

    #[test]
    fn the_spread_delays_a_poll_by_at_most_a_tenth_of_its_interval() {
        let c = ctx(Direction::Outbound, LegStatus::InTransit, 1);
        let now = at("2022-05-01T10:00:00Z");
        assert_eq!(
            next_poll(&c, now, 0, 0.999_999),
            Some(at("2022-05-01T12:44:59Z"))
        );
    }

    #[test]
    fn a_pushed_leg_is_polled_far_less_often_than_a_polled_one_and_never_once_final() {
        for status in LegStatus::ALL {
            for dir in [Direction::Outbound, Direction::Return] {
                for hours in [0, 30, 100] {
                    let c = ctx(dir, status, hours);
                    match (interval(&c), pushed_interval(&c)) {
                        (None, None) => assert!(status.is_final()),
                        (Some(polled), Some(pushed)) => {
                            assert!(pushed >= polled.min(Duration::hours(5)) * 2, "{status}");
                            assert!(pushed >= Duration::hours(10), "{status} {hours}h");
                        }
                        other => panic!("{status}: {other:?}"),
                    }
                }
            }
        }
        let c = ctx(Direction::Outbound, LegStatus::InTransit, 1);
        let now = at("2022-05-01T10:00:00Z");
        assert_eq!(
            next_poll_pushed(&c, now, 0, 0.0),
            Some(at("2022-05-02T06:00:00Z"))
        );
    }

    #[test]
    fn failures_back_off_from_ten_minutes_to_six_hours() {
        let now = at("2022-05-01T10:00:00Z");
        assert_eq!(after_failure(1, now, 0), at("2022-05-01T10:10:00Z"));
        assert_eq!(after_failure(2, now, 0), at("2022-05-01T10:20:00Z"));
        assert_eq!(after_failure(30, now, 0), at("2022-05-01T16:00:00Z"));
    }

    #[test]
    fn the_daily_count_starts_again_on_a_new_utc_day() {
        let now = at("2022-05-02T00:30:00Z");
        let yesterday = NaiveDate::from_ymd_opt(2022, 5, 1);
        assert_eq!(fetches_today(yesterday, 10, now), 0);
        assert_eq!(fetches_today(Some(now.date_naive()), 4, now), 4);
    }
}
