//! The Rocket web application: pages for staff, the JSON API, and their guards.
//!
//! A handler extracts typed input (path segments, form and JSON fields parse straight into
//! domain types, see [`params`]), calls one `ops` function and maps the result to a template,
//! a redirect or JSON. Roles are stated per route (see [`policy`]); personal data needs the
//! leave a role gives (`domain::personal`); errors map to status codes in [`error`].

pub mod accounts;
pub mod api;
pub mod audit;
pub mod auth;
pub mod charts;
pub mod csrf;
pub mod cutoff;
pub mod dashboard;
pub mod error;
pub mod headers;
pub mod hooks;
pub mod lang;
pub mod lookup;
pub mod lookup_api;
pub mod lookup_limits;
pub mod lookup_text;
pub mod maps;
pub mod methods;
pub mod notices;
pub mod observe;
pub mod openapi;
pub mod pages;
pub mod params;
pub mod policy;
pub mod reception;
pub mod redirect;
pub mod reports;
pub mod search;
pub mod shipping;
pub mod sim_clock;
pub mod throttle;
pub mod tracking;
pub mod views;

use std::path::PathBuf;
use std::sync::Arc;

use rocket::fs::FileServer;
use rocket::{Build, Rocket};
use rocket_dyn_templates::Template;

use crate::clock::SharedClock;
use crate::ops::checkin_queue::CheckinQueue;
use crate::ops::doc_store::DocStore;
use crate::ops::keys::Secrets;
use crate::storage::Db;

/// Shared state of the running app.
pub struct App {
    pub db: Arc<Db>,
    pub login_throttle: throttle::LoginThrottle,
    /// Signs and verifies return-envelope codes.
    pub code_key: [u8; 32],
    /// The group-commit writer of check-ins.
    pub checkins: CheckinQueue,
    /// Cookies carry `Secure`: served over TLS, or behind a TLS proxy (see [`BEHIND_TLS_PROXY`]).
    pub secure_cookies: bool,
    /// Batch documents rendered once, kept on disk, served without rendering on a request.
    pub documents: DocStore,
    /// The process's one clock (the check-in writer's): pages, verdicts and audit agree.
    pub clock: SharedClock,
}

/// The configuration key (in the figment) that says the app is served behind a TLS proxy;
/// [`build`] sets it from the environment variable `PEP_BEHIND_TLS_PROXY=1`.
pub const BEHIND_TLS_PROXY: &str = "pep_behind_tls_proxy";

/// Whether cookies must be `Secure` under this configuration.
fn secure_cookies(figment: &rocket::figment::Figment) -> bool {
    let proxy = figment
        .extract_inner::<bool>(BEHIND_TLS_PROXY)
        .unwrap_or(false);
    let tls = figment
        .extract::<rocket::Config>()
        .is_ok_and(|c| c.tls_enabled());
    proxy || tls
}

/// Where templates and static files live: beside the crate unless configured.
fn asset_dir(name: &str) -> PathBuf {
    let local = PathBuf::from(name);
    if local.is_dir() {
        local
    } else {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(name)
    }
}

/// Builds the app over `db`, with Rocket's configuration (Rocket.toml, ROCKET_* env) and the
/// installation's cookie key.
pub fn build(db: Arc<Db>, secrets: &Secrets) -> Rocket<Build> {
    build_on(db, secrets, crate::clock::wall())
}

/// As [`build`], on a given clock (a demo's simulated one).
pub fn build_on(db: Arc<Db>, secrets: &Secrets, clock: SharedClock) -> Rocket<Build> {
    let proxy = std::env::var("PEP_BEHIND_TLS_PROXY").is_ok_and(|v| v.trim() == "1");
    let figment = rocket::Config::figment().merge((BEHIND_TLS_PROXY, proxy));
    let checkins = CheckinQueue::on_clock(db.clone(), crate::ops::checkin_queue::MAX_GROUP, clock);
    build_with(db, secrets, figment, checkins)
}

/// As [`build`], over an explicit figment (tests and benchmarks pick ports there) and an
/// explicit check-in writer (the check-in benchmark compares group sizes), whose clock the
/// whole app then reads.
pub fn build_with(
    db: Arc<Db>,
    secrets: &Secrets,
    figment: rocket::figment::Figment,
    checkins: CheckinQueue,
) -> Rocket<Build> {
    let mut figment = figment
        .merge(("secret_key", secrets.cookie_key.to_vec()))
        .merge(("template_dir", asset_dir("templates")));
    // Client addresses come from the socket unless a proxy header is configured on purpose,
    // so that the login throttle cannot be dodged with a forged X-Real-IP.
    if std::env::var_os("ROCKET_IP_HEADER").is_none() {
        figment = figment.merge(("ip_header", false));
    }
    let secure_cookies = secure_cookies(&figment);
    let documents = DocStore::new(db.clone(), secrets.code_key);
    let (page_clock, page_db) = (checkins.clock(), db.clone());
    let receivers = hooks::receivers(&figment, db.clone());
    rocket::custom(figment)
        .manage(receivers)
        .manage(App {
            db,
            login_throttle: throttle::LoginThrottle::new(),
            code_key: secrets.code_key,
            clock: checkins.clock(),
            checkins,
            secure_cookies,
            documents,
        })
        .attach(lookup_limits::LookupLimits::fairing())
        .attach(observe::Observe)
        .attach(headers::SecurityHeaders)
        .attach(Template::custom(move |engines| {
            engines.tera.register_filter("miles", views::thousands);
            sim_clock::register(&mut engines.tera, page_clock.clone(), page_db.clone());
        }))
        .manage(crate::ops::audit_job::VerifyJob::default())
        .mount("/", pages::routes())
        .mount("/", rocket::routes![observe::metrics])
        .mount("/", audit::routes())
        .mount("/", accounts::routes())
        .mount("/", dashboard::routes())
        .mount("/", search::routes())
        .mount("/", reception::routes())
        .mount("/", cutoff::routes())
        .mount("/", shipping::routes())
        .mount("/", lookup::routes())
        .mount("/", tracking::routes())
        .mount("/", reports::routes())
        .mount("/", notices::routes())
        .mount("/", hooks::routes())
        .mount("/api/v1", api::routes())
        .mount("/api/v1", lookup_api::routes())
        .mount("/api", openapi::routes())
        .mount("/static", FileServer::from(asset_dir("static")).rank(20))
        .register("/", error::page_catchers())
        .register("/api", error::api_catchers())
        .register("/metrics", error::api_catchers())
        .register("/hooks", error::api_catchers())
}
