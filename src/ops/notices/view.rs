//! What staff see of notices: one PEP's notices, the dashboard's counts, and the outbox viewer
//! of demo and drill runs (each notice worded as it would be sent).

use crate::channels::compose;
use crate::domain::pep::PepId;
use crate::domain::scope::Scope;
use crate::storage::outbox_views::{self, NoticeCounts, NoticeRow};
use crate::storage::{election, Db};

use super::sender::{facts, links};
use super::{NoticeOpsError, Result};

/// One PEP's notices, oldest first.
pub fn for_pep(db: &Db, pep: &PepId) -> Result<Vec<NoticeRow>> {
    Ok(db.read(|c| outbox_views::for_pep(c, pep))?)
}

/// A notice as the PEP page lists it (no address: every role may see this table).
#[derive(Debug, Clone, serde::Serialize)]
pub struct PepNotice {
    pub kind: &'static str,
    pub channel: &'static str,
    pub state: &'static str,
    pub created: String,
    pub sent: Option<String>,
    pub attempts: u32,
    pub provider_id: Option<String>,
    pub error: Option<String>,
    /// Handed to the provider, no answer recorded: staff may send it again.
    pub unconfirmed: bool,
}

/// One PEP's notices for its page, times in the election's zone.
pub fn for_pep_page(db: &Db, pep: &PepId) -> Result<Vec<PepNotice>> {
    let (rows, e) =
        db.read(|c| Ok::<_, NoticeOpsError>((outbox_views::for_pep(c, pep)?, election::load(c)?)))?;
    let local = |t| {
        e.as_ref()
            .map_or_else(|| crate::storage::ts(t), |e| e.local(t))
    };
    Ok(rows
        .into_iter()
        .map(|r| PepNotice {
            kind: r.kind.label_es(),
            channel: r.channel.label_es(),
            state: r.state.label_es(),
            created: local(r.created_at),
            sent: r.sent_at.map(local),
            attempts: r.attempts,
            provider_id: r.provider_id,
            error: r.last_error,
            unconfirmed: r.state == crate::domain::notice::NoticeState::Unconfirmed,
        })
        .collect())
}

/// Notices per state and electors opted out, inside `scope`.
pub fn counts(db: &Db, scope: &Scope) -> Result<NoticeCounts> {
    Ok(db.read(|c| outbox_views::counts(c, scope))?)
}

/// A notice as it would go out.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Worded {
    pub id: i64,
    pub pep_id: String,
    pub kind: &'static str,
    pub channel: &'static str,
    pub state: &'static str,
    pub created_at: String,
    pub due_at: String,
    pub sent_at: Option<String>,
    pub provider_id: Option<String>,
    /// The address (for staff allowed to see it), else empty.
    pub to: String,
    pub subject: String,
    pub text: String,
}

/// The latest `limit` notices worded; addresses only with `show_addresses`.
pub fn latest_worded(
    db: &Db,
    public_url: &str,
    limit: usize,
    show_addresses: bool,
) -> Result<Vec<Worded>> {
    let key = super::optout_key(db.secrets()?);
    let (rows, e) = db.read(|c| {
        let e = election::load(c)?;
        Ok::<_, NoticeOpsError>((outbox_views::latest(c, limit)?, e))
    })?;
    let e = e.ok_or(NoticeOpsError::NoElection)?;
    let local = |t: chrono::DateTime<chrono::Utc>| e.local(t);
    Ok(rows
        .into_iter()
        .map(|(row, due)| {
            let f = facts(&due, &e);
            let (subject, text) = match row.channel {
                crate::domain::notice::Channel::Email => {
                    let w = compose::email(&f, &links(public_url, &key, &due));
                    (w.subject, w.text)
                }
                crate::domain::notice::Channel::Sms => (String::new(), compose::sms(&f)),
            };
            Worded {
                id: row.id,
                pep_id: row.pep_id.to_string(),
                kind: row.kind.label_es(),
                channel: row.channel.label_es(),
                state: row.state.label_es(),
                created_at: local(row.created_at),
                due_at: local(row.due_at),
                sent_at: row.sent_at.map(local),
                provider_id: row.provider_id,
                to: if show_addresses {
                    due.address.unwrap_or_default()
                } else {
                    String::new()
                },
                subject,
                text,
            }
        })
        .collect())
}
