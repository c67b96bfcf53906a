//! Orders: capture (priced from the price list, checked, with the credit
//! check), the author's changes until submission, and sales
//! administration's review (approve, return, correct a line, release a hold).
//!
//! Who may change an order in which state is [`may_change`]: the write paths
//! here call it, and so does head office's merge for every change in a
//! laptop's file, so the laptop refuses exactly what head office would.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::credit::{self, CreditCheck, HoldReason};
use super::price::{OrderProduct, Prices};
use super::promotion::{discounted, Offers};
use super::shipping::{self, Shipment, ShippingState};
use crate::clock::{timestamp, Zone};
use crate::error::{Error, FieldProblem, ProblemCode, Result};
use crate::ids::{CustomerId, OrderId, OrderLineId};
use crate::model::{OrderStatus, PaymentKind, PromotionKind, StaffRole};
use crate::org::Viewer;

/// Most lines on one order.
pub const MAX_LINES: usize = 200;
/// Most units of one line (a guard against typing errors and overflow).
pub const MAX_UNITS: u32 = 1_000_000;
/// Most characters of a note, an address or a reason.
pub const MAX_TEXT: usize = 500;

/// A line as the form or the CLI gives it: a product (id or code), cases and
/// units (both counted), and a price only when it differs from the list's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OrderLineInput {
    pub product: String,
    #[serde(default)]
    pub cases: u32,
    #[serde(default)]
    pub units: u32,
    /// Fen per unit; none: the customer's price from the price list.
    #[serde(default)]
    #[ts(optional, type = "number")]
    pub unit_price: Option<i64>,
    /// Given free (a promotion's gift).
    #[serde(default)]
    pub gift: bool,
}

/// An order as the form or the CLI gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OrderInput {
    pub customer_id: CustomerId,
    pub payment_kind: PaymentKind,
    /// One of the card's addresses; none: `delivery_address`, else the card's
    /// delivery (or business) address.
    #[serde(default)]
    #[ts(optional)]
    pub address_id: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub delivery_address: Option<String>,
    /// YYYY-MM-DD, not before today.
    #[serde(default)]
    #[ts(optional)]
    pub wanted_on: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub notes: Option<String>,
    pub lines: Vec<OrderLineInput>,
    /// Submit at once (else the order stays a draft).
    #[serde(default)]
    pub submit: bool,
}

/// What the review looks at on a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum LineFlag {
    /// The quantity is not a whole number of cases (散听).
    NotWholeCases,
    /// The price is not the price list's.
    PriceDiffers,
    /// The product was retired after the order was captured.
    Retired,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OrderLine {
    pub id: String,
    pub position: u32,
    pub product_id: String,
    pub product_code: String,
    pub product_name: String,
    pub unit: String,
    pub case_size: Option<u32>,
    /// Units in all; `cases` and `units` split them by the case size.
    pub quantity: u32,
    pub cases: u32,
    pub units: u32,
    #[ts(type = "number")]
    pub unit_price: i64,
    #[ts(type = "number | null")]
    pub list_price: Option<i64>,
    #[ts(type = "number")]
    pub amount: i64,
    pub gift: bool,
    /// The promotion that discounted its price or gave it (a gift line), and its name.
    pub promotion_id: Option<String>,
    pub promotion: Option<String>,
    pub flags: Vec<LineFlag>,
    /// Units shipped so far, and cancelled by head office.
    pub shipped: u32,
    pub cancelled: u32,
    /// Units an approved order still lacks (欠货 once something has shipped).
    pub backorder: u32,
}

/// A change sales administration made, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OrderNote {
    pub at: String,
    pub staff_name: String,
    pub what: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Order {
    pub id: OrderId,
    /// Head office's number; none until head office has the order.
    pub number: Option<String>,
    pub customer_id: String,
    pub customer_name: String,
    pub author_id: String,
    pub author_name: String,
    pub status: OrderStatus,
    pub payment_kind: PaymentKind,
    pub address_id: Option<String>,
    pub delivery_address: String,
    pub wanted_on: Option<String>,
    pub notes: Option<String>,
    #[ts(type = "number")]
    pub total: i64,
    pub credit_hold: bool,
    pub hold_reasons: Vec<HoldReason>,
    pub hold_released_by: Option<String>,
    pub hold_released_at: Option<String>,
    pub hold_release_reason: Option<String>,
    pub submitted_at: Option<String>,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<String>,
    pub return_reason: Option<String>,
    pub cancel_reason: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub lines: Vec<OrderLine>,
    pub history: Vec<OrderNote>,
    pub shipments: Vec<Shipment>,
    /// Approved orders: how far they have gone out.
    pub shipping: Option<ShippingState>,
    /// Approved orders: the last day to ship on time, and whether that has passed with goods still lacking.
    pub ship_by: Option<String>,
    pub late: bool,
    /// What this person may do with it now: change and submit it (its
    /// author, while a draft or returned), withdraw or cancel it, review it,
    /// release its hold, ship it.
    pub can_edit: bool,
    pub can_cancel: bool,
    pub can_review: bool,
    pub can_release: bool,
    /// Head office: the order is approved and still lacks something.
    pub can_ship: bool,
}

/// An order priced and checked as typed, before it is saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OrderQuote {
    pub lines: Vec<OrderLine>,
    #[ts(type = "number")]
    pub total: i64,
    pub credit: CreditCheck,
    /// What would refuse the order as it stands.
    pub problems: Vec<FieldProblem>,
}

// ------------------------------------------------------------ who may change

/// Who makes a change to an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Who {
    pub role: StaffRole,
    /// The person who captured the order.
    pub is_author: bool,
}

impl Who {
    /// Sales administration (`StaffRole::reviews_orders`).
    pub fn reviews(self) -> bool {
        self.role.reviews_orders()
    }

    /// Managers and head office release credit holds.
    pub fn releases(self) -> bool {
        self.role != StaffRole::Rep
    }
}

/// May `who` insert this new order (its values as a changeset file carries
/// them)? It is the author's, a draft or submitted, and carries no review or
/// release of a hold (`may_change` of its `*`, and its values).
pub fn may_insert(
    who: Who,
    values: &serde_json::Map<String, serde_json::Value>,
) -> std::result::Result<(), (ProblemCode, &'static str)> {
    let set = |c: &&str| values.get(*c).is_some_and(|v| !v.is_null());
    if !who.reviews() && (REVIEW_COLUMNS.iter().any(set) || set(&"hold_released_by")) {
        return Err((ProblemCode::ReviewByOffice, "only sales administration reviews orders"));
    }
    let status = values.get("status").and_then(serde_json::Value::as_str).and_then(|s| s.parse().ok());
    may_change(who, None, "sales_order", "*", status)
}

/// Columns only sales administration writes.
const REVIEW_COLUMNS: &[&str] = &["number", "reviewed_by", "reviewed_at", "return_reason"];
/// Columns of a hold's release.
const RELEASE_COLUMNS: &[&str] = &["credit_hold", "hold_released_by", "hold_released_at", "hold_release_reason"];

