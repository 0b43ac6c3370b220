//! Opaque keyset cursors: base64url of `<milliseconds>:<uuid>`, the sort key of the last item
//! of a page. Opaque so the encoding can change without breaking clients.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub ms: i64,
    pub id: Uuid,
}

impl Cursor {
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("{}:{}", self.ms, self.id.hyphenated()))
    }

    /// `None` for anything this server did not produce.
    pub fn decode(raw: &str) -> Option<Self> {
        let bytes = URL_SAFE_NO_PAD.decode(raw).ok()?;
        let text = std::str::from_utf8(&bytes).ok()?;
        let (ms, id) = text.split_once(':')?;
        Some(Self {
            ms: ms.parse().ok()?,
            id: Uuid::try_parse(id).ok()?,
        })
    }
}

/// The page size for a requested `limit`: the default when absent, else clamped into
/// `1..=MAX_PAGE_LIMIT`.
pub fn clamp_limit(limit: Option<i64>) -> i64 {
    limit.map_or(i64::from(tsunagu_api::DEFAULT_PAGE_LIMIT), |l| {
        l.clamp(1, i64::from(tsunagu_api::MAX_PAGE_LIMIT))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_garbage() {
        let c = Cursor {
            ms: 1_790_000_000_123,
            id: Uuid::now_v7(),
        };
        assert_eq!(Cursor::decode(&c.encode()), Some(c));
        for bad in [
            "",
            "!!!",
            "bm9jb2xvbg",
            &URL_SAFE_NO_PAD.encode("12:not-a-uuid"),
        ] {
            assert_eq!(Cursor::decode(bad), None, "{bad}");
        }
    }
}
