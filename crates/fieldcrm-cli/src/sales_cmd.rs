//! `fieldcrm import|products|analyse|export-customers`: spreadsheet imports,
//! the product catalogue, the sales analyses and the Excel exports.

use std::io::Write;
use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, ValueEnum};
use fieldcrm_core::api::sales::AnalysisKind;
use fieldcrm_core::import::layout::{SkipReason, SkippedRow};
use fieldcrm_core::import::{
    Cancel, DuplicateChoice, ImportPreview, ImportProgress, ImportRequest, RowAction, SheetImportReport,
};
use fieldcrm_core::model::ImportKind;
use fieldcrm_core::sales::analysis::{AnalysisQuery, GroupLabel};
use fieldcrm_core::sales::Product;
use fieldcrm_core::{ApiError, Book};

use crate::{output, usage, ListArgs};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KindArg {
    Customers,
    People,
    Products,
    Sales,
    /// The ERP's invoices (应收发票).
    Invoices,
    /// The ERP's payments received (回款).
    Payments,
}

impl From<KindArg> for ImportKind {
    fn from(k: KindArg) -> Self {
        match k {
            KindArg::Customers => ImportKind::Customers,
            KindArg::People => ImportKind::People,
            KindArg::Products => ImportKind::Products,
            KindArg::Sales => ImportKind::Sales,
            KindArg::Invoices => ImportKind::Invoices,
            KindArg::Payments => ImportKind::Payments,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ChoiceArg {
    Skip,
    New,
    Update,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The spreadsheet: .xlsx, .xls, .ods or .csv (UTF-8 or GBK).
    file: PathBuf,
    #[arg(long, value_enum)]
    kind: KindArg,
    /// The sheet of a workbook (default: the first with data).
    #[arg(long)]
    sheet: Option<String>,
    /// The row number of the header, as the sheet shows it (default: the row
    /// among the first 20 whose cells best name the import's fields).
    #[arg(long, value_name = "N")]
    header_row: Option<u32>,
    /// Numbers written as text use a decimal comma (1.234,50) instead of a
    /// decimal point (1,234.50).
    #[arg(long)]
    decimal_comma: bool,
    /// Map a column to a field: COLUMN=FIELD, the column by its header or
    /// number (1 = first); FIELD empty to leave a column out. Columns not
    /// named keep the suggested mapping.
    #[arg(long = "map", value_name = "COLUMN=FIELD")]
    map: Vec<String>,
    /// Only show the file: sheets, headers, suggested mapping, first rows.
    #[arg(long, conflicts_with = "commit")]
    preview: bool,
    /// Write the import (without it: a dry run that writes nothing).
    #[arg(long)]
    commit: bool,
    /// What to do with rows that match existing cards (default: skip them).
    #[arg(long, value_enum)]
    duplicates: Option<ChoiceArg>,
}

pub fn import(book: &Book, args: &ImportArgs, json: bool) -> Result<(), ApiError> {
    let kind: ImportKind = args.kind.into();
    // The file is read for a preview only when one is shown or the mapping is changed.
    let (sheet, mapping) = if args.preview || !args.map.is_empty() {
        let preview = book.import_preview(&args.file, kind, args.sheet.as_deref(), args.header_row)?;
        if args.preview {
            output::show(&preview, json, preview_text);
            return Ok(());
        }
        let mapping = mapping(&preview, &args.map)?;
        (Some(preview.sheet), Some(mapping))
    } else {
        (args.sheet.clone(), None)
    };
    let request = ImportRequest {
        path: args.file.display().to_string(),
        kind,
        sheet,
        header_row: args.header_row,
        decimal_comma: args.decimal_comma,
        mapping,
        decisions: vec![],
        otherwise: args.duplicates.map(|c| match c {
            ChoiceArg::Skip => DuplicateChoice::Skip,
            ChoiceArg::New => DuplicateChoice::New,
            ChoiceArg::Update => DuplicateChoice::Update,
        }),
    };
    let mut last = std::time::Instant::now();
    let mut progress = |p: ImportProgress| {
        if !json && p.total > 5000 && (last.elapsed().as_millis() > 500 || p.done == p.total) {
            eprint!("\r{} {}/{}   ", p.phase, p.done, p.total);
            let _ = std::io::stderr().flush();
            last = std::time::Instant::now();
        }
    };
    let report = book.import(&request, args.commit, &mut progress, &Cancel::default())?;
    if !json && report.rows > 5000 {
        eprintln!();
    }
    output::show(&report, json, report_text);
    Ok(())
}

/// The suggested mapping with the user's changes.
fn mapping(preview: &ImportPreview, changes: &[String]) -> Result<Vec<Option<String>>, ApiError> {
    let mut mapping = preview.mapping.clone();
    for change in changes {
        let (column, field) = change
            .split_once('=')
            .ok_or_else(|| usage(format!("'{change}' is not COLUMN=FIELD (e.g. 客户名称=name)")))?;
        let column = column.trim();
        let index = match column.parse::<usize>() {
            Ok(n) if n >= 1 && n <= preview.headers.len() => n - 1,
            _ => preview.headers.iter().position(|h| h.trim() == column).ok_or_else(|| {
                usage(format!("the sheet has no column '{column}'; its headers are: {}", preview.headers.join(", ")))
            })?,
        };
        mapping[index] = Some(field.trim().to_string()).filter(|f| !f.is_empty());
    }
    Ok(mapping)
}

fn preview_text(p: &ImportPreview) -> String {
    let mut out = vec![format!(
        "{} ({:?}{}), sheet '{}' of [{}]: {} rows below the header in row {}",
        p.file_name,
        p.format,
        p.encoding.as_deref().map(|e| format!(", {e}")).unwrap_or_default(),
        p.sheet,
        p.sheets.join(", "),
        p.rows,
        p.header_row
    )];
    if !p.header_found {
        out.push(format!(
            "  no row among the first {} names a field of this import; choose the header with --header-row N:",
            p.header_choices.len()
        ));
        for c in &p.header_choices {
            out.push(format!("  row {:>3}: {}", c.row, c.text));
        }
    }
    for (i, (header, field)) in p.headers.iter().zip(&p.mapping).enumerate() {
        let label = field
            .as_ref()
            .and_then(|f| p.fields.iter().find(|x| &x.key == f))
            .map_or("—".to_string(), |f| format!("{} ({})", f.key, f.label_zh));
        out.push(format!("  {:>2}. {header:<16} → {label}", i + 1));
    }
    for f in p.fields.iter().filter(|f| f.required && !p.mapping.iter().any(|m| m.as_deref() == Some(&f.key))) {
        out.push(format!("  required field not mapped: {} ({})", f.key, f.label_zh));
    }
    if let Some(prev) = &p.previous {
        out.push(format!("  this file was imported before: {} by {}", prev.imported_at, prev.staff_name));
    }
    out.extend(skipped_text(&p.skipped, p.skipped_rows));
    if let Some(wide) = &p.wide {
        out.push(format!(
            "  {} cells right of the columns read are left out (the first is {})",
            wide.cells, wide.first
        ));
    }
    for row in p.sample.iter().take(5) {
        out.push(format!("  | {}", row.join(" | ")));
    }
    out.join("\n")
}

/// The rows not imported, one line each.
fn skipped_text(skipped: &[SkippedRow], all: u32) -> Vec<String> {
    if all == 0 {
        return vec![];
    }
    let mut out = vec![format!("  {all} rows are not imported:")];
    for s in skipped.iter().take(30) {
        let why = match s.reason {
            SkipReason::AboveHeader => "above the header",
            SkipReason::Total => "a total",
            SkipReason::Footnote => "a footnote",
            SkipReason::RepeatedHeader => "the header again",
            SkipReason::HeaderRow => "the header's second row",
            SkipReason::Blank => "blank",
        };
        let rows =
            if s.rows > 1 { format!("rows {}–{}", s.row, s.row + s.rows - 1) } else { format!("row {}", s.row) };
        out.push(format!("    {rows} ({why}) {}", s.text));
    }
    if skipped.len() > 30 {
        out.push(format!("    … and {} more", skipped.len() - 30));
    }
    out
}

fn report_text(r: &SheetImportReport) -> String {
    let mut out = vec![format!(
        "{}: {} rows — {} to create, {} to update, {} unchanged, {} skipped, {} duplicates to decide, {} refused",
        if r.committed { "imported" } else { "dry run (nothing written; add --commit to import)" },
        r.rows,
        r.created,
        r.updated,
        r.unchanged,
        r.skipped,
        r.duplicates,
        r.refused
    )];
    for note in &r.notes {
        out.push(format!("note: {}", note.message));
    }
    out.extend(skipped_text(&r.skipped_rows_list, r.skipped_rows));
    if let Some(prev) = &r.previous {
        out.push(format!("note: this file was imported before, {} by {}", prev.imported_at, prev.staff_name));
    }
    let shown = r.outcomes.iter().filter(|o| matches!(o.action, RowAction::Refuse | RowAction::Duplicate)).take(50);
    for o in shown {
        match o.action {
            RowAction::Refuse => {
                let why: Vec<String> = o.problems.iter().map(|p| format!("{}: {}", p.field, p.message)).collect();
                out.push(format!("  row {} {} refused — {}", o.row, o.label, why.join("; ")));
            }
            _ => {
                let like: Vec<String> = o.candidates.iter().map(|c| format!("{} ({})", c.name, c.reason)).collect();
                out.push(format!("  row {} {} matches {}", o.row, o.label, like.join(", ")));
            }
        }
    }
    if r.duplicates > 0 {
        out.push("decide duplicates with --duplicates skip|new|update, or row by row in the app".into());
    }
    out.join("\n")
}

pub fn products(book: &Book, json: bool) -> Result<(), ApiError> {
    output::show(&book.products()?, json, |list: &Vec<Product>| {
        list.iter()
            .map(|p| {
                format!(
                    "{:<8} {:<28} {:<8} {:<4} {:>10}{}",
                    p.code,
                    p.name,
                    p.line.as_deref().unwrap_or(""),
                    p.unit,
                    p.list_price.map(yuan).unwrap_or_default(),
                    if p.retired { "  (retired)" } else { "" }
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    Ok(())
}

/// Fen as yuan with thousands separators.
pub fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let whole = (fen.abs() / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped}.{:02}", fen.abs() % 100)
}

fn percent(bp: u32) -> String {
    format!("{:.1}%", f64::from(bp) / 100.0)
}

fn growth(bp: Option<i32>) -> String {
    bp.map_or("—".into(), |b| format!("{:+.1}%", f64::from(b) / 100.0))
}

#[derive(Debug, Args)]
pub struct AnalyseArgs {
    /// grades, products, regions, credit, growth, monthly, aging, overdue, collections or fulfilment.
    #[arg(value_parser = parse_kind)]
    analysis: AnalysisKind,
    #[command(flatten)]
    pub period: PeriodArgs,
}

/// The period and part of the organisation of an analysis, and its workbook.
#[derive(Debug, Args)]
pub struct PeriodArgs {
    /// First day (YYYY-MM-DD); default: twelve months ago.
    #[arg(long)]
    from: Option<String>,
    /// Last day (YYYY-MM-DD); default: today.
    #[arg(long)]
    to: Option<String>,
    /// An org unit to narrow to (id).
    #[arg(long)]
    unit: Option<String>,
    /// Also write the analysis with its chart to this xlsx file.
    #[arg(long)]
    xlsx: Option<PathBuf>,
}

fn parse_kind(text: &str) -> Result<AnalysisKind, String> {
    text.parse()
}

/// The period asked for, or the twelve months to `today`.
pub fn query(today: NaiveDate, from: Option<&str>, to: Option<&str>, unit: Option<&str>) -> AnalysisQuery {
    let start = today.checked_sub_months(chrono::Months::new(12)).and_then(|d| d.succ_opt()).unwrap_or(today);
    AnalysisQuery {
        from: from.map_or_else(|| start.to_string(), str::to_string),
        to: to.map_or_else(|| today.to_string(), str::to_string),
        unit_id: unit.map(str::to_string),
    }
}

fn label(l: &GroupLabel) -> String {
    l.label_zh.clone()
}

pub fn analyse(book: &Book, args: &AnalyseArgs, json: bool) -> Result<(), ApiError> {
    run(book, args.analysis, &args.period, json)
}

/// Days past due, with "days".
fn days(d: Option<u32>) -> String {
    d.map_or("—".into(), |d| format!("{d} d"))
}

fn aging_line(name: &str, customers: u32, a: &fieldcrm_core::money::statement::Aging) -> String {
    format!(
        "  {:<16} {:>5} {:>16} {:>14} {:>14} {:>14} {:>14} {:>16}",
        name,
        customers,
        yuan(a.not_due),
        yuan(a.up_to_30),
        yuan(a.up_to_60),
        yuan(a.up_to_90),
        yuan(a.over_90),
        yuan(a.total())
    )
}

fn overdue_text(a: &fieldcrm_core::money::analysis::OverdueList) -> String {
    let mut out = vec![format!("{} customers owe {} yuan overdue on {}", a.count, yuan(a.overdue), a.on)];
    for s in &a.steps {
        out.push(format!("  {:<8} {:>5} customers {:>16}", s.escalation.as_str(), s.customers, yuan(s.overdue)));
    }
    for c in a.customers.iter().take(50) {
        out.push(format!(
            "  {:<8} {:<28} {:<8} {:>14} {:>5} d  {}",
            c.code.as_deref().unwrap_or(""),
            c.name,
            c.owner_name,
            yuan(c.overdue),
            c.oldest_days_past_due,
            c.escalation.as_str()
        ));
    }
    out.join("\n")
}

/// Runs the analysis `kind` for the period of `args`, prints it (text or
/// JSON) and writes its workbook when asked.
pub fn run(book: &Book, kind: AnalysisKind, args: &PeriodArgs, json: bool) -> Result<(), ApiError> {
    let today =
        book.business_time()?.today.parse().map_err(|_| ApiError::internal("the book's today is not a date"))?;
    let q = query(today, args.from.as_deref(), args.to.as_deref(), args.unit.as_deref());
    match kind {
        AnalysisKind::Grades => output::show(&book.sales_by_grade(&q)?, json, |a| {
            let mut out = vec![format!(
                "{} ~ {}, {}: {} yuan from {} customers; {} customers make 80%",
                a.period.from,
                a.period.to,
                a.scope.unit_name,
                yuan(a.total_revenue),
                a.customers,
                a.customers_for_80
            )];
            for g in &a.grades {
                out.push(format!(
                    "  {:<8} {:>7} {:>20} {:>7}",
                    label(&g.grade),
                    g.customers,
                    yuan(g.revenue),
                    percent(g.share_bp)
                ));
            }
            out.join("\n")
        }),
        AnalysisKind::Products => output::show(&book.sales_by_product(&q)?, json, |a| {
            let mut out = vec![format!("{} ~ {}: {} yuan", a.period.from, a.period.to, yuan(a.total_revenue))];
            for l in &a.lines {
                out.push(format!(
                    "  {:<10} {:>20} {:>7}",
                    l.line.as_deref().unwrap_or("—"),
                    yuan(l.revenue),
                    percent(l.share_bp)
                ));
            }
            for p in a.products.iter().take(20) {
                out.push(format!(
                    "    {:<6} {:<28} {:>20} {:>7}",
                    p.code,
                    p.name,
                    yuan(p.revenue),
                    percent(p.share_bp)
                ));
            }
            out.join("\n")
        }),
        AnalysisKind::Regions => output::show(&book.sales_by_region(&q)?, json, |a| {
            let path: Vec<String> = a.path.iter().map(label).collect();
            let mut out = vec![format!(
                "{}: {} yuan (last year {})",
                path.join(" › "),
                yuan(a.total_revenue),
                yuan(a.last_year_revenue)
            )];
            for p in &a.parts {
                out.push(format!(
                    "  {:<16} {:>6} {:>20} {:>7} {:>8}",
                    p.name,
                    p.customers,
                    yuan(p.revenue),
                    percent(p.share_bp),
                    growth(p.growth_bp)
                ));
            }
            out.join("\n")
        }),
        AnalysisKind::Credit => output::show(&book.sales_credit(&q)?, json, |a| {
            let mut out = vec![format!("{} customers over their limit", a.over_limit_count)];
            for g in &a.grades {
                out.push(format!(
                    "  {:<8} {:>7} {:>20} {:>7} limit {:>14} over {}",
                    label(&g.grade),
                    g.customers,
                    yuan(g.revenue),
                    percent(g.share_bp),
                    g.credit_limit.map(yuan).unwrap_or_else(|| "—".into()),
                    g.over_limit
                ));
            }
            out.join("\n")
        }),
        AnalysisKind::Growth => output::show(&book.sales_negative_growth(&q)?, json, |a| {
            let mut out = vec![format!(
                "{} customers bought less than last year or the period before; {} yuan lost against last year",
                a.count,
                yuan(a.lost_vs_last_year)
            )];
            for r in a.customers.iter().take(30) {
                out.push(format!(
                    "  {:<28} {:<8} {:>16} {:>16} {:>8}",
                    r.name,
                    r.owner_name,
                    yuan(r.current),
                    yuan(r.last_year),
                    growth(r.vs_last_year_bp)
                ));
            }
            out.join("\n")
        }),
        AnalysisKind::Monthly => output::show(&book.sales_monthly(&q)?, json, |a| {
            let mut out = vec![format!("{:<16} {}", "", a.months.join("  "))];
            for r in &a.regions {
                let months: Vec<String> = r.months.iter().map(|m| format!("{:>10}", m / 100)).collect();
                out.push(format!("{:<16} {}  = {}", r.name, months.join(""), yuan(r.total)));
            }
            out.push(format!("total {}", yuan(a.total)));
            out.join("\n")
        }),
        AnalysisKind::Aging => output::show(&book.receivables_aging(&q)?, json, |a| {
            let mut out = vec![
                format!(
                    "{} on {}: {} yuan owed by {} customers, {} overdue ({}) by {}; credit balances {}",
                    a.scope.unit_name,
                    a.on,
                    yuan(a.total.total()),
                    a.customers,
                    yuan(a.total.overdue()),
                    percent(a.overdue_bp),
                    a.overdue_customers,
                    yuan(a.credit_balance)
                ),
                format!(
                    "  {:<16} {:>5} {:>16} {:>14} {:>14} {:>14} {:>14} {:>16}",
                    "", "cust.", "not due", "1-30 d", "31-60 d", "61-90 d", "> 90 d", "total"
                ),
            ];
            for (title, groups) in [("by part", &a.parts), ("by rep", &a.owners), ("by credit grade", &a.grades)] {
                out.push(format!("{title}:"));
                out.extend(groups.iter().map(|g| aging_line(&g.name, g.customers, &g.aging)));
            }
            out.join("\n")
        }),
        AnalysisKind::Overdue => output::show(&book.receivables_overdue(&q)?, json, overdue_text),
        AnalysisKind::Cutoff => output::show(&book.receivables_cutoff(&q)?, json, |c| {
            format!("owed by the payment cut-off on {} (today {}):\n{}", c.cutoff, c.today, overdue_text(&c.list))
        }),
        AnalysisKind::Collections => output::show(&book.receivables_collections(&q)?, json, |a| {
            let mut out = vec![format!(
                "{} ~ {}: invoiced {}, paid {} in cash and {} as marketing expenses ({}); owed {} → {}; DSO {}",
                a.period.from,
                a.period.to,
                yuan(a.invoiced),
                yuan(a.paid_cash),
                yuan(a.paid_expense),
                percent(a.expense_bp),
                yuan(a.opening_balance),
                yuan(a.balance),
                days(a.dso_days)
            )];
            for m in &a.months {
                out.push(format!(
                    "  {} {:>16} {:>16} {:>16} {:>16} {:>8}",
                    m.month,
                    yuan(m.invoiced),
                    yuan(m.paid_cash),
                    yuan(m.paid_expense),
                    yuan(m.balance),
                    days(m.dso_days)
                ));
            }
            out.join("\n")
        }),
        AnalysisKind::Fulfilment => output::show(&book.order_fulfilment(&q)?, json, |a| {
            let line = |name: &str, f: &fieldcrm_core::money::analysis::FulfilmentFigures| {
                format!(
                    "  {:<16} {:>5} orders, fill rate {:>6}, on time {:>6} ({} of {}), late and open {}",
                    name,
                    f.orders,
                    percent(f.fill_bp),
                    percent(f.on_time_bp),
                    f.on_time,
                    f.due,
                    f.late_open
                )
            };
            let mut out = vec![format!("{} ~ {}", a.period.from, a.period.to), line("total", &a.total)];
            out.extend(a.parts.iter().map(|p| line(&p.name, &p.figures)));
            out.join("\n")
        }),
    }
    if let Some(path) = &args.xlsx {
        let written = book.export_analysis(kind, &q, path)?;
        if !json {
            eprintln!("written to {}", written.display());
        }
    }
    Ok(())
}

#[derive(Debug, Args)]
pub struct ExportCustomersArgs {
    /// The xlsx file to write.
    #[arg(long)]
    xlsx: PathBuf,
    /// Words to find (as in `customer search`).
    #[arg(long, default_value = "")]
    text: String,
    #[command(flatten)]
    list: ListArgs,
}

pub fn export_customers(book: &Book, args: &ExportCustomersArgs, json: bool) -> Result<(), ApiError> {
    let query = args.list.query(args.text.clone())?;
    let exported = book.export_customer_rows(&query, args.list.rows(), &args.xlsx, &mut |_| {})?;
    output::show(&exported, json, |e| format!("{} customers written to {}", e.rows, e.path));
    Ok(())
}
