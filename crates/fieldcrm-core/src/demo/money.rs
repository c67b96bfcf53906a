//! The demo's money side, consistent with its sales lines: six months of
//! monthly invoices (应收发票) for what each customer bought, paid around the
//! due day by customers who owe us nothing and left overdue by those tagged
//! 有欠款 (see [`super::DEBT_TAG`]); a year of the distributors' and
//! sub-distributors' monthly orders, each what their sales lines say they
//! bought that month, approved and shipped (now and then late, now and then a
//! line short with its rest cancelled); and a fortnight of the reps' orders in
//! every state review knows — waiting for review, held, approved and shipped
//! in full, in part (a backorder) or not yet (late), returned, cancelled.

use chrono::{Datelike, Duration, NaiveDate};
use rusqlite::{params, Transaction};

use super::Rng;
use crate::clock::{timestamp, Zone};
use crate::demo::DemoSummary;
use crate::error::Result;
use crate::ids::derived_parts;
use crate::money::receivables::{invoice_id, payment_id};
use crate::money::shipping::ship_by;
use crate::store::BatchInsert;

/// Whole months of invoices before the current one.
const MONTHS: i32 = 6;
/// Whole months of the distributors' orders before the current one.
const ORDER_MONTHS: i32 = 12;
/// Share of the customers who bought in the last month that placed an order in the last fortnight.
const ORDERING: f64 = 0.04;

/// A UUIDv7 made at `at` with the demo's random bits (the demo is the same every time).
fn demo_id(rng: &mut Rng, at: chrono::DateTime<chrono::Utc>) -> uuid::Uuid {
    let (a, b) = (rng.next().to_le_bytes(), rng.next().to_le_bytes());
    let mut random = [0u8; 10];
    random[..8].copy_from_slice(&a);
    random[8..].copy_from_slice(&b[..2]);
    uuid::Builder::from_unix_timestamp_millis(u64::try_from(at.timestamp_millis()).unwrap_or(0), &random).into_uuid()
}

fn epoch_day(day: NaiveDate) -> i64 {
    (day - NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default()).num_days()
}

/// The first day of the month `back` months before `day`'s.
fn month_start(day: NaiveDate, back: i32) -> NaiveDate {
    let index = day.year() * 12 + day.month0() as i32 - back;
    NaiveDate::from_ymd_opt(index.div_euclid(12), index.rem_euclid(12) as u32 + 1, 1).unwrap_or(day)
}

struct Month {
    key: i64,
    customer: String,
    month: NaiveDate,
    amount: i64,
    term: i64,
    debtor: bool,
}

