//! Web Push: the push a member's device gets for a new post, and again for an urgent post until
//! they acknowledge it. A push says only "new message" with the group's kind and id; the post's
//! text, author and patient never leave the server this way.
//!
//! Sending happens off the request path: creating a post hands a notice to a bounded queue and
//! returns; one worker task encrypts (RFC 8291, aes128gcm) and sends each push. The reminder
//! loop claims due reminders in the database (one instance per round) and queues them too.

use std::sync::{Arc, Weak};
use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use futures_util::StreamExt as _;
use reqwest::header::{HeaderName, HeaderValue, AUTHORIZATION};
use reqwest::{StatusCode, Url};
use tokio::sync::mpsc;
use tsunagu_api::{PushKeys, PushPayload};

use crate::store::{PushPost, PushTarget, Store};

pub mod endpoint;
pub mod schedule;
pub mod vapid;

pub use schedule::Renotify;

/// Notices waiting for the worker; beyond this a notice is dropped (and logged) rather than
/// slowing down the post that made it.
const QUEUE: usize = 1024;
/// Pushes of one notice sent at once.
const CONCURRENT_SENDS: usize = 16;
/// How long a push service has to answer.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a push service keeps a push for a device that is offline.
const TTL_NORMAL_SECS: u64 = 24 * 60 * 60;
/// Reminders come anyway; an urgent push older than an hour is noise.
const TTL_URGENT_SECS: u64 = 60 * 60;
/// Reminders claimed per round of the loop.
const REMINDER_BATCH: i64 = 100;

/// What push needs from the configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PushSettings {
    /// The VAPID subject (`mailto:` or `https:`); without it push is off.
    pub vapid_subject: Option<String>,
    /// Tests only: endpoints may be `http://` on loopback.
    pub allow_insecure_endpoints: bool,
    pub renotify: Renotify,
}

/// Why a subscription's keys are refused: the field named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyError {
    P256dh,
    Auth,
}

/// `p256dh` must be a point on P-256 (65 bytes uncompressed), `auth` 16 bytes; both base64url
/// (padding tolerated, as some browsers add it).
pub fn check_keys(keys: &PushKeys) -> Result<(), KeyError> {
    let decode = |s: &str| URL_SAFE_NO_PAD.decode(s.trim_end_matches('='));
    let p256dh = decode(&keys.p256dh).map_err(|_| KeyError::P256dh)?;
    if p256dh.len() != 65 || p256::PublicKey::from_sec1_bytes(&p256dh).is_err() {
        return Err(KeyError::P256dh);
    }
    match decode(&keys.auth) {
        Ok(auth) if auth.len() == 16 => Ok(()),
        _ => Err(KeyError::Auth),
    }
}

/// The plaintext of a push about `post`.
pub fn payload(post: &PushPost) -> Vec<u8> {
    let payload = PushPayload::new(post.kind, post.group_id, post.urgent);
    serde_json::to_vec(&payload).unwrap_or_default()
}

/// The handle handlers use; cheap to clone. Off when no VAPID subject is configured.
#[derive(Clone, Debug, Default)]
pub struct Push(Option<Arc<Inner>>);

#[derive(Debug)]
struct Inner {
    vapid: vapid::Vapid,
    queue: mpsc::Sender<Notice>,
    settings: PushSettings,
}

impl Push {
    /// Push off: no key, nothing sent.
    pub fn off() -> Self {
        Self(None)
    }

    /// Loads (or on the first start creates) the shared VAPID key and starts the worker and
    /// the reminder loop, which end when the last handle is dropped. Off without a subject.
    pub async fn start(store: Store, settings: &PushSettings) -> anyhow::Result<Self> {
        let Some(subject) = settings.vapid_subject.clone() else {
            tracing::info!("web push is off: no --vapid-subject");
            return Ok(Self::off());
        };
        vapid::validate_subject(&subject).map_err(anyhow::Error::msg)?;
        let private = store
            .vapid_private_key(&vapid::generate_private_key(), crate::time::now_ms())
            .await?;
        let vapid = vapid::Vapid::new(&private, subject)?;
        let (queue, notices) = mpsc::channel(QUEUE);
        let inner = Arc::new(Inner {
            vapid,
            queue,
            settings: settings.clone(),
        });
        let client = reqwest::Client::builder()
            .timeout(SEND_TIMEOUT)
            .connect_timeout(Duration::from_secs(5))
            // A push service answers; it never sends us elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            .dns_resolver(Arc::new(endpoint::PublicResolver {
                allow_loopback: settings.allow_insecure_endpoints,
            }))
            .build()?;
        let sender = Sender {
            store: store.clone(),
            client,
            push: Arc::downgrade(&inner),
        };
        tokio::spawn(sender.run(notices));
        tokio::spawn(remind(store, Arc::downgrade(&inner)));
        Ok(Self(Some(inner)))
    }

    /// The VAPID public key, `None` when push is off.
    pub fn public_key(&self) -> Option<&str> {
        self.0.as_ref().map(|inner| inner.vapid.public_key())
    }

    /// Whether `http://` loopback endpoints are allowed (the hidden test flag).
    pub fn allows_insecure_endpoints(&self) -> bool {
        self.0
            .as_ref()
            .is_some_and(|inner| inner.settings.allow_insecure_endpoints)
    }

    /// Queues the pushes of a new post without waiting; a full queue drops it (logged).
    pub fn post_created(&self, post: PushPost) {
        if let Some(inner) = &self.0 {
            enqueue(inner, Notice::New(post));
        }
    }
}

