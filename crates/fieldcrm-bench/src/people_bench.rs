//! `fieldcrm-bench people`: measures head office's approval inbox and
//! handing over (issue 24) on a demo book
//! of 100,000 customers: a rep with 1,000 cards hands them all to a rep of
//! another territory in one step (each card changes owner and territory, with
//! its history), and the file head office then writes the new rep's laptop,
//! with every card whole, is written and read at the speed per change that
//! `fieldcrm-bench sync` measures for ordinary edits.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clap::Args;
use fieldcrm_core::api::sync::EnrollDevice;
use fieldcrm_core::api::{Handover, HandoverPart};
use fieldcrm_core::approval::ProposalBox;
use fieldcrm_core::demo::DemoOptions;
use fieldcrm_core::ids::{CustomerId, StaffId};
use fieldcrm_core::ApiError;
use serde::Serialize;

use crate::measure::{invalid, median, ms, p95};

#[derive(Debug, Args)]
pub struct PeopleBenchArgs {
    /// Customers in the generated book.
    #[arg(long, default_value_t = 100_000)]
    customers: u32,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Cards handed over in one step.
    #[arg(long, default_value_t = 1_000)]
    handed: u32,
    /// Handovers measured (there and back again).
    #[arg(long, default_value_t = 5)]
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
    build_s: f64,
    handed: u32,
    tasks: u32,
    orders: u32,
    routes: u32,
    proposals: i64,
    inbox_rows: usize,
    inbox_median_ms: f64,
    inbox_p95_ms: f64,
    detail_median_ms: f64,
    preview_median_ms: f64,
    handover_median_ms: f64,
    handover_max_ms: f64,
    file_changes: u32,
    file_bytes: usize,
    export_ms: f64,
    import_ms: f64,
    export_us_per_change: f64,
    import_us_per_change: f64,
}

pub fn run(args: &PeopleBenchArgs, json: bool) -> Result<(), ApiError> {
    if args.customers < 1_000 || args.runs == 0 || args.handed == 0 {
        return Err(invalid("fieldcrm-bench people needs at least 1,000 customers, 1 card and 1 run".into()));
    }
    let f = crate::measure::in_new_book(args.book.as_ref(), "people", |path| measure(args, path))?;
    crate::terminal::show(&f, json, |f| {
        [
            format!("book: {} customers, {} proposals (built in {:.0} s)", f.customers, f.proposals, f.build_s),
            format!(
                "head office's inbox (待我审批, {} waiting of all open proposals): median {:.1} ms, p95 {:.1} ms (target < 50 ms); a proposal with its card's sales and debts: median {:.1} ms",
                f.inbox_rows, f.inbox_median_ms, f.inbox_p95_ms, f.detail_median_ms
            ),
            format!(
                "handing over {} customers ({} routes, {} open tasks, {} unfinished orders) to a rep of another territory: median {:.0} ms, max {:.0} ms (target < 2 s); preview median {:.0} ms",
                f.handed, f.routes, f.tasks, f.orders, f.handover_median_ms, f.handover_max_ms, f.preview_median_ms
            ),
            format!(
                "the new rep's file: {} changes, {} KiB; written in {:.0} ms ({:.2} µs a change), read on the laptop in {:.0} ms ({:.2} µs a change)",
                f.file_changes,
                f.file_bytes / 1024,
                f.export_ms,
                f.export_us_per_change,
                f.import_ms,
                f.import_us_per_change
            ),
        ]
        .join("\n")
    });
    Ok(())
}

fn quiet(_: fieldcrm_core::sync::Progress) {}

