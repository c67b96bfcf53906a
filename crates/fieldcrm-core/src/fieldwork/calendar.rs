//! The month-end rhythm (seed 002) as reminders head office configures:
//! inventory reports asked for on the 18th and due by the 20th, the payment
//! cut-off on the 25th, the monthly meetings. The home screen shows those due
//! around today, with the person's open tasks and unread urgent reports.

use crate::error::ProblemCode;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use rusqlite::{params, Connection, Transaction};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock::timestamp;
use crate::error::{Error, FieldProblem, Result};
use crate::model::StaffRole;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Reminder {
    pub id: String,
    pub label_zh: String,
    pub label_en: String,
    /// The day of the month it falls on (past a month's end: its last day).
    pub day_of_month: u32,
    /// The day it is due by, when later than its day.
    pub due_day: Option<u32>,
    /// Shown this many days ahead.
    pub lead_days: u32,
    /// Whom it concerns (empty: everyone).
    pub roles: Vec<StaffRole>,
    pub active: bool,
}

/// A reminder as head office edits it; no id adds one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReminderInput {
    #[serde(default)]
    #[ts(optional)]
    pub id: Option<String>,
    pub label_zh: String,
    pub label_en: String,
    pub day_of_month: u32,
    #[serde(default)]
    #[ts(optional)]
    pub due_day: Option<u32>,
    #[serde(default)]
    pub lead_days: u32,
    #[serde(default)]
    pub roles: Vec<StaffRole>,
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

/// A reminder as it falls this month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReminderDue {
    pub id: String,
    pub label_zh: String,
    pub label_en: String,
    pub on: String,
    pub due: String,
    /// Days until it falls (0: today; negative: it fell, and is due by `due`).
    pub in_days: i32,
}

fn reminder_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Reminder> {
    let roles: String = r.get(6)?;
    Ok(Reminder {
        id: r.get(0)?,
        label_zh: r.get(1)?,
        label_en: r.get(2)?,
        day_of_month: r.get(3)?,
        due_day: r.get(4)?,
        lead_days: r.get(5)?,
        roles: serde_json::from_str(&roles).unwrap_or_default(),
        active: r.get(7)?,
    })
}

const SELECT: &str = "SELECT id, label_zh, label_en, day_of_month, due_day, lead_days, roles, active FROM reminder";

pub fn reminders(conn: &Connection) -> Result<Vec<Reminder>> {
    let mut stmt = conn.prepare_cached(&format!("{SELECT} ORDER BY position, id"))?;
    let rows = stmt.query_map([], reminder_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Adds or changes a reminder (head office).
pub fn save(tx: &Transaction<'_>, input: &ReminderInput, now: DateTime<Utc>) -> Result<Reminder> {
    let mut problems = vec![];
    for (field, label) in [("labelZh", &input.label_zh), ("labelEn", &input.label_en)] {
        let n = label.trim().chars().count();
        if n == 0 {
            problems.push(FieldProblem::new(field, ProblemCode::Required, "is required"));
        } else if n > 120 {
            problems.push(FieldProblem::new(field, ProblemCode::TooLong, "at most 120 characters fit"));
        }
    }
    if !(1..=31).contains(&input.day_of_month) {
        problems.push(FieldProblem::new("dayOfMonth", ProblemCode::OutOfRange, "a day of the month is 1 to 31"));
    }
    if let Some(due) = input.due_day {
        if !(1..=31).contains(&due) || due < input.day_of_month {
            problems.push(FieldProblem::new(
                "dueDay",
                ProblemCode::OutOfRange,
                "the due day lies in the same month, on or after the reminder's day",
            ));
        }
    }
    if input.lead_days > 14 {
        problems.push(FieldProblem::new("leadDays", ProblemCode::OutOfRange, "show a reminder at most 14 days ahead"));
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let roles = serde_json::to_string(&input.roles).unwrap_or_else(|_| "[]".into());
    let at = timestamp(now);
    let id = match &input.id {
        Some(id) => {
            let known = tx.prepare_cached("SELECT 1 FROM reminder WHERE id = ?1")?.exists([id])?;
            if !known {
                return Err(Error::NotFound { what: "reminder", id: id.clone() });
            }
            id.clone()
        }
        None => uuid::Uuid::now_v7().to_string(),
    };
    // One statement for a new reminder and a changed one (which keeps its place).
    tx.prepare_cached(
        "INSERT INTO reminder (id, label_zh, label_en, day_of_month, due_day, lead_days, roles, position, active,
                               created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, (SELECT coalesce(max(position), 0) + 1 FROM reminder), ?8, ?9, ?9)
         ON CONFLICT (id) DO UPDATE SET label_zh = excluded.label_zh, label_en = excluded.label_en,
             day_of_month = excluded.day_of_month, due_day = excluded.due_day, lead_days = excluded.lead_days,
             roles = excluded.roles, active = excluded.active, updated_at = excluded.updated_at",
    )?
    .execute(params![
        id,
        input.label_zh.trim(),
        input.label_en.trim(),
        input.day_of_month,
        input.due_day,
        input.lead_days,
        roles,
        input.active,
        at
    ])?;
    Ok(tx.prepare_cached(&format!("{SELECT} WHERE id = ?1"))?.query_row([id], reminder_row)?)
}

/// The `day` of `day`'s month, or its last day when the month is shorter.
fn in_month(day: NaiveDate, day_of_month: u32) -> NaiveDate {
    let first = day.with_day(1).unwrap_or(day);
    let last = first.checked_add_months(chrono::Months::new(1)).and_then(|d| d.pred_opt()).unwrap_or(first);
    first.with_day(day_of_month.min(last.day())).unwrap_or(last)
}

/// The reminders to show a person with `role` on `today`: from `lead_days`
/// before their day until they are due. Soonest first.
pub fn due(conn: &Connection, role: StaffRole, today: NaiveDate) -> Result<Vec<ReminderDue>> {
    let mut out = vec![];
    for r in reminders(conn)?.into_iter().filter(|r| r.active) {
        if !r.roles.is_empty() && !r.roles.contains(&role) {
            continue;
        }
        // This month's occurrence, or next month's when it shows ahead across the month's end.
        let next_month = today.with_day(1).and_then(|d| d.checked_add_months(chrono::Months::new(1)));
        for month_day in [Some(today), next_month].into_iter().flatten() {
            let on = in_month(month_day, r.day_of_month);
            let due = in_month(month_day, r.due_day.unwrap_or(r.day_of_month).max(r.day_of_month));
            if today >= on - Duration::days(i64::from(r.lead_days)) && today <= due {
                out.push(ReminderDue {
                    id: r.id.clone(),
                    label_zh: r.label_zh.clone(),
                    label_en: r.label_en.clone(),
                    on: on.to_string(),
                    due: due.to_string(),
                    in_days: (on - today).num_days() as i32,
                });
                break;
            }
        }
    }
    out.sort_by(|a, b| a.on.cmp(&b.on).then(a.id.cmp(&b.id)));
    Ok(out)
}
