//! The facade for sales data: the product catalogue, spreadsheet imports
//! (see [`crate::import`]), the composition analyses (see
//! [`crate::sales::analysis`]) and the Excel exports of analyses and lists.

use std::path::{Path, PathBuf};

use rusqlite::TransactionBehavior;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::api::{ApiResult, Book};
use crate::error::{Error, Result};
use crate::import::{self, plan, Cancel, ImportPreview, ImportProgress, ImportRequest, SheetImportReport};
use crate::model::{ImportKind, StaffRole};
use crate::org::Viewer;
use crate::sales::analysis::{
    self, AnalysisQuery, Context, CreditAnalysis, GradeComposition, MonthlySummary, NegativeGrowth, Period,
    ProductComposition, RegionComposition,
};
use crate::sales::{self, Product, ProductInput};
use crate::search::{self, CustomerQuery};
use crate::xlsx::{col, Cell, Formats, Kind};

/// Files of this many rows and more are written with a rollback journal
/// ([`crate::store::with_rollback_journal`]): a few ten thousand cards' pages
/// written once instead of twice.
const BULK_ROWS: usize = 5_000;

/// Which analysis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AnalysisKind {
    Grades,
    Products,
    Regions,
    Credit,
    Growth,
    Monthly,
    /// Receivables aging by part of the organisation, rep and credit grade.
    Aging,
    /// The overdue list, with who must act.
    Overdue,
    /// Invoicing and collection by month: cash and expenses, DSO.
    Collections,
    /// Order fill rate and shipping lateness.
    Fulfilment,
    /// Who still owes what by the month's payment cut-off (the 25th).
    Cutoff,
}

impl AnalysisKind {
    /// The analyses of the sales lines.
    pub const SALES: [AnalysisKind; 6] = [
        AnalysisKind::Grades,
        AnalysisKind::Products,
        AnalysisKind::Regions,
        AnalysisKind::Credit,
        AnalysisKind::Growth,
        AnalysisKind::Monthly,
    ];

    /// The analyses of receivables and orders.
    pub const RECEIVABLES: [AnalysisKind; 5] = [
        AnalysisKind::Aging,
        AnalysisKind::Overdue,
        AnalysisKind::Cutoff,
        AnalysisKind::Collections,
        AnalysisKind::Fulfilment,
    ];

    pub const ALL: [AnalysisKind; 11] = [
        AnalysisKind::Grades,
        AnalysisKind::Products,
        AnalysisKind::Regions,
        AnalysisKind::Credit,
        AnalysisKind::Growth,
        AnalysisKind::Monthly,
        AnalysisKind::Aging,
        AnalysisKind::Overdue,
        AnalysisKind::Collections,
        AnalysisKind::Fulfilment,
        AnalysisKind::Cutoff,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AnalysisKind::Grades => "grades",
            AnalysisKind::Products => "products",
            AnalysisKind::Regions => "regions",
            AnalysisKind::Credit => "credit",
            AnalysisKind::Growth => "growth",
            AnalysisKind::Monthly => "monthly",
            AnalysisKind::Aging => "aging",
            AnalysisKind::Overdue => "overdue",
            AnalysisKind::Collections => "collections",
            AnalysisKind::Fulfilment => "fulfilment",
            AnalysisKind::Cutoff => "cutoff",
        }
    }
}

impl std::str::FromStr for AnalysisKind {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| format!("'{s}' is not an analysis: {}", Self::ALL.map(AnalysisKind::as_str).join(", ")))
    }
}

/// An exported list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ExportedList {
    pub path: String,
    pub rows: u32,
}

/// Rows written between two progress reports of a list export.
const EXPORT_CHUNK: usize = 1000;

impl Book {
    pub fn products(&self) -> ApiResult<Vec<Product>> {
        self.read(sales::products)
    }

    /// The products on sale that match what a rep types: code, name or pinyin.
    pub fn find_products(&self, text: &str) -> ApiResult<Vec<Product>> {
        self.read(|conn| sales::find_products(conn, text, 50))
    }

    pub fn sales_overview(&self) -> ApiResult<sales::SalesOverview> {
        self.read(sales::overview)
    }

