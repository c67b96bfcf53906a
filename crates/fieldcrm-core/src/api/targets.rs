//! The facade for targets: breakdowns and their approval, reallocations,
//! progress and the tree × months grid (see [`crate::targets`], docs/TARGETS.md).

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::api::{ApiResult, Book};
use crate::clock::Zone;
use crate::error::{Error, ProblemCode, Result};
use crate::model::{BreakdownRule, Decision, StaffRole};
use crate::month_end::{self, MonthEndQuery, MonthEndSummary};
use crate::org::{PeerScope, Viewer};
use crate::targets::breakdown::{self, Breakdown, BreakdownInput, ChildTarget, MoveInput, NodeRef};
use crate::targets::period::Period;
use crate::targets::progress::{self, RagRules, TargetGrid, TargetProgress};
use crate::targets::rule::Who;
use crate::targets::{sheet, Node, Org, REVENUE};

/// What the targets pages ask for: a period, a measure and the node whose
/// tree is shown (none: the viewer's own — the company, their unit, themselves).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TargetQuery {
    /// `2027`, `2027-Q1`, `2027-03` or `2027-03-1`.
    pub period: String,
    #[serde(default)]
    #[ts(optional)]
    pub measure: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub node: Option<String>,
}

/// What the targets pages offer: the years with targets, the measures, and
/// the node the viewer's pages open on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TargetOptions {
    pub years: Vec<i32>,
    /// `revenue`, then `volume:` and each product category.
    pub measures: Vec<String>,
    pub home: Option<NodeRef>,
    /// The viewer may set head office's colour rules and the company's year.
    pub head_office: bool,
}

/// The person writing, with their scope.
struct Writer {
    staff: String,
    role: StaffRole,
    scope: PeerScope,
}

impl Writer {
    fn of(conn: &Connection) -> Result<Self> {
        let profile = crate::org::profile(conn)?.ok_or(Error::NoProfile)?;
        let staff = profile.staff_id.to_string();
        let (scope, role) = crate::org::scope_of(conn, &staff)?;
        Ok(Self { staff, role, scope })
    }

    fn who(&self) -> Who<'_> {
        Who { staff: &self.staff, role: self.role, scope: &self.scope }
    }
}

fn measure_of(conn: &Connection, measure: Option<&str>) -> Result<String> {
    crate::targets::check_measure(conn, measure.unwrap_or(REVENUE))
}

/// The node asked for, or the viewer's own; refused outside their part.
fn node_of(conn: &Connection, org: &mut Org, viewer: &Viewer, node: Option<&str>) -> Result<Node> {
    let node = match node.map(str::trim).filter(|n| !n.is_empty()) {
        Some(id) => org.node(conn, id)?,
        None => progress::home_node(org, viewer)
            .ok_or_else(|| Error::NotFound { what: "organisation", id: "head office".into() })?,
    };
    progress::require_sees(conn, org, viewer, &node)?;
    Ok(node)
}

/// A market analysis within what a summary prints.
fn check_analysis(analysis: &str) -> Result<()> {
    if analysis.chars().count() > month_end::MAX_ANALYSIS {
        return Err(Error::invalid(
            "analysis",
            ProblemCode::TooLong,
            format!("the market analysis holds at most {} characters; shorten it", month_end::MAX_ANALYSIS),
        ));
    }
    Ok(())
}

impl Book {
    /// The years, measures and home node of the targets pages.
    pub fn target_options(&self) -> ApiResult<TargetOptions> {
        self.read(|conn| {
            let viewer = Viewer::of(conn)?;
            let org = Org::load(conn)?;
            let years: Vec<i32> = conn
                .prepare("SELECT DISTINCT year FROM target ORDER BY year DESC")?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            let categories: Vec<String> = conn
                .prepare("SELECT DISTINCT category FROM product WHERE category IS NOT NULL AND category <> '' ORDER BY category")?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            let measures =
                std::iter::once(REVENUE.to_string()).chain(categories.into_iter().map(|c| format!("volume:{c}"))).collect();
            let home = progress::home_node(&org, &viewer).map(|n| NodeRef::of(&org, &n));
            Ok(TargetOptions { years, measures, home, head_office: viewer.role == StaffRole::HeadOffice })
        })
    }

