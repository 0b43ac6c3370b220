//! RFC 3339 UTC timestamps with exactly millisecond precision, as the contract requires. Use as
//! `#[serde(with = "rfc3339_millis")]` (or `rfc3339_millis::option`).

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serializer};

pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&t.to_rfc3339_opts(SecondsFormat::Millis, true))
}

pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
    let s = String::deserialize(d)?;
    DateTime::parse_from_rfc3339(&s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(serde::de::Error::custom)
}

/// The same for optional fields.
pub mod option {
    use super::*;

    pub fn serialize<S: Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => super::serialize(t, s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|s| {
                DateTime::parse_from_rfc3339(&s)
                    .map(|t| t.with_timezone(&Utc))
                    .map_err(serde::de::Error::custom)
            })
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};
    use serde::{Deserialize, Serialize};

    #[test]
    fn times_are_rfc3339_utc_with_millis() {
        let t = DateTime::parse_from_rfc3339("2026-11-24T09:30:00.123456+09:00")
            .unwrap()
            .with_timezone(&Utc);
        let post = NewPostTime { t };
        let json = serde_json::to_string(&post).unwrap();
        assert_eq!(json, r#"{"t":"2026-11-24T00:30:00.123Z"}"#);
        let back: NewPostTime = serde_json::from_str(&json).unwrap();
        assert_eq!(back.t.timestamp_millis(), t.timestamp_millis());
    }

    #[derive(Serialize, Deserialize)]
    struct NewPostTime {
        #[serde(with = "super")]
        t: DateTime<Utc>,
    }
}
