//! Which tables travel between books, who may write them, and which rows each
//! person receives. Adding a table that holds user data means adding it here:
//! `tests/sync_capture.rs` fails for any table that is neither listed here nor
//! declared device-local below.

use std::collections::BTreeMap;

use rusqlite::Connection;

use crate::error::{ProblemCode, Result};
use crate::model::StaffRole;

/// Whose books a row goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Reference data: every book gets it.
    Global,
    /// The row belongs to a customer (named by this column; the customer table
    /// itself uses its id) and goes wherever that customer goes.
    Customer(&'static str),
    /// The row belongs to a person (named by this column) and goes to their
    /// book and to the books of their managers up the line.
    Staff(&'static str),
    /// A customer's row when the first column is set, else the person's named
    /// by the second (a call with a colleague, a task of no customer).
    CustomerOrStaff(&'static str, &'static str),
}

/// Prefix of the anchor of rows that belong to a person rather than a card
/// (`sync_clock.anchor`, `sync_pending.anchor`): `staff:<id>`.
pub const STAFF_ANCHOR: &str = "staff:";

/// The anchor of a person's rows.
pub fn staff_anchor(staff: &str) -> String {
    format!("{STAFF_ANCHOR}{staff}")
}

/// What an anchor names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Anchor<'a> {
    Customer(&'a str),
    Staff(&'a str),
}

impl<'a> Anchor<'a> {
    pub fn parse(anchor: &'a str) -> Self {
        match anchor.strip_prefix(STAFF_ANCHOR) {
            Some(staff) => Anchor::Staff(staff),
            None => Anchor::Customer(anchor),
        }
    }
}

impl Scope {
    /// The column naming the customer a row may belong to.
    pub fn customer_column(self) -> Option<&'static str> {
        match self {
            Scope::Customer(column) | Scope::CustomerOrStaff(column, _) => Some(column),
            Scope::Global | Scope::Staff(_) => None,
        }
    }

    /// The column naming the person a row may belong to.
    pub fn staff_column(self) -> Option<&'static str> {
        match self {
            Scope::Staff(column) | Scope::CustomerOrStaff(_, column) => Some(column),
            Scope::Global | Scope::Customer(_) => None,
        }
    }

    /// SQL for a row's anchor; `row` is the row's name (`NEW`, `OLD`, an alias).
    pub fn anchor_sql(self, row: &str) -> String {
        match self {
            Scope::Global => "NULL".to_string(),
            Scope::Customer(column) => format!("{row}.{column}"),
            Scope::Staff(column) => format!("'{STAFF_ANCHOR}' || {row}.{column}"),
            Scope::CustomerOrStaff(customer, staff) => {
                format!("coalesce({row}.{customer}, '{STAFF_ANCHOR}' || {row}.{staff})")
            }
        }
    }

    /// A row's anchor from its values (a new row in a file).
    pub fn anchor_of(self, values: &serde_json::Map<String, serde_json::Value>) -> Option<String> {
        let text = |column: &str| values.get(column).and_then(serde_json::Value::as_str);
        match self {
            Scope::Global => None,
            Scope::Customer(column) => text(column).map(str::to_string),
            Scope::Staff(column) => text(column).map(staff_anchor),
            Scope::CustomerOrStaff(customer, staff) => {
                text(customer).map(str::to_string).or_else(|| text(staff).map(staff_anchor))
            }
        }
    }
}

/// Who may change the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Authority {
    /// Only head office (organisation, code lists, targets).
    OfficeOnly,
    /// Anyone whose scope holds the row's customer.
    Scoped,
    /// Rows are written once and never changed (history).
    ScopedInsertOnly,
    /// Head office creates rows; laptops may only change these columns.
    OfficeCreates(&'static [&'static str]),
    /// Rows of reference data that belong to a rep (`owner_id`) in a territory
    /// (`territory_id`): the rep, their managers and head office change them.
    Owned,
    /// Head office's, and its sales administration's for the cards of the
    /// regions paired with them (shipments).
    Administered,
    /// Orders and their lines: the author's until submitted, then sales
    /// administration's (`money::order::may_change` says who changes what).
    Order,
    /// Targets and their reallocations: written by the manager of the level
    /// above, approved one level up (`targets::rule` says who changes what).
    Target,
    /// A step's decision on a proposal: written once, by the step's decider
    /// (`approval::rule` says who).
    Decision,
    /// Records of what one person did (a visit, a call, a report, a comment):
    /// only the person this column names writes them, within their scope.
    Authored(&'static str),
}

