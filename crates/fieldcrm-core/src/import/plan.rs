//! Row by row: what an import will do with each row of a sheet, and then
//! doing it. Planning reads and never writes; every check a write makes is
//! made here first (the card's own checks through `write::check_customer`),
//! so a dry run says what the commit will do.

use crate::error::ProblemCode;
use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde_json::Value as Json;

use super::read::Raw;
use super::value;
use super::{DuplicateCandidate, DuplicateChoice, DuplicateDecision, ImportRequest, RowAction, RowOutcome};
use crate::card::fields::{self as card_fields, ADDRESS_ENTITY, CUSTOMER_ENTITY, KEY_PERSON_ENTITY};
use crate::card::write::{self, Actor, CheckedCard, FieldChange, Fields, NewChild};
use crate::divisions::{self, Level};
use crate::error::{Error, FieldProblem, Result};
use crate::grades::{GradeChange, GradeScale};
use crate::ids::{AddressId, CustomerId, KeyPersonId, OrgUnitId, ProductId, StaffId};
use crate::model::{ChannelLevel, ImportKind, Lifecycle, PaymentKind, SalesKind, StaffRole};
use crate::money::receivables::{self, CheckedInvoice, CheckedPayment, InvoiceInput, PaymentInput, PaymentMatch};
use crate::org::Viewer;
use crate::sales::{self, ProductInput, SalesLineInput};

/// A product as stored: name, category, line, unit, case size, list price.
type StoredProduct = (String, Option<String>, Option<String>, String, Option<u32>, Option<i64>);

/// Who imports, and when.
#[derive(Debug, Clone)]
pub struct Context {
    pub viewer: Viewer,
    pub actor: Actor,
    pub today: NaiveDate,
}

/// The customer and credit grades a row sets (by code), which go through
/// the grades' own write, not the card's fields.
type Grades = Vec<(GradeScale, String)>;

/// What a row will write.
#[derive(Debug, Clone)]
enum Op {
    Nothing,
    NewCard { id: CustomerId, card: Box<CheckedCard>, grades: Grades },
    EditCard { id: CustomerId, changes: Vec<FieldChange>, grades: Grades },
    NewPerson { name: String, role: StaffRole, unit: OrgUnitId, phone: Option<String> },
    EditPerson { id: StaffId, phone: Option<String> },
    Product(ProductInput),
    Sale(SalesLineInput),
    Invoice(CheckedInvoice),
    Payment(CheckedPayment),
}

#[derive(Debug, Clone)]
pub struct RowPlan {
    pub row: u32,
    pub action: RowAction,
    pub label: String,
    pub problems: Vec<FieldProblem>,
    pub candidates: Vec<DuplicateCandidate>,
    op: Op,
}

impl RowPlan {
    /// The search document of the card this row creates.
    pub fn new_document(&self) -> Option<crate::search::NewDocument> {
        match &self.op {
            Op::NewCard { id, card, .. } => Some(card.document(*id)),
            _ => None,
        }
    }

    pub fn outcome(&self) -> RowOutcome {
        RowOutcome {
            row: self.row,
            action: self.action,
            label: self.label.clone(),
            problems: self.problems.clone(),
            candidates: self.candidates.clone(),
        }
    }
}

/// An existing card as duplicate detection sees it.
struct Known {
    id: CustomerId,
    name: String,
    phone: Option<String>,
    owner_name: String,
    owner: String,
    territory: String,
}

/// The book's cards as rows are matched against them: by code, by name (and
/// by exact name for sales lines) and by phone. Loaded once per import; a
/// dry run loads them while its file is read on the other core.
#[derive(Default)]
pub struct KnownCards {
    cards: Vec<Known>,
    by_code: HashMap<String, usize>,
    by_name: HashMap<String, Vec<usize>>,
    by_phone: HashMap<String, Vec<usize>>,
}

impl KnownCards {
    /// The cards an import of `kind` matches its rows against (none for
    /// people and products).
    pub fn load(conn: &Connection, kind: ImportKind) -> Result<Self> {
        let mut known = Self::default();
        if !(kind == ImportKind::Customers || kind.names_customer()) {
            return Ok(known);
        }
        let mut stmt = conn.prepare(
            "SELECT c.id, c.name, c.phone, c.code, s.name, c.owner_id, c.territory_id
               FROM customer c JOIN staff s ON s.id = c.owner_id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let i = known.cards.len();
            let card = Known {
                id: r.get(0)?,
                name: r.get(1)?,
                phone: r.get(2)?,
                owner_name: r.get(4)?,
                owner: r.get(5)?,
                territory: r.get(6)?,
            };
            if let Some(code) = r.get::<_, Option<String>>(3)? {
                known.by_code.insert(lookup_key(&code), i);
            }
            known.by_name.entry(name_key(&card.name)).or_default().push(i);
            if kind.names_customer() {
                // Sales lines, invoices and payments name their customer exactly.
                known.by_name.entry(format!("={}", card.name.trim())).or_default().push(i);
            }
            if let Some(phone) = card.phone.as_deref().map(phone_key).filter(|p| p.len() >= 7) {
                known.by_phone.entry(phone).or_default().push(i);
            }
            known.cards.push(card);
        }
        Ok(known)
    }
}

/// Everything the rows are checked against, loaded once.
pub struct Planner<'a> {
    kind: ImportKind,
    ctx: &'a Context,
    /// Column of each mapped field.
    columns: HashMap<&'a str, usize>,
    headers: &'a [String],
    decisions: HashMap<u32, &'a DuplicateDecision>,
    otherwise: Option<DuplicateChoice>,
    staff_by_name: HashMap<String, Vec<(StaffId, String)>>,
    units_by_name: HashMap<String, Vec<OrgUnitId>>,
    /// How numbers written as text are read.
    numbers: value::Numbers,
    grades: CodeList,
    credit_grades: CodeList,
    channel_types: CodeList,
    /// Grades of new cards, set once the cards are written.
    graded: Vec<(CustomerId, GradeScale, String)>,
    known: KnownCards,
    /// Rows of this file by their key (a card's name and phone, a code …).
    seen: HashMap<String, u32>,
    products: HashSet<ProductId>,
    /// Occurrences of (document, product) so far: the line key of documents without line numbers.
    occurrences: HashMap<(String, String), u32>,
    notes: Vec<super::ImportNote>,
    /// Cards changed, for the search index.
    written: Vec<String>,
    /// New cards gathered to be written many to a statement.
    staged: write::NewRows,
}

/// New rows gathered before a write: enough for statements of a few hundred rows.
const STAGE_ROWS: usize = 2048;

