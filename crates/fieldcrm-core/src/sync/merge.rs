//! Applying received changes: per-cell last writer wins by (clock, device id).
//! A removed row stays removed (its tombstone beats any change to it, whatever
//! the clocks say); see docs/SYNC.md for why.

use crate::error::ProblemCode;
use std::collections::BTreeSet;

use rusqlite::types::Value as SqlValue;
use rusqlite::{params, params_from_iter, OptionalExtension, Transaction};
use serde_json::Value as Json;

use super::file::Change;
use crate::changes::capture::{cell_clock, put_clock, CellClock, State};
use crate::changes::manifest::{self, Anchor, Columns};
use crate::error::{Error, Result};
use crate::search;

pub fn to_sql(value: &Json) -> SqlValue {
    match value {
        Json::Null => SqlValue::Null,
        Json::Bool(b) => SqlValue::Integer(i64::from(*b)),
        Json::Number(n) => n.as_i64().map_or_else(|| SqlValue::Real(n.as_f64().unwrap_or(0.0)), SqlValue::Integer),
        Json::String(s) => SqlValue::Text(s.clone()),
        other => SqlValue::Text(other.to_string()),
    }
}

pub fn to_json(value: SqlValue) -> Json {
    match value {
        SqlValue::Null => Json::Null,
        SqlValue::Integer(i) => Json::from(i),
        SqlValue::Real(f) => serde_json::Number::from_f64(f).map_or(Json::Null, Json::Number),
        SqlValue::Text(s) => Json::String(s),
        SqlValue::Blob(b) => Json::String(hex::encode(b)),
    }
}

/// What happened to one received change.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// It won and is now the book's value; `previous` is what it replaced.
    Applied { previous: Option<CellClock>, previous_value: SqlValue },
    /// The book holds a later write of this cell.
    Older { current: CellClock, current_value: SqlValue },
    /// The book already had exactly this write.
    Duplicate,
    /// The row was removed; removal is final.
    Removed,
    /// The row is not in this book (nothing to change).
    MissingRow,
}

/// Applies received changes in one transaction; remembers which cards need
/// their derived data (pinyin, search index, revision) refreshed.
pub struct Merger<'t, 'c> {
    pub tx: &'t Transaction<'c>,
    pub columns: Columns,
    pub state: State,
    touched: BTreeSet<String>,
}

impl<'t, 'c> Merger<'t, 'c> {
    pub fn new(tx: &'t Transaction<'c>) -> Result<Self> {
        Ok(Self { tx, columns: Columns::read(tx)?, state: State::load(tx)?, touched: BTreeSet::new() })
    }

    fn row_anchor(&self, table: &manifest::SyncTable, pk: &str) -> Result<Option<Option<String>>> {
        row_anchor(self.tx, table, pk)
    }

    /// Notes the card a changed row is part of for the refresh at the end.
    fn touch_anchor(&mut self, table: &manifest::SyncTable, anchor: Option<String>) {
        if !table.refreshes_card {
            return;
        }
        if let Some(anchor) = anchor {
            if let Anchor::Customer(customer) = Anchor::parse(&anchor) {
                self.touched.insert(customer.to_string());
            }
        }
    }

    /// Reads a whole row as a JSON object of its synced columns.
    pub fn row_object(&self, table: &str, pk: &str) -> Result<Option<Json>> {
        read_row(self.tx, &self.columns, table, pk)
    }

    pub fn apply(&mut self, change: &Change) -> Result<Outcome> {
        let Some(table) = manifest::table(&change.t) else {
            return Err(Error::refused(
                ProblemCode::UnknownTable,
                format!("the file changes '{}', which this book does not have", change.t),
            ));
        };
        self.state.observe(change.h);
        let incoming = CellClock {
            hlc: change.h,
            origin: change.o.clone(),
            base_hlc: change.bh,
            base_origin: change.bo.clone(),
            deleted: change.c == "-",
        };
        match change.c.as_str() {
            "*" => self.insert_row(table, change, &incoming),
            "-" => self.remove_row(table, change, &incoming),
            column => self.set_cell(table, change, column, &incoming),
        }
    }

