//! Reading a whole archive card and its history.

use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use ts_rs::TS;

use super::fields::{to_json, Entity, ADDRESS_ENTITY, CREDIT_INCIDENT_ENTITY, CUSTOMER_ENTITY, KEY_PERSON_ENTITY};
use super::write::Fields;
use crate::error::{Error, Result};
use crate::ids::{ChangeId, CustomerId};
use crate::model::{Block, DataSource};

/// One child record of a card: its id and its fields by key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CardRecord {
    pub id: String,
    #[ts(type = "Record<string, JsonValue>")]
    pub fields: Fields,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BlockState {
    pub block: Block,
    pub source: DataSource,
    pub verified: bool,
    /// Customer-filled data that no rep has confirmed yet.
    pub needs_verification: bool,
}

/// The card's grades, route and visit rhythm (set through their own
/// operations, not as plain fields: each has rules and a history).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Grading {
    pub grade: Option<String>,
    /// Set by hand: the ABC suggestion does not replace it unasked.
    pub grade_manual: bool,
    pub credit_grade: Option<String>,
    /// The trading conditions of the credit grade.
    pub credit_terms: Option<crate::grades::CreditTerms>,
    /// Visit at least every this many days (from the grade).
    pub visit_every_days: u32,
    pub last_visit_on: Option<String>,
    /// When the next visit is due; none before a first visit is recorded.
    pub next_visit_due: Option<String>,
    pub route_id: Option<crate::ids::RouteId>,
    pub route_name: Option<String>,
    /// Place on the route (1-based).
    pub route_position: Option<u32>,
}

/// The archive card (客户档案卡) with everything on it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ArchiveCard {
    pub id: CustomerId,
    /// Increases with every saved change.
    pub revision: i64,
    /// The card's own fields by key (see `CardSchema.customer`).
    #[ts(type = "Record<string, JsonValue>")]
    pub fields: Fields,
    pub owner_name: String,
    pub territory_name: String,
    pub supplier_name: Option<String>,
    /// Customers this one supplies.
    pub downstream_count: u32,
    pub blocks: Vec<BlockState>,
    pub key_people: Vec<CardRecord>,
    pub addresses: Vec<CardRecord>,
    pub credit_incidents: Vec<CardRecord>,
    pub grading: Grading,
    pub reviewed_at: String,
    /// Not reviewed for longer than the book's stale period.
    pub stale: bool,
    pub created_at: String,
    pub updated_at: String,
}

fn select_fields(entity: Entity) -> String {
    entity.fields.iter().map(|f| f.column).collect::<Vec<_>>().join(", ")
}

fn read_fields(entity: Entity, row: &rusqlite::Row<'_>, offset: usize) -> rusqlite::Result<Fields> {
    let mut fields = Fields::new();
    for (i, def) in entity.fields.iter().enumerate() {
        fields.insert(def.key.to_string(), to_json(def, row.get::<_, SqlValue>(offset + i)?));
    }
    Ok(fields)
}

