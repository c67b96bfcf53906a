//! The rep information reports (seed 004): the daily report (日报) assembled
//! from the day's visits, calls and tasks; weekly and monthly reports
//! assembled from the period's records with totals; urgent reports (紧急报告)
//! about one customer. The author adds a summary and submits; the figures are
//! kept as submitted. Managers read their team's reports, unread first, and
//! comment on them.

use crate::error::ProblemCode;
use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use super::records::{self, Call, RecordQuery, Task, Visit, MAX_ROWS, SPOT_CHECK};
use super::{day, text, Viewer};
use crate::clock::{timestamp, Zone};
use crate::error::{Error, FieldProblem, Result};
use crate::ids::{CommentId, CustomerId, ReportId, StaffId};
use crate::model::{ReportKind, ReportStatus, StaffRole, UrgentTopic};

/// Most characters in a comment.
pub const MAX_COMMENT: usize = 2000;

/// Which report: a kind, a day inside its period, and whose (yours when none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReportQuery {
    pub kind: ReportKind,
    /// Any day of the period (YYYY-MM-DD); today when none.
    #[serde(default)]
    #[ts(optional)]
    pub day: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub staff_id: Option<StaffId>,
}

/// A report's summary, saved as a draft or submitted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReportSummaryInput {
    pub kind: ReportKind,
    #[serde(default)]
    #[ts(optional)]
    pub day: Option<String>,
    #[serde(default)]
    pub summary: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NewUrgentReport {
    pub customer_id: CustomerId,
    pub topic: UrgentTopic,
    pub title: String,
    #[serde(default)]
    pub summary: String,
}

/// The figures of a period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct ReportTotals {
    pub visits: u32,
    pub customers_visited: u32,
    pub planned_visits: u32,
    pub spot_checks: u32,
    pub visit_minutes: u32,
    pub calls: u32,
    pub customer_calls: u32,
    pub colleague_calls: u32,
    pub call_minutes: u32,
    pub tasks_done: u32,
    pub tasks_created: u32,
    /// Open at the period's end and due before it.
    pub tasks_overdue: u32,
}

/// One day of a periodic report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DayTotals {
    pub day: String,
    pub visits: u32,
    pub customers_visited: u32,
    pub calls: u32,
    pub call_minutes: u32,
}

/// One customer's contacts in a periodic report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CustomerTotals {
    pub customer_id: CustomerId,
    pub customer_name: String,
    pub visits: u32,
    pub calls: u32,
    pub last_contact: String,
}

/// What a report says: assembled live while it is a draft, as submitted after.
/// Daily reports list the day's records; periodic ones total them by day and
/// by customer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct ReportContent {
    pub totals: ReportTotals,
    pub visits: Vec<Visit>,
    pub calls: Vec<Call>,
    pub tasks_done: Vec<Task>,
    pub tasks_created: Vec<Task>,
    pub tasks_overdue: Vec<Task>,
    pub days: Vec<DayTotals>,
    pub customers: Vec<CustomerTotals>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReportComment {
    pub id: CommentId,
    pub author_id: StaffId,
    pub author_name: String,
    pub body: String,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub id: ReportId,
    pub author_id: StaffId,
    pub author_name: String,
    pub kind: ReportKind,
    pub period_start: String,
    pub period_end: String,
    pub status: ReportStatus,
    pub submitted_at: Option<String>,
    pub summary: Option<String>,
    /// Urgent reports: the customer, the topic and the title.
    pub customer_id: Option<CustomerId>,
    pub customer_name: Option<String>,
    pub topic: Option<UrgentTopic>,
    pub title: Option<String>,
    pub content: ReportContent,
    pub comments: Vec<ReportComment>,
    /// The reader may still save and submit it (their own unsubmitted report of a begun period).
    pub editable: bool,
}

/// A line of the managers' report list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReportLine {
    pub id: ReportId,
    pub author_id: StaffId,
    pub author_name: String,
    pub kind: ReportKind,
    pub period_start: String,
    pub period_end: String,
    pub submitted_at: String,
    pub title: Option<String>,
    pub topic: Option<UrgentTopic>,
    pub customer_name: Option<String>,
    pub summary: Option<String>,
    pub totals: ReportTotals,
    pub read: bool,
    pub comments: u32,
}