/// A name as duplicates are compared: no spaces, brackets or legal-form words.
pub fn name_key(name: &str) -> String {
    let mut key: String = value::ascii_width(name)
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '(' | ')' | '（' | '）' | '·' | '-' | '—'))
        .flat_map(char::to_lowercase)
        .collect();
    for suffix in [
        "股份有限公司",
        "有限责任公司",
        "有限公司",
        "公司",
        "商行",
        "商店",
        "门市部",
        "经营部",
        "经销部",
        "批发部",
        "经销处",
        "店",
    ] {
        if let Some(stripped) = key.strip_suffix(suffix).filter(|s| !s.is_empty()) {
            key = stripped.to_string();
            break;
        }
    }
    key
}

fn phone_key(phone: &str) -> String {
    crate::text::normal_phone(phone).chars().filter(char::is_ascii_digit).collect()
}

fn lookup_key(text: &str) -> String {
    text.trim().to_lowercase()
}

fn choice_of<T: Copy>(text: &str, table: &[(&[&str], T)]) -> Option<T> {
    let t = lookup_key(text);
    table.iter().find(|(words, _)| words.contains(&t.as_str())).map(|(_, v)| *v)
}

/// How the ERP writes a payment's kind: money for goods, or charged to marketing expenses.
const PAYMENT_KINDS: &[(&[&str], PaymentKind)] = &[
    (&["cash", "现金", "现金款", "货款", "回款", "银行", "转账"], PaymentKind::Cash),
    (&["expense", "费用", "费用款", "市场费用", "费用冲抵", "费用核销"], PaymentKind::Expense),
];

const LEVELS: &[(&[&str], ChannelLevel)] = &[
    (&["distributor", "经销商", "一批", "一批商", "总经销", "总代理", "一级"], ChannelLevel::Distributor),
    (&["sub_distributor", "sub-distributor", "二批", "二批商", "分销商", "二级", "分销"], ChannelLevel::SubDistributor),
    (&["retailer", "零售", "零售商", "终端", "门店", "零售店", "三级"], ChannelLevel::Retailer),
    (&["other", "其他"], ChannelLevel::Other),
];

const LIFECYCLES: &[(&[&str], Lifecycle)] = &[
    (&["prospect", "潜在", "意向", "潜在客户", "意向客户"], Lifecycle::Prospect),
    (&["active", "活跃", "正常", "合作中", "合作"], Lifecycle::Active),
    (&["dormant", "休眠", "停止合作", "暂停"], Lifecycle::Dormant),
    (&["eliminated", "淘汰", "已淘汰", "终止"], Lifecycle::Eliminated),
];

const ROLES: &[(&[&str], StaffRole)] = &[
    (&["rep", "业务员", "销售代表", "业务代表", "销售员"], StaffRole::Rep),
    (&["regional_manager", "区域经理", "片区经理", "大区经理"], StaffRole::RegionalManager),
    (&["provincial_manager", "省区经理", "省经理", "省级经理"], StaffRole::ProvincialManager),
    (&["head_office", "总部", "总部人员", "head office"], StaffRole::HeadOffice),
];

const KINDS: &[(&[&str], SalesKind)] = &[
    (&["shipment", "发货", "出库", "销售", "销售出库"], SalesKind::Shipment),
    (&["invoice", "开票", "发票", "销售发票"], SalesKind::Invoice),
    (&["return", "退货", "销售退货", "退回"], SalesKind::Return),
];

/// A code list as cells name its items: by code, Chinese or English label,
/// compared without spaces of any width or case (`A类` is `A 类`).
#[derive(Default)]
struct CodeList {
    by_text: HashMap<String, String>,
    /// The labels, for a message naming what a cell may say.
    labels: Vec<String>,
}

impl CodeList {
    fn load(tx: &Transaction<'_>, sql: &str, key: &str) -> Result<Self> {
        let mut out = Self::default();
        let mut stmt = tx.prepare(sql)?;
        let mut rows = stmt.query([key])?;
        while let Some(r) = rows.next()? {
            let code: String = r.get(0)?;
            for i in 0..3 {
                let label: String = r.get(i)?;
                out.by_text.entry(code_key(&label)).or_insert_with(|| code.clone());
            }
            out.labels.push(r.get(1)?);
        }
        Ok(out)
    }

    fn code(&self, text: &str) -> Option<&String> {
        self.by_text.get(&code_key(text))
    }

    /// What a cell may say, for a message.
    fn allowed(&self) -> String {
        self.labels.join("、")
    }
}

fn code_key(text: &str) -> String {
    value::ascii_width(text).chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect()
}

