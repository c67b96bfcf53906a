//! The rolling three-month forecast (三月滚动销售预测, seed 003): each month a
//! rep expects, per customer, the sales of each of the next three months.
//! The form starts from the core's proposal — the same month last year
//! scaled by the customer's trend (the last three months against the same
//! three a year earlier, held between half and double), or the last three
//! months' average where there is no history to scale — which the rep
//! corrects. Forecasts roll up the tree, and the accuracy of what each person
//! forecast for the month just ended is shown to them and their managers.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::derived_id;
use crate::clock::timestamp;
use crate::error::{Error, FieldProblem, ProblemCode, Result};
use crate::ids::StaffId;
use crate::model::{NodeKind, StaffRole};
use crate::org::Viewer;
use crate::targets::breakdown::NodeRef;
use crate::targets::period::Period;
use crate::targets::{self, By, Cards, Node, Org, REVENUE};

/// Months ahead a forecast covers.
pub const AHEAD: usize = 3;
/// The trend a proposal follows is held between half and double.
const TREND_MIN: f64 = 0.5;
const TREND_MAX: f64 = 2.0;

/// A month as `year * 12 + month0`.
fn index(year: i32, month0: u32) -> i32 {
    year * 12 + month0 as i32
}

fn key_of(index: i32) -> String {
    format!("{}-{:02}", index.div_euclid(12), index.rem_euclid(12) + 1)
}

fn period_of(index: i32) -> Period {
    Period::month(index.div_euclid(12), index.rem_euclid(12) as u32 + 1)
}

