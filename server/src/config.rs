//! Command line and environment configuration.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

use crate::events::StreamCaps;
use crate::proxy::TrustedProxies;

#[derive(Debug, Parser)]
#[command(name = "tsunagu-server", version, about = "Tsunagu reference backend")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the /api/v1 contract and the built SPA.
    // Boxed: its many options would make every other command as large.
    Serve(Box<ServeArgs>),
    /// Print the OpenAPI document (YAML) generated from the code.
    Openapi,
    /// For benchmarks: add a patient group with many posts to a demo database (seeding the
    /// demo data first if missing) and print its id.
    SeedLarge(SeedLargeArgs),
    /// Add a region the size of a large deployment (10,000 facilities, 100,000 accounts,
    /// activity and posts over 12 weeks) to the demo data, for the adoption dashboard's
    /// benchmark.
    SeedRegion(SeedRegionArgs),
    /// The access log: check its hash chain.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Running a deployment: the first operator, lost passwords, backups.
    #[command(subcommand)]
    Admin(AdminCommand),
}

/// The database of a command (the same flag and variable as `serve`).
#[derive(Debug, Clone, Args)]
pub struct DatabaseArgs {
    /// The database (`sqlite://…` or `postgres://…`); migrated first if it is behind.
    #[arg(
        long,
        env = "TSUNAGU_DATABASE_URL",
        default_value = "sqlite://data/tsunagu.db",
        hide_env_values = true
    )]
    pub database_url: String,
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create an operator (医師会事務局) account: the first account of a new deployment. The
    /// password comes from TSUNAGU_NEW_PASSWORD, is typed twice at a terminal, or is the first
    /// line of standard input; it needs 13+ characters mixing letters, digits and symbols.
    CreateOperator(CreateOperatorArgs),
    /// Set a new password for an account (asked for as with create-operator) and end all its
    /// sessions.
    ResetPassword(ResetPasswordArgs),
    /// Write a consistent copy of the whole database while the server runs (SQLite: a database
    /// file; PostgreSQL: a pg_dump archive). The file is patient data: keep it encrypted.
    Backup(BackupArgs),
    /// Replace the database with a backup. Stop every server on it first.
    Restore(RestoreArgs),
}

#[derive(Debug, Clone, Args)]
pub struct CreateOperatorArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// The login ID (asked for at a terminal when missing).
    #[arg(long)]
    pub login_id: Option<String>,
    /// The name shown to others, e.g. "石井 事務局" (asked for when missing).
    #[arg(long)]
    pub name: Option<String>,
    /// The name's reading in kana.
    #[arg(long, default_value = "")]
    pub name_kana: String,
}

#[derive(Debug, Clone, Args)]
pub struct ResetPasswordArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// The account's login ID.
    #[arg(long)]
    pub login_id: String,
}

#[derive(Debug, Clone, Args)]
pub struct BackupArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// The file to write (must not exist).
    #[arg(long)]
    pub to: PathBuf,
}

#[derive(Debug, Clone, Args)]
pub struct RestoreArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// The backup to restore.
    #[arg(long)]
    pub from: PathBuf,
    /// PostgreSQL: restore even though other sessions use the database. (On SQLite a running
    /// server always refuses the restore: it holds a lock the operating system frees when it
    /// stops or crashes.)
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Walk the access log's hash chain: exits 0 and prints the chain head when intact, exits 1
    /// naming the first altered, removed, inserted or reordered entry otherwise.
    Verify(AuditVerifyArgs),
}

#[derive(Debug, Clone, Args)]
pub struct AuditVerifyArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,

    /// A head printed by an earlier run: fails if the log no longer holds it (entries at the
    /// end removed or replaced).
    #[arg(long)]
    pub head: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct SeedLargeArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,

    /// How many posts the group gets.
    #[arg(long, default_value_t = 10_000,
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub posts: u32,
}

