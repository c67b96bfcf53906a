//! `fieldcrm-bench targets`: measures the targets' speed targets (issue 23)
//! on a demo book of 100,000 customers with its sales lines and this year's
//! targets broken down to every customer (36 旬 each): the progress of the
//! whole company tree for a month, a regional manager's tree × 12 months
//! grid, and proposing breakdowns by last year's share — a region's to its
//! territories, and every rep's of the largest region to their customers.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::Datelike;
use clap::Args;
use fieldcrm_core::api::targets::TargetQuery;
use fieldcrm_core::demo::DemoOptions;
use fieldcrm_core::model::{BreakdownRule, NodeKind};
use fieldcrm_core::targets::breakdown::BreakdownInput;
use fieldcrm_core::ApiError;
use serde::Serialize;

use crate::measure::{invalid, median, ms, p95};

#[derive(Debug, Args)]
pub struct TargetsBenchArgs {
    /// Customers in the generated book.
    #[arg(long, default_value_t = 100_000)]
    customers: u32,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Repetitions of each measurement.
    #[arg(long, default_value_t = 20)]
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
    sales_lines: i64,
    targets: i64,
    customer_targets: i64,
    build_s: f64,
    book_mib: f64,
    company_rows: usize,
    company_median_ms: f64,
    company_p95_ms: f64,
    grid_rows: usize,
    grid_customers: usize,
    grid_median_ms: f64,
    grid_p95_ms: f64,
    region_children: usize,
    region_propose_median_ms: f64,
    region_propose_p95_ms: f64,
    region_reps: usize,
    region_customers: usize,
    region_customers_propose_median_ms: f64,
    region_customers_propose_p95_ms: f64,
    rep_customers: usize,
    rep_propose_median_ms: f64,
    rep_propose_p95_ms: f64,
    forecast_customers: usize,
    forecast_median_ms: f64,
    forecast_p95_ms: f64,
    plan_customers: usize,
    plan_median_ms: f64,
    plan_p95_ms: f64,
}

pub fn run(args: &TargetsBenchArgs, json: bool) -> Result<(), ApiError> {
    if args.customers < 1_000 || args.runs == 0 {
        return Err(invalid("fieldcrm-bench targets needs at least 1,000 customers and 1 run".into()));
    }
    let f = crate::measure::in_new_book(args.book.as_ref(), "targets", |path| measure(args, path))?;
    crate::terminal::show(&f, json, |f| {
        [
            format!(
                "book: {} customers, {} sales lines, {} targets ({} of customers, 36 旬 each) ({:.0} MiB; built in {:.0} s)",
                f.customers, f.sales_lines, f.targets, f.customer_targets, f.book_mib, f.build_s
            ),
            format!(
                "progress of the whole company tree for a month ({} nodes): median {:.1} ms, p95 {:.1} ms (target < 200 ms)",
                f.company_rows, f.company_median_ms, f.company_p95_ms
            ),
            format!(
                "a regional manager's tree × 12 months ({} rows, {} customers): median {:.1} ms, p95 {:.1} ms (target < 100 ms)",
                f.grid_rows, f.grid_customers, f.grid_median_ms, f.grid_p95_ms
            ),
            format!(
                "proposing the region's year to its {} territories by last year's share: median {:.1} ms, p95 {:.1} ms",
                f.region_children, f.region_propose_median_ms, f.region_propose_p95_ms
            ),
            format!(
                "proposing the year of each of its {} reps to their customers ({} in all): median {:.1} ms, p95 {:.1} ms (target < 200 ms)",
                f.region_reps, f.region_customers, f.region_customers_propose_median_ms, f.region_customers_propose_p95_ms
            ),
            format!(
                "proposing one rep's year to their {} customers: median {:.1} ms, p95 {:.1} ms",
                f.rep_customers, f.rep_propose_median_ms, f.rep_propose_p95_ms
            ),
            format!(
                "a rep's forecast pre-filled for their {} customers: median {:.1} ms, p95 {:.1} ms (target < 100 ms)",
                f.forecast_customers, f.forecast_median_ms, f.forecast_p95_ms
            ),
            format!(
                "a rep's 旬 plan pre-filled from the targets for the same customers ({}): median {:.1} ms, p95 {:.1} ms",
                f.plan_customers, f.plan_median_ms, f.plan_p95_ms
            ),
        ]
        .join("\n")
    });
    Ok(())
}

fn timed<T>(runs: usize, mut f: impl FnMut() -> Result<T, ApiError>) -> Result<(Vec<Duration>, T), ApiError> {
    let mut times = vec![];
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        last = Some(f()?);
        times.push(t.elapsed());
    }
    last.map(|l| (times, l)).ok_or_else(|| invalid("nothing was measured".into()))
}