/// The team's submitted reports. Without a person: everyone the reader looks
/// after (a rep: their own).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct ReportListQuery {
    #[ts(optional)]
    pub staff_id: Option<StaffId>,
    #[ts(optional)]
    pub kind: Option<ReportKind>,
    /// Periods from this day on (YYYY-MM-DD).
    #[ts(optional)]
    pub from: Option<String>,
    #[ts(optional)]
    pub to: Option<String>,
    pub unread_only: bool,
    #[ts(optional)]
    pub limit: Option<u32>,
}

/// The first and last day of the period of `kind` around `day`.
pub fn period(kind: ReportKind, day: NaiveDate) -> (NaiveDate, NaiveDate) {
    match kind {
        ReportKind::Daily | ReportKind::Urgent => (day, day),
        ReportKind::Weekly => {
            let monday = day - Duration::days(i64::from(day.weekday().num_days_from_monday()));
            (monday, monday + Duration::days(6))
        }
        ReportKind::Monthly => {
            let first = day.with_day(1).unwrap_or(day);
            let next = first.checked_add_months(chrono::Months::new(1)).unwrap_or(first);
            (first, next.pred_opt().unwrap_or(first))
        }
    }
}

/// A period report's id: the same in every book, so a report written twice
/// (a draft on one laptop, the submission on another) is one row.
pub fn report_id(author: StaffId, kind: ReportKind, start: NaiveDate) -> ReportId {
    let digest = Sha256::digest(format!("report/{author}/{kind}/{start}").as_bytes());
    let mut random = [0u8; 10];
    random.copy_from_slice(&digest[..10]);
    // The time part is the day at UTC+8 whatever the business time zone, so
    // the id stays the same if head office changes the zone.
    let millis = u64::try_from(Zone::DEFAULT.day_start(start).timestamp_millis()).unwrap_or(0);
    ReportId::from_parts(millis, random)
}

fn day_of(field: &str, value: Option<&str>, today: NaiveDate) -> Result<NaiveDate> {
    let mut problems = vec![];
    let parsed = match value.map(str::trim).filter(|v| !v.is_empty()) {
        Some(v) => day(field, v, &mut problems),
        None => Some(today),
    };
    parsed.ok_or(Error::Invalid(problems))
}

