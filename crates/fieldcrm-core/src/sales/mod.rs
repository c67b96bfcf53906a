//! Head office's product catalogue and the sales lines imported from the ERP
//! ([`analysis`] computes the composition analyses from them, [`sheet`]
//! writes them to Excel). Design notes: docs/SALES.md.
//!
//! Both are head office's data: laptops receive them through sync and never
//! write them. Products are named by their code and sales lines with a
//! document number by (document, line), so a second import of the same file
//! updates rows instead of doubling them.

pub mod analysis;
pub mod sheet;

use crate::error::ProblemCode;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock::{timestamp, Zone};
use crate::error::{Error, FieldProblem, Result};
use crate::ids::{derived_parts, CustomerId, ProductId, SalesLineId};
use crate::model::SalesKind;

/// Largest amount of one line, in fen (10 billion yuan).
pub const MAX_AMOUNT: i64 = 1_000_000_000_000;
/// Largest quantity of one line.
pub const MAX_QUANTITY: f64 = 1e9;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Product {
    pub id: ProductId,
    pub code: String,
    pub name: String,
    pub category: Option<String>,
    pub line: Option<String>,
    pub unit: String,
    pub case_size: Option<u32>,
    /// List price per unit, in fen.
    #[ts(type = "number | null")]
    pub list_price: Option<i64>,
    pub retired: bool,
}

/// A product to create or update (by its code).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProductInput {
    pub code: String,
    pub name: String,
    #[serde(default)]
    #[ts(optional)]
    pub category: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub line: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub unit: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub case_size: Option<u32>,
    #[serde(default)]
    #[ts(optional, type = "number")]
    pub list_price: Option<i64>,
    #[serde(default)]
    #[ts(optional)]
    pub retired: Option<bool>,
}

/// The id every book gives the product with this code.
pub fn product_id(code: &str) -> ProductId {
    let (millis, random) = derived_parts(&format!("product/{}", code.trim()), 0);
    ProductId::from_parts(millis, random)
}

fn short_text(
    field: &str,
    value: Option<&str>,
    max: usize,
    required: bool,
    problems: &mut Vec<FieldProblem>,
) -> Option<String> {
    let value = value.map(str::trim).filter(|v| !v.is_empty());
    match value {
        None if required => {
            problems.push(FieldProblem::new(field, ProblemCode::Required, "this field is required"));
            None
        }
        None => None,
        Some(v) if v.chars().count() > max => {
            problems.push(FieldProblem::new(field, ProblemCode::TooLong, format!("at most {max} characters fit")));
            None
        }
        Some(v) if v.chars().any(char::is_control) => {
            problems.push(FieldProblem::new(field, ProblemCode::ControlCharacters, "remove line breaks and tabs"));
            None
        }
        Some(v) => Some(v.to_string()),
    }
}

