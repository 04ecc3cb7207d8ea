//! The elector's lookup in a campaign: after reception closes, a sample of electors ask the
//! public `POST /api/v1/lookup` over HTTP with their key and postal code, as they would from
//! INE's site, and each answer's stage is held against the PEP's own; every tenth also asks
//! with a wrong postal code and must get the one refusal, byte for byte the refusal of an
//! unknown key.

use std::sync::Arc;

use serde::Serialize;

use super::{CampaignError, Result};
use crate::storage::{campaign as store, pep_record, Db};

/// Electors asked, about (spread evenly over the list).
const SAMPLE: i64 = 400;

/// What the lookups found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LookupCounts {
    pub asked: u64,
    pub answered: u64,
    pub refused: u64,
    /// Answers that were not what the elector's PEP is (each a problem).
    pub unexpected: u64,
    pub problems: Vec<String>,
}

impl LookupCounts {
    fn problem(&mut self, text: String) {
        self.unexpected += 1;
        if self.problems.len() < 10 {
            self.problems.push(text);
        }
    }
}

async fn ask(http: &reqwest::Client, url: &str, key: &str, postal: &str) -> Result<(u16, Vec<u8>)> {
    let err = |e: reqwest::Error| CampaignError::Station(format!("consulta: {e}"));
    let res = http
        .post(url)
        .json(&serde_json::json!({ "elector_key": key, "postal_code": postal }))
        .send()
        .await
        .map_err(err)?;
    let status = res.status().as_u16();
    Ok((status, res.bytes().await.map_err(err)?.to_vec()))
}

/// The postal code with its first character changed (a ZIP+4 matches its ZIP: change the
/// ZIP itself).
fn wrong(postal: &str) -> String {
    let mut chars = postal.chars();
    let first = match chars.next() {
        Some('1') => '2',
        _ => '1',
    };
    std::iter::once(first).chain(chars).collect()
}

/// Looks up a sample of electors at the app answering at `base`.
pub async fn check(db: &Arc<Db>, base: &str) -> Result<LookupCounts> {
    let sample = db.read(|c| Ok::<_, CampaignError>(store::lookup_sample(c, SAMPLE)?))?;
    let (http, url) = (reqwest::Client::new(), format!("{base}/api/v1/lookup"));
    let mut counts = LookupCounts::default();
    let (_, unknown) = ask(&http, &url, "XXXXXX00000000X000", "00000").await?;
    for (i, (key, postal, pep)) in sample.into_iter().enumerate() {
        counts.asked += 1;
        let stage = db
            .read(|c| Ok::<_, CampaignError>(pep_record::by_pep_id(c, &pep)?))?
            .map(|r| serde_json::to_value(r.stage).unwrap_or_default());
        let (status, body) = ask(&http, &url, &key, &postal).await?;
        let answer: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
        if status == 200 && stage.as_ref() == Some(&answer["status"]) {
            counts.answered += 1;
        } else {
            counts.problem(format!(
                "{pep}: consulta HTTP {status}, etapa {:?}",
                answer["status"]
            ));
        }
        if i % 10 == 0 {
            let (status, body) = ask(&http, &url, &key, &wrong(&postal)).await?;
            if status == 404 && body == unknown {
                counts.refused += 1;
            } else {
                counts.problem(format!(
                    "{pep}: código postal equivocado respondido HTTP {status}"
                ));
            }
        }
    }
    Ok(counts)
}