impl<'a> Planner<'a> {
    /// `known`: the cards rows are checked against, for a planner that plans
    /// (it also loads the products); a planner that only writes rows planned
    /// before has none.
    pub fn new(
        tx: &Transaction<'_>,
        request: &'a ImportRequest,
        mapping: &'a [Option<String>],
        headers: &'a [String],
        ctx: &'a Context,
        known: Option<KnownCards>,
    ) -> Result<Self> {
        let planning = known.is_some();
        if !super::may_import(ctx.viewer.role, request.kind) {
            let what = match request.kind {
                ImportKind::People => "people",
                ImportKind::Products => "the product catalogue",
                ImportKind::Invoices => "invoices",
                ImportKind::Payments => "payments",
                _ => "sales lines",
            };
            return Err(Error::Forbidden(format!(
                "only head office imports {what}; ask head office to import the file"
            )));
        }
        let columns = mapping.iter().enumerate().filter_map(|(i, k)| k.as_deref().map(|k| (k, i))).collect();
        let mut staff_by_name: HashMap<String, Vec<(StaffId, String)>> = HashMap::new();
        {
            let mut stmt = tx.prepare("SELECT id, name, org_unit_id FROM staff WHERE active = 1")?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let (id, name, unit): (StaffId, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
                staff_by_name.entry(lookup_key(&name)).or_default().push((id, unit.clone()));
                staff_by_name.entry(id.to_string()).or_default().push((id, unit));
            }
        }
        let mut units_by_name: HashMap<String, Vec<OrgUnitId>> = HashMap::new();
        {
            let mut stmt = tx.prepare("SELECT id, name, code FROM org_unit")?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let (id, name, code): (OrgUnitId, String, Option<String>) = (r.get(0)?, r.get(1)?, r.get(2)?);
                units_by_name.entry(lookup_key(&name)).or_default().push(id);
                units_by_name.entry(id.to_string()).or_default().push(id);
                if let Some(code) = code {
                    units_by_name.entry(lookup_key(&code)).or_default().push(id);
                }
            }
        }
        let grade_sql =
            "SELECT code, label_zh, label_en FROM grade_level WHERE scale = ?1 AND retired = 0 ORDER BY code";
        let mut planner = Planner {
            kind: request.kind,
            ctx,
            columns,
            headers,
            decisions: request.decisions.iter().map(|d| (d.row, d)).collect(),
            otherwise: request.otherwise,
            staff_by_name,
            units_by_name,
            numbers: value::Numbers { decimal_comma: request.decimal_comma },
            grades: CodeList::load(tx, grade_sql, "customer")?,
            credit_grades: CodeList::load(tx, grade_sql, "credit")?,
            channel_types: CodeList::load(
                tx,
                "SELECT code, label_zh, label_en FROM code_item WHERE list_id = ?1 AND retired = 0 ORDER BY position",
                "channel_type",
            )?,
            graded: vec![],
            known: known.unwrap_or_default(),
            seen: HashMap::new(),
            products: HashSet::new(),
            occurrences: HashMap::new(),
            notes: vec![],
            written: vec![],
            staged: write::NewRows::default(),
        };
        if planning && request.kind == ImportKind::Sales {
            let mut stmt = tx.prepare("SELECT id FROM product")?;
            planner.products = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
            if !planner.columns.contains_key("document") {
                planner.notes.push(super::ImportNote {
                    code: super::ImportNoteCode::NoDocumentNumbers,
                    count: None,
                    cell: None,
                    message: "the file has no document numbers: importing it again would add its lines a second time"
                        .into(),
                });
            }
        }
        Ok(planner)
    }

    pub fn notes(&self) -> Vec<super::ImportNote> {
        self.notes.clone()
    }

    fn raw<'c>(&self, cells: &'c [Raw], key: &str) -> &'c Raw {
        const EMPTY: &Raw = &Raw::Empty;
        self.columns.get(key).and_then(|&i| cells.get(i)).unwrap_or(EMPTY)
    }

    /// A cell's text as the book keeps it: trimmed, full-width digits,
    /// letters and spaces in ASCII.
    fn text(&self, cells: &[Raw], key: &str) -> Option<String> {
        let text = self.raw(cells, key).display();
        Some(value::ascii_width(&text).trim().to_string()).filter(|t| !t.is_empty())
    }

    /// The header of the column mapped to `key` (what problems name).
    fn header(&self, key: &str) -> String {
        self.columns.get(key).and_then(|&i| self.headers.get(i)).cloned().unwrap_or_else(|| key.to_string())
    }

    fn problem(&self, key: &str, code: ProblemCode, message: impl Into<String>) -> FieldProblem {
        FieldProblem::new(self.header(key), code, message)
    }

    fn parsed<T, E: Into<value::CellProblem>>(
        &self,
        cells: &[Raw],
        key: &str,
        parse: impl Fn(&Raw) -> std::result::Result<Option<T>, E>,
        problems: &mut Vec<FieldProblem>,
    ) -> Option<T> {
        match parse(self.raw(cells, key)) {
            Ok(v) => v,
            Err(e) => {
                let e = e.into();
                problems.push(self.problem(key, e.code, e.message));
                None
            }
        }
    }

    fn required(&self, key: &str, problems: &mut Vec<FieldProblem>) {
        problems.push(self.problem(key, ProblemCode::Required, "is empty; this field is required"));
    }

    fn staff(&self, text: &str) -> std::result::Result<(StaffId, String), String> {
        match self.staff_by_name.get(&lookup_key(text)).map(Vec::as_slice) {
            Some([one]) => Ok(one.clone()),
            Some([_, _, ..]) => Err(format!("two people are named {text}; give the person's id instead")),
            _ => Err(format!("nobody named {text} works here; import the people first or fix the name")),
        }
    }

    fn unit(&self, text: &str) -> std::result::Result<OrgUnitId, String> {
        match self.units_by_name.get(&lookup_key(text)).map(Vec::as_slice) {
            Some([one]) => Ok(*one),
            Some([first, rest @ ..]) if rest.iter().all(|u| u == first) => Ok(*first),
            Some(_) => Err(format!("two units are named {text}; give the unit's code instead")),
            None => Err(format!("there is no unit {text} in the organisation; check the name or code")),
        }
    }

    /// Plans one row.
    pub fn plan(&mut self, tx: &Transaction<'_>, row: u32, cells: &[Raw]) -> Result<RowPlan> {
        let mut plan = match self.kind {
            ImportKind::Customers => self.plan_customer(tx, row, cells),
            ImportKind::People => self.plan_person(tx, row, cells),
            ImportKind::Products => self.plan_product(tx, row, cells),
            ImportKind::Sales => self.plan_sale(tx, row, cells),
            ImportKind::Invoices => self.plan_invoice(tx, row, cells),
            ImportKind::Payments => self.plan_payment(tx, row, cells),
        }?;
        // Each problem carries its cell's text, so every language can show what was wrong.
        for p in &mut plan.problems {
            if p.value.is_none() {
                p.value = self
                    .headers
                    .iter()
                    .position(|h| *h == p.field)
                    .and_then(|i| cells.get(i))
                    .map(|cell| cell.display().trim().to_string())
                    .filter(|text| !text.is_empty());
            }
        }
        Ok(plan)
    }

    fn refused(row: u32, label: String, problems: Vec<FieldProblem>) -> RowPlan {
        RowPlan { row, action: RowAction::Refuse, label, problems, candidates: vec![], op: Op::Nothing }
    }

    /// The row's key seen before in this file: refuse it as a repeat.
    fn repeat(&mut self, key: String, row: u32, field: &str, what: &str) -> Option<FieldProblem> {
        match self.seen.get(&key) {
            Some(first) => Some(self.problem(
                field,
                ProblemCode::Repeated,
                format!("the same {what} as row {first}; keep one of the two rows"),
            )),
            None => {
                self.seen.insert(key, row);
                None
            }
        }
    }

    fn plan_customer(&mut self, tx: &Transaction<'_>, row: u32, cells: &[Raw]) -> Result<RowPlan> {
        let mut problems = vec![];
        let mut values = Fields::new();
        let name = self.text(cells, "name");
        let label = name.clone().unwrap_or_default();
        match &name {
            Some(n) => {
                values.insert("name".into(), Json::from(n.as_str()));
            }
            None => self.required("name", &mut problems),
        }
        for key in ["code", "shortName", "phone", "notes"] {
            if let Some(t) = self.text(cells, key) {
                values.insert(key.into(), Json::from(t));
            }
        }
        if let Some(t) = self.text(cells, "channelLevel") {
            match choice_of(&t, LEVELS) {
                Some(level) => {
                    values.insert("channelLevel".into(), Json::from(level.as_str()));
                }
                None => problems.push(self.problem(
                    "channelLevel",
                    ProblemCode::UnknownChoice,
                    format!("'{t}' is not a channel level; write 经销商, 二批 or 零售"),
                )),
            }
        }
        if let Some(t) = self.text(cells, "lifecycle") {
            match choice_of(&t, LIFECYCLES) {
                Some(l) => {
                    values.insert("lifecycle".into(), Json::from(l.as_str()));
                }
                None => problems.push(self.problem(
                    "lifecycle",
                    ProblemCode::UnknownChoice,
                    format!("'{t}' is not a status; write 潜在, 活跃, 休眠 or 淘汰"),
                )),
            }
        }
        let mut owner_unit = None;
        if let Some(t) = self.text(cells, "owner") {
            match self.staff(&t) {
                Ok((id, unit)) => {
                    values.insert("ownerId".into(), Json::from(id.to_string()));
                    owner_unit = Some(unit);
                }
                Err(m) => problems.push(self.problem("owner", ProblemCode::UnknownPerson, m)),
            }
        } else if self.ctx.viewer.role != StaffRole::HeadOffice || !self.columns.contains_key("owner") {
            values.insert("ownerId".into(), Json::from(self.ctx.viewer.staff.to_string()));
            owner_unit =
                self.staff_by_name.get(&self.ctx.viewer.staff.to_string()).and_then(|v| v.first()).map(|s| s.1.clone());
        } else {
            self.required("owner", &mut problems);
        }
        match self.text(cells, "territory") {
            Some(t) => match self.unit(&t) {
                Ok(id) => {
                    values.insert("territoryId".into(), Json::from(id.to_string()));
                }
                Err(m) => problems.push(self.problem("territory", ProblemCode::UnknownUnit, m)),
            },
            None => {
                if let Some(unit) = &owner_unit {
                    values.insert("territoryId".into(), Json::from(unit.as_str()));
                }
            }
        }
        let mut grades: Grades = vec![];
        for (key, list, what, scale) in [
            ("grade", &self.grades, "customer grade", Some(GradeScale::Customer)),
            ("creditGrade", &self.credit_grades, "credit grade", Some(GradeScale::Credit)),
            ("channelType", &self.channel_types, "channel type", None),
        ] {
            let Some(t) = self.text(cells, key) else { continue };
            match (list.code(&t), scale) {
                (Some(code), None) => {
                    values.insert(key.into(), Json::from(code.as_str()));
                }
                (Some(_), Some(_)) if self.ctx.viewer.role == StaffRole::Rep => problems.push(self.problem(
                    key,
                    ProblemCode::GradeByManager,
                    format!("only a manager or head office sets a customer's {what}; leave this column out (map it to nothing) or ask your manager"),
                )),
                (Some(code), Some(scale)) => grades.push((scale, code.clone())),
                (None, _) => problems.push(self.problem(
                    key,
                    ProblemCode::UnknownCode,
                    format!("'{t}' is not a {what} of this book; write one of {}", list.allowed()),
                )),
            }
        }
        // The card keeps whole yuan.
        if let Some(yuan) = self.parsed(cells, "annualSalesWithUs", |r| self.numbers.yuan(r), &mut problems) {
            values.insert("annualSalesWithUs".into(), Json::from(yuan));
        }
        if let Some(day) = self.parsed(cells, "foundedOn", value::date, &mut problems) {
            values.insert("foundedOn".into(), Json::from(day.format("%Y-%m-%d").to_string()));
        }
        // Who may hold the card.
        if let (Some(owner), Some(territory)) =
            (values.get("ownerId").and_then(Json::as_str), values.get("territoryId").and_then(Json::as_str))
        {
            if !self.ctx.viewer.holds(owner, territory) {
                problems.push(self.problem(
                    if self.columns.contains_key("territory") { "territory" } else { "owner" },
                    ProblemCode::OutOfScope,
                    "this card would lie outside your part of the organisation; leave it to its own managers",
                ));
            }
        }
        let contact = self.text(cells, "contact").map(|n| {
            let mut f = Fields::new();
            f.insert("role".into(), Json::from("contact"));
            f.insert("name".into(), Json::from(n));
            f
        });
        let address = {
            let parts: Vec<Option<String>> =
                ["province", "city", "district", "address"].iter().map(|k| self.text(cells, k)).collect();
            parts.iter().any(Option::is_some).then(|| address_fields(&parts))
        };
        if !problems.is_empty() {
            return Ok(Self::refused(row, label, problems));
        }
        // Repeats within the file.
        let name = name.unwrap_or_default();
        let phone = values.get("phone").and_then(Json::as_str).map(phone_key).unwrap_or_default();
        let file_key = format!("card/{}/{}", name_key(&name), phone);
        if let Some(p) = self.repeat(file_key, row, "name", "customer") {
            return Ok(Self::refused(row, label, vec![p]));
        }
        // A row whose name differs from an earlier one's only by brackets,
        // spaces or the legal form may be the same customer.
        let similar = match self.seen.get(&format!("name/{}", name_key(&name))) {
            Some(&first) => Some(self.problem(
                "name",
                ProblemCode::Duplicate,
                format!("may be the same customer as row {first} (the names differ only by brackets, spaces or the legal form); check before importing both"),
            )),
            None => {
                self.seen.insert(format!("name/{}", name_key(&name)), row);
                None
            }
        };
        // The card it updates, or the cards it may duplicate.
        let code = values.get("code").and_then(Json::as_str).map(lookup_key);
        if let Some(&i) = code.as_ref().and_then(|c| self.known.by_code.get(c)) {
            return self.plan_card_update(tx, row, label, i, &values, grades);
        }
        let candidates = self.candidates(&name, &phone);
        if !candidates.is_empty() {
            let decision =
                self.decisions.get(&row).map(|d| (d.choice, d.customer_id)).or(self.otherwise.map(|c| (c, None)));
            let shown: Vec<DuplicateCandidate> =
                candidates.iter().map(|&(i, reason)| self.candidate(i, reason)).collect();
            match decision {
                None => {
                    return Ok(RowPlan {
                        row,
                        action: RowAction::Duplicate,
                        label,
                        problems: vec![],
                        candidates: shown,
                        op: Op::Nothing,
                    })
                }
                Some((DuplicateChoice::Skip, _)) => {
                    return Ok(RowPlan {
                        row,
                        action: RowAction::Skip,
                        label,
                        problems: vec![],
                        candidates: shown,
                        op: Op::Nothing,
                    })
                }
                Some((DuplicateChoice::Update, chosen)) => {
                    let i = match chosen {
                        None => candidates[0].0,
                        Some(id) => match candidates.iter().find(|(i, _)| self.known.cards[*i].id == id) {
                            Some((i, _)) => *i,
                            None => {
                                let p = self.problem(
                                    "name",
                                    ProblemCode::NotACandidate,
                                    "the card chosen to update is not one this row matches",
                                );
                                return Ok(Self::refused(row, label, vec![p]));
                            }
                        },
                    };
                    let mut plan = self.plan_card_update(tx, row, label, i, &values, grades)?;
                    plan.candidates = shown;
                    return Ok(plan);
                }
                Some((DuplicateChoice::New, _)) => {}
            }
        }
        let (person_id, address_id) = (KeyPersonId::new().to_string(), AddressId::new().to_string());
        let mut children = vec![];
        if let Some(c) = &contact {
            children.push(NewChild { entity: KEY_PERSON_ENTITY, id: &person_id, values: c, path: "contact" });
        }
        if let Some(a) = &address {
            children.push(NewChild { entity: ADDRESS_ENTITY, id: &address_id, values: a, path: "address" });
        }
        let (card, warnings) = match write::check_customer(tx, &values, &children, self.ctx.today) {
            Ok(w) => w,
            Err(Error::Invalid(problems)) => {
                let problems = problems.into_iter().map(|p| self.card_problem(p)).collect();
                return Ok(Self::refused(row, label, problems));
            }
            Err(other) => return Err(other),
        };
        Ok(RowPlan {
            row,
            action: RowAction::Create,
            label,
            problems: warnings.into_iter().map(|p| self.card_problem(p)).chain(similar).collect(),
            candidates: vec![],
            op: Op::NewCard { id: CustomerId::new(), card: Box::new(card), grades },
        })
    }

    /// A card's problem named by the sheet's column.
    fn card_problem(&self, p: FieldProblem) -> FieldProblem {
        let key = match p.field.as_str() {
            "ownerId" => "owner",
            "territoryId" => "territory",
            f if f.starts_with("contact.") => "contact",
            f if f.starts_with("address.") => "address",
            f => f,
        };
        let key = if key == "address" && !self.columns.contains_key("address") { "city" } else { key };
        FieldProblem { field: self.header(key), ..p }
    }

    fn candidates(&self, name: &str, phone: &str) -> Vec<(usize, &'static str)> {
        let mut out: Vec<(usize, &'static str)> = vec![];
        for &i in self.known.by_name.get(&name_key(name)).map(Vec::as_slice).unwrap_or(&[]) {
            let known = &self.known.cards[i];
            let same_phone = !phone.is_empty() && known.phone.as_deref().map(phone_key).as_deref() == Some(phone);
            let reason = if same_phone {
                "same_name_phone"
            } else if known.name.trim() == name.trim() {
                "same_name"
            } else {
                "similar_name"
            };
            out.push((i, reason));
        }
        if phone.len() >= 7 {
            for &i in self.known.by_phone.get(phone).map(Vec::as_slice).unwrap_or(&[]) {
                if !out.iter().any(|(j, _)| *j == i) {
                    out.push((i, "same_phone"));
                }
            }
        }
        // Strongest match first.
        let rank =
            |r: &str| ["same_name_phone", "same_name", "similar_name", "same_phone"].iter().position(|x| *x == r);
        out.sort_by_key(|(i, r)| (rank(r), *i));
        out.truncate(10);
        out
    }

    fn candidate(&self, i: usize, reason: &str) -> DuplicateCandidate {
        let k = &self.known.cards[i];
        DuplicateCandidate {
            customer_id: k.id,
            name: k.name.clone(),
            phone: k.phone.clone(),
            owner_name: k.owner_name.clone(),
            reason: reason.to_string(),
        }
    }

    fn plan_card_update(
        &self,
        tx: &Transaction<'_>,
        row: u32,
        label: String,
        card: usize,
        values: &Fields,
        mut grades: Grades,
    ) -> Result<RowPlan> {
        let known = &self.known.cards[card];
        let v = &self.ctx.viewer;
        let allowed = match v.role {
            StaffRole::Rep => known.owner == v.staff.to_string(),
            _ => v.units.as_ref().is_none_or(|u| u.contains(&known.territory)),
        };
        if !allowed {
            let p = self.problem(
                "name",
                ProblemCode::OutOfScope,
                format!("{} belongs to another part of the organisation", known.name),
            );
            return Ok(Self::refused(row, label, vec![p]));
        }
        // Only the columns the file has change the card; unchanged values are left alone.
        let mut changes = vec![];
        let mut stmt_sql = String::from("SELECT ");
        let mapped: Vec<&card_fields::FieldDef> = values
            .keys()
            .filter(|k| k.as_str() != "ownerId" || self.columns.contains_key("owner"))
            .filter(|k| k.as_str() != "territoryId" || self.columns.contains_key("territory"))
            .filter_map(|k| CUSTOMER_ENTITY.field(k))
            .collect();
        stmt_sql.push_str(&mapped.iter().map(|d| d.column).collect::<Vec<_>>().join(", "));
        stmt_sql.push_str(" FROM customer WHERE id = ?1");
        let current: Vec<rusqlite::types::Value> = if mapped.is_empty() {
            vec![]
        } else {
            tx.prepare_cached(&stmt_sql)?
                .query_row([known.id], |r| (0..mapped.len()).map(|i| r.get(i)).collect::<rusqlite::Result<Vec<_>>>())?
        };
        let mut problems = vec![];
        for (def, old) in mapped.iter().zip(current) {
            let new = &values[def.key];
            match card_fields::check(def, new, self.ctx.today) {
                Ok(checked) => {
                    if checked.json != card_fields::to_json(def, old) {
                        changes.push(FieldChange { field: def.key.to_string(), expected: None, value: new.clone() });
                    }
                }
                Err(p) => problems.push(self.card_problem(p)),
            }
        }
        if !problems.is_empty() {
            return Ok(Self::refused(row, label, problems));
        }
        // Grades the card has already are no change.
        if !grades.is_empty() {
            let (grade, credit): (Option<String>, Option<String>) = tx
                .prepare_cached("SELECT grade, credit_grade FROM customer WHERE id = ?1")?
                .query_row([known.id], |r| Ok((r.get(0)?, r.get(1)?)))?;
            grades.retain(|(scale, code)| {
                let now = if *scale == GradeScale::Customer { &grade } else { &credit };
                now.as_deref() != Some(code.as_str())
            });
        }
        let action = if changes.is_empty() && grades.is_empty() { RowAction::Unchanged } else { RowAction::Update };
        Ok(RowPlan {
            row,
            action,
            label,
            problems: vec![],
            candidates: vec![],
            op: Op::EditCard { id: known.id, changes, grades },
        })
    }

    fn plan_person(&mut self, tx: &Transaction<'_>, row: u32, cells: &[Raw]) -> Result<RowPlan> {
        let mut problems = vec![];
        let name = self.text(cells, "name");
        let label = name.clone().unwrap_or_default();
        if name.is_none() {
            self.required("name", &mut problems);
        }
        if name.as_ref().is_some_and(|n| n.chars().count() > 50) {
            problems.push(self.problem("name", ProblemCode::TooLong, "at most 50 characters fit"));
        }
        let role = match self.text(cells, "role") {
            None => {
                self.required("role", &mut problems);
                None
            }
            Some(t) => choice_of(&t, ROLES).or_else(|| {
                problems.push(self.problem(
                    "role",
                    ProblemCode::UnknownChoice,
                    format!("'{t}' is not a role; write 业务员, 区域经理, 省区经理 or 总部"),
                ));
                None
            }),
        };
        let unit = match self.text(cells, "unit") {
            None => {
                self.required("unit", &mut problems);
                None
            }
            Some(t) => self.unit(&t).map_err(|m| problems.push(self.problem("unit", ProblemCode::UnknownUnit, m))).ok(),
        };
        let phone = self.text(cells, "phone");
        if phone.as_ref().is_some_and(|p| p.chars().count() > 40) {
            problems.push(self.problem("phone", ProblemCode::TooLong, "at most 40 characters fit"));
        }
        let (Some(name), Some(role), Some(unit), true) = (name, role, unit, problems.is_empty()) else {
            return Ok(Self::refused(row, label, problems));
        };
        if let Some(p) = self.repeat(format!("person/{}/{unit}", lookup_key(&name)), row, "name", "person") {
            return Ok(Self::refused(row, label, vec![p]));
        }
        // The same name in the same unit is the same person.
        let existing = self
            .staff_by_name
            .get(&lookup_key(&name))
            .and_then(|v| v.iter().find(|(_, u)| *u == unit.to_string()))
            .map(|(id, _)| *id);
        if let Some(id) = existing {
            let stored: Option<String> =
                tx.prepare_cached("SELECT phone FROM staff WHERE id = ?1")?.query_row([id], |r| r.get(0))?;
            let action = if phone.is_none() || phone == stored { RowAction::Unchanged } else { RowAction::Update };
            return Ok(RowPlan {
                row,
                action,
                label,
                problems: vec![],
                candidates: vec![],
                op: Op::EditPerson { id, phone },
            });
        }
        Ok(RowPlan {
            row,
            action: RowAction::Create,
            label,
            problems: vec![],
            candidates: vec![],
            op: Op::NewPerson { name, role, unit, phone },
        })
    }

    fn plan_product(&mut self, tx: &Transaction<'_>, row: u32, cells: &[Raw]) -> Result<RowPlan> {
        let mut problems = vec![];
        let input = ProductInput {
            code: self.text(cells, "code").unwrap_or_default(),
            name: self.text(cells, "name").unwrap_or_default(),
            category: self.text(cells, "category"),
            line: self.text(cells, "line"),
            unit: self.text(cells, "unit"),
            case_size: self
                .parsed(cells, "caseSize", |r| self.numbers.integer(r), &mut problems)
                .and_then(|n| u32::try_from(n).ok().or(Some(0))),
            list_price: self.parsed(cells, "listPrice", |r| self.numbers.fen(r), &mut problems),
            retired: None,
        };
        let label = format!("{} {}", input.code, input.name).trim().to_string();
        let checked = match sales::check_product(&input) {
            Ok(p) => Some(p),
            Err(Error::Invalid(more)) => {
                problems.extend(more.into_iter().map(|p| FieldProblem { field: self.header(&p.field), ..p }));
                None
            }
            Err(other) => return Err(other),
        };
        let (Some(p), true) = (checked, problems.is_empty()) else {
            return Ok(Self::refused(row, label, problems));
        };
        if let Some(problem) = self.repeat(format!("product/{}", p.code), row, "code", "product code") {
            return Ok(Self::refused(row, label, vec![problem]));
        }
        let stored: Option<StoredProduct> = tx
            .prepare_cached("SELECT name, category, line, unit, case_size, list_price FROM product WHERE id = ?1")?
            .query_row([sales::product_id(&p.code)], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
            })
            .optional()?;
        let action = match stored {
            None => RowAction::Create,
            Some(s)
                if s == (
                    p.name.clone(),
                    p.category.clone(),
                    p.line.clone(),
                    p.unit.clone().unwrap_or_default(),
                    p.case_size,
                    p.list_price,
                ) =>
            {
                RowAction::Unchanged
            }
            Some(_) => RowAction::Update,
        };
        Ok(RowPlan { row, action, label, problems: vec![], candidates: vec![], op: Op::Product(p) })
    }

    /// A row of a document (a sales line, an invoice, a payment): what it is
    /// called in the report (its number and customer), and the card it names.
    fn document_row(
        &self,
        cells: &[Raw],
        number: Option<&str>,
        problems: &mut Vec<FieldProblem>,
    ) -> (String, Option<CustomerId>) {
        let code = self.text(cells, "customerCode");
        let name = self.text(cells, "customerName");
        let label =
            format!("{} {}", number.unwrap_or_default(), code.as_deref().or(name.as_deref()).unwrap_or_default())
                .trim()
                .to_string();
        (label, self.customer_named(code.as_deref(), name.as_deref(), problems))
    }

    /// The card a row names by its customer code, else by its exact name.
    fn customer_named(
        &self,
        code: Option<&str>,
        name: Option<&str>,
        problems: &mut Vec<FieldProblem>,
    ) -> Option<CustomerId> {
        match (code, name) {
            (Some(code), _) => match self.known.by_code.get(&lookup_key(code)) {
                Some(&i) => Some(self.known.cards[i].id),
                None => {
                    problems.push(self.problem(
                        "customerCode",
                        ProblemCode::UnknownCustomer,
                        format!("no card has the customer code {code}; import the customers (with their codes) first, or fix the code"),
                    ));
                    None
                }
            },
            (None, Some(name)) => match self.known.by_name.get(&format!("={name}")).map(Vec::as_slice) {
                Some([i]) => Some(self.known.cards[*i].id),
                Some(_) => {
                    problems.push(self.problem(
                        "customerName",
                        ProblemCode::AmbiguousCustomer,
                        format!("more than one card is named {name}; give the customer code instead"),
                    ));
                    None
                }
                None => {
                    problems.push(self.problem(
                        "customerName",
                        ProblemCode::UnknownCustomer,
                        format!("no card is named {name}; import the customer first, or fix the name"),
                    ));
                    None
                }
            },
            (None, None) => {
                self.required(
                    if self.columns.contains_key("customerCode") { "customerCode" } else { "customerName" },
                    problems,
                );
                None
            }
        }
    }

    /// A day cell: empty is `required`, a day after today is refused.
    fn day_cell(&self, cells: &[Raw], key: &str, problems: &mut Vec<FieldProblem>) -> Option<NaiveDate> {
        let day = self.parsed(cells, key, value::date, problems);
        if day.is_none() && self.raw(cells, key).is_empty() {
            self.required(key, problems);
        }
        if day.is_some_and(|d| d > self.ctx.today) {
            problems.push(self.problem(key, ProblemCode::InFuture, "lies in the future; check the date"));
        }
        day
    }

    /// The problems of a receivables check, named by the file's columns.
    fn columns_of(&self, problems: Vec<FieldProblem>) -> impl Iterator<Item = FieldProblem> + '_ {
        problems.into_iter().map(|p| {
            let key = if p.field.starts_with("invoices") { "invoiceNumber".to_string() } else { p.field.clone() };
            FieldProblem { field: self.header(&key), ..p }
        })
    }

    fn plan_invoice(&mut self, tx: &Transaction<'_>, row: u32, cells: &[Raw]) -> Result<RowPlan> {
        let mut problems = vec![];
        let number = self.text(cells, "number");
        let (label, customer) = self.document_row(cells, number.as_deref(), &mut problems);
        if number.is_none() {
            self.required("number", &mut problems);
        }
        let issued = self.day_cell(cells, "issuedOn", &mut problems);
        let due = self.parsed(cells, "dueOn", value::date, &mut problems);
        let amount = self.parsed(cells, "amount", |r| self.numbers.fen(r), &mut problems);
        if amount.is_none() && self.raw(cells, "amount").is_empty() {
            self.required("amount", &mut problems);
        }
        let (Some(customer), Some(number), Some(issued), Some(amount), true) =
            (customer, number, issued, amount, problems.is_empty())
        else {
            return Ok(Self::refused(row, label, problems));
        };
        if let Some(p) = self.repeat(format!("invoice/{}", number.trim()), row, "number", "invoice number") {
            return Ok(Self::refused(row, label, vec![p]));
        }
        let input = InvoiceInput {
            customer_id: customer,
            number,
            issued_on: issued.to_string(),
            due_on: due.map(|d| d.to_string()),
            amount,
        };
        let invoice = match receivables::check_invoice(tx, &input)? {
            Ok(invoice) => invoice,
            Err(found) => return Ok(Self::refused(row, label, self.columns_of(found).collect())),
        };
        let action = match &invoice.stored {
            None => RowAction::Create,
            Some(s) if *s == (invoice.issued_on.to_string(), invoice.due_on.to_string(), invoice.amount) => {
                RowAction::Unchanged
            }
            Some(_) => RowAction::Update,
        };
        Ok(RowPlan { row, action, label, problems: vec![], candidates: vec![], op: Op::Invoice(invoice) })
    }

    fn plan_payment(&mut self, tx: &Transaction<'_>, row: u32, cells: &[Raw]) -> Result<RowPlan> {
        let mut problems = vec![];
        let number = self.text(cells, "number");
        let (label, customer) = self.document_row(cells, number.as_deref(), &mut problems);
        if number.is_none() {
            self.required("number", &mut problems);
        }
        let paid = self.day_cell(cells, "paidOn", &mut problems);
        let amount = self.parsed(cells, "amount", |r| self.numbers.fen(r), &mut problems);
        if amount.is_none() && self.raw(cells, "amount").is_empty() {
            self.required("amount", &mut problems);
        }
        let kind = match self.text(cells, "kind") {
            None => Some(PaymentKind::Cash),
            Some(t) => choice_of(&t, PAYMENT_KINDS).or_else(|| {
                problems.push(self.problem(
                    "kind",
                    ProblemCode::UnknownChoice,
                    format!("'{t}' is not a kind of payment; write 现金 or 费用"),
                ));
                None
            }),
        };
        let (Some(customer), Some(number), Some(paid), Some(amount), Some(kind), true) =
            (customer, number, paid, amount, kind, problems.is_empty())
        else {
            return Ok(Self::refused(row, label, problems));
        };
        if let Some(p) = self.repeat(format!("payment/{}", number.trim()), row, "number", "payment number") {
            return Ok(Self::refused(row, label, vec![p]));
        }
        // The invoice the file says it pays takes all of it that is open; the
        // rest goes to the oldest open invoices when a statement is drawn.
        let invoices = self
            .text(cells, "invoiceNumber")
            .map(|invoice_number| vec![PaymentMatch { invoice_number, amount }])
            .unwrap_or_default();
        let input = PaymentInput { customer_id: customer, number, paid_on: paid.to_string(), amount, kind, invoices };
        let payment = match receivables::check_payment(tx, &input)? {
            Ok(payment) => payment,
            Err(found) => return Ok(Self::refused(row, label, self.columns_of(found).collect())),
        };
        let action = match &payment.stored {
            None => RowAction::Create,
            Some(s) if *s == (payment.paid_on.to_string(), payment.amount, payment.kind.as_str().to_string()) => {
                RowAction::Unchanged
            }
            Some(_) => RowAction::Update,
        };
        Ok(RowPlan { row, action, label, problems: vec![], candidates: vec![], op: Op::Payment(payment) })
    }

    fn plan_sale(&mut self, tx: &Transaction<'_>, row: u32, cells: &[Raw]) -> Result<RowPlan> {
        let mut problems = vec![];
        let document = self.text(cells, "document");
        let (label, customer) = self.document_row(cells, document.as_deref(), &mut problems);
        let product_code = self.text(cells, "productCode");
        let product = match &product_code {
            None => {
                self.required("productCode", &mut problems);
                None
            }
            Some(c) => {
                let id = sales::product_id(c);
                if self.products.contains(&id) {
                    Some(id)
                } else {
                    problems.push(self.problem(
                        "productCode",
                        ProblemCode::UnknownProduct,
                        format!("no product has the code {c}; import the product list first, or fix the code"),
                    ));
                    None
                }
            }
        };
        let sold_on = self.parsed(cells, "date", value::date, &mut problems);
        if sold_on.is_none() && self.raw(cells, "date").is_empty() {
            self.required("date", &mut problems);
        }
        if sold_on.is_some_and(|d| d > self.ctx.today) {
            problems.push(self.problem("date", ProblemCode::InFuture, "lies in the future; check the date"));
        }
        let quantity = self.parsed(cells, "quantity", |r| self.numbers.number(r), &mut problems);
        if quantity.is_none() && self.raw(cells, "quantity").is_empty() {
            self.required("quantity", &mut problems);
        }
        if quantity.is_some_and(|q| q.abs() > sales::MAX_QUANTITY) {
            problems.push(self.problem("quantity", ProblemCode::OutOfRange, "a quantity lies within ±1 billion"));
        }
        let amount = self.parsed(cells, "amount", |r| self.numbers.fen(r), &mut problems);
        if amount.is_none() && self.raw(cells, "amount").is_empty() {
            self.required("amount", &mut problems);
        }
        let kind = match self.text(cells, "kind") {
            None => Some(SalesKind::Shipment),
            Some(t) => choice_of(&t, KINDS).or_else(|| {
                problems.push(self.problem(
                    "kind",
                    ProblemCode::UnknownChoice,
                    format!("'{t}' is not a kind; write 发货, 开票 or 退货"),
                ));
                None
            }),
        };
        if document.as_ref().is_some_and(|d| d.chars().count() > 60) {
            problems.push(self.problem("document", ProblemCode::TooLong, "at most 60 characters fit"));
        }
        let (Some(customer), Some(product), Some(sold_on), Some(quantity), Some(amount), Some(kind), true) =
            (customer, product, sold_on, quantity, amount, kind, problems.is_empty())
        else {
            return Ok(Self::refused(row, label, problems));
        };
        let line = match (self.text(cells, "line"), &document) {
            (Some(line), _) => Some(line),
            (None, Some(doc)) => {
                let n = self.occurrences.entry((doc.clone(), product_code.clone().unwrap_or_default())).or_insert(0);
                *n += 1;
                Some(format!("{}#{}", product_code.as_deref().unwrap_or_default(), n))
            }
            (None, None) => None,
        };
        let input = SalesLineInput {
            customer_id: customer,
            product_id: product,
            sold_on,
            quantity,
            amount,
            kind,
            document,
            line,
        };
        let id = sales::line_id(&input);
        if input.document.is_some() {
            if let Some(p) = self.repeat(format!("line/{id}"), row, "document", "document line") {
                return Ok(Self::refused(row, label, vec![p]));
            }
        }
        let stored: Option<(String, String, String, f64, i64, String)> = if input.document.is_some() {
            tx.prepare_cached(
                "SELECT customer_id, product_id, sold_on, quantity, amount, kind FROM sales_line WHERE id = ?1",
            )?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))
            .optional()?
        } else {
            None
        };
        let action = match stored {
            None => RowAction::Create,
            Some(s)
                if s == (
                    input.customer_id.to_string(),
                    input.product_id.to_string(),
                    input.sold_on.format("%Y-%m-%d").to_string(),
                    input.quantity,
                    input.amount,
                    input.kind.as_str().to_string(),
                ) =>
            {
                RowAction::Unchanged
            }
            Some(_) => RowAction::Update,
        };
        Ok(RowPlan { row, action, label, problems: vec![], candidates: vec![], op: Op::Sale(input) })
    }

    /// Writes a planned row (create or update).
    pub fn write(&mut self, tx: &Transaction<'_>, plan: &RowPlan) -> Result<()> {
        let actor = self.ctx.actor;
        if let Op::NewCard { id, card, grades } = &plan.op {
            // Checked while planning, in this transaction; written with the next batch.
            write::stage_checked(tx, &mut self.staged, *id, card, actor).map_err(|e| self.card_error(e))?;
            self.graded.extend(grades.iter().map(|(scale, code)| (*id, *scale, code.clone())));
            if self.staged.len() >= STAGE_ROWS {
                self.staged.flush(tx)?;
            }
            return Ok(());
        }
        // Rows are written in file order.
        self.staged.flush(tx)?;
        match &plan.op {
            Op::Nothing | Op::NewCard { .. } => {}
            Op::EditCard { id, changes, grades } => {
                if !changes.is_empty() {
                    let (changed, _) = write::patch_unindexed(tx, CUSTOMER_ENTITY, &id.to_string(), changes, actor)
                        .map_err(|e| self.card_error(e))?;
                    self.written.extend(changed.map(|c| c.to_string()));
                }
                for (scale, code) in grades {
                    self.set_grade(tx, *id, *scale, code)?;
                }
            }
            Op::NewPerson { name, role, unit, phone } => {
                let id = crate::org::add_staff(tx, StaffId::new(), name, *role, *unit, phone.as_deref(), actor.at)?;
                self.staff_by_name.entry(lookup_key(name)).or_default().push((id, unit.to_string()));
            }
            Op::EditPerson { id, phone } => {
                tx.prepare_cached("UPDATE staff SET phone = ?2, updated_at = ?3 WHERE id = ?1 AND phone IS NOT ?2")?
                    .execute(params![id, phone, crate::clock::timestamp(actor.at)])?;
            }
            Op::Product(p) => {
                sales::save_product(tx, p, actor.at)?;
            }
            Op::Sale(line) => {
                sales::save_line(tx, line, actor.at)?;
            }
            Op::Invoice(invoice) => receivables::write_invoice(tx, invoice, actor.at)?,
            Op::Payment(payment) => receivables::write_payment(tx, payment, actor.at)?,
        }
        Ok(())
    }

    /// After the last row: the search index learns every card written, in
    /// one pass (a pass per card would cost a full-text segment each): the
    /// new cards from `created`, their documents built beforehand, and the
    /// changed cards from the book.
    pub fn finish(&mut self, tx: &Transaction<'_>, created: Vec<crate::search::NewDocument>) -> Result<()> {
        self.staged.flush(tx)?;
        crate::search::index_new(tx, created)?;
        for (id, scale, code) in std::mem::take(&mut self.graded) {
            self.set_grade(tx, id, scale, &code)?;
        }
        crate::search::refresh_many(tx, &std::mem::take(&mut self.written))
    }

    /// Sets a card's grade as a manager sets it by hand, with its history.
    fn set_grade(&mut self, tx: &Transaction<'_>, id: CustomerId, scale: GradeScale, code: &str) -> Result<()> {
        let change = GradeChange { customer_id: id, scale, grade: Some(code.to_string()), reason: None };
        if crate::grades::set(tx, &change, true, self.ctx.actor)? {
            self.written.push(id.to_string());
        }
        Ok(())
    }

    fn card_error(&self, e: Error) -> Error {
        match e {
            Error::Invalid(problems) => Error::Invalid(problems.into_iter().map(|p| self.card_problem(p)).collect()),
            other => other,
        }
    }
}