    /// A card's latest sales lines (the viewer must see the card).
    pub fn customer_sales(
        &self,
        customer: crate::ids::CustomerId,
        limit: u32,
    ) -> ApiResult<Vec<sales::CustomerSalesLine>> {
        self.read(|conn| {
            if !Viewer::of(conn)?.sees_customer(conn, &customer.to_string())? {
                return Err(Error::Forbidden("this customer is outside your part of the organisation".into()));
            }
            sales::customer_lines(conn, customer, limit)
        })
    }

    /// Head office creates or updates a product (by its code).
    pub fn save_product(&self, input: &ProductInput) -> ApiResult<Vec<Product>> {
        let now = self.clock.now();
        self.write(|tx| {
            if Viewer::of(tx)?.role != StaffRole::HeadOffice {
                return Err(Error::Forbidden(
                    "only head office maintains the product catalogue; ask head office to change it".into(),
                ));
            }
            sales::save_product(tx, input, now)?;
            sales::products(tx)
        })
    }

    /// What this person may import, in the wizard's order.
    pub fn import_kinds(&self) -> ApiResult<Vec<ImportKind>> {
        self.read(|conn| Ok(import::kinds_for(crate::org::Viewer::of(conn)?.role)))
    }

    /// The wizard's first look at a file.
    pub fn import_preview(
        &self,
        path: &Path,
        kind: ImportKind,
        sheet: Option<&str>,
        header_row: Option<u32>,
    ) -> ApiResult<ImportPreview> {
        self.read(|conn| import::preview(conn, path, kind, sheet, header_row))
    }

    /// [`Book::import`] with the book's own cancel button: the app's and the
    /// test server's import, which [`Book::cancel_import`] stops.
    pub fn run_import(
        &self,
        request: &ImportRequest,
        commit: bool,
        progress: &mut dyn FnMut(ImportProgress),
    ) -> ApiResult<SheetImportReport> {
        self.import_cancel.reset();
        self.import(request, commit, progress, &self.import_cancel)
    }

    /// Stops the running [`Book::run_import`]: it fails with `invalid`/`cancelled`
    /// and writes nothing. Does not wait for the book (the import holds it).
    pub fn cancel_import(&self) {
        self.import_cancel.cancel();
    }

    /// Plans an import and, with `commit`, writes it in one transaction.
    /// Nothing is written on a dry run, on a cancel, or on any error. A
    /// commit of the same file and request right after a dry run writes the
    /// dry run's plan, when the book has not changed in between.
    pub fn import(
        &self,
        request: &ImportRequest,
        commit: bool,
        progress: &mut dyn FnMut(ImportProgress),
        cancel: &Cancel,
    ) -> ApiResult<SheetImportReport> {
        progress(ImportProgress { phase: "reading", done: 0, total: 0 });
        let (bytes, file_name) = import::read::load(Path::new(&request.path)).map_err(|e| self.public(e))?;
        let hash = import::read::hash_of(&bytes);
        // Taken either way: a commit uses it at most once, a dry run replaces it.
        let kept = self.kept_import.lock().unwrap_or_else(|e| e.into_inner()).take();
        let kept = kept.filter(|k| commit && k.is_for(request, &hash));
        // A commit reads its file before the book is locked (unless its plan
        // is kept): its size chooses the journal. A dry run reads it on the
        // other core while the book's cards are loaded, below.
        let mut sheet = match kept {
            None if commit => Some(import::sheet_of(&bytes, &file_name, request).map_err(|e| self.public(e))?),
            _ => None,
        };
        cancel.check().map_err(|e| self.public(e))?;
        let rows = match (&kept, &sheet) {
            (Some(kept), _) => kept.rows(),
            (None, Some(sheet)) => sheet.rows.len(),
            (None, None) => 0,
        };
        let now = self.clock.now();
        let mut conn = self.lock();
        // A large import touches more of the book than the usual page cache holds.
        let cache: i64 =
            conn.pragma_query_value(None, "cache_size", |r| r.get(0)).map_err(|e| self.public(e.into()))?;
        let _ = conn.pragma_update(None, "cache_size", -1_048_576);
        let run = |conn: &mut rusqlite::Connection| -> Result<(SheetImportReport, Option<import::Kept>)> {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let viewer = Viewer::of(&tx)?;
            let zone = crate::clock::Zone::of(&tx)?;
            let ctx = plan::Context {
                actor: crate::org::Actor { staff: viewer.staff, at: now, source: "import", source_id: None, zone },
                today: zone.day(now),
                viewer,
            };
            let state = import::BookState::of(&tx)?;
            let planned = match kept.and_then(|k| k.still_valid(state, &ctx)) {
                Some(planned) => planned,
                None => {
                    let (sheet, known) = match sheet.take() {
                        Some(sheet) => {
                            let known = plan::KnownCards::load(&tx, request.kind)?;
                            (sheet, known)
                        }
                        // A dry run, or a kept plan no longer valid: the bytes hashed above.
                        None => std::thread::scope(|scope| -> Result<_> {
                            let reading = scope.spawn(|| import::sheet_of(&bytes, &file_name, request));
                            let known = plan::KnownCards::load(&tx, request.kind);
                            let sheet = reading.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                            // What is wrong with the file first: it is what the user can fix.
                            Ok((sheet?, known?))
                        })?,
                    };
                    cancel.check()?;
                    import::plan(&tx, &sheet, request, &ctx, known, progress, cancel)?
                }
            };
            // Reported before the batch is recorded: `previous` is the import before this one.
            let report = import::report(&tx, &planned, commit)?;
            if !commit {
                // A dry run's transaction is dropped: it wrote nothing anyway.
                return Ok((report, Some(import::Kept::new(planned, state, &ctx))));
            }
            import::write(&tx, &planned, &ctx, progress, cancel)?;
            cancel.check()?;
            import::record_batch(&tx, &planned, &report, &ctx.viewer.staff.to_string(), &crate::clock::timestamp(now))?;
            super::before_commit(&tx, now)?;
            tx.commit()?;
            Ok((report, None))
        };
        let result = if commit && rows >= BULK_ROWS {
            crate::store::with_rollback_journal(&mut conn, run)
        } else {
            run(&mut conn)
        }
        .map_err(|e| self.public(e));
        let _ = conn.pragma_update(None, "cache_size", cache);
        drop(conn);
        let (report, keep) = result?;
        *self.kept_import.lock().unwrap_or_else(|e| e.into_inner()) = keep;
        Ok(report)
    }

