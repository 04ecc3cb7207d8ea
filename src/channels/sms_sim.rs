//! A local SMS provider speaking [`super::sms`]'s API, for tests and demos: checks the basic
//! authentication, answers a `sid`, keeps every message it accepted, and with a fault rate
//! answers 429 (with and without `Retry-After`) or 503 instead, deterministically per seed.
//! Started in-process with [`serve`] (port 0: any free port).

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use base64::Engine;
use rocket::form::Form;
use rocket::http::{Header, Status};
use rocket::request::{FromRequest, Outcome, Request};
use rocket::serde::json::Json;
use rocket::{post, routes, Responder, State};

/// What the simulator accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimSms {
    pub sid: String,
    pub to: String,
    pub from: String,
    pub body: String,
}

/// The simulator's settings and what it received.
#[derive(Debug)]
pub struct SmsSim {
    pub account: String,
    pub token: String,
    /// Share of calls answered with a fault, 0.0–1.0.
    pub fault_rate: f64,
    seed: u64,
    calls: AtomicU64,
    accepted: Mutex<Vec<SimSms>>,
}

impl SmsSim {
    pub fn new(account: &str, token: &str, fault_rate: f64, seed: u64) -> SmsSim {
        SmsSim {
            account: account.into(),
            token: token.into(),
            fault_rate,
            seed,
            calls: AtomicU64::new(0),
            accepted: Mutex::new(Vec::new()),
        }
    }

    /// Every message accepted so far.
    pub fn accepted(&self) -> Vec<SimSms> {
        self.accepted.lock().map(|v| v.clone()).unwrap_or_default()
    }

    /// Calls answered so far (faults included).
    pub fn calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }

    /// A fault for call `n`, or none: splitmix64 of seed and call number.
    fn fault(&self, n: u64) -> Option<u8> {
        let mut z = self.seed ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        let x = (z >> 11) as f64 / (1u64 << 53) as f64;
        (x < self.fault_rate).then_some((z % 3) as u8)
    }
}

struct BasicAuth(String, String);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for BasicAuth {
    type Error = ();
    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        let parsed = req
            .headers()
            .get_one("Authorization")
            .and_then(|h| h.strip_prefix("Basic "))
            .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
            .and_then(|b| String::from_utf8(b).ok())
            .and_then(|s| {
                s.split_once(':')
                    .map(|(a, b)| BasicAuth(a.into(), b.into()))
            });
        match parsed {
            Some(a) => Outcome::Success(a),
            None => Outcome::Error((Status::Unauthorized, ())),
        }
    }
}

#[derive(rocket::FromForm)]
struct NewMessage {
    #[field(name = "To")]
    to: String,
    #[field(name = "From")]
    from: String,
    #[field(name = "Body")]
    body: String,
}

#[derive(Responder)]
enum Answer {
    #[response(status = 201)]
    Created(Json<serde_json::Value>),
    #[response(status = 429)]
    Slow((), Header<'static>),
    Fault(Status),
}

#[post("/2010-04-01/Accounts/<account>/Messages.json", data = "<msg>")]
fn create(
    account: &str,
    auth: BasicAuth,
    msg: Form<NewMessage>,
    sim: &State<Arc<SmsSim>>,
) -> Answer {
    let n = sim.calls.fetch_add(1, Ordering::Relaxed);
    if account != sim.account || auth.0 != sim.account || auth.1 != sim.token {
        return Answer::Fault(Status::Unauthorized);
    }
    match sim.fault(n) {
        Some(0) => return Answer::Slow((), Header::new("Retry-After", "1")),
        Some(1) => return Answer::Fault(Status::TooManyRequests),
        Some(_) => return Answer::Fault(Status::ServiceUnavailable),
        None => {}
    }
    let Ok(mut accepted) = sim.accepted.lock() else {
        return Answer::Fault(Status::InternalServerError);
    };
    let sid = format!("SM{:032x}", accepted.len() as u128 + 1);
    accepted.push(SimSms {
        sid: sid.clone(),
        to: msg.to.clone(),
        from: msg.from.clone(),
        body: msg.body.clone(),
    });
    Answer::Created(Json(serde_json::json!({"sid": sid, "status": "queued"})))
}

/// A running simulator.
pub struct SmsSimHandle {
    pub addr: SocketAddr,
    pub sim: Arc<SmsSim>,
    shutdown: rocket::Shutdown,
}

impl SmsSimHandle {
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn stop(&self) {
        self.shutdown.clone().notify();
    }
}

/// Starts the simulator on `addr` in the current tokio runtime.
pub async fn serve(addr: SocketAddr, sim: Arc<SmsSim>) -> Result<SmsSimHandle, String> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let figment = rocket::Config::figment()
        .merge(("address", addr.ip()))
        .merge(("port", addr.port()))
        .merge(("log_level", "off"))
        .merge(("shutdown.ctrlc", false));
    let rocket = rocket::custom(figment)
        .manage(sim.clone())
        .mount("/", routes![create])
        .attach(rocket::fairing::AdHoc::on_liftoff(
            "sms sim port",
            move |r| {
                let port = r.config().port;
                Box::pin(async move {
                    let _ = tx.send(port);
                })
            },
        ));
    let ignited = rocket.ignite().await.map_err(|e| e.to_string())?;
    let shutdown = ignited.shutdown();
    tokio::spawn(async move {
        if let Err(e) = ignited.launch().await {
            log::error!("simulador de SMS detenido: {e}");
        }
    });
    let port = rx
        .await
        .map_err(|_| format!("no pudo escuchar en {addr}"))?;
    Ok(SmsSimHandle {
        addr: SocketAddr::new(addr.ip(), port),
        sim,
        shutdown,
    })
}
