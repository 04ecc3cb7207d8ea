//! Reception through the real HTTP API: the web application on the campaign's clock, served
//! on a free loopback port, and several scan stations (each with its own bearer token) posting
//! check-ins at once. Every answer is held against what the envelope was: an envelope in time,
//! a late one, the second scan of a pair, a forged code, the voided code of a reissued PEP.

use std::sync::Arc;

use serde::Deserialize;

use super::phases::ScanCounts;
use super::{CampaignError, Result};
use crate::clock::SharedClock;
use crate::domain::role::Role;
use crate::ops::checkin_queue::{CheckinQueue, MAX_GROUP};
use crate::ops::keys::Secrets;
use crate::ops::{self, Actor};
use crate::storage::Db;

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
}

#[derive(Deserialize)]
struct Answer {
    outcome: String,
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
        .merge(("log_level", "off"));
    // The carriers' push receivers, with the campaign's secrets.
    let figment = match hooks {
        Some(h) => figment.merge((crate::web::hooks::FIGMENT_KEY, h)),
        None => figment,
    };
    let checkins = CheckinQueue::on_clock(db.clone(), MAX_GROUP, clock);
    let (tx, rx) = tokio::sync::oneshot::channel();
    let rocket = crate::web::build_with(db, secrets, figment, checkins).attach(
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
    })
}

impl Reception {
    /// `http://127.0.0.1:PORT`: where the app answers (stations, API, hooks).
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// Scans `jobs` spread over the stations, all stations at once; counts every answer and
    /// each one that is not what the envelope called for.
    pub async fn scan(&self, jobs: Vec<Job>, counts: &mut ScanCounts) -> Result<()> {
        if jobs.is_empty() {
            return Ok(());
        }
        let n = self.tokens.len();
        let mut lanes: Vec<Vec<(usize, String)>> = vec![Vec::new(); n];
        for (i, job) in jobs.iter().enumerate() {
            lanes[i % n].push((i, job.code.clone()));
        }
        let mut tasks = Vec::new();
        for (k, lane) in lanes.into_iter().enumerate() {
            let (client, token) = (self.client.clone(), self.tokens[k].clone());
            let url = format!("{}/api/v1/checkins", self.base);
            let station = format!("mesa-{}", k + 1);
            tasks.push(tokio::spawn(async move {
                post_lane(&client, &url, &token, &station, lane).await
            }));
        }
        let mut answers: Vec<Option<String>> = vec![None; jobs.len()];
        for t in tasks {
            let lane = t
                .await
                .map_err(|e| CampaignError::Station(e.to_string()))??;
            for (i, outcome) in lane {
                answers[i] = Some(outcome);
            }
        }
        judge(&jobs, &answers, counts);
        Ok(())
    }

    /// Stops the app.
    pub async fn close(self) {
        self.shutdown.notify();
        let _ = self.task.await;
    }
}

async fn post_lane(
    client: &reqwest::Client,
    url: &str,
    token: &str,
    station: &str,
    lane: Vec<(usize, String)>,
) -> Result<Vec<(usize, String)>> {
    let mut out = Vec::with_capacity(lane.len());
    let err = |e: reqwest::Error| CampaignError::Station(format!("{station}: {e}"));
    for (i, code) in lane {
        let res = client
            .post(url)
            .bearer_auth(token)
            .json(&serde_json::json!({ "code": code, "station": station }))
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
        let a: Answer = res.json().await.map_err(err)?;
        out.push((i, a.outcome));
    }
    Ok(out)
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
