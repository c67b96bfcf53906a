//! An import decided without a database. The planner walks a staged file
//! over a view of the book (the rows and clocks the file names, loaded
//! beforehand) and returns the writes, in the order they are made, with the
//! report and the new sync state; `sync::apply` makes the writes.
//!
//! - [`laptop`]: head office's file on a laptop (cards that leave, refused
//!   changes put back).
//! - [`office`]: a laptop's file at head office (who may change what,
//!   conflicts, cards that change hands).
//!
//! Both share the merge rules of this module (docs/SYNC.md): per cell, the
//! later clock wins and the higher device id breaks a tie; a cell without a
//! clock of its own is judged by its row's; a removed row stays removed.
//! Every change is judged against the book as the earlier changes of the file
//! left it (the view is updated as the plan goes).

pub mod laptop;
pub mod office;

pub use laptop::{is_stale, plan_from_office, range, stale_plan, LaptopPlan, LaptopView};
pub use office::{plan_from_device, OfficePlan, OfficeView};

use std::collections::{BTreeSet, HashSet};

use rusqlite::types::Value as SqlValue;
use serde_json::Value as Json;

use super::file::Change;
use super::merge::to_sql;
use super::Progress;
use crate::changes::capture::{CellClock, State};
use crate::changes::manifest::{self, Anchor, Columns, Scope, SyncTable};
use crate::error::ProblemCode;

/// Progress is reported every this many changes.
pub const PROGRESS_EVERY: usize = 2000;

/// The planner's maps (hashbrown's: a faster hash, and lookups by a
/// borrowed key, so that judging a change allocates no key).
pub type Map<K, V> = hashbrown::HashMap<K, V>;
/// `(table, pk)`.
pub type RowKey = (String, String);
/// A row's clocks by column; the row's own clock has column `*`.
pub type RowClocks = Map<String, Stamp>;

/// A borrowed [`RowKey`]: hashes as the owned one does.
#[derive(Hash)]
struct Key<'a>(&'a str, &'a str);

impl hashbrown::Equivalent<RowKey> for Key<'_> {
    fn equivalent(&self, key: &RowKey) -> bool {
        self.0 == key.0 && self.1 == key.1
    }
}

/// A row in the book: the values its anchor is made of (`None` when NULL),
/// and the current values of the other columns the planner reads.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RowView {
    /// The scope's customer column (`id` for a card).
    pub customer: Option<String>,
    /// The scope's staff column.
    pub staff: Option<String>,
    /// Other columns, as loaded (head office reads values for conflicts and
    /// for who may change what; a laptop reads none).
    pub cells: Map<String, SqlValue>,
}

impl RowView {
    /// The row's anchor, as `Scope::anchor_sql` computes it.
    pub fn anchor(&self, scope: Scope) -> Option<String> {
        match scope {
            Scope::Global => None,
            Scope::Customer(_) => self.customer.clone(),
            Scope::Staff(_) => self.staff.as_deref().map(manifest::staff_anchor),
            Scope::CustomerOrStaff(..) => {
                self.customer.clone().or_else(|| self.staff.as_deref().map(manifest::staff_anchor))
            }
        }
    }

    /// A column's value as text (`None` when NULL, not text or not loaded).
    pub fn text(&self, column: &str) -> Option<&str> {
        match self.cells.get(column) {
            Some(SqlValue::Text(s)) => Some(s),
            _ => None,
        }
    }

    fn set(&mut self, scope: Scope, column: &str, value: &SqlValue, keep: bool) {
        let text = match value {
            SqlValue::Text(s) => Some(s.clone()),
            _ => None,
        };
        if scope.customer_column() == Some(column) {
            self.customer = text;
        } else if scope.staff_column() == Some(column) {
            self.staff = text;
        }
        if keep {
            match self.cells.get_mut(column) {
                Some(cell) => value.clone_into(cell),
                None => {
                    self.cells.insert(column.to_string(), value.clone());
                }
            }
        }
    }
}

/// A cell's clock and the anchor stored with it.
#[derive(Debug, Clone, PartialEq)]
pub struct Stamp {
    pub clock: CellClock,
    pub anchor: Option<String>,
}

/// What the planner knows of the book: the sync state, the synced columns,
/// and every row the file names. A key missing from `rows` is a row not in
/// the book, a column missing from its `clocks` a cell without a clock.
#[derive(Debug, Clone, Default)]
pub struct BookRows {
    pub state: State,
    pub columns: Columns,
    pub rows: Map<RowKey, RowView>,
    pub clocks: Map<RowKey, RowClocks>,
    /// Rows keep the values the file writes (head office reads them back).
    pub keep_values: bool,
}