/// May `who` change `column` of a row of `table` (`sales_order`,
/// `order_line`; `*` a new row, `-` a deleted one) of an order in `state`
/// (none: the order is new)? `new_status`: the status a `status` change sets.
/// The one rule of who changes an order: the write paths and head office's
/// merge both ask it.
pub fn may_change(
    who: Who,
    state: Option<OrderStatus>,
    table: &str,
    column: &str,
    new_status: Option<OrderStatus>,
) -> std::result::Result<(), (ProblemCode, &'static str)> {
    use OrderStatus::*;
    if column == "updated_at" {
        return Ok(());
    }
    if table == "order_line" && column == "cancelled" && !who.reviews() {
        return Err((ProblemCode::ReviewByOffice, "only sales administration cancels a backorder"));
    }
    if who.reviews() && !(who.is_author && matches!(state, None | Some(Draft | Returned))) {
        return review(state, table, column, new_status);
    }
    if table == "sales_order" && column == "*" {
        // A new order: the author's, as a draft or submitted.
        return if !who.is_author {
            Err((ProblemCode::NotAuthor, "an order is captured by the person who sends it"))
        } else if state.is_some() {
            Err((ProblemCode::ReadOnly, "this order exists already"))
        } else if !matches!(new_status, Some(Draft | Submitted)) {
            Err((ProblemCode::ReviewByOffice, "only sales administration approves or returns orders"))
        } else {
            Ok(())
        };
    }
    // The rest of a new order (its lines, a later change in the same file) is
    // judged as a draft's.
    let state = state.unwrap_or(Draft);
    if table == "sales_order"
        && RELEASE_COLUMNS.contains(&column)
        && who.releases()
        && matches!(state, Submitted | Approved)
    {
        return Ok(());
    }
    if !who.is_author {
        return Err((ProblemCode::NotAuthor, "only the person who captured an order changes it before review"));
    }
    match state {
        Draft | Returned => match (table, column) {
            ("sales_order", "status") => match new_status {
                Some(Submitted | Cancelled) => Ok(()),
                _ => Err((ProblemCode::ReviewByOffice, "only sales administration approves or returns orders")),
            },
            ("sales_order", c) if REVIEW_COLUMNS.contains(&c) => {
                Err((ProblemCode::ReviewByOffice, "only sales administration reviews orders"))
            }
            ("sales_order", "-") => Err((ProblemCode::ReadOnly, "an order is cancelled, never deleted")),
            ("sales_order", "author_id" | "customer_id") => {
                Err((ProblemCode::ReadOnly, "an order keeps its customer and its author"))
            }
            _ => Ok(()),
        },
        Submitted => match (table, column) {
            // Withdrawn before review.
            ("sales_order", "status") if new_status == Some(Cancelled) => Ok(()),
            ("sales_order", "status") if matches!(new_status, Some(Approved | Returned)) => {
                Err((ProblemCode::ReviewByOffice, "only sales administration approves or returns orders"))
            }
            ("sales_order", "cancel_reason") => Ok(()),
            _ => Err((
                ProblemCode::OrderUnderReview,
                "a submitted order is changed by sales administration only; ask them, or withdraw it",
            )),
        },
        Approved | Cancelled => Err((ProblemCode::OrderClosed, "an approved or cancelled order is no longer changed")),
    }
}

/// What sales administration may change of an order it did not capture (or
/// one of its own once submitted), in `state`: a review sees the order as it
/// is, so a review made on an administrator's laptop against an order that
/// changed meanwhile (withdrawn, already reviewed by a colleague) is refused
/// at head office's merge and shown, never applied over the newer state.
fn review(
    state: Option<OrderStatus>,
    table: &str,
    column: &str,
    new_status: Option<OrderStatus>,
) -> std::result::Result<(), (ProblemCode, &'static str)> {
    use OrderStatus::*;
    let Some(state) = state else {
        return Err((ProblemCode::NotAuthor, "an order is captured by the person who sends it"));
    };
    match (state, table, column) {
        (_, "sales_order", "author_id" | "customer_id" | "*") => {
            Err((ProblemCode::ReadOnly, "an order keeps its customer and its author"))
        }
        (_, _, "-") => Err((ProblemCode::ReadOnly, "an order is cancelled, never deleted")),
        (Draft | Returned, _, _) => {
            Err((ProblemCode::NotSubmitted, "the order is with its author until they submit it again"))
        }
        (Cancelled, _, _) => Err((ProblemCode::OrderClosed, "the order was cancelled meanwhile")),
        (_, "sales_order", "status") => match (state, new_status) {
            (Submitted, Some(Approved | Returned | Cancelled)) | (Approved, Some(Cancelled)) => Ok(()),
            (Approved, Some(Approved | Returned)) => {
                Err((ProblemCode::OrderClosed, "the order was approved meanwhile"))
            }
            _ => Err((ProblemCode::BadStatusChange, "an order under review is approved, returned or cancelled")),
        },
        (Approved, "order_line", "cancelled") => Ok(()),
        (Approved, "sales_order", "cancel_reason") => Ok(()),
        (Approved, _, _) => Err((
            ProblemCode::OrderClosed,
            "an approved order is no longer changed: cancel what it still lacks, or the whole order",
        )),
        (Submitted, "order_line", "cancelled") => {
            Err((ProblemCode::NotApproved, "a backorder is what an approved order still lacks"))
        }
        (Submitted, _, _) => Ok(()),
    }
}

/// May a person of `role` write a note of an order's review (a correction, a
/// status change with its reason, a hold's release), signed `as_self` with
/// their own name? Sales administration and the managers who release holds
/// write them; the rep reads them.
pub fn may_note(role: StaffRole, as_self: bool) -> std::result::Result<(), (ProblemCode, &'static str)> {
    if role == StaffRole::Rep {
        Err((ProblemCode::ReviewByOffice, "an order's review notes are written by those who review it"))
    } else if !as_self {
        Err((ProblemCode::NotAuthor, "a note is signed by the person who writes it"))
    } else {
        Ok(())
    }
}

fn refuse(
    who: Who,
    state: Option<OrderStatus>,
    table: &str,
    column: &str,
    new_status: Option<OrderStatus>,
) -> Result<()> {
    may_change(who, state, table, column, new_status).map_err(|(code, message)| {
        Error::Invalid(vec![FieldProblem::new(if table == "order_line" { "lines" } else { column }, code, message)])
    })
}

/// A line's quantity split into cases and units, and what the review looks at:
/// the one place these are worked out, for a line being typed and a saved one.
/// `expected`: the price the line should carry (the list's, or its promotion's).
fn line_view(
    case_size: Option<u32>,
    quantity: u32,
    unit_price: i64,
    expected: Option<i64>,
    gift: bool,
    retired: bool,
) -> (u32, u32, Vec<LineFlag>) {
    let mut flags = vec![];
    let (cases, units) = match case_size.filter(|&c| c > 0) {
        Some(case) => {
            if !quantity.is_multiple_of(case) {
                flags.push(LineFlag::NotWholeCases);
            }
            (quantity / case, quantity % case)
        }
        None => (0, quantity),
    };
    if !gift && expected.is_some_and(|l| l != unit_price) {
        flags.push(LineFlag::PriceDiffers);
    }
    if retired {
        flags.push(LineFlag::Retired);
    }
    (cases, units, flags)
}

// ------------------------------------------------------------------ capture

struct Priced {
    lines: Vec<OrderLine>,
    total: i64,
}

fn text(field: &str, value: Option<&str>, problems: &mut Vec<FieldProblem>) -> Option<String> {
    crate::text::optional(field, value, MAX_TEXT, problems)
}

