//! `fieldcrm-bench orders`: measures the money side's targets (issue 22) on a
//! demo book of 100,000 customers topped up to 1 million order lines and 2
//! million invoice and payment rows — capturing an order of 30 lines with its
//! credit check, opening a card's statement, the review queue of 5,000 orders,
//! importing 100,000 payments (dry run + commit) and the aging of the whole
//! company — and prints the figures (docs/BENCHMARKS.md), with the time the
//! book takes to match every customer's payments again (the kept open
//! amounts, `money::open`) and the other receivables analyses.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clap::Args;
use fieldcrm_core::demo::DemoOptions;
use fieldcrm_core::ids::CustomerId;
use fieldcrm_core::import::{Cancel, ImportRequest};
use fieldcrm_core::model::{ImportKind, PaymentKind};
use fieldcrm_core::money::order::{OrderInput, OrderLineInput, OrderQuery, OrderView};
use fieldcrm_core::ApiError;
use serde::Serialize;

use crate::measure::{invalid, median, ms, p95};

#[derive(Debug, Args)]
pub struct OrdersBenchArgs {
    /// Customers in the generated book.
    #[arg(long, default_value_t = 100_000)]
    customers: u32,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Order lines the book is topped up to (three to an order; 5,000 orders wait for review).
    #[arg(long, default_value_t = 1_000_000)]
    order_lines: u32,
    /// Invoice and payment rows the book is topped up to (half each).
    #[arg(long, default_value_t = 2_000_000)]
    receivable_rows: u32,
    /// Payments in the imported file.
    #[arg(long, default_value_t = 100_000)]
    import_rows: u32,
    /// Repetitions of each measurement.
    #[arg(long, default_value_t = 30)]
    runs: usize,
    /// Where to build the book (a temporary file by default; kept if given).
    #[arg(long)]
    book: Option<PathBuf>,
    /// Measure on a copy of this demo book instead of generating one.
    #[arg(long, value_name = "PATH")]
    on: Option<PathBuf>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Figures {
    customers: i64,
    order_lines: i64,
    invoices: i64,
    payments: i64,
    top_up_s: f64,
    book_mib: f64,
    capture_median_ms: f64,
    capture_p95_ms: f64,
    statement_median_ms: f64,
    statement_p95_ms: f64,
    statement_entries: usize,
    review_median_ms: f64,
    review_p95_ms: f64,
    review_orders: usize,
    import_rows: u32,
    import_dry_run_s: f64,
    import_commit_s: f64,
    import_total_s: f64,
    settle_all_s: f64,
    aging_median_ms: f64,
    aging_p95_ms: f64,
    aging_customers: u32,
    overdue_ms: f64,
    collections_ms: f64,
    fulfilment_ms: f64,
}

pub fn run(args: &OrdersBenchArgs, json: bool) -> Result<(), ApiError> {
    if args.customers < 1_000 || args.runs == 0 || args.order_lines < 15_000 || args.import_rows == 0 {
        return Err(invalid(
            "fieldcrm-bench orders needs at least 1,000 customers, 15,000 order lines, 1 run and 1 import row".into(),
        ));
    }
    let f = crate::measure::in_new_book(args.book.as_ref(), "orders", |path| measure(args, path))?;
    crate::terminal::show(&f, json, |f| {
        [
            format!(
                "book: {} customers, {} order lines, {} invoices, {} payments ({:.0} MiB; topped up in {:.1} s)",
                f.customers, f.order_lines, f.invoices, f.payments, f.book_mib, f.top_up_s
            ),
            format!(
                "capture an order of 30 lines with its credit check: median {:.1} ms, p95 {:.1} ms (target < 20 ms)",
                f.capture_median_ms, f.capture_p95_ms
            ),
            format!(
                "a card's statement ({} entries): median {:.1} ms, p95 {:.1} ms (target < 10 ms)",
                f.statement_entries, f.statement_median_ms, f.statement_p95_ms
            ),
            format!(
                "the review queue of {} orders: median {:.1} ms, p95 {:.1} ms (target < 100 ms)",
                f.review_orders, f.review_median_ms, f.review_p95_ms
            ),
            format!(
                "import {} payments from csv: dry run {:.2} s + commit {:.2} s = {:.2} s (target < 10 s)",
                f.import_rows, f.import_dry_run_s, f.import_commit_s, f.import_total_s
            ),
            format!("matching every customer's payments again (after the top-up): {:.2} s", f.settle_all_s),
            format!(
                "aging of the whole company ({} customers owing): median {:.1} ms, p95 {:.1} ms (target < 300 ms)",
                f.aging_customers, f.aging_median_ms, f.aging_p95_ms
            ),
            format!(
                "the overdue list {:.0} ms, collections over a year {:.0} ms, order fulfilment over a year {:.0} ms",
                f.overdue_ms, f.collections_ms, f.fulfilment_ms
            ),
        ]
        .join("\n")
    });
    Ok(())
}

fn measure(args: &OrdersBenchArgs, path: &Path) -> Result<Figures, ApiError> {
    let book = match &args.on {
        Some(base) => {
            crate::keys::copy(base, path)?;
            crate::keys::open(path)?
        }
        None => {
            let book = crate::keys::open(path)?;
            book.load_demo(&DemoOptions { customers: args.customers, seed: args.seed, as_of: None })?;
            book
        }
    };
    drop(book);
    let started = Instant::now();
    let conn = crate::keys::raw(path)?;
    top_up(conn, args).map_err(|e| invalid(format!("topping the book up failed: {e}")))?;
    let top_up_s = started.elapsed().as_secs_f64();
    let conn = crate::keys::raw(path).map_err(|e| invalid(e.to_string()))?;
    let count = |sql: &str| -> Result<i64, ApiError> {
        conn.query_row(sql, [], |r| r.get(0)).map_err(|e| invalid(e.to_string()))
    };
    let (customers, order_lines) = (count("SELECT count(*) FROM customer")?, count("SELECT count(*) FROM order_line")?);
    let (invoices, payments) = (count("SELECT count(*) FROM invoice")?, count("SELECT count(*) FROM payment")?);
    let sample: Vec<(String, String)> = conn
        .prepare("SELECT id, code FROM customer WHERE code IS NOT NULL ORDER BY id")
        .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
        .map_err(|e| invalid(e.to_string()))?;
    let products: Vec<String> = conn
        .prepare("SELECT code FROM product WHERE retired = 0 ORDER BY code")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .map_err(|e| invalid(e.to_string()))?;
    drop(conn);
    // The top-up wrote with plain SQL: the book matches every customer's
    // payments again, as it would after a migration, and works out the open
    // amount of the orders it noted (else the first order captured would).
    let started = Instant::now();
    {
        let mut conn = fieldcrm_core::api::open_connection(path, &crate::keys::key(path)?).map_err(ApiError::from)?;
        let tx = conn.transaction().map_err(|e| invalid(e.to_string()))?;
        fieldcrm_core::money::open::settle(&tx).map_err(ApiError::from)?;
        fieldcrm_core::money::in_hand::settle(&tx).map_err(ApiError::from)?;
        tx.commit().map_err(|e| invalid(e.to_string()))?;
    }
    let settle_all_s = started.elapsed().as_secs_f64();
    let book = crate::keys::open(path)?;
    let year = fieldcrm_core::sales::analysis::AnalysisQuery {
        from: "2025-11-01".into(),
        to: "2026-10-31".into(),
        unit_id: None,
    };
    let mut aging = vec![];
    let mut owing = 0;
    for _ in 0..args.runs {
        let t = Instant::now();
        owing = book.receivables_aging(&year)?.customers;
        aging.push(t.elapsed());
    }
    if owing == 0 {
        return Err(invalid("the aging found nobody owing: nothing was measured".into()));
    }
    let once = |f: &dyn Fn() -> Result<(), ApiError>| -> Result<f64, ApiError> {
        let t = Instant::now();
        f()?;
        Ok(ms(t.elapsed()))
    };
    let overdue_ms = once(&|| book.receivables_overdue(&year).map(drop))?;
    let collections_ms = once(&|| book.receivables_collections(&year).map(drop))?;
    let fulfilment_ms = once(&|| book.order_fulfilment(&year).map(drop))?;
    let pick = |i: usize| -> Result<CustomerId, ApiError> {
        sample[(i * 7919) % sample.len()].0.parse().map_err(|_| invalid("a customer id that is no id".into()))
    };

    let mut capture = vec![];
    for run in 0..args.runs {
        let input = OrderInput {
            customer_id: pick(run)?,
            payment_kind: PaymentKind::Credit,
            address_id: None,
            delivery_address: Some("仓库".into()),
            wanted_on: None,
            notes: None,
            lines: (0..30)
                .map(|i| OrderLineInput {
                    product: products[(run + i) % products.len()].clone(),
                    cases: 0,
                    units: 10,
                    unit_price: None,
                    gift: false,
                })
                .collect(),
            submit: true,
        };
        let t = Instant::now();
        book.create_order(&input)?;
        capture.push(t.elapsed());
    }
    let mut statement = vec![];
    let mut entries = 0;
    for run in 0..args.runs {
        let customer = pick(run + 1000)?;
        let t = Instant::now();
        entries = entries.max(book.customer_statement(customer)?.entries.len());
        statement.push(t.elapsed());
    }
    let mut review = vec![];
    let mut queued = 0;
    for _ in 0..args.runs {
        let t = Instant::now();
        queued = book.list_orders(&OrderQuery { view: OrderView::Review, customer_id: None, limit: None })?.len();
        review.push(t.elapsed());
    }

    let file = path.with_extension("payments.csv");
    let mut csv = String::from("客户编码,回款单号,回款日期,回款金额,款项类型\n");
    for i in 0..args.import_rows as usize {
        let (_, code) = &sample[(i * 31) % sample.len()];
        csv.push_str(&format!(
            "{code},BENCH-HK{i:07},2026-11-{:02},{}.{:02},现金\n",
            1 + i % 28,
            100 + i % 5000,
            i % 100
        ));
    }
    std::fs::write(&file, csv).map_err(|e| invalid(format!("cannot write {}: {e}", file.display())))?;
    let request = ImportRequest::new(file.display().to_string(), ImportKind::Payments);
    let t = Instant::now();
    let dry = book.import(&request, false, &mut |_| {}, &Cancel::default())?;
    let dry_run = t.elapsed();
    let t = Instant::now();
    let done = book.import(&request, true, &mut |_| {}, &Cancel::default())?;
    let commit = t.elapsed();
    if dry.created != args.import_rows || done.created != args.import_rows {
        return Err(invalid(format!("the payments did not import: {} planned, {} created", dry.created, done.created)));
    }
    let _ = std::fs::remove_file(&file);
    let book_mib = std::fs::metadata(path).map(|m| m.len() as f64 / 1048576.0).unwrap_or(0.0);
    let secs = |d: Duration| d.as_secs_f64();
    Ok(Figures {
        customers,
        order_lines,
        invoices,
        payments,
        top_up_s,
        book_mib,
        capture_median_ms: ms(median(capture.clone())),
        capture_p95_ms: ms(p95(capture)),
        statement_median_ms: ms(median(statement.clone())),
        statement_p95_ms: ms(p95(statement)),
        statement_entries: entries,
        review_median_ms: ms(median(review.clone())),
        review_p95_ms: ms(p95(review)),
        review_orders: queued,
        import_rows: args.import_rows,
        import_dry_run_s: secs(dry_run),
        import_commit_s: secs(commit),
        import_total_s: secs(dry_run + commit),
        settle_all_s,
        aging_median_ms: ms(median(aging.clone())),
        aging_p95_ms: ms(p95(aging)),
        aging_customers: owing,
        overdue_ms,
        collections_ms,
        fulfilment_ms,
    })
}

/// Tops the book up to the bench's scale with plain SQL (ids in UUID form; sync capture off:
/// these rows are the book's own, never sent): orders of three lines spread
/// over the customers, 5,000 of them waiting for review, the rest approved;
/// invoices over two years and a payment for each.
fn top_up(mut conn: rusqlite::Connection, args: &OrdersBenchArgs) -> rusqlite::Result<()> {
    let tx = conn.transaction()?;
    tx.execute("UPDATE sync_state SET capture = 0 WHERE singleton = 1", [])?;
    tx.execute_batch("DROP TABLE IF EXISTS temp.n; CREATE TEMP TABLE n (i INTEGER PRIMARY KEY);")?;
    let most = (args.order_lines / 3).max(args.receivable_rows / 2);
    tx.execute("WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i + 1 < ?1) INSERT INTO n SELECT i FROM s", [most])?;
    tx.execute_batch(
        "CREATE TEMP TABLE c AS SELECT row_number() OVER (ORDER BY id) - 1 AS r, id, owner_id FROM customer;
         CREATE INDEX temp.c_r ON c(r);
         CREATE TEMP TABLE p AS SELECT row_number() OVER (ORDER BY code) - 1 AS r, id, coalesce(list_price, 100) AS price FROM product;",
    )?;
    let customers: i64 = tx.query_row("SELECT count(*) FROM temp.c", [], |r| r.get(0))?;
    let products: i64 = tx.query_row("SELECT count(*) FROM temp.p", [], |r| r.get(0))?;
    let at = "2026-11-01T02:00:00.000Z";
    tx.execute(
        "INSERT INTO sales_order (id, customer_id, number, author_id, status, payment_kind, delivery_address, total, credit_hold,
                                  submitted_at, reviewed_at, created_at, updated_at)
         SELECT printf('00000000-0000-7000-8000-%012d', n.i), c.id, printf('SB%08d', n.i), c.owner_id,
                CASE WHEN n.i < 5000 THEN 'submitted' ELSE 'approved' END, 'credit', '仓库', 0, 0, ?3,
                CASE WHEN n.i < 5000 THEN NULL ELSE ?3 END, ?3, ?3
           FROM n JOIN temp.c c ON c.r = n.i % ?2 WHERE n.i < ?1",
        rusqlite::params![args.order_lines / 3, customers, at],
    )?;
    for j in 0..3 {
        tx.execute(
            "INSERT INTO order_line (id, order_id, customer_id, position, product_id, quantity, unit_price, list_price, amount, created_at, updated_at)
             SELECT printf('00000000-%04d-7000-8000-%012d', ?4 + 1, n.i), printf('00000000-0000-7000-8000-%012d', n.i), c.id, ?4, p.id, 10, p.price, p.price, 10 * p.price, ?3, ?3
               FROM n JOIN temp.c c ON c.r = n.i % ?2 JOIN temp.p p ON p.r = (n.i + ?4) % ?5 WHERE n.i < ?1",
            rusqlite::params![args.order_lines / 3, customers, at, j, products],
        )?;
    }
    tx.execute(
        "UPDATE sales_order SET total = (SELECT sum(amount) FROM order_line l WHERE l.order_id = sales_order.id)
          WHERE id GLOB '00000000-0000-7000-8000-*'",
        [],
    )?;
    tx.execute(
        "INSERT INTO invoice (id, customer_id, number, issued_on, due_on, amount, created_at, updated_at)
         SELECT printf('00000001-0000-7000-8000-%012d', n.i), c.id, printf('BI%09d', n.i), date('2024-12-01', '+' || (n.i % 720) || ' days'),
                date('2024-12-01', '+' || (n.i % 720 + 30) || ' days'), 10000 + n.i % 90000, ?3, ?3
           FROM n JOIN temp.c c ON c.r = n.i % ?2 WHERE n.i < ?1",
        rusqlite::params![args.receivable_rows / 2, customers, at],
    )?;
    tx.execute(
        "INSERT INTO payment (id, customer_id, number, paid_on, amount, kind, created_at, updated_at)
         SELECT printf('00000002-0000-7000-8000-%012d', n.i), c.id, printf('BP%09d', n.i), date('2024-12-01', '+' || (n.i % 720 + 25) || ' days'),
                10000 + n.i % 90000, CASE WHEN n.i % 10 = 0 THEN 'expense' ELSE 'cash' END, ?3, ?3
           FROM n JOIN temp.c c ON c.r = n.i % ?2 WHERE n.i < ?1 AND n.i % 20 <> 0",
        rusqlite::params![args.receivable_rows / 2, customers, at],
    )?;
    tx.execute("UPDATE sync_state SET capture = 1 WHERE singleton = 1", [])?;
    tx.commit()?;
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE); ANALYZE;")?;
    Ok(())
}