/// Checks a product completely; the problems name the input's fields.
pub fn check_product(input: &ProductInput) -> Result<ProductInput> {
    let mut problems = vec![];
    let code = short_text("code", Some(&input.code), 40, true, &mut problems);
    let name = short_text("name", Some(&input.name), 100, true, &mut problems);
    let category = short_text("category", input.category.as_deref(), 40, false, &mut problems);
    let line = short_text("line", input.line.as_deref(), 40, false, &mut problems);
    let unit = short_text("unit", input.unit.as_deref(), 10, false, &mut problems);
    if input.case_size.is_some_and(|n| n == 0 || n > 100_000) {
        problems.push(FieldProblem::new(
            "caseSize",
            ProblemCode::OutOfRange,
            "a case holds between 1 and 100000 units",
        ));
    }
    if input.list_price.is_some_and(|p| !(0..=MAX_AMOUNT).contains(&p)) {
        problems.push(FieldProblem::new(
            "listPrice",
            ProblemCode::OutOfRange,
            "a list price is between 0 and 10 billion yuan",
        ));
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    Ok(ProductInput {
        code: code.unwrap_or_default(),
        name: name.unwrap_or_default(),
        category,
        line,
        unit: Some(unit.unwrap_or_else(|| "件".to_string())),
        case_size: input.case_size,
        list_price: input.list_price,
        retired: input.retired,
    })
}

/// Creates the product, or updates the one with its code. True when created.
pub fn save_product(tx: &Transaction<'_>, input: &ProductInput, now: DateTime<Utc>) -> Result<bool> {
    let p = check_product(input)?;
    let id = product_id(&p.code);
    let ts = timestamp(now);
    let existing: Option<bool> =
        tx.prepare_cached("SELECT retired FROM product WHERE id = ?1")?.query_row([id], |r| r.get(0)).optional()?;
    match existing {
        None => {
            tx.prepare_cached(
                "INSERT INTO product (id, code, name, category, line, unit, case_size, list_price, retired, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
            )?
            .execute(params![
                id,
                p.code,
                p.name,
                p.category,
                p.line,
                p.unit,
                p.case_size,
                p.list_price,
                p.retired.unwrap_or(false),
                ts
            ])?;
            Ok(true)
        }
        Some(retired) => {
            // Only changed columns are written, so the sync carries only real changes.
            tx.prepare_cached(
                "UPDATE product SET name = ?2, category = ?3, line = ?4, unit = ?5, case_size = ?6, list_price = ?7,
                        retired = ?8, updated_at = ?9
                  WHERE id = ?1 AND (name, category, line, unit, case_size, list_price, retired)
                        IS NOT (?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                id,
                p.name,
                p.category,
                p.line,
                p.unit,
                p.case_size,
                p.list_price,
                p.retired.unwrap_or(retired),
                ts
            ])?;
            Ok(false)
        }
    }
}

pub fn products(conn: &Connection) -> Result<Vec<Product>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, code, name, category, line, unit, case_size, list_price, retired FROM product
          ORDER BY retired, coalesce(line, ''), code",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Product {
            id: r.get(0)?,
            code: r.get(1)?,
            name: r.get(2)?,
            category: r.get(3)?,
            line: r.get(4)?,
            unit: r.get(5)?,
            case_size: r.get(6)?,
            list_price: r.get(7)?,
            retired: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The products on sale a rep finds by what they type at the order form:
/// the code, the name, or its pinyin (full, or initials: `jzn` finds 金装奶粉).
/// Best first: the code itself, codes starting with it, initials starting
/// with it, then any other match; at most `limit`.
pub fn find_products(conn: &Connection, text: &str, limit: usize) -> Result<Vec<Product>> {
    let wanted = text.trim().to_lowercase();
    if wanted.is_empty() {
        return Ok(products(conn)?.into_iter().filter(|p| !p.retired).take(limit).collect());
    }
    let wanted_letters: String = wanted.chars().filter(|c| !c.is_whitespace()).collect();
    let mut ranked: Vec<(u8, Product)> = products(conn)?
        .into_iter()
        .filter(|p| !p.retired)
        .filter_map(|p| {
            let code = p.code.to_lowercase();
            let (full, initials) = crate::search::pinyin(&p.name);
            let rank = if code == wanted {
                0
            } else if code.starts_with(&wanted) {
                1
            } else if initials.starts_with(&wanted_letters) {
                2
            } else if p.name.to_lowercase().contains(&wanted)
                || full.contains(&wanted_letters)
                || initials.contains(&wanted_letters)
                || code.contains(&wanted)
            {
                3
            } else {
                return None;
            };
            Some((rank, p))
        })
        .collect();
    ranked.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.code.cmp(&b.1.code)));
    Ok(ranked.into_iter().take(limit).map(|(_, p)| p).collect())
}

/// A checked sales line, ready to write.
#[derive(Debug, Clone, PartialEq)]
pub struct SalesLineInput {
    pub customer_id: CustomerId,
    pub product_id: ProductId,
    pub sold_on: NaiveDate,
    pub quantity: f64,
    /// In fen; negative for returns.
    pub amount: i64,
    pub kind: SalesKind,
    pub document: Option<String>,
    /// The line within the document (its row number when the file has none).
    pub line: Option<String>,
}