    fn insert_row(&mut self, table: &manifest::SyncTable, change: &Change, clock: &CellClock) -> Result<Outcome> {
        let existing = cell_clock(self.tx, table.name, &change.k, "*")?;
        if let Some(c) = &existing {
            if c.deleted {
                return Ok(Outcome::Removed);
            }
        }
        if let Some(anchor) = self.row_anchor(table, &change.k)? {
            if existing.is_none() {
                let version = self.state.next_version();
                put_clock(self.tx, table.name, &change.k, "*", clock, version, anchor.as_deref())?;
            }
            return Ok(Outcome::Duplicate);
        }
        let Json::Object(values) = &change.v else {
            return Err(Error::refused(ProblemCode::Tampered, format!("a new {} row carries no values", table.name)));
        };
        let mut columns: Vec<String> = vec![];
        let mut sql_values: Vec<SqlValue> = vec![];
        for (key, value) in values {
            // Columns this book does not know (an older schema receiving) are
            // skipped; columns the sender did not know take their defaults.
            if self.columns.has(table.name, key) {
                columns.push(key.clone());
                sql_values.push(to_sql(value));
            }
        }
        if table.name == "customer" {
            let name = values.get("name").and_then(Json::as_str).unwrap_or_default();
            columns.push("name_pinyin".into());
            sql_values.push(SqlValue::Text(search::sort_key(name)));
        }
        if !columns.iter().any(|c| c == "id") {
            return Err(Error::refused(ProblemCode::Tampered, format!("a new {} row has no id", table.name)));
        }
        let placeholders: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
        let sql = format!("INSERT INTO {} ({}) VALUES ({})", table.name, columns.join(", "), placeholders.join(", "));
        self.tx.prepare_cached(&sql)?.execute(params_from_iter(sql_values))?;
        let anchor = table.scope.anchor_of(values);
        let version = self.state.next_version();
        put_clock(self.tx, table.name, &change.k, "*", clock, version, anchor.as_deref())?;
        self.touch_anchor(table, anchor);
        Ok(Outcome::Applied { previous: None, previous_value: SqlValue::Null })
    }

    fn remove_row(&mut self, table: &manifest::SyncTable, change: &Change, clock: &CellClock) -> Result<Outcome> {
        let existing = cell_clock(self.tx, table.name, &change.k, "*")?;
        if existing.as_ref().is_some_and(|c| c.deleted) {
            return Ok(Outcome::Duplicate);
        }
        let anchor = self.row_anchor(table, &change.k)?.flatten();
        let previous_value =
            self.row_object(table.name, &change.k)?.map_or(SqlValue::Null, |v| SqlValue::Text(v.to_string()));
        self.tx.prepare_cached(&format!("DELETE FROM {} WHERE id = ?1", table.name))?.execute([&change.k])?;
        self.tx
            .prepare_cached("DELETE FROM sync_clock WHERE tbl = ?1 AND pk = ?2 AND col <> '*'")?
            .execute(params![table.name, change.k])?;
        let version = self.state.next_version();
        put_clock(self.tx, table.name, &change.k, "*", clock, version, anchor.as_deref())?;
        self.touch_anchor(table, anchor);
        Ok(Outcome::Applied { previous: existing, previous_value })
    }

