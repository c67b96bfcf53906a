//! The shipping list (发货清单, seed 002): one standard, printable sheet per
//! approved order for the warehouse. The receiving details are the card's
//! (customer, contact, phone) and the address the goods really go to is set
//! in brackets; lines show cases and loose units, gifts and backorders (欠货)
//! are noted on their lines, and the totals close the table.

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, XlsxError};

use super::order::Order;
use crate::error::{Error, Result};

/// What the sheet prints beside the order: the card's receiving details.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Receiver {
    pub customer_code: Option<String>,
    pub contact: Option<String>,
    pub phone: Option<String>,
}

struct Labels {
    title: &'static str,
    order: &'static str,
    customer: &'static str,
    contact: &'static str,
    address: &'static str,
    wanted: &'static str,
    approved: &'static str,
    payment: &'static str,
    columns: [&'static str; 10],
    total: &'static str,
    gift: &'static str,
    backorder: &'static str,
    shipped: &'static str,
    sign: &'static str,
    page: &'static str,
    kinds: [&'static str; 3],
}

const ZH: Labels = Labels {
    title: "发货清单",
    order: "订单号",
    customer: "客户",
    contact: "收货人",
    address: "收货地址（实到）",
    wanted: "要货日期",
    approved: "审批日期",
    payment: "付款方式",
    columns: ["序号", "产品编码", "产品名称", "单位", "箱数", "散数", "数量", "单价（元）", "金额（元）", "备注"],
    total: "合计",
    gift: "赠品",
    backorder: "欠货",
    shipped: "已发",
    sign: "制单：            仓库：            承运：            收货人签字：",
    page: "第 &P 页 / 共 &N 页",
    kinds: ["现金款", "赊销", "费用款"],
};

const EN: Labels = Labels {
    title: "Shipping list",
    order: "Order",
    customer: "Customer",
    contact: "Receiver",
    address: "Deliver to (actual)",
    wanted: "Wanted",
    approved: "Approved",
    payment: "Payment",
    columns: ["#", "Code", "Product", "Unit", "Cases", "Loose", "Quantity", "Unit price", "Amount", "Notes"],
    total: "Total",
    gift: "gift",
    backorder: "backorder",
    shipped: "shipped",
    sign: "Prepared:            Warehouse:            Carrier:            Received by:",
    page: "Page &P of &N",
    kinds: ["cash", "credit", "expenses"],
};

fn failed(error: &XlsxError) -> Error {
    Error::Io(std::io::Error::other(format!("the shipping list could not be written: {error}")))
}

/// The workbook's bytes. `backorders`: each line's units still lacking after
/// its shipments (empty before the first shipment).
pub fn shipping_list(order: &Order, receiver: &Receiver, language: &str) -> Result<Vec<u8>> {
    build(order, receiver, language).map_err(|e| failed(&e))
}

fn build(order: &Order, receiver: &Receiver, language: &str) -> std::result::Result<Vec<u8>, XlsxError> {
    let l = if language.starts_with("en") { &EN } else { &ZH };
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(l.title)?;
    sheet.set_paper_size(9);
    sheet.set_landscape();
    sheet.set_margins(0.4, 0.4, 0.6, 0.6, 0.3, 0.3);
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_footer(format!("&C{}", l.page));

    let title = Format::new().set_bold().set_font_size(16).set_align(FormatAlign::Center);
    let label = Format::new().set_bold();
    let head = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_background_color("#E8EEF7")
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let cell = Format::new().set_border(FormatBorder::Thin).set_text_wrap().set_align(FormatAlign::VerticalCenter);
    let centred = cell.clone().set_align(FormatAlign::Center);
    let integer = cell.clone().set_num_format("#,##0");
    let money = cell.clone().set_num_format("#,##0.00");
    let total_money = money.clone().set_bold();
    let total_integer = integer.clone().set_bold();

    let widths = [6.0, 12.0, 30.0, 7.0, 8.0, 8.0, 10.0, 12.0, 14.0, 24.0];
    for (i, w) in widths.iter().enumerate() {
        sheet.set_column_width(i as u16, *w)?;
    }
    sheet.merge_range(0, 0, 0, 9, &format!("{} · {}", l.title, order.number.as_deref().unwrap_or("")), &title)?;
    let customer = match &receiver.customer_code {
        Some(code) => format!("{}（{code}）", order.customer_name),
        None => order.customer_name.clone(),
    };
    let kind = match order.payment_kind {
        crate::model::PaymentKind::Cash => l.kinds[0],
        crate::model::PaymentKind::Credit => l.kinds[1],
        crate::model::PaymentKind::Expense => l.kinds[2],
    };
    let approved = order.reviewed_at.as_deref().map(|t| t.chars().take(10).collect::<String>()).unwrap_or_default();
    let info = [
        (l.order, order.number.clone().unwrap_or_default(), l.customer, customer),
        (
            l.contact,
            [receiver.contact.as_deref(), receiver.phone.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join("  "),
            l.payment,
            kind.to_string(),
        ),
        (l.approved, approved, l.wanted, order.wanted_on.clone().unwrap_or_default()),
    ];
    for (i, (a, av, b, bv)) in info.iter().enumerate() {
        let row = 1 + i as u32;
        sheet.write_string_with_format(row, 0, *a, &label)?;
        sheet.merge_range(row, 1, row, 4, av, &Format::new())?;
        sheet.write_string_with_format(row, 5, *b, &label)?;
        sheet.merge_range(row, 6, row, 9, bv, &Format::new())?;
    }
    sheet.write_string_with_format(4, 0, l.address, &label)?;
    sheet.merge_range(4, 2, 4, 9, &format!("（{}）", order.delivery_address), &Format::new().set_bold())?;

    let header_row = 6;
    for (i, c) in l.columns.iter().enumerate() {
        sheet.write_string_with_format(header_row, i as u16, *c, &head)?;
    }
    sheet.set_repeat_rows(header_row, header_row)?;
    let mut row = header_row + 1;
    let (mut quantity, mut amount) = (0i64, 0i64);
    for (i, line) in order.lines.iter().enumerate() {
        let mut notes = vec![];
        if line.gift {
            notes.push(l.gift.to_string());
        }
        if line.shipped > 0 {
            notes.push(format!("{} {}", l.shipped, line.shipped));
        }
        if line.backorder > 0 && line.shipped > 0 {
            notes.push(format!("{} {} {}", l.backorder, line.backorder, line.unit));
        }
        sheet.write_number_with_format(row, 0, (i + 1) as f64, &centred)?;
        sheet.write_string_with_format(row, 1, &line.product_code, &cell)?;
        sheet.write_string_with_format(row, 2, &line.product_name, &cell)?;
        sheet.write_string_with_format(row, 3, &line.unit, &centred)?;
        if line.case_size.is_some() {
            sheet.write_number_with_format(row, 4, f64::from(line.cases), &integer)?;
        } else {
            sheet.write_string_with_format(row, 4, "", &cell)?;
        }
        sheet.write_number_with_format(row, 5, f64::from(line.units), &integer)?;
        sheet.write_number_with_format(row, 6, f64::from(line.quantity), &integer)?;
        sheet.write_number_with_format(row, 7, line.unit_price as f64 / 100.0, &money)?;
        sheet.write_number_with_format(row, 8, line.amount as f64 / 100.0, &money)?;
        sheet.write_string_with_format(row, 9, notes.join("；"), &cell)?;
        quantity += i64::from(line.quantity);
        amount += line.amount;
        row += 1;
    }
    sheet.merge_range(row, 0, row, 5, l.total, &head)?;
    sheet.write_number_with_format(row, 6, quantity as f64, &total_integer)?;
    sheet.write_string_with_format(row, 7, "", &cell)?;
    sheet.write_number_with_format(row, 8, amount as f64 / 100.0, &total_money)?;
    sheet.write_string_with_format(row, 9, "", &cell)?;
    if let Some(notes) = order.notes.as_deref() {
        row += 2;
        sheet.merge_range(row, 0, row, 9, notes, &Format::new().set_text_wrap())?;
    }
    row += 2;
    sheet.merge_range(row, 0, row, 9, l.sign, &Format::new())?;
    book.save_to_buffer()
}
