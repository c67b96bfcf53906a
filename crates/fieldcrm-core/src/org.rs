//! The organisation: a tree of units of any depth (head office → province →
//! region → territory …), the staff placed in it, and the local profile (who
//! uses this laptop).

use crate::error::ProblemCode;
use std::collections::HashSet;

use chrono::{DateTime, Utc};
use rusqlite::types::Value as SqlValue;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock::timestamp;
use crate::error::{Error, FieldProblem, Result};
use crate::ids::{DeviceId, OrgUnitId, StaffId};
use crate::model::{OrgUnitKind, StaffRole};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OrgUnit {
    pub id: OrgUnitId,
    pub parent_id: Option<OrgUnitId>,
    pub kind: OrgUnitKind,
    pub name: String,
    pub code: Option<String>,
    /// Distance from the root (head office is 0).
    pub depth: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Staff {
    pub id: StaffId,
    pub name: String,
    pub role: StaffRole,
    pub org_unit_id: OrgUnitId,
    pub org_unit_name: String,
    pub phone: Option<String>,
    pub active: bool,
    /// Sales administration: the regions paired with them (对口销管); empty for everyone else.
    pub regions: Vec<UnitName>,
}

/// A unit named.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UnitName {
    pub id: OrgUnitId,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    pub staff_id: StaffId,
    pub name: String,
    pub role: StaffRole,
    pub org_unit_id: OrgUnitId,
    pub org_unit_name: String,
    pub device_id: DeviceId,
    pub language: String,
}

fn check_name(field: &str, name: &str, max: usize) -> Result<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::invalid(field, ProblemCode::Required, "is required"));
    }
    if name.chars().count() > max {
        return Err(Error::invalid(field, ProblemCode::TooLong, format!("at most {max} characters fit")));
    }
    Ok(name.to_string())
}

pub fn add_unit(
    tx: &Transaction<'_>,
    id: OrgUnitId,
    parent: Option<OrgUnitId>,
    kind: OrgUnitKind,
    name: &str,
    code: Option<&str>,
    at: DateTime<Utc>,
) -> Result<OrgUnitId> {
    let name = check_name("name", name, 60)?;
    if let Some(parent) = parent {
        if !exists(tx, "org_unit", &parent.to_string())? {
            return Err(Error::NotFound { what: "org unit", id: parent.to_string() });
        }
    }
    let ts = timestamp(at);
    tx.prepare_cached(
        "INSERT INTO org_unit (id, parent_id, kind, name, code, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
    )?
    .execute(params![id, parent, kind, name, code, ts])?;
    Ok(id)
}

pub fn add_staff(
    tx: &Transaction<'_>,
    id: StaffId,
    name: &str,
    role: StaffRole,
    unit: OrgUnitId,
    phone: Option<&str>,
    at: DateTime<Utc>,
) -> Result<StaffId> {
    let name = check_name("name", name, 50)?;
    if !exists(tx, "org_unit", &unit.to_string())? {
        return Err(Error::NotFound { what: "org unit", id: unit.to_string() });
    }
    let ts = timestamp(at);
    tx.prepare_cached(
        "INSERT INTO staff (id, name, role, org_unit_id, phone, active, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6, ?6)",
    )?
    .execute(params![id, name, role, unit, phone, ts])?;
    Ok(id)
}

/// Head office changes a person: what is given changes, the rest stays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StaffEdit {
    pub staff_id: StaffId,
    #[serde(default)]
    #[ts(optional)]
    pub name: Option<String>,
    /// An empty text clears the phone.
    #[serde(default)]
    #[ts(optional)]
    pub phone: Option<String>,
    /// Moves them to another unit (their laptop then receives the new scope).
    #[serde(default)]
    #[ts(optional)]
    pub org_unit_id: Option<OrgUnitId>,
    #[serde(default)]
    #[ts(optional)]
    pub role: Option<StaffRole>,
    /// False: they left. Someone who still looks after customers hands them over first.
    #[serde(default)]
    #[ts(optional)]
    pub active: Option<bool>,
    /// Sales administration: the regions paired with them.
    #[serde(default)]
    #[ts(optional)]
    pub regions: Option<Vec<OrgUnitId>>,
}

