//! The receivables analyses as xlsx workbooks ([`super::analysis`]): aging,
//! the overdue list, collections and order fulfilment, each with its tables
//! (frozen headers, filters, typed cells, a totals row where figures add up)
//! and a native Excel chart on a chart sheet of its own, as the sales
//! analyses' workbooks are made ([`crate::sales::sheet`]).

use std::collections::BTreeMap;

use rust_xlsxwriter::{Chart, ChartType, Workbook, Worksheet};

use super::analysis::{
    AgingGroup, Collections, Escalation, Fulfilment, FulfilmentFigures, OverdueCustomer, OverdueList, ReceivablesAging,
};
use super::statement::Aging;
use crate::error::Result;
use crate::sales::analysis::AnalysisScope;
use crate::sales::sheet::{chart, save, sheet, yuan_axis, GradeNames};
use crate::xlsx::{col, failed, table, write_row, Cell, Column, Formats, Kind};

struct Words {
    on: &'static str,
    period: &'static str,
    scope: &'static str,
    total: &'static str,
    chart: &'static str,
    owed: &'static str,
    units: [&'static str; 3],
    titles: [&'static str; 5],
    cutoff: &'static str,
    sheets: [&'static str; 8],
    /// Group, customers owing, of them overdue, the five buckets, total, overdue share.
    aging: [&'static str; 10],
    group: [&'static str; 3],
    overdue: [&'static str; 14],
    steps: [&'static str; 3],
    by_step: [&'static str; 3],
    by_owner: [&'static str; 3],
    collections: [&'static str; 6],
    parts: [&'static str; 7],
    fulfilment: [&'static str; 11],
    month: &'static str,
    /// Under a list cut short: {listed} and {count}.
    listed: &'static str,
}

const ZH: Words = Words {
    on: "截至",
    period: "期间",
    scope: "范围",
    total: "合计",
    chart: "图表",
    owed: "应收账款",
    units: ["元", "万元", "亿元"],
    titles: ["应收账款账龄", "逾期客户", "开票与回款", "订单满足率与发货及时率", "月末截账未回款"],
    cutoff: "截账日",
    sheets: ["按区域", "按业务员", "按信用等级", "逾期客户", "按处理级别", "按负责人", "按月", "按区域发货"],
    aging: [
        "欠款客户",
        "其中逾期客户",
        "未到期（元）",
        "逾期1–30天（元）",
        "逾期31–60天（元）",
        "逾期61–90天（元）",
        "逾期90天以上（元）",
        "应收合计（元）",
        "逾期占比",
        "",
    ],
    group: ["区域", "业务员", "信用等级"],
    overdue: [
        "客户编码",
        "客户",
        "电话",
        "负责人",
        "片区",
        "信用等级",
        "应收余额（元）",
        "逾期金额（元）",
        "逾期1–30天（元）",
        "逾期31–60天（元）",
        "逾期61–90天（元）",
        "逾期90天以上（元）",
        "最长逾期（天）",
        "处理级别",
    ],
    steps: ["业务员催收", "区域经理跟进", "总部处理（新订单冻结）"],
    by_step: ["处理级别", "客户数", "逾期金额（元）"],
    by_owner: ["负责人", "逾期客户数", "逾期金额（元）"],
    collections: ["月份", "开票（元）", "现金回款（元）", "费用款（元）", "月末应收（元）", "应收周转天数"],
    parts: ["区域", "开票（元）", "现金回款（元）", "费用款（元）", "费用款占比", "期末应收（元）", "应收周转天数"],
    fulfilment: [
        "区域",
        "审批订单",
        "订购数量",
        "已发数量",
        "取消欠货",
        "满足率",
        "应发完订单",
        "按时发完",
        "发货及时率",
        "逾期未发完",
        "平均发货天数",
    ],
    month: "审批月份",
    listed: "共 {count} 位客户，此表列出排在最前的 {listed} 位。",
};

const EN: Words = Words {
    on: "On",
    period: "Period",
    scope: "Scope",
    total: "Total",
    chart: "Chart",
    owed: "Receivables",
    units: ["yuan", "10,000 yuan", "100 million yuan"],
    titles: [
        "Receivables aging",
        "Overdue customers",
        "Invoicing and collection",
        "Order fill rate and shipping on time",
        "Owed at the payment cut-off",
    ],
    cutoff: "Cut-off",
    sheets: [
        "By region",
        "By rep",
        "By credit grade",
        "Overdue",
        "By step",
        "By owner",
        "By month",
        "Shipping by region",
    ],
    aging: [
        "Customers owing",
        "Of them overdue",
        "Not due (yuan)",
        "1–30 days (yuan)",
        "31–60 days (yuan)",
        "61–90 days (yuan)",
        "Over 90 days (yuan)",
        "Total owed (yuan)",
        "Overdue share",
        "",
    ],
    group: ["Region", "Rep", "Credit grade"],
    overdue: [
        "Code",
        "Customer",
        "Phone",
        "Owner",
        "Territory",
        "Credit grade",
        "Owed (yuan)",
        "Overdue (yuan)",
        "1–30 days (yuan)",
        "31–60 days (yuan)",
        "61–90 days (yuan)",
        "Over 90 days (yuan)",
        "Longest overdue (days)",
        "Who acts",
    ],
    steps: ["Rep collects", "Regional manager follows up", "Head office (new orders on hold)"],
    by_step: ["Who acts", "Customers", "Overdue (yuan)"],
    by_owner: ["Owner", "Overdue customers", "Overdue (yuan)"],
    collections: [
        "Month",
        "Invoiced (yuan)",
        "Paid in cash (yuan)",
        "Marketing expenses (yuan)",
        "Owed at month end (yuan)",
        "DSO (days)",
    ],
    parts: [
        "Region",
        "Invoiced (yuan)",
        "Paid in cash (yuan)",
        "Marketing expenses (yuan)",
        "Expense share",
        "Owed at end (yuan)",
        "DSO (days)",
    ],
    fulfilment: [
        "Region",
        "Orders approved",
        "Units ordered",
        "Units shipped",
        "Backorders cancelled",
        "Fill rate",
        "Orders due",
        "Shipped on time",
        "On-time rate",
        "Late, still open",
        "Average days to ship",
    ],
    month: "Month approved",
    listed: "{count} customers; this sheet lists the first {listed}.",
};

fn words(language: &str) -> &'static Words {
    if language.starts_with("en") {
        &EN
    } else {
        &ZH
    }
}

fn step_label(step: Escalation, w: &Words) -> &'static str {
    match step {
        Escalation::Rep => w.steps[0],
        Escalation::Manager => w.steps[1],
        Escalation::Office => w.steps[2],
    }
}

/// Title and the lines under it; returns the table's first row.
fn heading(s: &mut Worksheet, title: &str, lines: &[(&str, String)], f: &Formats) -> Result<u32> {
    s.write_string_with_format(0, 0, title, &f.title).map_err(failed)?;
    for (i, (label, value)) in lines.iter().enumerate() {
        let row = 1 + i as u32;
        s.write_string_with_format(row, 0, *label, &f.bold).map_err(failed)?;
        s.write_string(row, 1, value).map_err(failed)?;
    }
    Ok(lines.len() as u32 + 2)
}

fn aging_cells(a: &Aging) -> [Cell; 6] {
    [a.not_due.into(), a.up_to_30.into(), a.up_to_60.into(), a.up_to_90.into(), a.over_90.into(), a.total().into()]
}

/// One table of aging groups with its totals row; returns the row after it.
fn aging_table(
    s: &mut Worksheet,
    top: u32,
    first: &str,
    groups: &[AgingGroup],
    english: bool,
    w: &Words,
    f: &Formats,
) -> Result<u32> {
    let mut columns: Vec<Column<'_>> = vec![col(first, Kind::Text, 18.0)];
    columns.extend([col(w.aging[0], Kind::Integer, 10.0), col(w.aging[1], Kind::Integer, 12.0)]);
    columns.extend(w.aging[2..8].iter().map(|t| col(t, Kind::Money, 16.0)));
    columns.push(col(w.aging[8], Kind::Percent, 10.0));
    let row = |name: &str, customers: u32, overdue_customers: u32, aging: &Aging, bp: u32| {
        let mut cells = vec![Cell::from(name), customers.into(), overdue_customers.into()];
        cells.extend(aging_cells(aging));
        cells.push(bp.into());
        cells
    };
    let rows = groups.iter().map(|g| {
        row(if english { &g.name_en } else { &g.name }, g.customers, g.overdue_customers, &g.aging, g.overdue_bp)
    });
    let end = table(s, top, &columns, rows, f)?;
    let mut total = Aging::default();
    groups.iter().for_each(|g| total.merge(&g.aging));
    let (customers, overdue) = groups.iter().fold((0, 0), |(c, o), g| (c + g.customers, o + g.overdue_customers));
    let bp = crate::sales::analysis::share_bp(total.overdue(), total.total());
    write_row(s, end, &columns, &row(w.total, customers, overdue, &total, bp), f)?;
    Ok(end + 1)
}

fn scope_line(w: &Words, scope: &AnalysisScope) -> (&'static str, String) {
    (w.scope, scope.unit_name.clone())
}

/// Receivables aging: by part (with the chart), by rep, by credit grade.
pub fn aging(a: &ReceivablesAging, language: &str, _names: &GradeNames) -> Result<Vec<u8>> {
    let w = words(language);
    let english = language.starts_with("en");
    let f = Formats::for_print(language, format!("{} · {} {} · {}", w.titles[0], w.on, a.on, a.scope.unit_name));
    let mut book = Workbook::new();
    let mut charts: Vec<(&str, Chart)> = vec![];
    let lines = [(w.on, a.on.clone()), scope_line(w, &a.scope)];
    let name = w.sheets[0];
    let s = sheet(&mut book, name)?;
    let top = heading(s, w.titles[0], &lines, &f)?;
    aging_table(s, top, w.group[0], &a.parts, english, w, &f)?;
    if !a.parts.is_empty() {
        // One stacked series per bucket, the parts along the axis.
        let (first, last) = (top + 1, top + a.parts.len() as u32);
        let mut c = Chart::new(ChartType::ColumnStacked);
        c.title().set_name(w.titles[0]);
        for (i, bucket) in w.aging[2..7].iter().enumerate() {
            let column = 3 + i as u16;
            c.add_series()
                .set_name(*bucket)
                .set_categories((name, first, 0, last, 0))
                .set_values((name, first, column, last, column));
        }
        c.set_width(720).set_height(400);
        yuan_axis(&mut c, a.parts.iter().map(|p| p.aging.total()).max().unwrap_or(0), w.owed, w.units);
        charts.push((w.chart, c));
    }
    let s = sheet(&mut book, w.sheets[1])?;
    let top = heading(s, w.titles[0], &lines, &f)?;
    aging_table(s, top, w.group[1], &a.owners, english, w, &f)?;
    let s = sheet(&mut book, w.sheets[2])?;
    let top = heading(s, w.titles[0], &lines, &f)?;
    aging_table(s, top, w.group[2], &a.grades, english, w, &f)?;
    save(&mut book, charts)
}

/// The overdue list (every customer in `all`), by escalation step and by
/// owner (with the chart); `cutoff`: the list as it stands at the payment
/// cut-off (月末截账).
pub fn overdue(
    a: &OverdueList,
    all: &[OverdueCustomer],
    language: &str,
    names: &GradeNames,
    cutoff: bool,
) -> Result<Vec<u8>> {
    let w = words(language);
    let (title, on) = if cutoff { (w.titles[4], w.cutoff) } else { (w.titles[1], w.on) };
    let f = Formats::for_print(language, format!("{title} · {on} {} · {}", a.on, a.scope.unit_name));
    let mut book = Workbook::new();
    let mut charts: Vec<(&str, Chart)> = vec![];
    let lines = [(on, a.on.clone()), scope_line(w, &a.scope)];
    let s = sheet(&mut book, w.sheets[3])?;
    let top = heading(s, title, &lines, &f)?;
    let kinds = [
        Kind::Text,
        Kind::Text,
        Kind::Text,
        Kind::Text,
        Kind::Text,
        Kind::Text,
        Kind::Money,
        Kind::Money,
        Kind::Money,
        Kind::Money,
        Kind::Money,
        Kind::Money,
        Kind::Integer,
        Kind::Text,
    ];
    let widths = [12.0, 28.0, 14.0, 10.0, 12.0, 10.0, 14.0, 14.0, 14.0, 14.0, 14.0, 14.0, 10.0, 16.0];
    let columns: Vec<Column<'_>> =
        w.overdue.iter().zip(kinds).zip(widths).map(|((t, k), width)| col(t, k, width)).collect();
    let rows = all.iter().map(|c| {
        vec![
            Cell::from(c.code.clone()),
            (&c.name).into(),
            Cell::from(c.phone.clone()),
            (&c.owner_name).into(),
            (&c.territory_name).into(),
            names.of("credit", c.credit_grade.as_deref()),
            c.open.into(),
            c.overdue.into(),
            c.aging.up_to_30.into(),
            c.aging.up_to_60.into(),
            c.aging.up_to_90.into(),
            c.aging.over_90.into(),
            c.oldest_days_past_due.into(),
            step_label(c.escalation, w).into(),
        ]
    });
    let end = table(s, top, &columns, rows, &f)?;
    let sum = |f: fn(&OverdueCustomer) -> i64| all.iter().map(f).sum::<i64>();
    let mut totals = vec![Cell::from(w.total), Cell::Empty, Cell::Empty, Cell::Empty, Cell::Empty, Cell::Empty];
    totals.extend([
        Cell::Int(sum(|c| c.open)),
        Cell::Int(sum(|c| c.overdue)),
        Cell::Int(sum(|c| c.aging.up_to_30)),
        Cell::Int(sum(|c| c.aging.up_to_60)),
        Cell::Int(sum(|c| c.aging.up_to_90)),
        Cell::Int(sum(|c| c.aging.over_90)),
    ]);
    write_row(s, end, &columns, &totals, &f)?;
    if all.len() < a.count as usize {
        let text = w.listed.replace("{count}", &a.count.to_string()).replace("{listed}", &all.len().to_string());
        s.write_string(end + 2, 0, text).map_err(failed)?;
    }

    let s = sheet(&mut book, w.sheets[4])?;
    let columns = [
        col(w.by_step[0], Kind::Text, 26.0),
        col(w.by_step[1], Kind::Integer, 10.0),
        col(w.by_step[2], Kind::Money, 16.0),
    ];
    let rows =
        a.steps.iter().map(|st| vec![Cell::from(step_label(st.escalation, w)), st.customers.into(), st.overdue.into()]);
    let end = table(s, 0, &columns, rows, &f)?;
    let customers: u32 = a.steps.iter().map(|st| st.customers).sum();
    write_row(s, end, &columns, &[w.total.into(), customers.into(), a.overdue.into()], &f)?;

    let mut owners: BTreeMap<&str, (u32, i64)> = BTreeMap::new();
    for c in all {
        let o = owners.entry(c.owner_name.as_str()).or_default();
        o.0 += 1;
        o.1 += c.overdue;
    }
    let mut owners: Vec<_> = owners.into_iter().collect();
    owners.sort_by(|a, b| b.1 .1.cmp(&a.1 .1).then_with(|| a.0.cmp(b.0)));
    let name = w.sheets[5];
    let s = sheet(&mut book, name)?;
    let columns = [
        col(w.by_owner[0], Kind::Text, 14.0),
        col(w.by_owner[1], Kind::Integer, 12.0),
        col(w.by_owner[2], Kind::Money, 16.0),
    ];
    let rows = owners.iter().map(|(o, (n, amount))| vec![Cell::from(*o), (*n).into(), (*amount).into()]);
    let end = table(s, 0, &columns, rows, &f)?;
    write_row(s, end, &columns, &[w.total.into(), (all.len() as u32).into(), sum(|c| c.overdue).into()], &f)?;
    if !owners.is_empty() {
        let last = end.min(21) - 1;
        let mut c = chart(ChartType::Bar, title, name, 0, &[(2, w.by_owner[2])], (1, last));
        yuan_axis(&mut c, owners.first().map_or(0, |o| o.1 .1), w.owed, w.units);
        charts.push((w.chart, c));
    }
    save(&mut book, charts)
}

/// Invoicing and collection by month (with the chart) and by part.
pub fn collections(a: &Collections, language: &str) -> Result<Vec<u8>> {
    let w = words(language);
    let period = format!("{} ~ {}", a.period.from, a.period.to);
    let f = Formats::for_print(language, format!("{} · {} {period} · {}", w.titles[2], w.period, a.scope.unit_name));
    let mut book = Workbook::new();
    let mut charts: Vec<(&str, Chart)> = vec![];
    let lines = [(w.period, period), scope_line(w, &a.scope)];
    let name = w.sheets[6];
    let s = sheet(&mut book, name)?;
    let top = heading(s, w.titles[2], &lines, &f)?;
    let columns = [
        col(w.collections[0], Kind::Text, 10.0),
        col(w.collections[1], Kind::Money, 16.0),
        col(w.collections[2], Kind::Money, 16.0),
        col(w.collections[3], Kind::Money, 16.0),
        col(w.collections[4], Kind::Money, 16.0),
        col(w.collections[5], Kind::Integer, 12.0),
    ];
    let rows = a.months.iter().map(|m| {
        vec![
            Cell::from(&m.month),
            m.invoiced.into(),
            m.paid_cash.into(),
            m.paid_expense.into(),
            m.balance.into(),
            m.dso_days.into(),
        ]
    });
    let end = table(s, top, &columns, rows, &f)?;
    write_row(
        s,
        end,
        &columns,
        &[
            w.total.into(),
            a.invoiced.into(),
            a.paid_cash.into(),
            a.paid_expense.into(),
            a.balance.into(),
            a.dso_days.into(),
        ],
        &f,
    )?;
    if !a.months.is_empty() {
        let (first, last) = (top + 1, end - 1);
        let mut c = chart(
            ChartType::Column,
            w.titles[2],
            name,
            0,
            &[(1, w.collections[1]), (2, w.collections[2]), (3, w.collections[3])],
            (first, last),
        );
        c.set_width(720).set_height(400);
        let max = a.months.iter().map(|m| m.invoiced.max(m.paid_cash + m.paid_expense)).max().unwrap_or(0);
        yuan_axis(&mut c, max, w.owed, w.units);
        charts.push((w.chart, c));
    }
    let s = sheet(&mut book, w.sheets[0])?;
    let top = heading(s, w.titles[2], &lines, &f)?;
    let columns = [
        col(w.parts[0], Kind::Text, 18.0),
        col(w.parts[1], Kind::Money, 16.0),
        col(w.parts[2], Kind::Money, 16.0),
        col(w.parts[3], Kind::Money, 16.0),
        col(w.parts[4], Kind::Percent, 10.0),
        col(w.parts[5], Kind::Money, 16.0),
        col(w.parts[6], Kind::Integer, 12.0),
    ];
    let rows = a.parts.iter().map(|p| {
        vec![
            Cell::from(&p.name),
            p.invoiced.into(),
            p.paid_cash.into(),
            p.paid_expense.into(),
            p.expense_bp.into(),
            p.balance.into(),
            p.dso_days.into(),
        ]
    });
    let end = table(s, top, &columns, rows, &f)?;
    write_row(
        s,
        end,
        &columns,
        &[
            w.total.into(),
            a.invoiced.into(),
            a.paid_cash.into(),
            a.paid_expense.into(),
            a.expense_bp.into(),
            a.balance.into(),
            a.dso_days.into(),
        ],
        &f,
    )?;
    save(&mut book, charts)
}

fn fulfilment_cells(name: &str, f: &FulfilmentFigures) -> Vec<Cell> {
    vec![
        Cell::from(name),
        f.orders.into(),
        f.ordered.into(),
        f.shipped.into(),
        f.cancelled.into(),
        f.fill_bp.into(),
        f.due.into(),
        f.on_time.into(),
        f.on_time_bp.into(),
        f.late_open.into(),
        f.average_days_tenths.map(|t| f64::from(t) / 10.0).into(),
    ]
}

/// Order fulfilment by part (with the chart) and by month of approval.
pub fn fulfilment(a: &Fulfilment, language: &str) -> Result<Vec<u8>> {
    let w = words(language);
    let period = format!("{} ~ {}", a.period.from, a.period.to);
    let f = Formats::for_print(language, format!("{} · {} {period} · {}", w.titles[3], w.period, a.scope.unit_name));
    let mut book = Workbook::new();
    let mut charts: Vec<(&str, Chart)> = vec![];
    let lines = [(w.period, period), scope_line(w, &a.scope)];
    let kinds = [
        Kind::Text,
        Kind::Integer,
        Kind::Integer,
        Kind::Integer,
        Kind::Integer,
        Kind::Percent,
        Kind::Integer,
        Kind::Integer,
        Kind::Percent,
        Kind::Integer,
        Kind::Number,
    ];
    let name = w.sheets[7];
    let s = sheet(&mut book, name)?;
    let top = heading(s, w.titles[3], &lines, &f)?;
    let columns: Vec<Column<'_>> = w
        .fulfilment
        .iter()
        .zip(kinds)
        .enumerate()
        .map(|(i, (t, k))| col(t, k, if i == 0 { 18.0 } else { 12.0 }))
        .collect();
    let rows = a.parts.iter().map(|p| fulfilment_cells(&p.name, &p.figures));
    let end = table(s, top, &columns, rows, &f)?;
    write_row(s, end, &columns, &fulfilment_cells(w.total, &a.total), &f)?;
    if !a.parts.is_empty() {
        let mut c = chart(
            ChartType::Column,
            w.titles[3],
            name,
            0,
            &[(5, w.fulfilment[5]), (8, w.fulfilment[8])],
            (top + 1, end - 1),
        );
        c.y_axis().set_num_format("0%").set_max(1.0).set_min(0.0);
        charts.push((w.chart, c));
    }
    let s = sheet(&mut book, w.sheets[6])?;
    let top = heading(s, w.titles[3], &lines, &f)?;
    let mut columns = columns.clone();
    columns[0] = col(w.month, Kind::Text, 12.0);
    let rows = a.months.iter().map(|m| fulfilment_cells(&m.month, &m.figures));
    let end = table(s, top, &columns, rows, &f)?;
    write_row(s, end, &columns, &fulfilment_cells(w.total, &a.total), &f)?;
    save(&mut book, charts)
}
