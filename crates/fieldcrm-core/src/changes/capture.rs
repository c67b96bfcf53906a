//! Change capture. Triggers on every synced table stage each inserted row,
//! changed column and removed row in `sync_pending`; [`seal`] — called by every
//! write before it commits — stamps them with the hybrid logical clock and this
//! device's next sequence numbers, moves them to the outbox and updates the
//! clock of each cell. Because capture sits in the schema, no write path can
//! forget it; a write made by another tool is staged too and sealed by the
//! next write of the app.
//!
//! An inserted row is staged by its id alone: [`seal`] copies the row into the
//! outbox as it stands when the transaction ends, and only on a laptop (head
//! office sends rows from its tables, not from an outbox). Copying every
//! column of every new row in the trigger cost a bulk write (an import of
//! 100,000 cards) a third of its time, for copies head office never reads.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use rusqlite::types::Value as SqlValue;
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use crate::changes::hlc;
use crate::changes::manifest::{self, SYNCED};
use crate::error::Result;

/// This book's sync counters (`sync_state`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct State {
    pub device_id: String,
    pub hlc: u64,
    pub version: i64,
    pub clock_offset_ms: i64,
}

impl State {
    pub fn load(conn: &Connection) -> Result<Self> {
        Ok(conn.query_row(
            "SELECT device_id, hlc, version, clock_offset_ms FROM sync_state WHERE singleton = 1",
            [],
            |r| {
                Ok(Self {
                    device_id: r.get(0)?,
                    hlc: r.get::<_, i64>(1)? as u64,
                    version: r.get(2)?,
                    clock_offset_ms: r.get(3)?,
                })
            },
        )?)
    }

    pub fn save(&self, tx: &Transaction<'_>) -> Result<()> {
        tx.prepare_cached("UPDATE sync_state SET hlc = ?1, version = ?2, clock_offset_ms = ?3 WHERE singleton = 1")?
            .execute(params![self.hlc as i64, self.version, self.clock_offset_ms])?;
        Ok(())
    }

    /// The next clock value at `now` (corrected by what head office told us).
    pub fn tick(&mut self, now: DateTime<Utc>) -> u64 {
        self.hlc = hlc::tick(self.hlc, now.timestamp_millis() + self.clock_offset_ms);
        self.hlc
    }

    /// Moves the clock past a clock value received from elsewhere.
    pub fn observe(&mut self, remote: u64) {
        self.hlc = self.hlc.max(remote);
    }

    pub fn next_version(&mut self) -> i64 {
        self.version += 1;
        self.version
    }
}

/// Creates the `sync_state` row with a new device id (first migration to v3).
pub fn init_state(tx: &Transaction<'_>) -> Result<()> {
    let profile_device: Option<String> =
        tx.query_row("SELECT device_id FROM local_profile WHERE singleton = 1", [], |r| r.get(0)).optional()?;
    let device = profile_device.unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
    tx.execute("INSERT OR IGNORE INTO sync_state (singleton, device_id) VALUES (1, ?1)", [device])?;
    Ok(())
}

/// Gives a copied fresh book a device id of its own.
pub fn new_device(conn: &Connection) -> Result<()> {
    conn.execute("UPDATE sync_state SET device_id = ?1 WHERE singleton = 1", [uuid::Uuid::now_v7().to_string()])?;
    Ok(())
}

/// Turns capture off (while merging received changes, generating demo data)
/// or back on, inside the caller's transaction.
pub fn set_capture(tx: &Transaction<'_>, on: bool) -> Result<()> {
    tx.prepare_cached("UPDATE sync_state SET capture = ?1 WHERE singleton = 1")?.execute([i64::from(on)])?;
    Ok(())
}

/// `json_object(...)` of all the columns of the row `row`, nested so no single
/// call has more arguments than SQLite allows.
fn row_object(columns: &[String], row: &str) -> String {
    let pairs: Vec<String> = columns.iter().map(|c| format!("'{c}', {row}.{c}")).collect();
    let mut chunks = pairs.chunks(50);
    let mut expr = format!("json_object({})", chunks.next().map(|c| c.join(", ")).unwrap_or_default());
    for chunk in chunks {
        let more: Vec<String> = chunk
            .iter()
            .map(|p| {
                let (key, value) = p.split_once(", ").unwrap_or((p, "NULL"));
                format!("'$.{}', {value}", key.trim_matches('\''))
            })
            .collect();
        expr = format!("json_insert({expr}, {})", more.join(", "));
    }
    expr
}

