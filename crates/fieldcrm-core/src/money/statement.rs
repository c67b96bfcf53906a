//! A customer's statement (对账单): invoices and payments in date order with
//! the running balance, each invoice's open amount, and the aging of what is
//! open, counted on a business day.
//!
//! Payments are matched to invoices as the ERP's file says
//! (`payment_allocation`), then what is left of each payment, in the order
//! received, to the open invoices due first. What no invoice takes is a
//! credit balance: kept, never lost.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::days_between;
use crate::error::Result;
use crate::model::PaymentKind;

/// An invoice as the statement reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceRow {
    pub id: String,
    pub number: String,
    pub issued_on: NaiveDate,
    pub due_on: NaiveDate,
    pub amount: i64,
}

/// A payment with the invoices its file named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRow {
    pub id: String,
    pub number: String,
    pub paid_on: NaiveDate,
    pub amount: i64,
    pub kind: PaymentKind,
    /// `(invoice id, amount)`.
    pub allocations: Vec<(String, i64)>,
}

/// What is open, by how long past due (fen).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Aging {
    /// Not yet due (due today counts here).
    #[ts(type = "number")]
    pub not_due: i64,
    /// 1–30 days past due.
    #[ts(type = "number")]
    pub up_to_30: i64,
    #[ts(type = "number")]
    pub up_to_60: i64,
    #[ts(type = "number")]
    pub up_to_90: i64,
    /// More than 90 days past due.
    #[ts(type = "number")]
    pub over_90: i64,
}

impl Aging {
    fn add(&mut self, days_past_due: i64, amount: i64) {
        let bucket = match days_past_due {
            i64::MIN..=0 => &mut self.not_due,
            1..=30 => &mut self.up_to_30,
            31..=60 => &mut self.up_to_60,
            61..=90 => &mut self.up_to_90,
            _ => &mut self.over_90,
        };
        *bucket += amount;
    }

    pub fn overdue(&self) -> i64 {
        self.up_to_30 + self.up_to_60 + self.up_to_90 + self.over_90
    }

    pub fn total(&self) -> i64 {
        self.not_due + self.overdue()
    }

    pub fn merge(&mut self, other: &Aging) {
        self.not_due += other.not_due;
        self.up_to_30 += other.up_to_30;
        self.up_to_60 += other.up_to_60;
        self.up_to_90 += other.up_to_90;
        self.over_90 += other.over_90;
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum StatementEntryKind {
    Invoice,
    Payment,
}

/// One line of a statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StatementEntry {
    pub day: String,
    pub kind: StatementEntryKind,
    pub number: String,
    /// Invoices add, payments subtract (fen, positive).
    #[ts(type = "number")]
    pub amount: i64,
    /// What the customer owes after this line (negative: a credit balance).
    #[ts(type = "number")]
    pub balance: i64,
    /// Invoices: when due, what of it is still open, days past due (0 when not due).
    pub due_on: Option<String>,
    #[ts(type = "number | null")]
    pub open: Option<i64>,
    pub days_past_due: Option<u32>,
    /// Payments: cash or charged to marketing expenses.
    pub payment_kind: Option<PaymentKind>,
    /// Payments: what no invoice took (a credit balance).
    #[ts(type = "number | null")]
    pub unallocated: Option<i64>,
}

/// A customer's statement on a business day.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Statement {
    pub customer_id: String,
    pub customer_name: String,
    pub on: String,
    pub entries: Vec<StatementEntry>,
    #[ts(type = "number")]
    pub invoiced: i64,
    #[ts(type = "number")]
    pub paid: i64,
    /// Invoiced − paid (negative: the customer has paid ahead).
    #[ts(type = "number")]
    pub balance: i64,
    /// What the open invoices still owe.
    #[ts(type = "number")]
    pub open: i64,
    /// Payments no invoice took.
    #[ts(type = "number")]
    pub credit_balance: i64,
    pub aging: Aging,
    /// Days the oldest open invoice is past due (0: nothing overdue).
    pub oldest_days_past_due: u32,
    /// Payments charged to marketing expenses (费用款), kept apart from cash.
    #[ts(type = "number")]
    pub paid_cash: i64,
    #[ts(type = "number")]
    pub paid_expense: i64,
}

