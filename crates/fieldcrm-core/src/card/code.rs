//! Customer codes (客户编码) and who looks after a new card.
//!
//! Head office numbers every card in one series, `C0000001`, `C0000002` …
//! (the demo uses the same series). Head office gives a card its code when it
//! creates the card, and gives a card a laptop created its code when the
//! card first arrives in a merge; the code then travels back to the laptop
//! like any change head office makes. Laptops never number cards themselves:
//! two laptops offline would hand out the same number. A card that already
//! has a code (an ERP import, a code typed in) keeps it.

use rusqlite::{Connection, OptionalExtension, Transaction};
use serde_json::Value as Json;

use super::write::{self, FieldChange};
use super::CUSTOMER_ENTITY;
use crate::error::{Error, ProblemCode, Result};
use crate::ids::{CustomerId, StaffId};
use crate::model::StaffRole;
use crate::org::Actor;

const PREFIX: char = 'C';
const DIGITS: usize = 7;

/// The series' code for number `n`.
pub fn format(n: u32) -> String {
    format!("{PREFIX}{n:0DIGITS$}")
}

/// The series' number of a code, if it is one of the series.
fn number(code: &str) -> Option<u32> {
    let digits = code.strip_prefix(PREFIX)?;
    (digits.len() == DIGITS && digits.bytes().all(|b| b.is_ascii_digit())).then(|| digits.parse().ok())?
}

/// The highest number of the series in the book (0 when none): a scan of
/// the cards, so callers numbering several cards ask once.
fn highest(conn: &Connection) -> Result<u32> {
    let highest: Option<String> = conn
        .prepare_cached(
            "SELECT max(code) FROM customer
             WHERE code GLOB 'C[0-9][0-9][0-9][0-9][0-9][0-9][0-9]'",
        )?
        .query_row([], |r| r.get(0))?;
    Ok(highest.as_deref().and_then(number).unwrap_or(0))
}

/// The code after number `last`, unless the series is used up.
fn after(last: u32) -> Result<String> {
    if last as usize >= 10usize.pow(DIGITS as u32) - 1 {
        return Err(Error::invalid("code", ProblemCode::TooMany, "the series of customer codes is used up"));
    }
    Ok(format(last + 1))
}

/// The next free code of the series: one past the highest in the book.
pub fn next(conn: &Connection) -> Result<String> {
    after(highest(conn)?)
}

/// Gives each of `cards` that has no code the next code of the series, as a
/// change `actor` makes (it is recorded and travels like an edit). Returns
/// how many cards got one. The series is read once, when the first card
/// needs a code.
pub fn assign_missing(tx: &Transaction<'_>, cards: &[CustomerId], actor: Actor) -> Result<usize> {
    let mut last: Option<u32> = None;
    let mut given = vec![];
    for &card in cards {
        let code: Option<Option<String>> =
            tx.prepare_cached("SELECT code FROM customer WHERE id = ?1")?.query_row([card], |r| r.get(0)).optional()?;
        if !matches!(code, Some(None)) {
            continue;
        }
        let number = match last {
            Some(n) => n,
            None => highest(tx)?,
        };
        let change = FieldChange { field: "code".into(), expected: None, value: Json::from(after(number)?) };
        write::patch_unindexed(tx, CUSTOMER_ENTITY, &card.to_string(), &[change], actor)?;
        last = Some(number + 1);
        given.push(card.to_string());
    }
    // One refresh of the search index for them all: a statement that writes
    // the full-text tables adds a segment, and a merge numbers a laptop's
    // new cards by the hundred (one refresh each made a 200-file merge 3× slower).
    crate::search::refresh_many(tx, &given)?;
    Ok(given.len())
}

/// Who looks after a new card that names a unit but no owner: the one person
/// working in that unit (a territory's rep, a region's manager), or, of
/// several, the one manager among them.
pub fn head_of_unit(conn: &Connection, unit: &str) -> Result<StaffId> {
    let people: Vec<(StaffId, StaffRole)> = conn
        .prepare_cached(
            "SELECT id, role FROM staff WHERE org_unit_id = ?1 AND active AND role <> 'sales_admin' ORDER BY id",
        )?
        .query_map([unit], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let managers: Vec<StaffId> = people.iter().filter(|(_, role)| *role != StaffRole::Rep).map(|(id, _)| *id).collect();
    match (people.as_slice(), managers.as_slice()) {
        ([(only, _)], _) | (_, [only]) => Ok(*only),
        _ => Err(Error::invalid(
            "ownerId",
            ProblemCode::UnitWithoutHead,
            "nobody, or more than one person, is in charge of this unit; choose the rep who looks after the card",
        )),
    }
}

/// Whether people in `role` may leave a new card's owner to the book: a rep
/// owns what they create; anyone else chooses.
pub fn owns_what_they_create(role: StaffRole) -> bool {
    role == StaffRole::Rep
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_of_the_series_are_recognised_and_others_are_not() {
        assert_eq!(format(42), "C0000042");
        assert_eq!(number("C0000042"), Some(42));
        assert_eq!(number("C000004"), None);
        assert_eq!(number("C00000421"), None);
        assert_eq!(number("K0000042"), None);
        assert_eq!(number("C00000a2"), None);
        assert_eq!(number("C-000042"), None);
    }
}