/// One write, in the order it is made.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Progress(Progress),
    /// A card left this book: the notice the user sees.
    Notice {
        customer: String,
        name: String,
    },
    /// `merge::drop_customer`.
    DropCustomer(String),
    Insert {
        table: &'static str,
        columns: Vec<String>,
        values: Vec<SqlValue>,
    },
    Update {
        table: &'static str,
        pk: String,
        column: String,
        value: SqlValue,
    },
    /// A card's `name_pinyin`.
    Pinyin {
        pk: String,
        key: String,
    },
    DeleteRow {
        table: &'static str,
        pk: String,
    },
    /// The row's cell clocks, keeping its `*` clock.
    DeleteCellClocks {
        table: &'static str,
        pk: String,
    },
    /// All the row's clocks.
    DeleteRowClocks {
        table: &'static str,
        pk: String,
    },
    DeleteClock {
        table: &'static str,
        pk: String,
        column: String,
    },
    PutClock {
        table: &'static str,
        pk: String,
        column: String,
        clock: CellClock,
        version: i64,
        anchor: Option<String>,
    },
    /// A laptop stores `body.rejections[i]` (to be shown to the user).
    StoreRejection(usize),
    /// Head office refuses `body.changes[change]`: the rejection row.
    Reject {
        change: usize,
        reason: ProblemCode,
        message: String,
        customer: Option<String>,
        label: Option<String>,
        version: i64,
    },
    /// Two writes of a cell of `body.changes[change]` met without either
    /// having seen the other (kept, then lost: value, staff, clock).
    Conflict {
        change: usize,
        customer: String,
        kept: Side,
        lost: Side,
    },
    /// A card changed hands: its owner or territory before.
    Move {
        customer: String,
        old_owner: SqlValue,
        old_territory: SqlValue,
        version: i64,
    },
    /// The file is refused here (after the writes before it, as today).
    Refuse(ProblemCode, String),
}

/// One of the two writes of a conflict.
#[derive(Debug, Clone, PartialEq)]
pub struct Side {
    pub value: SqlValue,
    pub staff: Option<String>,
    pub hlc: u64,
}

/// What became of one change.
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
    /// The row (or the column) is not in this book: nothing to change.
    MissingRow,
}

/// A change the file may not hold: the whole file is refused.
pub type Bad = (ProblemCode, String);

pub fn key(table: &str, pk: &str) -> RowKey {
    (table.to_string(), pk.to_string())
}

/// The merge rules over a view, and the writes they decide.
pub struct Merge {
    pub book: BookRows,
    pub steps: Vec<Step>,
    /// Cards whose revision and search entry are refreshed at the end.
    pub touched: BTreeSet<String>,
    /// The book's columns of each table, to look up.
    known: Map<String, hashbrown::HashSet<String>>,
}

impl Merge {
    pub fn new(book: BookRows) -> Self {
        let known = book.columns.0.iter().map(|(t, cs)| (t.clone(), cs.iter().cloned().collect())).collect();
        Self { book, steps: vec![], touched: BTreeSet::new(), known }
    }

    /// Does the book have this column?
    pub fn has(&self, table: &str, column: &str) -> bool {
        self.known.get(table).is_some_and(|columns| columns.contains(column))
    }

    /// The clock of a cell, or of its row when the cell has none.
    pub fn cell_clock(&self, table: &str, pk: &str, column: &str) -> Option<&CellClock> {
        let row = self.book.clocks.get(&Key(table, pk))?;
        row.get(column).or_else(|| row.get("*")).map(|s| &s.clock)
    }

    /// A clock of the cell itself (`*`: of the row).
    pub fn own_clock(&self, table: &str, pk: &str, column: &str) -> Option<&Stamp> {
        self.book.clocks.get(&Key(table, pk))?.get(column)
    }

    pub fn row(&self, table: &str, pk: &str) -> Option<&RowView> {
        self.book.rows.get(&Key(table, pk))
    }

