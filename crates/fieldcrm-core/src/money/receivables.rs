//! Head office's receivables and price list: invoices, payments (with the
//! invoices a payment names), price rules and a card's own credit limit. The
//! ERP's spreadsheets come through the import wizard; these are the writes
//! it, the CLI and the demo share. An invoice's or payment's id derives from
//! its number, so recording the same one twice updates it.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock::timestamp;
use crate::error::{Error, FieldProblem, ProblemCode, Result};
use crate::ids::{derived_parts, CustomerId, InvoiceId, PaymentId, PriceRuleId};
use crate::model::{PaymentKind, StaffRole};
use crate::org::Viewer;

/// Largest amount of one invoice or payment (fen): ten billion yuan.
pub const MAX_AMOUNT: i64 = 1_000_000_000_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceInput {
    pub customer_id: CustomerId,
    pub number: String,
    pub issued_on: String,
    /// None: issued + the credit grade's payment term (0 days without one).
    #[serde(default)]
    #[ts(optional)]
    pub due_on: Option<String>,
    #[ts(type = "number")]
    pub amount: i64,
}

/// A payment's match to one invoice, as the ERP's file says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PaymentMatch {
    pub invoice_number: String,
    #[ts(type = "number")]
    pub amount: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PaymentInput {
    pub customer_id: CustomerId,
    pub number: String,
    pub paid_on: String,
    #[ts(type = "number")]
    pub amount: i64,
    /// Cash (现金款) or charged to marketing expenses (费用款).
    pub kind: PaymentKind,
    /// The invoices it pays; what it does not name goes to the oldest open.
    #[serde(default)]
    pub invoices: Vec<PaymentMatch>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PriceRuleInput {
    /// The product's code or id.
    pub product: String,
    #[serde(default)]
    #[ts(optional)]
    pub channel_type: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub customer_grade: Option<String>,
    #[ts(type = "number")]
    pub price: i64,
    #[serde(default)]
    #[ts(optional, type = "number")]
    pub floor_price: Option<i64>,
    pub valid_from: String,
    #[serde(default)]
    #[ts(optional)]
    pub valid_to: Option<String>,
}

fn require_office(viewer: &Viewer, what: &str) -> Result<()> {
    if viewer.role == StaffRole::HeadOffice {
        Ok(())
    } else {
        Err(Error::Forbidden(format!("only head office records {what}: they come from the ERP")))
    }
}

fn number(field: &str, value: &str, problems: &mut Vec<FieldProblem>) -> String {
    let value = value.trim();
    if value.is_empty() {
        problems.push(FieldProblem::new(field, ProblemCode::Required, "give the ERP's document number"));
    } else if value.chars().count() > 64 || value.chars().any(char::is_control) {
        problems.push(FieldProblem::new(
            field,
            ProblemCode::BadValue,
            "a document number is at most 64 printable characters",
        ));
    }
    value.to_string()
}

fn amount(field: &str, value: i64, problems: &mut Vec<FieldProblem>) {
    if value <= 0 || value > MAX_AMOUNT {
        problems.push(FieldProblem::new(
            field,
            ProblemCode::OutOfRange,
            "an amount is more than 0 and at most 10,000,000,000 yuan",
        ));
    }
}

fn customer_exists(tx: &Transaction<'_>, customer: CustomerId) -> Result<()> {
    let found: Option<i64> =
        tx.prepare_cached("SELECT 1 FROM customer WHERE id = ?1")?.query_row([customer], |r| r.get(0)).optional()?;
    found.map(|_| ()).ok_or_else(|| Error::NotFound { what: "customer", id: customer.to_string() })
}

pub fn invoice_id(number: &str) -> InvoiceId {
    let (millis, random) = derived_parts(&format!("invoice/{}", number.trim()), 0);
    InvoiceId::from_parts(millis, random)
}

pub fn payment_id(number: &str) -> PaymentId {
    let (millis, random) = derived_parts(&format!("payment/{}", number.trim()), 0);
    PaymentId::from_parts(millis, random)
}

/// An invoice checked against the book, ready to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedInvoice {
    pub id: InvoiceId,
    pub customer: CustomerId,
    pub number: String,
    pub issued_on: NaiveDate,
    pub due_on: NaiveDate,
    pub amount: i64,
    /// What the book holds under this number now: (issued, due, amount).
    pub stored: Option<(String, String, i64)>,
}

