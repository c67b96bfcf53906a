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

use crate::error::ProblemCode;
use std::collections::BTreeMap;

use pinyin::ToPinyin;
use rusqlite::types::Value as SqlValue;
use rusqlite::{params_from_iter, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::ids::{CustomerId, OrgUnitId, RouteId, StaffId};
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

/// The searchable text of one customer, read from the book.
fn document(conn: &Connection, customer: CustomerId) -> Result<Option<String>> {
    let card: Option<(String, Option<String>, Option<String>, String)> = conn
        .prepare_cached("SELECT name, short_name, phone, tags FROM customer WHERE id = ?1")?
        .query_row([customer], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .optional()?;
    let Some((name, short_name, phone, tags)) = card else {
        return Ok(None);
    };
    let mut doc = Document::card(&name, short_name.as_deref(), phone.as_deref());
    let mut stmt = conn.prepare_cached(
        "SELECT coalesce(province, '') || coalesce(city, '') || coalesce(district, '') || detail
         FROM customer_address WHERE customer_id = ?1",
    )?;
    for address in stmt.query_map([customer], |r| r.get::<_, String>(0))? {
        doc.text(address?);
    }
    let mut stmt = conn.prepare_cached("SELECT name, phone FROM key_person WHERE customer_id = ?1")?;
    let people: Vec<(String, Option<String>)> =
        stmt.query_map([customer], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    for (person, phone) in people {
        doc.person(&person, phone.as_deref());
    }
    doc.tags(&tags);
    Ok(Some(doc.finish()))
}

/// A card's searchable text, part by part and in this order: the card's
/// names and phone, its addresses, its key people, its tags. [`document`]
/// reads the parts from the book; an import builds the documents of the
/// cards it creates from what it is about to write
/// (`CheckedCard::document`), so the two must add the same parts.
pub(crate) struct Document {
    parts: Vec<String>,
}

impl Document {
    pub(crate) fn card(name: &str, short_name: Option<&str>, phone: Option<&str>) -> Self {
        let mut doc = Document { parts: Vec::with_capacity(8) };
        doc.name(name);
        if let Some(short) = short_name {
            doc.name(short);
        }
        doc.parts.extend(phone.map(str::to_string));
        doc
    }

    /// A name, with its pinyin and initials when it has any.
    fn name(&mut self, text: &str) {
        let (full, initials) = pinyin(text);
        self.parts.push(text.to_string());
        if full != text.to_lowercase() {
            self.parts.push(full);
            self.parts.push(initials);
        }
    }

    /// An address, as one text.
    pub(crate) fn text(&mut self, text: String) {
        self.parts.push(text);
    }

    pub(crate) fn person(&mut self, name: &str, phone: Option<&str>) {
        self.name(name);
        self.parts.extend(phone.map(str::to_string));
    }

    /// The card's tags column (a JSON array of strings).
    pub(crate) fn tags(&mut self, tags: &str) {
        if let Ok(tags) = serde_json::from_str::<Vec<String>>(tags) {
            self.parts.extend(tags);
        }
    }

    pub(crate) fn finish(self) -> String {
        self.parts.join(&SEP.to_string())
    }
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

/// The list projection of the customers `from` selects (as `c`), as
/// `search_doc` rows with the rowid `rowid` (`NULL`: the next free one).
fn projection(rowid: &str, from: &str) -> String {
    format!(
        "INSERT INTO search_doc (rowid, customer_id, name_pinyin, lifecycle, channel_level, credit_standing,
                                 owner_id, territory_id, needs_verification, reviewed_at, created_at, updated_at)
         SELECT {rowid}, c.id, c.name_pinyin, c.lifecycle, c.channel_level, c.credit_standing, c.owner_id,
                c.territory_id, {NEEDS_VERIFICATION}, c.reviewed_at, c.created_at, c.updated_at
         FROM {from}"
    )
}

/// Rewrites the search document and list projection of one customer (or
/// removes them if the customer is gone). Call in the transaction that changed
/// the card.
pub fn refresh(tx: &Transaction<'_>, customer: CustomerId) -> Result<()> {
    refresh_many(tx, &[customer.to_string()])
}

/// [`refresh`] for many customers at once (a merge, a rebuild).
///
/// Every statement that writes a full-text table inside a transaction makes
/// FTS5 flush its pending terms into a new segment, so the work is done in a
/// fixed handful of statements, never one per card: per-card statements cost
/// a segment and its merges each.
pub fn refresh_many(tx: &Transaction<'_>, customers: &[String]) -> Result<()> {
    if customers.is_empty() {
        return Ok(());
    }
    let ids = || std::rc::Rc::new(customers.iter().map(|c| SqlValue::Text(c.clone())).collect::<Vec<SqlValue>>());
    let old = "SELECT rowid FROM search_doc WHERE customer_id IN rarray(?1)";
    tx.prepare_cached(&format!("DELETE FROM search_trigram WHERE rowid IN ({old})"))?.execute([ids()])?;
    tx.prepare_cached(&format!("DELETE FROM search_char WHERE rowid IN ({old})"))?.execute([ids()])?;
    tx.prepare_cached(&format!("DELETE FROM search_tag WHERE doc IN ({old})"))?.execute([ids()])?;
    tx.prepare_cached(
        "DELETE FROM search_doc WHERE customer_id IN rarray(?1) AND customer_id NOT IN (SELECT id FROM customer)",
    )?
    .execute([ids()])?;
    let upsert = format!(
        "{}
         ON CONFLICT (customer_id) DO UPDATE SET
             name_pinyin = excluded.name_pinyin, lifecycle = excluded.lifecycle,
             channel_level = excluded.channel_level, credit_standing = excluded.credit_standing,
             owner_id = excluded.owner_id, territory_id = excluded.territory_id,
             needs_verification = excluded.needs_verification, reviewed_at = excluded.reviewed_at,
             created_at = excluded.created_at, updated_at = excluded.updated_at",
        projection("NULL", "customer c WHERE c.id IN rarray(?1)")
    );
    tx.prepare_cached(&upsert)?.execute([ids()])?;
    index_tags(tx, ids())?;
    let docs: Vec<(i64, CustomerId)> = tx
        .prepare_cached("SELECT rowid, customer_id FROM search_doc WHERE customer_id IN rarray(?1) ORDER BY rowid")?
        .query_map([ids()], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let merge_later = docs.len() >= MERGE_LATER_DOCS;
    index_texts(tx, docs, merge_later)
}

/// Takes a card out of the index (it is leaving this book).
pub fn forget(tx: &Transaction<'_>, customer: &str) -> Result<()> {
    let rowid: Option<i64> = tx
        .prepare_cached("SELECT rowid FROM search_doc WHERE customer_id = ?1")?
        .query_row([customer], |r| r.get(0))
        .optional()?;
    if let Some(rowid) = rowid {
        tx.prepare_cached("DELETE FROM search_trigram WHERE rowid = ?1")?.execute([rowid])?;
        tx.prepare_cached("DELETE FROM search_char WHERE rowid = ?1")?.execute([rowid])?;
        tx.prepare_cached("DELETE FROM search_tag WHERE doc = ?1")?.execute([rowid])?;
        tx.prepare_cached("DELETE FROM search_doc WHERE rowid = ?1")?.execute([rowid])?;
    }
    Ok(())
}

/// Cards from which a refresh leaves the full-text indexes' merging for
/// later ([`index_texts`]).
const MERGE_LATER_DOCS: usize = 5_000;

/// The tags of the cards `ids` (an `rarray`), once their documents exist.
fn index_tags(tx: &Transaction<'_>, ids: std::rc::Rc<Vec<SqlValue>>) -> Result<()> {
    tx.prepare_cached(
        "INSERT OR IGNORE INTO search_tag (doc, tag)
         SELECT d.rowid, t.value FROM search_doc d JOIN customer c ON c.id = d.customer_id, json_each(c.tags) t
         WHERE d.customer_id IN rarray(?1)",
    )?
    .execute([ids])?;
    Ok(())
}

/// The search document of a card about to be written, built from what will
/// be written (an import builds them while it writes the cards).
#[derive(Debug)]
pub struct NewDocument {
    customer: CustomerId,
    text: String,
    chars: String,
}

impl NewDocument {
    pub(crate) fn new(customer: CustomerId, doc: Document) -> Self {
        let text = doc.finish();
        let chars = spaced(&text);
        NewDocument { customer, text, chars }
    }
}

/// [`refresh_many`] for cards created in this transaction, with their
/// documents built beforehand: nothing to remove or read back. Their rows
/// take the rowids after the last, in order, and each full-text table
/// takes them in one statement.
pub fn index_new(tx: &Transaction<'_>, docs: Vec<NewDocument>) -> Result<()> {
    if docs.is_empty() {
        return Ok(());
    }
    let last: i64 = tx.prepare_cached("SELECT coalesce(max(rowid), 0) FROM search_doc")?.query_row([], |r| r.get(0))?;
    let mut ids = Vec::with_capacity(docs.len());
    let mut texts = Vec::with_capacity(docs.len());
    let mut chars = Vec::with_capacity(docs.len());
    for d in docs {
        ids.push(SqlValue::Text(d.customer.to_string()));
        texts.push(SqlValue::Text(d.text));
        chars.push(SqlValue::Text(d.chars));
    }
    let ids = std::rc::Rc::new(ids);
    // rarray's rowid is the value's place in the array, from 1.
    tx.prepare_cached(&projection("?2 + r.rowid", "rarray(?1) r JOIN customer c ON c.id = r.value"))?
        .execute(rusqlite::params![ids, last])?;
    index_tags(tx, ids)?;
    let (texts, chars) = (std::rc::Rc::new(texts), std::rc::Rc::new(chars));
    let merge_later = texts.len() >= MERGE_LATER_DOCS;
    write_texts(tx, merge_later, |table, text| {
        let bodies = if text == 1 { &texts } else { &chars };
        tx.prepare_cached(&format!("INSERT INTO {table} (rowid, body) SELECT ?1 + rowid, value FROM rarray(?2)"))?
            .execute(rusqlite::params![last, bodies])?;
        Ok(())
    })
}

/// Writes the documents of `docs` into both full-text tables, one statement each.
fn index_texts(tx: &Transaction<'_>, docs: Vec<(i64, CustomerId)>, merge_later: bool) -> Result<()> {
    let mut bodies = Vec::with_capacity(docs.len());
    for (rowid, customer) in docs {
        if let Some(doc) = document(tx, customer)? {
            let chars = spaced(&doc);
            bodies.push((rowid, doc, chars));
        }
    }
    let json = serde_json::to_string(&bodies).expect("numbers and strings always serialise");
    write_texts(tx, merge_later, |table, text| {
        tx.prepare_cached(&format!(
            "INSERT INTO {table} (rowid, body) SELECT value ->> 0, value ->> {text} FROM json_each(?1)"
        ))?
        .execute([&json])?;
        Ok(())
    })
}

/// Runs `insert(table, n)` for each full-text table, `n` being the
/// document's part it takes (1: the text, 2: the text spaced).
///
/// FTS5 writes new documents as a new segment and then merges segments
/// ("automerge"), with work in proportion to what was written. For a write
/// of thousands of documents (an import) the user waits while that merge
/// rewrites the index: it took adding 100,000 documents to a 100,000-card
/// book from 0.65 to 1.55 s. With `merge_later` the documents are flushed with
/// automerge off and the table's setting is put back in the same
/// transaction; later writes merge the new segment in, a little each, as
/// they merge their own. (A rebuild merges as it goes: it starts from
/// nothing, and would leave many small segments behind.)
fn write_texts(tx: &Transaction<'_>, merge_later: bool, mut insert: impl FnMut(&str, u8) -> Result<()>) -> Result<()> {
    for (table, text) in [("search_trigram", 1), ("search_char", 2)] {
        let automerge: Option<i64> = if merge_later {
            let set: Option<i64> = tx
                .prepare_cached(&format!("SELECT v FROM {table}_config WHERE k = 'automerge'"))?
                .query_row([], |r| r.get(0))
                .optional()?;
            tx.prepare_cached(&format!("INSERT INTO {table} ({table}, rank) VALUES ('automerge', 0)"))?.execute([])?;
            // FTS5's default.
            Some(set.unwrap_or(4))
        } else {
            None
        };
        insert(table, text)?;
        if let Some(automerge) = automerge {
            tx.prepare_cached(&format!("INSERT INTO {table} ({table}) VALUES ('flush')"))?.execute([])?;
            tx.prepare_cached(&format!("INSERT INTO {table} ({table}, rank) VALUES ('automerge', ?1)"))?
                .execute([automerge])?;
        }
    }
    Ok(())
}

/// Rebuilds the whole index (after a migration, or bulk loads).
pub fn rebuild_all(tx: &Transaction<'_>) -> Result<()> {
    tx.execute_batch(&format!(
        "DELETE FROM search_trigram; DELETE FROM search_char; DELETE FROM search_tag; DELETE FROM search_doc;
         {};
         INSERT OR IGNORE INTO search_tag (doc, tag)
             SELECT d.rowid, t.value FROM search_doc d JOIN customer c ON c.id = d.customer_id, json_each(c.tags) t;",
        projection("NULL", "customer c ORDER BY c.id")
    ))?;
    let docs: Vec<(i64, CustomerId)> = tx
        .prepare("SELECT rowid, customer_id FROM search_doc ORDER BY rowid")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    index_texts(tx, docs, false)
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
    /// Codes by list (`channel_type` → `["wholesaler", …]`): a card must carry
    /// one of the given codes of every list named.
    #[ts(type = "Record<string, Array<string>>")]
    pub codes: BTreeMap<String, Vec<String>>,
    pub grades: Vec<String>,
    pub credit_grades: Vec<String>,
    #[ts(optional)]
    pub route_id: Option<RouteId>,
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
    /// Customer grade (A, B …).
    pub grade: Option<String>,
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

fn where_sql(conditions: &[String]) -> String {
    if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    }
}

fn rowid_array(rowids: &[i64]) -> rusqlite::vtab::array::Array {
    std::rc::Rc::new(rowids.iter().map(|r| SqlValue::Integer(*r)).collect())
}

/// How many of the matching documents pass the filters. A few matches are
/// looked up one by one; when they are a large part of the `book` (a lookup
/// costs about four rows of a scan), they are counted while scanning the
/// filtered list instead.
fn count(conn: &Connection, filters: &[String], args: &[SqlValue], matches: &[i64], book: u64) -> Result<u64> {
    if matches.len() as u64 * 4 > book {
        let member = membership(matches);
        let sql = format!("SELECT d.rowid FROM search_doc d {}", where_sql(filters));
        let mut stmt = conn.prepare_cached(&sql)?;
        let mut rows = stmt.query(params_from_iter(args.iter()))?;
        let mut n = 0;
        while let Some(row) = rows.next()? {
            n += u64::from(member.get(row.get::<_, i64>(0)? as usize).copied().unwrap_or(false));
        }
        return Ok(n);
    }
    let mut conditions = filters.to_vec();
    conditions.push(format!("d.rowid IN rarray(?{})", args.len() + 1));
    let sql = format!("SELECT count(*) FROM search_doc d {}", where_sql(&conditions));
    let mut bound: Vec<Box<dyn rusqlite::ToSql>> =
        args.iter().map(|a| Box::new(a.clone()) as Box<dyn rusqlite::ToSql>).collect();
    bound.push(Box::new(rowid_array(matches)));
    Ok(conn.prepare_cached(&sql)?.query_row(params_from_iter(bound.iter()), |r| r.get::<_, i64>(0))? as u64)
}

/// `member[rowid]` is true for each rowid in the list.
fn membership(rowids: &[i64]) -> Vec<bool> {
    let mut member = vec![false; rowids.iter().max().map_or(0, |m| *m as usize + 1)];
    for rowid in rowids {
        member[*rowid as usize] = true;
    }
    member
}

/// The common elements of two ascending lists.
fn intersect(a: &[i64], b: &[i64]) -> Vec<i64> {
    let (mut i, mut j, mut out) = (0, 0, vec![]);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                out.push(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out
}

/// The list's filters as SQL conditions on `search_doc d`, with their
/// parameters (numbered ?1, ?2 … in order).
fn list_filters(query: &CustomerQuery, stale_before: &str) -> (Vec<String>, Vec<SqlValue>) {
    let mut args: Vec<SqlValue> = vec![];
    let arg = |args: &mut Vec<SqlValue>, value: SqlValue| {
        args.push(value);
        format!("?{}", args.len())
    };
    let mut filters: Vec<String> = vec![];
    let in_list = |column: &str, keys: Vec<&'static str>, args: &mut Vec<SqlValue>, filters: &mut Vec<String>| {
        if !keys.is_empty() {
            let ps: Vec<String> = keys.into_iter().map(|k| arg(args, SqlValue::Text(k.to_string()))).collect();
            filters.push(format!("d.{column} IN ({})", ps.join(", ")));
        }
    };
    in_list("lifecycle", query.lifecycle.iter().map(|l| l.as_str()).collect(), &mut args, &mut filters);
    in_list("channel_level", query.channel_level.iter().map(|l| l.as_str()).collect(), &mut args, &mut filters);
    in_list("credit_standing", query.credit_standing.iter().map(|l| l.as_str()).collect(), &mut args, &mut filters);
    if let Some(owner) = query.owner_id {
        let p = arg(&mut args, SqlValue::Text(owner.to_string()));
        filters.push(format!("d.owner_id = {p}"));
    }
    if let Some(unit) = query.org_unit_id {
        let p = arg(&mut args, SqlValue::Text(unit.to_string()));
        filters.push(format!(
            "d.territory_id IN (WITH RECURSIVE sub(id) AS (SELECT {p} UNION ALL SELECT o.id FROM org_unit o JOIN sub ON o.parent_id = sub.id) SELECT id FROM sub)"
        ));
    }
    if query.stale_only {
        let p = arg(&mut args, SqlValue::Text(stale_before.to_string()));
        filters.push(format!("d.reviewed_at < {p}"));
    }
    if query.needs_verification_only {
        filters.push("d.needs_verification = 1".to_string());
    }
    // Classification lives on the card itself: a column's own index, or a
    // scan of the covering customer_analysis (grade, credit grade, channel
    // type), or the partial index of the cards with custom codes.
    let mut on_card = |column: String, values: &[String], args: &mut Vec<SqlValue>| {
        if !values.is_empty() {
            let ps: Vec<String> = values.iter().map(|v| arg(args, SqlValue::Text(v.clone()))).collect();
            filters.push(format!("d.customer_id IN (SELECT id FROM customer WHERE {column} IN ({}))", ps.join(", ")));
        }
    };
    for (list, codes) in &query.codes {
        let column = match crate::codes::builtin(list) {
            Some(b) => b.column.to_string(),
            // Not a list key at all (nor safe to name in SQL): no card carries it.
            None if !crate::codes::valid_key(list) => "NULL".to_string(),
            // Only cards with custom codes can match: their partial index, not the whole table.
            None => format!("custom_codes <> '{{}}' AND json_extract(custom_codes, '$.{list}')"),
        };
        on_card(column, codes, &mut args);
    }
    on_card("grade".to_string(), &query.grades, &mut args);
    on_card("credit_grade".to_string(), &query.credit_grades, &mut args);
    if let Some(route) = query.route_id {
        on_card("route_id".to_string(), &[route.to_string()], &mut args);
    }
    (filters, args)
}

/// What the customer list can be grouped by: a code list's id, `grade`,
/// `credit_grade` or `route`.
fn group_expr(by: &str) -> Result<String> {
    Ok(match by {
        "grade" => "c.grade".into(),
        "credit_grade" => "c.credit_grade".into(),
        "route" => "c.route_id".into(),
        list => match crate::codes::builtin(list) {
            Some(b) => format!("c.{}", b.column),
            None if crate::codes::valid_key(list) => format!("json_extract(c.custom_codes, '$.{list}')"),
            None => {
                return Err(Error::invalid(
                    "by",
                    ProblemCode::UnknownGroup,
                    format!("cannot group by '{list}': use a code list's key, grade, credit_grade or route"),
                ))
            }
        },
    })
}

/// How many of the matching customers carry each value (none: `key` null), most first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct GroupCount {
    pub key: Option<String>,
    pub customers: u32,
}

/// Counts the customers matching `query` by the value of `by`.
pub fn groups(conn: &Connection, query: &CustomerQuery, by: &str, stale_before: &str) -> Result<Vec<GroupCount>> {
    let expr = group_expr(by)?;
    let matches = text_matches(conn, query)?;
    let (mut filters, args) = list_filters(query, stale_before);
    let mut bound: Vec<Box<dyn rusqlite::ToSql>> =
        args.iter().map(|a| Box::new(a.clone()) as Box<dyn rusqlite::ToSql>).collect();
    if let Some(m) = &matches {
        filters.push(format!("d.rowid IN rarray(?{})", bound.len() + 1));
        bound.push(Box::new(rowid_array(m)));
    }
    let sql = format!(
        "SELECT {expr}, count(*) FROM search_doc d JOIN customer c ON c.id = d.customer_id {}
         GROUP BY 1 ORDER BY 2 DESC, 1",
        where_sql(&filters)
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows =
        stmt.query_map(params_from_iter(bound.iter()), |r| Ok(GroupCount { key: r.get(0)?, customers: r.get(1)? }))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The documents matching the query's words and tag (None: no such condition).
fn text_matches(conn: &Connection, query: &CustomerQuery) -> Result<Option<Vec<i64>>> {
    let text = query.text.trim();
    if text.chars().count() > MAX_QUERY_CHARS {
        return Err(Error::invalid(
            "text",
            ProblemCode::TooLong,
            format!("search for at most {MAX_QUERY_CHARS} characters"),
        ));
    }
    let mut matches: Option<Vec<i64>> = None;
    for word in text.split_whitespace() {
        let (table, pattern) = if word.chars().count() >= 3 {
            ("search_trigram", phrase(word))
        } else {
            ("search_char", phrase(&spaced(word)))
        };
        let sql = format!("SELECT rowid FROM {table} WHERE {table} MATCH ?1 ORDER BY rowid");
        let found: Vec<i64> =
            conn.prepare_cached(&sql)?.query_map([&pattern], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        matches = Some(match matches {
            None => found,
            Some(before) => intersect(&before, &found),
        });
    }
    if let Some(tag) = query.tag.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let found: Vec<i64> = conn
            .prepare_cached("SELECT doc FROM search_tag WHERE tag = ?1 ORDER BY doc")?
            .query_map([tag], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        matches = Some(match matches {
            None => found,
            Some(before) => intersect(&before, &found),
        });
    }
    Ok(matches)
}

/// The list rows of a page, in the page's order. Only these rows are read from
/// the wide card table.
fn page_rows(conn: &Connection, ids: Vec<CustomerId>, stale_before: &str) -> Result<Vec<CustomerRow>> {
    let mut row = conn.prepare_cached(&format!(
        "SELECT c.id, c.name, c.short_name, c.phone, c.channel_level, c.lifecycle, c.credit_standing,
                s.name, t.name,
                (SELECT coalesce(a.city, '') || coalesce(a.district, '') || a.detail FROM customer_address a
                  WHERE a.customer_id = c.id ORDER BY a.kind <> 'business', a.id LIMIT 1),
                c.tags, c.reviewed_at < ?2, {NEEDS_VERIFICATION}, c.updated_at, c.grade
         FROM customer c
         JOIN staff s ON s.id = c.owner_id
         JOIN org_unit t ON t.id = c.territory_id
         WHERE c.id = ?1"
    ))?;
    let mut rows = Vec::with_capacity(ids.len());
    for id in ids {
        rows.push(row.query_row(rusqlite::params![id, stale_before], |r| {
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
                grade: r.get(14)?,
            })
        })?);
    }
    Ok(rows)
}

/// An FTS5 phrase with `"` doubled.
fn phrase(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

const NEEDS_VERIFICATION: &str =
    "(c.basic_verified = 0 OR c.characteristics_verified = 0 OR c.business_verified = 0 OR c.trading_verified = 0)";

fn order_sql(sort: SortKey) -> &'static str {
    match sort {
        SortKey::Name => "d.name_pinyin, d.customer_id",
        SortKey::Updated => "d.updated_at DESC, d.customer_id DESC",
        SortKey::Reviewed => "d.reviewed_at, d.customer_id",
        SortKey::Created => "d.created_at DESC, d.customer_id DESC",
    }
}

/// Runs a query. `stale_before` is the review timestamp below which a card is stale.
///
/// Text words are looked up in the full-text indexes first, giving the set of
/// matching documents. Then either the matches are filtered and sorted
/// (few matches), or the list is walked in order and the matches kept until
/// the page is full (a word most cards contain) — whichever reads fewer rows.
pub fn search(conn: &Connection, query: &CustomerQuery, stale_before: &str) -> Result<CustomerPage> {
    let limit = match query.limit {
        0 => 100,
        n => n.min(500),
    };
    let matches = text_matches(conn, query)?;
    if matches.as_ref().is_some_and(Vec::is_empty) {
        return Ok(CustomerPage { total: 0, offset: query.offset, rows: vec![] });
    }

    let (filters, args) = list_filters(query, stale_before);
    let order = order_sql(query.sort);
    let book: u64 = conn.prepare_cached("SELECT count(*) FROM search_doc")?.query_row([], |r| r.get(0))?;
    let wanted = u64::from(query.offset) + u64::from(limit);
    let walk = matches.as_ref().is_some_and(|m| wanted * book / (m.len() as u64).max(1) < m.len() as u64);

    let (total, ids): (u64, Vec<CustomerId>) = match (&matches, walk) {
        (Some(matches), true) => {
            // Walk the list in order; a row is on the page if its document matched.
            let member = membership(matches);
            let sql =
                format!("SELECT d.rowid, d.customer_id FROM search_doc d {} ORDER BY {order}", where_sql(&filters));
            let mut stmt = conn.prepare_cached(&sql)?;
            let mut rows = stmt.query(params_from_iter(args.iter()))?;
            let mut ids = vec![];
            let mut skipped = 0;
            while let Some(row) = rows.next()? {
                let rowid: i64 = row.get(0)?;
                if !member.get(rowid as usize).copied().unwrap_or(false) {
                    continue;
                }
                if skipped < query.offset {
                    skipped += 1;
                    continue;
                }
                ids.push(row.get(1)?);
                if ids.len() == limit as usize {
                    break;
                }
            }
            let total =
                if filters.is_empty() { matches.len() as u64 } else { count(conn, &filters, &args, matches, book)? };
            (total, ids)
        }
        _ => {
            // Parameters: the filters', then the matches (if any), limit and offset.
            let mut conditions = filters.clone();
            let mut n = args.len();
            if matches.is_some() {
                n += 1;
                conditions.push(format!("d.rowid IN rarray(?{n})"));
            }
            let total = match &matches {
                Some(m) if filters.is_empty() => m.len() as u64,
                Some(m) => count(conn, &filters, &args, m, book)?,
                None => {
                    let sql = format!("SELECT count(*) FROM search_doc d {}", where_sql(&filters));
                    conn.prepare_cached(&sql)?.query_row(params_from_iter(args.iter()), |r| r.get::<_, i64>(0))? as u64
                }
            };
            let sql = format!(
                "SELECT d.customer_id FROM search_doc d {} ORDER BY {order} LIMIT ?{} OFFSET ?{}",
                where_sql(&conditions),
                n + 1,
                n + 2
            );
            let mut stmt = conn.prepare_cached(&sql)?;
            let mut bound: Vec<Box<dyn rusqlite::ToSql>> =
                args.iter().map(|a| Box::new(a.clone()) as Box<dyn rusqlite::ToSql>).collect();
            if let Some(m) = &matches {
                bound.push(Box::new(rowid_array(m)));
            }
            bound.push(Box::new(i64::from(limit)));
            bound.push(Box::new(i64::from(query.offset)));
            let ids = stmt
                .query_map(params_from_iter(bound.iter()), |r| r.get(0))?
                .collect::<rusqlite::Result<Vec<CustomerId>>>()?;
            (total, ids)
        }
    };

    let rows = page_rows(conn, ids, stale_before)?;
    Ok(CustomerPage { total: u32::try_from(total).unwrap_or(u32::MAX), offset: query.offset, rows })
}

/// Every card the query matches, in its order, handed over `chunk` rows at a
/// time (exports: the list as the user filtered it, without paging). The
/// query's offset and limit are ignored.
pub fn for_each_match(
    conn: &Connection,
    query: &CustomerQuery,
    stale_before: &str,
    chunk: usize,
    rows: Option<std::ops::Range<usize>>,
    mut f: impl FnMut(Vec<CustomerRow>, u32) -> Result<()>,
) -> Result<u32> {
    let matches = text_matches(conn, query)?;
    if matches.as_ref().is_some_and(Vec::is_empty) {
        return Ok(0);
    }
    let (mut conditions, args) = list_filters(query, stale_before);
    let order = order_sql(query.sort);
    let mut bound: Vec<Box<dyn rusqlite::ToSql>> =
        args.iter().map(|a| Box::new(a.clone()) as Box<dyn rusqlite::ToSql>).collect();
    if let Some(m) = &matches {
        conditions.push(format!("d.rowid IN rarray(?{})", args.len() + 1));
        bound.push(Box::new(rowid_array(m)));
    }
    let sql = format!("SELECT d.customer_id FROM search_doc d {} ORDER BY {order}", where_sql(&conditions));
    let ids = conn
        .prepare(&sql)?
        .query_map(params_from_iter(bound.iter()), |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<CustomerId>>>()?;
    // Only the rows asked for, in the list's order.
    let ids = match rows {
        Some(r) => &ids[r.start.min(ids.len())..r.end.min(ids.len()).max(r.start.min(ids.len()))],
        None => &ids[..],
    };
    let total = u32::try_from(ids.len()).unwrap_or(u32::MAX);
    for part in ids.chunks(chunk.max(1)) {
        f(page_rows(conn, part.to_vec(), stale_before)?, total)?;
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinyin_gives_full_spelling_and_initials() {
        assert_eq!(pinyin("华星农业"), ("huaxingnongye".to_string(), "hxny".to_string()));
        assert_eq!(pinyin("A1 超市"), ("a1chaoshi".to_string(), "a1cs".to_string()));
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