/// (Re)creates the capture triggers of every synced table from its current columns.
pub fn install_triggers(tx: &Transaction<'_>) -> Result<()> {
    for table in SYNCED {
        let t = table.name;
        let columns = manifest::synced_columns(tx, table)?;
        let new_anchor = table.scope.anchor_sql("NEW");
        let old_anchor = table.scope.anchor_sql("OLD");
        let changed: Vec<String> = columns
            .iter()
            .filter(|c| c.as_str() != "id")
            .map(|c| format!("SELECT '{c}' AS c, NEW.{c} AS v, OLD.{c} AS o WHERE OLD.{c} IS NOT NEW.{c}"))
            .collect();
        tx.execute_batch(&format!(
            "DROP TRIGGER IF EXISTS sync_insert_{t};
             DROP TRIGGER IF EXISTS sync_update_{t};
             DROP TRIGGER IF EXISTS sync_delete_{t};
             DROP TRIGGER IF EXISTS sync_fixed_id_{t};
             CREATE TRIGGER sync_insert_{t} AFTER INSERT ON {t} WHEN (SELECT capture FROM sync_state) BEGIN
                 INSERT INTO sync_pending (tbl, pk, col, anchor) VALUES ('{t}', NEW.id, '*', {new_anchor});
             END;
             CREATE TRIGGER sync_update_{t} AFTER UPDATE ON {t} WHEN (SELECT capture FROM sync_state) BEGIN
                 INSERT INTO sync_pending (tbl, pk, col, anchor, value, old)
                 SELECT '{t}', NEW.id, c, {new_anchor}, v, o FROM ({changed});
             END;
             CREATE TRIGGER sync_delete_{t} AFTER DELETE ON {t} WHEN (SELECT capture FROM sync_state) BEGIN
                 INSERT INTO sync_pending (tbl, pk, col, anchor) VALUES ('{t}', OLD.id, '-', {old_anchor});
             END;
             CREATE TRIGGER sync_fixed_id_{t} BEFORE UPDATE OF id ON {t} WHEN OLD.id IS NOT NEW.id BEGIN
                 SELECT RAISE(ABORT, 'the id of a synced row never changes');
             END;",
            changed = changed.join(" UNION ALL "),
        ))?;
    }
    Ok(())
}

/// A cell's clock: who wrote it and when, and what its author had seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellClock {
    pub hlc: u64,
    pub origin: String,
    pub base_hlc: u64,
    pub base_origin: Option<String>,
    pub deleted: bool,
}

impl CellClock {
    /// Orders two writes of a cell: later clock wins, device id breaks ties.
    pub fn beats(&self, hlc: u64, origin: &str) -> bool {
        (self.hlc, self.origin.as_str()) > (hlc, origin)
    }
}

/// The clock of one cell, or of its row (`col = '*'`) when the cell has none.
pub fn cell_clock(conn: &Connection, tbl: &str, pk: &str, col: &str) -> Result<Option<CellClock>> {
    let mut stmt = conn.prepare_cached(
        "SELECT hlc, origin, base_hlc, base_origin, deleted FROM sync_clock
          WHERE tbl = ?1 AND pk = ?2 AND col IN (?3, '*') ORDER BY col = '*' LIMIT 1",
    )?;
    Ok(stmt
        .query_row(params![tbl, pk, col], |r| {
            Ok(CellClock {
                hlc: r.get::<_, i64>(0)? as u64,
                origin: r.get(1)?,
                base_hlc: r.get::<_, i64>(2)? as u64,
                base_origin: r.get(3)?,
                deleted: r.get(4)?,
            })
        })
        .optional()?)
}

/// Cell clocks gathered to be written many to a statement: sealing a large
/// transaction (an import) stamps hundreds of thousands of cells. Written in
/// the order gathered, so a cell stamped twice keeps the later stamp.
#[derive(Debug, Default)]
pub(crate) struct Clocks {
    values: Vec<SqlValue>,
}

impl Clocks {
    const WIDTH: usize = 10;
    /// Rows per statement.
    const ROWS: usize = 256;

