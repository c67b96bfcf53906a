//! Targets as workbooks for printing: the progress of a tree for a period,
//! and the tree × months grid of a year (target, actual and share per
//! month). Names are indented by their depth; money is in yuan.

use rust_xlsxwriter::Workbook;

use super::breakdown::Breakdown;
use super::progress::{ProgressRow, TargetGrid, TargetProgress};
use crate::error::Result;
use crate::model::Rag;
use crate::model::TargetStatus;
use crate::xlsx::{self, col, failed, Cell, Column, Formats, Kind};

fn english(language: &str) -> bool {
    language.starts_with("en")
}

fn indented(name: &str, depth: u32) -> String {
    format!("{}{name}", "　".repeat(depth as usize))
}

fn measure_label(measure: &str, en: bool) -> String {
    match (measure.strip_prefix("volume:"), en) {
        (Some(category), true) => format!("volume of {category}"),
        (Some(category), false) => format!("{category}销量"),
        (None, true) => "revenue".into(),
        (None, false) => "销售额".into(),
    }
}

fn rag_label(rag: Rag, en: bool) -> &'static str {
    match (rag, en) {
        (Rag::Green, false) => "正常",
        (Rag::Amber, false) => "预警",
        (Rag::Red, false) => "落后",
        (Rag::None, false) => "",
        (Rag::Green, true) => "on track",
        (Rag::Amber, true) => "behind",
        (Rag::Red, true) => "far behind",
        (Rag::None, true) => "",
    }
}

/// The columns of a progress table.
pub(crate) fn progress_columns(measure: &str, en: bool) -> Vec<Column<'static>> {
    let amount = if measure.starts_with("volume:") { Kind::Integer } else { Kind::Money };
    if en {
        vec![
            col("Unit / person / customer", Kind::Text, 30.0),
            col("Target", amount, 16.0),
            col("Actual", amount, 16.0),
            col("Done", Kind::Percent, 9.0),
            col("In hand", amount, 14.0),
            col("Per work day left", amount, 16.0),
            col("Run rate", amount, 16.0),
            col("Status", Kind::Text, 10.0),
        ]
    } else {
        vec![
            col("组织 / 人员 / 客户", Kind::Text, 30.0),
            col("目标", amount, 16.0),
            col("实际", amount, 16.0),
            col("完成率", Kind::Percent, 9.0),
            col("在手订单", amount, 14.0),
            col("剩余日均需完成", amount, 16.0),
            col("按进度预计", amount, 16.0),
            col("状态", Kind::Text, 10.0),
        ]
    }
}

/// A row of a progress table, its name indented by its depth.
pub(crate) fn progress_cells(r: &ProgressRow, en: bool) -> Vec<Cell> {
    vec![
        Cell::Text(indented(&r.node.name, r.depth)),
        r.target.into(),
        r.actual.into(),
        r.done.into(),
        r.in_hand.into(),
        r.per_work_day.into(),
        r.run_rate.into(),
        Cell::Text(rag_label(r.rag, en).into()),
    ]
}

/// The progress of a tree for a period as a workbook.
pub fn progress_workbook(progress: &TargetProgress, language: &str) -> Result<Vec<u8>> {
    let en = english(language);
    let columns = progress_columns(&progress.measure, en);
    let heading = if en {
        format!(
            "Progress against targets ({}), {} to {}, {:.1}% of the period gone",
            measure_label(&progress.measure, en),
            progress.from,
            progress.to,
            progress.elapsed as f64 / 100.0
        )
    } else {
        format!(
            "目标完成进度（{}） {}  时间进度 {:.1}%",
            measure_label(&progress.measure, en),
            progress.label,
            progress.elapsed as f64 / 100.0
        )
    };
    let f = Formats::for_print(language, heading.clone());
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(if en { "Progress" } else { "目标进度" }).map_err(failed)?;
    sheet.write_string_with_format(0, 0, &heading, &f.title).map_err(failed)?;
    let rows = progress.rows.iter().map(|r| progress_cells(r, en));
    xlsx::table(sheet, 2, &columns, rows, &f)?;
    book.save_to_buffer().map_err(failed)
}