fn measure(args: &TargetsBenchArgs, path: &Path) -> Result<Figures, ApiError> {
    let started = Instant::now();
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
    let options = book.target_options()?;
    let year = *options.years.first().ok_or_else(|| invalid("the demo book has no targets".into()))?;
    // Every rep's year to their customers: the demo leaves some to do.
    let company = book.target_grid(year, None, None)?;
    for row in company.rows.iter().filter(|r| r.node.kind == NodeKind::Staff && r.year.target.is_some()) {
        let b = book.target_breakdown(year, None, Some(&row.node.id))?;
        if b.children.iter().all(|c| c.has_target) {
            continue;
        }
        let children = book.propose_breakdown(year, None, &row.node.id, BreakdownRule::LastYear)?;
        book.save_breakdown(&BreakdownInput {
            year,
            measure: "revenue".into(),
            node: row.node.id.clone(),
            children,
            leave_unallocated: false,
            submit: false,
        })?;
    }
    let build_s = started.elapsed().as_secs_f64();
    drop(book);
    let conn = crate::keys::raw(path).map_err(|e| invalid(e.to_string()))?;
    let count = |sql: &str| -> Result<i64, ApiError> {
        conn.query_row(sql, [], |r| r.get(0)).map_err(|e| invalid(e.to_string()))
    };
    let customers = count("SELECT count(*) FROM customer")?;
    let sales_lines = count("SELECT count(*) FROM sales_line")?;
    let targets = count("SELECT count(*) FROM target")?;
    let customer_targets = count("SELECT count(*) FROM target WHERE node_kind = 'customer'")?;
    // The file's size (SQLCipher answers `PRAGMA page_size` with its own text setting).
    let bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    // The rep of 600 customers: the demo gives each about a hundred,
    // so the first rep is handed 600 cards of others (plain SQL, on the bench's own book).
    let big_rep: String = conn
        .query_row("SELECT id FROM staff WHERE role = 'rep' ORDER BY id LIMIT 1", [], |r| r.get(0))
        .map_err(|e| invalid(e.to_string()))?;
    conn.execute(
        "UPDATE customer SET owner_id = ?1 WHERE id IN
            (SELECT id FROM customer WHERE owner_id <> ?1 ORDER BY id LIMIT (600 - (SELECT count(*) FROM customer WHERE owner_id = ?1)))",
        [&big_rep],
    )
    .map_err(|e| invalid(e.to_string()))?;
    drop(conn);
    let book = crate::keys::open(path)?;
    let today = chrono::Utc::now().date_naive();
    let month = if today.year() == year { format!("{year}-{:02}", today.month()) } else { format!("{year}-12") };

    let query = TargetQuery { period: month, measure: None, node: None };
    let (company_times, progress) = timed(args.runs, || book.target_progress(&query))?;
    // The region with the most customers.
    let grid = book.target_grid(year, None, None)?;
    let regions: Vec<&fieldcrm_core::targets::progress::GridRow> =
        grid.rows.iter().filter(|r| r.node.kind == NodeKind::Unit && r.depth == 2).collect();
    let mut largest = (String::new(), 0usize, vec![]);
    for region in regions {
        let mut reps = vec![];
        let mut cards = 0;
        for row in grid.rows.iter().filter(|r| r.node.kind == NodeKind::Staff) {
            if is_under(&grid, &row.node.id, &region.node.id) {
                let b = book.target_breakdown(year, None, Some(&row.node.id))?;
                cards += b.children.len();
                reps.push(row.node.id.clone());
            }
        }
        if cards > largest.1 {
            largest = (region.node.id.clone(), cards, reps);
        }
    }
    let (region, region_customers, reps) = largest;
    if region.is_empty() {
        return Err(invalid("the demo book has no region with customers".into()));
    }
    let (grid_times, team) = timed(args.runs, || book.target_grid(year, None, Some(&region)))?;
    let (region_times, proposal) =
        timed(args.runs, || book.propose_breakdown(year, None, &region, BreakdownRule::LastYear))?;
    let (deep_times, _) = timed(args.runs, || {
        let mut n = 0;
        for rep in &reps {
            n += book.propose_breakdown(year, None, rep, BreakdownRule::LastYear)?.len();
        }
        Ok(n)
    })?;
    let rep = reps.first().cloned().unwrap_or_default();
    let (rep_times, rep_proposal) =
        timed(args.runs, || book.propose_breakdown(year, None, &rep, BreakdownRule::LastYear))?;
    let staff: fieldcrm_core::ids::StaffId = big_rep.parse().map_err(|_| invalid("a rep id that is no id".into()))?;
    let this_month = format!("{year}-{:02}", if today.year() == year { today.month() } else { 12 });
    let (forecast_times, forecast) = timed(args.runs, || book.sales_forecast(&this_month, Some(staff)))?;
    let xun = format!("{this_month}-3");
    let (plan_times, plan) = timed(args.runs, || book.sales_plan(&xun, Some(staff)))?;
    Ok(Figures {
        customers,
        sales_lines,
        targets,
        customer_targets,
        build_s,
        book_mib: bytes as f64 / 1_048_576.0,
        company_rows: progress.rows.len(),
        company_median_ms: ms(median(company_times.clone())),
        company_p95_ms: ms(p95(company_times)),
        grid_rows: team.rows.len(),
        grid_customers: region_customers,
        grid_median_ms: ms(median(grid_times.clone())),
        grid_p95_ms: ms(p95(grid_times)),
        region_children: proposal.len(),
        region_propose_median_ms: ms(median(region_times.clone())),
        region_propose_p95_ms: ms(p95(region_times)),
        region_reps: reps.len(),
        region_customers,
        region_customers_propose_median_ms: ms(median(deep_times.clone())),
        region_customers_propose_p95_ms: ms(p95(deep_times)),
        rep_customers: rep_proposal.len(),
        rep_propose_median_ms: ms(median(rep_times.clone())),
        rep_propose_p95_ms: ms(p95(rep_times)),
        forecast_customers: forecast.lines.len(),
        forecast_median_ms: ms(median(forecast_times.clone())),
        forecast_p95_ms: ms(p95(forecast_times)),
        plan_customers: plan.lines.len(),
        plan_median_ms: ms(median(plan_times.clone())),
        plan_p95_ms: ms(p95(plan_times)),
    })
}

/// Is the grid's row `node` under `ancestor` (by the rows' parents)?
fn is_under(grid: &fieldcrm_core::targets::progress::TargetGrid, node: &str, ancestor: &str) -> bool {
    let mut at = Some(node.to_string());
    while let Some(id) = at {
        if id == ancestor {
            return true;
        }
        at = grid.rows.iter().find(|r| r.node.id == id).and_then(|r| r.parent_id.clone());
    }
    false
}
