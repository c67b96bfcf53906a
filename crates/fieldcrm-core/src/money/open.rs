//! What each invoice still owes, kept rather than matched on every read.
//!
//! A customer's statement matches payments to invoices
//! ([`statement::allocate`]); the whole company's aging would have to do that
//! for every customer on every read (2 million rows). Instead the book keeps
//! each open invoice's open amount and each customer's credit balance
//! (schema 17, device-local): triggers note the customers whose invoices,
//! payments or allocations changed, and [`settle`] — run before every write
//! commits, whatever wrote (a form, an import, a changeset file, the demo) —
//! matches those customers again with the statement's own rule. So what the
//! analyses read is always what the statements say.
//!
//! A new payment that names no invoice is the common change (an ERP's file of
//! a hundred thousand). The statement's rule gives what such a payment leaves
//! over after the payments' named invoices to the open invoices due first, in
//! one pass whatever the order the payments came in: so the open amounts are
//! those of the invoices due first less the new money, and what is left over
//! is credit. [`settle`] applies exactly that to the kept rows instead of
//! reading the customer's whole history again.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::Connection;

use super::statement::{self, InvoiceRow, PaymentRow};
use crate::error::Result;

/// From this many customers to settle on, every customer is matched again in
/// one ordered pass of the tables (cheaper than one lookup per customer).
const WHOLE_BOOK_FROM: usize = 5_000;

/// Matches again the payments of every customer whose money changed since
/// the last settle, and rewrites their open invoices and credit balance.
/// Returns how many customers it settled.
pub fn settle(conn: &Connection) -> Result<usize> {
    let dirty: Vec<String> = conn
        .prepare_cached("SELECT customer_id FROM receivable_dirty")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let paid: usize = conn
        .prepare_cached(
            "SELECT count(DISTINCT customer_id) FROM receivable_paid
              WHERE customer_id NOT IN (SELECT customer_id FROM receivable_dirty)",
        )?
        .query_row([], |r| r.get(0))?;
    if dirty.is_empty() && paid == 0 {
        return Ok(0);
    }
    if dirty.len() >= WHOLE_BOOK_FROM {
        settle_all(conn)?;
    } else {
        for customer in &dirty {
            let (invoices, payments) = statement::load(conn, customer)?;
            write(conn, customer, &invoices, &payments, true)?;
        }
        if paid > 0 {
            take_from_oldest(conn)?;
        }
    }
    conn.prepare_cached("DELETE FROM receivable_dirty")?.execute([])?;
    conn.prepare_cached("DELETE FROM receivable_paid")?.execute([])?;
    Ok(dirty.len() + paid)
}

/// The new payments that name no invoice (`receivable_paid`, of customers
/// not matched again whole): each customer's sum is taken from its open
/// invoices due first, and what is left over is credit — for all of them at
/// once, with a running sum over the kept open amounts in due order (66,000
/// customers' new payments: 1.7 s measured alone on the bench book).
fn take_from_oldest(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "DROP TABLE IF EXISTS temp.receivable_paid_sum;
         CREATE TEMP TABLE receivable_paid_sum (customer_id TEXT PRIMARY KEY NOT NULL, amount INTEGER NOT NULL) WITHOUT ROWID;
         INSERT INTO temp.receivable_paid_sum
         SELECT customer_id, sum(amount) FROM receivable_paid
          WHERE customer_id NOT IN (SELECT customer_id FROM receivable_dirty) GROUP BY customer_id;
         DROP TABLE IF EXISTS temp.receivable_taken;
         CREATE TEMP TABLE receivable_taken AS
         SELECT r.invoice_id, r.open, max(0, min(r.open, sum(r.open) OVER owed - p.amount)) AS left
           FROM temp.receivable_paid_sum p
           JOIN receivable_open r INDEXED BY receivable_open_customer ON r.customer_id = p.customer_id
         WINDOW owed AS (PARTITION BY r.customer_id ORDER BY r.due_on, r.issued_on, r.number ROWS UNBOUNDED PRECEDING);
         INSERT INTO receivable_credit (customer_id, amount)
         SELECT p.customer_id, p.amount - coalesce((SELECT sum(open) FROM receivable_open r WHERE r.customer_id = p.customer_id), 0)
           FROM temp.receivable_paid_sum p
          WHERE p.amount > coalesce((SELECT sum(open) FROM receivable_open r WHERE r.customer_id = p.customer_id), 0)
         ON CONFLICT (customer_id) DO UPDATE SET amount = amount + excluded.amount;
         DELETE FROM receivable_open WHERE invoice_id IN (SELECT invoice_id FROM temp.receivable_taken WHERE left = 0);
         UPDATE receivable_open SET open = t.left FROM temp.receivable_taken t
          WHERE t.invoice_id = receivable_open.invoice_id AND t.left > 0 AND t.left < t.open;
         DROP TABLE temp.receivable_taken;
         DROP TABLE temp.receivable_paid_sum;",
    )?;
    Ok(())
}