    fn set_cell(
        &mut self,
        table: &manifest::SyncTable,
        change: &Change,
        column: &str,
        clock: &CellClock,
    ) -> Result<Outcome> {
        if !self.columns.has(table.name, column) || column == "id" {
            // A column this (older) book does not have: nothing to store it in.
            return Ok(Outcome::MissingRow);
        }
        let current = cell_clock(self.tx, table.name, &change.k, column)?;
        if current.as_ref().is_some_and(|c| c.deleted) {
            return Ok(Outcome::Removed);
        }
        // The row's customer and the cell's current value, in one read.
        let sql = format!("SELECT {}, {column} FROM {} t WHERE id = ?1", table.scope.anchor_sql("t"), table.name);
        let row: Option<(Option<String>, SqlValue)> =
            self.tx.prepare_cached(&sql)?.query_row([&change.k], |r| Ok((r.get(0)?, r.get(1)?))).optional()?;
        let Some((anchor, current_value)) = row else {
            return Ok(Outcome::MissingRow);
        };
        if let Some(c) = &current {
            if c.hlc == clock.hlc && c.origin == clock.origin {
                return Ok(Outcome::Duplicate);
            }
            if c.beats(clock.hlc, &clock.origin) {
                return Ok(Outcome::Older { current: c.clone(), current_value });
            }
        }
        let sql = format!("UPDATE {} SET {column} = ?1 WHERE id = ?2", table.name);
        self.tx.prepare_cached(&sql)?.execute(params![to_sql(&change.v), change.k])?;
        if table.name == "customer" && column == "name" {
            let name = change.v.as_str().unwrap_or_default();
            self.tx
                .prepare_cached("UPDATE customer SET name_pinyin = ?1 WHERE id = ?2")?
                .execute(params![search::sort_key(name), change.k])?;
        }
        let version = self.state.next_version();
        put_clock(self.tx, table.name, &change.k, column, clock, version, anchor.as_deref())?;
        self.touch_anchor(table, anchor);
        Ok(Outcome::Applied { previous: current, previous_value: current_value })
    }

    /// Marks a card whose derived data must be refreshed at the end.
    pub fn touch(&mut self, customer: &str) {
        self.touched.insert(customer.to_string());
    }

    /// Refreshes what the merge touched and saves the clock. Call once, last.
    pub fn finish(self) -> Result<State> {
        let touched: Vec<String> = self.touched.into_iter().collect();
        finish(self.tx, &touched, &self.state)?;
        Ok(self.state)
    }
}

/// The end of a merge: the cards it touched get a new revision and search
/// entry, and the sync state is saved.
pub fn finish(tx: &Transaction<'_>, touched: &[String], state: &State) -> Result<()> {
    let ids = std::rc::Rc::new(touched.iter().map(|c| SqlValue::Text(c.clone())).collect::<Vec<_>>());
    tx.prepare_cached("UPDATE customer SET revision = revision + 1 WHERE id IN rarray(?1)")?.execute([ids])?;
    search::refresh_many(tx, touched)?;
    state.save(tx)?;
    Ok(())
}

/// A row's anchor (`None` when the row is not in this book; `Some(None)` for
/// reference data).
pub fn row_anchor(tx: &rusqlite::Connection, table: &manifest::SyncTable, pk: &str) -> Result<Option<Option<String>>> {
    let sql = format!("SELECT {} FROM {} t WHERE id = ?1", table.scope.anchor_sql("t"), table.name);
    Ok(tx.prepare_cached(&sql)?.query_row([pk], |r| r.get::<_, Option<String>>(0)).optional()?)
}

/// A whole row as a JSON object of its synced columns.
pub fn read_row(tx: &rusqlite::Connection, columns: &Columns, table: &str, pk: &str) -> Result<Option<Json>> {
    let cols = columns.of(table);
    let sql = format!("SELECT {} FROM {table} WHERE id = ?1", cols.join(", "));
    let mut stmt = tx.prepare_cached(&sql)?;
    Ok(stmt
        .query_row([pk], |r| {
            let mut map = serde_json::Map::new();
            for (i, c) in cols.iter().enumerate() {
                map.insert(c.clone(), to_json(r.get::<_, SqlValue>(i)?));
            }
            Ok(Json::Object(map))
        })
        .optional()?)
}

/// Removes a card and everything that belongs to it from this book without
/// recording a change (it moved to someone else's book; the data lives on there).
pub fn drop_customer(tx: &Transaction<'_>, customer: &str) -> Result<()> {
    for table in manifest::SYNCED.iter().rev() {
        if let Some(column) = table.scope.customer_column() {
            if table.name != "customer" {
                tx.prepare_cached(&format!("DELETE FROM {} WHERE {column} = ?1", table.name))?.execute([customer])?;
            }
        }
    }
    search::forget(tx, customer)?;
    tx.prepare_cached("DELETE FROM customer WHERE id = ?1")?.execute([customer])?;
    tx.prepare_cached("DELETE FROM sync_clock WHERE anchor = ?1")?.execute([customer])?;
    Ok(())
}