/// The customer's channel type and grade (what prices depend on).
fn customer_terms(conn: &Connection, customer: &str) -> Result<(Option<String>, Option<String>)> {
    conn.prepare_cached("SELECT channel_type, grade FROM customer WHERE id = ?1")?
        .query_row([customer], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .ok_or_else(|| Error::NotFound { what: "customer", id: customer.to_string() })
}

/// Prices and checks the lines: every problem found, not the first.
fn price_lines(
    conn: &Connection,
    customer: &str,
    lines: &[OrderLineInput],
    day: NaiveDate,
    problems: &mut Vec<FieldProblem>,
) -> Result<Priced> {
    if lines.is_empty() {
        problems.push(FieldProblem::new("lines", ProblemCode::Required, "an order needs at least one line"));
    }
    if lines.len() > MAX_LINES {
        problems.push(FieldProblem::new(
            "lines",
            ProblemCode::TooMany,
            format!("at most {MAX_LINES} lines fit on one order"),
        ));
        return Ok(Priced { lines: vec![], total: 0 });
    }
    let (channel, grade) = customer_terms(conn, customer)?;
    let prices = Prices::load(conn, lines.iter().map(|l| l.product.as_str()))?;
    let offers =
        Offers::load(conn, lines.iter().filter_map(|l| prices.product(&l.product).map(|p| p.id.as_str())), day)?;
    let gifts_of = Prices::load(conn, offers.gift_products())?;
    let mut gifts = vec![];
    let mut out = Priced { lines: Vec::with_capacity(lines.len()), total: 0 };
    for (i, line) in lines.iter().enumerate() {
        let field = format!("lines.{i}");
        let problem = |code: ProblemCode, message: String| {
            let mut p = FieldProblem::new(field.clone(), code, message);
            p.value = Some(line.product.clone());
            p
        };
        let Some(product) = prices.product(&line.product) else {
            problems.push(problem(
                ProblemCode::UnknownProduct,
                format!("there is no product '{}' in the catalogue", line.product.trim()),
            ));
            continue;
        };
        if product.retired {
            problems.push(problem(ProblemCode::Retired, format!("{} is no longer sold", product.name)));
            continue;
        }
        if product.case_size.is_none() && line.cases > 0 {
            problems.push(problem(
                ProblemCode::BadValue,
                format!("{} is not sold by the case: give the number of {}", product.name, product.unit),
            ));
            continue;
        }
        let case = product.case_size.unwrap_or(1).max(1);
        let quantity = line.cases.checked_mul(case).and_then(|q| q.checked_add(line.units)).filter(|&q| q <= MAX_UNITS);
        let Some(quantity) = quantity.filter(|&q| q > 0) else {
            problems.push(problem(
                if quantity.is_none() { ProblemCode::OutOfRange } else { ProblemCode::Required },
                if quantity.is_none() {
                    format!("at most {MAX_UNITS} units of one product fit on a line")
                } else {
                    format!("give how many cases or units of {} are ordered", product.name)
                },
            ));
            continue;
        };
        let quote = prices.quote(&product.id, channel.as_deref(), grade.as_deref(), day);
        let offer = |kind| {
            (!line.gift)
                .then(|| offers.best(kind, &product.id, channel.as_deref(), grade.as_deref(), quantity))
                .flatten()
        };
        // A typed price is the rep's; the list's price gets the promotion's discount.
        let discount = offer(PromotionKind::Discount).filter(|_| line.unit_price.is_none());
        if let Some(gift) = offer(PromotionKind::Gift) {
            gifts.push((gift, quantity));
        }
        let expected = match (quote, discount) {
            (Some(q), Some(d)) => Some(discounted(q.price, d.discount_percent.unwrap_or(0))),
            (q, _) => q.map(|q| q.price),
        };
        let unit_price = if line.gift {
            0
        } else {
            match (line.unit_price, quote) {
                (Some(p), _) if p < 0 => {
                    problems.push(problem(ProblemCode::Negative, "a price cannot be negative".into()));
                    continue;
                }
                (Some(p), Some(q)) if q.floor.is_some_and(|f| p < f) => {
                    problems.push(problem(
                        ProblemCode::BelowFloor,
                        format!(
                            "{} may not be sold below {} fen a {} (head office's floor)",
                            product.name,
                            q.floor.unwrap_or(0),
                            product.unit
                        ),
                    ));
                    continue;
                }
                (Some(p), _) => p,
                (None, Some(_)) => expected.unwrap_or(0),
                (None, None) => {
                    problems.push(problem(
                        ProblemCode::NoPrice,
                        format!("{} has no price for this customer: type the agreed price", product.name),
                    ));
                    continue;
                }
            }
        };
        let Some(amount) = i64::from(quantity).checked_mul(unit_price) else {
            problems.push(problem(ProblemCode::OutOfRange, "the line's amount is too large".into()));
            continue;
        };
        out.total = out.total.saturating_add(amount);
        let priced = Pricing { unit_price, list_price: quote.map(|q| q.price), expected, gift: line.gift };
        out.lines.push(typed_line(product, i, quantity, priced, discount));
    }
    // The promotions' gifts, after the lines that earned them.
    for (k, (offer, bought)) in gifts.into_iter().enumerate() {
        let Some(product) = offer.gift_product_id.as_deref().and_then(|g| gifts_of.product(g)).filter(|p| !p.retired)
        else {
            continue;
        };
        let quantity = offer.gift_for(bought).min(MAX_UNITS);
        let free = Pricing { unit_price: 0, list_price: None, expected: None, gift: true };
        out.lines.push(typed_line(product, lines.len() + k, quantity, free, Some(offer)));
    }
    Ok(out)
}

/// What a line being typed costs: its price, the list's, the price the
/// review expects (the list's or its promotion's), and whether it is free.
#[derive(Clone, Copy)]
struct Pricing {
    unit_price: i64,
    list_price: Option<i64>,
    expected: Option<i64>,
    gift: bool,
}

/// A line being typed, as the quote shows it and the order saves it.
fn typed_line(
    product: &OrderProduct,
    position: usize,
    quantity: u32,
    p: Pricing,
    promotion: Option<&super::promotion::Offer>,
) -> OrderLine {
    let (cases, units, flags) = line_view(product.case_size, quantity, p.unit_price, p.expected, p.gift, false);
    OrderLine {
        id: String::new(),
        position: u32::try_from(position).unwrap_or(u32::MAX),
        product_id: product.id.clone(),
        product_code: product.code.clone(),
        product_name: product.name.clone(),
        unit: product.unit.clone(),
        case_size: product.case_size,
        quantity,
        cases,
        units,
        unit_price: p.unit_price,
        list_price: p.list_price,
        amount: i64::from(quantity) * p.unit_price,
        gift: p.gift,
        promotion_id: promotion.map(|o| o.id.clone()),
        promotion: promotion.map(|o| o.name.clone()),
        flags,
        shipped: 0,
        cancelled: 0,
        backorder: 0,
    }
}

/// An address as the order and the shipping list print it.
const ADDRESS_TEXT: &str = "coalesce(province, '') || coalesce(city, '') || coalesce(district, '') || detail";
/// The card's addresses in the order an order offers them: the first is the
/// one an order goes to when nothing else is chosen.
const ADDRESS_ORDER: &str = "kind = 'delivery' DESC, kind = 'warehouse' DESC, kind = 'business' DESC, created_at, id";

/// One of the card's addresses an order can go to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryAddress {
    pub id: String,
    /// `business`, `registered`, `warehouse`, `delivery` (the card's address kinds).
    pub kind: String,
    pub text: String,
}

