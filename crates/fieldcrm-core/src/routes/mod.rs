//! Route sequences (客户路序): a rep's routes inside their territory, each an
//! ordered tour of customer stops; optimising a route's order; the visit plan
//! built from routes, grades and last visits; and the printable route sheet.
//!
//! A stop is two fields of the card (`route_id`, `route_seq`), so a card is on
//! at most one route, and moving one stop between two others changes that
//! stop alone: `route_seq` is a number between its neighbours'.

pub mod optimise;
pub mod plan;
pub mod sheet;

use crate::error::ProblemCode;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use ts_rs::TS;

use crate::clock::timestamp;
use crate::error::{Error, FieldProblem, Result};
use crate::ids::{ChangeId, CustomerId, OrgUnitId, RouteId, StaffId};
use crate::model::StaffRole;
use crate::org::Actor;
use crate::org::{self, Profile};
use optimise::Point;

/// Most stops a route may hold.
pub const MAX_STOPS: usize = 500;
/// Most characters in a route's name.
pub const MAX_ROUTE_NAME: usize = 60;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Route {
    pub id: RouteId,
    pub name: String,
    pub owner_id: StaffId,
    pub owner_name: String,
    pub territory_id: OrgUnitId,
    pub territory_name: String,
    pub start_latitude: Option<f64>,
    pub start_longitude: Option<f64>,
    /// ISO weekday the route is toured on (1 = Monday); any day when none.
    pub weekday: Option<u8>,
    pub retired: bool,
    pub stops: u32,
}

/// One stop of a route, with what a rep needs at the door.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RouteStop {
    /// 1-based place on the route.
    pub position: u32,
    pub customer_id: CustomerId,
    pub name: String,
    pub grade: Option<String>,
    pub address: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub contact_name: Option<String>,
    pub phone: Option<String>,
    pub last_visit_on: Option<String>,
    /// Unresolved credit incidents on the card.
    pub open_incidents: u32,
    /// A block of the card still waits for verification.
    pub needs_verification: bool,
    /// The card's "problems" note.
    pub problems: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RouteDetail {
    pub route: Route,
    pub stops: Vec<RouteStop>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct NewRoute {
    pub name: String,
    /// The rep; this laptop's person when none.
    #[ts(optional)]
    pub owner_id: Option<StaffId>,
    /// The rep's territory when none.
    #[ts(optional)]
    pub territory_id: Option<OrgUnitId>,
    #[ts(optional)]
    pub start_latitude: Option<f64>,
    #[ts(optional)]
    pub start_longitude: Option<f64>,
    #[ts(optional)]
    pub weekday: Option<u8>,
}

/// Changes to a route. Absent fields stay; `clearStart` removes the base.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct RouteEdit {
    pub id: Option<RouteId>,
    #[ts(optional)]
    pub name: Option<String>,
    #[ts(optional)]
    pub start_latitude: Option<f64>,
    #[ts(optional)]
    pub start_longitude: Option<f64>,
    pub clear_start: bool,
    /// 1–7, or 0 for any day.
    #[ts(optional)]
    pub weekday: Option<u8>,
    #[ts(optional)]
    pub retired: Option<bool>,
}

/// An optimised order, proposed (nothing is changed until the rep accepts).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RouteProposal {
    pub route_id: RouteId,
    pub before_km: f64,
    pub after_km: f64,
    /// The stops in the proposed order.
    pub order: Vec<CustomerId>,
    /// Stops without coordinates: they keep their place.
    pub without_coordinates: Vec<String>,
    /// Whether the tour starts at the rep's base (else at the first stop).
    pub from_base: bool,
}

const ROUTE_SELECT: &str = "SELECT r.id, r.name, r.owner_id, s.name, r.territory_id, u.name, r.start_latitude,
        r.start_longitude, r.weekday, r.retired, (SELECT count(*) FROM customer c WHERE c.route_id = r.id)
    FROM route r JOIN staff s ON s.id = r.owner_id JOIN org_unit u ON u.id = r.territory_id";

