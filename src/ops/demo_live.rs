//! The living demo behind `serve --demo`: batches printed, guías assigned, and a loop that
//! polls the in-process carrier simulator on its accelerated clock and checks in the
//! envelopes that come back, so statuses and reception move while you watch.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::batches::NewBatch;
use super::checkin::{check_in, Station};
use super::errors::TaskError;
use super::sync::{run_pass, SyncOptions};
use super::{Actor, Result};
use crate::carriers::poller::Carriers;
use crate::carriers::sim::Sim;
use crate::documents::LabelLayout;
use crate::domain::code::EnvelopeCode;
use crate::domain::tracking::{synthetic_tracking, Carrier};
use crate::storage::{peps, reception, Db};

/// Creates one batch per entity, writes its documents under `docs_dir`, and assigns guías
/// (FedEx for most, as in 2024; some UPS and DHL) through the same import as operators use.
pub fn seed_shipping(db: &Db, key: &[u8; 32], docs_dir: &Path, now: DateTime<Utc>) -> Result<()> {
    let actor = Actor::system();
    let e = super::election::current(db)?;
    for entity in &e.entities {
        let name = format!("Entidad {entity} – lote 1");
        let spec = NewBatch::parse(&name, Some(entity), None)?;
        let (id, _) = super::batches::create(db, &spec, &actor, now)?;
        let dir = docs_dir.join(format!("lote-{id}"));
        super::documents::write(db, key, id, &dir, LabelLayout::LetterSheet, &actor, now)?;
    }
    let peps = db.read(peps::active_pep_ids)?;
    let mut csv = String::from("pep_id,carrier,outbound_tracking,return_tracking\n");
    for (i, pep) in peps.iter().enumerate() {
        let carrier = match i % 25 {
            0..=19 => Carrier::Fedex,
            20..=22 => Carrier::Ups,
            _ => Carrier::Dhl,
        };
        let n = 2 * i as u64 + 1_000;
        csv.push_str(&format!(
            "{pep},{carrier},{},{}\n",
            synthetic_tracking(carrier, n),
            synthetic_tracking(carrier, n + 1)
        ));
    }
    let mut first = None;
    super::guias::import_guias(
        db,
        csv.as_bytes(),
        "demo-guias.csv",
        &actor,
        now,
        &mut |e| {
            first.get_or_insert_with(|| e.to_string());
        },
    )
    .map_err(|e| TaskError::DemoData(format!("{e}: {}", first.unwrap_or_default())))?;
    Ok(())
}

/// One turn of the demo: a polling pass on the simulator's clock, then the reception desk
/// scans what arrived.
pub async fn tick(
    db: &Arc<Db>,
    carriers: &Carriers,
    sim: &Sim,
    key: &[u8; 32],
) -> Result<(usize, usize)> {
    let report = run_pass(
        db.clone(),
        carriers,
        SyncOptions::default(),
        &Actor::system(),
        sim.now(),
    )
    .await?;
    let who = Station::new("recepcion-demo", "system")?;
    let mut scanned = 0;
    for id in db.read(|c| reception::returned_unscanned(c, 40))? {
        let code = EnvelopeCode::issue(key, id);
        check_in(db, key, code.as_str(), &who, &*sim.clock())?;
        scanned += 1;
    }
    Ok((report.status_changes, scanned))
}

/// Runs [`tick`] every `every` until `shutdown` resolves.
pub async fn live(
    db: Arc<Db>,
    carriers: Carriers,
    sim: Arc<Sim>,
    key: [u8; 32],
    every: Duration,
    shutdown: impl std::future::Future<Output = ()>,
) {
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            r = tick(&db, &carriers, &sim, &key) => match r {
                Ok((changes, scanned)) if changes + scanned > 0 => log::info!("demo: {changes} cambios de estado, {scanned} sobres recibidos"),
                Ok(_) => {}
                Err(e) => log::warn!("demo: {e}"),
            },
        }
        tokio::select! {
            _ = &mut shutdown => break,
            _ = tokio::time::sleep(every) => {}
        }
    }
}