/// The id of a sales line: derived from (document, line) when the ERP gave a
/// document number, so importing it again updates it; new otherwise.
pub fn line_id(input: &SalesLineInput) -> SalesLineId {
    // The id's time part is the day at UTC+8, whatever the business time zone:
    // the same line imported into any book, before or after a change of zone,
    // must get the same id.
    let millis = u64::try_from(Zone::DEFAULT.day_start(input.sold_on).timestamp_millis()).unwrap_or(0);
    match &input.document {
        Some(document) => {
            let key = format!("sales_line/{document}/{}", input.line.as_deref().unwrap_or(""));
            let (millis, random) = derived_parts(&key, millis);
            SalesLineId::from_parts(millis, random)
        }
        None => SalesLineId::new(),
    }
}

/// Writes a sales line: creates it, or updates the line with its id. True when created.
pub fn save_line(tx: &Transaction<'_>, input: &SalesLineInput, now: DateTime<Utc>) -> Result<bool> {
    if !input.quantity.is_finite() || input.quantity.abs() > MAX_QUANTITY {
        return Err(Error::invalid("quantity", ProblemCode::OutOfRange, "a quantity lies within ±1 billion"));
    }
    if input.amount.abs() > MAX_AMOUNT {
        return Err(Error::invalid("amount", ProblemCode::OutOfRange, "an amount lies within ±10 billion yuan"));
    }
    let id = line_id(input);
    let sold_on = input.sold_on.format("%Y-%m-%d").to_string();
    let updated = tx
        .prepare_cached(
            "UPDATE sales_line SET customer_id = ?2, product_id = ?3, sold_on = ?4, quantity = ?5, amount = ?6, kind = ?7
              WHERE id = ?1 AND (customer_id, product_id, sold_on, quantity, amount, kind) IS NOT (?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![id, input.customer_id, input.product_id, sold_on, input.quantity, input.amount, input.kind])?;
    if updated > 0 {
        return Ok(false);
    }
    let inserted = tx
        .prepare_cached(
            "INSERT INTO sales_line (id, customer_id, product_id, sold_on, quantity, amount, kind, document, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (id) DO NOTHING",
        )?
        .execute(params![
            id,
            input.customer_id,
            input.product_id,
            sold_on,
            input.quantity,
            input.amount,
            input.kind,
            input.document,
            timestamp(now)
        ])?;
    Ok(inserted > 0)
}

/// Rebuilds the analyses' figures from the sales lines (after a bulk load
/// that bypassed the triggers, or to repair them).
pub fn rebuild_facts(tx: &Transaction<'_>) -> Result<()> {
    tx.execute_batch(
        "DELETE FROM sales_fact;
         INSERT INTO sales_customer_key (customer_id) SELECT DISTINCT customer_id FROM sales_line WHERE true
             ON CONFLICT DO NOTHING;
         INSERT INTO sales_product_key (product_id) SELECT DISTINCT product_id FROM sales_line WHERE true
             ON CONFLICT DO NOTHING;
         INSERT INTO sales_fact (day, customer_key, product_key, quantity, amount, lines)
         SELECT CAST(julianday(s.sold_on) - 2440587.5 AS INTEGER), ck.key, pk.key, sum(s.quantity), sum(s.amount), count(*)
           FROM sales_line s
           JOIN sales_customer_key ck ON ck.customer_id = s.customer_id
           JOIN sales_product_key pk ON pk.product_id = s.product_id
          GROUP BY 1, 2, 3;",
    )?;
    rebuild_xun(tx)
}

/// Rebuilds the sales per 旬 and customer (`sales_xun`, what progress against
/// targets reads) from the analyses' figures.
pub fn rebuild_xun(tx: &Transaction<'_>) -> Result<()> {
    tx.execute_batch(
        "DELETE FROM sales_xun;
         INSERT INTO sales_xun (xun, customer_key, amount, quantity, lines)
         SELECT CAST(strftime('%Y', day * 86400, 'unixepoch') AS INTEGER) * 36
                + (CAST(strftime('%m', day * 86400, 'unixepoch') AS INTEGER) - 1) * 3
                + min((CAST(strftime('%d', day * 86400, 'unixepoch') AS INTEGER) - 1) / 10, 2),
                customer_key, sum(amount), sum(quantity), sum(lines)
           FROM sales_fact GROUP BY 1, 2;",
    )?;
    Ok(())
}

/// What sales data the book holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SalesOverview {
    pub products: u32,
    pub lines: u32,
    pub customers: u32,
    pub first_day: Option<String>,
    pub last_day: Option<String>,
    /// Sum of all lines, in fen.
    #[ts(type = "number")]
    pub amount: i64,
}

