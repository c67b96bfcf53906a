//! The field registry: every editable field of the card and of its child
//! records, with its column, block, kind and limits. Forms, edits, validation,
//! history and the CLI's `--set key=value` all go through it, so a field added
//! here is editable everywhere.
//!
//! To add a card field: add the column in a new migration, add a [`FieldDef`]
//! below, add its labels to the UI's locale files. Nothing else.

use crate::error::ProblemCode;
use chrono::NaiveDate;
use rusqlite::types::Value as SqlValue;
use serde::Serialize;
use serde_json::Value as Json;
use ts_rs::TS;

use crate::divisions::{self, Level};
use crate::error::FieldProblem;
use crate::model::{Block, ChannelLevel, CreditStanding, DataSource, KeyPersonRole, Lifecycle};

/// What a field holds and how it is checked.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// One line of text, at most this many characters.
    Text(usize),
    /// Free prose, at most this many characters.
    LongText(usize),
    /// A phone number: any text, with a warning if it does not look like a
    /// Chinese mobile or landline number.
    Phone,
    Integer {
        min: i64,
        max: i64,
    },
    Real {
        min: f64,
        max: f64,
    },
    /// A date that cannot lie in the future (founding date, incident date …).
    PastDate,
    Choice(&'static [&'static str]),
    Bool,
    Tags,
    /// A reference to a record of another table; checked by the write path.
    Ref(RefTable),
    /// A code of a built-in code list; checked against the list by the write path.
    Code(&'static str),
    /// Codes of the lists head office added: `{"list": "code"}`.
    Codes,
    /// A code of an administrative division of this level (`crate::divisions`);
    /// the write path checks that an address's codes nest.
    Division(Level),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RefTable {
    Staff,
    OrgUnit,
    Customer,
}

#[derive(Debug, Clone, Copy)]
pub struct FieldDef {
    /// The key in forms, edits, history and JSON (camelCase).
    pub key: &'static str,
    pub column: &'static str,
    pub block: Option<Block>,
    pub kind: Kind,
    pub required: bool,
}

const fn f(key: &'static str, column: &'static str, block: Option<Block>, kind: Kind, required: bool) -> FieldDef {
    FieldDef { key, column, block, kind, required }
}

const B: Option<Block> = Some(Block::Basic);
const C: Option<Block> = Some(Block::Characteristics);
const U: Option<Block> = Some(Block::Business);
const T: Option<Block> = Some(Block::Trading);
const MONEY: Kind = Kind::Integer { min: 0, max: 1_000_000_000_000 };
const PROSE: Kind = Kind::LongText(2000);

pub const ORG_FORMS: &[&str] = &[
    "state_owned",
    "collective",
    "private",
    "joint_stock",
    "joint_venture",
    "individual_business",
    "partnership",
    "limited_company",
    "other",
];
pub const POTENTIALS: &[&str] = &["high", "medium", "low"];
pub const ATTITUDES: &[&str] = &["positive", "neutral", "reluctant"];
pub const GENDERS: &[&str] = &["male", "female"];
pub const EDUCATION: &[&str] =
    &["primary", "junior_high", "senior_high", "vocational", "college", "bachelor", "master", "doctorate"];
pub const ADDRESS_KINDS: &[&str] = &["business", "registered", "warehouse", "delivery"];
pub const INCIDENT_KINDS: &[&str] = &["late_payment", "bad_debt", "bounced_payment", "dispute", "other"];

/// The archive card's own fields, block by block.
pub const CUSTOMER: &[FieldDef] = &[
    f("name", "name", B, Kind::Text(100), true),
    f("shortName", "short_name", B, Kind::Text(40), false),
    f("code", "code", B, Kind::Text(40), false),
    f("phone", "phone", B, Kind::Phone, false),
    f("channelLevel", "channel_level", B, Kind::Choice(ChannelLevel::KEYS), true),
    f("lifecycle", "lifecycle", B, Kind::Choice(Lifecycle::KEYS), true),
    f("ownerId", "owner_id", B, Kind::Ref(RefTable::Staff), true),
    f("territoryId", "territory_id", B, Kind::Ref(RefTable::OrgUnit), true),
    f("supplierId", "supplier_id", B, Kind::Ref(RefTable::Customer), false),
    f("foundedOn", "founded_on", B, Kind::PastDate, false),
    f("tradingSince", "trading_since", B, Kind::PastDate, false),
    f("orgForm", "org_form", B, Kind::Code("ownership"), false),
    f("channelType", "channel_type", B, Kind::Code("channel_type"), false),
    f("locationType", "location_type", B, Kind::Code("location_type"), false),
    f("industry", "industry", B, Kind::Code("industry"), false),
    f("customCodes", "custom_codes", B, Kind::Codes, false),
    f("registeredCapital", "registered_capital", B, MONEY, false),
    f("totalAssets", "total_assets", B, MONEY, false),
    f("serviceArea", "service_area", C, Kind::Text(200), false),
    f("salesCapacity", "sales_capacity", C, Kind::Text(200), false),
    f("developmentPotential", "development_potential", C, Kind::Choice(POTENTIALS), false),
    f("businessPhilosophy", "business_philosophy", C, PROSE, false),
    f("businessPolicies", "business_policies", C, PROSE, false),
    f("employees", "employees", C, Kind::Integer { min: 0, max: 10_000_000 }, false),
    f("annualRevenue", "annual_revenue", C, MONEY, false),
    f("managementStyle", "management_style", C, PROSE, false),
    f("annualSalesWithUs", "annual_sales_with_us", U, MONEY, false),
    f("salesPerformance", "sales_performance", U, PROSE, false),
    f("managementQuality", "management_quality", U, PROSE, false),
    f("salesforceQuality", "salesforce_quality", U, PROSE, false),
    f("competitorRelations", "competitor_relations", U, PROSE, false),
    f("relationshipWithUs", "relationship_with_us", U, PROSE, false),
    f("cooperationAttitude", "cooperation_attitude", U, Kind::Choice(ATTITUDES), false),
    f("salesActivity", "sales_activity", T, PROSE, false),
    f("problems", "problems", T, PROSE, false),
    f("strengths", "strengths", T, PROSE, false),
    f("futurePlans", "future_plans", T, PROSE, false),
    f("reputation", "reputation", T, PROSE, false),
    f("creditStanding", "credit_standing", T, Kind::Choice(CreditStanding::KEYS), true),
    f("tradingTerms", "trading_terms", T, PROSE, false),
    f("basicSource", "basic_source", B, Kind::Choice(DataSource::KEYS), true),
    f("characteristicsSource", "characteristics_source", C, Kind::Choice(DataSource::KEYS), true),
    f("businessSource", "business_source", U, Kind::Choice(DataSource::KEYS), true),
    f("tradingSource", "trading_source", T, Kind::Choice(DataSource::KEYS), true),
    f("basicVerified", "basic_verified", B, Kind::Bool, true),
    f("characteristicsVerified", "characteristics_verified", C, Kind::Bool, true),
    f("businessVerified", "business_verified", U, Kind::Bool, true),
    f("tradingVerified", "trading_verified", T, Kind::Bool, true),
    f("notes", "notes", None, Kind::LongText(4000), false),
    f("tags", "tags", None, Kind::Tags, false),
];

pub const KEY_PERSON: &[FieldDef] = &[
    f("role", "role", None, Kind::Choice(KeyPersonRole::KEYS), true),
    f("name", "name", None, Kind::Text(50), true),
    f("title", "title", None, Kind::Text(50), false),
    f("phone", "phone", None, Kind::Phone, false),
    f("gender", "gender", None, Kind::Choice(GENDERS), false),
    f("birthYear", "birth_year", None, Kind::Integer { min: 1900, max: 2200 }, false),
    f("education", "education", None, Kind::Choice(EDUCATION), false),
    f("personality", "personality", None, Kind::LongText(500), false),
    f("hobbies", "hobbies", None, Kind::LongText(500), false),
    f("family", "family", None, Kind::LongText(500), false),
    f("abilities", "abilities", None, Kind::LongText(500), false),
    f("notes", "notes", None, Kind::LongText(2000), false),
];

pub const ADDRESS: &[FieldDef] = &[
    f("kind", "kind", None, Kind::Choice(ADDRESS_KINDS), true),
    f("province", "province", None, Kind::Text(20), false),
    f("city", "city", None, Kind::Text(30), false),
    f("district", "district", None, Kind::Text(30), false),
    f("detail", "detail", None, Kind::Text(200), true),
    f("latitude", "latitude", None, Kind::Real { min: -90.0, max: 90.0 }, false),
    f("longitude", "longitude", None, Kind::Real { min: -180.0, max: 180.0 }, false),
    // The divisions of province, city and district: when set, the texts above
    // are their names (`card::address`).
    f("provinceCode", "province_code", None, Kind::Division(Level::Province), false),
    f("cityCode", "city_code", None, Kind::Division(Level::City), false),
    f("districtCode", "district_code", None, Kind::Division(Level::District), false),
];

pub const CREDIT_INCIDENT: &[FieldDef] = &[
    f("occurredOn", "occurred_on", Some(Block::Trading), Kind::PastDate, true),
    f("kind", "kind", Some(Block::Trading), Kind::Choice(INCIDENT_KINDS), true),
    f("amount", "amount", Some(Block::Trading), MONEY, false),
    f("description", "description", Some(Block::Trading), Kind::LongText(1000), false),
    f("resolved", "resolved", Some(Block::Trading), Kind::Bool, true),
];

/// A table whose rows are edited field by field through the registry.
#[derive(Debug, Clone, Copy)]
pub struct Entity {
    /// Name in the change history (`customer`, `key_person` …).
    pub name: &'static str,
    pub table: &'static str,
    pub fields: &'static [FieldDef],
}

pub const CUSTOMER_ENTITY: Entity = Entity { name: "customer", table: "customer", fields: CUSTOMER };
pub const KEY_PERSON_ENTITY: Entity = Entity { name: "key_person", table: "key_person", fields: KEY_PERSON };
pub const ADDRESS_ENTITY: Entity = Entity { name: "address", table: "customer_address", fields: ADDRESS };
pub const CREDIT_INCIDENT_ENTITY: Entity =
    Entity { name: "credit_incident", table: "credit_incident", fields: CREDIT_INCIDENT };

impl PartialEq for Entity {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for Entity {}

impl Entity {
    /// The entity whose rows live in `table` (None: not edited through the registry).
    pub fn of_table(table: &str) -> Option<Entity> {
        [CUSTOMER_ENTITY, KEY_PERSON_ENTITY, ADDRESS_ENTITY, CREDIT_INCIDENT_ENTITY]
            .into_iter()
            .find(|e| e.table == table)
    }

    pub fn field(&self, key: &str) -> Option<&'static FieldDef> {
        self.fields.iter().find(|f| f.key == key)
    }

    /// The field stored in `column`.
    pub fn field_of_column(&self, column: &str) -> Option<&'static FieldDef> {
        self.fields.iter().find(|f| f.column == column)
    }
}

