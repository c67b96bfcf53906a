//! Every write to a card goes through here: create, field-level patch with
//! compare-and-set, child records, and the change history written in the same
//! transaction as the change itself.

use crate::error::ProblemCode;
use std::collections::BTreeMap;

use chrono::NaiveDate;
use rusqlite::types::Value as SqlValue;
use rusqlite::{params_from_iter, OptionalExtension, Transaction};
use serde_json::Value as Json;

use super::address::{self, Divisions, Given};
use super::fields::{
    self, check, to_json, Entity, FieldDef, Kind, RefTable, ADDRESS_ENTITY, CUSTOMER_ENTITY, KEY_PERSON_ENTITY,
};
use crate::clock::timestamp;
use crate::error::{Error, FieldProblem, Result};
use crate::ids::{ChangeId, CustomerId};
use crate::model::{Block, DataSource};
use crate::org;
use crate::search;

pub use crate::org::Actor;

/// One field to change. `expected` is the value the user saw when they began
/// editing; if someone else changed the field meanwhile, the save is refused
/// instead of silently erasing their value. `None` skips the check.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct FieldChange {
    pub field: String,
    #[serde(default)]
    #[ts(optional)]
    pub expected: Option<Json>,
    pub value: Json,
}

pub type Fields = BTreeMap<String, Json>;

#[derive(Debug, Clone)]
struct Checked {
    def: &'static FieldDef,
    sql: SqlValue,
    json: Json,
}

/// Checks a whole new record: unknown keys, each value, required fields.
fn check_record(entity: Entity, values: &Fields, today: NaiveDate) -> Result<(Vec<Checked>, Vec<FieldProblem>)> {
    let mut problems = vec![];
    let mut warnings = vec![];
    let mut out = Vec::with_capacity(entity.fields.len());
    for key in values.keys() {
        if entity.field(key).is_none() {
            problems.push(FieldProblem::new(
                key.as_str(),
                ProblemCode::UnknownField,
                format!("{} has no field '{key}'", entity.name),
            ));
        }
    }
    for def in entity.fields {
        let value = values.get(def.key).unwrap_or(&Json::Null);
        match check(def, value, today) {
            Ok(c) => {
                warnings.extend(c.warnings);
                out.push(Checked { def, sql: c.sql, json: c.json });
            }
            Err(p) => problems.push(p),
        }
    }
    if problems.is_empty() {
        Ok((out, warnings))
    } else {
        Err(Error::Invalid(problems))
    }
}

fn ref_exists(tx: &Transaction<'_>, table: RefTable, id: &str) -> Result<bool> {
    let table = match table {
        RefTable::Staff => "staff",
        RefTable::OrgUnit => "org_unit",
        RefTable::Customer => "customer",
    };
    org::exists(tx, table, id)
}