/// A row's business address from its 省份, 城市, 区县 and 地址 cells
/// (`parts`, in that order): their texts as written, and the division codes
/// they name ([`divisions::resolve`] for the three columns; else
/// [`divisions::split`] of the address, whose street rest becomes the
/// detail). An address whose start repeats the columns' divisions keeps only
/// its rest. Text that names no division stays as written, without codes:
/// never a reason to refuse the row.
fn address_fields(parts: &[Option<String>]) -> Fields {
    let [province, city, district, street] = [0, 1, 2, 3].map(|i| parts.get(i).cloned().flatten());
    let mut f = Fields::new();
    f.insert("kind".into(), Json::from("business"));
    for (key, text) in [("province", &province), ("city", &city), ("district", &district)] {
        if let Some(text) = text {
            f.insert(key.into(), Json::from(text.as_str()));
        }
    }
    let columns = divisions::resolve(province.as_deref(), city.as_deref(), district.as_deref());
    let mut place = columns;
    let detail = match &street {
        Some(street) => {
            let split = divisions::split(street);
            if split.place.is_empty() || !split.place.agrees_with(&columns) {
                street.clone()
            } else {
                // The address may say more than the columns (they agree level
                // by level), down to a column written but naming nothing: its
                // text stays, so no code may replace it.
                let texts = [&province, &city, &district];
                for level in Level::ALL {
                    if texts[level.index()].is_some() && columns.at(level).is_none() {
                        break;
                    }
                    if let Some(division) = split.place.at(level).filter(|_| place.at(level).is_none()) {
                        place = divisions::Place::of(division);
                    }
                }
                if split.rest.is_empty() {
                    street.clone()
                } else {
                    split.rest.to_string()
                }
            }
        }
        None => parts.iter().take(3).flatten().cloned().collect::<String>(),
    };
    f.insert("detail".into(), Json::from(detail));
    for (level, key) in
        [(Level::Province, "provinceCode"), (Level::City, "cityCode"), (Level::District, "districtCode")]
    {
        if let Some(division) = place.at(level) {
            f.insert(key.into(), Json::from(division.code));
        }
    }
    f
}