/// A field's description for forms (generated TypeScript type `FieldSpec`).
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FieldSpec {
    pub key: String,
    pub block: Option<Block>,
    /// `text`, `longText`, `phone`, `integer`, `real`, `date`, `choice`, `bool`, `tags`, `ref`, `code`, `codes`, `division`.
    pub kind: String,
    pub required: bool,
    pub max_len: Option<u32>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub options: Vec<String>,
    pub ref_table: Option<RefTable>,
    /// For `code`: the code list the value comes from.
    pub code_list: Option<String>,
    /// For `division`: the level of its code (the `divisions` command lists them).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub division_level: Option<Level>,
}

impl From<&FieldDef> for FieldSpec {
    fn from(def: &FieldDef) -> Self {
        let mut spec = FieldSpec {
            key: def.key.to_string(),
            block: def.block,
            kind: String::new(),
            required: def.required,
            max_len: None,
            min: None,
            max: None,
            options: vec![],
            ref_table: None,
            code_list: None,
            division_level: None,
        };
        spec.kind = match def.kind {
            Kind::Text(n) => {
                spec.max_len = Some(n as u32);
                "text"
            }
            Kind::LongText(n) => {
                spec.max_len = Some(n as u32);
                "longText"
            }
            Kind::Phone => {
                spec.max_len = Some(PHONE_MAX as u32);
                "phone"
            }
            Kind::Integer { min, max } => {
                spec.min = Some(min as f64);
                spec.max = Some(max as f64);
                "integer"
            }
            Kind::Real { min, max } => {
                spec.min = Some(min);
                spec.max = Some(max);
                "real"
            }
            Kind::PastDate => "date",
            Kind::Choice(options) => {
                spec.options = options.iter().map(|o| o.to_string()).collect();
                "choice"
            }
            Kind::Bool => "bool",
            Kind::Tags => "tags",
            Kind::Ref(table) => {
                spec.ref_table = Some(table);
                "ref"
            }
            Kind::Code(list) => {
                spec.code_list = Some(list.to_string());
                "code"
            }
            Kind::Codes => "codes",
            Kind::Division(level) => {
                spec.division_level = Some(level);
                "division"
            }
        }
        .to_string();
        spec
    }
}

