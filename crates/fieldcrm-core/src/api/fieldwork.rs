//! The facade for field work: visit and call records, follow-up tasks, the
//! rep information reports, the duties' compliance view and the month-end
//! reminders (see [`crate::fieldwork`]).

use crate::error::ProblemCode;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::api::{ApiResult, Book};
use crate::error::{Error, Result};
use crate::fieldwork::calendar::{self, Reminder, ReminderDue, ReminderInput};
use crate::fieldwork::duties::{self, Compliance, ComplianceQuery, DutyRule, DutyRuleInput};
use crate::fieldwork::records::{
    self, Call, LoggedCall, LoggedVisit, NewCall, NewTask, NewVisit, RecordQuery, Task, TaskQuery, Visit,
};
use crate::fieldwork::reports::{
    self, NewUrgentReport, Report, ReportLine, ReportListQuery, ReportQuery, ReportSummaryInput,
};
use crate::fieldwork::sheet;
use crate::ids::{ReportId, TaskId, VisitId};
use crate::model::{ReportKind, ReportStatus, StaffRole};
use crate::org::Viewer;

/// A report to export: by id, or a person's report of a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReportRef {
    #[serde(default)]
    #[ts(optional)]
    pub id: Option<ReportId>,
    #[serde(default)]
    #[ts(optional)]
    pub query: Option<ReportQuery>,
}

/// The home screen: today's reminders and tasks, and what needs reading.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Home {
    pub today: String,
    pub reminders: Vec<ReminderDue>,
    /// Open tasks due within the coming week, overdue first.
    pub tasks: Vec<Task>,
    pub overdue_tasks: u32,
    pub visits_today: u32,
    pub calls_today: u32,
    /// Today's daily report has been submitted.
    pub daily_submitted: bool,
    /// Managers: the team's urgent reports not yet read.
    pub urgent_unread: Vec<ReportLine>,
    /// Managers: the team's reports not yet read.
    pub unread_reports: u32,
    /// The overdue debts this person must act on (a rep: their customers'; a
    /// manager: from the manager's step of the escalation; head office: from
    /// its own), most urgent first, at most [`HOME_DEBTS`].
    pub debts: Vec<crate::money::analysis::OverdueCustomer>,
    pub debts_count: u32,
    #[ts(type = "number")]
    pub debts_overdue: i64,
    /// While the payment cut-off's reminder is shown: what is still owed by then.
    pub month_end: Option<crate::money::analysis::MonthEnd>,
}

/// Debts the home page lists at most (the 应收账款 page has them all).
pub const HOME_DEBTS: usize = 10;

fn require_office(viewer: &Viewer, what: &str) -> Result<()> {
    if viewer.role == StaffRole::HeadOffice {
        Ok(())
    } else {
        Err(Error::Forbidden(format!("only head office maintains {what}; ask head office to change it")))
    }
}

impl Book {
    /// Logs a visit: its next step becomes a task, its card changes are saved
    /// with the visit as their source, and the card's last visit moves forward.
    pub fn log_visit(&self, new: &NewVisit) -> ApiResult<LoggedVisit> {
        let now = self.clock.now();
        self.write(|tx| records::log_visit(tx, &Viewer::of(tx)?, new, now))
    }

    /// Checks out of a visit (now when no time is given).
    pub fn check_out_visit(&self, id: VisitId, at: Option<&str>) -> ApiResult<Visit> {
        let now = self.clock.now();
        let at = at.map_or_else(|| crate::clock::timestamp(now), str::to_string);
        self.write(|tx| records::check_out(tx, &Viewer::of(tx)?, id, &at, now))
    }

    pub fn visit(&self, id: VisitId) -> ApiResult<Visit> {
        self.read(|conn| {
            let viewer = Viewer::of(conn)?;
            let visit = records::visit(conn, id)?;
            if !viewer.sees_customer(conn, &visit.customer_id.to_string())? && visit.staff_id != viewer.staff {
                return Err(Error::Forbidden("this visit is outside your part of the organisation".into()));
            }
            Ok(visit)
        })
    }