#[derive(Debug, Clone, Args)]
pub struct SeedRegionArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,

    /// How many facilities (kinds in the proportions of the seed's registration table).
    #[arg(long, default_value_t = 10_000,
          value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub facilities: u32,

    /// How many staff accounts (spread over the facilities).
    #[arg(long, default_value_t = 100_000,
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub users: u32,

    /// How many posts over the last 12 weeks.
    #[arg(long, default_value_t = 200_000,
          value_parser = clap::value_parser!(u32).range(1..=5_000_000))]
    pub posts: u32,
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on; port 0 picks a free port (the chosen one is printed).
    #[arg(long, env = "TSUNAGU_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,

    /// The database: `sqlite://path` (the file and its directory are created when missing) or
    /// `postgres://user:password@host/db` for several instances sharing one database. Its
    /// schema is migrated at start. The password is never logged.
    #[arg(
        long,
        env = "TSUNAGU_DATABASE_URL",
        default_value = "sqlite://data/tsunagu.db",
        hide_env_values = true
    )]
    pub database_url: String,

    /// Connections this instance opens to PostgreSQL at most (ignored for SQLite). Several
    /// instances together must stay under the server's `max_connections`.
    #[arg(long, env = "TSUNAGU_DATABASE_MAX_CONNECTIONS", default_value_t = 16,
          value_parser = clap::value_parser!(u32).range(2..=1000))]
    pub database_max_connections: u32,

    /// Directory of the built SPA (trunk's output). Without it only the API is served.
    #[arg(long, env = "TSUNAGU_DIST", default_value = "dist")]
    pub dist: PathBuf,

    /// Seed demo facilities, users, groups and posts (once; later starts leave them alone).
    #[arg(long)]
    pub demo: bool,

    /// Seconds of inactivity after which a session ends.
    #[arg(long, env = "TSUNAGU_SESSION_IDLE_TIMEOUT_SECS", default_value_t = 1800,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub session_idle_timeout_secs: u32,

    /// Seconds without input after which the nurse's app locks its screen and asks for the
    /// password again (announced in `GET /api/v1/meta`); 0: no lock. Overrides the operator's
    /// setting (the operator console, 15 minutes unless changed): for tests and kiosks.
    #[arg(long, env = "TSUNAGU_IDLE_LOCK_SECS",
          value_parser = clap::value_parser!(u32).range(0..=86_400))]
    pub idle_lock_secs: Option<u32>,

    /// Seconds after login after which a session ends whatever the activity.
    #[arg(long, env = "TSUNAGU_SESSION_MAX_LIFETIME_SECS", default_value_t = 43200,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub session_max_lifetime_secs: u32,

    /// Reverse proxies (comma-separated IPs or CIDR blocks) whose `X-Forwarded-For` and
    /// `X-Forwarded-Proto` are believed; from any other peer these headers are ignored.
    #[arg(
        long = "trusted-proxy",
        env = "TSUNAGU_TRUSTED_PROXY",
        default_value = ""
    )]
    pub trusted_proxies: TrustedProxies,

    /// Another backend origin the SPA may call (`https://host[:port]`), added to the
    /// Content-Security-Policy's `connect-src`; repeat the option (or separate by commas in the
    /// environment) for several.
    #[arg(long = "connect-src", env = "TSUNAGU_CONNECT_SRC", value_delimiter = ',',
          value_parser = parse_origin)]
    pub connect_src: Vec<String>,

    /// Password hashes and checks (Argon2, 19 MiB each) allowed at once; logins beyond it wait
    /// briefly, then get 429. Default: the number of CPUs.
    #[arg(long, env = "TSUNAGU_MAX_CONCURRENT_HASHES",
          value_parser = clap::value_parser!(u16).range(1..))]
    pub max_concurrent_hashes: Option<u16>,

    /// Most client connections served at once; further ones wait in the kernel's accept queue
    /// until one closes. Lowered at start to what the open-file limit allows.
    #[arg(long, env = "TSUNAGU_MAX_CONNECTIONS", default_value_t = 4096,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub max_connections: u32,

    /// Seconds a client has to send a request's headers, counted from connecting or from the
    /// previous response (an idle keep-alive connection is closed after as long).
    #[arg(long, env = "TSUNAGU_HEADER_READ_TIMEOUT_SECS", default_value_t = 10,
          value_parser = clap::value_parser!(u32).range(1..=3600))]
    pub header_read_timeout_secs: u32,

    /// Seconds from a request's headers to its response's headers, body upload included
    /// (408 when the body is late, 503 when the server is). Event streams are not limited:
    /// their headers come at once.
    #[arg(long, env = "TSUNAGU_REQUEST_TIMEOUT_SECS", default_value_t = 30,
          value_parser = clap::value_parser!(u32).range(1..=3600))]
    pub request_timeout_secs: u32,

    /// Event streams one session may hold open (a browser's tabs share one session); a newer
    /// one closes the oldest. Set it no lower than the tabs people keep open.
    #[arg(long, env = "TSUNAGU_MAX_STREAMS_PER_SESSION", default_value_t = 6,
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub max_streams_per_session: u32,

    /// Event streams one user may hold open over all sessions; a newer one closes the oldest.
    /// Directory of uploaded files (`objects/`) and unfinished uploads (`spool/`); default
    /// `media` beside a SQLite database (`data/media`), `media` otherwise.
    #[arg(long, env = "TSUNAGU_MEDIA_DIR")]
    pub media_dir: Option<PathBuf>,
    /// Keep uploaded files in this S3-compatible bucket instead of `--media-dir`/objects
    /// (needs the `s3` build feature; credentials and region from `AWS_ACCESS_KEY_ID`,
    /// `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`). Unfinished uploads stay in `--media-dir`/spool.
    #[arg(long, env = "TSUNAGU_MEDIA_S3_BUCKET")]
    pub media_s3_bucket: Option<String>,
    /// The S3 endpoint (e.g. `http://127.0.0.1:9000` for a self-hosted server); default AWS.
    #[arg(long, env = "TSUNAGU_MEDIA_S3_ENDPOINT")]
    pub media_s3_endpoint: Option<String>,
    /// Largest video, bytes.
    #[arg(long, env = "TSUNAGU_MAX_VIDEO_BYTES", default_value_t = tsunagu_api::DEFAULT_MAX_VIDEO_BYTES)]
    pub max_video_bytes: u64,
    /// Largest photo, audio file or document, bytes.
    #[arg(long, env = "TSUNAGU_MAX_FILE_BYTES", default_value_t = tsunagu_api::DEFAULT_MAX_FILE_BYTES)]
    pub max_file_bytes: u64,
    /// Largest sum of one post's attachments, bytes.
    #[arg(long, env = "TSUNAGU_MAX_POST_BYTES", default_value_t = tsunagu_api::DEFAULT_MAX_POST_BYTES)]
    pub max_post_bytes: u64,
    /// Seconds an upload may send nothing before it is cut off (its bytes so far are kept).
    #[arg(long, env = "TSUNAGU_UPLOAD_IDLE_TIMEOUT_SECS", default_value_t = 60)]
    pub upload_idle_timeout_secs: u32,
    #[arg(long, env = "TSUNAGU_MAX_STREAMS_PER_USER", default_value_t = 12,
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub max_streams_per_user: u32,

    /// Web Push: the contact push services see (`mailto:ops@example.jp` or an `https:` URL;
    /// Apple refuses others). Without it the server sends no push. The key pair is generated at
    /// the first start and kept in the database, shared by every instance.
    #[arg(long, env = "TSUNAGU_VAPID_SUBJECT", value_parser = parse_vapid_subject)]
    pub vapid_subject: Option<String>,

    /// How often an urgent post is pushed again to members who have not acknowledged it
    /// (`300s`, `5m`).
    #[arg(long, env = "TSUNAGU_URGENT_RENOTIFY_EVERY", default_value = "5m",
          value_parser = crate::push::schedule::parse_interval)]
    pub urgent_renotify_every: Duration,

    /// How many times at most an urgent post is pushed again.
    #[arg(long, env = "TSUNAGU_URGENT_RENOTIFY_MAX", default_value_t = 12,
          value_parser = clap::value_parser!(u32).range(0..=1000))]
    pub urgent_renotify_max: u32,

    /// Tests only: accept push endpoints on loopback over plain http.
    #[arg(long, env = "TSUNAGU_PUSH_ALLOW_INSECURE_ENDPOINTS", hide = true)]
    pub push_allow_insecure_endpoints: bool,

    /// E-mail notifications: the SMTP server to send through, in lettre's URL syntax:
    /// `smtp://127.0.0.1:25` (a local relay, plain), `smtps://user:password@host` (TLS from
    /// the start, port 465), `smtp://user:password@host:587?tls=required` (STARTTLS). Give it
    /// in the environment to keep a password off the command line; it is never logged.
    /// Without it the server sends no mail and the app offers none.
    #[arg(long, env = "TSUNAGU_SMTP_URL", hide_env_values = true,
          requires_all = ["mail_from", "public_url"])]
    pub smtp_url: Option<String>,

    /// The sender of notification mail, e.g. `つなぐ Tsunagu <noreply@example.jp>` (required
    /// with --smtp-url).
    #[arg(long, env = "TSUNAGU_MAIL_FROM", value_parser = parse_mailbox)]
    pub mail_from: Option<String>,

    /// The address users open the app at (`https://tsunagu.example.jp`), for the links in
    /// mails (required with --smtp-url).
    #[arg(long, env = "TSUNAGU_PUBLIC_URL", value_parser = parse_origin)]
    pub public_url: Option<String>,

    /// How often a member who chose the digest gets one mail listing the groups with new
    /// unread posts (`60m`, `1h`).
    #[arg(long, env = "TSUNAGU_MAIL_DIGEST_EVERY", default_value = "60m",
          value_parser = crate::push::schedule::parse_interval)]
    pub mail_digest_every: Duration,

    /// Mails name no group, only its kind (「患者グループに新しい投稿があります」): for regions
    /// whose policy keeps even a patient's name out of mail.
    #[arg(long, env = "TSUNAGU_MAIL_WITHOUT_NAMES")]
    pub mail_without_names: bool,
}