/// The card's addresses an order may go to, the default first.
pub fn delivery_addresses(conn: &Connection, viewer: &Viewer, customer: &str) -> Result<Vec<DeliveryAddress>> {
    require_customer(conn, viewer, customer)?;
    let rows = conn
        .prepare_cached(&format!(
            "SELECT id, kind, {ADDRESS_TEXT} FROM customer_address WHERE customer_id = ?1 ORDER BY {ADDRESS_ORDER}"
        ))?
        .query_map([customer], |r| Ok(DeliveryAddress { id: r.get(0)?, kind: r.get(1)?, text: r.get(2)? }))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// The delivery address: one of the card's, a typed one, or the card's own.
fn delivery(
    conn: &Connection,
    customer: &str,
    input: &OrderInput,
    problems: &mut Vec<FieldProblem>,
) -> Result<(Option<String>, String)> {
    if let Some(id) = input.address_id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let found: Option<(String, String)> = conn
            .prepare_cached(&format!("SELECT customer_id, {ADDRESS_TEXT} FROM customer_address WHERE id = ?1"))?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        return Ok(match found {
            Some((owner, text)) if owner == customer => (Some(id.to_string()), text),
            _ => {
                problems.push(FieldProblem::new(
                    "addressId",
                    ProblemCode::OtherCustomersAddress,
                    "this address is not one of this customer's: choose one of the card's addresses",
                ));
                (None, String::new())
            }
        });
    }
    if let Some(typed) = text("deliveryAddress", input.delivery_address.as_deref(), problems) {
        return Ok((None, typed));
    }
    let own: Option<(String, String)> = conn
        .prepare_cached(&format!(
            "SELECT id, {ADDRESS_TEXT} FROM customer_address WHERE customer_id = ?1 ORDER BY {ADDRESS_ORDER} LIMIT 1"
        ))?
        .query_row([customer], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    Ok(match own {
        Some((id, text)) => (Some(id), text),
        None => {
            problems.push(FieldProblem::new(
                "deliveryAddress",
                ProblemCode::AddressNeeded,
                "the card has no address: type where the goods go",
            ));
            (None, String::new())
        }
    })
}

fn require_customer(conn: &Connection, viewer: &Viewer, customer: &str) -> Result<()> {
    if viewer.sees_customer(conn, customer)? {
        Ok(())
    } else {
        Err(Error::Forbidden(
            "this customer is not yours: take orders only for customers of your own part of the organisation".into(),
        ))
    }
}

/// Prices and checks an order as typed, with the customer's credit; saves nothing.
pub fn quote(
    conn: &Connection,
    viewer: &Viewer,
    input: &OrderInput,
    order: Option<OrderId>,
    zone: Zone,
    now: DateTime<Utc>,
) -> Result<OrderQuote> {
    let customer = input.customer_id.to_string();
    require_customer(conn, viewer, &customer)?;
    let today = zone.day(now);
    let mut problems = vec![];
    let priced = price_lines(conn, &customer, &input.lines, today, &mut problems)?;
    delivery(conn, &customer, input, &mut problems)?;
    wanted_on(input, today, &mut problems);
    let order = order.map(|o| o.to_string());
    let credit = credit::check(conn, &customer, order.as_deref(), priced.total, input.payment_kind, today)?;
    Ok(OrderQuote { lines: priced.lines, total: priced.total, credit, problems })
}

fn wanted_on(input: &OrderInput, today: NaiveDate, problems: &mut Vec<FieldProblem>) -> Option<NaiveDate> {
    let text = input.wanted_on.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
    let day = crate::clock::day("wantedOn", text, problems)?;
    if day < today {
        problems.push(FieldProblem::new(
            "wantedOn",
            ProblemCode::BeforeToday,
            format!("{day} has passed: the goods can be wanted from today ({today}) on"),
        ));
        return None;
    }
    Some(day)
}

/// Checks and prices `input` and writes it as order `id` (new, or replacing
/// the lines of a draft), with the credit check's verdict.
fn save(
    tx: &Transaction<'_>,
    viewer: &Viewer,
    id: OrderId,
    input: &OrderInput,
    zone: Zone,
    now: DateTime<Utc>,
    created: bool,
) -> Result<()> {
    let customer = input.customer_id.to_string();
    let today = zone.day(now);
    let mut problems = vec![];
    let priced = price_lines(tx, &customer, &input.lines, today, &mut problems)?;
    let (address_id, address) = delivery(tx, &customer, input, &mut problems)?;
    let wanted = wanted_on(input, today, &mut problems);
    let notes = text("notes", input.notes.as_deref(), &mut problems);
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let check = credit::check(tx, &customer, Some(&id.to_string()), priced.total, input.payment_kind, today)?;
    let reasons = (!check.reasons.is_empty())
        .then(|| serde_json::to_string(&check.reasons))
        .transpose()
        .map_err(|e| Error::Forbidden(e.to_string()))?;
    let status = if input.submit { OrderStatus::Submitted } else { OrderStatus::Draft };
    let at = timestamp(now);
    let number = (viewer.role == StaffRole::HeadOffice && created).then(|| next_number(tx)).transpose()?;
    if created {
        tx.prepare_cached(
            "INSERT INTO sales_order (id, customer_id, number, author_id, status, payment_kind, address_id, delivery_address,
                                      wanted_on, notes, total, credit_hold, hold_reasons, submitted_at, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?15)",
        )?
        .execute(params![
            id, customer, number, viewer.staff, status, input.payment_kind, address_id, address,
            wanted.map(|d| d.to_string()), notes, priced.total, check.hold, reasons,
            input.submit.then_some(&at), at
        ])?;
    } else {
        tx.prepare_cached(
            "UPDATE sales_order SET status = ?2, payment_kind = ?3, address_id = ?4, delivery_address = ?5, wanted_on = ?6,
                    notes = ?7, total = ?8, credit_hold = ?9, hold_reasons = ?10,
                    hold_released_by = NULL, hold_released_at = NULL, hold_release_reason = NULL,
                    submitted_at = CASE WHEN ?11 THEN ?12 ELSE submitted_at END, updated_at = ?12
              WHERE id = ?1",
        )?
        .execute(params![
            id, status, input.payment_kind, address_id, address, wanted.map(|d| d.to_string()), notes,
            priced.total, check.hold, reasons, input.submit, at
        ])?;
        tx.prepare_cached("DELETE FROM order_line WHERE order_id = ?1")?.execute([id])?;
    }
    let mut insert = tx.prepare_cached(
        "INSERT INTO order_line (id, order_id, customer_id, position, product_id, quantity, unit_price, list_price, amount, gift,
                                 promotion_id, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12)",
    )?;
    for line in &priced.lines {
        insert.execute(params![
            OrderLineId::new(),
            id,
            customer,
            line.position,
            line.product_id,
            line.quantity,
            line.unit_price,
            line.list_price,
            line.amount,
            line.gift,
            line.promotion_id,
            at
        ])?;
    }
    Ok(())
}

/// Captures a new order (a draft, or submitted at once).
pub fn create(
    tx: &Transaction<'_>,
    viewer: &Viewer,
    input: &OrderInput,
    zone: Zone,
    now: DateTime<Utc>,
) -> Result<OrderId> {
    let customer = input.customer_id.to_string();
    require_customer(tx, viewer, &customer)?;
    let status = if input.submit { OrderStatus::Submitted } else { OrderStatus::Draft };
    refuse(Who { role: viewer.role, is_author: true }, None, "sales_order", "*", Some(status))?;
    let id = OrderId::new();
    save(tx, viewer, id, input, zone, now, true)?;
    Ok(id)
}

/// The author rewrites a draft or returned order (and may submit it).
pub fn update(
    tx: &Transaction<'_>,
    viewer: &Viewer,
    id: OrderId,
    input: &OrderInput,
    zone: Zone,
    now: DateTime<Utc>,
) -> Result<()> {
    let row = head(tx, id)?;
    require_customer(tx, viewer, &row.customer)?;
    if row.customer != input.customer_id.to_string() {
        return Err(Error::Invalid(vec![FieldProblem::new(
            "customerId",
            ProblemCode::ReadOnly,
            "an order keeps its customer: capture a new order for another",
        )]));
    }
    let who = who(viewer, &row);
    refuse(who, Some(row.status), "order_line", "*", None)?;
    if input.submit {
        refuse(who, Some(row.status), "sales_order", "status", Some(OrderStatus::Submitted))?;
    }
    save(tx, viewer, id, input, zone, now, false)
}

/// The order's status, customer and author.
struct Head {
    status: OrderStatus,
    customer: String,
    author: String,
    credit_hold: bool,
}

fn head(conn: &Connection, id: OrderId) -> Result<Head> {
    conn.prepare_cached("SELECT status, customer_id, author_id, credit_hold FROM sales_order WHERE id = ?1")?
        .query_row([id], |r| {
            Ok(Head { status: r.get(0)?, customer: r.get(1)?, author: r.get(2)?, credit_hold: r.get(3)? })
        })
        .optional()?
        .ok_or_else(|| Error::NotFound { what: "order", id: id.to_string() })
}

fn who(viewer: &Viewer, head: &Head) -> Who {
    Who { role: viewer.role, is_author: head.author == viewer.staff.to_string() }
}

fn reason(field: &str, value: Option<&str>) -> Result<String> {
    let mut problems = vec![];
    match text(field, value, &mut problems) {
        Some(r) => Ok(r),
        None if problems.is_empty() => Err(Error::Invalid(vec![FieldProblem::new(
            field,
            ProblemCode::ReasonNeeded,
            "say why: the rep sees the reason",
        )])),
        None => Err(Error::Invalid(problems)),
    }
}

