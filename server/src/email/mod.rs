//! E-mail, the second notification channel: a confirmed address hears of new posts at once or
//! in a digest, by a mail that says only which group has something new (see [`text`]).
//!
//! Every mail goes through the `email_outbox` table: the confirmation mail is written in the
//! transaction that stores the address, a post's mails right after the post commits, a digest
//! in the transaction that claims it. One sender task per instance claims due rows (an
//! `UPDATE` that only one instance wins per row), sends each with no transaction open, and
//! deletes it; a transient SMTP failure is retried later with backoff, up to a limit. A crash
//! after a mail was queued still sends it; a crash mid-send may send it once more.

use std::sync::{Arc, Weak};
use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport as _, Message, Tokio1Executor};
use sha2::{Digest as _, Sha256};
use tokio::sync::Notify;
use uuid::Uuid;

use crate::store::{DigestDue, DigestEntry, MailGroup, NewMail, PushPost, QueuedMail, Store};

pub mod text;

/// How long a confirmation code works.
pub const CODE_VALID_MINUTES: i64 = 30;
/// Wrong codes after which the pending code no longer works (a new address PUT sends another).
pub const CODE_TRIES: i32 = 5;
/// Confirmation mails per user within [`CODE_WINDOW`].
pub const CODES_PER_WINDOW: i32 = 5;
pub const CODE_WINDOW: Duration = Duration::from_secs(60 * 60);

/// Mails claimed per round.
const BATCH: i64 = 20;
/// A claim older than this is an instance that died mid-send: the mail is claimed again.
const STALE_CLAIM: Duration = Duration::from_secs(10 * 60);
/// Longest a sender sleeps without looking at the outbox (mails queued by other instances,
/// retries that came due).
const MAX_IDLE: Duration = Duration::from_secs(30);
/// How long an SMTP server has for one mail.
const SEND_TIMEOUT: Duration = Duration::from_secs(60);
/// Members whose digest is queued per round.
const DIGEST_BATCH: i64 = 100;
/// Most often the digest loop looks for due digests.
const MAX_DIGEST_POLL: Duration = Duration::from_secs(60);

/// What mail needs from the configuration. `Debug` leaves the SMTP URL out: it may hold a
/// password.
#[derive(Clone, PartialEq, Eq)]
pub struct EmailSettings {
    /// `smtp://host:port`, `smtps://user:pass@host`, `smtp://…?tls=required` (lettre's
    /// syntax); without it no mail is sent.
    pub smtp_url: Option<String>,
    /// The sender, e.g. `つなぐ Tsunagu <noreply@example.jp>`.
    pub from: Option<String>,
    /// The origin users open, for links (`https://tsunagu.example.jp`).
    pub public_url: Option<String>,
    pub digest_every: Duration,
    /// Mails name no group, only its kind.
    pub without_names: bool,
    /// The wait before the first retry of a mail the SMTP server refused for now; it doubles
    /// with each further failure, up to an hour.
    pub first_retry: Duration,
    /// Attempts after which a mail is given up (and logged).
    pub max_attempts: u32,
}

impl Default for EmailSettings {
    fn default() -> Self {
        Self {
            smtp_url: None,
            from: None,
            public_url: None,
            digest_every: Duration::from_secs(60 * 60),
            without_names: false,
            first_retry: Duration::from_secs(30),
            max_attempts: 10,
        }
    }
}

impl std::fmt::Debug for EmailSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmailSettings")
            .field("smtp_url", &self.smtp_url.as_ref().map(|_| "(set)"))
            .field("from", &self.from)
            .field("public_url", &self.public_url)
            .field("digest_every", &self.digest_every)
            .field("without_names", &self.without_names)
            .field("first_retry", &self.first_retry)
            .field("max_attempts", &self.max_attempts)
            .finish()
    }
}

impl EmailSettings {
    /// The digest period in whole minutes, rounded up, as the app shows it.
    pub fn digest_every_minutes(&self) -> u32 {
        u32::try_from(self.digest_every.as_secs().div_ceil(60)).unwrap_or(u32::MAX)
    }