/// Head office changes a person (see [`StaffEdit`]). `me` is the
/// person using this book, who cannot take their own role away or mark
/// themselves as left. Someone who still looks after customers keeps the role of
/// rep and stays until their customers are handed over.
pub fn edit_staff(
    tx: &Transaction<'_>,
    edit: &StaffEdit,
    me: StaffId,
    at: DateTime<Utc>,
    new_id: impl FnMut() -> String,
) -> Result<()> {
    let member = staff_member(tx, edit.staff_id)?;
    let name = match &edit.name {
        Some(name) => check_name("name", name, 50)?,
        None => member.name.clone(),
    };
    let phone = match &edit.phone {
        Some(phone) if phone.trim().is_empty() => None,
        Some(phone) if phone.trim().chars().count() > 30 => {
            return Err(Error::invalid("phone", ProblemCode::TooLong, "at most 30 characters fit"))
        }
        Some(phone) => Some(phone.trim().to_string()),
        None => member.phone.clone(),
    };
    let unit = edit.org_unit_id.unwrap_or(member.org_unit_id);
    if !exists(tx, "org_unit", &unit.to_string())? {
        return Err(Error::NotFound { what: "org unit", id: unit.to_string() });
    }
    let role = edit.role.unwrap_or(member.role);
    let active = edit.active.unwrap_or(member.active);
    if me == edit.staff_id && (role != member.role || !active) {
        return Err(Error::invalid(
            if active { "role" } else { "active" },
            ProblemCode::BadRole,
            "you cannot change your own role or mark yourself as left; another head office user does it",
        ));
    }
    let leaves_reps = member.role == StaffRole::Rep && role != StaffRole::Rep;
    if leaves_reps || (member.active && !active) {
        let owned: i64 = tx
            .prepare_cached("SELECT count(*) FROM customer WHERE owner_id = ?1")?
            .query_row([edit.staff_id], |r| r.get(0))?;
        if owned > 0 {
            return Err(Error::invalid(
                if leaves_reps { "role" } else { "active" },
                ProblemCode::OwnsCustomers,
                format!("{} still looks after {owned} customers; hand them over to other reps first", member.name),
            ));
        }
    }
    if role == StaffRole::SalesAdmin && member.role != StaffRole::SalesAdmin && edit.regions.is_none() {
        return Err(Error::invalid(
            "regions",
            ProblemCode::Required,
            "name the regions this sales administrator is paired with",
        ));
    }
    if role != StaffRole::SalesAdmin && edit.regions.as_ref().is_some_and(|r| !r.is_empty()) {
        return Err(Error::invalid(
            "regions",
            ProblemCode::BadRole,
            "only a sales administrator is paired with regions",
        ));
    }
    tx.prepare_cached(
        "UPDATE staff SET name = ?2, phone = ?3, org_unit_id = ?4, role = ?5, active = ?6, updated_at = ?7
          WHERE id = ?1",
    )?
    .execute(params![edit.staff_id, name, phone, unit, role, active, timestamp(at)])?;
    if role != StaffRole::SalesAdmin {
        // Pairings belong to sales administration only.
        tx.prepare_cached("DELETE FROM staff_region WHERE staff_id = ?1")?.execute([edit.staff_id])?;
    } else if let Some(regions) = &edit.regions {
        set_regions(tx, edit.staff_id, regions, at, new_id)?;
    }
    Ok(())
}

/// Schema 18's step: `staff.role` admits `sales_admin`. SQLite cannot alter a
/// CHECK constraint; loosening one is the edit of the table's definition that
/// SQLite documents for it (<https://sqlite.org/lang_altertable.html#otheralter>):
/// the stored rows stay valid, so nothing is copied.
pub fn admit_sales_admin(tx: &Transaction<'_>) -> Result<()> {
    const BEFORE: &str = "CHECK (role IN ('rep', 'regional_manager', 'provincial_manager', 'head_office'))";
    const AFTER: &str =
        "CHECK (role IN ('rep', 'regional_manager', 'provincial_manager', 'head_office', 'sales_admin'))";
    let version: i64 = tx.pragma_query_value(None, "schema_version", |r| r.get(0))?;
    tx.pragma_update(None, "writable_schema", true)?;
    let changed = tx.execute(
        "UPDATE sqlite_schema SET sql = replace(sql, ?1, ?2) WHERE type = 'table' AND name = 'staff' AND instr(sql, ?1) > 0",
        [BEFORE, AFTER],
    );
    tx.pragma_update(None, "writable_schema", false)?;
    if changed? != 1 {
        return Err(Error::refused(
            ProblemCode::BadRole,
            "this book's staff table is not the one fieldcrm made; it cannot admit sales administration",
        ));
    }
    tx.pragma_update(None, "schema_version", version + 1)?;
    Ok(())
}

