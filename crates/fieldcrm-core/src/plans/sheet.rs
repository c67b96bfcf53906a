//! The roll-ups as workbooks for printing: a unit's 旬 or month plans
//! (plan against target and actual, who submitted) and its rolling
//! forecast (the three months, and how well the month just ended was
//! foreseen). Money is in yuan; the total row is the core's total.

use rust_xlsxwriter::Workbook;

use super::forecast::{Forecast, ForecastRollup, ForecastRow};
use super::{PlanRollup, RollupRow, SalesPlan};
use crate::error::Result;
use crate::xlsx::{self, col, failed, Cell, Column, Formats, Kind};

fn status_label(row: &RollupRow, en: bool) -> &'static str {
    status_text(row.status.as_deref(), row.late, en)
}

/// A plan's or forecast's state: made or not, submitted (late) or a draft.
fn status_text(status: Option<&str>, late: bool, en: bool) -> &'static str {
    match (status, late, en) {
        (Some("submitted"), false, false) => "已提交",
        (Some("submitted"), true, false) => "已提交（迟交）",
        (Some(_), _, false) => "草稿",
        (None, _, false) => "未填报",
        (Some("submitted"), false, true) => "submitted",
        (Some("submitted"), true, true) => "submitted late",
        (Some(_), _, true) => "draft",
        (None, _, true) => "not made",
    }
}

/// A unit's plans of a period as a workbook.
pub fn plan_rollup_workbook(r: &PlanRollup, language: &str) -> Result<Vec<u8>> {
    let en = language.starts_with("en");
    let columns: Vec<Column<'_>> = if en {
        vec![
            col("Unit / person", Kind::Text, 22.0),
            col("Status", Kind::Text, 14.0),
            col("Submitted", Kind::Text, 10.0),
            col("Plan (yuan)", Kind::Money, 15.0),
            col("Visits planned", Kind::Integer, 10.0),
            col("Target (yuan)", Kind::Money, 15.0),
            col("Actual (yuan)", Kind::Money, 15.0),
            col("Visits made", Kind::Integer, 10.0),
            col("Actual of plan", Kind::Percent, 10.0),
        ]
    } else {
        vec![
            col("组织 / 人员", Kind::Text, 22.0),
            col("状态", Kind::Text, 14.0),
            col("已提交", Kind::Text, 10.0),
            col("计划销售（元）", Kind::Money, 15.0),
            col("计划拜访", Kind::Integer, 10.0),
            col("目标（元）", Kind::Money, 15.0),
            col("实际（元）", Kind::Money, 15.0),
            col("实际拜访", Kind::Integer, 10.0),
            col("计划完成率", Kind::Percent, 10.0),
        ]
    };
    let heading = if en {
        format!("Sales plans of {}, {} ({} to {})", r.node.name, r.period, r.own.from, r.own.to)
    } else {
        format!("{} {} 销售计划汇总", r.node.name, r.label)
    };
    let f = Formats::for_print(language, heading.clone());
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(if en { "Plans" } else { "计划汇总" }).map_err(failed)?;
    sheet.write_string_with_format(0, 0, &heading, &f.title).map_err(failed)?;
    // The unit's own submission up the line, and its note.
    let own = status_text(r.own.status.as_deref(), r.own.late, en);
    let note = r.own.note.as_deref().unwrap_or("");
    let line = if en { format!("This unit's plan: {own}  {note}") } else { format!("本级上报：{own}  {note}") };
    sheet.write_string(1, 0, line.trim_end()).map_err(failed)?;
    let cells = |row: &RollupRow, name: &str, status: &str| {
        vec![
            Cell::from(name),
            status.into(),
            format!("{}/{}", row.submitted, row.people).into(),
            row.amount.into(),
            row.visits.into(),
            row.target.into(),
            row.actual.into(),
            row.actual_visits.into(),
            crate::targets::progress::share(row.actual, row.amount).into(),
        ]
    };
    let rows = r.rows.iter().map(|row| cells(row, &row.node.name, status_label(row, en)));
    let end = xlsx::table(sheet, 3, &columns, rows, &f)?;
    let total = cells(&r.total, if en { "Total" } else { "合计" }, "");
    xlsx::write_row(sheet, end, &columns, &total, &f)?;
    book.save_to_buffer().map_err(failed)
}