/// Does sales administration write this table? It reviews, corrects,
/// approves and ships orders, writes its own records (a call to a customer
/// about an order) and settles the conflicts its books show; cards, routes
/// and the rest are the field's. A sales administrator's laptop and head
/// office's merge both ask it.
pub fn administration_writes(table: &SyncTable) -> bool {
    matches!(
        table.authority,
        Authority::Order | Authority::Administered | Authority::Authored(_) | Authority::OfficeCreates(_)
    ) || table.name == "order_note"
}

/// May a laptop of a person of `role` write `table` at all, whatever the row?
/// The code and message of the refusal when not: head office's merge refuses
/// such a change in a file, and the laptop's seal refuses it first with the
/// same code.
pub fn refusal(role: StaffRole, table: &SyncTable) -> Option<(ProblemCode, String)> {
    match table.authority {
        Authority::OfficeOnly => {
            Some((ProblemCode::OfficeOnly, format!("only head office changes the {}", table.label_en)))
        }
        Authority::Administered if role != StaffRole::SalesAdmin => Some((
            ProblemCode::OfficeOnly,
            format!("only head office and its sales administration record {}", table.label_en),
        )),
        _ if role == StaffRole::SalesAdmin && !administration_writes(table) => Some((
            ProblemCode::FieldsData,
            format!("sales administration reviews and ships orders; the {} are the field's", table.label_en),
        )),
        _ => None,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncTable {
    pub name: &'static str,
    pub scope: Scope,
    pub authority: Authority,
    /// Columns that stay on the device (derived or local counters).
    pub local_columns: &'static [&'static str],
    /// Merging a row of this table changes its card as shown: the card's
    /// revision and search entry are refreshed. Records about a card (visits,
    /// calls, tasks) leave both alone.
    pub refreshes_card: bool,
    /// Shown to users in rejections and the pending list.
    pub label_zh: &'static str,
    pub label_en: &'static str,
}

/// Every synced table, parents before children (the order rows are applied in).
pub const SYNCED: &[SyncTable] = &[
    SyncTable {
        name: "org_unit",
        scope: Scope::Global,
        authority: Authority::OfficeOnly,
        refreshes_card: false,
        local_columns: &[],
        label_zh: "组织",
        label_en: "organisation",
    },
    SyncTable {
        name: "org_setting",
        scope: Scope::Global,
        authority: Authority::OfficeOnly,
        refreshes_card: false,
        local_columns: &[],
        label_zh: "组织设置",
        label_en: "organisation settings",
    },
    SyncTable {
        name: "staff",
        scope: Scope::Global,
        authority: Authority::OfficeOnly,
        refreshes_card: false,
        local_columns: &[],
        label_zh: "人员",
        label_en: "staff",
    },
    SyncTable {
        name: "staff_region",
        scope: Scope::Global,
        authority: Authority::OfficeOnly,
        refreshes_card: false,
        local_columns: &[],
        label_zh: "销管对口区域",
        label_en: "sales administration's regions",
    },
    SyncTable {
        name: "code_list",
        scope: Scope::Global,
        authority: Authority::OfficeOnly,
        refreshes_card: false,
        local_columns: &[],
        label_zh: "代码表",
        label_en: "code lists",
    },
    SyncTable {
        name: "code_item",
        scope: Scope::Global,
        authority: Authority::OfficeOnly,
        refreshes_card: false,
        local_columns: &[],
        label_zh: "代码",
        label_en: "codes",
    },
    SyncTable {
        name: "grade_level",
        scope: Scope::Global,
        authority: Authority::OfficeOnly,
        refreshes_card: false,
        local_columns: &[],
        label_zh: "等级标准",
        label_en: "grade scales",
    },
    SyncTable {
        name: "duty_rule",
        scope: Scope::Global,
        authority: Authority::OfficeOnly,
        refreshes_card: false,
        local_columns: &[],
        label_zh: "工作职责规则",
        label_en: "duty rules",
    },
    SyncTable {
        name: "reminder",
        scope: Scope::Global,
        authority: Authority::OfficeOnly,
        refreshes_card: false,
        local_columns: &[],
        label_zh: "月度提醒",
        label_en: "reminders",
    },
    SyncTable {
        name: "product",
        scope: Scope::Global,
        authority: Authority::OfficeOnly,
        refreshes_card: false,
        local_columns: &[],
        label_zh: "产品",
        label_en: "products",
    },
    SyncTable {
        name: "price_rule",
        scope: Scope::Global,
        authority: Authority::OfficeOnly,
        refreshes_card: false,
        local_columns: &[],
        label_zh: "价格表",
        label_en: "price list",
    },
    SyncTable {
        name: "promotion",
        scope: Scope::Global,
        authority: Authority::OfficeOnly,
        refreshes_card: false,
        local_columns: &[],
        label_zh: "促销",
        label_en: "promotions",
    },
    SyncTable {
        name: "route",
        scope: Scope::Global,
        authority: Authority::Owned,
        refreshes_card: false,
        local_columns: &[],
        label_zh: "路线",
        label_en: "routes",
    },
    SyncTable {
        name: "customer",
        scope: Scope::Customer("id"),
        authority: Authority::Scoped,
        refreshes_card: true,
        local_columns: &["revision", "name_pinyin"],
        label_zh: "客户档案",
        label_en: "customer cards",
    },
    SyncTable {
        name: "key_person",
        scope: Scope::Customer("customer_id"),
        authority: Authority::Scoped,
        refreshes_card: true,
        local_columns: &[],
        label_zh: "关键人物",
        label_en: "key people",
    },
    SyncTable {
        name: "customer_address",
        scope: Scope::Customer("customer_id"),
        authority: Authority::Scoped,
        refreshes_card: true,
        local_columns: &[],
        label_zh: "地址",
        label_en: "addresses",
    },
    SyncTable {
        name: "credit_incident",
        scope: Scope::Customer("customer_id"),
        authority: Authority::Scoped,
        refreshes_card: true,
        local_columns: &[],
        label_zh: "信用事件",
        label_en: "credit incidents",
    },
    SyncTable {
        name: "credit_override",
        scope: Scope::Customer("customer_id"),
        authority: Authority::OfficeOnly,
        refreshes_card: false,
        local_columns: &[],
        label_zh: "客户信用额度",
        label_en: "credit limits",
    },
    SyncTable {
        name: "sales_order",
        scope: Scope::Customer("customer_id"),
        authority: Authority::Order,
        refreshes_card: false,
        local_columns: &[],
        label_zh: "订单",
        label_en: "orders",
    },
    SyncTable {
        name: "order_line",
        scope: Scope::Customer("customer_id"),
        authority: Authority::Order,
        refreshes_card: false,
        local_columns: &[],
        label_zh: "订单明细",
        label_en: "order lines",
    },
    SyncTable {
        name: "order_note",
        scope: Scope::Customer("customer_id"),
        authority: Authority::ScopedInsertOnly,
        refreshes_card: false,
        local_columns: &[],
        label_zh: "订单修改记录",
        label_en: "order changes",
    },
    SyncTable {
        name: "shipment",
        scope: Scope::Customer("customer_id"),
        authority: Authority::Administered,
        refreshes_card: false,
        local_columns: &[],
        label_zh: "发货",
        label_en: "shipments",
    },
    SyncTable {
        name: "shipment_line",
        scope: Scope::Customer("customer_id"),
        authority: Authority::Administered,
        refreshes_card: false,
        local_columns: &[],
        label_zh: "发货明细",
        label_en: "shipment lines",
    },
    SyncTable {
        name: "invoice",
        scope: Scope::Customer("customer_id"),
        authority: Authority::OfficeOnly,
        refreshes_card: false,
        local_columns: &[],
        label_zh: "发票",
        label_en: "invoices",
    },
    SyncTable {
        name: "payment",
        scope: Scope::Customer("customer_id"),
        authority: Authority::OfficeOnly,
        refreshes_card: false,
        local_columns: &[],
        label_zh: "回款",
        label_en: "payments",
    },
    SyncTable {
        name: "payment_allocation",
        scope: Scope::Customer("customer_id"),
        authority: Authority::OfficeOnly,
        refreshes_card: false,
        local_columns: &[],
        label_zh: "回款核销",
        label_en: "payment matches",
    },
    SyncTable {
        name: "visit",
        scope: Scope::Customer("customer_id"),
        authority: Authority::Authored("staff_id"),
        refreshes_card: false,
        local_columns: &[],
        label_zh: "拜访记录",
        label_en: "visits",
    },
    SyncTable {
        name: "call_log",
        scope: Scope::CustomerOrStaff("customer_id", "staff_id"),
        authority: Authority::Authored("staff_id"),
        refreshes_card: false,
        local_columns: &[],
        label_zh: "电话记录",
        label_en: "calls",
    },
    SyncTable {
        name: "task",
        scope: Scope::CustomerOrStaff("customer_id", "assignee_id"),
        authority: Authority::Scoped,
        refreshes_card: false,
        local_columns: &[],
        label_zh: "跟进任务",
        label_en: "follow-up tasks",
    },
    SyncTable {
        name: "report",
        scope: Scope::Staff("author_id"),
        authority: Authority::Authored("author_id"),
        refreshes_card: false,
        local_columns: &[],
        label_zh: "报告",
        label_en: "reports",
    },
    SyncTable {
        name: "report_comment",
        scope: Scope::Staff("report_author_id"),
        authority: Authority::Authored("author_id"),
        refreshes_card: false,
        local_columns: &[],
        label_zh: "报告批注",
        label_en: "report comments",
    },
    SyncTable {
        name: "sales_line",
        scope: Scope::Customer("customer_id"),
        authority: Authority::OfficeOnly,
        refreshes_card: false,
        local_columns: &[],
        label_zh: "销售明细",
        label_en: "sales lines",
    },
    SyncTable {
        name: "target",
        scope: Scope::CustomerOrStaff("customer_id", "staff_id"),
        authority: Authority::Target,
        refreshes_card: false,
        local_columns: &[],
        label_zh: "销售目标",
        label_en: "sales targets",
    },
    SyncTable {
        name: "target_move",
        scope: Scope::Staff("staff_id"),
        authority: Authority::Target,
        refreshes_card: false,
        local_columns: &[],
        label_zh: "目标调整",
        label_en: "target reallocations",
    },
    SyncTable {
        name: "sales_plan",
        scope: Scope::Staff("staff_id"),
        authority: Authority::Authored("staff_id"),
        refreshes_card: false,
        local_columns: &[],
        label_zh: "旬/月销售计划",
        label_en: "sales plans",
    },
    SyncTable {
        name: "sales_plan_line",
        scope: Scope::Staff("staff_id"),
        authority: Authority::Authored("staff_id"),
        refreshes_card: false,
        local_columns: &[],
        label_zh: "销售计划明细",
        label_en: "sales plan lines",
    },
    SyncTable {
        name: "sales_plan_comment",
        scope: Scope::Staff("plan_author_id"),
        authority: Authority::Authored("author_id"),
        refreshes_card: false,
        local_columns: &[],
        label_zh: "计划批注",
        label_en: "plan comments",
    },
    SyncTable {
        name: "sales_forecast",
        scope: Scope::Staff("staff_id"),
        authority: Authority::Authored("staff_id"),
        refreshes_card: false,
        local_columns: &[],
        label_zh: "滚动预测",
        label_en: "forecasts",
    },
    SyncTable {
        name: "sales_forecast_line",
        scope: Scope::Staff("staff_id"),
        authority: Authority::Authored("staff_id"),
        refreshes_card: false,
        local_columns: &[],
        label_zh: "预测明细",
        label_en: "forecast lines",
    },
    SyncTable {
        name: "change_history",
        scope: Scope::Customer("customer_id"),
        authority: Authority::ScopedInsertOnly,
        refreshes_card: true,
        local_columns: &[],
        label_zh: "修改记录",
        label_en: "history",
    },
    SyncTable {
        name: "conflict",
        scope: Scope::Customer("customer_id"),
        authority: Authority::OfficeCreates(&["resolution", "resolved_by", "resolved_at"]),
        refreshes_card: true,
        local_columns: &[],
        label_zh: "冲突",
        label_en: "conflicts",
    },
    SyncTable {
        name: "service_clock",
        scope: Scope::Global,
        authority: Authority::OfficeOnly,
        refreshes_card: false,
        local_columns: &[],
        label_zh: "服务时限",
        label_en: "service clocks",
    },
    SyncTable {
        name: "complaint",
        scope: Scope::Customer("customer_id"),
        authority: Authority::Scoped,
        refreshes_card: false,
        local_columns: &[],
        label_zh: "客户投诉",
        label_en: "complaints",
    },
    SyncTable {
        name: "approval_chain",
        scope: Scope::Global,
        authority: Authority::OfficeOnly,
        refreshes_card: false,
        local_columns: &[],
        label_zh: "审批流程",
        label_en: "approval chains",
    },
    SyncTable {
        name: "proposal",
        scope: Scope::CustomerOrStaff("customer_id", "proposer_id"),
        authority: Authority::Authored("proposer_id"),
        refreshes_card: false,
        local_columns: &[],
        label_zh: "审批申请",
        label_en: "proposals",
    },
    SyncTable {
        name: "proposal_decision",
        scope: Scope::CustomerOrStaff("customer_id", "proposer_id"),
        authority: Authority::Decision,
        refreshes_card: false,
        local_columns: &[],
        label_zh: "审批意见",
        label_en: "approval decisions",
    },
];

/// Tables that never leave the device: settings, derived search data, and the
/// sync bookkeeping itself.
pub const LOCAL_TABLES: &[&str] = &[
    "local_profile",
    "local_setting",
    "search_doc",
    "search_tag",
    "report_read",
    "import_batch",
    "sales_customer_key",
    "sales_product_key",
    "sales_fact",
    "sales_total",
    "sales_xun",
    "order_open",
    "order_open_dirty",
    "receivable_open",
    "receivable_credit",
    "receivable_dirty",
    "receivable_paid",
    // Head office's recovery copies of the laptops' book keys.
    "device_recovery_key",
];
/// Prefixes of device-local tables (sync bookkeeping, full-text index shadows).
pub const LOCAL_PREFIXES: &[&str] = &["sync_", "search_trigram", "search_char", "sqlite_"];

pub fn table(name: &str) -> Option<&'static SyncTable> {
    SYNCED.iter().find(|t| t.name == name)
}