    pub(crate) fn put(
        &mut self,
        tbl: &str,
        pk: &str,
        col: &str,
        clock: &CellClock,
        version: i64,
        anchor: Option<&str>,
    ) {
        let text = |s: &str| SqlValue::Text(s.to_string());
        self.values.extend([
            text(tbl),
            text(pk),
            text(col),
            SqlValue::Integer(clock.hlc as i64),
            text(&clock.origin),
            SqlValue::Integer(clock.base_hlc as i64),
            clock.base_origin.as_deref().map_or(SqlValue::Null, text),
            SqlValue::Integer(version),
            anchor.map_or(SqlValue::Null, text),
            SqlValue::Integer(i64::from(clock.deleted)),
        ]);
    }

    pub(crate) fn flush(&mut self, tx: &Transaction<'_>) -> Result<()> {
        let values = std::mem::take(&mut self.values);
        for chunk in values.chunks(Self::WIDTH * Self::ROWS) {
            let rows = crate::store::value_rows(Self::WIDTH, chunk.len() / Self::WIDTH);
            tx.prepare_cached(&format!(
                "INSERT INTO sync_clock (tbl, pk, col, hlc, origin, base_hlc, base_origin, version, anchor, deleted)
                 VALUES {rows}
                 ON CONFLICT (tbl, pk, col) DO UPDATE SET hlc = excluded.hlc, origin = excluded.origin,
                     base_hlc = excluded.base_hlc, base_origin = excluded.base_origin, version = excluded.version,
                     anchor = coalesce(excluded.anchor, sync_clock.anchor), deleted = excluded.deleted"
            ))?
            .execute(rusqlite::params_from_iter(chunk))?;
        }
        Ok(())
    }
}

/// Is this book head office's?
pub fn is_office(conn: &Connection) -> Result<bool> {
    Ok(conn
        .query_row("SELECT s.role = 'head_office' FROM local_profile p JOIN staff s ON s.id = p.staff_id", [], |r| {
            r.get(0)
        })
        .optional()?
        .unwrap_or(false))
}

struct Pending {
    tbl: String,
    pk: String,
    col: String,
    anchor: Option<String>,
    value: SqlValue,
    old: SqlValue,
}

/// The statements that copy a new row of each synced table, as the JSON
/// object of its synced columns that travels in a changeset file.
#[derive(Default)]
struct RowCopies {
    sql: HashMap<String, String>,
}

impl RowCopies {
    /// The row `pk` of `table` as it stands now; `None` when it is gone.
    fn row(&mut self, tx: &Transaction<'_>, table: &str, pk: &str) -> Result<Option<SqlValue>> {
        if !self.sql.contains_key(table) {
            let Some(synced) = manifest::table(table) else {
                return Err(crate::error::Error::Corrupt {
                    path: "sync_pending".into(),
                    detail: format!("a change to {table}, which is not a synced table, waits to be sealed"),
                });
            };
            let columns = manifest::synced_columns(tx, synced)?;
            let sql = format!("SELECT {} FROM {} AS r WHERE r.id = ?1", row_object(&columns, "r"), synced.name);
            self.sql.insert(table.to_string(), sql);
        }
        let sql = &self.sql[table];
        Ok(tx.prepare_cached(sql)?.query_row([pk], |r| r.get::<_, String>(0)).optional()?.map(SqlValue::Text))
    }
}

