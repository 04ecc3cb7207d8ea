//! Shipping batches: grouping PEPs not yet in a batch, listing batches.

use chrono::{DateTime, Utc};

use super::errors::BatchError;
use super::{Actor, OpsError, Result};
use crate::domain::entity::EntityCode;
use crate::domain::geo::Country;
use crate::domain::{geo, text};
use crate::storage::peps::{self, BatchRow};
use crate::storage::{audit, election, Db};

/// What a new batch takes: a name and optional entity and country filters.
#[derive(Debug, Clone, Default)]
pub struct NewBatch<'a> {
    pub name: &'a str,
    pub entity: Option<EntityCode>,
    pub country: Option<&'static Country>,
}

/// A filter as typed: trimmed, and empty means none.
fn given(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

impl<'a> NewBatch<'a> {
    /// The filters as typed at an edge (form, command line): empty means none.
    pub fn parse(
        name: &'a str,
        entity: Option<&str>,
        country: Option<&str>,
    ) -> std::result::Result<NewBatch<'a>, BatchError> {
        let entity = given(entity)
            .map(|e| EntityCode::parse(e).map_err(BatchError::BadEntity))
            .transpose()?;
        let country = given(country)
            .map(|c| geo::country(c).ok_or_else(|| BatchError::UnknownCountry(c.to_string())))
            .transpose()?;
        Ok(NewBatch {
            name,
            entity,
            country,
        })
    }
}

fn check(b: &NewBatch, entities: &[String]) -> Result<()> {
    let name = b.name.trim();
    if name.is_empty() || name.chars().count() > 80 || name.chars().any(char::is_control) {
        return Err(BatchError::BadName.into());
    }
    text::check(name).map_err(BatchError::NameText)?;
    if let Some(e) = b.entity {
        if !entities.iter().any(|x| x == e.as_str()) {
            return Err(BatchError::UnknownEntity {
                entity: e.to_string(),
                allowed: entities.to_vec(),
            }
            .into());
        }
    }
    Ok(())
}

/// Creates a batch of every active PEP not yet in a batch that matches; refuses an empty one.
pub fn create(db: &Db, b: &NewBatch, actor: &Actor, now: DateTime<Utc>) -> Result<(i64, i64)> {
    db.write(|tx| {
        let elec = election::load(tx)?.ok_or(OpsError::NoElection)?;
        check(b, &elec.entities)?;
        let name = b.name.trim();
        if peps::batch_name_exists(tx, name)? {
            return Err(BatchError::NameTaken(name.to_string()).into());
        }
        let (entity, country) = (b.entity.map(EntityCode::as_str), b.country.map(|c| c.code));
        let (id, n) = peps::create_batch(tx, name, entity, country, actor.as_str(), now)?;
        if n == 0 {
            return Err(BatchError::NothingToBatch.into());
        }
        let detail = format!(
            "{n} PEP; entidad {}, país {}",
            entity.unwrap_or("todas"),
            country.unwrap_or("todos")
        );
        audit::append(
            tx,
            &audit::AuditEntry {
                actor: actor.as_str(),
                action: "batch.create",
                subject: &format!("batch:{id}"),
                after: Some(name.as_bytes()),
                detail: &detail,
                ..Default::default()
            },
            now,
        )?;
        Ok((id, n))
    })
    .inspect(|(id, n)| actor.log(&format!("lote {id} creado con {n} PEP")))
}

pub fn list(db: &Db, scope: &crate::domain::scope::Scope) -> Result<Vec<BatchRow>> {
    Ok(db.read(|c| peps::batches(c, scope))?)
}

pub fn get(db: &Db, id: i64) -> Result<BatchRow> {
    db.read(|c| peps::batch(c, id))?
        .ok_or_else(|| BatchError::NoSuchBatch(id).into())
}

/// Active PEPs not yet in a batch, per entity and country.
pub fn unbatched(
    db: &Db,
    scope: &crate::domain::scope::Scope,
) -> Result<Vec<crate::storage::electors::CountRow>> {
    Ok(db.read(|c| peps::unbatched_counts(c, scope))?)
}
