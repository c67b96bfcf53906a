//! `fieldcrm-bench sales`: measures the sales targets on a demo book of
//! 100,000 customers with about three million sales lines — each analysis
//! over a year for the whole company, exporting the 100,000-customer list to
//! xlsx, and importing 100,000 new customers from an xlsx file (dry run plus
//! commit) — and prints the figures (docs/BENCHMARKS.md).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clap::Args;
use fieldcrm_core::api::sales::AnalysisKind;
use fieldcrm_core::demo::DemoOptions;
use fieldcrm_core::import::{Cancel, ImportRequest};
use fieldcrm_core::model::ImportKind;
use fieldcrm_core::sales::analysis::AnalysisQuery;
use fieldcrm_core::search::CustomerQuery;
use fieldcrm_core::{ApiError, Book};
use serde::Serialize;

use crate::measure::{invalid, median, ms, p95};

#[derive(Debug, Args)]
pub struct SalesBenchArgs {
    /// Customers in the generated book.
    #[arg(long, default_value_t = 100_000)]
    customers: u32,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Repetitions of each analysis.
    #[arg(long, default_value_t = 10)]
    runs: usize,
    /// Rows of the customer file imported.
    #[arg(long, default_value_t = 100_000)]
    import_rows: u32,
    /// Where to build the book (a temporary file by default; kept if given).
    #[arg(long)]
    book: Option<PathBuf>,
    /// Also keep a copy of the demo book as generated, before anything is
    /// measured on it, for later `--import-on` runs.
    #[arg(long, value_name = "PATH")]
    keep_demo: Option<PathBuf>,
    /// Measure only the import, on a copy of a book kept by `--keep-demo`
    /// (the copy is the bench's book; the kept book is left as it is). Builds
    /// to compare run on copies of the same book.
    #[arg(long, value_name = "PATH", conflicts_with = "keep_demo")]
    import_on: Option<PathBuf>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Timing {
    analysis: &'static str,
    median_ms: f64,
    p95_ms: f64,
    max_ms: f64,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Figures {
    customers: u32,
    sales_lines: u32,
    generation_s: f64,
    book_mib: f64,
    period_lines: i64,
    analyses: Vec<Timing>,
    suggestion_median_ms: f64,
    suggestion_p95_ms: f64,
    suggestion_basis: String,
    export_rows: u32,
    export_median_s: f64,
    export_max_s: f64,
    export_mib: f64,
    import: ImportFigures,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ImportFigures {
    import_rows: u32,
    import_file_mib: f64,
    import_dry_run_s: f64,
    import_commit_s: f64,
    import_total_s: f64,
    imported: u32,
}

impl ImportFigures {
    fn line(&self) -> String {
        format!(
            "import {} customer rows from xlsx ({:.1} MiB): dry run {:.2} s + commit {:.2} s = {:.2} s, {} created (target < 10 s)",
            self.import_rows,
            self.import_file_mib,
            self.import_dry_run_s,
            self.import_commit_s,
            self.import_total_s,
            self.imported
        )
    }
}

pub fn run(args: &SalesBenchArgs, json: bool) -> Result<(), ApiError> {
    if args.customers < 1_000 || args.runs == 0 || args.import_rows == 0 {
        return Err(invalid("fieldcrm-bench sales needs at least 1,000 customers, 1 run and 1 import row".into()));
    }
    if let Some(base) = &args.import_on {
        let f = crate::measure::in_new_book(args.book.as_ref(), "sales", |path| {
            crate::keys::copy(base, path)?;
            std::fs::File::open(path)
                .and_then(|f| f.sync_all())
                .map_err(|e| invalid(format!("cannot copy {} to {}: {e}", base.display(), path.display())))?;
            let book = crate::keys::open(path)?;
            measure_import(&book, path.parent().unwrap_or(Path::new(".")), args.import_rows)
        })?;
        crate::terminal::show(&f, json, ImportFigures::line);
        return Ok(());
    }
    let f = crate::measure::in_new_book(args.book.as_ref(), "sales", |path| measure(args, path))?;
    crate::terminal::show(&f, json, |f| {
        let mut out = vec![format!(
            "book: {} customers, {} sales lines ({} in the year analysed), {:.0} MiB, generated in {:.1} s",
            f.customers, f.sales_lines, f.period_lines, f.book_mib, f.generation_s
        )];
        for t in &f.analyses {
            out.push(format!(
                "analysis {:<9} median {:>7.1} ms, p95 {:>7.1} ms, max {:>7.1} ms (target < 500 ms)",
                t.analysis, t.median_ms, t.p95_ms, t.max_ms
            ));
        }
        out.push(format!(
            "ABC grade suggestion ({}, all cards): median {:.1} ms, p95 {:.1} ms",
            f.suggestion_basis, f.suggestion_median_ms, f.suggestion_p95_ms
        ));
        out.push(format!(
            "export the {}-customer list to xlsx: median {:.2} s, max {:.2} s, {:.1} MiB (target < 3 s)",
            f.export_rows, f.export_median_s, f.export_max_s, f.export_mib
        ));
        out.push(f.import.line());
        out.join("\n")
    });
    Ok(())
}

/// The whole company over the twelve months to today: the period `fieldcrm
/// analyse` uses when given none.
fn last_twelve_months(book: &Book) -> Result<AnalysisQuery, ApiError> {
    let today: chrono::NaiveDate =
        book.business_time()?.today.parse().map_err(|_| invalid("the book's today is not a date".into()))?;
    let start = today.checked_sub_months(chrono::Months::new(12)).and_then(|d| d.succ_opt()).unwrap_or(today);
    Ok(AnalysisQuery { from: start.to_string(), to: today.to_string(), unit_id: None })
}

fn measure(args: &SalesBenchArgs, path: &Path) -> Result<Figures, ApiError> {
    let book = crate::keys::open(path)?;
    let started = Instant::now();
    let summary = book.load_demo(&DemoOptions { customers: args.customers, seed: args.seed, as_of: None })?;
    let generation_s = started.elapsed().as_secs_f64();
    let book = match &args.keep_demo {
        Some(keep) => {
            // Closed first, so that the whole book is in its one file.
            drop(book);
            crate::keys::copy(path, keep)?;
            crate::keys::open(path)?
        }
        None => book,
    };
    let book_mib = std::fs::metadata(path).map(|m| m.len() as f64).unwrap_or(0.0) / 1_048_576.0;
    let query = last_twelve_months(&book)?;
    let period_lines: i64 = {
        let raw = crate::keys::raw(path).map_err(|e| invalid(e.to_string()))?;
        raw.query_row(
            "SELECT count(*) FROM sales_line WHERE sold_on BETWEEN ?1 AND ?2",
            [&query.from, &query.to],
            |r| r.get(0),
        )
        .map_err(|e| invalid(e.to_string()))?
    };
    let mut analyses = vec![];
    for kind in AnalysisKind::SALES {
        let mut samples = vec![];
        for _ in 0..args.runs {
            let t = Instant::now();
            let rows = match kind {
                AnalysisKind::Grades => book.sales_by_grade(&query)?.customers as usize,
                AnalysisKind::Products => book.sales_by_product(&query)?.products.len(),
                AnalysisKind::Regions => book.sales_by_region(&query)?.parts.len(),
                AnalysisKind::Credit => book.sales_credit(&query)?.grades.len(),
                AnalysisKind::Growth => book.sales_negative_growth(&query)?.count as usize,
                AnalysisKind::Monthly => book.sales_monthly(&query)?.reps.len(),
                // Measured by `fieldcrm-bench orders`, on a book with receivables.
                AnalysisKind::Aging => book.receivables_aging(&query)?.customers as usize,
                AnalysisKind::Overdue => book.receivables_overdue(&query)?.count as usize,
                AnalysisKind::Cutoff => book.receivables_cutoff(&query)?.list.count as usize,
                AnalysisKind::Collections => book.receivables_collections(&query)?.months.len(),
                AnalysisKind::Fulfilment => book.order_fulfilment(&query)?.total.orders as usize,
            };
            samples.push(t.elapsed());
            if rows == 0 {
                return Err(invalid(format!("the {} analysis found nothing to measure", kind.as_str())));
            }
        }
        analyses.push(Timing {
            analysis: kind.as_str(),
            median_ms: ms(median(samples.clone())),
            p95_ms: ms(p95(samples.clone())),
            max_ms: ms(samples.iter().copied().max().unwrap_or_default()),
        });
    }

    // The ABC suggestion, now ranked by twelve months of sales lines.
    let mut samples = vec![];
    let mut basis = String::new();
    for _ in 0..args.runs {
        let t = Instant::now();
        let s = book.suggest_grades(&fieldcrm_core::api::classify::SuggestQuery { org_unit_id: None })?;
        samples.push(t.elapsed());
        basis = format!("{:?}, {} cards", s.basis, s.considered);
    }
    let (suggestion_median_ms, suggestion_p95_ms) = (ms(median(samples.clone())), ms(p95(samples)));

    // The whole list, three times.
    let dir = path.parent().unwrap_or(Path::new("."));
    let list = dir.join("bench-customers.xlsx");
    let mut exports: Vec<Duration> = vec![];
    let mut export_rows = 0;
    for _ in 0..3 {
        let t = Instant::now();
        export_rows = book.export_customers(&CustomerQuery::default(), &list, &mut |_| {})?.rows;
        exports.push(t.elapsed());
    }
    let export_mib = std::fs::metadata(&list).map(|m| m.len() as f64).unwrap_or(0.0) / 1_048_576.0;
    let _ = std::fs::remove_file(&list);

    let import = measure_import(&book, dir, args.import_rows)?;
    Ok(Figures {
        customers: summary.customers,
        sales_lines: summary.sales_lines,
        generation_s,
        book_mib,
        period_lines,
        analyses,
        suggestion_median_ms,
        suggestion_p95_ms,
        suggestion_basis: basis,
        export_rows,
        export_median_s: median(exports.clone()).as_secs_f64(),
        export_max_s: exports.iter().copied().max().unwrap_or_default().as_secs_f64(),
        export_mib,
        import,
    })
}

/// Imports `rows` new customers from an xlsx file written in `dir`: a dry
/// run, then the commit.
fn measure_import(book: &Book, dir: &Path, rows: u32) -> Result<ImportFigures, ApiError> {
    // New customers in a workbook as a head office would get them.
    let file = dir.join("bench-import.xlsx");
    write_import_file(book, &file, rows)?;
    let import_file_mib = std::fs::metadata(&file).map(|m| m.len() as f64).unwrap_or(0.0) / 1_048_576.0;
    let request = ImportRequest::new(file.display().to_string(), ImportKind::Customers);
    let t = Instant::now();
    let dry = book.import(&request, false, &mut |_| {}, &Cancel::default())?;
    let import_dry_run_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let done = book.import(&request, true, &mut |_| {}, &Cancel::default())?;
    let import_commit_s = t.elapsed().as_secs_f64();
    let _ = std::fs::remove_file(&file);
    if dry.created != done.created || done.refused > 0 {
        return Err(invalid(format!(
            "the import's dry run planned {} new cards but the commit created {} ({} refused)",
            dry.created, done.created, done.refused
        )));
    }
    Ok(ImportFigures {
        import_rows: rows,
        import_file_mib,
        import_dry_run_s,
        import_commit_s,
        import_total_s: import_dry_run_s + import_commit_s,
        imported: done.created,
    })
}

/// A customer list of `rows` new cards with the columns a head office's
/// spreadsheet has: code, name, phone, level, owner, territory, contact, address.
fn write_import_file(book: &Book, file: &Path, rows: u32) -> Result<(), ApiError> {
    let staff = book.staff()?;
    let units = book.org_units()?;
    // Reps and territories named unambiguously (a name two share is refused).
    let reps: Vec<(String, String)> = staff
        .iter()
        .filter(|s| s.role == fieldcrm_core::model::StaffRole::Rep)
        .filter(|s| staff.iter().filter(|o| o.name == s.name).count() == 1)
        .filter(|s| units.iter().filter(|u| u.name == s.org_unit_name).count() == 1)
        .map(|s| (s.name.clone(), s.org_unit_name.clone()))
        .collect();
    if reps.is_empty() {
        return Err(invalid("the demo book has no reps".into()));
    }
    let failed = |e: rust_xlsxwriter::XlsxError| invalid(format!("cannot write the import file: {e}"));
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet_with_constant_memory();
    let headers =
        ["客户编码", "客户名称", "联系电话", "渠道级别", "业务员", "所属片区", "联系人", "详细地址", "年销售额"];
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).map_err(failed)?;
    }
    for i in 0..rows {
        let r = i + 1;
        let (rep, territory) = &reps[i as usize % reps.len()];
        let level = ["零售", "零售", "零售", "二批", "经销商"][i as usize % 5];
        sheet.write_string(r, 0, format!("N{i:07}")).map_err(failed)?;
        sheet
            .write_string(r, 1, format!("新增{}号农资{}", i, ["店", "经营部", "商行"][i as usize % 3]))
            .map_err(failed)?;
        sheet.write_number(r, 2, 15_900_000_000.0 + f64::from(i)).map_err(failed)?;
        sheet.write_string(r, 3, level).map_err(failed)?;
        sheet.write_string(r, 4, rep).map_err(failed)?;
        sheet.write_string(r, 5, territory).map_err(failed)?;
        sheet.write_string(r, 6, format!("联系人{}", i % 997)).map_err(failed)?;
        sheet.write_string(r, 7, format!("{}镇{}村{}号", territory, i % 50, i % 300)).map_err(failed)?;
        sheet.write_number(r, 8, f64::from(10_000 + (i % 500) * 1_000)).map_err(failed)?;
    }
    workbook.save(file).map_err(failed)?;
    Ok(())
}
