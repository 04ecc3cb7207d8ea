//! Reception through the real HTTP API: the web application on the campaign's clock, served
//! on a free loopback port, and several scan stations (each with its own bearer token) posting
//! check-ins at once, each scan named with a scan id, one station offline a while each day
//! ([`super::offline`]). Every answer is held against what the envelope was: an envelope in
//! time, a late one, the second scan of a pair, a forged code, the voided code of a reissued
//! PEP; a scan sent again must answer its first verdict, and every scan id is recorded once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde::Deserialize;

use super::offline::{Outage, Post};
use super::phases::ScanCounts;
use super::{CampaignError, Result};
use crate::clock::SharedClock;
use crate::domain::role::Role;
use crate::ops::checkin_queue::{CheckinQueue, MAX_GROUP};
use crate::ops::keys::Secrets;
use crate::ops::{self, Actor};
use crate::storage::{scan_ids, Db};

/// What a scan must answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    OnTime,
    Late,
    /// Scanned while the running clock crossed the cutoff: either verdict is right.
    OnTimeOrLate,
    Voided,
    Invalid,
}

impl Expect {
    fn allows(self, outcome: &str) -> bool {
        match self {
            Expect::OnTime => outcome == "accepted",
            Expect::Late => outcome == "late",
            Expect::OnTimeOrLate => outcome == "accepted" || outcome == "late",
            Expect::Voided => outcome == "voided",
            Expect::Invalid => outcome == "invalid",
        }
    }
}

/// One envelope to scan; the two scans of a double scan share a `pair`.
#[derive(Debug, Clone)]
pub struct Job {
    pub code: String,
    pub expect: Expect,
    pub pair: Option<usize>,
}

/// The running app and its stations.
pub struct Reception {
    base: String,
    tokens: Vec<String>,
    client: reqwest::Client,
    shutdown: rocket::Shutdown,
    task: tokio::task::JoinHandle<()>,
    db: Arc<Db>,
    clock: SharedClock,
    outage: Mutex<Outage>,
}

#[derive(Debug, Clone, Deserialize)]
struct Answer {
    outcome: String,
    repeated: bool,
    sequence: Option<i64>,
}

/// Serves the app over `db` on `clock` (its push receivers with `hooks`' secrets) and gives
/// each of `stations` stations a token.
pub async fn open(
    db: Arc<Db>,
    secrets: &Secrets,
    clock: SharedClock,
    stations: usize,
    hooks: Option<serde_json::Value>,
) -> Result<Reception> {
    let now = clock.now();
    let mut tokens = Vec::new();
    for k in 1..=stations.max(1) {
        let name = format!("estacion-{k}");
        tokens.push(ops::users::create_token(
            &db,
            &name,
            Role::Reception,
            &Actor::system(),
            now,
        )?);
    }
    let figment = rocket::Config::figment()
        .merge(("address", "127.0.0.1"))
        .merge(("port", 0))
        .merge(("log_level", "off"))
        // The drill's electors all ask from 127.0.0.1.
        .merge(("pep_lookup_per_minute", 1_000_000))
        .merge(("pep_lookup_per_key_per_hour", 1_000));
    // The carriers' push receivers, with the campaign's secrets.
    let figment = match hooks {
        Some(h) => figment.merge((crate::web::hooks::FIGMENT_KEY, h)),
        None => figment,
    };
    let cutoff = ops::election::current(&db)?.receipt_cutoff;
    let checkins = CheckinQueue::on_clock(db.clone(), MAX_GROUP, clock.clone());
    let (tx, rx) = tokio::sync::oneshot::channel();
    let rocket = crate::web::build_with(db.clone(), secrets, figment, checkins).attach(
        rocket::fairing::AdHoc::on_liftoff("station port", move |r| {
            let port = r.config().port;
            Box::pin(async move {
                let _ = tx.send(port);
            })
        }),
    );
    let station_err = |e: rocket::Error| CampaignError::Station(e.to_string());
    let ignited = rocket.ignite().await.map_err(station_err)?;
    let shutdown = ignited.shutdown();
    let task = tokio::spawn(async move {
        if let Err(e) = ignited.launch().await {
            log::error!("aplicación de recepción detenida: {e}");
        }
    });
    let port = rx
        .await
        .map_err(|_| CampaignError::Station("la aplicación no arrancó".into()))?;
    Ok(Reception {
        base: format!("http://127.0.0.1:{port}"),
        tokens,
        client: reqwest::Client::new(),
        shutdown,
        task,
        db,
        clock,
        outage: Mutex::new(Outage::new(cutoff)),
    })
}

