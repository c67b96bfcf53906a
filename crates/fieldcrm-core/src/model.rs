//! The closed vocabularies of the card and the organisation. Each is stored as
//! its snake_case key; the UI translates keys into Chinese or English labels.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $key:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every stored key, in display order.
            pub const KEYS: &'static [&'static str] = &[$($key),+];
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $key),+ }
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            /// Accepts the stored key, and its kebab-case spelling (`head-office`).
            fn from_str(s: &str) -> Result<Self, String> {
                match s.trim().replace('-', "_").as_str() {
                    $($key => Ok($name::$variant),)+
                    other => Err(format!(
                        "'{other}' is not one of: {}", Self::KEYS.join(", ")
                    )),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl rusqlite::types::ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(rusqlite::types::ToSqlOutput::from(self.as_str()))
            }
        }

        impl rusqlite::types::FromSql for $name {
            fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
                value.as_str()?.parse().map_err(|e: String| rusqlite::types::FromSqlError::Other(e.into()))
            }
        }
    };
}

string_enum!(
    /// Where a customer stands with us.
    Lifecycle { Prospect => "prospect", Active => "active", Dormant => "dormant", Eliminated => "eliminated" }
);
string_enum!(
    /// The customer's place in the channel: distributors (经销商) supply
    /// sub-distributors (二批商), which supply retailers (零售商).
    ChannelLevel {
        Distributor => "distributor",
        SubDistributor => "sub_distributor",
        Retailer => "retailer",
        Other => "other",
    }
);
string_enum!(
    /// Credit standing (信用状况) on the trading-status block.
    CreditStanding { Good => "good", Normal => "normal", Watch => "watch", Bad => "bad", Unknown => "unknown" }
);
string_enum!(
    /// The four blocks of the archive card (seed 004). Each key is also the
    /// prefix of the block's `<block>Source` and `<block>Verified` fields.
    Block {
        Basic => "basic",
        Characteristics => "characteristics",
        Business => "business",
        Trading => "trading",
    }
);
string_enum!(
    /// Where a block's data came from. Customer-filled forms are often incomplete
    /// or inflated and need a rep's confirmation before they are trusted.
    DataSource { RepVisit => "rep_visit", CustomerForm => "customer_form", ThirdParty => "third_party" }
);
string_enum!(
    /// A person's role in the sales organisation. `SalesAdmin`: head office's
    /// sales administration (销管), paired with some regions (`staff_region`).
    StaffRole {
        Rep => "rep",
        RegionalManager => "regional_manager",
        ProvincialManager => "provincial_manager",
        HeadOffice => "head_office",
        SalesAdmin => "sales_admin",
    }
);
string_enum!(
    /// What a promotion gives: a discount on the price, or free goods.
    PromotionKind { Discount => "discount", Gift => "gift" }
);
impl StaffRole {
    /// Sales administration: head office, and the sales administrators
    /// (within the regions paired with them: their scope). They review,
    /// approve, correct and ship orders (`money::order::may_change`).
    pub fn reviews_orders(self) -> bool {
        matches!(self, StaffRole::HeadOffice | StaffRole::SalesAdmin)
    }

    /// Heads a unit: a regional or provincial manager, head office.
    pub fn is_manager(self) -> bool {
        matches!(self, StaffRole::RegionalManager | StaffRole::ProvincialManager | StaffRole::HeadOffice)
    }
}
string_enum!(
    /// A level of the organisation tree; the tree may be of any depth.
    OrgUnitKind {
        HeadOffice => "head_office",
        Province => "province",
        Region => "region",
        Territory => "territory",
        Other => "other",
    }
);
string_enum!(
    /// A key person's role on the card.
    KeyPersonRole {
        Owner => "owner",
        Manager => "manager",
        LegalRepresentative => "legal_representative",
        Contact => "contact",
    }
);
string_enum!(
    /// Who rang whom.
    CallDirection { Outgoing => "outgoing", Incoming => "incoming" }
);
string_enum!(
    /// Where a follow-up task came from.
    TaskSource { Visit => "visit", Call => "call", Manual => "manual" }
);
string_enum!(
    /// The rep information reports (seed 004): daily, periodic and urgent.
    ReportKind { Daily => "daily", Weekly => "weekly", Monthly => "monthly", Urgent => "urgent" }
);
string_enum!(
    /// A report is a draft until its author submits it; then it is final.
    ReportStatus { Draft => "draft", Submitted => "submitted" }
);
string_enum!(
    /// What an urgent report (紧急报告) is about.
    UrgentTopic { CreditRisk => "credit_risk", Competitor => "competitor", Complaint => "complaint", Other => "other" }
);
string_enum!(
    /// The kinds of contact and coverage duty (seed 000), each per calendar month.
    DutyKind {
        ContactCustomers => "contact_customers",
        ContactStaff => "contact_staff",
        VisitCustomers => "visit_customers",
        SpotChecks => "spot_checks",
        GradeFrequency => "grade_frequency",
    }
);

