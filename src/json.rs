//! JSON text to wire types: in the browser with its own `JSON.parse`, then serde through
//! [`value::Value`]; natively (the unit tests) with serde_json.
//!
//! Why not serde_json in the browser too: its deserializer, a copy of its sequence and option
//! readers per wire type and its number parsing were 15.6 KiB of the nurse's download
//! (docs/performance.md). `JSON.parse` is the browser's own, and [`value::Value`] only walks
//! the parsed value. Serialising (request bodies, stored records) stays with serde_json, whose
//! writer is small. The browser test `json_parse_reads_what_serde_json_reads` checks that both
//! read every wire shape alike.

use serde::de::DeserializeOwned;
use tsunagu_api::{LiveEvent, ReadJson};

#[cfg(target_arch = "wasm32")]
mod value;

/// `text` as a `T`; `None` when it is not JSON or not a `T`.
pub fn parse<T: DeserializeOwned>(text: &str) -> Option<T> {
    #[cfg(target_arch = "wasm32")]
    {
        let value = js_sys::JSON::parse(text).ok()?;
        T::deserialize(value::Value(value)).ok()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        serde_json::from_str(text).ok()
    }
}

/// [`parse`] as a [`ReadJson`], for [`LiveEvent::from_sse_with`].
struct Parse;

impl ReadJson for Parse {
    type Error = ();

    fn read<T: DeserializeOwned>(&self, text: &str) -> Result<T, ()> {
        parse(text).ok_or(())
    }

    fn unknown_event(&self) {}
}

/// A live event from its SSE `event:` name and `data:` text; `None` for a name or payload this
/// client does not know.
pub fn live_event(name: &str, data: &str) -> Option<LiveEvent> {
    LiveEvent::from_sse_with(name, data, &Parse).ok()
}