/// Position in [`SYNCED`] (apply order).
pub fn rank(name: &str) -> usize {
    SYNCED.iter().position(|t| t.name == name).unwrap_or(usize::MAX)
}

/// The synced columns of every table, as this book's schema has them.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Columns(pub BTreeMap<String, Vec<String>>);

impl Columns {
    pub fn read(conn: &Connection) -> Result<Self> {
        let mut out = BTreeMap::new();
        for t in SYNCED {
            out.insert(t.name.to_string(), synced_columns(conn, t)?);
        }
        Ok(Self(out))
    }

    pub fn of(&self, table: &str) -> &[String] {
        self.0.get(table).map_or(&[], Vec::as_slice)
    }

    pub fn has(&self, table: &str, column: &str) -> bool {
        self.of(table).iter().any(|c| c == column)
    }
}

/// A table's columns minus its device-local ones, in schema order; `id` first.
pub fn synced_columns(conn: &Connection, table: &SyncTable) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(&format!("SELECT name FROM pragma_table_info('{}') ORDER BY cid", table.name))?;
    let names = stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(names.into_iter().filter(|n| !table.local_columns.contains(&n.as_str())).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sales_administration_writes_orders_shipments_its_own_records_and_conflicts_only() {
        let writes = |name: &str| administration_writes(table(name).expect("a synced table"));
        for name in ["sales_order", "order_line", "order_note", "shipment", "shipment_line", "call_log", "conflict"] {
            assert!(writes(name), "{name}");
        }
        for name in ["customer", "key_person", "customer_address", "route", "invoice", "payment", "staff", "promotion"]
        {
            assert!(!writes(name), "{name}");
        }
    }
}