/// The regions paired with a sales administrator, and everything under them.
fn administered(conn: &Connection, staff: &str) -> Result<HashSet<String>> {
    let regions: Vec<String> = conn
        .prepare_cached("SELECT unit_id FROM staff_region WHERE staff_id = ?1")?
        .query_map([staff], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut units = HashSet::new();
    for region in regions {
        units.extend(subtree(conn, &region)?);
    }
    Ok(units)
}

/// Head office pairs a sales administrator with regions (对口销管): the
/// orders of their cards are the ones the administrator reviews and ships.
/// Replaces the earlier pairing; their laptop receives the new scope with
/// the next file. `new_id` names each new pairing.
pub fn set_regions(
    tx: &Transaction<'_>,
    staff: StaffId,
    regions: &[OrgUnitId],
    at: DateTime<Utc>,
    mut new_id: impl FnMut() -> String,
) -> Result<()> {
    let member = staff_member(tx, staff)?;
    if member.role != StaffRole::SalesAdmin {
        return Err(Error::invalid(
            "regions",
            ProblemCode::BadRole,
            format!(
                "{} is not in sales administration: only a sales administrator is paired with regions",
                member.name
            ),
        ));
    }
    if regions.is_empty() {
        return Err(Error::invalid("regions", ProblemCode::Required, "name at least one region to pair them with"));
    }
    let root: Option<String> = tx
        .query_row("SELECT id FROM org_unit WHERE parent_id IS NULL ORDER BY created_at LIMIT 1", [], |r| r.get(0))
        .optional()?;
    for region in regions {
        if !exists(tx, "org_unit", &region.to_string())? {
            return Err(Error::NotFound { what: "org unit", id: region.to_string() });
        }
        if root.as_deref() == Some(region.to_string().as_str()) {
            return Err(Error::invalid(
                "regions",
                ProblemCode::OutOfScope,
                "pair them with provinces or regions; all of head office's orders are head office's own",
            ));
        }
    }
    let wanted: HashSet<String> = regions.iter().map(ToString::to_string).collect();
    let had: Vec<(String, String)> = tx
        .prepare_cached("SELECT id, unit_id FROM staff_region WHERE staff_id = ?1")?
        .query_map([staff], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (id, unit) in &had {
        if !wanted.contains(unit) {
            tx.prepare_cached("DELETE FROM staff_region WHERE id = ?1")?.execute([id])?;
        }
    }
    let ts = timestamp(at);
    for unit in wanted.iter().filter(|u| !had.iter().any(|(_, h)| h == *u)) {
        tx.prepare_cached(
            "INSERT INTO staff_region (id, staff_id, unit_id, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)",
        )?
        .execute(params![new_id(), staff, unit, ts])?;
    }
    Ok(())
}

pub(crate) fn exists(conn: &Connection, table: &str, id: &str) -> Result<bool> {
    let sql = format!("SELECT 1 FROM {table} WHERE id = ?1");
    Ok(conn.prepare_cached(&sql)?.query_row([id], |_| Ok(())).optional()?.is_some())
}

/// The whole tree, depth-first, children by name.
pub fn units(conn: &Connection) -> Result<Vec<OrgUnit>> {
    let mut stmt = conn.prepare_cached(
        "WITH RECURSIVE tree(id, parent_id, kind, name, code, depth, path) AS (
             SELECT id, parent_id, kind, name, code, 0, name FROM org_unit WHERE parent_id IS NULL
             UNION ALL
             SELECT o.id, o.parent_id, o.kind, o.name, o.code, t.depth + 1, t.path || char(31) || o.name
             FROM org_unit o JOIN tree t ON o.parent_id = t.id
         )
         SELECT id, parent_id, kind, name, code, depth FROM tree ORDER BY path",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(OrgUnit {
            id: r.get(0)?,
            parent_id: r.get(1)?,
            kind: r.get(2)?,
            name: r.get(3)?,
            code: r.get(4)?,
            depth: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

const STAFF_SELECT: &str = "SELECT s.id, s.name, s.role, s.org_unit_id, o.name, s.phone, s.active,
            (SELECT json_group_array(json_object('id', u.id, 'name', u.name))
               FROM (SELECT u.id, u.name FROM staff_region r JOIN org_unit u ON u.id = r.unit_id
                      WHERE r.staff_id = s.id ORDER BY u.name, u.id) u)
     FROM staff s JOIN org_unit o ON o.id = s.org_unit_id";

fn staff_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Staff> {
    Ok(Staff {
        id: r.get(0)?,
        name: r.get(1)?,
        role: r.get(2)?,
        org_unit_id: r.get(3)?,
        org_unit_name: r.get(4)?,
        phone: r.get(5)?,
        active: r.get(6)?,
        regions: serde_json::from_str(&r.get::<_, String>(7)?)
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(7, rusqlite::types::Type::Text, Box::new(e)))?,
    })
}

pub fn staff(conn: &Connection) -> Result<Vec<Staff>> {
    let mut stmt = conn.prepare_cached(&format!("{STAFF_SELECT} ORDER BY o.name, s.name"))?;
    let rows = stmt.query_map([], staff_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn staff_member(conn: &Connection, id: StaffId) -> Result<Staff> {
    conn.prepare_cached(&format!("{STAFF_SELECT} WHERE s.id = ?1"))?
        .query_row([id], staff_row)
        .optional()?
        .ok_or_else(|| Error::NotFound { what: "staff member", id: id.to_string() })
}

pub fn profile(conn: &Connection) -> Result<Option<Profile>> {
    Ok(conn
        .prepare_cached(
            "SELECT p.staff_id, s.name, s.role, s.org_unit_id, o.name, p.device_id, p.language
             FROM local_profile p JOIN staff s ON s.id = p.staff_id JOIN org_unit o ON o.id = s.org_unit_id",
        )?
        .query_row([], |r| {
            Ok(Profile {
                staff_id: r.get(0)?,
                name: r.get(1)?,
                role: r.get(2)?,
                org_unit_id: r.get(3)?,
                org_unit_name: r.get(4)?,
                device_id: r.get::<_, String>(5)?.parse().map_err(|e| {
                    rusqlite::Error::FromSqlConversionFailure(5, rusqlite::types::Type::Text, Box::new(e))
                })?,
                language: r.get(6)?,
            })
        })
        .optional()?)
}

pub fn set_profile(tx: &Transaction<'_>, staff: StaffId, at: DateTime<Utc>) -> Result<()> {
    if profile(tx)?.is_some() {
        return Err(Error::ProfileExists);
    }
    staff_member(tx, staff)?;
    tx.execute(
        "INSERT INTO local_profile (singleton, staff_id, device_id, created_at) VALUES (1, ?1, ?2, ?3)",
        params![staff, crate::store::device_id(tx)?, timestamp(at)],
    )?;
    Ok(())
}

pub fn set_language(tx: &Transaction<'_>, language: &str) -> Result<()> {
    if !matches!(language, "zh-CN" | "en") {
        return Err(Error::Invalid(vec![FieldProblem::new("language", ProblemCode::NotChoice, "must be zh-CN or en")]));
    }
    tx.execute("UPDATE local_profile SET language = ?1", [language])?;
    Ok(())
}

/// Who makes a change, when, and why (`edit`, `create`, `demo`, later `visit`,
/// `sync` …). The history shows all three.
#[derive(Debug, Clone, Copy)]
pub struct Actor {
    pub staff: StaffId,
    pub at: DateTime<Utc>,
    pub source: &'static str,
    /// The visit or call whose findings make the change.
    pub source_id: Option<uuid::Uuid>,
    /// The business time zone "today" is counted in.
    pub zone: crate::clock::Zone,
}

impl Actor {
    pub(crate) fn today(&self) -> chrono::NaiveDate {
        self.zone.day(self.at)
    }
}

/// What one person may see and change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeerScope {
    All,
    /// A rep: the cards they own.
    Owner(String),
    /// A manager: the cards whose territory is in their part of the org tree.
    Units(HashSet<String>),
}

impl PeerScope {
    pub fn holds(&self, owner: Option<&str>, territory: Option<&str>) -> bool {
        match self {
            PeerScope::All => true,
            PeerScope::Owner(staff) => owner == Some(staff.as_str()),
            PeerScope::Units(units) => territory.is_some_and(|t| units.contains(t)),
        }
    }

    pub fn signature(&self) -> String {
        match self {
            PeerScope::All => "all".into(),
            PeerScope::Owner(staff) => format!("owner:{staff}"),
            PeerScope::Units(units) => {
                let mut sorted: Vec<&String> = units.iter().collect();
                sorted.sort();
                format!("units:{}", sorted.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(","))
            }
        }
    }

    /// The ids of the cards in this scope.
    pub fn customers(&self, conn: &Connection) -> Result<HashSet<String>> {
        let ids: Vec<String> = match self {
            PeerScope::All => conn
                .prepare("SELECT id FROM customer")?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?,
            PeerScope::Owner(staff) => conn
                .prepare("SELECT id FROM customer WHERE owner_id = ?1")?
                .query_map([staff], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?,
            PeerScope::Units(units) => {
                let list: Vec<SqlValue> = units.iter().map(|u| SqlValue::Text(u.clone())).collect();
                conn.prepare("SELECT id FROM customer WHERE territory_id IN rarray(?1)")?
                    .query_map([std::rc::Rc::new(list)], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?
            }
        };
        Ok(ids.into_iter().collect())
    }
}

pub fn subtree(conn: &Connection, unit: &str) -> Result<HashSet<String>> {
    let mut stmt = conn.prepare_cached(
        "WITH RECURSIVE t(id) AS (SELECT ?1 UNION SELECT o.id FROM org_unit o JOIN t ON o.parent_id = t.id)
         SELECT id FROM t",
    )?;
    let ids = stmt.query_map([unit], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<HashSet<_>>>()?;
    Ok(ids)
}

/// May a person working in `scope` make a new card out to `owner` in
/// `territory`? A rep makes cards for themselves, a manager for their own
/// part of the organisation. Head office's merge and a laptop's new card ask
/// this same question, so a laptop refuses what head office would refuse.
pub fn check_new_card(
    scope: &PeerScope,
    owner: Option<&str>,
    territory: Option<&str>,
) -> std::result::Result<(), (ProblemCode, &'static str)> {
    if scope.holds(owner, territory) {
        Ok(())
    } else {
        Err((ProblemCode::OutOfScope, "a new card must belong to you (reps) or to a territory you manage"))
    }
}

/// May a person of `role`, working in `scope`, hand a card now owned by
/// `owner` in `territory` over, by setting `column` (`owner_id` or
/// `territory_id`) to `value`? A rep never reassigns; a manager hands cards
/// only within their own part of the organisation. `unit_of` gives a person's
/// unit. Head office's merge and a laptop's edit ask this same question, so a
/// laptop refuses what head office would refuse.
pub fn check_handover(
    role: StaffRole,
    scope: &PeerScope,
    (owner, territory): (Option<&str>, Option<&str>),
    column: &str,
    value: Option<&str>,
    mut unit_of: impl FnMut(&str) -> Option<String>,
) -> std::result::Result<(), (ProblemCode, &'static str)> {
    if role == StaffRole::Rep {
        return Err((ProblemCode::ReassignByManager, "only a manager or head office reassigns a card"));
    }
    let keeps = match (column, scope) {
        ("territory_id", _) => scope.holds(owner, value),
        (_, PeerScope::Units(units)) => unit_of(value.unwrap_or_default()).is_some_and(|unit| units.contains(&unit)),
        (_, other) => other.holds(value, territory),
    };
    if keeps {
        Ok(())
    } else {
        Err((ProblemCode::OutOfScope, "a card can only be handed to someone in your own part of the organisation"))
    }
}

pub fn scope_of(conn: &Connection, staff: &str) -> Result<(PeerScope, StaffRole)> {
    let (role, unit): (String, String) = conn
        .prepare_cached("SELECT role, org_unit_id FROM staff WHERE id = ?1")?
        .query_row([staff], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .ok_or_else(|| Error::NotFound { what: "staff member", id: staff.to_string() })?;
    let role: StaffRole =
        role.parse().map_err(|_| Error::refused(ProblemCode::BadRole, format!("unknown role {role}")))?;
    let scope = match role {
        StaffRole::Rep => PeerScope::Owner(staff.to_string()),
        StaffRole::RegionalManager | StaffRole::ProvincialManager => PeerScope::Units(subtree(conn, &unit)?),
        StaffRole::HeadOffice => PeerScope::All,
        StaffRole::SalesAdmin => PeerScope::Units(administered(conn, staff)?),
    };
    Ok((scope, role))
}

/// The people whose own rows (reports, calls with colleagues …) a scope holds.
pub fn staff_in_scope(conn: &Connection, scope: &PeerScope) -> Result<Vec<String>> {
    let ids: Vec<String> = match scope {
        PeerScope::All => {
            conn.prepare("SELECT id FROM staff")?.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?
        }
        PeerScope::Owner(staff) => vec![staff.clone()],
        PeerScope::Units(units) => {
            let list: Vec<SqlValue> = units.iter().map(|u| SqlValue::Text(u.clone())).collect();
            conn.prepare("SELECT id FROM staff WHERE org_unit_id IN rarray(?1)")?
                .query_map([std::rc::Rc::new(list)], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?
        }
    };
    Ok(ids)
}

/// The person using this laptop and the part of the organisation they see:
/// a rep their own cards and records, a manager their subtree, head office all.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub staff: StaffId,
    pub role: StaffRole,
    pub name: String,
    /// The org units under the person (None: everything).
    pub units: Option<HashSet<String>>,
}

impl Viewer {
    pub fn of(conn: &Connection) -> Result<Self> {
        let profile = profile(conn)?.ok_or(Error::NoProfile)?;
        Self::from_profile(conn, &profile)
    }

    pub fn from_profile(conn: &Connection, profile: &Profile) -> Result<Self> {
        let units = match profile.role {
            StaffRole::HeadOffice => None,
            StaffRole::SalesAdmin => Some(administered(conn, &profile.staff_id.to_string())?),
            _ => Some(subtree(conn, &profile.org_unit_id.to_string())?),
        };
        Ok(Self { staff: profile.staff_id, role: profile.role, name: profile.name.clone(), units })
    }

    /// May this person see (and record work on) the customer? Err when the
    /// customer is not in the book.
    pub fn sees_customer(&self, conn: &Connection, customer: &str) -> Result<bool> {
        let row: Option<(String, String)> = conn
            .prepare_cached("SELECT owner_id, territory_id FROM customer WHERE id = ?1")?
            .query_row([customer], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let Some((owner, territory)) = row else {
            return Err(Error::NotFound { what: "customer", id: customer.to_string() });
        };
        Ok(self.holds(&owner, &territory))
    }

    /// Does this person see a card held by `owner` in `territory`? A rep
    /// their own cards, anyone else the cards of their units (head office all).
    pub fn holds(&self, owner: &str, territory: &str) -> bool {
        match self.role {
            StaffRole::Rep => owner == self.staff.to_string(),
            _ => self.units.as_ref().is_none_or(|u| u.contains(territory)),
        }
    }

    /// Does this person look after `staff` (themselves, or someone in their subtree)?
    pub fn sees_staff(&self, conn: &Connection, staff: StaffId) -> Result<bool> {
        if staff == self.staff {
            return Ok(true);
        }
        if self.role == StaffRole::Rep {
            return Ok(false);
        }
        let member = staff_member(conn, staff)?;
        Ok(self.units.as_ref().is_none_or(|u| u.contains(&member.org_unit_id.to_string())))
    }

    /// Refuses with a message naming the person when they are not in this viewer's team.
    pub fn require_staff(&self, conn: &Connection, staff: StaffId) -> Result<()> {
        if self.sees_staff(conn, staff)? {
            return Ok(());
        }
        let member = staff_member(conn, staff)?;
        Err(Error::Forbidden(format!(
            "{} works outside your part of the organisation; you see only your own and your team's work",
            member.name
        )))
    }
}
