//! What both sides of the merge use to read and write rows: values between
//! the file's JSON and SQLite, a whole row as JSON, a card leaving a book.
//! The merge's rules are `sync::plan`'s.

use rusqlite::types::Value as SqlValue;
use rusqlite::{OptionalExtension, Transaction};
use serde_json::Value as Json;

use crate::changes::manifest::{self, Columns};
use crate::error::Result;
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