const PHONE_MAX: usize = 40;
const MAX_TAGS: usize = 20;
const TAG_MAX: usize = 20;

/// A field value checked and converted for storage.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    pub sql: SqlValue,
    /// The canonical JSON form, as reads return it and history records it.
    pub json: Json,
    pub warnings: Vec<FieldProblem>,
}

/// The limits a text field keeps whatever the text came from (a form, an
/// import, a changeset file): its length, and no invisible control
/// characters in prose and names. `None` when `text` keeps them, or when the
/// field is not text.
pub fn text_problem(def: &FieldDef, text: &str) -> Option<FieldProblem> {
    let problem = |code: ProblemCode, message: String| Some(FieldProblem::new(def.key, code, message));
    match def.kind {
        Kind::Text(max) | Kind::LongText(max) => {
            let len = text.chars().count();
            if len > max {
                return problem(ProblemCode::TooLong, format!("is {len} characters long; at most {max} fit"));
            }
            if text.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
                return problem(ProblemCode::ControlChars, "contains invisible control characters; retype it".into());
            }
            None
        }
        Kind::Phone if text.chars().count() > PHONE_MAX => {
            problem(ProblemCode::TooLong, format!("at most {PHONE_MAX} characters fit"))
        }
        _ => None,
    }
}

/// The limits a value as the book stores it must keep, whoever sent it (a
/// changeset carries stored values, not what a form typed): text length and
/// characters, number ranges, the options of a choice, the shape of a code
/// and a date, a yes/no, tags and code sets (stored as JSON text) — the same
/// checks as [`check`]. A date is not held to the receiver's today (the
/// sender's clock decided it); references and whether a code is in its list
/// are left to the writers and the merge's authority (they depend on the book). `None` when the value keeps them; a
/// NULL is left to the column's own constraint.
pub fn stored_problem(def: &FieldDef, value: &Json) -> Option<FieldProblem> {
    match (def.kind, value) {
        (_, Json::Null) => None,
        (Kind::Text(_) | Kind::LongText(_) | Kind::Phone, Json::String(text)) => text_problem(def, text),
        (Kind::Tags | Kind::Codes, Json::String(text)) => match serde_json::from_str::<Json>(text) {
            Ok(parsed @ (Json::Array(_) | Json::Object(_))) => check(def, &parsed, NaiveDate::MAX).err(),
            _ => {
                let code = if matches!(def.kind, Kind::Tags) { ProblemCode::NotTags } else { ProblemCode::NotCodes };
                Some(FieldProblem::new(def.key, code, "is not stored as the book stores it"))
            }
        },
        (
            Kind::Integer { .. }
            | Kind::Real { .. }
            | Kind::Choice(_)
            | Kind::Bool
            | Kind::Code(_)
            | Kind::PastDate
            | Kind::Tags
            | Kind::Codes
            | Kind::Division(_),
            _,
        ) => check(def, value, NaiveDate::MAX).err(),
        _ => None,
    }
}

