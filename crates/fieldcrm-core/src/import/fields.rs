//! What each import takes, and which headers name it: the synonyms Chinese
//! and English spreadsheets use, from which a sheet's columns are mapped
//! before the user adjusts them.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::model::ImportKind;

/// A field an import fills.
#[derive(Debug, Clone, Copy)]
pub struct ImportField {
    pub key: &'static str,
    pub label_zh: &'static str,
    pub label_en: &'static str,
    pub required: bool,
    /// Headers that name it, normalised (lower case, no spaces or brackets).
    pub synonyms: &'static [&'static str],
}

const fn field(
    key: &'static str,
    label_zh: &'static str,
    label_en: &'static str,
    required: bool,
    synonyms: &'static [&'static str],
) -> ImportField {
    ImportField { key, label_zh, label_en, required, synonyms }
}

pub const CUSTOMERS: &[ImportField] = &[
    field(
        "name",
        "客户名称",
        "Customer name",
        true,
        &[
            "客户名称",
            "客户名",
            "名称",
            "客户",
            "单位名称",
            "公司名称",
            "店名",
            "门店名称",
            "name",
            "customer",
            "customername",
            "company",
        ],
    ),
    field(
        "code",
        "客户编码",
        "Customer code",
        false,
        &["客户编码", "客户代码", "客户编号", "编码", "代码", "编号", "code", "customercode", "erpcode"],
    ),
    field("shortName", "简称", "Short name", false, &["简称", "客户简称", "shortname"]),
    field(
        "phone",
        "电话",
        "Phone",
        false,
        &["电话", "联系电话", "手机", "手机号", "手机号码", "座机", "phone", "mobile", "tel", "telephone"],
    ),
    field(
        "channelLevel",
        "渠道级别",
        "Channel level",
        false,
        &["渠道级别", "客户级别", "客户类别", "渠道层级", "级别", "level", "channellevel", "customertype"],
    ),
    field("lifecycle", "客户状态", "Status", false, &["客户状态", "状态", "lifecycle", "status"]),
    field(
        "owner",
        "负责人",
        "Owner",
        false,
        &["负责人", "业务员", "业务代表", "销售代表", "客户经理", "owner", "rep", "salesrep"],
    ),
    field(
        "territory",
        "所属片区",
        "Territory",
        false,
        &["所属片区", "片区", "销售片区", "所属区域", "区域", "territory", "region", "area"],
    ),
    field("grade", "客户等级", "Customer grade", false, &["客户等级", "等级", "grade", "customergrade"]),
    field("creditGrade", "信用等级", "Credit grade", false, &["信用等级", "creditgrade"]),
    field("channelType", "渠道类型", "Channel type", false, &["渠道类型", "业态", "channeltype"]),
    field("contact", "联系人", "Contact", false, &["联系人", "联系人姓名", "contact", "contactperson"]),
    field("address", "地址", "Address", false, &["地址", "详细地址", "经营地址", "门店地址", "address"]),
    field("province", "省份", "Province", false, &["省份", "省", "province"]),
    field("city", "城市", "City", false, &["城市", "市", "地市", "city"]),
    field("district", "区县", "District", false, &["区县", "县区", "县", "区", "district", "county"]),
    field(
        "annualSalesWithUs",
        "年销售额（元）",
        "Annual sales with us (yuan)",
        false,
        &["年销售额", "年进货额", "年采购额", "annualsales"],
    ),
    field("foundedOn", "成立日期", "Founded on", false, &["成立日期", "成立时间", "founded", "foundedon"]),
    field("notes", "备注", "Notes", false, &["备注", "说明", "notes", "remark", "remarks", "note"]),
];

pub const PEOPLE: &[ImportField] = &[
    field("name", "姓名", "Name", true, &["姓名", "名字", "人员", "员工", "员工姓名", "name"]),
    field("role", "角色", "Role", true, &["角色", "职务", "岗位", "role", "position", "title"]),
    field(
        "unit",
        "所属部门",
        "Unit",
        true,
        &["所属部门", "部门", "片区", "区域", "组织", "单位", "所属片区", "unit", "department", "territory", "region"],
    ),
    field("phone", "电话", "Phone", false, &["电话", "手机", "手机号", "联系电话", "phone", "mobile"]),
];

