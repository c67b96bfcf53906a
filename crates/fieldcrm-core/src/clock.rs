//! Time is passed in, never read inside business logic, so tests are deterministic.

use std::sync::Mutex;

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Offset, SecondsFormat, TimeZone, Utc};
use chrono_tz::Tz;
use rusqlite::{Connection, OptionalExtension};

use crate::error::Result;

/// The organisation's business time zone: every day boundary (a visit's day, a
/// daily report, 旬 and months, due dates, "today") is counted in it, wherever
/// the laptop's own clock is set. Head office chooses it (an IANA name); it is
/// kept in the synced `org_setting` table, so every book counts days alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Zone(Tz);

/// The key of the business time zone in `org_setting`.
pub const TIME_ZONE_SETTING: &str = "time_zone";

impl Default for Zone {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl Zone {
    /// China Standard Time, for an organisation that has not chosen another.
    pub const DEFAULT: Zone = Zone(Tz::Asia__Shanghai);

    /// A zone by its IANA name (`Asia/Shanghai`, `Asia/Urumqi`, `UTC`).
    pub fn parse(name: &str) -> Option<Zone> {
        name.trim().parse::<Tz>().ok().map(Zone)
    }

    pub fn name(self) -> &'static str {
        self.0.name()
    }

    /// The book's business time zone (the default when head office has not set one).
    pub fn of(conn: &Connection) -> Result<Zone> {
        let name: Option<String> = conn
            .prepare_cached("SELECT value FROM org_setting WHERE id = ?1")?
            .query_row([TIME_ZONE_SETTING], |r| r.get(0))
            .optional()?;
        Ok(name.as_deref().and_then(Zone::parse).unwrap_or_default())
    }

    /// The business day an instant falls on.
    pub fn day(self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.0).date_naive()
    }

    /// The instant a business day begins: its midnight, or where a clock change
    /// skips midnight, the first minute that exists.
    pub fn day_start(self, day: NaiveDate) -> DateTime<Utc> {
        self.instant(day.and_hms_opt(0, 0, 0).unwrap_or_default())
    }

    /// A wall-clock time in this zone as an instant (the earlier one where the
    /// clock goes back, the next that exists where it skips forward; a skip
    /// lasts at most two hours).
    pub fn instant(self, local: NaiveDateTime) -> DateTime<Utc> {
        (0..=8)
            .map(|quarter| local + Duration::minutes(15 * quarter))
            .find_map(|local| self.0.from_local_datetime(&local).earliest())
            .map_or_else(|| local.and_utc(), |t| t.with_timezone(&Utc))
    }

    /// A time a person gave: RFC 3339 with its offset, or a wall-clock time
    /// without one (`2026-11-22 09:30`, `2026-11-22T09:30:15`), read in this zone.
    pub fn read_time(self, text: &str) -> Option<DateTime<Utc>> {
        let text = text.trim();
        parse_timestamp(text)
            .or_else(|| {
                ["%Y-%m-%dT%H:%M%:z", "%Y-%m-%d %H:%M%:z", "%Y-%m-%d %H:%M:%S%:z"]
                    .iter()
                    .find_map(|format| DateTime::parse_from_str(text, format).ok())
                    .map(|t| t.with_timezone(&Utc))
            })
            .or_else(|| {
                ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
                    .iter()
                    .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
                    .map(|local| self.instant(local))
            })
    }

    /// An instant as this zone shows it (`2026-11-22 09:30`).
    pub fn show(self, at: DateTime<Utc>) -> String {
        at.with_timezone(&self.0).format("%Y-%m-%d %H:%M").to_string()
    }

    /// The zone's offset from UTC at an instant, in seconds.
    pub fn offset_seconds(self, at: DateTime<Utc>) -> i32 {
        self.0.offset_from_utc_datetime(&at.naive_utc()).fix().local_minus_utc()
    }

    /// Every zone name a book may choose.
    pub fn names() -> impl Iterator<Item = &'static str> {
        chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name())
    }
}

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// The wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that only moves when told to (tests, demo generation).
#[derive(Debug)]
pub struct FixedClock(Mutex<DateTime<Utc>>);

impl FixedClock {
    pub fn new(at: DateTime<Utc>) -> Self {
        Self(Mutex::new(at))
    }

    pub fn set(&self, at: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = at;
    }