/// Checks an invoice (every problem, nothing written). The due date defaults
/// to the issue date plus the customer's credit grade's payment term.
pub fn check_invoice(
    tx: &Transaction<'_>,
    input: &InvoiceInput,
) -> Result<std::result::Result<CheckedInvoice, Vec<FieldProblem>>> {
    let mut problems = vec![];
    let number = number("number", &input.number, &mut problems);
    amount("amount", input.amount, &mut problems);
    let issued = crate::clock::day("issuedOn", &input.issued_on, &mut problems);
    let due = match (input.due_on.as_deref().map(str::trim).filter(|d| !d.is_empty()), issued) {
        (Some(d), _) => crate::clock::day("dueOn", d, &mut problems),
        (None, Some(issued)) => {
            let term: Option<u32> = tx
                .prepare_cached(
                    "SELECT g.payment_term_days FROM customer c JOIN grade_level g ON g.scale = 'credit' AND g.code = c.credit_grade WHERE c.id = ?1",
                )?
                .query_row([input.customer_id], |r| r.get(0))
                .optional()?
                .flatten();
            Some(issued + Duration::days(i64::from(term.unwrap_or(0))))
        }
        (None, None) => None,
    };
    if let (Some(i), Some(d)) = (issued, due) {
        if d < i {
            problems.push(FieldProblem::new(
                "dueOn",
                ProblemCode::BeforeFrom,
                format!("due {d} is before the invoice was issued ({i})"),
            ));
        }
    }
    let id = invoice_id(&number);
    let stored: Option<(String, String, String, i64)> = tx
        .prepare_cached("SELECT customer_id, issued_on, due_on, amount FROM invoice WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .optional()?;
    if stored.as_ref().is_some_and(|s| s.0 != input.customer_id.to_string()) {
        problems.push(FieldProblem::new(
            "number",
            ProblemCode::Duplicate,
            format!("invoice {number} belongs to another customer"),
        ));
    }
    Ok(match (issued, due) {
        (Some(issued_on), Some(due_on)) if problems.is_empty() => Ok(CheckedInvoice {
            id,
            customer: input.customer_id,
            number,
            issued_on,
            due_on,
            amount: input.amount,
            stored: stored.map(|s| (s.1, s.2, s.3)),
        }),
        _ => Err(problems),
    })
}

/// Writes a checked invoice (creates it, or updates the one with its number).
pub fn write_invoice(tx: &Transaction<'_>, invoice: &CheckedInvoice, now: DateTime<Utc>) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO invoice (id, customer_id, number, issued_on, due_on, amount, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)
         ON CONFLICT (id) DO UPDATE SET issued_on = excluded.issued_on, due_on = excluded.due_on,
                amount = excluded.amount, updated_at = excluded.updated_at
          WHERE (issued_on, due_on, amount) IS NOT (excluded.issued_on, excluded.due_on, excluded.amount)",
    )?
    .execute(params![
        invoice.id,
        invoice.customer,
        invoice.number,
        invoice.issued_on.to_string(),
        invoice.due_on.to_string(),
        invoice.amount,
        timestamp(now)
    ])?;
    Ok(())
}

/// Records an invoice (or updates the one with its number). True when new.
pub fn record_invoice(tx: &Transaction<'_>, viewer: &Viewer, input: &InvoiceInput, now: DateTime<Utc>) -> Result<bool> {
    require_office(viewer, "invoices")?;
    customer_exists(tx, input.customer_id)?;
    let invoice = check_invoice(tx, input)?.map_err(Error::Invalid)?;
    write_invoice(tx, &invoice, now)?;
    Ok(invoice.stored.is_none())
}

/// A payment checked against the book, ready to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedPayment {
    pub id: PaymentId,
    pub customer: CustomerId,
    pub number: String,
    pub paid_on: NaiveDate,
    pub amount: i64,
    pub kind: PaymentKind,
    /// `(invoice id, amount)` as the file says.
    pub matched: Vec<(InvoiceId, i64)>,
    /// What the book holds under this number now: (paid, amount, kind).
    pub stored: Option<(String, i64, String)>,
}

