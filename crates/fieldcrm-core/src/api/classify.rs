//! The facade for classification: code lists, grades and routes, visit plans
//! and route sheets (see [`crate::codes`], [`crate::grades`], [`crate::routes`]).

use crate::error::ProblemCode;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::api::{ApiResult, Book};
use crate::card::ArchiveCard;
use crate::codes::{self, CodeEdit, CodeList, NewCodeItem, NewCodeList};
use crate::error::{Error, FieldProblem, Result};
use crate::grades::{
    self, AcceptedGrade, GradeChange, GradeHistoryEntry, GradeLevel, GradeLevelInput, GradeScale, GradeSuggestion,
    RuleShare,
};
use crate::ids::{CustomerId, OrgUnitId, RouteId, StaffId};
use crate::model::StaffRole;
use crate::org::{self, Profile};
use crate::routes::plan::{self, PlanQuery, PlanSummary, VisitPlan};
use crate::routes::{self, NewRoute, Route, RouteDetail, RouteEdit, RouteProposal};

/// Both grade scales and the ABC rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct GradeScales {
    pub levels: Vec<GradeLevel>,
    pub rule: Vec<RuleShare>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct SuggestQuery {
    /// Grade the cards of this unit and below; the person's own part of the
    /// organisation when none.
    #[ts(optional)]
    pub org_unit_id: Option<OrgUnitId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AcceptGrades {
    pub grades: Vec<AcceptedGrade>,
    /// Shown in each card's grade history; a default names the ABC rule.
    #[ts(optional)]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AcceptReport {
    pub changed: u32,
    pub unchanged: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RouteStops {
    pub route_id: RouteId,
    pub customers: Vec<CustomerId>,
    /// 1-based place of the first new stop; the end when none.
    #[ts(optional)]
    pub at: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StopMove {
    pub customer_id: CustomerId,
    /// New 1-based place on its route.
    pub position: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RouteOrder {
    pub route_id: RouteId,
    pub order: Vec<CustomerId>,
}

/// Most grades accepted in one go.
pub const MAX_ACCEPT: usize = 200_000;

fn profile(conn: &Connection) -> Result<Profile> {
    org::profile(conn)?.ok_or(Error::NoProfile)
}

pub(super) fn require_office(conn: &Connection, what: &str) -> Result<Profile> {
    let profile = profile(conn)?;
    if profile.role == StaffRole::HeadOffice {
        Ok(profile)
    } else {
        Err(Error::Forbidden(format!("only head office maintains {what}; ask head office to change it")))
    }
}

fn require_manager(conn: &Connection) -> Result<Profile> {
    let profile = profile(conn)?;
    if profile.role == StaffRole::Rep {
        Err(Error::Forbidden("grades are set by managers and head office; ask your manager".into()))
    } else {
        Ok(profile)
    }
}

/// The territories a person looks after (None: everything).
fn units_of(conn: &Connection, profile: &Profile) -> Result<Option<HashSet<String>>> {
    Ok(match profile.role {
        StaffRole::HeadOffice => None,
        _ => Some(crate::org::subtree(conn, &profile.org_unit_id.to_string())?),
    })
}

impl Book {
    pub fn code_lists(&self) -> ApiResult<Vec<CodeList>> {
        self.read(codes::lists)
    }

    pub fn add_code_list(&self, new: &NewCodeList) -> ApiResult<Vec<CodeList>> {
        let now = self.clock.now();
        self.write(|tx| {
            require_office(tx, "code lists")?;
            codes::add_list(tx, new, now)?;
            codes::lists(tx)
        })
    }

    pub fn add_code(&self, new: &NewCodeItem) -> ApiResult<Vec<CodeList>> {
        let now = self.clock.now();
        self.write(|tx| {
            require_office(tx, "code lists")?;
            codes::add_item(tx, new, now)?;
            codes::lists(tx)
        })
    }

    pub fn edit_code(&self, edit: &CodeEdit) -> ApiResult<Vec<CodeList>> {
        let now = self.clock.now();
        self.write(|tx| {
            require_office(tx, "code lists")?;
            codes::edit(tx, edit, now)?;
            codes::lists(tx)
        })
    }

    pub fn grade_scales(&self) -> ApiResult<GradeScales> {
        self.read(|conn| Ok(GradeScales { levels: grades::levels(conn)?, rule: grades::rule(conn)? }))
    }

    pub fn save_grade_level(&self, input: &GradeLevelInput) -> ApiResult<GradeScales> {
        let now = self.clock.now();
        self.write(|tx| {
            require_office(tx, "the grade scales")?;
            grades::save_level(tx, input, now)?;
            Ok(GradeScales { levels: grades::levels(tx)?, rule: grades::rule(tx)? })
        })
    }

    pub fn set_grading_rule(&self, shares: &[RuleShare]) -> ApiResult<GradeScales> {
        let now = self.clock.now();
        self.write(|tx| {
            require_office(tx, "the grading rule")?;
            grades::set_rule(tx, shares, now)?;
            Ok(GradeScales { levels: grades::levels(tx)?, rule: grades::rule(tx)? })
        })
    }

    /// Sets a card's customer or credit grade by hand.
    pub fn set_grade(&self, change: &GradeChange) -> ApiResult<ArchiveCard> {
        self.write(|tx| {
            require_manager(tx)?;
            let actor = self.actor(tx, "grade")?;
            grades::set(tx, change, true, actor)?;
            crate::card::read::load(tx, change.customer_id, &self.stale_before(tx)?)
        })
    }

    pub fn grade_history(&self, customer: CustomerId) -> ApiResult<Vec<GradeHistoryEntry>> {
        self.read(|conn| {
            if !org::exists(conn, "customer", &customer.to_string())? {
                return Err(Error::NotFound { what: "customer", id: customer.to_string() });
            }
            grades::history(conn, customer)
        })
    }

    /// The ABC suggestion over the cards a manager looks after (changes nothing).
    pub fn suggest_grades(&self, query: &SuggestQuery) -> ApiResult<GradeSuggestion> {
        self.read(|conn| {
            let profile = require_manager(conn)?;
            let mine = units_of(conn, &profile)?;
            let units = match query.org_unit_id {
                Some(unit) => {
                    let id = unit.to_string();
                    if mine.as_ref().is_some_and(|m| !m.contains(&id)) {
                        return Err(Error::Forbidden("that unit is outside your part of the organisation".into()));
                    }
                    if !org::exists(conn, "org_unit", &id)? {
                        return Err(Error::NotFound { what: "org unit", id });
                    }
                    Some(crate::org::subtree(conn, &id)?)
                }
                None => mine,
            };
            let units: Option<Vec<String>> = units.map(|u| u.into_iter().collect());
            grades::suggest(conn, units.as_deref(), self.today(conn)?)
        })
    }

    /// Applies the grades a manager accepted from the suggestion. A card whose
    /// grade was set by hand changes only because it is listed here.
    pub fn accept_grades(&self, accepted: &AcceptGrades) -> ApiResult<AcceptReport> {
        if accepted.grades.len() > MAX_ACCEPT {
            return Err(Error::invalid(
                "grades",
                ProblemCode::TooMany,
                format!("accept at most {MAX_ACCEPT} grades at once"),
            )
            .into());
        }
        self.write(|tx| {
            require_manager(tx)?;
            let actor = self.actor(tx, "grade_suggestion")?;
            let reason = accepted.reason.clone().filter(|r| !r.trim().is_empty()).or_else(|| {
                let rule = grades::rule(tx).ok()?;
                let parts: Vec<String> = rule.iter().map(|s| format!("{} {}%", s.grade, s.share)).collect();
                Some(format!("ABC: {}", parts.join(" / ")))
            });
            let mut report = AcceptReport { changed: 0, unchanged: 0 };
            let mut problems: Vec<FieldProblem> = vec![];
            for (i, a) in accepted.grades.iter().enumerate() {
                let change = GradeChange {
                    customer_id: a.customer_id,
                    scale: GradeScale::Customer,
                    grade: Some(a.grade.clone()),
                    reason: reason.clone(),
                };
                let field = format!("grades[{i}]");
                match grades::set(tx, &change, false, actor) {
                    Ok(true) => report.changed += 1,
                    Ok(false) => report.unchanged += 1,
                    Err(Error::Invalid(p)) => {
                        problems.extend(p.into_iter().map(|p| FieldProblem { field: field.clone(), ..p }))
                    }
                    Err(Error::NotFound { id, .. }) => problems.push(FieldProblem::new(
                        field,
                        ProblemCode::UnknownRef,
                        format!("{id} does not exist in this book"),
                    )),
                    Err(other) => return Err(other),
                }
            }
            if !problems.is_empty() {
                return Err(Error::Invalid(problems));
            }
            Ok(report)
        })
    }

    pub fn routes(&self, owner: Option<StaffId>) -> ApiResult<Vec<Route>> {
        self.read(|conn| routes::list(conn, owner))
    }

    pub fn route(&self, id: RouteId) -> ApiResult<RouteDetail> {
        self.read(|conn| routes::detail(conn, id))
    }

    pub fn create_route(&self, new: &NewRoute) -> ApiResult<RouteDetail> {
        let now = self.clock.now();
        self.write(|tx| {
            let id = routes::create(tx, new, &profile(tx)?, now)?;
            routes::detail(tx, id)
        })
    }

    pub fn edit_route(&self, edit: &RouteEdit) -> ApiResult<RouteDetail> {
        let now = self.clock.now();
        self.write(|tx| {
            routes::edit(tx, edit, &profile(tx)?, now)?;
            let id = edit.id.ok_or_else(|| Error::invalid("id", ProblemCode::Required, "name the route to change"))?;
            routes::detail(tx, id)
        })
    }

    pub fn add_route_stops(&self, stops: &RouteStops) -> ApiResult<RouteDetail> {
        self.write(|tx| {
            let actor = self.actor(tx, "route")?;
            routes::add_stops(tx, stops.route_id, &stops.customers, stops.at, &profile(tx)?, actor)?;
            routes::detail(tx, stops.route_id)
        })
    }

    pub fn remove_route_stops(&self, customers: &[CustomerId]) -> ApiResult<()> {
        self.write(|tx| {
            let actor = self.actor(tx, "route")?;
            routes::remove_stops(tx, customers, &profile(tx)?, actor)
        })
    }

    pub fn move_route_stop(&self, stop: &StopMove) -> ApiResult<RouteDetail> {
        self.write(|tx| {
            routes::move_stop(tx, stop.customer_id, stop.position, &profile(tx)?)?;
            let route: RouteId =
                tx.query_row("SELECT route_id FROM customer WHERE id = ?1", [stop.customer_id], |r| r.get(0))?;
            routes::detail(tx, route)
        })
    }

    pub fn set_route_order(&self, order: &RouteOrder) -> ApiResult<RouteDetail> {
        self.write(|tx| {
            routes::set_order(tx, order.route_id, &order.order, &profile(tx)?)?;
            routes::detail(tx, order.route_id)
        })
    }

    /// A shorter order for the route, for the rep to accept or not.
    pub fn propose_route_order(&self, id: RouteId) -> ApiResult<RouteProposal> {
        self.read(|conn| routes::propose(conn, id))
    }

    /// Writes the route sheet (xlsx, A4) to `path`; returns the path written.
    pub fn write_route_sheet(&self, id: RouteId, path: &Path) -> ApiResult<PathBuf> {
        let bytes = self.read(|conn| {
            let today = self.today(conn)?.to_string();
            let language = org::profile(conn)?.map_or_else(|| "zh-CN".to_string(), |p| p.language);
            routes::sheet::workbook(&routes::detail(conn, id)?, &language, &today)
        })?;
        super::files::write_atomically(path, &bytes).map_err(|e| self.public(e))?;
        Ok(path.to_path_buf())
    }

    /// Records that the customer was visited on `date` (the plan counts from the
    /// last visit). An earlier date than the one on record changes nothing.
    pub fn set_last_visit(&self, customer: CustomerId, date: &str) -> ApiResult<ArchiveCard> {
        self.write(|tx| {
            let today = self.today(tx)?;
            let day = plan::parse_day("date", date)?;
            if day > today {
                return Err(Error::invalid(
                    "date",
                    ProblemCode::FutureDate,
                    format!("{day} lies in the future; a visit cannot"),
                ));
            }
            let actor = self.actor(tx, "visit")?;
            let current: Option<Option<String>> = rusqlite::OptionalExtension::optional(tx.query_row(
                "SELECT last_visit_on FROM customer WHERE id = ?1",
                [customer],
                |r| r.get(0),
            ))?;
            let Some(current) = current else {
                return Err(Error::NotFound { what: "customer", id: customer.to_string() });
            };
            let day = day.to_string();
            if current.as_deref().is_none_or(|c| c < day.as_str()) {
                tx.execute(
                    "UPDATE customer SET last_visit_on = ?2, revision = revision + 1, updated_at = ?3, updated_by = ?4
                     WHERE id = ?1",
                    rusqlite::params![customer, day, crate::clock::timestamp(actor.at), actor.staff],
                )?;
            }
            crate::card::read::load(tx, customer, &self.stale_before(tx)?)
        })
    }

    /// A rep's plan for a day or a week. Managers see their reps' plans.
    pub fn visit_plan(&self, query: &PlanQuery) -> ApiResult<VisitPlan> {
        self.read(|conn| {
            let today = self.today(conn)?;
            let me = profile(conn)?;
            let staff = query.staff_id.unwrap_or(me.staff_id);
            if staff != me.staff_id {
                let member = org::staff_member(conn, staff)?;
                if units_of(conn, &me)?.is_some_and(|u| !u.contains(&member.org_unit_id.to_string())) {
                    return Err(Error::Forbidden(format!(
                        "{} works outside your part of the organisation; you see only your team's plans",
                        member.name
                    )));
                }
            }
            let first = match &query.date {
                Some(date) => plan::parse_day("date", date)?,
                None => today,
            };
            plan::build(conn, staff, first, query.days)
        })
    }

    /// Every rep's plan for the day in numbers (managers: their team).
    pub fn team_plan(&self, date: Option<&str>) -> ApiResult<Vec<PlanSummary>> {
        self.read(|conn| {
            let today = self.today(conn)?;
            let me = profile(conn)?;
            let day = match date {
                Some(date) => plan::parse_day("date", date)?,
                None => today,
            };
            plan::team(conn, units_of(conn, &me)?.as_ref(), day)
        })
    }
}