pub const PRODUCTS: &[ImportField] = &[
    field(
        "code",
        "产品编码",
        "Product code",
        true,
        &["产品编码", "商品编码", "物料编码", "存货编码", "编码", "货号", "code", "productcode", "sku"],
    ),
    field(
        "name",
        "产品名称",
        "Product name",
        true,
        &["产品名称", "商品名称", "物料名称", "存货名称", "品名", "名称", "product", "name", "productname"],
    ),
    field("category", "类别", "Category", false, &["类别", "产品类别", "分类", "category"]),
    field("line", "产品线", "Product line", false, &["产品线", "系列", "品牌", "line", "productline", "brand"]),
    field("unit", "单位", "Unit", false, &["单位", "计量单位", "unit", "uom"]),
    field("caseSize", "箱规", "Case size", false, &["箱规", "每箱数量", "装箱数", "规格数量", "casesize", "packsize"]),
    field(
        "listPrice",
        "单价（元）",
        "List price (yuan)",
        false,
        &["单价", "价格", "出厂价", "目录价", "listprice", "price"],
    ),
];

pub const SALES: &[ImportField] = &[
    CUSTOMER_CODE,
    CUSTOMER_NAME,
    field(
        "productCode",
        "产品编码",
        "Product code",
        true,
        &["产品编码", "商品编码", "物料编码", "存货编码", "货号", "productcode", "sku", "code"],
    ),
    field(
        "date",
        "日期",
        "Date",
        true,
        &["日期", "单据日期", "发货日期", "开票日期", "销售日期", "出库日期", "date", "invoicedate", "shipdate"],
    ),
    field("quantity", "数量", "Quantity", true, &["数量", "销售数量", "发货数量", "出库数量", "quantity", "qty"]),
    field(
        "amount",
        "金额（元）",
        "Amount (yuan)",
        true,
        &["金额", "销售额", "销售金额", "价税合计", "含税金额", "amount", "revenue", "sales"],
    ),
    field("kind", "类型", "Kind", false, &["类型", "单据类型", "业务类型", "kind", "type"]),
    field(
        "document",
        "单号",
        "Document",
        false,
        &[
            "单号",
            "单据号",
            "单据编号",
            "发货单号",
            "出库单号",
            "发票号",
            "订单号",
            "document",
            "documentno",
            "invoiceno",
            "orderno",
        ],
    ),
    field("line", "行号", "Line", false, &["行号", "line", "lineno"]),
];

const CUSTOMER_CODE: ImportField =
    field("customerCode", "客户编码", "Customer code", false, &["客户编码", "客户代码", "客户编号", "customercode"]);
const CUSTOMER_NAME: ImportField = field(
    "customerName",
    "客户名称",
    "Customer name",
    false,
    &["客户名称", "客户", "客户名", "购货单位", "付款单位", "customer", "customername"],
);

/// The ERP's invoices (应收发票).
const INVOICES: &[ImportField] = &[
    CUSTOMER_CODE,
    CUSTOMER_NAME,
    field(
        "number",
        "发票号",
        "Invoice number",
        true,
        &["发票号", "发票号码", "发票编号", "单据号", "单号", "invoiceno", "invoicenumber", "number"],
    ),
    field(
        "issuedOn",
        "开票日期",
        "Issued on",
        true,
        &["开票日期", "发票日期", "日期", "单据日期", "invoicedate", "issuedon", "date"],
    ),
    field("dueOn", "到期日", "Due on", false, &["到期日", "到期日期", "应收日期", "收款期限", "duedate", "dueon"]),
    field(
        "amount",
        "金额（元）",
        "Amount (yuan)",
        true,
        &["金额", "价税合计", "含税金额", "发票金额", "应收金额", "amount", "total"],
    ),
];

/// The ERP's payments received (回款).
const PAYMENTS: &[ImportField] = &[
    CUSTOMER_CODE,
    CUSTOMER_NAME,
    field(
        "number",
        "回款单号",
        "Payment number",
        true,
        &["回款单号", "收款单号", "收款单据号", "单据号", "单号", "paymentno", "receiptno", "number"],
    ),
    field(
        "paidOn",
        "回款日期",
        "Paid on",
        true,
        &["回款日期", "收款日期", "到账日期", "日期", "paymentdate", "paidon", "date"],
    ),
    field("amount", "金额（元）", "Amount (yuan)", true, &["金额", "回款金额", "收款金额", "到账金额", "amount"]),
    field("kind", "款项类型", "Kind", false, &["款项类型", "款项性质", "类型", "kind", "type"]),
    field(
        "invoiceNumber",
        "核销发票号",
        "Invoice paid",
        false,
        &["核销发票号", "核销发票", "对应发票号", "发票号", "invoiceno", "invoice"],
    ),
];

