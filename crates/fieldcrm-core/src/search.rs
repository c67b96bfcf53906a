//! Finding customers: substring search over names, addresses, phones, contact
//! names and the pinyin of Chinese names, combined with filters and sort, one
//! page at a time.
//!
//! Each customer has one search document (its searchable text) in two FTS5
//! indexes: `search_trigram` for queries of three or more characters, and
//! `search_char` — every character a token — where one- and two-character
//! queries run as indexed phrase queries. Documents are rewritten in the same
//! transaction as any change to the card ([`refresh`]).
//!
//! To make a new field searchable, add it to [`document`].

use pinyin::ToPinyin;
use rusqlite::types::Value as SqlValue;
use rusqlite::{params_from_iter, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::ids::{CustomerId, OrgUnitId, StaffId};
use crate::model::{ChannelLevel, CreditStanding, Lifecycle};

/// Separates the parts of a document so that no query matches across two of
/// them. A private-use character: FTS5 indexes it as a token of its own, and no
/// user types it.
const SEP: char = '\u{E000}';

/// Full pinyin and initials of a text: "华星农业" → ("huaxingnongye", "hxny").
/// Letters and digits pass through lowercased; other characters are dropped.
pub fn pinyin(text: &str) -> (String, String) {
    let mut full = String::with_capacity(text.len() * 2);
    let mut initials = String::with_capacity(text.len());
    for (ch, py) in text.chars().zip(text.to_pinyin()) {
        match py {
            Some(py) => {
                full.push_str(py.plain());
                initials.push_str(py.first_letter());
            }
            None if ch.is_alphanumeric() => {
                for lower in ch.to_lowercase() {
                    full.push(lower);
                    initials.push(lower);
                }
            }
            None => {}
        }
    }
    (full, initials)
}

/// The key a customer name sorts by: its pinyin, so that Chinese names list in
/// the order Chinese users expect (阿 before 白 before 张).
pub fn sort_key(name: &str) -> String {
    let mut key = String::with_capacity(name.len() * 2);
    for (ch, py) in name.chars().zip(name.to_pinyin()) {
        match py {
            Some(py) => {
                key.push_str(py.plain());
                key.push(' ');
            }
            None => key.extend(ch.to_lowercase()),
        }
    }
    key
}

/// The searchable text of one customer.
fn document(conn: &Connection, customer: CustomerId) -> Result<Option<String>> {
    let card: Option<(String, Option<String>, Option<String>, String)> = conn
        .prepare_cached("SELECT name, short_name, phone, tags FROM customer WHERE id = ?1")?
        .query_row([customer], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .optional()?;
    let Some((name, short_name, phone, tags)) = card else {
        return Ok(None);
    };
    let mut parts: Vec<String> = vec![];
    let add_name = |parts: &mut Vec<String>, text: &str| {
        let (full, initials) = pinyin(text);
        parts.push(text.to_string());
        if full != text.to_lowercase() {
            parts.push(full);
            parts.push(initials);
        }
    };
    add_name(&mut parts, &name);
    if let Some(short) = short_name {
        add_name(&mut parts, &short);
    }
    parts.extend(phone);
    let mut stmt = conn.prepare_cached(
        "SELECT coalesce(province, '') || coalesce(city, '') || coalesce(district, '') || detail
         FROM customer_address WHERE customer_id = ?1",
    )?;
    for address in stmt.query_map([customer], |r| r.get::<_, String>(0))? {
        parts.push(address?);
    }
    let mut stmt =
        conn.prepare_cached("SELECT name, phone FROM key_person WHERE customer_id = ?1")?;
    let people: Vec<(String, Option<String>)> = stmt
        .query_map([customer], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (person, phone) in people {
        add_name(&mut parts, &person);
        parts.extend(phone);
    }
    if let Ok(tags) = serde_json::from_str::<Vec<String>>(&tags) {
        parts.extend(tags);
    }
    Ok(Some(parts.join(&SEP.to_string())))
}

/// Every character its own token: "华星 13" → "华 星 1 3".
fn spaced(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for ch in text.chars().filter(|c| !c.is_whitespace()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push(ch);
    }
    out
}

/// Rewrites the search document of one customer (or removes it if the
/// customer is gone). Call in the transaction that changed the card.
pub fn refresh(tx: &Transaction<'_>, customer: CustomerId) -> Result<()> {
    let rowid: Option<i64> = tx
        .prepare_cached("SELECT rowid FROM search_doc WHERE customer_id = ?1")?
        .query_row([customer], |r| r.get(0))
        .optional()?;
    if let Some(rowid) = rowid {
        tx.prepare_cached("DELETE FROM search_trigram WHERE rowid = ?1")?
            .execute([rowid])?;
        tx.prepare_cached("DELETE FROM search_char WHERE rowid = ?1")?
            .execute([rowid])?;
    }
    let Some(doc) = document(tx, customer)? else {
        tx.prepare_cached("DELETE FROM search_doc WHERE customer_id = ?1")?
            .execute([customer])?;
        return Ok(());
    };
    let rowid = match rowid {
        Some(rowid) => rowid,
        None => {
            tx.prepare_cached("INSERT INTO search_doc (customer_id) VALUES (?1)")?
                .execute([customer])?;
            tx.last_insert_rowid()
        }
    };
    tx.prepare_cached("INSERT INTO search_trigram (rowid, body) VALUES (?1, ?2)")?
        .execute(rusqlite::params![rowid, doc])?;
    tx.prepare_cached("INSERT INTO search_char (rowid, body) VALUES (?1, ?2)")?
        .execute(rusqlite::params![rowid, spaced(&doc)])?;
    Ok(())
}

/// Rebuilds the whole index (after a migration, or bulk loads).
pub fn rebuild_all(tx: &Transaction<'_>) -> Result<()> {
    tx.execute_batch(
        "DELETE FROM search_trigram; DELETE FROM search_char; DELETE FROM search_doc;",
    )?;
    let ids: Vec<CustomerId> = tx
        .prepare("SELECT id FROM customer ORDER BY id")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in ids {
        refresh(tx, id)?;
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SortKey {
    /// By name, in pinyin order.
    #[default]
    Name,
    /// Most recently changed first.
    Updated,
    /// Least recently reviewed first (who needs attention).
    Reviewed,
    /// Newest cards first.
    Created,
}

/// A search of the customer list. Every filter is optional; all given ones must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct CustomerQuery {
    /// Words to find in name, address, phone, contact names, pinyin or initials.
    /// Every whitespace-separated word must match.
    pub text: String,
    pub lifecycle: Vec<Lifecycle>,
    pub channel_level: Vec<ChannelLevel>,
    pub credit_standing: Vec<CreditStanding>,
    #[ts(optional)]
    pub owner_id: Option<StaffId>,
    /// This unit and everything below it in the organisation tree.
    #[ts(optional)]
    pub org_unit_id: Option<OrgUnitId>,
    #[ts(optional)]
    pub tag: Option<String>,
    pub stale_only: bool,
    pub needs_verification_only: bool,
    pub sort: SortKey,
    pub offset: u32,
    /// Rows per page, 1–500; 0 means the default of 100.
    pub limit: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CustomerRow {
    pub id: CustomerId,
    pub name: String,
    pub short_name: Option<String>,
    pub phone: Option<String>,
    pub channel_level: ChannelLevel,
    pub lifecycle: Lifecycle,
    pub credit_standing: CreditStanding,
    pub owner_name: String,
    pub territory_name: String,
    pub address: Option<String>,
    pub tags: Vec<String>,
    pub stale: bool,
    pub needs_verification: bool,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CustomerPage {
    /// How many customers match in all.
    pub total: u32,
    pub offset: u32,
    pub rows: Vec<CustomerRow>,
}

pub const MAX_QUERY_CHARS: usize = 100;

/// An FTS5 phrase with `"` doubled.
fn phrase(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

const NEEDS_VERIFICATION: &str =
    "(c.basic_verified = 0 OR c.characteristics_verified = 0 OR c.business_verified = 0 OR c.trading_verified = 0)";

/// Runs a query. `stale_before` is the review timestamp below which a card is stale.
pub fn search(
    conn: &Connection,
    query: &CustomerQuery,
    stale_before: &str,
) -> Result<CustomerPage> {
    let text = query.text.trim();
    if text.chars().count() > MAX_QUERY_CHARS {
        return Err(Error::invalid(
            "text",
            "too_long",
            format!("search for at most {MAX_QUERY_CHARS} characters"),
        ));
    }
    let mut wheres: Vec<String> = vec![];
    let mut args: Vec<SqlValue> = vec![];
    let arg = |args: &mut Vec<SqlValue>, value: SqlValue| {
        args.push(value);
        format!("?{}", args.len())
    };
    for word in text.split_whitespace() {
        let (table, pattern) = if word.chars().count() >= 3 {
            ("search_trigram", phrase(word))
        } else {
            ("search_char", phrase(&spaced(word)))
        };
        let p = arg(&mut args, SqlValue::Text(pattern));
        wheres.push(format!(
            "c.id IN (SELECT customer_id FROM search_doc WHERE rowid IN (SELECT rowid FROM {table} WHERE {table} MATCH {p}))"
        ));
    }
    let mut in_list = |column: &str, keys: Vec<&'static str>, args: &mut Vec<SqlValue>| {
        if !keys.is_empty() {
            let ps: Vec<String> = keys
                .into_iter()
                .map(|k| arg(args, SqlValue::Text(k.to_string())))
                .collect();
            wheres.push(format!("c.{column} IN ({})", ps.join(", ")));
        }
    };
    in_list(
        "lifecycle",
        query.lifecycle.iter().map(|l| l.as_str()).collect(),
        &mut args,
    );
    in_list(
        "channel_level",
        query.channel_level.iter().map(|l| l.as_str()).collect(),
        &mut args,
    );
    in_list(
        "credit_standing",
        query.credit_standing.iter().map(|l| l.as_str()).collect(),
        &mut args,
    );
    if let Some(owner) = query.owner_id {
        let p = arg(&mut args, SqlValue::Text(owner.to_string()));
        wheres.push(format!("c.owner_id = {p}"));
    }
    if let Some(unit) = query.org_unit_id {
        let p = arg(&mut args, SqlValue::Text(unit.to_string()));
        wheres.push(format!(
            "c.territory_id IN (WITH RECURSIVE sub(id) AS (SELECT {p} UNION ALL SELECT o.id FROM org_unit o JOIN sub ON o.parent_id = sub.id) SELECT id FROM sub)"
        ));
    }
    if let Some(tag) = query
        .tag
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        let p = arg(&mut args, SqlValue::Text(tag.to_string()));
        wheres.push(format!(
            "EXISTS (SELECT 1 FROM json_each(c.tags) WHERE value = {p})"
        ));
    }
    let stale = arg(&mut args, SqlValue::Text(stale_before.to_string()));
    if query.stale_only {
        wheres.push(format!("c.reviewed_at < {stale}"));
    }
    if query.needs_verification_only {
        wheres.push(NEEDS_VERIFICATION.to_string());
    }
    let filter = if wheres.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", wheres.join(" AND "))
    };

    // The stale parameter is only referenced by some queries; count with the
    // same argument list so the numbering stays the same.
    let count_sql = format!("SELECT count(*), {stale} IS NOT NULL FROM customer c {filter}");
    let total: i64 = conn
        .prepare_cached(&count_sql)?
        .query_row(params_from_iter(args.iter()), |r| r.get(0))?;

    let order = match query.sort {
        SortKey::Name => "c.name_pinyin, c.id",
        SortKey::Updated => "c.updated_at DESC, c.id",
        SortKey::Reviewed => "c.reviewed_at, c.id",
        SortKey::Created => "c.created_at DESC, c.id",
    };
    let limit = match query.limit {
        0 => 100,
        n => n.min(500),
    };
    let l = arg(&mut args, SqlValue::Integer(i64::from(limit)));
    let o = arg(&mut args, SqlValue::Integer(i64::from(query.offset)));
    let sql = format!(
        "SELECT c.id, c.name, c.short_name, c.phone, c.channel_level, c.lifecycle, c.credit_standing,
                s.name, t.name,
                (SELECT coalesce(a.city, '') || coalesce(a.district, '') || a.detail FROM customer_address a
                  WHERE a.customer_id = c.id ORDER BY a.kind <> 'business', a.id LIMIT 1),
                c.tags, c.reviewed_at < {stale}, {NEEDS_VERIFICATION}, c.updated_at
         FROM customer c
         JOIN staff s ON s.id = c.owner_id
         JOIN org_unit t ON t.id = c.territory_id
         {filter}
         ORDER BY {order} LIMIT {l} OFFSET {o}"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt
        .query_map(params_from_iter(args.iter()), |r| {
            Ok(CustomerRow {
                id: r.get(0)?,
                name: r.get(1)?,
                short_name: r.get(2)?,
                phone: r.get(3)?,
                channel_level: r.get(4)?,
                lifecycle: r.get(5)?,
                credit_standing: r.get(6)?,
                owner_name: r.get(7)?,
                territory_name: r.get(8)?,
                address: r.get(9)?,
                tags: serde_json::from_str(&r.get::<_, String>(10)?).unwrap_or_default(),
                stale: r.get(11)?,
                needs_verification: r.get(12)?,
                updated_at: r.get(13)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(CustomerPage {
        total: u32::try_from(total).unwrap_or(u32::MAX),
        offset: query.offset,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinyin_gives_full_spelling_and_initials() {
        assert_eq!(
            pinyin("华星农业"),
            ("huaxingnongye".to_string(), "hxny".to_string())
        );
        assert_eq!(
            pinyin("A1 超市"),
            ("a1chaoshi".to_string(), "a1cs".to_string())
        );
    }

    #[test]
    fn names_sort_by_pinyin() {
        let mut names = vec!["张记", "阿里", "白云"];
        names.sort_by_key(|n| sort_key(n));
        assert_eq!(names, vec!["阿里", "白云", "张记"]);
    }

    #[test]
    fn phrases_escape_quotes() {
        assert_eq!(phrase("a\"b"), "\"a\"\"b\"");
        assert_eq!(spaced("华星 1"), "华 星 1");
    }
}