/// What sales data the book holds.
///
/// Never sums the lines: the sales page shows this beside its first chart.
/// The count and amount are the running totals (`sales_total`, 0 ms; summing
/// the figures of 3.3 million lines took 0.23 s, the lines 2.2 s); the first
/// and last day are the ends of the figures' key; the customers are those with
/// a line, found through the lines' customer index (0.13 s on 100,000 cards).
pub fn overview(conn: &Connection) -> Result<SalesOverview> {
    Ok(conn
        .prepare_cached(
            "SELECT (SELECT count(*) FROM product), lines,
                (SELECT count(*) FROM sales_customer_key k
                  WHERE EXISTS (SELECT 1 FROM sales_line s WHERE s.customer_id = k.customer_id)),
                (SELECT date(min(day) + 2440587.5) FROM sales_fact),
                (SELECT date(max(day) + 2440587.5) FROM sales_fact),
                amount
           FROM sales_total",
        )?
        .query_row([], |r| {
            Ok(SalesOverview {
                products: r.get(0)?,
                lines: r.get(1)?,
                customers: r.get(2)?,
                first_day: r.get(3)?,
                last_day: r.get(4)?,
                amount: r.get(5)?,
            })
        })?)
}

/// One sales line as a card shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CustomerSalesLine {
    pub id: SalesLineId,
    pub sold_on: String,
    pub product_code: String,
    pub product_name: String,
    pub unit: String,
    pub quantity: f64,
    #[ts(type = "number")]
    pub amount: i64,
    pub kind: SalesKind,
    pub document: Option<String>,
}