string_enum!(
    /// What a sales line records: goods shipped, an invoice, or goods returned.
    SalesKind { Shipment => "shipment", Invoice => "invoice", Return => "return" }
);

string_enum!(
    /// Where an order stands: the author's while `draft` or `returned`; sales
    /// administration's once `submitted` (docs/ORDERS.md).
    OrderStatus {
        Draft => "draft",
        Submitted => "submitted",
        Returned => "returned",
        Approved => "approved",
        Cancelled => "cancelled",
    }
);
string_enum!(
    /// How an order is paid: cash against goods (现金款), on credit, or charged
    /// to marketing expenses (费用款), which uses no credit.
    PaymentKind { Cash => "cash", Credit => "credit", Expense => "expense" }
);
string_enum!(
    /// Why the credit check puts an order on hold.
    HoldReasonKind { OverLimit => "over_limit", OverdueDebt => "overdue_debt", NoCreditTerms => "no_credit_terms" }
);

string_enum!(
    /// What a spreadsheet import brings in.
    ImportKind {
        Customers => "customers",
        People => "people",
        Products => "products",
        Sales => "sales",
        Invoices => "invoices",
        Payments => "payments",
    }
);

impl ImportKind {
    /// Rows of this kind name an existing customer (by code or exact name).
    pub fn names_customer(self) -> bool {
        matches!(self, ImportKind::Sales | ImportKind::Invoices | ImportKind::Payments)
    }
}

string_enum!(
    /// What a target is set on: a unit of the organisation, a person, a card.
    NodeKind { Unit => "unit", Staff => "staff", Customer => "customer" }
);
string_enum!(
    /// Where a node's breakdown (its children's targets) stands: being
    /// written (`open`), submitted for approval one level up, approved (then
    /// it changes only by reallocation), or returned for changes.
    TargetStatus { Open => "open", Submitted => "submitted", Approved => "approved", Returned => "returned" }
);
string_enum!(
    /// Where a reallocation of an approved breakdown stands.
    MoveStatus { Submitted => "submitted", Approved => "approved", Rejected => "rejected", Withdrawn => "withdrawn" }
);
string_enum!(
    /// How a breakdown is proposed: by each child's share of last year's
    /// sales (month by month), of the trailing twelve months', equally, or by
    /// the customer grades' weights (`grade_level.revenue_share`).
    BreakdownRule { LastYear => "last_year", TrailingYear => "trailing_year", Equal => "equal", Grade => "grade" }
);
string_enum!(
    /// How progress stands against the time elapsed (head office's rules).
    Rag { Green => "green", Amber => "amber", Red => "red", None => "none" }
);
string_enum!(
    /// A decision on a submitted breakdown or reallocation: approve, return
    /// (reject) with a reason, or withdraw (its author).
    Decision { Approve => "approve", Return => "return", Withdraw => "withdraw" }
);

string_enum!(
    /// What a proposal asks for (审批的种类).
    ProposalKind {
        OpenCustomer => "open_customer",
        Eliminate => "eliminate",
        Promotion => "promotion",
        CreditLimit => "credit_limit",
    }
);
string_enum!(
    /// Who decides a step of an approval chain: the proposer's manager, the
    /// manager one level above, head office.
    ApprovalLevel { Manager => "manager", Next => "next", Office => "office" }
);
string_enum!(
    /// A step's decision on a proposal: approve, reject, or return it for changes.
    Verdict { Approve => "approve", Reject => "reject", Return => "return" }
);
string_enum!(
    /// Where a proposal stands (derived from its decisions).
    ProposalStatus {
        Draft => "draft",
        Pending => "pending",
        Approved => "approved",
        Rejected => "rejected",
        Returned => "returned",
        Withdrawn => "withdrawn",
    }
);
string_enum!(
    /// What happens to an eliminated customer's open orders.
    OpenOrders { Cancel => "cancel", Keep => "keep" }
);
string_enum!(
    /// What a complaint or feedback is about.
    ComplaintKind { Quality => "quality", Delivery => "delivery", Price => "price", Service => "service", Other => "other" }
);
string_enum!(
    /// The stages of a complaint, in order: logged, passed on to quality,
    /// handled, replied to the customer, closed with their satisfaction.
    ServiceStage {
        Logged => "logged",
        PassedOn => "passed_on",
        Handled => "handled",
        Replied => "replied",
        Closed => "closed",
    }
);