/// Assembles the report of `author`'s records between two days (inclusive).
pub fn assemble(
    conn: &Connection,
    viewer: &Viewer,
    author: StaffId,
    kind: ReportKind,
    (start, end): (NaiveDate, NaiveDate),
    today: NaiveDate,
) -> Result<ReportContent> {
    let query = RecordQuery {
        staff_id: Some(author),
        from: Some(start.to_string()),
        to: Some(end.to_string()),
        limit: Some(MAX_ROWS),
        ..Default::default()
    };
    let mut visits = records::visits(conn, viewer, &query)?;
    visits.reverse();
    // Only the author's own calls (not those others made to them).
    let mut calls: Vec<Call> =
        records::calls(conn, viewer, &query)?.into_iter().filter(|c| c.staff_id == author).collect();
    calls.reverse();
    let zone = Zone::of(conn)?;
    let from = timestamp(zone.day_start(start));
    let until = timestamp(zone.day_start(end + Duration::days(1)));
    let task_ids = |sql: &str, a: &str, b: &str| -> Result<Vec<Task>> {
        let mut stmt = conn.prepare_cached(sql)?;
        let ids = stmt
            .query_map(params![author, a, b], |r| r.get::<_, crate::ids::TaskId>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        ids.into_iter().map(|id| records::task(conn, id, today)).collect()
    };
    let tasks_done = task_ids(
        "SELECT id FROM task WHERE assignee_id = ?1 AND done_at >= ?2 AND done_at < ?3 ORDER BY done_at",
        &from,
        &until,
    )?;
    let tasks_created = task_ids(
        "SELECT id FROM task WHERE assignee_id = ?1 AND created_at >= ?2 AND created_at < ?3 ORDER BY created_at",
        &from,
        &until,
    )?;
    // Open at the end of the period (or done after it) and due before its last day.
    let tasks_overdue = task_ids(
        "SELECT id FROM task WHERE assignee_id = ?1 AND (done_at IS NULL OR done_at >= ?3) AND due_on < ?2
           AND created_at < ?3 ORDER BY due_on LIMIT 200",
        &end.to_string(),
        &until,
    )?;
    let mut totals = ReportTotals {
        visits: visits.len() as u32,
        planned_visits: visits.iter().filter(|v| v.planned).count() as u32,
        spot_checks: visits.iter().filter(|v| v.visit_type == SPOT_CHECK).count() as u32,
        visit_minutes: visits.iter().filter_map(|v| v.minutes).sum(),
        calls: calls.len() as u32,
        customer_calls: calls.iter().filter(|c| c.customer_id.is_some()).count() as u32,
        colleague_calls: calls.iter().filter(|c| c.colleague_id.is_some()).count() as u32,
        call_minutes: calls.iter().map(|c| c.duration_seconds).sum::<u32>().div_ceil(60),
        tasks_done: tasks_done.len() as u32,
        tasks_created: tasks_created.len() as u32,
        tasks_overdue: tasks_overdue.len() as u32,
        ..Default::default()
    };
    let mut customers: BTreeMap<CustomerId, CustomerTotals> = BTreeMap::new();
    let mut days: BTreeMap<NaiveDate, (DayTotals, std::collections::HashSet<CustomerId>)> = BTreeMap::new();
    let mut on = start;
    while on <= end {
        let d = DayTotals { day: on.to_string(), visits: 0, customers_visited: 0, calls: 0, call_minutes: 0 };
        days.insert(on, (d, Default::default()));
        on += Duration::days(1);
    }
    for v in &visits {
        let entry = customers.entry(v.customer_id).or_insert_with(|| CustomerTotals {
            customer_id: v.customer_id,
            customer_name: v.customer_name.clone(),
            visits: 0,
            calls: 0,
            last_contact: String::new(),
        });
        entry.visits += 1;
        entry.last_contact = entry.last_contact.clone().max(v.checked_in_at.clone());
        if let Some((d, seen)) =
            crate::clock::parse_timestamp(&v.checked_in_at).and_then(|t| days.get_mut(&zone.day(t)))
        {
            d.visits += 1;
            if seen.insert(v.customer_id) {
                d.customers_visited += 1;
            }
        }
    }
    totals.customers_visited = customers.len() as u32;
    for c in &calls {
        if let (Some(id), Some(name)) = (c.customer_id, &c.customer_name) {
            let entry = customers.entry(id).or_insert_with(|| CustomerTotals {
                customer_id: id,
                customer_name: name.clone(),
                visits: 0,
                calls: 0,
                last_contact: String::new(),
            });
            entry.calls += 1;
            entry.last_contact = entry.last_contact.clone().max(c.called_at.clone());
        }
        if let Some((d, _)) = crate::clock::parse_timestamp(&c.called_at).and_then(|t| days.get_mut(&zone.day(t))) {
            d.calls += 1;
            d.call_minutes += c.duration_seconds.div_ceil(60);
        }
    }
    let daily = kind == ReportKind::Daily;
    let mut customers: Vec<CustomerTotals> = customers.into_values().collect();
    customers
        .sort_by(|a, b| (b.visits + b.calls).cmp(&(a.visits + a.calls)).then(a.customer_name.cmp(&b.customer_name)));
    Ok(ReportContent {
        totals,
        visits: if daily { visits } else { vec![] },
        calls: if daily { calls } else { vec![] },
        tasks_done: if daily { tasks_done } else { vec![] },
        tasks_created: if daily { tasks_created } else { vec![] },
        tasks_overdue,
        days: if daily { vec![] } else { days.into_values().map(|(d, _)| d).collect() },
        customers: if daily { vec![] } else { customers },
    })
}

struct Stored {
    id: ReportId,
    author: StaffId,
    kind: ReportKind,
    start: String,
    end: String,
    customer: Option<CustomerId>,
    topic: Option<UrgentTopic>,
    title: Option<String>,
    summary: Option<String>,
    content: String,
    status: ReportStatus,
    submitted_at: Option<String>,
}

fn stored(conn: &Connection, id: ReportId) -> Result<Option<Stored>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, author_id, kind, period_start, period_end, customer_id, topic, title, summary, content,
                    status, submitted_at FROM report WHERE id = ?1",
        )?
        .query_row([id], |r| {
            Ok(Stored {
                id: r.get(0)?,
                author: r.get(1)?,
                kind: r.get(2)?,
                start: r.get(3)?,
                end: r.get(4)?,
                customer: r.get(5)?,
                topic: r.get(6)?,
                title: r.get(7)?,
                summary: r.get(8)?,
                content: r.get(9)?,
                status: r.get(10)?,
                submitted_at: r.get(11)?,
            })
        })
        .optional()?)
}