/// Matches payments to invoices: each invoice's open amount (in the order
/// given) and each payment's unallocated rest.
pub fn allocate(invoices: &[InvoiceRow], payments: &[PaymentRow]) -> (Vec<i64>, Vec<i64>) {
    let mut open: Vec<i64> = invoices.iter().map(|i| i.amount).collect();
    let index: HashMap<&str, usize> = invoices.iter().enumerate().map(|(i, inv)| (inv.id.as_str(), i)).collect();
    let mut rest: Vec<i64> = payments.iter().map(|p| p.amount).collect();
    // As the files say, as far as the invoice and the payment go.
    for (p, payment) in payments.iter().enumerate() {
        for (invoice, amount) in &payment.allocations {
            if let Some(&i) = index.get(invoice.as_str()) {
                let take = (*amount).min(open[i]).min(rest[p]).max(0);
                open[i] -= take;
                rest[p] -= take;
            }
        }
    }
    // The rest, payments in the order received, to the invoices due first.
    let mut by_due: Vec<usize> = (0..invoices.len()).collect();
    by_due.sort_by(|&a, &b| {
        let (x, y) = (&invoices[a], &invoices[b]);
        (x.due_on, x.issued_on, &x.number).cmp(&(y.due_on, y.issued_on, &y.number))
    });
    let mut received: Vec<usize> = (0..payments.len()).collect();
    received
        .sort_by(|&a, &b| (payments[a].paid_on, &payments[a].number).cmp(&(payments[b].paid_on, &payments[b].number)));
    let mut next = 0;
    for p in received {
        while rest[p] > 0 && next < by_due.len() {
            let i = by_due[next];
            let take = rest[p].min(open[i]);
            open[i] -= take;
            rest[p] -= take;
            if open[i] == 0 {
                next += 1;
            }
        }
    }
    (open, rest)
}

/// The statement of these invoices and payments on `on`.
pub fn draw(invoices: &[InvoiceRow], payments: &[PaymentRow], on: NaiveDate) -> Statement {
    let (open, rest) = allocate(invoices, payments);
    let mut s = Statement { on: on.to_string(), ..Statement::default() };
    let mut entries: Vec<(NaiveDate, u8, StatementEntry)> = Vec::with_capacity(invoices.len() + payments.len());
    for (i, inv) in invoices.iter().enumerate() {
        let past = days_between(inv.due_on, on).max(0);
        if open[i] > 0 {
            s.aging.add(past, open[i]);
            if past > 0 {
                s.oldest_days_past_due = s.oldest_days_past_due.max(u32::try_from(past).unwrap_or(u32::MAX));
            }
        }
        s.invoiced += inv.amount;
        s.open += open[i];
        entries.push((
            inv.issued_on,
            0,
            StatementEntry {
                day: inv.issued_on.to_string(),
                kind: StatementEntryKind::Invoice,
                number: inv.number.clone(),
                amount: inv.amount,
                balance: 0,
                due_on: Some(inv.due_on.to_string()),
                open: Some(open[i]),
                days_past_due: Some(if open[i] > 0 { u32::try_from(past).unwrap_or(u32::MAX) } else { 0 }),
                payment_kind: None,
                unallocated: None,
            },
        ));
    }
    for (p, pay) in payments.iter().enumerate() {
        s.paid += pay.amount;
        s.credit_balance += rest[p];
        match pay.kind {
            PaymentKind::Expense => s.paid_expense += pay.amount,
            _ => s.paid_cash += pay.amount,
        }
        entries.push((
            pay.paid_on,
            1,
            StatementEntry {
                day: pay.paid_on.to_string(),
                kind: StatementEntryKind::Payment,
                number: pay.number.clone(),
                amount: pay.amount,
                balance: 0,
                due_on: None,
                open: None,
                days_past_due: None,
                payment_kind: Some(pay.kind),
                unallocated: Some(rest[p]),
            },
        ));
    }
    entries.sort_by(|a, b| (a.0, a.1, &a.2.number).cmp(&(b.0, b.1, &b.2.number)));
    let mut balance = 0;
    s.entries = entries
        .into_iter()
        .map(|(_, _, mut e)| {
            balance += match e.kind {
                StatementEntryKind::Invoice => e.amount,
                StatementEntryKind::Payment => -e.amount,
            };
            e.balance = balance;
            e
        })
        .collect();
    s.balance = s.invoiced - s.paid;
    s
}

