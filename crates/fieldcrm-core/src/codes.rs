//! Code lists: the classifications of a card by nature (ownership, channel
//! type, location type, industry, and any list head office adds). Lists are
//! data that head office maintains; a retired list or code keeps its labels
//! and stays on the cards that carry it, but is no longer offered.
//!
//! The four built-in lists are card columns (so they sort, filter and merge
//! like any field); codes of lists head office adds live in the card's
//! `custom_codes` object, keyed by list.

use crate::error::ProblemCode;
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use ts_rs::TS;

use crate::clock::timestamp;
use crate::error::{Error, FieldProblem, Result};

/// A built-in list and the card field that carries its code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Builtin {
    pub list: &'static str,
    pub column: &'static str,
    pub field: &'static str,
}

pub const BUILTIN: &[Builtin] = &[
    Builtin { list: "ownership", column: "org_form", field: "orgForm" },
    Builtin { list: "channel_type", column: "channel_type", field: "channelType" },
    Builtin { list: "location_type", column: "location_type", field: "locationType" },
    Builtin { list: "industry", column: "industry", field: "industry" },
];

pub fn builtin(list: &str) -> Option<&'static Builtin> {
    BUILTIN.iter().find(|b| b.list == list)
}

/// Lists that classify records rather than cards (the kind of a visit). Head
/// office edits their codes; they are not offered on cards.
pub const RECORD_LISTS: &[&str] = &["visit_type"];

/// The card field holding custom lists' codes.
pub const CUSTOM_FIELD: &str = "customCodes";

/// Most codes a list may hold, and lists a book may have.
pub const MAX_ITEMS: usize = 500;
pub const MAX_LISTS: usize = 50;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CodeItem {
    pub code: String,
    pub label_zh: String,
    pub label_en: String,
    pub position: i64,
    pub retired: bool,
    /// Cards carrying this code.
    pub cards: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CodeList {
    pub id: String,
    pub label_zh: String,
    pub label_en: String,
    pub position: i64,
    pub retired: bool,
    /// The card field of a built-in list (`orgForm`, `channelType` …); none for
    /// lists head office added, whose codes are in `customCodes`.
    pub field: Option<String>,
    /// The list classifies cards (false: records, such as the visit type).
    pub for_cards: bool,
    pub items: Vec<CodeItem>,
}

/// A list head office adds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NewCodeList {
    /// The list's key: lower-case letters, digits and `_`, starting with a letter.
    pub id: String,
    pub label_zh: String,
    pub label_en: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NewCodeItem {
    pub list_id: String,
    /// The code's key: lower-case letters, digits and `_`, starting with a letter.
    pub code: String,
    pub label_zh: String,
    pub label_en: String,
}

/// Changes to a list (`code` absent) or to one of its codes. Absent fields stay.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct CodeEdit {
    pub list_id: String,
    #[ts(optional)]
    pub code: Option<String>,
    #[ts(optional)]
    pub label_zh: Option<String>,
    #[ts(optional)]
    pub label_en: Option<String>,
    /// New place in the list (1 = first); the others shift.
    #[ts(optional)]
    pub position: Option<i64>,
    #[ts(optional)]
    pub retired: Option<bool>,
}

