//! The Rocket web application: pages for staff, the JSON API, and their guards.
//!
//! A handler extracts typed input, converts it to domain types, calls one `ops` function and
//! maps the result to a template, a redirect or JSON. Roles are stated per route (see
//! [`policy`]); errors map to status codes in [`error`].

pub mod api;
pub mod auth;
pub mod charts;
pub mod csrf;
pub mod dashboard;
pub mod error;
pub mod lookup;
pub mod methods;
pub mod openapi;
pub mod pages;
pub mod policy;
pub mod reception;
pub mod search;
pub mod shipping;
pub mod throttle;
pub mod tracking;
pub mod views;

use std::path::PathBuf;
use std::sync::Arc;

use rocket::fs::FileServer;
use rocket::{Build, Rocket};
use rocket_dyn_templates::Template;

use crate::ops::checkin_queue::CheckinQueue;
use crate::ops::doc_store::DocStore;
use crate::ops::keys::Secrets;
use crate::storage::Db;

/// Shared state of the running app.
pub struct App {
    pub db: Arc<Db>,
    pub login_throttle: throttle::LoginThrottle,
    pub lookup_throttle: throttle::LookupThrottle,
    /// Signs and verifies return-envelope codes.
    pub code_key: [u8; 32],
    /// The group-commit writer of check-ins.
    pub checkins: CheckinQueue,
    /// `false` commits each check-in on its own (the benchmark's naive baseline).
    pub group_commit: bool,
    /// Batch documents rendered once, kept on disk, served without rendering on a request.
    pub documents: DocStore,
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
    build_with(db, secrets, rocket::Config::figment(), true)
}

/// As [`build`], over an explicit figment (tests and benchmarks pick ports there), and with
/// group commit of check-ins on or off.
pub fn build_with(
    db: Arc<Db>,
    secrets: &Secrets,
    figment: rocket::figment::Figment,
    group_commit: bool,
) -> Rocket<Build> {
    let mut figment = figment
        .merge(("secret_key", secrets.cookie_key.to_vec()))
        .merge(("template_dir", asset_dir("templates")));
    // Client addresses come from the socket unless a proxy header is configured on purpose,
    // so that the login throttle cannot be dodged with a forged X-Real-IP.
    if std::env::var_os("ROCKET_IP_HEADER").is_none() {
        figment = figment.merge(("ip_header", false));
    }
    let checkins = CheckinQueue::start(db.clone());
    let documents = DocStore::new(db.clone(), secrets.code_key);
    rocket::custom(figment)
        .manage(App {
            db,
            login_throttle: throttle::LoginThrottle::new(),
            lookup_throttle: throttle::LookupThrottle::default(),
            code_key: secrets.code_key,
            checkins,
            group_commit,
            documents,
        })
        .attach(Template::custom(|engines| {
            engines.tera.register_filter("miles", views::thousands);
        }))
        .mount("/", pages::routes())
        .mount("/", dashboard::routes())
        .mount("/", search::routes())
        .mount("/", reception::routes())
        .mount("/", shipping::routes())
        .mount("/", lookup::routes())
        .mount("/", tracking::routes())
        .mount("/api/v1", api::routes())
        .mount("/api", openapi::routes())
        .mount("/static", FileServer::from(asset_dir("static")).rank(20))
        .register("/", error::page_catchers())
        .register("/api", error::api_catchers())
}
