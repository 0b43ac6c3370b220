//! `tsunagu-conformance`: checks that a backend at any base URL implements the Tsunagu `/api/v1`
//! contract, by running user-level scenarios over real HTTP.
//!
//! It needs four accounts on the backend: a *member* of at least one patient group, an
//! *outsider* who is not a member of that group, a *physician* and an *operator*. It creates posts, groups,
//! links and family accounts, so point it at a test instance, never at production data.

mod client;
mod scenarios;

use clap::Parser;
use std::path::PathBuf;
use std::process::ExitCode;
pub(crate) use tsunagu_testkit::ensure;
use tsunagu_testkit::{database, Launcher, ServerProcess};

/// Command-line options; every one can also come from the environment.
#[derive(Parser, Debug, Clone)]
#[command(version, about = "Conformance suite for the Tsunagu /api/v1 contract")]
pub struct Options {
    /// Base URL of the backend (the API is expected under `<base-url>/api/v1`).
    #[arg(long, env = "TSUNAGU_BASE_URL", required_unless_present = "server_bin")]
    pub base_url: Option<String>,
    /// Instead of a base URL: start this reference server binary with demo data on a fresh
    /// database (a temporary SQLite file, or a new database on the PostgreSQL cluster that
    /// `TSUNAGU_TEST_DATABASE_URL` names), check it, and stop it.
    #[arg(long, conflicts_with = "base_url")]
    pub server_bin: Option<PathBuf>,
    /// Login ID of an account that is a member of at least one patient group.
    #[arg(long, env = "TSUNAGU_MEMBER_LOGIN", default_value = "ns.tanaka")]
    pub member_login: String,
    /// Password of the member account.
    #[arg(
        long,
        env = "TSUNAGU_MEMBER_PASSWORD",
        default_value = "Tsunagu-Demo-2026"
    )]
    pub member_password: String,
    /// Login ID of a professional who is not a member of the member's first patient group.
    #[arg(long, env = "TSUNAGU_OUTSIDER_LOGIN", default_value = "ns.kobayashi")]
    pub outsider_login: String,
    /// Password of the outsider account.
    #[arg(
        long,
        env = "TSUNAGU_OUTSIDER_PASSWORD",
        default_value = "Tsunagu-Demo-2026"
    )]
    pub outsider_password: String,
    /// Login ID of a physician (profession `physician`), who becomes the attending physician of
    /// the patient groups the scenarios create.
    #[arg(long, env = "TSUNAGU_PHYSICIAN_LOGIN", default_value = "dr.sato")]
    pub physician_login: String,
    /// Password of the physician account.
    #[arg(
        long,
        env = "TSUNAGU_PHYSICIAN_PASSWORD",
        default_value = "Tsunagu-Demo-2026"
    )]
    pub physician_password: String,
    /// Login ID of an operator (medical association secretariat), who approves applications.
    #[arg(long, env = "TSUNAGU_OPERATOR_LOGIN", default_value = "op.ishikai")]
    pub operator_login: String,
    /// Password of the operator account.
    #[arg(
        long,
        env = "TSUNAGU_OPERATOR_PASSWORD",
        default_value = "Tsunagu-Demo-2026"
    )]
    pub operator_password: String,
    /// Run only scenarios whose name contains this text.
    #[arg(long)]
    pub only: Option<String>,
}

#[tokio::main]
async fn main() -> ExitCode {
    let options = Options::parse();
    // Held until the suite ends: the server and its temporary directory.
    let mut launched: Option<(ServerProcess, tempfile::TempDir)> = None;
    let base_url = match (&options.base_url, &options.server_bin) {
        (Some(url), _) => url.clone(),
        (None, Some(bin)) => {
            let dir = tempfile::tempdir().expect("temporary directory");
            let url = database::fresh(dir.path()).await;
            // Push and mail on, so their scenarios check the endpoints (no push is sent; the
            // confirmation mails go to the test kit's relay on loopback, which nobody reads).
            let (_relay, smtp) = tsunagu_testkit::smtp::SmtpSink::start().await;
            let server = Launcher::new(bin, &url)
                .args(["--vapid-subject", "mailto:conformance@example.jp"])
                .args(["--smtp-url", &format!("smtp://{smtp}")])
                .args(["--mail-from", "Tsunagu conformance <noreply@example.jp>"])
                .args(["--public-url", "http://127.0.0.1"])
                .spawn();
            let base = server.base.clone();
            launched = Some((server, dir));
            base
        }
        (None, None) => unreachable!("clap requires one of them"),
    };
    let ctx = match client::Ctx::new(&base_url, &options) {
        Ok(ctx) => ctx,
        Err(e) => {
            eprintln!("cannot start: {e}");
            return ExitCode::from(2);
        }
    };
    match &launched {
        Some((server, _)) => println!(
            "Tsunagu conformance suite against {} (a fresh server on {})",
            ctx.base,
            redact(&server.database_url)
        ),
        None => println!("Tsunagu conformance suite against {}", ctx.base),
    }
    let (mut passed, mut failed) = (0usize, 0usize);
    for scenario in scenarios::ALL {
        if let Some(only) = &options.only {
            if !scenario.name.contains(only.as_str()) {
                continue;
            }
        }
        match (scenario.run)(&ctx).await {
            Ok(()) => {
                passed += 1;
                println!("ok     {}", scenario.name);
            }
            Err(e) => {
                failed += 1;
                println!("FAILED {}: {e}", scenario.name);
            }
        }
    }
    println!("conformance: {passed} passed, {failed} failed");
    drop(launched);
    if failed == 0 && passed > 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// The database URL without its scheme's credentials, for the report.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => format!("{}://…{}", &url[..scheme], &url[at..]),
        _ => url.to_owned(),
    }
}