/// Checks `value` against the field and converts it. `today` bounds past-only
/// dates. Empty text becomes null; a null in a required field is a problem.
pub fn check(def: &FieldDef, value: &Json, today: NaiveDate) -> Result<Checked, FieldProblem> {
    let problem = |code: ProblemCode, message: String| FieldProblem::new(def.key, code, message);
    let value = match value {
        Json::String(s) if s.trim().is_empty() && !matches!(def.kind, Kind::Tags) => &Json::Null,
        other => other,
    };
    if value.is_null() {
        if matches!(def.kind, Kind::Tags) {
            return Ok(Checked { sql: SqlValue::Text("[]".into()), json: Json::Array(vec![]), warnings: vec![] });
        }
        if matches!(def.kind, Kind::Codes) {
            return Ok(Checked {
                sql: SqlValue::Text("{}".into()),
                json: Json::Object(Default::default()),
                warnings: vec![],
            });
        }
        if def.required {
            return Err(problem(ProblemCode::Required, "is required".into()));
        }
        return Ok(Checked { sql: SqlValue::Null, json: Json::Null, warnings: vec![] });
    }
    let mut warnings = vec![];
    let (sql, json) = match def.kind {
        Kind::Text(_) | Kind::LongText(_) => {
            let text = as_text(value).ok_or_else(|| problem(ProblemCode::NotText, "must be text".into()))?;
            let text =
                if matches!(def.kind, Kind::Text(_)) { text.trim().to_string() } else { text.trim_end().to_string() };
            if let Some(refused) = text_problem(def, &text) {
                return Err(refused);
            }
            (SqlValue::Text(text.clone()), Json::String(text))
        }
        Kind::Phone => {
            let text = crate::text::normal_phone(
                as_text(value).ok_or_else(|| problem(ProblemCode::NotText, "must be text".into()))?,
            );
            if let Some(refused) = text_problem(def, &text) {
                return Err(refused);
            }
            if !looks_like_phone(&text) {
                warnings.push(problem(
                    ProblemCode::PhoneFormat,
                    format!(
                        "'{text}' does not look like a Chinese mobile (11 digits) or landline number; saved anyway"
                    ),
                ));
            }
            (SqlValue::Text(text.clone()), Json::String(text))
        }
        Kind::Integer { min, max } => {
            let n =
                as_integer(value).ok_or_else(|| problem(ProblemCode::NotInteger, "must be a whole number".into()))?;
            if n < min || n > max {
                return Err(problem(ProblemCode::OutOfRange, format!("must be between {min} and {max}")));
            }
            (SqlValue::Integer(n), Json::from(n))
        }
        Kind::Real { min, max } => {
            let x = as_real(value).ok_or_else(|| problem(ProblemCode::NotNumber, "must be a number".into()))?;
            if !x.is_finite() || x < min || x > max {
                return Err(problem(ProblemCode::OutOfRange, format!("must be between {min} and {max}")));
            }
            (SqlValue::Real(x), Json::from(x))
        }
        Kind::PastDate => {
            let text =
                as_text(value).ok_or_else(|| problem(ProblemCode::NotDate, "must be a date (YYYY-MM-DD)".into()))?;
            let date = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
                problem(ProblemCode::NotDate, format!("'{text}' is not a date; write it as YYYY-MM-DD"))
            })?;
            if date > today {
                return Err(problem(ProblemCode::FutureDate, format!("{date} lies in the future; this date cannot")));
            }
            if date < NaiveDate::from_ymd_opt(1800, 1, 1).unwrap_or(date) {
                return Err(problem(ProblemCode::OutOfRange, format!("{date} is too far in the past")));
            }
            let text = date.format("%Y-%m-%d").to_string();
            (SqlValue::Text(text.clone()), Json::String(text))
        }
        Kind::Choice(options) => {
            let text = as_text(value)
                .ok_or_else(|| problem(ProblemCode::NotChoice, "must be one of the listed options".into()))?;
            let text = text.trim();
            if !options.contains(&text) {
                return Err(problem(ProblemCode::NotChoice, format!("'{text}' is not one of: {}", options.join(", "))));
            }
            (SqlValue::Text(text.to_string()), Json::String(text.to_string()))
        }
        Kind::Bool => {
            let b = match value {
                Json::Bool(b) => *b,
                Json::String(s) if matches!(s.trim(), "true" | "yes" | "1") => true,
                Json::String(s) if matches!(s.trim(), "false" | "no" | "0") => false,
                Json::Number(n) if n.as_i64() == Some(1) => true,
                Json::Number(n) if n.as_i64() == Some(0) => false,
                _ => return Err(problem(ProblemCode::NotBool, "must be true or false".into())),
            };
            (SqlValue::Integer(i64::from(b)), Json::Bool(b))
        }
        Kind::Tags => {
            let raw: Vec<String> = match value {
                Json::Array(items) => items
                    .iter()
                    .map(|v| as_text(v).map(str::to_string))
                    .collect::<Option<_>>()
                    .ok_or_else(|| problem(ProblemCode::NotTags, "tags must be text".into()))?,
                Json::String(s) => s.split([',', '，', ';', '；']).map(str::to_string).collect(),
                _ => return Err(problem(ProblemCode::NotTags, "tags must be a list of words".into())),
            };
            let mut tags: Vec<String> = vec![];
            for tag in raw.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
                if tag.chars().count() > TAG_MAX {
                    return Err(problem(
                        ProblemCode::TooLong,
                        format!("tag '{tag}' is longer than {TAG_MAX} characters"),
                    ));
                }
                if !tags.iter().any(|t| t == tag) {
                    tags.push(tag.to_string());
                }
            }
            if tags.len() > MAX_TAGS {
                return Err(problem(ProblemCode::TooMany, format!("at most {MAX_TAGS} tags fit on a card")));
            }
            let json = Json::Array(tags.into_iter().map(Json::String).collect());
            (SqlValue::Text(json.to_string()), json)
        }
        Kind::Code(list) => {
            let text = as_text(value)
                .ok_or_else(|| problem(ProblemCode::NotCode, "must be a code of the list".into()))?
                .trim();
            if text.chars().count() > 40 || text.chars().any(char::is_control) {
                return Err(problem(ProblemCode::UnknownCode, format!("'{text}' is not a code of the list '{list}'")));
            }
            (SqlValue::Text(text.to_string()), Json::String(text.to_string()))
        }
        Kind::Codes => {
            let Json::Object(map) = value else {
                return Err(problem(ProblemCode::NotCodes, "must map each list to one of its codes".into()));
            };
            let mut out = serde_json::Map::new();
            for (list, code) in map {
                match code {
                    Json::Null => {}
                    Json::String(c) if c.trim().is_empty() => {}
                    Json::String(c) if c.chars().count() <= 40 && list.chars().count() <= 40 => {
                        out.insert(list.clone(), Json::String(c.trim().to_string()));
                    }
                    _ => return Err(problem(ProblemCode::NotCodes, format!("the value for '{list}' is not a code"))),
                }
            }
            // serde_json's map is ordered by key, so equal sets of codes store equal text.
            let json = Json::Object(out);
            (SqlValue::Text(json.to_string()), json)
        }
        Kind::Division(level) => {
            let unknown = || problem(ProblemCode::UnknownDivision, format!("must be the code of a {}", level.as_str()));
            let code = as_text(value).ok_or_else(unknown)?.trim();
            let division = divisions::get_at(level, code).ok_or_else(unknown)?;
            (SqlValue::Text(division.code.to_string()), Json::String(division.code.to_string()))
        }
        Kind::Ref(_) => {
            let text =
                as_text(value).ok_or_else(|| problem(ProblemCode::NotRef, "must be an id".into()))?.trim().to_string();
            if uuid::Uuid::parse_str(&text).is_err() {
                return Err(problem(ProblemCode::NotRef, format!("'{text}' is not an id")));
            }
            (SqlValue::Text(text.clone()), Json::String(text))
        }
    };
    Ok(Checked { sql, json, warnings })
}