    fn analysis<T>(
        &self,
        query: &AnalysisQuery,
        f: impl FnOnce(&rusqlite::Connection, &Context, &Viewer, Period) -> Result<T>,
    ) -> ApiResult<T> {
        self.read(|conn| {
            let period = Period::parse(query)?;
            let viewer = Viewer::of(conn)?;
            let cx = Context::load(conn, &viewer, query.unit_id.as_deref())?;
            f(conn, &cx, &viewer, period)
        })
    }

    pub fn sales_by_grade(&self, query: &AnalysisQuery) -> ApiResult<GradeComposition> {
        self.analysis(query, |conn, cx, _, period| analysis::by_grade(conn, cx, period))
    }

    pub fn sales_by_product(&self, query: &AnalysisQuery) -> ApiResult<ProductComposition> {
        self.analysis(query, |conn, cx, _, period| analysis::by_product(conn, cx, period))
    }

    pub fn sales_by_region(&self, query: &AnalysisQuery) -> ApiResult<RegionComposition> {
        self.analysis(query, analysis::by_region)
    }

    pub fn sales_credit(&self, query: &AnalysisQuery) -> ApiResult<CreditAnalysis> {
        let now = self.clock.now();
        self.analysis(query, |conn, cx, _, period| {
            analysis::credit(conn, cx, period, crate::clock::Zone::of(conn)?.day(now))
        })
    }

    pub fn sales_negative_growth(&self, query: &AnalysisQuery) -> ApiResult<NegativeGrowth> {
        self.analysis(query, |conn, cx, _, period| analysis::negative_growth(conn, cx, period))
    }

    pub fn sales_monthly(&self, query: &AnalysisQuery) -> ApiResult<MonthlySummary> {
        self.analysis(query, |conn, cx, _, period| analysis::monthly(conn, cx, period))
    }

