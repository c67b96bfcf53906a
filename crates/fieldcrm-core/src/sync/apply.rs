//! Makes a plan's writes (`sync::plan`), grouped: a row's changed cells are
//! written in one `UPDATE` (its card's new revision folded in), and cell
//! clocks many to a statement. Only writes to other rows of the same tables
//! are reordered, and never past an insert, a removal or a clock removal, so
//! the book ends as the plan's writes one by one would leave it.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::rc::Rc;

use rusqlite::types::Value as SqlValue;
use rusqlite::{params, params_from_iter, Transaction};

use super::merge::drop_customer;
use super::plan::Step;
use crate::changes::capture::{CellClock, Clocks, State};
use crate::changes::manifest::{self, Scope};
use crate::error::Result;
use crate::search;

/// A row's cells waiting to be written (in the order first changed).
struct Pending {
    table: &'static str,
    pk: String,
    cells: Vec<(String, SqlValue)>,
}

/// A cell's clock waiting to be written.
struct Stamped {
    table: &'static str,
    pk: String,
    column: String,
    clock: CellClock,
    version: i64,
    anchor: Option<String>,
}

pub struct Writer<'t, 'c> {
    tx: &'t Transaction<'c>,
    rows: Vec<Pending>,
    /// Where each table's rows are in `rows`, by id.
    index: HashMap<&'static str, HashMap<String, usize>>,
    clocks: Vec<Stamped>,
    /// Cards whose revision goes up by one (once) and whose search entry is refreshed.
    touched: &'t BTreeSet<String>,
    bumped: HashSet<String>,
}

impl<'t, 'c> Writer<'t, 'c> {
    pub fn new(tx: &'t Transaction<'c>, touched: &'t BTreeSet<String>) -> Self {
        Self { tx, rows: vec![], index: HashMap::new(), clocks: vec![], touched, bumped: HashSet::new() }
    }

    /// Writes a step of the merge; the steps only one side makes (notices,
    /// rejections, conflicts, moves, progress, a refusal) come back to the caller.
    pub fn write(&mut self, step: Step) -> Result<Option<Step>> {
        match step {
            Step::Update { table, pk, column, value } => {
                if manifest::table(table).is_some_and(|t| t.scope == Scope::Global) {
                    // Reference data holds unique codes: written in file order.
                    self.flush_rows()?;
                    self.tx
                        .prepare_cached(&format!("UPDATE {table} SET {column} = ?1 WHERE id = ?2"))?
                        .execute(params![value, pk])?;
                } else {
                    self.pend(table, pk, column, value);
                }
            }
            Step::Pinyin { pk, key } => self.pend("customer", pk, "name_pinyin".into(), SqlValue::Text(key)),
            Step::PutClock { table, pk, column, clock, version, anchor } => {
                self.clocks.push(Stamped { table, pk, column, clock, version, anchor });
            }
            Step::Insert { table, columns, values } => {
                self.flush_rows()?;
                let placeholders: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
                let sql = format!("INSERT INTO {table} ({}) VALUES ({})", columns.join(", "), placeholders.join(", "));
                self.tx.prepare_cached(&sql)?.execute(params_from_iter(values))?;
            }
            Step::DeleteRow { table, pk } => {
                self.flush_rows()?;
                self.tx.prepare_cached(&format!("DELETE FROM {table} WHERE id = ?1"))?.execute([pk])?;
            }
            Step::DeleteCellClocks { table, pk } => {
                self.flush_clocks()?;
                self.tx
                    .prepare_cached("DELETE FROM sync_clock WHERE tbl = ?1 AND pk = ?2 AND col <> '*'")?
                    .execute(params![table, pk])?;
            }
            Step::DeleteRowClocks { table, pk } => {
                self.flush_clocks()?;
                self.tx
                    .prepare_cached("DELETE FROM sync_clock WHERE tbl = ?1 AND pk = ?2")?
                    .execute(params![table, pk])?;
            }
            Step::DeleteClock { table, pk, column } => {
                self.flush_clocks()?;
                self.tx
                    .prepare_cached("DELETE FROM sync_clock WHERE tbl = ?1 AND pk = ?2 AND col = ?3")?
                    .execute(params![table, pk, column])?;
            }
            Step::DropCustomer(customer) => {
                self.flush()?;
                drop_customer(self.tx, &customer)?;
            }
            other => return Ok(Some(other)),
        }
        Ok(None)
    }

