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
use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension};

use crate::error::{Error, FieldProblem, Result};
use crate::ids::StaffId;
use crate::model::StaffRole;
use crate::org::{self, Profile};

/// The person using this laptop and the part of the organisation they see:
/// a rep their own cards and records, a manager their subtree, head office all.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub staff: StaffId,
    pub role: StaffRole,
    pub name: String,
    /// The org units under the person (None: everything).
    pub units: Option<HashSet<String>>,
}

impl Viewer {
    pub fn of(conn: &Connection) -> Result<Self> {
        let profile = org::profile(conn)?.ok_or(Error::NoProfile)?;
        Self::from_profile(conn, &profile)
    }

    pub fn from_profile(conn: &Connection, profile: &Profile) -> Result<Self> {
        let units = match profile.role {
            StaffRole::HeadOffice => None,
            _ => Some(crate::sync::office::subtree(conn, &profile.org_unit_id.to_string())?),
        };
        Ok(Self { staff: profile.staff_id, role: profile.role, name: profile.name.clone(), units })
    }

    /// May this person see (and record work on) the customer? Err when the
    /// customer is not in the book.
    pub fn sees_customer(&self, conn: &Connection, customer: &str) -> Result<bool> {
        let row: Option<(String, String)> = conn
            .prepare_cached("SELECT owner_id, territory_id FROM customer WHERE id = ?1")?
            .query_row([customer], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let Some((owner, territory)) = row else {
            return Err(Error::NotFound { what: "customer", id: customer.to_string() });
        };
        Ok(match self.role {
            StaffRole::Rep => owner == self.staff.to_string(),
            _ => self.units.as_ref().is_none_or(|u| u.contains(&territory)),
        })
    }

    /// Does this person look after `staff` (themselves, or someone in their subtree)?
    pub fn sees_staff(&self, conn: &Connection, staff: StaffId) -> Result<bool> {
        if staff == self.staff {
            return Ok(true);
        }
        if self.role == StaffRole::Rep {
            return Ok(false);
        }
        let member = org::staff_member(conn, staff)?;
        Ok(self.units.as_ref().is_none_or(|u| u.contains(&member.org_unit_id.to_string())))
    }

    /// Refuses with a message naming the person when they are not in this viewer's team.
    pub fn require_staff(&self, conn: &Connection, staff: StaffId) -> Result<()> {
        if self.sees_staff(conn, staff)? {
            return Ok(());
        }
        let member = org::staff_member(conn, staff)?;
        Err(Error::Forbidden(format!(
            "{} works outside your part of the organisation; you see only your own and your team's work",
            member.name
        )))
    }
}

/// Most characters in one free-text field of a record.
pub const MAX_TEXT: usize = 2000;

/// Trims an optional text; an empty one is none. Too long a text is a problem.
pub(crate) fn text(field: &str, value: Option<&str>, problems: &mut Vec<FieldProblem>) -> Option<String> {
    let value = value.map(str::trim).filter(|v| !v.is_empty())?;
    if value.chars().count() > MAX_TEXT {
        problems.push(FieldProblem::new(field, ProblemCode::TooLong, format!("at most {MAX_TEXT} characters fit")));
        return None;
    }
    Some(value.to_string())
}

/// Parses a timestamp a form or file gave (RFC 3339, any offset).
pub(crate) fn instant(field: &str, value: &str, problems: &mut Vec<FieldProblem>) -> Option<DateTime<Utc>> {
    match crate::clock::parse_timestamp(value.trim()) {
        Some(at) => Some(at),
        None => {
            problems.push(FieldProblem::new(
                field,
                ProblemCode::BadTime,
                format!("'{value}' is not a time; give it as 2026-11-22T09:30:00+08:00"),
            ));
            None
        }
    }
}

/// Parses a date (YYYY-MM-DD).
pub(crate) fn day(field: &str, value: &str, problems: &mut Vec<FieldProblem>) -> Option<NaiveDate> {
    match NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d") {
        Ok(day) => Some(day),
        Err(_) => {
            problems.push(FieldProblem::new(
                field,
                ProblemCode::BadDate,
                format!("'{value}' is not a date; write it as YYYY-MM-DD"),
            ));
            None
        }
    }
}

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