fn check_refs(tx: &Transaction<'_>, values: &[Checked]) -> Result<()> {
    let mut problems = vec![];
    for c in values {
        if let (Kind::Ref(table), SqlValue::Text(id)) = (c.def.kind, &c.sql) {
            if !ref_exists(tx, table, id)? {
                problems.push(FieldProblem::new(
                    c.def.key,
                    ProblemCode::UnknownRef,
                    format!("{id} does not exist in this book"),
                ));
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Invalid(problems))
    }
}

/// Checks codes against their lists. `old` holds the stored value of each
/// field being changed (a retired code may stay where it already is).
fn check_codes(tx: &Transaction<'_>, values: &[Checked], old: &BTreeMap<&str, Json>) -> Result<()> {
    let mut problems = vec![];
    for c in values {
        match (c.def.kind, &c.sql) {
            (Kind::Code(list), SqlValue::Text(code)) => {
                let current = old.get(c.def.key).and_then(Json::as_str);
                problems.extend(crate::codes::check_code(tx, c.def.key, list, code, current)?);
            }
            (Kind::Codes, _) => {
                let current = old.get(c.def.key).cloned().unwrap_or(Json::Null);
                problems.extend(crate::codes::check_custom(tx, &c.json, &current)?);
            }
            _ => {}
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Invalid(problems))
    }
}

/// Refuses a supplier link that would make `customer` its own (indirect) supplier.
fn check_supplier(tx: &Transaction<'_>, customer: CustomerId, supplier: &str) -> Result<()> {
    let mut current = Some(supplier.to_string());
    let mut steps = 0;
    let me = customer.to_string();
    while let Some(id) = current {
        if id == me {
            return Err(Error::invalid(
                "supplierId",
                ProblemCode::SupplierCycle,
                "this supplier is (directly or through others) supplied by this customer; choose a supplier further up the channel",
            ));
        }
        steps += 1;
        if steps > 10_000 {
            break;
        }
        current = tx
            .prepare_cached("SELECT supplier_id FROM customer WHERE id = ?1")?
            .query_row([&id], |r| r.get::<_, Option<String>>(0))
            .optional()?
            .flatten();
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)] // one row of change_history, column by column
fn record_history(
    tx: &Transaction<'_>,
    customer: CustomerId,
    entity: Entity,
    entity_id: &str,
    field: &str,
    old: &Json,
    new: &Json,
    actor: Actor,
) -> Result<()> {
    let mut rows = NewRows::default();
    rows.history(customer, entity, entity_id, field, old, new, actor);
    rows.flush(tx)
}

/// New rows gathered to be written many to a statement. A bulk write (an
/// import) costs a statement, and its statement journal, per batch of rows
/// instead of per row. Rows are written table by table, cards before their
/// records and the history last, so every reference finds its row.
#[derive(Debug, Default)]
pub struct NewRows {
    batches: Vec<Batch>,
    rows: usize,
}

/// Rows of one table with the same columns.
#[derive(Debug)]
struct Batch {
    table: &'static str,
    columns: Vec<&'static str>,
    values: Vec<SqlValue>,
}

impl Batch {
    /// Written before the batches of a higher rank.
    fn rank(&self) -> u8 {
        match self.table {
            "customer" => 0,
            "change_history" => 2,
            _ => 1,
        }
    }
}

impl NewRows {
    /// Rows gathered and not yet written.
    pub fn len(&self) -> usize {
        self.rows
    }

    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    fn add(&mut self, table: &'static str, columns: &[&'static str], values: Vec<SqlValue>) {
        debug_assert_eq!(columns.len(), values.len());
        self.rows += 1;
        if let Some(b) = self.batches.iter_mut().find(|b| b.table == table && b.columns == columns) {
            b.values.extend(values);
        } else {
            self.batches.push(Batch { table, columns: columns.to_vec(), values });
        }
    }

    #[allow(clippy::too_many_arguments)] // one row of change_history, column by column
    fn history(
        &mut self,
        customer: CustomerId,
        entity: Entity,
        entity_id: &str,
        field: &str,
        old: &Json,
        new: &Json,
        actor: Actor,
    ) {
        let json = |v: &Json| if v.is_null() { SqlValue::Null } else { SqlValue::Text(v.to_string()) };
        let text = |s: &str| SqlValue::Text(s.to_string());
        self.add(
            "change_history",
            &[
                "id",
                "customer_id",
                "entity",
                "entity_id",
                "field",
                "old_value",
                "new_value",
                "changed_by",
                "changed_at",
                "source",
                "source_id",
            ],
            vec![
                SqlValue::Text(ChangeId::new().to_string()),
                SqlValue::Text(customer.to_string()),
                text(entity.name),
                text(entity_id),
                text(field),
                json(old),
                json(new),
                SqlValue::Text(actor.staff.to_string()),
                SqlValue::Text(timestamp(actor.at)),
                text(actor.source),
                actor.source_id.map_or(SqlValue::Null, |id| SqlValue::Text(id.to_string())),
            ],
        );
    }

    /// Writes every row gathered, and forgets them. Each batch keeps its
    /// room for the next rows: an import gathers and writes a couple of
    /// thousand rows at a time, and growing every batch anew each time
    /// (megabytes of values) showed in its profile.
    pub fn flush(&mut self, tx: &Transaction<'_>) -> Result<()> {
        self.rows = 0;
        self.batches.sort_by_key(Batch::rank);
        let written = self.batches.iter().try_for_each(|b| b.write(tx));
        for b in &mut self.batches {
            b.values.clear();
        }
        written
    }
}

impl Batch {
    /// Writes the rows, up to 256 to a statement.
    fn write(&self, tx: &Transaction<'_>) -> Result<()> {
        let width = self.columns.len();
        // At most 256 rows, and within SQLite's 32,766 parameters.
        let per_statement = (32_766 / width).min(256);
        let columns = self.columns.join(", ");
        for chunk in self.values.chunks(width * per_statement) {
            let rows = crate::store::value_rows(width, chunk.len() / width);
            tx.prepare_cached(&format!("INSERT INTO {} ({columns}) VALUES {rows}", self.table))?
                .execute(params_from_iter(chunk))?;
        }
        Ok(())
    }
}

/// Fills a new card's defaults and checks it completely (values, references,
/// codes) without writing: what [`insert_customer`] checks, for a dry run.
/// Returns the checked values and the warnings.
fn check_new_customer(
    tx: &Transaction<'_>,
    values: &Fields,
    today: NaiveDate,
) -> Result<(Vec<Checked>, Vec<FieldProblem>)> {
    let mut values = values.clone();
    // Customer-filled blocks start unverified; all others start trusted.
    for block in Block::ALL {
        let source_key = format!("{}Source", block.as_str());
        let source = values.entry(source_key).or_insert_with(|| Json::from(DataSource::RepVisit.as_str())).clone();
        values
            .entry(format!("{}Verified", block.as_str()))
            .or_insert_with(|| Json::Bool(source.as_str() != Some(DataSource::CustomerForm.as_str())));
    }
    values.entry("creditStanding".into()).or_insert_with(|| Json::from("unknown"));
    values.entry("lifecycle".into()).or_insert_with(|| Json::from("prospect"));
    values.entry("channelLevel".into()).or_insert_with(|| Json::from("retailer"));
    let (checked, mut warnings) = check_record(CUSTOMER_ENTITY, &values, today)?;
    check_refs(tx, &checked)?;
    check_codes(tx, &checked, &BTreeMap::new())?;
    warnings.extend(cross_field_warnings(&checked));
    Ok((checked, warnings))
}