pub fn catalogue(kind: ImportKind) -> &'static [ImportField] {
    match kind {
        ImportKind::Customers => CUSTOMERS,
        ImportKind::People => PEOPLE,
        ImportKind::Products => PRODUCTS,
        ImportKind::Sales => SALES,
        ImportKind::Invoices => INVOICES,
        ImportKind::Payments => PAYMENTS,
    }
}

/// A field as the wizard offers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportFieldInfo {
    pub key: String,
    pub label_zh: String,
    pub label_en: String,
    pub required: bool,
}

pub fn infos(kind: ImportKind) -> Vec<ImportFieldInfo> {
    catalogue(kind)
        .iter()
        .map(|f| ImportFieldInfo {
            key: f.key.to_string(),
            label_zh: f.label_zh.to_string(),
            label_en: f.label_en.to_string(),
            required: f.required,
        })
        .collect()
}

/// A header as compared: lower case, without spaces, marks, or a bracketed
/// note (`金额（元）` → `金额`).
pub fn normalise(header: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in header.chars() {
        match c {
            '(' | '（' | '[' | '【' => depth += 1,
            ')' | '）' | ']' | '】' => depth = (depth - 1).max(0),
            _ if depth > 0 => {}
            c if c.is_whitespace() || matches!(c, '*' | '＊' | ':' | '：' | '_' | '-' | '.' | '/') => {}
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// How well a row reads as the header of this import: two for each cell
/// that is a field's name or synonym, one for each that contains one.
pub fn header_score(kind: ImportKind, cells: &[String]) -> u32 {
    let fields = catalogue(kind);
    suggest(kind, cells)
        .iter()
        .zip(cells)
        .filter_map(|(key, cell)| key.as_ref().map(|k| (k, normalise(cell))))
        .map(|(key, cell)| {
            let exact = fields.iter().any(|f| f.key == key && f.synonyms.contains(&cell.as_str()));
            if exact {
                2
            } else {
                1
            }
        })
        .sum()
}

/// The field each column's header names (each field once, the first column
/// naming it wins): exact synonyms first, then headers containing one.
pub fn suggest(kind: ImportKind, headers: &[String]) -> Vec<Option<String>> {
    let fields = catalogue(kind);
    let normal: Vec<String> = headers.iter().map(|h| normalise(h)).collect();
    let mut out: Vec<Option<String>> = vec![None; headers.len()];
    let mut taken = vec![false; fields.len()];
    for exact in [true, false] {
        for (column, header) in normal.iter().enumerate() {
            if out[column].is_some() || header.is_empty() {
                continue;
            }
            let found = fields.iter().enumerate().filter(|(i, _)| !taken[*i]).find_map(|(i, f)| {
                let hit = if exact {
                    f.synonyms.contains(&header.as_str())
                } else {
                    f.synonyms.iter().any(|s| s.chars().count() >= 2 && header.contains(s))
                };
                hit.then_some(i)
            });
            if let Some(i) = found {
                taken[i] = true;
                out[column] = Some(fields[i].key.to_string());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(h: &[&str]) -> Vec<String> {
        h.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn chinese_and_english_headers_are_recognised() {
        let got =
            suggest(ImportKind::Customers, &headers(&["客户名称*", "联系电话", "业务员", "备注（可选）", "无关列"]));
        assert_eq!(
            got,
            vec![Some("name".into()), Some("phone".into()), Some("owner".into()), Some("notes".into()), None]
        );
        let got =
            suggest(ImportKind::Sales, &headers(&["Customer Code", "SKU", "Invoice Date", "Qty", "Amount (CNY)"]));
        assert_eq!(
            got,
            vec![
                Some("customerCode".into()),
                Some("productCode".into()),
                Some("date".into()),
                Some("quantity".into()),
                Some("amount".into())
            ]
        );
    }

    #[test]
    fn a_field_is_mapped_once_and_exact_names_win() {
        let got = suggest(ImportKind::Sales, &headers(&["发货金额", "金额", "客户编码", "产品编码"]));
        assert_eq!(got[1].as_deref(), Some("amount"), "the exact header wins over one containing it");
        assert_eq!(got[0], None, "amount is taken");
        assert_eq!(got[2].as_deref(), Some("customerCode"));
        assert_eq!(got[3].as_deref(), Some("productCode"));
    }

    #[test]
    fn headers_that_name_nothing_map_to_nothing() {
        assert!(suggest(ImportKind::Products, &headers(&["甲", "乙", "丙"])).iter().all(Option::is_none));
    }
}