/// Checks a payment and the invoices it names (every problem, nothing written).
pub fn check_payment(
    tx: &Transaction<'_>,
    input: &PaymentInput,
) -> Result<std::result::Result<CheckedPayment, Vec<FieldProblem>>> {
    let mut problems = vec![];
    let number = number("number", &input.number, &mut problems);
    amount("amount", input.amount, &mut problems);
    let paid = crate::clock::day("paidOn", &input.paid_on, &mut problems);
    if input.kind == PaymentKind::Credit {
        problems.push(FieldProblem::new("kind", ProblemCode::NotChoice, "a payment is cash or charged to expenses"));
    }
    let mut matched = vec![];
    let mut named: i64 = 0;
    for (i, m) in input.invoices.iter().enumerate() {
        let id = invoice_id(&m.invoice_number);
        let owner: Option<String> = tx
            .prepare_cached("SELECT customer_id FROM invoice WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?;
        if owner.as_deref() != Some(input.customer_id.to_string().as_str()) {
            let mut p = FieldProblem::new(
                format!("invoices.{i}"),
                ProblemCode::UnknownRef,
                format!("this customer has no invoice {}", m.invoice_number.trim()),
            );
            p.value = Some(m.invoice_number.clone());
            problems.push(p);
        }
        amount(&format!("invoices.{i}"), m.amount, &mut problems);
        named = named.saturating_add(m.amount);
        matched.push((id, m.amount));
    }
    if named > input.amount {
        problems.push(FieldProblem::new(
            "invoices",
            ProblemCode::OutOfRange,
            "the invoices named take more than the payment",
        ));
    }
    let id = payment_id(&number);
    let stored: Option<(String, String, i64, String)> = tx
        .prepare_cached("SELECT customer_id, paid_on, amount, kind FROM payment WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .optional()?;
    if stored.as_ref().is_some_and(|s| s.0 != input.customer_id.to_string()) {
        problems.push(FieldProblem::new(
            "number",
            ProblemCode::Duplicate,
            format!("payment {number} belongs to another customer"),
        ));
    }
    Ok(match paid {
        Some(paid_on) if problems.is_empty() => Ok(CheckedPayment {
            id,
            customer: input.customer_id,
            number,
            paid_on,
            amount: input.amount,
            kind: input.kind,
            matched,
            stored: stored.map(|s| (s.1, s.2, s.3)),
        }),
        _ => Err(problems),
    })
}

/// Writes a checked payment and its matches (replacing the ones it had).
pub fn write_payment(tx: &Transaction<'_>, payment: &CheckedPayment, now: DateTime<Utc>) -> Result<()> {
    let at = timestamp(now);
    tx.prepare_cached(
        "INSERT INTO payment (id, customer_id, number, paid_on, amount, kind, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)
         ON CONFLICT (id) DO UPDATE SET paid_on = excluded.paid_on, amount = excluded.amount, kind = excluded.kind,
                updated_at = excluded.updated_at
          WHERE (paid_on, amount, kind) IS NOT (excluded.paid_on, excluded.amount, excluded.kind)",
    )?
    .execute(params![
        payment.id,
        payment.customer,
        payment.number,
        payment.paid_on.to_string(),
        payment.amount,
        payment.kind,
        at
    ])?;
    tx.prepare_cached("DELETE FROM payment_allocation WHERE payment_id = ?1")?.execute([payment.id])?;
    for (invoice, amount) in &payment.matched {
        let (millis, random) = derived_parts(&format!("allocation/{}/{invoice}", payment.id), 0);
        tx.prepare_cached(
            "INSERT INTO payment_allocation (id, payment_id, invoice_id, customer_id, amount, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)
             ON CONFLICT (id) DO UPDATE SET amount = amount + excluded.amount",
        )?
        .execute(params![
            uuid::Builder::from_unix_timestamp_millis(millis, &random).into_uuid().to_string(),
            payment.id,
            invoice,
            payment.customer,
            amount,
            at
        ])?;
    }
    Ok(())
}

/// Records a payment (or updates the one with its number) with the invoices
/// it names. More than is open is kept as a credit balance. True when new.
pub fn record_payment(tx: &Transaction<'_>, viewer: &Viewer, input: &PaymentInput, now: DateTime<Utc>) -> Result<bool> {
    require_office(viewer, "payments")?;
    customer_exists(tx, input.customer_id)?;
    let payment = check_payment(tx, input)?.map_err(Error::Invalid)?;
    write_payment(tx, &payment, now)?;
    Ok(payment.stored.is_none())
}

/// A price's or promotion's customers: a channel type of head office's code
/// list and a customer grade of its scale, each optional (blank: none).
pub(crate) fn terms(
    conn: &Connection,
    channel_type: Option<&str>,
    customer_grade: Option<&str>,
    problems: &mut Vec<FieldProblem>,
) -> Result<(Option<String>, Option<String>)> {
    let trimmed = |v: Option<&str>| v.map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
    let channel = trimmed(channel_type);
    if let Some(c) = &channel {
        let known: bool = conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM code_item WHERE list_id = 'channel_type' AND code = ?1)")?
            .query_row([c], |r| r.get(0))?;
        if !known {
            problems.push(FieldProblem::new(
                "channelType",
                ProblemCode::UnknownCode,
                format!("there is no channel type '{c}'"),
            ));
        }
    }
    let grade = trimmed(customer_grade);
    if let Some(g) = &grade {
        let known: bool = conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM grade_level WHERE scale = 'customer' AND code = ?1)")?
            .query_row([g], |r| r.get(0))?;
        if !known {
            problems.push(FieldProblem::new(
                "customerGrade",
                ProblemCode::UnknownGrade,
                format!("there is no customer grade '{g}'"),
            ));
        }
    }
    Ok((channel, grade))
}