fn comments(conn: &Connection, report: ReportId) -> Result<Vec<ReportComment>> {
    let mut stmt = conn.prepare_cached(
        "SELECT m.id, m.author_id, coalesce(s.name, ''), m.body, m.created_at
           FROM report_comment m LEFT JOIN staff s ON s.id = m.author_id
          WHERE m.report_id = ?1 ORDER BY m.created_at, m.id",
    )?;
    let rows = stmt.query_map([report], |r| {
        Ok(ReportComment {
            id: r.get(0)?,
            author_id: r.get(1)?,
            author_name: r.get(2)?,
            body: r.get(3)?,
            created_at: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn name_of(conn: &Connection, table: &str, id: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached(&format!("SELECT name FROM {table} WHERE id = ?1"))?
        .query_row([id], |r| r.get(0))
        .optional()?)
}

fn from_stored(conn: &Connection, viewer: &Viewer, s: Stored, today: NaiveDate) -> Result<Report> {
    let content = if s.status == ReportStatus::Submitted || s.kind == ReportKind::Urgent {
        serde_json::from_str(&s.content).unwrap_or_default()
    } else {
        let start = NaiveDate::parse_from_str(&s.start, "%Y-%m-%d").unwrap_or(today);
        let end = NaiveDate::parse_from_str(&s.end, "%Y-%m-%d").unwrap_or(today);
        assemble(conn, viewer, s.author, s.kind, (start, end), today)?
    };
    let editable = s.status == ReportStatus::Draft && s.author == viewer.staff;
    Ok(Report {
        id: s.id,
        author_id: s.author,
        author_name: name_of(conn, "staff", &s.author.to_string())?.unwrap_or_default(),
        kind: s.kind,
        period_start: s.start,
        period_end: s.end,
        status: s.status,
        submitted_at: s.submitted_at,
        summary: s.summary,
        customer_name: match s.customer {
            Some(c) => name_of(conn, "customer", &c.to_string())?,
            None => None,
        },
        customer_id: s.customer,
        topic: s.topic,
        title: s.title,
        content,
        comments: comments(conn, s.id)?,
        editable,
    })
}

/// A person's report of a period: stored (as submitted, or a draft with a
/// summary), or assembled now.
pub fn open(conn: &Connection, viewer: &Viewer, query: &ReportQuery, today: NaiveDate) -> Result<Report> {
    if query.kind == ReportKind::Urgent {
        return Err(Error::invalid("kind", ProblemCode::Urgent, "urgent reports are opened by their id"));
    }
    let author = query.staff_id.unwrap_or(viewer.staff);
    viewer.require_staff(conn, author)?;
    let on = day_of("day", query.day.as_deref(), today)?;
    let (start, end) = period(query.kind, on);
    let id = report_id(author, query.kind, start);
    if let Some(s) = stored(conn, id)? {
        return from_stored(conn, viewer, s, today);
    }
    let content = assemble(conn, viewer, author, query.kind, (start, end), today)?;
    Ok(Report {
        id,
        author_id: author,
        author_name: name_of(conn, "staff", &author.to_string())?.unwrap_or_default(),
        kind: query.kind,
        period_start: start.to_string(),
        period_end: end.to_string(),
        status: ReportStatus::Draft,
        submitted_at: None,
        summary: None,
        customer_id: None,
        customer_name: None,
        topic: None,
        title: None,
        content,
        comments: vec![],
        editable: author == viewer.staff && start <= today,
    })
}

/// A report by id (urgent reports, and any report from the team list).
pub fn show(conn: &Connection, viewer: &Viewer, id: ReportId, today: NaiveDate) -> Result<Report> {
    let s = stored(conn, id)?.ok_or_else(|| Error::NotFound { what: "report", id: id.to_string() })?;
    viewer.require_staff(conn, s.author)?;
    from_stored(conn, viewer, s, today)
}

/// Saves the summary of your report of a period (`submit`: and submits it,
/// keeping its figures as they are now). A submitted report is final.
pub fn save(
    tx: &Transaction<'_>,
    viewer: &Viewer,
    input: &ReportSummaryInput,
    submit: bool,
    now: DateTime<Utc>,
) -> Result<Report> {
    let zone = Zone::of(tx)?;
    let today = zone.day(now);
    if input.kind == ReportKind::Urgent {
        return Err(Error::invalid("kind", ProblemCode::Urgent, "an urgent report is submitted as it is written"));
    }
    let on = day_of("day", input.day.as_deref(), today)?;
    let (start, end) = period(input.kind, on);
    if start > today {
        return Err(Error::invalid(
            "day",
            ProblemCode::PeriodNotStarted,
            format!("the period from {start} has not begun; report on a period once it has"),
        ));
    }
    let mut problems = vec![];
    let summary = text("summary", Some(&input.summary), &mut problems);
    if submit && input.kind == ReportKind::Daily && summary.is_none() && problems.is_empty() {
        problems.push(FieldProblem::new(
            "summary",
            ProblemCode::Required,
            "add your summary of the day before submitting",
        ));
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let id = report_id(viewer.staff, input.kind, start);
    let existing = stored(tx, id)?;
    if let Some(s) = &existing {
        if s.status == ReportStatus::Submitted {
            return Err(Error::invalid(
                "report",
                ProblemCode::AlreadySubmitted,
                format!(
                    "this report was submitted on {}; a submitted report is final — add a comment to it instead",
                    s.submitted_at
                        .as_deref()
                        .and_then(crate::clock::parse_timestamp)
                        .map(|at| zone.show(at))
                        .unwrap_or_default()
                ),
            ));
        }
    }
    let at = timestamp(now);
    let (status, content, submitted_at) = if submit {
        let content = assemble(tx, viewer, viewer.staff, input.kind, (start, end), today)?;
        let json = serde_json::to_string(&content)
            .map_err(|e| Error::invalid("content", ProblemCode::BadContent, e.to_string()))?;
        (ReportStatus::Submitted, json, Some(at.clone()))
    } else {
        (ReportStatus::Draft, "{}".to_string(), None)
    };
    if existing.is_some() {
        tx.prepare_cached(
            "UPDATE report SET summary = ?2, content = ?3, status = ?4, submitted_at = ?5, updated_at = ?6 WHERE id = ?1",
        )?
        .execute(params![id, summary, content, status, submitted_at, at])?;
    } else {
        tx.prepare_cached(
            "INSERT INTO report (id, author_id, kind, period_start, period_end, summary, content, status, submitted_at,
                                 created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
        )?
        .execute(params![
            id,
            viewer.staff,
            input.kind,
            start.to_string(),
            end.to_string(),
            summary,
            content,
            status,
            submitted_at,
            at
        ])?;
    }
    show(tx, viewer, id, today)
}

/// Writes and submits an urgent report about a customer.
pub fn urgent(tx: &Transaction<'_>, viewer: &Viewer, new: &NewUrgentReport, now: DateTime<Utc>) -> Result<Report> {
    if !viewer.sees_customer(tx, &new.customer_id.to_string())? {
        return Err(Error::Forbidden(
            "this customer is not yours: report on customers of your own part of the organisation".into(),
        ));
    }
    let mut problems = vec![];
    let title = text("title", Some(&new.title), &mut problems);
    if title.is_none() && problems.is_empty() {
        problems.push(FieldProblem::new("title", ProblemCode::Required, "say in a line what is urgent"));
    }
    let summary = text("summary", Some(&new.summary), &mut problems);
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let id = ReportId::new();
    let zone = Zone::of(tx)?;
    let today = zone.day(now).to_string();
    let at = timestamp(now);
    tx.prepare_cached(
        "INSERT INTO report (id, author_id, kind, period_start, period_end, customer_id, topic, title, summary, content,
                             status, submitted_at, created_at, updated_at)
         VALUES (?1, ?2, 'urgent', ?3, ?3, ?4, ?5, ?6, ?7, '{}', 'submitted', ?8, ?8, ?8)",
    )?
    .execute(params![id, viewer.staff, today, new.customer_id, new.topic, title, summary, at])?;
    show(tx, viewer, id, zone.day(now))
}

/// Comments on a report you may see (yours, or one of your team's).
pub fn comment(
    tx: &Transaction<'_>,
    viewer: &Viewer,
    report: ReportId,
    body: &str,
    now: DateTime<Utc>,
) -> Result<Report> {
    let s = stored(tx, report)?.ok_or_else(|| Error::NotFound { what: "report", id: report.to_string() })?;
    if !viewer.sees_staff(tx, s.author)? {
        return Err(Error::Forbidden(
            "this report is by someone outside your part of the organisation; you comment only on your own and your team's reports".into(),
        ));
    }
    if s.status != ReportStatus::Submitted {
        return Err(Error::invalid(
            "report",
            ProblemCode::NotSubmitted,
            "this report is still a draft; comment once it is submitted",
        ));
    }
    let body = body.trim();
    if body.is_empty() {
        return Err(Error::invalid("body", ProblemCode::Required, "write the comment"));
    }
    if body.chars().count() > MAX_COMMENT {
        return Err(Error::invalid("body", ProblemCode::TooLong, format!("at most {MAX_COMMENT} characters fit")));
    }
    let at = timestamp(now);
    tx.prepare_cached(
        "INSERT INTO report_comment (id, report_id, report_author_id, author_id, body, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
    )?
    .execute(params![CommentId::new(), report, s.author, viewer.staff, body, at])?;
    mark_read(tx, viewer, report, now)?;
    show(tx, viewer, report, Zone::of(tx)?.day(now))
}

/// Notes on this laptop that the report was read.
pub fn mark_read(tx: &Transaction<'_>, viewer: &Viewer, report: ReportId, now: DateTime<Utc>) -> Result<()> {
    let s = stored(tx, report)?.ok_or_else(|| Error::NotFound { what: "report", id: report.to_string() })?;
    viewer.require_staff(tx, s.author)?;
    tx.prepare_cached("INSERT OR IGNORE INTO report_read (report_id, read_at) VALUES (?1, ?2)")?
        .execute(params![report, timestamp(now)])?;
    Ok(())
}

/// Submitted reports of the reader's team (a rep: their own): urgent unread
/// first, then unread, then by period, newest first.
pub fn list(conn: &Connection, viewer: &Viewer, query: &ReportListQuery) -> Result<Vec<ReportLine>> {
    let authors: Vec<rusqlite::types::Value> = match query.staff_id {
        Some(staff) => {
            viewer.require_staff(conn, staff)?;
            vec![rusqlite::types::Value::Text(staff.to_string())]
        }
        None => {
            let scope = match (viewer.role, &viewer.units) {
                (StaffRole::Rep, _) => crate::org::PeerScope::Owner(viewer.staff.to_string()),
                (_, None) => crate::org::PeerScope::All,
                (_, Some(units)) => crate::org::PeerScope::Units(units.clone()),
            };
            crate::org::staff_in_scope(conn, &scope)?
                .into_iter()
                .filter(|s| viewer.role == StaffRole::Rep || *s != viewer.staff.to_string())
                .map(rusqlite::types::Value::Text)
                .collect()
        }
    };
    let mut problems = vec![];
    let from = query.from.as_deref().and_then(|d| day("from", d, &mut problems)).map(|d| d.to_string());
    let to = query.to.as_deref().and_then(|d| day("to", d, &mut problems)).map(|d| d.to_string());
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let limit = query.limit.unwrap_or(500).clamp(1, MAX_ROWS);
    let mut stmt = conn.prepare_cached(
        "SELECT r.id, r.author_id, coalesce(s.name, ''), r.kind, r.period_start, r.period_end, r.submitted_at, r.title,
                r.topic, c.name, r.summary, json_extract(r.content, '$.totals'), rr.report_id IS NOT NULL,
                (SELECT count(*) FROM report_comment m WHERE m.report_id = r.id)
           FROM report r LEFT JOIN staff s ON s.id = r.author_id LEFT JOIN customer c ON c.id = r.customer_id
           LEFT JOIN report_read rr ON rr.report_id = r.id
          WHERE r.status = 'submitted' AND r.author_id IN rarray(?1)
            AND (?2 IS NULL OR r.kind = ?2) AND (?3 IS NULL OR r.period_end >= ?3) AND (?4 IS NULL OR r.period_start <= ?4)
            AND (NOT ?5 OR rr.report_id IS NULL)
          ORDER BY (r.kind = 'urgent' AND rr.report_id IS NULL) DESC, rr.report_id IS NOT NULL,
                   r.period_start DESC, r.submitted_at DESC
          LIMIT ?6",
    )?;
    let rows =
        stmt.query_map(params![std::rc::Rc::new(authors), query.kind, from, to, query.unread_only, limit], |r| {
            // Only the figures: a daily report's content also lists its records.
            let totals: Option<String> = r.get(11)?;
            Ok(ReportLine {
                id: r.get(0)?,
                author_id: r.get(1)?,
                author_name: r.get(2)?,
                kind: r.get(3)?,
                period_start: r.get(4)?,
                period_end: r.get(5)?,
                submitted_at: r.get::<_, Option<String>>(6)?.unwrap_or_default(),
                title: r.get(7)?,
                topic: r.get(8)?,
                customer_name: r.get(9)?,
                summary: r.get(10)?,
                totals: totals.and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default(),
                read: r.get(12)?,
                comments: r.get(13)?,
            })
        })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
