//! Read receipts and acknowledgements (既読・見ました).

use tsunagu_api::{Author, Profession, Receipt};

use crate::store::id::Id;
use crate::time::from_ms;

/// A member in a receipt list: who read or acknowledged a post (and when), or who has not
/// (`at_ms` NULL).
#[derive(Debug, sqlx::FromRow)]
pub struct ReceiptRow {
    id: Id,
    display_name: String,
    profession: String,
    facility_name: Option<String>,
    at_ms: Option<i64>,
}

impl ReceiptRow {
    pub fn author(self) -> Author {
        Author {
            id: self.id.into_uuid(),
            display_name: self.display_name,
            profession: Profession::parse(&self.profession),
            facility_name: self.facility_name,
        }
    }

    pub fn receipt(self) -> Receipt {
        let at = from_ms(self.at_ms.unwrap_or_default());
        Receipt {
            user: self.author(),
            at,
        }
    }
}