/// The columns of a forecast roll-up: the rows, who submitted, the three
/// months, and the month just ended against its forecast.
pub(crate) fn forecast_columns(months: &[String], en: bool) -> Vec<Column<'_>> {
    let mut columns: Vec<Column<'_>> = vec![
        col(if en { "Unit / person" } else { "组织 / 人员" }, Kind::Text, 22.0),
        col(if en { "Submitted" } else { "已提交" }, Kind::Text, 10.0),
    ];
    columns.extend(months.iter().map(|m| col(m, Kind::Money, 15.0)));
    let titles: [&str; 4] = if en {
        ["Month foreseen", "Forecast (yuan)", "Actual (yuan)", "Accuracy"]
    } else {
        ["预测月份", "当时预测（元）", "实际（元）", "准确率"]
    };
    columns.extend([
        col(titles[0], Kind::Text, 11.0),
        col(titles[1], Kind::Money, 15.0),
        col(titles[2], Kind::Money, 15.0),
        col(titles[3], Kind::Percent, 9.0),
    ]);
    columns
}

/// A row of a forecast roll-up under `name`.
pub(crate) fn forecast_cells(row: &ForecastRow, name: &str) -> Vec<Cell> {
    let mut cells = vec![Cell::from(name), format!("{}/{}", row.submitted, row.people).into()];
    cells.extend(row.amounts.iter().map(|a| Cell::Int(*a)));
    match &row.accuracy {
        Some(a) => cells.extend([a.month.as_str().into(), a.forecast.into(), a.actual.into(), a.accuracy.into()]),
        None => cells.extend([Cell::Empty, Cell::Empty, Cell::Empty, Cell::Empty]),
    }
    cells
}

/// A unit's rolling forecast made in a month as a workbook.
pub fn forecast_rollup_workbook(r: &ForecastRollup, language: &str) -> Result<Vec<u8>> {
    let en = language.starts_with("en");
    let columns = forecast_columns(&r.months, en);
    let heading = if en {
        format!("Rolling forecast of {} made in {}", r.node.name, r.month)
    } else {
        format!("{} {} 三个月滚动销售预测", r.node.name, r.month)
    };
    let f = Formats::for_print(language, heading.clone());
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(if en { "Forecast" } else { "滚动预测" }).map_err(failed)?;
    sheet.write_string_with_format(0, 0, &heading, &f.title).map_err(failed)?;
    let rows = r.rows.iter().map(|row| forecast_cells(row, &row.node.name));
    let end = xlsx::table(sheet, 2, &columns, rows, &f)?;
    let total = forecast_cells(&r.total, if en { "Total" } else { "合计" });
    xlsx::write_row(sheet, end, &columns, &total, &f)?;
    book.save_to_buffer().map_err(failed)
}

/// One person's plan of a period as a workbook: each customer's target,
/// last year, the plan and what was sold and visited, with the total.
pub fn plan_workbook(p: &SalesPlan, language: &str) -> Result<Vec<u8>> {
    let en = language.starts_with("en");
    let titles: [&str; 8] = if en {
        [
            "Customer",
            "Target (yuan)",
            "Last year (yuan)",
            "Plan (yuan)",
            "Visits planned",
            "Actual (yuan)",
            "Visits made",
            "Total",
        ]
    } else {
        ["客户", "本期目标（元）", "去年同期（元）", "计划销售（元）", "计划拜访", "实际销售（元）", "实际拜访", "合计"]
    };
    let columns = [
        col(titles[0], Kind::Text, 24.0),
        col(titles[1], Kind::Money, 15.0),
        col(titles[2], Kind::Money, 15.0),
        col(titles[3], Kind::Money, 15.0),
        col(titles[4], Kind::Integer, 9.0),
        col(titles[5], Kind::Money, 15.0),
        col(titles[6], Kind::Integer, 9.0),
    ];
    let heading = if en {
        format!("Sales plan of {}, {} ({} to {})", p.staff.name, p.period, p.from, p.to)
    } else {
        format!("{} {} 销售计划", p.staff.name, p.label)
    };
    let f = Formats::for_print(language, heading.clone());
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(if en { "Plan" } else { "销售计划" }).map_err(failed)?;
    sheet.write_string_with_format(0, 0, &heading, &f.title).map_err(failed)?;
    let state = status_text(p.status.as_deref(), p.late, en);
    let note = p.note.as_deref().unwrap_or("");
    sheet.write_string(1, 0, format!("{state}  {note}").trim_end()).map_err(failed)?;
    let rows = p.lines.iter().map(|l| {
        vec![
            Cell::Text(customer_name(&l.customer.name, l.handed_over, en)),
            l.target.into(),
            l.last_year.into(),
            l.amount.into(),
            l.visits.into(),
            l.actual.into(),
            l.actual_visits.into(),
        ]
    });
    let end = xlsx::table(sheet, 3, &columns, rows, &f)?;
    let last_year: i64 = p.lines.iter().map(|l| l.last_year).sum();
    let total = vec![
        Cell::from(titles[7]),
        p.target.into(),
        last_year.into(),
        p.amount.into(),
        p.visits.into(),
        p.actual.into(),
        p.actual_visits.into(),
    ];
    xlsx::write_row(sheet, end, &columns, &total, &f)?;
    book.save_to_buffer().map_err(failed)
}