/// A new card and its first records, checked completely (values, references,
/// codes) and ready to write: [`check_customer`] makes one and
/// [`insert_checked_unindexed`] writes it, so a bulk write checks each card
/// once and its dry run checks exactly what the write will store.
///
/// Only the values that are not empty are kept, in field order; the others
/// are written as NULL. An import holds every card of its file between the
/// dry run and the commit: most of a new card's fifty fields are empty, and
/// keeping them took 100,000 cards about a gigabyte.
#[derive(Debug, Clone)]
pub struct CheckedCard {
    card: Vec<Checked>,
    children: Vec<CheckedChild>,
}

/// `checked` without its empty values (see [`CheckedCard`]).
fn kept(mut checked: Vec<Checked>) -> Vec<Checked> {
    checked.retain(|c| c.sql != SqlValue::Null);
    checked.shrink_to_fit();
    checked
}

/// Every column of `entity`, with its value in `checked` (in field order,
/// with or without the empty values) or NULL, appended to `columns` and `values`.
fn all_columns(entity: Entity, checked: &[Checked], columns: &mut Vec<&'static str>, values: &mut Vec<SqlValue>) {
    let mut checked = checked.iter().peekable();
    for def in entity.fields {
        columns.push(def.column);
        values.push(checked.next_if(|c| c.def.key == def.key).map_or(SqlValue::Null, |c| c.sql.clone()));
    }
    debug_assert!(checked.next().is_none(), "values out of field order");
}

#[derive(Debug, Clone)]
struct CheckedChild {
    entity: Entity,
    id: String,
    values: Vec<Checked>,
}

impl CheckedCard {
    /// The card's search document as the book will have it once the card is
    /// written: the parts [`search::Document`] takes, from the values to be
    /// stored.
    pub fn document(&self, id: CustomerId) -> search::NewDocument {
        fn text<'a>(values: &'a [Checked], key: &str) -> Option<&'a str> {
            values.iter().find(|c| c.def.key == key).and_then(|c| match &c.sql {
                SqlValue::Text(t) => Some(t.as_str()),
                _ => None,
            })
        }
        let card = &self.card;
        let mut doc = search::Document::card(
            text(card, "name").unwrap_or_default(),
            text(card, "shortName"),
            text(card, "phone"),
        );
        // As the book returns them: addresses, then people, each in the order written.
        for child in self.children.iter().filter(|c| c.entity == ADDRESS_ENTITY) {
            let part = |key| text(&child.values, key).unwrap_or_default();
            doc.text([part("province"), part("city"), part("district"), part("detail")].concat());
        }
        for child in self.children.iter().filter(|c| c.entity == KEY_PERSON_ENTITY) {
            doc.person(text(&child.values, "name").unwrap_or_default(), text(&child.values, "phone"));
        }
        doc.tags(text(card, "tags").unwrap_or("[]"));
        search::NewDocument::new(id, doc)
    }
}

/// Checks a new card and its first records as [`insert_customer`] does,
/// writing nothing. Returns them checked, and the warnings.
pub fn check_customer(
    tx: &Transaction<'_>,
    values: &Fields,
    children: &[NewChild<'_>],
    today: NaiveDate,
) -> Result<(CheckedCard, Vec<FieldProblem>)> {
    let (card, mut warnings) = check_new_customer(tx, values, today)?;
    let mut checked_children = Vec::with_capacity(children.len());
    for child in children {
        let at = |problems: Vec<FieldProblem>| -> Vec<FieldProblem> {
            problems.into_iter().map(|p| FieldProblem { field: format!("{}.{}", child.path, p.field), ..p }).collect()
        };
        let (checked, more) = check_child(child.entity, child.values, today)
            .and_then(|(checked, more)| check_refs(tx, &checked).map(|()| (checked, more)))
            .map_err(|e| match e {
                Error::Invalid(problems) => Error::Invalid(at(problems)),
                other => other,
            })?;
        warnings.extend(at(more));
        checked_children.push(CheckedChild { entity: child.entity, id: child.id.to_string(), values: kept(checked) });
    }
    Ok((CheckedCard { card: kept(card), children: checked_children }, warnings))
}

/// A record to create together with a new card.
#[derive(Debug, Clone, Copy)]
pub struct NewChild<'a> {
    pub entity: Entity,
    pub id: &'a str,
    pub values: &'a Fields,
    /// Put before the record's problems' field names (`keyPeople[0]`).
    pub path: &'a str,
}