    pub fn put_clock(&mut self, table: &'static str, pk: &str, column: &str, clock: CellClock, anchor: Option<String>) {
        let version = self.book.state.next_version();
        let stamp = Stamp { clock: clock.clone(), anchor: anchor.clone() };
        let row = match self.book.clocks.get_mut(&Key(table, pk)) {
            Some(row) => row,
            None => self.book.clocks.entry(key(table, pk)).or_default(),
        };
        match row.get_mut(column) {
            Some(e) => {
                let kept = e.anchor.take();
                *e = Stamp { anchor: stamp.anchor.or(kept), ..stamp };
            }
            None => {
                row.insert(column.to_string(), stamp);
            }
        }
        self.steps.push(Step::PutClock { table, pk: pk.into(), column: column.into(), clock, version, anchor });
    }

    pub fn touch_anchor(&mut self, table: &SyncTable, anchor: Option<&str>) {
        if !table.refreshes_card {
            return;
        }
        if let Some(Anchor::Customer(customer)) = anchor.map(Anchor::parse) {
            self.touched.insert(customer.to_string());
        }
    }

    /// Cards and everything that belongs to them leave the view (one pass
    /// for all the cards a file takes away).
    pub fn forget_cards(&mut self, cards: &HashSet<String>) {
        if cards.is_empty() {
            return;
        }
        self.book.rows.retain(|(table, _), row| {
            let belongs = manifest::table(table).and_then(|t| t.scope.customer_column()).is_some();
            !(belongs && row.customer.as_ref().is_some_and(|c| cards.contains(c)))
        });
        for clocks in self.book.clocks.values_mut() {
            clocks.retain(|_, stamp| !stamp.anchor.as_ref().is_some_and(|a| cards.contains(a)));
        }
    }

    /// A row's anchor: the customer it belongs to, `staff:<id>` for a
    /// person's rows, None for reference data or rows this book does not know
    /// (a removed row keeps the anchor of its row clock).
    pub fn anchor_of(&self, table: &SyncTable, change: &Change) -> Option<String> {
        match table.scope {
            Scope::Global => None,
            Scope::Customer("id") => Some(change.k.clone()),
            scope => {
                if change.c == "*" {
                    return change.v.as_object().and_then(|values| scope.anchor_of(values));
                }
                match self.row(table.name, &change.k) {
                    Some(row) => row.anchor(scope),
                    None => self.own_clock(table.name, &change.k, "*").and_then(|s| s.anchor.clone()),
                }
            }
        }
    }

    /// Merges one change into the view, deciding its writes.
    pub fn apply(&mut self, change: &Change) -> Result<Outcome, Bad> {
        let Some(table) = manifest::table(&change.t) else {
            return Err((
                ProblemCode::UnknownTable,
                format!("the file changes '{}', which this book does not have", change.t),
            ));
        };
        self.book.state.observe(change.h);
        let incoming = change.clock();
        match change.c.as_str() {
            "*" => self.insert_row(table, change, incoming),
            "-" => Ok(self.remove_row(table, change, incoming)),
            column => Ok(self.set_cell(table, change, column, incoming)),
        }
    }

    fn insert_row(&mut self, table: &'static SyncTable, change: &Change, clock: CellClock) -> Result<Outcome, Bad> {
        let existing = self.own_clock(table.name, &change.k, "*").map(|s| s.clock.clone());
        if existing.as_ref().is_some_and(|c| c.deleted) {
            return Ok(Outcome::Removed);
        }
        if let Some(row) = self.row(table.name, &change.k) {
            if existing.is_none() {
                let anchor = row.anchor(table.scope);
                self.put_clock(table.name, &change.k, "*", clock, anchor);
            }
            return Ok(Outcome::Duplicate);
        }
        let Json::Object(values) = &change.v else {
            return Err((ProblemCode::Tampered, format!("a new {} row carries no values", table.name)));
        };
        let mut columns: Vec<String> = vec![];
        let mut sql_values: Vec<SqlValue> = vec![];
        let mut row = RowView::default();
        if self.book.keep_values {
            row.cells.reserve(values.len());
        }
        columns.reserve(values.len() + 1);
        sql_values.reserve(values.len() + 1);
        for (name, value) in values {
            // Columns this book does not know (an older schema receiving) are
            // skipped; columns the sender did not know take their defaults.
            if self.has(table.name, name) {
                let value = to_sql(value);
                row.set(table.scope, name, &value, self.book.keep_values);
                columns.push(name.clone());
                sql_values.push(value);
            }
        }
        if table.name == "customer" {
            let name = values.get("name").and_then(Json::as_str).unwrap_or_default();
            columns.push("name_pinyin".into());
            sql_values.push(SqlValue::Text(crate::search::sort_key(name)));
        }
        if !columns.iter().any(|c| c == "id") {
            return Err((ProblemCode::Tampered, format!("a new {} row has no id", table.name)));
        }
        // The row is found again by the id it was inserted with.
        let id = columns.iter().position(|c| c == "id").and_then(|i| match &sql_values[i] {
            SqlValue::Text(s) => Some(s.clone()),
            SqlValue::Integer(n) => Some(n.to_string()),
            _ => None,
        });
        self.steps.push(Step::Insert { table: table.name, columns, values: sql_values });
        if let Some(id) = id {
            self.book.rows.insert(key(table.name, &id), row);
        }
        let anchor = table.scope.anchor_of(values);
        self.put_clock(table.name, &change.k, "*", clock, anchor.clone());
        self.touch_anchor(table, anchor.as_deref());
        Ok(Outcome::Applied { previous: None, previous_value: SqlValue::Null })
    }

