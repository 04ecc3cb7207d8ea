//! Verifying the audit chain in the background: one verification at a time on its own
//! thread, its progress and last result kept for the admin screen to show. Verifying a long
//! chain takes seconds; no request thread waits for it.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use chrono::{DateTime, Utc};

use crate::clock::{Clock, SharedClock};
use crate::storage::Db;

/// The outcome of a finished verification.
#[derive(Debug, Clone, serde::Serialize)]
pub struct VerifyResult {
    /// When it finished (RFC 3339, UTC).
    pub at: String,
    pub intact: bool,
    /// Records verified intact (when intact).
    pub records: i64,
    /// Where and why the chain breaks, or why it could not be verified.
    pub problem: Option<String>,
    pub millis: u128,
}

/// What the screen shows: a verification under way (with the records checked so far and the
/// head it runs to) and the last result.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct VerifyStatus {
    pub running: bool,
    pub checked: i64,
    pub last: Option<VerifyResult>,
}

/// The shared state of background verifications (one per application).
#[derive(Debug, Clone, Default)]
pub struct VerifyJob {
    state: Arc<Mutex<VerifyStatus>>,
}

impl VerifyJob {
    pub fn status(&self) -> VerifyStatus {
        lock(&self.state).clone()
    }

    /// Starts verifying on a thread of its own; `false` when one is already running. The
    /// result is stamped on `clock` (the app's: simulated in a demo, like the trail itself).
    pub fn start(&self, db: Arc<Db>, clock: SharedClock) -> bool {
        {
            let mut s = lock(&self.state);
            if s.running {
                return false;
            }
            s.running = true;
            s.checked = 0;
        }
        let state = self.state.clone();
        let spawned = std::thread::Builder::new()
            .name("audit-verify".into())
            .spawn({
                let clock = clock.clone();
                move || run(&db, &state, clock.as_ref())
            });
        if let Err(e) = spawned {
            finish(
                &self.state,
                Instant::now(),
                Err(format!("no se pudo iniciar: {e}")),
                clock.now(),
            );
        }
        true
    }
}

fn run(db: &Db, state: &Mutex<VerifyStatus>, clock: &dyn Clock) {
    let started = Instant::now();
    let outcome = super::audit::verify_with_progress(db, &mut |n| lock(state).checked = n);
    let outcome = match outcome {
        Ok(Ok(n)) => Ok(n),
        Ok(Err(e)) => Err(e.to_string()),
        Err(e) => Err(format!("no se pudo verificar: {e}")),
    };
    finish(state, started, outcome, clock.now());
}

fn finish(
    state: &Mutex<VerifyStatus>,
    started: Instant,
    outcome: std::result::Result<i64, String>,
    now: DateTime<Utc>,
) {
    let mut s = lock(state);
    s.running = false;
    s.last = Some(VerifyResult {
        at: crate::storage::ts(now),
        intact: outcome.is_ok(),
        records: *outcome.as_ref().unwrap_or(&0),
        problem: outcome.err(),
        millis: started.elapsed().as_millis(),
    });
}

fn lock(m: &Mutex<VerifyStatus>) -> MutexGuard<'_, VerifyStatus> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
