//! The access log's hash chain (MHLW guideline 6.0 §17: access logs protected against
//! tampering). Every entry stores the hash of the entry before it and its own hash over that and
//! its fields, so an entry that was altered, removed, inserted or moved breaks the chain where it
//! happened. [`Verifier`] walks the log in id order and names the first such entry.
//!
//! The hash has no secret key: someone who can write the database can rebuild the whole chain
//! after a change. That is what the printed chain head is for: kept elsewhere (a ticket, a
//! notebook, another machine), `audit verify --head` shows whether the log still holds it.

use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The predecessor of the first chained entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What an entry's hash covers besides its predecessor's hash. Not the row id: ids are the
/// order, and the chain must show a changed order by itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fields<'a> {
    pub at_ms: i64,
    pub user_id: Option<Uuid>,
    pub action: &'a str,
    pub group_id: Option<Uuid>,
    pub target_id: Option<Uuid>,
    pub client_ip: Option<&'a str>,
}

/// The hash (lower-case hex SHA-256) of an entry with these fields following `prev`.
///
/// The input is a JSON array: unambiguous (no field can run into the next), and the same bytes
/// on every backend since the fields are read back into the same Rust types.
pub fn entry_hash(prev: &str, f: &Fields<'_>) -> String {
    let canonical = serde_json::to_string(&(
        prev,
        f.at_ms,
        f.user_id.map(|u| u.hyphenated().to_string()),
        f.action,
        f.group_id.map(|u| u.hyphenated().to_string()),
        f.target_id.map(|u| u.hyphenated().to_string()),
        f.client_ip,
    ))
    .expect("a tuple of strings and numbers serialises");
    hex::encode(Sha256::digest(canonical.as_bytes()))
}

/// A stored entry as the verifier reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainRow {
    pub id: i64,
    pub at_ms: i64,
    pub user_id: Option<Uuid>,
    pub action: String,
    pub group_id: Option<Uuid>,
    pub target_id: Option<Uuid>,
    pub client_ip: Option<String>,
    /// `None` only for entries written before the chain existed (migration 0008 / 0003).
    pub prev_hash: Option<String>,
    pub hash: Option<String>,
}

impl ChainRow {
    fn fields(&self) -> Fields<'_> {
        Fields {
            at_ms: self.at_ms,
            user_id: self.user_id,
            action: &self.action,
            group_id: self.group_id,
            target_id: self.target_id,
            client_ip: self.client_ip.as_deref(),
        }
    }
}

/// The first place where the log is not what was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// The entry's fields or hashes were changed after it was written.
    Altered { id: i64 },
    /// The entry was added afterwards: it claims the predecessor of the entry after it.
    Inserted { id: i64 },
    /// Two entries are in each other's place.
    Reordered { first: i64, second: i64 },
    /// The entry does not follow the one before it (`after`; `None`: it is the first): entries
    /// between them were removed, or the one before was altered and its hash recomputed.
    Removed { after: Option<i64>, id: i64 },
    /// An entry without a hash after the chain began: written around the server.
    Unchained { id: i64 },
    /// The head kept from an earlier check is not in the log: entries at its end were removed
    /// or replaced.
    HeadMissing { head: String },
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Altered { id } => write!(f, "entry {id} was altered after it was written"),
            Self::Inserted { id } => write!(f, "entry {id} was inserted afterwards"),
            Self::Reordered { first, second } => {
                write!(f, "entries {first} and {second} are out of order")
            }
            Self::Removed {
                after: Some(after),
                id,
            } => write!(
                f,
                "entry {id} does not follow entry {after}: entries between them were removed, \
                 or entry {after} was altered and its hash recomputed"
            ),
            Self::Removed { after: None, id } => write!(
                f,
                "entry {id} is the first but does not start the chain: entries before it were \
                 removed"
            ),
            Self::Unchained { id } => write!(
                f,
                "entry {id} has no hash although it comes after chained entries: it was written \
                 around the server"
            ),
            Self::HeadMissing { head } => write!(
                f,
                "the kept head {head} is not in the log: entries at its end were removed or \
                 replaced"
            ),
        }
    }
}

/// The outcome of a walk over the whole log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Chained entries checked.
    pub entries: u64,
    /// Entries from before the chain existed (not covered by it).
    pub unchained_before: u64,
    /// The last entry's id and hash: keep it to check the log's end later.
    pub head: Option<(i64, String)>,
    pub finding: Option<Finding>,
}

/// The link of an entry the walk remembers.
#[derive(Debug, Clone)]
struct Link {
    id: i64,
    prev: String,
    hash: String,
}