fn measure(args: &PeopleBenchArgs, path: &Path) -> Result<Figures, ApiError> {
    let started = Instant::now();
    match &args.on {
        Some(base) => crate::keys::copy(base, path)?,
        None => {
            let book = crate::keys::open(path)?;
            book.load_demo(&DemoOptions { customers: args.customers, seed: args.seed, as_of: None })?;
        }
    }
    // The rep with the most cards is topped up to `handed` with cards of
    // other reps of their territory (plain SQL, on the bench's own book), and
    // a rep of another territory of the same region receives them.
    let conn = crate::keys::raw(path).map_err(|e| invalid(e.to_string()))?;
    let sql = |e: rusqlite::Error| invalid(e.to_string());
    let (from, territory, region): (String, String, String) = conn
        .query_row(
            "SELECT s.id, s.org_unit_id, u.parent_id FROM staff s JOIN org_unit u ON u.id = s.org_unit_id
              WHERE s.role = 'rep' AND s.active
              ORDER BY (SELECT count(*) FROM customer c WHERE c.owner_id = s.id) DESC, s.id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .map_err(sql)?;
    let to: String = conn
        .query_row(
            "SELECT s.id FROM staff s JOIN org_unit u ON u.id = s.org_unit_id
              WHERE s.role = 'rep' AND s.active AND u.parent_id = ?1 AND s.org_unit_id <> ?2 ORDER BY s.id LIMIT 1",
            [&region, &territory],
            |r| r.get(0),
        )
        .map_err(|_| invalid("the demo book has no rep in another territory of the same region".into()))?;
    conn.execute(
        "UPDATE customer SET owner_id = ?1, territory_id = ?2 WHERE id IN
            (SELECT id FROM customer WHERE owner_id <> ?1 AND owner_id <> ?3 ORDER BY id
              LIMIT max(0, ?4 - (SELECT count(*) FROM customer WHERE owner_id = ?1)))",
        rusqlite::params![from, territory, to, args.handed],
    )
    .map_err(sql)?;
    let cards: Vec<CustomerId> = conn
        .prepare("SELECT id FROM customer WHERE owner_id = ?1 ORDER BY id LIMIT ?2")
        .and_then(|mut s| {
            s.query_map(rusqlite::params![from, args.handed], |r| r.get(0))?.collect::<rusqlite::Result<Vec<_>>>()
        })
        .map_err(sql)?;
    let customers: i64 = conn.query_row("SELECT count(*) FROM customer", [], |r| r.get(0)).map_err(sql)?;
    let proposals: i64 = conn.query_row("SELECT count(*) FROM proposal", [], |r| r.get(0)).map_err(sql)?;
    drop(conn);
    let book = crate::keys::open(path)?;
    let from: StaffId = from.parse().map_err(|_| invalid("a staff id".into()))?;
    let to: StaffId = to.parse().map_err(|_| invalid("a staff id".into()))?;

    // The receiving rep's laptop, enrolled and joined before the handover.
    let laptop_path = path.with_file_name("laptop.sqlite");
    let laptop = crate::keys::open(&laptop_path)?;
    let device = laptop.device()?;
    book.enroll_device(&EnrollDevice {
        staff_id: to.to_string(),
        device_id: device.device_id.clone(),
        public_key: device.public_key.clone(),
        name: None,
    })?;
    let first = book.sync_export_bytes(Some(&device.device_id))?;
    laptop.sync_import_bytes(&first, Some(&book.device()?.fingerprint), &mut quiet)?;
    let build_s = started.elapsed().as_secs_f64();

    // Head office's inbox, and one proposal opened from it.
    let mut inbox_times = vec![];
    let mut inbox = vec![];
    for _ in 0..args.runs.max(20) {
        let t = Instant::now();
        inbox = book.proposals(ProposalBox::ToDecide, 500)?;
        inbox_times.push(t.elapsed());
    }
    let mut detail_times = vec![];
    for row in inbox.iter().filter(|r| r.customer_id.is_some()).take(20) {
        let t = Instant::now();
        book.proposal(row.id)?;
        detail_times.push(t.elapsed());
    }
    if detail_times.is_empty() {
        detail_times.push(Duration::ZERO);
    }

    let give = |from: StaffId, to: StaffId| Handover {
        from,
        parts: vec![HandoverPart { to, routes: vec![], customers: cards.clone() }],
        rest_to: None,
        leaves: false,
    };
    let mut previews = vec![];
    for _ in 0..args.runs {
        let t = Instant::now();
        book.plan_handover(&give(from, to))?;
        previews.push(t.elapsed());
    }
    // The first handover, then the file exchange it causes.
    let t = Instant::now();
    let done = book.hand_over(&give(from, to))?;
    let mut handovers: Vec<Duration> = vec![t.elapsed()];
    let share = done.shares.first().ok_or_else(|| invalid("nothing was handed over".into()))?.clone();
    let t = Instant::now();
    let file = book.sync_export_bytes(Some(&device.device_id))?;
    let export = t.elapsed();
    let t = Instant::now();
    let report = laptop.sync_import_bytes(&file, None, &mut quiet)?;
    let import = t.elapsed();
    let held = laptop.search_customers(&fieldcrm_core::search::CustomerQuery { limit: 1, ..Default::default() })?;
    if held.total < share.customers {
        return Err(invalid(format!("the laptop holds {} cards after the handover", held.total)));
    }
    // There and back again for the rest of the runs.
    for run in 1..args.runs {
        let (a, b) = if run % 2 == 1 { (to, from) } else { (from, to) };
        let t = Instant::now();
        book.hand_over(&give(a, b))?;
        handovers.push(t.elapsed());
    }
    let changes = report.applied.max(1);
    Ok(Figures {
        customers,
        build_s,
        handed: share.customers,
        tasks: share.tasks,
        orders: share.orders,
        routes: share.routes,
        proposals,
        inbox_rows: inbox.len(),
        inbox_median_ms: ms(median(inbox_times.clone())),
        inbox_p95_ms: ms(p95(inbox_times)),
        detail_median_ms: ms(median(detail_times)),
        preview_median_ms: ms(median(previews)),
        handover_median_ms: ms(median(handovers.clone())),
        handover_max_ms: ms(handovers.into_iter().max().unwrap_or_default()),
        file_changes: report.applied,
        file_bytes: file.len(),
        export_ms: ms(export),
        import_ms: ms(import),
        export_us_per_change: ms(export) * 1000.0 / f64::from(changes),
        import_us_per_change: ms(import) * 1000.0 / f64::from(changes),
    })
}