    /// Writes an analysis as an xlsx workbook with its chart.
    pub fn export_analysis(&self, kind: AnalysisKind, query: &AnalysisQuery, path: &Path) -> ApiResult<PathBuf> {
        let language = self.language();
        let english = language.starts_with("en");
        let names = sales::sheet::GradeNames(self.read(|conn| {
            Ok(conn
                .prepare("SELECT scale, code, label_zh, label_en FROM grade_level")?
                .query_map([], |r| Ok(((r.get(0)?, r.get(1)?), if english { r.get(3)? } else { r.get(2)? })))?
                .collect::<rusqlite::Result<_>>()?)
        })?);
        let bytes = match kind {
            AnalysisKind::Grades => sales::sheet::grades(&self.sales_by_grade(query)?, &language, &names),
            AnalysisKind::Products => sales::sheet::products(&self.sales_by_product(query)?, &language),
            AnalysisKind::Regions => sales::sheet::regions(&self.sales_by_region(query)?, &language),
            AnalysisKind::Credit => sales::sheet::credit(&self.sales_credit(query)?, &language, &names),
            AnalysisKind::Growth => sales::sheet::growth(&self.sales_negative_growth(query)?, &language, &names),
            AnalysisKind::Monthly => sales::sheet::monthly(&self.sales_monthly(query)?, &language),
            AnalysisKind::Aging => crate::money::report::aging(&self.receivables_aging(query)?, &language, &names),
            AnalysisKind::Overdue | AnalysisKind::Cutoff => {
                let cutoff = kind == AnalysisKind::Cutoff;
                let now = self.clock.now();
                let (list, all) = self.read(|conn| {
                    use crate::money::analysis as money;
                    let viewer = Viewer::of(conn)?;
                    let reach = analysis::Reach::load(conn, &viewer, query.unit_id.as_deref())?;
                    let today = crate::clock::Zone::of(conn)?.day(now);
                    // Every customer, named once; the list's sums and first rows from them.
                    let (on, mut all) = if cutoff {
                        money::cutoff_customers(conn, &reach, today)?
                    } else {
                        (today, money::overdue_customers(conn, &reach, today)?)
                    };
                    money::name(conn, &mut all)?;
                    Ok((money::listed(all.clone(), &reach, on), all))
                })?;
                crate::money::report::overdue(&list, &all, &language, &names, cutoff)
            }
            AnalysisKind::Collections => {
                crate::money::report::collections(&self.receivables_collections(query)?, &language)
            }
            AnalysisKind::Fulfilment => crate::money::report::fulfilment(&self.order_fulfilment(query)?, &language),
        }
        .map_err(|e| self.public(e))?;
        super::files::write_atomically(path, &bytes).map_err(|e| self.public(e))?;
        Ok(path.to_path_buf())
    }

    /// The language of the book's profile (workbooks are written in it).
    pub(crate) fn language(&self) -> String {
        self.read(crate::org::profile).ok().flatten().map_or_else(|| "zh-CN".to_string(), |p| p.language)
    }

    /// Writes every card the query matches (all pages) to an xlsx list,
    /// streaming rows to disk; reports progress every thousand rows.
    pub fn export_customers(
        &self,
        query: &CustomerQuery,
        path: &Path,
        progress: &mut dyn FnMut(ImportProgress),
    ) -> ApiResult<ExportedList> {
        self.export_customer_rows(query, None, path, progress)
    }

