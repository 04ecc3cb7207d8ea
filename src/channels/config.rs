//! The notice settings from the environment: `PEP_SMTP_URL`, `PEP_SMTP_FROM`,
//! `PEP_SMS_BASE_URL`, `PEP_SMS_ACCOUNT`, `PEP_SMS_TOKEN`, `PEP_SMS_FROM`,
//! `PEP_NOTIFY_QUIET_HOURS`, `PEP_NOTIFY_REMIND_AFTER_DAYS` (N), `PEP_NOTIFY_REMIND_WITHIN_DAYS`
//! (M), `PEP_NOTIFY_LEASE_SECS`, `PEP_SMTP_RATE` and `PEP_SMS_RATE` (messages per second),
//! `PEP_SMTP_CONCURRENCY` and `PEP_SMS_CONCURRENCY` (messages in flight at once), and
//! `PEP_PUBLIC_URL` (the links in the notices). A channel whose variables are all unset is off;
//! a channel half configured is an error. Secrets print as `***`.

use std::time::Duration;

use super::ChannelError;
use crate::domain::notice::{QuietHours, ReminderRule};

/// The SMTP relay.
#[derive(Clone)]
pub struct SmtpConfig {
    /// `smtp://user:pass@host:587?tls=required` (STARTTLS) or `smtps://…` (implicit TLS).
    pub url: String,
    pub from: String,
}

impl std::fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("url", &"***")
            .field("from", &self.from)
            .finish()
    }
}

/// The SMS provider's API.
#[derive(Clone)]
pub struct SmsConfig {
    pub base_url: String,
    pub account: String,
    pub token: String,
    pub from: String,
}

impl std::fmt::Debug for SmsConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmsConfig")
            .field("base_url", &self.base_url)
            .field("account", &self.account)
            .field("token", &"***")
            .field("from", &self.from)
            .finish()
    }
}

/// Everything the notice sender needs to know.
#[derive(Debug, Clone)]
pub struct NoticeConfig {
    pub smtp: Option<SmtpConfig>,
    pub sms: Option<SmsConfig>,
    pub quiet_hours: Option<QuietHours>,
    pub reminder: ReminderRule,
    /// How long a claimed notice stays claimed (a dead sender's claims expire after it).
    pub lease: Duration,
    pub smtp_rate: u32,
    pub sms_rate: u32,
    /// E-mails in flight at once (the SMTP connection pool's size, and the most e-mails a
    /// killed sender can leave `unconfirmed`).
    pub smtp_concurrency: usize,
    /// SMS in flight at once (likewise).
    pub sms_concurrency: usize,
    /// The base of the links in notices (lookup page, opt-out).
    pub public_url: String,
}

impl Default for NoticeConfig {
    fn default() -> Self {
        NoticeConfig {
            smtp: None,
            sms: None,
            quiet_hours: Some(QuietHours::default()),
            reminder: ReminderRule::default(),
            lease: Duration::from_secs(120),
            smtp_rate: 50,
            sms_rate: 10,
            smtp_concurrency: 16,
            sms_concurrency: 8,
            public_url: "http://127.0.0.1:8000".into(),
        }
    }
}

fn var(name: &'static str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn bad(var: &'static str, reason: impl Into<String>) -> ChannelError {
    ChannelError::Config {
        var,
        reason: reason.into(),
    }
}

fn number(name: &'static str, default: u64) -> Result<u64, ChannelError> {
    match var(name) {
        None => Ok(default),
        Some(v) => v
            .trim()
            .parse()
            .map_err(|_| bad(name, format!("«{v}» no es un número entero"))),
    }
}

/// Messages in flight at once: 1 to [`MAX_CONCURRENCY`].
fn concurrency(name: &'static str, default: usize) -> Result<usize, ChannelError> {
    Ok(number(name, default as u64)?.clamp(1, MAX_CONCURRENCY as u64) as usize)
}

/// The most messages a channel keeps in flight at once.
pub const MAX_CONCURRENCY: usize = 256;

impl NoticeConfig {
    /// Reads the environment.
    pub fn from_env() -> Result<NoticeConfig, ChannelError> {
        let d = NoticeConfig::default();
        let smtp = match (var("PEP_SMTP_URL"), var("PEP_SMTP_FROM")) {
            (None, None) => None,
            (Some(url), Some(from)) => Some(SmtpConfig { url, from }),
            (Some(_), None) => {
                return Err(bad("PEP_SMTP_FROM", "falta (PEP_SMTP_URL está puesta)"))
            }
            (None, Some(_)) => {
                return Err(bad("PEP_SMTP_URL", "falta (PEP_SMTP_FROM está puesta)"))
            }
        };
        let names = [
            "PEP_SMS_BASE_URL",
            "PEP_SMS_ACCOUNT",
            "PEP_SMS_TOKEN",
            "PEP_SMS_FROM",
        ];
        let vals: Vec<Option<String>> = names.iter().map(|n| var(n)).collect();
        let sms = if vals.iter().all(Option::is_none) {
            None
        } else if let [Some(base_url), Some(account), Some(token), Some(from)] = &vals[..] {
            Some(SmsConfig {
                base_url: base_url.trim_end_matches('/').to_string(),
                account: account.clone(),
                token: token.clone(),
                from: from.clone(),
            })
        } else {
            let missing = names.iter().zip(&vals).find(|(_, v)| v.is_none());
            let name = missing.map_or("PEP_SMS_TOKEN", |(n, _)| *n);
            return Err(bad(name, "falta (las demás PEP_SMS_* están puestas)"));
        };
        let quiet_hours = match var("PEP_NOTIFY_QUIET_HOURS") {
            None => d.quiet_hours,
            Some(v) => {
                QuietHours::parse(&v).map_err(|e| bad("PEP_NOTIFY_QUIET_HOURS", e.to_string()))?
            }
        };
        let days = |n: u64| chrono::Duration::days(n.min(365) as i64);
        Ok(NoticeConfig {
            smtp,
            sms,
            quiet_hours,
            reminder: ReminderRule {
                after_delivery: days(number("PEP_NOTIFY_REMIND_AFTER_DAYS", 7)?),
                cutoff_within: days(number("PEP_NOTIFY_REMIND_WITHIN_DAYS", 14)?),
            },
            lease: Duration::from_secs(number("PEP_NOTIFY_LEASE_SECS", 120)?.max(1)),
            smtp_rate: number("PEP_SMTP_RATE", d.smtp_rate.into())?.clamp(1, 100_000) as u32,
            sms_rate: number("PEP_SMS_RATE", d.sms_rate.into())?.clamp(1, 10_000) as u32,
            smtp_concurrency: concurrency("PEP_SMTP_CONCURRENCY", d.smtp_concurrency)?,
            sms_concurrency: concurrency("PEP_SMS_CONCURRENCY", d.sms_concurrency)?,
            public_url: var("PEP_PUBLIC_URL")
                .unwrap_or(d.public_url)
                .trim_end_matches('/')
                .to_string(),
        })
    }

    /// Whether any channel is configured (none: notices are kept and shown, not sent).
    pub fn sends(&self) -> bool {
        self.smtp.is_some() || self.sms.is_some()
    }
}