fn parse_mailbox(raw: &str) -> Result<String, String> {
    raw.trim()
        .parse::<lettre::message::Mailbox>()
        .map(|_| raw.trim().to_owned())
        .map_err(|e| {
            format!("{raw:?} is not a mail address like `Tsunagu <noreply@example.jp>`: {e}")
        })
}

fn parse_vapid_subject(raw: &str) -> Result<String, String> {
    crate::push::vapid::validate_subject(raw.trim())?;
    Ok(raw.trim().to_owned())
}

impl ServeArgs {
    /// The mail configuration of the command line.
    pub fn email_settings(&self) -> crate::email::EmailSettings {
        crate::email::EmailSettings {
            smtp_url: self.smtp_url.clone(),
            from: self.mail_from.clone(),
            public_url: self.public_url.clone(),
            digest_every: self.mail_digest_every,
            without_names: self.mail_without_names,
            ..crate::email::EmailSettings::default()
        }
    }

    /// The push configuration of the command line.
    pub fn push_settings(&self) -> crate::push::PushSettings {
        crate::push::PushSettings {
            vapid_subject: self.vapid_subject.clone(),
            allow_insecure_endpoints: self.push_allow_insecure_endpoints,
            renotify: crate::push::Renotify {
                every: self.urgent_renotify_every,
                max: self.urgent_renotify_max,
            },
        }
    }
}