    /// A node's breakdown to the level below, as this person may act on it.
    pub fn target_breakdown(&self, year: i32, measure: Option<&str>, node: Option<&str>) -> ApiResult<Breakdown> {
        self.read(|conn| read_breakdown(conn, year, measure, node))
    }

    /// A proposal for a node's breakdown by a rule; saves nothing.
    pub fn propose_breakdown(
        &self,
        year: i32,
        measure: Option<&str>,
        node: &str,
        rule: BreakdownRule,
    ) -> ApiResult<Vec<ChildTarget>> {
        let now = self.clock.now();
        self.read(|conn| {
            let viewer = Viewer::of(conn)?;
            let mut org = Org::load(conn)?;
            let measure = measure_of(conn, measure)?;
            let node = node_of(conn, &mut org, &viewer, Some(node))?;
            breakdown::propose(conn, &mut org, year, &measure, &node.id, rule, Zone::of(conn)?.day(now))
        })
    }

    /// Head office sets the company's target for a year, month by month.
    pub fn set_company_target(&self, year: i32, measure: Option<&str>, months: &[i64]) -> ApiResult<Breakdown> {
        let now = self.clock.now();
        self.write(|tx| {
            let writer = Writer::of(tx)?;
            let org = Org::load(tx)?;
            let measure = measure_of(tx, measure)?;
            breakdown::set_company(tx, writer.who(), &org, year, &measure, months, now)?;
            read_breakdown(tx, year, Some(&measure), org.root.as_deref())
        })
    }

    /// Saves a node's breakdown (and submits it when asked).
    pub fn save_breakdown(&self, input: &BreakdownInput) -> ApiResult<Breakdown> {
        let now = self.clock.now();
        self.write(|tx| {
            let writer = Writer::of(tx)?;
            let mut org = Org::load(tx)?;
            breakdown::save(tx, writer.who(), &mut org, input, now)?;
            read_breakdown(tx, input.year, Some(&input.measure), Some(&input.node))
        })
    }

    /// Approves, returns (with a reason) or withdraws a submitted breakdown.
    pub fn decide_breakdown(
        &self,
        year: i32,
        measure: Option<&str>,
        node: &str,
        decision: Decision,
        note: Option<&str>,
    ) -> ApiResult<Breakdown> {
        let now = self.clock.now();
        self.write(|tx| {
            let writer = Writer::of(tx)?;
            let mut org = Org::load(tx)?;
            let measure = measure_of(tx, measure)?;
            breakdown::decide(tx, writer.who(), &mut org, year, &measure, node, decision, note, now)?;
            read_breakdown(tx, year, Some(&measure), Some(node))
        })
    }

    /// Proposes a reallocation of an approved breakdown.
    pub fn propose_target_move(&self, input: &MoveInput) -> ApiResult<Breakdown> {
        let now = self.clock.now();
        self.write(|tx| {
            let writer = Writer::of(tx)?;
            let mut org = Org::load(tx)?;
            breakdown::propose_move(tx, writer.who(), &mut org, input, Zone::of(tx)?.day(now), now)?;
            read_breakdown(tx, input.year, Some(&input.measure), Some(&input.node))
        })
    }

