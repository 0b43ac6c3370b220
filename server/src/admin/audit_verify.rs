//! `tsunagu-server audit verify`: walks the access log's hash chain and names the first entry
//! that was altered, removed, inserted or moved (see `domain::audit_chain`).

use std::io::Write;

use crate::domain::audit_chain::{Report, Verifier};
use crate::store::{Store, StoreError};

/// Rows read per query: the log may be far larger than memory.
const PAGE: i64 = 5_000;

/// Walks the whole log; with `head`, also checks that this head from an earlier run is in it.
pub async fn verify(store: &Store, head: Option<&str>) -> Result<Report, StoreError> {
    let mut verifier = head.map_or_else(Verifier::new, Verifier::expecting_head);
    let mut after = 0;
    loop {
        let rows = store.audit_chain_page(after, PAGE).await?;
        for row in &rows {
            verifier.push(row);
        }
        match rows.last() {
            Some(last) if !verifier.done() => after = last.id,
            _ => break,
        }
    }
    Ok(verifier.finish())
}

/// Prints the report for the person at the terminal; `true` when the log is intact.
pub fn print(report: &Report, out: &mut impl Write) -> std::io::Result<bool> {
    writeln!(
        out,
        "access log: {} chained entries checked",
        report.entries
    )?;
    if report.unchained_before > 0 {
        writeln!(
            out,
            "{} earlier entries were written before the chain existed and are not covered by it",
            report.unchained_before
        )?;
    }
    if let Some((id, hash)) = &report.head {
        writeln!(out, "head: entry {id} {hash}")?;
        writeln!(
            out,
            "keep the head elsewhere; `tsunagu-server audit verify --head {hash}` later shows \
             whether the log still holds it"
        )?;
    }
    match &report.finding {
        None => {
            writeln!(out, "chain intact")?;
            Ok(true)
        }
        Some(finding) => {
            writeln!(out, "TAMPERED: {finding}")?;
            Ok(false)
        }
    }
}