/// What the worker is asked to send.
#[derive(Debug, Clone, Copy)]
enum Notice {
    /// A post just created: its readers (an urgent one also gets its reminder scheduled).
    New(PushPost),
    /// A claimed round of an urgent post's reminder: readers who have not acknowledged it.
    Reminder(PushPost),
}

fn enqueue(inner: &Inner, notice: Notice) {
    if let Err(e) = inner.queue.try_send(notice) {
        tracing::warn!(error = %e, "push queue full: a notification was dropped");
    }
}

/// The worker: sends each notice's pushes.
struct Sender {
    store: Store,
    client: reqwest::Client,
    push: Weak<Inner>,
}

impl Sender {
    async fn run(self, mut notices: mpsc::Receiver<Notice>) {
        while let Some(notice) = notices.recv().await {
            // Between notices the handles may all be gone (shutdown, a test's server).
            let Some(push) = self.push.upgrade() else {
                return;
            };
            if let Err(e) = self.notify(&push, notice).await {
                tracing::error!(error = %e, "sending push notifications failed");
            }
        }
    }

    async fn notify(&self, push: &Inner, notice: Notice) -> anyhow::Result<()> {
        let (post, targets) = match notice {
            Notice::Reminder(post) => (post, self.store.reminder_targets(&post).await?),
            Notice::New(post) => {
                if post.urgent {
                    if let Some(at) = push.settings.renotify.first_at(crate::time::now_ms()) {
                        self.store
                            .add_push_reminder(post.post_id, at, push.settings.renotify.max)
                            .await?;
                    }
                }
                (post, self.store.push_targets(&post).await?)
            }
        };
        let body = payload(&post);
        futures_util::stream::iter(targets)
            .for_each_concurrent(CONCURRENT_SENDS, |target| {
                let body = body.clone();
                async move { self.send(push, &post, &target, body).await }
            })
            .await;
        Ok(())
    }

    async fn send(&self, push: &Inner, post: &PushPost, target: &PushTarget, body: Vec<u8>) {
        let Ok(url) = Url::parse(&target.endpoint) else {
            return;
        };
        let host = url.host_str().unwrap_or("").to_owned();
        let request = match build(push, post, target, &url, body) {
            Ok(request) => request,
            Err(e) => {
                tracing::warn!(host, error = %e, "cannot build a push");
                return;
            }
        };
        let response = match self.client.execute(request).await {
            Ok(response) => response,
            Err(e) => {
                // Without the URL: it is the subscription's secret address.
                tracing::warn!(host, error = %e.without_url(), "push not delivered");
                return;
            }
        };
        match response.status() {
            status if status.is_success() => {
                tracing::debug!(host, %status, "push delivered");
            }
            StatusCode::NOT_FOUND | StatusCode::GONE => {
                tracing::info!(host, status = %response.status(), "push subscription gone: removed");
                if let Err(e) = self.store.drop_push_target(target).await {
                    tracing::error!(error = %e, "removing a gone push subscription failed");
                }
            }
            status => tracing::warn!(host, %status, "push refused"),
        }
    }
}

