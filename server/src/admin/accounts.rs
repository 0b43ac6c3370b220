//! `admin create-operator` and `admin reset-password`: the first account of a deployment, and
//! the way back in when an operator's password is lost.

use std::io::{BufRead, IsTerminal, Write};

use anyhow::{bail, Context};
use uuid::Uuid;

use crate::store::{NewOperator, Refusal, Store, StoreError};
use tsunagu_api::password_policy;

/// The environment variable automation sets the new password in (a flag would show in `ps`).
pub const PASSWORD_VAR: &str = "TSUNAGU_NEW_PASSWORD";

/// Login IDs are at most this long (as the family join form).
const MAX_LOGIN_ID_CHARS: usize = 64;

/// A value given on the command line, or asked for at a terminal.
pub fn value_or_prompt(given: Option<String>, question: &str) -> anyhow::Result<String> {
    if let Some(v) = given {
        return Ok(v.trim().to_owned());
    }
    if !std::io::stdin().is_terminal() {
        bail!("{question} is missing: pass it as a flag");
    }
    print!("{question}: ");
    std::io::stdout().flush()?;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim().to_owned())
}

/// The new password: from `TSUNAGU_NEW_PASSWORD`, typed twice without echo at a terminal, or
/// the first line of standard input (a pipe).
pub fn new_password() -> anyhow::Result<String> {
    if let Ok(p) = std::env::var(PASSWORD_VAR) {
        return Ok(p);
    }
    if std::io::stdin().is_terminal() {
        println!(
            "The password needs at least {} characters mixing letters, digits and symbols.",
            password_policy::MIN_WITHOUT_TWO_FACTOR
        );
        let first = rpassword::prompt_password("New password: ")?;
        let again = rpassword::prompt_password("Again: ")?;
        if first != again {
            bail!("the two passwords differ");
        }
        return Ok(first);
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

fn check_login_id(login_id: &str) -> anyhow::Result<()> {
    if login_id.is_empty() {
        bail!("the login ID is empty");
    }
    if login_id.chars().count() > MAX_LOGIN_ID_CHARS {
        bail!("the login ID may have at most {MAX_LOGIN_ID_CHARS} characters");
    }
    if login_id.chars().any(char::is_whitespace) {
        bail!("the login ID may not contain spaces");
    }
    Ok(())
}

/// Checks the password under the guideline's rule for an account without a second factor
/// (operators log in with a password alone until two-factor login is enrolled), then hashes it.
async fn checked_hash(password: String, login_id: &str) -> anyhow::Result<String> {
    password_policy::check(&password, login_id, false).map_err(|w| anyhow::anyhow!("{w}"))?;
    crate::password::hash(password).await
}

/// Creates an operator account.
pub async fn create_operator(
    store: &Store,
    login_id: &str,
    name: &str,
    name_kana: &str,
    password: String,
) -> anyhow::Result<Uuid> {
    check_login_id(login_id)?;
    if name.trim().is_empty() {
        bail!("the name is empty");
    }
    let hash = checked_hash(password, login_id).await?;
    match store
        .create_operator(NewOperator {
            login_id,
            display_name: name.trim(),
            display_name_kana: name_kana.trim(),
            password_hash: &hash,
        })
        .await
    {
        Err(StoreError::Refused(Refusal::LoginIdTaken)) => {
            bail!("the login ID {login_id} is taken")
        }
        other => other.context("creating the account failed"),
    }
}

/// Sets a new password; the account's sessions end.
pub async fn reset_password(
    store: &Store,
    login_id: &str,
    password: String,
) -> anyhow::Result<Uuid> {
    let hash = checked_hash(password, login_id).await?;
    store
        .reset_password(login_id, &hash)
        .await
        .context("resetting the password failed")?
        .ok_or_else(|| anyhow::anyhow!("there is no account {login_id}"))
}