/// Is `key` a valid list or code key?
pub fn valid_key(key: &str) -> bool {
    let mut chars = key.chars();
    (1..=40).contains(&key.len())
        && chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn check_key(field: &str, key: &str) -> Result<()> {
    if valid_key(key) {
        Ok(())
    } else {
        Err(Error::invalid(
            field,
            ProblemCode::BadKey,
            format!("'{key}' is not a valid key: use 1–40 lower-case letters, digits and '_', starting with a letter"),
        ))
    }
}

fn check_label(field: &str, label: &str) -> Result<String> {
    let label = label.trim();
    if label.is_empty() {
        return Err(Error::invalid(field, ProblemCode::Required, "is required"));
    }
    if label.chars().count() > 40 {
        return Err(Error::invalid(field, ProblemCode::TooLong, "at most 40 characters fit"));
    }
    if label.chars().any(char::is_control) {
        return Err(Error::invalid(
            field,
            ProblemCode::ControlChars,
            "contains invisible control characters; retype it",
        ));
    }
    Ok(label.to_string())
}

/// Every list with its codes and how many cards carry each, in order.
pub fn lists(conn: &Connection) -> Result<Vec<CodeList>> {
    let mut used: BTreeMap<(String, String), u32> = BTreeMap::new();
    for b in BUILTIN {
        let sql = format!("SELECT {0}, count(*) FROM customer WHERE {0} IS NOT NULL GROUP BY {0}", b.column);
        let mut stmt = conn.prepare_cached(&sql)?;
        for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?)))? {
            let (code, n) = row?;
            used.insert((b.list.to_string(), code), n);
        }
    }
    let mut stmt = conn.prepare_cached(
        "SELECT j.key, j.value, count(*) FROM customer, json_each(customer.custom_codes) AS j
         WHERE customer.custom_codes <> '{}' GROUP BY j.key, j.value",
    )?;
    for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, u32>(2)?)))? {
        let (list, code, n) = row?;
        used.insert((list, code), n);
    }
    let mut items: BTreeMap<String, Vec<CodeItem>> = BTreeMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT list_id, code, label_zh, label_en, position, retired FROM code_item ORDER BY list_id, position, code",
    )?;
    for row in stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            CodeItem {
                code: r.get(1)?,
                label_zh: r.get(2)?,
                label_en: r.get(3)?,
                position: r.get(4)?,
                retired: r.get(5)?,
                cards: 0,
            },
        ))
    })? {
        let (list, mut item) = row?;
        item.cards = used.get(&(list.clone(), item.code.clone())).copied().unwrap_or(0);
        items.entry(list).or_default().push(item);
    }
    let mut stmt =
        conn.prepare_cached("SELECT id, label_zh, label_en, position, retired FROM code_list ORDER BY position, id")?;
    let lists = stmt
        .query_map([], |r| {
            let id: String = r.get(0)?;
            Ok(CodeList {
                field: builtin(&id).map(|b| b.field.to_string()),
                for_cards: !RECORD_LISTS.contains(&id.as_str()),
                items: vec![],
                id,
                label_zh: r.get(1)?,
                label_en: r.get(2)?,
                position: r.get(3)?,
                retired: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(lists
        .into_iter()
        .map(|mut list| {
            list.items = items.remove(&list.id).unwrap_or_default();
            list
        })
        .collect())
}

fn list_exists(conn: &Connection, id: &str) -> Result<Option<bool>> {
    Ok(conn
        .prepare_cached("SELECT retired FROM code_list WHERE id = ?1")?
        .query_row([id], |r| r.get::<_, bool>(0))
        .optional()?)
}

pub fn add_list(tx: &Transaction<'_>, new: &NewCodeList, now: DateTime<Utc>) -> Result<()> {
    check_key("id", &new.id)?;
    let label_zh = check_label("labelZh", &new.label_zh)?;
    let label_en = check_label("labelEn", &new.label_en)?;
    if list_exists(tx, &new.id)?.is_some() {
        return Err(Error::invalid(
            "id",
            ProblemCode::Duplicate,
            format!("a list '{}' already exists; choose another key", new.id),
        ));
    }
    let count: usize = tx.query_row("SELECT count(*) FROM code_list", [], |r| r.get(0))?;
    if count >= MAX_LISTS {
        return Err(Error::invalid("id", ProblemCode::TooMany, format!("a book holds at most {MAX_LISTS} code lists")));
    }
    let ts = timestamp(now);
    tx.prepare_cached(
        "INSERT INTO code_list (id, label_zh, label_en, position, created_at, updated_at)
         VALUES (?1, ?2, ?3, (SELECT coalesce(max(position), 0) + 1 FROM code_list), ?4, ?4)",
    )?
    .execute(params![new.id, label_zh, label_en, ts])?;
    Ok(())
}

pub fn add_item(tx: &Transaction<'_>, new: &NewCodeItem, now: DateTime<Utc>) -> Result<()> {
    let Some(retired) = list_exists(tx, &new.list_id)? else {
        return Err(Error::NotFound { what: "code list", id: new.list_id.clone() });
    };
    if retired {
        return Err(Error::invalid(
            "listId",
            ProblemCode::Retired,
            "this list is retired; bring it back before adding codes",
        ));
    }
    check_key("code", &new.code)?;
    let label_zh = check_label("labelZh", &new.label_zh)?;
    let label_en = check_label("labelEn", &new.label_en)?;
    if item(tx, &new.list_id, &new.code)?.is_some() {
        return Err(Error::invalid(
            "code",
            ProblemCode::Duplicate,
            format!("the list already has the code '{}'; edit or bring back that one", new.code),
        ));
    }
    let count: usize =
        tx.query_row("SELECT count(*) FROM code_item WHERE list_id = ?1", [&new.list_id], |r| r.get(0))?;
    if count >= MAX_ITEMS {
        return Err(Error::invalid("code", ProblemCode::TooMany, format!("a list holds at most {MAX_ITEMS} codes")));
    }
    let ts = timestamp(now);
    tx.prepare_cached(
        "INSERT INTO code_item (id, list_id, code, label_zh, label_en, position, created_at, updated_at)
         VALUES (?1 || '/' || ?2, ?1, ?2, ?3, ?4,
                 (SELECT coalesce(max(position), 0) + 1 FROM code_item WHERE list_id = ?1), ?5, ?5)",
    )?
    .execute(params![new.list_id, new.code, label_zh, label_en, ts])?;
    Ok(())
}

/// `(retired)` of a code, if the list has it.
fn item(conn: &Connection, list: &str, code: &str) -> Result<Option<bool>> {
    Ok(conn
        .prepare_cached("SELECT retired FROM code_item WHERE list_id = ?1 AND code = ?2")?
        .query_row([list, code], |r| r.get::<_, bool>(0))
        .optional()?)
}

pub fn edit(tx: &Transaction<'_>, edit: &CodeEdit, now: DateTime<Utc>) -> Result<()> {
    if list_exists(tx, &edit.list_id)?.is_none() {
        return Err(Error::NotFound { what: "code list", id: edit.list_id.clone() });
    }
    let (table, key_sql, keys): (&str, &str, Vec<&str>) = match &edit.code {
        Some(code) => {
            if item(tx, &edit.list_id, code)?.is_none() {
                return Err(Error::NotFound { what: "code", id: format!("{}/{code}", edit.list_id) });
            }
            ("code_item", "list_id = ?1 AND code = ?2", vec![edit.list_id.as_str(), code.as_str()])
        }
        None => ("code_list", "id = ?1", vec![edit.list_id.as_str()]),
    };
    if edit.retired == Some(true)
        && edit.code.is_none()
        && (builtin(&edit.list_id).is_some() || RECORD_LISTS.contains(&edit.list_id.as_str()))
    {
        return Err(Error::invalid(
            "retired",
            ProblemCode::Builtin,
            "the built-in lists are part of the card; retire their codes instead",
        ));
    }
    let ts = timestamp(now);
    let set = |column: &str, value: rusqlite::types::Value| -> Result<()> {
        let sql = format!(
            "UPDATE {table} SET {column} = ?{}, updated_at = ?{} WHERE {key_sql}",
            keys.len() + 1,
            keys.len() + 2
        );
        let mut values: Vec<rusqlite::types::Value> = keys.iter().map(|k| k.to_string().into()).collect();
        values.push(value);
        values.push(ts.clone().into());
        tx.prepare_cached(&sql)?.execute(rusqlite::params_from_iter(values))?;
        Ok(())
    };
    // Checked first, written after: a bad label leaves everything as it was.
    let label_zh = edit.label_zh.as_deref().map(|l| check_label("labelZh", l)).transpose()?;
    let label_en = edit.label_en.as_deref().map(|l| check_label("labelEn", l)).transpose()?;
    if let Some(label) = label_zh {
        set("label_zh", label.into())?;
    }
    if let Some(label) = label_en {
        set("label_en", label.into())?;
    }
    if let Some(retired) = edit.retired {
        set("retired", i64::from(retired).into())?;
    }
    if let Some(position) = edit.position {
        reposition(tx, &edit.list_id, edit.code.as_deref(), position, &ts)?;
    }
    Ok(())
}

/// Moves one list (`code` none) or code to `position` (1-based) and renumbers its siblings.
fn reposition(tx: &Transaction<'_>, list: &str, code: Option<&str>, position: i64, ts: &str) -> Result<()> {
    let mut keys: Vec<String> = match code {
        Some(_) => tx
            .prepare_cached("SELECT code FROM code_item WHERE list_id = ?1 ORDER BY position, code")?
            .query_map([list], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?,
        None => tx
            .prepare_cached("SELECT id FROM code_list ORDER BY position, id")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?,
    };
    let moving = code.unwrap_or(list).to_string();
    keys.retain(|k| *k != moving);
    let at = usize::try_from(position.clamp(1, keys.len() as i64 + 1) - 1).unwrap_or(0);
    keys.insert(at, moving);
    for (i, key) in keys.iter().enumerate() {
        let n = i as i64 + 1;
        match code {
            Some(_) => tx
                .prepare_cached(
                    "UPDATE code_item SET position = ?3, updated_at = ?4
                     WHERE list_id = ?1 AND code = ?2 AND position <> ?3",
                )?
                .execute(params![list, key, n, ts])?,
            None => tx
                .prepare_cached("UPDATE code_list SET position = ?2, updated_at = ?3 WHERE id = ?1 AND position <> ?2")?
                .execute(params![key, n, ts])?,
        };
    }
    Ok(())
}

/// Checks a code chosen for a built-in list's card field. `current` is the
/// card's present value: a retired code may stay where it is.
pub fn check_code(
    conn: &Connection,
    field: &str,
    list: &str,
    code: &str,
    current: Option<&str>,
) -> Result<Option<FieldProblem>> {
    Ok(match item(conn, list, code)? {
        None => Some(FieldProblem::new(
            field,
            ProblemCode::UnknownCode,
            format!(
                "'{code}' is not a code of the list '{list}'; choose one of its codes or ask head office to add it"
            ),
        )),
        Some(true) if current != Some(code) => Some(FieldProblem::new(
            field,
            ProblemCode::RetiredCode,
            format!("the code '{code}' of the list '{list}' is retired; choose another"),
        )),
        Some(_) => None,
    })
}

/// Checks a card's custom codes (`{"list": "code"}`) against the lists.
pub fn check_custom(conn: &Connection, codes: &Json, current: &Json) -> Result<Vec<FieldProblem>> {
    let mut problems = vec![];
    let Some(codes) = codes.as_object() else { return Ok(problems) };
    for (list, code) in codes {
        let Some(code) = code.as_str() else { continue };
        let field = format!("{CUSTOM_FIELD}.{list}");
        if builtin(list).is_some() {
            problems.push(FieldProblem::new(
                field,
                ProblemCode::BuiltinList,
                format!("'{list}' is a built-in list; set its card field instead"),
            ));
            continue;
        }
        if RECORD_LISTS.contains(&list.as_str()) {
            problems.push(FieldProblem::new(
                field,
                ProblemCode::RecordList,
                format!("'{list}' classifies records, not cards; choose a list of card codes"),
            ));
            continue;
        }
        match list_exists(conn, list)? {
            None => {
                problems.push(FieldProblem::new(
                    field,
                    ProblemCode::UnknownList,
                    format!("there is no code list '{list}'; head office adds lists"),
                ));
                continue;
            }
            Some(true) if current.get(list).and_then(Json::as_str) != Some(code) => {
                problems.push(FieldProblem::new(
                    field,
                    ProblemCode::RetiredList,
                    format!("the list '{list}' is retired"),
                ));
                continue;
            }
            Some(_) => {}
        }
        let kept = current.get(list).and_then(Json::as_str);
        problems.extend(check_code(conn, &field, list, code, kept)?);
    }
    Ok(problems)
}

/// Schema 4: industry was free text. Each distinct text becomes a code of the
/// industry list — a default code when it matches that code's label, else a
/// new code named after the text's hash, so every book derives the same code
/// from the same text. Not captured for sync: every book converts its own.
pub fn adopt_free_text(tx: &Transaction<'_>) -> Result<()> {
    use sha2::Digest;
    crate::changes::capture::set_capture(tx, false)?;
    let texts: Vec<String> = tx
        .prepare("SELECT DISTINCT industry FROM customer WHERE industry IS NOT NULL")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for text in texts {
        let known: Option<String> = tx
            .query_row(
                "SELECT code FROM code_item WHERE list_id = 'industry'
                 AND (code = ?1 OR label_zh = ?1 OR lower(label_en) = lower(?1)) ORDER BY code = ?1 DESC LIMIT 1",
                [&text],
                |r| r.get(0),
            )
            .optional()?;
        let code = match known {
            Some(code) => code,
            None => {
                let digest = sha2::Sha256::digest(text.as_bytes());
                let code = format!("legacy_{}", hex::encode(&digest[..4]));
                let label: String = text.chars().take(40).collect();
                tx.execute(
                    "INSERT OR IGNORE INTO code_item (id, list_id, code, label_zh, label_en, position, created_at, updated_at)
                     VALUES ('industry/' || ?1, 'industry', ?1, ?2, ?2,
                             (SELECT max(position) + 1 FROM code_item WHERE list_id = 'industry'),
                             '1970-01-01T00:00:00.000Z', '1970-01-01T00:00:00.000Z')",
                    params![code, label],
                )?;
                code
            }
        };
        if code != text {
            tx.execute("UPDATE customer SET industry = ?1 WHERE industry = ?2", params![code, text])?;
        }
    }
    crate::changes::capture::set_capture(tx, true)?;
    Ok(())
}