/// Creates a card with its first records: one revision, one history row,
/// one search refresh.
/// Returns warnings.
pub fn insert_customer(
    tx: &Transaction<'_>,
    id: CustomerId,
    values: &Fields,
    children: &[NewChild<'_>],
    actor: Actor,
) -> Result<Vec<FieldProblem>> {
    let warnings = insert_customer_unindexed(tx, id, values, children, actor)?;
    search::refresh(tx, id)?;
    Ok(warnings)
}

/// [`insert_customer`] without the search refresh: a bulk write (an import)
/// refreshes all its cards at once with [`search::refresh_many`] before it
/// commits. Returns warnings.
pub fn insert_customer_unindexed(
    tx: &Transaction<'_>,
    id: CustomerId,
    values: &Fields,
    children: &[NewChild<'_>],
    actor: Actor,
) -> Result<Vec<FieldProblem>> {
    let (checked, warnings) = check_customer(tx, values, children, actor.today())?;
    insert_checked_unindexed(tx, id, &checked, actor)?;
    Ok(warnings)
}

/// Writes a card [`check_customer`] checked, with its first records, in the
/// transaction that checked it; without the search refresh.
pub fn insert_checked_unindexed(
    tx: &Transaction<'_>,
    id: CustomerId,
    checked: &CheckedCard,
    actor: Actor,
) -> Result<()> {
    let mut rows = NewRows::default();
    stage_checked(tx, &mut rows, id, checked, actor)?;
    rows.flush(tx)
}

/// Gathers the rows of a card [`check_customer`] checked, with its first
/// records, into `rows`; [`NewRows::flush`] writes them. One history row
/// records the creation, first records included (they show on the card): a
/// row per record said three times over what one act did, and cost an
/// import of 100,000 cards 200,000 more rows and as many sync clocks.
/// A card with a supplier writes what was gathered first: its supplier may be
/// one of them.
pub fn stage_checked(
    tx: &Transaction<'_>,
    rows: &mut NewRows,
    id: CustomerId,
    checked: &CheckedCard,
    actor: Actor,
) -> Result<()> {
    if let Some(supplier) = checked.card.iter().find(|c| c.def.key == "supplierId").and_then(|c| c.json.as_str()) {
        rows.flush(tx)?;
        check_supplier(tx, id, supplier)?;
    }
    let name = checked.card.iter().find(|c| c.def.key == "name").and_then(|c| c.json.as_str()).unwrap_or_default();
    let ts = timestamp(actor.at);
    let mut columns: Vec<&'static str> =
        vec!["id", "name_pinyin", "reviewed_at", "created_at", "created_by", "updated_at", "updated_by"];
    let mut sql_values: Vec<SqlValue> = vec![
        SqlValue::Text(id.to_string()),
        SqlValue::Text(search::sort_key(name)),
        SqlValue::Text(ts.clone()),
        SqlValue::Text(ts.clone()),
        SqlValue::Text(actor.staff.to_string()),
        SqlValue::Text(ts),
        SqlValue::Text(actor.staff.to_string()),
    ];
    all_columns(CUSTOMER_ENTITY, &checked.card, &mut columns, &mut sql_values);
    rows.add("customer", &columns, sql_values);
    rows.history(id, CUSTOMER_ENTITY, &id.to_string(), "*", &Json::Null, &Json::from(name), actor);
    for child in &checked.children {
        stage_child(rows, child.entity, &child.id, id, &child.values, actor);
    }
    Ok(())
}

fn cross_field_warnings(values: &[Checked]) -> Vec<FieldProblem> {
    let get = |key: &str| values.iter().find(|c| c.def.key == key).and_then(|c| c.json.as_str().map(str::to_string));
    let mut warnings = vec![];
    if let (Some(founded), Some(since)) = (get("foundedOn"), get("tradingSince")) {
        if since < founded {
            warnings.push(FieldProblem::new(
                "tradingSince",
                ProblemCode::BeforeFounding,
                "trading with us began before the customer was founded; check both dates",
            ));
        }
    }
    warnings
}

/// A change of a card's owner or territory hands the card over: the person
/// making it must be allowed to, by the rule head office's merge applies
/// ([`crate::org::check_handover`]), so nothing looks accepted here that the
/// merge would refuse.
fn check_handover(
    tx: &Transaction<'_>,
    id: &str,
    writes: &[(&FieldDef, SqlValue, Json, Json)],
    actor: Actor,
) -> Result<()> {
    let handovers: Vec<_> = writes.iter().filter(|(d, ..)| matches!(d.key, "ownerId" | "territoryId")).collect();
    if handovers.is_empty() {
        return Ok(());
    }
    let (scope, role) = crate::org::scope_of(tx, &actor.staff.to_string())?;
    let (owner, territory): (Option<String>, Option<String>) = tx
        .prepare_cached("SELECT owner_id, territory_id FROM customer WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let mut unit_of = tx.prepare_cached("SELECT org_unit_id FROM staff WHERE id = ?1")?;
    for (def, _, _, value) in handovers {
        crate::org::check_handover(
            role,
            &scope,
            (owner.as_deref(), territory.as_deref()),
            def.column,
            value.as_str(),
            |person| unit_of.query_row([person], |r| r.get(0)).optional().ok().flatten(),
        )
        .map_err(|(code, message)| Error::invalid(def.key, code, message))?;
    }
    Ok(())
}

/// Adds a child record (key person, address, credit incident) to an existing
/// card: a new revision of the card.
pub fn insert_child(
    tx: &Transaction<'_>,
    entity: Entity,
    id: &str,
    customer: CustomerId,
    values: &Fields,
    actor: Actor,
) -> Result<Vec<FieldProblem>> {
    if !org::exists(tx, "customer", &customer.to_string())? {
        return Err(Error::NotFound { what: "customer", id: customer.to_string() });
    }
    let warnings = insert_child_row(tx, entity, id, customer, values, actor)?;
    touch_customer(tx, customer, actor)?;
    search::refresh(tx, customer)?;
    Ok(warnings)
}

/// Checks and writes one child record and its history row.
fn insert_child_row(
    tx: &Transaction<'_>,
    entity: Entity,
    id: &str,
    customer: CustomerId,
    values: &Fields,
    actor: Actor,
) -> Result<Vec<FieldProblem>> {
    let (checked, warnings) = check_child(entity, values, actor.today())?;
    let mut rows = NewRows::default();
    stage_child(&mut rows, entity, id, customer, &checked, actor);
    let label = child_label(entity, &checked);
    rows.history(customer, entity, id, "*", &Json::Null, &Json::from(label), actor);
    rows.flush(tx)?;
    Ok(warnings)
}

/// Fills a new child record's defaults and checks its values. Returns them
/// checked, and the warnings.
fn check_child(entity: Entity, values: &Fields, today: NaiveDate) -> Result<(Vec<Checked>, Vec<FieldProblem>)> {
    debug_assert_ne!(entity, CUSTOMER_ENTITY);
    let mut values = values.clone();
    if entity == fields::CREDIT_INCIDENT_ENTITY {
        values.entry("resolved".into()).or_insert(Json::Bool(false));
    }
    let (mut checked, mut warnings) = check_record(entity, &values, today)?;
    if entity == ADDRESS_ENTITY {
        settle_new_address(&values, &mut checked)?;
    }
    warnings.extend(child_warnings(entity, &checked, today));
    Ok((checked, warnings))
}

/// A new address's codes and texts as [`address::settle`] decides them.
fn settle_new_address(values: &Fields, checked: &mut [Checked]) -> Result<()> {
    let given_value = |key: &str| -> Option<Option<String>> {
        values
            .contains_key(key)
            .then(|| checked.iter().find(|c| c.def.key == key).and_then(|c| c.json.as_str().map(str::to_string)))
    };
    let given = Given {
        codes: address::LEVELS.map(|(_, code, _)| given_value(code)),
        texts: address::LEVELS.map(|(_, _, text)| given_value(text)),
    };
    if given.is_empty() {
        return Ok(());
    }
    let settled = address::settle(&Divisions::default(), &given).map_err(Error::Invalid)?;
    for c in checked.iter_mut() {
        if let Some(value) = settled_value(&settled, c.def.key) {
            c.json = value.clone().map_or(Json::Null, Json::String);
            c.sql = value.map_or(SqlValue::Null, SqlValue::Text);
        }
    }
    Ok(())
}

/// The settled value of one of an address's division fields (`None`: not one of them).
fn settled_value(settled: &Divisions, key: &str) -> Option<Option<String>> {
    address::LEVELS.iter().enumerate().find_map(|(i, &(_, code, text))| {
        if key == code {
            Some(settled.codes[i].clone())
        } else if key == text {
            Some(settled.texts[i].clone())
        } else {
            None
        }
    })
}

/// An edit of an address's division fields, settled ([`address::settle`]):
/// the fields the save changes with their settled values, and those it
/// changes besides (a city's new name, a district that no longer fits),
/// added to `writes`. `sent` holds every division field the save sends,
/// checked, changed or not.
fn settle_address_edit(
    tx: &Transaction<'_>,
    id: &str,
    sent: &[(&'static FieldDef, Json)],
    writes: &mut Vec<(&'static FieldDef, SqlValue, Json, Json)>,
) -> Result<()> {
    let given_value =
        |key: &str| sent.iter().find(|(d, _)| d.key == key).map(|(_, json)| json.as_str().map(str::to_string));
    let given = Given {
        codes: address::LEVELS.map(|(_, code, _)| given_value(code)),
        texts: address::LEVELS.map(|(_, _, text)| given_value(text)),
    };
    if given.is_empty() {
        return Ok(());
    }
    let stored: Vec<Option<String>> = tx
        .prepare_cached(
            "SELECT province_code, city_code, district_code, province, city, district FROM customer_address WHERE id = ?1",
        )?
        .query_row([id], |r| (0..6).map(|i| r.get::<_, Option<String>>(i)).collect::<rusqlite::Result<_>>())?;
    let stored = Divisions {
        codes: [stored[0].clone(), stored[1].clone(), stored[2].clone()],
        texts: [stored[3].clone(), stored[4].clone(), stored[5].clone()],
    };
    let settled = address::settle(&stored, &given).map_err(Error::Invalid)?;
    for def in ADDRESS_ENTITY.fields.iter().filter(|d| address::is_division_field(d.key)) {
        let (Some(new), Some(old)) = (settled_value(&settled, def.key), settled_value(&stored, def.key)) else {
            continue;
        };
        let json = |v: &Option<String>| v.clone().map_or(Json::Null, Json::String);
        writes.retain(|(d, ..)| d.key != def.key);
        if new != old {
            let sql = new.clone().map_or(SqlValue::Null, SqlValue::Text);
            writes.push((def, sql, json(&old), json(&new)));
        }
    }
    Ok(())
}

/// Gathers a checked child record into `rows` (its history row is the
/// caller's: a card's first records are part of its creation's).
fn stage_child(rows: &mut NewRows, entity: Entity, id: &str, customer: CustomerId, checked: &[Checked], actor: Actor) {
    let ts = timestamp(actor.at);
    let mut columns = vec!["id", "customer_id", "created_at", "updated_at"];
    let mut sql_values = vec![
        SqlValue::Text(id.to_string()),
        SqlValue::Text(customer.to_string()),
        SqlValue::Text(ts.clone()),
        SqlValue::Text(ts),
    ];
    all_columns(entity, checked, &mut columns, &mut sql_values);
    rows.add(entity.table, &columns, sql_values);
}

fn child_label(entity: Entity, values: &[Checked]) -> String {
    let key = match entity.name {
        "key_person" => "name",
        "address" => "detail",
        _ => "occurredOn",
    };
    values.iter().find(|c| c.def.key == key).and_then(|c| c.json.as_str()).unwrap_or_default().to_string()
}

fn child_warnings(entity: Entity, values: &[Checked], today: NaiveDate) -> Vec<FieldProblem> {
    use chrono::Datelike;
    let mut warnings = vec![];
    if entity == fields::KEY_PERSON_ENTITY {
        if let Some(year) = values.iter().find(|c| c.def.key == "birthYear").and_then(|c| c.json.as_i64()) {
            let age = i64::from(today.year()) - year;
            if !(16..=100).contains(&age) {
                warnings.push(FieldProblem::new(
                    "birthYear",
                    ProblemCode::UnlikelyAge,
                    format!("makes this person {age} years old; check the year"),
                ));
            }
        }
    }
    warnings
}

fn touch_customer(tx: &Transaction<'_>, customer: CustomerId, actor: Actor) -> Result<()> {
    tx.prepare_cached("UPDATE customer SET revision = revision + 1, updated_at = ?2, updated_by = ?3 WHERE id = ?1")?
        .execute(rusqlite::params![customer, timestamp(actor.at), actor.staff])?;
    Ok(())
}

/// Applies field changes to one record with compare-and-set per field: a field
/// whose stored value differs from `expected` (and from the new value) was
/// changed by someone else, and the whole save is refused, nothing written.
/// Returns warnings. Changing nothing is allowed and writes nothing.
pub fn patch(
    tx: &Transaction<'_>,
    entity: Entity,
    id: &str,
    changes: &[FieldChange],
    actor: Actor,
) -> Result<Vec<FieldProblem>> {
    let (customer, warnings) = patch_unindexed(tx, entity, id, changes, actor)?;
    if let Some(customer) = customer {
        search::refresh(tx, customer)?;
    }
    Ok(warnings)
}

/// [`patch`] without the search refresh; returns the card to refresh (when
/// anything changed) and the warnings.
pub fn patch_unindexed(
    tx: &Transaction<'_>,
    entity: Entity,
    id: &str,
    changes: &[FieldChange],
    actor: Actor,
) -> Result<(Option<CustomerId>, Vec<FieldProblem>)> {
    let today = actor.today();
    let mut problems = vec![];
    let mut warnings = vec![];
    let mut defs = vec![];
    for change in changes {
        match entity.field(&change.field) {
            None => problems.push(FieldProblem::new(
                change.field.as_str(),
                ProblemCode::UnknownField,
                format!("{} has no field '{}'", entity.name, change.field),
            )),
            Some(def) if defs.iter().any(|(d, _): &(&FieldDef, &FieldChange)| d.key == def.key) => problems.push(
                FieldProblem::new(def.key, ProblemCode::DuplicateField, "is changed twice in one save; send it once"),
            ),
            Some(def) => defs.push((def, change)),
        }
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let columns: Vec<&str> = defs.iter().map(|(d, _)| d.column).collect();
    let customer_column = if entity == CUSTOMER_ENTITY { "id" } else { "customer_id" };
    let sql = format!(
        "SELECT {customer_column}{}{} FROM {} WHERE id = ?1",
        if columns.is_empty() { "" } else { ", " },
        columns.join(", "),
        entity.table
    );
    let current: Option<(String, Vec<SqlValue>)> = tx
        .prepare_cached(&sql)?
        .query_row([id], |r| {
            let customer: String = r.get(0)?;
            let values = (1..=columns.len()).map(|i| r.get::<_, SqlValue>(i)).collect::<rusqlite::Result<_>>()?;
            Ok((customer, values))
        })
        .optional()?;
    let Some((customer, current)) = current else {
        return Err(Error::NotFound { what: entity_label(entity), id: id.to_string() });
    };
    let customer: CustomerId =
        customer.parse().map_err(|_| Error::NotFound { what: "customer", id: customer.clone() })?;

    let mut conflicts = vec![];
    let mut writes: Vec<(&FieldDef, SqlValue, Json, Json)> = vec![];
    let mut divisions_sent: Vec<(&'static FieldDef, Json)> = vec![];
    for ((def, change), stored) in defs.iter().zip(current) {
        let old = to_json(def, stored);
        let new = match check(def, &change.value, today) {
            Ok(c) => {
                warnings.extend(c.warnings.iter().cloned());
                c
            }
            Err(p) => {
                problems.push(p);
                continue;
            }
        };
        if entity == ADDRESS_ENTITY && address::is_division_field(def.key) {
            divisions_sent.push((def, new.json.clone()));
        }
        if new.json == old {
            continue;
        }
        if let Some(expected) = &change.expected {
            let expected = check(def, expected, today).map(|c| c.json).unwrap_or_else(|_| expected.clone());
            if expected != old {
                conflicts.push(def.key.to_string());
                continue;
            }
        }
        writes.push((def, new.sql, old, new.json));
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    if !conflicts.is_empty() {
        return Err(Error::EditConflict { fields: conflicts });
    }
    if !divisions_sent.is_empty() {
        settle_address_edit(tx, id, &divisions_sent, &mut writes)?;
    }
    let mut checked: Vec<Checked> =
        writes.iter().map(|(def, sql, _, json)| Checked { def, sql: sql.clone(), json: json.clone() }).collect();
    check_refs(tx, &checked)?;
    let olds: BTreeMap<&str, Json> = writes.iter().map(|(def, _, old, _)| (def.key, old.clone())).collect();
    check_codes(tx, &checked, &olds)?;
    if entity == CUSTOMER_ENTITY {
        if let Some(supplier) = checked.iter().find(|c| c.def.key == "supplierId").and_then(|c| c.json.as_str()) {
            check_supplier(tx, customer, supplier)?;
        }
        check_handover(tx, id, &writes, actor)?;
        add_verification_follow_ups(tx, id, &mut writes, &mut checked)?;
    } else {
        warnings.extend(child_warnings(entity, &checked, today));
    }
    if writes.is_empty() {
        return Ok((None, warnings));
    }

    let ts = timestamp(actor.at);
    let mut sets: Vec<String> =
        writes.iter().enumerate().map(|(i, (d, ..))| format!("{} = ?{}", d.column, i + 2)).collect();
    let mut values: Vec<SqlValue> = vec![SqlValue::Text(id.to_string())];
    values.extend(writes.iter().map(|(_, sql, ..)| sql.clone()));
    sets.push(format!("updated_at = ?{}", values.len() + 1));
    values.push(SqlValue::Text(ts));
    if entity == CUSTOMER_ENTITY {
        if let Some((_, _, _, name)) = writes.iter().find(|(d, ..)| d.key == "name") {
            sets.push(format!("name_pinyin = ?{}", values.len() + 1));
            values.push(SqlValue::Text(search::sort_key(name.as_str().unwrap_or_default())));
        }
        sets.push("revision = revision + 1".into());
        sets.push(format!("updated_by = ?{}", values.len() + 1));
        values.push(SqlValue::Text(actor.staff.to_string()));
    }
    let sql = format!("UPDATE {} SET {} WHERE id = ?1", entity.table, sets.join(", "));
    tx.prepare_cached(&sql)?.execute(params_from_iter(values))?;
    for (def, _, old, new) in &writes {
        record_history(tx, customer, entity, id, def.key, old, new, actor)?;
    }
    if entity == CUSTOMER_ENTITY && writes.iter().any(|(d, ..)| d.key == "ownerId") {
        leave_others_route(tx, customer, actor)?;
    }
    if entity != CUSTOMER_ENTITY {
        touch_customer(tx, customer, actor)?;
    }
    Ok((Some(customer), warnings))
}

/// A card handed to another rep leaves the route of its old rep (a route is
/// one rep's tour); the change is in the card's history like any other.
/// Called once the card's new rep is written.
pub(crate) fn leave_others_route(tx: &Transaction<'_>, customer: CustomerId, actor: Actor) -> Result<()> {
    let route: Option<String> = tx
        .prepare_cached(
            "SELECT c.route_id FROM customer c JOIN route r ON r.id = c.route_id
             WHERE c.id = ?1 AND r.owner_id <> c.owner_id",
        )?
        .query_row([customer], |r| r.get(0))
        .optional()?;
    let Some(route) = route else { return Ok(()) };
    tx.prepare_cached("UPDATE customer SET route_id = NULL, route_seq = NULL WHERE id = ?1")?.execute([customer])?;
    record_history(
        tx,
        customer,
        CUSTOMER_ENTITY,
        &customer.to_string(),
        "routeId",
        &Json::from(route),
        &Json::Null,
        actor,
    )
}

/// A block whose source becomes the customer's own form loses its verified
/// mark; one that becomes a rep visit or a third-party report gains it.
fn add_verification_follow_ups(
    tx: &Transaction<'_>,
    id: &str,
    writes: &mut Vec<(&'static FieldDef, SqlValue, Json, Json)>,
    checked: &mut Vec<Checked>,
) -> Result<()> {
    for block in Block::ALL {
        let source_key = format!("{}Source", block.as_str());
        let verified_key = format!("{}Verified", block.as_str());
        let Some(source) = writes.iter().find(|(d, ..)| d.key == source_key).map(|(.., new)| new.clone()) else {
            continue;
        };
        if writes.iter().any(|(d, ..)| d.key == verified_key) {
            continue;
        }
        let verified = source.as_str() != Some(DataSource::CustomerForm.as_str());
        let def = CUSTOMER_ENTITY
            .field(&verified_key)
            .ok_or_else(|| Error::invalid(&verified_key, ProblemCode::UnknownField, "missing"))?;
        let old: bool =
            tx.query_row(&format!("SELECT {} FROM customer WHERE id = ?1", def.column), [id], |r| r.get(0))?;
        if old != verified {
            writes.push((def, SqlValue::Integer(i64::from(verified)), Json::Bool(old), Json::Bool(verified)));
            checked.push(Checked { def, sql: SqlValue::Integer(i64::from(verified)), json: Json::Bool(verified) });
        }
    }
    Ok(())
}

fn entity_label(entity: Entity) -> &'static str {
    match entity.name {
        "customer" => "customer",
        "key_person" => "key person",
        "address" => "address",
        _ => "credit incident",
    }
}

/// Removes a child record, keeping its last values in the history.
pub fn remove_child(tx: &Transaction<'_>, entity: Entity, id: &str, actor: Actor) -> Result<()> {
    debug_assert_ne!(entity, CUSTOMER_ENTITY);
    let label_column = match entity.name {
        "key_person" => "name",
        "address" => "detail",
        _ => "occurred_on",
    };
    let found: Option<(String, String)> = tx
        .query_row(&format!("SELECT customer_id, {label_column} FROM {} WHERE id = ?1", entity.table), [id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    let Some((customer, label)) = found else {
        return Err(Error::NotFound { what: entity_label(entity), id: id.to_string() });
    };
    let customer: CustomerId = customer.parse().map_err(|_| Error::NotFound { what: "customer", id: customer })?;
    tx.execute(&format!("DELETE FROM {} WHERE id = ?1", entity.table), [id])?;
    record_history(tx, customer, entity, id, "*", &Json::from(label), &Json::Null, actor)?;
    touch_customer(tx, customer, actor)?;
    search::refresh(tx, customer)?;
    Ok(())
}

/// Marks the card as reviewed now: the rep has gone through it and it is current.
pub fn mark_reviewed(tx: &Transaction<'_>, customer: CustomerId, actor: Actor) -> Result<()> {
    let old: Option<String> =
        tx.query_row("SELECT reviewed_at FROM customer WHERE id = ?1", [customer], |r| r.get(0)).optional()?;
    let Some(old) = old else {
        return Err(Error::NotFound { what: "customer", id: customer.to_string() });
    };
    let now = timestamp(actor.at);
    tx.execute("UPDATE customer SET reviewed_at = ?2 WHERE id = ?1", rusqlite::params![customer, now])?;
    search::refresh(tx, customer)?;
    record_history(
        tx,
        customer,
        CUSTOMER_ENTITY,
        &customer.to_string(),
        "reviewedAt",
        &Json::from(old),
        &Json::from(now),
        actor,
    )?;
    Ok(())
}
