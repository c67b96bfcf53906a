//! A report as an xlsx workbook: a summary sheet with the figures, then the
//! records (daily) or the totals by day and by customer (periodic), and the
//! comments. Header rows are frozen and filtered.

use std::collections::HashMap;

use rust_xlsxwriter::{Format, FormatAlign, Workbook, Worksheet, XlsxError};

use super::reports::Report;
use crate::error::{Error, Result};
use crate::model::{ReportKind, ReportStatus};

struct Labels {
    kinds: [&'static str; 4],
    author: &'static str,
    period: &'static str,
    status: &'static str,
    draft: &'static str,
    submitted: &'static str,
    summary: &'static str,
    customer: &'static str,
    topic: &'static str,
    figures: [&'static str; 12],
    sheets: [&'static str; 6],
    /// The page footer's page number.
    page: &'static str,
    visit_columns: [&'static str; 14],
    call_columns: [&'static str; 7],
    task_columns: [&'static str; 5],
    task_states: [&'static str; 3],
    day_columns: [&'static str; 5],
    customer_columns: [&'static str; 4],
    comment_columns: [&'static str; 3],
    yes: &'static str,
    incoming: &'static str,
    outgoing: &'static str,
}

const ZH: Labels = Labels {
    kinds: ["日报", "周报", "月报", "紧急报告"],
    author: "报告人",
    period: "期间",
    status: "状态",
    draft: "草稿",
    submitted: "已提交",
    summary: "总结",
    customer: "客户",
    topic: "事由",
    figures: [
        "拜访次数",
        "拜访客户数",
        "计划内拜访",
        "抽查次数",
        "拜访时长（分钟）",
        "电话次数",
        "客户电话",
        "同事电话",
        "通话时长（分钟）",
        "完成任务",
        "新建任务",
        "逾期任务",
    ],
    sheets: ["汇总", "拜访", "电话", "任务", "按日", "按客户"],
    page: "第 &P 页 / 共 &N 页",
    visit_columns: [
        "签到",
        "签退",
        "分钟",
        "客户",
        "类型",
        "计划内",
        "目的",
        "库存",
        "竞品",
        "价格",
        "问题",
        "要求",
        "下一步",
        "截止",
    ],
    call_columns: ["时间", "对象", "方向", "秒", "摘要", "下一步", "截止"],
    task_columns: ["状态", "任务", "客户", "截止", "完成时间"],
    task_states: ["已完成", "新建", "逾期"],
    day_columns: ["日期", "拜访", "拜访客户", "电话", "通话分钟"],
    customer_columns: ["客户", "拜访", "电话", "最近联系"],
    comment_columns: ["时间", "批注人", "批注"],
    yes: "是",
    incoming: "来电",
    outgoing: "去电",
};

const EN: Labels = Labels {
    kinds: ["Daily report", "Weekly report", "Monthly report", "Urgent report"],
    author: "Author",
    period: "Period",
    status: "Status",
    draft: "Draft",
    submitted: "Submitted",
    summary: "Summary",
    customer: "Customer",
    topic: "Topic",
    figures: [
        "Visits",
        "Customers visited",
        "Planned visits",
        "Spot-checks",
        "Visit minutes",
        "Calls",
        "Customer calls",
        "Colleague calls",
        "Call minutes",
        "Tasks done",
        "Tasks created",
        "Tasks overdue",
    ],
    sheets: ["Summary", "Visits", "Calls", "Tasks", "By day", "By customer"],
    page: "Page &P of &N",
    visit_columns: [
        "Check-in",
        "Check-out",
        "Minutes",
        "Customer",
        "Type",
        "Planned",
        "Purpose",
        "Stock",
        "Competitors",
        "Prices",
        "Problems",
        "Requests",
        "Next step",
        "Due",
    ],
    call_columns: ["Time", "With", "Direction", "Seconds", "Summary", "Next step", "Due"],
    task_columns: ["State", "Task", "Customer", "Due", "Done"],
    task_states: ["Done", "New", "Overdue"],
    day_columns: ["Day", "Visits", "Customers visited", "Calls", "Call minutes"],
    customer_columns: ["Customer", "Visits", "Calls", "Last contact"],
    comment_columns: ["Time", "By", "Comment"],
    yes: "yes",
    incoming: "incoming",
    outgoing: "outgoing",
};

/// The workbook's bytes. `visit_types` maps visit type codes to their labels;
/// times are shown in the business time zone `zone`.
pub fn workbook(
    report: &Report,
    language: &str,
    visit_types: &HashMap<String, String>,
    zone: crate::clock::Zone,
) -> Result<Vec<u8>> {
    build(report, language, visit_types, zone)
        .map_err(|e| Error::Io(std::io::Error::other(format!("the report workbook could not be written: {e}"))))
}

fn time(ts: &str, zone: crate::clock::Zone) -> String {
    crate::clock::parse_timestamp(ts).map(|at| zone.show(at)).unwrap_or_default()
}

fn header(
    sheet: &mut Worksheet,
    columns: &[&str],
    widths: &[f64],
    bold: &Format,
) -> std::result::Result<(), XlsxError> {
    for (i, (name, width)) in columns.iter().zip(widths).enumerate() {
        let col = i as u16;
        sheet.write_string_with_format(0, col, *name, bold)?;
        sheet.set_column_width(col, *width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

fn filter(sheet: &mut Worksheet, rows: usize, columns: usize) -> std::result::Result<(), XlsxError> {
    if columns > 0 {
        sheet.autofilter(0, 0, rows as u32, columns as u16 - 1)?;
    }
    Ok(())
}

fn build(
    report: &Report,
    language: &str,
    visit_types: &HashMap<String, String>,
    zone: crate::clock::Zone,
) -> std::result::Result<Vec<u8>, XlsxError> {
    let l = if language.starts_with("en") { &EN } else { &ZH };
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let title = Format::new().set_bold().set_font_size(14);
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let kind = l.kinds[match report.kind {
        ReportKind::Daily => 0,
        ReportKind::Weekly => 1,
        ReportKind::Monthly => 2,
        ReportKind::Urgent => 3,
    }];
    let c = &report.content;
    {
        let sheet = book.add_worksheet().set_name(l.sheets[0])?;
        sheet.set_column_width(0, 22)?;
        sheet.set_column_width(1, 60)?;
        sheet.write_string_with_format(0, 0, format!("{kind} — {}", report.author_name), &title)?;
        let period = if report.period_start == report.period_end {
            report.period_start.clone()
        } else {
            format!("{} ~ {}", report.period_start, report.period_end)
        };
        let status = match report.status {
            ReportStatus::Draft => l.draft.to_string(),
            ReportStatus::Submitted => {
                format!(
                    "{} {}",
                    l.submitted,
                    report.submitted_at.as_deref().map(|ts| time(ts, zone)).unwrap_or_default()
                )
            }
        };
        let mut row = 2;
        let mut pairs: Vec<(&str, String)> =
            vec![(l.author, report.author_name.clone()), (l.period, period), (l.status, status)];
        if let Some(name) = &report.customer_name {
            pairs.push((l.customer, name.clone()));
        }
        if let Some(topic) = &report.title {
            pairs.push((l.topic, topic.clone()));
        }
        pairs.push((l.summary, report.summary.clone().unwrap_or_default()));
        for (label, value) in pairs {
            sheet.write_string_with_format(row, 0, label, &bold)?;
            sheet.write_string_with_format(row, 1, value, &wrap)?;
            row += 1;
        }
        if report.kind != ReportKind::Urgent {
            row += 1;
            let t = &c.totals;
            let values = [
                t.visits,
                t.customers_visited,
                t.planned_visits,
                t.spot_checks,
                t.visit_minutes,
                t.calls,
                t.customer_calls,
                t.colleague_calls,
                t.call_minutes,
                t.tasks_done,
                t.tasks_created,
                t.tasks_overdue,
            ];
            for (label, value) in l.figures.iter().zip(values) {
                sheet.write_string(row, 0, *label)?;
                sheet.write_number(row, 1, f64::from(value))?;
                row += 1;
            }
        }
    }
    if report.kind == ReportKind::Daily {
        let sheet = book.add_worksheet().set_name(l.sheets[1])?;
        header(
            sheet,
            &l.visit_columns,
            &[17.0, 17.0, 8.0, 24.0, 12.0, 8.0, 24.0, 24.0, 24.0, 20.0, 24.0, 24.0, 24.0, 12.0],
            &bold,
        )?;
        for (i, v) in c.visits.iter().enumerate() {
            let r = i as u32 + 1;
            sheet.write_string(r, 0, time(&v.checked_in_at, zone))?;
            sheet.write_string(r, 1, v.checked_out_at.as_deref().map(|ts| time(ts, zone)).unwrap_or_default())?;
            if let Some(m) = v.minutes {
                sheet.write_number(r, 2, f64::from(m))?;
            }
            sheet.write_string(r, 3, &v.customer_name)?;
            sheet.write_string(r, 4, visit_types.get(&v.visit_type).unwrap_or(&v.visit_type))?;
            sheet.write_string(r, 5, if v.planned { l.yes } else { "" })?;
            for (col, text) in [
                &v.purpose,
                &v.stock_notes,
                &v.competitor_notes,
                &v.prices_seen,
                &v.problems,
                &v.requests,
                &v.next_step,
                &v.next_step_due,
            ]
            .into_iter()
            .enumerate()
            {
                sheet.write_string(r, 6 + col as u16, text.as_deref().unwrap_or(""))?;
            }
        }
        filter(sheet, c.visits.len(), l.visit_columns.len())?;

        let sheet = book.add_worksheet().set_name(l.sheets[2])?;
        header(sheet, &l.call_columns, &[17.0, 20.0, 10.0, 8.0, 40.0, 28.0, 12.0], &bold)?;
        for (i, k) in c.calls.iter().enumerate() {
            let r = i as u32 + 1;
            sheet.write_string(r, 0, time(&k.called_at, zone))?;
            sheet.write_string(r, 1, k.customer_name.as_deref().or(k.colleague_name.as_deref()).unwrap_or(""))?;
            sheet.write_string(
                r,
                2,
                if k.direction == crate::model::CallDirection::Incoming { l.incoming } else { l.outgoing },
            )?;
            sheet.write_number(r, 3, f64::from(k.duration_seconds))?;
            sheet.write_string(r, 4, k.summary.as_deref().unwrap_or(""))?;
            sheet.write_string(r, 5, k.next_step.as_deref().unwrap_or(""))?;
            sheet.write_string(r, 6, k.next_step_due.as_deref().unwrap_or(""))?;
        }
        filter(sheet, c.calls.len(), l.call_columns.len())?;
    }
    if report.kind != ReportKind::Urgent {
        let sheet = book.add_worksheet().set_name(l.sheets[3])?;
        header(sheet, &l.task_columns, &[10.0, 40.0, 24.0, 12.0, 17.0], &bold)?;
        let mut r = 1;
        for (state, tasks) in l.task_states.iter().zip([&c.tasks_done, &c.tasks_created, &c.tasks_overdue]) {
            for t in tasks.iter() {
                sheet.write_string(r, 0, *state)?;
                sheet.write_string(r, 1, &t.title)?;
                sheet.write_string(r, 2, t.customer_name.as_deref().unwrap_or(""))?;
                sheet.write_string(r, 3, &t.due_on)?;
                sheet.write_string(r, 4, t.done_at.as_deref().map(|ts| time(ts, zone)).unwrap_or_default())?;
                r += 1;
            }
        }
        filter(sheet, r as usize - 1, l.task_columns.len())?;
    }
    if !c.days.is_empty() {
        let sheet = book.add_worksheet().set_name(l.sheets[4])?;
        header(sheet, &l.day_columns, &[12.0, 10.0, 14.0, 10.0, 12.0], &bold)?;
        for (i, d) in c.days.iter().enumerate() {
            let r = i as u32 + 1;
            sheet.write_string(r, 0, &d.day)?;
            for (col, v) in [d.visits, d.customers_visited, d.calls, d.call_minutes].into_iter().enumerate() {
                sheet.write_number(r, 1 + col as u16, f64::from(v))?;
            }
        }
        filter(sheet, c.days.len(), l.day_columns.len())?;
        let sheet = book.add_worksheet().set_name(l.sheets[5])?;
        header(sheet, &l.customer_columns, &[30.0, 10.0, 10.0, 17.0], &bold)?;
        for (i, t) in c.customers.iter().enumerate() {
            let r = i as u32 + 1;
            sheet.write_string(r, 0, &t.customer_name)?;
            sheet.write_number(r, 1, f64::from(t.visits))?;
            sheet.write_number(r, 2, f64::from(t.calls))?;
            sheet.write_string(r, 3, time(&t.last_contact, zone))?;
        }
        filter(sheet, c.customers.len(), l.customer_columns.len())?;
    }
    if !report.comments.is_empty() {
        let name = if language.starts_with("en") { "Comments" } else { "批注" };
        let sheet = book.add_worksheet().set_name(name)?;
        header(sheet, &l.comment_columns, &[17.0, 14.0, 60.0], &bold)?;
        for (i, m) in report.comments.iter().enumerate() {
            let r = i as u32 + 1;
            sheet.write_string(r, 0, time(&m.created_at, zone))?;
            sheet.write_string(r, 1, &m.author_name)?;
            sheet.write_string_with_format(r, 2, &m.body, &wrap)?;
        }
    }
    // Printed: A4, one page wide; the lists landscape with their header on every page.
    let heading = format!("{kind} — {}", report.author_name).replace('&', "&&");
    for (i, sheet) in book.worksheets_mut().iter_mut().enumerate() {
        sheet.set_paper_size(9);
        sheet.set_print_fit_to_pages(1, 0);
        sheet.set_header(format!("&C{heading}"));
        sheet.set_footer(format!("&C{}", l.page));
        if i > 0 {
            sheet.set_landscape();
            sheet.set_repeat_rows(0, 0)?;
        }
    }
    book.save_to_buffer()
}
