//! The route sheet (路线单): a route's stops in order with what a rep needs at
//! each door, as an xlsx workbook laid out for A4 (landscape, one page wide,
//! header row repeated on every page).

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, XlsxError};

use super::RouteDetail;
use crate::error::{Error, Result};

/// Labels of the sheet in the reader's language.
struct Labels {
    title: &'static str,
    rep: &'static str,
    territory: &'static str,
    printed: &'static str,
    columns: [&'static str; 9],
    incidents: &'static str,
    unverified: &'static str,
    page: &'static str,
}

const ZH: Labels = Labels {
    title: "路线单",
    rep: "业务员",
    territory: "片区",
    printed: "打印日期",
    columns: ["序号", "客户", "地址", "联系人", "电话", "等级", "上次拜访", "待办事项", "拜访记录"],
    incidents: "未解决信用问题",
    unverified: "资料待核实",
    page: "第 &P 页 / 共 &N 页",
};

const EN: Labels = Labels {
    title: "Route sheet",
    rep: "Rep",
    territory: "Territory",
    printed: "Printed",
    columns: ["#", "Customer", "Address", "Contact", "Phone", "Grade", "Last visit", "Open issues", "Visit notes"],
    incidents: "unresolved credit incidents",
    unverified: "card data to verify",
    page: "Page &P of &N",
};

fn labels(language: &str) -> &'static Labels {
    if language.starts_with("en") {
        &EN
    } else {
        &ZH
    }
}

/// What to raise at the door, as one line.
pub fn open_issues(stop: &super::RouteStop, language: &str) -> String {
    let l = labels(language);
    let mut parts = vec![];
    if stop.open_incidents > 0 {
        parts.push(format!("{} {}", stop.open_incidents, l.incidents));
    }
    if stop.needs_verification {
        parts.push(l.unverified.to_string());
    }
    if let Some(problems) = stop.problems.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        parts.push(problems.chars().take(120).collect());
    }
    parts.join("；")
}

fn xlsx_error(error: &XlsxError) -> Error {
    Error::Io(std::io::Error::other(format!("the route sheet could not be written: {error}")))
}

/// The workbook's bytes.
pub fn workbook(detail: &RouteDetail, language: &str, printed_on: &str) -> Result<Vec<u8>> {
    build(detail, language, printed_on).map_err(|e| xlsx_error(&e))
}

fn build(detail: &RouteDetail, language: &str, printed_on: &str) -> std::result::Result<Vec<u8>, XlsxError> {
    let l = labels(language);
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    // Sheet names may not hold []:*?/\ and are at most 31 characters.
    let name: String =
        detail.route.name.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect::<String>().trim().to_string();
    sheet.set_name(if name.is_empty() { l.title.to_string() } else { name })?;
    sheet.set_paper_size(9); // A4
    sheet.set_landscape();
    sheet.set_margins(0.4, 0.4, 0.6, 0.6, 0.3, 0.3);
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_footer(format!("&C{}", l.page));

    let title = Format::new().set_bold().set_font_size(16);
    let info = Format::new().set_font_size(10);
    let head = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_background_color("#E8EEF7")
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let cell = Format::new().set_border(FormatBorder::Thin).set_text_wrap().set_align(FormatAlign::VerticalCenter);
    let centred = cell.clone().set_align(FormatAlign::Center);

    sheet.write_string_with_format(0, 0, format!("{} · {}", l.title, detail.route.name), &title)?;
    sheet.write_string_with_format(
        1,
        0,
        format!(
            "{}: {}    {}: {}    {}: {}",
            l.rep, detail.route.owner_name, l.territory, detail.route.territory_name, l.printed, printed_on
        ),
        &info,
    )?;
    let widths = [6.0, 22.0, 34.0, 12.0, 15.0, 7.0, 12.0, 30.0, 26.0];
    for (col, (label, width)) in l.columns.iter().zip(widths).enumerate() {
        sheet.set_column_width(col as u16, width)?;
        sheet.write_string_with_format(3, col as u16, *label, &head)?;
    }
    sheet.set_repeat_rows(3, 3)?;
    sheet.set_freeze_panes(4, 0)?;
    for (i, stop) in detail.stops.iter().enumerate() {
        let row = 4 + i as u32;
        sheet.set_row_height(row, 30)?;
        sheet.write_number_with_format(row, 0, f64::from(stop.position), &centred)?;
        sheet.write_string_with_format(row, 1, &stop.name, &cell)?;
        sheet.write_string_with_format(row, 2, stop.address.as_deref().unwrap_or(""), &cell)?;
        sheet.write_string_with_format(row, 3, stop.contact_name.as_deref().unwrap_or(""), &cell)?;
        sheet.write_string_with_format(row, 4, stop.phone.as_deref().unwrap_or(""), &cell)?;
        sheet.write_string_with_format(row, 5, stop.grade.as_deref().unwrap_or(""), &centred)?;
        sheet.write_string_with_format(row, 6, stop.last_visit_on.as_deref().unwrap_or(""), &centred)?;
        sheet.write_string_with_format(row, 7, open_issues(stop, language), &cell)?;
        sheet.write_string_with_format(row, 8, "", &cell)?;
    }
    book.save_to_buffer()
}