/// Stamps and files everything the triggers staged in this transaction.
/// Returns how many changes were sealed.
pub fn seal(tx: &Transaction<'_>, now: DateTime<Utc>) -> Result<usize> {
    let any: bool = tx.prepare_cached("SELECT EXISTS (SELECT 1 FROM sync_pending)")?.query_row([], |r| r.get(0))?;
    if !any {
        return Ok(0);
    }
    let (mut state, office, seen) = load_seal_state(tx)?;
    if !office {
        refuse_office_only(tx)?;
    }
    if office {
        let changed: bool = tx
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM sync_pending WHERE col <> '*')")?
            .query_row([], |r| r.get(0))?;
        if !changed {
            return seal_created(tx, &mut state, now);
        }
    }
    let pending: Vec<Pending> = tx
        .prepare_cached("SELECT tbl, pk, col, anchor, value, old FROM sync_pending ORDER BY id")?
        .query_map([], |r| {
            Ok(Pending {
                tbl: r.get(0)?,
                pk: r.get(1)?,
                col: r.get(2)?,
                anchor: r.get(3)?,
                value: r.get(4)?,
                old: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut copies = RowCopies::default();
    let mut vanished: HashSet<(&str, &str)> = HashSet::new();
    // customer → (old owner, old territory) for cards that changed hands at head office
    let mut moves: HashMap<String, (Option<SqlValue>, Option<SqlValue>, i64)> = HashMap::new();
    let mut clocks = Clocks::default();
    for p in &pending {
        let hlc = state.tick(now);
        let version = state.next_version();
        let me = state.device_id.clone();
        if p.col != "*" {
            // What follows reads or deletes clocks: the ones gathered first.
            clocks.flush(tx)?;
        }
        let (base_hlc, base_origin) = match p.col.as_str() {
            "*" => (0, None),
            col => match cell_clock(tx, &p.tbl, &p.pk, if col == "-" { "*" } else { col })? {
                // Consecutive own edits keep the base they started from: what
                // this device last saw from someone else.
                Some(c) if c.origin == me => (c.base_hlc, c.base_origin),
                Some(c) => (c.hlc, Some(c.origin)),
                None => (0, None),
            },
        };
        let clock = CellClock { hlc, origin: me, base_hlc, base_origin, deleted: p.col == "-" };
        match p.col.as_str() {
            "-" => {
                tx.prepare_cached("DELETE FROM sync_clock WHERE tbl = ?1 AND pk = ?2 AND col <> '*'")?
                    .execute(params![p.tbl, p.pk])?;
                clocks.put(&p.tbl, &p.pk, "*", &clock, version, p.anchor.as_deref());
            }
            col => clocks.put(&p.tbl, &p.pk, col, &clock, version, p.anchor.as_deref()),
        }
        if office && p.tbl == "customer" && (p.col == "owner_id" || p.col == "territory_id") {
            let entry = moves.entry(p.pk.clone()).or_insert((None, None, version));
            let slot = if p.col == "owner_id" { &mut entry.0 } else { &mut entry.1 };
            if slot.is_none() {
                *slot = Some(p.old.clone());
            }
        }
        if !office {
            let value = match (p.col.as_str(), &p.value) {
                ("*", SqlValue::Null) => match copies.row(tx, &p.tbl, &p.pk)? {
                    Some(row) => row,
                    // Created and removed again in this transaction: nothing of it travels.
                    None => {
                        vanished.insert((&p.tbl, &p.pk));
                        continue;
                    }
                },
                _ if vanished.contains(&(p.tbl.as_str(), p.pk.as_str())) => continue,
                _ => p.value.clone(),
            };
            tx.prepare_cached(
                "INSERT INTO sync_outbox (tbl, pk, col, hlc, base_hlc, base_origin, seen, value)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                p.tbl,
                p.pk,
                p.col,
                hlc as i64,
                base_hlc as i64,
                clock.base_origin,
                seen,
                value
            ])?;
        }
    }
    clocks.flush(tx)?;
    for (customer, (owner, territory, version)) in moves {
        record_move(tx, &customer, owner, territory, version)?;
    }
    tx.prepare_cached("DELETE FROM sync_pending")?.execute([])?;
    state.save(tx)?;
    Ok(pending.len())
}

/// A laptop that belongs to head office's organisation does not change what
/// only head office changes (its organisation, code lists, products …): head
/// office's merge would refuse it, so the laptop refuses it first, with the
/// same code. A book that has not joined yet keeps its own organisation.
fn refuse_office_only(tx: &Transaction<'_>) -> Result<()> {
    let joined: bool = tx
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM sync_peer WHERE is_office = 1)")?
        .query_row([], |r| r.get(0))?;
    if !joined {
        return Ok(());
    }
    let tables: Vec<String> = tx
        .prepare_cached("SELECT DISTINCT tbl FROM sync_pending")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let role: Option<String> = tx
        .prepare_cached("SELECT s.role FROM local_profile p JOIN staff s ON s.id = p.staff_id")?
        .query_row([], |r| r.get(0))
        .optional()?;
    let role = role.and_then(|r| r.parse().ok()).unwrap_or(crate::model::StaffRole::Rep);
    let refused = SYNCED
        .iter()
        .filter(|t| tables.contains(&t.name.to_string()))
        .find_map(|t| manifest::refusal(role, t).map(|refusal| (t.name, refusal)));
    match refused {
        Some((table, (code, message))) => Err(crate::error::Error::invalid(table, code, message)),
        None => Ok(()),
    }
}

/// This device's clock and counters, whether it is head office, and what it
/// last received from head office.
fn load_seal_state(tx: &Transaction<'_>) -> Result<(State, bool, i64)> {
    Ok(tx
        .prepare_cached(
            "SELECT device_id, hlc, version, clock_offset_ms,
                    coalesce((SELECT s.role = 'head_office' FROM local_profile p JOIN staff s ON s.id = p.staff_id), 0),
                    coalesce((SELECT received_upto FROM sync_peer WHERE is_office = 1), 0)
               FROM sync_state WHERE singleton = 1",
        )?
        .query_row([], |r| {
            Ok((
                State {
                    device_id: r.get(0)?,
                    hlc: r.get::<_, i64>(1)? as u64,
                    version: r.get(2)?,
                    clock_offset_ms: r.get(3)?,
                },
                r.get::<_, bool>(4)?,
                r.get::<_, i64>(5)?,
            ))
        })?)
}

/// Seals at head office a transaction that only created rows (an import of
/// new cards): every new row's clock in one statement, stamped as one by one
/// would stamp them — for one `now`, each tick is the last plus one and each
/// version the next. Head office keeps no outbox.
fn seal_created(tx: &Transaction<'_>, state: &mut State, now: DateTime<Utc>) -> Result<usize> {
    let first = state.tick(now);
    let version = state.version;
    // One clock written (inserted or updated) per staged row.
    let rows = tx
        .prepare_cached(
            "INSERT INTO sync_clock (tbl, pk, col, hlc, origin, base_hlc, base_origin, version, anchor, deleted)
         SELECT tbl, pk, '*', ?1 + n, ?2, 0, NULL, ?3 + 1 + n, anchor, 0
           FROM (SELECT tbl, pk, anchor, row_number() OVER (ORDER BY id) - 1 AS n FROM sync_pending)
          WHERE true
         ON CONFLICT (tbl, pk, col) DO UPDATE SET hlc = excluded.hlc, origin = excluded.origin,
             base_hlc = excluded.base_hlc, base_origin = excluded.base_origin, version = excluded.version,
             anchor = coalesce(excluded.anchor, sync_clock.anchor), deleted = excluded.deleted",
        )?
        .execute(params![first as i64, state.device_id, version])?;
    state.hlc = first + (rows as u64).saturating_sub(1);
    state.version = version + rows as i64;
    tx.prepare_cached("DELETE FROM sync_pending")?.execute([])?;
    state.save(tx)?;
    Ok(rows)
}

/// Notes at head office that a card changed hands; `None` means the column did
/// not change (its current value is the old one).
pub fn record_move(
    tx: &Transaction<'_>,
    customer: &str,
    old_owner: Option<SqlValue>,
    old_territory: Option<SqlValue>,
    version: i64,
) -> Result<()> {
    let (owner, territory): (SqlValue, SqlValue) = tx
        .prepare_cached("SELECT owner_id, territory_id FROM customer WHERE id = ?1")?
        .query_row([customer], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .unwrap_or((SqlValue::Null, SqlValue::Null));
    tx.prepare_cached(
        "INSERT INTO sync_move (version, customer_id, old_owner, old_territory) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![version, customer, old_owner.unwrap_or(owner), old_territory.unwrap_or(territory)])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use rusqlite::Connection;

    use super::*;
    use crate::changes::manifest::{LOCAL_PREFIXES, LOCAL_TABLES};

    fn tables(conn: &Connection) -> Vec<String> {
        let mut stmt =
            conn.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").expect("schema");
        stmt.query_map([], |r| r.get(0)).expect("rows").collect::<rusqlite::Result<_>>().expect("names")
    }

    #[test]
    fn every_table_is_either_synced_or_declared_device_local() {
        let conn = crate::api::open_connection_in_memory().expect("book");
        for table in tables(&conn) {
            let local = LOCAL_TABLES.contains(&table.as_str()) || LOCAL_PREFIXES.iter().any(|p| table.starts_with(p));
            assert!(
                local || manifest::table(&table).is_some(),
                "table {table} is neither synced (sync/manifest.rs SYNCED) nor declared device-local"
            );
        }
    }

    #[test]
    fn every_synced_column_of_every_synced_table_is_captured_on_insert_update_and_delete() {
        // An insert stages the row's id; sealing copies every synced column
        // as the table has them then (see a_new_row_travels_…).
        let mut conn = crate::api::open_connection_in_memory().expect("book");
        let tx = conn.transaction().expect("tx");
        for table in SYNCED {
            let columns = manifest::synced_columns(&tx, table).expect("columns");
            let trigger = |kind: &str| -> String {
                tx.query_row(
                    "SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = ?1",
                    [format!("sync_{kind}_{}", table.name)],
                    |r| r.get(0),
                )
                .unwrap_or_else(|_| panic!("{} has no {kind} capture trigger", table.name))
            };
            let insert = trigger("insert");
            let update = trigger("update");
            trigger("delete");
            assert!(insert.contains("NEW.id, '*'"), "{} does not stage its new rows", table.name);
            for column in &columns {
                if column != "id" {
                    assert!(
                        update.contains(&format!("OLD.{column} IS NOT NEW.{column}")),
                        "{}.{column} is not captured on update",
                        table.name
                    );
                }
            }
            for local in table.local_columns {
                assert!(!update.contains(&format!("NEW.{local} ")), "{}.{local} is device-local", table.name);
            }
        }
    }

    /// A laptop's book with one org unit and one rep: capture on, no profile.
    fn laptop() -> Connection {
        let conn = crate::api::open_connection_in_memory().expect("book");
        conn.execute_batch(
            "INSERT INTO org_unit (id, name, kind, created_at, updated_at) VALUES ('u1', '片区', 'territory', 't', 't');
             INSERT INTO staff (id, name, role, org_unit_id, created_at, updated_at) VALUES ('s1', '李强', 'rep', 'u1', 't', 't');
             DELETE FROM sync_pending;",
        )
        .expect("org");
        conn
    }

    fn outbox(tx: &Transaction<'_>) -> Vec<(String, String, String, Option<String>)> {
        tx.prepare("SELECT tbl, pk, col, value FROM sync_outbox ORDER BY seq")
            .expect("stmt")
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .expect("rows")
            .collect::<rusqlite::Result<_>>()
            .expect("outbox")
    }

    #[test]
    fn a_new_row_travels_as_it_stands_when_its_transaction_ends() {
        let mut conn = laptop();
        let now = chrono::Utc::now();
        let tx = conn.transaction().expect("tx");
        tx.execute_batch(
            "INSERT INTO org_unit (id, name, kind, parent_id, created_at, updated_at)
                 VALUES ('u2', '新片区', 'territory', 'u1', 't', 't');
             UPDATE org_unit SET name = '东片区' WHERE id = 'u2';",
        )
        .expect("write");
        let staged: Option<String> =
            tx.query_row("SELECT value FROM sync_pending WHERE col = '*'", [], |r| r.get(0)).expect("staged");
        assert_eq!(staged, None, "an insert is staged by its id, not copied");
        seal(&tx, now).expect("seal");
        let sent = outbox(&tx);
        assert_eq!(sent.len(), 2, "the row, then its changed column: {sent:?}");
        let row: serde_json::Value = serde_json::from_str(sent[0].3.as_deref().expect("row")).expect("json");
        assert_eq!((sent[0].1.as_str(), sent[0].2.as_str()), ("u2", "*"));
        assert_eq!(row["name"], "东片区", "the row as it is at the end of the transaction");
        assert_eq!(row["parent_id"], "u1");
        let columns = manifest::synced_columns(&tx, manifest::table("org_unit").expect("synced")).expect("columns");
        let mut keys: Vec<&String> = row.as_object().expect("object").keys().collect();
        keys.sort();
        let mut expected: Vec<&String> = columns.iter().collect();
        expected.sort();
        assert_eq!(keys, expected, "every synced column, and no other");
        assert_eq!((sent[1].2.as_str(), sent[1].3.as_deref()), ("name", Some("东片区")));
    }

    #[test]
    fn a_row_created_and_removed_in_one_transaction_does_not_travel() {
        let mut conn = laptop();
        let tx = conn.transaction().expect("tx");
        tx.execute_batch(
            "INSERT INTO org_unit (id, name, kind, parent_id, created_at, updated_at)
                 VALUES ('u2', '新片区', 'territory', 'u1', 't', 't');
             UPDATE org_unit SET name = '南片区' WHERE id = 'u2';
             DELETE FROM org_unit WHERE id = 'u2';
             UPDATE org_unit SET name = '西片区' WHERE id = 'u1';",
        )
        .expect("write");
        seal(&tx, chrono::Utc::now()).expect("seal");
        let sent = outbox(&tx);
        assert_eq!(sent.len(), 1, "only the change to the row that stays: {sent:?}");
        assert_eq!((sent[0].1.as_str(), sent[0].2.as_str()), ("u1", "name"));
        let (seq, count): (i64, i64) = tx
            .query_row("SELECT max(seq), count(*) FROM sync_outbox", [], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("seq");
        assert_eq!(seq, count, "sequence numbers stay gap-free");
    }

    #[test]
    fn a_large_seal_stamps_every_cell_in_order_and_a_cell_stamped_twice_keeps_the_later_stamp() {
        let mut conn = laptop();
        let tx = conn.transaction().expect("tx");
        tx.execute_batch(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 600)
             INSERT INTO org_unit (id, name, kind, parent_id, created_at, updated_at)
                 SELECT printf('x%04d', i), printf('片区%d', i), 'territory', 'u1', 't', 't' FROM n;
             UPDATE org_unit SET name = '甲' WHERE id = 'u1';
             UPDATE org_unit SET name = '乙' WHERE id = 'u1';",
        )
        .expect("write");
        assert_eq!(seal(&tx, chrono::Utc::now()).expect("seal"), 602);
        let stamps: Vec<(String, String, i64, i64)> = tx
            .prepare("SELECT pk, col, version, hlc FROM sync_clock WHERE tbl = 'org_unit' ORDER BY version")
            .expect("stmt")
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .expect("rows")
            .collect::<rusqlite::Result<_>>()
            .expect("clocks");
        assert_eq!(stamps.len(), 601, "each new row once, and the cell changed twice once");
        for (i, (pk, col, _, _)) in stamps[..600].iter().enumerate() {
            assert_eq!((pk.as_str(), col.as_str()), (format!("x{:04}", i + 1).as_str(), "*"), "in the order written");
        }
        assert!(stamps.windows(2).all(|w| w[0].2 < w[1].2 && w[0].3 < w[1].3), "versions and clocks rise");
        let (pk, col, version, _) = &stamps[600];
        assert_eq!((pk.as_str(), col.as_str()), ("u1", "name"));
        assert_eq!(*version, stamps[0].2 + 601, "the second change's stamp, not the first's");
    }

    #[test]
    fn head_office_seals_created_rows_at_once_with_the_stamps_one_by_one_gives() {
        let office = {
            let conn = crate::api::open_connection_in_memory().expect("book");
            conn.execute_batch(
                "INSERT INTO org_unit (id, name, kind, created_at, updated_at) VALUES ('u1', '总部', 'head_office', 't', 't');
                 INSERT INTO staff (id, name, role, org_unit_id, created_at, updated_at) VALUES ('h1', '总部', 'head_office', 'u1', 't', 't');
                 INSERT INTO local_profile (singleton, staff_id, device_id, created_at) VALUES (1, 'h1', 'dev', 't');",
            )
            .expect("office");
            conn
        };
        let mut books = [office, laptop()];
        let now = chrono::Utc::now();
        let mut sealed = vec![];
        for conn in &mut books {
            let tx = conn.transaction().expect("tx");
            tx.execute_batch(
                "DELETE FROM sync_pending;
                 UPDATE sync_state SET device_id = 'dev', hlc = 5 << 16, version = 100;
                 INSERT INTO sync_clock (tbl, pk, col, hlc, origin, base_hlc, version) VALUES ('org_unit', 'x0007', '*', 1, 'old', 0, 3);
                 WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
                 INSERT INTO org_unit (id, name, kind, parent_id, created_at, updated_at)
                     SELECT printf('x%04d', i), printf('片区%d', i), 'territory', 'u1', 't', 't' FROM n;",
            )
            .expect("write");
            assert_eq!(seal(&tx, now).expect("seal"), 300);
            let clocks: Vec<Vec<SqlValue>> = tx
                .prepare("SELECT * FROM sync_clock ORDER BY tbl, pk, col")
                .expect("stmt")
                .query_map([], |r| (0..10).map(|i| r.get::<_, SqlValue>(i)).collect())
                .expect("rows")
                .collect::<rusqlite::Result<_>>()
                .expect("clocks");
            let state: (i64, i64) =
                tx.query_row("SELECT hlc, version FROM sync_state", [], |r| Ok((r.get(0)?, r.get(1)?))).expect("state");
            let left: i64 = tx.query_row("SELECT count(*) FROM sync_pending", [], |r| r.get(0)).expect("pending");
            sealed.push((clocks, state, left));
        }
        let outbox: i64 =
            books[0].query_row("SELECT count(*) FROM sync_outbox", [], |r| r.get(0)).expect("office outbox");
        assert_eq!(outbox, 0, "head office keeps no outbox");
        assert_eq!(sealed[0].0.len(), 300);
        assert_eq!(sealed[0], sealed[1], "the same clocks, state and nothing left pending");
        assert_eq!(sealed[0].1 .1, 400, "one version per row");
    }

    #[test]
    fn a_row_staged_with_its_copy_by_an_older_book_seals_with_that_copy() {
        let mut conn = laptop();
        let tx = conn.transaction().expect("tx");
        tx.execute_batch(
            "INSERT INTO sync_pending (tbl, pk, col, anchor, value)
                 VALUES ('org_unit', 'u9', '*', NULL, '{\"id\":\"u9\",\"name\":\"旧片区\"}');",
        )
        .expect("staged by a version 6 trigger");
        seal(&tx, chrono::Utc::now()).expect("seal");
        let sent = outbox(&tx);
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].3.as_deref(), Some("{\"id\":\"u9\",\"name\":\"旧片区\"}"), "the staged copy travels");
    }

    #[test]
    fn writes_of_every_kind_are_staged_and_sealed_with_gap_free_sequence_numbers() {
        let mut conn = crate::api::open_connection_in_memory().expect("book");
        let now = chrono::Utc::now();
        let tx = conn.transaction().expect("tx");
        // Default code lists and grades come with the schema, in every book alike: not written here.
        let defaults: Vec<i64> = SYNCED
            .iter()
            .map(|t| tx.query_row(&format!("SELECT count(*) FROM {}", t.name), [], |r| r.get(0)).expect("count"))
            .collect();
        crate::demo::generate(&tx, &crate::demo::DemoOptions { customers: 5, seed: 3, as_of: None }, now)
            .expect("demo");
        // A laptop's book (head office keeps no outbox).
        tx.execute("DELETE FROM local_profile", []).expect("no profile");
        tx.execute(
            "INSERT INTO conflict (id, customer_id, entity, entity_id, field, kept_at, lost_at, detected_at)
             SELECT 'c1', id, 'customer', id, 'notes', 'x', 'y', 'z' FROM customer LIMIT 1",
            [],
        )
        .expect("conflict");
        tx.execute("UPDATE customer SET notes = 'changed' WHERE id = (SELECT id FROM customer LIMIT 1)", [])
            .expect("update");
        tx.execute("DELETE FROM key_person WHERE id = (SELECT id FROM key_person LIMIT 1)", []).expect("delete");
        let sealed = seal(&tx, now).expect("seal");
        assert!(sealed > 0);
        let staged: i64 = tx.query_row("SELECT count(*) FROM sync_pending", [], |r| r.get(0)).expect("count");
        assert_eq!(staged, 0, "sealing empties the staging table");
        for (table, defaults) in SYNCED.iter().zip(defaults) {
            let rows: i64 = tx
                .query_row(&format!("SELECT count(*) FROM {}", table.name), [], |r| r.get::<_, i64>(0))
                .expect("count")
                - defaults;
            let clocked: i64 = tx
                .query_row(
                    "SELECT count(*) FROM sync_clock WHERE tbl = ?1 AND col = '*' AND deleted = 0",
                    [table.name],
                    |r| r.get(0),
                )
                .expect("clocks");
            assert_eq!(clocked, rows, "every {} row written has a clock", table.name);
            let created: i64 = tx
                .query_row("SELECT count(*) FROM sync_outbox WHERE tbl = ?1 AND col = '*'", [table.name], |r| r.get(0))
                .expect("outbox");
            let removed: i64 = tx
                .query_row("SELECT count(*) FROM sync_outbox WHERE tbl = ?1 AND col = '-'", [table.name], |r| r.get(0))
                .expect("outbox");
            assert_eq!(created - removed, rows, "every {} row written is in the outbox", table.name);
        }
        let updated: i64 = tx
            .query_row("SELECT count(*) FROM sync_outbox WHERE tbl = 'customer' AND col = 'notes'", [], |r| r.get(0))
            .expect("outbox");
        assert_eq!(updated, 1);
        let (count, min, max): (i64, i64, i64) = tx
            .query_row("SELECT count(*), min(seq), max(seq) FROM sync_outbox", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .expect("seq");
        assert_eq!((min, max), (1, count), "sequence numbers are gap-free");
        let hlcs: Vec<i64> = tx
            .prepare("SELECT hlc FROM sync_outbox ORDER BY seq")
            .expect("stmt")
            .query_map([], |r| r.get(0))
            .expect("rows")
            .collect::<rusqlite::Result<_>>()
            .expect("hlc");
        assert!(hlcs.windows(2).all(|w| w[0] < w[1]), "clocks increase with the sequence");
    }
}