/// The encrypted push request (RFC 8291 via `web-push-native`), with our VAPID header: the
/// crate's own leaves the port out of the JWT's audience, which must be the endpoint's origin.
fn build(
    push: &Inner,
    post: &PushPost,
    target: &PushTarget,
    url: &Url,
    body: Vec<u8>,
) -> anyhow::Result<reqwest::Request> {
    let p256dh = URL_SAFE_NO_PAD.decode(target.p256dh.trim_end_matches('='))?;
    let auth = URL_SAFE_NO_PAD.decode(target.auth.trim_end_matches('='))?;
    anyhow::ensure!(auth.len() == 16, "auth secret of {} bytes", auth.len());
    let ttl = if post.urgent {
        TTL_URGENT_SECS
    } else {
        TTL_NORMAL_SECS
    };
    let encrypted = web_push_native::WebPushBuilder::new(
        url.as_str().parse()?,
        p256::PublicKey::from_sec1_bytes(&p256dh)?,
        *web_push_native::Auth::from_slice(&auth),
    )
    .with_valid_duration(Duration::from_secs(ttl))
    .build(body)
    .map_err(|e| anyhow::anyhow!("encrypting a push: {e}"))?;
    let (parts, body) = encrypted.into_parts();
    let mut request = reqwest::Request::new(reqwest::Method::POST, url.clone());
    *request.headers_mut() = parts.headers;
    let headers = request.headers_mut();
    headers.insert(
        AUTHORIZATION,
        HeaderValue::from_str(&push.vapid.authorization(url, crate::time::now_ms() / 1000))?,
    );
    headers.insert(
        HeaderName::from_static("urgency"),
        HeaderValue::from_static(if post.urgent { "high" } else { "normal" }),
    );
    // One waiting push per group (per urgent post) replaces the one before it while the device
    // is offline: "new message" once is enough. 32 hex digits fit the Topic's 32 characters.
    let topic = if post.urgent {
        post.post_id.simple().to_string()
    } else {
        post.group_id.simple().to_string()
    };
    headers.insert(
        HeaderName::from_static("topic"),
        HeaderValue::from_str(&topic)?,
    );
    *request.body_mut() = Some(body.into());
    Ok(request)
}

/// The reminder loop: claims due reminders (one instance per round) and queues them. Ends when
/// the last handle is gone.
async fn remind(store: Store, push: Weak<Inner>) {
    let Some(renotify) = push.upgrade().map(|inner| inner.settings.renotify) else {
        return;
    };
    let mut interval = tokio::time::interval(renotify.poll());
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        let Some(inner) = push.upgrade() else {
            return;
        };
        let claimed = store
            .claim_push_reminders(crate::time::now_ms(), renotify.every_ms(), REMINDER_BATCH)
            .await;
        match claimed {
            Ok(posts) => {
                for post in posts {
                    enqueue(&inner, Notice::Reminder(post));
                }
            }
            Err(e) => tracing::error!(error = %e, "claiming urgent reminders failed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use tsunagu_api::GroupKind;
    use uuid::Uuid;

    use super::*;

    #[test]
    fn a_payload_names_only_the_kind_the_group_and_urgency() {
        let post = PushPost {
            post_id: Uuid::from_u128(1),
            group_id: Uuid::from_u128(2),
            kind: GroupKind::Direct,
            timeline: tsunagu_api::Timeline::Care,
            author: Uuid::from_u128(3),
            urgent: false,
        };
        let json: serde_json::Value = serde_json::from_slice(&payload(&post)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "title": "新しいメッセージがあります",
                "kind": "direct",
                "group": Uuid::from_u128(2),
                "urgent": false,
            })
        );
    }

    #[test]
    fn keys_must_be_a_curve_point_and_sixteen_bytes() {
        let point = p256::SecretKey::random(&mut rand::rngs::OsRng)
            .public_key()
            .to_sec1_bytes();
        let p256dh = URL_SAFE_NO_PAD.encode(&point);
        let auth = URL_SAFE_NO_PAD.encode([7u8; 16]);
        let keys = |p: &str, a: &str| PushKeys {
            p256dh: p.to_owned(),
            auth: a.to_owned(),
        };
        assert_eq!(check_keys(&keys(&p256dh, &auth)), Ok(()));
        assert_eq!(
            check_keys(&keys(&format!("{p256dh}="), &format!("{auth}=="))),
            Ok(())
        );
        // 65 bytes, but not a point on the curve.
        let mut off_curve = point.to_vec();
        off_curve[64] ^= 1;
        for bad in [
            URL_SAFE_NO_PAD.encode(&off_curve),
            URL_SAFE_NO_PAD.encode([4u8; 33]),
            "not base64!".to_owned(),
            String::new(),
        ] {
            assert_eq!(
                check_keys(&keys(&bad, &auth)),
                Err(KeyError::P256dh),
                "{bad}"
            );
        }
        for bad in [URL_SAFE_NO_PAD.encode([7u8; 15]), "***".to_owned()] {
            assert_eq!(
                check_keys(&keys(&p256dh, &bad)),
                Err(KeyError::Auth),
                "{bad}"
            );
        }
    }
}