    fn pend(&mut self, table: &'static str, pk: String, column: String, value: SqlValue) {
        let index = self.index.entry(table).or_default();
        let at = match index.get(&pk) {
            Some(&at) => at,
            None => {
                index.insert(pk.clone(), self.rows.len());
                self.rows.push(Pending { table, pk, cells: vec![] });
                self.rows.len() - 1
            }
        };
        let cells = &mut self.rows[at].cells;
        match cells.iter_mut().find(|(c, _)| *c == column) {
            Some(cell) => cell.1 = value,
            None => cells.push((column, value)),
        }
    }

    /// Writes the rows waiting, one statement each.
    fn flush_rows(&mut self) -> Result<()> {
        self.index.clear();
        for mut row in std::mem::take(&mut self.rows) {
            row.cells.sort_by(|a, b| a.0.cmp(&b.0));
            let mut sql = format!("UPDATE {} SET ", row.table);
            for (i, (column, _)) in row.cells.iter().enumerate() {
                if i > 0 {
                    sql.push_str(", ");
                }
                sql.push_str(&format!("{column} = ?{}", i + 1));
            }
            if row.table == "customer" && self.touched.contains(&row.pk) && self.bumped.insert(row.pk.clone()) {
                sql.push_str(", revision = revision + 1");
            }
            sql.push_str(&format!(" WHERE id = ?{}", row.cells.len() + 1));
            let values = row.cells.into_iter().map(|(_, v)| v).chain([SqlValue::Text(row.pk)]);
            self.tx.prepare_cached(&sql)?.execute(params_from_iter(values))?;
        }
        Ok(())
    }

    /// Writes the clocks waiting, many to a statement, in key order (the
    /// index pages each statement touches are neighbours). A cell stamped
    /// twice keeps its later stamp (and the anchor it had, if that has none).
    fn flush_clocks(&mut self) -> Result<()> {
        if self.clocks.is_empty() {
            return Ok(());
        }
        let mut stamps = std::mem::take(&mut self.clocks);
        stamps.sort_by(|a, b| (a.table, &a.pk, &a.column).cmp(&(b.table, &b.pk, &b.column)));
        let mut clocks = Clocks::default();
        let mut stamps = stamps.into_iter().peekable();
        while let Some(mut stamp) = stamps.next() {
            while let Some(next) =
                stamps.next_if(|n| (n.table, &n.pk, &n.column) == (stamp.table, &stamp.pk, &stamp.column))
            {
                let anchor = stamp.anchor.take();
                stamp = Stamped { anchor: next.anchor.or(anchor), ..next };
            }
            clocks.put(stamp.table, &stamp.pk, &stamp.column, &stamp.clock, stamp.version, stamp.anchor.as_deref());
        }
        clocks.flush(self.tx)
    }

    /// Writes everything waiting.
    fn flush(&mut self) -> Result<()> {
        self.flush_rows()?;
        self.flush_clocks()
    }

    /// The end of a merge: everything waiting is written, the cards it
    /// touched get a new revision and search entry, and the sync state is saved.
    pub fn finish(mut self, state: &State) -> Result<()> {
        self.flush()?;
        let rest: Vec<SqlValue> =
            self.touched.iter().filter(|c| !self.bumped.contains(*c)).map(|c| SqlValue::Text(c.clone())).collect();
        if !rest.is_empty() {
            self.tx
                .prepare_cached("UPDATE customer SET revision = revision + 1 WHERE id IN rarray(?1)")?
                .execute([Rc::new(rest)])?;
        }
        let touched: Vec<String> = self.touched.iter().cloned().collect();
        search::refresh_many(self.tx, &touched)?;
        state.save(self.tx)
    }
}
