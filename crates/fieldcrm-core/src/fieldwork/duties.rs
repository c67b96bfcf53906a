//! Contact and coverage duties (seed 000) and the compliance view: per person
//! and per rule, what was done against what is required in a calendar month,
//! and who or which customers are behind; plus, per rep, the customers nobody
//! has contacted for a number of days.
//!
//! A contact with a customer is a visit or a call by the person; a contact
//! with a colleague is a call between the two, whoever logged it.

use crate::error::ProblemCode;
use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rusqlite::types::Value as SqlValue;
use rusqlite::{params, Connection, Transaction};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::records::SPOT_CHECK;
use super::{month_bounds, month_of, Viewer};
use crate::clock::{timestamp, Zone};
use crate::error::{Error, FieldProblem, Result};
use crate::ids::{CustomerId, OrgUnitId, StaffId};
use crate::model::{ChannelLevel, DutyKind, StaffRole};

/// How many behind customers or colleagues a rule lists (the count says how many there are).
pub const MAX_BEHIND: usize = 100;
/// Days without contact after which a customer is listed, unless asked otherwise.
pub const DEFAULT_NO_CONTACT_DAYS: u32 = 30;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DutyRule {
    pub id: String,
    pub role: StaffRole,
    pub kind: DutyKind,
    /// contact_staff: the colleagues' role.
    pub staff_role: Option<StaffRole>,
    /// The customers counted (empty: all).
    pub channel_levels: Vec<ChannelLevel>,
    /// Contacts per customer or colleague per month.
    pub per_target: Option<u32>,
    /// visit_customers, spot_checks: at least this many customers…
    pub min_count: Option<u32>,
    /// …and this share (%) of those in scope.
    pub min_share: Option<u32>,
    pub position: u32,
    pub active: bool,
}

/// A rule as head office edits it; no id adds one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DutyRuleInput {
    #[serde(default)]
    #[ts(optional)]
    pub id: Option<String>,
    pub role: StaffRole,
    pub kind: DutyKind,
    #[serde(default)]
    #[ts(optional)]
    pub staff_role: Option<StaffRole>,
    #[serde(default)]
    pub channel_levels: Vec<ChannelLevel>,
    #[serde(default)]
    #[ts(optional)]
    pub per_target: Option<u32>,
    #[serde(default)]
    #[ts(optional)]
    pub min_count: Option<u32>,
    #[serde(default)]
    #[ts(optional)]
    pub min_share: Option<u32>,
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct ComplianceQuery {
    /// This unit and everyone under it; your own part of the organisation when none.
    #[ts(optional)]
    pub org_unit_id: Option<OrgUnitId>,
    /// Just this person.
    #[ts(optional)]
    pub staff_id: Option<StaffId>,
    /// YYYY-MM; this month when none.
    #[ts(optional)]
    pub month: Option<String>,
    /// List customers not contacted for this many days (default 30).
    #[ts(optional)]
    pub no_contact_days: Option<u32>,
}