/// A customer's name on a plan or forecast line; one handed over since is
/// marked (and named as such when this book no longer holds the card).
fn customer_name(name: &str, handed_over: bool, en: bool) -> String {
    match (handed_over, name.is_empty(), en) {
        (false, ..) => name.to_string(),
        (true, true, false) => "已移交的客户".into(),
        (true, true, true) => "A customer handed over".into(),
        (true, false, false) => format!("{name}（已移交）"),
        (true, false, true) => format!("{name} (handed over)"),
    }
}

/// One person's forecast made in a month as a workbook: each customer's
/// three months beside the same months of last year, the totals, and how
/// well their earlier forecasts foresaw the month just ended.
pub fn forecast_workbook(fc: &Forecast, language: &str) -> Result<Vec<u8>> {
    let en = language.starts_with("en");
    let (customer, last_year, total) =
        if en { ("Customer", "last year", "Total") } else { ("客户", "去年同期", "合计") };
    let last_titles: Vec<String> = fc.months.iter().map(|m| format!("{m} {last_year}")).collect();
    let mut columns: Vec<Column<'_>> = vec![col(customer, Kind::Text, 24.0)];
    columns.extend(fc.months.iter().map(|m| col(m, Kind::Money, 14.0)));
    columns.extend(last_titles.iter().map(|m| col(m, Kind::Money, 16.0)));
    let heading = if en {
        format!("Rolling forecast of {} made in {}", fc.staff.name, fc.month)
    } else {
        format!("{} {} 所做三个月滚动销售预测", fc.staff.name, fc.month)
    };
    let f = Formats::for_print(language, heading.clone());
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(if en { "Forecast" } else { "滚动预测" }).map_err(failed)?;
    sheet.write_string_with_format(0, 0, &heading, &f.title).map_err(failed)?;
    sheet.write_string(1, 0, status_text(fc.status.as_deref(), false, en)).map_err(failed)?;
    let rows = fc.lines.iter().map(|l| {
        let mut cells = vec![Cell::Text(customer_name(&l.customer.name, l.handed_over, en))];
        cells.extend(l.amounts.iter().chain(&l.last_year).map(|a| Cell::Int(*a)));
        cells
    });
    let end = xlsx::table(sheet, 3, &columns, rows, &f)?;
    let mut totals = vec![Cell::from(total)];
    totals.extend(fc.totals.iter().map(|a| Cell::Int(*a)));
    totals.extend(
        (0..fc.months.len())
            .map(|k| Cell::Int(fc.lines.iter().map(|l| l.last_year.get(k).copied().unwrap_or(0)).sum())),
    );
    xlsx::write_row(sheet, end, &columns, &totals, &f)?;
    // How well the earlier forecasts foresaw the month just ended.
    let accuracy = if en {
        ["Month foreseen", "Made in", "Forecast (yuan)", "Actual (yuan)", "Accuracy"]
    } else {
        ["预测月份", "预测时间", "当时预测（元）", "实际（元）", "准确率"]
    };
    let columns = [
        col(accuracy[0], Kind::Text, 24.0),
        col(accuracy[1], Kind::Text, 14.0),
        col(accuracy[2], Kind::Money, 14.0),
        col(accuracy[3], Kind::Money, 14.0),
        col(accuracy[4], Kind::Percent, 16.0),
    ];
    let top = end + 2;
    xlsx::header(sheet, top, &columns, &f)?;
    for (i, a) in fc.accuracy.iter().enumerate() {
        let cells =
            [a.month.as_str().into(), a.made_in.as_str().into(), a.forecast.into(), a.actual.into(), a.accuracy.into()];
        xlsx::write_row(sheet, top + 1 + i as u32, &columns, &cells, &f)?;
    }
    book.save_to_buffer().map_err(failed)
}