    pub fn visits(&self, query: &RecordQuery) -> ApiResult<Vec<Visit>> {
        self.read(|conn| records::visits(conn, &Viewer::of(conn)?, query))
    }

    pub fn log_call(&self, new: &NewCall) -> ApiResult<LoggedCall> {
        let now = self.clock.now();
        self.write(|tx| records::log_call(tx, &Viewer::of(tx)?, new, now))
    }

    pub fn calls(&self, query: &RecordQuery) -> ApiResult<Vec<Call>> {
        self.read(|conn| records::calls(conn, &Viewer::of(conn)?, query))
    }

    pub fn add_task(&self, new: &NewTask) -> ApiResult<Task> {
        let now = self.clock.now();
        self.write(|tx| records::add_task(tx, &Viewer::of(tx)?, new, now))
    }

    pub fn set_task_done(&self, id: TaskId, done: bool) -> ApiResult<Task> {
        let now = self.clock.now();
        self.write(|tx| records::set_task_done(tx, &Viewer::of(tx)?, id, done, now))
    }

    pub fn tasks(&self, query: &TaskQuery) -> ApiResult<Vec<Task>> {
        self.read(|conn| {
            let today = self.today(conn)?;
            records::tasks(conn, &Viewer::of(conn)?, query, today)
        })
    }

    /// A person's daily, weekly or monthly report: assembled now while it is
    /// a draft, as submitted after.
    pub fn report(&self, query: &ReportQuery) -> ApiResult<Report> {
        self.read(|conn| {
            let today = self.today(conn)?;
            reports::open(conn, &Viewer::of(conn)?, query, today)
        })
    }

    /// A report by id. Opening a team member's report marks it read here.
    pub fn open_report(&self, id: ReportId) -> ApiResult<Report> {
        let now = self.clock.now();
        self.write(|tx| {
            let viewer = Viewer::of(tx)?;
            let report = reports::show(tx, &viewer, id, crate::clock::Zone::of(tx)?.day(now))?;
            if report.author_id != viewer.staff && report.status == ReportStatus::Submitted {
                reports::mark_read(tx, &viewer, id, now)?;
            }
            Ok(report)
        })
    }

    /// Saves your report's summary as a draft.
    pub fn save_report(&self, input: &ReportSummaryInput) -> ApiResult<Report> {
        let now = self.clock.now();
        self.write(|tx| reports::save(tx, &Viewer::of(tx)?, input, false, now))
    }

    /// Submits your report with its summary; its figures are kept as they are now.
    pub fn submit_report(&self, input: &ReportSummaryInput) -> ApiResult<Report> {
        let now = self.clock.now();
        self.write(|tx| reports::save(tx, &Viewer::of(tx)?, input, true, now))
    }

    pub fn urgent_report(&self, new: &NewUrgentReport) -> ApiResult<Report> {
        let now = self.clock.now();
        self.write(|tx| reports::urgent(tx, &Viewer::of(tx)?, new, now))
    }

    pub fn comment_report(&self, id: ReportId, body: &str) -> ApiResult<Report> {
        let now = self.clock.now();
        self.write(|tx| reports::comment(tx, &Viewer::of(tx)?, id, body, now))
    }

    /// Submitted reports of your team (a rep: your own), urgent and unread first.
    pub fn reports(&self, query: &ReportListQuery) -> ApiResult<Vec<ReportLine>> {
        self.read(|conn| reports::list(conn, &Viewer::of(conn)?, query))
    }

    /// Writes a report as an xlsx workbook.
    pub fn export_report(&self, which: &ReportRef, path: &Path) -> ApiResult<PathBuf> {
        let bytes = self.read(|conn| {
            let today = self.today(conn)?;
            let viewer = Viewer::of(conn)?;
            let report = match (&which.id, &which.query) {
                (Some(id), _) => reports::show(conn, &viewer, *id, today)?,
                (None, Some(query)) => reports::open(conn, &viewer, query, today)?,
                (None, None) => return Err(Error::invalid("id", ProblemCode::Required, "name the report to export")),
            };
            let language = crate::org::profile(conn)?.map_or_else(|| "zh-CN".to_string(), |p| p.language);
            let mut types: HashMap<String, String> = HashMap::new();
            for list in crate::codes::lists(conn)?.into_iter().filter(|l| l.id == "visit_type") {
                for item in list.items {
                    let label = if language.starts_with("en") { item.label_en } else { item.label_zh };
                    types.insert(item.code, label);
                }
            }
            sheet::workbook(&report, &language, &types, crate::clock::Zone::of(conn)?)
        })?;
        super::files::write_atomically(path, &bytes).map_err(|e| self.public(e))?;
        Ok(path.to_path_buf())
    }

