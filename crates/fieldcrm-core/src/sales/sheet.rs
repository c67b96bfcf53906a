//! The analyses as xlsx workbooks: one sheet per table with frozen headers,
//! filters and typed cells ([`crate::xlsx`]), and a native Excel chart of each
//! analysis next to its figures.

use rust_xlsxwriter::{Chart, ChartAxisDisplayUnitType, ChartType, Workbook, Worksheet};

use super::analysis::{
    AnalysisScope, CreditAnalysis, GradeComposition, GroupLabel, MonthlyRow, MonthlySummary, NegativeGrowth, Period,
    ProductComposition, RegionComposition,
};
use crate::error::Result;
use crate::xlsx::{col, failed, table, Cell, Column, Formats, Kind};

struct Words {
    period: &'static str,
    scope: &'static str,
    total: &'static str,
    none: &'static str,
    titles: [&'static str; 6],
    grade: [&'static str; 4],
    pareto: [&'static str; 2],
    top: [&'static str; 6],
    product: [&'static str; 7],
    line: &'static str,
    region: [&'static str; 7],
    credit: [&'static str; 10],
    over: [&'static str; 9],
    growth: [&'static str; 10],
    owners: [&'static str; 3],
    monthly: [&'static str; 7],
    sheets: [&'static str; 12],
    /// The name of a chart's own sheet.
    chart: &'static str,
    /// A money axis's name and its units (yuan, ten thousand, a hundred million).
    amount: &'static str,
    units: [&'static str; 3],
    /// Unit kinds by their code, and `rep`.
    kinds: [(&'static str, &'static str); 6],
    /// Settlements by their code.
    settlements: [(&'static str, &'static str); 4],
    /// Under a list cut short: {listed} and {count}.
    listed: &'static str,
}

const ZH: Words = Words {
    period: "期间",
    scope: "范围",
    total: "合计",
    none: "未定",
    chart: "图表",
    amount: "销售额",
    units: ["元", "万元", "亿元"],
    kinds: [
        ("head_office", "总部"),
        ("province", "省区"),
        ("region", "区域"),
        ("territory", "片区"),
        ("other", "其他"),
        ("rep", "业务员"),
    ],
    settlements: [
        ("prepayment", "款到发货"),
        ("cash_on_delivery", "货到付款"),
        ("monthly_statement", "月结"),
        ("credit_term", "账期"),
    ],
    listed: "共 {count} 位客户，此表列出排在最前的 {listed} 位；全部名单请缩小范围或期间后再导出。",
    titles: ["客户等级销售构成", "产品构成", "区域构成", "信用分析", "负增长客户", "月度销售汇总"],
    grade: ["客户等级", "客户数", "销售额（元）", "占比"],
    pareto: ["客户累计占比", "销售额累计占比"],
    top: ["排名", "客户", "等级", "负责人", "销售额（元）", "累计占比"],
    product: ["产品编码", "产品名称", "产品线", "单位", "数量", "销售额（元）", "占比"],
    line: "产品线",
    region: ["区域", "类型", "购买客户数", "销售额（元）", "占比", "去年同期（元）", "同比"],
    credit: [
        "信用等级",
        "客户数",
        "销售额（元）",
        "占比",
        "信用额度（元）",
        "账期（天）",
        "结算方式",
        "应收余额（元）",
        "其中逾期（元）",
        "超额度客户",
    ],
    over: [
        "客户",
        "信用等级",
        "负责人",
        "销售额（元）",
        "最高月销售（元）",
        "应收余额（元）",
        "其中逾期（元）",
        "信用额度（元）",
        "额度使用",
    ],
    growth: [
        "客户",
        "等级",
        "负责人",
        "片区",
        "本期（元）",
        "去年同期（元）",
        "上期（元）",
        "同比",
        "环比",
        "较去年减少（元）",
    ],
    owners: ["负责人", "负增长客户数", "较去年减少（元）"],
    monthly: ["业务员", "区域", "购买客户数", "合计（元）", "目标（元）", "计划（元）", "完成率"],
    sheets: [
        "等级构成",
        "帕累托",
        "大客户",
        "产品线",
        "产品",
        "区域",
        "信用等级",
        "超额度客户",
        "负增长客户",
        "按负责人",
        "按业务员",
        "按区域",
    ],
};

const EN: Words = Words {
    period: "Period",
    scope: "AnalysisScope",
    total: "Total",
    none: "Not set",
    chart: "Chart",
    amount: "Revenue",
    units: ["yuan", "10,000 yuan", "100 million yuan"],
    kinds: [
        ("head_office", "Head office"),
        ("province", "Province"),
        ("region", "Region"),
        ("territory", "Territory"),
        ("other", "Other"),
        ("rep", "Rep"),
    ],
    settlements: [
        ("prepayment", "Prepayment"),
        ("cash_on_delivery", "Cash on delivery"),
        ("monthly_statement", "Monthly statement"),
        ("credit_term", "Credit term"),
    ],
    listed: "{count} customers in all; this sheet lists the first {listed}. Narrow the scope or the period to export them all.",
    titles: [
        "Sales by customer grade",
        "Product composition",
        "Regional composition",
        "Credit analysis",
        "Negative-growth customers",
        "Monthly sales summary",
    ],
    grade: ["Customer grade", "Customers", "Revenue (yuan)", "Share"],
    pareto: ["Customers (cumulative)", "Revenue (cumulative)"],
    top: ["Rank", "Customer", "Grade", "Owner", "Revenue (yuan)", "Cumulative share"],
    product: ["Code", "Product", "Line", "Unit", "Quantity", "Revenue (yuan)", "Share"],
    line: "Product line",
    region: ["Part", "Kind", "Buying customers", "Revenue (yuan)", "Share", "Last year (yuan)", "Growth"],
    credit: [
        "Credit grade",
        "Customers",
        "Revenue (yuan)",
        "Share",
        "Credit limit (yuan)",
        "Payment term (days)",
        "Settlement",
        "Owed (yuan)",
        "Of it overdue (yuan)",
        "Over limit",
    ],
    over: [
        "Customer",
        "Credit grade",
        "Owner",
        "Revenue (yuan)",
        "Peak month (yuan)",
        "Owed (yuan)",
        "Of it overdue (yuan)",
        "Credit limit (yuan)",
        "Limit use",
    ],
    growth: [
        "Customer",
        "Grade",
        "Owner",
        "Territory",
        "This period (yuan)",
        "Last year (yuan)",
        "Previous period (yuan)",
        "vs last year",
        "vs previous",
        "Lost vs last year (yuan)",
    ],
    owners: ["Owner", "Customers", "Lost vs last year (yuan)"],
    monthly: ["Rep", "Region", "Buying customers", "Total (yuan)", "Target (yuan)", "Plan (yuan)", "Done"],
    sheets: [
        "By grade",
        "Pareto",
        "Top customers",
        "Lines",
        "Products",
        "Regions",
        "Credit grades",
        "Over limit",
        "Customers",
        "By owner",
        "By rep",
        "By region",
    ],
};

fn words(language: &str) -> &'static Words {
    if language.starts_with("en") {
        &EN
    } else {
        &ZH
    }
}

fn label(l: &GroupLabel, language: &str) -> String {
    if language.starts_with("en") {
        l.label_en.clone()
    } else {
        l.label_zh.clone()
    }
}

/// Title, period and scope above a sheet's table; returns the table's first row.
fn heading(
    sheet: &mut Worksheet,
    title: &str,
    period: &Period,
    scope: &AnalysisScope,
    w: &Words,
    f: &Formats,
) -> Result<u32> {
    sheet.write_string_with_format(0, 0, title, &f.title).map_err(failed)?;
    sheet.write_string_with_format(1, 0, w.period, &f.bold).map_err(failed)?;
    sheet.write_string(1, 1, format!("{} ~ {}", period.from, period.to)).map_err(failed)?;
    sheet.write_string_with_format(2, 0, w.scope, &f.bold).map_err(failed)?;
    sheet.write_string(2, 1, &scope.unit_name).map_err(failed)?;
    Ok(4)
}

pub(crate) fn sheet<'a>(book: &'a mut Workbook, name: &str) -> Result<&'a mut Worksheet> {
    book.add_worksheet().set_name(name).map_err(failed)
}

/// A chart of one or more series over the rows `first..=last` of `sheet_name`.
pub(crate) fn chart(
    kind: ChartType,
    title: &str,
    sheet_name: &str,
    categories: u16,
    values: &[(u16, &str)],
    (first, last): (u32, u32),
) -> Chart {
    let mut chart = Chart::new(kind);
    chart.title().set_name(title);
    for (column, name) in values {
        chart
            .add_series()
            .set_name(*name)
            .set_categories((sheet_name, first, categories, last, categories))
            .set_values((sheet_name, first, *column, last, *column));
    }
    chart.set_width(640).set_height(360);
    chart
}

/// The grades' labels in the workbook's language, by scale and code.
#[derive(Debug, Clone, Default)]
pub struct GradeNames(pub std::collections::HashMap<(String, String), String>);

impl GradeNames {
    /// The label of a grade of `scale` (`customer`, `credit`), or its code.
    pub(crate) fn of(&self, scale: &str, code: Option<&str>) -> Cell {
        code.map_or(Cell::Empty, |c| {
            Cell::Text(self.0.get(&(scale.to_string(), c.to_string())).cloned().unwrap_or_else(|| c.to_string()))
        })
    }
}

/// A code's label from `table`, or the code when the table has none.
fn labelled(table: &[(&'static str, &'static str)], code: &str) -> String {
    table.iter().find(|(c, _)| *c == code).map_or_else(|| code.to_string(), |(_, l)| (*l).to_string())
}

/// A money value axis in the unit its largest value reads best in — yuan,
/// 万元 or 亿元 — named in its title.
fn money_axis(chart: &mut Chart, max_fen: i64, w: &Words) {
    yuan_axis(chart, max_fen, w.amount, w.units);
}

/// [`money_axis`] with its name and units (yuan, ten thousand, a hundred million) given.
pub(crate) fn yuan_axis(chart: &mut Chart, max_fen: i64, name: &str, units: [&str; 3]) {
    let yuan = max_fen.unsigned_abs() / 100;
    let (unit, label) = if yuan >= 100_000_000 {
        (ChartAxisDisplayUnitType::HundredMillions, units[2])
    } else if yuan >= 100_000 {
        (ChartAxisDisplayUnitType::TenThousands, units[1])
    } else {
        (ChartAxisDisplayUnitType::None, units[0])
    };
    let axis = chart.y_axis();
    axis.set_name(&format!("{name}（{label}）")).set_num_format("#,##0");
    if unit != ChartAxisDisplayUnitType::None {
        axis.set_display_unit_type(unit);
    }
}

/// A line under a sheet's heading saying how many of how many it lists.
fn listed_note(sheet: &mut Worksheet, row: u32, listed: usize, count: u32, w: &Words) -> Result<()> {
    if (listed as u64) < u64::from(count) {
        let text = w.listed.replace("{count}", &count.to_string()).replace("{listed}", &listed.to_string());
        sheet.write_string(row, 0, text).map_err(failed)?;
    }
    Ok(())
}

/// The page header of an analysis: its title, period and scope.
fn print_heading(w: &Words, title: &str, period: &Period, scope: &AnalysisScope) -> String {
    format!("{title} · {} {} ~ {} · {}", w.period, period.from, period.to, scope.unit_name)
}

/// Saves the workbook with each chart on a chart sheet of its own after the
/// tables: a chart sheet prints as one whole page, never cut by a page break.
pub(crate) fn save(book: &mut Workbook, charts: Vec<(&str, Chart)>) -> Result<Vec<u8>> {
    let several = charts.len() > 1;
    for (i, (prefix, chart)) in charts.into_iter().enumerate() {
        let name = if several { format!("{prefix}{}", i + 1) } else { prefix.to_string() };
        let sheet = book.add_chartsheet().set_name(&name).map_err(failed)?;
        sheet.set_paper_size(9);
        sheet.insert_chart(0, 0, &chart).map_err(failed)?;
    }
    book.save_to_buffer().map_err(failed)
}

pub fn grades(a: &GradeComposition, language: &str, names: &GradeNames) -> Result<Vec<u8>> {
    let w = words(language);
    let f = Formats::for_print(language, print_heading(w, w.titles[0], &a.period, &a.scope));
    let mut charts: Vec<(&str, Chart)> = vec![];
    let mut book = Workbook::new();
    let columns: [Column<'_>; 4] = [
        col(w.grade[0], Kind::Text, 16.0),
        col(w.grade[1], Kind::Integer, 10.0),
        col(w.grade[2], Kind::Money, 18.0),
        col(w.grade[3], Kind::Percent, 10.0),
    ];
    let name = w.sheets[0];
    let s = sheet(&mut book, name)?;
    let top = heading(s, w.titles[0], &a.period, &a.scope, w, &f)?;
    let rows = a
        .grades
        .iter()
        .map(|g| vec![Cell::from(label(&g.grade, language)), g.customers.into(), g.revenue.into(), g.share_bp.into()]);
    let end = table(s, top, &columns, rows, &f)?;
    crate::xlsx::write_row(
        s,
        end,
        &columns,
        &[w.total.into(), a.customers.into(), a.total_revenue.into(), Cell::Int(10_000)],
        &f,
    )?;
    if !a.grades.is_empty() {
        let c = chart(ChartType::Pie, w.titles[0], name, 0, &[(2, w.grade[2])], (top + 1, end - 1));
        charts.push((w.chart, c));
    }

    let name = w.sheets[1];
    let s = sheet(&mut book, name)?;
    let columns = [col(w.pareto[0], Kind::Percent, 16.0), col(w.pareto[1], Kind::Percent, 16.0)];
    let rows = a.pareto.iter().map(|p| vec![p.customers_bp.into(), p.revenue_bp.into()]);
    let end = table(s, 0, &columns, rows, &f)?;
    let mut c = chart(ChartType::Line, w.sheets[1], name, 0, &[(1, w.pareto[1])], (1, end - 1));
    c.x_axis().set_name(w.pareto[0]);
    c.y_axis().set_name(w.pareto[1]).set_num_format("0%");
    charts.push((w.chart, c));

    let s = sheet(&mut book, w.sheets[2])?;
    let columns = [
        col(w.top[0], Kind::Integer, 6.0),
        col(w.top[1], Kind::Text, 30.0),
        col(w.top[2], Kind::Text, 8.0),
        col(w.top[3], Kind::Text, 12.0),
        col(w.top[4], Kind::Money, 18.0),
        col(w.top[5], Kind::Percent, 12.0),
    ];
    let rows = a.top.iter().enumerate().map(|(i, t)| {
        vec![
            Cell::Int(i as i64 + 1),
            (&t.name).into(),
            names.of("customer", t.grade.as_deref()),
            (&t.owner_name).into(),
            t.revenue.into(),
            t.cumulative_bp.into(),
        ]
    });
    table(s, 0, &columns, rows, &f)?;
    save(&mut book, charts)
}

pub fn products(a: &ProductComposition, language: &str) -> Result<Vec<u8>> {
    let w = words(language);
    let f = Formats::for_print(language, print_heading(w, w.titles[1], &a.period, &a.scope));
    let mut charts: Vec<(&str, Chart)> = vec![];
    let mut book = Workbook::new();
    let channels: Vec<String> = a.channels.iter().map(|c| label(c, language)).collect();
    let name = w.sheets[3];
    let s = sheet(&mut book, name)?;
    let top = heading(s, w.titles[1], &a.period, &a.scope, w, &f)?;
    let mut columns = vec![
        col(w.line, Kind::Text, 16.0),
        col(w.product[5], Kind::Money, 18.0),
        col(w.product[6], Kind::Percent, 10.0),
    ];
    columns.extend(channels.iter().map(|c| col(c, Kind::Money, 16.0)));
    let rows = a.lines.iter().map(|l| {
        let mut cells =
            vec![Cell::from(l.line.clone().unwrap_or_else(|| w.none.to_string())), l.revenue.into(), l.share_bp.into()];
        cells.extend(l.by_channel.iter().map(|v| Cell::Int(*v)));
        cells
    });
    let end = table(s, top, &columns, rows, &f)?;
    if !a.lines.is_empty() {
        let c = chart(ChartType::Pie, w.line, name, 0, &[(1, w.product[5])], (top + 1, end - 1));
        charts.push((w.chart, c));
        let series: Vec<(u16, &str)> = channels.iter().enumerate().map(|(i, c)| (3 + i as u16, c.as_str())).collect();
        let mut c = chart(ChartType::ColumnStacked, w.titles[1], name, 0, &series, (top + 1, end - 1));
        money_axis(&mut c, a.lines.iter().map(|l| l.revenue).max().unwrap_or(0), w);
        charts.push((w.chart, c));
    }

    let s = sheet(&mut book, w.sheets[4])?;
    let mut columns = vec![
        col(w.product[0], Kind::Text, 12.0),
        col(w.product[1], Kind::Text, 24.0),
        col(w.product[2], Kind::Text, 14.0),
        col(w.product[3], Kind::Text, 6.0),
        col(w.product[4], Kind::Number, 12.0),
        col(w.product[5], Kind::Money, 18.0),
        col(w.product[6], Kind::Percent, 10.0),
    ];
    columns.extend(channels.iter().map(|c| col(c, Kind::Money, 16.0)));
    let rows = a.products.iter().map(|p| {
        let mut cells = vec![
            Cell::from(&p.code),
            (&p.name).into(),
            p.line.clone().into(),
            (&p.unit).into(),
            p.quantity.into(),
            p.revenue.into(),
            p.share_bp.into(),
        ];
        cells.extend(p.by_channel.iter().map(|v| Cell::Int(*v)));
        cells
    });
    table(s, 0, &columns, rows, &f)?;
    save(&mut book, charts)
}

pub fn regions(a: &RegionComposition, language: &str) -> Result<Vec<u8>> {
    let w = words(language);
    let f = Formats::for_print(language, print_heading(w, w.titles[2], &a.period, &a.scope));
    let mut charts: Vec<(&str, Chart)> = vec![];
    let mut book = Workbook::new();
    let name = w.sheets[5];
    let s = sheet(&mut book, name)?;
    let top = heading(s, w.titles[2], &a.period, &a.scope, w, &f)?;
    let columns = [
        col(w.region[0], Kind::Text, 20.0),
        col(w.region[1], Kind::Text, 10.0),
        col(w.region[2], Kind::Integer, 12.0),
        col(w.region[3], Kind::Money, 18.0),
        col(w.region[4], Kind::Percent, 10.0),
        col(w.region[5], Kind::Money, 18.0),
        col(w.region[6], Kind::Percent, 10.0),
    ];
    let rows = a.parts.iter().map(|p| {
        vec![
            Cell::from(&p.name),
            labelled(&w.kinds, &p.kind).into(),
            p.customers.into(),
            p.revenue.into(),
            p.share_bp.into(),
            p.last_year.into(),
            p.growth_bp.into(),
        ]
    });
    let end = table(s, top, &columns, rows, &f)?;
    if !a.parts.is_empty() {
        let mut c =
            chart(ChartType::Column, w.titles[2], name, 0, &[(3, w.region[3]), (5, w.region[5])], (top + 1, end - 1));
        money_axis(&mut c, a.parts.iter().map(|p| p.revenue.max(p.last_year)).max().unwrap_or(0), w);
        charts.push((w.chart, c));
    }
    save(&mut book, charts)
}

pub fn credit(a: &CreditAnalysis, language: &str, names: &GradeNames) -> Result<Vec<u8>> {
    let w = words(language);
    let f = Formats::for_print(language, print_heading(w, w.titles[3], &a.period, &a.scope));
    let mut charts: Vec<(&str, Chart)> = vec![];
    let mut book = Workbook::new();
    let name = w.sheets[6];
    let s = sheet(&mut book, name)?;
    let top = heading(s, w.titles[3], &a.period, &a.scope, w, &f)?;
    let columns = [
        col(w.credit[0], Kind::Text, 14.0),
        col(w.credit[1], Kind::Integer, 10.0),
        col(w.credit[2], Kind::Money, 18.0),
        col(w.credit[3], Kind::Percent, 10.0),
        col(w.credit[4], Kind::Money, 16.0),
        col(w.credit[5], Kind::Integer, 12.0),
        col(w.credit[6], Kind::Text, 16.0),
        col(w.credit[7], Kind::Money, 16.0),
        col(w.credit[8], Kind::Money, 16.0),
        col(w.credit[9], Kind::Integer, 12.0),
    ];
    let rows = a.grades.iter().map(|g| {
        vec![
            Cell::from(label(&g.grade, language)),
            g.customers.into(),
            g.revenue.into(),
            g.share_bp.into(),
            g.credit_limit.into(),
            g.payment_term_days.into(),
            g.settlement.as_deref().map(|code| labelled(&w.settlements, code)).into(),
            g.balance.into(),
            g.overdue.into(),
            g.over_limit.into(),
        ]
    });
    let end = table(s, top, &columns, rows, &f)?;
    if !a.grades.is_empty() {
        let mut c =
            chart(ChartType::Column, w.titles[3], name, 0, &[(2, w.credit[2]), (7, w.credit[7])], (top + 1, end - 1));
        money_axis(&mut c, a.grades.iter().map(|g| g.revenue.max(g.balance)).max().unwrap_or(0), w);
        charts.push((w.chart, c));
    }
    let s = sheet(&mut book, w.sheets[7])?;
    let columns = [
        col(w.over[0], Kind::Text, 30.0),
        col(w.over[1], Kind::Text, 10.0),
        col(w.over[2], Kind::Text, 12.0),
        col(w.over[3], Kind::Money, 18.0),
        col(w.over[4], Kind::Money, 18.0),
        col(w.over[5], Kind::Money, 16.0),
        col(w.over[6], Kind::Money, 16.0),
        col(w.over[7], Kind::Money, 16.0),
        col(w.over[8], Kind::Percent, 10.0),
    ];
    let rows = a.over_limit.iter().map(|c| {
        vec![
            Cell::from(&c.name),
            names.of("credit", c.credit_grade.as_deref()),
            (&c.owner_name).into(),
            c.revenue.into(),
            c.peak_month.into(),
            c.balance.into(),
            c.overdue.into(),
            c.credit_limit.into(),
            c.use_bp.into(),
        ]
    });
    let end = table(s, 0, &columns, rows, &f)?;
    listed_note(s, end + 1, a.over_limit.len(), a.over_limit_count, w)?;
    save(&mut book, charts)
}

pub fn growth(a: &NegativeGrowth, language: &str, names: &GradeNames) -> Result<Vec<u8>> {
    let w = words(language);
    let f = Formats::for_print(language, print_heading(w, w.titles[4], &a.period, &a.scope));
    let mut charts: Vec<(&str, Chart)> = vec![];
    let mut book = Workbook::new();
    let s = sheet(&mut book, w.sheets[8])?;
    let top = heading(s, w.titles[4], &a.period, &a.scope, w, &f)?;
    listed_note(s, top - 1, a.customers.len(), a.count, w)?;
    let columns = [
        col(w.growth[0], Kind::Text, 30.0),
        col(w.growth[1], Kind::Text, 8.0),
        col(w.growth[2], Kind::Text, 12.0),
        col(w.growth[3], Kind::Text, 14.0),
        col(w.growth[4], Kind::Money, 16.0),
        col(w.growth[5], Kind::Money, 16.0),
        col(w.growth[6], Kind::Money, 16.0),
        col(w.growth[7], Kind::Percent, 10.0),
        col(w.growth[8], Kind::Percent, 10.0),
        col(w.growth[9], Kind::Money, 16.0),
    ];
    let rows = a.customers.iter().map(|r| {
        vec![
            Cell::from(&r.name),
            names.of("customer", r.grade.as_deref()),
            (&r.owner_name).into(),
            (&r.territory_name).into(),
            r.current.into(),
            r.last_year.into(),
            r.previous.into(),
            r.vs_last_year_bp.into(),
            r.vs_previous_bp.into(),
            (r.last_year - r.current).max(0).into(),
        ]
    });
    table(s, top, &columns, rows, &f)?;
    let name = w.sheets[9];
    let s = sheet(&mut book, name)?;
    let columns = [
        col(w.owners[0], Kind::Text, 14.0),
        col(w.owners[1], Kind::Integer, 14.0),
        col(w.owners[2], Kind::Money, 18.0),
    ];
    let rows = a.by_owner.iter().map(|o| vec![Cell::from(&o.owner_name), o.customers.into(), o.lost.into()]);
    let end = table(s, 0, &columns, rows, &f)?;
    if !a.by_owner.is_empty() {
        let last = end.min(21) - 1;
        let mut c = chart(ChartType::Bar, w.titles[4], name, 0, &[(2, w.owners[2])], (1, last));
        money_axis(&mut c, a.by_owner.iter().map(|o| o.lost).max().unwrap_or(0), w);
        charts.push((w.chart, c));
    }
    save(&mut book, charts)
}

pub fn monthly(a: &MonthlySummary, language: &str) -> Result<Vec<u8>> {
    let w = words(language);
    let f = Formats::for_print(language, print_heading(w, w.titles[5], &a.period, &a.scope));
    let mut charts: Vec<(&str, Chart)> = vec![];
    let mut book = Workbook::new();
    let name = w.sheets[11];
    let s = sheet(&mut book, name)?;
    let top = heading(s, w.titles[5], &a.period, &a.scope, w, &f)?;
    // The months, the total, and the period's target, plan and share done.
    fn figures<'a>(columns: &mut Vec<Column<'a>>, months: &'a [String], w: &Words) {
        columns.extend(months.iter().map(|m| col(m, Kind::Money, 14.0)));
        columns.push(col(w.monthly[3], Kind::Money, 16.0));
        columns.push(col(w.monthly[4], Kind::Money, 16.0));
        columns.push(col(w.monthly[5], Kind::Money, 16.0));
        columns.push(col(w.monthly[6], Kind::Percent, 10.0));
    }
    let optional = |v: Option<i64>| v.map_or(Cell::Empty, Cell::Int);
    let cells = |mut cells: Vec<Cell>, months: &[i64], total: i64, target, plan, done| {
        cells.extend(months.iter().map(|v| Cell::Int(*v)));
        cells.extend([total.into(), optional(target), optional(plan), optional(done)]);
        cells
    };
    let mut columns = vec![col(w.monthly[1], Kind::Text, 16.0), col(w.monthly[2], Kind::Integer, 12.0)];
    figures(&mut columns, &a.months, w);
    let row = |r: &MonthlyRow| {
        cells(vec![Cell::from(&r.name), r.customers.into()], &r.months, r.total, r.target, r.plan, r.done_bp)
    };
    let end = table(s, top, &columns, a.regions.iter().map(row), &f)?;
    let total = cells(vec![Cell::from(w.total), a.customers.into()], &a.totals, a.total, a.target, a.plan, a.done_bp);
    crate::xlsx::write_row(s, end, &columns, &total, &f)?;
    if !a.months.is_empty() && !a.regions.is_empty() {
        // Months along the axis, one series per region.
        let mut c = Chart::new(ChartType::ColumnStacked);
        c.title().set_name(w.titles[5]);
        let last_month = 1 + a.months.len() as u16;
        for (i, _) in a.regions.iter().enumerate() {
            let r = top + 1 + i as u32;
            c.add_series()
                .set_name((name, r, 0))
                .set_categories((name, top, 2, top, last_month))
                .set_values((name, r, 2, r, last_month));
        }
        c.set_width(720).set_height(380);
        money_axis(&mut c, a.totals.iter().copied().max().unwrap_or(0), w);
        charts.push((w.chart, c));
    }
    let s = sheet(&mut book, w.sheets[10])?;
    let mut columns = vec![
        col(w.monthly[0], Kind::Text, 12.0),
        col(w.monthly[1], Kind::Text, 16.0),
        col(w.monthly[2], Kind::Integer, 12.0),
    ];
    figures(&mut columns, &a.months, w);
    let rows = a.reps.iter().map(|r| {
        let head = vec![Cell::from(&r.name), (&r.region_name).into(), r.customers.into()];
        cells(head, &r.months, r.total, r.target, r.plan, r.done_bp)
    });
    table(s, 0, &columns, rows, &f)?;
    save(&mut book, charts)
}