/// A forecast's month (the month it is made in): `2026-12`.
pub fn month_of(text: &str) -> Result<i32> {
    let period = Period::parse(text)?;
    if period.to - period.from != 3 || period.from % 3 != 0 {
        return Err(Error::invalid(
            "month",
            ProblemCode::BadMonth,
            format!("'{text}' is not a month: a forecast is made in a month, 2026-12"),
        ));
    }
    Ok(index(period.year, (period.from / 3) as u32))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ForecastLineInput {
    pub customer_id: String,
    /// Fen expected in each of the three months after the forecast's month.
    #[ts(type = "number[]")]
    pub amounts: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ForecastInput {
    pub month: String,
    pub lines: Vec<ForecastLineInput>,
    #[serde(default)]
    pub submit: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ForecastLine {
    pub customer: NodeRef,
    #[ts(type = "number[]")]
    pub amounts: Vec<i64>,
    /// The core's proposal, to compare with.
    #[ts(type = "number[]")]
    pub proposed: Vec<i64>,
    /// The same months of last year.
    #[ts(type = "number[]")]
    pub last_year: Vec<i64>,
    pub saved: bool,
    /// The customer is no longer the person's (see `PlanLine::handed_over`).
    pub handed_over: bool,
}

/// How well a forecast foresaw a month that has ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Accuracy {
    /// The month forecast (ended), and the month the forecast was made in.
    pub month: String,
    pub made_in: String,
    #[ts(type = "number")]
    pub forecast: i64,
    #[ts(type = "number")]
    pub actual: i64,
    /// 1 − |actual − forecast| / the larger of the two, in basis points.
    #[ts(type = "number | null")]
    pub accuracy: Option<i64>,
}

/// One person's forecast made in a month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Forecast {
    pub id: String,
    pub staff: NodeRef,
    pub month: String,
    /// The three months it covers.
    pub months: Vec<String>,
    pub status: Option<String>,
    pub submitted_at: Option<String>,
    pub lines: Vec<ForecastLine>,
    #[ts(type = "number[]")]
    pub totals: Vec<i64>,
    /// What this person's forecasts of the month just ended foresaw (made
    /// one, two and three months before it).
    pub accuracy: Vec<Accuracy>,
    pub may_edit: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ForecastRow {
    pub node: NodeRef,
    /// People with a submitted forecast, of those below.
    pub submitted: u32,
    pub people: u32,
    #[ts(type = "number[]")]
    pub amounts: Vec<i64>,
    /// Their forecasts made a month before the month just ended, against it.
    pub accuracy: Option<Accuracy>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ForecastRollup {
    pub node: NodeRef,
    pub month: String,
    pub months: Vec<String>,
    pub rows: Vec<ForecastRow>,
    pub total: ForecastRow,
}

fn forecast_id(staff: &str, month: &str) -> String {
    derived_id(&format!("forecast/{staff}/{month}"))
}

/// Sales per card and month over `from..to` (month indexes).
fn monthly(conn: &Connection, cards: &[String], from: i32, to: i32) -> Result<HashMap<String, Vec<i64>>> {
    let range = (period_of(from).absolute().0, period_of(to - 1).absolute().1);
    let sold = targets::sold(conn, REVENUE, Cards::These(cards), By::Card, range)?;
    Ok(sold.into_iter().map(|(card, xuns)| (card, xuns.chunks(3).map(|c| c.iter().sum()).collect())).collect())
}

/// The proposal for each card: the three months after `month`.
/// A card's proposal and last year's same months.
struct Proposal {
    proposed: Vec<i64>,
    last_year: Vec<i64>,
}

fn propose(conn: &Connection, cards: &[String], month: i32) -> Result<HashMap<String, Proposal>> {
    // Months month−15 … month−1: the same three months a year before the
    // recent three (0..3), last year's months of the forecast (3..6), the
    // recent three (12..15).
    let sold = monthly(conn, cards, month - 15, month)?;
    let mut out = HashMap::new();
    for card in cards {
        let m = sold.get(card).cloned().unwrap_or_else(|| vec![0; 15]);
        let prior: i64 = m[0..3].iter().sum();
        let recent: i64 = m[12..15].iter().sum();
        let last_year: Vec<i64> = (0..AHEAD).map(|k| m[4 + k]).collect();
        let trend = (prior > 0).then(|| (recent as f64 / prior as f64).clamp(TREND_MIN, TREND_MAX));
        let proposed: Vec<i64> = last_year
            .iter()
            .map(|base| match trend {
                Some(t) if *base > 0 => (*base as f64 * t / 100.0).round() as i64 * 100,
                _ => (recent as f64 / 3.0 / 100.0).round() as i64 * 100,
            })
            .map(|a| a.max(0))
            .collect();
        out.insert(card.clone(), Proposal { proposed, last_year });
    }
    Ok(out)
}

fn accuracy_of(forecast: i64, actual: i64) -> Option<i64> {
    let larger = forecast.max(actual);
    (larger > 0).then(|| (10_000 - ((actual - forecast).abs() as i128 * 10_000 / larger as i128) as i64).max(0))
}

/// What `staff` forecast for the month `ended`, made 1, 2 and 3 months before it.
fn accuracy(conn: &Connection, staff: &str, ended: i32) -> Result<Vec<Accuracy>> {
    let mut out = vec![];
    for ahead in 1..=AHEAD as i32 {
        let made = ended - ahead;
        let column = ["first", "second", "third"][(ahead - 1) as usize];
        let sql = format!(
            "SELECT l.customer_id, l.{column} FROM sales_forecast f JOIN sales_forecast_line l ON l.forecast_id = f.id
              WHERE f.staff_id = ?1 AND f.month = ?2 AND f.status = 'submitted'"
        );
        let lines: Vec<(String, i64)> = conn
            .prepare_cached(&sql)?
            .query_map(params![staff, key_of(made)], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        if lines.is_empty() {
            continue;
        }
        let cards: Vec<String> = lines.iter().map(|l| l.0.clone()).collect();
        let sold = monthly(conn, &cards, ended, ended + 1)?;
        let forecast: i64 = lines.iter().map(|l| l.1).sum();
        let actual: i64 = sold.values().map(|v| v.iter().sum::<i64>()).sum();
        out.push(Accuracy {
            month: key_of(ended),
            made_in: key_of(made),
            forecast,
            actual,
            accuracy: accuracy_of(forecast, actual),
        });
    }
    Ok(out)
}

/// `staff`'s forecast made in `month`: the saved lines, or the proposal for
/// each of their customers; with the accuracy of their forecasts of the
/// month before `month`.
pub fn forecast(
    conn: &Connection,
    viewer: &Viewer,
    org: &mut Org,
    staff: StaffId,
    month: &str,
    today: NaiveDate,
) -> Result<Forecast> {
    viewer.require_staff(conn, staff)?;
    let m = month_of(month)?;
    let key = key_of(m);
    let me = staff.to_string();
    let saved: Option<(String, String, Option<String>)> = conn
        .prepare_cached("SELECT id, status, submitted_at FROM sales_forecast WHERE staff_id = ?1 AND month = ?2")?
        .query_row([&me, &key], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let mut lines_saved: HashMap<String, Vec<i64>> = HashMap::new();
    if let Some((id, ..)) = &saved {
        let mut stmt = conn.prepare_cached(
            "SELECT customer_id, first, second, third FROM sales_forecast_line WHERE forecast_id = ?1",
        )?;
        for row in stmt.query_map([id], |r| Ok((r.get::<_, String>(0)?, vec![r.get(1)?, r.get(2)?, r.get(3)?])))? {
            let (c, a) = row?;
            lines_saved.insert(c, a);
        }
    }
    let node = Node::staff(me.clone());
    let mut customers = org.child_nodes(conn, &node, &[])?;
    let own = customers.len();
    customers.extend(super::handed_over(conn, org, &customers, lines_saved.keys())?);
    let ids: Vec<String> = customers.iter().map(|c| c.id.clone()).collect();
    let proposals = propose(conn, &ids, m)?;
    let lines: Vec<ForecastLine> = customers
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let (proposed, last_year) = proposals
                .get(&c.id)
                .map_or_else(|| (vec![0; AHEAD], vec![0; AHEAD]), |p| (p.proposed.clone(), p.last_year.clone()));
            let (amounts, was_saved) = match lines_saved.get(&c.id) {
                Some(a) => (a.clone(), true),
                None if saved.is_some() => (vec![0; AHEAD], false),
                None => (proposed.clone(), false),
            };
            ForecastLine {
                customer: NodeRef::of(org, c),
                amounts,
                proposed,
                last_year,
                saved: was_saved,
                handed_over: i >= own,
            }
        })
        .collect();
    let totals = (0..AHEAD).map(|k| lines.iter().map(|l| l.amounts[k]).sum()).collect();
    let submitted = saved.as_ref().is_some_and(|s| s.1 == "submitted");
    let this_month = index(today.year(), today.month0());
    Ok(Forecast {
        id: saved.as_ref().map_or_else(|| forecast_id(&me, &key), |s| s.0.clone()),
        staff: NodeRef::of(org, &node),
        month: key,
        months: (1..=AHEAD as i32).map(|k| key_of(m + k)).collect(),
        status: saved.as_ref().map(|s| s.1.clone()),
        submitted_at: saved.as_ref().and_then(|s| s.2.clone()),
        lines,
        totals,
        accuracy: accuracy(conn, &me, m - 1)?,
        may_edit: viewer.staff == staff && !submitted && m >= this_month,
    })
}

/// Saves the viewer's forecast made in a month (the whole forecast), and
/// submits it when asked. Made in this month or a later one; a submitted
/// forecast is final; every customer must be the viewer's.
pub fn save(
    tx: &Transaction<'_>,
    viewer: &Viewer,
    input: &ForecastInput,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<String> {
    let m = month_of(&input.month)?;
    let key = key_of(m);
    if m < index(today.year(), today.month0()) {
        return Err(Error::invalid(
            "month",
            ProblemCode::OutOfRange,
            format!("{key} is over: a forecast is made in the present month, for the three after it"),
        ));
    }
    let me = viewer.staff.to_string();
    let existing: Option<(String, String)> = tx
        .prepare_cached("SELECT id, status FROM sales_forecast WHERE staff_id = ?1 AND month = ?2")?
        .query_row([&me, &key], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    if existing.as_ref().is_some_and(|e| e.1 == "submitted") {
        return Err(Error::invalid("status", ProblemCode::AlreadySubmitted, "this forecast is submitted; it is final"));
    }
    if input.lines.len() > super::MAX_LINES {
        return Err(Error::invalid("lines", ProblemCode::TooMany, format!("at most {} lines fit", super::MAX_LINES)));
    }
    let ids: Vec<&str> = input.lines.iter().map(|l| l.customer_id.as_str()).collect();
    let mut problems = super::own_customers(tx, &me, &ids, "forecast")?;
    let seen: std::collections::HashSet<String> = ids.iter().map(|c| c.trim().to_string()).collect();
    for (i, line) in input.lines.iter().enumerate() {
        let field = format!("lines[{i}]");
        if line.amounts.len() != AHEAD {
            problems.push(FieldProblem::new(
                &field,
                ProblemCode::BadMonth,
                format!("give {AHEAD} months, not {}", line.amounts.len()),
            ));
        } else if line.amounts.iter().any(|a| *a < 0) {
            problems.push(FieldProblem::new(&field, ProblemCode::Negative, "expect zero or more"));
        } else if line.amounts.iter().any(|a| *a > targets::MAX_XUN_AMOUNT) {
            problems.push(FieldProblem::new(
                &field,
                ProblemCode::OutOfRange,
                "an amount is larger than any forecast can be",
            ));
        }
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let ts = timestamp(now);
    let id = existing.as_ref().map_or_else(|| forecast_id(&me, &key), |e| e.0.clone());
    if existing.is_none() {
        tx.prepare_cached(
            "INSERT INTO sales_forecast (id, staff_id, month, status, created_at, updated_at) VALUES (?1, ?2, ?3, 'draft', ?4, ?4)",
        )?
        .execute(params![id, me, key, ts])?;
    }
    let kept: Vec<(String, String, Vec<i64>)> = tx
        .prepare_cached("SELECT id, customer_id, first, second, third FROM sales_forecast_line WHERE forecast_id = ?1")?
        .query_map([&id], |r| Ok((r.get(0)?, r.get(1)?, vec![r.get(2)?, r.get(3)?, r.get(4)?])))?
        .collect::<rusqlite::Result<_>>()?;
    for (line_id, customer, _) in &kept {
        if !seen.contains(customer) {
            tx.prepare_cached("DELETE FROM sales_forecast_line WHERE id = ?1")?.execute([line_id])?;
        }
    }
    for line in &input.lines {
        let customer = line.customer_id.trim();
        let a = &line.amounts;
        match kept.iter().find(|k| k.1 == customer) {
            Some((_, _, was)) if was == a => {}
            Some((line_id, ..)) => {
                tx.prepare_cached(
                    "UPDATE sales_forecast_line SET first = ?1, second = ?2, third = ?3, updated_at = ?4 WHERE id = ?5",
                )?
                .execute(params![a[0], a[1], a[2], ts, line_id])?;
            }
            None => {
                tx.prepare_cached(
                    "INSERT INTO sales_forecast_line (id, forecast_id, staff_id, customer_id, first, second, third, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
                )?
                .execute(params![
                    derived_id(&format!("forecast-line/{id}/{customer}")),
                    id,
                    me,
                    customer,
                    a[0],
                    a[1],
                    a[2],
                    ts
                ])?;
            }
        }
    }
    if input.submit {
        tx.prepare_cached(
            "UPDATE sales_forecast SET status = 'submitted', submitted_at = ?1, updated_at = ?1 WHERE id = ?2",
        )?
        .execute(params![ts, id])?;
    }
    Ok(id)
}

/// The forecasts made in a month by a unit's people, rolled up by the unit's
/// children, each with the accuracy of what they forecast a month before for
/// the month before.
pub fn rollup(conn: &Connection, viewer: &Viewer, org: &mut Org, unit: &Node, month: &str) -> Result<ForecastRollup> {
    let m = month_of(month)?;
    let key = key_of(m);
    crate::targets::progress::require_sees(conn, org, viewer, unit)?;
    if unit.kind != NodeKind::Unit {
        return Err(Error::invalid("node", ProblemCode::NotAChild, "a roll-up is of a unit of the organisation"));
    }
    let children = org.child_nodes(conn, unit, &[])?;
    let people = org.staff_under(&unit.id);
    let list: Vec<rusqlite::types::Value> = people.iter().map(|p| rusqlite::types::Value::Text(p.clone())).collect();
    let rows: Vec<(String, String, i64, i64, i64)> = conn
        .prepare_cached(
            "SELECT f.staff_id, f.status,
                    coalesce((SELECT sum(first) FROM sales_forecast_line l WHERE l.forecast_id = f.id), 0),
                    coalesce((SELECT sum(second) FROM sales_forecast_line l WHERE l.forecast_id = f.id), 0),
                    coalesce((SELECT sum(third) FROM sales_forecast_line l WHERE l.forecast_id = f.id), 0)
               FROM sales_forecast f WHERE f.staff_id IN rarray(?1) AND f.month = ?2",
        )?
        .query_map(params![std::rc::Rc::new(list), key], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let made: HashMap<String, (String, [i64; 3])> =
        rows.into_iter().map(|(s, st, a, b, c)| (s, (st, [a, b, c]))).collect();
    let mut accuracies: HashMap<String, Accuracy> = HashMap::new();
    for person in &people {
        if let Some(a) = accuracy(conn, person, m - 1)?.into_iter().find(|a| a.made_in == key_of(m - 2)) {
            accuracies.insert(person.clone(), a);
        }
    }
    let people_of = |org: &Org, node: &Node| -> Vec<String> {
        match node.kind {
            NodeKind::Unit => org.staff_under(&node.id),
            _ => vec![node.id.clone()],
        }
    };
    let row_of = |org: &Org, node: &Node, below: Vec<String>| -> ForecastRow {
        let reps =
            below.iter().filter(|p| org.staff.get(*p).is_some_and(|s| s.role == StaffRole::Rep && s.active)).count();
        let mut amounts = vec![0; AHEAD];
        let mut submitted = 0;
        let mut accuracy: Option<Accuracy> = None;
        for person in &below {
            if let Some((status, a)) = made.get(person) {
                for (t, v) in amounts.iter_mut().zip(a) {
                    *t += v;
                }
                if status == "submitted" {
                    submitted += 1;
                }
            }
            if let Some(a) = accuracies.get(person) {
                let sum = accuracy.get_or_insert(Accuracy { accuracy: None, forecast: 0, actual: 0, ..a.clone() });
                sum.forecast += a.forecast;
                sum.actual += a.actual;
            }
        }
        if let Some(a) = accuracy.as_mut() {
            a.accuracy = accuracy_of(a.forecast, a.actual);
        }
        ForecastRow { node: NodeRef::of(org, node), submitted, people: reps as u32, amounts, accuracy }
    };
    let rows = children.iter().map(|c| row_of(org, c, people_of(org, c))).collect();
    // The total is the rows': the people of the unit's children.
    let everyone: Vec<String> = children.iter().flat_map(|c| people_of(org, c)).collect();
    let total = row_of(org, unit, everyone);
    Ok(ForecastRollup {
        node: NodeRef::of(org, unit),
        month: key,
        months: (1..=AHEAD as i32).map(|k| key_of(m + k)).collect(),
        rows,
        total,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_count_across_years_and_accuracy_is_symmetric_and_bounded() {
        let m = month_of("2026-12").expect("month");
        assert_eq!(key_of(m + 1), "2027-01");
        assert_eq!(key_of(m - 12), "2025-12");
        assert!(month_of("2026-Q1").is_err());
        assert!(month_of("2026-12-1").is_err());
        assert_eq!(accuracy_of(100, 100), Some(10_000));
        assert_eq!(accuracy_of(100, 80), Some(8_000));
        assert_eq!(accuracy_of(80, 100), Some(8_000));
        assert_eq!(accuracy_of(100, 0), Some(0));
        assert_eq!(accuracy_of(0, 0), None);
    }
}