    fn digest_every_ms(&self) -> i64 {
        i64::try_from(self.digest_every.as_millis()).unwrap_or(i64::MAX)
    }
}

/// The handle handlers use; cheap to clone. Off without an SMTP URL.
#[derive(Clone, Default)]
pub struct Email(Option<Arc<Inner>>);

impl std::fmt::Debug for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Email").field(&self.0.is_some()).finish()
    }
}

struct Inner {
    store: Store,
    settings: EmailSettings,
    public_url: String,
    /// Wakes the sender when mails were queued.
    wake: Arc<Notify>,
}

impl Email {
    pub fn off() -> Self {
        Self(None)
    }

    /// Checks the settings and starts the sender and digest loops, which end when the last
    /// handle is dropped. Off without an SMTP URL.
    pub async fn start(store: Store, settings: &EmailSettings) -> anyhow::Result<Self> {
        let Some(url) = settings.smtp_url.as_deref() else {
            tracing::info!("e-mail notifications are off: no --smtp-url");
            return Ok(Self::off());
        };
        let from: Mailbox = settings
            .from
            .as_deref()
            .ok_or_else(|| anyhow::anyhow!("--mail-from is required with --smtp-url"))?
            .parse()
            .map_err(|e| anyhow::anyhow!("--mail-from is not a mail address: {e}"))?;
        let public_url = settings
            .public_url
            .as_deref()
            .ok_or_else(|| anyhow::anyhow!("--public-url is required with --smtp-url"))?
            .trim_end_matches('/')
            .to_owned();
        // The error never repeats the URL: it may hold the password.
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| anyhow::anyhow!("--smtp-url cannot be used: {}", error_kind(&e)))?
            .timeout(Some(SEND_TIMEOUT))
            .build();
        let wake = Arc::new(Notify::new());
        let inner = Arc::new(Inner {
            store: store.clone(),
            settings: settings.clone(),
            public_url,
            wake: wake.clone(),
        });
        let sender = Sender {
            store: store.clone(),
            transport,
            from,
            first_retry: settings.first_retry,
            max_attempts: settings.max_attempts,
            email: Arc::downgrade(&inner),
        };
        tokio::spawn(sender.run(wake));
        tokio::spawn(digests(store, Arc::downgrade(&inner)));
        tracing::info!(
            digest_every_minutes = settings.digest_every_minutes(),
            "e-mail notifications are on"
        );
        Ok(Self(Some(inner)))
    }

    /// Whether this server sends mail.
    pub fn available(&self) -> bool {
        self.0.is_some()
    }

    /// Queues the mails of a new post without making the caller wait; a failure is logged.
    pub fn post_created(&self, post: PushPost) {
        if let Some(inner) = &self.0 {
            let inner = inner.clone();
            tokio::spawn(async move {
                if let Err(e) = inner.queue_post(post).await {
                    tracing::error!(error = %e, "queueing notification mails failed");
                }
            });
        }
    }

    /// Wakes the sender (a mail was queued in a transaction of the caller's).
    pub fn wake(&self) {
        if let Some(inner) = &self.0 {
            inner.wake.notify_one();
        }
    }
}

impl Inner {
    async fn queue_post(&self, post: PushPost) -> anyhow::Result<()> {
        let Some((group, recipients)) = self.store.post_mail_recipients(&post).await? else {
            return Ok(());
        };
        if recipients.is_empty() {
            return Ok(());
        }
        let text = text::post_mail(
            &group_ref(&group, self.settings.without_names),
            post.urgent,
            &self.public_url,
        );
        let mails: Vec<NewMail> = recipients
            .into_iter()
            .map(|r| NewMail {
                user_id: r.user_id,
                to: r.address,
                subject: text.subject.clone(),
                body: text.body.clone(),
            })
            .collect();
        self.store
            .enqueue_mails(&mails, crate::time::now_ms())
            .await?;
        self.wake.notify_one();
        Ok(())
    }

