//! `tsunagu-conformance`: checks that a backend at any base URL implements the Tsunagu `/api/v1`
//! contract, by running user-level scenarios over real HTTP.
//!
//! It needs three accounts on the backend: a *member* of at least one patient group, an
//! *outsider* who is not a member of that group, and a *physician*. It creates posts, groups,
//! links and family accounts, so point it at a test instance, never at production data.

mod client;
mod scenarios;

use clap::Parser;
use std::process::ExitCode;

/// Command-line options; every one can also come from the environment.
#[derive(Parser, Debug, Clone)]
#[command(version, about = "Conformance suite for the Tsunagu /api/v1 contract")]
pub struct Options {
    /// Base URL of the backend (the API is expected under `<base-url>/api/v1`).
    #[arg(long, env = "TSUNAGU_BASE_URL")]
    pub base_url: String,
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
    /// Run only scenarios whose name contains this text.
    #[arg(long)]
    pub only: Option<String>,
}

#[tokio::main]
async fn main() -> ExitCode {
    let options = Options::parse();
    let ctx = match client::Ctx::new(&options) {
        Ok(ctx) => ctx,
        Err(e) => {
            eprintln!("cannot start: {e}");
            return ExitCode::from(2);
        }
    };
    println!("Tsunagu conformance suite against {}", ctx.base);
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
    if failed == 0 && passed > 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
