//! The manager's month-end summary (月度总结, seed 000: 每月作出销售情况总结):
//! the unit's month and year against their targets, the rolling forecast
//! made in the month and how well last month's foresaw it, the customers
//! buying less than a year before, who met their contact and visit duties,
//! and the manager's own market analysis — assembled from the core's own
//! answers ([`crate::Book::month_end_summary`]) and printed as one workbook.

use rust_xlsxwriter::{Format, FormatAlign, Workbook, Worksheet};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::Result;
use crate::fieldwork::duties::Compliance;
use crate::model::DutyKind;
use crate::plans::forecast::ForecastRollup;
use crate::plans::sheet::{forecast_cells, forecast_columns};
use crate::sales::analysis::NegativeGrowth;
use crate::targets::breakdown::NodeRef;
use crate::targets::progress::{ProgressRow, TargetProgress};
use crate::targets::sheet::{progress_cells, progress_columns};
use crate::xlsx::{self, col, failed, Cell, Formats, Kind};

/// Most characters of the market analysis.
pub const MAX_ANALYSIS: usize = 5_000;

/// Which month-end summary: a month and a unit (none: the viewer's own).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MonthEndQuery {
    /// `YYYY-MM`.
    pub month: String,
    #[serde(default)]
    #[ts(optional)]
    pub unit: Option<String>,
}

/// A unit's month-end summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MonthEndSummary {
    pub month: String,
    /// 2026年11月 / November 2026.
    pub label: String,
    pub unit: NodeRef,
    /// Who made it, and the business day it was made on.
    pub author: String,
    pub made_on: String,
    /// The month's progress of the unit's tree (the unit first).
    pub month_progress: TargetProgress,
    /// The year's, as of the day it was made.
    pub year_progress: TargetProgress,
    /// The forecasts made in the month for the three months after it; each
    /// row's accuracy is that of the forecasts made a month before for this
    /// month (none until it has ended).
    pub forecast: ForecastRollup,
    /// The month's customers buying less than a year before or the month before.
    pub growth: NegativeGrowth,
    /// Contact and visit duties of the month.
    pub compliance: Compliance,
    /// The market analysis: the author's monthly report's summary, until
    /// they write another for the workbook.
    pub analysis: String,
}

impl MonthEndSummary {
    /// The unit's own row of a progress (the tree's root).
    fn root(progress: &TargetProgress) -> Option<&ProgressRow> {
        progress.rows.iter().find(|r| r.depth == 0)
    }
}

fn duty_label(kind: DutyKind, en: bool) -> &'static str {
    match (kind, en) {
        (DutyKind::ContactCustomers, false) => "联系客户",
        (DutyKind::ContactStaff, false) => "联系下属",
        (DutyKind::VisitCustomers, false) => "走访客户",
        (DutyKind::SpotChecks, false) => "抽查二批/零售",
        (DutyKind::GradeFrequency, false) => "按等级拜访",
        (DutyKind::ContactCustomers, true) => "Contact customers",
        (DutyKind::ContactStaff, true) => "Contact staff",
        (DutyKind::VisitCustomers, true) => "Visit customers",
        (DutyKind::SpotChecks, true) => "Spot checks",
        (DutyKind::GradeFrequency, true) => "Visits by grade",
    }
}

