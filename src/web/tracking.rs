//! Courier tracking pages: the exception queues (to reissue, at risk, stuck).

use chrono::{DateTime, Utc};
use rocket::{get, routes, Route, State};
use rocket_dyn_templates::{context, Template};
use serde::Serialize;

use super::auth::Page;
use super::csrf::CsrfToken;
use super::error::PageError;
use super::policy::Tracking;
use super::App;
use crate::domain::election::Election;
use crate::domain::entity;
use crate::ops::queues::{self, Queue, QueueRow, QueueSettings};

pub fn routes() -> Vec<Route> {
    routes![queues_page]
}

/// Rows shown per queue.
const SHOWN: usize = 200;

#[derive(Serialize)]
struct RowView {
    pep_id: String,
    entity: String,
    country: String,
    direction: &'static str,
    carrier: &'static str,
    tracking: String,
    status: &'static str,
    status_code: &'static str,
    status_at: String,
    last_event_at: String,
    last_event: String,
}

#[derive(Serialize)]
struct QueueView {
    total: i64,
    shown: usize,
    rows: Vec<RowView>,
}

fn local(e: &Election, t: Option<DateTime<Utc>>) -> String {
    t.map_or_else(|| "—".to_string(), |t| e.local(t))
}

fn view(e: &Election, q: Queue) -> QueueView {
    let rows: Vec<RowView> = q
        .rows
        .into_iter()
        .map(|r: QueueRow| RowView {
            entity: entity::entity(&r.entity).map_or(r.entity.clone(), |x| x.name.to_string()),
            country: r.country,
            direction: r.direction.label_es(),
            carrier: r.carrier.label(),
            tracking: r.tracking,
            status: r.status.label_es(),
            status_code: r.status.as_str(),
            status_at: local(e, r.status_at),
            last_event_at: local(e, r.last_event_at),
            last_event: r.last_event,
            pep_id: r.pep_id.to_string(),
        })
        .collect();
    QueueView {
        total: q.total,
        shown: rows.len(),
        rows,
    }
}

#[get("/queues")]
pub fn queues_page(
    page: Page<Tracking>,
    csrf: CsrfToken,
    app: &State<App>,
) -> Result<Template, PageError> {
    let election = crate::ops::election::current(&app.db)?;
    // A bad setting is reported on the page rather than guessed around.
    let (settings, warning) = match QueueSettings::from_env() {
        Ok(s) => (s, None),
        Err(e) => (QueueSettings::default(), Some(e)),
    };
    let now = app.clock.now();
    let q = queues::queues(&app.db, settings, now, page.scope(), SHOWN)?;
    Ok(Template::render(
        "queues",
        context! {
            title: "Envíos con incidencias",
            user: &page.user,
            csrf: csrf.0,
            warning,
            settings: context! {
                exception_days: settings.exception_days,
                at_risk_days: settings.at_risk_days,
                stuck_days: settings.stuck_days,
            },
            at_risk_active: now >= q.at_risk_from,
            at_risk_from: election.local(q.at_risk_from),
            cutoff: election.local(election.receipt_cutoff),
            to_reissue: view(&election, q.to_reissue),
            at_risk: view(&election, q.at_risk),
            stuck: view(&election, q.stuck),
        },
    ))
}
