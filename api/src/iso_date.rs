//! Calendar dates on the wire as `YYYY-MM-DD`, read without chrono's general format parser,
//! which would add several KiB to every app that reads a date.

use chrono::{Datelike as _, NaiveDate};
use serde::{Deserialize, Deserializer, Serializer};

pub fn serialize<S: Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()))
}

pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    let s = String::deserialize(d)?;
    parse(&s).ok_or_else(|| serde::de::Error::custom("expected a date YYYY-MM-DD"))
}

fn parse(s: &str) -> Option<NaiveDate> {
    let mut parts = s.splitn(3, '-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_and_write_as_chrono_does() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        assert_eq!(parse("2026-03-02"), Some(d));
        assert_eq!(d.to_string(), "2026-03-02");
        for bad in [
            "2026-3-2",
            "2026-02-30",
            "26-03-02",
            "2026-03-02T00",
            "",
            "2026/03/02",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }
}