    fn remove_row(&mut self, table: &'static SyncTable, change: &Change, clock: CellClock) -> Outcome {
        let existing = self.own_clock(table.name, &change.k, "*").map(|s| s.clock.clone());
        if existing.as_ref().is_some_and(|c| c.deleted) {
            return Outcome::Duplicate;
        }
        let anchor = self.book.rows.remove(&Key(table.name, &change.k)).and_then(|r| r.anchor(table.scope));
        self.steps.push(Step::DeleteRow { table: table.name, pk: change.k.clone() });
        self.steps.push(Step::DeleteCellClocks { table: table.name, pk: change.k.clone() });
        if let Some(clocks) = self.book.clocks.get_mut(&Key(table.name, &change.k)) {
            clocks.retain(|column, _| column == "*");
        }
        self.put_clock(table.name, &change.k, "*", clock, anchor.clone());
        self.touch_anchor(table, anchor.as_deref());
        // A removal is never a conflict: what it replaced is not kept.
        Outcome::Applied { previous: existing, previous_value: SqlValue::Null }
    }

    fn set_cell(&mut self, table: &'static SyncTable, change: &Change, column: &str, clock: CellClock) -> Outcome {
        if !self.has(table.name, column) || column == "id" {
            // A column this (older) book does not have: nothing to store it in.
            return Outcome::MissingRow;
        }
        let current = self.cell_clock(table.name, &change.k, column).cloned();
        if current.as_ref().is_some_and(|c| c.deleted) {
            return Outcome::Removed;
        }
        let keep = self.book.keep_values;
        let Some(row) = self.book.rows.get_mut(&Key(table.name, &change.k)) else {
            return Outcome::MissingRow;
        };
        let current_value = row.cells.get(column).cloned().unwrap_or(SqlValue::Null);
        if let Some(c) = &current {
            if c.hlc == clock.hlc && c.origin == clock.origin {
                return Outcome::Duplicate;
            }
            if c.beats(clock.hlc, &clock.origin) {
                return Outcome::Older { current: c.clone(), current_value };
            }
        }
        let anchor = row.anchor(table.scope);
        let value = to_sql(&change.v);
        row.set(table.scope, column, &value, keep);
        self.steps.push(Step::Update { table: table.name, pk: change.k.clone(), column: column.into(), value });
        if table.name == "customer" && column == "name" {
            let name = change.v.as_str().unwrap_or_default();
            self.steps.push(Step::Pinyin { pk: change.k.clone(), key: crate::search::sort_key(name) });
        }
        self.put_clock(table.name, &change.k, column, clock, anchor.clone());
        self.touch_anchor(table, anchor.as_deref());
        Outcome::Applied { previous: current, previous_value: current_value }
    }
}

/// A file's header for the planners' tests: `sender` to `recipient`, the
/// sender's changes `from..=to`, written at [`tests::CREATED`].
#[cfg(test)]
pub(crate) mod tests {
    use crate::changes::manifest::Columns;
    use crate::sync::file::{Header, Range};

    pub const CREATED: &str = "2026-03-01T08:00:00Z";

    pub fn header(sender: &str, recipient: &str, from: i64, to: i64, snapshot: bool) -> Header {
        Header {
            format_minor: 0,
            schema_version: 1,
            columns: Columns::default(),
            sender: sender.into(),
            sender_key: String::new(),
            recipient: recipient.into(),
            recipient_staff: None,
            file_no: 1,
            ranges: vec![Range { origin: sender.into(), from, to }],
            ack: 0,
            created_at: CREATED.into(),
            snapshot,
            clock_correction_ms: 0,
            change_count: 0,
            body_len: 0,
            body_hash: String::new(),
            ephemeral: String::new(),
        }
    }
}
