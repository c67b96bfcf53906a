//! Loading what an import's planner reads (`sync::plan`): the rows and
//! clocks a file names, two statements per table whatever the number of
//! changes.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use rusqlite::types::Value as SqlValue;
use rusqlite::{params, Connection};

use super::plan::{BookRows, RowView, Stamp};
use crate::changes::capture::CellClock;
use crate::changes::manifest::{self, SyncTable};
use crate::error::Result;

/// The rows to load: by table, their ids.
pub type Keys = BTreeMap<&'static str, BTreeSet<String>>;

pub fn texts<'a>(items: impl IntoIterator<Item = &'a String>) -> Rc<Vec<SqlValue>> {
    Rc::new(items.into_iter().map(|s| SqlValue::Text(s.clone())).collect())
}

/// Adds the rows of one table to `book` (with the values of `values`, which
/// must be columns of the table this book has) and all their clocks.
pub fn load_rows(
    conn: &Connection,
    table: &'static SyncTable,
    pks: &BTreeSet<String>,
    values: &[String],
    book: &mut BookRows,
) -> Result<()> {
    if pks.is_empty() {
        return Ok(());
    }
    let ids = texts(pks);
    let column = |c: Option<&str>| c.map_or_else(|| "NULL".to_string(), |c| format!("t.{c}"));
    let mut sql =
        format!("SELECT t.id, {}, {}", column(table.scope.customer_column()), column(table.scope.staff_column()));
    for value in values {
        sql.push_str(&format!(", t.{value}"));
    }
    sql.push_str(&format!(" FROM {} t WHERE t.id IN rarray(?1)", table.name));
    let mut stmt = conn.prepare(&sql)?;
    let mut found = stmt.query([ids.clone()])?;
    while let Some(r) = found.next()? {
        let mut row = RowView { customer: r.get(1)?, staff: r.get(2)?, ..RowView::default() };
        for (i, value) in values.iter().enumerate() {
            row.cells.insert(value.clone(), r.get(3 + i)?);
        }
        book.rows.insert((table.name.to_string(), r.get::<_, String>(0)?), row);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT pk, col, hlc, origin, base_hlc, base_origin, deleted, anchor FROM sync_clock
          WHERE tbl = ?1 AND pk IN rarray(?2)",
    )?;
    let mut found = stmt.query(params![table.name, ids])?;
    while let Some(r) = found.next()? {
        let clock = CellClock {
            hlc: r.get::<_, i64>(2)? as u64,
            origin: r.get(3)?,
            base_hlc: r.get::<_, i64>(4)? as u64,
            base_origin: r.get(5)?,
            deleted: r.get(6)?,
        };
        book.clocks
            .entry((table.name.to_string(), r.get(0)?))
            .or_default()
            .insert(r.get(1)?, Stamp { clock, anchor: r.get(7)? });
    }
    Ok(())
}

/// The tables and ids a list of `(table, pk)` names (unknown tables left out).
pub fn keys<'a>(named: impl IntoIterator<Item = (&'a String, &'a String)>) -> Keys {
    let mut keys = Keys::new();
    for (t, k) in named {
        if let Some(table) = manifest::table(t) {
            keys.entry(table.name).or_default().insert(k.clone());
        }
    }
    keys
}