    /// [`Book::export_customers`] of the rows `rows` of the list only (by
    /// their place in its order; the CLI's `--offset` and `--limit`).
    pub fn export_customer_rows(
        &self,
        query: &CustomerQuery,
        rows: Option<std::ops::Range<usize>>,
        path: &Path,
        progress: &mut dyn FnMut(ImportProgress),
    ) -> ApiResult<ExportedList> {
        let english = self.language().starts_with("en");
        let t = |zh: &'static str, en: &'static str| if english { en } else { zh };
        let columns = [
            col(t("客户编码", "Code"), Kind::Text, 12.0),
            col(t("客户名称", "Customer"), Kind::Text, 32.0),
            col(t("简称", "Short name"), Kind::Text, 14.0),
            col(t("电话", "Phone"), Kind::Text, 16.0),
            col(t("渠道级别", "Channel level"), Kind::Text, 12.0),
            col(t("客户状态", "Status"), Kind::Text, 10.0),
            col(t("客户等级", "Grade"), Kind::Text, 8.0),
            col(t("信用", "Credit"), Kind::Text, 8.0),
            col(t("负责人", "Owner"), Kind::Text, 12.0),
            col(t("片区", "Territory"), Kind::Text, 16.0),
            col(t("地址", "Address"), Kind::Text, 40.0),
            col(t("标签", "Tags"), Kind::Text, 20.0),
            col(t("更新日期", "Updated"), Kind::Date, 12.0),
        ];
        let level = |l: crate::model::ChannelLevel| match (l, english) {
            (crate::model::ChannelLevel::Distributor, false) => "经销商",
            (crate::model::ChannelLevel::SubDistributor, false) => "二批",
            (crate::model::ChannelLevel::Retailer, false) => "零售",
            (crate::model::ChannelLevel::Other, false) => "其他",
            (other, true) => other.as_str(),
        };
        let status = |l: crate::model::Lifecycle| match (l, english) {
            (crate::model::Lifecycle::Prospect, false) => "潜在",
            (crate::model::Lifecycle::Active, false) => "活跃",
            (crate::model::Lifecycle::Dormant, false) => "休眠",
            (crate::model::Lifecycle::Eliminated, false) => "淘汰",
            (other, true) => other.as_str(),
        };
        let standing = |c: crate::model::CreditStanding| match (c, english) {
            (crate::model::CreditStanding::Good, false) => "良好",
            (crate::model::CreditStanding::Normal, false) => "一般",
            (crate::model::CreditStanding::Watch, false) => "关注",
            (crate::model::CreditStanding::Bad, false) => "差",
            (crate::model::CreditStanding::Unknown, false) => "未评估",
            (crate::model::CreditStanding::Good, true) => "Good",
            (crate::model::CreditStanding::Normal, true) => "Normal",
            (crate::model::CreditStanding::Watch, true) => "Watch",
            (crate::model::CreditStanding::Bad, true) => "Bad",
            (crate::model::CreditStanding::Unknown, true) => "Not assessed",
        };
        let zone = self.read(crate::clock::Zone::of)?;
        let formats = Formats::for_print(
            if english { "en" } else { "zh-CN" },
            format!("{} · {}", t("客户名单", "Customer list"), zone.day(self.clock.now())),
        );
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet_name = t("客户", "Customers");
        let written = self.read(|conn| {
            let stale_before = self.stale_before(conn)?;
            let sheet = book.add_worksheet_with_constant_memory();
            sheet.set_name(sheet_name).map_err(crate::xlsx::failed)?;
            // Rows go to disk as they are written, so the header is frozen
            // and filtered (it needs the row count) only at the end.
            let mut row = crate::xlsx::header(sheet, 0, &columns, &formats)?;
            // Grades by their label; the card's code, which a re-import matches on.
            let grades: std::collections::HashMap<String, String> = conn
                .prepare("SELECT code, label_zh, label_en FROM grade_level WHERE scale = 'customer'")?
                .query_map([], |r| Ok((r.get(0)?, if english { r.get(2)? } else { r.get(1)? })))?
                .collect::<rusqlite::Result<_>>()?;
            let mut codes =
                conn.prepare("SELECT id, code FROM customer WHERE id IN rarray(?1) AND code IS NOT NULL")?;
            let total = search::for_each_match(conn, query, &stale_before, EXPORT_CHUNK, rows, |rows, total| {
                let ids: Vec<rusqlite::types::Value> =
                    rows.iter().map(|r| rusqlite::types::Value::Text(r.id.to_string())).collect();
                let code_of: std::collections::HashMap<String, String> = codes
                    .query_map([std::rc::Rc::new(ids)], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<rusqlite::Result<_>>()?;
                for r in rows {
                    let cells = vec![
                        code_of.get(&r.id.to_string()).map(String::as_str).into(),
                        Cell::from(r.name),
                        r.short_name.into(),
                        r.phone.into(),
                        level(r.channel_level).into(),
                        status(r.lifecycle).into(),
                        r.grade.map(|g| grades.get(&g).cloned().unwrap_or(g)).into(),
                        standing(r.credit_standing).into(),
                        r.owner_name.into(),
                        r.territory_name.into(),
                        r.address.into(),
                        r.tags.join(", ").into(),
                        crate::clock::parse_timestamp(&r.updated_at).map(|at| zone.day(at).to_string()).into(),
                    ];
                    crate::xlsx::write_row(sheet, row, &columns, &cells, &formats)?;
                    row += 1;
                }
                progress(ImportProgress { phase: "writing", done: row - 1, total });
                Ok(())
            })?;
            crate::xlsx::finish(sheet, 0, total as usize, &columns, &formats)?;
            Ok(total)
        })?;
        let bytes = book.save_to_buffer().map_err(|e| self.public(crate::xlsx::failed(e)))?;
        super::files::write_atomically(path, &bytes).map_err(|e| self.public(e))?;
        Ok(ExportedList { path: path.display().to_string(), rows: written })
    }
}