    fn digest(&self, due: &DigestDue, entries: &[DigestEntry]) -> Option<NewMail> {
        let lines: Vec<text::DigestLine<'_>> = entries
            .iter()
            .map(|e| text::DigestLine {
                group: group_ref(&e.group, self.settings.without_names),
                count: e.unread,
            })
            .collect();
        let text = text::digest_mail(&lines, &self.public_url)?;
        Some(NewMail {
            user_id: due.user_id,
            to: due.address.clone(),
            subject: text.subject,
            body: text.body,
        })
    }
}

/// A group as its mails name it: nothing when names are off, the patient for a patient group.
pub fn group_ref(group: &MailGroup, without_names: bool) -> text::GroupRef<'_> {
    let name = match group.kind {
        _ if without_names => None,
        tsunagu_api::GroupKind::Direct => None,
        tsunagu_api::GroupKind::Patient => Some(text::patient_label(
            &group.name,
            group.patient_name.as_deref(),
        )),
        _ => Some(group.name.as_str()),
    };
    text::GroupRef {
        id: group.id,
        kind: group.kind,
        name,
    }
}

/// An address as the server accepts it: lettre's syntax (RFC 5321 without comments or a
/// display name) and at most [`tsunagu_api::MAX_EMAIL_ADDRESS_BYTES`] bytes. Surrounding
/// spaces are dropped.
pub fn normalize_address(raw: &str) -> Option<String> {
    let address = raw.trim();
    if address.is_empty() || address.len() > tsunagu_api::MAX_EMAIL_ADDRESS_BYTES {
        return None;
    }
    let parsed: lettre::Address = address.parse().ok()?;
    Some(parsed.to_string())
}

/// A new random code of [`tsunagu_api::EMAIL_CODE_DIGITS`] digits.
pub fn new_code() -> String {
    use rand::Rng as _;
    let digits = tsunagu_api::EMAIL_CODE_DIGITS;
    let n = rand::rngs::OsRng.gen_range(0..10u32.pow(digits as u32));
    format!("{n:0digits$}")
}

/// A typed code as compared: spaces and hyphens dropped, full-width digits (a Japanese
/// keyboard's) made ASCII; `None` unless the digits are all there.
pub fn normalize_code(raw: &str) -> Option<String> {
    let code: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-' && *c != 'ー')
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            c => c,
        })
        .collect();
    (code.len() == tsunagu_api::EMAIL_CODE_DIGITS && code.bytes().all(|b| b.is_ascii_digit()))
        .then_some(code)
}

/// How a code is stored: bound to its user, so equal codes of two users differ.
pub fn code_hash(user: Uuid, code: &str) -> String {
    hex::encode(Sha256::digest(format!("{user}:{code}").as_bytes()))
}

/// The part of an address after the `@`, which is all a log line may say of it.
fn domain(address: &str) -> &str {
    address.rsplit_once('@').map_or("?", |(_, domain)| domain)
}

/// What kind of SMTP failure this was, without the server's text (which may quote the address).
fn error_kind(e: &lettre::transport::smtp::Error) -> String {
    let kind = if e.is_permanent() {
        "permanent"
    } else if e.is_transient() {
        "transient"
    } else if e.is_timeout() {
        "timeout"
    } else if e.is_tls() {
        "tls"
    } else if e.is_client() {
        "client"
    } else if e.is_response() {
        "response"
    } else {
        "connection"
    };
    match e.status() {
        Some(code) => format!("{kind} ({code})"),
        None => kind.to_owned(),
    }
}

/// The sender loop of one instance.
struct Sender {
    store: Store,
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    first_retry: Duration,
    max_attempts: u32,
    email: Weak<Inner>,
}