/// Adds a price to head office's price list.
pub fn add_price_rule(
    tx: &Transaction<'_>,
    viewer: &Viewer,
    input: &PriceRuleInput,
    now: DateTime<Utc>,
) -> Result<PriceRuleId> {
    if viewer.role != StaffRole::HeadOffice {
        return Err(Error::Forbidden("only head office sets prices".into()));
    }
    let mut problems = vec![];
    let product: Option<String> = tx
        .prepare_cached("SELECT id FROM product WHERE id = ?1 OR code = ?1")?
        .query_row([input.product.trim()], |r| r.get(0))
        .optional()?;
    if product.is_none() {
        problems.push(FieldProblem::new(
            "product",
            ProblemCode::UnknownProduct,
            format!("there is no product '{}'", input.product.trim()),
        ));
    }
    if input.price < 0 || input.price > MAX_AMOUNT {
        problems.push(FieldProblem::new("price", ProblemCode::OutOfRange, "a price is 0 or more"));
    }
    if input.floor_price.is_some_and(|f| f < 0 || f > input.price) {
        problems.push(FieldProblem::new("floorPrice", ProblemCode::OutOfRange, "the floor is between 0 and the price"));
    }
    let from = crate::clock::day("validFrom", &input.valid_from, &mut problems);
    let to = input
        .valid_to
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .and_then(|t| crate::clock::day("validTo", t, &mut problems));
    if let (Some(f), Some(t)) = (from, to) {
        if t < f {
            problems.push(FieldProblem::new("validTo", ProblemCode::BeforeFrom, "the price ends before it starts"));
        }
    }
    let (channel, grade) = terms(tx, input.channel_type.as_deref(), input.customer_grade.as_deref(), &mut problems)?;
    let (Some(product), Some(from)) = (product.filter(|_| problems.is_empty()), from) else {
        return Err(Error::Invalid(problems));
    };
    let id = PriceRuleId::new();
    tx.prepare_cached(
        "INSERT INTO price_rule (id, product_id, channel_type, customer_grade, price, floor_price, valid_from, valid_to, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
    )?
    .execute(params![id, product, channel, grade, input.price, input.floor_price, from.to_string(), to.map(|t| t.to_string()), timestamp(now)])?;
    Ok(id)
}

/// Head office sets (or, with none, removes) a card's own credit limit (fen).
pub fn set_credit_limit(
    tx: &Transaction<'_>,
    viewer: &Viewer,
    customer: CustomerId,
    limit: Option<i64>,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    if viewer.role != StaffRole::HeadOffice {
        return Err(Error::Forbidden("only head office sets a customer's credit limit".into()));
    }
    customer_exists(tx, customer)?;
    match limit {
        Some(l) if !(0..=MAX_AMOUNT).contains(&l) => {
            Err(Error::Invalid(vec![FieldProblem::new("creditLimit", ProblemCode::OutOfRange, "a limit is 0 or more")]))
        }
        Some(l) => {
            tx.prepare_cached(
                "INSERT INTO credit_override (id, customer_id, credit_limit, reason, set_by, created_at, updated_at)
                 VALUES (?1, ?1, ?2, ?3, ?4, ?5, ?5)
                 ON CONFLICT (id) DO UPDATE SET credit_limit = excluded.credit_limit, reason = excluded.reason,
                        set_by = excluded.set_by, updated_at = excluded.updated_at",
            )?
            .execute(params![customer, l, reason.map(str::trim), viewer.staff, timestamp(now)])?;
            Ok(())
        }
        None => {
            tx.prepare_cached("DELETE FROM credit_override WHERE id = ?1")?.execute([customer])?;
            Ok(())
        }
    }
}
