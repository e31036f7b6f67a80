//! Publication times: parsed from the forms a CMS writes, compared in days, written as
//! RFC 3339. Knows nothing of articles or of how they are read.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime};

use crate::error::quoted;

/// A publication time, to the second, in UTC.
///
/// Parsed from RFC 3339 (`2021-06-28T09:30:00+02:00`) or a date (`2021-06-28`, taken as
/// midnight UTC); written as RFC 3339 in UTC.
///
/// # Examples
/// ```
/// use connexe::Timestamp;
///
/// let t = Timestamp::parse("2021-06-28T09:30:00+02:00").unwrap();
/// assert_eq!(t.to_string(), "2021-06-28T07:30:00Z");
/// assert_eq!(Timestamp::parse("2021-06-28").unwrap().unix_seconds(), 1_624_838_400);
/// assert!(Timestamp::parse("28/06").is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

impl Timestamp {
    /// The time `seconds` after 1970-01-01T00:00:00Z.
    pub fn from_unix_seconds(seconds: i64) -> Self {
        Timestamp(seconds)
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    pub fn unix_seconds(self) -> i64 {
        self.0
    }

    /// Parses RFC 3339 or `YYYY-MM-DD`.
    ///
    /// # Errors
    /// A message naming the accepted forms and the value given.
    pub fn parse(text: &str) -> std::result::Result<Timestamp, String> {
        let text = text.trim();
        if let Ok(t) = OffsetDateTime::parse(text, &Rfc3339) {
            return Ok(Timestamp(t.unix_timestamp()));
        }
        let date_only = time::macros::format_description!("[year]-[month]-[day]");
        if let Ok(d) = Date::parse(text, &date_only) {
            return Ok(Timestamp(d.midnight().assume_utc().unix_timestamp()));
        }
        Err(format!("expected RFC 3339 or YYYY-MM-DD, got {}", quoted(text)))
    }

    /// Days from `self` to `other`, positive when `other` is later.
    pub fn days_until(self, other: Timestamp) -> f64 {
        // In f64: any two i64 times (an index file may hold any) subtract without overflow.
        (other.0 as f64 - self.0 as f64) / 86_400.0
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match OffsetDateTime::from_unix_timestamp(self.0)
            .ok()
            .and_then(|t| t.format(&Rfc3339).ok())
        {
            Some(s) => f.write_str(&s),
            None => write!(f, "@{}", self.0),
        }
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Timestamp::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extreme_times_do_not_overflow() {
        let (min, max) = (
            Timestamp::from_unix_seconds(i64::MIN),
            Timestamp::from_unix_seconds(i64::MAX),
        );
        assert!(min.days_until(max) > 0.0 && max.days_until(min) < 0.0);
    }
}