/// Rebuilds the open amounts of every customer, reading each table once in
/// customer order.
fn settle_all(conn: &Connection) -> Result<()> {
    conn.execute_batch("DELETE FROM receivable_open; DELETE FROM receivable_credit;")?;
    let day = |text: &str| NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or(NaiveDate::MIN);
    let mut allocations: HashMap<String, Vec<(String, i64)>> = HashMap::new();
    {
        let mut stmt =
            conn.prepare("SELECT payment_id, invoice_id, amount FROM payment_allocation ORDER BY created_at, id")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            allocations.entry(r.get(0)?).or_default().push((r.get(1)?, r.get(2)?));
        }
    }
    let mut invoices_stmt = conn.prepare(
        "SELECT customer_id, id, number, issued_on, due_on, amount FROM invoice INDEXED BY invoice_customer
          ORDER BY customer_id, due_on",
    )?;
    let mut payments_stmt = conn.prepare(
        "SELECT customer_id, id, number, paid_on, amount, kind FROM payment INDEXED BY payment_customer
          ORDER BY customer_id, paid_on",
    )?;
    let mut invoices = invoices_stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            InvoiceRow {
                id: r.get(1)?,
                number: r.get(2)?,
                issued_on: day(r.get_ref(3)?.as_str()?),
                due_on: day(r.get_ref(4)?.as_str()?),
                amount: r.get(5)?,
            },
        ))
    })?;
    let mut payments = payments_stmt.query_map([], |r| {
        let id: String = r.get(1)?;
        Ok((
            r.get::<_, String>(0)?,
            PaymentRow {
                allocations: allocations.remove(&id).unwrap_or_default(),
                id,
                number: r.get(2)?,
                paid_on: day(r.get_ref(3)?.as_str()?),
                amount: r.get(4)?,
                kind: r.get(5)?,
            },
        ))
    })?;
    let mut next_invoice = invoices.next().transpose()?;
    let mut next_payment = payments.next().transpose()?;
    let (mut these_invoices, mut these_payments) = (vec![], vec![]);
    loop {
        // The smaller customer id of the two heads is the next customer.
        let customer = match (&next_invoice, &next_payment) {
            (None, None) => break,
            (Some((a, _)), None) | (None, Some((a, _))) => a.clone(),
            (Some((a, _)), Some((b, _))) => a.min(b).clone(),
        };
        these_invoices.clear();
        these_payments.clear();
        while next_invoice.as_ref().is_some_and(|(c, _)| *c == customer) {
            if let Some((_, row)) = next_invoice.take() {
                these_invoices.push(row);
            }
            next_invoice = invoices.next().transpose()?;
        }
        while next_payment.as_ref().is_some_and(|(c, _)| *c == customer) {
            if let Some((_, row)) = next_payment.take() {
                these_payments.push(row);
            }
            next_payment = payments.next().transpose()?;
        }
        write(conn, &customer, &these_invoices, &these_payments, false)?;
    }
    Ok(())
}