/// One password operation per CPU: Argon2 is CPU-bound, so more at once only adds memory.
pub fn default_max_concurrent_hashes() -> usize {
    std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get)
}

/// An `http(s)://host[:port]` origin, lower-cased, for a CSP source list: anything else (a path,
/// a space, a `;`) could widen or break the policy.
pub fn parse_origin(raw: &str) -> Result<String, String> {
    let lower = raw.trim().trim_end_matches('/').to_ascii_lowercase();
    let host = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .ok_or_else(|| format!("{raw:?} must start with https:// or http://"))?;
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']');
    if host.is_empty() || !host.chars().all(allowed) {
        return Err(format!(
            "{raw:?} must be an origin: scheme, host and optional port only"
        ));
    }
    Ok(lower)
}

/// Settings the request handlers need, independent of how they were given.
#[derive(Debug, Clone)]
pub struct Settings {
    pub session_idle_timeout: Duration,
    /// Seconds without input after which the nurse's app locks its screen (0: never), when set
    /// on the command line; otherwise the operator's setting decides.
    pub idle_lock_seconds: Option<u32>,
    pub session_max_lifetime: Duration,
    /// Built SPA to serve for non-API paths; `None` serves the API only.
    pub dist: Option<PathBuf>,
    pub login_limit: LoginLimit,
    /// Refused family-link attempts (unknown link, login ID taken), per link and per address.
    pub join_limit: JoinLimit,
    /// Password hashes and checks allowed at once.
    pub max_concurrent_hashes: usize,
    /// How long a login waits for a hashing slot before it is refused as busy.
    pub hash_wait: Duration,
    /// Interval of SSE heartbeat comments, which is also how often an open event stream checks
    /// that its session is still valid.
    pub sse_heartbeat: Duration,
    /// Peers whose forwarding headers (client address, TLS) are believed.
    pub trusted_proxies: TrustedProxies,
    /// Other backend origins the SPA may connect to (CSP `connect-src`).
    pub connect_src: Vec<String>,
    /// Longest time from a request's headers to its response's headers (body upload included).
    pub request_timeout: Duration,
    /// Open event streams per session and per user.
    pub stream_caps: StreamCaps,
    /// What the accept loop allows each connection.
    pub connections: ConnectionLimits,
    /// Where files go and how large they may be.
    pub media: crate::media::MediaSettings,
    /// Web Push: off without a VAPID subject.
    pub push: crate::push::PushSettings,
    /// E-mail notifications: off without an SMTP URL.
    pub email: crate::email::EmailSettings,
}