/// The tree × months grid as a workbook: per month the target, the actual
/// and the share done, then the year.
pub fn grid_workbook(grid: &TargetGrid, language: &str) -> Result<Vec<u8>> {
    let en = english(language);
    let amount = if grid.measure.starts_with("volume:") { Kind::Integer } else { Kind::Money };
    let titles: Vec<(String, String, String)> = (1..=12)
        .map(|m| {
            if en {
                (format!("{m}: target"), format!("{m}: actual"), format!("{m}: done"))
            } else {
                (format!("{m}月目标"), format!("{m}月实际"), format!("{m}月完成率"))
            }
        })
        .chain(std::iter::once(if en {
            ("Year: target".into(), "Year: actual".into(), "Year: done".into())
        } else {
            ("全年目标".into(), "全年实际".into(), "全年完成率".into())
        }))
        .collect();
    let mut columns: Vec<Column<'_>> =
        vec![col(if en { "Unit / person / customer" } else { "组织 / 人员 / 客户" }, Kind::Text, 26.0)];
    for (t, a, d) in &titles {
        columns.push(col(t, amount, 13.0));
        columns.push(col(a, amount, 13.0));
        columns.push(col(d, Kind::Percent, 9.0));
    }
    let heading = if en {
        format!("Targets and actuals by month, {} ({})", grid.year, measure_label(&grid.measure, en))
    } else {
        format!("{}年目标与实际（{}）", grid.year, measure_label(&grid.measure, en))
    };
    let f = Formats::for_print(language, heading.clone());
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(if en { "By month" } else { "分月目标" }).map_err(failed)?;
    sheet.write_string_with_format(0, 0, &heading, &f.title).map_err(failed)?;
    let rows = grid.rows.iter().map(|r| {
        let mut cells = vec![Cell::Text(indented(&r.node.name, r.depth))];
        for c in r.months.iter().chain(std::iter::once(&r.year)) {
            cells.push(c.target.into());
            cells.push(c.actual.into());
            cells.push(c.done.into());
        }
        cells
    });
    xlsx::table(sheet, 2, &columns, rows, &f)?;
    book.save_to_buffer().map_err(failed)
}

fn status_label(status: TargetStatus, en: bool) -> &'static str {
    match (status, en) {
        (TargetStatus::Open, false) => "分解中",
        (TargetStatus::Submitted, false) => "待审批",
        (TargetStatus::Approved, false) => "已审批",
        (TargetStatus::Returned, false) => "已退回",
        (TargetStatus::Open, true) => "being broken down",
        (TargetStatus::Submitted, true) => "awaiting approval",
        (TargetStatus::Approved, true) => "approved",
        (TargetStatus::Returned, true) => "returned",
    }
}

/// A node's breakdown to the level below as a workbook: the node's own
/// target, each child's month by month with the year and last year's sales,
/// and what is left unallocated.
pub fn breakdown_workbook(b: &Breakdown, language: &str) -> Result<Vec<u8>> {
    let en = english(language);
    let amount = if b.measure.starts_with("volume:") { Kind::Integer } else { Kind::Money };
    let months: Vec<String> = (1..=12).map(|m| if en { format!("Month {m}") } else { format!("{m}月") }).collect();
    let titles: [&str; 6] = if en {
        ["Unit / person / customer", "Year", "Last year", "Status", "Own target", "Unallocated"]
    } else {
        ["组织 / 人员 / 客户", "全年", "去年实际", "状态", "本级目标", "未分配"]
    };
    let mut columns: Vec<Column<'_>> = vec![col(titles[0], Kind::Text, 24.0)];
    columns.extend(months.iter().map(|m| col(m, amount, 12.0)));
    columns.extend([col(titles[1], amount, 14.0), col(titles[2], amount, 14.0), col(titles[3], Kind::Text, 10.0)]);
    let heading = if en {
        format!(
            "Breakdown of {} for {} ({}), {}",
            b.node.name,
            b.year,
            measure_label(&b.measure, en),
            status_label(b.status, en)
        )
    } else {
        format!(
            "{} {}年目标分解（{}） {}",
            b.node.name,
            b.year,
            measure_label(&b.measure, en),
            status_label(b.status, en)
        )
    };
    let f = Formats::for_print(language, heading.clone());
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(if en { "Breakdown" } else { "目标分解" }).map_err(failed)?;
    sheet.write_string_with_format(0, 0, &heading, &f.title).map_err(failed)?;
    let row = |name: String, months: &[i64], last_year: Option<i64>, status: &str| {
        let mut cells = vec![Cell::Text(name)];
        cells.extend(months.iter().map(|m| Cell::Int(*m)));
        cells.extend([months.iter().sum::<i64>().into(), last_year.into(), status.into()]);
        cells
    };
    let mut rows = vec![];
    if let Some(own) = &b.months {
        rows.push(row(format!("{}（{}）", b.node.name, titles[4]), own, None, status_label(b.status, en)));
    }
    for c in &b.children {
        let status = if c.has_target { status_label(c.status, en) } else { "" };
        rows.push(row(indented(&c.node.name, 1), &c.months, Some(c.last_year), status));
    }
    rows.push(row(titles[5].to_string(), &b.unallocated, None, ""));
    xlsx::table(sheet, 2, &columns, rows, &f)?;
    book.save_to_buffer().map_err(failed)
}
