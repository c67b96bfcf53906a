//! The credit check of an order (docs/ORDERS.md "Credit check"): the
//! customer's limit, what they owe and have on order, what is overdue, and
//! whether the order goes on hold and why. An order on hold is still saved:
//! the rep is offline; head office decides.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::statement;
use crate::error::Result;
use crate::model::{HoldReasonKind, PaymentKind};

/// Where a customer's credit limit comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum LimitSource {
    /// Head office set the card's own limit.
    Card,
    /// The card's credit grade.
    Grade,
    /// No credit grade: no credit terms.
    None,
}

/// Why an order is on hold, with the figures that say so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HoldReason {
    pub kind: HoldReasonKind,
    /// `over_limit`: what the customer would owe and have on order with this order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub exposure: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub limit: Option<i64>,
    /// `overdue_debt`: what is overdue, and how many days the oldest is past due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub overdue: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub days: Option<u32>,
}

/// A customer's credit as an order sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CreditCheck {
    pub credit_grade: Option<String>,
    /// Fen; none without credit terms.
    #[ts(type = "number | null")]
    pub limit: Option<i64>,
    pub limit_source: LimitSource,
    /// Invoiced − paid.
    #[ts(type = "number")]
    pub balance: i64,
    #[ts(type = "number")]
    pub overdue: i64,
    pub oldest_days_past_due: u32,
    /// Days past due after which new orders go on hold (the credit grade's).
    pub hold_after_days: u32,
    /// What the customer's other orders, submitted or approved, on credit or
    /// cash, have still to ship (what has shipped is invoiced by the ERP).
    #[ts(type = "number")]
    pub open_orders: i64,
    /// Balance + open orders + this order (orders charged to expenses use no credit).
    #[ts(type = "number")]
    pub exposure: i64,
    /// What is left of the limit after this order (negative: over it).
    #[ts(type = "number | null")]
    pub available: Option<i64>,
    pub hold: bool,
    pub reasons: Vec<HoldReason>,
}

/// The credit grade's limit and hold threshold, or the card's own limit.
struct Terms {
    grade: Option<String>,
    limit: Option<i64>,
    source: LimitSource,
    hold_after_days: u32,
}

/// Days past due after which orders go on hold when the card has no credit grade.
pub const DEFAULT_HOLD_AFTER_DAYS: u32 = 60;

fn terms(conn: &Connection, customer: &str) -> Result<Terms> {
    let row: Option<(Option<String>, Option<i64>, Option<u32>)> = conn
        .prepare_cached(
            "SELECT c.credit_grade, g.credit_limit, g.office_after_days
               FROM customer c LEFT JOIN grade_level g ON g.scale = 'credit' AND g.code = c.credit_grade
              WHERE c.id = ?1",
        )?
        .query_row([customer], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let (grade, grade_limit, hold_after) = row.unwrap_or((None, None, None));
    let own: Option<i64> = conn
        .prepare_cached("SELECT credit_limit FROM credit_override WHERE customer_id = ?1")?
        .query_row([customer], |r| r.get(0))
        .optional()?;
    let (limit, source) = match (own, grade_limit) {
        (Some(own), _) => (Some(own), LimitSource::Card),
        (None, Some(yuan)) => (Some(super::fen(yuan)), LimitSource::Grade),
        (None, None) => (None, LimitSource::None),
    };
    Ok(Terms { grade, limit, source, hold_after_days: hold_after.unwrap_or(DEFAULT_HOLD_AFTER_DAYS) })
}

/// The credit check of an order of `total` fen paid by `kind` for `customer`
/// on `today`; `order` (when it is already saved) is left out of the open orders.
pub fn check(
    conn: &Connection,
    customer: &str,
    order: Option<&str>,
    total: i64,
    kind: PaymentKind,
    today: NaiveDate,
) -> Result<CreditCheck> {
    let terms = terms(conn, customer)?;
    let s = statement::statement(conn, customer, today)?;
    let open_orders: i64 = conn
        .prepare_cached(
            "SELECT coalesce(sum(l.unit_price * (l.quantity - l.cancelled
                        - (SELECT coalesce(sum(s.quantity), 0) FROM shipment_line s WHERE s.order_line_id = l.id))), 0)
               FROM sales_order o JOIN order_line l ON l.order_id = o.id
              WHERE o.customer_id = ?1 AND o.status IN ('submitted', 'approved') AND o.payment_kind != 'expense'
                AND o.id IS NOT ?2",
        )?
        .query_row(rusqlite::params![customer, order], |r| r.get(0))?;
    let uses_credit = kind != PaymentKind::Expense;
    let exposure = s.balance + open_orders + if uses_credit { total } else { 0 };
    let mut reasons = vec![];
    if kind == PaymentKind::Credit {
        match terms.limit {
            None => reasons.push(HoldReason {
                kind: HoldReasonKind::NoCreditTerms,
                exposure: None,
                limit: None,
                overdue: None,
                days: None,
            }),
            Some(limit) if exposure > limit => reasons.push(HoldReason {
                kind: HoldReasonKind::OverLimit,
                exposure: Some(exposure),
                limit: Some(limit),
                overdue: None,
                days: None,
            }),
            Some(_) => {}
        }
    }
    if uses_credit && s.oldest_days_past_due > terms.hold_after_days {
        reasons.push(HoldReason {
            kind: HoldReasonKind::OverdueDebt,
            exposure: None,
            limit: None,
            overdue: Some(s.aging.overdue()),
            days: Some(s.oldest_days_past_due),
        });
    }
    Ok(CreditCheck {
        credit_grade: terms.grade,
        limit: terms.limit,
        limit_source: terms.source,
        balance: s.balance,
        overdue: s.aging.overdue(),
        oldest_days_past_due: s.oldest_days_past_due,
        hold_after_days: terms.hold_after_days,
        open_orders,
        exposure,
        available: terms.limit.map(|l| l - exposure),
        hold: !reasons.is_empty(),
        reasons,
    })
}
