//! Time is passed in, never read inside business logic, so tests are deterministic.

use std::sync::Mutex;

use chrono::{DateTime, FixedOffset, NaiveDate, SecondsFormat, TimeZone, Utc};

/// The organisation's working time: China Standard Time (UTC+8), which has no
/// daylight saving. Days — a visit's date, a daily report's day, a month's
/// duties, "today" — are counted in it wherever the laptop's clock is set.
pub const WORK_OFFSET_SECONDS: i32 = 8 * 3600;

fn work_zone() -> FixedOffset {
    FixedOffset::east_opt(WORK_OFFSET_SECONDS).unwrap_or_else(|| FixedOffset::east_opt(0).expect("UTC"))
}

/// The working day an instant falls on.
pub fn work_day(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&work_zone()).date_naive()
}

/// The instant a working day begins.
pub fn day_start(day: NaiveDate) -> DateTime<Utc> {
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    work_zone().from_local_datetime(&midnight).single().map_or_else(|| midnight.and_utc(), |t| t.with_timezone(&Utc))
}

/// An instant as the working time zone shows it (`2026-11-22 09:30`).
pub fn work_time(at: DateTime<Utc>) -> String {
    at.with_timezone(&work_zone()).format("%Y-%m-%d %H:%M").to_string()
}

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;

    /// Today's working day.
    fn today(&self) -> NaiveDate {
        work_day(self.now())
    }
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