    pub fn advance(&self, by: chrono::Duration) {
        let mut t = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *t += by;
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Parses a date (YYYY-MM-DD).
pub(crate) fn day(field: &str, value: &str, problems: &mut Vec<crate::error::FieldProblem>) -> Option<NaiveDate> {
    match NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d") {
        Ok(day) => Some(day),
        Err(_) => {
            problems.push(crate::error::FieldProblem::new(
                field,
                crate::error::ProblemCode::BadDate,
                format!("'{value}' is not a date; write it as YYYY-MM-DD"),
            ));
            None
        }
    }
}

/// The stored form of a timestamp: RFC 3339, UTC, milliseconds.
pub fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub fn parse_timestamp(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text).ok().map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        parse_timestamp(text).expect("time")
    }

    fn day(text: &str) -> NaiveDate {
        text.parse().expect("day")
    }

    #[test]
    fn days_are_counted_in_the_zone_not_in_utc() {
        let shanghai = Zone::DEFAULT;
        assert_eq!(shanghai.day(utc("2026-12-01T15:59:59Z")), day("2026-12-01"));
        assert_eq!(shanghai.day(utc("2026-12-01T16:00:00Z")), day("2026-12-02"));
        assert_eq!(shanghai.day_start(day("2026-12-02")), utc("2026-12-01T16:00:00Z"));
        let urumqi = Zone::parse("Asia/Urumqi").expect("zone");
        assert_eq!(urumqi.day(utc("2026-12-01T17:30:00Z")), day("2026-12-01"));
        assert_eq!(urumqi.show(utc("2026-12-01T17:30:00Z")), "2026-12-01 23:30");
        assert_eq!(urumqi.offset_seconds(utc("2026-12-01T17:30:00Z")), 6 * 3600);
    }

    #[test]
    fn clock_changes_neither_lose_nor_double_a_day() {
        let new_york = Zone::parse("America/New_York").expect("zone");
        // Summer time begins at 02:00 on 8 March 2026; ends at 02:00 on 1 November.
        assert_eq!(new_york.day_start(day("2026-03-08")), utc("2026-03-08T05:00:00Z"));
        assert_eq!(new_york.day_start(day("2026-03-09")), utc("2026-03-09T04:00:00Z"));
        assert_eq!(new_york.day_start(day("2026-11-02")), utc("2026-11-02T05:00:00Z"));
        // 02:30 does not exist on 8 March: the next time that does.
        assert_eq!(new_york.read_time("2026-03-08 02:30"), Some(utc("2026-03-08T07:00:00Z")));
        // 01:30 happens twice on 1 November: the first.
        assert_eq!(new_york.read_time("2026-11-01 01:30"), Some(utc("2026-11-01T05:30:00Z")));
        // Where midnight itself is skipped (Santiago, 6 September 2026), the day begins at 01:00.
        let santiago = Zone::parse("America/Santiago").expect("zone");
        assert_eq!(santiago.day_start(day("2026-09-06")), utc("2026-09-06T04:00:00Z"));
        assert_eq!(santiago.day(santiago.day_start(day("2026-09-06"))), day("2026-09-06"));
    }

    #[test]
    fn times_people_give_are_read_in_the_zone_unless_they_carry_an_offset() {
        let zone = Zone::DEFAULT;
        let want = Some(utc("2026-11-22T01:30:00Z"));
        assert_eq!(zone.read_time("2026-11-22 09:30"), want);
        assert_eq!(zone.read_time(" 2026-11-22T09:30:00 "), want);
        assert_eq!(zone.read_time("2026-11-22T09:30:00.000"), want);
        assert_eq!(zone.read_time("2026-11-22T09:30:00+08:00"), want);
        assert_eq!(zone.read_time("2026-11-22T01:30:00Z"), want);
        assert_eq!(zone.read_time("2026-11-22T09:30+08:00"), want);
        assert_eq!(zone.read_time("2026-11-21 20:30-05:00"), want);
        assert_eq!(zone.read_time("2026-11-22"), None);
        assert_eq!(zone.read_time("09:30"), None);
        assert_eq!(zone.read_time("2026-13-22 09:30"), None);
    }

    #[test]
    fn only_real_zone_names_are_zones() {
        assert_eq!(Zone::parse("Asia/Shanghai"), Some(Zone::DEFAULT));
        assert_eq!(Zone::parse("Asia/Beijing"), None);
        assert_eq!(Zone::parse(""), None);
        assert_eq!(Zone::parse("+08:00"), None);
        assert!(Zone::names().any(|n| n == "Asia/Urumqi"));
        assert!(Zone::names().all(|n| Zone::parse(n).is_some_and(|z| z.name() == n)));
    }
}