    /// Approves, rejects (with a reason) or withdraws a reallocation.
    pub fn decide_target_move(&self, id: &str, decision: Decision, note: Option<&str>) -> ApiResult<Breakdown> {
        let now = self.clock.now();
        self.write(|tx| {
            let writer = Writer::of(tx)?;
            let mut org = Org::load(tx)?;
            breakdown::decide_move(tx, writer.who(), &mut org, id, decision, note, Zone::of(tx)?.day(now), now)?;
            let (year, measure, node): (i32, String, String) = tx.query_row(
                "SELECT t.year, t.measure, t.node_id FROM target_move m JOIN target t ON t.id = m.target_id WHERE m.id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?;
            read_breakdown(tx, year, Some(&measure), Some(&node))
        })
    }

    /// Progress of a tree for a period, today (the business day).
    pub fn target_progress(&self, query: &TargetQuery) -> ApiResult<TargetProgress> {
        let now = self.clock.now();
        self.read(|conn| {
            let period = Period::parse(&query.period)?;
            let viewer = Viewer::of(conn)?;
            let mut org = Org::load(conn)?;
            let measure = measure_of(conn, query.measure.as_deref())?;
            let node = node_of(conn, &mut org, &viewer, query.node.as_deref())?;
            progress::progress(conn, &mut org, &node, &measure, period, Zone::of(conn)?.day(now))
        })
    }

    /// The tree × months grid of a year.
    pub fn target_grid(&self, year: i32, measure: Option<&str>, node: Option<&str>) -> ApiResult<TargetGrid> {
        self.read(|conn| {
            let viewer = Viewer::of(conn)?;
            let mut org = Org::load(conn)?;
            let measure = measure_of(conn, measure)?;
            let node = node_of(conn, &mut org, &viewer, node)?;
            progress::grid(conn, &mut org, &node, &measure, year)
        })
    }

    /// Head office's colour rules.
    pub fn target_rules(&self) -> ApiResult<RagRules> {
        self.read(RagRules::load)
    }

    /// Head office sets the colour rules; every book follows with the next files.
    pub fn set_target_rules(&self, rules: RagRules) -> ApiResult<RagRules> {
        let now = self.clock.now();
        self.write(|tx| {
            if Viewer::of(tx)?.role != StaffRole::HeadOffice {
                return Err(Error::invalid("rules", ProblemCode::OfficeOnly, "only head office sets the colour rules"));
            }
            let rules = rules.check()?;
            rules.save(tx, now)?;
            Ok(rules)
        })
    }

    /// Writes the progress of a tree for a period to an xlsx file.
    pub fn write_target_progress(&self, query: &TargetQuery, path: &Path) -> ApiResult<PathBuf> {
        let progress = self.target_progress(query)?;
        self.save_workbook(path, |language| sheet::progress_workbook(&progress, language))
    }

    /// Writes a node's breakdown to the level below to an xlsx file.
    pub fn write_target_breakdown(
        &self,
        year: i32,
        measure: Option<&str>,
        node: Option<&str>,
        path: &Path,
    ) -> ApiResult<PathBuf> {
        let breakdown = self.target_breakdown(year, measure, node)?;
        self.save_workbook(path, |language| sheet::breakdown_workbook(&breakdown, language))
    }

    /// A unit's month-end summary (月度总结) of a month (none: the viewer's
    /// unit): its month and year against the targets, the forecasts made in
    /// the month, the negative-growth customers, the duties, and the market
    /// analysis of the viewer's monthly report.
    pub fn month_end_summary(&self, query: &MonthEndQuery) -> ApiResult<MonthEndSummary> {
        let now = self.clock.now();
        let month =
            Period::parse(&query.month).ok().filter(|p| p.to - p.from == 3 && p.from % 3 == 0).ok_or_else(|| {
                Error::invalid(
                    "month",
                    ProblemCode::BadMonth,
                    format!("'{}' is not a month: a month-end summary is of a month, 2026-11", query.month),
                )
            })?;
        let (first, last) = month.days();
        let (unit, author, analysis, today) = self.read(|conn| {
            let viewer = Viewer::of(conn)?;
            let mut org = Org::load(conn)?;
            let node = node_of(conn, &mut org, &viewer, query.unit.as_deref())?;
            if node.kind != crate::model::NodeKind::Unit {
                return Err(Error::invalid(
                    "unit",
                    ProblemCode::NotAUnit,
                    "a month-end summary is of a unit of the organisation: choose a region, a province or the company",
                ));
            }
            let report = crate::fieldwork::reports::report_id(viewer.staff, crate::model::ReportKind::Monthly, first);
            let analysis: Option<String> = conn
                .query_row("SELECT summary FROM report WHERE id = ?1", [report.to_string()], |r| r.get(0))
                .optional()?
                .flatten();
            let author = org.staff.get(&viewer.staff.to_string()).map(|s| s.name.clone()).unwrap_or_default();
            Ok((NodeRef::of(&org, &node), author, analysis.unwrap_or_default(), Zone::of(conn)?.day(now)))
        })?;
        let key = month.key();
        let progress_of =
            |period: String| self.target_progress(&TargetQuery { period, measure: None, node: Some(unit.id.clone()) });
        let month_progress = progress_of(key.clone())?;
        let year_progress = progress_of(month.year.to_string())?;
        // The forecasts made in the month, each row beside how well the
        // forecasts made a month before foresaw this month (the roll-up of
        // the month after tells it).
        let mut forecast = self.forecast_rollup(&key, Some(&unit.id))?;
        let next = Period::month(month.year + i32::from(month.from == 33), (month.from / 3 + 1) as u32 % 12 + 1);
        let after = self.forecast_rollup(&next.key(), Some(&unit.id))?;
        for row in forecast.rows.iter_mut().chain(std::iter::once(&mut forecast.total)) {
            let same = after.rows.iter().chain(std::iter::once(&after.total)).find(|r| r.node.id == row.node.id);
            row.accuracy = same.and_then(|r| r.accuracy.clone());
        }
        let growth = self.sales_negative_growth(&crate::sales::analysis::AnalysisQuery {
            from: first.to_string(),
            to: last.to_string(),
            unit_id: Some(unit.id.clone()),
        })?;
        let unit_id =
            unit.id.parse().map_err(|_| self.public(Error::NotFound { what: "org unit", id: unit.id.clone() }))?;
        let compliance = self.compliance(&crate::fieldwork::duties::ComplianceQuery {
            org_unit_id: Some(unit_id),
            staff_id: None,
            month: Some(key.clone()),
            no_contact_days: None,
        })?;
        Ok(MonthEndSummary {
            label: month_progress.label.clone(),
            month: key,
            unit,
            author,
            made_on: today.to_string(),
            month_progress,
            year_progress,
            forecast,
            growth,
            compliance,
            analysis,
        })
    }

    /// Writes a month-end summary with `analysis` (the market analysis, as
    /// the manager wrote it for this workbook) to an xlsx file.
    pub fn write_month_end_summary(&self, query: &MonthEndQuery, analysis: &str, path: &Path) -> ApiResult<PathBuf> {
        check_analysis(analysis).map_err(|e| self.public(e))?;
        self.write_month_end_workbook(&self.month_end_summary(query)?, analysis, path)
    }

    /// Writes a month-end summary already made (the CLI shows it and writes
    /// it without making it twice) with `analysis` to an xlsx file.
    pub fn write_month_end_workbook(&self, made: &MonthEndSummary, analysis: &str, path: &Path) -> ApiResult<PathBuf> {
        check_analysis(analysis).map_err(|e| self.public(e))?;
        self.save_workbook(path, |language| month_end::workbook(made, analysis, language))
    }

    /// Writes the tree × months grid of a year to an xlsx file.
    pub fn write_target_grid(
        &self,
        year: i32,
        measure: Option<&str>,
        node: Option<&str>,
        path: &Path,
    ) -> ApiResult<PathBuf> {
        let grid = self.target_grid(year, measure, node)?;
        self.save_workbook(path, |language| sheet::grid_workbook(&grid, language))
    }
}

fn read_breakdown(conn: &Connection, year: i32, measure: Option<&str>, node: Option<&str>) -> Result<Breakdown> {
    let viewer = Viewer::of(conn)?;
    let writer = Writer::of(conn)?;
    let mut org = Org::load(conn)?;
    let measure = measure_of(conn, measure)?;
    let node = node_of(conn, &mut org, &viewer, node)?;
    breakdown::breakdown(conn, writer.who(), &mut org, year, &measure, &node.id)
}