/// Converts a stored value back to its JSON form.
pub fn to_json(def: &FieldDef, value: SqlValue) -> Json {
    match (def.kind, value) {
        (_, SqlValue::Null) => Json::Null,
        (Kind::Bool, SqlValue::Integer(n)) => Json::Bool(n != 0),
        (Kind::Tags, SqlValue::Text(t)) => serde_json::from_str(&t).unwrap_or(Json::Array(vec![])),
        (Kind::Codes, SqlValue::Text(t)) => serde_json::from_str(&t).unwrap_or(Json::Object(Default::default())),
        (_, SqlValue::Integer(n)) => Json::from(n),
        (_, SqlValue::Real(x)) => Json::from(x),
        (_, SqlValue::Text(t)) => Json::String(t),
        (_, SqlValue::Blob(_)) => Json::Null,
    }
}

fn as_text(value: &Json) -> Option<&str> {
    value.as_str()
}

fn as_integer(value: &Json) -> Option<i64> {
    match value {
        Json::Number(n) => n.as_i64().or_else(|| n.as_f64().filter(|x| x.fract() == 0.0).map(|x| x as i64)),
        Json::String(s) => s.trim().replace([',', '，'], "").parse().ok(),
        _ => None,
    }
}

fn as_real(value: &Json) -> Option<f64> {
    match value {
        Json::Number(n) => n.as_f64(),
        Json::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Chinese mobile numbers (1[3-9] + 9 digits, optionally +86) and landlines
/// (area code 0xx(x) + 7–8 digits, optional extension).
pub fn looks_like_phone(text: &str) -> bool {
    let digits: String = text.chars().filter(|c| c.is_ascii_digit()).collect();
    if text.chars().any(|c| !(c.is_ascii_digit() || " -+()转#".contains(c) || c == 'x' || c == 'X')) {
        return false;
    }
    let digits = digits.strip_prefix("86").filter(|_| text.trim_start().starts_with('+')).unwrap_or(&digits);
    let mobile = digits.len() == 11 && digits.starts_with('1') && matches!(digits.as_bytes()[1], b'3'..=b'9');
    let landline = digits.starts_with('0') && (10..=16).contains(&digits.len());
    let local = !digits.starts_with('0') && !digits.starts_with('1') && (7..=8).contains(&digits.len());
    mobile || landline || local
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).expect("date")
    }

    fn def(key: &str) -> &'static FieldDef {
        CUSTOMER_ENTITY.field(key).expect("field exists")
    }

    #[test]
    fn empty_or_overlong_names_are_refused() {
        assert_eq!(check(def("name"), &json!("   "), today()).expect_err("blank").code, "required");
        let long = "华".repeat(101);
        assert_eq!(check(def("name"), &json!(long), today()).expect_err("long").code, "too_long");
        let ok = check(def("name"), &json!("  华星农业  "), today()).expect("fine");
        assert_eq!(ok.json, json!("华星农业"), "names are trimmed");
    }

    #[test]
    fn odd_phone_numbers_warn_but_are_kept() {
        let odd = check(def("phone"), &json!("12345"), today()).expect("kept");
        assert_eq!(odd.warnings.len(), 1, "a warning, not a refusal");
        for good in ["13812345678", "+86 138 1234 5678", "0536-1234567", "0536-12345678转801", "88234567"] {
            assert!(looks_like_phone(good), "{good} is a valid Chinese number");
        }
        for bad in ["12345", "1381234567", "abc", "23812345678"] {
            assert!(!looks_like_phone(bad), "{bad} is not");
        }
    }

    #[test]
    fn impossible_future_dates_are_refused() {
        let err = check(def("foundedOn"), &json!("2027-01-01"), today()).expect_err("future");
        assert_eq!(err.code, "future_date");
        assert!(check(def("foundedOn"), &json!("2026-11-22"), today()).is_ok(), "today is not the future");
        assert_eq!(check(def("foundedOn"), &json!("2026-13-01"), today()).expect_err("bad").code, "not_date");
    }

    #[test]
    fn choices_integers_and_tags_are_normalised() {
        assert_eq!(check(def("lifecycle"), &json!("gone"), today()).expect_err("bad").code, "not_choice");
        assert_eq!(check(def("employees"), &json!("1,200"), today()).map(|c| c.json).expect("n"), json!(1200));
        assert_eq!(check(def("employees"), &json!(-1), today()).expect_err("neg").code, "out_of_range");
        let tags = check(def("tags"), &json!("重点, 新店，重点"), today()).expect("tags");
        assert_eq!(tags.json, json!(["重点", "新店"]), "split on both commas, deduplicated");
    }

    fn check_today(def: &FieldDef, value: &Json) -> Result<Checked, FieldProblem> {
        check(def, value, today())
    }

    proptest! {
        /// Whatever a form or an import sends, checking never panics, and a value
        /// that passes comes back unchanged when checked again (canonical form).
        #[test]
        fn checking_is_total_and_canonical(text in ".{0,300}", n in any::<i64>(), x in any::<f64>()) {
            for def in CUSTOMER.iter().chain(KEY_PERSON).chain(ADDRESS).chain(CREDIT_INCIDENT) {
                for value in [json!(text), json!(n), json!(x), json!([text.clone()]), json!(true)] {
                    if let Ok(first) = check_today(def, &value) {
                        let again = check_today(def, &first.json).expect("canonical value passes again");
                        prop_assert_eq!(&again.json, &first.json, "field {}", def.key);
                        prop_assert_eq!(to_json(def, first.sql.clone()), first.json.clone(), "stored form reads back: {}", def.key);
                    }
                }
            }
        }
    }
}
