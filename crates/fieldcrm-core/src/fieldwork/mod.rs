//! Field work: visit and call records and their follow-up tasks
//! ([`records`]), the rep information reports ([`reports`]), the contact and
//! coverage duties with their compliance view ([`duties`]) and the month-end
//! calendar ([`calendar`]). Design notes: docs/FIELDWORK.md.

pub mod calendar;
pub mod duties;
pub mod records;
pub mod reports;
pub mod sheet;

use crate::error::ProblemCode;

use chrono::{DateTime, NaiveDate, Utc};

use crate::error::{Error, FieldProblem, Result};

pub use crate::org::Viewer;

/// Most characters in one free-text field of a record.
pub const MAX_TEXT: usize = 2000;

/// Trims an optional text; an empty one is none. Too long a text is a problem.
pub(crate) fn text(field: &str, value: Option<&str>, problems: &mut Vec<FieldProblem>) -> Option<String> {
    crate::text::optional(field, value, MAX_TEXT, problems)
}

/// Parses a timestamp a form or file gave (RFC 3339, any offset).
/// A time a person gave: with its offset, or a wall-clock time in the business time zone.
pub(crate) fn instant(
    field: &str,
    value: &str,
    zone: crate::clock::Zone,
    problems: &mut Vec<FieldProblem>,
) -> Option<DateTime<Utc>> {
    match zone.read_time(value) {
        Some(at) => Some(at),
        None => {
            problems.push(FieldProblem::new(
                field,
                ProblemCode::BadTime,
                format!(
                    "'{value}' is not a time; give it as 2026-11-22 09:30 (in the business time zone, {}) or 2026-11-22T09:30:00+08:00",
                    zone.name()
                ),
            ));
            None
        }
    }
}

pub(crate) use crate::clock::day;

/// The first and last day of the month `month` (`YYYY-MM`).
pub fn month_bounds(field: &str, month: &str) -> Result<(NaiveDate, NaiveDate)> {
    let first = NaiveDate::parse_from_str(&format!("{}-01", month.trim()), "%Y-%m-%d").map_err(|_| {
        Error::invalid(field, ProblemCode::BadMonth, format!("'{month}' is not a month; write it as YYYY-MM"))
    })?;
    let next = first.checked_add_months(chrono::Months::new(1)).unwrap_or(first);
    Ok((first, next.pred_opt().unwrap_or(first)))
}

/// The month (`YYYY-MM`) a day lies in.
pub fn month_of(day: NaiveDate) -> String {
    day.format("%Y-%m").to_string()
}
