//! Shipping approved orders (seed 002): shipments record what left the
//! warehouse against an order's lines, partly if need be; what a line still
//! lacks is a backorder (欠货) until it is shipped or head office cancels it.
//! An approved order must be out within [`SHIP_WITHIN_WORK_DAYS`] office work
//! days of its approval, else it is late on the admin's and manager's lists.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock::{timestamp, Zone};
use crate::error::{Error, FieldProblem, ProblemCode, Result};
use crate::ids::OrderId;
use crate::model::OrderStatus;
use crate::org::Viewer;

/// Office work days from approval to shipment (seed 002: 三个工作日内发放完毕).
pub const SHIP_WITHIN_WORK_DAYS: u32 = 3;

/// The office and warehouse work Monday to Friday.
pub fn office_work_day(day: NaiveDate) -> bool {
    day.weekday().number_from_monday() <= 5
}

/// The last day an order approved on `approved` may leave and be on time.
pub fn ship_by(approved: NaiveDate) -> NaiveDate {
    let mut on = approved;
    let mut left = SHIP_WITHIN_WORK_DAYS;
    while left > 0 {
        on += Duration::days(1);
        if office_work_day(on) {
            left -= 1;
        }
    }
    on
}

/// One line of a shipment as head office records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ShipmentLineInput {
    pub order_line_id: String,
    /// Units shipped.
    pub quantity: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ShipmentInput {
    pub order_id: OrderId,
    /// YYYY-MM-DD; none: today.
    #[serde(default)]
    #[ts(optional)]
    pub shipped_on: Option<String>,
    /// The delivery note's or waybill's number.
    #[serde(default)]
    #[ts(optional)]
    pub number: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub carrier: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub notes: Option<String>,
    /// None: everything the order still lacks.
    #[serde(default)]
    pub lines: Vec<ShipmentLineInput>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ShippedLine {
    pub order_line_id: String,
    pub product_code: String,
    pub product_name: String,
    pub unit: String,
    pub quantity: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Shipment {
    pub id: String,
    pub number: Option<String>,
    pub shipped_on: String,
    pub carrier: Option<String>,
    pub notes: Option<String>,
    pub lines: Vec<ShippedLine>,
}

/// How far an approved order has gone out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ShippingState {
    NotShipped,
    /// Some went out; the rest is a backorder.
    Partly,
    /// Everything went out (or what did not was cancelled).
    Shipped,
}

/// An order line's units: ordered, shipped, cancelled.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LineUnits {
    pub ordered: u32,
    pub shipped: u32,
    pub cancelled: u32,
}

impl LineUnits {
    /// What the line still lacks.
    pub fn outstanding(self) -> u32 {
        self.ordered.saturating_sub(self.shipped).saturating_sub(self.cancelled)
    }
}

