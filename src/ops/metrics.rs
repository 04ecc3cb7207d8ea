//! What `/metrics` reads from the database and the files when scraped: each configured
//! carrier's daily quota left, queue depths, and the database's size on disk.

use chrono::{DateTime, Utc};

use super::Result;
use crate::carriers::config::CarriersConfig;
use crate::metrics::Scraped;
use crate::storage::{depths, tracking, Db};

/// The scrape-time values at `now` (the process's clock), for the carriers configured in
/// `carriers` (none when the configuration is absent or invalid).
pub fn scrape(db: &Db, carriers: Option<&CarriersConfig>, now: DateTime<Utc>) -> Result<Scraped> {
    let day = now.date_naive();
    let mut quota_left = Vec::new();
    for carrier in carriers.map(CarriersConfig::configured).unwrap_or_default() {
        let Some(carriers) = carriers else { break };
        let used = db.read(|c| tracking::carrier_calls(c, carrier, day))?;
        let quota = carriers.limits(carrier).daily_quota;
        quota_left.push((
            carrier.as_str().to_string(),
            i64::from(quota) - i64::from(used),
        ));
    }
    let size = |suffix: &str| {
        std::fs::metadata(format!("{}{suffix}", db.path().display())).map_or(0, |m| m.len())
    };
    Ok(Scraped {
        now,
        quota_left,
        queues: db.read(depths::queue_depths)?,
        db_bytes: (size("") + size("-wal")) as i64,
    })
}