pub(super) fn generate(tx: &Transaction<'_>, today: NaiveDate, seed: u64, summary: &mut DemoSummary) -> Result<()> {
    let mut rng = Rng(seed ^ 0x6d6f_6e65_7921_2121);
    let zone = Zone::of(tx)?;
    let written = timestamp(zone.day_start(today));
    let (from, to) = (month_start(today, MONTHS), month_start(today, 0));
    let months: Vec<Month> = tx
        .prepare(
            "SELECT f.customer_key, k.customer_id, CAST(strftime('%Y', f.day + 2440587.5) AS INTEGER) * 12
                      + CAST(strftime('%m', f.day + 2440587.5) AS INTEGER) - 1 AS ym,
                    sum(f.amount), coalesce(g.payment_term_days, 0), c.tags LIKE ?3
               FROM sales_fact f JOIN sales_customer_key k ON k.key = f.customer_key
               JOIN customer c ON c.id = k.customer_id
               LEFT JOIN grade_level g ON g.scale = 'credit' AND g.code = c.credit_grade
              WHERE f.day >= ?1 AND f.day < ?2
              GROUP BY f.customer_key, ym HAVING sum(f.amount) > 0
              ORDER BY f.customer_key, ym",
        )?
        .query_map(params![epoch_day(from), epoch_day(to), format!("%{}%", super::DEBT_TAG)], |r| {
            let ym: i32 = r.get(2)?;
            Ok(Month {
                key: r.get(0)?,
                customer: r.get(1)?,
                month: NaiveDate::from_ymd_opt(ym.div_euclid(12), ym.rem_euclid(12) as u32 + 1, 1).unwrap_or(from),
                amount: r.get(3)?,
                term: r.get(4)?,
                debtor: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;

    let mut invoices = BatchInsert::new(
        tx,
        "invoice",
        &["id", "customer_id", "number", "issued_on", "due_on", "amount", "created_at", "updated_at"],
    )?;
    let mut payments = BatchInsert::new(
        tx,
        "payment",
        &["id", "customer_id", "number", "paid_on", "amount", "kind", "created_at", "updated_at"],
    )?;
    // Written after the invoices and payments they name (the batches flush in turn).
    let mut matched: Vec<(String, String, String, String, i64)> = vec![];
    for customer in months.chunk_by(|a, b| a.key == b.key) {
        // A customer who owes us leaves their last two to four invoices open.
        let unpaid_from = if customer[0].debtor { customer.len().saturating_sub(2 + rng.below(3)) } else { usize::MAX };
        for (i, m) in customer.iter().enumerate() {
            let issued = month_start(m.month, -1) - Duration::days(1);
            let due = issued + Duration::days(m.term.max(7));
            let number = format!("FP{}-{:06}", m.month.format("%Y%m"), m.key);
            let invoice = invoice_id(&number);
            invoices.push(params![
                invoice,
                m.customer,
                number,
                issued.to_string(),
                due.to_string(),
                m.amount,
                written,
                written
            ])?;
            summary.invoices += 1;
            if i >= unpaid_from {
                continue;
            }
            let late = if m.debtor { rng.range(5, 40) } else { rng.range(-6, 12) };
            let paid = due + Duration::days(late);
            if paid > today {
                continue;
            }
            // One month in ten a distributor's bill is partly settled against marketing expenses (费用款).
            let expense = if rng.chance(0.1) { m.amount / 20 } else { 0 };
            for (kind, amount, prefix) in [("cash", m.amount - expense, "HK"), ("expense", expense, "FY")] {
                if amount <= 0 {
                    continue;
                }
                let number = format!("{prefix}{}-{:06}", m.month.format("%Y%m"), m.key);
                let payment = payment_id(&number);
                payments.push(params![
                    payment,
                    m.customer,
                    number,
                    paid.to_string(),
                    amount,
                    kind,
                    written,
                    written
                ])?;
                let (millis, random) = derived_parts(&format!("allocation/{payment}/{invoice}"), 0);
                let allocation = uuid::Builder::from_unix_timestamp_millis(millis, &random).into_uuid().to_string();
                matched.push((allocation, payment.to_string(), invoice.to_string(), m.customer.clone(), amount));
                summary.payments += 1;
            }
        }
    }
    invoices.finish()?;
    payments.finish()?;
    let mut matches = BatchInsert::new(
        tx,
        "payment_allocation",
        &["id", "payment_id", "invoice_id", "customer_id", "amount", "created_at", "updated_at"],
    )?;
    for (id, payment, invoice, customer, amount) in &matched {
        matches.push(params![id, payment, invoice, customer, amount, written, written])?;
    }
    matches.finish()?;
    let mut number = 0;
    history(tx, today, zone, &mut rng, &mut number, summary)?;
    orders(tx, today, zone, &mut rng, &months, number, summary)?;
    promotions(tx, today, zone, &mut rng)
}

/// This month's promotions of head office's, so that the order form shows
/// them: 5 % off the first product of the catalogue sold by the case, and a
/// case of the second free for every ten bought.
fn promotions(tx: &Transaction<'_>, today: NaiveDate, zone: Zone, rng: &mut Rng) -> Result<()> {
    let cased: Vec<(String, u32)> = tx
        .prepare("SELECT id, case_size FROM product WHERE retired = 0 AND case_size > 1 ORDER BY code LIMIT 2")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let (from, to) = (month_start(today, 0), month_start(today, -1) - Duration::days(1));
    let at = zone.day_start(from);
    let mut insert = tx.prepare(
        "INSERT INTO promotion (id, name, product_id, kind, min_units, discount_percent, gift_product_id, gift_units,
                                valid_from, valid_to, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)",
    )?;
    let month = from.format("%-m月").to_string();
    if let Some((product, _)) = cased.first() {
        let id = demo_id(rng, at).to_string();
        let name = format!("{month}让利 95折");
        insert.execute(params![
            id,
            name,
            product,
            "discount",
            1,
            5,
            None::<String>,
            None::<u32>,
            from.to_string(),
            to.to_string(),
            timestamp(at)
        ])?;
    }
    if let Some((product, case)) = cased.get(1) {
        let id = demo_id(rng, at).to_string();
        let name = format!("{month}买十箱送一箱");
        insert.execute(params![
            id,
            name,
            product,
            "gift",
            case * 10,
            None::<u32>,
            product,
            case,
            from.to_string(),
            to.to_string(),
            timestamp(at)
        ])?;
    }
    Ok(())
}

/// A line of one of the year's orders, as it is written.
struct Line {
    id: String,
    order: String,
    customer: String,
    position: u32,
    product: String,
    quantity: u32,
    price: i64,
    cancelled: u32,
    at: String,
}

/// What a customer bought of a product in a month, as the month's sales lines have it.
struct Bought {
    customer: String,
    month: i32,
    product: String,
    units: u32,
    amount: i64,
    owner: String,
}

/// A year of the distributors' and sub-distributors' monthly orders, as
/// their sales lines say they bought: one order a month with a line per
/// product, captured early in the month by the card's rep, approved the next
/// day and shipped by the ship-by day — now and then late, now and then a
/// line short with the rest cancelled.
fn history(
    tx: &Transaction<'_>,
    today: NaiveDate,
    zone: Zone,
    rng: &mut Rng,
    number: &mut u32,
    summary: &mut DemoSummary,
) -> Result<()> {
    let (from, to) = (month_start(today, ORDER_MONTHS), month_start(today, 0));
    let admin: String = tx.query_row("SELECT staff_id FROM local_profile", [], |r| r.get(0))?;
    let bought: Vec<Bought> = tx
        .prepare(
            "SELECT k.customer_id, CAST(strftime('%Y', f.day + 2440587.5) AS INTEGER) * 12
                      + CAST(strftime('%m', f.day + 2440587.5) AS INTEGER) - 1 AS ym,
                    p.product_id, CAST(round(sum(f.quantity)) AS INTEGER), sum(f.amount), c.owner_id
               FROM sales_fact f JOIN sales_customer_key k ON k.key = f.customer_key
               JOIN sales_product_key p ON p.key = f.product_key
               JOIN customer c ON c.id = k.customer_id
              WHERE f.day >= ?1 AND f.day < ?2 AND c.channel_level IN ('distributor', 'sub_distributor')
              GROUP BY f.customer_key, ym, f.product_key HAVING round(sum(f.quantity)) >= 1 AND sum(f.amount) > 0
              ORDER BY f.customer_key, ym, f.product_key",
        )?
        .query_map(params![epoch_day(from), epoch_day(to)], |r| {
            Ok(Bought {
                customer: r.get(0)?,
                month: r.get(1)?,
                product: r.get(2)?,
                units: r.get::<_, i64>(3)?.clamp(1, i64::from(crate::money::order::MAX_UNITS)) as u32,
                amount: r.get(4)?,
                owner: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut orders = BatchInsert::new(
        tx,
        "sales_order",
        &[
            "id",
            "customer_id",
            "number",
            "author_id",
            "status",
            "payment_kind",
            "delivery_address",
            "total",
            "credit_hold",
            "submitted_at",
            "reviewed_by",
            "reviewed_at",
            "created_at",
            "updated_at",
        ],
    )?;
    // Written after the orders and shipments they belong to.
    let mut lines: Vec<Line> = vec![];
    let mut shipments: Vec<(String, String, String, String, String, String)> = vec![];
    let mut shipped: Vec<(String, String, String, String, u32, String)> = vec![];
    for month in bought.chunk_by(|a, b| a.customer == b.customer && a.month == b.month) {
        let first = &month[0];
        let Some(start) = NaiveDate::from_ymd_opt(first.month.div_euclid(12), first.month.rem_euclid(12) as u32 + 1, 1)
        else {
            continue;
        };
        let day = start + Duration::days(rng.range(2, 8));
        let at = zone.day_start(day) + Duration::hours(9 + rng.range(0, 8));
        let approved = day + Duration::days(1);
        let id = demo_id(rng, at).to_string();
        *number += 1;
        let mut total = 0;
        let order_lines: Vec<(String, &Bought, i64)> = month
            .iter()
            .map(|b| {
                let price = (b.amount / i64::from(b.units)).max(1);
                total += price * i64::from(b.units);
                (demo_id(rng, at).to_string(), b, price)
            })
            .collect();
        orders.push(params![
            id,
            first.customer,
            format!("SO{:08}", *number),
            first.owner,
            "approved",
            if rng.chance(0.9) { "credit" } else { "cash" },
            "",
            total,
            false,
            timestamp(at),
            admin,
            timestamp(zone.day_start(approved) + Duration::hours(10)),
            timestamp(at),
            timestamp(at),
        ])?;
        summary.orders += 1;
        // Out by the ship-by day, now and then late, now and then a line short.
        let by = ship_by(approved);
        let (on, short) = match rng.below(100) {
            0..=7 => (by + Duration::days(rng.range(1, 5)), false),
            8..=11 => ((approved + Duration::days(1)).min(by), true),
            _ => ((approved + Duration::days(rng.range(0, 3))).min(by), false),
        };
        let shipment = demo_id(rng, at).to_string();
        if on <= today {
            shipments.push((
                shipment.clone(),
                id.clone(),
                first.customer.clone(),
                format!("FH{:08}", *number),
                on.to_string(),
                timestamp(at),
            ));
        }
        for (position, (line, b, price)) in order_lines.into_iter().enumerate() {
            let cancelled = if short && position == 0 && b.units > 1 { b.units / 4 } else { 0 };
            lines.push(Line {
                id: line.clone(),
                order: id.clone(),
                customer: b.customer.clone(),
                position: position as u32,
                product: b.product.clone(),
                quantity: b.units,
                price,
                cancelled,
                at: timestamp(at),
            });
            if on <= today {
                shipped.push((
                    demo_id(rng, at).to_string(),
                    shipment.clone(),
                    line,
                    b.customer.clone(),
                    b.units - cancelled,
                    timestamp(at),
                ));
            }
        }
    }
    orders.finish()?;
    let mut batch = BatchInsert::new(
        tx,
        "order_line",
        &[
            "id",
            "order_id",
            "customer_id",
            "position",
            "product_id",
            "quantity",
            "unit_price",
            "list_price",
            "amount",
            "cancelled",
            "created_at",
            "updated_at",
        ],
    )?;
    for l in &lines {
        let amount = l.price * i64::from(l.quantity);
        batch.push(params![
            l.id,
            l.order,
            l.customer,
            l.position,
            l.product,
            l.quantity,
            l.price,
            l.price,
            amount,
            l.cancelled,
            l.at,
            l.at
        ])?;
    }
    batch.finish()?;
    let mut batch = BatchInsert::new(
        tx,
        "shipment",
        &["id", "order_id", "customer_id", "number", "shipped_on", "created_at", "updated_at"],
    )?;
    for (id, order, customer, number, on, at) in &shipments {
        batch.push(params![id, order, customer, number, on, at, at])?;
    }
    batch.finish()?;
    let mut batch = BatchInsert::new(
        tx,
        "shipment_line",
        &["id", "shipment_id", "order_line_id", "customer_id", "quantity", "created_at", "updated_at"],
    )?;
    for (id, shipment, line, customer, quantity, at) in &shipped {
        batch.push(params![id, shipment, line, customer, quantity, at, at])?;
    }
    batch.finish()?;
    // The orders go to the card's first address, as an order does when none is chosen.
    tx.execute(
        "UPDATE sales_order SET delivery_address = coalesce(
                (SELECT coalesce(a.province, '') || coalesce(a.city, '') || coalesce(a.district, '') || a.detail
                   FROM customer_address a WHERE a.customer_id = sales_order.customer_id
                  ORDER BY a.kind = 'delivery' DESC, a.kind = 'warehouse' DESC, a.kind = 'business' DESC, a.created_at LIMIT 1),
                (SELECT name FROM customer WHERE id = sales_order.customer_id))
          WHERE delivery_address = ''",
        [],
    )?;
    Ok(())
}

/// A fortnight of orders from the reps, in every state review knows.
fn orders(
    tx: &Transaction<'_>,
    today: NaiveDate,
    zone: Zone,
    rng: &mut Rng,
    months: &[Month],
    mut number: u32,
    summary: &mut DemoSummary,
) -> Result<()> {
    let products: Vec<(String, Option<u32>, i64)> = tx
        .prepare("SELECT id, case_size, coalesce(list_price, 0) FROM product WHERE retired = 0 ORDER BY code")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let admin: String = tx.query_row("SELECT staff_id FROM local_profile", [], |r| r.get(0))?;
    let last_month = month_start(today, 1);
    let buyers: Vec<&Month> = months.iter().filter(|m| m.month == last_month).collect();
    if products.is_empty() {
        return Ok(());
    }
    let mut owner = tx.prepare(
        "SELECT c.owner_id, coalesce((SELECT coalesce(a.province, '') || coalesce(a.city, '') || coalesce(a.district, '') || a.detail
                                        FROM customer_address a WHERE a.customer_id = c.id
                                       ORDER BY a.kind = 'delivery' DESC, a.kind = 'business' DESC LIMIT 1), c.name)
           FROM customer c WHERE c.id = ?1",
    )?;
    let mut order = tx.prepare(
        "INSERT INTO sales_order (id, customer_id, number, author_id, status, payment_kind, delivery_address, total,
                                  credit_hold, hold_reasons, hold_released_by, hold_released_at, hold_release_reason,
                                  submitted_at, reviewed_by, reviewed_at, return_reason, cancel_reason, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?19)",
    )?;
    let mut line = tx.prepare(
        "INSERT INTO order_line (id, order_id, customer_id, position, product_id, quantity, unit_price, list_price, amount,
                                 created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8, ?9, ?9)",
    )?;
    let mut shipment = tx.prepare(
        "INSERT INTO shipment (id, order_id, customer_id, number, shipped_on, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
    )?;
    let mut shipped_line = tx.prepare(
        "INSERT INTO shipment_line (id, shipment_id, order_line_id, customer_id, quantity, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
    )?;
    // A small book still shows every state: at least about forty orders.
    let share = ORDERING.max(40.0 / buyers.len().max(1) as f64);
    for m in buyers {
        if !rng.chance(share) {
            continue;
        }
        let (author, address): (String, String) = owner.query_row([&m.customer], |r| Ok((r.get(0)?, r.get(1)?)))?;
        let age = rng.range(0, 14);
        let day = today - Duration::days(age);
        let at = zone.day_start(day) + Duration::hours(9 + rng.range(0, 8));
        let id = demo_id(rng, at).to_string();
        let mut lines = vec![];
        for position in 0..rng.range(1, 4) {
            let (product, case, price) = &products[rng.below(products.len())];
            let quantity = case.unwrap_or(1) * rng.range(1, 10) as u32;
            lines.push((
                demo_id(rng, at).to_string(),
                position,
                product.clone(),
                quantity,
                *price,
                i64::from(quantity) * price,
            ));
        }
        let total: i64 = lines.iter().map(|l| l.5).sum();
        // Those who owe us are held; head office released most of the holds it reviewed.
        let held = m.debtor;
        let status = match (age, rng.below(10)) {
            (0..=2, _) | (_, 0) => "submitted",
            (_, 1) => "returned",
            (_, 2) => "cancelled",
            _ => "approved",
        };
        let reviewed = (status != "submitted" && status != "cancelled").then(|| timestamp(at + Duration::days(1)));
        let released = held && status == "approved";
        number += 1;
        let reasons = held.then(|| r#"[{"kind":"overdue_debt"}]"#.to_string());
        order.execute(params![
            id,
            m.customer,
            format!("SO{number:08}"),
            author,
            status,
            if rng.chance(0.85) { "credit" } else { "cash" },
            address,
            total,
            held && !released,
            reasons,
            released.then_some(&admin),
            released.then(|| timestamp(at + Duration::hours(20))),
            released.then_some("客户承诺月底前回款"),
            timestamp(at),
            reviewed.as_ref().map(|_| &admin),
            reviewed,
            (status == "returned").then_some("请按整箱重新下单"),
            (status == "cancelled").then_some("客户改主意"),
            timestamp(at),
        ])?;
        for (line_id, position, product, quantity, price, amount) in &lines {
            line.execute(params![line_id, id, m.customer, position, product, quantity, price, amount, timestamp(at)])?;
        }
        summary.orders += 1;
        if status != "approved" {
            continue;
        }
        // Shipped in full by the deadline, in part (a backorder), or not yet (late once it passes).
        let by = ship_by(day + Duration::days(1));
        let (share, on) = match rng.below(10) {
            0..=5 => (1.0, (day + Duration::days(rng.range(1, 4))).min(by)),
            6..=7 => (0.5, day + Duration::days(2)),
            _ => (0.0, today),
        };
        if share == 0.0 || on > today {
            continue;
        }
        let shipment_id = demo_id(rng, at).to_string();
        shipment.execute(params![
            shipment_id,
            id,
            m.customer,
            format!("FH{number:08}"),
            on.to_string(),
            timestamp(at)
        ])?;
        for (line_id, _, _, quantity, _, _) in &lines {
            let sent = ((f64::from(*quantity) * share).round() as u32).max(1);
            shipped_line.execute(params![
                demo_id(rng, at).to_string(),
                shipment_id,
                line_id,
                m.customer,
                sent,
                timestamp(at)
            ])?;
        }
    }
    Ok(())
}