/// What a review note records.
#[derive(Clone, Copy)]
struct NoteText<'a> {
    what: &'a str,
    old: Option<&'a str>,
    new: Option<&'a str>,
    reason: Option<&'a str>,
}

fn note(tx: &Transaction<'_>, id: OrderId, head: &Head, viewer: &Viewer, at: &str, n: NoteText<'_>) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO order_note (id, order_id, customer_id, staff_id, at, what, old_value, new_value, reason, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?5)",
    )?
    .execute(params![uuid::Uuid::now_v7().to_string(), id, head.customer, viewer.staff, at, n.what, n.old, n.new, n.reason])?;
    Ok(())
}

/// A status change: submit, withdraw or cancel, approve, return.
pub fn set_status(
    tx: &Transaction<'_>,
    viewer: &Viewer,
    id: OrderId,
    to: OrderStatus,
    why: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    let row = head(tx, id)?;
    require_customer(tx, viewer, &row.customer)?;
    let who = who(viewer, &row);
    let allowed_from: &[OrderStatus] = match to {
        OrderStatus::Submitted => &[OrderStatus::Draft, OrderStatus::Returned],
        OrderStatus::Approved | OrderStatus::Returned => &[OrderStatus::Submitted],
        OrderStatus::Cancelled => {
            &[OrderStatus::Draft, OrderStatus::Returned, OrderStatus::Submitted, OrderStatus::Approved]
        }
        OrderStatus::Draft => &[],
    };
    if !allowed_from.contains(&row.status) {
        return Err(Error::Invalid(vec![FieldProblem::new(
            "status",
            ProblemCode::BadStatusChange,
            format!("an order that is {} cannot become {}", row.status, to),
        )]));
    }
    refuse(who, Some(row.status), "sales_order", "status", Some(to))?;
    if to == OrderStatus::Approved && row.credit_hold {
        return Err(Error::Invalid(vec![FieldProblem::new(
            "creditHold",
            ProblemCode::OnHold,
            "the order is on credit hold: release the hold (with a reason) before approving it",
        )]));
    }
    let at = timestamp(now);
    let why = match to {
        OrderStatus::Returned => Some(reason("reason", why)?),
        OrderStatus::Cancelled if !who.is_author || row.status == OrderStatus::Approved => Some(reason("reason", why)?),
        _ => {
            let mut problems = vec![];
            let r = text("reason", why, &mut problems);
            if !problems.is_empty() {
                return Err(Error::Invalid(problems));
            }
            r
        }
    };
    tx.prepare_cached(
        "UPDATE sales_order SET status = ?2, updated_at = ?3,
                submitted_at = CASE WHEN ?2 = 'submitted' THEN ?3 ELSE submitted_at END,
                reviewed_by = CASE WHEN ?2 IN ('approved', 'returned') THEN ?4 ELSE reviewed_by END,
                reviewed_at = CASE WHEN ?2 IN ('approved', 'returned') THEN ?3 ELSE reviewed_at END,
                return_reason = CASE WHEN ?2 = 'returned' THEN ?5 ELSE return_reason END,
                cancel_reason = CASE WHEN ?2 = 'cancelled' THEN ?5 ELSE cancel_reason END
          WHERE id = ?1",
    )?
    .execute(params![id, to, at, viewer.staff, why])?;
    if who.reviews() && !who.is_author {
        let n =
            NoteText { what: "status", old: Some(row.status.as_str()), new: Some(to.as_str()), reason: why.as_deref() };
        note(tx, id, &row, viewer, &at, n)?;
    }
    if viewer.role == StaffRole::HeadOffice {
        let missing: bool =
            tx.prepare_cached("SELECT number IS NULL FROM sales_order WHERE id = ?1")?.query_row([id], |r| r.get(0))?;
        if missing {
            let number = next_number(tx)?;
            tx.prepare_cached("UPDATE sales_order SET number = ?2 WHERE id = ?1")?.execute(params![id, number])?;
        }
    }
    Ok(())
}

/// A correction of one line: its quantity (units) and/or price, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LineCorrection {
    pub line: String,
    #[serde(default)]
    #[ts(optional)]
    pub quantity: Option<u32>,
    #[serde(default)]
    #[ts(optional, type = "number")]
    pub unit_price: Option<i64>,
    #[serde(default)]
    #[ts(optional)]
    pub reason: Option<String>,
}