/// Writes one customer's open invoices and credit balance (`replace`: its
/// rows so far go first).
fn write(
    conn: &Connection,
    customer: &str,
    invoices: &[InvoiceRow],
    payments: &[PaymentRow],
    replace: bool,
) -> Result<()> {
    if replace {
        conn.prepare_cached("DELETE FROM receivable_open WHERE customer_id = ?1")?.execute([customer])?;
        conn.prepare_cached("DELETE FROM receivable_credit WHERE customer_id = ?1")?.execute([customer])?;
    }
    let (open, rest) = statement::allocate(invoices, payments);
    let mut insert = conn.prepare_cached(
        "INSERT INTO receivable_open (invoice_id, customer_id, due_on, issued_on, number, open)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for (invoice, open) in invoices.iter().zip(open) {
        if open > 0 {
            insert.execute(rusqlite::params![
                invoice.id,
                customer,
                invoice.due_on.to_string(),
                invoice.issued_on.to_string(),
                invoice.number,
                open
            ])?;
        }
    }
    let credit: i64 = rest.iter().sum();
    if credit > 0 {
        conn.prepare_cached("INSERT INTO receivable_credit (customer_id, amount) VALUES (?1, ?2)")?
            .execute(rusqlite::params![customer, credit])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::open_connection_in_memory;
    use proptest::prelude::*;

    const T: &str = "2026-01-01T00:00:00Z";

    /// A book with `customers` cards (the minimum the foreign keys need), capture off.
    fn book(customers: usize) -> Connection {
        let conn = open_connection_in_memory().expect("book");
        conn.execute_batch(
            "UPDATE sync_state SET capture = 0;
             INSERT INTO org_unit (id, kind, name, created_at, updated_at) VALUES ('u', 'head_office', 'HQ', '', '');
             INSERT INTO staff (id, name, role, org_unit_id, created_at, updated_at) VALUES ('s', '甲', 'rep', 'u', '', '');",
        )
        .expect("setup");
        for c in 0..customers {
            conn.execute(
                "INSERT INTO customer (id, name, name_pinyin, channel_level, lifecycle, owner_id, territory_id, reviewed_at, created_at, updated_at)
                 VALUES (?1, ?1, ?1, 'retailer', 'active', 's', 'u', '', '', '')",
                [format!("C{c}")],
            )
            .expect("customer");
        }
        conn
    }

    /// (invoice, open amount) and (customer, credit balance) rows.
    type Kept = (Vec<(String, i64)>, Vec<(String, i64)>);

    /// What the statements say, customer by customer: (invoice, open) and credit.
    fn from_statements(conn: &Connection) -> Kept {
        let customers: Vec<String> = conn
            .prepare("SELECT customer_id FROM invoice UNION SELECT customer_id FROM payment ORDER BY 1")
            .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
            .expect("customers");
        let (mut open, mut credit) = (vec![], vec![]);
        for c in customers {
            let (invoices, payments) = statement::load(conn, &c).expect("load");
            let (o, rest) = statement::allocate(&invoices, &payments);
            open.extend(invoices.iter().zip(o).filter(|(_, o)| *o > 0).map(|(i, o)| (i.id.clone(), o)));
            let r: i64 = rest.iter().sum();
            if r > 0 {
                credit.push((c, r));
            }
        }
        open.sort();
        credit.sort();
        (open, credit)
    }

    fn kept(conn: &Connection) -> Kept {
        let rows = |sql: &str| -> Vec<(String, i64)> {
            conn.prepare(sql)
                .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
                .expect("rows")
        };
        (
            rows("SELECT invoice_id, open FROM receivable_open ORDER BY 1"),
            rows("SELECT customer_id, amount FROM receivable_credit ORDER BY 1"),
        )
    }

    #[derive(Debug, Clone)]
    enum Step {
        Invoice { customer: usize, due: u32, amount: i64 },
        Payment { customer: usize, paid: u32, amount: i64, to_invoice: Option<usize> },
        DeletePayment(usize),
        Amend { invoice: usize, amount: i64 },
        Settle,
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            3 => (0usize..4, 0u32..90, 1i64..50_000).prop_map(|(customer, due, amount)| Step::Invoice { customer, due, amount }),
            3 => (0usize..4, 0u32..90, 1i64..80_000, proptest::option::of(0usize..20))
                .prop_map(|(customer, paid, amount, to_invoice)| Step::Payment { customer, paid, amount, to_invoice }),
            1 => (0usize..20).prop_map(Step::DeletePayment),
            1 => (0usize..20, 1i64..50_000).prop_map(|(invoice, amount)| Step::Amend { invoice, amount }),
            2 => Just(Step::Settle),
        ]
    }

    fn day(n: u32) -> String {
        (NaiveDate::from_ymd_opt(2026, 1, 1).expect("day") + chrono::Duration::days(i64::from(n))).to_string()
    }

    proptest! {
        /// Whatever is written, in whatever order, and however often settled
        /// (one customer at a time or the whole book): what is kept is what
        /// the statements say.
        #[test]
        fn what_is_kept_is_what_the_statements_say(steps in proptest::collection::vec(step(), 1..40), whole in any::<bool>()) {
            let conn = book(4);
            let (mut invoices, mut payments) = (0usize, 0usize);
            for s in &steps {
                match s {
                    Step::Invoice { customer, due, amount } => {
                        conn.execute(
                            "INSERT INTO invoice (id, customer_id, number, issued_on, due_on, amount, created_at, updated_at)
                             VALUES (?1, ?2, ?1, '2026-01-01', ?3, ?4, ?5, ?5)",
                            rusqlite::params![format!("I{invoices}"), format!("C{customer}"), day(*due), amount, T],
                        ).expect("invoice");
                        invoices += 1;
                    }
                    Step::Payment { customer, paid, amount, to_invoice } => {
                        let id = format!("P{payments}");
                        conn.execute(
                            "INSERT INTO payment (id, customer_id, number, paid_on, amount, kind, created_at, updated_at)
                             VALUES (?1, ?2, ?1, ?3, ?4, 'cash', ?5, ?5)",
                            rusqlite::params![id, format!("C{customer}"), day(*paid), amount, T],
                        ).expect("payment");
                        if let Some(i) = to_invoice.filter(|i| *i < invoices) {
                            conn.execute(
                                "INSERT INTO payment_allocation (id, payment_id, invoice_id, customer_id, amount, created_at, updated_at)
                                 SELECT ?1 || '-' || id, ?1, id, customer_id, ?2, ?3, ?3 FROM invoice WHERE id = ?4 AND customer_id = ?5",
                                rusqlite::params![id, amount / 2 + 1, T, format!("I{i}"), format!("C{customer}")],
                            ).expect("allocation");
                        }
                        payments += 1;
                    }
                    Step::DeletePayment(p) => {
                        conn.execute("DELETE FROM payment_allocation WHERE payment_id = ?1", [format!("P{p}")]).expect("delete");
                        conn.execute("DELETE FROM payment WHERE id = ?1", [format!("P{p}")]).expect("delete");
                    }
                    Step::Amend { invoice, amount } => {
                        conn.execute("UPDATE invoice SET amount = ?2 WHERE id = ?1", rusqlite::params![format!("I{invoice}"), amount]).expect("amend");
                    }
                    Step::Settle => {
                        if whole {
                            settle_all(&conn).expect("settle");
                            conn.execute_batch("DELETE FROM receivable_dirty; DELETE FROM receivable_paid;").expect("clear");
                        }
                        else { settle(&conn).expect("settle"); }
                    }
                }
            }
            settle(&conn).expect("settle");
            prop_assert_eq!(kept(&conn), from_statements(&conn));
        }
    }
}
