//! The visit plan: which route a rep tours on a day, which of its stops are
//! due, and which customers elsewhere are overdue — from routes, the visit
//! frequency of each grade and the last visit of each card.
//!
//! A customer is due `visit_every_days` (of its grade) after its last visit;
//! never visited counts as due. A route with a weekday is toured on that day;
//! on a work day with no such route, the unscheduled route with the most due
//! stops is proposed; overdue customers off those routes are listed first on
//! every day the rep works. A week plan assumes each planned stop is visited on its
//! day, so a customer is not planned twice in a row.

use crate::error::ProblemCode;
use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::ids::{CustomerId, RouteId, StaffId};
use crate::org;

/// Most days one plan covers.
pub const MAX_DAYS: u32 = 14;
/// Overdue customers off the day's routes listed per day (the rest are counted).
pub const MAX_OVERDUE_LISTED: usize = 30;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PlanQuery {
    /// The rep; this laptop's person when none.
    #[ts(optional)]
    pub staff_id: Option<StaffId>,
    /// First day, `YYYY-MM-DD`; today when none.
    #[ts(optional)]
    pub date: Option<String>,
    /// 1 for a day, 7 for a week (at most 14).
    pub days: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum StopStatus {
    /// Past its due day.
    Overdue,
    /// Due on this day.
    Due,
    /// No visit on record.
    NeverVisited,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PlanStop {
    pub customer_id: CustomerId,
    pub name: String,
    pub grade: Option<String>,
    pub route_name: Option<String>,
    /// Place on its route (1-based).
    pub position: Option<u32>,
    pub last_visit_on: Option<String>,
    pub due_on: Option<String>,
    /// Days past due (0 when due on this day).
    pub overdue_days: u32,
    pub status: StopStatus,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PlanRoute {
    pub route_id: RouteId,
    pub name: String,
    /// Toured on this weekday by the route's schedule (else proposed for having the most due stops).
    pub scheduled: bool,
    /// Due and overdue stops, in route order.
    pub stops: Vec<PlanStop>,
    /// Stops of the route not due yet.
    pub not_due: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PlanDay {
    pub date: String,
    /// ISO weekday (1 = Monday).
    pub weekday: u8,
    /// Overdue customers not on the day's routes, most overdue first.
    pub overdue: Vec<PlanStop>,
    /// Further overdue customers not listed.
    pub more_overdue: u32,
    /// Every customer overdue on the day, on its routes or off them, and on a
    /// day off too (when nothing is proposed, the customers are still late).
    pub overdue_count: u32,
    pub routes: Vec<PlanRoute>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VisitPlan {
    pub staff_id: StaffId,
    pub staff_name: String,
    /// The rep's customers (eliminated ones aside).
    pub customers: u32,
    pub days: Vec<PlanDay>,
}

/// One line of the team view: a rep's plan for a day in numbers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PlanSummary {
    pub staff_id: StaffId,
    pub staff_name: String,
    pub territory_name: String,
    pub routes: Vec<String>,
    pub stops: u32,
    /// Every customer of the rep overdue on the day (see [`PlanDay::overdue_count`]).
    pub overdue: u32,
}

struct Card {
    id: CustomerId,
    name: String,
    grade: Option<String>,
    route: Option<usize>,
    position: Option<u32>,
    last: Option<NaiveDate>,
    every: u32,
}

struct RouteInfo {
    id: RouteId,
    name: String,
    weekday: Option<u8>,
    /// Indices into the cards, in route order.
    stops: Vec<usize>,
}

/// A rep's work day: Monday to Saturday; on Sunday only routes scheduled for
/// it are toured. Field work counts a next step's default due date in these days.
pub(crate) fn work_day(date: NaiveDate) -> bool {
    date.weekday().number_from_monday() <= 6
}

pub fn parse_day(field: &str, text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
        Error::invalid(field, ProblemCode::BadDate, format!("'{text}' is not a date; write it as YYYY-MM-DD"))
    })
}

/// Builds the rep's plan for `days` days from `first`.
pub fn build(conn: &Connection, staff: StaffId, first: NaiveDate, days: u32) -> Result<VisitPlan> {
    if !(1..=MAX_DAYS).contains(&days) {
        return Err(Error::invalid("days", ProblemCode::OutOfRange, format!("a plan covers 1 to {MAX_DAYS} days")));
    }
    let member = org::staff_member(conn, staff)?;
    let (frequencies, ungraded) = crate::grades::visit_frequencies(conn)?;
    let mut routes: Vec<RouteInfo> = vec![];
    let mut route_index: HashMap<RouteId, usize> = HashMap::new();
    let mut stmt = conn
        .prepare_cached("SELECT id, name, weekday FROM route WHERE owner_id = ?1 AND retired = 0 ORDER BY name, id")?;
    for row in stmt.query_map([staff], |r| Ok((r.get::<_, RouteId>(0)?, r.get::<_, String>(1)?, r.get(2)?)))? {
        let (id, name, weekday) = row?;
        route_index.insert(id, routes.len());
        routes.push(RouteInfo { id, name, weekday, stops: vec![] });
    }
    let mut cards: Vec<Card> = vec![];
    let mut stmt = conn.prepare_cached(
        "SELECT id, name, grade, route_id, last_visit_on FROM customer
         WHERE owner_id = ?1 AND lifecycle <> 'eliminated'
         ORDER BY route_id, route_seq, name_pinyin, id",
    )?;
    let rows = stmt.query_map([staff], |r| {
        Ok((
            r.get::<_, CustomerId>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<String>>(2)?,
            r.get::<_, Option<RouteId>>(3)?,
            r.get::<_, Option<String>>(4)?,
        ))
    })?;
    for row in rows {
        let (id, name, grade, route, last) = row?;
        let route = route.and_then(|r| route_index.get(&r).copied());
        let every = grade.as_ref().and_then(|g| frequencies.get(g).copied()).unwrap_or(ungraded);
        let index = cards.len();
        let position = route.map(|r| {
            routes[r].stops.push(index);
            routes[r].stops.len() as u32
        });
        cards.push(Card {
            id,
            name,
            grade,
            route,
            position,
            last: last.and_then(|l| NaiveDate::parse_from_str(&l, "%Y-%m-%d").ok()),
            every,
        });
    }
    let mut out = vec![];
    for offset in 0..days {
        let day = first + Duration::days(i64::from(offset));
        out.push(plan_day(&mut cards, &routes, day));
    }
    Ok(VisitPlan { staff_id: staff, staff_name: member.name, customers: cards.len() as u32, days: out })
}

fn due_on(card: &Card) -> Option<NaiveDate> {
    card.last.map(|l| l + Duration::days(i64::from(card.every)))
}

fn stop(card: &Card, routes: &[RouteInfo], day: NaiveDate) -> Option<PlanStop> {
    let due = due_on(card);
    let status = match due {
        None => StopStatus::NeverVisited,
        Some(d) if d < day => StopStatus::Overdue,
        Some(d) if d == day => StopStatus::Due,
        Some(_) => return None,
    };
    Some(PlanStop {
        customer_id: card.id,
        name: card.name.clone(),
        grade: card.grade.clone(),
        route_name: card.route.map(|r| routes[r].name.clone()),
        position: card.position,
        last_visit_on: card.last.map(|d| d.to_string()),
        due_on: due.map(|d| d.to_string()),
        overdue_days: due.map_or(0, |d| (day - d).num_days().max(0) as u32),
        status,
    })
}

fn plan_day(cards: &mut [Card], routes: &[RouteInfo], day: NaiveDate) -> PlanDay {
    let weekday = day.weekday().number_from_monday() as u8;
    let mut chosen: Vec<(usize, bool)> =
        routes.iter().enumerate().filter(|(_, r)| r.weekday == Some(weekday)).map(|(i, _)| (i, true)).collect();
    if chosen.is_empty() && work_day(day) {
        // The unscheduled route with the most due stops (then the most days overdue).
        let best = routes
            .iter()
            .enumerate()
            .filter(|(_, r)| r.weekday.is_none())
            .map(|(i, r)| {
                let due: Vec<PlanStop> = r.stops.iter().filter_map(|&c| stop(&cards[c], routes, day)).collect();
                let overdue: u32 = due.iter().map(|s| s.overdue_days).sum();
                (i, due.len(), overdue)
            })
            .filter(|(_, due, _)| *due > 0)
            .max_by(|a, b| a.1.cmp(&b.1).then(a.2.cmp(&b.2)).then(b.0.cmp(&a.0)));
        chosen.extend(best.map(|(i, _, _)| (i, false)));
    }
    let mut planned: Vec<usize> = vec![];
    let mut plan_routes = vec![];
    for (r, scheduled) in chosen {
        let route = &routes[r];
        let mut stops = vec![];
        let mut not_due = 0;
        for &c in &route.stops {
            match stop(&cards[c], routes, day) {
                Some(s) => {
                    stops.push(s);
                    planned.push(c);
                }
                None => not_due += 1,
            }
        }
        plan_routes.push(PlanRoute { route_id: route.id, name: route.name.clone(), scheduled, stops, not_due });
    }
    let overdue_count =
        cards.iter().filter(|c| stop(c, routes, day).is_some_and(|s| s.status == StopStatus::Overdue)).count() as u32;
    // A Sunday is a work day for a rep with a route scheduled on it.
    let working = work_day(day) || !plan_routes.is_empty();
    let mut overdue: Vec<(usize, PlanStop)> = if working {
        cards
            .iter()
            .enumerate()
            .filter(|(i, _)| !planned.contains(i))
            .filter_map(|(i, c)| stop(c, routes, day).filter(|s| s.status == StopStatus::Overdue).map(|s| (i, s)))
            .collect()
    } else {
        vec![]
    };
    overdue.sort_by(|a, b| b.1.overdue_days.cmp(&a.1.overdue_days).then_with(|| a.1.name.cmp(&b.1.name)));
    let more_overdue = overdue.len().saturating_sub(MAX_OVERDUE_LISTED) as u32;
    overdue.truncate(MAX_OVERDUE_LISTED);
    planned.extend(overdue.iter().map(|(i, _)| *i));
    // The rest of a week's plan assumes today's plan is carried out.
    for i in planned {
        cards[i].last = Some(day);
    }
    PlanDay {
        date: day.to_string(),
        weekday,
        overdue: overdue.into_iter().map(|(_, s)| s).collect(),
        more_overdue,
        overdue_count,
        routes: plan_routes,
    }
}

/// Each rep's plan for `day` in numbers, for the reps whose territory is in `units` (all when None).
pub fn team(
    conn: &Connection,
    units: Option<&std::collections::HashSet<String>>,
    day: NaiveDate,
) -> Result<Vec<PlanSummary>> {
    let reps: Vec<_> = org::staff(conn)?
        .into_iter()
        .filter(|s| s.role == crate::model::StaffRole::Rep && s.active)
        .filter(|s| units.is_none_or(|u| u.contains(&s.org_unit_id.to_string())))
        .collect();
    let mut out = vec![];
    for rep in reps {
        let plan = build(conn, rep.id, day, 1)?;
        let Some(today) = plan.days.into_iter().next() else { continue };
        out.push(PlanSummary {
            staff_id: rep.id,
            staff_name: rep.name,
            territory_name: rep.org_unit_name,
            routes: today.routes.iter().map(|r| r.name.clone()).collect(),
            stops: today.routes.iter().map(|r| r.stops.len() as u32).sum(),
            overdue: today.overdue_count,
        });
    }
    Ok(out)
}