/// Sales administration corrects a line of a submitted order: its quantity
/// (units) and/or its price, with the reason the rep will read.
pub fn correct_line(
    tx: &Transaction<'_>,
    viewer: &Viewer,
    id: OrderId,
    correction: &LineCorrection,
    now: DateTime<Utc>,
) -> Result<()> {
    let LineCorrection { line, quantity, unit_price, reason: why } = correction;
    let (line, quantity, unit_price, why) = (line.as_str(), *quantity, *unit_price, why.as_deref());
    let row = head(tx, id)?;
    require_customer(tx, viewer, &row.customer)?;
    refuse(who(viewer, &row), Some(row.status), "order_line", "quantity", None)?;
    if row.status != OrderStatus::Submitted {
        return Err(Error::Invalid(vec![FieldProblem::new(
            "status",
            ProblemCode::NotSubmitted,
            "only a submitted order is corrected: approve or return it otherwise",
        )]));
    }
    let why = reason("reason", why)?;
    let found: Option<(u32, i64, String)> = tx
        .prepare_cached("SELECT l.quantity, l.unit_price, p.name FROM order_line l JOIN product p ON p.id = l.product_id WHERE l.id = ?1 AND l.order_id = ?2")?
        .query_row(params![line, id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let Some((old_quantity, old_price, name)) = found else {
        return Err(Error::NotFound { what: "order line", id: line.to_string() });
    };
    let quantity = quantity.unwrap_or(old_quantity);
    let price = unit_price.unwrap_or(old_price);
    let mut problems = vec![];
    if quantity == 0 || quantity > MAX_UNITS {
        problems.push(FieldProblem::new(
            "quantity",
            ProblemCode::OutOfRange,
            format!("a line holds 1 to {MAX_UNITS} units"),
        ));
    }
    if price < 0 {
        problems.push(FieldProblem::new("unitPrice", ProblemCode::Negative, "a price cannot be negative"));
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let at = timestamp(now);
    tx.prepare_cached(
        "UPDATE order_line SET quantity = ?2, unit_price = ?3, amount = ?2 * ?3, updated_at = ?4 WHERE id = ?1",
    )?
    .execute(params![line, quantity, price, at])?;
    tx.prepare_cached(
        "UPDATE sales_order SET total = (SELECT coalesce(sum(amount), 0) FROM order_line WHERE order_id = ?1), updated_at = ?2 WHERE id = ?1",
    )?
    .execute(params![id, at])?;
    if quantity != old_quantity {
        let what = format!("quantity:{name}");
        let (was, is) = (old_quantity.to_string(), quantity.to_string());
        note(tx, id, &row, viewer, &at, NoteText { what: &what, old: Some(&was), new: Some(&is), reason: Some(&why) })?;
    }
    if price != old_price {
        let what = format!("price:{name}");
        let (was, is) = (old_price.to_string(), price.to_string());
        note(tx, id, &row, viewer, &at, NoteText { what: &what, old: Some(&was), new: Some(&is), reason: Some(&why) })?;
    }
    Ok(())
}

/// A manager or head office releases an order's credit hold, saying why.
pub fn release_hold(
    tx: &Transaction<'_>,
    viewer: &Viewer,
    id: OrderId,
    why: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    let row = head(tx, id)?;
    require_customer(tx, viewer, &row.customer)?;
    let who = who(viewer, &row);
    if !who.releases() {
        return Err(Error::Invalid(vec![FieldProblem::new(
            "creditHold",
            ProblemCode::ReleaseByManager,
            "a credit hold is released by a manager or head office",
        )]));
    }
    if !row.credit_hold {
        return Err(Error::Invalid(vec![FieldProblem::new(
            "creditHold",
            ProblemCode::NotOnHold,
            "this order is not on hold",
        )]));
    }
    refuse(who, Some(row.status), "sales_order", "credit_hold", None)?;
    let why = reason("reason", why)?;
    let at = timestamp(now);
    tx.prepare_cached(
        "UPDATE sales_order SET credit_hold = 0, hold_released_by = ?2, hold_released_at = ?3, hold_release_reason = ?4, updated_at = ?3 WHERE id = ?1",
    )?
    .execute(params![id, viewer.staff, at, why])?;
    note(tx, id, &row, viewer, &at, NoteText { what: "hold", old: Some("1"), new: Some("0"), reason: Some(&why) })?;
    Ok(())
}

// ------------------------------------------------------------------ numbers

/// The next order number of head office's series (`SO00000001` …).
pub fn next_number(conn: &Connection) -> Result<String> {
    // The highest of the series through the index on numbers (a range, newest first).
    let highest: Option<String> = conn
        .prepare_cached(
            "SELECT number FROM sales_order
              WHERE number BETWEEN 'SO00000000' AND 'SO99999999' AND number GLOB 'SO[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]'
              ORDER BY number DESC LIMIT 1",
        )?
        .query_row([], |r| r.get(0))
        .optional()?;
    let n = highest.and_then(|h| h[2..].parse::<u32>().ok()).unwrap_or(0);
    Ok(format!("SO{:08}", n + 1))
}

/// Head office numbers the orders of a merged file that have none yet.
pub fn number_missing(tx: &Transaction<'_>, orders: &[String], now: DateTime<Utc>) -> Result<usize> {
    let mut given = 0;
    let at = timestamp(now);
    for id in orders {
        let missing: Option<bool> = tx
            .prepare_cached("SELECT number IS NULL FROM sales_order WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?;
        if missing == Some(true) {
            let number = next_number(tx)?;
            tx.prepare_cached("UPDATE sales_order SET number = ?2, updated_at = ?3 WHERE id = ?1")?
                .execute(params![id, number, at])?;
            given += 1;
        }
    }
    Ok(given)
}

/// Head office runs the credit check again on the submitted orders of a
/// merged file that arrived without a hold: the laptop checked against what
/// it had, head office knows of invoices and payments the laptop has not
/// received yet. An order the check now holds is put on hold with its
/// reasons and a note the rep reads; a hold the laptop set, or one released,
/// is left as it is. Returns how many orders it held.
pub fn recheck_arrivals(
    tx: &Transaction<'_>,
    orders: &[String],
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<usize> {
    if orders.is_empty() {
        return Ok(0);
    }
    let viewer = Viewer::of(tx)?;
    let at = timestamp(now);
    let mut held = 0;
    for id in orders {
        let row: Option<(String, i64, PaymentKind)> = tx
            .prepare_cached(
                "SELECT customer_id, total, payment_kind FROM sales_order
                  WHERE id = ?1 AND status = 'submitted' AND NOT credit_hold AND hold_released_by IS NULL",
            )?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        let Some((customer, total, kind)) = row else { continue };
        let check = credit::check(tx, &customer, Some(id), total, kind, today)?;
        if !check.hold {
            continue;
        }
        let reasons = serde_json::to_string(&check.reasons).map_err(|e| Error::Forbidden(e.to_string()))?;
        tx.prepare_cached("UPDATE sales_order SET credit_hold = 1, hold_reasons = ?2, updated_at = ?3 WHERE id = ?1")?
            .execute(params![id, reasons, at])?;
        let order: OrderId = id.parse().map_err(|_| Error::NotFound { what: "order", id: id.clone() })?;
        let row = head(tx, order)?;
        note(tx, order, &row, &viewer, &at, NoteText { what: "hold", old: Some("0"), new: Some("1"), reason: None })?;
        held += 1;
    }
    Ok(held)
}

// -------------------------------------------------------------------- reads

/// Which orders a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum OrderView {
    /// The orders this person captured.
    Mine,
    /// Submitted, waiting for sales administration.
    Review,
    /// On credit hold, not yet approved or cancelled.
    Hold,
    /// Approved and not all shipped by the third office work day after approval.
    Late,
    /// Approved, partly shipped, something still lacking (欠货).
    Backorders,
    /// Approved and not all shipped: the warehouse's list, oldest approval first.
    ToShip,
    /// Every order this person sees.
    All,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OrderQuery {
    pub view: OrderView,
    #[serde(default)]
    #[ts(optional)]
    pub customer_id: Option<CustomerId>,
    #[serde(default)]
    #[ts(optional)]
    pub limit: Option<u32>,
}

/// A row of an order list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OrderRow {
    pub id: OrderId,
    pub number: Option<String>,
    pub customer_id: String,
    pub customer_name: String,
    pub author_name: String,
    pub status: OrderStatus,
    pub payment_kind: PaymentKind,
    #[ts(type = "number")]
    pub total: i64,
    pub lines: u32,
    pub credit_hold: bool,
    pub wanted_on: Option<String>,
    pub submitted_at: Option<String>,
    pub created_at: String,
    /// Approved orders: how far they have gone out, the day they must be out
    /// by (the third office work day after approval), and whether late.
    pub shipping: Option<ShippingState>,
    pub ship_by: Option<String>,
    pub late: bool,
}

/// Most rows one list returns.
pub const MAX_ROWS: u32 = 5_000;

pub fn list(
    conn: &Connection,
    viewer: &Viewer,
    query: &OrderQuery,
    zone: Zone,
    today: NaiveDate,
) -> Result<Vec<OrderRow>> {
    let condition = match query.view {
        OrderView::Mine => "o.author_id = ?1",
        OrderView::Review => "o.status = 'submitted'",
        OrderView::Hold => "o.credit_hold = 1 AND o.status IN ('draft', 'submitted', 'returned')",
        OrderView::Late | OrderView::Backorders | OrderView::ToShip => "o.status = 'approved'",
        OrderView::All => "1",
    };
    let sql = format!(
        "SELECT o.id, o.number, o.customer_id, c.name, coalesce(s.name, ''), o.status, o.payment_kind, o.total,
                (SELECT count(*) FROM order_line l WHERE l.order_id = o.id), o.credit_hold, o.wanted_on, o.submitted_at,
                o.created_at, c.owner_id, c.territory_id, o.reviewed_at,
                (SELECT coalesce(sum(l.quantity - l.cancelled), 0) FROM order_line l WHERE l.order_id = o.id),
                (SELECT coalesce(sum(s.quantity), 0) FROM shipment_line s JOIN order_line l ON l.id = s.order_line_id
                  WHERE l.order_id = o.id)
           FROM sales_order o JOIN customer c ON c.id = o.customer_id LEFT JOIN staff s ON s.id = o.author_id
          WHERE {condition} AND (?2 IS NULL OR o.customer_id = ?2)
          ORDER BY {} ",
        match query.view {
            OrderView::Review => "o.submitted_at, o.id",
            OrderView::ToShip => "o.reviewed_at, o.id",
            _ => "o.created_at DESC, o.id DESC",
        }
    );
    let limit = query.limit.unwrap_or(MAX_ROWS).min(MAX_ROWS) as usize;
    let me = viewer.staff.to_string();
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(params![me, query.customer_id])?;
    let mut out = vec![];
    while let Some(r) = rows.next()? {
        let (owner, territory): (String, String) = (r.get(13)?, r.get(14)?);
        if !viewer.holds(&owner, &territory) {
            continue;
        }
        let status: OrderStatus = r.get(5)?;
        // The order's lines as one: units due (ordered − cancelled) and shipped.
        let units = shipping::LineUnits { ordered: r.get(16)?, shipped: r.get(17)?, cancelled: 0 };
        let shipping = (status == OrderStatus::Approved).then(|| shipping::state([units]));
        let approved =
            r.get::<_, Option<String>>(15)?.as_deref().and_then(crate::clock::parse_timestamp).map(|at| zone.day(at));
        let ship_by = approved.filter(|_| shipping.is_some()).map(shipping::ship_by);
        let late = shipping.is_some_and(|s| s != ShippingState::Shipped) && ship_by.is_some_and(|by| today > by);
        let wanted = match query.view {
            OrderView::Late => late,
            OrderView::Backorders => shipping == Some(ShippingState::Partly),
            OrderView::ToShip => shipping.is_some_and(|s| s != ShippingState::Shipped),
            _ => true,
        };
        if !wanted {
            continue;
        }
        out.push(OrderRow {
            id: r.get(0)?,
            number: r.get(1)?,
            customer_id: r.get(2)?,
            customer_name: r.get(3)?,
            author_name: r.get(4)?,
            status,
            payment_kind: r.get(6)?,
            total: r.get(7)?,
            lines: r.get(8)?,
            credit_hold: r.get(9)?,
            wanted_on: r.get(10)?,
            submitted_at: r.get(11)?,
            created_at: r.get(12)?,
            shipping,
            ship_by: ship_by.map(|d| d.to_string()),
            late,
        });
        if out.len() >= limit {
            break;
        }
    }
    Ok(out)
}

/// One order with its lines, their flags and what was changed in review.
pub fn get(conn: &Connection, viewer: &Viewer, id: OrderId, zone: Zone, today: NaiveDate) -> Result<Order> {
    let row = head(conn, id)?;
    require_customer(conn, viewer, &row.customer)?;
    let mut order = conn
        .prepare_cached(
            "SELECT o.number, o.customer_id, c.name, o.author_id, coalesce(a.name, ''), o.status, o.payment_kind, o.address_id,
                    o.delivery_address, o.wanted_on, o.notes, o.total, o.credit_hold, o.hold_reasons,
                    (SELECT name FROM staff WHERE id = o.hold_released_by), o.hold_released_at, o.hold_release_reason,
                    o.submitted_at, (SELECT name FROM staff WHERE id = o.reviewed_by), o.reviewed_at, o.return_reason,
                    o.cancel_reason, o.created_at, o.updated_at
               FROM sales_order o JOIN customer c ON c.id = o.customer_id LEFT JOIN staff a ON a.id = o.author_id
              WHERE o.id = ?1",
        )?
        .query_row([id], |r| {
            let reasons: Option<String> = r.get(13)?;
            Ok(Order {
                id,
                number: r.get(0)?,
                customer_id: r.get(1)?,
                customer_name: r.get(2)?,
                author_id: r.get(3)?,
                author_name: r.get(4)?,
                status: r.get(5)?,
                payment_kind: r.get(6)?,
                address_id: r.get(7)?,
                delivery_address: r.get(8)?,
                wanted_on: r.get(9)?,
                notes: r.get(10)?,
                total: r.get(11)?,
                credit_hold: r.get(12)?,
                hold_reasons: reasons.and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default(),
                hold_released_by: r.get(14)?,
                hold_released_at: r.get(15)?,
                hold_release_reason: r.get(16)?,
                submitted_at: r.get(17)?,
                reviewed_by: r.get(18)?,
                reviewed_at: r.get(19)?,
                return_reason: r.get(20)?,
                cancel_reason: r.get(21)?,
                created_at: r.get(22)?,
                updated_at: r.get(23)?,
                lines: vec![],
                history: vec![],
                shipments: vec![],
                shipping: None,
                ship_by: None,
                late: false,
                can_edit: false,
                can_cancel: false,
                can_review: false,
                can_release: false,
                can_ship: false,
            })
        })?;
    let mut stmt = conn.prepare_cached(
        "SELECT l.id, l.position, l.product_id, p.code, p.name, p.unit, p.case_size, l.quantity, l.unit_price, l.list_price,
                l.amount, l.gift, p.retired, l.cancelled,
                (SELECT coalesce(sum(s.quantity), 0) FROM shipment_line s WHERE s.order_line_id = l.id),
                l.promotion_id, m.name, m.discount_percent
           FROM order_line l JOIN product p ON p.id = l.product_id LEFT JOIN promotion m ON m.id = l.promotion_id
          WHERE l.order_id = ?1 ORDER BY l.position, l.id",
    )?;
    order.lines = stmt
        .query_map([id], |r| {
            let case_size: Option<u32> = r.get(6)?;
            let quantity: u32 = r.get(7)?;
            let unit_price: i64 = r.get(8)?;
            let list_price: Option<i64> = r.get(9)?;
            let gift: bool = r.get(11)?;
            // A discount of a promotion is judged against the promotion's price.
            let percent: Option<u32> = r.get(17)?;
            let expected = list_price.map(|l| percent.map_or(l, |p| discounted(l, p)));
            let (cases, units, flags) = line_view(case_size, quantity, unit_price, expected, gift, r.get(12)?);
            Ok(OrderLine {
                id: r.get(0)?,
                position: r.get(1)?,
                product_id: r.get(2)?,
                product_code: r.get(3)?,
                product_name: r.get(4)?,
                unit: r.get(5)?,
                case_size,
                quantity,
                cases,
                units,
                unit_price,
                list_price,
                amount: r.get(10)?,
                gift,
                promotion_id: r.get(15)?,
                promotion: r.get(16)?,
                flags,
                cancelled: r.get(13)?,
                shipped: r.get(14)?,
                backorder: 0,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut stmt = conn.prepare_cached(
        "SELECT n.at, coalesce(s.name, ''), n.what, n.old_value, n.new_value, n.reason
           FROM order_note n LEFT JOIN staff s ON s.id = n.staff_id WHERE n.order_id = ?1 ORDER BY n.at, n.id",
    )?;
    order.history = stmt
        .query_map([id], |r| {
            Ok(OrderNote {
                at: r.get(0)?,
                staff_name: r.get(1)?,
                what: r.get(2)?,
                old_value: r.get(3)?,
                new_value: r.get(4)?,
                reason: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    if row.status == OrderStatus::Approved {
        let units =
            |l: &OrderLine| shipping::LineUnits { ordered: l.quantity, shipped: l.shipped, cancelled: l.cancelled };
        for line in &mut order.lines {
            line.backorder = units(line).outstanding();
        }
        let lacking = order.lines.iter().any(|l| l.backorder > 0);
        order.shipping = Some(shipping::state(order.lines.iter().map(units)));
        let approved = order.reviewed_at.as_deref().and_then(crate::clock::parse_timestamp).map(|at| zone.day(at));
        if let Some(approved) = approved {
            let by = shipping::ship_by(approved);
            order.ship_by = Some(by.to_string());
            order.late = lacking && today > by;
        }
    }
    order.shipments = shipping::shipments(conn, id)?;
    let who = who(viewer, &row);
    // The author's: sales administration changes others' orders by review (`can_review`).
    order.can_edit = who.is_author
        && matches!(row.status, OrderStatus::Draft | OrderStatus::Returned)
        && may_change(who, Some(row.status), "order_line", "quantity", None).is_ok();
    order.can_cancel = (who.is_author || who.reviews())
        && row.status != OrderStatus::Cancelled
        && may_change(who, Some(row.status), "sales_order", "status", Some(OrderStatus::Cancelled)).is_ok();
    order.can_review = who.reviews() && row.status == OrderStatus::Submitted;
    order.can_ship =
        who.reviews() && row.status == OrderStatus::Approved && order.lines.iter().any(|l| l.backorder > 0);
    order.can_release =
        who.releases() && row.credit_hold && matches!(row.status, OrderStatus::Submitted | OrderStatus::Approved);
    Ok(order)
}

/// Each order's status and author, of the orders with these ids that the book
/// has (what head office's merge judges a file's order changes against).
pub fn statuses(conn: &Connection, ids: &[String]) -> Result<HashMap<String, (OrderStatus, String)>> {
    let mut stmt = conn.prepare_cached("SELECT status, author_id FROM sales_order WHERE id = ?1")?;
    let mut out = HashMap::new();
    for id in ids {
        if let Some(found) = stmt.query_row([id], |r| Ok((r.get(0)?, r.get(1)?))).optional()? {
            out.insert(id.clone(), found);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use OrderStatus::*;

    const REP: Who = Who { role: StaffRole::Rep, is_author: true };
    const OTHER_REP: Who = Who { role: StaffRole::Rep, is_author: false };
    const MANAGER: Who = Who { role: StaffRole::RegionalManager, is_author: false };
    const OFFICE: Who = Who { role: StaffRole::HeadOffice, is_author: false };
    const ADMIN: Who = Who { role: StaffRole::SalesAdmin, is_author: false };

    fn code(r: std::result::Result<(), (ProblemCode, &'static str)>) -> Option<ProblemCode> {
        r.err().map(|e| e.0)
    }

    #[test]
    fn the_author_changes_a_draft_and_submits_it_and_nobody_else_does() {
        assert_eq!(code(may_change(REP, None, "sales_order", "*", Some(Submitted))), None);
        assert_eq!(code(may_change(REP, None, "sales_order", "*", Some(Approved))), Some(ProblemCode::ReviewByOffice));
        assert_eq!(code(may_change(OTHER_REP, None, "sales_order", "*", Some(Draft))), Some(ProblemCode::NotAuthor));
        for state in [Draft, Returned] {
            assert_eq!(code(may_change(REP, Some(state), "order_line", "quantity", None)), None);
            assert_eq!(code(may_change(REP, Some(state), "order_line", "-", None)), None);
            assert_eq!(code(may_change(REP, Some(state), "sales_order", "status", Some(Submitted))), None);
            assert_eq!(
                code(may_change(REP, Some(state), "sales_order", "status", Some(Approved))),
                Some(ProblemCode::ReviewByOffice)
            );
            assert_eq!(
                code(may_change(REP, Some(state), "sales_order", "number", None)),
                Some(ProblemCode::ReviewByOffice)
            );
            assert_eq!(
                code(may_change(OTHER_REP, Some(state), "order_line", "quantity", None)),
                Some(ProblemCode::NotAuthor)
            );
        }
    }

    #[test]
    fn once_submitted_only_sales_administration_changes_it_and_the_author_may_withdraw_it() {
        assert_eq!(
            code(may_change(REP, Some(Submitted), "order_line", "quantity", None)),
            Some(ProblemCode::OrderUnderReview)
        );
        assert_eq!(
            code(may_change(REP, Some(Submitted), "order_line", "unit_price", None)),
            Some(ProblemCode::OrderUnderReview)
        );
        assert_eq!(code(may_change(REP, Some(Submitted), "sales_order", "status", Some(Cancelled))), None);
        assert_eq!(code(may_change(OFFICE, Some(Submitted), "order_line", "quantity", None)), None);
        assert_eq!(code(may_change(OFFICE, Some(Submitted), "sales_order", "status", Some(Approved))), None);
        assert_eq!(
            code(may_change(OFFICE, Some(Submitted), "sales_order", "author_id", None)),
            Some(ProblemCode::ReadOnly)
        );
        for state in [Approved, Cancelled] {
            assert_eq!(
                code(may_change(REP, Some(state), "sales_order", "status", Some(Cancelled))),
                Some(ProblemCode::OrderClosed)
            );
        }
    }

    #[test]
    fn a_new_order_in_a_file_carries_no_review_unless_sales_administration_wrote_it() {
        let values = |extra: serde_json::Value| {
            let mut v = serde_json::json!({ "status": "submitted", "author_id": "r1" });
            v.as_object_mut().expect("object").extend(extra.as_object().expect("object").clone());
            v.as_object().expect("object").clone()
        };
        assert_eq!(code(may_insert(REP, &values(serde_json::json!({})))), None);
        assert_eq!(
            code(may_insert(REP, &values(serde_json::json!({ "reviewed_by": "r1" })))),
            Some(ProblemCode::ReviewByOffice)
        );
        assert_eq!(
            code(may_insert(REP, &values(serde_json::json!({ "hold_released_by": "r1" })))),
            Some(ProblemCode::ReviewByOffice)
        );
        assert_eq!(
            code(may_insert(REP, &values(serde_json::json!({ "status": "approved" })))),
            Some(ProblemCode::ReviewByOffice)
        );
        assert_eq!(code(may_insert(OTHER_REP, &values(serde_json::json!({})))), Some(ProblemCode::NotAuthor));
        // Sales administration reviews orders that exist; it does not send
        // someone else's order in, reviewed or not.
        assert_eq!(
            code(may_insert(ADMIN, &values(serde_json::json!({ "reviewed_by": "boss", "status": "approved" })))),
            Some(ProblemCode::NotAuthor)
        );
        let own = Who { role: StaffRole::SalesAdmin, is_author: true };
        assert_eq!(code(may_insert(own, &values(serde_json::json!({})))), None);
    }

    #[test]
    fn a_review_is_judged_against_the_order_as_it_is_when_it_arrives() {
        for who in [OFFICE, ADMIN] {
            for to in [Approved, Returned, Cancelled] {
                assert_eq!(code(may_change(who, Some(Submitted), "sales_order", "status", Some(to))), None);
            }
            assert_eq!(code(may_change(who, Some(Submitted), "order_line", "quantity", None)), None);
            assert_eq!(code(may_change(who, Some(Submitted), "sales_order", "hold_release_reason", None)), None);
            // Withdrawn by its author, or approved by a colleague, meanwhile.
            assert_eq!(
                code(may_change(who, Some(Cancelled), "sales_order", "status", Some(Approved))),
                Some(ProblemCode::OrderClosed)
            );
            assert_eq!(
                code(may_change(who, Some(Approved), "sales_order", "status", Some(Returned))),
                Some(ProblemCode::OrderClosed)
            );
            assert_eq!(
                code(may_change(who, Some(Approved), "order_line", "quantity", None)),
                Some(ProblemCode::OrderClosed)
            );
            // Returned to its author, or still their draft: theirs until submitted again.
            for state in [Draft, Returned] {
                assert_eq!(
                    code(may_change(who, Some(state), "order_line", "quantity", None)),
                    Some(ProblemCode::NotSubmitted)
                );
            }
            // An approved order's missing goods are cancelled; a submitted one has none yet.
            assert_eq!(code(may_change(who, Some(Approved), "order_line", "cancelled", None)), None);
            assert_eq!(code(may_change(who, Some(Approved), "sales_order", "status", Some(Cancelled))), None);
            assert_eq!(
                code(may_change(who, Some(Submitted), "order_line", "cancelled", None)),
                Some(ProblemCode::NotApproved)
            );
            assert_eq!(code(may_change(who, Some(Submitted), "order_line", "-", None)), Some(ProblemCode::ReadOnly));
        }
    }

    #[test]
    fn review_notes_are_written_by_reviewers_in_their_own_name() {
        assert_eq!(code(may_note(StaffRole::SalesAdmin, true)), None);
        assert_eq!(code(may_note(StaffRole::RegionalManager, true)), None);
        assert_eq!(code(may_note(StaffRole::Rep, true)), Some(ProblemCode::ReviewByOffice));
        assert_eq!(code(may_note(StaffRole::HeadOffice, false)), Some(ProblemCode::NotAuthor));
    }

    #[test]
    fn managers_release_holds_of_submitted_orders_and_reps_never() {
        assert_eq!(code(may_change(MANAGER, Some(Submitted), "sales_order", "credit_hold", None)), None);
        assert_eq!(code(may_change(MANAGER, Some(Submitted), "sales_order", "hold_release_reason", None)), None);
        assert_eq!(
            code(may_change(MANAGER, Some(Draft), "sales_order", "credit_hold", None)),
            Some(ProblemCode::NotAuthor)
        );
        // A manager's own draft carries the hold its credit check set.
        let author = Who { role: StaffRole::RegionalManager, is_author: true };
        assert_eq!(code(may_change(author, Some(Draft), "sales_order", "credit_hold", None)), None);
        assert_eq!(
            code(may_change(MANAGER, Some(Submitted), "order_line", "quantity", None)),
            Some(ProblemCode::NotAuthor)
        );
        assert_eq!(
            code(may_change(REP, Some(Submitted), "sales_order", "credit_hold", None)),
            Some(ProblemCode::OrderUnderReview)
        );
    }
}