/// Reads a customer's invoices and payments (with their files' allocations).
pub fn load(conn: &Connection, customer: &str) -> Result<(Vec<InvoiceRow>, Vec<PaymentRow>)> {
    let day = |text: String| NaiveDate::parse_from_str(&text, "%Y-%m-%d").unwrap_or(NaiveDate::MIN);
    let invoices = conn
        .prepare_cached(
            "SELECT id, number, issued_on, due_on, amount FROM invoice WHERE customer_id = ?1 ORDER BY due_on, issued_on, number",
        )?
        .query_map([customer], |r| {
            Ok(InvoiceRow {
                id: r.get(0)?,
                number: r.get(1)?,
                issued_on: day(r.get(2)?),
                due_on: day(r.get(3)?),
                amount: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut allocations: HashMap<String, Vec<(String, i64)>> = HashMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT payment_id, invoice_id, amount FROM payment_allocation WHERE customer_id = ?1 ORDER BY created_at, id",
    )?;
    let mut rows = stmt.query([customer])?;
    while let Some(r) = rows.next()? {
        allocations.entry(r.get(0)?).or_default().push((r.get(1)?, r.get(2)?));
    }
    let payments = conn
        .prepare_cached(
            "SELECT id, number, paid_on, amount, kind FROM payment WHERE customer_id = ?1 ORDER BY paid_on, number",
        )?
        .query_map([customer], |r| {
            let id: String = r.get(0)?;
            Ok(PaymentRow {
                allocations: allocations.get(&id).cloned().unwrap_or_default(),
                id,
                number: r.get(1)?,
                paid_on: day(r.get(2)?),
                amount: r.get(3)?,
                kind: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok((invoices, payments))
}

/// A customer's statement on `on`.
pub fn statement(conn: &Connection, customer: &str, on: NaiveDate) -> Result<Statement> {
    let (invoices, payments) = load(conn, customer)?;
    let name: Option<String> = rusqlite::OptionalExtension::optional(
        conn.prepare_cached("SELECT name FROM customer WHERE id = ?1")?.query_row([customer], |r| r.get(0)),
    )?;
    let mut s = draw(&invoices, &payments, on);
    s.customer_id = customer.to_string();
    s.customer_name = name.unwrap_or_default();
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("day")
    }

    fn invoice(id: &str, issued: &str, due: &str, amount: i64) -> InvoiceRow {
        InvoiceRow { id: id.into(), number: id.into(), issued_on: day(issued), due_on: day(due), amount }
    }

    fn payment(id: &str, paid: &str, amount: i64, allocations: &[(&str, i64)]) -> PaymentRow {
        PaymentRow {
            id: id.into(),
            number: id.into(),
            paid_on: day(paid),
            amount,
            kind: PaymentKind::Cash,
            allocations: allocations.iter().map(|(i, a)| (i.to_string(), *a)).collect(),
        }
    }

    #[test]
    fn payments_go_where_the_file_says_then_to_the_oldest_due_and_the_rest_is_kept_as_credit() {
        let invoices = [
            invoice("I1", "2026-08-01", "2026-08-31", 10_000),
            invoice("I2", "2026-09-01", "2026-09-30", 20_000),
            invoice("I3", "2026-10-01", "2026-10-31", 30_000),
        ];
        // P1 names I3; P2 names nothing: it pays I1, then part of I2.
        let payments =
            [payment("P1", "2026-10-05", 30_000, &[("I3", 30_000)]), payment("P2", "2026-10-06", 15_000, &[])];
        let s = draw(&invoices, &payments, day("2026-11-15"));
        let open: Vec<_> = s.entries.iter().filter_map(|e| e.open).collect();
        assert_eq!(open, vec![0, 15_000, 0]);
        assert_eq!((s.open, s.balance, s.credit_balance), (15_000, 15_000, 0));
        // I2 was due 2026-09-30: 46 days past due on 11-15.
        assert_eq!(s.aging, Aging { up_to_60: 15_000, ..Aging::default() });
        assert_eq!(s.oldest_days_past_due, 46);

        // Paying more than is open keeps the rest as a credit balance.
        let more = [payment("P1", "2026-10-05", 70_000, &[])];
        let s = draw(&invoices, &more, day("2026-11-15"));
        assert_eq!((s.open, s.credit_balance, s.balance), (0, 10_000, -10_000));
        assert_eq!(s.entries.last().map(|e| e.balance), Some(-10_000));
    }

    #[test]
    fn an_allocation_beyond_the_invoice_leaves_the_rest_to_the_oldest() {
        let invoices =
            [invoice("I1", "2026-08-01", "2026-08-31", 10_000), invoice("I2", "2026-09-01", "2026-09-30", 5_000)];
        let payments = [payment("P1", "2026-10-05", 12_000, &[("I2", 12_000), ("nowhere", 500)])];
        let (open, rest) = allocate(&invoices, &payments);
        assert_eq!((open, rest), (vec![3_000, 0], vec![0]));
    }

    #[test]
    fn aging_counts_days_past_due_on_the_business_day() {
        let invoices = [
            invoice("due-today", "2026-11-01", "2026-12-06", 1),
            invoice("1", "2026-11-01", "2026-12-05", 10),
            invoice("30", "2026-10-01", "2026-11-06", 100),
            invoice("31", "2026-10-01", "2026-11-05", 1_000),
            invoice("61", "2026-09-01", "2026-10-06", 10_000),
            invoice("91", "2026-08-01", "2026-09-06", 100_000),
        ];
        let s = draw(&invoices, &[], day("2026-12-06"));
        assert_eq!(s.aging, Aging { not_due: 1, up_to_30: 110, up_to_60: 1_000, up_to_90: 10_000, over_90: 100_000 });
        assert_eq!(s.oldest_days_past_due, 91);
    }

    proptest! {
        /// Whatever the invoices, payments and allocations: nothing is created or
        /// lost (open + allocated = invoiced, rest + allocated = paid), nothing
        /// goes negative, and the aging adds up to what is open.
        #[test]
        fn allocation_keeps_every_fen(
            amounts in proptest::collection::vec((1i64..1_000_000, 0i64..400, 0i64..120), 0..12),
            pays in proptest::collection::vec((1i64..2_000_000, 0i64..500, proptest::collection::vec((0usize..12, 1i64..1_000_000), 0..3)), 0..8),
            on in 0i64..600,
        ) {
            let base = day("2025-01-01");
            let invoices: Vec<_> = amounts.iter().enumerate().map(|(i, (a, issued, term))| InvoiceRow {
                id: format!("I{i}"), number: format!("I{i:02}"),
                issued_on: base + chrono::Duration::days(*issued),
                due_on: base + chrono::Duration::days(issued + term), amount: *a,
            }).collect();
            let payments: Vec<_> = pays.iter().enumerate().map(|(p, (a, paid, alloc))| PaymentRow {
                id: format!("P{p}"), number: format!("P{p:02}"), paid_on: base + chrono::Duration::days(*paid),
                amount: *a, kind: PaymentKind::Cash,
                allocations: alloc.iter().map(|(i, x)| (format!("I{i}"), *x)).collect(),
            }).collect();
            let (open, rest) = allocate(&invoices, &payments);
            let invoiced: i64 = invoices.iter().map(|i| i.amount).sum();
            let paid: i64 = payments.iter().map(|p| p.amount).sum();
            prop_assert!(open.iter().all(|&o| o >= 0) && rest.iter().all(|&r| r >= 0));
            prop_assert!(open.iter().zip(&invoices).all(|(o, i)| *o <= i.amount));
            let allocated = invoiced - open.iter().sum::<i64>();
            prop_assert_eq!(allocated, paid - rest.iter().sum::<i64>());
            // Money left unallocated only while nothing is open.
            prop_assert!(rest.iter().sum::<i64>() == 0 || open.iter().sum::<i64>() == 0);
            let s = draw(&invoices, &payments, base + chrono::Duration::days(on));
            prop_assert_eq!(s.aging.total(), s.open);
            prop_assert_eq!(s.balance, s.open - s.credit_balance);
            prop_assert_eq!(s.entries.last().map_or(0, |e| e.balance), s.balance);
        }
    }
}
