//! The shipping side of a campaign, through the same use cases operators run: the election
//! and the list, batches, guías, every batch's documents printed to the output directory, and
//! the undeliverable PEPs put through the to-reissue queue into new batches.

use std::path::Path;

use chrono::{DateTime, Duration, Utc};

use super::{CampaignConfig, CampaignError, CarrierMix, Result};
use crate::documents::LabelLayout;
use crate::domain::elector::Address;
use crate::domain::pep::PepId;
use crate::domain::scope::Scope;
use crate::domain::tracking::{synthetic_tracking, LegStatus};
use crate::ops::batches::NewBatch;
use crate::ops::demo_data::{write_demo_csv, DemoSpec};
use crate::ops::import::{import_lnere, Observer};
use crate::ops::{self, Actor};
use crate::storage::{addresses, campaign as store, peps, queues, Db};

/// Loads the election (election day from the calendar) and a synthetic list of the size asked.
pub fn election_and_list(db: &Db, cfg: &CampaignConfig, now: DateTime<Utc>) -> Result<()> {
    if !db.read(store::is_empty)? {
        return Err(CampaignError::NotEmpty);
    }
    let actor = Actor::system();
    let day = super::calendar::election_day(&cfg.calendar, now);
    let toml = super::calendar::election_toml(&cfg.name, &cfg.entities, day);
    ops::election::load(db, &toml, &actor, now)?;
    let spec = DemoSpec {
        electors: cfg.electors,
        seed: cfg.seed,
        entities: cfg.entities.clone(),
    };
    let mut csv = Vec::new();
    write_demo_csv(&spec, &mut csv).map_err(|e| CampaignError::DemoData(e.to_string()))?;
    let mut first_error = None;
    let obs = Observer {
        progress: &mut |_| {},
        error: &mut |e| {
            first_error.get_or_insert_with(|| e.to_string());
        },
    };
    import_lnere(db, csv.as_slice(), "lnere-simulacro.csv", &actor, now, obs).map_err(|e| {
        CampaignError::DemoData(format!("{e}: {}", first_error.unwrap_or_default()))
    })?;
    Ok(())
}

/// One batch per entity with PEPs not yet in a batch; their ids.
pub fn batches_per_entity(
    db: &Db,
    entities: &[String],
    round: &str,
    now: DateTime<Utc>,
) -> Result<Vec<i64>> {
    let actor = Actor::system();
    let mut ids = Vec::new();
    for entity in entities {
        let name = format!("{round} – entidad {entity}");
        let spec = NewBatch::parse(&name, Some(entity), None).map_err(ops::OpsError::from)?;
        match ops::batches::create(db, &spec, &actor, now) {
            Ok((id, _)) => ids.push(id),
            Err(ops::OpsError::Batch(ops::errors::BatchError::NothingToBatch)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(ids)
}

/// Guías for every batched PEP that has none: a carrier from the mix, consecutive synthetic
/// numbers from `serial` on (both legs), through the operators' import. Returns the next serial.
pub fn assign_guias(db: &Db, mix: &CarrierMix, serial: u64, now: DateTime<Utc>) -> Result<u64> {
    let peps = db.read(store::peps_without_guias)?;
    if peps.is_empty() {
        return Ok(serial);
    }
    let mut csv = String::from("pep_id,carrier,outbound_tracking,return_tracking\n");
    let mut n = serial;
    for (pep, _country) in &peps {
        let carrier = mix.pick(n);
        csv.push_str(&format!(
            "{pep},{carrier},{},{}\n",
            synthetic_tracking(carrier, 2 * n),
            synthetic_tracking(carrier, 2 * n + 1)
        ));
        n += 1;
    }
    let mut first = None;
    ops::guias::import_guias(
        db,
        csv.as_bytes(),
        "guias-simulacro.csv",
        &Actor::system(),
        now,
        &mut |e| {
            first.get_or_insert_with(|| e.to_string());
        },
    )
    .map_err(|e| CampaignError::DemoData(format!("{e}: {}", first.unwrap_or_default())))?;
    Ok(n)
}

/// Prints every document of each batch into `DIR/lotes/lote-ID/`; the number of files.
pub fn print(
    db: &Db,
    key: &[u8; 32],
    batches: &[i64],
    dir: &Path,
    now: DateTime<Utc>,
) -> Result<usize> {
    let actor = Actor::system();
    for id in batches {
        let to = dir.join("lotes").join(format!("lote-{id}"));
        ops::documents::write(db, key, *id, &to, LabelLayout::LetterSheet, &actor, now)?;
    }
    Ok(batches.len() * 3)
}

/// The elector's address with the apartment the carrier missed.
fn corrected_address(db: &Db, pep_id: &PepId) -> Result<Option<Address>> {
    let current = db.read(|c| -> crate::storage::Result<Option<Address>> {
        match peps::find(c, pep_id)? {
            Some(pep) => addresses::current(c, pep.elector_id),
            None => Ok(None),
        }
    })?;
    Ok(current.map(|mut a| {
        a.line2 = Some(match a.line2.as_deref() {
            Some("Depto. 1") => "Depto. 2".to_string(),
            _ => "Depto. 1".to_string(),
        });
        a
    }))
}

/// The PEPs the carrier brought back (returned to sender): each voided and reissued. Returns
/// the old PEP ids.
pub fn reissue_returned(db: &Db, now: DateTime<Utc>) -> Result<Vec<PepId>> {
    // Only returned packages: an exception (a customs hold, a failed attempt) may still end in
    // a delivery, and a reissue then would void an envelope on its way.
    let long_ago = now - Duration::days(3650);
    let queue = db.read(|c| queues::to_reissue(c, long_ago, &Scope::National, 100_000))?;
    let mut done = Vec::new();
    for row in queue
        .rows
        .iter()
        .filter(|r| r.status == LegStatus::ReturnToSender)
    {
        // The carrier could not find the address: the elector is reached and confirms the
        // missing apartment, and the replacement goes to the corrected address.
        let corrected = corrected_address(db, &row.pep_id)?;
        ops::reissue::reissue(
            db,
            &row.pep_id,
            "paquete devuelto por la paquetería: domicilio no localizado",
            corrected.as_ref(),
            &Actor::system(),
            now,
        )?;
        done.push(row.pep_id.clone());
    }
    Ok(done)
}
