//! Erasing the electors' personal data once the election is over (`purge --personal-data`):
//! names, street addresses (the current one and those replaced by corrections), postal codes,
//! e-mails, phones, the names' search index, the city of carrier events, the carriers' raw
//! pushes, and the printed documents' cache records. The outbox holds no address or text. What the law and the reports
//! need stays: elector keys (age and sex of the report tables, the "votó" mark), entity,
//! country and region (the maps), PEPs, legs, statuses, check-ins and the audit trail, which
//! never held personal data.

use rusqlite::{params, Transaction};

use super::Result;
use crate::domain::personal::carrier_place;

/// What one purge erased.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Erased {
    pub electors: usize,
    pub event_places: usize,
    pub document_files: usize,
}

/// Erases every elector's personal data inside `tx` (run with `PRAGMA secure_delete=ON`).
pub fn erase_personal_data(tx: &Transaction) -> Result<Erased> {
    tx.pragma_update(None, "secure_delete", "ON")?;
    let electors = tx.execute(
        "UPDATE electors
            SET given_names = '', paternal_surname = '', maternal_surname = NULL,
                address_line1 = '', address_line2 = NULL, city = '', postal_code = '',
                email = NULL, phone = NULL
          WHERE given_names <> '' OR paternal_surname <> '' OR maternal_surname IS NOT NULL
             OR address_line1 <> '' OR address_line2 IS NOT NULL OR city <> ''
             OR postal_code <> '' OR email IS NOT NULL OR phone IS NOT NULL",
        [],
    )?;
    // The contentless full-text index keeps the names' tokens: drop them all.
    tx.execute(
        "INSERT INTO elector_names (elector_names) VALUES ('delete-all')",
        [],
    )?;
    // Earlier addresses kept by address corrections, and the carriers' raw pushes (their
    // scan places name cities): what the audit trail needs of them is their digest and id.
    tx.execute(
        "UPDATE address_history
            SET address_line1 = '', address_line2 = NULL, city = '', postal_code = ''",
        [],
    )?;
    tx.execute(
        "UPDATE inbox SET body = X'', encoding = 'raw', raw_bytes = NULL",
        [],
    )?;
    let event_places = erase_event_places(tx)?;
    let document_files = tx.execute("DELETE FROM document_files", [])?;
    Ok(Erased {
        electors,
        event_places,
        document_files,
    })
}

/// Keeps only the country of each carrier event's place (a replaced duplicate is an event
/// that differed from another only by its city).
fn erase_event_places(tx: &Transaction) -> Result<usize> {
    let places: Vec<(i64, String)> = tx
        .prepare("SELECT id, location FROM leg_events WHERE location <> ''")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut update = tx.prepare("UPDATE OR REPLACE leg_events SET location = ?2 WHERE id = ?1")?;
    let mut n = 0;
    for (id, place) in places {
        let country = carrier_place(&place, None);
        if country != place {
            n += update.execute(params![id, country])?;
        }
    }
    Ok(n)
}