impl Sender {
    async fn run(self, wake: Arc<Notify>) {
        loop {
            if self.email.strong_count() == 0 {
                return;
            }
            let now = crate::time::now_ms();
            let stale = now - i64::try_from(STALE_CLAIM.as_millis()).unwrap_or(i64::MAX);
            let mut idle = MAX_IDLE;
            match self.store.claim_mails(now, stale, BATCH).await {
                Ok(mails) => {
                    let full = mails.len() as i64 >= BATCH;
                    for mail in mails {
                        self.send(mail).await;
                    }
                    if full {
                        continue;
                    }
                    match self.store.next_mail_due().await {
                        Ok(Some(at)) => {
                            let wait = u64::try_from(at - crate::time::now_ms()).unwrap_or(0);
                            idle = idle.min(Duration::from_millis(wait));
                        }
                        Ok(None) => {}
                        Err(e) => tracing::error!(error = %e, "reading the mail outbox failed"),
                    }
                }
                Err(e) => tracing::error!(error = %e, "claiming mails failed"),
            }
            // A wake-up that came while sending is kept by `Notify` and ends this at once.
            tokio::select! {
                () = wake.notified() => {}
                () = tokio::time::sleep(idle) => {}
            }
        }
    }

    /// Sends one claimed mail; no transaction is open meanwhile.
    async fn send(&self, mail: QueuedMail) {
        let domain = domain(&mail.to).to_owned();
        let message = match self.message(&mail) {
            Ok(message) => message,
            Err(e) => {
                tracing::error!(domain, error = %e, "a mail cannot be written: dropped");
                self.finish(mail.id).await;
                return;
            }
        };
        let outcome = tokio::time::timeout(SEND_TIMEOUT, self.transport.send(message)).await;
        let failure = match outcome {
            Ok(Ok(_)) => {
                tracing::info!(domain, "mail sent");
                self.finish(mail.id).await;
                return;
            }
            Ok(Err(e)) if e.is_permanent() => {
                tracing::warn!(domain, error = error_kind(&e), "mail refused: dropped");
                self.finish(mail.id).await;
                return;
            }
            Ok(Err(e)) => error_kind(&e),
            Err(_) => "timeout".to_owned(),
        };
        let attempts = u32::try_from(mail.attempts).unwrap_or(0) + 1;
        if attempts >= self.max_attempts {
            tracing::error!(
                domain,
                attempts,
                error = failure,
                "mail not delivered: given up"
            );
            self.finish(mail.id).await;
            return;
        }
        let wait = self
            .first_retry
            .saturating_mul(1 << (attempts - 1).min(16))
            .min(Duration::from_secs(60 * 60));
        tracing::warn!(domain, attempts, error = failure, retry_in = ?wait, "mail not delivered: will retry");
        let next = crate::time::now_ms() + i64::try_from(wait.as_millis()).unwrap_or(i64::MAX);
        if let Err(e) = self.store.retry_mail(mail.id, next).await {
            tracing::error!(error = %e, "releasing a mail for retry failed");
        }
    }

    async fn finish(&self, id: i64) {
        if let Err(e) = self.store.delete_mail(id).await {
            tracing::error!(error = %e, "removing a mail from the outbox failed");
        }
    }

    fn message(&self, mail: &QueuedMail) -> anyhow::Result<Message> {
        Ok(Message::builder()
            .from(self.from.clone())
            .to(Mailbox::new(None, mail.to.parse()?))
            .subject(&mail.subject)
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body.clone())?)
    }
}