/// A customer's latest sales lines, newest first.
pub fn customer_lines(conn: &Connection, customer: CustomerId, limit: u32) -> Result<Vec<CustomerSalesLine>> {
    let mut stmt = conn.prepare_cached(
        "SELECT s.id, s.sold_on, p.code, p.name, p.unit, s.quantity, s.amount, s.kind, s.document
           FROM sales_line s JOIN product p ON p.id = s.product_id
          WHERE s.customer_id = ?1 ORDER BY s.sold_on DESC, s.id DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![customer, limit.clamp(1, 10_000)], |r| {
        Ok(CustomerSalesLine {
            id: r.get(0)?,
            sold_on: r.get(1)?,
            product_code: r.get(2)?,
            product_name: r.get(3)?,
            unit: r.get(4)?,
            quantity: r.get(5)?,
            amount: r.get(6)?,
            kind: r.get(7)?,
            document: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A book with three customers and two products (the minimum the
    /// foreign keys need), capture off.
    fn book() -> Connection {
        let conn = crate::api::open_connection_in_memory().expect("book");
        conn.execute_batch(
            "UPDATE sync_state SET capture = 0;
             INSERT INTO org_unit (id, kind, name, created_at, updated_at) VALUES ('u', 'head_office', 'HQ', '', '');
             INSERT INTO staff (id, name, role, org_unit_id, created_at, updated_at) VALUES ('s', '甲', 'rep', 'u', '', '');
             INSERT INTO customer (id, name, name_pinyin, channel_level, lifecycle, owner_id, territory_id, reviewed_at, created_at, updated_at)
               VALUES ('c0', 'a', 'a', 'retailer', 'active', 's', 'u', '', '', ''),
                      ('c1', 'b', 'b', 'retailer', 'active', 's', 'u', '', '', ''),
                      ('c2', 'c', 'c', 'retailer', 'active', 's', 'u', '', '', '');
             INSERT INTO product (id, code, name, unit, created_at, updated_at)
               VALUES ('p0', 'P0', 'x', '袋', '', ''), ('p1', 'P1', 'y', '袋', '', '');",
        )
        .expect("setup");
        conn
    }

    #[derive(Debug, Clone)]
    enum Op {
        Insert { line: u8, customer: u8, product: u8, day: u8, amount: i32 },
        Update { line: u8, customer: u8, day: u8, amount: i32 },
        Delete { line: u8 },
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (0..12u8, 0..3u8, 0..2u8, 0..5u8, -5000..50_000i32)
                .prop_map(|(line, customer, product, day, amount)| Op::Insert { line, customer, product, day, amount }),
            (0..12u8, 0..3u8, 0..5u8, -5000..50_000i32).prop_map(|(line, customer, day, amount)| Op::Update {
                line,
                customer,
                day,
                amount
            }),
            (0..12u8).prop_map(|line| Op::Delete { line }),
        ]
    }

    /// Day, customer, product, amount, lines.
    type Figure = (i64, String, String, i64, i64);

    /// The figures as the triggers kept them, and as summed afresh from the lines.
    fn figures(conn: &Connection) -> (Vec<Figure>, Vec<Figure>) {
        let read = |sql: &str| -> Vec<Figure> {
            conn.prepare(sql)
                .expect("sql")
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
                .expect("query")
                .collect::<rusqlite::Result<_>>()
                .expect("rows")
        };
        let kept = read(
            "SELECT f.day, ck.customer_id, pk.product_id, f.amount, f.lines FROM sales_fact f
               JOIN sales_customer_key ck ON ck.key = f.customer_key JOIN sales_product_key pk ON pk.key = f.product_key
              ORDER BY 1, 2, 3",
        );
        let fresh = read(
            "SELECT CAST(julianday(sold_on) - 2440587.5 AS INTEGER), customer_id, product_id, sum(amount), count(*)
               FROM sales_line GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
        );
        (kept, fresh)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// Whatever is written to the sales lines, in any order, the
        /// analyses' figures are the lines summed, and a rebuild agrees.
        #[test]
        fn the_figures_always_equal_the_lines_summed(ops in proptest::collection::vec(op(), 1..40)) {
            let mut conn = book();
            let tx = conn.transaction().expect("tx");
            for op in ops {
                match op {
                    Op::Insert { line, customer, product, day, amount } => {
                        tx.execute(
                            "INSERT INTO sales_line (id, customer_id, product_id, sold_on, quantity, amount, kind, created_at)
                             VALUES (?1, ?2, ?3, ?4, 1, ?5, 'shipment', '') ON CONFLICT (id) DO NOTHING",
                            params![format!("l{line}"), format!("c{customer}"), format!("p{product}"),
                                    format!("2026-03-0{}", day + 1), amount],
                        ).expect("insert");
                    }
                    Op::Update { line, customer, day, amount } => {
                        tx.execute(
                            "UPDATE sales_line SET customer_id = ?2, sold_on = ?3, amount = ?4 WHERE id = ?1",
                            params![format!("l{line}"), format!("c{customer}"), format!("2026-03-0{}", day + 1), amount],
                        ).expect("update");
                    }
                    Op::Delete { line } => {
                        tx.execute("DELETE FROM sales_line WHERE id = ?1", [format!("l{line}")]).expect("delete");
                    }
                }
            }
            let (kept, fresh) = figures(&tx);
            prop_assert_eq!(&kept, &fresh);
            // The overview, read from the figures, says what the lines say.
            let shown = overview(&tx).expect("overview");
            let counted: (u32, u32, Option<String>, Option<String>, i64) = tx
                .query_row(
                    "SELECT count(*), count(DISTINCT customer_id), min(sold_on), max(sold_on), coalesce(sum(amount), 0)
                       FROM sales_line",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
                )
                .expect("lines");
            prop_assert_eq!((shown.lines, shown.customers, shown.first_day, shown.last_day, shown.amount), counted);
            rebuild_facts(&tx).expect("rebuild");
            let (rebuilt, _) = figures(&tx);
            prop_assert_eq!(rebuilt, fresh);
        }
    }
}