impl Reception {
    /// `http://127.0.0.1:PORT`: where the app answers (stations, API, hooks).
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// Scans `jobs` spread over the stations, all stations at once (what an offline station
    /// set aside first, see [`Outage::plan`]); counts every answer and each one that is not
    /// what the envelope called for.
    pub async fn scan(&self, jobs: Vec<Job>, counts: &mut ScanCounts) -> Result<()> {
        let round = self
            .outage()
            .plan(jobs, self.tokens.len(), self.clock.now());
        counts.set_aside += round.set_aside;
        if round.jobs.is_empty() {
            return Ok(());
        }
        let mut tasks = Vec::new();
        for (k, lane) in round.lanes.into_iter().enumerate() {
            let (client, token) = (self.client.clone(), self.tokens[k].clone());
            let url = format!("{}/api/v1/checkins", self.base);
            let station = format!("mesa-{}", k + 1);
            tasks.push(tokio::spawn(async move {
                post_lane(&client, &url, &token, &station, lane).await
            }));
        }
        let mut answers: Vec<Option<String>> = vec![None; round.jobs.len()];
        let mut first: HashMap<usize, Answer> = HashMap::new();
        for t in tasks {
            let lane = t
                .await
                .map_err(|e| CampaignError::Station(e.to_string()))??;
            for (post, a) in lane {
                match first.get(&post.i) {
                    Some(f) => resent(&post, f, &a, counts),
                    None => {
                        answers[post.i] = Some(a.outcome.clone());
                        first.insert(post.i, a);
                    }
                }
            }
        }
        judge(&round.jobs, &answers, counts);
        self.recorded_once(counts)
    }

    fn outage(&self) -> std::sync::MutexGuard<'_, Outage> {
        self.outage.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Every scan id posted so far has exactly one recorded verdict.
    fn recorded_once(&self, counts: &mut ScanCounts) -> Result<()> {
        let recorded = self.db.read(scan_ids::count)?;
        let posted = self.outage().posted as i64;
        if recorded != posted {
            counts.problem(format!(
                "identificadores de escaneo: {posted} enviados, {recorded} registrados"
            ));
        }
        Ok(())
    }

    /// Stops the app.
    pub async fn close(self) {
        self.shutdown.notify();
        let _ = self.task.await;
    }
}

/// A scan sent again under its id must answer its first verdict, marked as a repeat.
fn resent(post: &Post, first: &Answer, again: &Answer, counts: &mut ScanCounts) {
    counts.resent += 1;
    let same = again.repeated && again.outcome == first.outcome && again.sequence == first.sequence;
    if !same {
        counts.problem(format!(
            "{} reenviado ({}): {again:?}, la primera respuesta fue {first:?}",
            post.code, post.scan_id
        ));
    }
}

/// Posts one station's scans in order (a scan marked `again` twice); each post's answer.
async fn post_lane(
    client: &reqwest::Client,
    url: &str,
    token: &str,
    station: &str,
    lane: Vec<Post>,
) -> Result<Vec<(Post, Answer)>> {
    let mut out = Vec::with_capacity(lane.len());
    for post in lane {
        let times = if post.again { 2 } else { 1 };
        for _ in 0..times {
            let a = post_one(client, url, token, station, &post).await?;
            out.push((post.clone(), a));
        }
    }
    Ok(out)
}

async fn post_one(
    client: &reqwest::Client,
    url: &str,
    token: &str,
    station: &str,
    post: &Post,
) -> Result<Answer> {
    let err = |e: reqwest::Error| CampaignError::Station(format!("{station}: {e}"));
    let body =
        serde_json::json!({ "code": post.code, "station": station, "scan_id": post.scan_id });
    let res = client
        .post(url)
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .map_err(err)?;
    if !res.status().is_success() {
        let status = res.status();
        let body = res.text().await.unwrap_or_default();
        return Err(CampaignError::Station(format!(
            "{station}: HTTP {status}: {body}"
        )));
    }
    res.json().await.map_err(err)
}

/// Counts the answers and holds each against its job: a single scan must give what it
/// expects; of a pair, one scan gives that and the other `duplicate`.
fn judge(jobs: &[Job], answers: &[Option<String>], counts: &mut ScanCounts) {
    let mut pairs: std::collections::HashMap<usize, Vec<(Expect, &str)>> = Default::default();
    for (job, answer) in jobs.iter().zip(answers) {
        let outcome = answer.as_deref().unwrap_or("");
        counts.count(outcome);
        match job.pair {
            Some(p) => pairs.entry(p).or_default().push((job.expect, outcome)),
            None if !job.expect.allows(outcome) => counts.problem(format!(
                "{}: respuesta «{outcome}», se esperaba {:?}",
                job.code, job.expect
            )),
            None => {}
        }
    }
    for (p, scans) in pairs {
        let dup = scans.iter().filter(|(_, o)| *o == "duplicate").count();
        let right = scans.iter().filter(|(e, o)| e.allows(o)).count();
        if scans.len() != 2 || dup != 1 || right != 1 {
            counts.problem(format!("doble escaneo {p}: respuestas {scans:?}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(expect: Expect, pair: Option<usize>) -> Job {
        Job {
            code: "X".into(),
            expect,
            pair,
        }
    }

    #[test]
    fn answers_are_held_against_what_each_envelope_was() {
        let jobs = vec![
            job(Expect::OnTime, None),
            job(Expect::Late, Some(1)),
            job(Expect::Late, Some(1)),
            job(Expect::Invalid, None),
            job(Expect::Voided, None),
        ];
        let answers =
            ["accepted", "duplicate", "late", "invalid", "voided"].map(|s| Some(s.to_string()));
        let mut c = ScanCounts::default();
        judge(&jobs, &answers, &mut c);
        assert_eq!((c.total(), c.unexpected), (5, 0));
        let wrong = ["late", "late", "late", "unknown", "voided"].map(|s| Some(s.to_string()));
        let mut c = ScanCounts::default();
        judge(&jobs, &wrong, &mut c);
        assert_eq!(c.unexpected, 3, "{:?}", c.problems);
    }
}