/// Limits of the accept loop ([`crate::listener`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// Connections served at once.
    pub max_connections: usize,
    /// Time to receive a request's headers, from connecting or from the previous response.
    pub header_read_timeout: Duration,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        Self {
            max_connections: 4096,
            header_read_timeout: Duration::from_secs(10),
        }
    }
}

/// Failed-login throttling; the policy is described in [`crate::rate_limit`].
#[derive(Debug, Clone, Copy)]
pub struct LoginLimit {
    /// Failures of one login ID from one address answered at once.
    pub free_failures: u32,
    /// The wait after the first failure beyond the free ones; it doubles with each further one.
    pub first_delay: Duration,
    /// The longest wait.
    pub max_delay: Duration,
    /// A login ID and address with no failure for this long after their wait are forgotten.
    pub forget_after: Duration,
    /// Failures of one login ID from all addresses within `pressure_window` above which the
    /// account is under attack: every address then gets `pressured_free_failures` free ones.
    pub account_pressure: u32,
    pub pressure_window: Duration,
    pub pressured_free_failures: u32,
    /// Failures from one address, whatever the login ID, allowed in a burst …
    pub address_burst: u32,
    /// … of which one is forgotten every `address_refill`.
    pub address_refill: Duration,
    /// Entries kept per table; beyond it the stalest are dropped.
    pub max_entries: usize,
}

impl Default for LoginLimit {
    fn default() -> Self {
        Self {
            free_failures: 5,
            first_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(15 * 60),
            forget_after: Duration::from_secs(60 * 60),
            account_pressure: 20,
            pressure_window: Duration::from_secs(15 * 60),
            pressured_free_failures: 1,
            address_burst: 100,
            address_refill: Duration::from_secs(30),
            max_entries: 100_000,
        }
    }
}

/// A fixed window: at most `max_failures` within `window`, per key and per address.
#[derive(Debug, Clone, Copy)]
pub struct JoinLimit {
    pub max_failures: usize,
    pub window: Duration,
}