fn route_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Route> {
    Ok(Route {
        id: r.get(0)?,
        name: r.get(1)?,
        owner_id: r.get(2)?,
        owner_name: r.get(3)?,
        territory_id: r.get(4)?,
        territory_name: r.get(5)?,
        start_latitude: r.get(6)?,
        start_longitude: r.get(7)?,
        weekday: r.get(8)?,
        retired: r.get(9)?,
        stops: r.get(10)?,
    })
}

/// Routes of one rep, or every route in the book.
pub fn list(conn: &Connection, owner: Option<StaffId>) -> Result<Vec<Route>> {
    let sql = format!("{ROUTE_SELECT} WHERE ?1 IS NULL OR r.owner_id = ?1 ORDER BY s.name, r.retired, r.name, r.id");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([owner], route_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn get(conn: &Connection, id: RouteId) -> Result<Route> {
    let sql = format!("{ROUTE_SELECT} WHERE r.id = ?1");
    conn.prepare_cached(&sql)?
        .query_row([id], route_row)
        .optional()?
        .ok_or_else(|| Error::NotFound { what: "route", id: id.to_string() })
}

/// A route with its stops in order.
pub fn detail(conn: &Connection, id: RouteId) -> Result<RouteDetail> {
    let route = get(conn, id)?;
    let mut stmt = conn.prepare_cached(
        "SELECT c.id, c.name, c.grade, c.last_visit_on, c.phone, c.problems,
                a.province, a.city, a.district, a.detail, a.latitude, a.longitude,
                (SELECT count(*) FROM credit_incident i WHERE i.customer_id = c.id AND i.resolved = 0),
                NOT (c.basic_verified AND c.characteristics_verified AND c.business_verified AND c.trading_verified),
                p.name, p.phone
         FROM customer c
         LEFT JOIN customer_address a ON a.id = (
             SELECT id FROM customer_address x WHERE x.customer_id = c.id
             ORDER BY x.latitude IS NULL OR x.longitude IS NULL, x.kind <> 'business', x.id LIMIT 1)
         LEFT JOIN key_person p ON p.id = (
             SELECT id FROM key_person k WHERE k.customer_id = c.id
             ORDER BY CASE k.role WHEN 'contact' THEN 0 WHEN 'owner' THEN 1 WHEN 'manager' THEN 2 ELSE 3 END,
                      k.phone IS NULL, k.id LIMIT 1)
         WHERE c.route_id = ?1
         ORDER BY c.route_seq, c.name_pinyin, c.id",
    )?;
    let stops = stmt
        .query_map([id], |r| {
            let parts: Vec<Option<String>> = vec![r.get(6)?, r.get(7)?, r.get(8)?, r.get(9)?];
            let address: String = parts.into_iter().flatten().collect();
            let contact_phone: Option<String> = r.get(15)?;
            let card_phone: Option<String> = r.get(4)?;
            Ok(RouteStop {
                position: 0,
                customer_id: r.get(0)?,
                name: r.get(1)?,
                grade: r.get(2)?,
                last_visit_on: r.get(3)?,
                phone: contact_phone.or(card_phone),
                problems: r.get(5)?,
                address: (!address.is_empty()).then_some(address),
                latitude: r.get(10)?,
                longitude: r.get(11)?,
                open_incidents: r.get(12)?,
                needs_verification: r.get(13)?,
                contact_name: r.get(14)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let stops = stops.into_iter().enumerate().map(|(i, s)| RouteStop { position: i as u32 + 1, ..s }).collect();
    Ok(RouteDetail { route, stops })
}

/// May this laptop's person manage routes of `owner` in `territory`?
fn check_may_manage(conn: &Connection, profile: &Profile, owner: StaffId, territory: OrgUnitId) -> Result<()> {
    let allowed = match profile.role {
        StaffRole::HeadOffice => true,
        StaffRole::SalesAdmin => false,
        StaffRole::Rep => owner == profile.staff_id,
        StaffRole::RegionalManager | StaffRole::ProvincialManager => {
            crate::org::subtree(conn, &profile.org_unit_id.to_string())?.contains(&territory.to_string())
        }
    };
    if allowed {
        Ok(())
    } else {
        Err(Error::Forbidden(
            "only the rep, their managers and head office change a rep's routes; this route is outside your part of the organisation"
                .into(),
        ))
    }
}

fn check_point(problems: &mut Vec<FieldProblem>, lat: Option<f64>, lon: Option<f64>) -> Option<Point> {
    match (lat, lon) {
        (None, None) => None,
        (Some(lat), Some(lon)) => {
            let mut ok = true;
            if !(-90.0..=90.0).contains(&lat) || !lat.is_finite() {
                problems.push(FieldProblem::new(
                    "startLatitude",
                    ProblemCode::OutOfRange,
                    "a latitude is between -90 and 90",
                ));
                ok = false;
            }
            if !(-180.0..=180.0).contains(&lon) || !lon.is_finite() {
                problems.push(FieldProblem::new(
                    "startLongitude",
                    ProblemCode::OutOfRange,
                    "a longitude is between -180 and 180",
                ));
                ok = false;
            }
            ok.then_some(Point { lat, lon })
        }
        _ => {
            problems.push(FieldProblem::new(
                "startLatitude",
                ProblemCode::Incomplete,
                "give both latitude and longitude of the base, or neither",
            ));
            None
        }
    }
}

fn check_name(problems: &mut Vec<FieldProblem>, name: &str) -> String {
    let name = name.trim();
    if name.is_empty() {
        problems.push(FieldProblem::new("name", ProblemCode::Required, "is required"));
    } else if name.chars().count() > MAX_ROUTE_NAME {
        problems.push(FieldProblem::new(
            "name",
            ProblemCode::TooLong,
            format!("at most {MAX_ROUTE_NAME} characters fit"),
        ));
    } else if name.chars().any(char::is_control) {
        problems.push(FieldProblem::new(
            "name",
            ProblemCode::ControlChars,
            "contains invisible control characters; retype it",
        ));
    }
    name.to_string()
}

fn check_weekday(problems: &mut Vec<FieldProblem>, weekday: Option<u8>) {
    if weekday.is_some_and(|d| d > 7) {
        problems.push(FieldProblem::new(
            "weekday",
            ProblemCode::OutOfRange,
            "a weekday is 1 (Monday) to 7 (Sunday), or 0 for any day",
        ));
    }
}

pub fn create(tx: &Transaction<'_>, new: &NewRoute, profile: &Profile, now: DateTime<Utc>) -> Result<RouteId> {
    let owner = new.owner_id.unwrap_or(profile.staff_id);
    let staff = match org::staff_member(tx, owner) {
        Ok(staff) => staff,
        Err(Error::NotFound { .. }) => {
            return Err(Error::invalid(
                "ownerId",
                ProblemCode::UnknownRef,
                format!("{owner} does not exist in this book"),
            ))
        }
        Err(other) => return Err(other),
    };
    if staff.role != StaffRole::Rep {
        return Err(Error::invalid(
            "ownerId",
            ProblemCode::NotARep,
            format!("{} is not a rep; routes belong to reps", staff.name),
        ));
    }
    let territory = new.territory_id.unwrap_or(staff.org_unit_id);
    if !org::exists(tx, "org_unit", &territory.to_string())? {
        return Err(Error::invalid(
            "territoryId",
            ProblemCode::UnknownRef,
            format!("{territory} does not exist in this book"),
        ));
    }
    check_may_manage(tx, profile, owner, territory)?;
    let mut problems = vec![];
    let name = check_name(&mut problems, &new.name);
    let start = check_point(&mut problems, new.start_latitude, new.start_longitude);
    check_weekday(&mut problems, new.weekday);
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let taken: bool = tx
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM route WHERE owner_id = ?1 AND name = ?2 AND retired = 0)")?
        .query_row(params![owner, name], |r| r.get(0))?;
    if taken {
        return Err(Error::invalid(
            "name",
            ProblemCode::Duplicate,
            format!("{} already has a route named '{name}'", staff.name),
        ));
    }
    let id = RouteId::new();
    let ts = timestamp(now);
    tx.prepare_cached(
        "INSERT INTO route (id, name, owner_id, territory_id, start_latitude, start_longitude, weekday, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
    )?
    .execute(params![
        id,
        name,
        owner,
        territory,
        start.map(|p| p.lat),
        start.map(|p| p.lon),
        new.weekday.filter(|d| *d > 0),
        ts
    ])?;
    Ok(id)
}

pub fn edit(tx: &Transaction<'_>, edit: &RouteEdit, profile: &Profile, now: DateTime<Utc>) -> Result<()> {
    let Some(id) = edit.id else { return Err(Error::invalid("id", ProblemCode::Required, "name the route to change")) };
    let route = get(tx, id)?;
    check_may_manage(tx, profile, route.owner_id, route.territory_id)?;
    let mut problems = vec![];
    let name = edit.name.as_deref().map(|n| check_name(&mut problems, n));
    let start = if edit.start_latitude.is_some() || edit.start_longitude.is_some() {
        check_point(&mut problems, edit.start_latitude, edit.start_longitude)
    } else {
        None
    };
    check_weekday(&mut problems, edit.weekday);
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let ts = timestamp(now);
    if let Some(name) = name.filter(|n| *n != route.name) {
        tx.prepare_cached("UPDATE route SET name = ?2, updated_at = ?3 WHERE id = ?1")?
            .execute(params![id, name, ts])?;
    }
    if let Some(p) = start {
        tx.prepare_cached("UPDATE route SET start_latitude = ?2, start_longitude = ?3, updated_at = ?4 WHERE id = ?1")?
            .execute(params![id, p.lat, p.lon, ts])?;
    } else if edit.clear_start {
        tx.prepare_cached(
            "UPDATE route SET start_latitude = NULL, start_longitude = NULL, updated_at = ?2 WHERE id = ?1",
        )?
        .execute(params![id, ts])?;
    }
    if let Some(weekday) = edit.weekday {
        tx.prepare_cached("UPDATE route SET weekday = ?2, updated_at = ?3 WHERE id = ?1")?.execute(params![
            id,
            (weekday > 0).then_some(weekday),
            ts
        ])?;
    }
    if let Some(retired) = edit.retired.filter(|r| *r != route.retired) {
        if retired && route.stops > 0 {
            return Err(Error::invalid(
                "retired",
                ProblemCode::HasStops,
                format!("the route still has {} stops; move or remove them first", route.stops),
            ));
        }
        tx.prepare_cached("UPDATE route SET retired = ?2, updated_at = ?3 WHERE id = ?1")?
            .execute(params![id, retired, ts])?;
    }
    Ok(())
}

fn record(tx: &Transaction<'_>, customer: &str, old: Option<&str>, new: Option<&str>, actor: Actor) -> Result<()> {
    let json = |v: Option<&str>| v.map(|g| Json::from(g).to_string());
    tx.prepare_cached(
        "INSERT INTO change_history (id, customer_id, entity, entity_id, field, old_value, new_value, changed_by, changed_at, source)
         VALUES (?1, ?2, 'customer', ?2, 'routeId', ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![ChangeId::new(), customer, json(old), json(new), actor.staff, timestamp(actor.at), actor.source])?;
    Ok(())
}

/// The route's stops in order: (customer id, seq).
fn stops(conn: &Connection, id: RouteId) -> Result<Vec<(String, f64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, coalesce(route_seq, 0) FROM customer WHERE route_id = ?1 ORDER BY route_seq, name_pinyin, id",
    )?;
    let rows = stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn set_seq(tx: &Transaction<'_>, customer: &str, seq: f64) -> Result<()> {
    tx.prepare_cached("UPDATE customer SET route_seq = ?2 WHERE id = ?1 AND route_seq IS NOT ?2")?
        .execute(params![customer, seq])?;
    Ok(())
}

/// Numbers the stops 1, 2, 3 … in the given order, touching only stops whose number changes.
fn renumber(tx: &Transaction<'_>, order: &[String]) -> Result<()> {
    for (i, customer) in order.iter().enumerate() {
        set_seq(tx, customer, (i + 1) as f64)?;
    }
    Ok(())
}

/// Puts cards on a route at `at` (1-based; the end when none). Cards on
/// another of the rep's routes move here. Every card must be the route's rep's.
pub fn add_stops(
    tx: &Transaction<'_>,
    id: RouteId,
    customers: &[CustomerId],
    at: Option<u32>,
    profile: &Profile,
    actor: Actor,
) -> Result<()> {
    let route = get(tx, id)?;
    check_may_manage(tx, profile, route.owner_id, route.territory_id)?;
    if route.retired {
        return Err(Error::invalid(
            "routeId",
            ProblemCode::Retired,
            "the route is retired; bring it back before adding stops",
        ));
    }
    let mut problems = vec![];
    let mut moving = vec![];
    for (i, customer) in customers.iter().enumerate() {
        let field = format!("customers[{i}]");
        let row: Option<(String, StaffId, String, Option<String>)> = tx
            .prepare_cached(
                "SELECT c.name, c.owner_id, s.name, c.route_id FROM customer c JOIN staff s ON s.id = c.owner_id
                 WHERE c.id = ?1",
            )?
            .query_row([customer], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .optional()?;
        match row {
            None => problems.push(FieldProblem::new(
                field,
                ProblemCode::UnknownRef,
                format!("{customer} does not exist in this book"),
            )),
            Some((name, owner, owner_name, _)) if owner != route.owner_id => problems.push(FieldProblem::new(
                field,
                ProblemCode::OtherRep,
                format!(
                    "{name} belongs to {owner_name}, not to {}; reassign the card first or use {owner_name}'s route",
                    route.owner_name
                ),
            )),
            Some((_, _, _, current)) => {
                if customers[..i].contains(customer) {
                    problems.push(FieldProblem::new(
                        field,
                        ProblemCode::Duplicate,
                        "the same customer is listed twice",
                    ));
                } else {
                    moving.push((customer.to_string(), current));
                }
            }
        }
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let mut order: Vec<String> =
        stops(tx, id)?.into_iter().map(|(c, _)| c).filter(|c| !moving.iter().any(|(m, _)| m == c)).collect();
    if order.len() + moving.len() > MAX_STOPS {
        return Err(Error::invalid(
            "customers",
            ProblemCode::TooMany,
            format!("a route holds at most {MAX_STOPS} stops"),
        ));
    }
    let at = at.map_or(order.len(), |a| (a.max(1) as usize - 1).min(order.len()));
    for (offset, (customer, _)) in moving.iter().enumerate() {
        order.insert(at + offset, customer.clone());
    }
    let route_id = id.to_string();
    for (customer, current) in &moving {
        if current.as_deref() != Some(&route_id) {
            tx.prepare_cached("UPDATE customer SET route_id = ?2 WHERE id = ?1")?
                .execute(params![customer, route_id])?;
            record(tx, customer, current.as_deref(), Some(&route_id), actor)?;
        }
    }
    renumber(tx, &order)
}

/// Takes cards off whatever route they are on.
pub fn remove_stops(tx: &Transaction<'_>, customers: &[CustomerId], profile: &Profile, actor: Actor) -> Result<()> {
    for customer in customers {
        let current: Option<Option<RouteId>> = tx
            .prepare_cached("SELECT route_id FROM customer WHERE id = ?1")?
            .query_row([customer], |r| r.get(0))
            .optional()?;
        let Some(current) = current else {
            return Err(Error::NotFound { what: "customer", id: customer.to_string() });
        };
        let Some(route) = current else { continue };
        let route = get(tx, route)?;
        check_may_manage(tx, profile, route.owner_id, route.territory_id)?;
        tx.prepare_cached("UPDATE customer SET route_id = NULL, route_seq = NULL WHERE id = ?1")?
            .execute([customer])?;
        record(tx, &customer.to_string(), Some(&route.id.to_string()), None, actor)?;
    }
    Ok(())
}

/// Moves one stop to `position` (1-based) on its route. Only that stop's
/// number changes, unless the numbers between its neighbours ran out.
pub fn move_stop(tx: &Transaction<'_>, customer: CustomerId, position: u32, profile: &Profile) -> Result<()> {
    let route: Option<Option<RouteId>> = tx
        .prepare_cached("SELECT route_id FROM customer WHERE id = ?1")?
        .query_row([customer], |r| r.get(0))
        .optional()?;
    let Some(route) = route else { return Err(Error::NotFound { what: "customer", id: customer.to_string() }) };
    let Some(route) = route else {
        return Err(Error::invalid(
            "customerId",
            ProblemCode::NotOnRoute,
            "this customer is on no route; add it to one first",
        ));
    };
    let detail = get(tx, route)?;
    check_may_manage(tx, profile, detail.owner_id, detail.territory_id)?;
    let me = customer.to_string();
    let mut others: Vec<(String, f64)> = stops(tx, route)?;
    others.retain(|(c, _)| *c != me);
    let at = (position.max(1) as usize - 1).min(others.len());
    let before = at.checked_sub(1).map(|i| others[i].1);
    let after = others.get(at).map(|s| s.1);
    let seq = match (before, after) {
        (None, None) => 1.0,
        (Some(b), None) => b.floor() + 1.0,
        (None, Some(a)) => a - 1.0,
        (Some(b), Some(a)) => (a + b) / 2.0,
    };
    let squeezed = match (before, after) {
        (Some(b), Some(a)) => a - b < 1e-6 || seq <= b || seq >= a,
        _ => false,
    };
    if squeezed {
        let mut order: Vec<String> = others.into_iter().map(|(c, _)| c).collect();
        order.insert(at, me);
        return renumber(tx, &order);
    }
    set_seq(tx, &me, seq)
}

/// Sets the whole order of a route (an accepted optimisation, the CLI). The
/// list must hold exactly the route's stops.
pub fn set_order(tx: &Transaction<'_>, id: RouteId, order: &[CustomerId], profile: &Profile) -> Result<()> {
    let route = get(tx, id)?;
    check_may_manage(tx, profile, route.owner_id, route.territory_id)?;
    let mut current: Vec<String> = stops(tx, id)?.into_iter().map(|(c, _)| c).collect();
    let order: Vec<String> = order.iter().map(ToString::to_string).collect();
    let mut given = order.clone();
    current.sort();
    given.sort();
    if current != given {
        return Err(Error::invalid(
            "order",
            ProblemCode::NotTheStops,
            "the new order must list every stop of the route exactly once; reload the route and try again",
        ));
    }
    renumber(tx, &order)
}

/// Proposes a shorter order for the route (changes nothing).
pub fn propose(conn: &Connection, id: RouteId) -> Result<RouteProposal> {
    let detail = detail(conn, id)?;
    let start = match (detail.route.start_latitude, detail.route.start_longitude) {
        (Some(lat), Some(lon)) => Some(Point { lat, lon }),
        _ => None,
    };
    let points: Vec<Option<Point>> = detail
        .stops
        .iter()
        .map(|s| match (s.latitude, s.longitude) {
            (Some(lat), Some(lon)) => Some(Point { lat, lon }),
            _ => None,
        })
        .collect();
    let tour = optimise::optimise(start, &points);
    Ok(RouteProposal {
        route_id: id,
        before_km: tour.before_km,
        after_km: tour.after_km,
        order: tour.order.iter().map(|&i| detail.stops[i].customer_id).collect(),
        without_coordinates: detail
            .stops
            .iter()
            .filter(|s| s.latitude.is_none() || s.longitude.is_none())
            .map(|s| s.name.clone())
            .collect(),
        from_base: start.is_some(),
    })
}