/// Walks the log in id order, one row at a time (the log can be larger than memory), and
/// stops at the first finding. A broken link is classified with the row after it (a swapped
/// pair shows only then), so a finding may wait one row.
#[derive(Debug, Default)]
pub struct Verifier {
    last: Option<Link>,
    /// A row that does not follow `last_before_suspect`, waiting for the next row.
    suspect: Option<(Link, Option<i64>)>,
    entries: u64,
    unchained_before: u64,
    finding: Option<Finding>,
    kept_head: Option<String>,
    kept_head_seen: bool,
}

impl Verifier {
    pub fn new() -> Self {
        Self::default()
    }

    /// Also checks that the log still holds this head from an earlier check.
    pub fn expecting_head(head: &str) -> Self {
        Self {
            kept_head: Some(head.trim().to_ascii_lowercase()),
            ..Self::default()
        }
    }

    /// Whether a finding was made (the caller may stop reading).
    pub fn done(&self) -> bool {
        self.finding.is_some()
    }

    /// Checks the next row (ids ascending).
    pub fn push(&mut self, row: &ChainRow) {
        if self.finding.is_some() {
            return;
        }
        let (Some(prev), Some(hash)) = (&row.prev_hash, &row.hash) else {
            if self.last.is_some() || self.suspect.is_some() {
                self.settle_suspect();
                self.found(Finding::Unchained { id: row.id });
            } else {
                self.unchained_before += 1;
            }
            return;
        };
        if let Some((suspect, before)) = self.suspect.take() {
            // Order P, B, A: B named A as its predecessor, and A comes right after it.
            if *hash == suspect.prev {
                self.found(Finding::Reordered {
                    first: suspect.id,
                    second: row.id,
                });
            } else {
                self.found(Finding::Removed {
                    after: before,
                    id: suspect.id,
                });
            }
            return;
        }
        if entry_hash(prev, &row.fields()) != *hash {
            self.found(Finding::Altered { id: row.id });
            return;
        }
        self.entries += 1;
        if self.kept_head.as_deref() == Some(hash.as_str()) {
            self.kept_head_seen = true;
        }
        let link = Link {
            id: row.id,
            prev: prev.clone(),
            hash: hash.clone(),
        };
        let expected = self.last.as_ref().map_or(GENESIS, |l| l.hash.as_str());
        if *prev != expected {
            match &self.last {
                // The previous entry claims this one's predecessor: it is the stranger.
                Some(last) if last.prev == *prev => {
                    self.found(Finding::Inserted { id: last.id });
                    return;
                }
                _ => self.suspect = Some((link.clone(), self.last.as_ref().map(|l| l.id))),
            }
        }
        self.last = Some(link);
    }

    /// The outcome, after the last row.
    pub fn finish(mut self) -> Report {
        self.settle_suspect();
        if self.finding.is_none() {
            if let Some(head) = self.kept_head.take() {
                if !self.kept_head_seen {
                    self.finding = Some(Finding::HeadMissing { head });
                }
            }
        }
        Report {
            entries: self.entries,
            unchained_before: self.unchained_before,
            head: self.last.map(|l| (l.id, l.hash)),
            finding: self.finding,
        }
    }

    /// A broken link with no row after it to tell a swap: entries were removed.
    fn settle_suspect(&mut self) {
        if let Some((suspect, before)) = self.suspect.take() {
            self.found(Finding::Removed {
                after: before,
                id: suspect.id,
            });
        }
    }