/// The workbook's words, Chinese or English.
struct Words {
    title: &'static str,
    made: &'static str,
    sheets: [&'static str; 5],
    figures: [&'static str; 4],
    items: [&'static str; 12],
    analysis: &'static str,
    no_analysis: &'static str,
    total: &'static str,
    growth: [&'static str; 8],
    compliance: [&'static str; 5],
    yes_no: [&'static str; 2],
    short: &'static str,
    customers: &'static str,
    people_met: &'static str,
    /// Between the short duties, and after a label.
    sep: &'static str,
    colon: &'static str,
}

const ZH: Words = Words {
    title: "销售工作月度总结",
    made: "编制",
    sheets: ["月度总结", "目标进度", "滚动预测", "负增长客户", "工作考核"],
    figures: ["项目", "金额（元）", "比例", "说明"],
    items: [
        "本月目标",
        "本月实际",
        "在手订单",
        "时间进度",
        "全年目标",
        "全年累计",
        "全年按进度预计",
        "预测",
        "预测准确率",
        "负增长客户比去年少",
        "工作考核全部达标",
        "剩余工作日",
    ],
    analysis: "市场分析",
    no_analysis: "（未填写）",
    total: "合计",
    growth: ["客户", "负责人", "片区", "本月（元）", "去年同月（元）", "同比", "上月（元）", "环比"],
    compliance: ["人员", "所属组织", "全部达标", "达标项", "未达标"],
    yes_no: ["是", "否"],
    short: "差",
    customers: "个客户",
    people_met: "人全部达标",
    sep: "；",
    colon: "：",
};

const EN: Words = Words {
    title: "Monthly sales summary",
    made: "Made by",
    sheets: ["Summary", "Progress", "Forecast", "Negative growth", "Duties"],
    figures: ["Item", "Amount (yuan)", "Share", "Note"],
    items: [
        "Target of the month",
        "Actual of the month",
        "Orders in hand",
        "Month gone",
        "Target of the year",
        "Actual of the year",
        "Year at the pace so far",
        "Forecast",
        "Forecast accuracy",
        "Negative growth: less than last year",
        "Every duty met",
        "Work days left",
    ],
    analysis: "Market analysis",
    no_analysis: "(none written)",
    total: "Total",
    growth: [
        "Customer",
        "Owner",
        "Territory",
        "This month (yuan)",
        "Same month last year (yuan)",
        "vs last year",
        "Last month (yuan)",
        "vs last month",
    ],
    compliance: ["Person", "Unit", "All met", "Duties met", "Short"],
    yes_no: ["yes", "no"],
    short: "short",
    customers: "customers",
    people_met: "people met every duty",
    sep: "; ",
    colon: ": ",
};

fn sheet<'a>(book: &'a mut Workbook, name: &str) -> Result<&'a mut Worksheet> {
    let s = book.add_worksheet();
    s.set_name(name).map_err(failed)?;
    Ok(s)
}

/// Writes the summary as a workbook: the key figures and the market
/// analysis on the first sheet, then the progress tree, the forecast
/// roll-up, the negative-growth customers and the duties.
pub fn workbook(s: &MonthEndSummary, analysis: &str, language: &str) -> Result<Vec<u8>> {
    let en = language.starts_with("en");
    let w = if en { &EN } else { &ZH };
    let heading = format!("{} {} {}", s.unit.name, s.label, w.title);
    let f = Formats::for_print(language, heading.clone());
    let mut book = Workbook::new();

    // 1. The key figures and the analysis.
    let first = sheet(&mut book, w.sheets[0])?;
    first.write_string_with_format(0, 0, &heading, &f.title).map_err(failed)?;
    first.write_string(1, 0, format!("{}{}{}    {}", w.made, w.colon, s.author, s.made_on)).map_err(failed)?;
    let columns = [
        col(w.figures[0], Kind::Text, 24.0),
        col(w.figures[1], Kind::Money, 18.0),
        col(w.figures[2], Kind::Percent, 10.0),
        col(w.figures[3], Kind::Text, 34.0),
    ];
    let month = MonthEndSummary::root(&s.month_progress);
    let year = MonthEndSummary::root(&s.year_progress);
    let amount =
        |r: Option<&ProgressRow>, f: fn(&ProgressRow) -> Option<i64>| r.and_then(f).map_or(Cell::Empty, Cell::Int);
    let mut rows: Vec<Vec<Cell>> = vec![
        vec![w.items[0].into(), amount(month, |r| r.target), Cell::Empty, Cell::Empty],
        vec![w.items[1].into(), amount(month, |r| Some(r.actual)), amount(month, |r| r.done), Cell::Empty],
        vec![w.items[2].into(), amount(month, |r| Some(r.in_hand)), Cell::Empty, Cell::Empty],
        vec![
            w.items[3].into(),
            Cell::Empty,
            s.month_progress.elapsed.into(),
            format!("{} {}", w.items[11], s.month_progress.work_days_left).into(),
        ],
        vec![w.items[4].into(), amount(year, |r| r.target), Cell::Empty, Cell::Empty],
        vec![w.items[5].into(), amount(year, |r| Some(r.actual)), amount(year, |r| r.done), Cell::Empty],
        vec![w.items[6].into(), amount(year, |r| r.run_rate), Cell::Empty, Cell::Empty],
    ];
    for (m, total) in s.forecast.months.iter().zip(&s.forecast.total.amounts) {
        rows.push(vec![format!("{} {m}", w.items[7]).into(), (*total).into(), Cell::Empty, Cell::Empty]);
    }
    if let Some(a) = &s.forecast.total.accuracy {
        let note = format!("{} → {}", a.made_in, a.month);
        rows.push(vec![
            format!("{} {}", w.items[8], a.month).into(),
            a.forecast.into(),
            a.accuracy.into(),
            note.into(),
        ]);
    }
    rows.push(vec![
        w.items[9].into(),
        s.growth.lost_vs_last_year.into(),
        Cell::Empty,
        format!("{} {}", s.growth.count, w.customers).into(),
    ]);
    let people = s.compliance.people.len() as i64;
    let met = s.compliance.people.iter().filter(|p| p.met).count() as i64;
    let share = if people > 0 { Cell::Int(met * 10_000 / people) } else { Cell::Empty };
    rows.push(vec![w.items[10].into(), Cell::Empty, share, format!("{met}/{people} {}", w.people_met).into()]);
    let end = xlsx::table(first, 3, &columns, rows, &f)?;
    // The analysis below, in one merged block that wraps.
    let text = analysis.trim();
    let text = if text.is_empty() { w.no_analysis } else { text };
    first.write_string_with_format(end + 1, 0, w.analysis, &f.bold).map_err(failed)?;
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    first.merge_range(end + 2, 0, end + 2, 3, text, &wrap).map_err(failed)?;
    // About 45 characters of Chinese to a line of the block's width.
    let lines: usize = text.lines().map(|l| l.chars().count() / 45 + 1).sum();
    first.set_row_height(end + 2, (lines.clamp(2, 400) as f64) * 15.0).map_err(failed)?;

    // 2. The progress tree of the month.
    let progress = sheet(&mut book, w.sheets[1])?;
    let title = format!("{} {}", s.unit.name, s.month_progress.label);
    progress.write_string_with_format(0, 0, &title, &f.title).map_err(failed)?;
    let columns = progress_columns(&s.month_progress.measure, en);
    xlsx::table(progress, 2, &columns, s.month_progress.rows.iter().map(|r| progress_cells(r, en)), &f)?;

    // 3. The forecast roll-up, with the total.
    let forecast = sheet(&mut book, w.sheets[2])?;
    let columns = forecast_columns(&s.forecast.months, en);
    let total = forecast_cells(&s.forecast.total, w.total);
    let rows = s.forecast.rows.iter().map(|r| forecast_cells(r, &r.node.name)).chain(std::iter::once(total));
    xlsx::table(forecast, 0, &columns, rows, &f)?;

    // 4. The negative-growth customers.
    let growth = sheet(&mut book, w.sheets[3])?;
    let columns = [
        col(w.growth[0], Kind::Text, 22.0),
        col(w.growth[1], Kind::Text, 10.0),
        col(w.growth[2], Kind::Text, 12.0),
        col(w.growth[3], Kind::Money, 14.0),
        col(w.growth[4], Kind::Money, 16.0),
        col(w.growth[5], Kind::Percent, 9.0),
        col(w.growth[6], Kind::Money, 14.0),
        col(w.growth[7], Kind::Percent, 9.0),
    ];
    let rows = s.growth.customers.iter().map(|c| {
        vec![
            Cell::from(&c.name),
            (&c.owner_name).into(),
            (&c.territory_name).into(),
            c.current.into(),
            c.last_year.into(),
            c.vs_last_year_bp.into(),
            c.previous.into(),
            c.vs_previous_bp.into(),
        ]
    });
    xlsx::table(growth, 0, &columns, rows, &f)?;

    // 5. The duties.
    let duties = sheet(&mut book, w.sheets[4])?;
    let columns = [
        col(w.compliance[0], Kind::Text, 12.0),
        col(w.compliance[1], Kind::Text, 14.0),
        col(w.compliance[2], Kind::Text, 9.0),
        col(w.compliance[3], Kind::Text, 10.0),
        col(w.compliance[4], Kind::Text, 48.0),
    ];
    let rows = s.compliance.people.iter().map(|p| {
        let met = p.rules.iter().filter(|r| r.met).count();
        let short: Vec<String> = p
            .rules
            .iter()
            .filter(|r| !r.met)
            .map(|r| format!("{} {} {}", duty_label(r.kind, en), w.short, r.short))
            .collect();
        vec![
            Cell::from(&p.name),
            (&p.unit_name).into(),
            w.yes_no[usize::from(!p.met)].into(),
            format!("{met}/{}", p.rules.len()).into(),
            short.join(w.sep).into(),
        ]
    });
    xlsx::table(duties, 0, &columns, rows, &f)?;
    book.save_to_buffer().map_err(failed)
}