fn children(conn: &Connection, entity: Entity, customer: CustomerId, order: &str) -> Result<Vec<CardRecord>> {
    let sql =
        format!("SELECT id, {} FROM {} WHERE customer_id = ?1 ORDER BY {order}", select_fields(entity), entity.table);
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([customer], |r| Ok(CardRecord { id: r.get(0)?, fields: read_fields(entity, r, 1)? }))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn load(conn: &Connection, id: CustomerId, stale_before: &str) -> Result<ArchiveCard> {
    let sql = format!(
        "SELECT c.revision, s.name, t.name, sup.name,
                (SELECT count(*) FROM customer d WHERE d.supplier_id = c.id),
                c.reviewed_at, c.reviewed_at < ?2, c.created_at, c.updated_at, {},
                c.grade, c.grade_manual, c.credit_grade, c.last_visit_on, c.route_id, r.name,
                CASE WHEN c.route_id IS NULL THEN NULL ELSE
                    (SELECT count(*) FROM customer o WHERE o.route_id = c.route_id
                     AND (o.route_seq < c.route_seq OR (o.route_seq = c.route_seq AND o.name_pinyin < c.name_pinyin))) + 1 END
         FROM customer c
         JOIN staff s ON s.id = c.owner_id
         JOIN org_unit t ON t.id = c.territory_id
         LEFT JOIN customer sup ON sup.id = c.supplier_id
         LEFT JOIN route r ON r.id = c.route_id
         WHERE c.id = ?1",
        CUSTOMER_ENTITY.fields.iter().map(|f| format!("c.{}", f.column)).collect::<Vec<_>>().join(", ")
    );
    let card = conn
        .prepare_cached(&sql)?
        .query_row(rusqlite::params![id, stale_before], |r| {
            Ok(ArchiveCard {
                id,
                revision: r.get(0)?,
                owner_name: r.get(1)?,
                territory_name: r.get(2)?,
                supplier_name: r.get(3)?,
                downstream_count: r.get(4)?,
                reviewed_at: r.get(5)?,
                stale: r.get(6)?,
                created_at: r.get(7)?,
                updated_at: r.get(8)?,
                fields: read_fields(CUSTOMER_ENTITY, r, 9)?,
                blocks: vec![],
                key_people: vec![],
                addresses: vec![],
                credit_incidents: vec![],
                grading: Grading {
                    grade: r.get(9 + CUSTOMER_ENTITY.fields.len())?,
                    grade_manual: r.get(10 + CUSTOMER_ENTITY.fields.len())?,
                    credit_grade: r.get(11 + CUSTOMER_ENTITY.fields.len())?,
                    credit_terms: None,
                    visit_every_days: 0,
                    last_visit_on: r.get(12 + CUSTOMER_ENTITY.fields.len())?,
                    next_visit_due: None,
                    route_id: r.get(13 + CUSTOMER_ENTITY.fields.len())?,
                    route_name: r.get(14 + CUSTOMER_ENTITY.fields.len())?,
                    route_position: r.get(15 + CUSTOMER_ENTITY.fields.len())?,
                },
            })
        })
        .optional()?;
    let Some(mut card) = card else {
        return Err(Error::NotFound { what: "customer", id: id.to_string() });
    };
    card.blocks = Block::ALL
        .iter()
        .map(|block| {
            let prefix = block.as_str();
            let source = card
                .fields
                .get(&format!("{prefix}Source"))
                .and_then(Json::as_str)
                .and_then(|s| s.parse().ok())
                .unwrap_or(DataSource::RepVisit);
            let verified = card.fields.get(&format!("{prefix}Verified")).and_then(Json::as_bool).unwrap_or(true);
            BlockState { block: *block, source, verified, needs_verification: !verified }
        })
        .collect();
    if let Some(grade) = &card.grading.credit_grade {
        card.grading.credit_terms = crate::grades::credit_terms(conn, grade)?;
    }
    let (frequencies, ungraded) = crate::grades::visit_frequencies(conn)?;
    card.grading.visit_every_days =
        card.grading.grade.as_ref().and_then(|g| frequencies.get(g).copied()).unwrap_or(ungraded);
    card.grading.next_visit_due = card
        .grading
        .last_visit_on
        .as_deref()
        .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .map(|d| (d + chrono::Duration::days(i64::from(card.grading.visit_every_days))).to_string());
    card.key_people = children(
        conn,
        KEY_PERSON_ENTITY,
        id,
        "CASE role WHEN 'owner' THEN 0 WHEN 'legal_representative' THEN 1 WHEN 'manager' THEN 2 ELSE 3 END, id",
    )?;
    card.addresses = children(conn, ADDRESS_ENTITY, id, "kind <> 'business', id")?;
    card.credit_incidents = children(conn, CREDIT_INCIDENT_ENTITY, id, "occurred_on DESC, id")?;
    Ok(card)
}

/// One field changed, or one record created or removed (`field` = `*`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
    pub id: ChangeId,
    /// `customer`, `key_person`, `address`, `credit_incident`.
    pub entity: String,
    pub entity_id: String,
    /// For child records: the person's name, the address, the incident date.
    pub entity_label: Option<String>,
    pub field: String,
    pub old_value: Json,
    pub new_value: Json,
    pub changed_by: Option<String>,
    pub changed_at: String,
    /// `create`, `edit`, `demo`, `visit`, `call` … : what kind of work made the change.
    pub source: String,
    /// The visit or call whose findings made the change.
    pub source_id: Option<String>,
}

/// The card's history, newest first.
pub fn history(conn: &Connection, customer: CustomerId, limit: u32) -> Result<Vec<HistoryEntry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT h.id, h.entity, h.entity_id,
                CASE h.entity
                  WHEN 'key_person' THEN (SELECT name FROM key_person WHERE id = h.entity_id)
                  WHEN 'address' THEN (SELECT detail FROM customer_address WHERE id = h.entity_id)
                  WHEN 'credit_incident' THEN (SELECT occurred_on FROM credit_incident WHERE id = h.entity_id)
                END,
                h.field, h.old_value, h.new_value, s.name, h.changed_at, h.source, h.source_id
         FROM change_history h LEFT JOIN staff s ON s.id = h.changed_by
         WHERE h.customer_id = ?1
         ORDER BY h.changed_at DESC, h.id DESC
         LIMIT ?2",
    )?;
    let parse = |text: Option<String>| text.and_then(|t| serde_json::from_str(&t).ok()).unwrap_or(Json::Null);
    let rows = stmt.query_map(rusqlite::params![customer, limit], |r| {
        Ok(HistoryEntry {
            id: r.get(0)?,
            entity: r.get(1)?,
            entity_id: r.get(2)?,
            entity_label: r.get(3)?,
            field: r.get(4)?,
            old_value: parse(r.get(5)?),
            new_value: parse(r.get(6)?),
            changed_by: r.get(7)?,
            changed_at: r.get(8)?,
            source: r.get(9)?,
            source_id: r.get(10)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