/// Each line of the order with its units.
pub fn line_units(conn: &Connection, order: OrderId) -> Result<HashMap<String, LineUnits>> {
    let mut stmt = conn.prepare_cached(
        "SELECT l.id, l.quantity, l.cancelled,
                (SELECT coalesce(sum(s.quantity), 0) FROM shipment_line s WHERE s.order_line_id = l.id)
           FROM order_line l WHERE l.order_id = ?1",
    )?;
    let rows = stmt.query_map([order], |r| {
        Ok((r.get::<_, String>(0)?, LineUnits { ordered: r.get(1)?, cancelled: r.get(2)?, shipped: r.get(3)? }))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The state of an order's shipping from its lines' units.
pub fn state(units: impl IntoIterator<Item = LineUnits>) -> ShippingState {
    let (mut outstanding, mut shipped) = (0u64, 0u64);
    for u in units {
        outstanding += u64::from(u.outstanding());
        shipped += u64::from(u.shipped);
    }
    match (outstanding, shipped) {
        (0, _) => ShippingState::Shipped,
        (_, 0) => ShippingState::NotShipped,
        _ => ShippingState::Partly,
    }
}

/// Sales administration ships: head office, or a sales administrator for
/// the cards of the regions paired with them (the shipment tables'
/// `Authority::Administered`, judged the same at head office's merge).
fn require_shipper(viewer: &Viewer) -> Result<()> {
    if viewer.role.reviews_orders() {
        Ok(())
    } else {
        Err(Error::Forbidden("only head office's sales administration records shipments".into()))
    }
}

/// ... and only the orders of the customers it sees.
fn require_ships_for(conn: &Connection, viewer: &Viewer, customer: &str) -> Result<()> {
    if !viewer.sees_customer(conn, customer)? {
        return Err(Error::Forbidden(
            "this order's customer is outside the regions paired with you; its sales administrator ships it".into(),
        ));
    }
    Ok(())
}

/// The order's status, customer and approval day (business day).
fn approved(conn: &Connection, order: OrderId, zone: Zone) -> Result<(String, NaiveDate)> {
    let row: Option<(OrderStatus, String, Option<String>)> = conn
        .prepare_cached("SELECT status, customer_id, reviewed_at FROM sales_order WHERE id = ?1")?
        .query_row([order], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let Some((status, customer, reviewed)) = row else {
        return Err(Error::NotFound { what: "order", id: order.to_string() });
    };
    let day = reviewed.as_deref().and_then(crate::clock::parse_timestamp).map(|at| zone.day(at));
    match (status, day) {
        (OrderStatus::Approved, Some(day)) => Ok((customer, day)),
        _ => Err(Error::Invalid(vec![FieldProblem::new(
            "orderId",
            ProblemCode::NotApproved,
            format!("the order is {status}: only an approved order is shipped"),
        )])),
    }
}

fn short(field: &str, value: Option<&str>, problems: &mut Vec<FieldProblem>) -> Option<String> {
    let value = value.map(str::trim).filter(|v| !v.is_empty())?;
    if value.chars().count() > 200 || value.chars().any(char::is_control) {
        problems.push(FieldProblem::new(field, ProblemCode::TooLong, "at most 200 printable characters fit"));
        return None;
    }
    Some(value.to_string())
}

/// Records a shipment against an approved order. Returns its id.
pub fn record(
    tx: &Transaction<'_>,
    viewer: &Viewer,
    input: &ShipmentInput,
    zone: Zone,
    now: DateTime<Utc>,
) -> Result<String> {
    require_shipper(viewer)?;
    let order = input.order_id;
    let (customer, approved_on) = approved(tx, order, zone)?;
    require_ships_for(tx, viewer, &customer)?;
    let today = zone.day(now);
    let mut problems = vec![];
    let shipped_on = match input.shipped_on.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(today),
        Some(text) => crate::clock::day("shippedOn", text, &mut problems),
    };
    if let Some(day) = shipped_on {
        if day > today {
            problems.push(FieldProblem::new(
                "shippedOn",
                ProblemCode::FutureDate,
                format!("{day} has not come yet: record a shipment once it has left"),
            ));
        } else if day < approved_on {
            problems.push(FieldProblem::new(
                "shippedOn",
                ProblemCode::BeforeFrom,
                format!("{day} is before the order was approved ({approved_on})"),
            ));
        }
    }
    let number = short("number", input.number.as_deref(), &mut problems);
    let carrier = short("carrier", input.carrier.as_deref(), &mut problems);
    let notes = short("notes", input.notes.as_deref(), &mut problems);
    let units = line_units(tx, order)?;
    let mut lines: Vec<(String, u32)> = vec![];
    if input.lines.is_empty() {
        let mut all: Vec<_> =
            units.iter().filter(|(_, u)| u.outstanding() > 0).map(|(id, u)| (id.clone(), u.outstanding())).collect();
        all.sort();
        lines = all;
    } else {
        let mut taken: HashMap<&str, u32> = HashMap::new();
        for (i, line) in input.lines.iter().enumerate() {
            let field = format!("lines.{i}");
            let Some(u) = units.get(line.order_line_id.trim()) else {
                problems.push(FieldProblem::new(field, ProblemCode::UnknownRef, "this line is not on the order"));
                continue;
            };
            let so_far = taken.entry(line.order_line_id.trim()).or_default();
            *so_far = so_far.saturating_add(line.quantity);
            if line.quantity == 0 {
                problems.push(FieldProblem::new(field, ProblemCode::Required, "give how many units were shipped"));
            } else if *so_far > u.outstanding() {
                problems.push(FieldProblem::new(
                    field,
                    ProblemCode::MoreThanOrdered,
                    format!("{} units is more than the line still lacks ({})", so_far, u.outstanding()),
                ));
            } else {
                lines.push((line.order_line_id.trim().to_string(), line.quantity));
            }
        }
    }
    if lines.is_empty() && problems.is_empty() {
        problems.push(FieldProblem::new(
            "lines",
            ProblemCode::NothingToShip,
            "the order lacks nothing: it has all been shipped or cancelled",
        ));
    }
    let Some(shipped_on) = shipped_on.filter(|_| problems.is_empty()) else { return Err(Error::Invalid(problems)) };
    let at = timestamp(now);
    let id = uuid::Uuid::now_v7().to_string();
    tx.prepare_cached(
        "INSERT INTO shipment (id, order_id, customer_id, number, shipped_on, carrier, notes, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
    )?
    .execute(params![id, order, customer, number, shipped_on.to_string(), carrier, notes, at])?;
    let mut insert = tx.prepare_cached(
        "INSERT INTO shipment_line (id, shipment_id, order_line_id, customer_id, quantity, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
    )?;
    for (line, quantity) in lines {
        insert.execute(params![uuid::Uuid::now_v7().to_string(), id, line, customer, quantity, at])?;
    }
    Ok(id)
}

/// Head office cancels what a line still lacks (the backorder), saying why.
/// Returns the units cancelled.
pub fn cancel_backorder(
    tx: &Transaction<'_>,
    viewer: &Viewer,
    order: OrderId,
    line: &str,
    zone: Zone,
    now: DateTime<Utc>,
) -> Result<u32> {
    require_shipper(viewer)?;
    let (customer, _) = approved(tx, order, zone)?;
    require_ships_for(tx, viewer, &customer)?;
    let units = line_units(tx, order)?;
    let Some(u) = units.get(line.trim()) else {
        return Err(Error::NotFound { what: "order line", id: line.to_string() });
    };
    let outstanding = u.outstanding();
    if outstanding == 0 {
        return Err(Error::Invalid(vec![FieldProblem::new(
            "line",
            ProblemCode::NothingToShip,
            "the line lacks nothing",
        )]));
    }
    tx.prepare_cached("UPDATE order_line SET cancelled = cancelled + ?2, updated_at = ?3 WHERE id = ?1")?
        .execute(params![line.trim(), outstanding, timestamp(now)])?;
    Ok(outstanding)
}

/// A shipment as the shipping page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ShipmentRow {
    pub id: String,
    pub order_id: OrderId,
    pub order_number: Option<String>,
    pub customer_id: String,
    pub customer_name: String,
    pub shipped_on: String,
    pub number: Option<String>,
    pub carrier: Option<String>,
    /// Lines and units that went out.
    pub lines: u32,
    pub units: u32,
}

/// Which shipments the shipping page lists: those of `from` to `to`
/// (business days; by default the last 30 days to today).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ShipmentQuery {
    #[serde(default)]
    #[ts(optional)]
    pub from: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub to: Option<String>,
}

/// The most shipments one list returns.
const MAX_SHIPMENTS: usize = 5_000;

/// The shipments of the customers `viewer` sees between two days, newest first.
pub fn recent(conn: &Connection, viewer: &Viewer, query: &ShipmentQuery, today: NaiveDate) -> Result<Vec<ShipmentRow>> {
    let mut problems = vec![];
    let mut day =
        |field: &str, text: Option<&str>, default: NaiveDate| match text.map(str::trim).filter(|t| !t.is_empty()) {
            Some(text) => crate::clock::day(field, text, &mut problems).unwrap_or(default),
            None => default,
        };
    let to = day("to", query.to.as_deref(), today);
    let from = day("from", query.from.as_deref(), to - Duration::days(30));
    if from > to {
        problems.push(FieldProblem::new("to", ProblemCode::BeforeFrom, "the period ends before it starts"));
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let mut stmt = conn.prepare_cached(
        "SELECT h.id, h.order_id, o.number, h.customer_id, c.name, h.shipped_on, h.number, h.carrier,
                (SELECT count(*) FROM shipment_line s WHERE s.shipment_id = h.id),
                (SELECT coalesce(sum(s.quantity), 0) FROM shipment_line s WHERE s.shipment_id = h.id),
                c.owner_id, c.territory_id
           FROM shipment h JOIN sales_order o ON o.id = h.order_id JOIN customer c ON c.id = h.customer_id
          WHERE h.shipped_on BETWEEN ?1 AND ?2
          ORDER BY h.shipped_on DESC, h.created_at DESC, h.id",
    )?;
    let mut rows = stmt.query(params![from.to_string(), to.to_string()])?;
    let mut out = vec![];
    while let Some(r) = rows.next()? {
        let (owner, territory): (String, String) = (r.get(10)?, r.get(11)?);
        if !viewer.holds(&owner, &territory) {
            continue;
        }
        out.push(ShipmentRow {
            id: r.get(0)?,
            order_id: r.get(1)?,
            order_number: r.get(2)?,
            customer_id: r.get(3)?,
            customer_name: r.get(4)?,
            shipped_on: r.get(5)?,
            number: r.get(6)?,
            carrier: r.get(7)?,
            lines: r.get(8)?,
            units: r.get(9)?,
        });
        if out.len() >= MAX_SHIPMENTS {
            break;
        }
    }
    Ok(out)
}

/// An order's shipments, oldest first.
pub fn shipments(conn: &Connection, order: OrderId) -> Result<Vec<Shipment>> {
    let mut out: Vec<Shipment> = conn
        .prepare_cached("SELECT id, number, shipped_on, carrier, notes FROM shipment WHERE order_id = ?1 ORDER BY shipped_on, created_at, id")?
        .query_map([order], |r| {
            Ok(Shipment { id: r.get(0)?, number: r.get(1)?, shipped_on: r.get(2)?, carrier: r.get(3)?, notes: r.get(4)?, lines: vec![] })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut stmt = conn.prepare_cached(
        "SELECT s.order_line_id, p.code, p.name, p.unit, s.quantity
           FROM shipment_line s JOIN order_line l ON l.id = s.order_line_id JOIN product p ON p.id = l.product_id
          WHERE s.shipment_id = ?1 ORDER BY l.position, l.id",
    )?;
    for shipment in &mut out {
        shipment.lines = stmt
            .query_map([&shipment.id], |r| {
                Ok(ShippedLine {
                    order_line_id: r.get(0)?,
                    product_code: r.get(1)?,
                    product_name: r.get(2)?,
                    unit: r.get(3)?,
                    quantity: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("day")
    }

    #[test]
    fn three_office_work_days_skip_the_weekend() {
        // 2026-12-02 is a Wednesday: Thursday, Friday, then Monday.
        assert_eq!(ship_by(day("2026-12-02")), day("2026-12-07"));
        // Approved on a Saturday: Monday, Tuesday, Wednesday.
        assert_eq!(ship_by(day("2026-12-05")), day("2026-12-09"));
        assert_eq!(ship_by(day("2026-11-30")), day("2026-12-03"));
    }

    #[test]
    fn the_state_follows_what_is_left() {
        let units = |o, s, c| [LineUnits { ordered: o, shipped: s, cancelled: c }];
        assert_eq!(state(units(10, 0, 0)), ShippingState::NotShipped);
        assert_eq!(state(units(10, 4, 0)), ShippingState::Partly);
        assert_eq!(state(units(10, 4, 6)), ShippingState::Shipped);
        assert_eq!(state(units(10, 10, 0)), ShippingState::Shipped);
        // One line out in full, the other not yet: partly shipped.
        let two =
            [LineUnits { ordered: 10, shipped: 0, cancelled: 0 }, LineUnits { ordered: 5, shipped: 5, cancelled: 0 }];
        assert_eq!(state(two), ShippingState::Partly);
        assert_eq!(LineUnits { ordered: 10, shipped: 4, cancelled: 0 }.outstanding(), 6);
    }
}