/// The digest loop: queues due digests (several instances share the work through the
/// database). Ends when the last handle is gone.
async fn digests(store: Store, email: Weak<Inner>) {
    let Some(every) = email.upgrade().map(|inner| inner.settings.digest_every) else {
        return;
    };
    let poll = (every / 4).clamp(Duration::from_millis(100), MAX_DIGEST_POLL);
    let mut interval = tokio::time::interval(poll);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        let Some(inner) = email.upgrade() else {
            return;
        };
        let render = |due: &DigestDue, entries: &[DigestEntry]| inner.digest(due, entries);
        match store
            .queue_digests(
                crate::time::now_ms(),
                inner.settings.digest_every_ms(),
                DIGEST_BATCH,
                &render,
            )
            .await
        {
            Ok(0) => {}
            Ok(_) => inner.wake.notify_one(),
            Err(e) => tracing::error!(error = %e, "queueing digests failed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use tsunagu_api::GroupKind;

    use super::*;

    #[test]
    fn addresses_are_checked_and_trimmed() {
        assert_eq!(
            normalize_address("  nurse@example.jp "),
            Some("nurse@example.jp".to_owned())
        );
        for bad in [
            "",
            "nurse",
            "nurse@",
            "@example.jp",
            "a b@example.jp",
            "two@at@example.jp",
            "山田 <nurse@example.jp>",
        ] {
            assert_eq!(normalize_address(bad), None, "{bad}");
        }
        let long = format!("{}@example.jp", "a".repeat(250));
        assert_eq!(normalize_address(&long), None);
    }

    #[test]
    fn codes_have_six_digits_and_are_typed_leniently() {
        for _ in 0..50 {
            let code = new_code();
            assert_eq!(code.len(), 6);
            assert!(code.bytes().all(|b| b.is_ascii_digit()));
        }
        assert_eq!(normalize_code(" 123 456 "), Some("123456".to_owned()));
        assert_eq!(normalize_code("１２３４５６"), Some("123456".to_owned()));
        assert_eq!(normalize_code("123-456"), Some("123456".to_owned()));
        assert_eq!(normalize_code("12345"), None);
        assert_eq!(normalize_code("1234567"), None);
        assert_eq!(normalize_code("12345a"), None);
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        assert_ne!(code_hash(a, "123456"), code_hash(b, "123456"));
        assert_eq!(code_hash(a, "123456"), code_hash(a, "123456"));
    }

    #[test]
    fn digest_lines_name_groups_unless_names_are_off() {
        let patient = MailGroup {
            id: Uuid::from_u128(1),
            kind: GroupKind::Patient,
            name: "山田 花子 様".to_owned(),
            patient_name: None,
        };
        let direct = MailGroup {
            id: Uuid::from_u128(2),
            kind: GroupKind::Direct,
            name: "佐藤".to_owned(),
            patient_name: None,
        };
        assert_eq!(group_ref(&patient, false).name, Some("山田 花子"));
        assert_eq!(group_ref(&patient, true).name, None);
        assert_eq!(group_ref(&direct, false).name, None);
        let entries = [
            DigestEntry {
                group: patient.clone(),
                unread: 3,
            },
            DigestEntry {
                group: direct,
                unread: 1,
            },
        ];
        let lines: Vec<text::DigestLine<'_>> = entries
            .iter()
            .map(|e| text::DigestLine {
                group: group_ref(&e.group, true),
                count: e.unread,
            })
            .collect();
        let mail = text::digest_mail(&lines, "https://x.example").unwrap();
        assert_eq!(mail.subject, "【つなぐ】新しい投稿が 4 件あります");
        assert!(mail.body.contains("患者グループ: 3件"), "{}", mail.body);
        assert!(mail.body.contains("個別メッセージ: 1件"));
        assert!(!mail.body.contains("山田") && !mail.body.contains("佐藤"));
    }

    #[test]
    fn every_documented_smtp_url_form_builds_a_transport() {
        for url in [
            "smtp://127.0.0.1:25",
            "smtps://user:p%40ss@mail.example.jp",
            "smtp://user:pass@mail.example.jp:587?tls=required",
            "smtp://mail.example.jp?tls=opportunistic",
        ] {
            assert!(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url).is_ok(),
                "{url}"
            );
        }
        let refused = AsyncSmtpTransport::<Tokio1Executor>::from_url("http://user:secret@x")
            .err()
            .unwrap();
        assert!(!error_kind(&refused).contains("secret"));
    }

    #[test]
    fn debug_output_hides_the_smtp_url() {
        let settings = EmailSettings {
            smtp_url: Some("smtps://user:secret@mail.example.jp".to_owned()),
            ..EmailSettings::default()
        };
        assert!(!format!("{settings:?}").contains("secret"));
        assert_eq!(
            EmailSettings {
                digest_every: Duration::from_secs(90),
                ..settings
            }
            .digest_every_minutes(),
            2
        );
    }
}