    fn found(&mut self, finding: Finding) {
        if self.finding.is_none() {
            self.finding = Some(finding);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A correctly chained log of `n` entries with ids 1..=n.
    fn log(n: i64) -> Vec<ChainRow> {
        let mut prev = GENESIS.to_owned();
        (1..=n)
            .map(|id| {
                let mut row = ChainRow {
                    id,
                    at_ms: 1_000 + id,
                    user_id: Some(Uuid::from_u128(id as u128)),
                    action: "post.read".into(),
                    group_id: Some(Uuid::from_u128(7)),
                    target_id: None,
                    client_ip: Some("192.0.2.1".into()),
                    prev_hash: None,
                    hash: None,
                };
                let hash = entry_hash(&prev, &row.fields());
                row.prev_hash = Some(std::mem::replace(&mut prev, hash.clone()));
                row.hash = Some(hash);
                row
            })
            .collect()
    }

    fn verify(rows: &[ChainRow]) -> Report {
        let mut v = Verifier::new();
        for row in rows {
            v.push(row);
        }
        v.finish()
    }

    #[test]
    fn an_intact_log_reports_its_head() {
        let rows = log(5);
        let report = verify(&rows);
        assert_eq!(report.finding, None);
        assert_eq!(report.entries, 5);
        assert_eq!(report.head, Some((5, rows[4].hash.clone().unwrap())));
        assert_eq!(verify(&[]).head, None);
    }

    #[test]
    fn every_field_is_covered() {
        let base = log(1).remove(0);
        let changes: [fn(&mut ChainRow); 7] = [
            |r| r.at_ms += 1,
            |r| r.user_id = None,
            |r| r.action = "post.create".into(),
            |r| r.group_id = Some(Uuid::from_u128(8)),
            |r| r.target_id = Some(Uuid::from_u128(9)),
            |r| r.client_ip = Some("192.0.2.2".into()),
            |r| r.client_ip = None,
        ];
        for change in changes {
            let mut row = base.clone();
            change(&mut row);
            assert_eq!(verify(&[row]).finding, Some(Finding::Altered { id: 1 }));
        }
    }

    #[test]
    fn an_edited_entry_is_named() {
        let mut rows = log(6);
        rows[2].action = "group.read".into();
        assert_eq!(verify(&rows).finding, Some(Finding::Altered { id: 3 }));
    }

    #[test]
    fn a_removed_entry_is_named_by_its_successor() {
        let mut rows = log(6);
        rows.remove(3);
        assert_eq!(
            verify(&rows).finding,
            Some(Finding::Removed {
                after: Some(3),
                id: 5
            })
        );
        // The last one gone: only a kept head shows it.
        let mut rows = log(6);
        let head = rows.pop().unwrap().hash.unwrap();
        assert_eq!(verify(&rows).finding, None);
        let mut v = Verifier::expecting_head(&head);
        rows.iter().for_each(|r| v.push(r));
        assert_eq!(v.finish().finding, Some(Finding::HeadMissing { head }));
        // The first one gone.
        let mut rows = log(3);
        rows.remove(0);
        assert_eq!(
            verify(&rows).finding,
            Some(Finding::Removed { after: None, id: 2 })
        );
    }

    #[test]
    fn an_inserted_entry_is_named() {
        let rows = log(6);
        // A forger computes a valid hash after entry 3 and slots the row in before entry 4.
        let mut forged = rows[3].clone();
        forged.action = "post.create".into();
        forged.hash = Some(entry_hash(
            forged.prev_hash.as_ref().unwrap(),
            &forged.fields(),
        ));
        let mut tampered: Vec<ChainRow> = rows[..3].to_vec();
        tampered.push(ChainRow { id: 4, ..forged });
        tampered.extend(rows[3..].iter().map(|r| ChainRow {
            id: r.id + 1,
            ..r.clone()
        }));
        assert_eq!(verify(&tampered).finding, Some(Finding::Inserted { id: 4 }));
    }

    #[test]
    fn a_swapped_pair_is_named() {
        let mut rows = log(6);
        // Whole rows (hashes included) exchanged, ids kept in order.
        let (a, b) = (rows[2].clone(), rows[3].clone());
        rows[2] = ChainRow { id: 3, ..b };
        rows[3] = ChainRow { id: 4, ..a };
        assert_eq!(
            verify(&rows).finding,
            Some(Finding::Reordered {
                first: 3,
                second: 4
            })
        );
        // At the very end too.
        let mut rows = log(2);
        let (a, b) = (rows[0].clone(), rows[1].clone());
        rows[0] = ChainRow { id: 1, ..b };
        rows[1] = ChainRow { id: 2, ..a };
        assert_eq!(
            verify(&rows).finding,
            Some(Finding::Reordered {
                first: 1,
                second: 2
            })
        );
    }

    #[test]
    fn entries_from_before_the_chain_are_counted_not_trusted() {
        let mut legacy = ChainRow {
            id: 1,
            prev_hash: None,
            hash: None,
            ..log(1).remove(0)
        };
        let mut rows = vec![legacy.clone()];
        rows.extend(log(3).into_iter().map(|r| ChainRow { id: r.id + 1, ..r }));
        let report = verify(&rows);
        assert_eq!(report.finding, None);
        assert_eq!((report.unchained_before, report.entries), (1, 3));
        // One without a hash after the chain began was written around the server.
        legacy.id = 5;
        rows.push(legacy);
        assert_eq!(verify(&rows).finding, Some(Finding::Unchained { id: 5 }));
    }

    #[test]
    fn a_kept_head_still_in_the_log_passes() {
        let rows = log(4);
        let mut v = Verifier::expecting_head(&rows[1].hash.clone().unwrap().to_uppercase());
        rows.iter().for_each(|r| v.push(r));
        assert_eq!(v.finish().finding, None);
    }
}