/// A customer or colleague behind on a rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Behind {
    pub id: String,
    pub name: String,
    /// Contacts this month (contact rules); days since the last visit (grade frequency).
    pub count: u32,
    pub needed: u32,
    pub last_contact: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RuleResult {
    pub rule_id: String,
    pub kind: DutyKind,
    pub staff_role: Option<StaffRole>,
    pub per_target: Option<u32>,
    pub done: u32,
    pub required: u32,
    pub met: bool,
    /// How many more the rule needs this month (`required - done`, none when met).
    pub short: u32,
    /// What should be done by the day judged at, at an even pace through the
    /// month (all of `required` for a month that is over, and for the visit
    /// rhythm, which is judged on the day).
    pub pace: u32,
    /// At least `pace` is done: on track, though the month is not over.
    pub on_pace: bool,
    /// The first [`MAX_BEHIND`] behind, worst first: for a contact rule the
    /// targets short of their contacts (`short` of them); for a share of
    /// customers, the customers not yet visited, to choose `short` from.
    pub behind: Vec<Behind>,
    pub behind_count: u32,
    /// `behind` is whom to choose from (a share of the customers meets the
    /// rule), not who is short of their contacts.
    pub choose_from: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PersonCompliance {
    pub staff_id: StaffId,
    pub name: String,
    pub role: StaffRole,
    pub unit_name: String,
    pub rules: Vec<RuleResult>,
    /// Every rule met.
    pub met: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NoContact {
    pub customer_id: CustomerId,
    pub name: String,
    pub grade: Option<String>,
    pub last_contact: Option<String>,
    /// Days since the last contact; none when never contacted.
    pub days: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NoContactGroup {
    pub staff_id: StaffId,
    pub name: String,
    /// The first [`MAX_BEHIND`], longest without contact first.
    pub customers: Vec<NoContact>,
    pub count: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Compliance {
    pub month: String,
    /// The day the month is judged at: its last day, or today for this month.
    pub as_of: String,
    pub org_unit_id: OrgUnitId,
    pub people: Vec<PersonCompliance>,
    pub no_contact_days: u32,
    pub no_contact: Vec<NoContactGroup>,
}

fn rule_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<DutyRule> {
    let levels: String = r.get(4)?;
    Ok(DutyRule {
        id: r.get(0)?,
        role: r.get(1)?,
        kind: r.get(2)?,
        staff_role: r.get(3)?,
        channel_levels: serde_json::from_str(&levels).unwrap_or_default(),
        per_target: r.get(5)?,
        min_count: r.get(6)?,
        min_share: r.get(7)?,
        position: r.get(8)?,
        active: r.get(9)?,
    })
}

pub fn rules(conn: &Connection) -> Result<Vec<DutyRule>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, role, kind, staff_role, channel_levels, per_target, min_count, min_share, position, active
           FROM duty_rule ORDER BY position, id",
    )?;
    let rows = stmt.query_map([], rule_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Adds or changes a rule (head office). Each kind needs its own numbers.
pub fn save_rule(tx: &Transaction<'_>, input: &DutyRuleInput, now: DateTime<Utc>) -> Result<DutyRule> {
    let mut problems = vec![];
    let mut need = |field: &str, value: Option<u32>, range: std::ops::RangeInclusive<u32>, what: &str| match value {
        None => {
            problems.push(FieldProblem::new(field, ProblemCode::Required, format!("this kind of rule needs {what}")))
        }
        Some(v) if !range.contains(&v) => problems.push(FieldProblem::new(
            field,
            ProblemCode::OutOfRange,
            format!("must be between {} and {}", range.start(), range.end()),
        )),
        Some(_) => {}
    };
    match input.kind {
        DutyKind::ContactCustomers => need("perTarget", input.per_target, 1..=100, "contacts per customer"),
        DutyKind::ContactStaff => {
            need("perTarget", input.per_target, 1..=100, "calls per colleague");
            if input.staff_role.is_none_or(|r| r == StaffRole::HeadOffice) {
                problems.push(FieldProblem::new("staffRole", ProblemCode::Required, "choose the colleagues' role"));
            }
        }
        DutyKind::VisitCustomers | DutyKind::SpotChecks => {
            need("minCount", input.min_count, 0..=100_000, "a least number of customers");
            need("minShare", input.min_share, 0..=100, "a least share of customers (%)");
        }
        DutyKind::GradeFrequency => {}
    }
    if input.kind != DutyKind::ContactStaff && input.staff_role.is_some() {
        problems.push(FieldProblem::new(
            "staffRole",
            ProblemCode::NotUsed,
            "only a rule on contacting colleagues names their role",
        ));
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let levels = serde_json::to_string(&input.channel_levels).unwrap_or_else(|_| "[]".into());
    let at = timestamp(now);
    let id = match &input.id {
        Some(id) => {
            let known = tx.prepare_cached("SELECT 1 FROM duty_rule WHERE id = ?1")?.exists([id])?;
            if !known {
                return Err(Error::NotFound { what: "duty rule", id: id.clone() });
            }
            id.clone()
        }
        None => uuid::Uuid::now_v7().to_string(),
    };
    // One statement for a new rule and a changed one (which keeps its place).
    tx.prepare_cached(
        "INSERT INTO duty_rule (id, role, kind, staff_role, channel_levels, per_target, min_count, min_share,
                                position, active, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, (SELECT coalesce(max(position), 0) + 1 FROM duty_rule), ?9, ?10, ?10)
         ON CONFLICT (id) DO UPDATE SET role = excluded.role, kind = excluded.kind, staff_role = excluded.staff_role,
             channel_levels = excluded.channel_levels, per_target = excluded.per_target,
             min_count = excluded.min_count, min_share = excluded.min_share, active = excluded.active,
             updated_at = excluded.updated_at",
    )?
    .execute(params![
        id,
        input.role,
        input.kind,
        input.staff_role,
        levels,
        input.per_target,
        input.min_count,
        input.min_share,
        input.active,
        at
    ])?;
    Ok(tx
        .prepare_cached(
            "SELECT id, role, kind, staff_role, channel_levels, per_target, min_count, min_share, position, active
           FROM duty_rule WHERE id = ?1",
        )?
        .query_row([id], rule_row)?)
}

struct Card {
    id: String,
    name: String,
    owner: String,
    territory: String,
    level: ChannelLevel,
    grade: Option<String>,
    last_visit_on: Option<String>,
}

struct Person {
    id: String,
    name: String,
    role: StaffRole,
    unit: String,
    unit_name: String,
}

/// Everything the month's judgement reads, loaded once.
struct Month {
    /// (person, customer) → visits and calls
    contacts: HashMap<(String, String), u32>,
    /// (person, customer) spot-checked
    spot_checked: HashSet<(String, String)>,
    /// (person, customer) visited
    visited: HashSet<(String, String)>,
    /// {a, b} → calls between two colleagues (both orders stored)
    colleague_calls: HashMap<(String, String), u32>,
}

fn text_values(ids: impl IntoIterator<Item = String>) -> std::rc::Rc<Vec<SqlValue>> {
    std::rc::Rc::new(ids.into_iter().map(SqlValue::Text).collect())
}

fn load_month(conn: &Connection, people: &[Person], start: &str, end: &str) -> Result<Month> {
    let ids = text_values(people.iter().map(|p| p.id.clone()));
    let mut month = Month {
        contacts: HashMap::new(),
        spot_checked: HashSet::new(),
        visited: HashSet::new(),
        colleague_calls: HashMap::new(),
    };
    let mut stmt = conn.prepare_cached(
        "SELECT staff_id, customer_id, visit_type FROM visit
          WHERE staff_id IN rarray(?1) AND checked_in_at >= ?2 AND checked_in_at < ?3",
    )?;
    let mut rows = stmt.query(params![ids, start, end])?;
    while let Some(r) = rows.next()? {
        let key = (r.get::<_, String>(0)?, r.get::<_, String>(1)?);
        if r.get_ref(2)?.as_str().ok() == Some(SPOT_CHECK) {
            month.spot_checked.insert(key.clone());
        }
        month.visited.insert(key.clone());
        *month.contacts.entry(key).or_default() += 1;
    }
    let mut stmt = conn.prepare_cached(
        "SELECT staff_id, customer_id, colleague_id FROM call_log
          WHERE staff_id IN rarray(?1) AND called_at >= ?2 AND called_at < ?3
         UNION ALL
         SELECT staff_id, customer_id, colleague_id FROM call_log
          WHERE colleague_id IN rarray(?1) AND called_at >= ?2 AND called_at < ?3 AND staff_id NOT IN rarray(?1)",
    )?;
    let mut rows = stmt.query(params![ids, start, end])?;
    while let Some(r) = rows.next()? {
        let staff: String = r.get(0)?;
        match (r.get::<_, Option<String>>(1)?, r.get::<_, Option<String>>(2)?) {
            (Some(customer), _) => *month.contacts.entry((staff, customer)).or_default() += 1,
            (None, Some(colleague)) => {
                *month.colleague_calls.entry((staff.clone(), colleague.clone())).or_default() += 1;
                *month.colleague_calls.entry((colleague, staff)).or_default() += 1;
            }
            (None, None) => {}
        }
    }
    Ok(month)
}

/// The last day someone of ours visited each card, and the last day anyone
/// visited or called it, on or before `as_of`.
type LastDays = (HashMap<String, NaiveDate>, HashMap<String, NaiveDate>);

fn last_contacts(conn: &Connection, cards: &[&Card], as_of: NaiveDate) -> Result<LastDays> {
    let zone = Zone::of(conn)?;
    let before = timestamp(zone.day_start(as_of + Duration::days(1)));
    let mut visit =
        conn.prepare_cached("SELECT max(checked_in_at) FROM visit WHERE customer_id = ?1 AND checked_in_at < ?2")?;
    let mut call =
        conn.prepare_cached("SELECT max(called_at) FROM call_log WHERE customer_id = ?1 AND called_at < ?2")?;
    let day = |ts: Option<String>| ts.as_deref().and_then(crate::clock::parse_timestamp).map(|t| zone.day(t));
    let mut visits = HashMap::with_capacity(cards.len());
    let mut contacts = HashMap::with_capacity(cards.len());
    for card in cards {
        let mut visited = day(visit.query_row(params![card.id, before], |r| r.get(0))?);
        // The card's own date covers visits marked without a record.
        if let Some(on) = card.last_visit_on.as_deref().and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()) {
            if on <= as_of {
                visited = visited.max(Some(on));
            }
        }
        let called = day(call.query_row(params![card.id, before], |r| r.get(0))?);
        if let Some(v) = visited {
            visits.insert(card.id.clone(), v);
        }
        if let Some(c) = visited.max(called) {
            contacts.insert(card.id.clone(), c);
        }
    }
    Ok((visits, contacts))
}

fn share(count: u32, min_count: u32, min_share: u32) -> u32 {
    let by_share = (u64::from(count) * u64::from(min_share)).div_ceil(100) as u32;
    min_count.max(by_share).min(count)
}

/// The compliance view of a part of the organisation for a month.
pub fn compliance(conn: &Connection, viewer: &Viewer, query: &ComplianceQuery, today: NaiveDate) -> Result<Compliance> {
    let month = query.month.clone().unwrap_or_else(|| month_of(today));
    let (first, last) = month_bounds("month", &month)?;
    if first > today {
        return Err(Error::invalid(
            "month",
            ProblemCode::FutureMonth,
            format!("{month} has not begun; choose this month or an earlier one"),
        ));
    }
    let as_of = last.min(today);
    let gone = MonthGone((as_of - first).num_days() as u32 + 1, (last - first).num_days() as u32 + 1);
    let no_contact_days = query.no_contact_days.unwrap_or(DEFAULT_NO_CONTACT_DAYS);
    if !(1..=3650).contains(&no_contact_days) {
        return Err(Error::invalid("noContactDays", ProblemCode::OutOfRange, "must be between 1 and 3650 days"));
    }
    let me = crate::org::staff_member(conn, viewer.staff)?;
    let unit = query.org_unit_id.unwrap_or(me.org_unit_id);
    let unit_text = unit.to_string();
    if viewer.units.as_ref().is_some_and(|u| !u.contains(&unit_text)) {
        return Err(Error::Forbidden("this unit is outside your part of the organisation".into()));
    }
    let units = crate::org::subtree(conn, &unit_text)?;
    let unit_values = text_values(units.iter().cloned());
    let mut people: Vec<Person> = conn
        .prepare_cached(
            "SELECT s.id, s.name, s.role, s.org_unit_id, u.name FROM staff s JOIN org_unit u ON u.id = s.org_unit_id
              WHERE s.active = 1 AND s.org_unit_id IN rarray(?1) ORDER BY u.name, s.role, s.name",
        )?
        .query_map([unit_values.clone()], |r| {
            Ok(Person { id: r.get(0)?, name: r.get(1)?, role: r.get(2)?, unit: r.get(3)?, unit_name: r.get(4)? })
        })?
        .collect::<rusqlite::Result<_>>()?;
    if viewer.role == StaffRole::Rep {
        people.retain(|p| p.id == viewer.staff.to_string());
    }
    if let Some(staff) = query.staff_id {
        viewer.require_staff(conn, staff)?;
        people.retain(|p| p.id == staff.to_string());
    }
    let cards: Vec<Card> = conn
        .prepare_cached(
            "SELECT id, name, owner_id, territory_id, channel_level, grade, last_visit_on FROM customer
              WHERE territory_id IN rarray(?1) AND lifecycle <> 'eliminated' ORDER BY name_pinyin",
        )?
        .query_map([unit_values], |r| {
            Ok(Card {
                id: r.get(0)?,
                name: r.get(1)?,
                owner: r.get(2)?,
                territory: r.get(3)?,
                level: r.get(4)?,
                grade: r.get(5)?,
                last_visit_on: r.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let all_rules: Vec<DutyRule> = rules(conn)?.into_iter().filter(|r| r.active).collect();
    let zone = Zone::of(conn)?;
    let start = timestamp(zone.day_start(first));
    let end = timestamp(zone.day_start(last + Duration::days(1)));
    let data = load_month(conn, &people, &start, &end)?;
    let (frequencies, _) = crate::grades::visit_frequencies(conn)?;
    // Subtrees of the managers among the people (their scope).
    let mut subtrees: HashMap<String, HashSet<String>> = HashMap::new();
    for p in people.iter().filter(|p| p.role != StaffRole::Rep) {
        if !subtrees.contains_key(&p.unit) {
            subtrees.insert(p.unit.clone(), crate::org::subtree(conn, &p.unit)?);
        }
    }
    // The cards by owner and by territory (their places in `cards`), so a
    // person's scope is not a walk over every card of the unit.
    let mut by_owner: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut by_territory: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, c) in cards.iter().enumerate() {
        by_owner.entry(c.owner.as_str()).or_default().push(i);
        by_territory.entry(c.territory.as_str()).or_default().push(i);
    }
    let scope_of = |p: &Person| -> Vec<&Card> {
        let mut places: Vec<usize> = match p.role {
            StaffRole::Rep => by_owner.get(p.id.as_str()).cloned().unwrap_or_default(),
            _ => subtrees[&p.unit].iter().filter_map(|u| by_territory.get(u.as_str())).flatten().copied().collect(),
        };
        // In the cards' order (by name), as a walk over them would give.
        places.sort_unstable();
        places.into_iter().map(|i| &cards[i]).collect()
    };
    // Last visits and contacts are read once, for the reps' cards (the grade
    // frequency rule and the no-contact list are about them).
    let reps: HashSet<&str> = people.iter().filter(|p| p.role == StaffRole::Rep).map(|p| p.id.as_str()).collect();
    let reps_cards: Vec<&Card> = cards.iter().filter(|c| reps.contains(c.owner.as_str())).collect();
    let last = last_contacts(conn, &reps_cards, as_of)?;
    let (last_visit, last) = (&last.0, &last.1);
    let mut out_people = vec![];
    for person in &people {
        let person_rules: Vec<&DutyRule> = all_rules.iter().filter(|r| r.role == person.role).collect();
        if person_rules.is_empty() {
            continue;
        }
        let scope = scope_of(person);
        let mut results = vec![];
        for rule in person_rules {
            let eligible: Vec<&&Card> = scope
                .iter()
                .filter(|c| rule.channel_levels.is_empty() || rule.channel_levels.contains(&c.level))
                .collect();
            let result = match rule.kind {
                DutyKind::ContactCustomers => {
                    let need = rule.per_target.unwrap_or(1);
                    let mut behind: Vec<Behind> = eligible
                        .iter()
                        .map(|c| (c, data.contacts.get(&(person.id.clone(), c.id.clone())).copied().unwrap_or(0)))
                        .filter(|(_, n)| *n < need)
                        .map(|(c, n)| Behind {
                            id: c.id.clone(),
                            name: c.name.clone(),
                            count: n,
                            needed: need,
                            last_contact: None,
                        })
                        .collect();
                    behind.sort_by_key(|b| b.count);
                    judged(rule, eligible.len() as u32 - behind.len() as u32, eligible.len() as u32, behind, gone)
                }
                DutyKind::ContactStaff => {
                    let need = rule.per_target.unwrap_or(1);
                    let units = subtrees.get(&person.unit);
                    let colleagues: Vec<(String, String)> = conn
                        .prepare_cached("SELECT id, name, org_unit_id FROM staff WHERE role = ?1 AND active = 1 AND id <> ?2 ORDER BY name")?
                        .query_map(params![rule.staff_role, person.id], |r| {
                            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
                        })?
                        .collect::<rusqlite::Result<Vec<_>>>()?
                        .into_iter()
                        .filter(|(_, _, u)| units.is_some_and(|units| units.contains(u)))
                        .map(|(id, name, _)| (id, name))
                        .collect();
                    let mut behind: Vec<Behind> = colleagues
                        .iter()
                        .map(|(id, name)| {
                            let n = data.colleague_calls.get(&(person.id.clone(), id.clone())).copied().unwrap_or(0);
                            Behind { id: id.clone(), name: name.clone(), count: n, needed: need, last_contact: None }
                        })
                        .filter(|b| b.count < need)
                        .collect();
                    behind.sort_by_key(|b| b.count);
                    judged(rule, colleagues.len() as u32 - behind.len() as u32, colleagues.len() as u32, behind, gone)
                }
                DutyKind::VisitCustomers | DutyKind::SpotChecks => {
                    let done_set = if rule.kind == DutyKind::SpotChecks { &data.spot_checked } else { &data.visited };
                    let done = eligible.iter().filter(|c| done_set.contains(&(person.id.clone(), c.id.clone()))).count()
                        as u32;
                    let required =
                        share(eligible.len() as u32, rule.min_count.unwrap_or(0), rule.min_share.unwrap_or(0));
                    let mut behind: Vec<Behind> = if done >= required {
                        vec![]
                    } else {
                        eligible
                            .iter()
                            .filter(|c| !done_set.contains(&(person.id.clone(), c.id.clone())))
                            .map(|c| Behind {
                                id: c.id.clone(),
                                name: c.name.clone(),
                                count: 0,
                                needed: 1,
                                last_contact: c.last_visit_on.clone(),
                            })
                            .collect()
                    };
                    // Longest unvisited first: they are the ones to go to.
                    behind.sort_by(|a, b| a.last_contact.cmp(&b.last_contact));
                    judged(rule, done, required, behind, gone)
                }
                DutyKind::GradeFrequency => {
                    let graded: Vec<(&&Card, u32)> = eligible
                        .iter()
                        .filter_map(|c| c.grade.as_ref().and_then(|g| frequencies.get(g)).map(|f| (*c, *f)))
                        .collect();
                    let mut behind: Vec<Behind> = graded
                        .iter()
                        .filter_map(|(c, every)| {
                            let since = last_visit.get(&c.id).map(|d| (as_of - *d).num_days().max(0) as u32);
                            match since {
                                Some(days) if days <= *every => None,
                                _ => Some(Behind {
                                    id: c.id.clone(),
                                    name: c.name.clone(),
                                    count: since.unwrap_or(u32::MAX),
                                    needed: *every,
                                    last_contact: last_visit.get(&c.id).map(|d| d.to_string()),
                                }),
                            }
                        })
                        .collect();
                    behind.sort_by_key(|b| std::cmp::Reverse(b.count.saturating_sub(b.needed)));
                    judged(rule, graded.len() as u32 - behind.len() as u32, graded.len() as u32, behind, gone)
                }
            };
            results.push(result);
        }
        out_people.push(PersonCompliance {
            staff_id: person.id.parse().map_err(|_| Error::NotFound { what: "staff member", id: person.id.clone() })?,
            name: person.name.clone(),
            role: person.role,
            unit_name: person.unit_name.clone(),
            met: results.iter().all(|r| r.met),
            rules: results,
        })
    }
    let mut no_contact = vec![];
    for person in people.iter().filter(|p| p.role == StaffRole::Rep) {
        let mut quiet: Vec<NoContact> = by_owner
            .get(person.id.as_str())
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .map(|i| &cards[*i])
            .filter_map(|c| {
                let since = last.get(&c.id).map(|d| (as_of - *d).num_days().max(0) as u32);
                if since.is_some_and(|d| d < no_contact_days) {
                    return None;
                }
                Some(NoContact {
                    customer_id: c.id.parse().ok()?,
                    name: c.name.clone(),
                    grade: c.grade.clone(),
                    last_contact: last.get(&c.id).map(|d| d.to_string()),
                    days: since,
                })
            })
            .collect();
        quiet.sort_by_key(|n| std::cmp::Reverse(n.days.unwrap_or(u32::MAX)));
        let count = quiet.len() as u32;
        quiet.truncate(MAX_BEHIND);
        no_contact.push(NoContactGroup {
            staff_id: person.id.parse().map_err(|_| Error::NotFound { what: "staff member", id: person.id.clone() })?,
            name: person.name.clone(),
            customers: quiet,
            count,
        });
    }
    Ok(Compliance {
        month,
        as_of: as_of.to_string(),
        org_unit_id: unit,
        people: out_people,
        no_contact_days,
        no_contact,
    })
}

/// How far through its month the day judged at is: `(days gone, days in the month)`.
#[derive(Debug, Clone, Copy)]
struct MonthGone(u32, u32);

impl MonthGone {
    /// `required` spread evenly over the month, as of the day (rounded up).
    fn pace(self, required: u32) -> u32 {
        (u64::from(required) * u64::from(self.0)).div_ceil(u64::from(self.1.max(1))) as u32
    }
}

fn judged(rule: &DutyRule, done: u32, required: u32, mut behind: Vec<Behind>, gone: MonthGone) -> RuleResult {
    let behind_count = behind.len() as u32;
    behind.truncate(MAX_BEHIND);
    let pace = if rule.kind == DutyKind::GradeFrequency { required } else { gone.pace(required) };
    RuleResult {
        rule_id: rule.id.clone(),
        kind: rule.kind,
        staff_role: rule.staff_role,
        per_target: rule.per_target,
        done,
        required,
        met: done >= required,
        short: required.saturating_sub(done),
        pace,
        on_pace: done >= pace,
        behind,
        behind_count,
        choose_from: matches!(rule.kind, DutyKind::VisitCustomers | DutyKind::SpotChecks),
    }
}

#[cfg(test)]
mod tests {
    use super::MonthGone;

    #[test]
    fn the_pace_spreads_a_month_s_duty_evenly_and_rounds_up() {
        // 107 spot-checks in a 30-day month: 4 by the 1st, 54 by the 15th, all by the 30th.
        assert_eq!(MonthGone(1, 30).pace(107), 4);
        assert_eq!(MonthGone(15, 30).pace(107), 54);
        assert_eq!(MonthGone(30, 30).pace(107), 107);
        assert_eq!(MonthGone(10, 31).pace(0), 0);
        assert_eq!(MonthGone(28, 28).pace(3), 3);
    }
}