    pub fn duty_rules(&self) -> ApiResult<Vec<DutyRule>> {
        self.read(duties::rules)
    }

    pub fn save_duty_rule(&self, input: &DutyRuleInput) -> ApiResult<DutyRule> {
        let now = self.clock.now();
        self.write(|tx| {
            require_office(&Viewer::of(tx)?, "the duty rules")?;
            duties::save_rule(tx, input, now)
        })
    }

    /// Per person and rule, done against required for a month, and who is behind.
    pub fn compliance(&self, query: &ComplianceQuery) -> ApiResult<Compliance> {
        self.read(|conn| {
            let today = self.today(conn)?;
            duties::compliance(conn, &Viewer::of(conn)?, query, today)
        })
    }

    pub fn reminders(&self) -> ApiResult<Vec<Reminder>> {
        self.read(calendar::reminders)
    }

    pub fn save_reminder(&self, input: &ReminderInput) -> ApiResult<Reminder> {
        let now = self.clock.now();
        self.write(|tx| {
            require_office(&Viewer::of(tx)?, "the reminders")?;
            calendar::save(tx, input, now)
        })
    }

    /// What the home screen shows today.
    pub fn home(&self) -> ApiResult<Home> {
        self.read(|conn| {
            let today = self.today(conn)?;
            let viewer = Viewer::of(conn)?;
            let soon = (today + chrono::Duration::days(7)).to_string();
            // Open tasks come by due date, so the week's are among the first.
            let open = records::tasks(conn, &viewer, &TaskQuery { limit: Some(50), ..Default::default() }, today)?;
            let tasks: Vec<Task> = open.into_iter().filter(|t| t.due_on <= soon).collect();
            let overdue_tasks: u32 = conn
                .prepare_cached("SELECT count(*) FROM task WHERE assignee_id = ?1 AND done_at IS NULL AND due_on < ?2")?
                .query_row(rusqlite::params![viewer.staff, today.to_string()], |r| r.get(0))?;
            let day = RecordQuery { from: Some(today.to_string()), to: Some(today.to_string()), ..Default::default() };
            let visits_today = records::visits(conn, &viewer, &day)?.len() as u32;
            let calls_today =
                records::calls(conn, &viewer, &day)?.into_iter().filter(|c| c.staff_id == viewer.staff).count() as u32;
            let daily = reports::report_id(viewer.staff, ReportKind::Daily, today);
            let daily_submitted: bool = conn
                .prepare_cached("SELECT count(*) FROM report WHERE id = ?1 AND status = 'submitted'")?
                .query_row([daily], |r| r.get::<_, i64>(0))?
                > 0;
            let (urgent_unread, unread_reports) = if viewer.role == StaffRole::Rep {
                (vec![], 0)
            } else {
                let unread =
                    reports::list(conn, &viewer, &ReportListQuery { unread_only: true, ..Default::default() })?;
                let count = unread.len() as u32;
                (unread.into_iter().filter(|r| r.kind == ReportKind::Urgent).collect(), count)
            };
            let reminders = calendar::due(conn, viewer.role, today)?;
            let (debts, debts_count, debts_overdue) =
                crate::money::analysis::debts_to_act(conn, &viewer, today, HOME_DEBTS)?;
            Ok(Home {
                debts,
                debts_count,
                debts_overdue,
                month_end: crate::money::analysis::month_end(conn, &viewer, today, &reminders)?,
                today: today.to_string(),
                reminders,
                tasks,
                overdue_tasks,
                visits_today,
                calls_today,
                daily_submitted,
                urgent_unread,
                unread_reports,
            })
        })
    }
}
