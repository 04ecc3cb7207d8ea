//! The numbers of the choropleths: PEPs in force and the return rate (envelopes received on
//! time, per cent of the PEPs in force, like the dashboard's tables) by country of residence
//! and by US state, for the entities inside a scope. Reads only maintained counts.

use std::collections::BTreeMap;

use serde::Serialize;

use super::Result;
pub use crate::documents::maps::Area;
use crate::domain::geo;
use crate::domain::scope::Scope;
use crate::domain::stage::Stage;
use crate::storage::{maps, stage, Db, StorageError};

/// Both maps' numbers, read in one snapshot.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MapData {
    /// Most PEPs first.
    pub countries: Vec<Area>,
    /// Most PEPs first.
    pub us_states: Vec<Area>,
}

fn fold(
    items: impl Iterator<Item = (String, Stage, i64)>,
    name: impl Fn(&str) -> String,
) -> Vec<Area> {
    let mut by: BTreeMap<String, Area> = BTreeMap::new();
    for (code, s, n) in items {
        let a = by.entry(code.clone()).or_insert_with(|| Area {
            name: name(&code),
            code,
            peps: 0,
            received: 0,
        });
        if s != Stage::Voided {
            a.peps += n;
        }
        if s == Stage::Received {
            a.received += n;
        }
    }
    let mut list: Vec<Area> = by.into_values().filter(|a| a.peps > 0).collect();
    list.sort_by(|a, b| b.peps.cmp(&a.peps).then(a.code.cmp(&b.code)));
    list
}

/// The maps of the entities inside `scope`.
pub fn map_data(db: &Db, scope: &Scope) -> Result<MapData> {
    let (counts, states) = db.read(|c| -> Result<_> {
        let tx = c.unchecked_transaction().map_err(StorageError::from)?;
        Ok((
            stage::stage_counts(&tx, scope)?,
            maps::us_state_counts(&tx, scope)?,
        ))
    })?;
    let countries = fold(
        counts.into_iter().map(|c| (c.country, c.stage, c.n)),
        |code| geo::country(code).map_or(code.to_string(), |k| k.name_es.to_string()),
    );
    let us_states = fold(
        states.into_iter().map(|c| (c.region, c.stage, c.n)),
        str::to_string,
    );
    Ok(MapData {
        countries,
        us_states,
    })
}
