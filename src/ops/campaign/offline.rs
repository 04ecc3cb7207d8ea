//! The drill's stations as the station page runs them: every scan named with a scan id, and
//! one station that goes offline for a while each day, as a venue's network does. The scans
//! it takes meanwhile are set aside in order and sent, in that order and with their ids, when
//! it is back; a few are sent twice (their first answers lost), which must answer the first
//! verdict and record nothing.

use std::collections::HashSet;

use chrono::{DateTime, Duration, Timelike, Utc};

use super::stations::Job;

/// UTC hours of each day during which the first station is offline.
const OFFLINE_HOURS: std::ops::Range<u32> = 12..18;
/// Every how many scans set aside one is sent twice.
const RESEND_EVERY: usize = 10;

/// One scan as a station posts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Post {
    /// The job's index in the round's list.
    pub i: usize,
    pub code: String,
    pub scan_id: String,
    /// Sent a second time right after the first (its answer lost on the way).
    pub again: bool,
}

/// What the stations post in one round: the jobs (set-aside scans first), each station's
/// posts in order, and how many scans were set aside this round.
#[derive(Debug, Default)]
pub struct Round {
    pub jobs: Vec<Job>,
    pub lanes: Vec<Vec<Post>>,
    pub set_aside: u64,
}

/// The first station's outage and the scans it set aside; the scan ids handed out.
#[derive(Debug)]
pub struct Outage {
    cutoff: DateTime<Utc>,
    queue: Vec<(Job, String)>,
    /// Codes of the envelopes set aside (not scanned again by another station meanwhile).
    aside: HashSet<String>,
    next_id: u64,
    /// Distinct scan ids posted so far (each must be recorded exactly once).
    pub posted: u64,
}

impl Outage {
    pub fn new(cutoff: DateTime<Utc>) -> Outage {
        Outage {
            cutoff,
            queue: Vec::new(),
            aside: HashSet::new(),
            next_id: 0,
            posted: 0,
        }
    }

    /// Offline from 12:00 to 18:00 UTC each day until two days before the cutoff: what is set
    /// aside is sent the same day, before the cutoff as it was taken, and reception never
    /// closes with envelopes set aside (a drill of 20,000 electors once ended at 14:00 UTC,
    /// inside an outage, with one delivered envelope never scanned).
    pub fn offline(&self, now: DateTime<Utc>) -> bool {
        now + Duration::days(2) < self.cutoff && OFFLINE_HOURS.contains(&now.hour())
    }

    fn new_id(&mut self) -> String {
        self.next_id += 1;
        format!("simulacro-{:09}", self.next_id)
    }

    /// Plans a round of `jobs` over `stations` at `now`: a station back online sends what it
    /// set aside first; an offline one sets its scans aside (a double scan goes to the next
    /// station instead, so that both of its scans are judged together).
    pub fn plan(&mut self, mut jobs: Vec<Job>, stations: usize, now: DateTime<Utc>) -> Round {
        let n = stations.max(1);
        let offline = n > 1 && self.offline(now);
        jobs.retain(|j| !self.aside.contains(&j.code));
        let mut round = Round {
            lanes: vec![Vec::new(); n],
            ..Round::default()
        };
        if !offline {
            self.aside.clear();
            for (k, (job, scan_id)) in std::mem::take(&mut self.queue).into_iter().enumerate() {
                let again = k % RESEND_EVERY == 0;
                round.post(0, job, scan_id, again);
            }
        }
        for (k, job) in jobs.into_iter().enumerate() {
            let scan_id = self.new_id();
            let mut lane = k % n;
            if offline && lane == 0 {
                if job.pair.is_none() {
                    self.aside.insert(job.code.clone());
                    self.queue.push((job, scan_id));
                    round.set_aside += 1;
                    continue;
                }
                lane = 1;
            }
            round.post(lane, job, scan_id, false);
        }
        self.posted += round.lanes.iter().flatten().count() as u64;
        round
    }
}

impl Round {
    fn post(&mut self, lane: usize, job: Job, scan_id: String, again: bool) {
        self.lanes[lane].push(Post {
            i: self.jobs.len(),
            code: job.code.clone(),
            scan_id,
            again,
        });
        self.jobs.push(job);
    }
}

#[cfg(test)]
mod tests {
    use super::super::stations::Expect;
    use super::*;

    fn jobs(codes: &[&str]) -> Vec<Job> {
        codes
            .iter()
            .map(|c| Job {
                code: c.to_string(),
                expect: Expect::OnTime,
                pair: None,
            })
            .collect()
    }

    #[test]
    fn an_offline_station_sets_its_scans_aside_and_sends_them_first_in_order_when_back() {
        let cutoff: DateTime<Utc> = "2030-06-01T14:00:00Z".parse().unwrap();
        let mut o = Outage::new(cutoff);
        let noon: DateTime<Utc> = "2030-05-10T13:00:00Z".parse().unwrap();
        assert!(o.offline(noon) && !o.offline(noon + Duration::hours(6)));
        assert!(
            !o.offline(cutoff - Duration::hours(23)),
            "never near the cutoff"
        );
        let late = "2030-06-06T13:00:00Z".parse().unwrap();
        assert!(!o.offline(late), "never once the cutoff has passed");

        let r = o.plan(jobs(&["a", "b", "c", "d"]), 2, noon);
        assert_eq!(r.set_aside, 2);
        assert!(r.lanes[0].is_empty());
        let codes: Vec<&str> = r.lanes[1].iter().map(|p| p.code.as_str()).collect();
        assert_eq!(codes, ["b", "d"]);
        // Still offline: "a" and "c" come back from the list but are already set aside.
        let r = o.plan(jobs(&["a", "c", "e"]), 2, noon + Duration::hours(3));
        assert_eq!((r.set_aside, r.jobs.len()), (1, 0));

        let r = o.plan(jobs(&["f"]), 2, noon + Duration::hours(6));
        let back: Vec<(&str, &str, bool)> = r.lanes[0]
            .iter()
            .map(|p| (p.code.as_str(), p.scan_id.as_str(), p.again))
            .collect();
        assert_eq!(
            back,
            [
                ("a", "simulacro-000000001", true),
                ("c", "simulacro-000000003", false),
                ("e", "simulacro-000000005", false),
                ("f", "simulacro-000000006", false),
            ]
        );
        // Every scan id is posted exactly once (a resend is not a new id).
        assert_eq!(o.posted, 6);
    }
}
