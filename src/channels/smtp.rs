//! E-mail over SMTP with lettre (rustls; STARTTLS or implicit TLS as the URL says, with
//! authentication when it carries credentials). Each message is plain text and HTML, carries
//! the notice's stable Message-ID and a one-click List-Unsubscribe.

use std::time::Duration;

use lettre::message::header::{Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::config::SmtpConfig;
use super::{ChannelError, Email, SendError};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// `List-Unsubscribe: <https://…>`.
#[derive(Debug, Clone)]
struct ListUnsubscribe(String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }
    fn parse(s: &str) -> Result<Self, BoxError> {
        Ok(ListUnsubscribe(s.trim_matches(['<', '>']).to_string()))
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), format!("<{}>", self.0))
    }
}

/// `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058).
#[derive(Debug, Clone)]
struct OneClick;

impl Header for OneClick {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }
    fn parse(_: &str) -> Result<Self, BoxError> {
        Ok(OneClick)
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".into())
    }
}

/// An SMTP relay with a pool of connections.
#[derive(Clone)]
pub struct SmtpChannel {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    domain: String,
}

impl std::fmt::Debug for SmtpChannel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpChannel")
            .field("from", &self.from)
            .finish()
    }
}

impl SmtpChannel {
    /// A relay with a pool of up to `pool` connections: as many messages in flight at once
    /// (each message waits ~40 ms on loopback for the server's delayed ACK of its last write,
    /// so one connection alone carries ~20 messages a second).
    pub fn new(cfg: &SmtpConfig, pool: usize) -> Result<SmtpChannel, ChannelError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&cfg.url)
            .map_err(|e| ChannelError::Config {
                var: "PEP_SMTP_URL",
                reason: e.to_string(),
            })?
            .timeout(Some(Duration::from_secs(20)))
            .pool_config(PoolConfig::new().max_size(pool.clamp(1, 1024) as u32))
            .build();
        let from: Mailbox = cfg.from.parse().map_err(|e| ChannelError::Config {
            var: "PEP_SMTP_FROM",
            reason: format!("{e}"),
        })?;
        let domain = from.email.domain().to_string();
        Ok(SmtpChannel {
            transport,
            from,
            domain,
        })
    }

    /// The domain of the sender address, for Message-IDs.
    pub fn domain(&self) -> &str {
        &self.domain
    }

    /// Builds the message (an address that is not one is a permanent failure).
    pub fn message(&self, email: &Email) -> Result<Message, SendError> {
        let to: Mailbox = email
            .to
            .parse()
            .map_err(|e| SendError::Permanent(format!("dirección inválida: {e}")))?;
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(email.subject.clone())
            .message_id(Some(email.message_id.clone()))
            .header(ListUnsubscribe(email.unsubscribe_url.clone()))
            .header(OneClick)
            .multipart(MultiPart::alternative_plain_html(
                email.text.clone(),
                email.html.clone(),
            ))
            .map_err(|e| SendError::Permanent(e.to_string()))
    }

    /// Sends one e-mail; the server's answer (e.g. "2.0.0 Ok: queued as …") is the id.
    pub async fn send(&self, email: &Email) -> Result<String, SendError> {
        let msg = self.message(email)?;
        match self.transport.send(msg).await {
            Ok(resp) => Ok(resp.message().collect::<Vec<_>>().join(" ")),
            Err(e) if e.is_permanent() => Err(SendError::Permanent(e.to_string())),
            Err(e) => Err(SendError::Transient(e.to_string())),
        }
    }
}