impl Default for JoinLimit {
    fn default() -> Self {
        Self {
            max_failures: 10,
            window: Duration::from_secs(15 * 60),
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            session_idle_timeout: Duration::from_secs(1800),
            idle_lock_seconds: None,
            session_max_lifetime: Duration::from_secs(43200),
            dist: None,
            login_limit: LoginLimit::default(),
            join_limit: JoinLimit::default(),
            max_concurrent_hashes: default_max_concurrent_hashes(),
            hash_wait: Duration::from_secs(2),
            sse_heartbeat: Duration::from_secs(tsunagu_api::SSE_HEARTBEAT_SECONDS),
            trusted_proxies: TrustedProxies::default(),
            connect_src: Vec::new(),
            request_timeout: Duration::from_secs(30),
            stream_caps: StreamCaps::default(),
            connections: ConnectionLimits::default(),
            media: crate::media::MediaSettings::default(),
            push: crate::push::PushSettings::default(),
            email: crate::email::EmailSettings::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connect_src_takes_origins_only() {
        assert_eq!(
            parse_origin("https://EHR.example.jp:8443/").unwrap(),
            "https://ehr.example.jp:8443"
        );
        assert_eq!(
            parse_origin("http://[::1]:8080").unwrap(),
            "http://[::1]:8080"
        );
        for bad in [
            "ehr.example.jp",
            "https://",
            "https://a.example/path",
            "https://a.example; script-src *",
            "https://a.example 'unsafe-inline'",
            "javascript:alert(1)",
        ] {
            assert!(parse_origin(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn serve_reads_proxies_and_backends() {
        let cli = Cli::try_parse_from([
            "tsunagu-server",
            "serve",
            "--trusted-proxy",
            "10.0.0.1,192.168.0.0/16",
            "--connect-src",
            "https://a.example",
            "--connect-src",
            "https://b.example",
        ])
        .unwrap();
        let Command::Serve(args) = cli.command else {
            panic!("serve expected")
        };
        assert!(args
            .trusted_proxies
            .contains("192.168.3.4".parse().unwrap()));
        assert_eq!(args.connect_src, ["https://a.example", "https://b.example"]);
        assert_eq!(args.max_concurrent_hashes, None);
        let cli = Cli::try_parse_from(["tsunagu-server", "serve", "--max-concurrent-hashes", "3"])
            .unwrap();
        let Command::Serve(args) = cli.command else {
            panic!("serve expected")
        };
        assert_eq!(args.max_concurrent_hashes, Some(3));
        assert!(
            Cli::try_parse_from(["tsunagu-server", "serve", "--max-concurrent-hashes", "0"])
                .is_err()
        );
        assert!(
            Cli::try_parse_from(["tsunagu-server", "serve", "--trusted-proxy", "nope"]).is_err()
        );
    }

    #[test]
    fn serve_reads_connection_and_stream_limits() {
        let parse = |extra: &[&str]| {
            let cli = Cli::try_parse_from(["tsunagu-server", "serve"].iter().chain(extra))?;
            let Command::Serve(args) = cli.command else {
                panic!("serve expected")
            };
            Ok::<_, clap::Error>(args)
        };
        let defaults = parse(&[]).unwrap();
        assert_eq!(defaults.max_connections, 4096);
        assert_eq!(defaults.header_read_timeout_secs, 10);
        assert_eq!(defaults.request_timeout_secs, 30);
        assert_eq!(defaults.max_streams_per_session, 6);
        assert_eq!(defaults.max_streams_per_user, 12);
        let set = parse(&[
            "--max-connections",
            "100",
            "--header-read-timeout-secs",
            "5",
            "--request-timeout-secs",
            "60",
            "--max-streams-per-session",
            "2",
            "--max-streams-per-user",
            "3",
        ])
        .unwrap();
        assert_eq!(
            (
                set.max_connections,
                set.header_read_timeout_secs,
                set.request_timeout_secs,
                set.max_streams_per_session,
                set.max_streams_per_user
            ),
            (100, 5, 60, 2, 3)
        );
        assert!(parse(&["--max-connections", "0"]).is_err());
        assert!(parse(&["--header-read-timeout-secs", "0"]).is_err());
        assert!(parse(&["--max-streams-per-user", "0"]).is_err());
    }

    #[test]
    fn serve_reads_push_settings() {
        let parse = |extra: &[&str]| {
            let cli = Cli::try_parse_from(["tsunagu-server", "serve"].iter().chain(extra))?;
            let Command::Serve(args) = cli.command else {
                panic!("serve expected")
            };
            Ok::<_, clap::Error>(args.push_settings())
        };
        let defaults = parse(&[]).unwrap();
        assert_eq!(defaults, crate::push::PushSettings::default());
        let set = parse(&[
            "--vapid-subject",
            "mailto:ops@example.jp",
            "--urgent-renotify-every",
            "1s",
            "--urgent-renotify-max",
            "3",
            "--push-allow-insecure-endpoints",
        ])
        .unwrap();
        assert_eq!(set.vapid_subject.as_deref(), Some("mailto:ops@example.jp"));
        assert_eq!(set.renotify.every, Duration::from_secs(1));
        assert_eq!(set.renotify.max, 3);
        assert!(set.allow_insecure_endpoints);
        assert!(parse(&["--vapid-subject", "ops@example.jp"]).is_err());
        assert!(parse(&["--urgent-renotify-every", "0s"]).is_err());
    }

    #[test]
    fn serve_reads_mail_settings() {
        let parse = |extra: &[&str]| {
            let cli = Cli::try_parse_from(["tsunagu-server", "serve"].iter().chain(extra))?;
            let Command::Serve(args) = cli.command else {
                panic!("serve expected")
            };
            Ok::<_, clap::Error>(args.email_settings())
        };
        let defaults = parse(&[]).unwrap();
        assert_eq!(defaults, crate::email::EmailSettings::default());
        assert_eq!(defaults.digest_every, Duration::from_secs(3600));
        let set = parse(&[
            "--smtp-url",
            "smtp://127.0.0.1:2525",
            "--mail-from",
            "つなぐ Tsunagu <noreply@example.jp>",
            "--public-url",
            "https://tsunagu.example.jp/",
            "--mail-digest-every",
            "15m",
            "--mail-without-names",
        ])
        .unwrap();
        assert_eq!(set.smtp_url.as_deref(), Some("smtp://127.0.0.1:2525"));
        assert_eq!(
            set.public_url.as_deref(),
            Some("https://tsunagu.example.jp")
        );
        assert_eq!(set.digest_every, Duration::from_secs(900));
        assert!(set.without_names);
        // The sender and the public address come with the SMTP server.
        assert!(parse(&["--smtp-url", "smtp://127.0.0.1:2525"]).is_err());
        assert!(parse(&["--mail-from", "not an address"]).is_err());
        assert!(parse(&["--mail-digest-every", "0m"]).is_err());
    }
}
